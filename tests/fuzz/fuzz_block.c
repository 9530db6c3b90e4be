/* libFuzzer harness for the block and header codecs (src/chain/block.c, header.c):
 * any input must decode or fail cleanly; a header that decodes must re-encode to
 * exactly its input (only canonical forms are accepted), and a decoded block's
 * roots, hashes and receipts-free derived values must compute without crashing. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/header.h"

static void must(int cond) {
  if (!cond) __builtin_trap();
}

static void check_header_round_trip(const chain_header_t *h) {
  bytes_buf_t b = {0};
  must(header_encode(h, &b) == 0);
  chain_header_t again;
  must(header_decode(b.data, b.len, &again) == 0);
  bytes_buf_t c = {0};
  must(header_encode(&again, &c) == 0 && c.len == b.len && memcmp(c.data, b.data, b.len) == 0);
  ethc_hash_t x, y;
  must(header_hash(h, &x) == 0 && header_hash(&again, &y) == 0 && memcmp(x.bytes, y.bytes, 32) == 0);
  must(header_seal_hash(h, &x) == 0);
  (void)header_nonce_u64(h);
  bytes_buf_free(&c);
  bytes_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static chain_header_t h; /* 1.5 KiB: kept off the fuzzer's stack */
  if (header_decode(data, size, &h) == 0) {
    bytes_buf_t b = {0};
    must(header_encode(&h, &b) == 0);
    must(b.len == size && memcmp(b.data, data, size) == 0);
    bytes_buf_free(&b);
    check_header_round_trip(&h);
  }
  chain_block_t blk;
  if (block_decode(data, size, &blk) == 0) {
    check_header_round_trip(&blk.header);
    for (size_t i = 0; i < blk.ommer_count; i++) check_header_round_trip(&blk.ommers[i]);
    ethc_hash_t root;
    must(block_tx_root(&blk, &root) == 0);
    if (blk.has_withdrawals) must(block_withdrawals_root(&blk, &root) == 0);
    block_ommers_hash(&blk, &root);
    for (size_t i = 0; i < blk.tx_count; i++) {
      ethc_hash_t th;
      must(tx_hash(&blk.txs[i], &th) == 0);
    }
    block_free(&blk);
  }
  return 0;
}
