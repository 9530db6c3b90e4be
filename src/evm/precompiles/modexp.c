/* Precompile 0x05 MODEXP: (base^exp) mod m for big integers via GMP. Gas per
 * EIP-198 (Byzantium), EIP-2565 (Berlin) and EIP-7883 (Osaka), plus the EIP-7823
 * 1024-byte bound on each length from Osaka. Inputs are zero-padded on the right. */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/precompiles.h"

/* Lengths above this are capped for gas arithmetic: any nonzero length that large
 * already makes the cost exceed INT64_MAX, and 2^40 keeps every product in 128 bits. */
#define LEN_CAP ((uint64_t)1 << 40)
/* run() refuses lengths above this; no realistic gas limit reaches them. */
#define RUN_LEN_MAX ((uint64_t)1 << 26)

/* The 32-byte big-endian word at `off` of the zero-padded input, as a length capped
 * at LEN_CAP. */
static uint64_t read_len(const uint8_t *in, size_t len, size_t off) {
  uint64_t v = 0;
  for (size_t i = 0; i < 32; i++) {
    uint8_t b = off + i < len ? in[off + i] : 0;
    if (v >= LEN_CAP) return LEN_CAP; /* further digits only make it larger */
    v = (v << 8) | b;
  }
  return v > LEN_CAP ? LEN_CAP : v;
}

typedef struct {
  uint64_t base_len, exp_len, mod_len;
  unsigned head_bits; /* bit length of the first min(32, exp_len) exponent bytes */
} modexp_header_t;

static void parse_header(const uint8_t *in, size_t len, modexp_header_t *h) {
  h->base_len = read_len(in, len, 0);
  h->exp_len = read_len(in, len, 32);
  h->mod_len = read_len(in, len, 64);
  h->head_bits = 0;
  uint64_t exp_start = 96 + h->base_len;
  uint64_t n = h->exp_len < 32 ? h->exp_len : 32;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t pos = exp_start + i;
    uint8_t b = pos < len ? in[pos] : 0;
    if (b) {
      unsigned top = 7;
      while (!(b >> top)) top--;
      h->head_bits = (unsigned)(8 * (n - 1 - i) + top + 1);
      break;
    }
  }
}

/* Iteration count (the "adjusted exponent length"), with `per_byte` = 8 before
 * Osaka and 16 from EIP-7883; at least 1. */
static unsigned __int128 iterations(const modexp_header_t *h, unsigned per_byte) {
  unsigned __int128 bits = h->head_bits ? h->head_bits - 1 : 0;
  unsigned __int128 count = bits;
  if (h->exp_len > 32) count = (unsigned __int128)per_byte * (h->exp_len - 32) + bits;
  return count ? count : 1;
}

static int64_t clamp_gas(unsigned __int128 g) { return g > INT64_MAX ? INT64_MAX : (int64_t)g; }

static int64_t modexp_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  modexp_header_t h;
  parse_header(in, len, &h);
  uint64_t max_len = h.base_len > h.mod_len ? h.base_len : h.mod_len;
  if (rev >= EVM_OSAKA) { /* EIP-7883 */
    unsigned __int128 words = (max_len + 7) / 8;
    unsigned __int128 mc = max_len <= 32 ? 16 : 2 * words * words;
    unsigned __int128 g = mc * iterations(&h, 16);
    return clamp_gas(g < 500 ? 500 : g);
  }
  if (rev >= EVM_BERLIN) { /* EIP-2565 */
    unsigned __int128 words = (max_len + 7) / 8;
    unsigned __int128 g = words * words * iterations(&h, 8) / 3;
    return clamp_gas(g < 200 ? 200 : g);
  }
  /* EIP-198 */
  unsigned __int128 x = max_len, mc;
  if (x <= 64) mc = x * x;
  else if (x <= 1024) mc = x * x / 4 + 96 * x - 3072;
  else mc = x * x / 16 + 480 * x - 199680;
  return clamp_gas(mc * iterations(&h, 8) / 20);
}

/* Imports n bytes of the zero-padded input starting at off. */
static void import_padded(mpz_t z, const uint8_t *in, size_t len, uint64_t off, uint64_t n) {
  mpz_set_ui(z, 0);
  if (n == 0) return;
  uint64_t avail = off < len ? len - off : 0;
  if (avail > n) avail = n;
  if (avail) mpz_import(z, avail, 1, 1, 1, 0, in + off);
  if (mpz_sgn(z) && n > avail) mpz_mul_2exp(z, z, 8 * (n - avail));
}

static int modexp_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  modexp_header_t h;
  parse_header(in, len, &h);
  if (rev >= EVM_OSAKA && (h.base_len > 1024 || h.exp_len > 1024 || h.mod_len > 1024)) return -1;
  if (h.mod_len == 0) return 0;
  if (h.base_len > RUN_LEN_MAX || h.exp_len > RUN_LEN_MAX || h.mod_len > RUN_LEN_MAX) return -1;

  int err = bytes_buf_reserve(out, h.mod_len);
  if (err) return err;
  uint8_t *res = out->data + out->len;
  memset(res, 0, h.mod_len);

  mpz_t base, exp, mod, r;
  mpz_inits(base, exp, mod, r, NULL);
  import_padded(base, in, len, 96, h.base_len);
  import_padded(exp, in, len, 96 + h.base_len, h.exp_len);
  import_padded(mod, in, len, 96 + h.base_len + h.exp_len, h.mod_len);
  if (mpz_sgn(mod) != 0) {
    mpz_powm(r, base, exp, mod);
    size_t count = 0;
    size_t need = (mpz_sizeinbase(r, 2) + 7) / 8;
    if (mpz_sgn(r) != 0 && need <= h.mod_len) mpz_export(res + (h.mod_len - need), &count, 1, 1, 1, 0, r);
  }
  mpz_clears(base, exp, mod, r, NULL);
  out->len += h.mod_len;
  return 0;
}

const evm_precompile_t evm_precompile_modexp = {"modexp", EVM_BYZANTIUM, modexp_gas, modexp_run};
