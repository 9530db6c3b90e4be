/* Unit tests of state persistence and of overlays over stored states
 * (state_db.h, state_new_over): the genesis states of the test chains are saved
 * as trie nodes; an overlay over the stored root reads back every account and
 * slot; the same changes made to the in-memory state and to an overlay give the
 * same root, and saving the overlay writes only what changed; unknown roots and
 * corrupt nodes are local errors, never empty accounts. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/state_db.h"

typedef struct {
  state_t *mem, *overlay;
  ethc_address_t addr;
  size_t accounts, slots, bad;
} compare_t;

static int compare_slot(void *ctx, const u256_t *key, const u256_t *value) {
  compare_t *c = ctx;
  u256_t got;
  state_get_storage(c->overlay, &c->addr, key, &got);
  c->slots++;
  if (!u256_eq(&got, value)) c->bad++;
  return 0;
}

static int compare_account(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance,
                           const uint8_t *code, size_t code_size) {
  compare_t *c = ctx;
  u256_t b;
  size_t size;
  state_get_balance(c->overlay, a, &b);
  const uint8_t *got = state_get_code(c->overlay, a, &size, NULL);
  c->accounts++;
  if (!state_exists(c->overlay, a) || state_get_nonce(c->overlay, a) != nonce || !u256_eq(&b, balance) ||
      size != code_size || (size && memcmp(got, code, size)))
    c->bad++;
  c->addr = *a;
  return state_foreach_slot(c->mem, a, compare_slot, c);
}

/* Every account and slot of `mem` reads the same through `ov`. */
static void compare_states(state_t *mem, state_t *ov, const char *what) {
  compare_t c = {.mem = mem, .overlay = ov};
  CHECK(state_foreach_account(mem, compare_account, &c) == 0);
  CHECK_MSG(c.bad == 0 && c.accounts > 0, "%s: %zu of %zu accounts and %zu slots differ", what, c.bad, c.accounts,
            c.slots);
  CHECK_MSG(state_error(ov) == 0, "%s: %s", what, ethc_strerror(state_error(ov)));
}

typedef struct {
  ethc_address_t a[64];
  size_t n;
} addrs_t;

static int collect(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance, const uint8_t *code,
                   size_t code_size) {
  (void)nonce, (void)balance, (void)code, (void)code_size;
  addrs_t *l = ctx;
  if (l->n < 64) l->a[l->n++] = *a;
  return 0;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* One random change, made to both states: balances, nonces, code, storage
 * (new, changed, cleared slots), new accounts, deleted accounts, and a
 * reverted change. */
static void change_both(state_t *s[2], const addrs_t *known) {
  ethc_address_t a;
  if (known->n && next() % 4) a = known->a[next() % known->n];
  else {
    memset(&a, 0, sizeof a);
    a.bytes[0] = 0xa0;
    a.bytes[19] = (uint8_t)(next() % 16);
  }
  unsigned what = (unsigned)(next() % 8);
  u256_t v = u256_from_u64(next() % 3), key = u256_from_u64(next() % 6);
  uint8_t code[3] = {0x60, (uint8_t)next(), 0x00};
  uint64_t nonce = next() % 2 ? 7 : 0;
  for (int i = 0; i < 2; i++) {
    size_t snap = state_snapshot(s[i]);
    switch (what) {
      case 0: CHECK(state_set_balance(s[i], &a, &v) == 0); break;
      case 1: CHECK(state_set_nonce(s[i], &a, nonce) == 0); break;
      case 2: CHECK(state_set_code(s[i], &a, code, sizeof code) == 0); break;
      case 3:
      case 4: CHECK(state_set_storage(s[i], &a, &key, &v, NULL, NULL) == 0); break;
      case 5: CHECK(state_delete_account(s[i], &a) == 0); break;
      case 6: CHECK(state_create_account(s[i], &a) == 0); break;
      case 7:
        CHECK(state_set_storage(s[i], &a, &key, &v, NULL, NULL) == 0);
        state_revert(s[i], snap);
        break;
    }
    state_commit(s[i], true);
  }
}

static void overlays(chaindb_t *db, state_db_t *sdb, state_t *mem, const ethc_hash_t *root, const char *what) {
  state_base_t base;
  state_db_base(sdb, root, &base);
  state_t *ov = state_new_over(&base);
  CHECK(ov != NULL);
  if (!ov) return;
  ethc_hash_t r;
  CHECK(state_root(ov, &r) == 0 && ethc_hash_eq(&r, root)); /* nothing read, nothing changed */
  compare_states(mem, ov, what);
  CHECK(state_root(ov, &r) == 0 && ethc_hash_eq(&r, root)); /* reads change nothing */

  /* the same changes on both sides: the same roots, block after block */
  addrs_t known = {.n = 0};
  state_foreach_account(mem, collect, &known);
  state_t *both[2] = {mem, ov};
  chaindb_batch_t *b = chaindb_batch_new();
  state_writer_t w;
  chaindb_state_writer(b, &w);
  ethc_hash_t prev = *root;
  for (int block = 0; block < 20; block++) {
    for (int i = 0; i < 30; i++) change_both(both, &known);
    ethc_hash_t rm, ro;
    CHECK(state_root(mem, &rm) == 0 && state_root(ov, &ro) == 0);
    CHECK_MSG(ethc_hash_eq(&rm, &ro), "%s: block %d: the overlay's root differs", what, block);
    /* saved, the overlay writes a few records, and a new overlay at the new root
     * reads the same as the in-memory state */
    ethc_hash_t saved;
    CHECK(state_db_save(ov, &w, &saved) == 0 && ethc_hash_eq(&saved, &ro));
    CHECK(chaindb_batch_records(b) < 400);
    CHECK(chaindb_write(db, b, false) == 0);
    state_db_base(sdb, &saved, &base);
    state_t *next_ov = state_new_over(&base);
    compare_states(mem, next_ov, what);
    state_free(next_ov);
    /* the old root is still readable: nothing stored was changed */
    state_db_base(sdb, &prev, &base);
    state_t *old = state_new_over(&base);
    CHECK(old && state_root(old, &r) == 0 && ethc_hash_eq(&r, &prev));
    if (known.n) {
      u256_t bal;
      state_get_balance(old, &known.a[0], &bal);
      CHECK(state_error(old) == 0);
    }
    state_free(old);
    prev = saved;
  }
  chaindb_batch_free(b);
  state_free(ov);
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
  state_writer_t w;
  chaindb_state_writer(b, &w);
  ethc_hash_t root;
  CHECK(state_db_save(st, &w, &root) == 0);
  CHECK(ethc_hash_eq(&root, &h.state_root));
  size_t first_records = chaindb_batch_records(b);
  CHECK(chaindb_write(db, b, false) == 0 && chaindb_batch_records(b) == 0);
  /* saved again unchanged: nothing is rewritten but the root node's path */
  ethc_hash_t root2;
  CHECK(state_db_save(st, &w, &root2) == 0 && ethc_hash_eq(&root2, &root));
  CHECK_MSG(chaindb_batch_records(b) < first_records / 2, "%zu records, then %zu", first_records,
            chaindb_batch_records(b));
  CHECK(chaindb_write(db, b, false) == 0);

  state_store_t store;
  chaindb_state_store(db, &store);
  state_db_t *sdb = state_db_new(&store, 1 << 20);
  CHECK(sdb != NULL);
  overlays(db, sdb, st, &root, dir);

  /* an unknown root: the first read is a local error, not an absent account */
  ethc_hash_t bogus = root;
  bogus.bytes[0] ^= 1;
  state_base_t base;
  state_db_base(sdb, &bogus, &base);
  state_t *none = state_new_over(&base);
  ethc_address_t someone = {{1}};
  u256_t bal;
  state_get_balance(none, &someone, &bal);
  CHECK(state_error(none) == ETHC_ERR_MISSING_NODE);
  ethc_hash_t r;
  CHECK(state_root(none, &r) == ETHC_ERR_MISSING_NODE);
  state_free(none);
  /* a node stored under the wrong hash is rejected */
  chaindb_put_trie_node(b, &bogus, (const uint8_t *)"\xc2\x80\x80", 3);
  CHECK(chaindb_write(db, b, false) == 0);
  none = state_new_over(&base);
  state_get_balance(none, &someone, &bal);
  CHECK(state_error(none) == ETHC_ERR_INVALID);
  state_free(none);
  trie_cache_stats_t stats;
  state_db_cache_stats(sdb, &stats);
  CHECK(stats.hits > 0 && stats.misses > 0 && stats.bytes <= stats.max_bytes);
  state_db_free(sdb);
  chaindb_batch_free(b);
  chaindb_close(db);
  state_free(st);
}

int main(void) {
  const char *shared = check_shared_dir();
  char dir[] = "ethc-statedb-XXXXXX";
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
