/* The miner's test helpers (rpc_miner.h, as anvil and Hardhat define them):
 * head state edits (chain_edit_head_state), evm_snapshot / evm_revert over the
 * head, its effective state root and the next blocks' settings, anvil_reset
 * to the genesis, the clock's offset and the next block's choices, and
 * dropping pooled transactions. Each runs under the miner's lock, so an edit
 * never lands in the middle of a block being built and stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "node/miner.h"
#include "node/miner_internal.h"

static int edit_state(void *ctx, chain_edit_fn fn, void *arg, char *err, size_t errlen) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  int rc = chain_edit_head_state(m->chain, fn, arg);
  pthread_mutex_unlock(&m->lock);
  if (rc) snprintf(err, errlen, "cannot change the state: %s", ethc_strerror(rc));
  else txpool_resync(m->pool); /* nonces and balances may have changed */
  return rc;
}

static uint64_t take_snapshot(void *ctx) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  uint64_t id = 0;
  if (m->snap_count == m->snap_cap) {
    size_t cap = m->snap_cap ? m->snap_cap * 2 : 16;
    miner_snapshot_t *s = realloc(m->snaps, cap * sizeof *s);
    if (s) m->snaps = s, m->snap_cap = cap;
  }
  if (m->snap_count < m->snap_cap) {
    chain_snapshot_t *head = chain_snapshot_head(m->chain);
    miner_snapshot_t *s = &m->snaps[m->snap_count++];
    s->id = id = m->next_snap_id++;
    s->head = *chain_snapshot_hash(head);
    s->root = *chain_snapshot_state_root(head);
    s->settings = m->set;
    chain_snapshot_release(head);
  }
  pthread_mutex_unlock(&m->lock);
  return id;
}

/* Makes (hash, root) the head again; the pool puts back nothing from the
 * blocks it drops (a revert is no reorganisation: anvil and Hardhat forget
 * those transactions). Caller holds the lock. */
static int restore_head(miner_t *m, const ethc_hash_t *hash, const ethc_hash_t *root) {
  txpool_expect_head(m->pool, hash);
  int rc = chain_set_state_root(m->chain, hash, root);
  if (!rc) rc = chain_set_head(m->chain, hash, NULL, NULL);
  return rc;
}

static int revert(void *ctx, uint64_t id, bool *done, char *err, size_t errlen) {
  miner_t *m = ctx;
  *done = false;
  pthread_mutex_lock(&m->lock);
  size_t i = 0;
  while (i < m->snap_count && m->snaps[i].id != id) i++;
  int rc = 0;
  if (i < m->snap_count) {
    miner_snapshot_t s = m->snaps[i];
    m->snap_count = i; /* it and every later one are used up */
    rc = restore_head(m, &s.head, &s.root);
    if (rc) snprintf(err, errlen, "cannot revert to snapshot %llu: %s", (unsigned long long)id, ethc_strerror(rc));
    else {
      m->set = s.settings;
      txpool_set_next_base_fee(m->pool, m->set.has_base_fee ? &m->set.base_fee : NULL);
      txpool_set_block_gas_limit(m->pool, m->set.gas_limit);
      *done = true;
    }
  }
  pthread_mutex_unlock(&m->lock);
  if (*done) txpool_resync(m->pool);
  return rc;
}

static int reset(void *ctx, char *err, size_t errlen) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  ethc_hash_t genesis;
  chain_header_t h;
  int rc = chain_read_canonical_hash(m->chain, 0, &genesis);
  if (!rc) rc = chain_read_header_by_hash(m->chain, &genesis, &h);
  if (!rc) rc = restore_head(m, &genesis, &h.state_root);
  if (!rc) {
    m->snap_count = 0;
    miner_settings_init(m);
    txpool_set_next_base_fee(m->pool, NULL);
    txpool_set_block_gas_limit(m->pool, 0);
  }
  pthread_mutex_unlock(&m->lock);
  if (rc) snprintf(err, errlen, "cannot reset the chain: %s", ethc_strerror(rc));
  else txpool_clear(m->pool);
  return rc;
}

/* The next block comes `seconds` after the later of the clock and the head:
 * timestamps strictly increase, so a chain mined faster than one block a
 * second runs ahead of the clock, and that lead must not eat the increase
 * (anvil, whose blocks may share a timestamp, has none). */
static int64_t increase_time(void *ctx, int64_t seconds) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  chain_snapshot_t *head = chain_snapshot_head(m->chain);
  int64_t parent_ts = (int64_t)chain_snapshot_header(head)->timestamp;
  chain_snapshot_release(head);
  int64_t now = (int64_t)time(NULL);
  if (seconds > 0 && parent_ts > now + m->set.time_offset) m->set.time_offset = parent_ts - now;
  int64_t total = m->set.time_offset += seconds;
  pthread_mutex_unlock(&m->lock);
  return total;
}

static int set_next_timestamp(void *ctx, uint64_t ts, char *err, size_t errlen) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  chain_snapshot_t *head = chain_snapshot_head(m->chain);
  uint64_t parent_ts = chain_snapshot_header(head)->timestamp;
  chain_snapshot_release(head);
  int rc = 0;
  if (ts <= parent_ts) {
    snprintf(err, errlen, "timestamp %llu is not after the head's (%llu)", (unsigned long long)ts,
             (unsigned long long)parent_ts);
    rc = ETHC_ERR_INVALID;
  } else m->set.next_timestamp = ts;
  pthread_mutex_unlock(&m->lock);
  return rc;
}

static bool set_timestamp_interval(void *ctx, uint64_t seconds) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  bool had = m->set.ts_interval != 0;
  m->set.ts_interval = seconds;
  pthread_mutex_unlock(&m->lock);
  return had;
}

static void set_coinbase(void *ctx, const ethc_address_t *a) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  m->set.coinbase = *a;
  pthread_mutex_unlock(&m->lock);
}

static void set_next_base_fee(void *ctx, const u256_t *fee) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  m->set.has_base_fee = true;
  m->set.base_fee = *fee;
  txpool_set_next_base_fee(m->pool, fee); /* a transaction paying that much is pooled */
  pthread_mutex_unlock(&m->lock);
}

static void set_prev_randao(void *ctx, const ethc_hash_t *r) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  m->set.has_prev_randao = true;
  m->set.prev_randao = *r;
  pthread_mutex_unlock(&m->lock);
}

static void set_gas_limit(void *ctx, uint64_t gas) {
  miner_t *m = ctx;
  pthread_mutex_lock(&m->lock);
  m->set.gas_limit = gas;
  txpool_set_block_gas_limit(m->pool, gas);
  pthread_mutex_unlock(&m->lock);
}

static bool drop_tx(void *ctx, const ethc_hash_t *hash) { return txpool_drop(((miner_t *)ctx)->pool, hash); }
static void drop_all(void *ctx) { txpool_clear(((miner_t *)ctx)->pool); }

void miner_dev_rpc(miner_t *m, rpc_miner_t *r) {
  (void)m;
  r->edit_state = edit_state;
  r->snapshot = take_snapshot;
  r->revert = revert;
  r->reset = reset;
  r->increase_time = increase_time;
  r->set_next_timestamp = set_next_timestamp;
  r->set_timestamp_interval = set_timestamp_interval;
  r->set_coinbase = set_coinbase;
  r->set_next_base_fee = set_next_base_fee;
  r->set_prev_randao = set_prev_randao;
  r->set_gas_limit = set_gas_limit;
  r->drop_tx = drop_tx;
  r->drop_all = drop_all;
}
