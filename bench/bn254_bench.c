/* Benchmark of the bn254 code behind precompiles 0x06-0x08 (EIP-196/197): Fp multiplication,
 * ECADD, ECMUL (goal < 50 us), G2 subgroup test, Miller loop, final exponentiation and the
 * 2-pair pairing check (goal < 1.5 ms). Usage: bn254_bench [iterations-scale]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/bn254/bn254_internal.h"
#include "ethc/bn254.h"
#include "ethc/bytes.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust on a shared machine */
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void unhex(const char *h, uint8_t *out, size_t n) {
  size_t got;
  if (hex_decode(h, false, out, n, &got) != 0 || got != n) {
    fprintf(stderr, "bad hex\n");
    exit(1);
  }
}

/* A valid 2-pair input: e(P, Q) * e(-P, Q) with P = [k]G1 (from go-ethereum's vectors: jeff1). */
static const char *PAIR2 =
    "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f593034dd2920f673e204fee2811c678745fc819b55d3e9d294e4"
    "5c9b03a76aef41"
    "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf704bf11ca01483bfa8b34b43561848d28905960114c8ac04049"
    "af4b6315a416782b"
    "b8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165f"
    "e5e4de877550111e"
    "129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c2032c61a830e3c17286de9462bf242fca2883585b93870a73853fa"
    "ce6a6bf411198e93"
    "93920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c21800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5c"
    "d992f6ed090689d0"
    "585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166"
    "fa7daa";

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

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 1;
  if (scale < 1) scale = 1;
  volatile int sink = 0;

  fp_t a, b;
  bn254_fp_from_u64(&a, 123456789);
  bn254_fp_from_u64(&b, 987654321);
  BENCH("fp_mul", 400000 * scale, fp_mul(&a, &a, &b));
  sink += (int)a.l[0];
  BENCH("fp_inv", 4000 * scale, bn254_fp_inv(&a, &a));
  fp2_t x = {a, b}, y = {b, a};
  BENCH("fp2_mul", 200000 * scale, fp2_mul(&x, &x, &y));
  fp12_t f, g;
  memset(&f, 0, sizeof f);
  f.c0.c0 = x;
  f.c1.c1 = y;
  f.c0.c2 = y;
  g = f;
  BENCH("fp12_mul", 10000 * scale, bn254_fp12_mul(&f, &f, &g));

  uint8_t in[384], out[64];
  unhex(PAIR2, in, 384);
  uint8_t addin[128];
  memcpy(addin, in, 64);
  memcpy(addin + 64, in, 64);
  BENCH("ecadd (bytes)", 4000 * scale, sink += bn254_g1_add_bytes(addin, out));
  uint8_t mulin[96];
  memcpy(mulin, in, 64);
  memset(mulin + 64, 0xa5, 32);
  BENCH("ecmul (bytes, GLV)", 400 * scale, sink += bn254_g1_mul_bytes(mulin, out));
  BENCH("ecmul (double-and-add)", 40 * scale, sink += bn254_g1_mul_bytes_simple(mulin, out));

  g1_affine_t ps[2];
  g2_affine_t qs[2];
  for (int i = 0; i < 2; i++) {
    const uint8_t *e = in + 192 * i;
    bn254_fp_from_bytes(&ps[i].x, e);
    bn254_fp_from_bytes(&ps[i].y, e + 32);
    ps[i].inf = false;
    bn254_fp_from_bytes(&qs[i].x.c1, e + 64);
    bn254_fp_from_bytes(&qs[i].x.c0, e + 96);
    bn254_fp_from_bytes(&qs[i].y.c1, e + 128);
    bn254_fp_from_bytes(&qs[i].y.c0, e + 160);
    qs[i].inf = false;
  }
  BENCH("g2 subgroup check", 100 * scale, sink += bn254_g2_in_subgroup(&qs[0]));
  BENCH("miller loop, 1 pair", 60 * scale, bn254_miller_loop_n(&f, ps, qs, 1));
  BENCH("miller loop, 2 pairs", 60 * scale, bn254_miller_loop_n(&f, ps, qs, 2));
  BENCH("final exponentiation", 60 * scale, bn254_final_exp(&g, &f));
  bool ok = false;
  BENCH("pairing check, 2 pairs", 40 * scale, sink += bn254_pairing_check_bytes(in, 384, &ok));
  printf("(check result %s, sink %d)\n", ok ? "1" : "0", sink & 1);
  return ok ? 0 : 1;
}
