/* Precompile 0x0c BLS12_G1MSM (EIP-2537, Prague):
 * multi-scalar multiplication on G1, k * 160 bytes (k = 1: the single multiplication);
 * gas k * 12000 * discount(k) / 1000.
 * Thin wrapper over bls12_381.h; any invalid input fails the call. */
#include "ethc/bls12_381.h"
#include "ethc/precompiles.h"

static int64_t pc_g1msm_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return bls12_g1_msm_gas(len);
}

static int pc_g1msm_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t res[128];
  if (bls12_g1_msm(in, len, res) != 0) return -1;
  return bytes_buf_append(out, res, sizeof res);
}

const evm_precompile_t evm_precompile_bls12_g1msm = {"blsG1MultiExp", EVM_PRAGUE, pc_g1msm_gas, pc_g1msm_run};
