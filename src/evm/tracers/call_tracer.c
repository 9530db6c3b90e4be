/* go-ethereum's callTracer: the tree of call frames of one transaction (type,
 * from, to, value, gas, gasUsed, input, output, error, revertReason, logs, calls),
 * written as JSON when the transaction ends. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "evm/tracers/tracers_internal.h"

#define MAX_DEPTH 1026

typedef struct {
  ethc_address_t addr;
  ethc_hash_t topics[4];
  size_t topics_count;
  uint8_t *data;
  size_t data_size;
  size_t position; /* how many calls of its frame came before it */
} call_log_t;

typedef struct frame {
  evm_trace_kind_t kind;
  ethc_address_t from, to;
  bool has_to, has_value;
  u256_t value;
  int64_t gas, gas_used;
  uint8_t *input, *output;
  size_t input_size, output_size;
  evm_status_t status;
  struct frame **calls;
  size_t n_calls, cap_calls;
  call_log_t *logs;
  size_t n_logs, cap_logs;
} frame_t;

struct evm_call_tracer {
  evm_call_tracer_opts_t opts;
  ethc_write_fn write;
  void *wctx;
  frame_t *root;
  frame_t *stack[MAX_DEPTH]; /* the open frames, stack[0] = root */
  int open;
  int skipped; /* frames entered but not recorded (only_top_call), still open */
  bool has_tx;
  uint64_t gas_limit;
  int error;
};

evm_call_tracer_t *evm_call_tracer_create(const evm_call_tracer_opts_t *opts, ethc_write_fn write, void *wctx) {
  evm_call_tracer_t *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  if (opts) t->opts = *opts;
  t->write = write;
  t->wctx = wctx;
  return t;
}

static void frame_free(frame_t *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n_calls; i++) frame_free(f->calls[i]);
  for (size_t i = 0; i < f->n_logs; i++) free(f->logs[i].data);
  free(f->calls);
  free(f->logs);
  free(f->input);
  free(f->output);
  free(f);
}

static void reset(evm_call_tracer_t *t) {
  frame_free(t->root);
  t->root = NULL;
  t->open = 0;
  t->skipped = 0;
  t->has_tx = false;
}

void evm_call_tracer_destroy(evm_call_tracer_t *t) {
  if (!t) return;
  reset(t);
  free(t);
}

int evm_call_tracer_error(const evm_call_tracer_t *t) { return t->error; }

static uint8_t *dup_bytes(evm_call_tracer_t *t, const uint8_t *p, size_t n) {
  if (!n) return NULL;
  uint8_t *c = malloc(n);
  if (!c) t->error = ETHC_ERR_NOMEM;
  else memcpy(c, p, n);
  return c;
}

static void on_tx_start(void *ctx, const evm_trace_tx_t *tx) {
  evm_call_tracer_t *t = ctx;
  reset(t);
  t->has_tx = true;
  t->gas_limit = tx->gas_limit;
}

static void frame_enter(void *ctx, const evm_trace_enter_t *e) {
  evm_call_tracer_t *t = ctx;
  if ((t->root && t->open == 0) || t->skipped || (t->root && t->opts.only_top_call) || t->open >= MAX_DEPTH) {
    t->skipped++; /* a second tree, or below the top call, or too deep */
    return;
  }
  frame_t *f = calloc(1, sizeof *f);
  if (!f) {
    t->error = ETHC_ERR_NOMEM;
    t->skipped++;
    return;
  }
  f->kind = e->kind;
  f->from = e->from;
  f->to = e->to;
  f->has_to = true;
  f->has_value = e->kind != EVM_TRACE_DELEGATECALL && e->kind != EVM_TRACE_STATICCALL;
  f->value = e->value;
  f->gas = e->gas;
  f->input = dup_bytes(t, e->input, e->input_size);
  f->input_size = f->input ? e->input_size : 0;
  if (!t->root) {
    t->root = f;
    if (t->has_tx) f->gas = (int64_t)t->gas_limit;
  } else {
    frame_t *p = t->stack[t->open - 1];
    if (p->n_calls == p->cap_calls) {
      size_t cap = p->cap_calls ? 2 * p->cap_calls : 4;
      frame_t **c = realloc(p->calls, cap * sizeof *c);
      if (!c) {
        t->error = ETHC_ERR_NOMEM;
        frame_free(f);
        t->skipped++;
        return;
      }
      p->calls = c;
      p->cap_calls = cap;
    }
    p->calls[p->n_calls++] = f;
  }
  t->stack[t->open++] = f;
}

static void frame_exit(void *ctx, const evm_trace_exit_t *x) {
  evm_call_tracer_t *t = ctx;
  if (t->skipped) {
    t->skipped--;
    return;
  }
  if (t->open == 0) return;
  frame_t *f = t->stack[--t->open];
  f->status = x->status;
  f->gas_used = x->gas_used;
  bool create = f->kind == EVM_TRACE_CREATE || f->kind == EVM_TRACE_CREATE2;
  if (create) {
    f->has_to = x->status == EVM_SUCCESS;
    f->to = x->create_address;
  }
  if (x->status == EVM_SUCCESS || x->status == EVM_REVERT) {
    f->output = dup_bytes(t, x->output, x->output_size);
    f->output_size = f->output ? x->output_size : 0;
  }
}

static void on_log(void *ctx, int32_t depth, const ethc_address_t *addr, const ethc_hash_t *topics, size_t n,
                   const uint8_t *data, size_t size) {
  (void)depth;
  evm_call_tracer_t *t = ctx;
  if (!t->opts.with_log || t->skipped || t->open == 0) return;
  frame_t *f = t->stack[t->open - 1];
  if (f->n_logs == f->cap_logs) {
    size_t cap = f->cap_logs ? 2 * f->cap_logs : 4;
    call_log_t *l = realloc(f->logs, cap * sizeof *l);
    if (!l) {
      t->error = ETHC_ERR_NOMEM;
      return;
    }
    f->logs = l;
    f->cap_logs = cap;
  }
  call_log_t *l = &f->logs[f->n_logs++];
  memset(l, 0, sizeof *l);
  l->addr = *addr;
  l->topics_count = n > 4 ? 4 : n;
  memcpy(l->topics, topics, l->topics_count * sizeof *topics);
  l->data = dup_bytes(t, data, size);
  l->data_size = l->data ? size : 0;
  l->position = f->n_calls;
}

/* The logs of a failed frame and of everything under it were undone. */
static void clear_failed_logs(frame_t *f, bool parent_failed) {
  bool failed = parent_failed || f->status != EVM_SUCCESS;
  if (failed) {
    for (size_t i = 0; i < f->n_logs; i++) free(f->logs[i].data);
    f->n_logs = 0;
  }
  for (size_t i = 0; i < f->n_calls; i++) clear_failed_logs(f->calls[i], failed);
}

/* Error(string) revert data: its message, when it decodes and is printable text. */
static bool revert_reason(const uint8_t *p, size_t n, const uint8_t **msg, size_t *len) {
  static const uint8_t sel[4] = {0x08, 0xc3, 0x79, 0xa0};
  if (n < 4 + 64 || memcmp(p, sel, 4) != 0) return false;
  p += 4, n -= 4;
  for (int i = 0; i < 24; i++)
    if (p[i] || p[32 + i]) return false;
  uint64_t off = 0, sz = 0;
  for (int i = 24; i < 32; i++) off = off << 8 | p[i];
  if (off > n - 32) return false;
  for (int i = 0; i < 24; i++)
    if (p[off + i]) return false;
  for (int i = 24; i < 32; i++) sz = sz << 8 | p[off + i];
  if (sz > n - off - 32) return false;
  *msg = p + off + 32;
  *len = (size_t)sz;
  return true;
}

static void json_string(jbuf_t *o, const uint8_t *s, size_t n) {
  jb_raw(o, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') {
      jb_raw(o, "\\", 1);
      jb_raw(o, (const char *)&c, 1);
    } else if (c < 0x20) {
      jb_printf(o, "\\u%04x", c);
    } else {
      jb_raw(o, (const char *)&c, 1);
    }
  }
  jb_raw(o, "\"", 1);
}

static void write_frame(jbuf_t *o, const frame_t *f) {
  jb_str(o, "{\"from\":");
  jb_hex(o, f->from.bytes, 20);
  jb_str(o, ",\"gas\":");
  jb_u64_hex(o, (uint64_t)f->gas);
  jb_str(o, ",\"gasUsed\":");
  jb_u64_hex(o, (uint64_t)f->gas_used);
  if (f->has_to) {
    jb_str(o, ",\"to\":");
    jb_hex(o, f->to.bytes, 20);
  }
  jb_str(o, ",\"input\":");
  jb_hex(o, f->input, f->input_size);
  const char *err = evm_trace_error_message(f->status);
  if (f->output_size && (!err || f->status == EVM_REVERT)) {
    jb_str(o, ",\"output\":");
    jb_hex(o, f->output, f->output_size);
  }
  if (err) {
    jb_str(o, ",\"error\":");
    json_string(o, (const uint8_t *)err, strlen(err));
    const uint8_t *msg;
    size_t len;
    if (f->status == EVM_REVERT && revert_reason(f->output, f->output_size, &msg, &len) && len) {
      jb_str(o, ",\"revertReason\":");
      json_string(o, msg, len);
    }
  }
  if (f->n_calls) {
    jb_str(o, ",\"calls\":[");
    for (size_t i = 0; i < f->n_calls; i++) {
      if (i) jb_raw(o, ",", 1);
      write_frame(o, f->calls[i]);
    }
    jb_raw(o, "]", 1);
  }
  if (f->n_logs) {
    jb_str(o, ",\"logs\":[");
    for (size_t i = 0; i < f->n_logs; i++) {
      const call_log_t *l = &f->logs[i];
      jb_str(o, i ? ",{\"address\":" : "{\"address\":");
      jb_hex(o, l->addr.bytes, 20);
      jb_str(o, ",\"topics\":[");
      for (size_t k = 0; k < l->topics_count; k++) {
        if (k) jb_raw(o, ",", 1);
        jb_hex(o, l->topics[k].bytes, 32);
      }
      jb_str(o, "],\"data\":");
      jb_hex(o, l->data, l->data_size);
      jb_str(o, ",\"position\":");
      jb_u64_hex(o, l->position);
      jb_raw(o, "}", 1);
    }
    jb_raw(o, "]", 1);
  }
  if (f->has_value) {
    jb_str(o, ",\"value\":");
    jb_u256(o, &f->value);
  }
  jb_str(o, ",\"type\":\"");
  jb_str(o, evm_trace_kind_name(f->kind));
  jb_str(o, "\"}");
}

static void on_tx_end(void *ctx, const evm_trace_tx_end_t *end) {
  evm_call_tracer_t *t = ctx;
  if (t->root) {
    t->root->gas_used = (int64_t)end->gas_used;
    if (t->opts.with_log) clear_failed_logs(t->root, false);
    jbuf_t o = {{0}, false};
    write_frame(&o, t->root);
    if (o.error) t->error = ETHC_ERR_NOMEM;
    jb_flush(&o, t->write, t->wctx);
    jb_free(&o);
  }
  reset(t);
}

const evm_tracer_t evm_call_tracer = {
    .on_tx_start = on_tx_start,
    .on_tx_end = on_tx_end,
    .on_enter = frame_enter,
    .on_exit = frame_exit,
    .on_log = on_log,
};
