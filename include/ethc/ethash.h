/* Ethash proof of work (Yellow Paper appendix J, the Ethash spec on ethereum.org):
 * per-epoch light caches and hashimoto-light verification on the CPU. */
#ifndef ETHC_ETHASH_H
#define ETHC_ETHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ETHASH_EPOCH_LENGTH 30000
#define ETHASH_MAX_EPOCH 2047

/* A light cache: the 64-byte items of one epoch (about 16 MiB + 128 KiB per epoch). */
typedef struct {
  int epoch;
  size_t num_items;    /* cache size / 64, a prime */
  uint64_t full_items; /* dataset size / 64 (the dataset itself is never built) */
  uint8_t seed[32];
  uint32_t *items; /* num_items * 16 words, little-endian */
  /* multiply-shift reciprocal of num_items, so the parent index needs no division */
  uint64_t recip;
} ethash_cache_t;

/* Sizes (0 for an epoch out of range) and seed of an epoch. */
uint64_t ethash_cache_size(int epoch);
uint64_t ethash_dataset_size(int epoch);
void ethash_seed(int epoch, uint8_t seed[32]);

/* Builds the light cache of an epoch (0.5-3 s): 0 or ETHC_ERR_NOMEM / ETHC_ERR_INVALID. */
int ethash_cache_build(ethash_cache_t *cache, int epoch);
void ethash_cache_free(ethash_cache_t *cache);
/* A process-wide cache of recently used epochs (built on first use, kept for reuse),
 * safe to use from several threads: acquire an epoch's cache, use it, release it.
 * Threads asking for an epoch being built wait for it; a cache in use is never
 * evicted. Returns NULL on allocation failure or an epoch out of range. */
const ethash_cache_t *ethash_cache_acquire(int epoch);
void ethash_cache_release(const ethash_cache_t *cache);

/* hashimoto-light: the mix digest and final hash of (header hash, nonce). */
void ethash_hash(const ethash_cache_t *cache, const uint8_t header_hash[32], uint64_t nonce, uint8_t mix_out[32],
                 uint8_t final_out[32]);
/* hashimoto-light of n (header hash, nonce) pairs of one epoch, with up to
 * ethash_set_batch_width() headers interleaved (their dependent cache reads overlap):
 * the same results as n ethash_hash calls, at a higher throughput. */
void ethash_hash_batch(const ethash_cache_t *cache, size_t n, const uint8_t (*header_hashes)[32],
                       const uint64_t *nonces, uint8_t (*mix_out)[32], uint8_t (*final_out)[32]);
/* Headers interleaved per batch kernel call: 1, 2, 4, 8 or 16 (others are ignored).
 * Returns the previous width. A start-up setting: not to be changed while other
 * threads hash. */
#define ETHASH_BATCH_DEFAULT 16
size_t ethash_set_batch_width(size_t width);
/* The FNV vector code: 0 portable, 1 AVX2, 2 AVX-512F, -1 the best the CPU has (the
 * default). Returns 0, or -1 when the CPU lacks it. For tests and benchmarks. */
int ethash_select_impl(int level);
/* The final hash from a claimed mix digest alone (two keccaks): the cheap pre-check. */
void ethash_final_from_mix(const uint8_t header_hash[32], uint64_t nonce, const uint8_t mix[32], uint8_t final_out[32]);
/* True when final_hash, read as a big-endian number, is <= 2^256 / difficulty. */
bool ethash_meets_difficulty(const uint8_t final_hash[32], const u256_t *difficulty);

/* Full verification of a seal: cheap check first, then hashimoto-light.
 * Returns 0 when valid; ETHC_ERR_INVALID when the mix or the target does not match. */
int ethash_verify(uint64_t block_number, const uint8_t header_hash[32], uint64_t nonce, const uint8_t mix_hash[32],
                  const u256_t *difficulty);

/* One seal of a batch. */
typedef struct {
  uint64_t block_number;
  uint8_t header_hash[32]; /* keccak256 of the header RLP without mix hash and nonce */
  uint64_t nonce;
  uint8_t mix_hash[32];
  u256_t difficulty;
} ethash_verify_item_t;
/* Verifies n seals (any epochs; those of one epoch share the kernel, interleaved).
 * The results are also remembered (the last 1024 or so), so that ethash_verify of
 * a seal verified in a batch returns at once: verify a segment of headers ahead
 * with one batch, then validate them one by one.
 * results[i] = 0, ETHC_ERR_INVALID or ETHC_ERR_NOMEM as ethash_verify would return.
 * Returns 0 when all are valid, ETHC_ERR_NOMEM if any cache could not be built,
 * otherwise ETHC_ERR_INVALID. */
int ethash_verify_batch(const ethash_verify_item_t *items, size_t n, int *results);

#ifdef __cplusplus
}
#endif

#endif
