/* Precompile 0x10 BLS12_MAP_FP_TO_G1 (EIP-2537, Prague):
 * SSWU + 11-isogeny map of an Fp element to G1, gas 5500.
 * Thin wrapper over bls12_381.h; any invalid input fails the call. */
#include "ethc/bls12_381.h"
#include "ethc/precompiles.h"

static int64_t pc_map_fp_to_g1_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return BLS12_MAP_FP_TO_G1_GAS;
}

static int pc_map_fp_to_g1_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t res[128];
  if (bls12_map_fp_to_g1(in, len, res) != 0) return -1;
  return bytes_buf_append(out, res, sizeof res);
}

const evm_precompile_t evm_precompile_bls12_map_fp_to_g1 = {"blsMapG1", EVM_PRAGUE, pc_map_fp_to_g1_gas,
                                                            pc_map_fp_to_g1_run};
