/* Unit tests of the snap/1 codecs (src/p2p/snap_msg.c): every message round
 * trips, GetStorageRanges sends default bounds as empty strings (as geth
 * does) and reads them back, slim accounts convert both ways, and malformed
 * or oversized input is refused with an error code. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/snap_wire.h"
#include "ethc/trie.h"

static const uint8_t EMPTY_CODE[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                       0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                       0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static void test_round_trips(void) {
  bytes_buf_t b = {0};
  snap_get_account_range_t q = {.request_id = 7, .bytes = 4000}, qb;
  memset(q.root.bytes, 1, 32);
  memset(q.limit.bytes, 0xff, 32);
  CHECK(snap_get_account_range_encode(&q, &b) == 0 && snap_get_account_range_decode(b.data, b.len, &qb) == 0);
  CHECK(qb.request_id == 7 && qb.bytes == 4000 && ethc_hash_eq(&qb.root, &q.root) && qb.limit.bytes[31] == 0xff);

  snap_entry_t acc[2] = {{.body = bytes_view((const uint8_t *)"\xc4\x01\x02\x80\x80", 5)},
                         {.body = bytes_view((const uint8_t *)"\xc4\x03\x04\x80\x80", 5)}};
  acc[0].hash.bytes[0] = 1, acc[1].hash.bytes[0] = 2;
  bytes_view_t proof[1] = {bytes_view((const uint8_t *)"\xc2\x80\x80", 3)};
  snap_account_range_t ar;
  b.len = 0;
  CHECK(snap_account_range_encode(9, acc, 2, proof, 1, &b) == 0 && snap_account_range_decode(b.data, b.len, &ar) == 0);
  CHECK(ar.request_id == 9 && ar.count == 2 && ar.proof_count == 1 && ar.accounts[1].hash.bytes[0] == 2 &&
        ar.accounts[1].body.len == 5 && ar.proof[0].len == 3);
  snap_account_range_free(&ar);

  ethc_hash_t accounts[2];
  memset(accounts, 0x33, sizeof accounts);
  snap_get_storage_ranges_t sq = {.request_id = 1, .accounts = accounts, .count = 2, .bytes = 500}, sb;
  memset(sq.limit.bytes, 0xff, 32);
  b.len = 0;
  CHECK(snap_get_storage_ranges_encode(&sq, &b) == 0);
  {
    rlp_item_t top, f[6];
    CHECK(rlp_decode(b.data, b.len, &top) == 0 && rlp_list_items(&top, f, 6) == 0);
    CHECK(f[3].payload_len == 0 && f[4].payload_len == 0); /* defaults as empty strings */
  }
  CHECK(snap_get_storage_ranges_decode(b.data, b.len, &sb) == 0 && sb.count == 2 && sb.limit.bytes[0] == 0xff &&
        sb.origin.bytes[0] == 0 && sb.bytes == 500);
  snap_get_storage_ranges_free(&sb);
  sq.origin.bytes[0] = 0x40;
  b.len = 0;
  CHECK(snap_get_storage_ranges_encode(&sq, &b) == 0 && snap_get_storage_ranges_decode(b.data, b.len, &sb) == 0 &&
        sb.origin.bytes[0] == 0x40);
  snap_get_storage_ranges_free(&sb);

  snap_entry_t slots[3] = {{.body = bytes_view((const uint8_t *)"\x01", 1)},
                           {.body = bytes_view((const uint8_t *)"\x02", 1)},
                           {.body = bytes_view((const uint8_t *)"\x03", 1)}};
  size_t offsets[4] = {0, 2, 2, 3};
  snap_storage_ranges_t sr = {.request_id = 5,
                              .slots = slots,
                              .slot_count = 3,
                              .offsets = offsets,
                              .set_count = 3,
                              .proof = proof,
                              .proof_count = 1},
                        srb;
  b.len = 0;
  CHECK(snap_storage_ranges_encode(&sr, &b) == 0 && snap_storage_ranges_decode(b.data, b.len, &srb) == 0);
  CHECK(srb.set_count == 3 && srb.slot_count == 3 && srb.offsets[1] == 2 && srb.offsets[2] == 2 &&
        srb.offsets[3] == 3 && srb.slots[2].body.data[0] == 3 && srb.proof_count == 1);
  snap_storage_ranges_free(&srb);

  snap_get_byte_codes_t cq = {.request_id = 2, .hashes = accounts, .count = 2, .bytes = 10000}, cb;
  b.len = 0;
  CHECK(snap_get_byte_codes_encode(&cq, &b) == 0 && snap_get_byte_codes_decode(b.data, b.len, &cb) == 0 &&
        cb.count == 2 && cb.bytes == 10000);
  snap_get_byte_codes_free(&cb);

  bytes_view_t blobs[2] = {bytes_view((const uint8_t *)"\x60\x00", 2), bytes_view(NULL, 0)};
  snap_blobs_t bl;
  b.len = 0;
  CHECK(snap_blobs_encode(3, blobs, 2, &b) == 0 && snap_blobs_decode(b.data, b.len, &bl) == 0 && bl.count == 2 &&
        bl.blobs[1].len == 0);
  snap_blobs_free(&bl);

  bytes_view_t paths[3] = {bytes_view((const uint8_t *)"\x00", 1), bytes_view(accounts[0].bytes, 32),
                           bytes_view((const uint8_t *)"\x11", 1)};
  size_t po[3] = {0, 1, 3};
  snap_get_trie_nodes_t tq = {.request_id = 4,
                              .paths = paths,
                              .path_count = 3,
                              .offsets = po,
                              .set_count = 2,
                              .bytes = 5000},
                        tb;
  b.len = 0;
  CHECK(snap_get_trie_nodes_encode(&tq, &b) == 0 && snap_get_trie_nodes_decode(b.data, b.len, &tb) == 0);
  CHECK(tb.set_count == 2 && tb.path_count == 3 && tb.offsets[1] == 1 && tb.paths[1].len == 32 && tb.bytes == 5000);
  snap_get_trie_nodes_free(&tb);
  bytes_buf_free(&b);
}

static void test_slim(void) {
  /* [nonce 1, balance 2, empty root, empty code] <-> [1, 2, "", ""] */
  bytes_buf_t full = {0}, slim = {0}, back = {0};
  size_t l = rlp_list_begin(&full);
  CHECK(rlp_put_u64(&full, 1) == 0 && rlp_put_u64(&full, 2) == 0 && rlp_put_bytes(&full, TRIE_EMPTY_ROOT, 32) == 0 &&
        rlp_put_bytes(&full, EMPTY_CODE, 32) == 0 && rlp_list_end(&full, l) == 0);
  CHECK(snap_account_slim(bytes_view(full.data, full.len), &slim) == 0);
  CHECK(slim.len == 5 && memcmp(slim.data, "\xc4\x01\x02\x80\x80", 5) == 0);
  CHECK(snap_account_full(bytes_view(slim.data, slim.len), &back) == 0 && back.len == full.len &&
        memcmp(back.data, full.data, full.len) == 0);
  /* a contract keeps its root and code hash */
  uint8_t r[32], c[32];
  memset(r, 0xab, 32), memset(c, 0xcd, 32);
  full.len = slim.len = back.len = 0;
  l = rlp_list_begin(&full);
  CHECK(rlp_put_u64(&full, 1) == 0 && rlp_put_u64(&full, 0) == 0 && rlp_put_bytes(&full, r, 32) == 0 &&
        rlp_put_bytes(&full, c, 32) == 0 && rlp_list_end(&full, l) == 0);
  CHECK(snap_account_slim(bytes_view(full.data, full.len), &slim) == 0 && slim.len == full.len);
  CHECK(snap_account_full(bytes_view(slim.data, slim.len), &back) == 0 && back.len == full.len);
  /* bad: a 5-byte root, three fields, not a list */
  CHECK(snap_account_full(bytes_view((const uint8_t *)"\xc8\x01\x02\x85\x01\x02\x03\x04\x05\x80", 10), &back) != 0);
  CHECK(snap_account_full(bytes_view((const uint8_t *)"\xc3\x01\x02\x80", 4), &back) != 0);
  CHECK(snap_account_full(bytes_view((const uint8_t *)"\x81\x05", 2), &back) != 0);
  bytes_buf_free(&full);
  bytes_buf_free(&slim);
  bytes_buf_free(&back);
}

static void test_malformed(void) {
  static const char *bad[] = {"",
                              "c0",
                              "80",
                              "c3010203",
                              "c401020304",
                              "c50102030405",
                              "c6c10102030405",
                              "c9840102030480c0c0",
                              "cc0180c0c0c0c0c0c0c0c0c0"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    uint8_t p[64];
    size_t n = 0;
    if (bad[i][0]) CHECK(hex_decode(bad[i], false, p, sizeof p, &n) == 0);
    snap_get_account_range_t a;
    snap_account_range_t ar;
    snap_get_storage_ranges_t sq;
    snap_storage_ranges_t sr;
    snap_get_byte_codes_t bq;
    snap_blobs_t bl;
    snap_get_trie_nodes_t tq;
    int ok = 0;
    ok += snap_get_account_range_decode(p, n, &a) == 0;
    ok += snap_account_range_decode(p, n, &ar) == 0;
    snap_account_range_free(&ar);
    ok += snap_get_storage_ranges_decode(p, n, &sq) == 0;
    snap_get_storage_ranges_free(&sq);
    ok += snap_storage_ranges_decode(p, n, &sr) == 0;
    snap_storage_ranges_free(&sr);
    ok += snap_get_byte_codes_decode(p, n, &bq) == 0;
    snap_get_byte_codes_free(&bq);
    ok += snap_blobs_decode(p, n, &bl) == 0 && bl.count > 0;
    snap_blobs_free(&bl);
    ok += snap_get_trie_nodes_decode(p, n, &tq) == 0;
    snap_get_trie_nodes_free(&tq);
    CHECK_MSG(ok == 0, "input %zu (%s) decoded by %d decoders", i, bad[i], ok);
  }
  /* too many hashes */
  bytes_buf_t b = {0};
  ethc_hash_t *many = calloc(SNAP_MAX_LIST_ITEMS + 1, sizeof *many);
  snap_get_byte_codes_t q = {.request_id = 1, .hashes = many, .count = SNAP_MAX_LIST_ITEMS + 1}, back;
  CHECK(snap_get_byte_codes_encode(&q, &b) == 0 && snap_get_byte_codes_decode(b.data, b.len, &back) == ETHC_ERR_LIMIT);
  snap_get_byte_codes_free(&back);
  free(many);
  /* a storage origin of 5 bytes */
  b.len = 0;
  size_t l = rlp_list_begin(&b);
  uint8_t h[32] = {0};
  CHECK(rlp_put_u64(&b, 1) == 0 && rlp_put_bytes(&b, h, 32) == 0 && rlp_put_raw(&b, (const uint8_t *)"\xc0", 1) == 0 &&
        rlp_put_bytes(&b, h, 5) == 0 && rlp_put_bytes(&b, NULL, 0) == 0 && rlp_put_u64(&b, 1) == 0 &&
        rlp_list_end(&b, l) == 0);
  snap_get_storage_ranges_t sq;
  CHECK(snap_get_storage_ranges_decode(b.data, b.len, &sq) == ETHC_ERR_RLP_SIZE);
  snap_get_storage_ranges_free(&sq);
  bytes_buf_free(&b);
}

int main(void) {
  test_round_trips();
  test_slim();
  test_malformed();
  return check_summary();
}
