/* Keccak-256 throughput vs OpenSSL's EVP SHA3-256 (same Keccak-f[1600] permutation,
 * same 136-byte rate, different padding byte) on 32 B, 64 B, 136 B, 532 B (a
 * post-merge header), 4 KiB and 1 MiB inputs.
 * Usage: keccak_bench [seconds per size and implementation, default 0.5]; each
 * figure is the best of 7 interleaved slices.
 * Then keccak256_x4 per message, for each of its implementations the CPU has.
 * keccak_bench --count SIZE N: only N keccak256 calls of SIZE bytes, for instruction
 * counts under `valgrind --tool=callgrind` (take the difference of two N);
 * --count-x4 SIZE N: the same through keccak256_x4 (N messages, 4 per call). */
#define _POSIX_C_SOURCE 200809L
#include <openssl/evp.h>
#include <stdbool.h>
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

static int count_mode(size_t len, size_t n, bool x4) {
  uint8_t *buf = calloc(len + 1, 1), out[4][32] = {{0}};
  if (!buf) return 1;
  const uint8_t *d[4] = {buf, buf, buf, buf};
  const size_t lens[4] = {len, len, len, len};
  uint8_t *o[4] = {out[0], out[1], out[2], out[3]};
  for (size_t i = 0; i < n; i += x4 ? 4 : 1) {
    if (x4) keccak256_x4(d, lens, o);
    else keccak256(buf, len, out[0]);
    buf[0] ^= out[0][0];
  }
  sink = out[0][1];
  free(buf);
  return 0;
}

/* ns per message through keccak256_x4 (four equal-length messages a call). */
static double measure_x4(uint8_t *buf, size_t len, double secs) {
  const uint8_t *d[4] = {buf, buf + 1, buf + 2, buf + 3};
  const size_t lens[4] = {len, len, len, len};
  uint8_t out[4][32], *o[4] = {out[0], out[1], out[2], out[3]};
  size_t iters = 1, total = 0;
  double start = now(), el = 0;
  while ((el = now() - start) < secs) {
    for (size_t i = 0; i < iters; i++) {
      keccak256_x4(d, lens, o);
      buf[0] ^= out[3][0];
    }
    total += iters;
    if (iters < (1u << 18)) iters *= 2;
  }
  sink = out[0][1];
  return el / (double)total / 4 * 1e9;
}

int main(int argc, char **argv) {
  if (argc == 4 && (strcmp(argv[1], "--count") == 0 || strcmp(argv[1], "--count-x4") == 0))
    return count_mode((size_t)strtoull(argv[2], NULL, 10), (size_t)strtoull(argv[3], NULL, 10),
                      strcmp(argv[1], "--count-x4") == 0);
  double secs = argc > 1 ? atof(argv[1]) : 0.5;
  if (secs <= 0) secs = 0.5;
  sha3 = EVP_MD_fetch(NULL, "SHA3-256", NULL);
  mdctx = EVP_MD_CTX_new();
  if (!sha3 || !mdctx) {
    fprintf(stderr, "OpenSSL SHA3-256 unavailable\n");
    return 1;
  }
  const size_t sizes[] = {32, 64, 136, 532, 4096, 1 << 20};
  const char *labels[] = {"32 B", "64 B", "136 B", "532 B", "4 KiB", "1 MiB"};
  const int nsizes = (int)(sizeof sizes / sizeof sizes[0]);
  uint8_t *buf = malloc(1 << 20);
  for (size_t i = 0; i < (1u << 20); i++) buf[i] = (uint8_t)(i * 7 + 1);
#if defined(__clang__)
  printf("compiler: clang %s\n", __clang_version__);
#elif defined(__GNUC__)
  printf("compiler: gcc %s\n", __VERSION__);
#endif
  printf("%-6s  %12s %10s  %12s %10s  %7s\n", "size", "ethc ns/op", "ethc MB/s", "ossl ns/op", "ossl MB/s", "ratio");
  int all_ge = 1;
  for (int s = 0; s < nsizes; s++) {
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
  /* keccak256_x4 per message, for each implementation this CPU has. */
  static const char *const x4_names[] = {"4 scalar calls", "AVX2", "AVX-512VL"};
  for (int level = 0; level <= 2; level++) {
    if (keccak_x4_select_impl(level)) continue;
    printf("keccak256_x4 (%s) ns/message:", x4_names[level]);
    for (int s = 0; s + 1 < nsizes; s++) {
      double best = 1e30;
      for (int rep = 0; rep < 7; rep++) {
        double t = measure_x4(buf, sizes[s], secs / 7);
        if (t < best) best = t;
      }
      printf("  %s %.1f", labels[s], best);
    }
    printf("\n");
  }
  if (keccak_x4_select_impl(2)) keccak_x4_select_impl(1);
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
