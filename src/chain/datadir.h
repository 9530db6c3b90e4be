/* The data directory around a chain database (internal to src/chain): the
 * ethc.lock file that keeps two processes off one directory, atomic creation of
 * a new database (built under a temporary name and published by renaming its
 * CURRENT file last), and private snapshots through which a read-only open
 * leaves the directory untouched. See CHAINDB.md, "The data directory". */
#ifndef ETHC_CHAIN_DATADIR_H
#define ETHC_CHAIN_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

#define DATADIR_LOCK_FILE "ethc.lock"
#define DATADIR_NEW_DIR ".ethc-new" /* a database being created, before it is published */

/* Whether `dir` holds a LevelDB database (its CURRENT file). */
bool datadir_has_database(const char *dir);

/* mkdir -p. On success *created is the length of the path prefix that already
 * existed (strlen(dir) when nothing was created), for datadir_unmake. */
int datadir_make(const char *dir, size_t *created, char *err, size_t errlen);
/* Removes the directories datadir_make created (those that are empty). */
void datadir_unmake(const char *dir, size_t created);

/* Takes the lock of `dir`: exclusive (the lock file is created when missing, and
 * holds the owner's pid) or shared (for readers: the lock file is only opened;
 * when it does not exist, *fd is -1 and nothing is locked). Another process
 * holding a conflicting lock: ETHC_ERR_IO with "DIR is in use by another ethc
 * process (pid N)". The lock lasts until datadir_unlock (or the process ends). */
int datadir_lock(const char *dir, bool exclusive, int *fd, char *err, size_t errlen);
void datadir_unlock(int fd);

/* Removes what an interrupted creation left in `dir` (under the exclusive lock,
 * only when the directory holds no database): the DATADIR_NEW_DIR directory and
 * LevelDB's numbered files. With a database present only DATADIR_NEW_DIR goes. */
void datadir_clean(const char *dir);

/* Publishes the database built in `dir`/DATADIR_NEW_DIR: moves its files into
 * `dir`, syncs, then renames its CURRENT file into place, the step at which the
 * database comes into existence, and syncs again. */
int datadir_publish(const char *dir, char *err, size_t errlen);

/* A private snapshot of the database in `dir` for a read-only open: a new
 * directory under $TMPDIR (or /tmp) with a copy of CURRENT and symbolic links to
 * the other database files (LevelDB never writes to an existing file: whatever
 * the open writes goes to new files in the snapshot). *out is malloc'd. Stale
 * snapshots of processes that no longer exist are removed first. */
int datadir_snapshot(const char *dir, char **out, char *err, size_t errlen);
/* Deletes a snapshot directory (its files and links; never what they point to). */
void datadir_remove_flat(const char *dir);

#endif
