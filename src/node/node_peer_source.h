/* The light modes' devp2p source wired into the node (issues 14 and 15): when
 * the node has peers and keeps headers only (`--syncmode light`, the default
 * with peers, or `--light` with peers), bodies, receipts and snap state come
 * from the peers (p2p_remote.h), each answer checked against the verified
 * header before use. With --execution-rpc as well, the two are chained: the
 * provider first (it also has transaction lookups and states older than the
 * ~128 that snap peers keep), then the peers when the provider fails or its
 * answer is refused; every answer, from either, is checked the same way.
 * For `--light` without --execution-rpc it is also the beacon follower's
 * header source (node_peer_source_header: GetBlockHeaders by hash). Without
 * a provider, the peers' verified trie nodes and code are kept in the chain
 * database's trie node cache (trie_node_cache.h); the environment variable
 * ETHC_P2P_STATE=range turns GetTrieNodes off (range reads only, to compare).
 *
 * Threads: start, stop on the node's loop thread (start before the loop runs
 * and before the HTTP servers start, since chain_set_remote is not
 * thread-safe); the hooks it installs and node_peer_source_header on any
 * other thread; free once the loop has ended and the HTTP servers stopped. */
#ifndef ETHC_NODE_PEER_SOURCE_H
#define ETHC_NODE_PEER_SOURCE_H

#include "ethc/chain.h"
#include "ethc/header.h"
#include "ethc/chain_remote.h"
#include "ethc/peers.h"

typedef struct node_peer_source node_peer_source_t;

/* Creates the devp2p source over `peers` and installs it as the chain's
 * remote: alone, or after `provider` (--execution-rpc's source, node_light.h;
 * NULL: none), copied, whose hooks must stay valid while this source is used.
 * 0 with *out, or ETHC_ERR_NOMEM (logged). peers NULL: 0 with *out NULL. */
int node_peer_source_start(peers_t *peers, chain_t *chain, const chain_remote_t *provider, node_peer_source_t **out);
/* Stops fetching: waiting callers get an error, later calls fail at once (the
 * loop must run once more). NULL: nothing. */
void node_peer_source_stop(node_peer_source_t *s);
/* Frees it (after stop, the loop's last run and the HTTP servers' stop).
 * The chain keeps pointers into it: call before chain_close only if nothing
 * reads the chain any more. NULL: nothing. */
void node_peer_source_free(node_peer_source_t *s);
/* light_follow's header hook (ctx: the source): the header of block `hash`,
 * checked to hash to it (p2p_remote_header). Any thread but the loop's. */
int node_peer_source_header(void *ctx, const ethc_hash_t *hash, uint64_t number, chain_header_t *out, char *err,
                            size_t errlen);

#endif
