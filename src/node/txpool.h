/* The transaction pool of `ethc node`: signed transactions waiting for a block,
 * validated against the chain's head as go-ethereum's legacy pool does, keyed by
 * sender and nonce, bounded, and thread-safe (RPC threads call it). */
#ifndef ETHC_NODE_TXPOOL_H
#define ETHC_NODE_TXPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/chain.h"
#include "ethc/rpc.h"
#include "ethc/types.h"

#define TXPOOL_MAX_TXS 4096    /* whole pool */
#define TXPOOL_MAX_QUEUED 16   /* per sender: transactions behind a nonce gap */
#define TXPOOL_MAX_SIZE 131072 /* bytes of one transaction's encoding (geth's txMaxSize) */
#define TXPOOL_PRICE_BUMP 10   /* percent a replacement must raise both fee caps by */

typedef struct txpool txpool_t;

/* A pool validating against `chain`'s head (the chain must outlive the pool).
 * NULL when out of memory. */
txpool_t *txpool_new(chain_t *chain);
void txpool_free(txpool_t *p);

/* Validates the canonical encoding `raw` against the current head and adds it.
 * *hash is set once the transaction decoded, whatever follows. Returns 0, or
 * ETHC_ERR_INVALID with geth's message in err, checked in this order:
 * "oversized data"; "transaction type not supported" (unknown types, types the
 * next block's fork lacks, and blob transactions, which need a blob pool);
 * "exceeds block gas limit"; "invalid sender" (bad signature or other chain
 * id); "intrinsic gas too low"; "max fee per gas less than block base fee" (the
 * next block's base fee: geth admits such transactions to wait for a lower one,
 * this pool keeps it simple and refuses them); "already known"; "nonce too
 * low"; "insufficient funds for gas * price + value: balance B, tx cost C" (this
 * transaction alone); "transaction would cause overdraft" (with the sender's
 * other pooled ones, a replaced one not counted); "replacement transaction
 * underpriced" (same sender and nonce without both fee caps raised by
 * TXPOOL_PRICE_BUMP %); "txpool is full"; "account limit exceeded"
 * (TXPOOL_MAX_QUEUED behind a gap). Otherwise ETHC_ERR_NOMEM, or a state read's
 * error ("cannot read the sender's account"). */
int txpool_add(txpool_t *p, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen);

/* Drops the transactions whose nonce the head's state has passed (included in
 * a block, or replaced there). Every call above does this first when the head
 * moved; call it directly to prune eagerly. */
void txpool_sync(txpool_t *p);

/* Counts of executable (pending) and gapped (queued) transactions. */
void txpool_counts(txpool_t *p, size_t *pending, size_t *queued);

/* The interface the RPC server uses (rpc.h), bound to p. */
rpc_txpool_t txpool_rpc(txpool_t *p);

/* ---- for the miner: the pending transactions in inclusion order ---- */
#include "ethc/u256.h"

/* One pooled transaction picked for a block: a copy of its canonical encoding. */
typedef struct {
  uint8_t *raw; /* owned */
  size_t len;
  uint64_t gas_limit;
  ethc_hash_t hash;
} txpool_pick_t;

/* The pending (executable) transactions ordered for a block of base fee
 * `base_fee`: per sender by nonce, across senders by effective tip
 * (block_order_candidates). Out: *picks (free with txpool_picks_free) and *n.
 * 0 or ETHC_ERR_NOMEM. Thread-safe. */
int txpool_pending_ordered(txpool_t *p, const u256_t *base_fee, txpool_pick_t **picks, size_t *n);
void txpool_picks_free(txpool_pick_t *picks, size_t n);

/* ---- for a development chain's test helpers (thread-safe) ---- */
/* Drops the transaction of that hash: whether the pool held it. */
bool txpool_drop(txpool_t *p, const ethc_hash_t *hash);
/* Drops every transaction. */
void txpool_clear(txpool_t *p);
/* Re-reads the senders' nonces from the head's state even when the head block
 * did not change (its state was edited), dropping what that state passed. */
void txpool_resync(txpool_t *p);
/* The next block's base fee when a test chose it (NULL: EIP-1559's from the
 * head): "max fee per gas less than block base fee" compares with it. */
void txpool_set_next_base_fee(txpool_t *p, const u256_t *fee);
/* The gas limit of later blocks when a test chose it (0: the head's):
 * "exceeds block gas limit" compares with it. */
void txpool_set_block_gas_limit(txpool_t *p, uint64_t gas);

#endif
