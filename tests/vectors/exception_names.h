/* The names the official suites give the classes of invalid transactions
 * (tx_invalid_t) and blocks (block_error_t): the legacy ethereum/tests names
 * ("TR_NoFunds", "InvalidGasLimit") and the execution-spec-tests exception names
 * ("TransactionException.NONCE_MISMATCH_TOO_LOW", "BlockException.INVALID_GASLIMIT").
 * Test vocabulary: the library knows the classes, only the runners know these names. */
#ifndef ETHC_VECTORS_EXCEPTION_NAMES_H
#define ETHC_VECTORS_EXCEPTION_NAMES_H

#include <stdbool.h>

#include "ethc/consensus.h"
#include "ethc/tx.h"

/* The names of transaction class `c`, space-separated ("" for TXE_NONE). */
const char *exception_tx_names(tx_invalid_t c);
/* Whether `name` (one alternative of a test's expected exception) names
 * transaction class `c`. Exact names only, no wildcards; TXE_NONE matches none. */
bool exception_tx_matches(tx_invalid_t c, const char *name);
/* Whether `name` names some transaction class at all (a runner reports unknown names). */
bool exception_tx_name_known(const char *name);

/* The names of block class `e`, space-separated ("" for BLOCK_VALID, and for
 * BLOCK_ERR_TX, which is named by its transaction's class). */
const char *exception_block_names(block_error_t e);
/* Whether `name` names block class `e`. Exact names only; BLOCK_ERR_TX matches
 * none (the transaction's class is matched, exception_tx_matches). */
bool exception_block_matches(block_error_t e, const char *name);
/* Whether `name` names some block class. */
bool exception_block_name_known(const char *name);

#endif
