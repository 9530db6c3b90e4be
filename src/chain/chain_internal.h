/* What chain.c shares with the chain's other files (chain_dev.c): not a public
 * header. Every function is for the importing thread unless it says otherwise. */
#ifndef ETHC_CHAIN_INTERNAL_H
#define ETHC_CHAIN_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chaindb.h"

/* ---- in chain.c ---- */
bool chain_is_read_only(const chain_t *c);
/* Whether each batch is written with fsync. */
bool chain_syncs(const chain_t *c);
/* Set once some block's state root was replaced (read from any thread). */
atomic_bool *chain_has_roots(chain_t *c);
/* Set once some stored block has forced senders (chain_dev.h; any thread). */
atomic_bool *chain_has_forced(chain_t *c);
/* The importing thread's head: its header (valid until the head moves), total
 * difficulty and state root (each out may be NULL). */
const chain_header_t *chain_head_header(const chain_t *c, u256_t *td, ethc_hash_t *root);
/* Makes (h, hash, td, root) the importing thread's head; the caller wrote it
 * and publishes it next (chain_publish_head). */
void chain_head_moved(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, const u256_t *td,
                      const ethc_hash_t *root);
/* Publishes the importing thread's head as a new snapshot and runs the
 * new-head callbacks: 0 or ETHC_ERR_NOMEM. */
int chain_publish_head(chain_t *c);
/* Header (and total difficulty; td may be NULL) of a stored block: 0,
 * ETHC_ERR_NOT_FOUND or a read error. Any thread. */
int chain_load_header(chain_t *c, const ethc_hash_t *hash, chain_header_t *h, u256_t *td);
/* The body as stored, rlp([transactions, ommers(, withdrawals)]), of a block's RLP. */
int chain_body_of(const uint8_t *block_rlp, size_t len, bytes_buf_t *out);
/* Adds to `b` what makes the stored block (h, hash) with body `body` the head:
 * the canonical index of its branch, its transactions' index, the head mark. */
int chain_put_canonical_branch(chain_t *c, chaindb_batch_t *b, const chain_header_t *h, const ethc_hash_t *hash,
                               const uint8_t *body, size_t body_len);

/* ---- in chain_dev.c ---- */
/* Reads whether any state root was replaced (at open). */
void chain_roots_open(chain_t *c);
/* The state root readers and builders use for the stored block `hash` (header
 * h): a dev chain's replacement (chain_dev.h) or the header's. 0 or a read
 * error. Any thread. */
int chain_effective_root(chain_t *c, const ethc_hash_t *hash, const chain_header_t *h, ethc_hash_t *out);

#endif
