/* Classes of invalid transactions (tx_invalid_t): a description and the ETHC_ERR_*
 * code of each, and the class of a transaction that does not decode. The names the
 * official tests give the classes are test vocabulary (tests/vectors/exception_names.c). */
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/tx.h"

static const struct {
  const char *message;
  int code; /* ETHC_ERR_* of the class */
} classes[TXE__COUNT] = {
    [TXE_NONE] = {"valid", ETHC_OK},
    [TXE_RLP_STRUCTURE] = {"malformed transaction RLP", ETHC_ERR_RLP_TYPE},
    [TXE_RLP_NONCANONICAL] = {"non-canonical transaction RLP", ETHC_ERR_RLP_NONCANONICAL},
    [TXE_RLP_FIELD_SIZE] = {"transaction field of the wrong size", ETHC_ERR_RLP_SIZE},
    [TXE_FIELD_OVERFLOW] = {"transaction integer over its field", ETHC_ERR_OVERFLOW},
    [TXE_TYPE_NOT_SUPPORTED] = {"unknown transaction type", ETHC_ERR_TX_TYPE},
    [TXE_TYPE_1_PRE_FORK] = {"type-1 transaction before Berlin", ETHC_ERR_TX_TYPE},
    [TXE_TYPE_2_PRE_FORK] = {"type-2 transaction before London", ETHC_ERR_TX_TYPE},
    [TXE_TYPE_3_PRE_FORK] = {"type-3 transaction before Cancun", ETHC_ERR_TX_TYPE},
    [TXE_TYPE_4_PRE_FORK] = {"type-4 transaction before Prague", ETHC_ERR_TX_TYPE},
    [TXE_CHAIN_ID] = {"wrong chain id", ETHC_ERR_TX_CHAIN_ID},
    [TXE_SIGNATURE] = {"invalid signature", ETHC_ERR_TX_SIGNATURE},
    [TXE_INTRINSIC_GAS] = {"intrinsic gas too low", ETHC_ERR_TX_INTRINSIC_GAS},
    [TXE_FLOOR_GAS] = {"gas below the EIP-7623 floor", ETHC_ERR_TX_INTRINSIC_GAS},
    [TXE_NONCE_MAX] = {"nonce at its maximum (EIP-2681)", ETHC_ERR_TX_INVALID},
    [TXE_INITCODE_TOO_LARGE] = {"init code too large (EIP-3860)", ETHC_ERR_TX_INVALID},
    [TXE_GAS_LIMIT_CAP] = {"gas limit above the EIP-7825 cap", ETHC_ERR_TX_INVALID},
    [TXE_FEE_OVERFLOW] = {"gas limit * fee cap over 256 bits", ETHC_ERR_OVERFLOW},
    [TXE_GAS_ALLOWANCE_EXCEEDED] = {"gas limit above the block's gas left", ETHC_ERR_TX_INVALID},
    [TXE_BLOB_GAS_ALLOWANCE_EXCEEDED] = {"blob gas above the block's blob gas left", ETHC_ERR_TX_INVALID},
    [TXE_PRIORITY_ABOVE_MAX_FEE] = {"max priority fee above max fee", ETHC_ERR_TX_INVALID},
    [TXE_MAX_FEE_BELOW_BASE_FEE] = {"fee cap below the base fee", ETHC_ERR_TX_INVALID},
    [TXE_BLOB_ZERO] = {"no blobs", ETHC_ERR_TX_INVALID},
    [TXE_BLOB_COUNT_EXCEEDED] = {"too many blobs", ETHC_ERR_TX_INVALID},
    [TXE_BLOB_VERSION] = {"bad blob versioned hash", ETHC_ERR_TX_INVALID},
    [TXE_BLOB_FEE_BELOW_BLOB_BASE_FEE] = {"blob fee cap below the blob base fee", ETHC_ERR_TX_INVALID},
    [TXE_BLOB_CREATE] = {"blob transaction without recipient", ETHC_ERR_TX_INVALID},
    [TXE_SET_CODE_CREATE] = {"set-code transaction without recipient", ETHC_ERR_TX_INVALID},
    [TXE_EMPTY_AUTH_LIST] = {"empty authorization list", ETHC_ERR_TX_INVALID},
    [TXE_NONCE_TOO_LOW] = {"nonce too low", ETHC_ERR_TX_INVALID},
    [TXE_NONCE_TOO_HIGH] = {"nonce too high", ETHC_ERR_TX_INVALID},
    [TXE_INSUFFICIENT_FUNDS] = {"insufficient funds for gas * price + value", ETHC_ERR_TX_INVALID},
    [TXE_SENDER_NOT_EOA] = {"sender has code (EIP-3607)", ETHC_ERR_TX_INVALID},
};

const char *tx_invalid_message(tx_invalid_t c) {
  return (unsigned)c < TXE__COUNT ? classes[c].message : "unknown transaction error";
}

int tx_invalid_code(tx_invalid_t c) { return (unsigned)c < TXE__COUNT ? classes[c].code : ETHC_ERR_TX_INVALID; }

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
    case TX_LEGACY: /* nonce, gasPrice, gas, to, value, data */ return i == 0 || i == 2 ? 8 : i == 1 || i == 4 ? 32 : 0;
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
