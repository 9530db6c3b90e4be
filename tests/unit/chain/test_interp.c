/* Unit tests of the EVM interpreter: fork names, exact gas of representative
 * instructions per fork (memory, EXP, SSTORE statuses, EIP-2929 cold/warm, CALL
 * costs), exceptional halts, static mode, creates, return data and the tracer.
 * Runs on the consensus host (src/chain/host.c) over the in-memory state, so the
 * storage statuses and creation rules checked here are the ones blocks use. */
#include <pthread.h>

#include "check.h"
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/evm.h"
#include "ethc/keccak.h"
#include "ethc/tracer.h"
#include "ethc/state.h"
#include "ethc/transition.h"

static const ethc_address_t SENDER = {{0x10, [19] = 0x01}};
static const ethc_address_t TARGET = {{0x20, [19] = 0x02}};
static const ethc_address_t OTHER = {{0x30, [19] = 0x03}};

typedef struct {
  evm_status_t status;
  int64_t gas_used;
  int64_t refund;
  uint8_t out[256];
  size_t out_size;
} run_t;

static evm_t *vm;
static state_t *st;
static chain_block_env_t env;
static chain_host_t host;

static uint8_t *hex(const char *s, size_t *n) {
  uint8_t *b = NULL;
  if (hex_decode_alloc(s, false, &b, n) != 0) {
    fprintf(stderr, "bad hex in test: %s\n", s);
    *n = 0;
  }
  return b;
}

/* A fresh world with TARGET holding `code` (and OTHER holding `other`, if any). */
static void world(evm_revision_t rev, const char *code, const char *other) {
  state_free(st);
  st = state_new();
  u256_t big = u256_from_u64(1000000000000ull);
  CHECK(state_set_balance(st, &SENDER, &big) == 0);
  size_t n;
  uint8_t *c = hex(code, &n);
  u256_t bal = u256_from_u64(1000);
  CHECK(state_set_balance(st, &TARGET, &bal) == 0);
  CHECK(state_set_nonce(st, &TARGET, 1) == 0);
  CHECK(state_set_code(st, &TARGET, c, n) == 0);
  free(c);
  if (other) {
    c = hex(other, &n);
    CHECK(state_set_nonce(st, &OTHER, 1) == 0);
    CHECK(state_set_code(st, &OTHER, c, n) == 0);
    free(c);
  }
  state_commit(st, false); /* the pre-state: its values are the original ones (EIP-2200) */
  memset(&env, 0, sizeof env);
  env.number = 1;
  env.timestamp = 1;
  env.gas_limit = 30000000;
  env.chain_id = U256_ONE;
  chain_host_init(&host, st, vm, rev, &env);
}

/* A pre-state slot of TARGET, set after world(). */
static void set_slot(const u256_t *k, const u256_t *v) {
  CHECK(state_set_storage(st, &TARGET, k, v, NULL, NULL) == 0);
  state_commit(st, false);
}

/* An account as the post-state has it (not destructed). */
static bool account(const ethc_address_t *a, uint64_t *nonce, const uint8_t **code, size_t *code_size) {
  if (!state_exists(st, a) || state_is_destructed(st, a)) return false;
  if (nonce) *nonce = state_get_nonce(st, a);
  *code = state_get_code(st, a, code_size, NULL);
  return true;
}

static run_t call(evm_revision_t rev, int64_t gas, const char *input) {
  run_t r;
  memset(&r, 0, sizeof r);
  size_t in_n = 0;
  uint8_t *in = hex(input ? input : "", &in_n);
  evm_message_t m;
  memset(&m, 0, sizeof m);
  m.kind = EVM_CALL;
  m.gas = gas;
  m.sender = SENDER;
  m.recipient = TARGET;
  m.code_address = TARGET;
  m.input = in;
  m.input_size = in_n;
  /* as a transaction's message call: its EIP-2929 warming, no intrinsic gas */
  chain_warm_tx_accounts(st, rev, &m.sender, &m.recipient, &env.coinbase);
  evm_result_t res = chain_host_call(&host, &m);
  r.status = res.status;
  r.gas_used = gas - res.gas_left;
  r.refund = res.gas_refund;
  r.out_size = res.output_size < sizeof r.out ? res.output_size : sizeof r.out;
  if (r.out_size) memcpy(r.out, res.output, r.out_size);
  evm_result_release(&res);
  free(in);
  return r;
}

static run_t exec(evm_revision_t rev, const char *code, int64_t gas) {
  world(rev, code, NULL);
  return call(rev, gas, NULL);
}

static u256_t out_word(const run_t *r) {
  u256_t v = U256_ZERO;
  if (r->out_size == 32) u256_from_be(&v, r->out);
  return v;
}

static u256_t storage(const ethc_address_t *a, uint64_t key) {
  u256_t k = u256_from_u64(key), v;
  state_get_storage(st, a, &k, &v);
  return v;
}

static void test_names(void) {
  evm_revision_t r;
  CHECK(evm_revision_from_name("Frontier", &r) && r == EVM_FRONTIER);
  CHECK(evm_revision_from_name("EIP150", &r) && r == EVM_TANGERINE_WHISTLE);
  CHECK(evm_revision_from_name("EIP158", &r) && r == EVM_SPURIOUS_DRAGON);
  CHECK(evm_revision_from_name("ConstantinopleFix", &r) && r == EVM_PETERSBURG);
  CHECK(evm_revision_from_name("Merge", &r) && r == EVM_PARIS);
  CHECK(evm_revision_from_name("Paris", &r) && r == EVM_PARIS);
  CHECK(evm_revision_from_name("Osaka", &r) && r == EVM_OSAKA);
  CHECK(!evm_revision_from_name("Byzantium2", &r));
  CHECK(!evm_revision_from_name(NULL, &r));
  CHECK(strcmp(evm_revision_name(EVM_CANCUN), "Cancun") == 0);
  CHECK(strcmp(evm_revision_name((evm_revision_t)99), "unknown") == 0);
  CHECK(strcmp(evm_status_name(EVM_OUT_OF_GAS), "out of gas") == 0);
  for (int i = 0; i < EVM_REVISION_COUNT; i++) {
    CHECK(evm_revision_from_name(evm_revision_name((evm_revision_t)i), &r) && r == (evm_revision_t)i);
  }
}

static void test_arith_and_gas(void) {
  /* 1 + 2, MSTORE at 0, RETURN 32 bytes: 3*3 + 3 + 3(mem) + 3 + 3 = 24 */
  run_t r = exec(EVM_CANCUN, "600160020160005260206000f3", 100000);
  CHECK(r.status == EVM_SUCCESS);
  CHECK(r.gas_used == 24);
  u256_t v = out_word(&r);
  CHECK(v.w[0] == 3 && v.w[1] == 0);
  /* SUB order: 5 - 3 (PUSH1 3 PUSH1 5 SUB) */
  r = exec(EVM_CANCUN, "600360050360005260206000f3", 100000);
  CHECK(out_word(&r).w[0] == 2);
  /* DIV by zero = 0, SDIV(-2^255, -1) = -2^255 */
  r = exec(EVM_CANCUN, "6000600a0460005260206000f3", 100000);
  CHECK(u256_is_zero((u256_t[]){out_word(&r)}));
  r = exec(EVM_CANCUN,
           "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
           "7f8000000000000000000000000000000000000000000000000000000000000000"
           "0560005260206000f3",
           100000);
  v = out_word(&r);
  CHECK(v.w[3] == 0x8000000000000000ull && v.w[0] == 0);
  /* memory expansion: MSTORE at 0x3e0 -> 32 words: 3*32 + 32*32/512 = 98 */
  r = exec(EVM_CANCUN, "60016103e052", 100000);
  CHECK(r.gas_used == 3 + 3 + 3 + 98);
  /* EXP: 2^256-1 exponent of 1 byte ... 10/byte in Frontier, 50 from Spurious Dragon */
  r = exec(EVM_FRONTIER, "61010060020a", 100000); /* 2 ** 0x100 (2 bytes) */
  CHECK(r.gas_used == 3 + 3 + 10 + 20);
  r = exec(EVM_SPURIOUS_DRAGON, "61010060020a", 100000);
  CHECK(r.gas_used == 3 + 3 + 10 + 100);
  /* KECCAK256 of 32 zero bytes: 30 + 6 + 3 mem */
  r = exec(EVM_CANCUN, "6020600020", 100000);
  CHECK(r.gas_used == 3 + 3 + 30 + 6 + 3);
  /* GAS pushes the gas left after its own cost */
  r = exec(EVM_CANCUN, "5a60005260206000f3", 1000);
  CHECK(out_word(&r).w[0] == 1000 - 2);
  /* PUSH32 truncated at the end of code reads zeros */
  r = exec(EVM_CANCUN, "7fff", 1000);
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 3);
}

/* One binary op on two PUSH32 operands (a on top), returns the result word. */
static u256_t binop(const char *a64, const char *b64, const char *op) {
  char code[200];
  snprintf(code, sizeof code, "7f%s7f%s%s60005260206000f3", b64, a64, op);
  run_t r = exec(EVM_CANCUN, code, 100000);
  return out_word(&r);
}

static void test_bit_ops(void) {
  const char *x = "00000000000000000000000000000000000000000000000000000000000080ff";
  const char *neg = "000000000000000000000000000000000000000000000000000000000000007f";
  /* SIGNEXTEND(0, 0x80ff) -> -1 (byte 0 is 0xff) */
  u256_t r = binop("0000000000000000000000000000000000000000000000000000000000000000", x, "0b");
  CHECK(r.w[0] == UINT64_MAX && r.w[3] == UINT64_MAX);
  /* SIGNEXTEND(1, 0x80ff) -> 0xff..ff80ff */
  r = binop("0000000000000000000000000000000000000000000000000000000000000001", x, "0b");
  CHECK(r.w[0] == 0xffffffffffff80ffull && r.w[1] == UINT64_MAX && r.w[3] == UINT64_MAX);
  /* positive sign byte keeps the value */
  r = binop("0000000000000000000000000000000000000000000000000000000000000000", neg, "0b");
  CHECK(r.w[0] == 0x7f && r.w[1] == 0 && r.w[3] == 0);
  /* byte 7 (bit 63 of limb 0), byte 8, byte 15, byte 30, 31 and a huge index */
  const char *pat = "8000000000000000800000000000000080000000000000008000000000000000";
  const char *idx[] = {"07", "08", "0f", "17", "1e", "1f", "ff"};
  for (int i = 0; i < 7; i++) {
    char b[65];
    snprintf(b, sizeof b, "%062d%s", 0, idx[i]);
    r = binop(b, pat, "0b");
    int k = (int)strtol(idx[i], NULL, 16);
    if (k >= 31) {
      CHECK(r.w[3] == 0x8000000000000000ull && r.w[0] == 0x8000000000000000ull);
    } else {
      int limb = k / 8;
      bool sign = (k % 8) == 7; /* only the top byte of each limb has its top bit set */
      for (int l = limb + 1; l < 4; l++) CHECK(r.w[l] == (sign ? UINT64_MAX : 0));
    }
  }
  /* BYTE: byte 0 is the most significant */
  r = binop("0000000000000000000000000000000000000000000000000000000000000000", pat, "1a");
  CHECK(r.w[0] == 0x80 && r.w[1] == 0);
  r = binop("000000000000000000000000000000000000000000000000000000000000001f", x, "1a");
  CHECK(r.w[0] == 0xff);
  r = binop("000000000000000000000000000000000000000000000000000000000000001e", x, "1a");
  CHECK(r.w[0] == 0x80);
  r = binop("0000000000000000000000000000000000000000000000000000000000000020", x, "1a");
  CHECK(u256_is_zero(&r));
  r = binop("1000000000000000000000000000000000000000000000000000000000000000", x, "1a");
  CHECK(u256_is_zero(&r));
  /* AND / OR / XOR / SHR / SAR */
  r = binop(pat, x, "16");
  CHECK(u256_is_zero(&r));
  r = binop(pat, x, "17");
  CHECK(r.w[0] == 0x80000000000080ffull && r.w[3] == 0x8000000000000000ull);
  r = binop(pat, pat, "18");
  CHECK(u256_is_zero(&r));
  r = binop("00000000000000000000000000000000000000000000000000000000000000ff", pat, "1d"); /* SAR 255 */
  CHECK(r.w[0] == UINT64_MAX && r.w[3] == UINT64_MAX);
}

/* MUL, SHL, SHR and SAR as the interpreter runs them (x86-64 has its own sequences
 * for these) against the portable u256.h ones, on operands that mix zero, small,
 * all-ones and random limbs, and shift counts below, at and above limb boundaries. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
  return rng_state;
}
static u256_t rnd_word(void) {
  u256_t v;
  for (int i = 0; i < 4; i++) {
    switch (rnd() % 4) {
      case 0: v.w[i] = 0; break;
      case 1: v.w[i] = rnd() % 256; break;
      case 2: v.w[i] = UINT64_MAX; break;
      default: v.w[i] = rnd(); break;
    }
  }
  return v;
}
static void word_hex(const u256_t *v, char out[65]) {
  snprintf(out, 65, "%016llx%016llx%016llx%016llx", (unsigned long long)v->w[3], (unsigned long long)v->w[2],
           (unsigned long long)v->w[1], (unsigned long long)v->w[0]);
}
static void test_mul_shift_random(void) {
  static const char *const ops[] = {"02", "1b", "1c", "1d"};
  for (int i = 0; i < 400; i++) {
    const int k = i % 4;
    u256_t a = rnd_word(), b = rnd_word(), want;
    if (k > 0) { /* a is the shift count */
      const uint64_t c = rnd() % 8;
      a = u256_from_u64(c < 6 ? rnd() % 320 : c == 6 ? 64 * (rnd() % 5) : 255);
      if (rnd() % 16 == 0) a.w[1 + rnd() % 3] = 1;
    }
    char ah[65], bh[65];
    word_hex(&a, ah);
    word_hex(&b, bh);
    if (k == 0) u256_mul(&want, &a, &b);
    if (k == 1) u256_shl(&want, &a, &b);
    if (k == 2) u256_shr(&want, &a, &b);
    if (k == 3) u256_sar(&want, &a, &b);
    u256_t got = binop(ah, bh, ops[k]);
    CHECK(u256_eq(&got, &want));
  }
}

/* Frontier has no 63/64 rule: a self-call chain reaches the 1024 depth limit. Run on
 * a thread with a large stack: 1025 nested frames need more than 8 MiB under ASan. */
static void *depth_thread(void *arg);
static void test_depth(void) {
  pthread_attr_t attr;
  pthread_t t;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, (size_t)256 << 20);
  CHECK(pthread_create(&t, &attr, depth_thread, NULL) == 0);
  pthread_join(t, NULL);
  pthread_attr_destroy(&attr);
}

static void *depth_thread(void *arg) {
  (void)arg;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  evm_eip3155_t w = {ethc_write_stdio, f};
  evm_set_tracer(vm, &evm_eip3155_tracer, &w);
  run_t r = exec(EVM_FRONTIER, "6000808080803060645a03f100", 100000000);
  evm_set_tracer(vm, NULL, NULL);
  fclose(f);
  CHECK(r.status == EVM_SUCCESS);
  CHECK(buf && strstr(buf, "\"depth\":1025,") && !strstr(buf, "\"depth\":1026,"));
  free(buf);
  return NULL;
}

static void test_halts(void) {
  run_t r = exec(EVM_CANCUN, "01", 1000);
  CHECK(r.status == EVM_STACK_UNDERFLOW && r.gas_used == 1000);
  /* 1025 pushes overflow */
  char code[1025 * 2 + 1];
  for (int i = 0; i < 1025; i++) memcpy(code + 2 * i, "58", 2); /* PC */
  code[2050] = 0;
  r = exec(EVM_CANCUN, code, 100000);
  CHECK(r.status == EVM_STACK_OVERFLOW);
  code[2048] = 0; /* 1024 pushes are fine */
  r = exec(EVM_CANCUN, code, 100000);
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 2048);
  /* JUMP into push data / to a non-JUMPDEST / beyond code */
  r = exec(EVM_CANCUN, "6003565b", 1000); /* JUMP to 3: that is the JUMPDEST */
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 3 + 8 + 1);
  r = exec(EVM_CANCUN, "600456605b", 1000); /* 4 is push data (0x5b) */
  CHECK(r.status == EVM_BAD_JUMP_DESTINATION && r.gas_used == 1000);
  r = exec(EVM_CANCUN, "60ff56", 1000);
  CHECK(r.status == EVM_BAD_JUMP_DESTINATION);
  r = exec(EVM_CANCUN, "600060ff57", 1000); /* JUMPI not taken */
  CHECK(r.status == EVM_SUCCESS);
  /* undefined opcodes per fork */
  r = exec(EVM_LONDON, "5f", 1000);
  CHECK(r.status == EVM_UNDEFINED_INSTRUCTION && r.gas_used == 1000);
  r = exec(EVM_SHANGHAI, "5f", 1000);
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 2);
  r = exec(EVM_CANCUN, "0c", 1000);
  CHECK(r.status == EVM_UNDEFINED_INSTRUCTION);
  r = exec(EVM_CANCUN, "fe", 1000);
  CHECK(r.status == EVM_INVALID_INSTRUCTION && r.gas_used == 1000);
  r = exec(EVM_PETERSBURG, "600160011b", 1000); /* SHL from Constantinople */
  CHECK(r.status == EVM_SUCCESS);
  r = exec(EVM_BYZANTIUM, "600160011b", 1000);
  CHECK(r.status == EVM_UNDEFINED_INSTRUCTION);
  r = exec(EVM_CANCUN, "60011e", 1000); /* CLZ only from Osaka */
  CHECK(r.status == EVM_UNDEFINED_INSTRUCTION);
  r = exec(EVM_OSAKA, "60011e60005260206000f3", 1000);
  CHECK(r.status == EVM_SUCCESS && out_word(&r).w[0] == 255);
  /* out of gas */
  r = exec(EVM_CANCUN, "6001600201", 8);
  CHECK(r.status == EVM_OUT_OF_GAS && r.gas_used == 8);
  /* memory offset beyond 2^32 is out of gas, not a crash */
  r = exec(EVM_CANCUN, "600164010000000052", 1000000);
  CHECK(r.status != EVM_SUCCESS);
  r = exec(EVM_CANCUN, "60017fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff52", 1000000);
  CHECK(r.status == EVM_OUT_OF_GAS);
  /* REVERT returns data and keeps gas */
  r = exec(EVM_CANCUN, "602a60005260206000fd", 1000);
  CHECK(r.status == EVM_REVERT && r.gas_used == 3 + 3 + 6 + 3 + 3 && out_word(&r).w[0] == 42);
  /* RETURNDATACOPY beyond the (empty) return data */
  r = exec(EVM_CANCUN, "6001600060003e", 1000);
  CHECK(r.status == EVM_INVALID_MEMORY_ACCESS);
  r = exec(EVM_CANCUN, "6000600060003e", 1000);
  CHECK(r.status == EVM_SUCCESS);
}

static void test_sstore(void) {
  /* SSTORE(0, 1) on a fresh slot */
  const char *set1 = "6001600055";
  run_t r = exec(EVM_FRONTIER, set1, 100000);
  CHECK(r.gas_used == 6 + 20000);
  r = exec(EVM_ISTANBUL, set1, 100000);
  CHECK(r.gas_used == 6 + 20000);
  r = exec(EVM_BERLIN, set1, 100000);
  CHECK(r.gas_used == 6 + 22100);
  CHECK(storage(&TARGET, 0).w[0] == 1);
  /* set then clear in the same tx: 0 -> 1 -> 0 */
  const char *set_clear = "60016000556000600055";
  r = exec(EVM_PETERSBURG, set_clear, 100000);
  CHECK(r.gas_used == 12 + 20000 + 5000 && r.refund == 15000);
  r = exec(EVM_CONSTANTINOPLE, set_clear, 100000);
  CHECK(r.gas_used == 12 + 20000 + 200 && r.refund == 19800);
  r = exec(EVM_ISTANBUL, set_clear, 100000);
  CHECK(r.gas_used == 12 + 20000 + 800 && r.refund == 19200);
  r = exec(EVM_LONDON, set_clear, 100000);
  CHECK(r.gas_used == 12 + 22100 + 100 && r.refund == 19900);
  /* clearing a pre-existing slot: X -> X -> 0 */
  world(EVM_LONDON, "6000600055", NULL);
  u256_t k = U256_ZERO, one = U256_ONE;
  set_slot(&k, &one);
  r = call(EVM_LONDON, 100000, NULL);
  CHECK(r.gas_used == 6 + 2100 + 2900 && r.refund == 4800);
  world(EVM_BERLIN, "6000600055", NULL);
  set_slot(&k, &one);
  r = call(EVM_BERLIN, 100000, NULL);
  CHECK(r.refund == 15000);
  /* EIP-2200 sentry: gas left <= 2300 fails */
  r = exec(EVM_ISTANBUL, set1, 6 + 2300);
  CHECK(r.status == EVM_OUT_OF_GAS);
  /* SLOAD cold/warm (Berlin) and Frontier price */
  r = exec(EVM_BERLIN, "600054600054", 100000);
  CHECK(r.gas_used == 3 + 2100 + 3 + 100);
  r = exec(EVM_FRONTIER, "600054", 100000);
  CHECK(r.gas_used == 3 + 50);
  /* TSTORE / TLOAD (Cancun) */
  r = exec(EVM_CANCUN, "602a60015d60015c60005260206000f3", 100000);
  CHECK(r.status == EVM_SUCCESS && out_word(&r).w[0] == 42);
}

static void test_calls(void) {
  /* OTHER returns 32 bytes (0x2a); TARGET calls it and returns what it got */
  const char *other = "602a60005260206000f3";
  /* CALL(gas=0xffff, OTHER, 0, 0, 0, 0, 32), RETURNDATASIZE check, RETURN mem[0..32] */
  const char *caller =
      "6020600060006000600073"
      "3000000000000000000000000000000000000003"
      "61fffff1"
      "50"
      "60206000f3";
  world(EVM_CANCUN, caller, other);
  run_t r = call(EVM_CANCUN, 1000000, NULL);
  CHECK(r.status == EVM_SUCCESS && out_word(&r).w[0] == 42);
  /* STATICCALL to a contract that writes storage fails (push 0) */
  const char *writer = "6001600055";
  const char *static_caller =
      "6000600060006000"
      "73"
      "3000000000000000000000000000000000000003"
      "61fffffa"
      "60005260206000f3";
  world(EVM_CANCUN, static_caller, writer);
  r = call(EVM_CANCUN, 1000000, NULL);
  CHECK(r.status == EVM_SUCCESS && u256_is_zero((u256_t[]){out_word(&r)}));
  CHECK(u256_is_zero((u256_t[]){storage(&OTHER, 0)}));
  /* the same through CALL succeeds */
  const char *plain_caller =
      "60006000600060006000"
      "73"
      "3000000000000000000000000000000000000003"
      "61fffff1"
      "60005260206000f3";
  world(EVM_CANCUN, plain_caller, writer);
  r = call(EVM_CANCUN, 1000000, NULL);
  CHECK(out_word(&r).w[0] == 1 && storage(&OTHER, 0).w[0] == 1);
  /* CALL with value to a new account (Spurious Dragon+): 700 + 9000 + 25000 (stipend back) */
  const char *pay = "600060006000600060017300000000000000000000000000000000000000ff6000f1";
  r = exec(EVM_SPURIOUS_DRAGON, pay, 100000);
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 7 * 3 + 700 + 9000 + 25000 - 2300);
  /* Berlin: cold target +2500 */
  r = exec(EVM_BERLIN, pay, 100000);
  CHECK(r.gas_used == 7 * 3 + 2600 + 9000 + 25000 - 2300);
  /* Frontier: requesting more gas than available is out of gas */
  r = exec(EVM_FRONTIER, "600060006000600060007300000000000000000000000000000000000000ff61fffff1", 20000);
  CHECK(r.status == EVM_OUT_OF_GAS);
  /* EIP-150: the 63/64 cap makes it fine */
  r = exec(EVM_TANGERINE_WHISTLE, "600060006000600060007300000000000000000000000000000000000000ff62fffffff1", 100000);
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 7 * 3 + 700 + 25000);
  /* static mode: value-bearing CALL inside STATICCALL fails the inner frame */
  const char *inner_pay =
      "6000600060006000600173"
      "00000000000000000000000000000000000000ff"
      "6000f1";
  world(EVM_CANCUN, static_caller, inner_pay);
  r = call(EVM_CANCUN, 1000000, NULL);
  CHECK(u256_is_zero((u256_t[]){out_word(&r)}));
}

static void test_create(void) {
  /* init code returning one byte 0x00 -> runtime code "00":
   * 60 00 60 00 53 60 01 60 00 f3 (MSTORE8 0 at 0, RETURN 0..1) */
  /* TARGET: store init code in memory with PUSH10, CREATE, return address */
  const char *creator =
      "69"
      "600060005360016000f3"
      "600052"
      "600a6016"
      "6000f0"
      "60005260206000f3";
  run_t r = exec(EVM_CANCUN, creator, 1000000);
  CHECK(r.status == EVM_SUCCESS);
  u256_t a = out_word(&r);
  CHECK(!u256_is_zero(&a));
  ethc_address_t addr;
  uint8_t be[32];
  u256_to_be(&a, be);
  memcpy(addr.bytes, be + 12, 20);
  const uint8_t *code;
  size_t code_size;
  uint64_t nonce;
  CHECK(account(&addr, &nonce, &code, &code_size) && code_size == 1 && nonce == 1);
  /* CREATE2 address = keccak(0xff ++ sender ++ salt ++ keccak(init))[12:]: the salt must
   * reach the host (PUSH1 salt=0x2a below) */
  const char *creator2 =
      "69"
      "600060005360016000f3"
      "600052"
      "602a"
      "600a6016"
      "6000f5"
      "60005260206000f3";
  r = exec(EVM_CANCUN, creator2, 1000000);
  CHECK(r.status == EVM_SUCCESS);
  {
    uint8_t buf[85], init[10], ih[32], h2[32];
    size_t n;
    uint8_t *ic = hex("600060005360016000f3", &n);
    memcpy(init, ic, 10);
    free(ic);
    keccak256(init, 10, ih);
    buf[0] = 0xff;
    memcpy(buf + 1, TARGET.bytes, 20);
    memset(buf + 21, 0, 32);
    buf[52] = 0x2a;
    memcpy(buf + 53, ih, 32);
    keccak256(buf, 85, h2);
    uint8_t got[32];
    u256_t w = out_word(&r);
    u256_to_be(&w, got);
    CHECK_MEM(got + 12, h2 + 12, 20);
  }
  /* init code sees empty call data: CALLDATASIZE in the constructor is 0 (init code
   * 36 60 00 53 60 01 60 00 f3 stores CALLDATASIZE as the 1-byte runtime code) */
  r = exec(EVM_CANCUN,
           "68"
           "3660005360016000f3"
           "600052"
           "6009"
           "6017"
           "6000f0"
           "60005260206000f3",
           1000000);
  {
    u256_t w = out_word(&r);
    uint8_t be2[32];
    u256_to_be(&w, be2);
    ethc_address_t a2;
    memcpy(a2.bytes, be2 + 12, 20);
    const uint8_t *c2 = NULL;
    size_t n2 = 0;
    CHECK(account(&a2, NULL, &c2, &n2) && n2 == 1 && c2[0] == 0);
  }
  /* deposited code starting with 0xEF is rejected from London (EIP-3541): MSTORE8 0xef */
  const char *ef_creator =
      "69"
      "60ef60005360016000f3"
      "600052"
      "600a6016"
      "6000f0"
      "60005260206000f3";
  r = exec(EVM_LONDON, ef_creator, 1000000);
  CHECK(r.status == EVM_SUCCESS && u256_is_zero((u256_t[]){out_word(&r)}));
  r = exec(EVM_BERLIN, ef_creator, 1000000);
  CHECK(r.status == EVM_SUCCESS && !u256_is_zero((u256_t[]){out_word(&r)}));
  /* CREATE inside a static call: static violation */
  world(EVM_CANCUN,
        "6000600060006000"
        "73"
        "3000000000000000000000000000000000000003"
        "61fffffa"
        "60005260206000f3",
        "600060006000f0");
  r = call(EVM_CANCUN, 1000000, NULL);
  CHECK(u256_is_zero((u256_t[]){out_word(&r)}));
  /* EIP-3860: init code over 49152 bytes is an exceptional halt from Shanghai */
  r = exec(EVM_SHANGHAI,
           "62"
           "00c001"
           "60006000f0",
           10000000);
  CHECK(r.status == EVM_OUT_OF_GAS);
  r = exec(EVM_PARIS,
           "62"
           "00c001"
           "60006000f0",
           10000000);
  CHECK(r.status == EVM_SUCCESS);
}

static void test_misc(void) {
  /* SELFDESTRUCT refund pre-London, none after */
  run_t r = exec(EVM_BERLIN, "30ff", 100000);
  CHECK(r.status == EVM_SUCCESS && r.refund == 24000);
  r = exec(EVM_LONDON, "30ff", 100000);
  CHECK(r.refund == 0 && r.gas_used == 2 + 5000);
  /* MCOPY (Cancun): copy word 0 to 32, return it */
  r = exec(EVM_CANCUN,
           "602a600052602060006020"
           "5e"
           "60206020f3",
           100000);
  CHECK(r.status == EVM_SUCCESS && out_word(&r).w[0] == 42);
  /* LOG in static mode fails, outside succeeds */
  r = exec(EVM_CANCUN, "60006000a0", 100000);
  CHECK(r.status == EVM_SUCCESS && r.gas_used == 6 + 375);
  size_t nlogs;
  state_logs(st, &nlogs);
  CHECK(nlogs == 1);
  /* CALLDATALOAD past the end pads zeros */
  world(EVM_CANCUN, "60013560005260206000f3", NULL);
  r = call(EVM_CANCUN, 100000, "aabb");
  u256_t v = out_word(&r);
  CHECK(v.w[3] == 0xbb00000000000000ull && v.w[0] == 0);
  /* BLOCKHASH outside the window is zero */
  r = exec(EVM_CANCUN, "60054060005260206000f3", 100000);
  CHECK(u256_is_zero((u256_t[]){out_word(&r)}));
}

static void test_tracer(void) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  evm_eip3155_t w = {ethc_write_stdio, f};
  evm_set_tracer(vm, &evm_eip3155_tracer, &w);
  run_t r = exec(EVM_CANCUN, "6001600201", 1000);
  evm_set_tracer(vm, NULL, NULL);
  fclose(f);
  CHECK(r.status == EVM_SUCCESS);
  CHECK(buf && strstr(buf,
                      "{\"pc\":0,\"op\":96,\"gas\":\"0x3e8\",\"gasCost\":\"0x3\",\"memSize\":0,\"stack\":[],"
                      "\"depth\":1,\"refund\":0,\"opName\":\"PUSH1\"}\n") == buf);
  CHECK(
      buf &&
      strstr(buf, "\"pc\":4,\"op\":1,\"gas\":\"0x3e2\",\"gasCost\":\"0x3\",\"memSize\":0,\"stack\":[\"0x1\",\"0x2\"]"));
  free(buf);
}

/* A writer that counts its calls and appends to a FILE *. */
static int count_writes(void *ctx, const uint8_t *data, size_t len) {
  void **c = ctx;
  ++*(size_t *)c[1];
  return ethc_write_stdio(c[0], data, len);
}

/* A line longer than the tracer's 4 KiB buffer (100 stack words of 66 hex
 * characters) arrives whole, in several writes. */
static void test_tracer_long_line(void) {
  enum { N = 100 };
  char code[N * 66 + 3];
  size_t k = 0;
  for (int i = 0; i < N; i++) {
    code[k++] = '7';
    code[k++] = 'f';
    memset(code + k, 'f', 64);
    k += 64;
  }
  memcpy(code + k, "00", 3);
  char *buf = NULL;
  size_t len = 0, writes = 0;
  FILE *f = open_memstream(&buf, &len);
  void *ctx[2] = {f, &writes};
  evm_eip3155_t w = {count_writes, ctx};
  evm_set_tracer(vm, &evm_eip3155_tracer, &w);
  run_t r = exec(EVM_CANCUN, code, 100000);
  evm_set_tracer(vm, NULL, NULL);
  fclose(f);
  CHECK(r.status == EVM_SUCCESS);
  CHECK(writes > N + 1); /* one per short line, several for the last */
  const char *last = buf ? strstr(buf, "{\"pc\":3300,") : NULL;
  CHECK(last && strlen(last) > 4096 && strstr(last, "\"opName\":\"STOP\"}\n") &&
        strchr(last, '\n') == last + strlen(last) - 1);
  size_t words = 0;
  for (const char *p = last; p && (p = strstr(p, "\"0xffff")); p++) words++;
  CHECK(words == N);
  free(buf);
}

static void test_bad_args(void) {
  evm_message_t m;
  memset(&m, 0, sizeof m);
  m.gas = -1;
  evm_result_t r = evm_execute(vm, &host.iface, &host, EVM_CANCUN, &m, (const uint8_t *)"\x00", 1);
  CHECK(r.status == EVM_INTERNAL_ERROR && r.gas_left == 0);
  m.gas = 10;
  r = evm_execute(vm, &host.iface, &host, (evm_revision_t)77, &m, (const uint8_t *)"\x00", 1);
  CHECK(r.status == EVM_INTERNAL_ERROR);
  r = evm_execute(vm, &host.iface, &host, EVM_CANCUN, &m, NULL, 0);
  CHECK(r.status == EVM_SUCCESS && r.gas_left == 10);
}

int main(void) {
  vm = evm_create();
  test_names();
  test_arith_and_gas();
  test_halts();
  test_bit_ops();
  test_mul_shift_random();
  test_depth();
  test_sstore();
  test_calls();
  test_create();
  test_misc();
  test_tracer();
  test_tracer_long_line();
  test_bad_args();
  state_free(st);
  evm_destroy(vm);
  return check_summary();
}
