/* Keccak-256/512: known digests, every length around the rate boundaries against a
 * plain reference permutation (FIPS 202 step mappings, written out loop by loop),
 * the fixed-size wrappers and the incremental API. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/keccak.h"

static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const unsigned RHO[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                 25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};
static uint64_t rotl(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void ref_permute(uint64_t a[25]) {
  for (int round = 0; round < 24; round++) {
    uint64_t c[5], d[5], b[25];
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], RHO[x + 5 * y]);
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++) a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    a[0] ^= RC[round];
  }
}

static void ref_keccak(const uint8_t *data, size_t len, uint8_t *out, size_t out_len, size_t rate) {
  uint64_t st[25] = {0};
  uint8_t *s = (uint8_t *)st;
  size_t pos = 0;
  for (size_t i = 0; i < len; i++) {
    s[pos++] ^= data[i];
    if (pos == rate) {
      ref_permute(st);
      pos = 0;
    }
  }
  s[pos] ^= 0x01;
  s[rate - 1] ^= 0x80;
  ref_permute(st);
  memcpy(out, s, out_len);
}

static void check_hex(const uint8_t *got, size_t n, const char *hex) {
  uint8_t want[64];
  size_t len = 0;
  CHECK(hex_decode(hex, false, want, sizeof want, &len) == 0 && len == n);
  CHECK_MEM(got, want, n);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint8_t rnd8(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint8_t)rng;
}

static void run_all(void) {
  uint8_t h[64], r[64];
  keccak256((const uint8_t *)"", 0, h);
  check_hex(h, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  keccak256((const uint8_t *)"abc", 3, h);
  check_hex(h, 32, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  keccak512((const uint8_t *)"", 0, h);
  check_hex(h, 64,
            "0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304"
            "c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e");
  keccak512((const uint8_t *)"abc", 3, h);
  check_hex(h, 64,
            "18587dc2ea106b9a1563e32b3312421ca164c7f1f07bc922a9c83d77cea3a1e5"
            "d0c69910739025372dc14ac9642629379540c17e2a65b19d77aa511a9d00bb96");
  /* keccak256 of the 200-byte string "\xa3" * 200 (a classic multi-block vector) */
  uint8_t a3[200];
  memset(a3, 0xa3, sizeof a3);
  keccak256(a3, sizeof a3, h);
  ref_keccak(a3, sizeof a3, r, 32, 136);
  CHECK_MEM(h, r, 32);

  /* The permutation on the zero state (FIPS 202 / Keccak team intermediate values). */
  uint64_t st[25] = {0};
  keccakf1600(st);
  CHECK(st[0] == 0xF1258F7940E1DDE7ULL);
  CHECK(st[24] == 0xEAF1FF7B5CECA249ULL);

  /* Every length 0..700 (135/136/137, 271/272/273, 71/72/73 ...) vs the reference. */
  size_t max = 700;
  uint8_t *buf = malloc(max + 8);
  for (size_t i = 0; i < max + 8; i++) buf[i] = rnd8();
  int bad256 = 0, bad512 = 0;
  for (size_t len = 0; len <= max; len++) {
    for (size_t off = 0; off < 2; off++) { /* aligned and misaligned input */
      keccak256(buf + off, len, h);
      ref_keccak(buf + off, len, r, 32, 136);
      if (memcmp(h, r, 32)) bad256++;
      keccak512(buf + off, len, h);
      ref_keccak(buf + off, len, r, 64, 72);
      if (memcmp(h, r, 64)) bad512++;
    }
  }
  CHECK_MSG(bad256 == 0, "%d keccak256 lengths differ", bad256);
  CHECK_MSG(bad512 == 0, "%d keccak512 lengths differ", bad512);

  /* Fixed-size wrappers. */
  keccak256_32(buf, h);
  ref_keccak(buf, 32, r, 32, 136);
  CHECK_MEM(h, r, 32);
  keccak256_64(buf, h);
  ref_keccak(buf, 64, r, 32, 136);
  CHECK_MEM(h, r, 32);
  keccak512_64(buf, h);
  ref_keccak(buf, 64, r, 64, 72);
  CHECK_MEM(h, r, 64);

  /* Incremental: random chunkings of every length up to 700 equal the one-shot. */
  int bad_inc = 0;
  for (size_t len = 0; len <= max; len += 7) {
    keccak256_ctx_t ctx;
    keccak256_init(&ctx);
    size_t done = 0;
    while (done < len) {
      size_t n = rnd8() % 150;
      if (n > len - done) n = len - done;
      keccak256_update(&ctx, buf + done, n);
      done += n;
      if (n == 0) keccak256_update(&ctx, NULL, 0);
    }
    uint8_t peek[32];
    keccak256_final(&ctx, peek);
    keccak256_final(&ctx, h); /* final does not change ctx */
    keccak256(buf, len, r);
    if (memcmp(h, r, 32) || memcmp(peek, r, 32)) bad_inc++;
  }
  CHECK_MSG(bad_inc == 0, "%d incremental lengths differ", bad_inc);
  /* 136-byte block followed by more data, byte by byte. */
  {
    keccak256_ctx_t ctx;
    keccak256_init(&ctx);
    for (size_t i = 0; i < 137; i++) keccak256_update(&ctx, buf + i, 1);
    keccak256_final(&ctx, h);
    keccak256(buf, 137, r);
    CHECK_MEM(h, r, 32);
  }
  /* A 1 MiB input vs the reference. */
  {
    size_t big = 1 << 20;
    uint8_t *m = malloc(big);
    for (size_t i = 0; i < big; i++) m[i] = (uint8_t)(i * 131 + (i >> 9));
    keccak256(m, big, h);
    ref_keccak(m, big, r, 32, 136);
    CHECK_MEM(h, r, 32);
    free(m);
  }
  free(buf);
}

/* keccak256_x4 against the reference: equal lengths around the block boundaries,
 * and mixed ones (same and different block counts, including empty messages). */
static int check_x4(void) {
  enum { MAX = 700 };
  uint8_t *m[4];
  int bad = 0;
  for (int k = 0; k < 4; k++) {
    m[k] = malloc(MAX + 8);
    for (size_t i = 0; i < MAX + 8; i++) m[k][i] = (uint8_t)(i * 29 + k * 101 + 3);
  }
  for (size_t n = 0; n < MAX; n++) {
    const size_t lens[3][4] = {{n, n, n, n}, {n, n + n % 7, n / 2, n % 137}, {n, n + 1, n + 2, n + 3}};
    for (int v = 0; v < 3; v++) {
      const uint8_t *d[4] = {m[0], m[1], m[2], m[3]};
      uint8_t o[4][32], want[32], *op[4] = {o[0], o[1], o[2], o[3]};
      keccak256_x4(d, lens[v], op);
      for (int k = 0; k < 4; k++) {
        ref_keccak(d[k], lens[v][k], want, 32, 136);
        if (memcmp(o[k], want, 32)) bad++;
      }
    }
  }
  for (int k = 0; k < 4; k++) free(m[k]);
  return bad;
}

int main(void) {
  /* keccak256_x4: scalar fallback, AVX2 and AVX-512VL where the CPU has them. */
  for (int level = 0; level <= 2; level++) {
    if (keccak_x4_select_impl(level)) continue;
    int bad = check_x4();
    CHECK_MSG(bad == 0, "keccak256_x4 level %d: %d digests differ", level, bad);
  }
  CHECK(keccak_x4_select_impl(0) == 0);
  run_all(); /* the implementation chosen at startup */
  CHECK(keccak_select_impl(false) == 0);
  run_all();                                    /* the portable build */
  if (keccak_select_impl(true) == 0) run_all(); /* the BMI build, where the CPU has it */
  return check_summary();
}
