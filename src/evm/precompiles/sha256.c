/* Precompile 0x02 SHA256 (Yellow Paper appendix E): 60 + 12 per input word. */
#include "ethc/hash.h"
#include "ethc/precompiles.h"

static int64_t sha256_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)rev;
  return 60 + 12 * (int64_t)((len + 31) / 32);
}

static int sha256_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t h[32];
  if (hash_sha256(in, len, h) != 0) return -1;
  return bytes_buf_append(out, h, 32);
}

const evm_precompile_t evm_precompile_sha256 = {"sha256", EVM_FRONTIER, sha256_gas, sha256_run};
