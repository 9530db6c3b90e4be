/* A development chain's test helpers, as anvil and Hardhat name them (both
 * spellings where both exist; each returns what its own node returns: anvil
 * mostly null, Hardhat true): state edits visible at once in "latest"
 * (anvil_/hardhat_ setBalance, setCode, setStorageAt, setNonce), evm_snapshot /
 * evm_revert, anvil_reset / hardhat_reset, the clock (evm_increaseTime,
 * evm_setNextBlockTimestamp, anvil_setBlockTimestampInterval, ...), the next
 * blocks' settings (coinbase, base fee, PREVRANDAO, gas limit) and dropping
 * pooled transactions. They call the node's miner (rpc_miner.h), which runs
 * each between blocks. Numbers are hex strings (leading zeros allowed, as
 * clients pad slots and values to 32 bytes) or JSON integers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/state.h"
#include "rpc/rpc_internal.h"

static int no_miner(rpc_call_t *c) { return rpc_fail(c, RPC_SERVER_ERROR, "miner not running"); }

/* A 256-bit number: "0x" + 1..64 hex digits, or a non-negative JSON integer. */
static int parse_u256(rpc_call_t *c, int i, const cJSON *v, u256_t *out) {
  if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d < 0 || d > 9007199254740992.0 || floor(d) != d)
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: not a non-negative integer", i);
    *out = u256_from_u64((uint64_t)d);
    return 0;
  }
  if (!cJSON_IsString(v)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: not a hex number", i);
  const char *s = v->valuestring;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex string without 0x prefix", i);
  if (!s[2] || strlen(s + 2) > 64 || !u256_from_string(out, s))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: invalid hex number", i);
  return 0;
}

static int parse_u64(rpc_call_t *c, int i, const cJSON *v, uint64_t *out) {
  u256_t x;
  if (parse_u256(c, i, v, &x)) return -1;
  if (x.w[1] || x.w[2] || x.w[3]) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: number over 64 bits", i);
  *out = x.w[0];
  return 0;
}

/* ---- state edits ---- */

typedef enum { EDIT_BALANCE, EDIT_NONCE, EDIT_CODE, EDIT_STORAGE } edit_kind_t;

typedef struct {
  edit_kind_t kind;
  ethc_address_t addr;
  u256_t key, value;
  uint8_t *code;
  size_t code_len;
} edit_t;

static int apply_edit(void *ctx, state_t *st) {
  const edit_t *e = ctx;
  switch (e->kind) {
    case EDIT_BALANCE: return state_set_balance(st, &e->addr, &e->value);
    case EDIT_NONCE: return state_set_nonce(st, &e->addr, e->value.w[0]);
    case EDIT_CODE: return state_set_code(st, &e->addr, e->code, e->code_len);
    case EDIT_STORAGE: return state_set_storage(st, &e->addr, &e->key, &e->value, NULL, NULL);
  }
  return ETHC_ERR_INVALID;
}

/* Parses (address, value) or (address, slot, value) for `kind` and runs it. */
static int edit(rpc_call_t *c, const cJSON *params, edit_kind_t kind) {
  const cJSON *a, *v, *k = NULL;
  edit_t e = {.kind = kind};
  if (rpc_need(c, params, 0, &a) || rpc_parse_addr(c, 0, a, &e.addr)) return -1;
  if (kind == EDIT_STORAGE && (rpc_need(c, params, 1, &k) || parse_u256(c, 1, k, &e.key))) return -1;
  int vi = kind == EDIT_STORAGE ? 2 : 1;
  if (rpc_need(c, params, vi, &v)) return -1;
  if (kind == EDIT_CODE) {
    if (rpc_parse_data(c, vi, v, &e.code, &e.code_len)) return -1;
  } else if (kind == EDIT_NONCE) {
    if (parse_u64(c, vi, v, &e.value.w[0])) return -1;
  } else if (parse_u256(c, vi, v, &e.value)) return -1;
  int rc = 0;
  if (!c->srv->miner.edit_state) rc = no_miner(c);
  else {
    char err[256] = "";
    if (c->srv->miner.edit_state(c->srv->miner.ctx, apply_edit, &e, err, sizeof err))
      rc = rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  }
  free(e.code);
  return rc;
}

#define EDIT_METHODS(name, kind, anvil_result)                    \
  static int anvil_##name(rpc_call_t *c, const cJSON *params) {   \
    if (edit(c, params, kind)) return -1;                         \
    anvil_result;                                                 \
    return 0;                                                     \
  }                                                               \
  static int hardhat_##name(rpc_call_t *c, const cJSON *params) { \
    if (edit(c, params, kind)) return -1;                         \
    jw_bool(c->w, true);                                          \
    return 0;                                                     \
  }

EDIT_METHODS(setBalance, EDIT_BALANCE, jw_null(c->w))
EDIT_METHODS(setNonce, EDIT_NONCE, jw_null(c->w))
EDIT_METHODS(setCode, EDIT_CODE, jw_null(c->w))
EDIT_METHODS(setStorageAt, EDIT_STORAGE, jw_bool(c->w, true))

/* ---- snapshots ---- */

static int evm_snapshot(rpc_call_t *c, const cJSON *params) {
  (void)params;
  if (!c->srv->miner.snapshot) return no_miner(c);
  uint64_t id = c->srv->miner.snapshot(c->srv->miner.ctx);
  if (!id) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  jw_qty(c->w, id);
  return 0;
}

static int evm_revert(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t id;
  if (rpc_need(c, params, 0, &v) || parse_u64(c, 0, v, &id)) return -1;
  if (!c->srv->miner.revert) return no_miner(c);
  bool done = false;
  char err[256] = "";
  if (c->srv->miner.revert(c->srv->miner.ctx, id, &done, err, sizeof err))
    return rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  jw_bool(c->w, done);
  return 0;
}

/* anvil_reset / hardhat_reset([{forking: {jsonRpcUrl, blockNumber}}]): a fork
 * is refused; viem sends {forking: {blockNumber: null}} for none. */
static int reset(rpc_call_t *c, const cJSON *params) {
  const cJSON *o = rpc_param(params, 0);
  const cJSON *f = cJSON_IsObject(o) ? cJSON_GetObjectItem(o, "forking") : NULL;
  if (o && !cJSON_IsNull(o) && !cJSON_IsObject(o))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: not an object");
  if (f && !cJSON_IsNull(f)) {
    const cJSON *url = cJSON_GetObjectItem(f, "jsonRpcUrl"), *num = cJSON_GetObjectItem(f, "blockNumber");
    if (!cJSON_IsObject(f) || (url && !cJSON_IsNull(url)) || (num && !cJSON_IsNull(num)))
      return rpc_fail(c, RPC_INVALID_PARAMS, "forking is not supported: anvil_reset takes no fork");
  }
  if (!c->srv->miner.reset) return no_miner(c);
  char err[256] = "";
  if (c->srv->miner.reset(c->srv->miner.ctx, err, sizeof err)) return rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  return 0;
}

static int anvil_reset(rpc_call_t *c, const cJSON *params) {
  if (reset(c, params)) return -1;
  jw_null(c->w);
  return 0;
}

static int hardhat_reset(rpc_call_t *c, const cJSON *params) {
  if (reset(c, params)) return -1;
  jw_bool(c->w, true);
  return 0;
}

/* ---- the clock ---- */

/* evm_increaseTime(seconds): the total offset, a JSON number (anvil). */
static int evm_increaseTime(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t s;
  if (rpc_need(c, params, 0, &v) || parse_u64(c, 0, v, &s)) return -1;
  if (s > (uint64_t)1 << 40) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: too many seconds");
  if (!c->srv->miner.increase_time) return no_miner(c);
  jw_int(c->w, c->srv->miner.increase_time(c->srv->miner.ctx, (int64_t)s));
  return 0;
}

static int evm_setNextBlockTimestamp(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t ts;
  if (rpc_need(c, params, 0, &v) || parse_u64(c, 0, v, &ts)) return -1;
  if (!c->srv->miner.set_next_timestamp) return no_miner(c);
  char err[256] = "";
  if (c->srv->miner.set_next_timestamp(c->srv->miner.ctx, ts, err, sizeof err))
    return rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  jw_null(c->w);
  return 0;
}

static int anvil_setBlockTimestampInterval(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t s;
  if (rpc_need(c, params, 0, &v) || parse_u64(c, 0, v, &s)) return -1;
  if (s > 86400 * 365) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: interval over a year");
  if (!c->srv->miner.set_timestamp_interval) return no_miner(c);
  c->srv->miner.set_timestamp_interval(c->srv->miner.ctx, s);
  jw_null(c->w);
  return 0;
}

static int anvil_removeBlockTimestampInterval(rpc_call_t *c, const cJSON *params) {
  (void)params;
  if (!c->srv->miner.set_timestamp_interval) return no_miner(c);
  jw_bool(c->w, c->srv->miner.set_timestamp_interval(c->srv->miner.ctx, 0));
  return 0;
}

/* ---- the next blocks ---- */

static int set_coinbase(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_address_t a;
  if (rpc_need(c, params, 0, &v) || rpc_parse_addr(c, 0, v, &a)) return -1;
  if (!c->srv->miner.set_coinbase) return no_miner(c);
  c->srv->miner.set_coinbase(c->srv->miner.ctx, &a);
  return 0;
}

static int set_base_fee(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  u256_t fee;
  if (rpc_need(c, params, 0, &v) || parse_u256(c, 0, v, &fee)) return -1;
  if (!c->srv->miner.set_next_base_fee) return no_miner(c);
  c->srv->miner.set_next_base_fee(c->srv->miner.ctx, &fee);
  return 0;
}

static int set_prev_randao(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  u256_t r;
  if (rpc_need(c, params, 0, &v) || parse_u256(c, 0, v, &r)) return -1;
  if (!c->srv->miner.set_prev_randao) return no_miner(c);
  ethc_hash_t h;
  u256_to_be(&r, h.bytes);
  c->srv->miner.set_prev_randao(c->srv->miner.ctx, &h);
  return 0;
}

static int set_gas_limit(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t gas;
  if (rpc_need(c, params, 0, &v) || parse_u64(c, 0, v, &gas)) return -1;
  if (gas < 5000) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: gas limit below 5000");
  if (!c->srv->miner.set_gas_limit) return no_miner(c);
  c->srv->miner.set_gas_limit(c->srv->miner.ctx, gas);
  return 0;
}

#define SETTER_METHODS(name, fn)                                  \
  static int anvil_##name(rpc_call_t *c, const cJSON *params) {   \
    if (fn(c, params)) return -1;                                 \
    jw_null(c->w);                                                \
    return 0;                                                     \
  }                                                               \
  static int hardhat_##name(rpc_call_t *c, const cJSON *params) { \
    if (fn(c, params)) return -1;                                 \
    jw_bool(c->w, true);                                          \
    return 0;                                                     \
  }

SETTER_METHODS(setCoinbase, set_coinbase)
SETTER_METHODS(setNextBlockBaseFeePerGas, set_base_fee)
SETTER_METHODS(setPrevRandao, set_prev_randao)

/* evm_setBlockGasLimit / anvil_setBlockGasLimit: true (both nodes). */
static int evm_setBlockGasLimit(rpc_call_t *c, const cJSON *params) {
  if (set_gas_limit(c, params)) return -1;
  jw_bool(c->w, true);
  return 0;
}

/* ---- the pool ---- */

static int drop_tx(rpc_call_t *c, const cJSON *params, ethc_hash_t *h, bool *found) {
  const cJSON *v;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, h)) return -1;
  if (!c->srv->miner.drop_tx) return no_miner(c);
  *found = c->srv->miner.drop_tx(c->srv->miner.ctx, h);
  return 0;
}

/* anvil_dropTransaction: the hash when it was pooled, else null. */
static int anvil_dropTransaction(rpc_call_t *c, const cJSON *params) {
  ethc_hash_t h;
  bool found;
  if (drop_tx(c, params, &h, &found)) return -1;
  if (found) jw_hash(c->w, &h);
  else jw_null(c->w);
  return 0;
}

static int hardhat_dropTransaction(rpc_call_t *c, const cJSON *params) {
  ethc_hash_t h;
  bool found;
  if (drop_tx(c, params, &h, &found)) return -1;
  jw_bool(c->w, found);
  return 0;
}

static int anvil_dropAllTransactions(rpc_call_t *c, const cJSON *params) {
  (void)params;
  if (!c->srv->miner.drop_all) return no_miner(c);
  c->srv->miner.drop_all(c->srv->miner.ctx);
  jw_null(c->w);
  return 0;
}

const rpc_method_t rpc_methods_dev[] = {
    {"anvil_setBalance", RPC_NS_ANVIL, anvil_setBalance, 2},
    {"hardhat_setBalance", RPC_NS_HARDHAT, hardhat_setBalance, 2},
    {"anvil_setNonce", RPC_NS_ANVIL, anvil_setNonce, 2},
    {"hardhat_setNonce", RPC_NS_HARDHAT, hardhat_setNonce, 2},
    {"anvil_setCode", RPC_NS_ANVIL, anvil_setCode, 2},
    {"hardhat_setCode", RPC_NS_HARDHAT, hardhat_setCode, 2},
    {"anvil_setStorageAt", RPC_NS_ANVIL, anvil_setStorageAt, 3},
    {"hardhat_setStorageAt", RPC_NS_HARDHAT, hardhat_setStorageAt, 3},
    {"evm_snapshot", RPC_NS_EVM, evm_snapshot, 0},
    {"evm_revert", RPC_NS_EVM, evm_revert, 1},
    {"anvil_reset", RPC_NS_ANVIL, anvil_reset, 1},
    {"hardhat_reset", RPC_NS_HARDHAT, hardhat_reset, 1},
    {"evm_increaseTime", RPC_NS_EVM, evm_increaseTime, 1},
    {"anvil_increaseTime", RPC_NS_ANVIL, evm_increaseTime, 1},
    {"evm_setNextBlockTimestamp", RPC_NS_EVM, evm_setNextBlockTimestamp, 1},
    {"anvil_setNextBlockTimestamp", RPC_NS_ANVIL, evm_setNextBlockTimestamp, 1},
    {"anvil_setBlockTimestampInterval", RPC_NS_ANVIL, anvil_setBlockTimestampInterval, 1},
    {"anvil_removeBlockTimestampInterval", RPC_NS_ANVIL, anvil_removeBlockTimestampInterval, 0},
    {"anvil_setCoinbase", RPC_NS_ANVIL, anvil_setCoinbase, 1},
    {"hardhat_setCoinbase", RPC_NS_HARDHAT, hardhat_setCoinbase, 1},
    {"anvil_setNextBlockBaseFeePerGas", RPC_NS_ANVIL, anvil_setNextBlockBaseFeePerGas, 1},
    {"hardhat_setNextBlockBaseFeePerGas", RPC_NS_HARDHAT, hardhat_setNextBlockBaseFeePerGas, 1},
    {"anvil_setPrevRandao", RPC_NS_ANVIL, anvil_setPrevRandao, 1},
    {"hardhat_setPrevRandao", RPC_NS_HARDHAT, hardhat_setPrevRandao, 1},
    {"evm_setBlockGasLimit", RPC_NS_EVM, evm_setBlockGasLimit, 1},
    {"anvil_setBlockGasLimit", RPC_NS_ANVIL, evm_setBlockGasLimit, 1},
    {"anvil_dropTransaction", RPC_NS_ANVIL, anvil_dropTransaction, 1},
    {"hardhat_dropTransaction", RPC_NS_HARDHAT, hardhat_dropTransaction, 1},
    {"anvil_dropAllTransactions", RPC_NS_ANVIL, anvil_dropAllTransactions, 0},
    {NULL, 0, NULL, 0},
};
