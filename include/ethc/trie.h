/* Merkle Patricia trie (Yellow Paper appendix D): a mutable trie with cached node
 * hashes, in memory or opened over a node store and read on demand, one-shot root
 * builders for state/storage/tx/receipt roots, EIP-1186 proofs (generation and
 * verification), ordered iteration, a node-store interface (hash -> RLP) with
 * side-effect-free lookups for concurrent readers, and a bounded thread-safe node
 * cache. Hashing is Keccak-256. */
#ifndef ETHC_TRIE_H
#define ETHC_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * Node store: trie nodes by hash (hash -> RLP), the form tries take in the
 * chain database. trie_commit writes to one; trie_open and trie_read read
 * nodes from one on demand.
 *
 * Contract for implementations:
 *  - get appends the RLP of the node with that hash to *out and returns 0, or
 *    returns ETHC_ERR_NOT_FOUND (and appends nothing) when the store does not
 *    hold it, or another error code (ETHC_ERR_IO, ETHC_ERR_NOMEM) when it cannot
 *    tell. It must not keep `out` or `hash`. The trie checks what it gets (the
 *    bytes must hash to `hash`, or the node is ETHC_ERR_INVALID), so a store
 *    need not; a node cache (below) checks each node once for its readers.
 *  - put stores a node (rlp is only valid during the call); 0 or an error code.
 *    It may be NULL in a store used only for reading.
 *  - Thread-safety: the trie never calls a store from more than one thread by
 *    itself. trie_read and trie_prove_from_store may be called from many threads
 *    on one store at once: they only call get, which must then be safe to call
 *    concurrently (LevelDB's Get is; trie_cache_new's store is when its backing
 *    store's get is).
 * ------------------------------------------------------------------------- */
typedef struct {
  void *ctx;
  /* 0 or an error code; rlp is only valid during the call. */
  int (*put)(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t rlp_len);
  /* 0 with the node's RLP appended to *out, or ETHC_ERR_NOT_FOUND. */
  int (*get)(void *ctx, const uint8_t hash[32], bytes_buf_t *out);
} trie_store_t;

/* ---------------------------------------------------------------------------
 * Mutable trie. Zero-initialise or call trie_init for an empty in-memory trie,
 * or trie_open to work on a stored trie; free with trie_free. Node hashes are
 * cached, so after a few updates trie_root re-hashes only the changed paths.
 *
 * An opened trie (trie_open) starts as just its root hash: trie_get, trie_put,
 * trie_delete, trie_next, trie_prev, trie_foreach, trie_prove and trie_commit
 * read the nodes they need from the store as they reach them and keep them until
 * trie_free (decoded, marked as stored, so trie_commit_new does not write them
 * again); trie_root needs none (a node not read is known by its hash). Only the
 * paths touched are loaded; trie_foreach loads everything. Every one of those
 * functions can then also fail with:
 *   ETHC_ERR_MISSING_NODE  a node the trie references is not in the store (never
 *                          reported as an absent key: the answer is unknown);
 *   ETHC_ERR_INVALID       a stored node is corrupt (its bytes do not hash to its
 *                          reference, or it is not a node a trie can hold);
 *   or any other error the store's get returns (ETHC_ERR_IO, ETHC_ERR_NOMEM).
 * After such an error the trie's contents and root are unchanged (the failed
 * update did not happen; nodes read meanwhile stay) and it is still usable. The store (its ctx) must outlive the trie.
 *
 * Thread-safety: none inside; one thread at a time per trie. A trie built only
 * in memory (never opened) is not modified by trie_get, trie_next, trie_prev or
 * trie_foreach, so several threads may read it at once while no one writes; an
 * opened trie changes its in-memory form on every read, so use trie_read for
 * concurrent readers of a stored trie.
 * ------------------------------------------------------------------------- */
struct trie_node;

typedef struct {
  struct trie_node *root;
  bool secure;         /* keys are hashed with keccak256 on every call */
  size_t count;        /* number of keys; for an opened trie: keys added minus keys
                            removed since trie_open (mod SIZE_MAX + 1), since the size
                            of the stored trie is not known without reading it all */
  bytes_buf_t scratch; /* encoding scratch space, reused across calls */
  trie_store_t store;  /* where hash-referenced nodes are read (trie_open); get NULL otherwise */
  bytes_buf_t fetch_;  /* internal: the node being read from the store */
} trie_t;

void trie_init(trie_t *t, bool secure);
/* Opens the stored trie with this root (TRIE_EMPTY_ROOT for an empty trie) over
 * `store` (copied; store->ctx must outlive the trie): t needs no initialisation
 * and is freed with trie_free. Nothing is read yet, so a missing root node shows
 * on first use (ETHC_ERR_MISSING_NODE). `secure` as for trie_init: keys are
 * hashed on every call. Returns 0 or ETHC_ERR_NOMEM (t is then an empty trie
 * that trie_free accepts). */
int trie_open(trie_t *t, const uint8_t root[32], const trie_store_t *store, bool secure);
void trie_free(trie_t *t);
/* Removes every key (keeps the secure flag and the store). */
void trie_clear(trie_t *t);

/* Inserts or replaces. An empty value deletes the key (Yellow Paper: the trie
 * holds no empty values). 0, ETHC_ERR_NOMEM, or ETHC_ERR_INVALID for a key
 * over 2 GiB. */
int trie_put(trie_t *t, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len);
/* 0 with *value pointing into the trie (valid until the next modification), or
 * ETHC_ERR_NOT_FOUND (the key is absent), or for an opened trie a store error
 * (see above). */
int trie_get(trie_t *t, const uint8_t *key, size_t key_len, bytes_view_t *value);
/* Removes the key; 0 whether or not it was present (or ETHC_ERR_NOMEM, or for an
 * opened trie a store error). */
int trie_delete(trie_t *t, const uint8_t *key, size_t key_len);
/* The root hash (TRIE_EMPTY_ROOT when empty). 0 or ETHC_ERR_NOMEM. */
int trie_root(trie_t *t, uint8_t root[32]);

/* Ordered access over the trie's (path) keys: for a secure trie these are the
 * hashed keys. trie_next finds the smallest key strictly greater than `key`,
 * trie_prev the largest strictly smaller. 0 with the key written to *out_key
 * (reset, then appended) and *value set as in trie_get, or ETHC_ERR_NOT_FOUND.
 * The given key is used as is (never hashed), even for a secure trie. */
int trie_next(trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value);
int trie_prev(trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value);
/* Calls fn for every pair in ascending key order (path keys, as above); a
 * nonzero return from fn stops the walk and is returned. */
typedef int (*trie_visit_fn)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len);
int trie_foreach(trie_t *t, trie_visit_fn fn, void *ctx);

/* ---------------------------------------------------------------------------
 * Proofs (EIP-1186 eth_getProof): the RLP of every node on the path from the
 * root to the key, root first. Embedded nodes (RLP < 32 bytes) are inside their
 * parent and not listed separately. Works for present keys (inclusion) and
 * absent ones (exclusion).
 * ------------------------------------------------------------------------- */
typedef struct {
  bytes_view_t *nodes; /* nodes[i] points into `storage` */
  size_t count;
  bytes_buf_t storage;
  size_t *offsets_; /* internal */
  size_t cap_;      /* internal */
} trie_proof_t;

/* Builds the proof for `key` (hashed first for a secure trie). proof must be
 * zero-initialised or previously freed/used (it is reset). 0, ETHC_ERR_NOMEM, or
 * for an opened trie a store error. */
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

/* Writes the trie's nodes to the store and sets root. 0 or the store's error. For
 * an opened trie this includes the nodes not loaded, copied from its own store
 * (a full copy of the trie: to write an opened trie back to its own store, use
 * trie_commit_new). */
int trie_commit(trie_t *t, const trie_store_t *store, uint8_t root[32]);
/* The same, writing only the nodes changed since this trie's last trie_commit_new
 * (all of them the first time): what an incremental writer of one store uses.
 * Nodes read from the store of an opened trie count as written: after trie_open
 * only the nodes created by updates are written. */
int trie_commit_new(trie_t *t, const trie_store_t *store, uint8_t root[32]);
/* A deep copy (node hashes and stored marks included) into *out, which needs no
 * initialisation. A copy of an opened trie reads from the same store and shares
 * nothing else with it. 0 or ETHC_ERR_NOMEM (out is then empty). */
int trie_clone(const trie_t *t, trie_t *out);

/* ---------------------------------------------------------------------------
 * Reading a stored trie without a trie_t: no node is kept, nothing is written,
 * no state is shared between calls, so any number of threads may call these at
 * once on one store (whose get must then be thread-safe, see the node store).
 * ------------------------------------------------------------------------- */

/* Looks `key` up (hashed first when `secure`) in the trie with root `root`.
 * Returns 0 with the value in *value (reset, then appended; value must be
 * zero-initialised or a buffer used before, and the caller frees it),
 * ETHC_ERR_NOT_FOUND when the key is absent, ETHC_ERR_MISSING_NODE when a node
 * on the path is not in the store, ETHC_ERR_INVALID for a corrupt node, or the
 * store's error. *value's contents are unspecified after an error. */
int trie_read(const uint8_t root[32], const trie_store_t *store, bool secure, const uint8_t *key, size_t key_len,
              bytes_buf_t *value);
/* The EIP-1186 proof for `key` (hashed first when `secure`) in the stored trie
 * with root `root`: the same nodes trie_prove gives for that trie, for present
 * and absent keys. proof as for trie_prove (reset; free with trie_proof_free).
 * Returns 0 (whether or not the key is present), ETHC_ERR_MISSING_NODE,
 * ETHC_ERR_INVALID, ETHC_ERR_NOMEM or the store's error. */
int trie_prove_from_store(const uint8_t root[32], const trie_store_t *store, bool secure, const uint8_t *key,
                          size_t key_len, trie_proof_t *proof);

/* ---------------------------------------------------------------------------
 * Node cache: a node store that keeps recently read nodes (hash -> RLP) in
 * memory in front of a backing store, bounded in bytes (CLOCK eviction over 32
 * sharded tables, each with its own mutex).
 *  - get: a hit copies the cached bytes out; a miss asks the backing store (no
 *    lock held meanwhile), checks that the bytes hash to the node's hash
 *    (ETHC_ERR_INVALID otherwise) and keeps them. Tries and trie_read trust a
 *    cache's store and do not hash what it returns again (they hash every node
 *    read from any other store), so a node is hashed once per miss, not on every
 *    read. Errors from the backing store
 *    (ETHC_ERR_NOT_FOUND included) are returned as they are and not cached.
 *  - put: passed to the backing store (ETHC_ERR_UNSUPPORTED when it has none),
 *    not cached: a node put in a batch that is never written must not be seen.
 *  - Thread-safety: the cache's get may be called from any number of threads at
 *    once, provided the backing store's get may. trie_cache_stats may be called
 *    at any time; trie_cache_free when no call is running.
 * ------------------------------------------------------------------------- */
typedef struct trie_cache trie_cache_t;

typedef struct {
  uint64_t hits, misses; /* gets answered from memory / passed to the backing store */
  uint64_t inserts, evictions;
  size_t entries; /* nodes held now */
  size_t bytes;   /* their RLP plus bookkeeping, never above max_bytes */
  size_t max_bytes;
} trie_cache_stats_t;

/* A cache over `backing` (copied; backing->ctx must outlive the cache) holding at
 * most max_bytes (RLP bytes plus 96 bytes of bookkeeping per node; each of the 32
 * shards gets 1/32 of it, and a node larger than that is never kept). NULL when
 * out of memory. Free with trie_cache_free. */
trie_cache_t *trie_cache_new(const trie_store_t *backing, size_t max_bytes);
/* The cache as a node store (valid until trie_cache_free). */
trie_store_t trie_cache_store(trie_cache_t *c);
void trie_cache_stats(trie_cache_t *c, trie_cache_stats_t *out);
/* Drops every cached node (the counters stay). */
void trie_cache_clear(trie_cache_t *c);
void trie_cache_free(trie_cache_t *c);

#ifdef __cplusplus
}
#endif

#endif
