/* Unit tests for BLS12-381 (src/crypto/bls12_381): field/tower identities, group
 * and pairing properties, EIP-2537 edge cases, and every vector of the shared
 * precompile suites (bls*.json, fail-bls*.json, pointEvaluation.json). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto/bls12_381/bls_internal.h"
#include "ethc/bls12_381.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/kzg.h"


static const char *shared_dir(void) { return check_shared_dir(); }

typedef int (*op_fn)(const uint8_t *, size_t, uint8_t *);
typedef int64_t (*gas_fn)(size_t);

static int64_t gas_const_g1add(size_t n) {
  (void)n;
  return BLS12_G1ADD_GAS;
}
static int64_t gas_const_g2add(size_t n) {
  (void)n;
  return BLS12_G2ADD_GAS;
}
static int64_t gas_const_map1(size_t n) {
  (void)n;
  return BLS12_MAP_FP_TO_G1_GAS;
}
static int64_t gas_const_map2(size_t n) {
  (void)n;
  return BLS12_MAP_FP2_TO_G2_GAS;
}
static int64_t gas_const_pe(size_t n) {
  (void)n;
  return KZG_POINT_EVALUATION_GAS;
}
static int op_pe(const uint8_t *in, size_t len, uint8_t *out) { return kzg_point_evaluation(in, len, out); }

static void run_file(const char *name, op_fn op, gas_fn gas, size_t outlen, bool expect_fail) {
  const char *dir = shared_dir();
  char path[600];
  snprintf(path, sizeof path, "%s/precompiles/%s", dir, name);
  if (!check_need(path, "go-ethereum precompile vectors")) return;
  char *txt = (char *)bytes_read_file(path, NULL);
  CHECK_MSG(txt != NULL, "cannot read %s", path);
  if (!txt) return;
  cJSON *root = cJSON_Parse(txt);
  free(txt);
  CHECK(root && cJSON_IsArray(root));
  int pass = 0, fail = 0;
  cJSON *it;
  cJSON_ArrayForEach(it, root) {
    const char *in_hex = cJSON_GetObjectItem(it, "Input")->valuestring;
    const char *tname = cJSON_GetObjectItem(it, "Name")->valuestring;
    uint8_t *in = NULL;
    size_t inlen = 0;
    if (hex_decode_alloc(in_hex, false, &in, &inlen) != 0) {
      fail++;
      continue;
    }
    uint8_t out[256];
    int err = op(in, inlen, out);
    bool ok;
    if (expect_fail) {
      ok = err != 0;
    } else {
      const char *exp_hex = cJSON_GetObjectItem(it, "Expected")->valuestring;
      uint8_t exp[256];
      size_t explen = 0;
      ok = err == 0 && hex_decode(exp_hex, false, exp, sizeof exp, &explen) == 0 && explen == outlen &&
           memcmp(exp, out, outlen) == 0;
      cJSON *g = cJSON_GetObjectItem(it, "Gas");
      if (g && gas(inlen) != (int64_t)g->valuedouble) {
        fprintf(stderr, "%s: %s gas %lld want %lld\n", name, tname, (long long)gas(inlen), (long long)g->valuedouble);
        ok = false;
      }
    }
    if (ok) pass++;
    else {
      fail++;
      fprintf(stderr, "%s: %s FAILED (err %d)\n", name, tname, err);
    }
    free(in);
  }
  cJSON_Delete(root);
  printf("%-24s %d passed, %d failed\n", name, pass, fail);
  CHECK_MSG(fail == 0, "%s: %d vectors failed", name, fail);
}

static void test_vectors(void) {
  run_file("blsG1Add.json", bls12_g1_add, gas_const_g1add, 128, false);
  run_file("blsG1Mul.json", bls12_g1_msm, bls12_g1_msm_gas, 128, false);
  run_file("blsG1MultiExp.json", bls12_g1_msm, bls12_g1_msm_gas, 128, false);
  run_file("blsG2Add.json", bls12_g2_add, gas_const_g2add, 256, false);
  run_file("blsG2Mul.json", bls12_g2_msm, bls12_g2_msm_gas, 256, false);
  run_file("blsG2MultiExp.json", bls12_g2_msm, bls12_g2_msm_gas, 256, false);
  run_file("blsPairing.json", bls12_pairing_check, bls12_pairing_gas, 32, false);
  run_file("blsMapG1.json", bls12_map_fp_to_g1, gas_const_map1, 128, false);
  run_file("blsMapG2.json", bls12_map_fp2_to_g2, gas_const_map2, 256, false);
  run_file("pointEvaluation.json", op_pe, gas_const_pe, 64, false);
  run_file("fail-blsG1Add.json", bls12_g1_add, NULL, 0, true);
  run_file("fail-blsG1Mul.json", bls12_g1_msm, NULL, 0, true);
  run_file("fail-blsG1MultiExp.json", bls12_g1_msm, NULL, 0, true);
  run_file("fail-blsG2Add.json", bls12_g2_add, NULL, 0, true);
  run_file("fail-blsG2Mul.json", bls12_g2_msm, NULL, 0, true);
  run_file("fail-blsG2MultiExp.json", bls12_g2_msm, NULL, 0, true);
  run_file("fail-blsPairing.json", bls12_pairing_check, NULL, 0, true);
  run_file("fail-blsMapG1.json", bls12_map_fp_to_g1, NULL, 0, true);
  run_file("fail-blsMapG2.json", bls12_map_fp2_to_g2, NULL, 0, true);
}

static void rand_fp(fp_t *r, unsigned *seed) {
  uint64_t w[6];
  for (int i = 0; i < 6; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 4; j++) v = (v << 16) ^ (uint64_t)(rand_r(seed) & 0xffff);
    w[i] = v;
  }
  w[5] &= 0x0fffffffffffffffULL; /* < p */
  fp_from_plain(r, w);
}

static void test_fields(void) {
  unsigned seed = 1;
  fp_t a, b, c, d;
  rand_fp(&a, &seed);
  rand_fp(&b, &seed);
  /* (a+b)^2 = a^2 + 2ab + b^2 */
  fp_add(&c, &a, &b);
  fp_sqr(&c, &c);
  fp_t a2, b2, ab;
  fp_sqr(&a2, &a);
  fp_sqr(&b2, &b);
  fp_mul(&ab, &a, &b);
  fp_dbl(&ab, &ab);
  fp_add(&d, &a2, &ab);
  fp_add(&d, &d, &b2);
  CHECK(fp_eq(&c, &d));
  /* a * a^-1 = 1 */
  fp_inv(&c, &a);
  fp_mul(&c, &c, &a);
  CHECK(fp_eq(&c, &BLS_ONE));
  /* sqrt */
  fp_sqr(&c, &a);
  CHECK(fp_sqrt(&d, &c));
  fp_sqr(&d, &d);
  CHECK(fp_eq(&d, &c));
  /* Fp2 sqrt and inverse */
  fp2_t x = {a, b}, y, z;
  fp2_sqr(&y, &x);
  CHECK(fp2_sqrt(&z, &y));
  fp2_sqr(&z, &z);
  CHECK(fp2_eq(&z, &y));
  fp2_inv(&z, &x);
  fp2_mul(&z, &z, &x);
  fp2_t one;
  fp2_set_one(&one);
  CHECK(fp2_eq(&z, &one));
  /* Fp12: inverse, cyclotomic squaring vs plain squaring, Frobenius^6 = conj */
  fp12_t f, g, h;
  fp_t *limbs = (fp_t *)&f;
  for (int i = 0; i < 12; i++) rand_fp(&limbs[i], &seed);
  fp12_inv(&g, &f);
  fp12_mul(&g, &g, &f);
  CHECK(fp12_is_one(&g));
  fp12_frob(&g, &f, 3);
  fp12_frob(&g, &g, 3);
  fp12_conj(&h, &f);
  CHECK(fp12_eq(&g, &h));
  fp12_frob(&g, &f, 1);
  fp12_frob(&g, &g, 1);
  fp12_frob(&h, &f, 2);
  CHECK(fp12_eq(&g, &h));
  /* cyclotomic element: f^((p^6-1)(p^2+1)) */
  fp12_inv(&g, &f);
  fp12_conj(&h, &f);
  fp12_mul(&g, &h, &g);
  fp12_frob(&h, &g, 2);
  fp12_mul(&g, &h, &g);
  fp12_sqr(&h, &g);
  fp12_t k;
  fp12_cyclo_sqr(&k, &g);
  CHECK(fp12_eq(&h, &k));
  /* sparse line product equals the dense one */
  fp2_t l0 = {a, b}, l1 = {b, a}, l2 = {a, a};
  fp12_t line, d1 = f, d2;
  memset(&line, 0, sizeof line);
  line.c0.c0 = l0;
  line.c0.c1 = l1;
  line.c1.c1 = l2;
  fp12_mul(&d2, &f, &line);
  fp12_mul_line(&d1, &l0, &l1, &l2);
  CHECK(fp12_eq(&d1, &d2));
}

static void test_groups(void) {
  g1_t g, p, q, r;
  g2_t h, s, t;
  g1_generator(&g);
  g2_generator(&h);
  CHECK(g1_in_subgroup(&g));
  CHECK(g2_in_subgroup(&h));
  uint64_t k5 = 5, k3 = 3, k2 = 2;
  g1_mul(&p, &g, &k5, 1);
  g1_mul(&q, &g, &k3, 1);
  g1_mul(&r, &g, &k2, 1);
  g1_add(&r, &r, &q);
  CHECK(g1_eq(&r, &p));
  /* r * G = infinity */
  static const uint64_t R[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                0x73eda753299d7d48ULL};
  g1_mul(&p, &g, R, 4);
  CHECK(g1_is_inf(&p));
  g2_mul(&s, &h, R, 4);
  CHECK(g2_is_inf(&s));
  g2_mul(&s, &h, &k5, 1);
  g2_mul(&t, &h, &k3, 1);
  g2_dbl(&t, &t);
  g2_add(&t, &t, &h);
  g2_add(&t, &t, &h);
  g2_add(&t, &t, &h); /* 6H + ... = 9H? no: 2*3H + 3H = 9H */
  g2_t n9;
  uint64_t k9 = 9;
  g2_mul(&n9, &h, &k9, 1);
  CHECK(g2_eq(&t, &n9));
  /* pairing: e(aP, bQ) * e(-abP, Q) = 1; e(P, Q) != 1 */
  g1_aff_t pa[2];
  g2_aff_t qa[2];
  uint64_t k6 = 6;
  g1_mul(&p, &g, &k2, 1);
  g1_to_aff(&pa[0], &p);
  g2_mul(&s, &h, &k3, 1);
  g2_to_aff(&qa[0], &s);
  g1_mul(&p, &g, &k6, 1);
  g1_neg(&p, &p);
  g1_to_aff(&pa[1], &p);
  g2_to_aff(&qa[1], &h);
  CHECK(bls_pairing_check(pa, qa, 2));
  CHECK(!bls_pairing_check(pa, qa, 1));
  g1_to_aff(&pa[1], &g);
  CHECK(!bls_pairing_check(pa, qa, 2));
  /* more pairs than one Miller-loop batch (32): 20 x e(kG, H) e(-kG, H) */
  {
    enum { NP = 40 };
    g1_aff_t pm[NP];
    g2_aff_t qm[NP];
    for (int i = 0; i < NP / 2; i++) {
      uint64_t ki = (uint64_t)i + 2;
      g1_mul(&p, &g, &ki, 1);
      g1_to_aff(&pm[2 * i], &p);
      g1_neg(&p, &p);
      g1_to_aff(&pm[2 * i + 1], &p);
      g2_to_aff(&qm[2 * i], &h);
      g2_to_aff(&qm[2 * i + 1], &h);
    }
    CHECK(bls_pairing_check(pm, qm, NP));
    pm[NP - 1] = pm[NP - 2];
    CHECK(!bls_pairing_check(pm, qm, NP));
  }
  /* infinity pairs are neutral */
  pa[1].inf = true;
  CHECK(!bls_pairing_check(pa, qa, 2));
  CHECK(bls_pairing_check(&pa[1], &qa[1], 1));
}

static void test_endo_mul(void) {
  g1_t g, p, a, b;
  g2_t h, q, c, d;
  g1_generator(&g);
  g2_generator(&h);
  uint64_t k7 = 7;
  g1_mul(&p, &g, &k7, 1);
  g2_mul(&q, &h, &k7, 1);
  uint64_t ks[5][4] = {
      {0, 0, 0, 0},
      {1, 0, 0, 0},
      {0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL},
      {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL}, /* r */
      {0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x0f1e2d3c4b5a6978ULL, 0x3eda753299d7d483ULL}};
  for (int i = 0; i < 5; i++) {
    g1_mul(&a, &p, ks[i], 4);
    g1_mul_glv(&b, &p, ks[i]);
    CHECK_MSG(g1_eq(&a, &b), "glv scalar %d", i);
    g2_mul(&c, &q, ks[i], 4);
    g2_mul_gls(&d, &q, ks[i]);
    CHECK_MSG(g2_eq(&c, &d), "gls scalar %d", i);
  }
}

/* Pippenger (n >= 4) against a sum of single multiplications, with zero scalars,
 * scalars >= r, points at infinity and opposite points. */
static void test_msm(void) {
  enum { N = 37 };
  g1_aff_t p1[N];
  g2_aff_t p2[N];
  uint64_t k[N][4];
  g1_t g, a;
  g2_t h, b;
  g1_generator(&g);
  g2_generator(&h);
  uint64_t x = 0x243f6a8885a308d3ULL;
  for (int i = 0; i < N; i++) {
    uint64_t m = (uint64_t)(3 * i + 1);
    g1_mul(&a, &g, &m, 1);
    g2_mul(&b, &h, &m, 1);
    if (i == 5) {
      g1_neg(&a, &a);
      g2_neg(&b, &b);
    } /* -P_0 ... */
    g1_to_aff(&p1[i], &a);
    g2_to_aff(&p2[i], &b);
    for (int j = 0; j < 4; j++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      k[i][j] = x;
    }
  }
  p1[5] = p1[0]; /* a repeated point */
  p2[5] = p2[0];
  p1[7].inf = true;
  p2[7].inf = true;
  memset(k[9], 0, sizeof k[9]);
  memset(k[11], 0xff, sizeof k[11]);
  for (int n = 4; n <= N; n += 11) {
    g1_t r1, s1;
    g2_t r2, s2;
    g1_msm(&r1, p1, (const uint64_t(*)[4])k, (size_t)n);
    g2_msm(&r2, p2, (const uint64_t(*)[4])k, (size_t)n);
    g1_set_inf(&s1);
    g2_set_inf(&s2);
    for (int i = 0; i < n; i++) {
      g1_t t1;
      g2_t t2;
      g1_from_aff(&t1, &p1[i]);
      g1_mul(&t1, &t1, k[i], 4);
      g1_add(&s1, &s1, &t1);
      g2_from_aff(&t2, &p2[i]);
      g2_mul(&t2, &t2, k[i], 4);
      g2_add(&s2, &s2, &t2);
    }
    CHECK_MSG(g1_eq(&r1, &s1), "g1 msm n=%d", n);
    CHECK_MSG(g2_eq(&r2, &s2), "g2 msm n=%d", n);
  }
}

/* Batch-affine buckets: the same point with the same scalar many times (doublings
 * inside a bucket) and P, -P pairs (cancellation), n >= 32. */
static void test_msm_repeats(void) {
  enum { N = 40 };
  g1_aff_t p1[N];
  g2_aff_t p2[N];
  uint64_t k[N][4];
  g1_t g, a, r1, s1;
  g2_t h, b, r2, s2;
  g1_generator(&g);
  g2_generator(&h);
  uint64_t three = 3;
  g1_mul(&a, &g, &three, 1);
  g2_mul(&b, &h, &three, 1);
  for (int i = 0; i < N; i++) {
    g1_t ai = a;
    g2_t bi = b;
    if (i >= 30 && (i & 1)) {
      g1_neg(&ai, &a);
      g2_neg(&bi, &b);
    }
    g1_to_aff(&p1[i], &ai);
    g2_to_aff(&p2[i], &bi);
    k[i][0] = 0x1234567890abcdefULL;
    k[i][1] = 0x0fedcba987654321ULL;
    k[i][2] = 0x1111111111111111ULL;
    k[i][3] = 0x2222222222222222ULL;
  }
  g1_msm(&r1, p1, (const uint64_t(*)[4])k, N);
  g2_msm(&r2, p2, (const uint64_t(*)[4])k, N);
  /* 30 copies; the last 10 cancel in pairs: 30 k (3G) */
  uint64_t thirty = 30;
  g1_mul(&s1, &a, k[0], 4);
  g1_mul(&s1, &s1, &thirty, 1);
  g2_mul(&s2, &b, k[0], 4);
  g2_mul(&s2, &s2, &thirty, 1);
  CHECK(g1_eq(&r1, &s1));
  CHECK(g2_eq(&r2, &s2));
}

/* Map outputs are on the curve and in the subgroup; u = 0 works. */
static void test_maps(void) {
  fp_t u;
  fp2_t u2;
  g1_t p;
  g2_t q;
  g1_aff_t pa;
  g2_aff_t qa;
  for (int i = 0; i < 4; i++) {
    uint64_t w[6] = {(uint64_t)i * 0x9e3779b97f4a7c15ULL, 7, 0, 0, 0, (uint64_t)i};
    fp_from_plain(&u, w);
    bls_map_to_g1(&p, &u);
    g1_to_aff(&pa, &p);
    CHECK(g1_aff_on_curve(&pa) && g1_in_subgroup(&p));
    u2.c0 = u;
    fp_from_plain(&u2.c1, w);
    fp_add(&u2.c1, &u2.c1, &BLS_ONE);
    bls_map_to_g2(&q, &u2);
    g2_to_aff(&qa, &q);
    CHECK(g2_aff_on_curve(&qa) && g2_in_subgroup(&q));
  }
}

static void test_edge_cases(void) {
  uint8_t in[512], out[256];
  memset(in, 0, sizeof in);
  /* empty / odd-length inputs */
  CHECK(bls12_g1_add(in, 0, out) == ETHC_ERR_INVALID);
  CHECK(bls12_g1_add(in, 255, out) == ETHC_ERR_INVALID);
  CHECK(bls12_g1_msm(in, 0, out) == ETHC_ERR_INVALID);
  CHECK(bls12_g1_msm(in, 161, out) == ETHC_ERR_INVALID);
  CHECK(bls12_g2_msm(in, 0, out) == ETHC_ERR_INVALID);
  CHECK(bls12_pairing_check(in, 0, out) == ETHC_ERR_INVALID);
  CHECK(bls12_pairing_check(in, 383, out) == ETHC_ERR_INVALID);
  CHECK(bls12_map_fp_to_g1(in, 63, out) == ETHC_ERR_INVALID);
  CHECK(bls12_map_fp2_to_g2(in, 129, out) == ETHC_ERR_INVALID);
  /* infinity + infinity = infinity */
  CHECK(bls12_g1_add(in, 256, out) == 0);
  uint8_t zero[256] = {0};
  CHECK_MEM(out, zero, 128);
  CHECK(bls12_g2_add(in, 512, out) == 0);
  CHECK_MEM(out, zero, 256);
  /* pairing of infinities is 1 */
  CHECK(bls12_pairing_check(in, 384, out) == 0 && out[31] == 1);
  /* G + infinity = G */
  g1_t g;
  g1_generator(&g);
  g1_aff_t ga;
  g1_to_aff(&ga, &g);
  memset(in, 0, sizeof in);
  fp_to_be48(in + 16, &ga.x);
  fp_to_be48(in + 80, &ga.y);
  CHECK(bls12_g1_add(in, 256, out) == 0);
  CHECK_MEM(out, in, 128);
  /* non-zero padding byte */
  in[0] = 1;
  CHECK(bls12_g1_add(in, 256, out) == ETHC_ERR_INVALID);
  in[0] = 0;
  /* x = p: coordinate out of range */
  uint8_t saved[48];
  memcpy(saved, in + 16, 48);
  static const uint8_t P_BE[48] = {0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6,
                                   0x43, 0x4b, 0xac, 0xd7, 0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf,
                                   0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24, 0x1e, 0xab, 0xff, 0xfe,
                                   0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};
  memcpy(in + 16, P_BE, 48);
  CHECK(bls12_g1_add(in, 256, out) == ETHC_ERR_INVALID);
  CHECK(bls12_map_fp_to_g1(in, 64, out) == ETHC_ERR_INVALID);
  memcpy(in + 16, saved, 48);
  /* not on curve: y + 1 */
  in[127] ^= 1;
  CHECK(bls12_g1_add(in, 256, out) == ETHC_ERR_INVALID);
  in[127] ^= 1;
  /* (0, 2) is on the curve but not in G1: ADD accepts it, MSM rejects it */
  uint8_t pt[160];
  memset(pt, 0, sizeof pt);
  pt[127] = 2;
  pt[159] = 1;
  memcpy(in + 128, pt, 128);
  CHECK(bls12_g1_add(in, 256, out) == 0);
  CHECK(bls12_g1_msm(pt, 160, out) == ETHC_ERR_INVALID);
  /* MSM scalar 0 gives infinity; scalar 1 gives the point */
  memcpy(pt, in, 128);
  memset(pt + 128, 0, 32);
  CHECK(bls12_g1_msm(pt, 160, out) == 0);
  CHECK_MEM(out, zero, 128);
  pt[159] = 1;
  CHECK(bls12_g1_msm(pt, 160, out) == 0);
  CHECK_MEM(out, in, 128);
  /* gas */
  CHECK(bls12_g1_msm_gas(160) == 12000);
  CHECK(bls12_g1_msm_gas(0) == 0);
  CHECK(bls12_g1_msm_gas(160 * 200) == 200LL * 12000 * 519 / 1000);
  CHECK(bls12_g2_msm_gas(288 * 2) == 2LL * 22500);
  CHECK(bls12_pairing_gas(384 * 2) == 2 * 32600 + 37700);
  /* decompression: the G1 generator and infinity */
  uint8_t comp[48];
  memcpy(comp, in + 16, 48);
  comp[0] |= 0x80; /* y of the generator is the smaller root */
  CHECK(bls12_g1_decompress(comp, true, out) == 0);
  CHECK_MEM(out, in, 128);
  comp[0] &= 0x7f;
  CHECK(bls12_g1_decompress(comp, true, out) == ETHC_ERR_INVALID);
  memset(comp, 0, 48);
  comp[0] = 0xc0;
  CHECK(bls12_g1_decompress(comp, true, out) == 0);
  CHECK_MEM(out, zero, 128);
  comp[47] = 1;
  CHECK(bls12_g1_decompress(comp, true, out) == ETHC_ERR_INVALID);
  /* point evaluation: wrong length */
  uint8_t pe[192] = {0};
  CHECK(kzg_point_evaluation(pe, 191, out) == ETHC_ERR_INVALID);
  CHECK(kzg_point_evaluation(pe, 192, out) == ETHC_ERR_INVALID);
}

static void test_kzg(void) {
  /* the zero polynomial: commitment and proof at infinity, y = 0, any z */
  uint8_t inf[48] = {0xc0}, z[32] = {0}, y[32] = {0};
  bool ok = false;
  z[31] = 7;
  CHECK(kzg_verify_proof(inf, z, y, inf, &ok) == 0 && ok);
  y[31] = 1;
  CHECK(kzg_verify_proof(inf, z, y, inf, &ok) == 0 && !ok);
  /* z >= BLS_MODULUS */
  CHECK(kzg_verify_proof(inf, kzg_bls_modulus, y, inf, &ok) == ETHC_ERR_INVALID);
  /* the shared vector with y changed fails, with the right y passes */
  const char *dir = shared_dir();
  char path[600];
  snprintf(path, sizeof path, "%s/precompiles/pointEvaluation.json", dir);
  if (!check_need(path, "go-ethereum precompile vectors")) return;
  char *txt = (char *)bytes_read_file(path, NULL);
  CHECK_MSG(txt != NULL, "cannot read %s", path);
  if (!txt) return;
  cJSON *root = cJSON_Parse(txt);
  free(txt);
  const char *hex = cJSON_GetObjectItem(cJSON_GetArrayItem(root, 0), "Input")->valuestring;
  uint8_t in[192], out[64];
  size_t n = 0;
  CHECK(hex_decode(hex, false, in, sizeof in, &n) == 0 && n == 192);
  CHECK(kzg_verify_proof(in + 96, in + 32, in + 64, in + 144, &ok) == 0 && ok);
  in[95] ^= 1;
  CHECK(kzg_verify_proof(in + 96, in + 32, in + 64, in + 144, &ok) == 0 && !ok);
  CHECK(kzg_point_evaluation(in, 192, out) == ETHC_ERR_INVALID);
  in[95] ^= 1;
  in[0] = 0x02; /* wrong version byte */
  CHECK(kzg_point_evaluation(in, 192, out) == ETHC_ERR_INVALID);
  in[0] = 0x01;
  CHECK(kzg_point_evaluation(in, 192, out) == 0);
  CHECK(out[30] == 0x10 && out[31] == 0 && memcmp(out + 32, kzg_bls_modulus, 32) == 0);
  cJSON_Delete(root);
}

static void unhex(const char *h, uint8_t *out, size_t n) {
  size_t got = 0;
  CHECK(hex_decode(h, false, out, n, &got) == 0 && got == n);
}

/* RFC 9380 J.10.1 hash_to_curve vector and consensus-spec BLS vectors
 * (ethereum/bls12-381-tests verify_valid_case_195246ee3bd3b6ec, fast_aggregate_verify). */
static void test_signatures(void) {
  static const char QUUX[] = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";
  uint8_t out[256], exp[256] = {0};
  CHECK(bls12_hash_to_g2((const uint8_t *)"", 0, (const uint8_t *)QUUX, sizeof QUUX - 1, out) == 0);
  unhex("0141ebfbdca40eb85b87142e130ab689c673cf60f1a3e98d69335266f30d9b8d4ac44c1038e9dcdd5393faf5c41fb78a", exp + 16,
        48);
  unhex("05cb8437535e20ecffaef7752baddf98034139c38452458baeefab379ba13dff5bf5dd71b72418717047f5b0f37da03d", exp + 80,
        48);
  unhex("0503921d7f6a12805e72940b963c0cf3471c7b2a524950ca195d11062ee75ec076daf2d4bc358c4b190c0c98064fdd92", exp + 144,
        48);
  unhex("12424ac32561493f3fe3c260708a12b7c620e7be00099a974e259ddc7d1f6395c3c811cdd19f1e8dbf3e9ecfdcbab8d6", exp + 208,
        48);
  CHECK_MEM(out, exp, 256);
  static const char *msg2 = "abcdef0123456789";
  CHECK(bls12_hash_to_g2((const uint8_t *)msg2, strlen(msg2), (const uint8_t *)QUUX, sizeof QUUX - 1, out) == 0);
  unhex("121982811d2491fde9ba7ed31ef9ca474f0e1501297f68c298e9f4c0028add35aea8bb83d53c08cfc007c1e005723cd0", exp + 16,
        48);
  unhex("190d119345b94fbd15497bcba94ecf7db2cbfd1e1fe7da034d26cbba169fb3968288b3fafb265f9ebd380512a71c3f2c", exp + 80,
        48);
  CHECK_MEM(out, exp, 128);

  uint8_t pk[3][48], sig[96], msg[32];
  bool ok = false;
  memset(msg, 0xab, sizeof msg);
  unhex("a491d1b0ecd9bb917989f0e74f0dea0422eac4a873e5e2644f368dffb9a6e20fd6e10c1b77654d067c0618f6e5a7f79a", pk[0], 48);
  unhex("b301803f8b5ac4a1133581fc676dfedc60d891dd5fa99028805e5ea5b08d3491af75d0707adab3b70c6a6a580217bf81", pk[1], 48);
  unhex("b53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f", pk[2], 48);
  unhex(
      "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa3527c468c25f0"
      "026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7cf29adf3ccbb9975e4eb9",
      sig, 96);
  CHECK(bls12_verify(pk[2], msg, 32, sig, &ok) == 0 && ok);
  CHECK(bls12_verify(pk[1], msg, 32, sig, &ok) == 0 && !ok);
  msg[0] ^= 1;
  CHECK(bls12_verify(pk[2], msg, 32, sig, &ok) == 0 && !ok);
  msg[0] ^= 1;
  unhex(
      "9712c3edd73a209c742b8250759db12549b3eaf43b5ca61376d9f30e2747dbcf842d8b2ac0901d2a093713e20284a767"
      "0fcf6954e9ab93de991bb9b313e664785a075fc285806fa5224c82bde146561b446ccfc706a64b8579513cfc4ff1d930",
      sig, 96);
  CHECK(bls12_fast_aggregate_verify((const uint8_t(*)[48])pk, 3, msg, 32, sig, &ok) == 0 && ok);
  CHECK(bls12_fast_aggregate_verify((const uint8_t(*)[48])pk, 2, msg, 32, sig, &ok) == 0 && !ok);
  /* compression round trips */
  uint8_t un[256], back[96];
  for (int i = 0; i < 3; i++) {
    CHECK(bls12_g1_decompress(pk[i], true, un) == 0);
    CHECK(bls12_g1_compress(un, back) == 0);
    CHECK_MEM(back, pk[i], 48);
  }
  CHECK(bls12_g2_decompress(sig, true, un) == 0);
  CHECK(bls12_g2_compress(un, back) == 0);
  CHECK_MEM(back, sig, 96);
  memset(un, 0, sizeof un);
  CHECK(bls12_g2_compress(un, back) == 0 && back[0] == 0xc0);
  un[255] = 1; /* (0, 1) is not on the curve */
  CHECK(bls12_g2_compress(un, back) == ETHC_ERR_INVALID);
  /* the infinity public key is rejected */
  uint8_t inf[48] = {0xc0};
  CHECK(bls12_verify(inf, msg, 32, sig, &ok) == ETHC_ERR_INVALID && !ok);
  CHECK(bls12_fast_aggregate_verify((const uint8_t(*)[48])pk, 0, msg, 32, sig, &ok) == ETHC_ERR_INVALID);
}

/* Garbage in: every entry point returns 0 or ETHC_ERR_INVALID, never crashes.
 * Field elements are often given zero padding and a small top limb to get past
 * the range check (then the points are mostly off the curve). */
static void test_garbage(void) {
  static uint8_t buf[384 * 3 + 2];
  unsigned seed = 7;
  op_fn ops[] = {bls12_g1_add,        bls12_g1_msm,       bls12_g2_add,        bls12_g2_msm,
                 bls12_pairing_check, bls12_map_fp_to_g1, bls12_map_fp2_to_g2, op_pe};
  size_t units[] = {256, 160, 512, 288, 384, 64, 128, 192};
  int bad = 0;
  for (int op = 0; op < 8; op++) {
    for (int it = 0; it < 60; it++) {
      size_t len = units[op] * (size_t)(1 + it % 3) + (size_t)(it % 5 == 4) - (size_t)(it % 7 == 6);
      if (len > sizeof buf) len = sizeof buf;
      for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)rand_r(&seed);
      if (it & 1)
        for (size_t i = 0; i + 64 <= len; i += 64) {
          memset(buf + i, 0, 16);
          buf[i + 16] &= 0x0f;
        }
      uint8_t out[256];
      int err = ops[op](buf, len, out);
      if (err != 0 && err != ETHC_ERR_INVALID) bad++;
    }
  }
  CHECK(bad == 0);
  bool ok;
  for (int it = 0; it < 50; it++) {
    for (size_t i = 0; i < 96 + 48; i++) buf[i] = (uint8_t)rand_r(&seed);
    buf[0] |= 0x80;
    int e1 = bls12_verify(buf + 96, buf, 13, buf, &ok);
    CHECK(e1 == ETHC_ERR_INVALID || (e1 == 0 && !ok));
    uint8_t out[256];
    int e2 = bls12_g2_decompress(buf, it & 1, out);
    CHECK(e2 == 0 || e2 == ETHC_ERR_INVALID);
  }
}

int main(void) {
  test_garbage();
  test_signatures();
#if defined(__x86_64__) && !defined(BLS_NO_ASM)
  /* run everything once more on the MUL/ADC path when the CPU has ADX */
  if (bls_have_adx) {
    bls_have_adx = 0;
    test_fields();
    test_groups();
    test_vectors();
    bls_have_adx = 1;
  }
#endif
  test_kzg();
  test_fields();
  test_groups();
  test_endo_mul();
  test_msm();
  test_msm_repeats();
  test_maps();
  test_edge_cases();
  test_vectors();
  return check_summary();
}
