/* BLAKE2b compression function F (RFC 7693 section 3.2) with a variable round
 * count for the EIP-152 precompile. Portable C (16 words in locals, the ten message
 * schedules unrolled) plus an AVX2 row-wise version chosen at run time. */
#include "ethc/blake2.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "ethc/error.h"

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

static inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

#define G(a, b, c, d, x, y) \
  do {                      \
    a = a + b + (x);        \
    d = rotr64(d ^ a, 32);  \
    c = c + d;              \
    b = rotr64(b ^ c, 24);  \
    a = a + b + (y);        \
    d = rotr64(d ^ a, 16);  \
    c = c + d;              \
    b = rotr64(b ^ c, 63);  \
  } while (0)

#define ROUND(s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15) \
  do {                                                                              \
    G(v0, v4, v8, v12, m[s0], m[s1]);                                               \
    G(v1, v5, v9, v13, m[s2], m[s3]);                                               \
    G(v2, v6, v10, v14, m[s4], m[s5]);                                              \
    G(v3, v7, v11, v15, m[s6], m[s7]);                                              \
    G(v0, v5, v10, v15, m[s8], m[s9]);                                              \
    G(v1, v6, v11, v12, m[s10], m[s11]);                                            \
    G(v2, v7, v8, v13, m[s12], m[s13]);                                             \
    G(v3, v4, v9, v14, m[s14], m[s15]);                                             \
  } while (0)

#define R0 ROUND(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define R1 ROUND(14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3)
#define R2 ROUND(11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4)
#define R3 ROUND(7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8)
#define R4 ROUND(9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13)
#define R5 ROUND(2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9)
#define R6 ROUND(12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11)
#define R7 ROUND(13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10)
#define R8 ROUND(6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5)
#define R9 ROUND(10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0)

void blake2b_compress_portable(uint64_t h[8], const uint64_t mi[16], const uint64_t t[2], bool last, uint32_t rounds) {
  uint64_t m[16];
  for (int i = 0; i < 16; i++) m[i] = mi[i];
  uint64_t v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
  uint64_t v8 = IV[0], v9 = IV[1], v10 = IV[2], v11 = IV[3];
  uint64_t v12 = IV[4] ^ t[0], v13 = IV[5] ^ t[1];
  uint64_t v14 = last ? ~IV[6] : IV[6], v15 = IV[7];

  uint32_t full = rounds / 10;
  for (uint32_t i = 0; i < full; i++) {
    R0;
    R1;
    R2;
    R3;
    R4;
    R5;
    R6;
    R7;
    R8;
    R9;
  }
  /* The remaining 0..9 rounds continue the schedule from sigma[0]. */
  switch (rounds % 10) {
    case 9:
      R0;
      R1;
      R2;
      R3;
      R4;
      R5;
      R6;
      R7;
      R8;
      break;
    case 8:
      R0;
      R1;
      R2;
      R3;
      R4;
      R5;
      R6;
      R7;
      break;
    case 7:
      R0;
      R1;
      R2;
      R3;
      R4;
      R5;
      R6;
      break;
    case 6:
      R0;
      R1;
      R2;
      R3;
      R4;
      R5;
      break;
    case 5:
      R0;
      R1;
      R2;
      R3;
      R4;
      break;
    case 4:
      R0;
      R1;
      R2;
      R3;
      break;
    case 3:
      R0;
      R1;
      R2;
      break;
    case 2:
      R0;
      R1;
      break;
    case 1: R0; break;
    default: break;
  }

  h[0] ^= v0 ^ v8;
  h[1] ^= v1 ^ v9;
  h[2] ^= v2 ^ v10;
  h[3] ^= v3 ^ v11;
  h[4] ^= v4 ^ v12;
  h[5] ^= v5 ^ v13;
  h[6] ^= v6 ^ v14;
  h[7] ^= v7 ^ v15;
}

/* ---- AVX2: one 256-bit register per row of the 4x4 state (a = v0..3, b = v4..7,
 * c = v8..11, d = v12..15), the four G calls of a half-round run as lanes; the
 * diagonal half-round rotates rows a, c, d (see V_ROUND) and back. The message
 * block is fixed for the whole call, so the 4 lane-gathered message vectors of each
 * of the 10 schedules are built once up front and each round only loads them. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

static const uint8_t SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

#define V_ROT32(x) _mm256_shuffle_epi32((x), _MM_SHUFFLE(2, 3, 0, 1))
#define V_ROT24(x) _mm256_shuffle_epi8((x), r24)
#define V_ROT16(x) _mm256_shuffle_epi8((x), r16)
#define V_ROT63(x) _mm256_xor_si256(_mm256_srli_epi64((x), 63), _mm256_add_epi64((x), (x)))

/* a + m is formed first (off the critical path) and then + b; the empty asm keeps
 * GCC from reassociating it into (a + b) + m, which costs a cycle per step. */
#define V_ADD3(a, m, b)                       \
  do {                                        \
    __m256i am_ = _mm256_add_epi64((a), (m)); \
    __asm__("" : "+x"(am_));                  \
    (a) = _mm256_add_epi64(am_, (b));         \
  } while (0)

#define V_G(mx, my)                      \
  do {                                   \
    V_ADD3(a, (mx), b);                  \
    d = V_ROT32(_mm256_xor_si256(d, a)); \
    c = _mm256_add_epi64(c, d);          \
    b = V_ROT24(_mm256_xor_si256(b, c)); \
    V_ADD3(a, (my), b);                  \
    d = V_ROT16(_mm256_xor_si256(d, a)); \
    c = _mm256_add_epi64(c, d);          \
    b = V_ROT63(_mm256_xor_si256(b, c)); \
  } while (0)

/* Diagonal step: b stays put and a, c, d rotate (a is final early in G, b last), which
 * keeps the permutes off the critical path; lane j then runs diagonal G number j-1,
 * and the message vectors for the diagonal half are gathered in that lane order. */
#define V_ROUND(mv)                                           \
  do {                                                        \
    V_G((mv)[0], (mv)[1]);                                    \
    a = _mm256_permute4x64_epi64(a, _MM_SHUFFLE(2, 1, 0, 3)); \
    d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(1, 0, 3, 2)); \
    c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(0, 3, 2, 1)); \
    V_G((mv)[2], (mv)[3]);                                    \
    a = _mm256_permute4x64_epi64(a, _MM_SHUFFLE(0, 3, 2, 1)); \
    d = _mm256_permute4x64_epi64(d, _MM_SHUFFLE(1, 0, 3, 2)); \
    c = _mm256_permute4x64_epi64(c, _MM_SHUFFLE(2, 1, 0, 3)); \
  } while (0)

__attribute__((target("avx2"))) static void compress_avx2(uint64_t h[8], const uint64_t m[16], const uint64_t t[2],
                                                          bool last, uint32_t rounds) {
  /* Byte shuffles rotating each 64-bit lane right by 24 and 16 bits. */
  const __m256i r24 = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10, 3, 4, 5, 6, 7, 0, 1, 2, 11,
                                       12, 13, 14, 15, 8, 9, 10);
  const __m256i r16 = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9, 2, 3, 4, 5, 6, 7, 0, 1, 10,
                                       11, 12, 13, 14, 15, 8, 9);
  __m256i mv[10][4];
  uint32_t nsched = rounds < 10 ? rounds : 10;
  for (uint32_t r = 0; r < nsched; r++) {
    const uint8_t *s = SIGMA[r];
    mv[r][0] = _mm256_set_epi64x((long long)m[s[6]], (long long)m[s[4]], (long long)m[s[2]], (long long)m[s[0]]);
    mv[r][1] = _mm256_set_epi64x((long long)m[s[7]], (long long)m[s[5]], (long long)m[s[3]], (long long)m[s[1]]);
    mv[r][2] = _mm256_set_epi64x((long long)m[s[12]], (long long)m[s[10]], (long long)m[s[8]], (long long)m[s[14]]);
    mv[r][3] = _mm256_set_epi64x((long long)m[s[13]], (long long)m[s[11]], (long long)m[s[9]], (long long)m[s[15]]);
  }
  const __m256i h0 = _mm256_loadu_si256((const __m256i *)(const void *)h);
  const __m256i h1 = _mm256_loadu_si256((const __m256i *)(const void *)(h + 4));
  __m256i a = h0, b = h1;
  __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)IV);
  __m256i d = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(IV + 4)),
                               _mm256_set_epi64x(0, last ? -1LL : 0, (long long)t[1], (long long)t[0]));
  for (uint32_t i = rounds / 10; i > 0; i--) {
    V_ROUND(mv[0]);
    V_ROUND(mv[1]);
    V_ROUND(mv[2]);
    V_ROUND(mv[3]);
    V_ROUND(mv[4]);
    V_ROUND(mv[5]);
    V_ROUND(mv[6]);
    V_ROUND(mv[7]);
    V_ROUND(mv[8]);
    V_ROUND(mv[9]);
  }
  for (uint32_t r = 0; r < rounds % 10; r++) V_ROUND(mv[r]);
  _mm256_storeu_si256((__m256i *)(void *)h, _mm256_xor_si256(h0, _mm256_xor_si256(a, c)));
  _mm256_storeu_si256((__m256i *)(void *)(h + 4), _mm256_xor_si256(h1, _mm256_xor_si256(b, d)));
}

bool blake2b_have_avx2(void) { return __builtin_cpu_supports("avx2"); }

int blake2b_compress_avx2(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t rounds) {
  if (!blake2b_have_avx2()) return ETHC_ERR_UNSUPPORTED;
  compress_avx2(h, m, t, last, rounds);
  return ETHC_OK;
}
#else
bool blake2b_have_avx2(void) { return false; }

int blake2b_compress_avx2(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t rounds) {
  (void)h;
  (void)m;
  (void)t;
  (void)last;
  (void)rounds;
  return ETHC_ERR_UNSUPPORTED;
}
#endif

/* 0 = undecided, 1 = portable, 2 = AVX2. ETHC_BLAKE2_PORTABLE=1 in the environment
 * forces the portable code (for comparisons). Calls under 64 rounds use the portable
 * code too. */
static atomic_int impl_choice;

void blake2b_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t rounds) {
  int c = atomic_load_explicit(&impl_choice, memory_order_relaxed);
  if (c == 0) {
    const char *env = getenv("ETHC_BLAKE2_PORTABLE");
    c = (blake2b_have_avx2() && !(env && env[0] == '1')) ? 2 : 1;
    atomic_store_explicit(&impl_choice, c, memory_order_relaxed);
  }
  /* Short calls: building the AVX2 message vectors costs more than it saves. */
  if (c == 2 && rounds >= 64 && blake2b_compress_avx2(h, m, t, last, rounds) == ETHC_OK) return;
  blake2b_compress_portable(h, m, t, last, rounds);
}
