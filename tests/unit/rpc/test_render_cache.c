/* The cache of rendered JSON objects (src/rpc/render_cache.h): what is put is
 * what is got, written as one value of the writer (commas placed), kinds of
 * the same key apart, objects past the limit not kept; then four threads put
 * and get through the one process-wide table (far more keys than entries)
 * and every hit must be the text its key determines. Also built with
 * -fsanitize=thread (test_render_cache_tsan, label tsan), where any data race
 * fails the test. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/keccak.h"
#include "rpc/render_cache.h"

#define THREADS 4
#define OPS 30000
#define KEYS 2000

static ethc_hash_t key_of(unsigned i) {
  ethc_hash_t h;
  uint8_t b[4] = {(uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
  keccak256(b, 4, h.bytes);
  return h;
}
/* The object of key i and kind k: {"k":K,"i":I,"pad":"xxx..."} of varying size. */
static size_t text_of(unsigned i, unsigned k, char *out, size_t cap) {
  int n =
      snprintf(out, cap, "{\"k\":%u,\"i\":%u,\"pad\":\"%.*s\"}", k, i, (int)(i % 97),
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  return (size_t)n;
}

static void test_basics(void) {
  ethc_hash_t k = key_of(1000000);
  char t[256];
  size_t n = text_of(1, 0, t, sizeof t);
  jw_t w;
  jw_init(&w);
  CHECK(!rpc_render_get(RPC_RENDER_BLOCK, &k, &w, NULL) && w.len == 0);
  rpc_render_where_t where = {key_of(7), 42}, got;
  rpc_render_put(RPC_RENDER_RECEIPT, &k, t, n, &where);
  CHECK(!rpc_render_get(RPC_RENDER_BLOCK, &k, &w, NULL) && w.len == 0); /* another kind */
  jw_arr_begin(&w);
  jw_int(&w, 5);
  CHECK(rpc_render_get(RPC_RENDER_RECEIPT, &k, &w, &got));
  CHECK(got.block_number == 42 && ethc_hash_eq(&got.block_hash, &where.block_hash));
  jw_arr_end(&w);
  char want[300];
  snprintf(want, sizeof want, "[5,%s]", t);
  CHECK(w.len == strlen(want) && !memcmp(w.buf, want, w.len));
  jw_free(&w);
  /* too large: not kept */
  size_t big = RPC_RENDER_MAX + 1;
  char *b = malloc(big);
  memset(b, ' ', big);
  b[0] = '0';
  ethc_hash_t bk = key_of(1000001);
  rpc_render_put(RPC_RENDER_BLOCK, &bk, b, big, NULL);
  jw_init(&w);
  CHECK(!rpc_render_get(RPC_RENDER_BLOCK, &bk, &w, NULL));
  jw_free(&w);
  free(b);
}

typedef struct {
  unsigned id;
  long bad, hits;
} worker_t;

static void *worker(void *arg) {
  worker_t *wk = arg;
  uint64_t s = 0x9e3779b97f4a7c15ull * (wk->id + 1);
  char t[256];
  jw_t w;
  jw_init(&w);
  for (int n = 0; n < OPS; n++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    unsigned i = (unsigned)(s % KEYS), k = (unsigned)((s >> 20) % 3);
    ethc_hash_t key = key_of(i);
    size_t len = text_of(i, k, t, sizeof t);
    if ((s >> 40) & 1) {
      rpc_render_where_t where = {key, i};
      rpc_render_put((rpc_render_kind_t)k, &key, t, len, &where);
    } else {
      rpc_render_where_t got;
      jw_reset(&w);
      if (rpc_render_get((rpc_render_kind_t)k, &key, &w, &got)) {
        wk->hits++;
        wk->bad += w.len != len || memcmp(w.buf, t, len) != 0 || got.block_number != i;
      }
    }
  }
  jw_free(&w);
  return NULL;
}

static void test_threads(void) {
  pthread_t th[THREADS];
  worker_t wk[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    wk[i] = (worker_t){.id = i};
    CHECK(pthread_create(&th[i], NULL, worker, &wk[i]) == 0);
  }
  long hits = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    CHECK_MSG(wk[i].bad == 0, "thread %u: %ld wrong hits", i, wk[i].bad);
    hits += wk[i].hits;
  }
  CHECK(hits > 0);
}

int main(void) {
  test_basics();
  test_threads();
  return check_summary();
}
