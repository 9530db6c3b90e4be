/* Unit tests of block decoding and the body roots: every block of a few official
 * BlockchainTests files must decode and reproduce its header's transactions root,
 * ommers hash and withdrawals root; malformed bodies must be rejected. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "check.h"
#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/error.h"


static int blocks_checked;

static void check_file(const char *path) {
  char *text = (char *)bytes_read_file(path, NULL);
  CHECK_MSG(text != NULL, "cannot read %s", path);
  if (!text) return;
  cJSON *root = cJSON_Parse(text);
  free(text);
  CHECK(root != NULL);
  const cJSON *test;
  cJSON_ArrayForEach(test, root) {
    const cJSON *blocks = cJSON_GetObjectItem(test, "blocks"), *blk;
    cJSON_ArrayForEach(blk, blocks) {
      if (cJSON_GetObjectItem(blk, "expectException")) continue;
      const cJSON *r = cJSON_GetObjectItem(blk, "rlp");
      uint8_t *raw;
      size_t len;
      if (!cJSON_IsString(r) || hex_decode_alloc(r->valuestring, true, &raw, &len)) continue;
      chain_block_t b;
      int err = block_decode(raw, len, &b);
      CHECK_MSG(err == 0, "%s: %s", path, ethc_strerror(err));
      if (!err) {
        ethc_hash_t h;
        CHECK(block_tx_root(&b, &h) == 0 && ethc_hash_eq(&h, &b.header.tx_root));
        block_ommers_hash(&b, &h);
        CHECK(ethc_hash_eq(&h, &b.header.ommers_hash));
        if (b.has_withdrawals)
          CHECK(block_withdrawals_root(&b, &h) == 0 && ethc_hash_eq(&h, &b.header.withdrawals_root));
        CHECK(b.has_withdrawals == b.header.has_withdrawals_root);
        blocks_checked++;
        block_free(&b);
        /* truncated and extended inputs are rejected */
        CHECK(block_decode(raw, len - 1, &b) != 0);
      }
      free(raw);
    }
  }
  cJSON_Delete(root);
}

static void test_receipt_bloom(void) {
  state_log_t log = {0};
  log.address.bytes[19] = 1;
  log.topics_count = 1;
  chain_receipt_t r = {0};
  r.type = TX_DYNAMIC_FEE;
  r.status = true;
  r.cumulative_gas_used = 21000;
  r.logs = &log;
  r.log_count = 1;
  receipt_compute_bloom(&r);
  int bits = 0;
  for (int i = 0; i < 256; i++) bits += __builtin_popcount(r.bloom[i]);
  CHECK(bits >= 1 && bits <= 6);
  bytes_buf_t b = {0};
  CHECK(receipt_encode(&r, &b) == 0 && b.len > 256 && b.data[0] == 2);
  bytes_buf_free(&b);
  ethc_hash_t root;
  CHECK(receipts_root(&r, 1, &root) == 0);
  CHECK(receipts_root(NULL, 0, &root) == 0 && ethc_hash_eq(&root, &HEADER_EMPTY_TRIE_ROOT));
}

int main(void) {
  const char *t = getenv("ETHC_TESTS");
  if (!t || !*t) t = "../shared/ethereum-tests";
  int wanted = 0;
  const char *files[] = {
      "BlockchainTests/ValidBlocks/bcEIP4844-blobtransactions/blockWithAllTransactionTypes.json",
      "BlockchainTests/ValidBlocks/bcEIP1559/transType.json",
      "BlockchainTests/ValidBlocks/bcExample/mergeExample.json",
  };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", t, files[i]);
    if (!check_need(path, "ethereum/tests blockchain tests")) continue;
    wanted++;
    check_file(path);
  }
  CHECK(wanted == 0 || blocks_checked > 0);
  printf("blocks checked: %d\n", blocks_checked);
  chain_block_t b;
  CHECK(block_decode((const uint8_t *)"\xc0", 1, &b) == ETHC_ERR_RLP_COUNT);
  CHECK(block_decode((const uint8_t *)"\xc3\xc0\xc0\xc0", 4, &b) != 0);
  test_receipt_bloom();
  return check_summary();
}
