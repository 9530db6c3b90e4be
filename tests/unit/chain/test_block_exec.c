/* Unit tests of whole-block execution (block_exec.c, system_calls.c): a hand-built
 * transfer block with each header check tampered, pre-Byzantium receipts, ommer
 * rewards and ancestry rules, withdrawals, the DAO fork, system calls, decode
 * classes, and the two test chains in ../shared executed block by block. */
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/block_exec.h"
#include "ethc/difficulty.h"
#include "ethc/error.h"
#include "ethc/genesis.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "ethc/trie.h"

static evm_t *vm;

static const uint64_t GWEI = 1000000000ULL;
static const uint64_t ETHER = 1000000000000000000ULL;

static ethc_address_t addr(uint8_t b) {
  ethc_address_t a;
  memset(a.bytes, 0, 20);
  a.bytes[0] = 0xaa;
  a.bytes[19] = b;
  return a;
}

static u256_t u(uint64_t v) { return u256_from_u64(v); }

static u256_t balance(state_t *st, const ethc_address_t *a) {
  u256_t b;
  state_get_balance(st, a, &b);
  return b;
}

/* A config with every block-numbered fork up to and including `last` at block 0. */
static void config_upto(chain_config_t *c, chain_fork_t last) {
  memset(c, 0, sizeof *c);
  c->chain_id = U256_ONE;
  for (int f = 0; f < FORK_COUNT; f++) c->activation[f] = (f <= (int)last && f != FORK_DAO) ? 0 : CHAIN_NEVER;
  c->activation[FORK_MERGE_NETSPLIT] = CHAIN_NEVER;
  c->blob[FORK_CANCUN] = (chain_blob_schedule_t){3, 6, 3338477};
}

/* ---- a hand-built block of one transfer ---- */

typedef struct {
  chain_block_t b;
  tx_t tx;
  bytes_buf_t tx_enc;
  bytes_view_t tx_view;
  uint8_t sk[32];
  ethc_address_t sender;
} built_t;

static void build_transfer(built_t *w, uint64_t nonce, uint64_t number) {
  memset(w, 0, sizeof *w);
  for (int i = 0; i < 32; i++) w->sk[i] = (uint8_t)(i + 1);
  uint8_t pub[64];
  ethc_secp256k1_pubkey_create(w->sk, pub);
  ethc_secp256k1_pubkey_to_address(pub, &w->sender);
  tx_t *tx = &w->tx;
  tx->type = TX_LEGACY;
  tx->nonce = nonce;
  tx->gas_price = tx->max_fee_per_gas = tx->max_priority_fee_per_gas = u(GWEI);
  tx->gas_limit = 21000;
  tx->has_to = true;
  tx->to = addr(0xbb);
  tx->value = u(1000);
  CHECK(tx_sign(tx, w->sk) == 0);
  CHECK(tx_encode(tx, &w->tx_enc) == 0);
  w->tx_view = bytes_view(w->tx_enc.data, w->tx_enc.len);
  chain_block_t *b = &w->b;
  b->txs = &w->tx;
  b->tx_encodings = &w->tx_view;
  b->tx_count = 1;
  chain_header_t *h = &b->header;
  h->number = number;
  h->gas_limit = 8000000;
  h->gas_used = 21000;
  h->timestamp = 10 * number;
  h->difficulty = u(0x20000);
  h->coinbase = addr(0xcc);
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  CHECK(block_tx_root(b, &h->tx_root) == 0);
}

static state_t *funded_state(const ethc_address_t *sender) {
  state_t *st = state_new();
  u256_t one = u(ETHER);
  CHECK(state_set_balance(st, sender, &one) == 0);
  state_commit(st, false);
  return st;
}

/* The state after the transfer (and the reward when `reward` is not zero). */
static void expected_after_transfer(state_t *pre, const built_t *w, const u256_t *reward, ethc_hash_t *root) {
  state_t *x = state_clone(pre);
  u256_t fee = u(21000 * GWEI), v = u(1000), sum;
  u256_add(&sum, &fee, &v);
  CHECK(state_sub_balance(x, &w->sender, &sum) == 0);
  CHECK(state_set_nonce(x, &w->sender, 1) == 0);
  ethc_address_t to = addr(0xbb), cb = addr(0xcc);
  CHECK(state_add_balance(x, &to, &v) == 0);
  u256_add(&sum, &fee, reward);
  CHECK(state_add_balance(x, &cb, &sum) == 0);
  state_commit(x, true);
  CHECK(state_root(x, root) == 0);
  state_free(x);
}

static block_error_t run(state_t *pre, const chain_block_t *b, const chain_config_t *c, evm_revision_t rev,
                         bool post_merge, block_exec_result_t *res, state_t **post) {
  state_t *st = state_clone(pre);
  block_exec_opts_t o = {.config = c, .rev = rev, .post_merge = post_merge};
  block_exec_result_t local;
  if (!res) res = &local;
  block_error_t e = block_execute(st, vm, b, &o, res);
  if (res == &local) block_exec_result_free(&local);
  if (post) *post = st;
  else state_free(st);
  return e;
}

static void test_transfer_block(void) {
  chain_config_t c;
  config_upto(&c, FORK_BYZANTIUM);
  built_t w;
  build_transfer(&w, 0, 1);
  state_t *pre = funded_state(&w.sender);
  chain_header_t *h = &w.b.header;
  u256_t reward;
  block_reward(EVM_BYZANTIUM, false, &reward);
  CHECK(u256_eq(&reward, &(u256_t){{3 * ETHER, 0, 0, 0}}));
  expected_after_transfer(pre, &w, &reward, &h->state_root);
  chain_receipt_t r = {.type = TX_LEGACY, .status = true, .cumulative_gas_used = 21000};
  CHECK(receipts_root(&r, 1, &h->receipts_root) == 0);

  block_exec_result_t res;
  state_t *post;
  block_error_t e = run(pre, &w.b, &c, EVM_BYZANTIUM, false, &res, &post);
  CHECK_MSG(e == BLOCK_VALID, "%s", res.reason);
  CHECK(res.gas_used == 21000 && res.receipt_count == 1 && res.receipts[0].status);
  CHECK(res.receipts[0].cumulative_gas_used == 21000 && !res.receipts[0].has_post_state);
  CHECK(res.tx_index == -1);
  ethc_address_t to = addr(0xbb);
  u256_t got = balance(post, &to);
  CHECK(u256_eq(&got, &(u256_t){{1000, 0, 0, 0}}));
  block_exec_result_free(&res);
  state_free(post);

  /* each header check */
  chain_header_t saved = *h;
  h->gas_used = 21001;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_GAS_USED);
  *h = saved;
  h->state_root.bytes[0] ^= 1;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_STATE_ROOT);
  *h = saved;
  h->receipts_root.bytes[5] ^= 1;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_RECEIPTS_ROOT);
  *h = saved;
  h->bloom[7] = 1;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_BLOOM);
  *h = saved;
  h->tx_root.bytes[31] ^= 1;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_TX_ROOT);
  *h = saved;
  h->ommers_hash.bytes[0] ^= 1;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_UNCLES_HASH);
  *h = saved;
  /* block gas allowance: the transaction needs 21000 */
  h->gas_limit = 20999;
  e = run(pre, &w.b, &c, EVM_BYZANTIUM, false, &res, NULL);
  CHECK(e == BLOCK_ERR_TX && res.tx_index == 0 && res.error == BLOCK_ERR_TX && res.reason[0]);
  CHECK(res.tx_invalid == TXE_GAS_ALLOWANCE_EXCEEDED);
  block_exec_result_free(&res);
  *h = saved;
  /* wrong chain id for an EIP-155 signature is caught by tx_check */
  chain_config_t c5 = c;
  c5.chain_id = u(5);
  w.tx.has_chain_id = true;
  w.tx.chain_id = U256_ONE;
  tx_sign(&w.tx, w.sk);
  e = run(pre, &w.b, &c5, EVM_BYZANTIUM, false, &res, NULL);
  CHECK(e == BLOCK_ERR_TX && res.tx_index == 0 && res.tx_error != 0);
  CHECK(res.tx_invalid == TXE_CHAIN_ID);
  block_exec_result_free(&res);
  /* ommers: more than two, and any after the merge */
  chain_header_t om[3];
  memset(om, 0, sizeof om);
  w.b.ommers = om;
  w.b.ommer_count = 3;
  CHECK(run(pre, &w.b, &c, EVM_BYZANTIUM, false, NULL, NULL) == BLOCK_ERR_TOO_MANY_UNCLES);
  w.b.ommer_count = 1;
  CHECK(run(pre, &w.b, &c, EVM_PARIS, true, NULL, NULL) == BLOCK_ERR_POS_UNCLES);
  w.b.ommers = NULL;
  w.b.ommer_count = 0;
  /* EIP-7934 size limit, from Osaka only */
  CHECK(block_check_rlp_size(EVM_OSAKA, BLOCK_MAX_RLP_SIZE + 1) == BLOCK_ERR_BLOCK_SIZE);
  CHECK(block_check_rlp_size(EVM_OSAKA, BLOCK_MAX_RLP_SIZE) == BLOCK_VALID);
  CHECK(block_check_rlp_size(EVM_PRAGUE, BLOCK_MAX_RLP_SIZE + 1) == BLOCK_VALID);

  /* a nonce gap: the transaction is invalid against the state */
  built_t w2;
  build_transfer(&w2, 1, 1);
  w2.b.header.state_root = saved.state_root;
  w2.b.header.receipts_root = saved.receipts_root;
  e = run(pre, &w2.b, &c, EVM_BYZANTIUM, false, &res, NULL);
  CHECK(e == BLOCK_ERR_TX && res.tx_index == 0 && res.tx_error == ETHC_ERR_TX_INVALID);
  CHECK(res.tx_invalid == TXE_NONCE_TOO_HIGH);
  block_exec_result_free(&res);
  bytes_buf_free(&w2.tx_enc);
  bytes_buf_free(&w.tx_enc);
  state_free(pre);
}

/* Before Byzantium a receipt carries the state root after its transaction (no reward yet). */
static void test_frontier_receipt(void) {
  chain_config_t c;
  config_upto(&c, FORK_HOMESTEAD);
  built_t w;
  build_transfer(&w, 0, 1);
  state_t *pre = funded_state(&w.sender);
  u256_t zero = U256_ZERO, reward;
  ethc_hash_t intermediate;
  expected_after_transfer(pre, &w, &zero, &intermediate);
  block_reward(EVM_HOMESTEAD, false, &reward);
  CHECK(u256_eq(&reward, &(u256_t){{5 * ETHER, 0, 0, 0}}));
  expected_after_transfer(pre, &w, &reward, &w.b.header.state_root);
  chain_receipt_t r = {.type = TX_LEGACY,
                       .has_post_state = true,
                       .post_state = intermediate,
                       .cumulative_gas_used = 21000};
  CHECK(receipts_root(&r, 1, &w.b.header.receipts_root) == 0);
  block_exec_result_t res;
  block_error_t e = run(pre, &w.b, &c, EVM_HOMESTEAD, false, &res, NULL);
  CHECK_MSG(e == BLOCK_VALID, "%s", res.reason);
  CHECK(res.receipt_count == 1 && res.receipts[0].has_post_state);
  CHECK(ethc_hash_eq(&res.receipts[0].post_state, &intermediate));
  block_exec_result_free(&res);
  bytes_buf_free(&w.tx_enc);
  state_free(pre);

  /* rewards per fork */
  block_reward(EVM_CONSTANTINOPLE, false, &reward);
  CHECK(u256_eq(&reward, &(u256_t){{2 * ETHER, 0, 0, 0}}));
  block_reward(EVM_LONDON, true, &reward);
  CHECK(u256_is_zero(&reward));
}

/* ---- ommers ---- */

static bytes_buf_t ommers_list(const chain_header_t *o, size_t n) {
  bytes_buf_t b = {0};
  size_t l = rlp_list_begin(&b);
  for (size_t i = 0; i < n; i++) header_encode(&o[i], &b);
  rlp_list_end(&b, l);
  return b;
}

static void test_ommer_reward(void) {
  chain_config_t c;
  config_upto(&c, FORK_BYZANTIUM);
  state_t *pre = state_new();
  chain_block_t b;
  memset(&b, 0, sizeof b);
  chain_header_t om;
  memset(&om, 0, sizeof om);
  om.number = 1;
  om.coinbase = addr(0x0e);
  b.ommers = &om;
  b.ommer_count = 1;
  bytes_buf_t ol = ommers_list(&om, 1);
  b.ommers_rlp = bytes_view(ol.data, ol.len);
  chain_header_t *h = &b.header;
  h->number = 3;
  h->gas_limit = 5000;
  h->coinbase = addr(0xcc);
  keccak256(ol.data, ol.len, h->ommers_hash.bytes);
  h->tx_root = HEADER_EMPTY_TRIE_ROOT;
  h->receipts_root = HEADER_EMPTY_TRIE_ROOT;
  /* ommer: (8 + 1 - 3) / 8 * 3 ether = 2.25 ether; miner: 3 + 3/32 ether */
  state_t *x = state_new();
  u256_t r1 = u(ETHER / 4 * 9), r2 = u(3 * ETHER + 3 * ETHER / 32);
  CHECK(state_add_balance(x, &om.coinbase, &r1) == 0);
  CHECK(state_add_balance(x, &h->coinbase, &r2) == 0);
  state_commit(x, true);
  CHECK(state_root(x, &h->state_root) == 0);
  state_free(x);
  block_exec_result_t res;
  block_error_t e = run(pre, &b, &c, EVM_BYZANTIUM, false, &res, NULL);
  CHECK_MSG(e == BLOCK_VALID, "%s", res.reason);
  block_exec_result_free(&res);
  /* after the merge there is no reward at all (and no ommers) */
  b.ommer_count = 0;
  b.ommers_rlp = bytes_view(NULL, 0);
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  CHECK(state_root(pre, &h->state_root) == 0);
  CHECK(run(pre, &b, &c, EVM_PARIS, true, NULL, NULL) == BLOCK_VALID);
  bytes_buf_free(&ol);
  state_free(pre);
}

static void set_difficulty(const chain_config_t *c, chain_header_t *h, const chain_header_t *parent) {
  difficulty_rules_t rules = chain_config_difficulty_rules(c, h->number);
  difficulty_input_t in = {h->number, h->timestamp, parent->timestamp, parent->difficulty,
                           !ethc_hash_eq(&parent->ommers_hash, &HEADER_EMPTY_OMMERS_HASH)};
  difficulty_calc(&h->difficulty, &rules, &in);
}

static chain_header_t child_of(const chain_config_t *c, const chain_header_t *p, uint64_t dt, uint8_t tag) {
  chain_header_t h = *p;
  header_hash(p, &h.parent_hash);
  h.number = p->number + 1;
  h.timestamp = p->timestamp + dt;
  h.extra[0] = tag;
  h.extra_len = 1;
  set_difficulty(c, &h, p);
  return h;
}

static void test_ommer_ancestry(void) {
  chain_config_t c;
  config_upto(&c, FORK_HOMESTEAD);
  chain_header_t g;
  memset(&g, 0, sizeof g);
  g.gas_limit = 5000000;
  g.difficulty = u(0x20000);
  g.ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  chain_header_t a1 = child_of(&c, &g, 13, 1), a2 = child_of(&c, &a1, 13, 2);
  chain_header_t uncle = child_of(&c, &g, 14, 9);    /* sibling of a1 */
  chain_header_t brother = child_of(&c, &a1, 15, 8); /* sibling of a2's... child of the block's parent */
  block_ancestor_t anc[3];
  header_hash(&a2, &anc[0].hash);
  anc[0].header = &a2;
  header_hash(&a1, &anc[1].hash);
  anc[1].header = &a1;
  header_hash(&g, &anc[2].hash);
  anc[2].header = &g;
  for (int i = 0; i < 3; i++) {
    anc[i].ommer_hashes = NULL;
    anc[i].ommer_count = 0;
  }
  /* the block (number 3, child of a2) */
  chain_block_t b;
  memset(&b, 0, sizeof b);
  b.header = child_of(&c, &a2, 13, 3);
  ethc_hash_t bh;
  header_hash(&b.header, &bh);
  char why[128];
  chain_header_t list[3];
  b.ommers = list;

  list[0] = uncle;
  b.ommer_count = 1;
  CHECK_MSG(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_VALID, "%s", why);
  /* only the parent and grandparent known: the uncle's parent (genesis) is too old */
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 2, false, why, sizeof why, NULL) == BLOCK_ERR_UNCLE);
  list[0] = a1; /* an ancestor */
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_UNCLE);
  list[0] = a2; /* the parent itself */
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_UNCLE);
  list[0] = child_of(&c, &a2, 14, 7); /* a sibling of the block */
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_UNCLE);
  list[0] = brother; /* child of a1: a valid ommer of the block (a2's sibling) */
  CHECK_MSG(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_VALID, "%s", why);
  list[0] = uncle;
  list[1] = uncle; /* twice */
  b.ommer_count = 2;
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_UNCLE);
  list[1] = brother;
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_VALID);
  b.ommer_count = 3;
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_TOO_MANY_UNCLES);
  /* already included by an ancestor */
  ethc_hash_t uh;
  header_hash(&uncle, &uh);
  anc[0].ommer_hashes = &uh;
  anc[0].ommer_count = 1;
  b.ommer_count = 1;
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_UNCLE);
  anc[0].ommer_count = 0;
  /* an invalid ommer header reports its own class */
  list[0] = uncle;
  u256_t one = U256_ONE;
  u256_add(&list[0].difficulty, &list[0].difficulty, &one);
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_DIFFICULTY);
  list[0] = uncle;
  list[0].timestamp = g.timestamp;
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, why, sizeof why, NULL) == BLOCK_ERR_TIMESTAMP);
  /* the block as its own ommer */
  list[0] = b.header;
  CHECK(block_validate_ommers(&c, &b, &bh, anc, 3, false, NULL, 0, NULL) == BLOCK_ERR_UNCLE);
}

/* ---- withdrawals ---- */

static void test_withdrawals(void) {
  chain_config_t c;
  config_upto(&c, FORK_GRAY_GLACIER);
  c.activation[FORK_SHANGHAI] = 0;
  c.has_ttd = true;
  state_t *pre = state_new();
  chain_withdrawal_t wd[2] = {{0, 1, addr(0x01), 7}, {1, 2, addr(0x02), 0}};
  bytes_buf_t enc[2] = {{0}, {0}};
  bytes_view_t views[2];
  for (int i = 0; i < 2; i++) {
    size_t l = rlp_list_begin(&enc[i]);
    rlp_put_u64(&enc[i], wd[i].index);
    rlp_put_u64(&enc[i], wd[i].validator_index);
    rlp_put_bytes(&enc[i], wd[i].address.bytes, 20);
    rlp_put_u64(&enc[i], wd[i].amount_gwei);
    rlp_list_end(&enc[i], l);
    views[i] = bytes_view(enc[i].data, enc[i].len);
  }
  chain_block_t b;
  memset(&b, 0, sizeof b);
  b.has_withdrawals = true;
  b.withdrawals = wd;
  b.withdrawal_encodings = views;
  b.withdrawal_count = 2;
  chain_header_t *h = &b.header;
  h->number = 1;
  h->timestamp = 12;
  h->gas_limit = 30000000;
  h->has_base_fee = true;
  h->base_fee = u(7);
  h->has_withdrawals_root = true;
  CHECK(block_withdrawals_root(&b, &h->withdrawals_root) == 0);
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->tx_root = HEADER_EMPTY_TRIE_ROOT;
  h->receipts_root = HEADER_EMPTY_TRIE_ROOT;
  state_t *x = state_new();
  u256_t amount = u(7 * GWEI);
  CHECK(state_add_balance(x, &wd[0].address, &amount) == 0);
  state_commit(x, true);
  CHECK(state_root(x, &h->state_root) == 0);
  state_free(x);
  state_t *post;
  block_exec_result_t res;
  block_error_t e = run(pre, &b, &c, EVM_SHANGHAI, true, &res, &post);
  CHECK_MSG(e == BLOCK_VALID, "%s", res.reason);
  block_exec_result_free(&res);
  u256_t got = balance(post, &wd[0].address);
  CHECK(u256_eq(&got, &amount));
  CHECK(!state_exists(post, &wd[1].address)); /* a zero withdrawal creates nothing */
  state_free(post);
  h->withdrawals_root.bytes[3] ^= 1;
  CHECK(run(pre, &b, &c, EVM_SHANGHAI, true, NULL, NULL) == BLOCK_ERR_WITHDRAWALS_ROOT);
  h->withdrawals_root.bytes[3] ^= 1;
  b.has_withdrawals = false;
  CHECK(run(pre, &b, &c, EVM_SHANGHAI, true, NULL, NULL) == BLOCK_ERR_FIELDS);
  for (int i = 0; i < 2; i++) bytes_buf_free(&enc[i]);
  state_free(pre);
}

/* ---- blob gas used (EIP-4844) ---- */

/* A Cancun block of one blob transaction whose header blob gas used is wrong:
 * with a valid versioned hash the header's count is what fails, with a bad one
 * the transaction is named first (execution-specs validates each transaction's
 * blobs before comparing the header's blob gas used). */
static void test_blob_gas_order(void) {
  chain_config_t c;
  config_upto(&c, FORK_CANCUN);
  c.has_ttd = true;
  built_t w;
  build_transfer(&w, 0, 1);
  ethc_hash_t vh = {{0}};
  vh.bytes[0] = TX_BLOB_COMMITMENT_VERSION_KZG;
  tx_t *tx = &w.tx;
  tx->type = TX_BLOB;
  tx->has_chain_id = true;
  tx->chain_id = U256_ONE;
  tx->max_fee_per_blob_gas = u(1);
  tx->blob_hashes = &vh;
  tx->blob_hashes_count = 1;
  chain_block_t *b = &w.b;
  chain_header_t *h = &b->header;
  h->difficulty = U256_ZERO;
  h->has_base_fee = true;
  h->base_fee = u(7);
  h->has_withdrawals_root = true;
  h->withdrawals_root = HEADER_EMPTY_TRIE_ROOT;
  b->has_withdrawals = true;
  h->has_blob_gas = true;
  h->blob_gas_used = 2 * TX_GAS_PER_BLOB; /* the body has one blob */
  h->has_parent_beacon_root = true;
  state_t *pre = funded_state(&w.sender);
  for (int bad = 0; bad < 2; bad++) {
    vh.bytes[0] = bad ? 0x02 : TX_BLOB_COMMITMENT_VERSION_KZG;
    bytes_buf_free(&w.tx_enc);
    CHECK(tx_sign(tx, w.sk) == 0);
    CHECK(tx_encode(tx, &w.tx_enc) == 0);
    w.tx_view = bytes_view(w.tx_enc.data, w.tx_enc.len);
    CHECK(block_tx_root(b, &h->tx_root) == 0);
    block_exec_result_t res;
    block_error_t e = run(pre, b, &c, EVM_CANCUN, true, &res, NULL);
    if (bad) CHECK_MSG(e == BLOCK_ERR_TX && res.tx_invalid == TXE_BLOB_VERSION, "%s", res.reason);
    else CHECK_MSG(e == BLOCK_ERR_BLOB_GAS_USED, "%s", res.reason);
    block_exec_result_free(&res);
  }
  /* no bound of its own in the header rules: only the body decides */
  chain_header_t parent = *h, child = *h;
  parent.number = 0;
  parent.timestamp = 0;
  parent.blob_gas_used = 0;
  parent.excess_blob_gas = 0;
  parent.gas_used = parent.gas_limit / 2;
  header_expected_base_fee(&c, &parent, &child.base_fee);
  child.blob_gas_used = 1000 * TX_GAS_PER_BLOB + 1;
  CHECK(header_validate(&c, &child, &parent, true, false) == BLOCK_VALID);
  bytes_buf_free(&w.tx_enc);
  state_free(pre);
}

/* ---- DAO fork and system calls ---- */

static void test_dao(void) {
  state_t *st = state_new();
  ethc_address_t dao, extra, child, refund;
  hex_decode_fixed("bb9bc244d798123fde783fcc1c72d3bb8c189413", false, dao.bytes, 20);
  hex_decode_fixed("807640a13483f8ac783c557fcdf27be11ea4ac7a", false, extra.bytes, 20);
  hex_decode_fixed("d4fe7bc31cedb7bfb8a345f31e668033056b2728", false, child.bytes, 20);
  hex_decode_fixed("bf4ed7b27f1d666546e30d74d50d173d20bca754", false, refund.bytes, 20);
  u256_t a = u(100), b = u(5), c = u(1);
  CHECK(state_set_balance(st, &dao, &a) == 0);
  CHECK(state_set_balance(st, &extra, &b) == 0);
  CHECK(state_set_balance(st, &refund, &c) == 0);
  state_commit(st, false);
  CHECK(block_apply_dao_fork(st) == 0);
  state_commit(st, false);
  u256_t got = balance(st, &refund);
  CHECK(u256_eq(&got, &(u256_t){{106, 0, 0, 0}}));
  got = balance(st, &dao);
  CHECK(u256_is_zero(&got) && state_exists(st, &dao));
  got = balance(st, &extra);
  CHECK(u256_is_zero(&got));
  CHECK(state_exists(st, &child)); /* go-ethereum creates every listed account */
  state_free(st);
}

static void test_system_calls(void) {
  chain_block_env_t env;
  memset(&env, 0, sizeof env);
  env.number = 5;
  env.timestamp = 60;
  env.gas_limit = 30000000;
  env.chain_id = U256_ONE;
  state_t *st = state_new();
  ethc_hash_t root;
  memset(root.bytes, 0x5a, 32);
  /* no code: skipped when unchecked, an error when checked */
  CHECK(block_beacon_root_call(st, vm, EVM_CANCUN, &env, &root) == 0);
  CHECK(!state_exists(st, &BLOCK_BEACON_ROOTS_ADDRESS) && !state_exists(st, &BLOCK_SYSTEM_ADDRESS));
  CHECK(block_system_call(st, vm, EVM_PRAGUE, &env, &BLOCK_WITHDRAWAL_REQUEST_ADDRESS, NULL, 0, true, NULL) ==
        ETHC_ERR_NOT_FOUND);
  /* SSTORE(0, CALLDATALOAD(0)) */
  static const uint8_t store[] = {0x60, 0x00, 0x35, 0x60, 0x00, 0x55, 0x00};
  CHECK(state_set_code(st, &BLOCK_BEACON_ROOTS_ADDRESS, store, sizeof store) == 0);
  state_commit(st, true);
  CHECK(block_beacon_root_call(st, vm, EVM_CANCUN, &env, &root) == 0);
  u256_t k = U256_ZERO, v, want;
  state_get_storage(st, &BLOCK_BEACON_ROOTS_ADDRESS, &k, &v);
  u256_from_be(&want, root.bytes);
  CHECK(u256_eq(&v, &want));
  CHECK(!state_exists(st, &BLOCK_SYSTEM_ADDRESS));
  /* the same code at the EIP-2935 address stores the parent hash */
  CHECK(state_set_code(st, &BLOCK_HISTORY_STORAGE_ADDRESS, store, sizeof store) == 0);
  state_commit(st, true);
  memset(root.bytes, 0x33, 32);
  CHECK(block_history_call(st, vm, EVM_PRAGUE, &env, &root) == 0);
  state_get_storage(st, &BLOCK_HISTORY_STORAGE_ADDRESS, &k, &v);
  u256_from_be(&want, root.bytes);
  CHECK(u256_eq(&v, &want));
  /* REVERT: ignored unchecked, an error checked */
  static const uint8_t revert[] = {0x60, 0x00, 0x60, 0x00, 0xfd};
  CHECK(state_set_code(st, &BLOCK_WITHDRAWAL_REQUEST_ADDRESS, revert, sizeof revert) == 0);
  state_commit(st, true);
  CHECK(block_system_call(st, vm, EVM_PRAGUE, &env, &BLOCK_WITHDRAWAL_REQUEST_ADDRESS, NULL, 0, false, NULL) == 0);
  CHECK(block_system_call(st, vm, EVM_PRAGUE, &env, &BLOCK_WITHDRAWAL_REQUEST_ADDRESS, NULL, 0, true, NULL) ==
        ETHC_ERR_INVALID);
  /* returned data: MSTORE(0, 42) RETURN(0, 32) */
  static const uint8_t ret[] = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
  CHECK(state_set_code(st, &BLOCK_CONSOLIDATION_REQUEST_ADDRESS, ret, sizeof ret) == 0);
  state_commit(st, true);
  bytes_buf_t out = {0};
  CHECK(block_system_call(st, vm, EVM_PRAGUE, &env, &BLOCK_CONSOLIDATION_REQUEST_ADDRESS, NULL, 0, true, &out) == 0);
  CHECK(out.len == 32 && out.data[31] == 42 && out.data[0] == 0);
  bytes_buf_free(&out);
  state_free(st);
}

/* ---- decoding ---- */

/* rlp([header of `fields` fields at block 1, time 12, [tx], [], []]); `tx` is one
 * encoded transaction list item or NULL. */
static void build_raw_block(bytes_buf_t *rlp, int fields, const uint8_t *tx, size_t tx_len) {
  static const uint8_t h32[32], bloom[256], n8[8];
  size_t outer = rlp_list_begin(rlp), hl = rlp_list_begin(rlp);
  for (int i = 0; i < fields; i++) {
    switch (i) {
      case 2: rlp_put_bytes(rlp, h32, 20); break;
      case 6: rlp_put_bytes(rlp, bloom, 256); break;
      case 7:
      case 9:
      case 10:
      case 15:
      case 17:
      case 18: rlp_put_u64(rlp, 0); break;
      case 8: rlp_put_u64(rlp, 1); break;
      case 11: rlp_put_u64(rlp, 12); break;
      case 12: rlp_put_bytes(rlp, NULL, 0); break;
      case 14: rlp_put_bytes(rlp, n8, 8); break;
      default: rlp_put_bytes(rlp, h32, 32);
    }
  }
  rlp_list_end(rlp, hl);
  size_t l = rlp_list_begin(rlp);
  if (tx) bytes_buf_append(rlp, tx, tx_len);
  rlp_list_end(rlp, l);
  l = rlp_list_begin(rlp);
  rlp_list_end(rlp, l);
  l = rlp_list_begin(rlp);
  rlp_list_end(rlp, l);
  rlp_list_end(rlp, outer);
}

static void test_decode_classes(void) {
  chain_block_t b;
  char why[128];
  static const uint8_t garbage[] = {0xc3, 0x01, 0x02};
  CHECK(block_decode_classified(NULL, garbage, sizeof garbage, &b, NULL, why, sizeof why) == BLOCK_ERR_RLP);
  CHECK(block_decode_classified(NULL, garbage, 0, &b, NULL, NULL, 0) == BLOCK_ERR_RLP);
  /* a header whose extra data (field 12) is longer than any decoder keeps */
  static uint8_t extra[1100];
  bytes_buf_t rlp = {0};
  size_t outer = rlp_list_begin(&rlp), hl = rlp_list_begin(&rlp);
  static const uint8_t h32[32], bloom[256], n8[8];
  rlp_put_bytes(&rlp, h32, 32);
  rlp_put_bytes(&rlp, h32, 32);
  rlp_put_bytes(&rlp, h32, 20);
  for (int i = 0; i < 3; i++) rlp_put_bytes(&rlp, h32, 32);
  rlp_put_bytes(&rlp, bloom, 256);
  for (int i = 0; i < 5; i++) rlp_put_u64(&rlp, 1);
  rlp_put_bytes(&rlp, extra, sizeof extra);
  rlp_put_bytes(&rlp, h32, 32);
  rlp_put_bytes(&rlp, n8, 8);
  rlp_list_end(&rlp, hl);
  size_t l = rlp_list_begin(&rlp);
  rlp_list_end(&rlp, l);
  l = rlp_list_begin(&rlp);
  rlp_list_end(&rlp, l);
  rlp_list_end(&rlp, outer);
  CHECK(block_decode_classified(NULL, rlp.data, rlp.len, &b, NULL, why, sizeof why) == BLOCK_ERR_EXTRA_DATA);
  bytes_buf_free(&rlp);

  chain_config_t c;
  config_upto(&c, FORK_CANCUN);
  tx_invalid_t txe;
  /* 18 header fields (blob gas used without excess blob gas): no fork's layout,
   * named by the fork of the header's number and timestamp */
  build_raw_block(&rlp, 18, NULL, 0);
  CHECK(block_decode_classified(&c, rlp.data, rlp.len, &b, &txe, why, sizeof why) == BLOCK_ERR_FIELDS);
  CHECK(block_decode_classified(NULL, rlp.data, rlp.len, &b, &txe, why, sizeof why) == BLOCK_ERR_RLP);
  bytes_buf_free(&rlp);
  build_raw_block(&rlp, 22, NULL, 0);
  CHECK(block_decode_classified(&c, rlp.data, rlp.len, &b, &txe, why, sizeof why) == BLOCK_ERR_FIELDS);
  bytes_buf_free(&rlp);
  /* the Cancun layout decodes */
  build_raw_block(&rlp, 20, NULL, 0);
  CHECK(block_decode_classified(&c, rlp.data, rlp.len, &b, &txe, why, sizeof why) == BLOCK_VALID);
  block_free(&b);
  bytes_buf_free(&rlp);
  /* a transaction value above 2^256 - 1 is the transaction's error */
  bytes_buf_t tx = {0};
  static const uint8_t to[20], big[33] = {1};
  size_t tl = rlp_list_begin(&tx);
  rlp_put_u64(&tx, 0);
  rlp_put_u64(&tx, 10);
  rlp_put_u64(&tx, 21000);
  rlp_put_bytes(&tx, to, 20);
  rlp_put_bytes(&tx, big, sizeof big);
  rlp_put_bytes(&tx, NULL, 0);
  rlp_put_u64(&tx, 27);
  rlp_put_u64(&tx, 1);
  rlp_put_u64(&tx, 1);
  rlp_list_end(&tx, tl);
  build_raw_block(&rlp, 20, tx.data, tx.len);
  CHECK(block_decode_classified(&c, rlp.data, rlp.len, &b, &txe, why, sizeof why) == BLOCK_ERR_TX);
  CHECK(txe == TXE_FIELD_OVERFLOW);
  bytes_buf_free(&rlp);
  bytes_buf_free(&tx);
}

/* ---- the shared test chains, executed in full ---- */


typedef struct {
  ethc_hash_t *hashes; /* by number */
  size_t count;
} chain_hashes_t;

static int lookup(void *ctx, uint64_t number, ethc_hash_t *out) {
  chain_hashes_t *c = ctx;
  if (number >= c->count) return ETHC_ERR_NOT_FOUND;
  *out = c->hashes[number];
  return 0;
}

static void run_chain(const char *shared, const char *dir, uint64_t want_blocks) {
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/%s/chain.rlp", shared, dir);
  if (!check_need(path, "a test chain")) return;
  snprintf(path, sizeof path, "%s/%s/genesis.json", shared, dir);
  if (!check_need(path, "a test chain")) return;
  chain_config_t c;
  chain_header_t parent;
  state_t *st = state_new();
  if (genesis_load_file(path, &c, st, &parent, err, sizeof err) != 0) {
    CHECK_MSG(false, "%s: %s", path, err);
    state_free(st);
    return;
  }
  snprintf(path, sizeof path, "%s/%s/chain.rlp", shared, dir);
  size_t len, off = 0;
  uint8_t *data = bytes_read_file(path, &len);
  CHECK_MSG(data != NULL, "cannot read %s", path);
  chain_hashes_t hs = {calloc(want_blocks + 2, sizeof(ethc_hash_t)), 1};
  header_hash(&parent, &hs.hashes[0]);
  u256_t td = parent.difficulty;
  uint64_t done = 0, txs = 0, gas = 0;
  clock_t t0 = clock();
  while (data && off < len && hs.count < want_blocks + 2) {
    rlp_item_t item;
    size_t used;
    if (rlp_decode_item(data + off, len - off, &item, &used)) break;
    chain_block_t b;
    if (block_decode_classified(&c, data + off, used, &b, NULL, err, sizeof err) != BLOCK_VALID) break;
    bool pos = c.has_ttd && !u256_lt(&td, &c.terminal_total_difficulty);
    CHECK(b.header.number == hs.count);
    block_exec_opts_t o = {
        .config = &c,
        .rev = chain_config_revision(&c, b.header.number, b.header.timestamp, pos),
        .post_merge = pos,
        .block_hash = lookup,
        .block_hash_ctx = &hs,
    };
    block_exec_result_t res;
    block_error_t e = block_execute(st, vm, &b, &o, &res);
    CHECK_MSG(e == BLOCK_VALID, "%s block %llu (%s): %s", dir, (unsigned long long)b.header.number,
              evm_revision_name(o.rev), res.reason);
    if (e == BLOCK_VALID) done++;
    txs += b.tx_count;
    gas += res.gas_used;
    block_exec_result_free(&res);
    header_hash(&b.header, &hs.hashes[hs.count++]);
    u256_add(&td, &td, &b.header.difficulty);
    block_free(&b);
    off += used;
    if (e != BLOCK_VALID) break;
  }
  CHECK_MSG(done == want_blocks, "%s: %llu blocks executed", dir, (unsigned long long)done);
  printf("%s: %llu blocks executed (%llu transactions, %llu gas) in %.2f s CPU\n", dir, (unsigned long long)done,
         (unsigned long long)txs, (unsigned long long)gas, (double)(clock() - t0) / CLOCKS_PER_SEC);
  free(hs.hashes);
  free(data);
  state_free(st);
}

int main(void) {
  vm = evm_create();
  CHECK(vm != NULL);
  if (!vm) return check_summary();
  test_transfer_block();
  test_frontier_receipt();
  test_ommer_reward();
  test_ommer_ancestry();
  test_withdrawals();
  test_blob_gas_order();
  test_dao();
  test_system_calls();
  test_decode_classes();
  const char *shared = check_shared_dir();
  run_chain(shared, "rpc-compat", 54);
  run_chain(shared, "chains/ethtest", 600);
  evm_destroy(vm);
  return check_summary();
}
