/* libFuzzer harness for the EIP-1186 Merkle-proof verifier (src/trie/trie_proof.c,
 * Yellow Paper appendix D). Two modes, chosen by the first input byte:
 *  - build: the input is a list of key/value pairs; a trie is built from them and
 *    the proof of every key (and of absent neighbours) must verify to exactly what
 *    trie_get says, a proof checked against another key must never lie, and every
 *    single-byte flip, dropped, added or truncated node must be rejected;
 *  - raw: the input is a key and a list of nodes; a hash placeholder (0xa0 0xee j)
 *    inside node i is replaced by the 32-byte keccak of node j > i and the root is
 *    keccak(node 0), so hash-linked, arbitrary (hostile) proofs reach the walker.
 *    It must never crash, and an accepted proof has used all of its nodes.
 * Seeds: run the harness with ETHC_FUZZ_SEED_DIR=<dir> (and -runs=0) to write
 * real proofs of small tries into <dir> in both formats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "fuzz_input.h"
#include "fuzz_nodes.h"

/* ---- value located inside the proof ---- */
static int value_inside(const bytes_view_t *v, const bytes_view_t *nodes, size_t count) {
  for (size_t i = 0; i < count; i++)
    if (v->data >= nodes[i].data && v->data + v->len <= nodes[i].data + nodes[i].len) return 1;
  return 0;
}

static int verify(int secure, const uint8_t root[32], const uint8_t *key, size_t key_len, const bytes_view_t *nodes,
                  size_t count, bytes_view_t *v) {
  v->data = NULL;
  v->len = 0;
  int rc = secure ? trie_verify_secure_proof(root, key, key_len, nodes, count, v)
                  : trie_verify_proof(root, key, key_len, nodes, count, v);
  must(rc == 0 || rc == ETHC_ERR_NOT_FOUND || rc == ETHC_ERR_INVALID);
  if (rc == 0) must(v->len > 0 && value_inside(v, nodes, count));
  return rc;
}

/* Structural invariants that hold for any proof the verifier accepts (present or
 * absent): every node is needed and nothing may be appended. */
static void check_accepted_is_tight(int secure, const uint8_t root[32], const uint8_t *key, size_t key_len,
                                    const bytes_view_t *nodes, size_t count, int rc0) {
  bytes_view_t v;
  if (count > 0 && memcmp(root, TRIE_EMPTY_ROOT, 32) != 0)
    must(verify(secure, root, key, key_len, nodes, count - 1, &v) == ETHC_ERR_INVALID);
  bytes_view_t *more = malloc((count + 1) * sizeof *more);
  must(more != NULL);
  if (count) memcpy(more, nodes, count * sizeof *more);
  more[count] = count ? nodes[count - 1] : bytes_view((const uint8_t *)"\x80", 1);
  int rc = verify(secure, root, key, key_len, more, count + 1, &v);
  must(rc == ETHC_ERR_INVALID || (rc0 == ETHC_ERR_NOT_FOUND && rc == rc0 && count == 0));
  free(more);
}

/* ---- build mode ---- */
#define MAX_PAIRS 48
typedef struct {
  uint8_t key[8];
  size_t key_len;
  uint8_t val[80];
  size_t val_len;
} pair_t;

/* Checks one proof for `key` against what the trie says; returns the verify rc. */
static int check_key(trie_t *t, int secure, const uint8_t root[32], const uint8_t *key, size_t key_len,
                     trie_proof_t *pr) {
  must(trie_prove(t, key, key_len, pr) == 0);
  bytes_view_t want;
  int grc = trie_get(t, key, key_len, &want);
  must(grc == 0 || grc == ETHC_ERR_NOT_FOUND);
  bytes_view_t v;
  int rc = verify(secure, root, key, key_len, pr->nodes, pr->count, &v);
  must(rc == grc);
  if (rc == 0) must(v.len == want.len && memcmp(v.data, want.data, v.len) == 0);
  check_accepted_is_tight(secure, root, key, key_len, pr->nodes, pr->count, rc);
  return rc;
}

/* A proof built for one key, checked against another: it may be rejected (the
 * path differs), but whatever it accepts must be the truth. */
static void check_cross(trie_t *t, int secure, const uint8_t root[32], const uint8_t *key, size_t key_len,
                        const trie_proof_t *pr) {
  bytes_view_t v, want;
  int rc = verify(secure, root, key, key_len, pr->nodes, pr->count, &v);
  if (rc == ETHC_ERR_INVALID) return;
  int grc = trie_get(t, key, key_len, &want);
  must(rc == grc);
  if (rc == 0) must(v.len == want.len && memcmp(v.data, want.data, v.len) == 0);
}

/* Every tampering of a valid proof is rejected (hash binding). `budget` bounds the
 * number of single-byte flips (all positions when the proof is small). */
static void check_tamper(int secure, const uint8_t root[32], const uint8_t *key, size_t key_len, const trie_proof_t *pr,
                         uint8_t xorv, size_t budget) {
  size_t total = 0;
  for (size_t i = 0; i < pr->count; i++) total += pr->nodes[i].len;
  if (!total) return;
  size_t stride = total <= budget ? 1 : total / budget + 1;
  bytes_view_t *nodes = malloc(pr->count * sizeof *nodes);
  must(nodes != NULL);
  bytes_view_t v;
  size_t pos = 0;
  for (size_t i = 0; i < pr->count; i++) {
    const bytes_view_t orig = pr->nodes[i];
    uint8_t *copy = malloc(orig.len);
    must(copy != NULL);
    for (size_t j = 0; j < orig.len; j++, pos++) {
      if (pos % stride) continue;
      memcpy(nodes, pr->nodes, pr->count * sizeof *nodes);
      memcpy(copy, orig.data, orig.len);
      copy[j] ^= xorv ? xorv : 1;
      nodes[i] = bytes_view(copy, orig.len);
      must(verify(secure, root, key, key_len, nodes, pr->count, &v) == ETHC_ERR_INVALID);
    }
    /* truncated and extended node */
    memcpy(nodes, pr->nodes, pr->count * sizeof *nodes);
    nodes[i] = bytes_view(orig.data, orig.len - 1);
    must(verify(secure, root, key, key_len, nodes, pr->count, &v) == ETHC_ERR_INVALID);
    uint8_t *ext = malloc(orig.len + 1);
    must(ext != NULL);
    memcpy(ext, orig.data, orig.len);
    ext[orig.len] = 0x80;
    nodes[i] = bytes_view(ext, orig.len + 1);
    must(verify(secure, root, key, key_len, nodes, pr->count, &v) == ETHC_ERR_INVALID);
    free(ext);
    free(copy);
  }
  /* swapped neighbours */
  if (pr->count >= 2) {
    memcpy(nodes, pr->nodes, pr->count * sizeof *nodes);
    bytes_view_t tmp = nodes[0];
    nodes[0] = nodes[1];
    nodes[1] = tmp;
    must(verify(secure, root, key, key_len, nodes, pr->count, &v) == ETHC_ERR_INVALID);
  }
  /* a wrong root */
  uint8_t bad[32];
  memcpy(bad, root, 32);
  bad[31] ^= 1;
  must(verify(secure, bad, key, key_len, pr->nodes, pr->count, &v) == ETHC_ERR_INVALID);
  free(nodes);
}

static void run_build(rd_t *r, uint8_t flags) {
  static pair_t pairs[MAX_PAIRS];
  size_t np = 0;
  int secure = flags & 1;
  uint8_t kmask = (flags & 2) ? 0x11 : 0xff; /* a small alphabet shares prefixes */
  size_t maxkey = (flags & 4) ? 8 : 3;
  uint8_t b;
  while (np < MAX_PAIRS && rd_byte(r, &b)) {
    pair_t *p = &pairs[np];
    size_t got;
    const uint8_t *k = rd_take(r, b % (maxkey + 1), &got);
    p->key_len = got;
    for (size_t i = 0; i < got; i++) p->key[i] = k[i] & kmask;
    if (!rd_byte(r, &b)) break;
    size_t vl = b % sizeof p->val;
    const uint8_t *v = rd_take(r, vl, &got);
    memcpy(p->val, v, got);
    p->val_len = got;
    np++;
  }
  trie_t t;
  trie_init(&t, secure);
  for (size_t i = 0; i < np; i++)
    must(trie_put(&t, pairs[i].key, pairs[i].key_len, pairs[i].val, pairs[i].val_len) == 0);
  uint8_t root[32];
  must(trie_root(&t, root) == 0);
  /* the mutable trie and the one-shot builder agree */
  {
    trie_kv_t kv[MAX_PAIRS];
    size_t n = 0;
    for (size_t i = 0; i < np; i++) {
      /* later puts replace earlier ones: keep the last of each key */
      int later = 0;
      for (size_t j = i + 1; j < np; j++)
        if (pairs[j].key_len == pairs[i].key_len && memcmp(pairs[j].key, pairs[i].key, pairs[i].key_len) == 0)
          later = 1;
      if (later || pairs[i].val_len == 0) continue;
      kv[n++] = (trie_kv_t){pairs[i].key, pairs[i].key_len, pairs[i].val, pairs[i].val_len};
    }
    uint8_t r2[32];
    must((secure ? trie_secure_root_of(kv, n, r2) : trie_root_of(kv, n, r2)) == 0);
    must(memcmp(r2, root, 32) == 0);
  }
  trie_proof_t pr = {0}, pr2 = {0};
  size_t tamper_budget = 256;
  for (size_t i = 0; i < np; i++) {
    const pair_t *p = &pairs[i];
    check_key(&t, secure, root, p->key, p->key_len, &pr);
    if (i < 3) check_tamper(secure, root, p->key, p->key_len, &pr, (uint8_t)(flags | 1), tamper_budget);
    /* the proof checked against every other key, and against neighbours */
    for (size_t j = 0; j < np && j < 16; j++) check_cross(&t, secure, root, pairs[j].key, pairs[j].key_len, &pr);
    uint8_t nk[9];
    memcpy(nk, p->key, p->key_len);
    if (p->key_len) {
      nk[p->key_len - 1] ^= 0x01;
      check_key(&t, secure, root, nk, p->key_len, &pr2);
      check_cross(&t, secure, root, nk, p->key_len, &pr);
      check_key(&t, secure, root, p->key, p->key_len - 1, &pr2); /* a prefix */
      check_cross(&t, secure, root, p->key, p->key_len - 1, &pr);
      nk[p->key_len - 1] ^= 0x01;
    }
    nk[p->key_len] = 0x10;
    check_key(&t, secure, root, nk, p->key_len + 1, &pr2); /* an extension */
    check_cross(&t, secure, root, nk, p->key_len + 1, &pr);
  }
  /* the empty key and an empty trie */
  check_key(&t, secure, root, NULL, 0, &pr);
  trie_t e;
  trie_init(&e, secure);
  uint8_t eroot[32];
  must(trie_root(&e, eroot) == 0 && memcmp(eroot, TRIE_EMPTY_ROOT, 32) == 0);
  check_key(&e, secure, eroot, (const uint8_t *)"a", 1, &pr);
  trie_free(&e);
  trie_proof_free(&pr);
  trie_proof_free(&pr2);
  trie_free(&t);
}

/* ---- raw mode ---- */
#define MAX_NODES 24
static void run_raw(rd_t *r, uint8_t flags) {
  int secure = flags & 1;
  uint8_t b = 0;
  rd_byte(r, &b);
  size_t key_len;
  const uint8_t *key = rd_take(r, b % 40, &key_len);
  /* nodes, hash-linked by their placeholders (fuzz_nodes.h) */
  uint8_t *buf[MAX_NODES];
  bytes_view_t nodes[MAX_NODES];
  size_t count = fuzz_read_linked_nodes(r, buf, nodes, MAX_NODES, 0);
  uint8_t root[32];
  if (count && !(flags & 2)) keccak256(nodes[0].data, nodes[0].len, root);
  else memcpy(root, TRIE_EMPTY_ROOT, 32);
  bytes_view_t v;
  int rc = verify(secure, root, key, key_len, nodes, count, &v);
  if (rc != ETHC_ERR_INVALID) {
    check_accepted_is_tight(secure, root, key, key_len, nodes, count, rc);
    /* deterministic, and the answer does not depend on anything outside the proof */
    bytes_view_t v2;
    must(verify(secure, root, key, key_len, nodes, count, &v2) == rc);
    if (rc == 0) must(v2.data == v.data && v2.len == v.len);
  }
  for (size_t i = 0; i < count; i++) free(buf[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rd_t r = {data, size};
  uint8_t flags;
  if (!rd_byte(&r, &flags)) return 0;
  if (flags & 0x80) run_raw(&r, flags);
  else run_build(&r, flags);
  return 0;
}

/* ---- seed writer ---- */
static void write_seed(const char *dir, const char *name, const uint8_t *d, size_t n) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fwrite(d, 1, n, f);
  fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  const char *dir = getenv("ETHC_FUZZ_SEED_DIR");
  if (!dir) return 0;
  uint64_t s = 0x243f6a8885a308d3ull;
  for (int seed = 0; seed < 24; seed++) {
    uint8_t flags = (uint8_t)(seed & 7);
    size_t npairs = 1 + (size_t)seed * 2 % 17;
    bytes_buf_t in = {0};
    bytes_buf_push(&in, flags);
    trie_t t;
    trie_init(&t, flags & 1);
    uint8_t firstkey[8];
    size_t firstlen = 0;
    for (size_t i = 0; i < npairs; i++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17;
      size_t maxkey = (flags & 4) ? 8 : 3;
      uint8_t kl = (uint8_t)(s % (maxkey + 1));
      uint8_t key[8], val[80];
      bytes_buf_push(&in, kl);
      for (size_t k = 0; k < kl; k++) key[k] = (uint8_t)(s >> (8 * k + 3)) & ((flags & 2) ? 0x11 : 0xff);
      bytes_buf_append(&in, key, kl);
      uint8_t vl = (uint8_t)((s >> 40) % 70 + 1);
      for (size_t k = 0; k < vl; k++) val[k] = (uint8_t)(k * 7 + i);
      bytes_buf_push(&in, vl);
      bytes_buf_append(&in, val, vl);
      trie_put(&t, key, kl, val, vl);
      if (i == 0) memcpy(firstkey, key, firstlen = kl);
    }
    char name[64];
    snprintf(name, sizeof name, "build-%02d", seed);
    write_seed(dir, name, in.data, in.len);
    /* the same trie's proof for its first key, in raw form with placeholders */
    trie_proof_t pr = {0};
    if (trie_prove(&t, firstkey, firstlen, &pr) == 0 && pr.count) {
      bytes_buf_t raw = {0};
      bytes_buf_push(&raw, (uint8_t)(0x80 | (flags & 1)));
      bytes_buf_push(&raw, (uint8_t)firstlen);
      bytes_buf_append(&raw, firstkey, firstlen);
      for (size_t i = 0; i < pr.count; i++) {
        size_t n = pr.nodes[i].len;
        uint8_t *c = malloc(n);
        memcpy(c, pr.nodes[i].data, n);
        if (i + 1 < pr.count) {
          uint8_t h[32];
          keccak256(pr.nodes[i + 1].data, pr.nodes[i + 1].len, h);
          for (size_t k = 0; k + 33 <= n; k++)
            if (c[k] == 0xa0 && memcmp(c + k + 1, h, 32) == 0) {
              c[k + 1] = 0xee;
              c[k + 2] = (uint8_t)(i + 1);
            }
        }
        bytes_buf_push(&raw, (uint8_t)(n >> 8));
        bytes_buf_push(&raw, (uint8_t)n);
        bytes_buf_append(&raw, c, n);
        free(c);
      }
      snprintf(name, sizeof name, "raw-%02d", seed);
      write_seed(dir, name, raw.data, raw.len);
      bytes_buf_free(&raw);
    }
    trie_proof_free(&pr);
    trie_free(&t);
    bytes_buf_free(&in);
  }
  return 0;
}
