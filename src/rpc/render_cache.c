/* Rendered JSON of immutable objects (render_cache.h): a direct-mapped table
 * of copies keyed by (kind, content hash), in stripes that each have a mutex.
 * A hit copies the text into the writer under the stripe's lock. */
#include "rpc/render_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ENTRIES 256 /* a power of two */
#define STRIPES 16

typedef struct {
  ethc_hash_t key;
  rpc_render_kind_t kind;
  rpc_render_where_t where;
  char *text; /* NULL: empty */
  size_t len;
} entry_t;

static entry_t table[ENTRIES];
static struct {
  _Alignas(64) pthread_mutex_t mu;
} stripe[STRIPES] = {
#define M \
  { PTHREAD_MUTEX_INITIALIZER }
    M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
#undef M
};

/* Keys are keccak outputs (block and transaction hashes): their bytes are
 * spread already; the kind moves blocks and their full form apart. */
static size_t slot_of(rpc_render_kind_t kind, const ethc_hash_t *key) {
  uint64_t x;
  memcpy(&x, key->bytes + 8, 8);
  return (size_t)((x + (uint64_t)kind * 0x9e3779b97f4a7c15ull) >> 7) % ENTRIES;
}

bool rpc_render_get(rpc_render_kind_t kind, const ethc_hash_t *key, jw_t *w, rpc_render_where_t *where) {
  size_t i = slot_of(kind, key);
  pthread_mutex_t *mu = &stripe[i % STRIPES].mu;
  pthread_mutex_lock(mu);
  entry_t *e = &table[i];
  bool hit = e->text && e->kind == kind && ethc_hash_eq(&e->key, key);
  if (hit) {
    jw_raw(w, e->text, e->len);
    if (where) *where = e->where;
  }
  pthread_mutex_unlock(mu);
  return hit;
}

void rpc_render_put(rpc_render_kind_t kind, const ethc_hash_t *key, const char *text, size_t len,
                    const rpc_render_where_t *where) {
  if (!len || len > RPC_RENDER_MAX) return;
  char *copy = malloc(len);
  if (!copy) return;
  memcpy(copy, text, len);
  size_t i = slot_of(kind, key);
  pthread_mutex_t *mu = &stripe[i % STRIPES].mu;
  pthread_mutex_lock(mu);
  entry_t *e = &table[i];
  char *old = e->text;
  e->key = *key;
  e->kind = kind;
  e->where = where ? *where : (rpc_render_where_t){0};
  e->text = copy;
  e->len = len;
  pthread_mutex_unlock(mu);
  free(old);
}

void rpc_render_put_since(rpc_render_kind_t kind, const ethc_hash_t *key, const jw_t *w, jw_mark_t m,
                          const rpc_render_where_t *where) {
  if (w->oom || w->len <= m.len) return;
  const char *text = w->buf + m.len;
  size_t len = w->len - m.len;
  if (text[0] == ',') text++, len--; /* the writer's comma before the value */
  rpc_render_put(kind, key, text, len, where);
}
