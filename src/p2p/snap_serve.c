/* The serving side of snap/1 (devp2p caps/snap.md) from the stored state
 * tries and code, with geth's limits, and the requester's range checks.
 * Contracts: include/ethc/snap_wire.h. */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/snap_wire.h"
#include "ethc/state_db.h"
#include "ethc/trie.h"
#include "ethc/trie_node_cursor.h"
#include "ethc/trie_range.h"

static const uint8_t EMPTY_CODE_HASH[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                            0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                            0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static uint64_t byte_limit(uint64_t asked) {
  return asked < SNAP_SOFT_RESPONSE_LIMIT ? asked : SNAP_SOFT_RESPONSE_LIMIT;
}

static trie_store_t node_store(chain_t *c) {
  state_store_t ss;
  chaindb_state_store(chain_db(c), &ss);
  return ss.nodes;
}

/* Whether `root` is the state root of one of the SNAP_RECENT_STATES newest
 * canonical blocks: geth serves snap only from its recent state layers, so
 * an older state (the genesis state of a long chain) or a root that is no
 * state root (an account's storage root) is answered empty, as geth and its
 * devp2p conformance suite (snap.go, TestSnapGetAccountRange) expect. */
#define SNAP_RECENT_STATES 128
static bool recent_root(chain_t *c, const uint8_t root[32]) {
  uint64_t head;
  if (chain_read_head(c, &head, NULL)) return false;
  for (uint64_t i = 0; i < SNAP_RECENT_STATES && i <= head; i++) {
    chain_header_t h;
    if (chain_read_header_by_number(c, head - i, &h, NULL)) return false;
    if (!memcmp(h.state_root.bytes, root, 32)) return true;
  }
  return false;
}

/* Whether `root` is a recent state the store holds (others are answered empty). */
static bool have_root(chain_t *c, const trie_store_t *st, const uint8_t root[32]) {
  if (!recent_root(c, root)) return false;
  if (memcmp(root, TRIE_EMPTY_ROOT, 32) == 0) return true;
  bytes_buf_t b = {0};
  int rc = st->get(st->ctx, root, &b);
  bytes_buf_free(&b);
  return rc == 0;
}

/* ---- a growing list of (hash, body) entries and proof nodes over one buffer ---- */

typedef struct {
  bytes_buf_t data;
  ethc_hash_t *hash;
  size_t *off, *len;
  size_t count, cap;
} entries_t;

static int entries_add(entries_t *e, const uint8_t hash[32], size_t start) {
  if (e->count == e->cap) {
    size_t cap = e->cap ? e->cap * 2 : 64;
    ethc_hash_t *h = realloc(e->hash, cap * sizeof *h);
    if (!h) return ETHC_ERR_NOMEM;
    e->hash = h;
    size_t *o = realloc(e->off, cap * sizeof *o);
    if (!o) return ETHC_ERR_NOMEM;
    e->off = o;
    size_t *l = realloc(e->len, cap * sizeof *l);
    if (!l) return ETHC_ERR_NOMEM;
    e->len = l;
    e->cap = cap;
  }
  if (hash) memcpy(e->hash[e->count].bytes, hash, 32);
  e->off[e->count] = start;
  e->len[e->count] = e->data.len - start;
  e->count++;
  return 0;
}

static void entries_free(entries_t *e) {
  bytes_buf_free(&e->data);
  free(e->hash);
  free(e->off);
  free(e->len);
  memset(e, 0, sizeof *e);
}

static int entries_views(const entries_t *e, snap_entry_t **ents, bytes_view_t **views) {
  size_t n = e->count ? e->count : 1;
  if (ents && !(*ents = calloc(n, sizeof **ents))) return ETHC_ERR_NOMEM;
  if (views && !(*views = calloc(n, sizeof **views))) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < e->count; i++) {
    bytes_view_t v = bytes_view(e->data.data + e->off[i], e->len[i]);
    if (ents) (*ents)[i] = (snap_entry_t){e->hash[i], v};
    if (views) (*views)[i] = v;
  }
  return 0;
}

/* Adds the proof of `key` in the trie `root`, leaving out nodes already there. */
static int add_proof(entries_t *proof, const uint8_t root[32], const trie_store_t *st, const uint8_t key[32]) {
  trie_proof_t p = {0};
  int rc = trie_prove_from_store(root, st, false, key, 32, &p);
  for (size_t i = 0; i < p.count && !rc; i++) {
    bool dup = false;
    for (size_t j = 0; j < proof->count && !dup; j++)
      dup = proof->len[j] == p.nodes[i].len &&
            memcmp(proof->data.data + proof->off[j], p.nodes[i].data, p.nodes[i].len) == 0;
    if (dup) continue;
    size_t start = proof->data.len;
    rc = bytes_buf_append(&proof->data, p.nodes[i].data, p.nodes[i].len);
    if (!rc) rc = entries_add(proof, NULL, start);
  }
  trie_proof_free(&p);
  return rc;
}

/* Walks the trie (path keys of 32 bytes) from `origin` on, calling `fn` for
 * each pair until it returns non-zero (1: stop, else an error). */
typedef int (*range_fn)(void *ctx, const uint8_t key[32], bytes_view_t value);

static int walk_range(const uint8_t root[32], const trie_store_t *st, const uint8_t origin[32], range_fn fn,
                      void *ctx) {
  trie_t t;
  int rc = trie_open(&t, root, st, false);
  if (rc) return rc;
  bytes_buf_t key = {0};
  bytes_view_t v;
  rc = trie_get(&t, origin, 32, &v);
  if (rc == 0) {
    rc = fn(ctx, origin, v);
  } else if (rc == ETHC_ERR_NOT_FOUND) {
    rc = 0;
  }
  const uint8_t *cur = origin;
  uint8_t last[32];
  while (!rc) {
    rc = trie_next(&t, cur, 32, &key, &v);
    if (rc == ETHC_ERR_NOT_FOUND) {
      rc = 0;
      break;
    }
    if (rc) break;
    if (key.len != 32) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    memcpy(last, key.data, 32);
    cur = last;
    rc = fn(ctx, last, v);
  }
  bytes_buf_free(&key);
  trie_free(&t);
  return rc == 1 ? 0 : rc;
}

/* ---- AccountRange ---- */

typedef struct {
  entries_t acc;
  const uint8_t *limit;
  uint64_t max, size;
  bool not_accounts;
} acc_walk_t;

static int on_account(void *ctx, const uint8_t key[32], bytes_view_t value) {
  acc_walk_t *w = ctx;
  size_t start = w->acc.data.len;
  int rc = snap_account_slim(value, &w->acc.data);
  if (rc) { /* not an account trie (a storage root asked as a state root) */
    w->acc.data.len = start;
    w->not_accounts = true;
    return 1;
  }
  if ((rc = entries_add(&w->acc, key, start))) return rc;
  w->size += 32 + (w->acc.data.len - start);
  if (memcmp(key, w->limit, 32) >= 0 || w->size > w->max) return 1;
  return 0;
}

int snap_serve_account_range(chain_t *c, const snap_get_account_range_t *r, bytes_buf_t *out) {
  trie_store_t st = node_store(c);
  acc_walk_t w = {.limit = r->limit.bytes, .max = byte_limit(r->bytes)};
  entries_t proof = {0};
  int rc = 0;
  if (have_root(c, &st, r->root.bytes)) {
    rc = walk_range(r->root.bytes, &st, r->origin.bytes, on_account, &w);
    if (!rc && w.not_accounts) w.acc.count = 0, w.acc.data.len = 0;
    if (!rc && !w.not_accounts) rc = add_proof(&proof, r->root.bytes, &st, r->origin.bytes);
    if (!rc && w.acc.count) rc = add_proof(&proof, r->root.bytes, &st, w.acc.hash[w.acc.count - 1].bytes);
  }
  snap_entry_t *ents = NULL;
  bytes_view_t *pv = NULL;
  if (!rc) rc = entries_views(&w.acc, &ents, NULL);
  if (!rc) rc = entries_views(&proof, NULL, &pv);
  if (!rc) rc = snap_account_range_encode(r->request_id, ents, w.acc.count, pv, proof.count, out);
  free(ents);
  free(pv);
  entries_free(&w.acc);
  entries_free(&proof);
  return rc == ETHC_ERR_MISSING_NODE ? ETHC_ERR_INVALID : rc;
}

/* ---- StorageRanges ---- */

typedef struct {
  entries_t *slots;
  const uint8_t *limit;
  uint64_t hard, *size;
  bool aborted;
} slot_walk_t;

static int on_slot(void *ctx, const uint8_t key[32], bytes_view_t value) {
  slot_walk_t *w = ctx;
  if (*w->size >= w->hard) {
    w->aborted = true;
    return 1;
  }
  size_t start = w->slots->data.len;
  int rc = bytes_buf_append(&w->slots->data, value.data, value.len);
  if (!rc) rc = entries_add(w->slots, key, start);
  if (rc) return rc;
  *w->size += 32 + value.len;
  return memcmp(key, w->limit, 32) >= 0 ? 1 : 0;
}

/* The storage root of account `hash` in the state `root`: NOT_FOUND for no account. */
static int storage_root_of(const trie_store_t *st, const uint8_t root[32], const uint8_t hash[32], uint8_t out[32]) {
  bytes_buf_t v = {0};
  int rc = trie_read(root, st, false, hash, 32, &v);
  rlp_item_t top, f[4];
  if (!rc && (rlp_decode(v.data, v.len, &top) || rlp_list_items(&top, f, 4) || rlp_get_fixed(&f[2], out, 32)))
    rc = ETHC_ERR_INVALID;
  bytes_buf_free(&v);
  return rc;
}

int snap_serve_storage_ranges(chain_t *c, const snap_get_storage_ranges_t *r, bytes_buf_t *out) {
  trie_store_t st = node_store(c);
  uint64_t max = byte_limit(r->bytes), hard = max + max / 10, size = 0;
  entries_t slots = {0}, proof = {0};
  size_t *offsets = calloc(r->count + 1, sizeof *offsets), sets = 0;
  int rc = offsets ? 0 : ETHC_ERR_NOMEM;
  static const uint8_t zero[32] = {0}, ff[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  bool known = have_root(c, &st, r->root.bytes);
  for (size_t i = 0; known && !rc && i < r->count && size < max; i++) {
    const uint8_t *origin = i == 0 ? r->origin.bytes : zero, *limit = i == 0 ? r->limit.bytes : ff;
    uint8_t sroot[32];
    rc = storage_root_of(&st, r->root.bytes, r->accounts[i].bytes, sroot);
    if (rc == ETHC_ERR_NOT_FOUND) memcpy(sroot, TRIE_EMPTY_ROOT, 32), rc = 0;
    if (rc) break;
    size_t before = slots.count;
    slot_walk_t w = {.slots = &slots, .limit = limit, .hard = hard, .size = &size};
    rc = walk_range(sroot, &st, origin, on_slot, &w);
    if (rc) break;
    offsets[++sets] = slots.count;
    bool partial = memcmp(origin, zero, 32) != 0 || (w.aborted && slots.count > before);
    if (partial) {
      rc = add_proof(&proof, sroot, &st, origin);
      if (!rc && slots.count > before) rc = add_proof(&proof, sroot, &st, slots.hash[slots.count - 1].bytes);
      break; /* a proof ends the answer */
    }
  }
  snap_entry_t *ents = NULL;
  bytes_view_t *pv = NULL;
  if (!rc) rc = entries_views(&slots, &ents, NULL);
  if (!rc) rc = entries_views(&proof, NULL, &pv);
  if (!rc) {
    snap_storage_ranges_t m = {.request_id = r->request_id,
                               .slots = ents,
                               .slot_count = slots.count,
                               .offsets = offsets,
                               .set_count = sets,
                               .proof = pv,
                               .proof_count = proof.count};
    rc = snap_storage_ranges_encode(&m, out);
  }
  free(ents);
  free(pv);
  free(offsets);
  entries_free(&slots);
  entries_free(&proof);
  return rc == ETHC_ERR_MISSING_NODE ? ETHC_ERR_INVALID : rc;
}

/* ---- ByteCodes ---- */

int snap_serve_byte_codes(chain_t *c, const snap_get_byte_codes_t *r, bytes_buf_t *out) {
  entries_t codes = {0};
  uint64_t max = byte_limit(r->bytes);
  int rc = 0;
  for (size_t i = 0; i < r->count && i < SNAP_MAX_CODE_LOOKUPS && codes.data.len <= max && !rc; i++) {
    size_t start = codes.data.len;
    if (memcmp(r->hashes[i].bytes, EMPTY_CODE_HASH, 32) == 0) {
      rc = entries_add(&codes, NULL, start);
      continue;
    }
    rc = chaindb_get_code(chain_db(c), &r->hashes[i], &codes.data);
    if (rc == ETHC_ERR_NOT_FOUND) {
      codes.data.len = start;
      rc = 0;
      continue;
    }
    if (!rc) rc = entries_add(&codes, NULL, start);
  }
  bytes_view_t *v = NULL;
  if (!rc) rc = entries_views(&codes, NULL, &v);
  if (!rc) rc = snap_blobs_encode(r->request_id, v, codes.count, out);
  free(v);
  entries_free(&codes);
  return rc;
}

/* ---- TrieNodes ---- */

/* One path's item from a cursor over its trie: 0 with the node appended, or
 * an empty item where no node is (as geth answers), or ETHC_ERR_NOMEM. */
static int node_by_compact(trie_node_cursor_t *cur, bytes_view_t path, bytes_buf_t *out) {
  uint8_t nib[128];
  size_t n, start = out->len;
  if (trie_compact_to_nibbles(path.data, path.len, nib, sizeof nib, &n)) return 0;
  int rc = trie_node_cursor_get(cur, nib, n, out);
  if (rc && rc != ETHC_ERR_NOMEM) out->len = start, rc = 0;
  return rc;
}

/* The paths of a request are answered in order with one cursor per trie: the
 * account trie's across all sets, each storage trie's within its set, so
 * paths that are prefixes of one another (a key's successive prefixes) cost
 * one walk down the deepest of them. */
int snap_serve_trie_nodes(chain_t *c, const snap_get_trie_nodes_t *r, bytes_buf_t *out) {
  trie_store_t st = node_store(c);
  entries_t nodes = {0};
  uint64_t max = byte_limit(r->bytes);
  int rc = 0;
  bool stop = !have_root(c, &st, r->root.bytes);
  trie_node_cursor_t acc;
  trie_node_cursor_init(&acc, r->root.bytes, &st);
  for (size_t s = 0; s < r->set_count && !stop && !rc; s++) {
    const bytes_view_t *paths = r->paths + r->offsets[s];
    size_t k = r->offsets[s + 1] - r->offsets[s];
    trie_node_cursor_t sto, *cur = &acc;
    size_t first = 0;
    if (k > 1) { /* a storage trie: the account's hash, then paths in its storage */
      uint8_t root[32];
      if (paths[0].len != 32 || storage_root_of(&st, r->root.bytes, paths[0].data, root))
        continue; /* no such account: nothing of this set, as geth answers */
      trie_node_cursor_init(&sto, root, &st);
      cur = &sto, first = 1;
    }
    for (size_t i = first; i < k && !rc; i++) {
      if (nodes.count >= SNAP_MAX_TRIE_NODE_LOOKUPS || nodes.data.len > max) {
        stop = true;
        break;
      }
      size_t start = nodes.data.len;
      rc = node_by_compact(cur, paths[i], &nodes.data);
      if (!rc) rc = entries_add(&nodes, NULL, start);
    }
    if (cur != &acc) trie_node_cursor_free(cur);
  }
  trie_node_cursor_free(&acc);
  bytes_view_t *v = NULL;
  if (!rc) rc = entries_views(&nodes, NULL, &v);
  if (!rc) rc = snap_blobs_encode(r->request_id, v, nodes.count, out);
  free(v);
  entries_free(&nodes);
  return rc;
}

/* ---- dispatch ---- */

int snap_serve(chain_t *c, unsigned code, const uint8_t *p, size_t n, unsigned *out_code, bytes_buf_t *out) {
  int rc;
  switch (code) {
    case SNAP_MSG_GET_ACCOUNT_RANGE: {
      snap_get_account_range_t r;
      if ((rc = snap_get_account_range_decode(p, n, &r))) return rc;
      *out_code = SNAP_MSG_ACCOUNT_RANGE;
      return snap_serve_account_range(c, &r, out);
    }
    case SNAP_MSG_GET_STORAGE_RANGES: {
      snap_get_storage_ranges_t r;
      if ((rc = snap_get_storage_ranges_decode(p, n, &r))) return rc;
      *out_code = SNAP_MSG_STORAGE_RANGES;
      rc = snap_serve_storage_ranges(c, &r, out);
      snap_get_storage_ranges_free(&r);
      return rc;
    }
    case SNAP_MSG_GET_BYTE_CODES: {
      snap_get_byte_codes_t r;
      if ((rc = snap_get_byte_codes_decode(p, n, &r))) return rc;
      *out_code = SNAP_MSG_BYTE_CODES;
      rc = snap_serve_byte_codes(c, &r, out);
      snap_get_byte_codes_free(&r);
      return rc;
    }
    case SNAP_MSG_GET_TRIE_NODES: {
      snap_get_trie_nodes_t r;
      if ((rc = snap_get_trie_nodes_decode(p, n, &r))) return rc;
      *out_code = SNAP_MSG_TRIE_NODES;
      rc = snap_serve_trie_nodes(c, &r, out);
      snap_get_trie_nodes_free(&r);
      return rc;
    }
    default: return ETHC_ERR_UNSUPPORTED;
  }
}

/* ---- the requester's checks ---- */

int snap_verify_account_range(const snap_get_account_range_t *req, const snap_account_range_t *m, bool *more) {
  if (more) *more = false;
  if (m->count == 0 && m->proof_count == 0) return 0; /* the peer lacks this state */
  uint8_t(*keys)[32] = calloc(m->count ? m->count : 1, 32);
  bytes_view_t *vals = calloc(m->count ? m->count : 1, sizeof *vals);
  bytes_buf_t full = {0};
  size_t *off = calloc(m->count ? m->count : 1, sizeof *off);
  int rc = keys && vals && off ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; i < m->count && !rc; i++) {
    memcpy(keys[i], m->accounts[i].hash.bytes, 32);
    off[i] = full.len;
    if (snap_account_full(m->accounts[i].body, &full)) rc = ETHC_ERR_INVALID;
  }
  for (size_t i = 0; i < m->count && !rc; i++)
    vals[i] = bytes_view(full.data + off[i], (i + 1 < m->count ? off[i + 1] : full.len) - off[i]);
  if (!rc)
    rc = trie_verify_range(req->root.bytes, req->origin.bytes, (const uint8_t(*)[32])keys, vals, m->count, m->proof,
                           m->proof_count, more);
  free(keys);
  free(vals);
  free(off);
  bytes_buf_free(&full);
  return rc;
}

int snap_verify_storage_range(const ethc_hash_t *storage_root, const ethc_hash_t *origin, const snap_entry_t *slots,
                              size_t count, const bytes_view_t *proof, size_t proof_count, bool *more) {
  uint8_t(*keys)[32] = calloc(count ? count : 1, 32);
  bytes_view_t *vals = calloc(count ? count : 1, sizeof *vals);
  int rc = keys && vals ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; i < count && !rc; i++) {
    memcpy(keys[i], slots[i].hash.bytes, 32);
    vals[i] = slots[i].body;
  }
  if (!rc)
    rc = trie_verify_range(storage_root->bytes, origin->bytes, (const uint8_t(*)[32])keys, vals, count, proof,
                           proof_count, more);
  free(keys);
  free(vals);
  return rc;
}
