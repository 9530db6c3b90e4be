/* A read-only world state that in-memory states read through on a miss (the
 * "base" of an overlay, state_new_over in state.h): accounts, storage slots and
 * code at one state root (Yellow Paper 4.1), from any backend. Backends today:
 * the tries stored in a database, read by need (state_db.h); later, remote reads
 * checked against a proven root (the light mode). A read that cannot be answered
 * returns an error, never a made-up "absent": the overlay then records a local
 * error (state_error) that aborts the execution instead of taking the account as
 * empty. */
#ifndef ETHC_STATE_BASE_H
#define ETHC_STATE_BASE_H

#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/trie.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One account as the state trie holds it. */
typedef struct {
  uint64_t nonce;
  u256_t balance;
  ethc_hash_t storage_root;
  ethc_hash_t code_hash;
} state_account_t;

/* Contract for every backend:
 *  - get_account: the account `a` in the state with root `root` (the base's
 *    own root: one backend context serves bases at any number of roots): 0 and *out, ETHC_ERR_NOT_FOUND when the account is absent, or
 *    a local error (ETHC_ERR_IO, ETHC_ERR_NOMEM, ETHC_ERR_MISSING_NODE,
 *    ETHC_ERR_INVALID for corrupt data) when the answer is unknown.
 *  - get_storage: the slot `key` of account `a` whose storage root (as
 *    get_account gave it) is `storage_root`: 0 and *out (zero for an absent
 *    slot), or a local error.
 *  - get_code: the code whose keccak256 is `code_hash`, appended to *out
 *    (a bytes_buf_t the caller owns): 0, or an error (ETHC_ERR_NOT_FOUND when
 *    the backend does not hold it).
 *  - Thread-safety: the three functions may be called from any number of
 *    threads at once, and change nothing a reader can see: so one base may be
 *    shared by any number of overlays, each used by its own thread.
 *  - `nodes`: the node store of the tries under `root` (nodes.get NULL when the
 *    backend has none). An overlay needs it to compute a new state root from
 *    `root` (state_root); reads do not. */
typedef struct {
  int (*get_account)(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out);
  int (*get_storage)(void *ctx, const ethc_address_t *a, const ethc_hash_t *storage_root, const u256_t *key,
                     u256_t *out);
  int (*get_code)(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out);
  void *ctx;
  ethc_hash_t root;
  trie_store_t nodes;
} state_base_t;

#ifdef __cplusplus
}
#endif

#endif
