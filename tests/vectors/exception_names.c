/* The names the official suites give each class of invalid transaction and block:
 * the legacy ethereum/tests names ("TR_NoFunds", "IntrinsicGas", "InvalidGasLimit")
 * and the execution-spec-tests exception names ("TransactionException.NONCE_MISMATCH_TOO_LOW",
 * "BlockException.INVALID_GASLIMIT"). A class may answer to several names, and one
 * name may belong to several classes when the suites name a case by either rule. */
#include "exception_names.h"

#include <string.h>

#define EEST "TransactionException."

/* Space-separated, exact. TXE_NONE has none. */
static const char *const tx_names[TXE__COUNT] = {
    [TXE_RLP_STRUCTURE] = EEST "RLP_ERROR_EOF " EEST "RLP_ERROR_SIZE " EEST "RLP_TOO_FEW_ELEMENTS " EEST
                               "RLP_TOO_MANY_ELEMENTS " EEST "RLP_INVALID_HEADER " EEST "RLP_INVALID_NONCE " EEST
                               "RLP_INVALID_GASLIMIT " EEST "RLP_INVALID_TO " EEST "RLP_INVALID_DATA " EEST
                               "RLP_INVALID_VALUE " EEST "RLP_INVALID_SIGNATURE_R " EEST "RLP_INVALID_SIGNATURE_S",
    [TXE_RLP_NONCANONICAL] =
        EEST "RLP_ERROR_SIZE_LEADING_ZEROS " EEST "RLP_LEADING_ZEROS_NONCE " EEST "RLP_LEADING_ZEROS_NONCE_SIZE " EEST
             "RLP_LEADING_ZEROS_GASLIMIT " EEST "RLP_LEADING_ZEROS_GASPRICE " EEST "RLP_LEADING_ZEROS_VALUE " EEST
             "RLP_LEADING_ZEROS_DATA_SIZE " EEST "RLP_LEADING_ZEROS_V " EEST "RLP_LEADING_ZEROS_R " EEST
             "RLP_LEADING_ZEROS_S " EEST "RLP_LEADING_ZEROS_BASEFEE " EEST "RLP_LEADING_ZEROS_PRIORITY_FEE",
    [TXE_RLP_FIELD_SIZE] =
        EEST "ADDRESS_TOO_LONG " EEST "ADDRESS_TOO_SHORT " EEST "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_LONG " EEST
             "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT " EEST "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG " EEST
             "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_SHORT",
    /* TR_RLP_WRONGVALUE, RLP_INVALID_VALUE: a value above 2^256 - 1, in a state
   * test or a block's transaction. */
    [TXE_FIELD_OVERFLOW] =
        "TR_RLP_WRONGVALUE " EEST "RLP_INVALID_VALUE " EEST "NONCE_OVERFLOW " EEST "GASLIMIT_OVERFLOW " EEST
        "GASPRICE_OVERFLOW " EEST "VALUE_OVERFLOW " EEST "PRIORITY_OVERFLOW",
#define TYPE_NAMES "TR_TypeNotSupported " EEST "TYPE_NOT_SUPPORTED"
    [TXE_TYPE_NOT_SUPPORTED] = TYPE_NAMES,
    [TXE_TYPE_1_PRE_FORK] = TYPE_NAMES " " EEST "TYPE_1_TX_PRE_FORK",
    [TXE_TYPE_2_PRE_FORK] = TYPE_NAMES " " EEST "TYPE_2_TX_PRE_FORK",
    [TXE_TYPE_3_PRE_FORK] = TYPE_NAMES " " EEST "TYPE_3_TX_PRE_FORK",
    [TXE_TYPE_4_PRE_FORK] = TYPE_NAMES " " EEST "TYPE_4_TX_PRE_FORK",
    [TXE_CHAIN_ID] = EEST "INVALID_CHAINID",
    [TXE_SIGNATURE] = "TR_InvalidSignature " EEST "INVALID_SIGNATURE_VRS " EEST "EC_RECOVERY_FAIL",
    [TXE_INTRINSIC_GAS] = "IntrinsicGas TR_IntrinsicGas TR_NoFundsOrGas " EEST "INTRINSIC_GAS_TOO_LOW",
    [TXE_FLOOR_GAS] = EEST "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST",
    [TXE_NONCE_MAX] = "TR_NonceHasMaxValue " EEST "NONCE_IS_MAX " EEST "NONCE_TOO_BIG",
    [TXE_INITCODE_TOO_LARGE] = "TR_InitCodeLimitExceeded " EEST "INITCODE_SIZE_EXCEEDED",
    [TXE_GAS_LIMIT_CAP] = EEST "GAS_LIMIT_EXCEEDS_MAXIMUM",
    [TXE_FEE_OVERFLOW] = EEST "GASLIMIT_PRICE_PRODUCT_OVERFLOW",
    [TXE_GAS_ALLOWANCE_EXCEEDED] =
        "TR_GasLimitReached BlockGasLimitReached TR_FeeCapLessThanBlocksORGasLimitReached " EEST
        "GAS_ALLOWANCE_EXCEEDED",
    [TXE_BLOB_GAS_ALLOWANCE_EXCEEDED] = EEST "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED",
    [TXE_PRIORITY_ABOVE_MAX_FEE] =
        "TR_TipGtFeeCap " EEST "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS " EEST "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2",
    [TXE_MAX_FEE_BELOW_BASE_FEE] =
        "TR_FeeCapLessThanBlocks TR_FeeCapLessThanBlocksORNoFunds TR_FeeCapLessThanBlocksORGasLimitReached " EEST
        "INSUFFICIENT_MAX_FEE_PER_GAS",
    [TXE_BLOB_ZERO] = "TR_EMPTYBLOB " EEST "TYPE_3_TX_ZERO_BLOBS",
    [TXE_BLOB_COUNT_EXCEEDED] = "TR_BLOBLIST_OVERSIZE " EEST "TYPE_3_TX_BLOB_COUNT_EXCEEDED",
    [TXE_BLOB_VERSION] = "TR_BLOBVERSION_INVALID " EEST "TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH",
    [TXE_BLOB_FEE_BELOW_BLOB_BASE_FEE] = EEST "INSUFFICIENT_MAX_FEE_PER_BLOB_GAS",
    [TXE_BLOB_CREATE] = "TR_BLOBCREATE " EEST "TYPE_3_TX_CONTRACT_CREATION",
    [TXE_SET_CODE_CREATE] = EEST "TYPE_4_TX_CONTRACT_CREATION",
    [TXE_EMPTY_AUTH_LIST] = EEST "TYPE_4_EMPTY_AUTHORIZATION_LIST",
    [TXE_NONCE_TOO_LOW] = "TR_NonceTooLow " EEST "NONCE_MISMATCH_TOO_LOW",
    [TXE_NONCE_TOO_HIGH] = "TR_NonceTooHigh " EEST "NONCE_MISMATCH_TOO_HIGH",
    /* go-ethereum's "insufficient funds for gas * price + value" (TR_NoFunds), for
   * the transfer (TR_NoFundsValue), with gas (TR_NoFundsOrGas), the overflow of
   * that sum (TR_NoFundsX). */
    [TXE_INSUFFICIENT_FUNDS] =
        "TR_NoFunds TR_NoFundsOrGas TR_NoFundsX TR_NoFundsValue TR_FeeCapLessThanBlocksORNoFunds "
        "SenderNotEOAorNoCASH " EEST "INSUFFICIENT_ACCOUNT_FUNDS",
    [TXE_SENDER_NOT_EOA] = "SenderNotEOA SenderNotEOAorNoCASH " EEST "SENDER_NOT_EOA",
};

/* Space-separated, exact. BLOCK_VALID has none, nor BLOCK_ERR_TX: an invalid
 * transaction is named by its class (tx_names), never here. */
static const char *const block_names[BLOCK_ERR__COUNT] = {
    [BLOCK_ERR_RLP] =
        "BlockException.RLP_STRUCTURES_ENCODING BlockException.RLP_INVALID_FIELD_OVERFLOW_64 "
        "BlockException.RLP_INVALID_ADDRESS BlockException.RLP_WITHDRAWALS_NOT_READ "
        "INPUT_UNMARSHAL_ERROR INPUT_UNMARSHAL_ADDRESS_ERROR RLP_ExpectedAsList",
    [BLOCK_ERR_UNKNOWN_PARENT] =
        "UnknownParent UnknownParent2 BlockException.UNKNOWN_PARENT "
        "BlockException.UNKNOWN_PARENT_ZERO",
    [BLOCK_ERR_NUMBER] = "InvalidNumber BlockException.INVALID_BLOCK_NUMBER",
    [BLOCK_ERR_TIMESTAMP] =
        "InvalidTimestamp InvalidTimestampOlderParent BlockException.INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT",
    [BLOCK_ERR_GAS_LIMIT] = "InvalidGasLimit InvalidGasLimit2 BlockException.INVALID_GASLIMIT",
    [BLOCK_ERR_GAS_LIMIT_TOO_BIG] =
        "InvalidGasLimit BlockException.GASLIMIT_TOO_BIG "
        "BlockException.INVALID_GASLIMIT",
    /* EEST names a header whose gas used exceeds its (zero) gas limit INVALID_GASLIMIT
   * (GasLimitIsZero), the legacy tests TooMuchGasUsed. */
    [BLOCK_ERR_GAS_USED_OVER_LIMIT] =
        "TooMuchGasUsed InvalidGasLimit2 BlockException.GAS_USED_OVERFLOW BlockException.INVALID_GASLIMIT",
    [BLOCK_ERR_DAO_EXTRA_DATA] = "ExtraDataIncorrectDAO BlockException.EXTRA_DATA_INVALID_DAO",
    [BLOCK_ERR_EXTRA_DATA] = "ExtraDataTooBig BlockException.EXTRA_DATA_TOO_BIG",
    [BLOCK_ERR_DIFFICULTY] = "InvalidDifficulty BlockException.INVALID_DIFFICULTY",
    [BLOCK_ERR_POW] =
        "InvalidBlockNonce BlockException.INVALID_BLOCK_NONCE "
        "BlockException.INVALID_MIX_DIGEST",
    [BLOCK_ERR_BASE_FEE] = "1559BlockImportImpossible_BaseFeeWrong BlockException.INVALID_BASEFEE_PER_GAS",
    /* The legacy tests name a header of another fork's layout after the fork the
   * parent had ("Shanghai block on top of a block that is not Shanghai", "1559
   * block must be on top of 1559"), and a body without the fork's withdrawals
   * list after its RLP ("expected to be list"). */
    [BLOCK_ERR_FIELDS] =
        "BlockException.INCORRECT_BLOCK_FORMAT BlockException.RLP_STRUCTURES_ENCODING "
        "BlockException.IMPORT_IMPOSSIBLE_LEGACY BlockException.IMPORT_IMPOSSIBLE_SHANGHAI "
        "BlockException.IMPORT_IMPOSSIBLE_LEGACY_WRONG_PARENT "
        "BlockException.IMPORT_IMPOSSIBLE_LONDON_WRONG_PARENT "
        "BlockException.IMPORT_IMPOSSIBLE_PARIS_OVER_SHANGHAI LegacyBlockImportImpossible "
        "LegacyBlockImportImpossible2 1559BlockImportImpossible_HeaderIsLegacy "
        "ShanghaiBlockImportImpossible ParisBlockImportImpossible RLP_ExpectedAsList",
    [BLOCK_ERR_EXCESS_BLOB_GAS] = "BlockException.INCORRECT_EXCESS_BLOB_GAS",
    [BLOCK_ERR_BLOB_GAS_USED] =
        "BlockException.INCORRECT_BLOB_GAS_USED "
        "BlockException.BLOB_GAS_USED_ABOVE_LIMIT",
    /* EIP-3675's constant fields. 3675PreParis1559BlockRejected ("1559 block on
   * top of a PoS block") is the legacy tests' name for a proof-of-work-shaped
   * block after the merge, whichever constant it breaks; a proof-of-work
   * difficulty there is also simply a wrong difficulty. */
    [BLOCK_ERR_POS_DIFFICULTY] =
        "BlockException.IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS "
        "BlockException.IMPORT_IMPOSSIBLE_PARIS_WRONG_POW BlockException.INVALID_DIFFICULTY "
        "InvalidDifficulty PostParisDifficultyIsNot0 3675PoWBlockRejected "
        "3675PreParis1559BlockRejected",
    [BLOCK_ERR_POS_NONCE] = "BlockException.INVALID_BLOCK_NONCE 3675PreParis1559BlockRejected",
    [BLOCK_ERR_POS_UNCLES] =
        "BlockException.IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS "
        "PostParisUncleHashIsNotEmpty 3675PreParis1559BlockRejected",
    /* difficulty 0 where a proof-of-work difficulty is due: a wrong difficulty,
   * named for the terminal total difficulty the parent has not reached */
    [BLOCK_ERR_POS_BEFORE_TTD] =
        "BlockException.IMPORT_IMPOSSIBLE_PARIS_WRONG_POS 3675PoSBlockRejected "
        "BlockException.INVALID_DIFFICULTY InvalidDifficulty",
    [BLOCK_ERR_UNCLES_HASH] = "InvalidUnclesHash BlockException.INVALID_UNCLES_HASH",
    [BLOCK_ERR_TOO_MANY_UNCLES] = "TooManyUncles BlockException.TOO_MANY_UNCLES",
    [BLOCK_ERR_UNCLE] =
        "UncleInChain UncleTooOld InvalidUncleParentHash UncleIsAncestor "
        "UncleParentIsNotAncestor UncleIsBrother OutOfGasIntrinsic "
        "BlockException.INVALID_UNCLE BlockException.UNCLE_IN_CHAIN "
        "BlockException.UNCLE_IS_ANCESTOR BlockException.UNCLE_IS_BROTHER "
        "BlockException.UNCLE_PARENT_INCORRECT",
    [BLOCK_ERR_TX_ROOT] = "InvalidTransactionsRoot BlockException.INVALID_TRANSACTIONS_ROOT",
    [BLOCK_ERR_WITHDRAWALS_ROOT] = "BlockException.INVALID_WITHDRAWALS_ROOT",
    [BLOCK_ERR_GAS_USED] = "InvalidGasUsed BlockException.INVALID_GAS_USED",
    [BLOCK_ERR_RECEIPTS_ROOT] = "InvalidReceiptsStateRoot BlockException.INVALID_RECEIPTS_ROOT",
    [BLOCK_ERR_BLOOM] = "InvalidLogBloom BlockException.INVALID_LOG_BLOOM",
    [BLOCK_ERR_STATE_ROOT] = "InvalidStateRoot BlockException.INVALID_STATE_ROOT",
    /* EIP-7685 family: the hash, a malformed EIP-6110 deposit log, a missing or
   * failing EIP-7002/7251 system contract. */
    [BLOCK_ERR_REQUESTS_HASH] =
        "BlockException.INVALID_REQUESTS "
        "BlockException.INVALID_DEPOSIT_EVENT_LAYOUT "
        "BlockException.SYSTEM_CONTRACT_EMPTY "
        "BlockException.SYSTEM_CONTRACT_CALL_FAILED",
    [BLOCK_ERR_BLOCK_SIZE] = "BlockException.RLP_BLOCK_LIMIT_EXCEEDED",
};

/* Whether `name` is one of the space-separated words of `list`. */
static bool in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  if (!list || n == 0) return false;
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, " ");
    if (len == n && memcmp(p, name, n) == 0) return true;
    p += len;
    p += strspn(p, " ");
  }
  return false;
}

const char *exception_tx_names(tx_invalid_t c) { return (unsigned)c < TXE__COUNT && tx_names[c] ? tx_names[c] : ""; }

bool exception_tx_matches(tx_invalid_t c, const char *name) {
  return (unsigned)c < TXE__COUNT && name && in_list(tx_names[c], name);
}

bool exception_tx_name_known(const char *name) {
  for (int c = 1; c < TXE__COUNT; c++)
    if (exception_tx_matches((tx_invalid_t)c, name)) return true;
  return false;
}

const char *exception_block_names(block_error_t e) {
  return (unsigned)e < BLOCK_ERR__COUNT && block_names[e] ? block_names[e] : "";
}

bool exception_block_matches(block_error_t e, const char *name) {
  return (unsigned)e < BLOCK_ERR__COUNT && name && in_list(block_names[e], name);
}

bool exception_block_name_known(const char *name) {
  for (int e = 1; e < BLOCK_ERR__COUNT; e++)
    if (exception_block_matches((block_error_t)e, name)) return true;
  return false;
}
