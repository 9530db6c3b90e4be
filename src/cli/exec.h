/* Running one message on the chain's EVM host (src/chain/host.c) the way
 * go-ethereum's runtime.Call/Create and the benchmark tools do: for `ethc run` and
 * `ethc bench evm`. */
#ifndef ETHC_CLI_EXEC_H
#define ETHC_CLI_EXEC_H

#include "ethc/evm.h"
#include "ethc/transition.h"

/* Warms what a transaction warms (EIP-2929/3651, from Berlin: the sender, the
 * recipient of a call, the fork's precompiles, from Shanghai the coinbase), then
 * runs `msg` (EVM_CALL or EVM_CREATE at depth 0) with chain_host_call: no intrinsic
 * gas, fee or refund. A failed execution is reverted; a state_snapshot taken before
 * the call and state_revert undo everything (for repeated runs). Release the result. */
static inline evm_result_t cli_execute_message(chain_host_t *h, const evm_message_t *msg) {
  /* inline: `ethc bench evm` times it, and it is only two calls */
  chain_warm_tx_accounts(h->state, h->rev, &msg->sender, msg->kind == EVM_CALL ? &msg->recipient : NULL,
                         &h->env->coinbase);
  return chain_host_call(h, msg);
}

#endif
