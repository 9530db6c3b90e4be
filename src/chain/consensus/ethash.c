/* Ethash (Yellow Paper appendix J; ethereum.org "Ethash" spec): epoch light cache
 * (a keccak-512 chain and 3 RandMemoHash rounds) and hashimoto-light, which derives
 * each of the 128 dataset items a hash touches from 256 cache parents. */
#define _GNU_SOURCE 1
#include "ethc/ethash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

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

#define ALWAYS_INLINE inline __attribute__((always_inline))

static inline uint32_t fnv(uint32_t a, uint32_t b) { return (a * FNV_PRIME) ^ b; }

static bool is_prime(uint64_t n) {
  if (n < 2) return false;
  if (n % 2 == 0) return n == 2;
  for (uint64_t d = 3; d * d <= n; d += 2)
    if (n % d == 0) return false;
  return true;
}

uint64_t ethash_cache_size(int epoch) {
  if (epoch < 0 || epoch > ETHASH_MAX_EPOCH) return 0;
  uint64_t sz = CACHE_BYTES_INIT + CACHE_BYTES_GROWTH * (uint64_t)epoch - HASH_BYTES;
  while (!is_prime(sz / HASH_BYTES)) sz -= 2 * HASH_BYTES;
  return sz;
}

uint64_t ethash_dataset_size(int epoch) {
  if (epoch < 0 || epoch > ETHASH_MAX_EPOCH) return 0;
  uint64_t sz = DATASET_BYTES_INIT + DATASET_BYTES_GROWTH * (uint64_t)epoch - MIX_BYTES;
  while (!is_prime(sz / MIX_BYTES)) sz -= 2 * MIX_BYTES;
  return sz;
}

void ethash_seed(int epoch, uint8_t seed[32]) {
  memset(seed, 0, 32);
  for (int i = 0; i < epoch; i++) keccak256_32(seed, seed);
}

/* x mod n for 32-bit x, with recip = ceil(2^64 / n): exact for n < 2^32. */
static ALWAYS_INLINE uint32_t mod_by_recip(uint32_t x, uint32_t n, uint64_t recip) {
  uint64_t q = (uint64_t)(((unsigned __int128)x * recip) >> 64);
  return x - (uint32_t)q * n;
}

/* Cache memory: 2 MiB aligned and marked for transparent huge pages, because every
 * hashimoto read is a random 64-byte line of a 16-80 MiB table (TLB misses). */
static void *alloc_items(size_t size) {
  const size_t huge = (size_t)2 << 20;
  size_t rounded = (size + huge - 1) & ~(huge - 1);
  void *p = NULL;
  if (posix_memalign(&p, huge, rounded) != 0) return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(ETHASH_NO_THP)
  (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  return p;
}

int ethash_cache_build(ethash_cache_t *cache, int epoch) {
  memset(cache, 0, sizeof *cache);
  if (epoch < 0 || epoch > ETHASH_MAX_EPOCH) return ETHC_ERR_INVALID;
  uint64_t size = ethash_cache_size(epoch);
  const size_t n = size / HASH_BYTES;
  uint32_t *items = alloc_items(size);
  if (!items) return ETHC_ERR_NOMEM;
  const uint64_t recip = (uint64_t)((((unsigned __int128)1 << 64) + n - 1) / n);
  ethash_seed(epoch, cache->seed);
  keccak512(cache->seed, 32, (uint8_t *)items);
  for (size_t i = 1; i < n; i++)
    keccak512_64((const uint8_t *)(items + (i - 1) * HASH_WORDS), (uint8_t *)(items + i * HASH_WORDS));
  /* RandMemoHash: item i = keccak512(item[i-1] ^ item[item[i][0] % n]). The random
   * operand of step i + D is known now (item i + D is only written at its own step),
   * so it is prefetched D steps ahead. */
  enum { D = 4 };
  for (int round = 0; round < CACHE_ROUNDS; round++) {
    for (size_t i = 0; i < n; i++) {
      if (i + D < n)
        __builtin_prefetch(items + (size_t)mod_by_recip(items[(i + D) * HASH_WORDS], (uint32_t)n, recip) * HASH_WORDS);
      uint32_t *item = items + i * HASH_WORDS;
      const uint32_t *prev = items + (i == 0 ? n - 1 : i - 1) * HASH_WORDS;
      const uint32_t *other = items + (size_t)mod_by_recip(item[0], (uint32_t)n, recip) * HASH_WORDS;
      uint32_t tmp[HASH_WORDS];
      for (int k = 0; k < HASH_WORDS; k++) tmp[k] = prev[k] ^ other[k];
      keccak512_64((const uint8_t *)tmp, (uint8_t *)item);
    }
  }
  cache->epoch = epoch;
  cache->num_items = n;
  cache->full_items = ethash_dataset_size(epoch) / HASH_BYTES;
  cache->items = items;
  cache->recip = recip;
  return ETHC_OK;
}

void ethash_cache_free(ethash_cache_t *cache) {
  free(cache->items);
  memset(cache, 0, sizeof *cache);
}

/* ---- hashimoto-light, several independent chains interleaved ----
 * A dataset item is a serial chain of 256 dependent cache reads. The kernel runs M
 * chains (the two items of a page of each of H = M/2 headers, H = 1 to 16) in lock step: after a
 * chain's FNV step its next parent index is known and its line is prefetched at once,
 * so up to M misses are in flight while the other chains compute. The 16-word FNV
 * is written with vector extensions and compiled for SSE2, AVX2 and AVX-512F; the
 * widest the CPU has is chosen at run time. */
typedef uint32_t v16_t __attribute__((vector_size(64)));

static ALWAYS_INLINE void items_kernel(const ethash_cache_t *c, const int M, const uint32_t *idx, v16_t *out) {
  const uint32_t *base = c->items;
  const uint32_t n = (uint32_t)c->num_items;
  const uint64_t recip = c->recip;
  v16_t a[32];
  uint32_t par[32];
  for (int ch = 0; ch < M; ch++) {
    par[ch] = mod_by_recip(idx[ch], n, recip);
    __builtin_prefetch(base + (size_t)par[ch] * HASH_WORDS);
  }
  for (int ch = 0; ch < M; ch++) {
    memcpy(&a[ch], base + (size_t)par[ch] * HASH_WORDS, 64);
    a[ch][0] ^= idx[ch];
    keccak512_64((const uint8_t *)&a[ch], (uint8_t *)&a[ch]);
    par[ch] = mod_by_recip(fnv(idx[ch], a[ch][0]), n, recip);
    __builtin_prefetch(base + (size_t)par[ch] * HASH_WORDS);
  }
  for (uint32_t jb = 0; jb < DATASET_PARENTS; jb += HASH_WORDS) {
#pragma GCC unroll 16
    for (uint32_t w = 0; w < HASH_WORDS; w++) {
      for (int ch = 0; ch < M; ch++) {
        const uint32_t *line = base + (size_t)par[ch] * HASH_WORDS;
        v16_t q;
        uint32_t qw;
        memcpy(&q, line, 64);
        memcpy(&qw, line + ((w + 1) & 15), 4);
        /* the word that picks the parent of step j + 1, computed in scalar registers
         * straight from the loaded line (the dependent path skips the vector unit);
         * after the last step this is one spare, harmless prefetch */
        uint32_t word = fnv(a[ch][(w + 1) & 15], qw);
        a[ch] = (a[ch] * FNV_PRIME) ^ q;
        par[ch] = mod_by_recip(fnv(idx[ch] ^ (jb + w + 1), word), n, recip);
        __builtin_prefetch(base + (size_t)par[ch] * HASH_WORDS);
      }
    }
  }
  for (int ch = 0; ch < M; ch++) keccak512_64((const uint8_t *)&a[ch], (uint8_t *)&out[ch]);
}

/* H headers' 64 accesses: s[h] is keccak512(header ‖ nonce), mix[h] the 128-byte
 * mix on return. */
static ALWAYS_INLINE void hashimoto_core(const ethash_cache_t *c, const int H, const uint8_t (*s)[64],
                                         uint32_t (*mix_out)[MIX_WORDS]) {
  v16_t mix[16][2];
  uint32_t s0[16];
  const uint32_t pages = (uint32_t)(c->full_items / 2);
  for (int h = 0; h < H; h++) {
    memcpy(&mix[h][0], s[h], 64);
    mix[h][1] = mix[h][0];
    s0[h] = mix[h][0][0];
  }
  for (uint32_t i = 0; i < ACCESSES; i++) {
    uint32_t idx[32];
    for (int h = 0; h < H; h++) {
      uint32_t word = (i & 16) ? mix[h][1][i & 15] : mix[h][0][i & 15];
      uint32_t p = fnv(i ^ s0[h], word) % pages;
      idx[2 * h] = 2 * p;
      idx[2 * h + 1] = 2 * p + 1;
    }
    v16_t page[32];
    items_kernel(c, 2 * H, idx, page);
    for (int h = 0; h < H; h++) {
      mix[h][0] = (mix[h][0] * FNV_PRIME) ^ page[2 * h];
      mix[h][1] = (mix[h][1] * FNV_PRIME) ^ page[2 * h + 1];
    }
  }
  for (int h = 0; h < H; h++) memcpy(mix_out[h], mix[h], MIX_BYTES);
}

typedef void (*hashimoto_fn)(const ethash_cache_t *c, const uint8_t (*s)[64], uint32_t (*mix)[MIX_WORDS]);

#define HASHIMOTO_VARIANT(suffix, attr)                                                                               \
  attr static void hashimoto_##suffix##_1(const ethash_cache_t *c, const uint8_t(*s)[64], uint32_t(*m)[MIX_WORDS]) {  \
    hashimoto_core(c, 1, s, m);                                                                                       \
  }                                                                                                                   \
  attr static void hashimoto_##suffix##_2(const ethash_cache_t *c, const uint8_t(*s)[64], uint32_t(*m)[MIX_WORDS]) {  \
    hashimoto_core(c, 2, s, m);                                                                                       \
  }                                                                                                                   \
  attr static void hashimoto_##suffix##_4(const ethash_cache_t *c, const uint8_t(*s)[64], uint32_t(*m)[MIX_WORDS]) {  \
    hashimoto_core(c, 4, s, m);                                                                                       \
  }                                                                                                                   \
  attr static void hashimoto_##suffix##_8(const ethash_cache_t *c, const uint8_t(*s)[64], uint32_t(*m)[MIX_WORDS]) {  \
    hashimoto_core(c, 8, s, m);                                                                                       \
  }                                                                                                                   \
  attr static void hashimoto_##suffix##_16(const ethash_cache_t *c, const uint8_t(*s)[64], uint32_t(*m)[MIX_WORDS]) { \
    hashimoto_core(c, 16, s, m);                                                                                      \
  }                                                                                                                   \
  static const hashimoto_fn hashimoto_##suffix[5] = {hashimoto_##suffix##_1, hashimoto_##suffix##_2,                  \
                                                     hashimoto_##suffix##_4, hashimoto_##suffix##_8,                  \
                                                     hashimoto_##suffix##_16};

HASHIMOTO_VARIANT(generic, )
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ETHASH_HAVE_X86 1
HASHIMOTO_VARIANT(avx2, __attribute__((target("avx2"))))
HASHIMOTO_VARIANT(avx512, __attribute__((target("avx512f"))))
#endif

static const hashimoto_fn *hashimoto_impl;

static int best_level(void) {
#ifdef ETHASH_HAVE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return 2;
  if (__builtin_cpu_supports("avx2")) return 1;
#endif
  return 0;
}

int ethash_select_impl(int level) {
  if (level < 0) level = best_level();
  if (level > best_level()) return -1;
#ifdef ETHASH_HAVE_X86
  if (level == 2) {
    hashimoto_impl = hashimoto_avx512;
    return 0;
  }
  if (level == 1) {
    hashimoto_impl = hashimoto_avx2;
    return 0;
  }
#endif
  hashimoto_impl = hashimoto_generic;
  return 0;
}

__attribute__((constructor)) static void select_hashimoto(void) { ethash_select_impl(-1); }

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

static void compress_mix(const uint32_t mix[MIX_WORDS], uint8_t out[32]) {
  uint32_t cmix[8];
  for (int i = 0; i < 8; i++) cmix[i] = fnv(fnv(fnv(mix[4 * i], mix[4 * i + 1]), mix[4 * i + 2]), mix[4 * i + 3]);
  memcpy(out, cmix, 32);
}

void ethash_hash(const ethash_cache_t *cache, const uint8_t header_hash[32], uint64_t nonce, uint8_t mix_out[32],
                 uint8_t final_out[32]) {
  ethash_hash_batch(cache, 1, (const uint8_t(*)[32])header_hash, &nonce, (uint8_t(*)[32])mix_out,
                    (uint8_t(*)[32])final_out);
}

static size_t batch_width = ETHASH_BATCH_DEFAULT;

size_t ethash_set_batch_width(size_t width) {
  size_t old = batch_width;
  if (width == 1 || width == 2 || width == 4 || width == 8 || width == 16) batch_width = width;
  return old;
}

void ethash_hash_batch(const ethash_cache_t *cache, size_t n, const uint8_t (*header_hashes)[32],
                       const uint64_t *nonces, uint8_t (*mix_out)[32], uint8_t (*final_out)[32]) {
  if (!hashimoto_impl) ethash_select_impl(-1); /* called before the constructor ran */
  while (n > 0) {
    size_t k = n < batch_width ? n : batch_width;
    /* the next instantiated width; spare lanes repeat the last header (they run in
     * parallel with the others, so they cost little) */
    int slot = k <= 1 ? 0 : k <= 2 ? 1 : k <= 4 ? 2 : k <= 8 ? 3 : 4;
    size_t lanes = (size_t)1 << slot;
    uint8_t s[16][64];
    uint32_t mix[16][MIX_WORDS];
    for (size_t h = 0; h < lanes; h++) {
      size_t src = h < k ? h : k - 1;
      if (h < k) seed_hash(header_hashes[src], nonces[src], s[h]);
      else memcpy(s[h], s[k - 1], 64);
    }
    hashimoto_impl[slot](cache, (const uint8_t(*)[64])s, mix);
    for (size_t h = 0; h < k; h++) {
      compress_mix(mix[h], mix_out[h]);
      final_hash(s[h], mix_out[h], final_out[h]);
    }
    header_hashes += k, nonces += k, mix_out += k, final_out += k, n -= k;
  }
}

void ethash_final_from_mix(const uint8_t header_hash[32], uint64_t nonce, const uint8_t mix[32],
                           uint8_t final_out[32]) {
  uint8_t s[64];
  seed_hash(header_hash, nonce, s);
  final_hash(s, mix, final_out);
}

/* final <= floor(2^256 / d)  <=>  final * d <= 2^256 (final is an integer): a 256x256
 * multiply whose zero limbs are skipped, then a check of the high half. */
bool ethash_meets_difficulty(const uint8_t final_hash_be[32], const u256_t *difficulty) {
  if (u256_is_zero(difficulty)) return false;
  u256_t h;
  u256_from_be(&h, final_hash_be);
  uint64_t prod[8] = {0};
  for (int i = 0; i < 4; i++) {
    uint64_t hi = h.w[i];
    if (!hi) continue;
    uint64_t carry = 0;
    for (int j = 0; j < 4; j++) {
      unsigned __int128 t = (unsigned __int128)hi * difficulty->w[j] + prod[i + j] + carry;
      prod[i + j] = (uint64_t)t;
      carry = (uint64_t)(t >> 64);
    }
    prod[i + 4] = carry;
  }
  if ((prod[5] | prod[6] | prod[7]) != 0 || prod[4] > 1) return false;
  if (prod[4] == 0) return true;
  return (prod[0] | prod[1] | prod[2] | prod[3]) == 0; /* exactly 2^256 */
}

/* ---- a small process-wide cache of recent epochs, shared by threads ----
 * A slot is either empty, being built (other threads wanting that epoch wait), or
 * ready; a ready slot with readers is never evicted. When every slot is busy the
 * caller gets a private cache, freed on release. */
#define CACHE_SLOTS 3
static struct {
  ethash_cache_t cache;
  bool building;
  int readers;
  unsigned age;
} slots[CACHE_SLOTS];
static unsigned slot_clock;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_built = PTHREAD_COND_INITIALIZER;

static bool in_slots(const ethash_cache_t *c) {
  for (int i = 0; i < CACHE_SLOTS; i++)
    if (c == &slots[i].cache) return true;
  return false;
}

const ethash_cache_t *ethash_cache_acquire(int epoch) {
  if (epoch < 0 || epoch > ETHASH_MAX_EPOCH) return NULL;
  pthread_mutex_lock(&slots_lock);
  for (;;) {
    bool waited = false;
    for (int i = 0; i < CACHE_SLOTS; i++) {
      if (slots[i].cache.epoch != epoch) continue;
      if (slots[i].building) {
        pthread_cond_wait(&slot_built, &slots_lock);
        waited = true;
        break;
      }
      if (slots[i].cache.items) {
        slots[i].readers++;
        slots[i].age = ++slot_clock;
        pthread_mutex_unlock(&slots_lock);
        return &slots[i].cache;
      }
    }
    if (!waited) break;
  }
  int victim = -1;
  for (int i = 0; i < CACHE_SLOTS; i++) {
    if (slots[i].building || slots[i].readers) continue;
    if (victim < 0 || !slots[i].cache.items || (slots[victim].cache.items && slots[i].age < slots[victim].age))
      victim = i;
  }
  if (victim < 0) { /* every slot busy: a private cache */
    pthread_mutex_unlock(&slots_lock);
    ethash_cache_t *own = malloc(sizeof *own);
    if (!own) return NULL;
    if (ethash_cache_build(own, epoch) != ETHC_OK) {
      free(own);
      return NULL;
    }
    return own;
  }
  ethash_cache_free(&slots[victim].cache);
  slots[victim].cache.epoch = epoch;
  slots[victim].building = true;
  pthread_mutex_unlock(&slots_lock);

  ethash_cache_t built;
  int rc = ethash_cache_build(&built, epoch); /* seconds: outside the lock */

  pthread_mutex_lock(&slots_lock);
  slots[victim].building = false;
  if (rc == ETHC_OK) {
    slots[victim].cache = built;
    slots[victim].readers = 1;
    slots[victim].age = ++slot_clock;
  } else {
    memset(&slots[victim].cache, 0, sizeof slots[victim].cache);
    slots[victim].cache.epoch = -1;
  }
  pthread_cond_broadcast(&slot_built);
  pthread_mutex_unlock(&slots_lock);
  return rc == ETHC_OK ? &slots[victim].cache : NULL;
}

void ethash_cache_release(const ethash_cache_t *cache) {
  if (!cache) return;
  if (!in_slots(cache)) {
    ethash_cache_t *own = (ethash_cache_t *)cache;
    ethash_cache_free(own);
    free(own);
    return;
  }
  pthread_mutex_lock(&slots_lock);
  for (int i = 0; i < CACHE_SLOTS; i++)
    if (cache == &slots[i].cache && slots[i].readers > 0) slots[i].readers--;
  pthread_mutex_unlock(&slots_lock);
}

static int epoch_of(uint64_t block_number) {
  uint64_t e = block_number / ETHASH_EPOCH_LENGTH;
  return e > ETHASH_MAX_EPOCH ? -1 : (int)e;
}

/* ---- memo of seals verified in batches: a batch verified ahead (header sync,
 * `ethc test block`) makes the later one-at-a-time checks of header validation
 * free. Keyed by the whole item; guarded by its own lock. ---- */
#define MEMO_SLOTS 1024
static struct {
  bool used;
  ethash_verify_item_t item;
  int result;
} memo[MEMO_SLOTS];
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t memo_slot(const ethash_verify_item_t *it) {
  uint64_t h;
  memcpy(&h, it->header_hash, 8);
  return (size_t)((h ^ it->nonce ^ it->block_number) % MEMO_SLOTS);
}

static bool memo_same(const ethash_verify_item_t *a, const ethash_verify_item_t *b) {
  return a->block_number == b->block_number && a->nonce == b->nonce &&
         memcmp(a->header_hash, b->header_hash, 32) == 0 && memcmp(a->mix_hash, b->mix_hash, 32) == 0 &&
         u256_eq(&a->difficulty, &b->difficulty);
}

/* The remembered result of `key`, or 1 when there is none. */
static int memo_lookup(const ethash_verify_item_t *key) {
  size_t slot = memo_slot(key);
  pthread_mutex_lock(&memo_lock);
  int r = memo[slot].used && memo_same(&memo[slot].item, key) ? memo[slot].result : 1;
  pthread_mutex_unlock(&memo_lock);
  return r;
}

static void memo_store(const ethash_verify_item_t *item, int result) {
  size_t slot = memo_slot(item);
  pthread_mutex_lock(&memo_lock);
  memo[slot].used = true;
  memo[slot].item = *item;
  memo[slot].result = result;
  pthread_mutex_unlock(&memo_lock);
}

int ethash_verify(uint64_t block_number, const uint8_t header_hash[32], uint64_t nonce, const uint8_t mix_hash[32],
                  const u256_t *difficulty) {
  ethash_verify_item_t key = {.block_number = block_number, .nonce = nonce, .difficulty = *difficulty};
  memcpy(key.header_hash, header_hash, 32);
  memcpy(key.mix_hash, mix_hash, 32);
  int known = memo_lookup(&key);
  if (known != 1) return known;
  uint8_t final[32], mix[32];
  ethash_final_from_mix(header_hash, nonce, mix_hash, final);
  if (!ethash_meets_difficulty(final, difficulty)) return ETHC_ERR_INVALID;
  int epoch = epoch_of(block_number);
  if (epoch < 0) return ETHC_ERR_INVALID;
  const ethash_cache_t *cache = ethash_cache_acquire(epoch);
  if (!cache) return ETHC_ERR_NOMEM;
  ethash_hash(cache, header_hash, nonce, mix, final);
  ethash_cache_release(cache);
  return memcmp(mix, mix_hash, 32) == 0 ? ETHC_OK : ETHC_ERR_INVALID;
}

int ethash_verify_batch(const ethash_verify_item_t *items, size_t n, int *results) {
  if (n > 0 && (!items || !results)) return ETHC_ERR_INVALID;
  /* cheap pre-check of every seal; survivors are gathered per epoch */
  enum { CHUNK = 16, PENDING = -1 }; /* PENDING: passed the pre-check, awaits the kernel */
  int status = ETHC_OK;
  for (size_t i = 0; i < n; i++) {
    uint8_t final[32];
    ethash_final_from_mix(items[i].header_hash, items[i].nonce, items[i].mix_hash, final);
    bool ok = ethash_meets_difficulty(final, &items[i].difficulty) && epoch_of(items[i].block_number) >= 0;
    results[i] = ok ? PENDING : ETHC_ERR_INVALID;
  }
  for (size_t i = 0; i < n; i++) {
    if (results[i] != PENDING) continue;
    int epoch = epoch_of(items[i].block_number);
    const ethash_cache_t *cache = ethash_cache_acquire(epoch);
    /* this and every later pending item of the same epoch, CHUNK at a time */
    size_t j = i;
    while (j < n) {
      size_t pick[CHUNK], k = 0;
      uint8_t hh[CHUNK][32], mix[CHUNK][32], fin[CHUNK][32];
      uint64_t nonce[CHUNK];
      for (; j < n && k < CHUNK; j++) {
        if (results[j] != PENDING || epoch_of(items[j].block_number) != epoch) continue;
        pick[k] = j;
        memcpy(hh[k], items[j].header_hash, 32);
        nonce[k] = items[j].nonce;
        k++;
      }
      if (k == 0) break;
      if (!cache) {
        for (size_t t = 0; t < k; t++) results[pick[t]] = ETHC_ERR_NOMEM;
        continue;
      }
      ethash_hash_batch(cache, k, (const uint8_t(*)[32])hh, nonce, mix, fin);
      for (size_t t = 0; t < k; t++)
        results[pick[t]] = memcmp(mix[t], items[pick[t]].mix_hash, 32) == 0 ? ETHC_OK : ETHC_ERR_INVALID;
    }
    ethash_cache_release(cache);
  }
  for (size_t i = 0; i < n; i++) {
    if (results[i] == ETHC_ERR_NOMEM) status = ETHC_ERR_NOMEM;
    else if (results[i] != ETHC_OK && status == ETHC_OK) status = ETHC_ERR_INVALID;
    if (results[i] != ETHC_ERR_NOMEM) memo_store(&items[i], results[i]);
  }
  return status;
}
