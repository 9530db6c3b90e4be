/* Precompile 0x06 ECADD on alt_bn128 (EIP-196): input x1, y1, x2, y2 (zero-padded to
 * 128 bytes), output the sum (64 bytes); gas 500, 150 from Istanbul (EIP-1108). */
#include <string.h>

#include "ethc/bn254.h"
#include "ethc/precompiles.h"

static int64_t bn254_add_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  return rev >= EVM_ISTANBUL ? 150 : 500;
}

static int bn254_add_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t buf[128] = {0}, res[64];
  if (len) memcpy(buf, in, len < 128 ? len : 128);
  if (bn254_g1_add_bytes(buf, res) != 0) return -1;
  return bytes_buf_append(out, res, 64);
}

const evm_precompile_t evm_precompile_bn254_add = {"bn256Add", EVM_BYZANTIUM, bn254_add_gas, bn254_add_run};
