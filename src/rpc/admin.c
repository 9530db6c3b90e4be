/* The admin namespace (go-ethereum's admin API): admin_nodeInfo, admin_peers,
 * admin_addPeer / removePeer / addTrustedPeer / removeTrustedPeer, and
 * debug_p2pTable (the discovery table, for tests and operators). The node's p2p
 * side provides the JSON through rpc_admin_t; this file only serves it. */
#include <stdlib.h>
#include <string.h>

#include "rpc/rpc_internal.h"

void rpc_server_set_admin(rpc_server_t *s, const rpc_admin_t *a) { s->admin = *a; }

static int serve(rpc_call_t *c, char *(*fn)(void *ctx)) {
  if (!fn) return rpc_fail(c, RPC_SERVER_ERROR, "p2p networking is off (start the node with --port)");
  char *json = fn(c->srv->admin.ctx);
  if (!json) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  jw_raw(c->w, json, strlen(json));
  free(json);
  return 0;
}

static int admin_nodeInfo(rpc_call_t *c, const cJSON *params) {
  (void)params;
  return serve(c, c->srv->admin.node_info);
}

static int debug_p2pTable(rpc_call_t *c, const cJSON *params) {
  (void)params;
  return serve(c, c->srv->admin.table);
}

static int admin_peers(rpc_call_t *c, const cJSON *params) {
  (void)params;
  if (c->srv->admin.node_info && !c->srv->admin.peers) {
    jw_raw(c->w, "[]", 2);
    return 0;
  }
  return serve(c, c->srv->admin.peers);
}

/* admin_addPeer(enode) and the others: true once queued for the p2p loop
 * (go-ethereum's answer, also when removing a node that is not connected); a
 * bad URL is -32000 "invalid enode: ...". */
static int peer_op(rpc_call_t *c, const cJSON *params, int op) {
  const cJSON *url = cJSON_GetArrayItem(params, 0);
  if (rpc_param_count(params) != 1 || !cJSON_IsString(url))
    return rpc_fail(c, RPC_INVALID_PARAMS, "missing value for required argument 0 (an enode URL)");
  if (!c->srv->admin.peer_op)
    return rpc_fail(c, RPC_SERVER_ERROR, "p2p networking is off (start the node with --port)");
  char err[400];
  if (c->srv->admin.peer_op(c->srv->admin.ctx, op, url->valuestring, err, sizeof err))
    return rpc_fail(c, RPC_SERVER_ERROR, "invalid enode: %s", err);
  jw_bool(c->w, true);
  return 0;
}

static int admin_addPeer(rpc_call_t *c, const cJSON *params) { return peer_op(c, params, RPC_PEER_ADD); }
static int admin_removePeer(rpc_call_t *c, const cJSON *params) { return peer_op(c, params, RPC_PEER_REMOVE); }
static int admin_addTrustedPeer(rpc_call_t *c, const cJSON *params) { return peer_op(c, params, RPC_PEER_ADD_TRUSTED); }
static int admin_removeTrustedPeer(rpc_call_t *c, const cJSON *params) {
  return peer_op(c, params, RPC_PEER_REMOVE_TRUSTED);
}

const rpc_method_t rpc_methods_admin[] = {
    {"admin_nodeInfo", RPC_NS_ADMIN, admin_nodeInfo, 0},
    {"debug_p2pTable", RPC_NS_DEBUG, debug_p2pTable, 0},
    {"admin_peers", RPC_NS_ADMIN, admin_peers, 0},
    {"admin_addPeer", RPC_NS_ADMIN, admin_addPeer, 1},
    {"admin_removePeer", RPC_NS_ADMIN, admin_removePeer, 1},
    {"admin_addTrustedPeer", RPC_NS_ADMIN, admin_addTrustedPeer, 1},
    {"admin_removeTrustedPeer", RPC_NS_ADMIN, admin_removeTrustedPeer, 1},
    {NULL, 0, NULL, 0},
};
