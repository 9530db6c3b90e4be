/* Unit tests of the eth wire codecs (src/p2p/eth_msg.c): golden encodings
 * of eth/66+ messages from go-ethereum's protocol tests (request id 1111),
 * round trips of every message of eth/68, eth/69 and eth/70, and strict
 * decoding: truncated, mistyped, oversized and trailing input is refused
 * with an error code. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/rlp.h"

static uint8_t *unhex(const char *hex, size_t *n) {
  uint8_t *out = NULL;
  if (hex_decode_alloc(hex, false, &out, n)) return NULL;
  return out;
}

static bool same_hex(const bytes_buf_t *b, const char *hex) {
  size_t n;
  uint8_t *want = unhex(hex, &n);
  bool ok = want && n == b->len && memcmp(want, b->data, n) == 0;
  free(want);
  return ok;
}

#define TX1                                                                                                      \
  "f867088504a817c8088302e2489435353535353535353535353535353535353535358202008025a064b1702d9298fee62dfeccc57d32" \
  "2a463ad55ca201256d01f62b45b2e1c21c12a064b1702d9298fee62dfeccc57d322a463ad55ca201256d01f62b45b2e1c21c10"
#define TX2                                                                                                      \
  "f867098504a817c809830334509435353535353535353535353535353535353535358202d98025a052f8f61201b2b11a78d6e866abc9" \
  "c3db2ae8631fa656bfe5cb53668255367afba052f8f61201b2b11a78d6e866abc9c3db2ae8631fa656bfe5cb53668255367afb"
#define ZERO32 "0000000000000000000000000000000000000000000000000000000000000000"
#define BLOOM0 ZERO32 ZERO32 ZERO32 ZERO32 ZERO32 ZERO32 ZERO32 ZERO32 /* 256 zero bytes */
#define HEADER                                                                                                \
  "f901f9a0" ZERO32 "a0" ZERO32 "940000000000000000000000000000000000000000a0" ZERO32 "a0" ZERO32 "a0" ZERO32 \
  "b90100" BLOOM0 "8208ae820d0582115c8215b3821a0a827788a0" ZERO32 "880000000000000000"
#define HASH_DEADC0DE "00000000000000000000000000000000000000000000000000000000deadc0de"
#define HASH_FEEDBEEF "00000000000000000000000000000000000000000000000000000000feedbeef"
#define RECEIPT                                                                                                 \
  "f901668001b90100" BLOOM0                                                                                     \
  "f85ff85d940000000000000000000000000000000000000011f842a0000000000000000000000000000000000000000000000000000" \
  "000000000deada0000000000000000000000000000000000000000000000000000000000000beef830100ff"

static void test_golden(void) {
  bytes_buf_t b = {0};
  ethc_hash_t hashes[2];
  CHECK(hex_decode_fixed(HASH_DEADC0DE, false, hashes[0].bytes, 32) == 0);
  CHECK(hex_decode_fixed(HASH_FEEDBEEF, false, hashes[1].bytes, 32) == 0);

  /* empty messages all encode as [1111, []] */
  CHECK(eth_hash_request_encode(1111, NULL, 0, &b) == 0 && same_hex(&b, "c4820457c0"));
  b.len = 0;
  CHECK(eth_items_encode(1111, NULL, 0, &b) == 0 && same_hex(&b, "c4820457c0"));

  /* GetBlockHeaders by hash and by number */
  eth_get_headers_t q = {.request_id = 1111, .by_hash = true, .hash = hashes[0], .amount = 5, .skip = 5}, back;
  b.len = 0;
  CHECK(eth_get_headers_encode(&q, &b) == 0 && same_hex(&b, "e8820457e4a0" HASH_DEADC0DE "050580"));
  CHECK(eth_get_headers_decode(b.data, b.len, &back) == 0 && back.by_hash && ethc_hash_eq(&back.hash, &hashes[0]) &&
        back.amount == 5 && back.skip == 5 && !back.reverse && back.request_id == 1111);
  q = (eth_get_headers_t){.request_id = 1111, .number = 9999, .amount = 5, .skip = 5};
  b.len = 0;
  CHECK(eth_get_headers_encode(&q, &b) == 0 && same_hex(&b, "ca820457c682270f050580"));
  CHECK(eth_get_headers_decode(b.data, b.len, &back) == 0 && !back.by_hash && back.number == 9999);

  /* hash lists: GetBlockBodies, GetReceipts, GetPooledTransactions */
  const char *hash_req = "f847820457f842a0" HASH_DEADC0DE "a0" HASH_FEEDBEEF;
  b.len = 0;
  CHECK(eth_hash_request_encode(1111, hashes, 2, &b) == 0 && same_hex(&b, hash_req));
  eth_hash_request_t hr;
  CHECK(eth_hash_request_decode(b.data, b.len, &hr) == 0 && hr.count == 2 && hr.request_id == 1111 &&
        ethc_hash_eq(&hr.hashes[1], &hashes[1]));
  eth_hash_request_free(&hr);

  /* BlockHeaders with one pre-London header */
  size_t n;
  uint8_t *msg = unhex("f90202820457f901fc" HEADER, &n);
  eth_items_msg_t m;
  CHECK(msg && eth_items_decode(msg, n, ETH_ITEMS_HEADERS, &m) == 0 && m.count == 1 && m.request_id == 1111);
  b.len = 0;
  CHECK(eth_items_encode(m.request_id, m.items, m.count, &b) == 0 && b.len == n && memcmp(b.data, msg, n) == 0);
  eth_items_free(&m);
  free(msg);

  /* BlockBodies: two legacy transactions and one ommer */
  msg = unhex("f902dc820457f902d6f902d3f8d2" TX1 TX2 "f901fc" HEADER, &n);
  CHECK(msg && eth_items_decode(msg, n, ETH_ITEMS_BODIES, &m) == 0 && m.count == 1);
  b.len = 0;
  CHECK(eth_items_encode(m.request_id, m.items, m.count, &b) == 0 && b.len == n && memcmp(b.data, msg, n) == 0);
  eth_items_free(&m);
  free(msg);

  /* Receipts (eth/68, with bloom), and the same receipt in eth/69 form */
  msg = unhex("f90172820457f9016cf90169" RECEIPT, &n);
  CHECK(msg && eth_items_decode(msg, n, ETH_ITEMS_RECEIPTS68, &m) == 0 && m.count == 1);
  eth_items_free(&m);
  CHECK(eth_items_decode(msg, n, ETH_ITEMS_RECEIPTS69, &m) != 0); /* a bloom is not eth/69 */
  eth_items_free(&m);
  free(msg);
  msg = unhex(RECEIPT, &n);
  b.len = 0;
  CHECK(eth_receipt_to69(bytes_view(msg, n), &b) == 0);
  /* [type 0, status 0, cumulative gas 1, logs] */
  CHECK(same_hex(&b,
                 "f864808001"
                 "f85ff85d940000000000000000000000000000000000000011f842a000000000000000000000000000000000000000000000"
                 "0000000000000000deada0000000000000000000000000000000000000000000000000000000000000beef830100ff"));
  {
    rlp_item_t top, f[4];
    uint64_t type = 9, gas = 0;
    CHECK(rlp_decode_strict(b.data, b.len, &top) == 0 && rlp_list_items(&top, f, 4) == 0);
    CHECK(rlp_get_u64(&f[0], &type) == 0 && type == 0 && f[1].payload_len == 0);
    CHECK(rlp_get_u64(&f[2], &gas) == 0 && gas == 1 && f[3].is_list);
  }
  /* a typed receipt keeps its type */
  bytes_buf_t typed = {0};
  CHECK(rlp_put_bytes(&typed, (const uint8_t *)"\x02", 1) == 0);
  typed.len = 0;
  uint8_t *inner = malloc(n + 1);
  inner[0] = 2;
  memcpy(inner + 1, msg, n);
  CHECK(rlp_put_bytes(&typed, inner, n + 1) == 0);
  b.len = 0;
  CHECK(eth_receipt_to69(bytes_view(typed.data, typed.len), &b) == 0);
  {
    rlp_item_t top, f[4];
    uint64_t type = 0;
    CHECK(rlp_decode_strict(b.data, b.len, &top) == 0 && rlp_list_items(&top, f, 4) == 0 &&
          rlp_get_u64(&f[0], &type) == 0 && type == 2);
  }
  free(inner);
  bytes_buf_free(&typed);
  free(msg);

  /* PooledTransactions and Transactions */
  msg = unhex("f8d7820457f8d2" TX1 TX2, &n);
  CHECK(msg && eth_items_decode(msg, n, ETH_ITEMS_TXS, &m) == 0 && m.count == 2);
  b.len = 0;
  CHECK(eth_transactions_encode(m.items, m.count, &b) == 0 && same_hex(&b, "f8d2" TX1 TX2));
  eth_items_free(&m);
  CHECK(eth_transactions_decode(b.data, b.len, &m) == 0 && m.count == 2);
  bytes_view_t canon = eth_tx_item_canonical(m.items[0]);
  CHECK(canon.data == m.items[0].data && canon.len == m.items[0].len);
  eth_items_free(&m);
  free(msg);
  bytes_buf_free(&b);
}

static void test_status(void) {
  bytes_buf_t b = {0};
  eth_status_t s = {.version = 68, .network_id = 1, .fork_id = {0xfc64ec04, 1150000}}, back;
  s.td = u256_from_u64(17179869184ULL);
  memset(s.head.bytes, 0xaa, 32);
  memset(s.genesis.bytes, 0xbb, 32);
  CHECK(eth_status_encode(&s, &b) == 0);
  CHECK(eth_status_decode(b.data, b.len, &back) == 0);
  CHECK(back.version == 68 && back.network_id == 1 && u256_eq(&back.td, &s.td) && ethc_hash_eq(&back.head, &s.head) &&
        ethc_hash_eq(&back.genesis, &s.genesis) && back.fork_id.hash == 0xfc64ec04 && back.fork_id.next == 1150000);
  /* eth/69: no TD, a block range */
  s.version = 69;
  s.earliest = 0;
  s.latest = 600;
  b.len = 0;
  CHECK(eth_status_encode(&s, &b) == 0);
  CHECK(eth_status_decode(b.data, b.len, &back) == 0);
  CHECK(back.version == 69 && back.latest == 600 && back.earliest == 0 && u256_is_zero(&back.td) &&
        ethc_hash_eq(&back.head, &s.head));
  {
    rlp_item_t top;
    CHECK(rlp_decode(b.data, b.len, &top) == 0 && rlp_list_count(&top) == 7);
  }
  /* a 69 status claiming version 68 has the wrong field count */
  b.data[b.data[0] >= 0xf8 ? 1 + (b.data[0] - 0xf7) : 1] = 68;
  CHECK(eth_status_decode(b.data, b.len, &back) != 0);
  /* truncated at every length */
  b.len = 0;
  CHECK(eth_status_encode(&s, &b) == 0);
  for (size_t k = 0; k < b.len; k++) CHECK(eth_status_decode(b.data, k, &back) != 0);
  bytes_buf_free(&b);

  eth_block_range_t r = {5, 600, s.head}, rb;
  b = (bytes_buf_t){0};
  CHECK(eth_block_range_encode(&r, &b) == 0 && eth_block_range_decode(b.data, b.len, &rb) == 0);
  CHECK(rb.earliest == 5 && rb.latest == 600 && ethc_hash_eq(&rb.latest_hash, &s.head));
  bytes_buf_free(&b);
}

static void test_other_messages(void) {
  bytes_buf_t b = {0};
  eth_hash_number_t hn[2] = {{.number = 7}, {.number = 8}};
  memset(hn[0].hash.bytes, 1, 32);
  memset(hn[1].hash.bytes, 2, 32);
  eth_new_block_hashes_t nb;
  CHECK(eth_new_block_hashes_encode(hn, 2, &b) == 0 && eth_new_block_hashes_decode(b.data, b.len, &nb) == 0);
  CHECK(nb.count == 2 && nb.items[1].number == 8 && nb.items[1].hash.bytes[0] == 2);
  eth_new_block_hashes_free(&nb);

  /* NewPooledTransactionHashes (eth/68) */
  uint8_t types[2] = {0, 2};
  uint32_t sizes[2] = {100, 70000};
  ethc_hash_t hs[2];
  memset(hs, 3, sizeof hs);
  eth_pooled_hashes_t ph;
  b.len = 0;
  CHECK(eth_pooled_hashes_encode(types, sizes, hs, 2, &b) == 0 && eth_pooled_hashes_decode(b.data, b.len, &ph) == 0);
  CHECK(ph.count == 2 && ph.types[1] == 2 && ph.sizes[1] == 70000 && ph.hashes[0].bytes[5] == 3);
  eth_pooled_hashes_free(&ph);
  /* unequal counts */
  b.len = 0;
  CHECK(eth_pooled_hashes_encode(types, sizes, hs, 2, &b) == 0);
  {
    bytes_buf_t bad = {0};
    size_t l = rlp_list_begin(&bad);
    CHECK(rlp_put_bytes(&bad, types, 1) == 0);
    size_t s = rlp_list_begin(&bad);
    CHECK(rlp_put_u64(&bad, 1) == 0 && rlp_put_u64(&bad, 2) == 0 && rlp_list_end(&bad, s) == 0);
    size_t h = rlp_list_begin(&bad);
    CHECK(rlp_put_bytes(&bad, hs[0].bytes, 32) == 0 && rlp_put_bytes(&bad, hs[1].bytes, 32) == 0);
    CHECK(rlp_list_end(&bad, h) == 0 && rlp_list_end(&bad, l) == 0);
    CHECK(eth_pooled_hashes_decode(bad.data, bad.len, &ph) == ETHC_ERR_INVALID);
    eth_pooled_hashes_free(&ph);
    bytes_buf_free(&bad);
  }

  /* eth/70 GetReceipts and Receipts */
  eth_hash_request_t hr;
  b.len = 0;
  CHECK(eth_get_receipts70_encode(9, 3, hs, 2, &b) == 0 && eth_get_receipts70_decode(b.data, b.len, &hr) == 0);
  CHECK(hr.request_id == 9 && hr.first_receipt_index == 3 && hr.count == 2);
  eth_hash_request_free(&hr);
  CHECK(eth_hash_request_decode(b.data, b.len, &hr) == ETHC_ERR_RLP_COUNT);
  eth_hash_request_free(&hr);
  bytes_buf_t r69 = {0};
  size_t bl = rlp_list_begin(&r69);
  size_t rl = rlp_list_begin(&r69);
  CHECK(rlp_put_u64(&r69, 2) == 0 && rlp_put_u64(&r69, 1) == 0 && rlp_put_u64(&r69, 21000) == 0);
  CHECK(rlp_put_raw(&r69, (const uint8_t *)"\xc0", 1) == 0 && rlp_list_end(&r69, rl) == 0 &&
        rlp_list_end(&r69, bl) == 0);
  bytes_view_t item = bytes_view(r69.data, r69.len);
  eth_items_msg_t m;
  b.len = 0;
  CHECK(eth_receipts70_encode(4, true, &item, 1, &b) == 0 && eth_receipts70_decode(b.data, b.len, &m) == 0);
  CHECK(m.request_id == 4 && m.last_block_incomplete && m.count == 1);
  eth_items_free(&m);
  b.len = 0;
  CHECK(eth_items_encode(4, &item, 1, &b) == 0 && eth_items_decode(b.data, b.len, ETH_ITEMS_RECEIPTS69, &m) == 0);
  eth_items_free(&m);
  CHECK(eth_items_decode(b.data, b.len, ETH_ITEMS_RECEIPTS68, &m) != 0);
  eth_items_free(&m);
  bytes_buf_free(&r69);

  /* NewBlock: a block of the golden header, two txs, no ommers */
  size_t n;
  uint8_t *blk = unhex("f902d1" HEADER "f8d2" TX1 TX2 "c0", &n);
  u256_t td;
  td = u256_from_u64(123456);
  eth_new_block_t nbk;
  b.len = 0;
  CHECK(blk && eth_new_block_encode(blk, n, &td, &b) == 0);
  int rc = eth_new_block_decode(b.data, b.len, &nbk);
  CHECK_MSG(rc == 0, "rc %d", rc);
  CHECK(nbk.block.len == n && u256_eq(&nbk.td, &td));
  free(blk);
  bytes_buf_free(&b);
}

/* Malformed input: every decoder refuses it with an error code. */
static void test_malformed(void) {
  static const char *bad[] = {
      "",                          /* empty */
      "c0",                        /* empty list */
      "80",                        /* a string */
      "c4820457",                  /* truncated */
      "c4820457c000",              /* trailing byte (header says 4, payload 5) */
      "c5820457c000",              /* trailing byte inside */
      "c5c1c0820457",              /* list as request id */
      "c5820457c180",              /* a string in the hash list that is not 32 bytes */
      "c6820457c28105",            /* non-canonical: a single byte < 0x80 written as 0x81 0x05 */
      "c58100c2c0c0",              /* non-canonical integer 0x00 */
      "c9890100000000000000000c0", /* request id over 64 bits */
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    size_t n = 0;
    uint8_t *p = unhex(bad[i], &n);
    if (!p && bad[i][0]) continue;
    eth_hash_request_t hr;
    eth_items_msg_t m;
    eth_get_headers_t gh;
    eth_status_t st;
    eth_block_range_t br;
    eth_pooled_hashes_t ph;
    eth_new_block_t nb;
    eth_new_block_hashes_t nbh;
    int ok = 0;
    ok += eth_hash_request_decode(p, n, &hr) == 0;
    eth_hash_request_free(&hr);
    ok += eth_get_headers_decode(p, n, &gh) == 0;
    ok += eth_status_decode(p, n, &st) == 0;
    ok += eth_block_range_decode(p, n, &br) == 0;
    ok += eth_pooled_hashes_decode(p, n, &ph) == 0;
    eth_pooled_hashes_free(&ph);
    ok += eth_new_block_decode(p, n, &nb) == 0;
    for (int k = 0; k <= ETH_ITEMS_RECEIPTS69; k++) {
      ok += eth_items_decode(p, n, (eth_items_kind_t)k, &m) == 0 && m.count > 0;
      eth_items_free(&m);
    }
    ok += eth_new_block_hashes_decode(p, n, &nbh) == 0 && nbh.count > 0;
    eth_new_block_hashes_free(&nbh);
    CHECK_MSG(ok == 0, "input %zu (%s) decoded by %d decoders", i, bad[i], ok);
    free(p);
  }
  /* oversized: a hash list one over the limit */
  bytes_buf_t b = {0};
  ethc_hash_t *many = calloc(ETH_MAX_LIST_ITEMS + 1, sizeof *many);
  CHECK(eth_hash_request_encode(1, many, ETH_MAX_LIST_ITEMS + 1, &b) == 0);
  eth_hash_request_t hr;
  CHECK(eth_hash_request_decode(b.data, b.len, &hr) == ETHC_ERR_LIMIT);
  eth_hash_request_free(&hr);
  b.len = 0;
  CHECK(eth_hash_request_encode(1, many, ETH_MAX_LIST_ITEMS, &b) == 0);
  CHECK(eth_hash_request_decode(b.data, b.len, &hr) == 0 && hr.count == ETH_MAX_LIST_ITEMS);
  eth_hash_request_free(&hr);
  free(many);
  /* GetBlockHeaders: reverse must be 0 or 1 */
  eth_get_headers_t q = {.request_id = 1, .number = 1, .amount = 1}, back;
  b.len = 0;
  CHECK(eth_get_headers_encode(&q, &b) == 0);
  b.data[b.len - 1] = 0x02;
  CHECK(eth_get_headers_decode(b.data, b.len, &back) == ETHC_ERR_INVALID);
  /* a typed transaction with type byte >= 0x80 */
  bytes_buf_t t = {0};
  size_t l = rlp_list_begin(&t);
  CHECK(rlp_put_bytes(&t, (const uint8_t *)"\x80\xc0", 2) == 0 && rlp_list_end(&t, l) == 0);
  eth_items_msg_t m;
  CHECK(eth_transactions_decode(t.data, t.len, &m) == ETHC_ERR_INVALID);
  eth_items_free(&m);
  bytes_buf_free(&t);
  bytes_buf_free(&b);
}

int main(void) {
  test_golden();
  test_status();
  test_other_messages();
  test_malformed();
  return check_summary();
}
