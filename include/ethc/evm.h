/* The EVM interpreter's public interface: forks (revisions), messages, results,
 * and the host interface through which the interpreter sees the world (in the
 * spirit of EVMC). The interpreter never touches state/ directly: chain/ (block
 * import, state tests, eth_call) implements the host over state/. */
#ifndef ETHC_EVM_H
#define ETHC_EVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Forks in activation order. The names are those of the state tests' "post" keys. */
typedef enum {
  EVM_FRONTIER = 0,
  EVM_HOMESTEAD,
  EVM_TANGERINE_WHISTLE, /* "EIP150" */
  EVM_SPURIOUS_DRAGON,   /* "EIP158" */
  EVM_BYZANTIUM,
  EVM_CONSTANTINOPLE,
  EVM_PETERSBURG, /* "ConstantinopleFix" */
  EVM_ISTANBUL,
  EVM_BERLIN,
  EVM_LONDON,
  EVM_PARIS, /* "Merge" / "Paris" */
  EVM_SHANGHAI,
  EVM_CANCUN,
  EVM_PRAGUE,
  EVM_OSAKA,
  EVM_REVISION_COUNT
} evm_revision_t;

/* Parses a state-test fork name ("Frontier", "EIP150", "ConstantinopleFix",
 * "Merge", "Paris", ...); returns false for unknown names. */
bool evm_revision_from_name(const char *name, evm_revision_t *out);
const char *evm_revision_name(evm_revision_t rev);

typedef enum {
  EVM_CALL = 0,
  EVM_DELEGATECALL,
  EVM_CALLCODE,
  EVM_CREATE,
  EVM_CREATE2,
} evm_call_kind_t;

/* One message call or contract creation. */
typedef struct {
  evm_call_kind_t kind;
  bool is_static; /* STATICCALL or inside one */
  int32_t depth;  /* 0 for the transaction's own call */
  int64_t gas;
  ethc_address_t recipient;    /* whose storage/balance the code acts on (new address for CREATE, filled by host) */
  ethc_address_t sender;       /* CALLER */
  ethc_address_t code_address; /* whose code runs (differs for DELEGATECALL/CALLCODE) */
  const uint8_t *input;        /* calldata, or init code for CREATE/CREATE2 */
  size_t input_size;
  u256_t value;     /* CALLVALUE (apparent value for DELEGATECALL) */
  ethc_hash_t salt; /* CREATE2 only */
  bool delegated;   /* EIP-7702: code_address came from a delegation designator,
                               so it is never dispatched as a precompile */
} evm_message_t;

typedef enum {
  EVM_SUCCESS = 0,
  EVM_REVERT,  /* REVERT: gas left is returned, output is the revert data */
  EVM_FAILURE, /* generic exceptional halt: all gas consumed */
  EVM_OUT_OF_GAS,
  EVM_INVALID_INSTRUCTION, /* the designated INVALID (0xfe) */
  EVM_UNDEFINED_INSTRUCTION,
  EVM_STACK_OVERFLOW,
  EVM_STACK_UNDERFLOW,
  EVM_BAD_JUMP_DESTINATION,
  EVM_INVALID_MEMORY_ACCESS, /* RETURNDATACOPY out of bounds */
  EVM_CALL_DEPTH_EXCEEDED,
  EVM_STATIC_MODE_VIOLATION,
  EVM_PRECOMPILE_FAILURE,
  EVM_CONTRACT_VALIDATION_FAILURE, /* EIP-3541 0xEF code, EIP-170 code size */
  EVM_ARGUMENT_OUT_OF_RANGE,
  EVM_INSUFFICIENT_BALANCE,
  EVM_INTERNAL_ERROR,
} evm_status_t;

const char *evm_status_name(evm_status_t s);

/* The outcome of a call. `output` is owned by the result: call evm_result_release
 * when done with it (the release function frees it; NULL release = nothing to free). */
typedef struct evm_result {
  evm_status_t status;
  int64_t gas_left;
  int64_t gas_refund;
  const uint8_t *output;
  size_t output_size;
  ethc_address_t create_address; /* CREATE/CREATE2 success only */
  void (*release)(const struct evm_result *result);
} evm_result_t;

static inline void evm_result_release(const evm_result_t *r) {
  if (r->release) r->release(r);
}

/* What a storage write did, so the interpreter can price SSTORE for any fork
 * (EIP-2200 / EIP-3529 naming: original -> current -> new value). */
typedef enum {
  EVM_STORAGE_ASSIGNED = 0,      /* no-op case or dirty slot written again */
  EVM_STORAGE_ADDED,             /* 0 -> 0 -> Z */
  EVM_STORAGE_DELETED,           /* X -> X -> 0 */
  EVM_STORAGE_MODIFIED,          /* X -> X -> Z */
  EVM_STORAGE_DELETED_ADDED,     /* X -> 0 -> Z */
  EVM_STORAGE_MODIFIED_DELETED,  /* X -> Y -> 0 */
  EVM_STORAGE_DELETED_RESTORED,  /* X -> 0 -> X */
  EVM_STORAGE_ADDED_DELETED,     /* 0 -> Y -> 0 */
  EVM_STORAGE_MODIFIED_RESTORED, /* X -> Y -> X */
} evm_storage_status_t;

typedef enum { EVM_ACCESS_COLD = 0, EVM_ACCESS_WARM = 1 } evm_access_status_t;

/* Block and transaction context, fetched once per execution when first needed. */
typedef struct {
  u256_t gas_price; /* effective gas price */
  ethc_address_t origin;
  ethc_address_t coinbase;
  int64_t number;
  int64_t timestamp;
  int64_t gas_limit;
  u256_t prev_randao; /* DIFFICULTY before Paris, PREVRANDAO after */
  u256_t chain_id;
  u256_t base_fee;
  u256_t blob_base_fee;
  const ethc_hash_t *blob_hashes;
  size_t blob_hashes_count;
} evm_tx_context_t;

typedef struct evm_host evm_host_t;

/* The host interface. `ctx` is the host's own pointer, passed back on every call.
 *
 * Division of work between interpreter and host (EVMC conventions):
 * - The interpreter charges all gas of the calling frame: base costs, memory,
 *   EIP-2929 cold surcharges (it calls access_account/access_storage itself, from
 *   Berlin), CALL's value-transfer (9000) and new-account (25000) costs, the
 *   EIP-150 63/64 rule, CREATE/CREATE2 init-code word gas (EIP-3860) and the
 *   init-code size limit, SSTORE cost/refund from the returned storage status, and
 *   SELFDESTRUCT's costs and (pre-London) refund.
 * - Before calling host->call it checks the depth limit (1024) and, for a
 *   value-bearing CALL/CALLCODE/CREATE/CREATE2, that the caller's balance covers
 *   the value; when either fails the call is not made (the caller keeps the gas).
 *   So host->call is only invoked for calls that proceed. msg->gas already includes
 *   the 2300 stipend for value-bearing calls.
 * - From Prague the interpreter resolves an EIP-7702 delegation for the call
 *   family (charging the delegate's access) and passes the delegate as
 *   msg->code_address and sets msg->delegated; the host runs the code of
 *   msg->code_address as given, and when msg->delegated it never runs a precompile
 *   (a delegation to a precompile address runs that account's code, i.e. none).
 * - The host (call) transfers value, snapshots/reverts state, runs precompiles,
 *   and for CREATE/CREATE2: checks the sender nonce (2^64-1 fails with all gas
 *   returned), increments it, computes the address (msg->recipient is zero on
 *   input), marks it warm, checks collisions, runs the init code and finishes the
 *   create: EIP-170 code-size limit, EIP-3541 0xEF rejection, the 200 gas/byte code
 *   deposit (Homestead+: failure consumes all gas; Frontier: empty code), and sets
 *   create_address.
 * - The host returns gas_left (0 after an exceptional halt) and gas_refund (only
 *   counted by the caller when status is EVM_SUCCESS); evm_execute itself reports
 *   gas_refund only on success.
 * - account_exists: from Spurious Dragon (EIP-161) an empty account counts as
 *   non-existent. selfdestruct: the host moves the balance and applies EIP-6780. */
struct evm_host {
  bool (*account_exists)(void *ctx, const ethc_address_t *addr);
  /* Current storage value (zero when absent). */
  void (*get_storage)(void *ctx, const ethc_address_t *addr, const u256_t *key, u256_t *value);
  evm_storage_status_t (*set_storage)(void *ctx, const ethc_address_t *addr, const u256_t *key, const u256_t *value);
  void (*get_balance)(void *ctx, const ethc_address_t *addr, u256_t *balance);
  size_t (*get_code_size)(void *ctx, const ethc_address_t *addr);
  /* Keccak of the code; all zero for a non-existent (or empty per EIP-161) account. */
  void (*get_code_hash)(void *ctx, const ethc_address_t *addr, ethc_hash_t *hash);
  /* Copies code[offset .. offset+size) into buf, returns bytes copied. */
  size_t (*copy_code)(void *ctx, const ethc_address_t *addr, size_t offset, uint8_t *buf, size_t size);
  /* Borrowed pointer to the whole code (valid until the next state change) and its
   * hash, for the interpreter's code-analysis cache; may return NULL. */
  const uint8_t *(*get_code)(void *ctx, const ethc_address_t *addr, size_t *size, ethc_hash_t *hash);
  /* SELFDESTRUCT; returns true if this was the first selfdestruct of addr in the tx
   * (for the pre-London refund). */
  bool (*selfdestruct)(void *ctx, const ethc_address_t *addr, const ethc_address_t *beneficiary);
  /* A nested call or create: the host transfers value, snapshots and reverts state,
   * runs precompiles, computes CREATE addresses and calls evm_execute for code. */
  evm_result_t (*call)(void *ctx, const evm_message_t *msg);
  void (*get_tx_context)(void *ctx, evm_tx_context_t *tx);
  /* Hash of block `number` (zero when out of the 256-block window). */
  void (*get_block_hash)(void *ctx, int64_t number, ethc_hash_t *hash);
  void (*emit_log)(void *ctx, const ethc_address_t *addr, const uint8_t *data, size_t data_size,
                   const ethc_hash_t topics[], size_t topics_count);
  /* EIP-2929: mark warm, return the status before the access. */
  evm_access_status_t (*access_account)(void *ctx, const ethc_address_t *addr);
  evm_access_status_t (*access_storage)(void *ctx, const ethc_address_t *addr, const u256_t *key);
  /* EIP-1153 transient storage. */
  void (*get_transient_storage)(void *ctx, const ethc_address_t *addr, const u256_t *key, u256_t *value);
  void (*set_transient_storage)(void *ctx, const ethc_address_t *addr, const u256_t *key, const u256_t *value);
};

/* Runs `code` for `msg` under fork `rev`. Thread-compatible: one evm_t per thread.
 * Re-entrant through host->call (up to 1025 nested executions, each with its own
 * lazily created, reused execution state). The code analysis (JUMPDEST bitmap) is
 * cached by code hash when host->get_code reports the same code for
 * msg->code_address; init code is analysed per execution. The result's output
 * (RETURN/REVERT data) is malloc'd: release it with evm_result_release. */
typedef struct evm evm_t;
evm_t *evm_create(void);
void evm_destroy(evm_t *vm);
evm_result_t evm_execute(evm_t *vm, const evm_host_t *host, void *host_ctx, evm_revision_t rev,
                         const evm_message_t *msg, const uint8_t *code, size_t code_size);

/* Tracing: evm_set_tracer and the tracers are in ethc/tracer.h. */

/* A time limit for what runs on `vm` (--rpc.evmtimeout): once the monotonic
 * clock (evm_now_ns) passes `deadline_ns`, the running frames fail
 * (EVM_FAILURE, all gas used) as soon as each takes a jump, so that the
 * execution unwinds; evm_deadline_passed then answers true until the next
 * evm_set_deadline. 0: no limit (the default). The clock is read once every
 * few thousand taken jumps. Only for the thread that uses `vm`. */
void evm_set_deadline(evm_t *vm, uint64_t deadline_ns);
bool evm_deadline_passed(const evm_t *vm);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t evm_now_ns(void);

#ifdef __cplusplus
}
#endif

#endif
