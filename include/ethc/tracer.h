/* Pluggable EVM tracing: a struct of optional callbacks that the interpreter (and
 * the transaction executor, for the transaction's own frame) calls as execution
 * proceeds, and the tracers the library provides: the EIP-3155 line writer, and
 * go-ethereum's struct logger and callTracer (debug_traceTransaction). */
#ifndef ETHC_TRACER_H
#define ETHC_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/evm.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The instruction that opened a frame (the transaction's own frame is a CALL or a
 * CREATE). evm_message_t cannot tell a STATICCALL from a CALL made inside one. */
typedef enum {
  EVM_TRACE_CALL = 0,
  EVM_TRACE_CALLCODE,
  EVM_TRACE_DELEGATECALL,
  EVM_TRACE_STATICCALL,
  EVM_TRACE_CREATE,
  EVM_TRACE_CREATE2,
  /* SELFDESTRUCT, as go-ethereum reports it: a frame one deeper than the account's,
   * from the account to the beneficiary with its balance as value, no gas, no
   * input, always successful; nothing runs in it */
  EVM_TRACE_SELFDESTRUCT,
} evm_trace_kind_t;

/* "CALL", "CALLCODE", "DELEGATECALL", "STATICCALL", "CREATE", "CREATE2", "SELFDESTRUCT". */
const char *evm_trace_kind_name(evm_trace_kind_t k);

/* The state before one instruction runs. Every pointer is borrowed and valid only
 * during the on_step call. */
typedef struct {
  size_t pc;
  uint8_t op;
  int32_t base_cost;   /* the fork's base (static) gas of op, -1 when op is undefined in the fork */
  int64_t gas;         /* gas left before the instruction */
  int32_t depth;       /* 0 for the transaction's own frame (evm_message_t.depth) */
  int64_t refund;      /* refund counted by this frame so far (its callees' are added when they succeed) */
  const u256_t *stack; /* stack[0] is the bottom, stack[stack_size - 1] the top */
  size_t stack_size;
  const uint8_t *memory; /* memory_size is a multiple of 32 */
  size_t memory_size;
  const uint8_t *return_data; /* the last callee's output, as RETURNDATACOPY sees it */
  size_t return_data_size;
  const ethc_address_t *address;      /* whose storage and balance the code acts on */
  const ethc_address_t *code_address; /* whose code runs */
  evm_revision_t rev;
  /* The host of the frame, for tracers that read state (e.g. the value an SLOAD
   * is about to load). Read-only queries only: a tracer never changes state. */
  const evm_host_t *host;
  void *host_ctx;
} evm_trace_step_t;

/* A frame starts. `input` is borrowed for the call's duration. */
typedef struct {
  evm_trace_kind_t kind;
  int32_t depth;       /* 0 for the transaction's frame */
  ethc_address_t from; /* the account that calls (for DELEGATECALL/CALLCODE: the caller's own address) */
  /* the called address (for DELEGATECALL/CALLCODE: the account whose code runs);
   * all zero for CREATE/CREATE2, whose address on_exit gives */
  ethc_address_t to;
  u256_t value;         /* zero for DELEGATECALL and STATICCALL, which move none */
  int64_t gas;          /* gas given to the frame (a value call's stipend included) */
  const uint8_t *input; /* call data, or init code for a create */
  size_t input_size;
} evm_trace_enter_t;

/* A frame ends. `output` is the return or revert data (for a successful create:
 * the deployed code), borrowed. */
typedef struct {
  int32_t depth;
  evm_status_t status;
  int64_t gas_used; /* gas given at on_enter minus gas_left */
  int64_t gas_left; /* returned to the caller (0 after an exceptional halt) */
  const uint8_t *output;
  size_t output_size;
  ethc_address_t create_address; /* CREATE/CREATE2 that succeeded; else zero */
} evm_trace_exit_t;

/* The transaction around the frames (only the transaction executor emits these:
 * chain_apply_tx; a bare evm_execute has none). */
typedef struct {
  ethc_address_t from;
  ethc_address_t to; /* zero for a creation */
  bool create;
  uint64_t gas_limit;
  u256_t value;
} evm_trace_tx_t;

typedef struct {
  uint64_t gas_used; /* the receipt's: intrinsic gas, refund and EIP-7623 floor applied */
  evm_status_t status;
  const uint8_t *output; /* top frame's output (a successful creation: the deployed code) */
  size_t output_size;
} evm_trace_tx_end_t;

/* A tracer: every callback is optional (NULL = not wanted) and receives the `ctx`
 * given to evm_set_tracer.
 *
 * Where the events come from:
 * - on_step: the interpreter, before each instruction, including the one that then
 *   fails (its failure is the status of the frame's on_exit) and the implicit STOP
 *   past the end of the code. A tracer without on_step runs on the untraced
 *   dispatch loop, at full speed.
 * - on_enter/on_exit for frames opened by CALL, CALLCODE, DELEGATECALL, STATICCALL,
 *   CREATE, CREATE2: the interpreter, around host->call. So every such frame is
 *   reported whatever the host does with it (precompile, account without code,
 *   code), and so are calls the interpreter refuses before asking the host
 *   (depth 1024 reached: EVM_CALL_DEPTH_EXCEEDED; value above the balance:
 *   EVM_INSUFFICIENT_BALANCE; both with all their gas returned). Gas is charged to
 *   the caller before on_enter.
 * - on_enter/on_exit for the transaction's frame (depth 0) and on_tx_start/on_tx_end:
 *   whoever runs the transaction (chain_apply_tx), with evm_trace_enter/evm_trace_exit
 *   below. Block-level system calls are not traced.
 * - on_enter/on_exit of kind EVM_TRACE_SELFDESTRUCT: the interpreter, when
 *   SELFDESTRUCT has been charged, before the host moves the balance.
 * - on_log: the interpreter, when LOG0..LOG4 emits a log (even one its frame later
 *   reverts: a tracer that wants only kept logs drops those of failed frames).
 *
 * Callbacks must not call back into the EVM or change state; their return is
 * void: tracing never changes execution. */
typedef struct {
  void (*on_tx_start)(void *ctx, const evm_trace_tx_t *tx);
  void (*on_tx_end)(void *ctx, const evm_trace_tx_end_t *end);
  void (*on_enter)(void *ctx, const evm_trace_enter_t *frame);
  void (*on_exit)(void *ctx, const evm_trace_exit_t *frame);
  void (*on_step)(void *ctx, const evm_trace_step_t *step);
  void (*on_log)(void *ctx, int32_t depth, const ethc_address_t *addr, const ethc_hash_t *topics, size_t topics_count,
                 const uint8_t *data, size_t data_size);
} evm_tracer_t;

/* Turns tracing on with `t` (NULL = off). `t` and `ctx` are borrowed and must stay
 * valid while tracing is on. Like the rest of evm_t, only for the thread that uses
 * `vm`. */
void evm_set_tracer(evm_t *vm, const evm_tracer_t *t, void *ctx);

/* The tracer set on `vm` (NULL when off) and its context in *ctx. */
const evm_tracer_t *evm_get_tracer(const evm_t *vm, void **ctx);

/* For code that runs a transaction's own frame outside the interpreter: report
 * its start and end to vm's tracer, if any (no-ops when tracing is off). */
void evm_trace_enter(const evm_t *vm, const evm_trace_enter_t *frame);
void evm_trace_exit(const evm_t *vm, const evm_trace_exit_t *frame);
void evm_trace_tx_start(const evm_t *vm, const evm_trace_tx_t *tx);
void evm_trace_tx_end(const evm_t *vm, const evm_trace_tx_end_t *end);

/* The mnemonic of `op` in fork `rev` ("PUSH1", "SSTORE"), NULL when undefined there. */
const char *evm_op_name(evm_revision_t rev, uint8_t op);

/* ------------------------------------------------------------------ tracers */

/* EIP-3155: one JSON line per instruction through write(wctx, ...), e.g.
 * {"pc":0,"op":96,"gas":"0x3e8","gasCost":"0x3","memSize":0,"stack":[],"depth":1,"refund":0,"opName":"PUSH1"}
 * (gasCost is the instruction's base cost; depth starts at 1). A line may take
 * several `write` calls (each holds whole JSON tokens, never a partial line end);
 * the return value of `write` is ignored. Only on_step: no state to allocate, the
 * tracer's ctx is the evm_eip3155_t. */
typedef struct {
  ethc_write_fn write;
  void *wctx;
} evm_eip3155_t;
extern const evm_tracer_t evm_eip3155_tracer;

/* go-ethereum's struct logger (the default tracer of debug_traceTransaction):
 * collects one entry per instruction of one transaction and, at on_tx_end, writes
 * {"gas":N,"failed":B,"returnValue":"0x..","structLogs":[{"pc","op","gas","gasCost",
 * "depth","stack","memory","storage","returnData","refund","error"},...]}
 * gasCost is what the instruction took: its base and dynamic costs, for a call
 * also the gas it gives the callee (not the stipend), for a create not the gas it
 * gives. storage (SLOAD/SSTORE only) is the slots of the frame's account read or
 * written so far in the transaction, 0x-prefixed 32-byte keys and values; memory
 * is 0x-prefixed 32-byte words; refund (the transaction's counter) and error only
 * when non-zero. */
typedef struct {
  bool disable_stack;
  bool disable_storage;
  bool enable_memory;
  bool enable_return_data;
  size_t limit; /* at most this many entries (0 = no limit) */
} evm_struct_logger_opts_t;

typedef struct evm_struct_logger evm_struct_logger_t;
/* NULL when out of memory. Use evm_struct_logger_tracer with it as ctx. */
evm_struct_logger_t *evm_struct_logger_create(const evm_struct_logger_opts_t *opts, ethc_write_fn write, void *wctx);
void evm_struct_logger_destroy(evm_struct_logger_t *l);
/* 0, or ETHC_ERR_NOMEM when an entry could not be stored (the output then says so
 * nowhere: check this after each transaction). */
int evm_struct_logger_error(const evm_struct_logger_t *l);
extern const evm_tracer_t evm_struct_logger_tracer;

/* go-ethereum's callTracer: one frame per call, written at on_tx_end as
 * {"type","from","to","value","gas","gasUsed","input","output","error",
 *  "revertReason","logs":[{"address","topics","data","position"}],"calls":[...]}
 * with the transaction's gas limit and used gas at the top. */
typedef struct {
  bool only_top_call;
  bool with_log;
} evm_call_tracer_opts_t;

typedef struct evm_call_tracer evm_call_tracer_t;
evm_call_tracer_t *evm_call_tracer_create(const evm_call_tracer_opts_t *opts, ethc_write_fn write, void *wctx);
void evm_call_tracer_destroy(evm_call_tracer_t *t);
int evm_call_tracer_error(const evm_call_tracer_t *t);
extern const evm_tracer_t evm_call_tracer;

/* go-ethereum's message for a status ("execution reverted", "out of gas", ...),
 * as its tracers print it; NULL for EVM_SUCCESS. */
const char *evm_trace_error_message(evm_status_t s);

#ifdef __cplusplus
}
#endif

#endif
