/* Precompile 0x0a point evaluation (EIP-4844, Cancun): checks the versioned hash
 * of the commitment and the KZG proof that p(z) = y; returns FIELD_ELEMENTS_PER_BLOB
 * and BLS_MODULUS as two 32-byte words; gas 50000. */
#include "ethc/kzg.h"
#include "ethc/precompiles.h"

static int64_t point_evaluation_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return KZG_POINT_EVALUATION_GAS;
}

static int point_evaluation_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t res[64];
  if (kzg_point_evaluation(in, len, res) != 0) return -1;
  return bytes_buf_append(out, res, sizeof res);
}

const evm_precompile_t evm_precompile_point_evaluation = {"pointEvaluation", EVM_CANCUN, point_evaluation_gas,
                                                          point_evaluation_run};
