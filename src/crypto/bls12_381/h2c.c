/* RFC 9380 hash_to_curve for BLS12-381 G2 (suite BLS12381G2_XMD:SHA-256_SSWU_RO_):
 * expand_message_xmd with SHA-256, hash_to_field into Fp2 (L = 64), two SSWU maps,
 * one cofactor clearing; and BLS signature verification as Ethereum's consensus
 * layer uses it (public keys in G1, signatures in G2, proof-of-possession DST). */
#include <gmp.h>
#include <openssl/sha.h>
#include <stdlib.h>

#include "bls_internal.h"
#include "ethc/bls12_381.h"
#include "ethc/error.h"

/* RFC 9380 section 5.3.1 (SHA-256: b_in_bytes 32, s_in_bytes 64). */
static int expand_message_xmd(uint8_t *out, size_t len_in_bytes, const uint8_t *msg, size_t msg_len, const uint8_t *dst,
                              size_t dst_len) {
  uint8_t dst_hash[32];
  if (dst_len > 255) {
    /* DST = H("H2C-OVERSIZE-DST-" || DST) */
    uint8_t *t = malloc(17 + dst_len);
    if (!t) return ETHC_ERR_NOMEM;
    memcpy(t, "H2C-OVERSIZE-DST-", 17);
    memcpy(t + 17, dst, dst_len);
    SHA256(t, 17 + dst_len, dst_hash);
    free(t);
    dst = dst_hash;
    dst_len = 32;
  }
  size_t ell = (len_in_bytes + 31) / 32;
  if (ell > 255 || len_in_bytes > 65535) return ETHC_ERR_INVALID;
  /* b0 = H(Z_pad || msg || I2OSP(len, 2) || I2OSP(0, 1) || DST || I2OSP(len(DST), 1)) */
  size_t n0 = 64 + msg_len + 3 + dst_len + 1;
  uint8_t *m0 = malloc(n0);
  if (!m0) return ETHC_ERR_NOMEM;
  memset(m0, 0, 64);
  if (msg_len) memcpy(m0 + 64, msg, msg_len);
  m0[64 + msg_len] = (uint8_t)(len_in_bytes >> 8);
  m0[64 + msg_len + 1] = (uint8_t)len_in_bytes;
  m0[64 + msg_len + 2] = 0;
  memcpy(m0 + 64 + msg_len + 3, dst, dst_len);
  m0[n0 - 1] = (uint8_t)dst_len;
  uint8_t b0[32], bi[32];
  SHA256(m0, n0, b0);
  free(m0);
  /* b_i = H((b0 xor b_{i-1}) || I2OSP(i, 1) || DST'), b_1 = H(b0 || 1 || DST') */
  uint8_t blk[32 + 1 + 255 + 1];
  for (size_t i = 1; i <= ell; i++) {
    for (int j = 0; j < 32; j++) blk[j] = i == 1 ? b0[j] : (uint8_t)(b0[j] ^ bi[j]);
    blk[32] = (uint8_t)i;
    memcpy(blk + 33, dst, dst_len);
    blk[33 + dst_len] = (uint8_t)dst_len;
    SHA256(blk, 34 + dst_len, bi);
    size_t rem = len_in_bytes - (i - 1) * 32;
    memcpy(out + (i - 1) * 32, bi, rem < 32 ? rem : 32);
  }
  return 0;
}

/* 64 big-endian bytes mod p. */
static void fp_from_be64_mod(fp_t *r, const uint8_t in[64]) {
  static const mp_limb_t P_MP[6] = BLS_P_LIMBS;
  mpz_t x, m, q;
  mpz_init(x);
  mpz_import(x, 64, 1, 1, 1, 0, in);
  mpz_roinit_n(m, P_MP, 6);
  mpz_init(q);
  mpz_mod(q, x, m);
  uint64_t w[6] = {0};
  size_t cnt = 0;
  mpz_export(w, &cnt, -1, 8, 0, 0, q);
  mpz_clear(x);
  mpz_clear(q);
  fp_from_plain(r, w);
}

int bls_hash_to_g2(g2_t *r, const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len) {
  uint8_t u[256];
  int err = expand_message_xmd(u, sizeof u, msg, len, dst, dst_len);
  if (err) return err;
  fp2_t e0, e1;
  fp_from_be64_mod(&e0.c0, u);
  fp_from_be64_mod(&e0.c1, u + 64);
  fp_from_be64_mod(&e1.c0, u + 128);
  fp_from_be64_mod(&e1.c1, u + 192);
  g2_t q0, q1;
  bls_map_to_curve_g2(&q0, &e0);
  bls_map_to_curve_g2(&q1, &e1);
  g2_add(&q0, &q0, &q1);
  bls_clear_cofactor_g2(r, &q0);
  return 0;
}

/* ----------------------------------------------------------- public ---- */

static void enc_fp64(uint8_t out[64], const fp_t *a) {
  memset(out, 0, 16);
  fp_to_be48(out + 16, a);
}

int bls12_hash_to_g2(const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len, uint8_t out[BLS12_G2_SIZE]) {
  g2_t p;
  int err = bls_hash_to_g2(&p, msg, len, dst, dst_len);
  if (err) return err;
  g2_aff_t a;
  g2_to_aff(&a, &p);
  if (a.inf) {
    memset(out, 0, BLS12_G2_SIZE);
    return 0;
  }
  enc_fp64(out, &a.x.c0);
  enc_fp64(out + 64, &a.x.c1);
  enc_fp64(out + 128, &a.y.c0);
  enc_fp64(out + 192, &a.y.c1);
  return 0;
}

/* Compressed public key -> affine G1 point: KeyValidate (valid, in G1, not infinity). */
static bool dec_pubkey(g1_aff_t *r, const uint8_t in[48]) {
  uint8_t u[128];
  if (bls12_g1_decompress(in, true, u) != 0) return false;
  r->inf = true;
  for (int i = 0; i < 128; i++)
    if (u[i]) {
      r->inf = false;
      break;
    }
  if (r->inf) return false;
  fp_from_be48(&r->x, u + 16);
  fp_from_be48(&r->y, u + 80);
  return true;
}

static bool dec_sig(g2_aff_t *r, const uint8_t in[96]) {
  uint8_t u[256];
  if (bls12_g2_decompress(in, true, u) != 0) return false;
  r->inf = true;
  for (int i = 0; i < 256; i++)
    if (u[i]) {
      r->inf = false;
      break;
    }
  if (r->inf) return true;
  fp_from_be48(&r->x.c0, u + 16);
  fp_from_be48(&r->x.c1, u + 80);
  fp_from_be48(&r->y.c0, u + 144);
  fp_from_be48(&r->y.c1, u + 208);
  return true;
}

/* e(pk, H(m)) == e(G1, sig)  <=>  e(pk, H(m)) e(-G1, sig) == 1 */
static int core_verify(const g1_aff_t *pk, const uint8_t *msg, size_t len, const uint8_t sig[96], bool *ok) {
  g2_aff_t qs[2];
  if (!dec_sig(&qs[1], sig)) return ETHC_ERR_INVALID;
  g2_t h;
  static const char DST[] = BLS12_SIG_DST;
  int err = bls_hash_to_g2(&h, msg, len, (const uint8_t *)DST, sizeof DST - 1);
  if (err) return err;
  g2_to_aff(&qs[0], &h);
  g1_aff_t ps[2];
  ps[0] = *pk;
  g1_t g;
  g1_generator(&g);
  g1_neg(&g, &g);
  g1_to_aff(&ps[1], &g);
  *ok = bls_pairing_check(ps, qs, 2);
  return 0;
}

int bls12_verify(const uint8_t pk[48], const uint8_t *msg, size_t len, const uint8_t sig[96], bool *ok) {
  g1_aff_t p;
  *ok = false;
  if (!dec_pubkey(&p, pk)) return ETHC_ERR_INVALID;
  return core_verify(&p, msg, len, sig, ok);
}

int bls12_fast_aggregate_verify(const uint8_t (*pks)[48], size_t n, const uint8_t *msg, size_t len,
                                const uint8_t sig[96], bool *ok) {
  *ok = false;
  if (n == 0) return ETHC_ERR_INVALID;
  g1_t acc;
  g1_set_inf(&acc);
  for (size_t i = 0; i < n; i++) {
    g1_aff_t p;
    if (!dec_pubkey(&p, pks[i])) return ETHC_ERR_INVALID;
    g1_add_aff(&acc, &acc, &p);
  }
  g1_aff_t agg;
  g1_to_aff(&agg, &acc);
  if (agg.inf) return 0; /* the aggregate key is the identity: reject */
  return core_verify(&agg, msg, len, sig, ok);
}
