/* JSON encodings of blocks, transactions, receipts and logs, with the field
 * names and formats of execution-apis (src/schemas/block.yaml, transaction.yaml,
 * receipt.yaml): QUANTITY as minimal hex, DATA as even hex, absent optional
 * header fields left out, and the block timestamp on transactions and logs. */
#include <string.h>

#include "ethc/chain_dev.h"
#include "ethc/chain_config.h"
#include "ethc/header.h"
#include "ethc/keccak.h"
#include "ethc/tx.h"
#include "rpc/rpc_internal.h"

void rpc_write_log(jw_t *w, const chain_log_t *l) { rpc_write_log_removed(w, l, false); }

void rpc_write_log_removed(jw_t *w, const chain_log_t *l, bool removed) {
  jw_obj_begin(w);
  jw_kaddr(w, "address", &l->address);
  jw_key(w, "topics");
  jw_arr_begin(w);
  for (unsigned i = 0; i < l->topics_count; i++) jw_hash(w, &l->topics[i]);
  jw_arr_end(w);
  jw_kdata(w, "data", l->data, l->data_size);
  jw_kqty(w, "blockNumber", l->block_number);
  jw_khash(w, "transactionHash", &l->tx_hash);
  jw_kqty(w, "transactionIndex", l->tx_index);
  jw_khash(w, "blockHash", &l->block_hash);
  jw_kqty(w, "blockTimestamp", l->block_timestamp);
  jw_kqty(w, "logIndex", l->log_index);
  jw_key(w, "removed");
  jw_bool(w, removed);
  jw_obj_end(w);
}

void rpc_write_receipt(jw_t *w, const chain_read_receipt_t *r) {
  jw_obj_begin(w);
  jw_khash(w, "blockHash", &r->block_hash);
  jw_kqty(w, "blockNumber", r->block_number);
  jw_key(w, "contractAddress");
  if (r->has_contract_address) jw_addr(w, &r->contract_address);
  else jw_null(w);
  jw_kqty(w, "cumulativeGasUsed", r->cumulative_gas_used);
  jw_kqty256(w, "effectiveGasPrice", &r->effective_gas_price);
  jw_kaddr(w, "from", &r->from);
  jw_kqty(w, "gasUsed", r->gas_used);
  jw_key(w, "logs");
  jw_arr_begin(w);
  for (size_t i = 0; i < r->log_count; i++) rpc_write_log(w, &r->logs[i]);
  jw_arr_end(w);
  jw_kdata(w, "logsBloom", r->bloom, 256);
  if (r->has_post_state) jw_khash(w, "root", &r->post_state);
  else jw_kqty(w, "status", r->status ? 1 : 0);
  jw_key(w, "to");
  if (r->has_to) jw_addr(w, &r->to);
  else jw_null(w);
  jw_khash(w, "transactionHash", &r->tx_hash);
  jw_kqty(w, "transactionIndex", r->tx_index);
  jw_kqty(w, "type", (uint64_t)r->type);
  if (r->has_blob_gas) {
    jw_kqty(w, "blobGasUsed", r->blob_gas_used);
    jw_kqty256(w, "blobGasPrice", &r->blob_gas_price);
  }
  jw_obj_end(w);
}

static void write_access_list(jw_t *w, const tx_t *tx) {
  jw_key(w, "accessList");
  jw_arr_begin(w);
  for (size_t i = 0; i < tx->access_list_count; i++) {
    const tx_access_entry_t *e = &tx->access_list[i];
    jw_obj_begin(w);
    jw_kaddr(w, "address", &e->address);
    jw_key(w, "storageKeys");
    jw_arr_begin(w);
    for (size_t k = 0; k < e->storage_keys_count; k++) jw_hash(w, &e->storage_keys[k]);
    jw_arr_end(w);
    jw_obj_end(w);
  }
  jw_arr_end(w);
}

/* A transaction object; `t` NULL: a pool transaction, in no block yet (its
 * block fields null, gasPrice its fee cap, as geth shows pending ones). */
static void write_tx(jw_t *w, const tx_t *tx, const ethc_hash_t *hash, const ethc_address_t *from,
                     const chain_read_tx_t *t) {
  jw_obj_begin(w);
  if (t) {
    jw_khash(w, "blockHash", &t->block_hash);
    jw_kqty(w, "blockNumber", t->block_number);
    jw_kqty(w, "blockTimestamp", t->block_timestamp);
  } else {
    jw_key(w, "blockHash"), jw_null(w);
    jw_key(w, "blockNumber"), jw_null(w);
    jw_key(w, "blockTimestamp"), jw_null(w);
  }
  jw_kaddr(w, "from", from);
  jw_kqty(w, "gas", tx->gas_limit);
  jw_kqty256(w, "gasPrice", t ? &t->effective_gas_price : &tx->max_fee_per_gas);
  if (tx->type >= TX_DYNAMIC_FEE) {
    jw_kqty256(w, "maxFeePerGas", &tx->max_fee_per_gas);
    jw_kqty256(w, "maxPriorityFeePerGas", &tx->max_priority_fee_per_gas);
  }
  if (tx->type == TX_BLOB) jw_kqty256(w, "maxFeePerBlobGas", &tx->max_fee_per_blob_gas);
  jw_khash(w, "hash", hash);
  jw_kdata(w, "input", tx->data, tx->data_len);
  jw_kqty(w, "nonce", tx->nonce);
  jw_key(w, "to");
  if (tx->has_to) jw_addr(w, &tx->to);
  else jw_null(w);
  if (t) jw_kqty(w, "transactionIndex", t->index);
  else jw_key(w, "transactionIndex"), jw_null(w);
  jw_kqty256(w, "value", &tx->value);
  jw_kqty(w, "type", (uint64_t)tx->type);
  if (tx->type >= TX_ACCESS_LIST) write_access_list(w, tx);
  if (tx->has_chain_id) jw_kqty256(w, "chainId", &tx->chain_id);
  if (tx->type == TX_BLOB) {
    jw_key(w, "blobVersionedHashes");
    jw_arr_begin(w);
    for (size_t i = 0; i < tx->blob_hashes_count; i++) jw_hash(w, &tx->blob_hashes[i]);
    jw_arr_end(w);
  }
  if (tx->type == TX_SET_CODE) {
    jw_key(w, "authorizationList");
    jw_arr_begin(w);
    for (size_t i = 0; i < tx->authorizations_count; i++) {
      const tx_authorization_t *a = &tx->authorizations[i];
      jw_obj_begin(w);
      jw_kqty256(w, "chainId", &a->chain_id);
      jw_kaddr(w, "address", &a->address);
      jw_kqty(w, "nonce", a->nonce);
      jw_kqty(w, "yParity", a->y_parity);
      jw_kqty256(w, "r", &a->r);
      jw_kqty256(w, "s", &a->s);
      jw_obj_end(w);
    }
    jw_arr_end(w);
  }
  jw_kqty256(w, "v", &tx->v);
  jw_kqty256(w, "r", &tx->r);
  jw_kqty256(w, "s", &tx->s);
  if (tx->type != TX_LEGACY) jw_kqty256(w, "yParity", &tx->v);
  jw_obj_end(w);
}

void rpc_write_tx(jw_t *w, const chain_read_tx_t *t) { write_tx(w, &t->tx, &t->hash, &t->from, t); }

void rpc_write_pool_tx(jw_t *w, const tx_t *tx, const ethc_hash_t *hash, const ethc_address_t *from) {
  write_tx(w, tx, hash, from, NULL);
}

/* The price a transaction paid per gas in its block (EIP-1559). */
static u256_t effective_price(const tx_t *tx, const chain_header_t *h) {
  if (tx->type < TX_DYNAMIC_FEE || !h->has_base_fee) return tx->gas_price;
  u256_t p;
  u256_add(&p, &h->base_fee, &tx->max_priority_fee_per_gas);
  return u256_lt(&tx->max_fee_per_gas, &p) ? tx->max_fee_per_gas : p;
}

/* The header's fields, as in a block object. */
void rpc_write_header_fields(jw_t *w, const chain_header_t *h, const ethc_hash_t *hash) {
  if (h->has_base_fee) jw_kqty256(w, "baseFeePerGas", &h->base_fee);
  if (h->has_blob_gas) jw_kqty(w, "blobGasUsed", h->blob_gas_used);
  jw_kqty256(w, "difficulty", &h->difficulty);
  if (h->has_blob_gas) jw_kqty(w, "excessBlobGas", h->excess_blob_gas);
  jw_kdata(w, "extraData", h->extra, h->extra_len);
  jw_kqty(w, "gasLimit", h->gas_limit);
  jw_kqty(w, "gasUsed", h->gas_used);
  jw_khash(w, "hash", hash);
  jw_kdata(w, "logsBloom", h->bloom, 256);
  jw_kaddr(w, "miner", &h->coinbase);
  jw_khash(w, "mixHash", &h->mix_hash);
  jw_kdata(w, "nonce", h->nonce, 8);
  jw_kqty(w, "number", h->number);
  if (h->has_parent_beacon_root) jw_khash(w, "parentBeaconBlockRoot", &h->parent_beacon_root);
  jw_khash(w, "parentHash", &h->parent_hash);
  jw_khash(w, "receiptsRoot", &h->receipts_root);
  if (h->has_requests_hash) jw_khash(w, "requestsHash", &h->requests_hash);
  jw_khash(w, "sha3Uncles", &h->ommers_hash);
  jw_khash(w, "stateRoot", &h->state_root);
  jw_kqty(w, "timestamp", h->timestamp);
  jw_khash(w, "transactionsRoot", &h->tx_root);
  if (h->has_withdrawals_root) jw_khash(w, "withdrawalsRoot", &h->withdrawals_root);
}

void rpc_write_header(jw_t *w, const chain_header_t *h, const ethc_hash_t *hash) {
  jw_obj_begin(w);
  rpc_write_header_fields(w, h, hash);
  jw_obj_end(w);
}

void rpc_write_withdrawal(jw_t *w, const chain_withdrawal_t *wd) {
  jw_obj_begin(w);
  jw_kqty(w, "index", wd->index);
  jw_kqty(w, "validatorIndex", wd->validator_index);
  jw_kaddr(w, "address", &wd->address);
  jw_kqty(w, "amount", wd->amount_gwei);
  jw_obj_end(w);
}

int rpc_write_block(rpc_call_t *c, const chain_read_block_t *rb, bool full) {
  jw_t *w = c->w;
  const chain_block_t *b = &rb->block;
  const chain_header_t *h = &b->header;
  const chain_config_t *cfg = chain_config(c->srv->chain);
  jw_obj_begin(w);
  rpc_write_header_fields(w, h, &rb->hash);
  jw_kqty(w, "size", rb->rlp.len);
  jw_key(w, "transactions");
  jw_arr_begin(w);
  evm_revision_t rev = chain_config_revision(cfg, h->number, h->timestamp, u256_is_zero(&h->difficulty));
  chain_forced_t forced = {0}; /* impersonated senders (chain_dev.h): given, not recovered */
  if (full && chain_forced_load(c->srv->chain, &rb->hash, &forced))
    return rpc_fail(c, RPC_INTERNAL_ERROR, "cannot read the senders of block %llu", (unsigned long long)h->number);
  for (size_t i = 0; i < b->tx_count; i++) {
    ethc_hash_t th;
    keccak256(b->tx_encodings[i].data, b->tx_encodings[i].len, th.bytes);
    if (!full) {
      jw_hash(w, &th);
      continue;
    }
    chain_read_tx_t t = {0};
    t.tx = b->txs[i]; /* borrowed: never freed here */
    t.hash = th;
    if (chain_tx_sender(&forced, i, &b->txs[i], &th, rev, &t.from)) {
      chain_forced_free(&forced);
      return rpc_fail(c, RPC_INTERNAL_ERROR, "stored transaction %zu of block %llu has a bad signature", i,
                      (unsigned long long)h->number);
    }
    t.block_hash = rb->hash;
    t.block_number = h->number;
    t.block_timestamp = h->timestamp;
    t.index = (uint32_t)i;
    t.effective_gas_price = effective_price(&b->txs[i], h);
    rpc_write_tx(w, &t);
  }
  chain_forced_free(&forced);
  jw_arr_end(w);
  jw_key(w, "uncles");
  jw_arr_begin(w);
  for (size_t i = 0; i < b->ommer_count; i++) {
    ethc_hash_t oh;
    if (header_hash(&b->ommers[i], &oh)) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    jw_hash(w, &oh);
  }
  jw_arr_end(w);
  if (b->has_withdrawals) {
    jw_key(w, "withdrawals");
    jw_arr_begin(w);
    for (size_t i = 0; i < b->withdrawal_count; i++) rpc_write_withdrawal(w, &b->withdrawals[i]);
    jw_arr_end(w);
  }
  jw_obj_end(w);
  return 0;
}
