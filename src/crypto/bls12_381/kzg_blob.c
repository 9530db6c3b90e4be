/* EIP-4844 blob proofs: verify_blob_kzg_proof of the consensus specs'
 * deneb/polynomial-commitments.md (compute_challenge with the Fiat-Shamir
 * domain "FSBLOBVERIFY_V1_", the blob polynomial evaluated at the challenge by
 * the barycentric formula over the bit-reversed 4096th roots of unity of
 * BLS12-381's scalar field, then verify_kzg_proof). Needs no G1 setup: only
 * [tau]G2, which kzg.c holds. Field arithmetic: kzg_fr.h. Also
 * verify_blob_kzg_proof_batch (verify_kzg_proof_batch: the proofs combined
 * with the powers of a Fiat-Shamir challenge r into one two-pairing check). */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kzg_fr.h"
#include "kzg_internal.h"
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
  /* sum p_i w_i / (z - w_i) = z sum p_i / (z - w_i) - sum p_i (as w_i / (z - w_i)
   * = z / (z - w_i) - 1): one product an element. The p_i stay plain (not
   * Montgomery form), and so do their products with the Montgomery 1 / d_i
   * and both sums, converted once at the end. */
  fr_t inv;
  kzg_fr_inv(&inv, &acc);
  fr_t s1 = {{0}}, s2 = {{0}};
  for (unsigned i = N; i-- > 0 && !rc;) {
    fr_t di;
    kzg_fr_mul(&di, &inv, &pre[i]); /* 1 / d_i */
    kzg_fr_mul(&inv, &inv, &d[i]);
    if (!kzg_fr_from_be_plain(&p, blob + 32 * i)) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    kzg_fr_add(&s2, &s2, &p);
    kzg_fr_mul(&p, &p, &di);
    kzg_fr_add(&s1, &s1, &p);
  }
  free(d);
  if (rc) return rc;
  fr_t sum;
  kzg_fr_to_mont(&s1, &s1);
  kzg_fr_to_mont(&s2, &s2);
  kzg_fr_mul(&sum, &s1, &z);
  kzg_fr_sub(&sum, &sum, &s2);
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

/* The plain (not Montgomery) little-endian limbs of a, an MSM scalar. */
static void fr_plain(uint64_t k[4], const fr_t *a) {
  fr_t one = {{1, 0, 0, 0}}, p;
  kzg_fr_mul(&p, a, &one);
  memcpy(k, p.l, sizeof p.l);
}

/* verify_kzg_proof_batch's r: hash_to_bls_field of "RCKZGBATCH___V1_" ||
 * FIELD_ELEMENTS_PER_BLOB (8 bytes) || n (8 bytes) || each commitment || z ||
 * y || proof. False when out of memory. */
static bool batch_challenge(const uint8_t (*commitments)[48], const uint8_t (*zy)[64], const uint8_t (*proofs)[48],
                            size_t n, fr_t *r) {
  static const char domain[16] = "RCKZGBATCH___V1_";
  uint8_t head[16] = {0}, h[32];
  for (int i = 0; i < 8; i++)
    head[7 - i] = (uint8_t)((uint64_t)N >> (8 * i)), head[15 - i] = (uint8_t)((uint64_t)n >> (8 * i));
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) && EVP_DigestUpdate(c, domain, sizeof domain) &&
            EVP_DigestUpdate(c, head, sizeof head);
  for (size_t i = 0; ok && i < n; i++)
    ok =
        EVP_DigestUpdate(c, commitments[i], 48) && EVP_DigestUpdate(c, zy[i], 64) && EVP_DigestUpdate(c, proofs[i], 48);
  unsigned hl = 0;
  ok = ok && EVP_DigestFinal_ex(c, h, &hl);
  EVP_MD_CTX_free(c);
  if (ok) kzg_fr_from_hash(r, h);
  return ok;
}

int kzg_verify_blob_proof_batch(const uint8_t *const *blobs, const uint8_t (*commitments)[48],
                                const uint8_t (*proofs)[48], size_t n, bool *ok) {
  *ok = false;
  if (n == 0) return *ok = true, 0;
  if (n == 1) return kzg_verify_blob_proof(blobs[0], commitments[0], proofs[0], ok);
  kzg_fr_init();
  /* points: C_0..C_n-1, proof_0..proof_n-1, G1; scalars r^i, r^i z_i, -sum r^i y_i */
  uint8_t(*zy)[64] = malloc(n * sizeof *zy);
  g1_aff_t *pts = malloc((2 * n + 1) * sizeof *pts);
  uint64_t(*k)[4] = malloc((2 * n + 1) * sizeof *k);
  int rc = zy && pts && k ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++) {
    if (!kzg_g1_decode(&pts[i], commitments[i]) || !kzg_g1_decode(&pts[n + i], proofs[i])) rc = ETHC_ERR_INVALID;
    else kzg_blob_challenge(blobs[i], commitments[i], zy[i]), rc = kzg_blob_evaluate(blobs[i], zy[i], zy[i] + 32);
  }
  fr_t r;
  if (!rc && !batch_challenge(commitments, (const uint8_t(*)[64])zy, proofs, n, &r)) rc = ETHC_ERR_NOMEM;
  if (!rc) {
    fr_t rp = kzg_fr_one, ysum = {{0}}, t, z, y;
    for (size_t i = 0; i < n; i++) {
      kzg_fr_from_be(&z, zy[i]); /* both below the modulus: the challenge reduced, the evaluation computed */
      kzg_fr_from_be(&y, zy[i] + 32);
      fr_plain(k[i], &rp);
      kzg_fr_mul(&t, &rp, &z);
      fr_plain(k[n + i], &t);
      kzg_fr_mul(&t, &rp, &y);
      kzg_fr_add(&ysum, &ysum, &t);
      kzg_fr_mul(&rp, &rp, &r);
    }
    fr_t zero = {{0}};
    kzg_fr_sub(&ysum, &zero, &ysum);
    fr_plain(k[2 * n], &ysum);
    g1_t g, lhs, psum;
    g1_generator(&g);
    g1_to_aff(&pts[2 * n], &g);
    /* sum r^i (C_i - [y_i]G1) + sum r^i z_i proof_i, and sum r^i proof_i */
    g1_msm(&lhs, pts, (const uint64_t(*)[4])k, 2 * n + 1);
    g1_msm(&psum, pts + n, (const uint64_t(*)[4])k, n);
    g1_aff_t l, p;
    g1_to_aff(&l, &lhs);
    g1_to_aff(&p, &psum);
    *ok = kzg_pairing_check_tau(&l, &p);
  }
  free(zy);
  free(pts);
  free(k);
  return rc;
}
