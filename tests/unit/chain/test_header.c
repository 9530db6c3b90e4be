/* Unit tests of the block header codec: round trips for every fork's field set,
 * the hashes of a known header, and the failure paths of the decoder. */
#include <stdlib.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/keccak.h"

/* Header of ethereum/tests PoWTests "first" (a Frontier-shaped 15-field header). */
static const char *POW_HEADER =
    "f901f3a00000000000000000000000000000000000000000000000000000000000000000a01dcc4de8dec75d7aab85b567b6ccd41ad312451b"
    "948a7413f0a142fd40d49347940000000000000000000000000000000000000000a09178d0f23c965d81f0834a4c72c6253ce6830f4022b135"
    "9aaebfc1ecba442d4ea056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421a056e81f171bcc55a6ff8345e692c0"
    "f86e5b48e01b996cadc001622fb5e363b421b90100000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008302000080830f42"
    "40808080a058f759ede17a706c93f13030328bcea40c1d1341fb26f2facd21ceb0dae57017884242424242424242";

static void test_known_header(void) {
  uint8_t *raw;
  size_t len;
  CHECK(hex_decode_alloc(POW_HEADER, false, &raw, &len) == 0);
  chain_header_t h;
  CHECK(header_decode(raw, len, &h) == 0);
  CHECK(h.number == 0 && h.gas_limit == 1000000 && !h.has_base_fee);
  CHECK(header_nonce_u64(&h) == 0x4242424242424242ULL);
  CHECK(ethc_hash_eq(&h.ommers_hash, &HEADER_EMPTY_OMMERS_HASH));
  CHECK(ethc_hash_eq(&h.tx_root, &HEADER_EMPTY_TRIE_ROOT));
  bytes_buf_t b = {0};
  CHECK(header_encode(&h, &b) == 0);
  CHECK(b.len == len && memcmp(b.data, raw, len) == 0);
  ethc_hash_t seal, want, hash;
  CHECK(hex_decode_fixed("2a8de2adf89af77358250bf908bf04ba94a6e8c3ba87775564a41d269a05e4ce", false, want.bytes, 32) ==
        0);
  CHECK(header_seal_hash(&h, &seal) == 0 && ethc_hash_eq(&seal, &want));
  uint8_t direct[32];
  keccak256(raw, len, direct);
  CHECK(header_hash(&h, &hash) == 0 && memcmp(hash.bytes, direct, 32) == 0);

  /* failure paths: truncation, trailing bytes, a field of the wrong size */
  CHECK(header_decode(raw, len - 1, &h) != 0);
  uint8_t *longer = malloc(len + 1);
  memcpy(longer, raw, len);
  longer[len] = 0;
  CHECK(header_decode(longer, len + 1, &h) == ETHC_ERR_RLP_TRAILING);
  free(longer);
  CHECK(header_decode((const uint8_t *)"\xc0", 1, &h) == ETHC_ERR_RLP_COUNT);
  CHECK(header_decode((const uint8_t *)"\x80", 1, &h) == ETHC_ERR_RLP_TYPE);
  bytes_buf_free(&b);
  free(raw);
}

static void test_round_trip_all_fields(void) {
  chain_header_t h = {0}, d;
  h.number = 123456;
  h.gas_limit = 30000000;
  h.timestamp = 1700000000;
  h.difficulty = u256_from_u64(0);
  h.extra_len = 5;
  memcpy(h.extra, "hello", 5);
  h.has_base_fee = h.has_withdrawals_root = h.has_blob_gas = h.has_parent_beacon_root = h.has_requests_hash = true;
  h.base_fee = u256_from_u64(7);
  h.blob_gas_used = 131072;
  h.excess_blob_gas = 42;
  h.requests_hash.bytes[0] = 0xee;
  bytes_buf_t b = {0};
  CHECK(header_encode(&h, &b) == 0);
  CHECK(header_decode(b.data, b.len, &d) == 0);
  CHECK(d.has_requests_hash && d.requests_hash.bytes[0] == 0xee && d.blob_gas_used == 131072 &&
        d.excess_blob_gas == 42 && d.extra_len == 5 && memcmp(d.extra, "hello", 5) == 0);
  bytes_buf_t b2 = {0};
  CHECK(header_encode(&d, &b2) == 0 && b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
  /* 18 fields (blob gas used without excess blob gas) is malformed */
  chain_header_t partial = h;
  partial.has_blob_gas = partial.has_parent_beacon_root = partial.has_requests_hash = false;
  bytes_buf_t b3 = {0};
  CHECK(header_encode(&partial, &b3) == 0);
  CHECK(header_decode(b3.data, b3.len, &d) == 0 && d.has_withdrawals_root && !d.has_blob_gas);
  bytes_buf_free(&b);
  bytes_buf_free(&b2);
  bytes_buf_free(&b3);
}

int main(void) {
  test_known_header();
  test_round_trip_all_fields();
  return check_summary();
}
