/* EIP-2537 field-to-curve maps (RFC 9380 section 6.6.2 / 8.8): simplified SWU onto
 * the isogenous curves E1' and E2', the 11-isogeny (G1) and 3-isogeny (G2) back to
 * BLS12-381, then cofactor clearing: [1 - z] on G1, Budroni-Pintore psi method on G2. */
#include "bls_internal.h"


/* ------------------------------------------------------------------ G1 -- */

static void sswu_g1(fp_t *x, fp_t *y, const fp_t *u) {
  fp_t tv1, tv2, x1, gx1, x2, gx2, t;
  fp_sqr(&tv1, u);
  fp_mul(&tv1, &tv1, &BLS_SSWU1_Z);
  fp_sqr(&tv2, &tv1);
  fp_add(&x1, &tv1, &tv2);
  fp_inv(&x1, &x1);
  bool e1 = fp_is_zero(&x1);
  fp_add(&x1, &x1, &BLS_ONE);
  if (e1) x1 = BLS_SSWU1_C2;
  fp_mul(&x1, &x1, &BLS_SSWU1_C1);
  fp_sqr(&gx1, &x1);
  fp_add(&gx1, &gx1, &BLS_SSWU1_A);
  fp_mul(&gx1, &gx1, &x1);
  fp_add(&gx1, &gx1, &BLS_SSWU1_B);
  fp_mul(&x2, &tv1, &x1);
  fp_mul(&t, &tv1, &tv2);
  fp_mul(&gx2, &gx1, &t);
  if (fp_sqrt(y, &gx1)) {
    *x = x1;
  } else {
    *x = x2;
    fp_sqrt(y, &gx2);
  }
  if (fp_sgn0(u) != fp_sgn0(y)) fp_neg(y, y);
}

static void horner_fp(fp_t *r, const fp_t *k, int n, const fp_t *x) {
  fp_t acc = k[n - 1];
  for (int i = n - 2; i >= 0; i--) {
    fp_mul(&acc, &acc, x);
    fp_add(&acc, &acc, &k[i]);
  }
  *r = acc;
}

static void iso_g1(g1_t *r, const fp_t *x, const fp_t *y) {
  fp_t xn, xd, yn, yd, t;
  horner_fp(&xn, BLS_ISO1_XNUM, 12, x);
  horner_fp(&xd, BLS_ISO1_XDEN, 11, x);
  horner_fp(&yn, BLS_ISO1_YNUM, 16, x);
  horner_fp(&yd, BLS_ISO1_YDEN, 16, x);
  /* Z = xd yd, X = xn xd yd^2, Y = y yn xd^3 yd^2 */
  fp_mul(&r->z, &xd, &yd);
  fp_mul(&t, &xn, &yd);
  fp_mul(&r->x, &t, &r->z);
  fp_sqr(&t, &r->z);   /* xd^2 yd^2 */
  fp_mul(&t, &t, &xd); /* xd^3 yd^2 */
  fp_mul(&t, &t, &yn);
  fp_mul(&r->y, &t, y);
  if (fp_is_zero(&r->z)) g1_set_inf(r);
}

void bls_map_to_g1(g1_t *r, const fp_t *u) {
  fp_t x, y;
  g1_t p, q;
  sswu_g1(&x, &y, u);
  iso_g1(&p, &x, &y);
  g1_mul_zabs(&q, &p);
  g1_add(r, &q, &p); /* [1 - z]P = [|z| + 1]P */
}

/* ------------------------------------------------------------------ G2 -- */

static void sswu_g2(fp2_t *x, fp2_t *y, const fp2_t *u) {
  fp2_t tv1, tv2, x1, gx1, x2, gx2, t, one;
  fp2_set_one(&one);
  fp2_sqr(&tv1, u);
  fp2_mul(&tv1, &tv1, &BLS_SSWU2_Z);
  fp2_sqr(&tv2, &tv1);
  fp2_add(&x1, &tv1, &tv2);
  fp2_inv(&x1, &x1);
  bool e1 = fp2_is_zero(&x1);
  fp2_add(&x1, &x1, &one);
  if (e1) x1 = BLS_SSWU2_C2;
  fp2_mul(&x1, &x1, &BLS_SSWU2_C1);
  fp2_sqr(&gx1, &x1);
  fp2_add(&gx1, &gx1, &BLS_SSWU2_A);
  fp2_mul(&gx1, &gx1, &x1);
  fp2_add(&gx1, &gx1, &BLS_SSWU2_B);
  fp2_mul(&x2, &tv1, &x1);
  fp2_mul(&t, &tv1, &tv2);
  fp2_mul(&gx2, &gx1, &t);
  if (fp2_sqrt(y, &gx1)) {
    *x = x1;
  } else {
    *x = x2;
    fp2_sqrt(y, &gx2);
  }
  if (fp2_sgn0(u) != fp2_sgn0(y)) fp2_neg(y, y);
}

static void horner_fp2(fp2_t *r, const fp2_t *k, int n, const fp2_t *x) {
  fp2_t acc = k[n - 1];
  for (int i = n - 2; i >= 0; i--) {
    fp2_mul(&acc, &acc, x);
    fp2_add(&acc, &acc, &k[i]);
  }
  *r = acc;
}

static void iso_g2(g2_t *r, const fp2_t *x, const fp2_t *y) {
  fp2_t xn, xd, yn, yd, t;
  horner_fp2(&xn, BLS_ISO2_XNUM, 4, x);
  horner_fp2(&xd, BLS_ISO2_XDEN, 3, x);
  horner_fp2(&yn, BLS_ISO2_YNUM, 4, x);
  horner_fp2(&yd, BLS_ISO2_YDEN, 4, x);
  fp2_mul(&r->z, &xd, &yd);
  fp2_mul(&t, &xn, &yd);
  fp2_mul(&r->x, &t, &r->z);
  fp2_sqr(&t, &r->z);
  fp2_mul(&t, &t, &xd);
  fp2_mul(&t, &t, &yn);
  fp2_mul(&r->y, &t, y);
  if (fp2_is_zero(&r->z)) g2_set_inf(r);
}

/* [z]P with z negative */
static void g2_mul_z(g2_t *r, const g2_t *p) {
  g2_mul_zabs(r, p);
  g2_neg(r, r);
}

/* h_eff P = [z^2 - z - 1]P + [z - 1]psi(P) + psi^2(2P) (RFC 9380 appendix G.3). */
void bls_clear_cofactor_g2(g2_t *r, const g2_t *p) {
  g2_t t1, t2, t3, np;
  g2_mul_z(&t1, p);
  g2_psi(&t2, p);
  g2_dbl(&t3, p);
  g2_psi(&t3, &t3);
  g2_psi(&t3, &t3);
  g2_t nt2;
  g2_neg(&nt2, &t2);
  g2_add(&t3, &t3, &nt2);
  g2_add(&t2, &t1, &t2);
  g2_mul_z(&t2, &t2);
  g2_add(&t3, &t3, &t2);
  g2_neg(&t1, &t1);
  g2_add(&t3, &t3, &t1);
  g2_neg(&np, p);
  g2_add(r, &t3, &np);
}

void bls_map_to_curve_g2(g2_t *r, const fp2_t *u) {
  fp2_t x, y;
  sswu_g2(&x, &y, u);
  iso_g2(r, &x, &y);
}

void bls_map_to_g2(g2_t *r, const fp2_t *u) {
  g2_t p;
  bls_map_to_curve_g2(&p, u);
  bls_clear_cofactor_g2(r, &p);
}
