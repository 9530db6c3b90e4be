/* Range proofs over tries of 32-byte keys (devp2p caps/snap.md) and nodes by
 * path. Verification rebuilds the trie: the proof nodes on the paths of the
 * range's first and last keys give every subtree left and right of the range
 * (kept as they are, by reference), the pairs give what lies inside it; the
 * root of that rebuilt trie must be the claimed root. By the hash's collision
 * resistance, the trie then holds exactly the given pairs inside the range.
 * Contracts: include/ethc/trie_range.h. */
#include "ethc/trie_range.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"

#define KEY_NIBBLES 64
#define MAX_DEPTH 64 /* a path of 32-byte keys has at most 64 nodes below the root */

/* ---- nibble paths ---- */

static void key_nibbles(const uint8_t key[32], uint8_t out[KEY_NIBBLES]) {
  for (int i = 0; i < 32; i++) out[2 * i] = key[i] >> 4, out[2 * i + 1] = key[i] & 15;
}

int trie_compact_to_nibbles(const uint8_t *compact, size_t len, uint8_t *out, size_t cap, size_t *n) {
  if (len == 0) return ETHC_ERR_INVALID;
  uint8_t flag = compact[0] >> 4;
  if (flag > 3) return ETHC_ERR_INVALID;
  bool odd = flag & 1;
  if (!odd && (compact[0] & 15)) return ETHC_ERR_INVALID;
  size_t k = 2 * (len - 1) + (odd ? 1 : 0);
  if (k > cap) return ETHC_ERR_INVALID;
  size_t j = 0;
  if (odd) out[j++] = compact[0] & 15;
  for (size_t i = 1; i < len; i++) out[j++] = compact[i] >> 4, out[j++] = compact[i] & 15;
  *n = k;
  return 0;
}

/* A short node's key: nibbles and whether it is a leaf. */
static int hp_decode(const rlp_item_t *it, uint8_t *out, size_t *n, bool *leaf) {
  if (it->is_list || it->payload_len == 0 || it->payload_len > 33) return ETHC_ERR_INVALID;
  *leaf = (it->payload[0] >> 4) >= 2;
  return trie_compact_to_nibbles(it->payload, it->payload_len, out, KEY_NIBBLES, n);
}

static int hp_put(bytes_buf_t *b, const uint8_t *nib, size_t n, bool leaf) {
  uint8_t buf[33];
  size_t len = 1;
  buf[0] = (uint8_t)((leaf ? 2 : 0) + (n & 1)) << 4;
  size_t i = 0;
  if (n & 1) buf[0] |= nib[i++];
  for (; i < n; i += 2) buf[len++] = (uint8_t)(nib[i] << 4 | nib[i + 1]);
  return rlp_put_bytes(b, buf, len);
}

/* ---- the proof's nodes, by hash ---- */

typedef struct {
  uint8_t hash[32];
  bytes_view_t rlp;
} pnode_t;

typedef struct {
  pnode_t *nodes;
  size_t count;
} pset_t;

static const pnode_t *pset_get(const pset_t *s, const uint8_t hash[32]) {
  for (size_t i = 0; i < s->count; i++)
    if (memcmp(s->nodes[i].hash, hash, 32) == 0) return &s->nodes[i];
  return NULL;
}

/* ---- the items of the rebuilt trie ---- */

typedef struct {
  uint8_t path[KEY_NIBBLES];
  uint8_t len;       /* nibbles: 64 for a leaf, fewer for a kept subtree */
  bool is_ref;       /* a kept subtree: `data` is its reference (hash string or embedded node) */
  bytes_view_t data; /* a leaf's value, or the reference's raw RLP */
} item_t;

typedef struct {
  item_t *v;
  size_t n, cap;
} items_t;

static int items_push(items_t *a, const item_t *it) {
  if (a->n == a->cap) {
    size_t cap = a->cap ? 2 * a->cap : 32;
    item_t *v = realloc(a->v, cap * sizeof *v);
    if (!v) return ETHC_ERR_NOMEM;
    a->v = v, a->cap = cap;
  }
  a->v[a->n++] = *it;
  return 0;
}

/* ---- walking the boundary paths ---- */

typedef struct {
  const pset_t *proof;
  uint8_t first[KEY_NIBBLES], last[KEY_NIBBLES];
  items_t left, right;
  int depth;
} walk_t;

static bool is_prefix(const uint8_t *p, size_t n, const uint8_t key[KEY_NIBBLES]) {
  return n <= KEY_NIBBLES && memcmp(p, key, n) == 0;
}

/* Files a subtree (or leaf) off both paths: left of the range, right of it,
 * or inside it (dropped: the pairs replace it). */
static int classify(walk_t *w, const item_t *it) {
  if (memcmp(it->path, w->first, it->len) < 0) return items_push(&w->left, it);
  if (memcmp(it->path, w->last, it->len) > 0) return items_push(&w->right, it);
  return 0;
}

static int explore(walk_t *w, const rlp_item_t *node, const uint8_t *path, size_t plen);

/* Follows a child reference on a boundary path. */
static int descend(walk_t *w, const rlp_item_t *ref, const uint8_t *path, size_t plen) {
  rlp_item_t node;
  if (ref->is_list) return explore(w, ref, path, plen); /* embedded */
  if (ref->payload_len != 32) return ETHC_ERR_INVALID;
  const pnode_t *p = pset_get(w->proof, ref->payload);
  if (!p) return ETHC_ERR_INVALID; /* the proof lacks a node of a boundary path */
  if (rlp_decode_strict(p->rlp.data, p->rlp.len, &node)) return ETHC_ERR_INVALID;
  return explore(w, &node, path, plen);
}

static int child(walk_t *w, const rlp_item_t *ref, const uint8_t *path, size_t plen) {
  if (!ref->is_list && ref->payload_len == 0) return 0; /* no child */
  if (!ref->is_list && ref->payload_len != 32) return ETHC_ERR_INVALID;
  if (is_prefix(path, plen, w->first) || is_prefix(path, plen, w->last)) return descend(w, ref, path, plen);
  item_t it = {.len = (uint8_t)plen, .is_ref = true, .data = bytes_view(ref->raw, ref->raw_len)};
  memcpy(it.path, path, plen);
  return classify(w, &it);
}

static int explore(walk_t *w, const rlp_item_t *node, const uint8_t *path, size_t plen) {
  if (!node->is_list || ++w->depth > MAX_DEPTH + 1) return ETHC_ERR_INVALID;
  int k = rlp_list_count(node), rc = 0;
  uint8_t p[KEY_NIBBLES];
  memcpy(p, path, plen);
  if (k == 17) {
    rlp_item_t c[17];
    if (rlp_list_items(node, c, 17) || c[16].is_list || c[16].payload_len) return ETHC_ERR_INVALID;
    if (plen >= KEY_NIBBLES) return ETHC_ERR_INVALID;
    for (int i = 0; i < 16 && !rc; i++) {
      p[plen] = (uint8_t)i;
      rc = child(w, &c[i], p, plen + 1);
    }
  } else if (k == 2) {
    rlp_item_t c[2];
    uint8_t key[KEY_NIBBLES];
    size_t kn;
    bool leaf;
    if (rlp_list_items(node, c, 2) || hp_decode(&c[0], key, &kn, &leaf) || plen + kn > KEY_NIBBLES)
      return ETHC_ERR_INVALID;
    memcpy(p + plen, key, kn);
    if (leaf) {
      if (plen + kn != KEY_NIBBLES || c[1].is_list || c[1].payload_len == 0) return ETHC_ERR_INVALID;
      item_t it = {.len = KEY_NIBBLES, .data = bytes_view(c[1].payload, c[1].payload_len)};
      memcpy(it.path, p, KEY_NIBBLES);
      rc = classify(w, &it);
    } else {
      if (kn == 0 || (!c[1].is_list && c[1].payload_len != 32)) return ETHC_ERR_INVALID;
      rc = child(w, &c[1], p, plen + kn);
    }
  } else {
    rc = ETHC_ERR_INVALID;
  }
  w->depth--;
  return rc;
}

/* ---- rebuilding: the node over items[lo, hi) at `depth` ---- */

/* Appends the reference to the node `enc` (embedded when shorter than 32 bytes). */
static int put_ref(bytes_buf_t *b, const bytes_buf_t *enc) {
  if (enc->len < 32) return rlp_put_raw(b, enc->data, enc->len);
  uint8_t h[32];
  keccak256(enc->data, enc->len, h);
  return rlp_put_bytes(b, h, 32);
}

/* Writes to `out` either a node's encoding (*is_ref false) or, for a lone
 * kept subtree at exactly this depth, its reference (*is_ref true). */
static int build(const item_t *items, size_t lo, size_t hi, size_t depth, bytes_buf_t *out, bool *is_ref) {
  *is_ref = false;
  int rc;
  if (hi - lo == 1) {
    const item_t *it = &items[lo];
    if (it->is_ref && it->len == depth) {
      *is_ref = true;
      return bytes_buf_append(out, it->data.data, it->data.len);
    }
    size_t l = rlp_list_begin(out);
    if ((rc = hp_put(out, it->path + depth, it->len - depth, !it->is_ref))) return rc;
    rc = it->is_ref ? rlp_put_raw(out, it->data.data, it->data.len) : rlp_put_bytes(out, it->data.data, it->data.len);
    return rc ? rc : rlp_list_end(out, l);
  }
  /* the common prefix below depth */
  size_t minlen = KEY_NIBBLES;
  for (size_t i = lo; i < hi; i++)
    if (items[i].len < minlen) minlen = items[i].len;
  if (minlen <= depth) return ETHC_ERR_INVALID; /* a subtree where a branch must be */
  size_t c = 0;
  while (depth + c < minlen) {
    uint8_t nib = items[lo].path[depth + c];
    bool same = true;
    for (size_t i = lo + 1; i < hi && same; i++) same = items[i].path[depth + c] == nib;
    if (!same) break;
    c++;
  }
  bytes_buf_t sub = {0};
  bool sub_ref;
  if (c > 0) {
    if (depth + c == minlen) return ETHC_ERR_INVALID;
    rc = build(items, lo, hi, depth + c, &sub, &sub_ref);
    size_t l = rlp_list_begin(out);
    if (!rc) rc = hp_put(out, items[lo].path + depth, c, false);
    if (!rc) rc = sub_ref ? rlp_put_raw(out, sub.data, sub.len) : put_ref(out, &sub);
    if (!rc) rc = rlp_list_end(out, l);
    bytes_buf_free(&sub);
    return rc;
  }
  size_t l = rlp_list_begin(out);
  size_t i = lo;
  rc = 0;
  for (uint8_t nib = 0; nib < 16 && !rc; nib++) {
    size_t j = i;
    while (j < hi && items[j].path[depth] == nib) j++;
    if (j == i) {
      rc = rlp_put_bytes(out, NULL, 0);
      continue;
    }
    sub.len = 0;
    rc = build(items, i, j, depth + 1, &sub, &sub_ref);
    if (!rc) rc = sub_ref ? rlp_put_raw(out, sub.data, sub.len) : put_ref(out, &sub);
    i = j;
  }
  if (!rc && i != hi) rc = ETHC_ERR_INVALID; /* items out of order */
  if (!rc) rc = rlp_put_bytes(out, NULL, 0);
  if (!rc) rc = rlp_list_end(out, l);
  bytes_buf_free(&sub);
  return rc;
}

static int root_of(const item_t *items, size_t n, uint8_t root[32]) {
  if (n == 0) {
    memcpy(root, TRIE_EMPTY_ROOT, 32);
    return 0;
  }
  bytes_buf_t enc = {0};
  bool is_ref;
  int rc = build(items, 0, n, 0, &enc, &is_ref);
  if (!rc && is_ref) rc = ETHC_ERR_INVALID;
  if (!rc) keccak256(enc.data, enc.len, root);
  bytes_buf_free(&enc);
  return rc;
}

int trie_verify_range(const uint8_t root[32], const uint8_t first[32], const uint8_t (*keys)[32],
                      const bytes_view_t *values, size_t n, const bytes_view_t *proof, size_t proof_count, bool *more) {
  if (more) *more = false;
  for (size_t i = 0; i < n; i++) {
    if (values[i].len == 0) return ETHC_ERR_INVALID;
    if (i > 0 && memcmp(keys[i - 1], keys[i], 32) >= 0) return ETHC_ERR_INVALID;
  }
  if (n > 0 && proof_count > 0 && memcmp(first, keys[0], 32) > 0) return ETHC_ERR_INVALID;
  walk_t w = {0};
  pset_t ps = {0};
  items_t all = {0};
  int rc = 0;
  if (proof_count > 0) {
    if (!(ps.nodes = calloc(proof_count, sizeof *ps.nodes))) return ETHC_ERR_NOMEM;
    for (size_t i = 0; i < proof_count; i++) {
      keccak256(proof[i].data, proof[i].len, ps.nodes[i].hash);
      ps.nodes[i].rlp = proof[i];
    }
    ps.count = proof_count;
    w.proof = &ps;
    key_nibbles(first, w.first);
    if (n > 0) key_nibbles(keys[n - 1], w.last);
    else memset(w.last, 15, sizeof w.last); /* nothing at or after `first` */
    const pnode_t *r = pset_get(&ps, root);
    rlp_item_t node;
    if (!r || rlp_decode_strict(r->rlp.data, r->rlp.len, &node)) rc = ETHC_ERR_INVALID;
    else rc = explore(&w, &node, w.first, 0);
  }
  for (size_t i = 0; i < w.left.n && !rc; i++) rc = items_push(&all, &w.left.v[i]);
  for (size_t i = 0; i < n && !rc; i++) {
    item_t it = {.len = KEY_NIBBLES, .data = values[i]};
    key_nibbles(keys[i], it.path);
    rc = items_push(&all, &it);
  }
  for (size_t i = 0; i < w.right.n && !rc; i++) rc = items_push(&all, &w.right.v[i]);
  uint8_t have[32];
  if (!rc) rc = root_of(all.v, all.n, have);
  if (!rc && memcmp(have, root, 32) != 0) rc = ETHC_ERR_INVALID;
  if (!rc && more) *more = w.right.n > 0;
  if (rc && rc != ETHC_ERR_NOMEM) rc = ETHC_ERR_INVALID;
  free(ps.nodes);
  free(w.left.v);
  free(w.right.v);
  free(all.v);
  return rc;
}

/* ---- nodes by path ---- */

int trie_node_at_path(const uint8_t root[32], const trie_store_t *store, const uint8_t *path, size_t n,
                      bytes_buf_t *out) {
  bytes_buf_t cur = {0};
  const uint8_t *enc;
  size_t enc_len;
  bool referenced = true;
  int rc = store->get(store->ctx, root, &cur);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_MISSING_NODE;
  enc = cur.data, enc_len = cur.len;
  size_t pos = 0;
  while (!rc) {
    if (pos == n) {
      rc = referenced ? bytes_buf_append(out, enc, enc_len) : ETHC_ERR_NOT_FOUND;
      break;
    }
    rlp_item_t node, ref, c[17];
    if (rlp_decode(enc, enc_len, &node) || !node.is_list) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    int k = rlp_list_count(&node);
    if (k == 17) {
      if (rlp_list_items(&node, c, 17) || path[pos] > 15) {
        rc = ETHC_ERR_INVALID;
        break;
      }
      ref = c[path[pos++]];
    } else if (k == 2) {
      uint8_t key[KEY_NIBBLES];
      size_t kn;
      bool leaf;
      if (rlp_list_items(&node, c, 2) || hp_decode(&c[0], key, &kn, &leaf)) {
        rc = ETHC_ERR_INVALID;
        break;
      }
      if (leaf || n - pos < kn || memcmp(path + pos, key, kn) != 0) {
        rc = ETHC_ERR_NOT_FOUND;
        break;
      }
      pos += kn;
      ref = c[1];
    } else {
      rc = ETHC_ERR_INVALID;
      break;
    }
    if (!ref.is_list && ref.payload_len == 0) {
      rc = ETHC_ERR_NOT_FOUND;
    } else if (ref.is_list) {
      enc = ref.raw, enc_len = ref.raw_len; /* embedded: points into cur, still valid */
      referenced = false;
    } else if (ref.payload_len == 32) {
      uint8_t h[32];
      memcpy(h, ref.payload, 32);
      bytes_buf_t next = {0};
      rc = store->get(store->ctx, h, &next);
      if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_MISSING_NODE;
      bytes_buf_free(&cur);
      cur = next;
      enc = cur.data, enc_len = cur.len;
      referenced = true;
    } else {
      rc = ETHC_ERR_INVALID;
    }
  }
  bytes_buf_free(&cur);
  return rc;
}
