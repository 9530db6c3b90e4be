/* State persistence over the chain database: account trie keccak(address) ->
 * rlp([nonce, balance, storageRoot, codeHash]) and storage tries keccak(key) ->
 * rlp(value) (Yellow Paper 4.1 and appendix D), written as nodes by hash. */
#include "ethc/state_db.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "ethc/trie_walk.h"

/* ---- saving ---- */

static int store_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t rlp_len) {
  chaindb_put_trie_node(ctx, (const ethc_hash_t *)hash, rlp, rlp_len);
  return ETHC_OK;
}

static int store_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  return chaindb_get_trie_node(ctx, (const ethc_hash_t *)hash, out);
}

static int save_key_preimage(void *ctx, const u256_t *key, const u256_t *value) {
  (void)value;
  uint8_t k[32];
  ethc_hash_t h;
  u256_to_be(key, k);
  keccak256(k, 32, h.bytes);
  chaindb_put_preimage(ctx, &h, k, 32);
  return ETHC_OK;
}

typedef struct {
  state_t *st;
  chaindb_batch_t *batch;
  int err;
} account_saver_t;

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
     * committed are added, and only keys not saved before */
    trie_store_t store = {s->batch, store_put, store_get};
    trie_t *storage = NULL;
    err = state_storage_trie(s->st, a, &storage);
    if (!err && storage) err = trie_commit_new(storage, &store, storage_root.bytes);
    if (!err) err = state_foreach_new_slot_key(s->st, a, save_key_preimage, s->batch);
    if (err) return s->err = err;
  }
  state_get_code(s->st, a, NULL, &code_hash);
  if (code_size && !(known && ethc_hash_eq(&code_hash, &saved->code_hash)))
    chaindb_put_code(s->batch, &code_hash, code, code_size);
  if (!known) {
    ethc_hash_t addr_hash;
    keccak256(a->bytes, 20, addr_hash.bytes);
    chaindb_put_preimage(s->batch, &addr_hash, a->bytes, 20);
  }
  if (saved) *saved = (state_persisted_t){true, storage_root, code_hash};
  return ETHC_OK;
}

int state_db_save(state_t *st, chaindb_batch_t *batch, ethc_hash_t *root) {
  account_saver_t s = {.st = st, .batch = batch};
  int err = state_foreach_account(st, save_account, &s);
  if (!err) err = s.err;
  /* the state's kept account trie: only nodes changed since its last commit */
  trie_t *accounts = NULL;
  if (!err) err = state_account_trie(st, &accounts);
  trie_store_t store = {batch, store_put, store_get};
  if (!err) err = trie_commit_new(accounts, &store, root->bytes);
  return err;
}

/* ---- loading ---- */

typedef struct {
  chaindb_t *db;
  state_t *st;
  ethc_address_t addr;
} loader_t;

static int preimage(chaindb_t *db, const uint8_t *hash, size_t hash_len, uint8_t *out, size_t want) {
  if (hash_len != 32) return ETHC_ERR_INVALID;
  bytes_buf_t b = {0};
  int err = chaindb_get_preimage(db, (const ethc_hash_t *)hash, &b);
  if (!err && b.len != want) err = ETHC_ERR_INVALID;
  if (!err) memcpy(out, b.data, want);
  bytes_buf_free(&b);
  return err;
}

static int load_slot(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len) {
  loader_t *l = ctx;
  uint8_t k[32];
  int err = preimage(l->db, key, key_len, k, 32);
  if (err) return err;
  rlp_item_t item;
  u256_t kv, v;
  if (rlp_decode(value, value_len, &item) || rlp_get_u256(&item, &v)) return ETHC_ERR_INVALID;
  u256_from_be(&kv, k);
  return state_set_storage(l->st, &l->addr, &kv, &v, NULL, NULL);
}

static int load_account(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len) {
  loader_t *l = ctx;
  int err = preimage(l->db, key, key_len, l->addr.bytes, 20);
  if (err) return err;
  rlp_item_t acct, f[4];
  uint64_t nonce;
  u256_t balance;
  ethc_hash_t storage_root, code_hash;
  if (rlp_decode(value, value_len, &acct) || rlp_list_items(&acct, f, 4) || rlp_get_u64(&f[0], &nonce) ||
      rlp_get_u256(&f[1], &balance) || rlp_get_fixed(&f[2], storage_root.bytes, 32) ||
      rlp_get_fixed(&f[3], code_hash.bytes, 32))
    return ETHC_ERR_INVALID;
  if ((err = state_set_nonce(l->st, &l->addr, nonce)) || (err = state_set_balance(l->st, &l->addr, &balance)))
    return err;
  if (!ethc_hash_eq(&code_hash, &STATE_EMPTY_CODE_HASH)) {
    bytes_buf_t code = {0};
    err = chaindb_get_code(l->db, &code_hash, &code);
    if (!err) err = state_set_code(l->st, &l->addr, code.data, code.len);
    bytes_buf_free(&code);
    if (err) return err;
  }
  trie_store_t store = {l->db, NULL, store_get};
  err = trie_walk(storage_root.bytes, &store, load_slot, l);
  state_persisted_t *saved = err ? NULL : state_persisted(l->st, &l->addr);
  if (saved) *saved = (state_persisted_t){true, storage_root, code_hash};
  return err;
}

int state_db_load(chaindb_t *db, const ethc_hash_t *root, state_t **out) {
  loader_t l = {.db = db, .st = state_new()};
  if (!l.st) return ETHC_ERR_NOMEM;
  trie_store_t store = {db, NULL, store_get};
  int err = trie_walk(root->bytes, &store, load_account, &l);
  if (!err) {
    state_commit(l.st, false);
    ethc_hash_t check;
    err = state_root(l.st, &check);
    if (!err && !ethc_hash_eq(&check, root)) err = ETHC_ERR_INVALID;
  }
  if (err) {
    state_free(l.st);
    return err;
  }
  *out = l.st;
  return ETHC_OK;
}
