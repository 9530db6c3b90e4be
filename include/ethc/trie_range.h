/* Merkle range proofs of the snap protocol (devp2p caps/snap.md): checking
 * that a sorted run of (hashed key, value) pairs is exactly the content of a
 * trie between two boundary keys, given the proof nodes of the first and last
 * key's paths; and reading a stored trie node by its path (GetTrieNodes).
 * Implementation: src/trie/trie_range.c. All functions are reentrant. */
#ifndef ETHC_TRIE_RANGE_H
#define ETHC_TRIE_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/trie.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Verifies a range of a trie of 32-byte keys (the state and storage tries).
 *   root        the trie's root hash
 *   first       the requested origin: the range covers [first, keys[n-1]]
 *               (for n == 0: every key from `first` on)
 *   keys/values n pairs, keys strictly ascending and >= first, values non-empty
 *               (as stored in the trie: full account RLP, RLP slot values)
 *   proof       the proof nodes (any order; those of first's and of the last
 *               key's paths). With no proof nodes the pairs must be the whole
 *               trie.
 * Returns 0 when the trie's keys in the range are exactly `keys`, with those
 * values, and *more (may be NULL) set when the trie holds keys after the
 * range; ETHC_ERR_INVALID otherwise (unsorted keys, a key or value that
 * differs, one missing or extra, a bad or incomplete proof); ETHC_ERR_NOMEM. */
int trie_verify_range(const uint8_t root[32], const uint8_t first[32], const uint8_t (*keys)[32],
                      const bytes_view_t *values, size_t n, const bytes_view_t *proof, size_t proof_count, bool *more);

/* The RLP of the hash-referenced node at nibble path `path` (n nibbles,
 * each 0..15) in the stored trie of root `root`: the root itself for n == 0.
 * Appends to `out`. Returns 0, ETHC_ERR_NOT_FOUND (no node there, or one
 * embedded in its parent), ETHC_ERR_MISSING_NODE, ETHC_ERR_INVALID (a corrupt
 * node) or the store's error. `store`'s get must be thread-safe to call this
 * from several threads. */
int trie_node_at_path(const uint8_t root[32], const trie_store_t *store, const uint8_t *path, size_t n,
                      bytes_buf_t *out);

/* Hex-prefix (compact) path encoding to nibbles: writes at most `cap`
 * nibbles to `out` and their count to *n. ETHC_ERR_INVALID for a malformed
 * encoding (empty, bad flag, non-zero padding) or more than `cap` nibbles. */
int trie_compact_to_nibbles(const uint8_t *compact, size_t len, uint8_t *out, size_t cap, size_t *n);

#ifdef __cplusplus
}
#endif

#endif
