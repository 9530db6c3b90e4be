/* The node's p2p identity and discovery: loads the node key, signs the node
 * record, starts discv4 on the node's loop with the bootnodes, keeps the
 * trusted peers and --maxpeers for the peer manager, and hands admin_nodeInfo
 * to the RPC server, with admin_addPeer, admin_removePeer, admin_addTrustedPeer
 * and admin_removeTrustedPeer, which parse the URL on the RPC thread and queue
 * the change for the loop (peers.h does it). */
#ifndef ETHC_NODE_DISCV4_H
#define ETHC_NODE_DISCV4_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/forkid.h"
#include "ethc/node.h"
#include "ethc/p2p_discv4.h"
#include "ethc/rpc.h"

/* An admin_addPeer-like call for the loop: op is an RPC_PEER_*. */
typedef struct {
  int op;
  p2p_node_t node;
} node_peer_op_t;

typedef struct {
  bool on;
  uint8_t key[32];  /* the node key */
  p2p_info_t info;  /* what admin_nodeInfo shows; info.disc is the service */
  discv4_t *disc;   /* NULL with --nodiscover */
  p2p_node_t *boot; /* bootnodes (owned) */
  size_t boot_count;
  p2p_node_t *trusted; /* --trusted-peers (owned), for the peer manager */
  size_t trusted_count;
  unsigned maxpeers;
  char enode[ENODE_URL_MAX];
  pthread_mutex_t lock;       /* info.enr with --nodiscover (discovery locks its own) */
  struct peers *peers;        /* the peer manager (node_p2p.h), set before the RPC server serves */
  struct peers *peers_failed; /* a manager that could not listen: freed once the loop closed it */
  struct dnsdisc *dns;        /* EIP-1459 node lists (p2p_dnsdisc.h), or NULL */
  /* admin_addPeer's and the others' nodes (RPC_PEER_*), from RPC threads to the loop (under lock) */
  uv_async_t add_async;
  bool add_on;
  node_peer_op_t add_q[16];
  size_t add_n;
  /* admin_nodeInfo's protocols.eth and the record's "eth" entry (node_p2p_track_forkid) */
  chain_t *chain;
  uint64_t network_id;
  forkid_schedule_t eth_sched; /* the chain's fork schedule */
  forkid_t eth_id;             /* the fork id in the record */
  bool eth_on;                 /* following the head: head_async open (under lock) */
  bool head_pending;           /* a new head for the loop (under lock) */
  uint64_t head_number, head_time;
  uv_async_t head_async;
} node_p2p_t;

/* Starts the p2p side when o->on (else does nothing and returns 0): the node
 * key from o->nodekey_path or DATADIR/nodekey, discovery on UDP o->port unless
 * o->nodiscover, admin_nodeInfo on srv. Bootnodes: o->bootnodes, else the
 * built-in ones of chain_id's network. 0, or ETHC_ERR_INVALID / ETHC_ERR_IO
 * with a message; node_p2p_stop and node_p2p_free are safe after a failure. */
int node_p2p_start(node_p2p_t *p, uv_loop_t *loop, const node_p2p_opts_t *o, const char *datadir, uint64_t chain_id,
                   const char *client_version, rpc_server_t *srv, char *err, size_t errlen);
/* Sets the node record's "eth" entry (the eth protocol's fork id, RLP, opaque
 * here) and re-signs the record with the next seq. Any thread; 0 or an
 * ETHC_ERR_* code. */
int node_p2p_set_eth_entry(node_p2p_t *p, const uint8_t *value, size_t len);
/* Puts the EIP-2124 fork id at a head (number, time) in the record's "eth"
 * entry when it differs from the one there (re-signed with the next seq).
 * Loop thread, after node_p2p_track_forkid. 1 (re-signed), 0 (unchanged), or
 * a negative ETHC_ERR_* code. */
int node_p2p_forkid_at(node_p2p_t *p, uint64_t number, uint64_t time);
/* Makes the record's fork id follow the chain's head (devp2p enr-entries/eth.md):
 * sets it at the current head (the genesis while a light node has proven
 * nothing), then each new head the chain announces (on any thread) is handed to
 * the loop, which re-signs the record when a fork boundary was crossed. Also
 * gives admin_nodeInfo its protocols.eth. Loop thread, before the loop runs and
 * before other threads import; the chain must outlive node_p2p_free. 0 or an
 * ETHC_ERR_* code (nothing started). */
int node_p2p_track_forkid(node_p2p_t *p, uv_loop_t *loop, chain_t *chain, uint64_t network_id);
/* The record's address fields for --nodiscover: "ip" and "tcp" for an IPv4
 * announced address, "ip6" and "tcp6" for an IPv6 one (pointers into p). */
void node_p2p_enr_address(const node_p2p_t *p, enr_fields_t *f);
/* Closes discovery's handles (on the loop's thread, before the loop's last run). */
void node_p2p_stop(node_p2p_t *p);
/* Frees everything, once the loop has run and the RPC server's threads stopped. */
void node_p2p_free(node_p2p_t *p);

#endif
