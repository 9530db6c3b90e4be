/* go-ethereum's struct logger (debug_traceTransaction's default tracer): one entry
 * per instruction with the gas it took, collected per transaction and written as
 * {"gas","failed","returnValue","structLogs":[...]} when the transaction ends. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "evm/tracers/tracers_internal.h"

#define MAX_DEPTH 1026

typedef struct {
  size_t pc;
  uint8_t op;
  evm_revision_t rev;
  int32_t depth;
  int64_t gas, cost, refund;
  bool cost_final; /* the cost cannot be known better than at the step (RETURN/REVERT) */
  const char *error;
  size_t text_off, text_len; /* stack, memory, storage, returnData members, in l->text */
} entry_t;

typedef struct {
  uint8_t key[32], value[32];
} slot_t;

typedef struct {
  ethc_address_t addr;
  slot_t *slots;
  size_t n, cap;
} account_slots_t;

/* What a depth's frame has seen: its last entry, whose cost the next event fixes. */
typedef struct {
  long last;           /* index in entries, -1 when none is pending */
  int64_t last_refund; /* the frame's own refund at its last step */
  int64_t refund_base; /* refund of the frames below, when this one started */
  bool has_child;      /* a callee frame ended after the last step */
  bool child_create;
  int64_t child_gas, child_left;
} depth_t;

struct evm_struct_logger {
  evm_struct_logger_opts_t opts;
  ethc_write_fn write;
  void *wctx;
  entry_t *entries;
  size_t n, cap;
  jbuf_t text;
  account_slots_t *accounts;
  size_t n_accounts, cap_accounts;
  depth_t depths[MAX_DEPTH];
  int error;
};

evm_struct_logger_t *evm_struct_logger_create(const evm_struct_logger_opts_t *opts, ethc_write_fn write, void *wctx) {
  evm_struct_logger_t *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  if (opts) l->opts = *opts;
  l->write = write;
  l->wctx = wctx;
  for (int d = 0; d < MAX_DEPTH; d++) l->depths[d].last = -1;
  return l;
}

static void reset(evm_struct_logger_t *l) {
  l->n = 0;
  l->text.b.len = 0;
  l->text.error = false;
  for (size_t i = 0; i < l->n_accounts; i++) free(l->accounts[i].slots);
  l->n_accounts = 0;
  for (int d = 0; d < MAX_DEPTH; d++) l->depths[d].last = -1;
}

void evm_struct_logger_destroy(evm_struct_logger_t *l) {
  if (!l) return;
  reset(l);
  free(l->accounts);
  free(l->entries);
  jb_free(&l->text);
  free(l);
}

int evm_struct_logger_error(const evm_struct_logger_t *l) { return l->error; }

/* The slots of `addr` seen so far, sorted by key. */
static account_slots_t *account(evm_struct_logger_t *l, const ethc_address_t *addr) {
  for (size_t i = 0; i < l->n_accounts; i++)
    if (ethc_address_eq(&l->accounts[i].addr, addr)) return &l->accounts[i];
  if (l->n_accounts == l->cap_accounts) {
    size_t cap = l->cap_accounts ? 2 * l->cap_accounts : 8;
    account_slots_t *a = realloc(l->accounts, cap * sizeof *a);
    if (!a) return NULL;
    l->accounts = a;
    l->cap_accounts = cap;
  }
  account_slots_t *a = &l->accounts[l->n_accounts++];
  memset(a, 0, sizeof *a);
  a->addr = *addr;
  return a;
}

static bool set_slot(account_slots_t *a, const u256_t *key, const u256_t *value) {
  uint8_t k[32];
  u256_to_be(key, k);
  size_t i = 0;
  while (i < a->n && memcmp(a->slots[i].key, k, 32) < 0) i++;
  if (i == a->n || memcmp(a->slots[i].key, k, 32) != 0) {
    if (a->n == a->cap) {
      size_t cap = a->cap ? 2 * a->cap : 8;
      slot_t *s = realloc(a->slots, cap * sizeof *s);
      if (!s) return false;
      a->slots = s;
      a->cap = cap;
    }
    memmove(&a->slots[i + 1], &a->slots[i], (a->n - i) * sizeof *a->slots);
    a->n++;
    memcpy(a->slots[i].key, k, 32);
  }
  u256_to_be(value, a->slots[i].value);
  return true;
}

static uint64_t mem_cost(uint64_t words) { return 3 * words + words * words / 512; }

/* Memory expansion of RETURN/REVERT, which the frame's end cannot tell apart from a
 * creation's code deposit. */
static int64_t return_cost(const evm_trace_step_t *s) {
  if (s->stack_size < 2) return 0;
  const u256_t *off = &s->stack[s->stack_size - 1], *size = &s->stack[s->stack_size - 2];
  if (u256_is_zero(size)) return 0;
  if (!u256_fits_u64(off) || !u256_fits_u64(size) || off->w[0] > UINT32_MAX || size->w[0] > UINT32_MAX) return 0;
  uint64_t words = (off->w[0] + size->w[0] + 31) / 32, old = s->memory_size / 32;
  return words > old ? (int64_t)(mem_cost(words) - mem_cost(old)) : 0;
}

static void fix_cost(evm_struct_logger_t *l, depth_t *d, int64_t next_gas) {
  if (d->last < 0) return;
  entry_t *e = &l->entries[d->last];
  if (!e->cost_final) {
    e->cost = e->gas - next_gas;
    if (d->has_child) e->cost += d->child_left - (d->child_create ? d->child_gas : 0);
  }
  d->has_child = false;
  d->last = -1;
}

static void on_tx_start(void *ctx, const evm_trace_tx_t *tx) {
  (void)tx;
  reset(ctx);
}

static void frame_enter(void *ctx, const evm_trace_enter_t *f) {
  evm_struct_logger_t *l = ctx;
  if (f->depth < 0 || f->depth >= MAX_DEPTH) return;
  depth_t *d = &l->depths[f->depth];
  d->last = -1;
  d->has_child = false;
  d->refund_base = 0;
  if (f->depth > 0) {
    depth_t *p = &l->depths[f->depth - 1];
    d->refund_base = p->refund_base + p->last_refund;
    p->child_gas = f->gas;
    p->child_create = f->kind == EVM_TRACE_CREATE || f->kind == EVM_TRACE_CREATE2;
  }
}

static void frame_exit(void *ctx, const evm_trace_exit_t *x) {
  evm_struct_logger_t *l = ctx;
  if (x->depth < 0 || x->depth >= MAX_DEPTH) return;
  depth_t *d = &l->depths[x->depth];
  if (d->last >= 0) {
    entry_t *e = &l->entries[d->last];
    switch (x->status) {
      case EVM_SUCCESS:
      case EVM_REVERT: fix_cost(l, d, x->gas_left); break;
      case EVM_OUT_OF_GAS:
      case EVM_STACK_OVERFLOW:
      case EVM_STACK_UNDERFLOW:
      case EVM_INVALID_INSTRUCTION:
      case EVM_UNDEFINED_INSTRUCTION:
        /* failed before it ran: go-ethereum marks the step */
        e->error = evm_trace_error_message(x->status);
        d->last = -1;
        break;
      default: d->last = -1; break;
    }
  }
  if (x->depth > 0) {
    depth_t *p = &l->depths[x->depth - 1];
    p->has_child = true;
    p->child_left = x->gas_left;
  }
}

static void on_step(void *ctx, const evm_trace_step_t *s) {
  evm_struct_logger_t *l = ctx;
  if (s->depth < 0 || s->depth >= MAX_DEPTH) return;
  depth_t *d = &l->depths[s->depth];
  fix_cost(l, d, s->gas);
  d->last_refund = s->refund;
  if (l->opts.limit && l->n >= l->opts.limit) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 1024;
    entry_t *e = realloc(l->entries, cap * sizeof *e);
    if (!e) {
      l->error = ETHC_ERR_NOMEM;
      return;
    }
    l->entries = e;
    l->cap = cap;
  }
  entry_t *e = &l->entries[l->n];
  memset(e, 0, sizeof *e);
  e->pc = s->pc;
  e->op = s->op;
  e->rev = s->rev;
  e->depth = s->depth;
  e->gas = s->gas;
  e->cost = s->base_cost < 0 ? 0 : s->base_cost;
  e->refund = d->refund_base + s->refund;
  if (s->op == 0xf3 || s->op == 0xfd) { /* RETURN, REVERT */
    e->cost += return_cost(s);
    e->cost_final = true;
  }

  jbuf_t *t = &l->text;
  e->text_off = t->b.len;
  if (!l->opts.disable_stack) {
    jb_str(t, ",\"stack\":[");
    for (size_t i = 0; i < s->stack_size; i++) {
      if (i) jb_raw(t, ",", 1);
      jb_u256(t, &s->stack[i]);
    }
    jb_raw(t, "]", 1);
  }
  if (l->opts.enable_memory && s->memory_size) {
    jb_str(t, ",\"memory\":[");
    for (size_t i = 0; i + 32 <= s->memory_size; i += 32) {
      if (i) jb_raw(t, ",", 1);
      jb_hex(t, s->memory + i, 32);
    }
    jb_raw(t, "]", 1);
  }
  if (l->opts.enable_return_data && s->return_data_size) {
    jb_str(t, ",\"returnData\":");
    jb_hex(t, s->return_data, s->return_data_size);
  }
  /* SLOAD: the value about to be read; SSTORE: the value about to be written */
  if (!l->opts.disable_storage && ((s->op == 0x54 && s->stack_size >= 1) || (s->op == 0x55 && s->stack_size >= 2))) {
    const u256_t *key = &s->stack[s->stack_size - 1];
    u256_t value;
    if (s->op == 0x55) value = s->stack[s->stack_size - 2];
    else if (s->host && s->host->get_storage) s->host->get_storage(s->host_ctx, s->address, key, &value);
    else value = U256_ZERO;
    account_slots_t *a = account(l, s->address);
    if (!a || !set_slot(a, key, &value)) {
      l->error = ETHC_ERR_NOMEM;
    } else {
      jb_str(t, ",\"storage\":{");
      for (size_t i = 0; i < a->n; i++) {
        if (i) jb_raw(t, ",", 1);
        jb_hex(t, a->slots[i].key, 32);
        jb_raw(t, ":", 1);
        jb_hex(t, a->slots[i].value, 32);
      }
      jb_raw(t, "}", 1);
    }
  }
  if (t->error) l->error = ETHC_ERR_NOMEM;
  e->text_len = t->b.len - e->text_off;
  d->last = (long)l->n;
  l->n++;
}

static void on_tx_end(void *ctx, const evm_trace_tx_end_t *end) {
  evm_struct_logger_t *l = ctx;
  jbuf_t o = {{0}, false};
  jb_printf(&o, "{\"gas\":%" PRIu64 ",\"failed\":%s,\"returnValue\":", end->gas_used,
            end->status == EVM_SUCCESS ? "false" : "true");
  jb_hex(&o, end->output, end->output_size);
  jb_str(&o, ",\"structLogs\":[");
  for (size_t i = 0; i < l->n; i++) {
    const entry_t *e = &l->entries[i];
    const char *name = evm_op_name(e->rev, e->op);
    char unk[32];
    if (!name) {
      snprintf(unk, sizeof unk, "opcode 0x%x not defined", (unsigned)e->op);
      name = unk;
    }
    jb_printf(&o, "%s{\"pc\":%zu,\"op\":\"%s\",\"gas\":%" PRId64 ",\"gasCost\":%" PRId64 ",\"depth\":%d", i ? "," : "",
              e->pc, name, e->gas, e->cost, e->depth + 1);
    jb_raw(&o, (const char *)l->text.b.data + e->text_off, e->text_len);
    if (e->refund) jb_printf(&o, ",\"refund\":%" PRId64, e->refund);
    if (e->error) jb_printf(&o, ",\"error\":\"%s\"", e->error);
    jb_raw(&o, "}", 1);
    /* hand the text over in pieces, so a long trace needs no second copy */
    if (o.b.len > 65536) jb_flush(&o, l->write, l->wctx);
  }
  jb_str(&o, "]}");
  if (o.error) l->error = ETHC_ERR_NOMEM;
  jb_flush(&o, l->write, l->wctx);
  jb_free(&o);
  reset(l);
}

const evm_tracer_t evm_struct_logger_tracer = {
    .on_tx_start = on_tx_start,
    .on_tx_end = on_tx_end,
    .on_enter = frame_enter,
    .on_exit = frame_exit,
    .on_step = on_step,
};
