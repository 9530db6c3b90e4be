/* `ethc test tx PATH...`: ethereum/tests TransactionTests. One case per (test, fork)
 * in "result": {"hash","sender"[,"intrinsicGas"]} expects a valid transaction on
 * chain 1 with that sender, hash and intrinsic gas; {"exception"} expects rejection
 * for that reason (the class of the first broken rule, exception_tx_matches). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/evm.h"
#include "ethc/rlp.h"
#include "ethc/tx.h"
#include "exception_names.h"
#include "runner.h"

/* Decodes and checks `raw` under `rev`; 0 with sender, hash and intrinsic gas set,
 * or the first error (and *stage names where it failed, *cls which rule). The
 * order is the one the tests name first: the type (a typed transaction the fork
 * does not have is refused before its payload is decoded), decoding, the rules of
 * the transaction alone, the signature and its recovery, the other fields, the
 * intrinsic gas (tx_rules_alone). */
static int check_tx(const uint8_t *raw, size_t len, evm_revision_t rev, ethc_address_t *sender, ethc_hash_t *hash,
                    uint64_t *intrinsic, bool *roundtrip, const char **stage, tx_invalid_t *cls) {
  tx_t tx;
  const u256_t chain_id = u256_from_u64(1);
  *cls = TXE_NONE;
  *stage = "decode";
  int rc;
  if (len > 0 && raw[0] >= 0x80 && raw[0] < 0xc0) {
    /* An RLP string, as typed transactions appear in a block body: its payload is
     * the envelope, whose first byte is the type. */
    rlp_item_t it;
    if ((rc = rlp_decode_item(raw, len, &it, NULL)) != 0) {
      *cls = tx_invalid_from_decode(rc);
      return rc;
    }
    if (it.payload_len == 0 || it.payload[0] > TX_SET_CODE) {
      *cls = TXE_TYPE_NOT_SUPPORTED;
      return ETHC_ERR_TX_TYPE;
    }
    raw = it.payload;
    len = it.payload_len;
  }
  rc = tx_decode(raw, len, &tx);
  if (rc) {
    *cls = tx_invalid_of_encoding(raw, len, rc);
    /* A type the fork does not have is named before the integer bounds and the
     * field count, which depend on that type's layout (RLP structure, field
     * sizes and canonical encoding come first). */
    if (raw[0] < 0x80 && (raw[0] > TX_SET_CODE || !tx_type_allowed((tx_type_t)raw[0], rev)) &&
        (*cls == TXE_FIELD_OVERFLOW || rc == ETHC_ERR_RLP_COUNT))
      *cls = tx_type_pre_fork(raw[0]);
    return rc;
  }
  *stage = "validate";
  tx_invalid_t c = tx_rules_alone(&tx, rev);
  if (c == TXE_NONE) c = tx_rules_signature(&tx, rev, &chain_id);
  if (c == TXE_NONE && tx_recover_sender(&tx, rev, sender) != 0) c = TXE_SIGNATURE;
  if (c == TXE_NONE) c = tx_rules_fields(&tx, rev);
  if (c == TXE_NONE) c = tx_rules_gas(&tx, rev, NULL, NULL);
  *cls = c;
  rc = tx_invalid_code(c);
  if (!rc) {
    *stage = "hash";
    rc = tx_hash(&tx, hash);
  }
  if (!rc) {
    *intrinsic = tx_intrinsic_gas(&tx, rev);
    bytes_buf_t b = {0};
    *stage = "encode";
    rc = tx_encode(&tx, &b);
    *roundtrip = !rc && b.len == len && memcmp(b.data, raw, len) == 0;
    bytes_buf_free(&b);
  }
  tx_free(&tx);
  return rc;
}

static void run_tx_case(runner_t *r, const char *path, const char *name, const char *fork, const uint8_t *raw,
                        size_t len, bool raw_ok, const cJSON *expect) {
  evm_revision_t rev;
  if (!evm_revision_from_name(fork, &rev)) {
    runner_fail(r, path, name, fork, "unknown fork name");
    return;
  }
  const char *exception = json_str(expect, "exception");
  const char *want_hash = json_str(expect, "hash");
  const char *want_sender = json_str(expect, "sender");
  const char *want_gas = json_str(expect, "intrinsicGas");
  if (!exception && (!want_hash || !want_sender)) {
    runner_fail(r, path, name, fork, "result entry has neither exception nor hash+sender");
    return;
  }
  if (!raw_ok) {
    /* txbytes that are not even hex cannot be a valid transaction. */
    if (exception) runner_pass(r, path, name, fork);
    else runner_fail(r, path, name, fork, "txbytes is not valid hex");
    return;
  }
  ethc_address_t sender;
  ethc_hash_t hash;
  uint64_t gas = 0;
  bool roundtrip = false;
  const char *stage = "";
  tx_invalid_t cls;
  int rc = check_tx(raw, len, rev, &sender, &hash, &gas, &roundtrip, &stage, &cls);
  if (exception) {
    char unknown[256];
    if (!rc) runner_fail(r, path, name, fork, "expected %s, but the transaction was accepted", exception);
    else if (runner_tx_names_match(cls, exception, unknown, sizeof unknown)) runner_pass(r, path, name, fork);
    else
      runner_fail(r, path, name, fork, "rejected at %s as \"%s\" [%s] (%s), expected %s%s%s", stage,
                  tx_invalid_message(cls), exception_tx_names(cls), ethc_strerror(rc), exception,
                  *unknown ? "; unknown exception name " : "", unknown);
    return;
  }
  if (rc) {
    runner_fail(r, path, name, fork, "rejected at %s: %s", stage, ethc_strerror(rc));
    return;
  }
  ethc_address_t exp_sender;
  ethc_hash_t exp_hash;
  char got[67];
  if (hex_decode_fixed(want_sender, false, exp_sender.bytes, 20) != 0 ||
      hex_decode_fixed(want_hash, false, exp_hash.bytes, 32) != 0) {
    runner_fail(r, path, name, fork, "malformed expected hash or sender");
    return;
  }
  if (!ethc_address_eq(&sender, &exp_sender)) {
    runner_fail(r, path, name, fork, "sender %s, expected %s", hex_encode(sender.bytes, 20, got), want_sender);
    return;
  }
  if (!ethc_hash_eq(&hash, &exp_hash)) {
    runner_fail(r, path, name, fork, "hash %s, expected %s", hex_encode(hash.bytes, 32, got), want_hash);
    return;
  }
  if (!roundtrip) {
    runner_fail(r, path, name, fork, "re-encoding differs from txbytes");
    return;
  }
  if (want_gas) {
    u256_t g;
    if (!u256_from_string(&g, want_gas) || !u256_fits_u64(&g)) {
      runner_fail(r, path, name, fork, "malformed intrinsicGas %s", want_gas);
      return;
    }
    if (g.w[0] != gas) {
      runner_fail(r, path, name, fork, "intrinsic gas %llu, expected %llu", (unsigned long long)gas,
                  (unsigned long long)g.w[0]);
      return;
    }
  }
  runner_pass(r, path, name, fork);
}

static void run_tx_file(runner_t *r, const char *path, const cJSON *root) {
  const cJSON *test;
  cJSON_ArrayForEach(test, root) {
    const char *name = test->string;
    if (!cJSON_IsObject(test) || !name || name[0] == '_') continue;
    const cJSON *result = json_get(test, "result");
    const char *txbytes = json_str(test, "txbytes");
    if (!cJSON_IsObject(result)) {
      runner_fail(r, path, name, NULL, "missing \"result\"");
      continue;
    }
    uint8_t *raw = NULL;
    size_t len = 0;
    bool raw_ok = txbytes && hex_decode_alloc(txbytes, false, &raw, &len) == 0;
    const cJSON *expect;
    cJSON_ArrayForEach(expect, result) {
      const char *fork = expect->string;
      if (runner_fork_filtered(r, fork)) continue;
      if (runner_skip(r, path, name, fork)) continue;
      run_tx_case(r, path, name, fork, raw, len, raw_ok, expect);
    }
    free(raw);
  }
}

RUNNER_SUITE("tx", run_tx_file, RUNNER_OPT_FORK)
