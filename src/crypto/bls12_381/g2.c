/* BLS12-381 G2 (y^2 = x^3 + 4(1+u) over Fp2, M-type twist): Jacobian arithmetic,
 * scalar multiplication, the psi endomorphism and the subgroup check
 * psi(P) == [z]P (eprint 2021/1130), as used by EIP-2537 and EIP-4844. */
#include <stdlib.h>

#include "bls_internal.h"

#define FE fp2_t
#define PT g2_t
#define AFF g2_aff_t
#define PF(n) g2_##n
#define FE_ADD fp2_add
#define FE_SUB fp2_sub
#define FE_DBL fp2_dbl
#define FE_NEG fp2_neg
#define FE_MUL fp2_mul
#define FE_SQR fp2_sqr
#define FE_INV fp2_inv
#define FE_EQ fp2_eq
#define FE_ISZERO fp2_is_zero
#define FE_SETONE(r) fp2_set_one(r)
#define CURVE_B BLS_B2
#define ENDO_MUL g2_mul_gls
#include "curve_tmpl.h"


void g2_generator(g2_t *r) {
  r->x = BLS_G2_X;
  r->y = BLS_G2_Y;
  fp2_set_one(&r->z);
}

/* psi(x, y) = (conj(x) cx, conj(y) cy); on Jacobian coordinates conj(Z) carries over. */
void g2_psi(g2_t *r, const g2_t *a) {
  fp2_t x, y, z;
  fp2_conj(&x, &a->x);
  fp2_conj(&y, &a->y);
  fp2_conj(&z, &a->z);
  fp2_mul(&r->x, &x, &BLS_PSI_X);
  fp2_mul(&r->y, &y, &BLS_PSI_Y);
  r->z = z;
}

bool g2_in_subgroup(const g2_t *a) {
  if (g2_is_inf(a)) return true;
  g2_t q, s;
  g2_mul_zabs(&q, a); /* [|z|]P = -[z]P */
  g2_psi(&s, a);
  g2_add(&q, &q, &s); /* psi(P) - [z]P must be infinity */
  return g2_is_inf(&q);
}
