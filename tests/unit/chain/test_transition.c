/* Unit tests for the state transition (src/chain/transition.c, host.c, fork.c):
 * CREATE/CREATE2 addresses (EIP-1014 examples), the EIP-4844 blob base fee, and
 * whole transactions: a value transfer with fees, invalid transactions that must
 * leave the state untouched, a contract creation with code deposit, refunds. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/transition.h"

static ethc_address_t addr(const char *hex) {
  ethc_address_t a;
  hex_decode_fixed(hex, true, a.bytes, 20);
  return a;
}

static void test_addresses(void) {
  ethc_address_t out, want;
  /* CREATE: the well-known first contract of 0x6ac7...dbf0. */
  ethc_address_t s = addr("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
  chain_create_address(&s, 0, &out);
  want = addr("0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d");
  CHECK(ethc_address_eq(&out, &want));
  chain_create_address(&s, 1, &out);
  want = addr("0x343c43a37d37dff08ae8c4a11544c718abb4fcf8");
  CHECK(ethc_address_eq(&out, &want));
  /* CREATE2: EIP-1014 examples 0 and 1. */
  ethc_address_t zero = {{0}};
  ethc_hash_t salt = {{0}};
  uint8_t init0[1] = {0x00};
  chain_create2_address(&zero, &salt, init0, 1, &out);
  want = addr("0x4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38");
  CHECK(ethc_address_eq(&out, &want));
  ethc_address_t dead = addr("0xdeadbeef00000000000000000000000000000000");
  chain_create2_address(&dead, &salt, init0, 1, &out);
  want = addr("0xb928f69bb1d91cd65274e3c79d8986362984fda3");
  CHECK(ethc_address_eq(&out, &want));
  /* Example 6: empty init code, salt 0. */
  chain_create2_address(&zero, &salt, NULL, 0, &out);
  want = addr("0xe33c0c7f7df4809055c3eba6c09cfe4baf1bd9e0");
  CHECK(ethc_address_eq(&out, &want));
}

static void test_blob_fee(void) {
  u256_t f;
  chain_blob_base_fee(0, 3338477, &f);
  CHECK(f.w[0] == 1 && u256_fits_u64(&f));
  /* One update fraction of excess gives e ~ 2.718 -> 2. */
  chain_blob_base_fee(3338477, 3338477, &f);
  CHECK(f.w[0] == 2);
  chain_blob_base_fee(10 * 3338477ull, 3338477, &f);
  CHECK(f.w[0] == 22026); /* floor(e^10) with the integer series */
  chain_blob_base_fee(UINT64_MAX, 1, &f);
  CHECK(u256_eq(&f, &U256_MAX)); /* saturates instead of overflowing */
  chain_blob_base_fee(5, 0, &f);
  CHECK(u256_is_zero(&f));
  chain_blob_params_t p;
  chain_blob_params(EVM_CANCUN, &p);
  CHECK(p.max == 6 && p.target == 3);
  chain_blob_params(EVM_PRAGUE, &p);
  CHECK(p.max == 9 && p.update_fraction == 5007716);
  CHECK(chain_refund_quotient(EVM_BERLIN) == 2 && chain_refund_quotient(EVM_LONDON) == 5);
}

static chain_block_env_t make_env(void) {
  chain_block_env_t env;
  memset(&env, 0, sizeof env);
  env.coinbase = addr("0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba");
  env.number = 1;
  env.timestamp = 1000;
  env.gas_limit = 30000000;
  env.base_fee = u256_from_u64(10);
  env.chain_id = U256_ONE;
  return env;
}

static void test_transfer(evm_t *vm) {
  state_t *st = state_new();
  ethc_address_t from = addr("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b");
  ethc_address_t to = addr("0x1000000000000000000000000000000000000001");
  u256_t bal = u256_from_u64(1000000000000ull), v;
  CHECK(state_set_balance(st, &from, &bal) == 0);
  state_commit(st, true);
  ethc_hash_t pre;
  CHECK(state_root(st, &pre) == 0);
  chain_block_env_t env = make_env();

  tx_t tx;
  memset(&tx, 0, sizeof tx);
  tx.type = TX_DYNAMIC_FEE;
  tx.max_fee_per_gas = u256_from_u64(20);
  tx.max_priority_fee_per_gas = u256_from_u64(2);
  tx.gas_price = tx.max_fee_per_gas;
  tx.gas_limit = 21000;
  tx.has_to = true;
  tx.to = to;
  tx.value = u256_from_u64(5);
  chain_tx_result_t res;

  /* Invalid: wrong nonce, fee cap below base fee, too little gas, over the block limit. */
  tx.nonce = 1;
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_NONCE_TOO_HIGH && res.reason);
  tx.nonce = 0;
  tx.max_fee_per_gas = u256_from_u64(9);
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_MAX_FEE_BELOW_BASE_FEE);
  /* several rules broken: the fee cap is named before the intrinsic gas */
  tx.gas_limit = 20999;
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_MAX_FEE_BELOW_BASE_FEE);
  tx.max_fee_per_gas = u256_from_u64(1);
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_PRIORITY_ABOVE_MAX_FEE);
  tx.max_fee_per_gas = u256_from_u64(20);
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INTRINSIC_GAS);
  CHECK(res.invalid == TXE_INTRINSIC_GAS);
  tx.nonce = 3; /* the nonce before the intrinsic gas */
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_NONCE_TOO_HIGH);
  tx.nonce = 0;
  tx.gas_limit = 40000000;
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_GAS_ALLOWANCE_EXCEEDED);
  tx.gas_limit = 21000;
  /* Typed transactions before their fork. */
  CHECK(chain_apply_tx(st, vm, EVM_BERLIN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_TYPE);
  CHECK(res.invalid == TXE_TYPE_2_PRE_FORK);
  /* Not enough balance for gas * fee cap + value. */
  tx.value = bal;
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_INSUFFICIENT_FUNDS);
  tx.value = U256_MAX; /* gas * price + value overflows: still insufficient funds */
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_INSUFFICIENT_FUNDS);
  tx.value = u256_from_u64(5);
  ethc_hash_t r;
  CHECK(state_root(st, &r) == 0);
  CHECK(ethc_hash_eq(&r, &pre));

  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == 0);
  CHECK(res.status == EVM_SUCCESS && res.gas_used == 21000 && res.invalid == TXE_NONE);
  state_get_balance(st, &from, &v);
  /* price = min(20, 10 + 2) = 12 */
  CHECK(v.w[0] == 1000000000000ull - 21000 * 12 - 5);
  state_get_balance(st, &to, &v);
  CHECK(v.w[0] == 5);
  state_get_balance(st, &env.coinbase, &v);
  CHECK(v.w[0] == 21000 * 2);
  CHECK(state_get_nonce(st, &from) == 1);
  chain_tx_result_free(&res);

  /* EIP-3607: a sender with code is rejected. */
  uint8_t code[] = {0x00};
  CHECK(state_set_code(st, &from, code, 1) == 0);
  state_commit(st, true);
  tx.nonce = 1;
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_SENDER_NOT_EOA);
  tx.nonce = 0; /* the nonce first */
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == ETHC_ERR_TX_INVALID);
  CHECK(res.invalid == TXE_NONCE_TOO_LOW);
  state_free(st);
}

static void test_create(evm_t *vm) {
  state_t *st = state_new();
  ethc_address_t from = addr("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b");
  u256_t bal = u256_from_u64(1000000000000ull);
  CHECK(state_set_balance(st, &from, &bal) == 0);
  state_commit(st, true);
  chain_block_env_t env = make_env();
  /* init code: store 1 at slot 0, return 2 bytes of code 0x6001 (mstore at 0: 0x6001 in the low bytes). */
  uint8_t init[] = {0x60, 0x01, 0x60, 0x00, 0x55,       /* sstore(0, 1) */
                    0x61, 0x60, 0x01, 0x60, 0x00, 0x52, /* mstore(0, 0x6001) */
                    0x60, 0x02, 0x60, 0x1e, 0xf3};      /* return(30, 2) */
  tx_t tx;
  memset(&tx, 0, sizeof tx);
  tx.type = TX_LEGACY;
  tx.gas_price = tx.max_fee_per_gas = tx.max_priority_fee_per_gas = u256_from_u64(10);
  tx.gas_limit = 200000;
  tx.data = init;
  tx.data_len = sizeof init;
  chain_tx_result_t res;
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == 0);
  CHECK(res.status == EVM_SUCCESS && res.created);
  ethc_address_t want;
  chain_create_address(&from, 0, &want);
  CHECK(ethc_address_eq(&res.contract_address, &want));
  size_t n;
  const uint8_t *code = state_get_code(st, &want, &n, NULL);
  CHECK(n == 2 && code[0] == 0x60 && code[1] == 0x01);
  CHECK(state_get_nonce(st, &want) == 1);
  u256_t k = U256_ZERO, v;
  state_get_storage(st, &want, &k, &v);
  CHECK(v.w[0] == 1);
  chain_tx_result_free(&res);

  /* Frontier: not enough gas for the deposit keeps an empty account; Homestead fails it. */
  tx.nonce = 1;
  uint64_t intrinsic = tx_intrinsic_gas(&tx, EVM_FRONTIER);
  tx.gas_limit = intrinsic + 20000 + 30; /* sstore 20000 + ~30 for the rest, no 400 for the deposit */
  CHECK(chain_apply_tx(st, vm, EVM_FRONTIER, &env, &tx, &from, &res, NULL, NULL) == 0);
  chain_create_address(&from, 1, &want);
  CHECK(res.status == EVM_SUCCESS);
  CHECK(state_exists(st, &want) && state_get_code_size(st, &want) == 0);
  chain_tx_result_free(&res);
  tx.nonce = 2;
  tx.gas_limit = tx_intrinsic_gas(&tx, EVM_HOMESTEAD) + 20000 + 30;
  CHECK(chain_apply_tx(st, vm, EVM_HOMESTEAD, &env, &tx, &from, &res, NULL, NULL) == 0);
  chain_create_address(&from, 2, &want);
  CHECK(res.status != EVM_SUCCESS);
  CHECK(!state_exists(st, &want));
  CHECK(state_get_nonce(st, &from) == 3);
  chain_tx_result_free(&res);
  state_free(st);
}


static void test_host(evm_t *vm) {
  state_t *st = state_new();
  chain_block_env_t env = make_env();
  ethc_address_t a = addr("0x1000000000000000000000000000000000000001");
  ethc_address_t b = addr("0x2000000000000000000000000000000000000002");
  u256_t k1 = u256_from_u64(1), k2 = u256_from_u64(2), x = u256_from_u64(7), y = u256_from_u64(9), z = U256_ZERO, v;
  uint8_t code[] = {0x00};
  CHECK(state_set_code(st, &a, code, 1) == 0);
  CHECK(state_set_storage(st, &a, &k1, &x, NULL, NULL) == 0);
  u256_t hundred = u256_from_u64(100);
  CHECK(state_set_balance(st, &a, &hundred) == 0);
  state_commit(st, true);

  chain_host_t h;
  chain_host_init(&h, st, vm, EVM_CANCUN, &env);
  const evm_host_t *hi = &h.iface;
  /* EIP-2200 statuses (original -> current -> new). */
  CHECK(hi->set_storage(&h, &a, &k1, &x) == EVM_STORAGE_ASSIGNED);          /* X -> X -> X */
  CHECK(hi->set_storage(&h, &a, &k1, &y) == EVM_STORAGE_MODIFIED);          /* X -> X -> Y */
  CHECK(hi->set_storage(&h, &a, &k1, &x) == EVM_STORAGE_MODIFIED_RESTORED); /* X -> Y -> X */
  CHECK(hi->set_storage(&h, &a, &k1, &z) == EVM_STORAGE_DELETED);           /* X -> X -> 0 */
  CHECK(hi->set_storage(&h, &a, &k1, &y) == EVM_STORAGE_DELETED_ADDED);     /* X -> 0 -> Y */
  CHECK(hi->set_storage(&h, &a, &k1, &z) == EVM_STORAGE_MODIFIED_DELETED);  /* X -> Y -> 0 */
  CHECK(hi->set_storage(&h, &a, &k1, &x) == EVM_STORAGE_DELETED_RESTORED);  /* X -> 0 -> X */
  CHECK(hi->set_storage(&h, &a, &k2, &x) == EVM_STORAGE_ADDED);             /* 0 -> 0 -> X */
  CHECK(hi->set_storage(&h, &a, &k2, &y) == EVM_STORAGE_ASSIGNED);          /* 0 -> X -> Y */
  CHECK(hi->set_storage(&h, &a, &k2, &z) == EVM_STORAGE_ADDED_DELETED);     /* 0 -> Y -> 0 */
  /* Warm sets. */
  CHECK(hi->access_account(&h, &b) == EVM_ACCESS_COLD);
  CHECK(hi->access_account(&h, &b) == EVM_ACCESS_WARM);
  CHECK(hi->access_storage(&h, &a, &k1) == EVM_ACCESS_COLD);
  CHECK(hi->access_storage(&h, &a, &k1) == EVM_ACCESS_WARM);
  /* Existence per EIP-161 and code hashes. */
  CHECK(hi->account_exists(&h, &a) && !hi->account_exists(&h, &b));
  ethc_hash_t ch;
  hi->get_code_hash(&h, &b, &ch);
  static const ethc_hash_t zh;
  CHECK(ethc_hash_eq(&ch, &zh));
  /* Block hashes only inside the 256-block window (and none without a callback). */
  hi->get_block_hash(&h, 0, &ch);
  CHECK(ethc_hash_eq(&ch, &zh));
  /* EIP-6780: a pre-existing contract keeps existing, its balance moves. */
  CHECK(!hi->selfdestruct(&h, &a, &b));
  hi->get_balance(&h, &b, &v);
  CHECK(v.w[0] == 100);
  hi->get_balance(&h, &a, &v);
  CHECK(u256_is_zero(&v));
  state_commit(st, true);
  CHECK(state_exists(st, &a) && state_get_code_size(st, &a) == 1);
  /* Before Cancun it is deleted at the end of the transaction. */
  chain_host_init(&h, st, vm, EVM_SHANGHAI, &env);
  CHECK(hi->selfdestruct(&h, &a, &b));
  CHECK(!hi->selfdestruct(&h, &a, &b));
  state_commit(st, true);
  CHECK(!state_exists(st, &a));
  /* A nested call to an empty account with value moves it; depth over 1024 fails. */
  evm_message_t m;
  memset(&m, 0, sizeof m);
  m.kind = EVM_CALL;
  m.depth = 1;
  m.gas = 1000;
  m.sender = b;
  m.recipient = m.code_address = a;
  m.value = u256_from_u64(40);
  evm_result_t r = chain_host_call(&h, &m);
  CHECK(r.status == EVM_SUCCESS && r.gas_left == 1000);
  evm_result_release(&r);
  state_get_balance(st, &a, &v);
  CHECK(v.w[0] == 40);
  m.depth = 1025;
  r = chain_host_call(&h, &m);
  CHECK(r.status != EVM_SUCCESS && r.gas_left == 1000);
  evm_result_release(&r);
  state_free(st);
}

/* The class table: every class has a message and an error code (the names the
 * official tests give them: tests/vectors/unit/test_exception_names.c); decoding
 * failures are classed by the field that broke. */
static void test_tx_classes(void) {
  for (int c = 1; c < TXE__COUNT; c++) {
    CHECK_MSG(*tx_invalid_message((tx_invalid_t)c), "class %d", c);
    CHECK_MSG(tx_invalid_code((tx_invalid_t)c) != 0, "class %d", c);
  }
  CHECK(tx_invalid_code(TXE_NONE) == 0);
  CHECK(tx_invalid_code(TXE_INTRINSIC_GAS) == ETHC_ERR_TX_INTRINSIC_GAS);
  CHECK(tx_invalid_code(TXE_TYPE_4_PRE_FORK) == ETHC_ERR_TX_TYPE);
  CHECK(tx_type_pre_fork(TX_SET_CODE) == TXE_TYPE_4_PRE_FORK && tx_type_pre_fork(7) == TXE_TYPE_NOT_SUPPORTED);
  CHECK(tx_invalid_from_decode(ETHC_ERR_RLP_NONCANONICAL) == TXE_RLP_NONCANONICAL);
  CHECK(tx_invalid_from_decode(ETHC_ERR_RLP_TRUNCATED) == TXE_RLP_STRUCTURE);
  /* legacy [nonce, gasPrice, gas, to, value, data, v, r, s] */
  uint8_t tx[64];
  size_t n = 0;
  tx[n++] = 0;    /* list header, filled below */
  tx[n++] = 0x80; /* nonce 0 */
  tx[n++] = 0x01; /* gas price 1 */
  tx[n++] = 0x89; /* gas: 9 bytes, leading zero */
  memset(tx + n, 0, 8);
  n += 8;
  tx[n++] = 0x01;
  tx[n++] = 0x80; /* to: creation */
  tx[n++] = 0x80; /* value */
  tx[n++] = 0x80; /* data */
  tx[n++] = 0x1b; /* v 27 */
  tx[n++] = 0x01; /* r */
  tx[n++] = 0x01; /* s */
  tx[0] = (uint8_t)(0xc0 + n - 1);
  /* a 64-bit field's length before its leading zeros */
  CHECK(tx_invalid_of_encoding(tx, n, ETHC_ERR_RLP_NONCANONICAL) == TXE_FIELD_OVERFLOW);
  tx[3] = 0x88; /* 8 bytes with a leading zero: only non-canonical */
  memmove(tx + 4, tx + 5, n - 5);
  n--;
  tx[0] = (uint8_t)(0xc0 + n - 1);
  CHECK(tx_invalid_of_encoding(tx, n, ETHC_ERR_RLP_NONCANONICAL) == TXE_RLP_NONCANONICAL);
  CHECK(tx_invalid_of_encoding(tx, 0, ETHC_ERR_RLP_TRUNCATED) == TXE_RLP_STRUCTURE);
  /* r over 256 bits: the signature */
  n -= 2;
  tx[n++] = 0xa1;
  tx[n++] = 0x01;
  memset(tx + n, 0x22, 32);
  n += 32;
  tx[n++] = 0x01;
  tx[0] = (uint8_t)(0xc0 + n - 1);
  CHECK(tx_invalid_of_encoding(tx, n, ETHC_ERR_OVERFLOW) == TXE_SIGNATURE);
  tx[n - 34] = 0x00; /* ... but with a leading zero, the encoding is named first */
  CHECK(tx_invalid_of_encoding(tx, n, ETHC_ERR_RLP_NONCANONICAL) == TXE_RLP_NONCANONICAL);
}

int main(void) {
  evm_t *vm = evm_create();
  CHECK(vm != NULL);
  test_addresses();
  test_tx_classes();
  test_blob_fee();
  if (vm) {
    test_transfer(vm);
    test_create(vm);
    test_host(vm);
    evm_destroy(vm);
  }
  return check_summary();
}
