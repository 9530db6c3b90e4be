/* bn254 (alt_bn128, EIP-196/197) base field Fp and quadratic extension Fp2 = Fp[u]/(u^2+1):
 * Montgomery form over 4x64-bit limbs, CIOS multiplication ("no final carry" shortcut, p < 2^254)
 * in MULX/ADCX/ADOX assembly with a portable __int128 fallback, and Fp2 products with lazy
 * reduction (double-width Karatsuba, one reduction per coefficient). Internal header. */
#ifndef ETHC_BN254_FIELD_H
#define ETHC_BN254_FIELD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 bn254_u128;

typedef struct {
  uint64_t l[4];
} fp_t; /* Montgomery form, fully reduced to [0, p) */
typedef struct {
  fp_t c0, c1;
} fp2_t; /* c0 + c1*u */
typedef struct {
  fp2_t c0, c1, c2;
} fp6_t; /* c0 + c1*v + c2*v^2, v^3 = xi = 9+u */
typedef struct {
  fp6_t c0, c1;
} fp12_t; /* c0 + c1*w, w^2 = v */

#define BN254_P0 0x3c208c16d87cfd47ULL
#define BN254_P1 0x97816a916871ca8dULL
#define BN254_P2 0xb85045b68181585dULL
#define BN254_P3 0x30644e72e131a029ULL
#define BN254_N0 0x87d20782e4866389ULL /* -p^-1 mod 2^64 */

static const fp_t BN254_FP_P = {{BN254_P0, BN254_P1, BN254_P2, BN254_P3}};
static const fp_t BN254_FP_ONE = {
    {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}}; /* R mod p */
static const fp_t BN254_FP_R2 = {
    {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}}; /* R^2 mod p */

#if defined(__x86_64__)
#include <x86intrin.h>
#define BN254_ADC(c, a, b, out) ((c) = _addcarry_u64((unsigned char)(c), (a), (b), (unsigned long long *)(out)))
#define BN254_SBB(c, a, b, out) ((c) = _subborrow_u64((unsigned char)(c), (a), (b), (unsigned long long *)(out)))
#else
#define BN254_ADC(c, a, b, out)                  \
  do {                                           \
    bn254_u128 _z = (bn254_u128)(a) + (b) + (c); \
    *(out) = (uint64_t)_z;                       \
    (c) = (unsigned char)(_z >> 64);             \
  } while (0)
#define BN254_SBB(c, a, b, out)                  \
  do {                                           \
    bn254_u128 _z = (bn254_u128)(a) - (b) - (c); \
    *(out) = (uint64_t)_z;                       \
    (c) = (unsigned char)((_z >> 64) & 1);       \
  } while (0)
#endif

/* r = a - b over 256 bits; returns the borrow. */
static inline uint64_t bn254_sub4(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]) {
  unsigned char c = 0;
  BN254_SBB(c, a[0], b[0], &r[0]);
  BN254_SBB(c, a[1], b[1], &r[1]);
  BN254_SBB(c, a[2], b[2], &r[2]);
  BN254_SBB(c, a[3], b[3], &r[3]);
  return c;
}

/* Reduce t (< 2p) into [0, p) by a masked conditional subtraction. */
static inline void fp_reduce_once(fp_t *r, const uint64_t t[4]) {
  uint64_t s0, s1, s2, s3;
  unsigned char c = 0;
  BN254_SBB(c, t[0], BN254_P0, &s0);
  BN254_SBB(c, t[1], BN254_P1, &s1);
  BN254_SBB(c, t[2], BN254_P2, &s2);
  BN254_SBB(c, t[3], BN254_P3, &s3);
  uint64_t mask = (uint64_t)0 - c; /* all ones when t < p: keep t */
  r->l[0] = (t[0] & mask) | (s0 & ~mask);
  r->l[1] = (t[1] & mask) | (s1 & ~mask);
  r->l[2] = (t[2] & mask) | (s2 & ~mask);
  r->l[3] = (t[3] & mask) | (s3 & ~mask);
}

/* Montgomery multiplication r = a*b/R mod p (CIOS, no-carry variant: the top limb of p is below
 * 2^63 - 1, so the running sum never needs a fifth carry word). Inputs and output are fully
 * reduced (< p); r may alias a or b. fp_mul picks the MULX/ADX assembly when the CPU has it
 * (checked once at load time), else the portable __int128 code. */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BN254_HAVE_MULX_ASM 1
/* Set at load time from CPUID (bn254_tower.c): BMI2 (mulx) and ADX (adcx/adox) present. */
extern int bn254_cpu_adx;
/* p0..p3, n0, 0: read by the assembly through one pointer register. */
static const uint64_t BN254_MONT_CONST[6] = {BN254_P0, BN254_P1, BN254_P2, BN254_P3, BN254_N0, 0};

/* The same CIOS with MULX and two independent carry chains (ADCX on CF, ADOX on OF),
 * rotating five registers through the four rounds; final subtraction with CMOV.
 * r may alias a or b: all loads happen before the stores. */
static inline void fp_mul_adx(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t r0, r1, r2, r3, r4, lo, hi;
  __asm__ __volatile__(
      ""
      "xorl %k[r0], %k[r0]\n\t"
      "xorl %k[r1], %k[r1]\n\t"
      "xorl %k[r2], %k[r2]\n\t"
      "xorl %k[r3], %k[r3]\n\t"
      "movq 0(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r4]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq 40(%[pc]), %[r4]\n\t"
      "adoxq 40(%[pc]), %[r4]\n\t"
      "movq %[r0], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "adoxq 40(%[pc]), %[r4]\n\t"
      "movq 8(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r0]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq 40(%[pc]), %[r0]\n\t"
      "adoxq 40(%[pc]), %[r0]\n\t"
      "movq %[r1], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "adoxq 40(%[pc]), %[r0]\n\t"
      "movq 16(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r1]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq 40(%[pc]), %[r1]\n\t"
      "adoxq 40(%[pc]), %[r1]\n\t"
      "movq %[r2], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "adoxq 40(%[pc]), %[r1]\n\t"
      "movq 24(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r2]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq 40(%[pc]), %[r2]\n\t"
      "adoxq 40(%[pc]), %[r2]\n\t"
      "movq %[r3], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "adoxq 40(%[pc]), %[r2]\n\t"
      "movq %[r4], %[lo]\n\t"
      "subq 0(%[pc]), %[lo]\n\t"
      "movq %[r0], %[hi]\n\t"
      "sbbq 8(%[pc]), %[hi]\n\t"
      "movq %[r1], %%rdx\n\t"
      "sbbq 16(%[pc]), %%rdx\n\t"
      "movq %[r2], %[r3]\n\t"
      "sbbq 24(%[pc]), %[r3]\n\t"
      "cmovcq %[r4], %[lo]\n\t"
      "cmovcq %[r0], %[hi]\n\t"
      "cmovcq %[r1], %%rdx\n\t"
      "cmovcq %[r2], %[r3]\n\t"
      "movq %[lo], 0(%[pr])\n\t"
      "movq %[hi], 8(%[pr])\n\t"
      "movq %%rdx, 16(%[pr])\n\t"
      "movq %[r3], 24(%[pr])\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [lo] "=&r"(lo), [hi] "=&r"(hi)
      : [pa] "r"(a->l), [pb] "r"(b->l), [pr] "r"(r->l), [pc] "r"(BN254_MONT_CONST)
      : "rdx", "cc", "memory");
}

/* w[0..8) = a * b (a, b < 2^255; no reduction). */
static inline void fp_mul_wide_adx(uint64_t w[8], const fp_t *a, const fp_t *b) {
  uint64_t r0, r1, r2, r3, r4, lo, hi;
  __asm__ __volatile__(
      ""
      "xorl %k[r0], %k[r0]\n\t"
      "xorl %k[r1], %k[r1]\n\t"
      "xorl %k[r2], %k[r2]\n\t"
      "xorl %k[r3], %k[r3]\n\t"
      "movq 0(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r4]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq 40(%[pc]), %[r4]\n\t"
      "adoxq 40(%[pc]), %[r4]\n\t"
      "movq %[r0], 0(%[pw])\n\t"
      "xorl %k[r0], %k[r0]\n\t"
      "movq 8(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r0]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq 40(%[pc]), %[r0]\n\t"
      "adoxq 40(%[pc]), %[r0]\n\t"
      "movq %[r1], 8(%[pw])\n\t"
      "xorl %k[r1], %k[r1]\n\t"
      "movq 16(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r1]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq 40(%[pc]), %[r1]\n\t"
      "adoxq 40(%[pc]), %[r1]\n\t"
      "movq %[r2], 16(%[pw])\n\t"
      "xorl %k[r2], %k[r2]\n\t"
      "movq 24(%[pb]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 8(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 16(%[pa]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 24(%[pa]), %[lo], %[r2]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq 40(%[pc]), %[r2]\n\t"
      "adoxq 40(%[pc]), %[r2]\n\t"
      "movq %[r3], 24(%[pw])\n\t"
      "xorl %k[r3], %k[r3]\n\t"
      "movq %[r4], 32(%[pw])\n\t"
      "movq %[r0], 40(%[pw])\n\t"
      "movq %[r1], 48(%[pw])\n\t"
      "movq %[r2], 56(%[pw])\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [lo] "=&r"(lo), [hi] "=&r"(hi)
      : [pa] "r"(a->l), [pb] "r"(b->l), [pw] "r"(w), [pc] "r"(BN254_MONT_CONST)
      : "rdx", "cc", "memory");
}

/* r = w / R mod p for w < p * 2^256, fully reduced: four reduction rounds on the low half,
 * then the high half is added and one conditional subtraction made. */
static inline void fp_redc_adx(fp_t *r, const uint64_t w[8]) {
  uint64_t r0, r1, r2, r3, r4, lo, hi;
  __asm__ __volatile__(
      ""
      "movq 0(%[pw]), %[r0]\n\t"
      "movq 8(%[pw]), %[r1]\n\t"
      "movq 16(%[pw]), %[r2]\n\t"
      "movq 24(%[pw]), %[r3]\n\t"
      "xorl %k[r4], %k[r4]\n\t"
      "movq %[r0], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "adoxq 40(%[pc]), %[r4]\n\t"
      "xorl %k[r0], %k[r0]\n\t"
      "movq %[r1], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "adoxq 40(%[pc]), %[r0]\n\t"
      "xorl %k[r1], %k[r1]\n\t"
      "movq %[r2], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r2]\n\t"
      "adcxq %[hi], %[r3]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "adoxq 40(%[pc]), %[r1]\n\t"
      "xorl %k[r2], %k[r2]\n\t"
      "movq %[r3], %%rdx\n\t"
      "imulq 32(%[pc]), %%rdx\n\t"
      "xorl %k[lo], %k[lo]\n\t"
      "mulxq 0(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r3]\n\t"
      "adcxq %[hi], %[r4]\n\t"
      "mulxq 8(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r4]\n\t"
      "adcxq %[hi], %[r0]\n\t"
      "mulxq 16(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r0]\n\t"
      "adcxq %[hi], %[r1]\n\t"
      "mulxq 24(%[pc]), %[lo], %[hi]\n\t"
      "adoxq %[lo], %[r1]\n\t"
      "adcxq %[hi], %[r2]\n\t"
      "adoxq 40(%[pc]), %[r2]\n\t"
      "addq 32(%[pw]), %[r4]\n\t"
      "adcq 40(%[pw]), %[r0]\n\t"
      "adcq 48(%[pw]), %[r1]\n\t"
      "adcq 56(%[pw]), %[r2]\n\t"
      "movq %[r4], %[lo]\n\t"
      "subq 0(%[pc]), %[lo]\n\t"
      "movq %[r0], %[hi]\n\t"
      "sbbq 8(%[pc]), %[hi]\n\t"
      "movq %[r1], %%rdx\n\t"
      "sbbq 16(%[pc]), %%rdx\n\t"
      "movq %[r2], %[r3]\n\t"
      "sbbq 24(%[pc]), %[r3]\n\t"
      "cmovcq %[r4], %[lo]\n\t"
      "cmovcq %[r0], %[hi]\n\t"
      "cmovcq %[r1], %%rdx\n\t"
      "cmovcq %[r2], %[r3]\n\t"
      "movq %[lo], 0(%[pr])\n\t"
      "movq %[hi], 8(%[pr])\n\t"
      "movq %%rdx, 16(%[pr])\n\t"
      "movq %[r3], 24(%[pr])\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [lo] "=&r"(lo), [hi] "=&r"(hi)
      : [pw] "r"(w), [pr] "r"(r->l), [pc] "r"(BN254_MONT_CONST)
      : "rdx", "cc", "memory");
}
#endif

static inline void fp_mul_c(fp_t *r, const fp_t *a, const fp_t *b) {
  const uint64_t a0 = a->l[0], a1 = a->l[1], a2 = a->l[2], a3 = a->l[3];
  uint64_t t0, t1, t2, t3, A, C, m, bi;
  bn254_u128 z;
  /* i = 0: t = a*b0 */
  bi = b->l[0];
  z = (bn254_u128)a0 * bi;
  t0 = (uint64_t)z;
  A = (uint64_t)(z >> 64);
  m = t0 * BN254_N0;
  z = (bn254_u128)m * BN254_P0 + t0;
  C = (uint64_t)(z >> 64);
  z = (bn254_u128)a1 * bi + A;
  t1 = (uint64_t)z;
  A = (uint64_t)(z >> 64);
  z = (bn254_u128)m * BN254_P1 + t1 + C;
  t0 = (uint64_t)z;
  C = (uint64_t)(z >> 64);
  z = (bn254_u128)a2 * bi + A;
  t2 = (uint64_t)z;
  A = (uint64_t)(z >> 64);
  z = (bn254_u128)m * BN254_P2 + t2 + C;
  t1 = (uint64_t)z;
  C = (uint64_t)(z >> 64);
  z = (bn254_u128)a3 * bi + A;
  t3 = (uint64_t)z;
  A = (uint64_t)(z >> 64);
  z = (bn254_u128)m * BN254_P3 + t3 + C;
  t2 = (uint64_t)z;
  C = (uint64_t)(z >> 64);
  t3 = C + A;
#define BN254_ROUND(idx)                 \
  bi = b->l[idx];                        \
  z = (bn254_u128)a0 * bi + t0;          \
  t0 = (uint64_t)z;                      \
  A = (uint64_t)(z >> 64);               \
  m = t0 * BN254_N0;                     \
  z = (bn254_u128)m * BN254_P0 + t0;     \
  C = (uint64_t)(z >> 64);               \
  z = (bn254_u128)a1 * bi + t1 + A;      \
  t1 = (uint64_t)z;                      \
  A = (uint64_t)(z >> 64);               \
  z = (bn254_u128)m * BN254_P1 + t1 + C; \
  t0 = (uint64_t)z;                      \
  C = (uint64_t)(z >> 64);               \
  z = (bn254_u128)a2 * bi + t2 + A;      \
  t2 = (uint64_t)z;                      \
  A = (uint64_t)(z >> 64);               \
  z = (bn254_u128)m * BN254_P2 + t2 + C; \
  t1 = (uint64_t)z;                      \
  C = (uint64_t)(z >> 64);               \
  z = (bn254_u128)a3 * bi + t3 + A;      \
  t3 = (uint64_t)z;                      \
  A = (uint64_t)(z >> 64);               \
  z = (bn254_u128)m * BN254_P3 + t3 + C; \
  t2 = (uint64_t)z;                      \
  C = (uint64_t)(z >> 64);               \
  t3 = C + A;
  BN254_ROUND(1)
  BN254_ROUND(2)
  BN254_ROUND(3)
#undef BN254_ROUND
  const uint64_t t[4] = {t0, t1, t2, t3};
  fp_reduce_once(r, t);
}

/* Portable double-width product and Montgomery reduction (same contracts as the _adx ones). */
static inline void fp_mul_wide_c(uint64_t w[8], const fp_t *a, const fp_t *b) {
  uint64_t t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; i++) {
    uint64_t c = 0;
    for (int j = 0; j < 4; j++) {
      bn254_u128 z = (bn254_u128)a->l[j] * b->l[i] + t[i + j] + c;
      t[i + j] = (uint64_t)z;
      c = (uint64_t)(z >> 64);
    }
    t[i + 4] = c;
  }
  memcpy(w, t, sizeof t);
}

static inline void fp_redc_c(fp_t *r, const uint64_t w[8]) {
  uint64_t t[4] = {w[0], w[1], w[2], w[3]};
  for (int i = 0; i < 4; i++) {
    uint64_t m = t[0] * BN254_N0;
    bn254_u128 z = (bn254_u128)m * BN254_FP_P.l[0] + t[0];
    uint64_t c = (uint64_t)(z >> 64);
    for (int j = 1; j < 4; j++) {
      z = (bn254_u128)m * BN254_FP_P.l[j] + t[j] + c;
      t[j - 1] = (uint64_t)z;
      c = (uint64_t)(z >> 64);
    }
    t[3] = c;
  }
  uint64_t s[4];
  unsigned char c = 0;
  BN254_ADC(c, t[0], w[4], &s[0]);
  BN254_ADC(c, t[1], w[5], &s[1]);
  BN254_ADC(c, t[2], w[6], &s[2]);
  BN254_ADC(c, t[3], w[7], &s[3]);
  fp_reduce_once(r, s);
}

static inline void fp_mul_wide(uint64_t w[8], const fp_t *a, const fp_t *b) {
#if defined(BN254_HAVE_MULX_ASM) && defined(__BMI2__) && defined(__ADX__)
  fp_mul_wide_adx(w, a, b);
#elif defined(BN254_HAVE_MULX_ASM)
  if (bn254_cpu_adx) fp_mul_wide_adx(w, a, b);
  else fp_mul_wide_c(w, a, b);
#else
  fp_mul_wide_c(w, a, b);
#endif
}

static inline void fp_redc(fp_t *r, const uint64_t w[8]) {
#if defined(BN254_HAVE_MULX_ASM) && defined(__BMI2__) && defined(__ADX__)
  fp_redc_adx(r, w);
#elif defined(BN254_HAVE_MULX_ASM)
  if (bn254_cpu_adx) fp_redc_adx(r, w);
  else fp_redc_c(r, w);
#else
  fp_redc_c(r, w);
#endif
}

static inline void fp_mul(fp_t *r, const fp_t *a, const fp_t *b) {
#if defined(BN254_HAVE_MULX_ASM) && defined(__BMI2__) && defined(__ADX__)
  fp_mul_adx(r, a, b);
#elif defined(BN254_HAVE_MULX_ASM)
  if (bn254_cpu_adx) fp_mul_adx(r, a, b);
  else fp_mul_c(r, a, b);
#else
  fp_mul_c(r, a, b);
#endif
}

static inline void fp_sqr(fp_t *r, const fp_t *a) { fp_mul(r, a, a); }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* x86-64: carry chains and CMOV selects in assembly (compilers turn the masked C select into
 * vector code or spills). */
static inline void fp_add(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t t0 = a->l[0], t1 = a->l[1], t2 = a->l[2], t3 = a->l[3], s0, s1, s2, s3;
  __asm__(
      "addq %[b0], %[t0]\n\t"
      "adcq %[b1], %[t1]\n\t"
      "adcq %[b2], %[t2]\n\t"
      "adcq %[b3], %[t3]\n\t"
      "movq %[t0], %[s0]\n\t"
      "subq %[p0], %[s0]\n\t"
      "movq %[t1], %[s1]\n\t"
      "sbbq %[p1], %[s1]\n\t"
      "movq %[t2], %[s2]\n\t"
      "sbbq %[p2], %[s2]\n\t"
      "movq %[t3], %[s3]\n\t"
      "sbbq %[p3], %[s3]\n\t"
      "cmovcq %[t0], %[s0]\n\t"
      "cmovcq %[t1], %[s1]\n\t"
      "cmovcq %[t2], %[s2]\n\t"
      "cmovcq %[t3], %[s3]\n\t"
      : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2),
        [s3] "=&r"(s3)
      : [b0] "m"(b->l[0]), [b1] "m"(b->l[1]), [b2] "m"(b->l[2]), [b3] "m"(b->l[3]), [p0] "m"(BN254_FP_P.l[0]),
        [p1] "m"(BN254_FP_P.l[1]), [p2] "m"(BN254_FP_P.l[2]), [p3] "m"(BN254_FP_P.l[3])
      : "cc");
  r->l[0] = s0;
  r->l[1] = s1;
  r->l[2] = s2;
  r->l[3] = s3;
}

static inline void fp_sub(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t t0 = a->l[0], t1 = a->l[1], t2 = a->l[2], t3 = a->l[3], s0, s1, s2, s3, m;
  __asm__(
      "subq %[b0], %[t0]\n\t"
      "sbbq %[b1], %[t1]\n\t"
      "sbbq %[b2], %[t2]\n\t"
      "sbbq %[b3], %[t3]\n\t"
      "sbbq %[m], %[m]\n\t"
      "movq %[t0], %[s0]\n\t"
      "addq %[p0], %[s0]\n\t"
      "movq %[t1], %[s1]\n\t"
      "adcq %[p1], %[s1]\n\t"
      "movq %[t2], %[s2]\n\t"
      "adcq %[p2], %[s2]\n\t"
      "movq %[t3], %[s3]\n\t"
      "adcq %[p3], %[s3]\n\t"
      "testq %[m], %[m]\n\t"
      "cmovzq %[t0], %[s0]\n\t"
      "cmovzq %[t1], %[s1]\n\t"
      "cmovzq %[t2], %[s2]\n\t"
      "cmovzq %[t3], %[s3]\n\t"
      : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [s0] "=&r"(s0), [s1] "=&r"(s1), [s2] "=&r"(s2),
        [s3] "=&r"(s3), [m] "=&r"(m)
      : [b0] "m"(b->l[0]), [b1] "m"(b->l[1]), [b2] "m"(b->l[2]), [b3] "m"(b->l[3]), [p0] "m"(BN254_FP_P.l[0]),
        [p1] "m"(BN254_FP_P.l[1]), [p2] "m"(BN254_FP_P.l[2]), [p3] "m"(BN254_FP_P.l[3])
      : "cc");
  r->l[0] = s0;
  r->l[1] = s1;
  r->l[2] = s2;
  r->l[3] = s3;
}
#else
static inline void fp_add(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t t[4];
  unsigned char c = 0;
  BN254_ADC(c, a->l[0], b->l[0], &t[0]);
  BN254_ADC(c, a->l[1], b->l[1], &t[1]);
  BN254_ADC(c, a->l[2], b->l[2], &t[2]);
  BN254_ADC(c, a->l[3], b->l[3], &t[3]);
  fp_reduce_once(r, t); /* a+b < 2p < 2^255: no carry out */
}

static inline void fp_sub(fp_t *r, const fp_t *a, const fp_t *b) {
  uint64_t t0, t1, t2, t3;
  unsigned char c = 0;
  BN254_SBB(c, a->l[0], b->l[0], &t0);
  BN254_SBB(c, a->l[1], b->l[1], &t1);
  BN254_SBB(c, a->l[2], b->l[2], &t2);
  BN254_SBB(c, a->l[3], b->l[3], &t3);
  uint64_t mask = (uint64_t)0 - c;
  c = 0;
  BN254_ADC(c, t0, BN254_P0 & mask, &r->l[0]);
  BN254_ADC(c, t1, BN254_P1 & mask, &r->l[1]);
  BN254_ADC(c, t2, BN254_P2 & mask, &r->l[2]);
  BN254_ADC(c, t3, BN254_P3 & mask, &r->l[3]);
}

#endif

static inline void fp_dbl(fp_t *r, const fp_t *a) { fp_add(r, a, a); }

static inline bool fp_is_zero(const fp_t *a) { return (a->l[0] | a->l[1] | a->l[2] | a->l[3]) == 0; }

static inline void fp_neg(fp_t *r, const fp_t *a) {
  uint64_t nz = fp_is_zero(a) ? 0 : ~(uint64_t)0;
  uint64_t t[4];
  bn254_sub4(t, BN254_FP_P.l, a->l);
  for (int i = 0; i < 4; i++) r->l[i] = t[i] & nz;
}

static inline bool fp_eq(const fp_t *a, const fp_t *b) {
  return ((a->l[0] ^ b->l[0]) | (a->l[1] ^ b->l[1]) | (a->l[2] ^ b->l[2]) | (a->l[3] ^ b->l[3])) == 0;
}

/* a/2 mod p */
static inline void fp_half(fp_t *r, const fp_t *a) {
  uint64_t mask = (uint64_t)0 - (a->l[0] & 1);
  uint64_t t[4];
  unsigned char c = 0;
  BN254_ADC(c, a->l[0], BN254_P0 & mask, &t[0]);
  BN254_ADC(c, a->l[1], BN254_P1 & mask, &t[1]);
  BN254_ADC(c, a->l[2], BN254_P2 & mask, &t[2]);
  BN254_ADC(c, a->l[3], BN254_P3 & mask, &t[3]);
  /* a + p < 2^255, c == 0 */
  r->l[0] = (t[0] >> 1) | (t[1] << 63);
  r->l[1] = (t[1] >> 1) | (t[2] << 63);
  r->l[2] = (t[2] >> 1) | (t[3] << 63);
  r->l[3] = t[3] >> 1;
}

/* ---- Fp2 = Fp[u]/(u^2 + 1) ---- */

static inline void fp2_add(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  fp_add(&r->c0, &a->c0, &b->c0);
  fp_add(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_sub(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  fp_sub(&r->c0, &a->c0, &b->c0);
  fp_sub(&r->c1, &a->c1, &b->c1);
}
static inline void fp2_dbl(fp2_t *r, const fp2_t *a) {
  fp_dbl(&r->c0, &a->c0);
  fp_dbl(&r->c1, &a->c1);
}
static inline void fp2_neg(fp2_t *r, const fp2_t *a) {
  fp_neg(&r->c0, &a->c0);
  fp_neg(&r->c1, &a->c1);
}
static inline void fp2_conj(fp2_t *r, const fp2_t *a) {
  r->c0 = a->c0;
  fp_neg(&r->c1, &a->c1);
}
static inline void fp2_half(fp2_t *r, const fp2_t *a) {
  fp_half(&r->c0, &a->c0);
  fp_half(&r->c1, &a->c1);
}
static inline bool fp2_is_zero(const fp2_t *a) { return fp_is_zero(&a->c0) && fp_is_zero(&a->c1); }
static inline bool fp2_eq(const fp2_t *a, const fp2_t *b) { return fp_eq(&a->c0, &b->c0) && fp_eq(&a->c1, &b->c1); }

/* Karatsuba with a reduction per product (reference for the lazy version below). */
static inline void fp2_mul_ref(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  fp_t t0, t1, s0, s1;
  fp_mul(&t0, &a->c0, &b->c0);
  fp_mul(&t1, &a->c1, &b->c1);
  fp_add(&s0, &a->c0, &a->c1);
  fp_add(&s1, &b->c0, &b->c1);
  fp_mul(&s0, &s0, &s1);
  fp_sub(&r->c0, &t0, &t1);
  fp_sub(&s0, &s0, &t0);
  fp_sub(&r->c1, &s0, &t1);
}

/* Karatsuba with lazy reduction: three double-width products and two reductions.
 * c0 = a0 b0 - a1 b1 (+ p*2^256 when negative), c1 = (a0+a1)(b0+b1) - a0 b0 - a1 b1 = a0 b1 + a1 b0
 * (exact, < 2p^2); both stay below p*2^256, the input bound of fp_redc. The sums a0+a1 are
 * left unreduced (< 2p < 2^255). */
static inline void fp2_mul(fp2_t *r, const fp2_t *a, const fp2_t *b) {
  uint64_t t0[8], t1[8], s[8], c0[8];
  fp_t sa, sb;
  unsigned char c = 0;
  BN254_ADC(c, a->c0.l[0], a->c1.l[0], &sa.l[0]);
  BN254_ADC(c, a->c0.l[1], a->c1.l[1], &sa.l[1]);
  BN254_ADC(c, a->c0.l[2], a->c1.l[2], &sa.l[2]);
  BN254_ADC(c, a->c0.l[3], a->c1.l[3], &sa.l[3]);
  c = 0;
  BN254_ADC(c, b->c0.l[0], b->c1.l[0], &sb.l[0]);
  BN254_ADC(c, b->c0.l[1], b->c1.l[1], &sb.l[1]);
  BN254_ADC(c, b->c0.l[2], b->c1.l[2], &sb.l[2]);
  BN254_ADC(c, b->c0.l[3], b->c1.l[3], &sb.l[3]);
  fp_mul_wide(t0, &a->c0, &b->c0);
  fp_mul_wide(t1, &a->c1, &b->c1);
  fp_mul_wide(s, &sa, &sb);
  c = 0;
  for (int i = 0; i < 8; i++) BN254_SBB(c, t0[i], t1[i], &c0[i]);
  uint64_t mask = (uint64_t)0 - c;
  c = 0;
  BN254_ADC(c, c0[4], BN254_P0 & mask, &c0[4]);
  BN254_ADC(c, c0[5], BN254_P1 & mask, &c0[5]);
  BN254_ADC(c, c0[6], BN254_P2 & mask, &c0[6]);
  BN254_ADC(c, c0[7], BN254_P3 & mask, &c0[7]);
  c = 0;
  for (int i = 0; i < 8; i++) BN254_SBB(c, s[i], t0[i], &s[i]);
  c = 0;
  for (int i = 0; i < 8; i++) BN254_SBB(c, s[i], t1[i], &s[i]);
  fp_redc(&r->c0, c0);
  fp_redc(&r->c1, s);
}

/* (a0 + a1 u)^2 = (a0+a1)(a0-a1) + 2 a0 a1 u */
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

/* r = a * xi, xi = 9 + u: (9 a0 - a1) + (a0 + 9 a1) u */
static inline void fp2_mul_xi(fp2_t *r, const fp2_t *a) {
  fp_t t0, t1, n0, n1;
  fp_dbl(&t0, &a->c0);
  fp_dbl(&t0, &t0);
  fp_dbl(&t0, &t0);
  fp_add(&t0, &t0, &a->c0); /* 9 a0 */
  fp_dbl(&t1, &a->c1);
  fp_dbl(&t1, &t1);
  fp_dbl(&t1, &t1);
  fp_add(&t1, &t1, &a->c1); /* 9 a1 */
  fp_sub(&n0, &t0, &a->c1);
  fp_add(&n1, &a->c0, &t1);
  r->c0 = n0;
  r->c1 = n1;
}

/* ---- non-inline helpers (bn254_fp.c / bn254_tower.c) ---- */
void bn254_fp_inv(fp_t *r, const fp_t *a); /* 0 -> 0 */
void bn254_fp2_inv(fp2_t *r, const fp2_t *a);
/* Big-endian 32 bytes -> Montgomery; false when the value is >= p. */
bool bn254_fp_from_bytes(fp_t *r, const uint8_t in[32]);
void bn254_fp_to_bytes(uint8_t out[32], const fp_t *a);
void bn254_fp_from_u64(fp_t *r, uint64_t v);

#endif
