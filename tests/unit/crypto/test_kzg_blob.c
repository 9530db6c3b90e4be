/* Unit tests for EIP-4844 blob proofs (src/crypto/bls12_381/kzg_blob.c:
 * verify_blob_kzg_proof of deneb/polynomial-commitments.md). No official
 * verify_blob_kzg_proof vectors are in ../shared, so the cases are derived:
 * the roots of unity checked by their defining identities; blobs whose
 * polynomial has degree <= 1, p(x) = a + b x, whose commitment a[1]G1 +
 * b[tau]G1 (from the shared trusted setup's g1_monomial) and proof [b]G1 are
 * known without a prover, for every challenge; a random blob committed and
 * proven with the setup's g1_lagrange (a small prover here: the quotient in
 * evaluation form); and corruptions of each, which must fail. Also times the
 * verification of one blob. verify_blob_kzg_proof_batch: batches of these
 * (random blobs and the degree <= 1 ones) accepted, a batch with one
 * corrupted proof, commitment or blob refused, and random batches, corrupted
 * or not, judged as the single verifier judges their blobs one by one; its
 * time per blob for a batch of 6. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ethc/bls12_381.h"
#include "ethc/error.h"
#include "ethc/kzg.h"
#include "ethc/u256.h"

#define NB KZG_FIELD_ELEMENTS_PER_BLOB
static u256_t MOD;

static const char G1_HEX[] =
    "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";

static void unhex(const char *h, uint8_t *out, size_t n) {
  if (h[0] == '0' && h[1] == 'x') h += 2;
  for (size_t i = 0; i < n; i++) sscanf(h + 2 * i, "%2hhx", &out[i]);
}

static u256_t be(const uint8_t b[32]) {
  u256_t r;
  u256_from_be(&r, b);
  return r;
}

static u256_t mulm(u256_t a, u256_t b) {
  u256_t r;
  u256_mulmod(&r, &a, &b, &MOD);
  return r;
}

static u256_t addm(u256_t a, u256_t b) {
  u256_t r;
  u256_addmod(&r, &a, &b, &MOD);
  return r;
}

static u256_t subm(u256_t a, u256_t b) { /* a - b mod r, both < r */
  u256_t nb, zero = u256_from_u64(0);
  if (u256_eq(&b, &zero)) return a;
  u256_sub(&nb, &MOD, &b);
  return addm(a, nb);
}

static u256_t powm(u256_t a, u256_t e) {
  u256_t acc = u256_from_u64(1);
  for (int i = 255; i >= 0; i--) {
    acc = mulm(acc, acc);
    if (e.w[i / 64] >> (i % 64) & 1) acc = mulm(acc, a);
  }
  return acc;
}

static u256_t invm(u256_t a) {
  u256_t e, two = u256_from_u64(2);
  u256_sub(&e, &MOD, &two);
  return powm(a, e);
}

/* sum k_i P_i over uncompressed points (128 bytes each), compressed. */
static int g1_lincomb(const uint8_t *pts, const u256_t *ks, size_t n, uint8_t out[48]) {
  uint8_t *in = malloc(n * 160), res[128];
  if (!in) return -1;
  for (size_t i = 0; i < n; i++) {
    memcpy(in + 160 * i, pts + 128 * i, 128);
    u256_to_be(&ks[i], in + 160 * i + 128);
  }
  int rc = bls12_g1_msm(in, n * 160, res) || bls12_g1_compress(res, out);
  free(in);
  return rc ? -1 : 0;
}

static void put(uint8_t *blob, size_t i, u256_t v) { u256_to_be(&v, blob + 32 * i); }

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void) { /* this thread's CPU time: the machine is shared */
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static bool verify(const uint8_t *blob, const uint8_t c[48], const uint8_t p[48]);

/* A random blob (seeded) with its commitment and proof at the challenge,
 * by the Lagrange points lp in bit-reversed order: q_i = (p_i - y) / (w_i -
 * z), the denominators inverted together (Montgomery's trick). */
static void random_blob(const uint8_t *lp, const u256_t *w, unsigned seed, uint8_t *blob, uint8_t c[48],
                        uint8_t p[48]) {
  u256_t *ks = malloc(NB * sizeof *ks), *d = malloc(NB * sizeof *d), *pre = malloc(NB * sizeof *pre);
  CHECK(ks && d && pre);
  if (!ks || !d || !pre) goto out;
  srand(seed);
  for (size_t i = 0; i < NB; i++) {
    uint8_t b32[32];
    for (int k = 0; k < 32; k++) b32[k] = (uint8_t)rand();
    b32[0] &= 0x3f;
    memcpy(blob + 32 * i, b32, 32);
    ks[i] = be(b32);
  }
  CHECK(!g1_lincomb(lp, ks, NB, c));
  uint8_t z[32], y[32];
  kzg_blob_challenge(blob, c, z);
  CHECK(kzg_blob_evaluate(blob, z, y) == 0);
  u256_t zz = be(z), yy = be(y), acc = u256_from_u64(1);
  for (size_t i = 0; i < NB; i++) d[i] = subm(w[i], zz), pre[i] = acc, acc = mulm(acc, d[i]);
  u256_t inv = invm(acc);
  for (size_t i = NB; i-- > 0;) {
    u256_t di = mulm(inv, pre[i]);
    inv = mulm(inv, d[i]);
    ks[i] = mulm(subm(ks[i], yy), di);
  }
  CHECK(!g1_lincomb(lp, ks, NB, p));
out:
  free(ks), free(d), free(pre);
}

static bool verify_batch(const uint8_t *const *blobs, const uint8_t (*c)[48], const uint8_t (*p)[48], size_t n) {
  bool ok = false;
  return kzg_verify_blob_proof_batch(blobs, c, p, n, &ok) == 0 && ok;
}

/* verify_blob_kzg_proof_batch against the single verifier: `nr` random blobs
 * by lp plus the degree <= 1 blobs given (blob, commitment, proof). */
#define NBATCH 9
static void test_batch(const uint8_t *lp, const u256_t *w, const uint8_t *const *lows, const uint8_t (*lowc)[48],
                       const uint8_t (*lowp)[48], size_t nlow) {
  static uint8_t rb[NBATCH][KZG_BYTES_PER_BLOB];
  const uint8_t *blobs[NBATCH];
  uint8_t c[NBATCH][48], p[NBATCH][48];
  size_t nr = NBATCH - nlow;
  for (size_t i = 0; i < nr; i++) random_blob(lp, w, 100 + (unsigned)i, rb[i], c[i], p[i]), blobs[i] = rb[i];
  for (size_t i = 0; i < nlow; i++)
    blobs[nr + i] = lows[i], memcpy(c[nr + i], lowc[i], 48), memcpy(p[nr + i], lowp[i], 48);
  for (size_t i = 0; i < NBATCH; i++) CHECK_MSG(verify(blobs[i], c[i], p[i]), "blob %zu alone", i);
  CHECK(verify_batch(blobs, c, p, 0));
  CHECK(verify_batch(blobs, c, p, 1));
  CHECK(verify_batch(blobs, c, p, NBATCH));
  CHECK(verify_batch(blobs + 1, c + 1, p + 1, NBATCH - 1));
  /* timing: a batch of 6 random blobs against 6 single verifications */
  int reps = 5;
  double c0 = cpu_s();
  for (int i = 0; i < reps; i++) CHECK(verify_batch(blobs, c, p, 6));
  double batch = (cpu_s() - c0) / reps / 6;
  c0 = cpu_s();
  for (int i = 0; i < reps; i++)
    for (int k = 0; k < 6; k++) CHECK(verify(blobs[k], c[k], p[k]));
  double single = (cpu_s() - c0) / reps / 6;
  printf("verify_blob_kzg_proof_batch of 6: %.2f ms CPU per blob (one by one: %.2f ms)\n", batch * 1e3, single * 1e3);
  /* one proof, one commitment, one blob wrong: refused */
  uint8_t sv[48];
  memcpy(sv, p[3], 48), memcpy(p[3], p[4], 48);
  CHECK(!verify_batch(blobs, c, p, NBATCH));
  memcpy(p[3], sv, 48);
  memcpy(sv, c[5], 48), memcpy(c[5], c[0], 48);
  CHECK(!verify_batch(blobs, c, p, NBATCH));
  memcpy(c[5], sv, 48);
  rb[2][32 * 4000 + 31] ^= 1;
  CHECK(!verify_batch(blobs, c, p, NBATCH));
  rb[2][32 * 4000 + 31] ^= 1;
  CHECK(verify_batch(blobs, c, p, NBATCH));
  /* undecodable inputs: errors, as the single verifier's */
  bool ok = true;
  memcpy(sv, c[1], 48), c[1][0] ^= 0x20; /* the sign bit flipped: another point (or none) */
  memset(c[1] + 1, 0xff, 47);            /* an x above the field modulus */
  CHECK(kzg_verify_blob_proof_batch(blobs, (const uint8_t(*)[48])c, (const uint8_t(*)[48])p, NBATCH, &ok) ==
            ETHC_ERR_INVALID &&
        !ok);
  memcpy(c[1], sv, 48);
  memcpy(rb[1] + 32 * 7, kzg_bls_modulus, 32); /* an element not in the field */
  ok = true;
  CHECK(kzg_verify_blob_proof_batch(blobs, (const uint8_t(*)[48])c, (const uint8_t(*)[48])p, NBATCH, &ok) ==
            ETHC_ERR_INVALID &&
        !ok);
  random_blob(lp, w, 101, rb[1], c[1], p[1]);
  /* random batches: a random selection, sometimes one or two entries swapped
   * for another's; the batch agrees with the single verifier */
  srand(42);
  int agree = 0, refused = 0, cases = 40;
  for (int t = 0; t < cases; t++) {
    size_t n = 2 + (size_t)rand() % (NBATCH - 1), idx[NBATCH];
    const uint8_t *bs[NBATCH];
    uint8_t cs[NBATCH][48], ps[NBATCH][48];
    for (size_t i = 0; i < n; i++) {
      idx[i] = (size_t)rand() % NBATCH;
      bs[i] = blobs[idx[i]], memcpy(cs[i], c[idx[i]], 48), memcpy(ps[i], p[idx[i]], 48);
    }
    for (int m = rand() % 3; m > 0; m--) { /* 0, 1 or 2 corruptions */
      size_t i = (size_t)rand() % n, j = (size_t)rand() % NBATCH;
      switch (rand() % 3) {
        case 0: memcpy(ps[i], p[j], 48); break;
        case 1: memcpy(cs[i], c[j], 48); break;
        default: bs[i] = blobs[j]; break;
      }
    }
    bool all = true;
    for (size_t i = 0; i < n; i++) all &= verify(bs[i], cs[i], ps[i]);
    bool b = verify_batch(bs, (const uint8_t(*)[48])cs, (const uint8_t(*)[48])ps, n);
    agree += b == all;
    refused += !all;
  }
  CHECK_MSG(agree == cases, "%d of %d random batches agree with the single verifier", agree, cases);
  CHECK_MSG(refused > 5 && refused < cases - 5, "%d of %d random batches refused", refused, cases);
}

static bool verify(const uint8_t *blob, const uint8_t c[48], const uint8_t p[48]) {
  bool ok = false;
  return kzg_verify_blob_proof(blob, c, p, &ok) == 0 && ok;
}

int main(void) {
  u256_from_be(&MOD, kzg_bls_modulus);
  static uint8_t blob[KZG_BYTES_PER_BLOB];
  u256_t w[NB];
  uint8_t b32[32];
  for (size_t i = 0; i < NB; i++) kzg_root_of_unity_brp(i, b32), w[i] = be(b32);

  /* roots: brp[0] = 1, brp[1] = -1, brp[2048] = omega has order exactly 4096 */
  u256_t one = u256_from_u64(1), minus1 = subm(u256_from_u64(0), one);
  CHECK(u256_eq(&w[0], &one));
  CHECK(u256_eq(&w[1], &minus1));
  u256_t o = w[NB / 2], sq = o;
  for (int i = 0; i < 11; i++) sq = mulm(sq, sq);
  CHECK(u256_eq(&sq, &minus1)); /* omega^2048 = -1 */
  u256_t e, rm1;
  u256_sub(&rm1, &MOD, &one);
  e = (u256_t){{rm1.w[0] >> 12 | rm1.w[1] << 52, rm1.w[1] >> 12 | rm1.w[2] << 52, rm1.w[2] >> 12 | rm1.w[3] << 52,
                rm1.w[3] >> 12}};
  u256_t omega = powm(u256_from_u64(7), e);
  CHECK(u256_eq(&o, &omega)); /* 7^((r-1)/4096), the spec's root */
  u256_t w3 = mulm(mulm(omega, omega), omega);
  CHECK(u256_eq(&w[3072], &w3)); /* brp(3) = 3072 */

  /* the all-zero blob: commitment and proof the point at infinity */
  uint8_t inf[48] = {0xc0}, c[48], p[48], g1c[48];
  memset(blob, 0, sizeof blob);
  CHECK(verify(blob, inf, inf));
  unhex(G1_HEX, g1c, 48);
  CHECK(!verify(blob, inf, g1c));
  CHECK(!verify(blob, g1c, inf));

  /* a constant blob c: commitment [c]G1, proof infinity */
  uint8_t g1u[128];
  CHECK(bls12_g1_decompress(g1c, true, g1u) == 0);
  u256_t cst = u256_from_u64(0x1234567);
  for (size_t i = 0; i < NB; i++) put(blob, i, cst);
  CHECK(g1_lincomb(g1u, &cst, 1, c) == 0);
  CHECK(verify(blob, c, inf));
  CHECK(!verify(blob, c, g1c));
  put(blob, 77, addm(cst, one)); /* one element changed: no longer the committed polynomial */
  CHECK(!verify(blob, c, inf));
  memcpy(blob + 32 * 77, kzg_bls_modulus, 32); /* an element not in the field */
  bool ok = true;
  CHECK(kzg_verify_blob_proof(blob, c, inf, &ok) == ETHC_ERR_INVALID && !ok);

  /* the shared trusted setup: p(x) = a + b x and a random blob */
  char path[512];
  snprintf(path, sizeof path, "%s/precompiles/kzg_trusted_setup.json", check_shared_dir());
  FILE *f = fopen(path, "rb");
  cJSON *js = NULL;
  if (f) {
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *txt = malloc((size_t)n + 1);
    if (txt && fread(txt, 1, (size_t)n, f) == (size_t)n) txt[n] = 0, js = cJSON_Parse(txt);
    free(txt);
    fclose(f);
  }
  cJSON *mono = cJSON_GetObjectItem(js, "g1_monomial"), *lag = cJSON_GetObjectItem(js, "g1_lagrange");
  if (!cJSON_GetArraySize(mono) || cJSON_GetArraySize(lag) != NB) {
    printf("SKIP: %s not found: the setup-derived cases are not run\n", path);
    check_skipped++;
  } else {
    uint8_t t1c[48], pts[256];
    unhex(cJSON_GetArrayItem(mono, 1)->valuestring, t1c, 48);
    memcpy(pts, g1u, 128);
    CHECK(bls12_g1_decompress(t1c, true, pts + 128) == 0);
    u256_t ab[2] = {u256_from_u64(0xabcdef), subm(u256_from_u64(0), u256_from_u64(12345))}; /* b = -12345 */
    for (size_t i = 0; i < NB; i++) put(blob, i, addm(ab[0], mulm(ab[1], w[i])));
    CHECK(g1_lincomb(pts, ab, 2, c) == 0);
    CHECK(g1_lincomb(g1u, &ab[1], 1, p) == 0);
    CHECK(verify(blob, c, p));
    CHECK(!verify(blob, c, inf));
    CHECK(!verify(blob, p, c));
    /* the barycentric evaluation at an arbitrary point and at a root */
    uint8_t z[32], y[32];
    kzg_blob_challenge(blob, c, z);
    u256_t want = addm(ab[0], mulm(ab[1], be(z)));
    CHECK(kzg_blob_evaluate(blob, z, y) == 0 && u256_eq((u256_t[]){be(y)}, &want));
    kzg_root_of_unity_brp(5, z);
    CHECK(kzg_blob_evaluate(blob, z, y) == 0 && !memcmp(y, blob + 32 * 5, 32));

    /* EIP-7594 cell proofs: of a degree-1 polynomial all the point at infinity */
    static uint8_t inf_proofs[2 * 128][48], cp[2 * 128][48];
    for (size_t i = 0; i < 2 * 128; i++) memset(inf_proofs[i], 0, 48), inf_proofs[i][0] = 0xc0;
    const uint8_t *bls[2] = {blob, blob};
    uint8_t cs[2][48];
    memcpy(cs[0], c, 48), memcpy(cs[1], c, 48);
    ok = false;
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 1, (const uint8_t(*)[48])inf_proofs, &ok) == 0 &&
          ok);
    ok = true; /* the same blob twice: one deduplicated commitment */
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 2, (const uint8_t(*)[48])inf_proofs, &ok) == 0 &&
          ok);
    ok = true;
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 1, (const uint8_t(*)[48])cp, &ok) != 0 || !ok);
    /* p(X) = a + bX + c X^64: each cell's quotient by X^64 - h^64 is c, so every proof is [c]G1 */
    uint8_t t64c[48], pts3[384];
    unhex(cJSON_GetArrayItem(mono, 64)->valuestring, t64c, 48);
    memcpy(pts3, pts, 256);
    CHECK(bls12_g1_decompress(t64c, true, pts3 + 256) == 0);
    u256_t abc[3] = {ab[0], ab[1], u256_from_u64(0x5eed)};
    for (size_t i = 0; i < NB; i++) {
      u256_t w64 = w[i];
      for (int k = 0; k < 6; k++) w64 = mulm(w64, w64);
      put(blob, i, addm(addm(abc[0], mulm(abc[1], w[i])), mulm(abc[2], w64)));
    }
    CHECK(g1_lincomb(pts3, abc, 3, cs[0]) == 0);
    CHECK(g1_lincomb(g1u, &abc[2], 1, cp[0]) == 0);
    for (size_t i = 1; i < 128; i++) memcpy(cp[i], cp[0], 48);
    ok = false;
    double c0 = cpu_s();
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 1, (const uint8_t(*)[48])cp, &ok) == 0 && ok);
    printf("verify_cell_kzg_proof_batch (a whole blob, 128 cells): %.1f ms CPU\n", (cpu_s() - c0) * 1e3);
    ok = true;
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 1, (const uint8_t(*)[48])inf_proofs, &ok) == 0 &&
          !ok);
    memcpy(cp[77], inf, 48); /* one cell's proof wrong */
    ok = true;
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 1, (const uint8_t(*)[48])cp, &ok) == 0 && !ok);
    memcpy(cp[77], cp[0], 48);
    blob[32 * 9 + 31] ^= 1; /* one element changed */
    ok = true;
    CHECK(kzg_verify_blob_cell_proofs(bls, (const uint8_t(*)[48])cs, 1, (const uint8_t(*)[48])cp, &ok) == 0 && !ok);

    for (size_t i = 0; i < NB; i++) put(blob, i, addm(ab[0], mulm(ab[1], w[i]))); /* the linear blob again */

    /* the Lagrange points: natural order or bit-reversed? the linear blob's commitment tells */
    uint8_t *lp = malloc((size_t)NB * 128);
    u256_t *ks = malloc(NB * sizeof *ks);
    int bad = !lp || !ks;
    for (size_t i = 0; i < NB && !bad; i++) {
      uint8_t pc[48];
      unhex(cJSON_GetArrayItem(lag, (int)i)->valuestring, pc, 48);
      bad = bls12_g1_decompress(pc, false, lp + 128 * i) != 0;
    }
    CHECK(!bad);
    uint8_t cc[48];
    for (size_t i = 0; i < NB && !bad; i++) ks[i] = be(blob + 32 * i);
    bool natural = !bad && !g1_lincomb(lp, ks, NB, cc) && !memcmp(cc, c, 48);
    if (!natural && !bad) { /* permute the points to bit-reversed order */
      uint8_t *q = malloc((size_t)NB * 128);
      for (size_t i = 0; q && i < NB; i++) {
        unsigned r = 0;
        for (int k = 0; k < 12; k++) r |= (unsigned)(i >> k & 1) << (11 - k);
        memcpy(q + 128 * i, lp + 128 * r, 128);
      }
      free(lp);
      lp = q;
      CHECK(lp && !g1_lincomb(lp, ks, NB, cc) && !memcmp(cc, c, 48));
    }
    /* a random blob: commitment by the Lagrange points; proof of the quotient
     * q_i = (p_i - y) / (w_i - z) at the challenge */
    srand(7);
    for (size_t i = 0; i < NB; i++) {
      for (int k = 0; k < 32; k++) b32[k] = (uint8_t)rand();
      b32[0] &= 0x3f;
      memcpy(blob + 32 * i, b32, 32);
      ks[i] = be(b32);
    }
    CHECK(lp && !g1_lincomb(lp, ks, NB, c));
    kzg_blob_challenge(blob, c, z);
    CHECK(kzg_blob_evaluate(blob, z, y) == 0);
    u256_t zz = be(z), yy = be(y);
    for (size_t i = 0; i < NB; i++) ks[i] = mulm(subm(ks[i], yy), invm(subm(w[i], zz)));
    CHECK(lp && !g1_lincomb(lp, ks, NB, p));
    CHECK(verify(blob, c, p));
    double t0 = now_s(), c1 = cpu_s();
    int reps = 20, good = 0;
    for (int i = 0; i < reps; i++) good += verify(blob, c, p);
    double per = (now_s() - t0) / reps, cpu = (cpu_s() - c1) / reps;
    CHECK(good == reps);
    printf("verify_blob_kzg_proof: %.2f ms CPU per blob (%.2f ms wall)\n", cpu * 1e3, per * 1e3);
    blob[1000] ^= 1; /* one bit of data changed */
    CHECK(!verify(blob, c, p));
    if (lp) { /* the batch verifier: 6 random blobs, the zero blob, a constant one and the linear one */
      static uint8_t lowb[3][KZG_BYTES_PER_BLOB];
      uint8_t lowc[3][48], lowp[3][48];
      memset(lowb[0], 0, KZG_BYTES_PER_BLOB);
      memcpy(lowc[0], inf, 48), memcpy(lowp[0], inf, 48);
      for (size_t i = 0; i < NB; i++) put(lowb[1], i, cst), put(lowb[2], i, addm(ab[0], mulm(ab[1], w[i])));
      CHECK(g1_lincomb(g1u, &cst, 1, lowc[1]) == 0);
      memcpy(lowp[1], inf, 48);
      CHECK(g1_lincomb(pts, ab, 2, lowc[2]) == 0 && g1_lincomb(g1u, &ab[1], 1, lowp[2]) == 0);
      const uint8_t *lows[3] = {lowb[0], lowb[1], lowb[2]};
      test_batch(lp, w, lows, (const uint8_t(*)[48])lowc, (const uint8_t(*)[48])lowp, 3);
    }
    free(lp);
    free(ks);
  }
  cJSON_Delete(js);
  return check_summary();
}
