/* Unit tests of snap range proofs (src/trie/trie_range.c) on synthetic
 * tries of 32-byte keys: ranges from every kind of origin (a key, between
 * keys, before all, after all) with the boundary proofs a server sends must
 * verify, with the right "more" flag; a dropped, altered or extra entry, a
 * missing proof node or a wrong root must not. Also nodes by path. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "ethc/trie_range.h"

/* ---- an in-memory node store ---- */
typedef struct {
  uint8_t (*hash)[32];
  bytes_buf_t *rlp;
  size_t n, cap;
} mem_store_t;

static int mem_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t len) {
  mem_store_t *m = ctx;
  for (size_t i = 0; i < m->n; i++)
    if (memcmp(m->hash[i], hash, 32) == 0) return 0;
  if (m->n == m->cap) {
    m->cap = m->cap ? 2 * m->cap : 256;
    m->hash = realloc(m->hash, m->cap * 32);
    m->rlp = realloc(m->rlp, m->cap * sizeof *m->rlp);
  }
  memcpy(m->hash[m->n], hash, 32);
  m->rlp[m->n] = (bytes_buf_t){0};
  bytes_buf_append(&m->rlp[m->n], rlp, len);
  m->n++;
  return 0;
}

static int mem_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  mem_store_t *m = ctx;
  for (size_t i = 0; i < m->n; i++)
    if (memcmp(m->hash[i], hash, 32) == 0) return bytes_buf_append(out, m->rlp[i].data, m->rlp[i].len);
  return ETHC_ERR_NOT_FOUND;
}

static mem_store_t mem;
static trie_store_t store = {&mem, mem_put, mem_get};

#define N 500
static uint8_t keys[N][32];
static uint8_t vals[N][40];
static size_t val_len[N];
static uint8_t root[32];

static int cmp32(const void *a, const void *b) { return memcmp(a, b, 32); }

static void build_trie(void) {
  for (int i = 0; i < N; i++) {
    uint8_t seed[4] = {(uint8_t)i, (uint8_t)(i >> 8), 7, 7};
    keccak256(seed, 4, keys[i]);
  }
  qsort(keys, N, 32, cmp32);
  trie_t t;
  trie_init(&t, false);
  for (int i = 0; i < N; i++) {
    val_len[i] = 1 + (size_t)(keys[i][5] % 39); /* short and long values: embedded and hashed leaves */
    for (size_t k = 0; k < val_len[i]; k++) vals[i][k] = (uint8_t)(keys[i][k % 32] ^ k);
    vals[i][0] |= 0x80; /* never an empty-looking value */
    CHECK(trie_put(&t, keys[i], 32, vals[i], val_len[i]) == 0);
  }
  CHECK(trie_commit(&t, &store, root) == 0);
  trie_free(&t);
}

/* The proof a server sends: origin's path and the last key's, deduplicated. */
typedef struct {
  bytes_view_t nodes[256];
  size_t n;
  trie_proof_t p[2];
} proof_t;

static void make_proof(proof_t *pr, const uint8_t origin[32], const uint8_t *last) {
  memset(pr, 0, sizeof *pr);
  CHECK(trie_prove_from_store(root, &store, false, origin, 32, &pr->p[0]) == 0);
  if (last) CHECK(trie_prove_from_store(root, &store, false, last, 32, &pr->p[1]) == 0);
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < pr->p[k].count && pr->n < 256; i++) {
      bool dup = false;
      for (size_t j = 0; j < pr->n && !dup; j++)
        dup = pr->nodes[j].len == pr->p[k].nodes[i].len &&
              memcmp(pr->nodes[j].data, pr->p[k].nodes[i].data, pr->nodes[j].len) == 0;
      if (!dup) pr->nodes[pr->n++] = pr->p[k].nodes[i];
    }
}

static void free_proof(proof_t *pr) {
  trie_proof_free(&pr->p[0]);
  trie_proof_free(&pr->p[1]);
}

/* Verifies keys[lo, lo+n) from `origin`, with tampering variants. */
static void check_range(const uint8_t origin[32], size_t lo, size_t n, const char *what) {
  uint8_t(*k)[32] = calloc(n + 2, 32);
  bytes_view_t *v = calloc(n + 2, sizeof *v);
  for (size_t i = 0; i < n; i++) {
    memcpy(k[i], keys[lo + i], 32);
    v[i] = bytes_view(vals[lo + i], val_len[lo + i]);
  }
  proof_t pr;
  make_proof(&pr, origin, n ? keys[lo + n - 1] : NULL);
  bool more = false;
  int rc = trie_verify_range(root, origin, (const uint8_t(*)[32])k, v, n, pr.nodes, pr.n, &more);
  CHECK_MSG(rc == 0, "%s: valid range refused (%d)", what, rc);
  CHECK_MSG(more == (lo + n < N), "%s: more is %d", what, more);
  /* a wrong root */
  uint8_t bad_root[32];
  memcpy(bad_root, root, 32);
  bad_root[0] ^= 1;
  CHECK(trie_verify_range(bad_root, origin, (const uint8_t(*)[32])k, v, n, pr.nodes, pr.n, NULL) != 0);
  if (n >= 3) {
    /* drop the middle entry, the first entry */
    bytes_view_t *v2 = calloc(n, sizeof *v2);
    uint8_t(*k2)[32] = calloc(n, 32);
    for (size_t skip = 0; skip < 2; skip++) {
      size_t drop = skip ? n / 2 : 0, j = 0;
      for (size_t i = 0; i < n; i++)
        if (i != drop) memcpy(k2[j], k[i], 32), v2[j++] = v[i];
      CHECK_MSG(trie_verify_range(root, origin, (const uint8_t(*)[32])k2, v2, n - 1, pr.nodes, pr.n, NULL) != 0,
                "%s: dropped entry %zu accepted", what, drop);
    }
    /* drop the last: either refused or a shorter range with more entries after it */
    bool m2 = false;
    rc = trie_verify_range(root, origin, (const uint8_t(*)[32])k, v, n - 1, pr.nodes, pr.n, &m2);
    CHECK_MSG(rc != 0 || m2, "%s: dropped last entry without 'more'", what);
    free(v2);
    free(k2);
    /* alter a value, a key */
    uint8_t altered[40];
    memcpy(altered, vals[lo + n / 2], val_len[lo + n / 2]);
    altered[val_len[lo + n / 2] - 1] ^= 0x10;
    bytes_view_t keep = v[n / 2];
    v[n / 2] = bytes_view(altered, keep.len);
    CHECK_MSG(trie_verify_range(root, origin, (const uint8_t(*)[32])k, v, n, pr.nodes, pr.n, NULL) != 0,
              "%s: altered value accepted", what);
    v[n / 2] = keep;
    uint8_t kb = k[n / 2][31];
    k[n / 2][31] ^= 1;
    if (memcmp(k[n / 2], k[n / 2 + 1], 32) < 0 && memcmp(k[n / 2 - 1], k[n / 2], 32) < 0)
      CHECK_MSG(trie_verify_range(root, origin, (const uint8_t(*)[32])k, v, n, pr.nodes, pr.n, NULL) != 0,
                "%s: altered key accepted", what);
    k[n / 2][31] = kb;
    /* an extra entry between two */
    uint8_t(*k3)[32] = calloc(n + 1, 32);
    bytes_view_t *v3 = calloc(n + 1, sizeof *v3);
    for (size_t i = 0, j = 0; i < n; i++) {
      memcpy(k3[j], k[i], 32), v3[j++] = v[i];
      if (i == n / 2) {
        memcpy(k3[j], k[i], 32);
        k3[j][31] ^= 0x01;
        if (memcmp(k3[j], k[i], 32) < 0) k3[j][31] ^= 0x01, k3[j][30] ^= 0x00; /* keep order below */
        if (memcmp(k3[j], k[i], 32) <= 0 || memcmp(k3[j], k[i + 1], 32) >= 0) memcpy(k3[j], k[i], 32), k3[j][31]++;
        v3[j++] = bytes_view((const uint8_t *)"\x85" "extra", 6);
      }
    }
    if (memcmp(k3[n / 2 + 1], k3[n / 2], 32) > 0 && memcmp(k3[n / 2 + 1], k3[n / 2 + 2], 32) < 0)
      CHECK_MSG(trie_verify_range(root, origin, (const uint8_t(*)[32])k3, v3, n + 1, pr.nodes, pr.n, NULL) != 0,
                "%s: extra entry accepted", what);
    free(k3);
    free(v3);
    /* a proof without one of its nodes */
    if (pr.n > 1) {
      bytes_view_t save = pr.nodes[pr.n - 1];
      CHECK_MSG(trie_verify_range(root, origin, (const uint8_t(*)[32])k, v, n, pr.nodes, pr.n - 1, NULL) != 0,
                "%s: incomplete proof accepted", what);
      pr.nodes[pr.n - 1] = save;
    }
  }
  /* an extra entry after the last (beyond what the proof covers) */
  if (lo + n < N) {
    memcpy(k[n], keys[lo + n], 32);
    v[n] = bytes_view(vals[lo + n], val_len[lo + n]);
    memcpy(k[n + 1], k[n], 32);
    k[n + 1][31] ^= 0x80;
    if (memcmp(k[n + 1], k[n], 32) > 0 && (lo + n + 1 >= N || memcmp(k[n + 1], keys[lo + n + 1], 32) < 0)) {
      v[n + 1] = bytes_view((const uint8_t *)"\x85" "extra", 6);
      CHECK_MSG(trie_verify_range(root, origin, (const uint8_t(*)[32])k, v, n + 2, pr.nodes, pr.n, NULL) != 0,
                "%s: extra entries after the last accepted", what);
    }
  }
  free_proof(&pr);
  free(k);
  free(v);
}

static void test_ranges(void) {
  uint8_t zero[32] = {0}, o[32];
  check_range(zero, 0, 40, "from zero");
  check_range(keys[100], 100, 60, "from a key");
  memcpy(o, keys[200], 32);
  o[31] ^= 1;
  if (memcmp(o, keys[200], 32) < 0) memcpy(o, keys[199], 32), o[31] ^= 0;
  /* an origin strictly between keys[199] and keys[200] */
  memcpy(o, keys[199], 32);
  for (int i = 31; i >= 0 && ++o[i] == 0; i--) {}
  check_range(o, 200, 50, "from between keys");
  check_range(keys[N - 30], N - 30, 30, "to the end");
  check_range(keys[N - 1], N - 1, 1, "the last key alone");
  check_range(keys[7], 7, 1, "one key");
  /* an empty range after the last key */
  uint8_t after[32];
  memcpy(after, keys[N - 1], 32);
  for (int i = 31; i >= 0 && ++after[i] == 0; i--) {}
  check_range(after, N, 0, "empty, after all keys");
  /* an empty answer where keys exist is refused */
  proof_t pr;
  make_proof(&pr, keys[10], NULL);
  CHECK(trie_verify_range(root, keys[10], NULL, NULL, 0, pr.nodes, pr.n, NULL) != 0);
  free_proof(&pr);
  /* the whole trie without proof; one short is refused */
  bytes_view_t *v = calloc(N, sizeof *v);
  for (int i = 0; i < N; i++) v[i] = bytes_view(vals[i], val_len[i]);
  bool more = true;
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])keys, v, N, NULL, 0, &more) == 0 && !more);
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])keys, v, N - 1, NULL, 0, NULL) != 0);
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])keys + 1, v + 1, N - 1, NULL, 0, NULL) != 0);
  /* unsorted keys, an empty value */
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])keys + 1, v, 1, NULL, 0, NULL) != 0);
  uint8_t two[2][32];
  memcpy(two[0], keys[1], 32), memcpy(two[1], keys[0], 32);
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])two, v, 2, NULL, 0, NULL) == ETHC_ERR_INVALID);
  bytes_view_t empty = {0};
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])keys, &empty, 1, NULL, 0, NULL) == ETHC_ERR_INVALID);
  /* an origin after the first key given */
  make_proof(&pr, keys[11], keys[20]);
  CHECK(trie_verify_range(root, keys[11], (const uint8_t(*)[32])keys + 10, v + 10, 11, pr.nodes, pr.n, NULL) != 0);
  free_proof(&pr);
  free(v);
  /* garbage proof nodes */
  bytes_view_t junk[2] = {bytes_view((const uint8_t *)"\xc3\x01\x02\x03", 4), bytes_view((const uint8_t *)"\xff", 1)};
  CHECK(trie_verify_range(root, zero, (const uint8_t(*)[32])keys, NULL, 0, junk, 2, NULL) == ETHC_ERR_INVALID);
}

static void test_node_at_path(void) {
  bytes_buf_t out = {0};
  uint8_t h[32];
  CHECK(trie_node_at_path(root, &store, NULL, 0, &out) == 0);
  keccak256(out.data, out.len, h);
  CHECK(memcmp(h, root, 32) == 0);
  /* the child at nibble path [k0] of the first key is a hashed node of the trie */
  uint8_t path[1] = {keys[0][0] >> 4};
  out.len = 0;
  CHECK(trie_node_at_path(root, &store, path, 1, &out) == 0);
  keccak256(out.data, out.len, h);
  bytes_buf_t again = {0};
  CHECK(mem_get(&mem, h, &again) == 0);
  bytes_buf_free(&again);
  /* far too deep: not found */
  uint8_t deep[64];
  for (int i = 0; i < 32; i++) deep[2 * i] = keys[0][i] >> 4, deep[2 * i + 1] = keys[0][i] & 15;
  out.len = 0;
  CHECK(trie_node_at_path(root, &store, deep, 64, &out) == ETHC_ERR_NOT_FOUND);
  uint8_t other_root[32] = {1};
  CHECK(trie_node_at_path(other_root, &store, NULL, 0, &out) == ETHC_ERR_MISSING_NODE);
  /* compact paths */
  uint8_t nib[8];
  size_t n;
  CHECK(trie_compact_to_nibbles((const uint8_t *)"\x00", 1, nib, 8, &n) == 0 && n == 0);
  CHECK(trie_compact_to_nibbles((const uint8_t *)"\x1a\xbc", 2, nib, 8, &n) == 0 && n == 3 && nib[0] == 0xa &&
        nib[2] == 0xc);
  CHECK(trie_compact_to_nibbles((const uint8_t *)"\x01", 1, nib, 8, &n) == ETHC_ERR_INVALID);
  CHECK(trie_compact_to_nibbles((const uint8_t *)"\x40", 1, nib, 8, &n) == ETHC_ERR_INVALID);
  bytes_buf_free(&out);
}

int main(void) {
  build_trie();
  test_ranges();
  test_node_at_path();
  for (size_t i = 0; i < mem.n; i++) bytes_buf_free(&mem.rlp[i]);
  free(mem.rlp);
  free(mem.hash);
  return check_summary();
}
