/* The read caches of stored states (src/state/state_cache.h): what is put is
 * what is got, keys of different roots and kinds never meet, long codes are not
 * kept; then four threads put and get through one small cache (so entries are
 * overwritten all the time) and every hit must be the value its key
 * determines. Also built with -fsanitize=thread (test_state_cache_tsan, label
 * tsan), where any data race fails the test. Also: the logs hash of a state
 * without logs is keccak256 of the empty list (state_logs_hash's shortcut). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/keccak.h"
#include "ethc/state.h"
#include "state/state_cache.h"

#define THREADS 4
#define OPS 40000
#define KEYS 500
#define ROOTS 5

static ethc_hash_t root_of(unsigned r) {
  ethc_hash_t h;
  uint8_t b[4] = {(uint8_t)(r >> 24), (uint8_t)(r >> 16), (uint8_t)(r >> 8), (uint8_t)r};
  keccak256(b, 4, h.bytes);
  return h;
}
static ethc_address_t addr_of(unsigned i) {
  ethc_address_t a;
  memset(&a, 0, sizeof a);
  a.bytes[0] = (uint8_t)(i >> 8), a.bytes[19] = (uint8_t)i;
  return a;
}
/* The account key i has under root r (absent when i + r is a multiple of 7). */
static bool acct_of(unsigned r, unsigned i, state_account_t *out) {
  memset(out, 0, sizeof *out);
  out->nonce = 1000u * r + i;
  out->balance = u256_from_u64(7u * i + r);
  out->storage_root = root_of(100 + r);
  out->code_hash = root_of(200 + i % 50);
  return (i + r) % 7 != 0;
}
static u256_t slot_value(unsigned r, unsigned i) { return u256_from_u64(((uint64_t)r << 32) | (i * 3u + 1)); }
static size_t code_len(unsigned i) { return 1 + (i * 37u) % 300; }
static void code_of(unsigned i, uint8_t *out) {
  for (size_t k = 0; k < code_len(i); k++) out[k] = (uint8_t)(i + k);
}

static void test_basics(void) {
  state_cache_t *c = state_cache_new(1024, 64);
  CHECK(c != NULL);
  ethc_hash_t r0 = root_of(0), r1 = root_of(1);
  ethc_address_t a = addr_of(1);
  state_account_t acc, got;
  bool found = true;
  acct_of(0, 1, &acc);
  CHECK(!state_cache_get_account(c, &r0, &a, &got, &found));
  state_cache_put_account(c, &r0, &a, &acc);
  CHECK(state_cache_get_account(c, &r0, &a, &got, &found) && found);
  CHECK(got.nonce == acc.nonce && u256_eq(&got.balance, &acc.balance));
  CHECK(ethc_hash_eq(&got.code_hash, &acc.code_hash) && ethc_hash_eq(&got.storage_root, &acc.storage_root));
  CHECK(!state_cache_get_account(c, &r1, &a, &got, &found)); /* another root */
  state_cache_put_account(c, &r1, &a, NULL);
  CHECK(state_cache_get_account(c, &r1, &a, &got, &found) && !found);
  /* a slot whose key has the address's bytes is another entry */
  u256_t key, v;
  uint8_t kb[32] = {0};
  memcpy(kb, a.bytes, 20);
  u256_from_be(&key, kb);
  CHECK(!state_cache_get_slot(c, &r0, &key, &v));
  u256_t val = slot_value(0, 1);
  state_cache_put_slot(c, &r0, &key, &val);
  CHECK(state_cache_get_slot(c, &r0, &key, &v) && u256_eq(&v, &val));
  CHECK(state_cache_get_account(c, &r0, &a, &got, &found) && found && got.nonce == acc.nonce);
  /* code */
  uint8_t code[300];
  code_of(3, code);
  ethc_hash_t ch = root_of(50);
  bytes_buf_t b = {0};
  CHECK(!state_cache_get_code(c, &ch, &b) && b.len == 0);
  state_cache_put_code(c, &ch, code, code_len(3));
  bytes_buf_append(&b, (const uint8_t *)"x", 1);
  CHECK(state_cache_get_code(c, &ch, &b) && b.len == 1 + code_len(3) && !memcmp(b.data + 1, code, code_len(3)));
  bytes_buf_free(&b);
  uint8_t *big = calloc(1, STATE_CACHE_CODE_MAX + 1);
  ethc_hash_t bh = root_of(51);
  state_cache_put_code(c, &bh, big, STATE_CACHE_CODE_MAX + 1);
  CHECK(!state_cache_get_code(c, &bh, &b));
  free(big);
  state_cache_stats_t st;
  state_cache_stats(c, &st);
  CHECK(st.value_hits == 4 && st.value_misses == 3 && st.code_hits == 1 && st.code_misses == 2);
  state_cache_free(c);
}

typedef struct {
  state_cache_t *c;
  unsigned id;
  long bad, hits;
} worker_t;

static void *worker(void *arg) {
  worker_t *w = arg;
  uint64_t s = 0x9e3779b97f4a7c15ull * (w->id + 1);
  bytes_buf_t b = {0};
  uint8_t code[300];
  for (int n = 0; n < OPS; n++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    unsigned i = (unsigned)(s % KEYS), r = (unsigned)((s >> 20) % ROOTS), op = (unsigned)((s >> 40) % 6);
    ethc_hash_t root = root_of(r);
    ethc_address_t a = addr_of(i);
    state_account_t want, got;
    bool present = acct_of(r, i, &want), found;
    u256_t key = u256_from_u64(i), v, sv = slot_value(r, i);
    ethc_hash_t ch = root_of(300 + i);
    switch (op) {
      case 0: state_cache_put_account(w->c, &root, &a, present ? &want : NULL); break;
      case 1:
        if (state_cache_get_account(w->c, &root, &a, &got, &found)) {
          w->hits++;
          if (found != present || (found && (got.nonce != want.nonce || !u256_eq(&got.balance, &want.balance) ||
                                             !ethc_hash_eq(&got.code_hash, &want.code_hash))))
            w->bad++;
        }
        break;
      case 2: state_cache_put_slot(w->c, &root, &key, &sv); break;
      case 3:
        if (state_cache_get_slot(w->c, &root, &key, &v)) w->hits++, w->bad += !u256_eq(&v, &sv);
        break;
      case 4:
        code_of(i, code);
        state_cache_put_code(w->c, &ch, code, code_len(i));
        break;
      default:
        b.len = 0;
        if (state_cache_get_code(w->c, &ch, &b)) {
          code_of(i, code);
          w->hits++;
          w->bad += b.len != code_len(i) || memcmp(b.data, code, b.len) != 0;
        }
    }
  }
  bytes_buf_free(&b);
  return NULL;
}

static void test_threads(void) {
  state_cache_t *c = state_cache_new(128, 64); /* far fewer entries than keys */
  CHECK(c != NULL);
  pthread_t t[THREADS];
  worker_t w[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    w[i] = (worker_t){.c = c, .id = i};
    CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
  }
  state_cache_stats_t st;
  for (int k = 0; k < 50; k++) state_cache_stats(c, &st); /* read the counters while they change */
  long hits = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    pthread_join(t[i], NULL);
    CHECK_MSG(w[i].bad == 0, "thread %u: %ld wrong hits", i, w[i].bad);
    hits += w[i].hits;
  }
  CHECK(hits > 0);
  state_cache_stats(c, &st);
  CHECK(st.value_hits + st.code_hits == (uint64_t)hits);
  state_cache_free(c);
}

static void test_empty_logs_hash(void) {
  state_t *st = state_new();
  ethc_hash_t h, want;
  const uint8_t empty_list = 0xc0;
  keccak256(&empty_list, 1, want.bytes);
  CHECK(state_logs_hash(st, &h) == 0 && ethc_hash_eq(&h, &want));
  state_free(st);
}

int main(void) {
  test_basics();
  test_threads();
  test_empty_logs_hash();
  return check_summary();
}
