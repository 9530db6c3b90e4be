/* Precompile 0x08 pairing check on alt_bn128 (EIP-197): input k pairs of (G1, G2) points,
 * 192 bytes each (length must be a multiple of 192, G2 points must lie in the order-r
 * subgroup); output 1 when the product of pairings is one, else 0, as a 32-byte word.
 * Gas 100000 + 80000 k, from Istanbul 45000 + 34000 k (EIP-1108). */
#include "ethc/bn254.h"
#include "ethc/precompiles.h"

static int64_t bn254_pairing_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  int64_t k = (int64_t)(len / 192);
  return rev >= EVM_ISTANBUL ? 45000 + 34000 * k : 100000 + 80000 * k;
}

static int bn254_pairing_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  bool ok = false;
  if (bn254_pairing_check_bytes(in, len, &ok) != 0) return -1;
  uint8_t word[32] = {0};
  word[31] = ok ? 1 : 0;
  return bytes_buf_append(out, word, 32);
}

const evm_precompile_t evm_precompile_bn254_pairing = {"bn256Pairing", EVM_BYZANTIUM, bn254_pairing_gas,
                                                       bn254_pairing_run};
