/* Read caches of stored states (state_cache.h): direct-mapped tables keyed by
 * content hashes (Yellow Paper 4.1 and appendix D: a trie root determines every
 * key's value, a code hash its code), so entries never go stale. Each table is
 * split into stripes, each under its own mutex on a cache line of its own; a
 * put overwrites the entry in its place. */
#include "state_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRIPES 64

enum { V_EMPTY, V_ACCOUNT, V_ABSENT, V_SLOT };

typedef struct {
  ethc_hash_t root;
  uint8_t key[32]; /* an address (zero-padded) or a slot, big-endian */
  uint8_t kind;
  union {
    state_account_t acct;
    u256_t slot;
  } v;
} ventry_t;

typedef struct {
  ethc_hash_t hash;
  uint8_t *data; /* NULL: empty */
  size_t len;
} centry_t;

typedef struct {
  _Alignas(64) pthread_mutex_t mu;
  uint64_t value_hits, value_misses, code_hits, code_misses;
} stripe_t;

struct state_cache {
  stripe_t stripe[STRIPES];
  ventry_t *values;
  centry_t *codes;
  size_t value_mask, code_mask;
  uint64_t seed;
};

static size_t pow2(size_t n) {
  size_t p = STRIPES;
  while (p < n) p <<= 1;
  return p;
}

state_cache_t *state_cache_new(size_t values, size_t codes) {
  size_t size = (sizeof(state_cache_t) + 63) / 64 * 64;
  state_cache_t *c = aligned_alloc(64, size);
  if (!c) return NULL;
  memset(c, 0, size);
  values = pow2(values);
  codes = pow2(codes);
  c->values = calloc(values, sizeof *c->values);
  c->codes = calloc(codes, sizeof *c->codes);
  if (!c->values || !c->codes) {
    free(c->values);
    free(c->codes);
    free(c);
    return NULL;
  }
  c->value_mask = values - 1;
  c->code_mask = codes - 1;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  /* keys are chosen by callers (addresses, slots): a per-cache seed keeps
   * anyone from aiming many of them at one entry */
  c->seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)c ^ (uint64_t)ts.tv_sec;
  for (int i = 0; i < STRIPES; i++) pthread_mutex_init(&c->stripe[i].mu, NULL);
  return c;
}

void state_cache_free(state_cache_t *c) {
  if (!c) return;
  for (size_t i = 0; i <= c->code_mask; i++) free(c->codes[i].data);
  for (int i = 0; i < STRIPES; i++) pthread_mutex_destroy(&c->stripe[i].mu);
  free(c->values);
  free(c->codes);
  free(c);
}

static uint64_t mix_words(uint64_t x, const uint8_t *p, size_t words) {
  for (size_t i = 0; i < words; i++) {
    uint64_t w;
    memcpy(&w, p + 8 * i, 8);
    x = (x ^ w) * 0x9e3779b97f4a7c15ull;
    x ^= x >> 29;
  }
  return x ^ (x >> 32);
}

/* ---- values ---- */

static size_t value_index(const state_cache_t *c, const ethc_hash_t *root, const uint8_t key[32], uint8_t kind) {
  uint64_t x = mix_words(c->seed ^ kind, root->bytes, 4);
  return (size_t)mix_words(x, key, 4) & c->value_mask;
}

/* The entry for (root, key, kind of key), or NULL; its stripe locked either way. */
static ventry_t *value_find(state_cache_t *c, const ethc_hash_t *root, const uint8_t key[32], bool slot,
                            stripe_t **st) {
  size_t i = value_index(c, root, key, slot);
  *st = &c->stripe[i % STRIPES];
  pthread_mutex_lock(&(*st)->mu);
  ventry_t *e = &c->values[i];
  bool hit = e->kind != V_EMPTY && (e->kind == V_SLOT) == slot && !memcmp(e->key, key, 32) &&
             !memcmp(e->root.bytes, root->bytes, 32);
  if (hit) (*st)->value_hits++;
  else (*st)->value_misses++;
  return hit ? e : NULL;
}

static ventry_t *value_slot(state_cache_t *c, const ethc_hash_t *root, const uint8_t key[32], bool slot,
                            stripe_t **st) {
  size_t i = value_index(c, root, key, slot);
  *st = &c->stripe[i % STRIPES];
  pthread_mutex_lock(&(*st)->mu);
  ventry_t *e = &c->values[i];
  e->root = *root;
  memcpy(e->key, key, 32);
  return e;
}

static void addr_key(const ethc_address_t *a, uint8_t key[32]) {
  memcpy(key, a->bytes, 20);
  memset(key + 20, 0, 12);
}

bool state_cache_get_account(state_cache_t *c, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out,
                             bool *found) {
  uint8_t key[32];
  addr_key(a, key);
  stripe_t *st;
  ventry_t *e = value_find(c, root, key, false, &st);
  if (e) {
    *found = e->kind == V_ACCOUNT;
    if (*found) *out = e->v.acct;
  }
  pthread_mutex_unlock(&st->mu);
  return e != NULL;
}

void state_cache_put_account(state_cache_t *c, const ethc_hash_t *root, const ethc_address_t *a,
                             const state_account_t *acc) {
  uint8_t key[32];
  addr_key(a, key);
  stripe_t *st;
  ventry_t *e = value_slot(c, root, key, false, &st);
  e->kind = acc ? V_ACCOUNT : V_ABSENT;
  if (acc) e->v.acct = *acc;
  pthread_mutex_unlock(&st->mu);
}

bool state_cache_get_slot(state_cache_t *c, const ethc_hash_t *storage_root, const u256_t *key, u256_t *out) {
  uint8_t k[32];
  u256_to_be(key, k);
  stripe_t *st;
  ventry_t *e = value_find(c, storage_root, k, true, &st);
  if (e) *out = e->v.slot;
  pthread_mutex_unlock(&st->mu);
  return e != NULL;
}

void state_cache_put_slot(state_cache_t *c, const ethc_hash_t *storage_root, const u256_t *key, const u256_t *value) {
  uint8_t k[32];
  u256_to_be(key, k);
  stripe_t *st;
  ventry_t *e = value_slot(c, storage_root, k, true, &st);
  e->kind = V_SLOT;
  e->v.slot = *value;
  pthread_mutex_unlock(&st->mu);
}

/* ---- code ---- */

static centry_t *code_entry(state_cache_t *c, const ethc_hash_t *h, stripe_t **st) {
  size_t i = (size_t)mix_words(c->seed, h->bytes, 4) & c->code_mask;
  *st = &c->stripe[i % STRIPES];
  pthread_mutex_lock(&(*st)->mu);
  return &c->codes[i];
}

bool state_cache_get_code(state_cache_t *c, const ethc_hash_t *h, bytes_buf_t *out) {
  stripe_t *st;
  centry_t *e = code_entry(c, h, &st);
  bool hit = e->data && ethc_hash_eq(&e->hash, h) && !bytes_buf_append(out, e->data, e->len);
  if (hit) st->code_hits++;
  else st->code_misses++;
  pthread_mutex_unlock(&st->mu);
  return hit;
}

void state_cache_put_code(state_cache_t *c, const ethc_hash_t *h, const uint8_t *code, size_t len) {
  if (!len || len > STATE_CACHE_CODE_MAX) return;
  uint8_t *copy = malloc(len);
  if (!copy) return;
  memcpy(copy, code, len);
  stripe_t *st;
  centry_t *e = code_entry(c, h, &st);
  uint8_t *old = e->data;
  e->hash = *h;
  e->data = copy;
  e->len = len;
  pthread_mutex_unlock(&st->mu);
  free(old);
}

void state_cache_stats(state_cache_t *c, state_cache_stats_t *out) {
  memset(out, 0, sizeof *out);
  for (int i = 0; i < STRIPES; i++) {
    stripe_t *st = &c->stripe[i];
    pthread_mutex_lock(&st->mu);
    out->value_hits += st->value_hits;
    out->value_misses += st->value_misses;
    out->code_hits += st->code_hits;
    out->code_misses += st->code_misses;
    pthread_mutex_unlock(&st->mu);
  }
}
