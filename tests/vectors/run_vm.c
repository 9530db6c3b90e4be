/* `ethc test vm PATH...`: the legacy VMTests of ethereum/tests (exec/env/pre and
 * post/gas/logs/out expectations; CALL and CREATE are not executed, they succeed at
 * once with no effect). Runs under Homestead rules, the era the format was made for;
 * a test without "post" expects an exceptional halt. */
#include <stdlib.h>
#include <string.h>

#include "cli/memhost.h"
#include "ethc/tracer.h"
#include "ethc/bytes.h"
#include "ethc/evm.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "runner.h"

static bool parse_u256(const cJSON *o, const char *key, u256_t *out) {
  const char *s = json_str(o, key);
  *out = U256_ZERO;
  return s && u256_from_string(out, s);
}

static bool parse_i64(const cJSON *o, const char *key, int64_t *out) {
  u256_t v;
  if (!parse_u256(o, key, &v) || !u256_fits_u64(&v) || v.w[0] > (uint64_t)INT64_MAX) return false;
  *out = (int64_t)v.w[0];
  return true;
}

static bool parse_addr(const char *s, ethc_address_t *a) { return s && hex_decode_fixed(s, false, a->bytes, 20) == 0; }

/* Loads a "pre"-style account map into the host. */
static const char *load_accounts(memhost_t *h, const cJSON *pre) {
  const cJSON *acct;
  cJSON_ArrayForEach(acct, pre) {
    ethc_address_t a;
    if (!parse_addr(acct->string, &a)) return "bad pre address";
    u256_t bal, nonce;
    if (!parse_u256(acct, "balance", &bal) || !parse_u256(acct, "nonce", &nonce)) return "bad pre balance/nonce";
    uint8_t *code = NULL;
    size_t code_size = 0;
    const char *cs = json_str(acct, "code");
    if (cs && hex_decode_alloc(cs, false, &code, &code_size) != 0) return "bad pre code";
    memhost_set_account(h, &a, &bal, nonce.w[0], code, code_size);
    free(code);
    const cJSON *slot;
    cJSON_ArrayForEach(slot, json_get(acct, "storage")) {
      u256_t k, v;
      if (!u256_from_string(&k, slot->string) || !cJSON_IsString(slot) || !u256_from_string(&v, slot->valuestring))
        return "bad pre storage";
      memhost_set_storage(h, &a, &k, &v);
    }
  }
  return NULL;
}

typedef struct {
  const cJSON *expected;
  size_t count;
  bool mismatch;
} storage_cmp_t;

static void cmp_slot(void *arg, const u256_t *key, const u256_t *value) {
  storage_cmp_t *c = arg;
  c->count++;
  const cJSON *e;
  cJSON_ArrayForEach(e, c->expected) {
    u256_t k, v;
    if (u256_from_string(&k, e->string) && u256_eq(&k, key)) {
      if (!cJSON_IsString(e) || !u256_from_string(&v, e->valuestring) || !u256_eq(&v, value)) c->mismatch = true;
      return;
    }
  }
  c->mismatch = true; /* a non-zero slot the test does not expect */
}

/* Compares the world with "post"; NULL when equal, else what differed (in buf). */
static const char *check_post(memhost_t *h, const cJSON *post, char *buf, size_t cap) {
  const cJSON *acct;
  cJSON_ArrayForEach(acct, post) {
    ethc_address_t a;
    if (!parse_addr(acct->string, &a)) return "bad post address";
    u256_t bal, nonce, ebal, enonce;
    uint64_t n;
    const uint8_t *code;
    size_t code_size;
    if (!memhost_get_account(h, &a, &bal, &n, &code, &code_size)) {
      snprintf(buf, cap, "account %s missing", acct->string);
      return buf;
    }
    nonce = u256_from_u64(n);
    if (!parse_u256(acct, "balance", &ebal) || !u256_eq(&ebal, &bal)) {
      snprintf(buf, cap, "balance of %s differs", acct->string);
      return buf;
    }
    if (!parse_u256(acct, "nonce", &enonce) || !u256_eq(&enonce, &nonce)) {
      snprintf(buf, cap, "nonce of %s differs", acct->string);
      return buf;
    }
    uint8_t *ecode = NULL;
    size_t ecode_size = 0;
    const char *cs = json_str(acct, "code");
    if (cs && hex_decode_alloc(cs, false, &ecode, &ecode_size) != 0) return "bad post code";
    bool code_ok = ecode_size == code_size && (code_size == 0 || memcmp(ecode, code, code_size) == 0);
    free(ecode);
    if (!code_ok) {
      snprintf(buf, cap, "code of %s differs", acct->string);
      return buf;
    }
    storage_cmp_t c = {json_get(acct, "storage"), 0, false};
    memhost_each_storage(h, &a, cmp_slot, &c);
    size_t expected_nonzero = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, c.expected) {
      u256_t v;
      if (cJSON_IsString(e) && u256_from_string(&v, e->valuestring) && !u256_is_zero(&v)) expected_nonzero++;
    }
    if (c.mismatch || c.count != expected_nonzero) {
      snprintf(buf, cap, "storage of %s differs", acct->string);
      return buf;
    }
  }
  return NULL;
}

/* keccak256(rlp([[address, [topics...], data], ...])) */
static void logs_hash(memhost_t *h, uint8_t out[32]) {
  size_t n;
  const memhost_log_t *logs = memhost_logs(h, &n);
  bytes_buf_t b = {0};
  size_t outer = rlp_list_begin(&b);
  for (size_t i = 0; i < n; i++) {
    size_t l = rlp_list_begin(&b);
    rlp_put_bytes(&b, logs[i].address.bytes, 20);
    size_t t = rlp_list_begin(&b);
    for (size_t j = 0; j < logs[i].topics_count; j++) rlp_put_bytes(&b, logs[i].topics[j].bytes, 32);
    rlp_list_end(&b, t);
    rlp_put_bytes(&b, logs[i].data, logs[i].data_size);
    rlp_list_end(&b, l);
  }
  rlp_list_end(&b, outer);
  keccak256(b.data, b.len, out);
  bytes_buf_free(&b);
}

static void run_case(runner_t *r, const char *path, const char *name, const cJSON *t) {
  const cJSON *exec = json_get(t, "exec"), *env = json_get(t, "env");
  evm_t *vm = evm_create();
  memhost_t *h = memhost_new(vm, EVM_HOMESTEAD);
  uint8_t *code = NULL, *data = NULL;
  size_t code_size = 0, data_size = 0;
  char buf[256];
  const char *err = NULL;
  evm_result_t res;
  memset(&res, 0, sizeof res);
  memhost_set_vmtest_mode(h, true);

  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  evm_tx_context_t tx;
  memset(&tx, 0, sizeof tx);
  if (!exec || !env) err = "missing exec/env";
  else if (!parse_addr(json_str(exec, "address"), &msg.recipient) ||
           !parse_addr(json_str(exec, "caller"), &msg.sender) || !parse_addr(json_str(exec, "origin"), &tx.origin) ||
           !parse_i64(exec, "gas", &msg.gas) || !parse_u256(exec, "value", &msg.value) ||
           !parse_u256(exec, "gasPrice", &tx.gas_price))
    err = "bad exec field";
  else if (!json_str(exec, "code") || hex_decode_alloc(json_str(exec, "code"), false, &code, &code_size) != 0 ||
           !json_str(exec, "data") || hex_decode_alloc(json_str(exec, "data"), false, &data, &data_size) != 0)
    err = "bad exec code/data";
  else if (!parse_addr(json_str(env, "currentCoinbase"), &tx.coinbase) ||
           !parse_u256(env, "currentDifficulty", &tx.prev_randao) ||
           !parse_i64(env, "currentGasLimit", &tx.gas_limit) || !parse_i64(env, "currentNumber", &tx.number) ||
           !parse_i64(env, "currentTimestamp", &tx.timestamp))
    err = "bad env field";
  else err = load_accounts(h, json_get(t, "pre"));
  if (err) {
    runner_fail(r, path, name, NULL, "%s", err);
    goto done;
  }
  memhost_set_tx_context(h, &tx);
  msg.kind = EVM_CALL;
  msg.code_address = msg.recipient;
  msg.input = data;
  msg.input_size = data_size;
  evm_eip3155_t eip3155 = {ethc_write_stdio, stderr};
  if (r->trace) evm_set_tracer(vm, &evm_eip3155_tracer, &eip3155);
  res = evm_execute(vm, memhost_interface(), h, EVM_HOMESTEAD, &msg, code, code_size);

  const cJSON *post = json_get(t, "post");
  if (!post) {
    if (res.status == EVM_SUCCESS) runner_fail(r, path, name, NULL, "expected an exceptional halt, got success");
    else runner_pass(r, path, name, NULL);
    goto done;
  }
  if (res.status != EVM_SUCCESS) {
    runner_fail(r, path, name, NULL, "expected success, got %s", evm_status_name(res.status));
    goto done;
  }
  int64_t egas;
  if (!parse_i64(t, "gas", &egas) || egas != res.gas_left) {
    runner_fail(r, path, name, NULL, "gas left %lld, expected %s", (long long)res.gas_left,
                json_str(t, "gas") ? json_str(t, "gas") : "?");
    goto done;
  }
  uint8_t *eout = NULL;
  size_t eout_size = 0;
  if (!json_str(t, "out") || hex_decode_alloc(json_str(t, "out"), false, &eout, &eout_size) != 0) {
    runner_fail(r, path, name, NULL, "bad out field");
    goto done;
  }
  bool out_ok = eout_size == res.output_size && (eout_size == 0 || memcmp(eout, res.output, eout_size) == 0);
  free(eout);
  if (!out_ok) {
    runner_fail(r, path, name, NULL, "output differs");
    goto done;
  }
  uint8_t lh[32], elh[32];
  logs_hash(h, lh);
  if (!json_str(t, "logs") || hex_decode_fixed(json_str(t, "logs"), false, elh, 32) != 0 || memcmp(lh, elh, 32)) {
    runner_fail(r, path, name, NULL, "logs hash differs");
    goto done;
  }
  if ((err = check_post(h, post, buf, sizeof buf))) {
    runner_fail(r, path, name, NULL, "%s", err);
    goto done;
  }
  runner_pass(r, path, name, NULL);
done:
  evm_result_release(&res);
  memhost_free(h);
  evm_destroy(vm);
  free(code);
  free(data);
}

static void run_vm_file(runner_t *r, const char *path, const cJSON *root) {
  const cJSON *t;
  cJSON_ArrayForEach(t, root) {
    if (!cJSON_IsObject(t) || t->string[0] == '_') continue;
    if (runner_skip(r, path, t->string, NULL)) continue;
    run_case(r, path, t->string, t);
  }
}
RUNNER_SUITE("vm", run_vm_file, RUNNER_OPT_TRACE)
