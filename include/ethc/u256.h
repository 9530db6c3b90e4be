/* 256-bit unsigned and two's-complement integers with the EVM's exact semantics
 * (Yellow Paper appendix H.2: ADD..EXP, SDIV/SMOD, ADDMOD/MULMOD, SIGNEXTEND, BYTE,
 * SHL/SHR/SAR of EIP-145, CLZ of EIP-7939). Four 64-bit little-endian limbs, no allocation.
 * The cheap operations (add, sub, mul, compare, bitwise, shifts, byte, signextend, clz)
 * are static inline here for the interpreter's hot path; division lives in src/core/u256.c. */
#ifndef ETHC_U256_H
#define ETHC_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* w[0] is the least significant limb. */
typedef struct {
  uint64_t w[4];
} u256_t;

#define U256_ZERO ((u256_t){{0, 0, 0, 0}})
#define U256_ONE ((u256_t){{1, 0, 0, 0}})
#define U256_MAX ((u256_t){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}})

/* ---- carry-chain primitives (internal; names with a double underscore) ---- */
/* U256_NO_BUILTIN_CARRY forces the portable code (used to test it). */
#if defined(__has_builtin) && !defined(U256_NO_BUILTIN_CARRY)
#if __has_builtin(__builtin_addcll) && __has_builtin(__builtin_subcll)
#define U256__CARRY_ADDCLL 1
#elif __has_builtin(__builtin_ia32_addcarryx_u64) && __has_builtin(__builtin_ia32_sbb_u64)
#define U256__CARRY_IA32 1
#endif
#endif

/* a + b + c (c in {0,1}); *co receives the carry out. */
static inline uint64_t u256__addc(uint64_t a, uint64_t b, uint64_t c, uint64_t *co) {
#if defined(U256__CARRY_ADDCLL)
  unsigned long long cout;
  uint64_t s = __builtin_addcll(a, b, c, &cout);
  *co = cout;
  return s;
#elif defined(U256__CARRY_IA32)
  unsigned long long s;
  *co = __builtin_ia32_addcarryx_u64((unsigned char)c, a, b, &s);
  return s;
#else
  __extension__ unsigned __int128 t = (unsigned __int128)a + b + c;
  *co = (uint64_t)(t >> 64);
  return (uint64_t)t;
#endif
}

/* a - b - c (c in {0,1}); *bo receives the borrow out. */
static inline uint64_t u256__subb(uint64_t a, uint64_t b, uint64_t c, uint64_t *bo) {
#if defined(U256__CARRY_ADDCLL)
  unsigned long long bout;
  uint64_t d = __builtin_subcll(a, b, c, &bout);
  *bo = bout;
  return d;
#elif defined(U256__CARRY_IA32)
  unsigned long long d;
  *bo = __builtin_ia32_sbb_u64((unsigned char)c, a, b, &d);
  return d;
#else
  uint64_t d = a - b;
  uint64_t b1 = a < b;
  uint64_t d2 = d - c;
  *bo = b1 | (d < c);
  return d2;
#endif
}

/* ---- predicates and comparisons ---- */
static inline u256_t u256_from_u64(uint64_t v) { return (u256_t){{v, 0, 0, 0}}; }
static inline bool u256_is_zero(const u256_t *a) { return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0; }
static inline bool u256_fits_u64(const u256_t *a) { return (a->w[1] | a->w[2] | a->w[3]) == 0; }
static inline bool u256_eq(const u256_t *a, const u256_t *b) {
  return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}
/* Unsigned a < b: the borrow of a - b. */
static inline bool u256_lt(const u256_t *a, const u256_t *b) {
  uint64_t c;
  (void)u256__subb(a->w[0], b->w[0], 0, &c);
  (void)u256__subb(a->w[1], b->w[1], c, &c);
  (void)u256__subb(a->w[2], b->w[2], c, &c);
  (void)u256__subb(a->w[3], b->w[3], c, &c);
  return c != 0;
}
static inline bool u256_gt(const u256_t *a, const u256_t *b) { return u256_lt(b, a); }
static inline bool u256_is_neg(const u256_t *a) { return (int64_t)a->w[3] < 0; }
/* Signed (two's complement) a < b. */
static inline bool u256_slt(const u256_t *a, const u256_t *b) {
  if (a->w[3] != b->w[3]) return (int64_t)a->w[3] < (int64_t)b->w[3];
  return u256_lt(a, b); /* same top limb: the lower limbs compare unsigned */
}
static inline bool u256_sgt(const u256_t *a, const u256_t *b) { return u256_slt(b, a); }

/* Conversions: big-endian bytes (as in memory, storage keys, RLP). */
void u256_from_be(u256_t *r, const uint8_t be[32]);
void u256_to_be(const u256_t *a, uint8_t be[32]);
/* From a big-endian string of 0..32 bytes; longer input returns false. */
bool u256_from_be_bytes(u256_t *r, const uint8_t *be, size_t len);
/* Number of significant bits / bytes (0 for zero). */
unsigned u256_bit_length(const u256_t *a);
unsigned u256_byte_length(const u256_t *a);
/* Hex: "0x..." lower-case minimal (0 -> "0x0"); out needs 67 bytes. */
void u256_to_hex(const u256_t *a, char out[67]);
/* Decimal, no leading zeros ("0" for zero); out needs 79 bytes. */
void u256_to_dec(const u256_t *a, char out[79]);
/* Parses "0x" or "0X" + 1..64 hex digits (more digits are accepted only as leading
 * zeros) or, with neither prefix, decimal; returns false (and leaves *r zero) on bad
 * digits, empty input, a sign, spaces, or a value of 2^256 or more. */
bool u256_from_string(u256_t *r, const char *s);

/* ---- arithmetic, all modulo 2^256; r may alias a or b ---- */
static inline void u256_add(u256_t *r, const u256_t *a, const u256_t *b) {
  uint64_t c;
  uint64_t r0 = u256__addc(a->w[0], b->w[0], 0, &c);
  uint64_t r1 = u256__addc(a->w[1], b->w[1], c, &c);
  uint64_t r2 = u256__addc(a->w[2], b->w[2], c, &c);
  uint64_t r3 = u256__addc(a->w[3], b->w[3], c, &c);
  r->w[0] = r0, r->w[1] = r1, r->w[2] = r2, r->w[3] = r3;
}
static inline void u256_sub(u256_t *r, const u256_t *a, const u256_t *b) {
  uint64_t c;
  uint64_t r0 = u256__subb(a->w[0], b->w[0], 0, &c);
  uint64_t r1 = u256__subb(a->w[1], b->w[1], c, &c);
  uint64_t r2 = u256__subb(a->w[2], b->w[2], c, &c);
  uint64_t r3 = u256__subb(a->w[3], b->w[3], c, &c);
  r->w[0] = r0, r->w[1] = r1, r->w[2] = r2, r->w[3] = r3;
}
/* Two's complement negation (0 - a). */
static inline void u256_neg(u256_t *r, const u256_t *a) {
  u256_t z = U256_ZERO;
  u256_sub(r, &z, a);
}
/* Truncated schoolbook product: 6 full 64x64->128 and 4 low-half multiplies. */
static inline void u256_mul(u256_t *r, const u256_t *a, const u256_t *b) {
  __extension__ typedef unsigned __int128 u128;
  const uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];
  const uint64_t b0 = b->w[0], b1 = b->w[1], b2 = b->w[2], b3 = b->w[3];
  u128 t;
  uint64_t r0, r1, r2, r3;
  /* row a0 */
  t = (u128)a0 * b0;
  r0 = (uint64_t)t;
  t = (u128)a0 * b1 + (uint64_t)(t >> 64);
  r1 = (uint64_t)t;
  t = (u128)a0 * b2 + (uint64_t)(t >> 64);
  r2 = (uint64_t)t;
  r3 = (uint64_t)(t >> 64) + a0 * b3;
  /* row a1 */
  t = (u128)a1 * b0 + r1;
  r1 = (uint64_t)t;
  t = (u128)a1 * b1 + r2 + (uint64_t)(t >> 64);
  r2 = (uint64_t)t;
  r3 += (uint64_t)(t >> 64) + a1 * b2;
  /* row a2 */
  t = (u128)a2 * b0 + r2;
  r2 = (uint64_t)t;
  r3 += (uint64_t)(t >> 64) + a2 * b1;
  /* row a3 */
  r3 += a3 * b0;
  r->w[0] = r0, r->w[1] = r1, r->w[2] = r2, r->w[3] = r3;
}
/* Full 256x256 -> 512-bit product, r[0] least significant. */
void u256_mul_full(uint64_t r[8], const u256_t *a, const u256_t *b);

/* DIV/MOD/SDIV/SMOD: division by zero gives zero; SDIV(-2^255, -1) = -2^255;
 * SMOD takes the sign of the dividend. u256_divmod: q or rem may be NULL, and either
 * may alias a or b. */
void u256_divmod(u256_t *q, u256_t *rem, const u256_t *a, const u256_t *b);
/* Internal: signed quotient and/or remainder of the full-width path (either may be NULL). */
void u256__sdivmod(u256_t *q, u256_t *rem, const u256_t *a, const u256_t *b);
/* Operands that fit 64 bits (counters, offsets, fixed-point scales: most DIVs in practice)
 * are divided inline by the CPU; the rest goes to u256_divmod / u256__sdivmod. */
static inline bool u256__small_u(const u256_t *a, const u256_t *b) {
  return (a->w[1] | a->w[2] | a->w[3] | b->w[1] | b->w[2] | b->w[3]) == 0 && b->w[0] != 0;
}
/* Both are sign extensions of int64 values, b != 0, and not INT64_MIN / -1 (C overflow). */
static inline bool u256__small_s(const u256_t *a, const u256_t *b) {
  const uint64_t sa = (uint64_t)((int64_t)a->w[0] >> 63), sb = (uint64_t)((int64_t)b->w[0] >> 63);
  const uint64_t ext =
      (a->w[1] ^ sa) | (a->w[2] ^ sa) | (a->w[3] ^ sa) | (b->w[1] ^ sb) | (b->w[2] ^ sb) | (b->w[3] ^ sb);
  return ext == 0 && b->w[0] != 0 && !(a->w[0] == (UINT64_C(1) << 63) && b->w[0] == UINT64_MAX);
}
static inline void u256_div(u256_t *r, const u256_t *a, const u256_t *b) {
  if (u256__small_u(a, b)) {
    const uint64_t q = a->w[0] / b->w[0];
    r->w[0] = q, r->w[1] = 0, r->w[2] = 0, r->w[3] = 0;
  } else {
    u256_divmod(r, NULL, a, b);
  }
}
static inline void u256_mod(u256_t *r, const u256_t *a, const u256_t *b) {
  if (u256__small_u(a, b)) {
    const uint64_t m = a->w[0] % b->w[0];
    r->w[0] = m, r->w[1] = 0, r->w[2] = 0, r->w[3] = 0;
  } else {
    u256_divmod(NULL, r, a, b);
  }
}
static inline void u256_sdiv(u256_t *r, const u256_t *a, const u256_t *b) {
  if (u256__small_s(a, b)) {
    const int64_t q = (int64_t)a->w[0] / (int64_t)b->w[0];
    const uint64_t s = (uint64_t)(q >> 63);
    r->w[0] = (uint64_t)q, r->w[1] = s, r->w[2] = s, r->w[3] = s;
  } else {
    u256__sdivmod(r, NULL, a, b);
  }
}
static inline void u256_smod(u256_t *r, const u256_t *a, const u256_t *b) {
  if (u256__small_s(a, b)) {
    const int64_t m = (int64_t)a->w[0] % (int64_t)b->w[0]; /* C99: sign of the dividend */
    const uint64_t s = (uint64_t)(m >> 63);
    r->w[0] = (uint64_t)m, r->w[1] = s, r->w[2] = s, r->w[3] = s;
  } else {
    u256__sdivmod(NULL, r, a, b);
  }
}
/* (a + b) mod m and (a * b) mod m with 320/512-bit intermediates; m = 0 gives 0.
 * MULMOD keeps a per-thread cache of the last 4-word modulus: from its second
 * consecutive use on, the reduction is Barrett's (multiplications, no division). */
void u256_addmod(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *m);
void u256_mulmod(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *m);
/* base^exponent mod 2^256 (0^0 = 1). */
void u256_exp(u256_t *r, const u256_t *base, const u256_t *exponent);

/* ---- bit operations ---- */
static inline void u256_and(u256_t *r, const u256_t *a, const u256_t *b) {
  for (int i = 0; i < 4; i++) r->w[i] = a->w[i] & b->w[i];
}
static inline void u256_or(u256_t *r, const u256_t *a, const u256_t *b) {
  for (int i = 0; i < 4; i++) r->w[i] = a->w[i] | b->w[i];
}
static inline void u256_xor(u256_t *r, const u256_t *a, const u256_t *b) {
  for (int i = 0; i < 4; i++) r->w[i] = a->w[i] ^ b->w[i];
}
static inline void u256_not(u256_t *r, const u256_t *a) {
  for (int i = 0; i < 4; i++) r->w[i] = ~a->w[i];
}

/* x << n and x >> n (n >= 256 gives 0). Branch-free for n < 256: the limbs are
 * selected by the word shift, and each output limb is a double-width funnel shift
 * (one SHLD/SHRD on x86-64). */
/* Written on 64-bit words (the second shift split in two so that bs = 0 stays
 * defined): GCC spilled the 128-bit form through the stack inside the interpreter's
 * dispatch function and tested bit 6 of the count to pick the halves. */
static inline uint64_t u256__fshl(uint64_t hi, uint64_t lo, unsigned bs) { /* bs < 64 */
  return (hi << bs) | ((lo >> 1) >> (63 - bs));
}
static inline uint64_t u256__fshr(uint64_t hi, uint64_t lo, unsigned bs) { /* bs < 64 */
  return (lo >> bs) | ((hi << 1) << (63 - bs));
}
static inline void u256_shl_n(u256_t *r, const u256_t *x, unsigned n) {
  if (n >= 256) {
    r->w[0] = r->w[1] = r->w[2] = r->w[3] = 0;
    return;
  }
  const unsigned ws = n / 64, bs = n % 64;
  const uint64_t x0 = x->w[0], x1 = x->w[1], x2 = x->w[2], x3 = x->w[3];
  /* limb moves by conditional selects (CMOV), measured faster than a switch or an
   * indexed load from a padded copy when the amount varies */
  const uint64_t s3 = ws == 0 ? x3 : ws == 1 ? x2 : ws == 2 ? x1 : x0;
  const uint64_t s2 = ws == 0 ? x2 : ws == 1 ? x1 : ws == 2 ? x0 : 0;
  const uint64_t s1 = ws == 0 ? x1 : ws == 1 ? x0 : 0;
  const uint64_t s0 = ws == 0 ? x0 : 0;
  r->w[3] = u256__fshl(s3, s2, bs);
  r->w[2] = u256__fshl(s2, s1, bs);
  r->w[1] = u256__fshl(s1, s0, bs);
  r->w[0] = s0 << bs;
}
static inline void u256_shr_n(u256_t *r, const u256_t *x, unsigned n) {
  if (n >= 256) {
    r->w[0] = r->w[1] = r->w[2] = r->w[3] = 0;
    return;
  }
  const unsigned ws = n / 64, bs = n % 64;
  const uint64_t x0 = x->w[0], x1 = x->w[1], x2 = x->w[2], x3 = x->w[3];
  const uint64_t s0 = ws == 0 ? x0 : ws == 1 ? x1 : ws == 2 ? x2 : x3;
  const uint64_t s1 = ws == 0 ? x1 : ws == 1 ? x2 : ws == 2 ? x3 : 0;
  const uint64_t s2 = ws == 0 ? x2 : ws == 1 ? x3 : 0;
  const uint64_t s3 = ws == 0 ? x3 : 0;
  r->w[0] = u256__fshr(s1, s0, bs);
  r->w[1] = u256__fshr(s2, s1, bs);
  r->w[2] = u256__fshr(s3, s2, bs);
  r->w[3] = s3 >> bs;
}
/* EIP-145: shift >= 256 gives 0 (SHL/SHR) or the sign fill (SAR). */
static inline unsigned u256__shift_amount(const u256_t *shift) {
  if ((shift->w[1] | shift->w[2] | shift->w[3]) != 0 || shift->w[0] >= 256) return 256;
  return (unsigned)shift->w[0];
}
static inline void u256_shl(u256_t *r, const u256_t *shift, const u256_t *x) {
  u256_shl_n(r, x, u256__shift_amount(shift));
}
static inline void u256_shr(u256_t *r, const u256_t *shift, const u256_t *x) {
  u256_shr_n(r, x, u256__shift_amount(shift));
}
static inline void u256_sar(u256_t *r, const u256_t *shift, const u256_t *x) {
  unsigned n = u256__shift_amount(shift);
  uint64_t m = (uint64_t)((int64_t)x->w[3] >> 63); /* all ones when negative */
  u256_t t = {{x->w[0] ^ m, x->w[1] ^ m, x->w[2] ^ m, x->w[3] ^ m}};
  u256_shr_n(&t, &t, n); /* negative: ~((~x) >> n) */
  r->w[0] = t.w[0] ^ m, r->w[1] = t.w[1] ^ m, r->w[2] = t.w[2] ^ m, r->w[3] = t.w[3] ^ m;
}

/* SIGNEXTEND(b, x): extend the sign of byte b (0 = least significant) of x. */
static inline void u256_signextend(u256_t *r, const u256_t *b, const u256_t *x) {
  if ((b->w[1] | b->w[2] | b->w[3]) != 0 || b->w[0] >= 31) {
    *r = *x;
    return;
  }
  unsigned k = (unsigned)b->w[0];
  unsigned limb = k / 8, bit = (k % 8) * 8 + 7; /* sign bit inside its limb */
  uint64_t v = x->w[limb];
  uint64_t sign = (uint64_t)0 - ((v >> bit) & 1);
  uint64_t keep = (bit == 63) ? UINT64_MAX : (((uint64_t)1 << (bit + 1)) - 1);
  u256_t t = *x;
  t.w[limb] = (v & keep) | (sign & ~keep);
  for (unsigned i = limb + 1; i < 4; i++) t.w[i] = sign;
  *r = t;
}
/* BYTE(i, x): byte i of x counting from the most significant (i >= 32 gives 0). */
static inline void u256_byte(u256_t *r, const u256_t *i, const u256_t *x) {
  uint64_t v = 0;
  if ((i->w[1] | i->w[2] | i->w[3]) == 0 && i->w[0] < 32) {
    unsigned k = 31 - (unsigned)i->w[0]; /* byte index from the least significant */
    v = (x->w[k / 8] >> ((k % 8) * 8)) & 0xff;
  }
  r->w[0] = v, r->w[1] = 0, r->w[2] = 0, r->w[3] = 0;
}
/* Count leading zeros (EIP-7939 CLZ); 256 for zero. */
static inline unsigned u256_clz(const u256_t *a) {
  if (a->w[3]) return (unsigned)__builtin_clzll(a->w[3]);
  if (a->w[2]) return 64 + (unsigned)__builtin_clzll(a->w[2]);
  if (a->w[1]) return 128 + (unsigned)__builtin_clzll(a->w[1]);
  if (a->w[0]) return 192 + (unsigned)__builtin_clzll(a->w[0]);
  return 256;
}

#ifdef __cplusplus
}
#endif

#endif
