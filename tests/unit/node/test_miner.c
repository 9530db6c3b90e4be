/* The node's miner (src/node/miner.h) from several threads at once, as the node
 * runs it: two threads pool transactions through the automine wrapper (each
 * add mines), one mines on demand, and a libuv loop on its own thread mines on
 * an interval timer, all on the rpc-compat chain. At the end every transaction
 * is in a block, the pool is empty and the head is a chain of valid blocks with
 * increasing timestamps. Also under TSan (tsan.test_miner). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "miner_threads.h"
#include "node/miner.h"

#define PER_THREAD 12

/* funded in the rpc-compat genesis: 0x0c2c51a0990aee1d73c1228de158688341557508 */
static const char *const KEY = "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850";

static chain_t *chain;
static rpc_txpool_t pool_api;
static miner_t *miner;
static atomic_uint_fast64_t next_nonce;
static atomic_int add_failures;
static atomic_bool adders_done;
static uv_async_t stop_async;

static size_t sign(uint64_t nonce, uint8_t **out) {
  tx_t tx = {0};
  uint8_t key[32];
  if (hex_decode_fixed(KEY, true, key, 32)) return 0;
  tx.type = TX_DYNAMIC_FEE;
  tx.has_chain_id = true;
  tx.chain_id = chain_config(chain)->chain_id;
  tx.nonce = nonce;
  tx.gas_limit = 21000;
  tx.gas_price = tx.max_fee_per_gas = u256_from_u64(1000000000ULL);
  tx.max_priority_fee_per_gas = u256_from_u64(1000);
  tx.has_to = true;
  memset(tx.to.bytes, 0xaa, 20);
  tx.value = u256_from_u64(1);
  bytes_buf_t b = {0};
  if (tx_sign(&tx, key) || tx_encode(&tx, &b)) return bytes_buf_free(&b), 0;
  *out = b.data;
  return b.len;
}

static void *adder(void *arg) {
  (void)arg;
  for (int i = 0; i < PER_THREAD; i++) {
    uint8_t *raw = NULL;
    size_t len = sign(atomic_fetch_add(&next_nonce, 1), &raw);
    char err[160] = "";
    ethc_hash_t h;
    if (!len || pool_api.add(pool_api.ctx, raw, len, &h, err, sizeof err)) {
      fprintf(stderr, "add: %s\n", err);
      atomic_fetch_add(&add_failures, 1);
    }
    free(raw);
  }
  return NULL;
}

static void on_stop(uv_async_t *a) {
  miner_stop(miner);
  uv_close((uv_handle_t *)a, NULL);
}

static void *loop_thread(void *arg) {
  uv_run(arg, UV_RUN_DEFAULT);
  return NULL;
}

int main(void) {
  char err[512];
  miner_fixture_t f;
  node_miner_opts_t mo = {.on = true, .automine = true, .period = 1};
  if (!miner_fixture_open(&f, &mo)) {
    miner_fixture_free(&f);
    return check_summary();
  }
  chain = f.chain;
  miner = f.miner;
  txpool_t *pool = f.pool;
  uint64_t start = f.start;
  ethc_address_t from;
  CHECK(hex_decode_fixed("0x0c2c51a0990aee1d73c1228de158688341557508", true, from.bytes, 20) == 0);
  chain_snapshot_t *snap = chain_snapshot_head(chain);
  state_t *st = chain_snapshot_state(snap);
  uint64_t nonce0 = state_get_nonce(st, &from);
  state_free(st);
  chain_snapshot_release(snap);
  atomic_init(&next_nonce, nonce0);

  rpc_txpool_t inner = txpool_rpc(pool);
  pool_api = miner_wrap_pool(miner, &inner);
  uv_loop_t loop;
  CHECK(uv_loop_init(&loop) == 0);
  CHECK(miner_start(miner, &loop) == 0);
  CHECK(uv_async_init(&loop, &stop_async, on_stop) == 0);
  pthread_t lt, a1, a2, md;
  mine_thread_t on_demand = {.miner = miner, .blocks = 2, .stop = &adders_done, .pause_us = 20000};
  CHECK(pthread_create(&lt, NULL, loop_thread, &loop) == 0);
  CHECK(pthread_create(&a1, NULL, adder, NULL) == 0);
  CHECK(pthread_create(&a2, NULL, adder, NULL) == 0);
  CHECK(pthread_create(&md, NULL, mine_thread, &on_demand) == 0);
  pthread_join(a1, NULL);
  pthread_join(a2, NULL);
  sleep(2); /* at least one interval block */
  atomic_store(&adders_done, true);
  pthread_join(md, NULL);
  uv_async_send(&stop_async);
  pthread_join(lt, NULL);
  CHECK(uv_loop_close(&loop) == 0);
  /* whatever arrived out of nonce order and waited is mined now */
  CHECK_MSG(miner_mine(miner, 1, 0, 1, false, err, sizeof err) == 0, "%s", err);
  CHECK(atomic_load(&add_failures) == 0 && atomic_load(&on_demand.failures) == 0);

  size_t pending = 9, queued = 9;
  txpool_counts(pool, &pending, &queued);
  CHECK_MSG(pending == 0 && queued == 0, "pool: %zu pending, %zu queued", pending, queued);
  snap = chain_snapshot_head(chain);
  st = chain_snapshot_state(snap);
  CHECK_MSG(state_get_nonce(st, &from) == nonce0 + 2 * PER_THREAD, "nonce %llu",
            (unsigned long long)state_get_nonce(st, &from));
  state_free(st);
  chain_snapshot_release(snap);
  uint64_t txs = 0, head = check_mined_chain(chain, start, &txs);
  CHECK(head > start + 2);
  CHECK_MSG(txs == 2 * PER_THREAD, "%llu transactions in the mined blocks", (unsigned long long)txs);
  printf("%llu blocks mined\n", (unsigned long long)(head - start));
  miner_fixture_free(&f);
  return check_summary();
}
