/* Precompile 0x03 RIPEMD160 (Yellow Paper appendix E): 600 + 120 per input word;
 * the 20-byte digest is returned left-padded to 32 bytes. */
#include "ethc/hash.h"
#include "ethc/precompiles.h"

static int64_t ripemd160_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)rev;
  return 600 + 120 * (int64_t)((len + 31) / 32);
}

static int ripemd160_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t word[32] = {0};
  if (hash_ripemd160(in, len, word + 12) != 0) return -1;
  return bytes_buf_append(out, word, 32);
}

const evm_precompile_t evm_precompile_ripemd160 = {"ripemd160", EVM_FRONTIER, ripemd160_gas, ripemd160_run};
