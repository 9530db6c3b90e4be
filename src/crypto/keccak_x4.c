/* Keccak-256 of four independent messages at once (keccak.h keccak256_x4): the
 * FIPS 202 Keccak-f[1600] round of keccak_round.h on vectors of four lanes, one
 * state per vector element, with Ethereum's padding (domain byte 0x01). Built
 * with GCC/clang vector extensions, compiled twice for x86-64 (AVX2; AVX-512VL,
 * where the compilers turn the rotations into VPROLQ and chi into VPTERNLOGQ) and
 * chosen at startup; elsewhere, or when the four messages have different block
 * counts, it is four calls of keccak256. */
#include <string.h>

#include "ethc/keccak.h"
#include "keccak_round.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KECCAK_X4_SIMD 1
#endif

static void x4_scalar(const uint8_t *const data[4], const size_t len[4], uint8_t *const out[4]) {
  for (int k = 0; k < 4; k++) keccak256(data[k], len[k], out[k]);
}

#ifdef KECCAK_X4_SIMD
typedef uint64_t v4u64 __attribute__((vector_size(32)));

static inline __attribute__((always_inline)) uint64_t ld64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8); /* little-endian host */
  return v;
}

#define GATHER(off) ((v4u64){ld64(p[0] + (off)), ld64(p[1] + (off)), ld64(p[2] + (off)), ld64(p[3] + (off))})

/* All four messages span `blocks` full 136-byte blocks before their tails. */
#define KECCAK_X4_VARIANT(suffix, attr)                                                                            \
  attr static void x4_##suffix(const uint8_t *const data[4], const size_t len[4], size_t blocks,                   \
                               uint8_t *const out[4]) {                                                            \
    uint64_t tail[4][17];                                                                                          \
    memset(tail, 0, sizeof tail);                                                                                  \
    const uint8_t *p[4];                                                                                           \
    for (int k = 0; k < 4; k++) {                                                                                  \
      size_t rem = len[k] - blocks * 136;                                                                          \
      memcpy(tail[k], data[k] + blocks * 136, rem);                                                                \
      ((uint8_t *)tail[k])[rem] ^= 0x01;                                                                           \
      ((uint8_t *)tail[k])[135] ^= 0x80;                                                                           \
      p[k] = data[k];                                                                                              \
    }                                                                                                              \
    v4u64 a0 = {0}, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0;     \
    v4u64 a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0, a16 = a0, a17 = a0, a18 = a0, a19 = a0, a20 = a0;      \
    v4u64 a21 = a0, a22 = a0, a23 = a0, a24 = a0;                                                                  \
    v4u64 e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, \
        e23, e24, c0, c1, c2, c3, c4;                                                                              \
    for (size_t b = 0; b <= blocks; b++) {                                                                         \
      if (b == blocks)                                                                                             \
        for (int k = 0; k < 4; k++) p[k] = (const uint8_t *)tail[k];                                               \
      a0 ^= GATHER(0), a1 ^= GATHER(8), a2 ^= GATHER(16), a3 ^= GATHER(24), a4 ^= GATHER(32);                      \
      a5 ^= GATHER(40), a6 ^= GATHER(48), a7 ^= GATHER(56), a8 ^= GATHER(64), a9 ^= GATHER(72);                    \
      a10 ^= GATHER(80), a11 ^= GATHER(88), a12 ^= GATHER(96), a13 ^= GATHER(104), a14 ^= GATHER(112);             \
      a15 ^= GATHER(120), a16 ^= GATHER(128);                                                                      \
      c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;                                                                              \
      c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;                                                                              \
      c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;                                                                              \
      c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;                                                                              \
      c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;                                                                              \
      _Pragma("GCC unroll 1") for (int r = 0; r < 24; r += 2) {                                                    \
        KECCAK_ROUND_T(v4u64, a, e, round_constants[r]);                                                           \
        KECCAK_ROUND_T(v4u64, e, a, round_constants[r + 1]);                                                       \
      }                                                                                                            \
      for (int k = 0; k < 4; k++) p[k] += 136;                                                                     \
    }                                                                                                              \
    for (int k = 0; k < 4; k++) {                                                                                  \
      const uint64_t w[4] = {a0[k], a1[k], a2[k], a3[k]};                                                          \
      memcpy(out[k], w, 32);                                                                                       \
    }                                                                                                              \
  }

KECCAK_X4_VARIANT(avx2, __attribute__((target("avx2"))))
KECCAK_X4_VARIANT(avx512, __attribute__((target("avx2,avx512f,avx512vl"))))
#endif

typedef void (*x4_fn)(const uint8_t *const data[4], const size_t len[4], size_t blocks, uint8_t *const out[4]);
static x4_fn x4_impl; /* NULL: four scalar calls */

int keccak_x4_select_impl(int level) {
#ifdef KECCAK_X4_SIMD
  __builtin_cpu_init();
  if (level == 2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
    return x4_impl = x4_avx512, 0;
  if (level == 1 && __builtin_cpu_supports("avx2")) return x4_impl = x4_avx2, 0;
#endif
  if (level == 0) return x4_impl = NULL, 0;
  return -1;
}

__attribute__((constructor)) static void select_x4(void) {
  if (keccak_x4_select_impl(2)) keccak_x4_select_impl(1);
}

void keccak256_x4(const uint8_t *const data[4], const size_t len[4], uint8_t *const out[4]) {
  const size_t blocks = len[0] / 136;
  if (!x4_impl || len[1] / 136 != blocks || len[2] / 136 != blocks || len[3] / 136 != blocks) x4_scalar(data, len, out);
  else x4_impl(data, len, blocks, out);
}
