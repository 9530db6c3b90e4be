/* Messages for the shared error codes of include/ethc/error.h. */
#include "ethc/error.h"

static const char *const messages[ETHC_ERR__COUNT] = {
    [ETHC_OK] = "ok",
    [ETHC_ERR_HEX] = "invalid hex",
    [ETHC_ERR_JSON] = "malformed JSON",
    [ETHC_ERR_RLP_TRUNCATED] = "RLP: item runs past the end of the input",
    [ETHC_ERR_RLP_NONCANONICAL] = "RLP: non-canonical encoding",
    [ETHC_ERR_RLP_TRAILING] = "RLP: trailing bytes after the item",
    [ETHC_ERR_RLP_TYPE] = "RLP: list where a string was expected or the reverse",
    [ETHC_ERR_RLP_SIZE] = "RLP: string of the wrong size",
    [ETHC_ERR_RLP_COUNT] = "RLP: list with the wrong number of items",
    [ETHC_ERR_OVERFLOW] = "number too large for its field",
    [ETHC_ERR_TX_TYPE] = "transaction type not supported",
    [ETHC_ERR_TX_SIGNATURE] = "invalid transaction signature",
    [ETHC_ERR_TX_CHAIN_ID] = "invalid chain id",
    [ETHC_ERR_TX_INTRINSIC_GAS] = "gas limit below intrinsic gas",
    [ETHC_ERR_TX_INVALID] = "invalid transaction",
    [ETHC_ERR_NOT_FOUND] = "not found",
    [ETHC_ERR_INVALID] = "invalid argument",
    [ETHC_ERR_NOMEM] = "out of memory",
    [ETHC_ERR_IO] = "I/O error",
    [ETHC_ERR_UNSUPPORTED] = "unsupported",
    [ETHC_ERR_MISSING_NODE] = "trie node missing from the node store",
    [ETHC_ERR_LIMIT] = "result exceeds the maximum size",
    [ETHC_ERR_RANGE] = "invalid range: start after end",
};

const char *ethc_strerror(int err) {
  if (err < 0 || err >= ETHC_ERR__COUNT || !messages[err]) return "unknown error";
  return messages[err];
}
