/* Precompile throughput over go-ethereum's vector files: for each NAME.json, every
 * case with NoBenchmark false is run repeatedly; prints ns/call and Mgas/s per file.
 * Usage: precompile_bench [DIR (default $ETHC_SHARED/precompiles)] [seconds per case]. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/bytes.h"
#include "ethc/precompiles.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: robust to other load */
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = 0;
  fclose(f);
  return s;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
  char dir[1024];
  const char *shared = getenv("ETHC_SHARED");
  if (argc > 1) snprintf(dir, sizeof dir, "%s", argv[1]);
  else snprintf(dir, sizeof dir, "%s/precompiles", shared ? shared : "../shared");
  double secs = argc > 2 ? atof(argv[2]) : 0.02;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "cannot open %s\n", dir);
    return 1;
  }
  char *names[128];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 128) {
    size_t l = strlen(e->d_name);
    if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 && strncmp(e->d_name, "fail-", 5) != 0 &&
        strstr(e->d_name, "trusted_setup") == NULL)
      names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, cmp);
  printf("%-22s %6s %12s %10s\n", "file", "cases", "ns/call", "Mgas/s");
  for (int i = 0; i < n; i++) {
    char base[256], path[2048];
    snprintf(base, sizeof base, "%s", names[i]);
    base[strlen(base) - 5] = 0;
    evm_revision_t rev = EVM_OSAKA;
    const char *pname = base;
    if (strcmp(base, "modexp") == 0) rev = EVM_BYZANTIUM;
    else if (strcmp(base, "modexp_eip2565") == 0) { rev = EVM_BERLIN; pname = "modexp"; }
    else if (strcmp(base, "modexp_eip7883") == 0) { rev = EVM_OSAKA; pname = "modexp"; }
    const evm_precompile_t *p = evm_precompile_by_name(pname);
    if (!p) continue;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    char *text = slurp(path);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    double total_ns = 0, total_gas = 0;
    int cases = 0, failed = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, root) {
      if (cJSON_IsTrue(cJSON_GetObjectItem(c, "NoBenchmark"))) continue;
      const cJSON *ji = cJSON_GetObjectItem(c, "Input");
      uint8_t *in = NULL;
      size_t len = 0;
      if (!cJSON_IsString(ji) || hex_decode_alloc(ji->valuestring, false, &in, &len) != 0) continue;
      int64_t gas = p->gas(in, len, rev);
      size_t iters = 0;
      double start = now(), el;
      do {
        evm_result_t r = evm_precompile_call(p, rev, in, len, gas);
        if (r.status != EVM_SUCCESS) failed = 1;
        evm_result_release(&r);
        iters++;
      } while ((el = now() - start) < secs);
      total_ns += el / (double)iters * 1e9;
      total_gas += (double)gas;
      cases++;
      free(in);
    }
    cJSON_Delete(root);
    if (cases)
      printf("%-22s %6d %12.0f %10.1f%s\n", base, cases, total_ns / cases, total_gas / total_ns * 1e3,
             failed ? "  (some calls failed)" : "");
    free(names[i]);
  }
  return 0;
}
