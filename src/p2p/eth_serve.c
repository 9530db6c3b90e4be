/* The serving side of the eth protocol (devp2p caps/eth.md; EIP-7642, EIP-7975):
 * GetBlockHeaders, GetBlockBodies, GetReceipts and GetPooledTransactions
 * answered from the chain database and the pool, with geth's limits; our
 * Status and the checks of a peer's. Contracts: include/ethc/eth_wire.h. */
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_genesis_builtin.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/rlp.h"

/* A growing list of item views over one buffer (offsets, since it reallocates). */
typedef struct {
  bytes_buf_t data;
  size_t *off, *len;
  size_t count, cap;
} item_acc_t;

static int acc_push(item_acc_t *a, size_t start) {
  if (a->count == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 64;
    size_t *o = realloc(a->off, cap * sizeof *o), *l;
    if (!o) return ETHC_ERR_NOMEM;
    a->off = o;
    if (!(l = realloc(a->len, cap * sizeof *l))) return ETHC_ERR_NOMEM;
    a->len = l;
    a->cap = cap;
  }
  a->off[a->count] = start;
  a->len[a->count] = a->data.len - start;
  a->count++;
  return 0;
}

static void acc_free(item_acc_t *a) {
  bytes_buf_free(&a->data);
  free(a->off);
  free(a->len);
  memset(a, 0, sizeof *a);
}

/* Views of the accumulated items (valid until the accumulator changes). */
static int acc_views(item_acc_t *a, bytes_view_t **out) {
  bytes_view_t *v = calloc(a->count ? a->count : 1, sizeof *v);
  if (!v) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < a->count; i++) v[i] = bytes_view(a->data.data + a->off[i], a->len[i]);
  *out = v;
  return 0;
}

static int acc_finish(item_acc_t *a, uint64_t request_id, int version70_receipts, bool incomplete, bytes_buf_t *out) {
  bytes_view_t *v = NULL;
  int rc = acc_views(a, &v);
  if (!rc)
    rc = version70_receipts ? eth_receipts70_encode(request_id, incomplete, v, a->count, out)
                            : eth_items_encode(request_id, v, a->count, out);
  free(v);
  acc_free(a);
  return rc;
}

/* Whether an item of `len` bytes still fits a response holding `a`: under
 * the soft limit, or the response's first item (one item over the limit is
 * served alone rather than never; the 16 MiB message limit still holds). */
static bool fits(const item_acc_t *a, size_t len) {
  return a->count == 0 || a->data.len + len <= ETH_SOFT_RESPONSE_LIMIT;
}

/* ---- headers ---- */

static int read_header_raw(chaindb_t *db, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  return chaindb_get_header(db, number, hash, out);
}

int eth_serve_headers(chain_t *c, const eth_get_headers_t *r, bytes_buf_t *out) {
  chaindb_t *db = chain_db(c);
  item_acc_t a = {0};
  uint64_t amount = r->amount < ETH_MAX_HEADERS_SERVE ? r->amount : ETH_MAX_HEADERS_SERVE;
  uint64_t number = r->number;
  ethc_hash_t hash = r->hash;
  bool by_hash = r->by_hash; /* still following hashes (a non-canonical origin) */
  int rc = 0;
  if (by_hash) {
    rc = chaindb_get_number(db, &hash, &number);
    if (rc == ETHC_ERR_NOT_FOUND) amount = 0, rc = 0;
    ethc_hash_t canon;
    if (!rc && amount && chain_read_canonical_hash(c, number, &canon) == 0 && ethc_hash_eq(&canon, &hash))
      by_hash = false; /* canonical: go on by number */
  } else if (amount) {
    rc = chain_read_canonical_hash(c, number, &hash);
    if (rc == ETHC_ERR_NOT_FOUND) amount = 0, rc = 0;
  }
  for (uint64_t i = 0; i < amount && !rc && a.data.len < ETH_SOFT_RESPONSE_LIMIT; i++) {
    size_t start = a.data.len;
    rc = read_header_raw(db, number, &hash, &a.data);
    if (rc == ETHC_ERR_NOT_FOUND) {
      rc = 0;
      break;
    }
    if (!rc && !fits(&a, a.data.len - start)) {
      a.data.len = start; /* over the soft limit: not this one */
      break;
    }
    if (rc || (rc = acc_push(&a, start))) break;
    if (i + 1 == amount) break;
    /* the next block */
    uint64_t step = r->skip + 1;
    if (step == 0) break; /* skip = 2^64-1 */
    if (by_hash) {
      /* a non-canonical branch: only its parents, one by one */
      if (!r->reverse || r->skip != 0 || number == 0) break;
      chain_header_t h;
      if ((rc = header_decode(a.data.data + start, a.data.len - start, &h))) break;
      hash = h.parent_hash;
      number--;
      continue;
    }
    if (r->reverse) {
      if (number < step) break;
      number -= step;
    } else {
      if (number + step < number) break;
      number += step;
    }
    rc = chain_read_canonical_hash(c, number, &hash);
    if (rc == ETHC_ERR_NOT_FOUND) {
      rc = 0;
      break;
    }
  }
  if (rc) {
    acc_free(&a);
    return rc;
  }
  return acc_finish(&a, r->request_id, 0, false, out);
}

/* ---- bodies ---- */

int eth_serve_bodies(chain_t *c, const eth_hash_request_t *r, bytes_buf_t *out) {
  chaindb_t *db = chain_db(c);
  item_acc_t a = {0};
  int rc = 0;
  for (size_t i = 0; i < r->count && a.count < ETH_MAX_BODIES_SERVE && a.data.len < ETH_SOFT_RESPONSE_LIMIT; i++) {
    uint64_t number;
    size_t start = a.data.len;
    rc = chaindb_get_number(db, &r->hashes[i], &number);
    if (!rc) rc = chaindb_get_body(db, number, &r->hashes[i], &a.data);
    if (rc == ETHC_ERR_NOT_FOUND) {
      a.data.len = start;
      rc = 0;
      continue;
    }
    if (!rc && !fits(&a, a.data.len - start)) {
      a.data.len = start; /* over the soft limit: not this one */
      break;
    }
    if (rc || (rc = acc_push(&a, start))) break;
  }
  if (rc) {
    acc_free(&a);
    return rc;
  }
  return acc_finish(&a, r->request_id, 0, false, out);
}

/* ---- receipts ---- */

int eth_serve_receipts(chain_t *c, uint32_t version, const eth_hash_request_t *r, bytes_buf_t *out) {
  chaindb_t *db = chain_db(c);
  item_acc_t a = {0};
  bytes_buf_t stored = {0};
  bool incomplete = false;
  int rc = 0;
  for (size_t i = 0; i < r->count && a.count < ETH_MAX_RECEIPTS_SERVE && a.data.len < ETH_SOFT_RESPONSE_LIMIT; i++) {
    uint64_t number;
    stored.len = 0;
    rc = chaindb_get_number(db, &r->hashes[i], &number);
    if (!rc) rc = chaindb_get_receipts(db, number, &r->hashes[i], &stored);
    if (rc == ETHC_ERR_NOT_FOUND) {
      rc = 0;
      if (version >= 70) break; /* paging needs a contiguous answer */
      continue;
    }
    if (rc) break;
    /* eth/68 and eth/69 cannot split a block: stop before one that would
     * pass the soft limit (its stored size bounds the eth/69 form); eth/70
     * pages it below */
    if (version < 70 && !fits(&a, stored.len)) break;
    size_t start = a.data.len;
    if (version < 69) {
      if ((rc = bytes_buf_append(&a.data, stored.data, stored.len)) || (rc = acc_push(&a, start))) break;
      continue;
    }
    /* eth/69+: each receipt re-encoded without its bloom */
    rlp_item_t list, e;
    if ((rc = rlp_decode(stored.data, stored.len, &list))) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    size_t l = rlp_list_begin(&a.data);
    rlp_iter_t it;
    rlp_iter_init(&it, &list);
    uint64_t index = 0, first = version >= 70 && i == 0 ? r->first_receipt_index : 0;
    int more;
    bool any = a.count > 0; /* the response holds a receipt: the next may be cut */
    while ((more = rlp_iter_next(&it, &e)) == 1) {
      if (index++ < first) continue;
      /* a receipt's stored size bounds its eth/69 form */
      if (version >= 70 && any && a.data.len + e.raw_len > ETH_SOFT_RESPONSE_LIMIT) {
        incomplete = true;
        break;
      }
      if ((rc = eth_receipt_to69(bytes_view(e.raw, e.raw_len), &a.data))) break;
      any = true;
    }
    if (!rc && more < 0) rc = ETHC_ERR_INVALID;
    if (rc && rc != ETHC_ERR_NOMEM) rc = ETHC_ERR_INVALID; /* stored receipts that do not decode */
    if (rc || (rc = rlp_list_end(&a.data, l)) || (rc = acc_push(&a, start))) break;
    if (incomplete) break;
  }
  bytes_buf_free(&stored);
  if (rc) {
    acc_free(&a);
    return rc;
  }
  return acc_finish(&a, r->request_id, version >= 70, incomplete, out);
}

/* ---- pooled transactions ---- */

int eth_serve_pooled_txs(eth_pool_lookup_fn lookup, void *ctx, const eth_hash_request_t *r, bytes_buf_t *out) {
  item_acc_t a = {0};
  bytes_buf_t tx = {0};
  int rc = 0;
  for (size_t i = 0;
       lookup && i < r->count && a.count < ETH_MAX_POOLED_TXS_SERVE && a.data.len < ETH_SOFT_RESPONSE_LIMIT; i++) {
    tx.len = 0;
    if (!lookup(ctx, &r->hashes[i], &tx) || tx.len == 0) continue;
    size_t start = a.data.len;
    /* a typed transaction travels as a string, a legacy one as its list */
    rc = tx.data[0] >= 0xc0 ? bytes_buf_append(&a.data, tx.data, tx.len) : rlp_put_bytes(&a.data, tx.data, tx.len);
    if (rc || (rc = acc_push(&a, start))) break;
  }
  bytes_buf_free(&tx);
  if (rc) {
    acc_free(&a);
    return rc;
  }
  return acc_finish(&a, r->request_id, 0, false, out);
}

/* ---- Status and block ranges ---- */

int eth_block_range_check(const eth_block_range_t *r, const char **why) {
  static const ethc_hash_t zero = {{0}};
  *why = NULL;
  if (r->earliest > r->latest) *why = "invalid block range: earliest after latest";
  else if (ethc_hash_eq(&r->latest_hash, &zero)) *why = "invalid block range: zero latest hash";
  return *why ? ETHC_ERR_INVALID : 0;
}

/* Where the chain stands for Status and fork ids: its genesis (stored, or the
 * built-in table's for a light database) and the head (number, time; a light
 * database that has proven nothing yet stands at the genesis). */
typedef struct {
  chain_genesis_info_t genesis;
  uint64_t number, time;
} status_pos_t;

static int status_position(chain_t *c, const ethc_hash_t *head, status_pos_t *out) {
  static const ethc_hash_t zero;
  int rc = chain_genesis_info(c, &out->genesis);
  if (rc) return rc;
  out->number = 0;
  out->time = out->genesis.timestamp;
  if (ethc_hash_eq(head, &zero) || ethc_hash_eq(head, &out->genesis.hash)) return 0;
  chain_header_t h;
  if ((rc = chain_read_header_by_hash(c, head, &h))) return rc;
  out->number = h.number;
  out->time = h.timestamp;
  return 0;
}

int eth_status_from_chain(chain_t *c, uint32_t version, uint64_t network_id, eth_status_t *out) {
  static const ethc_hash_t zero;
  memset(out, 0, sizeof *out);
  status_pos_t pos;
  int rc = chain_read_head(c, &out->latest, &out->head);
  if (!rc) rc = status_position(c, &out->head, &pos);
  if (rc) return rc;
  if (ethc_hash_eq(&out->head, &zero)) { /* a light node before its first proven head */
    out->head = pos.genesis.hash;
    out->latest = 0;
    out->td = pos.genesis.difficulty;
  } else if (version < 69 && (rc = chain_read_td(c, &out->head, &out->td))) {
    return rc;
  }
  forkid_schedule_t s;
  forkid_schedule(chain_config(c), &pos.genesis.hash, pos.genesis.timestamp, &s);
  out->version = version;
  out->network_id = network_id;
  out->genesis = pos.genesis.hash;
  out->fork_id = forkid_at(&s, pos.number, pos.time);
  /* what we serve: a light database stores the proven headers only */
  out->earliest = pos.genesis.builtin ? out->latest : 0;
  return 0;
}

int eth_status_check(chain_t *c, const eth_status_t *ours, const eth_status_t *theirs, const char **why) {
  *why = NULL;
  if (theirs->version != ours->version) *why = "protocol version mismatch";
  else if (theirs->network_id != ours->network_id) *why = "network id mismatch";
  else if (!ethc_hash_eq(&theirs->genesis, &ours->genesis)) *why = "genesis mismatch";
  else if (theirs->version >= 69) {
    eth_block_range_t r = {theirs->earliest, theirs->latest, theirs->head};
    if (eth_block_range_check(&r, why)) return ETHC_ERR_INVALID;
  }
  if (*why) return ETHC_ERR_INVALID;
  status_pos_t pos;
  int rc = status_position(c, &ours->head, &pos);
  if (rc) return rc;
  forkid_schedule_t s;
  forkid_schedule(chain_config(c), &ours->genesis, pos.genesis.timestamp, &s);
  forkid_verdict_t v = forkid_validate(&s, pos.number, pos.time, &theirs->fork_id);
  if (v != FORKID_OK) {
    *why = v == FORKID_REMOTE_STALE ? "fork id: remote needs update" : "fork id: incompatible chain or local stale";
    return ETHC_ERR_INVALID;
  }
  return 0;
}

/* ---- dispatch ---- */

int eth_serve(chain_t *c, uint32_t version, unsigned code, const uint8_t *p, size_t n, eth_pool_lookup_fn lookup,
              void *lookup_ctx, unsigned *out_code, bytes_buf_t *out) {
  int rc;
  switch (code) {
    case ETH_MSG_GET_BLOCK_HEADERS: {
      eth_get_headers_t r;
      if ((rc = eth_get_headers_decode(p, n, &r))) return rc;
      *out_code = ETH_MSG_BLOCK_HEADERS;
      return eth_serve_headers(c, &r, out);
    }
    case ETH_MSG_GET_BLOCK_BODIES:
    case ETH_MSG_GET_POOLED_TXS:
    case ETH_MSG_GET_RECEIPTS: {
      eth_hash_request_t r;
      rc = code == ETH_MSG_GET_RECEIPTS && version >= 70 ? eth_get_receipts70_decode(p, n, &r)
                                                         : eth_hash_request_decode(p, n, &r);
      if (!rc) {
        if (code == ETH_MSG_GET_BLOCK_BODIES) {
          *out_code = ETH_MSG_BLOCK_BODIES;
          rc = eth_serve_bodies(c, &r, out);
        } else if (code == ETH_MSG_GET_RECEIPTS) {
          *out_code = ETH_MSG_RECEIPTS;
          rc = eth_serve_receipts(c, version, &r, out);
        } else {
          *out_code = ETH_MSG_POOLED_TXS;
          rc = eth_serve_pooled_txs(lookup, lookup_ctx, &r, out);
        }
      }
      eth_hash_request_free(&r);
      return rc;
    }
    default: return ETHC_ERR_UNSUPPORTED;
  }
}
