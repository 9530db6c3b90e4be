/* The logs of a simulated call as go-ethereum's simulate log tracer collects
 * them (internal/ethapi/logtracer.go): every LOG in order, those of a frame
 * that fails dropped with it (their indexes freed again), and with
 * traceTransfers each ether move (a call's or creation's value, a
 * SELFDESTRUCT's balance; not DELEGATECALL or CALLCODE) as an ERC-7528
 * Transfer(address,address,uint256) log of 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE. */
#include <stdlib.h>
#include <string.h>

#include "rpc/simulate.h"

/* keccak256("Transfer(address,address,uint256)") */
static const ethc_hash_t transfer_topic = {{0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0,
                                            0x68, 0xfc, 0x37, 0x8d, 0xaa, 0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4,
                                            0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef}};
/* ERC-7528's address for ether */
static const ethc_address_t eth_address = {{0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
                                            0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee}};


static void st_add(sim_tracer_t *t, const ethc_address_t *a, const ethc_hash_t *topics, size_t nt, const uint8_t *d,
                   size_t len) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 8;
    chain_log_t *l = realloc(t->logs, cap * sizeof *l);
    if (!l) return (void)(t->oom = true);
    t->logs = l, t->cap = cap;
  }
  uint8_t *copy = len ? malloc(len) : NULL;
  if (len && !copy) return (void)(t->oom = true);
  if (len) memcpy(copy, d, len);
  chain_log_t *l = &t->logs[t->n++];
  memset(l, 0, sizeof *l);
  l->address = *a;
  l->topics_count = (uint8_t)(nt > 4 ? 4 : nt);
  for (size_t i = 0; i < l->topics_count; i++) l->topics[i] = topics[i];
  l->data = copy;
  l->data_size = len;
  l->block_number = t->number;
  l->block_timestamp = t->timestamp;
  l->tx_hash = t->tx_hash;
  l->tx_index = t->tx_index;
  l->log_index = t->count++;
}

void sim_tracer_drop_from(sim_tracer_t *t, size_t from) {
  for (size_t i = from; i < t->n; i++) free((void *)t->logs[i].data);
  t->count -= (uint32_t)(t->n - from);
  t->n = from;
}

static void st_enter(void *ctx, const evm_trace_enter_t *e) {
  sim_tracer_t *t = ctx;
  if (t->depth == t->fcap) {
    size_t cap = t->fcap ? t->fcap * 2 : 16;
    size_t *f = realloc(t->frames, cap * sizeof *f);
    if (!f) return (void)(t->oom = true);
    t->frames = f, t->fcap = cap;
  }
  t->frames[t->depth++] = t->n;
  if (t->transfers && e->kind != EVM_TRACE_DELEGATECALL && e->kind != EVM_TRACE_CALLCODE && !u256_is_zero(&e->value)) {
    ethc_hash_t topics[3];
    topics[0] = transfer_topic;
    memset(&topics[1], 0, 64);
    memcpy(topics[1].bytes + 12, e->from.bytes, 20);
    memcpy(topics[2].bytes + 12, e->to.bytes, 20);
    uint8_t v[32];
    u256_to_be(&e->value, v);
    st_add(t, &eth_address, topics, 3, v, 32);
  }
}

static void st_exit(void *ctx, const evm_trace_exit_t *x) {
  sim_tracer_t *t = ctx;
  if (!t->depth) return;
  size_t from = t->frames[--t->depth];
  if (x->status != EVM_SUCCESS) sim_tracer_drop_from(t, from);
}

static void st_log(void *ctx, int32_t depth, const ethc_address_t *addr, const ethc_hash_t *topics, size_t nt,
                   const uint8_t *data, size_t len) {
  (void)depth;
  st_add(ctx, addr, topics, nt, data, len);
}

const evm_tracer_t sim_log_tracer = {.on_enter = st_enter, .on_exit = st_exit, .on_log = st_log};
