/* The miner's state, shared by miner.c (mining) and miner_dev.c (the test
 * helpers: state edits, snapshots, time and next-block settings). Not a public
 * header. */
#ifndef ETHC_NODE_MINER_INTERNAL_H
#define ETHC_NODE_MINER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/rpc.h"
#include "ethc/rpc_miner.h"
#include "ethc/u256.h"
#include "node/txpool.h"

/* What the next blocks are built with, besides the pool (under the miner's lock). */
typedef struct {
  int64_t time_offset;     /* seconds added to the wall clock (evm_increaseTime) */
  uint64_t next_timestamp; /* the next block's exact timestamp; 0: none */
  uint64_t ts_interval;    /* each block this many seconds after its parent; 0: the clock */
  ethc_address_t coinbase;
  uint64_t gas_limit; /* the blocks' exact gas limit; 0: toward the node's target */
  bool has_base_fee;  /* the next block's base fee */
  u256_t base_fee;
  bool has_prev_randao; /* the next block's PREVRANDAO */
  ethc_hash_t prev_randao;
} miner_settings_t;

/* An evm_snapshot: the head, its state, and the settings of that moment. */
typedef struct {
  uint64_t id;
  ethc_hash_t head;
  ethc_hash_t root;
  miner_settings_t settings;
} miner_snapshot_t;

struct miner {
  chain_t *chain;
  txpool_t *pool;
  pthread_mutex_t lock; /* one build, import or edit at a time; guards what follows to `inner` */
  atomic_bool automine;
  _Atomic uint64_t period; /* seconds; 0: no interval mining */
  uint64_t gas_limit;
  ethc_address_t coinbase;
  miner_settings_t set;
  miner_snapshot_t *snaps; /* ids increasing */
  size_t snap_count, snap_cap;
  uint64_t next_snap_id;
  rpc_txpool_t inner; /* the pool's interface, for the automine wrapper */
  /* the loop's side */
  uv_loop_t *loop;
  uv_timer_t timer;
  uv_async_t wake; /* the period changed (from an RPC thread) */
  uv_work_t work;  /* one interval block */
  bool work_busy;  /* loop thread only */
  pthread_mutex_t wake_lock;
  bool wake_open; /* under wake_lock: uv_async_send is allowed */
  /* under lock: the next blocks' parent beacon root (miner_set_beacon_root), or NULL */
  int (*beacon_root)(void *ctx, const ethc_hash_t *parent, ethc_hash_t *out);
  void *beacon_ctx;
};

/* The settings a fresh node starts with (and anvil_reset restores). */
void miner_settings_init(miner_t *m);
/* Sets r's test-helper functions (miner_dev.c), bound to m (r->ctx). */
void miner_dev_rpc(miner_t *m, rpc_miner_t *r);

#endif
