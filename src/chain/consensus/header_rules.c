/* Header validity against the parent (Yellow Paper 4.3.4; EIP-1559 gas target,
 * base fee and the London gas-limit doubling; EIP-4844 excess blob gas with the
 * EIP-7918 reserve price from Osaka; EIP-3675 proof-of-stake rules; Ethash seal). */
#include <string.h>

#include "ethc/consensus.h"
#include "ethc/ethash.h"
#include "ethc/transition.h"

#define GAS_LIMIT_BOUND_DIVISOR 1024
#define MIN_GAS_LIMIT 5000
#define MAX_GAS_LIMIT 0x7fffffffffffffffULL
#define ELASTICITY_MULTIPLIER 2
#define BASE_FEE_CHANGE_DENOMINATOR 8
#define INITIAL_BASE_FEE 1000000000ULL
#define MAX_EXTRA_DATA 32
#define GAS_PER_BLOB 131072ULL
#define BLOB_BASE_COST 8192ULL /* EIP-7918 */

/* EIP-779: a chain that supports the DAO fork marks its first ten blocks. */
#define DAO_EXTRA "dao-hard-fork"
#define DAO_EXTRA_RANGE 10

static bool dao_extra_data_required(const chain_config_t *c, uint64_t number) {
  uint64_t dao = c->activation[FORK_DAO];
  return c->dao_fork_support && dao != CHAIN_NEVER && number >= dao && number - dao < DAO_EXTRA_RANGE;
}

static bool is_london_block(const chain_config_t *c, const chain_header_t *h) {
  return c->activation[FORK_LONDON] == h->number;
}

void header_expected_base_fee(const chain_config_t *c, const chain_header_t *parent, u256_t *out) {
  chain_header_t child = {0};
  child.number = parent->number + 1;
  if (is_london_block(c, &child) || !parent->has_base_fee) {
    *out = u256_from_u64(INITIAL_BASE_FEE);
    return;
  }
  uint64_t target = parent->gas_limit / ELASTICITY_MULTIPLIER;
  const u256_t *base = &parent->base_fee;
  if (target == 0 || parent->gas_used == target) {
    *out = *base;
    return;
  }
  bool up = parent->gas_used > target;
  u256_t diff = u256_from_u64(up ? parent->gas_used - target : target - parent->gas_used);
  u256_t t = u256_from_u64(target), denom = u256_from_u64(BASE_FEE_CHANGE_DENOMINATOR), delta;
  u256_mul(&delta, base, &diff);
  u256_div(&delta, &delta, &t);
  u256_div(&delta, &delta, &denom);
  if (up) {
    u256_t one = U256_ONE;
    if (u256_is_zero(&delta)) delta = one;
    u256_add(out, base, &delta);
  } else {
    u256_sub(out, base, &delta);
  }
}

/* The EIP-7840 parameters of the fork active at `timestamp`. */
static chain_blob_schedule_t blob_schedule(const chain_config_t *c, uint64_t timestamp) {
  return chain_config_blob_params(c, timestamp);
}

uint64_t header_expected_excess_blob_gas(const chain_config_t *c, const chain_header_t *parent, uint64_t timestamp) {
  uint64_t parent_excess = parent->has_blob_gas ? parent->excess_blob_gas : 0;
  uint64_t parent_used = parent->has_blob_gas ? parent->blob_gas_used : 0;
  chain_blob_schedule_t p = blob_schedule(c, timestamp);
  uint64_t target = p.target * GAS_PER_BLOB;
  if (parent_excess + parent_used < target) return 0;
  if (chain_fork_active(c, FORK_OSAKA, parent->number + 1, timestamp) && parent->has_base_fee && p.max) {
    /* EIP-7918: while execution gas prices the blobs above their own base fee,
     * excess blob gas only grows (by the share of blobs above target). The blob
     * fee is the parent's excess priced with the child's schedule. */
    u256_t blob_fee, lhs, rhs, k;
    chain_blob_base_fee(parent_excess, p.update_fraction, &blob_fee);
    k = u256_from_u64(BLOB_BASE_COST);
    u256_mul(&lhs, &parent->base_fee, &k);
    k = u256_from_u64(GAS_PER_BLOB);
    u256_mul(&rhs, &blob_fee, &k);
    if (u256_lt(&rhs, &lhs)) return parent_excess + parent_used * (p.max - p.target) / p.max;
  }
  return parent_excess + parent_used - target;
}

size_t header_field_count(const chain_config_t *c, uint64_t number, uint64_t timestamp) {
  size_t n = 15;
  if (chain_fork_active(c, FORK_LONDON, number, timestamp)) n += 1;
  if (chain_fork_active(c, FORK_SHANGHAI, number, timestamp)) n += 1;
  if (chain_fork_active(c, FORK_CANCUN, number, timestamp)) n += 3;
  if (chain_fork_active(c, FORK_PRAGUE, number, timestamp)) n += 1;
  return n;
}

static bool gas_limit_ok(const chain_config_t *c, const chain_header_t *h, const chain_header_t *parent) {
  uint64_t parent_limit = parent->gas_limit;
  if (is_london_block(c, h)) parent_limit *= ELASTICITY_MULTIPLIER;
  uint64_t bound = parent_limit / GAS_LIMIT_BOUND_DIVISOR;
  if (h->gas_limit >= parent_limit + bound) return false;
  if (h->gas_limit + bound <= parent_limit) return false;
  return h->gas_limit >= MIN_GAS_LIMIT;
}

block_error_t header_validate(const chain_config_t *c, const chain_header_t *h, const chain_header_t *parent,
                              bool post_merge, bool check_seal) {
  if (h->number != parent->number + 1) return BLOCK_ERR_NUMBER;
  if (h->timestamp <= parent->timestamp) return BLOCK_ERR_TIMESTAMP;
  if (h->gas_limit > MAX_GAS_LIMIT) return BLOCK_ERR_GAS_LIMIT_TOO_BIG;
  if (h->gas_used > h->gas_limit) return BLOCK_ERR_GAS_USED_OVER_LIMIT;
  if (!gas_limit_ok(c, h, parent)) return BLOCK_ERR_GAS_LIMIT;
  if (h->extra_len > MAX_EXTRA_DATA) return BLOCK_ERR_EXTRA_DATA;
  if (dao_extra_data_required(c, h->number) &&
      (h->extra_len != sizeof DAO_EXTRA - 1 || memcmp(h->extra, DAO_EXTRA, sizeof DAO_EXTRA - 1) != 0))
    return BLOCK_ERR_DAO_EXTRA_DATA;

  uint64_t n = h->number, t = h->timestamp;
  bool london = chain_fork_active(c, FORK_LONDON, n, t), shanghai = chain_fork_active(c, FORK_SHANGHAI, n, t);
  bool cancun = chain_fork_active(c, FORK_CANCUN, n, t), prague = chain_fork_active(c, FORK_PRAGUE, n, t);
  if (h->has_base_fee != london || h->has_withdrawals_root != shanghai || h->has_blob_gas != cancun ||
      h->has_parent_beacon_root != cancun || h->has_requests_hash != prague)
    return BLOCK_ERR_FIELDS;
  if (london) {
    u256_t expected;
    header_expected_base_fee(c, parent, &expected);
    if (!u256_eq(&expected, &h->base_fee)) return BLOCK_ERR_BASE_FEE;
  }
  /* EIP-4844: the excess blob gas follows from the parent. The header's blob gas
   * used has no bound of its own: it must equal what the transactions use, which
   * the block's execution compares after validating each transaction's blobs
   * (execution-specs validate_header, check_transaction, state_transition). */
  if (cancun && h->excess_blob_gas != header_expected_excess_blob_gas(c, parent, t)) return BLOCK_ERR_EXCESS_BLOB_GAS;

  if (post_merge) {
    if (!u256_is_zero(&h->difficulty)) return BLOCK_ERR_POS_DIFFICULTY;
    static const uint8_t zero_nonce[8];
    if (memcmp(h->nonce, zero_nonce, 8) != 0) return BLOCK_ERR_POS_NONCE;
    if (!ethc_hash_eq(&h->ommers_hash, &HEADER_EMPTY_OMMERS_HASH)) return BLOCK_ERR_POS_UNCLES;
    return BLOCK_VALID;
  }

  /* EIP-3675: a proof-of-stake block (difficulty 0) before the parent's total
   * difficulty reached the terminal one (no proof-of-work difficulty is 0) */
  if (c->has_ttd && u256_is_zero(&h->difficulty)) return BLOCK_ERR_POS_BEFORE_TTD;
  difficulty_rules_t rules = chain_config_difficulty_rules(c, n);
  difficulty_input_t in = {
      .number = n,
      .timestamp = t,
      .parent_timestamp = parent->timestamp,
      .parent_difficulty = parent->difficulty,
      .parent_has_uncles = !ethc_hash_eq(&parent->ommers_hash, &HEADER_EMPTY_OMMERS_HASH),
  };
  u256_t expected;
  difficulty_calc(&expected, &rules, &in);
  if (!u256_eq(&expected, &h->difficulty)) return BLOCK_ERR_DIFFICULTY;
  if (check_seal) {
    ethc_hash_t seal;
    if (header_seal_hash(h, &seal) != 0) return BLOCK_ERR_POW;
    if (ethash_verify(n, seal.bytes, header_nonce_u64(h), h->mix_hash.bytes, &h->difficulty) != 0) return BLOCK_ERR_POW;
  }
  return BLOCK_VALID;
}
