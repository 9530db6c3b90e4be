/* Mining on demand and the mining mode, as the development nodes name them
 * (anvil, Hardhat, Ganache): evm_mine, anvil_mine / hardhat_mine,
 * evm_setAutomine / anvil_setAutomine, evm_setIntervalMining /
 * anvil_setIntervalMining (seconds, as anvil takes them: viem sends Hardhat
 * milliseconds, anvil seconds), anvil_getAutomine / hardhat_getAutomine. They
 * call the node's miner (rpc_miner.h), which returns once the blocks are the
 * head. Quantities are hex strings or JSON numbers (clients send both). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rpc/rpc_internal.h"

#define MAX_MINE_COUNT 10000 /* blocks of one call: each is built and imported now */

void rpc_server_set_miner(rpc_server_t *s, const rpc_miner_t *m) { s->miner = *m; }

static int no_miner(rpc_call_t *c) { return rpc_fail(c, RPC_SERVER_ERROR, "miner not running"); }

/* A quantity as a hex string or a non-negative JSON integer. */
static int parse_num(rpc_call_t *c, int i, const cJSON *v, uint64_t *out) {
  if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d < 0 || d > 9007199254740992.0 || floor(d) != d)
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: not a non-negative integer", i);
    *out = (uint64_t)d;
    return 0;
  }
  return rpc_parse_qty(c, i, v, out);
}

static int mine(rpc_call_t *c, uint64_t count, uint64_t timestamp, uint64_t interval) {
  if (!c->srv->miner.mine) return no_miner(c);
  if (count > MAX_MINE_COUNT) return rpc_fail(c, RPC_INVALID_PARAMS, "at most %d blocks at once", MAX_MINE_COUNT);
  char err[256] = "";
  if (c->srv->miner.mine(c->srv->miner.ctx, count, timestamp, interval, err, sizeof err))
    return rpc_fail(c, RPC_SERVER_ERROR, "%s", err[0] ? err : "cannot mine");
  return 0;
}

/* evm_mine([timestamp | {timestamp, blocks}]): "0x0" once mined. */
static int evm_mine(rpc_call_t *c, const cJSON *params) {
  const cJSON *v = rpc_param(params, 0);
  uint64_t ts = 0, blocks = 1;
  if (cJSON_IsObject(v)) {
    const cJSON *t = cJSON_GetObjectItem(v, "timestamp"), *b = cJSON_GetObjectItem(v, "blocks");
    if (t && !cJSON_IsNull(t) && parse_num(c, 0, t, &ts)) return -1;
    if (b && !cJSON_IsNull(b) && parse_num(c, 0, b, &blocks)) return -1;
  } else if (v && !cJSON_IsNull(v) && parse_num(c, 0, v, &ts)) return -1;
  if (mine(c, blocks, ts, 1)) return -1;
  jw_cstr(c->w, "0x0");
  return 0;
}

/* anvil_mine / hardhat_mine([count = 1, interval = 1]) */
static int mine_n(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t count = 1, interval = 1;
  if ((v = rpc_param(params, 0)) && !cJSON_IsNull(v) && parse_num(c, 0, v, &count)) return -1;
  if ((v = rpc_param(params, 1)) && !cJSON_IsNull(v) && parse_num(c, 1, v, &interval)) return -1;
  return mine(c, count, 0, interval ? interval : 1);
}

static int anvil_mine(rpc_call_t *c, const cJSON *params) {
  if (mine_n(c, params)) return -1;
  jw_null(c->w);
  return 0;
}

static int hardhat_mine(rpc_call_t *c, const cJSON *params) {
  if (mine_n(c, params)) return -1;
  jw_bool(c->w, true);
  return 0;
}

static int set_automine(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  bool on;
  if (rpc_need(c, params, 0, &v) || rpc_parse_bool(c, 0, v, &on)) return -1;
  if (!c->srv->miner.set_automine) return no_miner(c);
  c->srv->miner.set_automine(c->srv->miner.ctx, on);
  return 0;
}

static int evm_setAutomine(rpc_call_t *c, const cJSON *params) {
  if (set_automine(c, params)) return -1;
  jw_bool(c->w, true);
  return 0;
}

static int anvil_setAutomine(rpc_call_t *c, const cJSON *params) {
  if (set_automine(c, params)) return -1;
  jw_null(c->w);
  return 0;
}

static int set_interval(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint64_t s;
  if (rpc_need(c, params, 0, &v) || parse_num(c, 0, v, &s)) return -1;
  if (s > 86400) return rpc_fail(c, RPC_INVALID_PARAMS, "interval over a day");
  if (!c->srv->miner.set_interval) return no_miner(c);
  c->srv->miner.set_interval(c->srv->miner.ctx, s);
  return 0;
}

static int evm_setIntervalMining(rpc_call_t *c, const cJSON *params) {
  if (set_interval(c, params)) return -1;
  jw_bool(c->w, true);
  return 0;
}

static int anvil_setIntervalMining(rpc_call_t *c, const cJSON *params) {
  if (set_interval(c, params)) return -1;
  jw_null(c->w);
  return 0;
}

static int get_automine(rpc_call_t *c, const cJSON *params) {
  (void)params;
  if (!c->srv->miner.automine) return no_miner(c);
  jw_bool(c->w, c->srv->miner.automine(c->srv->miner.ctx));
  return 0;
}

const rpc_method_t rpc_methods_mining[] = {
    {"evm_mine", RPC_NS_EVM, evm_mine, 1},
    {"evm_setAutomine", RPC_NS_EVM, evm_setAutomine, 1},
    {"evm_setIntervalMining", RPC_NS_EVM, evm_setIntervalMining, 1},
    {"anvil_mine", RPC_NS_ANVIL, anvil_mine, 2},
    {"anvil_setAutomine", RPC_NS_ANVIL, anvil_setAutomine, 1},
    {"anvil_setIntervalMining", RPC_NS_ANVIL, anvil_setIntervalMining, 1},
    {"anvil_getAutomine", RPC_NS_ANVIL, get_automine, 0},
    {"hardhat_mine", RPC_NS_HARDHAT, hardhat_mine, 2},
    {"hardhat_getAutomine", RPC_NS_HARDHAT, get_automine, 0},
    {NULL, 0, NULL, 0},
};
