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

#include <stddef.h>
#include <stdint.h>

#include "ethc/block.h"
#include "ethc/chain.h"
#include "ethc/state.h"

#ifdef __cplusplus
extern "C" {
#endif

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
