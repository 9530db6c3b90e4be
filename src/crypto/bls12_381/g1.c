/* BLS12-381 G1 (y^2 = x^3 + 4 over Fp): Jacobian arithmetic, scalar
 * multiplication and the endomorphism subgroup check sigma(P) == [-z^2]P
 * (eprint 2021/1130), as used by EIP-2537 and the KZG code of EIP-4844. */
#include <stdlib.h>

#include "bls_internal.h"

#define FE fp_t
#define PT g1_t
#define AFF g1_aff_t
#define PF(n) g1_##n
#define FE_ADD fp_add
#define FE_SUB fp_sub
#define FE_DBL fp_dbl
#define FE_NEG fp_neg
#define FE_MUL fp_mul
#define FE_SQR fp_sqr
#define FE_INV fp_inv
#define FE_EQ fp_eq
#define FE_ISZERO fp_is_zero
#define FE_SETONE(r) (*(r) = BLS_ONE)
#define CURVE_B BLS_B1
#define ENDO_MUL g1_mul_glv
#include "curve_tmpl.h"


void g1_generator(g1_t *r) {
  r->x = BLS_G1_X;
  r->y = BLS_G1_Y;
  r->z = BLS_ONE;
}

bool g1_in_subgroup(const g1_t *a) {
  if (g1_is_inf(a)) return true;
  g1_t q, s;
  g1_mul_zabs(&q, a);
  g1_mul_zabs(&q, &q); /* [z^2]P */
  s = *a;
  fp_mul(&s.x, &a->x, &BLS_BETA); /* sigma(P) */
  g1_add(&q, &q, &s);             /* must be infinity */
  return g1_is_inf(&q);
}
