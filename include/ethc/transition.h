/* The state transition (Yellow Paper section 6 and the EIPs that amend it): fork
 * parameters, the block environment, the EVM host over state_t (nested calls and
 * creates, precompiles, value transfer, snapshots) and the application of one
 * transaction (validation against the state, gas purchase, execution, refund,
 * fee payment, EIP-158/161 clearing). */
#ifndef ETHC_TRANSITION_H
#define ETHC_TRANSITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/evm.h"
#include "ethc/state.h"
#include "ethc/tx.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fork parameters (src/chain/fork.c) ---- */

/* EIP-4844/7691 blob schedule of a fork (zero before Cancun). */
typedef struct {
  uint64_t target;          /* blobs per block */
  uint64_t max;             /* blobs per block */
  uint64_t update_fraction; /* BLOB_BASE_FEE_UPDATE_FRACTION */
} chain_blob_params_t;

void chain_blob_params(evm_revision_t rev, chain_blob_params_t *out);
/* EIP-4844 fake_exponential(MIN_BLOB_BASE_FEE = 1, excess, fraction); saturates at
 * 2^256 - 1. `update_fraction` 0 gives 0. */
void chain_blob_base_fee(uint64_t excess_blob_gas, uint64_t update_fraction, u256_t *out);
/* Maximum refund is gas_used / quotient: 2 before London, 5 from London (EIP-3529). */
uint64_t chain_refund_quotient(evm_revision_t rev);
/* EIP-170 code size limit (SIZE_MAX before Spurious Dragon). */
size_t chain_max_code_size(evm_revision_t rev);

/* ---- block environment ---- */

typedef struct chain_block_env {
  ethc_address_t coinbase;
  int64_t number;
  int64_t timestamp;
  int64_t gas_limit;
  u256_t difficulty;        /* DIFFICULTY before Paris */
  ethc_hash_t prev_randao;  /* PREVRANDAO from Paris */
  u256_t base_fee;          /* London+ */
  uint64_t excess_blob_gas; /* Cancun+ */
  /* Blob schedule; all zero = the fork's default (chain_blob_params). */
  chain_blob_params_t blob;
  u256_t chain_id;
  /* Hash of an earlier block; NULL = zero hashes. Called only for the 256 blocks
   * before `number`. */
  void (*block_hash)(void *ctx, int64_t number, ethc_hash_t *out);
  void *block_hash_ctx;
  /* Which precompile a call to `a` runs (eth_simulateV1's moved precompiles);
   * NULL: the fork's (evm_precompile_get). The warm set keeps the fork's. */
  const struct evm_precompile *(*precompile)(void *ctx, const ethc_address_t *a, evm_revision_t rev);
  void *precompile_ctx;
  /* BLOBBASEFEE as given (a call's block overrides); NULL: from excess_blob_gas */
  const u256_t *blob_base_fee;
} chain_block_env_t;

/* ---- the EVM host over state_t (src/chain/host.c) ---- */

typedef struct chain_host {
  evm_host_t iface; /* pass &iface as the host, the chain_host_t as ctx */
  state_t *state;
  evm_t *vm;
  evm_revision_t rev;
  const chain_block_env_t *env;
  evm_tx_context_t tx; /* filled by the caller before execution */
} chain_host_t;

void chain_host_init(chain_host_t *h, state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env);
/* A message call or creation as the EVM's host->call makes it: depth and balance
 * checks, snapshot, value transfer, precompile or code execution, revert on failure.
 * For CREATE/CREATE2 the sender's nonce is incremented and the address derived. */
evm_result_t chain_host_call(chain_host_t *h, const evm_message_t *msg);
/* Creation at a given address (the transaction-level CREATE: nonce already
 * incremented by the caller): collision check, EIP-2929 warming, init code, code
 * deposit rules (EIP-170, EIP-3541, Homestead vs Frontier deposit). */
evm_result_t chain_host_create_at(chain_host_t *h, const evm_message_t *msg, const ethc_address_t *addr);

/* CREATE address: keccak(rlp([sender, nonce]))[12:]. */
void chain_create_address(const ethc_address_t *sender, uint64_t nonce, ethc_address_t *out);
/* CREATE2 address (EIP-1014): keccak(0xff ++ sender ++ salt ++ keccak(init))[12:]. */
void chain_create2_address(const ethc_address_t *sender, const ethc_hash_t *salt, const uint8_t *init, size_t init_size,
                           ethc_address_t *out);

/* ---- applying a transaction (src/chain/transition.c) ---- */

/* The accounts every transaction warms (EIP-2929, EIP-3651), nothing before Berlin:
 * the sender, the recipient `to` (NULL for a creation) and, from Shanghai, the
 * coinbase. The fork's precompiles, which EIP-2929 also puts in the set, are warm
 * by the host's rule instead (chain_host_t's access_account answers warm for them
 * without a state entry). An access list's entries are the caller's to warm.
 * Not thread-safe on one state (it writes the state's warm set). */
void chain_warm_tx_accounts(state_t *st, evm_revision_t rev, const ethc_address_t *sender, const ethc_address_t *to,
                            const ethc_address_t *coinbase);

typedef struct {
  /* Why the transaction is invalid (0 when it was executed): the state is then
   * unchanged. One of ETHC_ERR_TX_TYPE, _TX_INTRINSIC_GAS, _TX_INVALID (nonce,
   * balance, fee cap, gas limit, sender with code, blob rules, init code size). */
  int error;
  tx_invalid_t invalid;   /* the rule broken (TXE_NONE when executed) */
  const char *reason;     /* a short English reason when error != 0 */
  evm_status_t status;    /* outcome of the execution */
  uint64_t gas_used;      /* after the refund (and the EIP-7623 floor) */
  uint64_t peak_gas_used; /* before the refund (at least the EIP-7623 floor) */
  uint64_t blob_gas_used;
  bool created; /* a creation that succeeded */
  ethc_address_t contract_address;
  ethc_hash_t logs_hash; /* keccak(rlp(logs)) */
  uint8_t *output;       /* return or revert data (malloc'd, may be NULL) */
  size_t output_size;
} chain_tx_result_t;

void chain_tx_result_free(chain_tx_result_t *r);

/* Applies `tx` sent by `sender` (already recovered or given) to `st`, which must be
 * at a committed point (state_commit). On success (return 0) the changes are
 * committed (state_commit with EIP-161 clearing from Spurious Dragon) and `res`
 * describes the outcome; when the transaction is invalid the return value is
 * res->error, res->invalid its class, and the state is left as it was. Signatures
 * are not checked here. The rules run in execution-specs' order (Osaka
 * validate_transaction, then check_transaction) but for the intrinsic gas, last as
 * in go-ethereum (see tx_rules_alone): tx_rules_alone; gas limit within the block's
 * (env->gas_limit); blob gas within the block's maximum (before Osaka a transaction
 * over the per-block blob count is TXE_BLOB_COUNT_EXCEEDED: the fork's
 * per-transaction limit); priority fee and fee cap against the base fee (London+;
 * a legacy gas price below the base fee too); blob count, versions and blob fee
 * cap; a recipient for types 3 and 4; a non-empty
 * authorization list; nonce; balance; the sender without code (EIP-3607);
 * tx_rules_gas.
 * `logs_out`, when not NULL, is called with the logs before they are cleared. */
typedef void (*chain_logs_fn)(void *ctx, const state_log_t *logs, size_t count);
int chain_apply_tx(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env, const tx_t *tx,
                   const ethc_address_t *sender, chain_tx_result_t *res, chain_logs_fn logs_out, void *logs_ctx);

/* Rules a simulated transaction may skip (go-ethereum's message flags for
 * eth_call and eth_simulateV1); all false: chain_apply_tx. */
typedef struct {
  bool skip_nonce;   /* SkipNonceChecks: no nonce equality, no EIP-2681 maximum */
  bool skip_eoa;     /* the sender may have code (EIP-3607 not applied) */
  bool skip_gas_cap; /* no EIP-7825 cap on the gas limit */
  bool no_base_fee;  /* NoBaseFee: zero fee fields skip the fee checks */
} chain_tx_opts_t;
/* chain_apply_tx with some rules skipped (opts NULL: none). */
int chain_apply_tx_opts(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env, const tx_t *tx,
                        const ethc_address_t *sender, chain_tx_result_t *res, chain_logs_fn logs_out, void *logs_ctx,
                        const chain_tx_opts_t *opts);

#ifdef __cplusplus
}
#endif

#endif
