/* The dev chain's test-only beacon side (ethc/dev_beacon.h) against the light
 * client (light_client.h, beacon_json.h): the committee's keys and aggregate
 * signature (FastAggregateVerify over the 512 keys one by one), then, on a
 * synthetic chain of 100 execution blocks, a bootstrap, an update by period, a
 * finality and an optimistic update that the light-client store accepts, each
 * survives its REST JSON round trip, and one flipped bit (signature,
 * participation, execution block hash, finality branch) is refused naming the
 * check. Also: a chain that goes back is followed; a chain across a period
 * boundary makes the store rotate its committees; slots follow the blocks'
 * timestamps (a second behind per second, one a block in a burst, at most 64 a
 * block after a pause, the same for a restarted node), and a chain whose slots
 * step 64 at a time is followed period by period with its updates. Prints the
 * time to make one signed update (a cache miss: hash-to-G2 and one G2
 * multiplication). */
#include <inttypes.h>
#include <time.h>

#include "check.h"
#include "ethc/beacon_json.h"
#include "ethc/bls12_381.h"
#include "ethc/dev_beacon.h"
#include "ethc/hash.h"
#include "ethc/light_client.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Execution block `n` of a synthetic chain (`salt` tells forks apart). */
static void exec_block(uint64_t n, uint8_t salt, dev_beacon_exec_t *e) {
  memset(e, 0, sizeof *e);
  uint8_t seed[9] = {n > 50 ? salt : 0}; /* blocks up to 50 are shared by every salt */
  for (int i = 0; i < 8; i++) seed[1 + i] = (uint8_t)(n >> (8 * i));
  hash_sha256(seed, sizeof seed, e->hash.bytes);
  if (n > 0) {
    uint64_t p = n - 1;
    seed[0] = p > 50 ? salt : 0;
    for (int i = 0; i < 8; i++) seed[1 + i] = (uint8_t)(p >> (8 * i));
    hash_sha256(seed, sizeof seed, e->payload.parent_hash.bytes);
  }
  e->payload.block_number = n;
  e->payload.block_hash = e->hash;
  e->payload.gas_limit = 30000000;
  e->payload.timestamp = 1700000000 + n;
  e->payload.base_fee_per_gas = u256_from_u64(1000000000);
  e->payload.extra_data_len = 4;
  memcpy(e->payload.extra_data, "ethc", 4);
  e->payload.state_root.bytes[0] = (uint8_t)n;
}

static void keys(const dev_beacon_t *b) {
  const dev_beacon_keys_t *k = dev_beacon_keys(b);
  uint8_t sk0[32], sk1[32], again[32];
  dev_beacon_secret_key(0, sk0);
  dev_beacon_secret_key(1, sk1);
  dev_beacon_secret_key(0, again);
  CHECK_MEM(sk0, again, 32);
  CHECK(memcmp(sk0, sk1, 32) != 0);
  CHECK(memcmp(k->committee.pubkeys[0], k->committee.pubkeys[511], 48) != 0);
  uint8_t msg[32] = {1, 2, 3}, sig[96];
  CHECK(dev_beacon_sign(k, msg, sig) == 0);
  bool ok = false;
  /* every key summed one by one: the aggregate secret key is right */
  CHECK(bls12_fast_aggregate_verify((const uint8_t(*)[48])k->committee.pubkeys, 512, msg, 32, sig, &ok) == 0 && ok);
  CHECK(bls12_verify(k->committee.aggregate_pubkey, msg, 32, sig, &ok) == 0 && ok);
  msg[0] ^= 1;
  CHECK(bls12_fast_aggregate_verify((const uint8_t(*)[48])k->committee.pubkeys, 512, msg, 32, sig, &ok) == 0 && !ok);
}

static bool why_is(const char *why, const char *part) { return why && strstr(why, part); }

/* A chain across a sync-committee period boundary (8192 blocks): the store
 * follows the update of each period and rotates its committees. */
static void two_periods(uint64_t genesis_ts) {
  const beacon_config_t *c = dev_beacon_config();
  dev_beacon_t *b = dev_beacon_new(genesis_ts);
  CHECK(b != NULL);
  if (!b) return;
  dev_beacon_exec_t e;
  double t0 = now_ms();
  for (uint64_t n = 0; n < 8192 + 100; n++) {
    exec_block(n, 1, &e);
    if (dev_beacon_add(b, &e)) break;
  }
  printf("8292 beacon blocks made in %.1f ms\n", now_ms() - t0);
  CHECK(dev_beacon_count(b) == 8292);
  uint64_t base = dev_beacon_slot(b, 0), period = beacon_period_at_slot(c, base);
  uint64_t now_slot = beacon_slot_at_time(c, (uint64_t)time(NULL));
  static lc_store_t s;
  static beacon_lc_bootstrap_t bs;
  static beacon_lc_update_t u0, u1;
  static beacon_lc_finality_update_t fu;
  uint8_t r0[32];
  const char *why = NULL;
  CHECK(dev_beacon_header(b, 0, NULL, r0) == 0 && dev_beacon_bootstrap(b, 0, &bs) == 0);
  CHECK(lc_store_init(&s, c, r0, &bs, &why) == 0);
  CHECK(dev_beacon_update(b, period, &u0) == 0 && dev_beacon_update(b, period + 1, &u1) == 0);
  /* the first period's update is signed inside it: attested at its last slot but one */
  CHECK(u0.attested_header.beacon.slot == base + 8190 && u0.signature_slot == base + 8191);
  CHECK(u1.attested_header.beacon.slot == base + 8291);
  CHECK_MSG(lc_process_update(&s, c, &u0, now_slot, &why) == 0, "%s", why ? why : "");
  CHECK(s.finalized_header.beacon.slot == base + 8190 - 64);
  CHECK_MSG(lc_process_update(&s, c, &u1, now_slot, &why) == 0, "%s", why ? why : "");
  CHECK(s.finalized_header.beacon.slot == base + 8291 - 64);
  CHECK(beacon_period_at_slot(c, s.finalized_header.beacon.slot) == period + 1);
  CHECK(dev_beacon_finality_update(b, &fu) == 0);
  CHECK_MSG(lc_process_finality_update(&s, c, &fu, now_slot, &why) == 0, "%s", why ? why : "");
  dev_beacon_free(b);
}

/* Block n of a synthetic chain at time `ts`. */
static void timed_block(uint64_t n, uint64_t ts, dev_beacon_exec_t *e) {
  exec_block(n, 1, e);
  e->payload.timestamp = ts;
}

/* Slots follow the timestamps: the time less the slack at a block a second or
 * slower, one a block in a burst, at most 64 a block after a pause; the same
 * blocks make the same slots and roots again (a restart); an empty slot has no
 * header. */
static void slots_follow_time(void) {
  uint64_t g = (uint64_t)time(NULL) - 5000, s0 = g - DEV_BEACON_SLACK;
  dev_beacon_t *b = dev_beacon_new(g), *again = dev_beacon_new(g);
  CHECK(b && again);
  if (!b || !again) return;
  uint64_t ts[64], want[64];
  size_t n = 0;
  ts[n] = g, want[n++] = s0;
  for (int i = 0; i < 5; i++) ts[n] = ts[n - 1] + 1, want[n] = want[n - 1] + 1, n++;   /* one a second */
  for (int i = 0; i < 5; i++) ts[n] = ts[n - 1] + 12, want[n] = want[n - 1] + 12, n++; /* slower */
  ts[n] = ts[n - 1] + 1000, want[n] = want[n - 1] + 64, n++;                           /* a pause: catching up */
  size_t pause = n - 1;
  while (want[n - 1] + 64 < ts[n - 1] + 1 - DEV_BEACON_SLACK) ts[n] = ts[n - 1] + 1, want[n] = want[n - 1] + 64, n++;
  ts[n] = ts[n - 1] + 1, want[n] = ts[n] - DEV_BEACON_SLACK, n++; /* caught up */
  ts[n] = ts[n - 1] + 2, want[n] = want[n - 1] + 2, n++;
  for (int i = 0; i < 8; i++) ts[n] = ts[n - 1] + 1, want[n] = want[n - 1] + 1, n++; /* a burst */
  dev_beacon_exec_t e;
  bool same = true, slots = true;
  for (size_t i = 0; i < n; i++) {
    timed_block(i, ts[i], &e);
    CHECK(dev_beacon_add(b, &e) == 0 && dev_beacon_add(again, &e) == 0);
    uint8_t r1[32], r2[32];
    beacon_block_header_t h;
    same &= !dev_beacon_header(b, i, &h, r1) && !dev_beacon_header(again, i, NULL, r2) && !memcmp(r1, r2, 32);
    slots &= h.slot == want[i] && dev_beacon_slot(b, i) == want[i];
    if (h.slot != want[i]) printf("block %zu: slot %" PRIu64 ", want %" PRIu64 "\n", i, h.slot, want[i]);
  }
  CHECK(slots);
  CHECK(same);
  CHECK(n > pause + 10);
  uint64_t k = 0;
  CHECK(dev_beacon_find_slot(b, want[pause], &k) == 0 && k == pause);
  CHECK(dev_beacon_find_slot(b, want[pause] - 1, &k) == ETHC_ERR_NOT_FOUND); /* empty */
  CHECK(dev_beacon_find_slot(b, s0 - 1, &k) == ETHC_ERR_NOT_FOUND);
  CHECK(dev_beacon_find_slot(b, want[n - 1] + 1, &k) == ETHC_ERR_NOT_FOUND);
  CHECK(dev_beacon_slot(b, n + 2) == want[n - 1] + 3);
  /* the head is behind the clock, by the slack */
  uint64_t now = beacon_slot_at_time(dev_beacon_config(), (uint64_t)time(NULL));
  CHECK(want[n - 1] < now && want[n - 1] + DEV_BEACON_SLACK + 64 > ts[n - 1]);
  /* the chain goes back over the pause and takes another time: slots recomputed */
  timed_block(pause, ts[pause - 1] + 3, &e);
  CHECK(dev_beacon_add(b, &e) == 0 && dev_beacon_slot(b, pause) == want[pause - 1] + 3);
  dev_beacon_free(b);
  dev_beacon_free(again);
}

/* A chain whose slots step 64 a block (timestamps far apart): every period it
 * passes has an update attested and signed in it, finalizing a block of it, and
 * the store follows them period by period from a bootstrap at block 0. */
static void slow_chain(void) {
  const beacon_config_t *c = dev_beacon_config();
  uint64_t now = (uint64_t)time(NULL), g = (now - 40000) / 8192 * 8192 + DEV_BEACON_SLACK;
  dev_beacon_t *b = dev_beacon_new(g);
  CHECK(b != NULL);
  if (!b) return;
  dev_beacon_exec_t e;
  uint64_t count = 3 * 8192 / 64 + 10;
  for (uint64_t n = 0; n < count; n++) {
    timed_block(n, g + n * 1000, &e);
    if (dev_beacon_add(b, &e)) break;
  }
  CHECK(dev_beacon_count(b) == count && dev_beacon_slot(b, count - 1) == g - DEV_BEACON_SLACK + 64 * (count - 1));
  static lc_store_t s;
  static beacon_lc_bootstrap_t bs;
  static beacon_lc_update_t u;
  uint8_t r0[32];
  const char *why = NULL;
  CHECK(dev_beacon_header(b, 0, NULL, r0) == 0 && dev_beacon_bootstrap(b, 0, &bs) == 0);
  CHECK(lc_store_init(&s, c, r0, &bs, &why) == 0);
  uint64_t p0 = beacon_period_at_slot(c, dev_beacon_slot(b, 0)), now_slot = beacon_slot_at_time(c, now);
  bool ok = true;
  for (uint64_t p = p0; p < p0 + 3; p++) {
    ok &= dev_beacon_update(b, p, &u) == 0;
    ok &= beacon_period_at_slot(c, u.attested_header.beacon.slot) == p &&
          beacon_period_at_slot(c, u.signature_slot) == p &&
          beacon_period_at_slot(c, u.finalized_header.beacon.slot) == p;
    int rc = lc_process_update(&s, c, &u, now_slot, &why);
    if (rc) printf("period %" PRIu64 ": %s\n", p - p0, why ? why : "");
    ok &= rc == 0 && beacon_period_at_slot(c, s.finalized_header.beacon.slot) == p;
  }
  CHECK(ok);
  CHECK(dev_beacon_update(b, p0 + 4, &u) == ETHC_ERR_NOT_FOUND);
  dev_beacon_free(b);
}

int main(void) {
  const beacon_config_t *c = dev_beacon_config();
  CHECK(c && !strcmp(c->name, "dev") && c->preset->sync_committee_size == 512);
  CHECK(beacon_fork_at_slot(c, 0) == BEACON_FORK_FULU);
  double t0 = now_ms();
  /* block 0 at the first slot of a period (the checks below count from it), in the past */
  uint64_t genesis_ts = ((uint64_t)time(NULL) - 9000) / 8192 * 8192 + DEV_BEACON_SLACK;
  dev_beacon_t *b = dev_beacon_new(genesis_ts);
  CHECK(b != NULL);
  if (!b) return check_summary();
  printf("committee derived in %.1f ms\n", now_ms() - t0);
  keys(b);
  uint64_t base = dev_beacon_slot(b, 0);
  CHECK(base == genesis_ts - DEV_BEACON_SLACK && base % 8192 == 0);

  dev_beacon_exec_t e;
  for (uint64_t n = 0; n < 100; n++) {
    exec_block(n, 1, &e);
    CHECK(dev_beacon_add(b, &e) == 0);
  }
  exec_block(101, 1, &e);
  CHECK(dev_beacon_add(b, &e) == ETHC_ERR_INVALID); /* a gap */
  exec_block(100, 1, &e);
  e.payload.parent_hash.bytes[0] ^= 1;
  CHECK(dev_beacon_add(b, &e) == ETHC_ERR_INVALID); /* not on the head */
  CHECK(dev_beacon_count(b) == 100);
  uint64_t head = 0, fin = 0;
  CHECK(dev_beacon_head(b, &head) == 0 && head == 99);
  CHECK(dev_beacon_finalized(b, &fin) == 0 && fin == 35);
  beacon_block_header_t h1, h0;
  uint8_t r1[32], r0[32], r99[32];
  CHECK(dev_beacon_header(b, 1, &h1, r1) == 0 && dev_beacon_header(b, 0, &h0, r0) == 0);
  CHECK(h1.slot == base + 1 && !memcmp(h1.parent_root.bytes, r0, 32));
  CHECK(dev_beacon_header(b, 99, NULL, r99) == 0);
  uint64_t found = 0;
  CHECK(dev_beacon_find_root(b, r99, &found) == 0 && found == 99);

  uint64_t now_slot = beacon_slot_at_time(c, (uint64_t)time(NULL));
  static lc_store_t store;
  static beacon_lc_bootstrap_t bs, bs2;
  const char *why = NULL;
  CHECK(dev_beacon_bootstrap(b, 0, &bs) == 0);
  CHECK_MSG(lc_store_init(&store, c, r0, &bs, &why) == 0, "%s", why ? why : "");
  char err[256];
  char *js = dev_beacon_json_bootstrap(&bs);
  CHECK(js && beacon_json_bootstrap(js, strlen(js), 512, &bs2, err, sizeof err) == 0);
  CHECK_MSG(!memcmp(&bs, &bs2, sizeof bs), "bootstrap JSON round trip: %s", err);
  free(js);

  /* an update by period: the store learns the next committee and finalizes block 35 */
  static beacon_lc_update_t u, bad;
  uint64_t period = beacon_period_at_slot(c, base);
  CHECK(dev_beacon_update(b, period - 1, &u) == ETHC_ERR_NOT_FOUND);
  CHECK(dev_beacon_update(b, period + 1, &u) == ETHC_ERR_NOT_FOUND);
  double t1 = now_ms();
  CHECK(dev_beacon_update(b, period, &u) == 0);
  printf("one signed update made in %.2f ms\n", now_ms() - t1);
  CHECK(u.attested_header.beacon.slot == base + 99 && u.signature_slot == base + 100);
  beacon_lc_update_t *list = NULL;
  size_t n = 0;
  js = dev_beacon_json_updates(&u, 1);
  CHECK(js && beacon_json_updates(js, strlen(js), 512, &list, &n, err, sizeof err) == 0 && n == 1);
  CHECK_MSG(list && !memcmp(list, &u, sizeof u), "update JSON round trip: %s", err);
  free(list);
  free(js);
  CHECK_MSG(lc_validate_update(&store, c, &u, now_slot, &why) == 0, "%s", why ? why : "");
  bad = u;
  bad.sync_aggregate.sync_committee_signature[95] ^= 1;
  CHECK(lc_validate_update(&store, c, &bad, now_slot, &why) != 0 && why_is(why, "signature"));
  bad = u;
  bad.sync_aggregate.sync_committee_bits[0] ^= 1;
  CHECK(lc_validate_update(&store, c, &bad, now_slot, &why) != 0 && why_is(why, "FastAggregateVerify"));
  bad = u;
  bad.attested_header.execution.block_hash.bytes[0] ^= 1;
  CHECK(lc_validate_update(&store, c, &bad, now_slot, &why) != 0 && why_is(why, "execution payload branch"));
  bad = u;
  bad.finality_branch[3][7] ^= 0x10;
  CHECK(lc_validate_update(&store, c, &bad, now_slot, &why) != 0 && why_is(why, "finality branch"));
  bad = u;
  bad.next_sync_committee_branch[2][0] ^= 1;
  CHECK(lc_validate_update(&store, c, &bad, now_slot, &why) != 0 && why_is(why, "next sync committee branch"));
  CHECK(lc_validate_update(&store, c, &u, base + 99, &why) != 0 && why_is(why, "slot order")); /* in the future */
  CHECK_MSG(lc_process_update(&store, c, &u, now_slot, &why) == 0, "%s", why ? why : "");
  CHECK(lc_next_sync_committee_known(&store));
  CHECK(store.finalized_header.beacon.slot == base + 35);
  exec_block(35, 1, &e);
  CHECK_MEM(store.finalized_header.execution.block_hash.bytes, e.hash.bytes, 32);
  CHECK(store.optimistic_header.beacon.slot == base + 99);

  /* more blocks: the finality and optimistic updates move both heads */
  for (uint64_t k = 100; k < 120; k++) {
    exec_block(k, 1, &e);
    CHECK(dev_beacon_add(b, &e) == 0);
  }
  static beacon_lc_finality_update_t fu, fu2, fbad;
  static beacon_lc_optimistic_update_t ou, ou2, obad;
  CHECK(dev_beacon_finality_update(b, &fu) == 0);
  js = dev_beacon_json_finality_update(&fu);
  CHECK(js && beacon_json_finality_update(js, strlen(js), 512, &fu2, err, sizeof err) == 0);
  CHECK_MSG(!memcmp(&fu, &fu2, sizeof fu), "finality JSON round trip: %s", err);
  free(js);
  fbad = fu;
  fbad.sync_aggregate.sync_committee_signature[10] ^= 4;
  CHECK(lc_process_finality_update(&store, c, &fbad, now_slot, &why) != 0);
  fbad = fu;
  fbad.finalized_header.execution.block_hash.bytes[5] ^= 1;
  CHECK(lc_process_finality_update(&store, c, &fbad, now_slot, &why) != 0 &&
        why_is(why, "finalized header (execution payload branch)"));
  CHECK_MSG(lc_process_finality_update(&store, c, &fu, now_slot, &why) == 0, "%s", why ? why : "");
  CHECK(store.finalized_header.beacon.slot == base + 119 - 64);
  CHECK(dev_beacon_optimistic_update(b, &ou) == 0);
  js = dev_beacon_json_optimistic_update(&ou);
  CHECK(js && beacon_json_optimistic_update(js, strlen(js), 512, &ou2, err, sizeof err) == 0);
  CHECK_MSG(!memcmp(&ou, &ou2, sizeof ou), "optimistic JSON round trip: %s", err);
  free(js);
  obad = ou;
  obad.sync_aggregate.sync_committee_signature[0] ^= 0x01; /* the compression flags: does not decode */
  CHECK(lc_process_optimistic_update(&store, c, &obad, now_slot, &why) != 0 && why_is(why, "signature"));
  CHECK_MSG(lc_process_optimistic_update(&store, c, &ou, now_slot, &why) == 0, "%s", why ? why : "");
  CHECK(store.optimistic_header.beacon.slot == base + 119);
  exec_block(119, 1, &e);
  CHECK_MEM(store.optimistic_header.execution.block_hash.bytes, e.hash.bytes, 32);
  t1 = now_ms();
  CHECK(dev_beacon_optimistic_update(b, &ou2) == 0); /* the same head: the signature is cached */
  printf("the same update again (cached) in %.2f ms\n", now_ms() - t1);

  /* a bootstrap from a later block agrees with the store */
  CHECK(dev_beacon_bootstrap(b, 55, &bs) == 0);
  uint8_t r55[32];
  CHECK(dev_beacon_header(b, 55, NULL, r55) == 0);
  static lc_store_t s2;
  CHECK_MSG(lc_store_init(&s2, c, r55, &bs, &why) == 0, "%s", why ? why : "");
  bs.current_sync_committee_branch[0][0] ^= 1;
  CHECK(lc_store_init(&s2, c, r55, &bs, &why) != 0 && why_is(why, "current sync committee branch"));

  /* the chain goes back to block 50 and takes another branch */
  exec_block(51, 2, &e);
  CHECK(dev_beacon_add(b, &e) == 0);
  CHECK(dev_beacon_count(b) == 52);
  uint8_t r51[32];
  CHECK(dev_beacon_header(b, 51, NULL, r51) == 0);
  CHECK(dev_beacon_find_root(b, r99, &found) == ETHC_ERR_NOT_FOUND);

  /* a chain of only its genesis block: the zero checkpoint */
  dev_beacon_t *g = dev_beacon_new(genesis_ts);
  exec_block(0, 1, &e);
  CHECK(g && dev_beacon_add(g, &e) == 0);
  static lc_store_t s3;
  CHECK(g && dev_beacon_bootstrap(g, 0, &bs) == 0 && lc_store_init(&s3, c, r0, &bs, &why) == 0);
  CHECK(g && dev_beacon_update(g, period, &u) == 0);
  CHECK_MSG(lc_process_update(&s3, c, &u, now_slot, &why) == 0, "%s", why ? why : "");
  CHECK(g && dev_beacon_finality_update(g, &fu) == 0 && fu.finalized_header.beacon.slot == 0);
  dev_beacon_free(g);
  dev_beacon_free(b);
  two_periods(genesis_ts);
  slots_follow_time();
  slow_chain();
  return check_summary();
}
