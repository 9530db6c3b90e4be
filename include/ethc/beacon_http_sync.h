/* The light client's sync from a beacon node's REST API (consensus-specs
 * altair/light-client/light-client.md, "Light client sync process"), on a libuv loop:
 *
 *   1. GET /eth/v1/beacon/light_client/bootstrap/{checkpoint} and initialize the store
 *      from it (its header must hash to the checkpoint, its committee be proven);
 *      a checkpoint older than the network's weak subjectivity period
 *      (beacon_ws_period_seconds) is refused unless allowed;
 *   2. GET .../updates?start_period&count from the store's period to the current one,
 *      process each in order, again while the finalized period advances;
 *   3. GET .../finality_update and .../optimistic_update and process them.
 *
 * Every response must carry the fork version of its (attested) header's slot.
 * Anything that does not verify ends the sync with a message naming the check.
 *
 * Thread-safety: runs on the HTTP client's loop; the store belongs to the sync
 * until its callback has been called. */
#ifndef ETHC_BEACON_HTTP_SYNC_H
#define ETHC_BEACON_HTTP_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/beacon_http.h"
#include "ethc/light_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kept for callers of old: the sync itself now refuses a checkpoint older than
 * the network's computed weak subjectivity period (beacon_ws_period_seconds). */
#define BEACON_WS_PERIOD_SECONDS (14u * 24 * 3600)

typedef struct {
  const beacon_config_t *config;
  const char *url;        /* the beacon node's base URL (copied) */
  uint8_t checkpoint[32]; /* a trusted finalized beacon block root */
  uint64_t at;            /* the current time as unix seconds; 0: the clock */
  bool allow_stale_checkpoint;
  /* the store already holds a verified store (lc_persist_load): skip step 1 and
   * resume from it (checkpoint unused) */
  bool resume;
  beacon_http_opts_t http; /* zero: the client's defaults */
  /* ask for SSZ (Accept: application/octet-stream, JSON acceptable too) and decode
   * whichever the server sends (by Content-Type): an SSZ body's fork is its
   * Eth-Consensus-Version header, or, in an updates list, each chunk's fork digest */
  bool ssz;
  /* progress lines ("bootstrap: slot 10248000 (period 1250)"), or NULL */
  void (*log)(void *user, const char *line);
  /* lines a user should see, or NULL (they then go to log): a force update
   * applied (process_light_client_store_force_update), naming its slots */
  void (*notice)(void *user, const char *line);
} beacon_sync_opts_t;

typedef struct beacon_sync beacon_sync_t;

/* Called once when the sync ends: err 0 and message "" when the store holds the
 * synced heads; otherwise ETHC_ERR_INVALID (the data did not verify: message names
 * the check), ETHC_ERR_RANGE (a stale checkpoint), ETHC_ERR_IO (a request failed
 * or the server answered with an error status), or a decoding error (ETHC_ERR_JSON,
 * ETHC_ERR_HEX, ...). message is valid during the call. */
typedef void (*beacon_sync_cb)(void *user, int err, const char *message);

/* Starts syncing `store` (overwritten, unless o->resume) on the client's loop. NULL when out of
 * memory or `o` lacks a config or URL; cb is then never called. */
beacon_sync_t *beacon_sync_start(beacon_http_t *http, lc_store_t *store, const beacon_sync_opts_t *o, beacon_sync_cb cb,
                                 void *user);

/* Requests made and response bytes read so far. */
void beacon_sync_stats(const beacon_sync_t *s, unsigned *requests, uint64_t *bytes);

/* Frees a sync that has called its callback, or one still in flight once its HTTP
 * client has been freed (which cancels the request). NULL is a no-op. */
void beacon_sync_free(beacon_sync_t *s);

#ifdef __cplusplus
}
#endif

#endif
