/* Precompile 0x11 BLS12_MAP_FP2_TO_G2 (EIP-2537, Prague):
 * SSWU + 3-isogeny map of an Fp2 element to G2, gas 23800.
 * Thin wrapper over bls12_381.h; any invalid input fails the call. */
#include "ethc/bls12_381.h"
#include "ethc/precompiles.h"

static int64_t pc_map_fp2_to_g2_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return BLS12_MAP_FP2_TO_G2_GAS;
}

static int pc_map_fp2_to_g2_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t res[256];
  if (bls12_map_fp2_to_g2(in, len, res) != 0) return -1;
  return bytes_buf_append(out, res, sizeof res);
}

const evm_precompile_t evm_precompile_bls12_map_fp2_to_g2 = {"blsMapG2", EVM_PRAGUE, pc_map_fp2_to_g2_gas,
                                                             pc_map_fp2_to_g2_run};
