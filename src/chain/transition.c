/* Applying one transaction to the world state (Yellow Paper section 6 with
 * EIP-155/1559/2681/2929/2930/3529/3607/3651/3860/4844/7623/7702): validity against
 * the state, gas purchase, execution through the host, refund, fee payment, and
 * the end-of-transaction clearing of EIP-158/161. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/precompiles.h"
#include "ethc/tracer.h"
#include "ethc/transition.h"

void chain_tx_result_free(chain_tx_result_t *r) {
  free(r->output);
  r->output = NULL;
  r->output_size = 0;
}

/* a * b + c into 256 bits; false on overflow. */
static bool mul_add(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *c) {
  uint64_t p[8];
  u256_mul_full(p, a, b);
  if (p[4] | p[5] | p[6] | p[7]) return false;
  u256_t m = {{p[0], p[1], p[2], p[3]}}, s;
  u256_add(&s, &m, c);
  if (u256_lt(&s, &m)) return false;
  *r = s;
  return true;
}

static bool is_delegation(const uint8_t *code, size_t n) {
  return n == 23 && code[0] == 0xef && code[1] == 0x01 && code[2] == 0x00;
}

static int invalid(chain_tx_result_t *res, tx_invalid_t cls, const char *reason) {
  res->invalid = cls;
  res->error = tx_invalid_code(cls);
  res->reason = reason ? reason : tx_invalid_message(cls);
  return res->error;
}

/* ethc's own failure while applying the transaction (out of memory, a state
 * read): not a verdict. The state has recorded it too (state_error). */
static int local_failure(chain_tx_result_t *res, int rc) {
  res->error = rc;
  res->reason = ethc_strerror(rc);
  return rc;
}

/* EIP-7702: applies the authorization list (Prague+); returns the refund for
 * authorities that already existed. Invalid tuples are skipped. */
static int64_t apply_authorizations(chain_host_t *h, const tx_t *tx) {
  state_t *st = h->state;
  int64_t refund = 0;
  for (size_t i = 0; i < tx->authorizations_count; i++) {
    const tx_authorization_t *a = &tx->authorizations[i];
    if (!u256_is_zero(&a->chain_id) && !u256_eq(&a->chain_id, &h->env->chain_id)) continue;
    if (a->nonce == UINT64_MAX) continue;
    ethc_address_t auth;
    if (tx_authority_recover(a, &auth) != 0) continue;
    state_warm_account(st, &auth);
    size_t n;
    const uint8_t *code = state_get_code(st, &auth, &n, NULL);
    if (n != 0 && !is_delegation(code, n)) continue;
    if (state_get_nonce(st, &auth) != a->nonce) continue;
    if (state_exists(st, &auth)) refund += (int64_t)(TX_GAS_PER_AUTH - TX_GAS_PER_AUTH_BASE);
    static const ethc_address_t zero_addr;
    uint8_t d[23] = {0xef, 0x01, 0x00};
    memcpy(d + 3, a->address.bytes, 20);
    bool clear = ethc_address_eq(&a->address, &zero_addr);
    if (state_set_code(st, &auth, clear ? NULL : d, clear ? 0 : sizeof d) || state_set_nonce(st, &auth, a->nonce + 1))
      break; /* recorded in the state: the caller checks state_error */
    state_touch(st, &auth);
  }
  return refund;
}

void chain_warm_tx_accounts(state_t *st, evm_revision_t rev, const ethc_address_t *sender, const ethc_address_t *to,
                            const ethc_address_t *coinbase) {
  if (rev < EVM_BERLIN) return;
  state_warm_account(st, sender);
  if (to) state_warm_account(st, to);
  /* the precompiles: see h_access_account in host.c */
  if (rev >= EVM_SHANGHAI) state_warm_account(st, coinbase);
}

static void trace_tx_start(evm_t *vm, const tx_t *tx, const evm_message_t *msg) {
  evm_trace_tx_t t;
  memset(&t, 0, sizeof t);
  t.from = msg->sender;
  t.create = !tx->has_to;
  if (tx->has_to) t.to = tx->to;
  t.gas_limit = tx->gas_limit;
  t.value = tx->value;
  evm_trace_tx_start(vm, &t);
  evm_trace_enter_t e;
  memset(&e, 0, sizeof e);
  e.kind = tx->has_to ? EVM_TRACE_CALL : EVM_TRACE_CREATE;
  e.from = msg->sender;
  if (tx->has_to) e.to = tx->to;
  e.value = msg->value;
  e.gas = msg->gas;
  e.input = msg->input;
  e.input_size = msg->input_size;
  evm_trace_enter(vm, &e);
}

static void trace_frame_exit(evm_t *vm, state_t *st, const evm_message_t *msg, const evm_result_t *r) {
  evm_trace_exit_t x;
  memset(&x, 0, sizeof x);
  x.status = r->status;
  x.gas_left = r->status == EVM_SUCCESS || r->status == EVM_REVERT ? r->gas_left : 0;
  x.gas_used = msg->gas - x.gas_left;
  x.output = r->output;
  x.output_size = r->output_size;
  if (msg->kind == EVM_CREATE && r->status == EVM_SUCCESS) {
    x.create_address = r->create_address;
    x.output = state_get_code(st, &r->create_address, &x.output_size, NULL);
  }
  evm_trace_exit(vm, &x);
}

int chain_apply_tx(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env, const tx_t *tx,
                   const ethc_address_t *sender, chain_tx_result_t *res, chain_logs_fn logs_out, void *logs_ctx) {
  return chain_apply_tx_opts(st, vm, rev, env, tx, sender, res, logs_out, logs_ctx, NULL);
}

int chain_apply_tx_opts(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env, const tx_t *tx,
                        const ethc_address_t *sender, chain_tx_result_t *res, chain_logs_fn logs_out, void *logs_ctx,
                        const chain_tx_opts_t *opts) {
  static const chain_tx_opts_t strict;
  if (!opts) opts = &strict;
  memset(res, 0, sizeof *res);

  /* ---- the transaction alone (validate_transaction, but the intrinsic gas) ---- */
  tx_invalid_t cls = tx_rules_alone(tx, rev);
  if ((cls == TXE_NONCE_MAX && opts->skip_nonce) || (cls == TXE_GAS_LIMIT_CAP && opts->skip_gas_cap)) {
    /* the rules after the skipped one, as tx_rules_alone runs them */
    cls = TXE_NONE;
    if (rev >= EVM_SHANGHAI && !tx->has_to && tx->data_len > TX_MAX_INITCODE_SIZE) cls = TXE_INITCODE_TOO_LARGE;
    else if (!opts->skip_gas_cap && rev >= EVM_OSAKA && tx->gas_limit > TX_MAX_GAS_LIMIT_OSAKA) cls = TXE_GAS_LIMIT_CAP;
  }
  if (cls != TXE_NONE) return invalid(res, cls, NULL);

  /* ---- against the block (check_transaction) ---- */
  if (tx->gas_limit > (uint64_t)env->gas_limit) return invalid(res, TXE_GAS_ALLOWANCE_EXCEEDED, NULL);
  chain_blob_params_t bp = env->blob;
  if (bp.update_fraction == 0) chain_blob_params(rev, &bp);
  size_t max_blobs = tx_max_blobs(rev);
  if (bp.max && bp.max < max_blobs) max_blobs = (size_t)bp.max;
  const uint64_t blob_gas = tx_blob_gas(tx);
  if (tx->type == TX_BLOB) {
    /* Before Osaka the per-transaction limit is the per-block one. */
    if (rev < EVM_OSAKA && tx->blob_hashes_count > max_blobs) return invalid(res, TXE_BLOB_COUNT_EXCEEDED, NULL);
    if (bp.max && blob_gas / TX_GAS_PER_BLOB > bp.max) return invalid(res, TXE_BLOB_GAS_ALLOWANCE_EXCEEDED, NULL);
  }
  const bool legacy_fees = tx->type == TX_LEGACY || tx->type == TX_ACCESS_LIST;
  const u256_t max_fee = legacy_fees ? tx->gas_price : tx->max_fee_per_gas;
  const u256_t max_tip = legacy_fees ? tx->gas_price : tx->max_priority_fee_per_gas;
  const bool skip_fees = opts->no_base_fee && u256_is_zero(&max_fee) && u256_is_zero(&max_tip);
  if (rev >= EVM_LONDON && !skip_fees) {
    if (u256_gt(&max_tip, &max_fee)) return invalid(res, TXE_PRIORITY_ABOVE_MAX_FEE, NULL);
    if (u256_lt(&max_fee, &env->base_fee)) return invalid(res, TXE_MAX_FEE_BELOW_BASE_FEE, NULL);
  }
  u256_t blob_fee = U256_ZERO, blob_base_fee = U256_ZERO;
  if (rev >= EVM_CANCUN) chain_blob_base_fee(env->excess_blob_gas, bp.update_fraction, &blob_base_fee);
  if (tx->type == TX_BLOB) {
    if (tx->blob_hashes_count == 0) return invalid(res, TXE_BLOB_ZERO, NULL);
    if (tx->blob_hashes_count > max_blobs) return invalid(res, TXE_BLOB_COUNT_EXCEEDED, NULL);
    for (size_t i = 0; i < tx->blob_hashes_count; i++)
      if (tx->blob_hashes[i].bytes[0] != TX_BLOB_COMMITMENT_VERSION_KZG) return invalid(res, TXE_BLOB_VERSION, NULL);
    if (u256_lt(&tx->max_fee_per_blob_gas, &blob_base_fee)) return invalid(res, TXE_BLOB_FEE_BELOW_BLOB_BASE_FEE, NULL);
    if (!tx->has_to) return invalid(res, TXE_BLOB_CREATE, NULL);
  }
  if (tx->type == TX_SET_CODE) {
    if (!tx->has_to) return invalid(res, TXE_SET_CODE_CREATE, NULL);
    if (tx->authorizations_count == 0) return invalid(res, TXE_EMPTY_AUTH_LIST, NULL);
  }

  /* ---- against the sender's account ---- */
  const uint64_t nonce = state_get_nonce(st, sender);
  if (!opts->skip_nonce && tx->nonce < nonce) return invalid(res, TXE_NONCE_TOO_LOW, NULL);
  if (!opts->skip_nonce && tx->nonce > nonce) return invalid(res, TXE_NONCE_TOO_HIGH, NULL);
  u256_t gl = u256_from_u64(tx->gas_limit), bg = u256_from_u64(blob_gas), need, bal;
  state_get_balance(st, sender, &bal);
  if (!mul_add(&need, &gl, &max_fee, &tx->value) ||
      (blob_gas && !mul_add(&need, &bg, &tx->max_fee_per_blob_gas, &need)) || u256_lt(&bal, &need))
    return invalid(res, TXE_INSUFFICIENT_FUNDS, NULL);
  {
    size_t n;
    const uint8_t *code = state_get_code(st, sender, &n, NULL);
    if (n != 0 && !opts->skip_eoa && !(rev >= EVM_PRAGUE && is_delegation(code, n)))
      return invalid(res, TXE_SENDER_NOT_EOA, NULL);
  }
  /* ---- gas limit against the intrinsic gas (go-ethereum checks it last) ---- */
  uint64_t intrinsic, floor;
  if ((cls = tx_rules_gas(tx, rev, &intrinsic, &floor)) != TXE_NONE) return invalid(res, cls, NULL);

  /* ---- valid: buy gas ---- */
  u256_t price = tx->gas_price;
  if (rev >= EVM_LONDON) {
    u256_t cap;
    u256_add(&cap, &env->base_fee, &max_tip);
    price = u256_lt(&cap, &max_fee) ? cap : max_fee;
  }
  u256_t cost;
  mul_add(&cost, &gl, &price, &U256_ZERO);
  if (blob_gas) {
    mul_add(&blob_fee, &bg, &blob_base_fee, &U256_ZERO);
    u256_add(&cost, &cost, &blob_fee);
  }
  int rc = state_sub_balance(st, sender, &cost);
  if (rc) return local_failure(res, rc); /* the balance was checked above */

  chain_host_t h;
  chain_host_init(&h, st, vm, rev, env);
  evm_tx_context_t *c = &h.tx;
  c->gas_price = price;
  c->origin = *sender;
  c->blob_hashes = tx->blob_hashes;
  c->blob_hashes_count = tx->blob_hashes_count;

  /* EIP-2929/2930/3651 pre-warming. */
  if (rev >= EVM_BERLIN) {
    chain_warm_tx_accounts(st, rev, sender, tx->has_to ? &tx->to : NULL, &env->coinbase);
    for (size_t i = 0; i < tx->access_list_count; i++) {
      const tx_access_entry_t *e = &tx->access_list[i];
      state_warm_account(st, &e->address);
      for (size_t k = 0; k < e->storage_keys_count; k++) {
        u256_t key;
        u256_from_be(&key, e->storage_keys[k].bytes);
        state_warm_slot(st, &e->address, &key);
      }
    }
  }

  int64_t auth_refund = 0;
  if ((tx->has_to || tx->type == TX_SET_CODE) && (rc = state_set_nonce(st, sender, nonce + 1)))
    return local_failure(res, rc);
  if (tx->type == TX_SET_CODE) auth_refund = apply_authorizations(&h, tx);
  if ((rc = state_error(st))) return local_failure(res, rc);

  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  msg.kind = tx->has_to ? EVM_CALL : EVM_CREATE;
  msg.depth = 0;
  msg.gas = (int64_t)(tx->gas_limit - intrinsic);
  msg.sender = *sender;
  msg.input = tx->data;
  msg.input_size = tx->data_len;
  msg.value = tx->value;
  if (tx->has_to) {
    msg.recipient = tx->to;
    msg.code_address = tx->to;
    if (rev >= EVM_PRAGUE) { /* EIP-7702: run the delegate's code */
      size_t n;
      const uint8_t *code = state_get_code(st, &tx->to, &n, NULL);
      if (is_delegation(code, n)) {
        memcpy(msg.code_address.bytes, code + 3, 20);
        msg.delegated = true;
        state_warm_account(st, &msg.code_address);
      }
    }
  }
  /* A creation's nonce increment happens inside the CREATE path (before the
   * address is derived from the old nonce), exactly as for the opcode. */
  /* The tracer's view of the transaction and of its own frame (the interpreter
   * reports the frames it opens). */
  const bool traced = evm_get_tracer(vm, NULL) != NULL;
  if (traced) trace_tx_start(vm, tx, &msg);
  evm_result_t r = chain_host_call(&h, &msg);
  if (traced) trace_frame_exit(vm, st, &msg, &r);

  /* ---- refund and fees ---- */
  int64_t gas_left = r.gas_left;
  if (r.status != EVM_SUCCESS && r.status != EVM_REVERT) gas_left = 0;
  uint64_t gas_used = tx->gas_limit - (uint64_t)gas_left;
  res->peak_gas_used = gas_used < floor ? floor : gas_used;
  int64_t refund = (r.status == EVM_SUCCESS ? r.gas_refund : 0) + auth_refund;
  if (refund < 0) refund = 0;
  uint64_t max_refund = gas_used / chain_refund_quotient(rev);
  gas_used -= (uint64_t)refund < max_refund ? (uint64_t)refund : max_refund;
  if (gas_used < floor) gas_used = floor;

  u256_t back = u256_from_u64(tx->gas_limit - gas_used), amount;
  mul_add(&amount, &back, &price, &U256_ZERO);
  if ((rc = state_add_balance(st, sender, &amount))) return local_failure(res, rc);
  if (!skip_fees) { /* NoBaseFee with zero fees: no tip, which could be negative */
    u256_t tip = price;
    if (rev >= EVM_LONDON) u256_sub(&tip, &price, &env->base_fee);
    u256_t used = u256_from_u64(gas_used);
    mul_add(&amount, &used, &tip, &U256_ZERO);
    if ((rc = state_add_balance(st, &env->coinbase, &amount))) return local_failure(res, rc);
    state_touch(st, &env->coinbase);
  }

  res->status = r.status;
  res->gas_used = gas_used;
  res->blob_gas_used = blob_gas;
  if (r.status == EVM_SUCCESS && !tx->has_to) {
    res->created = true;
    res->contract_address = r.create_address;
  }
  if (r.output_size) {
    res->output = malloc(r.output_size);
    if (res->output) {
      memcpy(res->output, r.output, r.output_size);
      res->output_size = r.output_size;
    }
  }
  if (traced) {
    evm_trace_tx_end_t e = {gas_used, r.status, r.output, r.output_size};
    if (res->created) e.output = state_get_code(st, &r.create_address, &e.output_size, NULL);
    evm_trace_tx_end(vm, &e);
  }
  evm_result_release(&r);

  if ((rc = state_logs_hash(st, &res->logs_hash))) {
    state_set_error(st, rc);
    return local_failure(res, rc);
  }
  if (logs_out) {
    size_t n;
    const state_log_t *logs = state_logs(st, &n);
    logs_out(logs_ctx, logs, n);
  }
  state_commit(st, rev >= EVM_SPURIOUS_DRAGON);
  return 0;
}
