/* Stateless transaction validity per fork: accepted types (EIP-2718 family), chain
 * id (EIP-155), signature values (EIP-2), nonce cap (EIP-2681), intrinsic gas
 * (Yellow Paper 6.2, EIP-2028, EIP-2930, EIP-3860, EIP-7702), the EIP-7623 floor,
 * init-code size (EIP-3860), blob rules (EIP-4844, EIP-7594) and EIP-7825's gas cap. */
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
  if (rev >= EVM_OSAKA) return 6;   /* EIP-7594 MAX_BLOBS_PER_TX */
  if (rev >= EVM_PRAGUE) return 9;  /* EIP-7691: 1179648 / 2^17 per block */
  if (rev >= EVM_CANCUN) return 6;  /* EIP-4844: 786432 / 2^17 per block */
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

/* v, r, s value checks of tx_recover_sender without the recovery itself. */
static int check_signature_values(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id) {
  const u256_t *v = &tx->v;
  if (tx->type != TX_LEGACY) {
    if (!u256_fits_u64(v) || v->w[0] > 1) return ETHC_ERR_TX_SIGNATURE;
    if (!u256_eq(&tx->chain_id, chain_id)) return ETHC_ERR_TX_CHAIN_ID;
  } else if (u256_fits_u64(v) && (v->w[0] == 27 || v->w[0] == 28)) {
    if (tx->has_chain_id) return ETHC_ERR_TX_SIGNATURE;
  } else {
    /* EIP-155 values exist only from Spurious Dragon. */
    if (rev < EVM_SPURIOUS_DRAGON) return ETHC_ERR_TX_SIGNATURE;
    if (!tx->has_chain_id) return ETHC_ERR_TX_SIGNATURE;
    if (!u256_eq(&tx->chain_id, chain_id)) return ETHC_ERR_TX_CHAIN_ID;
    /* v must be exactly 2 * chain_id + 35 or 36 (a hand-built tx may disagree). */
    if (tx->chain_id.w[3] >> 63) return ETHC_ERR_TX_SIGNATURE;
    u256_t base = tx->chain_id, k35 = u256_from_u64(35), one = U256_ONE;
    u256_add(&base, &base, &tx->chain_id);
    u256_add(&base, &base, &k35);
    if (u256_lt(&base, &k35)) return ETHC_ERR_TX_SIGNATURE; /* wrapped */
    if (!u256_eq(v, &base)) {
      u256_add(&base, &base, &one);
      if (u256_is_zero(&base) || !u256_eq(v, &base)) return ETHC_ERR_TX_SIGNATURE;
    }
  }
  uint8_t r[32], s[32];
  u256_to_be(&tx->r, r);
  u256_to_be(&tx->s, s);
  bool low_s = tx->type != TX_LEGACY || rev >= EVM_HOMESTEAD;
  if (!ethc_secp256k1_valid_rs(r, s, low_s)) return ETHC_ERR_TX_SIGNATURE;
  return ETHC_OK;
}

int tx_validate(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id) {
  if (!tx || !chain_id || (unsigned)rev >= EVM_REVISION_COUNT) return ETHC_ERR_INVALID;
  if ((unsigned)tx->type > TX_SET_CODE || !tx_type_allowed(tx->type, rev)) return ETHC_ERR_TX_TYPE;
  int rc = check_signature_values(tx, rev, chain_id);
  if (rc) return rc;

  /* EIP-2681: the nonce stays below 2^64 - 1. */
  if (tx->nonce == UINT64_MAX) return ETHC_ERR_TX_INVALID;

  /* Fees: the up-front cost gas_limit * max fee must be representable. */
  u256_t cost;
  if (!mul_u64_u256(tx->gas_limit, &tx->max_fee_per_gas, &cost)) return ETHC_ERR_OVERFLOW;
  if (!mul_u64_u256(tx->gas_limit, &tx->gas_price, &cost)) return ETHC_ERR_OVERFLOW;
  if (tx->type >= TX_DYNAMIC_FEE && u256_lt(&tx->max_fee_per_gas, &tx->max_priority_fee_per_gas))
    return ETHC_ERR_TX_INVALID;

  /* Gas bounds. */
  if (tx->gas_limit < tx_intrinsic_gas(tx, rev)) return ETHC_ERR_TX_INTRINSIC_GAS;
  if (rev >= EVM_PRAGUE && tx->gas_limit < tx_floor_data_gas(tx, rev)) return ETHC_ERR_TX_INTRINSIC_GAS;
  if (rev >= EVM_OSAKA && tx->gas_limit > TX_MAX_GAS_LIMIT_OSAKA) return ETHC_ERR_TX_INVALID;

  /* EIP-3860: init code size. */
  if (rev >= EVM_SHANGHAI && !tx->has_to && tx->data_len > TX_MAX_INITCODE_SIZE) return ETHC_ERR_TX_INVALID;

  if (tx->type == TX_BLOB) {
    if (!tx->has_to) return ETHC_ERR_TX_INVALID;
    if (tx->blob_hashes_count == 0 || tx->blob_hashes_count > tx_max_blobs(rev)) return ETHC_ERR_TX_INVALID;
    for (size_t i = 0; i < tx->blob_hashes_count; i++)
      if (tx->blob_hashes[i].bytes[0] != TX_BLOB_COMMITMENT_VERSION_KZG) return ETHC_ERR_TX_INVALID;
  }
  if (tx->type == TX_SET_CODE) {
    if (!tx->has_to) return ETHC_ERR_TX_INVALID;
    if (tx->authorizations_count == 0) return ETHC_ERR_TX_INVALID;
  }
  return ETHC_OK;
}

int tx_check(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id, ethc_address_t *sender) {
  int rc = tx_validate(tx, rev, chain_id);
  return rc ? rc : tx_recover_sender(tx, rev, sender);
}
