/* `ethc bench evm [--json] [--time SECONDS] PATH...`: the ipsilon/evm-benchmarks set
 * (state-test format: one contract in pre, transaction data entries = inputs named
 * by _info.labels, fork in post). Runs the call to the contract repeatedly in the
 * consensus host (chain/host.c over the in-memory state) and prints the median time per execution (thread CPU time, since
 * the machine is shared) and gas per second. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/exec.h"
#include "ethc/bytes.h"
#include "chain/genesis_json.h"
#include "ethc/evm.h"
#include "ethc/state.h"
#include "ethc/transition.h"

static uint64_t cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static bool jhex_u256(const cJSON *o, const char *key, u256_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  *out = U256_ZERO;
  return cJSON_IsString(v) && u256_from_string(out, v->valuestring);
}

static bool jaddr(const cJSON *o, const char *key, ethc_address_t *a) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) && hex_decode_fixed(v->valuestring, false, a->bytes, 20) == 0;
}

/* The benchmark's transaction as `ethc run` executes a message (cli/exec.h): the
 * transaction's EIP-2929 warming, then chain_host_call, no intrinsic gas or fee. */
static evm_result_t transact(chain_host_t *h, const evm_message_t *msg) { return cli_execute_message(h, msg); }

/* Undoes the execution: the pre-state was committed, so it is the empty journal. */
static void transact_undo(state_t *st) { state_revert(st, 0); }

typedef struct {
  const char *fork; /* --fork: overrides the file's fork */
  bool json;
  double min_time;
  long runs; /* --runs: exactly this many timed executions per input, no calibration */
  int failures;
} opts_t;

static void bench_test(opts_t *o, const char *name, const cJSON *t) {
  const cJSON *pre = cJSON_GetObjectItemCaseSensitive(t, "pre");
  const cJSON *txj = cJSON_GetObjectItemCaseSensitive(t, "transaction");
  const cJSON *jenv = cJSON_GetObjectItemCaseSensitive(t, "env");
  const cJSON *post = cJSON_GetObjectItemCaseSensitive(t, "post");
  const cJSON *labels = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t, "_info"), "labels");
  evm_revision_t rev;
  const char *missing = !cJSON_IsObject(pre)                    ? "pre"
                        : !cJSON_IsObject(txj)                  ? "transaction"
                        : !cJSON_IsObject(jenv)                 ? "env"
                        : !cJSON_IsObject(post) || !post->child ? "post"
                                                                : NULL;
  if (missing) {
    fprintf(stderr, "bench evm: %s: missing or malformed '%s'\n", name, missing);
    o->failures++;
    return;
  }
  const char *fork = o->fork ? o->fork : post->child->string;
  if (!evm_revision_from_name(fork, &rev)) {
    fprintf(stderr, "bench evm: %s: post: unknown fork '%s'\n", name, fork);
    o->failures++;
    return;
  }
  /* The pre-state goes through the loader of `ethc run --prestate` and genesis
   * files, committed, so the journal is empty when the first execution starts. */
  char err[160];
  state_t *world = state_new();
  if (!world || genesis_alloc_from_json(pre, world, err, sizeof err)) {
    fprintf(stderr, "bench evm: %s: pre: %s\n", name, world ? err : "out of memory");
    state_free(world);
    o->failures++;
    return;
  }
  chain_block_env_t env;
  memset(&env, 0, sizeof env);
  u256_t v;
  jaddr(jenv, "currentCoinbase", &env.coinbase);
  if (jhex_u256(jenv, "currentNumber", &v)) env.number = (int64_t)v.w[0];
  if (jhex_u256(jenv, "currentTimestamp", &v)) env.timestamp = (int64_t)v.w[0];
  if (jhex_u256(jenv, "currentGasLimit", &v)) env.gas_limit = (int64_t)v.w[0];
  jhex_u256(jenv, "currentBaseFee", &env.base_fee);
  jhex_u256(jenv, "currentDifficulty", &env.difficulty);
  if (jhex_u256(jenv, "currentRandom", &v)) u256_to_be(&v, env.prev_randao.bytes);
  else u256_to_be(&env.difficulty, env.prev_randao.bytes);
  if (jhex_u256(jenv, "currentExcessBlobGas", &v)) env.excess_blob_gas = v.w[0];
  env.chain_id = U256_ONE;
  evm_t *vm = evm_create();
  chain_host_t h;
  chain_host_init(&h, world, vm, rev, &env);
  jhex_u256(txj, "gasPrice", &h.tx.gas_price);

  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  msg.kind = EVM_CALL;
  jaddr(txj, "sender", &msg.sender);
  jaddr(txj, "to", &msg.recipient);
  msg.code_address = msg.recipient;
  h.tx.origin = msg.sender;
  const cJSON *gl = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(txj, "gasLimit"), 0);
  msg.gas = (cJSON_IsString(gl) && u256_from_string(&v, gl->valuestring) && v.w[0] < (1ull << 62)) ? (int64_t)v.w[0]
                                                                                                   : 1000000000;
  const cJSON *val = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(txj, "value"), 0);
  if (cJSON_IsString(val)) u256_from_string(&msg.value, val->valuestring);

  const cJSON *data = cJSON_GetObjectItemCaseSensitive(txj, "data");
  int idx = 0;
  const cJSON *d;
  cJSON_ArrayForEach(d, data) {
    char key[16], label_buf[16];
    snprintf(key, sizeof key, "%d", idx);
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(labels, key);
    const char *label =
        cJSON_IsString(lab) ? lab->valuestring : (snprintf(label_buf, sizeof label_buf, "%d", idx), label_buf);
    idx++;
    uint8_t *input = NULL;
    size_t input_size = 0;
    if (!cJSON_IsString(d) || hex_decode_alloc(d->valuestring, false, &input, &input_size) != 0) {
      fprintf(stderr, "bench evm: %s/%s: bad input hex\n", name, label);
      o->failures++;
      continue;
    }
    msg.input = input;
    msg.input_size = input_size;
    evm_result_t r = transact(&h, &msg);
    int64_t gas_used = msg.gas - r.gas_left;
    evm_status_t st = r.status;
    evm_result_release(&r);
    if (st != EVM_SUCCESS) {
      fprintf(stderr, "bench evm: %s/%s: execution ended with %s\n", name, label, evm_status_name(st));
      o->failures++;
    }
    /* Short executions are timed in batches of k (each sample is batch time / k) so
     * the clock read (a system call for CPU time) does not dominate. */
    uint64_t k = 1;
    if (o->runs == 0) {
      transact_undo(world);
      uint64_t t0 = cpu_ns();
      evm_result_t rr = transact(&h, &msg);
      uint64_t one = cpu_ns() - t0;
      evm_result_release(&rr);
      if (one < 200000) k = 200000 / (one ? one : 1);
    }
    size_t cap = 1024, n = 0;
    uint64_t *times = malloc(cap * sizeof *times);
    uint64_t start = cpu_ns(), budget = (uint64_t)(o->min_time * 1e9);
    while (times && (o->runs ? n < (size_t)o->runs : (n < 3 || cpu_ns() - start < budget))) {
      /* each execution starts from the pre-state: the journal revert is timed too */
      uint64_t t0 = cpu_ns();
      for (uint64_t i = 0; i < k; i++) {
        transact_undo(world);
        evm_result_t rr = transact(&h, &msg);
        evm_result_release(&rr);
      }
      uint64_t dt = (cpu_ns() - t0) / k;
      if (n == cap) {
        uint64_t *nt = realloc(times, (cap *= 2) * sizeof *nt);
        if (!nt) break;
        times = nt;
      }
      times[n++] = dt;
    }
    transact_undo(world);
    if (n) qsort(times, n, sizeof *times, cmp_u64);
    uint64_t med = n ? times[n / 2] : 0;
    free(times);
    if (o->json) {
      printf("{\"name\": ");
      cli_print_json_string(name);
      printf(", \"input\": ");
      cli_print_json_string(label);
      printf(", \"gas\": %" PRId64 ", \"median_ns\": %" PRIu64 "}\n", gas_used, med);
    } else {
      printf("%-28s %-16s gas %12" PRId64 "  median %12.3f us  %8.3f Ggas/s  (%zu runs)\n", name, label, gas_used,
             med / 1e3, med ? (double)gas_used / (double)med : 0.0, (size_t)(n * k));
    }
    fflush(stdout);
    free(input);
  }
  state_free(world);
  evm_destroy(vm);
}

static void bench_file(opts_t *o, const char *path) {
  size_t len;
  errno = 0;
  char *text = (char *)bytes_read_file(path, &len);
  if (!text) {
    fprintf(stderr, "bench evm: cannot read %s: %s\n", path, errno ? strerror(errno) : "read error");
    o->failures++;
    return;
  }
  cJSON *root = cJSON_ParseWithLength(text, len);
  free(text);
  if (!root) {
    fprintf(stderr, "bench evm: %s: malformed JSON%s\n", path, len ? "" : " (empty file)");
    o->failures++;
    return;
  }
  if (!cJSON_IsObject(root)) {
    fprintf(stderr, "bench evm: %s: expected a JSON object of benchmarks\n", path);
    o->failures++;
    cJSON_Delete(root);
    return;
  }
  const cJSON *t;
  int n = 0;
  cJSON_ArrayForEach(t, root) {
    if (cJSON_IsObject(t) && t->string && t->string[0] != '_') {
      bench_test(o, t->string, t);
      n++;
    }
  }
  if (!n) {
    fprintf(stderr, "bench evm: %s: no benchmarks in the file\n", path);
    o->failures++;
  }
  cJSON_Delete(root);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void bench_path(opts_t *o, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "bench evm: cannot open %s: %s\n", path, strerror(errno));
    o->failures++;
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    bench_file(o, path);
    return;
  }
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "bench evm: cannot open directory %s: %s\n", path, strerror(errno));
    o->failures++;
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0) continue;
    if (n == cap) {
      char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *nn);
      if (!nn) break;
      names = nn;
    }
    size_t pl = strlen(path) + l + 2;
    names[n] = malloc(pl);
    if (!names[n]) break;
    snprintf(names[n], pl, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  if (!n) {
    fprintf(stderr, "bench evm: %s: no .json files in the directory\n", path);
    o->failures++;
  }
  if (n) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    bench_file(o, names[i]);
    free(names[i]);
  }
  free(names);
}

enum { OPT_JSON, OPT_TIME, OPT_FORK, OPT_RUNS };
static const cli_option_t bench_evm_options[] = {
    [OPT_JSON] = {"--json", NULL,
                  "print one JSON object per benchmark input: {\"name\",\"input\",\"gas\",\"median_ns\"}", NULL},
    [OPT_TIME] = {"--time", "SECONDS", "minimum time spent on each input", "1"},
    [OPT_FORK] = {"--fork", "NAME", "the fork's rules to run under (Frontier ... Osaka, as the state tests spell them)",
                  "each benchmark's own fork"},
    [OPT_RUNS] = {"--runs", "N",
                  "exactly N timed executions of each input after the first, one per sample (for callgrind: the "
                  "instruction count then does not depend on the clock)",
                  "as many as --time allows"},
    {0}};

static int cmd_bench_evm(const cli_command_t *self, int argc, char **argv) {
  opts_t o = {NULL, false, 1.0, 0, 0};
  const char **paths = calloc((size_t)argc, sizeof *paths);
  int npaths = 0;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    if (k == OPT_JSON) o.json = true;
    else if (k == OPT_FORK) {
      o.fork = a.value;
      if (!evm_revision_from_name(o.fork, NULL)) {
        fprintf(stderr, "ethc bench evm: --fork: unknown fork '%s'\n", o.fork);
        free(paths);
        return 2;
      }
    } else if (k == OPT_TIME) {
      if (cli_parse_seconds("bench evm", "--time", a.value, true, 86400, &o.min_time)) {
        free(paths);
        return 2;
      }
    } else if (k == OPT_RUNS) {
      uint64_t n = 0;
      int bad = cli_parse_u64("bench evm", "--runs", a.value, false, 100000000, &n);
      if (bad || n == 0) {
        if (!bad) fprintf(stderr, "ethc bench evm: --runs: must be at least 1\n");
        free(paths);
        return 2;
      }
      o.runs = (long)n;
    } else if (k == CLI_POSITIONAL) paths[npaths++] = a.value;
    else {
      free(paths);
      return cli_stop(k);
    }
  }
  if (!npaths) {
    free(paths);
    return cli_usage_error(self, "no PATH given");
  }
  for (int i = 0; i < npaths; i++) bench_path(&o, paths[i]);
  free(paths);
  return o.failures ? 1 : 0;
}
CLI_COMMAND("bench", "evm", cmd_bench_evm, "PATH...",
            "EVM benchmarks in the state-test format: median time per execution", bench_evm_options,
            "PATH is a state-test JSON file or a directory searched for them (e.g. ../shared/benchmarks/evm/main).\n"
            "Each benchmark's transaction is executed repeatedly on its pre-state, for every input\n"
            "(data index); times are thread CPU time.\n")
