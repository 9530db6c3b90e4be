/* The blob pool's limbo (go-ethereum's core/txpool/blobpool limbo.go, in
 * memory): the network forms (transaction and sidecar) of blob transactions
 * the chain included, kept by transaction hash with their block, so that a
 * reorganisation dropping the block can put them back into the pool (a block
 * carries no sidecar). Entries leave when pulled back, when their block is
 * finalized, or, oldest block first, when the limbo's bytes exceed its bound.
 * Not thread-safe: the pool's lock guards it. */
#ifndef ETHC_NODE_TXPOOL_LIMBO_H
#define ETHC_NODE_TXPOOL_LIMBO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"

typedef struct txpool_limbo txpool_limbo_t;

/* A limbo holding at most max_bytes of network forms. NULL when out of memory. */
txpool_limbo_t *txpool_limbo_new(size_t max_bytes);
void txpool_limbo_free(txpool_limbo_t *l);

/* Keeps the network form net (malloc'd, len bytes; the limbo owns it from
 * here, whatever the result) of transaction `tx`, included in block `block`
 * of number `number`. A transaction already held is replaced. Then evicts
 * the entries of the oldest blocks while over the bound (this one too when it
 * alone exceeds it). Returns whether it is held afterwards. */
bool txpool_limbo_push(txpool_limbo_t *l, const ethc_hash_t *tx, const ethc_hash_t *block, uint64_t number,
                       uint8_t *net, size_t len);

/* Removes transaction `tx` and hands its network form to the caller (*net,
 * malloc'd, *len): false when not held. */
bool txpool_limbo_pull(txpool_limbo_t *l, const ethc_hash_t *tx, uint8_t **net, size_t *len);

/* The block that includes transaction `tx` changed (a reorganisation put it
 * into another block): false when not held. */
bool txpool_limbo_update(txpool_limbo_t *l, const ethc_hash_t *tx, const ethc_hash_t *block, uint64_t number);

/* Whether `tx` is held; *block (may be NULL) its block's hash. */
bool txpool_limbo_has(const txpool_limbo_t *l, const ethc_hash_t *tx, ethc_hash_t *block);

/* Drops the entries of blocks numbered `number` or below (finalized, or too
 * deep for a reorganisation to reach). Returns how many were dropped. */
size_t txpool_limbo_finalize(txpool_limbo_t *l, uint64_t number);

/* The number of entries and the bytes of their network forms. */
void txpool_limbo_stats(const txpool_limbo_t *l, size_t *count, size_t *bytes);

#endif
