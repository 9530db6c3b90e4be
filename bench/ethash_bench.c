/* Ethash benchmark (PERFORMANCE.md section 4): light-cache generation per epoch, the
 * median time of one seal verification (pre-check + hashimoto-light), and the
 * throughput of ethash_verify_batch over headers of one epoch at each batch width.
 * Times are thread CPU time (the machine is shared). Usage:
 *   ethash_bench [-i IMPL] [-n BATCH] [-r REPS] [EPOCH...]   (default epochs 0 390 500;
 *   IMPL 0 portable, 1 AVX2, 2 AVX-512F) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/ethash.h"

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define MAX_BATCH 256
#define MAX_REPS 64

int main(int argc, char **argv) {
  int epochs[16] = {0, 390, 500}, ne = 3, batch = 64, reps = 9, impl = -1;
  int explicit_epochs = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-i") && i + 1 < argc) impl = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-n") && i + 1 < argc) batch = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-r") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (ne < 16 || !explicit_epochs) {
      if (!explicit_epochs) ne = 0, explicit_epochs = 1;
      epochs[ne++] = atoi(argv[i]);
    }
  }
  if (batch < 1 || batch > MAX_BATCH || reps < 1 || reps > MAX_REPS) {
    fprintf(stderr, "ethash_bench: -n 1..%d, -r 1..%d\n", MAX_BATCH, MAX_REPS);
    return 2;
  }
  if (ethash_select_impl(impl) != 0) {
    fprintf(stderr, "ethash_bench: implementation %d not supported by this CPU\n", impl);
    return 2;
  }
  static ethash_verify_item_t items[MAX_BATCH];
  static int results[MAX_BATCH];
  printf(
      "epoch  cache MiB  build s  verify ms: median (min) of %d  batch of %d: median ms/header at width 1 2 4 8 16\n",
      reps, batch);
  for (int e = 0; e < ne; e++) {
    int epoch = epochs[e];
    double t0 = cpu_now();
    const ethash_cache_t *cache = ethash_cache_acquire(epoch);
    double build = cpu_now() - t0;
    if (!cache) {
      fprintf(stderr, "ethash_bench: cannot build epoch %d\n", epoch);
      return 1;
    }
    /* valid seals: the real mix of each (header, nonce), difficulty 1 */
    for (int i = 0; i < batch; i++) {
      ethash_verify_item_t *it = &items[i];
      memset(it, 0, sizeof *it);
      it->block_number = (uint64_t)epoch * ETHASH_EPOCH_LENGTH + (uint64_t)i;
      for (int k = 0; k < 32; k++) it->header_hash[k] = (uint8_t)(k * 7 + i * 13 + epoch);
      it->nonce = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1);
      it->difficulty.w[0] = 1;
    }
    uint8_t(*hh)[32] = malloc((size_t)batch * 32), (*mix)[32] = malloc((size_t)batch * 32),
    (*fin)[32] = malloc((size_t)batch * 32);
    uint64_t *nonces = malloc((size_t)batch * sizeof *nonces);
    for (int i = 0; i < batch; i++) memcpy(hh[i], items[i].header_hash, 32), nonces[i] = items[i].nonce;
    ethash_hash_batch(cache, (size_t)batch, (const uint8_t(*)[32])hh, nonces, mix, fin);
    for (int i = 0; i < batch; i++) memcpy(items[i].mix_hash, mix[i], 32);

    double single[MAX_REPS];
    for (int r = 0; r < reps; r++) {
      const ethash_verify_item_t *it = &items[r % batch];
      t0 = cpu_now();
      int rc = ethash_verify(it->block_number, it->header_hash, it->nonce, it->mix_hash, &it->difficulty);
      single[r] = cpu_now() - t0;
      if (rc != 0) {
        fprintf(stderr, "ethash_bench: a valid seal was rejected\n");
        return 1;
      }
    }
    double per_width[5];
    const size_t widths[5] = {1, 2, 4, 8, 16};
    for (int w = 0; w < 5; w++) {
      size_t old = ethash_set_batch_width(widths[w]);
      double t[MAX_REPS];
      int breps = reps < 3 ? reps : 3;
      for (int r = 0; r < breps; r++) {
        t0 = cpu_now();
        int rc = ethash_verify_batch(items, (size_t)batch, results);
        t[r] = (cpu_now() - t0) / batch;
        if (rc != 0) {
          fprintf(stderr, "ethash_bench: the batch was rejected\n");
          return 1;
        }
      }
      per_width[w] = median(t, breps);
      ethash_set_batch_width(old);
    }
    double vmin = single[0];
    for (int r = 1; r < reps; r++) vmin = single[r] < vmin ? single[r] : vmin;
    printf("%5d  %9.1f  %7.3f  %17.3f (%.3f)  %8.3f %6.3f %6.3f %6.3f %6.3f\n", epoch,
           cache->num_items * 64 / 1048576.0, build, median(single, reps) * 1e3, vmin * 1e3, per_width[0] * 1e3,
           per_width[1] * 1e3, per_width[2] * 1e3, per_width[3] * 1e3, per_width[4] * 1e3);
    fflush(stdout);
    free(hh), free(mix), free(fin), free(nonces);
    ethash_cache_release(cache);
  }
  return 0;
}
