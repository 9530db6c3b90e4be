/* World state persistence (Yellow Paper 4.1, appendix D): the account trie
 * keccak(address) -> rlp([nonce, balance, storageRoot, codeHash]) and the storage
 * tries keccak(key) -> rlp(value) as nodes by hash, code by hash, and the
 * preimages of the secure-trie keys. Writing goes through a state_writer_t
 * (e.g. one database batch); reading is by need, through a state_db_t: a
 * bounded, thread-safe node cache in front of a state_store_t, that hands out
 * read-only bases (state_base.h) at any stored root. The chain database
 * implements both interfaces (chaindb_state_store, chaindb_state_writer). */
#ifndef ETHC_STATE_DB_H
#define ETHC_STATE_DB_H

#include <stddef.h>

#include "ethc/error.h"
#include "ethc/state.h"
#include "ethc/state_base.h"
#include "ethc/trie.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where stored state is read from. nodes.get and get_code must be safe to call
 * from any number of threads at once (LevelDB's reads are). get_code appends the
 * code with that hash to *out: 0, ETHC_ERR_NOT_FOUND or another error. */
typedef struct {
  trie_store_t nodes;
  int (*get_code)(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out);
  void *code_ctx;
} state_store_t;

/* Where a state is written: each function adds one record (the data is only
 * valid during the call) and returns 0 or an error code. */
typedef struct {
  int (*put_node)(void *ctx, const ethc_hash_t *hash, const uint8_t *rlp, size_t len);
  int (*put_code)(void *ctx, const ethc_hash_t *hash, const uint8_t *code, size_t len);
  int (*put_preimage)(void *ctx, const ethc_hash_t *hash, const uint8_t *data, size_t len);
  void *ctx;
} state_writer_t;

/* Adds what `st` (committed: no transaction open) changed to the writer and
 * returns the state root in `root`. What `st` read from its base, or wrote
 * before (storage tries saved by `st` or the state it was cloned from, code,
 * preimages) and has not changed since, is not written again: so when the
 * records are not stored in the end, discard `st`, and save one state line to one
 * database only. An overlay (state_new_over) writes only the trie nodes its
 * changes create on top of its base's tries. Returns 0, ETHC_ERR_NOMEM, a
 * writer's error, or for an overlay state_error(st) or a base read error. */
int state_db_save(state_t *st, const state_writer_t *w, ethc_hash_t *root) ETHC_MUST_USE;

typedef struct state_db state_db_t;

/* A reader of the state stored in `store` (copied; its contexts must outlive the
 * state_db_t) with a node cache of at most cache_bytes. NULL when out of memory. */
state_db_t *state_db_new(const state_store_t *store, size_t cache_bytes);
/* Frees it; no base it handed out may be in use. NULL is accepted. */
void state_db_free(state_db_t *db);
/* A read-only base over the state with this root (never checked here: reads of a
 * root that is not stored fail with ETHC_ERR_MISSING_NODE). Valid while `db` is.
 * Thread-safe: any number of threads may take and read bases of one state_db_t
 * at once. */
void state_db_base(state_db_t *db, const ethc_hash_t *root, state_base_t *out);
/* The node cache's counters (trie.h). Thread-safe. */
void state_db_cache_stats(state_db_t *db, trie_cache_stats_t *out);

#ifdef __cplusplus
}
#endif

#endif
