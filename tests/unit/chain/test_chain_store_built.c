/* A dev chain's writes (chain_dev.h) on two copies of the rpc-compat chain
 * (Osaka, post-merge): a block built here and stored with its building's state
 * and receipts (block_built_store) reads exactly as the same block imported by
 * the other copy (head hash, effective root, stored receipts, balances, the
 * transaction index); a head state edit shows in the next snapshot without a
 * new block, the next block builds on it, a reopened chain keeps it, and
 * chain_set_state_root undoes it; a stored block made the head again after a
 * move back is "known"; a dump walks the edited state; an impersonated
 * transfer (block_builder_add_tx_from) is stored with its forced sender, which
 * every reader names, also after a reopen, and the other copy cannot import it. */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/block_builder.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

/* funded in the rpc-compat genesis: 0x0c2c51a0990aee1d73c1228de158688341557508 */
static const char *const KEY = "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850";
static ethc_address_t FROM, TO, EDITED;

static void hex_to(const char *s, uint8_t *out, size_t n) { CHECK(hex_decode_fixed(s, true, out, n) == 0); }

static size_t sign_transfer(chain_t *c, uint64_t nonce, const u256_t *base_fee, uint64_t value, uint8_t **out) {
  tx_t tx = {0};
  uint8_t key[32];
  hex_to(KEY, key, 32);
  tx.type = TX_DYNAMIC_FEE;
  tx.has_chain_id = true;
  tx.chain_id = chain_config(c)->chain_id;
  tx.nonce = nonce;
  tx.gas_limit = 21000;
  u256_t two = u256_from_u64(2);
  u256_mul(&tx.max_fee_per_gas, base_fee, &two);
  tx.gas_price = tx.max_fee_per_gas;
  tx.max_priority_fee_per_gas = u256_from_u64(1000);
  tx.has_to = true;
  tx.to = TO;
  tx.value = u256_from_u64(value);
  bytes_buf_t b = {0};
  CHECK(tx_sign(&tx, key) == 0 && tx_encode(&tx, &b) == 0);
  *out = b.data;
  return b.len;
}

/* A block of two transfers on c's head at `ts`, finished (the builder kept). */
static block_builder_t *build(chain_t *c, uint64_t ts, block_built_t *out) {
  ethc_hash_t head;
  CHECK(chain_read_head(c, NULL, &head) == 0);
  block_attrs_t a = {.timestamp = ts, .gas_limit_target = 60000000};
  memset(a.fee_recipient.bytes, 0xfe, 20);
  block_builder_t *b = NULL;
  char why[256] = "";
  CHECK_MSG(block_builder_new(c, &head, &a, &b, why, sizeof why) == 0, "%s", why);
  if (!b) return NULL;
  chain_snapshot_t *snap = chain_snapshot_head(c);
  state_t *st = chain_snapshot_state(snap);
  uint64_t nonce = state_get_nonce(st, &FROM);
  state_free(st);
  chain_snapshot_release(snap);
  for (uint64_t i = 0; i < 2; i++) {
    uint8_t *raw = NULL;
    size_t len = sign_transfer(c, nonce + i, &block_builder_header(b)->base_fee, 1000 + i, &raw);
    CHECK_MSG(block_builder_add_tx(b, raw, len, NULL, why, sizeof why) == 0, "%s", why);
    free(raw);
  }
  CHECK(block_builder_finish(b, out) == 0);
  return b;
}

static void balance_at_head(chain_t *c, const ethc_address_t *a, u256_t *out) {
  chain_snapshot_t *snap = chain_snapshot_head(c);
  state_t *st = chain_snapshot_state(snap);
  state_get_balance(st, a, out);
  CHECK(state_error(st) == 0);
  state_free(st);
  chain_snapshot_release(snap);
}

static int set_balance_7(void *ctx, state_t *st) {
  (void)ctx;
  u256_t seven = u256_from_u64(7);
  return state_set_balance(st, &EDITED, &seven);
}

static int count_accounts(void *ctx, const chain_account_t *a) {
  size_t *n = ctx;
  (*n)++;
  if (ethc_address_eq(&a->address, &EDITED)) CHECK(a->balance.w[0] == 7 && a->nonce == 0);
  return 0;
}

/* The same block stored in a and imported in b. */
static void same_block(chain_t *a, chain_t *b) {
  chain_header_t ph;
  ethc_hash_t head;
  CHECK(chain_read_head(a, NULL, &head) == 0 && chain_read_header_by_hash(a, &head, &ph) == 0);
  block_built_t x, y;
  block_builder_t *bx = build(a, ph.timestamp + 12, &x), *by = build(b, ph.timestamp + 12, &y);
  if (!bx || !by) return;
  CHECK_MSG(ethc_hash_eq(&x.hash, &y.hash), "the two copies built different blocks");
  chain_import_result_t rx, ry;
  CHECK(block_built_store(bx, &x, &rx) == 0);
  CHECK_MSG(block_built_import(b, &y, &ry) == 0, "%s", ry.reason);
  CHECK(rx.new_head && ry.new_head && rx.number == ry.number && rx.gas_used == ry.gas_used && rx.tx_count == 2);
  chain_snapshot_t *sa = chain_snapshot_head(a), *sb = chain_snapshot_head(b);
  CHECK(ethc_hash_eq(chain_snapshot_hash(sa), &x.hash) && ethc_hash_eq(chain_snapshot_hash(sb), &x.hash));
  CHECK(ethc_hash_eq(chain_snapshot_state_root(sa), chain_snapshot_state_root(sb)));
  CHECK(ethc_hash_eq(chain_snapshot_state_root(sa), &x.header.state_root));
  CHECK(u256_eq(chain_snapshot_td(sa), chain_snapshot_td(sb)));
  chain_snapshot_release(sa);
  chain_snapshot_release(sb);
  chain_read_receipts_t ra, rb;
  CHECK(chain_read_receipts(a, &x.hash, &ra) == 0 && chain_read_receipts(b, &x.hash, &rb) == 0);
  CHECK(ra.count == 2 && ra.raw.len == rb.raw.len && !memcmp(ra.raw.data, rb.raw.data, ra.raw.len));
  ethc_hash_t tx_hash = ra.count ? ra.receipts[1].tx_hash : (ethc_hash_t){{0}};
  chain_read_receipts_free(&ra);
  chain_read_receipts_free(&rb);
  chain_read_tx_t t;
  CHECK(chain_read_tx_by_hash(a, &tx_hash, &t) == 0 && t.index == 1 && ethc_hash_eq(&t.block_hash, &x.hash));
  chain_read_tx_free(&t);
  ethc_hash_t canon;
  CHECK(chain_read_canonical_hash(a, x.header.number, &canon) == 0 && ethc_hash_eq(&canon, &x.hash));
  u256_t ba, bb;
  balance_at_head(a, &TO, &ba);
  balance_at_head(b, &TO, &bb);
  CHECK(u256_eq(&ba, &bb) && !u256_is_zero(&ba));

  /* back to the parent, then the same block again: known, the head again */
  CHECK(chain_set_head(a, &head, NULL, NULL) == 0);
  CHECK(chain_read_head(a, NULL, &canon) == 0 && ethc_hash_eq(&canon, &head));
  CHECK(block_built_store(bx, &x, &rx) == 0 && rx.known && rx.new_head);
  CHECK(chain_read_head(a, NULL, &canon) == 0 && ethc_hash_eq(&canon, &x.hash));
  block_built_free(&x);
  block_built_free(&y);
  block_builder_free(bx);
  block_builder_free(by);
}

/* Edits on a's head: out, the edited block and its new root. */
static void edits(chain_t *a, ethc_hash_t *edited_block, ethc_hash_t *edited_root) {
  chain_snapshot_t *s0 = chain_snapshot_head(a);
  CHECK(chain_edit_head_state(a, set_balance_7, NULL) == 0);
  chain_snapshot_t *s1 = chain_snapshot_head(a);
  CHECK(ethc_hash_eq(chain_snapshot_hash(s0), chain_snapshot_hash(s1)));
  CHECK(!ethc_hash_eq(chain_snapshot_state_root(s1), &chain_snapshot_header(s1)->state_root));
  *edited_block = *chain_snapshot_hash(s1);
  *edited_root = *chain_snapshot_state_root(s1);
  u256_t bal;
  balance_at_head(a, &EDITED, &bal);
  CHECK(bal.w[0] == 7);
  state_t *old = chain_snapshot_state(s0); /* the snapshot taken before still reads the old state */
  state_get_balance(old, &EDITED, &bal);
  CHECK(u256_is_zero(&bal));
  state_free(old);
  chain_snapshot_t *at = NULL;
  CHECK(chain_snapshot_at(a, edited_block, &at) == 0 && ethc_hash_eq(chain_snapshot_state_root(at), edited_root));
  chain_snapshot_release(at);
  size_t n = 0;
  CHECK(chain_snapshot_foreach_account(s1, count_accounts, &n) == 0 && n > 20);
  chain_snapshot_release(s0);
  chain_snapshot_release(s1);
  /* the next block builds on the edit */
  chain_header_t ph;
  CHECK(chain_read_header_by_hash(a, edited_block, &ph) == 0);
  block_built_t x;
  block_builder_t *bx = build(a, ph.timestamp + 12, &x);
  chain_import_result_t rx;
  if (bx) CHECK(block_built_store(bx, &x, &rx) == 0 && rx.new_head);
  balance_at_head(a, &EDITED, &bal);
  CHECK(bal.w[0] == 7);
  block_built_free(&x);
  block_builder_free(bx);
}

static ethc_address_t KEYLESS; /* an impersonated sender: no key anywhere */

static int fund_keyless(void *ctx, state_t *st) {
  (void)ctx;
  u256_t e18 = u256_from_u64(1000000000000000000ull);
  return state_set_balance(st, &KEYLESS, &e18);
}

/* An impersonated transfer (block_builder_add_tx_from, placeholder signature)
 * stored on a: every reader names KEYLESS; out: the transaction's hash. The
 * same block cannot be imported by b (its signature recovers to no account). */
static void forced(chain_t *a, chain_t *b, ethc_hash_t *tx_hash_out) {
  CHECK(chain_edit_head_state(a, fund_keyless, NULL) == 0);
  chain_header_t ph;
  ethc_hash_t head;
  CHECK(chain_read_head(a, NULL, &head) == 0 && chain_read_header_by_hash(a, &head, &ph) == 0);
  block_attrs_t at = {.timestamp = ph.timestamp + 12, .gas_limit_target = 60000000};
  block_builder_t *bb = NULL;
  char why[256] = "";
  CHECK_MSG(block_builder_new(a, &head, &at, &bb, why, sizeof why) == 0, "%s", why);
  if (!bb) return;
  tx_t tx = {.type = TX_DYNAMIC_FEE,
             .has_chain_id = true,
             .chain_id = chain_config(a)->chain_id,
             .gas_limit = 21000,
             .has_to = true,
             .to = TO,
             .value = u256_from_u64(5)};
  u256_t two = u256_from_u64(2);
  u256_mul(&tx.max_fee_per_gas, &block_builder_header(bb)->base_fee, &two);
  tx.gas_price = tx.max_fee_per_gas;
  tx_forced_signature(&tx, &KEYLESS);
  CHECK(tx.s.w[0] == 1 && tx.v.w[0] == 0);
  bytes_buf_t raw = {0};
  CHECK(tx_encode(&tx, &raw) == 0 && tx_hash(&tx, tx_hash_out) == 0);
  /* without the sender: the placeholder is no valid signature of a funded account */
  CHECK(block_builder_add_tx(bb, raw.data, raw.len, NULL, why, sizeof why) == ETHC_ERR_INVALID);
  CHECK_MSG(block_builder_add_tx_from(bb, raw.data, raw.len, &KEYLESS, NULL, why, sizeof why) == 0, "%s", why);
  bytes_buf_free(&raw);
  block_built_t x;
  chain_import_result_t rx, ry;
  CHECK(block_builder_finish(bb, &x) == 0);
  CHECK(block_built_store(bb, &x, &rx) == 0 && rx.new_head && rx.tx_count == 1);
  CHECK(block_built_import(b, &x, &ry) != 0 || !ry.new_head); /* not replayable */
  chain_forced_t f;
  ethc_address_t who;
  CHECK(chain_forced_load(a, &x.hash, &f) == 0 && chain_forced_get(&f, 0, &who) && ethc_address_eq(&who, &KEYLESS));
  CHECK(!chain_forced_get(&f, 1, &who));
  chain_forced_free(&f);
  block_built_free(&x);
  block_builder_free(bb);
}

/* Every reader of a names KEYLESS as the sender of tx_hash. */
static void forced_reads(chain_t *a, const ethc_hash_t *tx_hash) {
  chain_read_tx_t t;
  CHECK(chain_read_tx_by_hash(a, tx_hash, &t) == 0 && ethc_address_eq(&t.from, &KEYLESS));
  ethc_hash_t block = t.block_hash;
  chain_read_tx_free(&t);
  chain_read_receipts_t rs;
  const chain_read_receipt_t *r = NULL;
  CHECK(chain_read_receipt_by_tx(a, tx_hash, &rs, &r) == 0 && r && ethc_address_eq(&r->from, &KEYLESS) && r->status);
  chain_read_receipts_free(&rs);
  CHECK(chain_read_receipts(a, &block, &rs) == 0 && rs.count == 1 && ethc_address_eq(&rs.receipts[0].from, &KEYLESS));
  chain_read_receipts_free(&rs);
}

int main(void) {
  hex_to("0x0c2c51a0990aee1d73c1228de158688341557508", FROM.bytes, 20);
  memset(TO.bytes, 0xaa, 20);
  memset(EDITED.bytes, 0xed, 20);
  memset(KEYLESS.bytes, 0x1d, 20);
  test_chain_t ta, tb;
  chain_t *a = test_chain_import(&ta, "rpc-compat", NULL), *b = test_chain_import(&tb, "rpc-compat", NULL);
  if (!a || !b) {
    test_chain_remove(&ta);
    test_chain_remove(&tb);
    return check_summary();
  }
  ethc_hash_t edited_block, edited_root, forced_tx = {{0}};
  same_block(a, b);
  edits(a, &edited_block, &edited_root);
  forced(a, b, &forced_tx);
  forced_reads(a, &forced_tx);
  chain_close(a);
  chain_close(b);
  ta.chain = tb.chain = NULL;
  /* reopened: the edit is still the edited block's state */
  char err[512];
  chain_open_opts_t o = {.datadir = ta.dir, .fakepow = true};
  CHECK_MSG(chain_open(&o, &a, err, sizeof err) == 0, "%s", err);
  if (a) {
    forced_reads(a, &forced_tx); /* the forced sender survives the reopen */
    chain_snapshot_t *at = NULL;
    CHECK(chain_snapshot_at(a, &edited_block, &at) == 0 && ethc_hash_eq(chain_snapshot_state_root(at), &edited_root));
    ethc_hash_t header_root = at ? chain_snapshot_header(at)->state_root : (ethc_hash_t){{0}};
    chain_snapshot_release(at);
    u256_t bal;
    balance_at_head(a, &EDITED, &bal);
    CHECK(bal.w[0] == 7);
    /* undone: the header's root again */
    CHECK(chain_set_state_root(a, &edited_block, &header_root) == 0);
    CHECK(chain_snapshot_at(a, &edited_block, &at) == 0 && ethc_hash_eq(chain_snapshot_state_root(at), &header_root));
    chain_snapshot_release(at);
    ethc_hash_t nowhere;
    memset(nowhere.bytes, 0x42, 32);
    CHECK(chain_set_state_root(a, &edited_block, &nowhere) == ETHC_ERR_NOT_FOUND);
    chain_close(a);
  }
  test_chain_remove(&ta);
  test_chain_remove(&tb);
  return check_summary();
}
