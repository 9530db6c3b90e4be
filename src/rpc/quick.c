/* The requests an event thread may answer itself (quick.h; execution-apis
 * methods): one plain
 * request (request_scan.h) of a method below, on a chain without a remote
 * source. Each of them reads at most one header, one account's leaf path, one
 * block or one receipt list from the local database. */
#include "rpc/quick.h"

#include <string.h>

#include "ethc/chain.h"
#include "rpc/request_scan.h"
#include "rpc/rpc_internal.h"

static const char *const quick[] = {
    "eth_blockNumber",
    "eth_chainId",
    "net_version",
    "net_listening",
    "net_peerCount",
    "web3_clientVersion",
    "eth_syncing",
    "eth_getBalance",
    "eth_getTransactionCount",
    "eth_getCode",
    "eth_getStorageAt",
    "eth_getBlockByNumber",
    "eth_getBlockByHash",
    "eth_getBlockTransactionCountByNumber",
    "eth_getBlockTransactionCountByHash",
    "eth_getTransactionByHash",
    "eth_getTransactionByBlockHashAndIndex",
    "eth_getTransactionByBlockNumberAndIndex",
    "eth_getTransactionReceipt",
    "eth_getRawTransactionByHash",
    "eth_blobBaseFee",
};

/* Calls that only read and execute: a run cut short can run again. */
static const char *const budget[] = {"eth_call", "eth_estimateGas", "eth_createAccessList", "eth_getLogs"};

static bool listed(const char *const *names, size_t n, const char *name, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (strlen(names[i]) == len && !memcmp(names[i], name, len)) return true;
  return false;
}

rpc_speed_t rpc_request_speed(rpc_server_t *s, const char *body, size_t len) {
  if (s->chain && chain_has_remote(s->chain)) return RPC_SLOW;
  rpc_envelope_t env;
  if (!rpc_scan_request(body, len, &env)) return RPC_SLOW;
  const char *name = body + env.method_start;
  if (listed(quick, sizeof quick / sizeof *quick, name, env.method_len)) return RPC_QUICK;
  if (listed(budget, sizeof budget / sizeof *budget, name, env.method_len)) return RPC_BUDGET;
  return RPC_SLOW;
}

static _Thread_local unsigned inline_ms;
static _Thread_local bool inline_binding, inline_expired;

void rpc_inline_begin(unsigned ms) {
  inline_ms = ms;
  inline_binding = inline_expired = false;
}

bool rpc_inline_end(void) {
  bool spent = inline_expired;
  inline_ms = 0;
  inline_binding = inline_expired = false;
  return spent;
}

uint64_t rpc_inline_timeout_ms(uint64_t ms) {
  inline_binding = inline_ms && (!ms || inline_ms < ms);
  return inline_binding ? inline_ms : ms;
}

void rpc_inline_timed_out(void) {
  if (inline_binding) inline_expired = true;
}

bool rpc_inline_give_up(void) {
  if (!inline_ms) return false;
  inline_expired = true;
  return true;
}

bool rpc_inline_spent(void) { return inline_expired; }
