/* Read caches of stored states (state_cache.c), in front of the trie walks and
 * code reads of state_db.c. Every entry maps a content hash to what it
 * determines, so no entry ever goes stale and nothing is invalidated:
 *  - values: (state root, address) -> the account or its absence, and
 *    (storage root, slot) -> the slot's value (Yellow Paper 4.1: a trie root
 *    commits to every key's value);
 *  - code: code hash -> the code.
 * Bounded (fixed tables, a new entry replaces the one in its place) and
 * thread-safe: any number of threads may get and put at once (a lock per
 * stripe of entries). Not a public header. */
#ifndef ETHC_STATE_CACHE_H
#define ETHC_STATE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "ethc/bytes.h"
#include "ethc/state_base.h"
#include "ethc/u256.h"

typedef struct state_cache state_cache_t;

/* A cache of `values` value entries and `codes` code entries (each rounded up
 * to a power of two; codes longer than STATE_CACHE_CODE_MAX bytes are not
 * kept), or NULL when out of memory. */
#define STATE_CACHE_CODE_MAX 32768
state_cache_t *state_cache_new(size_t values, size_t codes);
void state_cache_free(state_cache_t *c);

/* The account `a` of the state with root `root`: true when cached, with
 * *found false for an account known to be absent (then *out is untouched). */
bool state_cache_get_account(state_cache_t *c, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out,
                             bool *found);
/* Remembers it; acc NULL: the account is absent. */
void state_cache_put_account(state_cache_t *c, const ethc_hash_t *root, const ethc_address_t *a,
                             const state_account_t *acc);

/* The slot `key` of the storage trie with root `storage_root`: true when cached. */
bool state_cache_get_slot(state_cache_t *c, const ethc_hash_t *storage_root, const u256_t *key, u256_t *out);
void state_cache_put_slot(state_cache_t *c, const ethc_hash_t *storage_root, const u256_t *key, const u256_t *value);

/* The code of hash h appended to *out: true when cached (false also when out
 * of memory, leaving *out as it was). */
bool state_cache_get_code(state_cache_t *c, const ethc_hash_t *h, bytes_buf_t *out);
void state_cache_put_code(state_cache_t *c, const ethc_hash_t *h, const uint8_t *code, size_t len);

typedef struct {
  uint64_t value_hits, value_misses, code_hits, code_misses;
} state_cache_stats_t;
void state_cache_stats(state_cache_t *c, state_cache_stats_t *out);

#endif
