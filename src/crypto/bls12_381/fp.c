/* BLS12-381 base field Fp and its quadratic extension Fp2 = Fp[u]/(u^2+1):
 * exponentiation, inversion, square roots (p = 3 mod 4), byte conversion and
 * the sgn0 / lexicographic sign conventions of RFC 9380 and the ZCash format. */
#include <gmp.h>

#include "bls_internal.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

int bls_have_adx = 0;

#if defined(__x86_64__)
/* BMI2 (MULX) and ADX (ADCX/ADOX): CPUID leaf 7, EBX bits 8 and 19. */
__attribute__((constructor)) static void bls_detect_cpu(void) {
  unsigned a, b, c, d;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) bls_have_adx = ((b >> 8) & 1) && ((b >> 19) & 1);
}
#endif

void fp_pow(fp_t *r, const fp_t *a, const uint64_t e[6]) {
  /* 4-bit fixed window. */
  fp_t tbl[16], acc;
  tbl[0] = BLS_ONE;
  tbl[1] = *a;
  for (int i = 2; i < 16; i++) fp_mul(&tbl[i], &tbl[i - 1], a);
  acc = BLS_ONE;
  bool started = false;
  for (int i = 5; i >= 0; i--) {
    for (int s = 60; s >= 0; s -= 4) {
      unsigned d = (unsigned)(e[i] >> s) & 15;
      if (started) {
        fp_sqr(&acc, &acc);
        fp_sqr(&acc, &acc);
        fp_sqr(&acc, &acc);
        fp_sqr(&acc, &acc);
      }
      if (d) {
        if (started) fp_mul(&acc, &acc, &tbl[d]);
        else acc = tbl[d];
        started = true;
      }
    }
  }
  *r = acc;
}

/* Inversion by GMP's extended gcd on the stored value A = aR: A^-1 = a^-1 R^-1,
 * times R^3 in one Montgomery product gives a^-1 R. Several times faster than
 * Fermat (a^(p-2)). 0 maps to 0. */
void fp_inv(fp_t *r, const fp_t *a) {
  if (fp_is_zero(a)) {
    fp_set_zero(r);
    return;
  }
#if GMP_LIMB_BITS != 64 || GMP_NAIL_BITS != 0
  fp_pow(r, a, BLS_EXP_P_MINUS_2);
#else
  static const mp_limb_t P_MP[6] = BLS_P_LIMBS;
  mpz_t x, m, out;
  mpz_roinit_n(x, (const mp_limb_t *)a->l, 6);
  mpz_roinit_n(m, P_MP, 6);
  mpz_init2(out, 384);
  if (!mpz_invert(out, x, m)) { /* impossible for a nonzero a < p */
    mpz_clear(out);
    fp_pow(r, a, BLS_EXP_P_MINUS_2);
    return;
  }
  fp_t t;
  fp_set_zero(&t);
  size_t n = mpz_size(out);
  for (size_t i = 0; i < n && i < 6; i++) t.l[i] = mpz_getlimbn(out, (mp_size_t)i);
  mpz_clear(out);
  fp_mul(r, &t, &BLS_R3);
#endif
}

bool fp_sqrt(fp_t *r, const fp_t *a) {
  fp_t s, c;
  fp_pow(&s, a, BLS_EXP_SQRT);
  fp_sqr(&c, &s);
  if (!fp_eq(&c, a)) return false;
  *r = s;
  return true;
}

bool fp_is_square(const fp_t *a) {
  if (fp_is_zero(a)) return true;
  fp_t t;
  fp_pow(&t, a, BLS_EXP_LEGENDRE);
  return fp_eq(&t, &BLS_ONE);
}

void fp_from_plain(fp_t *r, const uint64_t a[6]) {
  fp_t t;
  memcpy(t.l, a, sizeof t.l);
  fp_mul(r, &t, &BLS_R2);
}

void fp_to_plain(uint64_t r[6], const fp_t *a) {
  fp_t one = {{1, 0, 0, 0, 0, 0}}, t;
  fp_mul(&t, a, &one);
  memcpy(r, t.l, sizeof t.l);
}

bool fp_from_be48(fp_t *r, const uint8_t in[48]) {
  uint64_t w[6];
  for (int i = 0; i < 6; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = (v << 8) | in[(5 - i) * 8 + j];
    w[i] = v;
  }
  /* reject w >= p */
  for (int i = 5; i >= 0; i--) {
    if (w[i] < BLS_P[i]) break;
    if (w[i] > BLS_P[i] || i == 0) return false;
  }
  fp_from_plain(r, w);
  return true;
}

void fp_to_be48(uint8_t out[48], const fp_t *a) {
  uint64_t w[6];
  fp_to_plain(w, a);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 8; j++) out[(5 - i) * 8 + j] = (uint8_t)(w[i] >> (56 - 8 * j));
}

bool fp_sgn0(const fp_t *a) {
  uint64_t w[6];
  fp_to_plain(w, a);
  return w[0] & 1;
}

bool fp_lex_largest(const fp_t *a) {
  /* plain(a) > (p-1)/2  <=>  2*plain(a) > p-1  <=> 2a >= p (a < p) */
  uint64_t w[6], d[7], c = 0;
  fp_to_plain(w, a);
  for (int i = 0; i < 6; i++) {
    d[i] = (w[i] << 1) | c;
    c = w[i] >> 63;
  }
  d[6] = c;
  if (d[6]) return true;
  for (int i = 5; i >= 0; i--) {
    if (d[i] > BLS_P[i]) return true;
    if (d[i] < BLS_P[i]) return false;
  }
  return true; /* equal: impossible for odd p */
}

/* ---------------------------------------------------------------- Fp2 --- */

void fp2_inv(fp2_t *r, const fp2_t *a) {
  fp_t t0, t1;
  fp_sqr(&t0, &a->c0);
  fp_sqr(&t1, &a->c1);
  fp_add(&t0, &t0, &t1);
  fp_inv(&t1, &t0);
  fp_mul(&r->c0, &a->c0, &t1);
  fp_mul(&t0, &a->c1, &t1);
  fp_neg(&r->c1, &t0);
}

void fp2_pow(fp2_t *r, const fp2_t *a, const uint64_t *e, int nlimbs) {
  fp2_t tbl[16], acc;
  fp2_set_one(&tbl[0]);
  tbl[1] = *a;
  for (int i = 2; i < 16; i++) fp2_mul(&tbl[i], &tbl[i - 1], a);
  fp2_set_one(&acc);
  bool started = false;
  for (int i = nlimbs - 1; i >= 0; i--) {
    for (int s = 60; s >= 0; s -= 4) {
      unsigned d = (unsigned)(e[i] >> s) & 15;
      if (started) {
        fp2_sqr(&acc, &acc);
        fp2_sqr(&acc, &acc);
        fp2_sqr(&acc, &acc);
        fp2_sqr(&acc, &acc);
      }
      if (d) {
        if (started) fp2_mul(&acc, &acc, &tbl[d]);
        else acc = tbl[d];
        started = true;
      }
    }
  }
  *r = acc;
}

bool fp2_is_square(const fp2_t *a) {
  fp_t t0, t1;
  fp_sqr(&t0, &a->c0);
  fp_sqr(&t1, &a->c1);
  fp_add(&t0, &t0, &t1);
  return fp_is_square(&t0);
}

/* Square root through the norm (p = 3 mod 4, u^2 = -1): with g = sqrt(a0^2 + a1^2),
 * x0 = sqrt((a0 +- g) / 2) and x1 = a1 / (2 x0). Two or three Fp square roots
 * instead of two Fp2 exponentiations. */
bool fp2_sqrt(fp2_t *r, const fp2_t *a) {
  fp2_t t;
  if (fp_is_zero(&a->c1)) {
    /* a0 is a square (root in Fp) or -a0 is (root in u Fp) */
    if (fp_sqrt(&t.c0, &a->c0)) {
      fp_set_zero(&t.c1);
    } else {
      fp_t na;
      fp_neg(&na, &a->c0);
      if (!fp_sqrt(&t.c1, &na)) return false;
      fp_set_zero(&t.c0);
    }
  } else {
    fp_t n, g, d, half, x0, x1;
    fp_sqr(&n, &a->c0);
    fp_sqr(&d, &a->c1);
    fp_add(&n, &n, &d);
    if (!fp_sqrt(&g, &n)) return false;
    /* half = 1/2 */
    fp_add(&half, &BLS_ONE, &BLS_ONE);
    fp_inv(&half, &half);
    fp_add(&d, &a->c0, &g);
    fp_mul(&d, &d, &half);
    if (!fp_sqrt(&x0, &d)) {
      fp_sub(&d, &a->c0, &g);
      fp_mul(&d, &d, &half);
      if (!fp_sqrt(&x0, &d)) return false;
    }
    fp_dbl(&x1, &x0);
    fp_inv(&x1, &x1);
    fp_mul(&x1, &x1, &a->c1);
    t.c0 = x0;
    t.c1 = x1;
  }
  fp2_t chk;
  fp2_sqr(&chk, &t);
  if (!fp2_eq(&chk, a)) return false;
  *r = t;
  return true;
}

bool fp2_sgn0(const fp2_t *a) {
  bool s0 = fp_sgn0(&a->c0), z0 = fp_is_zero(&a->c0), s1 = fp_sgn0(&a->c1);
  return s0 || (z0 && s1);
}

bool fp2_lex_largest(const fp2_t *a) {
  if (!fp_is_zero(&a->c1)) return fp_lex_largest(&a->c1);
  return fp_lex_largest(&a->c0);
}
