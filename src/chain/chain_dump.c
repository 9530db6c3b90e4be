/* The whole state of a stored block, account by account (chain_dev.h,
 * chain_snapshot_foreach_account): the secure account trie (Yellow Paper
 * appendix D: keccak(address) -> rlp([nonce, balance, storageRoot,
 * codeHash])) walked from the snapshot's effective root, each key turned back
 * into its address and each storage key into its slot by the preimages that
 * state_db_save stored, code by hash. */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_dev.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/trie_walk.h"

typedef struct {
  chaindb_t *db;
  trie_store_t nodes;
  chain_account_visit_fn fn;
  void *ctx;
  /* the current account's slots */
  chain_slot_t *slots;
  size_t n, cap;
} walk_t;

/* The preimage of a secure-trie key, of exactly `len` bytes. */
static int preimage(walk_t *w, const uint8_t *key, size_t key_len, uint8_t *out, size_t len) {
  if (key_len != 32) return ETHC_ERR_INVALID;
  ethc_hash_t h;
  memcpy(h.bytes, key, 32);
  bytes_buf_t b = {0};
  int err = chaindb_get_preimage(w->db, &h, &b);
  if (!err && b.len != len) err = ETHC_ERR_INVALID;
  if (!err) memcpy(out, b.data, len);
  bytes_buf_free(&b);
  return err;
}

static int on_slot(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len) {
  walk_t *w = ctx;
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 16;
    chain_slot_t *s = realloc(w->slots, cap * sizeof *s);
    if (!s) return ETHC_ERR_NOMEM;
    w->slots = s, w->cap = cap;
  }
  uint8_t k[32];
  int err = preimage(w, key, key_len, k, 32);
  if (err) return err;
  rlp_item_t it;
  chain_slot_t *s = &w->slots[w->n];
  if (rlp_decode(value, value_len, &it) || it.is_list || rlp_get_u256(&it, &s->value)) return ETHC_ERR_INVALID;
  u256_from_be(&s->key, k);
  w->n++;
  return 0;
}

static int on_account(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len) {
  walk_t *w = ctx;
  chain_account_t a;
  memset(&a, 0, sizeof a);
  int err = preimage(w, key, key_len, a.address.bytes, 20);
  if (err) return err;
  rlp_item_t acct, f[4];
  ethc_hash_t storage_root, code_hash;
  if (rlp_decode(value, value_len, &acct) || !acct.is_list || rlp_list_count(&acct) != 4 ||
      rlp_list_items(&acct, f, 4) || rlp_get_u64(&f[0], &a.nonce) || rlp_get_u256(&f[1], &a.balance) ||
      rlp_get_fixed(&f[2], storage_root.bytes, 32) || rlp_get_fixed(&f[3], code_hash.bytes, 32))
    return ETHC_ERR_INVALID;
  bytes_buf_t code = {0};
  if (!ethc_hash_eq(&code_hash, &STATE_EMPTY_CODE_HASH)) {
    if ((err = chaindb_get_code(w->db, &code_hash, &code))) return err;
    a.code = code.data;
    a.code_len = code.len;
  }
  w->n = 0;
  if (!ethc_hash_eq(&storage_root, &STATE_EMPTY_ROOT)) err = trie_walk(storage_root.bytes, &w->nodes, on_slot, w);
  a.slots = w->slots;
  a.slot_count = w->n;
  if (!err) err = w->fn(w->ctx, &a);
  bytes_buf_free(&code);
  return err;
}

int chain_snapshot_foreach_account(const chain_snapshot_t *s, chain_account_visit_fn fn, void *ctx) {
  chain_t *c = chain_snapshot_chain(s);
  walk_t w = {.db = chain_db(c), .fn = fn, .ctx = ctx};
  state_store_t store;
  chaindb_state_store(w.db, &store);
  w.nodes = store.nodes;
  const ethc_hash_t *root = chain_snapshot_state_root(s);
  int err = ethc_hash_eq(root, &STATE_EMPTY_ROOT) ? 0 : trie_walk(root->bytes, &w.nodes, on_account, &w);
  free(w.slots);
  return err;
}
