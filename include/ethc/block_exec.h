/* Applying a whole block to a state (Yellow Paper section 11 block finalisation;
 * EIP-779 DAO fork, EIP-4895 withdrawals, EIP-4788 beacon roots, EIP-2935 block
 * hashes, EIP-7685 requests with EIP-6110/7002/7251; rewards per EIP-649/1234):
 * body checks, transactions in order, rewards, and the checks of the header's
 * gas used, bloom, receipts root, state root and requests hash. */
#ifndef ETHC_BLOCK_EXEC_H
#define ETHC_BLOCK_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ethc/block.h"
#include "ethc/chain_config.h"
#include "ethc/consensus.h"
#include "ethc/evm.h"
#include "ethc/state.h"

/* Looks up the hash of an ancestor by number (for BLOCKHASH): 0 or non-zero when unknown. */
typedef int (*block_hash_lookup_fn)(void *ctx, uint64_t number, ethc_hash_t *out);

typedef struct {
  const chain_config_t *config;
  evm_revision_t rev;          /* chain_config_revision of the block */
  bool post_merge;
  block_hash_lookup_fn block_hash;
  void *block_hash_ctx;
  FILE *trace;                 /* EIP-3155 trace of every transaction, or NULL */
} block_exec_opts_t;

typedef struct {
  chain_receipt_t *receipts;   /* one per transaction (logs owned by the result) */
  size_t receipt_count;
  uint64_t gas_used;
  uint64_t blob_gas_used;
  block_error_t error;         /* BLOCK_VALID on success */
  char reason[256];            /* what differed / which transaction failed and why */
  int tx_index;                /* the failing transaction, or -1 */
  int tx_error;                /* its ETHC_ERR_TX_* code */
} block_exec_result_t;

/* Executes `b` on `st` (which holds the parent's post-state, committed). On
 * success returns BLOCK_VALID and `st` holds the block's post-state; otherwise
 * the block is invalid and `st` is in an unspecified state (callers clone first).
 * The header is NOT validated against its parent here (header_validate does that);
 * ommers are checked only for count and hash (their ancestry needs the chain). */
block_error_t block_execute(state_t *st, evm_t *vm, const chain_block_t *b, const block_exec_opts_t *opts,
                            block_exec_result_t *res);
void block_exec_result_free(block_exec_result_t *res);

#endif
