/* The peer manager's remembered nodes (go-ethereum's static and trusted
 * nodes, admin_addPeer / admin_addTrustedPeer): a static node is dialled, and
 * redialled after each close with a backoff, for as long as it is in the set;
 * a trusted node may connect (either way) past --maxpeers. A node may be both
 * (--trusted-peers are). Each kind holds at most PEER_SET_MAX nodes.
 * Not thread-safe: the peer manager uses it on its loop's thread only. */
#ifndef ETHC_P2P_PEER_SET_H
#define ETHC_P2P_PEER_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/p2p_node.h"

#define PEER_SET_MAX 256       /* static nodes, and trusted nodes, each */
#define PEER_SET_BACKOFF_MAX 4 /* a redial waits base << min(fails, this) */

enum { PEER_SET_STATIC = 1, PEER_SET_TRUSTED = 2 };

typedef struct {
  p2p_node_t node;    /* pubkey, and the address dialled (STATIC) */
  unsigned flags;     /* PEER_SET_STATIC | PEER_SET_TRUSTED, never 0 */
  uint64_t redial_at; /* loop time (ms) of the next dial (STATIC) */
  unsigned fails;     /* closes in a row before the eth Status (STATIC): the backoff */
} peer_set_entry_t;

typedef struct {
  peer_set_entry_t *v; /* malloc'd */
  size_t n, cap;
  size_t n_static, n_trusted;
} peer_set_t;

/* An empty set (no memory until the first add). */
void peer_set_init(peer_set_t *s);
void peer_set_free(peer_set_t *s);
/* Gives node n (by public key) the kind `flag` (one of PEER_SET_*): a new
 * entry, or the node's entry, whose address becomes n's when flag is STATIC.
 * A node newly STATIC is due at once (redial_at 0, fails 0). Returns 0,
 * ETHC_ERR_LIMIT (PEER_SET_MAX nodes of that kind already) or ETHC_ERR_NOMEM.
 * Entry pointers from peer_set_find are invalid after an add or a remove. */
int peer_set_add(peer_set_t *s, const p2p_node_t *n, unsigned flag);
/* Takes kind `flag` from the node; its entry goes once it has no kind left.
 * True when the node had that kind. */
bool peer_set_remove(peer_set_t *s, const uint8_t pubkey[64], unsigned flag);
/* The node's entry, or NULL. */
peer_set_entry_t *peer_set_find(const peer_set_t *s, const uint8_t pubkey[64]);
/* Whether the node is in the set with kind `flag`. */
bool peer_set_has(const peer_set_t *s, const uint8_t pubkey[64], unsigned flag);
/* A static node's connection closed (or its dial failed) at `now`: reached
 * tells whether it got past the eth Status (then the backoff starts over).
 * Sets the next dial to now + base_ms << min(fails, PEER_SET_BACKOFF_MAX). */
void peer_set_closed(peer_set_entry_t *e, bool reached, uint64_t now, uint64_t base_ms);
/* A static node was dialled at `now`: no other dial before now + its
 * current backoff (fails unchanged; the close counts the attempt). */
void peer_set_dialled(peer_set_entry_t *e, uint64_t now, uint64_t base_ms);

#endif
