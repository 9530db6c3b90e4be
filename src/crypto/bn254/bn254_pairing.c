/* bn254 optimal ate pairing (EIP-197): Miller loop over the NAF of 6u+2 with T kept in
 * homogeneous projective coordinates on the twist (line formulas of Costello-Lange-Naehrig /
 * Aranha et al. eprint 2010/526), sparse line multiplication, and lock-step multi-pairing. */
#include "crypto/bn254/bn254_internal.h"

/* NAF of 6u+2, least significant digit first (66 digits, top digit 1). */
static const int8_t ATE_NAF[66] = {0,  0, 0, 1,  0, 1, 0, -1, 0,  0, -1, 0,  0, 0,  1, 0, 0, -1, 0, -1, 0, 0,
                                   0,  1, 0, -1, 0, 0, 0, 0,  -1, 0, 0,  1,  0, -1, 0, 0, 1, 0,  0, 0,  0, 0,
                                   -1, 0, 0, -1, 0, 1, 0, -1, 0,  0, 0,  -1, 0, -1, 0, 0, 0, 1,  0, -1, 0, 1};

typedef struct {
  fp2_t x, y, z; /* T, homogeneous projective: (X/Z, Y/Z) */
  fp2_t qx, qy, nqy;
  fp_t yp, nxp, nxp3; /* yP, -xP, -3xP */
} pair_state_t;

/* T = 2T; f *= tangent line at P. Line scaled by -1: H yP + (-3 X^2 xP) w + (B - E) w^3. */
static void dbl_step(pair_state_t *s, fp12_t *f) {
  fp2_t a, b, c, e, ff, g, h, i, j, t;
  fp2_mul(&a, &s->x, &s->y);
  fp2_half(&a, &a);
  fp2_sqr(&b, &s->y);
  fp2_sqr(&c, &s->z);
  fp2_mul(&e, &c, &bn254_twist_b3);
  fp2_dbl(&ff, &e);
  fp2_add(&ff, &ff, &e);
  fp2_add(&g, &b, &ff);
  fp2_half(&g, &g);
  fp2_add(&h, &s->y, &s->z);
  fp2_sqr(&h, &h);
  fp2_add(&t, &b, &c);
  fp2_sub(&h, &h, &t);
  fp2_sub(&i, &b, &e); /* -I */
  fp2_sqr(&j, &s->x);
  /* X3 = A (B - F); Y3 = G^2 - 3E^2; Z3 = B H */
  fp2_sub(&t, &b, &ff);
  fp2_mul(&s->x, &a, &t);
  fp2_sqr(&t, &e);
  fp2_dbl(&a, &t);
  fp2_add(&a, &a, &t);
  fp2_sqr(&g, &g);
  fp2_sub(&s->y, &g, &a);
  fp2_mul(&s->z, &b, &h);
  fp2_t l0, l1;
  fp2_mul_fp(&l0, &h, &s->yp);
  fp2_mul_fp(&l1, &j, &s->nxp3);
  bn254_fp12_mul_line(f, &l0, &l1, &i);
}

/* T = T + Q (Q affine); f *= line through T and Q at P:
 * lambda yP + (-theta xP) w + (theta x2 - lambda y2) w^3. */
static void add_step(pair_state_t *s, fp12_t *f, const fp2_t *x2, const fp2_t *y2) {
  fp2_t theta, lam, c, d, e, ff, g, h, t, l0, l1, l3;
  fp2_mul(&t, y2, &s->z);
  fp2_sub(&theta, &s->y, &t);
  fp2_mul(&t, x2, &s->z);
  fp2_sub(&lam, &s->x, &t);
  fp2_sqr(&c, &theta);
  fp2_sqr(&d, &lam);
  fp2_mul(&e, &lam, &d);
  fp2_mul(&ff, &s->z, &c);
  fp2_mul(&g, &s->x, &d);
  fp2_dbl(&t, &g);
  fp2_add(&h, &e, &ff);
  fp2_sub(&h, &h, &t);
  /* line first (uses old values only through theta/lambda) */
  fp2_mul(&l3, &theta, x2);
  fp2_mul(&t, &lam, y2);
  fp2_sub(&l3, &l3, &t);
  fp2_mul_fp(&l0, &lam, &s->yp);
  fp2_mul_fp(&l1, &theta, &s->nxp);
  /* X3 = lambda H; Y3 = theta (G - H) - Y E; Z3 = Z E */
  fp2_mul(&s->x, &lam, &h);
  fp2_sub(&t, &g, &h);
  fp2_mul(&t, &theta, &t);
  fp2_mul(&g, &s->y, &e);
  fp2_sub(&s->y, &t, &g);
  fp2_mul(&s->z, &s->z, &e);
  bn254_fp12_mul_line(f, &l0, &l1, &l3);
}

#define BATCH 8

static void miller_batch(fp12_t *f, const g1_affine_t *p, const g2_affine_t *q, size_t n) {
  pair_state_t st[BATCH];
  size_t m = 0;
  for (size_t k = 0; k < n; k++) {
    if (p[k].inf || q[k].inf) continue;
    pair_state_t *s = &st[m++];
    s->x = q[k].x;
    s->y = q[k].y;
    memset(&s->z, 0, sizeof s->z);
    s->z.c0 = BN254_FP_ONE;
    s->qx = q[k].x;
    s->qy = q[k].y;
    fp2_neg(&s->nqy, &q[k].y);
    s->yp = p[k].y;
    fp_neg(&s->nxp, &p[k].x);
    fp_dbl(&s->nxp3, &s->nxp);
    fp_add(&s->nxp3, &s->nxp3, &s->nxp);
  }
  bn254_fp12_one(f);
  if (m == 0) return;
  for (int i = 64; i >= 0; i--) {
    if (i != 64) bn254_fp12_sqr(f, f);
    for (size_t k = 0; k < m; k++) {
      dbl_step(&st[k], f);
      if (ATE_NAF[i] > 0) add_step(&st[k], f, &st[k].qx, &st[k].qy);
      else if (ATE_NAF[i] < 0) add_step(&st[k], f, &st[k].qx, &st[k].nqy);
    }
  }
  for (size_t k = 0; k < m; k++) {
    pair_state_t *s = &st[k];
    fp2_t x1, y1, x2;
    /* Q1 = pi(Q) = (conj(x) g1_2, conj(y) g1_3); -Q2 = -pi^2(Q) = (x g2_2, y) */
    fp2_conj(&x1, &s->qx);
    fp2_mul(&x1, &x1, &bn254_frob_g1[2]);
    fp2_conj(&y1, &s->qy);
    fp2_mul(&y1, &y1, &bn254_frob_g1[3]);
    add_step(s, f, &x1, &y1);
    fp2_mul_fp(&x2, &s->qx, &bn254_frob_g2[2]);
    add_step(s, f, &x2, &s->qy);
  }
}

void bn254_miller_loop_n(fp12_t *f, const g1_affine_t *p, const g2_affine_t *q, size_t n) {
  bn254_fp12_one(f);
  for (size_t off = 0; off < n; off += BATCH) {
    size_t m = n - off < BATCH ? n - off : BATCH;
    fp12_t g;
    miller_batch(&g, p + off, q + off, m);
    if (off == 0) *f = g;
    else bn254_fp12_mul(f, f, &g);
  }
}
