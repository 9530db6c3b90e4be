/* A development chain's writes (chain_dev.h): a built block stored with the
 * state and receipts its building computed, head state edits and effective
 * state roots kept in the database's meta records ("stateroot-" + the block
 * hash in hex -> 32 bytes; "edited-roots" marks that some exist, so that a
 * chain never edited pays no read for them), and impersonated transactions'
 * senders ("forced-" + the block hash in hex -> 24 bytes per transaction;
 * "forced-senders" marks that some exist). */
#include "ethc/chain_dev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/chain_internal.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/state_db.h"

#define EDITED_MARK "edited-roots"
#define FORCED_MARK "forced-senders"
#define FORCED_ENTRY 24 /* index (4 bytes, big-endian) || sender (20) */

static void root_key(const ethc_hash_t *block, char out[80]) {
  char hex[67];
  hex_encode(block->bytes, 32, hex);
  snprintf(out, 80, "stateroot-%s", hex + 2);
}

void chain_roots_open(chain_t *c) {
  bytes_buf_t b = {0};
  atomic_store(chain_has_roots(c), chaindb_get_meta(chain_db(c), EDITED_MARK, &b) == ETHC_OK);
  bytes_buf_free(&b);
  atomic_store(chain_has_forced(c), chaindb_get_meta(chain_db(c), FORCED_MARK, &b) == ETHC_OK);
  bytes_buf_free(&b);
}

/* ---- forced senders ---- */

static void forced_key(const ethc_hash_t *block, char out[80]) {
  char hex[67];
  hex_encode(block->bytes, 32, hex);
  snprintf(out, 80, "forced-%s", hex + 2);
}

int chain_forced_load(chain_t *c, const ethc_hash_t *block, chain_forced_t *out) {
  memset(out, 0, sizeof *out);
  if (!atomic_load(chain_has_forced(c))) return ETHC_OK;
  char key[80];
  forced_key(block, key);
  int err = chaindb_get_meta(chain_db(c), key, &out->rec);
  if (err == ETHC_ERR_NOT_FOUND) err = ETHC_OK;
  else if (!err && out->rec.len % FORCED_ENTRY) err = ETHC_ERR_INVALID;
  if (err) chain_forced_free(out);
  return err;
}

bool chain_forced_get(const chain_forced_t *f, size_t index, ethc_address_t *from) {
  for (size_t off = 0; off + FORCED_ENTRY <= f->rec.len; off += FORCED_ENTRY) {
    const uint8_t *e = f->rec.data + off;
    uint32_t i = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 | (uint32_t)e[2] << 8 | e[3];
    if (i == index) {
      memcpy(from->bytes, e + 4, 20);
      return true;
    }
  }
  return false;
}

void chain_forced_free(chain_forced_t *f) {
  bytes_buf_free(&f->rec);
  memset(f, 0, sizeof *f);
}

void tx_forced_signature(tx_t *tx, const ethc_address_t *from) {
  uint8_t r[32] = {0};
  memcpy(r + 12, from->bytes, 20);
  u256_from_be(&tx->r, r);
  tx->s = u256_from_u64(1);
  if (tx->type != TX_LEGACY) tx->v = u256_from_u64(0);
  else if (!tx->has_chain_id) tx->v = u256_from_u64(27);
  else {
    u256_t v = tx->chain_id, k = u256_from_u64(35);
    u256_add(&v, &v, &tx->chain_id);
    u256_add(&v, &v, &k);
    tx->v = v;
  }
}

/* Adds block's forced-sender record (none when n is 0). */
static int put_forced(chaindb_batch_t *b, const ethc_hash_t *block, const chain_forced_sender_t *f, size_t n) {
  if (!n) return ETHC_OK;
  uint8_t *rec = malloc(n * FORCED_ENTRY);
  if (!rec) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n; i++) {
    uint8_t *e = rec + i * FORCED_ENTRY;
    e[0] = (uint8_t)(f[i].index >> 24), e[1] = (uint8_t)(f[i].index >> 16);
    e[2] = (uint8_t)(f[i].index >> 8), e[3] = (uint8_t)f[i].index;
    memcpy(e + 4, f[i].from.bytes, 20);
  }
  char key[80];
  forced_key(block, key);
  chaindb_put_meta(b, key, rec, n * FORCED_ENTRY);
  chaindb_put_meta(b, FORCED_MARK, (const uint8_t *)"1", 1);
  free(rec);
  return ETHC_OK;
}

int chain_effective_root(chain_t *c, const ethc_hash_t *hash, const chain_header_t *h, ethc_hash_t *out) {
  *out = h->state_root;
  if (!atomic_load(chain_has_roots(c))) return ETHC_OK;
  char key[80];
  root_key(hash, key);
  bytes_buf_t b = {0};
  int err = chaindb_get_meta(chain_db(c), key, &b);
  if (!err && b.len == 32) memcpy(out->bytes, b.data, 32);
  else if (!err) err = ETHC_ERR_INVALID;
  else if (err == ETHC_ERR_NOT_FOUND) err = ETHC_OK;
  bytes_buf_free(&b);
  return err;
}

/* Adds the record making `root` block's effective state. */
static void put_root(chaindb_batch_t *b, const ethc_hash_t *block, const ethc_hash_t *root) {
  char key[80];
  root_key(block, key);
  chaindb_put_meta(b, key, root->bytes, 32);
  chaindb_put_meta(b, EDITED_MARK, (const uint8_t *)"1", 1);
}

/* Receipts as chain.c stores them: an RLP list of the receipt encodings
 * (typed ones as strings). */
static int encode_receipts(const chain_receipt_t *r, size_t n, bytes_buf_t *out) {
  size_t start = rlp_list_begin(out);
  bytes_buf_t one = {0};
  int err = 0;
  for (size_t i = 0; i < n && !err; i++) {
    one.len = 0;
    err = receipt_encode(&r[i], &one);
    if (!err)
      err = r[i].type == TX_LEGACY ? rlp_put_raw(out, one.data, one.len) : rlp_put_bytes(out, one.data, one.len);
  }
  bytes_buf_free(&one);
  return err ? err : rlp_list_end(out, start);
}

/* A block stored before (a revert made another branch the head): the head
 * again, with its header's state. */
static int restore_known(chain_t *c, const chain_built_t *b, chain_import_result_t *res) {
  res->known = true;
  int err = ETHC_OK;
  if (atomic_load(chain_has_roots(c))) {
    chaindb_batch_t *batch = chaindb_batch_new();
    if (!batch) return ETHC_ERR_NOMEM;
    put_root(batch, b->hash, &b->header->state_root);
    err = chaindb_write(chain_db(c), batch, chain_syncs(c));
    chaindb_batch_free(batch);
  }
  if (!err) err = chain_set_head(c, b->hash, NULL, NULL);
  res->new_head = !err;
  return err;
}

int chain_store_built(chain_t *c, const chain_built_t *b, chain_import_result_t *res) {
  memset(res, 0, sizeof *res);
  if (chain_is_read_only(c)) return ETHC_ERR_UNSUPPORTED;
  const chain_header_t *h = b->header;
  res->decoded = true;
  res->number = h->number;
  res->hash = *b->hash;
  res->parent_hash = h->parent_hash;
  res->gas_used = h->gas_used;
  res->tx_count = (unsigned)b->receipt_count;
  uint64_t known_number;
  int err = chaindb_get_number(chain_db(c), b->hash, &known_number);
  if (err == ETHC_OK) return restore_known(c, b, res);
  if (err != ETHC_ERR_NOT_FOUND) return err;
  u256_t parent_td, td;
  chain_header_t parent;
  if ((err = chain_load_header(c, &h->parent_hash, &parent, &parent_td))) return err;
  u256_add(&td, &parent_td, &h->difficulty);

  chaindb_batch_t *batch = chaindb_batch_new();
  bytes_buf_t hdr = {0}, body = {0}, receipts = {0};
  ethc_hash_t root;
  state_writer_t w;
  err = batch ? ETHC_OK : ETHC_ERR_NOMEM;
  if (!err) err = header_encode(h, &hdr);
  if (!err) err = chain_body_of(b->rlp, b->len, &body);
  if (!err) err = encode_receipts(b->receipts, b->receipt_count, &receipts);
  if (!err) {
    chaindb_state_writer(batch, &w);
    err = state_db_save(b->post, &w, &root);
  }
  if (!err && !ethc_hash_eq(&root, &h->state_root)) err = ETHC_ERR_INVALID;
  if (!err) {
    chaindb_put_header(batch, h->number, b->hash, hdr.data, hdr.len);
    chaindb_put_body(batch, h->number, b->hash, body.data, body.len);
    chaindb_put_receipts(batch, h->number, b->hash, receipts.data, receipts.len);
    chaindb_put_td(batch, h->number, b->hash, &td);
    err = chain_put_canonical_branch(c, batch, h, b->hash, body.data, body.len);
  }
  if (!err) err = put_forced(batch, b->hash, b->forced, b->forced_count);
  if (!err) err = chaindb_write(chain_db(c), batch, chain_syncs(c));
  if (!err && b->forced_count) atomic_store(chain_has_forced(c), true); /* before readers see the head */
  if (!err) {
    chain_head_moved(c, h, b->hash, &td, &h->state_root);
    res->new_head = true;
    err = chain_publish_head(c);
  }
  chaindb_batch_free(batch);
  bytes_buf_free(&hdr);
  bytes_buf_free(&body);
  bytes_buf_free(&receipts);
  return err;
}

/* Adds `root` as block's effective state to `batch` and writes it; moves the
 * importing thread's head to it and publishes when block is the head. */
static int commit_root(chain_t *c, chaindb_batch_t *batch, const ethc_hash_t *block, const ethc_hash_t *root) {
  put_root(batch, block, root);
  int err = chaindb_write(chain_db(c), batch, chain_syncs(c));
  if (err) return err;
  atomic_store(chain_has_roots(c), true);
  ethc_hash_t head_hash;
  chain_head(c, NULL, &head_hash);
  if (!ethc_hash_eq(block, &head_hash)) return ETHC_OK;
  u256_t td;
  chain_header_t h = *chain_head_header(c, &td, NULL);
  chain_head_moved(c, &h, block, &td, root);
  return chain_publish_head(c);
}

int chain_edit_head_state(chain_t *c, chain_edit_fn fn, void *ctx) {
  if (chain_is_read_only(c)) return ETHC_ERR_UNSUPPORTED;
  ethc_hash_t head_hash, root;
  chain_head(c, NULL, &head_hash);
  chain_head_header(c, NULL, &root);
  state_base_t base;
  state_db_base(chain_state_db(c), &root, &base);
  state_t *st = state_new_over(&base);
  if (!st) return ETHC_ERR_NOMEM;
  int err = fn(ctx, st);
  if (!err) {
    state_commit(st, false);
    err = state_error(st);
  }
  chaindb_batch_t *batch = err ? NULL : chaindb_batch_new();
  if (!err && !batch) err = ETHC_ERR_NOMEM;
  ethc_hash_t new_root;
  if (!err) {
    state_writer_t w;
    chaindb_state_writer(batch, &w);
    err = state_db_save(st, &w, &new_root);
  }
  if (!err) err = commit_root(c, batch, &head_hash, &new_root);
  chaindb_batch_free(batch);
  state_free(st);
  return err;
}

int chain_set_state_root(chain_t *c, const ethc_hash_t *block, const ethc_hash_t *root) {
  if (chain_is_read_only(c)) return ETHC_ERR_UNSUPPORTED;
  chain_header_t h;
  int err = chain_load_header(c, block, &h, NULL);
  if (err) return err;
  bytes_buf_t node = {0};
  err = chaindb_get_trie_node(chain_db(c), root, &node);
  bytes_buf_free(&node);
  if (err == ETHC_ERR_NOT_FOUND && ethc_hash_eq(root, &STATE_EMPTY_ROOT)) err = ETHC_OK;
  chaindb_batch_t *batch = err ? NULL : chaindb_batch_new();
  if (!err && !batch) err = ETHC_ERR_NOMEM;
  if (!err) err = commit_root(c, batch, block, root);
  chaindb_batch_free(batch);
  return err;
}
