/* Micro-benchmark of the 256-bit integer module (src/core/u256.c): ns per operation
 * for ADD, MUL, DIV by divisors of 1..4 limbs, ADDMOD, MULMOD and EXP on fixed-seed
 * random operands. Usage: u256_bench [iterations-per-op, default 2000000]. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ethc/u256.h"

#define N 1024 /* operand pool, stays in L1/L2 */

static uint64_t st = 0x243F6A8885A308D3ULL;
static uint64_t rnd(void) { /* splitmix64 */
  uint64_t z = (st += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static u256_t rnd_limbs(int limbs) {
  u256_t r = U256_ZERO;
  for (int i = 0; i < limbs; i++) r.w[i] = rnd();
  if (limbs > 0 && r.w[limbs - 1] == 0) r.w[limbs - 1] = 1;
  return r;
}
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static u256_t A[N], B[N], M[N];
static volatile uint64_t sink;

typedef void (*op2)(u256_t *, const u256_t *, const u256_t *);
typedef void (*op3)(u256_t *, const u256_t *, const u256_t *, const u256_t *);

static void u256_add_f(u256_t *r, const u256_t *a, const u256_t *b) { u256_add(r, a, b); }
static void u256_mul_f(u256_t *r, const u256_t *a, const u256_t *b) { u256_mul(r, a, b); }

/* The inline ops are timed with a dependency through the accumulator, so the figure
 * is latency-like rather than pure throughput. */
#define BENCH_INLINE(name, OP, iters)                                   \
  do {                                                                  \
    u256_t acc = A[0];                                                  \
    double t0 = now_ns();                                               \
    for (long i = 0; i < (iters); i++) OP(&acc, &acc, &B[i & (N - 1)]); \
    double t1 = now_ns();                                               \
    sink = acc.w[0] ^ acc.w[1] ^ acc.w[2] ^ acc.w[3];                   \
    printf("%-28s %8.2f ns/op\n", name, (t1 - t0) / (double)(iters));   \
  } while (0)

static void bench2(const char *name, op2 f, long iters) {
  u256_t r;
  uint64_t x = 0;
  double t0 = now_ns();
  for (long i = 0; i < iters; i++) {
    f(&r, &A[i & (N - 1)], &B[i & (N - 1)]);
    x += r.w[0] ^ r.w[1] ^ r.w[2] ^ r.w[3];
  }
  double t1 = now_ns();
  sink = x;
  printf("%-28s %8.2f ns/op\n", name, (t1 - t0) / (double)iters);
}
static void bench3(const char *name, op3 f, long iters) {
  u256_t r;
  uint64_t x = 0;
  double t0 = now_ns();
  for (long i = 0; i < iters; i++) {
    f(&r, &A[i & (N - 1)], &B[i & (N - 1)], &M[i & (N - 1)]);
    x += r.w[0] ^ r.w[1] ^ r.w[2] ^ r.w[3];
  }
  double t1 = now_ns();
  sink = x;
  printf("%-28s %8.2f ns/op\n", name, (t1 - t0) / (double)iters);
}

static void fill(int alimbs, int blimbs, int mlimbs) {
  st = 0x243F6A8885A308D3ULL;
  for (int i = 0; i < N; i++) A[i] = rnd_limbs(alimbs), B[i] = rnd_limbs(blimbs), M[i] = rnd_limbs(mlimbs);
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 2000000;
  if (iters <= 0) iters = 2000000;
  fill(4, 4, 4);
  BENCH_INLINE("add (dependent chain)", u256_add, iters * 5);
  BENCH_INLINE("mul (dependent chain)", u256_mul, iters * 5);
  bench2("add (independent)", u256_add_f, iters * 5);
  bench2("mul (independent)", u256_mul_f, iters * 5);
  bench2("div 256/256 (q small)", u256_div, iters);
  fill(4, 3, 4);
  bench2("div 256/192", u256_div, iters);
  fill(4, 2, 4);
  bench2("div 256/128", u256_div, iters);
  fill(4, 1, 4);
  bench2("div 256/64", u256_div, iters);
  fill(2, 1, 4);
  bench2("div 128/64", u256_div, iters);
  fill(1, 1, 4);
  bench2("div 64/64", u256_div, iters);
  fill(4, 4, 4);
  bench2("sdiv 256/256", u256_sdiv, iters);
  bench3("addmod m 256-bit", u256_addmod, iters);
  bench3("mulmod m 256-bit", u256_mulmod, iters);
  fill(4, 4, 2);
  bench3("mulmod m 128-bit", u256_mulmod, iters);
  fill(4, 4, 1);
  bench3("addmod m 64-bit", u256_addmod, iters);
  bench3("mulmod m 64-bit", u256_mulmod, iters);
  fill(4, 4, 4);
  for (int i = 0; i < N; i++) B[i].w[1] = B[i].w[2] = B[i].w[3] = 0; /* 64-bit exponents */
  bench2("exp (64-bit exponent)", u256_exp, iters / 10);
  fill(4, 4, 4);
  bench2("exp (256-bit exponent)", u256_exp, iters / 20);
  return 0;
}
