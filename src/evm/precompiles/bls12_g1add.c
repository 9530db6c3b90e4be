/* Precompile 0x0b BLS12_G1ADD (EIP-2537, Prague):
 * P + Q on G1 (256-byte input, no subgroup check), gas 375.
 * Thin wrapper over bls12_381.h; any invalid input fails the call. */
#include "ethc/bls12_381.h"
#include "ethc/precompiles.h"

static int64_t pc_g1add_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return BLS12_G1ADD_GAS;
}

static int pc_g1add_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t res[128];
  if (bls12_g1_add(in, len, res) != 0) return -1;
  return bytes_buf_append(out, res, sizeof res);
}

const evm_precompile_t evm_precompile_bls12_g1add = {"blsG1Add", EVM_PRAGUE, pc_g1add_gas, pc_g1add_run};
