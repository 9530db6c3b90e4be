/* Header validity (Yellow Paper 4.3.4; EIP-1559 base fee and London gas-limit
 * doubling, EIP-4844/7691/7918 excess blob gas, EIP-3675 proof-of-stake header rules,
 * Ethash seal) and the classes of invalid blocks (the names the official tests give
 * them are test vocabulary: tests/vectors/exception_names.h). */
#ifndef ETHC_CONSENSUS_H
#define ETHC_CONSENSUS_H

#include <stdbool.h>
#include <stddef.h>

#include "ethc/chain_config.h"
#include "ethc/header.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  BLOCK_VALID = 0,
  BLOCK_ERR_RLP, /* undecodable block */
  BLOCK_ERR_UNKNOWN_PARENT,
  BLOCK_ERR_NUMBER,
  BLOCK_ERR_TIMESTAMP,
  BLOCK_ERR_GAS_LIMIT,         /* change bounds, minimum */
  BLOCK_ERR_GAS_LIMIT_TOO_BIG, /* above 2^63 - 1 */
  BLOCK_ERR_GAS_USED_OVER_LIMIT,
  BLOCK_ERR_EXTRA_DATA,
  BLOCK_ERR_DIFFICULTY,
  BLOCK_ERR_POW, /* Ethash mix hash or target */
  BLOCK_ERR_BASE_FEE,
  BLOCK_ERR_FIELDS, /* a fork's header field present or missing */
  BLOCK_ERR_EXCESS_BLOB_GAS,
  BLOCK_ERR_BLOB_GAS_USED,
  BLOCK_ERR_POS_DIFFICULTY, /* non-zero difficulty after the merge */
  BLOCK_ERR_POS_NONCE,
  BLOCK_ERR_POS_UNCLES, /* ommers after the merge */
  BLOCK_ERR_UNCLES_HASH,
  BLOCK_ERR_TOO_MANY_UNCLES,
  BLOCK_ERR_UNCLE, /* an invalid, duplicate, too old or in-chain ommer */
  BLOCK_ERR_TX_ROOT,
  BLOCK_ERR_WITHDRAWALS_ROOT,
  BLOCK_ERR_TX,       /* an invalid transaction: its class is a tx_invalid_t */
  BLOCK_ERR_GAS_USED, /* header gas used differs from execution */
  BLOCK_ERR_RECEIPTS_ROOT,
  BLOCK_ERR_BLOOM,
  BLOCK_ERR_STATE_ROOT,
  BLOCK_ERR_REQUESTS_HASH,
  BLOCK_ERR_BLOCK_SIZE,     /* EIP-7934 */
  BLOCK_ERR_DAO_EXTRA_DATA, /* EIP-779: the ten blocks from the DAO fork carry "dao-hard-fork" */
  BLOCK_ERR_POS_BEFORE_TTD, /* a proof-of-stake block (difficulty 0) whose parent is short of the TTD */
  BLOCK_ERR__COUNT
} block_error_t;

/* A short description, e.g. "gas limit out of bounds". */
const char *block_error_message(block_error_t e);

/* Validates `h` against its parent. `post_merge`: `h` is a proof-of-stake block;
 * otherwise, on a chain with a terminal total difficulty, a difficulty of 0 (a
 * proof-of-stake block whose parent is short of it) is BLOCK_ERR_POS_BEFORE_TTD.
 * `check_seal`: verify the Ethash seal of proof-of-work headers (false = geth's
 * --fakepow: every other rule, difficulty included, still applies). Ommers and
 * body-dependent fields are checked by the block importer. */
block_error_t header_validate(const chain_config_t *c, const chain_header_t *h, const chain_header_t *parent,
                              bool post_merge, bool check_seal);

/* Number of header fields of the fork active at (number, timestamp): 15, + base
 * fee (London), + withdrawals root (Shanghai), + blob gas used, excess blob gas
 * and parent beacon root (Cancun), + requests hash (Prague). */
size_t header_field_count(const chain_config_t *c, uint64_t number, uint64_t timestamp);

/* EIP-1559 base fee of the child of `parent` (INITIAL_BASE_FEE at the London block). */
void header_expected_base_fee(const chain_config_t *c, const chain_header_t *parent, u256_t *out);
/* EIP-4844 excess blob gas of a child with timestamp `timestamp` (EIP-7918 from Osaka). */
uint64_t header_expected_excess_blob_gas(const chain_config_t *c, const chain_header_t *parent, uint64_t timestamp);

#ifdef __cplusplus
}
#endif

#endif
