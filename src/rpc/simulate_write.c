/* eth_simulateV1 (execution-apis src/eth/execute.yaml): the method, and its
 * result as go-ethereum writes it: one block object per simulated block (the
 * fields of eth_getBlockByNumber, transactions as hashes or, with
 * returnFullTransactions, as objects whose "from" is the call's sender) with
 * "calls": returnData, logs, gasUsed, maxUsedGas, status, and for a failed
 * call an error {code 3 "execution reverted[: reason]" with the revert data,
 * or -32015 with the EVM's error}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/tracer.h"
#include "rpc/simulate.h"

static void write_call(jw_t *w, const sim_call_result_t *r) {
  jw_obj_begin(w);
  jw_kdata(w, "returnData", r->status == EVM_SUCCESS ? r->ret : NULL, r->status == EVM_SUCCESS ? r->ret_len : 0);
  jw_key(w, "logs");
  jw_arr_begin(w);
  for (size_t i = 0; i < r->log_count; i++) rpc_write_log(w, &r->logs[i]);
  jw_arr_end(w);
  jw_kqty(w, "gasUsed", r->gas_used);
  jw_kqty(w, "maxUsedGas", r->max_used_gas);
  jw_kqty(w, "status", r->status == EVM_SUCCESS ? 1 : 0);
  if (r->status != EVM_SUCCESS) {
    jw_key(w, "error");
    jw_obj_begin(w);
    if (r->status == EVM_REVERT) {
      char reason[200], msg[240];
      if (rpc_revert_reason(r->ret, r->ret_len, reason, sizeof reason))
        snprintf(msg, sizeof msg, "execution reverted: %s", reason);
      else snprintf(msg, sizeof msg, "execution reverted");
      jw_key(w, "message");
      jw_cstr(w, msg);
      jw_key(w, "code");
      jw_int(w, RPC_EXECUTION_REVERTED);
      jw_kdata(w, "data", r->ret, r->ret_len);
    } else {
      const char *m = evm_trace_error_message(r->status);
      jw_key(w, "message");
      jw_cstr(w, m ? m : "execution failed");
      jw_key(w, "code");
      jw_int(w, SIM_ERR_VM);
    }
    jw_obj_end(w);
  }
  jw_obj_end(w);
}

/* What a transaction paid per gas in its block (EIP-1559). */
static u256_t effective_price(const tx_t *tx, const chain_header_t *h) {
  if (tx->type < TX_DYNAMIC_FEE || !h->has_base_fee) return tx->gas_price;
  u256_t p;
  u256_add(&p, &h->base_fee, &tx->max_priority_fee_per_gas);
  return u256_lt(&tx->max_fee_per_gas, &p) ? tx->max_fee_per_gas : p;
}

static void write_block(jw_t *w, const sim_request_t *req, const sim_block_result_t *b) {
  const chain_header_t *h = &b->header;
  jw_obj_begin(w);
  rpc_write_header_fields(w, h, &b->hash);
  jw_kqty(w, "size", b->size);
  jw_key(w, "transactions");
  jw_arr_begin(w);
  for (size_t i = 0; i < b->tx_count; i++) {
    if (!req->full_tx) {
      jw_hash(w, &b->tx_hashes[i]);
      continue;
    }
    chain_read_tx_t t;
    memset(&t, 0, sizeof t);
    t.tx = b->txs[i]; /* borrowed: never freed here */
    t.hash = b->tx_hashes[i];
    t.from = b->senders[i];
    t.block_hash = b->hash;
    t.block_number = h->number;
    t.block_timestamp = h->timestamp;
    t.index = (uint32_t)i;
    t.effective_gas_price = effective_price(&b->txs[i], h);
    rpc_write_tx(w, &t);
  }
  jw_arr_end(w);
  jw_key(w, "uncles");
  jw_arr_begin(w);
  jw_arr_end(w);
  if (b->has_withdrawals) {
    jw_key(w, "withdrawals");
    jw_arr_begin(w);
    for (size_t i = 0; i < b->withdrawal_count; i++) rpc_write_withdrawal(w, &b->withdrawals[i]);
    jw_arr_end(w);
  }
  jw_key(w, "calls");
  jw_arr_begin(w);
  for (size_t i = 0; i < b->tx_count; i++) write_call(w, &b->calls[i]);
  jw_arr_end(w);
  jw_obj_end(w);
}

void sim_write(rpc_call_t *c, const sim_request_t *req, const sim_result_t *r) {
  jw_arr_begin(c->w);
  for (size_t i = 0; i < r->count; i++) write_block(c->w, req, &r->blocks[i]);
  jw_arr_end(c->w);
}

static int eth_simulateV1(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  sim_request_t req;
  rpc_block_ref_t ref;
  chain_snapshot_t *snap;
  if (rpc_need(c, params, 0, &v)) return -1;
  if (sim_parse(c, v, &req)) return sim_request_free(&req), -1;
  if (rpc_parse_block_ref_opt(c, params, 1, &ref) || rpc_snapshot(c, &ref, &snap)) return sim_request_free(&req), -1;
  sim_result_t res;
  int rc = sim_run(c, snap, &req, &res);
  if (!rc) {
    sim_write(c, &req, &res);
    sim_result_free(&res);
  }
  chain_snapshot_release(snap);
  sim_request_free(&req);
  return rc;
}

const rpc_method_t rpc_methods_simulate[] = {
    {"eth_simulateV1", RPC_NS_ETH, eth_simulateV1, 2},
    {0},
};
