/* The node's wiring (node.h): the chain database, the JSON-RPC server on its
 * HTTP threads, and one libuv loop for signals and timers. Shutdown, on SIGINT
 * or SIGTERM: stop accepting, let in-flight requests finish (polled by a loop
 * timer, bounded), stop the HTTP threads, close the database. */
#include "ethc/node.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "node/import.h"
#include "node/txpool.h"

typedef struct {
  uv_loop_t loop;
  uv_signal_t sigint, sigterm;
  uv_timer_t drain;
  uv_timer_t heads; /* newHeads notifications */
  rpc_server_t *srv;
  rpc_http_t *http;
  uint64_t drain_deadline;
  unsigned wait_ms;
  bool stopping;
  node_import_t import;
} node_t;

static void close_all(node_t *n) {
  uv_close((uv_handle_t *)&n->sigint, NULL);
  uv_close((uv_handle_t *)&n->sigterm, NULL);
  uv_close((uv_handle_t *)&n->drain, NULL);
  uv_close((uv_handle_t *)&n->heads, NULL);
}

static void on_drain(uv_timer_t *t) {
  node_t *n = t->data;
  unsigned left = rpc_http_inflight(n->http);
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
  uv_timer_stop(&n->heads);
  if (n->import.running) node_import_stop(&n->import);
  n->drain_deadline = uv_now(&n->loop) + n->wait_ms;
  uv_timer_start(&n->drain, on_drain, 0, 10);
}

int node_run(const node_opts_t *o, char *err, size_t errlen) {
  if (o->import_path && o->read_only) {
    snprintf(err, errlen, "--import needs the database as a writer, not --readonly");
    return ETHC_ERR_INVALID;
  }
  chain_open_opts_t co = {.datadir = o->datadir, .read_only = o->read_only, .fakepow = o->fakepow};
  chain_t *chain = NULL;
  int rc = chain_open(&co, &chain, err, errlen);
  if (rc) return rc;
  txpool_opts_t po = {.lifetime_ms = o->txpool_lifetime_ms};
  txpool_t *pool = txpool_new_opts(chain, &po);
  if (!pool) {
    chain_close(chain);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  rpc_txpool_t pool_api = txpool_rpc(pool);
  rpc_config_t rc_cfg = {.chain = chain,
                         .txpool = &pool_api,
                         .apis = o->apis,
                         .batch_limit = o->batch_limit,
                         .batch_response_max = o->batch_response_max,
                         .gas_cap = o->gas_cap,
                         .client_version = o->client_version};
  rpc_server_t *srv = NULL;
  rc = rpc_server_new(&rc_cfg, &srv, err, errlen);
  if (rc) {
    txpool_free(pool);
    chain_close(chain);
    return rc;
  }
  if (txpool_on_tx(pool, on_pool_tx, srv)) ethc_log(ETHC_LOG_WARN, "cannot hook the pool to the RPC server");
  node_t n;
  memset(&n, 0, sizeof n);
  if (uv_loop_init(&n.loop)) {
    snprintf(err, errlen, "cannot start the event loop");
    rpc_server_free(srv);
    txpool_free(pool);
    chain_close(chain);
    return ETHC_ERR_IO;
  }
  /* signals first: a SIGTERM right after the endpoint line must stop us cleanly */
  uv_signal_init(&n.loop, &n.sigint);
  uv_signal_init(&n.loop, &n.sigterm);
  uv_timer_init(&n.loop, &n.drain);
  uv_timer_init(&n.loop, &n.heads);
  n.sigint.data = n.sigterm.data = n.drain.data = n.heads.data = &n;
  n.srv = srv;
  uv_signal_start(&n.sigint, on_signal, SIGINT);
  uv_signal_start(&n.sigterm, on_signal, SIGTERM);
  signal(SIGPIPE, SIG_IGN);
  rc = rpc_http_start(&o->http, srv, &n.http, err, errlen);
  if (rc) {
    close_all(&n);
    uv_run(&n.loop, UV_RUN_DEFAULT);
    uv_loop_close(&n.loop);
    rpc_server_free(srv);
    txpool_free(pool);
    chain_close(chain);
    return rc;
  }
  n.wait_ms = o->shutdown_wait_ms ? o->shutdown_wait_ms : 5000;
  uint64_t head = 0;
  if (chain_read_head(chain, &head, NULL)) head = 0;
  if (o->http.ws) uv_timer_start(&n.heads, on_heads, 0, 20);
  if (o->import_path && node_import_start(&n.loop, &n.import, chain, o->import_path))
    ethc_log(ETHC_LOG_ERROR, "cannot start importing %s", o->import_path);
  const char *addr = o->http.addr ? o->http.addr : "127.0.0.1";
  bool v6 = strchr(addr, ':') != NULL;
  ethc_log(ETHC_LOG_INFO, "serving %s (head #%llu)%s", chain_datadir(chain), (unsigned long long)head,
           o->read_only ? " read-only" : "");
  printf("HTTP server started: http://%s%s%s:%u\n", v6 ? "[" : "", addr, v6 ? "]" : "", rpc_http_port(n.http));
  fflush(stdout);
  uv_run(&n.loop, UV_RUN_DEFAULT);
  uv_loop_close(&n.loop);
  rpc_http_stop(n.http);
  rpc_server_free(srv);
  txpool_free(pool);
  chain_close(chain);
  ethc_log(ETHC_LOG_INFO, "stopped");
  return 0;
}
