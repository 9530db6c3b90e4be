/* Internals shared by the trie sources (Yellow Paper appendix D): the node
 * layout of the in-memory trie and the hex-prefix (HP) path encoding. */
#ifndef ETHC_TRIE_INTERNAL_H
#define ETHC_TRIE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

/* TN_HASH: a node known only by its hash, not yet read from the trie's node
 * store (trie_open); it is replaced by its decoded form when a walk reaches it. */
enum { TN_LEAF = 1, TN_EXT = 2, TN_BRANCH = 3, TN_HASH = 4 };

/* One allocation per node: leaf = header + path + value; extension = header +
 * child[1] + path; branch = header + child[16] (its value, if any, malloc'd);
 * hash = header (ref holds the hash). */
struct trie_node {
  uint8_t kind;
  uint8_t ref_len;     /* cached reference: 0 none, 1..31 embedded RLP in ref, 32 hash */
  uint8_t stored;      /* in the node store (written by trie_commit_new or read from it), unchanged since */
  uint8_t want_branch; /* TN_HASH: the child of an extension, so it must decode to a branch */
  uint8_t ref[32];
  uint32_t path_len; /* nibbles (leaf, extension) */
  uint8_t *path;     /* one nibble per byte */
  uint8_t *value;    /* leaf, branch (NULL when a branch has none) */
  size_t value_len;
  struct trie_node *child[];
};
typedef struct trie_node tnode_t;

/* ---- node allocation (shared by the trie and the stored-node decoder) ---- */

static inline tnode_t *trie_new_leaf2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, const uint8_t *v,
                                      size_t vlen) {
  tnode_t *n = malloc(sizeof *n + alen + blen + vlen);
  if (!n) return NULL;
  n->kind = TN_LEAF;
  n->ref_len = 0, n->stored = 0, n->want_branch = 0;
  n->path = (uint8_t *)n->child;
  n->path_len = (uint32_t)(alen + blen);
  if (alen) memcpy(n->path, a, alen);
  if (blen) memcpy(n->path + alen, b, blen);
  n->value = n->path + alen + blen;
  n->value_len = vlen;
  memcpy(n->value, v, vlen);
  return n;
}

static inline tnode_t *trie_new_ext2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, tnode_t *child) {
  tnode_t *n = malloc(sizeof *n + sizeof(tnode_t *) + alen + blen);
  if (!n) return NULL;
  n->kind = TN_EXT;
  n->ref_len = 0, n->stored = 0, n->want_branch = 0;
  n->child[0] = child;
  n->path = (uint8_t *)(n->child + 1);
  n->path_len = (uint32_t)(alen + blen);
  if (alen) memcpy(n->path, a, alen);
  if (blen) memcpy(n->path + alen, b, blen);
  n->value = NULL;
  n->value_len = 0;
  return n;
}

static inline tnode_t *trie_new_branch(void) {
  tnode_t *n = calloc(1, sizeof *n + 16 * sizeof(tnode_t *));
  if (!n) return NULL;
  n->kind = TN_BRANCH;
  return n;
}

/* A stored node known by its hash (in the store, so marked stored). */
static inline tnode_t *trie_new_hash(const uint8_t hash[32], bool want_branch) {
  tnode_t *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->kind = TN_HASH;
  n->ref_len = 32, n->stored = 1, n->want_branch = want_branch;
  memcpy(n->ref, hash, 32);
  return n;
}

static inline void trie_free_node(tnode_t *n) {
  if (n && n->kind == TN_BRANCH) free(n->value);
  free(n);
}

void trie_free_tree(tnode_t *n);

/* Nibble i of a byte string (high nibble first). */
static inline unsigned trie_nib(const uint8_t *key, size_t i) { return (key[i >> 1] >> ((~i & 1) << 2)) & 15u; }

/* Appends RLP(HP(path, leaf)) for `n` nibbles taken either from a nibble array
 * (nibs != NULL) or from `key` bytes starting at nibble `off`. */
static inline int trie_put_hp(bytes_buf_t *b, const uint8_t *nibs, const uint8_t *key, size_t off, size_t n,
                              bool leaf) {
  size_t hp_len = n / 2 + 1;
  int rc = bytes_buf_reserve(b, hp_len + 9);
  if (rc) return rc;
  unsigned flag = leaf ? 2u : 0u;
  size_t i = 0;
  uint8_t first;
  if (n & 1) {
    first = (uint8_t)((flag + 1) << 4 | (nibs ? nibs[0] : trie_nib(key, off)));
    i = 1;
  } else {
    first = (uint8_t)(flag << 4);
  }
  if (hp_len == 1) { /* one byte below 0x80: encoded as itself */
    b->data[b->len++] = first;
    return ETHC_OK;
  }
  rlp_put_header(b, false, hp_len);
  uint8_t *out = b->data + b->len;
  *out++ = first;
  if (nibs) {
    for (; i < n; i += 2) *out++ = (uint8_t)(nibs[i] << 4 | nibs[i + 1]);
  } else if (((off + i) & 1) == 0) {
    const uint8_t *src = key + ((off + i) >> 1);
    size_t nb = (n - i) / 2;
    for (size_t k = 0; k < nb; k++) out[k] = src[k];
    out += nb;
  } else {
    for (; i < n; i += 2) *out++ = (uint8_t)(trie_nib(key, off + i) << 4 | trie_nib(key, off + i + 1));
  }
  b->len = (size_t)(out - b->data);
  return ETHC_OK;
}

/* Replaces the node encoding at b->data[start..] by its reference: kept as is when
 * shorter than 32 bytes, else RLP(keccak256(encoding)). `hash_out` (optional) gets
 * the hash when one is made; returns 1 when hashed, 0 when embedded, <0 on error. */
int trie_finish_ref(bytes_buf_t *b, size_t start, uint8_t hash_out[32]);

/* In-memory nodes: append the full RLP of a node (children by reference), or its
 * reference (computed and cached on first use). 0 or ETHC_ERR_NOMEM. */
int trie_node_encode(tnode_t *n, bytes_buf_t *b);
int trie_node_ref(tnode_t *n, bytes_buf_t *b);

/* ---- stored nodes (trie_store.c) ---- */

/* Longest path, in nibbles, that walks over a whole stored trie (trie_foreach,
 * trie_next, trie_commit copying unread nodes) will follow: it bounds their
 * recursion on hostile stores. Lookups by key are bounded by the key instead. */
#define TRIE_STORED_MAX_NIBBLES 8192

/* A checked node in its RLP form. Leaf and extension: hp/hp_odd/nnib describe
 * the hex-prefix path (nibble j is trie_hp_nib(hp, hp_odd, j)), item[1] is the
 * value (leaf) or child reference (extension). Branch: item[0..15] are the child
 * references, item[16] the value (payload_len 0 when none). A child reference
 * is an empty string, a 32-byte hash string or an embedded node (a list whose
 * encoding is under 32 bytes). */
typedef struct {
  int kind; /* TN_LEAF, TN_EXT or TN_BRANCH */
  const uint8_t *hp;
  bool hp_odd;
  size_t nnib;
  rlp_item_t item[17];
} trie_snode_t;

static inline unsigned trie_hp_nib(const uint8_t *hp, bool odd, size_t j) { return trie_nib(hp, j + (odd ? 1 : 2)); }

/* Checks that `node` (a decoded RLP list) is a node a normalised trie can hold:
 * 2 or 17 items, a canonical hex-prefix path (non-empty for an extension), a
 * non-empty leaf value, valid child references, an extension over a branch, a
 * branch with at least two entries. 0 or ETHC_ERR_INVALID. */
int trie_parse_node(const rlp_item_t *node, trie_snode_t *s);

/* The node cache's get (trie_cache.c). It hashes every node it reads from its
 * backing store and returns only nodes that match, so what it returns needs no
 * second check: a store with this get is "verified". */
int trie_cache_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out);
static inline bool trie_store_verified(const trie_store_t *s) { return s->get == trie_cache_get; }

/* Appends the node with this hash from the store to b and checks it: its keccak
 * is `hash` (unless the store is verified), it is one RLP list (its items are for
 * trie_parse_node to check), and (unless it is a root) 32 bytes or more (shorter
 * nodes are embedded in their parent, never stored alone). Returns 0 with *node
 * set (pointing into b), ETHC_ERR_MISSING_NODE (the store said
 * ETHC_ERR_NOT_FOUND), ETHC_ERR_INVALID, or another error from the store. */
int trie_fetch_node(const trie_store_t *store, const uint8_t hash[32], bool is_root, bytes_buf_t *b, rlp_item_t *node);

/* Replaces the TN_HASH node in *slot by the node it names, read from t's store
 * and decoded (hash children become TN_HASH nodes; every new node is marked
 * stored, with its reference cached). On error *slot is unchanged. The root is
 * resolved through slot == &t->root (only a root may be under 32 bytes). */
int trie_resolve(trie_t *t, tnode_t **slot);

/* Writes the stored subtree under `hash` (read from `from`) to `to`, children
 * first. `depth` is the nibble depth of the node (for the recursion bound). */
int trie_copy_stored(const trie_store_t *from, const uint8_t hash[32], size_t depth, const trie_store_t *to);

/* ---- proofs ---- */
/* Records storage[start..len) as the next proof node; trie_proof_finish builds the
 * nodes array. 0 or ETHC_ERR_NOMEM. */
int trie_proof_push(trie_proof_t *pr, size_t start);
int trie_proof_finish(trie_proof_t *pr);
void trie_proof_reset(trie_proof_t *pr);

#endif
