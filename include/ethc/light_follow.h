/* A light node's head (issue 15): the beacon light client followed on the node's
 * libuv loop. It bootstraps from a checkpoint (or resumes from the store saved in
 * DATADIR/beacon, lc_persist.h), then every poll interval (a slot by default)
 * syncs the store over the beacon REST API (beacon_http_sync.h: the updates of a
 * new period, the finality and optimistic updates), saving it when it changed.
 * Each proven head's execution block (number and hash, from the proven
 * execution payload header) is published to the RPC server (rpc_light_heads_t):
 * the optimistic head is `latest`, the finalized one `safe` and `finalized`;
 * with an execution source, their headers are fetched (eth_getBlockByHash, or
 * GetBlockHeaders by hash from devp2p peers without one),
 * checked against the proof (light_header_check) and stored (chain_light.h),
 * then those linking the optimistic head down to the finalized one by parent
 * hash, and the chain's head is set to them too. Data
 * that does not verify is refused with a log line naming the check; the head
 * then does not move. Nothing unproven becomes `latest`.
 *
 * Threads: start, stop and every callback run on the loop's thread (the chain's
 * importing thread); light_follow_syncing_json and light_follow_status from any
 * thread. */
#ifndef ETHC_LIGHT_FOLLOW_H
#define ETHC_LIGHT_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "ethc/chain.h"
#include "ethc/light_client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const beacon_config_t *config;
  const char *consensus_url; /* the beacon node's REST API */
  /* an execution JSON-RPC provider (untrusted): the proven blocks' headers come
   * from its eth_getBlockByHash, each checked against the proof (light_header.h)
   * or, for the blocks between the finalized and the optimistic head, against
   * its child's parent hash; NULL: none (the chain then holds no header) */
  const char *execution_url;
  /* without execution_url: a header source by hash (devp2p peers,
   * node_peer_source_header), called on the loop's thread pool (it may block);
   * 0 with *out, or an error with a message. Its header is checked as the
   * provider's. NULL: none. */
  int (*header)(void *ctx, const ethc_hash_t *hash, uint64_t number, chain_header_t *out, char *err, size_t errlen);
  void *header_ctx;
  bool has_checkpoint;
  uint8_t checkpoint[32]; /* a trusted finalized beacon block root */
  bool allow_stale_checkpoint;
  const char *datadir; /* the store is saved in DATADIR/beacon */
  uint64_t at;         /* replay: the clock starts at this unix time (0: the real clock) */
  uint64_t poll_ms;    /* between syncs (0: one slot) */
  uint64_t timeout_ms; /* per request (0: beacon_http's default) */
  /* called once when following cannot go on (a stale checkpoint, a bootstrap
   * that does not verify): the message names the problem and its fix; may be NULL */
  void (*fatal)(void *ctx, const char *message);
  void *fatal_ctx;
} light_follow_opts_t;

typedef struct light_follow light_follow_t;

/* Starts following. Loads the saved store first (a store older than the weak
 * subjectivity period is refused unless allowed). NULL with a message in err
 * when it cannot start: no saved store and no checkpoint, a stale saved store,
 * a damaged one, out of memory. */
light_follow_t *light_follow_start(uv_loop_t *loop, chain_t *chain, const light_follow_opts_t *o, char *err,
                                   size_t errlen);

/* Stops: cancels the request in flight and closes the handles (the loop must
 * run once more before light_follow_free, and until a header hook call in
 * flight has returned: status.header_call false; uv_run's default mode waits
 * for it). NULL is a no-op. */
void light_follow_stop(light_follow_t *f);
void light_follow_free(light_follow_t *f);

typedef struct {
  bool proven;        /* a head was proven */
  bool has_finalized; /* a finalized execution block was proven */
  uint64_t optimistic_slot, finalized_slot;
  uint64_t head_number, finalized_number; /* the proven execution blocks */
  unsigned syncs, failures;               /* syncs completed, syncs refused or failed */
  bool header_call;                       /* the header hook is being called (on the thread pool) */
} light_follow_status_t;

/* A copy of the follower's progress. Any thread. */
void light_follow_status(light_follow_t *f, light_follow_status_t *out);

/* The proven execution block: which 0 the optimistic head (latest), else the
 * finalized one (safe, finalized); the newest such block whose header the chain
 * holds (the chain's head, or its finalized mark), so a head proven while its
 * header is still being fetched leaves the previous one answered. Before any
 * header is stored: the proven block itself (whose header is not available).
 * 0, or ETHC_ERR_NOT_FOUND before one is proven. Any thread: it copies under a
 * mutex that the loop holds only to copy, never across a read or a fetch. */
int light_follow_head(light_follow_t *f, int which, uint64_t *number, ethc_hash_t *hash);

/* eth_syncing's answer: "false" once a head is proven, else geth's sync object
 * (startingBlock, currentBlock, highestBlock) with the light client's slots.
 * Malloc'd (caller frees); NULL when out of memory. Any thread. */
char *light_follow_syncing_json(light_follow_t *f);

#ifdef __cplusplus
}
#endif

#endif
