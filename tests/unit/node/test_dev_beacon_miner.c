/* The dev beacon side wired to a real miner (--dev.beacon): the miner asks it
 * for each parent's beacon root (miner_set_beacon_root, EIP-4788) while two
 * threads serve light-client requests as the beacon API's HTTP threads do
 * (catching up with the chain, signing the head, bootstraps by root). Every
 * mined block must name its parent's beacon root, and every optimistic update
 * attest a canonical block. On the rpc-compat chain (chain_fixture.h; skipped
 * without it); built with ThreadSanitizer as tsan.test_dev_beacon_miner. */
#include <pthread.h>

#include "ethc/dev_beacon.h"
#include "miner_threads.h"

static dev_beacon_t *beacon;
static chain_t *chain;
static atomic_bool stop;
static atomic_int bad, served;

static int parent_root(void *ctx, const ethc_hash_t *parent, ethc_hash_t *out) {
  (void)ctx;
  return dev_beacon_root_of(beacon, chain, parent, out->bytes);
}

static void *serve(void *arg) {
  (void)arg;
  beacon_lc_optimistic_update_t *o = malloc(sizeof *o);
  beacon_lc_bootstrap_t *bs = malloc(sizeof *bs);
  while (!atomic_load(&stop)) {
    int rc = dev_beacon_follow(beacon, chain);
    if (!rc) rc = dev_beacon_optimistic_update(beacon, o);
    uint64_t head = 0, number = 0;
    uint8_t root[32];
    if (!rc && !dev_beacon_head(beacon, &head) && !dev_beacon_header(beacon, head, NULL, root) &&
        !dev_beacon_find_root(beacon, root, &number))
      rc = dev_beacon_bootstrap(beacon, number, bs);
    if (rc) {
      fprintf(stderr, "serve: %d\n", rc);
      atomic_fetch_add(&bad, 1);
    }
    atomic_fetch_add(&served, 1);
  }
  free(o);
  free(bs);
  return NULL;
}

int main(void) {
  miner_fixture_t f;
  node_miner_opts_t mo = {.on = true};
  if (!miner_fixture_open(&f, &mo)) {
    miner_fixture_free(&f);
    return check_summary();
  }
  chain = f.chain;
  chain_header_t g;
  CHECK(chain_read_header_by_number(chain, 0, &g, NULL) == 0);
  beacon = dev_beacon_new(g.timestamp);
  CHECK(beacon != NULL);
  if (!beacon) {
    miner_fixture_free(&f);
    return check_summary();
  }
  miner_set_beacon_root(f.miner, parent_root, NULL);
  pthread_t t[2], m;
  for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, serve, NULL);
  mine_thread_t mt = {.miner = f.miner, .blocks = 3, .rounds = 15, .pause_us = 2000};
  pthread_create(&m, NULL, mine_thread, &mt);
  pthread_join(m, NULL);
  atomic_store(&stop, true);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  CHECK(atomic_load(&mt.failures) == 0);
  CHECK(atomic_load(&bad) == 0);
  uint64_t head = check_mined_chain(chain, f.start, NULL);
  CHECK(head == f.start + 45);
  /* each mined block names its parent's beacon root */
  CHECK(dev_beacon_follow(beacon, chain) == 0 && dev_beacon_count(beacon) == head + 1);
  for (uint64_t n = f.start + 1; n <= head; n++) {
    chain_header_t h;
    uint8_t root[32];
    CHECK(chain_read_header_by_number(chain, n, &h, NULL) == 0 && dev_beacon_header(beacon, n - 1, NULL, root) == 0);
    CHECK_MSG(h.has_parent_beacon_root && !memcmp(h.parent_beacon_root.bytes, root, 32), "block %llu",
              (unsigned long long)n);
  }
  printf("%d requests served beside the miner\n", atomic_load(&served));
  miner_set_beacon_root(f.miner, NULL, NULL);
  dev_beacon_free(beacon);
  miner_fixture_free(&f);
  return check_summary();
}
