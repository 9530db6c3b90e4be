/* libFuzzer harness for eth_receipt_from69 (src/p2p/eth_msg.c; devp2p
 * caps/eth.md, EIP-7642): an eth/69 receipt [type, status, gas, logs] back to
 * its consensus form with the bloom rebuilt, as the devp2p source
 * (p2p_remote.h) does with a peer's Receipts. It must return 0 or an error
 * without crashing or leaking, and what it accepts must convert back with
 * eth_receipt_to69 to the same bytes. */
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/eth_wire.h"
#include "ethc/rlp.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bytes_buf_t out = {0}, back = {0};
  if (eth_receipt_from69(bytes_view(data, size), &out) == 0) {
    rlp_item_t it; /* one item: the list (legacy) or the string of type || rlp (typed) */
    must(rlp_decode_strict(out.data, out.len, &it) == 0);
    must(eth_receipt_to69(bytes_view(out.data, out.len), &back) == 0);
    must(back.len == size && memcmp(back.data, data, size) == 0);
  }
  bytes_buf_free(&out);
  bytes_buf_free(&back);
  return 0;
}
