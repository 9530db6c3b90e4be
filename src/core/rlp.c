/* Recursive Length Prefix (Yellow Paper appendix B): a zero-copy decoder that
 * rejects every non-canonical form (leading zeros in lengths, long forms for short
 * payloads, 0x81 0x00..0x7f, truncation, trailing bytes) and an appending encoder. */
#include "ethc/rlp.h"

#include <string.h>

#include "ethc/error.h"

/* ---- decoding ---- */

/* Reads an ll-byte (1..8) big-endian length following the prefix byte and checks
 * it is canonical: no leading zero byte, and at least 56 (else the short form applies). */
static inline int read_long_len(const uint8_t *p, size_t ll, size_t *out) {
  if (p[0] == 0) return ETHC_ERR_RLP_NONCANONICAL;
  uint64_t v = 0;
  for (size_t i = 0; i < ll; i++) v = v << 8 | p[i];
  if (v < 56) return ETHC_ERR_RLP_NONCANONICAL;
  if (v > SIZE_MAX) return ETHC_ERR_RLP_TRUNCATED; /* cannot fit in memory anyway */
  *out = (size_t)v;
  return ETHC_OK;
}

int rlp_decode_item(const uint8_t *data, size_t len, rlp_item_t *item, size_t *consumed) {
  if (len == 0) return ETHC_ERR_RLP_TRUNCATED;
  uint8_t b = data[0];
  size_t hdr, plen;
  bool is_list;
  if (b < 0x80) {
    item->is_list = false;
    item->payload = item->raw = data;
    item->payload_len = item->raw_len = 1;
    if (consumed) *consumed = 1;
    return ETHC_OK;
  } else if (b <= 0xb7) {
    is_list = false;
    hdr = 1;
    plen = b - 0x80u;
    if (plen > len - 1) return ETHC_ERR_RLP_TRUNCATED;
    if (plen == 1 && data[1] < 0x80) return ETHC_ERR_RLP_NONCANONICAL;
  } else if (b <= 0xbf) {
    is_list = false;
    size_t ll = b - 0xb7u;
    if (ll > len - 1) return ETHC_ERR_RLP_TRUNCATED;
    int rc = read_long_len(data + 1, ll, &plen);
    if (rc) return rc;
    hdr = 1 + ll;
    if (plen > len - hdr) return ETHC_ERR_RLP_TRUNCATED;
  } else if (b <= 0xf7) {
    is_list = true;
    hdr = 1;
    plen = b - 0xc0u;
    if (plen > len - 1) return ETHC_ERR_RLP_TRUNCATED;
  } else {
    is_list = true;
    size_t ll = b - 0xf7u;
    if (ll > len - 1) return ETHC_ERR_RLP_TRUNCATED;
    int rc = read_long_len(data + 1, ll, &plen);
    if (rc) return rc;
    hdr = 1 + ll;
    if (plen > len - hdr) return ETHC_ERR_RLP_TRUNCATED;
  }
  item->is_list = is_list;
  item->payload = data + hdr;
  item->payload_len = plen;
  item->raw = data;
  item->raw_len = hdr + plen;
  if (consumed) *consumed = hdr + plen;
  return ETHC_OK;
}

int rlp_decode(const uint8_t *data, size_t len, rlp_item_t *item) {
  size_t used;
  int rc = rlp_decode_item(data, len, item, &used);
  if (rc) return rc;
  return used == len ? ETHC_OK : ETHC_ERR_RLP_TRAILING;
}

/* Validates an item and, recursively, every item nested in it. */
static int validate_deep(const rlp_item_t *it, unsigned depth) {
  if (!it->is_list) return ETHC_OK;
  if (depth > RLP_MAX_DEPTH) return ETHC_ERR_UNSUPPORTED; /* bounds the recursion */
  const uint8_t *p = it->payload, *end = p + it->payload_len;
  while (p < end) {
    rlp_item_t sub;
    size_t used;
    int rc = rlp_decode_item(p, (size_t)(end - p), &sub, &used);
    if (rc) return rc;
    if (sub.is_list && (rc = validate_deep(&sub, depth + 1))) return rc;
    p += used;
  }
  return ETHC_OK;
}

int rlp_decode_strict(const uint8_t *data, size_t len, rlp_item_t *item) {
  int rc = rlp_decode(data, len, item);
  if (rc) return rc;
  return validate_deep(item, 0);
}

int rlp_validate(const uint8_t *data, size_t len) {
  rlp_item_t it;
  return rlp_decode_strict(data, len, &it);
}

void rlp_iter_init(rlp_iter_t *it, const rlp_item_t *list) {
  it->pos = list->payload;
  it->end = list->payload + list->payload_len;
}

int rlp_iter_next(rlp_iter_t *it, rlp_item_t *item) {
  if (it->pos >= it->end) return 0;
  size_t used;
  int rc = rlp_decode_item(it->pos, (size_t)(it->end - it->pos), item, &used);
  if (rc) return -rc;
  it->pos += used;
  return 1;
}

int rlp_list_count(const rlp_item_t *list) {
  if (!list->is_list) return -ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_item_t sub;
  int n = 0, rc;
  rlp_iter_init(&it, list);
  while ((rc = rlp_iter_next(&it, &sub)) == 1) n++;
  return rc < 0 ? rc : n;
}

int rlp_list_items(const rlp_item_t *list, rlp_item_t *items, size_t n) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  for (size_t i = 0; i < n; i++) {
    int rc = rlp_iter_next(&it, &items[i]);
    if (rc < 0) return -rc;
    if (rc == 0) return ETHC_ERR_RLP_COUNT;
  }
  return it.pos == it.end ? ETHC_OK : ETHC_ERR_RLP_COUNT;
}

int rlp_get_bytes(const rlp_item_t *item, bytes_view_t *out) {
  if (item->is_list) return ETHC_ERR_RLP_TYPE;
  out->data = item->payload;
  out->len = item->payload_len;
  return ETHC_OK;
}

int rlp_get_u64(const rlp_item_t *item, uint64_t *out) {
  if (item->is_list) return ETHC_ERR_RLP_TYPE;
  size_t n = item->payload_len;
  const uint8_t *p = item->payload;
  if (n > 0 && p[0] == 0) return ETHC_ERR_RLP_NONCANONICAL;
  if (n > 8) return ETHC_ERR_OVERFLOW;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
  *out = v;
  return ETHC_OK;
}

int rlp_get_u256(const rlp_item_t *item, u256_t *out) {
  if (item->is_list) return ETHC_ERR_RLP_TYPE;
  size_t n = item->payload_len;
  const uint8_t *p = item->payload;
  if (n > 0 && p[0] == 0) return ETHC_ERR_RLP_NONCANONICAL;
  if (n > 32) return ETHC_ERR_OVERFLOW;
  u256_t v = U256_ZERO;
  for (size_t i = 0; i < n; i++) {
    size_t bit = (n - 1 - i) * 8;
    v.w[bit / 64] |= (uint64_t)p[i] << (bit % 64);
  }
  *out = v;
  return ETHC_OK;
}

int rlp_get_fixed(const rlp_item_t *item, uint8_t *out, size_t n) {
  if (item->is_list) return ETHC_ERR_RLP_TYPE;
  if (item->payload_len != n) return ETHC_ERR_RLP_SIZE;
  if (n) memcpy(out, item->payload, n);
  return ETHC_OK;
}

/* ---- encoding ---- */

static inline unsigned be_len(uint64_t v) {
  unsigned n = 0;
  while (v) {
    n++;
    v >>= 8;
  }
  return n;
}

size_t rlp_header_len(size_t payload_len) { return payload_len < 56 ? 1 : 1 + be_len(payload_len); }

size_t rlp_string_len(const uint8_t *data, size_t len) {
  if (len == 1 && data[0] < 0x80) return 1;
  return rlp_header_len(len) + len;
}

/* Writes the header of a payload of `len` bytes; base 0x80 (string) or 0xc0 (list).
 * out needs 9 bytes; returns the header size. */
static inline size_t write_header(uint8_t *out, uint8_t base, size_t len) {
  if (len < 56) {
    out[0] = (uint8_t)(base + len);
    return 1;
  }
  unsigned ll = be_len(len);
  out[0] = (uint8_t)(base + 55 + ll);
  for (unsigned i = 0; i < ll; i++) out[1 + i] = (uint8_t)(len >> (8 * (ll - 1 - i)));
  return 1 + ll;
}

int rlp_put_header(bytes_buf_t *b, bool is_list, size_t payload_len) {
  int rc = bytes_buf_reserve(b, 9);
  if (rc) return rc;
  b->len += write_header(b->data + b->len, is_list ? 0xc0 : 0x80, payload_len);
  return ETHC_OK;
}

int rlp_put_bytes(bytes_buf_t *b, const uint8_t *data, size_t len) {
  if (len > SIZE_MAX - 9) return ETHC_ERR_NOMEM;
  int rc = bytes_buf_reserve(b, len + 9);
  if (rc) return rc;
  uint8_t *out = b->data + b->len;
  if (len == 1 && data[0] < 0x80) {
    out[0] = data[0];
    b->len += 1;
    return ETHC_OK;
  }
  size_t h = write_header(out, 0x80, len);
  if (len) memcpy(out + h, data, len);
  b->len += h + len;
  return ETHC_OK;
}

int rlp_put_u64(bytes_buf_t *b, uint64_t v) {
  int rc = bytes_buf_reserve(b, 9);
  if (rc) return rc;
  uint8_t *out = b->data + b->len;
  if (v == 0) {
    out[0] = 0x80;
    b->len += 1;
  } else if (v < 0x80) {
    out[0] = (uint8_t)v;
    b->len += 1;
  } else {
    unsigned n = be_len(v);
    out[0] = (uint8_t)(0x80 + n);
    for (unsigned i = 0; i < n; i++) out[1 + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    b->len += 1 + n;
  }
  return ETHC_OK;
}

int rlp_put_u256(bytes_buf_t *b, const u256_t *v) {
  if (u256_fits_u64(v)) return rlp_put_u64(b, v->w[0]);
  uint8_t be[32];
  u256_to_be(v, be);
  unsigned skip = 0;
  while (be[skip] == 0) skip++; /* v >= 2^64 so a nonzero byte exists */
  return rlp_put_bytes(b, be + skip, 32 - skip);
}

int rlp_put_raw(bytes_buf_t *b, const uint8_t *data, size_t len) { return bytes_buf_append(b, data, len); }

/* A one-byte placeholder is written at once: short lists (the common case)
 * then need no move, long ones move the payload by the length-of-length. */
size_t rlp_list_begin(bytes_buf_t *b) {
  if (bytes_buf_push(b, 0xc0)) return SIZE_MAX;
  return b->len - 1;
}

int rlp_list_end(bytes_buf_t *b, size_t list_start) {
  if (list_start == SIZE_MAX) return ETHC_ERR_NOMEM;
  if (list_start >= b->len) return ETHC_ERR_INVALID;
  size_t plen = b->len - list_start - 1;
  if (plen < 56) {
    b->data[list_start] = (uint8_t)(0xc0 + plen);
    return ETHC_OK;
  }
  unsigned ll = be_len(plen);
  int rc = bytes_buf_reserve(b, ll);
  if (rc) return rc;
  uint8_t *p = b->data + list_start;
  memmove(p + 1 + ll, p + 1, plen);
  write_header(p, 0xc0, plen);
  b->len += ll;
  return ETHC_OK;
}
