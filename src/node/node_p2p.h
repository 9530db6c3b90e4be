/* The node's peer manager (peers.h) wired to its p2p identity (node_discv4.h):
 * listens on the --port TCP port, dials --trusted-peers, serves eth and snap,
 * and runs the light header sync (to --sync.target, or the best peer's head). */
#ifndef ETHC_NODE_P2P_H
#define ETHC_NODE_P2P_H

#include <pthread.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/node.h"
#include "ethc/peers.h"
#include "node/node_discv4.h"

/* Starts the peer manager when p->on (else returns 0 with *out NULL), and
 * fills the TCP port it got into p's enode and node info. 0, or an ETHC_ERR_*
 * with a message (*out may then be set: stop and free it as usual). */
int node_peers_start(peers_t **out, uv_loop_t *loop, node_p2p_t *p, const node_p2p_opts_t *o, chain_t *chain,
                     uint64_t chain_id, bool read_only, const char *client_version, pthread_mutex_t *write_lock,
                     char *err, size_t errlen);

/* Connects the node's pool to the peers' transaction exchange (eth_tx.h): the
 * pool's accepted transactions are announced to peers, peers' transactions
 * are validated into it. Call after node_peers_start (peers may be NULL: then
 * nothing). Logs a warning when it cannot. Loop thread, before the loop runs. */
#include "node/txpool.h"
void node_peers_attach_pool(peers_t *peers, txpool_t *pool);

#endif
