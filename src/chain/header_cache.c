/* The canonical header cache (header_cache.h): a direct-mapped array of slots
 * by block number, one mutex per stripe of slots, and an epoch counter that
 * a reorganisation advances so that every entry stored before it is dead at
 * once (nothing is wiped: a slot of an older epoch is a miss). */
#include "chain/header_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_SLOTS 4096u /* x 1784 bytes (a decoded header, its hash, an epoch): 7 MiB */
#define STRIPES 64u

typedef struct {
  uint64_t epoch; /* 0: empty (epochs start at 1) */
  ethc_hash_t hash;
  chain_header_t header;
} slot_t;

struct header_cache {
  _Atomic uint64_t epoch;
  atomic_bool off; /* a reorganisation is being written: serve and store nothing */
  unsigned mask;
  pthread_mutex_t locks[STRIPES];
  ethc_hash_t last; /* the last head (importing thread only) */
  slot_t *slots;
};

header_cache_t *header_cache_new(unsigned slots, const chain_header_t *head, const ethc_hash_t *hash) {
  unsigned n = STRIPES;
  while (n < (slots ? slots : DEFAULT_SLOTS) && n < (1u << 24)) n <<= 1;
  header_cache_t *hc = calloc(1, sizeof *hc);
  if (!hc || !(hc->slots = calloc(n, sizeof *hc->slots))) {
    free(hc);
    return NULL;
  }
  hc->mask = n - 1;
  hc->last = *hash;
  atomic_init(&hc->epoch, 1);
  atomic_init(&hc->off, false);
  for (unsigned i = 0; i < STRIPES; i++) pthread_mutex_init(&hc->locks[i], NULL);
  return hc;
}

void header_cache_free(header_cache_t *hc) {
  if (!hc) return;
  for (unsigned i = 0; i < STRIPES; i++) pthread_mutex_destroy(&hc->locks[i]);
  free(hc->slots);
  free(hc);
}

bool header_cache_get(header_cache_t *hc, uint64_t number, chain_header_t *header, ethc_hash_t *hash) {
  unsigned i = (unsigned)number & hc->mask;
  pthread_mutex_t *l = &hc->locks[i % STRIPES];
  pthread_mutex_lock(l);
  const slot_t *s = &hc->slots[i];
  bool hit = !atomic_load_explicit(&hc->off, memory_order_acquire) &&
             s->epoch == atomic_load_explicit(&hc->epoch, memory_order_acquire) && s->header.number == number;
  if (hit) {
    if (header) *header = s->header;
    if (hash) *hash = s->hash;
  }
  pthread_mutex_unlock(l);
  return hit;
}

bool header_cache_get_bloom(header_cache_t *hc, uint64_t number, uint8_t bloom[256], ethc_hash_t *hash,
                            uint64_t *timestamp) {
  unsigned i = (unsigned)number & hc->mask;
  pthread_mutex_t *l = &hc->locks[i % STRIPES];
  pthread_mutex_lock(l);
  const slot_t *s = &hc->slots[i];
  bool hit = !atomic_load_explicit(&hc->off, memory_order_acquire) &&
             s->epoch == atomic_load_explicit(&hc->epoch, memory_order_acquire) && s->header.number == number;
  if (hit) {
    memcpy(bloom, s->header.bloom, 256);
    *hash = s->hash;
    *timestamp = s->header.timestamp;
  }
  pthread_mutex_unlock(l);
  return hit;
}

uint64_t header_cache_epoch(header_cache_t *hc) { return atomic_load_explicit(&hc->epoch, memory_order_acquire); }

void header_cache_put(header_cache_t *hc, uint64_t epoch, const chain_header_t *header, const ethc_hash_t *hash) {
  unsigned i = (unsigned)header->number & hc->mask;
  pthread_mutex_t *l = &hc->locks[i % STRIPES];
  pthread_mutex_lock(l);
  /* checked under the lock: an epoch ended before this point is seen here */
  if (epoch == atomic_load_explicit(&hc->epoch, memory_order_acquire) &&
      !atomic_load_explicit(&hc->off, memory_order_acquire)) {
    slot_t *s = &hc->slots[i];
    s->epoch = epoch;
    s->hash = *hash;
    s->header = *header;
  }
  pthread_mutex_unlock(l);
}

void header_cache_reorg(header_cache_t *hc) {
  atomic_store_explicit(&hc->off, true, memory_order_release);
  atomic_fetch_add_explicit(&hc->epoch, 1, memory_order_acq_rel);
}

void header_cache_head(header_cache_t *hc, const chain_header_t *head, const ethc_hash_t *hash) {
  bool extends = ethc_hash_eq(hash, &hc->last) || ethc_hash_eq(&head->parent_hash, &hc->last);
  /* a new epoch first, then back on: a store of a read from before is dropped */
  if (!extends || atomic_load_explicit(&hc->off, memory_order_acquire))
    atomic_fetch_add_explicit(&hc->epoch, 1, memory_order_acq_rel);
  atomic_store_explicit(&hc->off, false, memory_order_release);
  hc->last = *hash;
}
