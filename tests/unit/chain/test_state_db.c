/* Unit tests of state persistence: the genesis states of the test chains are
 * saved as trie nodes, loaded back, and must have the same root; a missing node
 * and a corrupted node are reported, not crashed on. */
#include <stdlib.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/state_db.h"

static int count_slot(void *ctx, const u256_t *key, const u256_t *value) {
  (void)key, (void)value;
  ++*(size_t *)ctx;
  return 0;
}

static int count_account_slots(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance,
                               const uint8_t *code, size_t code_size) {
  (void)nonce, (void)balance, (void)code, (void)code_size;
  void **c = ctx;
  return state_foreach_slot(c[0], a, count_slot, c[1]);
}

static size_t count_slots(state_t *st) {
  size_t n = 0;
  void *c[2] = {st, &n};
  state_foreach_account(st, count_account_slots, c);
  return n;
}

/* A contract's storage changed after a save: the next save writes that trie anew
 * and the state loads back with the new root. */
static void changed_storage(chaindb_t *db, state_t *st) {
  ethc_address_t a = {{0}};
  a.bytes[19] = 0x77;
  u256_t one = u256_from_u64(1), key = u256_from_u64(5);
  CHECK(state_set_balance(st, &a, &one) == 0);
  CHECK(state_set_storage(st, &a, &key, &one, NULL, NULL) == 0);
  state_commit(st, false);
  chaindb_batch_t *b = chaindb_batch_new();
  ethc_hash_t root, got;
  CHECK(state_db_save(st, b, &root) == 0 && chaindb_write(db, b, false) == 0);
  key = u256_from_u64(6);
  CHECK(state_set_storage(st, &a, &key, &one, NULL, NULL) == 0);
  state_commit(st, false);
  CHECK(state_db_save(st, b, &root) == 0 && chaindb_write(db, b, false) == 0);
  CHECK(state_root(st, &got) == 0 && ethc_hash_eq(&got, &root));
  state_t *loaded = NULL;
  CHECK(state_db_load(db, &root, &loaded) == 0);
  u256_t v;
  if (loaded) state_get_storage(loaded, &a, &key, &v);
  CHECK(loaded && u256_eq(&v, &one));
  state_free(loaded);
  chaindb_batch_free(b);
}

static void round_trip(const char *shared, const char *dir, const char *dbdir) {
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/%s/genesis.json", shared, dir);
  if (!check_need(path, "a test chain's genesis")) return;
  chain_config_t c;
  chain_header_t h;
  state_t *st = state_new();
  CHECK_MSG(genesis_load_file(path, &c, st, &h, err, sizeof err) == 0, "%s", err);
  chaindb_t *db;
  CHECK(chaindb_open(dbdir, &db, NULL) == 0);
  chaindb_batch_t *b = chaindb_batch_new();
  ethc_hash_t root;
  CHECK(state_db_save(st, b, &root) == 0);
  CHECK(ethc_hash_eq(&root, &h.state_root));
  size_t first_records = chaindb_batch_records(b);
  CHECK(chaindb_write(db, b, false) == 0 && chaindb_batch_records(b) == 0);
  /* saved again unchanged: storage tries already stored are not rewritten */
  ethc_hash_t root2;
  CHECK(state_db_save(st, b, &root2) == 0 && ethc_hash_eq(&root2, &root));
  size_t unchanged_records = chaindb_batch_records(b);
  CHECK(chaindb_write(db, b, false) == 0);
  state_t *fresh = state_new(); /* knows nothing stored: writes everything again */
  CHECK(genesis_load_file(path, &c, fresh, &h, err, sizeof err) == 0);
  CHECK(state_db_save(fresh, b, &root2) == 0 && ethc_hash_eq(&root2, &root));
  CHECK(chaindb_batch_records(b) == first_records);
  state_free(fresh);
  CHECK(chaindb_write(db, b, false) == 0);
  size_t slots = count_slots(st);
  CHECK_MSG(unchanged_records + slots * 2 <= first_records, "%zu records, then %zu, %zu slots", first_records,
            unchanged_records, slots);
  state_t *loaded = NULL;
  CHECK(state_db_load(db, &root, &loaded) == 0);
  ethc_hash_t again;
  CHECK(loaded && state_root(loaded, &again) == 0 && ethc_hash_eq(&again, &root));
  /* an unknown root is a missing node */
  ethc_hash_t bogus = root;
  bogus.bytes[0] ^= 1;
  state_t *none = NULL;
  CHECK(state_db_load(db, &bogus, &none) == ETHC_ERR_NOT_FOUND && none == NULL);
  /* a node stored under the wrong hash is rejected */
  chaindb_put_trie_node(b, &bogus, (const uint8_t *)"\xc2\x80\x80", 3);
  CHECK(chaindb_write(db, b, false) == 0);
  CHECK(state_db_load(db, &bogus, &none) == ETHC_ERR_INVALID && none == NULL);
  changed_storage(db, st);
  chaindb_batch_free(b);
  chaindb_close(db);
  state_free(st);
  state_free(loaded);
}

int main(void) {
  const char *shared = check_shared_dir();
  char dir[] = "/tmp/ethc-statedb-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char d1[64], d2[64];
  snprintf(d1, sizeof d1, "%s/a", dir);
  snprintf(d2, sizeof d2, "%s/b", dir);
  round_trip(shared, "chains/ethtest", d1);
  round_trip(shared, "rpc-compat", d2);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
