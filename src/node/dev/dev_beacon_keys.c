/* TEST-ONLY: the dev beacon chain's sync committee (ethc/dev_beacon.h): 512 BLS
 * secret keys derived from a fixed seed, their public keys (sk * G1, compressed
 * as the consensus layer's BLS keys), their sum, and the committee's aggregate
 * signature of one message, (sum of sk) * H(msg) with the proof-of-possession
 * ciphersuite's hash-to-G2 (IETF BLS signature draft; RFC 9380). */
#include <string.h>

#include "ethc/bls12_381.h"
#include "ethc/dev_beacon.h"
#include "ethc/hash.h"
#include "ethc/u256.h"

#define SEED "ethc dev beacon sync committee"

/* The BLS12-381 subgroup order r, big-endian. */
static const uint8_t R[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                              0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                              0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

/* The G1 generator in the EIP-2537 encoding (x, y: 64 bytes each, 16 zero bytes first). */
static const uint8_t G1_X[48] = {0x17, 0xf1, 0xd3, 0xa7, 0x31, 0x97, 0xd7, 0x94, 0x26, 0x95, 0x63, 0x8c,
                                 0x4f, 0xa9, 0xac, 0x0f, 0xc3, 0x68, 0x8c, 0x4f, 0x97, 0x74, 0xb9, 0x05,
                                 0xa1, 0x4e, 0x3a, 0x3f, 0x17, 0x1b, 0xac, 0x58, 0x6c, 0x55, 0xe8, 0x3f,
                                 0xf9, 0x7a, 0x1a, 0xef, 0xfb, 0x3a, 0xf0, 0x0a, 0xdb, 0x22, 0xc6, 0xbb};
static const uint8_t G1_Y[48] = {0x08, 0xb3, 0xf4, 0x81, 0xe3, 0xaa, 0xa0, 0xf1, 0xa0, 0x9e, 0x30, 0xed,
                                 0x74, 0x1d, 0x8a, 0xe4, 0xfc, 0xf5, 0xe0, 0x95, 0xd5, 0xd0, 0x0a, 0xf6,
                                 0x00, 0xdb, 0x18, 0xcb, 0x2c, 0x04, 0xb3, 0xed, 0xd0, 0x3c, 0xc7, 0x44,
                                 0xa2, 0x88, 0x8a, 0xe4, 0x0c, 0xaa, 0x23, 0x29, 0x46, 0xc5, 0xe7, 0xe1};

void dev_beacon_secret_key(uint32_t i, uint8_t out[32]) {
  uint8_t msg[sizeof SEED - 1 + 4];
  memcpy(msg, SEED, sizeof SEED - 1);
  msg[sizeof SEED - 1] = (uint8_t)(i >> 24);
  msg[sizeof SEED] = (uint8_t)(i >> 16);
  msg[sizeof SEED + 1] = (uint8_t)(i >> 8);
  msg[sizeof SEED + 2] = (uint8_t)i;
  uint8_t h[32];
  (void)hash_sha256(msg, sizeof msg, h);
  u256_t x, r, r1, one = u256_from_u64(1), sk;
  u256_from_be(&x, h);
  u256_from_be(&r, R);
  u256_sub(&r1, &r, &one);
  u256_mod(&sk, &x, &r1);
  u256_add(&sk, &sk, &one); /* 1..r-1: never the zero key */
  u256_to_be(&sk, out);
}

/* sk * G1, compressed. */
static int public_key(const uint8_t sk[32], uint8_t out[48]) {
  uint8_t in[BLS12_G1MSM_PAIR_SIZE] = {0}, p[BLS12_G1_SIZE];
  memcpy(in + 16, G1_X, 48);
  memcpy(in + 64 + 16, G1_Y, 48);
  memcpy(in + BLS12_G1_SIZE, sk, 32);
  int rc = bls12_g1_msm(in, sizeof in, p);
  return rc ? rc : bls12_g1_compress(p, out);
}

int dev_beacon_keys_derive(dev_beacon_keys_t *k) {
  memset(k, 0, sizeof *k);
  u256_t r, sum = u256_from_u64(0);
  u256_from_be(&r, R);
  for (uint32_t i = 0; i < BEACON_SYNC_COMMITTEE_MAX; i++) {
    uint8_t sk[32];
    dev_beacon_secret_key(i, sk);
    int rc = public_key(sk, k->committee.pubkeys[i]);
    if (rc) return rc;
    u256_t s;
    u256_from_be(&s, sk);
    u256_addmod(&sum, &sum, &s, &r);
  }
  u256_to_be(&sum, k->agg_sk);
  /* the sum of the keys is (sum of sk) * G1 */
  return public_key(k->agg_sk, k->committee.aggregate_pubkey);
}

int dev_beacon_sign(const dev_beacon_keys_t *k, const uint8_t msg[32], uint8_t sig[BEACON_SIGNATURE_SIZE]) {
  uint8_t in[BLS12_G2MSM_PAIR_SIZE], p[BLS12_G2_SIZE];
  int rc = bls12_hash_to_g2(msg, 32, (const uint8_t *)BLS12_SIG_DST, sizeof BLS12_SIG_DST - 1, in);
  if (rc) return rc;
  memcpy(in + BLS12_G2_SIZE, k->agg_sk, 32);
  rc = bls12_g2_msm(in, sizeof in, p);
  return rc ? rc : bls12_g2_compress(p, sig);
}
