/* libFuzzer harness for light_header_from_json (src/node/light_header.c), the
 * decoder of an untrusted execution RPC's eth_getBlockByHash block object.
 * Input: JSON text. Decoding must never crash; a decoded header must encode,
 * decode back to the same fields and hash, and light_header_check against a
 * zero light-client header must refuse it without crashing. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ethc/bytes.h"
#include "ethc/light_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 16)) return 0;
  cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
  if (!doc) return 0;
  chain_header_t h, back;
  const char *why = NULL;
  if (light_header_from_json(doc, &h, &why)) {
    bytes_buf_t b = {0};
    if (header_encode(&h, &b) != 0) abort();
    if (header_decode(b.data, b.len, &back) != 0) abort();
    ethc_hash_t x, y;
    if (header_hash(&h, &x) || header_hash(&back, &y) || !ethc_hash_eq(&x, &y)) abort();
    if (back.number != h.number || back.extra_len != h.extra_len) abort();
    bytes_buf_free(&b);
    static beacon_lc_header_t lc; /* zero: Phase0, refused before any comparison */
    lc.fork = BEACON_FORK_DENEB;
    lc.execution.block_number = h.number;
    if (light_header_check(&lc, &h, &why) && !ethc_hash_eq(&x, &lc.execution.block_hash)) abort();
  } else if (!why) {
    abort();
  }
  cJSON_Delete(doc);
  return 0;
}
