/* What the RPC server's files share: the server, one call's context, the method
 * table's entries and the parameter decoders (execution-apis encodings, with
 * geth's -32602 messages). Not a public header. */
#ifndef ETHC_RPC_INTERNAL_H
#define ETHC_RPC_INTERNAL_H

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/chain.h"
#include "ethc/chain_call.h"
#include "ethc/chain_read.h"
#include "ethc/evm.h"
#include "ethc/rpc.h"
#include "ethc/rpc_miner.h"
#include "ethc/types.h"
#include "rpc/json_writer.h"

/* JSON-RPC 2.0 and execution-apis error codes */
enum {
  RPC_PARSE_ERROR = -32700,
  RPC_INVALID_REQUEST = -32600,
  RPC_METHOD_NOT_FOUND = -32601,
  RPC_INVALID_PARAMS = -32602,
  RPC_INTERNAL_ERROR = -32603,
  RPC_SERVER_ERROR = -32000, /* execution-apis: unknown block, not found, ... */
  RPC_RESPONSE_TOO_LARGE = -32003,
  RPC_LIMIT_EXCEEDED = -32005,
  RPC_UNSUPPORTED = -32004,   /* "method not supported" (EIP-1474) */
  RPC_EXECUTION_REVERTED = 3, /* a call reverted: "data" holds the revert data */
};

/* Namespaces, as --http.api names them. */
typedef enum {
  RPC_NS_ETH,
  RPC_NS_NET,
  RPC_NS_WEB3,
  RPC_NS_DEBUG,
  RPC_NS_RPC,
  RPC_NS_TXPOOL,
  RPC_NS_TESTING,
  RPC_NS_EVM,
  RPC_NS_ANVIL,
  RPC_NS_HARDHAT,
  RPC_NS_ENGINE,   /* only on the authenticated port (rpc_config_t.engine_lock) */
  RPC_NS_PERSONAL, /* personal_sign (--dev) */
  RPC_NS_ADMIN,    /* admin_nodeInfo (p2p) */
  RPC_NS_COUNT
} rpc_ns_t;
extern const char *const rpc_ns_names[RPC_NS_COUNT];

#define RPC_MAX_METHODS 256
#define RPC_LATENCY_BUCKETS 14 /* upper bounds in metrics.c, then +Inf */
#define RPC_BATCH_BUCKETS 10

typedef struct {
  _Atomic uint64_t calls, errors, sum_ns;
  _Atomic uint64_t buckets[RPC_LATENCY_BUCKETS + 1];
} rpc_method_stats_t;

/* A connection that can receive notifications (a WebSocket; ws.c). */
typedef struct rpc_session {
  int (*notify)(struct rpc_session *s, const char *data, size_t len);
} rpc_session_t;

typedef struct rpc_sub {
  char id[35]; /* "0x" + 32 hex digits */
  rpc_session_t *sess;
  bool logs;                 /* a "logs" subscription, else newHeads */
  struct rpc_log_crit *crit; /* logs: its addresses and topics (owned) */
  struct rpc_sub *next;
  bool pending_txs; /* a "newPendingTransactions" subscription (subs.c) */
  bool full_txs;    /* ... sending transaction objects, not hashes */
} rpc_sub_t;

struct rpc_server {
  chain_t *chain;
  bool ns_enabled[RPC_NS_COUNT];
  size_t batch_limit, batch_response_max, logs_limit;
  uint64_t gas_cap;    /* --rpc.gascap: most gas of one call run (0: none) */
  rpc_txpool_t txpool; /* add NULL: no pool */
  char client_version[128];
  /* metrics (metrics.c), indexed as rpc_method_all lists the methods */
  rpc_method_stats_t stats[RPC_MAX_METHODS];
  _Atomic uint64_t unknown_calls;
  _Atomic uint64_t batch_buckets[RPC_BATCH_BUCKETS + 1];
  _Atomic uint64_t batch_sum;
  /* newHeads subscriptions (subs.c) */
  pthread_mutex_t subs_lock;
  rpc_sub_t *subs;
  atomic_size_t sub_count;
  bool heads_known;
  uint64_t last_head;
  ethc_hash_t last_head_hash;
  /* polling filters (filters.c) */
  struct rpc_filters *filters;
  /* the miner (mining.c; rpc_miner.h): mine NULL when none */
  rpc_miner_t miner;
  /* the engine API (engine.c): NULL on a server without it */
  struct rpc_engine *engine;
  uint64_t evm_timeout_ms; /* --rpc.evmtimeout (0: none) */
  /* the dev node's accounts (accounts.c; borrowed, NULL outside --dev) */
  struct rpc_accounts *accounts;
  rpc_admin_t admin; /* the node's p2p side (admin.c); node_info NULL: none */
  rpc_light_heads_t light_heads; /* a light node's proven heads (light_heads.c); head NULL: none */
};

/* rpc_server_handle for a connection that takes notifications (sess may be NULL). */
int rpc_server_handle_session(rpc_server_t *s, rpc_session_t *sess, const char *body, size_t len, char **resp,
                              size_t *resp_len);
/* Frees one subscription (subs.c). */
void rpc_sub_free(rpc_sub_t *sub);
/* Drops a closing connection's subscriptions; it gets no notification after. */
void rpc_session_end(rpc_server_t *s, rpc_session_t *sess);


/* One call: the handler writes its result into `w` and returns 0, or fails
 * with rpc_fail (which returns -1); the dispatcher then drops what was written. */
typedef struct {
  rpc_server_t *srv;
  rpc_session_t *sess; /* NULL over HTTP */
  jw_t *w;
  /* The head snapshot of the whole request (a batch shares it): taken by the
   * first call that needs it (rpc_head), released when the request is answered,
   * so that "latest" means one block for the request's life. */
  chain_snapshot_t **head;
  int err_code;
  char err_msg[256];
  uint8_t *err_data; /* malloc'd: the error's "data" (revert data), or NULL */
  size_t err_data_len;
} rpc_call_t;

typedef int (*rpc_handler_fn)(rpc_call_t *c, const cJSON *params);

typedef struct {
  const char *name;
  rpc_ns_t ns;
  rpc_handler_fn fn;
  int max_params; /* more positional parameters are refused */
} rpc_method_t;

/* Records one call (m NULL: an unknown method) and its handler's time (metrics.c). */
void rpc_metrics_call(rpc_server_t *s, const rpc_method_t *m, uint64_t ns, bool failed);
/* Records the size of one batch. */
void rpc_metrics_batch(rpc_server_t *s, size_t n);
int rpc_metrics_index(const rpc_method_t *m);

/* Method tables, one per file, each ending with a NULL name. */
extern const rpc_method_t rpc_methods_info[];    /* web3, net, rpc, eth_chainId, ... (info.c) */
extern const rpc_method_t rpc_methods_blocks[];  /* blocks, transactions, receipts (eth_blocks.c) */
extern const rpc_method_t rpc_methods_headers[]; /* eth_getHeaderByNumber/ByHash (eth_headers.c) */
extern const rpc_method_t rpc_methods_logs[];    /* eth_getLogs (eth_logs.c) */
extern const rpc_method_t rpc_methods_extra[];   /* uncles, raw tx, accounts, fee suggestions (eth_extra.c) */
extern const rpc_method_t rpc_methods_fees[];    /* eth_baseFee, eth_feeHistory (fees.c) */
extern const rpc_method_t rpc_methods_debug[];   /* debug_getRaw* (debug_raw.c) */
extern const rpc_method_t rpc_methods_state[];   /* state reads, eth_getProof (eth_state.c) */
extern const rpc_method_t rpc_methods_exec[];    /* eth_call, eth_estimateGas, eth_createAccessList (eth_call.c) */
extern const rpc_method_t rpc_methods_trace[];   /* debug_trace* (debug_trace.c) */
extern const rpc_method_t rpc_methods_subs[];    /* eth_subscribe, eth_unsubscribe (subs.c) */
extern const rpc_method_t rpc_methods_txpool[];  /* eth_sendRawTransaction, txpool_* (txpool.c) */
extern const rpc_method_t rpc_methods_testing[]; /* testing_buildBlockV1 (testing.c) */
extern const rpc_method_t rpc_methods_mining[];  /* evm_mine, anvil_mine, hardhat_mine, ... (mining.c) */
extern const rpc_method_t rpc_methods_engine[];  /* engine_* (engine.c) */
extern const rpc_method_t rpc_methods_dev[];     /* anvil_setBalance, evm_snapshot, ... (dev_tools.c) */
extern const rpc_method_t rpc_methods_dev_state[]; /* anvil_dumpState, anvil_loadState (dev_state.c) */
/* The engine API's state (engine.c), writing the chain under `lock`: 0 or ETHC_ERR_NOMEM. */
typedef struct rpc_engine rpc_engine_t;
int rpc_engine_new(rpc_server_t *s, pthread_mutex_t *lock);
void rpc_engine_free(rpc_server_t *s);
extern const rpc_method_t rpc_methods_simulate[]; /* eth_simulateV1 (simulate_write.c) */

extern const rpc_method_t rpc_methods_accounts[]; /* eth_accounts, signing, impersonation (accounts.c) */
/* eth_signTransaction, eth_sendTransaction, eth_fillTransaction (accounts_tx.c) */
int rpc_eth_signTransaction(rpc_call_t *c, const cJSON *params);
int rpc_eth_sendTransaction(rpc_call_t *c, const cJSON *params);
int rpc_eth_fillTransaction(rpc_call_t *c, const cJSON *params);
/* Hands an impersonated sender's unsigned transaction to the pool (accounts.c):
 * 0 with *hash, or fails the call. */
int rpc_accounts_forced_add(rpc_call_t *c, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash);

/* The pool transaction of hash h written as an object: true, or false when the
 * pool has none (nothing written) (txpool.c). */
bool rpc_pool_write_tx(rpc_call_t *c, const ethc_hash_t *h);

/* The method of that name, or NULL (methods.c). */
const rpc_method_t *rpc_method_find(const char *name);
/* Every method, in table order (for rpc_modules); returns the count. */
size_t rpc_method_all(const rpc_method_t **out, size_t max);

int rpc_fail(rpc_call_t *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps a chain_read error to a JSON-RPC error (-32000 with its message). */
int rpc_fail_chain(rpc_call_t *c, int rc);

/* ---- parameters (params.c): each returns 0, or fails the call with -32602 ---- */

/* Parameter i of `params` (an array or NULL), or NULL when absent. */
const cJSON *rpc_param(const cJSON *params, int i);
int rpc_param_count(const cJSON *params);
/* A required parameter. */
int rpc_need(rpc_call_t *c, const cJSON *params, int i, const cJSON **out);

int rpc_parse_qty(rpc_call_t *c, int i, const cJSON *v, uint64_t *out);
int rpc_parse_hash(rpc_call_t *c, int i, const cJSON *v, ethc_hash_t *out);
int rpc_parse_addr(rpc_call_t *c, int i, const cJSON *v, ethc_address_t *out);
int rpc_parse_bool(rpc_call_t *c, int i, const cJSON *v, bool *out);
/* Hex data of any even length: malloc'd into *out (free it). */
int rpc_parse_data(rpc_call_t *c, int i, const cJSON *v, uint8_t **out, size_t *len);

/* A block as named by a request: a tag, a number, or (where allowed) a hash. */
typedef enum { RPC_BLOCK_NUMBER, RPC_BLOCK_HASH } rpc_block_kind_t;
typedef struct {
  rpc_block_kind_t kind;
  bool latest;      /* kind NUMBER: named by a tag that means the request's head snapshot */
  uint64_t number;  /* kind NUMBER: resolved (tags resolved against the head) */
  ethc_hash_t hash; /* kind HASH */
  bool require_canonical;
} rpc_block_ref_t;
/* A block number or tag (latest, earliest, pending, safe, finalized). */
int rpc_parse_block_number(rpc_call_t *c, int i, const cJSON *v, rpc_block_ref_t *out);
/* A number, a tag, a 32-byte hash, or an EIP-1898 object {blockNumber} / {blockHash, requireCanonical}. */
int rpc_parse_block_ref(rpc_call_t *c, int i, const cJSON *v, rpc_block_ref_t *out);
/* The hash of the block a ref names: ETHC_ERR_NOT_FOUND (no call failure) when
 * there is none; other errors fail the call. Out: hash, number. */
int rpc_resolve_block(rpc_call_t *c, const rpc_block_ref_t *ref, ethc_hash_t *hash, uint64_t *number);

/* The request's head snapshot (taken on first use; never NULL; not retained for
 * the caller). */
chain_snapshot_t *rpc_head(rpc_call_t *c);
/* The snapshot of the block a ref names, retained for the caller (release it):
 * 0, or fails the call as geth does ("header not found", "header for hash not
 * found", "hash is not currently canonical"). */
int rpc_snapshot(rpc_call_t *c, const rpc_block_ref_t *ref, chain_snapshot_t **out);
/* Parameter i as a block reference, "latest" when absent. */
int rpc_parse_block_ref_opt(rpc_call_t *c, const cJSON *params, int i, rpc_block_ref_t *out);
/* This thread's EVM (created on first use, destroyed with the thread); NULL when out of memory. */
evm_t *rpc_thread_vm(void);

/* ---- calls (eth_call.c) ---- */
/* A transaction call object (execution-apis GenericTransaction), its accessList
 * included: *data is the one allocation msg's call data and access list point
 * into (free it; NULL after a failure). */
int rpc_parse_call(rpc_call_t *c, int i, const cJSON *v, chain_call_msg_t *msg, uint8_t **data);
/* Fails the call unless parameter i (block overrides) is absent or empty. */
int rpc_fail_block_overrides(rpc_call_t *c, const cJSON *params, int i);
/* geth's state overrides `o` (parameter i; NULL: none), checked and set as
 * msg's prepare step, which reads `o` while the call runs. */
int rpc_parse_state_overrides(rpc_call_t *c, int i, const cJSON *o, chain_call_msg_t *msg);
/* Without a gas limit, a call gets the --rpc.gascap when the gas chain_call
 * would give it is above the cap. */
void rpc_cap_call_gas(rpc_call_t *c, const chain_snapshot_t *snap, chain_call_msg_t *msg);
/* The error of a call that reverted, failed or was invalid (geth's codes and messages). */
int rpc_fail_call_result(rpc_call_t *c, const chain_call_result_t *r);
/* A local error (missing state, I/O, memory). */
int rpc_fail_local(rpc_call_t *c, int rc);
/* Starts the --rpc.evmtimeout clock on vm (evm_set_deadline; none when 0). */
void rpc_start_evm_timeout(rpc_call_t *c, evm_t *vm);
/* geth's "execution aborted (timeout = 5s)" (-32000). */
int rpc_fail_timeout(rpc_call_t *c);

/* ---- log criteria (eth_logs.c, shared with filters.c and subs.c) ---- */
/* A list of values that is a single string or an array of strings (20-byte
 * addresses when size is 20, else hashes), at most 1000: malloc'd into *out. */
int rpc_parse_filter_list(rpc_call_t *c, const cJSON *v, const char *what, size_t size, void **out, size_t *count);

/* Addresses and topic positions of a log filter, owned. */
typedef struct rpc_log_crit {
  ethc_address_t *addrs;
  size_t addr_count;
  ethc_hash_t *topics[4];
  size_t topic_counts[4];
  size_t topic_count;
} rpc_log_crit_t;
/* Parses "address" and "topics" of the filter object f. */
int rpc_parse_log_crit(rpc_call_t *c, const cJSON *f, rpc_log_crit_t *out);
void rpc_log_crit_free(rpc_log_crit_t *k);
/* Whether log l matches. */
bool rpc_log_crit_match(const rpc_log_crit_t *k, const chain_log_t *l);
/* Sets f's address and topic fields to point into k. */
void rpc_log_crit_apply(const rpc_log_crit_t *k, chain_log_filter_t *f);

/* The canonical chain's change from block (n0, h0) to the stored head: the
 * blocks that left it (newest first) and those that joined (oldest first),
 * each list malloc'd (free them), at most `max` each (the newest joined kept).
 * Out: head number and hash. */
int rpc_chain_diff(chain_t *ch, uint64_t n0, const ethc_hash_t *h0, size_t max, ethc_hash_t **removed,
                   size_t *n_removed, ethc_hash_t **added, uint64_t *first_added, size_t *n_added, uint64_t *head,
                   ethc_hash_t *head_hash);

/* Filters (filters.c); their methods are in eth_logs.c's table. */
int rpc_eth_newFilter(rpc_call_t *c, const cJSON *params);
int rpc_eth_newBlockFilter(rpc_call_t *c, const cJSON *params);
int rpc_eth_newPendingTransactionFilter(rpc_call_t *c, const cJSON *params);
int rpc_eth_getFilterChanges(rpc_call_t *c, const cJSON *params);
int rpc_eth_getFilterLogs(rpc_call_t *c, const cJSON *params);
int rpc_eth_uninstallFilter(rpc_call_t *c, const cJSON *params);
int rpc_filters_new(rpc_server_t *s);
void rpc_filters_free(rpc_server_t *s);
/* The seam for the transaction pool: a transaction accepted into the pool goes
 * to every eth_newPendingTransactionFilter's changes. Thread-safe. */
void rpc_filters_pending_tx(rpc_server_t *s, const ethc_hash_t *tx_hash);

/* eth_config (EIP-7910) and eth_capabilities (eth_config.c; in info.c's table). */
int rpc_eth_config(rpc_call_t *c, const cJSON *params);
int rpc_eth_capabilities(rpc_call_t *c, const cJSON *params);

/* ---- encoders (format.c): execution-apis objects ---- */
#include "ethc/chain_read.h"
/* A block object; full: transactions as objects, else their hashes. */
int rpc_write_block(rpc_call_t *c, const chain_read_block_t *b, bool full);
void rpc_write_tx(jw_t *w, const chain_read_tx_t *t);
/* A pool transaction (no block yet: block fields null). */
void rpc_write_pool_tx(jw_t *w, const tx_t *tx, const ethc_hash_t *hash, const ethc_address_t *from);
/* A header object (newHeads): the block's fields without its body. */
void rpc_write_header(jw_t *w, const chain_header_t *h, const ethc_hash_t *hash);
/* A withdrawal object (EIP-4895; WithdrawalV1 of the engine API). */
void rpc_write_withdrawal(jw_t *w, const chain_withdrawal_t *wd);
/* The same fields, inside an object the caller opened. */
void rpc_write_header_fields(jw_t *w, const chain_header_t *h, const ethc_hash_t *hash);
/* A light sync's headers above the canonical head (eth_headers.c): the hash of
 * the one a number or "latest" names (0, or ETHC_ERR_NOT_FOUND: ask the
 * chain); the block number to report (the higher of the head and their tip);
 * and a block object from a header whose body is not stored (its transactions,
 * ommers and withdrawals must be empty by its roots, else the call fails
 * saying the body is not stored). */
int rpc_light_hash(rpc_call_t *c, const rpc_block_ref_t *ref, ethc_hash_t *hash);
uint64_t rpc_light_block_number(rpc_call_t *c);
/* A light node's tag (light_heads.c): `tag` latest, pending, safe or finalized
 * resolved to the proven block. 0 with *out set; 1 when not a light node or
 * not such a tag (resolve it as usual); -1 after rpc_fail (none proven yet, or
 * its header not stored). */
int rpc_light_tag(rpc_call_t *c, const char *tag, rpc_block_ref_t *out);
int rpc_write_header_block(rpc_call_t *c, const chain_header_t *h, const ethc_hash_t *hash);
void rpc_write_log(jw_t *w, const chain_log_t *l);
/* The same, with "removed" as given (logs of blocks a reorganisation dropped). */
void rpc_write_log_removed(jw_t *w, const chain_log_t *l, bool removed);
void rpc_write_receipt(jw_t *w, const chain_read_receipt_t *r);

/* ---- rpc_discover (discover.c): one description per method ---- */
/* A method's summary, its parameters "name:Type, name:Type?" (? optional) and
 * its result "name:Type", in discover.c's notation. */
typedef struct {
  const char *name, *summary, *params, *result;
} rpc_doc_t;
extern const rpc_method_t rpc_methods_discover[]; /* rpc_discover (discover.c) */
extern const rpc_method_t rpc_methods_admin[];    /* admin_nodeInfo, debug_p2pTable (admin.c) */
/* The description of a method, or NULL. */
const rpc_doc_t *rpc_doc_find(const char *name);
/* All descriptions: *out points at them; returns the count. */
size_t rpc_doc_all(const rpc_doc_t **out);
/* The number of parameters d describes, or -1 when its notation is malformed
 * or names an unknown type. */
int rpc_doc_check(const rpc_doc_t *d);

#endif
