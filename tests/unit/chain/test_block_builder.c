/* The block builder (block_builder.h) on the rpc-compat chain (Osaka, post-merge):
 * the blocks go-ethereum built for the testing_buildBlockV1 cases (an empty one,
 * one with a given transaction) come out with the same hash; a block of two
 * transactions signed here, with one of too high a nonce and one undecodable
 * left out, is imported by the chain's normal import with its receipts and
 * state; and candidates are ordered by nonce per sender and tip across them. */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/block_builder.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

/* funded in the rpc-compat genesis: 0x0c2c51a0990aee1d73c1228de158688341557508 */
static const char *const KEY = "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850";

static void hex_to(const char *s, uint8_t *out, size_t n) { CHECK(hex_decode_fixed(s, true, out, n) == 0); }

/* The attributes of the rpc-compat testing_buildBlockV1 cases. */
static block_attrs_t compat_attrs(void) {
  block_attrs_t a = {.timestamp = 0x228, .gas_limit_target = 60000000};
  hex_to("0xcf8e0d4e9587369b2301d0790347320302cc0943d5a1884365149a42212e8822", a.parent_beacon_root.bytes, 32);
  return a;
}

static size_t sign_transfer(const u256_t *chain_id, uint64_t nonce, const u256_t *base_fee, uint64_t value,
                            uint8_t **out) {
  tx_t tx = {0};
  uint8_t key[32];
  hex_to(KEY, key, 32);
  tx.type = TX_DYNAMIC_FEE;
  tx.has_chain_id = true;
  tx.chain_id = *chain_id;
  tx.nonce = nonce;
  tx.gas_limit = 21000;
  u256_t two = u256_from_u64(2);
  u256_mul(&tx.max_fee_per_gas, base_fee, &two);
  tx.gas_price = tx.max_fee_per_gas;
  tx.max_priority_fee_per_gas = u256_from_u64(1000);
  tx.has_to = true;
  memset(tx.to.bytes, 0xaa, 20);
  tx.value = u256_from_u64(value);
  bytes_buf_t b = {0};
  CHECK(tx_sign(&tx, key) == 0 && tx_encode(&tx, &b) == 0);
  *out = b.data;
  return b.len;
}

static void compat_cases(chain_t *c) {
  ethc_hash_t parent, want;
  hex_to("0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7", parent.bytes, 32);
  block_attrs_t a = compat_attrs();
  block_builder_t *b = NULL;
  char why[256] = "";
  block_built_t out;
  /* build-block-empty-transactions.io */
  CHECK_MSG(block_builder_new(c, &parent, &a, &b, why, sizeof why) == 0, "%s", why);
  if (!b) return;
  CHECK(block_builder_header(b)->gas_limit == 0xbe8c711);
  CHECK(block_builder_finish(b, &out) == 0);
  hex_to("0x97902d120c93908349cdd209063dde05aca630b9a12bfb74a1f23d1d3fb46c9c", want.bytes, 32);
  CHECK_MSG(ethc_hash_eq(&out.hash, &want), "empty block's hash differs");
  CHECK(out.header.number == 0x37 && out.tx_count == 0 && out.request_count == 0);
  block_built_free(&out);
  block_builder_free(b);
  /* build-block-with-transactions.io */
  static const char raw_hex[] =
      "0x02f871870c72dd9d5e883e808201f48401a2158b825208947dcd17433742f4c0ca53122ab541d0ba67fc27df8203e880c080a0fc16dc"
      "6d5a212a0b22f8186c8527d8771481a6c2a38b7f5e8a5143b8759f3363a028f2da4ff518f39d44fd7c8628def039a992aacc807056af84"
      "78d543afac201c";
  uint8_t raw[sizeof raw_hex / 2];
  size_t raw_len = (sizeof raw_hex - 3) / 2;
  hex_to(raw_hex, raw, raw_len);
  static const uint8_t extra[] = "test_name";
  a.extra = extra;
  a.extra_len = 9;
  CHECK(block_builder_new(c, &parent, &a, &b, why, sizeof why) == 0);
  if (!b) return;
  CHECK_MSG(block_builder_add_tx(b, raw, raw_len, NULL, why, sizeof why) == 0, "%s", why);
  CHECK(block_builder_finish(b, &out) == 0);
  hex_to("0xe837011730099d92012e3fb307cb587d9c2d766bab8bce845bd69bf6f004d803", want.bytes, 32);
  CHECK_MSG(ethc_hash_eq(&out.hash, &want), "hash of the block with a transaction differs");
  CHECK(out.header.gas_used == 21000);
  CHECK(u256_eq(&out.block_value, &(u256_t){{0xa037a0, 0, 0, 0}}));
  block_built_free(&out);
  block_builder_free(b);
  /* build-block-invalid-transaction.io: left out, in geth's words */
  static const char bad_hex[] =
      "0x02f873870c72dd9d5e883e8203e78201f48401a2158b825208947dcd17433742f4c0ca53122ab541d0ba67fc27df8203e880c001a0"
      "c46b4838526f9ce894679e8b0a5dcf7ed1bacdf44669c76a26d22433666ca8c2a0773ae609f21ada5da2d7eeccca9a49cf8199dedb9ad69c"
      "e92cf8a5a4b5a415a2";
  uint8_t bad[sizeof bad_hex / 2];
  size_t bad_len = (sizeof bad_hex - 3) / 2;
  hex_to(bad_hex, bad, bad_len);
  CHECK(block_builder_new(c, &parent, &a, &b, why, sizeof why) == 0);
  if (!b) return;
  tx_invalid_t cls;
  CHECK(block_builder_add_tx(b, bad, bad_len, &cls, why, sizeof why) == ETHC_ERR_INVALID);
  CHECK(cls == TXE_NONCE_TOO_HIGH);
  CHECK_MSG(!strcmp(why, "nonce too high: address 0x16c57eDF7Fa9D9525378B0b81Bf8A3cEd0620C1c, tx: 999 state: 0"), "%s",
            why);
  CHECK(block_builder_tx_count(b) == 0);
  block_builder_free(b);
}

/* A block of transactions signed here, imported. */
static void build_and_import(chain_t *c) {
  uint64_t head_n;
  ethc_hash_t head;
  CHECK(chain_read_head(c, &head_n, &head) == 0);
  chain_header_t ph;
  CHECK(chain_read_header_by_hash(c, &head, &ph) == 0);
  const u256_t *chain_id = &chain_config(c)->chain_id;
  block_attrs_t a = compat_attrs();
  a.timestamp = ph.timestamp + 12;
  memset(a.fee_recipient.bytes, 0xfe, 20);
  chain_withdrawal_t w = {.index = 7, .validator_index = 3, .amount_gwei = 5};
  memset(w.address.bytes, 0x77, 20);
  a.withdrawals = &w;
  a.withdrawal_count = 1;
  block_builder_t *b = NULL;
  char why[256] = "";
  CHECK_MSG(block_builder_new(c, &head, &a, &b, why, sizeof why) == 0, "%s", why);
  if (!b) return;
  ethc_address_t from, to;
  hex_to("0x0c2c51a0990aee1d73c1228de158688341557508", from.bytes, 20);
  memset(to.bytes, 0xaa, 20);
  chain_snapshot_t *snap = chain_snapshot_head(c);
  state_t *st = chain_snapshot_state(snap);
  uint64_t nonce = state_get_nonce(st, &from);
  u256_t bal0;
  state_get_balance(st, &to, &bal0);
  state_free(st);
  chain_snapshot_release(snap);
  const u256_t *base_fee = &block_builder_header(b)->base_fee;
  uint8_t *t1, *t2, *t3;
  size_t l1 = sign_transfer(chain_id, nonce, base_fee, 1000, &t1);
  size_t l2 = sign_transfer(chain_id, nonce + 5, base_fee, 5, &t2); /* a gap: nonce too high */
  size_t l3 = sign_transfer(chain_id, nonce + 1, base_fee, 7, &t3);
  tx_invalid_t cls = TXE_NONE;
  CHECK_MSG(block_builder_add_tx(b, t1, l1, &cls, why, sizeof why) == 0, "%s", why);
  CHECK(block_builder_add_tx(b, t2, l2, &cls, why, sizeof why) == ETHC_ERR_INVALID);
  CHECK(cls == TXE_NONCE_TOO_HIGH);
  CHECK_MSG(strstr(why, "nonce too high: ") == why, "%s", why);
  CHECK(block_builder_add_tx(b, (const uint8_t *)"\x02\xc0", 2, &cls, why, sizeof why) == ETHC_ERR_INVALID);
  CHECK_MSG(block_builder_add_tx(b, t3, l3, &cls, why, sizeof why) == 0, "%s", why);
  CHECK(block_builder_tx_count(b) == 2);
  CHECK(block_builder_gas_left(b) == block_builder_header(b)->gas_limit - 42000);
  block_built_t out;
  CHECK(block_builder_finish(b, &out) == 0);
  block_builder_free(b);
  chain_import_result_t res;
  int rc = block_built_import(c, &out, &res);
  CHECK_MSG(rc == 0, "import: %s: %s", ethc_strerror(rc), res.reason);
  CHECK(res.new_head && res.number == head_n + 1 && ethc_hash_eq(&res.hash, &out.hash));
  CHECK(res.gas_used == 42000 && res.tx_count == 2);
  chain_read_receipts_t rr;
  CHECK(chain_read_receipts(c, &out.hash, &rr) == 0);
  CHECK(rr.count == 2);
  if (rr.count == 2) CHECK(rr.receipts[0].status && rr.receipts[1].cumulative_gas_used == 42000);
  chain_read_receipts_free(&rr);
  snap = chain_snapshot_head(c);
  CHECK(ethc_hash_eq(chain_snapshot_hash(snap), &out.hash));
  st = chain_snapshot_state(snap);
  u256_t bal1, want = bal0, wbal;
  state_get_balance(st, &to, &bal1);
  u256_add(&want, &want, &(u256_t){{1007, 0, 0, 0}});
  CHECK(u256_eq(&bal1, &want));
  CHECK(state_get_nonce(st, &from) == nonce + 2);
  state_get_balance(st, &w.address, &wbal);
  CHECK(u256_eq(&wbal, &(u256_t){{5000000000ULL, 0, 0, 0}}));
  state_free(st);
  chain_snapshot_release(snap);
  block_built_free(&out);
  free(t1), free(t2), free(t3);
}

static void ordering(void) {
  tx_t t[5];
  memset(t, 0, sizeof t);
  block_candidate_t c[5];
  memset(c, 0, sizeof c);
  /* sender A: nonces 1, 0 with tips 1, 5; sender B: nonce 0 tip 3; C: fee below base fee */
  uint64_t nonces[5] = {1, 0, 0, 0, 1};
  uint64_t tips[5] = {1, 5, 3, 9, 4};
  uint64_t fees[5] = {100, 100, 100, 5, 100};
  uint8_t senders[5] = {0xa, 0xa, 0xb, 0xc, 0xb};
  for (int i = 0; i < 5; i++) {
    t[i].nonce = nonces[i];
    t[i].max_priority_fee_per_gas = u256_from_u64(tips[i]);
    t[i].max_fee_per_gas = u256_from_u64(fees[i]);
    c[i].tx = &t[i];
    memset(c[i].from.bytes, senders[i], 20);
    c[i].index = (size_t)i;
  }
  u256_t base = u256_from_u64(10);
  CHECK(block_order_candidates(c, 5, &base) == 0);
  /* A0 (tip 5), B0 (3), B1 (4, now B's head) , A1 (1), then C's */
  size_t want[5] = {1, 2, 4, 0, 3};
  for (int i = 0; i < 5; i++) CHECK_MSG(c[i].index == want[i], "position %d: %zu", i, c[i].index);
}

int main(void) {
  ordering();
  test_chain_t t;
  if (test_chain_import(&t, "rpc-compat", NULL)) {
    compat_cases(t.chain);
    build_and_import(t.chain);
  }
  test_chain_remove(&t);
  return check_summary();
}
