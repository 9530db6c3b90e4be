/* Execution without a transaction (execution-apis src/eth/execute.yaml):
 * eth_call and eth_estimateGas on the snapshot of the block their parameter
 * names, through chain_call. Errors as geth gives them: a revert with data is
 * code 3 "execution reverted[: REASON]" with the revert data, other failures
 * and invalid transactions -32000 with the reason. eth_estimateGas is geth's
 * search: the plain-transfer shortcut, one run at the cap, an optimistic guess
 * from the gas used, then bisection down to 1.5%. eth_createAccessList runs
 * the call with an access-list tracer until the list settles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/error.h"
#include "ethc/precompiles.h"
#include "ethc/state.h"
#include "ethc/tracer.h"
#include "ethc/transition.h"
#include "ethc/tx.h"
#include "rpc/rpc_internal.h"
#include "rpc/quick.h"
#include "rpc/simulate.h"

#define CALL_STIPEND 2300
#define ESTIMATE_ERROR_PERMILLE 15

int rpc_parse_u256(rpc_call_t *c, int i, const cJSON *v, u256_t *out) {
  if (!cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-string into Go value of type *hexutil.Big", i);
  const char *s = v->valuestring;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex string without 0x prefix", i);
  if (!s[2]) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex string \"0x\"", i);
  if (s[2] == '0' && s[3])
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex number with leading zero digits", i);
  if (strlen(s + 2) > 64) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex number > 256 bits", i);
  if (!u256_from_string(out, s)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: invalid hex string", i);
  return 0;
}

static const cJSON *field(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return v && !cJSON_IsNull(v) ? v : NULL;
}

int rpc_parse_call(rpc_call_t *c, int i, const cJSON *v, chain_call_msg_t *msg, uint8_t **data) {
  memset(msg, 0, sizeof *msg);
  *data = NULL;
  if (!cJSON_IsObject(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-object into Go value of type "
                    "ethapi.TransactionArgs",
                    i);
  const cJSON *f;
  if ((f = field(v, "from")) && rpc_parse_addr(c, i, f, &msg->from)) return -1;
  if ((f = field(v, "to"))) {
    if (rpc_parse_addr(c, i, f, &msg->to)) return -1;
    msg->has_to = true;
  }
  if ((f = field(v, "gas")) && rpc_parse_qty(c, i, f, &msg->gas)) return -1;
  /* geth decodes the nonce (a malformed one is refused) but a call skips the
   * nonce checks and runs with the sender's nonce in the state; only
   * eth_createAccessList uses it (for the address a creation is listed under) */
  uint64_t nonce;
  if ((f = field(v, "nonce")) && rpc_parse_qty(c, i, f, &nonce)) return -1;
  if ((f = field(v, "value")) && rpc_parse_u256(c, i, f, &msg->value)) return -1;
  const cJSON *gp = field(v, "gasPrice"), *mf = field(v, "maxFeePerGas"), *mp = field(v, "maxPriorityFeePerGas");
  if (gp && (mf || mp))
    return rpc_fail(c, RPC_SERVER_ERROR, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
  if (gp && rpc_parse_u256(c, i, gp, &msg->gas_price)) return -1;
  if (mf || mp) {
    msg->dynamic_fee = true;
    if (mf && rpc_parse_u256(c, i, mf, &msg->max_fee_per_gas)) return -1;
    if (mp && rpc_parse_u256(c, i, mp, &msg->max_priority_fee_per_gas)) return -1;
    if (u256_lt(&msg->max_fee_per_gas, &msg->max_priority_fee_per_gas))
      return rpc_fail(c, RPC_SERVER_ERROR, "maxFeePerGas (%s) < maxPriorityFeePerGas", mf ? mf->valuestring : "0x0");
    if (!mf) msg->dynamic_fee = false; /* no fee cap: a call without fees, as geth */
  }
  const cJSON *in = field(v, "input"), *dt = field(v, "data");
  uint8_t *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;
  if (in && rpc_parse_data(c, i, in, &a, &alen)) return -1;
  if (dt && rpc_parse_data(c, i, dt, &b, &blen)) return free(a), -1;
  if (a && b && (alen != blen || memcmp(a, b, alen))) {
    free(a), free(b);
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction "
                    "call data");
  }
  if (a) free(b);
  else a = b, alen = blen;
  /* one allocation for the call data and the access list, which msg points into */
  const cJSON *al = field(v, "accessList"), *e, *k;
  size_t entries = 0, keys = 0;
  if (al && !cJSON_IsArray(al))
    return free(a), rpc_fail(c, RPC_INVALID_PARAMS,
                             "invalid argument %d: json: cannot unmarshal non-array into Go value of type "
                             "types.AccessList",
                             i);
  cJSON_ArrayForEach(e, al) {
    const cJSON *ks = cJSON_GetObjectItemCaseSensitive(e, "storageKeys");
    if (!cJSON_IsObject(e) || (ks && !cJSON_IsArray(ks)))
      return free(a), rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: malformed accessList", i);
    entries++;
    keys += (size_t)cJSON_GetArraySize(ks);
  }
  uint8_t *block = malloc(entries * sizeof(tx_access_entry_t) + keys * sizeof(ethc_hash_t) + alen + 1);
  if (!block) return free(a), rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  tx_access_entry_t *ents = (tx_access_entry_t *)block;
  ethc_hash_t *kp = (ethc_hash_t *)(block + entries * sizeof *ents);
  uint8_t *dp = (uint8_t *)(kp + keys);
  if (alen) memcpy(dp, a, alen);
  free(a);
  *data = block;
  msg->data = dp;
  msg->data_len = alen;
  size_t n = 0;
  cJSON_ArrayForEach(e, al) {
    tx_access_entry_t *ent = &ents[n++];
    if (rpc_parse_addr(c, i, cJSON_GetObjectItemCaseSensitive(e, "address"), &ent->address)) goto bad;
    ent->storage_keys = kp;
    ent->storage_keys_count = 0;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(e, "storageKeys")) {
      if (rpc_parse_hash(c, i, k, &kp[ent->storage_keys_count])) goto bad;
      ent->storage_keys_count++;
    }
    kp += ent->storage_keys_count;
  }
  msg->access_list = entries ? ents : NULL;
  msg->access_list_count = entries;
  if (c->srv->gas_cap && msg->gas > c->srv->gas_cap) msg->gas = c->srv->gas_cap; /* geth: capped, not refused */
  return 0;
bad:
  free(block);
  *data = NULL;
  return -1;
}

int rpc_fail_block_overrides(rpc_call_t *c, const cJSON *params, int i) {
  const cJSON *o = rpc_param(params, i);
  if (!o || cJSON_IsNull(o) || (cJSON_IsObject(o) && !o->child)) return 0;
  return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: block overrides are not supported here", i);
}

/* geth's StateOverride, {address: {balance, nonce, code, state | stateDiff,
 * movePrecompileToAddress}}: checked here, applied by rpc_apply_state_overrides
 * on the call's own overlay. */
static int check_slots(rpc_call_t *c, int i, const cJSON *slots) {
  const cJSON *e;
  if (!cJSON_IsObject(slots))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: state and stateDiff must be objects", i);
  cJSON_ArrayForEach(e, slots) {
    ethc_hash_t h;
    cJSON key = {.type = cJSON_String, .valuestring = e->string};
    if (rpc_parse_hash(c, i, &key, &h) || rpc_parse_hash(c, i, e, &h)) return -1;
  }
  return 0;
}

/* The moved precompiles of the call running on this thread (eth_call and the
 * like: one call at a time per thread; reset by call_adjust_env). */
static _Thread_local rpc_precompiles_t call_precompiles;
/* Why the overrides of that call were refused (rpc_fail_local reports it). */
static _Thread_local char call_override_err[160];

static int apply_overrides(void *ctx, state_t *st) {
  return rpc_apply_state_overrides(ctx, st, &call_precompiles, call_override_err, sizeof call_override_err);
}

int rpc_parse_state_overrides(rpc_call_t *c, int i, const cJSON *o, chain_call_msg_t *msg) {
  const cJSON *acct, *f;
  if (!o || cJSON_IsNull(o)) return 0;
  if (!cJSON_IsObject(o))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-object into Go value of type ethapi.StateOverride",
                    i);
  cJSON_ArrayForEach(acct, o) {
    ethc_address_t a;
    cJSON key = {.type = cJSON_String, .valuestring = acct->string};
    if (rpc_parse_addr(c, i, &key, &a)) return -1;
    if (!cJSON_IsObject(acct))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: an account override must be an object", i);
    u256_t bal;
    uint64_t nonce;
    uint8_t *code = NULL;
    size_t len;
    if ((f = field(acct, "balance")) && rpc_parse_u256(c, i, f, &bal)) return -1;
    if ((f = field(acct, "nonce")) && rpc_parse_qty(c, i, f, &nonce)) return -1;
    if ((f = field(acct, "code"))) {
      if (rpc_parse_data(c, i, f, &code, &len)) return -1;
      free(code);
    }
    const cJSON *st = field(acct, "state"), *diff = field(acct, "stateDiff");
    if (st && diff) return rpc_fail(c, RPC_SERVER_ERROR, "account %s has both 'state' and 'stateDiff'", acct->string);
    if ((st && check_slots(c, i, st)) || (diff && check_slots(c, i, diff))) return -1;
    if ((f = field(acct, "movePrecompileToAddress")) && rpc_parse_addr(c, i, f, &a)) return -1;
  }
  if (o->child) {
    msg->prepare = apply_overrides;
    msg->prepare_ctx = (void *)o;
  }
  return 0;
}

static int set_slots(state_t *st, const ethc_address_t *a, const cJSON *slots) {
  const cJSON *e;
  cJSON_ArrayForEach(e, slots) {
    uint8_t k[32], v[32];
    u256_t key, val;
    if (hex_decode_fixed(e->string, true, k, 32) || hex_decode_fixed(e->valuestring, true, v, 32))
      return ETHC_ERR_INVALID;
    u256_from_be(&key, k);
    u256_from_be(&val, v);
    int rc = state_set_storage(st, a, &key, &val, NULL, NULL);
    if (rc) return rc;
  }
  return 0;
}

const evm_precompile_t *rpc_precompile_at(void *ctx, const ethc_address_t *a, evm_revision_t rev) {
  const rpc_precompiles_t *pm = ctx;
  (void)rev;
  for (size_t i = 0; i < pm->n_moved; i++)
    if (ethc_address_eq(&pm->moved[i].to, a)) return pm->moved[i].p;
  for (size_t i = 0; i < pm->n_removed; i++)
    if (ethc_address_eq(&pm->removed[i], a)) return NULL;
  return evm_precompile_get(a, pm->rev);
}

static bool pm_moved_to(const rpc_precompiles_t *pm, const ethc_address_t *a) {
  for (size_t i = 0; i < pm->n_moved; i++)
    if (ethc_address_eq(&pm->moved[i].to, a)) return true;
  return false;
}

/* Replaces the account's storage: rebuilt without its slots, then `slots`. */
static int replace_storage(state_t *st, const ethc_address_t *a, const cJSON *slots) {
  u256_t bal;
  state_get_balance(st, a, &bal);
  uint64_t nonce = state_get_nonce(st, a);
  size_t n;
  const uint8_t *c0 = state_get_code(st, a, &n, NULL);
  uint8_t *code = n ? malloc(n) : NULL;
  if (n && !code) return ETHC_ERR_NOMEM;
  if (n) memcpy(code, c0, n);
  int rc = state_error(st);
  if (!rc) rc = state_delete_account(st, a);
  if (!rc) rc = state_set_balance(st, a, &bal);
  if (!rc) rc = state_set_nonce(st, a, nonce);
  if (!rc && n) rc = state_set_code(st, a, code, n);
  free(code);
  if (!rc) rc = set_slots(st, a, slots);
  return rc;
}

int rpc_apply_state_overrides(const cJSON *o, state_t *st, rpc_precompiles_t *pm, char *err, size_t errlen) {
  const cJSON *acct, *f;
  err[0] = 0;
  cJSON_ArrayForEach(acct, o) {
    ethc_address_t a;
    if (hex_decode_fixed(acct->string, true, a.bytes, 20)) return ETHC_ERR_INVALID;
    char hex[43];
    hex_encode(a.bytes, 20, hex);
    if (pm) {
      if (pm_moved_to(pm, &a))
        return snprintf(err, errlen, "account %s has already been overridden by a precompile", hex), ETHC_ERR_INVALID;
      const evm_precompile_t *p = rpc_precompile_at(pm, &a, pm->rev);
      if ((f = field(acct, "movePrecompileToAddress"))) {
        ethc_address_t to;
        if (hex_decode_fixed(f->valuestring, true, to.bytes, 20)) return ETHC_ERR_INVALID;
        if (!p) return snprintf(err, errlen, "account %s is not a precompile", hex), ETHC_ERR_INVALID;
        const cJSON *other;
        cJSON_ArrayForEach(other, o) {
          ethc_address_t b;
          if (!hex_decode_fixed(other->string, true, b.bytes, 20) && ethc_address_eq(&b, &to))
            return snprintf(err, errlen, "account %s is already overridden", f->valuestring), ETHC_ERR_INVALID;
        }
        if (pm->n_moved == RPC_MAX_PRECOMPILE_EDITS) return snprintf(err, errlen, "too many moves"), ETHC_ERR_INVALID;
        pm->moved[pm->n_moved].to = to;
        pm->moved[pm->n_moved++].p = p;
      }
      if (p) {
        for (size_t i = 0; i < pm->n_moved; i++) /* a precompile moved here earlier leaves too */
          if (ethc_address_eq(&pm->moved[i].to, &a)) pm->moved[i].p = NULL;
        if (pm->n_removed == RPC_MAX_PRECOMPILE_EDITS)
          return snprintf(err, errlen, "too many precompile overrides"), ETHC_ERR_INVALID;
        pm->removed[pm->n_removed++] = a;
      }
    } else if (field(acct, "movePrecompileToAddress")) {
      return snprintf(err, errlen, "movePrecompileToAddress is not supported here"), ETHC_ERR_INVALID;
    }
    int rc = 0;
    if ((f = field(acct, "nonce"))) {
      u256_t nonce;
      rc = u256_from_string(&nonce, f->valuestring) ? state_set_nonce(st, &a, nonce.w[0]) : ETHC_ERR_INVALID;
    }
    if (!rc && (f = field(acct, "code"))) {
      uint8_t *code = NULL;
      size_t n = 0;
      if (hex_decode_alloc(f->valuestring, true, &code, &n)) rc = ETHC_ERR_INVALID;
      else rc = state_set_code(st, &a, code, n), free(code);
    }
    if (!rc && (f = field(acct, "balance"))) {
      u256_t bal;
      rc = u256_from_string(&bal, f->valuestring) ? state_set_balance(st, &a, &bal) : ETHC_ERR_INVALID;
    }
    if (!rc && (f = field(acct, "state"))) rc = replace_storage(st, &a, f);
    if (!rc && (f = field(acct, "stateDiff"))) rc = set_slots(st, &a, f);
    if (rc) return rc;
  }
  state_commit(st, false);
  return state_error(st);
}

/* ---- the environment of eth_call and the like: block overrides, moved
 * precompiles, the time limit ---- */

static void call_adjust_env(void *ctx, chain_block_env_t *env) {
  const rpc_call_env_t *ce = ctx;
  memset(&call_precompiles, 0, sizeof call_precompiles);
  call_override_err[0] = 0;
  call_precompiles.rev = ce->rev;
  if (ce->bo) rpc_block_overrides_apply(ce->bo, env);
  env->precompile = rpc_precompile_at;
  env->precompile_ctx = &call_precompiles;
}

static evm_revision_t snapshot_rev(const chain_snapshot_t *snap);

void rpc_set_call_env(chain_call_msg_t *msg, rpc_call_env_t *ce, const rpc_block_overrides_t *bo,
                      const chain_snapshot_t *snap) {
  ce->bo = bo;
  ce->rev = snapshot_rev(snap);
  msg->adjust_env = call_adjust_env;
  msg->adjust_env_ctx = ce;
}

void rpc_start_evm_timeout(rpc_call_t *c, evm_t *vm) {
  uint64_t ms = rpc_inline_timeout_ms(c->srv->evm_timeout_ms); /* an event thread's budget (quick.h) */
  evm_set_deadline(vm, ms ? evm_now_ns() + ms * 1000000ull : 0);
}

int rpc_fail_timeout(rpc_call_t *c) {
  rpc_inline_timed_out();
  uint64_t ms = c->srv->evm_timeout_ms;
  char d[48];
  if (ms % 1000) {
    if (ms < 1000) {
      snprintf(d, sizeof d, "%llums", (unsigned long long)ms);
    } else { /* Go's 1.5s: no trailing zeros */
      snprintf(d, sizeof d, "%llu.%03llu", (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
      size_t n = strlen(d);
      while (d[n - 1] == '0') d[--n] = 0;
      d[n] = 's', d[n + 1] = 0;
    }
  } else if (ms < 60000) {
    snprintf(d, sizeof d, "%llus", (unsigned long long)(ms / 1000));
  } else {
    uint64_t sec = ms / 1000;
    if (sec >= 3600)
      snprintf(d, sizeof d, "%lluh%llum%llus", (unsigned long long)(sec / 3600), (unsigned long long)(sec % 3600 / 60),
               (unsigned long long)(sec % 60));
    else snprintf(d, sizeof d, "%llum%llus", (unsigned long long)(sec / 60), (unsigned long long)(sec % 60));
  }
  return rpc_fail(c, RPC_SERVER_ERROR, "execution aborted (timeout = %s)", d);
}

/* The reason of an ABI-encoded Error(string) or Panic(uint256), into buf; false
 * when the data is neither. */
bool rpc_revert_reason(const uint8_t *d, size_t n, char *buf, size_t cap) {
  static const uint8_t error_sel[4] = {0x08, 0xc3, 0x79, 0xa0}, panic_sel[4] = {0x4e, 0x48, 0x7b, 0x71};
  if (n >= 4 + 64 && !memcmp(d, error_sel, 4)) {
    u256_t off, len;
    u256_from_be(&off, d + 4);
    if (!u256_fits_u64(&off) || off.w[0] > n - 4 - 32) return false;
    u256_from_be(&len, d + 4 + off.w[0]);
    size_t start = 4 + (size_t)off.w[0] + 32;
    if (!u256_fits_u64(&len) || len.w[0] > n - start) return false;
    size_t l = (size_t)len.w[0] < cap - 1 ? (size_t)len.w[0] : cap - 1;
    memcpy(buf, d + start, l);
    buf[l] = 0;
    return true;
  }
  if (n == 4 + 32 && !memcmp(d, panic_sel, 4)) {
    u256_t code;
    u256_from_be(&code, d + 4);
    static const struct {
      uint64_t code;
      const char *msg;
    } panics[] = {
        {0x00, "generic panic"},
        {0x01, "assert(false)"},
        {0x11, "arithmetic underflow or overflow"},
        {0x12, "division or modulo by zero"},
        {0x21, "enum overflow"},
        {0x22, "invalid encoded storage byte array accessed"},
        {0x31, "out-of-bounds array access; popping on an empty array"},
        {0x32, "out-of-bounds access of an array or bytesN"},
        {0x41, "out of memory"},
        {0x51, "uninitialized function"},
    };
    for (size_t i = 0; u256_fits_u64(&code) && i < sizeof panics / sizeof *panics; i++)
      if (panics[i].code == code.w[0]) return snprintf(buf, cap, "%s", panics[i].msg), true;
    char hex[67];
    u256_to_hex(&code, hex);
    snprintf(buf, cap, "unknown panic code: %s", hex);
    return true;
  }
  return false;
}

int rpc_fail_call_result(rpc_call_t *c, const chain_call_result_t *r) {
  if (r->tx_error) return rpc_fail(c, RPC_SERVER_ERROR, "%s", r->reason ? r->reason : "invalid transaction");
  if (r->status == EVM_REVERT && r->output_size) {
    char reason[200];
    if (rpc_revert_reason(r->output, r->output_size, reason, sizeof reason))
      rpc_fail(c, RPC_EXECUTION_REVERTED, "execution reverted: %s", reason);
    else rpc_fail(c, RPC_EXECUTION_REVERTED, "execution reverted");
    c->err_data = malloc(r->output_size);
    if (c->err_data) memcpy(c->err_data, r->output, r->output_size), c->err_data_len = r->output_size;
    return -1;
  }
  const char *m = evm_trace_error_message(r->status);
  return rpc_fail(c, RPC_SERVER_ERROR, "%s", m ? m : "execution failed");
}

int rpc_fail_local(rpc_call_t *c, int rc) {
  if (rc == ETHC_ERR_INVALID && call_override_err[0]) { /* a state override geth refuses */
    rpc_fail(c, RPC_SERVER_ERROR, "%s", call_override_err);
    call_override_err[0] = 0;
    return -1;
  }
  if (rc == ETHC_ERR_MISSING_NODE) return rpc_fail(c, RPC_SERVER_ERROR, "missing trie node (state not available)");
  return rpc_fail_chain(c, rc);
}

/* The parameters eth_call, eth_estimateGas and eth_createAccessList share:
 * (call object, block, state overrides, block overrides), read, the block's
 * snapshot taken and the call's environment set on msg (rpc_set_call_env,
 * pointing at *ce). 0, or fails the call with nothing to release; release
 * with call_close. */
static int call_open(rpc_call_t *c, const cJSON *params, const cJSON **obj, chain_call_msg_t *msg, uint8_t **data,
                     rpc_block_overrides_t *bo, chain_snapshot_t **snap, rpc_call_env_t *ce) {
  rpc_block_ref_t ref;
  memset(bo, 0, sizeof *bo);
  if (rpc_need(c, params, 0, obj) || rpc_parse_call(c, 0, *obj, msg, data)) return -1;
  if (rpc_parse_block_ref_opt(c, params, 1, &ref) || rpc_parse_state_overrides(c, 2, rpc_param(params, 2), msg) ||
      rpc_parse_block_overrides(c, 3, rpc_param(params, 3), bo) || rpc_snapshot(c, &ref, snap))
    return free(*data), rpc_block_overrides_free(bo), -1;
  rpc_set_call_env(msg, ce, bo, *snap);
  return 0;
}

static void call_close(chain_snapshot_t *snap, uint8_t *data, rpc_block_overrides_t *bo) {
  chain_snapshot_release(snap);
  free(data);
  rpc_block_overrides_free(bo);
}

static int eth_call(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  chain_call_msg_t msg;
  uint8_t *data;
  rpc_block_overrides_t bo;
  chain_snapshot_t *snap;
  rpc_call_env_t ce;
  if (call_open(c, params, &v, &msg, &data, &bo, &snap, &ce)) return -1;
  rpc_cap_call_gas(c, snap, &msg);
  evm_t *vm = rpc_thread_vm();
  chain_call_result_t r;
  if (vm) rpc_start_evm_timeout(c, vm);
  int rc = vm ? chain_call(snap, vm, &msg, &r) : ETHC_ERR_NOMEM;
  if (vm) evm_set_deadline(vm, 0);
  call_close(snap, data, &bo);
  if (rc) return rpc_fail_local(c, rc);
  if (r.timed_out) rc = rpc_fail_timeout(c);
  else if (r.tx_error || r.status != EVM_SUCCESS) rc = rpc_fail_call_result(c, &r);
  else jw_data(c->w, r.output, r.output_size);
  chain_call_result_free(&r);
  return rc;
}

/* The fork of the block a snapshot holds. */
static evm_revision_t snapshot_rev(const chain_snapshot_t *snap) {
  const chain_config_t *cfg = chain_config(chain_snapshot_chain(snap));
  const chain_header_t *h = chain_snapshot_header(snap);
  u256_t parent_td;
  u256_sub(&parent_td, chain_snapshot_td(snap), &h->difficulty);
  bool pos = cfg->has_ttd && !u256_lt(&parent_td, &cfg->terminal_total_difficulty);
  return chain_config_revision(cfg, h->number, h->timestamp, pos);
}

void rpc_cap_call_gas(rpc_call_t *c, const chain_snapshot_t *snap, chain_call_msg_t *msg) {
  uint64_t cap = c->srv->gas_cap;
  if (!cap || msg->gas) return;
  /* the gas chain_call gives a call without a limit, if that is above the cap */
  uint64_t dflt = chain_snapshot_header(snap)->gas_limit;
  if (snapshot_rev(snap) >= EVM_OSAKA && dflt > TX_MAX_GAS_LIMIT_OSAKA) dflt = TX_MAX_GAS_LIMIT_OSAKA;
  if (dflt > cap) msg->gas = cap;
}

/* One run at `gas`: 0 with *failed (and r kept when keep) or a local error, or
 * -1 when the call failed (an invalid transaction other than too little gas). */
static int try_gas(rpc_call_t *c, chain_snapshot_t *snap, evm_t *vm, chain_call_msg_t *msg, uint64_t gas, bool *failed,
                   chain_call_result_t *keep) {
  chain_call_result_t r;
  msg->gas = gas;
  int rc = chain_call(snap, vm, msg, &r);
  if (rc) return rpc_fail_local(c, rc);
  if (r.timed_out) {
    chain_call_result_free(&r);
    return rpc_fail_timeout(c);
  }
  if (r.tx_error == ETHC_ERR_TX_INTRINSIC_GAS) {
    *failed = true;
  } else if (r.tx_error) {
    rc = rpc_fail_call_result(c, &r);
    chain_call_result_free(&r);
    return rc;
  } else {
    *failed = r.status != EVM_SUCCESS;
  }
  if (keep) *keep = r;
  else chain_call_result_free(&r);
  return 0;
}

static int eth_estimateGas(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  chain_call_msg_t msg;
  uint8_t *data;
  rpc_block_overrides_t bo;
  chain_snapshot_t *snap;
  rpc_call_env_t ce;
  if (call_open(c, params, &v, &msg, &data, &bo, &snap, &ce)) return -1;
  int rc = -1;
  evm_t *vm = rpc_thread_vm();
  state_t *st = chain_snapshot_state(snap);
  if (!vm || !st) {
    rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    goto out;
  }
  rpc_start_evm_timeout(c, vm);
  uint64_t hi = msg.gas >= 21000 ? msg.gas : chain_snapshot_header(snap)->gas_limit;
  if (c->srv->gas_cap && hi > c->srv->gas_cap) hi = c->srv->gas_cap;
  if (snapshot_rev(snap) >= EVM_OSAKA && hi > TX_MAX_GAS_LIMIT_OSAKA) hi = TX_MAX_GAS_LIMIT_OSAKA; /* EIP-7825 */
  /* what the sender's balance pays for at its fee cap */
  const u256_t *fee_cap = msg.dynamic_fee ? &msg.max_fee_per_gas : &msg.gas_price;
  u256_t bal;
  state_get_balance(st, &msg.from, &bal);
  bool plain_transfer = false;
  if (msg.has_to && !msg.data_len) plain_transfer = state_get_code_size(st, &msg.to) == 0;
  if (state_error(st)) {
    rpc_fail_local(c, state_error(st));
    goto out;
  }
  if (!u256_is_zero(fee_cap)) {
    if (u256_lt(&bal, &msg.value)) {
      rpc_fail(c, RPC_SERVER_ERROR, "insufficient funds for transfer");
      goto out;
    }
    u256_t left, allow;
    u256_sub(&left, &bal, &msg.value);
    u256_div(&allow, &left, fee_cap);
    if (u256_fits_u64(&allow) && allow.w[0] < hi) hi = allow.w[0];
  }
  bool failed;
  if (plain_transfer) {
    if (try_gas(c, snap, vm, &msg, 21000, &failed, NULL)) goto out;
    if (!failed) {
      jw_qty(c->w, 21000);
      rc = 0;
      goto out;
    }
  }
  chain_call_result_t first;
  if (try_gas(c, snap, vm, &msg, hi, &failed, &first)) goto out;
  if (failed) {
    /* as geth: running out of gas at the cap is the cap's fault; any other failure is the call's */
    if (first.tx_error || first.status == EVM_OUT_OF_GAS) /* too little gas (intrinsic, or run) */
      rpc_fail(c, RPC_SERVER_ERROR, "gas required exceeds allowance (%llu)", (unsigned long long)hi);
    else rpc_fail_call_result(c, &first);
    chain_call_result_free(&first);
    goto out;
  }
  uint64_t lo = first.gas_used ? first.gas_used - 1 : 0;
  chain_call_result_free(&first);
  /* most calls need little more than they used: try that first */
  uint64_t guess = (lo + 1 + CALL_STIPEND) * 64 / 63;
  if (guess < hi) {
    if (try_gas(c, snap, vm, &msg, guess, &failed, NULL)) goto out;
    if (failed) lo = guess;
    else hi = guess;
  }
  while (lo + 1 < hi) {
    if ((hi - lo) * 1000 / hi < ESTIMATE_ERROR_PERMILLE) break;
    uint64_t mid = lo + (hi - lo) / 2;
    if (lo && mid > lo * 2) mid = lo * 2; /* the answer is usually near lo */
    if (try_gas(c, snap, vm, &msg, mid, &failed, NULL)) goto out;
    if (failed) lo = mid;
    else hi = mid;
  }
  jw_qty(c->w, hi);
  rc = 0;
out:
  if (vm) evm_set_deadline(vm, 0);
  if (st) state_free(st);
  call_close(snap, data, &bo);
  return rc;
}


/* ---- eth_createAccessList: geth's access-list tracer, run until the list it
 * collects stops growing (each run starts from the last list, so it can only
 * grow; the gas used is that of the last run, with the list applied) ---- */

typedef struct {
  ethc_address_t addr;
  ethc_hash_t *keys;
  size_t nkeys, cap;
} al_entry_t;

typedef struct {
  al_entry_t *e;
  size_t n, cap, total_keys;
  tx_access_entry_t *view;
  /* not listed for a touch of the account alone: the sender, the recipient (or
   * the created contract), the fork's precompiles */
  ethc_address_t from, to;
  bool has_to;
  evm_revision_t rev;
  bool oom;
} al_t;

static void al_free(al_t *al) {
  for (size_t i = 0; i < al->n; i++) free(al->e[i].keys);
  free(al->e);
  free(al->view);
  al->e = NULL;
  al->view = NULL;
  al->n = al->cap = al->total_keys = 0;
}

static al_entry_t *al_addr(al_t *al, const ethc_address_t *a) {
  for (size_t i = 0; i < al->n; i++)
    if (ethc_address_eq(&al->e[i].addr, a)) return &al->e[i];
  if (al->n == al->cap) {
    size_t cap = al->cap ? al->cap * 2 : 8;
    al_entry_t *e = realloc(al->e, cap * sizeof *e);
    if (!e) return al->oom = true, NULL;
    al->e = e, al->cap = cap;
  }
  al_entry_t *e = &al->e[al->n++];
  memset(e, 0, sizeof *e);
  e->addr = *a;
  return e;
}

static void al_key(al_t *al, const ethc_address_t *a, const ethc_hash_t *k) {
  al_entry_t *e = al_addr(al, a);
  if (!e) return;
  for (size_t i = 0; i < e->nkeys; i++)
    if (ethc_hash_eq(&e->keys[i], k)) return;
  if (e->nkeys == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 4;
    ethc_hash_t *keys = realloc(e->keys, cap * sizeof *keys);
    if (!keys) return (void)(al->oom = true);
    e->keys = keys, e->cap = cap;
  }
  e->keys[e->nkeys++] = *k;
  al->total_keys++;
}

static bool al_excluded(const al_t *al, const ethc_address_t *a) {
  return ethc_address_eq(a, &al->from) || (al->has_to && ethc_address_eq(a, &al->to)) ||
         evm_precompile_get(a, al->rev) != NULL;
}

static void al_touch(al_t *al, const u256_t *word) {
  uint8_t be[32];
  ethc_address_t a;
  u256_to_be(word, be);
  memcpy(a.bytes, be + 12, 20);
  if (!al_excluded(al, &a)) (void)al_addr(al, &a);
}

static void al_step(void *ctx, const evm_trace_step_t *s) {
  al_t *al = ctx;
  size_t n = s->stack_size;
  const u256_t *top = n ? &s->stack[n - 1] : NULL;
  switch (s->op) {
    case 0x54:   /* SLOAD */
    case 0x55:   /* SSTORE */
      if (top) { /* slots are listed whoever owns them, the recipient's too (geth) */
        ethc_hash_t k;
        u256_to_be(top, k.bytes);
        al_key(al, s->address, &k);
      }
      break;
    case 0x31: /* BALANCE */
    case 0x3b: /* EXTCODESIZE */
    case 0x3c: /* EXTCODECOPY */
    case 0x3f: /* EXTCODEHASH */
    case 0xff: /* SELFDESTRUCT */
      if (top) al_touch(al, top);
      break;
    case 0xf1: /* CALL */
    case 0xf2: /* CALLCODE */
    case 0xf4: /* DELEGATECALL */
    case 0xfa: /* STATICCALL */
      if (n >= 5) al_touch(al, &s->stack[n - 2]);
      break;
    default: break;
  }
}

static const evm_tracer_t al_tracer = {.on_step = al_step};

/* The list as a transaction's access list (pointers into al). */
static int al_view(al_t *al, chain_call_msg_t *msg) {
  free(al->view);
  al->view = al->n ? calloc(al->n, sizeof *al->view) : NULL;
  if (al->n && !al->view) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < al->n; i++) {
    al->view[i].address = al->e[i].addr;
    al->view[i].storage_keys = al->e[i].keys;
    al->view[i].storage_keys_count = al->e[i].nkeys;
  }
  msg->access_list = al->view;
  msg->access_list_count = al->n;
  return 0;
}

#define AL_MAX_RUNS 64

static int eth_createAccessList(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  chain_call_msg_t msg;
  uint8_t *data;
  rpc_block_overrides_t bo;
  chain_snapshot_t *snap;
  rpc_call_env_t ce;
  if (call_open(c, params, &v, &msg, &data, &bo, &snap, &ce)) return -1;
  rpc_cap_call_gas(c, snap, &msg);
  al_t prev = {.from = msg.from, .to = msg.to, .has_to = msg.has_to, .rev = snapshot_rev(snap)};
  al_t cur = prev;
  int rc = -1;
  evm_t *vm = rpc_thread_vm();
  if (!vm) {
    rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    goto out;
  }
  rpc_start_evm_timeout(c, vm);
  if (!msg.has_to) { /* the contract the call creates is the recipient */
    state_t *st = chain_snapshot_state(snap);
    if (!st) {
      rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
      goto out;
    }
    uint64_t nonce = state_get_nonce(st, &msg.from);
    int serr = state_error(st);
    state_free(st);
    if (serr) {
      rpc_fail_local(c, serr);
      goto out;
    }
    /* as geth: the call object's nonce when it has one (parsed above), though
     * the call itself creates at the state's nonce */
    const cJSON *nf = field(v, "nonce");
    if (nf && rpc_parse_qty(c, 0, nf, &nonce)) goto out; /* parsed once already: cannot fail */
    chain_create_address(&msg.from, nonce, &prev.to);
    prev.has_to = true;
  }
  for (size_t i = 0; i < msg.access_list_count; i++) { /* the caller's own list is the first */
    const tx_access_entry_t *e = &msg.access_list[i];
    (void)al_addr(&prev, &e->address);
    for (size_t k = 0; k < e->storage_keys_count; k++) al_key(&prev, &e->address, &e->storage_keys[k]);
  }
  if (prev.oom) {
    rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    goto out;
  }
  for (int run = 0; run < AL_MAX_RUNS; run++) {
    /* this run starts from the last list, applied to the call */
    cur = (al_t){.from = prev.from, .to = prev.to, .has_to = prev.has_to, .rev = prev.rev};
    for (size_t i = 0; i < prev.n; i++) {
      if (!al_addr(&cur, &prev.e[i].addr)) break;
      for (size_t k = 0; k < prev.e[i].nkeys; k++) al_key(&cur, &prev.e[i].addr, &prev.e[i].keys[k]);
    }
    if (cur.oom || al_view(&prev, &msg)) {
      rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
      goto out;
    }
    chain_call_result_t r;
    evm_set_tracer(vm, &al_tracer, &cur);
    int lrc = chain_call(snap, vm, &msg, &r);
    evm_set_tracer(vm, NULL, NULL);
    if (lrc) {
      rpc_fail_local(c, lrc);
      goto out;
    }
    if (r.timed_out) {
      chain_call_result_free(&r);
      rpc_fail_timeout(c);
      goto out;
    }
    if (r.tx_error) {
      rpc_fail_call_result(c, &r);
      chain_call_result_free(&r);
      goto out;
    }
    if (cur.oom) {
      chain_call_result_free(&r);
      rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
      goto out;
    }
    if (cur.n == prev.n && cur.total_keys == prev.total_keys) {
      jw_obj_begin(c->w);
      jw_key(c->w, "accessList");
      jw_arr_begin(c->w);
      for (size_t i = 0; i < prev.n; i++) {
        jw_obj_begin(c->w);
        jw_kaddr(c->w, "address", &prev.e[i].addr);
        jw_key(c->w, "storageKeys");
        jw_arr_begin(c->w);
        for (size_t k = 0; k < prev.e[i].nkeys; k++) jw_hash(c->w, &prev.e[i].keys[k]);
        jw_arr_end(c->w);
        jw_obj_end(c->w);
      }
      jw_arr_end(c->w);
      if (r.status != EVM_SUCCESS) {
        const char *m = r.status == EVM_REVERT ? "execution reverted" : evm_trace_error_message(r.status);
        jw_key(c->w, "error");
        jw_cstr(c->w, m ? m : "execution failed");
      }
      jw_kqty(c->w, "gasUsed", r.gas_used);
      jw_obj_end(c->w);
      chain_call_result_free(&r);
      rc = 0;
      goto out;
    }
    chain_call_result_free(&r);
    al_free(&prev);
    prev = cur;
    cur = (al_t){0};
  }
  rpc_fail(c, RPC_SERVER_ERROR, "the access list did not settle in %d runs", AL_MAX_RUNS);
out:
  if (vm) evm_set_deadline(vm, 0);
  al_free(&prev);
  al_free(&cur);
  call_close(snap, data, &bo);
  return rc;
}

const rpc_method_t rpc_methods_exec[] = {
    {"eth_call", RPC_NS_ETH, eth_call, 4},
    {"eth_estimateGas", RPC_NS_ETH, eth_estimateGas, 4},
    {"eth_createAccessList", RPC_NS_ETH, eth_createAccessList, 4},
    {0},
};
