/* Block, transaction and receipt reads of the eth namespace (execution-apis
 * src/eth/block.yaml, transaction.yaml, receipt.yaml): a block, transaction or
 * receipt that does not exist is a null result, not an error. */
#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "rpc/render_cache.h"
#include "rpc/rpc_internal.h"

/* Resolves parameter 0 as a block (a number or tag; a hash when by_hash): a
 * light sync's synced header first, else the chain's block. Returns 0 with
 * *found (and *hash), or -1 (the call failed). */
static int resolve_block_param(rpc_call_t *c, const cJSON *params, bool by_hash, ethc_hash_t *hash, bool *found) {
  const cJSON *v;
  rpc_block_ref_t ref;
  if (rpc_need(c, params, 0, &v)) return -1;
  if (by_hash) {
    ref.kind = RPC_BLOCK_HASH;
    ref.require_canonical = false;
    if (rpc_parse_hash(c, 0, v, &ref.hash)) return -1;
  } else if (rpc_parse_block_number(c, 0, v, &ref)) {
    return -1;
  }
  uint64_t number;
  int rc = rpc_light_hash(c, &ref, hash);
  if (rc == ETHC_ERR_NOT_FOUND) {
    rc = rpc_resolve_block(c, &ref, hash, &number);
    if (rc == ETHC_ERR_NOT_FOUND) return *found = false, 0;
    if (rc) return -1;
  } else if (rc) {
    return rpc_fail_chain(c, rc);
  }
  *found = true;
  return 0;
}

/* Reads the block of hash `hash`. Returns 0 with *found, or -1 (the call
 * failed). A light sync's header without its body: *found with b empty and
 * its header in *hdr (when hdr is not NULL; else the call fails). */
static int read_block_hash(rpc_call_t *c, const ethc_hash_t *hash, chain_read_block_t *b, bool *found,
                           chain_header_t *hdr) {
  int rc = chain_read_block(c->srv->chain, hash, b);
  if (rc == ETHC_ERR_NOT_FOUND) return *found = false, 0;
  chain_header_t h;
  if (rc == ETHC_ERR_INVALID && !chain_read_header_by_hash(c->srv->chain, hash, &h)) { /* a header alone */
    if (!hdr)
      return rpc_fail(c, RPC_SERVER_ERROR, "block %llu: body not stored (a light sync keeps the headers only)",
                      (unsigned long long)h.number);
    *hdr = h;
    return *found = true, 0;
  }
  if (rc) return rpc_fail_chain(c, rc);
  *found = true;
  return 0;
}

/* Resolves parameter 0 as a block and reads it. Returns 0 with *found, or -1. */
static int read_block_param(rpc_call_t *c, const cJSON *params, bool by_hash, chain_read_block_t *b, bool *found,
                            chain_header_t *hdr) {
  ethc_hash_t hash;
  if (resolve_block_param(c, params, by_hash, &hash, found)) return -1;
  return *found ? read_block_hash(c, &hash, b, found, hdr) : 0;
}

/* Whether the block's rendering depends on nothing but the block: no
 * impersonated senders (a dev chain's record beside it, chain_dev.h). */
static bool block_renders_alone(rpc_call_t *c, const ethc_hash_t *block_hash) {
  chain_forced_t forced = {0};
  bool alone = chain_forced_load(c->srv->chain, block_hash, &forced) == 0 && forced.rec.len == 0;
  chain_forced_free(&forced);
  return alone;
}

static int get_block(rpc_call_t *c, const cJSON *params, bool by_hash) {
  const cJSON *fv, *v0;
  bool full, found;
  if (rpc_need(c, params, 0, &v0) || rpc_need(c, params, 1, &fv) || rpc_parse_bool(c, 1, fv, &full)) return -1;
  ethc_hash_t hash;
  if (resolve_block_param(c, params, by_hash, &hash, &found)) return -1;
  if (!found) return jw_null(c->w), 0;
  rpc_render_kind_t kind = full ? RPC_RENDER_BLOCK_FULL : RPC_RENDER_BLOCK;
  if (rpc_render_get(kind, &hash, c->w, NULL)) return 0;
  chain_read_block_t b = {0};
  chain_header_t h;
  if (read_block_hash(c, &hash, &b, &found, &h)) return -1;
  if (!found) return jw_null(c->w), 0;
  if (!b.rlp.len) return rpc_write_header_block(c, &h, &hash); /* a light sync's header: not cached */
  jw_mark_t m = jw_mark(c->w);
  int rc = rpc_write_block(c, &b, full);
  if (!rc && (!full || block_renders_alone(c, &hash))) rpc_render_put_since(kind, &hash, c->w, m, NULL);
  chain_read_block_free(&b);
  return rc;
}
static int eth_getBlockByNumber(rpc_call_t *c, const cJSON *p) { return get_block(c, p, false); }
static int eth_getBlockByHash(rpc_call_t *c, const cJSON *p) { return get_block(c, p, true); }

/* A count of the block's transactions or ommers. */
static int block_count(rpc_call_t *c, const cJSON *params, bool by_hash, bool ommers) {
  chain_read_block_t b = {0};
  bool found;
  if (read_block_param(c, params, by_hash, &b, &found, NULL)) return -1;
  if (!found) return jw_null(c->w), 0;
  jw_qty(c->w, ommers ? b.block.ommer_count : b.block.tx_count);
  chain_read_block_free(&b);
  return 0;
}
static int eth_getBlockTransactionCountByNumber(rpc_call_t *c, const cJSON *p) {
  return block_count(c, p, false, false);
}
static int eth_getBlockTransactionCountByHash(rpc_call_t *c, const cJSON *p) { return block_count(c, p, true, false); }
static int eth_getUncleCountByBlockNumber(rpc_call_t *c, const cJSON *p) { return block_count(c, p, false, true); }
static int eth_getUncleCountByBlockHash(rpc_call_t *c, const cJSON *p) { return block_count(c, p, true, true); }

static int write_tx_result(rpc_call_t *c, int rc, chain_read_tx_t *t) {
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return rpc_fail_chain(c, rc);
  rpc_write_tx(c->w, t);
  chain_read_tx_free(t);
  return 0;
}

static int eth_getTransactionByHash(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_hash_t h;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &h)) return -1;
  chain_read_tx_t t = {0};
  int rc = chain_read_tx_by_hash(c->srv->chain, &h, &t);
  if (rc == ETHC_ERR_NOT_FOUND && rpc_pool_write_tx(c, &h)) return 0;
  return write_tx_result(c, rc, &t);
}

static int tx_by_block(rpc_call_t *c, const cJSON *params, bool by_hash) {
  const cJSON *v0, *v1;
  rpc_block_ref_t ref = {.kind = RPC_BLOCK_HASH};
  uint64_t index, number;
  if (rpc_need(c, params, 0, &v0) || rpc_need(c, params, 1, &v1)) return -1;
  if (by_hash ? rpc_parse_hash(c, 0, v0, &ref.hash) : rpc_parse_block_number(c, 0, v0, &ref)) return -1;
  if (rpc_parse_qty(c, 1, v1, &index)) return -1;
  ethc_hash_t hash;
  int rc = rpc_resolve_block(c, &ref, &hash, &number);
  if (rc == ETHC_ERR_NOT_FOUND || index > UINT32_MAX) return jw_null(c->w), 0;
  if (rc) return -1;
  chain_read_tx_t t = {0};
  return write_tx_result(c, chain_read_tx_by_block(c->srv->chain, &hash, (uint32_t)index, &t), &t);
}
static int eth_getTransactionByBlockHashAndIndex(rpc_call_t *c, const cJSON *p) { return tx_by_block(c, p, true); }
static int eth_getTransactionByBlockNumberAndIndex(rpc_call_t *c, const cJSON *p) { return tx_by_block(c, p, false); }

static int eth_getTransactionReceipt(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_hash_t h;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &h)) return -1;
  /* a transaction is in one canonical block at most: a cached receipt holds
   * while its block is canonical */
  rpc_render_where_t where;
  jw_mark_t m = jw_mark(c->w);
  if (rpc_render_get(RPC_RENDER_RECEIPT, &h, c->w, &where)) {
    ethc_hash_t canon;
    if (chain_read_canonical_hash(c->srv->chain, where.block_number, &canon) == 0 &&
        ethc_hash_eq(&canon, &where.block_hash))
      return 0;
    jw_rollback(c->w, m);
  }
  chain_read_receipts_t rs = {0};
  const chain_read_receipt_t *r;
  int rc = chain_read_receipt_by_tx(c->srv->chain, &h, &rs, &r);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return rpc_fail_chain(c, rc);
  rpc_write_receipt(c->w, r);
  where = (rpc_render_where_t){r->block_hash, r->block_number};
  if (block_renders_alone(c, &r->block_hash)) rpc_render_put_since(RPC_RENDER_RECEIPT, &h, c->w, m, &where);
  chain_read_receipts_free(&rs);
  return 0;
}

static int eth_getBlockReceipts(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  rpc_block_ref_t ref;
  if (rpc_need(c, params, 0, &v) || rpc_parse_block_ref(c, 0, v, &ref)) return -1;
  ethc_hash_t hash;
  uint64_t number;
  int rc = rpc_resolve_block(c, &ref, &hash, &number);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return -1;
  chain_read_receipts_t rs = {0};
  rc = chain_read_receipts(c->srv->chain, &hash, &rs);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return rpc_fail_chain(c, rc);
  jw_arr_begin(c->w);
  for (size_t i = 0; i < rs.count; i++) rpc_write_receipt(c->w, &rs.receipts[i]);
  jw_arr_end(c->w);
  chain_read_receipts_free(&rs);
  return 0;
}

const rpc_method_t rpc_methods_blocks[] = {
    {"eth_getBlockByNumber", RPC_NS_ETH, eth_getBlockByNumber, 2},
    {"eth_getBlockByHash", RPC_NS_ETH, eth_getBlockByHash, 2},
    {"eth_getBlockTransactionCountByNumber", RPC_NS_ETH, eth_getBlockTransactionCountByNumber, 1},
    {"eth_getBlockTransactionCountByHash", RPC_NS_ETH, eth_getBlockTransactionCountByHash, 1},
    {"eth_getUncleCountByBlockNumber", RPC_NS_ETH, eth_getUncleCountByBlockNumber, 1},
    {"eth_getUncleCountByBlockHash", RPC_NS_ETH, eth_getUncleCountByBlockHash, 1},
    {"eth_getTransactionByHash", RPC_NS_ETH, eth_getTransactionByHash, 1},
    {"eth_getTransactionByBlockHashAndIndex", RPC_NS_ETH, eth_getTransactionByBlockHashAndIndex, 2},
    {"eth_getTransactionByBlockNumberAndIndex", RPC_NS_ETH, eth_getTransactionByBlockNumberAndIndex, 2},
    {"eth_getTransactionReceipt", RPC_NS_ETH, eth_getTransactionReceipt, 1},
    {"eth_getBlockReceipts", RPC_NS_ETH, eth_getBlockReceipts, 1},
    {0},
};
