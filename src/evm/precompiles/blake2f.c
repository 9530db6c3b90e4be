/* Precompile 0x09 BLAKE2F (EIP-152): exactly 213 bytes = rounds (4, big-endian),
 * h (64), m (128), t (16, little-endian words), f (1, must be 0 or 1); gas = rounds. */
#include <string.h>

#include "ethc/blake2.h"
#include "ethc/precompiles.h"

static int64_t blake2f_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)rev;
  if (len != 213) return 0; /* run() rejects it */
  return ((int64_t)in[0] << 24) | ((int64_t)in[1] << 16) | ((int64_t)in[2] << 8) | in[3];
}

static uint64_t load_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static int blake2f_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  if (len != 213) return -1;
  if (in[212] > 1) return -1;
  uint32_t rounds = ((uint32_t)in[0] << 24) | ((uint32_t)in[1] << 16) | ((uint32_t)in[2] << 8) | in[3];
  uint64_t h[8], m[16], t[2];
  for (int i = 0; i < 8; i++) h[i] = load_le64(in + 4 + 8 * i);
  for (int i = 0; i < 16; i++) m[i] = load_le64(in + 68 + 8 * i);
  t[0] = load_le64(in + 196);
  t[1] = load_le64(in + 204);
  blake2b_compress(h, m, t, in[212] == 1, rounds);
  uint8_t res[64];
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) res[8 * i + j] = (uint8_t)(h[i] >> (8 * j));
  return bytes_buf_append(out, res, 64);
}

const evm_precompile_t evm_precompile_blake2f = {"blake2F", EVM_ISTANBUL, blake2f_gas, blake2f_run};
