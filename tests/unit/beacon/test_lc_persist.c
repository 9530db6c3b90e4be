/* Unit test of the light-client store on disk (src/beacon/lc_persist.c): a store
 * saved and loaded back (with and without a next sync committee), no database
 * (not found, none created), a store of another network, and a record damaged
 * inside LevelDB (one byte flipped, then another format version, written through
 * LevelDB so that only lc_persist's own checks can catch them). Files go to
 * ./lc_persist_tmp (the build directory under ctest). */
#include <leveldb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/lc_persist.h"

#define DIR "lc_persist_tmp"
#define KEY "lc/store/v1"

/* A Bellatrix-era mainnet store (no execution header to prove) with patterned keys. */
static void make_store(lc_store_t *s, bool next) {
  memset(s, 0, sizeof *s);
  s->finalized_header.fork = BEACON_FORK_BELLATRIX;
  s->finalized_header.beacon.slot = 4700000; /* mainnet Bellatrix, before Capella */
  s->finalized_header.beacon.proposer_index = 42;
  memset(s->finalized_header.beacon.body_root.bytes, 0xb0, 32);
  for (int i = 0; i < 512; i++) memset(s->current_sync_committee.pubkeys[i], i & 0xff, 48);
  memset(s->current_sync_committee.aggregate_pubkey, 0xaa, 48);
  if (next) {
    for (int i = 0; i < 512; i++) memset(s->next_sync_committee.pubkeys[i], (i + 7) & 0xff, 48);
    memset(s->next_sync_committee.aggregate_pubkey, 0xbb, 48);
  }
  s->optimistic_header = s->finalized_header;
}

static bool same_store(const lc_store_t *a, const lc_store_t *b) {
  return memcmp(&a->finalized_header, &b->finalized_header, sizeof a->finalized_header) == 0 &&
         memcmp(&a->current_sync_committee, &b->current_sync_committee, sizeof a->current_sync_committee) == 0 &&
         memcmp(&a->next_sync_committee, &b->next_sync_committee, sizeof a->next_sync_committee) == 0 &&
         memcmp(&a->optimistic_header, &b->optimistic_header, sizeof a->optimistic_header) == 0 &&
         !b->has_best_valid_update;
}

/* Rewrites the saved record through LevelDB: byte `at` XOR `mask`. */
static void damage(size_t at, uint8_t mask) {
  leveldb_options_t *o = leveldb_options_create();
  char *e = NULL;
  leveldb_t *db = leveldb_open(o, DIR "/beacon", &e);
  CHECK(db && !e);
  if (!db) return;
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
  size_t len = 0;
  char *v = leveldb_get(db, ro, KEY, strlen(KEY), &len, &e);
  CHECK(v && len > at);
  if (v && len > at) {
    v[at] = (char)(v[at] ^ mask);
    leveldb_put(db, wo, KEY, strlen(KEY), v, len, &e);
    CHECK(!e);
  }
  leveldb_free(v);
  leveldb_readoptions_destroy(ro);
  leveldb_writeoptions_destroy(wo);
  leveldb_close(db);
  leveldb_options_destroy(o);
}

int main(void) {
  const beacon_config_t *mainnet = beacon_config_by_name("mainnet"), *sepolia = beacon_config_by_name("sepolia");
  lc_store_t *s = malloc(sizeof *s), *got = malloc(sizeof *got);
  char err[512];
  struct stat st;
  CHECK(s && got && mainnet && sepolia);
  if (!s || !got || !mainnet || !sepolia) return check_summary();
  (void)system("rm -rf " DIR);

  err[0] = 0;
  CHECK(lc_persist_load(DIR, mainnet, got, err, sizeof err) == ETHC_ERR_NOT_FOUND);
  CHECK(stat(DIR, &st) != 0); /* loading creates nothing */

  make_store(s, true);
  CHECK_MSG(lc_persist_save(DIR, mainnet, s, err, sizeof err) == 0, "%s", err);
  memset(got, 0x5a, sizeof *got);
  CHECK_MSG(lc_persist_load(DIR, mainnet, got, err, sizeof err) == 0, "%s", err);
  CHECK(same_store(s, got));
  CHECK(lc_next_sync_committee_known(got));

  make_store(s, false); /* replaces the saved store */
  s->finalized_header.beacon.slot++;
  s->optimistic_header = s->finalized_header;
  CHECK_MSG(lc_persist_save(DIR, mainnet, s, err, sizeof err) == 0, "%s", err);
  CHECK(lc_persist_load(DIR, mainnet, got, err, sizeof err) == 0);
  CHECK(same_store(s, got));
  CHECK(!lc_next_sync_committee_known(got));

  err[0] = 0;
  CHECK(lc_persist_load(DIR, sepolia, got, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(strstr(err, "another network") && strstr(err, "sepolia"), "%s", err);

  damage(200, 0x01); /* inside the current committee */
  err[0] = 0;
  CHECK(lc_persist_load(DIR, mainnet, got, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(strstr(err, "checksum"), "%s", err);
  damage(200, 0x01); /* restored */
  CHECK(lc_persist_load(DIR, mainnet, got, err, sizeof err) == 0);
  damage(0, 0x03); /* version 1 -> 2 */
  err[0] = 0;
  CHECK(lc_persist_load(DIR, mainnet, got, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK_MSG(strstr(err, "format version"), "%s", err);

  (void)system("rm -rf " DIR);
  free(s);
  free(got);
  return check_summary();
}
