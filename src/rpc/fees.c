/* Fee methods on stored headers (execution-apis src/eth/fee_market.yaml):
 * eth_baseFee, the EIP-1559 base fee of the block after the head, and
 * eth_feeHistory, per block the base fee and EIP-4844 blob base fee (one more
 * entry for the next block), gas and blob gas used ratios, and the effective
 * priority fees at the requested percentiles of the block's gas. */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_config.h"
#include "ethc/chain_read.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/transition.h"
#include "rpc/rpc_internal.h"

#define FEE_HISTORY_MAX_BLOCKS 1024
#define FEE_HISTORY_MAX_PERCENTILES 100

static int head_header(rpc_call_t *c, chain_header_t *h) {
  uint64_t n;
  int rc = chain_read_head(c->srv->chain, &n, NULL);
  if (!rc) rc = chain_read_header_by_number(c->srv->chain, n, h, NULL);
  return rc ? rpc_fail_chain(c, rc) : 0;
}

/* The base fee of the child of `h`, or false before London. */
static bool next_base_fee(const chain_config_t *cfg, const chain_header_t *h, u256_t *out) {
  if (!chain_fork_active(cfg, FORK_LONDON, h->number + 1, h->timestamp)) return false;
  header_expected_base_fee(cfg, h, out);
  return true;
}

static int eth_baseFee(rpc_call_t *c, const cJSON *p) {
  chain_header_t h;
  if (head_header(c, &h)) return -1;
  u256_t fee;
  if (!next_base_fee(chain_config(c->srv->chain), &h, &fee)) return jw_null(c->w), 0;
  jw_qty256(c->w, &fee);
  return 0;
}

/* The blob base fee a header's block paid (0 before Cancun). */
static u256_t blob_fee(const chain_config_t *cfg, const chain_header_t *h) {
  u256_t fee = U256_ZERO;
  if (h->has_blob_gas)
    chain_blob_base_fee(h->excess_blob_gas, chain_config_blob_params(cfg, h->timestamp).update_fraction, &fee);
  return fee;
}

typedef struct {
  u256_t tip;
  uint64_t gas;
} tip_t;

static int cmp_tip(const void *a, const void *b) {
  const tip_t *x = a, *y = b;
  return u256_lt(&x->tip, &y->tip) ? -1 : u256_lt(&y->tip, &x->tip) ? 1 : 0;
}

/* The effective priority fees of block `hash` at the percentiles `pct` of its
 * gas used: transactions sorted by tip, each weighing its gas used. */
static int write_rewards(rpc_call_t *c, const ethc_hash_t *hash, const chain_header_t *h, const double *pct, int npct) {
  chain_read_block_t b = {0};
  chain_read_receipts_t rs = {0};
  int rc = chain_read_block(c->srv->chain, hash, &b);
  if (!rc) rc = chain_read_receipts(c->srv->chain, hash, &rs);
  if (rc) {
    chain_read_block_free(&b);
    return rpc_fail_chain(c, rc);
  }
  size_t n = b.block.tx_count < rs.count ? b.block.tx_count : rs.count;
  tip_t *tips = n ? calloc(n, sizeof *tips) : NULL;
  if (n && !tips) {
    chain_read_block_free(&b);
    chain_read_receipts_free(&rs);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    const tx_t *tx = &b.block.txs[i];
    u256_t tip = tx->gas_price;
    if (h->has_base_fee) {
      u256_t room = U256_ZERO;
      if (!u256_lt(&tx->max_fee_per_gas, &h->base_fee)) u256_sub(&room, &tx->max_fee_per_gas, &h->base_fee);
      tip = tx->type >= TX_DYNAMIC_FEE && u256_lt(&tx->max_priority_fee_per_gas, &room) ? tx->max_priority_fee_per_gas
                                                                                        : room;
    }
    tips[i] = (tip_t){tip, rs.receipts[i].gas_used};
  }
  qsort(tips, n, sizeof *tips, cmp_tip);
  jw_arr_begin(c->w);
  size_t k = 0;
  uint64_t sum = n ? tips[0].gas : 0;
  for (int i = 0; i < npct; i++) {
    if (!n) {
      jw_qty(c->w, 0);
      continue;
    }
    uint64_t threshold = (uint64_t)((double)h->gas_used * pct[i] / 100.0);
    while (sum < threshold && k + 1 < n) sum += tips[++k].gas;
    jw_qty256(c->w, &tips[k].tip);
  }
  jw_arr_end(c->w);
  free(tips);
  chain_read_block_free(&b);
  chain_read_receipts_free(&rs);
  return 0;
}

static int eth_feeHistory(rpc_call_t *c, const cJSON *params) {
  const cJSON *vc, *vn, *vp = rpc_param(params, 2);
  uint64_t count;
  rpc_block_ref_t ref;
  if (rpc_need(c, params, 0, &vc) || rpc_need(c, params, 1, &vn)) return -1;
  if (cJSON_IsNumber(vc) && vc->valuedouble >= 0 && vc->valuedouble == (double)(uint64_t)vc->valuedouble)
    count = (uint64_t)vc->valuedouble;
  else if (rpc_parse_qty(c, 0, vc, &count)) return -1;
  if (rpc_parse_block_number(c, 1, vn, &ref)) return -1;
  double pct[FEE_HISTORY_MAX_PERCENTILES];
  int npct = 0;
  if (vp && !cJSON_IsNull(vp)) {
    if (!cJSON_IsArray(vp)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 2: want an array of numbers");
    for (const cJSON *e = vp->child; e; e = e->next) {
      if (npct == FEE_HISTORY_MAX_PERCENTILES)
        return rpc_fail(c, RPC_INVALID_PARAMS, "too many reward percentiles (at most %d)", FEE_HISTORY_MAX_PERCENTILES);
      if (!cJSON_IsNumber(e) || e->valuedouble < 0 || e->valuedouble > 100 || (npct && e->valuedouble < pct[npct - 1]))
        return rpc_fail(c, RPC_INVALID_PARAMS, "invalid reward percentile #%d: want increasing numbers in [0, 100]",
                        npct);
      pct[npct++] = e->valuedouble;
    }
  }
  uint64_t head;
  int rc = chain_read_head(c->srv->chain, &head, NULL);
  if (rc) return rpc_fail_chain(c, rc);
  if (ref.number > head)
    return rpc_fail(c, RPC_SERVER_ERROR, "request beyond head block: requested %llu, head %llu",
                    (unsigned long long)ref.number, (unsigned long long)head);
  if (count > FEE_HISTORY_MAX_BLOCKS) count = FEE_HISTORY_MAX_BLOCKS;
  if (count > ref.number + 1) count = ref.number + 1;
  const chain_config_t *cfg = chain_config(c->srv->chain);
  jw_t *w = c->w;
  if (count == 0) {
    jw_obj_begin(w);
    jw_kqty(w, "oldestBlock", 0);
    jw_obj_end(w);
    return 0;
  }
  uint64_t oldest = ref.number + 1 - count;
  chain_header_t *hs = calloc((size_t)count, sizeof *hs);
  ethc_hash_t *hashes = calloc((size_t)count, sizeof *hashes);
  if (!hs || !hashes) {
    free(hs);
    free(hashes);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  int ret = -1;
  for (uint64_t i = 0; i < count; i++) {
    rc = chain_read_header_by_number(c->srv->chain, oldest + i, &hs[i], &hashes[i]);
    if (rc) {
      rpc_fail_chain(c, rc);
      goto out;
    }
  }
  const chain_header_t *last = &hs[count - 1];
  jw_obj_begin(w);
  jw_kqty(w, "oldestBlock", oldest);
  if (npct) {
    jw_key(w, "reward");
    jw_arr_begin(w);
    for (uint64_t i = 0; i < count; i++)
      if (write_rewards(c, &hashes[i], &hs[i], pct, npct)) goto out;
    jw_arr_end(w);
  }
  jw_key(w, "baseFeePerGas");
  jw_arr_begin(w);
  for (uint64_t i = 0; i < count; i++) {
    u256_t z = U256_ZERO;
    jw_qty256(w, hs[i].has_base_fee ? &hs[i].base_fee : &z);
  }
  u256_t next = U256_ZERO;
  next_base_fee(cfg, last, &next);
  jw_qty256(w, &next);
  jw_arr_end(w);
  jw_key(w, "gasUsedRatio");
  jw_arr_begin(w);
  for (uint64_t i = 0; i < count; i++)
    jw_double(w, hs[i].gas_limit ? (double)hs[i].gas_used / (double)hs[i].gas_limit : 0);
  jw_arr_end(w);
  jw_key(w, "baseFeePerBlobGas");
  jw_arr_begin(w);
  for (uint64_t i = 0; i < count; i++) {
    u256_t f = blob_fee(cfg, &hs[i]);
    jw_qty256(w, &f);
  }
  u256_t next_blob = U256_ZERO;
  if (last->has_blob_gas)
    chain_blob_base_fee(header_expected_excess_blob_gas(cfg, last, last->timestamp),
                        chain_config_blob_params(cfg, last->timestamp).update_fraction, &next_blob);
  jw_qty256(w, &next_blob);
  jw_arr_end(w);
  jw_key(w, "blobGasUsedRatio");
  jw_arr_begin(w);
  for (uint64_t i = 0; i < count; i++) {
    uint64_t max = chain_config_blob_params(cfg, hs[i].timestamp).max * TX_GAS_PER_BLOB;
    jw_double(w, hs[i].has_blob_gas && max ? (double)hs[i].blob_gas_used / (double)max : 0);
  }
  jw_arr_end(w);
  jw_obj_end(w);
  ret = 0;
out:
  free(hs);
  free(hashes);
  return ret;
}

const rpc_method_t rpc_methods_fees[] = {
    {"eth_baseFee", RPC_NS_ETH, eth_baseFee, 0},
    {"eth_feeHistory", RPC_NS_ETH, eth_feeHistory, 3},
    {0},
};
