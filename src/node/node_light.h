/* The node's light mode with an execution-RPC provider (--execution-rpc): the
 * source (light_rpc_source.h) made the chain's remote, and raw transactions
 * forwarded to the provider as well as pooled (the pool hands them to peers).
 * Not a public header. */
#ifndef ETHC_NODE_LIGHT_H
#define ETHC_NODE_LIGHT_H

#include "ethc/chain.h"
#include "ethc/rpc.h"

typedef struct node_light node_light_t;

/* Makes `url`'s source the chain's remote and wraps *pool (for the RPC
 * server, which copies it after this call) so that eth_sendRawTransaction
 * goes to the provider first. 0 with *out, or an error with err. Before any
 * other thread reads the chain. */
int node_light_start(const char *url, chain_t *chain, rpc_txpool_t *pool, node_light_t **out, char *err, size_t errlen);
/* After the RPC server stopped and before or after chain_close (the chain
 * must not be read any more). NULL accepted. */
void node_light_free(node_light_t *l, chain_t *chain);
/* The provider's source hooks (valid until node_light_free), for chaining
 * another source after it (node_peer_source.h). */
#include "ethc/chain_remote.h"
chain_remote_t node_light_remote(node_light_t *l);

#endif
