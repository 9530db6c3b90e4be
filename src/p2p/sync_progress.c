/* What eth_syncing reports (sync.h; execution-apis src/eth/client.yaml,
 * SyncingStatus: startingBlock, currentBlock, highestBlock, or false), and
 * the rate and ETA of the sync's progress lines. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/sync.h"

void sync_progress_init(sync_progress_t *p, bool full) {
  memset(p, 0, sizeof *p);
  pthread_mutex_init(&p->lock, NULL);
  p->full = full;
}

void sync_progress_destroy(sync_progress_t *p) { pthread_mutex_destroy(&p->lock); }

void sync_progress_headers(sync_progress_t *p, uint64_t tip, uint64_t highest) {
  pthread_mutex_lock(&p->lock);
  if (!p->started) {
    p->started = true;
    p->starting = p->full ? p->blocks : tip;
  }
  p->headers = tip;
  p->highest = highest;
  pthread_mutex_unlock(&p->lock);
}

void sync_progress_blocks(sync_progress_t *p, uint64_t head) {
  pthread_mutex_lock(&p->lock);
  p->blocks = head;
  pthread_mutex_unlock(&p->lock);
}

char *sync_progress_json(sync_progress_t *p) {
  pthread_mutex_lock(&p->lock);
  uint64_t cur = p->full ? p->blocks : p->headers;
  bool syncing = p->started && cur < p->highest;
  char buf[160];
  if (syncing)
    snprintf(buf, sizeof buf,
             "{\"startingBlock\":\"0x%" PRIx64 "\",\"currentBlock\":\"0x%" PRIx64 "\",\"highestBlock\":\"0x%" PRIx64
             "\"}",
             p->starting, cur, p->highest);
  else snprintf(buf, sizeof buf, "false");
  pthread_mutex_unlock(&p->lock);
  return strdup(buf);
}

void sync_rate_eta(char *buf, size_t n, const char *unit, uint64_t done, double secs, uint64_t left) {
  double rate = secs > 0 ? (double)done / secs : 0;
  if (rate > 0) snprintf(buf, n, "%.0f %s/s, ETA %.0fs", rate, unit, (double)left / rate);
  else snprintf(buf, n, "0 %s/s, ETA unknown", unit);
}
