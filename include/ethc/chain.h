/* A chain on disk: opens (or creates from a genesis.json) a chain database,
 * imports blocks (validation, execution on an overlay of the parent's stored
 * state read by need, one atomic LevelDB batch per block, fork choice by total
 * difficulty before the merge and after it by arrival or by an explicit
 * fork-choice input, with reorganisations) and headers alone, publishes the head
 * as immutable reference-counted snapshots for concurrent readers, and exports
 * the canonical chain as concatenated block RLP.
 *
 * Threads: one thread imports (chain_import_block, chain_import_header,
 * chain_set_head, chain_export, chain_head); any number of other threads read at
 * the same time through snapshots (chain_snapshot_*) and chain_read.h. */
#ifndef ETHC_CHAIN_H
#define ETHC_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/chain_config.h"
#include "ethc/chaindb.h"
#include "ethc/chain_remote.h"
#include "ethc/consensus.h"
#include "ethc/header.h"
#include "ethc/state.h"
#include "ethc/state_db.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chain chain_t;

typedef struct {
  const char *datadir;       /* the database's directory (see CHAINDB.md, "The data directory") */
  const char *genesis_path;  /* a geth-style genesis.json: creates the database when DIR holds none
                                (DIR and its parents are made as needed); with an existing one, its
                                genesis block hash (and config) must match the stored genesis */
  bool fakepow;              /* skip only the Ethash seal check */
  bool sync;                 /* fsync each block's batch */
  bool read_only;            /* never write DIR (nor create it): the chain runs on a private
                                snapshot, so DIR may be one the user cannot write; genesis_path
                                is only checked; chain_import_block is refused */
  bool explicit_fork_choice; /* after the merge, only chain_set_head moves the head (what a
                                node following a beacon client or a dev chain wants); false:
                                a post-merge block that extends or beats nothing still becomes
                                the head on arrival (importing a chain file) */
  size_t state_cache_bytes;  /* the trie node cache shared by all state reads (0: 32 MiB) */
  size_t db_write_buffer_bytes; /* LevelDB's write buffer (memtable) (0: 16 MiB) */
  size_t db_cache_bytes;        /* LevelDB's block cache (0: 64 MiB) */
  unsigned header_cache_slots;  /* canonical headers kept decoded, ~1.8 KB each (0: 4096, 7 MiB) */
  size_t remote_cache_bytes;    /* verified bodies and receipts of chain_set_remote's source kept in
                                   memory (0: 64 MiB); an answer over a quarter of it is not kept */
} chain_open_opts_t;

/* 0, or an ETHC_ERR_* code with a message in `err`:
 *   ETHC_ERR_NOT_FOUND  DIR holds no chain database (and none is to be created)
 *   ETHC_ERR_IO         the genesis file cannot be read; DIR cannot be created,
 *                       written or locked; another process holds it: "DIR is in
 *                       use by another ethc process (pid N)"
 *   ETHC_ERR_JSON       a malformed genesis: "genesis FILE:LINE:COLUMN: malformed JSON"
 *                       or "genesis FILE: FIELD..."
 *   ETHC_ERR_INVALID    the genesis differs from the stored one (both block hashes
 *                       are named, or the chain configurations differ)
 *   other codes         a damaged database ("the database in DIR is damaged: ...").
 * A writer (read_only false) holds DIR's lock exclusively until chain_close; a
 * reader holds it shared: readers exclude writers, not each other. */
int chain_open(const chain_open_opts_t *opts, chain_t **out, char *err, size_t errlen) ETHC_MUST_USE;
void chain_close(chain_t *c);
/* The data directory the chain was opened from. */
const char *chain_datadir(const chain_t *c);

typedef struct {
  block_error_t error; /* BLOCK_VALID when imported (or already known) */
  char reason[256];
  bool decoded;   /* the block's RLP decoded: number, hash and parent_hash are its own
                                (else they are zero and error is BLOCK_ERR_RLP) */
  bool known;     /* the block was already in the database */
  bool new_head;  /* it became the head */
  bool zero_seal; /* its mix hash and nonce are all zero (a generated chain's
                                blocks: BLOCK_ERR_POW then means the chain needs fakepow) */
  uint64_t number;
  ethc_hash_t hash;
  ethc_hash_t parent_hash; /* BLOCK_ERR_UNKNOWN_PARENT: the parent not in the database */
  uint64_t gas_used;
  unsigned tx_count;
} chain_import_result_t;

/* Imports one block (its RLP): validates it against its stored parent, executes
 * it on an overlay of the parent's stored state (nothing is loaded whole; an
 * invalid block costs nothing to undo) and writes it with its receipts and state
 * changes in one batch. Returns 0 when it was imported or already known,
 * ETHC_ERR_INVALID when the block is invalid (res->error says why; nothing is
 * written), a local error when ethc could not decide (ETHC_ERR_IO, ETHC_ERR_NOMEM,
 * ETHC_ERR_MISSING_NODE for a parent state that is not stored, ETHC_ERR_INVALID is
 * never used for these; res->error is then BLOCK_VALID and nothing is written),
 * or ETHC_ERR_UNSUPPORTED on a chain opened read-only. When the block becomes
 * the head, a new head snapshot is published and the new-head callbacks run.
 * Importing thread only. */
int chain_import_block(chain_t *c, const uint8_t *rlp, size_t len, chain_import_result_t *res)
    __attribute__((warn_unused_result));

/* Imports a header alone (its RLP), for a light sync: checks it against its
 * stored parent header (header_validate, seal included unless fakepow) and
 * stores it with its total difficulty; no body, receipts or state, and the
 * canonical chain and head do not change. Returns 0 (imported or known; res as
 * for blocks), ETHC_ERR_INVALID (res->error), a local error, or
 * ETHC_ERR_UNSUPPORTED read-only. Importing thread only. */
int chain_import_header(chain_t *c, const uint8_t *rlp, size_t len, chain_import_result_t *res)
    __attribute__((warn_unused_result));

/* chain_import_header for n consecutive headers (items[i + 1]'s parent must be
 * items[i]: else ETHC_ERR_INVALID, BLOCK_ERR_UNKNOWN_PARENT), with the same
 * checks but one database write for all and each parent held in memory rather
 * than read back. *done counts the headers checked and stored (or known): n
 * with 0 returned; else the index of the one `res` describes (ETHC_ERR_INVALID
 * with res->error, or a local error), those before it stored all the same.
 * Importing thread only. */
int chain_import_headers(chain_t *c, const bytes_view_t *items, size_t n, size_t *done, chain_import_result_t *res)
    __attribute__((warn_unused_result));
/* chain_import_headers with each header's hash given: hashes[i] must be
 * keccak256 of items[i] (as the sync computed it checking the parent links;
 * NULL: computed here). Saves hashing each header again. Same contract. */
int chain_import_headers_hashed(chain_t *c, const bytes_view_t *items, const ethc_hash_t *hashes, size_t n,
                                size_t *done, chain_import_result_t *res) __attribute__((warn_unused_result));

/* The fork-choice input after the merge (engine API forkchoiceUpdated, a beacon
 * light client, a dev chain): makes the stored block `head` the head, moving the
 * canonical chain onto its branch, and records `safe` and `finalized` (each may
 * be NULL: unchanged; chain_read.h reads them back). Returns 0,
 * ETHC_ERR_NOT_FOUND when `head` is not stored with its state (or safe/finalized
 * not stored), ETHC_ERR_INVALID when safe/finalized are not ancestors of head, a
 * local error, or ETHC_ERR_UNSUPPORTED read-only. Importing thread only. */
int chain_set_head(chain_t *c, const ethc_hash_t *head, const ethc_hash_t *safe, const ethc_hash_t *finalized)
    __attribute__((warn_unused_result));

/* The head as the importing thread knows it: only for that thread (import
 * writes it); other threads use chain_snapshot_head or chain_read_head. */
void chain_head(const chain_t *c, uint64_t *number, ethc_hash_t *hash);
/* The chain configuration (fixed at open: safe from any thread). */
const chain_config_t *chain_config(const chain_t *c);
/* The database (fixed at open; its reads are safe from any thread). */
chaindb_t *chain_db(chain_t *c);
/* The state reader shared by every snapshot and import (state_db.h; fixed at
 * open; thread-safe). */
state_db_t *chain_state_db(chain_t *c);

/* ---- snapshots: what readers on other threads use ----
 * A snapshot is an immutable view of one stored block: its header, hash, total
 * difficulty and (a read view of) its post-state. It stays valid, whatever is
 * imported meanwhile, until released; every snapshot must be released before
 * chain_close. All functions here are thread-safe. */
typedef struct chain_snapshot chain_snapshot_t;

/* The head as last published (after the batch that made it the head was
 * written: a reader never sees a half-applied block), retained for the caller.
 * Takes a lock only for the pointer swap's duration. Never NULL. */
chain_snapshot_t *chain_snapshot_head(chain_t *c);
/* A snapshot of any stored block by hash: 0, ETHC_ERR_NOT_FOUND, or a local
 * error. Its state reads fail (ETHC_ERR_MISSING_NODE) when the block's state is
 * not stored (a header-only import). */
int chain_snapshot_at(chain_t *c, const ethc_hash_t *hash, chain_snapshot_t **out) __attribute__((warn_unused_result));
/* Takes one more reference; returns s. */
chain_snapshot_t *chain_snapshot_retain(chain_snapshot_t *s);
/* Drops a reference (NULL accepted); the last one frees the snapshot. */
void chain_snapshot_release(chain_snapshot_t *s);
const chain_header_t *chain_snapshot_header(const chain_snapshot_t *s);
const ethc_hash_t *chain_snapshot_hash(const chain_snapshot_t *s);
const u256_t *chain_snapshot_td(const chain_snapshot_t *s);
/* The chain it belongs to (for its config and reads). */
chain_t *chain_snapshot_chain(const chain_snapshot_t *s);
/* The block's post-state as a read-only base (state_base.h): share it among
 * overlays of any threads; valid until chain_close (stored states are never
 * deleted: the snapshot need not outlive it). */
void chain_snapshot_base(const chain_snapshot_t *s, state_base_t *out);
/* A new overlay of the block's post-state (state_new_over): the caller's to read
 * and change at will (the snapshot is never changed) and to free with
 * state_free before chain_close. NULL when out of memory. */
state_t *chain_snapshot_state(const chain_snapshot_t *s);

/* A function told of each new head, on the importing thread, after the head
 * snapshot was published: it must return quickly (e.g. hand the snapshot, which
 * it may retain, to another thread or loop). */
typedef void (*chain_head_fn)(void *ctx, chain_snapshot_t *head);
/* Adds a new-head callback (at most 8): 0, or ETHC_ERR_LIMIT. Importing thread
 * only (before other threads start, or between imports). */
int chain_on_new_head(chain_t *c, chain_head_fn fn, void *ctx) __attribute__((warn_unused_result));

/* Writes canonical blocks first..last (inclusive; last clamped to the head) as
 * concatenated RLP, one `write(ctx, ...)` call per block, in order. Returns 0,
 * ETHC_ERR_IO as soon as `write` returns non-zero (nothing more is written),
 * ETHC_ERR_NOT_FOUND / ETHC_ERR_INVALID on a damaged database, or ETHC_ERR_NOMEM.
 * The caller keeps ownership of `ctx`. Only from the importing thread (it reads
 * the head it knows). */
int chain_export(chain_t *c, ethc_write_fn write, void *ctx, uint64_t first, uint64_t last) ETHC_MUST_USE;

/* ---- a remote source (chain_remote.h): light mode ----
 * Makes `r` (copied; its ctx must outlive the chain, or the next call) the
 * source of what the chain does not store for blocks whose verified header it
 * holds: chain_read_block, chain_read_receipts, chain_read_receipt_by_tx,
 * chain_read_tx_by_hash, chain_read_logs and the state of chain_snapshot_at's
 * snapshots then read through it, and check bodies and receipts against the
 * header's roots before use (a source's state base checks itself). Stored
 * blocks are read as before; so is the published head's state when it is
 * such a header (a light node's head). NULL removes it. Call before other
 * threads read (e.g. before the RPC server starts). */
void chain_set_remote(chain_t *c, const chain_remote_t *r);
/* Whether the chain has a remote source (any thread, after chain_set_remote). */
bool chain_has_remote(const chain_t *c);

#ifdef __cplusplus
}
#endif

#endif
