/* What eth_syncing reports (sync.h; execution-apis src/eth/client.yaml,
 * SyncingStatus: startingBlock, currentBlock, highestBlock, or false), the
 * rate and ETA of the sync's progress lines, and light mode's index of the
 * synced headers by number (eth_blockNumber, eth_getHeaderByNumber). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/sync.h"

void sync_progress_init(sync_progress_t *p, chain_t *c, bool full) {
  memset(p, 0, sizeof *p);
  p->chain = c;
  pthread_mutex_init(&p->lock, NULL);
  pthread_mutex_init(&p->index_lock, NULL);
  p->full = full;
}

void sync_progress_destroy(sync_progress_t *p) {
  pthread_mutex_destroy(&p->lock);
  pthread_mutex_destroy(&p->index_lock);
  free(p->index);
}

void sync_progress_tip(sync_progress_t *p, const sync_point_t *tip) {
  pthread_mutex_lock(&p->lock);
  p->headers = tip->number;
  p->tip = tip->hash;
  pthread_mutex_unlock(&p->lock);
}

void sync_progress_headers(sync_progress_t *p, const sync_point_t *tip, uint64_t highest) {
  pthread_mutex_lock(&p->lock);
  if (!p->started) {
    p->started = true;
    p->starting = p->full ? p->blocks : tip->number;
  }
  p->headers = tip->number;
  p->tip = tip->hash;
  p->highest = highest;
  pthread_mutex_unlock(&p->lock);
}

uint64_t sync_progress_light_tip(sync_progress_t *p) {
  pthread_mutex_lock(&p->lock);
  uint64_t n = p->full ? 0 : p->headers;
  pthread_mutex_unlock(&p->lock);
  return n;
}

static bool indexed(const sync_progress_t *p, uint64_t number, const ethc_hash_t *hash) {
  return number >= p->index_first && number - p->index_first < p->index_len &&
         ethc_hash_eq(&p->index[number - p->index_first], hash);
}

/* Brings the index to the tip: walks back from it to what the index already
 * holds or to the canonical chain. index_lock held. */
static int index_update(sync_progress_t *p, chain_t *c, uint64_t tip_number, const ethc_hash_t *tip_hash) {
  if (p->index_len && indexed(p, tip_number, tip_hash) && p->index_first + p->index_len - 1 == tip_number) return 0;
  uint64_t head;
  if (chain_read_head(c, &head, NULL)) return ETHC_ERR_IO;
  ethc_hash_t *walk = NULL, cur = *tip_hash;
  size_t n = 0, cap = 0;
  uint64_t num = tip_number;
  int rc = 0;
  bool joined = false; /* reached the index */
  while (num > 0) {
    if (indexed(p, num, &cur)) {
      joined = true;
      break;
    }
    ethc_hash_t canon;
    if (num <= head && !chain_read_canonical_hash(c, num, &canon) && ethc_hash_eq(&canon, &cur)) break;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 256;
      ethc_hash_t *w = realloc(walk, ncap * sizeof *w);
      if (!w) {
        rc = ETHC_ERR_NOMEM;
        break;
      }
      walk = w, cap = ncap;
    }
    walk[n++] = cur;
    chain_header_t h;
    if ((rc = chain_read_header_by_hash(c, &cur, &h))) break;
    cur = h.parent_hash;
    num--;
  }
  if (!rc) {
    /* the index keeps index_first..num (joined) or restarts after num */
    size_t keep = joined ? (size_t)(num - p->index_first + 1) : 0;
    if (!joined) p->index_first = num + 1;
    if (keep + n > p->index_cap) {
      ethc_hash_t *w = realloc(p->index, (keep + n) * sizeof *w);
      if (!w) rc = ETHC_ERR_NOMEM;
      else p->index = w, p->index_cap = keep + n;
    }
    if (!rc) {
      for (size_t i = 0; i < n; i++) p->index[keep + i] = walk[n - 1 - i];
      p->index_len = keep + n;
    }
  }
  free(walk);
  return rc;
}

int sync_progress_header_hash(sync_progress_t *p, uint64_t number, ethc_hash_t *out) {
  pthread_mutex_lock(&p->lock);
  uint64_t tip = p->headers;
  ethc_hash_t tip_hash = p->tip;
  pthread_mutex_unlock(&p->lock);
  if (number > tip || tip == 0 || !p->chain) return ETHC_ERR_NOT_FOUND;
  pthread_mutex_lock(&p->index_lock);
  int rc = index_update(p, p->chain, tip, &tip_hash);
  if (!rc) {
    if (number >= p->index_first && number - p->index_first < p->index_len) *out = p->index[number - p->index_first];
    else rc = ETHC_ERR_NOT_FOUND;
  }
  pthread_mutex_unlock(&p->index_lock);
  return rc;
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
