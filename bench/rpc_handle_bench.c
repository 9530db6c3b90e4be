/* The cost of the JSON-RPC layer without HTTP: imports the rpc-compat chain
 * (execution-apis' test chain) into DIR, then answers bench/rpc.sh's request
 * bodies with rpc_server_handle, N times each on one thread, and prints the
 * time per call. Under valgrind --tool=callgrind --toggle-collect=measure_one
 * the instruction counts per method are stable figures (the machine's wall
 * clock is not).
 * usage: rpc_handle_bench SHARED_DIR DIR [N [METHOD]]   (SHARED_DIR: ../shared) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_chain.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/rpc.h"

static const char *const cases[][2] = {
    {"eth_blockNumber", "[]"},
    {"eth_getBalance", "[\"0x7dcd17433742f4c0ca53122ab541d0ba67fc27df\",\"latest\"]"},
    {"eth_call",
     "[{\"from\":\"0x0000000000000000000000000000000000000000\",\"to\":"
     "\"0x9344b07175800259691961298ca11c824e65032d\"},\"latest\"]"},
    {"eth_getBlockByNumber", "[\"latest\",false]"},
    {"eth_getTransactionReceipt", "[\"0x205405746564cbcf1dd53fb5ac92c7622d3792d82f03c59d9baddf2443d91864\"]"},
    {"eth_getLogs",
     "[{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\",\"topics\":[null,"
     "\"0x95b7276947f6331672b0c63eca28c1d39f25286d5e2793d6a487837ff1475ba0\"]}]"},
};

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One request; a function of its own so that callgrind can count it alone. */
__attribute__((noinline)) int measure_one(rpc_server_t *s, const char *body, size_t len) {
  char *resp;
  size_t resp_len;
  if (rpc_server_handle(s, body, len, &resp, &resp_len) || !resp || strstr(resp, "\"error\"")) {
    fprintf(stderr, "failed: %s\n", resp ? resp : "(none)");
    free(resp);
    return -1;
  }
  free(resp);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SHARED_DIR DIR [N [METHOD]]\n", argv[0]);
    return 2;
  }
  long n = argc > 3 ? atol(argv[3]) : 20000;
  const char *only = argc > 4 ? argv[4] : NULL;
  chain_t *c = bench_rpc_compat_chain(argv[1], argv[2]);
  if (!c) return 1;
  char err[512];
  rpc_config_t cfg = {.chain = c, .gas_cap = 50000000, .evm_timeout_ms = 5000};
  rpc_server_t *s;
  if (rpc_server_new(&cfg, &s, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  int rc = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    if (only && strcmp(only, cases[i][0])) continue;
    char body[1024];
    int blen = snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
                        cases[i][0], cases[i][1]);
    double t0 = wall();
    for (long k = 0; k < n && !rc; k++) rc = measure_one(s, body, (size_t)blen);
    double dt = wall() - t0;
    printf("%-26s %8.2f us per call\n", cases[i][0], dt * 1e6 / (double)n);
  }
  rpc_server_free(s);
  chain_close(c);
  return rc ? 1 : 0;
}
