/* The beacon light client on real consensus-spec-tests data (light_client/sync,
 * minimal preset, Deneb; ../shared/light-client/spec-tests): SSZ decoding is strict,
 * hash_tree_root and the branches match the vectors' roots, the store takes the
 * bootstrap and the first update, and each tampered field is refused with a
 * message naming its check. Also prints the time of one update verification. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/light_client.h"
#include "ethc/ssz.h"
#include "lc_vectors.h"

static void hex32(const char *h, uint8_t out[32]) { CHECK(hex_decode_fixed(h, true, out, 32) == 0); }

static void test_merkle(void) {
  uint8_t z1[32];
  hex32("0xf5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b", z1);
  CHECK_MEM(ssz_zero_hash(1), z1, 32);
  CHECK(ssz_gindex_depth(105) == 6 && ssz_gindex_subtree_index(105) == 41);
  CHECK(ssz_gindex_depth(169) == 7 && ssz_gindex_subtree_index(169) == 41);
  CHECK(ssz_gindex_depth(1) == 0 && ssz_gindex_subtree_index(1) == 0);
  /* Eight leaves by hand; the branch of leaf 5 (gindex 13). */
  uint8_t leaves[8][32], l1[4][32], l2[2][32], root[32], root2[32];
  for (int i = 0; i < 8; i++) memset(leaves[i], i + 1, 32);
  for (int i = 0; i < 4; i++) ssz_hash_pair(leaves[2 * i], leaves[2 * i + 1], l1[i]);
  for (int i = 0; i < 2; i++) ssz_hash_pair(l1[2 * i], l1[2 * i + 1], l2[i]);
  ssz_hash_pair(l2[0], l2[1], root);
  ssz_merkleize((const uint8_t(*)[32])leaves, 8, 0, root2);
  CHECK_MEM(root, root2, 32);
  uint8_t branch[3][32];
  memcpy(branch[0], leaves[4], 32);
  memcpy(branch[1], l1[3], 32);
  memcpy(branch[2], l2[0], 32);
  CHECK(ssz_is_valid_gindex_branch(leaves[5], (const uint8_t(*)[32])branch, 13, root));
  CHECK(!ssz_is_valid_gindex_branch(leaves[5], (const uint8_t(*)[32])branch, 12, root));
  branch[1][0] ^= 1;
  CHECK(!ssz_is_valid_gindex_branch(leaves[5], (const uint8_t(*)[32])branch, 13, root));
  /* Padding: 5 leaves with limit 8 = the 8-leaf tree with zero leaves 5..7. */
  memset(leaves[5], 0, 96);
  ssz_merkleize((const uint8_t(*)[32])leaves, 8, 0, root);
  ssz_merkleize((const uint8_t(*)[32])leaves, 5, 8, root2);
  CHECK_MEM(root, root2, 32);
}

static void test_configs(void) {
  const beacon_config_t *m = beacon_config_by_name("mainnet");
  CHECK(m && beacon_config_by_name("sepolia") && beacon_config_by_name("holesky") && beacon_config_by_name("hoodi"));
  CHECK(!beacon_config_by_name("goerli"));
  if (!m) return;
  CHECK(beacon_fork_at_epoch(m, 269567) == BEACON_FORK_CAPELLA);
  CHECK(beacon_fork_at_epoch(m, 269568) == BEACON_FORK_DENEB);
  CHECK(beacon_fork_at_slot(m, 10248000) == BEACON_FORK_DENEB);
  CHECK(beacon_period_at_slot(m, 10248000) == 1250);
  /* Well-known mainnet fork digests (the eth2 ENR field). */
  uint8_t d[4];
  beacon_fork_digest(m->fork_version[BEACON_FORK_CAPELLA], m->genesis_validators_root, d);
  CHECK(memcmp(d, "\xbb\xa4\xda\x96", 4) == 0);
  beacon_fork_digest(m->fork_version[BEACON_FORK_DENEB], m->genesis_validators_root, d);
  CHECK(memcmp(d, "\x6a\x95\xa1\xa9", 4) == 0);
  beacon_fork_t f;
  CHECK(beacon_fork_from_name("Electra", &f) && f == BEACON_FORK_ELECTRA);
  CHECK(!beacon_fork_from_name("gloas-x", &f));
}

static bool why_has(const char *why, const char *part) { return why && strstr(why, part) != NULL; }

static void test_vectors(void) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/light-client/spec-tests/deneb/light_client_sync", check_shared_dir());
  if (!check_need(dir, "consensus-spec-tests light_client/sync")) return;
  beacon_config_t cfg = lc_vectors_minimal_config();
  uint8_t digest[4];
  beacon_fork_digest(cfg.fork_version[BEACON_FORK_DENEB], cfg.genesis_validators_root, digest);
  CHECK(memcmp(digest, "\x0c\xbc\xe9\x01", 4) == 0); /* meta.yaml's fork digest */

  size_t blen = 0, ulen = 0;
  uint8_t *bb = lc_vectors_load(dir, "bootstrap.ssz_snappy", &blen);
  uint8_t *ub = lc_vectors_load(
      dir, "update_0xbccdacbfe0f0bfd10367dfc318b479e2830ed7c5119151ad0eb917fc66d51203_sf.ssz_snappy", &ulen);
  CHECK(bb && ub);
  if (!bb || !ub) goto out;
  beacon_lc_bootstrap_t *boot = calloc(1, sizeof *boot);
  beacon_lc_update_t *u = calloc(1, sizeof *u), *t = calloc(1, sizeof *t);
  lc_store_t *s = calloc(1, sizeof *s), *s2 = calloc(1, sizeof *s2);
  CHECK(ssz_decode_lc_bootstrap(bb, blen, BEACON_FORK_DENEB, 32, boot) == 0);
  /* Strictness: one byte more or less, the wrong committee size, the wrong fork. */
  CHECK(ssz_decode_lc_bootstrap(bb, blen - 1, BEACON_FORK_DENEB, 32, boot) != 0);
  CHECK(ssz_decode_lc_bootstrap(bb, blen, BEACON_FORK_DENEB, 512, boot) != 0);
  CHECK(ssz_decode_lc_bootstrap(bb, blen, BEACON_FORK_ELECTRA, 32, boot) != 0);
  CHECK(ssz_decode_lc_bootstrap(bb, blen, BEACON_FORK_DENEB, 32, boot) == 0);
  uint8_t trusted[32], root[32];
  hex32("0xc0f6807024e3a40cea50955a9daa481045e44a5e08ccb5aed4d1cd705fc624d4", trusted);
  ssz_root_block_header(&boot->header.beacon, root);
  CHECK_MEM(root, trusted, 32);
  CHECK(lc_header_is_valid(&cfg, &boot->header));
  const char *why = NULL;
  CHECK(lc_store_init(s, &cfg, trusted, boot, &why) == 0);
  /* A bootstrap with another key, or for another root, is refused. */
  boot->current_sync_committee.pubkeys[3][10] ^= 1;
  CHECK(lc_store_init(s2, &cfg, trusted, boot, &why) != 0 && why_has(why, "current sync committee branch"));
  boot->current_sync_committee.pubkeys[3][10] ^= 1;
  trusted[0] ^= 1;
  CHECK(lc_store_init(s2, &cfg, trusted, boot, &why) != 0 && why_has(why, "trusted block root"));
  trusted[0] ^= 1;
  boot->header.execution.gas_used++;
  CHECK(lc_store_init(s2, &cfg, trusted, boot, &why) != 0 && why_has(why, "execution payload branch"));
  boot->header.execution.gas_used--;

  CHECK(ssz_decode_lc_update(ub, ulen, BEACON_FORK_DENEB, 32, u) == 0);
  for (size_t cut = 0; cut < ulen; cut += 7) CHECK(ssz_decode_lc_update(ub, cut, BEACON_FORK_DENEB, 32, t) != 0);
  uint8_t att[32];
  hex32("0xbccdacbfe0f0bfd10367dfc318b479e2830ed7c5119151ad0eb917fc66d51203", att);
  ssz_root_block_header(&u->attested_header.beacon, root);
  CHECK_MEM(root, att, 32);
  /* Corrupt the first offset (attested_header): refused. */
  uint8_t *bad = malloc(ulen);
  memcpy(bad, ub, ulen);
  bad[0] ^= 1;
  CHECK(ssz_decode_lc_update(bad, ulen, BEACON_FORK_DENEB, 32, t) != 0);
  free(bad);

  CHECK(lc_validate_update(s, &cfg, u, 41, &why) == 0);
  /* The signature check's shortcut (the committee's aggregate key minus the absent
   * members) falls back to the spec's sum of participants: a committee whose
   * aggregate key is not the sum of its keys gives the same answers. */
  *s2 = *s;
  s2->current_sync_committee.aggregate_pubkey[7] ^= 1;
  CHECK(lc_validate_update(s2, &cfg, u, 41, &why) == 0);
  *t = *u;
  t->sync_aggregate.sync_committee_bits[0] ^= 1;
  CHECK(lc_validate_update(s2, &cfg, t, 41, &why) != 0 && why_has(why, "FastAggregateVerify"));
  memset(t->sync_aggregate.sync_committee_bits, 0, sizeof t->sync_aggregate.sync_committee_bits);
  t->sync_aggregate.sync_committee_bits[0] = 0x0f; /* a minority signs: the direct sum */
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "FastAggregateVerify"));
  *t = *u;
  t->sync_aggregate.sync_committee_signature[20] ^= 1;
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "signature"));
  *t = *u;
  t->sync_aggregate.sync_committee_bits[1] ^= 4;
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "FastAggregateVerify"));
  *t = *u;
  t->attested_header.execution.block_hash.bytes[5] ^= 1;
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "attested header"));
  *t = *u;
  t->finality_branch[2][0] ^= 1;
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "finality branch"));
  *t = *u;
  t->next_sync_committee.pubkeys[0][0] ^= 1;
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "next sync committee"));
  *t = *u;
  CHECK(lc_validate_update(s, &cfg, t, 40, &why) != 0 && why_has(why, "slot order"));
  memset(t->sync_aggregate.sync_committee_bits, 0, sizeof t->sync_aggregate.sync_committee_bits);
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0 && why_has(why, "participants"));

  /* The time of one update verification (32 keys here: the minimal preset). */
  enum { N = 20 };
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  int bad_runs = 0;
  for (int i = 0; i < N; i++) bad_runs += lc_validate_update(s, &cfg, u, 41, &why) != 0;
  clock_gettime(CLOCK_MONOTONIC, &b);
  CHECK(bad_runs == 0);
  printf("one update verified (minimal preset, %u keys): %.2f ms\n", cfg.preset->sync_committee_size,
         ((double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6) / N);

  CHECK(lc_process_update(s, &cfg, u, 41, &why) == 0);
  CHECK(s->finalized_header.beacon.slot == 24 && s->optimistic_header.beacon.slot == 40);
  CHECK(lc_next_sync_committee_known(s));
  /* Processing it again is still valid (attested above finalized) and changes nothing. */
  CHECK(lc_process_update(s, &cfg, u, 41, &why) == 0);
  CHECK(s->finalized_header.beacon.slot == 24 && s->optimistic_header.beacon.slot == 40);
  /* An update whose attested header is not above the finalized one is refused. */
  *t = *u;
  t->attested_header.beacon.slot = 24;
  t->finalized_header.beacon.slot = 24;
  CHECK(lc_validate_update(s, &cfg, t, 41, &why) != 0);
  free(boot);
  free(u);
  free(t);
  free(s);
  free(s2);
out:
  free(bb);
  free(ub);
}

int main(void) {
  test_merkle();
  test_configs();
  test_vectors();
  uint8_t *o;
  size_t n;
  CHECK(ssz_snappy_block_decode((const uint8_t *)"\xff\xff\xff\xff\x0f", 5, 1024, &o, &n) != 0);
  return check_summary();
}
