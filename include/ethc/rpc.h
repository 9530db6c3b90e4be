/* The JSON-RPC 2.0 server (jsonrpc.org/specification) with the methods of the
 * Ethereum execution-apis OpenRPC spec, over HTTP (libmicrohttpd). rpc_server_t
 * turns one request body into one response body and knows nothing of HTTP;
 * rpc_http_t serves it on a port. Both are safe to call from any number of
 * threads: handlers read the chain only through chain_read.h. */
#ifndef ETHC_RPC_H
#define ETHC_RPC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/chain.h"
#include "ethc/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rpc_server rpc_server_t;

/* One pool transaction as rpc_txpool_t.each hands it out (valid during the call). */
typedef struct {
  const tx_t *tx;
  const ethc_hash_t *hash;
  const ethc_address_t *from;
  bool pending; /* executable now: its nonce continues the account's without a gap */
} rpc_pool_tx_t;

/* The transaction pool as the RPC methods see it (the node's txpool implements
 * it; the rpc layer may not link the node's). Every function is thread-safe. */
typedef struct {
  void *ctx;
  /* Validates and adds a canonical raw transaction: 0, or a non-zero code with
   * geth's wording of the rejection in err ("nonce too low", ...). *hash is set
   * whenever the transaction decoded. */
  int (*add)(void *ctx, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen);
  /* Calls fn for each transaction (sorted by sender, then nonce) whose `pending`
   * equals `pending`, of sender `from` only when from is not NULL. fn runs under
   * the pool's lock: it must not call the pool. */
  void (*each)(void *ctx, bool pending, const ethc_address_t *from, void (*fn)(void *arg, const rpc_pool_tx_t *t),
               void *arg);
  /* The nonce after the account's pooled transactions that continue `state_nonce`. */
  uint64_t (*pending_nonce)(void *ctx, const ethc_address_t *a, uint64_t state_nonce);
} rpc_txpool_t;

typedef struct {
  chain_t *chain;             /* read through chain_read.h only */
  const char *apis;           /* enabled namespaces, comma-separated: "eth,net,web3" */
  size_t batch_limit;         /* most requests in a batch; 0: no limit */
  size_t batch_response_max;  /* most bytes of results in a batch's response; 0: no limit */
  size_t logs_limit;          /* most logs eth_getLogs returns; 0: 10000 */
  uint64_t gas_cap;           /* most gas of an eth_call / eth_estimateGas run; 0: no cap */
  const char *client_version; /* web3_clientVersion */
  const rpc_txpool_t *txpool; /* NULL: no pool (eth_sendRawTransaction fails); copied */
  /* Non-NULL: serve the engine namespace (the authenticated port's server, never
   * the public one), importing blocks and moving the head under this lock, which
   * every other writer of the chain holds too. */
  pthread_mutex_t *engine_lock;
  uint64_t evm_timeout_ms; /* --rpc.evmtimeout: an eth_call-like run is aborted after it; 0: never */
} rpc_config_t;

/* 0, or ETHC_ERR_INVALID with a message in `err` (an unknown namespace in apis). */
int rpc_server_new(const rpc_config_t *cfg, rpc_server_t **out, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void rpc_server_free(rpc_server_t *s);

/* Answers one JSON-RPC body (a request or a batch). Out: *resp (malloc'd,
 * NUL-terminated, the caller frees it) and *resp_len; *resp is NULL when
 * nothing is to be sent back (notifications only). Returns 0, or ETHC_ERR_NOMEM. */
int rpc_server_handle(rpc_server_t *s, const char *body, size_t len, char **resp, size_t *resp_len)
    __attribute__((warn_unused_result));

/* Sends each new canonical head since the last call to the newHeads
 * subscribers (WebSocket eth_subscribe). The node's loop calls it on a timer;
 * one thread at a time. */
void rpc_server_poll_heads(rpc_server_t *s);

/* Tells the server of a transaction its pool newly accepted (the pool's accept
 * hook calls it): pending-transaction filters and newPendingTransactions
 * subscribers get it. Thread-safe; sends notifications before returning. */
void rpc_server_pool_tx(rpc_server_t *s, const rpc_pool_tx_t *t);

/* The server's metrics in the Prometheus text format, with `inflight` as the
 * HTTP requests in flight: malloc'd, the caller frees it; NULL when out of memory. */
char *rpc_metrics_text(rpc_server_t *s, unsigned inflight, size_t *len);

/* A JSON-RPC error response with a null id (for transport-level failures such
 * as an oversized body): malloc'd, the caller frees it; NULL when out of memory. */
char *rpc_error_body(int code, const char *message, size_t *len);

/* The node's p2p side as the admin namespace sees it (the node implements it;
 * the rpc layer may not link p2p). Each function is thread-safe and returns a
 * malloc'd JSON text (the caller frees it), or NULL when out of memory. */
/* rpc_admin_t.peer_op's operations (go-ethereum's admin API). */
enum { RPC_PEER_ADD, RPC_PEER_REMOVE, RPC_PEER_ADD_TRUSTED, RPC_PEER_REMOVE_TRUSTED };

typedef struct {
  void *ctx;
  char *(*node_info)(void *ctx); /* admin_nodeInfo's object */
  char *(*table)(void *ctx);     /* debug_p2pTable: the discovery table's nodes */
  char *(*peers)(void *ctx);     /* admin_peers: the connected peers (may be NULL: none) */
  unsigned (*peer_count)(void *ctx); /* net_peerCount (may be NULL: 0) */
  char *(*syncing)(void *ctx);       /* eth_syncing: "false" or its object (may be NULL: false) */
  /* a light sync's verified headers above the canonical head (both may be NULL: none) */
  uint64_t (*header_tip)(void *ctx);                                 /* their tip (0: none) */
  int (*header_hash)(void *ctx, uint64_t number, ethc_hash_t *hash); /* 0 or ETHC_ERR_NOT_FOUND */
  /* admin_addPeer, admin_removePeer, admin_addTrustedPeer,
   * admin_removeTrustedPeer (op: RPC_PEER_*) of an enode URL (IPv4 or [IPv6]
   * host), any thread: 0 once queued for the p2p loop, or an ETHC_ERR_* code
   * with a message in err (may be NULL: not supported) */
  int (*peer_op)(void *ctx, int op, const char *enode, char *err, size_t errlen);
} rpc_admin_t;

/* Gives the server its p2p side (copied) before it serves requests; without one,
 * admin_nodeInfo answers that p2p networking is off. */
void rpc_server_set_admin(rpc_server_t *s, const rpc_admin_t *a);

/* A light node's proven heads (light_follow.h): the execution blocks the beacon
 * light client proved, which the chain may not hold the headers of. With them,
 * the tags latest / pending, safe and finalized name these blocks (an error
 * "header not available" when the chain lacks the header; "no head proven yet"
 * before the first proof) and eth_blockNumber is the proven latest block. */
typedef enum { RPC_PROVEN_LATEST, RPC_PROVEN_SAFE, RPC_PROVEN_FINALIZED } rpc_proven_t;
typedef struct {
  void *ctx;
  /* 0 with the block's number and hash; ETHC_ERR_NOT_FOUND before one is
   * proven. Thread-safe. */
  int (*head)(void *ctx, rpc_proven_t which, uint64_t *number, ethc_hash_t *hash);
} rpc_light_heads_t;
/* Gives the server the proven heads (copied) before it serves requests. */
void rpc_server_set_light_heads(rpc_server_t *s, const rpc_light_heads_t *l);

/* ---- HTTP ---- */

typedef struct rpc_http rpc_http_t;

typedef struct {
  const char *addr;      /* listen address: "127.0.0.1", "0.0.0.0", "::1" */
  uint16_t port;         /* 0: a free port (rpc_http_port tells which) */
  const char *cors;      /* allowed origins, comma-separated, "*" for any; NULL: no CORS headers */
  size_t body_limit;     /* bytes; a longer body gets HTTP 413 */
  unsigned max_conns;    /* concurrent connections; 0: 512 */
  unsigned idle_timeout; /* seconds a connection may idle; 0: 60 */
  bool ws;               /* also JSON-RPC over WebSocket (RFC 6455) on the same port */
  unsigned ws_ping_ms;   /* ping a WebSocket idle this long (dropped after 3 unanswered); 0: 30 s */
  unsigned ratelimit;    /* HTTP requests per second per client address (a batch is one); 0: off */
  /* 32 bytes (copied): every request needs "Authorization: Bearer JWT", HS256
   * with this secret and an iat within 60 s, else HTTP 401 (the engine API's
   * authentication); NULL: none. */
  const uint8_t *jwt_secret;
} rpc_http_opts_t;

/* Starts serving `s` on its own threads. 0, or ETHC_ERR_IO with a message. */
int rpc_http_start(const rpc_http_opts_t *o, rpc_server_t *s, rpc_http_t **out, char *err, size_t errlen)
    __attribute__((warn_unused_result));
uint16_t rpc_http_port(const rpc_http_t *h);
/* Stops accepting connections; requests already received are still answered. */
void rpc_http_quiesce(rpc_http_t *h);
/* Requests being handled now. */
unsigned rpc_http_inflight(const rpc_http_t *h);
/* Closes every connection and joins the server's threads. */
void rpc_http_stop(rpc_http_t *h);

#ifdef __cplusplus
}
#endif

#endif
