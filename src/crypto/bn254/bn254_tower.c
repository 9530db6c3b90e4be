/* bn254 field tower: Fp helpers (inversion, byte codec), Fp6 = Fp2[v]/(v^3-(9+u)),
 * Fp12 = Fp6[w]/(w^2-v), Frobenius maps, Granger-Scott cyclotomic squaring and the final
 * exponentiation (p^12-1)/r used by the EIP-197 pairing check (hard part: Scott et al. chain). */
#include <gmp.h>

#include "crypto/bn254/bn254_internal.h"

#ifdef BN254_HAVE_MULX_ASM
#include <cpuid.h>
int bn254_cpu_adx = 0;
__attribute__((constructor)) static void bn254_detect_cpu(void) {
  unsigned int a, b, c, d;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) bn254_cpu_adx = ((b >> 8) & 1) && ((b >> 19) & 1);
}
#endif

#define FP(a, b, c, d) \
  {                    \
    { a, b, c, d }     \
  }
#define FP_ZERO FP(0, 0, 0, 0)

static const fp_t FP_R3 =
    FP(0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL, 0xef7f0b0c0ada0afbULL, 0x20fd6e902d592544ULL);

const fp2_t bn254_twist_b = {
    FP(0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL, 0x2514c6324384a86dULL),
    FP(0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL, 0x0141b9ce4a688d4dULL)};
const fp2_t bn254_twist_b3 = {
    FP(0x3baa927cb62e0d6aULL, 0xd71e7c52d1b664fdULL, 0x03873e63d95d4664ULL, 0x0e75b5b1082ab8f4ULL),
    FP(0xaab7c6667596fe35ULL, 0x31d21a78bb6a27baULL, 0x85dd7297680401ffULL, 0x03c52d6adf39a7e9ULL)};

const fp2_t bn254_frob_g1[6] = {
    {FP_ZERO, FP_ZERO},
    {FP(0xaf9ba69633144907ULL, 0xca6b1d7387afb78aULL, 0x11bded5ef08a2087ULL, 0x02f34d751a1f3a7cULL),
     FP(0xa222ae234c492d72ULL, 0xd00f02a4565de15bULL, 0xdc2ff3a253dfc926ULL, 0x10a75716b3899551ULL)},
    {FP(0xb5773b104563ab30ULL, 0x347f91c8a9aa6454ULL, 0x7a007127242e0991ULL, 0x1956bcd8118214ecULL),
     FP(0x6e849f1ea0aa4757ULL, 0xaa1c7b6d89f89141ULL, 0xb6e713cdfae0ca3aULL, 0x26694fbb4e82ebc3ULL)},
    {FP(0xe4bbdd0c2936b629ULL, 0xbb30f162e133bacbULL, 0x31a9d1b6f9645366ULL, 0x253570bea500f8ddULL),
     FP(0xa1d77ce45ffe77c7ULL, 0x07affd117826d1dbULL, 0x6d16bd27bb7edc6bULL, 0x2c87200285defeccULL)},
    {FP(0x7361d77f843abe92ULL, 0xa5bb2bd3273411fbULL, 0x9c941f314b3e2399ULL, 0x15df9cddbb9fd3ecULL),
     FP(0x5dddfd154bd8c949ULL, 0x62cb29a5a4445b60ULL, 0x37bc870a0c7dd2b9ULL, 0x24830a9d3171f0fdULL)},
    {FP(0xc970692f41690fe7ULL, 0xe240342127694b0bULL, 0x32bee66b83c459e8ULL, 0x12aabced0ab08841ULL),
     FP(0x0d485d2340aebfa9ULL, 0x05193418ab2fcc57ULL, 0xd3b0a40b8a4910f5ULL, 0x2f21ebb535d2925aULL)},
};
const fp_t bn254_frob_g2[6] = {
    FP_ZERO,
    FP(0xca8d800500fa1bf2ULL, 0xf0c5d61468b39769ULL, 0x0e201271ad0d4418ULL, 0x04290f65bad856e6ULL),
    FP(0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL, 0x2682e617020217e0ULL),
    FP(0x68c3488912edefaaULL, 0x8d087f6872aabf4fULL, 0x51e1a24709081231ULL, 0x2259d6b14729c0faULL),
    FP(0x71930c11d782e155ULL, 0xa6bb947cffbe3323ULL, 0xaa303344d4741444ULL, 0x2c3b3f0d26594943ULL),
    FP(0x08cfc388c494f1abULL, 0x19b315148d1373d4ULL, 0x584e90fdcb6c0213ULL, 0x09e1685bdf2f8849ULL),
};
const fp2_t bn254_frob_g3[6] = {
    {FP_ZERO, FP_ZERO},
    {FP(0x365316184e46d97dULL, 0x0af7129ed4c96d9fULL, 0x659da72fca1009b5ULL, 0x08116d8983a20d23ULL),
     FP(0xb1df4af7c39c1939ULL, 0x3d9f02878a73bf7fULL, 0x9b2220928caf0ae0ULL, 0x26684515eff054a6ULL)},
    {FP(0xc9af22f716ad6badULL, 0xb311782a4aa662b2ULL, 0x19eeaf64e248c7f4ULL, 0x20273e77e3439f82ULL),
     FP(0xacc02860f7ce93acULL, 0x3933d5817ba76b4cULL, 0x69e6188b446c8467ULL, 0x0a46036d4417cc55ULL)},
    {FP(0x5764af0aaf46471eULL, 0xdc50792e873e0fc1ULL, 0x86a673ff881d04f6ULL, 0x0b2eddb43c30a74cULL),
     FP(0x9a490f32787e8580ULL, 0x8fd16d7ff04af8b1ULL, 0x4b39888ec6027bf2ULL, 0x03dd2e705b52a15dULL)},
    {FP(0x448a93a57b6762dfULL, 0xbfd62df528fdeadfULL, 0xd858f5d00e9bd47aULL, 0x06b03d4d3476ec58ULL),
     FP(0x2b19daf4bcc936d1ULL, 0xa1a54e7a56f4299fULL, 0xb533eee05adeaef1ULL, 0x170c812b84dda0b2ULL)},
    {FP(0xe0bc4b2275cf559fULL, 0xc238b945c154e60fULL, 0x803982a5929a7d5eULL, 0x15ce052df7e4a37eULL),
     FP(0x2d28efbdbf3799a7ULL, 0x9b097e3c1ad60773ULL, 0x982d4113af4a535bULL, 0x24e18991e3056063ULL)},
};

/* ---- Fp helpers ---- */

/* Inverse of a Montgomery value aR: GMP gives (aR)^-1, and MontMul by R^3 yields a^-1 R. */
void bn254_fp_inv(fp_t *r, const fp_t *a) {
  if (fp_is_zero(a)) {
    memset(r, 0, sizeof *r);
    return;
  }
  mpz_t x, m, res;
  mpz_roinit_n(x, (const mp_limb_t *)a->l, 4);
  mpz_roinit_n(m, (const mp_limb_t *)BN254_FP_P.l, 4);
  mpz_init2(res, 320);
  mpz_invert(res, x, m);
  fp_t t = {{0, 0, 0, 0}};
  size_t n = mpz_size(res);
  for (size_t i = 0; i < n && i < 4; i++) t.l[i] = mpz_getlimbn(res, i);
  mpz_clear(res);
  fp_mul(r, &t, &FP_R3);
}

bool bn254_fp_from_bytes(fp_t *r, const uint8_t in[32]) {
  fp_t t;
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = (v << 8) | in[(3 - i) * 8 + j];
    t.l[i] = v;
  }
  uint64_t s[4];
  if (!bn254_sub4(s, t.l, BN254_FP_P.l)) return false; /* t >= p */
  fp_mul(r, &t, &BN254_FP_R2);
  return true;
}

void bn254_fp_to_bytes(uint8_t out[32], const fp_t *a) {
  static const fp_t one = {{1, 0, 0, 0}};
  fp_t t;
  fp_mul(&t, a, &one);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(t.l[i] >> (56 - 8 * j));
}

void bn254_fp_from_u64(fp_t *r, uint64_t v) {
  fp_t t = {{v, 0, 0, 0}};
  fp_mul(r, &t, &BN254_FP_R2);
}

void bn254_fp2_inv(fp2_t *r, const fp2_t *a) {
  fp_t t0, t1;
  fp_sqr(&t0, &a->c0);
  fp_sqr(&t1, &a->c1);
  fp_add(&t0, &t0, &t1);
  bn254_fp_inv(&t0, &t0);
  fp_mul(&r->c0, &a->c0, &t0);
  fp_mul(&t1, &a->c1, &t0);
  fp_neg(&r->c1, &t1);
}

/* ---- Fp6 ---- */

static inline void fp6_add(fp6_t *r, const fp6_t *a, const fp6_t *b) {
  fp2_add(&r->c0, &a->c0, &b->c0);
  fp2_add(&r->c1, &a->c1, &b->c1);
  fp2_add(&r->c2, &a->c2, &b->c2);
}
static inline void fp6_sub(fp6_t *r, const fp6_t *a, const fp6_t *b) {
  fp2_sub(&r->c0, &a->c0, &b->c0);
  fp2_sub(&r->c1, &a->c1, &b->c1);
  fp2_sub(&r->c2, &a->c2, &b->c2);
}
static inline void fp6_neg(fp6_t *r, const fp6_t *a) {
  fp2_neg(&r->c0, &a->c0);
  fp2_neg(&r->c1, &a->c1);
  fp2_neg(&r->c2, &a->c2);
}
/* r = a * v: (xi a2, a0, a1) */
static inline void fp6_mul_v(fp6_t *r, const fp6_t *a) {
  fp2_t t;
  fp2_mul_xi(&t, &a->c2);
  r->c2 = a->c1;
  r->c1 = a->c0;
  r->c0 = t;
}

void bn254_fp6_mul(fp6_t *r, const fp6_t *a, const fp6_t *b) {
  fp2_t t0, t1, t2, s0, s1, c0, c1, c2;
  fp2_mul(&t0, &a->c0, &b->c0);
  fp2_mul(&t1, &a->c1, &b->c1);
  fp2_mul(&t2, &a->c2, &b->c2);
  /* c0 = ((a1+a2)(b1+b2) - t1 - t2) xi + t0 */
  fp2_add(&s0, &a->c1, &a->c2);
  fp2_add(&s1, &b->c1, &b->c2);
  fp2_mul(&c0, &s0, &s1);
  fp2_sub(&c0, &c0, &t1);
  fp2_sub(&c0, &c0, &t2);
  fp2_mul_xi(&c0, &c0);
  fp2_add(&c0, &c0, &t0);
  /* c1 = (a0+a1)(b0+b1) - t0 - t1 + xi t2 */
  fp2_add(&s0, &a->c0, &a->c1);
  fp2_add(&s1, &b->c0, &b->c1);
  fp2_mul(&c1, &s0, &s1);
  fp2_sub(&c1, &c1, &t0);
  fp2_sub(&c1, &c1, &t1);
  fp2_mul_xi(&s0, &t2);
  fp2_add(&c1, &c1, &s0);
  /* c2 = (a0+a2)(b0+b2) - t0 - t2 + t1 */
  fp2_add(&s0, &a->c0, &a->c2);
  fp2_add(&s1, &b->c0, &b->c2);
  fp2_mul(&c2, &s0, &s1);
  fp2_sub(&c2, &c2, &t0);
  fp2_sub(&c2, &c2, &t2);
  fp2_add(&c2, &c2, &t1);
  r->c0 = c0;
  r->c1 = c1;
  r->c2 = c2;
}

/* Chung-Hasan SQR2: 2 multiplications and 3 squarings in Fp2. */
void bn254_fp6_sqr(fp6_t *r, const fp6_t *a) {
  fp2_t s0, s1, s2, s3, s4, t;
  fp2_sqr(&s0, &a->c0);
  fp2_mul(&s1, &a->c0, &a->c1);
  fp2_dbl(&s1, &s1);
  fp2_sub(&t, &a->c0, &a->c1);
  fp2_add(&t, &t, &a->c2);
  fp2_sqr(&s2, &t);
  fp2_mul(&s3, &a->c1, &a->c2);
  fp2_dbl(&s3, &s3);
  fp2_sqr(&s4, &a->c2);
  /* c0 = s0 + xi s3; c1 = s1 + xi s4; c2 = s1 + s2 + s3 - s0 - s4 */
  fp2_mul_xi(&t, &s3);
  fp2_add(&r->c0, &s0, &t);
  fp2_add(&r->c2, &s1, &s2);
  fp2_add(&r->c2, &r->c2, &s3);
  fp2_sub(&r->c2, &r->c2, &s0);
  fp2_sub(&r->c2, &r->c2, &s4);
  fp2_mul_xi(&t, &s4);
  fp2_add(&r->c1, &s1, &t);
}

/* a * (b0 + b1 v): 5 Fp2 multiplications. */
static void fp6_mul_01(fp6_t *r, const fp6_t *a, const fp2_t *b0, const fp2_t *b1) {
  fp2_t t0, t1, u0, u1, s0, s1;
  fp2_mul(&t0, &a->c0, b0);
  fp2_mul(&t1, &a->c1, b1);
  fp2_mul(&u0, &a->c2, b1);
  fp2_mul_xi(&u0, &u0);
  fp2_mul(&u1, &a->c2, b0);
  fp2_add(&s0, &a->c0, &a->c1);
  fp2_add(&s1, b0, b1);
  fp2_mul(&s0, &s0, &s1);
  fp2_sub(&s0, &s0, &t0);
  fp2_sub(&r->c1, &s0, &t1);
  fp2_add(&r->c0, &u0, &t0);
  fp2_add(&r->c2, &u1, &t1);
}

static void fp6_mul_fp2(fp6_t *r, const fp6_t *a, const fp2_t *b) {
  fp2_mul(&r->c0, &a->c0, b);
  fp2_mul(&r->c1, &a->c1, b);
  fp2_mul(&r->c2, &a->c2, b);
}

void bn254_fp6_inv(fp6_t *r, const fp6_t *a) {
  fp2_t t0, t1, t2, s, d;
  /* t0 = c0^2 - xi c1 c2; t1 = xi c2^2 - c0 c1; t2 = c1^2 - c0 c2 */
  fp2_sqr(&t0, &a->c0);
  fp2_mul(&s, &a->c1, &a->c2);
  fp2_mul_xi(&s, &s);
  fp2_sub(&t0, &t0, &s);
  fp2_sqr(&t1, &a->c2);
  fp2_mul_xi(&t1, &t1);
  fp2_mul(&s, &a->c0, &a->c1);
  fp2_sub(&t1, &t1, &s);
  fp2_sqr(&t2, &a->c1);
  fp2_mul(&s, &a->c0, &a->c2);
  fp2_sub(&t2, &t2, &s);
  /* d = c0 t0 + xi (c2 t1 + c1 t2) */
  fp2_mul(&d, &a->c2, &t1);
  fp2_mul(&s, &a->c1, &t2);
  fp2_add(&d, &d, &s);
  fp2_mul_xi(&d, &d);
  fp2_mul(&s, &a->c0, &t0);
  fp2_add(&d, &d, &s);
  bn254_fp2_inv(&d, &d);
  fp2_mul(&r->c0, &t0, &d);
  fp2_mul(&r->c1, &t1, &d);
  fp2_mul(&r->c2, &t2, &d);
}

/* ---- Fp12 ---- */

void bn254_fp12_one(fp12_t *r) {
  memset(r, 0, sizeof *r);
  r->c0.c0.c0 = BN254_FP_ONE;
}

bool bn254_fp12_eq(const fp12_t *a, const fp12_t *b) {
  return fp2_eq(&a->c0.c0, &b->c0.c0) && fp2_eq(&a->c0.c1, &b->c0.c1) && fp2_eq(&a->c0.c2, &b->c0.c2) &&
         fp2_eq(&a->c1.c0, &b->c1.c0) && fp2_eq(&a->c1.c1, &b->c1.c1) && fp2_eq(&a->c1.c2, &b->c1.c2);
}

bool bn254_fp12_is_one(const fp12_t *a) {
  fp12_t one;
  bn254_fp12_one(&one);
  return bn254_fp12_eq(a, &one);
}

void bn254_fp12_mul(fp12_t *r, const fp12_t *a, const fp12_t *b) {
  fp6_t t0, t1, s0, s1;
  bn254_fp6_mul(&t0, &a->c0, &b->c0);
  bn254_fp6_mul(&t1, &a->c1, &b->c1);
  fp6_add(&s0, &a->c0, &a->c1);
  fp6_add(&s1, &b->c0, &b->c1);
  bn254_fp6_mul(&s0, &s0, &s1);
  fp6_sub(&s0, &s0, &t0);
  fp6_sub(&r->c1, &s0, &t1);
  fp6_mul_v(&t1, &t1);
  fp6_add(&r->c0, &t0, &t1);
}

/* Complex squaring: c0' = (c0+c1)(c0+v c1) - t - v t, c1' = 2t with t = c0 c1. */
void bn254_fp12_sqr(fp12_t *r, const fp12_t *a) {
  fp6_t t, s0, s1, vt;
  bn254_fp6_mul(&t, &a->c0, &a->c1);
  fp6_add(&s0, &a->c0, &a->c1);
  fp6_mul_v(&s1, &a->c1);
  fp6_add(&s1, &s1, &a->c0);
  bn254_fp6_mul(&s0, &s0, &s1);
  fp6_sub(&s0, &s0, &t);
  fp6_mul_v(&vt, &t);
  fp6_sub(&r->c0, &s0, &vt);
  fp6_add(&r->c1, &t, &t);
}

void bn254_fp12_conj(fp12_t *r, const fp12_t *a) {
  r->c0 = a->c0;
  fp6_neg(&r->c1, &a->c1);
}

void bn254_fp12_inv(fp12_t *r, const fp12_t *a) {
  fp6_t t0, t1;
  bn254_fp6_sqr(&t0, &a->c0);
  bn254_fp6_sqr(&t1, &a->c1);
  fp6_mul_v(&t1, &t1);
  fp6_sub(&t0, &t0, &t1);
  bn254_fp6_inv(&t0, &t0);
  bn254_fp6_mul(&r->c0, &a->c0, &t0);
  bn254_fp6_mul(&t1, &a->c1, &t0);
  fp6_neg(&r->c1, &t1);
}

/* w-basis coefficient i: 0=c0.c0, 1=c1.c0, 2=c0.c1, 3=c1.c1, 4=c0.c2, 5=c1.c2. */
void bn254_fp12_frob(fp12_t *r, const fp12_t *a) {
  fp2_conj(&r->c0.c0, &a->c0.c0);
  fp2_conj(&r->c1.c0, &a->c1.c0);
  fp2_mul(&r->c1.c0, &r->c1.c0, &bn254_frob_g1[1]);
  fp2_conj(&r->c0.c1, &a->c0.c1);
  fp2_mul(&r->c0.c1, &r->c0.c1, &bn254_frob_g1[2]);
  fp2_conj(&r->c1.c1, &a->c1.c1);
  fp2_mul(&r->c1.c1, &r->c1.c1, &bn254_frob_g1[3]);
  fp2_conj(&r->c0.c2, &a->c0.c2);
  fp2_mul(&r->c0.c2, &r->c0.c2, &bn254_frob_g1[4]);
  fp2_conj(&r->c1.c2, &a->c1.c2);
  fp2_mul(&r->c1.c2, &r->c1.c2, &bn254_frob_g1[5]);
}

void bn254_fp12_frob2(fp12_t *r, const fp12_t *a) {
  r->c0.c0 = a->c0.c0;
  fp2_mul_fp(&r->c1.c0, &a->c1.c0, &bn254_frob_g2[1]);
  fp2_mul_fp(&r->c0.c1, &a->c0.c1, &bn254_frob_g2[2]);
  fp2_mul_fp(&r->c1.c1, &a->c1.c1, &bn254_frob_g2[3]);
  fp2_mul_fp(&r->c0.c2, &a->c0.c2, &bn254_frob_g2[4]);
  fp2_mul_fp(&r->c1.c2, &a->c1.c2, &bn254_frob_g2[5]);
}

void bn254_fp12_frob3(fp12_t *r, const fp12_t *a) {
  fp2_conj(&r->c0.c0, &a->c0.c0);
  fp2_conj(&r->c1.c0, &a->c1.c0);
  fp2_mul(&r->c1.c0, &r->c1.c0, &bn254_frob_g3[1]);
  fp2_conj(&r->c0.c1, &a->c0.c1);
  fp2_mul(&r->c0.c1, &r->c0.c1, &bn254_frob_g3[2]);
  fp2_conj(&r->c1.c1, &a->c1.c1);
  fp2_mul(&r->c1.c1, &r->c1.c1, &bn254_frob_g3[3]);
  fp2_conj(&r->c0.c2, &a->c0.c2);
  fp2_mul(&r->c0.c2, &r->c0.c2, &bn254_frob_g3[4]);
  fp2_conj(&r->c1.c2, &a->c1.c2);
  fp2_mul(&r->c1.c2, &r->c1.c2, &bn254_frob_g3[5]);
}

/* (x + y s)^2 with s^2 = xi: x^2 + xi y^2, 2xy. */
static inline void fp4_sqr(fp2_t *rx, fp2_t *ry, const fp2_t *x, const fp2_t *y) {
  fp2_t a, b, c;
  fp2_sqr(&a, x);
  fp2_sqr(&b, y);
  fp2_add(&c, x, y);
  fp2_sqr(&c, &c);
  fp2_sub(&c, &c, &a);
  fp2_sub(ry, &c, &b);
  fp2_mul_xi(&b, &b);
  fp2_add(rx, &a, &b);
}

/* r = 3 t - 2 a  /  r = 3 t + 2 a */
static inline void fp2_3t_minus_2a(fp2_t *r, const fp2_t *t, const fp2_t *a) {
  fp2_t d;
  fp2_sub(&d, t, a);
  fp2_dbl(&d, &d);
  fp2_add(r, &d, t);
}
static inline void fp2_3t_plus_2a(fp2_t *r, const fp2_t *t, const fp2_t *a) {
  fp2_t d;
  fp2_add(&d, t, a);
  fp2_dbl(&d, &d);
  fp2_add(r, &d, t);
}

/* Granger-Scott: with Fp4 = Fp2[s]/(s^2 - xi), s = w^3, write f = A + B w + C w^2,
 * A = (c0.c0, c1.c1), B = (c1.c0, c0.c2), C = (c0.c1, c1.c2). Then
 * f^2 = (3A^2 - 2conj(A)) + (3 s C^2 + 2conj(B)) w + (3B^2 - 2conj(C)) w^2. */
void bn254_fp12_cyc_sqr(fp12_t *r, const fp12_t *a) {
  fp2_t a0, a1, b0, b1, c0, c1, t;
  fp4_sqr(&a0, &a1, &a->c0.c0, &a->c1.c1);
  fp4_sqr(&b0, &b1, &a->c1.c0, &a->c0.c2);
  fp4_sqr(&c0, &c1, &a->c0.c1, &a->c1.c2);
  fp12_t o;
  fp2_3t_minus_2a(&o.c0.c0, &a0, &a->c0.c0);
  fp2_3t_plus_2a(&o.c1.c1, &a1, &a->c1.c1);
  fp2_mul_xi(&t, &c1);
  fp2_3t_plus_2a(&o.c1.c0, &t, &a->c1.c0);
  fp2_3t_minus_2a(&o.c0.c2, &c0, &a->c0.c2);
  fp2_3t_minus_2a(&o.c0.c1, &b0, &a->c0.c1);
  fp2_3t_plus_2a(&o.c1.c2, &b1, &a->c1.c2);
  *r = o;
}

void bn254_fp12_mul_line(fp12_t *f, const fp2_t *l0, const fp2_t *l1, const fp2_t *l3) {
  /* (f0 + f1 w)(L0 + L1 w), L0 = l0, L1 = l1 + l3 v */
  fp6_t t0, t1, s;
  fp2_t m0;
  fp6_mul_fp2(&t0, &f->c0, l0);
  fp6_mul_01(&t1, &f->c1, l1, l3);
  fp6_add(&s, &f->c0, &f->c1);
  fp2_add(&m0, l0, l1);
  fp6_mul_01(&s, &s, &m0, l3);
  fp6_sub(&s, &s, &t0);
  fp6_sub(&f->c1, &s, &t1);
  fp6_mul_v(&t1, &t1);
  fp6_add(&f->c0, &t0, &t1);
}

/* a^u for a in the cyclotomic subgroup (where a^-1 = conj(a)), u = 0x44e992b44a6909f1, via the
 * width-4 NAF of u (14 non-zero digits): 62 cyclotomic squarings and 16 multiplications. */
static const int8_t U_WNAF4[63] = {/* most significant digit first */
                                   1, 0, 0, 0,  0,  0, 5, 0,  0, 0, 0, -3, 0, 0, 0, 3, 0,  0, 0, 0, 5,
                                   0, 0, 0, -5, 0,  0, 0, -3, 0, 0, 0, 1,  0, 0, 0, 0, 5,  0, 0, 0, 0,
                                   7, 0, 0, 0,  -7, 0, 0, 0,  0, 0, 0, 5,  0, 0, 0, 0, -1, 0, 0, 0, 1};

static void fp12_exp_u(fp12_t *r, const fp12_t *a) {
  fp12_t odd[4], neg[4], a2, acc; /* odd[i] = a^(2i+1) */
  odd[0] = *a;
  bn254_fp12_cyc_sqr(&a2, a);
  for (int i = 1; i < 4; i++) bn254_fp12_mul(&odd[i], &odd[i - 1], &a2);
  for (int i = 0; i < 4; i++) bn254_fp12_conj(&neg[i], &odd[i]);
  acc = *a; /* leading digit 1 */
  for (int i = 1; i < 63; i++) {
    bn254_fp12_cyc_sqr(&acc, &acc);
    int d = U_WNAF4[i];
    if (d > 0) bn254_fp12_mul(&acc, &acc, &odd[d >> 1]);
    else if (d < 0) bn254_fp12_mul(&acc, &acc, &neg[(-d) >> 1]);
  }
  *r = acc;
}

void bn254_final_exp(fp12_t *r, const fp12_t *f) {
  fp12_t t, inv, fu, fu2, fu3, y0, y1, y2, y3, y4, y5, y6, a, b;
  /* easy part: f^(p^6-1)(p^2+1) */
  bn254_fp12_inv(&inv, f);
  bn254_fp12_conj(&t, f);
  bn254_fp12_mul(&t, &t, &inv);
  bn254_fp12_frob2(&a, &t);
  bn254_fp12_mul(&t, &a, &t);
  /* hard part (p^4 - p^2 + 1)/r */
  fp12_exp_u(&fu, &t);
  fp12_exp_u(&fu2, &fu);
  fp12_exp_u(&fu3, &fu2);
  bn254_fp12_frob(&y0, &t);
  bn254_fp12_frob2(&a, &t);
  bn254_fp12_mul(&y0, &y0, &a);
  bn254_fp12_frob3(&a, &t);
  bn254_fp12_mul(&y0, &y0, &a);
  bn254_fp12_conj(&y1, &t);
  bn254_fp12_frob2(&y2, &fu2);
  bn254_fp12_frob(&y3, &fu);
  bn254_fp12_conj(&y3, &y3);
  bn254_fp12_frob(&a, &fu2);
  bn254_fp12_mul(&y4, &fu, &a);
  bn254_fp12_conj(&y4, &y4);
  bn254_fp12_conj(&y5, &fu2);
  bn254_fp12_frob(&a, &fu3);
  bn254_fp12_mul(&y6, &fu3, &a);
  bn254_fp12_conj(&y6, &y6);
  /* t0 = y6^2 y4 y5; t1 = y3 y5 t0; t0 *= y2; t1 = (t1^2 t0)^2; t0 = t1 y1; t1 *= y0; r = t0^2 t1 */
  bn254_fp12_cyc_sqr(&a, &y6);
  bn254_fp12_mul(&a, &a, &y4);
  bn254_fp12_mul(&a, &a, &y5);
  bn254_fp12_mul(&b, &y3, &y5);
  bn254_fp12_mul(&b, &b, &a);
  bn254_fp12_mul(&a, &a, &y2);
  bn254_fp12_cyc_sqr(&b, &b);
  bn254_fp12_mul(&b, &b, &a);
  bn254_fp12_cyc_sqr(&b, &b);
  bn254_fp12_mul(&a, &b, &y1);
  bn254_fp12_mul(&b, &b, &y0);
  bn254_fp12_cyc_sqr(&a, &a);
  bn254_fp12_mul(r, &a, &b);
}
