/* Code analysis: padded code copy plus JUMPDEST bitmap in one allocation, built in
 * one pass that skips push data (Yellow Paper 9.4.3 "valid jump destinations"),
 * and a code-hash keyed cache so each contract is analysed once. */
#include "evm/analysis.h"

#include <stdlib.h>
#include <string.h>

evm_analysis_t *evm_analyze(const uint8_t *code, size_t code_size) {
  size_t words = code_size / 64 + 1;
  size_t code_alloc = (code_size + EVM_CODE_PADDING + 7) & ~(size_t)7;
  size_t total = sizeof(evm_analysis_t) + words * 8 + code_alloc;
  evm_analysis_t *a = malloc(total);
  if (!a) return NULL;
  memset(a, 0, sizeof *a);
  a->jumpdest = (uint64_t *)(a + 1);
  a->code = (uint8_t *)(a->jumpdest + words);
  a->code_size = code_size;
  memset(a->jumpdest, 0, words * 8);
  if (code_size) memcpy(a->code, code, code_size);
  memset(a->code + code_size, 0, code_alloc - code_size);
  for (size_t i = 0; i < code_size; i++) {
    uint8_t op = code[i];
    if ((int8_t)op >= 0x60) { /* PUSH1..PUSH32 (0x60..0x7f) in one signed test */
      i += (size_t)(op - 0x5f);
    } else if (__builtin_expect(op == 0x5b, 0)) {
      a->jumpdest[i / 64] |= (uint64_t)1 << (i % 64);
    }
  }
  return a;
}

void evm_analysis_free(evm_analysis_t *a) { free(a); }

static size_t bucket_of(const evm_code_cache_t *c, const ethc_hash_t *h) {
  uint64_t v;
  memcpy(&v, h->bytes, 8);
  return (size_t)(v & (c->nbuckets - 1));
}

evm_analysis_t *evm_cache_find(evm_code_cache_t *c, const ethc_hash_t *hash) {
  if (!c->nbuckets) return NULL;
  for (evm_analysis_t *a = c->buckets[bucket_of(c, hash)]; a; a = a->next)
    if (ethc_hash_eq(&a->hash, hash)) return a;
  return NULL;
}

static bool grow(evm_code_cache_t *c) {
  size_t n = c->nbuckets ? c->nbuckets * 2 : 256;
  evm_analysis_t **b = calloc(n, sizeof *b);
  if (!b) return false;
  for (size_t i = 0; i < c->nbuckets; i++) {
    evm_analysis_t *a = c->buckets[i];
    while (a) {
      evm_analysis_t *next = a->next;
      uint64_t v;
      memcpy(&v, a->hash.bytes, 8);
      size_t k = (size_t)(v & (n - 1));
      a->next = b[k];
      b[k] = a;
      a = next;
    }
  }
  free(c->buckets);
  c->buckets = b;
  c->nbuckets = n;
  return true;
}

bool evm_cache_insert(evm_code_cache_t *c, evm_analysis_t *a) {
  if (c->count + 1 > c->nbuckets && !grow(c)) return false;
  size_t k = bucket_of(c, &a->hash);
  a->next = c->buckets[k];
  a->cached = true;
  c->buckets[k] = a;
  c->count++;
  c->bytes += a->code_size + 64;
  return true;
}

static void clear_all(evm_code_cache_t *c) {
  for (size_t i = 0; i < c->nbuckets; i++) {
    evm_analysis_t *a = c->buckets[i];
    while (a) {
      evm_analysis_t *next = a->next;
      evm_analysis_free(a);
      a = next;
    }
    c->buckets[i] = NULL;
  }
  c->count = 0;
  c->bytes = 0;
}

void evm_cache_trim(evm_code_cache_t *c, size_t max_bytes) {
  if (c->bytes > max_bytes) clear_all(c);
}

void evm_cache_free(evm_code_cache_t *c) {
  clear_all(c);
  free(c->buckets);
  c->buckets = NULL;
  c->nbuckets = 0;
}
