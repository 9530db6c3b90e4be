/* Keccak-256 throughput vs OpenSSL's EVP SHA3-256 (same Keccak-f[1600] permutation,
 * same 136-byte rate, different padding byte) on 32 B, 64 B, 1 KiB and 1 MiB inputs.
 * Usage: keccak_bench [seconds per size and implementation, default 0.5]; each
 * figure is the best of 7 interleaved slices. */
#define _POSIX_C_SOURCE 200809L
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/keccak.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust to other load */
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static EVP_MD *sha3;
static EVP_MD_CTX *mdctx;
static volatile uint8_t sink;

static void run_ethc(const uint8_t *buf, size_t len, uint8_t out[32]) { keccak256(buf, len, out); }

static void run_openssl(const uint8_t *buf, size_t len, uint8_t out[32]) {
  unsigned int n = 32;
  /* Reused context and pre-fetched digest: the cheapest way to drive EVP. */
  if (EVP_DigestInit_ex2(mdctx, sha3, NULL) != 1 || EVP_DigestUpdate(mdctx, buf, len) != 1 ||
      EVP_DigestFinal_ex(mdctx, out, &n) != 1) {
    fprintf(stderr, "OpenSSL SHA3-256 failed\n");
    exit(1);
  }
}

/* Chains the output into the next input so the compiler cannot hoist the hash. */
static double measure(void (*fn)(const uint8_t *, size_t, uint8_t *), uint8_t *buf, size_t len, double secs) {
  uint8_t out[32];
  size_t iters = 1, total = 0;
  double start = now(), el = 0;
  while ((el = now() - start) < secs) {
    for (size_t i = 0; i < iters; i++) {
      fn(buf, len, out);
      buf[0] ^= out[0];
    }
    total += iters;
    if (iters < (1u << 20)) iters *= 2;
  }
  sink = out[1];
  return el / (double)total * 1e9;
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 0.5;
  if (secs <= 0) secs = 0.5;
  sha3 = EVP_MD_fetch(NULL, "SHA3-256", NULL);
  mdctx = EVP_MD_CTX_new();
  if (!sha3 || !mdctx) {
    fprintf(stderr, "OpenSSL SHA3-256 unavailable\n");
    return 1;
  }
  const size_t sizes[] = {32, 64, 1024, 1 << 20};
  const char *labels[] = {"32 B", "64 B", "1 KiB", "1 MiB"};
  uint8_t *buf = malloc(1 << 20);
  for (size_t i = 0; i < (1u << 20); i++) buf[i] = (uint8_t)(i * 7 + 1);
#if defined(__clang__)
  printf("compiler: clang %s\n", __clang_version__);
#elif defined(__GNUC__)
  printf("compiler: gcc %s\n", __VERSION__);
#endif
  printf("%-6s  %12s %10s  %12s %10s  %7s\n", "size", "ethc ns/op", "ethc MB/s", "ossl ns/op", "ossl MB/s", "ratio");
  int all_ge = 1;
  for (int s = 0; s < 4; s++) {
    /* Alternate the two in short slices and keep each one's best slice, so that
     * load from other processes on the machine disturbs both alike. */
    double t_e = 1e30, t_o = 1e30;
    for (int rep = 0; rep < 7; rep++) {
      double a = measure(run_ethc, buf, sizes[s], secs / 7);
      double b = measure(run_openssl, buf, sizes[s], secs / 7);
      if (a < t_e) t_e = a;
      if (b < t_o) t_o = b;
    }
    printf("%-6s  %12.1f %10.1f  %12.1f %10.1f  %6.2fx\n", labels[s], t_e, sizes[s] / t_e * 1e3, t_o,
           sizes[s] / t_o * 1e3, t_o / t_e);
    if (t_e > t_o) all_ge = 0;
  }
  /* The bare permutation, for cycles/permutation estimates: the startup choice,
   * then the portable build. */
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1 && keccak_select_impl(false) != 0) break;
    uint64_t st[25] = {0};
    double best = 1e30, start, el;
    for (int rep = 0; rep < 7; rep++) {
      size_t n = 0;
      start = now();
      while ((el = now() - start) < secs / 7) {
        for (int i = 0; i < 10000; i++) keccakf1600(st);
        n += 10000;
      }
      if (el / (double)n < best) best = el / (double)n;
    }
    sink = (uint8_t)st[0];
    printf("keccakf1600 (%s): %.1f ns/permutation\n", pass ? "portable" : "startup choice", best * 1e9);
  }
  printf("ethc >= OpenSSL on every size: %s\n", all_ge ? "yes" : "no");
  free(buf);
  EVP_MD_CTX_free(mdctx);
  EVP_MD_free(sha3);
  return 0;
}
