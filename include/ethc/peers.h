/* The peer manager (devp2p caps/eth.md, caps/snap.md over RLPx, rlpx.h): listens
 * for inbound RLPx connections, dials the static nodes (--trusted-peers,
 * admin_addPeer) and redials them,
 * offers eth/68, eth/69 and snap/1, runs the eth Status handshake after Hello
 * and then serves eth and snap requests from the chain database, answering
 * with the request's id. A peer on another network, genesis or fork gets
 * Disconnect (subprotocol error); a malformed message gets Disconnect (breach
 * of protocol). With sync on, it runs a light header sync (sync.h): the
 * target (--sync.target, else the best head announced), a skeleton of every
 * 192nd header from one peer, filled in parallel by all peers (two requests in
 * flight each, matched by request id, each with a timeout), imported in order.
 * The peer score (peer_score.h): a peer that sends an invalid header, a
 * malformed message or a response with an unknown request id, or lets a
 * request time out, is disconnected and banned ("peers: banned ID (CLIENT) for
 * N s: REASON" in the log, peers_bans_json); trusted peers too, and they are
 * redialled when the ban expires.
 * Implementation: src/p2p/peers.c (connections, sync network side),
 * src/p2p/peer_score.c (bans), src/p2p/sync.c (header storage).
 *
 * Threads: everything runs on the loop's thread except peers_json (any
 * thread) and the header import, which runs on libuv's thread pool, one batch
 * at a time, under `write_lock` (the chain's single importing thread). */
#ifndef ETHC_PEERS_H
#define ETHC_PEERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/p2p_node.h"
#include "ethc/sync.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct peers peers_t;

typedef struct {
  chain_t *chain;
  uint64_t network_id;
  uint8_t key[32];           /* our node key */
  const char *client_id;     /* borrowed, outlives the manager */
  uint16_t port;             /* TCP listen port (0: a free one) */
  unsigned maxpeers;         /* 0: 50; trusted peers count but may connect past it */
  const p2p_node_t *trusted; /* trusted and static (copied; at most 256) */
  size_t trusted_count;
  bool sync;                   /* run the header sync */
  bool has_target;             /* --sync.target */
  ethc_hash_t target;          /* the header to sync up to (else the best peer's head, unverified) */
  pthread_mutex_t *write_lock; /* held around every chain write (may be NULL) */
  uint64_t ban_ms;             /* 0: the offence's ban (peer_score.h); else every first ban (tests) */
  uint64_t request_timeout_ms; /* 0: 10 s */
  uint64_t redial_ms;          /* 0: 5 s between a static node's close and its redial (the backoff's base) */
  bool sync_full;              /* --syncmode full: then fetch bodies and execute the blocks (sync.h) */
  unsigned eth_versions;       /* the eth versions offered in Hello: PEERS_ETH(v) bits; 0: PEERS_ETH_DEFAULT */
} peers_opts_t;

/* --eth.versions: bit of eth/v (68..70) in peers_opts_t.eth_versions. */
#define PEERS_ETH(v) (1u << ((v)-68))
#define PEERS_ETH_ALL (PEERS_ETH(68) | PEERS_ETH(69) | PEERS_ETH(70))
/* eth/70 is opt-in (--eth.versions 68,69,70): ethc-to-ethc tests and peers expect eth/69 */
#define PEERS_ETH_DEFAULT (PEERS_ETH(68) | PEERS_ETH(69))

/* Listens on opts->port and dials the trusted peers. 0 with *out set, or
 * ETHC_ERR_IO (cannot listen) / ETHC_ERR_NOMEM with a message. Loop thread. */
int peers_start(uv_loop_t *loop, const peers_opts_t *opts, peers_t **out, char *err, size_t errlen);
/* The TCP port listened on. */
uint16_t peers_port(const peers_t *p);
/* Whether the listener is "[::]" taking IPv4 too (else "0.0.0.0": no IPv6 here). */
bool peers_listen6(const peers_t *p);
/* net_peerCount: peers past the Status handshake (any thread). */
unsigned peers_count(peers_t *p);
/* admin_peers: a malloc'd JSON array of the connected peers (any thread). */
char *peers_json(peers_t *p);
/* The running bans: a malloc'd JSON array of {"id", "seconds" left, "strikes",
 * "reason"} (any thread; as of the last change of the peer list). */
char *peers_bans_json(peers_t *p);
/* eth_syncing: a malloc'd "false" or {startingBlock,...} (sync.h; any thread). */
char *peers_syncing_json(peers_t *p);
/* The sync's progress and light mode's header index (sync.h; any thread). */
sync_progress_t *peers_sync_progress(peers_t *p);
/* Disconnects every peer and closes the handles (loop thread); the loop must
 * then run until they are closed, and peers_free frees the manager. */
void peers_stop(peers_t *p);
void peers_free(peers_t *p);
/* Dials a node found by discovery (a DNS node list): once, not redialled as
 * trusted peers are. Not when stopping, at --maxpeers, with a third of
 * --maxpeers already dialled this way, already connected to it, or while it
 * is banned. True when dialled. Loop thread. */
bool peers_dial(peers_t *p, const p2p_node_t *n);

/* ---- static and trusted nodes (go-ethereum's admin API; loop thread) ----
 * A static node (admin_addPeer; --trusted-peers are static and trusted) is
 * dialled now and redialled after every close, first after redial_ms, then
 * with a doubling backoff while dials fail (up to 16x), unless connected
 * already (either way), banned, or --maxpeers peers are up and it is not
 * trusted. A trusted node (admin_addTrustedPeer) may connect either way past
 * --maxpeers; it is not dialled for that. Never two connections to one node:
 * the later one gets Disconnect (already connected). At most 256 nodes of
 * each kind. admin_peers shows network.static (dialled as a static node) and
 * network.trusted. */
/* Adds (or re-adds, with n's address) a static node and dials it when due.
 * 0, or ETHC_ERR_LIMIT (256 static nodes) / ETHC_ERR_NOMEM. */
int peers_add_static(peers_t *p, const p2p_node_t *n);
/* admin_removePeer: no longer a static node (if it was one), and any
 * connection to it gets Disconnect (requested) and leaves admin_peers. */
void peers_remove_static(peers_t *p, const p2p_node_t *n);
/* admin_addTrustedPeer: 0, or ETHC_ERR_LIMIT / ETHC_ERR_NOMEM. */
int peers_add_trusted(peers_t *p, const p2p_node_t *n);
/* admin_removeTrustedPeer: no longer trusted (stays connected, and static if it was). */
void peers_remove_trusted(peers_t *p, const p2p_node_t *n);

/* Transaction exchange (eth_tx.h): spreads the pool's transactions to the
 * peers, fetches theirs into it, serves GetPooledTransactions. Call once after
 * peers_start, before peers connect (loop thread). Returns the exchange, owned
 * by the manager (freed by peers_free), for the pool's accept hook to call
 * eth_txex_announce; NULL when out of memory. */
#include "ethc/eth_tx.h"
eth_txex_t *peers_set_txpool(peers_t *p, const eth_tx_pool_t *pool);

/* ---- on-demand fetches (p2p_remote.h) ----
 * A fetcher sends its own requests to the peers with request ids that carry
 * PEERS_FETCH_ID_BIT and gets every eth or snap response whose id carries it
 * (BlockBodies, Receipts, the snap responses): those never reach the header
 * or full sync. All of it runs on the loop thread. */
#include "ethc/peer_score.h"
#include "ethc/rlpx.h"
#define PEERS_FETCH_ID_BIT (1ull << 62)
typedef struct {
  rlpx_conn_t *conn;
  const uint8_t *id; /* 64 bytes, valid while the peer is connected */
  int eth, snap;     /* capability indexes; snap -1 when the peer lacks snap/1 */
  uint32_t version;  /* eth version */
  bool head_known;
  uint64_t earliest, head; /* the blocks it says it serves (earliest 0 before eth/69) */
} peers_peer_t;
typedef struct {
  void *ctx;
  /* a response whose request id carries PEERS_FETCH_ID_BIT */
  void (*on_response)(void *ctx, rlpx_conn_t *c, bool snap, unsigned code, const uint8_t *data, size_t len);
  /* the peer on `c` is leaving (closed or banned): what it was asked fails */
  void (*on_gone)(void *ctx, rlpx_conn_t *c);
} peers_fetch_hooks_t;
/* Installs (or, with NULL, removes) the fetcher's hooks. */
void peers_set_fetch(peers_t *p, const peers_fetch_hooks_t *hooks);
/* The peers past Status and not banned, at most `cap` of them in out; returns their count. */
size_t peers_list(peers_t *p, peers_peer_t *out, size_t cap);
/* The peer score for a fetcher's finding: bans node `id` (disconnecting it if connected). */
void peers_ban_peer(peers_t *p, const uint8_t id[64], peer_offence_t o, const char *why);
/* The loop the manager runs on. */
uv_loop_t *peers_loop(peers_t *p);

#ifdef __cplusplus
}
#endif

#endif
