/* A bounded, thread-safe cache of trie nodes (hash -> RLP, Yellow Paper
 * appendix D) in front of a node store: 32 shards, each a chained hash table
 * under its own mutex, with CLOCK eviction (a "used" bit the hand clears once
 * before it evicts) keeping each shard within 1/32 of the byte budget. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "trie_internal.h"

#define SHARDS 32
/* Bookkeeping charged per node on top of its RLP: the entry (56 bytes), the
 * malloc header of the copy, and the bucket head (tables double, so up to two). */
#define ENTRY_OVERHEAD 96

typedef struct {
  uint8_t hash[32];
  uint8_t *rlp; /* NULL: the slot is free */
  uint32_t len;
  uint32_t hx;   /* the mixed hash: bucket index and a quick compare */
  uint32_t next; /* next in the bucket chain (or the free list), index + 1; 0 ends */
  uint8_t used;  /* CLOCK: read since the hand last passed */
} centry_t;

typedef struct {
  _Alignas(64) pthread_mutex_t mu; /* one cache line per shard: no false sharing */
  uint32_t *bucket;                /* heads, index + 1 */
  uint32_t nbucket;                /* 0 or a power of two */
  centry_t *e;
  uint32_t n, cap;    /* slots ever used, slots allocated */
  uint32_t free_list; /* index + 1 */
  uint32_t live, hand;
  size_t bytes, max_bytes;
  uint64_t hits, misses, inserts, evictions;
} shard_t;

struct trie_cache {
  shard_t shard[SHARDS];
  trie_store_t backing;
  uint64_t seed;
  size_t max_bytes;
};

/* Node hashes are keccak outputs, but the hashes a cache is asked for come from
 * stored nodes, which could be hostile: mix with a per-cache seed so nobody can
 * aim many keys at one chain. */
static uint64_t mix(const trie_cache_t *c, const uint8_t h[32]) {
  uint64_t w[4];
  memcpy(w, h, 32);
  uint64_t x = c->seed ^ w[0];
  x = (x ^ (x >> 31)) * 0x9e3779b97f4a7c15ull ^ w[1];
  x = (x ^ (x >> 29)) * 0xbf58476d1ce4e5b9ull ^ w[2];
  x = (x ^ (x >> 32)) * 0x94d049bb133111ebull ^ w[3];
  x = (x ^ (x >> 31)) * 0x9e3779b97f4a7c15ull;
  return x ^ (x >> 29);
}

static uint32_t find(const shard_t *s, const uint8_t hash[32], uint32_t hx) {
  if (!s->nbucket) return 0;
  for (uint32_t i = s->bucket[hx & (s->nbucket - 1)]; i; i = s->e[i - 1].next) {
    const centry_t *e = &s->e[i - 1];
    if (e->hx == hx && memcmp(e->hash, hash, 32) == 0) return i;
  }
  return 0;
}

static void unlink_entry(shard_t *s, uint32_t idx) {
  centry_t *e = &s->e[idx];
  uint32_t *p = &s->bucket[e->hx & (s->nbucket - 1)];
  while (*p != idx + 1) p = &s->e[*p - 1].next;
  *p = e->next;
  s->bytes -= e->len + (size_t)ENTRY_OVERHEAD;
  free(e->rlp);
  e->rlp = NULL;
  e->next = s->free_list;
  s->free_list = idx + 1;
  s->live--;
}

/* CLOCK: the hand skips (and clears) recently used entries, evicts the first
 * unused one. Ends within two turns. */
static void evict_one(shard_t *s) {
  for (;;) {
    if (s->hand >= s->n) s->hand = 0;
    centry_t *e = &s->e[s->hand];
    if (e->rlp) {
      if (!e->used) {
        unlink_entry(s, s->hand++);
        s->evictions++;
        return;
      }
      e->used = 0;
    }
    s->hand++;
  }
}

static int grow_buckets(shard_t *s) {
  uint32_t nb = s->nbucket ? 2 * s->nbucket : 64;
  uint32_t *b = calloc(nb, sizeof *b);
  if (!b) return ETHC_ERR_NOMEM;
  for (uint32_t i = 0; i < s->n; i++) {
    centry_t *e = &s->e[i];
    if (!e->rlp) continue;
    uint32_t *head = &b[e->hx & (nb - 1)];
    e->next = *head;
    *head = i + 1;
  }
  free(s->bucket);
  s->bucket = b;
  s->nbucket = nb;
  return ETHC_OK;
}

/* A free slot's index + 1, or 0 when out of memory. */
static uint32_t take_slot(shard_t *s) {
  if (s->free_list) {
    uint32_t i = s->free_list;
    s->free_list = s->e[i - 1].next;
    return i;
  }
  if (s->n == s->cap) {
    if (s->cap >= UINT32_MAX / 2) return 0;
    uint32_t cap = s->cap ? 2 * s->cap : 64;
    centry_t *e = realloc(s->e, cap * sizeof *e);
    if (!e) return 0;
    s->e = e;
    s->cap = cap;
  }
  return ++s->n;
}

/* Keeps a copy of a node read from the backing store: best effort (a node that
 * does not fit, or a failed allocation, just is not cached). */
static void insert(shard_t *s, const uint8_t hash[32], uint32_t hx, const uint8_t *rlp, size_t len) {
  size_t cost = len + (size_t)ENTRY_OVERHEAD;
  if (cost > s->max_bytes || len > UINT32_MAX) return;
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) return;
  memcpy(copy, rlp, len);
  pthread_mutex_lock(&s->mu);
  if (find(s, hash, hx)) goto drop; /* another thread read it meanwhile */
  while (s->live && s->bytes + cost > s->max_bytes) evict_one(s);
  if (s->live + 1 > s->nbucket && grow_buckets(s)) goto drop;
  uint32_t i = take_slot(s);
  if (!i) goto drop;
  centry_t *e = &s->e[i - 1];
  memcpy(e->hash, hash, 32);
  e->rlp = copy;
  e->len = (uint32_t)len;
  e->hx = hx;
  e->used = 0; /* a first read does not protect a node from the next sweep */
  uint32_t *head = &s->bucket[hx & (s->nbucket - 1)];
  e->next = *head;
  *head = i;
  s->bytes += cost;
  s->live++;
  s->inserts++;
  pthread_mutex_unlock(&s->mu);
  return;
drop:
  pthread_mutex_unlock(&s->mu);
  free(copy);
}

int trie_cache_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  trie_cache_t *c = ctx;
  uint64_t x = mix(c, hash);
  shard_t *s = &c->shard[x & (SHARDS - 1)];
  uint32_t hx = (uint32_t)(x >> 32);
  pthread_mutex_lock(&s->mu);
  uint32_t i = find(s, hash, hx);
  if (i) {
    centry_t *e = &s->e[i - 1];
    e->used = 1;
    s->hits++;
    int rc = bytes_buf_append(out, e->rlp, e->len);
    pthread_mutex_unlock(&s->mu);
    return rc;
  }
  s->misses++;
  pthread_mutex_unlock(&s->mu);
  if (!c->backing.get) return ETHC_ERR_NOT_FOUND;
  size_t start = out->len;
  int rc = c->backing.get(c->backing.ctx, hash, out);
  if (rc) return rc;
  if (out->len <= start) return ETHC_ERR_INVALID; /* no node is empty, or a backing store broke its contract */
  if (!trie_store_verified(&c->backing)) {        /* readers through the cache trust it: check once, here */
    uint8_t h[32];
    keccak256(out->data + start, out->len - start, h);
    if (memcmp(h, hash, 32) != 0) return ETHC_ERR_INVALID;
  }
  insert(s, hash, hx, out->data + start, out->len - start);
  return ETHC_OK;
}

static int cache_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t rlp_len) {
  trie_cache_t *c = ctx;
  if (!c->backing.put) return ETHC_ERR_UNSUPPORTED;
  return c->backing.put(c->backing.ctx, hash, rlp, rlp_len);
}

trie_cache_t *trie_cache_new(const trie_store_t *backing, size_t max_bytes) {
  size_t size = (sizeof(trie_cache_t) + 63) / 64 * 64;
  trie_cache_t *c = aligned_alloc(64, size);
  if (!c) return NULL;
  memset(c, 0, size);
  c->backing = *backing;
  c->max_bytes = max_bytes;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  c->seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)c ^ (uint64_t)ts.tv_sec;
  for (int i = 0; i < SHARDS; i++) {
    if (pthread_mutex_init(&c->shard[i].mu, NULL) != 0) {
      while (i-- > 0) pthread_mutex_destroy(&c->shard[i].mu);
      free(c);
      return NULL;
    }
    c->shard[i].max_bytes = max_bytes / SHARDS;
  }
  return c;
}

trie_store_t trie_cache_store(trie_cache_t *c) { return (trie_store_t){c, cache_put, trie_cache_get}; }

void trie_cache_stats(trie_cache_t *c, trie_cache_stats_t *out) {
  memset(out, 0, sizeof *out);
  out->max_bytes = c->max_bytes;
  for (int i = 0; i < SHARDS; i++) {
    shard_t *s = &c->shard[i];
    pthread_mutex_lock(&s->mu);
    out->hits += s->hits;
    out->misses += s->misses;
    out->inserts += s->inserts;
    out->evictions += s->evictions;
    out->entries += s->live;
    out->bytes += s->bytes;
    pthread_mutex_unlock(&s->mu);
  }
}

static void shard_drop_all(shard_t *s) {
  for (uint32_t i = 0; i < s->n; i++) free(s->e[i].rlp);
  free(s->e);
  free(s->bucket);
  s->e = NULL;
  s->bucket = NULL;
  s->n = s->cap = s->nbucket = s->free_list = s->live = s->hand = 0;
  s->bytes = 0;
}

void trie_cache_clear(trie_cache_t *c) {
  for (int i = 0; i < SHARDS; i++) {
    pthread_mutex_lock(&c->shard[i].mu);
    shard_drop_all(&c->shard[i]);
    pthread_mutex_unlock(&c->shard[i].mu);
  }
}

void trie_cache_free(trie_cache_t *c) {
  if (!c) return;
  for (int i = 0; i < SHARDS; i++) {
    shard_drop_all(&c->shard[i]);
    pthread_mutex_destroy(&c->shard[i].mu);
  }
  free(c);
}
