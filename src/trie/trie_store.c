/* Tries over a node store (Yellow Paper appendix D: nodes by keccak-256 of their
 * RLP, nodes under 32 bytes embedded in their parent): checking and decoding
 * stored nodes, resolving the hash nodes of an opened trie on demand, copying a
 * stored subtree, and side-effect-free lookups and EIP-1186 proofs from a root. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/keccak.h"
#include "trie_internal.h"

/* ---- checking ---- */

enum { REF_EMPTY, REF_HASH, REF_EMBED };

/* The kind of a child reference, or -1 when it is none of them. An embedded
 * node is checked whole here (it is short, so this recursion is too), so that a
 * node is valid or not whichever path reads it. */
static int ref_kind(const rlp_item_t *it) {
  if (it->is_list) {
    trie_snode_t s;
    return it->raw_len < 32 && trie_parse_node(it, &s) == 0 ? REF_EMBED : -1;
  }
  if (it->payload_len == 0) return REF_EMPTY;
  return it->payload_len == 32 ? REF_HASH : -1;
}

int trie_parse_node(const rlp_item_t *node, trie_snode_t *s) {
  if (!node->is_list) return ETHC_ERR_INVALID;
  /* one pass over the items (this is on every read of a stored node) */
  rlp_iter_t it;
  rlp_iter_init(&it, node);
  int n = 0, rc = 0;
  while (n < 17 && (rc = rlp_iter_next(&it, &s->item[n])) == 1) n++;
  rlp_item_t extra;
  if (rc < 0 || (n == 17 && rlp_iter_next(&it, &extra) != 0)) return ETHC_ERR_INVALID;
  if (n == 17) {
    if (s->item[16].is_list) return ETHC_ERR_INVALID;
    int entries = s->item[16].payload_len != 0;
    for (int k = 0; k < 16; k++) {
      int r = ref_kind(&s->item[k]);
      if (r < 0) return ETHC_ERR_INVALID;
      entries += r != REF_EMPTY;
    }
    if (entries < 2) return ETHC_ERR_INVALID; /* would have been a leaf or extension */
    s->kind = TN_BRANCH;
    s->hp = NULL, s->hp_odd = false, s->nnib = 0;
    return ETHC_OK;
  }
  if (n != 2) return ETHC_ERR_INVALID;
  const rlp_item_t *p = &s->item[0];
  if (p->is_list || p->payload_len == 0 || p->payload_len > UINT32_MAX / 4) return ETHC_ERR_INVALID;
  unsigned flag = p->payload[0] >> 4;
  if (flag > 3) return ETHC_ERR_INVALID;
  s->hp_odd = flag & 1;
  if (!s->hp_odd && (p->payload[0] & 15)) return ETHC_ERR_INVALID; /* the pad nibble is zero */
  s->hp = p->payload;
  s->nnib = 2 * (p->payload_len - 1) + s->hp_odd;
  if (flag >= 2) {
    s->kind = TN_LEAF;
    return s->item[1].is_list || s->item[1].payload_len == 0 ? ETHC_ERR_INVALID : ETHC_OK;
  }
  s->kind = TN_EXT;
  if (s->nnib == 0) return ETHC_ERR_INVALID;
  int r = ref_kind(&s->item[1]);
  if (r == REF_HASH) return ETHC_OK;
  /* an extension leads to a branch (it would have merged with a leaf or extension) */
  if (r == REF_EMBED && rlp_list_count(&s->item[1]) == 17) return ETHC_OK;
  return ETHC_ERR_INVALID;
}

int trie_fetch_node(const trie_store_t *store, const uint8_t hash[32], bool is_root, bytes_buf_t *b, rlp_item_t *node) {
  if (!store->get) return ETHC_ERR_MISSING_NODE;
  size_t start = b->len;
  int rc = store->get(store->ctx, hash, b);
  if (rc) return rc == ETHC_ERR_NOT_FOUND ? ETHC_ERR_MISSING_NODE : rc;
  if (b->len <= start) return ETHC_ERR_INVALID; /* nothing (no node is empty), or a store that broke its contract */
  const uint8_t *d = b->data + start;
  size_t len = b->len - start;
  if (!trie_store_verified(store)) {
    uint8_t h[32];
    keccak256(d, len, h);
    if (memcmp(h, hash, 32) != 0) return ETHC_ERR_INVALID;
  }
  if (len < 32 && !is_root) return ETHC_ERR_INVALID; /* would have been embedded */
  /* only the outer header: trie_parse_node checks every item inside */
  if (rlp_decode(d, len, node) || !node->is_list) return ETHC_ERR_INVALID;
  return ETHC_OK;
}

/* ---- decoding into the mutable trie ---- */

static int decode_node(const rlp_item_t *node, tnode_t **out);

/* The in-memory form of a child reference that is not empty. */
static int decode_ref(const rlp_item_t *ref, bool under_ext, tnode_t **out) {
  if (!ref->is_list) {
    *out = trie_new_hash(ref->payload, under_ext);
    return *out ? ETHC_OK : ETHC_ERR_NOMEM;
  }
  int rc = decode_node(ref, out);
  if (rc) return rc;
  tnode_t *c = *out;
  c->ref_len = (uint8_t)ref->raw_len; /* under 32 bytes: ref_kind checked it */
  memcpy(c->ref, ref->raw, ref->raw_len);
  c->stored = 1;
  return ETHC_OK;
}

static int decode_node(const rlp_item_t *node, tnode_t **out) {
  trie_snode_t s;
  int rc = trie_parse_node(node, &s);
  if (rc) return rc;
  tnode_t *n = NULL;
  if (s.kind == TN_BRANCH) {
    if (!(n = trie_new_branch())) return ETHC_ERR_NOMEM;
    const rlp_item_t *v = &s.item[16];
    if (v->payload_len) {
      if (!(n->value = malloc(v->payload_len))) {
        trie_free_node(n);
        return ETHC_ERR_NOMEM;
      }
      memcpy(n->value, v->payload, v->payload_len);
      n->value_len = v->payload_len;
    }
    for (int k = 0; k < 16 && !rc; k++)
      if (ref_kind(&s.item[k]) != REF_EMPTY) rc = decode_ref(&s.item[k], false, &n->child[k]);
    if (rc) {
      trie_free_tree(n);
      return rc;
    }
    *out = n;
    return ETHC_OK;
  }
  uint8_t local[128], *nib = s.nnib <= sizeof local ? local : malloc(s.nnib);
  if (!nib) return ETHC_ERR_NOMEM;
  for (size_t j = 0; j < s.nnib; j++) nib[j] = (uint8_t)trie_hp_nib(s.hp, s.hp_odd, j);
  if (s.kind == TN_LEAF) {
    n = trie_new_leaf2(nib, s.nnib, NULL, 0, s.item[1].payload, s.item[1].payload_len);
    rc = n ? ETHC_OK : ETHC_ERR_NOMEM;
  } else {
    tnode_t *child = NULL;
    rc = decode_ref(&s.item[1], true, &child);
    if (!rc && !(n = trie_new_ext2(nib, s.nnib, NULL, 0, child))) rc = ETHC_ERR_NOMEM;
    if (rc) trie_free_tree(child);
  }
  if (nib != local) free(nib);
  if (!rc) *out = n;
  return rc;
}

int trie_resolve(trie_t *t, tnode_t **slot) {
  tnode_t *h = *slot;
  rlp_item_t node;
  t->fetch_.len = 0;
  int rc = trie_fetch_node(&t->store, h->ref, slot == &t->root, &t->fetch_, &node);
  tnode_t *n = NULL;
  if (!rc) rc = decode_node(&node, &n);
  if (!rc && h->want_branch && n->kind != TN_BRANCH) rc = ETHC_ERR_INVALID;
  if (rc) {
    trie_free_tree(n);
    return rc;
  }
  if (node.raw_len < 32) { /* only a root is this short: its true reference is itself */
    n->ref_len = (uint8_t)node.raw_len;
    memcpy(n->ref, node.raw, node.raw_len);
  } else {
    n->ref_len = 32;
    memcpy(n->ref, h->ref, 32);
  }
  n->stored = 1;
  *slot = n;
  free(h);
  return ETHC_OK;
}

/* ---- copying ---- */

int trie_copy_stored(const trie_store_t *from, const uint8_t hash[32], size_t depth, const trie_store_t *to) {
  /* each level keeps its own node until its children are written */
  if (depth > TRIE_STORED_MAX_NIBBLES) return ETHC_ERR_INVALID;
  if (!to->put) return ETHC_ERR_UNSUPPORTED;
  bytes_buf_t b = {0};
  rlp_item_t node;
  trie_snode_t s;
  int rc = trie_fetch_node(from, hash, true, &b, &node);
  if (!rc) rc = trie_parse_node(&node, &s);
  /* hash references sit directly in the node: an embedded node (under 32 bytes)
   * cannot hold one */
  if (!rc && s.kind == TN_BRANCH) {
    for (int k = 0; k < 16 && !rc; k++)
      if (ref_kind(&s.item[k]) == REF_HASH) rc = trie_copy_stored(from, s.item[k].payload, depth + 1, to);
  } else if (!rc && s.kind == TN_EXT && ref_kind(&s.item[1]) == REF_HASH) {
    rc = trie_copy_stored(from, s.item[1].payload, depth + s.nnib, to);
  }
  if (!rc) rc = to->put(to->ctx, hash, b.data, b.len);
  bytes_buf_free(&b);
  return rc;
}

/* ---- lookups without a trie ---- */

/* Follows the path key `key` from `root`. Value mode (proof NULL): every node is
 * read into `b` (reset each time) and the value found is moved to its start.
 * Proof mode: nodes are appended to proof->storage and recorded. 0 when the key
 * is present, ETHC_ERR_NOT_FOUND when it is absent, or an error. */
static int lookup(const uint8_t root[32], const trie_store_t *store, const uint8_t *key, size_t key_len, bytes_buf_t *b,
                  trie_proof_t *proof) {
  if (memcmp(root, TRIE_EMPTY_ROOT, 32) == 0) return ETHC_ERR_NOT_FOUND;
  if (key_len > SIZE_MAX / 2) return ETHC_ERR_INVALID;
  const size_t plen = 2 * key_len;
  size_t i = 0;
  uint8_t want[32];
  memcpy(want, root, 32);
  bool is_root = true, want_branch = false;
  for (;;) {
    rlp_item_t node;
    size_t start = b->len;
    if (!proof) b->len = start = 0;
    int rc = trie_fetch_node(store, want, is_root, b, &node);
    if (!rc && proof) rc = trie_proof_push(proof, start);
    if (rc) return rc;
    is_root = false;
    for (;;) { /* this node, then the nodes embedded in it along the path */
      trie_snode_t s;
      if (trie_parse_node(&node, &s)) return ETHC_ERR_INVALID;
      if (want_branch && s.kind != TN_BRANCH) return ETHC_ERR_INVALID;
      const rlp_item_t *next = NULL, *found = NULL;
      if (s.kind == TN_BRANCH) {
        if (i == plen) {
          if (!s.item[16].payload_len) return ETHC_ERR_NOT_FOUND;
          found = &s.item[16];
        } else {
          next = &s.item[trie_nib(key, i++)];
        }
      } else {
        if (s.nnib > plen - i) return ETHC_ERR_NOT_FOUND;
        for (size_t j = 0; j < s.nnib; j++)
          if (trie_hp_nib(s.hp, s.hp_odd, j) != trie_nib(key, i + j)) return ETHC_ERR_NOT_FOUND;
        i += s.nnib;
        if (s.kind == TN_LEAF) {
          if (i != plen) return ETHC_ERR_NOT_FOUND;
          found = &s.item[1];
        }
        next = &s.item[1];
      }
      if (found) {
        if (!proof) {
          memmove(b->data, found->payload, found->payload_len);
          b->len = found->payload_len;
        }
        return ETHC_OK;
      }
      want_branch = s.kind == TN_EXT;
      if (!next->is_list && next->payload_len == 0) return ETHC_ERR_NOT_FOUND;
      if (!next->is_list) {
        memcpy(want, next->payload, 32);
        break;
      }
      node = *next; /* embedded */
    }
  }
}

int trie_read(const uint8_t root[32], const trie_store_t *store, bool secure, const uint8_t *key, size_t key_len,
              bytes_buf_t *value) {
  uint8_t h[32];
  if (secure) {
    keccak256(key, key_len, h);
    key = h;
    key_len = 32;
  }
  value->len = 0;
  return lookup(root, store, key, key_len, value, NULL);
}

int trie_prove_from_store(const uint8_t root[32], const trie_store_t *store, bool secure, const uint8_t *key,
                          size_t key_len, trie_proof_t *proof) {
  uint8_t h[32];
  if (secure) {
    keccak256(key, key_len, h);
    key = h;
    key_len = 32;
  }
  trie_proof_reset(proof);
  int rc = lookup(root, store, key, key_len, &proof->storage, proof);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_OK; /* an exclusion proof */
  if (!rc) rc = trie_proof_finish(proof);
  if (rc) trie_proof_reset(proof);
  return rc;
}
