/* Codecs of the eth wire protocol's messages (devp2p caps/eth.md, eth/68;
 * EIP-7642 eth/69; EIP-7975 eth/70). Contracts: include/ethc/eth_wire.h. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "p2p/p2p_reqid.h"

/* ---- helpers ---- */

static int top_items(const uint8_t *p, size_t len, rlp_item_t *items, size_t n) {
  return p2p_top_items(p, len, items, n);
}

/* Counts a list's items, refusing more than ETH_MAX_LIST_ITEMS. */
static int list_count(const rlp_item_t *list, size_t *count) { return p2p_list_count(list, ETH_MAX_LIST_ITEMS, count); }

static int hash_list_decode(const rlp_item_t *list, ethc_hash_t **out, size_t *count) {
  return p2p_hashes_decode(list, ETH_MAX_LIST_ITEMS, out, count);
}

/* A transaction as it travels: a legacy list, or a typed string (type < 0x80). */
static int check_tx_item(const rlp_item_t *e) {
  if (e->is_list) return 0;
  if (e->payload_len < 2 || e->payload[0] >= 0x80) return ETHC_ERR_INVALID;
  return rlp_validate(e->payload + 1, e->payload_len - 1);
}

/* A consensus receipt: legacy [status, gas, bloom, logs] or type || that. */
static int check_receipt68(const rlp_item_t *e) {
  rlp_item_t body, f[4];
  int rc;
  if (e->is_list) {
    body = *e;
  } else {
    if (e->payload_len < 2 || e->payload[0] >= 0x80) return ETHC_ERR_INVALID;
    if ((rc = rlp_decode_strict(e->payload + 1, e->payload_len - 1, &body))) return rc;
  }
  if ((rc = rlp_list_items(&body, f, 4))) return rc;
  if (f[0].is_list || f[1].is_list || f[2].is_list || !f[3].is_list) return ETHC_ERR_RLP_TYPE;
  if (f[2].payload_len != 256) return ETHC_ERR_RLP_SIZE;
  uint64_t gas;
  return rlp_get_u64(&f[1], &gas);
}

/* An eth/69 receipt: [type, status, gas, logs]. */
static int check_receipt69(const rlp_item_t *e) {
  rlp_item_t f[4];
  int rc = rlp_list_items(e, f, 4);
  if (rc) return rc;
  uint64_t type, gas;
  if ((rc = rlp_get_u64(&f[0], &type)) || (rc = rlp_get_u64(&f[2], &gas))) return rc;
  if (type >= 0x80) return ETHC_ERR_INVALID;
  if (f[1].is_list || !f[3].is_list) return ETHC_ERR_RLP_TYPE;
  return 0;
}

static int check_list_of(const rlp_item_t *e, int (*check)(const rlp_item_t *)) {
  size_t k;
  int rc = list_count(e, &k);
  if (rc) return rc;
  rlp_iter_t it;
  rlp_iter_init(&it, e);
  rlp_item_t x;
  while ((rc = rlp_iter_next(&it, &x)) == 1)
    if ((rc = check(&x))) return rc;
  return rc < 0 ? -rc : 0;
}

static int check_header(const rlp_item_t *e) {
  if (!e->is_list) return ETHC_ERR_RLP_TYPE;
  chain_header_t h;
  return header_decode(e->raw, e->raw_len, &h);
}

static int check_body(const rlp_item_t *e) {
  if (!e->is_list) return ETHC_ERR_RLP_TYPE;
  int k = rlp_list_count(e);
  if (k < 0) return -k;
  if (k != 2 && k != 3) return ETHC_ERR_RLP_COUNT;
  rlp_item_t f[3];
  int rc = rlp_list_items(e, f, (size_t)k);
  if (rc) return rc;
  if ((rc = check_list_of(&f[0], check_tx_item))) return rc;
  if ((rc = check_list_of(&f[1], check_header))) return rc;
  if (k == 3 && !f[2].is_list) return ETHC_ERR_RLP_TYPE;
  return 0;
}

static int check_receipts68(const rlp_item_t *e) { return check_list_of(e, check_receipt68); }
static int check_receipts69(const rlp_item_t *e) { return check_list_of(e, check_receipt69); }

static int items_decode(const rlp_item_t *list, eth_items_kind_t kind, eth_items_msg_t *m) {
  static int (*const checks[])(const rlp_item_t *) = {
      [ETH_ITEMS_HEADERS] = check_header,        [ETH_ITEMS_BODIES] = check_body,
      [ETH_ITEMS_TXS] = check_tx_item,           [ETH_ITEMS_RECEIPTS68] = check_receipts68,
      [ETH_ITEMS_RECEIPTS69] = check_receipts69,
  };
  if ((unsigned)kind > ETH_ITEMS_RECEIPTS69) return ETHC_ERR_INVALID;
  size_t k;
  int rc = list_count(list, &k);
  if (rc) return rc;
  bytes_view_t *v = calloc(k ? k : 1, sizeof *v);
  if (!v) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  rlp_item_t e;
  for (size_t i = 0; i < k; i++) {
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
    else rc = checks[kind](&e);
    if (rc) {
      free(v);
      return rc;
    }
    v[i] = bytes_view(e.raw, e.raw_len);
  }
  m->items = v;
  m->count = k;
  return 0;
}

/* ---- Status ---- */

int eth_status_encode(const eth_status_t *s, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, s->version);
  if (!rc) rc = rlp_put_u64(out, s->network_id);
  if (s->version < 69) {
    if (!rc) rc = rlp_put_u256(out, &s->td);
    if (!rc) rc = rlp_put_bytes(out, s->head.bytes, 32);
    if (!rc) rc = rlp_put_bytes(out, s->genesis.bytes, 32);
    if (!rc) rc = forkid_encode(&s->fork_id, out);
  } else {
    if (!rc) rc = rlp_put_bytes(out, s->genesis.bytes, 32);
    if (!rc) rc = forkid_encode(&s->fork_id, out);
    if (!rc) rc = rlp_put_u64(out, s->earliest);
    if (!rc) rc = rlp_put_u64(out, s->latest);
    if (!rc) rc = rlp_put_bytes(out, s->head.bytes, 32);
  }
  return rc ? rc : rlp_list_end(out, l);
}

int eth_status_decode(const uint8_t *p, size_t n, eth_status_t *s) {
  memset(s, 0, sizeof *s);
  rlp_item_t top, f[7];
  int rc = rlp_decode_strict(p, n, &top);
  if (rc) return rc;
  if (!top.is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, &top);
  if (rlp_iter_next(&it, &f[0]) != 1) return ETHC_ERR_RLP_COUNT;
  uint64_t v;
  if ((rc = rlp_get_u64(&f[0], &v))) return rc;
  if (v > UINT32_MAX) return ETHC_ERR_OVERFLOW;
  s->version = (uint32_t)v;
  if (v < 69) {
    if ((rc = rlp_list_items(&top, f, 6))) return rc;
    if ((rc = rlp_get_u64(&f[1], &s->network_id)) || (rc = rlp_get_u256(&f[2], &s->td)) ||
        (rc = rlp_get_fixed(&f[3], s->head.bytes, 32)) || (rc = rlp_get_fixed(&f[4], s->genesis.bytes, 32)) ||
        (rc = forkid_decode_item(&f[5], &s->fork_id)))
      return rc;
    return 0;
  }
  if ((rc = rlp_list_items(&top, f, 7))) return rc;
  if ((rc = rlp_get_u64(&f[1], &s->network_id)) || (rc = rlp_get_fixed(&f[2], s->genesis.bytes, 32)) ||
      (rc = forkid_decode_item(&f[3], &s->fork_id)) || (rc = rlp_get_u64(&f[4], &s->earliest)) ||
      (rc = rlp_get_u64(&f[5], &s->latest)) || (rc = rlp_get_fixed(&f[6], s->head.bytes, 32)))
    return rc;
  return 0;
}

/* ---- BlockRangeUpdate ---- */

int eth_block_range_encode(const eth_block_range_t *r, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, r->earliest);
  if (!rc) rc = rlp_put_u64(out, r->latest);
  if (!rc) rc = rlp_put_bytes(out, r->latest_hash.bytes, 32);
  return rc ? rc : rlp_list_end(out, l);
}

int eth_block_range_decode(const uint8_t *p, size_t n, eth_block_range_t *r) {
  rlp_item_t f[3];
  int rc = top_items(p, n, f, 3);
  if (!rc) rc = rlp_get_u64(&f[0], &r->earliest);
  if (!rc) rc = rlp_get_u64(&f[1], &r->latest);
  if (!rc) rc = rlp_get_fixed(&f[2], r->latest_hash.bytes, 32);
  return rc;
}

/* ---- NewBlockHashes ---- */

int eth_new_block_hashes_encode(const eth_hash_number_t *items, size_t count, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  for (size_t i = 0; i < count; i++) {
    size_t e = rlp_list_begin(out);
    int rc = rlp_put_bytes(out, items[i].hash.bytes, 32);
    if (!rc) rc = rlp_put_u64(out, items[i].number);
    if (!rc) rc = rlp_list_end(out, e);
    if (rc) return rc;
  }
  return rlp_list_end(out, l);
}

int eth_new_block_hashes_decode(const uint8_t *p, size_t n, eth_new_block_hashes_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t top;
  size_t k;
  int rc = rlp_decode_strict(p, n, &top);
  if (!rc) rc = list_count(&top, &k);
  if (rc) return rc;
  eth_hash_number_t *v = calloc(k ? k : 1, sizeof *v);
  if (!v) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_iter_init(&it, &top);
  rlp_item_t e, f[2];
  for (size_t i = 0; i < k && !rc; i++) {
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
    if (!rc) rc = rlp_list_items(&e, f, 2);
    if (!rc) rc = rlp_get_fixed(&f[0], v[i].hash.bytes, 32);
    if (!rc) rc = rlp_get_u64(&f[1], &v[i].number);
  }
  if (rc) {
    free(v);
    return rc;
  }
  m->items = v;
  m->count = k;
  return 0;
}

void eth_new_block_hashes_free(eth_new_block_hashes_t *m) {
  free(m->items);
  memset(m, 0, sizeof *m);
}

/* ---- hash-list requests ---- */

int eth_hash_request_encode(uint64_t request_id, const ethc_hash_t *hashes, size_t count, bytes_buf_t *out) {
  return p2p_reqid_hashes_encode(request_id, hashes, count, out);
}

int eth_hash_request_decode(const uint8_t *p, size_t n, eth_hash_request_t *m) {
  memset(m, 0, sizeof *m);
  return p2p_reqid_hashes_decode(p, n, ETH_MAX_LIST_ITEMS, &m->request_id, &m->hashes, &m->count);
}

int eth_get_receipts70_encode(uint64_t request_id, uint64_t first_index, const ethc_hash_t *hashes, size_t count,
                              bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, request_id);
  if (!rc) rc = rlp_put_u64(out, first_index);
  if (!rc) rc = p2p_hashes_encode(hashes, count, out);
  return rc ? rc : rlp_list_end(out, l);
}

int eth_get_receipts70_decode(const uint8_t *p, size_t n, eth_hash_request_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t f[3];
  int rc = top_items(p, n, f, 3);
  if (!rc) rc = rlp_get_u64(&f[0], &m->request_id);
  if (!rc) rc = rlp_get_u64(&f[1], &m->first_receipt_index);
  if (!rc) rc = hash_list_decode(&f[2], &m->hashes, &m->count);
  return rc;
}

void eth_hash_request_free(eth_hash_request_t *m) {
  free(m->hashes);
  memset(m, 0, sizeof *m);
}

/* ---- GetBlockHeaders ---- */

int eth_get_headers_encode(const eth_get_headers_t *r, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, r->request_id);
  size_t q = rlp_list_begin(out);
  if (!rc) rc = r->by_hash ? rlp_put_bytes(out, r->hash.bytes, 32) : rlp_put_u64(out, r->number);
  if (!rc) rc = rlp_put_u64(out, r->amount);
  if (!rc) rc = rlp_put_u64(out, r->skip);
  if (!rc) rc = rlp_put_u64(out, r->reverse ? 1 : 0);
  if (!rc) rc = rlp_list_end(out, q);
  return rc ? rc : rlp_list_end(out, l);
}

int eth_get_headers_decode(const uint8_t *p, size_t n, eth_get_headers_t *r) {
  memset(r, 0, sizeof *r);
  rlp_item_t f[2], q[4];
  int rc = top_items(p, n, f, 2);
  if (!rc) rc = rlp_get_u64(&f[0], &r->request_id);
  if (!rc) rc = rlp_list_items(&f[1], q, 4);
  if (rc) return rc;
  if (!q[0].is_list && q[0].payload_len == 32) {
    r->by_hash = true;
    memcpy(r->hash.bytes, q[0].payload, 32);
  } else if ((rc = rlp_get_u64(&q[0], &r->number))) {
    return rc;
  }
  uint64_t rev;
  if ((rc = rlp_get_u64(&q[1], &r->amount)) || (rc = rlp_get_u64(&q[2], &r->skip)) || (rc = rlp_get_u64(&q[3], &rev)))
    return rc;
  if (rev > 1) return ETHC_ERR_INVALID;
  r->reverse = rev == 1;
  return 0;
}

/* ---- list responses ---- */

int eth_items_encode(uint64_t request_id, const bytes_view_t *items, size_t count, bytes_buf_t *out) {
  return p2p_reqid_list_encode(request_id, items, count, false, out);
}

int eth_receipts70_encode(uint64_t request_id, bool last_incomplete, const bytes_view_t *items, size_t count,
                          bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_u64(out, request_id);
  if (!rc) rc = rlp_put_u64(out, last_incomplete ? 1 : 0);
  if (!rc) rc = p2p_list_encode(items, count, false, out);
  return rc ? rc : rlp_list_end(out, l);
}

int eth_items_decode(const uint8_t *p, size_t n, eth_items_kind_t kind, eth_items_msg_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t list;
  int rc = p2p_reqid_list_decode(p, n, &m->request_id, &list);
  if (!rc) rc = items_decode(&list, kind, m);
  return rc;
}

int eth_receipts70_decode(const uint8_t *p, size_t n, eth_items_msg_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t f[3];
  uint64_t flag = 0;
  int rc = top_items(p, n, f, 3);
  if (!rc) rc = rlp_get_u64(&f[0], &m->request_id);
  if (!rc) rc = rlp_get_u64(&f[1], &flag);
  if (!rc && flag > 1) rc = ETHC_ERR_INVALID;
  if (!rc) rc = items_decode(&f[2], ETH_ITEMS_RECEIPTS69, m);
  m->last_block_incomplete = !rc && flag == 1;
  return rc;
}

void eth_items_free(eth_items_msg_t *m) {
  free(m->items);
  memset(m, 0, sizeof *m);
}

/* ---- Transactions ---- */

int eth_transactions_encode(const bytes_view_t *txs, size_t count, bytes_buf_t *out) {
  return p2p_list_encode(txs, count, false, out);
}

int eth_transactions_decode(const uint8_t *p, size_t n, eth_items_msg_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t top;
  int rc = rlp_decode_strict(p, n, &top);
  if (!rc) rc = items_decode(&top, ETH_ITEMS_TXS, m);
  return rc;
}

bytes_view_t eth_tx_item_canonical(bytes_view_t item) {
  rlp_item_t e;
  if (rlp_decode(item.data, item.len, &e) || e.is_list) return item;
  return bytes_view(e.payload, e.payload_len);
}

/* ---- NewBlock ---- */

int eth_new_block_encode(const uint8_t *block_rlp, size_t len, const u256_t *td, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_raw(out, block_rlp, len);
  if (!rc) rc = rlp_put_u256(out, td);
  return rc ? rc : rlp_list_end(out, l);
}

int eth_new_block_decode(const uint8_t *p, size_t n, eth_new_block_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t f[2], b[4];
  int rc = top_items(p, n, f, 2);
  if (rc) return rc;
  if (!f[0].is_list) return ETHC_ERR_RLP_TYPE;
  int k = rlp_list_count(&f[0]);
  if (k < 0) return -k;
  if (k != 3 && k != 4) return ETHC_ERR_RLP_COUNT;
  if ((rc = rlp_list_items(&f[0], b, (size_t)k))) return rc;
  if ((rc = check_header(&b[0])) || (rc = check_list_of(&b[1], check_tx_item)) ||
      (rc = check_list_of(&b[2], check_header)))
    return rc;
  if (k == 4 && !b[3].is_list) return ETHC_ERR_RLP_TYPE;
  if ((rc = rlp_get_u256(&f[1], &m->td))) return rc;
  m->block = bytes_view(f[0].raw, f[0].raw_len);
  return 0;
}

/* ---- NewPooledTransactionHashes ---- */

int eth_pooled_hashes_encode(const uint8_t *types, const uint32_t *sizes, const ethc_hash_t *hashes, size_t count,
                             bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_bytes(out, types, count);
  size_t s = rlp_list_begin(out);
  for (size_t i = 0; i < count && !rc; i++) rc = rlp_put_u64(out, sizes[i]);
  if (!rc) rc = rlp_list_end(out, s);
  if (!rc) rc = p2p_hashes_encode(hashes, count, out);
  return rc ? rc : rlp_list_end(out, l);
}

int eth_pooled_hashes_decode(const uint8_t *p, size_t n, eth_pooled_hashes_t *m) {
  memset(m, 0, sizeof *m);
  rlp_item_t f[3];
  size_t ns;
  int rc = top_items(p, n, f, 3);
  if (rc) return rc;
  if (f[0].is_list) return ETHC_ERR_RLP_TYPE;
  if ((rc = list_count(&f[1], &ns))) return rc;
  if ((rc = hash_list_decode(&f[2], &m->hashes, &m->count))) return rc;
  if (f[0].payload_len != m->count || ns != m->count) {
    eth_pooled_hashes_free(m);
    return ETHC_ERR_INVALID;
  }
  m->types = f[0].payload;
  m->sizes = calloc(ns ? ns : 1, sizeof *m->sizes);
  if (!m->sizes) {
    eth_pooled_hashes_free(m);
    return ETHC_ERR_NOMEM;
  }
  rlp_iter_t it;
  rlp_iter_init(&it, &f[1]);
  rlp_item_t e;
  for (size_t i = 0; i < ns && !rc; i++) {
    uint64_t v = 0;
    if (rlp_iter_next(&it, &e) != 1) rc = ETHC_ERR_RLP_TRUNCATED;
    if (!rc) rc = rlp_get_u64(&e, &v);
    if (!rc && v > UINT32_MAX) rc = ETHC_ERR_OVERFLOW;
    m->sizes[i] = (uint32_t)v;
  }
  if (rc) eth_pooled_hashes_free(m);
  return rc;
}

void eth_pooled_hashes_free(eth_pooled_hashes_t *m) {
  free(m->sizes);
  free(m->hashes);
  memset(m, 0, sizeof *m);
}

/* ---- eth/69 receipts ---- */

int eth_receipt_to69(bytes_view_t consensus, bytes_buf_t *out) {
  rlp_item_t e, body, f[4];
  int rc = rlp_decode_strict(consensus.data, consensus.len, &e);
  if (rc) return rc;
  uint8_t type = 0;
  if (e.is_list) {
    body = e;
  } else {
    if (e.payload_len < 2 || e.payload[0] >= 0x80) return ETHC_ERR_INVALID;
    type = e.payload[0];
    if ((rc = rlp_decode_strict(e.payload + 1, e.payload_len - 1, &body))) return rc;
  }
  if ((rc = rlp_list_items(&body, f, 4))) return rc;
  size_t l = rlp_list_begin(out);
  rc = rlp_put_u64(out, type);
  if (!rc) rc = rlp_put_raw(out, f[0].raw, f[0].raw_len);
  if (!rc) rc = rlp_put_raw(out, f[1].raw, f[1].raw_len);
  if (!rc) rc = rlp_put_raw(out, f[3].raw, f[3].raw_len);
  return rc ? rc : rlp_list_end(out, l);
}

/* The bloom bits of one item (an address or a topic): three 11-bit indexes
 * from the first six bytes of its keccak256, counted from the last byte. */
static void bloom_add_item(uint8_t bloom[256], const uint8_t *item, size_t len) {
  uint8_t h[32];
  keccak256(item, len, h);
  for (int i = 0; i < 6; i += 2) {
    unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
    bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
  }
}

int eth_receipt_from69(bytes_view_t receipt69, bytes_buf_t *out) {
  rlp_item_t top, f[4];
  uint64_t type;
  int rc = rlp_decode_strict(receipt69.data, receipt69.len, &top);
  if (!rc) rc = rlp_list_items(&top, f, 4);
  if (!rc) rc = rlp_get_u64(&f[0], &type);
  if (rc) return rc;
  if (type >= 0x7f || !f[3].is_list || f[1].is_list || f[2].is_list) return ETHC_ERR_INVALID;
  uint8_t bloom[256] = {0};
  rlp_iter_t logs;
  rlp_iter_init(&logs, &f[3]);
  rlp_item_t log, lf[3];
  while ((rc = rlp_iter_next(&logs, &log)) == 1) {
    if (rlp_list_items(&log, lf, 3) || lf[0].is_list || lf[0].payload_len != 20 || !lf[1].is_list || lf[2].is_list)
      return ETHC_ERR_INVALID;
    bloom_add_item(bloom, lf[0].payload, 20);
    rlp_iter_t topics;
    rlp_iter_init(&topics, &lf[1]);
    rlp_item_t t;
    while ((rc = rlp_iter_next(&topics, &t)) == 1) {
      if (t.is_list || t.payload_len != 32) return ETHC_ERR_INVALID;
      bloom_add_item(bloom, t.payload, 32);
    }
    if (rc != 0) return ETHC_ERR_INVALID;
  }
  if (rc != 0) return ETHC_ERR_INVALID;
  bytes_buf_t body = {0};
  size_t l = rlp_list_begin(&body);
  rc = rlp_put_raw(&body, f[1].raw, f[1].raw_len);
  if (!rc) rc = rlp_put_raw(&body, f[2].raw, f[2].raw_len);
  if (!rc) rc = rlp_put_bytes(&body, bloom, sizeof bloom);
  if (!rc) rc = rlp_put_raw(&body, f[3].raw, f[3].raw_len);
  if (!rc) rc = rlp_list_end(&body, l);
  if (!rc && type == 0) rc = bytes_buf_append(out, body.data, body.len);
  if (!rc && type != 0) rc = rlp_put_header(out, false, body.len + 1);
  if (!rc && type != 0) rc = bytes_buf_push(out, (uint8_t)type);
  if (!rc && type != 0) rc = bytes_buf_append(out, body.data, body.len);
  bytes_buf_free(&body);
  return rc;
}
