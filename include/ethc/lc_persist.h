/* The beacon light client's store on disk (issue 15: "the last finalized header is
 * stored in LevelDB and resumed from"): a small LevelDB database, DIR/beacon,
 * holding the store's finalized header and current and next sync committees,
 * SSZ-encoded (consensus-specs altair/light-client/sync-protocol.md,
 * LightClientHeader and SyncCommittee), so that a later sync resumes from it
 * instead of fetching a bootstrap. The record format is described in
 * lc_persist.c; it carries a version and the network's genesis validators root.
 *
 * Thread-safety: none; one caller at a time (LevelDB also locks the directory
 * against other processes). */
#ifndef ETHC_LC_PERSIST_H
#define ETHC_LC_PERSIST_H

#include <stddef.h>

#include "ethc/light_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads the store saved in DIR/beacon into *s (overwritten: finalized header,
 * both committees, the optimistic header = the finalized header, no best valid
 * update, as lc_store_init leaves it). Returns 0; ETHC_ERR_NOT_FOUND when no store
 * is saved there (or no database exists: none is created); ETHC_ERR_INVALID when
 * the saved store is of another network, another format version, or corrupt;
 * ETHC_ERR_IO when the database cannot be opened. `err` (cap bytes) then holds a
 * message naming DIR and the problem. */
ETHC_MUST_USE int lc_persist_load(const char *dir, const beacon_config_t *c, lc_store_t *s, char *err, size_t cap);

/* Saves the store's finalized header and committees in DIR/beacon (DIR and the
 * database created as needed), replacing any saved store in one atomic, synced
 * LevelDB write. Returns 0, ETHC_ERR_IO (message in err) or ETHC_ERR_NOMEM. */
ETHC_MUST_USE int lc_persist_save(const char *dir, const beacon_config_t *c, const lc_store_t *s, char *err,
                                  size_t cap);

/* Decodes one saved record (the value lc_persist_save writes; format in
 * lc_persist.c) into *s as lc_persist_load does. Returns 0; ETHC_ERR_INVALID with
 * *why set to a static reason ("a damaged record (checksum mismatch)", ...), or
 * with *why NULL when the record is intact but of another network. Pure: any
 * bytes are safe (the fuzz target). */
ETHC_MUST_USE int lc_persist_decode(const beacon_config_t *c, const uint8_t *v, size_t len, lc_store_t *s,
                                    const char **why);

#ifdef __cplusplus
}
#endif

#endif
