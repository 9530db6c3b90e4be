/* The official suites' names of the transaction and block classes
 * (tests/vectors/exception_names.c): every class but the valid ones has names, each
 * listed name is matched and known, and names are exact, never wildcards. */
#include <string.h>

#include "check.h"
#include "exception_names.h"

/* Every word of `names` matches with `matches` and is known to `known`. */
static void check_each(const char *names, int cls, bool (*matches)(int, const char *), bool (*known)(const char *)) {
  char one[128];
  for (const char *p = names; *p;) {
    size_t n = strcspn(p, " ");
    CHECK_MSG(n < sizeof one, "name too long in class %d", cls);
    if (n < sizeof one) {
      memcpy(one, p, n);
      one[n] = 0;
      CHECK_MSG(matches(cls, one) && known(one), "%s", one);
    }
    p += n;
    p += strspn(p, " ");
  }
}

static bool tx_matches(int c, const char *name) { return exception_tx_matches((tx_invalid_t)c, name); }
static bool block_matches(int e, const char *name) { return exception_block_matches((block_error_t)e, name); }

static void test_tables(void) {
  for (int c = 1; c < TXE__COUNT; c++) {
    const char *names = exception_tx_names((tx_invalid_t)c);
    CHECK_MSG(*names, "transaction class %d (%s) has no names", c, tx_invalid_message((tx_invalid_t)c));
    check_each(names, c, tx_matches, exception_tx_name_known);
  }
  for (int e = 1; e < BLOCK_ERR__COUNT; e++) {
    const char *names = exception_block_names((block_error_t)e);
    if (e == BLOCK_ERR_TX) {
      CHECK(!*names);
      continue;
    }
    CHECK_MSG(*names, "block class %d (%s) has no names", e, block_error_message((block_error_t)e));
    check_each(names, e, block_matches, exception_block_name_known);
  }
  CHECK(exception_tx_names(TXE_NONE)[0] == 0 && !exception_tx_matches(TXE_NONE, ""));
  CHECK(exception_tx_names(TXE__COUNT)[0] == 0 && !exception_tx_matches(TXE__COUNT, "TR_NoFunds"));
  CHECK(exception_block_names(BLOCK_VALID)[0] == 0 && exception_block_names(BLOCK_ERR__COUNT)[0] == 0);
  CHECK(!exception_tx_matches(TXE_NONCE_TOO_LOW, "TransactionException.NONCE_MISMATCH"));
  CHECK(!exception_tx_matches(TXE_NONCE_TOO_LOW, ""));
  CHECK(!exception_tx_matches(TXE_NONCE_TOO_LOW, NULL) && !exception_block_matches(BLOCK_ERR_RLP, NULL));
  CHECK(!exception_tx_name_known("") && !exception_block_name_known(""));
}

/* Names the library's unit tests used to check next to the class they pin. */
static void test_names(void) {
  CHECK(exception_block_matches(BLOCK_ERR_GAS_LIMIT, "InvalidGasLimit"));
  CHECK(exception_block_matches(BLOCK_ERR_GAS_LIMIT, "BlockException.INVALID_GASLIMIT"));
  CHECK(!exception_block_matches(BLOCK_ERR_GAS_LIMIT, "InvalidGas"));
  /* no wildcard: an invalid transaction is named by its class (exception_tx_matches) */
  CHECK(!exception_block_matches(BLOCK_ERR_TX, "TransactionException.INTRINSIC_GAS_TOO_LOW"));
  CHECK(!exception_block_matches(BLOCK_ERR_TX, "BlockGasLimitReached"));
  CHECK(!exception_block_matches(BLOCK_ERR_STATE_ROOT, "TransactionException.INTRINSIC_GAS_TOO_LOW"));
  CHECK(exception_block_name_known("InvalidStateRoot") &&
        !exception_block_name_known("TransactionException.NONCE_MISMATCH_TOO_LOW"));
  CHECK(exception_tx_matches(TXE_INTRINSIC_GAS, "TransactionException.INTRINSIC_GAS_TOO_LOW"));
  CHECK(exception_tx_matches(TXE_INTRINSIC_GAS, "IntrinsicGas"));
  CHECK(!exception_tx_matches(TXE_INSUFFICIENT_FUNDS, "TransactionException.INTRINSIC_GAS_TOO_LOW"));
  CHECK(exception_tx_matches(TXE_GAS_ALLOWANCE_EXCEEDED, "BlockGasLimitReached"));
  CHECK(!exception_tx_matches(TXE_GAS_ALLOWANCE_EXCEEDED, "TransactionException.*"));
  CHECK(!exception_tx_name_known("TransactionException.SOMETHING_NEW"));
  /* the legacy (retesteth) names of the same classes */
  CHECK(exception_block_matches(BLOCK_ERR_POS_UNCLES, "PostParisUncleHashIsNotEmpty"));
  CHECK(exception_block_matches(BLOCK_ERR_POS_DIFFICULTY, "PostParisDifficultyIsNot0"));
  CHECK(exception_block_matches(BLOCK_ERR_POS_NONCE, "3675PreParis1559BlockRejected"));
  CHECK(!exception_block_matches(BLOCK_ERR_DIFFICULTY, "3675PreParis1559BlockRejected"));
  CHECK(exception_block_matches(BLOCK_ERR_POS_BEFORE_TTD, "BlockException.IMPORT_IMPOSSIBLE_PARIS_WRONG_POS"));
  CHECK(!exception_block_matches(BLOCK_ERR_DIFFICULTY, "BlockException.IMPORT_IMPOSSIBLE_PARIS_WRONG_POS"));
  CHECK(exception_block_matches(BLOCK_ERR_GAS_LIMIT, "InvalidGasLimit2"));
  CHECK(exception_block_matches(BLOCK_ERR_TIMESTAMP, "InvalidTimestampOlderParent"));
  CHECK(exception_block_matches(BLOCK_ERR_DAO_EXTRA_DATA, "ExtraDataIncorrectDAO"));
  CHECK(exception_block_matches(BLOCK_ERR_FIELDS, "BlockException.IMPORT_IMPOSSIBLE_SHANGHAI"));
  CHECK(exception_tx_matches(TXE_MAX_FEE_BELOW_BASE_FEE, "TR_FeeCapLessThanBlocksORNoFunds"));
  CHECK(exception_tx_matches(TXE_INSUFFICIENT_FUNDS, "TR_FeeCapLessThanBlocksORNoFunds"));
  CHECK(!exception_tx_matches(TXE_NONCE_TOO_LOW, "TR_FeeCapLessThanBlocksORNoFunds"));
  /* the rules broken in test_transition.c, test_block_exec.c and test_chain_config.c */
  CHECK(exception_tx_matches(TXE_INTRINSIC_GAS, "TransactionException.INTRINSIC_GAS_TOO_LOW"));
  CHECK(!exception_tx_matches(TXE_INTRINSIC_GAS, "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS"));
  CHECK(exception_tx_matches(TXE_GAS_ALLOWANCE_EXCEEDED, "TR_GasLimitReached"));
  CHECK(exception_tx_matches(TXE_TYPE_2_PRE_FORK, "TR_TypeNotSupported"));
  CHECK(!exception_tx_matches(TXE_TYPE_2_PRE_FORK, "TransactionException.TYPE_4_TX_PRE_FORK"));
  CHECK(exception_tx_matches(TXE_SENDER_NOT_EOA, "SenderNotEOA"));
  CHECK(exception_tx_matches(TXE_CHAIN_ID, "TransactionException.INVALID_CHAINID"));
  CHECK(exception_tx_matches(TXE_FIELD_OVERFLOW, "TransactionException.RLP_INVALID_VALUE"));
  CHECK(exception_tx_matches(TXE_FIELD_OVERFLOW, "TR_RLP_WRONGVALUE"));
  CHECK(exception_block_matches(BLOCK_ERR_DAO_EXTRA_DATA, "BlockException.EXTRA_DATA_INVALID_DAO"));
}

/* Each typed transaction before its fork: its own EEST name, and the common ones. */
static void test_type_pre_fork(void) {
  static const struct {
    tx_invalid_t cls;
    const char *eest;
  } cases[] = {
      {TXE_TYPE_1_PRE_FORK, "TransactionException.TYPE_1_TX_PRE_FORK"},
      {TXE_TYPE_2_PRE_FORK, "TransactionException.TYPE_2_TX_PRE_FORK"},
      {TXE_TYPE_3_PRE_FORK, "TransactionException.TYPE_3_TX_PRE_FORK"},
      {TXE_TYPE_4_PRE_FORK, "TransactionException.TYPE_4_TX_PRE_FORK"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK(exception_tx_matches(cases[i].cls, cases[i].eest));
    CHECK(exception_tx_matches(cases[i].cls, "TR_TypeNotSupported"));
    CHECK(exception_tx_matches(cases[i].cls, "TransactionException.TYPE_NOT_SUPPORTED"));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
      if (k != i) CHECK(!exception_tx_matches(cases[i].cls, cases[k].eest));
  }
}

int main(void) {
  test_tables();
  test_names();
  test_type_pre_fork();
  return check_summary();
}
