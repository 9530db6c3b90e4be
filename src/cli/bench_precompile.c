/* `ethc bench precompile [--json] [--time SECONDS] FILE...`: for every vector of
 * precompile vector files (the format of ../shared/precompiles), the median time
 * of one call and the gas throughput. Which precompile and fork a file is for comes
 * from its name, as the vector runner reads it (tests/vectors/precompile_files.h,
 * in the ethc_vocab objects the program links). */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "ethc/bytes.h"
#include "ethc/precompiles.h"
#include "vectors/precompile_files.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median ns per call over batches taking about `secs` in all. */
static double median_ns(const evm_precompile_t *p, evm_revision_t rev, const uint8_t *in, size_t len, int64_t gas,
                        double secs, bool *ok) {
  enum { BATCHES = 15 };
  double samples[BATCHES];
  /* size a batch so that it lasts about secs / BATCHES */
  size_t per_batch = 1;
  for (;;) {
    double t0 = now();
    for (size_t i = 0; i < per_batch; i++) {
      evm_result_t r = evm_precompile_call(p, rev, in, len, gas);
      *ok = *ok && r.status == EVM_SUCCESS;
      evm_result_release(&r);
    }
    double el = now() - t0;
    if (el >= secs / BATCHES || per_batch >= (1u << 24)) break;
    per_batch *= 2;
  }
  for (int b = 0; b < BATCHES; b++) {
    double t0 = now();
    for (size_t i = 0; i < per_batch; i++) {
      evm_result_t r = evm_precompile_call(p, rev, in, len, gas);
      evm_result_release(&r);
    }
    samples[b] = (now() - t0) / (double)per_batch * 1e9;
  }
  qsort(samples, BATCHES, sizeof samples[0], cmp_double);
  return samples[BATCHES / 2];
}


static int bench_file(const char *path, bool json, double secs) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  evm_revision_t rev;
  bool expect_fail;
  const evm_precompile_t *p = precompile_file_lookup(base, &rev, &expect_fail);
  if (!p || expect_fail) {
    fprintf(stderr, "ethc bench precompile: %s: not a benchmarkable precompile vector file\n", path);
    return 1;
  }
  errno = 0;
  char *text = (char *)bytes_read_file(path, NULL);
  if (!text) {
    fprintf(stderr, "ethc bench precompile: cannot read %s: %s\n", path, errno ? strerror(errno) : "read error");
    return 1;
  }
  cJSON *root = cJSON_Parse(text);
  free(text);
  if (!cJSON_IsArray(root) || cJSON_GetArraySize(root) == 0) {
    fprintf(stderr, "ethc bench precompile: %s: %s\n", path,
            !root ? "malformed JSON" : "expected a non-empty JSON array of vectors");
    cJSON_Delete(root);
    return 1;
  }
  int rc = 0;
  const cJSON *v;
  int index = 0;
  cJSON_ArrayForEach(v, root) {
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(v, "Name"));
    const char *input = cJSON_GetStringValue(cJSON_GetObjectItem(v, "Input"));
    uint8_t *in = NULL;
    size_t len = 0;
    if (!input || hex_decode_alloc(input, false, &in, &len)) {
      fprintf(stderr, "ethc bench precompile: %s: vector %d: %s Input\n", path, index, input ? "malformed" : "missing");
      rc = 1;
      index++;
      continue;
    }
    int64_t gas = p->gas(in, len, rev);
    bool ok = true;
    double ns = median_ns(p, rev, in, len, gas, secs, &ok);
    char label[64];
    if (!name) snprintf(label, sizeof label, "%d", index);
    if (json) {
      printf("{\"name\": \"%s\", \"input\": ", p->name);
      cli_print_json_string(name ? name : label);
      printf(", \"gas\": %lld, \"median_ns\": %.0f}\n", (long long)gas, ns);
    } else
      printf("%-16s %-44s %10.0f ns %10.1f Mgas/s%s\n", p->name, name ? name : label, ns, gas / ns * 1e3,
             ok ? "" : "  (call failed)");
    free(in);
    index++;
  }
  cJSON_Delete(root);
  return rc;
}

enum { OPT_JSON, OPT_TIME };
static const cli_option_t bench_precompile_options[] = {
    [OPT_JSON] = {"--json", NULL, "print one JSON object per vector: {\"name\",\"input\",\"gas\",\"median_ns\"}", NULL},
    [OPT_TIME] = {"--time", "SECONDS", "minimum time spent on each vector", "0.2"},
    {0}};

static int cmd_bench_precompile(const cli_command_t *self, int argc, char **argv) {
  bool json = false;
  double secs = 0.2;
  int rc = 0, files = 0;
  const char **paths = calloc((size_t)argc, sizeof *paths);
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    if (k == OPT_JSON) json = true;
    else if (k == OPT_TIME) {
      if (cli_parse_seconds("bench precompile", "--time", a.value, false, 86400, &secs)) {
        free(paths);
        return 2;
      }
    } else if (k == CLI_POSITIONAL) paths[files++] = a.value;
    else {
      free(paths);
      return cli_stop(k);
    }
  }
  if (!files) {
    free(paths);
    return cli_usage_error(self, "no FILE given");
  }
  for (int i = 0; i < files; i++) rc |= bench_file(paths[i], json, secs);
  free(paths);
  return rc;
}
CLI_COMMAND("bench", "precompile", cmd_bench_precompile, "FILE...",
            "median time per call of each vector in precompile vector files", bench_precompile_options,
            "FILE is a vector file in go-ethereum's format (e.g. ../shared/precompiles/bn256Pairing.json);\n"
            "its name picks the precompile.\n")
