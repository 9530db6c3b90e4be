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

#endif

/* Connects the node's pool to the peers' transaction exchange (eth_tx.h): the
 * pool's accepted transactions are announced to peers, peers' transactions
 * are validated into it. Call after node_peers_start (peers may be NULL: then
 * nothing). Logs a warning when it cannot. Loop thread, before the loop runs. */
#include "node/txpool.h"
void node_peers_attach_pool(peers_t *peers, txpool_t *pool);

/* The light mode's devp2p source (p2p_remote.h) over the node's peers: bodies,
 * receipts and snap state fetched on demand and checked. Call after
 * node_peers_start, on the loop thread before the loop runs (peers NULL: 0
 * with *out NULL). Hand p2p_remote_as_chain_remote(*out) to the chain; at
 * shutdown call p2p_remote_stop(*out) before peers_stop (close_all), and
 * p2p_remote_free(*out) once the loop has ended and the HTTP servers have
 * stopped. 0 or ETHC_ERR_NOMEM (logged). */
#include "ethc/p2p_remote.h"
int node_peers_remote(peers_t *peers, p2p_remote_t **out);
