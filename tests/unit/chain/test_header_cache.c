/* The canonical header cache (src/chain/header_cache.h) against a simulated
 * canonical index: 4 reader threads look heights up through the cache the way
 * chain_read_header_by_number does (cache, else the epoch, the index, a store)
 * while the main thread extends the head, reorganises to other branches
 * (longer, shorter, back to an ancestor) and publishes each head as chain.c
 * does (header_cache_reorg before a rewriting write, header_cache_head after).
 * Every answer must be the canonical block of its height at some moment of
 * the lookup: never one that had left the canonical chain before the lookup
 * began. Also built with -fsanitize=thread (label tsan). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "chain/header_cache.h"
#include "check.h"

#define HEIGHTS 100 /* above the cache's 64 slots: heights share slots */
#define VERSIONS 4000
#define READERS 4

/* the simulated index: canon[version][height] = block id (0: none) */
static uint64_t hist[VERSIONS][HEIGHTS];
static atomic_uint version; /* the index as written (what the database holds) */
static pthread_rwlock_t db_lock = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t parent_of[VERSIONS * HEIGHTS + 2]; /* block id -> parent id */
static header_cache_t *hc;
static atomic_bool done;

static ethc_hash_t hash_of(uint64_t id) {
  ethc_hash_t h;
  memset(&h, 0, sizeof h);
  memcpy(h.bytes, &id, sizeof id);
  return h;
}

static uint64_t id_of(const ethc_hash_t *h) {
  uint64_t id;
  memcpy(&id, h->bytes, sizeof id);
  return id;
}

static void header_of(uint64_t id, uint64_t number, chain_header_t *h) {
  memset(h, 0, sizeof *h);
  h->number = number;
  h->parent_hash = hash_of(parent_of[id]);
  memcpy(h->extra, &id, sizeof id); /* the body agrees with the hash */
  h->extra_len = sizeof id;
}

typedef struct {
  unsigned seed;
  long lookups, hits, bad;
  char first_bad[160];
} reader_t;

static void *reader(void *arg) {
  reader_t *r = arg;
  while (!atomic_load(&done)) {
    uint64_t n = rand_r(&r->seed) % HEIGHTS;
    unsigned v0 = atomic_load(&version);
    chain_header_t h;
    ethc_hash_t hash;
    bool found = true;
    if (header_cache_get(hc, n, &h, &hash)) {
      r->hits++;
    } else {
      uint64_t epoch = header_cache_epoch(hc);
      pthread_rwlock_rdlock(&db_lock);
      uint64_t id = hist[atomic_load(&version)][n];
      pthread_rwlock_unlock(&db_lock);
      if (!id) {
        found = false;
      } else {
        header_of(id, n, &h);
        hash = hash_of(id);
        header_cache_put(hc, epoch, &h, &hash);
      }
    }
    unsigned v1 = atomic_load(&version);
    r->lookups++;
    if (!found) continue;
    uint64_t id = id_of(&hash), body;
    memcpy(&body, h.extra, sizeof body);
    bool ok = false;
    for (unsigned v = v0; v <= v1 && !ok; v++) ok = hist[v][n] == id;
    if ((!ok || h.number != n || body != id) && !r->bad++)
      snprintf(r->first_bad, sizeof r->first_bad, "height %llu: block %llu, not canonical in versions %u..%u",
               (unsigned long long)n, (unsigned long long)id, v0, v1);
  }
  return NULL;
}

int main(void) {
  uint64_t next_id = 1;
  unsigned seed = 12;
  /* version 0: the genesis alone */
  hist[0][0] = next_id++;
  chain_header_t head;
  header_of(hist[0][0], 0, &head);
  uint64_t head_number = 0;
  ethc_hash_t head_hash = hash_of(hist[0][0]);
  hc = header_cache_new(64, &head, &head_hash);
  CHECK(hc != NULL);
  if (!hc) return check_summary();

  pthread_t th[READERS];
  reader_t rs[READERS] = {0};
  for (int i = 0; i < READERS; i++) {
    rs[i].seed = (unsigned)i + 1;
    pthread_create(&th[i], NULL, reader, &rs[i]);
  }
  long reorgs = 0, extends = 0;
  for (unsigned v = 1; v < VERSIONS; v++) {
    const uint64_t *cur = hist[v - 1];
    uint64_t next[HEIGHTS];
    memcpy(next, cur, sizeof next);
    uint64_t fork, len;
    if (head_number + 1 < HEIGHTS && rand_r(&seed) % 3) {
      fork = head_number, len = 1; /* extend the head */
    } else {
      fork = rand_r(&seed) % (head_number + 1);
      len = rand_r(&seed) % (HEIGHTS - fork); /* 0: back to an ancestor */
      if (fork == head_number && !len) len = 1;
    }
    for (uint64_t n = fork + 1; n < HEIGHTS; n++) next[n] = 0;
    for (uint64_t k = 1; k <= len; k++) {
      parent_of[next_id] = next[fork + k - 1];
      next[fork + k] = next_id++;
    }
    uint64_t new_number = fork + len;
    bool extension = next[new_number] != cur[head_number] && parent_of[next[new_number]] == cur[head_number];
    if (!extension) header_cache_reorg(hc), reorgs++;
    else extends++;
    /* the write: one atomic batch */
    pthread_rwlock_wrlock(&db_lock);
    memcpy(hist[v], next, sizeof next);
    atomic_store(&version, v);
    pthread_rwlock_unlock(&db_lock);
    /* the publish */
    head_number = new_number;
    header_of(next[new_number], new_number, &head);
    head_hash = hash_of(next[new_number]);
    header_cache_head(hc, &head, &head_hash);
    if (v % 8 == 0) sched_yield();
  }
  atomic_store(&done, true);
  long lookups = 0, hits = 0;
  for (int i = 0; i < READERS; i++) {
    pthread_join(th[i], NULL);
    CHECK_MSG(rs[i].bad == 0, "reader %d: %ld bad answers, first: %s", i, rs[i].bad, rs[i].first_bad);
    lookups += rs[i].lookups, hits += rs[i].hits;
  }
  printf("%ld extensions, %ld reorganisations; %ld lookups, %ld from the cache\n", extends, reorgs, lookups, hits);
  CHECK(reorgs > 100 && extends > 100);
  CHECK(lookups > 0);

  /* single-threaded contracts: a stored header is served; a reorganisation
   * hides it; a store from before a reorganisation is dropped */
  ethc_hash_t got;
  chain_header_t h;
  uint64_t e = header_cache_epoch(hc);
  parent_of[next_id] = 0;
  header_of(next_id, 3, &h);
  ethc_hash_t hh = hash_of(next_id++);
  header_cache_put(hc, e, &h, &hh);
  CHECK(header_cache_get(hc, 3, NULL, &got) && ethc_hash_eq(&got, &hh));
  uint8_t bloom[256];
  uint64_t ts = 1;
  h.bloom[7] = 0x5a;
  h.timestamp = 99;
  header_cache_put(hc, e, &h, &hh);
  CHECK(header_cache_get_bloom(hc, 3, bloom, &got, &ts) && ethc_hash_eq(&got, &hh) && ts == 99 &&
        !memcmp(bloom, h.bloom, 256));
  CHECK(!header_cache_get(hc, 3 + 64, NULL, &got)); /* same slot, other height */
  CHECK(!header_cache_get_bloom(hc, 3 + 64, bloom, &got, &ts));
  header_cache_reorg(hc);
  CHECK(!header_cache_get(hc, 3, NULL, &got));
  header_cache_put(hc, header_cache_epoch(hc), &h, &hh); /* off: dropped */
  header_cache_head(hc, &head, &head_hash);
  CHECK(!header_cache_get(hc, 3, NULL, &got));
  header_cache_put(hc, e, &h, &hh); /* an old epoch: dropped */
  CHECK(!header_cache_get(hc, 3, NULL, &got));
  /* a head that extends keeps the entries */
  header_cache_put(hc, header_cache_epoch(hc), &h, &hh);
  chain_header_t child;
  memset(&child, 0, sizeof child);
  child.number = head.number + 1;
  child.parent_hash = head_hash;
  ethc_hash_t child_hash = hash_of(next_id++);
  header_cache_head(hc, &child, &child_hash);
  CHECK(header_cache_get(hc, 3, NULL, &got) && ethc_hash_eq(&got, &hh));
  /* one that does not extend ends them */
  header_cache_head(hc, &head, &head_hash);
  CHECK(!header_cache_get(hc, 3, NULL, &got));
  header_cache_free(hc);
  return check_summary();
}
