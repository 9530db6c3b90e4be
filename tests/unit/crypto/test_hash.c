/* SHA-256, RIPEMD-160 (FIPS 180-4 / the RIPEMD-160 paper's test values) and the
 * BLAKE2b compression function (RFC 7693 appendix A "abc", and variable rounds
 * against a plain reference loop). */
#include <string.h>

#include "check.h"
#include "ethc/blake2.h"
#include "ethc/bytes.h"
#include "ethc/hash.h"

static void check_hex(const uint8_t *got, size_t n, const char *hex) {
  uint8_t want[64];
  size_t len = 0;
  CHECK(hex_decode(hex, false, want, sizeof want, &len) == 0 && len == n);
  CHECK_MEM(got, want, n);
}

static const uint64_t IV[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};
static const uint8_t SIGMA[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};
static uint64_t rotr(uint64_t x, int n) { return (x >> n) | (x << (64 - n)); }
static void g(uint64_t *v, int a, int b, int c, int d, uint64_t x, uint64_t y) {
  v[a] += v[b] + x;
  v[d] = rotr(v[d] ^ v[a], 32);
  v[c] += v[d];
  v[b] = rotr(v[b] ^ v[c], 24);
  v[a] += v[b] + y;
  v[d] = rotr(v[d] ^ v[a], 16);
  v[c] += v[d];
  v[b] = rotr(v[b] ^ v[c], 63);
}
static void ref_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], int last, uint32_t rounds) {
  uint64_t v[16];
  for (int i = 0; i < 8; i++) {
    v[i] = h[i];
    v[i + 8] = IV[i];
  }
  v[12] ^= t[0];
  v[13] ^= t[1];
  if (last) v[14] = ~v[14];
  for (uint32_t r = 0; r < rounds; r++) {
    const uint8_t *s = SIGMA[r % 10];
    g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

/* EIP-152 test vectors 4-8 (213-byte precompile input, 64-byte output). */
static const struct {
  const char *in, *out;
} EIP152[] = {
    {"0000000048c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fba"
     "bd9831f79217e1319cde05b616263"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000"
     "00000000000000000000000000001",
     "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5"
     "d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b"},
    {"0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fba"
     "bd9831f79217e1319cde05b616263"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000"
     "00000000000000000000000000001",
     "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
     "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"},
    {"0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fba"
     "bd9831f79217e1319cde05b616263"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000"
     "00000000000000000000000000000",
     "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d28752"
     "98743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735"},
    {"0000000148c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fba"
     "bd9831f79217e1319cde05b616263"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000"
     "00000000000000000000000000001",
     "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fb"
     "a551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421"},
    {"007A120048c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fba"
     "bd9831f79217e1319cde05b616263"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000"
     "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003000"
     "00000000000000000000000000001",
     "6d2ce9e534d50e18ff866ae92d70cceba79bbcd14c63819fe48752c8aca87a4b"
     "b7dcc230d22a4047f0486cfcfb50a17b24b2899eb8fca370f22240adb5170189"},
};

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

typedef void (*compress_fn)(uint64_t *, const uint64_t *, const uint64_t *, bool, uint32_t);
static void avx2_or_skip(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t r) {
  CHECK(blake2b_compress_avx2(h, m, t, last, r) == 0);
}

/* Runs the EIP-152 vectors through one implementation; vector 8 (8M rounds) included. */
static void check_eip152(compress_fn f) {
  for (size_t k = 0; k < sizeof EIP152 / sizeof EIP152[0]; k++) {
    uint8_t in[213];
    size_t len = 0;
    CHECK(hex_decode(EIP152[k].in, false, in, sizeof in, &len) == 0 && len == 213);
    uint32_t rounds = ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) | in[3];
    uint64_t h[8], m[16], t[2];
    for (int i = 0; i < 8; i++) h[i] = le64(in + 4 + 8 * i);
    for (int i = 0; i < 16; i++) m[i] = le64(in + 68 + 8 * i);
    t[0] = le64(in + 196);
    t[1] = le64(in + 204);
    f(h, m, t, in[212] == 1, rounds);
    uint8_t out[64];
    for (int i = 0; i < 64; i++) out[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
    check_hex(out, 64, EIP152[k].out);
  }
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

int main(void) {
  uint8_t d[32];
  CHECK(hash_sha256((const uint8_t *)"", 0, d) == 0);
  check_hex(d, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_sha256(NULL, 0, d) == 0);
  check_hex(d, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hash_sha256((const uint8_t *)"abc", 3, d) == 0);
  check_hex(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_ripemd160((const uint8_t *)"", 0, d) == 0);
  check_hex(d, 20, "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  CHECK(hash_ripemd160((const uint8_t *)"abc", 3, d) == 0);
  check_hex(d, 20, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");

  /* BLAKE2b-512("abc"): parameter block for an unkeyed 64-byte digest. */
  uint64_t h[8], m[16] = {0}, t[2] = {3, 0};
  memcpy(h, IV, sizeof h);
  h[0] ^= 0x01010040;
  m[0] = 0x636261; /* "abc" little-endian */
  blake2b_compress(h, m, t, true, 12);
  uint8_t out[64];
  for (int i = 0; i < 64; i++) out[i] = (uint8_t)(h[i / 8] >> (8 * (i % 8)));
  check_hex(out, 64,
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");

  /* Round counts 0..45 (every remainder mod 10, several full schedules) vs reference. */
  int bad = 0;
  for (uint32_t rounds = 0; rounds <= 45; rounds++) {
    uint64_t h1[8], h2[8], mm[16], tt[2] = {rounds * 1000003ULL, rounds};
    for (int i = 0; i < 8; i++) h1[i] = h2[i] = IV[i] * (i + 3) + rounds;
    for (int i = 0; i < 16; i++) mm[i] = 0x0123456789abcdefULL * (i + 1) ^ rounds;
    blake2b_compress(h1, mm, tt, rounds & 1, rounds);
    ref_compress(h2, mm, tt, rounds & 1, rounds);
    if (memcmp(h1, h2, sizeof h1)) bad++;
  }
  CHECK_MSG(bad == 0, "%d round counts differ", bad);

  /* Both implementations on the EIP-152 vectors, and against each other. */
  check_eip152(blake2b_compress_portable);
  check_eip152(blake2b_compress);
  if (blake2b_have_avx2()) {
    check_eip152(avx2_or_skip);
    int diff = 0;
    for (int it = 0; it < 2000; it++) {
      uint64_t h1[8], h2[8], h3[8], mm[16], tt[2] = {rng(), rng()};
      for (int i = 0; i < 8; i++) h1[i] = h2[i] = h3[i] = rng();
      for (int i = 0; i < 16; i++) mm[i] = rng();
      uint32_t rounds = it < 1000 ? (uint32_t)(rng() % 64) : (uint32_t)(rng() % 2000);
      bool last = rng() & 1;
      blake2b_compress_portable(h1, mm, tt, last, rounds);
      CHECK(blake2b_compress_avx2(h2, mm, tt, last, rounds) == 0);
      if (it < 200) ref_compress(h3, mm, tt, last, rounds);
      else memcpy(h3, h1, sizeof h3);
      if (memcmp(h1, h2, sizeof h1) || memcmp(h1, h3, sizeof h1)) diff++;
    }
    CHECK_MSG(diff == 0, "%d random blocks differ between portable and AVX2", diff);
  } else {
    uint64_t h[8] = {0}, mm[16] = {0}, tt[2] = {0};
    CHECK(blake2b_compress_avx2(h, mm, tt, false, 1) != 0);
    printf("AVX2 not available: only the portable BLAKE2b was checked\n");
  }
  return check_summary();
}
