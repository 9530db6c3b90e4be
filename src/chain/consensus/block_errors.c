/* Classes of invalid blocks and the names the official tests give them: the legacy
 * ethereum/tests names ("InvalidGasLimit") and the EEST exception names
 * ("BlockException.INVALID_GASLIMIT"). */
#include <string.h>

#include "ethc/consensus.h"

static const struct {
  const char *message;
  const char *names; /* space-separated names that this class satisfies */
} classes[BLOCK_ERR__COUNT] = {
  [BLOCK_VALID] = {"valid", ""},
  [BLOCK_ERR_RLP] = {"malformed block RLP",
                     "BlockException.RLP_STRUCTURES_ENCODING BlockException.RLP_INVALID_FIELD_OVERFLOW_64 "
                     "BlockException.RLP_INVALID_ADDRESS BlockException.RLP_WITHDRAWALS_NOT_READ "
                     "INPUT_UNMARSHAL_ERROR INPUT_UNMARSHAL_ADDRESS_ERROR RLP_ExpectedAsList"},
  [BLOCK_ERR_UNKNOWN_PARENT] = {"unknown parent", "UnknownParent UnknownParent2 BlockException.UNKNOWN_PARENT "
                                                  "BlockException.UNKNOWN_PARENT_ZERO"},
  [BLOCK_ERR_NUMBER] = {"block number is not parent + 1", "InvalidNumber BlockException.INVALID_BLOCK_NUMBER"},
  [BLOCK_ERR_TIMESTAMP] = {"timestamp not after the parent's",
                           "InvalidTimestamp InvalidTimestampOlderParent BlockException.INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT"},
  [BLOCK_ERR_GAS_LIMIT] = {"gas limit out of bounds", "InvalidGasLimit InvalidGasLimit2 BlockException.INVALID_GASLIMIT"},
  [BLOCK_ERR_GAS_LIMIT_TOO_BIG] = {"gas limit above 2^63-1", "InvalidGasLimit BlockException.GASLIMIT_TOO_BIG "
                                                              "BlockException.INVALID_GASLIMIT"},
  /* EEST names a header whose gas used exceeds its (zero) gas limit INVALID_GASLIMIT
   * (GasLimitIsZero), the legacy tests TooMuchGasUsed. */
  [BLOCK_ERR_GAS_USED_OVER_LIMIT] = {"gas used above the gas limit",
                                     "TooMuchGasUsed InvalidGasLimit2 BlockException.GAS_USED_OVERFLOW BlockException.INVALID_GASLIMIT"},
  [BLOCK_ERR_DAO_EXTRA_DATA] = {"DAO fork block without the \"dao-hard-fork\" extra data", "ExtraDataIncorrectDAO BlockException.EXTRA_DATA_INVALID_DAO"},
  [BLOCK_ERR_EXTRA_DATA] = {"extra data too long", "ExtraDataTooBig BlockException.EXTRA_DATA_TOO_BIG"},
  [BLOCK_ERR_DIFFICULTY] = {"wrong difficulty", "InvalidDifficulty BlockException.INVALID_DIFFICULTY"},
  [BLOCK_ERR_POW] = {"invalid proof of work", "InvalidBlockNonce BlockException.INVALID_BLOCK_NONCE "
                                              "BlockException.INVALID_MIX_DIGEST"},
  [BLOCK_ERR_BASE_FEE] = {"wrong base fee", "1559BlockImportImpossible_BaseFeeWrong BlockException.INVALID_BASEFEE_PER_GAS"},
  /* The legacy tests name a header of another fork's layout after the fork the
   * parent had ("Shanghai block on top of a block that is not Shanghai", "1559
   * block must be on top of 1559"), and a body without the fork's withdrawals
   * list after its RLP ("expected to be list"). */
  [BLOCK_ERR_FIELDS] = {"header fields do not match the fork",
                        "BlockException.INCORRECT_BLOCK_FORMAT BlockException.RLP_STRUCTURES_ENCODING "
                        "BlockException.IMPORT_IMPOSSIBLE_LEGACY BlockException.IMPORT_IMPOSSIBLE_SHANGHAI "
                        "BlockException.IMPORT_IMPOSSIBLE_LEGACY_WRONG_PARENT "
                        "BlockException.IMPORT_IMPOSSIBLE_LONDON_WRONG_PARENT "
                        "BlockException.IMPORT_IMPOSSIBLE_PARIS_OVER_SHANGHAI LegacyBlockImportImpossible "
                        "LegacyBlockImportImpossible2 1559BlockImportImpossible_HeaderIsLegacy "
                        "ShanghaiBlockImportImpossible ParisBlockImportImpossible RLP_ExpectedAsList"},
  [BLOCK_ERR_EXCESS_BLOB_GAS] = {"wrong excess blob gas", "BlockException.INCORRECT_EXCESS_BLOB_GAS"},
  [BLOCK_ERR_BLOB_GAS_USED] = {"wrong blob gas used", "BlockException.INCORRECT_BLOB_GAS_USED "
                                                      "BlockException.BLOB_GAS_USED_ABOVE_LIMIT"},
  /* EIP-3675's constant fields. 3675PreParis1559BlockRejected ("1559 block on
   * top of a PoS block") is the legacy tests' name for a proof-of-work-shaped
   * block after the merge, whichever constant it breaks; a proof-of-work
   * difficulty there is also simply a wrong difficulty. */
  [BLOCK_ERR_POS_DIFFICULTY] = {"non-zero difficulty after the merge",
                                "BlockException.IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS "
                                "BlockException.IMPORT_IMPOSSIBLE_PARIS_WRONG_POW BlockException.INVALID_DIFFICULTY "
                                "InvalidDifficulty PostParisDifficultyIsNot0 3675PoWBlockRejected "
                                "3675PreParis1559BlockRejected"},
  [BLOCK_ERR_POS_NONCE] = {"non-zero nonce after the merge",
                           "BlockException.INVALID_BLOCK_NONCE 3675PreParis1559BlockRejected"},
  [BLOCK_ERR_POS_UNCLES] = {"ommers after the merge", "BlockException.IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS "
                                                      "PostParisUncleHashIsNotEmpty 3675PreParis1559BlockRejected"},
  /* difficulty 0 where a proof-of-work difficulty is due: a wrong difficulty,
   * named for the terminal total difficulty the parent has not reached */
  [BLOCK_ERR_POS_BEFORE_TTD] = {"proof-of-stake block before the terminal total difficulty",
                                "BlockException.IMPORT_IMPOSSIBLE_PARIS_WRONG_POS 3675PoSBlockRejected "
                                "BlockException.INVALID_DIFFICULTY InvalidDifficulty"},
  [BLOCK_ERR_UNCLES_HASH] = {"wrong ommers hash", "InvalidUnclesHash BlockException.INVALID_UNCLES_HASH"},
  [BLOCK_ERR_TOO_MANY_UNCLES] = {"more than two ommers", "TooManyUncles BlockException.TOO_MANY_UNCLES"},
  [BLOCK_ERR_UNCLE] = {"invalid ommer", "UncleInChain UncleTooOld InvalidUncleParentHash UncleIsAncestor "
                                        "UncleParentIsNotAncestor UncleIsBrother OutOfGasIntrinsic "
                                        "BlockException.INVALID_UNCLE BlockException.UNCLE_IN_CHAIN "
                                        "BlockException.UNCLE_IS_ANCESTOR BlockException.UNCLE_IS_BROTHER "
                                        "BlockException.UNCLE_PARENT_INCORRECT"},
  [BLOCK_ERR_TX_ROOT] = {"wrong transactions root", "InvalidTransactionsRoot BlockException.INVALID_TRANSACTIONS_ROOT"},
  [BLOCK_ERR_WITHDRAWALS_ROOT] = {"wrong withdrawals root", "BlockException.INVALID_WITHDRAWALS_ROOT"},
  /* named by the transaction's class (tx_invalid_matches), never here */
  [BLOCK_ERR_TX] = {"invalid transaction", ""},
  [BLOCK_ERR_GAS_USED] = {"gas used differs from execution", "InvalidGasUsed BlockException.INVALID_GAS_USED"},
  [BLOCK_ERR_RECEIPTS_ROOT] = {"wrong receipts root", "InvalidReceiptsStateRoot BlockException.INVALID_RECEIPTS_ROOT"},
  [BLOCK_ERR_BLOOM] = {"wrong logs bloom", "InvalidLogBloom BlockException.INVALID_LOG_BLOOM"},
  [BLOCK_ERR_STATE_ROOT] = {"wrong state root", "InvalidStateRoot BlockException.INVALID_STATE_ROOT"},
  /* EIP-7685 family: the hash, a malformed EIP-6110 deposit log, a missing or
   * failing EIP-7002/7251 system contract. */
  [BLOCK_ERR_REQUESTS_HASH] = {"invalid requests", "BlockException.INVALID_REQUESTS "
                                                   "BlockException.INVALID_DEPOSIT_EVENT_LAYOUT "
                                                   "BlockException.SYSTEM_CONTRACT_EMPTY "
                                                   "BlockException.SYSTEM_CONTRACT_CALL_FAILED"},
  [BLOCK_ERR_BLOCK_SIZE] = {"block larger than the RLP size limit", "BlockException.RLP_BLOCK_LIMIT_EXCEEDED"},
};

const char *block_error_message(block_error_t e) {
  return (unsigned)e < BLOCK_ERR__COUNT ? classes[e].message : "unknown block error";
}

bool block_error_name_known(const char *name) {
  for (int e = 1; e < BLOCK_ERR__COUNT; e++)
    if (block_error_matches((block_error_t)e, name)) return true;
  return false;
}

bool block_error_matches(block_error_t e, const char *name) {
  if ((unsigned)e >= BLOCK_ERR__COUNT || !*name) return false;
  size_t n = strlen(name);
  for (const char *p = classes[e].names; *p;) {
    size_t len = strcspn(p, " ");
    if (len == n && memcmp(p, name, n) == 0) return true;
    p += len;
    p += strspn(p, " ");
  }
  return false;
}
