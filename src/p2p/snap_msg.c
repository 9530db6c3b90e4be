/* Codecs of the snap/1 messages (devp2p caps/snap.md) and the slim account
 * form. Contracts: include/ethc/snap_wire.h. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/snap_wire.h"
#include "ethc/trie.h"
#include "p2p/p2p_reqid.h"

/* keccak256("") */
static const uint8_t EMPTY_CODE_HASH[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                            0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                            0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

static int top_items(const uint8_t *p, size_t len, rlp_item_t *items, size_t n) {
  return p2p_top_items(p, len, items, n);
}

static int count_of(const rlp_item_t *list, size_t *k) { return p2p_list_count(list, SNAP_MAX_LIST_ITEMS, k); }

static int hashes_decode(const rlp_item_t *list, ethc_hash_t **out, size_t *count) {
  return p2p_hashes_decode(list, SNAP_MAX_LIST_ITEMS, out, count);
}

static int hashes_encode(const ethc_hash_t *h, size_t n, bytes_buf_t *out) { return p2p_hashes_encode(h, n, out); }

/* A list of byte strings (proof nodes, codes, paths). */
static int blobs_decode(const rlp_item_t *list, bytes_view_t **out, size_t *count) {
  size_t k;
  int rc = count_of(list, &k);
  if (rc) return rc;
  bytes_view_t *v = calloc(k ? k : 1, sizeof *v);
  if (!v) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  rlp_item_t e;
  for (size_t i = 0; i < k && !rc; i++) {
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
    else if (e.is_list) rc = ETHC_ERR_RLP_TYPE;
    else v[i] = bytes_view(e.payload, e.payload_len);
  }
  if (rc) {
    free(v);
    return rc;
  }
  *out = v, *count = k;
  return 0;
}

static int blobs_encode(const bytes_view_t *b, size_t n, bytes_buf_t *out) { return p2p_list_encode(b, n, true, out); }

/* [[hash, body], ...] appended to a growing array. */
static int entries_decode(const rlp_item_t *list, snap_entry_t **arr, size_t *count, size_t *cap) {
  size_t k;
  int rc = count_of(list, &k);
  if (rc) return rc;
  if (*count + k > SNAP_MAX_LIST_ITEMS * 4) return ETHC_ERR_LIMIT;
  if (*count + k > *cap) {
    size_t nc = *count + k;
    snap_entry_t *a = realloc(*arr, (nc ? nc : 1) * sizeof *a);
    if (!a) return ETHC_ERR_NOMEM;
    *arr = a, *cap = nc;
  }
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  rlp_item_t e, f[2];
  for (size_t i = 0; i < k; i++) {
    if (rlp_iter_next(&it, &e) != 1) return ETHC_ERR_RLP_TRUNCATED;
    if ((rc = rlp_list_items(&e, f, 2)) || (rc = rlp_get_fixed(&f[0], (*arr)[*count].hash.bytes, 32))) return rc;
    if (f[1].is_list) return ETHC_ERR_RLP_TYPE;
    (*arr)[(*count)++].body = bytes_view(f[1].payload, f[1].payload_len);
  }
  return 0;
}

static int entries_encode(const snap_entry_t *e, size_t n, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  for (size_t i = 0; i < n; i++) {
    size_t x = rlp_list_begin(out);
    int rc = rlp_put_bytes(out, e[i].hash.bytes, 32);
    if (!rc) rc = rlp_put_bytes(out, e[i].body.data, e[i].body.len);
    if (!rc) rc = rlp_list_end(out, x);
    if (rc) return rc;
  }
  return rlp_list_end(out, l);
}

/* A hash that may be given short or empty: left-aligned, the rest `fill`. */
static int loose_hash(const rlp_item_t *it, ethc_hash_t *h, uint8_t fill) {
  if (it->is_list) return ETHC_ERR_RLP_TYPE;
  if (it->payload_len != 0 && it->payload_len != 32) return ETHC_ERR_RLP_SIZE;
  memset(h->bytes, fill, 32);
  if (it->payload_len) memcpy(h->bytes, it->payload, 32);
  return 0;
}

/* ---- GetAccountRange / AccountRange ---- */

int snap_get_account_range_encode(const snap_get_account_range_t *r, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, r->request_id);
  if (!rc) rc = rlp_put_bytes(out, r->root.bytes, 32);
  if (!rc) rc = rlp_put_bytes(out, r->origin.bytes, 32);
  if (!rc) rc = rlp_put_bytes(out, r->limit.bytes, 32);
  if (!rc) rc = rlp_put_u64(out, r->bytes);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_get_account_range_decode(const uint8_t *p, size_t n, snap_get_account_range_t *r) {
  memset(r, 0, sizeof *r);
  rlp_item_t f[5];
  int rc = top_items(p, n, f, 5);
  if (!rc) rc = rlp_get_u64(&f[0], &r->request_id);
  if (!rc) rc = rlp_get_fixed(&f[1], r->root.bytes, 32);
  if (!rc) rc = rlp_get_fixed(&f[2], r->origin.bytes, 32);
  if (!rc) rc = rlp_get_fixed(&f[3], r->limit.bytes, 32);
  if (!rc) rc = rlp_get_u64(&f[4], &r->bytes);
  return rc;
}

int snap_account_range_encode(uint64_t request_id, const snap_entry_t *accounts, size_t count,
                              const bytes_view_t *proof, size_t proof_count, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, request_id);
  if (!rc) rc = entries_encode(accounts, count, out);
  if (!rc) rc = blobs_encode(proof, proof_count, out);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_account_range_decode(const uint8_t *p, size_t n, snap_account_range_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t f[3];
  size_t cap = 0;
  int rc = top_items(p, n, f, 3);
  if (!rc) rc = rlp_get_u64(&f[0], &m->request_id);
  if (!rc) rc = entries_decode(&f[1], &m->accounts, &m->count, &cap);
  if (!rc) rc = blobs_decode(&f[2], &m->proof, &m->proof_count);
  if (rc) snap_account_range_free(m);
  return rc;
}

void snap_account_range_free(snap_account_range_t *m) {
  free(m->accounts);
  free(m->proof);
  memset(m, 0, sizeof *m);
}

/* ---- GetStorageRanges / StorageRanges ---- */

int snap_get_storage_ranges_encode(const snap_get_storage_ranges_t *r, bytes_buf_t *out) {
  static const uint8_t zero[32] = {0}, ff[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, r->request_id);
  if (!rc) rc = rlp_put_bytes(out, r->root.bytes, 32);
  if (!rc) rc = hashes_encode(r->accounts, r->count, out);
  /* the defaults travel as empty strings, as geth sends them */
  if (!rc) rc = rlp_put_bytes(out, r->origin.bytes, memcmp(r->origin.bytes, zero, 32) ? 32 : 0);
  if (!rc) rc = rlp_put_bytes(out, r->limit.bytes, memcmp(r->limit.bytes, ff, 32) ? 32 : 0);
  if (!rc) rc = rlp_put_u64(out, r->bytes);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_get_storage_ranges_decode(const uint8_t *p, size_t n, snap_get_storage_ranges_t *r) {
  memset(r, 0, sizeof *r);
  rlp_item_t f[6];
  int rc = top_items(p, n, f, 6);
  if (!rc) rc = rlp_get_u64(&f[0], &r->request_id);
  if (!rc) rc = rlp_get_fixed(&f[1], r->root.bytes, 32);
  if (!rc) rc = hashes_decode(&f[2], &r->accounts, &r->count);
  if (!rc) rc = loose_hash(&f[3], &r->origin, 0);
  if (!rc) rc = loose_hash(&f[4], &r->limit, 0xff);
  if (!rc) rc = rlp_get_u64(&f[5], &r->bytes);
  if (rc) snap_get_storage_ranges_free(r);
  return rc;
}

void snap_get_storage_ranges_free(snap_get_storage_ranges_t *r) {
  free(r->accounts);
  r->accounts = NULL;
  r->count = 0;
}

int snap_storage_ranges_encode(const snap_storage_ranges_t *m, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, m->request_id);
  size_t s = rlp_list_begin(out);
  for (size_t i = 0; i < m->set_count && !rc; i++)
    rc = entries_encode(m->slots ? m->slots + m->offsets[i] : NULL, m->offsets[i + 1] - m->offsets[i], out);
  if (!rc) rc = rlp_list_end(out, s);
  if (!rc) rc = blobs_encode(m->proof, m->proof_count, out);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_storage_ranges_decode(const uint8_t *p, size_t n, snap_storage_ranges_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t f[3];
  size_t sets, cap = 0;
  int rc = top_items(p, n, f, 3);
  if (!rc) rc = rlp_get_u64(&f[0], &m->request_id);
  if (!rc) rc = count_of(&f[1], &sets);
  if (!rc && !(m->offsets = calloc(sets + 1, sizeof *m->offsets))) rc = ETHC_ERR_NOMEM;
  if (!rc) {
    rlp_iter_t it;
    rlp_iter_init(&it, &f[1]);
    rlp_item_t e;
    for (size_t i = 0; i < sets && !rc; i++) {
      if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
      else rc = entries_decode(&e, &m->slots, &m->slot_count, &cap);
      m->offsets[i + 1] = m->slot_count;
    }
    m->set_count = sets;
  }
  if (!rc) rc = blobs_decode(&f[2], &m->proof, &m->proof_count);
  /* never NULL after a decode: callers index it by offsets */
  if (!rc && !m->slots && !(m->slots = calloc(1, sizeof *m->slots))) rc = ETHC_ERR_NOMEM;
  if (rc) snap_storage_ranges_free(m);
  return rc;
}

void snap_storage_ranges_free(snap_storage_ranges_t *m) {
  free(m->slots);
  free(m->offsets);
  free(m->proof);
  memset(m, 0, sizeof *m);
}

/* ---- GetByteCodes / ByteCodes / TrieNodes ---- */

int snap_get_byte_codes_encode(const snap_get_byte_codes_t *r, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, r->request_id);
  if (!rc) rc = hashes_encode(r->hashes, r->count, out);
  if (!rc) rc = rlp_put_u64(out, r->bytes);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_get_byte_codes_decode(const uint8_t *p, size_t n, snap_get_byte_codes_t *r) {
  memset(r, 0, sizeof *r);
  rlp_item_t f[3];
  int rc = top_items(p, n, f, 3);
  if (!rc) rc = rlp_get_u64(&f[0], &r->request_id);
  if (!rc) rc = hashes_decode(&f[1], &r->hashes, &r->count);
  if (!rc) rc = rlp_get_u64(&f[2], &r->bytes);
  if (rc) snap_get_byte_codes_free(r);
  return rc;
}

void snap_get_byte_codes_free(snap_get_byte_codes_t *r) {
  free(r->hashes);
  r->hashes = NULL;
  r->count = 0;
}

int snap_blobs_encode(uint64_t request_id, const bytes_view_t *blobs, size_t count, bytes_buf_t *out) {
  return p2p_reqid_list_encode(request_id, blobs, count, true, out);
}

int snap_blobs_decode(const uint8_t *p, size_t n, snap_blobs_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t list;
  int rc = p2p_reqid_list_decode(p, n, &m->request_id, &list);
  if (!rc) rc = blobs_decode(&list, &m->blobs, &m->count);
  return rc;
}

void snap_blobs_free(snap_blobs_t *m) {
  free(m->blobs);
  memset(m, 0, sizeof *m);
}

/* ---- GetTrieNodes ---- */

int snap_get_trie_nodes_encode(const snap_get_trie_nodes_t *r, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, r->request_id);
  if (!rc) rc = rlp_put_bytes(out, r->root.bytes, 32);
  size_t s = rlp_list_begin(out);
  for (size_t i = 0; i < r->set_count && !rc; i++)
    rc = blobs_encode(r->paths + r->offsets[i], r->offsets[i + 1] - r->offsets[i], out);
  if (!rc) rc = rlp_list_end(out, s);
  if (!rc) rc = rlp_put_u64(out, r->bytes);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_get_trie_nodes_decode(const uint8_t *p, size_t n, snap_get_trie_nodes_t *r) {
  memset(r, 0, sizeof *r);
  rlp_item_t f[4];
  size_t sets, total = 0;
  int rc = top_items(p, n, f, 4);
  if (!rc) rc = rlp_get_u64(&f[0], &r->request_id);
  if (!rc) rc = rlp_get_fixed(&f[1], r->root.bytes, 32);
  if (!rc) rc = rlp_get_u64(&f[3], &r->bytes);
  if (!rc) rc = count_of(&f[2], &sets);
  if (rc) return rc;
  /* two passes: count the paths, then fill */
  rlp_iter_t it;
  rlp_item_t e;
  rlp_iter_init(&it, &f[2]);
  for (size_t i = 0; i < sets && !rc; i++) {
    size_t k = 0;
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
    else if (!(rc = count_of(&e, &k))) total += k;
    if (!rc && (k == 0 || total > SNAP_MAX_LIST_ITEMS)) rc = k == 0 ? ETHC_ERR_INVALID : ETHC_ERR_LIMIT;
  }
  if (!rc && !(r->offsets = calloc(sets + 1, sizeof *r->offsets))) rc = ETHC_ERR_NOMEM;
  if (!rc && !(r->paths = calloc(total ? total : 1, sizeof *r->paths))) rc = ETHC_ERR_NOMEM;
  rlp_iter_init(&it, &f[2]);
  for (size_t i = 0; i < sets && !rc; i++) {
    bytes_view_t *v;
    size_t k;
    if (rlp_iter_next(&it, &e) != 1 || (rc = blobs_decode(&e, &v, &k))) {
      rc = rc ? rc : ETHC_ERR_RLP_TRUNCATED;
      break;
    }
    memcpy(r->paths + r->path_count, v, k * sizeof *v);
    free(v);
    r->path_count += k;
    r->offsets[i + 1] = r->path_count;
  }
  r->set_count = sets;
  if (rc) snap_get_trie_nodes_free(r);
  return rc;
}

void snap_get_trie_nodes_free(snap_get_trie_nodes_t *r) {
  free(r->paths);
  free(r->offsets);
  r->paths = NULL, r->offsets = NULL;
  r->path_count = r->set_count = 0;
}

/* ---- slim accounts ---- */

static int account_fields(bytes_view_t v, rlp_item_t f[4]) {
  rlp_item_t top;
  int rc = rlp_decode_strict(v.data, v.len, &top);
  if (!rc) rc = rlp_list_items(&top, f, 4);
  if (rc) return rc;
  uint64_t nonce;
  u256_t bal;
  if ((rc = rlp_get_u64(&f[0], &nonce)) || (rc = rlp_get_u256(&f[1], &bal))) return rc;
  if (f[2].is_list || f[3].is_list) return ETHC_ERR_RLP_TYPE;
  return 0;
}

static int put_account(bytes_buf_t *out, const rlp_item_t f[4], const uint8_t *root, size_t root_len,
                       const uint8_t *code, size_t code_len) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_raw(out, f[0].raw, f[0].raw_len);
  if (!rc) rc = rlp_put_raw(out, f[1].raw, f[1].raw_len);
  if (!rc) rc = rlp_put_bytes(out, root, root_len);
  if (!rc) rc = rlp_put_bytes(out, code, code_len);
  return rc ? rc : rlp_list_end(out, l);
}

int snap_account_slim(bytes_view_t full, bytes_buf_t *out) {
  rlp_item_t f[4];
  int rc = account_fields(full, f);
  if (rc) return rc;
  if (f[2].payload_len != 32 || f[3].payload_len != 32) return ETHC_ERR_RLP_SIZE;
  bool empty_root = memcmp(f[2].payload, TRIE_EMPTY_ROOT, 32) == 0;
  bool empty_code = memcmp(f[3].payload, EMPTY_CODE_HASH, 32) == 0;
  return put_account(out, f, f[2].payload, empty_root ? 0 : 32, f[3].payload, empty_code ? 0 : 32);
}

int snap_account_full(bytes_view_t slim, bytes_buf_t *out) {
  rlp_item_t f[4];
  int rc = account_fields(slim, f);
  if (rc) return rc;
  if ((f[2].payload_len != 0 && f[2].payload_len != 32) || (f[3].payload_len != 0 && f[3].payload_len != 32))
    return ETHC_ERR_RLP_SIZE;
  return put_account(out, f, f[2].payload_len ? f[2].payload : TRIE_EMPTY_ROOT, 32,
                     f[3].payload_len ? f[3].payload : EMPTY_CODE_HASH, 32);
}
