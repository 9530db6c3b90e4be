/* Shared codec pieces of the devp2p request/response messages (devp2p
 * caps/eth.md, caps/snap.md). Contracts: src/p2p/p2p_reqid.h. */
#include "p2p/p2p_reqid.h"

#include <stdlib.h>

#include "ethc/error.h"

int p2p_top_items(const uint8_t *p, size_t len, rlp_item_t *items, size_t n) {
  rlp_item_t top;
  int rc = rlp_decode_strict(p, len, &top);
  return rc ? rc : rlp_list_items(&top, items, n);
}

int p2p_list_count(const rlp_item_t *list, size_t max, size_t *count) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  int k = rlp_list_count(list);
  if (k < 0) return -k;
  if ((size_t)k > max) return ETHC_ERR_LIMIT;
  *count = (size_t)k;
  return 0;
}

int p2p_hashes_decode(const rlp_item_t *list, size_t max, ethc_hash_t **out, size_t *count) {
  size_t k;
  int rc = p2p_list_count(list, max, &k);
  if (rc) return rc;
  ethc_hash_t *h = calloc(k ? k : 1, sizeof *h);
  if (!h) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  rlp_item_t e;
  for (size_t i = 0; i < k && !rc; i++) {
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
    else rc = rlp_get_fixed(&e, h[i].bytes, 32);
  }
  if (rc) {
    free(h);
    return rc;
  }
  *out = h;
  *count = k;
  return 0;
}

int p2p_hashes_encode(const ethc_hash_t *hashes, size_t count, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  for (size_t i = 0; i < count; i++) {
    int rc = rlp_put_bytes(out, hashes[i].bytes, 32);
    if (rc) return rc;
  }
  return rlp_list_end(out, l);
}

int p2p_list_encode(const bytes_view_t *items, size_t count, bool as_strings, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  for (size_t i = 0; i < count; i++) {
    int rc =
        as_strings ? rlp_put_bytes(out, items[i].data, items[i].len) : rlp_put_raw(out, items[i].data, items[i].len);
    if (rc) return rc;
  }
  return rlp_list_end(out, l);
}

int p2p_reqid_hashes_encode(uint64_t request_id, const ethc_hash_t *hashes, size_t count, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, request_id);
  if (!rc) rc = p2p_hashes_encode(hashes, count, out);
  return rc ? rc : rlp_list_end(out, l);
}

int p2p_reqid_list_encode(uint64_t request_id, const bytes_view_t *items, size_t count, bool as_strings,
                          bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, request_id);
  if (!rc) rc = p2p_list_encode(items, count, as_strings, out);
  return rc ? rc : rlp_list_end(out, l);
}

int p2p_reqid_list_decode(const uint8_t *p, size_t n, uint64_t *request_id, rlp_item_t *list) {
  rlp_item_t f[2];
  int rc = p2p_top_items(p, n, f, 2);
  if (!rc) rc = rlp_get_u64(&f[0], request_id);
  if (!rc) *list = f[1];
  return rc;
}

int p2p_reqid_hashes_decode(const uint8_t *p, size_t n, size_t max, uint64_t *request_id, ethc_hash_t **hashes,
                            size_t *count) {
  rlp_item_t list;
  int rc = p2p_reqid_list_decode(p, n, request_id, &list);
  return rc ? rc : p2p_hashes_decode(&list, max, hashes, count);
}
