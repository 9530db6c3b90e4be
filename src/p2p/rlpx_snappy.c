/* Snappy for RLPx messages (EIP-706) over Debian's libsnappy C API: the
 * uncompressed length in the snappy header is checked against the limit before
 * anything is decompressed, so a small message cannot inflate past 16 MiB. */
#include <snappy-c.h>

#include "ethc/error.h"
#include "p2p/rlpx_codec.h"

int rlpx_snappy_compress(const uint8_t *data, size_t len, bytes_buf_t *out) {
  size_t n = snappy_max_compressed_length(len);
  out->len = 0;
  if (bytes_buf_reserve(out, n + 1)) return ETHC_ERR_NOMEM;
  if (snappy_compress((const char *)data, len, (char *)out->data, &n) != SNAPPY_OK) return ETHC_ERR_INVALID;
  out->len = n;
  return ETHC_OK;
}

int rlpx_snappy_decompress(const uint8_t *data, size_t len, size_t max, bytes_buf_t *out) {
  size_t n = 0;
  out->len = 0;
  if (snappy_uncompressed_length((const char *)data, len, &n) != SNAPPY_OK) return ETHC_ERR_INVALID;
  if (n > max) return ETHC_ERR_LIMIT;
  if (bytes_buf_reserve(out, n + 1)) return ETHC_ERR_NOMEM;
  if (snappy_uncompress((const char *)data, len, (char *)out->data, &n) != SNAPPY_OK) return ETHC_ERR_INVALID;
  out->len = n;
  return ETHC_OK;
}
