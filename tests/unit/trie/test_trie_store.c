/* Unit tests for tries over a node store (Yellow Paper appendix D, EIP-1186):
 * trie_open, trie_read, trie_prove_from_store and the node cache, checked against
 * the in-memory trie on random tries; incremental commits of an opened trie;
 * missing and corrupt nodes reported as errors, never as absent keys. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "trie/mem_store.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* ---- random keys ---- */

/* Flavours: 0 secure trie over 20-byte keys; 1 plain trie over short keys from a
 * 4-letter alphabet (prefix keys: branch values, embedded nodes); 2 plain trie
 * over 32-byte keys. */
enum { SECURE20, SHORT, PLAIN32, FLAVOURS };

typedef struct {
  uint8_t key[32];
  size_t key_len;
} key_t_;

static void rand_key(int flavour, key_t_ *k) {
  if (flavour == SHORT) {
    static const uint8_t alpha[4] = {0x00, 0x01, 0x10, 0xa1};
    k->key_len = rnd() % 6;
    for (size_t i = 0; i < k->key_len; i++) k->key[i] = alpha[rnd() & 3];
  } else {
    k->key_len = flavour == SECURE20 ? 20 : 32;
    for (size_t i = 0; i < k->key_len; i++) k->key[i] = (uint8_t)rnd();
  }
}

static size_t rand_val(uint8_t v[40]) {
  size_t n = 1 + rnd() % 40;
  for (size_t i = 0; i < n; i++) v[i] = (uint8_t)rnd();
  return n;
}

/* ---- comparing an in-memory trie with the stored one ---- */

static int collect(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) {
  bytes_buf_t *b = ctx;
  uint8_t hdr[2] = {(uint8_t)kl, (uint8_t)vl};
  return bytes_buf_append(b, hdr, 2) || bytes_buf_append(b, k, kl) || bytes_buf_append(b, v, vl);
}

static bool same_proof(const trie_proof_t *a, const trie_proof_t *b) {
  if (a->count != b->count) return false;
  for (size_t i = 0; i < a->count; i++)
    if (a->nodes[i].len != b->nodes[i].len || memcmp(a->nodes[i].data, b->nodes[i].data, a->nodes[i].len) != 0)
      return false;
  return true;
}

/* Probes `mem` and the trie stored under `root` with the same keys: get, read,
 * prove (opened, from the store, in memory), next and prev, foreach. */
static void compare(trie_t *mem, const uint8_t root[32], const trie_store_t *store, const key_t_ *keys, size_t nkeys) {
  trie_t op, seq;
  CHECK(trie_open(&op, root, store, mem->secure) == 0);
  CHECK(trie_open(&seq, root, store, mem->secure) == 0);
  bytes_buf_t rv = {0}, k1 = {0}, k2 = {0};
  trie_proof_t p1 = {0}, p2 = {0}, p3 = {0};
  int bad_get = 0, bad_read = 0, bad_proof = 0, bad_seq = 0;
  for (size_t i = 0; i < nkeys; i++) {
    const key_t_ *k = &keys[i];
    bytes_view_t a, b;
    int ra = trie_get(mem, k->key, k->key_len, &a), rb = trie_get(&op, k->key, k->key_len, &b);
    if (ra != rb || (ra == 0 && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0))) bad_get++;
    int rr = trie_read(root, store, mem->secure, k->key, k->key_len, &rv);
    if (rr != ra || (ra == 0 && (rv.len != a.len || memcmp(rv.data, a.data, a.len) != 0))) bad_read++;
    if (trie_prove(mem, k->key, k->key_len, &p1) || trie_prove(&op, k->key, k->key_len, &p2) ||
        trie_prove_from_store(root, store, mem->secure, k->key, k->key_len, &p3) || !same_proof(&p1, &p2) ||
        !same_proof(&p1, &p3))
      bad_proof++;
    /* ordered access on path keys (a fresh opened trie reads as it seeks) */
    uint8_t pk[32];
    const uint8_t *path = k->key;
    size_t plen = k->key_len;
    if (mem->secure && (i & 1)) {
      keccak256(k->key, k->key_len, pk);
      path = pk, plen = 32;
    }
    for (int dir = 0; dir < 2; dir++) {
      ra = dir ? trie_next(mem, path, plen, &k1, &a) : trie_prev(mem, path, plen, &k1, &a);
      rb = dir ? trie_next(&seq, path, plen, &k2, &b) : trie_prev(&seq, path, plen, &k2, &b);
      if (ra != rb || (ra == 0 && (k1.len != k2.len || memcmp(k1.data, k2.data, k1.len) != 0 || a.len != b.len ||
                                   memcmp(a.data, b.data, a.len) != 0)))
        bad_seq++;
    }
  }
  CHECK_MSG(bad_get == 0, "%d gets differ", bad_get);
  CHECK_MSG(bad_read == 0, "%d reads differ", bad_read);
  CHECK_MSG(bad_proof == 0, "%d proofs differ", bad_proof);
  CHECK_MSG(bad_seq == 0, "%d next/prev differ", bad_seq);
  /* foreach over a fresh opened trie reads it all, in order */
  trie_t all;
  bytes_buf_t ea = {0}, eb = {0};
  CHECK(trie_open(&all, root, store, mem->secure) == 0);
  CHECK(trie_foreach(mem, collect, &ea) == 0 && trie_foreach(&all, collect, &eb) == 0);
  CHECK(ea.len == eb.len && (ea.len == 0 || memcmp(ea.data, eb.data, ea.len) == 0));
  /* and having read everything it still has the same root, writing nothing new */
  uint8_t r[32];
  mem_store_t sink = {0};
  trie_store_t ss = mem_store_as_store(&sink);
  CHECK(trie_commit_new(&all, &ss, r) == 0 && memcmp(r, root, 32) == 0 && sink.puts == 0);
  mem_store_free(&sink);
  trie_free(&all);
  bytes_buf_free(&ea);
  bytes_buf_free(&eb);
  trie_proof_free(&p1);
  trie_proof_free(&p2);
  trie_proof_free(&p3);
  bytes_buf_free(&rv);
  bytes_buf_free(&k1);
  bytes_buf_free(&k2);
  trie_free(&op);
  trie_free(&seq);
}

/* A random trie of n keys of a flavour; keys[] gets the keys put (some absent
 * ones follow at keys[n..2n)). */
static void build(trie_t *t, int flavour, size_t n, key_t_ *keys) {
  trie_init(t, flavour == SECURE20);
  uint8_t v[40];
  for (size_t i = 0; i < n; i++) {
    rand_key(flavour, &keys[i]);
    CHECK(trie_put(t, keys[i].key, keys[i].key_len, v, rand_val(v)) == 0);
  }
  for (size_t i = n; i < 2 * n; i++) rand_key(flavour, &keys[i]);
}

static void test_open_agrees(void) {
  static const size_t sizes[] = {0, 1, 2, 3, 17, 300, 3000};
  for (int f = 0; f < FLAVOURS; f++) {
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
      size_t n = sizes[si];
      key_t_ *keys = malloc((2 * n + 1) * sizeof *keys);
      trie_t t;
      build(&t, f, n, keys);
      mem_store_t m = {0};
      trie_store_t st = mem_store_as_store(&m);
      uint8_t root[32], r2[32];
      CHECK(trie_commit(&t, &st, root) == 0 && trie_root(&t, r2) == 0 && memcmp(root, r2, 32) == 0);
      compare(&t, root, &st, keys, 2 * n);
      /* an opened trie reads only the nodes on the path of a lookup */
      if (n == 3000) {
        trie_t op;
        CHECK(trie_open(&op, root, &st, t.secure) == 0);
        uint64_t g0 = m.gets;
        bytes_view_t v;
        CHECK(trie_get(&op, keys[7].key, keys[7].key_len, &v) == 0);
        CHECK_MSG(m.gets - g0 <= 8, "%llu nodes read for one lookup", (unsigned long long)(m.gets - g0));
        g0 = m.gets;
        CHECK(trie_get(&op, keys[7].key, keys[7].key_len, &v) == 0 && m.gets == g0); /* kept */
        trie_free(&op);
      }
      mem_store_free(&m);
      trie_free(&t);
      free(keys);
    }
  }
}

/* Random updates applied to an in-memory trie and to the opened stored trie give
 * the same roots; trie_commit_new then writes exactly what is new. */
static void test_updates(void) {
  for (int f = 0; f < FLAVOURS; f++) {
    for (int round = 0; round < 3; round++) {
      size_t n = round == 0 ? 5 : 1000;
      key_t_ *keys = malloc(2 * n * sizeof *keys);
      trie_t ref;
      build(&ref, f, n, keys);
      mem_store_t m = {0};
      trie_store_t st = mem_store_as_store(&m);
      uint8_t root[32], ra[32], rb[32];
      CHECK(trie_commit(&ref, &st, root) == 0);
      trie_t op;
      CHECK(trie_open(&op, root, &st, ref.secure) == 0);
      int bad = 0;
      uint8_t v[40];
      for (int i = 0; i < 400; i++) {
        unsigned what = (unsigned)(rnd() % 4);
        key_t_ *k = &keys[rnd() % (what == 3 ? 2 * n : n)];
        key_t_ fresh;
        int r1, r2;
        if (what == 0) { /* a new key */
          rand_key(f, &fresh);
          k = &fresh;
        }
        if (what <= 1) {
          size_t vl = rand_val(v);
          r1 = trie_put(&ref, k->key, k->key_len, v, vl);
          r2 = trie_put(&op, k->key, k->key_len, v, vl);
        } else { /* delete a present key, or any key */
          r1 = trie_delete(&ref, k->key, k->key_len);
          r2 = trie_delete(&op, k->key, k->key_len);
        }
        if (r1 || r2) bad++;
        if (i % 20 == 19 && (trie_root(&ref, ra) || trie_root(&op, rb) || memcmp(ra, rb, 32) != 0)) bad++;
      }
      CHECK_MSG(bad == 0, "flavour %d round %d: %d mismatches", f, round, bad);
      /* commit_new writes only nodes the store lacks (a few may be rewritten: a
       * key put then deleted restores a path's old nodes), and the store then
       * holds the whole new trie */
      size_t held = m.n, puts = m.puts, dups = m.dup_puts;
      uint8_t nr[32];
      CHECK(trie_commit_new(&op, &st, nr) == 0 && trie_root(&ref, ra) == 0 && memcmp(nr, ra, 32) == 0);
      size_t written = m.puts - puts, rewritten = m.dup_puts - dups;
      CHECK_MSG(written - rewritten == m.n - held && rewritten * 10 <= written + 10, "%zu written, %zu already there",
                written, rewritten);
      puts = m.puts;
      CHECK(trie_commit_new(&op, &st, nr) == 0 && m.puts == puts); /* nothing left */
      compare(&ref, nr, &st, keys, 2 * n);
      trie_free(&op);

      /* updating existing keys only: exactly the nodes on their paths are new */
      CHECK(trie_open(&op, nr, &st, ref.secure) == 0);
      for (int i = 0; i < 5; i++) {
        const key_t_ *k = &keys[rnd() % n];
        bytes_view_t cur;
        if (trie_get(&ref, k->key, k->key_len, &cur) != 0) continue;
        size_t vl = rand_val(v);
        v[0] ^= 0x5a; /* differs from any value put before (odds aside) */
        CHECK(trie_put(&ref, k->key, k->key_len, v, vl) == 0 && trie_put(&op, k->key, k->key_len, v, vl) == 0);
      }
      held = m.n, puts = m.puts, dups = m.dup_puts;
      mem_store_t full = {0};
      trie_store_t fs = mem_store_as_store(&full);
      CHECK(trie_commit_new(&op, &st, nr) == 0 && trie_commit(&ref, &fs, ra) == 0 && memcmp(nr, ra, 32) == 0);
      CHECK_MSG(m.dup_puts == dups && m.n - held == m.puts - puts, "%zu rewritten", m.dup_puts - dups);
      size_t missing = 0;
      for (size_t i = 0; i < full.cap; i++)
        if (full.slot[i].rlp && !mem_store_find(&m, full.slot[i].hash)) missing++;
      CHECK(missing == 0);
      trie_free(&op);

      /* a full trie_commit of an opened trie copies what it has not read */
      mem_store_t copy = {0};
      trie_store_t cs = mem_store_as_store(&copy);
      CHECK(trie_open(&op, nr, &st, ref.secure) == 0);
      bytes_view_t vv;
      int g = trie_get(&op, keys[0].key, keys[0].key_len, &vv);
      CHECK(g == 0 || g == ETHC_ERR_NOT_FOUND);
      CHECK(trie_commit(&op, &cs, rb) == 0 && memcmp(rb, nr, 32) == 0 && copy.n == full.n);
      compare(&ref, nr, &cs, keys, n < 50 ? 2 * n : 50);
      /* a clone of an opened trie reads from the same store and changes alone */
      trie_t cl;
      CHECK(trie_clone(&op, &cl) == 0);
      CHECK(trie_put(&cl, keys[1].key, keys[1].key_len, (const uint8_t *)"clone", 5) == 0);
      CHECK(trie_root(&op, ra) == 0 && memcmp(ra, nr, 32) == 0 && trie_root(&cl, rb) == 0 && memcmp(rb, nr, 32) != 0);
      trie_free(&cl);
      trie_free(&op);
      mem_store_free(&copy);
      mem_store_free(&full);
      mem_store_free(&m);
      trie_free(&ref);
      free(keys);
    }
  }
}

/* ---- a damaged store ---- */

static int io_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  (void)ctx, (void)hash, (void)out;
  return ETHC_ERR_IO;
}

static int count_cb(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) {
  (void)k, (void)kl, (void)v, (void)vl;
  ++*(size_t *)ctx;
  return 0;
}

/* The hash of proof node i. */
static void node_hash(const trie_proof_t *p, size_t i, uint8_t h[32]) {
  keccak256(p->nodes[i].data, p->nodes[i].len, h);
}

static void test_missing_node(void) {
  trie_t t;
  key_t_ keys[1000];
  build(&t, PLAIN32, 500, keys);
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  uint8_t root[32], r[32];
  CHECK(trie_commit(&t, &st, root) == 0);
  const key_t_ *k = &keys[3];
  trie_proof_t pr = {0};
  CHECK(trie_prove(&t, k->key, k->key_len, &pr) == 0 && pr.count >= 3);
  /* hide the branch above the key's leaf: the key, and an absent key that would
   * go through it, are unknown, not absent */
  uint8_t h[32];
  node_hash(&pr, pr.count - 2, h);
  mem_node_t *hid = mem_store_find(&m, h);
  CHECK(hid != NULL);
  hid->hidden = true;
  key_t_ absent = *k;
  absent.key[31] ^= 0xff;
  bytes_view_t v;
  bytes_buf_t rv = {0};
  trie_t op;
  CHECK(trie_open(&op, root, &st, false) == 0);
  CHECK(trie_get(&op, k->key, 32, &v) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_get(&op, absent.key, 32, &v) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_read(root, &st, false, k->key, 32, &rv) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_read(root, &st, false, absent.key, 32, &rv) == ETHC_ERR_MISSING_NODE);
  trie_proof_t p2 = {0};
  CHECK(trie_prove_from_store(root, &st, false, k->key, 32, &p2) == ETHC_ERR_MISSING_NODE && p2.count == 0);
  CHECK(trie_prove(&op, k->key, 32, &p2) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_put(&op, k->key, 32, (const uint8_t *)"x", 1) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_put(&op, absent.key, 32, (const uint8_t *)"x", 1) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_delete(&op, k->key, 32) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_delete(&op, absent.key, 32) == ETHC_ERR_MISSING_NODE);
  size_t cnt = 0;
  bytes_buf_t ok = {0};
  CHECK(trie_foreach(&op, count_cb, &cnt) == ETHC_ERR_MISSING_NODE);
  /* nothing changed, and other keys still work */
  CHECK(trie_root(&op, r) == 0 && memcmp(r, root, 32) == 0);
  int bad = 0;
  for (int i = 0; i < 500; i++) {
    bytes_view_t a, b;
    int ra = trie_get(&t, keys[i].key, 32, &a), rb = trie_get(&op, keys[i].key, 32, &b);
    if (rb == ETHC_ERR_MISSING_NODE) continue;
    if (ra != rb || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) bad++;
  }
  CHECK(bad == 0);
  CHECK(trie_commit_new(&op, &st, r) == 0 && memcmp(r, root, 32) == 0);
  /* the node comes back: the same trie carries on */
  hid->hidden = false;
  CHECK(trie_get(&op, k->key, 32, &v) == 0);
  CHECK(trie_delete(&op, k->key, 32) == 0 && trie_delete(&t, k->key, 32) == 0);
  uint8_t r1[32];
  CHECK(trie_root(&op, r) == 0 && trie_root(&t, r1) == 0 && memcmp(r, r1, 32) == 0);
  trie_free(&op);

  /* a missing root: every operation says so */
  uint8_t nowhere[32];
  memset(nowhere, 0x42, 32);
  CHECK(trie_open(&op, nowhere, &st, true) == 0);
  CHECK(trie_get(&op, k->key, 32, &v) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_put(&op, k->key, 32, (const uint8_t *)"x", 1) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_delete(&op, k->key, 32) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_next(&op, k->key, 32, &ok, &v) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_prev(&op, k->key, 32, &ok, &v) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_foreach(&op, count_cb, &cnt) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_prove(&op, k->key, 32, &p2) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_root(&op, r) == 0 && memcmp(r, nowhere, 32) == 0);
  mem_store_t other = {0};
  trie_store_t os = mem_store_as_store(&other);
  CHECK(trie_commit(&op, &os, r) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_read(nowhere, &st, true, k->key, 32, &rv) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_prove_from_store(nowhere, &st, true, k->key, 32, &p2) == ETHC_ERR_MISSING_NODE);
  trie_free(&op);
  /* a store that cannot read passes its error on */
  trie_store_t io = {NULL, NULL, io_get};
  CHECK(trie_open(&op, root, &io, false) == 0);
  CHECK(trie_get(&op, k->key, 32, &v) == ETHC_ERR_IO);
  CHECK(trie_read(root, &io, false, k->key, 32, &rv) == ETHC_ERR_IO);
  trie_free(&op);
  /* an empty root needs no store */
  trie_store_t none = {NULL, NULL, NULL};
  CHECK(trie_open(&op, TRIE_EMPTY_ROOT, &none, false) == 0);
  CHECK(trie_get(&op, k->key, 32, &v) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_read(TRIE_EMPTY_ROOT, &none, false, k->key, 32, &rv) == ETHC_ERR_NOT_FOUND);
  CHECK(trie_put(&op, k->key, 32, (const uint8_t *)"x", 1) == 0 && trie_get(&op, k->key, 32, &v) == 0);
  trie_free(&op);

  /* deleting a key that leaves a branch with one entry needs that entry: when it
   * is missing, the delete fails and changes nothing */
  trie_t two;
  trie_init(&two, false);
  uint8_t key[32] = {0}, val[40];
  memset(val, 7, sizeof val);
  CHECK(trie_put(&two, key, 32, val, 40) == 0); /* the lone key under nibble 0 */
  for (int i = 0; i < 20; i++) {
    key[0] = 0x10, key[31] = (uint8_t)i;
    CHECK(trie_put(&two, key, 32, val, 40) == 0);
  }
  mem_store_t m2 = {0};
  trie_store_t s2 = mem_store_as_store(&m2);
  uint8_t root2[32];
  CHECK(trie_commit(&two, &s2, root2) == 0);
  CHECK(trie_prove(&two, key, 32, &p2) == 0 && p2.count >= 2);
  node_hash(&p2, 1, h); /* the subtree under nibble 1 */
  mem_node_t *sib = mem_store_find(&m2, h);
  CHECK(sib != NULL);
  sib->hidden = true;
  uint8_t zero[32] = {0};
  CHECK(trie_open(&op, root2, &s2, false) == 0);
  CHECK(trie_delete(&op, zero, 32) == ETHC_ERR_MISSING_NODE);
  CHECK(trie_get(&op, zero, 32, &v) == 0 && v.len == 40);
  CHECK(trie_root(&op, r) == 0 && memcmp(r, root2, 32) == 0);
  sib->hidden = false;
  CHECK(trie_delete(&op, zero, 32) == 0 && trie_delete(&two, zero, 32) == 0);
  CHECK(trie_root(&op, r) == 0 && trie_root(&two, r1) == 0 && memcmp(r, r1, 32) == 0);
  trie_free(&op);
  trie_free(&two);
  mem_store_free(&m2);
  mem_store_free(&other);

  trie_proof_free(&pr);
  trie_proof_free(&p2);
  bytes_buf_free(&rv);
  bytes_buf_free(&ok);
  mem_store_free(&m);
  trie_free(&t);
}

/* A store holding exactly these nodes. */
static void store_nodes(mem_store_t *m, const bytes_buf_t *nodes, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t h[32];
    keccak256(nodes[i].data, nodes[i].len, h);
    mem_store_put(m, h, nodes[i].data, nodes[i].len);
  }
}

/* Appends a leaf node [HP(path nibbles, leaf), value]. */
static void put_leaf(bytes_buf_t *b, const uint8_t *hp, size_t hp_len, const uint8_t *v, size_t vl) {
  size_t l = rlp_list_begin(b);
  rlp_put_bytes(b, hp, hp_len);
  rlp_put_bytes(b, v, vl);
  rlp_list_end(b, l);
}

/* Every operation on the key reports ETHC_ERR_INVALID. */
static void check_invalid(const uint8_t root[32], const trie_store_t *st, const uint8_t *key, size_t kl,
                          const char *what) {
  trie_t op;
  bytes_view_t v;
  bytes_buf_t rv = {0};
  trie_proof_t p = {0};
  CHECK(trie_open(&op, root, st, false) == 0);
  int g = trie_get(&op, key, kl, &v), pu = trie_put(&op, key, kl, (const uint8_t *)"z", 1);
  int d = trie_delete(&op, key, kl), r = trie_read(root, st, false, key, kl, &rv);
  int pr = trie_prove_from_store(root, st, false, key, kl, &p);
  CHECK_MSG(g == ETHC_ERR_INVALID && pu == ETHC_ERR_INVALID && d == ETHC_ERR_INVALID && r == ETHC_ERR_INVALID &&
                pr == ETHC_ERR_INVALID,
            "%s: get %d put %d delete %d read %d prove %d", what, g, pu, d, r, pr);
  trie_proof_free(&p);
  bytes_buf_free(&rv);
  trie_free(&op);
}

static void test_corrupt_node(void) {
  trie_t t;
  key_t_ keys[600];
  build(&t, SECURE20, 300, keys);
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  uint8_t root[32];
  CHECK(trie_commit(&t, &st, root) == 0);
  trie_proof_t pr = {0};
  const key_t_ *k = &keys[5];
  CHECK(trie_prove(&t, k->key, k->key_len, &pr) == 0 && pr.count >= 2);
  uint8_t h[32];
  node_hash(&pr, pr.count - 1, h);
  mem_node_t *e = mem_store_find(&m, h);
  /* a flipped byte */
  e->rlp[e->len / 2] ^= 0x01;
  trie_t op;
  bytes_view_t v;
  bytes_buf_t rv = {0};
  CHECK(trie_open(&op, root, &st, true) == 0);
  CHECK(trie_get(&op, k->key, k->key_len, &v) == ETHC_ERR_INVALID);
  CHECK(trie_put(&op, k->key, k->key_len, (const uint8_t *)"x", 1) == ETHC_ERR_INVALID);
  CHECK(trie_read(root, &st, true, k->key, k->key_len, &rv) == ETHC_ERR_INVALID);
  /* the cache checks what it reads (its readers do not) and keeps none of it */
  trie_cache_t *c = trie_cache_new(&st, 1 << 20);
  trie_store_t cs = trie_cache_store(c);
  CHECK(trie_read(root, &cs, true, k->key, k->key_len, &rv) == ETHC_ERR_INVALID);
  CHECK(trie_read(root, &cs, true, k->key, k->key_len, &rv) == ETHC_ERR_INVALID);
  rv.len = 0;
  CHECK(cs.get(cs.ctx, e->hash, &rv) == ETHC_ERR_INVALID);
  trie_cache_stats_t cst;
  trie_cache_stats(c, &cst);
  CHECK(cst.entries == pr.count - 1 && cst.hits > 0);
  e->rlp[e->len / 2] ^= 0x01;
  CHECK(trie_read(root, &cs, true, k->key, k->key_len, &rv) == 0);
  trie_cache_free(c);
  CHECK(trie_get(&op, k->key, k->key_len, &v) == 0);
  trie_free(&op);
  /* another valid node under this hash */
  uint8_t *saved = e->rlp;
  size_t saved_len = e->len;
  node_hash(&pr, 0, h);
  const mem_node_t *rootnode = mem_store_find(&m, h);
  e->rlp = rootnode->rlp, e->len = rootnode->len;
  CHECK(trie_read(root, &st, true, k->key, k->key_len, &rv) == ETHC_ERR_INVALID);
  e->rlp = saved, e->len = saved_len;
  mem_store_free(&m);

  /* nodes that hash right but no trie can hold */
  static const uint8_t val[40] = {1, 2, 3};
  uint8_t key[2] = {0x12, 0x34};
  bytes_buf_t n[3] = {{0}};
  uint8_t h1[32], r[32];
  /* a branch with a single entry (a long leaf under nibble 1) */
  {
    uint8_t hp[2] = {0x32, 0x34};
    put_leaf(&n[1], hp, 2, val, 40);
    keccak256(n[1].data, n[1].len, h1);
    size_t l = rlp_list_begin(&n[0]);
    for (int i = 0; i < 16; i++) i == 1 ? rlp_put_bytes(&n[0], h1, 32) : bytes_buf_push(&n[0], 0x80);
    bytes_buf_push(&n[0], 0x80);
    rlp_list_end(&n[0], l);
    mem_store_t s = {0};
    store_nodes(&s, n, 2);
    trie_store_t ss = mem_store_as_store(&s);
    keccak256(n[0].data, n[0].len, r);
    check_invalid(r, &ss, key, 2, "one-entry branch");
    mem_store_free(&s);
  }
  /* an extension over a leaf */
  {
    n[0].len = 0;
    uint8_t hp[1] = {0x11};
    size_t l = rlp_list_begin(&n[0]);
    rlp_put_bytes(&n[0], hp, 1);
    rlp_put_bytes(&n[0], h1, 32);
    rlp_list_end(&n[0], l);
    mem_store_t s = {0};
    store_nodes(&s, n, 2);
    trie_store_t ss = mem_store_as_store(&s);
    keccak256(n[0].data, n[0].len, r);
    check_invalid(r, &ss, key, 2, "extension over a leaf");
    mem_store_free(&s);
  }
  /* a non-root node under 32 bytes referenced by hash, in a valid-looking branch */
  {
    uint8_t hp[2] = {0x32, 0x34};
    n[1].len = 0;
    put_leaf(&n[1], hp, 2, val, 3); /* 8 bytes */
    keccak256(n[1].data, n[1].len, h1);
    n[2].len = 0;
    put_leaf(&n[2], hp, 2, val, 40);
    uint8_t h2[32];
    keccak256(n[2].data, n[2].len, h2);
    n[0].len = 0;
    size_t l = rlp_list_begin(&n[0]);
    for (int i = 0; i < 16; i++)
      i == 1 ? rlp_put_bytes(&n[0], h1, 32) : i == 2 ? rlp_put_bytes(&n[0], h2, 32) : bytes_buf_push(&n[0], 0x80);
    bytes_buf_push(&n[0], 0x80);
    rlp_list_end(&n[0], l);
    mem_store_t s = {0};
    store_nodes(&s, n, 3);
    trie_store_t ss = mem_store_as_store(&s);
    keccak256(n[0].data, n[0].len, r);
    check_invalid(r, &ss, key, 2, "short node by hash");
    /* the other child is fine */
    uint8_t k2[2] = {0x22, 0x34};
    bytes_buf_t rv2 = {0};
    CHECK(trie_read(r, &ss, false, k2, 2, &rv2) == 0 && rv2.len == 40);
    bytes_buf_free(&rv2);
    mem_store_free(&s);
  }
  /* not RLP, and RLP that is not a node */
  {
    static const uint8_t junk[40] = {0xf8, 0x80};
    n[0].len = 0;
    bytes_buf_append(&n[0], junk, sizeof junk);
    mem_store_t s = {0};
    store_nodes(&s, n, 1);
    trie_store_t ss = mem_store_as_store(&s);
    keccak256(n[0].data, n[0].len, r);
    check_invalid(r, &ss, key, 2, "junk");
    mem_store_free(&s);
    n[0].len = 0;
    rlp_put_bytes(&n[0], val, 40);
    store_nodes(&s, n, 1);
    ss = mem_store_as_store(&s);
    keccak256(n[0].data, n[0].len, r);
    check_invalid(r, &ss, key, 2, "a string");
    mem_store_free(&s);
  }
  for (int i = 0; i < 3; i++) bytes_buf_free(&n[i]);
  bytes_buf_free(&rv);
  trie_proof_free(&pr);
  trie_free(&t);
}

/* A root node under 32 bytes is stored by its hash like any root, and an opened
 * trie over it reads and grows like the in-memory one. */
static void test_short_root(void) {
  trie_t t;
  trie_init(&t, false);
  CHECK(trie_put(&t, (const uint8_t *)"a", 1, (const uint8_t *)"b", 1) == 0);
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  uint8_t root[32], r1[32], r2[32];
  CHECK(trie_commit(&t, &st, root) == 0 && m.n == 1 && m.slot[mem_store_index(&m, root)].len < 32);
  trie_t op;
  bytes_view_t v;
  bytes_buf_t rv = {0};
  CHECK(trie_open(&op, root, &st, false) == 0);
  CHECK(trie_get(&op, (const uint8_t *)"a", 1, &v) == 0 && v.len == 1 && v.data[0] == 'b');
  CHECK(trie_read(root, &st, false, (const uint8_t *)"a", 1, &rv) == 0 && rv.len == 1 && rv.data[0] == 'b');
  CHECK(trie_put(&op, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1) == 0);
  CHECK(trie_put(&t, (const uint8_t *)"ab", 2, (const uint8_t *)"c", 1) == 0);
  CHECK(trie_root(&op, r1) == 0 && trie_root(&t, r2) == 0 && memcmp(r1, r2, 32) == 0);
  CHECK(trie_commit_new(&op, &st, r1) == 0 && memcmp(r1, r2, 32) == 0);
  CHECK(trie_read(r1, &st, false, (const uint8_t *)"ab", 2, &rv) == 0 && rv.len == 1 && rv.data[0] == 'c');
  trie_free(&op);
  /* and deleting down to it again */
  CHECK(trie_open(&op, r1, &st, false) == 0);
  CHECK(trie_delete(&op, (const uint8_t *)"ab", 2) == 0 && trie_root(&op, r2) == 0 && memcmp(r2, root, 32) == 0);
  trie_free(&op);
  bytes_buf_free(&rv);
  mem_store_free(&m);
  trie_free(&t);
}

/* ---- the cache ---- */

static void test_cache(void) {
  trie_t t;
  size_t n = 3000;
  key_t_ *keys = malloc(2 * n * sizeof *keys);
  build(&t, SECURE20, n, keys);
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  uint8_t root[32];
  CHECK(trie_commit(&t, &st, root) == 0);
  /* small: it must evict and stay within its bound */
  size_t max = 64 * 1024;
  trie_cache_t *c = trie_cache_new(&st, max);
  CHECK(c != NULL);
  trie_store_t cs = trie_cache_store(c);
  bytes_buf_t a = {0}, b = {0};
  int bad = 0, over = 0;
  trie_cache_stats_t s;
  for (int i = 0; i < 20000; i++) {
    const key_t_ *k = &keys[rnd() % (i & 1 ? 2 * n : n / 10)]; /* a hot tenth, and everything */
    int ra = trie_read(root, &st, true, k->key, k->key_len, &a);
    int rb = trie_read(root, &cs, true, k->key, k->key_len, &b);
    if (ra != rb || a.len != b.len || (ra == 0 && memcmp(a.data, b.data, a.len) != 0)) bad++;
    if (i % 500 == 0) {
      trie_cache_stats(c, &s);
      over += s.bytes > max;
    }
  }
  trie_cache_stats(c, &s);
  CHECK(bad == 0 && over == 0 && s.bytes <= max && s.max_bytes == max);
  CHECK_MSG(s.hits > s.misses && s.evictions > 0 && s.entries > 0 && s.inserts == s.entries + s.evictions,
            "hits %llu misses %llu evictions %llu entries %zu inserts %llu", (unsigned long long)s.hits,
            (unsigned long long)s.misses, (unsigned long long)s.evictions, s.entries, (unsigned long long)s.inserts);
  trie_cache_free(c);

  /* large: every node once, then all hits, byte for byte */
  c = trie_cache_new(&st, 64 << 20);
  cs = trie_cache_store(c);
  for (int pass = 0; pass < 2; pass++) {
    bad = 0;
    for (size_t i = 0; i < m.cap; i++) {
      if (!m.slot[i].rlp) continue;
      a.len = 0;
      if (cs.get(cs.ctx, m.slot[i].hash, &a) != 0 || a.len != m.slot[i].len ||
          memcmp(a.data, m.slot[i].rlp, a.len) != 0)
        bad++;
    }
    CHECK(bad == 0);
  }
  trie_cache_stats(c, &s);
  CHECK(s.misses == m.n && s.hits == m.n && s.entries == m.n && s.evictions == 0);
  /* absent nodes are not cached; puts go to the backing store, uncached */
  uint8_t nowhere[32] = {9};
  CHECK(cs.get(cs.ctx, nowhere, &a) == ETHC_ERR_NOT_FOUND && cs.get(cs.ctx, nowhere, &a) == ETHC_ERR_NOT_FOUND);
  trie_cache_stats_t s2;
  trie_cache_stats(c, &s2);
  CHECK(s2.misses == s.misses + 2 && s2.entries == s.entries);
  /* an opened trie over the cache: updates and an incremental commit */
  trie_t op;
  CHECK(trie_open(&op, root, &cs, true) == 0);
  uint8_t r1[32], r2[32];
  for (int i = 0; i < 50; i++) {
    CHECK(trie_put(&op, keys[i].key, keys[i].key_len, (const uint8_t *)"v", 1) == 0);
    CHECK(trie_put(&t, keys[i].key, keys[i].key_len, (const uint8_t *)"v", 1) == 0);
  }
  size_t held = m.n;
  CHECK(trie_commit_new(&op, &cs, r1) == 0 && trie_root(&t, r2) == 0 && memcmp(r1, r2, 32) == 0 && m.n > held);
  CHECK(trie_read(r1, &cs, true, keys[0].key, keys[0].key_len, &a) == 0 && a.len == 1 && a.data[0] == 'v');
  trie_cache_clear(c);
  trie_cache_stats(c, &s2);
  CHECK(s2.entries == 0 && s2.bytes == 0);
  CHECK(trie_read(r1, &cs, true, keys[1].key, keys[1].key_len, &a) == 0 && a.len == 1);
  trie_free(&op);
  trie_cache_free(c);
  /* a cache too small for any node still answers */
  c = trie_cache_new(&st, 100);
  cs = trie_cache_store(c);
  CHECK(trie_read(root, &cs, true, keys[2].key, keys[2].key_len, &a) == 0);
  trie_cache_stats(c, &s2);
  CHECK(s2.entries == 0 && s2.bytes == 0 && s2.misses > 0);
  trie_cache_free(c);
  /* a read-only backing store refuses puts */
  trie_store_t ro = {&m, NULL, mem_store_get};
  c = trie_cache_new(&ro, 1 << 20);
  cs = trie_cache_store(c);
  CHECK(cs.put(cs.ctx, root, (const uint8_t *)"x", 1) == ETHC_ERR_UNSUPPORTED);
  trie_cache_free(c);
  bytes_buf_free(&a);
  bytes_buf_free(&b);
  mem_store_free(&m);
  trie_free(&t);
  free(keys);
}

int main(void) {
  test_open_agrees();
  test_updates();
  test_missing_node();
  test_corrupt_node();
  test_short_root();
  test_cache();
  CHECK(strcmp(ethc_strerror(ETHC_ERR_MISSING_NODE), "unknown error") != 0);
  return check_summary();
}
