/* chain_call (chain_call.h) against the execution-apis conformance cases for
 * eth_call (the .io files of ../shared/rpc-compat/eth_call, answered by go-ethereum on the
 * rpc-compat chain): each request's call object runs on the head snapshot and
 * the output (or the revert data of an error) must equal the expected bytes.
 * Also: the snapshot's state is unchanged afterwards, and calls run on several
 * threads at once give the same answers (under TSan in the tsan build). */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_call.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

#define MAX_CASES 16

typedef struct {
  char name[256];
  chain_call_msg_t msg;
  uint8_t *input;
  uint8_t *want; /* result bytes, or revert data */
  size_t want_len;
  bool want_revert;
} call_case_t;

static call_case_t cases[MAX_CASES];
static size_t ncases;
static chain_snapshot_t *head;

static bool hex_field(const cJSON *o, const char *k, u256_t *out) {
  const cJSON *v = cJSON_GetObjectItem(o, k);
  if (!cJSON_IsString(v)) return false;
  return u256_from_string(out, v->valuestring);
}

static uint8_t *hex_bytes(const char *s, size_t *len) {
  size_t n = strlen(s);
  if (n < 2 || s[0] != '0' || s[1] != 'x' || n % 2) return NULL;
  *len = (n - 2) / 2;
  uint8_t *b = malloc(*len + 1);
  if (b && hex_decode_fixed(s, true, b, *len)) {
    free(b);
    return NULL;
  }
  return b;
}

static void load_case(const char *dir, const char *file) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text || ncases == MAX_CASES) return free(text);
  char *req = strstr(text, "\n>> "), *resp = strstr(text, "\n<< ");
  cJSON *rq = req ? cJSON_Parse(req + 4) : NULL, *rs = resp ? cJSON_Parse(resp + 4) : NULL;
  call_case_t *c = &cases[ncases];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", file);
  const cJSON *params = cJSON_GetObjectItem(rq, "params"), *obj = cJSON_GetArrayItem(params, 0);
  const cJSON *v;
  bool ok = cJSON_IsObject(obj);
  if (ok && (v = cJSON_GetObjectItem(obj, "from")))
    ok = hex_decode_fixed(v->valuestring, true, c->msg.from.bytes, 20) == 0;
  if (ok && (v = cJSON_GetObjectItem(obj, "to"))) {
    c->msg.has_to = true;
    ok = hex_decode_fixed(v->valuestring, true, c->msg.to.bytes, 20) == 0;
  }
  u256_t g;
  if (ok && hex_field(obj, "gas", &g)) c->msg.gas = g.w[0];
  hex_field(obj, "value", &c->msg.value);
  hex_field(obj, "gasPrice", &c->msg.gas_price);
  if (hex_field(obj, "maxFeePerGas", &c->msg.max_fee_per_gas)) {
    c->msg.dynamic_fee = true;
    hex_field(obj, "maxPriorityFeePerGas", &c->msg.max_priority_fee_per_gas);
  }
  if (ok && ((v = cJSON_GetObjectItem(obj, "input")) || (v = cJSON_GetObjectItem(obj, "data")))) {
    c->input = hex_bytes(v->valuestring, &c->msg.data_len);
    c->msg.data = c->input;
    ok = c->input != NULL;
  }
  const cJSON *result = cJSON_GetObjectItem(rs, "result"), *error = cJSON_GetObjectItem(rs, "error");
  if (ok && cJSON_IsString(result)) c->want = hex_bytes(result->valuestring, &c->want_len);
  else if (ok && (v = cJSON_GetObjectItem(error, "data")) && cJSON_IsString(v)) {
    c->want = hex_bytes(v->valuestring, &c->want_len);
    c->want_revert = true;
  }
  CHECK_MSG(ok && c->want, "%s: cannot read the case", file);
  if (ok && c->want) ncases++;
  cJSON_Delete(rq);
  cJSON_Delete(rs);
  free(text);
}

/* Runs every case; returns the number of answers that differ. */
static long run_cases(evm_t *vm, bool report) {
  long bad = 0;
  for (size_t i = 0; i < ncases; i++) {
    call_case_t *c = &cases[i];
    chain_call_result_t r;
    int rc = chain_call(head, vm, &c->msg, &r);
    bool same = rc == 0 && r.tx_error == 0 && (r.status == EVM_REVERT) == c->want_revert &&
                r.output_size == c->want_len && (!c->want_len || memcmp(r.output, c->want, c->want_len) == 0);
    if (!same) bad++;
    if (report)
      CHECK_MSG(same, "%s: rc %d, tx_error %d (%s), status %d, %zu bytes", c->name, rc, r.tx_error,
                r.reason ? r.reason : "", (int)r.status, r.output_size);
    if (rc == 0) chain_call_result_free(&r);
  }
  return bad;
}

static void *caller(void *arg) {
  long *bad = arg;
  evm_t *vm = evm_create();
  for (int i = 0; i < 20 && vm; i++) *bad += run_cases(vm, false);
  evm_destroy(vm);
  return NULL;
}

int main(void) {
  const char *shared = check_shared_dir();
  char calls[1024];
  snprintf(calls, sizeof calls, "%s/rpc-compat/eth_call", shared);
  if (!check_need(calls, "the rpc-compat eth_call cases")) return check_summary();
  DIR *d = opendir(calls);
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strstr(e->d_name, ".io")) load_case(calls, e->d_name);
  if (d) closedir(d);
  CHECK(ncases >= 4);
  test_chain_t tc;
  chain_t *c = test_chain_import(&tc, "rpc-compat", NULL);
  if (!c) {
    test_chain_remove(&tc);
    return check_summary();
  }
  head = chain_snapshot_head(c);
  evm_t *vm = evm_create();
  CHECK(run_cases(vm, true) == 0);
  /* the calls changed nothing: the snapshot's state is still its header's */
  state_t *st = chain_snapshot_state(head);
  ethc_hash_t root;
  CHECK(st && state_root(st, &root) == 0 && ethc_hash_eq(&root, &chain_snapshot_header(head)->state_root));
  state_free(st);
  /* a call from an account without the funds for its value is invalid */
  chain_call_msg_t poor = cases[0].msg;
  memset(&poor.from, 0x42, 20);
  poor.value = u256_from_u64(1);
  poor.dynamic_fee = false;
  poor.gas_price = U256_ZERO;
  chain_call_result_t r;
  CHECK(chain_call(head, vm, &poor, &r) == 0 && r.tx_error != 0);
  chain_call_result_free(&r);
  poor.override_balance = true;
  poor.balance = u256_from_u64(10);
  CHECK(chain_call(head, vm, &poor, &r) == 0 && r.tx_error == 0);
  chain_call_result_free(&r);
  /* threads at once on the same snapshot */
  pthread_t t[3];
  long bad[3] = {0};
  for (int i = 0; i < 3; i++) CHECK(pthread_create(&t[i], NULL, caller, &bad[i]) == 0);
  for (int i = 0; i < 3; i++) {
    CHECK(pthread_join(t[i], NULL) == 0);
    CHECK_MSG(bad[i] == 0, "thread %d: %ld answers differ", i, bad[i]);
  }
  evm_destroy(vm);
  chain_snapshot_release(head);
  test_chain_remove(&tc);
  for (size_t i = 0; i < ncases; i++) {
    free(cases[i].input);
    free(cases[i].want);
  }
  return check_summary();
}
