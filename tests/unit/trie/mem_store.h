/* An in-memory node store (hash -> RLP, open addressing) for tests, fuzzers and
 * benchmarks of tries over a store: counts reads and writes, and can hide or
 * corrupt a node to test how a trie reports a missing or damaged store. Its get
 * is safe from many threads at once while nobody writes. */
#ifndef ETHC_TEST_MEM_STORE_H
#define ETHC_TEST_MEM_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/trie.h"

typedef struct {
  uint8_t hash[32];
  uint8_t *rlp; /* NULL: empty slot */
  size_t len;
  bool hidden; /* get answers ETHC_ERR_NOT_FOUND */
} mem_node_t;

typedef struct {
  mem_node_t *slot;
  size_t cap, n;   /* slots, nodes held */
  size_t puts;     /* put calls */
  size_t dup_puts; /* put calls for a node already held */
  uint64_t gets;   /* get calls (updated atomically) */
} mem_store_t;

static inline size_t mem_store_index(const mem_store_t *m, const uint8_t hash[32]) {
  uint64_t x;
  memcpy(&x, hash, 8);
  return (size_t)x & (m->cap - 1);
}

static inline mem_node_t *mem_store_find(const mem_store_t *m, const uint8_t hash[32]) {
  if (!m->cap) return NULL;
  for (size_t i = mem_store_index(m, hash);; i = (i + 1) & (m->cap - 1)) {
    mem_node_t *e = &m->slot[i];
    if (!e->rlp) return NULL;
    if (memcmp(e->hash, hash, 32) == 0) return e;
  }
}

static inline int mem_store_grow(mem_store_t *m) {
  size_t cap = m->cap ? 2 * m->cap : 1024;
  mem_node_t *old = m->slot;
  size_t old_cap = m->cap;
  m->slot = calloc(cap, sizeof *m->slot);
  if (!m->slot) {
    m->slot = old;
    return ETHC_ERR_NOMEM;
  }
  m->cap = cap;
  for (size_t i = 0; i < old_cap; i++) {
    if (!old[i].rlp) continue;
    size_t j = mem_store_index(m, old[i].hash);
    while (m->slot[j].rlp) j = (j + 1) & (cap - 1);
    m->slot[j] = old[i];
  }
  free(old);
  return ETHC_OK;
}

static inline int mem_store_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t len) {
  mem_store_t *m = ctx;
  m->puts++;
  if (mem_store_find(m, hash)) {
    m->dup_puts++;
    return ETHC_OK;
  }
  if (2 * (m->n + 1) > m->cap && mem_store_grow(m)) return ETHC_ERR_NOMEM;
  size_t i = mem_store_index(m, hash);
  while (m->slot[i].rlp) i = (i + 1) & (m->cap - 1);
  mem_node_t *e = &m->slot[i];
  if (!(e->rlp = malloc(len ? len : 1))) return ETHC_ERR_NOMEM;
  memcpy(e->hash, hash, 32);
  memcpy(e->rlp, rlp, len);
  e->len = len;
  e->hidden = false;
  m->n++;
  return ETHC_OK;
}

static inline int mem_store_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  mem_store_t *m = ctx;
  __atomic_fetch_add(&m->gets, 1, __ATOMIC_RELAXED);
  const mem_node_t *e = mem_store_find(m, hash);
  if (!e || e->hidden) return ETHC_ERR_NOT_FOUND;
  return bytes_buf_append(out, e->rlp, e->len);
}

static inline trie_store_t mem_store_as_store(mem_store_t *m) {
  return (trie_store_t){m, mem_store_put, mem_store_get};
}

static inline void mem_store_free(mem_store_t *m) {
  for (size_t i = 0; i < m->cap; i++) free(m->slot[i].rlp);
  free(m->slot);
  memset(m, 0, sizeof *m);
}

#endif
