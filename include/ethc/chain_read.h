/* Reads of stored blocks for JSON-RPC and peers: headers, bodies, transactions,
 * receipts with the fields eth_getTransactionReceipt derives (gas used, effective
 * gas price, EIP-4844 blob gas, contract address, log positions), and eth_getLogs
 * filtering with the header blooms. Implementation: src/chain/chain_read.c.
 *
 * Thread-safety (all functions): they read only the chain database (LevelDB,
 * whose reads are safe from any number of threads, also while a batch is being
 * written) and fields of chain_t fixed at chain_open (the database handle, the
 * chain configuration), the canonical header cache (src/chain/header_cache.h,
 * never serving a block that left the canonical chain) and, for
 * chain_read_logs, the published head snapshot. They never touch the in-memory
 * head or head state that chain_import_block updates, so any number of threads
 * may call them while one other thread imports. A block is written in one atomic batch, so a block found
 * is found whole. Values stored under a block hash never change; what may change
 * between two calls is which block is canonical at a height (a reorganisation)
 * and the head: a caller that needs one consistent view resolves numbers to
 * hashes once and reads by hash.
 *
 * Errors (all functions return 0 or one of these, never mixing them up):
 *   ETHC_ERR_NOT_FOUND  no such block, transaction or canonical height
 *   ETHC_ERR_INVALID    stored data that does not decode (a damaged database)
 *   ETHC_ERR_IO         LevelDB failed to read
 *   ETHC_ERR_NOMEM      out of memory
 * and, for chain_read_logs, ETHC_ERR_RANGE and ETHC_ERR_LIMIT.
 * On any error the outputs are left empty (nothing to free). */
#ifndef ETHC_CHAIN_READ_H
#define ETHC_CHAIN_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_dev.h"
#include "ethc/header.h"
#include "ethc/tx.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- headers and the canonical index ---- */

/* The head as published to readers (chain_snapshot_head): its number and
 * hash. Unlike chain_head, safe while another thread imports; every other
 * read agrees with it (a block stored but not yet published is not the head).
 * Out: number, hash (either may be NULL). */
int chain_read_head(chain_t *c, uint64_t *number, ethc_hash_t *hash) __attribute__((warn_unused_result));

/* The blocks last marked safe / finalized by the fork-choice input
 * (chain_set_head): NOT_FOUND when none was given yet. Out: hash. */
int chain_read_safe(chain_t *c, ethc_hash_t *hash) __attribute__((warn_unused_result));
int chain_read_finalized(chain_t *c, ethc_hash_t *hash) __attribute__((warn_unused_result));

/* The hash of the canonical block at height `number` (NOT_FOUND above the head).
 * Out: hash. */
int chain_read_canonical_hash(chain_t *c, uint64_t number, ethc_hash_t *hash) __attribute__((warn_unused_result));

/* The number of a stored block (canonical or not) by its hash. Out: number. */
int chain_read_number(chain_t *c, const ethc_hash_t *hash, uint64_t *number) __attribute__((warn_unused_result));

/* The decoded header of a stored block by hash. Out: header (caller's memory). */
int chain_read_header_by_hash(chain_t *c, const ethc_hash_t *hash, chain_header_t *header)
    __attribute__((warn_unused_result));

/* The decoded header of the canonical block at height `number`.
 * Out: header; hash (may be NULL) the block's hash. */
int chain_read_header_by_number(chain_t *c, uint64_t number, chain_header_t *header, ethc_hash_t *hash)
    __attribute__((warn_unused_result));

/* The total difficulty of the chain up to and including a stored block. Out: td. */
int chain_read_td(chain_t *c, const ethc_hash_t *hash, u256_t *td) __attribute__((warn_unused_result));

/* ---- blocks ---- */

/* A stored block, decoded: header, transactions, ommers and withdrawals in the
 * types of block.h. `block`'s encodings point into `rlp`, which the value owns:
 * release everything with chain_read_block_free. */
typedef struct {
  chain_block_t block;
  ethc_hash_t hash;
  bytes_buf_t rlp; /* the block's RLP as export writes it */
} chain_read_block_t;

/* The block of hash `hash` (its header and body). Out: *out, owned by the
 * caller (chain_read_block_free), empty on error. */
int chain_read_block(chain_t *c, const ethc_hash_t *hash, chain_read_block_t *out) __attribute__((warn_unused_result));
/* Releases a chain_read_block_t; safe on a zeroed one. */
void chain_read_block_free(chain_read_block_t *b);

/* ---- transactions ---- */

/* One transaction with its position and the fields an RPC derives from it. */
typedef struct {
  tx_t tx; /* owns its arrays: chain_read_tx_free */
  ethc_hash_t hash;
  ethc_address_t from; /* the recovered sender */
  ethc_hash_t block_hash;
  uint64_t block_number;
  uint64_t block_timestamp;
  uint32_t index;             /* position in the block */
  u256_t effective_gas_price; /* gas price; min(max fee, base fee + priority fee) from EIP-1559 */
} chain_read_tx_t;

/* Transaction `index` of the block of hash `block_hash`: NOT_FOUND when the
 * block is unknown or has no such transaction. Out: *out (chain_read_tx_free). */
int chain_read_tx_by_block(chain_t *c, const ethc_hash_t *block_hash, uint32_t index, chain_read_tx_t *out)
    __attribute__((warn_unused_result));

/* The transaction of hash `tx_hash`, found through the transaction index
 * (CHAINDB.md): the canonical block holding it. NOT_FOUND for a transaction in
 * no canonical block, and for one in a block imported by an ethc from before
 * the index (such a database answers chain_read_tx_index_complete false; reads
 * by block still work). Out: *out (chain_read_tx_free). */
int chain_read_tx_by_hash(chain_t *c, const ethc_hash_t *tx_hash, chain_read_tx_t *out)
    __attribute__((warn_unused_result));
void chain_read_tx_free(chain_read_tx_t *t);

/* The sender of transaction `index` (`tx`, of hash `tx_hash`) of a stored block
 * valid under fork `rev`: the block's forced sender for it when `forced` (the
 * block's record, chain_forced_load; may be NULL for none) has one (an
 * impersonated transaction, chain_dev.h, whose signature is a placeholder),
 * else the process-wide cache of recovered senders, else a secp256k1 recovery
 * from the signature (then remembered in the cache). Returns 0 with *from, or
 * what tx_recover_sender returns for a signature that does not recover (a
 * stored block's never does: a damaged database). Thread-safe. */
int chain_tx_sender(const chain_forced_t *forced, size_t index, const tx_t *tx, const ethc_hash_t *tx_hash,
                    evm_revision_t rev, ethc_address_t *from) __attribute__((warn_unused_result));

/* Whether the transaction index covers the whole chain: true for a database
 * created with the index (its genesis batch marks it), false for an older one,
 * where chain_read_tx_by_hash finds only transactions of blocks imported since
 * (or of blocks a later reorganisation made canonical). Out: *complete. */
int chain_read_tx_index_complete(chain_t *c, bool *complete) __attribute__((warn_unused_result));

/* ---- receipts and logs ---- */

/* A log with its position: where eth_getLogs and receipts place it. */
typedef struct {
  ethc_address_t address;
  ethc_hash_t topics[4];
  uint8_t topics_count;
  const uint8_t *data; /* borrowed from the owning result */
  size_t data_size;
  ethc_hash_t block_hash;
  uint64_t block_number;
  uint64_t block_timestamp;
  ethc_hash_t tx_hash;
  uint32_t tx_index;
  uint32_t log_index; /* position among all the logs of the block */
} chain_log_t;

/* A receipt with the fields eth_getTransactionReceipt derives. */
typedef struct {
  tx_type_t type;
  bool has_post_state; /* before Byzantium: the intermediate state root ... */
  ethc_hash_t post_state;
  bool status; /* ... from Byzantium (EIP-658): 1 success, 0 failure */
  uint64_t cumulative_gas_used;
  uint64_t gas_used; /* this transaction's: the difference of cumulative gas */
  uint8_t bloom[256];
  u256_t effective_gas_price;
  bool has_blob_gas; /* type 3 transactions */
  uint64_t blob_gas_used;
  u256_t blob_gas_price;     /* the block's EIP-4844 blob base fee */
  bool has_contract_address; /* a creation: keccak(rlp([from, nonce]))[12:] */
  ethc_address_t contract_address;
  ethc_address_t from;
  bool has_to;
  ethc_address_t to;
  ethc_hash_t tx_hash;
  uint32_t tx_index;
  ethc_hash_t block_hash;
  uint64_t block_number;
  uint64_t block_timestamp;
  const chain_log_t *logs; /* points into the owning chain_read_receipts_t */
  size_t log_count;
} chain_read_receipt_t;

/* All the receipts of one block; owns its receipts, logs and their data. */
typedef struct {
  chain_read_receipt_t *receipts;
  size_t count;
  chain_log_t *logs; /* every log of the block, in order */
  size_t log_count;
  bytes_buf_t raw; /* the stored receipts (log data points into it) */
} chain_read_receipts_t;

/* The receipts of the stored block of hash `block_hash`, in transaction order
 * (none for a block without transactions). Out: *out (chain_read_receipts_free). */
int chain_read_receipts(chain_t *c, const ethc_hash_t *block_hash, chain_read_receipts_t *out)
    __attribute__((warn_unused_result));
/* The receipt of the transaction of hash `tx_hash` (through the transaction
 * index, as chain_read_tx_by_hash). Out: *out holds the receipts of its block,
 * and *receipt points at the one asked for (valid until chain_read_receipts_free);
 * only that one has its derived transaction hash, sender and contract address
 * (the others' are zero: each costs a hash or a signature recovery). */
int chain_read_receipt_by_tx(chain_t *c, const ethc_hash_t *tx_hash, chain_read_receipts_t *out,
                             const chain_read_receipt_t **receipt) __attribute__((warn_unused_result));
void chain_read_receipts_free(chain_read_receipts_t *r);

/* One topic position of a log filter: a log matches when its topic at that
 * position is one of `hashes`; count 0 matches anything (also no topic there). */
typedef struct {
  const ethc_hash_t *hashes;
  size_t count;
} chain_topic_set_t;

/* An eth_getLogs filter. Either the canonical blocks from_block..to_block
 * (inclusive; to_block is clamped to the stored head) or, when `block_hash` is
 * given, that one block (canonical or not). */
typedef struct {
  uint64_t from_block, to_block;
  const ethc_hash_t *block_hash;   /* NULL: the range */
  const ethc_address_t *addresses; /* a log's address is one of these; 0: any */
  size_t address_count;
  chain_topic_set_t topics[4]; /* the first topic_count positions must match */
  size_t topic_count;          /* 0..4 */
  size_t max_results;          /* more matching logs than this: ETHC_ERR_LIMIT */
  /* Light mode (chain_set_remote): the hash of the verified header at `number`
   * above the published head (a light sync's), or ETHC_ERR_NOT_FOUND; the range
   * then goes on past the head through these (their receipts from the source,
   * checked). NULL: the range is clamped to the head. */
  int (*hash_above_head)(void *ctx, uint64_t number, ethc_hash_t *hash);
  void *hash_ctx;
} chain_log_filter_t;

/* The matching logs, in chain order; owns their data. */
typedef struct {
  chain_log_t *logs;
  size_t count;
  uint8_t *data; /* the logs' data, one allocation */
} chain_read_logs_t;

/* Logs matching `f`. Blocks whose header bloom cannot hold a match are skipped
 * without reading their receipts. Returns, besides the common errors:
 *   ETHC_ERR_RANGE      from_block > to_block
 *   ETHC_ERR_LIMIT      more than f->max_results logs match (nothing returned)
 *   ETHC_ERR_INVALID    also: topic_count > 4
 *   ETHC_ERR_NOT_FOUND  f->block_hash names no stored block (a range beyond
 *                       the head is empty, not an error)
 *   ETHC_ERR_IO         also: with a remote source, a block of the range at or
 *                       under the head is not stored (a light node's, before its
 *                       checkpoint); chain_remote_error names it
 * Out: *out (chain_read_logs_free). */
int chain_read_logs(chain_t *c, const chain_log_filter_t *f, chain_read_logs_t *out)
    __attribute__((warn_unused_result));
void chain_read_logs_free(chain_read_logs_t *l);

/* ---- failures of the remote source (chain_set_remote) ----
 * A read that went to the source and failed (fetch, timeout, or an answer that
 * failed its check) returns ETHC_ERR_IO and leaves a message for the calling
 * thread. chain_remote_error returns it (valid until the thread's next call)
 * and clears it, or NULL when there is none. chain_remote_fail sets it (for
 * sources: a state base's read can only return a code) and returns rc. */
const char *chain_remote_error(void);
int chain_remote_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
