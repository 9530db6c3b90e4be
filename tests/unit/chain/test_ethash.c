/* Unit tests of Ethash (Yellow Paper appendix J): epoch sizes and seeds, hashimoto-light
 * against the ethereum/tests PoWTests vectors, the batch kernel (every width and SIMD
 * level) against the single one, seal rejection, and the difficulty boundary. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/ethash.h"
#include "ethc/u256.h"

static void hex32(const char *hex, uint8_t out[32]) {
  if (hex_decode_fixed(hex, false, out, 32) != 0) {
    fprintf(stderr, "bad test hex %s\n", hex);
    exit(2);
  }
}

/* PoWTests/ethash_tests.json, "first" and "second" (epoch 0) */
static const struct {
  const char *header_hash, *mix, *result;
  uint64_t nonce;
} vec[2] = {
    {"2a8de2adf89af77358250bf908bf04ba94a6e8c3ba87775564a41d269a05e4ce",
     "58f759ede17a706c93f13030328bcea40c1d1341fb26f2facd21ceb0dae57017",
     "dd47fd2d98db51078356852d7c4014e6a5d6c387c35f40e2875b74a256ed7906", 0x4242424242424242ULL},
    {"100cbec5e5ef82991290d0d93d758f19082e71f234cf479192a8b94df6da6bfe",
     "e55d02c555a7969361cf74a9ec6211d8c14e4517930a00442f171bdb1698d175",
     "ab9b13423cface72cbec8424221651bc2e384ef0f7a560e038fc68c8d8684829", 0x307692cf71b12f6dULL},
};

static void test_sizes_and_seed(void) {
  CHECK(ethash_cache_size(0) == 16776896);
  CHECK(ethash_dataset_size(0) == 1073739904);
  CHECK(ethash_cache_size(1) == 16907456);
  CHECK(ethash_dataset_size(1) == 1082130304);
  CHECK(ethash_cache_size(2) == 17039296);
  CHECK(ethash_dataset_size(2) == 1090514816);
  CHECK(ethash_cache_size(9) == 17955904);
  CHECK(ethash_dataset_size(9) == 1149232768);
  /* sizes are multiples of the item size with a prime item count, growing with the epoch */
  CHECK(ethash_cache_size(390) % 64 == 0 && ethash_cache_size(390) < ethash_cache_size(500));
  CHECK(ethash_dataset_size(ETHASH_MAX_EPOCH) % 128 == 0);
  CHECK(ethash_cache_size(-1) == 0 && ethash_cache_size(ETHASH_MAX_EPOCH + 1) == 0);
  CHECK(ethash_dataset_size(-5) == 0);

  uint8_t seed[32], zero[32] = {0}, want[32];
  ethash_seed(0, seed);
  CHECK_MEM(seed, zero, 32);
  ethash_seed(1, seed);
  hex32("290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563", want); /* keccak256(0^32) */
  CHECK_MEM(seed, want, 32);

  ethash_cache_t c;
  CHECK(ethash_cache_build(&c, -1) == ETHC_ERR_INVALID);
  CHECK(ethash_cache_build(&c, ETHASH_MAX_EPOCH + 1) == ETHC_ERR_INVALID);
  CHECK(ethash_cache_acquire(-1) == NULL && ethash_cache_acquire(ETHASH_MAX_EPOCH + 1) == NULL);
}

static void test_vectors(const ethash_cache_t *cache) {
  CHECK(cache->num_items * 64 == 16776896 && cache->full_items * 64 == 1073739904);
  for (int i = 0; i < 2; i++) {
    uint8_t hh[32], mix[32], res[32], got_mix[32], got_res[32];
    hex32(vec[i].header_hash, hh), hex32(vec[i].mix, mix), hex32(vec[i].result, res);
    ethash_hash(cache, hh, vec[i].nonce, got_mix, got_res);
    CHECK_MEM(got_mix, mix, 32);
    CHECK_MEM(got_res, res, 32);
    ethash_final_from_mix(hh, vec[i].nonce, mix, got_res);
    CHECK_MEM(got_res, res, 32);
  }
}

/* ethash_hash_batch of n inputs (the two vectors and derived ones) equals n single
 * hashes, at every batch width and every SIMD level this CPU has. */
static void test_batch_equals_single(const ethash_cache_t *cache) {
  enum { N = 19 };
  uint8_t hh[N][32], mix1[N][32], fin1[N][32], mix[N][32], fin[N][32];
  uint64_t nonce[N];
  for (int i = 0; i < N; i++) {
    hex32(vec[i % 2].header_hash, hh[i]);
    hh[i][5] ^= (uint8_t)(i / 2); /* i = 0, 1 are the vectors themselves */
    nonce[i] = vec[i % 2].nonce + (uint64_t)(i / 2) * 1000003;
    ethash_hash(cache, hh[i], nonce[i], mix1[i], fin1[i]);
  }
  uint8_t want[32];
  hex32(vec[1].mix, want);
  CHECK_MEM(mix1[1], want, 32);
  const size_t widths[] = {1, 2, 4, 8, 16, 3 /* ignored: stays 16 */};
  const size_t counts[] = {1, 2, 3, 5, 8, 9, 16, 17, N};
  int levels = 0;
  for (int level = 0; level <= 2; level++) {
    if (ethash_select_impl(level) != 0) continue;
    levels++;
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
      ethash_set_batch_width(widths[w]);
      for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        /* level 0 (portable) is slow: only full batches there */
        if (level == 0 && counts[c] != N) continue;
        memset(mix, 0, sizeof mix), memset(fin, 0, sizeof fin);
        ethash_hash_batch(cache, counts[c], (const uint8_t(*)[32])hh, nonce, mix, fin);
        CHECK_MSG(memcmp(mix, mix1, 32 * counts[c]) == 0 && memcmp(fin, fin1, 32 * counts[c]) == 0,
                  "level %d width %zu count %zu", level, widths[w], counts[c]);
      }
    }
  }
  CHECK(levels >= 1);
  CHECK(ethash_select_impl(-1) == 0);
  CHECK(ethash_set_batch_width(ETHASH_BATCH_DEFAULT) == 16);
  CHECK(ethash_select_impl(99) == -1);
  ethash_hash_batch(cache, 0, NULL, NULL, NULL, NULL); /* nothing to do */
}

static void test_verify(void) {
  uint8_t hh[32], mix[32], bad_mix[32];
  hex32(vec[0].header_hash, hh), hex32(vec[0].mix, mix);
  u256_t d1 = U256_ONE, d2 = {{2, 0, 0, 0}}, d0 = {{0}};
  uint64_t nonce = vec[0].nonce;
  /* the vector's final hash (0xdd47...) meets difficulty 1 but not 2 */
  CHECK(ethash_verify(0, hh, nonce, mix, &d1) == ETHC_OK);
  CHECK(ethash_verify(29999, hh, nonce, mix, &d1) == ETHC_OK); /* last block of epoch 0 */
  CHECK(ethash_verify(0, hh, nonce, mix, &d2) == ETHC_ERR_INVALID);
  CHECK(ethash_verify(0, hh, nonce, mix, &d0) == ETHC_ERR_INVALID);
  memcpy(bad_mix, mix, 32);
  bad_mix[31] ^= 1;
  CHECK(ethash_verify(0, hh, nonce, bad_mix, &d1) == ETHC_ERR_INVALID); /* passes pre-check, fails kernel */
  CHECK(ethash_verify(0, hh, nonce + 1, mix, &d1) == ETHC_ERR_INVALID);
  CHECK(ethash_verify(UINT64_MAX, hh, nonce, mix, &d1) == ETHC_ERR_INVALID); /* epoch out of range */

  /* the batch: the two vectors valid, then wrong mix, wrong nonce, too-high difficulty,
   * and an out-of-range block, interleaved */
  enum { N = 9 };
  ethash_verify_item_t it[N];
  memset(it, 0, sizeof it);
  for (int i = 0; i < N; i++) {
    hex32(vec[i % 2].header_hash, it[i].header_hash);
    hex32(vec[i % 2].mix, it[i].mix_hash);
    it[i].nonce = vec[i % 2].nonce;
    it[i].block_number = (uint64_t)i * 1000;
    it[i].difficulty = d1;
  }
  it[2].mix_hash[0] ^= 0x80;
  it[3].nonce ^= 1;
  it[4].difficulty = d2;
  it[5].block_number = (uint64_t)(ETHASH_MAX_EPOCH + 1) * ETHASH_EPOCH_LENGTH;
  it[6].difficulty = d0;
  const int want[N] = {0, 0, ETHC_ERR_INVALID, ETHC_ERR_INVALID, ETHC_ERR_INVALID, ETHC_ERR_INVALID, ETHC_ERR_INVALID,
                       0, 0};
  int res[N];
  CHECK(ethash_verify_batch(it, N, res) == ETHC_ERR_INVALID);
  for (int i = 0; i < N; i++) {
    CHECK_MSG(res[i] == want[i], "item %d: %d", i, res[i]);
    int single = ethash_verify(it[i].block_number, it[i].header_hash, it[i].nonce, it[i].mix_hash, &it[i].difficulty);
    CHECK_MSG(single == res[i], "item %d: single %d batch %d", i, single, res[i]);
  }
  ethash_verify_item_t ok[3] = {it[0], it[1], it[7]};
  CHECK(ethash_verify_batch(ok, 3, res) == ETHC_OK && res[0] == 0 && res[1] == 0 && res[2] == 0);
  CHECK(ethash_verify_batch(NULL, 0, NULL) == ETHC_OK);
  CHECK(ethash_verify_batch(NULL, 2, res) == ETHC_ERR_INVALID);
}

static bool meets_u256(const u256_t *h, const u256_t *d) {
  uint8_t be[32];
  u256_to_be(h, be);
  return ethash_meets_difficulty(be, d);
}

/* reference: h <= floor(2^256 / d) by division */
static bool meets_ref(const u256_t *h, const u256_t *d) {
  if (u256_is_zero(d)) return false;
  u256_t one = U256_ONE, max = U256_MAX, target, rem, dm1;
  if (u256_eq(d, &one)) return true;
  u256_divmod(&target, &rem, &max, d);
  u256_sub(&dm1, d, &one);
  if (u256_eq(&rem, &dm1)) u256_add(&target, &target, &one);
  return !u256_lt(&target, h);
}

static uint64_t rng = 0x853c49e6748fea9bULL;
static uint64_t next64(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

static void test_difficulty(void) {
  const u256_t zero = {{0}}, one = U256_ONE, max = U256_MAX;
  const u256_t two = {{2, 0, 0, 0}}, three = {{3, 0, 0, 0}};
  const u256_t half = {{0, 0, 0, 1ULL << 63}}, half_m1 = {{~0ULL, ~0ULL, ~0ULL, ~0ULL >> 1}},
               half_p1 = {{1, 0, 0, 1ULL << 63}};
  const u256_t third = {{0x5555555555555555ULL, 0x5555555555555555ULL, 0x5555555555555555ULL, 0x5555555555555555ULL}};
  u256_t third_p1 = third;
  third_p1.w[0]++;
  CHECK(!meets_u256(&zero, &zero) && !meets_u256(&max, &zero)); /* difficulty 0 never */
  CHECK(meets_u256(&max, &one) && meets_u256(&zero, &one));     /* difficulty 1 always */
  CHECK(meets_u256(&half, &two) && meets_u256(&half_m1, &two) && !meets_u256(&half_p1, &two));
  CHECK(!meets_u256(&max, &two));
  CHECK(meets_u256(&third, &three) && !meets_u256(&third_p1, &three));
  /* d = 2^255: target 2 */
  const u256_t h2 = {{2, 0, 0, 0}}, h3 = {{3, 0, 0, 0}};
  CHECK(meets_u256(&h2, &half) && !meets_u256(&h3, &half) && meets_u256(&zero, &half));
  /* d = 2^256 - 1: target 1 */
  CHECK(meets_u256(&one, &max) && !meets_u256(&h2, &max) && meets_u256(&zero, &max));
  /* d = 2^128 + 1: target 2^128 - 1 */
  const u256_t d128 = {{1, 0, 1, 0}}, t128 = {{~0ULL, ~0ULL, 0, 0}}, t128p = {{0, 0, 1, 0}};
  CHECK(meets_u256(&t128, &d128) && !meets_u256(&t128p, &d128));
  /* random cross-check against the division form, around the boundary too */
  int agree = 0;
  for (int i = 0; i < 20000; i++) {
    u256_t d = {{next64(), next64(), next64(), next64()}}, h = {{next64(), next64(), next64(), next64()}};
    int shift = (int)(next64() % 256);
    for (int k = 0; k < 4; k++) { /* a difficulty of about 2^shift */
      int lo = k * 64;
      if (lo >= shift) d.w[k] = 0;
      else if (shift - lo < 64) d.w[k] &= (1ULL << (shift - lo)) - 1;
    }
    if (i % 3 == 0) { /* h at target - 1, target, target + 1 */
      u256_t t = max, r;
      if (u256_is_zero(&d)) d.w[0] = 5;
      u256_divmod(&t, &r, &max, &d);
      u256_t delta = {{next64() % 3, 0, 0, 0}};
      u256_add(&h, &t, &delta);
      u256_sub(&h, &h, &one);
    }
    agree += meets_u256(&h, &d) == meets_ref(&h, &d);
  }
  CHECK_MSG(agree == 20000, "%d of 20000 agree", agree);
}

/* Threads that ask for epoch 0 at once while it is first built all get the one
 * shared cache and correct hashes. */
static void *hash_in_thread(void *arg) {
  int *ok = arg;
  const ethash_cache_t *c = ethash_cache_acquire(0);
  uint8_t hh[32], mix[32], got_mix[32], got_res[32];
  hex32(vec[0].header_hash, hh), hex32(vec[0].mix, mix);
  if (c) ethash_hash(c, hh, vec[0].nonce, got_mix, got_res);
  *ok = c != NULL && memcmp(got_mix, mix, 32) == 0;
  ethash_cache_release(c);
  return NULL;
}

static void test_shared_cache_threads(void) {
  enum { N = 4 };
  pthread_t t[N];
  int ok[N] = {0};
  for (int i = 0; i < N; i++) CHECK(pthread_create(&t[i], NULL, hash_in_thread, &ok[i]) == 0);
  for (int i = 0; i < N; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < N; i++) CHECK_MSG(ok[i], "thread %d", i);
  /* a cache in use is never evicted: with every slot held, a fourth epoch comes
   * as a private copy, and the held ones stay as they were */
  const ethash_cache_t *c0 = ethash_cache_acquire(0), *c1 = ethash_cache_acquire(1), *c2 = ethash_cache_acquire(2);
  const ethash_cache_t *c3 = ethash_cache_acquire(3);
  CHECK(c0 && c1 && c2 && c3 && c0 != c3 && c1 != c3 && c2 != c3);
  CHECK(c0 && c0->epoch == 0 && c1 && c1->epoch == 1 && c2 && c2->epoch == 2 && c3 && c3->epoch == 3);
  const ethash_cache_t *again = ethash_cache_acquire(0);
  CHECK(again == c0);
  ethash_cache_release(again);
  ethash_cache_release(c3);
  ethash_cache_release(c2);
  ethash_cache_release(c1);
  ethash_cache_release(c0);
  /* released: epoch 3 now replaces the least recently used slot, 0 is kept */
  c3 = ethash_cache_acquire(3);
  again = ethash_cache_acquire(0);
  CHECK(again == c0 && c3 && c3->epoch == 3 && again && again->items != NULL);
  ethash_cache_release(c3);
  ethash_cache_release(again);
}

int main(void) {
  test_sizes_and_seed();
  test_difficulty();
  test_shared_cache_threads();
  const ethash_cache_t *cache = ethash_cache_acquire(0);
  CHECK(cache != NULL);
  if (cache) {
    test_vectors(cache);
    test_batch_equals_single(cache);
  }
  ethash_cache_release(cache);
  test_verify();
  return check_summary();
}
