/* engine_getPayloadBodiesByHashV1 and engine_getPayloadBodiesByRangeV1
 * (execution-apis src/engine/shanghai.md): the transactions (canonical
 * encodings) and withdrawals of stored blocks, for a consensus client that
 * keeps blinded blocks. At most ENGINE_BODIES_MAX per call (-38004 past it). */
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "rpc/engine.h"

#define ENGINE_BODIES_MAX 1024

/* ExecutionPayloadBodyV1 of a stored block: withdrawals null before Shanghai. */
static void write_body(jw_t *w, const chain_read_block_t *b) {
  const chain_block_t *blk = &b->block;
  jw_obj_begin(w);
  jw_key(w, "transactions");
  jw_arr_begin(w);
  for (size_t i = 0; i < blk->tx_count; i++) jw_data(w, blk->tx_encodings[i].data, blk->tx_encodings[i].len);
  jw_arr_end(w);
  jw_key(w, "withdrawals");
  if (!blk->has_withdrawals) {
    jw_null(w);
  } else {
    jw_arr_begin(w);
    for (size_t i = 0; i < blk->withdrawal_count; i++) rpc_write_withdrawal(w, &blk->withdrawals[i]);
    jw_arr_end(w);
  }
  jw_obj_end(w);
}

/* The body of block `hash`, or null when it is not stored: 0, or a local error
 * (the call fails). */
static int write_body_of(rpc_call_t *c, const ethc_hash_t *hash) {
  chain_read_block_t b = {0};
  int rc = chain_read_block(c->srv->chain, hash, &b);
  if (rc == ETHC_ERR_NOT_FOUND) {
    jw_null(c->w);
    rc = 0;
  } else if (rc == 0) {
    write_body(c->w, &b);
  }
  chain_read_block_free(&b);
  return rc ? rpc_fail_chain(c, rc) : 0;
}

int engine_getPayloadBodiesByHashV1(rpc_call_t *c, const cJSON *params) {
  const cJSON *arr;
  if (rpc_need(c, params, 0, &arr)) return -1;
  if (!cJSON_IsArray(arr)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: want an array of block hashes");
  if (cJSON_GetArraySize(arr) > ENGINE_BODIES_MAX) return rpc_fail(c, ENGINE_TOO_LARGE, "Too large request");
  for (const cJSON *e = arr->child; e; e = e->next) { /* all checked before anything is written */
    ethc_hash_t h;
    if (rpc_parse_hash(c, 0, e, &h)) return -1;
  }
  jw_arr_begin(c->w);
  for (const cJSON *e = arr->child; e; e = e->next) {
    ethc_hash_t h;
    if (rpc_parse_hash(c, 0, e, &h) || write_body_of(c, &h)) return -1;
  }
  jw_arr_end(c->w);
  return 0;
}

int engine_getPayloadBodiesByRangeV1(rpc_call_t *c, const cJSON *params) {
  const cJSON *v0, *v1;
  uint64_t start, count, head;
  if (rpc_need(c, params, 0, &v0) || rpc_need(c, params, 1, &v1) || rpc_parse_qty(c, 0, v0, &start) ||
      rpc_parse_qty(c, 1, v1, &count))
    return -1;
  if (start < 1 || count < 1) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: start and count must be >= 1");
  if (count > ENGINE_BODIES_MAX) return rpc_fail(c, ENGINE_TOO_LARGE, "Too large request");
  int rc = chain_read_head(c->srv->chain, &head, NULL);
  if (rc) return rpc_fail_chain(c, rc);
  jw_arr_begin(c->w);
  /* no trailing nulls past the head; null for a canonical block not stored */
  for (uint64_t n = start; n <= head && n - start < count; n++) {
    ethc_hash_t h;
    rc = chain_read_canonical_hash(c->srv->chain, n, &h);
    if (rc == ETHC_ERR_NOT_FOUND) jw_null(c->w);
    else if (rc) return rpc_fail_chain(c, rc);
    else if (write_body_of(c, &h)) return -1;
  }
  jw_arr_end(c->w);
  return 0;
}
