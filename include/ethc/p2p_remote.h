/* A chain_remote_t (chain_remote.h) whose data comes from the node's devp2p
 * peers: block bodies by GetBlockBodies and receipts by GetReceipts (devp2p
 * caps/eth.md, eth/68 receipts with bloom, eth/69 without: the consensus
 * receipts are rebuilt), and state over snap/1 (caps/snap.md): an account by
 * GetAccountRange from keccak(address) with its range proof (an absent
 * account is proven absent), a storage slot by GetStorageRanges likewise, code
 * by GetByteCodes. Every answer is checked before it is returned: a body
 * against the header's transactions root, ommers hash and withdrawals root,
 * receipts against its receipts root, state against the state root (proofs)
 * and code against its hash. State is read first by GetTrieNodes: the key's
 * path walked from the state root over the verified nodes at hand (memory, and
 * the chain database's trie_node_cache.h when given), the rest of the path
 * asked in one request and verified node by node by the chain of hashes; a
 * peer that answers GetTrieNodes empty is read by the range requests instead. A peer whose answer fails its check is banned
 * through the peer score (peer_score.h) and the request goes to another peer;
 * a peer that lacks the data (an empty answer) is skipped without blame.
 * Snap peers serve only the ~128 most recent state roots: an older root gives
 * an error saying so. Transaction lookups are not offered (no devp2p message).
 * Verified accounts, slots and code are cached in memory (bounded).
 * Errors (with a message in err where the hook has one): ETHC_ERR_NOT_FOUND
 * when every peer asked answered that it lacks the data; ETHC_ERR_IO when no
 * peer is connected, or the answers timed out or were refused (the message
 * says which check failed); the state hook and the base's reads give
 * ETHC_ERR_MISSING_NODE when no snap peer serves the root.
 * Implementation: src/p2p/p2p_remote.c (requests, bodies, receipts),
 * src/p2p/p2p_remote_state.c (snap state).
 *
 * Threads: p2p_remote_new and p2p_remote_stop run on the peer manager's loop
 * thread; the chain_remote_t hooks run on any other threads, any number at
 * once (each blocks its caller up to the timeout per peer asked, at most
 * P2P_REMOTE_ATTEMPTS peers); they must never be called on the loop thread.
 * The loop itself never blocks: it sends, matches responses by request id and
 * wakes the caller, which checks the answer. */
#ifndef ETHC_P2P_REMOTE_H
#define ETHC_P2P_REMOTE_H

#include <stdint.h>

#include "ethc/chain_remote.h"
#include "ethc/peers.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct p2p_remote p2p_remote_t;

#define P2P_REMOTE_ATTEMPTS 4 /* peers asked at most per read */

typedef struct {
  uint64_t timeout_ms;  /* per request; 0: 5000 */
  size_t cache_entries; /* accounts and slots kept; 0: 16384 */
  size_t code_bytes;    /* code kept; 0: 8 MiB */
  size_t node_slots;    /* verified trie nodes kept in memory; 0: 16384 */
  /* verified trie nodes and code, persistent (borrowed, must outlive the
   * source; NULL: memory only) */
  struct trie_node_cache *disk;
  bool no_trie_nodes; /* state by the range reads only (for comparisons) */
} p2p_remote_opts_t;

/* A source fetching from the peers of `peers` (which must outlive it). opts
 * may be NULL. 0 with *out, or ETHC_ERR_NOMEM. Loop thread. */
int p2p_remote_new(peers_t *peers, const p2p_remote_opts_t *opts, p2p_remote_t **out);
/* The hooks (ctx is r); valid until p2p_remote_free. */
chain_remote_t p2p_remote_as_chain_remote(p2p_remote_t *r);
/* Stops fetching (loop thread): waiting callers get ETHC_ERR_IO, later calls
 * fail at once; the loop must then run once more to close its handle. */
void p2p_remote_stop(p2p_remote_t *r);
/* Frees the source, after p2p_remote_stop and the loop's run, once no thread
 * can call its hooks any more. */
void p2p_remote_free(p2p_remote_t *r);

/* The header of block `hash` (number `number`) by GetBlockHeaders by hash
 * (the --light follower's source when it has no execution RPC): 0 with *out
 * only when its keccak256 is `hash` and its number `number` (a peer answering
 * another header is banned, the next one asked); ETHC_ERR_INVALID when the
 * block `hash` is not at height `number`; ETHC_ERR_NOT_FOUND when every peer
 * asked lacks it, ETHC_ERR_IO when none is connected or the answers timed out
 * (message in err). Blocks the caller like the hooks: any thread but the
 * loop's. */
int p2p_remote_header(p2p_remote_t *r, const ethc_hash_t *hash, uint64_t number, chain_header_t *out, char *err,
                      size_t errlen);

/* The checks this source applies to a peer's answer, for another source's
 * (a provider's) answer: a body (RLP [txs, ommers(, withdrawals)]) against the
 * header's transactions root, ommers hash and withdrawals root; a receipts
 * list (the chain_remote_t form) against its receipts root. 0, or
 * ETHC_ERR_INVALID with why (ETHC_ERR_NOMEM). Any thread. */
int p2p_remote_check_body(const chain_header_t *h, bytes_view_t body, char *why, size_t whylen);
int p2p_remote_check_receipts(const chain_header_t *h, bytes_view_t list, char *why, size_t whylen);

/* Figures (any thread): requests sent, answers refused (a failed check),
 * cache hits of the state reads, state reads answered by GetTrieNodes (and
 * their round trips, and the paths those asked for), and reads that fell back
 * to the range requests. */
typedef struct {
  uint64_t requests, refused, timeouts, cache_hits;
  uint64_t node_reads, node_requests, node_paths, range_reads;
} p2p_remote_stats_t;
void p2p_remote_stats(p2p_remote_t *r, p2p_remote_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif
