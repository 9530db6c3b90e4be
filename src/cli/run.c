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

static int usage(void) {
  fprintf(stderr,
          "usage: ethc run (--code HEX | --codefile FILE) [--input HEX] [--gas N] [--fork NAME] [--bench] [--trace]\n");
  return 2;
}

static int cmd_run(int argc, char **argv) {
  const char *code_hex = NULL, *code_file = NULL, *input_hex = "", *fork = "Cancun";
  int64_t gas = 1000000000000LL;
  bool bench = false, trace = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    bool takes_val = !strcmp(a, "--code") || !strcmp(a, "--codefile") || !strcmp(a, "--input") ||
                     !strcmp(a, "--fork") || !strcmp(a, "--gas");
    if (takes_val && i + 1 >= argc) return cli_missing_value("run", a);
    if (!strcmp(a, "--code") || !strcmp(a, "--codefile")) {
      if (code_hex || code_file) {
        fprintf(stderr, "ethc run: %s: the code is already given (use one --code or --codefile)\n", a);
        return 2;
      }
      if (!strcmp(a, "--code")) code_hex = argv[++i];
      else code_file = argv[++i];
    } else if (!strcmp(a, "--input")) input_hex = argv[++i];
    else if (!strcmp(a, "--fork")) fork = argv[++i];
    else if (!strcmp(a, "--gas")) {
      uint64_t g;
      if (cli_parse_u64("run", "--gas", argv[++i], true, INT64_MAX, &g)) return 2;
      gas = (int64_t)g;
    } else if (!strcmp(a, "--bench")) bench = true;
    else if (!strcmp(a, "--trace")) trace = true;
    else {
      fprintf(stderr, "ethc run: unknown option '%s'\n", a);
      return usage();
    }
  }
  if (!code_hex && !code_file) {
    fprintf(stderr, "ethc run: no code: give --code HEX or --codefile FILE\n");
    return usage();
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
CLI_COMMAND("", "run", cmd_run, "(--code HEX | --codefile FILE) [--input HEX] [--gas N] [--fork NAME] [--bench] [--trace]")
