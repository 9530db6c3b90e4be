/* Internals shared by the trie sources (Yellow Paper appendix D): the node
 * layout of the in-memory trie and the hex-prefix (HP) path encoding. */
#ifndef ETHC_TRIE_INTERNAL_H
#define ETHC_TRIE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

enum { TN_LEAF = 1, TN_EXT = 2, TN_BRANCH = 3 };

/* One allocation per node: leaf = header + path + value; extension = header +
 * child[1] + path; branch = header + child[16] (its value, if any, malloc'd). */
struct trie_node {
  uint8_t kind;
  uint8_t ref_len;        /* cached reference: 0 none, 1..31 embedded RLP in ref, 32 hash */
  uint8_t stored;         /* written to a node store by trie_commit_new, unchanged since */
  uint8_t ref[32];
  uint32_t path_len;      /* nibbles (leaf, extension) */
  uint8_t *path;          /* one nibble per byte */
  uint8_t *value;         /* leaf, branch (NULL when a branch has none) */
  size_t value_len;
  struct trie_node *child[];
};
typedef struct trie_node tnode_t;

/* Nibble i of a byte string (high nibble first). */
static inline unsigned trie_nib(const uint8_t *key, size_t i) {
  return (key[i >> 1] >> ((~i & 1) << 2)) & 15u;
}

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

#endif
