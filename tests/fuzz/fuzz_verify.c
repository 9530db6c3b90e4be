/* libFuzzer harness for the verification of untrusted execution data
 * (src/chain/verify_state.c, verify_receipts.c; EIP-1186 eth_getProof answers
 * and eth_getBlockReceipts answers against a header's roots). Chosen by the
 * first input byte:
 *  - bit 0 clear: the rest is an eth_getProof result (JSON text) checked
 *    against the recorded state root;
 *  - bit 0 set: the rest is a list of (offset, byte) edits applied to a
 *    recorded answer (bit 1: the contract's eth_getProof, else the receipts of
 *    a recorded block with logs): near-valid documents that reach the checks.
 * Always: no crash or out-of-bounds read; a refusal leaves the result empty and
 * says why. Soundness: an accepted proof for the recorded contract's address
 * gives exactly the recorded account and slot values, whatever else changed.
 * The answers are read at start from $ETHC_VERIFY_FIXTURE (default
 * tests/unit/chain/data/verify_fixture.json, made by ethc's own node). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/verify.h"
#include "fuzz_input.h"

static ethc_hash_t state_root, receipts_root;
static uint8_t header_bloom[256];
static char *proof_text, *receipts_text;
static verify_proof_result_t truth; /* the recorded contract's proven account */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const char *path = getenv("ETHC_VERIFY_FIXTURE");
  size_t len;
  char *text = (char *)bytes_read_file(path && *path ? path : "tests/unit/chain/data/verify_fixture.json", &len);
  if (!text) {
    fprintf(stderr, "fuzz_verify: set ETHC_VERIFY_FIXTURE to tests/unit/chain/data/verify_fixture.json\n");
    exit(1);
  }
  cJSON *fx = cJSON_ParseWithLength(text, len);
  free(text);
  must(fx != NULL);
  must(hex_decode_fixed(cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "head"), "stateRoot")->valuestring, true,
                        state_root.bytes, 32) == 0);
  const cJSON *proof = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(fx, "proofs"), 0), "proof");
  proof_text = cJSON_PrintUnformatted(proof);
  must(verify_get_proof_json(&state_root, NULL, proof, &truth, NULL) == 0);
  const cJSON *block = cJSON_GetArrayItem(cJSON_GetObjectItem(fx, "blocks"), 1); /* one with logs */
  must(hex_decode_fixed(cJSON_GetObjectItem(block, "receiptsRoot")->valuestring, true, receipts_root.bytes, 32) == 0);
  must(hex_decode_fixed(cJSON_GetObjectItem(block, "logsBloom")->valuestring, true, header_bloom, 256) == 0);
  receipts_text = cJSON_PrintUnformatted(cJSON_GetObjectItem(block, "receipts"));
  cJSON_Delete(fx);
  return 0;
}

static void check_proof(const cJSON *json) {
  verify_proof_result_t res;
  verify_err_t err = {{0}};
  int rc = verify_get_proof_json(&state_root, NULL, json, &res, &err);
  must(rc == 0 || rc == ETHC_ERR_INVALID || rc == ETHC_ERR_JSON || rc == ETHC_ERR_NOMEM);
  if (rc) {
    must(res.slots == NULL && res.slot_count == 0 && err.msg[0] != 0);
    return;
  }
  must(res.slot_count == (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(json, "storageProof")));
  if (ethc_address_eq(&res.address, &truth.address)) {
    const verify_account_t *a = &res.account, *t = &truth.account;
    must(a->exists && a->nonce == t->nonce && u256_eq(&a->balance, &t->balance));
    must(memcmp(&a->storage_root, &t->storage_root, 32) == 0 && memcmp(&a->code_hash, &t->code_hash, 32) == 0);
    for (size_t i = 0; i < res.slot_count; i++)
      for (size_t k = 0; k < truth.slot_count; k++)
        if (memcmp(res.slots[i].slot, truth.slots[k].slot, 32) == 0)
          must(u256_eq(&res.slots[i].value, &truth.slots[k].value));
  }
  verify_proof_result_free(&res);
}

static void check_receipts(const cJSON *json) {
  verify_err_t err = {{0}};
  int rc = verify_receipts_json(&receipts_root, header_bloom, json, &err);
  must(rc == 0 || rc == ETHC_ERR_INVALID || rc == ETHC_ERR_JSON || rc == ETHC_ERR_NOMEM);
  if (rc) must(err.msg[0] != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 20) return 0;
  char *text;
  size_t len;
  bool receipts = false;
  if (data[0] & 1) {
    /* 3 bytes an edit: a 16-bit offset (modulo the length) and the new byte */
    receipts = !(data[0] & 2);
    const char *base = receipts ? receipts_text : proof_text;
    len = strlen(base);
    text = malloc(len + 1);
    if (!text) return 0;
    memcpy(text, base, len + 1);
    for (size_t i = 1; i + 3 <= size; i += 3) {
      size_t off = ((size_t)data[i] << 8 | data[i + 1]) % len;
      text[off] = (char)data[i + 2];
    }
  } else {
    len = size - 1;
    text = malloc(len + 1);
    if (!text) return 0;
    memcpy(text, data + 1, len);
    text[len] = 0;
  }
  cJSON *json = cJSON_ParseWithLength(text, len);
  if (json) {
    if (receipts) check_receipts(json);
    else check_proof(json);
    cJSON_Delete(json);
  }
  free(text);
  return 0;
}
