/* A saved world state read back by need from LevelDB (Yellow Paper 4.1 and
 * appendix D, EIP-1186): the genesis states of the test chains are saved with
 * state_db_save, then every account and storage slot is looked up with
 * trie_read (straight from the database and through a node cache), proved with
 * trie_prove_from_store, and the account trie opened with trie_open, without
 * loading the state. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/chaindb.h"
#include "ethc/state_db.h"
#include "ethc/trie.h"
#include "trie/mem_store.h"

static int db_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  return chaindb_get_trie_node(ctx, (const ethc_hash_t *)hash, out);
}

typedef struct {
  state_t *st;
  trie_store_t store;
  ethc_hash_t root;
  ethc_hash_t storage_root;
  trie_t *opened;
  size_t accounts, slots, bad;
} ctx_t;

static int check_slot(void *p, const u256_t *key, const u256_t *value) {
  ctx_t *c = p;
  uint8_t k[32];
  u256_to_be(key, k);
  bytes_buf_t v = {0};
  int rc = trie_read(c->storage_root.bytes, &c->store, true, k, 32, &v);
  rlp_item_t it;
  u256_t got;
  if (u256_is_zero(value)) {
    if (rc != ETHC_ERR_NOT_FOUND) c->bad++;
  } else if (rc || rlp_decode(v.data, v.len, &it) || rlp_get_u256(&it, &got) || !u256_eq(&got, value)) {
    c->bad++;
  }
  bytes_buf_free(&v);
  c->slots++;
  return 0;
}

static int check_account(void *p, const ethc_address_t *a, uint64_t nonce, const u256_t *balance, const uint8_t *code,
                         size_t code_size) {
  (void)code, (void)code_size;
  ctx_t *c = p;
  c->accounts++;
  bytes_buf_t v = {0};
  rlp_item_t acct, f[4];
  uint64_t n;
  u256_t b;
  ethc_hash_t sr, ch, want_sr, want_ch;
  CHECK(state_storage_root(c->st, a, &want_sr) == 0);
  state_get_code(c->st, a, NULL, &want_ch);
  int rc = trie_read(c->root.bytes, &c->store, true, a->bytes, 20, &v);
  if (rc || rlp_decode(v.data, v.len, &acct) || rlp_list_items(&acct, f, 4) || rlp_get_u64(&f[0], &n) ||
      rlp_get_u256(&f[1], &b) || rlp_get_fixed(&f[2], sr.bytes, 32) || rlp_get_fixed(&f[3], ch.bytes, 32) ||
      n != nonce || !u256_eq(&b, balance) || !ethc_hash_eq(&sr, &want_sr) || !ethc_hash_eq(&ch, &want_ch)) {
    c->bad++;
  } else {
    /* the opened trie holds the same leaf; an EIP-1186 proof from the store proves it */
    bytes_view_t got;
    trie_proof_t pr = {0};
    bytes_view_t pv;
    if (trie_get(c->opened, a->bytes, 20, &got) != 0 || got.len != v.len || memcmp(got.data, v.data, v.len) != 0 ||
        trie_prove_from_store(c->root.bytes, &c->store, true, a->bytes, 20, &pr) != 0 ||
        trie_verify_secure_proof(c->root.bytes, a->bytes, 20, pr.nodes, pr.count, &pv) != 0 || pv.len != v.len ||
        memcmp(pv.data, v.data, v.len) != 0)
      c->bad++;
    trie_proof_free(&pr);
    c->storage_root = sr;
    state_foreach_slot(c->st, a, check_slot, c);
  }
  bytes_buf_free(&v);
  return 0;
}

static void check_state(const char *shared, const char *dir, const char *dbdir) {
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/%s/genesis.json", shared, dir);
  chain_config_t cfg;
  chain_header_t h;
  state_t *st = state_new();
  CHECK_MSG(genesis_load_file(path, &cfg, st, &h, err, sizeof err) == 0, "%s", err);
  chaindb_t *db;
  CHECK(chaindb_open(dbdir, &db, NULL) == 0);
  chaindb_batch_t *b = chaindb_batch_new();
  state_writer_t w;
  chaindb_state_writer(b, &w);
  ethc_hash_t root;
  CHECK(state_db_save(st, &w, &root) == 0 && chaindb_write(db, b, false) == 0);
  chaindb_batch_free(b);
  trie_store_t direct = {db, NULL, db_get};
  trie_cache_t *cache = trie_cache_new(&direct, 1 << 20);
  for (int pass = 0; pass < 2; pass++) {
    ctx_t c = {.st = st, .store = pass ? trie_cache_store(cache) : direct, .root = root};
    trie_t opened;
    CHECK(trie_open(&opened, root.bytes, &c.store, true) == 0);
    c.opened = &opened;
    CHECK(state_foreach_account(st, check_account, &c) == 0);
    CHECK_MSG(c.bad == 0 && c.accounts > 0, "%s: %zu of %zu accounts and %zu slots differ", dir, c.bad, c.accounts,
              c.slots);
    /* an account absent from the state is absent from the trie, not missing */
    uint8_t nobody[20];
    memset(nobody, 0xee, 20);
    bytes_buf_t v = {0};
    bytes_view_t vv;
    CHECK(trie_read(root.bytes, &c.store, true, nobody, 20, &v) == ETHC_ERR_NOT_FOUND);
    CHECK(trie_get(&opened, nobody, 20, &vv) == ETHC_ERR_NOT_FOUND);
    /* an update on the opened trie is written back as just its new nodes (a
     * path of a few), and taken back it restores the root */
    CHECK(trie_put(&opened, nobody, 20, (const uint8_t *)"\xc0", 1) == 0);
    mem_store_t m = {0};
    trie_store_t ms = mem_store_as_store(&m);
    uint8_t r1[32];
    CHECK(trie_commit_new(&opened, &ms, r1) == 0 && memcmp(r1, root.bytes, 32) != 0);
    CHECK_MSG(m.puts >= 1 && m.puts <= 8 && m.dup_puts == 0, "%zu nodes written", m.puts);
    /* the new path alone answers for the new key */
    CHECK(trie_read(r1, &ms, true, nobody, 20, &v) == 0 && v.len == 1 && v.data[0] == 0xc0);
    CHECK(trie_delete(&opened, nobody, 20) == 0 && trie_root(&opened, r1) == 0 && memcmp(r1, root.bytes, 32) == 0);
    mem_store_free(&m);
    bytes_buf_free(&v);
    trie_free(&opened);
  }
  trie_cache_stats_t cs;
  trie_cache_stats(cache, &cs);
  CHECK(cs.misses > 0 && cs.hits > 0 && cs.bytes <= cs.max_bytes);
  trie_cache_free(cache);
  /* a root the database does not hold */
  bytes_buf_t v = {0};
  uint8_t nowhere[32] = {1, 2, 3};
  CHECK(trie_read(nowhere, &direct, true, nowhere, 20, &v) == ETHC_ERR_MISSING_NODE);
  bytes_buf_free(&v);
  chaindb_close(db);
  state_free(st);
}

int main(void) {
  const char *shared = getenv("ETHC_SHARED");
  if (!shared || !*shared) shared = "../shared";
  char dir[] = "ethc-statetrie-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char d1[64], d2[64];
  snprintf(d1, sizeof d1, "%s/a", dir);
  snprintf(d2, sizeof d2, "%s/b", dir);
  check_state(shared, "chains/ethtest", d1);
  check_state(shared, "rpc-compat", d2);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
