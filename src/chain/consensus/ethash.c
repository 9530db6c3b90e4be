/* Ethash (Yellow Paper appendix J; ethereum.org "Ethash" spec): epoch light cache
 * (a keccak-512 chain and 3 RandMemoHash rounds) and hashimoto-light, which derives
 * each of the 128 dataset items a hash touches from 256 cache parents. */
#include "ethc/ethash.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"

#define HASH_BYTES 64
#define HASH_WORDS 16
#define MIX_BYTES 128
#define MIX_WORDS 32
#define DATASET_PARENTS 256
#define CACHE_ROUNDS 3
#define ACCESSES 64
#define CACHE_BYTES_INIT (1ULL << 24)
#define CACHE_BYTES_GROWTH (1ULL << 17)
#define DATASET_BYTES_INIT (1ULL << 30)
#define DATASET_BYTES_GROWTH (1ULL << 23)
#define FNV_PRIME 0x01000193u

static inline uint32_t fnv(uint32_t a, uint32_t b) { return (a * FNV_PRIME) ^ b; }

static bool is_prime(uint64_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (uint64_t d = 3; d * d <= n; d += 2)
    if (n % d == 0) return false;
  return true;
}

uint64_t ethash_cache_size(int epoch) {
  uint64_t sz = CACHE_BYTES_INIT + CACHE_BYTES_GROWTH * (uint64_t)epoch - HASH_BYTES;
  while (!is_prime(sz / HASH_BYTES)) sz -= 2 * HASH_BYTES;
  return sz;
}

uint64_t ethash_dataset_size(int epoch) {
  uint64_t sz = DATASET_BYTES_INIT + DATASET_BYTES_GROWTH * (uint64_t)epoch - MIX_BYTES;
  while (!is_prime(sz / MIX_BYTES)) sz -= 2 * MIX_BYTES;
  return sz;
}

void ethash_seed(int epoch, uint8_t seed[32]) {
  memset(seed, 0, 32);
  for (int i = 0; i < epoch; i++) keccak256(seed, 32, seed);
}

/* x mod n for 32-bit x, with recip = ceil(2^64 / n): exact for n < 2^32. */
static inline uint32_t mod_by_recip(uint32_t x, uint32_t n, uint64_t recip) {
  uint64_t q = (uint64_t)(((unsigned __int128)x * recip) >> 64);
  return x - (uint32_t)q * n;
}

static inline void hash512_words(uint32_t *words) { keccak512((const uint8_t *)words, 64, (uint8_t *)words); }

int ethash_cache_build(ethash_cache_t *cache, int epoch) {
  memset(cache, 0, sizeof *cache);
  if (epoch < 0 || epoch > ETHASH_MAX_EPOCH) return ETHC_ERR_INVALID;
  uint64_t size = ethash_cache_size(epoch);
  size_t n = size / HASH_BYTES;
  uint32_t *items = malloc(size);
  if (!items) return ETHC_ERR_NOMEM;
  ethash_seed(epoch, cache->seed);
  keccak512(cache->seed, 32, (uint8_t *)items);
  for (size_t i = 1; i < n; i++) keccak512((const uint8_t *)(items + (i - 1) * HASH_WORDS), 64, (uint8_t *)(items + i * HASH_WORDS));
  for (int round = 0; round < CACHE_ROUNDS; round++) {
    for (size_t i = 0; i < n; i++) {
      uint32_t *item = items + i * HASH_WORDS;
      const uint32_t *prev = items + ((i + n - 1) % n) * HASH_WORDS;
      const uint32_t *other = items + (item[0] % n) * HASH_WORDS;
      uint32_t tmp[HASH_WORDS];
      for (int k = 0; k < HASH_WORDS; k++) tmp[k] = prev[k] ^ other[k];
      keccak512((const uint8_t *)tmp, 64, (uint8_t *)item);
    }
  }
  cache->epoch = epoch;
  cache->num_items = n;
  cache->full_items = ethash_dataset_size(epoch) / HASH_BYTES;
  cache->items = items;
  cache->recip = (uint64_t)((((unsigned __int128)1 << 64) + n - 1) / n);
  return ETHC_OK;
}

void ethash_cache_free(ethash_cache_t *cache) {
  free(cache->items);
  memset(cache, 0, sizeof *cache);
}

/* Two dataset items (index, index + 1: one 128-byte page) computed in lock step,
 * so their two dependent chains of cache reads overlap. */
static void dataset_page(const ethash_cache_t *c, uint32_t index, uint32_t out[MIX_WORDS]) {
  const uint32_t n = (uint32_t)c->num_items;
  uint32_t a[HASH_WORDS], b[HASH_WORDS];
  uint32_t ia = index, ib = index + 1;
  memcpy(a, c->items + (size_t)mod_by_recip(ia, n, c->recip) * HASH_WORDS, 64);
  memcpy(b, c->items + (size_t)mod_by_recip(ib, n, c->recip) * HASH_WORDS, 64);
  a[0] ^= ia;
  b[0] ^= ib;
  hash512_words(a);
  hash512_words(b);
  for (uint32_t j = 0; j < DATASET_PARENTS; j++) {
    uint32_t pa = mod_by_recip(fnv(ia ^ j, a[j % HASH_WORDS]), n, c->recip);
    uint32_t pb = mod_by_recip(fnv(ib ^ j, b[j % HASH_WORDS]), n, c->recip);
    const uint32_t *qa = c->items + (size_t)pa * HASH_WORDS;
    const uint32_t *qb = c->items + (size_t)pb * HASH_WORDS;
    for (int k = 0; k < HASH_WORDS; k++) a[k] = fnv(a[k], qa[k]);
    for (int k = 0; k < HASH_WORDS; k++) b[k] = fnv(b[k], qb[k]);
  }
  hash512_words(a);
  hash512_words(b);
  memcpy(out, a, 64);
  memcpy(out + HASH_WORDS, b, 64);
}

static void seed_hash(const uint8_t header_hash[32], uint64_t nonce, uint8_t s[64]) {
  uint8_t in[40];
  memcpy(in, header_hash, 32);
  for (int i = 0; i < 8; i++) in[32 + i] = (uint8_t)(nonce >> (8 * i)); /* little-endian */
  keccak512(in, 40, s);
}

static void final_hash(const uint8_t s[64], const uint8_t mix[32], uint8_t out[32]) {
  uint8_t in[96];
  memcpy(in, s, 64);
  memcpy(in + 64, mix, 32);
  keccak256(in, 96, out);
}

void ethash_hash(const ethash_cache_t *cache, const uint8_t header_hash[32], uint64_t nonce,
                 uint8_t mix_out[32], uint8_t final_out[32]) {
  uint8_t s[64];
  seed_hash(header_hash, nonce, s);
  uint32_t s0, mix[MIX_WORDS];
  memcpy(&s0, s, 4);
  memcpy(mix, s, 64);
  memcpy(mix + HASH_WORDS, s, 64);
  const uint64_t pages = cache->full_items / 2;
  for (uint32_t i = 0; i < ACCESSES; i++) {
    uint32_t p = (uint32_t)(fnv(i ^ s0, mix[i % MIX_WORDS]) % pages) * 2;
    uint32_t page[MIX_WORDS];
    dataset_page(cache, p, page);
    for (int k = 0; k < MIX_WORDS; k++) mix[k] = fnv(mix[k], page[k]);
  }
  uint32_t cmix[8];
  for (int i = 0; i < 8; i++) cmix[i] = fnv(fnv(fnv(mix[4 * i], mix[4 * i + 1]), mix[4 * i + 2]), mix[4 * i + 3]);
  memcpy(mix_out, cmix, 32);
  final_hash(s, mix_out, final_out);
}

void ethash_final_from_mix(const uint8_t header_hash[32], uint64_t nonce, const uint8_t mix[32],
                           uint8_t final_out[32]) {
  uint8_t s[64];
  seed_hash(header_hash, nonce, s);
  final_hash(s, mix, final_out);
}

bool ethash_meets_difficulty(const uint8_t final_hash_be[32], const u256_t *difficulty) {
  if (u256_is_zero(difficulty)) return false;
  u256_t one = U256_ONE;
  if (u256_eq(difficulty, &one)) return true;
  /* target = floor(2^256 / d) = floor((2^256 - 1) / d) + [d divides 2^256] */
  u256_t max = U256_MAX, target, rem, dm1;
  u256_divmod(&target, &rem, &max, difficulty);
  u256_sub(&dm1, difficulty, &one);
  if (u256_eq(&rem, &dm1)) u256_add(&target, &target, &one);
  u256_t h;
  u256_from_be(&h, final_hash_be);
  return !u256_lt(&target, &h);
}

/* ---- a small process-wide cache of recent epochs ---- */
#define CACHE_SLOTS 3
static ethash_cache_t slots[CACHE_SLOTS];
static unsigned slot_age[CACHE_SLOTS];
static unsigned slot_clock;

const ethash_cache_t *ethash_cache_get(int epoch) {
  if (epoch < 0 || epoch > ETHASH_MAX_EPOCH) return NULL;
  int victim = 0;
  for (int i = 0; i < CACHE_SLOTS; i++) {
    if (slots[i].items && slots[i].epoch == epoch) {
      slot_age[i] = ++slot_clock;
      return &slots[i];
    }
    if (!slots[i].items || slot_age[i] < slot_age[victim]) victim = i;
  }
  if (slots[victim].items) ethash_cache_free(&slots[victim]);
  if (ethash_cache_build(&slots[victim], epoch) != ETHC_OK) return NULL;
  slot_age[victim] = ++slot_clock;
  return &slots[victim];
}

int ethash_verify(uint64_t block_number, const uint8_t header_hash[32], uint64_t nonce,
                  const uint8_t mix_hash[32], const u256_t *difficulty) {
  uint8_t final[32], mix[32];
  ethash_final_from_mix(header_hash, nonce, mix_hash, final);
  if (!ethash_meets_difficulty(final, difficulty)) return ETHC_ERR_INVALID;
  const ethash_cache_t *cache = ethash_cache_get((int)(block_number / ETHASH_EPOCH_LENGTH));
  if (!cache) return ETHC_ERR_NOMEM;
  ethash_hash(cache, header_hash, nonce, mix, final);
  return memcmp(mix, mix_hash, 32) == 0 ? ETHC_OK : ETHC_ERR_INVALID;
}
