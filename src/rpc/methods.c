/* The method table: every method by name with its namespace, gathered from the
 * per-file tables, so that --http.api can switch namespaces off and a new file
 * of methods only adds its table here. */
#include <string.h>

#include "rpc/rpc_internal.h"

/* One entry per line, so that a new namespace or table is a one-line change. */
// clang-format off
const char *const rpc_ns_names[RPC_NS_COUNT] = {
    "eth",
    "net",
    "web3",
    "debug",
    "rpc",
    "txpool",
    "testing",
    "evm",
    "anvil",
    "hardhat",
    "engine",
    "personal",
    "admin",
};

static const rpc_method_t *const tables[] = {
    rpc_methods_accounts,
    rpc_methods_info,
    rpc_methods_blocks,
    rpc_methods_headers,
    rpc_methods_logs,
    rpc_methods_fees,
    rpc_methods_extra,
    rpc_methods_debug,
    rpc_methods_state,
    rpc_methods_exec,
    rpc_methods_trace,
    rpc_methods_subs,
    rpc_methods_txpool,
    rpc_methods_testing,
    rpc_methods_mining,
    rpc_methods_engine,
    rpc_methods_simulate,
    rpc_methods_discover,
    rpc_methods_dev,
    rpc_methods_dev_state,
    rpc_methods_admin,
};
// clang-format on

const rpc_method_t *rpc_method_find(const char *name) {
  for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
    for (const rpc_method_t *m = tables[t]; m->name; m++)
      if (!strcmp(m->name, name)) return m;
  return NULL;
}

size_t rpc_method_all(const rpc_method_t **out, size_t max) {
  size_t n = 0;
  for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
    for (const rpc_method_t *m = tables[t]; m->name; m++) {
      if (n < max) out[n] = m;
      n++;
    }
  return n;
}
