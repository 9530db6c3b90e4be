/* One-shot Merkle Patricia trie roots (Yellow Paper appendix D) over a sorted
 * array of pairs: nodes are encoded bottom-up straight into one scratch buffer,
 * no tree is built. Used for state, storage, transaction and receipt roots. */
#include <stdlib.h>
#include <string.h>

#include "ethc/keccak.h"
#include "trie_internal.h"

const uint8_t TRIE_EMPTY_ROOT[32] = {0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                     0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                     0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21};

int trie_finish_ref(bytes_buf_t *b, size_t start, uint8_t hash_out[32]) {
  size_t len = b->len - start;
  if (len < 32) return 0;
  uint8_t h[32];
  keccak256(b->data + start, len, h);
  b->len = start;
  int rc = bytes_buf_reserve(b, 33);
  if (rc) return -rc;
  b->data[b->len++] = 0xa0;
  memcpy(b->data + b->len, h, 32);
  b->len += 32;
  if (hash_out) memcpy(hash_out, h, 32);
  return 1;
}

/* Appends the reference of the subtrie holding kv[lo..hi) (all sharing their
 * first d nibbles) to b; with root != NULL, hashes the node whatever its size. */
static int build(const trie_kv_t *kv, size_t lo, size_t hi, size_t d, bytes_buf_t *b, uint8_t *root) {
  size_t start = b->len;
  size_t list = rlp_list_begin(b);
  int rc = 0;
  const trie_kv_t *first = &kv[lo];
  if (hi - lo == 1) {
    rc = trie_put_hp(b, NULL, first->key, d, 2 * first->key_len - d, true);
    if (!rc) rc = rlp_put_bytes(b, first->value, first->value_len);
  } else {
    const trie_kv_t *last = &kv[hi - 1];
    size_t n1 = 2 * first->key_len, n2 = 2 * last->key_len, m = n1 < n2 ? n1 : n2;
    size_t e = d;
    /* whole bytes first when aligned, then nibbles */
    if (!(e & 1)) {
      while (e + 2 <= m && first->key[e >> 1] == last->key[e >> 1]) e += 2;
    }
    while (e < m && trie_nib(first->key, e) == trie_nib(last->key, e)) e++;
    if (e > d) { /* extension to a branch at depth e */
      rc = trie_put_hp(b, NULL, first->key, d, e - d, false);
      if (!rc) rc = build(kv, lo, hi, e, b, NULL);
    } else { /* branch */
      size_t i = lo;
      const trie_kv_t *val = NULL;
      if (2 * first->key_len == d) val = &kv[i++];
      for (unsigned c = 0; c < 16 && !rc; c++) {
        size_t j = i;
        while (j < hi && trie_nib(kv[j].key, d) == c) j++;
        if (j > i) rc = build(kv, i, j, d + 1, b, NULL);
        else rc = bytes_buf_push(b, 0x80);
        i = j;
      }
      if (!rc) rc = val ? rlp_put_bytes(b, val->value, val->value_len) : bytes_buf_push(b, 0x80);
    }
  }
  if (!rc) rc = rlp_list_end(b, list);
  if (rc) return rc;
  if (root) {
    keccak256(b->data + start, b->len - start, root);
    b->len = start;
    return 0;
  }
  int r = trie_finish_ref(b, start, NULL);
  return r < 0 ? -r : 0;
}

static int cmp_kv(const void *pa, const void *pb) {
  const trie_kv_t *a = pa, *b = pb;
  size_t m = a->key_len < b->key_len ? a->key_len : b->key_len;
  int c = m ? memcmp(a->key, b->key, m) : 0;
  if (c) return c;
  return (a->key_len > b->key_len) - (a->key_len < b->key_len);
}

/* Builds from a sorted, duplicate-free array whose values are all non-empty. */
static int root_dense(const trie_kv_t *kv, size_t n, uint8_t root[32]) {
  if (n == 0) {
    memcpy(root, TRIE_EMPTY_ROOT, 32);
    return 0;
  }
  bytes_buf_t b = {0};
  int rc = bytes_buf_reserve(&b, 4096);
  if (!rc) rc = build(kv, 0, n, 0, &b, root);
  bytes_buf_free(&b);
  return rc;
}

int trie_root_of_sorted(const trie_kv_t *kv, size_t n, uint8_t root[32]) {
  size_t empties = 0;
  for (size_t i = 0; i < n; i++) {
    if (kv[i].value_len == 0) empties++;
    if (i && cmp_kv(&kv[i - 1], &kv[i]) >= 0) return ETHC_ERR_INVALID;
  }
  if (!empties) return root_dense(kv, n, root);
  trie_kv_t *dense = malloc((n - empties) * sizeof *dense + 1);
  if (!dense) return ETHC_ERR_NOMEM;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (kv[i].value_len) dense[m++] = kv[i];
  int rc = root_dense(dense, m, root);
  free(dense);
  return rc;
}

/* Fast path for the state and storage tries, whose keys are all 32-byte hashes. */
static int cmp_kv32(const void *pa, const void *pb) {
  return memcmp(((const trie_kv_t *)pa)->key, ((const trie_kv_t *)pb)->key, 32);
}

int trie_root_of(trie_kv_t *kv, size_t n, uint8_t root[32]) {
  if (n > 1) {
    bool all32 = true;
    for (size_t i = 0; i < n && all32; i++) all32 = kv[i].key_len == 32;
    qsort(kv, n, sizeof *kv, all32 ? cmp_kv32 : cmp_kv);
  }
  return trie_root_of_sorted(kv, n, root);
}

int trie_secure_root_of(const trie_kv_t *kv, size_t n, uint8_t root[32]) {
  if (n == 0) {
    memcpy(root, TRIE_EMPTY_ROOT, 32);
    return 0;
  }
  if (n > SIZE_MAX / (sizeof(trie_kv_t) + 32)) return ETHC_ERR_NOMEM;
  trie_kv_t *h = malloc(n * (sizeof *h + 32));
  if (!h) return ETHC_ERR_NOMEM;
  uint8_t *hashes = (uint8_t *)(h + n);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (!kv[i].value_len) continue;
    keccak256(kv[i].key, kv[i].key_len, hashes + 32 * m);
    h[m] = (trie_kv_t){hashes + 32 * m, 32, kv[i].value, kv[i].value_len};
    m++;
  }
  int rc = trie_root_of(h, m, root);
  free(h);
  return rc;
}

int trie_ordered_root(const bytes_view_t *items, size_t n, uint8_t root[32]) {
  if (n == 0) {
    memcpy(root, TRIE_EMPTY_ROOT, 32);
    return 0;
  }
  if (n > SIZE_MAX / (sizeof(trie_kv_t) + 9)) return ETHC_ERR_NOMEM;
  trie_kv_t *kv = malloc(n * (sizeof *kv + 9));
  if (!kv) return ETHC_ERR_NOMEM;
  uint8_t *keys = (uint8_t *)(kv + n);
  for (size_t i = 0; i < n; i++) {
    bytes_buf_t kb = {keys + 9 * i, 0, 9}; /* fits: RLP of a u64 is at most 9 bytes */
    rlp_put_u64(&kb, i);
    kv[i] = (trie_kv_t){keys + 9 * i, kb.len, items[i].data, items[i].len};
  }
  int rc = trie_root_of(kv, n, root);
  free(kv);
  return rc;
}
