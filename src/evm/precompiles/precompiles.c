/* The precompile address table (Yellow Paper appendix E and the EIPs that add
 * 0x05-0x11 and 0x100), lookup by address/fork and by test-file name, and the
 * generic call wrapper: charge gas, run, fail with all gas consumed. */
#include "ethc/precompiles.h"

#include <stdlib.h>
#include <string.h>

extern const evm_precompile_t evm_precompile_ecrecover, evm_precompile_sha256, evm_precompile_ripemd160,
    evm_precompile_identity, evm_precompile_modexp, evm_precompile_blake2f, evm_precompile_p256verify;
extern const evm_precompile_t evm_precompile_bn254_add, evm_precompile_bn254_mul, evm_precompile_bn254_pairing,
    evm_precompile_point_evaluation, evm_precompile_bls12_g1add, evm_precompile_bls12_g1msm, evm_precompile_bls12_g2add,
    evm_precompile_bls12_g2msm, evm_precompile_bls12_pairing, evm_precompile_bls12_map_fp_to_g1,
    evm_precompile_bls12_map_fp2_to_g2;

/* Addresses 0x01..0x11, indexed by the low byte. */
static const evm_precompile_t *const low_table[0x12] = {
    [0x01] = &evm_precompile_ecrecover,
    [0x02] = &evm_precompile_sha256,
    [0x03] = &evm_precompile_ripemd160,
    [0x04] = &evm_precompile_identity,
    [0x05] = &evm_precompile_modexp,
    [0x06] = &evm_precompile_bn254_add,
    [0x07] = &evm_precompile_bn254_mul,
    [0x08] = &evm_precompile_bn254_pairing,
    [0x09] = &evm_precompile_blake2f,
    [0x0a] = &evm_precompile_point_evaluation,
    [0x0b] = &evm_precompile_bls12_g1add,
    [0x0c] = &evm_precompile_bls12_g1msm,
    [0x0d] = &evm_precompile_bls12_g2add,
    [0x0e] = &evm_precompile_bls12_g2msm,
    [0x0f] = &evm_precompile_bls12_pairing,
    [0x10] = &evm_precompile_bls12_map_fp_to_g1,
    [0x11] = &evm_precompile_bls12_map_fp2_to_g2,
};

/* Activation forks per address. The entries' own `since` fields are ignored here
 * so that a placeholder with a wrong field cannot change consensus. */
static const evm_revision_t low_since[0x12] = {
    [0x01] = EVM_FRONTIER,  [0x02] = EVM_FRONTIER,  [0x03] = EVM_FRONTIER,  [0x04] = EVM_FRONTIER,
    [0x05] = EVM_BYZANTIUM, [0x06] = EVM_BYZANTIUM, [0x07] = EVM_BYZANTIUM, [0x08] = EVM_BYZANTIUM,
    [0x09] = EVM_ISTANBUL,  [0x0a] = EVM_CANCUN,    [0x0b] = EVM_PRAGUE,    [0x0c] = EVM_PRAGUE,
    [0x0d] = EVM_PRAGUE,    [0x0e] = EVM_PRAGUE,    [0x0f] = EVM_PRAGUE,    [0x10] = EVM_PRAGUE,
    [0x11] = EVM_PRAGUE,
};

const evm_precompile_t *evm_precompile_get(const ethc_address_t *addr, evm_revision_t rev) {
  /* Every call and every transaction's warming asks this: test the 18 leading
   * zero bytes as words, not one by one. */
  const uint8_t *a = addr->bytes;
  uint64_t w0, w1;
  uint16_t w2;
  memcpy(&w0, a, 8);
  memcpy(&w1, a + 8, 8);
  memcpy(&w2, a + 16, 2);
  if (w0 | w1 | w2) return NULL;
  unsigned n = ((unsigned)a[18] << 8) | a[19];
  if (n >= 1 && n <= 0x11) return rev >= low_since[n] ? low_table[n] : NULL;
  if (n == 0x100) return rev >= EVM_OSAKA ? &evm_precompile_p256verify : NULL;
  return NULL;
}

static const struct {
  const char *name;
  const evm_precompile_t *p;
} by_name[] = {
    {"ecRecover", &evm_precompile_ecrecover},
    {"sha256", &evm_precompile_sha256},
    {"ripemd160", &evm_precompile_ripemd160},
    {"identity", &evm_precompile_identity},
    {"modexp", &evm_precompile_modexp},
    {"bn256Add", &evm_precompile_bn254_add},
    {"bn256ScalarMul", &evm_precompile_bn254_mul},
    {"bn256Pairing", &evm_precompile_bn254_pairing},
    {"blake2F", &evm_precompile_blake2f},
    {"pointEvaluation", &evm_precompile_point_evaluation},
    {"blsG1Add", &evm_precompile_bls12_g1add},
    {"blsG1MultiExp", &evm_precompile_bls12_g1msm},
    {"blsG1Mul", &evm_precompile_bls12_g1msm},
    {"blsG2Add", &evm_precompile_bls12_g2add},
    {"blsG2MultiExp", &evm_precompile_bls12_g2msm},
    {"blsG2Mul", &evm_precompile_bls12_g2msm},
    {"blsPairing", &evm_precompile_bls12_pairing},
    {"blsMapG1", &evm_precompile_bls12_map_fp_to_g1},
    {"blsMapG2", &evm_precompile_bls12_map_fp2_to_g2},
    {"p256Verify", &evm_precompile_p256verify},
};

const evm_precompile_t *evm_precompile_by_name(const char *name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof by_name / sizeof by_name[0]; i++)
    if (strcmp(by_name[i].name, name) == 0) return by_name[i].p;
  return NULL;
}

static void release_output(const evm_result_t *r) { free((void *)r->output); }

evm_result_t evm_precompile_call(const evm_precompile_t *p, evm_revision_t rev, const uint8_t *in, size_t len,
                                 int64_t gas) {
  evm_result_t res;
  memset(&res, 0, sizeof res);
  int64_t cost = p->gas(in, len, rev);
  if (cost < 0 || cost > gas) {
    res.status = EVM_OUT_OF_GAS;
    return res;
  }
  bytes_buf_t out = {0};
  if (p->run(in, len, rev, &out) != 0) {
    bytes_buf_free(&out);
    res.status = EVM_PRECOMPILE_FAILURE;
    return res;
  }
  res.status = EVM_SUCCESS;
  res.gas_left = gas - cost;
  if (out.len > 0) {
    res.output = out.data;
    res.output_size = out.len;
    res.release = release_output;
  } else {
    bytes_buf_free(&out);
  }
  return res;
}
