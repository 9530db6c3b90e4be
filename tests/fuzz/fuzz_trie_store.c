/* libFuzzer harness for tries over a node store (src/trie/trie_store.c,
 * trie_open / trie_read / trie_prove_from_store, Yellow Paper appendix D).
 * The first input byte picks the mode:
 *  - build (bit 7 clear): pairs from the input make a trie that is committed to
 *    an in-memory store, which is then damaged as the input says (nodes hidden,
 *    bytes flipped, nodes truncated or swapped). Undamaged, the opened trie must
 *    answer exactly like the in-memory one through every operation;
 *  - raw (bit 7 set): the input is a list of nodes; a placeholder 0xa0 0xee j in
 *    node i becomes the keccak of node j > i, and keccak(node 0) is the root, so
 *    hostile hash-linked nodes reach the decoder.
 * Then a list of operations (get, put, delete, next, prev, prove, commit_new,
 * foreach) runs on the opened trie, read straight from the store or (flag bit 2)
 * through a node cache. It must never crash and only return 0,
 * ETHC_ERR_NOT_FOUND, ETHC_ERR_MISSING_NODE or ETHC_ERR_INVALID; a failed update
 * leaves the root as it was; before any update trie_get agrees with trie_read and
 * accepted proofs verify to the same answer; after trie_commit_new the new root
 * reads back what was written; a trie that foreach reads whole has the root the
 * one-shot builder gives for its pairs. Seeds: ETHC_FUZZ_SEED_DIR=<dir> with
 * -runs=0 writes a few build-mode inputs to <dir>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/trie/mem_store.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "fuzz_input.h"

static int allowed(int rc) {
  return rc == 0 || rc == ETHC_ERR_NOT_FOUND || rc == ETHC_ERR_MISSING_NODE || rc == ETHC_ERR_INVALID;
}

/* ---- checks ---- */

static int collect(void *ctx, const uint8_t *k, size_t kl, const uint8_t *v, size_t vl) {
  bytes_buf_t *b = ctx;
  uint8_t hdr[8];
  uint32_t k32 = (uint32_t)kl, v32 = (uint32_t)vl;
  memcpy(hdr, &k32, 4);
  memcpy(hdr + 4, &v32, 4);
  must(bytes_buf_append(b, hdr, 8) == 0 && bytes_buf_append(b, k, kl) == 0 && bytes_buf_append(b, v, vl) == 0);
  return 0;
}

/* The pairs foreach reported make, with the one-shot builder, the trie's root. */
static void check_rebuild(const bytes_buf_t *pairs, const uint8_t root[32]) {
  size_t n = 0;
  for (size_t off = 0; off < pairs->len; n++) {
    uint32_t kl, vl;
    memcpy(&kl, pairs->data + off, 4);
    memcpy(&vl, pairs->data + off + 4, 4);
    off += 8 + kl + vl;
  }
  trie_kv_t *kv = malloc((n + 1) * sizeof *kv);
  must(kv != NULL);
  size_t off = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t kl, vl;
    memcpy(&kl, pairs->data + off, 4);
    memcpy(&vl, pairs->data + off + 4, 4);
    kv[i] = (trie_kv_t){pairs->data + off + 8, kl, pairs->data + off + 8 + kl, vl};
    off += 8 + kl + vl;
  }
  uint8_t r[32];
  must(trie_root_of_sorted(kv, n, r) == 0);
  must(memcmp(r, root, 32) == 0);
  free(kv);
}

static int same_proof(const trie_proof_t *a, const trie_proof_t *b) {
  if (a->count != b->count) return 0;
  for (size_t i = 0; i < a->count; i++)
    if (a->nodes[i].len != b->nodes[i].len || memcmp(a->nodes[i].data, b->nodes[i].data, a->nodes[i].len) != 0)
      return 0;
  return 1;
}

/* What was just put (vl > 0) or deleted reads back so. */
static void check_readback(int rr, const bytes_buf_t *rv, const uint8_t *val, size_t vl) {
  if (vl) must(rr == 0 && rv->len == vl && memcmp(rv->data, val, vl) == 0);
  else must(rr == ETHC_ERR_NOT_FOUND);
}

/* Runs the operations of the input on the trie stored under root. `ref`, when
 * given, is the same trie in memory (undamaged store): every answer must match. */
static void run_ops(rd_t *r, const uint8_t root0[32], mem_store_t *m, uint8_t flags, trie_t *ref) {
  int secure = flags & 1;
  trie_store_t st = mem_store_as_store(m);
  /* flag 4: read through a node cache (flag 8: one too small to keep much) */
  trie_cache_t *cache = NULL;
  if (flags & 4) {
    must((cache = trie_cache_new(&st, flags & 8 ? 4096 : 1 << 20)) != NULL);
    st = trie_cache_store(cache);
  }
  trie_t t;
  must(trie_open(&t, root0, &st, secure) == 0);
  bytes_buf_t rv = {0}, k1 = {0}, k2 = {0}, pairs = {0};
  trie_proof_t p1 = {0}, p2 = {0};
  int dirty = 0, ops = 0;
  uint8_t op;
  while (ops++ < 64 && rd_byte(r, &op)) {
    uint8_t b = 0;
    rd_byte(r, &b);
    size_t kl;
    const uint8_t *key = rd_take(r, b % 34, &kl);
    bytes_view_t v, w;
    uint8_t before[32], after[32];
    int rc, rr;
    switch (op % 8) {
      case 0: /* get, and the same through trie_read */
        rc = trie_get(&t, key, kl, &v);
        must(allowed(rc));
        if (!dirty) {
          rr = trie_read(root0, &st, secure, key, kl, &rv);
          must(rr == rc);
          if (rc == 0) must(rv.len == v.len && memcmp(rv.data, v.data, v.len) == 0);
        }
        if (ref) {
          must(rc == 0 || rc == ETHC_ERR_NOT_FOUND);
          must(trie_get(ref, key, kl, &w) == rc);
          if (rc == 0) must(w.len == v.len && memcmp(w.data, v.data, v.len) == 0);
        }
        break;
      case 1:   /* put */
      case 2: { /* delete */
        uint8_t vb = 0;
        rd_byte(r, &vb);
        size_t vl;
        const uint8_t *val = rd_take(r, op % 8 == 1 ? vb % 48 : 0, &vl);
        must(trie_root(&t, before) == 0);
        rc = op % 8 == 1 ? trie_put(&t, key, kl, val, vl) : trie_delete(&t, key, kl);
        must(rc == 0 || rc == ETHC_ERR_MISSING_NODE || rc == ETHC_ERR_INVALID);
        if (ref) must(rc == 0);
        if (rc) {
          must(trie_root(&t, after) == 0 && memcmp(before, after, 32) == 0);
          break;
        }
        dirty = 1;
        if (ref) {
          must((op % 8 == 1 ? trie_put(ref, key, kl, val, vl) : trie_delete(ref, key, kl)) == 0);
          must(trie_root(&t, after) == 0 && trie_root(ref, before) == 0 && memcmp(before, after, 32) == 0);
        }
        /* written back, the new root reads back what was just written (the key's
       * path is all in memory now); in a damaged store, check that on a full copy */
        uint8_t nr[32], nr2[32];
        must(trie_commit_new(&t, &st, nr) == 0 && trie_root(&t, after) == 0 && memcmp(nr, after, 32) == 0);
        rr = trie_read(nr, &st, secure, key, kl, &rv);
        must(allowed(rr));
        if (ref) check_readback(rr, &rv, val, vl);
        mem_store_t fresh = {0};
        trie_store_t fs = mem_store_as_store(&fresh);
        int cr = trie_commit(&t, &fs, nr2);
        must(cr == 0 || cr == ETHC_ERR_MISSING_NODE || cr == ETHC_ERR_INVALID);
        if (ref) must(cr == 0);
        if (cr == 0) {
          must(memcmp(nr, nr2, 32) == 0);
          rr = trie_read(nr2, &fs, secure, key, kl, &rv);
        }
        if (cr == 0) check_readback(rr, &rv, val, vl);
        mem_store_free(&fresh);
        break;
      }
      case 3: /* next */
      case 4: /* prev */
        rc = op % 8 == 3 ? trie_next(&t, key, kl, &k1, &v) : trie_prev(&t, key, kl, &k1, &v);
        must(allowed(rc));
        if (ref) {
          rr = op % 8 == 3 ? trie_next(ref, key, kl, &k2, &w) : trie_prev(ref, key, kl, &k2, &w);
          must(rr == rc);
          if (rc == 0)
            must(k1.len == k2.len && memcmp(k1.data, k2.data, k1.len) == 0 && v.len == w.len &&
                 memcmp(v.data, w.data, v.len) == 0);
        }
        break;
      case 5: /* prove, in the trie and from the store */
        rc = trie_prove(&t, key, kl, &p1);
        must(rc == 0 || rc == ETHC_ERR_MISSING_NODE || rc == ETHC_ERR_INVALID);
        if (!dirty) {
          rr = trie_prove_from_store(root0, &st, secure, key, kl, &p2);
          must(rr == rc);
          if (rc == 0) {
            must(same_proof(&p1, &p2));
            /* the strict verifier accepts it, with the answer trie_read gives */
            int gr = trie_read(root0, &st, secure, key, kl, &rv);
            int vr = secure ? trie_verify_secure_proof(root0, key, kl, p1.nodes, p1.count, &v)
                            : trie_verify_proof(root0, key, kl, p1.nodes, p1.count, &v);
            must(vr == gr);
            if (vr == 0) must(v.len == rv.len && memcmp(v.data, rv.data, v.len) == 0);
          }
        }
        if (ref) { must(rc == 0 && trie_prove(ref, key, kl, &p2) == 0 && same_proof(&p1, &p2)); }
        break;
      case 6: { /* commit_new, then nothing is left to write */
        uint8_t nr[32];
        must(trie_commit_new(&t, &st, nr) == 0);
        size_t puts = m->puts;
        must(trie_commit_new(&t, &st, nr) == 0 && m->puts == puts);
        break;
      }
      default: /* foreach: what it reads whole rebuilds to the same root */
        pairs.len = 0;
        rc = trie_foreach(&t, collect, &pairs);
        must(rc == 0 || rc == ETHC_ERR_MISSING_NODE || rc == ETHC_ERR_INVALID);
        if (rc == 0) {
          must(trie_root(&t, after) == 0);
          check_rebuild(&pairs, after);
        }
        if (ref) must(rc == 0);
        break;
    }
  }
  trie_proof_free(&p1);
  trie_proof_free(&p2);
  bytes_buf_free(&rv);
  bytes_buf_free(&k1);
  bytes_buf_free(&k2);
  bytes_buf_free(&pairs);
  trie_free(&t);
  if (cache) {
    trie_cache_stats_t cs;
    trie_cache_stats(cache, &cs);
    must(cs.bytes <= cs.max_bytes);
    trie_cache_free(cache);
  }
}

/* ---- build mode ---- */
#define MAX_PAIRS 40

static void run_build(rd_t *r, uint8_t flags) {
  int secure = flags & 1;
  uint8_t kmask = (flags & 2) ? 0x11 : 0xff;
  trie_t ref;
  trie_init(&ref, secure);
  uint8_t n = 0, b;
  rd_byte(r, &n);
  for (unsigned i = 0; i < n % MAX_PAIRS; i++) {
    if (!rd_byte(r, &b)) break;
    uint8_t key[8], val[64];
    size_t kl, vl;
    const uint8_t *k = rd_take(r, b % 9, &kl);
    for (size_t j = 0; j < kl; j++) key[j] = k[j] & kmask;
    if (!rd_byte(r, &b)) break;
    const uint8_t *v = rd_take(r, b % 64, &vl);
    memcpy(val, v, vl);
    must(trie_put(&ref, key, kl, val, vl) == 0);
  }
  mem_store_t m = {0};
  trie_store_t st = mem_store_as_store(&m);
  uint8_t root[32];
  must(trie_commit(&ref, &st, root) == 0);
  /* damage: count, then (what, which node, where) */
  uint8_t nd = 0;
  rd_byte(r, &nd);
  nd &= 3;
  for (unsigned d = 0; d < nd && m.n; d++) {
    uint8_t what = 0, which = 0, where = 0;
    rd_byte(r, &what), rd_byte(r, &which), rd_byte(r, &where);
    size_t want = which % m.n, seen = 0;
    mem_node_t *e = NULL;
    for (size_t i = 0; i < m.cap && !e; i++)
      if (m.slot[i].rlp && seen++ == want) e = &m.slot[i];
    if (!e->len) continue; /* truncated to nothing already */
    switch (what % 4) {
      case 0: e->hidden = true; break;
      case 1: e->rlp[where % e->len] ^= (uint8_t)(what | 1); break;
      case 2: e->len = where % e->len; break;
      default: { /* another node's bytes (the same length or shorter) */
        for (size_t i = 0; i < m.cap; i++)
          if (m.slot[i].rlp && &m.slot[i] != e && m.slot[i].len <= e->len) {
            memcpy(e->rlp, m.slot[i].rlp, m.slot[i].len);
            e->len = m.slot[i].len;
            break;
          }
      }
    }
  }
  run_ops(r, root, &m, flags, nd ? NULL : &ref);
  mem_store_free(&m);
  trie_free(&ref);
}

/* ---- raw mode ---- */
#define MAX_NODES 24

static void run_raw(rd_t *r, uint8_t flags) {
  uint8_t nn = 0;
  rd_byte(r, &nn);
  uint8_t *buf[MAX_NODES];
  size_t len[MAX_NODES], count = 0;
  uint8_t hi, lo;
  while (count < (size_t)(nn % MAX_NODES) && rd_byte(r, &hi) && rd_byte(r, &lo)) {
    size_t got;
    const uint8_t *p = rd_take(r, ((size_t)hi << 8 | lo) & 0x3ff, &got);
    buf[count] = malloc(got ? got : 1);
    must(buf[count] != NULL);
    if (got) memcpy(buf[count], p, got);
    len[count++] = got;
  }
  for (size_t i = count; i-- > 0;) {
    uint8_t *d = buf[i];
    for (size_t k = 0; k + 33 <= len[i]; k++) {
      if (d[k] != 0xa0 || d[k + 1] != 0xee) continue;
      size_t j = d[k + 2];
      if (j <= i || j >= count) continue;
      keccak256(buf[j], len[j], d + k + 1);
      k += 32;
    }
  }
  mem_store_t m = {0};
  uint8_t root[32];
  memcpy(root, TRIE_EMPTY_ROOT, 32);
  for (size_t i = 0; i < count; i++) {
    uint8_t h[32];
    keccak256(buf[i], len[i], h);
    must(mem_store_put(&m, h, buf[i], len[i]) == 0);
    if (i == 0) memcpy(root, h, 32);
  }
  run_ops(r, root, &m, flags, NULL);
  mem_store_free(&m);
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
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const char *dir = getenv("ETHC_FUZZ_SEED_DIR");
  if (!dir) return 0;
  uint64_t s = 0x243f6a8885a308d3ull;
  for (int seed = 0; seed < 16; seed++) {
    bytes_buf_t in = {0};
    bytes_buf_push(&in, (uint8_t)(seed & 15));
    uint8_t npairs = (uint8_t)(2 + seed * 5 % 37);
    bytes_buf_push(&in, npairs);
    for (int i = 0; i < npairs; i++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17;
      uint8_t kl = (uint8_t)(1 + s % 8), vl = (uint8_t)(1 + (s >> 8) % 50);
      bytes_buf_push(&in, kl);
      for (int k = 0; k < kl; k++) bytes_buf_push(&in, (uint8_t)(s >> (8 * k + 16)));
      bytes_buf_push(&in, vl);
      for (int k = 0; k < vl; k++) bytes_buf_push(&in, (uint8_t)(k * 7 + i));
    }
    bytes_buf_push(&in, (uint8_t)(seed % 3 == 0 ? 1 : 0)); /* damage count */
    bytes_buf_push(&in, (uint8_t)seed), bytes_buf_push(&in, (uint8_t)(seed * 3)), bytes_buf_push(&in, 17);
    for (int op = 0; op < 24; op++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17;
      bytes_buf_push(&in, (uint8_t)(op + seed));
      bytes_buf_push(&in, (uint8_t)(s % 9));
      for (int k = 0; k < (int)(s % 9); k++) bytes_buf_push(&in, (uint8_t)(s >> (8 * k + 8)));
      bytes_buf_push(&in, 5);
      bytes_buf_append(&in, (const uint8_t *)"value", 5);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/store-%02d", dir, seed);
    FILE *f = fopen(path, "wb");
    if (f) {
      fwrite(in.data, 1, in.len, f);
      fclose(f);
    }
    bytes_buf_free(&in);
  }
  return 0;
}
