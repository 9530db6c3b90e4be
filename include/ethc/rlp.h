/* Recursive Length Prefix (Yellow Paper appendix B): a zero-copy decoder over a
 * byte span that rejects every non-canonical form, and an appending encoder. */
#ifndef ETHC_RLP_H
#define ETHC_RLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- decoding ---- */

/* One decoded item: its payload points into the input (no copy). */
typedef struct {
  bool is_list;
  const uint8_t *payload; /* string bytes, or the concatenated list items */
  size_t payload_len;
  const uint8_t *raw; /* the whole item including its header */
  size_t raw_len;
} rlp_item_t;

/* Decodes the single item at the start of [data, data+len). Returns 0 or an
 * ETHC_ERR_RLP_* code; *consumed (optional) gets the item's full length. */
int rlp_decode_item(const uint8_t *data, size_t len, rlp_item_t *item, size_t *consumed);
/* Decodes exactly one item spanning all of the input (trailing bytes are an error).
 * Only the outer header is checked; nested items are checked as they are visited. */
int rlp_decode(const uint8_t *data, size_t len, rlp_item_t *item);
/* Like rlp_decode, and also validates every nested item. Lists nested deeper than
 * RLP_MAX_DEPTH are refused with ETHC_ERR_UNSUPPORTED. */
#define RLP_MAX_DEPTH 1024
int rlp_decode_strict(const uint8_t *data, size_t len, rlp_item_t *item);
/* rlp_decode_strict without the result: 0 when the input is one canonical item. */
int rlp_validate(const uint8_t *data, size_t len);

/* Iterates the items of a list. */
typedef struct {
  const uint8_t *pos, *end;
} rlp_iter_t;
void rlp_iter_init(rlp_iter_t *it, const rlp_item_t *list);
/* 1 with *item set, 0 at the end, or a negative -ETHC_ERR_RLP_* on malformed input. */
int rlp_iter_next(rlp_iter_t *it, rlp_item_t *item);
/* Number of items in a list (validating each header), or a negative error. */
int rlp_list_count(const rlp_item_t *list);
/* Splits a list into exactly n items: ETHC_ERR_RLP_COUNT if it has more or fewer,
 * ETHC_ERR_RLP_TYPE for a string. */
int rlp_list_items(const rlp_item_t *list, rlp_item_t *items, size_t n);

/* Typed accessors for strings; each rejects lists (ETHC_ERR_RLP_TYPE), leading zero
 * bytes in integers (ETHC_ERR_RLP_NONCANONICAL) and values too large (ETHC_ERR_OVERFLOW). */
int rlp_get_u64(const rlp_item_t *item, uint64_t *out);
int rlp_get_u256(const rlp_item_t *item, u256_t *out);
/* A string of exactly n bytes (addresses, hashes): ETHC_ERR_RLP_SIZE otherwise. */
int rlp_get_fixed(const rlp_item_t *item, uint8_t *out, size_t n);
/* The bytes of a string item (ETHC_ERR_RLP_TYPE for a list). */
int rlp_get_bytes(const rlp_item_t *item, bytes_view_t *out);

/* ---- encoding ---- */
/* Appends encodings to a bytes_buf_t. Lists: remember rlp_list_begin's return
 * value, append the items, then call rlp_list_end with it to write the header. */
int rlp_put_bytes(bytes_buf_t *b, const uint8_t *data, size_t len);
int rlp_put_u64(bytes_buf_t *b, uint64_t v);
int rlp_put_u256(bytes_buf_t *b, const u256_t *v);
/* Appends an already-encoded item verbatim. */
int rlp_put_raw(bytes_buf_t *b, const uint8_t *data, size_t len);
size_t rlp_list_begin(bytes_buf_t *b);
int rlp_list_end(bytes_buf_t *b, size_t list_start);
/* Appends just a header for a payload of payload_len bytes the caller appends next. */
int rlp_put_header(bytes_buf_t *b, bool is_list, size_t payload_len);
/* Sizes: of a header for a payload of that length, and of a string's encoding. */
size_t rlp_header_len(size_t payload_len);
size_t rlp_string_len(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
