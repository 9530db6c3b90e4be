/* The node's wiring (node.h): the chain database, the JSON-RPC server on its
 * HTTP threads, and one libuv loop for signals and timers. Shutdown, on SIGINT
 * or SIGTERM: stop accepting, let in-flight requests finish (polled by a loop
 * timer, bounded), stop the HTTP threads, close the database. */
#include "ethc/node.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/dev_beacon.h"
#include "ethc/chain_config.h"
#include "ethc/chain_light.h"
#include "ethc/error.h"
#include "ethc/light_follow.h"
#include "ethc/log.h"
#include "node/dev/dev.h"
#include "node/import.h"
#include "node/light_limits.h"
#include "node/miner.h"
#include "node/node_discv4.h"
#include "node/node_light.h"
#include "node/node_p2p.h"
#include "node/node_peer_source.h"
#include "node/txpool.h"
#include "rpc/jwt.h"
#include "rpc/accounts.h"

typedef struct {
  uv_loop_t loop;
  uv_signal_t sigint, sigterm;
  uv_timer_t drain;
  uv_timer_t heads; /* newHeads notifications */
  rpc_server_t *srv;
  rpc_http_t *http;
  rpc_http_t *auth; /* the engine API's port, or NULL */
  uint64_t drain_deadline;
  unsigned wait_ms;
  bool stopping;
  node_import_t import;
  miner_t *miner;        /* --miner, else NULL */
  node_p2p_t p2p;        /* node key, discovery (--port ...) */
  peers_t *peers;        /* the peer manager and header sync, or NULL */
  light_follow_t *light; /* --light: the beacon light client's follower, or NULL */
  int fatal_rc;          /* a part that cannot go on stopped the node: its error */
  char fatal_msg[1024];
  /* light modes with peers: bodies, receipts, state (and --light's headers) from them, or NULL */
  node_peer_source_t *peer_src;
  /* a new head wakes the loop to notify newHeads subscribers at once (the
   * heads timer is the fallback); heads_open under heads_lock */
  uv_async_t heads_wake;
  pthread_mutex_t heads_lock;
  bool heads_open;
} node_t;

static void close_all(node_t *n) {
  uv_close((uv_handle_t *)&n->sigint, NULL);
  uv_close((uv_handle_t *)&n->sigterm, NULL);
  uv_close((uv_handle_t *)&n->drain, NULL);
  uv_close((uv_handle_t *)&n->heads, NULL);
  pthread_mutex_lock(&n->heads_lock);
  if (n->heads_open) uv_close((uv_handle_t *)&n->heads_wake, NULL);
  n->heads_open = false;
  pthread_mutex_unlock(&n->heads_lock);
  miner_stop(n->miner);
  node_p2p_stop(&n->p2p);
  node_peer_source_stop(n->peer_src); /* before the peers: its waiting callers return */
  peers_stop(n->peers);
  light_follow_stop(n->light);
}

static void on_drain(uv_timer_t *t) {
  node_t *n = t->data;
  unsigned left = rpc_http_inflight(n->http) + (n->auth ? rpc_http_inflight(n->auth) : 0);
  if (left == 0 || uv_now(&n->loop) >= n->drain_deadline) {
    if (left) ethc_log(ETHC_LOG_WARN, "stopping with %u requests still in flight", left);
    uv_timer_stop(t);
    close_all(n);
  }
}

static void on_heads(uv_timer_t *t) {
  node_t *n = t->data;
  rpc_server_poll_heads(n->srv);
}

static void on_heads_wake(uv_async_t *a) {
  node_t *n = a->data;
  rpc_server_poll_heads(n->srv);
}

/* The chain's new-head hook (the importing thread): wakes the loop. */
static void on_new_head(void *ctx, chain_snapshot_t *head) {
  node_t *n = ctx;
  (void)head;
  pthread_mutex_lock(&n->heads_lock);
  if (n->heads_open) uv_async_send(&n->heads_wake);
  pthread_mutex_unlock(&n->heads_lock);
}

/* The pool's accept hook: filters and subscribers hear of the transaction. */
static void on_pool_tx(void *ctx, const txpool_tx_t *t) {
  rpc_pool_tx_t r = {.tx = t->tx, .hash = t->hash, .from = t->from};
  rpc_server_pool_tx(ctx, &r);
}

static void on_signal(uv_signal_t *s, int signum) {
  node_t *n = s->data;
  if (n->stopping) return;
  n->stopping = true;
  ethc_log(ETHC_LOG_INFO, "got %s, shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
  rpc_http_quiesce(n->http);
  if (n->auth) rpc_http_quiesce(n->auth);
  uv_timer_stop(&n->heads);
  if (n->import.running) node_import_stop(&n->import);
  n->drain_deadline = uv_now(&n->loop) + n->wait_ms;
  uv_timer_start(&n->drain, on_drain, 0, 10);
}

/* The light follower cannot go on (a stale checkpoint, ...): stop the node with its message. */
static void on_light_fatal(void *ctx, const char *message) {
  node_t *n = ctx;
  n->fatal_rc = ETHC_ERR_RANGE;
  snprintf(n->fatal_msg, sizeof n->fatal_msg, "%s", message);
  on_signal(&n->sigterm, SIGTERM);
}

static char *light_syncing(void *ctx) { return light_follow_syncing_json(ctx); }
static int light_head(void *ctx, rpc_proven_t which, uint64_t *number, ethc_hash_t *hash) {
  return light_follow_head(ctx, which == RPC_PROVEN_LATEST ? 0 : 1, number, hash);
}


int node_run(const node_opts_t *o, char *err, size_t errlen) {
  if (o->import_path && o->read_only) {
    snprintf(err, errlen, "--import needs the database as a writer, not --readonly");
    return ETHC_ERR_INVALID;
  }
  if (o->authrpc && o->read_only) {
    snprintf(err, errlen, "the engine API (--authrpc.*) imports blocks: it needs the database as a writer");
    return ETHC_ERR_INVALID;
  }
  /* following a consensus client: after the merge only its fork choice moves the head */
  chain_open_opts_t co = {.datadir = o->datadir,
                          .read_only = o->read_only,
                          .fakepow = o->fakepow,
                          .explicit_fork_choice = o->authrpc || o->light.on,
                          .genesis_path = o->genesis_path,
                          /* only a light mode gives the chain a remote source (node_light,
                           * node_peer_source), so only it has this cache */
                          .remote_cache_bytes = LIGHT_REMOTE_CACHE_BYTES};
  if (o->light.on) { /* a header now and then, few reads: LevelDB's memory sized for that */
    co.db_write_buffer_bytes = LIGHT_DB_WRITE_BUFFER_BYTES;
    co.db_cache_bytes = LIGHT_DB_CACHE_BYTES;
    co.header_cache_slots = LIGHT_HEADER_CACHE_SLOTS;
  }
  chain_t *chain = NULL;
  const beacon_config_t *lc_network = NULL;
  if (o->light.on && !(lc_network = beacon_config_by_name(o->light.network))) {
    snprintf(err, errlen, "--network: unknown beacon network '%s' (mainnet, sepolia, holesky, hoodi, dev)",
             o->light.network);
    return ETHC_ERR_INVALID;
  }
  /* a light database: --light, or --syncmode light --network (devp2p only, no beacon follower) */
  bool light_db = (o->light.on || o->light.network) && !o->genesis_path;
  if (light_db && !o->light.on && !chain_config_builtin(o->light.network)) {
    snprintf(err, errlen, "--network %s: not a built-in network (mainnet, sepolia, holesky, hoodi)", o->light.network);
    return ETHC_ERR_INVALID;
  }
  int rc = light_db ? chain_light_create(o->datadir, o->light.network, err, errlen) : 0;
  if (rc) return rc;
  rc = chain_open(&co, &chain, err, errlen);
  if (rc) return rc;
  txpool_opts_t po = {.lifetime_ms = o->txpool_lifetime_ms};
  txpool_t *pool = txpool_new_opts(chain, &po);
  if (!pool) {
    chain_close(chain);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  rpc_txpool_t pool_api = txpool_rpc(pool);
  miner_t *miner = NULL;
  char apis[512];
  if (o->miner.on) { /* the miner imports: nothing else may */
    if (o->read_only || o->import_path || o->authrpc) {
      snprintf(err, errlen, "the miner needs the database as its only writer: no --readonly, --import or --authrpc.*");
      txpool_free(pool);
      chain_close(chain);
      return ETHC_ERR_INVALID;
    }
    if (!(miner = miner_new(chain, pool, &o->miner))) {
      txpool_free(pool);
      chain_close(chain);
      return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
    }
    pool_api = miner_wrap_pool(miner, &pool_api);
    snprintf(apis, sizeof apis, "%s,evm,anvil,hardhat", o->apis ? o->apis : "eth,net,web3");
  }
  /* light mode: what the chain does not store, from an untrusted provider (node_light.h) */
  node_light_t *light = NULL;
  if (o->light.execution_rpc &&
      (rc = node_light_start(o->light.execution_rpc, chain, &pool_api, &light, err, errlen))) {
    miner_free(miner);
    txpool_free(pool);
    chain_close(chain);
    return rc;
  }
  rpc_config_t rc_cfg = {.chain = chain,
                         .txpool = &pool_api,
                         .apis = o->apis,
                         .batch_limit = o->batch_limit,
                         .batch_response_max = o->batch_response_max,
                         .gas_cap = o->gas_cap,
                         .evm_timeout_ms = o->evm_timeout_ms,
                         .client_version = o->client_version};
  if (miner) rc_cfg.apis = apis;
  rpc_server_t *srv = NULL;
  rc = rpc_server_new(&rc_cfg, &srv, err, errlen);
  if (rc) {
    miner_free(miner);
    txpool_free(pool);
    chain_close(chain);
    node_light_free(light, NULL);
    return rc;
  }
  if (miner) {
    rpc_miner_t miner_api = miner_rpc(miner);
    rpc_server_set_miner(srv, &miner_api);
  }
  /* the engine API: its own server (engine and eth namespaces) behind a JWT */
  pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER; /* every chain write, until the servers stop */
  rpc_server_t *auth_srv = NULL;
  uint8_t secret[JWT_SECRET_LEN];
  if (o->authrpc) {
    char path[4096];
    snprintf(path, sizeof path, "%s/jwtsecret", chain_datadir(chain));
    const char *jwt_path = o->jwtsecret_path ? o->jwtsecret_path : path;
    bool created = false;
    rc = jwt_secret_load(jwt_path, secret, &created, err, errlen) ? ETHC_ERR_IO : 0;
    if (!rc && created) ethc_log(ETHC_LOG_INFO, "wrote a new JWT secret to %s", jwt_path);
    rpc_config_t auth_cfg = rc_cfg;
    auth_cfg.apis = "eth";
    auth_cfg.engine_lock = &write_lock;
    if (!rc) rc = rpc_server_new(&auth_cfg, &auth_srv, err, errlen);
    if (rc) {
      rpc_server_free(srv);
      txpool_free(pool);
      chain_close(chain);
      node_light_free(light, NULL);
      return rc;
    }
  }
  rpc_accounts_t *accounts = o->dev ? dev_rpc_accounts(o->dev_accounts, o->dev_account_count) : NULL;
  if (o->dev && !accounts) {
    rpc_server_free(auth_srv);
    rpc_server_free(srv);
    miner_free(miner);
    txpool_free(pool);
    chain_close(chain);
    node_light_free(light, NULL);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  if (accounts) rpc_server_set_accounts(srv, accounts);
  if (accounts && miner) rpc_accounts_set_forced_add(accounts, miner_forced_add, miner); /* impersonation */
  if (txpool_on_tx(pool, on_pool_tx, srv)) ethc_log(ETHC_LOG_WARN, "cannot hook the pool to the RPC server");
  node_t n;
  memset(&n, 0, sizeof n);
  if (uv_loop_init(&n.loop)) {
    snprintf(err, errlen, "cannot start the event loop");
    rpc_server_free(auth_srv);
    rpc_server_free(srv);
    miner_free(miner);
    rpc_accounts_free(accounts);
    txpool_free(pool);
    chain_close(chain);
    node_light_free(light, NULL);
    return ETHC_ERR_IO;
  }
  /* signals first: a SIGTERM right after the endpoint line must stop us cleanly */
  uv_signal_init(&n.loop, &n.sigint);
  uv_signal_init(&n.loop, &n.sigterm);
  uv_timer_init(&n.loop, &n.drain);
  uv_timer_init(&n.loop, &n.heads);
  n.sigint.data = n.sigterm.data = n.drain.data = n.heads.data = &n;
  pthread_mutex_init(&n.heads_lock, NULL);
  if (o->http.ws && !uv_async_init(&n.loop, &n.heads_wake, on_heads_wake)) {
    n.heads_wake.data = &n;
    n.heads_open = chain_on_new_head(chain, on_new_head, &n) == 0;
    if (!n.heads_open) uv_close((uv_handle_t *)&n.heads_wake, NULL);
  }
  n.srv = srv;
  uv_signal_start(&n.sigint, on_signal, SIGINT);
  uv_signal_start(&n.sigterm, on_signal, SIGTERM);
  if (miner && miner_start(miner, &n.loop) == 0) n.miner = miner;
  /* a caller may hold SIGINT and SIGTERM blocked until they are handled here
   * (--dev.ephemeral, so that its directory is always removed): one that came
   * meanwhile now stops the node cleanly */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
  signal(SIGPIPE, SIG_IGN);
  const chain_config_t *cfg = chain_config(chain);
  uint64_t chain_id = cfg->chain_id.w[1] | cfg->chain_id.w[2] | cfg->chain_id.w[3] ? 0 : cfg->chain_id.w[0];
  rc = node_p2p_start(&n.p2p, &n.loop, &o->p2p, chain_datadir(chain), chain_id, o->client_version, srv, err, errlen);
  if (!rc)
    rc = node_peers_start(&n.peers, &n.loop, &n.p2p, &o->p2p, chain, chain_id,
                          o->read_only || o->miner.on || o->light.on || light_db, o->client_version, &write_lock, err,
                          errlen);
  if (!rc) node_peers_attach_pool(n.peers, pool); /* transactions to and from peers */
  dev_beacon_server_t *beacon = NULL;             /* --dev.beacon (test-only): before any block is mined */
  if (!rc && o->dev_beacon) rc = dev_beacon_server_start(chain, o->http.addr, o->dev_beacon_port, &beacon, err, errlen);
  if (!rc && beacon && miner) miner_set_beacon_root(miner, dev_beacon_server_parent_root, beacon);
  /* light modes (headers only) with peers: what the chain lacks, from the peers too (node_peer_source.h) */
  chain_remote_t provider = light ? node_light_remote(light) : (chain_remote_t){0};
  if (!rc && n.peers && !o->p2p.sync_full && !o->miner.on)
    (void)node_peer_source_start(n.peers, chain, light ? &provider : NULL, &n.peer_src);
  if (!rc && o->light.on) {
    light_follow_opts_t lo = {.config = lc_network,
                              .consensus_url = o->light.consensus_rpc,
                              .execution_url = o->light.execution_rpc,
                              .header = n.peer_src ? node_peer_source_header : NULL,
                              .header_ctx = n.peer_src,
                              .has_checkpoint = o->light.has_checkpoint,
                              .allow_stale_checkpoint = o->light.allow_stale_checkpoint,
                              .datadir = chain_datadir(chain),
                              .at = o->light.at,
                              .poll_ms = o->light.poll_ms,
                              .fatal = on_light_fatal,
                              .fatal_ctx = &n};
    memcpy(lo.checkpoint, o->light.checkpoint, 32);
    n.light = light_follow_start(&n.loop, chain, &lo, err, errlen);
    if (!n.light) rc = ETHC_ERR_INVALID;
    rpc_light_heads_t heads = {.ctx = n.light, .head = light_head};
    if (n.light) rpc_server_set_light_heads(srv, &heads);
    if (n.light && !n.p2p.on) { /* eth_syncing: the light client's progress */
      rpc_admin_t admin = {.ctx = n.light, .syncing = light_syncing};
      rpc_server_set_admin(srv, &admin);
    }
  }
  if (!rc) rc = rpc_http_start(&o->http, srv, &n.http, err, errlen);
  if (!rc && auth_srv) {
    rpc_http_opts_t ao = o->auth_http;
    ao.jwt_secret = secret;
    char aerr[256];
    rc = rpc_http_start(&ao, auth_srv, &n.auth, aerr, sizeof aerr);
    if (rc) {
      snprintf(err, errlen, "engine API (--authrpc.addr, --authrpc.port): %s", aerr);
      rpc_http_stop(n.http);
    }
  }
  if (rc) {
    dev_beacon_server_stop(beacon);
    rpc_server_free(auth_srv);
    close_all(&n);
    uv_run(&n.loop, UV_RUN_DEFAULT);
    uv_loop_close(&n.loop);
    light_follow_free(n.light);
    node_peer_source_free(n.peer_src);
    peers_free(n.peers);
    node_p2p_free(&n.p2p);
    rpc_server_free(srv);
    miner_free(miner);
    rpc_accounts_free(accounts);
    txpool_free(pool);
    chain_close(chain);
    node_light_free(light, NULL);
    return rc;
  }
  n.wait_ms = o->shutdown_wait_ms ? o->shutdown_wait_ms : 5000;
  uint64_t head = 0;
  if (chain_read_head(chain, &head, NULL)) head = 0;
  if (o->http.ws) uv_timer_start(&n.heads, on_heads, 0, 20);
  if (o->import_path && node_import_start_locked(&n.loop, &n.import, chain, o->import_path, &write_lock))
    ethc_log(ETHC_LOG_ERROR, "cannot start importing %s", o->import_path);
  const char *addr = o->http.addr ? o->http.addr : "127.0.0.1";
  bool v6 = strchr(addr, ':') != NULL;
  ethc_log(ETHC_LOG_INFO, "serving %s (head #%llu)%s", chain_datadir(chain), (unsigned long long)head,
           o->read_only ? " read-only" : "");
  printf("HTTP server started: http://%s%s%s:%u\n", v6 ? "[" : "", addr, v6 ? "]" : "", rpc_http_port(n.http));
  if (n.auth) {
    const char *aaddr = o->auth_http.addr ? o->auth_http.addr : "127.0.0.1";
    bool av6 = strchr(aaddr, ':') != NULL;
    printf("Engine API server started: http://%s%s%s:%u\n", av6 ? "[" : "", aaddr, av6 ? "]" : "",
           rpc_http_port(n.auth));
  }
  if (beacon) {
    const char *baddr = o->http.addr ? o->http.addr : "127.0.0.1";
    bool bv6 = strchr(baddr, ':') != NULL;
    printf("Beacon API server started: http://%s%s%s:%u (test-only, network dev)\n", bv6 ? "[" : "", baddr,
           bv6 ? "]" : "", dev_beacon_server_port(beacon));
  }
  if (o->dev) {
    char url[300];
    snprintf(url, sizeof url, "http://%s%s%s:%u", v6 ? "[" : "", addr, v6 ? "]" : "", rpc_http_port(n.http));
    dev_print_ready(stdout, url);
  }
  if (n.p2p.on) printf("P2P networking started: self=%s\n", n.p2p.enode);
  fflush(stdout);
  uv_run(&n.loop, UV_RUN_DEFAULT);
  uv_loop_close(&n.loop);
  rpc_http_stop(n.http);
  rpc_http_stop(n.auth);
  if (beacon && miner) miner_set_beacon_root(miner, NULL, NULL);
  dev_beacon_server_stop(beacon);
  light_follow_free(n.light);
  node_peer_source_free(n.peer_src);
  peers_free(n.peers);
  node_p2p_free(&n.p2p);
  rpc_server_free(auth_srv);
  rpc_server_free(srv);
  miner_free(miner);
  rpc_accounts_free(accounts);
  txpool_free(pool);
  chain_close(chain);
  node_light_free(light, NULL);
  ethc_log(ETHC_LOG_INFO, "stopped");
  if (n.fatal_rc) snprintf(err, errlen, "%s", n.fatal_msg);
  return n.fatal_rc;
}
