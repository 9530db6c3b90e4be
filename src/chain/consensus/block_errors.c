/* Classes of invalid blocks (block_error_t): a description of each. The names the
 * official tests give the classes are test vocabulary (tests/vectors/exception_names.c). */
#include "ethc/consensus.h"

static const char *const messages[BLOCK_ERR__COUNT] = {
    [BLOCK_VALID] = "valid",
    [BLOCK_ERR_RLP] = "malformed block RLP",
    [BLOCK_ERR_UNKNOWN_PARENT] = "unknown parent",
    [BLOCK_ERR_NUMBER] = "block number is not parent + 1",
    [BLOCK_ERR_TIMESTAMP] = "timestamp not after the parent's",
    [BLOCK_ERR_GAS_LIMIT] = "gas limit out of bounds",
    [BLOCK_ERR_GAS_LIMIT_TOO_BIG] = "gas limit above 2^63-1",
    [BLOCK_ERR_GAS_USED_OVER_LIMIT] = "gas used above the gas limit",
    [BLOCK_ERR_DAO_EXTRA_DATA] = "DAO fork block without the \"dao-hard-fork\" extra data",
    [BLOCK_ERR_EXTRA_DATA] = "extra data too long",
    [BLOCK_ERR_DIFFICULTY] = "wrong difficulty",
    [BLOCK_ERR_POW] = "invalid proof of work",
    [BLOCK_ERR_BASE_FEE] = "wrong base fee",
    [BLOCK_ERR_FIELDS] = "header fields do not match the fork",
    [BLOCK_ERR_EXCESS_BLOB_GAS] = "wrong excess blob gas",
    [BLOCK_ERR_BLOB_GAS_USED] = "wrong blob gas used",
    [BLOCK_ERR_POS_DIFFICULTY] = "non-zero difficulty after the merge",
    [BLOCK_ERR_POS_NONCE] = "non-zero nonce after the merge",
    [BLOCK_ERR_POS_UNCLES] = "ommers after the merge",
    [BLOCK_ERR_POS_BEFORE_TTD] = "proof-of-stake block before the terminal total difficulty",
    [BLOCK_ERR_UNCLES_HASH] = "wrong ommers hash",
    [BLOCK_ERR_TOO_MANY_UNCLES] = "more than two ommers",
    [BLOCK_ERR_UNCLE] = "invalid ommer",
    [BLOCK_ERR_TX_ROOT] = "wrong transactions root",
    [BLOCK_ERR_WITHDRAWALS_ROOT] = "wrong withdrawals root",
    [BLOCK_ERR_TX] = "invalid transaction",
    [BLOCK_ERR_GAS_USED] = "gas used differs from execution",
    [BLOCK_ERR_RECEIPTS_ROOT] = "wrong receipts root",
    [BLOCK_ERR_BLOOM] = "wrong logs bloom",
    [BLOCK_ERR_STATE_ROOT] = "wrong state root",
    [BLOCK_ERR_REQUESTS_HASH] = "invalid requests",
    [BLOCK_ERR_BLOCK_SIZE] = "block larger than the RLP size limit",
};

const char *block_error_message(block_error_t e) {
  return (unsigned)e < BLOCK_ERR__COUNT ? messages[e] : "unknown block error";
}
