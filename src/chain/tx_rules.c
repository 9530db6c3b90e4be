/* Stateless transaction validity per fork: accepted types (EIP-2718 family), chain
 * id (EIP-155), signature values (EIP-2), nonce cap (EIP-2681), intrinsic gas
 * (Yellow Paper 6.2, EIP-2028, EIP-2930, EIP-3860, EIP-7702), the EIP-7623 floor,
 * init-code size (EIP-3860), blob rules (EIP-4844, EIP-7594) and EIP-7825's gas cap,
 * each failure classed (tx_invalid_t). */
#include <string.h>

#include "ethc/error.h"
#include "ethc/secp256k1.h"
#include "ethc/tx.h"

bool tx_type_allowed(tx_type_t type, evm_revision_t rev) {
  switch (type) {
    case TX_LEGACY: return true;
    case TX_ACCESS_LIST: return rev >= EVM_BERLIN;
    case TX_DYNAMIC_FEE: return rev >= EVM_LONDON;
    case TX_BLOB: return rev >= EVM_CANCUN;
    case TX_SET_CODE: return rev >= EVM_PRAGUE;
  }
  return false;
}

size_t tx_max_blobs(evm_revision_t rev) {
  if (rev >= EVM_OSAKA) return 6;  /* EIP-7594 MAX_BLOBS_PER_TX */
  if (rev >= EVM_PRAGUE) return 9; /* EIP-7691: 1179648 / 2^17 per block */
  if (rev >= EVM_CANCUN) return 6; /* EIP-4844: 786432 / 2^17 per block */
  return 0;
}

static inline uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
static inline uint64_t sat_mul(uint64_t a, uint64_t b) {
  unsigned __int128 p = (unsigned __int128)a * b;
  return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

static size_t count_zero_bytes(const uint8_t *p, size_t n) {
  size_t z = 0;
  for (size_t i = 0; i < n; i++) z += p[i] == 0;
  return z;
}

uint64_t tx_intrinsic_gas(const tx_t *tx, evm_revision_t rev) {
  uint64_t gas = TX_GAS_BASE;
  size_t zeros = count_zero_bytes(tx->data, tx->data_len);
  size_t nonzeros = tx->data_len - zeros;
  uint64_t nz_cost = rev >= EVM_ISTANBUL ? TX_GAS_DATA_NONZERO_ISTANBUL : TX_GAS_DATA_NONZERO_FRONTIER;
  gas = sat_add(gas, sat_mul(zeros, TX_GAS_DATA_ZERO));
  gas = sat_add(gas, sat_mul(nonzeros, nz_cost));
  if (!tx->has_to) {
    if (rev >= EVM_HOMESTEAD) gas = sat_add(gas, TX_GAS_CREATE);
    if (rev >= EVM_SHANGHAI) {
      uint64_t words = tx->data_len / 32 + (tx->data_len % 32 != 0);
      gas = sat_add(gas, sat_mul(words, TX_GAS_INITCODE_WORD));
    }
  }
  if (rev >= EVM_BERLIN) {
    gas = sat_add(gas, sat_mul(tx->access_list_count, TX_GAS_ACCESS_LIST_ADDRESS));
    for (size_t i = 0; i < tx->access_list_count; i++)
      gas = sat_add(gas, sat_mul(tx->access_list[i].storage_keys_count, TX_GAS_ACCESS_LIST_STORAGE_KEY));
  }
  if (rev >= EVM_PRAGUE) gas = sat_add(gas, sat_mul(tx->authorizations_count, TX_GAS_PER_AUTH));
  return gas;
}

uint64_t tx_floor_data_gas(const tx_t *tx, evm_revision_t rev) {
  if (rev < EVM_PRAGUE) return 0;
  size_t zeros = count_zero_bytes(tx->data, tx->data_len);
  uint64_t tokens = sat_add(zeros, sat_mul(tx->data_len - zeros, 4));
  return sat_add(TX_GAS_BASE, sat_mul(tokens, TX_GAS_FLOOR_PER_TOKEN));
}

uint64_t tx_blob_gas(const tx_t *tx) {
  return tx->type == TX_BLOB ? sat_mul(tx->blob_hashes_count, TX_GAS_PER_BLOB) : 0;
}

/* True when gas * price fits 256 bits (and *out gets it). */
static bool mul_u64_u256(uint64_t gas, const u256_t *price, u256_t *out) {
  uint64_t carry = 0;
  for (int i = 0; i < 4; i++) {
    unsigned __int128 p = (unsigned __int128)gas * price->w[i] + carry;
    out->w[i] = (uint64_t)p;
    carry = (uint64_t)(p >> 64);
  }
  return carry == 0;
}

tx_invalid_t tx_rules_alone(const tx_t *tx, evm_revision_t rev) {
  if ((unsigned)tx->type > TX_SET_CODE || !tx_type_allowed(tx->type, rev)) return tx_type_pre_fork(tx->type);
  /* EIP-2681: the nonce stays below 2^64 - 1. */
  if (tx->nonce == UINT64_MAX) return TXE_NONCE_MAX;
  /* EIP-3860: init code size. */
  if (rev >= EVM_SHANGHAI && !tx->has_to && tx->data_len > TX_MAX_INITCODE_SIZE) return TXE_INITCODE_TOO_LARGE;
  if (rev >= EVM_OSAKA && tx->gas_limit > TX_MAX_GAS_LIMIT_OSAKA) return TXE_GAS_LIMIT_CAP;
  return TXE_NONE;
}

tx_invalid_t tx_rules_gas(const tx_t *tx, evm_revision_t rev, uint64_t *intrinsic_out, uint64_t *floor_out) {
  const uint64_t intrinsic = tx_intrinsic_gas(tx, rev);
  if (intrinsic_out) *intrinsic_out = intrinsic;
  if (tx->gas_limit < intrinsic) return TXE_INTRINSIC_GAS;
  const uint64_t floor = tx_floor_data_gas(tx, rev); /* 0 before Prague */
  if (floor_out) *floor_out = floor;
  if (tx->gas_limit < floor) return TXE_FLOOR_GAS;
  return TXE_NONE;
}

/* v, r, s value checks of tx_recover_sender without the recovery itself. */
tx_invalid_t tx_rules_signature(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id) {
  const u256_t *v = &tx->v;
  if (tx->type != TX_LEGACY) {
    if (!u256_eq(&tx->chain_id, chain_id)) return TXE_CHAIN_ID;
    if (!u256_fits_u64(v) || v->w[0] > 1) return TXE_SIGNATURE;
  } else if (u256_fits_u64(v) && (v->w[0] == 27 || v->w[0] == 28)) {
    if (tx->has_chain_id) return TXE_SIGNATURE;
  } else {
    /* EIP-155 values exist only from Spurious Dragon. */
    if (rev < EVM_SPURIOUS_DRAGON) return TXE_SIGNATURE;
    /* v below 35 (and not 27/28) derives no valid chain id; 0 and 1 are no
     * EIP-155 values at all (go-ethereum's isProtectedV) */
    if (!tx->has_chain_id) return u256_fits_u64(v) && v->w[0] <= 1 ? TXE_SIGNATURE : TXE_CHAIN_ID;
    if (!u256_eq(&tx->chain_id, chain_id)) return TXE_CHAIN_ID;
    /* v must be exactly 2 * chain_id + 35 or 36 (a hand-built tx may disagree). */
    if (tx->chain_id.w[3] >> 63) return TXE_SIGNATURE;
    u256_t base = tx->chain_id, k35 = u256_from_u64(35), one = U256_ONE;
    u256_add(&base, &base, &tx->chain_id);
    u256_add(&base, &base, &k35);
    if (u256_lt(&base, &k35)) return TXE_SIGNATURE; /* wrapped */
    if (!u256_eq(v, &base)) {
      u256_add(&base, &base, &one);
      if (u256_is_zero(&base) || !u256_eq(v, &base)) return TXE_SIGNATURE;
    }
  }
  uint8_t r[32], s[32];
  u256_to_be(&tx->r, r);
  u256_to_be(&tx->s, s);
  bool low_s = tx->type != TX_LEGACY || rev >= EVM_HOMESTEAD;
  if (!ethc_secp256k1_valid_rs(r, s, low_s)) return TXE_SIGNATURE;
  return TXE_NONE;
}

tx_invalid_t tx_rules_fields(const tx_t *tx, evm_revision_t rev) {
  /* Fees: the up-front cost gas_limit * max fee must be representable. */
  u256_t cost;
  if (!mul_u64_u256(tx->gas_limit, &tx->max_fee_per_gas, &cost)) return TXE_FEE_OVERFLOW;
  if (!mul_u64_u256(tx->gas_limit, &tx->gas_price, &cost)) return TXE_FEE_OVERFLOW;
  if (tx->type >= TX_DYNAMIC_FEE && u256_lt(&tx->max_fee_per_gas, &tx->max_priority_fee_per_gas))
    return TXE_PRIORITY_ABOVE_MAX_FEE;
  if (tx->type == TX_BLOB) {
    if (tx->blob_hashes_count == 0) return TXE_BLOB_ZERO;
    if (tx->blob_hashes_count > tx_max_blobs(rev)) return TXE_BLOB_COUNT_EXCEEDED;
    for (size_t i = 0; i < tx->blob_hashes_count; i++)
      if (tx->blob_hashes[i].bytes[0] != TX_BLOB_COMMITMENT_VERSION_KZG) return TXE_BLOB_VERSION;
    if (!tx->has_to) return TXE_BLOB_CREATE;
  }
  if (tx->type == TX_SET_CODE) {
    if (!tx->has_to) return TXE_SET_CODE_CREATE;
    if (tx->authorizations_count == 0) return TXE_EMPTY_AUTH_LIST;
  }
  return TXE_NONE;
}

int tx_validate_class(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id, tx_invalid_t *why) {
  if (why) *why = TXE_NONE;
  if (!tx || !chain_id || (unsigned)rev >= EVM_REVISION_COUNT) return ETHC_ERR_INVALID;
  tx_invalid_t c = tx_rules_alone(tx, rev);
  if (c == TXE_NONE) c = tx_rules_signature(tx, rev, chain_id);
  if (c == TXE_NONE) c = tx_rules_fields(tx, rev);
  if (c == TXE_NONE) c = tx_rules_gas(tx, rev, NULL, NULL);
  if (why) *why = c;
  return tx_invalid_code(c);
}

int tx_validate(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id) {
  return tx_validate_class(tx, rev, chain_id, NULL);
}

int tx_check(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id, ethc_address_t *sender) {
  int rc = tx_validate(tx, rev, chain_id);
  return rc ? rc : tx_recover_sender(tx, rev, sender);
}
