/* Headers without their blocks: eth_getHeaderByNumber and
 * eth_getHeaderByHash (go-ethereum's eth namespace: the header fields of a
 * block, null when unknown), and the reads of a light sync's headers
 * (devp2p header sync, peers.h), which are stored above the canonical head
 * without bodies or state: the node's rpc_admin_t hooks name them by number. */
#include <inttypes.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "rpc/rpc_internal.h"

int rpc_light_hash(rpc_call_t *c, const rpc_block_ref_t *ref, ethc_hash_t *hash) {
  const rpc_admin_t *a = &c->srv->admin;
  if (ref->kind != RPC_BLOCK_NUMBER || !a->header_tip || !a->header_hash) return ETHC_ERR_NOT_FOUND;
  uint64_t head = chain_snapshot_header(rpc_head(c))->number, tip = a->header_tip(a->ctx);
  uint64_t n = ref->latest ? tip : ref->number;
  if (tip <= head || n <= head) return ETHC_ERR_NOT_FOUND;
  return a->header_hash(a->ctx, n, hash);
}

uint64_t rpc_light_block_number(rpc_call_t *c) {
  const rpc_admin_t *a = &c->srv->admin;
  uint64_t head = chain_snapshot_header(rpc_head(c))->number, tip = a->header_tip ? a->header_tip(a->ctx) : 0;
  uint64_t proven;
  ethc_hash_t hash;
  const rpc_light_heads_t *l = &c->srv->light_heads;
  if (l->head && l->head(l->ctx, RPC_PROVEN_LATEST, &proven, &hash) == 0) return proven; /* a light node */
  return tip > head ? tip : head;
}

int rpc_write_header_block(rpc_call_t *c, const chain_header_t *h, const ethc_hash_t *hash) {
  bool empty = ethc_hash_eq(&h->tx_root, &HEADER_EMPTY_TRIE_ROOT) &&
               ethc_hash_eq(&h->ommers_hash, &HEADER_EMPTY_OMMERS_HASH) &&
               (!h->has_withdrawals_root || ethc_hash_eq(&h->withdrawals_root, &HEADER_EMPTY_TRIE_ROOT));
  if (!empty)
    return rpc_fail(c, RPC_SERVER_ERROR,
                    "block %" PRIu64
                    ": body not stored (a light sync keeps the headers only: "
                    "eth_getHeaderByNumber gives its header)",
                    h->number);
  bytes_buf_t enc = {0};
  if (header_encode(h, &enc)) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  size_t body = enc.len + (h->has_withdrawals_root ? 3 : 2); /* the header and two or three empty lists */
  bytes_buf_free(&enc);
  jw_t *w = c->w;
  jw_obj_begin(w);
  rpc_write_header_fields(w, h, hash);
  jw_kqty(w, "size", rlp_header_len(body) + body);
  jw_key(w, "transactions");
  jw_arr_begin(w);
  jw_arr_end(w);
  jw_key(w, "uncles");
  jw_arr_begin(w);
  jw_arr_end(w);
  if (h->has_withdrawals_root) {
    jw_key(w, "withdrawals");
    jw_arr_begin(w);
    jw_arr_end(w);
  }
  jw_obj_end(w);
  return 0;
}

static int get_header(rpc_call_t *c, const cJSON *params, bool by_hash) {
  const cJSON *v;
  rpc_block_ref_t ref = {.kind = RPC_BLOCK_HASH};
  if (rpc_need(c, params, 0, &v)) return -1;
  if (by_hash ? rpc_parse_hash(c, 0, v, &ref.hash) : rpc_parse_block_number(c, 0, v, &ref)) return -1;
  ethc_hash_t hash;
  uint64_t number;
  int rc = by_hash ? ETHC_ERR_NOT_FOUND : rpc_light_hash(c, &ref, &hash);
  if (rc == ETHC_ERR_NOT_FOUND) {
    rc = rpc_resolve_block(c, &ref, &hash, &number);
    if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
    if (rc) return -1;
  } else if (rc) {
    return rpc_fail_chain(c, rc);
  }
  chain_header_t h;
  rc = chain_read_header_by_hash(c->srv->chain, &hash, &h);
  if (rc == ETHC_ERR_NOT_FOUND) return jw_null(c->w), 0;
  if (rc) return rpc_fail_chain(c, rc);
  rpc_write_header(c->w, &h, &hash);
  return 0;
}
static int eth_getHeaderByNumber(rpc_call_t *c, const cJSON *p) { return get_header(c, p, false); }
static int eth_getHeaderByHash(rpc_call_t *c, const cJSON *p) { return get_header(c, p, true); }

const rpc_method_t rpc_methods_headers[] = {
    {"eth_getHeaderByNumber", RPC_NS_ETH, eth_getHeaderByNumber, 1},
    {"eth_getHeaderByHash", RPC_NS_ETH, eth_getHeaderByHash, 1},
    {0},
};
