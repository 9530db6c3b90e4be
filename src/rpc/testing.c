/* The testing namespace (execution-apis src/testing/testing_buildBlockV1.md):
 * testing_buildBlockV1 builds a block on a given parent from the given
 * transactions (each must apply, else the call fails with the reason) or, when
 * they are null, from the pool's pending ones (those that do not apply are left
 * out), and answers what engine_getPayloadV4 would. It never changes the chain.
 * The gas limit moves toward go-ethereum's default target, 60,000,000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block_builder.h"
#include "ethc/error.h"
#include "rpc/rpc_internal.h"

#define BUILD_GAS_LIMIT_TARGET 60000000ULL
#define MAX_WITHDRAWALS 65536

/* PayloadAttributesV3: timestamp, prevRandao, suggestedFeeRecipient,
 * withdrawals, parentBeaconBlockRoot. *wd is malloc'd (free it). */
static int parse_attrs(rpc_call_t *c, const cJSON *o, block_attrs_t *a, chain_withdrawal_t **wd) {
  *wd = NULL;
  if (!cJSON_IsObject(o))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: payload attributes object wanted");
  const cJSON *v;
  if (!(v = cJSON_GetObjectItem(o, "timestamp")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: missing required field 'timestamp'");
  if (rpc_parse_qty(c, 1, v, &a->timestamp)) return -1;
  if (!(v = cJSON_GetObjectItem(o, "prevRandao")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: missing required field 'prevRandao'");
  if (rpc_parse_hash(c, 1, v, &a->prev_randao)) return -1;
  if (!(v = cJSON_GetObjectItem(o, "suggestedFeeRecipient")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: missing required field 'suggestedFeeRecipient'");
  if (rpc_parse_addr(c, 1, v, &a->fee_recipient)) return -1;
  if ((v = cJSON_GetObjectItem(o, "parentBeaconBlockRoot")) && !cJSON_IsNull(v) &&
      rpc_parse_hash(c, 1, v, &a->parent_beacon_root))
    return -1;
  const cJSON *ws = cJSON_GetObjectItem(o, "withdrawals");
  if (!ws || cJSON_IsNull(ws)) return 0;
  int n = cJSON_GetArraySize(ws);
  if (!cJSON_IsArray(ws) || n > MAX_WITHDRAWALS)
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: withdrawals must be an array");
  if (n && !(*wd = calloc((size_t)n, sizeof **wd))) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  int i = 0;
  const cJSON *w;
  cJSON_ArrayForEach(w, ws) {
    chain_withdrawal_t *x = &(*wd)[i++];
    const cJSON *f[4] = {cJSON_GetObjectItem(w, "index"), cJSON_GetObjectItem(w, "validatorIndex"),
                         cJSON_GetObjectItem(w, "address"), cJSON_GetObjectItem(w, "amount")};
    if (!f[0] || !f[1] || !f[2] || !f[3])
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 1: withdrawal %d lacks a field", i - 1);
    if (rpc_parse_qty(c, 1, f[0], &x->index) || rpc_parse_qty(c, 1, f[1], &x->validator_index) ||
        rpc_parse_addr(c, 1, f[2], &x->address) || rpc_parse_qty(c, 1, f[3], &x->amount_gwei))
      return -1;
  }
  a->withdrawals = *wd;
  a->withdrawal_count = (size_t)n;
  return 0;
}

/* ---- the pool's pending transactions, ordered for inclusion ---- */

typedef struct {
  bytes_buf_t data; /* encodings back to back */
  size_t *ends;
  ethc_address_t *from;
  size_t n, cap;
  int error;
} pending_t;

static void collect(void *arg, const rpc_pool_tx_t *t) {
  pending_t *p = arg;
  if (p->error) return;
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 64;
    size_t *ends = realloc(p->ends, cap * sizeof *ends);
    if (ends) p->ends = ends;
    ethc_address_t *from = realloc(p->from, cap * sizeof *from);
    if (from) p->from = from;
    if (!ends || !from) {
      p->error = ETHC_ERR_NOMEM;
      return;
    }
    p->cap = cap;
  }
  if (tx_encode(t->tx, &p->data)) {
    p->error = ETHC_ERR_NOMEM;
    return;
  }
  p->from[p->n] = *t->from;
  p->ends[p->n++] = p->data.len;
}

/* Adds the pool's pending transactions in inclusion order; those that do not
 * apply are left out. 0 or a local error. */
static int add_from_pool(rpc_call_t *c, block_builder_t *b) {
  const rpc_txpool_t *pool = &c->srv->txpool;
  if (!pool->each) return 0;
  pending_t p = {0};
  pool->each(pool->ctx, true, NULL, collect, &p);
  int rc = p.error;
  tx_t *txs = p.n ? calloc(p.n, sizeof *txs) : NULL;
  block_candidate_t *cand = p.n ? calloc(p.n, sizeof *cand) : NULL;
  if (p.n && (!txs || !cand)) rc = ETHC_ERR_NOMEM;
  size_t decoded = 0;
  for (size_t i = 0; i < p.n && !rc; i++) {
    size_t start = i ? p.ends[i - 1] : 0;
    if (!(rc = tx_decode(p.data.data + start, p.ends[i] - start, &txs[i]))) decoded++;
    cand[i] = (block_candidate_t){&txs[i], p.from[i], i};
  }
  if (!rc) rc = block_order_candidates(cand, p.n, &block_builder_header(b)->base_fee);
  for (size_t i = 0; i < p.n && !rc; i++) {
    size_t k = cand[i].index, start = k ? p.ends[k - 1] : 0;
    if (cand[i].tx->gas_limit > block_builder_gas_left(b)) continue;
    rc = block_builder_add_tx(b, p.data.data + start, p.ends[k] - start, NULL, NULL, 0);
    if (rc == ETHC_ERR_INVALID) rc = 0; /* left out */
  }
  for (size_t i = 0; i < decoded; i++) tx_free(&txs[i]);
  free(txs);
  free(cand);
  free(p.ends);
  free(p.from);
  bytes_buf_free(&p.data);
  return rc;
}

/* ---- the answer: engine_getPayloadV4's ---- */

static void write_payload(jw_t *w, const block_built_t *blk, const block_attrs_t *a) {
  const chain_header_t *h = &blk->header;
  jw_obj_begin(w);
  jw_key(w, "executionPayload");
  jw_obj_begin(w);
  jw_key(w, "parentHash"), jw_hash(w, &h->parent_hash);
  jw_key(w, "feeRecipient"), jw_addr(w, &h->coinbase);
  jw_key(w, "stateRoot"), jw_hash(w, &h->state_root);
  jw_key(w, "receiptsRoot"), jw_hash(w, &h->receipts_root);
  jw_key(w, "logsBloom"), jw_data(w, h->bloom, sizeof h->bloom);
  jw_key(w, "prevRandao"), jw_hash(w, &h->mix_hash);
  jw_key(w, "blockNumber"), jw_qty(w, h->number);
  jw_key(w, "gasLimit"), jw_qty(w, h->gas_limit);
  jw_key(w, "gasUsed"), jw_qty(w, h->gas_used);
  jw_key(w, "timestamp"), jw_qty(w, h->timestamp);
  jw_key(w, "extraData"), jw_data(w, h->extra, h->extra_len);
  jw_key(w, "baseFeePerGas"), jw_qty256(w, &h->base_fee);
  jw_key(w, "blockHash"), jw_hash(w, &blk->hash);
  jw_key(w, "transactions");
  jw_arr_begin(w);
  for (size_t i = 0; i < blk->tx_count; i++) jw_data(w, blk->txs[i].data, blk->txs[i].len);
  jw_arr_end(w);
  if (h->has_withdrawals_root) {
    jw_key(w, "withdrawals");
    jw_arr_begin(w);
    for (size_t i = 0; i < a->withdrawal_count; i++) {
      const chain_withdrawal_t *x = &a->withdrawals[i];
      jw_obj_begin(w);
      jw_key(w, "index"), jw_qty(w, x->index);
      jw_key(w, "validatorIndex"), jw_qty(w, x->validator_index);
      jw_key(w, "address"), jw_addr(w, &x->address);
      jw_key(w, "amount"), jw_qty(w, x->amount_gwei);
      jw_obj_end(w);
    }
    jw_arr_end(w);
  }
  if (h->has_blob_gas) {
    jw_key(w, "blobGasUsed"), jw_qty(w, h->blob_gas_used);
    jw_key(w, "excessBlobGas"), jw_qty(w, h->excess_blob_gas);
  }
  jw_obj_end(w);
  jw_key(w, "blockValue"), jw_qty256(w, &blk->block_value);
  /* the builder takes canonical transactions, without blob sidecars */
  jw_key(w, "blobsBundle");
  jw_obj_begin(w);
  jw_key(w, "commitments"), jw_arr_begin(w), jw_arr_end(w);
  jw_key(w, "proofs"), jw_arr_begin(w), jw_arr_end(w);
  jw_key(w, "blobs"), jw_arr_begin(w), jw_arr_end(w);
  jw_obj_end(w);
  jw_key(w, "executionRequests");
  jw_arr_begin(w);
  for (size_t i = 0; i < blk->request_count; i++) jw_data(w, blk->requests[i].data, blk->requests[i].len);
  jw_arr_end(w);
  jw_key(w, "shouldOverrideBuilder"), jw_bool(w, false);
  jw_obj_end(w);
}

static int testing_buildBlockV1(rpc_call_t *c, const cJSON *params) {
  const cJSON *v, *attrs, *txs;
  ethc_hash_t parent;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &parent) || rpc_need(c, params, 1, &attrs)) return -1;
  block_attrs_t a = {.gas_limit_target = BUILD_GAS_LIMIT_TARGET};
  chain_withdrawal_t *wd = NULL;
  uint8_t *extra = NULL, *raw = NULL;
  block_builder_t *b = NULL;
  block_built_t blk = {0};
  int ret = -1;
  if (parse_attrs(c, attrs, &a, &wd)) goto out;
  txs = rpc_param(params, 2);
  if (txs && !cJSON_IsNull(txs) && !cJSON_IsArray(txs)) {
    rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 2: transactions must be an array or null");
    goto out;
  }
  if ((v = rpc_param(params, 3)) && !cJSON_IsNull(v)) {
    if (rpc_parse_data(c, 3, v, &extra, &a.extra_len)) goto out;
    if (a.extra_len > 32) {
      rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 3: extra data over 32 bytes");
      goto out;
    }
    a.extra = extra;
  }
  char why[256] = "";
  int rc = block_builder_new(c->srv->chain, &parent, &a, &b, why, sizeof why);
  if (rc) {
    if (rc == ETHC_ERR_NOMEM || rc == ETHC_ERR_IO) rpc_fail_local(c, rc);
    else rpc_fail(c, RPC_SERVER_ERROR, "%s", why[0] ? why : ethc_strerror(rc));
    goto out;
  }
  if (!txs || cJSON_IsNull(txs)) {
    if ((rc = add_from_pool(c, b))) {
      rpc_fail_local(c, rc);
      goto out;
    }
  } else {
    const cJSON *t;
    cJSON_ArrayForEach(t, txs) {
      size_t len;
      free(raw), raw = NULL;
      if (rpc_parse_data(c, 2, t, &raw, &len)) goto out;
      rc = block_builder_add_tx(b, raw, len, NULL, why, sizeof why);
      if (rc == ETHC_ERR_INVALID) {
        rpc_fail(c, RPC_SERVER_ERROR, "%s", why);
        goto out;
      }
      if (rc) {
        rpc_fail_local(c, rc);
        goto out;
      }
    }
  }
  if ((rc = block_builder_finish(b, &blk))) {
    if (rc == ETHC_ERR_INVALID) rpc_fail(c, RPC_SERVER_ERROR, "cannot finish the block: a request system call failed");
    else rpc_fail_local(c, rc);
    goto out;
  }
  write_payload(c->w, &blk, &a);
  ret = 0;
out:
  block_built_free(&blk);
  block_builder_free(b);
  free(wd);
  free(extra);
  free(raw);
  return ret;
}

const rpc_method_t rpc_methods_testing[] = {
    {"testing_buildBlockV1", RPC_NS_TESTING, testing_buildBlockV1, 4},
    {NULL, 0, NULL, 0},
};
