/* Merkle Patricia trie (Yellow Paper appendix D): an in-memory mutable trie with
 * cached node hashes, one-shot root builders for state/storage/tx/receipt roots,
 * EIP-1186 proofs (generation and verification), ordered iteration, and a minimal
 * node-store interface for persisting hashed nodes. Hashing is Keccak-256. */
#ifndef ETHC_TRIE_H
#define ETHC_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"

/* keccak256(RLP("")) = keccak256(0x80): the root of an empty trie. */
extern const uint8_t TRIE_EMPTY_ROOT[32];

/* ---------------------------------------------------------------------------
 * One-shot root builders (no trie kept; fastest way to get a root).
 * A pair with an empty value is treated as absent (tries never store empty
 * values). Keys are byte strings of any length (a key may prefix another).
 * ------------------------------------------------------------------------- */
typedef struct {
  const uint8_t *key;
  size_t key_len;
  const uint8_t *value;
  size_t value_len;
} trie_kv_t;

/* Root of the trie holding these pairs. kv must be sorted by key (memcmp order,
 * a shorter key before its extensions) with no duplicate keys: ETHC_ERR_INVALID
 * otherwise. 0 or an error code. */
int trie_root_of_sorted(const trie_kv_t *kv, size_t n, uint8_t root[32]);
/* Same, for pairs in any order: sorts kv in place first. Duplicate keys are
 * ETHC_ERR_INVALID. */
int trie_root_of(trie_kv_t *kv, size_t n, uint8_t root[32]);
/* Secure trie (state and storage tries): keys are keccak256(key) first. kv is
 * not modified. If your keys are already hashed, use trie_root_of instead. */
int trie_secure_root_of(const trie_kv_t *kv, size_t n, uint8_t root[32]);
/* Ordered trie of transactions, receipts or withdrawals: item i (already
 * encoded, e.g. a typed tx envelope) under the key RLP(i). */
int trie_ordered_root(const bytes_view_t *items, size_t n, uint8_t root[32]);

/* ---------------------------------------------------------------------------
 * Mutable in-memory trie. Zero-initialise or call trie_init; free with
 * trie_free. Node hashes are cached, so after a few updates trie_root re-hashes
 * only the changed paths.
 * ------------------------------------------------------------------------- */
struct trie_node;

typedef struct {
  struct trie_node *root;
  bool secure;           /* keys are hashed with keccak256 on every call */
  size_t count;          /* number of keys */
  bytes_buf_t scratch;   /* encoding scratch space, reused across calls */
} trie_t;

void trie_init(trie_t *t, bool secure);
void trie_free(trie_t *t);
/* Removes every key (keeps the secure flag). */
void trie_clear(trie_t *t);

/* Inserts or replaces. An empty value deletes the key (Yellow Paper: the trie
 * holds no empty values). 0, ETHC_ERR_NOMEM, or ETHC_ERR_INVALID for a key
 * over 2 GiB. */
int trie_put(trie_t *t, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len);
/* 0 with *value pointing into the trie (valid until the next modification), or
 * ETHC_ERR_NOT_FOUND. */
int trie_get(const trie_t *t, const uint8_t *key, size_t key_len, bytes_view_t *value);
/* Removes the key; 0 whether or not it was present (or ETHC_ERR_NOMEM). */
int trie_delete(trie_t *t, const uint8_t *key, size_t key_len);
/* The root hash (TRIE_EMPTY_ROOT when empty). 0 or ETHC_ERR_NOMEM. */
int trie_root(trie_t *t, uint8_t root[32]);

/* Ordered access over the trie's (path) keys: for a secure trie these are the
 * hashed keys. trie_next finds the smallest key strictly greater than `key`,
 * trie_prev the largest strictly smaller. 0 with the key written to *out_key
 * (reset, then appended) and *value set as in trie_get, or ETHC_ERR_NOT_FOUND.
 * The given key is used as is (never hashed), even for a secure trie. */
int trie_next(const trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value);
int trie_prev(const trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value);
/* Calls fn for every pair in ascending key order (path keys, as above); a
 * nonzero return from fn stops the walk and is returned. */
typedef int (*trie_visit_fn)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len);
int trie_foreach(const trie_t *t, trie_visit_fn fn, void *ctx);

/* ---------------------------------------------------------------------------
 * Proofs (EIP-1186 eth_getProof): the RLP of every node on the path from the
 * root to the key, root first. Embedded nodes (RLP < 32 bytes) are inside their
 * parent and not listed separately. Works for present keys (inclusion) and
 * absent ones (exclusion).
 * ------------------------------------------------------------------------- */
typedef struct {
  bytes_view_t *nodes;   /* nodes[i] points into `storage` */
  size_t count;
  bytes_buf_t storage;
  size_t *offsets_;      /* internal */
  size_t cap_;           /* internal */
} trie_proof_t;

/* Builds the proof for `key` (hashed first for a secure trie). proof must be
 * zero-initialised or previously freed/used (it is reset). */
int trie_prove(trie_t *t, const uint8_t *key, size_t key_len, trie_proof_t *proof);
void trie_proof_free(trie_proof_t *proof);

/* Verifies a proof against `root` for the path key `key` (for a secure trie,
 * pass keccak256(key), or use trie_verify_secure_proof). Returns:
 *   0                   the key is present; *value points into the proof nodes;
 *   ETHC_ERR_NOT_FOUND  the proof shows the key is absent;
 *   ETHC_ERR_INVALID    the proof is bad (hash mismatch, malformed or
 *                       non-canonical node, missing or unused nodes). */
int trie_verify_proof(const uint8_t root[32], const uint8_t *key, size_t key_len, const bytes_view_t *nodes,
                      size_t count, bytes_view_t *value);
int trie_verify_secure_proof(const uint8_t root[32], const uint8_t *key, size_t key_len, const bytes_view_t *nodes,
                             size_t count, bytes_view_t *value);

/* ---------------------------------------------------------------------------
 * Node store (minimal, for a LevelDB backend later): trie_commit writes every
 * hash-referenced node (and the root node) of the trie as hash -> RLP.
 * ------------------------------------------------------------------------- */
typedef struct {
  void *ctx;
  /* 0 or an error code; rlp is only valid during the call. */
  int (*put)(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t rlp_len);
  /* 0 with the node's RLP appended to *out, or ETHC_ERR_NOT_FOUND. */
  int (*get)(void *ctx, const uint8_t hash[32], bytes_buf_t *out);
} trie_store_t;

/* Writes the trie's nodes to the store and sets root. 0 or the store's error. */
int trie_commit(trie_t *t, const trie_store_t *store, uint8_t root[32]);
/* The same, writing only the nodes changed since this trie's last trie_commit_new
 * (all of them the first time): what an incremental writer of one store uses. */
int trie_commit_new(trie_t *t, const trie_store_t *store, uint8_t root[32]);
/* A deep copy (node hashes and stored marks included) into *out, which needs no
 * initialisation. 0 or ETHC_ERR_NOMEM (out is then empty). */
int trie_clone(const trie_t *t, trie_t *out);

#endif
