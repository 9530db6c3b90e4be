/* `ethc run` (as go-ethereum's `evm run`): executes EVM bytecode as a message call,
 * or with --create as a contract creation, on the chain's EVM host (src/chain/host.c)
 * over an in-memory state_t that starts empty or from a --prestate allocation, and
 * prints the return data (the deployed code for --create), the gas used and the
 * status; --dump prints the resulting state as JSON; --bench repeats the execution
 * from the same state and prints the median time. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/exec.h"
#include "cli/state_dump.h"
#include "ethc/tracer.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/evm.h"
#include "chain/genesis_json.h"
#include "ethc/genesis.h"
#include "ethc/state.h"
#include "ethc/transition.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Reads a whole file ("-" for stdin) and strips whitespace; NULL on error (errno
 * set; EISDIR for a directory). */
static char *read_hex_file(const char *path) {
  bool is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    if (!is_stdin) fclose(f);
    errno = EISDIR;
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  int c;
  while (buf && (c = fgetc(f)) != EOF) {
    if (isspace(c)) continue;
    if (n + 1 >= cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        errno = ENOMEM;
        break;
      }
      buf = nb;
    }
    buf[n++] = (char)c;
  }
  if (buf && ferror(f)) {
    int e = errno;
    free(buf);
    buf = NULL;
    errno = e ? e : EIO;
  }
  if (!is_stdin) fclose(f);
  if (buf) buf[n] = 0;
  return buf;
}

static void print_hex(FILE *o, const uint8_t *d, size_t n) {
  fputs("0x", o);
  for (size_t i = 0; i < n; i++) fprintf(o, "%02x", d[i]);
}

enum {
  OPT_CODE,
  OPT_CODEFILE,
  OPT_INPUT,
  OPT_GAS,
  OPT_FORK,
  OPT_CREATE,
  OPT_SENDER,
  OPT_VALUE,
  OPT_PRESTATE,
  OPT_DUMP,
  OPT_BENCH,
  OPT_TRACE
};
static const cli_option_t run_options[] = {
    [OPT_CODE] = {"--code", "HEX", "the bytecode to run (0x optional)", NULL},
    [OPT_CODEFILE] = {"--codefile", "FILE", "read the bytecode as hex from FILE, '-' for stdin (whitespace ignored)",
                      NULL},
    [OPT_INPUT] = {"--input", "HEX", "the call data (with --create: appended to the init code)", "empty"},
    [OPT_GAS] = {"--gas", "N", "the gas limit of the execution (decimal or 0x-hex)", "10000000000"},
    [OPT_FORK] = {"--fork", "NAME",
                  "the fork's rules: Frontier, Homestead, EIP150, EIP158, Byzantium, Constantinople,\n"
                  "ConstantinopleFix, Istanbul, Berlin, London, Paris, Shanghai, Cancun, Prague, Osaka",
                  "Cancun"},
    [OPT_CREATE] = {"--create", NULL,
                    "the code is init code: run it as a contract creation by the sender and print the\n"
                    "deployed code and the new contract's address",
                    NULL},
    [OPT_SENDER] = {"--sender", "ADDR", "the caller and origin (given 2^64-1 wei unless the prestate holds it)",
                    "0x1000000000000000000000000000000000000001"},
    [OPT_VALUE] = {"--value", "WEI", "the value sent with the call or creation (decimal or 0x-hex)", "0"},
    [OPT_PRESTATE] = {"--prestate", "FILE",
                      "the accounts before the run: a genesis.json (its alloc; its number, timestamp,\n"
                      "coinbase, difficulty, mixHash, baseFeePerGas and chainId set the block) or a bare alloc\n"
                      "object {ADDRESS: {balance, nonce, code, storage}}",
                      NULL},
    [OPT_DUMP] = {"--dump", NULL,
                  "print the state after the run as JSON (go-ethereum's dump: root, and per account\n"
                  "balance, nonce, root, codeHash, code, storage) on stdout after the other output",
                  NULL},
    [OPT_BENCH] = {"--bench", NULL, "repeat the execution from the same state and print the median time", NULL},
    [OPT_TRACE] = {"--trace", NULL, "print an EIP-3155 trace line per instruction on stderr", NULL},
    {0}};

/* A genesis.json number field (a string, hex or decimal, or a JSON number): 1 when
 * present and good, 0 when absent, -1 when malformed. */
static int genesis_number(const cJSON *obj, const char *key, u256_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!v || cJSON_IsNull(v)) return 0;
  if (cJSON_IsNumber(v)) {
    if (!(v->valuedouble >= 0 && v->valuedouble <= 9007199254740992.0)) return -1;
    *out = u256_from_u64((uint64_t)v->valuedouble);
    return 1;
  }
  return cJSON_IsString(v) && u256_from_string(out, v->valuestring) ? 1 : -1;
}

static int out_of_memory(void) {
  fprintf(stderr, "ethc run: out of memory\n");
  return 1;
}

/* Loads a --prestate file into st: a bare alloc object, or a whole genesis.json,
 * whose alloc is loaded and whose block fields (number, timestamp, coinbase,
 * difficulty, mixHash as PREVRANDAO, baseFeePerGas) and config.chainId set the
 * block as go-ethereum's evm run does. Prints the problem and returns 2 when it cannot. */
static int load_prestate(state_t *st, chain_block_env_t *env, const char *path) {
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text) {
    fprintf(stderr, "ethc run: --prestate: cannot read %s: %s\n", path, strerror(errno));
    return 2;
  }
  const char *end = NULL;
  cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!doc) {
    fprintf(stderr, "ethc run: --prestate: %s: malformed JSON near byte %zu\n", path,
            end ? (size_t)(end - text) : (size_t)0);
    free(text);
    return 2;
  }
  free(text);
  const cJSON *alloc = cJSON_GetObjectItemCaseSensitive(doc, "alloc");
  if (cJSON_IsObject(alloc)) {
    const char *bad = NULL;
    u256_t v;
    int k;
    if ((k = genesis_number(doc, "number", &v)) < 0 || (k && (!u256_fits_u64(&v) || v.w[0] > INT64_MAX)))
      bad = "number";
    else if (k) env->number = (int64_t)v.w[0];
    if ((k = genesis_number(doc, "timestamp", &v)) < 0 || (k && (!u256_fits_u64(&v) || v.w[0] > INT64_MAX)))
      bad = "timestamp";
    else if (k) env->timestamp = (int64_t)v.w[0];
    if (genesis_number(doc, "difficulty", &env->difficulty) < 0) bad = "difficulty";
    if (genesis_number(doc, "baseFeePerGas", &env->base_fee) < 0) bad = "baseFeePerGas";
    if (genesis_number(cJSON_GetObjectItemCaseSensitive(doc, "config"), "chainId", &env->chain_id) < 0)
      bad = "config.chainId";
    const cJSON *mix = cJSON_GetObjectItemCaseSensitive(doc, "mixHash"); /* PREVRANDAO from Paris */
    if (mix && !cJSON_IsNull(mix) &&
        (!cJSON_IsString(mix) || hex_decode_fixed(mix->valuestring, false, env->prev_randao.bytes, 32) != 0))
      bad = "mixHash";
    const cJSON *cb = cJSON_GetObjectItemCaseSensitive(doc, "coinbase");
    if (cb && !cJSON_IsNull(cb) &&
        (!cJSON_IsString(cb) || hex_decode_fixed(cb->valuestring, false, env->coinbase.bytes, 20) != 0))
      bad = "coinbase";
    if (bad) {
      fprintf(stderr, "ethc run: --prestate: %s: bad field %s\n", path, bad);
      cJSON_Delete(doc);
      return 2;
    }
  } else {
    alloc = doc; /* no genesis around it: the alloc itself */
  }
  char err[256];
  int rc = genesis_alloc_from_json(alloc, st, err, sizeof err);
  cJSON_Delete(doc);
  if (rc == ETHC_ERR_JSON) {
    fprintf(stderr, "ethc run: --prestate: %s: bad field %s\n", path, err);
    return 2;
  }
  if (rc) {
    fprintf(stderr, "ethc run: --prestate: %s: %s\n", path, ethc_strerror(rc));
    return 2;
  }
  return 0;
}

static int cmd_run(const cli_command_t *self, int argc, char **argv) {
  const char *code_hex = NULL, *code_file = NULL, *input_hex = "", *fork = "Cancun", *prestate = NULL;
  int64_t gas = 10000000000LL; /* go-ethereum's evm default */
  bool bench = false, trace = false, create = false, dump = false;
  ethc_address_t sender = {{0x10, [19] = 0x01}}, to = {{0x20, [19] = 0x02}};
  u256_t value = U256_ZERO;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
      case OPT_CODE:
      case OPT_CODEFILE:
        if (code_hex || code_file) {
          fprintf(stderr, "ethc run: %s: the code is already given (use one --code or --codefile)\n", a.option);
          return 2;
        }
        if (k == OPT_CODE) code_hex = a.value;
        else code_file = a.value;
        break;
      case OPT_INPUT: input_hex = a.value; break;
      case OPT_FORK: fork = a.value; break;
      case OPT_GAS: {
        uint64_t g;
        if (cli_parse_u64("run", "--gas", a.value, true, INT64_MAX, &g)) return 2;
        gas = (int64_t)g;
        break;
      }
      case OPT_CREATE: create = true; break;
      case OPT_SENDER:
        if (hex_decode_fixed(a.value, false, sender.bytes, 20) != 0) {
          fprintf(stderr, "ethc run: --sender: expected an address (40 hex digits, 0x optional), got '%s'\n", a.value);
          return 2;
        }
        break;
      case OPT_VALUE:
        if (!u256_from_string(&value, a.value)) {
          fprintf(stderr, "ethc run: --value: expected a whole number below 2^256 (decimal or 0x-hex), got '%s'\n",
                  a.value);
          return 2;
        }
        break;
      case OPT_PRESTATE: prestate = a.value; break;
      case OPT_DUMP: dump = true; break;
      case OPT_BENCH: bench = true; break;
      case OPT_TRACE: trace = true; break;
      case CLI_POSITIONAL: return cli_usage_error(self, "unexpected argument '%s'", a.value);
      default: return cli_stop(k);
    }
  }
  if (!code_hex && !code_file && (create || !prestate)) {
    return cli_usage_error(self, "no code: give --code HEX or --codefile FILE");
  }
  evm_revision_t rev;
  if (!evm_revision_from_name(fork, &rev)) {
    fprintf(stderr, "ethc run: --fork: unknown fork '%s'\n", fork);
    return 2;
  }
  const char *why;
  if (code_hex && (why = cli_hex_problem(code_hex))) {
    fprintf(stderr, "ethc run: --code: %s\n", why);
    return 2;
  }
  if ((why = cli_hex_problem(input_hex))) {
    fprintf(stderr, "ethc run: --input: %s\n", why);
    return 2;
  }
  char *file_text = NULL;
  if (code_file) {
    const char *shown = strcmp(code_file, "-") == 0 ? "stdin" : code_file;
    file_text = read_hex_file(code_file);
    if (!file_text) {
      fprintf(stderr, "ethc run: --codefile: cannot read %s: %s\n", shown, strerror(errno));
      return 2;
    }
    if ((why = cli_hex_problem(file_text)) || !*file_text) {
      fprintf(stderr, "ethc run: --codefile: %s: %s\n", shown, why ? why : "the file holds no code");
      free(file_text);
      return 2;
    }
    code_hex = file_text;
  }
  uint8_t *code = NULL, *input = NULL;
  size_t code_size = 0, input_size = 0;
  if (code_hex && hex_decode_alloc(code_hex, false, &code, &code_size) != 0) {
    fprintf(stderr, "ethc run: code: out of memory or not valid hex\n");
    free(file_text);
    return 2;
  }
  free(file_text);
  if (hex_decode_alloc(input_hex, false, &input, &input_size) != 0) {
    fprintf(stderr, "ethc run: --input: out of memory or not valid hex\n");
    free(code);
    return 2;
  }
  if (create && input_size) { /* go-ethereum: constructor arguments follow the init code */
    uint8_t *all = realloc(code, code_size + input_size);
    if (!all) {
      fprintf(stderr, "ethc run: out of memory\n");
      free(code);
      free(input);
      return 2;
    }
    memcpy(all + code_size, input, input_size);
    code = all;
    code_size += input_size;
    input_size = 0;
  }

  state_t *st = state_new();
  evm_t *vm = evm_create();
  if (!st || !vm) {
    fprintf(stderr, "ethc run: out of memory\n");
    state_free(st);
    evm_destroy(vm);
    free(code);
    free(input);
    return 2;
  }
  chain_block_env_t env;
  memset(&env, 0, sizeof env);
  env.number = 1;
  env.timestamp = 1;
  env.gas_limit = gas;
  env.chain_id = U256_ONE;
  env.base_fee = U256_ONE;
  int rc = prestate ? load_prestate(st, &env, prestate) : 0;
  if (rc == 0 && !state_exists(st, &sender)) {
    u256_t big = u256_from_u64(UINT64_MAX);
    if (state_set_balance(st, &sender, &big)) rc = out_of_memory();
  }
  if (rc == 0 && !create) {
    if (code) {
      if (state_set_code(st, &to, code, code_size)) rc = out_of_memory();
    } else if (state_get_code_size(st, &to) == 0) {
      rc = cli_usage_error(self,
                           "no code: give --code HEX or --codefile FILE (the prestate has no code at the "
                           "receiver 0x2000000000000000000000000000000000000002)");
    }
  }
  if (rc) {
    state_free(st);
    evm_destroy(vm);
    free(code);
    free(input);
    return rc;
  }
  state_commit(st, false); /* the prestate is the transaction's original state */

  chain_host_t host;
  chain_host_init(&host, st, vm, rev, &env);
  host.tx.origin = sender;
  host.tx.gas_price = U256_ONE;

  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  msg.kind = create ? EVM_CREATE : EVM_CALL;
  msg.gas = gas;
  msg.sender = sender;
  msg.value = value;
  if (create) {
    msg.input = code;
    msg.input_size = code_size;
  } else {
    msg.recipient = to;
    msg.code_address = to;
    msg.input = input;
    msg.input_size = input_size;
  }

  evm_eip3155_t eip3155 = {ethc_write_stdio, stderr};
  if (trace) evm_set_tracer(vm, &evm_eip3155_tracer, &eip3155);
  size_t snap = state_snapshot(st);
  evm_result_t r = cli_execute_message(&host, &msg);
  evm_set_tracer(vm, NULL, NULL);
  int64_t used = gas - r.gas_left;
  printf("output: ");
  if (create && r.status == EVM_SUCCESS) {
    size_t n;
    const uint8_t *deployed = state_get_code(st, &r.create_address, &n, NULL);
    print_hex(stdout, deployed, n);
    printf("\ncontract address: ");
    print_hex(stdout, r.create_address.bytes, 20);
  } else {
    print_hex(stdout, r.output, r.output_size);
  }
  printf("\ngas used: %" PRId64 "\nstatus: %s\n", used, evm_status_name(r.status));
  rc = r.status == EVM_SUCCESS ? 0 : 1;
  evm_result_release(&r);

  if (bench) {
    enum { MAX_RUNS = 100000 };
    static uint64_t times[MAX_RUNS];
    size_t n = 0;
    uint64_t start = now_ns();
    while (n < MAX_RUNS && (n < 5 || now_ns() - start < 2000000000u)) {
      state_revert(st, snap);
      uint64_t t0 = now_ns();
      evm_result_t rr = cli_execute_message(&host, &msg);
      times[n++] = now_ns() - t0;
      evm_result_release(&rr);
    }
    qsort(times, n, sizeof times[0], cmp_u64);
    uint64_t med = times[n / 2];
    printf("bench: %zu runs, median %.3f us, %.1f Mgas/s\n", n, med / 1e3,
           med ? (double)used * 1e3 / (double)med : 0.0);
  }
  if (dump) {
    /* The end of the transaction: self-destructed accounts go, and from Spurious
     * Dragon touched empty ones (EIP-161). */
    state_commit(st, rev >= EVM_SPURIOUS_DRAGON);
    cJSON *d = cli_state_dump(st);
    char *text = d ? cli_json_print(d) : NULL;
    if (text) puts(text);
    else {
      fprintf(stderr, "ethc run: --dump: out of memory\n");
      rc = 2;
    }
    free(text);
    cJSON_Delete(d);
  }
  fflush(stdout);
  state_free(st);
  evm_destroy(vm);
  free(code);
  free(input);
  return rc;
}
CLI_COMMAND("", "run", cmd_run, "",
            "execute EVM bytecode as a message call or contract creation (as go-ethereum's evm run)", run_options,
            "Prints the return data (with --create the deployed code and the contract's address), the gas\n"
            "used and the status; exit status 1 when the execution did not succeed. The code runs at\n"
            "0x2000000000000000000000000000000000000002 in block 1 (timestamp 1, chain id 1, base fee 1,\n"
            "gas price 1); without --code the prestate's code at that address runs. Neither intrinsic\n"
            "gas nor fees are charged. With --dump the state follows as one JSON object.\n")
