/* EIP-4844 blob proofs: verify_blob_kzg_proof of the consensus specs'
 * deneb/polynomial-commitments.md (compute_challenge with the Fiat-Shamir
 * domain "FSBLOBVERIFY_V1_", the blob polynomial evaluated at the challenge by
 * the barycentric formula over the bit-reversed 4096th roots of unity of
 * BLS12-381's scalar field, then verify_kzg_proof). Needs no G1 setup: only
 * [tau]G2, which kzg.c holds. The scalar field arithmetic here is plain
 * 4-limb Montgomery multiplication (CIOS). */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bls_internal.h"
#include "ethc/error.h"
#include "ethc/kzg.h"

#define N KZG_FIELD_ELEMENTS_PER_BLOB
#define LOG_N 12

typedef struct {
  uint64_t l[4]; /* little-endian limbs, Montgomery form (times 2^256 mod r) */
} fr_t;

static const uint64_t R[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                              0x73eda753299d7d48ULL};
static uint64_t r_inv; /* -r^-1 mod 2^64 */
static fr_t r2;        /* 2^512 mod r: to Montgomery form */
static fr_t one_m;     /* 1 in Montgomery form */
static fr_t *roots;    /* the N roots of unity, bit-reversed, Montgomery form */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool geq_r(const uint64_t a[4]) {
  for (int i = 3; i >= 0; i--)
    if (a[i] != R[i]) return a[i] > R[i];
  return true;
}

static void sub_r(uint64_t a[4]) {
  unsigned char b = 0;
  for (int i = 0; i < 4; i++) b = BLS_SBB(b, a[i], R[i], &a[i]);
}

static void fr_add(fr_t *o, const fr_t *a, const fr_t *b) {
  uint64_t t[4];
  unsigned char c = 0;
  for (int i = 0; i < 4; i++) c = BLS_ADC(c, a->l[i], b->l[i], &t[i]);
  if (c || geq_r(t)) sub_r(t); /* a + b < 2r < 2^256: no carry in practice */
  memcpy(o->l, t, sizeof t);
}

static void fr_sub(fr_t *o, const fr_t *a, const fr_t *b) {
  uint64_t t[4];
  unsigned char br = 0;
  for (int i = 0; i < 4; i++) br = BLS_SBB(br, a->l[i], b->l[i], &t[i]);
  if (br) {
    unsigned char c = 0;
    for (int i = 0; i < 4; i++) c = BLS_ADC(c, t[i], R[i], &t[i]);
  }
  memcpy(o->l, t, sizeof t);
}

/* a * b / 2^256 mod r (CIOS). */
static void fr_mul(fr_t *o, const fr_t *a, const fr_t *b) {
  uint64_t t[6] = {0};
  for (int i = 0; i < 4; i++) {
    u128 c = 0;
    for (int j = 0; j < 4; j++) {
      c += (u128)a->l[j] * b->l[i] + t[j];
      t[j] = (uint64_t)c;
      c >>= 64;
    }
    c += t[4];
    t[4] = (uint64_t)c;
    t[5] = (uint64_t)(c >> 64);
    uint64_t m = t[0] * r_inv;
    c = (u128)m * R[0] + t[0];
    c >>= 64;
    for (int j = 1; j < 4; j++) {
      c += (u128)m * R[j] + t[j];
      t[j - 1] = (uint64_t)c;
      c >>= 64;
    }
    c += t[4];
    t[3] = (uint64_t)c;
    t[4] = t[5] + (uint64_t)(c >> 64);
  }
  if (t[4] || geq_r(t)) sub_r(t);
  memcpy(o->l, t, 4 * sizeof *t);
}

static bool fr_is_zero(const fr_t *a) { return !(a->l[0] | a->l[1] | a->l[2] | a->l[3]); }

/* a^e, e little-endian limbs. */
static void fr_pow(fr_t *o, const fr_t *a, const uint64_t e[4]) {
  fr_t acc = one_m, base = *a;
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 64; b++) {
      if (e[i] >> b & 1) fr_mul(&acc, &acc, &base);
      fr_mul(&base, &base, &base);
    }
  *o = acc;
}

static void fr_inv(fr_t *o, const fr_t *a) { /* Fermat: a^(r-2) */
  uint64_t e[4] = {R[0] - 2, R[1], R[2], R[3]};
  fr_pow(o, a, e);
}

/* From 32 big-endian bytes: false when >= r. */
static bool fr_from_be(fr_t *o, const uint8_t in[32]) {
  uint64_t t[4];
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = v << 8 | in[(3 - i) * 8 + j];
    t[i] = v;
  }
  if (geq_r(t)) return false;
  fr_t p;
  memcpy(p.l, t, sizeof t);
  fr_mul(o, &p, &r2);
  return true;
}

static void fr_to_be(uint8_t out[32], const fr_t *a) {
  fr_t one = {{1, 0, 0, 0}}, p;
  fr_mul(&p, a, &one); /* out of Montgomery form */
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(p.l[i] >> (56 - 8 * j));
}

static void fr_from_u64(fr_t *o, uint64_t v) {
  fr_t p = {{v, 0, 0, 0}};
  fr_mul(o, &p, &r2);
}

static unsigned reverse_bits(unsigned i) {
  unsigned r = 0;
  for (int b = 0; b < LOG_N; b++) r |= (i >> b & 1u) << (LOG_N - 1 - b);
  return r;
}

static void init(void) {
  uint64_t inv = 1; /* Newton: inv = r0^-1 mod 2^64 */
  for (int i = 0; i < 6; i++) inv *= 2 - R[0] * inv;
  r_inv = (uint64_t)0 - inv;
  /* r2 = 2^512 mod r by doubling 1 (plain arithmetic: fr_add needs no Montgomery form) */
  fr_t x = {{1, 0, 0, 0}};
  for (int i = 0; i < 512; i++) fr_add(&x, &x, &x);
  r2 = x;
  fr_from_u64(&one_m, 1);
  roots = malloc(N * sizeof *roots);
  if (!roots) return;
  /* omega = 7^((r - 1) / N); (r - 1) / N = (r - 1) >> 12 */
  uint64_t e[4] = {R[0] - 1, R[1], R[2], R[3]};
  for (int i = 0; i < 4; i++) e[i] = e[i] >> LOG_N | (i < 3 ? e[i + 1] << (64 - LOG_N) : 0);
  fr_t seven, w, cur = one_m;
  fr_from_u64(&seven, 7);
  fr_pow(&w, &seven, e);
  for (unsigned i = 0; i < N; i++) {
    roots[reverse_bits(i)] = cur;
    fr_mul(&cur, &cur, &w);
  }
}

void kzg_root_of_unity_brp(size_t i, uint8_t out[32]) {
  pthread_once(&once, init);
  if (!roots || i >= N) return (void)memset(out, 0, 32);
  fr_to_be(out, &roots[i]);
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
  /* hash mod r: h < 2^256 < 3r, so at most two subtractions */
  uint64_t t[4];
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = v << 8 | h[(3 - i) * 8 + j];
    t[i] = v;
  }
  while (geq_r(t)) sub_r(t);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++) z[(3 - i) * 8 + j] = (uint8_t)(t[i] >> (56 - 8 * j));
}

int kzg_blob_evaluate(const uint8_t *blob, const uint8_t z_be[32], uint8_t y_be[32]) {
  pthread_once(&once, init);
  if (!roots) return ETHC_ERR_NOMEM;
  fr_t z;
  if (!fr_from_be(&z, z_be)) return ETHC_ERR_INVALID;
  fr_t *d = malloc(2 * N * sizeof *d); /* denominators z - w_i, then prefix products */
  if (!d) return ETHC_ERR_NOMEM;
  fr_t *pre = d + N;
  int rc = 0;
  long hit = -1;
  for (unsigned i = 0; i < N; i++) {
    fr_sub(&d[i], &z, &roots[i]);
    if (fr_is_zero(&d[i])) hit = (long)i;
  }
  fr_t acc = one_m, p;
  if (hit >= 0) { /* z is in the domain: the evaluation is the blob's element */
    for (unsigned i = 0; i < N && !rc; i++)
      if (!fr_from_be(&p, blob + 32 * i)) rc = ETHC_ERR_INVALID;
    if (!rc) memcpy(y_be, blob + 32 * hit, 32);
    free(d);
    return rc;
  }
  /* batch inversion (Montgomery's trick) */
  for (unsigned i = 0; i < N; i++) {
    pre[i] = acc;
    fr_mul(&acc, &acc, &d[i]);
  }
  fr_t inv;
  fr_inv(&inv, &acc);
  fr_t sum = {{0}};
  for (unsigned i = N; i-- > 0 && !rc;) {
    fr_t di;
    fr_mul(&di, &inv, &pre[i]); /* 1 / d_i */
    fr_mul(&inv, &inv, &d[i]);
    if (!fr_from_be(&p, blob + 32 * i)) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    fr_mul(&p, &p, &roots[i]);
    fr_mul(&p, &p, &di);
    fr_add(&sum, &sum, &p);
  }
  free(d);
  if (rc) return rc;
  /* times (z^N - 1) / N */
  fr_t zn = z, nn, ninv;
  for (int i = 0; i < LOG_N; i++) fr_mul(&zn, &zn, &zn);
  fr_sub(&zn, &zn, &one_m);
  fr_from_u64(&nn, N);
  fr_inv(&ninv, &nn);
  fr_mul(&sum, &sum, &zn);
  fr_mul(&sum, &sum, &ninv);
  fr_to_be(y_be, &sum);
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
