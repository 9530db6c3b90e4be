/* debug_getRawHeader, debug_getRawBlock, debug_getRawReceipts and
 * debug_getRawTransaction (execution-apis src/debug/getters.yaml): the
 * consensus encodings, as stored, of a block named by number, tag or hash. */
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "rpc/rpc_internal.h"

/* Resolves parameter 0 (a number, tag or hash) and reads the block. Returns 0,
 * ETHC_ERR_NOT_FOUND (no call failure), or -1. */
static int raw_block(rpc_call_t *c, const cJSON *params, chain_read_block_t *b) {
  const cJSON *v;
  rpc_block_ref_t ref;
  if (rpc_need(c, params, 0, &v) || rpc_parse_block_ref(c, 0, v, &ref)) return -1;
  ethc_hash_t hash;
  uint64_t number;
  int rc = rpc_resolve_block(c, &ref, &hash, &number);
  if (rc) return rc;
  rc = chain_read_block(c->srv->chain, &hash, b);
  if (rc == ETHC_ERR_NOT_FOUND) return rc;
  return rc ? rpc_fail_chain(c, rc) : 0;
}

static int not_found(rpc_call_t *c, int rc) {
  return rc == ETHC_ERR_NOT_FOUND ? rpc_fail(c, RPC_SERVER_ERROR, "block not found") : -1;
}

static int debug_getRawHeader(rpc_call_t *c, const cJSON *params) {
  chain_read_block_t b = {0};
  int rc = raw_block(c, params, &b);
  if (rc) return not_found(c, rc);
  rlp_item_t blk, hdr;
  rlp_iter_t it;
  rc = rlp_decode(b.rlp.data, b.rlp.len, &blk);
  if (!rc) rlp_iter_init(&it, &blk);
  if (rc || rlp_iter_next(&it, &hdr) != 1) {
    chain_read_block_free(&b);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "stored block does not decode");
  }
  jw_data(c->w, hdr.raw, hdr.raw_len);
  chain_read_block_free(&b);
  return 0;
}

static int debug_getRawBlock(rpc_call_t *c, const cJSON *params) {
  chain_read_block_t b = {0};
  int rc = raw_block(c, params, &b);
  if (rc) return not_found(c, rc);
  jw_data(c->w, b.rlp.data, b.rlp.len);
  chain_read_block_free(&b);
  return 0;
}

static int debug_getRawReceipts(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  rpc_block_ref_t ref;
  if (rpc_need(c, params, 0, &v) || rpc_parse_block_ref(c, 0, v, &ref)) return -1;
  ethc_hash_t hash;
  uint64_t number;
  int rc = rpc_resolve_block(c, &ref, &hash, &number);
  if (rc) return not_found(c, rc);
  chain_read_receipts_t rs = {0};
  rc = chain_read_receipts(c->srv->chain, &hash, &rs);
  if (rc == ETHC_ERR_NOT_FOUND) return not_found(c, rc);
  if (rc) return rpc_fail_chain(c, rc);
  /* stored as the receipts trie's values: a legacy receipt is its RLP list, a
   * typed one a string holding type || RLP; both are the consensus encoding */
  rlp_item_t list, item;
  rlp_iter_t it;
  jw_arr_begin(c->w);
  if (rs.raw.len && !rlp_decode(rs.raw.data, rs.raw.len, &list) && list.is_list) {
    rlp_iter_init(&it, &list);
    while (rlp_iter_next(&it, &item) == 1) {
      if (item.is_list) jw_data(c->w, item.raw, item.raw_len);
      else jw_data(c->w, item.payload, item.payload_len);
    }
  }
  jw_arr_end(c->w);
  chain_read_receipts_free(&rs);
  return 0;
}

static int debug_getRawTransaction(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_hash_t h;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &h)) return -1;
  chain_read_tx_t t = {0};
  int rc = chain_read_tx_by_hash(c->srv->chain, &h, &t);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_data(c->w, NULL, 0), 0; /* geth: "0x" for an unknown hash */
  if (rc) return rpc_fail_chain(c, rc);
  bytes_buf_t enc = {0};
  rc = tx_encode(&t.tx, &enc);
  chain_read_tx_free(&t);
  if (rc) return bytes_buf_free(&enc), rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  jw_data(c->w, enc.data, enc.len);
  bytes_buf_free(&enc);
  return 0;
}

const rpc_method_t rpc_methods_debug[] = {
    {"debug_getRawHeader", RPC_NS_DEBUG, debug_getRawHeader, 1},
    {"debug_getRawBlock", RPC_NS_DEBUG, debug_getRawBlock, 1},
    {"debug_getRawReceipts", RPC_NS_DEBUG, debug_getRawReceipts, 1},
    {"debug_getRawTransaction", RPC_NS_DEBUG, debug_getRawTransaction, 1},
    {0},
};
