/* Precompile 0x0f BLS12_PAIRING_CHECK (EIP-2537, Prague):
 * product of pairings == 1 (k * 384 bytes), gas 32600 k + 37700.
 * Thin wrapper over bls12_381.h; any invalid input fails the call. */
#include "ethc/bls12_381.h"
#include "ethc/precompiles.h"

static int64_t pc_pairing_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return bls12_pairing_gas(len);
}

static int pc_pairing_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t res[32];
  if (bls12_pairing_check(in, len, res) != 0) return -1;
  return bytes_buf_append(out, res, sizeof res);
}

const evm_precompile_t evm_precompile_bls12_pairing = {"blsPairing", EVM_PRAGUE, pc_pairing_gas, pc_pairing_run};
