/* Fork parameters used by the state transition: EIP-4844/7691 blob schedules and
 * the blob base fee (fake_exponential), EIP-3529 refund quotient, EIP-170 code size. */
#include <stdint.h>

#include "ethc/transition.h"

void chain_blob_params(evm_revision_t rev, chain_blob_params_t *out) {
  if (rev >= EVM_PRAGUE) *out = (chain_blob_params_t){6, 9, 5007716};      /* EIP-7691 */
  else if (rev >= EVM_CANCUN) *out = (chain_blob_params_t){3, 6, 3338477}; /* EIP-4844 */
  else *out = (chain_blob_params_t){0, 0, 0};
}

void chain_blob_base_fee(uint64_t excess, uint64_t fraction, u256_t *out) {
  if (fraction == 0) {
    *out = U256_ZERO;
    return;
  }
  /* fake_exponential(1, excess, fraction): Taylor series of fraction * e^(excess/fraction). */
  u256_t output = U256_ZERO, accum = u256_from_u64(fraction), num = u256_from_u64(excess);
  for (uint64_t i = 1; !u256_is_zero(&accum); i++) {
    u256_t sum;
    u256_add(&sum, &output, &accum);
    if (u256_lt(&sum, &output)) goto saturate;
    output = sum;
    uint64_t prod[8];
    u256_mul_full(prod, &accum, &num);
    if (prod[4] | prod[5] | prod[6] | prod[7]) goto saturate;
    u256_t p = {{prod[0], prod[1], prod[2], prod[3]}};
    unsigned __int128 d = (unsigned __int128)fraction * i;
    if (d >> 64) { /* the series has long converged by then */
      break;
    }
    u256_t den = u256_from_u64((uint64_t)d);
    u256_div(&accum, &p, &den);
  }
  u256_t den = u256_from_u64(fraction);
  u256_div(out, &output, &den);
  return;
saturate:
  *out = U256_MAX;
}

uint64_t chain_refund_quotient(evm_revision_t rev) { return rev >= EVM_LONDON ? 5 : 2; }

size_t chain_max_code_size(evm_revision_t rev) { return rev >= EVM_SPURIOUS_DRAGON ? 24576 : SIZE_MAX; }
