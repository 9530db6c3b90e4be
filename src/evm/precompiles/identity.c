/* Precompile 0x04 IDENTITY (Yellow Paper appendix E): returns its input;
 * 15 + 3 per input word. */
#include "ethc/precompiles.h"

static int64_t identity_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)rev;
  return 15 + 3 * (int64_t)((len + 31) / 32);
}

static int identity_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  return len ? bytes_buf_append(out, in, len) : 0;
}

const evm_precompile_t evm_precompile_identity = {"identity", EVM_FRONTIER, identity_gas, identity_run};
