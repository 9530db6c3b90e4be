/* What eth_simulateV1 (execution-apis src/eth/execute.yaml) and the calls that
 * take go-ethereum's BlockOverrides share: the overrides' parser, the moved
 * precompiles of state overrides, and the simulation's request and results
 * (simulate_params.c parses, simulate_exec.c runs, simulate_write.c answers).
 * Not a public header. */
#ifndef ETHC_RPC_SIMULATE_H
#define ETHC_RPC_SIMULATE_H

#include "ethc/block.h"
#include "ethc/precompiles.h"
#include "ethc/tracer.h"
#include "ethc/transition.h"
#include "rpc/rpc_internal.h"

/* A 256-bit quantity (eth_call.c): 0, or fails the call with -32602. */
int rpc_parse_u256(rpc_call_t *c, int i, const cJSON *v, u256_t *out);

/* The reason of ABI-encoded Error(string) or Panic(uint256) revert data, into
 * buf (eth_call.c); false when the data is neither. */
bool rpc_revert_reason(const uint8_t *d, size_t n, char *buf, size_t cap);

/* ---- block overrides (geth's BlockOverrides) ---- */
typedef struct {
  bool has_number, has_time, has_gas_limit, has_coinbase, has_random, has_base_fee, has_blob_base_fee, has_difficulty,
      has_beacon_root, has_withdrawals;
  uint64_t number, time, gas_limit;
  ethc_address_t coinbase;
  ethc_hash_t random, beacon_root;
  u256_t base_fee, blob_base_fee, difficulty;
  chain_withdrawal_t *withdrawals; /* malloc'd (rpc_block_overrides_free) */
  size_t withdrawal_count;
} rpc_block_overrides_t;

/* Parameter i (NULL or null: none) into *out (zeroed first): 0, or fails the
 * call with -32602. */
int rpc_parse_block_overrides(rpc_call_t *c, int i, const cJSON *v, rpc_block_overrides_t *out);
void rpc_block_overrides_free(rpc_block_overrides_t *o);
/* Sets the overridden fields of a call's block environment. */
void rpc_block_overrides_apply(const rpc_block_overrides_t *o, chain_block_env_t *env);

/* The environment hook of eth_call and the like (eth_call.c): block overrides
 * `bo` (may be NULL; borrowed, as ce is, for msg's life) and the precompiles
 * that state overrides move, on the block of `snap`. */
typedef struct {
  const rpc_block_overrides_t *bo; /* NULL: none */
  evm_revision_t rev;              /* of the call's block: its precompiles */
} rpc_call_env_t;
void rpc_set_call_env(chain_call_msg_t *msg, rpc_call_env_t *ce, const rpc_block_overrides_t *bo,
                      const chain_snapshot_t *snap);

/* ---- precompiles moved by state overrides (movePrecompileToAddress) ---- */
#define RPC_MAX_PRECOMPILE_EDITS 64
typedef struct {
  evm_revision_t rev; /* whose precompiles are the starting set */
  size_t n_moved, n_removed;
  struct {
    ethc_address_t to;
    const evm_precompile_t *p;
  } moved[RPC_MAX_PRECOMPILE_EDITS];
  ethc_address_t removed[RPC_MAX_PRECOMPILE_EDITS];
} rpc_precompiles_t;

/* The precompile at `a` (ctx: an rpc_precompiles_t): chain_block_env_t's hook. */
const evm_precompile_t *rpc_precompile_at(void *ctx, const ethc_address_t *a, evm_revision_t rev);
/* Applies state overrides `o` (checked by rpc_parse_state_overrides) to `st`
 * in geth's order, moving precompiles in `pm` (NULL: the fork's set, moves
 * refused), then commits them: 0, ETHC_ERR_INVALID with `err` set (an
 * override geth refuses: -32000), or a local error. */
int rpc_apply_state_overrides(const cJSON *o, state_t *st, rpc_precompiles_t *pm, char *err, size_t errlen);

/* ---- eth_simulateV1 ---- */
#define SIM_MAX_BLOCKS 256
#define SIM_TIME_INCREMENT 12

/* go-ethereum's codes (internal/ethapi/errors.go) and the spec's */
enum {
  SIM_ERR_NONCE_TOO_LOW = -38010,
  SIM_ERR_NONCE_TOO_HIGH = -38011,
  SIM_ERR_BASE_FEE_TOO_LOW = -38012,
  SIM_ERR_INTRINSIC_GAS = -38013,
  SIM_ERR_INSUFFICIENT_FUNDS = -38014,
  SIM_ERR_BLOCK_GAS_LIMIT = -38015,
  SIM_ERR_BLOCK_NUMBER = -38020,
  SIM_ERR_BLOCK_TIMESTAMP = -38021,
  SIM_ERR_SENDER_NOT_EOA = -38024,
  SIM_ERR_MAX_INIT_CODE = -38025,
  SIM_ERR_CLIENT_LIMIT = -38026,
  SIM_ERR_VM = -32015,
};

typedef struct {
  chain_call_msg_t msg; /* from, to, value, gas, fees, data, access list */
  uint8_t *data;        /* owns msg's data and access list */
  bool has_gas, has_nonce, has_gas_price, has_max_fee, has_max_prio, has_chain_id;
  uint64_t nonce;
  u256_t chain_id;
  tx_authorization_t *auths; /* EIP-7702 authorizationList (malloc'd); NULL: none */
  size_t auth_count;
  bool has_auths;
} sim_call_t;

typedef struct {
  rpc_block_overrides_t ov;
  const cJSON *state; /* state overrides, checked (borrowed from the request), or NULL */
  sim_call_t *calls;
  size_t call_count;
} sim_block_t;

typedef struct {
  sim_block_t *blocks;
  size_t count;
  bool trace_transfers, validation, full_tx;
} sim_request_t;

/* Parameter 0 of eth_simulateV1: 0, or fails the call. Free with sim_request_free. */
int sim_parse(rpc_call_t *c, const cJSON *v, sim_request_t *out);
void sim_request_free(sim_request_t *r);

typedef struct {
  uint8_t *ret; /* return or revert data (malloc'd) */
  size_t ret_len;
  chain_log_t *logs; /* data malloc'd each */
  size_t log_count;
  uint64_t gas_used, max_used_gas;
  evm_status_t status;
} sim_call_result_t;

typedef struct {
  chain_header_t header;
  ethc_hash_t hash;
  size_t size; /* of the block's RLP */
  tx_t *txs;   /* borrow the request's data */
  ethc_hash_t *tx_hashes;
  ethc_address_t *senders;
  sim_call_result_t *calls;
  size_t tx_count;
  bool has_withdrawals;
  const chain_withdrawal_t *withdrawals; /* the request's */
  size_t withdrawal_count;
} sim_block_result_t;

typedef struct {
  sim_block_result_t *blocks;
  size_t count;
} sim_result_t;

/* The log collector of one block's calls (simulate_logs.c): set
 * sim_log_tracer on the vm with it; per call, set tx_hash and tx_index and
 * empty logs/n/cap/depth; `logs` then holds the call's logs (the caller owns
 * them and their data); `count` runs on through the block. */
typedef struct sim_tracer {
  bool transfers;
  chain_log_t *logs; /* of the current call, in order; data malloc'd */
  size_t n, cap;
  size_t *frames; /* log count when each open frame began */
  size_t depth, fcap;
  uint32_t count; /* the block's log index */
  bool oom;
  uint64_t number, timestamp;
  ethc_hash_t tx_hash;
  uint32_t tx_index;
} sim_tracer_t;
extern const evm_tracer_t sim_log_tracer;
/* Frees the logs from index `from` on and gives their indexes back. */
void sim_tracer_drop_from(sim_tracer_t *t, size_t from);

/* Runs the request on the state of `snap`: 0 with *out filled (sim_result_free),
 * or fails the call with geth's code and message. */
int sim_run(rpc_call_t *c, const chain_snapshot_t *snap, const sim_request_t *req, sim_result_t *out);
void sim_result_free(sim_result_t *r);

/* The result array of eth_simulateV1. */
void sim_write(rpc_call_t *c, const sim_request_t *req, const sim_result_t *r);

#endif
