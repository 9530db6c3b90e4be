/* BLS12-381 optimal ate pairing: Miller loop hard-coded over |z| = 0xd201000000010000
 * (z negative: one conjugation at the end) with homogeneous projective T on the
 * M-type twist and sparse line products, multi-pairing sharing f^2, and one final
 * exponentiation (easy part + Hayashida-Hayasaka-Teruya hard part, giving e^3). */
#include "bls_internal.h"

typedef struct {
  fp2_t x, y, z;
} g2_proj_t;

/* 12 (1+u) a : 3b' with b' = 4(1+u) */
static void mul_3b(fp2_t *r, const fp2_t *a) {
  fp2_t t;
  fp2_mul_xi(&t, a);
  fp2_dbl(&t, &t);    /* 2 */
  fp2_add(r, &t, &t); /* 4 */
  fp2_add(r, r, &t);  /* 6 */
  fp2_dbl(r, r);      /* 12 */
}

/* T = 2T and the tangent line at T, as (l0, a, b): at P the line is
 * l0 + (a x_P) v + (b y_P) v w. Scaled by 2YZ: l0 = Y^2 - 3b'Z^2, a = -3X^2, b = 2YZ. */
static void dbl_step(g2_proj_t *T, fp2_t l[3]) {
  fp2_t t0, t1, t2, t3, xy, yz, x2, u;
  fp2_sqr(&t0, &T->y);
  fp2_sqr(&t1, &T->z);
  mul_3b(&t2, &t1); /* 3b'Z^2 */
  fp2_dbl(&t3, &t2);
  fp2_add(&t3, &t3, &t2); /* 9b'Z^2 */
  fp2_sqr(&x2, &T->x);
  fp2_mul(&xy, &T->x, &T->y);
  fp2_mul(&yz, &T->y, &T->z);
  /* line */
  fp2_sub(&l[0], &t0, &t2);
  fp2_dbl(&u, &x2);
  fp2_add(&u, &u, &x2);
  fp2_neg(&l[1], &u);
  fp2_dbl(&l[2], &yz);
  /* X3 = 2XY(t0 - t3) */
  fp2_sub(&u, &t0, &t3);
  fp2_mul(&u, &u, &xy);
  fp2_dbl(&T->x, &u);
  /* Z3 = 8 t0 YZ */
  fp2_mul(&u, &t0, &yz);
  fp2_dbl(&u, &u);
  fp2_dbl(&u, &u);
  fp2_dbl(&T->z, &u);
  /* Y3 = (t0 + t3)^2 - 12 t2^2 */
  fp2_add(&u, &t0, &t3);
  fp2_sqr(&u, &u);
  fp2_sqr(&t2, &t2);
  fp2_dbl(&t2, &t2);
  fp2_dbl(&t2, &t2); /* 4 t2^2 */
  fp2_dbl(&t1, &t2);
  fp2_add(&t2, &t2, &t1); /* 12 t2^2 */
  fp2_sub(&T->y, &u, &t2);
}

/* T = T + Q (Q affine) and the line through them: l0 = th x_Q - la y_Q, a = -th,
 * b = la, with th = Y - y_Q Z, la = X - x_Q Z. */
static void add_step(g2_proj_t *T, fp2_t l[3], const g2_aff_t *Q) {
  fp2_t th, la, C, D, E, F, G, H, t;
  fp2_mul(&t, &Q->y, &T->z);
  fp2_sub(&th, &T->y, &t);
  fp2_mul(&t, &Q->x, &T->z);
  fp2_sub(&la, &T->x, &t);
  fp2_mul(&l[0], &th, &Q->x);
  fp2_mul(&t, &la, &Q->y);
  fp2_sub(&l[0], &l[0], &t);
  fp2_neg(&l[1], &th);
  l[2] = la;
  fp2_sqr(&C, &th);
  fp2_sqr(&D, &la);
  fp2_mul(&E, &D, &la);
  fp2_mul(&F, &T->z, &C);
  fp2_mul(&G, &T->x, &D);
  fp2_add(&H, &E, &F);
  fp2_sub(&H, &H, &G);
  fp2_sub(&H, &H, &G);
  fp2_mul(&T->x, &la, &H);
  fp2_sub(&t, &G, &H);
  fp2_mul(&t, &t, &th);
  fp2_mul(&G, &T->y, &E);
  fp2_sub(&T->y, &t, &G);
  fp2_mul(&T->z, &T->z, &E);
}

static const uint64_t Z_ABS = 0xd201000000010000ULL;

void bls_g2_prepare(bls_g2_prepared_t *r, const g2_aff_t *q) {
  r->inf = q->inf;
  if (q->inf) return;
  g2_proj_t T;
  T.x = q->x;
  T.y = q->y;
  fp2_set_one(&T.z);
  int n = 0;
  for (int bit = 62; bit >= 0; bit--) {
    dbl_step(&T, r->lines[n++]);
    if ((Z_ABS >> bit) & 1) add_step(&T, r->lines[n++], q);
  }
}

typedef struct {
  g2_proj_t T;
  const g2_aff_t *q;            /* on-the-fly lines, or */
  const bls_g2_prepared_t *pre; /* precomputed lines */
  fp_t xp, yp;
} pair_state_t;

static void mul_by_line(fp12_t *f, const fp2_t l[3], const pair_state_t *s) {
  fp2_t l1, l2;
  fp2_mul_fp(&l1, &l[1], &s->xp);
  fp2_mul_fp(&l2, &l[2], &s->yp);
  fp12_mul_line(f, &l[0], &l1, &l2);
}

#define BATCH 32

/* Miller loop over at most BATCH pairs (none at infinity), sharing f^2. */
static void miller_batch(fp12_t *f, pair_state_t *st, size_t m) {
  fp12_set_one(f);
  fp2_t l[3];
  int n = 0;
  for (int bit = 62; bit >= 0; bit--) {
    if (bit != 62) fp12_sqr(f, f);
    for (size_t i = 0; i < m; i++) {
      if (st[i].pre) {
        mul_by_line(f, st[i].pre->lines[n], &st[i]);
      } else {
        dbl_step(&st[i].T, l);
        mul_by_line(f, l, &st[i]);
      }
    }
    n++;
    if ((Z_ABS >> bit) & 1) {
      for (size_t i = 0; i < m; i++) {
        if (st[i].pre) {
          mul_by_line(f, st[i].pre->lines[n], &st[i]);
        } else {
          add_step(&st[i].T, l, st[i].q);
          mul_by_line(f, l, &st[i]);
        }
      }
      n++;
    }
  }
  fp12_conj(f, f);
}

static void miller_n(fp12_t *f, const g1_aff_t *p, const g2_aff_t *q, const bls_g2_prepared_t *const *pre, size_t n) {
  pair_state_t st[BATCH];
  size_t m = 0;
  fp12_t g;
  fp12_set_one(f);
  for (size_t i = 0; i < n; i++) {
    if (p[i].inf || (pre ? pre[i]->inf : q[i].inf)) continue;
    st[m].q = pre ? NULL : &q[i];
    st[m].pre = pre ? pre[i] : NULL;
    if (!pre) {
      st[m].T.x = q[i].x;
      st[m].T.y = q[i].y;
      fp2_set_one(&st[m].T.z);
    }
    st[m].xp = p[i].x;
    st[m].yp = p[i].y;
    if (++m == BATCH) {
      miller_batch(&g, st, m);
      fp12_mul(f, f, &g);
      m = 0;
    }
  }
  if (m) {
    miller_batch(&g, st, m);
    fp12_mul(f, f, &g);
  }
}

void bls_miller_loop_n(fp12_t *f, const g1_aff_t *p, const g2_aff_t *q, size_t n) { miller_n(f, p, q, NULL, n); }

bool bls_pairing_check_prepared(const g1_aff_t *p, const bls_g2_prepared_t *const *q, size_t n) {
  fp12_t f, r;
  miller_n(&f, p, NULL, q, n);
  bls_final_exp(&r, &f);
  return fp12_is_one(&r);
}

/* r = a^z (a in the cyclotomic subgroup, z negative). */
static void exp_by_z(fp12_t *r, const fp12_t *a) {
  fp12_t acc = *a;
  for (int bit = 62; bit >= 0; bit--) {
    fp12_cyclo_sqr(&acc, &acc);
    if ((Z_ABS >> bit) & 1) fp12_mul(&acc, &acc, a);
  }
  fp12_conj(r, &acc);
}

void bls_final_exp(fp12_t *r, const fp12_t *f) {
  fp12_t t, u, a, b, c;
  /* easy part: f^((p^6 - 1)(p^2 + 1)) */
  fp12_inv(&t, f);
  fp12_conj(&u, f);
  fp12_mul(&t, &u, &t);
  fp12_frob(&u, &t, 2);
  fp12_mul(&t, &u, &t);
  /* hard part, 3 (p^4 - p^2 + 1)/r = (z-1)^2 (z+p) (z^2+p^2-1) + 3 */
  exp_by_z(&a, &t);
  fp12_conj(&u, &t);
  fp12_mul(&a, &a, &u); /* t^(z-1) */
  exp_by_z(&b, &a);
  fp12_conj(&u, &a);
  fp12_mul(&a, &b, &u); /* t^((z-1)^2) */
  exp_by_z(&b, &a);
  fp12_frob(&u, &a, 1);
  fp12_mul(&b, &b, &u); /* a^(z+p) */
  exp_by_z(&c, &b);
  exp_by_z(&c, &c);
  fp12_frob(&u, &b, 2);
  fp12_mul(&c, &c, &u);
  fp12_conj(&u, &b);
  fp12_mul(&c, &c, &u); /* b^(z^2+p^2-1) */
  fp12_cyclo_sqr(&u, &t);
  fp12_mul(&u, &u, &t); /* t^3 */
  fp12_mul(r, &c, &u);
}

bool bls_pairing_check(const g1_aff_t *p, const g2_aff_t *q, size_t n) {
  fp12_t f, r;
  bls_miller_loop_n(&f, p, q, n);
  bls_final_exp(&r, &f);
  return fp12_is_one(&r);
}
