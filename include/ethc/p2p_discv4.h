/* Node Discovery Protocol v4 (devp2p discv4.md, EIP-8, EIP-868): the packet codec
 * (hash || signature || type || RLP data, tolerant of extra list elements and
 * trailing data) and the discovery service on a libuv UDP handle: Ping/Pong with
 * the endpoint proof, FindNode/Neighbors, ENRRequest/ENRResponse, the Kademlia
 * table (p2p_kad.h) with liveness checks, iterative lookups and bootstrapping. */
#ifndef ETHC_P2P_DISCV4_H
#define ETHC_P2P_DISCV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/p2p_enr.h"
#include "ethc/p2p_node.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- packets ---- */

#define DISCV4_MAX_PACKET 1280
#define DISCV4_HEADER 98        /* hash 32 || signature 65 || type 1 */
#define DISCV4_MAX_NEIGHBORS 16 /* nodes kept from one Neighbors packet */

enum {
  DISCV4_PING = 1,
  DISCV4_PONG = 2,
  DISCV4_FINDNODE = 3,
  DISCV4_NEIGHBORS = 4,
  DISCV4_ENRREQUEST = 5,
  DISCV4_ENRRESPONSE = 6,
};

/* An endpoint [ip, udp, tcp]: ip as 16 bytes (IPv4 mapped); ip_len is 4 for an
 * IPv4 address (4 bytes on the wire, or 16 as ::ffff:a.b.c.d, which is
 * normalised to IPv4 and encoded as 4), 16 for IPv6, 0 for none (other lengths
 * are decoded as 0). */
typedef struct {
  uint8_t ip[16];
  uint8_t ip_len;
  uint16_t udp, tcp;
} discv4_endpoint_t;

typedef struct {
  uint8_t type;
  uint8_t hash[32];   /* decode: the packet's hash; encode: written */
  uint8_t sender[64]; /* decode: the public key that signed it */
  uint64_t expiration;
  /* Ping: version, from, to, enr_seq; Pong: to, reply (ping hash), enr_seq */
  uint64_t version;
  discv4_endpoint_t from, to;
  bool has_enr_seq;
  uint64_t enr_seq;
  uint8_t reply[32];  /* Pong: the ping's hash; ENRResponse: the request's hash */
  uint8_t target[64]; /* FindNode */
  /* Neighbors */
  size_t node_count;
  struct {
    discv4_endpoint_t ep;
    uint8_t pubkey[64];
  } nodes[DISCV4_MAX_NEIGHBORS];
  /* ENRResponse: the record (checked by enr_decode; valid only when enr_ok) */
  bool enr_ok;
  enr_t enr;
} discv4_packet_t;

/* Decodes and authenticates one datagram: the hash must match and the signature
 * must recover. Extra list elements and data after the list are ignored (EIP-8);
 * the expiration is not checked here. Unknown types are ETHC_ERR_UNSUPPORTED.
 * Returns 0 or an ETHC_ERR_* code. Thread-safe. */
int discv4_decode(const uint8_t *buf, size_t len, discv4_packet_t *p);

/* Encodes and signs p (its type-specific fields; for ENRResponse, enr.raw) with
 * the node key into out (DISCV4_MAX_PACKET bytes); p->hash gets the packet hash.
 * Returns the length, or 0 when it does not fit or the key is bad. */
size_t discv4_encode(const uint8_t key[32], discv4_packet_t *p, uint8_t *out);

/* True when a packet with this expiration has expired at unix time now
 * (as go-ethereum: the value read as a signed number, so "negative" is past). */
bool discv4_expired(uint64_t expiration, uint64_t now);

/* ---- the service ---- */

typedef struct discv4 discv4_t;

typedef struct {
  const uint8_t *key;    /* the node key, 32 bytes (copied) */
  const char *bind_addr; /* NULL: "[::]" dual-stack (IPv4 too), or "0.0.0.0" without IPv6 */
  uint16_t port;         /* UDP port; 0: a free one */
  uint16_t tcp_port;     /* announced in Ping and the ENR (0: the UDP port) */
  const uint8_t *ip;     /* the announced address, 16 bytes (IPv4 as ::ffff:a.b.c.d, which the
                          * record holds as "ip", "udp", "tcp"; IPv6 as "ip6", "udp6",
                          * "tcp6"); NULL: 127.0.0.1 */
  const p2p_node_t *bootnodes;
  size_t bootnode_count;
  const uint8_t *eth_entry; /* the ENR's "eth" value (RLP, opaque), NULL: none */
  size_t eth_entry_len;
  uint64_t refresh_ms;    /* a lookup of a random target this often; 0: 30 min */
  uint64_t revalidate_ms; /* ping one table entry this often; 0: 5 s */
  /* called on the loop thread 3 s after a node entered the table (its endpoint
   * proof; the delay lets a connection it is making to us show first) and each
   * time it answers a liveness check, e.g. to dial it; NULL: none */
  void (*on_node)(void *ctx, const p2p_node_t *n);
  void *on_node_ctx;
} discv4_opts_t;

/* Binds the UDP socket on `loop` (a uv_loop_t *; not run here) and starts
 * bootstrapping. 0, or ETHC_ERR_IO with a message. All later calls except the
 * thread-safe ones below happen on the loop's thread. */
int discv4_start(void *loop, const discv4_opts_t *o, discv4_t **out, char *err, size_t errlen);
/* Closes the handle and timers (the loop then runs their close callbacks). The
 * thread-safe readers below stay valid until discv4_free. */
void discv4_stop(discv4_t *d);
/* Frees the service after discv4_stop (at once if the loop has closed the handles,
 * else when it does). NULL is a no-op. */
void discv4_free(discv4_t *d);
/* The UDP port bound. */
uint16_t discv4_port(const discv4_t *d);
/* Our node record, re-signed with seq + 1 when the "eth" entry changes. */
int discv4_set_eth_entry(discv4_t *d, const uint8_t *value, size_t len);
/* The TCP port announced in Ping and the record (re-signed with seq + 1), for
 * a listener that could not take the UDP port's number. Loop thread; 0 or an
 * error code (the old port kept). */
int discv4_set_tcp_port(discv4_t *d, uint16_t tcp_port);

/* Thread-safe readers (any thread): */
/* The current record (copied). */
void discv4_local_enr(discv4_t *d, enr_t *out);
/* Nodes in the table. */
size_t discv4_table_size(discv4_t *d);
/* The record of a table node, fetched with ENRRequest when its pong announced a
 * newer seq than we hold (EIP-868): true with *out set, false when none is known. */
bool discv4_node_record(discv4_t *d, const uint8_t id[32], enr_t *out);
/* Up to max table nodes (any order). */
size_t discv4_table_nodes(discv4_t *d, p2p_node_t *out, size_t max);
/* Pings a node learnt elsewhere (a DNS node list): when it answers, it is
 * bonded and enters the table. False when stopped, the node has no UDP port,
 * or too much is pending. Loop thread. */
bool discv4_add_node(discv4_t *d, const p2p_node_t *n);


/* ---- what admin_nodeInfo shows ---- */

typedef struct {
  uint8_t pubkey[64];
  uint8_t ip[16];        /* the announced address (IPv4 as ::ffff:a.b.c.d, or IPv6) */
  bool listen6;          /* the listener is dual-stack: listenAddr "[::]:port" */
  uint16_t tcp_port;     /* the listener's port */
  uint16_t udp_port;     /* discovery's port, 0 with --nodiscover */
  const char *name;      /* the client version */
  const char *protocols; /* a JSON object text ("{}": none yet) */
  discv4_t *disc;        /* the discovery service, or NULL (--nodiscover) */
  enr_t enr;             /* the record when disc is NULL */
} p2p_info_t;

/* admin_nodeInfo's object as go-ethereum writes it (id, name, enode, enr, ip,
 * ports {discovery, listener}, listenAddr, protocols), plus "discovery": {"table":
 * N}: malloc'd JSON text, NULL when out of memory. Thread-safe. */
char *p2p_node_info_json(const p2p_info_t *i);
/* The discovery table as a JSON array of {id, enode, ip, udp, tcp}; "[]" for a
 * NULL service. Thread-safe. */
char *discv4_table_json(discv4_t *d);

#ifdef __cplusplus
}
#endif

#endif
