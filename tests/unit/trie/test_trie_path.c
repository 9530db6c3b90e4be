/* Unit tests of the key path walker (src/trie/trie_path.c) against tries built
 * here: present and absent keys (an empty slot, a diverging leaf or
 * extension), deep paths, a missing node named with its depth and hash, the
 * compact paths a GetTrieNodes request carries, and answers that complete the
 * walk in one go, or carry a tampered node or a node of another path. */
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
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

int main(void) {
  build();
  test_present_absent();
  test_compact();
  test_missing_and_answers(keys[3], "a shallow key");
  test_missing_and_answers(keys[N], "a deep key");
  test_missing_and_answers(keys[N + 1], "a deep key (nibble 60)");
  mem_store_free(&store);
  return check_summary();
}
