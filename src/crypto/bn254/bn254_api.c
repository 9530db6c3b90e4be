/* Byte-level entry points of include/ethc/bn254.h: EIP-196/197 decoding and validation
 * (coordinates < p, on-curve, (0,0) = infinity, G2 subgroup membership) around the
 * group and pairing code of this folder. */
#include <stdlib.h>

#include "crypto/bn254/bn254_internal.h"
#include "ethc/bn254.h"
#include "ethc/error.h"

static bool all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= p[i];
  return acc == 0;
}

static int g1_decode(g1_affine_t *r, const uint8_t in[64]) {
  if (!bn254_fp_from_bytes(&r->x, in) || !bn254_fp_from_bytes(&r->y, in + 32)) return ETHC_ERR_INVALID;
  r->inf = all_zero(in, 64);
  if (!bn254_g1_on_curve(r)) return ETHC_ERR_INVALID;
  return 0;
}

static void g1_encode(uint8_t out[64], const g1_jac_t *p) {
  g1_affine_t a;
  bn254_g1_to_affine(&a, p);
  if (a.inf) {
    memset(out, 0, 64);
    return;
  }
  bn254_fp_to_bytes(out, &a.x);
  bn254_fp_to_bytes(out + 32, &a.y);
}

/* EIP-197: x = in[0..32)*i + in[32..64), y = in[64..96)*i + in[96..128). */
static int g2_decode(g2_affine_t *r, const uint8_t in[128]) {
  if (!bn254_fp_from_bytes(&r->x.c1, in) || !bn254_fp_from_bytes(&r->x.c0, in + 32) ||
      !bn254_fp_from_bytes(&r->y.c1, in + 64) || !bn254_fp_from_bytes(&r->y.c0, in + 96))
    return ETHC_ERR_INVALID;
  r->inf = all_zero(in, 128);
  if (!bn254_g2_on_curve(r)) return ETHC_ERR_INVALID;
  if (!bn254_g2_in_subgroup(r)) return ETHC_ERR_INVALID;
  return 0;
}

static void load_scalar(uint64_t k[4], const uint8_t in[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = (v << 8) | in[(3 - i) * 8 + j];
    k[i] = v;
  }
}

int bn254_g1_add_bytes(const uint8_t in[128], uint8_t out[64]) {
  g1_affine_t a, b;
  int err;
  if ((err = g1_decode(&a, in)) != 0 || (err = g1_decode(&b, in + 64)) != 0) return err;
  g1_jac_t ja, jb;
  bn254_g1_from_affine(&ja, &a);
  bn254_g1_from_affine(&jb, &b);
  bn254_g1_jac_add(&ja, &ja, &jb);
  g1_encode(out, &ja);
  return 0;
}

int bn254_g1_mul_bytes(const uint8_t in[96], uint8_t out[64]) {
  g1_affine_t a;
  int err;
  if ((err = g1_decode(&a, in)) != 0) return err;
  uint64_t k[4];
  load_scalar(k, in + 64);
  g1_jac_t r;
  bn254_g1_mul(&r, &a, k);
  g1_encode(out, &r);
  return 0;
}

int bn254_g1_mul_bytes_simple(const uint8_t in[96], uint8_t out[64]) {
  g1_affine_t a;
  int err;
  if ((err = g1_decode(&a, in)) != 0) return err;
  uint64_t k[4];
  load_scalar(k, in + 64);
  g1_jac_t r;
  bn254_g1_mul_simple(&r, &a, k);
  g1_encode(out, &r);
  return 0;
}

int bn254_pairing_check_bytes(const uint8_t *in, size_t len, bool *ok) {
  if (len % BN254_PAIR_SIZE != 0) return ETHC_ERR_INVALID;
  size_t n = len / BN254_PAIR_SIZE;
  *ok = true;
  if (n == 0) return 0;
  enum { STACK_PAIRS = 8 };
  g1_affine_t ps_stack[STACK_PAIRS];
  g2_affine_t qs_stack[STACK_PAIRS];
  g1_affine_t *ps = ps_stack;
  g2_affine_t *qs = qs_stack;
  if (n > STACK_PAIRS) {
    ps = malloc(n * sizeof *ps);
    qs = malloc(n * sizeof *qs);
    if (!ps || !qs) {
      free(ps);
      free(qs);
      return ETHC_ERR_NOMEM;
    }
  }
  int err = 0;
  for (size_t i = 0; i < n && !err; i++) {
    const uint8_t *e = in + i * BN254_PAIR_SIZE;
    if ((err = g1_decode(&ps[i], e)) == 0) err = g2_decode(&qs[i], e + 64);
  }
  if (!err) {
    fp12_t f;
    bn254_miller_loop_n(&f, ps, qs, n);
    bn254_final_exp(&f, &f);
    *ok = bn254_fp12_is_one(&f);
  }
  if (ps != ps_stack) {
    free(ps);
    free(qs);
  }
  return err;
}
