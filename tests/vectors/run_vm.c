/* `ethc test vm PATH...`: the legacy VMTests of ethereum/tests (exec/env/pre and
 * post/gas/logs/out expectations; CALL and CREATE are not executed, they succeed at
 * once with no effect). Runs under Homestead rules, the era the format was made for;
 * a test without "post" expects an exceptional halt. The code runs on the consensus
 * host (src/chain/host.c) over the in-memory state, with its message calls
 * replaced by the format's no-op (vm_call below). */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "ethc/tracer.h"
#include "ethc/bytes.h"
#include "ethc/evm.h"
#include "ethc/keccak.h"
#include "ethc/state.h"
#include "ethc/transition.h"
#include "json_state.h"
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

/* The VMTests convention for BLOCKHASH: keccak256 of the decimal block number. */
static void vm_block_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  (void)ctx;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%lld", (long long)number);
  keccak256((const uint8_t *)buf, (size_t)n, out->bytes);
}

/* The format's CALL/CALLCODE/DELEGATECALL/CREATE: not executed, they succeed at
 * once with no effect and all their gas returned. */
static evm_result_t vm_call(void *ctx, const evm_message_t *msg) {
  (void)ctx;
  evm_result_t r;
  memset(&r, 0, sizeof r);
  r.status = EVM_SUCCESS;
  r.gas_left = msg->gas;
  return r;
}

typedef struct {
  const cJSON *expected;
  size_t count;
  bool mismatch;
} storage_cmp_t;

static int cmp_slot(void *arg, const u256_t *key, const u256_t *value) {
  storage_cmp_t *c = arg;
  c->count++;
  const cJSON *e;
  cJSON_ArrayForEach(e, c->expected) {
    u256_t k, v;
    if (u256_from_string(&k, e->string) && u256_eq(&k, key)) {
      if (!cJSON_IsString(e) || !u256_from_string(&v, e->valuestring) || !u256_eq(&v, value)) c->mismatch = true;
      return 0;
    }
  }
  c->mismatch = true; /* a non-zero slot the test does not expect */
  return 0;
}

/* Compares the world with "post"; NULL when equal, else what differed (in buf). */
static const char *check_post(state_t *st, const cJSON *post, char *buf, size_t cap) {
  const cJSON *acct;
  cJSON_ArrayForEach(acct, post) {
    ethc_address_t a;
    if (!parse_addr(acct->string, &a)) return "bad post address";
    u256_t bal, nonce, ebal, enonce;
    uint64_t n;
    const uint8_t *code;
    size_t code_size;
    if (!state_exists(st, &a) || state_is_destructed(st, &a)) {
      snprintf(buf, cap, "account %s missing", acct->string);
      return buf;
    }
    state_get_balance(st, &a, &bal);
    n = state_get_nonce(st, &a);
    code = state_get_code(st, &a, &code_size, NULL);
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
    state_foreach_slot(st, &a, cmp_slot, &c);
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

static void run_case(runner_t *r, const char *path, const char *name, const cJSON *t) {
  const cJSON *exec = json_get(t, "exec"), *env = json_get(t, "env");
  evm_t *vm = evm_create();
  state_t *st = state_new();
  uint8_t *code = NULL, *data = NULL;
  size_t code_size = 0, data_size = 0;
  char buf[256];
  const char *err = NULL;
  evm_result_t res;
  memset(&res, 0, sizeof res);
  chain_host_t h;
  evm_host_t iface;
  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  chain_block_env_t benv;
  memset(&benv, 0, sizeof benv);
  benv.chain_id = U256_ONE;
  benv.block_hash = vm_block_hash;
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
  else if (!parse_addr(json_str(env, "currentCoinbase"), &benv.coinbase) ||
           !parse_u256(env, "currentDifficulty", &benv.difficulty) ||
           !parse_i64(env, "currentGasLimit", &benv.gas_limit) || !parse_i64(env, "currentNumber", &benv.number) ||
           !parse_i64(env, "currentTimestamp", &benv.timestamp))
    err = "bad env field";
  else if (!st) err = "out of memory";
  else if ((err = jstate_load(st, json_get(t, "pre")))) err = "bad pre";
  if (err) {
    runner_fail(r, path, name, NULL, "%s", err);
    goto done;
  }
  chain_host_init(&h, st, vm, EVM_HOMESTEAD, &benv);
  h.tx.origin = tx.origin;
  h.tx.gas_price = tx.gas_price;
  iface = h.iface;
  iface.call = vm_call;
  msg.kind = EVM_CALL;
  msg.code_address = msg.recipient;
  msg.input = data;
  msg.input_size = data_size;
  evm_eip3155_t eip3155 = {ethc_write_stdio, stderr};
  if (r->trace) evm_set_tracer(vm, &evm_eip3155_tracer, &eip3155);
  res = evm_execute(vm, &iface, &h, EVM_HOMESTEAD, &msg, code, code_size);

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
  ethc_hash_t lh;
  uint8_t elh[32];
  if (state_logs_hash(st, &lh) != 0) {
    runner_fail(r, path, name, NULL, "out of memory hashing the logs");
    goto done;
  }
  if (!json_str(t, "logs") || hex_decode_fixed(json_str(t, "logs"), false, elh, 32) != 0 || memcmp(lh.bytes, elh, 32)) {
    runner_fail(r, path, name, NULL, "logs hash differs");
    goto done;
  }
  if ((err = check_post(st, post, buf, sizeof buf))) {
    runner_fail(r, path, name, NULL, "%s", err);
    goto done;
  }
  runner_pass(r, path, name, NULL);
done:
  evm_result_release(&res);
  state_free(st);
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
