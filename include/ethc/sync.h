/* The light header sync's storage side (devp2p caps/eth.md, "Chain
 * Synchronization"): checks a batch of headers from a peer (consecutive
 * numbers, each linked by parent hash to the one before, the first to what is
 * stored) and imports each with chain_import_header (the header rules and the
 * seal, chain.h), and keeps the sync's progress in DATADIR/headsync so that a
 * restarted node resumes where it stopped. The network side is in peers.c. */
#ifndef ETHC_SYNC_H
#define ETHC_SYNC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A verified, stored header: where the sync stands. */
typedef struct {
  uint64_t number;
  ethc_hash_t hash;
} sync_point_t;

/* The stored progress: DATADIR/headsync if present and at least the canonical
 * head, else the canonical head. 0 or an ETHC_ERR_* code. Any thread. */
int sync_load(chain_t *c, sync_point_t *out);
/* Writes DATADIR/headsync ("NUMBER 0xHASH\n", via a temporary file and rename).
 * 0 or ETHC_ERR_IO. */
int sync_save(chain_t *c, const sync_point_t *p);

/* Checks and imports `n` header RLP items that must follow `from` (the
 * proof-of-work seals among them are verified first, in one interleaved Ethash
 * batch). On success
 * *to is the last one and 0 is returned; ETHC_ERR_INVALID with a reason in `why`
 * when a header does not link or breaks a rule (those before it stay stored and
 * *to says up to where); another ETHC_ERR_* on a local failure. Importing thread
 * only (chain.h). */
int sync_import_batch(chain_t *c, const sync_point_t *from, const bytes_view_t *items, size_t n, sync_point_t *to,
                      char *why, size_t whylen);
/* sync_import_batch with each header's hash given (hashes[i] is keccak256
 * of items[i], as the network side computed it checking the numbers and links
 * inside the batch; NULL: computed here), so that the import does not hash
 * them again (nor decode them twice after the merge). */
int sync_import_batch_hashed(chain_t *c, const sync_point_t *from, const bytes_view_t *items, const ethc_hash_t *hashes,
                             size_t n, sync_point_t *to, char *why, size_t whylen);

/* ---- what eth_syncing reports (src/p2p/sync_progress.c) ----
 * Written by the loop thread (and the full sync's callbacks, on the loop),
 * read by RPC threads: every access takes `lock`. */
typedef struct {
  pthread_mutex_t lock;
  chain_t *chain;     /* for the header index */
  bool full;          /* --syncmode full: the executed blocks are the progress */
  bool started;       /* a target is known and the sync began */
  uint64_t starting;  /* where this run began (block in full mode, header in light) */
  uint64_t headers;   /* the verified header tip */
  uint64_t blocks;    /* the executed head */
  uint64_t highest;   /* the target */
  ethc_hash_t tip;    /* the verified header tip's hash */
  /* light mode's index of the synced headers above the canonical chain:
   * index[i] is the hash of header index_first + i (index_lock) */
  pthread_mutex_t index_lock;
  ethc_hash_t *index;
  size_t index_len, index_cap;
  uint64_t index_first;
} sync_progress_t;

void sync_progress_init(sync_progress_t *p, chain_t *c, bool full);
void sync_progress_destroy(sync_progress_t *p);
/* The verified header tip (stored, as sync_load reads it back). */
void sync_progress_tip(sync_progress_t *p, const sync_point_t *tip);
/* The header tip and the target; the first call starts the run. */
void sync_progress_headers(sync_progress_t *p, const sync_point_t *tip, uint64_t highest);
/* Light mode: the verified header tip's number (0 before any, and always 0
 * in full mode, where the executed head is what the chain reports). Any thread. */
uint64_t sync_progress_light_tip(sync_progress_t *p);
/* The hash of the synced header at `number` on the chain that leads to the
 * tip (light mode: above the canonical head, where chain_read_canonical_hash
 * knows nothing). 0, ETHC_ERR_NOT_FOUND (above the tip, or on the canonical
 * chain: ask the chain), or a database error. Walks the stored headers back
 * from the tip only once per new tip. Any thread. */
int sync_progress_header_hash(sync_progress_t *p, uint64_t number, ethc_hash_t *out);
/* The executed head (full mode). */
void sync_progress_blocks(sync_progress_t *p, uint64_t head);
/* eth_syncing's answer (execution-apis SyncingStatus, as geth): a malloc'd
 * "false" when not syncing (nothing started, or the progress reached the
 * target), else {"startingBlock","currentBlock","highestBlock"} as quantities.
 * NULL when out of memory. Any thread. */
char *sync_progress_json(sync_progress_t *p);
/* Formats a progress line's tail: "R UNIT/s, ETA Ss" (rate of `done` items in
 * `secs`, time for `left` more at that rate). */
void sync_rate_eta(char *buf, size_t n, const char *unit, uint64_t done, double secs, uint64_t left);

/* ---- the full sync (--syncmode full; src/p2p/sync_full.c) ----
 * As the headers are verified up to a tip (the header sync's stored frontier,
 * which may move on meanwhile: sync_full_tip_final), fetches the block bodies
 * (GetBlockBodies, batches of 128 from several peers in parallel, each
 * request matched by peer and id, timed out and asked again elsewhere, a
 * short answer's rest asked again), checks each against
 * its stored header (transactions root, ommers hash, withdrawals root) and
 * imports the blocks with chain_import_block (validation and execution) on
 * libuv's thread pool, one batch at a time and in order, under the write
 * lock. What it
 * imports is the chain's head, so a restart resumes from the stored head (the
 * blocks between it and the header tip are found by walking the stored
 * headers back from the tip).
 * Threads: every function on the loop thread; the work runs on the pool. */
typedef struct sync_full sync_full_t;

/* Told on the loop thread when a queued work ends: `bad_peer` (else NULL) is
 * the peer whose bodies did not match their headers (drop it; never one
 * reported gone); then ask for more. */
typedef void (*sync_full_done_fn)(void *ctx, void *bad_peer);

/* 0 with *out, or ETHC_ERR_NOMEM / ETHC_ERR_IO (the head unreadable).
 * `progress` (may be NULL) is updated with the executed head. */
int sync_full_new(uv_loop_t *loop, chain_t *c, pthread_mutex_t *write_lock, sync_progress_t *progress,
                  sync_full_done_fn done, void *ctx, sync_full_t **out);
/* Only once no work is in flight (the loop ran until its requests ended). */
void sync_full_free(sync_full_t *f);
/* Whether the tips given next are where the header sync ends (true, the
 * default) or a frontier it moves on from (false: the bodies of the stored
 * headers are fetched and executed while more headers come; each newer tip
 * that descends from the last is located from it on, beside the import, and
 * reaching a frontier is not logged as done). Loop thread. */
void sync_full_tip_final(sync_full_t *f, bool final);
/* Whether the executed head is behind the header tip `tip`. */
bool sync_full_behind(const sync_full_t *f, const sync_point_t *tip);
/* The next GetBlockBodies payload (request id `id`, to be sent to `peer`, an
 * opaque handle of the caller's) toward `tip` (verified, stored headers): 1
 * with `out` filled and *count hashes asked, the request then outstanding; 0
 * when nothing is to be asked now (a request outstanding, work in flight,
 * the blocks are being located (a work is queued, `done` follows), the sync
 * failed, or it reached the tip, which is then logged once); <0 an ETHC_ERR_*
 * code. */
int sync_full_request(sync_full_t *f, void *peer, const sync_point_t *tip, uint64_t id, bytes_buf_t *out,
                      size_t *count);
/* sync_full_request that also says the first block number asked (*first,
 * when 1 is returned; first may be NULL). Several requests may be outstanding,
 * each to be sent to any peer: up to FULL_PEER_INFLIGHT per peer and a window
 * of batches ahead of the import (sync_full.c); call it for each usable peer
 * until it returns 0. */
int sync_full_request_at(sync_full_t *f, void *peer, const sync_point_t *tip, uint64_t id, bytes_buf_t *out,
                         size_t *count, uint64_t *first);
/* A peer's BlockBodies (items borrowed, copied here): an answer to the
 * outstanding request (same peer and id) queues the checks and imports,
 * `done` follows; any other is ignored. 0, or ETHC_ERR_INVALID when the answer
 * is useless (empty, or more items than asked): drop the peer. */
int sync_full_on_bodies(sync_full_t *f, void *peer, uint64_t id, const bytes_view_t *items, size_t n);
/* The peer disconnected: its outstanding request is forgotten. */
void sync_full_peer_gone(sync_full_t *f, void *peer);
/* The peer whose request has waited more than timeout_ms by loop time `now`
 * (the request is then forgotten: drop the peer), or NULL. */
void *sync_full_stalled(sync_full_t *f, uint64_t now, uint64_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
