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

typedef enum { RPC_RENDER_BLOCK, RPC_RENDER_BLOCK_FULL, RPC_RENDER_RECEIPT, RPC_RENDER_LOGS } rpc_render_kind_t;

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

/* Remembers what w holds since mark m (one JSON value; nothing when w ran out
 * of memory). */
void rpc_render_put_since(rpc_render_kind_t kind, const ethc_hash_t *key, const jw_t *w, jw_mark_t m,
                          const rpc_render_where_t *where);

/* The key of an eth_getLogs result (logs_key.c): keccak256 of the published
 * head's hash and every field of the filter (resolved block numbers, block
 * hash, addresses, topics, result limit). The canonical chain below a head is
 * fixed, so equal keys mean equal results. False when out of memory (no key). */
#include "ethc/chain_read.h"
bool rpc_logs_key(const ethc_hash_t *head, const chain_log_filter_t *f, ethc_hash_t *key);

#endif
