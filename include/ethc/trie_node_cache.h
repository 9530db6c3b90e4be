/* A persistent cache of verified trie nodes (keccak256(node) -> node) and
 * contract code (keccak256(code) -> code) in the chain database, for a light
 * node's state source (light_rpc_source.h): what it proved once is answered
 * again, across restarts, without asking its provider. The cache only stores
 * data by its own hash; a reader still walks from a verified state root, so
 * nothing unverified is ever served, and every row read is checked against
 * its hash (a damaged or planted row is deleted and reads as a miss).
 *
 * Bound: two generations. Rows are written into the current generation; when
 * it holds max_bytes / 2 a new one starts and the one before the previous is
 * deleted, so at most about max_bytes of rows are kept (plus LevelDB's own
 * overhead until it compacts). A hit in the previous generation is copied
 * into the current one, so what is used survives. Keys (src/chain/CHAINDB.md):
 * 'V' gen(1) kind(1: 'N' node, 'c' code) hash(32); the current generation and
 * its byte count are the named value `mlight-cache`.
 *
 * Threads: every function may be called from any number of threads at once
 * (writes and generation changes take one mutex; reads take none). */
#ifndef ETHC_TRIE_NODE_CACHE_H
#define ETHC_TRIE_NODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/chaindb.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct trie_node_cache trie_node_cache_t;

typedef enum { TRIE_NODE_CACHE_NODE = 'N', TRIE_NODE_CACHE_CODE = 'c' } trie_node_cache_kind_t;

typedef struct {
  unsigned long long hits, misses, rejected, writes;
  unsigned generation;
  size_t generation_bytes; /* bytes written into the current generation */
} trie_node_cache_stats_t;

/* A cache over `db` (borrowed: it must outlive the cache) keeping about
 * `max_bytes` (0: 256 MiB). Resumes the stored generation and deletes rows a
 * crash left in an older one. NULL when out of memory. */
trie_node_cache_t *trie_node_cache_open(chaindb_t *db, size_t max_bytes);
void trie_node_cache_free(trie_node_cache_t *k);

/* Appends the value whose keccak256 is `hash` to *out: 0, or
 * ETHC_ERR_NOT_FOUND (absent, or a row that does not hash to its key, which is
 * deleted), ETHC_ERR_NOMEM. */
int trie_node_cache_get(trie_node_cache_t *k, trie_node_cache_kind_t kind, const uint8_t hash[32], bytes_buf_t *out);

/* Stores each of the n values under its keccak256 (one LevelDB batch): call it
 * only with data already verified by its use (a proof's nodes after the proof
 * checked, code whose hash a proven account holds). 0 or ETHC_ERR_IO
 * (ETHC_ERR_NOMEM). */
int trie_node_cache_put(trie_node_cache_t *k, trie_node_cache_kind_t kind, const bytes_view_t *values, size_t n);

void trie_node_cache_stats(trie_node_cache_t *k, trie_node_cache_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif
