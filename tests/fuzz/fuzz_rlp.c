/* libFuzzer harness for the RLP decoder (Yellow Paper appendix B): any input must
 * be decoded or rejected without a crash, and every input the strict decoder
 * accepts is canonical, so re-encoding what it decoded must give the input back. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/rlp.h"

static int reencode(const rlp_item_t *it, bytes_buf_t *out, int depth) {
  if (!it->is_list) {
    /* typed accessors must not crash, and agree with the canonical-integer rules */
    uint64_t v;
    u256_t u;
    int a = rlp_get_u64(it, &v), b = rlp_get_u256(it, &u);
    if (a == 0 && (b != 0 || !u256_fits_u64(&u) || u.w[0] != v)) abort();
    if (a == 0) {
      bytes_buf_t t = {0};
      rlp_put_u64(&t, v);
      if (t.len != it->raw_len || memcmp(t.data, it->raw, t.len) != 0) abort();
      bytes_buf_free(&t);
    }
    return rlp_put_bytes(out, it->payload, it->payload_len);
  }
  if (depth > RLP_MAX_DEPTH) abort(); /* strict decoding bounds the depth */
  size_t start = rlp_list_begin(out);
  rlp_iter_t iter;
  rlp_item_t sub;
  int rc, n = 0;
  rlp_iter_init(&iter, it);
  while ((rc = rlp_iter_next(&iter, &sub)) == 1) {
    n++;
    if ((rc = reencode(&sub, out, depth + 1))) return rc;
  }
  if (rc < 0) abort(); /* strict decoding already validated every nested item */
  if (rlp_list_count(it) != n) abort();
  return rlp_list_end(out, start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rlp_item_t item;
  /* the prefix decoder must stay inside the input */
  size_t used;
  if (rlp_decode_item(data, size, &item, &used) == 0) {
    if (used > size || item.raw != data || item.raw_len != used || item.payload + item.payload_len != data + used)
      abort();
  }
  int rc = rlp_decode_strict(data, size, &item);
  if (rc != 0) {
    if (rlp_validate(data, size) == 0) abort();
    return 0;
  }
  bytes_buf_t out = {0};
  if (reencode(&item, &out, 0) != 0) abort();
  if (out.len != size || memcmp(out.data, data, size) != 0) abort();
  bytes_buf_free(&out);
  return 0;
}
