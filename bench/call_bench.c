/* eth_call-style executions per second on a chain snapshot (chain_call.h):
 * imports the rpc-compat chain (execution-apis' test chain) into DIR, then runs
 * its eth_call cases (the callenv contract, which echoes its environment, and a
 * contract that reverts) on the head snapshot, N times each, from 1 and from 2
 * threads, each thread with its own vm and every call on a fresh overlay of the
 * one shared state base. Reports calls per second (wall clock) and the node
 * cache's counters.
 * usage: call_bench SHARED_DIR DIR [N]   (SHARED_DIR: ../shared) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_chain.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_call.h"
#include "ethc/error.h"

static chain_snapshot_t *head;
static long per_thread;
static chain_call_msg_t msgs[3];

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *caller(void *arg) {
  long *failed = arg;
  evm_t *vm = evm_create();
  for (long i = 0; i < per_thread; i++) {
    chain_call_result_t r;
    if (chain_call(head, vm, &msgs[i % 3], &r) != 0 || r.tx_error) ++*failed;
    else chain_call_result_free(&r);
  }
  evm_destroy(vm);
  return NULL;
}

static void address(const char *hex, ethc_address_t *out) {
  if (hex_decode_fixed(hex, true, out->bytes, 20)) abort();
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SHARED_DIR DIR [N]\n", argv[0]);
    return 2;
  }
  long n = argc > 3 ? atol(argv[3]) : 20000;
  chain_t *c = bench_rpc_compat_chain(argv[1], argv[2]);
  if (!c) return 1;
  /* the cases of rpc-compat/eth_call: callenv (two ways) and a reverting call */
  static const uint8_t revert_input[1] = {0x01}, env_input[3] = {0x33, 0x34, 0x35};
  address("0x9344b07175800259691961298ca11c824e65032d", &msgs[0].to);
  msgs[0].has_to = true;
  msgs[1] = msgs[0];
  address("0x14e46043e63d0e3cdcf2530519f4cfaf35058cb2", &msgs[1].from);
  msgs[1].data = env_input;
  msgs[1].data_len = sizeof env_input;
  msgs[1].value = u256_from_u64(0x17);
  msgs[1].gas = 0xea60;
  address("0x0ee3ab1371c93e7c0c281cc0c2107cdebc8b1930", &msgs[2].to);
  msgs[2].has_to = true;
  msgs[2].gas = 100000;
  msgs[2].data = revert_input;
  msgs[2].data_len = 1;
  head = chain_snapshot_head(c);
  printf("head #%llu; %ld calls per run\n", (unsigned long long)chain_snapshot_header(head)->number, n);
  for (int threads = 1; threads <= 2; threads++) {
    pthread_t t[2];
    long failed[2] = {0};
    per_thread = n / threads;
    double t0 = wall();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, caller, &failed[i]);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    double dt = wall() - t0;
    printf("%d thread%s: %8.0f calls/s (%.2f us per call)%s\n", threads, threads > 1 ? "s" : " ",
           (double)(per_thread * threads) / dt, dt * 1e6 / (double)(per_thread * threads),
           failed[0] + failed[1] ? " SOME FAILED" : "");
  }
  trie_cache_stats_t s;
  state_db_cache_stats(chain_state_db(c), &s);
  printf("node cache: %llu hits, %llu misses, %zu bytes\n", (unsigned long long)s.hits, (unsigned long long)s.misses,
         s.bytes);
  chain_snapshot_release(head);
  chain_close(c);
  return 0;
}
