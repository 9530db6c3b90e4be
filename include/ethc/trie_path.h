/* Looking one 32-byte key up in a stored Merkle Patricia trie (Yellow Paper
 * appendix D; the state and storage tries) by its nibble path, telling where
 * the walk stops when a node is not at hand: the light node's snap
 * GetTrieNodes reads (devp2p caps/snap.md) walk the nodes they hold and ask a
 * peer for the rest of the path from that depth on.
 * Every node read from the store is hashed and must equal the reference its
 * parent (or the root) holds. Implementation: src/trie/trie_path.c.
 * Reentrant: any number of threads may call these at once when the store's
 * get is thread-safe. */
#ifndef ETHC_TRIE_PATH_H
#define ETHC_TRIE_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/trie.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a walk stopped at a node the store does not hold. */
typedef struct {
  size_t depth;     /* nibbles of the key above it (0: the root) */
  uint8_t hash[32]; /* the hash its parent references */
} trie_path_miss_t;

/* Looks `key` (32 bytes, already hashed: keccak(address) or keccak(slot))
 * up in the trie of root `root`. Returns
 *  - 0: present, its value (the leaf's RLP payload bytes) appended to *value;
 *  - ETHC_ERR_NOT_FOUND: proven absent (the walk ended at an empty branch
 *    slot or at a leaf or extension whose key diverges; TRIE_EMPTY_ROOT);
 *  - ETHC_ERR_MISSING_NODE: the store lacks the node *miss names;
 *  - ETHC_ERR_INVALID: a malformed node, or a node whose hash is not the
 *    reference it was read for; or the store's error (ETHC_ERR_NOMEM...).
 * miss may be NULL. */
int trie_path_lookup(const uint8_t root[32], const trie_store_t *store, const uint8_t key[32], bytes_buf_t *value,
                     trie_path_miss_t *miss);

/* trie_path_lookup over `store` and a snap TrieNodes answer for this key:
 * nodes[i] (n <= 64 items, empty: none served) answers the path of the key's
 * first `from` + i nibbles. An answer node is used only where the walk reaches
 * a reference to its hash (so it is verified by the chain of hashes from
 * `root`); bit i of *used is set for each item used (the caller may keep
 * those). Returns as trie_path_lookup, and ETHC_ERR_INVALID also when the
 * walk stops at a node missing at depth d with from <= d < from + n and
 * nodes[d - from] non-empty: that item does not hash to what its parent
 * references (a tampered node or one of another path), *miss then names the
 * expected node. */
int trie_path_absorb(const uint8_t root[32], const trie_store_t *store, const uint8_t key[32], size_t from,
                     const bytes_view_t *nodes, size_t n, bytes_buf_t *value, trie_path_miss_t *miss, uint64_t *used);

/* The compact (hex-prefix, extension flag) encoding of the first `depth`
 * nibbles of `key` (depth <= 64), appended to *out: the path form of snap
 * GetTrieNodes. 0 or ETHC_ERR_NOMEM / ETHC_ERR_INVALID (depth > 64). */
int trie_path_compact(const uint8_t key[32], size_t depth, bytes_buf_t *out);

#ifdef __cplusplus
}
#endif

#endif
