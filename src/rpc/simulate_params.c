/* eth_simulateV1's parameter (execution-apis src/eth/execute.yaml,
 * EthSimulatePayload: blockStateCalls of {blockOverrides, stateOverrides,
 * calls}, traceTransfers, validation, returnFullTransactions) and go-ethereum's
 * BlockOverrides object, which eth_call, eth_estimateGas, eth_createAccessList
 * and debug_traceCall take too (number, time, gasLimit, feeRecipient,
 * prevRandao, baseFeePerGas, blobBaseFee, difficulty, beaconRoot, withdrawals).
 * Malformed input is -32602, as geth's JSON decoding refuses it. */
#include <stdlib.h>
#include <string.h>

#include "rpc/simulate.h"

static const cJSON *field(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return v && !cJSON_IsNull(v) ? v : NULL;
}

static int parse_withdrawals(rpc_call_t *c, int i, const cJSON *v, rpc_block_overrides_t *o) {
  if (!cJSON_IsArray(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-array into Go value of type types.Withdrawals", i);
  size_t n = (size_t)cJSON_GetArraySize(v);
  o->withdrawals = n ? calloc(n, sizeof *o->withdrawals) : NULL;
  if (n && !o->withdrawals) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  o->has_withdrawals = true;
  const cJSON *e, *f;
  cJSON_ArrayForEach(e, v) {
    chain_withdrawal_t *w = &o->withdrawals[o->withdrawal_count++];
    if (!cJSON_IsObject(e))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: a withdrawal must be an object", i);
    if ((f = field(e, "index")) && rpc_parse_qty(c, i, f, &w->index)) return -1;
    if ((f = field(e, "validatorIndex")) && rpc_parse_qty(c, i, f, &w->validator_index)) return -1;
    if ((f = field(e, "address")) && rpc_parse_addr(c, i, f, &w->address)) return -1;
    if ((f = field(e, "amount")) && rpc_parse_qty(c, i, f, &w->amount_gwei)) return -1;
  }
  return 0;
}

int rpc_parse_block_overrides(rpc_call_t *c, int i, const cJSON *v, rpc_block_overrides_t *o) {
  memset(o, 0, sizeof *o);
  if (!v || cJSON_IsNull(v)) return 0;
  if (!cJSON_IsObject(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-object into Go value of type "
                    "override.BlockOverrides",
                    i);
  const cJSON *f;
  if ((f = field(v, "number"))) {
    u256_t n;
    if (rpc_parse_u256(c, i, f, &n)) return -1;
    if (!u256_fits_u64(&n)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: block number too large", i);
    o->has_number = true, o->number = n.w[0];
  }
  if ((f = field(v, "time")) && rpc_parse_qty(c, i, f, &o->time)) return -1;
  o->has_time = f != NULL;
  if ((f = field(v, "gasLimit")) && rpc_parse_qty(c, i, f, &o->gas_limit)) return -1;
  o->has_gas_limit = f != NULL;
  if ((f = field(v, "feeRecipient")) && rpc_parse_addr(c, i, f, &o->coinbase)) return -1;
  o->has_coinbase = f != NULL;
  if ((f = field(v, "prevRandao")) && rpc_parse_hash(c, i, f, &o->random)) return -1;
  o->has_random = f != NULL;
  if ((f = field(v, "baseFeePerGas")) && rpc_parse_u256(c, i, f, &o->base_fee)) return -1;
  o->has_base_fee = f != NULL;
  if ((f = field(v, "blobBaseFee")) && rpc_parse_u256(c, i, f, &o->blob_base_fee)) return -1;
  o->has_blob_base_fee = f != NULL;
  if ((f = field(v, "difficulty")) && rpc_parse_u256(c, i, f, &o->difficulty)) return -1;
  o->has_difficulty = f != NULL;
  if ((f = field(v, "beaconRoot")) && rpc_parse_hash(c, i, f, &o->beacon_root)) return -1;
  o->has_beacon_root = f != NULL;
  if ((f = field(v, "withdrawals")) && parse_withdrawals(c, i, f, o)) return -1;
  return 0;
}

void rpc_block_overrides_free(rpc_block_overrides_t *o) {
  free(o->withdrawals);
  o->withdrawals = NULL;
  o->withdrawal_count = 0;
}

void rpc_block_overrides_apply(const rpc_block_overrides_t *o, chain_block_env_t *env) {
  if (o->has_number) env->number = (int64_t)o->number;
  if (o->has_difficulty) env->difficulty = o->difficulty;
  if (o->has_time) env->timestamp = (int64_t)o->time;
  if (o->has_gas_limit) env->gas_limit = (int64_t)o->gas_limit;
  if (o->has_coinbase) env->coinbase = o->coinbase;
  if (o->has_random) env->prev_randao = o->random;
  if (o->has_base_fee) env->base_fee = o->base_fee;
  if (o->has_blob_base_fee) env->blob_base_fee = &o->blob_base_fee;
}

/* ---- eth_simulateV1 ---- */

/* An EIP-7702 authorizationList: [{chainId, address, nonce, yParity, r, s}]. */
static int parse_auths(rpc_call_t *c, const cJSON *v, sim_call_t *out) {
  if (!cJSON_IsArray(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument 0: json: cannot unmarshal non-array into Go struct field "
                    "TransactionArgs.authorizationList of type []types.SetCodeAuthorization");
  size_t n = (size_t)cJSON_GetArraySize(v);
  out->auths = n ? calloc(n, sizeof *out->auths) : NULL;
  if (n && !out->auths) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  out->has_auths = true;
  const cJSON *e, *f;
  cJSON_ArrayForEach(e, v) {
    tx_authorization_t *a = &out->auths[out->auth_count++];
    uint64_t y = 0;
    if (!cJSON_IsObject(e))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: an authorization must be an object");
    if ((f = field(e, "chainId")) && rpc_parse_u256(c, 0, f, &a->chain_id)) return -1;
    if ((f = field(e, "address")) && rpc_parse_addr(c, 0, f, &a->address)) return -1;
    if ((f = field(e, "nonce")) && rpc_parse_qty(c, 0, f, &a->nonce)) return -1;
    if ((f = field(e, "yParity")) && rpc_parse_qty(c, 0, f, &y)) return -1;
    if (y > 255) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: yParity too large");
    a->y_parity = (uint8_t)y;
    if ((f = field(e, "r")) && rpc_parse_u256(c, 0, f, &a->r)) return -1;
    if ((f = field(e, "s")) && rpc_parse_u256(c, 0, f, &a->s)) return -1;
  }
  return 0;
}

static int parse_call(rpc_call_t *c, const cJSON *v, sim_call_t *out) {
  memset(out, 0, sizeof *out);
  if (rpc_parse_call(c, 0, v, &out->msg, &out->data)) return -1;
  out->has_gas = field(v, "gas") != NULL;
  out->has_gas_price = field(v, "gasPrice") != NULL;
  out->has_max_fee = field(v, "maxFeePerGas") != NULL;
  out->has_max_prio = field(v, "maxPriorityFeePerGas") != NULL;
  const cJSON *f = field(v, "nonce");
  if (f && rpc_parse_qty(c, 0, f, &out->nonce)) return -1;
  out->has_nonce = f != NULL;
  if ((f = field(v, "chainId")) && rpc_parse_u256(c, 0, f, &out->chain_id)) return -1;
  out->has_chain_id = f != NULL;
  if ((f = field(v, "authorizationList")) && parse_auths(c, f, out)) return -1;
  if (out->has_gas)
    out->msg.gas = 0, rpc_parse_qty(c, 0, field(v, "gas"), &out->msg.gas); /* uncapped: the budget caps */
  return 0;
}

int sim_parse(rpc_call_t *c, const cJSON *v, sim_request_t *r) {
  memset(r, 0, sizeof *r);
  if (!cJSON_IsObject(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument 0: json: cannot unmarshal non-object into Go value of type ethapi.simOpts");
  const cJSON *f, *b;
  if ((f = field(v, "traceTransfers")) && rpc_parse_bool(c, 0, f, &r->trace_transfers)) return -1;
  if ((f = field(v, "validation")) && rpc_parse_bool(c, 0, f, &r->validation)) return -1;
  if ((f = field(v, "returnFullTransactions")) && rpc_parse_bool(c, 0, f, &r->full_tx)) return -1;
  const cJSON *bs = field(v, "blockStateCalls");
  if (bs && !cJSON_IsArray(bs))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument 0: json: cannot unmarshal non-array into Go struct field "
                    "simOpts.blockStateCalls of type []ethapi.simBlock");
  size_t n = bs ? (size_t)cJSON_GetArraySize(bs) : 0;
  if (n == 0) return rpc_fail(c, RPC_INVALID_PARAMS, "empty input");
  if (n > SIM_MAX_BLOCKS) return rpc_fail(c, SIM_ERR_CLIENT_LIMIT, "too many blocks");
  r->blocks = calloc(n, sizeof *r->blocks);
  if (!r->blocks) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  cJSON_ArrayForEach(b, bs) {
    sim_block_t *blk = &r->blocks[r->count++];
    if (!cJSON_IsObject(b))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: a block state call must be an object");
    if (rpc_parse_block_overrides(c, 0, field(b, "blockOverrides"), &blk->ov)) return -1;
    const cJSON *so = field(b, "stateOverrides");
    chain_call_msg_t probe;
    memset(&probe, 0, sizeof probe);
    if (rpc_parse_state_overrides(c, 0, so, &probe)) return -1;
    blk->state = so && so->child ? so : NULL;
    const cJSON *calls = field(b, "calls"), *call;
    if (calls && !cJSON_IsArray(calls))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: calls must be an array");
    size_t k = calls ? (size_t)cJSON_GetArraySize(calls) : 0;
    blk->calls = k ? calloc(k, sizeof *blk->calls) : NULL;
    if (k && !blk->calls) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    cJSON_ArrayForEach(call, calls) {
      int bad = parse_call(c, call, &blk->calls[blk->call_count]);
      blk->call_count++; /* freed with the request, even half parsed */
      if (bad) return -1;
    }
  }
  return 0;
}

void sim_request_free(sim_request_t *r) {
  for (size_t i = 0; i < r->count; i++) {
    sim_block_t *b = &r->blocks[i];
    rpc_block_overrides_free(&b->ov);
    for (size_t k = 0; k < b->call_count; k++) free(b->calls[k].data), free(b->calls[k].auths);
    free(b->calls);
  }
  free(r->blocks);
  memset(r, 0, sizeof *r);
}
