/* The state-reading methods of execution-apis (src/eth/state.yaml, execute.yaml)
 * are in the method table already, so `rpc_modules`, --http.api filtering and
 * clients see where they will be; until the chain serves state snapshots they
 * answer -32601 saying so, rather than a wrong or empty value. */
#include "rpc/rpc_internal.h"

static int not_yet(rpc_call_t *c, const char *name) {
  return rpc_fail(c, RPC_METHOD_NOT_FOUND, "the method %s is not yet supported by this node (it needs state snapshots)",
                  name);
}

#define PENDING(name_) \
  static int name_(rpc_call_t *c, const cJSON *p) { return not_yet(c, #name_); }
PENDING(eth_getBalance)
PENDING(eth_getCode)
PENDING(eth_getStorageAt)
PENDING(eth_getTransactionCount)
PENDING(eth_getProof)
PENDING(eth_call)
PENDING(eth_estimateGas)

const rpc_method_t rpc_methods_state[] = {
    {"eth_getBalance", RPC_NS_ETH, eth_getBalance, 2},
    {"eth_getCode", RPC_NS_ETH, eth_getCode, 2},
    {"eth_getStorageAt", RPC_NS_ETH, eth_getStorageAt, 3},
    {"eth_getTransactionCount", RPC_NS_ETH, eth_getTransactionCount, 2},
    {"eth_getProof", RPC_NS_ETH, eth_getProof, 3},
    {"eth_call", RPC_NS_ETH, eth_call, 4},
    {"eth_estimateGas", RPC_NS_ETH, eth_estimateGas, 4},
    {0},
};
