/* libFuzzer harness for every eth wire decoder (src/p2p/eth_msg.c; devp2p
 * caps/eth.md, EIP-7642, EIP-7975). The first input byte picks the decoder,
 * the rest is the message payload. A decoder must return 0 or an error code
 * without crashing or leaking; what decodes must re-encode to the same bytes
 * (the codecs accept only canonical RLP), and the eth/69 receipt conversion
 * must accept every receipt an eth/68 Receipts message held. Also the ENR
 * "eth" entry (enr_eth_forkid) and the transaction exchange's reading of
 * Transactions items (canonical form, type byte). */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/p2p_enr.h"
#include "fuzz_input.h"

static void same(const bytes_buf_t *b, const uint8_t *p, size_t n) { must(b->len == n && memcmp(b->data, p, n) == 0); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t which = data[0];
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  bytes_buf_t b = {0};
  switch (which % 14) {
    case 0: {
      eth_status_t s;
      if (eth_status_decode(p, n, &s) == 0) {
        must(eth_status_encode(&s, &b) == 0);
        same(&b, p, n);
      }
      break;
    }
    case 1: {
      eth_block_range_t r;
      if (eth_block_range_decode(p, n, &r) == 0) {
        must(eth_block_range_encode(&r, &b) == 0);
        same(&b, p, n);
      }
      break;
    }
    case 2: {
      eth_new_block_hashes_t m;
      if (eth_new_block_hashes_decode(p, n, &m) == 0) {
        must(eth_new_block_hashes_encode(m.items, m.count, &b) == 0);
        same(&b, p, n);
      }
      eth_new_block_hashes_free(&m);
      break;
    }
    case 3:
    case 4: {
      eth_hash_request_t m;
      int rc = which % 14 == 3 ? eth_hash_request_decode(p, n, &m) : eth_get_receipts70_decode(p, n, &m);
      if (rc == 0) {
        must((which % 14 == 3
                  ? eth_hash_request_encode(m.request_id, m.hashes, m.count, &b)
                  : eth_get_receipts70_encode(m.request_id, m.first_receipt_index, m.hashes, m.count, &b)) == 0);
        same(&b, p, n);
      }
      eth_hash_request_free(&m);
      break;
    }
    case 5: {
      eth_get_headers_t r;
      if (eth_get_headers_decode(p, n, &r) == 0) {
        must(eth_get_headers_encode(&r, &b) == 0);
        /* a 32-byte number origin would read as a hash: only a number can differ */
        same(&b, p, n);
      }
      break;
    }
    case 6: {
      eth_items_msg_t m;
      eth_items_kind_t kind = (eth_items_kind_t)((which / 14) % 5);
      if (eth_items_decode(p, n, kind, &m) == 0) {
        must(eth_items_encode(m.request_id, m.items, m.count, &b) == 0);
        same(&b, p, n);
        if (kind == ETH_ITEMS_RECEIPTS68)
          for (size_t i = 0; i < m.count; i++) {
            rlp_item_t list, e;
            rlp_iter_t it;
            must(rlp_decode(m.items[i].data, m.items[i].len, &list) == 0);
            rlp_iter_init(&it, &list);
            while (rlp_iter_next(&it, &e) == 1) {
              bytes_buf_t r = {0};
              must(eth_receipt_to69(bytes_view(e.raw, e.raw_len), &r) == 0);
              bytes_buf_free(&r);
            }
          }
        if (kind == ETH_ITEMS_TXS)
          for (size_t i = 0; i < m.count; i++) must(eth_tx_item_canonical(m.items[i]).len > 0);
      }
      eth_items_free(&m);
      break;
    }
    case 7: {
      eth_items_msg_t m;
      if (eth_receipts70_decode(p, n, &m) == 0) {
        must(eth_receipts70_encode(m.request_id, m.last_block_incomplete, m.items, m.count, &b) == 0);
        same(&b, p, n);
      }
      eth_items_free(&m);
      break;
    }
    case 8: {
      eth_items_msg_t m;
      if (eth_transactions_decode(p, n, &m) == 0) {
        must(eth_transactions_encode(m.items, m.count, &b) == 0);
        same(&b, p, n);
      }
      eth_items_free(&m);
      break;
    }
    case 9: {
      eth_new_block_t m;
      if (eth_new_block_decode(p, n, &m) == 0) {
        must(eth_new_block_encode(m.block.data, m.block.len, &m.td, &b) == 0);
        same(&b, p, n);
      }
      break;
    }
    case 10: {
      eth_pooled_hashes_t m;
      if (eth_pooled_hashes_decode(p, n, &m) == 0) {
        must(eth_pooled_hashes_encode(m.types, m.sizes, m.hashes, m.count, &b) == 0);
        same(&b, p, n);
      }
      eth_pooled_hashes_free(&m);
      break;
    }
    case 11: {
      bytes_buf_t r = {0};
      int rc = eth_receipt_to69(bytes_view(p, n), &r);
      must(rc == 0 || rc != ETHC_OK);
      bytes_buf_free(&r);
      break;
    }
    case 12: { /* the ENR "eth" entry's value: [[fork-hash, fork-next], ...] */
      enr_t e;
      memset(&e, 0, sizeof e);
      e.raw_len = e.eth_len = n < sizeof e.raw ? n : sizeof e.raw;
      memcpy(e.raw, p, e.raw_len);
      forkid_t id;
      if (enr_eth_forkid(&e, &id) == 0) { /* ours re-encodes to a value that decodes the same */
        must(enr_eth_entry_encode(&id, &b) == 0 && b.len <= sizeof e.raw);
        enr_t back;
        memset(&back, 0, sizeof back);
        memcpy(back.raw, b.data, b.len);
        back.raw_len = back.eth_len = b.len;
        forkid_t id2;
        must(enr_eth_forkid(&back, &id2) == 0 && id2.hash == id.hash && id2.next == id.next);
      }
      break;
    }
    case 13: { /* a Transactions message as the exchange reads it: each item's canonical form and type */
      eth_items_msg_t m;
      if (eth_transactions_decode(p, n, &m) == 0)
        for (size_t i = 0; i < m.count; i++) {
          bytes_view_t c = eth_tx_item_canonical(m.items[i]);
          must(c.len > 0 && c.len <= m.items[i].len);
          must(c.data[0] < 0x80 || c.data[0] >= 0xc0); /* a type byte, or a legacy list */
        }
      eth_items_free(&m);
      break;
    }
  }
  bytes_buf_free(&b);
  return 0;
}
