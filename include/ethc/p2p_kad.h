/* The Kademlia node table of discovery v4 (devp2p discv4.md "Node Table"): k = 16
 * entries per bucket by log distance between node ids. As go-ethereum does, the
 * 256 distances are folded into KAD_BUCKETS buckets: every distance up to 239 shares
 * bucket 0 (a random id is that close with probability 2^-16), the rest get one
 * bucket each. Each bucket keeps a replacement list of nodes that did not fit.
 * Pure data structure: the caller passes the time and does the pinging; not
 * thread-safe (the discovery service locks around it). */
#ifndef ETHC_P2P_KAD_H
#define ETHC_P2P_KAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/p2p_enr.h"
#include "ethc/p2p_node.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KAD_K 16            /* entries per bucket */
#define KAD_REPLACEMENTS 10 /* replacement nodes kept per bucket */
#define KAD_BUCKETS 17      /* 256 / 15, go-ethereum's nBuckets */
#define KAD_MIN_DIST 239    /* 256 - KAD_BUCKETS: distances up to it share bucket 0 */
/* Against eclipse attacks, as go-ethereum: at most this many nodes of one /24
 * subnet per bucket and in the whole table; LAN and loopback addresses are exempt. */
#define KAD_BUCKET_IP_LIMIT 2
#define KAD_TABLE_IP_LIMIT 10

typedef struct {
  p2p_node_t node;
  uint64_t added_ms;   /* when it entered the bucket */
  uint64_t checked_ms; /* last liveness check (answered ping) */
  unsigned live;       /* checks passed in a row */
  uint64_t enr_seq;    /* the seq its last pong announced (EIP-868), 0 when unknown */
  bool has_enr;        /* its record, fetched by ENRRequest */
  enr_t enr;
} kad_entry_t;

typedef struct {
  kad_entry_t entries[KAD_K];
  size_t count;
  kad_entry_t repl[KAD_REPLACEMENTS]; /* newest last */
  size_t repl_count;
} kad_bucket_t;

typedef struct {
  uint8_t self[32]; /* our node id */
  kad_bucket_t buckets[KAD_BUCKETS];
} kad_table_t;

void kad_init(kad_table_t *t, const uint8_t self_id[32]);
/* The log distance of two ids: the bit length of a XOR b (0 when equal). */
int kad_logdist(const uint8_t a[32], const uint8_t b[32]);
/* -1 when a is closer to target than b, 1 when farther, 0 when equal. */
int kad_cmp_dist(const uint8_t target[32], const uint8_t a[32], const uint8_t b[32]);
/* The bucket of an id (never our own id). */
size_t kad_bucket_index(const kad_table_t *t, const uint8_t id[32]);

typedef enum {
  KAD_ADDED,       /* put in its bucket */
  KAD_UPDATED,     /* already there: endpoint and liveness refreshed */
  KAD_REPLACEMENT, /* its bucket is full: kept on the replacement list */
  KAD_IGNORED,     /* our own id */
  KAD_IP_LIMIT,    /* too many nodes of its /24 already (see KAD_BUCKET_IP_LIMIT) */
} kad_add_t;
/* True for loopback, private and link-local addresses (exempt from the IP limits). */
bool kad_ip_is_lan(const uint8_t ip[16]);
/* Adds a node that proved itself live at now_ms (it answered our ping). */
kad_add_t kad_add(kad_table_t *t, const p2p_node_t *n, uint64_t now_ms);
/* The entry of id, or NULL. */
kad_entry_t *kad_find(kad_table_t *t, const uint8_t id[32]);
/* Records a passed liveness check (and the ENR seq its pong carried, 0: none). */
void kad_checked(kad_table_t *t, const uint8_t id[32], uint64_t enr_seq, uint64_t now_ms);
/* Removes a node that failed its check; the newest replacement of its bucket
 * takes its place. True when it was in the table. */
bool kad_remove(kad_table_t *t, const uint8_t id[32]);
/* The entry to revalidate next: the one checked longest ago (NULL when empty). */
kad_entry_t *kad_next_check(kad_table_t *t);
/* Up to max nodes closest to target, nearest first; returns the count. */
size_t kad_closest(const kad_table_t *t, const uint8_t target[32], p2p_node_t *out, size_t max);
/* Nodes in the buckets (not counting replacements). */
size_t kad_size(const kad_table_t *t);

#ifdef __cplusplus
}
#endif

#endif
