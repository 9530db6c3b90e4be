/* Merkle proofs for the Patricia trie (EIP-1186 eth_getProof, Yellow Paper
 * appendix D): the RLP nodes on the path from the root to a key, and a strict
 * verifier that proves presence (with the value) or absence, or rejects the proof. */
#include <stdlib.h>
#include <string.h>

#include "ethc/keccak.h"
#include "trie_internal.h"

void trie_proof_free(trie_proof_t *proof) {
  free(proof->nodes);
  free(proof->offsets_);
  bytes_buf_free(&proof->storage);
  memset(proof, 0, sizeof *proof);
}

void trie_proof_reset(trie_proof_t *proof) {
  free(proof->nodes);
  proof->nodes = NULL;
  proof->count = 0;
  proof->storage.len = 0;
}

int trie_proof_push(trie_proof_t *pr, size_t start) {
  if (pr->count == pr->cap_) {
    size_t cap = pr->cap_ ? 2 * pr->cap_ : 8;
    size_t *o = realloc(pr->offsets_, (cap + 1) * sizeof *o);
    if (!o) return ETHC_ERR_NOMEM;
    pr->offsets_ = o;
    pr->cap_ = cap;
  }
  pr->offsets_[pr->count] = start;
  pr->count++;
  pr->offsets_[pr->count] = pr->storage.len;
  return ETHC_OK;
}

int trie_proof_finish(trie_proof_t *pr) {
  if (!pr->count) return ETHC_OK;
  pr->nodes = malloc(pr->count * sizeof *pr->nodes);
  if (!pr->nodes) return ETHC_ERR_NOMEM;
  for (size_t k = 0; k < pr->count; k++)
    pr->nodes[k] = bytes_view(pr->storage.data + pr->offsets_[k], pr->offsets_[k + 1] - pr->offsets_[k]);
  return ETHC_OK;
}

static int proof_add(trie_proof_t *pr, tnode_t *n) {
  size_t start = pr->storage.len;
  int rc = trie_node_encode(n, &pr->storage);
  return rc ? rc : trie_proof_push(pr, start);
}

int trie_prove(trie_t *t, const uint8_t *key, size_t key_len, trie_proof_t *proof) {
  trie_proof_reset(proof);
  uint8_t root[32], h[32];
  int rc = trie_root(t, root); /* fills every node's cached reference */
  if (rc) return rc;
  if (t->secure) {
    keccak256(key, key_len, h);
    key = h;
    key_len = 32;
  }
  size_t plen = 2 * key_len, i = 0;
  tnode_t **slot = &t->root, *n;
  while ((n = *slot) && !rc) {
    if (n->kind == TN_HASH) { /* an opened trie's node not read yet */
      if ((rc = trie_resolve(t, slot))) break;
      n = *slot;
    }
    if (n == t->root || n->ref_len == 32) rc = proof_add(proof, n);
    if (rc) break;
    if (n->kind == TN_LEAF) break;
    if (n->kind == TN_BRANCH) {
      if (i == plen) break;
      slot = &n->child[trie_nib(key, i++)];
      continue;
    }
    if (plen - i < n->path_len) break;
    size_t j = 0;
    while (j < n->path_len && n->path[j] == trie_nib(key, i + j)) j++;
    if (j < n->path_len) break;
    i += n->path_len;
    slot = &n->child[0];
  }
  return rc ? rc : trie_proof_finish(proof);
}

/* ---- verification ---- */

/* Decodes an HP-encoded path: *leaf gets the flag, nibbles go to out (n nibbles). */
static int hp_decode(const rlp_item_t *it, bool *leaf, const uint8_t **bytes, size_t *nnib, bool *odd) {
  if (it->is_list || it->payload_len == 0) return ETHC_ERR_INVALID;
  uint8_t f = it->payload[0] >> 4;
  if (f > 3) return ETHC_ERR_INVALID;
  *leaf = f >= 2;
  *odd = f & 1;
  if (!*odd && (it->payload[0] & 15)) return ETHC_ERR_INVALID;
  *bytes = it->payload;
  *nnib = 2 * (it->payload_len - 1) + (*odd ? 1 : 0);
  return ETHC_OK;
}

/* Nibble j of an HP path (after the flag nibble(s)). */
static inline unsigned hp_nib(const uint8_t *bytes, bool odd, size_t j) { return trie_nib(bytes, j + (odd ? 1 : 2)); }

/* A child reference inside a node: empty, a 32-byte hash or an embedded node. */
enum { REF_EMPTY, REF_HASH, REF_EMBED };
static int classify_ref(const rlp_item_t *it) {
  if (it->is_list) return it->raw_len < 32 ? REF_EMBED : -1;
  if (it->payload_len == 0) return REF_EMPTY;
  if (it->payload_len == 32) return REF_HASH;
  return -1;
}

int trie_verify_proof(const uint8_t root[32], const uint8_t *key, size_t key_len, const bytes_view_t *nodes,
                      size_t count, bytes_view_t *value) {
  if (key_len > SIZE_MAX / 2) return ETHC_ERR_INVALID;
  const size_t plen = 2 * key_len;
  size_t i = 0, used = 0;
  uint8_t want[32];
  memcpy(want, root, 32);
  /* Empty trie: no nodes, or the single node 0x80. */
  if (memcmp(root, TRIE_EMPTY_ROOT, 32) == 0) {
    if (count == 0 || (count == 1 && nodes[0].len == 1 && nodes[0].data[0] == 0x80)) return ETHC_ERR_NOT_FOUND;
    return ETHC_ERR_INVALID;
  }
  rlp_item_t node;
  bool need_fetch = true;
  for (;;) {
    if (need_fetch) {
      if (used == count) return ETHC_ERR_INVALID; /* a node is missing */
      const bytes_view_t *nv = &nodes[used];
      if (used > 0 && nv->len < 32) return ETHC_ERR_INVALID; /* should have been embedded */
      uint8_t h[32];
      keccak256(nv->data, nv->len, h);
      if (memcmp(h, want, 32) != 0) return ETHC_ERR_INVALID;
      if (rlp_decode_strict(nv->data, nv->len, &node) || !node.is_list) return ETHC_ERR_INVALID;
      used++;
    }
    rlp_item_t items[17];
    int n = rlp_list_count(&node);
    if (n != 2 && n != 17) return ETHC_ERR_INVALID;
    if (rlp_list_items(&node, items, (size_t)n)) return ETHC_ERR_INVALID;
    const rlp_item_t *next;
    if (n == 17) {
      if (items[16].is_list) return ETHC_ERR_INVALID;
      for (int k = 0; k < 16; k++)
        if (classify_ref(&items[k]) < 0) return ETHC_ERR_INVALID;
      if (i == plen) {
        if (used != count) return ETHC_ERR_INVALID;
        if (items[16].payload_len == 0) return ETHC_ERR_NOT_FOUND;
        *value = bytes_view(items[16].payload, items[16].payload_len);
        return ETHC_OK;
      }
      next = &items[trie_nib(key, i++)];
    } else {
      bool leaf, odd;
      const uint8_t *pb;
      size_t nn;
      if (hp_decode(&items[0], &leaf, &pb, &nn, &odd)) return ETHC_ERR_INVALID;
      bool match = nn <= plen - i;
      for (size_t j = 0; match && j < nn; j++) match = hp_nib(pb, odd, j) == trie_nib(key, i + j);
      if (leaf) {
        if (items[1].is_list || items[1].payload_len == 0) return ETHC_ERR_INVALID;
        if (used != count) return ETHC_ERR_INVALID;
        if (!match || i + nn != plen) return ETHC_ERR_NOT_FOUND;
        *value = bytes_view(items[1].payload, items[1].payload_len);
        return ETHC_OK;
      }
      if (nn == 0) return ETHC_ERR_INVALID; /* an extension needs a path */
      int kind = classify_ref(&items[1]);
      if (kind != REF_HASH && kind != REF_EMBED) return ETHC_ERR_INVALID;
      if (!match) {
        if (used != count) return ETHC_ERR_INVALID;
        return ETHC_ERR_NOT_FOUND;
      }
      i += nn;
      next = &items[1];
    }
    int kind = classify_ref(next);
    if (kind == REF_EMPTY) {
      if (used != count) return ETHC_ERR_INVALID;
      return ETHC_ERR_NOT_FOUND;
    }
    if (kind == REF_HASH) {
      memcpy(want, next->payload, 32);
      need_fetch = true;
    } else {
      node = *next; /* embedded node: already validated as part of its parent */
      need_fetch = false;
    }
  }
}

int trie_verify_secure_proof(const uint8_t root[32], const uint8_t *key, size_t key_len, const bytes_view_t *nodes,
                             size_t count, bytes_view_t *value) {
  uint8_t h[32];
  keccak256(key, key_len, h);
  return trie_verify_proof(root, h, 32, nodes, count, value);
}
