/* An in-memory cache of the canonical chain's headers by number (with their
 * hashes and so their blooms), in front of the two LevelDB reads per header
 * that chain_read_header_by_number and eth_getLogs' bloom scan would
 * otherwise do. Implementation: src/chain/header_cache.c.
 *
 * Correctness: an entry is the canonical header at its height as some reader
 * read it from the database. Before writing a batch that rewrites or deletes
 * canonical entries the importing thread turns the cache off
 * (header_cache_reorg: every lookup misses, every store is dropped, so readers
 * see the database alone); it tells the cache of each new head
 * (header_cache_head, before the head snapshot is published), which turns it
 * back on. A head that does not extend the last one, or one after
 * header_cache_reorg, starts a new epoch, and entries of older epochs are never
 * served. A reader takes the epoch before its database read
 * (header_cache_epoch) and stores with it: a store whose read may predate a
 * reorganisation is dropped.
 *
 * Thread-safety: header_cache_get/_epoch/_put from any number of threads
 * (striped locks; a lookup never allocates); header_cache_head from the one
 * importing thread. */
#ifndef ETHC_CHAIN_HEADER_CACHE_H
#define ETHC_CHAIN_HEADER_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/chain.h"
#include "ethc/header.h"
#include "ethc/types.h"

typedef struct header_cache header_cache_t;

/* A cache of `slots` headers (rounded up to a power of two; 0: a default)
 * whose last known head is (head, hash). Returns NULL when out of memory. */
header_cache_t *header_cache_new(unsigned slots, const chain_header_t *head, const ethc_hash_t *hash);
/* Frees the cache (NULL accepted); no other thread may be using it. */
void header_cache_free(header_cache_t *hc);

/* The canonical header at `number` if cached: true and fills `header` (may be
 * NULL) and `hash` (may be NULL). */
bool header_cache_get(header_cache_t *hc, uint64_t number, chain_header_t *header, ethc_hash_t *hash);
/* The same for eth_getLogs' bloom scan, copying only what it needs: true and
 * fills `bloom` (256 bytes), `hash` and `timestamp` if cached. */
bool header_cache_get_bloom(header_cache_t *hc, uint64_t number, uint8_t bloom[256], ethc_hash_t *hash,
                            uint64_t *timestamp);
/* The current epoch: take it before reading the canonical index. */
uint64_t header_cache_epoch(header_cache_t *hc);
/* Stores the canonical header of its height, read from the database after
 * `epoch` was taken; dropped if the epoch has ended since. */
void header_cache_put(header_cache_t *hc, uint64_t epoch, const chain_header_t *header, const ethc_hash_t *hash);
/* Importing thread: a batch about to be written rewrites or deletes canonical
 * entries; the cache is off until the next header_cache_head. */
void header_cache_reorg(header_cache_t *hc);
/* Importing thread: (head, hash) is the new head, its canonical index already
 * written. Ends the epoch unless head extends (or is) the last head. */
void header_cache_head(header_cache_t *hc, const chain_header_t *head, const ethc_hash_t *hash);

/* The cache of a chain (chain.c creates it at chain_open). */
header_cache_t *chain_header_cache(chain_t *c);

#endif
