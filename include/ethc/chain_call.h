/* Executing a call or a simulated transaction on a stored block's state without
 * changing it (what eth_call, eth_estimateGas and debug_traceCall use): the
 * message runs as a transaction (chain_apply_tx: intrinsic gas, value transfer,
 * EIP-2929 warming, refunds) on a private overlay of the snapshot's state, in the
 * block environment of the snapshot's header, and the overlay is discarded. No
 * copy of the state is made; reads go through the chain's shared node cache.
 * Semantics follow go-ethereum's eth_call: the nonce is the sender's current one,
 * a zero gas price means no fee is charged and the block's base fee is taken as
 * zero (also by BASEFEE), the sender may have code, and a gas limit given may be
 * above the EIP-7825 cap (geth skips those transaction checks for calls). */
#ifndef ETHC_CHAIN_CALL_H
#define ETHC_CHAIN_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/chain.h"
#include "ethc/evm.h"
#include "ethc/transition.h"
#include "ethc/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  ethc_address_t from;
  bool has_to; /* false: a contract creation with `data` as init code */
  ethc_address_t to;
  u256_t value;
  uint64_t gas;     /* 0: the block's gas limit (capped at 2^24 from Osaka, EIP-7825) */
  u256_t gas_price; /* 0: no fee (and no base fee); otherwise a legacy price */
  bool dynamic_fee; /* EIP-1559 fees instead of gas_price (a type-2 transaction) */
  u256_t max_fee_per_gas, max_priority_fee_per_gas;
  const uint8_t *data;
  size_t data_len;
  /* An EIP-2930 access list (borrowed; count 0: none): the call then runs as a
   * type-1 transaction unless dynamic_fee makes it a type-2 one. */
  const tx_access_entry_t *access_list;
  size_t access_list_count;
  /* Optional overrides of the sender's state for this call only. */
  bool override_balance;
  u256_t balance;
  /* Optional: changes any state for this call only (eth_call's state overrides),
   * called on the call's private overlay before it runs: 0, or an error that
   * chain_call returns (nothing runs). NULL: none. */
  int (*prepare)(void *ctx, state_t *st);
  void *prepare_ctx;
  /* Optional: changes the block environment the call runs in (go-ethereum's
   * block overrides, moved precompiles), called before `prepare`. NULL: none. */
  void (*adjust_env)(void *ctx, chain_block_env_t *env);
  void *adjust_env_ctx;
} chain_call_msg_t;

typedef struct {
  evm_status_t status; /* EVM_SUCCESS, EVM_REVERT, ... */
  int tx_error;        /* non-zero: the call is invalid as a transaction (then
                          `reason` says why, e.g. "insufficient funds") */
  const char *reason;
  uint64_t gas_used;
  bool created;
  ethc_address_t contract_address;
  uint8_t *output; /* return or revert data, malloc'd (free with chain_call_result_free) */
  size_t output_size;
  bool timed_out; /* the EVM's deadline (evm_set_deadline) passed: the outcome means nothing */
} chain_call_result_t;

/* Runs `msg` on the state of `snap`, with `vm` (one per thread: a tracer set on
 * it with evm_set_tracer sees the execution). Returns 0 with `out` filled (a
 * reverted or failed execution, or one invalid as a transaction, is still 0:
 * see out->status and out->tx_error), or a local error (ETHC_ERR_NOMEM, or a
 * state read that failed: ETHC_ERR_IO, ETHC_ERR_MISSING_NODE, ...), when `out`
 * holds nothing to free. Thread-safe: any number of threads may call it at once
 * on snapshots of one chain, each with its own vm. */
int chain_call(const chain_snapshot_t *snap, evm_t *vm, const chain_call_msg_t *msg, chain_call_result_t *out)
    __attribute__((warn_unused_result));
void chain_call_result_free(chain_call_result_t *r);

#ifdef __cplusplus
}
#endif

#endif
