/* More reads of the eth namespace on stored blocks (execution-apis
 * src/eth/block.yaml, transaction.yaml, fee_market.yaml, sign.yaml):
 * eth_getUncleByBlockHashAndIndex / ByBlockNumberAndIndex, eth_getRawTransactionByHash,
 * and the fee suggestions eth_maxPriorityFeePerGas, eth_gasPrice
 * and eth_blobBaseFee. The tip suggestion samples the three lowest effective
 * tips of each of the last 20 blocks and takes their 60th percentile (1 gwei
 * when the blocks hold no transactions). */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_config.h"
#include "ethc/chain_read.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/transition.h"
#include "rpc/rpc_internal.h"

#define ORACLE_BLOCKS 20
#define ORACLE_PER_BLOCK 3
#define ORACLE_PERCENTILE 60
#define ORACLE_DEFAULT_TIP 1000000000u /* 1 gwei */

static int uncle_by(rpc_call_t *c, const cJSON *params, bool by_hash) {
  const cJSON *v0, *v1;
  rpc_block_ref_t ref = {.kind = RPC_BLOCK_HASH};
  uint64_t index, number;
  if (rpc_need(c, params, 0, &v0) || rpc_need(c, params, 1, &v1)) return -1;
  if (by_hash ? rpc_parse_hash(c, 0, v0, &ref.hash) : rpc_parse_block_number(c, 0, v0, &ref)) return -1;
  if (rpc_parse_qty(c, 1, v1, &index)) return -1;
  ethc_hash_t hash;
  int rc = rpc_resolve_block(c, &ref, &hash, &number);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return -1;
  chain_read_block_t b = {0};
  rc = chain_read_block(c->srv->chain, &hash, &b);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return rpc_fail_chain(c, rc);
  if (index >= b.block.ommer_count) {
    chain_read_block_free(&b);
    return jw_null(c->w), 0;
  }
  const chain_header_t *u = &b.block.ommers[index];
  bytes_buf_t enc = {0};
  ethc_hash_t uh;
  if (header_encode(u, &enc) || header_hash(u, &uh)) {
    bytes_buf_free(&enc);
    chain_read_block_free(&b);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  /* an uncle as geth gives it: its header as a block without a body */
  jw_obj_begin(c->w);
  rpc_write_header_fields(c->w, u, &uh);
  jw_kqty(c->w, "size", enc.len);
  jw_key(c->w, "transactions");
  jw_arr_begin(c->w);
  jw_arr_end(c->w);
  jw_key(c->w, "uncles");
  jw_arr_begin(c->w);
  jw_arr_end(c->w);
  jw_obj_end(c->w);
  bytes_buf_free(&enc);
  chain_read_block_free(&b);
  return 0;
}
static int eth_getUncleByBlockHashAndIndex(rpc_call_t *c, const cJSON *p) { return uncle_by(c, p, true); }
static int eth_getUncleByBlockNumberAndIndex(rpc_call_t *c, const cJSON *p) { return uncle_by(c, p, false); }

static int eth_getRawTransactionByHash(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_hash_t h;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &h)) return -1;
  chain_read_tx_t t = {0};
  int rc = chain_read_tx_by_hash(c->srv->chain, &h, &t);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return rpc_fail_chain(c, rc);
  bytes_buf_t enc = {0};
  rc = tx_encode(&t.tx, &enc);
  chain_read_tx_free(&t);
  if (rc) return bytes_buf_free(&enc), rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  jw_data(c->w, enc.data, enc.len);
  bytes_buf_free(&enc);
  return 0;
}

static int cmp_u256(const void *a, const void *b) {
  const u256_t *x = a, *y = b;
  return u256_lt(x, y) ? -1 : u256_lt(y, x) ? 1 : 0;
}

/* The suggested priority fee, and the head's header. */
static int suggest_tip(rpc_call_t *c, u256_t *tip, chain_header_t *head) {
  uint64_t n;
  int rc = chain_read_head(c->srv->chain, &n, NULL);
  if (!rc) rc = chain_read_header_by_number(c->srv->chain, n, head, NULL);
  if (rc) return rpc_fail_chain(c, rc);
  u256_t samples[ORACLE_BLOCKS * ORACLE_PER_BLOCK];
  size_t ns = 0;
  for (uint64_t k = 0; k < ORACLE_BLOCKS && k <= n; k++) {
    ethc_hash_t hash;
    chain_header_t h;
    chain_read_block_t b = {0};
    if (chain_read_header_by_number(c->srv->chain, n - k, &h, &hash) || chain_read_block(c->srv->chain, &hash, &b))
      continue;
    u256_t low[ORACLE_PER_BLOCK];
    size_t nl = 0;
    for (size_t i = 0; i < b.block.tx_count; i++) {
      const tx_t *tx = &b.block.txs[i];
      u256_t t = tx->gas_price;
      if (h.has_base_fee) {
        u256_t room = U256_ZERO;
        if (!u256_lt(&tx->max_fee_per_gas, &h.base_fee)) u256_sub(&room, &tx->max_fee_per_gas, &h.base_fee);
        t = tx->type >= TX_DYNAMIC_FEE && u256_lt(&tx->max_priority_fee_per_gas, &room) ? tx->max_priority_fee_per_gas
                                                                                        : room;
      }
      /* keep the ORACLE_PER_BLOCK lowest */
      if (nl < ORACLE_PER_BLOCK) low[nl++] = t;
      else {
        size_t hi = 0;
        for (size_t j = 1; j < nl; j++)
          if (u256_lt(&low[hi], &low[j])) hi = j;
        if (u256_lt(&t, &low[hi])) low[hi] = t;
      }
    }
    for (size_t j = 0; j < nl; j++) samples[ns++] = low[j];
    chain_read_block_free(&b);
  }
  if (!ns) {
    *tip = u256_from_u64(ORACLE_DEFAULT_TIP);
    return 0;
  }
  qsort(samples, ns, sizeof *samples, cmp_u256);
  *tip = samples[(ns - 1) * ORACLE_PERCENTILE / 100];
  return 0;
}

static int eth_maxPriorityFeePerGas(rpc_call_t *c, const cJSON *p) {
  u256_t tip;
  chain_header_t head;
  if (suggest_tip(c, &tip, &head)) return -1;
  jw_qty256(c->w, &tip);
  return 0;
}

/* Legacy price: the suggested tip plus the head's base fee, as geth gives it (not
 * the next block's, which can be lower: a transaction at that price would fail
 * an eth_call against "latest", which web3.js makes before it sends one). */
static int eth_gasPrice(rpc_call_t *c, const cJSON *p) {
  u256_t tip;
  chain_header_t head;
  if (suggest_tip(c, &tip, &head)) return -1;
  if (head.has_base_fee) u256_add(&tip, &tip, &head.base_fee);
  jw_qty256(c->w, &tip);
  return 0;
}

/* The blob base fee of the block after the head (EIP-4844; EIP-7918 from Osaka). */
static int eth_blobBaseFee(rpc_call_t *c, const cJSON *p) {
  uint64_t n;
  chain_header_t head;
  int rc = chain_read_head(c->srv->chain, &n, NULL);
  if (!rc) rc = chain_read_header_by_number(c->srv->chain, n, &head, NULL);
  if (rc) return rpc_fail_chain(c, rc);
  if (!head.has_blob_gas) return rpc_fail(c, RPC_SERVER_ERROR, "blob fees are not active before Cancun");
  const chain_config_t *cfg = chain_config(c->srv->chain);
  u256_t fee;
  chain_blob_base_fee(header_expected_excess_blob_gas(cfg, &head, head.timestamp),
                      chain_config_blob_params(cfg, head.timestamp).update_fraction, &fee);
  jw_qty256(c->w, &fee);
  return 0;
}

const rpc_method_t rpc_methods_extra[] = {
    {"eth_getUncleByBlockHashAndIndex", RPC_NS_ETH, eth_getUncleByBlockHashAndIndex, 2},
    {"eth_getUncleByBlockNumberAndIndex", RPC_NS_ETH, eth_getUncleByBlockNumberAndIndex, 2},
    {"eth_getRawTransactionByHash", RPC_NS_ETH, eth_getRawTransactionByHash, 1},
    {"eth_maxPriorityFeePerGas", RPC_NS_ETH, eth_maxPriorityFeePerGas, 0},
    {"eth_gasPrice", RPC_NS_ETH, eth_gasPrice, 0},
    {"eth_blobBaseFee", RPC_NS_ETH, eth_blobBaseFee, 0},
    {0},
};
