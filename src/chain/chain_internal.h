/* What chain.c shares with the chain's other files (chain_dev.c): not a public
 * header. Every function is for the importing thread unless it says otherwise. */
#ifndef ETHC_CHAIN_INTERNAL_H
#define ETHC_CHAIN_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chaindb.h"
#include "ethc/chain_remote.h"

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

/* ---- the remote source (chain_remote.h) ---- */
/* In chain.c: the source chain_set_remote gave (NULL: none) and its cache. Any thread. */
const chain_remote_t *chain_get_remote(const chain_t *c);
typedef struct chain_remote_cache chain_remote_cache_t;
chain_remote_cache_t *chain_get_remote_cache(chain_t *c);
/* In chain_remote.c: the verified LRU cache of bodies and receipts, of at most
 * max_bytes (0: 64 MiB) in 128 slots; NULL when out of memory. */
chain_remote_cache_t *chain_remote_cache_new(size_t max_bytes);
void chain_remote_cache_free(chain_remote_cache_t *k);
/* The body rlp([txs, ommers(, withdrawals)]) / receipts rlp([receipt...]) of
 * the header-only block (h, hash) from the source, checked against h and
 * appended to *out: 0, ETHC_ERR_NOT_FOUND (no source), ETHC_ERR_IO (the source
 * failed or lied: chain_remote_error names it) or ETHC_ERR_NOMEM. Any thread. */
int chain_remote_body(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out);
int chain_remote_receipts(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out);
/* The source's hint of where tx_hash is, kept only when the chain holds that
 * block's header: 0, ETHC_ERR_NOT_FOUND, or ETHC_ERR_IO. Any thread. */
int chain_remote_tx_location(chain_t *c, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index);
/* The source's state base at the header-only block (h, hash); when it has
 * none, a base whose every read fails with ETHC_ERR_IO. Any thread. */
void chain_remote_state(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out);
/* In chain.c: whether a snapshot's state is the remote source's. */
bool chain_snapshot_is_remote(const chain_snapshot_t *s);
/* The remote source's prefetch hint for a call about to run on a remote
 * snapshot's state (nothing otherwise). Any thread. */
void chain_remote_prefetch(const chain_snapshot_t *s, const chain_remote_call_t *call);
/* Clears the calling thread's remote failure message. */
void chain_remote_error_clear(void);

/* ---- in chain_dev.c ---- */
/* Reads whether any state root was replaced (at open). */
void chain_roots_open(chain_t *c);
/* The state root readers and builders use for the stored block `hash` (header
 * h): a dev chain's replacement (chain_dev.h) or the header's. 0 or a read
 * error. Any thread. */
int chain_effective_root(chain_t *c, const ethc_hash_t *hash, const chain_header_t *h, ethc_hash_t *out);

#endif
