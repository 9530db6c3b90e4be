/* One key's walk down a stored trie by its nibble path (include/ethc/trie_path.h;
 * Yellow Paper appendix D): branch, extension and leaf nodes, embedded nodes
 * (under 32 bytes) read in place, every stored node hashed before use. */
#include "ethc/trie_path.h"

#include <stdbool.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie_range.h"

#define KEY_NIBBLES 64

/* Reads the node whose hash is `hash` into *buf (reset), checked by its hash. */
static int read_node(const trie_store_t *store, const uint8_t hash[32], bytes_buf_t *buf) {
  buf->len = 0;
  int rc = store->get(store->ctx, hash, buf);
  if (rc) return rc == ETHC_ERR_NOT_FOUND ? ETHC_ERR_MISSING_NODE : rc;
  uint8_t h[32];
  keccak256(buf->data, buf->len, h);
  return memcmp(h, hash, 32) ? ETHC_ERR_INVALID : 0;
}

int trie_path_lookup(const uint8_t root[32], const trie_store_t *store, const uint8_t key[32], bytes_buf_t *value,
                     trie_path_miss_t *miss) {
  if (!memcmp(root, TRIE_EMPTY_ROOT, 32)) return ETHC_ERR_NOT_FOUND;
  uint8_t path[KEY_NIBBLES];
  for (int i = 0; i < 32; i++) path[2 * i] = key[i] >> 4, path[2 * i + 1] = key[i] & 15;
  bytes_buf_t cur = {0}, next = {0};
  uint8_t want[32];
  memcpy(want, root, 32);
  size_t pos = 0;
  int rc = read_node(store, want, &cur);
  const uint8_t *enc = cur.data;
  size_t enc_len = cur.len;
  while (!rc) {
    rlp_item_t node, ref, c[17];
    if (rlp_decode_strict(enc, enc_len, &node) || !node.is_list) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    int k = rlp_list_count(&node);
    if (k == 17) {
      if (rlp_list_items(&node, c, 17)) {
        rc = ETHC_ERR_INVALID;
        break;
      }
      if (pos == KEY_NIBBLES) { /* keys are all 64 nibbles: no value at a branch */
        rc = ETHC_ERR_INVALID;
        break;
      }
      ref = c[path[pos++]];
    } else if (k == 2) {
      uint8_t nib[KEY_NIBBLES];
      size_t kn;
      if (rlp_list_items(&node, c, 2) || c[0].is_list || c[0].payload_len == 0 || c[0].payload_len > 33 ||
          trie_compact_to_nibbles(c[0].payload, c[0].payload_len, nib, KEY_NIBBLES, &kn)) {
        rc = ETHC_ERR_INVALID;
        break;
      }
      bool leaf = (c[0].payload[0] >> 4) >= 2;
      if (kn > KEY_NIBBLES - pos || memcmp(path + pos, nib, kn)) { /* diverges: absent */
        rc = ETHC_ERR_NOT_FOUND;
        break;
      }
      pos += kn;
      if (leaf) {
        if (pos != KEY_NIBBLES || c[1].is_list) rc = ETHC_ERR_INVALID; /* a short key cannot be ours */
        else rc = bytes_buf_append(value, c[1].payload, c[1].payload_len);
        break;
      }
      ref = c[1];
    } else {
      rc = ETHC_ERR_INVALID;
      break;
    }
    if (ref.is_list) { /* embedded: decoded in place, it lives inside cur */
      enc = ref.raw, enc_len = ref.raw_len;
    } else if (ref.payload_len == 0) {
      rc = ETHC_ERR_NOT_FOUND; /* an empty slot */
    } else if (ref.payload_len == 32) {
      memcpy(want, ref.payload, 32);
      rc = read_node(store, want, &next);
      bytes_buf_t t = cur;
      cur = next, next = t;
      enc = cur.data, enc_len = cur.len;
    } else {
      rc = ETHC_ERR_INVALID;
    }
  }
  if (rc == ETHC_ERR_MISSING_NODE && miss) {
    miss->depth = pos;
    memcpy(miss->hash, want, 32);
  }
  bytes_buf_free(&cur);
  bytes_buf_free(&next);
  return rc;
}

int trie_path_compact(const uint8_t key[32], size_t depth, bytes_buf_t *out) {
  if (depth > KEY_NIBBLES) return ETHC_ERR_INVALID;
  uint8_t b[33];
  size_t len = 1, i = 0;
  b[0] = (uint8_t)((depth & 1) << 4);
  if (depth & 1) b[0] |= key[0] >> 4, i = 1;
  for (; i < depth; i += 2) {
    uint8_t hi = (i & 1) ? key[i / 2] & 15 : key[i / 2] >> 4;
    uint8_t lo = ((i + 1) & 1) ? key[(i + 1) / 2] & 15 : key[(i + 1) / 2] >> 4;
    b[len++] = (uint8_t)(hi << 4 | lo);
  }
  return bytes_buf_append(out, b, len);
}

/* ---- an answer over a store ---- */

typedef struct {
  const trie_store_t *base;
  const bytes_view_t *nodes;
  const uint8_t (*hashes)[32];
  size_t n;
  uint64_t used;
} overlay_t;

static int overlay_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  overlay_t *o = ctx;
  for (size_t i = 0; i < o->n; i++)
    if (o->nodes[i].len && !memcmp(o->hashes[i], hash, 32)) {
      o->used |= (uint64_t)1 << i;
      return bytes_buf_append(out, o->nodes[i].data, o->nodes[i].len);
    }
  return o->base->get(o->base->ctx, hash, out);
}

int trie_path_absorb(const uint8_t root[32], const trie_store_t *store, const uint8_t key[32], size_t from,
                     const bytes_view_t *nodes, size_t n, bytes_buf_t *value, trie_path_miss_t *miss, uint64_t *used) {
  uint8_t hashes[64][32];
  if (n > 64) n = 64;
  for (size_t i = 0; i < n; i++) keccak256(nodes[i].data, nodes[i].len, hashes[i]);
  overlay_t o = {.base = store, .nodes = nodes, .hashes = (const uint8_t(*)[32])hashes, .n = n};
  trie_store_t st = {.ctx = &o, .get = overlay_get};
  trie_path_miss_t m;
  int rc = trie_path_lookup(root, &st, key, value, &m);
  bool missing = rc == ETHC_ERR_MISSING_NODE;
  if (missing && m.depth >= from && m.depth - from < n && nodes[m.depth - from].len) rc = ETHC_ERR_INVALID;
  if (miss && missing) *miss = m;
  *used = o.used;
  return rc;
}
