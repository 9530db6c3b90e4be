/* Persisting a world state in the chain database and loading it back: the
 * account and storage tries as nodes by hash (Yellow Paper appendix D), code by
 * hash, and the preimages of the secure-trie keys. */
#ifndef ETHC_STATE_DB_H
#define ETHC_STATE_DB_H

#include "ethc/chaindb.h"
#include "ethc/state.h"

/* Adds every trie node, code and key preimage of `st` (committed) to the batch
 * and returns the state root in `root`. 0 or ETHC_ERR_NOMEM. */
int state_db_save(state_t *st, chaindb_batch_t *batch, ethc_hash_t *root);
/* Builds a new state from the stored tries under `root`: 0, ETHC_ERR_NOT_FOUND
 * (a node, code or preimage is missing) or ETHC_ERR_INVALID (corrupt data). */
int state_db_load(chaindb_t *db, const ethc_hash_t *root, state_t **out);

#endif
