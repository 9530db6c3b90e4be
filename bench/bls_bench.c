/* Benchmark of the BLS12-381 code behind precompiles 0x0a-0x11 (EIP-4844, EIP-2537):
 * Fp multiplication, subgroup checks, Miller loop, final exponentiation, the 2-pair
 * pairing check (goal < 2.5 ms), point evaluation (goal < 2 ms), G1 MSM of 128 points
 * and the field-to-curve maps. Usage: bls_bench [iterations-scale]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/bls12_381/bls_internal.h"
#include "ethc/bls12_381.h"
#include "ethc/bytes.h"
#include "ethc/kzg.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust on a shared machine */
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}


/* Best of 5 runs of `iters` iterations (the machine is shared; the minimum is the most stable). */
#define BENCH(label, iters, body)                                      \
  do {                                                                 \
    for (int _w = 0; _w < (iters) / 10 + 1; _w++) { body; }            \
    double _best = 1e9;                                                \
    for (int _r = 0; _r < 5; _r++) {                                   \
      double _t0 = now();                                              \
      for (int _i = 0; _i < (iters); _i++) { body; }                   \
      double _dt = (now() - _t0) / (iters);                            \
      if (_dt < _best) _best = _dt;                                    \
    }                                                                  \
    if (_best < 1e-6) printf("%-28s %10.1f ns\n", label, _best * 1e9); \
    else printf("%-28s %10.2f us\n", label, _best * 1e6);              \
  } while (0)


/* The point-evaluation input: from $ETHC_SHARED/precompiles/pointEvaluation.json when
 * present (first "Input"), else none. */
static bool load_pe_input(uint8_t in[192]) {
  const char *dir = getenv("ETHC_SHARED");
  char path[512];
  snprintf(path, sizeof path, "%s/precompiles/pointEvaluation.json", dir ? dir : "../shared");
  char *txt = (char *)bytes_read_file(path, NULL);
  if (!txt) return false;
  char *p = strstr(txt, "\"Input\"");
  bool ok = false;
  if (p && (p = strchr(p + 7, '"'))) {
    char *e = strchr(p + 1, '"');
    if (e) {
      *e = 0;
      size_t got;
      ok = hex_decode(p + 1, false, in, 192, &got) == 0 && got == 192;
    }
  }
  free(txt);
  return ok;
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 1;
  if (scale < 1) scale = 1;
  volatile int sink = 0;

  fp_t a = BLS_G1_X, b = BLS_G1_Y;
  BENCH("fp_mul", 400000 * scale, fp_mul(&a, &a, &b));
  BENCH("fp_sqr", 400000 * scale, fp_sqr(&a, &a));
  BENCH("fp_inv", 200 * scale, fp_inv(&a, &a));
  fp2_t a2 = BLS_G2_X, b2 = BLS_G2_Y;
  BENCH("fp2_mul", 200000 * scale, fp2_mul(&a2, &a2, &b2));
  sink += (int)a.l[0] + (int)a2.c0.l[0];

  g1_t g1, p1;
  g2_t g2, q2;
  g1_generator(&g1);
  g2_generator(&g2);
  uint64_t k7 = 7;
  g1_mul(&p1, &g1, &k7, 1);
  g2_mul(&q2, &g2, &k7, 1);
  BENCH("g1_subgroup_check", 200 * scale, sink += g1_in_subgroup(&p1));
  BENCH("g2_subgroup_check", 100 * scale, sink += g2_in_subgroup(&q2));
  uint64_t k256[4] = {0x0123456789abcdefULL, 0xfedcba9876543210ULL, 0x0f1e2d3c4b5a6978ULL, 0x3eda753299d7d483ULL};
  g1_t t1;
  g2_t t2;
  BENCH("g1_mul (255-bit)", 100 * scale, g1_mul(&t1, &p1, k256, 4));
  BENCH("g2_mul (255-bit)", 50 * scale, g2_mul(&t2, &q2, k256, 4));
  BENCH("g1_mul_glv (255-bit)", 100 * scale, g1_mul_glv(&t1, &p1, k256));
  BENCH("g2_mul_gls (255-bit)", 50 * scale, g2_mul_gls(&t2, &q2, k256));

  /* 2-pair check: e(7G1, G2) * e(-G1, 7G2) == 1 */
  g1_aff_t ps[2];
  g2_aff_t qs[2];
  g1_to_aff(&ps[0], &p1);
  g2_to_aff(&qs[0], &g2);
  g1_neg(&t1, &g1);
  g1_to_aff(&ps[1], &t1);
  g2_to_aff(&qs[1], &q2);
  if (!bls_pairing_check(ps, qs, 2)) {
    fprintf(stderr, "pairing check failed\n");
    return 1;
  }
  fp12_t f, r;
  BENCH("miller_loop (1 pair)", 50 * scale, bls_miller_loop_n(&f, ps, qs, 1));
  BENCH("miller_loop (2 pairs)", 50 * scale, bls_miller_loop_n(&f, ps, qs, 2));
  BENCH("final_exp", 50 * scale, bls_final_exp(&r, &f));
  BENCH("pairing_check (2 pairs)", 30 * scale, sink += bls_pairing_check(ps, qs, 2));

  uint8_t pe[192], out[256];
  if (load_pe_input(pe)) {
    if (kzg_point_evaluation(pe, 192, out) != 0) {
      fprintf(stderr, "point evaluation failed\n");
      return 1;
    }
    BENCH("point_evaluation", 30 * scale, sink += kzg_point_evaluation(pe, 192, out));
  } else {
    printf("point_evaluation: skipped (set ETHC_SHARED)\n");
  }

  /* G1 MSM of 128 points with 255-bit scalars */
  enum { N = 128 };
  g1_aff_t *pts = malloc(N * sizeof *pts);
  uint64_t(*ks)[4] = malloc(N * sizeof *ks);
  uint8_t *enc = malloc(N * 160);
  g1_t acc = g1;
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < N; i++) {
    g1_mul(&acc, &acc, &k7, 1);
    g1_to_aff(&pts[i], &acc);
    for (int j = 0; j < 4; j++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      ks[i][j] = x;
    }
    ks[i][3] &= 0x3fffffffffffffffULL;
    memset(enc + 160 * i, 0, 160);
    fp_to_be48(enc + 160 * i + 16, &pts[i].x);
    fp_to_be48(enc + 160 * i + 80, &pts[i].y);
    for (int j = 0; j < 32; j++) enc[160 * i + 128 + j] = (uint8_t)(ks[i][3 - j / 8] >> (56 - 8 * (j % 8)));
  }
  BENCH("g1_msm (128, compute)", 10 * scale, g1_msm(&t1, pts, (const uint64_t(*)[4])ks, N));
  BENCH("G1MSM precompile (128)", 10 * scale, sink += bls12_g1_msm(enc, N * 160, out));
  g2_aff_t *pts2 = malloc(N * sizeof *pts2);
  g2_t acc2 = g2;
  for (int i = 0; i < N; i++) {
    g2_mul(&acc2, &acc2, &k7, 1);
    g2_to_aff(&pts2[i], &acc2);
  }
  BENCH("g2_msm (128, compute)", 5 * scale, g2_msm(&t2, pts2, (const uint64_t(*)[4])ks, N));
  BENCH("g1_msm (16, compute)", 20 * scale, g1_msm(&t1, pts, (const uint64_t(*)[4])ks, 16));
  BENCH("g2_msm (16, compute)", 10 * scale, g2_msm(&t2, pts2, (const uint64_t(*)[4])ks, 16));
  free(pts2);
  free(pts);
  free(ks);
  free(enc);

  uint8_t u1[64] = {0}, u2[128] = {0};
  u1[63] = 5;
  u2[63] = 5;
  u2[127] = 9;
  BENCH("map_fp_to_g1", 100 * scale, sink += bls12_map_fp_to_g1(u1, 64, out));
  BENCH("map_fp2_to_g2", 50 * scale, sink += bls12_map_fp2_to_g2(u2, 128, out));
  /* consensus-layer BLS signature (ethereum/bls12-381-tests verify_valid_case_195246ee3bd3b6ec) */
  uint8_t pk[48], sig[96], msg[32];
  size_t got;
  memset(msg, 0xab, sizeof msg);
  hex_decode("b53d21a4cfd562c469cc81514d4ce5a6b577d8403d32a394dc265dd190b47fa9f829fdd7963afdf972e5e77854051f6f", false,
             pk, 48, &got);
  hex_decode(
      "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa3527c468c25f0"
      "026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7cf29adf3ccbb9975e4eb9",
      false, sig, 96, &got);
  bool ok = false;
  BENCH("bls12_verify (signature)", 20 * scale, {
    bls12_verify(pk, msg, 32, sig, &ok);
    sink += ok;
  });
  return sink == 12345 ? 1 : 0;
}
