/* In-memory Merkle Patricia trie (Yellow Paper appendix D): insert, lookup and
 * delete with leaf/extension/branch normalisation, cached node references (so
 * re-hashing after updates touches only changed paths), ordered iteration and
 * committing hashed nodes to a node store. */
#include <stdlib.h>
#include <string.h>

#include "ethc/keccak.h"
#include "trie_internal.h"

/* ---- node allocation ---- */

static tnode_t *new_leaf(const uint8_t *p, size_t plen, const uint8_t *v, size_t vlen) {
  return trie_new_leaf2(p, plen, NULL, 0, v, vlen);
}

void trie_free_tree(tnode_t *n) {
  if (!n) return;
  if (n->kind == TN_EXT) trie_free_tree(n->child[0]);
  else if (n->kind == TN_BRANCH)
    for (int i = 0; i < 16; i++) trie_free_tree(n->child[i]);
  trie_free_node(n);
}

static size_t common_prefix(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  size_t m = alen < blen ? alen : blen, i = 0;
  while (i < m && a[i] == b[i]) i++;
  return i;
}

static uint8_t *dup_bytes(const uint8_t *v, size_t len) {
  uint8_t *p = malloc(len ? len : 1);
  if (p && len) memcpy(p, v, len);
  return p;
}

/* ---- keys ---- */

typedef struct {
  uint8_t *nib;
  size_t len;
  uint8_t local[160];
} nibkey_t;

static int key_to_nibbles(bool secure, const uint8_t *key, size_t key_len, nibkey_t *k) {
  uint8_t h[32];
  if (secure) {
    keccak256(key, key_len, h);
    key = h;
    key_len = 32;
  }
  if (key_len > UINT32_MAX / 2) return ETHC_ERR_INVALID; /* node paths hold 32-bit nibble counts */
  k->len = 2 * key_len;
  k->nib = k->len <= sizeof k->local ? k->local : malloc(k->len);
  if (!k->nib) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < key_len; i++) {
    k->nib[2 * i] = key[i] >> 4;
    k->nib[2 * i + 1] = key[i] & 15;
  }
  return ETHC_OK;
}

static void nibkey_free(nibkey_t *k) {
  if (k->nib != k->local) free(k->nib);
}

/* ---- stored nodes ---- */

/* Replaces *n, when it is a node not read yet, by its decoded form (the hash node
 * is freed); *n is unchanged on error. */
static inline int resolve(trie_t *t, tnode_t **n) { return (*n)->kind == TN_HASH ? trie_resolve(t, n) : ETHC_OK; }

/* ---- insert ---- */

/* Returns the (possibly new) subtree root, which the caller stores even on
 * error; on failure (memory, or reading a stored node) sets *err and the
 * subtree keeps its contents (a stored node may have been read meanwhile). */
static tnode_t *ins(trie_t *t, tnode_t *n, const uint8_t *p, size_t plen, const uint8_t *v, size_t vlen, int *err,
                    bool *added) {
  if (!n) {
    tnode_t *l = new_leaf(p, plen, v, vlen);
    if (!l) *err = ETHC_ERR_NOMEM;
    else *added = true;
    return l;
  }
  if (n->kind == TN_HASH && (*err = trie_resolve(t, &n))) return n;
  if (n->kind == TN_BRANCH) {
    if (plen == 0) {
      uint8_t *nv = dup_bytes(v, vlen);
      if (!nv) {
        *err = ETHC_ERR_NOMEM;
        return n;
      }
      if (!n->value) *added = true;
      free(n->value);
      n->value = nv;
      n->value_len = vlen;
    } else {
      tnode_t *c = ins(t, n->child[p[0]], p + 1, plen - 1, v, vlen, err, added);
      n->child[p[0]] = c;
      if (*err) return n;
    }
    n->ref_len = 0, n->stored = 0;
    return n;
  }
  size_t cp = common_prefix(n->path, n->path_len, p, plen);
  if (n->kind == TN_LEAF && cp == n->path_len && cp == plen) { /* same key: replace the value */
    if (vlen == n->value_len) {
      memcpy(n->value, v, vlen);
      n->ref_len = 0, n->stored = 0;
      return n;
    }
    tnode_t *l = new_leaf(p, plen, v, vlen);
    if (!l) {
      *err = ETHC_ERR_NOMEM;
      return n;
    }
    trie_free_node(n);
    return l;
  }
  if (n->kind == TN_EXT && cp == n->path_len) {
    tnode_t *c = ins(t, n->child[0], p + cp, plen - cp, v, vlen, err, added);
    n->child[0] = c;
    if (*err) return n;
    n->ref_len = 0, n->stored = 0;
    return n;
  }
  /* the paths diverge at cp (or one ends there): a branch at cp, under an
   * extension of the shared prefix when cp > 0 */
  tnode_t *br = trie_new_branch(), *newleaf = NULL, *rest = NULL, *top = NULL;
  uint8_t *brval = NULL, *oldval = NULL;
  bool ok = br != NULL;
  if (ok && plen == cp) ok = (brval = dup_bytes(v, vlen)) != NULL;
  else if (ok) ok = (newleaf = new_leaf(p + cp + 1, plen - cp - 1, v, vlen)) != NULL;
  if (n->kind == TN_LEAF) {
    if (ok && n->path_len == cp) ok = (oldval = dup_bytes(n->value, n->value_len)) != NULL;
  } else if (ok && n->path_len - cp > 1) {
    ok = (rest = trie_new_ext2(n->path + cp + 1, n->path_len - cp - 1, NULL, 0, n->child[0])) != NULL;
  }
  if (ok && cp > 0) ok = (top = trie_new_ext2(p, cp, NULL, 0, br)) != NULL;
  if (!ok) {
    trie_free_node(br);
    free(newleaf);
    free(brval);
    free(oldval);
    free(rest);
    *err = ETHC_ERR_NOMEM;
    return n;
  }
  *added = true;
  if (brval) {
    br->value = brval;
    br->value_len = vlen;
  } else {
    br->child[p[cp]] = newleaf;
  }
  unsigned idx = n->path_len > cp ? n->path[cp] : 0;
  if (n->kind == TN_LEAF) {
    if (oldval) {
      br->value = oldval;
      br->value_len = n->value_len;
      trie_free_node(n);
    } else { /* keep the old leaf, shortened in place */
      n->path += cp + 1;
      n->path_len -= (uint32_t)(cp + 1);
      n->ref_len = 0, n->stored = 0;
      br->child[idx] = n;
    }
  } else {
    br->child[idx] = rest ? rest : n->child[0];
    trie_free_node(n);
  }
  return top ? top : br;
}

int trie_put(trie_t *t, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len) {
  if (value_len == 0) return trie_delete(t, key, key_len);
  nibkey_t k;
  int rc = key_to_nibbles(t->secure, key, key_len, &k);
  if (rc) return rc;
  int err = t->root ? resolve(t, &t->root) : 0; /* below the root, ins reads nodes itself */
  bool added = false;
  if (!err) t->root = ins(t, t->root, k.nib, k.len, value, value_len, &err, &added);
  if (added) t->count++;
  nibkey_free(&k);
  return err;
}

/* ---- delete ---- */

/* A subtree that lost a key and may need re-shaping: a branch left with a single
 * entry becomes a leaf or extension; an extension over a leaf or extension merges.
 * Every stored node the re-shaping needs is read before anything changes, so a
 * failed read (*err set, *removed false) leaves the subtree's contents as they
 * were. The caller stores the returned subtree root even on error. */
static tnode_t *del(trie_t *t, tnode_t *n, const uint8_t *p, size_t plen, int *err, bool *removed) {
  if (!n) return NULL;
  if (n->kind == TN_HASH && (*err = trie_resolve(t, &n))) return n;
  if (n->kind == TN_LEAF) {
    if (n->path_len == plen && memcmp(n->path, p, plen) == 0) {
      trie_free_node(n);
      *removed = true;
      return NULL;
    }
    return n;
  }
  if (n->kind == TN_EXT) {
    if (plen < n->path_len || memcmp(n->path, p, n->path_len) != 0) return n;
    tnode_t *c = del(t, n->child[0], p + n->path_len, plen - n->path_len, err, removed);
    n->child[0] = c;
    if (!*removed) return n;
    n->ref_len = 0, n->stored = 0;
    if (!c) {
      trie_free_node(n);
      return NULL;
    }
    tnode_t *m = NULL;
    if (c->kind == TN_LEAF) m = trie_new_leaf2(n->path, n->path_len, c->path, c->path_len, c->value, c->value_len);
    else if (c->kind == TN_EXT) m = trie_new_ext2(n->path, n->path_len, c->path, c->path_len, c->child[0]);
    else return n;
    if (!m) {
      *err = ETHC_ERR_NOMEM;
      return n;
    }
    trie_free_node(c);
    trie_free_node(n);
    return m;
  }
  /* branch */
  if (plen == 0 ? !n->value : !n->child[p[0]]) return n; /* absent */
  int entries = n->value ? 1 : 0;
  for (int i = 0; i < 16; i++) entries += n->child[i] != NULL;
  if (entries == 2) /* it may be left with one entry: read the other one now */
    for (int i = 0; i < 16; i++)
      if (n->child[i] && (plen == 0 || i != p[0]) && (*err = resolve(t, &n->child[i]))) return n;
  if (plen == 0) {
    free(n->value);
    n->value = NULL;
    n->value_len = 0;
  } else {
    n->child[p[0]] = del(t, n->child[p[0]], p + 1, plen - 1, err, removed);
    if (!*removed) return n;
  }
  *removed = true;
  n->ref_len = 0, n->stored = 0;
  int only = -1;
  entries = n->value ? 1 : 0;
  for (int i = 0; i < 16; i++)
    if (n->child[i]) {
      only = i;
      entries++;
    }
  if (entries >= 2) return n;
  if (entries == 0) {
    trie_free_node(n);
    return NULL;
  }
  tnode_t *m;
  if (only < 0) {
    m = new_leaf(NULL, 0, n->value, n->value_len);
  } else {
    uint8_t nib = (uint8_t)only;
    tnode_t *c = n->child[only];
    if (c->kind == TN_LEAF) m = trie_new_leaf2(&nib, 1, c->path, c->path_len, c->value, c->value_len);
    else if (c->kind == TN_EXT) m = trie_new_ext2(&nib, 1, c->path, c->path_len, c->child[0]);
    else m = trie_new_ext2(&nib, 1, NULL, 0, c);
    if (m && c->kind != TN_BRANCH) trie_free_node(c);
  }
  if (!m) {
    *err = ETHC_ERR_NOMEM;
    return n;
  }
  trie_free_node(n);
  return m;
}

int trie_delete(trie_t *t, const uint8_t *key, size_t key_len) {
  nibkey_t k;
  int rc = key_to_nibbles(t->secure, key, key_len, &k);
  if (rc) return rc;
  int err = t->root ? resolve(t, &t->root) : 0; /* below the root, del reads nodes itself */
  bool removed = false;
  if (!err) t->root = del(t, t->root, k.nib, k.len, &err, &removed);
  if (removed) t->count--;
  nibkey_free(&k);
  return err;
}

/* ---- lookup ---- */

int trie_get(trie_t *t, const uint8_t *key, size_t key_len, bytes_view_t *value) {
  uint8_t h[32];
  if (t->secure) {
    keccak256(key, key_len, h);
    key = h;
    key_len = 32;
  }
  size_t plen = 2 * key_len, i = 0;
  tnode_t **slot = &t->root, *n;
  while ((n = *slot)) {
    if (n->kind == TN_HASH) {
      int rc = trie_resolve(t, slot);
      if (rc) return rc;
      n = *slot;
    }
    if (n->kind == TN_BRANCH) {
      if (i == plen) {
        if (!n->value) break;
        *value = bytes_view(n->value, n->value_len);
        return ETHC_OK;
      }
      slot = &n->child[trie_nib(key, i++)];
      continue;
    }
    if (plen - i < n->path_len) break;
    for (size_t j = 0; j < n->path_len; j++)
      if (n->path[j] != trie_nib(key, i + j)) return ETHC_ERR_NOT_FOUND;
    i += n->path_len;
    if (n->kind == TN_LEAF) {
      if (i != plen) break;
      *value = bytes_view(n->value, n->value_len);
      return ETHC_OK;
    }
    slot = &n->child[0];
  }
  return ETHC_ERR_NOT_FOUND;
}

/* ---- hashing ---- */

/* Appends the node's full RLP (children by reference). */
int trie_node_encode(tnode_t *n, bytes_buf_t *b) {
  size_t list = rlp_list_begin(b);
  int rc;
  if (n->kind == TN_LEAF) {
    rc = trie_put_hp(b, n->path, NULL, 0, n->path_len, true);
    if (!rc) rc = rlp_put_bytes(b, n->value, n->value_len);
  } else if (n->kind == TN_EXT) {
    rc = trie_put_hp(b, n->path, NULL, 0, n->path_len, false);
    if (!rc) rc = trie_node_ref(n->child[0], b);
  } else if (n->kind == TN_BRANCH) {
    rc = 0;
    for (int i = 0; i < 16 && !rc; i++) rc = n->child[i] ? trie_node_ref(n->child[i], b) : bytes_buf_push(b, 0x80);
    if (!rc) rc = n->value ? rlp_put_bytes(b, n->value, n->value_len) : bytes_buf_push(b, 0x80);
  } else {
    rc = ETHC_ERR_INVALID; /* a node not read from the store: its callers read it first */
  }
  if (!rc) rc = rlp_list_end(b, list);
  return rc;
}

/* Appends the node's reference (its RLP when < 32 bytes, else RLP(hash)),
 * computing and caching it when needed. */
int trie_node_ref(tnode_t *n, bytes_buf_t *b) {
  int rc;
  if (n->ref_len == 32) {
    if ((rc = bytes_buf_reserve(b, 33))) return rc;
    b->data[b->len++] = 0xa0;
    memcpy(b->data + b->len, n->ref, 32);
    b->len += 32;
    return ETHC_OK;
  }
  if (n->ref_len) return bytes_buf_append(b, n->ref, n->ref_len);
  size_t start = b->len;
  if ((rc = trie_node_encode(n, b))) return rc;
  size_t len = b->len - start;
  if (len < 32) {
    memcpy(n->ref, b->data + start, len);
    n->ref_len = (uint8_t)len;
    return ETHC_OK;
  }
  int r = trie_finish_ref(b, start, n->ref);
  if (r < 0) return -r;
  n->ref_len = 32;
  return ETHC_OK;
}

int trie_root(trie_t *t, uint8_t root[32]) {
  if (!t->root) {
    memcpy(root, TRIE_EMPTY_ROOT, 32);
    return ETHC_OK;
  }
  t->scratch.len = 0;
  int rc = trie_node_ref(t->root, &t->scratch);
  if (rc) return rc;
  if (t->root->ref_len == 32) memcpy(root, t->root->ref, 32);
  else keccak256(t->root->ref, t->root->ref_len, root);
  return ETHC_OK;
}

/* ---- lifetime ---- */

void trie_init(trie_t *t, bool secure) {
  memset(t, 0, sizeof *t);
  t->secure = secure;
}

void trie_clear(trie_t *t) {
  trie_free_tree(t->root);
  t->root = NULL;
  t->count = 0;
}

void trie_free(trie_t *t) {
  trie_clear(t);
  bytes_buf_free(&t->scratch);
  bytes_buf_free(&t->fetch_);
}

int trie_open(trie_t *t, const uint8_t root[32], const trie_store_t *store, bool secure) {
  trie_init(t, secure);
  t->store = *store;
  if (memcmp(root, TRIE_EMPTY_ROOT, 32) == 0) return ETHC_OK;
  t->root = trie_new_hash(root, false);
  return t->root ? ETHC_OK : ETHC_ERR_NOMEM;
}

/* ---- ordered access ---- */

/* P holds the nibbles of the path down to node n, not including n's own path. */
static int push_path(bytes_buf_t *P, const tnode_t *n) {
  return n->kind == TN_BRANCH ? 0 : bytes_buf_append(P, n->path, n->path_len);
}

/* Reads *slot (at nibble depth `depth`) when it is a stored node not read yet.
 * Walks over a whole trie are not bounded by a key, so they stop at
 * TRIE_STORED_MAX_NIBBLES, which only a hostile store can reach. */
static int reach(trie_t *t, tnode_t **slot, size_t depth) {
  if ((*slot)->kind != TN_HASH) return ETHC_OK;
  if (depth > TRIE_STORED_MAX_NIBBLES) return ETHC_ERR_INVALID;
  return trie_resolve(t, slot);
}

/* The smallest (dir > 0) or largest (dir < 0) key of the subtree at *slot, in
 * *out (NULL if none). 0 or an error. */
static int extreme(trie_t *t, tnode_t **slot, bytes_buf_t *P, int dir, tnode_t **out) {
  for (;;) {
    int rc = reach(t, slot, P->len);
    if (rc) return rc;
    tnode_t *n = *slot;
    if ((rc = push_path(P, n))) return rc;
    if (n->kind == TN_LEAF || (dir > 0 && n->kind == TN_BRANCH && n->value)) {
      *out = n;
      return ETHC_OK;
    }
    if (n->kind == TN_EXT) {
      slot = &n->child[0];
      continue;
    }
    int i = dir > 0 ? 0 : 15;
    while (i >= 0 && i < 16 && !n->child[i]) i += dir;
    if (i < 0 || i > 15) { /* cannot happen in a normalised trie */
      *out = n->value ? n : NULL;
      return ETHC_OK;
    }
    if ((rc = bytes_buf_push(P, (uint8_t)i))) return rc;
    slot = &n->child[i];
  }
}

static int cmp_prefix(const bytes_buf_t *P, const uint8_t *T, size_t tlen) {
  size_t m = P->len < tlen ? P->len : tlen;
  for (size_t i = 0; i < m; i++)
    if (P->data[i] != T[i]) return P->data[i] < T[i] ? -1 : 1;
  return 0;
}

/* The first key strictly after (dir > 0) or before (dir < 0) T in the subtree at
 * *slot, in *out (NULL if none; P then as on entry). 0 or an error. */
static int seek(trie_t *t, tnode_t **slot, bytes_buf_t *P, const uint8_t *T, size_t tlen, int dir, tnode_t **out) {
  *out = NULL;
  if (!*slot) return ETHC_OK;
  int rc = reach(t, slot, P->len);
  if (rc) return rc;
  tnode_t *n = *slot;
  size_t base = P->len;
  if ((rc = push_path(P, n))) return rc;
  int c = cmp_prefix(P, T, tlen);
  bool longer = c == 0 && P->len > tlen; /* every key here has T as a proper prefix: all > T */
  if ((dir > 0 && (c > 0 || longer)) || (dir < 0 && c < 0)) {
    P->len = base;
    return extreme(t, slot, P, dir, out);
  }
  if ((dir > 0 && c < 0) || (dir < 0 && (c > 0 || longer))) {
    P->len = base;
    return ETHC_OK;
  }
  /* P is a prefix of T */
  if (n->kind == TN_LEAF) {
    if (dir < 0 && P->len < tlen) *out = n; /* its key is a proper prefix of T */
  } else if (n->kind == TN_EXT) {
    rc = seek(t, &n->child[0], P, T, tlen, dir, out);
  } else {
    size_t here = P->len;
    for (int k = 0; k < 16 && !*out && !rc; k++) {
      int i = dir > 0 ? k : 15 - k;
      if (!n->child[i]) continue;
      P->len = here;
      if ((rc = bytes_buf_push(P, (uint8_t)i))) break;
      rc = seek(t, &n->child[i], P, T, tlen, dir, out);
    }
    if (!*out) P->len = here;
    if (!rc && !*out && dir < 0 && n->value && here < tlen) *out = n;
  }
  if (!*out) P->len = base;
  return rc;
}

static int ordered(trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value, int dir) {
  nibkey_t k;
  int rc = key_to_nibbles(false, key, key_len, &k);
  if (rc) return rc;
  bytes_buf_t P = {0};
  tnode_t *n = NULL;
  rc = seek(t, &t->root, &P, k.nib, k.len, dir, &n);
  nibkey_free(&k);
  if (!rc && !n) rc = ETHC_ERR_NOT_FOUND;
  if (!rc && (P.len & 1)) rc = ETHC_ERR_INVALID; /* only a hostile store has keys of half bytes */
  if (!rc) {
    out_key->len = 0;
    rc = bytes_buf_reserve(out_key, P.len / 2 + 1);
  }
  if (!rc) {
    for (size_t i = 0; i < P.len; i += 2) out_key->data[out_key->len++] = (uint8_t)(P.data[i] << 4 | P.data[i + 1]);
    if (value) *value = bytes_view(n->value, n->value_len);
  }
  bytes_buf_free(&P);
  return rc;
}

int trie_next(trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value) {
  return ordered(t, key, key_len, out_key, value, 1);
}

int trie_prev(trie_t *t, const uint8_t *key, size_t key_len, bytes_buf_t *out_key, bytes_view_t *value) {
  return ordered(t, key, key_len, out_key, value, -1);
}

typedef struct {
  trie_t *t;
  bytes_buf_t P, key;
  trie_visit_fn fn;
  void *ctx;
} walk_t;

static int visit(walk_t *w, const tnode_t *n) {
  if (w->P.len & 1) return ETHC_ERR_INVALID; /* only a hostile store has keys of half bytes */
  w->key.len = 0;
  if (bytes_buf_reserve(&w->key, w->P.len / 2 + 1)) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i + 1 < w->P.len; i += 2)
    w->key.data[w->key.len++] = (uint8_t)(w->P.data[i] << 4 | w->P.data[i + 1]);
  return w->fn(w->ctx, w->key.data, w->key.len, n->value, n->value_len);
}

static int walk(walk_t *w, tnode_t **slot) {
  int rc = reach(w->t, slot, w->P.len);
  if (rc) return rc;
  tnode_t *n = *slot;
  size_t base = w->P.len;
  if ((rc = push_path(&w->P, n))) return rc;
  if (n->kind == TN_LEAF) rc = visit(w, n);
  else if (n->kind == TN_EXT) rc = walk(w, &n->child[0]);
  else {
    if (n->value) rc = visit(w, n);
    size_t here = w->P.len;
    for (int i = 0; i < 16 && !rc; i++) {
      if (!n->child[i]) continue;
      w->P.len = here;
      if ((rc = bytes_buf_push(&w->P, (uint8_t)i))) break;
      rc = walk(w, &n->child[i]);
    }
  }
  w->P.len = base;
  return rc;
}

int trie_foreach(trie_t *t, trie_visit_fn fn, void *ctx) {
  if (!t->root) return 0;
  walk_t w = {t, {0}, {0}, fn, ctx};
  int rc = walk(&w, &t->root);
  bytes_buf_free(&w.P);
  bytes_buf_free(&w.key);
  return rc;
}

/* ---- node store ---- */

/* Writes the hash-referenced nodes of n's subtree (and n itself when it is the
 * root), children first. With only_new, subtrees already stored are skipped: a
 * modified node lost its mark, and so did every node above it, so a marked node's
 * whole subtree is stored; what is written gets the mark. */
static int commit_node(trie_t *t, tnode_t *n, bool is_root, bool only_new, const trie_store_t *store, bytes_buf_t *b) {
  if (only_new && n->stored) return ETHC_OK;
  /* a node of an opened trie not read yet: copy its subtree from the trie's store */
  if (n->kind == TN_HASH) return trie_copy_stored(&t->store, n->ref, 0, store);
  int rc = 0;
  if (n->kind == TN_EXT) rc = commit_node(t, n->child[0], false, only_new, store, b);
  else if (n->kind == TN_BRANCH)
    for (int i = 0; i < 16 && !rc; i++)
      if (n->child[i]) rc = commit_node(t, n->child[i], false, only_new, store, b);
  if (rc || (!is_root && n->ref_len != 32)) return rc; /* embedded: lives in its parent */
  b->len = 0;
  if ((rc = trie_node_encode(n, b))) return rc;
  uint8_t h[32];
  if (n->ref_len == 32) memcpy(h, n->ref, 32);
  else keccak256(b->data, b->len, h);
  if ((rc = store->put(store->ctx, h, b->data, b->len))) return rc;
  if (only_new) n->stored = 1;
  return ETHC_OK;
}

static int commit(trie_t *t, bool only_new, const trie_store_t *store, uint8_t root[32]) {
  int rc = trie_root(t, root);
  if (rc || !t->root) return rc;
  return commit_node(t, t->root, true, only_new, store, &t->scratch);
}

int trie_commit(trie_t *t, const trie_store_t *store, uint8_t root[32]) { return commit(t, false, store, root); }

int trie_commit_new(trie_t *t, const trie_store_t *store, uint8_t root[32]) { return commit(t, true, store, root); }

/* ---- copying ---- */

static tnode_t *clone_node(const tnode_t *n) {
  tnode_t *c = NULL;
  if (n->kind == TN_HASH) {
    c = trie_new_hash(n->ref, n->want_branch);
  } else if (n->kind == TN_LEAF) {
    c = new_leaf(n->path, n->path_len, n->value, n->value_len);
  } else if (n->kind == TN_EXT) {
    tnode_t *child = clone_node(n->child[0]);
    if (!child) return NULL;
    if (!(c = trie_new_ext2(n->path, n->path_len, NULL, 0, child))) trie_free_tree(child);
  } else {
    c = trie_new_branch();
    if (c && n->value && !(c->value = dup_bytes(n->value, n->value_len))) {
      trie_free_node(c);
      return NULL;
    }
    if (c) c->value_len = n->value_len;
    for (int i = 0; c && i < 16; i++) {
      if (!n->child[i]) continue;
      if (!(c->child[i] = clone_node(n->child[i]))) {
        trie_free_tree(c);
        return NULL;
      }
    }
  }
  if (!c) return NULL;
  c->ref_len = n->ref_len;
  memcpy(c->ref, n->ref, sizeof c->ref);
  c->stored = n->stored;
  return c;
}

int trie_clone(const trie_t *t, trie_t *out) {
  trie_init(out, t->secure);
  out->store = t->store;
  if (!t->root) return ETHC_OK;
  if (!(out->root = clone_node(t->root))) return ETHC_ERR_NOMEM;
  out->count = t->count;
  return ETHC_OK;
}
