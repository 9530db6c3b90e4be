/* The snap/1 cases of go-ethereum's devp2p conformance suite (snap.go:
 * TestSnapStatus, TestSnapGetAccountRange, TestSnapGetByteCodes,
 * TestSnapTrieNodes, TestSnapGetStorageRanges) with their tables of
 * sub-cases. Where the Go tables hard-code results of geth's own test chain
 * (account counts, last hashes, trie-node hashes of the account trie) they
 * are derived here from this chain's headstate.json by the same serving
 * rules, since ../shared/chains/ethtest is a newer chain than those tables;
 * the storage test account 0x8bebc8ba.. is the same, so its slots and
 * storage-trie hashes are the Go table's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/snap_wire.h"
#include "ethc/trie.h"
#include "ethc/trie_range.h"
#include "ethtest.h"

static const uint8_t EMPTY_CODE[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                       0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                       0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};
static const char *STORAGE_ACCT = "0x8bebc8ba651aee624937e7d897853ac30c95a067";

static void hx(const char *s, uint8_t *out, size_t n) { hex_decode_fixed(s, true, out, n); }

static ethc_hash_t hash_add(const ethc_hash_t *h, int64_t d) {
  ethc_hash_t r = *h;
  int carry = 0;
  uint64_t mag = (uint64_t)(d < 0 ? -d : d);
  for (int i = 31; i >= 0; i--) {
    int v = r.bytes[i] + (d < 0 ? -(int)(mag & 0xff) - carry : (int)(mag & 0xff) + carry);
    carry = d < 0 ? (v < 0) : (v > 255);
    r.bytes[i] = (uint8_t)(v & 0xff);
    mag >>= 8;
  }
  return r;
}

/* Sends a snap request on a fresh peer and reads the answer of `resp`:
 * 0, or -1 (reason recorded; *disc true when the node disconnected). */
static int snap_roundtrip(et_ctx_t *x, et_peer_t *p, unsigned code, const bytes_buf_t *req, unsigned resp,
                          bytes_view_t *d, bool *disc) {
  *disc = false;
  if (et_send(p->c, (uint64_t)p->snap + code, req->data, req->len)) return et_fail(x, "write failed"), -1;
  if (et_expect(x, p, p->snap, resp, 5000, d)) {
    *disc = strstr(x->why, "disconnect") || strstr(x->why, "closed");
    return -1;
  }
  return 0;
}

int case_snap_status(et_ctx_t *x) {
  et_peer_t p;
  if (et_peer(x, &p, true)) return ET_FAIL;
  et_unpeer(&p);
  return ET_PASS;
}

/* ---- AccountRange ---- */

typedef struct {
  uint64_t bytes;
  ethc_hash_t root, origin, limit;
  int exp; /* -1: computed from headstate; -2: any non-empty proven range */
  const char *desc;
} acc_test_t;

/* What geth serves from the head state: accounts from origin, each adding
 * 32 + its slim size, stopping after the first one at or past limit or once
 * the size exceeds the byte limit. */
static size_t expect_accounts(const et_chain_t *c, const acc_test_t *t, size_t *first) {
  size_t i = 0, n = 0;
  uint64_t size = 0;
  while (i < c->n_acc && memcmp(c->acc[i].key.bytes, t->origin.bytes, 32) < 0) i++;
  *first = i;
  for (; i < c->n_acc; i++) {
    n++;
    size += 32 + c->acc[i].slim.len;
    if (memcmp(c->acc[i].key.bytes, t->limit.bytes, 32) >= 0 || size > t->bytes) break;
  }
  return n;
}

static int account_range_one(et_ctx_t *x, const acc_test_t *t, char *why, size_t wl) {
  const et_chain_t *c = &x->chain;
  et_peer_t p;
  if (et_peer(x, &p, true)) return snprintf(why, wl, "%.200s", x->why), -1;
  snap_get_account_range_t r = {.request_id = (uint64_t)rand(),
                                .root = t->root,
                                .origin = t->origin,
                                .limit = t->limit,
                                .bytes = t->bytes};
  bytes_buf_t b = {0};
  snap_get_account_range_encode(&r, &b);
  bytes_view_t d;
  bool disc;
  snap_account_range_t m = {0};
  int rc = snap_roundtrip(x, &p, SNAP_MSG_GET_ACCOUNT_RANGE, &b, SNAP_MSG_ACCOUNT_RANGE, &d, &disc);
  bytes_buf_free(&b);
  if (rc) snprintf(why, wl, "%.200s", x->why);
  else if (snap_account_range_decode(d.data, d.len, &m)) rc = -1, snprintf(why, wl, "AccountRange does not decode");
  else if (m.request_id != r.request_id) rc = -1, snprintf(why, wl, "wrong request id");
  for (size_t i = 1; !rc && i < m.count; i++)
    if (memcmp(m.accounts[i - 1].hash.bytes, m.accounts[i].hash.bytes, 32) >= 0)
      rc = -1, snprintf(why, wl, "accounts not monotonically increasing at #%zu", i);
  if (!rc && t->exp == -2) {
    if (m.count == 0) rc = -1, snprintf(why, wl, "expected accounts, got none");
  } else if (!rc) {
    size_t first = 0, want = t->exp >= 0 ? (size_t)t->exp : expect_accounts(c, t, &first);
    if (m.count != want) rc = -1, snprintf(why, wl, "expected %zu accounts, got %zu", want, m.count);
    for (size_t i = 0; !rc && t->exp < 0 && i < m.count; i++) {
      const et_account_t *e = &c->acc[first + i];
      if (memcmp(m.accounts[i].hash.bytes, e->key.bytes, 32) || m.accounts[i].body.len != e->slim.len ||
          memcmp(m.accounts[i].body.data, e->slim.data, e->slim.len))
        rc = -1, snprintf(why, wl, "account #%zu differs from headstate.json", i);
    }
  }
  bool more;
  if (!rc && (m.count || m.proof_count) && snap_verify_account_range(&r, &m, &more))
    rc = -1, snprintf(why, wl, "range proof does not verify");
  snap_account_range_free(&m);
  et_unpeer(&p);
  return rc;
}

int case_account_range(et_ctx_t *x) {
  const et_chain_t *c = &x->chain;
  ethc_hash_t zero = {{0}}, ff, root = c->head_root, first = c->acc[0].key, odd = {{0x13, 0x37}};
  memset(ff.bytes, 0xff, 32);
  ethc_hash_t storage_root = zero;
  for (size_t i = 0; i < c->n_acc; i++)
    if (c->acc[i].has_storage) {
      storage_root = c->acc[i].storage_root;
      break;
    }
  const acc_test_t tests[] = {
      {4000, root, zero, ff, -1, "the entire range, 4000 bytes"},
      {3000, root, zero, ff, -1, "the entire range, 3000 bytes"},
      {2000, root, zero, ff, -1, "the entire range, 2000 bytes"},
      {1, root, zero, ff, 1, "the entire range, 1 byte: the first account"},
      {0, root, zero, ff, 1, "responseBytes 0: one account"},
      {4000, root, hash_add(&first, -500), hash_add(&first, 1), 2, "origin before the first key, limit after it"},
      {4000, root, hash_add(&first, -500), hash_add(&first, -450), 1, "both bounds before the first key"},
      {4000, root, zero, zero, 1, "origin and limit zero"},
      {4000, root, first, ff, -1, "origin exactly the first key"},
      {4000, root, hash_add(&first, 1), ff, -1, "origin after the first key"},
      {4000, odd, zero, ff, 0, "a non-existent state root"},
      {4000, c->header[0].state_root, zero, ff, 0, "the genesis state root (older than 127 blocks)"},
      {4000, c->header[c->n - 1 - 127].state_root, zero, ff, -2, "a state root 127 blocks old"},
      {4000, storage_root, zero, ff, 0, "a storage root as state root"},
      {4000, root, ff, zero, 0, "origin after limit"},
      {4000, root, first, hash_add(&first, -1), 1, "limit just before origin (the first key)"},
      {4000, root, first, zero, 1, "origin the first key, limit zero"},
  };
  char all[400] = "";
  int failed = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    char why[256];
    if (account_range_one(x, &tests[i], why, sizeof why)) {
      failed++;
      size_t l = strlen(all);
      if (l < sizeof all - 1)
        snprintf(all + l, sizeof all - l, "%s#%zu (%s): %s", l ? "; " : "", i, tests[i].desc, why);
    }
  }
  return failed ? et_fail(x, "%d of %zu sub-cases failed: %s", failed, sizeof tests / sizeof tests[0], all) : ET_PASS;
}

/* ---- GetByteCodes ---- */

static int byte_codes_one(et_ctx_t *x, const ethc_hash_t *hs, size_t n, uint64_t bytes, size_t exp, char *why,
                          size_t wl) {
  et_peer_t p;
  if (et_peer(x, &p, true)) return snprintf(why, wl, "%.200s", x->why), -1;
  snap_get_byte_codes_t r = {.request_id = (uint64_t)rand(), .hashes = (ethc_hash_t *)hs, .count = n, .bytes = bytes};
  bytes_buf_t b = {0};
  snap_get_byte_codes_encode(&r, &b);
  bytes_view_t d;
  bool disc;
  snap_blobs_t m = {0};
  int rc = snap_roundtrip(x, &p, SNAP_MSG_GET_BYTE_CODES, &b, SNAP_MSG_BYTE_CODES, &d, &disc);
  bytes_buf_free(&b);
  if (rc) snprintf(why, wl, "%.200s", x->why);
  else if (snap_blobs_decode(d.data, d.len, &m)) rc = -1, snprintf(why, wl, "ByteCodes does not decode");
  else if (m.count != exp) rc = -1, snprintf(why, wl, "expected %zu bytecodes, got %zu", exp, m.count);
  /* each code is one of the requested, in request order */
  for (size_t i = 0, j = 0; !rc && i < m.count; i++, j++) {
    uint8_t h[32];
    keccak256(m.blobs[i].data, m.blobs[i].len, h);
    while (j < n && memcmp(h, hs[j].bytes, 32)) j++;
    if (j == n) rc = -1, snprintf(why, wl, "unexpected bytecode #%zu", i);
  }
  snap_blobs_free(&m);
  et_unpeer(&p);
  return rc;
}

int case_byte_codes(et_ctx_t *x) {
  const et_chain_t *c = &x->chain;
  ethc_hash_t *all = calloc(c->n_acc + 1, sizeof *all);
  size_t n_all = 0;
  for (size_t i = 0; i < c->n_acc; i++) {
    if (!c->acc[i].has_code) continue;
    bool dup = false;
    for (size_t k = 0; k < n_all; k++) dup |= !memcmp(all[k].bytes, c->acc[i].code_hash.bytes, 32);
    if (!dup) all[n_all++] = c->acc[i].code_hash;
  }
  if (n_all == 0) {
    free(all);
    return et_fail(x, "headstate.json holds no code");
  }
  ethc_hash_t g = c->header[0].state_root, h = c->head_root, er, ec;
  memcpy(er.bytes, TRIE_EMPTY_ROOT, 32);
  memcpy(ec.bytes, EMPTY_CODE, 32);
  const ethc_hash_t s1[] = {g, h}, s2[] = {g, g}, s3[] = {er}, s4[] = {ec}, s5[] = {ec, ec, ec},
                    s6[] = {all[0], all[0], all[0], all[0]};
  struct {
    const ethc_hash_t *hs;
    size_t n;
    uint64_t bytes;
    size_t exp;
    const char *desc;
  } tests[] = {
      {s1, 2, 10000, 0, "state roots as code hashes"},
      {s2, 2, 10000, 0, "the genesis state root twice"},
      {s3, 1, 10000, 0, "the empty state root"},
      {s4, 1, 10000, 1, "the empty code hash"},
      {s5, 3, 10000, 3, "the empty code hash three times"},
      {all, n_all, 100000, n_all, "all contract codes"},
      {all, n_all, 1, 1, "a bytes limit of one"},
      {all, n_all, 0, 1, "a bytes limit of zero"},
      {s6, 4, 1000, 4, "the same code hash four times"},
  };
  char msg[400] = "";
  int failed = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    char why[256];
    if (byte_codes_one(x, tests[i].hs, tests[i].n, tests[i].bytes, tests[i].exp, why, sizeof why)) {
      failed++;
      size_t l = strlen(msg);
      if (l < sizeof msg - 1)
        snprintf(msg + l, sizeof msg - l, "%s#%zu (%s): %s", l ? "; " : "", i, tests[i].desc, why);
    }
  }
  free(all);
  return failed ? et_fail(x, "%d of %zu sub-cases failed: %s", failed, sizeof tests / sizeof tests[0], msg) : ET_PASS;
}

/* ---- GetTrieNodes ---- */

/* An in-memory node store for the expected account trie. */
typedef struct {
  ethc_hash_t *h;
  bytes_buf_t *rlp;
  size_t n, cap;
} mem_store_t;

static int mem_put(void *ctx, const uint8_t hash[32], const uint8_t *rlp, size_t len) {
  mem_store_t *s = ctx;
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 256;
    s->h = realloc(s->h, s->cap * sizeof *s->h);
    s->rlp = realloc(s->rlp, s->cap * sizeof *s->rlp);
    if (!s->h || !s->rlp) return ETHC_ERR_NOMEM;
  }
  memcpy(s->h[s->n].bytes, hash, 32);
  s->rlp[s->n] = (bytes_buf_t){0};
  return bytes_buf_append(&s->rlp[s->n++], rlp, len);
}

static void mem_free(mem_store_t *s) {
  for (size_t i = 0; i < s->n; i++) bytes_buf_free(&s->rlp[i]);
  free(s->h);
  free(s->rlp);
}

static int mem_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  mem_store_t *s = ctx;
  for (size_t i = 0; i < s->n; i++)
    if (!memcmp(s->h[i].bytes, hash, 32)) return bytes_buf_append(out, s->rlp[i].data, s->rlp[i].len);
  return ETHC_ERR_NOT_FOUND;
}

/* go-ethereum's makeSnapPath(key, length): the first length-1 nibbles of
 * key and a 0 nibble, compact-encoded (no terminator). */
static size_t snap_path(const uint8_t key[32], int length, uint8_t nib[65], uint8_t out[34]) {
  for (int i = 0; i < length - 1; i++) nib[i] = (uint8_t)(i % 2 ? key[i / 2] & 0xf : key[i / 2] >> 4);
  nib[length - 1] = 0;
  size_t n = 0, i = 0;
  if (length % 2) out[n++] = (uint8_t)(0x10 | nib[i++]);
  else out[n++] = 0;
  for (; i < (size_t)length; i += 2) out[n++] = (uint8_t)(nib[i] << 4 | nib[i + 1]);
  return n;
}

typedef struct {
  ethc_hash_t root;
  bytes_view_t *paths;
  size_t *offsets;
  size_t sets;
  ethc_hash_t *exp;
  size_t n_exp;
  bool reject_ok;
  const char *desc;
} tn_test_t;

static int trie_nodes_one(et_ctx_t *x, const tn_test_t *t, char *why, size_t wl) {
  et_peer_t p;
  if (et_peer(x, &p, true)) return snprintf(why, wl, "%.200s", x->why), -1;
  snap_get_trie_nodes_t r = {.request_id = (uint64_t)rand(),
                             .root = t->root,
                             .paths = t->paths,
                             .path_count = t->sets ? t->offsets[t->sets] : 0,
                             .offsets = t->offsets,
                             .set_count = t->sets,
                             .bytes = 5000};
  bytes_buf_t b = {0};
  snap_get_trie_nodes_encode(&r, &b);
  bytes_view_t d;
  bool disc;
  snap_blobs_t m = {0};
  int rc = snap_roundtrip(x, &p, SNAP_MSG_GET_TRIE_NODES, &b, SNAP_MSG_TRIE_NODES, &d, &disc);
  bytes_buf_free(&b);
  if (rc && t->reject_ok) rc = 0; /* rejected: what the case allows */
  else if (rc) snprintf(why, wl, "%.200s", x->why);
  else if (snap_blobs_decode(d.data, d.len, &m)) rc = -1, snprintf(why, wl, "TrieNodes does not decode");
  else if (m.count != t->n_exp)
    rc = -1, snprintf(why, wl, "wrong trienode count, got %zu, want %zu", m.count, t->n_exp);
  for (size_t i = 0; !rc && i < m.count; i++) {
    uint8_t h[32];
    keccak256(m.blobs[i].data, m.blobs[i].len, h);
    if (memcmp(h, t->exp[i].bytes, 32)) rc = -1, snprintf(why, wl, "hash %zu wrong", i);
  }
  snap_blobs_free(&m);
  et_unpeer(&p);
  return rc;
}

int case_trie_nodes(et_ctx_t *x) {
  const et_chain_t *c = &x->chain;
  /* The expected account trie, from headstate.json. */
  trie_t tr;
  trie_init(&tr, false);
  for (size_t i = 0; i < c->n_acc; i++) trie_put(&tr, c->acc[i].key.bytes, 32, c->acc[i].full.data, c->acc[i].full.len);
  mem_store_t ms = {0};
  trie_store_t st = {.ctx = &ms, .put = mem_put, .get = mem_get};
  uint8_t root[32];
  int rc = trie_commit(&tr, &st, root);
  trie_free(&tr);
  if (rc || memcmp(root, c->head_root.bytes, 32))
    return mem_free(&ms), et_fail(x, "headstate.json does not hash to its root");

  ethc_hash_t head = c->head_root, prev = c->header[c->n - 2].state_root, empty, zeroh = {{0}};
  memcpy(empty.bytes, EMPTY_CODE, 32);
  uint8_t key[32];
  hx("0xa87387b50b481431c6ccdb9ae99a54d4dcdd4a3eff75d7b17b4818f7bbfc21e9", key, 32);
  uint8_t acc_path[65][34];
  bytes_view_t acc_views[65];
  ethc_hash_t acc_exp[65];
  for (int i = 1; i <= 65; i++) {
    uint8_t nib[65];
    size_t n = snap_path(key, i, nib, acc_path[i - 1]);
    acc_views[i - 1] = bytes_view(acc_path[i - 1], n);
    bytes_buf_t node = {0};
    trie_node_at_path(root, &st, nib, (size_t)i, &node);
    keccak256(node.data, node.len, acc_exp[i - 1].bytes);
    bytes_buf_free(&node);
  }
  size_t real = 0; /* the Go table has two nodes on this key's path, then empty ones */
  for (int i = 0; i < 65; i++) real += memcmp(acc_exp[i].bytes, EMPTY_CODE, 32) != 0;
  if (real == 0 || real == 65)
    return mem_free(&ms), et_fail(x, "the expected trie has %zu nodes on the key's path", real);
  const et_account_t *sa = NULL;
  uint8_t addr[20];
  hx(STORAGE_ACCT, addr, 20);
  sa = et_chain_account(c, addr);
  if (!sa) return mem_free(&ms), et_fail(x, "the storage test account is not in headstate.json");
  static const uint8_t p00[] = {0x00}, p01[] = {0x01}, p1b[] = {0x1b};
  static const uint8_t longp[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                  0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  ethc_hash_t st_root, st_1b;
  hx("0xbe3d75a1729be157e79c3b77f00206db4d54e3ea14375a015451c88ec067c790", st_root.bytes, 32);
  hx("0xf4984a11f61a2921456141df88de6e1a710d28681b91af794c5a721e47839cd7", st_1b.bytes, 32);

  /* path sets */
  bytes_view_t v_bad[] = {bytes_view(p00, 1)};
  size_t o_bad[] = {0, 0, 1}; /* an empty set, then [0x00] */
  bytes_view_t v_root[] = {bytes_view(p00, 1), bytes_view(p01, 1), bytes_view(p00, 1)};
  size_t o_root[] = {0, 1, 3};
  bytes_view_t v_long[] = {bytes_view(longp, sizeof longp)};
  size_t o_one[] = {0, 1};
  size_t o_acc[66];
  for (int i = 0; i <= 65; i++) o_acc[i] = (size_t)i;
  bytes_view_t v_unord[] = {acc_views[10], acc_views[1], acc_views[0]};
  size_t o_three[] = {0, 1, 2, 3};
  ethc_hash_t e_unord[] = {acc_exp[10], acc_exp[1], acc_exp[0]};
  bytes_view_t v_st1[] = {bytes_view(sa->key.bytes, 32), bytes_view(p00, 1)};
  size_t o_st1[] = {0, 2};
  bytes_view_t v_st2[] = {bytes_view(sa->key.bytes, 32), bytes_view(p00, 1), bytes_view(p1b, 1)};
  size_t o_st2[] = {0, 3};
  ethc_hash_t e_st2[] = {st_root, st_1b};
  (void)zeroh;
  const tn_test_t tests[] = {
      {head, NULL, NULL, 0, NULL, 0, false, "an empty request"},
      {head, v_bad, o_bad, 2, NULL, 0, true, "an empty path-set (rejected)"},
      {prev, v_root, o_root, 2, &prev, 1, false, "the root node (of the block before the head)"},
      {head, v_long, o_one, 1, &empty, 1, false, "a very long path: an empty node"},
      {head, acc_views, o_acc, 65, acc_exp, 65, false, "known accounts"},
      {head, v_unord, o_three, 3, e_unord, 3, false, "known accounts, not in key order"},
      {head, v_st1, o_st1, 1, &st_root, 1, false, "the storage root node of the test account"},
      {head, v_st2, o_st2, 1, e_st2, 2, false, "several storage nodes of the test account"},
  };
  char msg[400] = "";
  int failed = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    char why[256];
    if (trie_nodes_one(x, &tests[i], why, sizeof why)) {
      failed++;
      size_t l = strlen(msg);
      if (l < sizeof msg - 1)
        snprintf(msg + l, sizeof msg - l, "%s#%zu (%s): %s", l ? "; " : "", i, tests[i].desc, why);
    }
  }
  mem_free(&ms);
  return failed ? et_fail(x, "%d of %zu sub-cases failed: %s", failed, sizeof tests / sizeof tests[0], msg) : ET_PASS;
}

/* ---- GetStorageRanges ---- */

int case_storage_ranges(et_ctx_t *x) {
  const et_chain_t *c = &x->chain;
  uint8_t addr[20];
  hx(STORAGE_ACCT, addr, 20);
  const et_account_t *sa = et_chain_account(c, addr);
  if (!sa) return et_fail(x, "the storage test account is not in headstate.json");
  ethc_hash_t slot[3], zero = {{0}}, ff, o1, o2, l1, l2;
  hx("0x405787fa12a823e0f2b7631cc41b3ba8828b3321ca811111fa75cd3aa3bb5ace", slot[0].bytes, 32);
  hx("0xb10e2d527612073b26eecdfd717e6a320cf44b4afac2b0732d9fcbe2b7fa0cf6", slot[1].bytes, 32);
  hx("0xc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b", slot[2].bytes, 32);
  const uint8_t body[3] = {0x02, 0x01, 0x03};
  memset(ff.bytes, 0xff, 32);
  o1 = hash_add(&slot[0], 1);
  hx("0x4fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", o2.bytes, 32);
  l1 = slot[1];
  l2 = hash_add(&slot[1], 1);
  struct {
    ethc_hash_t origin, limit;
    uint64_t bytes;
    size_t from, to; /* expected slots [from, to) */
    const char *desc;
  } tests[] = {
      {zero, ff, 500, 0, 3, "range 00..ff: all slots"},
      {slot[0], ff, 1000, 0, 3, "from the first key: all slots"},
      {o1, ff, 500, 1, 3, "from one past the first key: the last two"},
      {slot[0], l1, 500, 0, 2, "exactly the first and second key"},
      {o2, l2, 500, 1, 3, "limit between the second and third: slots 2 and 3"},
  };
  char msg[400] = "";
  int failed = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
    char why[256] = "";
    et_peer_t p;
    int rc = 0;
    if (et_peer(x, &p, true)) {
      rc = -1, snprintf(why, sizeof why, "%.200s", x->why);
    } else {
      ethc_hash_t acct = sa->key;
      snap_get_storage_ranges_t r = {.request_id = (uint64_t)rand(),
                                     .root = c->head_root,
                                     .accounts = &acct,
                                     .count = 1,
                                     .origin = tests[i].origin,
                                     .limit = tests[i].limit,
                                     .bytes = tests[i].bytes};
      bytes_buf_t b = {0};
      snap_get_storage_ranges_encode(&r, &b);
      bytes_view_t d;
      bool disc;
      snap_storage_ranges_t m = {0};
      rc = snap_roundtrip(x, &p, SNAP_MSG_GET_STORAGE_RANGES, &b, SNAP_MSG_STORAGE_RANGES, &d, &disc);
      bytes_buf_free(&b);
      if (rc) snprintf(why, sizeof why, "%.200s", x->why);
      else if (snap_storage_ranges_decode(d.data, d.len, &m)) rc = -1, snprintf(why, sizeof why, "does not decode");
      else if (m.set_count != 1) rc = -1, snprintf(why, sizeof why, "%zu slot sets, want 1", m.set_count);
      else if (m.slot_count != tests[i].to - tests[i].from)
        rc = -1, snprintf(why, sizeof why, "%zu slots, want %zu", m.slot_count, tests[i].to - tests[i].from);
      for (size_t k = 0; !rc && k < m.slot_count; k++) {
        size_t e = tests[i].from + k;
        if (memcmp(m.slots[k].hash.bytes, slot[e].bytes, 32) || m.slots[k].body.len != 1 ||
            m.slots[k].body.data[0] != body[e])
          rc = -1, snprintf(why, sizeof why, "wrong storage slot #%zu", k);
      }
      snap_storage_ranges_free(&m);
      et_unpeer(&p);
    }
    if (rc) {
      failed++;
      size_t l = strlen(msg);
      if (l < sizeof msg - 1)
        snprintf(msg + l, sizeof msg - l, "%s#%zu (%s): %s", l ? "; " : "", i, tests[i].desc, why);
    }
  }
  return failed ? et_fail(x, "%d of %zu sub-cases failed: %s", failed, sizeof tests / sizeof tests[0], msg) : ET_PASS;
}
