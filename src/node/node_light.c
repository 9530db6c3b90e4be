/* --execution-rpc (node_light.h; issue 15, execution-apis JSON-RPC): the
 * execution-RPC source as the chain's remote, and eth_sendRawTransaction
 * forwarded to the provider. */
#include "node/node_light.h"

#include <stdio.h>
#include <stdlib.h>

#include "ethc/error.h"
#include "ethc/light_rpc_source.h"
#include "ethc/log.h"
#include "node/light_limits.h"

struct node_light {
  light_rpc_source_t *src;
  rpc_txpool_t inner; /* the node's pool */
};

/* The provider first (it has the state to judge the transaction); then the
 * local pool, which gossips it to peers, whose verdict on a light node's
 * stale state is not the answer. */
static int forward_add(void *ctx, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen) {
  node_light_t *l = ctx;
  int rc = light_rpc_source_send_raw(l->src, raw, len, hash, err, errlen);
  if (rc) return rc;
  char lerr[200];
  ethc_hash_t local;
  if (l->inner.add && l->inner.add(l->inner.ctx, raw, len, &local, lerr, sizeof lerr))
    ethc_log(ETHC_LOG_DEBUG, "light: the local pool did not take the forwarded transaction: %s", lerr);
  return 0;
}

static void forward_each(void *ctx, bool pending, const ethc_address_t *from,
                         void (*fn)(void *arg, const rpc_pool_tx_t *t), void *arg) {
  node_light_t *l = ctx;
  if (l->inner.each) l->inner.each(l->inner.ctx, pending, from, fn, arg);
}

static uint64_t forward_nonce(void *ctx, const ethc_address_t *a, uint64_t state_nonce) {
  node_light_t *l = ctx;
  return l->inner.pending_nonce ? l->inner.pending_nonce(l->inner.ctx, a, state_nonce) : state_nonce;
}

int node_light_start(const char *url, chain_t *chain, rpc_txpool_t *pool, node_light_t **out, char *err,
                     size_t errlen) {
  *out = NULL;
  node_light_t *l = calloc(1, sizeof *l);
  if (!l) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  light_rpc_opts_t o = {.url = url,
                        .db = chain_db(chain), /* verified nodes and code kept across restarts */
                        .cache_bytes = LIGHT_RPC_NODE_BYTES,
                        .code_bytes = LIGHT_RPC_CODE_BYTES,
                        .where_bytes = LIGHT_RPC_WHERE_BYTES,
                        .read_cache_bytes = LIGHT_RPC_READ_CACHE_BYTES,
                        .max_response = LIGHT_RPC_MAX_ANSWER_BYTES};
  int rc = light_rpc_source_new(&o, &l->src, err, errlen);
  if (rc) {
    free(l);
    return rc;
  }
  chain_remote_t r = light_rpc_source_remote(l->src);
  chain_set_remote(chain, &r);
  l->inner = *pool;
  *pool = (rpc_txpool_t){.ctx = l, .add = forward_add, .each = forward_each, .pending_nonce = forward_nonce};
  ethc_log(ETHC_LOG_INFO, "light: state, bodies and receipts from %s, each checked against the verified headers", url);
  *out = l;
  return 0;
}

void node_light_free(node_light_t *l, chain_t *chain) {
  if (!l) return;
  if (chain) chain_set_remote(chain, NULL);
  light_rpc_source_free(l->src);
  free(l);
}

chain_remote_t node_light_remote(node_light_t *l) { return light_rpc_source_remote(l->src); }
