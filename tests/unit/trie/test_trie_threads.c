/* Concurrent readers of one stored trie (Yellow Paper appendix D, EIP-1186
 * proofs): four threads run trie_read and trie_prove_from_store through one
 * small node cache (so it evicts all the time) while the main thread reads its
 * counters. Also built with -fsanitize=thread (test_trie_threads_tsan, label
 * tsan), where any data race fails the test. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "trie/mem_store.h"

#define NKEYS 20000
#define THREADS 4
#define READS 20000

typedef struct {
  uint8_t root[32];
  trie_store_t store; /* the cache */
  uint8_t (*vals)[8]; /* value of key i (its 8-byte big-endian index) */
  unsigned id;
  long bad, present, absent, proofs;
} reader_t;

static void key_of(uint64_t i, uint8_t k[8]) {
  for (int j = 0; j < 8; j++) k[j] = (uint8_t)(i >> (56 - 8 * j));
}

static void *reader(void *arg) {
  reader_t *r = arg;
  uint64_t s = 0x9e3779b97f4a7c15ull * (r->id + 1);
  bytes_buf_t v = {0};
  trie_proof_t pr = {0};
  for (int n = 0; n < READS; n++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    uint64_t i = s % (2 * NKEYS); /* half of them absent */
    uint8_t k[8];
    key_of(i, k);
    int rc = trie_read(r->root, &r->store, true, k, 8, &v);
    if (i < NKEYS) {
      r->present++;
      if (rc != 0 || v.len != 8 || memcmp(v.data, r->vals[i], 8) != 0) r->bad++;
    } else {
      r->absent++;
      if (rc != ETHC_ERR_NOT_FOUND) r->bad++;
    }
    if (n % 64 == 0) {
      bytes_view_t got;
      r->proofs++;
      if (trie_prove_from_store(r->root, &r->store, true, k, 8, &pr) != 0) r->bad++;
      else {
        int vr = trie_verify_secure_proof(r->root, k, 8, pr.nodes, pr.count, &got);
        if (vr != (i < NKEYS ? 0 : ETHC_ERR_NOT_FOUND)) r->bad++;
      }
    }
  }
  trie_proof_free(&pr);
  bytes_buf_free(&v);
  return NULL;
}

int main(void) {
  trie_t t;
  trie_init(&t, true);
  uint8_t(*vals)[8] = malloc(NKEYS * sizeof *vals);
  uint64_t s = 42;
  for (uint64_t i = 0; i < NKEYS; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    uint8_t k[8];
    key_of(i, k);
    memcpy(vals[i], &s, 8);
    vals[i][0] |= 1; /* never all zero: an empty value would delete */
    CHECK(trie_put(&t, k, 8, vals[i], 8) == 0);
  }
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  uint8_t root[32];
  CHECK(trie_commit(&t, &st, root) == 0);
  trie_free(&t);

  size_t max = 256 * 1024; /* well under the trie's size */
  trie_cache_t *c = trie_cache_new(&st, max);
  CHECK(c != NULL);
  reader_t r[THREADS];
  pthread_t th[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    r[i] = (reader_t){.store = trie_cache_store(c), .vals = vals, .id = i};
    memcpy(r[i].root, root, 32);
    CHECK(pthread_create(&th[i], NULL, reader, &r[i]) == 0);
  }
  /* the main thread watches the bound meanwhile */
  int over = 0;
  trie_cache_stats_t cs;
  for (int i = 0; i < 200; i++) {
    trie_cache_stats(c, &cs);
    over += cs.bytes > max;
  }
  long bad = 0, present = 0, absent = 0, proofs = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    CHECK(pthread_join(th[i], NULL) == 0);
    bad += r[i].bad, present += r[i].present, absent += r[i].absent, proofs += r[i].proofs;
  }
  trie_cache_stats(c, &cs);
  CHECK_MSG(bad == 0, "%ld wrong answers", bad);
  CHECK(present + absent == (long)THREADS * READS && present > 0 && absent > 0 && proofs > 0);
  CHECK(over == 0 && cs.bytes <= max);
  CHECK_MSG(cs.hits > 0 && cs.misses > 0 && cs.evictions > 0, "hits %llu misses %llu evictions %llu",
            (unsigned long long)cs.hits, (unsigned long long)cs.misses, (unsigned long long)cs.evictions);
  trie_cache_free(c);
  mem_store_free(&m);
  free(vals);
  return check_summary();
}
