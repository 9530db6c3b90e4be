/* Code analysis for the interpreter (evmone "baseline" style): a padded copy of the
 * code and its JUMPDEST bitmap (Yellow Paper 9.4.3), computed once per code and cached
 * by code hash. */
#ifndef ETHC_EVM_ANALYSIS_H
#define ETHC_EVM_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"

/* Bytes of zero padding after the code: 32 for a truncated PUSH32, 1 for the final
 * implicit STOP, and 8 more so that 8-byte over-reads of push data stay inside. */
#define EVM_CODE_PADDING 41

typedef struct evm_analysis {
  uint8_t *code; /* code_size + EVM_CODE_PADDING bytes */
  size_t code_size;
  uint64_t *jumpdest; /* bit i set: code[i] is a JUMPDEST outside push data */
  ethc_hash_t hash;   /* cache key (zero when not cached) */
  bool cached;
  struct evm_analysis *next; /* hash-bucket chain */
} evm_analysis_t;

/* One allocation holding the struct, the padded code and the bitmap; NULL on OOM. */
evm_analysis_t *evm_analyze(const uint8_t *code, size_t code_size);
void evm_analysis_free(evm_analysis_t *a);

static inline bool evm_is_jumpdest(const evm_analysis_t *a, uint64_t pos) {
  return pos < a->code_size && ((a->jumpdest[pos / 64] >> (pos % 64)) & 1);
}

/* Code-hash keyed cache of analyses. Entries stay valid until evm_cache_trim. */
typedef struct {
  evm_analysis_t **buckets;
  size_t nbuckets, count, bytes;
} evm_code_cache_t;

evm_analysis_t *evm_cache_find(evm_code_cache_t *c, const ethc_hash_t *hash);
/* Inserts (the cache then owns a); false on OOM (the caller keeps a). */
bool evm_cache_insert(evm_code_cache_t *c, evm_analysis_t *a);
/* Drops everything when the cache holds more than max_bytes of code; call only
 * when no analysis from the cache is in use. */
void evm_cache_trim(evm_code_cache_t *c, size_t max_bytes);
void evm_cache_free(evm_code_cache_t *c);

#endif
