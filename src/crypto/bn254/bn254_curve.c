/* bn254 groups: G1 (y^2 = x^3 + 3 over Fp, cofactor 1) and G2 on the D-type twist
 * y^2 = x^3 + 3/(9+u) over Fp2 (EIP-196/197). Jacobian arithmetic, GLV + wNAF scalar
 * multiplication for G1, and the G2 subgroup test [u+1]Q + psi([u]Q) + psi^2([u]Q) == psi^3([2u]Q). */
#include "crypto/bn254/bn254_internal.h"

static const fp_t FP_B3 = {{0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL,
                            0x2a1f6744ce179d8eULL}}; /* 3 in Montgomery form */

/* ---- G1 instantiation ---- */
#define JAC g1_jac_t
#define AFF g1_affine_t
#define FE fp_t
#define NAME(x) g1_##x
#define F_MUL fp_mul
#define F_SQR fp_sqr
#define F_ADD fp_add
#define F_SUB fp_sub
#define F_DBL fp_dbl
#define F_NEG fp_neg
#define F_ISZERO fp_is_zero
#define F_EQ fp_eq
#define F_INV bn254_fp_inv
#define F_ONE BN254_FP_ONE
#define F_B (&FP_B3)
#include "crypto/bn254/bn254_jac_tmpl.h"
#undef JAC
#undef AFF
#undef FE
#undef NAME
#undef F_MUL
#undef F_SQR
#undef F_ADD
#undef F_SUB
#undef F_DBL
#undef F_NEG
#undef F_ISZERO
#undef F_EQ
#undef F_INV
#undef F_ONE
#undef F_B

/* ---- G2 instantiation ---- */
static const fp2_t FP2_ONE = {
    {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}}, {{0, 0, 0, 0}}};
#define JAC g2_jac_t
#define AFF g2_affine_t
#define FE fp2_t
#define NAME(x) g2_##x
#define F_MUL fp2_mul
#define F_SQR fp2_sqr
#define F_ADD fp2_add
#define F_SUB fp2_sub
#define F_DBL fp2_dbl
#define F_NEG fp2_neg
#define F_ISZERO fp2_is_zero
#define F_EQ fp2_eq
#define F_INV bn254_fp2_inv
#define F_ONE FP2_ONE
#define F_B (&bn254_twist_b)
#include "crypto/bn254/bn254_jac_tmpl.h"

/* ---- exported wrappers ---- */
bool bn254_g1_on_curve(const g1_affine_t *p) { return g1_aff_on_curve(p); }
bool bn254_g2_on_curve(const g2_affine_t *p) { return g2_aff_on_curve(p); }
void bn254_g1_to_affine(g1_affine_t *r, const g1_jac_t *p) { g1_to_aff(r, p); }
void bn254_g1_from_affine(g1_jac_t *r, const g1_affine_t *p) { g1_from_aff(r, p); }
void bn254_g1_jac_add(g1_jac_t *r, const g1_jac_t *a, const g1_jac_t *b) { g1_add(r, a, b); }
void bn254_g1_jac_dbl(g1_jac_t *r, const g1_jac_t *a) { g1_dbl(r, a); }
void bn254_g2_to_affine(g2_affine_t *r, const g2_jac_t *p) { g2_to_aff(r, p); }
void bn254_g2_jac_add(g2_jac_t *r, const g2_jac_t *a, const g2_jac_t *b) { g2_add(r, a, b); }
void bn254_g2_jac_dbl(g2_jac_t *r, const g2_jac_t *a) { g2_dbl(r, a); }

void bn254_g1_mul_simple(g1_jac_t *r, const g1_affine_t *p, const uint64_t k[4]) {
  g1_jac_t pj;
  g1_from_aff(&pj, p);
  g1_mul_plain(r, &pj, k);
}

void bn254_g2_mul_simple(g2_jac_t *r, const g2_affine_t *p, const uint64_t k[4]) {
  g2_jac_t pj;
  g2_from_aff(&pj, p);
  g2_mul_plain(r, &pj, k);
}

/* ---- G2 subgroup membership ---- */

/* psi(x, y) = (conj(x) * xi^((p-1)/3), conj(y) * xi^((p-1)/2)), on Jacobian coordinates. */
static void g2_psi(g2_jac_t *r, const g2_jac_t *p) {
  fp2_conj(&r->x, &p->x);
  fp2_mul(&r->x, &r->x, &bn254_frob_g1[2]);
  fp2_conj(&r->y, &p->y);
  fp2_mul(&r->y, &r->y, &bn254_frob_g1[3]);
  fp2_conj(&r->z, &p->z);
}

/* [u]Q for affine Q, u = 0x44e992b44a6909f1, via the NAF of u (24 non-zero digits) with mixed
 * additions of Q or -Q. */
static const int8_t U_NAF[63] = {/* most significant digit first */
                                 1, 0,  0, 0,  1, 0,  1, 0, 0, -1, 0, 1, 0, 1, 0, -1, 0,  0, 1, 0, 1,
                                 0, -1, 0, -1, 0, -1, 0, 1, 0, 0,  0, 1, 0, 0, 1, 0,  1,  0, 1, 0, -1,
                                 0, 1,  0, 0,  1, 0,  0, 0, 0, 1,  0, 1, 0, 0, 0, 0,  -1, 0, 0, 0, 1};

static void g2_mul_u(g2_jac_t *r, const g2_affine_t *q) {
  fp2_t ny;
  fp2_neg(&ny, &q->y);
  g2_jac_t acc;
  g2_from_aff(&acc, q);
  for (int i = 1; i < 63; i++) {
    g2_dbl(&acc, &acc);
    if (U_NAF[i] > 0) g2_add_mixed(&acc, &acc, &q->x, &q->y);
    else if (U_NAF[i] < 0) g2_add_mixed(&acc, &acc, &q->x, &ny);
  }
  *r = acc;
}

bool bn254_g2_in_subgroup(const g2_affine_t *p) {
  if (p->inf) return true;
  g2_jac_t q, xq, lhs, t, rhs;
  g2_from_aff(&q, p);
  g2_mul_u(&xq, p);
  g2_add(&lhs, &xq, &q); /* [u+1]Q */
  g2_psi(&t, &xq);
  g2_add(&lhs, &lhs, &t); /* + psi([u]Q) */
  g2_psi(&t, &t);
  g2_add(&lhs, &lhs, &t); /* + psi^2([u]Q) */
  g2_dbl(&rhs, &xq);
  g2_psi(&rhs, &rhs);
  g2_psi(&rhs, &rhs);
  g2_psi(&rhs, &rhs); /* psi^3([2u]Q) */
  return g2_eq(&lhs, &rhs);
}

/* ---- G1 scalar multiplication: GLV (phi(x,y) = (beta x, y) = [lambda]P) + width-5 wNAF ---- */

static const uint64_t R_ORDER[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                                    0x30644e72e131a029ULL};
static const fp_t GLV_BETA = {
    {0x3350c88e13e80b9cULL, 0x7dce557cdb5e56b9ULL, 0x6001b4b8b615564aULL, 0x2682e617020217e0ULL}};
/* Short lattice basis (a1, b1), (a2, b2) of {(x, y): x + y*lambda = 0 mod r}; b1 < 0. */
static const uint64_t GLV_A1[2] = {0x8211bbeb7d4f1128ULL, 0x6f4d8248eeb859fcULL};
static const uint64_t GLV_NB1 = 0x89d3256894d213e3ULL; /* -b1 */
static const uint64_t GLV_A2 = 0x89d3256894d213e3ULL;
static const uint64_t GLV_B2[2] = {0x0be4e1541221250bULL, 0x6f4d8248eeb859fdULL};
/* g1 = floor(2^256 b2 / r), g2 = floor(2^256 (-b1) / r) */
static const uint64_t GLV_G1[3] = {0x5398fd0300ff6565ULL, 0x4ccef014a773d2d2ULL, 0x2ULL};
static const uint64_t GLV_G2[2] = {0xd91d232ec7e0b3d7ULL, 0x2ULL};

/* r[0..na+nb) = a * b */
static void mul_limbs(uint64_t *r, const uint64_t *a, int na, const uint64_t *b, int nb) {
  memset(r, 0, sizeof(uint64_t) * (size_t)(na + nb));
  for (int i = 0; i < na; i++) {
    uint64_t c = 0;
    for (int j = 0; j < nb; j++) {
      bn254_u128 t = (bn254_u128)a[i] * b[j] + r[i + j] + c;
      r[i + j] = (uint64_t)t;
      c = (uint64_t)(t >> 64);
    }
    r[i + nb] = c;
  }
}

/* Split k (< r) into k1 + k2*lambda with |k1|, |k2| < 2^128; returns magnitudes and signs. */
static void glv_split(const uint64_t k[4], bn254_u128 *k1, bool *neg1, bn254_u128 *k2, bool *neg2) {
  uint64_t prod[7], c1[2], c2[2];
  mul_limbs(prod, k, 4, GLV_G1, 3); /* c1 = (k g1) >> 256 < 2^127 */
  c1[0] = prod[4];
  c1[1] = prod[5];
  mul_limbs(prod, k, 4, GLV_G2, 2); /* c2 = (k g2) >> 256 < 2^64 */
  c2[0] = prod[4];
  c2[1] = prod[5];
  /* k1 = k - c1 a1 - c2 a2 (mod 2^128 suffices: |k1| < 2^127) */
  bn254_u128 c1v = ((bn254_u128)c1[1] << 64) | c1[0];
  bn254_u128 c2v = ((bn254_u128)c2[1] << 64) | c2[0];
  bn254_u128 a1v = ((bn254_u128)GLV_A1[1] << 64) | GLV_A1[0];
  bn254_u128 b2v = ((bn254_u128)GLV_B2[1] << 64) | GLV_B2[0];
  bn254_u128 kv = ((bn254_u128)k[1] << 64) | k[0];
  bn254_u128 v1 = kv - c1v * a1v - c2v * GLV_A2;
  bn254_u128 v2 = c1v * GLV_NB1 - c2v * b2v;
  *neg1 = (v1 >> 127) != 0;
  *k1 = *neg1 ? (bn254_u128)0 - v1 : v1;
  *neg2 = (v2 >> 127) != 0;
  *k2 = *neg2 ? (bn254_u128)0 - v2 : v2;
}

/* Width-5 NAF digits of k (< 2^128), least significant first; returns the digit count. */
static int wnaf5(int8_t *d, bn254_u128 k) {
  int n = 0;
  while (k != 0) {
    int8_t z = 0;
    if (k & 1) {
      int m = (int)(k & 31);
      z = (int8_t)(m >= 16 ? m - 32 : m);
      if (z > 0) k -= (bn254_u128)z;
      else k += (bn254_u128)(-z);
    }
    d[n++] = z;
    k >>= 1;
  }
  return n;
}

void bn254_g1_mul(g1_jac_t *r, const g1_affine_t *p, const uint64_t kin[4]) {
  if (p->inf) {
    g1_set_inf(r);
    return;
  }
  /* reduce k mod r (k < 2^256 < 6r) */
  uint64_t k[4], s[4];
  memcpy(k, kin, sizeof k);
  while (!bn254_sub4(s, k, R_ORDER)) memcpy(k, s, sizeof k);
  bn254_u128 k1, k2;
  bool n1, n2;
  glv_split(k, &k1, &n1, &k2, &n2);

  /* table: odd multiples P, 3P, ..., 15P, normalised to affine with one inversion */
  g1_jac_t tj[8], p2;
  g1_from_aff(&tj[0], p);
  g1_dbl(&p2, &tj[0]);
  for (int i = 1; i < 8; i++) g1_add(&tj[i], &tj[i - 1], &p2);
  fp_t acc[8], inv, zi, zi2;
  bool any_inf = false;
  for (int i = 0; i < 8; i++) any_inf |= g1_is_inf(&tj[i]);
  g1_affine_t ta[8], tb[8];
  if (any_inf) { /* impossible for points of prime order r > 15, kept for safety */
    bn254_g1_mul_simple(r, p, k);
    return;
  }
  acc[0] = tj[0].z;
  for (int i = 1; i < 8; i++) fp_mul(&acc[i], &acc[i - 1], &tj[i].z);
  bn254_fp_inv(&inv, &acc[7]);
  for (int i = 7; i >= 0; i--) {
    if (i > 0) {
      fp_mul(&zi, &inv, &acc[i - 1]);
      fp_mul(&inv, &inv, &tj[i].z);
    } else {
      zi = inv;
    }
    fp_sqr(&zi2, &zi);
    fp_mul(&ta[i].x, &tj[i].x, &zi2);
    fp_mul(&zi2, &zi2, &zi);
    fp_mul(&ta[i].y, &tj[i].y, &zi2);
    ta[i].inf = false;
  }
  for (int i = 0; i < 8; i++) {
    fp_mul(&tb[i].x, &ta[i].x, &GLV_BETA);
    tb[i].y = ta[i].y;
    tb[i].inf = false;
    if (n2) fp_neg(&tb[i].y, &tb[i].y);
    if (n1) fp_neg(&ta[i].y, &ta[i].y);
  }

  int8_t d1[130], d2[130];
  int l1 = wnaf5(d1, k1), l2 = wnaf5(d2, k2);
  int len = l1 > l2 ? l1 : l2;
  g1_jac_t q;
  g1_set_inf(&q);
  fp_t ny;
  for (int i = len - 1; i >= 0; i--) {
    g1_dbl(&q, &q);
    if (i < l1 && d1[i]) {
      int z = d1[i];
      if (z > 0) g1_add_mixed(&q, &q, &ta[z >> 1].x, &ta[z >> 1].y);
      else {
        fp_neg(&ny, &ta[(-z) >> 1].y);
        g1_add_mixed(&q, &q, &ta[(-z) >> 1].x, &ny);
      }
    }
    if (i < l2 && d2[i]) {
      int z = d2[i];
      if (z > 0) g1_add_mixed(&q, &q, &tb[z >> 1].x, &tb[z >> 1].y);
      else {
        fp_neg(&ny, &tb[(-z) >> 1].y);
        g1_add_mixed(&q, &q, &tb[(-z) >> 1].x, &ny);
      }
    }
  }
  *r = q;
}
