/* Keccak-256/512 with Ethereum's original padding (FIPS 202 section 3 permutation,
 * pad10*1 with domain byte 0x01). Plain reference version; see PERFORMANCE.md §3. */
#include "ethc/keccak.h"

#include <string.h>

static const uint64_t round_constants[24] = {
  0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
  0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
  0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
  0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
  0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
  0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const unsigned rho[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43,
                                 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static inline uint64_t rotl(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

void keccakf1600(uint64_t a[25]) {
  for (int round = 0; round < 24; round++) {
    uint64_t c[5], d[5], b[25];
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rho[x + 5 * y]);
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++)
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    a[0] ^= round_constants[round];
  }
}

static inline uint64_t load64le(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void absorb_xor(uint64_t *state, const uint8_t *data, size_t len, size_t offset) {
  uint8_t *s = (uint8_t *)state; /* little-endian host assumed (x86-64, aarch64) */
  for (size_t i = 0; i < len; i++) s[offset + i] ^= data[i];
}

static void keccak(const uint8_t *data, size_t len, uint8_t *out, size_t out_len, size_t rate) {
  uint64_t st[25] = {0};
  while (len >= rate) {
    for (size_t i = 0; i < rate / 8; i++) st[i] ^= load64le(data + 8 * i);
    keccakf1600(st);
    data += rate;
    len -= rate;
  }
  absorb_xor(st, data, len, 0);
  ((uint8_t *)st)[len] ^= 0x01;
  ((uint8_t *)st)[rate - 1] ^= 0x80;
  keccakf1600(st);
  memcpy(out, st, out_len);
}

void keccak256(const uint8_t *data, size_t len, uint8_t out[32]) { keccak(data, len, out, 32, 136); }
void keccak512(const uint8_t *data, size_t len, uint8_t out[64]) { keccak(data, len, out, 64, 72); }

void keccak256_init(keccak256_ctx_t *ctx) { memset(ctx, 0, sizeof *ctx); }

void keccak256_update(keccak256_ctx_t *ctx, const uint8_t *data, size_t len) {
  while (len > 0) {
    size_t take = 136 - ctx->pos;
    if (take > len) take = len;
    absorb_xor(ctx->state, data, take, ctx->pos);
    ctx->pos += take;
    data += take;
    len -= take;
    if (ctx->pos == 136) {
      keccakf1600(ctx->state);
      ctx->pos = 0;
    }
  }
}

void keccak256_final(const keccak256_ctx_t *ctx, uint8_t out[32]) {
  uint64_t st[25];
  memcpy(st, ctx->state, sizeof st);
  ((uint8_t *)st)[ctx->pos] ^= 0x01;
  ((uint8_t *)st)[135] ^= 0x80;
  keccakf1600(st);
  memcpy(out, st, 32);
}
