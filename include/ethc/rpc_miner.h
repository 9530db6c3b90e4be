/* The miner as the RPC methods of the evm, anvil and hardhat namespaces see it
 * (the node's miner implements it; the rpc layer may not link the node's):
 * mining blocks on demand and switching automine and interval mining, and the
 * test helpers of a development chain (state edits, snapshots, time and the
 * next blocks' settings). Every function is thread-safe. */
#ifndef ETHC_RPC_MINER_H
#define ETHC_RPC_MINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/chain_dev.h"
#include "ethc/rpc.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  void *ctx;
  /* Mines `count` blocks on the head, each with the pool's pending transactions
   * that fit, and returns once they are imported (the head is then the last).
   * The first block's timestamp is `timestamp` (0: the next one, the wall clock
   * or the parent's + 1), the others `interval` seconds apart (at least 1).
   * 0, or non-zero with a message in err (a timestamp not above the head's). */
  int (*mine)(void *ctx, uint64_t count, uint64_t timestamp, uint64_t interval, char *err, size_t errlen);
  void (*set_automine)(void *ctx, bool on);
  bool (*automine)(void *ctx);
  /* Interval mining every `seconds` (0: off). */
  void (*set_interval)(void *ctx, uint64_t seconds);

  /* ---- test helpers (the node's miner_dev.c) ---- */
  /* Runs fn on the head's state and publishes the result (chain_edit_head_state)
   * between blocks: 0, or non-zero with a message in err. */
  int (*edit_state)(void *ctx, chain_edit_fn fn, void *arg, char *err, size_t errlen);
  /* evm_snapshot: the new id (1, 2, ...), or 0 when out of memory. */
  uint64_t (*snapshot)(void *ctx);
  /* evm_revert: 0 with *done (false: no such snapshot), or non-zero with err. */
  int (*revert)(void *ctx, uint64_t id, bool *done, char *err, size_t errlen);
  /* anvil_reset: the genesis as the head with its own state, an empty pool,
   * no snapshots, the settings of a fresh node. 0, or non-zero with err. */
  int (*reset)(void *ctx, char *err, size_t errlen);
  /* Adds `seconds` to the clock's offset; returns the new offset. */
  int64_t (*increase_time)(void *ctx, int64_t seconds);
  /* The next block's timestamp: 0, or non-zero with err (not after the head's). */
  int (*set_next_timestamp)(void *ctx, uint64_t ts, char *err, size_t errlen);
  /* Blocks `seconds` apart from their parent (0: the clock again); returns
   * whether an interval was set before. */
  bool (*set_timestamp_interval)(void *ctx, uint64_t seconds);
  void (*set_coinbase)(void *ctx, const ethc_address_t *a);
  void (*set_next_base_fee)(void *ctx, const u256_t *fee);
  void (*set_prev_randao)(void *ctx, const ethc_hash_t *r);
  void (*set_gas_limit)(void *ctx, uint64_t gas);
  /* Drops a pooled transaction: whether it was there. */
  bool (*drop_tx)(void *ctx, const ethc_hash_t *hash);
  void (*drop_all)(void *ctx);
} rpc_miner_t;

/* Gives the server a miner (copied) before it serves requests; the methods of
 * the evm, anvil and hardhat namespaces answer "miner not running" without. */
void rpc_server_set_miner(rpc_server_t *s, const rpc_miner_t *m);

#ifdef __cplusplus
}
#endif

#endif
