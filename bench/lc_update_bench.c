/* One sync-committee update verified, on real mainnet data (512 keys): the
 * portal-spec-tests Deneb bootstrap (slot 10248000, period 1250), that period's
 * update (carrying the next committee) and the finality update the next committee
 * signed (../shared/light-client/mainnet/deneb, beacon REST JSON). Builds the
 * store from the bootstrap and the trusted checkpoint, then times lc_validate_update
 * on the period update (participant keys decoded and summed, hash-to-G2, one
 * pairing check, the finality and next-committee branches), processes it, and
 * processes the finality update.
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
  x->blob_gas_used = u64f(e, "blob_gas_used");
  x->excess_blob_gas = u64f(e, "excess_blob_gas");
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

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/light-client/mainnet/deneb";
  int iters = argc > 2 ? atoi(argv[2]) : 20;
  if (iters < 1) iters = 1;
  const beacon_config_t *cfg = beacon_config_by_name("mainnet");
  cJSON *bj = load(dir, "bootstrap.json"), *fj = load(dir, "finality_update.json"), *cj = load(dir, "checkpoint.json");
  static beacon_lc_bootstrap_t boot;
  static beacon_lc_finality_update_t fu;
  static beacon_lc_update_t pu;
  cJSON *uj = load(dir, "updates.json");
  const cJSON *ud = uj->child ? get(uj->child, "data") : NULL; /* period 1250, next committee */
  if (!ud) return 2;
  pu.fork = BEACON_FORK_DENEB;
  header(get(ud, "attested_header"), BEACON_FORK_DENEB, &pu.attested_header);
  header(get(ud, "finalized_header"), BEACON_FORK_DENEB, &pu.finalized_header);
  branch(get(ud, "finality_branch"), pu.finality_branch, 6);
  branch(get(ud, "next_sync_committee_branch"), pu.next_sync_committee_branch, 5);
  const cJSON *nsc = get(ud, "next_sync_committee");
  size_t j = 0;
  for (const cJSON *k = get(nsc, "pubkeys")->child; k && j < 512; k = k->next, j++)
    if (hex_decode_fixed(k->valuestring, true, pu.next_sync_committee.pubkeys[j], 48) != 0) bad = 1;
  hexf(nsc, "aggregate_pubkey", pu.next_sync_committee.aggregate_pubkey, 48);
  const cJSON *pagg = get(ud, "sync_aggregate");
  hexf(pagg, "sync_committee_bits", pu.sync_aggregate.sync_committee_bits, 64);
  hexf(pagg, "sync_committee_signature", pu.sync_aggregate.sync_committee_signature, 96);
  pu.signature_slot = u64f(ud, "signature_slot");
  static lc_store_t store, work;
  const cJSON *bd = get(bj, "data"), *fd = get(fj, "data");
  boot.fork = BEACON_FORK_DENEB;
  header(get(bd, "header"), BEACON_FORK_DENEB, &boot.header);
  const cJSON *sc = get(bd, "current_sync_committee");
  size_t i = 0;
  for (const cJSON *k = get(sc, "pubkeys")->child; k && i < 512; k = k->next, i++)
    if (hex_decode_fixed(k->valuestring, true, boot.current_sync_committee.pubkeys[i], 48) != 0) bad = 1;
  hexf(sc, "aggregate_pubkey", boot.current_sync_committee.aggregate_pubkey, 48);
  branch(get(bd, "current_sync_committee_branch"), boot.current_sync_committee_branch, 5);
  fu.fork = BEACON_FORK_DENEB;
  header(get(fd, "attested_header"), BEACON_FORK_DENEB, &fu.attested_header);
  header(get(fd, "finalized_header"), BEACON_FORK_DENEB, &fu.finalized_header);
  branch(get(fd, "finality_branch"), fu.finality_branch, 6);
  const cJSON *agg = get(fd, "sync_aggregate");
  hexf(agg, "sync_committee_bits", fu.sync_aggregate.sync_committee_bits, 64);
  hexf(agg, "sync_committee_signature", fu.sync_aggregate.sync_committee_signature, 96);
  fu.signature_slot = u64f(fd, "signature_slot");
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
  uint64_t slot = fu.signature_slot + 1;
  double best = 1e9, sum = 0;
  for (int k = 0; k < iters; k++) {
    double a = now_ms();
    if (lc_validate_update(&store, cfg, &pu, slot, &why) != 0) {
      fprintf(stderr, "period update rejected: %s\n", why);
      return 1;
    }
    double d = now_ms() - a;
    sum += d;
    if (d < best) best = d;
  }
  work = store;
  if (lc_process_update(&work, cfg, &pu, slot, &why) != 0) return 1;
  double a = now_ms();
  if (lc_process_finality_update(&work, cfg, &fu, slot, &why) != 0) {
    fprintf(stderr, "finality update rejected: %s\n", why);
    return 1;
  }
  double t_proc = now_ms() - a;
  printf(
      "mainnet Deneb, %llu of 512 keys signing: store from bootstrap %.2f ms; one update verified: "
      "mean %.2f ms, best %.2f ms (%d runs); process_finality_update %.2f ms; finalized slot %llu, optimistic %llu\n",
      (unsigned long long)lc_participants(cfg, &fu.sync_aggregate), t_init, sum / iters, best, iters, t_proc,
      (unsigned long long)work.finalized_header.beacon.slot, (unsigned long long)work.optimistic_header.beacon.slot);
  cJSON_Delete(bj);
  cJSON_Delete(fj);
  cJSON_Delete(cj);
  cJSON_Delete(uj);
  return 0;
}
