/* The EVM host interface (include/ethc/evm.h) over the in-memory state: account
 * queries, EIP-2200 storage status, EIP-2929 warm sets, EIP-1153, SELFDESTRUCT
 * (EIP-6780 from Cancun), and nested calls/creates (Yellow Paper sections 7-8,
 * EIP-150/161/170/684/1014/2681/3541/3860/7610) with precompile dispatch. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/precompiles.h"
#include "ethc/rlp.h"
#include "ethc/transition.h"

#define CODE_DEPOSIT_GAS 200
#define MAX_INITCODE_SIZE 49152
#define MAX_CALL_DEPTH 1024

static const ethc_hash_t zero_hash;

/* ---- address derivation ---- */

void chain_create_address(const ethc_address_t *sender, uint64_t nonce, ethc_address_t *out) {
  uint8_t buf[64];
  bytes_buf_t b = {buf, 0, sizeof buf}; /* never grows: 1 + 21 + 9 bytes */
  size_t l = rlp_list_begin(&b);
  rlp_put_bytes(&b, sender->bytes, 20);
  rlp_put_u64(&b, nonce);
  rlp_list_end(&b, l);
  uint8_t h[32];
  keccak256(b.data, b.len, h);
  memcpy(out->bytes, h + 12, 20);
}

void chain_create2_address(const ethc_address_t *sender, const ethc_hash_t *salt, const uint8_t *init, size_t init_size,
                           ethc_address_t *out) {
  uint8_t buf[85];
  buf[0] = 0xff;
  memcpy(buf + 1, sender->bytes, 20);
  memcpy(buf + 21, salt->bytes, 32);
  keccak256(init, init_size, buf + 53);
  uint8_t h[32];
  keccak256(buf, sizeof buf, h);
  memcpy(out->bytes, h + 12, 20);
}

/* ---- results ---- */

static evm_result_t result(evm_status_t status, int64_t gas_left) {
  evm_result_t r;
  memset(&r, 0, sizeof r);
  r.status = status;
  r.gas_left = gas_left;
  return r;
}

/* ---- balance movements (every credit and debit touches, EIP-161) ----
 * A state change that fails (out of memory, a base read) is recorded in the
 * state (state_error) as well as returned: a void host callback can stop
 * there, and the transaction's caller sees the failure as a local error. */

static int credit(state_t *st, const ethc_address_t *a, const u256_t *v) {
  int rc = state_add_balance(st, a, v);
  if (!rc) state_touch(st, a);
  return rc;
}

/* Moves `v` from `from` to `to`; the caller has checked the balance. */
static int transfer(chain_host_t *h, const ethc_address_t *from, const ethc_address_t *to, const u256_t *v) {
  state_t *st = h->state;
  int rc = ETHC_OK;
  if (u256_is_zero(v)) {
    /* No balance change, but the recipient is touched; before Spurious Dragon a
     * call creates it (later it would only be an empty account, removed anyway). */
    if (h->rev < EVM_SPURIOUS_DRAGON && !state_exists(st, to)) rc = state_add_balance(st, to, v);
    if (!rc) state_touch(st, to);
    return rc;
  }
  if ((rc = state_sub_balance(st, from, v))) return rc;
  state_touch(st, from);
  return credit(st, to, v);
}

/* ---- host interface functions ---- */

static bool h_account_exists(void *ctx, const ethc_address_t *a) {
  chain_host_t *h = ctx;
  return h->rev >= EVM_SPURIOUS_DRAGON ? !state_is_dead(h->state, a) : state_exists(h->state, a);
}

static void h_get_storage(void *ctx, const ethc_address_t *a, const u256_t *key, u256_t *value) {
  state_get_storage(((chain_host_t *)ctx)->state, a, key, value);
}

static evm_storage_status_t h_set_storage(void *ctx, const ethc_address_t *a, const u256_t *key, const u256_t *value) {
  chain_host_t *h = ctx;
  u256_t cur, orig;
  state_get_storage(h->state, a, key, &cur);
  if (u256_eq(&cur, value)) return EVM_STORAGE_ASSIGNED;
  if (state_set_storage(h->state, a, key, value, &cur, &orig)) return EVM_STORAGE_ASSIGNED; /* recorded */
  const bool v0 = u256_is_zero(value), c0 = u256_is_zero(&cur), o0 = u256_is_zero(&orig);
  if (u256_eq(&orig, &cur)) {
    if (o0) return EVM_STORAGE_ADDED;
    return v0 ? EVM_STORAGE_DELETED : EVM_STORAGE_MODIFIED;
  }
  if (!o0) {
    if (c0) return u256_eq(value, &orig) ? EVM_STORAGE_DELETED_RESTORED : EVM_STORAGE_DELETED_ADDED;
    if (v0) return EVM_STORAGE_MODIFIED_DELETED;
    if (u256_eq(value, &orig)) return EVM_STORAGE_MODIFIED_RESTORED;
    return EVM_STORAGE_ASSIGNED;
  }
  return v0 ? EVM_STORAGE_ADDED_DELETED : EVM_STORAGE_ASSIGNED;
}

static void h_get_balance(void *ctx, const ethc_address_t *a, u256_t *out) {
  state_get_balance(((chain_host_t *)ctx)->state, a, out);
}

static size_t h_get_code_size(void *ctx, const ethc_address_t *a) {
  return state_get_code_size(((chain_host_t *)ctx)->state, a);
}

static void h_get_code_hash(void *ctx, const ethc_address_t *a, ethc_hash_t *out) {
  chain_host_t *h = ctx;
  if (h->rev >= EVM_SPURIOUS_DRAGON ? state_is_dead(h->state, a) : !state_exists(h->state, a)) {
    *out = zero_hash;
    return;
  }
  state_get_code(h->state, a, NULL, out);
}

static size_t h_copy_code(void *ctx, const ethc_address_t *a, size_t offset, uint8_t *buf, size_t size) {
  size_t n;
  const uint8_t *code = state_get_code(((chain_host_t *)ctx)->state, a, &n, NULL);
  if (offset >= n) return 0;
  size_t k = n - offset < size ? n - offset : size;
  memcpy(buf, code + offset, k);
  return k;
}

static const uint8_t *h_get_code(void *ctx, const ethc_address_t *a, size_t *size, ethc_hash_t *hash) {
  return state_get_code(((chain_host_t *)ctx)->state, a, size, hash);
}

static bool h_selfdestruct(void *ctx, const ethc_address_t *a, const ethc_address_t *beneficiary) {
  chain_host_t *h = ctx;
  state_t *st = h->state;
  u256_t bal;
  state_get_balance(st, a, &bal);
  if (h->rev >= EVM_CANCUN && !state_created_in_tx(st, a)) {
    /* EIP-6780: only the balance moves (nothing happens when sent to itself). */
    if (!ethc_address_eq(a, beneficiary) && transfer(h, a, beneficiary, &bal)) return false; /* recorded */
    return false;
  }
  /* The beneficiary is credited first; then the account's balance is zeroed, so
   * ether sent to itself is burnt. */
  u256_t zero = U256_ZERO;
  if (credit(st, beneficiary, &bal) || state_set_balance(st, a, &zero)) return false; /* recorded */
  return state_mark_destructed(st, a);
}

static void h_get_tx_context(void *ctx, evm_tx_context_t *tx) { *tx = ((chain_host_t *)ctx)->tx; }

static void h_get_block_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  chain_host_t *h = ctx;
  int64_t cur = h->env->number;
  *out = zero_hash;
  if (number < 0 || number >= cur || number < cur - 256 || !h->env->block_hash) return;
  h->env->block_hash(h->env->block_hash_ctx, number, out);
}

static void h_emit_log(void *ctx, const ethc_address_t *a, const uint8_t *data, size_t size, const ethc_hash_t topics[],
                       size_t n) {
  if (state_add_log(((chain_host_t *)ctx)->state, a, data, size, topics, n)) return; /* recorded */
}

/* EIP-2929 puts the fork's precompiles in every transaction's warm set; they are
 * answered here rather than written into the state's set (and journaled, and
 * undone) for each of the 10-18 addresses in every transaction. Nothing else reads
 * the warm set: the other state_warm_account callers ignore its answer. */
static evm_access_status_t h_access_account(void *ctx, const ethc_address_t *a) {
  chain_host_t *h = ctx;
  if (evm_precompile_get(a, h->rev)) return EVM_ACCESS_WARM;
  return state_warm_account(h->state, a) ? EVM_ACCESS_WARM : EVM_ACCESS_COLD;
}

static evm_access_status_t h_access_storage(void *ctx, const ethc_address_t *a, const u256_t *key) {
  return state_warm_slot(((chain_host_t *)ctx)->state, a, key) ? EVM_ACCESS_WARM : EVM_ACCESS_COLD;
}

static void h_get_transient(void *ctx, const ethc_address_t *a, const u256_t *key, u256_t *value) {
  state_get_transient(((chain_host_t *)ctx)->state, a, key, value);
}

static void h_set_transient(void *ctx, const ethc_address_t *a, const u256_t *key, const u256_t *value) {
  if (state_set_transient(((chain_host_t *)ctx)->state, a, key, value)) return; /* recorded */
}

static evm_result_t h_call(void *ctx, const evm_message_t *msg) { return chain_host_call(ctx, msg); }

static const evm_host_t host_iface = {
    .account_exists = h_account_exists,
    .get_storage = h_get_storage,
    .set_storage = h_set_storage,
    .get_balance = h_get_balance,
    .get_code_size = h_get_code_size,
    .get_code_hash = h_get_code_hash,
    .copy_code = h_copy_code,
    .get_code = h_get_code,
    .selfdestruct = h_selfdestruct,
    .call = h_call,
    .get_tx_context = h_get_tx_context,
    .get_block_hash = h_get_block_hash,
    .emit_log = h_emit_log,
    .access_account = h_access_account,
    .access_storage = h_access_storage,
    .get_transient_storage = h_get_transient,
    .set_transient_storage = h_set_transient,
};

void chain_host_init(chain_host_t *h, state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env) {
  memset(h, 0, sizeof *h);
  h->iface = host_iface;
  h->state = st;
  h->vm = vm;
  h->rev = rev;
  h->env = env;
  /* the block's part of the EVM's context; callers add the transaction's */
  evm_tx_context_t *c = &h->tx;
  c->coinbase = env->coinbase;
  c->number = env->number;
  c->timestamp = env->timestamp;
  c->gas_limit = env->gas_limit;
  if (rev >= EVM_PARIS) u256_from_be(&c->prev_randao, env->prev_randao.bytes); /* EIP-4399 */
  else c->prev_randao = env->difficulty;
  c->chain_id = env->chain_id;
  c->base_fee = env->base_fee;
  if (rev >= EVM_CANCUN) {
    chain_blob_params_t bp = env->blob;
    if (bp.update_fraction == 0) chain_blob_params(rev, &bp);
    chain_blob_base_fee(env->excess_blob_gas, bp.update_fraction, &c->blob_base_fee);
    if (env->blob_base_fee) c->blob_base_fee = *env->blob_base_fee;
  }
}

/* ---- calls and creates ---- */

static bool has_balance(state_t *st, const ethc_address_t *a, const u256_t *v) {
  if (u256_is_zero(v)) return true;
  u256_t bal;
  state_get_balance(st, a, &bal);
  return !u256_lt(&bal, v);
}

evm_result_t chain_host_create_at(chain_host_t *h, const evm_message_t *msg, const ethc_address_t *addr) {
  state_t *st = h->state;
  if (h->rev >= EVM_BERLIN) state_warm_account(st, addr);
  /* EIP-684 + EIP-7610: an address with a nonce, code or storage cannot be created. */
  if (state_has_collision(st, addr)) return result(EVM_FAILURE, 0);
  if (h->rev >= EVM_SHANGHAI && msg->input_size > MAX_INITCODE_SIZE) return result(EVM_FAILURE, 0);

  size_t snap = state_snapshot(st);
  if (state_create_account(st, addr) || (h->rev >= EVM_SPURIOUS_DRAGON && state_set_nonce(st, addr, 1)) /* EIP-161 */
      || transfer(h, &msg->sender, addr, &msg->value)) {
    state_revert(st, snap);
    return result(EVM_INTERNAL_ERROR, 0); /* recorded in the state */
  }

  evm_message_t m = *msg;
  m.recipient = *addr;
  m.code_address = *addr;
  m.input = NULL; /* init code is code, not call data: CALLDATASIZE is 0 in it */
  m.input_size = 0;
  evm_result_t r;
  if (msg->input_size == 0) r = result(EVM_SUCCESS, msg->gas);
  else r = evm_execute(h->vm, &h->iface, h, h->rev, &m, msg->input, msg->input_size);
  if (r.status == EVM_INTERNAL_ERROR) state_set_error(st, ETHC_ERR_NOMEM); /* not a verdict */

  if (r.status == EVM_SUCCESS) {
    const uint8_t *code = r.output;
    size_t n = r.output_size;
    evm_status_t fail = EVM_SUCCESS;
    if (n > chain_max_code_size(h->rev)) fail = EVM_CONTRACT_VALIDATION_FAILURE;                       /* EIP-170 */
    else if (h->rev >= EVM_LONDON && n > 0 && code[0] == 0xef) fail = EVM_CONTRACT_VALIDATION_FAILURE; /* EIP-3541 */
    else {
      int64_t cost = (int64_t)n * CODE_DEPOSIT_GAS;
      if (r.gas_left < cost) {
        /* Homestead (EIP-2): running out of gas for the deposit fails the creation;
         * Frontier keeps the account, without code. */
        if (h->rev >= EVM_HOMESTEAD) fail = EVM_OUT_OF_GAS;
      } else {
        r.gas_left -= cost;
        if (state_set_code(st, addr, code, n)) fail = EVM_INTERNAL_ERROR; /* recorded in the state */
      }
    }
    if (fail != EVM_SUCCESS) {
      evm_result_release(&r);
      state_revert(st, snap);
      return result(fail, 0);
    }
    evm_result_t ok = result(EVM_SUCCESS, r.gas_left);
    ok.gas_refund = r.gas_refund;
    ok.create_address = *addr;
    evm_result_release(&r);
    return ok;
  }
  state_revert(st, snap);
  if (r.status != EVM_REVERT) {
    evm_result_release(&r);
    return result(r.status, 0);
  }
  r.gas_refund = 0;
  return r;
}

evm_result_t chain_host_call(chain_host_t *h, const evm_message_t *msg) {
  state_t *st = h->state;
  if (msg->depth > MAX_CALL_DEPTH) return result(EVM_CALL_DEPTH_EXCEEDED, msg->gas);

  if (msg->kind == EVM_CREATE || msg->kind == EVM_CREATE2) {
    if (!has_balance(st, &msg->sender, &msg->value)) return result(EVM_INSUFFICIENT_BALANCE, msg->gas);
    uint64_t nonce = state_get_nonce(st, &msg->sender);
    if (nonce == UINT64_MAX) return result(EVM_FAILURE, msg->gas);                          /* EIP-2681 */
    if (state_set_nonce(st, &msg->sender, nonce + 1)) return result(EVM_INTERNAL_ERROR, 0); /* recorded */
    ethc_address_t addr;
    if (msg->kind == EVM_CREATE) chain_create_address(&msg->sender, nonce, &addr);
    else chain_create2_address(&msg->sender, &msg->salt, msg->input, msg->input_size, &addr);
    return chain_host_create_at(h, msg, &addr);
  }

  if (msg->kind != EVM_DELEGATECALL && !has_balance(st, &msg->sender, &msg->value))
    return result(EVM_INSUFFICIENT_BALANCE, msg->gas);

  size_t snap = state_snapshot(st);
  if (msg->kind == EVM_CALL && transfer(h, &msg->sender, &msg->recipient, &msg->value)) {
    state_revert(st, snap);
    return result(EVM_INTERNAL_ERROR, 0); /* recorded in the state */
  }

  evm_result_t r;
  /* EIP-7702: a delegation to a precompile address runs that account's (empty) code. */
  const evm_precompile_t *p = NULL;
  if (!msg->delegated)
    p = h->env->precompile ? h->env->precompile(h->env->precompile_ctx, &msg->code_address, h->rev)
                           : evm_precompile_get(&msg->code_address, h->rev);
  if (p) {
    r = evm_precompile_call(p, h->rev, msg->input, msg->input_size, msg->gas);
  } else {
    size_t n;
    const uint8_t *code = state_get_code(st, &msg->code_address, &n, NULL);
    if (n == 0) r = result(EVM_SUCCESS, msg->gas);
    else r = evm_execute(h->vm, &h->iface, h, h->rev, msg, code, n);
  }
  if (r.status == EVM_INTERNAL_ERROR) state_set_error(st, ETHC_ERR_NOMEM); /* not a verdict */
  if (r.status != EVM_SUCCESS) {
    state_revert(st, snap);
    r.gas_refund = 0;
    if (r.status != EVM_REVERT) r.gas_left = 0;
  }
  return r;
}
