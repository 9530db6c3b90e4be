/* Rendered JSON of immutable objects (render_cache.c): a block object is a
 * function of its hash (and whether transactions are full), a receipt of its
 * transaction and the block that holds it; the text eth_getBlockBy* and
 * eth_getTransactionReceipt wrote once is copied out again instead of reading,
 * decoding, hashing and formatting it anew. Callers check what a key cannot
 * say (a receipt's block is still canonical; no impersonated senders, whose
 * records are not part of the block). Bounded (a fixed table; a new entry
 * replaces the one in its place; objects past RPC_RENDER_MAX bytes are not
 * kept) and thread-safe (a lock per stripe of entries). Process-wide: keys are
 * content hashes, the same in every chain. */
#ifndef ETHC_RPC_RENDER_CACHE_H
#define ETHC_RPC_RENDER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"
#include "rpc/json_writer.h"

#define RPC_RENDER_MAX (128u << 10)

typedef enum { RPC_RENDER_BLOCK, RPC_RENDER_BLOCK_FULL, RPC_RENDER_RECEIPT } rpc_render_kind_t;

/* Where the cached object sits: the block (hash, number) that holds it. */
typedef struct {
  ethc_hash_t block_hash;
  uint64_t block_number;
} rpc_render_where_t;

/* The cached text for (kind, key) written into w as one value: true on a hit
 * (with *where when not NULL), false (nothing written) on a miss. */
bool rpc_render_get(rpc_render_kind_t kind, const ethc_hash_t *key, jw_t *w, rpc_render_where_t *where);
/* Remembers text[0..len) (one complete JSON value) for (kind, key). */
void rpc_render_put(rpc_render_kind_t kind, const ethc_hash_t *key, const char *text, size_t len,
                    const rpc_render_where_t *where);

#endif
