/* Walking a stored Merkle Patricia trie (Yellow Paper appendix D) from its root
 * hash: nodes are fetched from a trie_store_t, every leaf is reported with its
 * full key. Used to load a persisted state back into memory. */
#ifndef ETHC_TRIE_WALK_H
#define ETHC_TRIE_WALK_H

#include "ethc/trie.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called for every (key, value) of the trie in key order; key_len is in bytes
 * (keys with an odd number of nibbles cannot occur in Ethereum tries and are
 * reported as ETHC_ERR_INVALID). A non-zero return stops the walk and is returned. */
typedef int (*trie_leaf_fn)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len);

/* Visits every leaf of the trie with root `root` (TRIE_EMPTY_ROOT = no leaves).
 * Returns 0, ETHC_ERR_NOT_FOUND for a missing node, ETHC_ERR_INVALID for a
 * malformed node or a node whose hash differs, or the callback's value. */
int trie_walk(const uint8_t root[32], const trie_store_t *store, trie_leaf_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
