/* BLS12-381 extension tower Fp6 = Fp2[v]/(v^3 - (1+u)), Fp12 = Fp6[w]/(w^2 - v):
 * Karatsuba products, inversion, Frobenius maps, Granger-Scott cyclotomic squaring
 * and the sparse product by a Miller-loop line (coefficients at 1, v and v*w). */
#include "bls_internal.h"

void fp6_add(fp6_t *r, const fp6_t *a, const fp6_t *b) {
  fp2_add(&r->c0, &a->c0, &b->c0);
  fp2_add(&r->c1, &a->c1, &b->c1);
  fp2_add(&r->c2, &a->c2, &b->c2);
}
void fp6_sub(fp6_t *r, const fp6_t *a, const fp6_t *b) {
  fp2_sub(&r->c0, &a->c0, &b->c0);
  fp2_sub(&r->c1, &a->c1, &b->c1);
  fp2_sub(&r->c2, &a->c2, &b->c2);
}
void fp6_neg(fp6_t *r, const fp6_t *a) {
  fp2_neg(&r->c0, &a->c0);
  fp2_neg(&r->c1, &a->c1);
  fp2_neg(&r->c2, &a->c2);
}

void fp6_mul(fp6_t *r, const fp6_t *a, const fp6_t *b) {
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

/* Chung-Hasan SQR2. */
void fp6_sqr(fp6_t *r, const fp6_t *a) {
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
  fp2_t c0, c1, c2;
  fp2_mul_xi(&t, &s3);
  fp2_add(&c0, &s0, &t);
  fp2_mul_xi(&t, &s4);
  fp2_add(&c1, &s1, &t);
  fp2_add(&c2, &s1, &s2);
  fp2_add(&c2, &c2, &s3);
  fp2_sub(&c2, &c2, &s0);
  fp2_sub(&c2, &c2, &s4);
  r->c0 = c0;
  r->c1 = c1;
  r->c2 = c2;
}

void fp6_mul_v(fp6_t *r, const fp6_t *a) {
  fp2_t t;
  fp2_mul_xi(&t, &a->c2);
  r->c2 = a->c1;
  r->c1 = a->c0;
  r->c0 = t;
}

void fp6_inv(fp6_t *r, const fp6_t *a) {
  fp2_t c0, c1, c2, t, u;
  /* c0 = a0^2 - xi a1 a2 */
  fp2_sqr(&c0, &a->c0);
  fp2_mul(&t, &a->c1, &a->c2);
  fp2_mul_xi(&t, &t);
  fp2_sub(&c0, &c0, &t);
  /* c1 = xi a2^2 - a0 a1 */
  fp2_sqr(&c1, &a->c2);
  fp2_mul_xi(&c1, &c1);
  fp2_mul(&t, &a->c0, &a->c1);
  fp2_sub(&c1, &c1, &t);
  /* c2 = a1^2 - a0 a2 */
  fp2_sqr(&c2, &a->c1);
  fp2_mul(&t, &a->c0, &a->c2);
  fp2_sub(&c2, &c2, &t);
  /* t = a0 c0 + xi (a2 c1 + a1 c2) */
  fp2_mul(&t, &a->c2, &c1);
  fp2_mul(&u, &a->c1, &c2);
  fp2_add(&t, &t, &u);
  fp2_mul_xi(&t, &t);
  fp2_mul(&u, &a->c0, &c0);
  fp2_add(&t, &t, &u);
  fp2_inv(&t, &t);
  fp2_mul(&r->c0, &c0, &t);
  fp2_mul(&r->c1, &c1, &t);
  fp2_mul(&r->c2, &c2, &t);
}

/* a * (b0 + b1 v) */
static void fp6_mul_01(fp6_t *r, const fp6_t *a, const fp2_t *b0, const fp2_t *b1) {
  fp2_t t0, t1, s0, s1, c0, c1, c2;
  fp2_mul(&t0, &a->c0, b0);
  fp2_mul(&t1, &a->c1, b1);
  fp2_mul(&c0, &a->c2, b1);
  fp2_mul_xi(&c0, &c0);
  fp2_add(&c0, &c0, &t0);
  fp2_add(&s0, &a->c0, &a->c1);
  fp2_add(&s1, b0, b1);
  fp2_mul(&c1, &s0, &s1);
  fp2_sub(&c1, &c1, &t0);
  fp2_sub(&c1, &c1, &t1);
  fp2_mul(&c2, &a->c2, b0);
  fp2_add(&c2, &c2, &t1);
  r->c0 = c0;
  r->c1 = c1;
  r->c2 = c2;
}

/* a * (b1 v) */
static void fp6_mul_1(fp6_t *r, const fp6_t *a, const fp2_t *b1) {
  fp2_t c0, c1, c2;
  fp2_mul(&c0, &a->c2, b1);
  fp2_mul_xi(&c0, &c0);
  fp2_mul(&c1, &a->c0, b1);
  fp2_mul(&c2, &a->c1, b1);
  r->c0 = c0;
  r->c1 = c1;
  r->c2 = c2;
}

void fp12_set_one(fp12_t *r) {
  memset(r, 0, sizeof *r);
  r->c0.c0.c0 = BLS_ONE;
}

bool fp12_eq(const fp12_t *a, const fp12_t *b) { return memcmp(a, b, sizeof *a) == 0; }

bool fp12_is_one(const fp12_t *a) {
  fp12_t one;
  fp12_set_one(&one);
  return fp12_eq(a, &one);
}

void fp12_mul(fp12_t *r, const fp12_t *a, const fp12_t *b) {
  fp6_t t0, t1, s0, s1;
  fp6_mul(&t0, &a->c0, &b->c0);
  fp6_mul(&t1, &a->c1, &b->c1);
  fp6_add(&s0, &a->c0, &a->c1);
  fp6_add(&s1, &b->c0, &b->c1);
  fp6_mul(&s0, &s0, &s1);
  fp6_sub(&s0, &s0, &t0);
  fp6_sub(&r->c1, &s0, &t1);
  fp6_mul_v(&t1, &t1);
  fp6_add(&r->c0, &t0, &t1);
}

void fp12_sqr(fp12_t *r, const fp12_t *a) {
  /* c0 = (a0+a1)(a0+v a1) - t - v t, c1 = 2t, t = a0 a1 */
  fp6_t t, s0, s1;
  fp6_mul(&t, &a->c0, &a->c1);
  fp6_add(&s0, &a->c0, &a->c1);
  fp6_mul_v(&s1, &a->c1);
  fp6_add(&s1, &s1, &a->c0);
  fp6_mul(&s0, &s0, &s1);
  fp6_sub(&s0, &s0, &t);
  fp6_mul_v(&s1, &t);
  fp6_sub(&r->c0, &s0, &s1);
  fp6_add(&r->c1, &t, &t);
}

void fp12_conj(fp12_t *r, const fp12_t *a) {
  r->c0 = a->c0;
  fp6_neg(&r->c1, &a->c1);
}

void fp12_inv(fp12_t *r, const fp12_t *a) {
  fp6_t t0, t1;
  fp6_sqr(&t0, &a->c0);
  fp6_sqr(&t1, &a->c1);
  fp6_mul_v(&t1, &t1);
  fp6_sub(&t0, &t0, &t1);
  fp6_inv(&t0, &t0);
  fp6_mul(&r->c0, &a->c0, &t0);
  fp6_mul(&t1, &a->c1, &t0);
  fp6_neg(&r->c1, &t1);
}

void fp12_frob(fp12_t *r, const fp12_t *a, int n) {
  const fp2_t *g = n == 1 ? BLS_FROB1 : n == 2 ? BLS_FROB2 : BLS_FROB3;
  /* coefficient of w^k: c0.c0=w^0, c1.c0=w^1, c0.c1=w^2, c1.c1=w^3, c0.c2=w^4, c1.c2=w^5 */
  const fp2_t *src[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
  fp2_t *dst[6] = {&r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2};
  fp2_t tmp[6];
  for (int k = 0; k < 6; k++) {
    if (n & 1) fp2_conj(&tmp[k], src[k]);
    else tmp[k] = *src[k];
    if (k) fp2_mul(&tmp[k], &tmp[k], &g[k]);
  }
  for (int k = 0; k < 6; k++) *dst[k] = tmp[k];
}

/* (a + b s)^2 with s^2 = xi */
static void fp4_sqr(fp2_t *r0, fp2_t *r1, const fp2_t *a, const fp2_t *b) {
  fp2_t t0, t1, t2;
  fp2_sqr(&t0, a);
  fp2_sqr(&t1, b);
  fp2_add(&t2, a, b);
  fp2_sqr(&t2, &t2);
  fp2_sub(&t2, &t2, &t0);
  fp2_sub(r1, &t2, &t1);
  fp2_mul_xi(&t1, &t1);
  fp2_add(r0, &t0, &t1);
}

/* Granger-Scott squaring for elements of the cyclotomic subgroup. Fp12 is seen
 * as Fp4[w]/(w^3 - s), s = w^3: f = A + B w + C w^2 with A = g0 + g3 s,
 * B = g1 + g4 s, C = g2 + g5 s (g_k the coefficient of w^k). */
void fp12_cyclo_sqr(fp12_t *r, const fp12_t *a) {
  const fp2_t *g0 = &a->c0.c0, *g1 = &a->c1.c0, *g2 = &a->c0.c1;
  const fp2_t *g3 = &a->c1.c1, *g4 = &a->c0.c2, *g5 = &a->c1.c2;
  fp2_t t0, t1, t2, t3, t4, t5, x;
  fp4_sqr(&t0, &t1, g0, g3);
  fp4_sqr(&t2, &t3, g1, g4);
  fp4_sqr(&t4, &t5, g2, g5);
  fp2_t h0, h1, h2, h3, h4, h5;
  /* A' = 3A^2 - 2 conj(A) */
  fp2_sub(&x, &t0, g0);
  fp2_dbl(&x, &x);
  fp2_add(&h0, &x, &t0);
  fp2_add(&x, &t1, g3);
  fp2_dbl(&x, &x);
  fp2_add(&h3, &x, &t1);
  /* C' = 3B^2 - 2 conj(C) */
  fp2_sub(&x, &t2, g2);
  fp2_dbl(&x, &x);
  fp2_add(&h2, &x, &t2);
  fp2_add(&x, &t3, g5);
  fp2_dbl(&x, &x);
  fp2_add(&h5, &x, &t3);
  /* B' = 3 s C^2 + 2 conj(B);  s (t4 + t5 s) = xi t5 + t4 s */
  fp2_t y;
  fp2_mul_xi(&y, &t5);
  fp2_add(&x, &y, g1);
  fp2_dbl(&x, &x);
  fp2_add(&h1, &x, &y);
  fp2_sub(&x, &t4, g4);
  fp2_dbl(&x, &x);
  fp2_add(&h4, &x, &t4);
  r->c0.c0 = h0;
  r->c1.c0 = h1;
  r->c0.c1 = h2;
  r->c1.c1 = h3;
  r->c0.c2 = h4;
  r->c1.c2 = h5;
}

void fp12_mul_line(fp12_t *f, const fp2_t *l0, const fp2_t *l1, const fp2_t *l2) {
  fp6_t t0, t1, s;
  fp2_t b1;
  fp6_mul_01(&t0, &f->c0, l0, l1);
  fp6_mul_1(&t1, &f->c1, l2);
  fp6_add(&s, &f->c0, &f->c1);
  fp2_add(&b1, l1, l2);
  fp6_mul_01(&s, &s, l0, &b1);
  fp6_sub(&s, &s, &t0);
  fp6_sub(&f->c1, &s, &t1);
  fp6_mul_v(&t1, &t1);
  fp6_add(&f->c0, &t0, &t1);
}
