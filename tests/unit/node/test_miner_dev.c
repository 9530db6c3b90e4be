/* The miner's test helpers (miner_dev.c) from several threads at once, as RPC
 * threads call them while blocks are mined: one thread mines on demand, one
 * edits the head's state (anvil_setBalance) and moves the clock, one takes
 * snapshots and reverts to them, and readers read head snapshots all along,
 * on the rpc-compat chain. At the end the last edit shows in the head's state
 * and the head is a chain of blocks with increasing timestamps. Also under
 * TSan (tsan.test_miner_dev). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "miner_threads.h"
#include "node/miner.h"

#define ROUNDS 25

static chain_t *chain;
static miner_t *miner;
static rpc_miner_t api;
static ethc_address_t target;
static atomic_int failures;
static atomic_bool done;

static int set_balance(void *ctx, state_t *st) {
  u256_t v = u256_from_u64((uint64_t)(uintptr_t)ctx);
  return state_set_balance(st, &target, &v);
}

static void *editor(void *arg) {
  (void)arg;
  for (uintptr_t i = 1; i <= ROUNDS; i++) {
    char err[256] = "";
    if (api.edit_state(api.ctx, set_balance, (void *)i, err, sizeof err)) {
      fprintf(stderr, "edit: %s\n", err);
      atomic_fetch_add(&failures, 1);
    }
    api.increase_time(api.ctx, 1);
    api.set_next_base_fee(api.ctx, &(u256_t){{1000 + i, 0, 0, 0}});
  }
  return NULL;
}

static void *snapshotter(void *arg) {
  (void)arg;
  for (int i = 0; i < ROUNDS / 5; i++) {
    uint64_t id = api.snapshot(api.ctx);
    usleep(2000);
    bool reverted = false;
    char err[256] = "";
    if (!id || api.revert(api.ctx, id, &reverted, err, sizeof err) || !reverted) {
      fprintf(stderr, "revert: %s\n", err);
      atomic_fetch_add(&failures, 1);
    }
  }
  return NULL;
}

static void *reader(void *arg) {
  (void)arg;
  while (!atomic_load(&done)) {
    chain_snapshot_t *s = chain_snapshot_head(chain);
    state_t *st = chain_snapshot_state(s);
    u256_t b;
    state_get_balance(st, &target, &b);
    if (state_error(st)) atomic_fetch_add(&failures, 1);
    state_free(st);
    chain_snapshot_release(s);
  }
  return NULL;
}

int main(void) {
  char err[512];
  memset(target.bytes, 0x7e, 20);
  miner_fixture_t f;
  node_miner_opts_t mo = {.on = true, .automine = true};
  if (!miner_fixture_open(&f, &mo)) {
    miner_fixture_free(&f);
    return check_summary();
  }
  chain = f.chain;
  miner = f.miner;
  api = miner_rpc(miner);
  pthread_t m, e, s, r1, r2;
  mine_thread_t mining = {.miner = miner, .blocks = 1, .rounds = ROUNDS};
  CHECK(pthread_create(&r1, NULL, reader, NULL) == 0);
  CHECK(pthread_create(&r2, NULL, reader, NULL) == 0);
  CHECK(pthread_create(&m, NULL, mine_thread, &mining) == 0);
  CHECK(pthread_create(&e, NULL, editor, NULL) == 0);
  CHECK(pthread_create(&s, NULL, snapshotter, NULL) == 0);
  pthread_join(m, NULL);
  pthread_join(e, NULL);
  pthread_join(s, NULL);
  /* the last edit, made after everything else: it shows, and the next block keeps it */
  CHECK(api.edit_state(api.ctx, set_balance, (void *)(uintptr_t)4242, err, sizeof err) == 0);
  CHECK_MSG(miner_mine(miner, 1, 0, 1, false, err, sizeof err) == 0, "%s", err);
  atomic_store(&done, true);
  pthread_join(r1, NULL);
  pthread_join(r2, NULL);
  CHECK(atomic_load(&failures) == 0 && atomic_load(&mining.failures) == 0);
  chain_snapshot_t *snap = chain_snapshot_head(chain);
  state_t *st = chain_snapshot_state(snap);
  u256_t b;
  state_get_balance(st, &target, &b);
  CHECK_MSG(b.w[0] == 4242, "balance %llu", (unsigned long long)b.w[0]);
  state_free(st);
  chain_snapshot_release(snap);
  uint64_t head = check_mined_chain(chain, f.start, NULL);
  CHECK(head > f.start);
  printf("%llu blocks on the head\n", (unsigned long long)(head - f.start));
  miner_fixture_free(&f);
  return check_summary();
}
