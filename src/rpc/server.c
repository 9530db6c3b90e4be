/* The JSON-RPC 2.0 dispatcher (jsonrpc.org/specification): one body, a request
 * or a batch, parsed with cJSON and answered through the streaming writer.
 * Each response echoes its request's id byte for byte, taken from the request
 * text (cJSON would turn 12345678901234567890 into a double). Errors, batch
 * limits and the response-size limit are those geth gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/error.h"
#include "ethc/log.h"
#include "rpc/method_index.h"
#include "rpc/quick.h"
#include "rpc/request_scan.h"
#include "rpc/rpc_internal.h"

/* Namespaces accepted in --http.api whose methods come later: enabling them
 * serves nothing yet, but is not an error. */
static const char *const future_ns[] = {"admin", "testing", "engine", "miner", "personal"};

int rpc_server_new(const rpc_config_t *cfg, rpc_server_t **out, char *err, size_t errlen) {
  rpc_server_t *s = calloc(1, sizeof *s);
  if (!s) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  s->chain = cfg->chain;
  s->batch_limit = cfg->batch_limit;
  s->batch_response_max = cfg->batch_response_max;
  s->gas_cap = cfg->gas_cap;
  s->evm_timeout_ms = cfg->evm_timeout_ms;
  if (cfg->txpool) s->txpool = *cfg->txpool;
  s->logs_limit = cfg->logs_limit ? cfg->logs_limit : 10000;
  snprintf(s->client_version, sizeof s->client_version, "%s", cfg->client_version ? cfg->client_version : "ethc");
  s->ns_enabled[RPC_NS_RPC] = true; /* rpc_modules is always there, as in geth */
  pthread_mutex_init(&s->subs_lock, NULL);
  if (rpc_filters_new(s)) return free(s), snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  const char *p = cfg->apis ? cfg->apis : "eth,net,web3";
  while (*p) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ", ");
    if (!n) break;
    bool known = false;
    for (int ns = 0; ns < RPC_NS_COUNT; ns++)
      if (strlen(rpc_ns_names[ns]) == n && !strncmp(p, rpc_ns_names[ns], n)) s->ns_enabled[ns] = known = true;
    for (size_t i = 0; i < sizeof future_ns / sizeof *future_ns; i++)
      if (strlen(future_ns[i]) == n && !strncmp(p, future_ns[i], n)) known = true;
    if (!known) {
      snprintf(err, errlen,
               "unknown API namespace \"%.*s\" (known: eth, net, web3, debug, rpc, txpool, admin, testing)", (int)n, p);
      rpc_filters_free(s);
      free(s);
      return ETHC_ERR_INVALID;
    }
    p += n;
  }
  /* engine_* only where the node asked for them (its authenticated port) */
  s->ns_enabled[RPC_NS_ENGINE] = cfg->engine_lock != NULL;
  if (cfg->engine_lock && rpc_engine_new(s, cfg->engine_lock)) {
    rpc_filters_free(s);
    free(s);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  *out = s;
  return 0;
}

void rpc_server_free(rpc_server_t *s) {
  if (!s) return;
  while (s->subs) {
    rpc_sub_t *next = s->subs->next;
    rpc_sub_free(s->subs);
    s->subs = next;
  }
  pthread_mutex_destroy(&s->subs_lock);
  rpc_filters_free(s);
  rpc_engine_free(s);
  free(s);
}

/* ---- the raw text of ids ---- */

typedef struct {
  size_t start, len; /* len 0: no id key */
} span_t;

/* As cJSON, which takes every byte up to 0x20 for white space. */
static size_t skip_ws(const char *b, size_t i, size_t n) {
  while (i < n && (unsigned char)b[i] <= 0x20) i++;
  return i;
}
static size_t skip_string(const char *b, size_t i, size_t n) {
  for (i++; i < n && b[i] != '"'; i++)
    if (b[i] == '\\') i++;
  return i < n ? i + 1 : n;
}
/* The end of the value at i. The text is valid JSON (cJSON parsed it), so
 * brackets balance outside strings; no recursion, whatever the nesting. */
static size_t skip_value(const char *b, size_t i, size_t n) {
  if (i >= n) return n;
  if (b[i] == '"') return skip_string(b, i, n);
  if (b[i] == '{' || b[i] == '[') {
    size_t depth = 0;
    while (i < n) {
      char ch = b[i];
      if (ch == '"') {
        i = skip_string(b, i, n);
        continue;
      }
      if (ch == '{' || ch == '[') depth++;
      else if (ch == '}' || ch == ']') {
        if (--depth == 0) return i + 1;
      }
      i++;
    }
    return n;
  }
  while (i < n && (unsigned char)b[i] > 0x20 && b[i] != ',' && b[i] != '}' && b[i] != ']') i++;
  return i;
}
/* The span of the value of the first "id" key of the object at i. */
static span_t find_id(const char *b, size_t i, size_t n) {
  span_t sp = {0, 0};
  i = skip_ws(b, i + 1, n);
  while (i < n && b[i] == '"') {
    size_t ks = i;
    i = skip_string(b, i, n);
    bool is_id = i - ks == 4 && !memcmp(b + ks, "\"id\"", 4);
    i = skip_ws(b, i, n);
    if (i < n && b[i] == ':') i = skip_ws(b, i + 1, n);
    size_t vs = i;
    i = skip_value(b, i, n);
    if (is_id && !sp.len) sp = (span_t){vs, i - vs};
    i = skip_ws(b, i, n);
    if (i < n && b[i] == ',') i = skip_ws(b, i + 1, n);
    else break;
  }
  return sp;
}

/* Whether an id's raw text is strict JSON, safe to echo: cJSON also takes
 * "+1", "1." or raw control bytes in strings. */
static bool strict_id(const char *t, size_t n) {
  if (n == 4 && !memcmp(t, "null", 4)) return true;
  if (t[0] == '"') {
    if (n < 2 || t[n - 1] != '"') return false;
    for (size_t i = 1; i + 1 < n; i++) {
      unsigned char ch = (unsigned char)t[i];
      if (ch < 0x20) return false;
      if (ch == '\\') {
        if (i + 2 >= n || !strchr("\"\\/bfnrtu", t[i + 1])) return false;
        i++;
      }
    }
    return true;
  }
  size_t i = 0;
  if (t[i] == '-') i++;
  if (i >= n || t[i] < '0' || t[i] > '9') return false;
  if (t[i] == '0') i++;
  else
    while (i < n && t[i] >= '0' && t[i] <= '9') i++;
  if (i < n && t[i] == '.') {
    if (++i >= n || t[i] < '0' || t[i] > '9') return false;
    while (i < n && t[i] >= '0' && t[i] <= '9') i++;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    i++;
    if (i < n && (t[i] == '+' || t[i] == '-')) i++;
    if (i >= n || t[i] < '0' || t[i] > '9') return false;
    while (i < n && t[i] >= '0' && t[i] <= '9') i++;
  }
  return i == n;
}

/* ---- responses ---- */

static void envelope_begin(jw_t *w, const char *id, size_t id_len) {
  jw_obj_begin(w);
  jw_key(w, "jsonrpc");
  jw_raw(w, "\"2.0\"", 5);
  jw_key(w, "id");
  if (id_len) jw_raw(w, id, id_len);
  else jw_null(w);
}

static void write_error_data(jw_t *w, const char *id, size_t id_len, int code, const char *msg, const uint8_t *data,
                             size_t data_len) {
  envelope_begin(w, id, id_len);
  jw_key(w, "error");
  jw_obj_begin(w);
  jw_key(w, "code");
  jw_int(w, code);
  jw_key(w, "message");
  jw_cstr(w, msg);
  if (data) jw_kdata(w, "data", data, data_len);
  jw_obj_end(w);
  jw_obj_end(w);
}

static void write_error(jw_t *w, const char *id, size_t id_len, int code, const char *msg) {
  write_error_data(w, id, id_len, code, msg, NULL, 0);
}

char *rpc_error_body(int code, const char *message, size_t *len) {
  jw_t w;
  jw_init(&w);
  write_error(&w, NULL, 0, code, message);
  return jw_take(&w, len);
}

static void call_method(rpc_server_t *s, rpc_session_t *sess, chain_snapshot_t **head, const rpc_method_t *m,
                        const cJSON *params, const char *id_text, size_t id_len, bool respond, jw_t *w);

/* Handles one request object. Returns true when a response was written. */
static bool handle_one(rpc_server_t *s, rpc_session_t *sess, chain_snapshot_t **head, const cJSON *req,
                       const char *body, span_t idsp, jw_t *w) {
  if (!cJSON_IsObject(req)) return write_error(w, NULL, 0, RPC_INVALID_REQUEST, "invalid request"), true;
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "id");
  const char *id_text = NULL;
  size_t id_len = 0;
  char *id_printed = NULL;
  if (id) {
    if (!cJSON_IsString(id) && !cJSON_IsNumber(id) && !cJSON_IsNull(id))
      return write_error(w, NULL, 0, RPC_INVALID_REQUEST, "invalid request: id must be a string, number or null"), true;
    if (idsp.len && strict_id(body + idsp.start, idsp.len)) {
      id_text = body + idsp.start;
      id_len = idsp.len;
    } else { /* an escaped "id" key, or text cJSON is laxer about: print its value */
      id_printed = cJSON_PrintUnformatted(id);
      if (!id_printed) return write_error(w, NULL, 0, RPC_INTERNAL_ERROR, "out of memory"), true;
      id_text = id_printed;
      id_len = strlen(id_printed);
    }
  }
  bool respond = id != NULL;
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(req, "jsonrpc");
  const cJSON *method = cJSON_GetObjectItemCaseSensitive(req, "method");
  const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
  char msg[160];
  int code = 0;
  const rpc_method_t *m = NULL;
  if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0")) {
    code = RPC_INVALID_REQUEST, snprintf(msg, sizeof msg, "invalid request: jsonrpc must be \"2.0\"");
    respond = true;
  } else if (!cJSON_IsString(method)) {
    code = RPC_INVALID_REQUEST, snprintf(msg, sizeof msg, "invalid request: method must be a string");
    respond = true;
  } else if (params && !cJSON_IsNull(params) && !cJSON_IsArray(params)) {
    code = RPC_INVALID_PARAMS, snprintf(msg, sizeof msg, "non-array args");
  } else if (!(m = rpc_method_lookup(method->valuestring)) || !s->ns_enabled[m->ns]) {
    code = RPC_METHOD_NOT_FOUND,
    snprintf(msg, sizeof msg, "the method %.100s does not exist/is not available", method->valuestring);
  } else if (rpc_param_count(params) > m->max_params) {
    code = RPC_INVALID_PARAMS, snprintf(msg, sizeof msg, "too many arguments, want at most %d", m->max_params);
  }
  if (code) {
    if (code == RPC_METHOD_NOT_FOUND) rpc_metrics_call(s, NULL, 0, true);
    if (respond) write_error(w, id_text, id_len, code, msg);
    free(id_printed);
    return respond;
  }
  call_method(s, sess, head, m, cJSON_IsArray(params) ? params : NULL, id_text, id_len, respond, w);
  free(id_printed);
  return respond;
}

/* Runs a checked call of m and writes its response (none when !respond). */
static void call_method(rpc_server_t *s, rpc_session_t *sess, chain_snapshot_t **head, const rpc_method_t *m,
                        const cJSON *params, const char *id_text, size_t id_len, bool respond, jw_t *w) {
  jw_mark_t mark = jw_mark(w);
  envelope_begin(w, id_text, id_len);
  jw_key(w, "result");
  rpc_call_t call = {.srv = s, .sess = sess, .w = w, .head = head};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = m->fn(&call, params);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  uint64_t ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
  if (!rpc_inline_spent()) rpc_metrics_call(s, m, ns, rc != 0); /* a dropped try is not a call (quick.h) */
  if (ethc_log_enabled(ETHC_LOG_DEBUG)) {
    if (rc)
      ethc_log(ETHC_LOG_DEBUG, "rpc %s %.3f ms error %d: %s", m->name, (double)ns / 1e6, call.err_code, call.err_msg);
    else ethc_log(ETHC_LOG_DEBUG, "rpc %s %.3f ms ok", m->name, (double)ns / 1e6);
  }
  if (rc) {
    jw_rollback(w, mark);
    if (!call.err_code)
      call.err_code = RPC_INTERNAL_ERROR, snprintf(call.err_msg, sizeof call.err_msg, "internal error");
    if (respond) write_error_data(w, id_text, id_len, call.err_code, call.err_msg, call.err_data, call.err_data_len);
  } else if (!respond) {
    jw_rollback(w, mark);
  } else {
    jw_obj_end(w);
  }
  free(call.err_data);
}

static int finish(jw_t *w, char **resp, size_t *resp_len) {
  if (w->oom) {
    jw_free(w);
    return ETHC_ERR_NOMEM;
  }
  if (w->len == 0) {
    jw_free(w);
    *resp = NULL;
    *resp_len = 0;
    return 0;
  }
  *resp = jw_take(w, resp_len);
  return *resp ? 0 : ETHC_ERR_NOMEM;
}

int rpc_server_handle(rpc_server_t *s, const char *body, size_t len, char **resp, size_t *resp_len) {
  return rpc_server_handle_session(s, NULL, body, len, resp, resp_len);
}

static int handle_request(rpc_server_t *s, rpc_session_t *sess, chain_snapshot_t **head, const char *body, size_t len,
                          char **resp, size_t *resp_len);

int rpc_server_handle_session(rpc_server_t *s, rpc_session_t *sess, const char *body, size_t len, char **resp,
                              size_t *resp_len) {
  chain_snapshot_t *head = NULL;
  int rc = handle_request(s, sess, &head, body, len, resp, resp_len);
  chain_snapshot_release(head);
  return rc;
}

/* Whether b[0..n) is UTF-8 (RFC 3629: no overlong forms, surrogates or code
 * points past U+10FFFF), as RFC 8259 requires of JSON text. cJSON does not
 * check: the bytes could come back in a response (a method name in an error)
 * that would not be JSON. */
static bool valid_utf8(const char *b, size_t n) {
  const unsigned char *p = (const unsigned char *)b;
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    size_t k = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 9;
    if (k == 9 || n - i <= k) return false; /* not a lead byte, or cut short */
    if (k == 0) {
      i++;
      continue;
    }
    unsigned c1 = p[i + 1];
    if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
      return false;
    for (size_t j = 1; j <= k; j++)
      if ((p[i + j] & 0xc0) != 0x80) return false;
    i += k + 1;
  }
  return true;
}

/* The fast path (request_scan.h): one plain request whose envelope is read
 * from the text, only its params parsed (none for "[]"). Returns false, having
 * written nothing, when the full path must answer: any error is its to give. */
static bool handle_fast(rpc_server_t *s, rpc_session_t *sess, chain_snapshot_t **head, const char *body, size_t len,
                        jw_t *w) {
  rpc_envelope_t env;
  if (!rpc_scan_request(body, len, &env)) return false;
  char name[128];
  memcpy(name, body + env.method_start, env.method_len);
  name[env.method_len] = 0;
  const rpc_method_t *m = rpc_method_lookup(name);
  if (!m || !s->ns_enabled[m->ns]) return false;
  cJSON empty;
  memset(&empty, 0, sizeof empty);
  empty.type = cJSON_Array;
  cJSON *parsed = NULL;
  const cJSON *params = NULL;
  if (env.params_empty) {
    params = &empty;
  } else if (env.params_len) {
    const char *end = NULL;
    parsed = cJSON_ParseWithLengthOpts(body + env.params_start, env.params_len, &end, 0);
    params = parsed;
    if (!parsed || end != body + env.params_start + env.params_len || !cJSON_IsArray(parsed)) {
      cJSON_Delete(parsed);
      return false;
    }
  }
  if (rpc_param_count(params) > m->max_params) {
    cJSON_Delete(parsed);
    return false;
  }
  call_method(s, sess, head, m, params, body + env.id_start, env.id_len, true, w);
  cJSON_Delete(parsed);
  return true;
}

static int handle_request(rpc_server_t *s, rpc_session_t *sess, chain_snapshot_t **head, const char *body, size_t len,
                          char **resp, size_t *resp_len) {
  jw_t w;
  jw_init(&w);
  *resp = NULL;
  *resp_len = 0;
  const char *end = NULL;
  size_t start = skip_ws(body, 0, len);
  bool utf8 = start < len && valid_utf8(body, len);
  if (utf8 && body[start] == '{' && handle_fast(s, sess, head, body, len, &w)) return finish(&w, resp, resp_len);
  cJSON *root = utf8 ? cJSON_ParseWithLengthOpts(body, len, &end, 0) : NULL;
  if (root && skip_ws(body, (size_t)(end - body), len) != len) {
    cJSON_Delete(root);
    root = NULL;
  }
  if (!root) {
    write_error(&w, NULL, 0, RPC_PARSE_ERROR, "parse error");
    return finish(&w, resp, resp_len);
  }
  if (!cJSON_IsArray(root)) {
    span_t sp = body[start] == '{' ? find_id(body, start, len) : (span_t){0, 0};
    handle_one(s, sess, head, root, body, sp, &w);
    cJSON_Delete(root);
    return finish(&w, resp, resp_len);
  }
  size_t n = (size_t)cJSON_GetArraySize(root);
  if (n == 0) {
    write_error(&w, NULL, 0, RPC_INVALID_REQUEST, "empty batch");
    cJSON_Delete(root);
    return finish(&w, resp, resp_len);
  }
  rpc_metrics_batch(s, n);
  span_t *spans = calloc(n, sizeof *spans);
  if (!spans) {
    cJSON_Delete(root);
    return ETHC_ERR_NOMEM;
  }
  size_t i = skip_ws(body, start + 1, len), k = 0;
  while (i < len && body[i] != ']' && k < n) {
    if (body[i] == '{') spans[k] = find_id(body, i, len);
    i = skip_ws(body, skip_value(body, i, len), len);
    if (i < len && body[i] == ',') i = skip_ws(body, i + 1, len);
    k++;
  }
  jw_arr_begin(&w);
  if (s->batch_limit && n > s->batch_limit) {
    /* one error for the whole batch, with the id of its first call (as geth) */
    size_t j = 0;
    const cJSON *e = root->child;
    for (; e; e = e->next, j++)
      if (cJSON_IsObject(e) && cJSON_GetObjectItemCaseSensitive(e, "id") && spans[j].len) break;
    if (e) write_error(&w, body + spans[j].start, spans[j].len, RPC_INVALID_REQUEST, "batch too large");
    else write_error(&w, NULL, 0, RPC_INVALID_REQUEST, "batch too large");
  } else {
    size_t j = 0, bytes = 0;
    bool too_large = false;
    for (const cJSON *e = root->child; e; e = e->next, j++) {
      if (too_large) {
        const cJSON *id = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "id") : NULL;
        if (id && spans[j].len)
          write_error(&w, body + spans[j].start, spans[j].len, RPC_RESPONSE_TOO_LARGE, "response too large");
        continue;
      }
      size_t before = w.len;
      handle_one(s, sess, head, e, body, spans[j], &w);
      bytes += w.len - before;
      if (s->batch_response_max && bytes > s->batch_response_max) too_large = true;
      if (w.oom) break;
    }
  }
  jw_arr_end(&w);
  free(spans);
  cJSON_Delete(root);
  if (w.len == 2) w.len = 0; /* "[]": only notifications, nothing to send */
  return finish(&w, resp, resp_len);
}
