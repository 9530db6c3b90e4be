/* Building a proof-of-stake block on a stored parent (what a miner, a dev chain
 * and testing_buildBlockV1 do; the engine API's payload building): the block
 * executor's rules as import applies them (block_exec.h: EIP-4788/2935 system
 * calls at the start, transactions in order with the same per-transaction
 * checks, EIP-4895 withdrawals, EIP-7685 requests with EIP-6110/7002/7251 at
 * the end), the EIP-1559 base fee from the parent, the fork's EIP-4844/7691
 * blob schedule for the excess blob gas, and the header's roots, bloom, gas
 * used and requests hash computed from the execution. A transaction that does
 * not fit or is invalid is skipped (the caller is told why) and leaves no
 * trace. The result is the block's RLP, which chain_import_block accepts.
 *
 * Threads: a builder is one thread's at a time; any number of builders may run
 * at once on one chain (each on an overlay of the parent's stored state, read
 * through the chain's shared, thread-safe node cache). Only importing the
 * result (block_builder_import) is for the chain's importing thread. */
#ifndef ETHC_BLOCK_BUILDER_H
#define ETHC_BLOCK_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The engine API's payload attributes (PayloadAttributesV3) and the builder's
 * own choices. */
typedef struct {
  uint64_t timestamp; /* must be above the parent's */
  ethc_address_t fee_recipient;
  ethc_hash_t prev_randao;
  const chain_withdrawal_t *withdrawals; /* borrowed (Shanghai+; ignored before) */
  size_t withdrawal_count;
  ethc_hash_t parent_beacon_root; /* Cancun+ (EIP-4788) */
  /* The gas limit the block moves toward from its parent's, by at most
   * parent/1024 - 1 per block (go-ethereum's CalcGasLimit); 0 keeps the parent's. */
  uint64_t gas_limit_target;
  const uint8_t *extra; /* at most 32 bytes; borrowed */
  size_t extra_len;
  /* A development chain's choices (zero: none): the exact gas limit, and the
   * base fee instead of EIP-1559's. A block that differs from what its parent
   * implies breaks the header rules: store it with block_built_store. */
  uint64_t gas_limit;
  bool has_base_fee;
  u256_t base_fee;
} block_attrs_t;

typedef struct block_builder block_builder_t;

/* Starts a block on the stored block `parent` of `chain`. Returns 0, or:
 * ETHC_ERR_NOT_FOUND (no such block, or its state is not stored),
 * ETHC_ERR_INVALID (a timestamp not above the parent's, extra data over 32
 * bytes), ETHC_ERR_UNSUPPORTED (the parent is not past the merge: only
 * proof-of-stake blocks are built), or a local error (ETHC_ERR_NOMEM, a read
 * that failed). `why` (may be NULL) gets a message on failure. The system calls
 * run here. The chain must outlive the builder. */
int block_builder_new(chain_t *chain, const ethc_hash_t *parent, const block_attrs_t *attrs, block_builder_t **out,
                      char *why, size_t why_len) __attribute__((warn_unused_result));
void block_builder_free(block_builder_t *b);

/* The header as far as it is known now: parent, number, timestamp, gas limit,
 * base fee, excess blob gas, ... (the roots and gas used are the finished
 * block's). Valid until block_builder_free. */
const chain_header_t *block_builder_header(const block_builder_t *b);
/* The fork of the block. */
evm_revision_t block_builder_revision(const block_builder_t *b);

/* Executes the transaction `raw` (its canonical encoding, as in a block body)
 * next. Returns 0 when it was included, ETHC_ERR_INVALID when it was skipped:
 * it does not decode, is invalid for this block (tx_invalid_t in *cls, may be
 * NULL; TXE_NONE when it would take the block over EIP-7934's size limit) or
 * does not fit in the gas or blob gas left; `why` says why in
 * go-ethereum's words where it has them ("nonce too high: address 0x..., tx: N
 * state: M"); the block is as before. Otherwise a local error: the builder is
 * then unusable (free it). */
int block_builder_add_tx(block_builder_t *b, const uint8_t *raw, size_t len, tx_invalid_t *cls, char *why,
                         size_t why_len) __attribute__((warn_unused_result));

/* block_builder_add_tx with the sender given, not recovered: an impersonated
 * account's transaction (anvil_impersonateAccount), whose signature is a
 * placeholder (tx_forced_signature, chain_dev.h) and is not checked. The block
 * records the sender (block_built_store writes it for readers); such a block
 * can only be stored with block_built_store: an import (block_built_import)
 * recovers senders from signatures and refuses it. */
int block_builder_add_tx_from(block_builder_t *b, const uint8_t *raw, size_t len, const ethc_address_t *from,
                              tx_invalid_t *cls, char *why, size_t why_len) __attribute__((warn_unused_result));

/* Gas left for transactions. */
uint64_t block_builder_gas_left(const block_builder_t *b);
size_t block_builder_tx_count(const block_builder_t *b);

/* The finished block. */
typedef struct {
  chain_header_t header;
  ethc_hash_t hash;
  bytes_buf_t rlp;   /* rlp([header, transactions, [], withdrawals]) */
  bytes_view_t *txs; /* each transaction's canonical encoding, pointing into tx_data */
  size_t tx_count;
  bytes_buf_t tx_data;
  u256_t block_value;      /* the fee recipient's tips: sum of effective tip * gas used */
  bytes_buf_t requests[3]; /* EIP-7685: type byte || data, only the non-empty ones */
  size_t request_count;
} block_built_t;

/* Ends the block: withdrawals, requests, then the header (roots, bloom, gas
 * used, requests hash) and the RLP. Returns 0 with `out` filled (free it with
 * block_built_free), or a local error. The builder takes no more transactions
 * after it (free it). */
int block_builder_finish(block_builder_t *b, block_built_t *out) __attribute__((warn_unused_result));
void block_built_free(block_built_t *out);

/* Imports a built block through chain_import_block (the full validation and
 * execution again: a block costs its execution twice; the import's verdict is
 * the one that counts). Importing thread only. Returns what chain_import_block
 * returns. */
int block_built_import(chain_t *chain, const block_built_t *blk, chain_import_result_t *res)
    __attribute__((warn_unused_result));

/* Stores the block `blk` that `b` finished with the state and receipts its
 * building computed (chain_store_built, chain_dev.h: no second execution, no
 * validation: for a miner that trusts its builder) and makes it the head.
 * Importing thread only. Returns what chain_store_built returns, or
 * ETHC_ERR_INVALID before block_builder_finish. */
int block_built_store(block_builder_t *b, const block_built_t *blk, chain_import_result_t *res)
    __attribute__((warn_unused_result));

/* ---- ordering candidates (a pool's pending transactions) for inclusion ---- */

/* One candidate: its sender and transaction (borrowed). */
typedef struct {
  const tx_t *tx;
  ethc_address_t from;
  size_t index; /* the caller's own index (kept by the ordering) */
} block_candidate_t;

/* Orders `c` in place for inclusion: each sender's transactions by nonce; across
 * senders, greedily the highest effective tip at `base_fee` (min(max priority
 * fee, max fee - base fee)) among each sender's next transaction, ties by the
 * order given (arrival). A transaction whose max fee is below the base fee
 * sorts after all others (it cannot be included). 0 or ETHC_ERR_NOMEM. */
int block_order_candidates(block_candidate_t *c, size_t n, const u256_t *base_fee) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif

#endif
