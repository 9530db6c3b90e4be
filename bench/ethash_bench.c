/* Ethash benchmark: light-cache generation for epochs 0 and 400, and hashimoto-light
 * per hash (the work of verifying one PoW seal). Usage: ethash_bench [EPOCH...] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ethc/ethash.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int epochs[8] = {0, 400};
  int n = 2;
  if (argc > 1) {
    n = 0;
    for (int i = 1; i < argc && n < 8; i++) epochs[n++] = atoi(argv[i]);
  }
  for (int e = 0; e < n; e++) {
    ethash_cache_t cache;
    double t0 = now();
    if (ethash_cache_build(&cache, epochs[e])) {
      fprintf(stderr, "cannot build epoch %d\n", epochs[e]);
      return 1;
    }
    double build = now() - t0;
    uint8_t header[32] = {1, 2, 3}, mix[32], final[32];
    const int hashes = 200;
    t0 = now();
    for (int i = 0; i < hashes; i++) {
      header[31] = (uint8_t)i;
      ethash_hash(&cache, header, (uint64_t)i * 7919, mix, final);
    }
    double per = (now() - t0) / hashes;
    printf("epoch %4d: cache %6.1f MiB built in %.3f s; hashimoto-light %.3f ms per hash\n", epochs[e],
           cache.num_items * 64 / 1048576.0, build, per * 1e3);
    ethash_cache_free(&cache);
  }
  return 0;
}
