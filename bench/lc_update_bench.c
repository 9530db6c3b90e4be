/* One sync-committee update verified, on real mainnet data (512 keys) from
 * portal-spec-tests as beacon REST JSON (../shared/light-client/mainnet/{deneb,capella}):
 * the store from the bootstrap and the trusted checkpoint; then the first period
 * update that chains onto it (Deneb: period 1250's, carrying the next committee),
 * or else the finality update, is timed through lc_validate_update (participant
 * keys summed, hash-to-G2, one pairing check, the branches); a flipped
 * participation bit must be refused; the finality and optimistic updates must take
 * the store to their headers. Exit 1 on any difference.
 * usage: lc_update_bench [DIR] [ITERATIONS]   (default ../shared/light-client/mainnet/deneb, 20)
 * The JSON reading here is a bench-only minimum (hex fields by name); the node's
 * REST source has its own decoder. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/bytes.h"
#include "ethc/light_client.h"
#include "ethc/ssz.h"

static int bad;

static const cJSON *get(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  if (!v) {
    fprintf(stderr, "lc_update_bench: missing field %s\n", k);
    bad = 1;
  }
  return v;
}
static void hexf(const cJSON *o, const char *k, uint8_t *out, size_t n) {
  const cJSON *v = get(o, k);
  if (!v || !cJSON_IsString(v) || hex_decode_fixed(v->valuestring, true, out, n) != 0) bad = 1;
}
static uint64_t u64f(const cJSON *o, const char *k) {
  const cJSON *v = get(o, k);
  return v && cJSON_IsString(v) ? strtoull(v->valuestring, NULL, 10) : 0;
}
static void branch(const cJSON *a, uint8_t (*out)[32], size_t n) {
  size_t i = 0;
  for (const cJSON *x = a ? a->child : NULL; x && i < n; x = x->next, i++)
    if (hex_decode_fixed(x->valuestring, true, out[i], 32) != 0) bad = 1;
  if (i != n) bad = 1;
}
static void header(const cJSON *o, beacon_fork_t fork, beacon_lc_header_t *h) {
  memset(h, 0, sizeof *h);
  h->fork = fork;
  const cJSON *b = get(o, "beacon"), *e = get(o, "execution");
  if (!b || !e) return;
  h->beacon.slot = u64f(b, "slot");
  h->beacon.proposer_index = u64f(b, "proposer_index");
  hexf(b, "parent_root", h->beacon.parent_root.bytes, 32);
  hexf(b, "state_root", h->beacon.state_root.bytes, 32);
  hexf(b, "body_root", h->beacon.body_root.bytes, 32);
  beacon_execution_header_t *x = &h->execution;
  hexf(e, "parent_hash", x->parent_hash.bytes, 32);
  hexf(e, "fee_recipient", x->fee_recipient.bytes, 20);
  hexf(e, "state_root", x->state_root.bytes, 32);
  hexf(e, "receipts_root", x->receipts_root.bytes, 32);
  hexf(e, "logs_bloom", x->logs_bloom, 256);
  hexf(e, "prev_randao", x->prev_randao.bytes, 32);
  x->block_number = u64f(e, "block_number");
  x->gas_limit = u64f(e, "gas_limit");
  x->gas_used = u64f(e, "gas_used");
  x->timestamp = u64f(e, "timestamp");
  size_t xl = 0;
  const cJSON *ed = get(e, "extra_data");
  if (!ed || hex_decode(ed->valuestring, true, x->extra_data, 32, &xl) != 0) bad = 1;
  x->extra_data_len = (uint8_t)xl;
  x->base_fee_per_gas.w[0] = u64f(e, "base_fee_per_gas"); /* mainnet base fees fit 64 bits */
  hexf(e, "block_hash", x->block_hash.bytes, 32);
  hexf(e, "transactions_root", x->transactions_root.bytes, 32);
  hexf(e, "withdrawals_root", x->withdrawals_root.bytes, 32);
  if (fork >= BEACON_FORK_DENEB) {
    x->blob_gas_used = u64f(e, "blob_gas_used");
    x->excess_blob_gas = u64f(e, "excess_blob_gas");
  }
  branch(get(o, "execution_branch"), h->execution_branch, BEACON_EXECUTION_BRANCH_DEPTH);
}
static cJSON *load(const char *dir, const char *name) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t n;
  char *t = (char *)bytes_read_file(path, &n);
  if (!t) {
    fprintf(stderr, "lc_update_bench: cannot read %s\n", path);
    exit(2);
  }
  cJSON *j = cJSON_ParseWithLength(t, n);
  free(t);
  if (!j) exit(2);
  return j;
}
static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void committee(const cJSON *o, beacon_sync_committee_t *c) {
  size_t i = 0;
  const cJSON *pk = get(o, "pubkeys");
  for (const cJSON *k = pk ? pk->child : NULL; k && i < 512; k = k->next, i++)
    if (hex_decode_fixed(k->valuestring, true, c->pubkeys[i], 48) != 0) bad = 1;
  if (i != 512) bad = 1;
  hexf(o, "aggregate_pubkey", c->aggregate_pubkey, 48);
}
static void aggregate(const cJSON *o, beacon_sync_aggregate_t *a) {
  hexf(o, "sync_committee_bits", a->sync_committee_bits, 64);
  hexf(o, "sync_committee_signature", a->sync_committee_signature, 96);
}
/* The fork named by a response's "version". */
static beacon_fork_t fork_of(const cJSON *j) {
  const cJSON *v = get(j, "version");
  beacon_fork_t f = BEACON_FORK_DENEB;
  if (!v || !cJSON_IsString(v) || !beacon_fork_from_name(v->valuestring, &f)) bad = 1;
  return f;
}
static void update(const cJSON *j, beacon_lc_update_t *u) {
  memset(u, 0, sizeof *u);
  beacon_fork_t f = fork_of(j);
  const cJSON *d = get(j, "data");
  u->fork = f;
  header(get(d, "attested_header"), f, &u->attested_header);
  header(get(d, "finalized_header"), f, &u->finalized_header);
  branch(get(d, "finality_branch"), u->finality_branch, beacon_finality_depth(f));
  branch(get(d, "next_sync_committee_branch"), u->next_sync_committee_branch, beacon_next_sync_committee_depth(f));
  committee(get(d, "next_sync_committee"), &u->next_sync_committee);
  aggregate(get(d, "sync_aggregate"), &u->sync_aggregate);
  u->signature_slot = u64f(d, "signature_slot");
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/light-client/mainnet/deneb";
  int iters = argc > 2 ? atoi(argv[2]) : 20;
  if (iters < 1) iters = 1;
  const beacon_config_t *cfg = beacon_config_by_name("mainnet");
  cJSON *bj = load(dir, "bootstrap.json"), *fj = load(dir, "finality_update.json"), *cj = load(dir, "checkpoint.json");
  cJSON *uj = load(dir, "updates.json"), *oj = load(dir, "optimistic_update.json");
  static beacon_lc_bootstrap_t boot;
  static beacon_lc_finality_update_t fu;
  static beacon_lc_optimistic_update_t ou;
  static beacon_lc_update_t pu, full;
  static lc_store_t store, work;
  beacon_fork_t bf = fork_of(bj);
  const cJSON *bd = get(bj, "data");
  boot.fork = bf;
  header(get(bd, "header"), bf, &boot.header);
  committee(get(bd, "current_sync_committee"), &boot.current_sync_committee);
  branch(get(bd, "current_sync_committee_branch"), boot.current_sync_committee_branch,
         beacon_current_sync_committee_depth(bf));
  beacon_fork_t ff = fork_of(fj);
  const cJSON *fd = get(fj, "data");
  fu.fork = ff;
  header(get(fd, "attested_header"), ff, &fu.attested_header);
  header(get(fd, "finalized_header"), ff, &fu.finalized_header);
  branch(get(fd, "finality_branch"), fu.finality_branch, beacon_finality_depth(ff));
  aggregate(get(fd, "sync_aggregate"), &fu.sync_aggregate);
  fu.signature_slot = u64f(fd, "signature_slot");
  beacon_fork_t of = fork_of(oj);
  const cJSON *od = get(oj, "data");
  ou.fork = of;
  header(get(od, "attested_header"), of, &ou.attested_header);
  aggregate(get(od, "sync_aggregate"), &ou.sync_aggregate);
  ou.signature_slot = u64f(od, "signature_slot");
  uint8_t trusted[32];
  hexf(cj, "checkpoint", trusted, 32);
  if (bad) return 2;
  const char *why = NULL;
  double t0 = now_ms();
  if (lc_store_init(&store, cfg, trusted, &boot, &why) != 0) {
    fprintf(stderr, "bootstrap rejected: %s\n", why);
    return 1;
  }
  double t_init = now_ms() - t0;
  uint64_t slot = ou.signature_slot + 1;

  /* The update to time: the first period update that chains onto the bootstrap
   * (it carries the next committee), else the finality update itself. */
  const beacon_lc_update_t *timed = NULL;
  for (const cJSON *x = uj->child; x && !timed; x = x->next) {
    update(x, &pu);
    if (bad) return 2;
    if (lc_validate_update(&store, cfg, &pu, slot, &why) == 0) timed = &pu;
  }
  if (!timed) {
    full.fork = fu.fork;
    full.attested_header = fu.attested_header;
    full.finalized_header = fu.finalized_header;
    memcpy(full.finality_branch, fu.finality_branch, sizeof full.finality_branch);
    full.sync_aggregate = fu.sync_aggregate;
    full.signature_slot = fu.signature_slot;
    timed = &full;
  }
  double best = 1e9, sum = 0;
  for (int k = 0; k < iters; k++) {
    double a = now_ms();
    if (lc_validate_update(&store, cfg, timed, slot, &why) != 0) {
      fprintf(stderr, "update rejected: %s\n", why);
      return 1;
    }
    double d = now_ms() - a;
    sum += d;
    if (d < best) best = d;
  }
  /* Sanity: a flipped participation bit must be refused (the slow path: the
   * shortcut says no, then the participants are summed one by one). */
  static beacon_lc_update_t bad_u;
  bad_u = *timed;
  bad_u.sync_aggregate.sync_committee_bits[3] ^= 0x10;
  double b0 = now_ms();
  int refused = lc_validate_update(&store, cfg, &bad_u, slot, &why) != 0;
  double t_bad = now_ms() - b0;
  if (!refused) {
    fprintf(stderr, "a flipped participation bit was accepted\n");
    return 1;
  }
  printf("flipped participation bit refused (%s) in %.2f ms\n", why, t_bad);
  work = store;
  if (timed == &pu && lc_process_update(&work, cfg, &pu, slot, &why) != 0) return 1;
  double a = now_ms();
  if (lc_process_finality_update(&work, cfg, &fu, slot, &why) != 0) {
    fprintf(stderr, "finality update rejected: %s\n", why);
    return 1;
  }
  double t_proc = now_ms() - a;
  if (lc_process_optimistic_update(&work, cfg, &ou, slot, &why) != 0) {
    fprintf(stderr, "optimistic update rejected: %s\n", why);
    return 1;
  }
  if (work.finalized_header.beacon.slot != fu.finalized_header.beacon.slot ||
      work.optimistic_header.beacon.slot != ou.attested_header.beacon.slot) {
    fprintf(stderr, "the store did not reach the finality and optimistic updates' headers\n");
    return 1;
  }
  printf(
      "mainnet %s, %llu of 512 keys signing: store from bootstrap %.2f ms; one update verified: "
      "mean %.2f ms, best %.2f ms (%d runs); process_finality_update %.2f ms; finalized slot %llu "
      "(block %llu), optimistic %llu (block %llu)\n",
      beacon_fork_name(bf), (unsigned long long)lc_participants(cfg, &timed->sync_aggregate), t_init, sum / iters, best,
      iters, t_proc, (unsigned long long)work.finalized_header.beacon.slot,
      (unsigned long long)work.finalized_header.execution.block_number,
      (unsigned long long)work.optimistic_header.beacon.slot,
      (unsigned long long)work.optimistic_header.execution.block_number);
  cJSON_Delete(bj);
  cJSON_Delete(fj);
  cJSON_Delete(cj);
  cJSON_Delete(uj);
  cJSON_Delete(oj);
  return 0;
}
