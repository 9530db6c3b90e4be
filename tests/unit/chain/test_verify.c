/* Verification of untrusted execution data (include/ethc/verify.h) on answers
 * recorded from ethc's own node on the rpc-compat chain
 * (data/verify_fixture.json, made by data/record_verify_fixture.py): the real
 * answers verify, and each tampering (a flipped proof byte, a changed JSON
 * field, a dropped or reordered receipt or transaction, wrong code) is refused
 * with a message naming the failed check. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/trie.h"
#include "ethc/verify.h"

#ifndef ETHC_VERIFY_FIXTURE
#define ETHC_VERIFY_FIXTURE "tests/unit/chain/data/verify_fixture.json"
#endif

static cJSON *load_fixture(void) {
  FILE *f = fopen(ETHC_VERIFY_FIXTURE, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  size_t got = fread(text, 1, (size_t)n, f);
  fclose(f);
  text[got] = 0;
  cJSON *j = cJSON_Parse(text);
  free(text);
  return j;
}

static ethc_hash_t hash_of(const cJSON *obj, const char *name) {
  ethc_hash_t h = {{0}};
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  CHECK(cJSON_IsString(v) && hex_decode_fixed(v->valuestring, true, h.bytes, 32) == 0);
  return h;
}

/* err's message contains `want`. */
static bool says(const verify_err_t *err, const char *want) {
  if (strstr(err->msg, want)) return true;
  fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err->msg, want);
  return false;
}

static void set_str(cJSON *obj, const char *name, const char *value) {
  cJSON_ReplaceItemInObjectCaseSensitive(obj, name, cJSON_CreateString(value));
}

/* verify_get_proof_json on a copy of `proof` changed by `edit`: refused with
 * `code` and a message containing `want`. */
typedef void (*edit_fn)(cJSON *proof);
static void expect_proof_refused(const ethc_hash_t *root, const cJSON *proof, edit_fn edit, int code,
                                 const char *want) {
  cJSON *copy = cJSON_Duplicate(proof, 1);
  edit(copy);
  verify_proof_result_t res;
  verify_err_t err = {{0}};
  int rc = verify_get_proof_json(root, NULL, copy, &res, &err);
  CHECK_MSG(rc == code, "rc %d, want %d (%s)", rc, code, err.msg);
  CHECK(says(&err, want));
  CHECK(res.slots == NULL && res.slot_count == 0);
  cJSON_Delete(copy);
}

static void edit_balance(cJSON *p) { set_str(p, "balance", "0x77"); }
static void edit_nonce(cJSON *p) { set_str(p, "nonce", "0x1"); }
static void edit_code_hash(cJSON *p) {
  set_str(p, "codeHash", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}
static void edit_storage_hash(cJSON *p) {
  set_str(p, "storageHash", "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
}
static void edit_slot_value(cJSON *p) {
  set_str(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "storageProof"), 0), "value", "0x39");
}
static void edit_slot_key(cJSON *p) { /* slot 0's proof offered as slot 1's */
  set_str(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "storageProof"), 0), "key", "0x1");
}
/* flips one hex digit in the middle of node i of an array of hex strings */
static void flip_node(cJSON *arr, int i) {
  cJSON *n = cJSON_GetArrayItem(arr, i);
  char *s = strdup(n->valuestring);
  size_t mid = strlen(s) / 2;
  s[mid] = s[mid] == '0' ? '1' : '0';
  cJSON_ReplaceItemInArray(arr, i, cJSON_CreateString(s));
  free(s);
}
static void edit_account_node(cJSON *p) { flip_node(cJSON_GetObjectItem(p, "accountProof"), 1); }
static void edit_account_drop(cJSON *p) {
  cJSON *arr = cJSON_GetObjectItem(p, "accountProof");
  cJSON_DeleteItemFromArray(arr, cJSON_GetArraySize(arr) - 1);
}
static void edit_storage_node(cJSON *p) {
  flip_node(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "storageProof"), 0), "proof"), 2);
}
static void edit_address(cJSON *p) { set_str(p, "address", "0x7dcd17433742f4c0ca53122ab541d0ba67fc27de"); }
static void edit_bad_hex(cJSON *p) { set_str(p, "balance", "76"); }
static void edit_absent_balance(cJSON *p) { set_str(p, "balance", "0x1"); }
static void edit_absent_slot(cJSON *p) {
  set_str(cJSON_GetArrayItem(cJSON_GetObjectItem(p, "storageProof"), 0), "value", "0x5");
}

static void test_proofs(const cJSON *fx) {
  ethc_hash_t root = hash_of(cJSON_GetObjectItem(fx, "head"), "stateRoot");
  const cJSON *proofs = cJSON_GetObjectItem(fx, "proofs");
  const cJSON *contract = cJSON_GetObjectItem(cJSON_GetArrayItem(proofs, 0), "proof");
  const cJSON *absent = cJSON_GetObjectItem(cJSON_GetArrayItem(proofs, 1), "proof");

  /* the real answers verify, to the values the node holds */
  verify_proof_result_t res;
  verify_err_t err = {{0}};
  ethc_address_t addr;
  CHECK(hex_decode_fixed("0x7dcd17433742f4c0ca53122ab541d0ba67fc27df", true, addr.bytes, 20) == 0);
  CHECK_MSG(verify_get_proof_json(&root, &addr, contract, &res, &err) == 0, "%s", err.msg);
  CHECK(res.account.exists && res.account.nonce == 0 && res.account.balance.w[0] == 0x76);
  CHECK(res.slot_count == 4 && res.slots && res.slots[0].value.w[0] == 0x38 && res.slots[0].slot[31] == 0);
  CHECK(res.slot_count == 4 && res.slots && u256_is_zero(&res.slots[3].value) && res.slots[3].slot[30] == 0x12);
  ethc_hash_t code_hash = res.account.code_hash;
  verify_proof_result_free(&res);
  CHECK_MSG(verify_get_proof_json(&root, NULL, absent, &res, &err) == 0, "%s", err.msg);
  CHECK(!res.account.exists && res.slot_count == 1 && u256_is_zero(&res.slots[0].value));
  verify_proof_result_free(&res);

  /* the wrong state root, or another address asked for */
  ethc_hash_t other = root;
  other.bytes[5] ^= 1;
  CHECK(verify_get_proof_json(&other, NULL, contract, &res, &err) == ETHC_ERR_INVALID && says(&err, "account proof"));
  addr.bytes[19] ^= 1;
  CHECK(verify_get_proof_json(&root, &addr, contract, &res, &err) == ETHC_ERR_INVALID && says(&err, "address"));

  /* tampered answers */
  expect_proof_refused(&root, contract, edit_balance, ETHC_ERR_INVALID,
                       "balance: the JSON claims 0x77, the proof shows 0x76");
  expect_proof_refused(&root, contract, edit_nonce, ETHC_ERR_INVALID, "nonce");
  expect_proof_refused(&root, contract, edit_code_hash, ETHC_ERR_INVALID, "codeHash");
  expect_proof_refused(&root, contract, edit_storage_hash, ETHC_ERR_INVALID, "storageHash");
  expect_proof_refused(&root, contract, edit_slot_value, ETHC_ERR_INVALID,
                       "storageProof[0].value: the JSON claims 0x39");
  expect_proof_refused(&root, contract, edit_slot_key, ETHC_ERR_INVALID, "storageProof[0]: storage proof");
  expect_proof_refused(&root, contract, edit_account_node, ETHC_ERR_INVALID, "account proof");
  expect_proof_refused(&root, contract, edit_account_drop, ETHC_ERR_INVALID, "account proof");
  expect_proof_refused(&root, contract, edit_storage_node, ETHC_ERR_INVALID, "storageProof[0]: storage proof");
  expect_proof_refused(&root, contract, edit_address, ETHC_ERR_INVALID, "account proof");
  expect_proof_refused(&root, contract, edit_bad_hex, ETHC_ERR_JSON, "balance: missing or not a hex quantity");
  expect_proof_refused(&root, absent, edit_absent_balance, ETHC_ERR_INVALID, "balance");
  expect_proof_refused(&root, absent, edit_absent_slot, ETHC_ERR_INVALID, "storageProof[0].value");

  /* every single-byte flip of every account proof node is refused */
  const cJSON *nodes_json = cJSON_GetObjectItem(contract, "accountProof"), *n;
  bytes_view_t nodes[16];
  uint8_t *bufs[16];
  size_t count = 0;
  cJSON_ArrayForEach(n, nodes_json) {
    size_t len = 0;
    if (count >= 16 || hex_decode_alloc(n->valuestring, true, &bufs[count], &len)) {
      CHECK(!"at most 16 account proof nodes, each hex");
      break;
    }
    nodes[count] = bytes_view(bufs[count], len);
    count++;
  }
  CHECK(hex_decode_fixed("0x7dcd17433742f4c0ca53122ab541d0ba67fc27df", true, addr.bytes, 20) == 0);
  verify_account_t acct;
  CHECK(verify_account_proof(&root, &addr, nodes, count, &acct, &err) == 0 && acct.exists);
  size_t flips = 0, refused = 0;
  for (size_t i = 0; i < count; i++)
    for (size_t b = 0; b < nodes[i].len; b++) {
      bufs[i][b] ^= 0x01;
      flips++;
      if (verify_account_proof(&root, &addr, nodes, count, &acct, &err) == ETHC_ERR_INVALID &&
          strstr(err.msg, "account proof"))
        refused++;
      bufs[i][b] ^= 0x01;
    }
  CHECK_MSG(flips > 500 && refused == flips, "%zu of %zu flips refused", refused, flips);
  for (size_t i = 0; i < count; i++) free(bufs[i]);

  /* code against the code hash */
  const char *code_hex = cJSON_GetObjectItem(cJSON_GetArrayItem(proofs, 0), "code")->valuestring;
  uint8_t *code;
  size_t code_len;
  CHECK(hex_decode_alloc(code_hex, true, &code, &code_len) == 0 && code_len > 0);
  CHECK_MSG(verify_code(&code_hash, code, code_len, &err) == 0, "%s", err.msg);
  code[code_len / 2] ^= 0x40;
  CHECK(verify_code(&code_hash, code, code_len, &err) == ETHC_ERR_INVALID && says(&err, "code: keccak256"));
  CHECK(verify_code(&code_hash, code, code_len - 1, &err) == ETHC_ERR_INVALID);
  free(code);
  ethc_hash_t empty_code = hash_of(absent, "codeHash");
  CHECK(verify_code(&empty_code, NULL, 0, NULL) == 0);
}

/* verify_receipts_json on a copy of the block's receipts changed by edit. */
typedef void (*redit_fn)(cJSON *receipts);
static int receipts_after(const cJSON *block, redit_fn edit, verify_err_t *err) {
  ethc_hash_t root = hash_of(block, "receiptsRoot");
  uint8_t bloom[256];
  CHECK(hex_decode_fixed(cJSON_GetObjectItem(block, "logsBloom")->valuestring, true, bloom, 256) == 0);
  cJSON *copy = cJSON_Duplicate(cJSON_GetObjectItem(block, "receipts"), 1);
  if (edit) edit(copy);
  int rc = verify_receipts_json(&root, bloom, copy, err);
  cJSON_Delete(copy);
  return rc;
}

static void drop_last(cJSON *r) { cJSON_DeleteItemFromArray(r, cJSON_GetArraySize(r) - 1); }
static void drop_first(cJSON *r) { cJSON_DeleteItemFromArray(r, 0); }
/* swaps the contents of receipts 0 and 1 (their member lists) */
static void swap_01(cJSON *r) {
  cJSON *a = cJSON_GetArrayItem(r, 0), *b = cJSON_GetArrayItem(r, 1);
  cJSON *t = a->child;
  a->child = b->child;
  b->child = t;
}
/* swapped, with transactionIndex and logIndex renumbered to match: only the
 * receipts root can tell */
static void swap_01_renumbered(cJSON *r) {
  swap_01(r);
  int log_index = 0;
  for (int i = 0; i < 2; i++) {
    cJSON *rc = cJSON_GetArrayItem(r, i), *l;
    set_str(rc, "transactionIndex", i ? "0x1" : "0x0");
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(rc, "logs")) {
      char hex[16];
      snprintf(hex, sizeof hex, "0x%x", log_index++);
      set_str(l, "transactionIndex", i ? "0x1" : "0x0");
      set_str(l, "logIndex", hex);
    }
  }
}
static void bump_gas(cJSON *r) { set_str(cJSON_GetArrayItem(r, 0), "cumulativeGasUsed", "0x5209"); }
/* the first log with a topic */
static cJSON *first_log(cJSON *r) {
  cJSON *rc, *l;
  cJSON_ArrayForEach(rc, r) {
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(rc, "logs")) {
      if (cJSON_GetArraySize(cJSON_GetObjectItem(l, "topics")) > 0) return l;
    }
  }
  return NULL;
}
static void change_log_data(cJSON *r) { set_str(first_log(r), "data", "0x01"); }
static void change_log_topic(cJSON *r) {
  cJSON *topics = cJSON_GetObjectItem(first_log(r), "topics");
  flip_node(topics, 0);
}

static void test_receipts(const cJSON *fx) {
  const cJSON *blocks = cJSON_GetObjectItem(fx, "blocks"), *b;
  verify_err_t err = {{0}};
  int nblocks = 0, with_logs = 0;
  cJSON_ArrayForEach(b, blocks) {
    nblocks++;
    CHECK_MSG(receipts_after(b, NULL, &err) == 0, "block %s: %s", cJSON_GetObjectItem(b, "number")->valuestring,
              err.msg);
    CHECK(receipts_after(b, drop_last, &err) == ETHC_ERR_INVALID && says(&err, "receipts root"));
    CHECK(receipts_after(b, drop_first, &err) == ETHC_ERR_INVALID && says(&err, "receipt 0: transactionIndex"));
    CHECK(receipts_after(b, swap_01, &err) == ETHC_ERR_INVALID && says(&err, "receipt 0: transactionIndex is not 0"));
    CHECK(receipts_after(b, swap_01_renumbered, &err) == ETHC_ERR_INVALID && says(&err, "receipts root"));
    CHECK(receipts_after(b, bump_gas, &err) == ETHC_ERR_INVALID && says(&err, "receipts root"));
    cJSON *copy = cJSON_Duplicate(cJSON_GetObjectItem(b, "receipts"), 1);
    bool logs = first_log(copy) != NULL;
    cJSON_Delete(copy);
    if (logs) {
      with_logs++;
      CHECK(receipts_after(b, change_log_data, &err) == ETHC_ERR_INVALID && says(&err, "receipts root"));
      CHECK(receipts_after(b, change_log_topic, &err) == ETHC_ERR_INVALID && says(&err, "logsBloom"));
    }

    /* the header bloom must be the OR of the receipts' */
    ethc_hash_t root = hash_of(b, "receiptsRoot");
    uint8_t bloom[256] = {0};
    bloom[7] = 0x80;
    CHECK(verify_receipts_json(&root, bloom, cJSON_GetObjectItem(b, "receipts"), &err) == ETHC_ERR_INVALID &&
          says(&err, "logs bloom"));
    CHECK(verify_receipts_json(&root, NULL, cJSON_GetObjectItem(b, "receipts"), &err) == 0);

    /* raw receipts and raw transactions against their roots */
    const char *roots[2] = {"receiptsRoot", "transactionsRoot"};
    const char *lists[2] = {"rawReceipts", "rawTransactions"};
    for (int k = 0; k < 2; k++) {
      ethc_hash_t want = hash_of(b, roots[k]);
      const cJSON *arr = cJSON_GetObjectItem(b, lists[k]), *e;
      size_t n = 0;
      bytes_view_t items[16];
      uint8_t *bufs[16];
      cJSON_ArrayForEach(e, arr) {
        size_t len = 0;
        if (n >= 16 || hex_decode_alloc(e->valuestring, true, &bufs[n], &len)) {
          CHECK(!"at most 16 items, each hex");
          break;
        }
        items[n] = bytes_view(bufs[n], len);
        n++;
      }
      int (*fn)(const ethc_hash_t *, const bytes_view_t *, size_t, verify_err_t *) =
          k ? verify_transactions : verify_receipts_raw;
      CHECK_MSG(fn(&want, items, n, &err) == 0, "%s: %s", lists[k], err.msg);
      CHECK(fn(&want, items, n - 1, &err) == ETHC_ERR_INVALID && says(&err, "root"));
      if (n >= 2) {
        bytes_view_t t = items[0];
        items[0] = items[1];
        items[1] = t;
        CHECK(fn(&want, items, n, &err) == ETHC_ERR_INVALID && says(&err, "root"));
        items[1] = items[0];
        items[0] = t;
      }
      bufs[0][items[0].len - 1] ^= 1;
      CHECK(fn(&want, items, n, &err) == ETHC_ERR_INVALID && says(&err, "root"));
      for (size_t i = 0; i < n; i++) free(bufs[i]);
    }
  }
  CHECK(nblocks >= 5 && with_logs >= 3);

  /* every log's address and topics are in its block's header bloom; an
   * address that logged nothing is not in the blooms checked here */
  size_t items = 0, in_bloom = 0, absent_hits = 0;
  cJSON_ArrayForEach(b, blocks) {
    uint8_t bloom[256];
    CHECK(hex_decode_fixed(cJSON_GetObjectItem(b, "logsBloom")->valuestring, true, bloom, 256) == 0);
    const cJSON *rc, *l, *t;
    cJSON_ArrayForEach(rc, cJSON_GetObjectItem(b, "receipts")) cJSON_ArrayForEach(l, cJSON_GetObjectItem(rc, "logs")) {
      uint8_t a[20], topic[32];
      CHECK(hex_decode_fixed(cJSON_GetObjectItem(l, "address")->valuestring, true, a, 20) == 0);
      items++;
      in_bloom += verify_bloom_may_contain(bloom, a, 20);
      cJSON_ArrayForEach(t, cJSON_GetObjectItem(l, "topics")) {
        CHECK(hex_decode_fixed(t->valuestring, true, topic, 32) == 0);
        items++;
        in_bloom += verify_bloom_may_contain(bloom, topic, 32);
      }
    }
    uint8_t nobody[20] = {0xde, 0xad};
    absent_hits += verify_bloom_may_contain(bloom, nobody, 20);
  }
  CHECK_MSG(items > 20 && in_bloom == items, "%zu of %zu in the bloom", in_bloom, items);
  CHECK(absent_hits == 0);
  uint8_t zero[256] = {0}, one[20] = {1};
  CHECK(!verify_bloom_may_contain(zero, one, 20));

  /* an empty block: the empty trie's root and an empty bloom */
  ethc_hash_t empty;
  memcpy(empty.bytes, TRIE_EMPTY_ROOT, 32);
  uint8_t zero_bloom[256] = {0};
  cJSON *none = cJSON_CreateArray();
  CHECK(verify_receipts_json(&empty, zero_bloom, none, &err) == 0);
  cJSON_Delete(none);
  CHECK(verify_transactions(&empty, NULL, 0, &err) == 0);
  CHECK(verify_receipts_raw(&empty, NULL, 0, &err) == 0);

  /* malformed input */
  ethc_hash_t root = {{0}};
  cJSON *notarr = cJSON_CreateObject();
  CHECK(verify_receipts_json(&root, NULL, notarr, &err) == ETHC_ERR_JSON);
  cJSON_Delete(notarr);
  cJSON *junk = cJSON_Parse("[{\"transactionIndex\":\"0x0\",\"status\":\"0x7\"}]");
  CHECK(verify_receipts_json(&root, NULL, junk, &err) == ETHC_ERR_JSON && says(&err, "status"));
  cJSON_Delete(junk);
}

int main(void) {
  cJSON *fx = load_fixture();
  CHECK_MSG(fx != NULL, "cannot read %s", ETHC_VERIFY_FIXTURE);
  if (fx) {
    test_proofs(fx);
    test_receipts(fx);
  }
  cJSON_Delete(fx);
  return check_summary();
}
