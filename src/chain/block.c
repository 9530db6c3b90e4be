/* Block bodies and receipts (Yellow Paper 4.3.1 bloom, 4.4 block; EIP-658 status
 * receipts, EIP-2718 typed receipts, EIP-4895 withdrawals). */
#include "ethc/block.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

void block_free(chain_block_t *b) {
  for (size_t i = 0; i < b->tx_count; i++) tx_free(&b->txs[i]);
  free(b->txs);
  free(b->tx_encodings);
  free(b->ommers);
  free(b->withdrawals);
  free(b->withdrawal_encodings);
  memset(b, 0, sizeof *b);
}

static int decode_txs(const rlp_item_t *list, chain_block_t *b) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  int n = rlp_list_count(list);
  if (n < 0) return -n;
  b->txs = calloc((size_t)n + 1, sizeof *b->txs);
  b->tx_encodings = calloc((size_t)n + 1, sizeof *b->tx_encodings);
  if (!b->txs || !b->tx_encodings) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_item_t item;
  rlp_iter_init(&it, list);
  while (rlp_iter_next(&it, &item) == 1) {
    /* legacy: the list item itself; typed: a string holding type || payload */
    bytes_view_t enc = item.is_list ? bytes_view(item.raw, item.raw_len) : bytes_view(item.payload, item.payload_len);
    int err = tx_decode_item(item.raw, item.raw_len, &b->txs[b->tx_count]);
    if (err) return err;
    b->tx_encodings[b->tx_count++] = enc;
  }
  return ETHC_OK;
}

static int decode_ommers(const rlp_item_t *list, chain_block_t *b) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  int n = rlp_list_count(list);
  if (n < 0) return -n;
  b->ommers_rlp = bytes_view(list->raw, list->raw_len);
  if (n == 0) return ETHC_OK;
  b->ommers = calloc((size_t)n, sizeof *b->ommers);
  if (!b->ommers) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_item_t item;
  rlp_iter_init(&it, list);
  while (rlp_iter_next(&it, &item) == 1) {
    int err = header_decode_item(&item, &b->ommers[b->ommer_count]);
    if (err) return err;
    b->ommer_count++;
  }
  return ETHC_OK;
}

static int decode_withdrawals(const rlp_item_t *list, chain_block_t *b) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  int n = rlp_list_count(list);
  if (n < 0) return -n;
  b->has_withdrawals = true;
  b->withdrawals = calloc((size_t)n + 1, sizeof *b->withdrawals);
  b->withdrawal_encodings = calloc((size_t)n + 1, sizeof *b->withdrawal_encodings);
  if (!b->withdrawals || !b->withdrawal_encodings) return ETHC_ERR_NOMEM;
  rlp_iter_t it;
  rlp_item_t item, f[4];
  rlp_iter_init(&it, list);
  while (rlp_iter_next(&it, &item) == 1) {
    chain_withdrawal_t *w = &b->withdrawals[b->withdrawal_count];
    int err = rlp_list_items(&item, f, 4);
    if (!err) err = rlp_get_u64(&f[0], &w->index);
    if (!err) err = rlp_get_u64(&f[1], &w->validator_index);
    if (!err) err = rlp_get_fixed(&f[2], w->address.bytes, 20);
    if (!err) err = rlp_get_u64(&f[3], &w->amount_gwei);
    if (err) return err;
    b->withdrawal_encodings[b->withdrawal_count++] = bytes_view(item.raw, item.raw_len);
  }
  return ETHC_OK;
}

int block_decode(const uint8_t *rlp, size_t len, chain_block_t *b) {
  memset(b, 0, sizeof *b);
  rlp_item_t block, parts[4];
  int err = rlp_decode_strict(rlp, len, &block);
  if (err) return err;
  if (!block.is_list) return ETHC_ERR_RLP_TYPE;
  int n = rlp_list_count(&block);
  if (n < 0) return -n;
  if (n != 3 && n != 4) return ETHC_ERR_RLP_COUNT;
  if ((err = rlp_list_items(&block, parts, (size_t)n))) return err;
  if (!(err = header_decode_item(&parts[0], &b->header)) && !(err = decode_txs(&parts[1], b)) &&
      !(err = decode_ommers(&parts[2], b)) && n == 4)
    err = decode_withdrawals(&parts[3], b);
  if (err) block_free(b);
  return err;
}

int block_tx_root(const chain_block_t *b, ethc_hash_t *out) {
  return trie_ordered_root(b->tx_encodings, b->tx_count, out->bytes);
}

int block_withdrawals_root(const chain_block_t *b, ethc_hash_t *out) {
  return trie_ordered_root(b->withdrawal_encodings, b->withdrawal_count, out->bytes);
}

void block_ommers_hash(const chain_block_t *b, ethc_hash_t *out) {
  if (b->ommers_rlp.len) keccak256(b->ommers_rlp.data, b->ommers_rlp.len, out->bytes);
  else *out = HEADER_EMPTY_OMMERS_HASH;
}

/* ---- receipts ---- */

static void bloom_add(uint8_t bloom[256], const uint8_t *data, size_t len) {
  uint8_t h[32];
  keccak256(data, len, h);
  for (int i = 0; i < 6; i += 2) {
    unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
    bloom[255 - bit / 8] |= (uint8_t)(1u << (bit % 8));
  }
}

void bloom_add_log(uint8_t bloom[256], const state_log_t *log) {
  bloom_add(bloom, log->address.bytes, 20);
  for (unsigned t = 0; t < log->topics_count; t++) bloom_add(bloom, log->topics[t].bytes, 32);
}

void receipt_compute_bloom(chain_receipt_t *r) {
  memset(r->bloom, 0, sizeof r->bloom);
  for (size_t i = 0; i < r->log_count; i++) bloom_add_log(r->bloom, &r->logs[i]);
}

int receipt_encode(const chain_receipt_t *r, bytes_buf_t *out) {
  int err = 0;
  if (r->type != TX_LEGACY) err |= bytes_buf_push(out, (uint8_t)r->type);
  size_t start = rlp_list_begin(out);
  if (r->has_post_state) err |= rlp_put_bytes(out, r->post_state.bytes, 32);
  else err |= rlp_put_u64(out, r->status ? 1 : 0);
  err |= rlp_put_u64(out, r->cumulative_gas_used);
  err |= rlp_put_bytes(out, r->bloom, 256);
  size_t logs = rlp_list_begin(out);
  for (size_t i = 0; i < r->log_count; i++) {
    const state_log_t *l = &r->logs[i];
    size_t one = rlp_list_begin(out);
    err |= rlp_put_bytes(out, l->address.bytes, 20);
    size_t topics = rlp_list_begin(out);
    for (unsigned t = 0; t < l->topics_count; t++) err |= rlp_put_bytes(out, l->topics[t].bytes, 32);
    err |= rlp_list_end(out, topics);
    err |= rlp_put_bytes(out, l->data, l->data_size);
    err |= rlp_list_end(out, one);
  }
  err |= rlp_list_end(out, logs);
  err |= rlp_list_end(out, start);
  return err ? ETHC_ERR_NOMEM : ETHC_OK;
}

int receipts_root(const chain_receipt_t *receipts, size_t n, ethc_hash_t *out) {
  bytes_buf_t buf = {0};
  size_t *ends = malloc((n + 1) * sizeof *ends);
  bytes_view_t *items = malloc((n + 1) * sizeof *items);
  int err = (!ends || !items) ? ETHC_ERR_NOMEM : ETHC_OK;
  for (size_t i = 0; i < n && !err; i++) {
    err = receipt_encode(&receipts[i], &buf);
    ends[i] = buf.len;
  }
  if (!err) {
    for (size_t i = 0; i < n; i++)
      items[i] = bytes_view(buf.data + (i ? ends[i - 1] : 0), ends[i] - (i ? ends[i - 1] : 0));
    err = trie_ordered_root(items, n, out->bytes);
  }
  free(ends);
  free(items);
  bytes_buf_free(&buf);
  return err;
}
