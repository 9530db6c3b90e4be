/* `ethc run`: executes EVM bytecode as a message call in a fresh in-memory world
 * (src/cli/memhost.c) and prints the return data, gas used and status; with --bench
 * it repeats the call from the same state and prints the median time. */
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
#include "cli/memhost.h"
#include "ethc/bytes.h"
#include "ethc/evm.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Reads a whole file and strips whitespace; NULL on error (errno set; EISDIR for a
 * directory). */
static char *read_hex_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
    fclose(f);
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
  fclose(f);
  if (buf) buf[n] = 0;
  return buf;
}

static void print_hex(FILE *o, const uint8_t *d, size_t n) {
  fputs("0x", o);
  for (size_t i = 0; i < n; i++) fprintf(o, "%02x", d[i]);
}

enum { OPT_CODE, OPT_CODEFILE, OPT_INPUT, OPT_GAS, OPT_FORK, OPT_BENCH, OPT_TRACE };
static const cli_option_t run_options[] = {
    [OPT_CODE] = {"--code", "HEX", "the bytecode to run (0x optional)", NULL},
    [OPT_CODEFILE] = {"--codefile", "FILE", "read the bytecode as hex from FILE (whitespace ignored)", NULL},
    [OPT_INPUT] = {"--input", "HEX", "the call data", "empty"},
    [OPT_GAS] = {"--gas", "N", "the gas limit of the call (decimal or 0x-hex)", "1000000000000"},
    [OPT_FORK] = {"--fork", "NAME",
                  "the fork's rules: Frontier, Homestead, EIP150, EIP158, Byzantium, Constantinople,\n"
                  "ConstantinopleFix, Istanbul, Berlin, London, Paris, Shanghai, Cancun, Prague, Osaka",
                  "Cancun"},
    [OPT_BENCH] = {"--bench", NULL, "repeat the call from the same state and print the median time", NULL},
    [OPT_TRACE] = {"--trace", NULL, "print an EIP-3155 trace line per instruction on stderr", NULL},
    {0}};

static int cmd_run(const cli_command_t *self, int argc, char **argv) {
  const char *code_hex = NULL, *code_file = NULL, *input_hex = "", *fork = "Cancun";
  int64_t gas = 1000000000000LL;
  bool bench = false, trace = false;
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
    case OPT_BENCH: bench = true; break;
    case OPT_TRACE: trace = true; break;
    case CLI_POSITIONAL: return cli_usage_error(self, "unexpected argument '%s'", a.value);
    default: return cli_stop(k);
    }
  }
  if (!code_hex && !code_file) {
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
    file_text = read_hex_file(code_file);
    if (!file_text) {
      fprintf(stderr, "ethc run: --codefile: cannot read %s: %s\n", code_file, strerror(errno));
      return 2;
    }
    if ((why = cli_hex_problem(file_text)) || !*file_text) {
      fprintf(stderr, "ethc run: --codefile: %s: %s\n", code_file, why ? why : "the file holds no code");
      free(file_text);
      return 2;
    }
    code_hex = file_text;
  }
  uint8_t *code = NULL, *input = NULL;
  size_t code_size = 0, input_size = 0;
  if (hex_decode_alloc(code_hex, false, &code, &code_size) != 0) {
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

  evm_t *vm = evm_create();
  memhost_t *h = memhost_new(vm, rev);
  ethc_address_t sender = {{0x10, [19] = 0x01}}, to = {{0x20, [19] = 0x02}};
  u256_t big = u256_from_u64(UINT64_MAX);
  memhost_set_account(h, &sender, &big, 0, NULL, 0);
  memhost_set_account(h, &to, &U256_ZERO, 0, code, code_size);
  evm_tx_context_t tx;
  memset(&tx, 0, sizeof tx);
  tx.origin = sender;
  tx.number = 1;
  tx.timestamp = 1;
  tx.gas_limit = gas;
  tx.chain_id = U256_ONE;
  tx.base_fee = U256_ONE;
  tx.gas_price = U256_ONE;
  memhost_set_tx_context(h, &tx);

  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  msg.kind = EVM_CALL;
  msg.gas = gas;
  msg.sender = sender;
  msg.recipient = to;
  msg.code_address = to;
  msg.input = input;
  msg.input_size = input_size;

  if (trace) evm_set_tracer(vm, stderr);
  size_t snap = memhost_snapshot(h);
  evm_result_t r = memhost_transact(h, &msg);
  evm_set_tracer(vm, NULL);
  printf("output: ");
  print_hex(stdout, r.output, r.output_size);
  printf("\ngas used: %" PRId64 "\nstatus: %s\n", gas - r.gas_left, evm_status_name(r.status));
  int64_t used = gas - r.gas_left;
  int rc = r.status == EVM_SUCCESS ? 0 : 1;
  evm_result_release(&r);

  if (bench) {
    enum { MAX_RUNS = 100000 };
    static uint64_t times[MAX_RUNS];
    size_t n = 0;
    uint64_t start = now_ns();
    while (n < MAX_RUNS && (n < 5 || now_ns() - start < 2000000000u)) {
      memhost_revert(h, snap);
      uint64_t t0 = now_ns();
      evm_result_t rr = memhost_transact(h, &msg);
      times[n++] = now_ns() - t0;
      evm_result_release(&rr);
    }
    qsort(times, n, sizeof times[0], cmp_u64);
    uint64_t med = times[n / 2];
    printf("bench: %zu runs, median %.3f us, %.1f Mgas/s\n", n, med / 1e3,
           med ? (double)used * 1e3 / (double)med : 0.0);
  }
  memhost_free(h);
  evm_destroy(vm);
  free(code);
  free(input);
  return rc;
}
CLI_COMMAND("", "run", cmd_run, "", "execute EVM bytecode as a message call in a fresh in-memory world", run_options,
            "Prints the return data, the gas used and the status; exit status 1 when the call did not succeed.\n")
