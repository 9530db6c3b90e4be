/* The tracers of ethc/tracer.h on real execution: the struct logger against
 * go-ethereum's debug_traceBlockBy* / debug_traceTransaction answers for the
 * rpc-compat chain (every field compared), and the callTracer's tree for a
 * hand-built transaction (nested CALL, a revert, a CREATE, a precompile). */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/block_exec.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/state_db.h"
#include "ethc/tracer.h"
#include "ethc/transition.h"

/* An overlay of the post-state of the stored block `hash` (NULL on failure). */
static chain_t *chain;
static state_t *chain_parent_state(const ethc_hash_t *hash) {
  chain_snapshot_t *snap = NULL;
  if (chain_snapshot_at(chain, hash, &snap) != 0) return NULL;
  state_t *st = chain_snapshot_state(snap);
  chain_snapshot_release(snap); /* the overlay reads through the chain's state_db */
  return st;
}

static int buf_write(void *ctx, const uint8_t *data, size_t len) { return bytes_buf_append(ctx, data, len); }

/* ---- structural JSON comparison, naming the first difference ---- */

static bool json_same(const cJSON *a, const cJSON *b, char *path, size_t cap) {
  size_t n = strlen(path);
  if ((a->type & 0xff) != (b->type & 0xff)) {
    snprintf(path + n, cap - n, ": types differ");
    return false;
  }
  if (cJSON_IsNumber(a)) {
    if (a->valuedouble == b->valuedouble) return true;
    snprintf(path + n, cap - n, ": %.0f, expected %.0f", a->valuedouble, b->valuedouble);
    return false;
  }
  if (cJSON_IsString(a)) {
    if (strcmp(a->valuestring, b->valuestring) == 0) return true;
    snprintf(path + n, cap - n, ": \"%s\", expected \"%s\"", a->valuestring, b->valuestring);
    return false;
  }
  if (cJSON_IsArray(a)) {
    int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
    if (na != nb) {
      snprintf(path + n, cap - n, ": %d elements, expected %d", na, nb);
      return false;
    }
    for (int i = 0; i < na; i++) {
      snprintf(path + n, cap - n, "[%d]", i);
      if (!json_same(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), path, cap)) return false;
    }
    path[n] = 0;
    return true;
  }
  if (cJSON_IsObject(a)) {
    const cJSON *x;
    cJSON_ArrayForEach(x, b) {
      if (!cJSON_GetObjectItemCaseSensitive(a, x->string)) {
        snprintf(path + n, cap - n, ".%s: missing", x->string);
        return false;
      }
    }
    cJSON_ArrayForEach(x, a) {
      const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
      snprintf(path + n, cap - n, ".%s", x->string);
      if (!y) {
        strncat(path, ": not expected", cap - strlen(path) - 1);
        return false;
      }
      if (!json_same(x, y, path, cap)) return false;
    }
    path[n] = 0;
    return true;
  }
  return cJSON_Compare(a, b, true);
}

/* ---- debug_trace* on the rpc-compat chain ---- */

static int compared;

static int canonical(void *ctx, uint64_t number, ethc_hash_t *out) {
  (void)ctx;
  return chain_read_canonical_hash(chain, number, out);
}

static bool hash_param(const cJSON *p, ethc_hash_t *h) {
  return cJSON_IsString(p) && hex_decode(p->valuestring, true, h->bytes, 32, NULL) == 0;
}

/* Re-executes block `hash` on its parent's state with the struct logger; *out gets
 * one parsed result per transaction (a JSON array) and *hashes their hashes. */
static cJSON *trace_block(const ethc_hash_t *hash, const evm_struct_logger_opts_t *opts, ethc_hash_t **hashes,
                          size_t *count) {
  chain_read_block_t blk;
  memset(&blk, 0, sizeof blk);
  if (chain_read_block(chain, hash, &blk) != 0) return NULL;
  const chain_block_t *b = &blk.block;
  chain_header_t parent;
  ethc_hash_t ph;
  u256_t ptd;
  cJSON *arr = NULL;
  state_t *st = NULL;
  CHECK(b->header.number > 0);
  if (b->header.number == 0 || chain_read_header_by_number(chain, b->header.number - 1, &parent, &ph) != 0 ||
      chain_read_td(chain, &ph, &ptd) != 0 || !(st = chain_parent_state(&ph))) {
    CHECK_MSG(false, "no parent state for block %llu", (unsigned long long)b->header.number);
    chain_read_block_free(&blk);
    return NULL;
  }
  const chain_config_t *cfg = chain_config(chain);
  bool pos = cfg->has_ttd && !u256_lt(&ptd, &cfg->terminal_total_difficulty);
  bytes_buf_t text = {0};
  evm_struct_logger_t *l = evm_struct_logger_create(opts, buf_write, &text);
  evm_t *vm = evm_create();
  block_exec_opts_t eo = {cfg,  chain_config_revision(cfg, b->header.number, b->header.timestamp, pos),
                          pos,  canonical,
                          NULL, &evm_struct_logger_tracer,
                          l,    NULL,
                          NULL};
  block_exec_result_t res;
  memset(&res, 0, sizeof res);
  block_error_t be = block_execute(st, vm, b, &eo, &res);
  CHECK_MSG(be == BLOCK_VALID, "block %llu: %s", (unsigned long long)b->header.number, res.reason);
  CHECK(evm_struct_logger_error(l) == 0);
  block_exec_result_free(&res);
  evm_struct_logger_destroy(l);
  evm_destroy(vm);
  state_free(st);

  /* the logger wrote one JSON object per transaction, back to back */
  *count = b->tx_count;
  *hashes = calloc(b->tx_count + 1, sizeof **hashes);
  arr = cJSON_CreateArray();
  CHECK(bytes_buf_push(&text, 0) == 0);
  const char *p = (const char *)text.data, *end = NULL;
  for (size_t i = 0; i < b->tx_count; i++) {
    CHECK(tx_hash(&b->txs[i], &(*hashes)[i]) == 0);
    cJSON *one = p ? cJSON_ParseWithOpts(p, &end, false) : NULL;
    CHECK_MSG(one != NULL, "transaction %zu: the struct logger's output does not parse", i);
    if (!one) break;
    cJSON_AddItemToArray(arr, one);
    p = end;
  }
  CHECK(p && *p == 0); /* nothing after the last transaction */
  bytes_buf_free(&text);
  chain_read_block_free(&blk);
  return arr;
}

static void opts_from(const cJSON *o, evm_struct_logger_opts_t *opts) {
  memset(opts, 0, sizeof *opts);
  if (!cJSON_IsObject(o)) return;
  opts->disable_stack = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "disableStack"));
  opts->disable_storage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "disableStorage"));
  opts->enable_memory = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "enableMemory"));
  opts->enable_return_data = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "enableReturnData"));
  const cJSON *lim = cJSON_GetObjectItemCaseSensitive(o, "limit");
  if (cJSON_IsNumber(lim)) opts->limit = (size_t)lim->valuedouble;
}

static void check_pair(const char *file, const cJSON *req, const cJSON *resp) {
  const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(req, "method"));
  const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
  const cJSON *want = cJSON_GetObjectItemCaseSensitive(resp, "result");
  if (!method || !want) return; /* an error answer: the RPC's business, not the tracer's */
  const cJSON *tracer = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(params, 1), "tracer");
  if (tracer) return; /* only the default tracer here */
  evm_struct_logger_opts_t opts;
  opts_from(cJSON_GetArrayItem(params, 1), &opts);
  ethc_hash_t block, txh;
  bool one_tx = strcmp(method, "debug_traceTransaction") == 0;
  const cJSON *p0 = cJSON_GetArrayItem(params, 0);
  if (strcmp(method, "debug_traceBlockByNumber") == 0) {
    uint64_t n = strtoull(cJSON_GetStringValue(p0) ? p0->valuestring : "x", NULL, 16);
    CHECK(chain_read_canonical_hash(chain, n, &block) == 0);
  } else if (strcmp(method, "debug_traceBlockByHash") == 0) {
    CHECK(hash_param(p0, &block));
  } else if (one_tx) {
    chain_read_tx_t t;
    CHECK(hash_param(p0, &txh) && chain_read_tx_by_hash(chain, &txh, &t) == 0);
    block = t.block_hash;
    chain_read_tx_free(&t);
  } else {
    return;
  }
  ethc_hash_t *hashes = NULL;
  size_t count = 0;
  cJSON *got = trace_block(&block, &opts, &hashes, &count);
  CHECK_MSG(got != NULL, "%s: block not traced", file);
  if (got) {
    char path[512];
    if (one_tx) {
      for (size_t i = 0; i < count; i++) {
        if (!ethc_hash_eq(&hashes[i], &txh)) continue;
        snprintf(path, sizeof path, "result");
        CHECK_MSG(json_same(cJSON_GetArrayItem(got, (int)i), want, path, sizeof path), "%s: %s", file, path);
        compared++;
      }
    } else {
      CHECK_MSG(cJSON_GetArraySize(want) == (int)count, "%s: %d results, expected %zu", file, cJSON_GetArraySize(want),
                count);
      for (int i = 0; i < cJSON_GetArraySize(want) && (size_t)i < count; i++) {
        const cJSON *w = cJSON_GetArrayItem(want, i);
        ethc_hash_t wh;
        CHECK(hash_param(cJSON_GetObjectItemCaseSensitive(w, "txHash"), &wh) && ethc_hash_eq(&wh, &hashes[i]));
        snprintf(path, sizeof path, "result[%d].result", i);
        CHECK_MSG(
            json_same(cJSON_GetArrayItem(got, i), cJSON_GetObjectItemCaseSensitive(w, "result"), path, sizeof path),
            "%s: %s", file, path);
        compared++;
        if (i == 0) { /* the comparison sees a one-gas difference in the last entry */
          cJSON *bad = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(w, "result"), true);
          cJSON *logs = cJSON_GetObjectItemCaseSensitive(bad, "structLogs");
          cJSON *last = cJSON_GetArrayItem(logs, cJSON_GetArraySize(logs) - 1);
          cJSON *gc = cJSON_GetObjectItemCaseSensitive(last, "gasCost");
          if (gc) cJSON_SetNumberValue(gc, gc->valuedouble + 1);
          path[0] = 0;
          CHECK(gc && !json_same(cJSON_GetArrayItem(got, i), bad, path, sizeof path) && strstr(path, "gasCost"));
          cJSON_Delete(bad);
        }
      }
    }
  }
  cJSON_Delete(got);
  free(hashes);
}

static void run_dir(const char *shared, const char *method) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/rpc-compat/%s", shared, method);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    if (n < 4 || strcmp(e->d_name + n - 3, ".io") != 0) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *text = (char *)bytes_read_file(path, NULL);
    CHECK(text != NULL);
    cJSON *req = NULL;
    for (char *line = text ? strtok(text, "\n") : NULL; line; line = strtok(NULL, "\n")) {
      if (strncmp(line, ">> ", 3) == 0) {
        cJSON_Delete(req);
        req = cJSON_Parse(line + 3);
      } else if (strncmp(line, "<< ", 3) == 0 && req) {
        cJSON *resp = cJSON_Parse(line + 3);
        CHECK(resp != NULL);
        if (resp) check_pair(e->d_name, req, resp);
        cJSON_Delete(resp);
      }
    }
    cJSON_Delete(req);
    free(text);
  }
  closedir(d);
}

static void test_struct_logger_rpc(const char *shared) {
  test_chain_t t;
  if ((chain = test_chain_import(&t, "rpc-compat", NULL))) {
    run_dir(shared, "debug_traceBlockByNumber");
    run_dir(shared, "debug_traceBlockByHash");
    run_dir(shared, "debug_traceTransaction");
    printf("%d traced transactions compared with go-ethereum's\n", compared);
    CHECK(compared >= 60);
  }
  test_chain_remove(&t);
  chain = NULL;
}


/* ---- callTracer on a hand-built transaction ---- */

static ethc_address_t address_of(uint8_t last) {
  ethc_address_t a;
  memset(&a, 0, sizeof a);
  a.bytes[19] = last;
  return a;
}

static void put_code(state_t *st, uint8_t last, const char *hex) {
  uint8_t code[512];
  size_t n = 0;
  CHECK(hex_decode(hex, false, code, sizeof code, &n) == 0);
  ethc_address_t a = address_of(last);
  CHECK(state_set_code(st, &a, code, n) == 0);
}

/* A (0x..a0) calls B with 100000 gas, then R with 1 wei, logs, and creates a
 * contract whose code is 0x01. B STATICCALLs the identity precompile with two
 * bytes, CALLs the code-less 0x..e0, CALLs D (0x..d0), which
 * SELFDESTRUCTs to A with its 7 wei, and returns 42. R logs and reverts with
 * Error("nope"). */
static const char *const code_a =
    "602060006000600060007300000000000000000000000000000000000000b0620186a0f150"
    "600060006000600060017300000000000000000000000000000000000000c0620186a0f150"
    "60006000a0"
    "69600160005360016000f3600052600a60166000f05000";
static const char *const code_b =
    "6002600060026000600461fffffa50"
    "600060006000600060007300000000000000000000000000000000000000e061fffff150"
    "600060006000600060007300000000000000000000000000000000000000d061fffff150"
    "602a60005260206000f3";
static const char *const code_r =
    "60006000a0"
    "7f08c379a000000000000000000000000000000000000000000000000000000000600052"
    "6020600452"
    "6004602452"
    "7f6e6f706500000000000000000000000000000000000000000000000000000000604452"
    "60646000fd";

/* Runs a transaction to 0x..`to` with `tr` on: A (above), or G (0x..70), which
 * calls F (0x..f0), which clears its slot 0 (a 4800 refund). */
static void run_tx(uint8_t to, const evm_tracer_t *tr, void *ctx) {
  state_t *st = state_new();
  ethc_address_t from = address_of(0x99), a = address_of(0xa0);
  u256_t rich = u256_from_u64(1000000000000000000ull), ten = u256_from_u64(10);
  CHECK(state_set_balance(st, &from, &rich) == 0);
  CHECK(state_set_balance(st, &a, &ten) == 0);
  put_code(st, 0xa0, code_a);
  put_code(st, 0xb0, code_b);
  put_code(st, 0xc0, code_r);
  put_code(st, 0xd0, "60a0ff"); /* SELFDESTRUCT to A */
  ethc_address_t d = address_of(0xd0);
  u256_t seven = u256_from_u64(7);
  CHECK(state_set_balance(st, &d, &seven) == 0);
  put_code(st, 0xf0, "600060005500");
  put_code(st, 0x70, "600060006000600060007300000000000000000000000000000000000000f061fffff100");
  ethc_address_t fa = address_of(0xf0);
  u256_t zero = U256_ZERO, one = U256_ONE;
  CHECK(state_set_storage(st, &fa, &one, &one, NULL, NULL) == 0);
  CHECK(state_set_storage(st, &fa, &zero, &one, NULL, NULL) == 0);
  state_commit(st, true);
  chain_block_env_t env;
  memset(&env, 0, sizeof env);
  env.number = 1;
  env.timestamp = 1000;
  env.gas_limit = 30000000;
  env.base_fee = u256_from_u64(10);
  env.chain_id = U256_ONE;
  tx_t tx;
  memset(&tx, 0, sizeof tx);
  tx.type = TX_LEGACY;
  tx.gas_price = u256_from_u64(10);
  tx.gas_limit = 1000000;
  tx.has_to = true;
  tx.to = address_of(to);
  uint8_t data[2] = {0x12, 0x34};
  tx.data = data;
  tx.data_len = sizeof data;

  evm_t *vm = evm_create();
  evm_set_tracer(vm, tr, ctx);
  chain_tx_result_t res;
  memset(&res, 0, sizeof res);
  CHECK(chain_apply_tx(st, vm, EVM_CANCUN, &env, &tx, &from, &res, NULL, NULL) == 0);
  CHECK(res.status == EVM_SUCCESS);
  chain_tx_result_free(&res);
  evm_destroy(vm);
  state_free(st);
}

static char *call_trace(const evm_call_tracer_opts_t *opts) {
  bytes_buf_t out = {0};
  evm_call_tracer_t *t = evm_call_tracer_create(opts, buf_write, &out);
  run_tx(0xa0, &evm_call_tracer, t);
  CHECK(evm_call_tracer_error(t) == 0);
  evm_call_tracer_destroy(t);
  CHECK(bytes_buf_push(&out, 0) == 0);
  return (char *)out.data;
}

static cJSON *struct_trace(uint8_t to, const evm_struct_logger_opts_t *opts) {
  bytes_buf_t out = {0};
  evm_struct_logger_t *l = evm_struct_logger_create(opts, buf_write, &out);
  run_tx(to, &evm_struct_logger_tracer, l);
  CHECK(evm_struct_logger_error(l) == 0);
  evm_struct_logger_destroy(l);
  CHECK(bytes_buf_push(&out, 0) == 0);
  cJSON *j = out.data ? cJSON_Parse((const char *)out.data) : NULL;
  CHECK_MSG(j != NULL, "the struct logger's output does not parse");
  bytes_buf_free(&out);
  return j;
}

static int64_t num(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
}

/* The first entry of `op` at `depth`, or NULL. */
static const cJSON *find_op(const cJSON *logs, const char *op, int depth) {
  const cJSON *e;
  cJSON_ArrayForEach(e, logs) {
    const char *o = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "op"));
    if (o && strcmp(o, op) == 0 && num(e, "depth") == depth) return e;
  }
  return NULL;
}

/* The struct logger's costs on the call tree (what geth reports: a CALL's cost
 * holds the gas it forwards, a CREATE's does not) and its options. */
static void test_struct_logger_tree(void) {
  evm_struct_logger_opts_t opts = {false, false, true, true, 0};
  cJSON *j = struct_trace(0xa0, &opts);
  const cJSON *logs = cJSON_GetObjectItemCaseSensitive(j, "structLogs");
  CHECK(cJSON_GetArraySize(logs) > 50);
  /* A's CALL to cold B: 2600 + one memory word (3) + the 100000 it forwards */
  CHECK(num(find_op(logs, "CALL", 1), "gasCost") == 102603);
  /* A's CREATE: 32000 + 2 for one init-code word (EIP-3860); the memory is there */
  CHECK(num(find_op(logs, "CREATE", 1), "gasCost") == 32002);
  /* the init code's RETURN: no memory growth, and not the 200 of code deposit */
  CHECK(num(find_op(logs, "RETURN", 2), "gasCost") == 0);
  CHECK(num(find_op(logs, "SELFDESTRUCT", 3), "gasCost") == 5000);
  /* R's REVERT at depth 2: memory already grown by its MSTOREs */
  CHECK(num(find_op(logs, "REVERT", 2), "gasCost") == 0);
  /* every entry at depth 1 that is followed by one at depth 1 and is not a call:
   * its cost is the gas difference */
  int consistent = 0, n = cJSON_GetArraySize(logs);
  for (int i = 0; i + 1 < n; i++) {
    const cJSON *a = cJSON_GetArrayItem(logs, i), *b = cJSON_GetArrayItem(logs, i + 1);
    const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "op"));
    if (num(a, "depth") != 1 || num(b, "depth") != 1 || !op || strstr(op, "CALL") || strstr(op, "CREATE")) continue;
    CHECK_MSG(num(a, "gas") - num(a, "gasCost") == num(b, "gas"), "entry %d (%s)", i, op);
    consistent++;
  }
  CHECK(consistent > 20);
  /* memory: 0x-prefixed 32-byte words, from the first MSTORE on */
  const cJSON *mem = cJSON_GetObjectItemCaseSensitive(find_op(logs, "CREATE", 1), "memory");
  CHECK(cJSON_GetArraySize(mem) == 1 &&
        strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(mem, 0)),
               "0x00000000000000000000000000000000000000000000600160005360016000f3") == 0);
  /* returnData: the callee's output as RETURNDATACOPY would see it */
  const cJSON *after_b = cJSON_GetArrayItem(logs, 0);
  const cJSON *e;
  bool seen = false;
  cJSON_ArrayForEach(e, logs) {
    if (num(e, "depth") == 1 && cJSON_GetObjectItemCaseSensitive(e, "returnData")) {
      after_b = e;
      seen = true;
      break;
    }
  }
  CHECK(seen && strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(after_b, "returnData")),
                       "0x000000000000000000000000000000000000000000000000000000000000002a") == 0);
  CHECK(num(j, "gas") > 21000 && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "failed")));
  cJSON_Delete(j);

  /* disableStack, no memory, a limit of 10 entries */
  evm_struct_logger_opts_t o2 = {true, true, false, false, 10};
  j = struct_trace(0xa0, &o2);
  logs = cJSON_GetObjectItemCaseSensitive(j, "structLogs");
  CHECK(cJSON_GetArraySize(logs) == 10);
  cJSON_ArrayForEach(e, logs) {
    CHECK(!cJSON_GetObjectItemCaseSensitive(e, "stack") && !cJSON_GetObjectItemCaseSensitive(e, "memory"));
  }
  cJSON_Delete(j);

  /* refund: the transaction's counter, from the SSTORE that earns it on, in the
   * callee and then in its caller */
  evm_struct_logger_opts_t o3 = {false, false, false, false, 0};
  j = struct_trace(0x70, &o3);
  logs = cJSON_GetObjectItemCaseSensitive(j, "structLogs");
  const cJSON *sstore = find_op(logs, "SSTORE", 2), *stop2 = find_op(logs, "STOP", 2),
              *stop1 = find_op(logs, "STOP", 1);
  CHECK(sstore && !cJSON_GetObjectItemCaseSensitive(sstore, "refund"));
  CHECK(num(stop2, "refund") == 4800 && num(stop1, "refund") == 4800);
  CHECK(find_op(logs, "CALL", 1) && !cJSON_GetObjectItemCaseSensitive(find_op(logs, "CALL", 1), "refund"));
  /* SSTORE's storage: the slot with the value written */
  const cJSON *stg = cJSON_GetObjectItemCaseSensitive(sstore, "storage");
  CHECK(cJSON_GetArraySize(stg) == 1 &&
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                   stg, "0x0000000000000000000000000000000000000000000000000000000000000000")),
               "0x0000000000000000000000000000000000000000000000000000000000000000") == 0);
  cJSON_Delete(j);
}

static void check_call_trace(const char *got, const char *want) {
  cJSON *g = cJSON_Parse(got), *w = cJSON_Parse(want);
  CHECK_MSG(g != NULL, "the callTracer's output does not parse: %s", got);
  CHECK(w != NULL);
  char path[512] = "";
  if (g && w) CHECK_MSG(json_same(g, w, path, sizeof path), "%s in %s", path, got);
  cJSON_Delete(g);
  cJSON_Delete(w);
}

/* The whole tree (the root's gas is the transaction's limit, its gasUsed the
 * receipt's; R's log is gone with its revert; a create's output is its code). */
static const char *const want_tree =
    "{\"from\":\"0x0000000000000000000000000000000000000099\",\"gas\":\"0xf4240\",\"gasUsed\":\"0x12a9a\",\""
    "to\":\"0x00000000000000000000000000000000000000a0\",\"input\":\"0x1234\",\"calls\":[{\"from\":\"0x0000"
    "0000000000000000000000000000000000a0\",\"gas\":\"0x186a0\",\"gasUsed\":\"0x28a5\",\"to\":\"0x000000000"
    "00000000000000000000000000000b0\",\"input\":\"0x\",\"output\":\"0x00000000000000000000000000000000"
    "0000000000000000000000000000002a\",\"calls\":[{\"from\":\"0x000000000000000000000000000000000000"
    "00b0\",\"gas\":\"0xffff\",\"gasUsed\":\"0x12\",\"to\":\"0x0000000000000000000000000000000000000004\",\"i"
    "nput\":\"0x0000\",\"output\":\"0x0000\",\"type\":\"STATICCALL\"},{\"from\":\"0x0000000000000000000000000"
    "0000000000000b0\",\"gas\":\"0xffff\",\"gasUsed\":\"0x0\",\"to\":\"0x0000000000000000000000000000000000"
    "0000e0\",\"input\":\"0x\",\"value\":\"0x0\",\"type\":\"CALL\"},{\"from\":\"0x00000000000000000000000000000"
    "000000000b0\",\"gas\":\"0xffff\",\"gasUsed\":\"0x138b\",\"to\":\"0x00000000000000000000000000000000000"
    "000d0\",\"input\":\"0x\",\"calls\":[{\"from\":\"0x00000000000000000000000000000000000000d0\",\"gas\":\"0"
    "x0\",\"gasUsed\":\"0x0\",\"to\":\"0x00000000000000000000000000000000000000a0\",\"input\":\"0x\",\"value\""
    ":\"0x7\",\"type\":\"SELFDESTRUCT\"}],\"value\":\"0x0\",\"type\":\"CALL\"}],\"value\":\"0x0\",\"type\":\"CALL\"},"
    "{\"from\":\"0x00000000000000000000000000000000000000a0\",\"gas\":\"0x18f9c\",\"gasUsed\":\"0x1b3\",\"to"
    "\":\"0x00000000000000000000000000000000000000c0\",\"input\":\"0x\",\"output\":\"0x08c379a00000000000"
    "000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000"
    "00000000000000000000000000046e6f7065000000000000000000000000000000000000000000000000000000"
    "00\",\"error\":\"execution reverted\",\"revertReason\":\"nope\",\"value\":\"0x1\",\"type\":\"CALL\"},{\"from"
    "\":\"0x00000000000000000000000000000000000000a0\",\"gas\":\"0xde020\",\"gasUsed\":\"0xda\",\"to\":\"0x59"
    "3fc017db7bd67c4ae7aba4298b5547b6d397e9\",\"input\":\"0x600160005360016000f3\",\"output\":\"0x01\",\""
    "value\":\"0x0\",\"type\":\"CREATE\"}],\"logs\":[{\"address\":\"0x0000000000000000000000000000000000000"
    "0a0\",\"topics\":[],\"data\":\"0x\",\"position\":\"0x2\"}],\"value\":\"0x0\",\"type\":\"CALL\"}";

/* onlyTopCall: the root alone, with its own log (no recorded call precedes it,
 * as in go-ethereum). */
static const char *const want_top =
    "{\"from\":\"0x0000000000000000000000000000000000000099\",\"gas\":\"0xf4240\",\"gasUsed\":\"0x12a9a\",\""
    "to\":\"0x00000000000000000000000000000000000000a0\",\"input\":\"0x1234\",\"logs\":[{\"address\":\"0x00"
    "000000000000000000000000000000000000a0\",\"topics\":[],\"data\":\"0x\",\"position\":\"0x0\"}],\"value\""
    ":\"0x0\",\"type\":\"CALL\"}";

/* and without logs */
static const char *const want_top_nolog =
    "{\"from\":\"0x0000000000000000000000000000000000000099\",\"gas\":\"0xf4240\",\"gasUsed\":\"0x12a9a\",\""
    "to\":\"0x00000000000000000000000000000000000000a0\",\"input\":\"0x1234\",\"value\":\"0x0\",\"type\":\"CA"
    "LL\"}";

static void test_call_tracer(void) {
  evm_call_tracer_opts_t opts = {false, true};
  char *got = call_trace(&opts);
  check_call_trace(got, want_tree);
  free(got);
  opts.only_top_call = true;
  got = call_trace(&opts);
  check_call_trace(got, want_top);
  free(got);
  opts.with_log = false; /* and without logs */
  got = call_trace(&opts);
  check_call_trace(got, want_top_nolog);
  free(got);
}

int main(void) {
  test_call_tracer();
  test_struct_logger_tree();
  test_struct_logger_rpc(check_shared_dir());
  return check_summary();
}
