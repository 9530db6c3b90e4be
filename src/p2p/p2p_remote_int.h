/* Internals shared by p2p_remote.c (the request bridge, bodies, receipts)
 * and p2p_remote_state.c (snap state): one request to one peer at a time,
 * from a caller's thread, through the loop. */
#ifndef ETHC_P2P_REMOTE_INT_H
#define ETHC_P2P_REMOTE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "ethc/p2p_remote.h"

typedef enum {
  FETCH_HEADER,
  FETCH_BODY,
  FETCH_RECEIPTS,
  FETCH_ACCOUNT,
  FETCH_STORAGE,
  FETCH_CODE,
  FETCH_TRIE_NODES
} fetch_kind_t;

/* What to ask: the header, bodies or receipts of block `hash` (number `number`); snap:
 * `root` (state root), `account` (its hash, storage), `origin` (the key's
 * hash, also the limit); code: `hash`; trie nodes: `root`, the compact
 * `paths` (borrowed), each its own account-trie set, or with `storage` one
 * set of `account` and the paths in its storage trie. */
typedef struct {
  fetch_kind_t kind;
  ethc_hash_t hash, root, account, origin;
  uint64_t number;
  const bytes_view_t *paths;
  size_t path_count;
  bool storage;
} fetch_req_t;

/* The answer: the payload of the response message from peer `peer`. */
typedef struct {
  uint8_t peer[64];
  uint32_t version; /* the peer's eth version */
  uint64_t request_id;
  bytes_buf_t payload;
} fetch_resp_t;

/* Peers already tried by one read. */
typedef struct {
  uint8_t ids[P2P_REMOTE_ATTEMPTS][64];
  size_t n;
} fetch_tried_t;

/* Sends q to a connected peer not in `tried` (one with the block in its
 * announced range, or with snap/1, preferred) and waits for the answer.
 * 0 with resp->payload (the caller frees it); ETHC_ERR_NOT_FOUND when no
 * untried peer is left; ETHC_ERR_IO for a timeout (the peer is blamed) or a
 * peer gone, resp->peer then names it; always with a message in err. The
 * peer asked is added to `tried`. Any thread but the loop's. */
int p2p_remote_fetch(p2p_remote_t *r, const fetch_req_t *q, fetch_tried_t *tried, fetch_resp_t *resp, char *err,
                     size_t errlen);
/* A peer's answer failed its check: it is banned (on the loop) and counted. */
void p2p_remote_blame(p2p_remote_t *r, const uint8_t id[64], const char *why);

/* ---- the snap state (p2p_remote_state.c) ---- */
typedef struct remote_cache remote_cache_t;
int remote_cache_new(size_t entries, size_t code_bytes, remote_cache_t **out);
void remote_cache_free(remote_cache_t *c);
/* The chain_remote_t state hook (ctx: the p2p_remote_t). */
int p2p_remote_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                     size_t errlen);
/* Frees the per-root contexts the state hook handed out. */
void p2p_remote_state_free_roots(p2p_remote_t *r);

/* ---- the GetTrieNodes reads (p2p_remote_nodes.c) ----
 * The value of `key` in the trie of root `trie_root` (the account trie of
 * state `state_root` when account is NULL, else the storage trie of the
 * account whose hash is *account): the walk from the root over the cached
 * nodes, then GetTrieNodes for the rest of the path from the first missing
 * node (up to NODES_AHEAD paths per request, as deep as the source has seen
 * nodes of such a trie plus a margin; more round trips for a deeper trie),
 * every node verified by the chain of hashes from the root and then cached
 * (memory, and the disk cache when the source has one). Returns 0 with the
 * leaf's value appended to *value; ETHC_ERR_NOT_FOUND (proven absent);
 * ETHC_ERR_MISSING_NODE when no peer answered the nodes (empty answers: the
 * caller falls back to the range reads); ETHC_ERR_IO when peers timed out or
 * lied (blamed); with a message in err. *requests: the round trips made,
 * *paths: the paths they asked for. */
typedef struct node_mem node_mem_t;
int node_mem_new(size_t slots, node_mem_t **out);
void node_mem_free(node_mem_t *m);
int p2p_remote_nodes_read(p2p_remote_t *r, const ethc_hash_t *state_root, const ethc_hash_t *account,
                          const uint8_t trie_root[32], const uint8_t key[32], bytes_buf_t *value, unsigned *requests,
                          unsigned *paths, char *err, size_t errlen);
/* Code verified by its hash, into the disk cache (when there is one); and
 * code from it (0 appended, or ETHC_ERR_NOT_FOUND). */
void p2p_remote_disk_put_code(p2p_remote_t *r, const uint8_t *code, size_t len);
int p2p_remote_disk_get_code(p2p_remote_t *r, const ethc_hash_t *hash, bytes_buf_t *out);

/* The source's shared parts the state side uses. */
node_mem_t *p2p_remote_node_mem(p2p_remote_t *r);
const p2p_remote_opts_t *p2p_remote_opts(p2p_remote_t *r);
/* Counts a state read by GetTrieNodes (requests: round trips asking `paths`
 * paths in all) or by the range fallback. */
void p2p_remote_count_state(p2p_remote_t *r, bool by_nodes, unsigned requests, unsigned paths);
remote_cache_t *p2p_remote_cache(p2p_remote_t *r);
void p2p_remote_count_hit(p2p_remote_t *r);
pthread_mutex_t *p2p_remote_roots_lock(p2p_remote_t *r);
void **p2p_remote_roots(p2p_remote_t *r); /* head of the per-root list */

#endif
