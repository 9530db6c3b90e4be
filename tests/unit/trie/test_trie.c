/* Unit tests for src/trie (Yellow Paper appendix D, EIP-1186): known roots,
 * randomized insert/delete against the one-shot builder, proofs (valid, tampered,
 * absent key, truncated, reordered), ordered iteration and the node store. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static int hex_eq(const uint8_t h[32], const char *hex) {
  uint8_t w[32];
  return hex_decode_fixed(hex, true, w, 32) == 0 && memcmp(h, w, 32) == 0;
}

static int put_s(trie_t *t, const char *k, const char *v) {
  return trie_put(t, (const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v));
}

/* reference model: a small array of pairs */
typedef struct {
  uint8_t key[6];
  size_t key_len;
  uint8_t val[40];
  size_t val_len;
  int live;
} ref_t;

static int store_puts;
static int store_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t len) {
  uint8_t h[32];
  keccak256(rlp, len, h);
  if (memcmp(h, hash, 32) != 0) return ETHC_ERR_INVALID;
  store_puts++;
  return 0;
}

static int count_cb(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) {
  bytes_buf_t *prev = ctx;
  /* keys must come in strictly ascending order */
  size_t m = prev->len < kl ? prev->len : kl;
  int c = m ? memcmp(prev->data, k, m) : 0;
  if (prev->cap && !(c < 0 || (c == 0 && prev->len < kl))) return 99;
  prev->len = 0;
  bytes_buf_append(prev, k, kl);
  if (!prev->cap) bytes_buf_reserve(prev, 1);
  return 0;
}

/* A node store that keeps the hashes it was given (up to 8192). */
typedef struct {
  uint8_t (*h)[32];
  size_t n;
} hashset_t;

static int set_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t len) {
  hashset_t *s = ctx;
  uint8_t h[32];
  keccak256(rlp, len, h);
  if (memcmp(h, hash, 32) != 0) return ETHC_ERR_INVALID;
  for (size_t i = 0; i < s->n; i++)
    if (memcmp(s->h[i], hash, 32) == 0) return 0;
  if (s->n == 8192) return ETHC_ERR_NOMEM;
  memcpy(s->h[s->n++], hash, 32);
  return 0;
}

static bool set_has_all(const hashset_t *all, const hashset_t *sub) {
  for (size_t i = 0; i < sub->n; i++) {
    bool found = false;
    for (size_t j = 0; j < all->n && !found; j++) found = memcmp(all->h[j], sub->h[i], 32) == 0;
    if (!found) return false;
  }
  return true;
}

/* trie_commit_new writes only what changed, yet the store ends up with every node
 * of the current trie; a clone has the same root, and changing it leaves the
 * original alone. */
static void test_incremental_commit_and_clone(void) {
  trie_t t;
  trie_init(&t, true);
  uint8_t key[32], val[8];
  for (int i = 0; i < 400; i++) {
    memset(key, 0, 32);
    key[31] = (uint8_t)i, key[30] = (uint8_t)(i >> 8);
    uint64_t r = rnd();
    memcpy(val, &r, 8);
    CHECK(trie_put(&t, key, 32, val, 8) == 0);
  }
  hashset_t inc = {malloc(8192 * 32), 0}, full = {malloc(8192 * 32), 0};
  trie_store_t inc_store = {&inc, set_put, NULL}, full_store = {&full, set_put, NULL};
  uint8_t r1[32], r2[32];
  CHECK(trie_commit_new(&t, &inc_store, r1) == 0);
  size_t first = inc.n;
  CHECK(trie_commit(&t, &full_store, r2) == 0 && memcmp(r1, r2, 32) == 0 && full.n == first && first > 400);
  CHECK(trie_commit_new(&t, &inc_store, r1) == 0 && inc.n == first); /* nothing new */

  trie_t c;
  CHECK(trie_clone(&t, &c) == 0);
  CHECK(trie_root(&c, r2) == 0 && memcmp(r1, r2, 32) == 0 && c.count == t.count);

  /* change 10 keys, delete 5, add 5 */
  for (int i = 0; i < 20; i++) {
    memset(key, 0, 32);
    key[31] = (uint8_t)(i * 17), key[30] = (uint8_t)(i < 15 ? 0 : 2);
    if (i < 10) CHECK(trie_put(&t, key, 32, (const uint8_t *)"changed!", 8) == 0);
    else if (i < 15) CHECK(trie_delete(&t, key, 32) == 0);
    else CHECK(trie_put(&t, key, 32, (const uint8_t *)"new one!", 8) == 0);
  }
  size_t before = inc.n;
  CHECK(trie_commit_new(&t, &inc_store, r1) == 0);
  CHECK_MSG(inc.n - before < first / 4, "%zu new nodes after 20 changes (first commit %zu)", inc.n - before, first);
  full.n = 0;
  CHECK(trie_commit(&t, &full_store, r2) == 0 && memcmp(r1, r2, 32) == 0);
  CHECK(set_has_all(&inc, &full));

  /* the clone still has the old root; changed the same way it reaches the same one */
  uint8_t rc[32];
  CHECK(trie_root(&c, rc) == 0 && memcmp(rc, r1, 32) != 0);
  for (int i = 0; i < 20; i++) {
    memset(key, 0, 32);
    key[31] = (uint8_t)(i * 17), key[30] = (uint8_t)(i < 15 ? 0 : 2);
    if (i < 10) trie_put(&c, key, 32, (const uint8_t *)"changed!", 8);
    else if (i < 15) trie_delete(&c, key, 32);
    else trie_put(&c, key, 32, (const uint8_t *)"new one!", 8);
  }
  CHECK(trie_root(&c, rc) == 0 && memcmp(rc, r1, 32) == 0 && c.count == t.count);
  trie_t empty, e2;
  trie_init(&empty, false);
  CHECK(trie_clone(&empty, &e2) == 0 && e2.root == NULL);
  trie_free(&c);
  trie_free(&t);
  free(inc.h);
  free(full.h);
}

int main(void) {
  test_incremental_commit_and_clone();
  uint8_t root[32], r2[32];

  /* ---- known roots ---- */
  trie_t t;
  trie_init(&t, false);
  CHECK(trie_root(&t, root) == 0 && memcmp(root, TRIE_EMPTY_ROOT, 32) == 0);
  CHECK(hex_eq(TRIE_EMPTY_ROOT, "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"));
  CHECK(trie_root_of(NULL, 0, root) == 0 && memcmp(root, TRIE_EMPTY_ROOT, 32) == 0);
  put_s(&t, "doe", "reindeer");
  put_s(&t, "dog", "puppy");
  put_s(&t, "dogglesworth", "cat");
  CHECK(t.count == 3);
  CHECK(trie_root(&t, root) == 0 && hex_eq(root, "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3"));
  {
    trie_kv_t kv[3] = {{(const uint8_t *)"dogglesworth", 12, (const uint8_t *)"cat", 3},
                       {(const uint8_t *)"doe", 3, (const uint8_t *)"reindeer", 8},
                       {(const uint8_t *)"dog", 3, (const uint8_t *)"puppy", 5}};
    CHECK(trie_root_of_sorted(kv, 3, r2) == ETHC_ERR_INVALID); /* not sorted */
    CHECK(trie_root_of(kv, 3, r2) == 0 && memcmp(root, r2, 32) == 0);
    trie_kv_t dup[2] = {kv[0], kv[0]};
    CHECK(trie_root_of(dup, 2, r2) == ETHC_ERR_INVALID);
    trie_kv_t withempty[4] = {kv[0], kv[1], kv[2], {(const uint8_t *)"zzz", 3, NULL, 0}};
    CHECK(trie_root_of(withempty, 4, r2) == 0 && memcmp(root, r2, 32) == 0);
    /* secure */
    CHECK(trie_secure_root_of(kv, 3, r2) == 0 &&
          hex_eq(r2, "0xd4cd937e4a4368d7931a9cf51686b7e10abb3dce38a39000fd7902a092b64585"));
    trie_t s;
    trie_init(&s, true);
    for (int i = 0; i < 3; i++) trie_put(&s, kv[i].key, kv[i].key_len, kv[i].value, kv[i].value_len);
    CHECK(trie_root(&s, root) == 0 && memcmp(root, r2, 32) == 0);
    bytes_view_t v;
    CHECK(trie_get(&s, (const uint8_t *)"dog", 3, &v) == 0 && v.len == 5 && memcmp(v.data, "puppy", 5) == 0);
    trie_free(&s);
  }
  bytes_view_t v;
  CHECK(trie_get(&t, (const uint8_t *)"dog", 3, &v) == 0 && v.len == 5 && memcmp(v.data, "puppy", 5) == 0);
  CHECK(trie_get(&t, (const uint8_t *)"do", 2, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_get(&t, (const uint8_t *)"dogg", 4, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_get(&t, (const uint8_t *)"", 0, &v) == ETHC_ERR_NOT_FOUND);
  /* empty value deletes; deleting the absent is fine */
  CHECK(trie_put(&t, (const uint8_t *)"dog", 3, (const uint8_t *)"", 0) == 0 && t.count == 2);
  CHECK(trie_delete(&t, (const uint8_t *)"nope", 4) == 0 && t.count == 2);
  CHECK(trie_delete(&t, (const uint8_t *)"doe", 3) == 0 && trie_delete(&t, (const uint8_t *)"dogglesworth", 12) == 0);
  CHECK(t.count == 0 && t.root == NULL && trie_root(&t, root) == 0 && memcmp(root, TRIE_EMPTY_ROOT, 32) == 0);
  /* the empty key */
  CHECK(trie_put(&t, (const uint8_t *)"", 0, (const uint8_t *)"x", 1) == 0 && trie_get(&t, NULL, 0, &v) == 0);
  put_s(&t, "a", "y");
  CHECK(trie_get(&t, (const uint8_t *)"", 0, &v) == 0 && v.len == 1 && v.data[0] == 'x');
  trie_clear(&t);

  /* ordered root (tx trie keys RLP(i)) against a hand-built trie */
  {
    bytes_view_t items[200];
    uint8_t data[200][3];
    trie_t o;
    trie_init(&o, false);
    for (int i = 0; i < 200; i++) {
      data[i][0] = (uint8_t)i;
      data[i][1] = 0xaa;
      data[i][2] = (uint8_t)(i * 7);
      items[i] = bytes_view(data[i], 3);
      bytes_buf_t kb = {0};
      rlp_put_u64(&kb, (uint64_t)i);
      trie_put(&o, kb.data, kb.len, data[i], 3);
      bytes_buf_free(&kb);
      CHECK(trie_ordered_root(items, (size_t)i + 1, r2) == 0 && trie_root(&o, root) == 0 && memcmp(root, r2, 32) == 0);
    }
    CHECK(trie_ordered_root(items, 0, r2) == 0 && memcmp(r2, TRIE_EMPTY_ROOT, 32) == 0);
    trie_free(&o);
  }

  /* ---- randomized: incremental trie vs one-shot builder ---- */
  enum { NREF = 300 };
  static ref_t ref[NREF];
  for (int round = 0; round < 4; round++) {
    trie_t rt;
    trie_init(&rt, round & 1);
    memset(ref, 0, sizeof ref);
    for (int i = 0; i < NREF; i++) {
      ref[i].key_len = 1 + rnd() % (round < 2 ? 3 : 6); /* short keys: many shared prefixes */
      for (size_t j = 0; j < ref[i].key_len; j++) ref[i].key[j] = (uint8_t)(rnd() % (round < 2 ? 4 : 256));
    }
    int mismatches = 0;
    for (int step = 0; step < 3000; step++) {
      ref_t *e = &ref[rnd() % NREF];
      if (rnd() % 3 == 0) {
        trie_delete(&rt, e->key, e->key_len);
        for (int i = 0; i < NREF; i++) /* keys may repeat in ref: keep every copy in sync */
          if (ref[i].key_len == e->key_len && memcmp(ref[i].key, e->key, e->key_len) == 0) ref[i].live = 0;
      } else {
        uint8_t val[40];
        size_t vl = 1 + rnd() % 40;
        for (size_t j = 0; j < vl; j++) val[j] = (uint8_t)rnd();
        trie_put(&rt, e->key, e->key_len, val, vl);
        for (int i = 0; i < NREF; i++)
          if (ref[i].key_len == e->key_len && memcmp(ref[i].key, e->key, e->key_len) == 0) {
            ref[i].live = 1;
            memcpy(ref[i].val, val, vl);
            ref[i].val_len = vl;
          }
      }
      if (step % 50 == 0 || step == 2999) {
        trie_kv_t kv[NREF];
        size_t n = 0;
        for (int i = 0; i < NREF; i++) {
          if (!ref[i].live) continue;
          bool dup = false;
          for (size_t k = 0; k < n && !dup; k++)
            dup = kv[k].key_len == ref[i].key_len && memcmp(kv[k].key, ref[i].key, ref[i].key_len) == 0;
          if (!dup) kv[n++] = (trie_kv_t){ref[i].key, ref[i].key_len, ref[i].val, ref[i].val_len};
        }
        int rc = (round & 1) ? trie_secure_root_of(kv, n, r2) : trie_root_of(kv, n, r2);
        trie_root(&rt, root);
        if (rc || memcmp(root, r2, 32) != 0 || rt.count != n) mismatches++;
        for (size_t k = 0; k < n; k++) {
          if (trie_get(&rt, kv[k].key, kv[k].key_len, &v) != 0 || v.len != kv[k].value_len ||
              memcmp(v.data, kv[k].value, v.len) != 0)
            mismatches++;
        }
      }
    }
    CHECK_MSG(mismatches == 0, "round %d: %d mismatches", round, mismatches);

    /* proofs for every reference key, present or absent */
    trie_root(&rt, root);
    int bad = 0;
    for (int i = 0; i < NREF; i++) {
      trie_proof_t pr = {0};
      bool present = trie_get(&rt, ref[i].key, ref[i].key_len, &v) == 0;
      if (trie_prove(&rt, ref[i].key, ref[i].key_len, &pr)) {
        bad++;
        continue;
      }
      bytes_view_t pv;
      int rc = (round & 1) ? trie_verify_secure_proof(root, ref[i].key, ref[i].key_len, pr.nodes, pr.count, &pv)
                           : trie_verify_proof(root, ref[i].key, ref[i].key_len, pr.nodes, pr.count, &pv);
      if (present ? (rc != 0 || pv.len != v.len || memcmp(pv.data, v.data, v.len) != 0) : rc != ETHC_ERR_NOT_FOUND)
        bad++;
      trie_proof_free(&pr);
    }
    CHECK_MSG(bad == 0, "round %d: %d bad proofs", round, bad);

    /* foreach is ordered and complete; commit writes hash-consistent nodes */
    bytes_buf_t prev = {0};
    CHECK(trie_foreach(&rt, count_cb, &prev) == 0);
    bytes_buf_free(&prev);
    trie_store_t st = {NULL, store_put, NULL};
    store_puts = 0;
    CHECK(trie_commit(&rt, &st, r2) == 0 && memcmp(r2, root, 32) == 0 && (rt.count == 0 || store_puts >= 1));

    /* delete everything: back to the empty root */
    for (int i = 0; i < NREF; i++) trie_delete(&rt, ref[i].key, ref[i].key_len);
    CHECK(rt.count == 0 && rt.root == NULL);
    trie_root(&rt, root);
    CHECK(memcmp(root, TRIE_EMPTY_ROOT, 32) == 0);
    trie_free(&rt);
  }

  /* ---- proofs: tampering ---- */
  {
    trie_t p;
    trie_init(&p, true);
    uint8_t key[20], val[70];
    for (int i = 0; i < 500; i++) {
      memset(key, 0, 20);
      key[0] = (uint8_t)i;
      key[1] = (uint8_t)(i >> 8);
      memset(val, (uint8_t)(i + 1), sizeof val);
      trie_put(&p, key, 20, val, sizeof val);
    }
    trie_root(&p, root);
    memset(key, 0, 20);
    key[0] = 42;
    trie_proof_t pr = {0};
    CHECK(trie_prove(&p, key, 20, &pr) == 0 && pr.count >= 3);
    CHECK(trie_verify_secure_proof(root, key, 20, pr.nodes, pr.count, &v) == 0 && v.len == 70 && v.data[0] == 43);
    /* wrong root */
    uint8_t badroot[32];
    memcpy(badroot, root, 32);
    badroot[5] ^= 1;
    CHECK(trie_verify_secure_proof(badroot, key, 20, pr.nodes, pr.count, &v) == ETHC_ERR_INVALID);
    /* flip a byte in each node in turn */
    int accepted = 0;
    for (size_t i = 0; i < pr.count; i++) {
      for (size_t off = 0; off < pr.nodes[i].len; off += 7) {
        uint8_t *b = (uint8_t *)pr.nodes[i].data + off;
        *b ^= 0x10;
        if (trie_verify_secure_proof(root, key, 20, pr.nodes, pr.count, &v) != ETHC_ERR_INVALID) accepted++;
        *b ^= 0x10;
      }
    }
    CHECK_MSG(accepted == 0, "%d tampered proofs accepted", accepted);
    /* truncated, extra node, reordered, empty */
    CHECK(trie_verify_secure_proof(root, key, 20, pr.nodes, pr.count - 1, &v) == ETHC_ERR_INVALID);
    bytes_view_t more[64];
    memcpy(more, pr.nodes, pr.count * sizeof *more);
    more[pr.count] = pr.nodes[0];
    CHECK(trie_verify_secure_proof(root, key, 20, more, pr.count + 1, &v) == ETHC_ERR_INVALID);
    bytes_view_t tmp = more[0];
    more[0] = more[1];
    more[1] = tmp;
    CHECK(trie_verify_secure_proof(root, key, 20, more, pr.count, &v) == ETHC_ERR_INVALID);
    CHECK(trie_verify_secure_proof(root, key, 20, NULL, 0, &v) == ETHC_ERR_INVALID);
    /* the proof of one key does not prove another */
    uint8_t other[20] = {43};
    CHECK(trie_verify_secure_proof(root, other, 20, pr.nodes, pr.count, &v) != 0);
    /* garbage node */
    bytes_view_t junk[1] = {bytes_view((const uint8_t *)"\xc0", 1)};
    CHECK(trie_verify_secure_proof(root, key, 20, junk, 1, &v) == ETHC_ERR_INVALID);
    trie_proof_free(&pr);
    /* absent key: exclusion proof verifies, and tampering it fails */
    uint8_t absent[20] = {0xff, 0xff, 0xff};
    CHECK(trie_prove(&p, absent, 20, &pr) == 0 && pr.count >= 1);
    CHECK(trie_verify_secure_proof(root, absent, 20, pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
    ((uint8_t *)pr.nodes[0].data)[pr.nodes[0].len - 3] ^= 1;
    CHECK(trie_verify_secure_proof(root, absent, 20, pr.nodes, pr.count, &v) == ETHC_ERR_INVALID);
    trie_proof_free(&pr);
    /* empty trie */
    trie_t e;
    trie_init(&e, false);
    CHECK(trie_prove(&e, key, 20, &pr) == 0 && pr.count == 0);
    CHECK(trie_verify_proof(TRIE_EMPTY_ROOT, key, 20, pr.nodes, 0, &v) == ETHC_ERR_NOT_FOUND);
    trie_proof_free(&pr);
    trie_free(&e);
    trie_free(&p);
  }
  /* small trie: the root node is below 32 bytes and still listed */
  {
    trie_t s;
    trie_init(&s, false);
    put_s(&s, "a", "b");
    trie_root(&s, root);
    trie_proof_t pr = {0};
    CHECK(trie_prove(&s, (const uint8_t *)"a", 1, &pr) == 0 && pr.count == 1 && pr.nodes[0].len < 32);
    CHECK(trie_verify_proof(root, (const uint8_t *)"a", 1, pr.nodes, pr.count, &v) == 0 && v.len == 1 &&
          v.data[0] == 'b');
    CHECK(trie_verify_proof(root, (const uint8_t *)"b", 1, pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
    CHECK(trie_verify_proof(root, (const uint8_t *)"", 0, pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
    /* embedded children: keys whose nodes are tiny */
    put_s(&s, "ab", "c");
    put_s(&s, "ac", "d");
    trie_root(&s, root);
    CHECK(trie_prove(&s, (const uint8_t *)"ab", 2, &pr) == 0);
    CHECK(trie_verify_proof(root, (const uint8_t *)"ab", 2, pr.nodes, pr.count, &v) == 0 && v.data[0] == 'c');
    CHECK(trie_prove(&s, (const uint8_t *)"a", 1, &pr) == 0);
    CHECK(trie_verify_proof(root, (const uint8_t *)"a", 1, pr.nodes, pr.count, &v) == 0 && v.data[0] == 'b');
    CHECK(trie_prove(&s, (const uint8_t *)"ad", 2, &pr) == 0);
    CHECK(trie_verify_proof(root, (const uint8_t *)"ad", 2, pr.nodes, pr.count, &v) == ETHC_ERR_NOT_FOUND);
    trie_proof_free(&pr);
    trie_free(&s);
  }

  /* ---- ordered access ---- */
  {
    trie_t s;
    trie_init(&s, false);
    put_s(&s, "cat", "1");
    put_s(&s, "doge", "2");
    put_s(&s, "wallace", "3");
    bytes_buf_t k = {0};
    CHECK(trie_next(&s, (const uint8_t *)"", 0, &k, &v) == 0 && k.len == 3 && memcmp(k.data, "cat", 3) == 0 &&
          v.data[0] == '1');
    CHECK(trie_next(&s, (const uint8_t *)"cat", 3, &k, &v) == 0 && k.len == 4 && memcmp(k.data, "doge", 4) == 0);
    CHECK(trie_prev(&s, (const uint8_t *)"catering", 8, &k, &v) == 0 && k.len == 3);
    CHECK(trie_prev(&s, (const uint8_t *)"cat", 3, &k, &v) == ETHC_ERR_NOT_FOUND);
    CHECK(trie_next(&s, (const uint8_t *)"wallace", 7, &k, &v) == ETHC_ERR_NOT_FOUND);
    CHECK(trie_prev(&s, (const uint8_t *)"zzz", 3, &k, &v) == 0 && k.len == 7 && v.data[0] == '3');
    bytes_buf_free(&k);
    trie_free(&s);
  }
  trie_free(&t);
  return check_summary();
}
