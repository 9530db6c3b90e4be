/* One message on the chain host as a transaction would run it (exec.h). */
#include "cli/exec.h"

#include "ethc/precompiles.h"
#include "ethc/state.h"

evm_result_t cli_execute_message(chain_host_t *h, const evm_message_t *msg) {
  state_t *st = h->state;
  if (h->rev >= EVM_BERLIN) {
    state_warm_account(st, &msg->sender);
    if (msg->kind == EVM_CALL) state_warm_account(st, &msg->recipient);
    ethc_address_t pa = {{0}};
    for (unsigned i = 1; i <= 0x11; i++) {
      pa.bytes[19] = (uint8_t)i;
      if (evm_precompile_get(&pa, h->rev)) state_warm_account(st, &pa);
    }
    pa.bytes[18] = 0x01;
    pa.bytes[19] = 0x00; /* P-256 (EIP-7951) at 0x100 */
    if (evm_precompile_get(&pa, h->rev)) state_warm_account(st, &pa);
    if (h->rev >= EVM_SHANGHAI) state_warm_account(st, &h->env->coinbase);
  }
  return chain_host_call(h, msg);
}
