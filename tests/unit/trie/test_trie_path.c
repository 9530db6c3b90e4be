/* Unit tests of the key path walker (src/trie/trie_path.c) against tries built
 * here: present and absent keys (an empty slot, a diverging leaf or
 * extension), deep paths, a missing node named with its depth and hash, the
 * compact paths a GetTrieNodes request carries, and answers that complete the
 * walk in one go, or carry a tampered node or a node of another path; and the
 * shared walk of a server's cursor (src/trie/trie_node_cursor.c): answers
 * identical to trie_node_at_path on random tries with embedded nodes, deep
 * extensions and leaves, for a key's successive prefixes, paths ending inside
 * extensions and leaves, absent and overlong paths, in any order. */
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "ethc/trie_node_cursor.h"
#include "ethc/trie_path.h"
#include "ethc/trie_range.h"
#include "mem_store.h"

#define N 300

static uint8_t keys[N + 2][32];
static uint8_t root[32];
static mem_store_t store;

static void value_of(size_t i, bytes_buf_t *v) {
  v->len = 0;
  uint8_t raw[40];
  memset(raw, (int)(i & 0xff), sizeof raw); /* long enough that leaves are hashed, not embedded */
  raw[0] = (uint8_t)(i >> 8);
  rlp_put_bytes(v, raw, sizeof raw);
}

/* keys: keccak(i), plus two that share their first 31 bytes with key 0 (deep paths). */
static void build(void) {
  trie_t t;
  trie_init(&t, false);
  bytes_buf_t v = {0};
  for (size_t i = 0; i < N; i++) {
    uint8_t b[8] = {(uint8_t)i, (uint8_t)(i >> 8)};
    keccak256(b, 8, keys[i]);
  }
  memcpy(keys[N], keys[0], 32), keys[N][31] ^= 0x01;         /* differs in the last nibble */
  memcpy(keys[N + 1], keys[0], 32), keys[N + 1][30] ^= 0x10; /* differs at nibble 60 */
  for (size_t i = 0; i < N + 2; i++) {
    value_of(i, &v);
    CHECK(trie_put(&t, keys[i], 32, v.data, v.len) == 0);
  }
  trie_store_t st = mem_store_as_store(&store);
  CHECK(trie_commit(&t, &st, root) == 0);
  trie_free(&t);
  bytes_buf_free(&v);
}

static void test_present_absent(void) {
  trie_store_t st = mem_store_as_store(&store);
  bytes_buf_t got = {0}, want = {0};
  size_t ok = 0;
  for (size_t i = 0; i < N + 2; i++) {
    got.len = 0;
    value_of(i, &want);
    ok += trie_path_lookup(root, &st, keys[i], &got, NULL) == 0 && got.len == want.len &&
          !memcmp(got.data, want.data, got.len);
  }
  CHECK_MSG(ok == N + 2, "%zu of %d keys read back", ok, N + 2);
  /* absent: random keys (empty slots or diverging leaves), and a neighbour of the deep keys */
  size_t absent = 0;
  for (int i = 0; i < 100; i++) {
    uint8_t k[32], b[2] = {(uint8_t)i, 0xee};
    keccak256(b, 2, k);
    absent += trie_path_lookup(root, &st, k, &got, NULL) == ETHC_ERR_NOT_FOUND;
  }
  CHECK(absent == 100);
  uint8_t k[32];
  memcpy(k, keys[0], 32), k[31] ^= 0x02; /* under the deep branch, an empty slot */
  CHECK(trie_path_lookup(root, &st, k, &got, NULL) == ETHC_ERR_NOT_FOUND);
  memcpy(k, keys[0], 32), k[25] ^= 0x01; /* diverges from the deep extension */
  CHECK(trie_path_lookup(root, &st, k, &got, NULL) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_path_lookup(TRIE_EMPTY_ROOT, &st, k, &got, NULL) == ETHC_ERR_NOT_FOUND);
  bytes_buf_free(&got);
  bytes_buf_free(&want);
}

/* The node at depth d of key k's path, as a server finds it (trie_node_at_path). */
static int node_at(const uint8_t k[32], size_t d, bytes_buf_t *out) {
  trie_store_t st = mem_store_as_store(&store);
  bytes_buf_t c = {0};
  uint8_t nib[64];
  size_t n;
  out->len = 0;
  int rc = trie_path_compact(k, d, &c);
  if (!rc) rc = trie_compact_to_nibbles(c.data, c.len, nib, 64, &n);
  if (!rc && n != d) rc = ETHC_ERR_INVALID;
  if (!rc) rc = trie_node_at_path(root, &st, nib, n, out);
  bytes_buf_free(&c);
  return rc;
}

static void test_compact(void) {
  bytes_buf_t c = {0};
  uint8_t nib[64];
  size_t n, ok = 0;
  for (size_t d = 0; d <= 64; d++) {
    c.len = 0;
    if (trie_path_compact(keys[5], d, &c) || trie_compact_to_nibbles(c.data, c.len, nib, 64, &n) || n != d) continue;
    bool same = true;
    for (size_t i = 0; i < d; i++) same &= nib[i] == ((i & 1) ? keys[5][i / 2] & 15 : keys[5][i / 2] >> 4);
    ok += same && c.len == 1 + d / 2;
  }
  CHECK(ok == 65);
  CHECK(trie_path_compact(keys[5], 65, &c) == ETHC_ERR_INVALID);
  bytes_buf_free(&c);
}

/* A store with only the first `keep` nodes of a path: the walk names the next one. */
static void test_missing_and_answers(const uint8_t k[32], const char *what) {
  trie_store_t full = mem_store_as_store(&store);
  bytes_buf_t got = {0}, want = {0};
  CHECK(trie_path_lookup(root, &full, k, &want, NULL) == 0);
  /* the stored nodes on k's path, by depth */
  bytes_buf_t at[65] = {{0}};
  size_t depths[65], count = 0;
  for (size_t d = 0; d <= 64; d++)
    if (node_at(k, d, &at[count]) == 0) depths[count++] = d;
  CHECK_MSG(count >= 3, "%s: %zu nodes on the path", what, count);
  if (strstr(what, "deep")) CHECK_MSG(depths[count - 1] >= 60, "%s: the deepest node at %zu", what, depths[count - 1]);
  mem_store_t part = {0};
  trie_store_t ps = mem_store_as_store(&part);
  trie_path_miss_t miss;
  CHECK(trie_path_lookup(root, &ps, k, &got, &miss) == ETHC_ERR_MISSING_NODE && miss.depth == 0 &&
        !memcmp(miss.hash, root, 32));
  uint8_t h[32];
  keccak256(at[0].data, at[0].len, h);
  CHECK(!memcmp(h, root, 32));
  /* the root is held: the walk stops at the second node, at its depth */
  uint8_t h1[32];
  keccak256(at[1].data, at[1].len, h1);
  mem_store_t only_root = {0};
  trie_store_t os = mem_store_as_store(&only_root);
  CHECK(mem_store_put(&only_root, root, at[0].data, at[0].len) == 0);
  CHECK(trie_path_lookup(root, &os, k, &got, &miss) == ETHC_ERR_MISSING_NODE && miss.depth == depths[1] &&
        !memcmp(miss.hash, h1, 32));
  /* one answer for depths from miss.depth on (16 paths, empty where no node is) completes the walk */
  size_t from = miss.depth, n = 0;
  bytes_view_t ans[17];
  bytes_buf_t slots[17] = {{0}};
  for (size_t d = from; d < from + 17 && d <= 64; d++, n++) {
    node_at(k, d, &slots[n]); /* empty when there is no node at d */
    ans[n] = bytes_view(slots[n].data, slots[n].len);
  }
  uint64_t used = 0;
  got.len = 0;
  int rc = trie_path_absorb(root, &os, k, from, ans, n, &got, &miss, &used);
  if (depths[count - 1] < from + n) {
    CHECK_MSG(rc == 0 && got.len == want.len && !memcmp(got.data, want.data, got.len), "%s: answer rc %d", what, rc);
    size_t used_n = 0;
    for (size_t i = 0; i < n; i++) used_n += (used >> i) & 1;
    CHECK_MSG(used_n == count - 1, "%s: %zu of %zu nodes used", what, used_n, count - 1);
  } else { /* deeper than one answer: progress, then the next miss below it */
    CHECK_MSG(rc == ETHC_ERR_MISSING_NODE && miss.depth >= from + n, "%s: deep rc %d depth %zu", what, rc, miss.depth);
  }
  /* a tampered node at the second depth: refused */
  bytes_buf_t bad = {0};
  bytes_buf_append(&bad, ans[0].data, ans[0].len);
  bad.data[bad.len - 1] ^= 1;
  bytes_view_t saved = ans[0];
  ans[0] = bytes_view(bad.data, bad.len);
  CHECK(trie_path_absorb(root, &os, k, from, ans, n, &got, &miss, &used) == ETHC_ERR_INVALID && miss.depth == from &&
        !memcmp(miss.hash, h1, 32));
  /* a real node of the trie, of another path, in its place: refused too */
  bytes_buf_t other = {0};
  CHECK(node_at(keys[7][0] >> 4 != k[0] >> 4 ? keys[7] : keys[8], 1, &other) == 0);
  if (other.len) {
    ans[0] = bytes_view(other.data, other.len);
    CHECK(trie_path_absorb(root, &os, k, from, ans, n, &got, &miss, &used) == ETHC_ERR_INVALID);
  }
  /* an empty answer: no progress, the same miss */
  ans[0] = saved;
  CHECK(trie_path_absorb(root, &os, k, from, ans, 0, &got, &miss, &used) == ETHC_ERR_MISSING_NODE &&
        miss.depth == from && used == 0);
  /* a node tampered inside the store: refused by its hash */
  mem_node_t *e = mem_store_find(&store, h1);
  CHECK(e != NULL);
  if (e) {
    e->rlp[e->len - 1] ^= 1;
    CHECK(trie_path_lookup(root, &full, k, &got, NULL) == ETHC_ERR_INVALID);
    e->rlp[e->len - 1] ^= 1;
  }
  for (size_t i = 0; i < 17; i++) bytes_buf_free(&slots[i]);
  for (size_t i = 0; i < 65; i++) bytes_buf_free(&at[i]);
  bytes_buf_free(&bad);
  bytes_buf_free(&other);
  bytes_buf_free(&got);
  bytes_buf_free(&want);
  mem_store_free(&part);
  mem_store_free(&only_root);
}

/* ---- the shared walk of trie_node_cursor ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return rng;
}

/* A store over `store`'s nodes of a random trie, counting reads. */
typedef struct {
  mem_store_t *m;
  uint64_t reads;
} count_store_t;

static int count_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  count_store_t *c = ctx;
  c->reads++;
  return mem_store_get(c->m, hash, out);
}

/* A random trie of `n` keys: clusters of keys sharing long prefixes (deep
 * extensions, leaves of short keys) and 1..3 byte values (embedded nodes). */
static void random_trie(mem_store_t *m, size_t n, uint8_t (*ks)[32], uint8_t r[32]) {
  trie_t t;
  trie_init(&t, false);
  for (size_t i = 0; i < n; i++) {
    for (int j = 0; j < 32; j++) ks[i][j] = (uint8_t)next_rand();
    if (i && next_rand() % 3 == 0) { /* a neighbour of an earlier key, differing from nibble d on */
      size_t d = 1 + next_rand() % 63;
      const uint8_t *o = ks[next_rand() % i];
      for (size_t q = 0; q < d / 2; q++) ks[i][q] = o[q];
      if (d & 1) ks[i][d / 2] = (uint8_t)((o[d / 2] & 0xf0) | (ks[i][d / 2] & 0x0f));
    }
    uint8_t v[3] = {(uint8_t)(1 + next_rand() % 200), (uint8_t)i, (uint8_t)(i >> 8)};
    bytes_buf_t e = {0};
    rlp_put_bytes(&e, v, 1 + next_rand() % 3);
    CHECK(trie_put(&t, ks[i], 32, e.data, e.len) == 0);
    bytes_buf_free(&e);
  }
  trie_store_t st = mem_store_as_store(m);
  CHECK(trie_commit(&t, &st, r) == 0);
  trie_free(&t);
}

static void key_nibbles_of(const uint8_t k[32], uint8_t nib[80]) {
  for (int i = 0; i < 32; i++) nib[2 * i] = k[i] >> 4, nib[2 * i + 1] = k[i] & 15;
  for (int i = 64; i < 80; i++) nib[i] = (uint8_t)(next_rand() & 15); /* beyond a key: no node */
}

/* One path asked of the cursor and of trie_node_at_path: the same code and bytes. */
static bool same_answer(trie_node_cursor_t *c, const uint8_t r[32], const trie_store_t *st, const uint8_t *nib,
                        size_t n, size_t *found, size_t *embedded_or_inside) {
  bytes_buf_t a = {0}, b = {0};
  int ra = trie_node_cursor_get(c, nib, n, &a), rb = trie_node_at_path(r, st, nib, n, &b);
  bool ok = ra == rb && a.len == b.len && (a.len == 0 || !memcmp(a.data, b.data, a.len));
  if (!ok) fprintf(stderr, "cursor: path of %zu nibbles: rc %d/%d len %zu/%zu\n", n, ra, rb, a.len, b.len);
  *found += ra == 0;
  *embedded_or_inside += ra == ETHC_ERR_NOT_FOUND;
  bytes_buf_free(&a);
  bytes_buf_free(&b);
  return ok;
}

static void test_cursor(size_t keys_n) {
  mem_store_t m = {0};
  uint8_t(*ks)[32] = calloc(keys_n, 32), r[32];
  random_trie(&m, keys_n, ks, r);
  count_store_t cs = {.m = &m};
  trie_store_t st = mem_store_as_store(&m), counted = {.ctx = &cs, .get = count_get};
  size_t asked = 0, same = 0, found = 0, none = 0;
  uint64_t shared_reads = 0, per_path_reads = 0;
  trie_node_cursor_t c;
  trie_node_cursor_init(&c, r, &counted);
  for (size_t round = 0; round < 200; round++) {
    uint8_t nib[80], k[32];
    if (round % 4 == 3)
      for (int j = 0; j < 32; j++) k[j] = (uint8_t)next_rand(); /* absent keys too */
    else memcpy(k, ks[next_rand() % keys_n], 32);
    key_nibbles_of(k, nib);
    /* a light client's request: successive prefixes from some depth on */
    size_t from = next_rand() % 8, len = 1 + next_rand() % 20;
    uint64_t before = cs.reads;
    for (size_t d = from; d < from + len && d <= 80; d++, asked++)
      same += same_answer(&c, r, &st, nib, d, &found, &none);
    shared_reads += cs.reads - before;
    for (size_t d = from; d < from + len && d <= 80; d++) {
      bytes_buf_t b = {0};
      before = cs.reads;
      trie_node_at_path(r, &counted, nib, d, &b);
      per_path_reads += cs.reads - before;
      bytes_buf_free(&b);
    }
    /* then paths in random order and lengths: shorter, deeper, of other keys, far beyond a key */
    for (int q = 0; q < 6; q++, asked++) {
      size_t n = next_rand() % 81;
      if (q == 5) memcpy(k, ks[next_rand() % keys_n], 32), key_nibbles_of(k, nib);
      same += same_answer(&c, r, &st, nib, n, &found, &none);
    }
  }
  CHECK_MSG(same == asked, "cursor over %zu keys: %zu of %zu answers as per path", keys_n, same, asked);
  CHECK_MSG(found > 100 && none > asked / 10, "cursor over %zu keys: %zu nodes, %zu empty of %zu", keys_n, found, none,
            asked);
  CHECK_MSG(shared_reads * 3 < per_path_reads, "cursor over %zu keys: %llu reads shared, %llu per path", keys_n,
            (unsigned long long)shared_reads, (unsigned long long)per_path_reads);
  CHECK(c.reads == cs.reads - per_path_reads);
  /* a root the store lacks: MISSING_NODE every time, then a fresh cursor over the real root works */
  uint8_t other[32];
  memset(other, 0x5a, 32);
  trie_node_cursor_t miss;
  trie_node_cursor_init(&miss, other, &st);
  bytes_buf_t o = {0};
  CHECK(trie_node_cursor_get(&miss, NULL, 0, &o) == ETHC_ERR_MISSING_NODE && o.len == 0);
  CHECK(trie_node_cursor_get(&miss, (const uint8_t[1]){3}, 1, &o) == ETHC_ERR_MISSING_NODE && o.len == 0);
  trie_node_cursor_free(&miss);
  trie_node_cursor_free(&c);
  bytes_buf_free(&o);
  free(ks);
  mem_store_free(&m);
}

/* The cursor on the fixed trie: a node missing from the store below a kept
 * path is reported, and the walk reads it again once it is there. */
static void test_cursor_missing(void) {
  trie_store_t full = mem_store_as_store(&store);
  bytes_buf_t n1 = {0}, got = {0};
  CHECK(node_at(keys[N], 1, &n1) == 0 || node_at(keys[N], 2, &n1) == 0);
  uint8_t h[32], nib[80];
  keccak256(n1.data, n1.len, h);
  mem_node_t *e = mem_store_find(&store, h);
  CHECK(e != NULL);
  key_nibbles_of(keys[N], nib);
  trie_node_cursor_t c;
  trie_node_cursor_init(&c, root, &full);
  CHECK(trie_node_cursor_get(&c, nib, 0, &got) == 0 && got.len > 0);
  if (e) {
    uint8_t saved = e->hash[0];
    e->hash[0] ^= 0xff; /* hidden from lookups by hash */
    got.len = 0;
    CHECK(trie_node_cursor_get(&c, nib, 64, &got) == ETHC_ERR_MISSING_NODE && got.len == 0);
    e->hash[0] = saved;
    bytes_buf_t want = {0};
    CHECK(trie_node_cursor_get(&c, nib, 64, &got) == trie_node_at_path(root, &full, nib, 64, &want));
    CHECK(got.len == want.len);
    bytes_buf_free(&want);
  }
  trie_node_cursor_free(&c);
  bytes_buf_free(&n1);
  bytes_buf_free(&got);
}

int main(void) {
  build();
  test_present_absent();
  test_compact();
  test_missing_and_answers(keys[3], "a shallow key");
  test_missing_and_answers(keys[N], "a deep key");
  test_missing_and_answers(keys[N + 1], "a deep key (nibble 60)");
  test_cursor_missing();
  test_cursor(3);
  test_cursor(40);
  test_cursor(700);
  mem_store_free(&store);
  return check_summary();
}
