/* The methods about the node rather than the chain's contents: web3_*, net_*,
 * rpc_modules, eth_chainId, eth_syncing, eth_blockNumber (execution-apis
 * src/eth/client.yaml; web3 and net as geth answers them). */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_config.h"
#include "ethc/chain_read.h"
#include "ethc/keccak.h"
#include "rpc/rpc_internal.h"

static int web3_clientVersion(rpc_call_t *c, const cJSON *p) {
  jw_cstr(c->w, c->srv->client_version);
  return 0;
}

static int web3_sha3(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint8_t *data;
  size_t len;
  if (rpc_need(c, params, 0, &v) || rpc_parse_data(c, 0, v, &data, &len)) return -1;
  ethc_hash_t h;
  keccak256(data, len, h.bytes);
  free(data);
  jw_hash(c->w, &h);
  return 0;
}

static int net_version(rpc_call_t *c, const cJSON *p) {
  char dec[79];
  u256_to_dec(&chain_config(c->srv->chain)->chain_id, dec);
  jw_cstr(c->w, dec);
  return 0;
}
static int net_listening(rpc_call_t *c, const cJSON *p) {
  jw_bool(c->w, true);
  return 0;
}
/* The peer manager's count of peers past the Status handshake (0 without p2p). */
static int net_peerCount(rpc_call_t *c, const cJSON *p) {
  jw_qty(c->w, c->srv->admin.peer_count ? c->srv->admin.peer_count(c->srv->admin.ctx) : 0);
  return 0;
}

static int rpc_modules(rpc_call_t *c, const cJSON *p) {
  jw_obj_begin(c->w);
  for (int ns = 0; ns < RPC_NS_COUNT; ns++)
    if (c->srv->ns_enabled[ns]) {
      jw_key(c->w, rpc_ns_names[ns]);
      jw_cstr(c->w, "1.0");
    }
  jw_obj_end(c->w);
  return 0;
}

static int eth_chainId(rpc_call_t *c, const cJSON *p) {
  jw_qty256(c->w, &chain_config(c->srv->chain)->chain_id);
  return 0;
}

/* The p2p sync's progress (peers.h); without p2p, the node has all it will
 * have: never syncing. */
static int eth_syncing(rpc_call_t *c, const cJSON *p) {
  char *s = c->srv->admin.syncing ? c->srv->admin.syncing(c->srv->admin.ctx) : NULL;
  if (s && strcmp(s, "false")) jw_raw(c->w, s, strlen(s));
  else jw_bool(c->w, false);
  free(s);
  return 0;
}

static int eth_blockNumber(rpc_call_t *c, const cJSON *p) {
  /* the request's head: a batch's eth_blockNumber names the block its state reads see */
  jw_qty(c->w, rpc_light_block_number(c)); /* a light sync's header tip, when above the head */
  return 0;
}

const rpc_method_t rpc_methods_info[] = {
    {"web3_clientVersion", RPC_NS_WEB3, web3_clientVersion, 0},
    {"web3_sha3", RPC_NS_WEB3, web3_sha3, 1},
    {"net_version", RPC_NS_NET, net_version, 0},
    {"net_listening", RPC_NS_NET, net_listening, 0},
    {"net_peerCount", RPC_NS_NET, net_peerCount, 0},
    {"rpc_modules", RPC_NS_RPC, rpc_modules, 0},
    {"eth_chainId", RPC_NS_ETH, eth_chainId, 0},
    {"eth_syncing", RPC_NS_ETH, eth_syncing, 0},
    {"eth_blockNumber", RPC_NS_ETH, eth_blockNumber, 0},
    {"eth_config", RPC_NS_ETH, rpc_eth_config, 0},
    {"eth_capabilities", RPC_NS_ETH, rpc_eth_capabilities, 0},
    {0},
};
