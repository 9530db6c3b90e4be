/* An execution-RPC provider (`--execution-rpc URL`: any Ethereum JSON-RPC
 * server) as a chain_remote_t (chain_remote.h), for a light node: nothing it
 * answers is believed.
 *   state     eth_getProof per account and slot, at the block's hash: the proof
 *             nodes are kept by their keccak256 and every read walks them from
 *             the verified header's state root (EIP-1186; an answer that does
 *             not prove is refused, verify.h names the failed check); code by
 *             eth_getCode, checked against the proven code hash. Verified trie
 *             nodes and code are cached in memory (bounded) for every root,
 *             and in the chain database (trie_node_cache.h) across restarts.
 *             Per-block views: a ring of the last max_views blocks (state
 *             root -> block to ask at); a base handed out holds no memory of
 *             its own, so it stays safe to read after its view is dropped
 *             (a miss then fails with a message). A cold eth_call is
 *             prefetched in two JSON-RPC batches: eth_createAccessList with
 *             the sender's, recipient's and coinbase's proofs and the
 *             recipient's code, then the proofs of what the list names
 *             (each proven; a provider without the method or without
 *             batches is not asked again).
 *   body      debug_getRawBlock (the block's RLP); the chain checks it against
 *             the header's transactions, ommers and withdrawals roots.
 *   receipts  eth_getBlockReceipts, re-encoded as consensus receipts
 *             (EIP-2718, EIP-658), or debug_getRawReceipts when the first is
 *             missing; the chain checks them against the receipts root.
 *   tx lookup eth_getTransactionByHash (a hint: the chain finds the
 *             transaction in the verified body before it answers).
 * Transport: libcurl, blocking, one pooled easy handle per concurrent call
 * (connections reused), a per-call timeout and an answer size limit.
 *
 * Threads: the hooks are called from RPC threads, any number at once; they
 * block the calling thread up to the timeout. Never from the libuv loop. */
#ifndef ETHC_LIGHT_RPC_SOURCE_H
#define ETHC_LIGHT_RPC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/chain_remote.h"
#include "ethc/chaindb.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct light_rpc_source light_rpc_source_t;

typedef struct {
  const char *url;         /* http:// or https:// JSON-RPC endpoint (copied) */
  unsigned timeout_ms;     /* per call (0: 10000) */
  size_t max_response;     /* bytes of one answer (0: 64 MiB) */
  size_t cache_bytes;      /* verified trie nodes kept in memory (0: 64 MiB) */
  size_t code_bytes;       /* verified code kept in memory (0: half of cache_bytes) */
  size_t where_bytes;      /* each of the two "where to ask" tables (code hash and storage root to a
                              proven account's address and block) (0: 8 MiB) */
  size_t read_cache_bytes; /* the decoded trie node cache of the reads (0: 8 MiB) */
  chaindb_t *db;           /* the persistent cache's database (borrowed; NULL: none) */
  size_t disk_cache_bytes; /* its bound (0: 256 MiB) */
  size_t max_views;        /* blocks whose state is open (0: 256) */
} light_rpc_opts_t;

/* 0 with *out, ETHC_ERR_INVALID (a URL that is not http(s)), or ETHC_ERR_NOMEM
 * (or libcurl failing to start), with a message in err. Nothing is fetched yet. */
int light_rpc_source_new(const light_rpc_opts_t *o, light_rpc_source_t **out, char *err, size_t errlen);
/* Frees the source: the chain must no longer use it (chain_set_remote(c, NULL)
 * or chain_close first). NULL accepted. */
void light_rpc_source_free(light_rpc_source_t *s);
/* The source as the chain's seam: pass it to chain_set_remote. */
chain_remote_t light_rpc_source_remote(light_rpc_source_t *s);

/* Forwards a raw transaction with eth_sendRawTransaction: 0 with *hash the
 * provider's answer, or an error with its message in err. Any thread. */
int light_rpc_source_send_raw(light_rpc_source_t *s, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err,
                              size_t errlen);

/* Calls made to the provider and their total time (microseconds). */
void light_rpc_source_stats(light_rpc_source_t *s, unsigned long long *calls, unsigned long long *micros);

typedef struct {
  unsigned long long calls, micros; /* requests to the provider (a batch is one) */
  unsigned long long proofs;        /* eth_getProof answers verified and kept */
  unsigned long long prefetches;    /* batches sent for cold calls */
  unsigned long long prefetched;    /* proofs they brought */
  unsigned long long disk_hits;     /* nodes and code read from the database's cache */
  size_t views;                     /* blocks open (<= max_views) */
  bool no_access_list;              /* the provider has no eth_createAccessList */
  bool no_batch;                    /* ... no JSON-RPC batches: prefetch given up */
} light_rpc_counters_t;

/* Counters for tests and figures. Any thread. */
void light_rpc_source_counters(light_rpc_source_t *s, light_rpc_counters_t *out);

#ifdef __cplusplus
}
#endif

#endif
