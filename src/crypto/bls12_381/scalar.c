/* Scalar decompositions for BLS12-381 endomorphism-accelerated multiplication:
 * k mod r, then base-|z| digits. On G2 psi acts as [z], on G1 sigma as [-z^2]
 * (eprint 2021/1130), so 64- and 128-bit sub-scalars replace one 255-bit scalar. */
#include "bls_internal.h"

static const uint64_t R_LIMBS[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                    0x73eda753299d7d48ULL};
static const uint64_t ZABS = 0xd201000000010000ULL;

/* k mod r for k < 2^256 (< 3r). */
static void mod_r(uint64_t k[4]) {
  for (int rep = 0; rep < 2; rep++) {
    bool ge = true;
    for (int i = 3; i >= 0; i--) {
      if (k[i] != R_LIMBS[i]) {
        ge = k[i] > R_LIMBS[i];
        break;
      }
    }
    if (!ge) return;
    unsigned char b = 0;
    for (int i = 0; i < 4; i++) b = BLS_SBB(b, k[i], R_LIMBS[i], &k[i]);
  }
}

/* k = q |z| + rem */
static uint64_t divmod_z(uint64_t k[4]) {
  u128 rem = 0;
  for (int i = 3; i >= 0; i--) {
    u128 cur = (rem << 64) | k[i];
    k[i] = (uint64_t)(cur / ZABS);
    rem = cur % ZABS;
  }
  return (uint64_t)rem;
}

void bls_scalar_split_g2(uint64_t d[4], const uint64_t k[4]) {
  uint64_t t[4] = {k[0], k[1], k[2], k[3]};
  mod_r(t);
  for (int i = 0; i < 3; i++) d[i] = divmod_z(t);
  d[3] = t[0]; /* k mod r < r < |z|^4 */
}

void bls_scalar_split_g1(uint64_t a[2], uint64_t b[2], const uint64_t k[4]) {
  uint64_t t[4] = {k[0], k[1], k[2], k[3]};
  mod_r(t);
  uint64_t r0 = divmod_z(t);
  uint64_t r1 = divmod_z(t);
  /* a = r1 |z| + r0 < z^2, b = t < 2^128 */
  u128 lo = (u128)r1 * ZABS + r0;
  a[0] = (uint64_t)lo;
  a[1] = (uint64_t)(lo >> 64);
  b[0] = t[0];
  b[1] = t[1];
}

void g1_mul_glv(g1_t *r, const g1_t *p, const uint64_t k[4]) {
  uint64_t a[2], b[2], s[2][4] = {{0}};
  bls_scalar_split_g1(a, b, k);
  s[0][0] = a[0];
  s[0][1] = a[1];
  s[1][0] = b[0];
  s[1][1] = b[1];
  g1_t pts[2];
  pts[0] = *p;
  /* [z^2]P = -sigma(P) */
  pts[1] = *p;
  fp_mul(&pts[1].x, &p->x, &BLS_BETA);
  fp_neg(&pts[1].y, &p->y);
  g1_mul_joint(r, pts, 2, (const uint64_t(*)[4])s, 2);
}

void g2_mul_gls(g2_t *r, const g2_t *p, const uint64_t k[4]) {
  uint64_t d[4], s[4][4] = {{0}};
  bls_scalar_split_g2(d, k);
  for (int i = 0; i < 4; i++) s[i][0] = d[i];
  /* [|z|^i]P = (-psi)^i (P) */
  g2_t pts[4];
  pts[0] = *p;
  for (int i = 1; i < 4; i++) {
    g2_psi(&pts[i], &pts[i - 1]);
    g2_neg(&pts[i], &pts[i]);
  }
  g2_mul_joint(r, pts, 4, (const uint64_t(*)[4])s, 1);
}

void g1_mul2_glv(g1_t *r, const g1_t *a, const uint64_t ka[4], const g1_t *b, const uint64_t kb[4]) {
  uint64_t s[4][4] = {{0}};
  bls_scalar_split_g1(s[0], s[1], ka);
  bls_scalar_split_g1(s[2], s[3], kb);
  g1_t pts[4];
  pts[0] = *a;
  pts[1] = *a;
  fp_mul(&pts[1].x, &a->x, &BLS_BETA);
  fp_neg(&pts[1].y, &a->y);
  pts[2] = *b;
  pts[3] = *b;
  fp_mul(&pts[3].x, &b->x, &BLS_BETA);
  fp_neg(&pts[3].y, &b->y);
  g1_mul_joint(r, pts, 4, (const uint64_t(*)[4])s, 2);
}
