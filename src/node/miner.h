/* The node's miner (a development chain's block producer; miner.c): builds
 * post-merge blocks on the head from the pool's pending transactions
 * (block_builder.h) and stores them with the state their building computed.
 * Three triggers: automine (a transaction accepted into the pool is mined at
 * once, before eth_sendRawTransaction answers), interval mining (a libuv timer
 * on the node's loop queues each block on a libuv worker), and on demand
 * (evm_mine, anvil_mine, hardhat_mine). One mutex serialises every build and
 * import, so the miner is the chain's one importing thread at a time. */
#ifndef ETHC_NODE_MINER_H
#define ETHC_NODE_MINER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/node.h"
#include "ethc/rpc.h"
#include "ethc/rpc_miner.h"
#include "node/txpool.h"

typedef struct miner miner_t;

/* A miner for `chain` (opened as a writer, post-merge at its head; nothing else
 * may import into it meanwhile) taking transactions from `pool` (both must
 * outlive it). NULL when out of memory. */
miner_t *miner_new(chain_t *chain, txpool_t *pool, const node_miner_opts_t *o);
/* Puts its timer on `loop` (running when the period is non-zero). Loop thread.
 * 0 or a libuv error. */
int miner_start(miner_t *m, uv_loop_t *loop);
/* Stops the timer and closes the miner's loop handles (a block being mined on a
 * worker is finished first: the loop runs until it is). Loop thread. */
void miner_stop(miner_t *m);
/* After the loop ended and no RPC thread runs any more. NULL accepted. */
void miner_free(miner_t *m);

/* Mines `count` blocks now on the calling thread (see rpc_miner_t.mine);
 * `skip_empty`: a block that would hold no transaction is not made. 0, or an
 * ETHC_ERR_* code with a message in err. Thread-safe. */
int miner_mine(miner_t *m, uint64_t count, uint64_t timestamp, uint64_t interval, bool skip_empty, char *err,
               size_t errlen);

/* The interface the RPC methods use, bound to m. */
rpc_miner_t miner_rpc(miner_t *m);
/* `inner` (the pool's interface) with automine: a transaction it accepts is
 * mined before add returns. The miner must outlive the result. */
rpc_txpool_t miner_wrap_pool(miner_t *m, const rpc_txpool_t *inner);
/* txpool_add_forced into the miner's pool (an impersonated sender's
 * transaction, rpc_forced_add_fn of rpc/accounts.h with the miner as ctx),
 * then with automine a block, as miner_wrap_pool's add. Thread-safe. */
int miner_forced_add(void *ctx, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash, char *err,
                     size_t errlen);

/* The parent beacon block root (EIP-4788) of the next blocks: fn gives the
 * root for a block whose parent is the execution block `parent` (0, or an
 * error: the block then gets the zero root). NULL fn: the zero root (the
 * default). Set by `--dev.beacon` (dev_beacon.h), so that the dev chain's
 * headers and beacon-roots contract hold its simulated beacon chain's roots.
 * Thread-safe (under the miner's lock); fn runs under it. */
typedef int (*miner_beacon_root_fn)(void *ctx, const ethc_hash_t *parent, ethc_hash_t *out);
void miner_set_beacon_root(miner_t *m, miner_beacon_root_fn fn, void *ctx);

#endif
