/* Internal state of the interpreter shared by interp.c and the dispatch loop it
 * instantiates twice (plain and traced: on_step before each instruction) from interp_loop.inc. */
#ifndef ETHC_EVM_INTERP_INTERNAL_H
#define ETHC_EVM_INTERP_INTERNAL_H

#include <stdio.h>

#include "ethc/evm.h"
#include "ethc/tracer.h"
#include "evm/analysis.h"

#define EVM_STACK_LIMIT 1024
#define EVM_MAX_NEST 1025 /* depths 0..1024 */

/* One execution state per nesting level, created lazily and reused. */
typedef struct evm_frame {
  uint8_t *mem;
  size_t mem_size; /* always a multiple of 32 */
  size_t mem_cap;
  struct evm *vm;
  const evm_host_t *host;
  void *hctx;
  const evm_message_t *msg;
  evm_revision_t rev;
  const evm_analysis_t *an;
  evm_result_t child; /* the last call's result: owns the return data */
  bool has_child;
  const uint8_t *rdata;
  size_t rdata_size;
  int64_t refund;
  evm_status_t status;
  uint64_t out_off, out_size; /* RETURN / REVERT data in memory */
  bool txc_loaded;
  evm_tx_context_t txc;
  /* last, and never zeroed: pages are touched only as deep as the stack grows */
  u256_t stack[EVM_STACK_LIMIT + 1]; /* slot 0 is a sentinel: the empty stack has sp == stack */
} evm_frame_t;

struct evm {
  evm_frame_t *frames[EVM_MAX_NEST];
  int nest;
  evm_code_cache_t cache;
  const evm_tracer_t *tracer; /* NULL: not tracing */
  void *tracer_ctx;
  /* evm_set_deadline: taken jumps left before the clock is read again */
  uint32_t ticks;
  bool timed_out;
  uint64_t deadline_ns; /* 0: none */
};

#define EVM_TICKS 4096
/* The slow path of the jump counter: true when the deadline has passed (the
 * frame then fails). */
bool evm_tick(struct evm *vm);

#endif
