/* Shared walks for snap GetTrieNodes paths (include/ethc/trie_node_cursor.h;
 * devp2p caps/snap.md): the nodes along the last path are kept, a new path
 * resumes at the deepest of them that it reaches too. The step rules are
 * trie_node_at_path's (src/trie/trie_range.c): a branch consumes a nibble, an
 * extension its whole key (a path ending inside it or diverging from it has
 * no node), a leaf ends every longer path. */
#include "ethc/trie_node_cursor.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/trie_range.h"

#define KEY_NIBBLES 64

void trie_node_cursor_init(trie_node_cursor_t *c, const uint8_t root[32], const trie_store_t *store) {
  memset(c, 0, sizeof *c);
  memcpy(c->root, root, 32);
  c->store = store;
}

void trie_node_cursor_free(trie_node_cursor_t *c) {
  for (size_t i = 0; i < c->cap; i++) bytes_buf_free(&c->lv[i].enc);
  free(c->lv);
  memset(c, 0, sizeof *c);
}

/* Room for one more level. */
static int grow(trie_node_cursor_t *c) {
  if (c->count < c->cap) return 0;
  size_t cap = c->cap ? c->cap * 2 : 16;
  trie_node_level_t *lv = realloc(c->lv, cap * sizeof *lv);
  if (!lv) return ETHC_ERR_NOMEM;
  memset(lv + c->cap, 0, (cap - c->cap) * sizeof *lv);
  c->lv = lv, c->cap = cap;
  return 0;
}

/* Reads the stored node `hash` as the next level, at depth `at`. */
static int push_stored(trie_node_cursor_t *c, const uint8_t hash[32], size_t at) {
  trie_node_level_t *l = &c->lv[c->count];
  l->enc.len = 0;
  c->reads++;
  int rc = c->store->get(c->store->ctx, hash, &l->enc);
  if (rc) return rc == ETHC_ERR_NOT_FOUND ? ETHC_ERR_MISSING_NODE : rc;
  l->at = at, l->referenced = true;
  c->count++;
  return 0;
}

/* The level to resume path (n nibbles, sharing lcp nibbles with the last
 * path) from: the per-path walk steps from level i to level i + 1 when it has
 * not ended there (at < n) and the nibbles that step consumes are shared. */
static size_t resume_level(const trie_node_cursor_t *c, size_t n, size_t lcp) {
  size_t i = 0;
  while (i + 1 < c->count && c->lv[i].at < n && c->lv[i + 1].at <= lcp) i++;
  return i;
}

/* One step down from the deepest level along `path`: 0 with a new level,
 * 1 when there is no node further on (ETHC_ERR_NOT_FOUND), or an error. */
static int step(trie_node_cursor_t *c, const uint8_t *path, size_t n) {
  int rc = grow(c);
  if (rc) return rc;
  trie_node_level_t *l = &c->lv[c->count - 1];
  size_t pos = l->at;
  rlp_item_t node, ref, ch[17];
  if (rlp_decode(l->enc.data, l->enc.len, &node) || !node.is_list) return ETHC_ERR_INVALID;
  int k = rlp_list_count(&node);
  if (k == 17) {
    if (rlp_list_items(&node, ch, 17) || path[pos] > 15) return ETHC_ERR_INVALID;
    ref = ch[path[pos++]];
  } else if (k == 2) {
    uint8_t key[KEY_NIBBLES];
    size_t kn;
    if (rlp_list_items(&node, ch, 2) || ch[0].is_list || ch[0].payload_len == 0 || ch[0].payload_len > 33 ||
        trie_compact_to_nibbles(ch[0].payload, ch[0].payload_len, key, KEY_NIBBLES, &kn))
      return ETHC_ERR_INVALID;
    bool leaf = (ch[0].payload[0] >> 4) >= 2;
    if (leaf || n - pos < kn || memcmp(path + pos, key, kn) != 0) return ETHC_ERR_NOT_FOUND;
    pos += kn;
    ref = ch[1];
  } else {
    return ETHC_ERR_INVALID;
  }
  if (!ref.is_list && ref.payload_len == 0) return ETHC_ERR_NOT_FOUND;
  if (!ref.is_list && ref.payload_len != 32) return ETHC_ERR_INVALID;
  if (!ref.is_list) {
    uint8_t h[32];
    memcpy(h, ref.payload, 32);
    return push_stored(c, h, pos);
  }
  /* embedded: copied out of its parent (ref points into l->enc) */
  trie_node_level_t *e = &c->lv[c->count];
  e->enc.len = 0;
  if ((rc = bytes_buf_append(&e->enc, ref.raw, ref.raw_len))) return rc;
  e->at = pos, e->referenced = false;
  c->count++;
  return 0;
}

int trie_node_cursor_get(trie_node_cursor_t *c, const uint8_t *path, size_t n, bytes_buf_t *out) {
  size_t lim = n < c->path_len ? n : c->path_len, lcp = 0;
  while (lcp < lim && path[lcp] == c->path[lcp]) lcp++;
  c->count = c->count ? resume_level(c, n, lcp) + 1 : 0;
  c->path_len = n < TRIE_NODE_CURSOR_PATH ? n : TRIE_NODE_CURSOR_PATH;
  if (c->path_len) memcpy(c->path, path, c->path_len);
  int rc = 0;
  if (c->count == 0 && !(rc = grow(c))) rc = push_stored(c, c->root, 0);
  while (!rc) {
    const trie_node_level_t *l = &c->lv[c->count - 1];
    if (l->at == n) return l->referenced ? bytes_buf_append(out, l->enc.data, l->enc.len) : ETHC_ERR_NOT_FOUND;
    rc = step(c, path, n);
  }
  return rc;
}
