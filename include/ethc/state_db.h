/* Persisting a world state in the chain database and loading it back: the
 * account and storage tries as nodes by hash (Yellow Paper appendix D), code by
 * hash, and the preimages of the secure-trie keys. */
#ifndef ETHC_STATE_DB_H
#define ETHC_STATE_DB_H

#include "ethc/chaindb.h"
#include "ethc/state.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Adds the trie nodes, code and key preimages of `st` (committed) to the batch
 * and returns the state root in `root`. Storage tries saved before by `st` (or the
 * state it was cloned from, or loaded with) and unchanged since are not added
 * again, and kept storage tries add only their changed nodes: so when the batch
 * is not written, discard `st`, and save one state line to one database only.
 * 0 or ETHC_ERR_NOMEM. */
int state_db_save(state_t *st, chaindb_batch_t *batch, ethc_hash_t *root);
/* Builds a new state from the stored tries under `root`: 0, ETHC_ERR_NOT_FOUND
 * (a node, code or preimage is missing) or ETHC_ERR_INVALID (corrupt data). */
int state_db_load(chaindb_t *db, const ethc_hash_t *root, state_t **out);

#ifdef __cplusplus
}
#endif

#endif
