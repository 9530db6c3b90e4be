/* Walks a stored trie (Yellow Paper appendix D: branch, extension and leaf nodes,
 * hex-prefix encoded paths, nodes under 32 bytes embedded in their parent),
 * verifying each fetched node's keccak-256 against the reference to it. */
#include "ethc/trie_walk.h"

#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"

#define MAX_NIBBLES 128 /* keys of up to 64 bytes */

typedef struct {
  const trie_store_t *store;
  trie_leaf_fn fn;
  void *ctx;
  uint8_t path[MAX_NIBBLES];
} walker_t;

static int visit_node(walker_t *w, const rlp_item_t *node, size_t depth);

static int emit(walker_t *w, size_t depth, const rlp_item_t *value) {
  if (depth % 2) return ETHC_ERR_INVALID;
  uint8_t key[MAX_NIBBLES / 2];
  for (size_t i = 0; i < depth / 2; i++) key[i] = (uint8_t)(w->path[2 * i] << 4 | w->path[2 * i + 1]);
  if (value->is_list) return ETHC_ERR_INVALID;
  return w->fn(w->ctx, key, depth / 2, value->payload, value->payload_len);
}

/* A child reference: empty (nothing), a 32-byte hash (fetch), or an embedded node. */
static int visit_ref(walker_t *w, const rlp_item_t *ref, size_t depth) {
  if (ref->is_list) return visit_node(w, ref, depth);
  if (ref->payload_len == 0) return ETHC_OK;
  if (ref->payload_len != 32) return ETHC_ERR_INVALID;
  bytes_buf_t buf = {0};
  int err = w->store->get(w->store->ctx, ref->payload, &buf);
  if (!err) {
    uint8_t h[32];
    keccak256(buf.data, buf.len, h);
    rlp_item_t child;
    if (memcmp(h, ref->payload, 32) != 0) err = ETHC_ERR_INVALID;
    else if (rlp_decode_strict(buf.data, buf.len, &child) || !child.is_list) err = ETHC_ERR_INVALID;
    else err = visit_node(w, &child, depth);
  }
  bytes_buf_free(&buf);
  return err;
}

static int visit_node(walker_t *w, const rlp_item_t *node, size_t depth) {
  rlp_item_t items[17];
  int n = rlp_list_count(node);
  if (n == 17) {
    if (rlp_list_items(node, items, 17)) return ETHC_ERR_INVALID;
    if (items[16].payload_len) {
      int err = emit(w, depth, &items[16]);
      if (err) return err;
    }
    if (depth >= MAX_NIBBLES) return ETHC_ERR_INVALID;
    for (int i = 0; i < 16; i++) {
      w->path[depth] = (uint8_t)i;
      int err = visit_ref(w, &items[i], depth + 1);
      if (err) return err;
    }
    return ETHC_OK;
  }
  if (n != 2 || rlp_list_items(node, items, 2) || items[0].is_list || items[0].payload_len == 0)
    return ETHC_ERR_INVALID;
  /* hex-prefix: high nibble of byte 0 = flags (bit 1 leaf, bit 0 odd length) */
  const uint8_t *hp = items[0].payload;
  uint8_t flags = hp[0] >> 4;
  if (flags > 3) return ETHC_ERR_INVALID;
  size_t nibbles = (items[0].payload_len - 1) * 2 + (flags & 1);
  if (depth + nibbles > MAX_NIBBLES) return ETHC_ERR_INVALID;
  size_t d = depth;
  if (flags & 1) w->path[d++] = hp[0] & 0x0f;
  for (size_t i = 1; i < items[0].payload_len; i++) {
    w->path[d++] = hp[i] >> 4;
    w->path[d++] = hp[i] & 0x0f;
  }
  if (flags & 2) return emit(w, d, &items[1]);
  return visit_ref(w, &items[1], d);
}

int trie_walk(const uint8_t root[32], const trie_store_t *store, trie_leaf_fn fn, void *ctx) {
  if (memcmp(root, TRIE_EMPTY_ROOT, 32) == 0) return ETHC_OK;
  walker_t w = {store, fn, ctx, {0}};
  rlp_item_t ref = {0};
  ref.payload = root;
  ref.payload_len = 32;
  return visit_ref(&w, &ref, 0);
}
