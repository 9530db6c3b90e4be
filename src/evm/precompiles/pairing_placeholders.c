/* Temporary placeholders for the pairing-based precompiles (EIP-196/197 bn254,
 * EIP-4844 point evaluation, EIP-2537 BLS12-381): every call fails until the real
 * file lands; each owner deletes its entries here when adding its own definition. */
#include "ethc/precompiles.h"

static int64_t placeholder_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in; (void)len; (void)rev;
  return 0;
}
static int placeholder_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)in; (void)len; (void)rev; (void)out;
  return -1;
}

const evm_precompile_t evm_precompile_point_evaluation = {"pointEvaluation", EVM_CANCUN, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_g1add = {"blsG1Add", EVM_PRAGUE, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_g1msm = {"blsG1MultiExp", EVM_PRAGUE, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_g2add = {"blsG2Add", EVM_PRAGUE, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_g2msm = {"blsG2MultiExp", EVM_PRAGUE, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_pairing = {"blsPairing", EVM_PRAGUE, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_map_fp_to_g1 = {"blsMapG1", EVM_PRAGUE, placeholder_gas, placeholder_run};
const evm_precompile_t evm_precompile_bls12_map_fp2_to_g2 = {"blsMapG2", EVM_PRAGUE, placeholder_gas, placeholder_run};
