/* Shared codec pieces of the devp2p request/response messages (devp2p
 * caps/eth.md since eth/66, caps/snap.md): a payload that is one list of a
 * fixed number of fields, bounded lists, hash lists, and the common
 * "[request-id, [item, ...]]" form. Used by eth_msg.c and snap_msg.c.
 * Decoding is strict (canonical RLP, exact field counts) and never crashes;
 * decoded views borrow from the payload. Reentrant: no state. */
#ifndef ETHC_P2P_REQID_H
#define ETHC_P2P_REQID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/rlp.h"
#include "ethc/types.h"

/* The whole payload as one canonical list of exactly `n` items. 0 or ETHC_ERR_RLP_*. */
int p2p_top_items(const uint8_t *p, size_t len, rlp_item_t *items, size_t n);
/* A list's item count: 0, ETHC_ERR_RLP_TYPE (not a list), ETHC_ERR_LIMIT (over `max`). */
int p2p_list_count(const rlp_item_t *list, size_t max, size_t *count);
/* [hash, ...] of at most `max` 32-byte strings: *out malloc'd (free it), *count. */
int p2p_hashes_decode(const rlp_item_t *list, size_t max, ethc_hash_t **out, size_t *count);
/* Appends [hash, ...]. */
int p2p_hashes_encode(const ethc_hash_t *hashes, size_t count, bytes_buf_t *out);
/* Appends [item, ...]: each item's bytes as they are (raw RLP, as_strings
 * false) or wrapped as RLP strings (as_strings true). */
int p2p_list_encode(const bytes_view_t *items, size_t count, bool as_strings, bytes_buf_t *out);

/* [request-id, [...]]: appends the message with the list made by
 * p2p_hashes_encode / p2p_list_encode. */
int p2p_reqid_hashes_encode(uint64_t request_id, const ethc_hash_t *hashes, size_t count, bytes_buf_t *out);
int p2p_reqid_list_encode(uint64_t request_id, const bytes_view_t *items, size_t count, bool as_strings,
                          bytes_buf_t *out);
/* Decodes [request-id, list]: *id and the list item (not checked to be a list). */
int p2p_reqid_list_decode(const uint8_t *p, size_t n, uint64_t *request_id, rlp_item_t *list);
/* Decodes [request-id, [hash, ...]] (at most `max` hashes): *hashes malloc'd. */
int p2p_reqid_hashes_decode(const uint8_t *p, size_t n, size_t max, uint64_t *request_id, ethc_hash_t **hashes,
                            size_t *count);

#endif
