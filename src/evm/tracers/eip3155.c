/* The EIP-3155 tracer: one JSON line per instruction, written before it runs
 * (pc, op, gas, base gasCost, memSize, stack, depth from 1, refund, opName). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "ethc/tracer.h"

/* A line is assembled here and handed to the writer in chunks of at most sizeof
 * buf bytes (a deep stack makes a line longer than that). */
typedef struct {
  const evm_eip3155_t *out;
  size_t len;
  char buf[4096];
} line_t;

static void flush(line_t *t) {
  if (t->len) t->out->write(t->out->wctx, (const uint8_t *)t->buf, t->len);
  t->len = 0;
}

/* Appends a printf-formatted token (each shorter than 256 bytes). */
static void put(line_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(line_t *t, const char *fmt, ...) {
  if (sizeof t->buf - t->len < 256) flush(t);
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
  va_end(ap);
  if (n > 0) t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}

static void on_step(void *ctx, const evm_trace_step_t *s) {
  line_t o;
  o.out = ctx;
  o.len = 0;
  if (!o.out->write) return;
  unsigned cost = s->base_cost < 0 ? 0 : (unsigned)s->base_cost;
  put(&o, "{\"pc\":%zu,\"op\":%u,\"gas\":\"0x%" PRIx64 "\",\"gasCost\":\"0x%x\",\"memSize\":%zu,\"stack\":[", s->pc,
      (unsigned)s->op, (uint64_t)s->gas, cost, s->memory_size);
  char buf[67];
  for (size_t i = 0; i < s->stack_size; i++) {
    u256_to_hex(&s->stack[i], buf);
    put(&o, "%s\"%s\"", i ? "," : "", buf);
  }
  const char *name = evm_op_name(s->rev, s->op);
  char unk[16];
  if (!name) {
    snprintf(unk, sizeof unk, "0x%02x", (unsigned)s->op);
    name = unk;
  }
  put(&o, "],\"depth\":%d,\"refund\":%" PRId64 ",\"opName\":\"%s\"}\n", s->depth + 1, s->refund, name);
  flush(&o);
}

const evm_tracer_t evm_eip3155_tracer = {.on_step = on_step};
