/* State persistence (Yellow Paper 4.1 and appendix D): saving a state's changes
 * as trie nodes by hash, code by hash and key preimages through a writer, and
 * reading stored states by need through a node cache (state_db.h). */
#include "ethc/state_db.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "state_cache.h"

/* ---- saving ---- */

static int writer_put_node(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t rlp_len) {
  const state_writer_t *w = ctx;
  return w->put_node(w->ctx, (const ethc_hash_t *)hash, rlp, rlp_len);
}

/* Commits only write: nodes they need to read come from the trie's own store. */
static int writer_get_none(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  (void)ctx, (void)hash, (void)out;
  return ETHC_ERR_NOT_FOUND;
}

typedef struct {
  state_t *st;
  const state_writer_t *w;
  int err;
} account_saver_t;

static int save_key_preimage(void *ctx, const u256_t *key, const u256_t *value) {
  (void)value;
  const state_writer_t *w = ctx;
  uint8_t k[32];
  ethc_hash_t h;
  u256_to_be(key, k);
  keccak256(k, 32, h.bytes);
  return w->put_preimage(w->ctx, &h, k, 32);
}

static int save_account(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance, const uint8_t *code,
                        size_t code_size) {
  (void)nonce, (void)balance; /* the leaf itself comes from the state's account trie */
  account_saver_t *s = ctx;
  state_persisted_t *saved = state_persisted(s->st, a);
  bool known = saved && saved->known;
  ethc_hash_t storage_root, code_hash;
  int err = state_storage_root(s->st, a, &storage_root);
  if (err) return s->err = err;
  if (!ethc_hash_eq(&storage_root, &STATE_EMPTY_ROOT) &&
      !(known && ethc_hash_eq(&storage_root, &saved->storage_root))) {
    /* the account's kept storage trie: only nodes changed since it was last
     * committed (or opened from the base) are added, and only keys not saved */
    trie_store_t store = {(void *)s->w, writer_put_node, writer_get_none};
    trie_t *storage = NULL;
    err = state_storage_trie(s->st, a, &storage);
    if (!err && storage) err = trie_commit_new(storage, &store, storage_root.bytes);
    if (!err) err = state_foreach_new_slot_key(s->st, a, save_key_preimage, (void *)s->w);
    if (err) return s->err = err;
  }
  state_get_code(s->st, a, NULL, &code_hash);
  if (code_size && !(known && ethc_hash_eq(&code_hash, &saved->code_hash)) &&
      (err = s->w->put_code(s->w->ctx, &code_hash, code, code_size)))
    return s->err = err;
  if (!known) {
    ethc_hash_t addr_hash;
    keccak256(a->bytes, 20, addr_hash.bytes);
    if ((err = s->w->put_preimage(s->w->ctx, &addr_hash, a->bytes, 20))) return s->err = err;
  }
  if (saved) *saved = (state_persisted_t){true, storage_root, code_hash};
  return ETHC_OK;
}

int state_db_save(state_t *st, const state_writer_t *w, ethc_hash_t *root) {
  int err = state_error(st);
  if (err) return err;
  account_saver_t s = {.st = st, .w = w};
  err = state_foreach_account(st, save_account, &s);
  if (!err) err = s.err;
  /* the state's kept account trie: only nodes changed since its last commit */
  trie_t *accounts = NULL;
  if (!err) err = state_account_trie(st, &accounts);
  trie_store_t store = {(void *)w, writer_put_node, writer_get_none};
  if (!err) err = trie_commit_new(accounts, &store, root->bytes);
  return err ? err : state_error(st);
}

/* ---- reading by need ---- */

struct state_db {
  state_store_t store;
  trie_cache_t *cache;
  trie_store_t nodes;   /* the cache's store */
  state_cache_t *reads; /* decoded accounts, slots and code (state_cache.h) */
};

/* The read caches' sizes: 16384 accounts or slots (about 3 MB) and 256 codes. */
#define READ_CACHE_VALUES 16384
#define READ_CACHE_CODES 256

state_db_t *state_db_new(const state_store_t *store, size_t cache_bytes) {
  state_db_t *db = calloc(1, sizeof *db);
  if (!db) return NULL;
  db->store = *store;
  db->cache = trie_cache_new(&db->store.nodes, cache_bytes);
  db->reads = state_cache_new(READ_CACHE_VALUES, READ_CACHE_CODES);
  if (!db->cache || !db->reads) {
    if (db->cache) trie_cache_free(db->cache);
    state_cache_free(db->reads);
    free(db);
    return NULL;
  }
  db->nodes = trie_cache_store(db->cache);
  return db;
}

void state_db_free(state_db_t *db) {
  if (!db) return;
  trie_cache_free(db->cache);
  state_cache_free(db->reads);
  free(db);
}

void state_db_cache_stats(state_db_t *db, trie_cache_stats_t *out) { trie_cache_stats(db->cache, out); }

/* A missing root or inner node of a stored trie is a damaged database or a root
 * that was never stored; either way the answer is unknown, never "absent". */
static int db_get_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  state_db_t *db = ctx;
  bool found;
  if (state_cache_get_account(db->reads, root, a, out, &found)) return found ? ETHC_OK : ETHC_ERR_NOT_FOUND;
  bytes_buf_t v = {0};
  int err = trie_read(root->bytes, &db->nodes, true, a->bytes, 20, &v);
  if (!err) {
    rlp_item_t acct, f[4];
    if (rlp_decode(v.data, v.len, &acct) || rlp_list_items(&acct, f, 4) || rlp_get_u64(&f[0], &out->nonce) ||
        rlp_get_u256(&f[1], &out->balance) || rlp_get_fixed(&f[2], out->storage_root.bytes, 32) ||
        rlp_get_fixed(&f[3], out->code_hash.bytes, 32))
      err = ETHC_ERR_INVALID;
  }
  bytes_buf_free(&v);
  if (!err || err == ETHC_ERR_NOT_FOUND) state_cache_put_account(db->reads, root, a, err ? NULL : out);
  return err;
}

static int db_get_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *storage_root, const u256_t *key,
                          u256_t *out) {
  (void)a;
  state_db_t *db = ctx;
  if (state_cache_get_slot(db->reads, storage_root, key, out)) return ETHC_OK;
  uint8_t k[32];
  u256_to_be(key, k);
  bytes_buf_t v = {0};
  int err = trie_read(storage_root->bytes, &db->nodes, true, k, 32, &v);
  if (err == ETHC_ERR_NOT_FOUND) {
    *out = U256_ZERO;
    err = ETHC_OK;
  } else if (!err) {
    rlp_item_t item;
    if (rlp_decode(v.data, v.len, &item) || rlp_get_u256(&item, out)) err = ETHC_ERR_INVALID;
  }
  bytes_buf_free(&v);
  if (!err) state_cache_put_slot(db->reads, storage_root, key, out);
  return err;
}

/* Code is not hashed again on every read (the store checks its own data, as
 * LevelDB does with checksums): contracts are read once per block that calls
 * them, and hashing them each time would cost more than the execution. */
static int db_get_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  state_db_t *db = ctx;
  if (state_cache_get_code(db->reads, code_hash, out)) return ETHC_OK;
  size_t before = out->len;
  int err = db->store.get_code(db->store.code_ctx, code_hash, out);
  if (!err) state_cache_put_code(db->reads, code_hash, out->data + before, out->len - before);
  return err == ETHC_ERR_NOT_FOUND ? ETHC_ERR_MISSING_NODE : err;
}

void state_db_base(state_db_t *db, const ethc_hash_t *root, state_base_t *out) {
  out->get_account = db_get_account;
  out->get_storage = db_get_storage;
  out->get_code = db_get_code;
  out->ctx = db;
  out->root = *root;
  out->nodes = db->nodes;
}
