/* libFuzzer harness for the execution-RPC source's JSON decoders
 * (src/node/light_json_block.c): any bytes, parsed as JSON, as an
 * eth_getBlockByHash(full) block object and as an eth_getBlockReceipts array,
 * must re-encode or fail with a message, never crash or read out of bounds;
 * what they encode must be one RLP item that decodes as a list. Seed it with
 * answers of a dev node (tests/system/light_remote.py's chain):
 *   fuzz_light_json CORPUS SEEDS */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ethc/bytes.h"
#include "ethc/rlp.h"
#include "fuzz_input.h"
#include "node/light_json_block.h"

static void check_out(int rc, const bytes_buf_t *out, const char *err) {
  if (rc) {
    must(err[0] != 0);
    return;
  }
  rlp_item_t item;
  must(rlp_decode(out->data, out->len, &item) == 0 && item.is_list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cJSON *doc = cJSON_ParseWithLength((const char *)data, size);
  if (!doc) return 0;
  char err[200] = "";
  bytes_buf_t out = {0};
  /* a block object, or the first element of an array as one */
  const cJSON *block = cJSON_IsArray(doc) ? cJSON_GetArrayItem(doc, 0) : doc;
  if (block) {
    int rc = light_json_body(block, &out, err, sizeof err);
    check_out(rc, &out, err);
  }
  out.len = 0;
  err[0] = 0;
  /* receipts: the array, or an object's "receipts" */
  const cJSON *rs = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "receipts");
  if (rs) {
    int rc = light_json_receipts(rs, &out, err, sizeof err);
    check_out(rc, &out, err);
  }
  bytes_buf_free(&out);
  cJSON_Delete(doc);
  return 0;
}
