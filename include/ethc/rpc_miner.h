/* The miner as the RPC methods of the evm, anvil and hardhat namespaces see it
 * (the node's miner implements it; the rpc layer may not link the node's):
 * mining blocks on demand and switching automine and interval mining. */
#ifndef ETHC_RPC_MINER_H
#define ETHC_RPC_MINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/rpc.h"

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
} rpc_miner_t;

/* Gives the server a miner (copied) before it serves requests; the methods of
 * the evm, anvil and hardhat namespaces answer "miner not running" without. */
void rpc_server_set_miner(rpc_server_t *s, const rpc_miner_t *m);

#ifdef __cplusplus
}
#endif

#endif
