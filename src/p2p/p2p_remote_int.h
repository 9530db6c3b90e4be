/* Internals shared by p2p_remote.c (the request bridge, bodies, receipts)
 * and p2p_remote_state.c (snap state): one request to one peer at a time,
 * from a caller's thread, through the loop. */
#ifndef ETHC_P2P_REMOTE_INT_H
#define ETHC_P2P_REMOTE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "ethc/p2p_remote.h"

typedef enum { FETCH_HEADER, FETCH_BODY, FETCH_RECEIPTS, FETCH_ACCOUNT, FETCH_STORAGE, FETCH_CODE } fetch_kind_t;

/* What to ask: the header, bodies or receipts of block `hash` (number `number`); snap:
 * `root` (state root), `account` (its hash, storage), `origin` (the key's
 * hash, also the limit); code: `hash`. */
typedef struct {
  fetch_kind_t kind;
  ethc_hash_t hash, root, account, origin;
  uint64_t number;
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

/* The source's shared parts the state side uses. */
remote_cache_t *p2p_remote_cache(p2p_remote_t *r);
void p2p_remote_count_hit(p2p_remote_t *r);
pthread_mutex_t *p2p_remote_roots_lock(p2p_remote_t *r);
void **p2p_remote_roots(p2p_remote_t *r); /* head of the per-root list */

#endif
