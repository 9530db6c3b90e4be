/* BLS12-381 internals shared by the files of src/crypto/bls12_381: field
 * elements in Montgomery form (6x64-bit limbs, CIOS with unsigned __int128),
 * the Fp2/Fp6/Fp12 tower, G1/G2 Jacobian points. Curve per EIP-2537. */
#ifndef BLS_INTERNAL_H
#define BLS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Internal symbols get a bls_ prefix so they cannot clash with other curves' code. */
#define fp12_conj bls_fp12_conj
#define fp12_cyclo_sqr bls_fp12_cyclo_sqr
#define fp12_eq bls_fp12_eq
#define fp12_frob bls_fp12_frob
#define fp12_inv bls_fp12_inv
#define fp12_is_one bls_fp12_is_one
#define fp12_mul bls_fp12_mul
#define fp12_mul_line bls_fp12_mul_line
#define fp12_set_one bls_fp12_set_one
#define fp12_sqr bls_fp12_sqr
#define fp2_inv bls_fp2_inv
#define fp2_is_square bls_fp2_is_square
#define fp2_lex_largest bls_fp2_lex_largest
#define fp2_pow bls_fp2_pow
#define fp2_sgn0 bls_fp2_sgn0
#define fp2_sqrt bls_fp2_sqrt
#define fp6_add bls_fp6_add
#define fp6_inv bls_fp6_inv
#define fp6_mul bls_fp6_mul
#define fp6_mul_v bls_fp6_mul_v
#define fp6_neg bls_fp6_neg
#define fp6_sqr bls_fp6_sqr
#define fp6_sub bls_fp6_sub
#define fp_from_be48 bls_fp_from_be48
#define fp_from_plain bls_fp_from_plain
#define fp_inv bls_fp_inv
#define fp_is_square bls_fp_is_square
#define fp_lex_largest bls_fp_lex_largest
#define fp_pow bls_fp_pow
#define fp_sgn0 bls_fp_sgn0
#define fp_sqrt bls_fp_sqrt
#define fp_to_be48 bls_fp_to_be48
#define fp_to_plain bls_fp_to_plain
#define g1_add bls_g1_add
#define g1_add_aff bls_g1_add_aff
#define g1_aff_on_curve bls_g1_aff_on_curve
#define g1_dbl bls_g1_dbl
#define g1_eq bls_g1_eq
#define g1_from_aff bls_g1_from_aff
#define g1_generator bls_g1_generator
#define g1_in_subgroup bls_g1_in_subgroup
#define g1_is_inf bls_g1_is_inf
#define g1_msm bls_g1_msm
#define g1_mul_joint bls_g1_mul_joint
#define g1_mul_glv bls_g1_mul_glv
#define g1_mul2_glv bls_g1_mul2_glv
#define g1_mul_zabs bls_g1_mul_zabs
#define g1_mul2 bls_g1_mul2
#define g1_mul bls_g1_mul
#define g1_neg bls_g1_neg
#define g1_set_inf bls_g1_set_inf
#define g1_to_aff bls_g1_to_aff
#define g2_add bls_g2_add
#define g2_add_aff bls_g2_add_aff
#define g2_aff_on_curve bls_g2_aff_on_curve
#define g2_dbl bls_g2_dbl
#define g2_eq bls_g2_eq
#define g2_from_aff bls_g2_from_aff
#define g2_generator bls_g2_generator
#define g2_in_subgroup bls_g2_in_subgroup
#define g2_is_inf bls_g2_is_inf
#define g2_msm bls_g2_msm
#define g2_mul_joint bls_g2_mul_joint
#define g2_mul_gls bls_g2_mul_gls
#define g2_mul_zabs bls_g2_mul_zabs
#define g2_mul2 bls_g2_mul2
#define g2_mul bls_g2_mul
#define g2_neg bls_g2_neg
#define g2_psi bls_g2_psi
#define g2_set_inf bls_g2_set_inf
#define g2_to_aff bls_g2_to_aff

typedef unsigned __int128 u128;

typedef struct {
  uint64_t l[6];
} fp_t;
typedef struct {
  fp_t c0, c1;
} fp2_t; /* c0 + c1 u, u^2 = -1 */
typedef struct {
  fp2_t c0, c1, c2;
} fp6_t; /* c0 + c1 v + c2 v^2, v^3 = 1 + u */
typedef struct {
  fp6_t c0, c1;
} fp12_t; /* c0 + c1 w, w^2 = v */

/* Jacobian points: (X/Z^2, Y/Z^3); Z = 0 is the point at infinity. */
typedef struct {
  fp_t x, y, z;
} g1_t;
typedef struct {
  fp2_t x, y, z;
} g2_t;
/* Affine points with an explicit infinity flag. */
typedef struct {
  fp_t x, y;
  bool inf;
} g1_aff_t;
typedef struct {
  fp2_t x, y;
  bool inf;
} g2_aff_t;

#include "constants.h"

static const uint64_t BLS_P[6] = BLS_P_LIMBS;

/* ---------------------------------------------------------------- Fp ---- */

static inline void fp_set_zero(fp_t *r) { memset(r, 0, sizeof *r); }
static inline bool fp_is_zero(const fp_t *a) {
  return (a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0;
}
static inline bool fp_eq(const fp_t *a, const fp_t *b) {
  uint64_t d = 0;
  for (int i = 0; i < 6; i++) d |= a->l[i] ^ b->l[i];
  return d == 0;
}

#if defined(__x86_64__)
#include <x86intrin.h>
#define BLS_ADC(c, a, b, out) _addcarry_u64((c), (a), (b), (unsigned long long *)(out))
#define BLS_SBB(c, a, b, out) _subborrow_u64((c), (a), (b), (unsigned long long *)(out))
#else
static inline unsigned char bls_adc(unsigned char c, uint64_t a, uint64_t b, uint64_t *out) {
  u128 t = (u128)a + b + c;
  *out = (uint64_t)t;
  return (unsigned char)(t >> 64);
}
static inline unsigned char bls_sbb(unsigned char c, uint64_t a, uint64_t b, uint64_t *out) {
  u128 t = (u128)a - b - c;
  *out = (uint64_t)t;
  return (unsigned char)((t >> 64) & 1);
}
#define BLS_ADC(c, a, b, out) bls_adc((c), (a), (b), (out))
#define BLS_SBB(c, a, b, out) bls_sbb((c), (a), (b), (out))
#endif

/* r = a - p if a >= p (a < 2p), as a mask select. */
static inline void fp_reduce_once(fp_t *r, const uint64_t a[6]) {
  uint64_t d[6];
  unsigned char b = 0;
  b = BLS_SBB(b, a[0], BLS_P[0], &d[0]);
  b = BLS_SBB(b, a[1], BLS_P[1], &d[1]);
  b = BLS_SBB(b, a[2], BLS_P[2], &d[2]);
  b = BLS_SBB(b, a[3], BLS_P[3], &d[3]);
  b = BLS_SBB(b, a[4], BLS_P[4], &d[4]);
  b = BLS_SBB(b, a[5], BLS_P[5], &d[5]);
  uint64_t mask = 0 - (uint64_t)b; /* all ones: a < p, keep a */
  for (int i = 0; i < 6; i++) r->l[i] = (a[i] & mask) | (d[i] & ~mask);
}

#if defined(__x86_64__) && !defined(BLS_NO_ASM)
#include "fp_addsub_x86.inc"
static inline void fp_add(fp_t *r, const fp_t *a, const fp_t *b) {
  __asm__ __volatile__(BLS_ASM_FP_ADD
                       :
                       : [a] "r"(a->l), [b] "r"(b->l), [r] "r"(r->l)
                       : "rax", "r8", "r9", "r10", "r11", "r12", "r13", "cc", "memory");
}
static inline void fp_sub(fp_t *r, const fp_t *a, const fp_t *b) {
  __asm__ __volatile__(BLS_ASM_FP_SUB
                       :
                       : [a] "r"(a->l), [b] "r"(b->l), [r] "r"(r->l)
                       : "rax", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "cc", "memory");
}
#else
static inline void fp_add(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t s[6];
  unsigned char c = 0;
  c = BLS_ADC(c, a->l[0], b->l[0], &s[0]);
  c = BLS_ADC(c, a->l[1], b->l[1], &s[1]);
  c = BLS_ADC(c, a->l[2], b->l[2], &s[2]);
  c = BLS_ADC(c, a->l[3], b->l[3], &s[3]);
  c = BLS_ADC(c, a->l[4], b->l[4], &s[4]);
  c = BLS_ADC(c, a->l[5], b->l[5], &s[5]);
  fp_reduce_once(r, s);
}

static inline void fp_sub(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t s[6];
  unsigned char bw = 0;
  bw = BLS_SBB(bw, a->l[0], b->l[0], &s[0]);
  bw = BLS_SBB(bw, a->l[1], b->l[1], &s[1]);
  bw = BLS_SBB(bw, a->l[2], b->l[2], &s[2]);
  bw = BLS_SBB(bw, a->l[3], b->l[3], &s[3]);
  bw = BLS_SBB(bw, a->l[4], b->l[4], &s[4]);
  bw = BLS_SBB(bw, a->l[5], b->l[5], &s[5]);
  uint64_t mask = 0 - (uint64_t)bw;
  unsigned char c = 0;
  c = BLS_ADC(c, s[0], BLS_P[0] & mask, &r->l[0]);
  c = BLS_ADC(c, s[1], BLS_P[1] & mask, &r->l[1]);
  c = BLS_ADC(c, s[2], BLS_P[2] & mask, &r->l[2]);
  c = BLS_ADC(c, s[3], BLS_P[3] & mask, &r->l[3]);
  c = BLS_ADC(c, s[4], BLS_P[4] & mask, &r->l[4]);
  c = BLS_ADC(c, s[5], BLS_P[5] & mask, &r->l[5]);
}

#endif

static inline void fp_dbl(fp_t *r, const fp_t *a) { fp_add(r, a, a); }

static inline void fp_neg(fp_t *r, const fp_t *a) {
  fp_t z;
  fp_set_zero(&z);
  fp_sub(r, &z, a);
}

/* Montgomery product, CIOS (coarsely integrated operand scanning): each row adds
 * a*b[i] then m*p with m = t[0] * (-p^-1) mod 2^64 and drops the low word. Low and
 * high halves of the products go through two separate carry chains. */
#define BLS_MAC_ROW(x, y)               \
  do {                                  \
    uint64_t lo[6], hi[6];              \
    for (int j = 0; j < 6; j++) {       \
      u128 pr = (u128)(x)[j] * (y);     \
      lo[j] = (uint64_t)pr;             \
      hi[j] = (uint64_t)(pr >> 64);     \
    }                                   \
    unsigned char c = 0;                \
    c = BLS_ADC(c, t[0], lo[0], &t[0]); \
    c = BLS_ADC(c, t[1], lo[1], &t[1]); \
    c = BLS_ADC(c, t[2], lo[2], &t[2]); \
    c = BLS_ADC(c, t[3], lo[3], &t[3]); \
    c = BLS_ADC(c, t[4], lo[4], &t[4]); \
    c = BLS_ADC(c, t[5], lo[5], &t[5]); \
    c = BLS_ADC(c, t[6], 0, &t[6]);     \
    c = 0;                              \
    c = BLS_ADC(c, t[1], hi[0], &t[1]); \
    c = BLS_ADC(c, t[2], hi[1], &t[2]); \
    c = BLS_ADC(c, t[3], hi[2], &t[3]); \
    c = BLS_ADC(c, t[4], hi[3], &t[4]); \
    c = BLS_ADC(c, t[5], hi[4], &t[5]); \
    c = BLS_ADC(c, t[6], hi[5], &t[6]); \
  } while (0)

#if defined(__x86_64__) && !defined(BLS_NO_ASM)
/* x86-64: unrolled assembly, MULX/ADCX/ADOX (fp_mul_adx.inc) when the CPU has BMI2
 * and ADX, else MUL/ADC (fp_mul_x86.inc). gcc's code for the C loop below is about
 * 1.6x slower than clang's; the ADX assembly beats both by 10-20%. */
/* Set at start-up (fp.c) when the CPU has BMI2 and ADX. */
extern int bls_have_adx;
static inline void fp_mul(fp_t *r, const fp_t *a, const fp_t *b) {
  const uint64_t *ap = a->l, *bp = b->l;
  if (__builtin_expect(bls_have_adx, 1)) {
    __asm__ __volatile__(
#include "fp_mul_adx.inc"
        : "+S"(ap), "+D"(bp)
        : "b"(r->l)
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
  } else {
    __asm__ __volatile__(
#include "fp_mul_x86.inc"
        : "+S"(ap), "+D"(bp)
        : "b"(r->l)
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
  }
}
#else
static inline void fp_mul(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t t[7] = {0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 6; i++) {
    BLS_MAC_ROW(a->l, b->l[i]);
    uint64_t m = t[0] * BLS_P_INV;
    BLS_MAC_ROW(BLS_P, m);
    t[0] = t[1];
    t[1] = t[2];
    t[2] = t[3];
    t[3] = t[4];
    t[4] = t[5];
    t[5] = t[6];
    t[6] = 0;
  }
  fp_reduce_once(r, t);
}
#endif


static inline void fp_sqr(fp_t *r, const fp_t *a) { fp_mul(r, a, a); }

/* unreduced a + b (< 2p for a, b < p) */
static inline void fp_add_nr(fp_t *r, const fp_t *a, const fp_t *b) {
  unsigned char c = 0;
  for (int i = 0; i < 6; i++) c = BLS_ADC(c, a->l[i], b->l[i], &r->l[i]);
}

/* Small-constant multiples. */
static inline void fp_mul_small(fp_t *r, const fp_t *a, unsigned k) {
  fp_t acc, base = *a;
  fp_set_zero(&acc);
  while (k) {
    if (k & 1) fp_add(&acc, &acc, &base);
    k >>= 1;
    if (k) fp_dbl(&base, &base);
  }
  *r = acc;
}

void fp_pow(fp_t *r, const fp_t *a, const uint64_t e[6]);
void fp_inv(fp_t *r, const fp_t *a);  /* 0 -> 0 */
bool fp_sqrt(fp_t *r, const fp_t *a); /* false if not a square */
bool fp_is_square(const fp_t *a);
void fp_from_plain(fp_t *r, const uint64_t a[6]); /* to Montgomery */
void fp_to_plain(uint64_t r[6], const fp_t *a);
/* 48 big-endian bytes -> element; false if >= p. */
bool fp_from_be48(fp_t *r, const uint8_t in[48]);
void fp_to_be48(uint8_t out[48], const fp_t *a);
bool fp_sgn0(const fp_t *a);        /* parity of the plain value */
bool fp_lex_largest(const fp_t *a); /* plain value > (p-1)/2 */

/* ---------------------------------------------------------------- Fp2 --- */

static inline void fp2_set_zero(fp2_t *r) { memset(r, 0, sizeof *r); }
static inline void fp2_set_one(fp2_t *r) {
  r->c0 = BLS_ONE;
  fp_set_zero(&r->c1);
}
static inline bool fp2_is_zero(const fp2_t *a) { return fp_is_zero(&a->c0) && fp_is_zero(&a->c1); }
static inline bool fp2_eq(const fp2_t *a, const fp2_t *b) { return fp_eq(&a->c0, &b->c0) && fp_eq(&a->c1, &b->c1); }
static inline void fp2_add(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  fp_add(&r->c0, &a->c0, &b->c0);
  fp_add(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_sub(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  fp_sub(&r->c0, &a->c0, &b->c0);
  fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_dbl(fp2_t *r, const fp2_t *a) { fp2_add(r, a, a); }
static inline void fp2_neg(fp2_t *r, const fp2_t *a) {
  fp_neg(&r->c0, &a->c0);
  fp_neg(&r->c1, &a->c1);
}
static inline void fp2_conj(fp2_t *r, const fp2_t *a) {
  r->c0 = a->c0;
  fp_neg(&r->c1, &a->c1);
}
static inline void fp2_mul(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  fp_t t0, t1, s0, s1;
  fp_mul(&t0, &a->c0, &b->c0);
  fp_mul(&t1, &a->c1, &b->c1);
  fp_add_nr(&s0, &a->c0, &a->c1);
  fp_add_nr(&s1, &b->c0, &b->c1);
  fp_mul(&s0, &s0, &s1);
  fp_sub(&r->c0, &t0, &t1);
  fp_sub(&s0, &s0, &t0);
  fp_sub(&r->c1, &s0, &t1);
}
static inline void fp2_sqr(fp2_t *r, const fp2_t *a) {
  fp_t s, d, m;
  fp_add(&s, &a->c0, &a->c1);
  fp_sub(&d, &a->c0, &a->c1);
  fp_mul(&m, &a->c0, &a->c1);
  fp_mul(&r->c0, &s, &d);
  fp_dbl(&r->c1, &m);
}
static inline void fp2_mul_fp(fp2_t *r, const fp2_t *a, const fp_t *b) {
  fp_mul(&r->c0, &a->c0, b);
  fp_mul(&r->c1, &a->c1, b);
}
/* r = a * (1 + u) */
static inline void fp2_mul_xi(fp2_t *r, const fp2_t *a) {
  fp_t t;
  fp_sub(&t, &a->c0, &a->c1);
  fp_add(&r->c1, &a->c0, &a->c1);
  r->c0 = t;
}
static inline void fp2_mul_small(fp2_t *r, const fp2_t *a, unsigned k) {
  fp_mul_small(&r->c0, &a->c0, k);
  fp_mul_small(&r->c1, &a->c1, k);
}
void fp2_inv(fp2_t *r, const fp2_t *a);
void fp2_pow(fp2_t *r, const fp2_t *a, const uint64_t *e, int nlimbs);
bool fp2_sqrt(fp2_t *r, const fp2_t *a);
bool fp2_is_square(const fp2_t *a);
bool fp2_sgn0(const fp2_t *a);
bool fp2_lex_largest(const fp2_t *a);

/* ------------------------------------------------------- Fp6 / Fp12 ---- */

void fp6_add(fp6_t *r, const fp6_t *a, const fp6_t *b);
void fp6_sub(fp6_t *r, const fp6_t *a, const fp6_t *b);
void fp6_neg(fp6_t *r, const fp6_t *a);
void fp6_mul(fp6_t *r, const fp6_t *a, const fp6_t *b);
void fp6_sqr(fp6_t *r, const fp6_t *a);
void fp6_mul_v(fp6_t *r, const fp6_t *a);
void fp6_inv(fp6_t *r, const fp6_t *a);

void fp12_set_one(fp12_t *r);
bool fp12_is_one(const fp12_t *a);
bool fp12_eq(const fp12_t *a, const fp12_t *b);
void fp12_mul(fp12_t *r, const fp12_t *a, const fp12_t *b);
void fp12_sqr(fp12_t *r, const fp12_t *a);
void fp12_conj(fp12_t *r, const fp12_t *a);
void fp12_inv(fp12_t *r, const fp12_t *a);
void fp12_frob(fp12_t *r, const fp12_t *a, int n); /* n = 1, 2, 3 */
void fp12_cyclo_sqr(fp12_t *r, const fp12_t *a);
/* f *= line with nonzero coefficients l0 (at 1), l1 (at v), l2 (at v w). */
void fp12_mul_line(fp12_t *f, const fp2_t *l0, const fp2_t *l1, const fp2_t *l2);

/* ------------------------------------------------------------ curves ---- */

void g1_set_inf(g1_t *r);
bool g1_is_inf(const g1_t *a);
void g1_from_aff(g1_t *r, const g1_aff_t *a);
void g1_to_aff(g1_aff_t *r, const g1_t *a);
void g1_dbl(g1_t *r, const g1_t *a);
void g1_add(g1_t *r, const g1_t *a, const g1_t *b);
void g1_add_aff(g1_t *r, const g1_t *a, const g1_aff_t *b);
void g1_neg(g1_t *r, const g1_t *a);
bool g1_eq(const g1_t *a, const g1_t *b);
bool g1_aff_on_curve(const g1_aff_t *a);
/* r = k * a, k little-endian 64-bit words (nwords). */
void g1_mul(g1_t *r, const g1_t *a, const uint64_t *k, int nwords);
void g1_mul_zabs(g1_t *r, const g1_t *a); /* r = |z| a */
void g1_mul_joint(g1_t *r, const g1_t *pts, int n, const uint64_t (*k)[4], int nwords);
/* k a for a in G1 (GLV with sigma), k 4 words, any size. */
void g1_mul_glv(g1_t *r, const g1_t *a, const uint64_t k[4]);
/* ka a + kb b for a, b in G1 (4-way GLV). */
void g1_mul2_glv(g1_t *r, const g1_t *a, const uint64_t ka[4], const g1_t *b, const uint64_t kb[4]);
void g1_mul2(g1_t *r, const g1_t *a, const uint64_t k1[4], const g1_t *b, const uint64_t k2[4]);
bool g1_in_subgroup(const g1_t *a);
void g1_generator(g1_t *r);

void g2_set_inf(g2_t *r);
bool g2_is_inf(const g2_t *a);
void g2_from_aff(g2_t *r, const g2_aff_t *a);
void g2_to_aff(g2_aff_t *r, const g2_t *a);
void g2_dbl(g2_t *r, const g2_t *a);
void g2_add(g2_t *r, const g2_t *a, const g2_t *b);
void g2_add_aff(g2_t *r, const g2_t *a, const g2_aff_t *b);
void g2_neg(g2_t *r, const g2_t *a);
bool g2_eq(const g2_t *a, const g2_t *b);
bool g2_aff_on_curve(const g2_aff_t *a);
void g2_mul(g2_t *r, const g2_t *a, const uint64_t *k, int nwords);
void g2_mul_zabs(g2_t *r, const g2_t *a);
void g2_mul_joint(g2_t *r, const g2_t *pts, int n, const uint64_t (*k)[4], int nwords);
/* k a for a in G2 (GLS with psi). */
void g2_mul_gls(g2_t *r, const g2_t *a, const uint64_t k[4]);
void g2_mul2(g2_t *r, const g2_t *a, const uint64_t k1[4], const g2_t *b, const uint64_t k2[4]);
bool g2_in_subgroup(const g2_t *a);
void g2_psi(g2_t *r, const g2_t *a);
void g2_generator(g2_t *r);

void bls_scalar_split_g1(uint64_t a[2], uint64_t b[2], const uint64_t k[4]);
void bls_scalar_split_g2(uint64_t d[4], const uint64_t k[4]);

/* MSM: r = sum k_i * P_i, scalars 4 little-endian words each. */
void g1_msm(g1_t *r, const g1_aff_t *pts, const uint64_t (*k)[4], size_t n);
void g2_msm(g2_t *r, const g2_aff_t *pts, const uint64_t (*k)[4], size_t n);

/* A G2 point with its 68 Miller-loop lines precomputed (for fixed points). */
typedef struct {
  fp2_t lines[68][3];
  bool inf;
} bls_g2_prepared_t;
void bls_g2_prepare(bls_g2_prepared_t *r, const g2_aff_t *q);
bool bls_pairing_check_prepared(const g1_aff_t *p, const bls_g2_prepared_t *const *q, size_t n);

/* Pairing: true if prod e(P_i, Q_i) == 1. Infinity pairs are skipped. */
bool bls_pairing_check(const g1_aff_t *p, const g2_aff_t *q, size_t n);
/* f = prod of Miller loops (without final exponentiation). */
void bls_miller_loop_n(fp12_t *f, const g1_aff_t *p, const g2_aff_t *q, size_t n);
void bls_final_exp(fp12_t *r, const fp12_t *f);

void bls_map_to_g1(g1_t *r, const fp_t *u);
void bls_map_to_g2(g2_t *r, const fp2_t *u);
/* SSWU + isogeny without cofactor clearing, and the G2 cofactor clearing alone. */
void bls_map_to_curve_g2(g2_t *r, const fp2_t *u);
void bls_clear_cofactor_g2(g2_t *r, const g2_t *p);
/* RFC 9380 hash_to_curve for BLS12381G2_XMD:SHA-256_SSWU_RO_; 0 or error. */
int bls_hash_to_g2(g2_t *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len);

#endif
