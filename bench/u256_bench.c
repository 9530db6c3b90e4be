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
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust on a shared machine */
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static u256_t A[N], B[N], M[N];
static volatile uint64_t sink;

/* Every operation is expanded in place (macros, no function pointers) so the inline
 * ones are measured as the interpreter sees them. DEP: each result feeds the next
 * operation (latency); IND: independent operations whose results are folded into a
 * checksum (throughput). */
#define REPORT(name, t0, t1, iters) printf("%-28s %8.2f ns/op\n", name, ((t1) - (t0)) / (double)(iters))

#define BENCH_DEP(name, OP, iters)                                      \
  do {                                                                  \
    u256_t acc = A[0];                                                  \
    double t0 = now_ns();                                               \
    for (long i = 0; i < (iters); i++) OP(&acc, &acc, &B[i & (N - 1)]); \
    double t1 = now_ns();                                               \
    sink = acc.w[0] ^ acc.w[1] ^ acc.w[2] ^ acc.w[3];                   \
    REPORT(name, t0, t1, iters);                                        \
  } while (0)

#define BENCH2(name, OP, iters)                 \
  do {                                          \
    uint64_t x = 0;                             \
    double t0 = now_ns();                       \
    for (long i = 0; i < (iters); i++) {        \
      u256_t r;                                 \
      OP(&r, &A[i & (N - 1)], &B[i & (N - 1)]); \
      x += r.w[0] ^ r.w[1] ^ r.w[2] ^ r.w[3];   \
    }                                           \
    double t1 = now_ns();                       \
    sink = x;                                   \
    REPORT(name, t0, t1, iters);                \
  } while (0)

#define BENCH3(name, OP, iters)                                  \
  do {                                                           \
    uint64_t x = 0;                                              \
    double t0 = now_ns();                                        \
    for (long i = 0; i < (iters); i++) {                         \
      u256_t r;                                                  \
      OP(&r, &A[i & (N - 1)], &B[i & (N - 1)], &M[i & (N - 1)]); \
      x += r.w[0] ^ r.w[1] ^ r.w[2] ^ r.w[3];                    \
    }                                                            \
    double t1 = now_ns();                                        \
    sink = x;                                                    \
    REPORT(name, t0, t1, iters);                                 \
  } while (0)

/* Shifts take the amount first: shift by A's low byte (0..255) or by 256+. */
#define SHL_OP(r, a, b)                          \
  do {                                           \
    u256_t s_ = u256_from_u64((a)->w[0] & 0xff); \
    u256_shl(r, &s_, b);                         \
  } while (0)
#define SHR_OP(r, a, b)                          \
  do {                                           \
    u256_t s_ = u256_from_u64((a)->w[0] & 0xff); \
    u256_shr(r, &s_, b);                         \
  } while (0)
#define SAR_OP(r, a, b)                          \
  do {                                           \
    u256_t s_ = u256_from_u64((a)->w[0] & 0xff); \
    u256_sar(r, &s_, b);                         \
  } while (0)
#define LT_OP(r, a, b) \
  do { *(r) = u256_from_u64(u256_lt(a, b)); } while (0)

static void fill(int alimbs, int blimbs, int mlimbs) {
  st = 0x243F6A8885A308D3ULL;
  for (int i = 0; i < N; i++) A[i] = rnd_limbs(alimbs), B[i] = rnd_limbs(blimbs), M[i] = rnd_limbs(mlimbs);
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 2000000;
  if (iters <= 0) iters = 2000000;
  fill(4, 4, 4);
  BENCH_DEP("add (dependent chain)", u256_add, iters * 5);
  BENCH_DEP("mul (dependent chain)", u256_mul, iters * 5);
  BENCH2("add", u256_add, iters * 5);
  BENCH2("sub", u256_sub, iters * 5);
  BENCH2("mul", u256_mul, iters * 5);
  BENCH2("lt", LT_OP, iters * 5);
  BENCH2("shl", SHL_OP, iters * 5);
  BENCH2("shr", SHR_OP, iters * 5);
  BENCH2("sar", SAR_OP, iters * 5);
  BENCH2("div 256/256 (q small)", u256_div, iters);
  fill(4, 3, 4);
  BENCH2("div 256/192", u256_div, iters);
  fill(4, 2, 4);
  BENCH2("div 256/128", u256_div, iters);
  fill(2, 2, 4);
  BENCH2("div 128/128", u256_div, iters);
  fill(3, 2, 4);
  BENCH2("div 192/128", u256_div, iters);
  fill(4, 1, 4);
  BENCH2("div 256/64", u256_div, iters);
  fill(2, 1, 4);
  BENCH2("div 128/64", u256_div, iters);
  fill(1, 1, 4);
  BENCH2("div 64/64", u256_div, iters);
  fill(4, 4, 4);
  for (int i = 0; i < N; i++) {
    unsigned k = (unsigned)(rnd() % 256);
    B[i] = U256_ZERO;
    B[i].w[k / 64] = (uint64_t)1 << (k % 64);
  }
  BENCH2("div 256/2^k", u256_div, iters);
  fill(4, 4, 4);
  BENCH2("sdiv 256/256", u256_sdiv, iters);
  BENCH3("addmod m 256-bit", u256_addmod, iters);
  BENCH3("mulmod m 256-bit", u256_mulmod, iters);
  for (int i = 0; i < N; i++) M[i] = M[0]; /* one modulus, as in elliptic-curve code */
  BENCH3("mulmod m 256-bit, repeated", u256_mulmod, iters);
  fill(4, 4, 2);
  BENCH3("mulmod m 128-bit", u256_mulmod, iters);
  fill(4, 4, 1);
  BENCH3("addmod m 64-bit", u256_addmod, iters);
  BENCH3("mulmod m 64-bit", u256_mulmod, iters);
  fill(4, 4, 4);
  for (int i = 0; i < N; i++) B[i].w[1] = B[i].w[2] = B[i].w[3] = 0; /* 64-bit exponents */
  BENCH2("exp (64-bit exponent)", u256_exp, iters / 10);
  fill(4, 4, 4);
  BENCH2("exp (256-bit exponent)", u256_exp, iters / 20);
  return 0;
}
