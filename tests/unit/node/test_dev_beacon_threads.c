/* The dev beacon side (ethc/dev_beacon.h) under concurrent use, as its HTTP
 * threads use it: one thread adds blocks (and once goes back, as after
 * evm_revert) while three threads make finality, optimistic and period updates,
 * bootstraps and root look-ups. Every update a reader gets must be one the
 * light client accepts, whatever the writer did meanwhile. Built with
 * ThreadSanitizer as tsan.test_dev_beacon_threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "check.h"
#include "ethc/dev_beacon.h"
#include "ethc/hash.h"
#include "ethc/light_client.h"

#define BLOCKS 200
#define FORK_AT 120 /* the writer goes back to here once */

static dev_beacon_t *b;
static atomic_bool done;
static atomic_int bad, made;

static void exec_block(uint64_t n, uint8_t salt, dev_beacon_exec_t *e) {
  memset(e, 0, sizeof *e);
  uint8_t seed[9] = {n >= FORK_AT ? salt : 0};
  for (int i = 0; i < 8; i++) seed[1 + i] = (uint8_t)(n >> (8 * i));
  hash_sha256(seed, sizeof seed, e->hash.bytes);
  if (n > 0) {
    uint64_t p = n - 1;
    seed[0] = p >= FORK_AT ? salt : 0;
    for (int i = 0; i < 8; i++) seed[1 + i] = (uint8_t)(p >> (8 * i));
    hash_sha256(seed, sizeof seed, e->payload.parent_hash.bytes);
  }
  e->payload.block_number = n;
  e->payload.block_hash = e->hash;
  e->payload.timestamp = 1700000000 + n;
}

static void pause_a_little(void) {
  struct timespec t = {0, 300000}; /* 0.3 ms: readers get turns between blocks */
  nanosleep(&t, NULL);
}

static void *writer(void *arg) {
  (void)arg;
  dev_beacon_exec_t e;
  for (uint64_t n = 0; n < BLOCKS; n++) {
    pause_a_little();
    exec_block(n, 1, &e);
    if (dev_beacon_add(b, &e)) atomic_fetch_add(&bad, 1);
  }
  for (uint64_t n = FORK_AT; n < BLOCKS + 10; n++) { /* another branch from FORK_AT */
    pause_a_little();
    exec_block(n, 2, &e);
    if (dev_beacon_add(b, &e)) atomic_fetch_add(&bad, 1);
  }
  atomic_store(&done, true);
  return NULL;
}

static void *reader(void *arg) {
  int kind = (int)(intptr_t)arg;
  const beacon_config_t *c = dev_beacon_config();
  uint64_t now = beacon_slot_at_time(c, (uint64_t)time(NULL));
  lc_store_t *s = calloc(1, sizeof *s);
  beacon_lc_bootstrap_t *bs = malloc(sizeof *bs);
  beacon_lc_update_t *u = malloc(sizeof *u);
  beacon_lc_optimistic_update_t *o = malloc(sizeof *o);
  beacon_lc_finality_update_t *f = malloc(sizeof *f);
  uint8_t r0[32];
  while (dev_beacon_header(b, 0, NULL, r0)) sched_yield();
  /* a store from block 0 that learns the committee from the first update */
  const char *why = NULL;
  if (dev_beacon_bootstrap(b, 0, bs) || lc_store_init(s, c, r0, bs, &why)) atomic_fetch_add(&bad, 1);
  uint64_t period = beacon_period_at_slot(c, dev_beacon_slot(b, 0));
  bool first = true;
  while (!atomic_load(&done)) {
    int rc = 0;
    if (kind == 0 || first) {
      rc = dev_beacon_update(b, period, u);
      if (!rc) rc = lc_validate_update(s, c, u, now, &why);
      if (!rc && first) rc = lc_process_update(s, c, u, now, &why), first = false;
    } else if (kind == 1) {
      rc = dev_beacon_finality_update(b, f);
      if (!rc && f->attested_header.beacon.slot > s->finalized_header.beacon.slot) {
        lc_store_t copy = *s;
        rc = lc_process_finality_update(&copy, c, f, now, &why);
      }
    } else {
      rc = dev_beacon_optimistic_update(b, o);
      uint64_t head = 0, number = 0;
      uint8_t root[32];
      if (!rc && !dev_beacon_head(b, &head) && !dev_beacon_header(b, head, NULL, root))
        (void)dev_beacon_find_root(b, root, &number); /* may have moved meanwhile */
      if (!rc && o->attested_header.beacon.slot > s->finalized_header.beacon.slot) {
        lc_store_t copy = *s;
        rc = lc_process_optimistic_update(&copy, c, o, now, &why);
      }
    }
    if (rc) {
      fprintf(stderr, "reader %d: %d %s\n", kind, rc, why ? why : "");
      atomic_fetch_add(&bad, 1);
    }
    atomic_fetch_add(&made, 1);
  }
  free(s), free(bs), free(u), free(o), free(f);
  return NULL;
}

int main(void) {
  b = dev_beacon_new(((uint64_t)time(NULL) - 10000) / 8192 * 8192 + DEV_BEACON_SLACK); /* a period's first slot */
  CHECK(b != NULL);
  if (!b) return check_summary();
  pthread_t w, r[3];
  for (int i = 0; i < 3; i++) pthread_create(&r[i], NULL, reader, (void *)(intptr_t)i);
  pthread_create(&w, NULL, writer, NULL);
  pthread_join(w, NULL);
  for (int i = 0; i < 3; i++) pthread_join(r[i], NULL);
  CHECK(atomic_load(&bad) == 0);
  CHECK(dev_beacon_count(b) == BLOCKS + 10);
  printf("%d updates made and checked beside the writer\n", atomic_load(&made));
  dev_beacon_free(b);
  return check_summary();
}
