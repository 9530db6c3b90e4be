/* Benchmarks for tries over a node store (Yellow Paper appendix D): N accounts
 * (default 100k) in a secure trie committed to an in-memory store, then
 * trie_read lookups (straight from the store, through the node cache cold and
 * warm, from 2 threads), proofs from the store, and block-like updates plus
 * trie_root / trie_commit_new on an opened trie against the in-memory trie.
 * Times are CPU time, except for the reads from 2 threads (wall clock). With a
 * directory as second argument, the nodes are also written to a LevelDB chain
 * database there and read back from it (cold cache, warm cache, no cache). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/unit/trie/mem_store.h"
#include "ethc/chaindb.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

/* Process CPU time: single-threaded figures hold up on a busy machine (the
 * 2-thread read figures are wall-clock rates). */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static void account_rlp(bytes_buf_t *b, uint64_t i) {
  size_t l = rlp_list_begin(b);
  rlp_put_u64(b, i % 1000);
  u256_t bal = {{rnd(), rnd() & 0xffffff, 0, 0}};
  rlp_put_u256(b, &bal);
  rlp_put_bytes(b, TRIE_EMPTY_ROOT, 32);
  uint8_t ch[32];
  keccak256((const uint8_t *)"", 0, ch);
  rlp_put_bytes(b, ch, 32);
  rlp_list_end(b, l);
}

static int N;
static uint8_t (*addrs)[20];
static uint8_t root[32];

typedef struct {
  trie_store_t store;
  int reads;
  uint64_t seed;
  long found;
} job_t;

static void *reads(void *arg) {
  job_t *j = arg;
  bytes_buf_t v = {0};
  uint64_t s = j->seed;
  for (int r = 0; r < j->reads; r++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    if (trie_read(root, &j->store, true, addrs[s % (uint64_t)N], 20, &v) == 0) j->found++;
  }
  bytes_buf_free(&v);
  return NULL;
}

/* Lookups per second (CPU time for 1 thread, wall clock for more) with
 * `threads` threads doing `per` reads each. */
static double read_rate(trie_store_t st, int threads, int per, uint64_t seed) {
  job_t j[8];
  pthread_t th[8];
  double t0 = threads == 1 ? now() : wall();
  for (int i = 0; i < threads; i++) {
    j[i] = (job_t){st, per, seed + (uint64_t)i * 0x9e3779b97f4a7c15ull, 0};
    pthread_create(&th[i], NULL, reads, &j[i]);
  }
  long found = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(th[i], NULL);
    found += j[i].found;
  }
  double t = (threads == 1 ? now() : wall()) - t0;
  if (found != (long)threads * per) fprintf(stderr, "lookups failed: %ld of %d\n", found, threads * per);
  return threads * per / t;
}

static int db_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  return chaindb_get_trie_node(ctx, (const ethc_hash_t *)hash, out);
}

static void print_cache(const char *what, trie_cache_t *c) {
  trie_cache_stats_t s;
  trie_cache_stats(c, &s);
  printf("  %s: hits %llu misses %llu evictions %llu, %zu nodes, %.1f MB of %.1f MB\n", what,
         (unsigned long long)s.hits, (unsigned long long)s.misses, (unsigned long long)s.evictions, s.entries,
         s.bytes / 1e6, s.max_bytes / 1e6);
}

int main(int argc, char **argv) {
  N = argc > 1 ? atoi(argv[1]) : 100000;
  if (N <= 0) N = 100000;
  addrs = malloc((size_t)N * 20);
  bytes_buf_t acct = {0};
  trie_t t;
  trie_init(&t, true);
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < 20; j++) addrs[i][j] = (uint8_t)rnd();
    acct.len = 0;
    account_rlp(&acct, (uint64_t)i);
    trie_put(&t, addrs[i], 20, acct.data, acct.len);
  }
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  double t0 = now();
  trie_commit(&t, &st, root);
  size_t bytes = 0;
  for (size_t i = 0; i < m.cap; i++) bytes += m.slot[i].rlp ? m.slot[i].len : 0;
  printf("%d accounts: commit %.0f ms, %zu nodes, %.1f MB of RLP\n", N, (now() - t0) * 1e3, m.n, bytes / 1e6);

  int R = 200000;
  /* in-memory trie_get for reference */
  t0 = now();
  bytes_view_t v;
  for (int r = 0; r < R; r++) trie_get(&t, addrs[rnd() % (uint64_t)N], 20, &v);
  printf("in-memory trie_get: %.2f M/s\n", R / (now() - t0) / 1e6);
  printf("trie_read, straight from the store: %.2f M/s (1 thread), %.2f M/s (2 threads)\n",
         read_rate(st, 1, R, 1) / 1e6, read_rate(st, 2, R, 2) / 1e6);

  trie_cache_t *c = trie_cache_new(&st, 256u << 20);
  trie_store_t cs = trie_cache_store(c);
  printf("trie_read through a 256 MB cache: cold %.2f M/s", read_rate(cs, 1, R, 3) / 1e6);
  printf(", warm %.2f M/s, warm 2 threads %.2f M/s\n", read_rate(cs, 1, R, 4) / 1e6, read_rate(cs, 2, R, 5) / 1e6);
  print_cache("256 MB cache", c);
  trie_cache_free(c);
  c = trie_cache_new(&st, 8u << 20);
  cs = trie_cache_store(c);
  read_rate(cs, 1, R, 6);
  printf("trie_read through an 8 MB cache (steady): %.2f M/s, 2 threads %.2f M/s\n", read_rate(cs, 1, R, 7) / 1e6,
         read_rate(cs, 2, R, 8) / 1e6);
  print_cache("8 MB cache", c);
  trie_cache_free(c);

  trie_proof_t pr = {0};
  int P = 50000;
  t0 = now();
  for (int r = 0; r < P; r++) trie_prove_from_store(root, &st, true, addrs[rnd() % (uint64_t)N], 20, &pr);
  printf("trie_prove_from_store: %.2f us/key (%zu nodes)\n", (now() - t0) / P * 1e6, pr.count);
  trie_proof_free(&pr);

  /* block-like updates: 200 accounts change, then the root */
  int blocks = 100;
  trie_t op;
  trie_open(&op, root, &st, true);
  uint64_t gets0 = m.gets;
  uint64_t save = rng;
  uint8_t r1[32], r2[32];
  t0 = now();
  for (int b = 0; b < blocks; b++) {
    for (int k = 0; k < 200; k++) {
      int i = (int)(rnd() % (uint64_t)N);
      acct.len = 0;
      account_rlp(&acct, (uint64_t)i + 1);
      trie_put(&op, addrs[i], 20, acct.data, acct.len);
    }
    trie_root(&op, r1);
  }
  double t_open = (now() - t0) / blocks;
  uint64_t gets = m.gets - gets0;
  rng = save;
  t0 = now();
  for (int b = 0; b < blocks; b++) {
    for (int k = 0; k < 200; k++) {
      int i = (int)(rnd() % (uint64_t)N);
      acct.len = 0;
      account_rlp(&acct, (uint64_t)i + 1);
      trie_put(&t, addrs[i], 20, acct.data, acct.len);
    }
    trie_root(&t, r2);
  }
  double t_mem = (now() - t0) / blocks;
  printf(
      "200 updates + trie_root: opened trie %.3f ms/block (%.1f nodes read per block), in-memory %.3f ms/block; "
      "roots %s\n",
      t_open * 1e3, (double)gets / blocks, t_mem * 1e3, memcmp(r1, r2, 32) == 0 ? "agree" : "DIFFER");
  /* and written back: 200 updates + trie_commit_new per block */
  size_t puts0 = m.puts;
  t0 = now();
  for (int b = 0; b < blocks; b++) {
    for (int k = 0; k < 200; k++) {
      int i = (int)(rnd() % (uint64_t)N);
      acct.len = 0;
      account_rlp(&acct, (uint64_t)i + 2);
      trie_put(&op, addrs[i], 20, acct.data, acct.len);
    }
    trie_commit_new(&op, &st, r1);
  }
  printf("200 updates + trie_commit_new on the opened trie: %.3f ms/block, %.0f nodes written per block\n",
         (now() - t0) / blocks * 1e3, (double)(m.puts - puts0) / blocks);
  trie_free(&op);

  if (argc > 2) { /* the same trie in LevelDB */
    chaindb_t *db;
    char *err = NULL;
    if (chaindb_open(argv[2], &db, &err) != 0) {
      fprintf(stderr, "cannot open %s: %s\n", argv[2], err ? err : "?");
      return 1;
    }
    chaindb_batch_t *b = chaindb_batch_new();
    t0 = wall();
    for (size_t i = 0; i < m.cap; i++)
      if (m.slot[i].rlp) chaindb_put_trie_node(b, (const ethc_hash_t *)m.slot[i].hash, m.slot[i].rlp, m.slot[i].len);
    if (chaindb_write(db, b, false) != 0) return 1;
    chaindb_batch_free(b);
    printf("LevelDB: %zu stored nodes (the trie and what the updates wrote) in %.0f ms (wall)\n", m.n,
           (wall() - t0) * 1e3);
    trie_store_t ds = {db, NULL, db_get};
    int RL = R / 4;
    printf("trie_read from LevelDB, no cache: %.3f M/s", read_rate(ds, 1, RL, 11) / 1e6);
    c = trie_cache_new(&ds, 256u << 20);
    cs = trie_cache_store(c);
    printf("; through a 256 MB cache: cold %.3f M/s", read_rate(cs, 1, RL, 12) / 1e6);
    read_rate(cs, 1, R, 13);
    printf(", warm %.3f M/s\n", read_rate(cs, 1, R, 14) / 1e6);
    print_cache("256 MB cache over LevelDB", c);
    trie_t lo;
    trie_open(&lo, root, &ds, true);
    t0 = now();
    for (int k = 0; k < 200 * 20; k++) {
      int i = (int)(rnd() % (uint64_t)N);
      acct.len = 0;
      account_rlp(&acct, (uint64_t)i + 3);
      trie_put(&lo, addrs[i], 20, acct.data, acct.len);
    }
    trie_root(&lo, r1);
    printf("trie_open over LevelDB + 4000 updates + trie_root: %.1f ms\n", (now() - t0) * 1e3);
    trie_free(&lo);
    trie_cache_free(c);
    chaindb_close(db);
  }
  trie_free(&t);
  mem_store_free(&m);
  bytes_buf_free(&acct);
  free(addrs);
  return 0;
}
