/* Decoded reads of stored blocks (include/ethc/chain_read.h): headers, bodies,
 * transactions by hash through the transaction index, receipts with their
 * derived fields (EIP-658 status, EIP-1559 effective gas price, EIP-4844 blob
 * gas) and eth_getLogs filtering with the header blooms (Yellow Paper 4.3.1).
 * Everything here reads LevelDB and chain_t fields fixed at open, nothing else. */
#include "ethc/chain_read.h"

#include <stdlib.h>
#include <string.h>

#include "chain/chain_internal.h"
#include "chain/chain_read_senders.h"
#include "chain/header_cache.h"
#include "ethc/chain_dev.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/transition.h"

/* A decoding failure of stored bytes is damage, whatever the decoder's code;
 * memory stays memory. */
static int stored(int rc) { return rc == ETHC_OK || rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_INVALID; }

/* ---- headers and the canonical index ---- */

int chain_read_head(chain_t *c, uint64_t *number, ethc_hash_t *hash) {
  /* the published head, not the database's head pointer: an import writes
   * the pointer a moment before it publishes, and a reader that saw the newer
   * pointer would find the other reads (logs, state) still on the older head */
  chain_snapshot_t *snap = chain_snapshot_head(c);
  if (!snap) return ETHC_ERR_NOMEM;
  if (number) *number = chain_snapshot_header(snap)->number;
  if (hash) *hash = *chain_snapshot_hash(snap);
  chain_snapshot_release(snap);
  return ETHC_OK;
}

int chain_read_canonical_hash(chain_t *c, uint64_t number, ethc_hash_t *hash) {
  if (header_cache_get(chain_header_cache(c), number, NULL, hash)) return ETHC_OK;
  return chaindb_get_canonical(chain_db(c), number, hash);
}

int chain_read_number(chain_t *c, const ethc_hash_t *hash, uint64_t *number) {
  return chaindb_get_number(chain_db(c), hash, number);
}

/* The header of (number, hash); NOT_FOUND of a known number is damage. */
static int header_at(chain_t *c, uint64_t number, const ethc_hash_t *hash, chain_header_t *h) {
  bytes_buf_t b = {0};
  int rc = chaindb_get_header(chain_db(c), number, hash, &b);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID;
  if (!rc) rc = stored(header_decode(b.data, b.len, h));
  bytes_buf_free(&b);
  return rc;
}

/* A fork-choice mark (chain_set_head): the hash stored under meta `name`. */
static int read_mark(chain_t *c, const char *name, ethc_hash_t *hash) {
  bytes_buf_t v = {0};
  int rc = chaindb_get_meta(chain_db(c), name, &v);
  if (!rc && v.len != 32) rc = ETHC_ERR_INVALID;
  if (!rc) memcpy(hash->bytes, v.data, 32);
  bytes_buf_free(&v);
  return rc;
}

int chain_read_safe(chain_t *c, ethc_hash_t *hash) { return read_mark(c, "safe", hash); }
int chain_read_finalized(chain_t *c, ethc_hash_t *hash) { return read_mark(c, "finalized", hash); }

int chain_read_header_by_hash(chain_t *c, const ethc_hash_t *hash, chain_header_t *header) {
  uint64_t number;
  int rc = chaindb_get_number(chain_db(c), hash, &number);
  if (rc) return rc;
  /* a canonical block's header may be cached: one read instead of two */
  ethc_hash_t cached;
  if (header_cache_get(chain_header_cache(c), number, header, &cached) && ethc_hash_eq(&cached, hash)) return ETHC_OK;
  return header_at(c, number, hash, header);
}

int chain_read_header_by_number(chain_t *c, uint64_t number, chain_header_t *header, ethc_hash_t *hash) {
  header_cache_t *hc = chain_header_cache(c);
  if (header_cache_get(hc, number, header, hash)) return ETHC_OK;
  uint64_t epoch = header_cache_epoch(hc); /* before the reads: see header_cache.h */
  ethc_hash_t h;
  int rc = chaindb_get_canonical(chain_db(c), number, &h);
  if (!rc) rc = header_at(c, number, &h, header);
  if (rc) return rc;
  header_cache_put(hc, epoch, header, &h);
  if (hash) *hash = h;
  return rc;
}

int chain_read_td(chain_t *c, const ethc_hash_t *hash, u256_t *td) {
  uint64_t number;
  int rc = chaindb_get_number(chain_db(c), hash, &number);
  if (!rc && (rc = chaindb_get_td(chain_db(c), number, hash, td)) == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID;
  return rc;
}

/* ---- blocks ---- */

/* The stored body of (number, hash); for a header-only block, the remote
 * source's, checked against the header (chain_remote.c). NOT_FOUND only when
 * neither has it. */
static int body_or_remote(chain_t *c, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  int rc = chaindb_get_body(chain_db(c), number, hash, out);
  if (rc != ETHC_ERR_NOT_FOUND || !chain_get_remote(c)) return rc;
  chain_header_t h;
  if ((rc = header_at(c, number, hash, &h))) return rc;
  return chain_remote_body(c, &h, hash, out);
}

/* The same for the receipts. */
static int receipts_or_remote(chain_t *c, uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  int rc = chaindb_get_receipts(chain_db(c), number, hash, out);
  if (rc != ETHC_ERR_NOT_FOUND || !chain_get_remote(c)) return rc;
  chain_header_t h;
  if ((rc = header_at(c, number, hash, &h))) return rc;
  return chain_remote_receipts(c, &h, hash, out);
}

void chain_read_block_free(chain_read_block_t *b) {
  block_free(&b->block);
  bytes_buf_free(&b->rlp);
  memset(b, 0, sizeof *b);
}

int chain_read_block(chain_t *c, const ethc_hash_t *hash, chain_read_block_t *out) {
  memset(out, 0, sizeof *out);
  chaindb_t *db = chain_db(c);
  uint64_t number;
  int rc = chaindb_get_number(db, hash, &number);
  if (rc) return rc;
  bytes_buf_t hdr = {0}, body = {0};
  rc = chaindb_get_header(db, number, hash, &hdr);
  if (!rc) rc = body_or_remote(c, number, hash, &body);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID; /* a known number without its records */
  rlp_item_t bl;
  if (!rc) rc = stored(rlp_decode(body.data, body.len, &bl));
  if (!rc && !bl.is_list) rc = ETHC_ERR_INVALID;
  if (!rc) {
    /* rlp([header, transactions, ommers(, withdrawals)]) from the two records */
    size_t start = rlp_list_begin(&out->rlp);
    rc = rlp_put_raw(&out->rlp, hdr.data, hdr.len) | rlp_put_raw(&out->rlp, bl.payload, bl.payload_len) |
         rlp_list_end(&out->rlp, start);
    if (rc) rc = ETHC_ERR_NOMEM;
  }
  if (!rc) rc = stored(block_decode(out->rlp.data, out->rlp.len, &out->block));
  bytes_buf_free(&hdr);
  bytes_buf_free(&body);
  if (rc) {
    bytes_buf_free(&out->rlp);
    memset(out, 0, sizeof *out);
    return rc;
  }
  out->hash = *hash;
  return ETHC_OK;
}

/* ---- transactions ---- */

/* The fork rules a stored block was valid under: a proof-of-stake block has
 * difficulty zero (EIP-3675), which is all the transaction rules need to know. */
static evm_revision_t block_rev(chain_t *c, const chain_header_t *h) {
  const chain_config_t *cfg = chain_config(c);
  bool post_merge = cfg->has_ttd && u256_is_zero(&h->difficulty);
  return chain_config_revision(cfg, h->number, h->timestamp, post_merge);
}

static void effective_gas_price(const tx_t *tx, const chain_header_t *h, u256_t *out) {
  if (tx->type == TX_LEGACY || tx->type == TX_ACCESS_LIST || !h->has_base_fee) {
    *out = tx->gas_price;
    return;
  }
  u256_t tip_cap;
  u256_add(&tip_cap, &h->base_fee, &tx->max_priority_fee_per_gas);
  *out = u256_lt(&tip_cap, &tx->max_fee_per_gas) ? tip_cap : tx->max_fee_per_gas;
}

void chain_read_tx_free(chain_read_tx_t *t) {
  tx_free(&t->tx);
  memset(t, 0, sizeof *t);
}

int chain_tx_sender(const chain_forced_t *forced, size_t index, const tx_t *tx, const ethc_hash_t *tx_hash,
                    evm_revision_t rev, ethc_address_t *from) {
  if (forced && chain_forced_get(forced, index, from)) return 0;
  return chain_sender_recover(tx, tx_hash, rev, from);
}

/* Fills `out` with transaction `index` of the decoded block `b`. */
static int tx_of_block(chain_t *c, const chain_read_block_t *b, uint32_t index, chain_read_tx_t *out) {
  memset(out, 0, sizeof *out);
  if (index >= b->block.tx_count) return ETHC_ERR_NOT_FOUND;
  const bytes_view_t *enc = &b->block.tx_encodings[index];
  int rc = stored(tx_decode(enc->data, enc->len, &out->tx));
  if (rc) return rc;
  keccak256(enc->data, enc->len, out->hash.bytes);
  /* a transaction the block was imported with has a valid signature, or a
   * forced sender (impersonation, chain_dev.h) */
  chain_forced_t forced;
  if ((rc = chain_forced_load(c, &b->hash, &forced))) {
    chain_read_tx_free(out);
    return rc;
  }
  rc = chain_tx_sender(&forced, index, &out->tx, &out->hash, block_rev(c, &b->block.header), &out->from);
  chain_forced_free(&forced);
  if (rc) {
    chain_read_tx_free(out);
    return ETHC_ERR_INVALID;
  }
  out->block_hash = b->hash;
  out->block_number = b->block.header.number;
  out->block_timestamp = b->block.header.timestamp;
  out->index = index;
  effective_gas_price(&out->tx, &b->block.header, &out->effective_gas_price);
  return ETHC_OK;
}

int chain_read_tx_by_block(chain_t *c, const ethc_hash_t *block_hash, uint32_t index, chain_read_tx_t *out) {
  memset(out, 0, sizeof *out);
  chain_read_block_t b;
  int rc = chain_read_block(c, block_hash, &b);
  if (rc) return rc;
  rc = tx_of_block(c, &b, index, out);
  chain_read_block_free(&b);
  return rc;
}

/* The canonical position of a transaction from the index. An entry naming a
 * block that is no longer canonical (left by a reorganisation that dropped the
 * transaction) is NOT_FOUND: the transaction is in no canonical block. */
static int locate_tx(chain_t *c, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index, bool *remote) {
  uint64_t number;
  *remote = false;
  int rc = chaindb_get_tx_index(chain_db(c), tx_hash, &number, block_hash, index);
  /* light mode: the source's hint, believed once the block's verified body holds it */
  if (rc == ETHC_ERR_NOT_FOUND && chain_get_remote(c)) {
    *remote = true;
    return chain_remote_tx_location(c, tx_hash, block_hash, index);
  }
  if (rc) return rc;
  ethc_hash_t canon;
  rc = chain_read_canonical_hash(c, number, &canon);
  if (rc) return rc;
  return ethc_hash_eq(&canon, block_hash) ? ETHC_OK : ETHC_ERR_NOT_FOUND;
}

int chain_read_tx_by_hash(chain_t *c, const ethc_hash_t *tx_hash, chain_read_tx_t *out) {
  memset(out, 0, sizeof *out);
  ethc_hash_t block_hash;
  uint32_t index;
  bool remote;
  int rc = locate_tx(c, tx_hash, &block_hash, &index, &remote);
  if (rc) return rc;
  rc = chain_read_tx_by_block(c, &block_hash, index, out);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID; /* the index names a block or position not stored */
  if (!rc && !ethc_hash_eq(&out->hash, tx_hash)) {
    chain_read_tx_free(out);
    rc = ETHC_ERR_INVALID; /* the index entry points at another transaction */
  }
  if (rc == ETHC_ERR_INVALID && remote)
    rc = chain_remote_fail(ETHC_ERR_IO,
                           "the execution source's location of the transaction is not in the verified block");
  return rc;
}

int chain_read_tx_index_complete(chain_t *c, bool *complete) {
  bytes_buf_t v = {0};
  int rc = chaindb_get_meta(chain_db(c), "txindex", &v);
  bytes_buf_free(&v);
  if (rc && rc != ETHC_ERR_NOT_FOUND) return rc;
  *complete = rc == ETHC_OK;
  return ETHC_OK;
}

/* ---- receipts ---- */

void chain_read_receipts_free(chain_read_receipts_t *r) {
  free(r->receipts);
  free(r->logs);
  bytes_buf_free(&r->raw);
  memset(r, 0, sizeof *r);
}

/* Decodes one stored log rlp([address, [topics], data]) into `l`. */
static int decode_log(const rlp_item_t *item, chain_log_t *l) {
  rlp_item_t f[3], t;
  rlp_iter_t it;
  bytes_view_t data;
  int rc = rlp_list_items(item, f, 3);
  if (!rc) rc = rlp_get_fixed(&f[0], l->address.bytes, 20);
  if (!rc && !f[1].is_list) rc = ETHC_ERR_RLP_TYPE;
  if (!rc) {
    rlp_iter_init(&it, &f[1]);
    int r;
    l->topics_count = 0;
    while (!rc && (r = rlp_iter_next(&it, &t)) == 1) {
      if (l->topics_count == 4) rc = ETHC_ERR_RLP_COUNT;
      else rc = rlp_get_fixed(&t, l->topics[l->topics_count++].bytes, 32);
    }
    if (!rc && r < 0) rc = -r;
  }
  if (!rc) rc = rlp_get_bytes(&f[2], &data);
  if (!rc) {
    l->data = data.data;
    l->data_size = data.len;
  }
  return rc;
}

/* Decodes one stored receipt (a legacy list, or a string type || list) into
 * `r`; its logs go to logs[*nlogs...] (room for `cap`). */
static int decode_receipt(const rlp_item_t *item, chain_read_receipt_t *r, chain_log_t *logs, size_t cap,
                          size_t *nlogs) {
  rlp_item_t list, f[4], li;
  r->type = TX_LEGACY;
  if (item->is_list) {
    list = *item;
  } else {
    if (item->payload_len < 1 || item->payload[0] == 0 || item->payload[0] > TX_SET_CODE) return ETHC_ERR_TX_TYPE;
    r->type = (tx_type_t)item->payload[0];
    int rc = rlp_decode(item->payload + 1, item->payload_len - 1, &list);
    if (rc) return rc;
  }
  int rc = rlp_list_items(&list, f, 4);
  if (rc) return rc;
  if (!f[0].is_list && f[0].payload_len == 32) {
    r->has_post_state = true;
    memcpy(r->post_state.bytes, f[0].payload, 32);
  } else {
    uint64_t status;
    if ((rc = rlp_get_u64(&f[0], &status))) return rc;
    if (status > 1) return ETHC_ERR_INVALID;
    r->status = status == 1;
  }
  if ((rc = rlp_get_u64(&f[1], &r->cumulative_gas_used)) || (rc = rlp_get_fixed(&f[2], r->bloom, 256))) return rc;
  if (!f[3].is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, &f[3]);
  int more;
  r->log_count = 0;
  while ((more = rlp_iter_next(&it, &li)) == 1) {
    if (*nlogs >= cap) return ETHC_ERR_INVALID;
    if ((rc = decode_log(&li, &logs[*nlogs]))) return rc;
    (*nlogs)++;
    r->log_count++;
  }
  return more < 0 ? -more : ETHC_OK;
}

/* Number of logs in the stored receipts (an upper bound for the allocation:
 * each log item of each receipt). */
static size_t count_logs(const rlp_item_t *receipts) {
  size_t n = 0;
  rlp_iter_t it;
  rlp_item_t item, list, f[4];
  rlp_iter_init(&it, receipts);
  while (rlp_iter_next(&it, &item) == 1) {
    if (item.is_list) list = item;
    else if (item.payload_len < 1 || rlp_decode(item.payload + 1, item.payload_len - 1, &list)) continue;
    if (rlp_list_items(&list, f, 4) || !f[3].is_list) continue;
    int k = rlp_list_count(&f[3]);
    if (k > 0) n += (size_t)k;
  }
  return n;
}

/* Which senders derive recovers: every one, none, or that of one index (and,
 * for one index, which transaction hashes it computes: only that one's; for
 * none, those of the transactions with logs, all eth_getLogs reads). */
#define SENDERS_ALL (-1L)
#define SENDERS_NONE (-2L)

/* Fills the derived fields of every receipt from the block; the senders (and
 * so the contract addresses) only as `senders` says (SENDERS_ALL, SENDERS_NONE
 * or a transaction index): a signature recovery per transaction is most of the
 * cost, logs need none and a single receipt only its own. With an index, only
 * that receipt (and its logs) gets its transaction hash too. */
static int derive_senders(chain_t *c, const chain_read_block_t *b, long senders, const chain_forced_t *forced,
                          chain_read_receipts_t *out) {
  const chain_header_t *h = &b->block.header;
  evm_revision_t rev = block_rev(c, h);
  u256_t blob_price = u256_from_u64(0);
  if (h->has_blob_gas) {
    chain_blob_schedule_t bs = chain_config_blob_params(chain_config(c), h->timestamp);
    uint64_t fraction = bs.update_fraction;
    if (!fraction) {
      chain_blob_params_t p;
      chain_blob_params(rev, &p);
      fraction = p.update_fraction;
    }
    chain_blob_base_fee(h->excess_blob_gas, fraction, &blob_price);
  }
  uint64_t prev_gas = 0;
  uint32_t log_index = 0;
  for (size_t i = 0; i < out->count; i++) {
    chain_read_receipt_t *r = &out->receipts[i];
    const tx_t *tx = &b->block.txs[i];
    if (r->type != tx->type || r->cumulative_gas_used < prev_gas) return ETHC_ERR_INVALID;
    r->gas_used = r->cumulative_gas_used - prev_gas;
    prev_gas = r->cumulative_gas_used;
    const bytes_view_t *enc = &b->block.tx_encodings[i];
    bool want = senders == SENDERS_ALL || senders == (long)i;
    if (want || (senders == SENDERS_NONE && r->log_count)) keccak256(enc->data, enc->len, r->tx_hash.bytes);
    if (want && chain_tx_sender(forced, i, tx, &r->tx_hash, rev, &r->from)) return ETHC_ERR_INVALID;
    r->has_to = tx->has_to;
    r->to = tx->to;
    if (want && !tx->has_to) {
      r->has_contract_address = true;
      chain_create_address(&r->from, tx->nonce, &r->contract_address);
    }
    effective_gas_price(tx, h, &r->effective_gas_price);
    if (tx->type == TX_BLOB) {
      r->has_blob_gas = true;
      r->blob_gas_used = tx_blob_gas(tx);
      r->blob_gas_price = blob_price;
    }
    r->tx_index = (uint32_t)i;
    r->block_hash = b->hash;
    r->block_number = h->number;
    r->block_timestamp = h->timestamp;
    for (size_t k = 0; k < r->log_count; k++) {
      chain_log_t *l = (chain_log_t *)&r->logs[k];
      l->block_hash = b->hash;
      l->block_number = h->number;
      l->block_timestamp = h->timestamp;
      l->tx_hash = r->tx_hash;
      l->tx_index = (uint32_t)i;
      l->log_index = log_index++;
    }
  }
  return ETHC_OK;
}

/* derive, the impersonated senders (chain_dev.h: given, not recovered) read first. */
static int derive(chain_t *c, const chain_read_block_t *b, long senders, chain_read_receipts_t *out) {
  chain_forced_t forced = {0};
  int rc = senders == SENDERS_NONE ? 0 : chain_forced_load(c, &b->hash, &forced);
  if (!rc) rc = derive_senders(c, b, senders, &forced, out);
  chain_forced_free(&forced);
  return rc;
}

/* The stored receipts of block (number, hash), decoded, of `tx_count`
 * transactions; no derived field filled. */
static int decode_receipts(chain_t *c, uint64_t number, const ethc_hash_t *hash, size_t tx_count,
                           chain_read_receipts_t *out) {
  memset(out, 0, sizeof *out);
  int rc = receipts_or_remote(c, number, hash, &out->raw);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID; /* a stored block has its receipts */
  rlp_item_t list, item;
  int n = 0;
  if (!rc) rc = stored(rlp_decode(out->raw.data, out->raw.len, &list));
  if (!rc && !list.is_list) rc = ETHC_ERR_INVALID;
  if (!rc && (n = rlp_list_count(&list)) < 0) rc = ETHC_ERR_INVALID;
  if (!rc && (size_t)n != tx_count) rc = ETHC_ERR_INVALID;
  size_t cap = rc ? 0 : count_logs(&list);
  if (!rc) {
    out->receipts = calloc((size_t)n + 1, sizeof *out->receipts);
    out->logs = calloc(cap + 1, sizeof *out->logs);
    if (!out->receipts || !out->logs) rc = ETHC_ERR_NOMEM;
  }
  if (!rc) {
    rlp_iter_t it;
    rlp_iter_init(&it, &list);
    size_t nlogs = 0;
    for (int i = 0; i < n && !rc; i++) {
      if (rlp_iter_next(&it, &item) != 1) rc = ETHC_ERR_INVALID;
      size_t first = nlogs;
      if (!rc) rc = stored(decode_receipt(&item, &out->receipts[i], out->logs, cap, &nlogs));
      out->receipts[i].logs = out->logs + first;
    }
    out->count = (size_t)n;
    out->log_count = nlogs;
  }
  if (rc) chain_read_receipts_free(out);
  return rc;
}

/* The receipts of an already-read block. */
static int receipts_of(chain_t *c, const chain_read_block_t *b, long senders, chain_read_receipts_t *out) {
  int rc = decode_receipts(c, b->block.header.number, &b->hash, b->block.tx_count, out);
  if (!rc && (rc = derive(c, b, senders, out))) chain_read_receipts_free(out);
  return rc;
}

static int read_receipts(chain_t *c, const ethc_hash_t *block_hash, long senders, chain_read_receipts_t *out) {
  memset(out, 0, sizeof *out);
  chain_read_block_t b;
  int rc = chain_read_block(c, block_hash, &b);
  if (rc) return rc;
  rc = receipts_of(c, &b, senders, out);
  chain_read_block_free(&b);
  return rc;
}

int chain_read_receipts(chain_t *c, const ethc_hash_t *block_hash, chain_read_receipts_t *out) {
  return read_receipts(c, block_hash, SENDERS_ALL, out);
}

int chain_read_receipt_by_tx(chain_t *c, const ethc_hash_t *tx_hash, chain_read_receipts_t *out,
                             const chain_read_receipt_t **receipt) {
  memset(out, 0, sizeof *out);
  *receipt = NULL;
  ethc_hash_t block_hash;
  uint32_t index;
  bool remote;
  int rc = locate_tx(c, tx_hash, &block_hash, &index, &remote);
  if (rc) return rc;
  /* one signature recovery, that of the receipt asked for, not the whole block's */
  rc = read_receipts(c, &block_hash, (long)index, out);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID; /* the index names a block not stored */
  if (rc) return rc;
  if (index >= out->count || !ethc_hash_eq(&out->receipts[index].tx_hash, tx_hash)) {
    chain_read_receipts_free(out);
    if (remote)
      return chain_remote_fail(ETHC_ERR_IO,
                               "the execution source's location of the transaction is not in the verified block");
    return ETHC_ERR_INVALID;
  }
  *receipt = &out->receipts[index];
  return ETHC_OK;
}

/* ---- logs ---- */

/* The three bloom bits of a value (Yellow Paper 4.3.1, what bloom_add_log
 * sets), hashed once per query rather than once per block. */
typedef struct {
  uint16_t bit[3];
} bloom_bits_t;

static void bloom_bits(const uint8_t *data, size_t len, bloom_bits_t *out) {
  uint8_t h[32];
  keccak256(data, len, h);
  for (int i = 0; i < 3; i++) out->bit[i] = (uint16_t)(((unsigned)h[2 * i] << 8 | h[2 * i + 1]) & 2047);
}

static bool bloom_has(const uint8_t bloom[256], const bloom_bits_t *b) {
  for (int i = 0; i < 3; i++)
    if (!(bloom[255 - b->bit[i] / 8] & (1u << (b->bit[i] % 8)))) return false;
  return true;
}

/* The filter's values as bloom bits: addresses first, then each topic
 * position's hashes in order. */
typedef struct {
  bloom_bits_t *bits;
  size_t topic_first[4];
} bloom_query_t;

static int bloom_query_init(const chain_log_filter_t *f, bloom_query_t *q) {
  size_t n = f->address_count;
  for (size_t p = 0; p < f->topic_count; p++) n += f->topics[p].count;
  q->bits = malloc((n ? n : 1) * sizeof *q->bits);
  if (!q->bits) return ETHC_ERR_NOMEM;
  size_t k = 0;
  for (size_t i = 0; i < f->address_count; i++) bloom_bits(f->addresses[i].bytes, 20, &q->bits[k++]);
  for (size_t p = 0; p < f->topic_count; p++) {
    q->topic_first[p] = k;
    for (size_t i = 0; i < f->topics[p].count; i++) bloom_bits(f->topics[p].hashes[i].bytes, 32, &q->bits[k++]);
  }
  return ETHC_OK;
}

static bool bloom_may_match(const uint8_t bloom[256], const chain_log_filter_t *f, const bloom_query_t *q) {
  if (f->address_count) {
    bool any = false;
    for (size_t i = 0; i < f->address_count && !any; i++) any = bloom_has(bloom, &q->bits[i]);
    if (!any) return false;
  }
  for (size_t p = 0; p < f->topic_count; p++) {
    if (!f->topics[p].count) continue;
    bool any = false;
    for (size_t i = 0; i < f->topics[p].count && !any; i++) any = bloom_has(bloom, &q->bits[q->topic_first[p] + i]);
    if (!any) return false;
  }
  return true;
}

static bool log_matches(const chain_log_t *l, const chain_log_filter_t *f) {
  if (f->address_count) {
    bool any = false;
    for (size_t i = 0; i < f->address_count && !any; i++) any = ethc_address_eq(&l->address, &f->addresses[i]);
    if (!any) return false;
  }
  for (size_t p = 0; p < f->topic_count; p++) {
    if (!f->topics[p].count) continue;
    if (p >= l->topics_count) return false;
    bool any = false;
    for (size_t i = 0; i < f->topics[p].count && !any; i++) any = ethc_hash_eq(&l->topics[p], &f->topics[p].hashes[i]);
    if (!any) return false;
  }
  return true;
}

void chain_read_logs_free(chain_read_logs_t *l) {
  free(l->logs);
  free(l->data);
  memset(l, 0, sizeof *l);
}

/* Collected logs: data copied into one arena, pointers fixed at the end. */
typedef struct {
  chain_log_t *logs;
  size_t *offsets;
  size_t count, cap;
  bytes_buf_t data;
} collect_t;

/* The logs of the stored block (h, hash) with the positions a log object
 * names, in `out` (only logs and log_count are meaningful): the receipts and
 * the body's transaction encodings, without decoding the transactions (only
 * the hashes of those with logs are computed). */
static int block_logs(chain_t *c, uint64_t number, uint64_t timestamp, const ethc_hash_t *hash,
                      chain_read_receipts_t *out) {
  bytes_buf_t body = {0};
  int rc = body_or_remote(c, number, hash, &body);
  if (rc == ETHC_ERR_NOT_FOUND) rc = ETHC_ERR_INVALID; /* a block whose header is canonical has its body */
  rlp_item_t bl, txs;
  rlp_iter_t it;
  int n = 0;
  if (!rc) rc = stored(rlp_decode(body.data, body.len, &bl));
  if (!rc && !bl.is_list) rc = ETHC_ERR_INVALID;
  if (!rc) {
    rlp_iter_init(&it, &bl);
    if (rlp_iter_next(&it, &txs) != 1 || !txs.is_list || (n = rlp_list_count(&txs)) < 0) rc = ETHC_ERR_INVALID;
  }
  if (!rc) rc = decode_receipts(c, number, hash, (size_t)n, out);
  if (rc) return bytes_buf_free(&body), rc;
  rlp_iter_init(&it, &txs);
  uint32_t log_index = 0;
  for (size_t i = 0; i < out->count; i++) {
    rlp_item_t tx;
    if (rlp_iter_next(&it, &tx) != 1) { /* counted above: cannot happen */
      rc = ETHC_ERR_INVALID;
      break;
    }
    chain_read_receipt_t *r = &out->receipts[i];
    if (!r->log_count) continue;
    /* legacy: the list item itself; typed: a string holding type || payload */
    if (tx.is_list) keccak256(tx.raw, tx.raw_len, r->tx_hash.bytes);
    else keccak256(tx.payload, tx.payload_len, r->tx_hash.bytes);
    for (size_t k = 0; k < r->log_count; k++) {
      chain_log_t *l = (chain_log_t *)&r->logs[k];
      l->block_hash = *hash;
      l->block_number = number;
      l->block_timestamp = timestamp;
      l->tx_hash = r->tx_hash;
      l->tx_index = (uint32_t)i;
      l->log_index = log_index++;
    }
  }
  bytes_buf_free(&body);
  if (rc) chain_read_receipts_free(out);
  return rc;
}

static int collect_block(chain_t *c, uint64_t number, uint64_t timestamp, const ethc_hash_t *hash,
                         const chain_log_filter_t *f, collect_t *col) {
  chain_read_receipts_t rs;
  int rc = block_logs(c, number, timestamp, hash, &rs);
  if (rc) return rc;
  for (size_t i = 0; i < rs.log_count && !rc; i++) {
    const chain_log_t *l = &rs.logs[i];
    if (!log_matches(l, f)) continue;
    if (col->count >= f->max_results) {
      rc = ETHC_ERR_LIMIT;
      break;
    }
    if (col->count == col->cap) {
      size_t cap = col->cap ? col->cap * 2 : 16;
      chain_log_t *nl = realloc(col->logs, cap * sizeof *nl);
      if (nl) col->logs = nl;
      size_t *no = nl ? realloc(col->offsets, cap * sizeof *no) : NULL;
      if (no) col->offsets = no;
      if (!nl || !no) {
        rc = ETHC_ERR_NOMEM;
        break;
      }
      col->cap = cap;
    }
    col->offsets[col->count] = col->data.len;
    col->logs[col->count++] = *l;
    if (l->data_size && bytes_buf_append(&col->data, l->data, l->data_size)) rc = ETHC_ERR_NOMEM;
  }
  chain_read_receipts_free(&rs);
  return rc;
}

int chain_read_logs(chain_t *c, const chain_log_filter_t *f, chain_read_logs_t *out) {
  memset(out, 0, sizeof *out);
  if (f->topic_count > 4) return ETHC_ERR_INVALID;
  collect_t col = {0};
  bloom_query_t q;
  int rc = bloom_query_init(f, &q);
  if (rc) return rc;
  if (f->block_hash) {
    chain_header_t h;
    rc = chain_read_header_by_hash(c, f->block_hash, &h);
    if (!rc && bloom_may_match(h.bloom, f, &q)) rc = collect_block(c, h.number, h.timestamp, f->block_hash, f, &col);
  } else if (f->from_block > f->to_block) {
    rc = ETHC_ERR_RANGE;
  } else {
    /* the published head: no database read (a block stored since is not
     * canonical to readers yet) */
    chain_snapshot_t *snap = chain_snapshot_head(c);
    uint64_t head = chain_snapshot_header(snap)->number, last = f->to_block;
    chain_snapshot_release(snap);
    if (last > head) last = head;
    header_cache_t *hc = chain_header_cache(c);
    for (uint64_t n = f->from_block; !rc && n <= last; n++) {
      chain_header_t h;
      ethc_hash_t hash;
      uint8_t bloom[256];
      uint64_t timestamp;
      if (!header_cache_get_bloom(hc, n, bloom, &hash, &timestamp)) {
        rc = chain_read_header_by_number(c, n, &h, &hash);
        if (rc == ETHC_ERR_NOT_FOUND && chain_get_remote(c)) { /* a light node's: never an answer without it */
          rc = chain_remote_fail(ETHC_ERR_IO,
                                 "block %llu is not available (a light node has the blocks from its "
                                 "checkpoint on)",
                                 (unsigned long long)n);
          break;
        }
        if (rc == ETHC_ERR_NOT_FOUND) { /* the head moved back (a reorganisation to a shorter chain) */
          rc = ETHC_OK;
          break;
        }
        if (rc) break;
        memcpy(bloom, h.bloom, 256);
        timestamp = h.timestamp;
      }
      if (bloom_may_match(bloom, f, &q)) rc = collect_block(c, n, timestamp, &hash, f, &col);
    }
    /* light mode: the verified headers above the head; a block whose bloom may
     * match has all its logs in its receipts, which the source must prove */
    for (uint64_t n = f->from_block > head ? f->from_block : head + 1; !rc && f->hash_above_head && n <= f->to_block;
         n++) {
      ethc_hash_t hash;
      chain_header_t h;
      rc = f->hash_above_head(f->hash_ctx, n, &hash);
      if (rc == ETHC_ERR_NOT_FOUND) {
        rc = ETHC_OK;
        break;
      }
      if (!rc) rc = chain_read_header_by_hash(c, &hash, &h);
      if (!rc && bloom_may_match(h.bloom, f, &q)) rc = collect_block(c, n, h.timestamp, &hash, f, &col);
    }
  }
  free(q.bits);
  if (rc) {
    free(col.logs);
    free(col.offsets);
    bytes_buf_free(&col.data);
    return rc;
  }
  for (size_t i = 0; i < col.count; i++)
    col.logs[i].data = col.logs[i].data_size ? col.data.data + col.offsets[i] : NULL;
  free(col.offsets);
  out->logs = col.logs;
  out->count = col.count;
  out->data = col.data.data;
  return ETHC_OK;
}
