/* Classes of invalid transactions (tx_invalid_t) and the names the official tests
 * give them: legacy ethereum/tests names ("TR_NoFunds", "IntrinsicGas") and the
 * execution-spec-tests TransactionException names ("TransactionException.NONCE_MISMATCH_TOO_LOW"). */
#include <string.h>

#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/tx.h"

#define EEST "TransactionException."

static const struct {
  const char *message;
  int code;          /* ETHC_ERR_* of the class */
  const char *names; /* space-separated, exact */
} classes[TXE__COUNT] = {
  [TXE_NONE] = {"valid", ETHC_OK, ""},
  [TXE_RLP_STRUCTURE] = {"malformed transaction RLP", ETHC_ERR_RLP_TYPE,
                         EEST "RLP_ERROR_EOF " EEST "RLP_ERROR_SIZE " EEST "RLP_TOO_FEW_ELEMENTS "
                         EEST "RLP_TOO_MANY_ELEMENTS " EEST "RLP_INVALID_HEADER " EEST "RLP_INVALID_NONCE "
                         EEST "RLP_INVALID_GASLIMIT " EEST "RLP_INVALID_TO " EEST "RLP_INVALID_DATA "
                         EEST "RLP_INVALID_VALUE " EEST "RLP_INVALID_SIGNATURE_R " EEST "RLP_INVALID_SIGNATURE_S"},
  [TXE_RLP_NONCANONICAL] = {"non-canonical transaction RLP", ETHC_ERR_RLP_NONCANONICAL,
                            EEST "RLP_ERROR_SIZE_LEADING_ZEROS " EEST "RLP_LEADING_ZEROS_NONCE "
                            EEST "RLP_LEADING_ZEROS_NONCE_SIZE " EEST "RLP_LEADING_ZEROS_GASLIMIT "
                            EEST "RLP_LEADING_ZEROS_GASPRICE " EEST "RLP_LEADING_ZEROS_VALUE "
                            EEST "RLP_LEADING_ZEROS_DATA_SIZE " EEST "RLP_LEADING_ZEROS_V "
                            EEST "RLP_LEADING_ZEROS_R " EEST "RLP_LEADING_ZEROS_S "
                            EEST "RLP_LEADING_ZEROS_BASEFEE " EEST "RLP_LEADING_ZEROS_PRIORITY_FEE"},
  [TXE_RLP_FIELD_SIZE] = {"transaction field of the wrong size", ETHC_ERR_RLP_SIZE,
                          EEST "ADDRESS_TOO_LONG " EEST "ADDRESS_TOO_SHORT "
                          EEST "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_LONG "
                          EEST "RLP_INVALID_ACCESS_LIST_ADDRESS_TOO_SHORT "
                          EEST "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_LONG "
                          EEST "RLP_INVALID_ACCESS_LIST_STORAGE_TOO_SHORT"},
  /* TR_RLP_WRONGVALUE, RLP_INVALID_VALUE: a value above 2^256 - 1, in a state
   * test or a block's transaction. */
  [TXE_FIELD_OVERFLOW] = {"transaction integer over its field", ETHC_ERR_OVERFLOW,
                          "TR_RLP_WRONGVALUE " EEST "RLP_INVALID_VALUE " EEST "NONCE_OVERFLOW " EEST "GASLIMIT_OVERFLOW "
                          EEST "GASPRICE_OVERFLOW " EEST "VALUE_OVERFLOW " EEST "PRIORITY_OVERFLOW"},
#define TYPE_NAMES "TR_TypeNotSupported " EEST "TYPE_NOT_SUPPORTED"
  [TXE_TYPE_NOT_SUPPORTED] = {"unknown transaction type", ETHC_ERR_TX_TYPE, TYPE_NAMES},
  [TXE_TYPE_1_PRE_FORK] = {"type-1 transaction before Berlin", ETHC_ERR_TX_TYPE,
                           TYPE_NAMES " " EEST "TYPE_1_TX_PRE_FORK"},
  [TXE_TYPE_2_PRE_FORK] = {"type-2 transaction before London", ETHC_ERR_TX_TYPE,
                           TYPE_NAMES " " EEST "TYPE_2_TX_PRE_FORK"},
  [TXE_TYPE_3_PRE_FORK] = {"type-3 transaction before Cancun", ETHC_ERR_TX_TYPE,
                           TYPE_NAMES " " EEST "TYPE_3_TX_PRE_FORK"},
  [TXE_TYPE_4_PRE_FORK] = {"type-4 transaction before Prague", ETHC_ERR_TX_TYPE,
                           TYPE_NAMES " " EEST "TYPE_4_TX_PRE_FORK"},
  [TXE_CHAIN_ID] = {"wrong chain id", ETHC_ERR_TX_CHAIN_ID, EEST "INVALID_CHAINID"},
  [TXE_SIGNATURE] = {"invalid signature", ETHC_ERR_TX_SIGNATURE,
                     "TR_InvalidSignature " EEST "INVALID_SIGNATURE_VRS " EEST "EC_RECOVERY_FAIL"},
  [TXE_INTRINSIC_GAS] = {"intrinsic gas too low", ETHC_ERR_TX_INTRINSIC_GAS,
                         "IntrinsicGas TR_IntrinsicGas TR_NoFundsOrGas " EEST "INTRINSIC_GAS_TOO_LOW"},
  [TXE_FLOOR_GAS] = {"gas below the EIP-7623 floor", ETHC_ERR_TX_INTRINSIC_GAS,
                     EEST "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST"},
  [TXE_NONCE_MAX] = {"nonce at its maximum (EIP-2681)", ETHC_ERR_TX_INVALID,
                     "TR_NonceHasMaxValue " EEST "NONCE_IS_MAX " EEST "NONCE_TOO_BIG"},
  [TXE_INITCODE_TOO_LARGE] = {"init code too large (EIP-3860)", ETHC_ERR_TX_INVALID,
                              "TR_InitCodeLimitExceeded " EEST "INITCODE_SIZE_EXCEEDED"},
  [TXE_GAS_LIMIT_CAP] = {"gas limit above the EIP-7825 cap", ETHC_ERR_TX_INVALID,
                         EEST "GAS_LIMIT_EXCEEDS_MAXIMUM"},
  [TXE_FEE_OVERFLOW] = {"gas limit * fee cap over 256 bits", ETHC_ERR_OVERFLOW,
                        EEST "GASLIMIT_PRICE_PRODUCT_OVERFLOW"},
  [TXE_GAS_ALLOWANCE_EXCEEDED] = {"gas limit above the block's gas left", ETHC_ERR_TX_INVALID,
                                  "TR_GasLimitReached BlockGasLimitReached TR_FeeCapLessThanBlocksORGasLimitReached " EEST "GAS_ALLOWANCE_EXCEEDED"},
  [TXE_BLOB_GAS_ALLOWANCE_EXCEEDED] = {"blob gas above the block's blob gas left", ETHC_ERR_TX_INVALID,
                                       EEST "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED"},
  [TXE_PRIORITY_ABOVE_MAX_FEE] = {"max priority fee above max fee", ETHC_ERR_TX_INVALID,
                                  "TR_TipGtFeeCap " EEST "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS "
                                  EEST "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2"},
  [TXE_MAX_FEE_BELOW_BASE_FEE] = {"fee cap below the base fee", ETHC_ERR_TX_INVALID,
                                  "TR_FeeCapLessThanBlocks TR_FeeCapLessThanBlocksORNoFunds TR_FeeCapLessThanBlocksORGasLimitReached "
                                  EEST "INSUFFICIENT_MAX_FEE_PER_GAS"},
  [TXE_BLOB_ZERO] = {"no blobs", ETHC_ERR_TX_INVALID, "TR_EMPTYBLOB " EEST "TYPE_3_TX_ZERO_BLOBS"},
  [TXE_BLOB_COUNT_EXCEEDED] = {"too many blobs", ETHC_ERR_TX_INVALID,
                               "TR_BLOBLIST_OVERSIZE " EEST "TYPE_3_TX_BLOB_COUNT_EXCEEDED"},
  [TXE_BLOB_VERSION] = {"bad blob versioned hash", ETHC_ERR_TX_INVALID,
                        "TR_BLOBVERSION_INVALID " EEST "TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH"},
  [TXE_BLOB_FEE_BELOW_BLOB_BASE_FEE] = {"blob fee cap below the blob base fee", ETHC_ERR_TX_INVALID,
                                        EEST "INSUFFICIENT_MAX_FEE_PER_BLOB_GAS"},
  [TXE_BLOB_CREATE] = {"blob transaction without recipient", ETHC_ERR_TX_INVALID,
                       "TR_BLOBCREATE " EEST "TYPE_3_TX_CONTRACT_CREATION"},
  [TXE_SET_CODE_CREATE] = {"set-code transaction without recipient", ETHC_ERR_TX_INVALID,
                           EEST "TYPE_4_TX_CONTRACT_CREATION"},
  [TXE_EMPTY_AUTH_LIST] = {"empty authorization list", ETHC_ERR_TX_INVALID,
                           EEST "TYPE_4_EMPTY_AUTHORIZATION_LIST"},
  [TXE_NONCE_TOO_LOW] = {"nonce too low", ETHC_ERR_TX_INVALID, "TR_NonceTooLow " EEST "NONCE_MISMATCH_TOO_LOW"},
  [TXE_NONCE_TOO_HIGH] = {"nonce too high", ETHC_ERR_TX_INVALID, "TR_NonceTooHigh " EEST "NONCE_MISMATCH_TOO_HIGH"},
  /* go-ethereum's "insufficient funds for gas * price + value" (TR_NoFunds), for
   * the transfer (TR_NoFundsValue), with gas (TR_NoFundsOrGas), the overflow of
   * that sum (TR_NoFundsX). */
  [TXE_INSUFFICIENT_FUNDS] = {"insufficient funds for gas * price + value", ETHC_ERR_TX_INVALID,
                              "TR_NoFunds TR_NoFundsOrGas TR_NoFundsX TR_NoFundsValue TR_FeeCapLessThanBlocksORNoFunds "
                              "SenderNotEOAorNoCASH "
                              EEST "INSUFFICIENT_ACCOUNT_FUNDS"},
  [TXE_SENDER_NOT_EOA] = {"sender has code (EIP-3607)", ETHC_ERR_TX_INVALID, "SenderNotEOA SenderNotEOAorNoCASH " EEST "SENDER_NOT_EOA"},
};

const char *tx_invalid_message(tx_invalid_t c) {
  return (unsigned)c < TXE__COUNT ? classes[c].message : "unknown transaction error";
}

const char *tx_invalid_names(tx_invalid_t c) { return (unsigned)c < TXE__COUNT ? classes[c].names : ""; }

int tx_invalid_code(tx_invalid_t c) {
  return (unsigned)c < TXE__COUNT ? classes[c].code : ETHC_ERR_TX_INVALID;
}

static bool in_list(const char *list, const char *name) {
  size_t n = strlen(name);
  if (n == 0) return false;
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, " ");
    if (len == n && memcmp(p, name, n) == 0) return true;
    p += len;
    p += strspn(p, " ");
  }
  return false;
}

bool tx_invalid_matches(tx_invalid_t c, const char *name) {
  return (unsigned)c < TXE__COUNT && c != TXE_NONE && name && in_list(classes[c].names, name);
}

bool tx_invalid_name_known(const char *name) {
  for (int c = 1; c < TXE__COUNT; c++)
    if (tx_invalid_matches((tx_invalid_t)c, name)) return true;
  return false;
}

tx_invalid_t tx_type_pre_fork(unsigned type) {
  switch (type) {
    case TX_ACCESS_LIST: return TXE_TYPE_1_PRE_FORK;
    case TX_DYNAMIC_FEE: return TXE_TYPE_2_PRE_FORK;
    case TX_BLOB: return TXE_TYPE_3_PRE_FORK;
    case TX_SET_CODE: return TXE_TYPE_4_PRE_FORK;
    default: return TXE_TYPE_NOT_SUPPORTED;
  }
}

tx_invalid_t tx_invalid_from_decode(int rc) {
  switch (rc) {
    case ETHC_OK: return TXE_NONE;
    case ETHC_ERR_RLP_NONCANONICAL: return TXE_RLP_NONCANONICAL;
    case ETHC_ERR_RLP_SIZE: return TXE_RLP_FIELD_SIZE;
    case ETHC_ERR_OVERFLOW: return TXE_FIELD_OVERFLOW;
    case ETHC_ERR_TX_TYPE: return TXE_TYPE_NOT_SUPPORTED;
    default: return TXE_RLP_STRUCTURE;
  }
}

/* Width in bytes of field `i` of a transaction of `type` with `n` fields: 8 for
 * nonce and gas limit, 32 for the other integers, 0 for fields that are not
 * integers (recipient, data, lists). */
static size_t field_width(int type, size_t i, size_t n) {
  if (i + 3 >= n) return 32; /* v (y parity), r, s */
  switch (type) {
    case TX_LEGACY: /* nonce, gasPrice, gas, to, value, data */
      return i == 0 || i == 2 ? 8 : i == 1 || i == 4 ? 32 : 0;
    case TX_ACCESS_LIST: /* chainId, nonce, gasPrice, gas, to, value, data, accessList */
      return i == 1 || i == 3 ? 8 : i == 0 || i == 2 || i == 5 ? 32 : 0;
    default: /* chainId, nonce, maxPriorityFee, maxFee, gas, to, value, data, accessList, [maxFeePerBlobGas] */
      if (i == 1 || i == 4) return 8;
      return i == 0 || i == 2 || i == 3 || i == 6 || (type == TX_BLOB && i == 9) ? 32 : 0;
  }
}

tx_invalid_t tx_invalid_of_encoding(const uint8_t *raw, size_t len, int rc) {
  tx_invalid_t c = tx_invalid_from_decode(rc);
  if (rc == ETHC_OK || !raw || len == 0) return c;
  int type = TX_LEGACY;
  if (raw[0] < 0x80) {
    type = raw[0];
    if (type > TX_SET_CODE) return c;
    raw++;
    len--;
  }
  rlp_item_t list, f;
  if (rlp_decode_item(raw, len, &list, NULL) != 0 || !list.is_list) return c;
  int n = rlp_list_count(&list);
  if (n <= 3) return c;
  rlp_iter_t it;
  rlp_iter_init(&it, &list);
  for (size_t i = 0; i < (size_t)n && rlp_iter_next(&it, &f) == 1; i++) {
    size_t w = field_width(type, i, (size_t)n);
    /* a 64-bit field's length is checked before its leading zeros, a 256-bit one's
     * after (go-ethereum's decoders, which the tests follow) */
    if (w && !f.is_list && f.payload_len > w && (w == 8 || f.payload[0] != 0))
      return i + 3 >= (size_t)n ? TXE_SIGNATURE : TXE_FIELD_OVERFLOW;
  }
  return c;
}
