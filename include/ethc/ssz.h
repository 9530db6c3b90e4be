/* SSZ (consensus-specs ssz/simple-serialize.md) for the beacon light client:
 * decoding the light-client containers of beacon_types.h from their serialized
 * bytes, hash_tree_root (SHA-256 merkleization) of the types the sync protocol
 * hashes, Merkle branch checks with generalized indices (ssz/merkle-proofs.md),
 * and Snappy block decompression of the spec vectors' .ssz_snappy files.
 *
 * Decoders are strict: the input must be exactly one container (no trailing
 * bytes), the first offset must equal the fixed part's size, offsets must not
 * decrease or run past the end, variable fields must respect their limits. They
 * return 0 and fill *out (fully overwritten, unused tails zero), or
 * ETHC_ERR_INVALID. All functions are thread-safe (no shared mutable state once
 * the zero-hash table is built, which happens on first use under pthread_once). */
#ifndef ETHC_SSZ_H
#define ETHC_SSZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/beacon_types.h"
#include "ethc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- merkleization ---- */

/* zero_hash(d): the root of a depth-d tree of zero chunks (d <= 63). */
const uint8_t *ssz_zero_hash(unsigned depth);
/* sha256(a || b). */
void ssz_hash_pair(const uint8_t a[32], const uint8_t b[32], uint8_t out[32]);
/* merkleize(chunks, limit): `n` chunks padded with zero chunks to the next power of
 * two >= max(n, limit) (limit 0 = n), hashed pairwise to one root. n <= limit
 * when limit > 0. */
void ssz_merkleize(const uint8_t (*chunks)[32], size_t n, size_t limit, uint8_t out[32]);
/* mix_in_length(root, len): sha256(root || uint256 little-endian len). */
void ssz_mix_in_length(const uint8_t root[32], uint64_t len, uint8_t out[32]);

/* floorlog2(gindex) and gindex's index within that depth's subtree. gindex >= 1. */
unsigned ssz_gindex_depth(uint64_t gindex);
uint64_t ssz_gindex_subtree_index(uint64_t gindex);
/* is_valid_merkle_branch: the leaf hashed up `depth` levels with branch[i] as the
 * sibling at level i (left or right by bit i of `index`) gives `root`. */
bool ssz_is_valid_merkle_branch(const uint8_t leaf[32], const uint8_t (*branch)[32], unsigned depth, uint64_t index,
                                const uint8_t root[32]);
/* The same with a generalized index (depth and index from it). */
bool ssz_is_valid_gindex_branch(const uint8_t leaf[32], const uint8_t (*branch)[32], uint64_t gindex,
                                const uint8_t root[32]);

/* ---- hash_tree_root of the light-client types ---- */

void ssz_root_block_header(const beacon_block_header_t *h, uint8_t out[32]);
/* `n` keys: the preset's sync_committee_size (<= 512, a power of two). */
void ssz_root_sync_committee(const beacon_sync_committee_t *c, uint32_t n, uint8_t out[32]);
/* The ExecutionPayloadHeader as `fork` defines it (Capella: 15 fields; Deneb,
 * Electra, Fulu: 17). Before Capella there is none: the zero root. */
void ssz_root_execution_header(const beacon_execution_header_t *e, beacon_fork_t fork, uint8_t out[32]);

/* ---- decoding ---- */

/* `committee_size` is the preset's sync_committee_size (32 or 512): it fixes the
 * size of SyncCommittee and SyncAggregate. `fork` (>= Altair) fixes the shape of
 * the light-client header and the branch depths; it is stored in out->fork. */
ETHC_MUST_USE int ssz_decode_block_header(const uint8_t *in, size_t len, beacon_block_header_t *out);
ETHC_MUST_USE int ssz_decode_lc_header(const uint8_t *in, size_t len, beacon_fork_t fork, beacon_lc_header_t *out);
ETHC_MUST_USE int ssz_decode_lc_bootstrap(const uint8_t *in, size_t len, beacon_fork_t fork, uint32_t committee_size,
                                          beacon_lc_bootstrap_t *out);
ETHC_MUST_USE int ssz_decode_lc_update(const uint8_t *in, size_t len, beacon_fork_t fork, uint32_t committee_size,
                                       beacon_lc_update_t *out);
ETHC_MUST_USE int ssz_decode_lc_finality_update(const uint8_t *in, size_t len, beacon_fork_t fork,
                                                uint32_t committee_size, beacon_lc_finality_update_t *out);
ETHC_MUST_USE int ssz_decode_lc_optimistic_update(const uint8_t *in, size_t len, beacon_fork_t fork,
                                                  uint32_t committee_size, beacon_lc_optimistic_update_t *out);

/* ---- encoding ---- */

/* The SSZ of each container (its `fork` field picks the shape; `committee_size` as
 * for decoding). Returns the encoding's size; writes it to `out` only when `cap`
 * is at least that (so a call with cap 0 measures). Decoding the output gives the
 * input back (for structs whose unused tails are zero, as decoders leave them). */
size_t ssz_encode_lc_header(const beacon_lc_header_t *h, uint8_t *out, size_t cap);
size_t ssz_encode_lc_bootstrap(const beacon_lc_bootstrap_t *b, uint32_t committee_size, uint8_t *out, size_t cap);
size_t ssz_encode_lc_update(const beacon_lc_update_t *u, uint32_t committee_size, uint8_t *out, size_t cap);
size_t ssz_encode_lc_finality_update(const beacon_lc_finality_update_t *u, uint32_t committee_size, uint8_t *out,
                                     size_t cap);
size_t ssz_encode_lc_optimistic_update(const beacon_lc_optimistic_update_t *u, uint32_t committee_size, uint8_t *out,
                                       size_t cap);

/* ---- snappy ---- */

/* Decompresses Snappy's block format (not the framed one). Returns 0 and a malloc'd
 * buffer the caller frees (*out, *out_len), or ETHC_ERR_INVALID for corrupt input or
 * an uncompressed size above `max_len`, or ETHC_ERR_NOMEM. */
ETHC_MUST_USE int ssz_snappy_block_decode(const uint8_t *in, size_t len, size_t max_len, uint8_t **out,
                                          size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif
