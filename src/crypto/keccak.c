/* Keccak-256/512 with Ethereum's original padding (FIPS 202 section 3 permutation,
 * pad10*1 with domain byte 0x01). Fast scalar version per PERFORMANCE.md section 3:
 * 25 lanes in locals, fused theta/rho/pi/chi/iota, two rounds per loop iteration,
 * a BMI1/BMI2 copy (ANDN, RORX) chosen at startup, 8-byte absorb, fixed-size paths. */
#include "ethc/keccak.h"

#include <string.h>

#include "keccak_round.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The permutation on the locals a0..a24: 12 iterations of two rounds ping-ponging
 * between the a* and e* names. */
#define KECCAK_LOAD(st)                                                                                             \
  uint64_t a0 = st[0], a1 = st[1], a2 = st[2], a3 = st[3], a4 = st[4];                                              \
  uint64_t a5 = st[5], a6 = st[6], a7 = st[7], a8 = st[8], a9 = st[9];                                              \
  uint64_t a10 = st[10], a11 = st[11], a12 = st[12], a13 = st[13], a14 = st[14];                                    \
  uint64_t a15 = st[15], a16 = st[16], a17 = st[17], a18 = st[18], a19 = st[19];                                    \
  uint64_t a20 = st[20], a21 = st[21], a22 = st[22], a23 = st[23], a24 = st[24];                                    \
  uint64_t e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, \
      e23, e24;                                                                                                     \
  uint64_t c0, c1, c2, c3, c4;

/* Not unrolled further: full unrolling gained ~3% in isolation but makes each copy
 * ~20 KiB, too much next to the interpreter in a 32 KiB L1i. */
#define KECCAK_UNROLL _Pragma("GCC unroll 1")

#define KECCAK_PERMUTE_LOCALS()                   \
  c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;                 \
  c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;                 \
  c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;                 \
  c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;                 \
  c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;                 \
  KECCAK_UNROLL for (int r = 0; r < 24; r += 2) { \
    KECCAK_ROUND(a, e, round_constants[r]);       \
    KECCAK_ROUND(e, a, round_constants[r + 1]);   \
  }

#define KECCAK_STORE(st) \
  st[0] = a0;            \
  st[1] = a1;            \
  st[2] = a2;            \
  st[3] = a3;            \
  st[4] = a4;            \
  st[5] = a5;            \
  st[6] = a6;            \
  st[7] = a7;            \
  st[8] = a8;            \
  st[9] = a9;            \
  st[10] = a10;          \
  st[11] = a11;          \
  st[12] = a12;          \
  st[13] = a13;          \
  st[14] = a14;          \
  st[15] = a15;          \
  st[16] = a16;          \
  st[17] = a17;          \
  st[18] = a18;          \
  st[19] = a19;          \
  st[20] = a20;          \
  st[21] = a21;          \
  st[22] = a22;          \
  st[23] = a23;          \
  st[24] = a24;

static inline __attribute__((always_inline)) uint64_t load64le(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8); /* little-endian host (x86-64, aarch64) */
  return v;
}

#define XOR9(d)           \
  a0 ^= load64le(d);      \
  a1 ^= load64le(d + 8);  \
  a2 ^= load64le(d + 16); \
  a3 ^= load64le(d + 24); \
  a4 ^= load64le(d + 32); \
  a5 ^= load64le(d + 40); \
  a6 ^= load64le(d + 48); \
  a7 ^= load64le(d + 56); \
  a8 ^= load64le(d + 64);
#define XOR17(d)            \
  XOR9(d)                   \
  a9 ^= load64le(d + 72);   \
  a10 ^= load64le(d + 80);  \
  a11 ^= load64le(d + 88);  \
  a12 ^= load64le(d + 96);  \
  a13 ^= load64le(d + 104); \
  a14 ^= load64le(d + 112); \
  a15 ^= load64le(d + 120); \
  a16 ^= load64le(d + 128);

/* Each variant: the bare permutation, and the absorb loops for rates 136 and 72 that
 * keep the state in locals across blocks (no store/reload between permutations). */
#define KECCAK_VARIANT(suffix, attr)                                                                           \
  attr static void keccakf1600_##suffix(uint64_t st[25]){KECCAK_LOAD(st) KECCAK_PERMUTE_LOCALS() KECCAK_STORE( \
      st)} attr static void absorb136_##suffix(uint64_t st[25], const uint8_t *d, size_t blocks) {             \
    KECCAK_LOAD(st)                                                                                            \
    for (; blocks; blocks--, d += 136) {                                                                       \
      XOR17(d)                                                                                                 \
      KECCAK_PERMUTE_LOCALS()                                                                                  \
    }                                                                                                          \
    KECCAK_STORE(st)                                                                                           \
  }                                                                                                            \
  attr static void absorb72_##suffix(uint64_t st[25], const uint8_t *d, size_t blocks) {                       \
    KECCAK_LOAD(st)                                                                                            \
    for (; blocks; blocks--, d += 72) {                                                                        \
      XOR9(d)                                                                                                  \
      KECCAK_PERMUTE_LOCALS()                                                                                  \
    }                                                                                                          \
    KECCAK_STORE(st)                                                                                           \
  }

KECCAK_VARIANT(generic, )
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KECCAK_HAVE_BMI 1
KECCAK_VARIANT(bmi, __attribute__((target("bmi,bmi2"))))
#endif

typedef void (*keccakf_fn)(uint64_t st[25]);
typedef void (*absorb_fn)(uint64_t st[25], const uint8_t *d, size_t blocks);
static keccakf_fn keccakf_impl = keccakf1600_generic;
static absorb_fn absorb136_impl = absorb136_generic, absorb72_impl = absorb72_generic;

/* Picks the BMI versions once, before main(); a call that happens earlier (from
 * another constructor) simply uses the generic version. */
static bool cpu_has_bmi(void) {
#ifdef KECCAK_HAVE_BMI
  __builtin_cpu_init();
  return __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
#else
  return false;
#endif
}

int keccak_select_impl(bool bmi) {
  if (bmi && !cpu_has_bmi()) return -1;
#ifdef KECCAK_HAVE_BMI
  if (bmi) {
    keccakf_impl = keccakf1600_bmi;
    absorb136_impl = absorb136_bmi;
    absorb72_impl = absorb72_bmi;
    return 0;
  }
#endif
  keccakf_impl = keccakf1600_generic;
  absorb136_impl = absorb136_generic;
  absorb72_impl = absorb72_generic;
  return 0;
}

__attribute__((constructor)) static void select_keccakf(void) { keccak_select_impl(cpu_has_bmi()); }

void keccakf1600(uint64_t state[25]) { keccakf_impl(state); }


/* Absorbing an all-zero block is the bare permutation. The hash paths use it instead
 * of keccakf_impl so that only one copy of the round code is hot in the instruction
 * cache (with two fully unrolled copies, 1 KiB inputs ran 10% slower). */
static const uint8_t zero_block[136];

/* Absorbs all of data, pads, permutes, and writes out_words lanes. With constant
 * len/rate/out_words (the fixed-size wrappers) this folds to straight-line code. */
static ALWAYS_INLINE void keccak(const uint8_t *data, size_t len, uint8_t *out, size_t out_words, size_t rate_words) {
  const absorb_fn absorb = rate_words == 17 ? absorb136_impl : absorb72_impl;
  const size_t rate = rate_words * 8;
  uint64_t st[25];
  memset(st, 0, sizeof st);
  if (len >= rate) {
    size_t blocks = len / rate;
    absorb(st, data, blocks);
    data += blocks * rate;
    len -= blocks * rate;
  }
  /* Remaining len < rate bytes: full words, then one tail word carrying the padding. */
  size_t i = 0;
  for (; len >= 8; i++, len -= 8, data += 8) st[i] ^= load64le(data);
  uint64_t tail = 0;
  for (size_t k = 0; k < len; k++) tail |= (uint64_t)data[k] << (8 * k);
  tail |= (uint64_t)0x01 << (8 * len);
  st[i] ^= tail;
  st[rate_words - 1] ^= 0x8000000000000000ULL;
  absorb(st, zero_block, 1); /* = the permutation, from the same (hot) code */
  memcpy(out, st, out_words * 8);
}

void keccak256(const uint8_t *data, size_t len, uint8_t out[32]) {
  if (len == 32) keccak(data, 32, out, 4, 17);
  else if (len == 64) keccak(data, 64, out, 4, 17);
  else keccak(data, len, out, 4, 17);
}
void keccak512(const uint8_t *data, size_t len, uint8_t out[64]) {
  if (len == 64) keccak(data, 64, out, 8, 9);
  else keccak(data, len, out, 8, 9);
}
void keccak256_32(const uint8_t data[32], uint8_t out[32]) { keccak(data, 32, out, 4, 17); }
void keccak256_64(const uint8_t data[64], uint8_t out[32]) { keccak(data, 64, out, 4, 17); }
void keccak512_64(const uint8_t data[64], uint8_t out[64]) { keccak(data, 64, out, 8, 9); }

/* ---- incremental Keccak-256 ---- */

static void absorb_bytes(uint64_t *state, const uint8_t *data, size_t len, size_t offset) {
  uint8_t *s = (uint8_t *)state;
  for (size_t i = 0; i < len; i++) s[offset + i] ^= data[i];
}

void keccak256_init(keccak256_ctx_t *ctx) { memset(ctx, 0, sizeof *ctx); }

void keccak256_update(keccak256_ctx_t *ctx, const uint8_t *data, size_t len) {
  if (len == 0) return;
  if (ctx->pos) { /* finish a partial block */
    size_t take = 136 - ctx->pos;
    if (take > len) take = len;
    absorb_bytes(ctx->state, data, take, ctx->pos);
    ctx->pos += take;
    data += take;
    len -= take;
    if (ctx->pos < 136) return;
    absorb136_impl(ctx->state, zero_block, 1);
    ctx->pos = 0;
  }
  if (len >= 136) {
    size_t blocks = len / 136;
    absorb136_impl(ctx->state, data, blocks);
    data += blocks * 136;
    len -= blocks * 136;
  }
  absorb_bytes(ctx->state, data, len, 0);
  ctx->pos = len;
}

void keccak256_final(const keccak256_ctx_t *ctx, uint8_t out[32]) {
  uint64_t st[25];
  memcpy(st, ctx->state, sizeof st);
  ((uint8_t *)st)[ctx->pos] ^= 0x01;
  ((uint8_t *)st)[135] ^= 0x80;
  absorb136_impl(st, zero_block, 1);
  memcpy(out, st, 32);
}
