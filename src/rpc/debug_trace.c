/* go-ethereum's tracing API (debug namespace): debug_traceTransaction,
 * debug_traceBlockByNumber / ByHash (a stored block re-executed on its parent's
 * snapshot state) and debug_traceCall (a call on a block's state), with the
 * struct logger (the default) or {"tracer":"callTracer"} (onlyTopCall,
 * withLog). The tracers of ethc/tracer.h write one JSON value per transaction;
 * a thin wrapper here picks the transactions wanted and frames each result. */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_dev.h"
#include "ethc/block_exec.h"
#include "ethc/bytes.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/tracer.h"
#include "ethc/transition.h"
#include "rpc/rpc_internal.h"
#include "rpc/simulate.h"

typedef struct {
  bool call_tracer;
  evm_struct_logger_opts_t logger;
  evm_call_tracer_opts_t call;
} trace_config_t;

static int parse_config(rpc_call_t *c, const cJSON *params, int i, trace_config_t *cfg) {
  memset(cfg, 0, sizeof *cfg);
  const cJSON *o = rpc_param(params, i);
  if (!o || cJSON_IsNull(o)) return 0;
  if (!cJSON_IsObject(o))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-object into Go value of type tracers.TraceConfig",
                    i);
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tracer");
  if (t && cJSON_IsString(t) && t->valuestring[0]) {
    if (strcmp(t->valuestring, "callTracer"))
      return rpc_fail(c, RPC_SERVER_ERROR, "tracer not found: %.64s", t->valuestring);
    cfg->call_tracer = true;
  } else if (t && !cJSON_IsNull(t) && !cJSON_IsString(t)) {
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: tracer must be a string", i);
  }
  const cJSON *tc = cJSON_GetObjectItemCaseSensitive(o, "tracerConfig");
  if (tc && cJSON_IsObject(tc)) {
    cfg->call.only_top_call = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tc, "onlyTopCall"));
    cfg->call.with_log = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(tc, "withLog"));
  }
  cfg->logger.disable_stack = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "disableStack"));
  cfg->logger.disable_storage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "disableStorage"));
  cfg->logger.enable_memory = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "enableMemory"));
  cfg->logger.enable_return_data = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "enableReturnData"));
  const cJSON *lim = cJSON_GetObjectItemCaseSensitive(o, "limit");
  if (lim && cJSON_IsNumber(lim) && lim->valuedouble > 0) cfg->logger.limit = (size_t)lim->valuedouble;
  return 0;
}

/* The wrapper: forwards the events of the wanted transactions to the tracer
 * chosen, which writes its result into `out`; at each wanted transaction's end
 * the result goes to the response (framed with its hash in block mode). */
typedef struct {
  const evm_tracer_t *inner;
  void *inner_ctx;
  evm_struct_logger_t *logger;
  evm_call_tracer_t *calls;
  bytes_buf_t out;
  jw_t *w;
  long target; /* the transaction wanted, -1: every one */
  long index;
  bool active, block_mode, wrote;
  const ethc_hash_t *hashes; /* block mode: the transactions' hashes */
  int error;
} trace_t;

static int out_write(void *ctx, const uint8_t *d, size_t n) { return bytes_buf_append(ctx, d, n); }

static void w_tx_start(void *ctx, const evm_trace_tx_t *tx) {
  trace_t *t = ctx;
  t->active = t->target < 0 || t->index == t->target;
  t->out.len = 0;
  if (t->active && t->inner->on_tx_start) t->inner->on_tx_start(t->inner_ctx, tx);
}
static void w_tx_end(void *ctx, const evm_trace_tx_end_t *end) {
  trace_t *t = ctx;
  if (t->active) {
    if (t->inner->on_tx_end) t->inner->on_tx_end(t->inner_ctx, end);
    int e = t->logger ? evm_struct_logger_error(t->logger) : evm_call_tracer_error(t->calls);
    if (e && !t->error) t->error = e;
    if (t->block_mode) {
      jw_obj_begin(t->w);
      jw_khash(t->w, "txHash", &t->hashes[t->index]);
      jw_key(t->w, "result");
    }
    jw_raw(t->w, (const char *)t->out.data, t->out.len);
    if (t->block_mode) jw_obj_end(t->w);
    t->wrote = true;
  }
  t->active = false;
  t->index++;
}
static void w_enter(void *ctx, const evm_trace_enter_t *f) {
  trace_t *t = ctx;
  if (t->active) t->inner->on_enter(t->inner_ctx, f);
}
static void w_exit(void *ctx, const evm_trace_exit_t *f) {
  trace_t *t = ctx;
  if (t->active) t->inner->on_exit(t->inner_ctx, f);
}
static void w_step(void *ctx, const evm_trace_step_t *s) {
  trace_t *t = ctx;
  if (t->active) t->inner->on_step(t->inner_ctx, s);
}
static void w_log(void *ctx, int32_t depth, const ethc_address_t *addr, const ethc_hash_t *topics, size_t n,
                  const uint8_t *data, size_t size) {
  trace_t *t = ctx;
  if (t->active) t->inner->on_log(t->inner_ctx, depth, addr, topics, n, data, size);
}

/* Sets up t and its evm_tracer_t (only the callbacks the inner tracer has, so
 * that one without on_step runs at full speed). */
static int trace_init(rpc_call_t *c, trace_t *t, evm_tracer_t *wrap, const trace_config_t *cfg) {
  memset(t, 0, sizeof *t);
  t->w = c->w;
  t->target = -1;
  if (cfg->call_tracer) {
    t->calls = evm_call_tracer_create(&cfg->call, out_write, &t->out);
    t->inner = &evm_call_tracer;
    t->inner_ctx = t->calls;
  } else {
    t->logger = evm_struct_logger_create(&cfg->logger, out_write, &t->out);
    t->inner = &evm_struct_logger_tracer;
    t->inner_ctx = t->logger;
  }
  if (!t->inner_ctx) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  memset(wrap, 0, sizeof *wrap);
  wrap->on_tx_start = w_tx_start;
  wrap->on_tx_end = w_tx_end;
  if (t->inner->on_enter) wrap->on_enter = w_enter;
  if (t->inner->on_exit) wrap->on_exit = w_exit;
  if (t->inner->on_step) wrap->on_step = w_step;
  if (t->inner->on_log) wrap->on_log = w_log;
  return 0;
}

static void trace_free(trace_t *t) {
  if (t->logger) evm_struct_logger_destroy(t->logger);
  if (t->calls) evm_call_tracer_destroy(t->calls);
  bytes_buf_free(&t->out);
}

static int canonical_hash(void *ctx, uint64_t number, ethc_hash_t *out) {
  return chain_read_canonical_hash(ctx, number, out);
}

/* The impersonated senders of a dev chain's block (block_exec_opts_t.given_sender). */
static bool forced_sender(void *ctx, size_t index, ethc_address_t *from) { return chain_forced_get(ctx, index, from); }

/* Re-executes the stored block `hash` on its parent's state with tracer t. */
static int trace_block(rpc_call_t *c, const ethc_hash_t *hash, trace_t *t, const evm_tracer_t *wrap) {
  chain_t *ch = c->srv->chain;
  chain_read_block_t blk = {0};
  int rc = chain_read_block(ch, hash, &blk);
  if (rc == ETHC_ERR_NOT_FOUND) {
    char hex[67];
    hex_encode(hash->bytes, 32, hex);
    return rpc_fail(c, RPC_SERVER_ERROR, "block %s not found", hex);
  }
  if (rc) return rpc_fail_chain(c, rc);
  const chain_block_t *b = &blk.block;
  if (b->header.number == 0) {
    chain_read_block_free(&blk);
    return rpc_fail(c, RPC_SERVER_ERROR, "genesis is not traceable");
  }
  ethc_hash_t *hashes = calloc(b->tx_count + 1, sizeof *hashes);
  chain_snapshot_t *parent = NULL;
  state_t *st = NULL;
  evm_t *vm = rpc_thread_vm();
  rc = hashes && vm ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; !rc && i < b->tx_count; i++) rc = tx_hash(&b->txs[i], &hashes[i]);
  chain_forced_t forced = {0};
  if (!rc) rc = chain_forced_load(ch, hash, &forced);
  if (!rc) rc = chain_snapshot_at(ch, &b->header.parent_hash, &parent);
  if (!rc && !(st = chain_snapshot_state(parent))) rc = ETHC_ERR_NOMEM;
  if (rc) {
    if (rc == ETHC_ERR_NOT_FOUND) rpc_fail(c, RPC_SERVER_ERROR, "parent block not found");
    else rpc_fail_local(c, rc);
    goto out;
  }
  const chain_config_t *cfg = chain_config(ch);
  const u256_t *ptd = chain_snapshot_td(parent);
  bool pos = cfg->has_ttd && !u256_lt(ptd, &cfg->terminal_total_difficulty);
  block_exec_opts_t eo = {
      .config = cfg,
      .rev = chain_config_revision(cfg, b->header.number, b->header.timestamp, pos),
      .post_merge = pos,
      .block_hash = canonical_hash,
      .block_hash_ctx = ch,
      .tracer = wrap,
      .tracer_ctx = t,
      .given_sender = forced_sender,
      .given_sender_ctx = &forced,
  };
  t->hashes = hashes;
  block_exec_result_t res;
  memset(&res, 0, sizeof res);
  block_error_t be = block_execute(st, vm, b, &eo, &res);
  if (res.local_error) rc = rpc_fail_local(c, res.local_error);
  else if (be != BLOCK_VALID) rc = rpc_fail(c, RPC_SERVER_ERROR, "block re-execution failed: %s", res.reason);
  else if (t->error) rc = rpc_fail_local(c, t->error);
  block_exec_result_free(&res);
out:
  evm_set_tracer(vm, NULL, NULL);
  chain_forced_free(&forced);
  if (st) state_free(st);
  chain_snapshot_release(parent);
  free(hashes);
  chain_read_block_free(&blk);
  return rc ? -1 : 0;
}

static int trace_block_by(rpc_call_t *c, const cJSON *params, bool by_hash) {
  const cJSON *v;
  rpc_block_ref_t ref = {.kind = RPC_BLOCK_HASH};
  trace_config_t cfg;
  if (rpc_need(c, params, 0, &v)) return -1;
  if (by_hash ? rpc_parse_hash(c, 0, v, &ref.hash) : rpc_parse_block_number(c, 0, v, &ref)) return -1;
  if (parse_config(c, params, 1, &cfg)) return -1;
  ethc_hash_t hash;
  if (by_hash) {
    hash = ref.hash;
  } else {
    uint64_t number;
    int rc = ref.number > chain_snapshot_header(rpc_head(c))->number ? ETHC_ERR_NOT_FOUND
                                                                     : rpc_resolve_block(c, &ref, &hash, &number);
    if (rc == ETHC_ERR_NOT_FOUND)
      return rpc_fail(c, RPC_SERVER_ERROR, "block #%llu not found", (unsigned long long)ref.number);
    if (rc) return -1;
  }
  trace_t t;
  evm_tracer_t wrap;
  if (trace_init(c, &t, &wrap, &cfg)) return trace_free(&t), -1;
  t.block_mode = true;
  jw_mark_t m = jw_mark(c->w);
  jw_arr_begin(c->w);
  int rc = trace_block(c, &hash, &t, &wrap);
  if (rc) jw_rollback(c->w, m);
  else jw_arr_end(c->w);
  trace_free(&t);
  return rc;
}
static int debug_traceBlockByNumber(rpc_call_t *c, const cJSON *p) { return trace_block_by(c, p, false); }
static int debug_traceBlockByHash(rpc_call_t *c, const cJSON *p) { return trace_block_by(c, p, true); }

static int debug_traceTransaction(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  ethc_hash_t h;
  trace_config_t cfg;
  if (rpc_need(c, params, 0, &v) || rpc_parse_hash(c, 0, v, &h) || parse_config(c, params, 1, &cfg)) return -1;
  chain_read_tx_t tx = {0};
  int rc = chain_read_tx_by_hash(c->srv->chain, &h, &tx);
  if (rc == ETHC_ERR_NOT_FOUND) return rpc_fail(c, RPC_SERVER_ERROR, "transaction not found");
  if (rc) return rpc_fail_chain(c, rc);
  ethc_hash_t block = tx.block_hash;
  long index = tx.index;
  chain_read_tx_free(&tx);
  trace_t t;
  evm_tracer_t wrap;
  if (trace_init(c, &t, &wrap, &cfg)) return trace_free(&t), -1;
  t.target = index;
  jw_mark_t m = jw_mark(c->w);
  rc = trace_block(c, &block, &t, &wrap);
  if (!rc && !t.wrote) rc = rpc_fail(c, RPC_INTERNAL_ERROR, "the transaction was not traced");
  if (rc) jw_rollback(c->w, m);
  trace_free(&t);
  return rc;
}

static int debug_traceCall(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  chain_call_msg_t msg;
  uint8_t *data;
  rpc_block_ref_t ref;
  trace_config_t cfg;
  chain_snapshot_t *snap;
  if (rpc_need(c, params, 0, &v) || rpc_parse_call(c, 0, v, &msg, &data)) return -1;
  if (rpc_parse_block_ref_opt(c, params, 1, &ref) || parse_config(c, params, 2, &cfg) || rpc_snapshot(c, &ref, &snap))
    return free(data), -1;
  const cJSON *o = rpc_param(params, 2);
  rpc_block_overrides_t bo;
  memset(&bo, 0, sizeof bo);
  if (o && cJSON_IsObject(o)) {
    if (rpc_parse_block_overrides(c, 2, cJSON_GetObjectItemCaseSensitive(o, "blockOverrides"), &bo) ||
        rpc_parse_state_overrides(c, 2, cJSON_GetObjectItemCaseSensitive(o, "stateOverrides"), &msg)) {
      rpc_block_overrides_free(&bo);
      chain_snapshot_release(snap);
      free(data);
      return -1;
    }
  }
  rpc_call_env_t ce;
  rpc_set_call_env(&msg, &ce, &bo, snap);
  rpc_cap_call_gas(c, snap, &msg);
  trace_t t;
  evm_tracer_t wrap;
  evm_t *vm = rpc_thread_vm();
  int rc = -1;
  if (!vm) rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  else if (!trace_init(c, &t, &wrap, &cfg)) {
    jw_mark_t m = jw_mark(c->w);
    evm_set_tracer(vm, &wrap, &t);
    chain_call_result_t r;
    rpc_start_evm_timeout(c, vm); /* --rpc.evmtimeout, as eth_call */
    int lrc = chain_call(snap, vm, &msg, &r);
    evm_set_deadline(vm, 0);
    evm_set_tracer(vm, NULL, NULL);
    if (lrc) rpc_fail_local(c, lrc);
    else {
      if (r.timed_out) rpc_fail_timeout(c);
      else if (r.tx_error) rpc_fail_call_result(c, &r);
      else if (t.error) rpc_fail_local(c, t.error);
      else if (!t.wrote) rpc_fail(c, RPC_INTERNAL_ERROR, "the call was not traced");
      else rc = 0;
      chain_call_result_free(&r);
    }
    if (rc) jw_rollback(c->w, m);
    trace_free(&t);
  } else {
    trace_free(&t);
  }
  chain_snapshot_release(snap);
  free(data);
  rpc_block_overrides_free(&bo);
  return rc;
}

const rpc_method_t rpc_methods_trace[] = {
    {"debug_traceTransaction", RPC_NS_DEBUG, debug_traceTransaction, 2},
    {"debug_traceBlockByNumber", RPC_NS_DEBUG, debug_traceBlockByNumber, 2},
    {"debug_traceBlockByHash", RPC_NS_DEBUG, debug_traceBlockByHash, 2},
    {"debug_traceCall", RPC_NS_DEBUG, debug_traceCall, 3},
    {0},
};
