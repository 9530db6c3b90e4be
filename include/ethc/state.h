/* The in-memory world state (Yellow Paper section 4.1): accounts (nonce, balance,
 * code, storage) in hash tables, with a journal for nested snapshots/reverts and the
 * per-transaction sets the EVM needs: EIP-2929 warm accounts/slots, EIP-1153
 * transient storage, logs, SELFDESTRUCT set, created-in-tx set (EIP-6780), touched
 * accounts (EIP-158/161), original storage values (EIP-2200). The state root is the
 * secure Merkle Patricia trie root (Yellow Paper appendix D).
 *
 * Thread-safety: a state_t is used by one thread at a time (even its queries
 * write: they keep what they read from a base, and a lookup cache). Overlays
 * of one base on different threads share nothing but the base, whose reads are
 * thread-safe (state_base.h). */
#ifndef ETHC_STATE_H
#define ETHC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/error.h"
#include "ethc/state_base.h"
#include "ethc/trie.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* keccak256(rlp("")): the root of an empty trie. */
extern const ethc_hash_t STATE_EMPTY_ROOT;
/* keccak256(""): the code hash of an account without code. */
extern const ethc_hash_t STATE_EMPTY_CODE_HASH;

typedef struct state state_t;

/* One log record of the current transaction. */
typedef struct {
  ethc_address_t address;
  ethc_hash_t topics[4];
  uint8_t topics_count;
  uint8_t *data;
  size_t data_size;
} state_log_t;

/* ---- lifetime ---- */

/* An empty state, or NULL when out of memory. */
state_t *state_new(void);
/* An overlay over a read-only base (state_base.h; copied, base->ctx must outlive
 * the state): starts equal to the base, reads what it does not hold from it on
 * first use (and keeps it), and never writes to it. Its changes are what
 * state_root, state_account_trie and the persistence layer see on top of the
 * base's tries. Any number of overlays may share one base, one thread each.
 * A read the base cannot answer is recorded (state_error) and the value taken
 * as absent: the execution must then be abandoned. NULL when out of memory. */
state_t *state_new_over(const state_base_t *base);
void state_free(state_t *s);
/* How many accounts the state holds in memory (for an overlay: those it has
 * read or written, absent ones included). */
size_t state_account_count(const state_t *s);
/* The first local failure, or 0: a base read that failed, or any allocation
 * that failed (setters return it too, and it is recorded here as well, so a
 * state cannot pass for a valid one through an ignored return value). A
 * state with an error holds wrong values: callers report the error (it is never
 * a verdict on a block or transaction) and discard the state. */
int state_error(const state_t *s);
/* Records a local failure found outside the state (e.g. an EVM_INTERNAL_ERROR
 * while executing on it): the first one recorded is what state_error returns. */
void state_set_error(state_t *s, int rc);
/* A deep copy of the committed state (accounts, storage, code shared by reference
 * count, cached storage roots); per-transaction data (journal, warm sets, logs,
 * transient storage) is not copied. Must be called between transactions (after
 * state_commit). NULL when out of memory. */
state_t *state_clone(const state_t *s);

/* ---- accounts ---- */

/* Whether the account is present in the state (possibly empty). */
bool state_exists(state_t *s, const ethc_address_t *a);
/* EIP-161 "empty": present with nonce 0, balance 0 and no code. */
bool state_is_empty(state_t *s, const ethc_address_t *a);
/* EIP-161 "dead": absent or empty. */
bool state_is_dead(state_t *s, const ethc_address_t *a);
/* Present with a non-zero nonce, code, or storage (the EIP-684/7610 CREATE collision). */
bool state_has_collision(state_t *s, const ethc_address_t *a);

uint64_t state_get_nonce(state_t *s, const ethc_address_t *a);
void state_get_balance(state_t *s, const ethc_address_t *a, u256_t *out);
/* The setters create the account when absent. */
int state_set_nonce(state_t *s, const ethc_address_t *a, uint64_t nonce) ETHC_MUST_USE;
int state_set_balance(state_t *s, const ethc_address_t *a, const u256_t *balance) ETHC_MUST_USE;
/* balance += v (modulo 2^256; callers keep the total supply below that). */
int state_add_balance(state_t *s, const ethc_address_t *a, const u256_t *v) ETHC_MUST_USE;
/* balance -= v; ETHC_ERR_INVALID (and nothing changes) when the balance is lower. */
int state_sub_balance(state_t *s, const ethc_address_t *a, const u256_t *v) ETHC_MUST_USE;

/* Borrowed code (valid until the account's code changes or the change is reverted),
 * its size and keccak256 (empty code and STATE_EMPTY_CODE_HASH for absent accounts).
 * `size` and `hash` may be NULL. Never NULL: empty code is a valid pointer. */
const uint8_t *state_get_code(state_t *s, const ethc_address_t *a, size_t *size, ethc_hash_t *hash);
size_t state_get_code_size(state_t *s, const ethc_address_t *a);
int state_set_code(state_t *s, const ethc_address_t *a, const uint8_t *code, size_t size) ETHC_MUST_USE;

/* Makes `a` a fresh account for CREATE: present, nonce 0, no code, no storage; the
 * balance is kept. Marks it created in this transaction (EIP-6780). */
int state_create_account(state_t *s, const ethc_address_t *a) ETHC_MUST_USE;
/* Removes the account (and its storage) from the state. */
int state_delete_account(state_t *s, const ethc_address_t *a) ETHC_MUST_USE;

/* ---- storage ---- */

void state_get_storage(state_t *s, const ethc_address_t *a, const u256_t *key, u256_t *out);
/* The value at the start of the current transaction (EIP-1283/2200 "original"). */
void state_get_original_storage(state_t *s, const ethc_address_t *a, const u256_t *key, u256_t *out);
/* Writes a slot (creating the account when absent); optional outs receive the
 * value before the write and the original value. */
int state_set_storage(state_t *s, const ethc_address_t *a, const u256_t *key, const u256_t *value, u256_t *prev,
                      u256_t *original) ETHC_MUST_USE;

/* ---- per-transaction sets (all undone by state_revert, cleared by state_commit) ---- */

/* EIP-2929: marks warm and returns whether it was warm before. */
bool state_warm_account(state_t *s, const ethc_address_t *a);
bool state_warm_slot(state_t *s, const ethc_address_t *a, const u256_t *key);
/* EIP-1153 transient storage. */
void state_get_transient(state_t *s, const ethc_address_t *a, const u256_t *key, u256_t *out);
int state_set_transient(state_t *s, const ethc_address_t *a, const u256_t *key, const u256_t *value) ETHC_MUST_USE;
/* EIP-158/161: marks the account touched (it is deleted by state_commit when empty
 * and clearing is on). Reverting a touch of 0x03 (RIPEMD-160) keeps it touched: the
 * mainnet block 2675119 consensus quirk that the state tests reproduce. */
void state_touch(state_t *s, const ethc_address_t *a);
/* SELFDESTRUCT set: returns true when `a` was not in it yet. */
bool state_mark_destructed(state_t *s, const ethc_address_t *a);
bool state_is_destructed(state_t *s, const ethc_address_t *a);
/* EIP-6780: whether `a` was created (state_create_account) in this transaction. */
bool state_created_in_tx(state_t *s, const ethc_address_t *a);

/* Logs of the current transaction, in order. */
int state_add_log(state_t *s, const ethc_address_t *a, const uint8_t *data, size_t size, const ethc_hash_t *topics,
                  size_t topics_count) ETHC_MUST_USE;
const state_log_t *state_logs(const state_t *s, size_t *count);
/* keccak256(rlp([[address, [topics...], data], ...])) of the current logs:
 * 0, or ETHC_ERR_NOMEM (*out unchanged). */
int state_logs_hash(const state_t *s, ethc_hash_t *out) ETHC_MUST_USE;

/* ---- journal ---- */

/* A snapshot id; state_revert(s, id) undoes every change made after it (the
 * account changes, storage, warm sets, transient storage, logs and flags). */
size_t state_snapshot(const state_t *s);
void state_revert(state_t *s, size_t snapshot);

/* Ends a transaction: deletes the SELFDESTRUCT set, then (when `clear_empty`, i.e.
 * from Spurious Dragon) every touched account that is empty; makes the current
 * values the new originals, clears the warm sets, transient storage, flags, the
 * logs and the journal. */
void state_commit(state_t *s, bool clear_empty);

/* ---- roots and iteration ---- */

/* The state root: secure trie of keccak(address) -> rlp([nonce, balance,
 * storageRoot, codeHash]). Storage roots are cached per account until it changes.
 * Returns 0 or ETHC_ERR_NOMEM. */
int state_root(state_t *s, ethc_hash_t *out) ETHC_MUST_USE;
/* The storage root of one account (STATE_EMPTY_ROOT when absent). */
int state_storage_root(state_t *s, const ethc_address_t *a, ethc_hash_t *out) ETHC_MUST_USE;

/* For persistence (state_db): what was last written of an account (its address
 * preimage, code and storage trie), so that unchanged parts are not written again.
 * The state only keeps it (clones copy it); NULL for an absent account. */
typedef struct {
  bool known;               /* the account's preimage and the two below are stored */
  ethc_hash_t storage_root; /* the storage trie under this root is stored */
  ethc_hash_t code_hash;    /* this code is stored */
} state_persisted_t;
state_persisted_t *state_persisted(state_t *s, const ethc_address_t *a);

/* Calls fn for every present account (unspecified order); stops when fn returns
 * non-zero. For an overlay: the accounts it has read or written only. */
typedef int (*state_account_fn)(void *ctx, const ethc_address_t *a, uint64_t nonce, const u256_t *balance,
                                const uint8_t *code, size_t code_size);
int state_foreach_account(state_t *s, state_account_fn fn, void *ctx);
/* Calls fn for every non-zero storage slot of `a` (for an overlay: the slots it
 * has read or written only). */
typedef int (*state_slot_fn)(void *ctx, const u256_t *key, const u256_t *value);
int state_foreach_slot(state_t *s, const ethc_address_t *a, state_slot_fn fn, void *ctx);
/* The account's storage trie, kept up to date from here on (NULL when it has no
 * storage): for trie_commit_new. 0 or ETHC_ERR_NOMEM. */
int state_storage_trie(state_t *s, const ethc_address_t *a, trie_t **out) ETHC_MUST_USE;
/* Calls fn for every non-zero slot not passed to fn by an earlier call (for the
 * keys' preimages), then remembers it. */
int state_foreach_new_slot_key(state_t *s, const ethc_address_t *a, state_slot_fn fn, void *ctx);
/* The account trie (keccak(address) -> rlp([nonce, balance, storageRoot,
 * codeHash]), keys already hashed), kept up to date from here on: for
 * trie_commit_new. 0 or ETHC_ERR_NOMEM. */
int state_account_trie(state_t *s, trie_t **out) ETHC_MUST_USE;

#ifdef __cplusplus
}
#endif

#endif
