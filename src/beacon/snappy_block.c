/* Snappy block-format decompression (github.com/google/snappy format_description.txt)
 * through libsnappy's C API, for the consensus spec vectors' .ssz_snappy files. */
#include <snappy-c.h>
#include <stdlib.h>

#include "ethc/ssz.h"

int ssz_snappy_block_decode(const uint8_t *in, size_t len, size_t max_len, uint8_t **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  size_t n;
  if (snappy_uncompressed_length((const char *)in, len, &n) != SNAPPY_OK) return ETHC_ERR_INVALID;
  if (n > max_len) return ETHC_ERR_INVALID;
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) return ETHC_ERR_NOMEM;
  size_t got = n;
  if (snappy_uncompress((const char *)in, len, (char *)buf, &got) != SNAPPY_OK || got != n) {
    free(buf);
    return ETHC_ERR_INVALID;
  }
  *out = buf;
  *out_len = n;
  return 0;
}
