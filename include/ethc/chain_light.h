/* A light node's chain (issue 15): execution headers proven by the beacon light
 * client rather than by replaying the chain from its genesis. The database of a
 * light node of a built-in network (mainnet, sepolia, holesky, hoodi) holds no
 * genesis block and no state: only the meta record "light" naming the network
 * (its chain configuration is the built-in one, chain_config.h), the proven
 * headers (each stored with the network's terminal total difficulty: they are all
 * post-merge) and the canonical index, head mark and safe / finalized marks the
 * follower sets. Until the first head is proven the chain's head is an all-zero
 * header of hash zero (no block is canonical; /ready answers false). What the eth
 * protocol needs of the missing genesis (hash, timestamp, difficulty) comes from
 * chain_genesis_builtin.h (chain_genesis_info). A light node
 * of a chain without a built-in config (the dev chain) uses an ordinary database
 * created from its genesis.json: the proven headers are stored above its genesis
 * the same way. Reads go through chain_read.h and snapshots as for a full node;
 * bodies, receipts and state come from a chain_remote_t source when one is set.
 *
 * Canonical index with gaps: the follower stores the headers it can prove (the
 * finalized and optimistic ones, and those linked to them by parent hash); a
 * number between two proven headers whose header is not stored has no canonical
 * entry (reads of it find nothing), never a stale one.
 *
 * Threads: as chain.h: these write from the importing thread only (the node's
 * loop, for a light node); chain_light_create before the chain is opened. */
#ifndef ETHC_CHAIN_LIGHT_H
#define ETHC_CHAIN_LIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "ethc/chain.h"
#include "ethc/chaindb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Creates a light database for the built-in network `network` in DIR (DIR made
 * as needed) when DIR holds no database. 0 (created, or DIR already holds a
 * light database of `network`); ETHC_ERR_INVALID when DIR holds another chain's
 * database or `network` has no built-in config; ETHC_ERR_IO (message in err). */
int chain_light_create(const char *datadir, const char *network, char *err, size_t errlen) ETHC_MUST_USE;

/* For chain_open: when `db` is a light database, fills the config from the
 * network named by its "light" record, and the head (its header, hash, total
 * difficulty: the head mark's, or all zero when none is set yet) and returns 0;
 * ETHC_ERR_NOT_FOUND when it is not a light database; another error (message in
 * err) when the record names no built-in network or the head cannot be read. */
int chain_light_open(chaindb_t *db, chain_config_t *config, chain_header_t *head, ethc_hash_t *head_hash,
                     u256_t *head_td, char *err, size_t errlen) ETHC_MUST_USE;

/* Stores a proven header (its RLP; the caller checked its hash against the
 * proof): 0 (stored, or already stored), ETHC_ERR_INVALID when it does not decode,
 * ETHC_ERR_UNSUPPORTED read-only, a local error. Its parent need not be stored. */
int chain_light_store(chain_t *c, const uint8_t *rlp, size_t len, ethc_hash_t *hash) ETHC_MUST_USE;

/* Makes the stored header `head` the head: the canonical index is pointed at
 * it and at its stored ancestors (walking parent hashes while they are stored;
 * numbers in a gap between it and `finalized` lose their entries), and `safe` /
 * `finalized` (stored, or NULL: unchanged) are recorded and made canonical too.
 * No body, receipts or state are needed. Publishes a new head snapshot when the
 * head moved. 0, ETHC_ERR_NOT_FOUND (a header not stored), ETHC_ERR_INVALID
 * (`finalized` above `head`), ETHC_ERR_UNSUPPORTED read-only, a local error. */
int chain_light_set_head(chain_t *c, const ethc_hash_t *head, const ethc_hash_t *safe,
                         const ethc_hash_t *finalized) ETHC_MUST_USE;

/* Whether the chain's head is a real block (false on a light database before
 * its first proven head). Any thread. */
bool chain_light_has_head(chain_t *c);

#ifdef __cplusplus
}
#endif

#endif
