/* EIP-4844 blob proofs: verify_blob_kzg_proof of the consensus specs'
 * deneb/polynomial-commitments.md (compute_challenge with the Fiat-Shamir
 * domain "FSBLOBVERIFY_V1_", the blob polynomial evaluated at the challenge by
 * the barycentric formula over the bit-reversed 4096th roots of unity of
 * BLS12-381's scalar field, then verify_kzg_proof). Needs no G1 setup: only
 * [tau]G2, which kzg.c holds. Field arithmetic: kzg_fr.h. */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kzg_fr.h"
#include "ethc/error.h"
#include "ethc/kzg.h"

#define N KZG_FIELD_ELEMENTS_PER_BLOB
#define LOG_N 12

static fr_t *roots; /* the N roots of unity, bit-reversed, Montgomery form */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static unsigned reverse_bits(unsigned i) {
  unsigned r = 0;
  for (int b = 0; b < LOG_N; b++) r |= (i >> b & 1u) << (LOG_N - 1 - b);
  return r;
}

static void init(void) {
  kzg_fr_init();
  roots = malloc(N * sizeof *roots);
  if (!roots) return;
  fr_t w, cur = kzg_fr_one;
  kzg_fr_root_of_unity(LOG_N, &w);
  for (unsigned i = 0; i < N; i++) {
    roots[reverse_bits(i)] = cur;
    kzg_fr_mul(&cur, &cur, &w);
  }
}

void kzg_root_of_unity_brp(size_t i, uint8_t out[32]) {
  pthread_once(&once, init);
  if (!roots || i >= N) return (void)memset(out, 0, 32);
  kzg_fr_to_be(out, &roots[i]);
}

void kzg_blob_challenge(const uint8_t *blob, const uint8_t commitment[48], uint8_t z[32]) {
  static const char domain[16] = "FSBLOBVERIFY_V1_";
  uint8_t h[32];
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  uint8_t degree[16] = {0};
  degree[14] = N >> 8; /* FIELD_ELEMENTS_PER_BLOB as 16 big-endian bytes */
  unsigned hl = 0;
  if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) || !EVP_DigestUpdate(c, domain, sizeof domain) ||
      !EVP_DigestUpdate(c, degree, sizeof degree) || !EVP_DigestUpdate(c, blob, KZG_BYTES_PER_BLOB) ||
      !EVP_DigestUpdate(c, commitment, 48) || !EVP_DigestFinal_ex(c, h, &hl))
    memset(h, 0xff, sizeof h); /* out of memory: a challenge no proof matches in practice */
  EVP_MD_CTX_free(c);
  kzg_fr_init();
  fr_t t;
  kzg_fr_from_hash(&t, h);
  kzg_fr_to_be(z, &t);
}

int kzg_blob_evaluate(const uint8_t *blob, const uint8_t z_be[32], uint8_t y_be[32]) {
  pthread_once(&once, init);
  if (!roots) return ETHC_ERR_NOMEM;
  fr_t z;
  if (!kzg_fr_from_be(&z, z_be)) return ETHC_ERR_INVALID;
  fr_t *d = malloc(2 * N * sizeof *d); /* denominators z - w_i, then prefix products */
  if (!d) return ETHC_ERR_NOMEM;
  fr_t *pre = d + N;
  int rc = 0;
  long hit = -1;
  for (unsigned i = 0; i < N; i++) {
    kzg_fr_sub(&d[i], &z, &roots[i]);
    if (kzg_fr_is_zero(&d[i])) hit = (long)i;
  }
  fr_t acc = kzg_fr_one, p;
  if (hit >= 0) { /* z is in the domain: the evaluation is the blob's element */
    for (unsigned i = 0; i < N && !rc; i++)
      if (!kzg_fr_from_be(&p, blob + 32 * i)) rc = ETHC_ERR_INVALID;
    if (!rc) memcpy(y_be, blob + 32 * hit, 32);
    free(d);
    return rc;
  }
  /* batch inversion (Montgomery's trick) */
  for (unsigned i = 0; i < N; i++) {
    pre[i] = acc;
    kzg_fr_mul(&acc, &acc, &d[i]);
  }
  fr_t inv;
  kzg_fr_inv(&inv, &acc);
  fr_t sum = {{0}};
  for (unsigned i = N; i-- > 0 && !rc;) {
    fr_t di;
    kzg_fr_mul(&di, &inv, &pre[i]); /* 1 / d_i */
    kzg_fr_mul(&inv, &inv, &d[i]);
    if (!kzg_fr_from_be(&p, blob + 32 * i)) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    kzg_fr_mul(&p, &p, &roots[i]);
    kzg_fr_mul(&p, &p, &di);
    kzg_fr_add(&sum, &sum, &p);
  }
  free(d);
  if (rc) return rc;
  /* times (z^N - 1) / N */
  fr_t zn = z, nn, ninv;
  for (int i = 0; i < LOG_N; i++) kzg_fr_mul(&zn, &zn, &zn);
  kzg_fr_sub(&zn, &zn, &kzg_fr_one);
  kzg_fr_from_u64(&nn, N);
  kzg_fr_inv(&ninv, &nn);
  kzg_fr_mul(&sum, &sum, &zn);
  kzg_fr_mul(&sum, &sum, &ninv);
  kzg_fr_to_be(y_be, &sum);
  return 0;
}

int kzg_verify_blob_proof(const uint8_t *blob, const uint8_t commitment[48], const uint8_t proof[48], bool *ok) {
  *ok = false;
  uint8_t z[32], y[32];
  kzg_blob_challenge(blob, commitment, z);
  int rc = kzg_blob_evaluate(blob, z, y);
  if (rc) return rc;
  return kzg_verify_proof(commitment, z, y, proof, ok);
}
