/* Applying a whole block to a state (Yellow Paper section 11 block finalisation;
 * EIP-779 DAO fork, EIP-4895 withdrawals, EIP-4788 beacon roots, EIP-2935 block
 * hashes, EIP-7685 requests with EIP-6110/7002/7251; rewards per EIP-649/1234):
 * body checks, transactions in order, rewards, and the checks of the header's
 * gas used, bloom, receipts root, state root and requests hash. Also the ommer
 * ancestry rules (Yellow Paper 11.1) and the system calls (src/chain/system_calls.c). */
#ifndef ETHC_BLOCK_EXEC_H
#define ETHC_BLOCK_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/consensus.h"
#include "ethc/evm.h"
#include "ethc/state.h"
#include "ethc/tracer.h"
#include "ethc/transition.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Looks up the hash of an ancestor by number (for BLOCKHASH): 0 or non-zero when
 * unknown (the opcode then sees a zero hash). Only called for the 256 blocks
 * before the executed one. */
typedef int (*block_hash_lookup_fn)(void *ctx, uint64_t number, ethc_hash_t *out);

typedef struct {
  const chain_config_t *config;
  evm_revision_t rev; /* chain_config_revision of the block */
  bool post_merge;    /* a proof-of-stake block: no rewards, no ommers */
  block_hash_lookup_fn block_hash;
  void *block_hash_ctx;
  const evm_tracer_t *tracer; /* traces every transaction (evm_set_tracer), or NULL */
  void *tracer_ctx;           /* passed to `tracer` */
  /* Senders given for some transactions (a dev chain's impersonated ones: the
   * block's forced-sender record, chain_dev.h): true with *from for those,
   * whose placeholder signatures are then neither checked nor recovered.
   * NULL: every sender is recovered (an import always). */
  bool (*given_sender)(void *ctx, size_t index, ethc_address_t *from);
  void *given_sender_ctx;
} block_exec_opts_t;

/* The environment a block's transactions see, from its header and chain:
 * coinbase, number, timestamp, gas limit, difficulty/PREVRANDAO, base fee, excess
 * blob gas and the fork's blob schedule, chain id. block_hash is left NULL (zero
 * hashes): the caller sets it. What block_execute and chain_call both use. */
void block_env_from_header(const chain_config_t *cfg, const chain_header_t *h, chain_block_env_t *env);

/* EIP-7934 (Osaka): MAX_BLOCK_SIZE 10 MiB minus a 2 MiB safety margin. */
#define BLOCK_MAX_RLP_SIZE 8388608u
/* BLOCK_ERR_BLOCK_SIZE when a block RLP of `rlp_size` bytes exceeds the EIP-7934
 * limit of fork `rev` (none before Osaka); importers call it before block_execute. */
block_error_t block_check_rlp_size(evm_revision_t rev, size_t rlp_size);

typedef struct {
  chain_receipt_t *receipts; /* one per transaction (logs owned by the result) */
  size_t receipt_count;
  uint64_t gas_used;
  uint64_t blob_gas_used;
  /* EIP-7685 requests (Prague+): each is type byte || data, only non-empty ones,
   * in type order; requests_hash is their commitment (computed from Prague). */
  bytes_buf_t requests[3];
  size_t request_count;
  ethc_hash_t requests_hash;
  block_error_t error;     /* BLOCK_VALID on success */
  int local_error;         /* non-zero (ETHC_ERR_NOMEM, or the state's base could not be
                              read: ETHC_ERR_IO, ETHC_ERR_MISSING_NODE, ...): ethc could not
                              decide, and neither the returned class nor `error` is a
                              verdict on the block; check this first */
  char reason[256];        /* what differed / which transaction failed and why */
  int tx_index;            /* the failing transaction, or -1 */
  int tx_error;            /* its ETHC_ERR_TX_* code */
  tx_invalid_t tx_invalid; /* and the rule it broke (TXE_NONE otherwise) */
} block_exec_result_t;

/* Executes `b` on `st` (which holds the parent's post-state, committed).
 * Thread-compatible: any thread may run it (e.g. a worker while readers use
 * snapshots), with a `st` and `vm` no other thread uses meanwhile. On
 * success returns BLOCK_VALID and `st` holds the block's post-state; otherwise
 * the block is invalid and `st` is in an unspecified state (callers clone first).
 * The header is NOT validated against its parent here (header_validate does that);
 * ommers are checked only for count, hash and (after the merge) absence: their
 * ancestry needs the chain (block_validate_ommers).
 * Order of the checks: ommer count, ommers hash, withdrawals root; then
 * execution (an invalid transaction is BLOCK_ERR_TX with tx_index/tx_error/tx_invalid
 * set; per transaction: tx_rules_alone, the block's gas left, the block's blob gas
 * left, chain id and signature, then chain_apply_tx);
 * then the transactions root (after execution: the tests name an invalid
 * transaction before a root that was built without it), gas used, blob gas used
 * (EIP-4844: after every transaction's blobs were validated), bloom, receipts
 * root, requests hash, state root. `res` must be freed
 * (block_exec_result_free) whatever the outcome. */
block_error_t block_execute(state_t *st, evm_t *vm, const chain_block_t *b, const block_exec_opts_t *opts,
                            block_exec_result_t *res);
void block_exec_result_free(block_exec_result_t *res);

/* block_decode with the failure classified as the tests name it. A header that
 * does not decode and whose field count is not that of the fork of its own
 * number and timestamp on chain `c` (e.g. blob gas used without excess blob gas)
 * is BLOCK_ERR_FIELDS, an incorrectly formatted block, not malformed RLP (`c`
 * NULL: no such check); a header that decodes with another fork's layout is
 * header_validate's BLOCK_ERR_FIELDS.
 * A header whose extra data exceeds what the decoder stores (HEADER_MAX_EXTRA)
 * is BLOCK_ERR_EXTRA_DATA; a transaction that cannot be decoded because it is
 * invalid in itself (a type-3 or type-4 creation, an integer over its field such
 * as a value above 2^256 - 1) is BLOCK_ERR_TX with its class in *txe (may be
 * NULL); anything else undecodable BLOCK_ERR_RLP. `reason` may be NULL. On
 * failure the block is empty (nothing to free). */
block_error_t block_decode_classified(const chain_config_t *c, const uint8_t *rlp, size_t len, chain_block_t *b,
                                      tx_invalid_t *txe, char *reason, size_t reason_len);

/* Block reward of a proof-of-work block in wei (5, 3 or 2 ether: Frontier,
 * Byzantium EIP-649, Constantinople EIP-1234); zero after the merge. */
void block_reward(evm_revision_t rev, bool post_merge, u256_t *out);

/* ---- ommers (Yellow Paper 11.1) ---- */

/* One ancestor of the block being imported, as the importer knows it. */
typedef struct {
  ethc_hash_t hash;
  const chain_header_t *header;
  const ethc_hash_t *ommer_hashes; /* hashes of the ommers it included */
  size_t ommer_count;
} block_ancestor_t;

/* Checks the ommers of `b` (whose hash is `hash`) against its ancestors:
 * anc[0] is the parent, anc[1] the grandparent, ... (pass up to 7; fewer near
 * genesis). Rules (go-ethereum VerifyUncles): at most 2 ommers; none already
 * included by one of those ancestors or twice in this block; none an ancestor;
 * each one's parent is one of the ancestors other than the block's own parent
 * (so at most 6 generations back), and its header is valid against that parent
 * (header_validate, whose class is returned for an invalid ommer header).
 * Other failures are BLOCK_ERR_UNCLE / BLOCK_ERR_TOO_MANY_UNCLES. `reason` may
 * be NULL. `local_error` (may be NULL) receives ethc's own failure (out of
 * memory), when the returned class is not a verdict; it is left alone otherwise. */
block_error_t block_validate_ommers(const chain_config_t *c, const chain_block_t *b, const ethc_hash_t *hash,
                                    const block_ancestor_t *anc, size_t n, bool check_seal, char *reason,
                                    size_t reason_len, int *local_error);

/* EIP-7685 (Prague): the requests of a block whose receipts are `receipts`
 * (EIP-6110 deposits from their logs, then the EIP-7002 and EIP-7251 system
 * calls on `st`) and their commitment into *hash. BLOCK_VALID, or
 * BLOCK_ERR_REQUESTS_HASH with `reason` (may be NULL) saying why; *local_error
 * (may be NULL) receives ethc's own failure (out of memory), not a verdict. */
block_error_t block_requests(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                             const chain_config_t *cfg, const chain_receipt_t *receipts, size_t n, ethc_hash_t *hash,
                             char *reason, size_t reason_len, int *local_error);
/* block_requests that also hands over the requests themselves (what a block
 * builder puts in its payload): on BLOCK_VALID, requests[0..*request_count)
 * are the non-empty ones, each type byte || data, in type order; the caller
 * owns them (bytes_buf_free each). On failure nothing is handed over.
 * `requests` and `request_count` may be NULL (block_requests). */
block_error_t block_requests_list(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                                  const chain_config_t *cfg, const chain_receipt_t *receipts, size_t n,
                                  bytes_buf_t requests[3], size_t *request_count, ethc_hash_t *hash, char *reason,
                                  size_t reason_len, int *local_error);

/* The logs callback of chain_apply_tx (transition.h) that block_execute and the
 * block builder pass: deep-copies a transaction's logs into ctx->receipt (its
 * logs and log_count, freed as block_exec_result_free frees them); ctx->error
 * becomes ETHC_ERR_NOMEM when a copy failed. `ctx` is a block_logs_copy_t. */
typedef struct {
  chain_receipt_t *receipt;
  int error;
} block_logs_copy_t;
void block_copy_logs(void *ctx, const state_log_t *logs, size_t n);

/* ---- system calls (src/chain/system_calls.c) ---- */

extern const ethc_address_t BLOCK_SYSTEM_ADDRESS;                /* 0xff..fe */
extern const ethc_address_t BLOCK_BEACON_ROOTS_ADDRESS;          /* EIP-4788 */
extern const ethc_address_t BLOCK_HISTORY_STORAGE_ADDRESS;       /* EIP-2935 */
extern const ethc_address_t BLOCK_WITHDRAWAL_REQUEST_ADDRESS;    /* EIP-7002 */
extern const ethc_address_t BLOCK_CONSOLIDATION_REQUEST_ADDRESS; /* EIP-7251 */

/* A system call: a message from BLOCK_SYSTEM_ADDRESS to `target` with 30,000,000
 * gas and no value, outside any transaction (no gas purchase, no nonce), then
 * state_commit with EIP-161 clearing. Unchecked (EIP-4788, EIP-2935): a target
 * without code is skipped and a failing call ignored; returns 0. Checked
 * (EIP-7002, EIP-7251): returns ETHC_ERR_NOT_FOUND when the target has no code
 * and ETHC_ERR_INVALID when the call fails. `out` (may be NULL) receives the
 * returned data. */
int block_system_call(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                      const ethc_address_t *target, const uint8_t *data, size_t len, bool checked, bytes_buf_t *out);

/* EIP-4788: stores the parent beacon block root (Cancun+). */
int block_beacon_root_call(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                           const ethc_hash_t *parent_beacon_root);
/* EIP-2935: stores the parent hash (Prague+). */
int block_history_call(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                       const ethc_hash_t *parent_hash);

/* EIP-779: moves the balance of every DAO account to the refund contract. */
int block_apply_dao_fork(state_t *st);

#ifdef __cplusplus
}
#endif

#endif
