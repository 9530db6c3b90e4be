/* Transaction exchange over the eth protocol (devp2p caps/eth.md "Transaction
 * Exchange", EIP-2464, EIP-5793 eth/68 announcements; the same messages on
 * eth/69 and eth/70), on the peer manager's libuv loop:
 *  - spreading: each transaction the node's pool accepts (eth_sendRawTransaction,
 *    or from a peer) goes, as geth does, in full (Transactions, 0x02) to
 *    sqrt(n) of the peers that do not know it and as a hash announcement
 *    (NewPooledTransactionHashes, 0x08: types, sizes, hashes; at most
 *    ETH_TX_MAX_ANNOUNCE per message) to the rest. Blob transactions and
 *    transactions over ETH_TX_MAX_BROADCAST_SIZE are only announced.
 *  - fetching: announced hashes that the pool lacks are requested with
 *    GetPooledTransactions (0x09) from a peer that announced them, at most
 *    ETH_TX_MAX_FETCH hashes / ETH_TX_MAX_FETCH_BYTES announced bytes per
 *    request, one request in flight per peer, never the same hash from two
 *    peers at once; an unanswered request times out after ETH_TX_FETCH_TIMEOUT_MS
 *    and its hashes go to another announcer. At most ETH_TX_MAX_WAITING
 *    hashes wait (later announcements are dropped; geth bounds it per peer),
 *    and only the first ETH_TX_MAX_ANNOUNCE hashes of a message are read.
 *  - receiving: Transactions and PooledTransactions are validated by the pool
 *    (on libuv's thread pool). A peer is disconnected (breach of protocol) for
 *    a transaction that does not decode or whose signature is invalid, one
 *    that differs from its announced type or size, a blob transaction in a
 *    Transactions broadcast, or an unsolicited PooledTransactions.
 *  - serving: GetPooledTransactions from the pool (eth_txex_lookup).
 * Blob transactions (EIP-4844 networking): only announced, with the size of
 * their network form (with the sidecar); fetched, handed to the pool and
 * served in that form. A delivery is checked against the deliverer's own
 * announcement even when not asked for (geth does). A delivered blob tx stays
 * wanted while the pool checks its sidecar: when the pool calls it bad (a
 * missing or mismatched sidecar, a KZG proof that fails), its deliverer is
 * banned and another announcer is asked for it.
 *
 * Threads: everything runs on the loop's thread except eth_txex_announce (any
 * thread) and the pool callbacks (add on libuv's thread pool; has/get on the
 * loop). */
#ifndef ETHC_ETH_TX_H
#define ETHC_ETH_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/bytes.h"
#include "ethc/peer_score.h"
#include "ethc/rlpx.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ETH_TX_MAX_ANNOUNCE 4096            /* hashes per NewPooledTransactionHashes (geth) */
#define ETH_TX_MAX_BROADCAST_SIZE 4096      /* larger transactions are only announced (geth's txMaxBroadcastSize) */
#define ETH_TX_MAX_PACKET (100 * 1024)      /* bytes of one Transactions broadcast (geth's maxTxPacketSize) */
#define ETH_TX_MAX_FETCH 256                /* hashes per GetPooledTransactions (geth's maxTxRetrievals) */
#define ETH_TX_MAX_FETCH_BYTES (128 * 1024) /* announced bytes per request (geth's maxTxRetrievalSize) */
#define ETH_TX_MAX_WAITING 8192             /* announced hashes waiting to be fetched, all peers together */
#define ETH_TX_FETCH_TIMEOUT_MS 5000        /* geth's txFetchTimeout */

/* What the pool said of a transaction a peer sent. */
typedef enum {
  ETH_TX_ADDED,   /* accepted */
  ETH_TX_REFUSED, /* refused for a reason that does not blame the sender (known, nonce too low, underpriced, ...) */
  ETH_TX_BAD      /* does not decode or its signature is invalid: the peer misbehaved */
} eth_tx_verdict_t;

/* The node's transaction pool as the exchange sees it. */
typedef struct {
  void *ctx;
  /* Validates and adds a canonical encoding (type || payload, or a legacy RLP
   * list; a blob tx's network form, with its sidecar). Runs on libuv's thread pool, possibly while the loop calls has/get:
   * thread-safe. */
  eth_tx_verdict_t (*add)(void *ctx, const uint8_t *raw, size_t len);
  /* Whether the pool holds the transaction. */
  bool (*has)(void *ctx, const ethc_hash_t *hash);
  /* Appends the canonical encoding of a pooled transaction to out (a blob tx's
   * network form): true when found. */
  bool (*get)(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out);
  /* Optional (NULL: none): calls fn for each pooled transaction, with its type
   * byte (0: legacy) and encoding's size; a new peer is announced them all,
   * as geth does. fn may run under the pool's lock: it must not call the pool. */
  void (*each)(void *ctx, void (*fn)(void *arg, const ethc_hash_t *hash, uint8_t type, uint32_t size), void *arg);
} eth_tx_pool_t;

typedef struct eth_txex eth_txex_t;

/* A transaction exchange on `loop` over `pool` (copied). 0 or ETHC_ERR_NOMEM. Loop thread. */
int eth_txex_new(uv_loop_t *loop, const eth_tx_pool_t *pool, eth_txex_t **out);
/* Closes its loop handles (the loop must then run until they are closed);
 * later announcements are dropped. Loop thread. */
void eth_txex_close(eth_txex_t *x);
/* Frees it once closed and its pool work finished (the loop ran out). */
void eth_txex_free(eth_txex_t *x);

/* Tells the exchange of a transaction the pool accepted: `type` its type byte
 * (0: legacy), `size` its encoding's length. It is spread on the loop soon
 * after. Thread-safe (the pool's accept hook calls it on any thread). */
void eth_txex_announce(eth_txex_t *x, const ethc_hash_t *hash, uint8_t type, uint32_t size);

/* A peer past the Status handshake speaking eth `version` at capability index
 * `cap` of conn; and its departure (before conn is freed). Loop thread. */
int eth_txex_peer_add(eth_txex_t *x, rlpx_conn_t *conn, size_t cap, uint32_t version);
void eth_txex_peer_remove(eth_txex_t *x, rlpx_conn_t *conn);

/* Handles Transactions, NewPooledTransactionHashes and PooledTransactions from
 * conn (other codes are ignored); a malformed or lying message or a bad
 * transaction goes to the ban hook, else disconnects conn. Loop thread. */
void eth_txex_on_msg(eth_txex_t *x, rlpx_conn_t *conn, unsigned code, const uint8_t *p, size_t n);

/* The peer score's hook for a peer that misbehaved (peers.c bans it and
 * disconnects): o is PEER_OFFENCE_MALFORMED for a message that does not decode,
 * PEER_OFFENCE_INVALID_TX for a transaction the pool calls bad, a blob
 * transaction broadcast or one unlike its announcement. Without a hook the
 * exchange disconnects the peer (breach of protocol). Loop thread. */
typedef void (*eth_txex_ban_fn)(void *ctx, rlpx_conn_t *conn, peer_offence_t o, const char *why);
void eth_txex_set_ban(eth_txex_t *x, eth_txex_ban_fn ban, void *ctx);

/* Timeouts of fetch requests and retries; call every second or so. Loop thread. */
void eth_txex_tick(eth_txex_t *x);

/* An eth_pool_lookup_fn (eth_wire.h) serving GetPooledTransactions from the
 * pool: ctx is the exchange. Typed transactions come back as type || payload. */
bool eth_txex_lookup(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out);

/* Counters for logs and tests. */
typedef struct {
  uint64_t announced_out, broadcast_out; /* hashes announced, transactions sent in full */
  uint64_t announced_in, fetched, received, added, bad;
} eth_txex_stats_t;
void eth_txex_stats(const eth_txex_t *x, eth_txex_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif
