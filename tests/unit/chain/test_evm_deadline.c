/* Unit tests of evm_set_deadline (--rpc.evmtimeout): an endless loop, and one
 * inside a nested call, stop soon after the deadline and unwind; without a
 * deadline, or before it, execution is unchanged (out of gas, success); the
 * next evm_set_deadline clears the verdict. Runs on the consensus host over
 * the in-memory state. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/evm.h"
#include "ethc/state.h"
#include "ethc/transition.h"

static const ethc_address_t SENDER = {{0x10, [19] = 0x01}};
static const ethc_address_t TARGET = {{0x20, [19] = 0x02}};
static const ethc_address_t OTHER = {{0x30, [19] = 0x03}};

/* JUMPDEST PUSH1 0 JUMP: forever */
static const char *LOOP = "5b600056";
/* CALL(gas, OTHER, 0, 0, 0, 0, 0), then the loop at 0x1d */
static const char *CALL_THEN_LOOP =
    "5f5f5f5f5f73"
    "3000000000000000000000000000000000000003"
    "5af1"
    "50"
    "5b601d"
    "56";

static void set_code(state_t *st, const ethc_address_t *a, const char *hex) {
  uint8_t *c = NULL;
  size_t n = 0;
  CHECK(hex_decode_alloc(hex, false, &c, &n) == 0);
  CHECK(state_set_code(st, a, c, n) == 0);
  free(c);
}

/* Runs TARGET's code with `gas`: its status; *ms: how long it took. */
static evm_status_t run(evm_t *vm, state_t *st, int64_t gas, double *ms) {
  chain_block_env_t env;
  memset(&env, 0, sizeof env);
  env.number = 1;
  env.timestamp = 1;
  env.gas_limit = INT64_MAX;
  env.chain_id = U256_ONE;
  chain_host_t h;
  chain_host_init(&h, st, vm, EVM_SHANGHAI, &env);
  evm_message_t m;
  memset(&m, 0, sizeof m);
  m.kind = EVM_CALL;
  m.gas = gas;
  m.sender = SENDER;
  m.recipient = m.code_address = TARGET;
  uint64_t t0 = evm_now_ns();
  evm_result_t r = chain_host_call(&h, &m);
  *ms = (double)(evm_now_ns() - t0) / 1e6;
  evm_status_t s = r.status;
  evm_result_release(&r);
  return s;
}

int main(void) {
  evm_t *vm = evm_create();
  state_t *st = state_new();
  CHECK(vm && st);
  set_code(st, &TARGET, LOOP);
  state_commit(st, false);
  double ms;

  /* no deadline: a loop ends when its gas does */
  CHECK(run(vm, st, 1000000, &ms) == EVM_OUT_OF_GAS);
  CHECK(!evm_deadline_passed(vm));

  /* a deadline 50 ms away: the loop with gas for hours stops soon after it */
  evm_set_deadline(vm, evm_now_ns() + 50 * 1000000ull);
  evm_status_t s = run(vm, st, INT64_MAX / 2, &ms);
  CHECK_MSG(s == EVM_FAILURE, "status %d", (int)s);
  CHECK(evm_deadline_passed(vm));
  CHECK_MSG(ms >= 45 && ms < 500, "stopped after %.1f ms", ms);

  /* a deadline far away changes nothing */
  evm_set_deadline(vm, evm_now_ns() + 60 * 1000000000ull);
  CHECK(!evm_deadline_passed(vm));
  CHECK(run(vm, st, 1000000, &ms) == EVM_OUT_OF_GAS);
  CHECK(!evm_deadline_passed(vm));

  /* nested: the callee's loop fails, then the caller's own loop unwinds too */
  set_code(st, &TARGET, CALL_THEN_LOOP);
  set_code(st, &OTHER, LOOP);
  state_commit(st, false);
  evm_set_deadline(vm, evm_now_ns() + 30 * 1000000ull);
  s = run(vm, st, INT64_MAX / 2, &ms);
  CHECK_MSG(s == EVM_FAILURE, "status %d", (int)s);
  CHECK(evm_deadline_passed(vm));
  CHECK_MSG(ms < 500, "unwound after %.1f ms", ms);

  /* no jump at all: ten calls to itself per frame, a tree of calls gas would
   * let run for hours, stops at a frame's start */
  char tree[200] = "";
  for (int i = 0; i < 10; i++) strcat(tree, "5f5f5f5f5f305af150");
  strcat(tree, "00");
  set_code(st, &TARGET, tree);
  state_commit(st, false);
  evm_set_deadline(vm, evm_now_ns() + 30 * 1000000ull);
  s = run(vm, st, INT64_MAX / 2, &ms);
  CHECK(evm_deadline_passed(vm));
  CHECK_MSG(ms < 500, "the call tree stopped after %.1f ms", ms);

  /* cleared: the same vm runs normally again */
  evm_set_deadline(vm, 0);
  CHECK(!evm_deadline_passed(vm));
  set_code(st, &TARGET, "600100");
  state_commit(st, false);
  CHECK(run(vm, st, 100000, &ms) == EVM_SUCCESS);

  state_free(st);
  evm_destroy(vm);
  return check_summary();
}
