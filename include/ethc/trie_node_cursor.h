/* Answering many snap GetTrieNodes paths (devp2p caps/snap.md) of one stored
 * trie with shared walks: a cursor keeps the nodes along the last path it
 * walked, so a path sharing a prefix with it (a light client asks for a key's
 * successive prefixes: each path a prefix of the next) resumes the walk at
 * the deepest node both paths reach instead of at the root. Each answer is
 * exactly trie_node_at_path's (trie_range.h) for the same path.
 * Implementation: src/trie/trie_node_cursor.c.
 * A cursor is used by one thread at a time; distinct cursors over a store
 * whose get is thread-safe may be used at once. */
#ifndef ETHC_TRIE_NODE_CURSOR_H
#define ETHC_TRIE_NODE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/trie.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRIE_NODE_CURSOR_PATH 128 /* nibbles of the last path remembered */

/* One node on the last walked path. */
typedef struct {
  size_t at;       /* nibbles of the path above the node */
  bool referenced; /* stored under its hash (false: embedded in its parent) */
  bytes_buf_t enc; /* its RLP */
} trie_node_level_t;

typedef struct {
  uint8_t root[32];
  const trie_store_t *store;
  trie_node_level_t *lv; /* lv[0]: the root, lv[i + 1]: the child lv[i]'s path led to */
  size_t count, cap;
  uint8_t path[TRIE_NODE_CURSOR_PATH]; /* the last path walked (its first path_len nibbles) */
  size_t path_len;
  uint64_t reads; /* nodes read from the store so far (for measurements) */
} trie_node_cursor_t;

/* Starts a cursor over the stored trie of root `root`; `store` is borrowed
 * and must outlive the cursor. Cannot fail; release with trie_node_cursor_free. */
void trie_node_cursor_init(trie_node_cursor_t *c, const uint8_t root[32], const trie_store_t *store);

/* The RLP of the hash-referenced node at nibble path `path` (n nibbles, each
 * 0..15), appended to `out`: the same answer and return code as
 * trie_node_at_path(root, store, path, n, out) (0, ETHC_ERR_NOT_FOUND,
 * ETHC_ERR_MISSING_NODE, ETHC_ERR_INVALID, the store's error), reading from
 * the store only the nodes below the deepest one kept from the previous call
 * that this path also reaches. */
int trie_node_cursor_get(trie_node_cursor_t *c, const uint8_t *path, size_t n, bytes_buf_t *out);

/* Releases the kept nodes; the cursor may be initialised again. */
void trie_node_cursor_free(trie_node_cursor_t *c);

#ifdef __cplusplus
}
#endif

#endif
