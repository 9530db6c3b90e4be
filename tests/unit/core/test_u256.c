/* Unit tests for src/core/u256.c and include/ethc/u256.h: EVM edge cases of every
 * opcode (Yellow Paper H.2, EIP-145 shifts, EIP-7939 CLZ), parsing and formatting, and a
 * randomized fixed-seed cross-check of the arithmetic against GMP. */
#include "ethc/u256.h"

#include <gmp.h>
#include <inttypes.h>
#include <stdlib.h>

#include "check.h"

uint64_t u256__reciprocal_2by1(uint64_t d);
uint64_t u256__reciprocal_2by1_soft(uint64_t d); /* table + Newton, always built */
uint64_t u256__reciprocal_3by2(uint64_t d1, uint64_t d0);

__extension__ typedef unsigned __int128 u128;

/* ---- helpers ---- */
static u256_t H(const char *s) {
  u256_t r;
  if (!u256_from_string(&r, s)) {
    fprintf(stderr, "bad test constant %s\n", s);
    abort();
  }
  return r;
}

static const char *hexs(const u256_t *a) {
  static char buf[4][67];
  static int k;
  k = (k + 1) % 4;
  u256_to_hex(a, buf[k]);
  return buf[k];
}

#define CHECK_U256(got, want)                                             \
  do {                                                                    \
    u256_t g_ = (got), w_ = (want);                                       \
    CHECK_MSG(u256_eq(&g_, &w_), "got %s want %s", hexs(&g_), hexs(&w_)); \
  } while (0)

typedef void (*binop)(u256_t *, const u256_t *, const u256_t *);
static u256_t B(binop f, const char *a, const char *b) {
  u256_t x = H(a), y = H(b), r;
  f(&r, &x, &y);
  return r;
}

/* xoshiro256** with a fixed seed: reproducible operands. */
static uint64_t rs[4] = {0x9E3779B97F4A7C15ULL, 0xBF58476D1CE4E5B9ULL, 0x94D049BB133111EBULL, 0x2545F4914F6CDD1DULL};
static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t rnd(void) {
  const uint64_t result = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
  rs[2] ^= rs[0];
  rs[3] ^= rs[1];
  rs[1] ^= rs[2];
  rs[0] ^= rs[3];
  rs[2] ^= t;
  rs[3] = rotl(rs[3], 45);
  return result;
}

/* Random operand with a varying shape: limb count 0..4, random bit length, and
 * sometimes all-ones / single-bit / near-power-of-two patterns that stress corrections. */
static u256_t rnd_u256(void) {
  u256_t r = U256_ZERO;
  const unsigned kind = (unsigned)(rnd() % 16);
  if (kind == 0) return r;
  if (kind == 1) { /* single bit */
    unsigned b = (unsigned)(rnd() % 256);
    r.w[b / 64] = (uint64_t)1 << (b % 64);
    return r;
  }
  if (kind == 2) { /* 2^k - 1 */
    unsigned b = (unsigned)(rnd() % 257);
    for (unsigned i = 0; i < b; i++) r.w[i / 64] |= (uint64_t)1 << (i % 64);
    return r;
  }
  const unsigned limbs = 1 + (unsigned)(rnd() % 4);
  for (unsigned i = 0; i < limbs; i++) r.w[i] = rnd();
  if (kind == 3) { /* top limb all ones or near-max words */
    r.w[limbs - 1] = UINT64_MAX - (rnd() % 3);
  } else if (kind == 4) { /* words with top bit set / mostly ones */
    for (unsigned i = 0; i < limbs; i++) r.w[i] |= rnd() & 1 ? UINT64_MAX << 1 : 0;
  } else if (kind == 5) { /* high bits of the top limb cleared to random width */
    unsigned bits = (unsigned)(rnd() % 64);
    r.w[limbs - 1] >>= bits;
  } else if (kind == 6) { /* negative small (two's complement) */
    r = U256_MAX;
    r.w[0] = ~(rnd() % 1000);
  }
  return r;
}

static void to_mpz(mpz_t z, const u256_t *a) { mpz_import(z, 4, -1, 8, 0, 0, a->w); }
static void to_mpz_signed(mpz_t z, const u256_t *a) {
  to_mpz(z, a);
  if (u256_is_neg(a)) {
    mpz_t t;
    mpz_init(t);
    mpz_ui_pow_ui(t, 2, 256);
    mpz_sub(z, z, t);
    mpz_clear(t);
  }
}
static mpz_t two256;
static u256_t from_mpz(const mpz_t z0) {
  mpz_t z;
  mpz_init(z);
  mpz_fdiv_r(z, z0, two256); /* reduce into [0, 2^256) */
  u256_t r = U256_ZERO;
  size_t count = 0;
  mpz_export(r.w, &count, -1, 8, 0, 0, z);
  mpz_clear(z);
  return r;
}

static bool eqm(const u256_t *r, const mpz_t R, u256_t *want) {
  *want = from_mpz(R);
  return u256_eq(r, want);
}

/* ---- fixed edge cases ---- */
static void test_parse_format(void) {
  u256_t r;
  char buf[80];
  CHECK(u256_from_string(&r, "0x0") && u256_is_zero(&r));
  CHECK(u256_from_string(&r, "0") && u256_is_zero(&r));
  CHECK(u256_from_string(&r, "0x1") && u256_eq(&r, &U256_ONE));
  CHECK(u256_from_string(&r, "0X1F") && r.w[0] == 31);
  CHECK(u256_from_string(&r, "0xDeadBeef") && r.w[0] == 0xdeadbeef);
  CHECK(u256_from_string(&r, "12345678901234567890") && r.w[0] == 12345678901234567890ULL && r.w[1] == 0);
  CHECK(u256_from_string(&r, "18446744073709551616") && r.w[0] == 0 && r.w[1] == 1);
  CHECK(u256_from_string(&r, "115792089237316195423570985008687907853269984665640564039457584007913129639935") &&
        u256_eq(&r, &U256_MAX));
  CHECK(!u256_from_string(&r, "115792089237316195423570985008687907853269984665640564039457584007913129639936"));
  CHECK(!u256_from_string(&r, "1157920892373161954235709850086879078532699846656405640394575840079131296399350"));
  CHECK(u256_from_string(&r, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff") &&
        u256_eq(&r, &U256_MAX));
  CHECK(u256_from_string(&r, "0x000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff") &&
        u256_eq(&r, &U256_MAX));
  CHECK(!u256_from_string(&r, "0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
  CHECK(!u256_from_string(&r, "0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffg"));
  /* bad input */
  CHECK(!u256_from_string(&r, ""));
  CHECK(!u256_from_string(&r, "0x"));
  CHECK(!u256_from_string(&r, "0X"));
  CHECK(!u256_from_string(&r, "0xg"));
  CHECK(!u256_from_string(&r, "0x12 "));
  CHECK(!u256_from_string(&r, " 12"));
  CHECK(!u256_from_string(&r, "-1"));
  CHECK(!u256_from_string(&r, "+1"));
  CHECK(!u256_from_string(&r, "12a"));
  CHECK(!u256_from_string(&r, "ff"));
  CHECK(!u256_from_string(&r, "x12"));
  CHECK(!u256_from_string(&r, "0x-1"));
  CHECK(!u256_from_string(&r, NULL));
  CHECK(!u256_from_string(&r, "1x1") && u256_is_zero(&r));
  /* formatting */
  u256_t z = U256_ZERO;
  u256_to_hex(&z, buf);
  CHECK(strcmp(buf, "0x0") == 0);
  u256_to_hex(&U256_MAX, buf);
  CHECK(strcmp(buf, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff") == 0);
  r = H("0x10000000000000000");
  u256_to_hex(&r, buf);
  CHECK(strcmp(buf, "0x10000000000000000") == 0);
  u256_to_dec(&z, buf);
  CHECK(strcmp(buf, "0") == 0);
  u256_to_dec(&U256_MAX, buf);
  CHECK(strcmp(buf, "115792089237316195423570985008687907853269984665640564039457584007913129639935") == 0);
  r = H("10000000000000000000");
  u256_to_dec(&r, buf);
  CHECK(strcmp(buf, "10000000000000000000") == 0);
  r = H("100000000000000000000000000000000000000");
  u256_to_dec(&r, buf);
  CHECK(strcmp(buf, "100000000000000000000000000000000000000") == 0);
  /* big-endian bytes */
  uint8_t be[32], be2[32];
  for (int i = 0; i < 32; i++) be[i] = (uint8_t)(i + 1);
  u256_from_be(&r, be);
  CHECK(r.w[3] == 0x0102030405060708ULL && r.w[0] == 0x191a1b1c1d1e1f20ULL);
  u256_to_be(&r, be2);
  CHECK_MEM(be, be2, 32);
  CHECK(u256_from_be_bytes(&r, be, 3) && r.w[0] == 0x010203 && r.w[1] == 0);
  CHECK(u256_from_be_bytes(&r, be, 0) && u256_is_zero(&r));
  CHECK(u256_from_be_bytes(&r, be, 32) && r.w[3] == 0x0102030405060708ULL);
  uint8_t big[33] = {0};
  CHECK(!u256_from_be_bytes(&r, big, 33));
  CHECK(u256_bit_length(&z) == 0 && u256_byte_length(&z) == 0);
  CHECK(u256_bit_length(&U256_ONE) == 1 && u256_byte_length(&U256_ONE) == 1);
  r = H("0x100");
  CHECK(u256_bit_length(&r) == 9 && u256_byte_length(&r) == 2);
  CHECK(u256_bit_length(&U256_MAX) == 256 && u256_byte_length(&U256_MAX) == 32);
  u256_t s = u256_from_u64(7);
  CHECK(u256_fits_u64(&s) && s.w[0] == 7);
  CHECK(!u256_fits_u64(&U256_MAX));
}

static void test_compare(void) {
  u256_t a = H("0x1"), b = H("0x2"), m = U256_MAX,
         hi = H("0x8000000000000000000000000000000000000000000000000000000000000000");
  CHECK(u256_lt(&a, &b) && !u256_lt(&b, &a) && !u256_lt(&a, &a));
  CHECK(u256_gt(&b, &a) && !u256_gt(&a, &a));
  CHECK(u256_lt(&a, &m) && !u256_lt(&m, &a));
  CHECK(u256_slt(&m, &a) && !u256_slt(&a, &m)); /* -1 < 1 */
  CHECK(u256_slt(&hi, &m) && u256_slt(&hi, &a) && !u256_slt(&hi, &hi));
  CHECK(u256_sgt(&a, &m));
  u256_t x = H("0x100000000000000000000000000000000"), y = H("0xffffffffffffffffffffffffffffffff");
  CHECK(u256_lt(&y, &x) && u256_slt(&y, &x) && !u256_lt(&x, &y));
  u256_t n1 = H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe");
  CHECK(u256_slt(&n1, &m) && !u256_slt(&m, &n1)); /* -2 < -1 */
  CHECK(u256_is_neg(&m) && !u256_is_neg(&a));
  CHECK(u256_eq(&a, &a) && !u256_eq(&a, &b));
  CHECK(u256_clz(&U256_MAX) == 0);
  u256_t z = U256_ZERO;
  CHECK(u256_clz(&z) == 256 && u256_clz(&a) == 255 && u256_clz(&hi) == 0);
  CHECK(u256_clz(&x) == 127);
}

static void test_arith_edges(void) {
  const char *MAX = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
  const char *MIN = "0x8000000000000000000000000000000000000000000000000000000000000000"; /* -2^255 */
  const char *M1 = MAX;                                                                   /* -1 */
  CHECK_U256(B(u256_add, MAX, "1"), U256_ZERO);
  CHECK_U256(B(u256_add, "0xffffffffffffffff", "1"), H("0x10000000000000000"));
  CHECK_U256(B(u256_sub, "0", "1"), U256_MAX);
  CHECK_U256(B(u256_sub, "0x10000000000000000", "1"), H("0xffffffffffffffff"));
  CHECK_U256(B(u256_mul, MAX, MAX), U256_ONE);
  CHECK_U256(B(u256_mul, "0x100000000000000000000000000000000", "0x100000000000000000000000000000000"), U256_ZERO);
  CHECK_U256(B(u256_mul, "0xffffffffffffffff", "0xffffffffffffffff"), H("0xfffffffffffffffe0000000000000001"));
  u256_t n;
  u256_t one = U256_ONE;
  u256_neg(&n, &one);
  CHECK_U256(n, U256_MAX);
  /* DIV / MOD */
  CHECK_U256(B(u256_div, "10", "0"), U256_ZERO);
  CHECK_U256(B(u256_mod, "10", "0"), U256_ZERO);
  CHECK_U256(B(u256_div, "0", "0"), U256_ZERO);
  CHECK_U256(B(u256_div, "10", "3"), H("3"));
  CHECK_U256(B(u256_mod, "10", "3"), H("1"));
  CHECK_U256(B(u256_div, "3", "10"), U256_ZERO);
  CHECK_U256(B(u256_mod, "3", "10"), H("3"));
  CHECK_U256(B(u256_div, MAX, MAX), U256_ONE);
  CHECK_U256(B(u256_div, MAX, "1"), U256_MAX);
  CHECK_U256(B(u256_div, MAX, "2"), H("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
  CHECK_U256(B(u256_mod, MAX, "0x10000000000000000"), H("0xffffffffffffffff"));
  CHECK_U256(B(u256_div, MAX, "0x100000000000000000000000000000000"), H("0xffffffffffffffffffffffffffffffff"));
  u256_t q, r, a = H(MAX), b = H("0x3");
  u256_divmod(&q, &r, &a, &b);
  CHECK_U256(q, H("0x5555555555555555555555555555555555555555555555555555555555555555"));
  CHECK_U256(r, U256_ZERO);
  u256_divmod(&a, &b, &a, &b); /* aliasing: q and rem over the inputs */
  CHECK_U256(a, H("0x5555555555555555555555555555555555555555555555555555555555555555"));
  CHECK_U256(b, U256_ZERO);
  /* SDIV / SMOD */
  CHECK_U256(B(u256_sdiv, MIN, M1), H(MIN));
  CHECK_U256(B(u256_smod, MIN, M1), U256_ZERO);
  CHECK_U256(B(u256_sdiv, "10", "0"), U256_ZERO);
  CHECK_U256(B(u256_smod, "10", "0"), U256_ZERO);
  CHECK_U256(B(u256_sdiv, MIN, "0"), U256_ZERO);
  CHECK_U256(B(u256_sdiv, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6", "3"),  /* -10/3 */
             H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"));                 /* -3 */
  CHECK_U256(B(u256_smod, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6", "3"),  /* -10%3 */
             U256_MAX);                                                                                /* -1 */
  CHECK_U256(B(u256_smod, "10", "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"), /* 10%-3 */
             H("1"));
  CHECK_U256(B(u256_sdiv, "10", "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"),
             H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"));
  CHECK_U256(B(u256_sdiv, M1, M1), U256_ONE);
  CHECK_U256(B(u256_sdiv, MIN, MIN), U256_ONE);
  CHECK_U256(B(u256_smod, MIN, "3"), H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"));
  /* the inline 64-bit paths: int64 corner cases */
  const char *I64MIN = "0xffffffffffffffffffffffffffffffffffffffffffffffff8000000000000000"; /* -2^63 */
  CHECK_U256(B(u256_sdiv, I64MIN, M1), H("0x8000000000000000")); /* +2^63 does not fit int64 */
  CHECK_U256(B(u256_smod, I64MIN, M1), U256_ZERO);
  CHECK_U256(B(u256_sdiv, I64MIN, "1"), H(I64MIN));
  CHECK_U256(B(u256_sdiv, I64MIN, "2"), H("0xffffffffffffffffffffffffffffffffffffffffffffffffc000000000000000"));
  CHECK_U256(B(u256_sdiv, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9", "2"), /* -7/2 */
             H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"));                /* -3 */
  CHECK_U256(B(u256_smod, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9", "2"), U256_MAX);
  CHECK_U256(B(u256_sdiv, "7", "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"),
             H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd"));
  CHECK_U256(B(u256_smod, "7", "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"), H("1"));
  CHECK_U256(B(u256_sdiv, "0x8000000000000000", M1), H(I64MIN)); /* 2^63 is not an int64 */
  CHECK_U256(B(u256_div, "0xffffffffffffffff", "0"), U256_ZERO);
  CHECK_U256(B(u256_mod, "0xffffffffffffffff", "0"), U256_ZERO);
  CHECK_U256(B(u256_sdiv, M1, "0"), U256_ZERO);
  CHECK_U256(B(u256_smod, M1, "0"), U256_ZERO);
  CHECK_U256(B(u256_div, "0xffffffffffffffff", "0x10"), H("0xfffffffffffffff"));
  CHECK_U256(B(u256_mod, "0xffffffffffffffff", "0x10"), H("0xf"));
  /* ADDMOD / MULMOD */
  u256_t x = U256_MAX, y = U256_MAX, m = H("12"), res;
  u256_addmod(&res, &x, &y, &m);
  CHECK_U256(res, H("6")); /* (2^257 - 2) mod 12: 2^256 = 4 mod 12 -> (4-1)*2 = 6 */
  m = U256_ZERO;
  u256_addmod(&res, &x, &y, &m);
  CHECK_U256(res, U256_ZERO);
  u256_mulmod(&res, &x, &y, &m);
  CHECK_U256(res, U256_ZERO);
  m = U256_MAX;
  u256_mulmod(&res, &x, &y, &m);
  CHECK_U256(res, U256_ZERO);
  u256_addmod(&res, &x, &y, &m);
  CHECK_U256(res, U256_ZERO);
  m = H("12");
  u256_mulmod(&res, &x, &y, &m);
  CHECK_U256(res, H("9")); /* (-1 mod 12 = 3)^2 = 9 */
  m = U256_ONE;
  u256_mulmod(&res, &x, &y, &m);
  CHECK_U256(res, U256_ZERO);
  x = H("10"), y = H("10"), m = H("8");
  u256_addmod(&x, &x, &y, &m); /* aliasing */
  CHECK_U256(x, H("4"));
  x = H("10");
  u256_mulmod(&x, &x, &y, &m);
  CHECK_U256(x, H("4"));
  /* secp256k1 prime: the fast addmod path */
  m = H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  x = H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e"), y = H("2");
  u256_addmod(&res, &x, &y, &m);
  CHECK_U256(res, U256_ONE);
  u256_addmod(&res, &U256_MAX, &U256_MAX, &m);
  CHECK_U256(res, H("0x2000007a0")); /* 2^256 = 2^32 + 977 mod p, so 2 * (2^32 + 976) */
  /* EXP */
  CHECK_U256(B(u256_exp, "2", "255"), H(MIN));
  CHECK_U256(B(u256_exp, "2", "256"), U256_ZERO);
  CHECK_U256(B(u256_exp, "2", MAX), U256_ZERO);
  CHECK_U256(B(u256_exp, "2", "0"), U256_ONE);
  CHECK_U256(B(u256_exp, "0", "0"), U256_ONE);
  CHECK_U256(B(u256_exp, "0", "5"), U256_ZERO);
  CHECK_U256(B(u256_exp, "3", "5"), H("243"));
  CHECK_U256(B(u256_exp, MAX, "2"), U256_ONE);
  CHECK_U256(B(u256_exp, MAX, "3"), U256_MAX);
  CHECK_U256(B(u256_exp, MAX, MAX), U256_MAX);
  CHECK_U256(B(u256_exp, "10", "77"),
             H("100000000000000000000000000000000000000000000000000000000000000000000000000000"));
  CHECK_U256(B(u256_exp, "0x100", "32"), U256_ZERO);
  CHECK_U256(B(u256_exp, "0x100", "31"), H("0x100000000000000000000000000000000000000000000000000000000000000"));
}

static void test_bits(void) {
  const char *MAX = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
  const char *MIN = "0x8000000000000000000000000000000000000000000000000000000000000000";
  /* EIP-145 test cases: u256_shl(r, shift, value) */
  CHECK_U256(B(u256_shl, "0", "1"), H("1"));
  CHECK_U256(B(u256_shl, "1", "1"), H("2"));
  CHECK_U256(B(u256_shl, "0xff", "1"), H(MIN));
  CHECK_U256(B(u256_shl, "0x100", "1"), U256_ZERO);
  CHECK_U256(B(u256_shl, "0x101", "1"), U256_ZERO);
  CHECK_U256(B(u256_shl, "0", MAX), U256_MAX);
  CHECK_U256(B(u256_shl, "1", MAX), H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"));
  CHECK_U256(B(u256_shl, "0xff", MAX), H(MIN));
  CHECK_U256(B(u256_shl, "0x100", MAX), U256_ZERO);
  CHECK_U256(B(u256_shl, "0x10000000000000000", "1"), U256_ZERO); /* amount beyond 64 bits */
  CHECK_U256(B(u256_shl, MAX, "1"), U256_ZERO);
  CHECK_U256(B(u256_shl, "1", "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
             H("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"));
  CHECK_U256(B(u256_shl, "64", "0x8000000000000001"), H("0x80000000000000010000000000000000"));
  CHECK_U256(B(u256_shl, "65", "0x8000000000000001"), H("0x100000000000000020000000000000000"));
  CHECK_U256(B(u256_shr, "0", "1"), H("1"));
  CHECK_U256(B(u256_shr, "1", "1"), U256_ZERO);
  CHECK_U256(B(u256_shr, "1", MIN), H("0x4000000000000000000000000000000000000000000000000000000000000000"));
  CHECK_U256(B(u256_shr, "0xff", MIN), H("1"));
  CHECK_U256(B(u256_shr, "0x100", MIN), U256_ZERO);
  CHECK_U256(B(u256_shr, "0x101", MIN), U256_ZERO);
  CHECK_U256(B(u256_shr, "0", MAX), U256_MAX);
  CHECK_U256(B(u256_shr, "1", MAX), H("0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
  CHECK_U256(B(u256_shr, "0xff", MAX), H("1"));
  CHECK_U256(B(u256_shr, "0x100", MAX), U256_ZERO);
  CHECK_U256(B(u256_shr, "64", "0x180000000000000000"), H("0x18"));
  CHECK_U256(B(u256_sar, "0", "1"), H("1"));
  CHECK_U256(B(u256_sar, "1", "1"), U256_ZERO);
  CHECK_U256(B(u256_sar, "1", MIN), H("0xc000000000000000000000000000000000000000000000000000000000000000"));
  CHECK_U256(B(u256_sar, "0xff", MIN), U256_MAX);
  CHECK_U256(B(u256_sar, "0x100", MIN), U256_MAX);
  CHECK_U256(B(u256_sar, "0x101", MIN), U256_MAX);
  CHECK_U256(B(u256_sar, "0", MAX), U256_MAX);
  CHECK_U256(B(u256_sar, "1", MAX), U256_MAX);
  CHECK_U256(B(u256_sar, "0xff", MAX), U256_MAX);
  CHECK_U256(B(u256_sar, "0x100", MAX), U256_MAX);
  CHECK_U256(B(u256_sar, MAX, MAX), U256_MAX);
  CHECK_U256(B(u256_sar, MAX, "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), U256_ZERO);
  CHECK_U256(B(u256_sar, "0", "0x4000000000000000000000000000000000000000000000000000000000000000"),
             H("0x4000000000000000000000000000000000000000000000000000000000000000"));
  CHECK_U256(B(u256_sar, "0xfe", "0x4000000000000000000000000000000000000000000000000000000000000000"), H("1"));
  CHECK_U256(B(u256_sar, "0xf8", "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), H("0x7f"));
  CHECK_U256(B(u256_sar, "0xfe", "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), H("1"));
  CHECK_U256(B(u256_sar, "0xff", "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), U256_ZERO);
  CHECK_U256(B(u256_sar, "0x100", "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"), U256_ZERO);
  /* SIGNEXTEND(b, x) */
  CHECK_U256(B(u256_signextend, "0", "0xff"), U256_MAX);
  CHECK_U256(B(u256_signextend, "0", "0x7f"), H("0x7f"));
  CHECK_U256(B(u256_signextend, "0", "0x12345680"),
             H("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80"));
  CHECK_U256(B(u256_signextend, "1", "0x12348000"),
             H("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8000"));
  CHECK_U256(B(u256_signextend, "1", "0x12347000"), H("0x7000"));
  CHECK_U256(B(u256_signextend, "7", "0xab8000000000000000"),
             H("0xffffffffffffffffffffffffffffffffffffffffffffffff8000000000000000"));
  CHECK_U256(B(u256_signextend, "8", "0xab8000000000000000"),
             H("0xffffffffffffffffffffffffffffffffffffffffffffffab8000000000000000"));
  CHECK_U256(B(u256_signextend, "8", "0x7b8000000000000000"), H("0x7b8000000000000000"));
  CHECK_U256(B(u256_signextend, "30", "0x0080000000000000000000000000000000000000000000000000000000000000"),
             H("0xff80000000000000000000000000000000000000000000000000000000000000"));
  CHECK_U256(B(u256_signextend, "31", "0x0080000000000000000000000000000000000000000000000000000000000000"),
             H("0x0080000000000000000000000000000000000000000000000000000000000000"));
  CHECK_U256(B(u256_signextend, "32", "0x80"), H("0x80"));
  CHECK_U256(B(u256_signextend, MAX, "0x80"), H("0x80"));
  CHECK_U256(B(u256_signextend, "0x10000000000000000", "0x80"), H("0x80"));
  /* BYTE(i, x) */
  const char *X = "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
  CHECK_U256(B(u256_byte, "0", X), H("1"));
  CHECK_U256(B(u256_byte, "31", X), H("0x20"));
  CHECK_U256(B(u256_byte, "7", X), H("8"));
  CHECK_U256(B(u256_byte, "8", X), H("9"));
  CHECK_U256(B(u256_byte, "32", X), U256_ZERO);
  CHECK_U256(B(u256_byte, MAX, X), U256_ZERO);
  CHECK_U256(B(u256_byte, "0x10000000000000000", X), U256_ZERO);
  /* bitwise */
  CHECK_U256(B(u256_and, X, MAX), H(X));
  CHECK_U256(B(u256_or, X, "0"), H(X));
  CHECK_U256(B(u256_xor, X, X), U256_ZERO);
  u256_t t = H(X);
  u256_not(&t, &t);
  CHECK_U256(t, H("0xfefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0df"));
}

static void test_reciprocal(void) {
  int bad = 0;
  uint64_t ds[] = {UINT64_C(0x8000000000000000), UINT64_MAX,
                   UINT64_C(0x8000000000000001), UINT64_C(0xfffffffffffffffe),
                   UINT64_C(0xc000000000000000), UINT64_C(0xffffffff00000000)};
  for (int i = 0; i < 200000 + 6; i++) {
    uint64_t d = i < 6 ? ds[i] : (rnd() | UINT64_C(0x8000000000000000));
    if (i >= 6 && (i & 7) == 0) d = UINT64_C(0x8000000000000000) | ((uint64_t)(i >> 3) << 8) | (rnd() & 0xff);
    const u128 want = (~(u128)0) / d - ((u128)1 << 64);
    if (u256__reciprocal_2by1(d) != (uint64_t)want) bad++;
    if (u256__reciprocal_2by1_soft(d) != (uint64_t)want) bad++;
    /* 3-by-2: floor((2^192 - 1) / <d, d0>) - 2^64, checked via v*<d,d0> bounds */
    const uint64_t d0 = (i & 1) ? rnd() : (i & 2 ? UINT64_MAX : 0);
    const uint64_t v = u256__reciprocal_3by2(d, d0);
    mpz_t num, den, q;
    if (i < 2000) {
      mpz_inits(num, den, q, NULL);
      mpz_ui_pow_ui(num, 2, 192);
      mpz_sub_ui(num, num, 1);
      mpz_set_ui(den, d);
      mpz_mul_2exp(den, den, 64);
      mpz_add_ui(den, den, d0);
      mpz_fdiv_q(q, num, den);
      mpz_sub(q, q, two256); /* placeholder corrected below */
      mpz_add(q, q, two256);
      mpz_t p64;
      mpz_init(p64);
      mpz_ui_pow_ui(p64, 2, 64);
      mpz_sub(q, q, p64);
      if (mpz_get_ui(q) != v || mpz_cmp_ui(q, 0) < 0) bad++;
      mpz_clears(num, den, q, p64, NULL);
    }
  }
  CHECK_MSG(bad == 0, "%d reciprocal mismatches", bad);
}

/* ---- randomized cross-check against GMP ---- */
static void test_random_vs_gmp(int n) {
  mpz_t A, Bz, M, R, T, SA, SB;
  mpz_inits(A, Bz, M, R, T, SA, SB, NULL);
  int bad[16] = {0};
  const char *names[16] = {"add",    "sub", "mul", "div", "mod", "sdiv",     "smod",   "addmod",
                           "mulmod", "exp", "shl", "shr", "sar", "mul_full", "divmod", "slt/lt"};
  for (int it = 0; it < n; it++) {
    u256_t a = rnd_u256(), b = rnd_u256(), m = rnd_u256(), r, want, q2, r2;
    if ((it & 3) == 0 && !u256_is_zero(&b)) { /* small-quotient / near-equal cases */
      a = b;
      a.w[0] += rnd() % 5;
      if (rnd() & 1) {
        u256_t one = U256_ONE;
        u256_sub(&a, &a, &one);
      }
    }
    to_mpz(A, &a);
    to_mpz(Bz, &b);
    to_mpz(M, &m);
    to_mpz_signed(SA, &a);
    to_mpz_signed(SB, &b);

    u256_add(&r, &a, &b);
    mpz_add(R, A, Bz);
    if (!eqm(&r, R, &want)) bad[0]++;
    u256_sub(&r, &a, &b);
    mpz_sub(R, A, Bz);
    if (!eqm(&r, R, &want)) bad[1]++;
    u256_mul(&r, &a, &b);
    mpz_mul(R, A, Bz);
    if (!eqm(&r, R, &want)) bad[2]++;
    uint64_t full[8], wantfull[8] = {0};
    u256_mul_full(full, &a, &b);
    mpz_export(wantfull, NULL, -1, 8, 0, 0, R);
    if (memcmp(full, wantfull, sizeof full) != 0) bad[13]++;

    const bool bz = mpz_sgn(Bz) == 0;
    u256_div(&r, &a, &b);
    if (bz) mpz_set_ui(R, 0);
    else mpz_fdiv_q(R, A, Bz);
    if (!eqm(&r, R, &want)) bad[3]++;
    u256_divmod(&q2, &r2, &a, &b);
    if (!u256_eq(&q2, &want)) bad[14]++;
    u256_mod(&r, &a, &b);
    if (bz) mpz_set_ui(R, 0);
    else mpz_fdiv_r(R, A, Bz);
    if (!eqm(&r, R, &want)) bad[4]++;
    if (!u256_eq(&r2, &want)) bad[14]++;
    u256_sdiv(&r, &a, &b);
    if (bz) mpz_set_ui(R, 0);
    else mpz_tdiv_q(R, SA, SB);
    if (!eqm(&r, R, &want)) bad[5]++;
    u256_smod(&r, &a, &b);
    if (bz) mpz_set_ui(R, 0);
    else mpz_tdiv_r(R, SA, SB);
    if (!eqm(&r, R, &want)) bad[6]++;

    const bool mz = mpz_sgn(M) == 0;
    u256_addmod(&r, &a, &b, &m);
    mpz_add(T, A, Bz);
    if (mz) mpz_set_ui(R, 0);
    else mpz_fdiv_r(R, T, M);
    if (!eqm(&r, R, &want)) bad[7]++;
    u256_mulmod(&r, &a, &b, &m);
    mpz_mul(T, A, Bz);
    if (mz) mpz_set_ui(R, 0);
    else mpz_fdiv_r(R, T, M);
    if (!eqm(&r, R, &want)) bad[8]++;
    /* addmod fast-path shape: operands below 2m with m >= 2^192 */
    if (m.w[3] != 0) {
      u256_t x = a, y = b;
      x.w[3] = m.w[3] - (rnd() & 1 ? 0 : (m.w[3] > 0));
      y.w[3] = m.w[3];
      to_mpz(T, &x);
      mpz_t Y;
      mpz_init(Y);
      to_mpz(Y, &y);
      mpz_add(T, T, Y);
      mpz_fdiv_r(R, T, M);
      u256_addmod(&r, &x, &y, &m);
      if (!eqm(&r, R, &want)) bad[7]++;
      mpz_clear(Y);
    }

    if ((it & 3) == 0) {
      u256_t e = b;
      if (it & 4) e.w[1] = e.w[2] = e.w[3] = 0, e.w[0] &= 0xffff; /* short exponents too */
      to_mpz(T, &e);
      u256_exp(&r, &a, &e);
      mpz_powm(R, A, T, two256);
      if (!eqm(&r, R, &want)) bad[9]++;
      u256_t two = u256_from_u64(2);
      u256_exp(&r, &two, &e);
      mpz_set_ui(R, 2);
      mpz_powm(R, R, T, two256);
      if (!eqm(&r, R, &want)) bad[9]++;
    }

    /* shifts by amounts 0..300 */
    const unsigned s = (unsigned)(rnd() % 301);
    u256_t su = u256_from_u64(s);
    u256_shl(&r, &su, &a);
    mpz_mul_2exp(R, A, s);
    if (!eqm(&r, R, &want)) bad[10]++;
    u256_shr(&r, &su, &a);
    mpz_fdiv_q_2exp(R, A, s);
    if (!eqm(&r, R, &want)) bad[11]++;
    u256_sar(&r, &su, &a);
    mpz_fdiv_q_2exp(R, SA, s);
    if (!eqm(&r, R, &want)) bad[12]++;

    if (u256_lt(&a, &b) != (mpz_cmp(A, Bz) < 0)) bad[15]++;
    if (u256_slt(&a, &b) != (mpz_cmp(SA, SB) < 0)) bad[15]++;
  }
  for (int k = 0; k < 16; k++) CHECK_MSG(bad[k] == 0, "%s: %d mismatches vs GMP", names[k], bad[k]);
  mpz_clears(A, Bz, M, R, T, SA, SB, NULL);
}

/* Divisors of each limb count with numerators of each limb count, plus the Knuth D
 * corner where the top two words of the partial remainder equal the divisor's. */
static void test_division_shapes(void) {
  mpz_t A, Bz, Q, R;
  mpz_inits(A, Bz, Q, R, NULL);
  int bad = 0;
  for (int it = 0; it < 50000; it++) {
    u256_t a = U256_ZERO, b = U256_ZERO, q, r;
    const int al = 1 + it % 4, bl = 1 + (it / 4) % 4;
    for (int i = 0; i < al; i++) a.w[i] = rnd();
    for (int i = 0; i < bl; i++) b.w[i] = rnd();
    if (it % 7 == 0) b.w[bl - 1] |= UINT64_C(0x8000000000000000); /* already normalised */
    if (it % 11 == 0) b.w[bl - 1] = 1;
    if (it % 13 == 0 && al >= bl + 1 && bl >= 2) { /* a's top words equal b's top words */
      for (int i = 0; i < bl; i++) a.w[al - bl + i] = b.w[i];
      a.w[al - 1] = b.w[bl - 1];
    }
    if (it % 17 == 0 && bl >= 3) { /* divisor ...ffff with big numerators */
      for (int i = 0; i < bl - 1; i++) b.w[i] = UINT64_MAX;
    }
    if (b.w[bl - 1] == 0) b.w[bl - 1] = 1;
    to_mpz(A, &a);
    to_mpz(Bz, &b);
    u256_divmod(&q, &r, &a, &b);
    mpz_fdiv_qr(Q, R, A, Bz);
    u256_t wq = from_mpz(Q), wr = from_mpz(R);
    if (!u256_eq(&q, &wq) || !u256_eq(&r, &wr)) bad++;
  }
  /* powers of two (shift-and-mask path) against every other shape of numerator */
  for (int k = 0; k < 256; k++) {
    for (int rep = 0; rep < 8; rep++) {
      u256_t a = rnd_u256(), b = U256_ZERO, q, r, sq, sr;
      b.w[k / 64] = (uint64_t)1 << (k % 64);
      to_mpz(A, &a);
      to_mpz(Bz, &b);
      u256_divmod(&q, &r, &a, &b);
      mpz_fdiv_qr(Q, R, A, Bz);
      u256_t wq = from_mpz(Q), wr = from_mpz(R);
      if (!u256_eq(&q, &wq) || !u256_eq(&r, &wr)) bad++;
      u256_sdiv(&sq, &a, &b); /* signed: 2^255 is negative, the others positive */
      u256_smod(&sr, &a, &b);
      mpz_t SA, SB;
      mpz_inits(SA, SB, NULL);
      to_mpz_signed(SA, &a);
      to_mpz_signed(SB, &b);
      mpz_tdiv_qr(Q, R, SA, SB);
      wq = from_mpz(Q), wr = from_mpz(R);
      if (!u256_eq(&sq, &wq) || !u256_eq(&sr, &wr)) bad++;
      mpz_clears(SA, SB, NULL);
    }
  }
  /* Knuth D overflow-case: numerator with words (d1, d0, ...) over a 3-limb divisor */
  u256_t a = H("0x8000000000000000ffffffffffffffff00000000000000000000000000000000"),
         b = H("0x8000000000000000ffffffffffffffff0000000000000001"), q, r;
  to_mpz(A, &a);
  to_mpz(Bz, &b);
  u256_divmod(&q, &r, &a, &b);
  mpz_fdiv_qr(Q, R, A, Bz);
  CHECK_U256(q, from_mpz(Q));
  CHECK_U256(r, from_mpz(R));
  CHECK_MSG(bad == 0, "%d division-shape mismatches", bad);
  mpz_clears(A, Bz, Q, R, NULL);
}

/* MULMOD with a repeated modulus takes the Barrett path (cached mu): check it on
 * curve primes and awkward 4-word moduli, with runs and alternations of moduli. */
static void test_mulmod_repeated(void) {
  const char *mods[] = {
      "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", /* bn254 p */
      "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", /* secp256k1 p */
      "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", /* secp256k1 n */
      "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* 2^256 - 1 */
      "0x1000000000000000000000000000000000000000000000001",                /* 2^192 + 1 */
      "0x1ffffffffffffffffffffffffffffffffffffffffffffffff",                /* 2^193 - 1 */
      "0x8000000000000000000000000000000000000000000000000000000000000001", /* 2^255 + 1 */
      "0x1000000000000000000000000000000000000000000000000",                /* 2^192 (power of 2) */
      "0x8000000000000000000000000000000000000000000000000000000000000000", /* 2^255 */
  };
  const int nm = (int)(sizeof mods / sizeof mods[0]);
  mpz_t A, Bz, M, R;
  mpz_inits(A, Bz, M, R, NULL);
  int bad = 0;
  for (int it = 0; it < 60000; it++) {
    /* runs of 50 with one modulus, then every third call alternates */
    const int k = (it < 45000) ? (it / 50) % nm : it % 3;
    u256_t m = H(mods[k]), a = rnd_u256(), b = rnd_u256(), r;
    if (it % 5 == 0) { /* operands just below m, equal to m, or m - 1 */
      a = m;
      u256_t d = u256_from_u64(rnd() % 3);
      u256_sub(&a, &a, &d);
    }
    to_mpz(A, &a);
    to_mpz(Bz, &b);
    to_mpz(M, &m);
    mpz_mul(R, A, Bz);
    mpz_fdiv_r(R, R, M);
    u256_t want = from_mpz(R);
    if (it & 1) {
      u256_mulmod(&r, &a, &b, &m);
    } else { /* result over the modulus operand */
      r = m;
      u256_mulmod(&r, &a, &b, &r);
    }
    if (!u256_eq(&r, &want)) bad++;
  }
  CHECK_MSG(bad == 0, "%d repeated-modulus mulmod mismatches", bad);
  mpz_clears(A, Bz, M, R, NULL);
}

int main(int argc, char **argv) {
  int n = 200000;
  if (argc > 1) n = atoi(argv[1]);
  mpz_init(two256);
  mpz_ui_pow_ui(two256, 2, 256);
  test_parse_format();
  test_compare();
  test_arith_edges();
  test_bits();
  test_reciprocal();
  test_division_shapes();
  test_mulmod_repeated();
  test_random_vs_gmp(n);
  mpz_clear(two256);
  return check_summary();
}
