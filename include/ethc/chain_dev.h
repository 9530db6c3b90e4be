/* A development chain's writes (what anvil and Hardhat let a test do, and a
 * miner that trusts its own blocks): storing a block the builder made with
 * the state and receipts its building computed (no second execution), editing
 * the head's state in place, and replacing the state a block reads.
 *
 * Edited state: each stored block may have an "effective state root" that
 * replaces its header's stateRoot for every reader (snapshots, chain_read.h)
 * and for the blocks built on it; it is persisted in the database (meta
 * "stateroot-HASH"), so a restart keeps the edits. Such a chain is no longer
 * one `ethc import` can replay from its export: the block after an edit ran on
 * a parent state that differs from its parent header's stateRoot. (anvil's
 * dumps are states, not chains, for the same reason: anvil_dumpState.)
 *
 * Threads: every function here is for the chain's importing thread, as
 * chain_import_block; readers see each change as one new head snapshot. */
#ifndef ETHC_CHAIN_DEV_H
#define ETHC_CHAIN_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/state.h"
#include "ethc/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A transaction of a block whose sender was given, not recovered: an
 * impersonated account's (anvil_impersonateAccount). Its stored signature is a
 * placeholder (tx_forced_signature); readers take the sender from the block's
 * forced-sender record (chain_forced_load) instead. */
typedef struct {
  uint32_t index; /* the transaction's index in its block */
  ethc_address_t from;
} chain_forced_sender_t;

/* A block built on a stored parent (block_builder.h) and what building it computed. */
typedef struct {
  const uint8_t *rlp; /* the block's RLP (rlp([header, transactions, ommers(, withdrawals)])) */
  size_t len;
  const chain_header_t *header; /* its decoded header and hash */
  const ethc_hash_t *hash;
  state_t *post;                   /* its post-state: an overlay over the parent's effective state,
                    committed; borrowed (written, never freed) */
  const chain_receipt_t *receipts; /* one per transaction */
  size_t receipt_count;
  const chain_forced_sender_t *forced; /* its transactions with a given sender, by index; borrowed */
  size_t forced_count;
} chain_built_t;

/* Stores `b` with its post-state and receipts in one batch and makes it the
 * head (the fork choice is the caller's: a dev chain's miner), publishing the
 * new head snapshot as chain_import_block does. Nothing is validated or
 * executed: the block must be what the builder made on its parent's effective
 * state (a header the consensus rules would refuse, e.g. a base fee or gas
 * limit a test chose, is stored as is). An already stored block becomes the
 * head again with its header's state. Returns 0 (res as for an import:
 * number, hash, gas_used, tx_count, new_head, known), ETHC_ERR_NOT_FOUND
 * (parent not stored), ETHC_ERR_INVALID (post's root is not the header's:
 * the caller's bug), a local error, or ETHC_ERR_UNSUPPORTED read-only. */
int chain_store_built(chain_t *c, const chain_built_t *b, chain_import_result_t *res) ETHC_MUST_USE;

/* ---- forced senders (impersonation) ----
 * chain_store_built writes a block's forced senders as the meta record
 * "forced-HASH" (the block hash in hex: 24 bytes per transaction, its index as
 * 4 big-endian bytes then the 20-byte sender) and the mark "forced-senders",
 * so that a chain without any pays no read. Such a block cannot be replayed by
 * `ethc import` from an export: its placeholder signatures recover to no
 * account (as with state edits, anvil's dumps are states for the same reason). */
typedef struct {
  bytes_buf_t rec; /* the record as stored; empty when the block has none */
} chain_forced_t;

/* Loads the forced senders of the stored block `block` into *out (free with
 * chain_forced_free): 0 (empty when none), or a read error. Thread-safe. */
int chain_forced_load(chain_t *c, const ethc_hash_t *block, chain_forced_t *out) ETHC_MUST_USE;
/* Whether transaction `index` has a forced sender, then in *from. */
bool chain_forced_get(const chain_forced_t *f, size_t index, ethc_address_t *from);
void chain_forced_free(chain_forced_t *f);

/* Sets the placeholder signature of an impersonated transaction: r = the
 * sender as a 256-bit number, s = 1, v = 0 (typed) or the EIP-155 v of
 * parity 0 (legacy with a chain id; 27 without). Its hash (tx_hash) is then
 * unique per sender and transaction and stable, as anvil's impersonated hash
 * (the transaction with a fake signature) is. */
void tx_forced_signature(tx_t *tx, const ethc_address_t *from);

/* Changes the head's state: `fn` gets a new overlay of the head's effective
 * state to change (0, or a code that cancels the edit and is returned); the
 * result is committed, written and becomes the head's effective state root,
 * published as a new head snapshot (same block, new state). Returns 0, fn's
 * code, a local error, or ETHC_ERR_UNSUPPORTED read-only. */
typedef int (*chain_edit_fn)(void *ctx, state_t *st);
int chain_edit_head_state(chain_t *c, chain_edit_fn fn, void *ctx) ETHC_MUST_USE;

/* Makes `root` (a stored state: one a snapshot read before) the effective
 * state of the stored block `block` (the header's root undoes every edit);
 * republishes the head when it is the head. 0, ETHC_ERR_NOT_FOUND (no such
 * block, or `root` not stored), a local error, or ETHC_ERR_UNSUPPORTED. */
int chain_set_state_root(chain_t *c, const ethc_hash_t *block, const ethc_hash_t *root) ETHC_MUST_USE;

/* The state root a snapshot reads (its effective one). Thread-safe. */
const ethc_hash_t *chain_snapshot_state_root(const chain_snapshot_t *s);

/* ---- the whole state of a block (anvil_dumpState) ---- */

/* One storage slot. */
typedef struct {
  u256_t key, value;
} chain_slot_t;

/* One account, valid during the callback. */
typedef struct {
  ethc_address_t address;
  uint64_t nonce;
  u256_t balance;
  const uint8_t *code;
  size_t code_len;
  const chain_slot_t *slots; /* its non-zero slots, in key-hash order */
  size_t slot_count;
} chain_account_t;

typedef int (*chain_account_visit_fn)(void *ctx, const chain_account_t *a);

/* Calls fn for every account of the snapshot's (effective) state, in
 * address-hash order, walking the stored tries and their keys' preimages.
 * Returns 0, fn's non-zero value (which stops the walk), ETHC_ERR_NOT_FOUND (a
 * node, code or key preimage not stored), ETHC_ERR_INVALID (a malformed
 * record) or ETHC_ERR_NOMEM. Thread-safe (reads only). */
int chain_snapshot_foreach_account(const chain_snapshot_t *s, chain_account_visit_fn fn, void *ctx) ETHC_MUST_USE;

#ifdef __cplusplus
}
#endif

#endif
