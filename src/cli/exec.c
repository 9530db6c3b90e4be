/* One message on the chain host as a transaction would run it (exec.h). */
#include "cli/exec.h"


evm_result_t cli_execute_message(chain_host_t *h, const evm_message_t *msg) {
  chain_warm_tx_accounts(h->state, h->rev, &msg->sender, msg->kind == EVM_CALL ? &msg->recipient : NULL,
                         &h->env->coinbase);
  return chain_host_call(h, msg);
}
