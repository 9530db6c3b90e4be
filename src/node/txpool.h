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

#define TXPOOL_MAX_TXS 4096                     /* whole pool */
#define TXPOOL_MAX_QUEUED 16                    /* per sender: transactions behind a nonce gap */
#define TXPOOL_MAX_SIZE 131072                  /* bytes of one transaction's encoding (geth's txMaxSize) */
#define TXPOOL_PRICE_BUMP 10                    /* percent a replacement must raise both fee caps by */
#define TXPOOL_LIFETIME_MS (3ull * 3600 * 1000) /* geth's --txpool.lifetime default: 3 h */
#define TXPOOL_REORG_DEPTH 64                   /* deeper reorganisations reinject nothing (geth) */
#define TXPOOL_MAX_HOOKS 4

typedef struct txpool txpool_t;

/* A pool validating against `chain`'s head (the chain must outlive the pool).
 * NULL when out of memory. */
txpool_t *txpool_new(chain_t *chain);
void txpool_free(txpool_t *p);

/* Settings of txpool_new_opts; zero fields take the defaults. */
typedef struct {
  size_t max_txs;       /* the pool's capacity; 0: TXPOOL_MAX_TXS */
  uint64_t lifetime_ms; /* --txpool.lifetime: a sender's queued (gapped) transactions
                           are dropped after this long without activity (a
                           transaction of it accepted, or its account nonce moved
                           by a block); 0: TXPOOL_LIFETIME_MS */
  /* The clock in milliseconds (tests drive it); NULL: CLOCK_MONOTONIC. */
  uint64_t (*clock_ms)(void *ctx);
  void *clock_ctx;
  size_t limbo_bytes; /* the blob limbo's bound (see "blob transactions"); 0: TXPOOL_MAX_LIMBO_BYTES */
} txpool_opts_t;
txpool_t *txpool_new_opts(chain_t *chain, const txpool_opts_t *o);

/* One transaction as a hook sees it (valid during the call only). */
typedef struct {
  const tx_t *tx;
  const uint8_t *raw; /* its canonical encoding (type || payload, or legacy RLP) */
  size_t raw_len;
  const ethc_hash_t *hash;
  const ethc_address_t *from;
  size_t wire_len; /* its network form's length (with a blob sidecar): what peers are announced */
} txpool_tx_t;
typedef void (*txpool_hook_fn)(void *ctx, const txpool_tx_t *t);

/* Registers fn to be told of each transaction the pool newly accepts (by
 * txpool_add, or put back by a reorganisation; not a resubmission it already
 * holds), for announcements to peers and subscribers. fn runs on the thread that
 * added the transaction, after the pool's lock is released, possibly on several
 * threads at once: it must be thread-safe and may call the pool. Returns 0, or
 * ETHC_ERR_LIMIT past TXPOOL_MAX_HOOKS. Thread-safe. */
int txpool_on_tx(txpool_t *p, txpool_hook_fn fn, void *ctx);

/* Validates the canonical encoding `raw` against the current head and adds it.
 * A full pool (max_txs) admits a transaction by evicting the cheapest one that
 * leaves no nonce gap behind (a sender's highest nonce), compared as geth's
 * price heap does (effective tip at the next base fee, then fee cap, then tip):
 * the newcomer must pay strictly more, else "transaction underpriced"; a gapped
 * newcomer may not evict a pending one ("future transaction tries to replace
 * pending").
 * *hash is set once the transaction decoded, whatever follows. Returns 0, or
 * ETHC_ERR_INVALID with geth's message in err, checked in this order:
 * "oversized data"; "transaction type not supported" (unknown types, types the
 * next block's fork lacks); a blob transaction's own rules (see "blob
 * transactions" below: its sidecar, blob fee and account rules);
 * "exceeds block gas limit"; "invalid sender" (bad signature or other chain
 * id); "intrinsic gas too low"; "max fee per gas less than block base fee" (the
 * next block's base fee: geth admits such transactions to wait for a lower one,
 * this pool keeps it simple and refuses them); "already known"; "nonce too
 * low"; "insufficient funds for gas * price + value: balance B, tx cost C" (this
 * transaction alone); "transaction would cause overdraft" (with the sender's
 * other pooled ones, a replaced one not counted); "replacement transaction
 * underpriced" (same sender and nonce without both fee caps raised by
 * TXPOOL_PRICE_BUMP %); "account limit exceeded" (TXPOOL_MAX_QUEUED behind
 * a gap); then, when full, "transaction underpriced", "future transaction
 * tries to replace pending", or "txpool is full" (nothing evictable: geth's
 * answer when its discard frees no room; with this rule it does not arise).
 * The hooks (txpool_on_tx) run before it returns 0. Otherwise ETHC_ERR_NOMEM, or a state read's
 * error ("cannot read the sender's account"). */
int txpool_add(txpool_t *p, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen);

/* Adds the unsigned transaction `tx` of the impersonated sender `from`
 * (anvil_impersonateAccount) without signature recovery: it gets the
 * placeholder signature of tx_forced_signature (chain_dev.h), whose hash
 * (tx_hash: unique per sender and transaction, stable) is *hash, and is then
 * checked and admitted as txpool_add does, "invalid sender" aside. The miner
 * includes it with its sender given (txpool_pick_t.forced). Such a
 * transaction is not put back after a reorganisation (its signature recovers
 * to no account). Same returns as txpool_add. Thread-safe. */
int txpool_add_forced(txpool_t *p, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash, char *err,
                      size_t errlen);

/* Drops the transactions whose nonce the head's state has passed (included in
 * a block, or replaced there). When the head moved to another branch (at most
 * TXPOOL_REORG_DEPTH blocks from the old head), first puts back the
 * transactions of the blocks that left the canonical chain and are not in the
 * new branch, each admitted as txpool_add would against the new head. Then
 * drops the queued transactions of senders idle past the lifetime. Every call
 * above does this first; call it directly (a timer) to prune eagerly. */
void txpool_sync(txpool_t *p);

/* Counts of executable (pending) and gapped (queued) transactions. */
void txpool_counts(txpool_t *p, size_t *pending, size_t *queued);

/* The interface the RPC server uses (rpc.h), bound to p. */
rpc_txpool_t txpool_rpc(txpool_t *p);

/* ---- blob transactions (txpool_blob.c) ----
 * A type-3 transaction enters the pool only in its network form (eth/68
 * PooledTransactions and eth_sendRawTransaction: 0x03 || rlp([tx, blobs,
 * commitments, proofs])), its sidecar checked by txpool_blob_check_sidecar;
 * the pool serves it in that form (txpool_get_raw) and gives the miner its
 * canonical form (the sidecar dropped). More rules, go-ethereum's blob pool's:
 * "max fee per blob gas less than block blob gas fee" (the next block's blob
 * base fee); a sender's transactions are all blob or all not ("address already
 * reserved"); no nonce gaps ("nonce too high"); TXPOOL_MAX_BLOBTXS_PER_ACCOUNT
 * per sender ("account limit exceeded"); a replacement raises the fee cap, the
 * tip and the blob fee cap by TXPOOL_BLOB_PRICE_BUMP % ("replacement transaction
 * underpriced"); the pool holds at most TXPOOL_MAX_BLOB_BYTES of network forms
 * ("txpool is full"; geth evicts instead).
 * The limbo (txpool_limbo.c, geth's blobpool limbo): when a block includes a
 * pooled blob transaction, its network form moves from the pool to the limbo
 * with that block's hash and number; a reorganisation that drops the block
 * (within TXPOOL_REORG_DEPTH, as for other transactions) puts it back into
 * the pool with its sidecar, admitted by the same rules against the new head
 * (its KZG proofs, checked when it first came, are not checked again; a
 * sidecar of the wrong version for the next block's fork is dropped), and one
 * that the new branch includes too is moved to its new block. Entries leave
 * the limbo once their block is finalized (chain_read_finalized) or lies more
 * than TXPOOL_REORG_DEPTH blocks below the head (no reorganisation that deep
 * puts anything back; this bounds the limbo when nothing is finalized, as on
 * a dev chain), and, oldest block first, when the limbo holds more than
 * txpool_opts_t.limbo_bytes. A blob transaction the pool never held (mined
 * elsewhere) has no sidecar here and cannot come back. */
#include "ethc/tx.h"

#define TXPOOL_MAX_BLOBTXS_PER_ACCOUNT 16
#define TXPOOL_BLOB_PRICE_BUMP 100                 /* geth's blobpool default */
#define TXPOOL_MAX_BLOB_BYTES (64u * 1024 * 1024)  /* network forms of all pooled blob transactions */
#define TXPOOL_MAX_LIMBO_BYTES (64u * 1024 * 1024) /* network forms of included blob transactions */
#define TXPOOL_ERR_NO_SIDECAR "missing sidecar in blob transaction"
#define TXPOOL_ERR_BLOB_SIDECAR "invalid blob sidecar" /* prefix of the sidecar rejections */

/* Checks the sidecar of a decoded network form for the fork `rev` of the next
 * block: version (0 before Osaka, 1 from Osaka), counts, versioned hashes, and
 * the KZG proofs (version 0: in one batch, about 2.2 ms CPU for one blob,
 * 1.6 ms a blob for several; version 1: all cells' in one batch, about 50 ms
 * CPU a blob). 0, or ETHC_ERR_INVALID
 * with the reason in err (prefixed TXPOOL_ERR_BLOB_SIDECAR, or
 * TXPOOL_ERR_NO_SIDECAR), or ETHC_ERR_NOMEM. Pure; thread-safe. */
int txpool_blob_check_sidecar(const tx_t *tx, const tx_sidecar_t *sc, evm_revision_t rev, char *err, size_t errlen);

/* Whether the limbo holds blob transaction `hash` (included in a block that
 * is not final; *block, which may be NULL, its hash), and the limbo's size:
 * *count entries of *bytes network-form bytes (either may be NULL).
 * Thread-safe. */
bool txpool_in_limbo(txpool_t *p, const ethc_hash_t *hash, ethc_hash_t *block);
void txpool_limbo_usage(txpool_t *p, size_t *count, size_t *bytes);

/* Whether a txpool_add rejection blames whoever sent the transaction whatever
 * the chain's state (bad encoding, signature or sidecar): a peer sending it is
 * banned. */
bool txpool_err_blames_sender(const char *err);

/* ---- for the miner: the pending transactions in inclusion order ---- */
#include "ethc/u256.h"

/* One pooled transaction picked for a block: a copy of its canonical encoding. */
typedef struct {
  uint8_t *raw; /* owned */
  size_t len;
  uint64_t gas_limit;
  ethc_hash_t hash;
  bool forced;         /* an impersonated sender's (txpool_add_forced): include it with */
  ethc_address_t from; /* this sender (block_builder_add_tx_from) */
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
/* The head is about to move to `head` by a revert (evm_revert, anvil_reset),
 * which is no reorganisation: the transactions of the blocks it drops are not
 * put back into the pool when it syncs to that head. */
void txpool_expect_head(txpool_t *p, const ethc_hash_t *head);
/* The next block's base fee when a test chose it (NULL: EIP-1559's from the
 * head): "max fee per gas less than block base fee" compares with it. */
void txpool_set_next_base_fee(txpool_t *p, const u256_t *fee);
/* The gas limit of later blocks when a test chose it (0: the head's):
 * "exceeds block gas limit" compares with it. */
void txpool_set_block_gas_limit(txpool_t *p, uint64_t gas);

#endif

/* ---- for the devp2p transaction exchange (thread-safe) ---- */
#include "ethc/bytes.h"

/* Whether the pool holds the transaction of that hash. */
bool txpool_has(txpool_t *p, const ethc_hash_t *hash);
/* Appends the canonical encoding of the pooled transaction of that hash to
 * out: true when found (false also when out of memory). */
bool txpool_get_raw(txpool_t *p, const ethc_hash_t *hash, bytes_buf_t *out);
/* Calls fn for each pooled transaction with its hash, type byte (0: legacy)
 * and encoding's size, under the pool's lock (fn must not call the pool). */
void txpool_each_hash(txpool_t *p, void (*fn)(void *arg, const ethc_hash_t *hash, uint8_t type, uint32_t size),
                      void *arg);
