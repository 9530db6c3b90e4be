/* Precompile 0x07 ECMUL on alt_bn128 (EIP-196): input x, y, k (zero-padded to 96 bytes),
 * output k*P (64 bytes); gas 40000, 6000 from Istanbul (EIP-1108). */
#include <string.h>

#include "ethc/bn254.h"
#include "ethc/precompiles.h"

static int64_t bn254_mul_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  return rev >= EVM_ISTANBUL ? 6000 : 40000;
}

static int bn254_mul_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t buf[96] = {0}, res[64];
  if (len) memcpy(buf, in, len < 96 ? len : 96);
  if (bn254_g1_mul_bytes(buf, res) != 0) return -1;
  return bytes_buf_append(out, res, 64);
}

const evm_precompile_t evm_precompile_bn254_mul = {"bn256ScalarMul", EVM_BYZANTIUM, bn254_mul_gas, bn254_mul_run};
