/* `ethc test precompile PATH...`: go-ethereum's precompile vectors (NAME.json:
 * Input/Expected/Gas must match; fail-NAME.json: the call must fail). The precompile
 * and fork come from the file name (precompile_files.h; modexp: Byzantium, _eip2565: Berlin, _eip7883: Osaka;
 * everything else: the latest fork). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ethc/bytes.h"
#include "ethc/evm.h"
#include "ethc/precompiles.h"
#include "precompile_files.h"
#include "runner.h"

static void hexdump(char *dst, size_t cap, const uint8_t *p, size_t n) {
  size_t max = (cap - 4) / 2;
  size_t k = n < max ? n : max;
  for (size_t i = 0; i < k; i++) snprintf(dst + 2 * i, 3, "%02x", p[i]);
  dst[2 * k] = 0;
  if (k < n) strcat(dst, "...");
}

static void run_precompile_file(runner_t *r, const char *path, const cJSON *root) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (!cJSON_IsArray(root)) return; /* e.g. kzg_trusted_setup.json: not a vector file */
  evm_revision_t rev;
  bool expect_fail;
  const evm_precompile_t *p = precompile_file_lookup(base, &rev, &expect_fail);
  if (!p) {
    runner_fail(r, path, "(file)", NULL, "no precompile for file name %s", base);
    return;
  }
  const char *fork = evm_revision_name(rev);
  int idx = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, root) {
    char fallback[32];
    const char *name = json_str(c, "Name");
    if (!name) {
      snprintf(fallback, sizeof fallback, "#%d", idx);
      name = fallback;
    }
    idx++;
    if (runner_fork_filtered(r, fork)) continue;
    if (runner_skip(r, path, name, fork)) continue;
    const char *in_hex = json_str(c, "Input");
    uint8_t *in = NULL, *exp = NULL;
    size_t in_len = 0, exp_len = 0;
    if (!in_hex || hex_decode_alloc(in_hex, false, &in, &in_len) != 0) {
      runner_fail(r, path, name, fork, "bad or missing Input");
      continue;
    }
    if (expect_fail) {
      evm_result_t res = evm_precompile_call(p, rev, in, in_len, INT64_MAX);
      if (res.status == EVM_SUCCESS) {
        char got[256];
        hexdump(got, sizeof got, res.output, res.output_size);
        runner_fail(r, path, name, fork, "call succeeded, expected failure (%s); output %s",
                    json_str(c, "ExpectedError") ? json_str(c, "ExpectedError") : "?", got);
      } else {
        runner_pass(r, path, name, fork);
      }
      evm_result_release(&res);
      free(in);
      continue;
    }
    const char *exp_hex = json_str(c, "Expected");
    const cJSON *gas_j = json_get(c, "Gas");
    if (!exp_hex || hex_decode_alloc(exp_hex, false, &exp, &exp_len) != 0 || !cJSON_IsNumber(gas_j)) {
      runner_fail(r, path, name, fork, "bad or missing Expected/Gas");
      free(in);
      continue;
    }
    int64_t want_gas = (int64_t)gas_j->valuedouble;
    int64_t gas = p->gas(in, in_len, rev);
    evm_result_t res = evm_precompile_call(p, rev, in, in_len, want_gas);
    if (gas != want_gas) {
      runner_fail(r, path, name, fork, "gas %lld, want %lld", (long long)gas, (long long)want_gas);
    } else if (res.status != EVM_SUCCESS) {
      runner_fail(r, path, name, fork, "status %s", evm_status_name(res.status));
    } else if (res.gas_left != 0) {
      runner_fail(r, path, name, fork, "gas left %lld", (long long)res.gas_left);
    } else if (res.output_size != exp_len || (exp_len && memcmp(res.output, exp, exp_len) != 0)) {
      char got[512], want[512];
      hexdump(got, sizeof got, res.output, res.output_size);
      hexdump(want, sizeof want, exp, exp_len);
      runner_fail(r, path, name, fork, "output %s, want %s", got, want);
    } else {
      runner_pass(r, path, name, fork);
    }
    evm_result_release(&res);
    free(in);
    free(exp);
  }
}

RUNNER_SUITE_ARRAY("precompile", run_precompile_file, RUNNER_OPT_FORK)
