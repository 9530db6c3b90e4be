/* Unit tests for the EIP-1186 proof verifier (src/trie/trie_proof.c, Yellow Paper
 * appendix D) against hostile proofs: hand-built nodes that are malformed,
 * non-canonical, mis-referenced or padded must be rejected, and every edge of a
 * real proof (prefix keys, empty key, empty trie, embedded nodes) must verify. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

#define K(s) (const uint8_t *)(s), strlen(s)

static int verify1(const uint8_t root[32], const uint8_t *key, size_t key_len, const bytes_buf_t *node,
                   bytes_view_t *v) {
  bytes_view_t n = bytes_view(node->data, node->len);
  return trie_verify_proof(root, key, key_len, &n, 1, v);
}

/* RLP list of `n` items given as raw encodings. */
static void put_list(bytes_buf_t *b, const bytes_buf_t *items, size_t n) {
  size_t start = rlp_list_begin(b);
  for (size_t i = 0; i < n; i++) rlp_put_raw(b, items[i].data, items[i].len);
  rlp_list_end(b, start);
}

static void put_str(bytes_buf_t *b, const void *d, size_t n) { rlp_put_bytes(b, d, n); }

static void clear(bytes_buf_t *items, size_t n) {
  for (size_t i = 0; i < n; i++) items[i].len = 0;
}

static void free_all(bytes_buf_t *items, size_t n) {
  for (size_t i = 0; i < n; i++) bytes_buf_free(&items[i]);
}

static void test_empty_root(void) {
  bytes_view_t v;
  bytes_view_t n80 = bytes_view((const uint8_t *)"\x80", 1), nc0 = bytes_view((const uint8_t *)"\xc0", 1);
  bytes_view_t two[2] = {n80, n80};
  CHECK(trie_verify_proof(TRIE_EMPTY_ROOT, K("a"), NULL, 0, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_verify_proof(TRIE_EMPTY_ROOT, K("a"), &n80, 1, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_verify_proof(TRIE_EMPTY_ROOT, K("a"), &nc0, 1, &v) == ETHC_ERR_INVALID);
  CHECK(trie_verify_proof(TRIE_EMPTY_ROOT, K("a"), two, 2, &v) == ETHC_ERR_INVALID);
  /* a non-empty root with no nodes */
  uint8_t root[32];
  memset(root, 0x11, 32);
  CHECK(trie_verify_proof(root, K("a"), NULL, 0, &v) == ETHC_ERR_INVALID);
  CHECK(trie_verify_proof(root, NULL, 0, NULL, 0, &v) == ETHC_ERR_INVALID);
  /* empty and NULL node views */
  bytes_view_t nul = {NULL, 0};
  CHECK(trie_verify_proof(root, K("a"), &nul, 1, &v) == ETHC_ERR_INVALID);
  CHECK(trie_verify_proof(TRIE_EMPTY_ROOT, K("a"), &nul, 1, &v) == ETHC_ERR_INVALID);
  CHECK(trie_verify_secure_proof(root, NULL, 0, &nul, 1, &v) == ETHC_ERR_INVALID);
}

/* Real proofs: one small leaf (root under 32 bytes), prefix keys with a branch
 * value, the empty key, and absent keys shorter/longer than the stored ones. */
static void test_real_edges(void) {
  trie_t t;
  trie_init(&t, false);
  uint8_t root[32];
  trie_proof_t pr = {0};
  bytes_view_t v;
  CHECK(trie_put(&t, K("abc"), K("v")) == 0);
  CHECK(trie_root(&t, root) == 0);
  CHECK(trie_prove(&t, K("abc"), &pr) == 0 && pr.count == 1 && pr.nodes[0].len < 32);
  CHECK(trie_verify_proof(root, K("abc"), pr.nodes, pr.count, &v) == 0 && v.len == 1 && v.data[0] == 'v');
  CHECK(trie_verify_proof(root, K("abd"), pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_verify_proof(root, K("ab"), pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_verify_proof(root, K("abcd"), pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_verify_proof(root, NULL, 0, pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);

  /* "a" is a prefix of "ab" and "abc": its value sits in a branch */
  CHECK(trie_put(&t, K("a"), K("first")) == 0);
  CHECK(trie_put(&t, K("ab"), K("second value, long enough to be hashed")) == 0);
  CHECK(trie_put(&t, K(""), K("empty key")) == 0);
  CHECK(trie_root(&t, root) == 0);
  const char *keys[] = {"", "a", "ab", "abc"};
  const char *vals[] = {"empty key", "first", "second value, long enough to be hashed", "v"};
  for (int i = 0; i < 4; i++) {
    CHECK(trie_prove(&t, K(keys[i]), &pr) == 0);
    int rc = trie_verify_proof(root, K(keys[i]), pr.nodes, pr.count, &v);
    CHECK_MSG(rc == 0 && v.len == strlen(vals[i]) && memcmp(v.data, vals[i], v.len) == 0, "key '%s' rc %d", keys[i],
              rc);
  }
  const char *absent[] = {"b", "aa", "abcd", "abca", "zz"};
  for (int i = 0; i < 5; i++) {
    CHECK(trie_prove(&t, K(absent[i]), &pr) == 0);
    CHECK_MSG(trie_verify_proof(root, K(absent[i]), pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND, "absent %d", i);
  }
  /* a proof for one key used for another never lies */
  CHECK(trie_prove(&t, K("abc"), &pr) == 0);
  int rc = trie_verify_proof(root, K("ab"), pr.nodes, pr.count, &v);
  CHECK(rc == ETHC_ERR_INVALID || (rc == 0 && v.len == strlen(vals[2])));
  trie_proof_free(&pr);
  trie_free(&t);
}

/* Hand-built nodes: every malformed or non-canonical shape is rejected. */
static void test_hostile_nodes(void) {
  bytes_buf_t it[17] = {{0}}, node = {0}, child = {0};
  uint8_t root[32];
  bytes_view_t v;
  const uint8_t key[1] = {0x12};

  /* a well-formed leaf for key 0x12 (HP 0x20 0x12) as the baseline */
  clear(it, 2);
  put_str(&it[0], "\x20\x12", 2);
  put_str(&it[1], "val", 3);
  node.len = 0;
  put_list(&node, it, 2);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == 0 && v.len == 3);

  /* leaf with an empty value */
  it[1].len = 0;
  put_str(&it[1], "", 0);
  node.len = 0;
  put_list(&node, it, 2);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);

  /* leaf whose value is a list */
  it[1].len = 0;
  put_list(&it[1], NULL, 0);
  node.len = 0;
  put_list(&node, it, 2);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);

  /* HP flags: 4 (unknown), and an even flag with a nonzero padding nibble */
  const char *bad_hp[] = {"\x40\x12", "\x21\x12", "\x01\x12"};
  for (int i = 0; i < 3; i++) {
    clear(it, 2);
    put_str(&it[0], bad_hp[i], 2);
    put_str(&it[1], "val", 3);
    node.len = 0;
    put_list(&node, it, 2);
    keccak256(node.data, node.len, root);
    CHECK_MSG(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID, "hp %d", i);
  }
  /* an empty HP path string, and an extension (flag 0) with no nibbles */
  clear(it, 2);
  put_str(&it[0], "", 0);
  put_str(&it[1], "val", 3);
  node.len = 0;
  put_list(&node, it, 2);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);
  clear(it, 2);
  put_str(&it[0], "\x00", 1);
  uint8_t h[32] = {1};
  put_str(&it[1], h, 32);
  node.len = 0;
  put_list(&node, it, 2);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);

  /* node lists of the wrong size, and a string node */
  for (size_t n = 0; n <= 17; n++) {
    if (n == 2 || n == 17) continue;
    clear(it, 17);
    for (size_t i = 0; i < n; i++) put_str(&it[i], "", 0);
    node.len = 0;
    put_list(&node, it, n);
    keccak256(node.data, node.len, root);
    CHECK_MSG(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID, "list of %zu", n);
  }
  node.len = 0;
  put_str(&node, "\x20\x12", 2);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);

  /* branch: a child that is a 5-byte string, a value that is a list */
  clear(it, 17);
  for (int i = 0; i < 17; i++) put_str(&it[i], "", 0);
  it[3].len = 0;
  put_str(&it[3], "abcde", 5);
  node.len = 0;
  put_list(&node, it, 17);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);
  clear(it, 17);
  for (int i = 0; i < 16; i++) put_str(&it[i], "", 0);
  put_list(&it[16], NULL, 0);
  node.len = 0;
  put_list(&node, it, 17);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, NULL, 0, &node, &v) == ETHC_ERR_INVALID);

  /* branch whose child 1 is a short leaf given by hash instead of embedded */
  clear(it, 17);
  bytes_buf_t leaf_items[2] = {{0}};
  put_str(&leaf_items[0], "\x32", 1); /* leaf, odd, nibble 2 */
  put_str(&leaf_items[1], "val", 3);
  child.len = 0;
  put_list(&child, leaf_items, 2);
  CHECK(child.len < 32);
  uint8_t ch[32];
  keccak256(child.data, child.len, ch);
  for (int i = 0; i < 17; i++) put_str(&it[i], "", 0);
  it[1].len = 0;
  put_str(&it[1], ch, 32);
  node.len = 0;
  put_list(&node, it, 17);
  keccak256(node.data, node.len, root);
  bytes_view_t two[2] = {bytes_view(node.data, node.len), bytes_view(child.data, child.len)};
  CHECK(trie_verify_proof(root, key, 1, two, 2, &v) == ETHC_ERR_INVALID);
  /* the same child embedded is fine */
  it[1].len = 0;
  rlp_put_raw(&it[1], child.data, child.len);
  node.len = 0;
  put_list(&node, it, 17);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == 0 && v.len == 3 && memcmp(v.data, "val", 3) == 0);
  /* ... but not with an unused extra node after it */
  two[0] = bytes_view(node.data, node.len);
  CHECK(trie_verify_proof(root, key, 1, two, 2, &v) == ETHC_ERR_INVALID);
  /* an embedded child of 32 bytes or more must have been hashed */
  leaf_items[1].len = 0;
  put_str(&leaf_items[1], "a value that makes the leaf long", 32);
  child.len = 0;
  put_list(&child, leaf_items, 2);
  CHECK(child.len >= 32);
  it[1].len = 0;
  rlp_put_raw(&it[1], child.data, child.len);
  node.len = 0;
  put_list(&node, it, 17);
  keccak256(node.data, node.len, root);
  CHECK(verify1(root, key, 1, &node, &v) == ETHC_ERR_INVALID);

  /* non-canonical RLP: the baseline leaf with a long-form list header */
  clear(it, 2);
  put_str(&it[0], "\x20\x12", 2);
  put_str(&it[1], "val", 3);
  node.len = 0;
  put_list(&node, it, 2);
  bytes_buf_t nc = {0};
  bytes_buf_push(&nc, 0xf8);
  bytes_buf_push(&nc, (uint8_t)(node.len - 1));
  bytes_buf_append(&nc, node.data + 1, node.len - 1);
  keccak256(nc.data, nc.len, root);
  CHECK(verify1(root, key, 1, &nc, &v) == ETHC_ERR_INVALID);
  /* trailing bytes after the node */
  nc.len = 0;
  bytes_buf_append(&nc, node.data, node.len);
  bytes_buf_push(&nc, 0x80);
  keccak256(nc.data, nc.len, root);
  CHECK(verify1(root, key, 1, &nc, &v) == ETHC_ERR_INVALID);

  bytes_buf_free(&nc);
  free_all(leaf_items, 2);
  free_all(it, 17);
  bytes_buf_free(&node);
  bytes_buf_free(&child);
}

/* A larger secure trie: every proof verifies; every single-byte flip, dropped,
 * reordered or duplicated node of one proof is rejected. */
static void test_tamper_all(void) {
  trie_t t;
  trie_init(&t, true);
  uint8_t key[8], val[64], root[32];
  for (unsigned i = 0; i < 300; i++) {
    memcpy(key, &i, sizeof i);
    memset(key + 4, 0, 4);
    for (unsigned j = 0; j < sizeof val; j++) val[j] = (uint8_t)(i * 31 + j);
    CHECK(trie_put(&t, key, 8, val, 1 + i % 64) == 0);
  }
  CHECK(trie_root(&t, root) == 0);
  trie_proof_t pr = {0};
  bytes_view_t v;
  int bad = 0;
  for (unsigned i = 0; i < 300; i++) {
    memcpy(key, &i, sizeof i);
    memset(key + 4, 0, 4);
    if (trie_prove(&t, key, 8, &pr) || trie_verify_secure_proof(root, key, 8, pr.nodes, pr.count, &v) ||
        v.len != 1 + i % 64 || v.data[0] != (uint8_t)(i * 31))
      bad++;
  }
  CHECK_MSG(bad == 0, "%d bad proofs", bad);
  unsigned i = 7;
  memcpy(key, &i, sizeof i);
  CHECK(trie_prove(&t, key, 8, &pr) == 0 && pr.count >= 3);
  bytes_view_t *nodes = malloc((pr.count + 1) * sizeof *nodes);
  int accepted = 0;
  for (size_t n = 0; n < pr.count; n++) {
    uint8_t *copy = malloc(pr.nodes[n].len);
    for (size_t b = 0; b < pr.nodes[n].len; b++) {
      for (int bit = 0; bit < 8; bit += 3) {
        memcpy(nodes, pr.nodes, pr.count * sizeof *nodes);
        memcpy(copy, pr.nodes[n].data, pr.nodes[n].len);
        copy[b] ^= (uint8_t)(1u << bit);
        nodes[n] = bytes_view(copy, pr.nodes[n].len);
        if (trie_verify_secure_proof(root, key, 8, nodes, pr.count, &v) != ETHC_ERR_INVALID) accepted++;
      }
    }
    free(copy);
  }
  CHECK_MSG(accepted == 0, "%d tampered proofs accepted", accepted);
  memcpy(nodes, pr.nodes, pr.count * sizeof *nodes);
  CHECK(trie_verify_secure_proof(root, key, 8, nodes, pr.count - 1, &v) == ETHC_ERR_INVALID);
  nodes[pr.count] = pr.nodes[pr.count - 1];
  CHECK(trie_verify_secure_proof(root, key, 8, nodes, pr.count + 1, &v) == ETHC_ERR_INVALID);
  nodes[0] = pr.nodes[1];
  nodes[1] = pr.nodes[0];
  CHECK(trie_verify_secure_proof(root, key, 8, nodes, pr.count, &v) == ETHC_ERR_INVALID);
  /* the path key itself (unhashed) against the secure trie: never a value */
  int rc = trie_verify_proof(root, key, 8, pr.nodes, pr.count, &v);
  CHECK(rc == ETHC_ERR_INVALID || rc == ETHC_ERR_NOT_FOUND);
  free(nodes);
  trie_proof_free(&pr);
  trie_free(&t);
}

int main(void) {
  test_empty_root();
  test_real_edges();
  test_hostile_nodes();
  test_tamper_all();
  return check_summary();
}
