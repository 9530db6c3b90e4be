/* The node's miner (miner.h). Every block goes through miner_mine under one
 * mutex: a block on the head (block_builder.h) with the pool's pending
 * transactions in inclusion order (txpool_pending_ordered), stored with the
 * state and receipts its building computed (block_built_store: executed once;
 * the builder applies import's rules), then the pool drops what the block
 * included (txpool_sync). Automine mines on the RPC thread whose
 * eth_sendRawTransaction pooled the transaction, interval mining on a libuv
 * worker queued by a loop timer, so the loop never waits for a block.
 * Timestamps: the next one set (evm_setNextBlockTimestamp), the parent's plus
 * a set interval, or the wall clock plus the offset (evm_increaseTime), and at
 * least the parent's + 1; the test helpers' settings are in miner_dev.c. */
#include "node/miner.h"
#include "node/miner_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/block_builder.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/log.h"


miner_t *miner_new(chain_t *chain, txpool_t *pool, const node_miner_opts_t *o) {
  miner_t *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->chain = chain;
  m->pool = pool;
  pthread_mutex_init(&m->lock, NULL);
  pthread_mutex_init(&m->wake_lock, NULL);
  atomic_init(&m->automine, o->automine);
  atomic_init(&m->period, o->period);
  m->gas_limit = o->gas_limit;
  m->coinbase = o->coinbase;
  miner_settings_init(m);
  m->next_snap_id = 1;
  return m;
}

void miner_settings_init(miner_t *m) {
  memset(&m->set, 0, sizeof m->set);
  m->set.coinbase = m->coinbase;
}

/* ---- one block ---- */

/* Builds and stores one block at `ts` on `head`. Caller holds m->lock. */
static int mine_one(miner_t *m, chain_snapshot_t *head, uint64_t ts, bool skip_empty, char *err, size_t errlen) {
  block_attrs_t a = {.timestamp = ts,
                     .fee_recipient = m->set.coinbase,
                     .gas_limit_target = m->gas_limit,
                     .gas_limit = m->set.gas_limit,
                     .has_base_fee = m->set.has_base_fee,
                     .base_fee = m->set.base_fee};
  /* PREVRANDAO: not a beacon chain's, but not constant either */
  if (m->set.has_prev_randao) a.prev_randao = m->set.prev_randao;
  else keccak256(chain_snapshot_hash(head)->bytes, 32, a.prev_randao.bytes);
  if (m->beacon_root && m->beacon_root(m->beacon_ctx, chain_snapshot_hash(head), &a.parent_beacon_root)) {
    memset(&a.parent_beacon_root, 0, sizeof a.parent_beacon_root);
    ethc_log(ETHC_LOG_WARN, "miner: no beacon root for the parent block: using zero");
  }
  block_builder_t *b = NULL;
  int rc = block_builder_new(m->chain, chain_snapshot_hash(head), &a, &b, err, errlen);
  if (rc) return rc;
  txpool_pick_t *picks = NULL;
  size_t n = 0;
  rc = txpool_pending_ordered(m->pool, &block_builder_header(b)->base_fee, &picks, &n);
  for (size_t i = 0; i < n && !rc; i++) {
    if (picks[i].gas_limit > block_builder_gas_left(b)) continue;
    char why[200];
    rc = picks[i].forced /* an impersonated sender's: its signature is a placeholder */
             ? block_builder_add_tx_from(b, picks[i].raw, picks[i].len, &picks[i].from, NULL, why, sizeof why)
             : block_builder_add_tx(b, picks[i].raw, picks[i].len, NULL, why, sizeof why);
    if (rc == ETHC_ERR_INVALID) {
      char h[67];
      ethc_log(ETHC_LOG_DEBUG, "miner: left out %s: %s", hex_encode(picks[i].hash.bytes, 32, h), why);
      rc = 0;
    }
  }
  txpool_picks_free(picks, n);
  if (rc) {
    block_builder_free(b);
    return snprintf(err, errlen, "cannot build a block: %s", ethc_strerror(rc)), rc;
  }
  if (skip_empty && block_builder_tx_count(b) == 0) {
    block_builder_free(b);
    return 0;
  }
  block_built_t blk;
  rc = block_builder_finish(b, &blk);
  if (rc) {
    block_builder_free(b);
    return snprintf(err, errlen, "cannot finish a block: %s", ethc_strerror(rc)), rc;
  }
  chain_import_result_t res;
  rc = block_built_store(b, &blk, &res); /* the builder's state and receipts: no second execution */
  block_builder_free(b);
  if (rc) /* the builder's state is not its header's: ethc's bug, or a local failure */
    snprintf(err, errlen, "the mined block #%llu was not stored: %s", (unsigned long long)blk.header.number,
             ethc_strerror(rc));
  else {
    if (m->set.has_base_fee) txpool_set_next_base_fee(m->pool, NULL);
    m->set.has_base_fee = m->set.has_prev_randao = false; /* the next block's only */
    ethc_log(ETHC_LOG_INFO, "mined block #%llu (%zu transactions, %llu gas)", (unsigned long long)blk.header.number,
             blk.tx_count, (unsigned long long)blk.header.gas_used);
  }
  block_built_free(&blk);
  txpool_sync(m->pool); /* drops what the block included */
  return rc;
}

int miner_mine(miner_t *m, uint64_t count, uint64_t timestamp, uint64_t interval, bool skip_empty, char *err,
               size_t errlen) {
  if (interval == 0) interval = 1; /* post-merge timestamps strictly increase */
  pthread_mutex_lock(&m->lock);
  int rc = 0;
  for (uint64_t i = 0; i < count && !rc; i++) {
    chain_snapshot_t *head = chain_snapshot_head(m->chain);
    uint64_t parent_ts = chain_snapshot_header(head)->timestamp, ts;
    int64_t now = (int64_t)time(NULL);
    if (i == 0 && !timestamp && m->set.next_timestamp) timestamp = m->set.next_timestamp;
    if (i == 0 && timestamp) {
      ts = timestamp;
      if (ts <= parent_ts) {
        snprintf(err, errlen, "timestamp %llu is not after the head's (%llu)", (unsigned long long)ts,
                 (unsigned long long)parent_ts);
        rc = ETHC_ERR_INVALID;
      }
    } else if (i == 0 && m->set.ts_interval) {
      ts = parent_ts + m->set.ts_interval;
    } else if (i == 0) {
      int64_t t = now + m->set.time_offset;
      ts = t > 0 && (uint64_t)t > parent_ts ? (uint64_t)t : parent_ts + 1;
    } else /* the call's interval, or the chain's when the call gave none */
      ts = parent_ts + (interval <= 1 && m->set.ts_interval ? m->set.ts_interval : interval);
    if (!rc && i == 0 && timestamp) { /* the clock goes on from the chosen time (anvil, Hardhat) */
      m->set.next_timestamp = 0;
      m->set.time_offset = (int64_t)ts - now;
    }
    if (!rc) rc = mine_one(m, head, ts, skip_empty, err, errlen);
    chain_snapshot_release(head);
  }
  pthread_mutex_unlock(&m->lock);
  return rc;
}

/* ---- interval mining on the loop ---- */

static void work_mine(uv_work_t *w) {
  miner_t *m = w->data;
  char err[320] = "";
  if (miner_mine(m, 1, 0, 1, false, err, sizeof err)) ethc_log(ETHC_LOG_ERROR, "miner: %s", err);
}

static void work_done(uv_work_t *w, int status) {
  (void)status;
  ((miner_t *)w->data)->work_busy = false;
}

static void on_tick(uv_timer_t *t) {
  miner_t *m = t->data;
  if (m->work_busy) return; /* the last block is still being made: skip a beat */
  m->work_busy = true;
  if (uv_queue_work(m->loop, &m->work, work_mine, work_done)) m->work_busy = false;
}

static void apply_period(miner_t *m) {
  uint64_t s = atomic_load(&m->period);
  uv_timer_stop(&m->timer);
  if (s) uv_timer_start(&m->timer, on_tick, s * 1000, s * 1000);
}

static void on_wake(uv_async_t *a) { apply_period(a->data); }

int miner_start(miner_t *m, uv_loop_t *loop) {
  m->loop = loop;
  m->timer.data = m->wake.data = m->work.data = m;
  int rc = uv_timer_init(loop, &m->timer);
  if (!rc) rc = uv_async_init(loop, &m->wake, on_wake);
  if (rc) return rc;
  pthread_mutex_lock(&m->wake_lock);
  m->wake_open = true;
  pthread_mutex_unlock(&m->wake_lock);
  apply_period(m);
  return 0;
}

void miner_stop(miner_t *m) {
  if (!m || !m->loop) return;
  pthread_mutex_lock(&m->wake_lock);
  bool open = m->wake_open;
  m->wake_open = false;
  pthread_mutex_unlock(&m->wake_lock);
  if (!open) return;
  uv_timer_stop(&m->timer);
  uv_close((uv_handle_t *)&m->timer, NULL);
  uv_close((uv_handle_t *)&m->wake, NULL);
}

void miner_free(miner_t *m) {
  if (!m) return;
  free(m->snaps);
  pthread_mutex_destroy(&m->lock);
  pthread_mutex_destroy(&m->wake_lock);
  free(m);
}

void miner_set_beacon_root(miner_t *m, miner_beacon_root_fn fn, void *ctx) {
  pthread_mutex_lock(&m->lock);
  m->beacon_root = fn;
  m->beacon_ctx = ctx;
  pthread_mutex_unlock(&m->lock);
}

/* ---- the RPC side ---- */

static int rpc_mine(void *ctx, uint64_t count, uint64_t timestamp, uint64_t interval, char *err, size_t errlen) {
  return miner_mine(ctx, count, timestamp, interval, false, err, errlen);
}

static void rpc_set_automine(void *ctx, bool on) { atomic_store(&((miner_t *)ctx)->automine, on); }
static bool rpc_automine(void *ctx) { return atomic_load(&((miner_t *)ctx)->automine); }

static void rpc_set_interval(void *ctx, uint64_t seconds) {
  miner_t *m = ctx;
  atomic_store(&m->period, seconds);
  pthread_mutex_lock(&m->wake_lock);
  if (m->wake_open) uv_async_send(&m->wake);
  pthread_mutex_unlock(&m->wake_lock);
}

rpc_miner_t miner_rpc(miner_t *m) {
  rpc_miner_t r = {.ctx = m,
                   .mine = rpc_mine,
                   .set_automine = rpc_set_automine,
                   .automine = rpc_automine,
                   .set_interval = rpc_set_interval};
  miner_dev_rpc(m, &r);
  return r;
}

/* The pool's add, then (automine) a block with what it holds now. */
static int automine_add(void *ctx, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen) {
  miner_t *m = ctx;
  int rc = m->inner.add(m->inner.ctx, raw, len, hash, err, errlen);
  if (rc || !atomic_load(&m->automine)) return rc;
  char why[320] = "";
  if (miner_mine(m, 1, 0, 1, true, why, sizeof why)) ethc_log(ETHC_LOG_ERROR, "miner: %s", why);
  return 0; /* pooled either way */
}

int miner_forced_add(void *ctx, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash, char *err,
                     size_t errlen) {
  miner_t *m = ctx;
  int rc = txpool_add_forced(m->pool, tx, from, hash, err, errlen);
  if (rc || !atomic_load(&m->automine)) return rc;
  char why[320] = "";
  if (miner_mine(m, 1, 0, 1, true, why, sizeof why)) ethc_log(ETHC_LOG_ERROR, "miner: %s", why);
  return 0; /* pooled either way */
}

static void wrapped_each(void *ctx, bool pending, const ethc_address_t *from,
                         void (*fn)(void *arg, const rpc_pool_tx_t *t), void *arg) {
  miner_t *m = ctx;
  m->inner.each(m->inner.ctx, pending, from, fn, arg);
}

static uint64_t wrapped_pending_nonce(void *ctx, const ethc_address_t *a, uint64_t state_nonce) {
  miner_t *m = ctx;
  return m->inner.pending_nonce(m->inner.ctx, a, state_nonce);
}

rpc_txpool_t miner_wrap_pool(miner_t *m, const rpc_txpool_t *inner) {
  m->inner = *inner;
  return (rpc_txpool_t){.ctx = m, .add = automine_add, .each = wrapped_each, .pending_nonce = wrapped_pending_nonce};
}
