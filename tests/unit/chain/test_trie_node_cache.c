/* Unit tests of the light node's persistent cache of verified trie nodes and
 * code (trie_node_cache.h): values found by their keccak256 after a reopen, a
 * row that does not hash to its key never returned (and deleted), the
 * two-generation bound, a used row surviving generations, and concurrent
 * writers and readers (built with TSan too). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie_node_cache.h"

/* A value of 100 bytes numbered i. */
static void value(unsigned i, uint8_t v[100], uint8_t hash[32]) {
  for (int j = 0; j < 100; j++) v[j] = (uint8_t)(i * 7 + j);
  memcpy(v, &i, sizeof i);
  keccak256(v, 100, hash);
}

static bool has(trie_node_cache_t *k, unsigned i) {
  uint8_t v[100], h[32];
  value(i, v, h);
  bytes_buf_t out = {0};
  bool ok = trie_node_cache_get(k, TRIE_NODE_CACHE_NODE, h, &out) == 0 && out.len == 100 && !memcmp(out.data, v, 100);
  bytes_buf_free(&out);
  return ok;
}

static int put(trie_node_cache_t *k, unsigned i) {
  uint8_t v[100], h[32];
  value(i, v, h);
  bytes_view_t bv = {v, 100};
  return trie_node_cache_put(k, TRIE_NODE_CACHE_NODE, &bv, 1);
}

typedef struct {
  trie_node_cache_t *k;
  unsigned base;
  int bad;
} worker_t;

static void *worker(void *arg) {
  worker_t *w = arg;
  for (unsigned i = 0; i < 300; i++) {
    if (put(w->k, w->base + i)) w->bad++;
    if (!has(w->k, w->base + i / 2)) w->bad++; /* written by this thread, within the bound */
  }
  return NULL;
}

int main(void) {
  char dir[] = "ethc-tncache-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  chaindb_t *db = NULL;
  char *err = NULL;
  CHECK(chaindb_open(dir, &db, &err) == 0);

  /* put, get, code kept apart from nodes, a miss */
  trie_node_cache_t *k = trie_node_cache_open(db, 1u << 20);
  CHECK(k != NULL);
  for (unsigned i = 0; i < 10; i++) CHECK(put(k, i) == 0);
  CHECK(has(k, 3));
  CHECK(!has(k, 11));
  {
    uint8_t code[] = {0x60, 0x00, 0x60, 0x00, 0xf3}, h[32];
    keccak256(code, sizeof code, h);
    bytes_view_t bv = {code, sizeof code};
    CHECK(trie_node_cache_put(k, TRIE_NODE_CACHE_CODE, &bv, 1) == 0);
    bytes_buf_t out = {0};
    CHECK(trie_node_cache_get(k, TRIE_NODE_CACHE_NODE, h, &out) == ETHC_ERR_NOT_FOUND);
    CHECK(trie_node_cache_get(k, TRIE_NODE_CACHE_CODE, h, &out) == 0 && out.len == sizeof code);
    bytes_buf_free(&out);
  }
  trie_node_cache_free(k);

  /* after a reopen (of the cache and the database), still there */
  chaindb_close(db);
  CHECK(chaindb_open(dir, &db, &err) == 0);
  k = trie_node_cache_open(db, 1u << 20);
  CHECK(has(k, 0) && has(k, 9));

  /* a row that does not hash to its key: never served, and deleted */
  {
    uint8_t v[100], h[32], key[35] = {'V', 0, 'N'};
    value(5, v, h);
    memcpy(key + 3, h, 32);
    v[50] ^= 1;
    chaindb_batch_t *b = chaindb_batch_new();
    chaindb_put_raw(b, key, sizeof key, v, sizeof v);
    CHECK(chaindb_write(db, b, false) == 0);
    chaindb_batch_free(b);
    trie_node_cache_stats_t st;
    trie_node_cache_stats(k, &st);
    CHECK(!has(k, 5));
    unsigned long long rejected = st.rejected;
    trie_node_cache_stats(k, &st);
    CHECK(st.rejected == rejected + 1);
    bytes_buf_t raw = {0};
    CHECK(chaindb_get_raw(db, key, sizeof key, &raw) == ETHC_ERR_NOT_FOUND);
    bytes_buf_free(&raw);
    CHECK(put(k, 5) == 0 && has(k, 5)); /* fetched and verified again */
  }
  trie_node_cache_free(k);

  /* the bound: 16 KiB keeps about 16 KiB of rows (140 bytes counted each) */
  k = trie_node_cache_open(db, 16u << 10);
  for (unsigned i = 1000; i < 2000; i++) {
    CHECK(put(k, i) == 0);
    if (i % 20 == 0) CHECK(has(k, 1000)); /* used all along: copied forward */
  }
  trie_node_cache_stats_t st;
  trie_node_cache_stats(k, &st);
  CHECK(st.generation >= 5);
  CHECK(st.generation_bytes <= 8u << 10);
  CHECK(has(k, 1999) && has(k, 1000));
  unsigned kept = 0;
  for (unsigned i = 1000; i < 2000; i++) kept += has(k, i);
  CHECK_MSG(kept <= (16u << 10) / 140 + 2, "%u rows kept", kept);
  CHECK(!has(k, 0) && !has(k, 1001)); /* older generations deleted */
  trie_node_cache_stats(k, &st);
  trie_node_cache_free(k);

  /* a reopen resumes the generation */
  k = trie_node_cache_open(db, 16u << 10);
  trie_node_cache_stats_t st2;
  trie_node_cache_stats(k, &st2);
  CHECK(st2.generation == st.generation);
  CHECK(has(k, 1999));
  trie_node_cache_free(k);

  /* threads writing and reading at once */
  k = trie_node_cache_open(db, 4u << 20);
  pthread_t t[4];
  worker_t w[4];
  for (int i = 0; i < 4; i++) {
    w[i] = (worker_t){k, 10000u + 1000u * (unsigned)i, 0};
    pthread_create(&t[i], NULL, worker, &w[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    CHECK(w[i].bad == 0);
  }
  trie_node_cache_free(k);

  chaindb_close(db);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
