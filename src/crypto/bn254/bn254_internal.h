/* bn254 internals shared by the files of src/crypto/bn254: the Fp6/Fp12 tower
 * (Fp6 = Fp2[v]/(v^3 - (9+u)), Fp12 = Fp6[w]/(w^2 - v)), curve point types for
 * G1 (y^2 = x^3 + 3 over Fp) and G2 (the D-type twist y^2 = x^3 + 3/(9+u) over Fp2). */
#ifndef ETHC_BN254_INTERNAL_H
#define ETHC_BN254_INTERNAL_H

#include <stddef.h>

#include "crypto/bn254/bn254_field.h"

/* ---- Fp6 / Fp12 (bn254_tower.c) ---- */
void bn254_fp6_mul(fp6_t *r, const fp6_t *a, const fp6_t *b);
void bn254_fp6_sqr(fp6_t *r, const fp6_t *a);
void bn254_fp6_inv(fp6_t *r, const fp6_t *a);
void bn254_fp12_one(fp12_t *r);
bool bn254_fp12_is_one(const fp12_t *a);
bool bn254_fp12_eq(const fp12_t *a, const fp12_t *b);
void bn254_fp12_mul(fp12_t *r, const fp12_t *a, const fp12_t *b);
void bn254_fp12_sqr(fp12_t *r, const fp12_t *a);
void bn254_fp12_conj(fp12_t *r, const fp12_t *a);
void bn254_fp12_inv(fp12_t *r, const fp12_t *a);
void bn254_fp12_frob(fp12_t *r, const fp12_t *a);  /* a^p */
void bn254_fp12_frob2(fp12_t *r, const fp12_t *a); /* a^(p^2) */
void bn254_fp12_frob3(fp12_t *r, const fp12_t *a); /* a^(p^3) */
/* Squaring valid only in the cyclotomic subgroup (Granger-Scott). */
void bn254_fp12_cyc_sqr(fp12_t *r, const fp12_t *a);
/* f *= l0 + l1*w + l3*w^3 (a line: l0 in slot c0.c0, l1 in c1.c0, l3 in c1.c1). */
void bn254_fp12_mul_line(fp12_t *f, const fp2_t *l0, const fp2_t *l1, const fp2_t *l3);
/* f^((p^12-1)/r) */
void bn254_final_exp(fp12_t *r, const fp12_t *f);

/* Frobenius constants (Montgomery form), also used for the twist endomorphism. */
extern const fp2_t bn254_frob_g1[6]; /* xi^(i(p-1)/6), [0] unused */
extern const fp_t bn254_frob_g2[6];  /* xi^(i(p^2-1)/6), in Fp */
extern const fp2_t bn254_frob_g3[6]; /* xi^(i(p^3-1)/6) */
extern const fp2_t bn254_twist_b;    /* 3/(9+u) */
extern const fp2_t bn254_twist_b3;   /* 3 * 3/(9+u) */

/* ---- points (bn254_curve.c) ---- */
typedef struct {
  fp_t x, y;
  bool inf;
} g1_affine_t;
typedef struct {
  fp_t x, y, z;
} g1_jac_t; /* Jacobian, z = 0 is infinity */
typedef struct {
  fp2_t x, y;
  bool inf;
} g2_affine_t;
typedef struct {
  fp2_t x, y, z;
} g2_jac_t;

bool bn254_g1_on_curve(const g1_affine_t *p);
bool bn254_g2_on_curve(const g2_affine_t *p);
bool bn254_g2_in_subgroup(const g2_affine_t *p); /* assumes on curve */
void bn254_g1_to_affine(g1_affine_t *r, const g1_jac_t *p);
void bn254_g1_from_affine(g1_jac_t *r, const g1_affine_t *p);
void bn254_g1_jac_add(g1_jac_t *r, const g1_jac_t *a, const g1_jac_t *b);
void bn254_g1_jac_dbl(g1_jac_t *r, const g1_jac_t *a);
/* k is 256-bit little-endian limbs (any value; reduced mod r inside). */
void bn254_g1_mul(g1_jac_t *r, const g1_affine_t *p, const uint64_t k[4]);
/* Plain double-and-add reference (tests). */
void bn254_g1_mul_simple(g1_jac_t *r, const g1_affine_t *p, const uint64_t k[4]);
void bn254_g2_to_affine(g2_affine_t *r, const g2_jac_t *p);
void bn254_g2_jac_add(g2_jac_t *r, const g2_jac_t *a, const g2_jac_t *b);
void bn254_g2_jac_dbl(g2_jac_t *r, const g2_jac_t *a);
void bn254_g2_mul_simple(g2_jac_t *r, const g2_affine_t *p, const uint64_t k[4]);

/* ---- pairing (bn254_pairing.c) ---- */
/* Product of Miller loops over n pairs (infinity pairs skipped), no final exponentiation. */
void bn254_miller_loop_n(fp12_t *f, const g1_affine_t *p, const g2_affine_t *q, size_t n);

#endif
