/* 256-bit integer arithmetic: division (DIV/MOD/SDIV/SMOD), ADDMOD, MULMOD, EXP and
 * conversions, with the EVM semantics of Yellow Paper appendix H.2. Division: powers of
 * two by shift and mask, one-word divisors by the x86-64 DIV instruction, longer ones
 * normalised with reciprocal-based 3-by-2 steps (Moller & Granlund, "Improved division by
 * invariant integers", 2011) and Knuth's algorithm D (TAOCP 4.3.1); MULMOD with a repeated
 * modulus by Barrett reduction (Handbook of Applied Cryptography 14.42). */
#include "ethc/u256.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;

#if defined(__GNUC__)
#define U256_LIKELY(x) __builtin_expect(!!(x), 1)
#define U256_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define U256_LIKELY(x) (x)
#define U256_UNLIKELY(x) (x)
#endif

/* Copies 4 words through general registers. Operands often were just stored one word at
 * a time (by the interpreter or by us); the 16-byte SSE loads the compiler would
 * otherwise use for a struct copy cannot be forwarded from such stores and stall
 * (measured: half of SDIV's time in snailtracer, 1.5x slower small divisions). */
static inline void copy4(uint64_t *dst, const uint64_t *src) {
  uint64_t a = src[0], b = src[1], c = src[2], d = src[3];
  __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
  dst[0] = a, dst[1] = b, dst[2] = c, dst[3] = d;
}

/* ---------------------------------------------------------------------------------
 * Reciprocals and division steps (Moller-Granlund). d is normalised: top bit set. */

/* floor((2^19 - 3*2^8) / (256 + i)) for i in 0..255: an 11-bit first approximation. */
static const uint16_t recip_table[256] = {
    0x7fd, 0x7f5, 0x7ed, 0x7e5, 0x7dd, 0x7d5, 0x7ce, 0x7c6, 0x7bf, 0x7b7, 0x7b0, 0x7a8, 0x7a1, 0x79a, 0x792, 0x78b,
    0x784, 0x77d, 0x776, 0x76f, 0x768, 0x761, 0x75b, 0x754, 0x74d, 0x747, 0x740, 0x739, 0x733, 0x72c, 0x726, 0x720,
    0x719, 0x713, 0x70d, 0x707, 0x700, 0x6fa, 0x6f4, 0x6ee, 0x6e8, 0x6e2, 0x6dc, 0x6d6, 0x6d1, 0x6cb, 0x6c5, 0x6bf,
    0x6ba, 0x6b4, 0x6ae, 0x6a9, 0x6a3, 0x69e, 0x698, 0x693, 0x68d, 0x688, 0x683, 0x67d, 0x678, 0x673, 0x66e, 0x669,
    0x664, 0x65e, 0x659, 0x654, 0x64f, 0x64a, 0x645, 0x640, 0x63c, 0x637, 0x632, 0x62d, 0x628, 0x624, 0x61f, 0x61a,
    0x616, 0x611, 0x60c, 0x608, 0x603, 0x5ff, 0x5fa, 0x5f6, 0x5f1, 0x5ed, 0x5e9, 0x5e4, 0x5e0, 0x5dc, 0x5d7, 0x5d3,
    0x5cf, 0x5cb, 0x5c6, 0x5c2, 0x5be, 0x5ba, 0x5b6, 0x5b2, 0x5ae, 0x5aa, 0x5a6, 0x5a2, 0x59e, 0x59a, 0x596, 0x592,
    0x58e, 0x58a, 0x586, 0x583, 0x57f, 0x57b, 0x577, 0x574, 0x570, 0x56c, 0x568, 0x565, 0x561, 0x55e, 0x55a, 0x556,
    0x553, 0x54f, 0x54c, 0x548, 0x545, 0x541, 0x53e, 0x53a, 0x537, 0x534, 0x530, 0x52d, 0x52a, 0x526, 0x523, 0x520,
    0x51c, 0x519, 0x516, 0x513, 0x50f, 0x50c, 0x509, 0x506, 0x503, 0x500, 0x4fc, 0x4f9, 0x4f6, 0x4f3, 0x4f0, 0x4ed,
    0x4ea, 0x4e7, 0x4e4, 0x4e1, 0x4de, 0x4db, 0x4d8, 0x4d5, 0x4d2, 0x4cf, 0x4cc, 0x4ca, 0x4c7, 0x4c4, 0x4c1, 0x4be,
    0x4bb, 0x4b9, 0x4b6, 0x4b3, 0x4b0, 0x4ad, 0x4ab, 0x4a8, 0x4a5, 0x4a3, 0x4a0, 0x49d, 0x49b, 0x498, 0x495, 0x493,
    0x490, 0x48d, 0x48b, 0x488, 0x486, 0x483, 0x481, 0x47e, 0x47c, 0x479, 0x477, 0x474, 0x472, 0x46f, 0x46d, 0x46a,
    0x468, 0x465, 0x463, 0x461, 0x45e, 0x45c, 0x459, 0x457, 0x455, 0x452, 0x450, 0x44e, 0x44b, 0x449, 0x447, 0x444,
    0x442, 0x440, 0x43e, 0x43b, 0x439, 0x437, 0x435, 0x432, 0x430, 0x42e, 0x42c, 0x42a, 0x428, 0x425, 0x423, 0x421,
    0x41f, 0x41d, 0x41b, 0x419, 0x417, 0x414, 0x412, 0x410, 0x40e, 0x40c, 0x40a, 0x408, 0x406, 0x404, 0x402, 0x400,
};

static inline uint64_t umulh(uint64_t a, uint64_t b) { return (uint64_t)(((u128)a * b) >> 64); }

/* x86-64 has a fast enough DIV on current cores (about 14 cycles for 128/64 on the
 * machines we measured, against about 30 for the table-and-Newton reciprocal below):
 * there one DIV computes the reciprocal and one-word divisors use DIV directly.
 * Define U256_NO_HW_DIV to use only multiplications (as intx does). */
#if defined(__x86_64__) && !defined(U256_NO_HW_DIV)
#define U256_HW_DIV 1
#else
#define U256_HW_DIV 0
#endif

/* v = floor((2^128 - 1) / d) - 2^64 by table lookup and three Newton-like refinements
 * (paper's Algorithm 2). Exported (not in the header) for the unit test. */
uint64_t u256__reciprocal_2by1_soft(uint64_t d);
uint64_t u256__reciprocal_2by1_soft(uint64_t d) {
  const uint64_t d9 = d >> 55;
  const uint64_t v0 = recip_table[d9 - 256];
  const uint64_t d40 = (d >> 24) + 1;
  const uint64_t v1 = (v0 << 11) - ((v0 * v0 * d40) >> 40) - 1;
  const uint64_t v2 = (v1 << 13) + ((v1 * ((UINT64_C(1) << 60) - v1 * d40)) >> 47);
  const uint64_t d0 = d & 1;
  const uint64_t d63 = (d >> 1) + d0; /* ceil(d / 2) */
  const uint64_t e = ((v2 >> 1) & (0 - d0)) - v2 * d63;
  const uint64_t v3 = (umulh(v2, e) >> 1) + (v2 << 31);
  const u128 p = (u128)v3 * d + d;
  return v3 - (uint64_t)(p >> 64) - d;
}

#if U256_HW_DIV
/* <u1, u0> / d by the DIV instruction; requires u1 < d (else the CPU faults). */
static inline uint64_t hw_div(uint64_t u1, uint64_t u0, uint64_t d, uint64_t *rem) {
  uint64_t q, r;
  __asm__("divq %[d]" : "=a"(q), "=d"(r) : "a"(u0), "d"(u1), [d] "r"(d) : "cc");
  *rem = r;
  return q;
}
#endif

static inline uint64_t reciprocal_2by1(uint64_t d) {
#if U256_HW_DIV
  uint64_t r;
  return hw_div(~d, UINT64_MAX, d, &r); /* (2^128 - 1 - 2^64 d) / d; ~d < d as d >= 2^63 */
#else
  return u256__reciprocal_2by1_soft(d);
#endif
}

uint64_t u256__reciprocal_2by1(uint64_t d);
uint64_t u256__reciprocal_2by1(uint64_t d) { return reciprocal_2by1(d); }

/* v = floor((2^192 - 1) / <d1, d0>) - 2^64 (paper's Algorithm 6). */
static inline uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0) {
  uint64_t v = reciprocal_2by1(d1);
  uint64_t p = d1 * v;
  p += d0;
  if (p < d0) {
    v--;
    if (p >= d1) {
      v--;
      p -= d1;
    }
    p -= d1;
  }
  const u128 t = (u128)v * d0;
  const uint64_t t1 = (uint64_t)(t >> 64), t0 = (uint64_t)t;
  p += t1;
  if (p < t1) {
    v--;
    if (p > d1 || (p == d1 && t0 >= d0)) v--;
  }
  return v;
}

uint64_t u256__reciprocal_3by2(uint64_t d1, uint64_t d0);
uint64_t u256__reciprocal_3by2(uint64_t d1, uint64_t d0) { return reciprocal_3by2(d1, d0); }

/* <u1, u0> / d with u1 < d: returns the quotient word, *rem the remainder (Algorithm 4). */
__attribute__((unused)) static inline uint64_t udivrem_2by1(uint64_t u1, uint64_t u0, uint64_t d, uint64_t v,
                                                            uint64_t *rem) {
  const u128 q = (u128)v * u1 + (((u128)u1 << 64) | u0);
  uint64_t q1 = (uint64_t)(q >> 64) + 1;
  const uint64_t q0 = (uint64_t)q;
  uint64_t r = u0 - q1 * d;
  if (r > q0) {
    q1--;
    r += d;
  }
  if (U256_UNLIKELY(r >= d)) {
    q1++;
    r -= d;
  }
  *rem = r;
  return q1;
}

/* <u2, u1, u0> / <d1, d0> with <u2, u1> < <d1, d0>: the quotient word, remainder in
 * <*r1, *r0> (Algorithm 5). */
static inline uint64_t udivrem_3by2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t d1, uint64_t d0, uint64_t v,
                                    uint64_t *r1o, uint64_t *r0o) {
  const u128 q = (u128)v * u2 + (((u128)u2 << 64) | u1);
  uint64_t q1 = (uint64_t)(q >> 64);
  const uint64_t q0 = (uint64_t)q;
  const uint64_t r1 = u1 - q1 * d1;
  const u128 d = ((u128)d1 << 64) | d0;
  u128 r = (((u128)r1 << 64) | u0) - (u128)d0 * q1 - d;
  q1++;
  if ((uint64_t)(r >> 64) >= q0) {
    q1--;
    r += d;
  }
  if (U256_UNLIKELY(r >= d)) {
    q1++;
    r -= d;
  }
  *r1o = (uint64_t)(r >> 64);
  *r0o = (uint64_t)r;
  return q1;
}

/* x[0..len) -= y[0..len) * m; returns the word still to subtract from x[len]. */
static inline uint64_t submul(uint64_t *x, const uint64_t *y, int len, uint64_t m) {
  uint64_t borrow = 0;
  for (int i = 0; i < len; i++) {
    const u128 p = (u128)y[i] * m + borrow;
    const uint64_t lo = (uint64_t)p;
    uint64_t hi = (uint64_t)(p >> 64);
    const uint64_t xi = x[i];
    x[i] = xi - lo;
    hi += xi < lo;
    borrow = hi;
  }
  return borrow;
}

/* x[0..len) += y[0..len); returns the carry. */
static inline uint64_t addto(uint64_t *x, const uint64_t *y, int len) {
  uint64_t c = 0;
  for (int i = 0; i < len; i++) x[i] = u256__addc(x[i], y[i], c, &c);
  return c;
}

static inline int num_words(const uint64_t *x, int len) {
  while (len > 0 && x[len - 1] == 0) len--;
  return len;
}

/* u[0..ulen) / d for a one-word divisor d != 0: quotient to q[0..ulen), returns the
 * remainder. */
static inline uint64_t udivrem_by1(uint64_t *q, const uint64_t *u, int ulen, uint64_t d) {
#if U256_HW_DIV
  /* No normalisation needed: each step's high word (the remainder) is below d. */
  /* Unrolled: the looped form measured up to 2x slower on some code layouts. */
  uint64_t rem = 0;
  if (ulen > 7) q[7] = hw_div(rem, u[7], d, &rem);
  if (ulen > 6) q[6] = hw_div(rem, u[6], d, &rem);
  if (ulen > 5) q[5] = hw_div(rem, u[5], d, &rem);
  if (ulen > 4) q[4] = hw_div(rem, u[4], d, &rem);
  if (ulen > 3) q[3] = hw_div(rem, u[3], d, &rem);
  if (ulen > 2) q[2] = hw_div(rem, u[2], d, &rem);
  if (ulen > 1) q[1] = hw_div(rem, u[1], d, &rem);
  q[0] = hw_div(rem, u[0], d, &rem);
  return rem;
#else
  const unsigned sh = (unsigned)__builtin_clzll(d);
  const uint64_t dd = d << sh, v = reciprocal_2by1(dd);
  uint64_t rem = sh ? u[ulen - 1] >> (64 - sh) : 0;
  for (int i = ulen - 1; i >= 0; i--) {
    const uint64_t w = sh ? (u[i] << sh) | (i ? u[i - 1] >> (64 - sh) : 0) : u[i];
    q[i] = udivrem_2by1(rem, w, dd, v, &rem);
  }
  return rem >> sh;
#endif
}

/* Knuth's algorithm D (TAOCP 4.3.1) on the normalised un[0..n) and dn[0..dlen),
 * dlen >= 3: the quotient to q[0..n-dlen), the remainder left in un[0..dlen). */
static inline __attribute__((always_inline)) void knuth_loop(uint64_t *q, uint64_t *un, int n, const uint64_t *dn,
                                                             const int dlen) {
  const uint64_t d1 = dn[dlen - 1], d0 = dn[dlen - 2], v = reciprocal_3by2(d1, d0);
  for (int j = n - dlen - 1; j >= 0; j--) {
    const uint64_t u2 = un[j + dlen], u1 = un[j + dlen - 1], u0 = un[j + dlen - 2];
    uint64_t qhat;
    if (U256_UNLIKELY(u2 == d1 && u1 == d0)) {
      /* The estimate would overflow; the quotient word is then exactly 2^64 - 1. */
      qhat = UINT64_MAX;
      (void)submul(un + j, dn, dlen, qhat);
      un[j + dlen] = 0;
    } else {
      uint64_t r1, r0;
      qhat = udivrem_3by2(u2, u1, u0, d1, d0, v, &r1, &r0);
      /* The top three words are done: <r1, r0> is their remainder; subtract the rest. */
      const uint64_t borrow = submul(un + j, dn, dlen - 2, qhat);
      uint64_t c;
      un[j + dlen - 2] = u256__subb(r0, borrow, 0, &c);
      un[j + dlen - 1] = u256__subb(r1, 0, c, &c);
      un[j + dlen] = 0;
      if (U256_UNLIKELY(c)) { /* qhat was one too large: add the divisor back */
        qhat--;
        const uint64_t carry = addto(un + j, dn, dlen - 1);
        un[j + dlen - 1] += d1 + carry;
      }
    }
    q[j] = qhat;
  }
}

/* Unsigned division of u[0..ulen) by d[0..dlen): requires 1 <= dlen <= 4, d[dlen-1] != 0,
 * dlen <= ulen <= 8. Writes the quotient to q[0..ulen-dlen+1) (unless q is NULL) and the
 * remainder to r[0..dlen). */
static void udivrem(uint64_t *q, uint64_t *r, const uint64_t *u, int ulen, const uint64_t *d, int dlen) {
  uint64_t qscratch[8];
  if (!q) q = qscratch;
  if (dlen == 1) {
    r[0] = udivrem_by1(q, u, ulen, d[0]);
    return;
  }
  uint64_t un[9], dn[4];
  const unsigned sh = (unsigned)__builtin_clzll(d[dlen - 1]);
  /* Normalise: shift both left so that the divisor's top bit is set. un gets one
   * extra top word, which is below the divisor's top word. */
  if (sh) {
    for (int i = dlen - 1; i > 0; i--) dn[i] = (d[i] << sh) | (d[i - 1] >> (64 - sh));
    dn[0] = d[0] << sh;
    un[ulen] = u[ulen - 1] >> (64 - sh);
    for (int i = ulen - 1; i > 0; i--) un[i] = (u[i] << sh) | (u[i - 1] >> (64 - sh));
    un[0] = u[0] << sh;
  } else {
    for (int i = 0; i < dlen; i++) dn[i] = d[i];
    for (int i = 0; i < ulen; i++) un[i] = u[i];
    un[ulen] = 0;
  }
  int n = ulen + 1;
  q[ulen - dlen] = 0; /* the only quotient word the loops below may not write */
  /* Drop the extra word when it adds nothing (still leaves the top word < divisor). */
  if (un[n - 1] == 0 && un[n - 2] < dn[dlen - 1]) n--;

  if (dlen == 2) {
    const uint64_t d1 = dn[1], d0 = dn[0], v = reciprocal_3by2(d1, d0);
    uint64_t r1 = un[n - 1], r0 = un[n - 2];
    for (int i = n - 3; i >= 0; i--) q[i] = udivrem_3by2(r1, r0, un[i], d1, d0, v, &r1, &r0);
    if (sh) {
      r[0] = (r0 >> sh) | (r1 << (64 - sh));
      r[1] = r1 >> sh;
    } else {
      r[0] = r0;
      r[1] = r1;
    }
    return;
  }

  /* Knuth D with 3-by-2 quotient estimates, specialised per divisor length so the
   * inner loops unroll. */
  if (dlen == 3) knuth_loop(q, un, n, dn, 3);
  else knuth_loop(q, un, n, dn, 4);
  if (sh) {
    for (int i = 0; i < dlen - 1; i++) r[i] = (un[i] >> sh) | (un[i + 1] << (64 - sh));
    r[dlen - 1] = un[dlen - 1] >> sh;
  } else {
    for (int i = 0; i < dlen; i++) r[i] = un[i];
  }
}

/* ---------------------------------------------------------------------------------
 * Public arithmetic. */

/* One row of the schoolbook product: t[0..4] += x * y[0..3] (t[4] is written). */
#define MUL_ROW(t, x, y)                   \
  do {                                     \
    u128 p_;                               \
    uint64_t c_;                           \
    p_ = (u128)(x) * (y)[0] + (t)[0];      \
    (t)[0] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[1] + (t)[1] + c_; \
    (t)[1] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[2] + (t)[2] + c_; \
    (t)[2] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[3] + (t)[3] + c_; \
    (t)[3] = (uint64_t)p_;                 \
    (t)[4] = (uint64_t)(p_ >> 64);         \
  } while (0)

static inline __attribute__((always_inline)) void mul_full(uint64_t t[8], const uint64_t *a, const uint64_t *b) {
  u128 p;
  uint64_t c;
  /* first row writes t[0..4] */
  p = (u128)a[0] * b[0];
  t[0] = (uint64_t)p;
  c = (uint64_t)(p >> 64);
  p = (u128)a[0] * b[1] + c;
  t[1] = (uint64_t)p;
  c = (uint64_t)(p >> 64);
  p = (u128)a[0] * b[2] + c;
  t[2] = (uint64_t)p;
  c = (uint64_t)(p >> 64);
  p = (u128)a[0] * b[3] + c;
  t[3] = (uint64_t)p;
  t[4] = (uint64_t)(p >> 64);
  MUL_ROW(t + 1, a[1], b);
  MUL_ROW(t + 2, a[2], b);
  MUL_ROW(t + 3, a[3], b);
}

void u256_mul_full(uint64_t r[8], const u256_t *a, const u256_t *b) {
  uint64_t t[8];
  mul_full(t, a->w, b->w); /* via t: r may alias a or b */
  for (int i = 0; i < 8; i++) r[i] = t[i];
}

/* b is a power of two (b != 0): b & (b - 1) == 0. */
static inline bool is_pow2(const u256_t *b) {
  u256_t m1;
  u256_sub(&m1, b, &U256_ONE);
  return ((b->w[0] & m1.w[0]) | (b->w[1] & m1.w[1]) | (b->w[2] & m1.w[2]) | (b->w[3] & m1.w[3])) == 0;
}

/* b (with dlen >= 1 significant words) is a power of two: the top word has one bit set
 * (tested first: almost always false for other divisors) and the lower words are 0. */
static inline bool pow2_divisor(const u256_t *b, int dlen) {
  const uint64_t top = b->w[dlen - 1];
  if (top & (top - 1)) return false;
  uint64_t low = 0;
  for (int i = 0; i < dlen - 1; i++) low |= b->w[i];
  return low == 0;
}

static inline int u256_words(const u256_t *a) { return a->w[3] ? 4 : a->w[2] ? 3 : a->w[1] ? 2 : a->w[0] ? 1 : 0; }

void u256_divmod(u256_t *q, u256_t *rem, const u256_t *a, const u256_t *b) {
  const int dlen = u256_words(b), ulen = u256_words(a);
  uint64_t qq[4] = {0, 0, 0, 0}, rr[4] = {0, 0, 0, 0};
  if (U256_UNLIKELY(dlen == 0)) { /* EVM: x / 0 = 0, x % 0 = 0 */
  } else if (ulen < dlen || (ulen == dlen && a->w[ulen - 1] < b->w[dlen - 1])) {
    /* a < b (the Knuth loop would also find this, at more cost) */
    copy4(rr, a->w);
  } else if (ulen == 1) { /* both fit 64 bits */
    const uint64_t x = a->w[0], d = b->w[0];
    if ((d & (d - 1)) == 0) {
      qq[0] = x >> __builtin_ctzll(d);
      rr[0] = x & (d - 1);
    } else {
      qq[0] = x / d;
      rr[0] = x % d;
    }
  } else if (pow2_divisor(b, dlen)) {
    /* x / 2^k: a shift and a mask. Measured on the evm-benchmarks set: 90% of
     * sha1_divs' and 47% of snailtracer's divisors are powers of two. */
    const uint64_t top = b->w[dlen - 1];
    u256_t t;
    u256_shr_n(&t, a, 64 * (unsigned)(dlen - 1) + (unsigned)__builtin_ctzll(top));
    copy4(qq, t.w);
    for (int i = 0; i < dlen - 1; i++) rr[i] = a->w[i];
    rr[dlen - 1] = a->w[dlen - 1] & (top - 1);
#if U256_HW_DIV
  } else if (dlen == 1) { /* one-word divisor: a chain of DIV instructions, in registers */
    const uint64_t d = b->w[0];
    uint64_t r = 0;
    if (ulen == 4) qq[3] = hw_div(r, a->w[3], d, &r);
    if (ulen >= 3) qq[2] = hw_div(r, a->w[2], d, &r);
    qq[1] = hw_div(r, a->w[1], d, &r);
    qq[0] = hw_div(r, a->w[0], d, &r);
    rr[0] = r;
#endif
  } else if (ulen == 2) { /* 128-bit operands: the compiler's 128-bit division */
    const u128 x = ((u128)a->w[1] << 64) | a->w[0], y = ((u128)b->w[1] << 64) | b->w[0];
    const u128 qv = x / y, rv = x - qv * y;
    qq[0] = (uint64_t)qv, qq[1] = (uint64_t)(qv >> 64);
    rr[0] = (uint64_t)rv, rr[1] = (uint64_t)(rv >> 64);
  } else {
    udivrem(qq, rr, a->w, ulen, b->w, dlen);
  }
  if (q) copy4(q->w, qq);
  if (rem) copy4(rem->w, rr);
}


/* |a| for two's complement a, branch-free: (a ^ m) - m with m = 0 or all ones. */
static inline void u256_abs(u256_t *r, const u256_t *a) {
  uint64_t w[4], c;
  copy4(w, a->w);
  const uint64_t m = (uint64_t)((int64_t)w[3] >> 63);
  r->w[0] = u256__subb(w[0] ^ m, m, 0, &c);
  r->w[1] = u256__subb(w[1] ^ m, m, c, &c);
  r->w[2] = u256__subb(w[2] ^ m, m, c, &c);
  r->w[3] = u256__subb(w[3] ^ m, m, c, &c);
}

void u256__sdivmod(u256_t *q, u256_t *rem, const u256_t *a, const u256_t *b) {
  const bool qneg = u256_is_neg(a) != u256_is_neg(b), rneg = u256_is_neg(a);
  u256_t ua, ub;
  u256_abs(&ua, a);
  u256_abs(&ub, b);
  u256_divmod(q, rem, &ua, &ub); /* q, rem may alias a or b: they were copied */
  /* -2^255 / -1: |a| = 2^255, q = 2^255, which reads back as -2^255 as the EVM wants.
   * The remainder takes the sign of the dividend. */
  if (q && qneg) u256_neg(q, q);
  if (rem && rneg) u256_neg(rem, rem);
}

void u256_addmod(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *m) {
  if (U256_UNLIKELY(u256_is_zero(m))) {
    *r = U256_ZERO;
    return;
  }
  /* Fast path: m >= 2^192 and a, b < 2 m (top limbs at most m's), the common case of
   * already-reduced operands: at most one subtraction of m per step, no division. */
  if (m->w[3] != 0 && a->w[3] <= m->w[3] && b->w[3] <= m->w[3]) {
    u256_t x, y, t;
    copy4(x.w, a->w);
    copy4(y.w, b->w);
    if (!u256_lt(&x, m)) u256_sub(&x, &x, m);
    if (!u256_lt(&y, m)) u256_sub(&y, &y, m);
    uint64_t c;
    t.w[0] = u256__addc(x.w[0], y.w[0], 0, &c);
    t.w[1] = u256__addc(x.w[1], y.w[1], c, &c);
    t.w[2] = u256__addc(x.w[2], y.w[2], c, &c);
    t.w[3] = u256__addc(x.w[3], y.w[3], c, &c);
    if (c || !u256_lt(&t, m)) u256_sub(&t, &t, m);
    *r = t;
    return;
  }
  uint64_t s[5], c;
  s[0] = u256__addc(a->w[0], b->w[0], 0, &c);
  s[1] = u256__addc(a->w[1], b->w[1], c, &c);
  s[2] = u256__addc(a->w[2], b->w[2], c, &c);
  s[3] = u256__addc(a->w[3], b->w[3], c, &c);
  s[4] = c;
  const int dlen = num_words(m->w, 4), ulen = num_words(s, 5);
  if (ulen < dlen) { /* already reduced: ulen < dlen <= 4 */
    for (int i = 0; i < 4; i++) r->w[i] = i < ulen ? s[i] : 0;
    return;
  }
  /* The remainder goes straight to r (udivrem reads m before writing r, so r may
   * alias m): a copy through a local measured slower (store-forwarding stalls). */
  udivrem(NULL, r->w, s, ulen, m->w, dlen);
  for (int i = dlen; i < 4; i++) r->w[i] = 0;
}

/* ---- MULMOD by Barrett reduction when the modulus repeats ----
 * Elliptic-curve code (weierstrudel, bn254/secp256k1 in Solidity) calls MULMOD with the
 * same 4-word modulus again and again. For a repeated modulus we keep mu = floor(2^512 / m)
 * per thread and reduce the 512-bit product with multiplications only (Handbook of
 * Applied Cryptography, algorithm 14.42, b = 2^64, k = 4): no division chain. */
typedef struct {
  uint64_t m[4];
  uint64_t mu[5];
  int state; /* 0: empty, 1: m seen once, 2: mu valid for m */
} barrett_cache_t;
static _Thread_local barrett_cache_t barrett_cache;

/* t[0..5] += x * y[0..4] (t[5] is written). */
#define MUL_ROW5(t, x, y)                  \
  do {                                     \
    u128 p_;                               \
    uint64_t c_;                           \
    p_ = (u128)(x) * (y)[0] + (t)[0];      \
    (t)[0] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[1] + (t)[1] + c_; \
    (t)[1] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[2] + (t)[2] + c_; \
    (t)[2] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[3] + (t)[3] + c_; \
    (t)[3] = (uint64_t)p_;                 \
    c_ = (uint64_t)(p_ >> 64);             \
    p_ = (u128)(x) * (y)[4] + (t)[4] + c_; \
    (t)[4] = (uint64_t)p_;                 \
    (t)[5] = (uint64_t)(p_ >> 64);         \
  } while (0)

/* r = x mod m for x < 2^512, m >= 2^192, mu = floor(2^512 / m) (5 words). */
static inline __attribute__((always_inline)) void barrett_reduce(uint64_t r[4], const uint64_t x[8],
                                                                 const uint64_t m[4], const uint64_t mu[5]) {
  /* q2 = q1 * mu with q1 = floor(x / 2^192) = x[3..7]; q3 = floor(q2 / 2^320) = q2[5..9]. */
  const uint64_t *q1 = x + 3;
  uint64_t q2[10];
  {
    u128 p;
    uint64_t c;
    p = (u128)q1[0] * mu[0];
    q2[0] = (uint64_t)p;
    c = (uint64_t)(p >> 64);
    p = (u128)q1[0] * mu[1] + c;
    q2[1] = (uint64_t)p;
    c = (uint64_t)(p >> 64);
    p = (u128)q1[0] * mu[2] + c;
    q2[2] = (uint64_t)p;
    c = (uint64_t)(p >> 64);
    p = (u128)q1[0] * mu[3] + c;
    q2[3] = (uint64_t)p;
    c = (uint64_t)(p >> 64);
    p = (u128)q1[0] * mu[4] + c;
    q2[4] = (uint64_t)p;
    q2[5] = (uint64_t)(p >> 64);
  }
  MUL_ROW5(q2 + 1, q1[1], mu);
  MUL_ROW5(q2 + 2, q1[2], mu);
  MUL_ROW5(q2 + 3, q1[3], mu);
  MUL_ROW5(q2 + 4, q1[4], mu);
  const uint64_t q30 = q2[5], q31 = q2[6], q32 = q2[7], q33 = q2[8], q34 = q2[9];
  /* r2 = q3 * m mod 2^320 (products landing at or above 2^320 are dropped) */
  uint64_t r20, r21, r22, r23, r24;
  {
    u128 p;
    p = (u128)q30 * m[0];
    r20 = (uint64_t)p;
    p = (u128)q30 * m[1] + (uint64_t)(p >> 64);
    r21 = (uint64_t)p;
    p = (u128)q30 * m[2] + (uint64_t)(p >> 64);
    r22 = (uint64_t)p;
    p = (u128)q30 * m[3] + (uint64_t)(p >> 64);
    r23 = (uint64_t)p;
    r24 = (uint64_t)(p >> 64);
    p = (u128)q31 * m[0] + r21;
    r21 = (uint64_t)p;
    p = (u128)q31 * m[1] + r22 + (uint64_t)(p >> 64);
    r22 = (uint64_t)p;
    p = (u128)q31 * m[2] + r23 + (uint64_t)(p >> 64);
    r23 = (uint64_t)p;
    r24 += (uint64_t)(p >> 64) + q31 * m[3];
    p = (u128)q32 * m[0] + r22;
    r22 = (uint64_t)p;
    p = (u128)q32 * m[1] + r23 + (uint64_t)(p >> 64);
    r23 = (uint64_t)p;
    r24 += (uint64_t)(p >> 64) + q32 * m[2];
    p = (u128)q33 * m[0] + r23;
    r23 = (uint64_t)p;
    r24 += (uint64_t)(p >> 64) + q33 * m[1] + q34 * m[0];
  }
  /* r = x mod 2^320 - r2, which is below 3m (HAC 14.43): subtract m at most twice */
  uint64_t t0, t1, t2, t3, t4, c;
  t0 = u256__subb(x[0], r20, 0, &c);
  t1 = u256__subb(x[1], r21, c, &c);
  t2 = u256__subb(x[2], r22, c, &c);
  t3 = u256__subb(x[3], r23, c, &c);
  t4 = x[4] - r24 - c;
  for (int k = 0; k < 2; k++) {
    const uint64_t d0 = u256__subb(t0, m[0], 0, &c);
    const uint64_t d1 = u256__subb(t1, m[1], c, &c);
    const uint64_t d2 = u256__subb(t2, m[2], c, &c);
    const uint64_t d3 = u256__subb(t3, m[3], c, &c);
    const uint64_t d4 = u256__subb(t4, 0, c, &c);
    if (c) break; /* t < m */
    t0 = d0, t1 = d1, t2 = d2, t3 = d3, t4 = d4;
  }
  r[0] = t0, r[1] = t1, r[2] = t2, r[3] = t3;
}

void u256_mulmod(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *m) {
  const int dlen = num_words(m->w, 4);
  if (U256_UNLIKELY(dlen == 0)) {
    *r = U256_ZERO;
    return;
  }
  uint64_t p[8];
  mul_full(p, a->w, b->w);
  if (dlen == 4) {
    barrett_cache_t *bc = &barrett_cache;
    const bool same = ((bc->m[0] ^ m->w[0]) | (bc->m[1] ^ m->w[1]) | (bc->m[2] ^ m->w[2]) | (bc->m[3] ^ m->w[3])) == 0;
    if (same && bc->state == 1 && !is_pow2(m)) {
      /* second use in a row: worth computing mu = floor((2^512 - 1) / m), which equals
       * floor(2^512 / m) as m is no power of two */
      static const uint64_t ones[8] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
                                       UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};
      uint64_t rem[4];
      udivrem(bc->mu, rem, ones, 8, bc->m, 4);
      bc->state = 2;
    }
    if (same && bc->state == 2) {             /* the hot case of curve arithmetic */
      if ((p[4] | p[5] | p[6] | p[7]) == 0) { /* e.g. a zero operand: often already reduced */
        u256_t lo = {{p[0], p[1], p[2], p[3]}};
        if (u256_lt(&lo, m)) {
          r->w[0] = p[0], r->w[1] = p[1], r->w[2] = p[2], r->w[3] = p[3];
          return;
        }
      }
      barrett_reduce(r->w, p, bc->m, bc->mu);
      return;
    }
    if (!same) {
      for (int i = 0; i < 4; i++) bc->m[i] = m->w[i];
      bc->state = 1;
    }
  }
  const int ulen = num_words(p, 8);
  if (ulen < dlen) { /* already reduced: ulen < dlen <= 4 */
    for (int i = 0; i < 4; i++) r->w[i] = i < ulen ? p[i] : 0;
    return;
  }
  /* The remainder goes straight to r (udivrem reads m before writing r, so r may
   * alias m): a copy through a local measured slower (store-forwarding stalls). */
  udivrem(NULL, r->w, p, ulen, m->w, dlen);
  for (int i = dlen; i < 4; i++) r->w[i] = 0;
}

/* Truncated square: the cross products a_i a_j (i < j) once, doubled, plus the
 * diagonal: 4 full and 2 low-half multiplies instead of 6 and 4. */
static inline void sqr(u256_t *r, const u256_t *a) {
  const uint64_t a0 = a->w[0], a1 = a->w[1], a2 = a->w[2], a3 = a->w[3];
  u128 t = (u128)a0 * a1;
  uint64_t c1 = (uint64_t)t;
  t = (u128)a0 * a2 + (uint64_t)(t >> 64);
  uint64_t c2 = (uint64_t)t;
  uint64_t c3 = (uint64_t)(t >> 64) + a0 * a3 + a1 * a2;
  c3 = (c3 << 1) | (c2 >> 63);
  c2 = (c2 << 1) | (c1 >> 63);
  c1 <<= 1;
  const u128 d0 = (u128)a0 * a0, d1 = (u128)a1 * a1;
  uint64_t c;
  r->w[0] = (uint64_t)d0;
  r->w[1] = u256__addc(c1, (uint64_t)(d0 >> 64), 0, &c);
  r->w[2] = u256__addc(c2, (uint64_t)d1, c, &c);
  r->w[3] = c3 + (uint64_t)(d1 >> 64) + c;
}

void u256_exp(u256_t *r, const u256_t *base, const u256_t *exponent) {
  const unsigned bits = u256_bit_length(exponent);
  if (base->w[0] == 2 && (base->w[1] | base->w[2] | base->w[3]) == 0) {
    /* 2^e is a shift; e >= 256 gives 0 */
    u256_t one = U256_ONE;
    u256_shl(r, exponent, &one);
    return;
  }
  u256_t b;
  copy4(b.w, base->w);
  u256_t acc = U256_ONE;
  for (int i = (int)bits - 1; i >= 0; i--) {
    sqr(&acc, &acc);
    if ((exponent->w[i / 64] >> (i % 64)) & 1) u256_mul(&acc, &acc, &b);
  }
  *r = acc;
}

/* ---------------------------------------------------------------------------------
 * Conversions. */

void u256_from_be(u256_t *r, const uint8_t be[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t w = 0;
    for (int k = 0; k < 8; k++) w = (w << 8) | be[(3 - i) * 8 + k];
    r->w[i] = w;
  }
}

void u256_to_be(const u256_t *a, uint8_t be[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t w = a->w[i];
    for (int k = 7; k >= 0; k--) {
      be[(3 - i) * 8 + k] = (uint8_t)w;
      w >>= 8;
    }
  }
}

bool u256_from_be_bytes(u256_t *r, const uint8_t *be, size_t len) {
  if (len > 32) return false;
  uint8_t buf[32] = {0};
  if (len) memcpy(buf + 32 - len, be, len);
  u256_from_be(r, buf);
  return true;
}

unsigned u256_bit_length(const u256_t *a) { return 256 - u256_clz(a); }
unsigned u256_byte_length(const u256_t *a) { return (u256_bit_length(a) + 7) / 8; }

void u256_to_hex(const u256_t *a, char out[67]) {
  static const char digits[] = "0123456789abcdef";
  char *p = out;
  *p++ = '0';
  *p++ = 'x';
  unsigned n = (u256_bit_length(a) + 3) / 4;
  if (n == 0) n = 1;
  for (int i = (int)n - 1; i >= 0; i--) *p++ = digits[(a->w[i / 16] >> ((i % 16) * 4)) & 0xf];
  *p = '\0';
}

void u256_to_dec(const u256_t *a, char out[79]) {
  /* Peel off 19 decimal digits at a time by dividing by 10^19. */
  const uint64_t big = UINT64_C(10000000000000000000);
  uint64_t w[4] = {a->w[0], a->w[1], a->w[2], a->w[3]};
  char tmp[80];
  int n = 0;
  do {
    uint64_t rem = 0;
    for (int i = 3; i >= 0; i--) {
      const u128 cur = ((u128)rem << 64) | w[i];
      w[i] = (uint64_t)(cur / big);
      rem = (uint64_t)(cur % big);
    }
    const bool more = (w[0] | w[1] | w[2] | w[3]) != 0;
    for (int k = 0; k < 19 && (more || rem); k++) {
      tmp[n++] = (char)('0' + rem % 10);
      rem /= 10;
    }
    if (!more) break;
  } while (1);
  if (n == 0) tmp[n++] = '0';
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

static int hex_val(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool u256_from_string(u256_t *r, const char *s) {
  u256_t v = U256_ZERO;
  *r = U256_ZERO;
  if (!s || !*s) return false;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    if (!*s) return false;
    while (*s == '0' && s[1]) s++; /* leading zeros do not count against 64 digits */
    size_t len = strlen(s);
    if (len > 64) {
      for (size_t i = 0; i < len; i++)
        if (hex_val(s[i]) < 0) return false;
      return false; /* valid digits but too many: overflow */
    }
    for (size_t i = 0; i < len; i++) {
      const int d = hex_val(s[i]);
      if (d < 0) return false;
      const size_t bit = (len - 1 - i) * 4;
      v.w[bit / 64] |= (uint64_t)d << (bit % 64);
    }
    *r = v;
    return true;
  }
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    uint64_t carry = (uint64_t)(*s - '0');
    for (int i = 0; i < 4; i++) {
      const u128 t = (u128)v.w[i] * 10 + carry;
      v.w[i] = (uint64_t)t;
      carry = (uint64_t)(t >> 64);
    }
    if (carry) return false;
  }
  *r = v;
  return true;
}
