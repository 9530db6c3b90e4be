/* A chain on disk: opens (or creates from a genesis.json) a chain database,
 * imports blocks (validation, execution, one atomic LevelDB batch per block,
 * fork choice by total difficulty before the merge and by arrival after it, with
 * reorganisations), and exports the canonical chain as concatenated block RLP. */
#ifndef ETHC_CHAIN_H
#define ETHC_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/chain_config.h"
#include "ethc/chaindb.h"
#include "ethc/consensus.h"
#include "ethc/header.h"
#include "ethc/state.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chain chain_t;

typedef struct {
  const char *datadir;      /* the database's directory (see CHAINDB.md, "The data directory") */
  const char *genesis_path; /* a geth-style genesis.json: creates the database when DIR holds none
                                (DIR and its parents are made as needed); with an existing one, its
                                genesis block hash (and config) must match the stored genesis */
  bool fakepow;             /* skip only the Ethash seal check */
  bool sync;                /* fsync each block's batch */
  bool read_only;           /* never write DIR (nor create it): the chain runs on a private
                                snapshot, so DIR may be one the user cannot write; genesis_path
                                is only checked; chain_import_block is refused */
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
int chain_open(const chain_open_opts_t *opts, chain_t **out, char *err, size_t errlen);
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

/* Imports one block (its RLP). Returns 0 when it was imported or already known,
 * ETHC_ERR_INVALID when the block is invalid (nothing is written), ETHC_ERR_IO
 * or ETHC_ERR_NOMEM on a storage failure, ETHC_ERR_UNSUPPORTED on a chain opened
 * read-only. */
int chain_import_block(chain_t *c, const uint8_t *rlp, size_t len, chain_import_result_t *res);

/* The head as the importing thread knows it: only for that thread (import
 * writes it); other threads use chain_read_head (chain_read.h). */
void chain_head(const chain_t *c, uint64_t *number, ethc_hash_t *hash);
/* The chain configuration (fixed at open: safe from any thread). */
const chain_config_t *chain_config(const chain_t *c);
/* The post-state of the head block (owned by the chain; valid until the next import). */
state_t *chain_head_state(chain_t *c);
/* The database (fixed at open; its reads are safe from any thread). */
chaindb_t *chain_db(chain_t *c);

/* Writes canonical blocks first..last (inclusive; last clamped to the head) as
 * concatenated RLP, one `write(ctx, ...)` call per block, in order. Returns 0,
 * ETHC_ERR_IO as soon as `write` returns non-zero (nothing more is written),
 * ETHC_ERR_NOT_FOUND / ETHC_ERR_INVALID on a damaged database, or ETHC_ERR_NOMEM.
 * The caller keeps ownership of `ctx`. Only from the importing thread (it reads
 * the head it knows). */
int chain_export(chain_t *c, ethc_write_fn write, void *ctx, uint64_t first, uint64_t last);

#ifdef __cplusplus
}
#endif

#endif
