/* Unit tests of state persistence: the genesis states of the test chains are
 * saved as trie nodes, loaded back, and must have the same root; a missing node
 * and a corrupted node are reported, not crashed on. */
#include <stdlib.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/state_db.h"

static void round_trip(const char *shared, const char *dir, const char *dbdir) {
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/%s/genesis.json", shared, dir);
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
  CHECK(chaindb_write(db, b, false) == 0);
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
  chaindb_batch_free(b);
  chaindb_close(db);
  state_free(st);
  state_free(loaded);
}

int main(void) {
  const char *shared = getenv("ETHC_SHARED");
  if (!shared || !*shared) shared = "../shared";
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
