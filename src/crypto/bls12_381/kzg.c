/* EIP-4844 KZG proof verification (verify_kzg_proof of the consensus specs'
 * polynomial-commitments.md) and the point-evaluation precompile body, with the
 * Ethereum KZG ceremony's [tau]G2 (trusted setup g2_monomial[1]) built in. */
#include <openssl/sha.h>
#include <pthread.h>

#include "bls_internal.h"
#include "kzg_internal.h"
#include "ethc/bls12_381.h"
#include "ethc/error.h"
#include "ethc/kzg.h"

const uint8_t kzg_bls_modulus[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                     0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                     0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

/* g2_monomial[1] of the trusted setup, compressed (ZCash format). */
static const char TAU_G2_HEX[] =
    "b5bfd7dd8cdeb128843bc287230af38926187075cbfbefa81009a2ce615ac53d2914e5870cb452d2afaaab24f3499f72"
    "185cbfee53492714734429b7b38608e23926c911cceceac9a36851477ba4c60b087041de621000edc98edada20c1def2";

/* Both G2 points of the check are fixed: their Miller-loop lines are computed once. */
static bls_g2_prepared_t tau_g2_pre, neg_g2_pre;
static bool tau_ok;
static pthread_once_t tau_once = PTHREAD_ONCE_INIT;

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static void dec_aff_g2(g2_aff_t *r, const uint8_t in[256]) {
  fp_from_be48(&r->x.c0, in + 16);
  fp_from_be48(&r->x.c1, in + 80);
  fp_from_be48(&r->y.c0, in + 144);
  fp_from_be48(&r->y.c1, in + 208);
  r->inf = false;
}

static void tau_init(void) {
  uint8_t c[96], u[256];
  for (int i = 0; i < 96; i++) c[i] = (uint8_t)(hexval(TAU_G2_HEX[2 * i]) << 4 | hexval(TAU_G2_HEX[2 * i + 1]));
  tau_ok = bls12_g2_decompress(c, true, u) == 0;
  if (!tau_ok) return;
  g2_aff_t tau, ng;
  dec_aff_g2(&tau, u);
  bls_g2_prepare(&tau_g2_pre, &tau);
  g2_t g;
  g2_generator(&g);
  g2_neg(&g, &g);
  g2_to_aff(&ng, &g);
  bls_g2_prepare(&neg_g2_pre, &ng);
}

void kzg_commitment_to_versioned_hash(const uint8_t commitment[48], uint8_t out[32]) {
  SHA256(commitment, 48, out);
  out[0] = 0x01;
}

static bool below_modulus(const uint8_t v[32]) {
  for (int i = 0; i < 32; i++) {
    if (v[i] < kzg_bls_modulus[i]) return true;
    if (v[i] > kzg_bls_modulus[i]) return false;
  }
  return false;
}

static void scalar_words(uint64_t k[4], const uint8_t in[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = (v << 8) | in[(3 - i) * 8 + j];
    k[i] = v;
  }
}

static bool dec_compressed_g1(g1_aff_t *r, const uint8_t in[48]) {
  uint8_t u[128];
  if (bls12_g1_decompress(in, true, u) != 0) return false;
  r->inf = true;
  for (int i = 0; i < 128; i++)
    if (u[i]) {
      r->inf = false;
      break;
    }
  if (r->inf) return true;
  fp_from_be48(&r->x, u + 16);
  fp_from_be48(&r->y, u + 80);
  return true;
}

int kzg_verify_proof(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32], const uint8_t proof[48],
                     bool *ok) {
  pthread_once(&tau_once, tau_init);
  if (!tau_ok) return ETHC_ERR_INVALID;
  if (!below_modulus(z) || !below_modulus(y)) return ETHC_ERR_INVALID;
  g1_aff_t c, pi;
  if (!dec_compressed_g1(&c, commitment) || !dec_compressed_g1(&pi, proof)) return ETHC_ERR_INVALID;
  uint64_t kz[4], ky[4];
  scalar_words(kz, z);
  scalar_words(ky, y);
  /* e(C - [y]G1, -G2) e(proof, [tau - z]G2) == e(C - [y]G1 + [z]proof, -G2) e(proof, [tau]G2) */
  g1_t g1, pp, t;
  g1_generator(&g1);
  g1_neg(&g1, &g1);
  g1_from_aff(&pp, &pi);
  g1_mul2_glv(&t, &g1, ky, &pp, kz); /* both in G1: C and proof were subgroup-checked */
  g1_add_aff(&t, &t, &c);
  g1_aff_t ps[2];
  const bls_g2_prepared_t *qs[2] = {&neg_g2_pre, &tau_g2_pre};
  g1_to_aff(&ps[0], &t);
  ps[1] = pi;
  *ok = bls_pairing_check_prepared(ps, qs, 2);
  return 0;
}

int kzg_point_evaluation(const uint8_t *in, size_t len, uint8_t out[64]) {
  if (len != 192) return ETHC_ERR_INVALID;
  uint8_t vh[32];
  kzg_commitment_to_versioned_hash(in + 96, vh);
  if (memcmp(vh, in, 32) != 0) return ETHC_ERR_INVALID;
  bool ok = false;
  int err = kzg_verify_proof(in + 96, in + 32, in + 64, in + 144, &ok);
  if (err) return err;
  if (!ok) return ETHC_ERR_INVALID;
  memset(out, 0, 32);
  out[30] = KZG_FIELD_ELEMENTS_PER_BLOB >> 8;
  out[31] = KZG_FIELD_ELEMENTS_PER_BLOB & 0xff;
  memcpy(out + 32, kzg_bls_modulus, 32);
  return 0;
}

/* ---- for the other KZG files (kzg_internal.h) ---- */

bool kzg_g1_decode(g1_aff_t *r, const uint8_t in[48]) { return dec_compressed_g1(r, in); }

bool kzg_pairing_check_tau(const g1_aff_t *l, const g1_aff_t *p) {
  pthread_once(&tau_once, tau_init);
  if (!tau_ok) return false;
  g1_aff_t ps[2] = {*l, *p};
  const bls_g2_prepared_t *qs[2] = {&neg_g2_pre, &tau_g2_pre};
  return bls_pairing_check_prepared(ps, qs, 2);
}
