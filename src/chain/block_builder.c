/* Building a proof-of-stake block (block_builder.h): the header from the parent
 * (EIP-1559 base fee, go-ethereum's gas limit steps, EIP-4844/7691 excess blob
 * gas, EIP-4788 beacon root, EIP-3675 constants), the block start's system calls
 * (EIP-4788, EIP-2935), the transactions one by one with block_execute's checks
 * in its order, then EIP-4895 withdrawals and EIP-7685 requests (EIP-6110
 * deposits, EIP-7002 and EIP-7251 queues), the roots and the block's RLP.
 * What block_execute does for a whole block, done step by step so that a
 * transaction that does not fit can be left out. */
#include "ethc/block_builder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block_exec.h"
#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/transition.h"
#include "ethc/trie.h"

#define GAS_PER_BLOB 131072ULL
#define GAS_LIMIT_BOUND_DIVISOR 1024
#define MIN_GAS_LIMIT 5000
#define MAX_EXTRA 32

struct block_builder {
  chain_t *chain;
  const chain_config_t *cfg;
  chain_snapshot_t *parent;
  chain_header_t header;
  evm_revision_t rev;
  bool canonical_parent; /* BLOCKHASH may read the canonical index */
  chain_block_env_t env;
  state_t *st;
  evm_t *vm;
  uint64_t max_blob_gas;
  /* included so far */
  bytes_buf_t tx_data; /* the transactions' encodings, back to back */
  size_t *tx_ends;     /* end offset of each in tx_data */
  tx_type_t *tx_types; /* each one's type (legacy ones are lists in a body) */
  chain_receipt_t *receipts;
  size_t count, cap;
  u256_t block_value;
  chain_withdrawal_t *withdrawals;
  size_t withdrawal_count;
  bool finished;
  /* included transactions whose sender was given (block_builder_add_tx_from) */
  chain_forced_sender_t *forced;
  size_t forced_count;
};

/* ---- BLOCKHASH: the ancestors of the block being built ---- */

static void ancestor_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  block_builder_t *b = ctx;
  memset(out, 0, sizeof *out);
  const chain_header_t *p = chain_snapshot_header(b->parent);
  if (number < 0 || (uint64_t)number > p->number) return;
  if (b->canonical_parent) {
    if (chain_read_canonical_hash(b->chain, (uint64_t)number, out)) memset(out, 0, sizeof *out);
    return;
  }
  ethc_hash_t cur = *chain_snapshot_hash(b->parent);
  chain_header_t h = *p;
  while (h.number > (uint64_t)number) {
    cur = h.parent_hash;
    if (chain_read_header_by_hash(b->chain, &cur, &h)) return;
  }
  *out = cur;
}

/* ---- the header ---- */

/* go-ethereum's CalcGasLimit: toward `target` by at most parent/1024 - 1. */
static uint64_t next_gas_limit(uint64_t parent, uint64_t target) {
  if (!target) return parent;
  if (target < MIN_GAS_LIMIT) target = MIN_GAS_LIMIT;
  uint64_t delta = parent / GAS_LIMIT_BOUND_DIVISOR - 1;
  if (parent < target) return parent + delta < target ? parent + delta : target;
  if (parent > target) return parent - delta > target ? parent - delta : target;
  return parent;
}

static int failf(char *why, size_t len, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int failf(char *why, size_t len, int rc, const char *fmt, ...) {
  if (why && len) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
  }
  return rc;
}

int block_builder_new(chain_t *chain, const ethc_hash_t *parent, const block_attrs_t *a, block_builder_t **out,
                      char *why, size_t why_len) {
  *out = NULL;
  if (why && why_len) why[0] = 0;
  if (a->extra_len > MAX_EXTRA) return failf(why, why_len, ETHC_ERR_INVALID, "extra data over 32 bytes");
  block_builder_t *b = calloc(1, sizeof *b);
  if (!b) return ETHC_ERR_NOMEM;
  b->chain = chain;
  b->cfg = chain_config(chain);
  int rc = chain_snapshot_at(chain, parent, &b->parent);
  if (rc) {
    free(b);
    return rc == ETHC_ERR_NOT_FOUND ? failf(why, why_len, rc, "unknown parent block") : rc;
  }
  const chain_header_t *p = chain_snapshot_header(b->parent);
  const chain_config_t *cfg = b->cfg;
  rc = ETHC_ERR_UNSUPPORTED;
  if (!cfg->has_ttd || u256_lt(chain_snapshot_td(b->parent), &cfg->terminal_total_difficulty)) {
    failf(why, why_len, rc, "the parent is before the merge: only proof-of-stake blocks are built");
    goto fail;
  }
  rc = ETHC_ERR_INVALID;
  if (a->timestamp <= p->timestamp) {
    failf(why, why_len, rc, "invalid timestamp: %llu, parent's %llu", (unsigned long long)a->timestamp,
          (unsigned long long)p->timestamp);
    goto fail;
  }
  chain_header_t *h = &b->header;
  h->parent_hash = *parent;
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->coinbase = a->fee_recipient;
  h->number = p->number + 1;
  h->gas_limit = a->gas_limit ? a->gas_limit : next_gas_limit(p->gas_limit, a->gas_limit_target);
  h->timestamp = a->timestamp;
  if (a->extra_len) memcpy(h->extra, a->extra, a->extra_len);
  h->extra_len = a->extra_len;
  h->mix_hash = a->prev_randao;
  b->rev = chain_config_revision(cfg, h->number, h->timestamp, true);
  if (chain_fork_active(cfg, FORK_LONDON, h->number, h->timestamp)) {
    h->has_base_fee = true;
    if (a->has_base_fee) h->base_fee = a->base_fee;
    else header_expected_base_fee(cfg, p, &h->base_fee);
  }
  bool shanghai = chain_fork_active(cfg, FORK_SHANGHAI, h->number, h->timestamp);
  if (shanghai) {
    h->has_withdrawals_root = true;
    if (a->withdrawal_count) {
      b->withdrawals = malloc(a->withdrawal_count * sizeof *b->withdrawals);
      if (!b->withdrawals) {
        rc = ETHC_ERR_NOMEM;
        goto fail;
      }
      memcpy(b->withdrawals, a->withdrawals, a->withdrawal_count * sizeof *b->withdrawals);
      b->withdrawal_count = a->withdrawal_count;
    }
  }
  if (chain_fork_active(cfg, FORK_CANCUN, h->number, h->timestamp)) {
    h->has_blob_gas = true;
    h->excess_blob_gas = header_expected_excess_blob_gas(cfg, p, h->timestamp);
    h->has_parent_beacon_root = true;
    h->parent_beacon_root = a->parent_beacon_root;
  }
  h->has_requests_hash = chain_fork_active(cfg, FORK_PRAGUE, h->number, h->timestamp);

  ethc_hash_t canon;
  b->canonical_parent = chain_read_canonical_hash(chain, p->number, &canon) == 0 && ethc_hash_eq(&canon, parent);
  block_env_from_header(cfg, h, &b->env);
  b->env.block_hash = ancestor_hash;
  b->env.block_hash_ctx = b;
  chain_blob_params_t bp = b->env.blob;
  if (bp.update_fraction == 0) chain_blob_params(b->rev, &bp);
  b->max_blob_gas = bp.max * GAS_PER_BLOB;

  rc = ETHC_ERR_NOMEM;
  if (!(b->st = chain_snapshot_state(b->parent)) || !(b->vm = evm_create())) goto fail;
  /* the block's start, as block_execute runs it */
  rc = 0;
  if (b->rev >= EVM_CANCUN) rc = block_beacon_root_call(b->st, b->vm, b->rev, &b->env, &h->parent_beacon_root);
  if (!rc && b->rev >= EVM_PRAGUE) rc = block_history_call(b->st, b->vm, b->rev, &b->env, &h->parent_hash);
  if (!rc) rc = state_error(b->st);
  if (rc) {
    failf(why, why_len, rc, "the parent's state: %s", ethc_strerror(rc));
    goto fail;
  }
  *out = b;
  return 0;
fail:
  block_builder_free(b);
  return rc;
}

static void free_receipt_logs(chain_receipt_t *r) {
  state_log_t *logs = (state_log_t *)r->logs;
  for (size_t i = 0; i < r->log_count; i++) free(logs[i].data);
  free(logs);
}

void block_builder_free(block_builder_t *b) {
  if (!b) return;
  for (size_t i = 0; i < b->count; i++) free_receipt_logs(&b->receipts[i]);
  free(b->receipts);
  free(b->tx_ends);
  free(b->tx_types);
  bytes_buf_free(&b->tx_data);
  free(b->withdrawals);
  free(b->forced);
  state_free(b->st);
  if (b->vm) evm_destroy(b->vm);
  chain_snapshot_release(b->parent);
  free(b);
}

const chain_header_t *block_builder_header(const block_builder_t *b) { return &b->header; }
evm_revision_t block_builder_revision(const block_builder_t *b) { return b->rev; }
size_t block_builder_tx_count(const block_builder_t *b) { return b->count; }
uint64_t block_builder_gas_left(const block_builder_t *b) { return b->header.gas_limit - b->header.gas_used; }

/* ---- transactions ---- */

/* EIP-55 mixed-case hex of an address, as go-ethereum prints it in errors. */
static void checksum_address(const ethc_address_t *a, char out[43]) {
  char lower[43];
  hex_encode(a->bytes, 20, lower);
  uint8_t h[32];
  keccak256((const uint8_t *)lower + 2, 40, h);
  out[0] = '0', out[1] = 'x';
  for (int i = 0; i < 40; i++) {
    char c = lower[2 + i];
    unsigned nib = (h[i / 2] >> (i % 2 ? 0 : 4)) & 15;
    out[2 + i] = (c >= 'a' && c <= 'f' && nib >= 8) ? (char)(c - 'a' + 'A') : c;
  }
  out[42] = 0;
}

/* Why a transaction was left out, in go-ethereum's words where it has them. */
static int skip(block_builder_t *b, const tx_t *tx, const ethc_address_t *from, tx_invalid_t c, tx_invalid_t *cls,
                char *why, size_t why_len) {
  if (cls) *cls = c;
  if (!why || !why_len) return ETHC_ERR_INVALID;
  char addr[43] = "";
  if (from) checksum_address(from, addr);
  uint64_t state_nonce = from ? state_get_nonce(b->st, from) : 0;
  switch (c) {
    case TXE_NONCE_TOO_HIGH:
    case TXE_NONCE_TOO_LOW:
      return failf(why, why_len, ETHC_ERR_INVALID, "nonce too %s: address %s, tx: %llu state: %llu",
                   c == TXE_NONCE_TOO_HIGH ? "high" : "low", addr, (unsigned long long)tx->nonce,
                   (unsigned long long)state_nonce);
    case TXE_INSUFFICIENT_FUNDS: {
      u256_t bal;
      char dec[79];
      state_get_balance(b->st, from, &bal);
      u256_to_dec(&bal, dec);
      return failf(why, why_len, ETHC_ERR_INVALID, "insufficient funds for gas * price + value: address %s have %s",
                   addr, dec);
    }
    case TXE_GAS_ALLOWANCE_EXCEEDED: return failf(why, why_len, ETHC_ERR_INVALID, "gas limit reached");
    case TXE_MAX_FEE_BELOW_BASE_FEE:
      return failf(why, why_len, ETHC_ERR_INVALID, "max fee per gas less than block base fee: address %s", addr);
    case TXE_INTRINSIC_GAS: return failf(why, why_len, ETHC_ERR_INVALID, "intrinsic gas too low");
    case TXE_SIGNATURE:
    case TXE_CHAIN_ID: return failf(why, why_len, ETHC_ERR_INVALID, "invalid sender");
    default: return failf(why, why_len, ETHC_ERR_INVALID, "%s", tx_invalid_message(c));
  }
}

static int grow(block_builder_t *b) {
  if (b->count < b->cap) return 0;
  size_t cap = b->cap ? b->cap * 2 : 16;
  size_t *ends = realloc(b->tx_ends, cap * sizeof *ends);
  if (!ends) return ETHC_ERR_NOMEM;
  b->tx_ends = ends;
  tx_type_t *types = realloc(b->tx_types, cap * sizeof *types);
  if (!types) return ETHC_ERR_NOMEM;
  b->tx_types = types;
  chain_receipt_t *r = realloc(b->receipts, cap * sizeof *r);
  if (!r) return ETHC_ERR_NOMEM;
  b->receipts = r;
  b->cap = cap;
  return 0;
}

/* Remembers that the next included transaction's sender was given. */
static int note_forced(block_builder_t *b, const ethc_address_t *from) {
  chain_forced_sender_t *f = realloc(b->forced, (b->forced_count + 1) * sizeof *f);
  if (!f) return ETHC_ERR_NOMEM;
  b->forced = f;
  f[b->forced_count++] = (chain_forced_sender_t){(uint32_t)b->count, *from};
  return 0;
}

/* block_builder_add_tx, the sender given (`known`, not recovered) or not (NULL). */
static int add_tx(block_builder_t *b, const uint8_t *raw, size_t len, const ethc_address_t *known, tx_invalid_t *cls,
                  char *why, size_t why_len) {
  if (cls) *cls = TXE_NONE;
  if (why && why_len) why[0] = 0;
  if (b->finished) return ETHC_ERR_INVALID;
  int rc = grow(b);
  if (rc) return rc;
  tx_t tx;
  if ((rc = tx_decode(raw, len, &tx))) {
    if (rc == ETHC_ERR_NOMEM) return rc;
    return skip(b, NULL, NULL, tx_invalid_from_decode(rc), cls, why, why_len);
  }
  chain_header_t *h = &b->header;
  /* EIP-7934: the block's RLP within the limit (a margin for the header, the
   * list headers and the withdrawals) */
  size_t margin = 4096 + 64 * b->withdrawal_count + 8 * (b->count + 1);
  if (b->rev >= EVM_OSAKA && b->tx_data.len + len + margin > BLOCK_MAX_RLP_SIZE) {
    tx_free(&tx);
    return failf(why, why_len, ETHC_ERR_INVALID, "block size limit reached");
  }
  /* block_execute's checks, in its order */
  ethc_address_t from;
  bool have_from = false;
  tx_invalid_t c = tx_rules_alone(&tx, b->rev);
  if (c == TXE_NONE && tx.gas_limit > h->gas_limit - h->gas_used) c = TXE_GAS_ALLOWANCE_EXCEEDED;
  uint64_t blob_gas = tx_blob_gas(&tx);
  if (c == TXE_NONE && blob_gas > b->max_blob_gas - h->blob_gas_used)
    c = b->rev < EVM_OSAKA && blob_gas > b->max_blob_gas ? TXE_BLOB_COUNT_EXCEEDED : TXE_BLOB_GAS_ALLOWANCE_EXCEEDED;
  if (known) from = *known, have_from = true; /* an impersonated sender: no signature to check */
  if (c == TXE_NONE && !known) c = tx_rules_signature(&tx, b->rev, &b->cfg->chain_id);
  if (c == TXE_NONE && !known) {
    rc = tx_recover_sender(&tx, b->rev, &from);
    if (rc == ETHC_ERR_TX_SIGNATURE) c = TXE_SIGNATURE;
    else if (rc) {
      tx_free(&tx);
      return rc;
    }
    have_from = !rc;
  }
  if (c != TXE_NONE) {
    rc = skip(b, &tx, have_from ? &from : NULL, c, cls, why, why_len);
    tx_free(&tx);
    return rc;
  }
  chain_receipt_t *r = &b->receipts[b->count];
  memset(r, 0, sizeof *r);
  block_logs_copy_t lc = {r, 0};
  chain_tx_result_t tr;
  memset(&tr, 0, sizeof tr);
  rc = chain_apply_tx(b->st, b->vm, b->rev, &b->env, &tx, &from, &tr, block_copy_logs, &lc);
  int local = state_error(b->st);
  if (!local && rc && !(rc >= ETHC_ERR_TX_TYPE && rc <= ETHC_ERR_TX_INVALID)) local = rc;
  if (!local) local = lc.error;
  if (local || rc) {
    free_receipt_logs(r);
    if (!local) rc = skip(b, &tx, &from, tr.invalid, cls, why, why_len);
    chain_tx_result_free(&tr);
    tx_free(&tx);
    return local ? local : rc;
  }
  h->gas_used += tr.gas_used;
  h->blob_gas_used += tr.blob_gas_used;
  r->type = tx.type;
  r->status = tr.status == EVM_SUCCESS;
  r->cumulative_gas_used = h->gas_used;
  receipt_compute_bloom(r);
  for (size_t k = 0; k < 256; k++) h->bloom[k] |= r->bloom[k];
  /* the fee recipient's tip: min(max priority fee, max fee - base fee) per gas */
  u256_t tip = tx.max_priority_fee_per_gas, room, gas = u256_from_u64(tr.gas_used);
  u256_sub(&room, &tx.max_fee_per_gas, &h->base_fee);
  if (u256_lt(&room, &tip)) tip = room;
  u256_mul(&tip, &tip, &gas);
  u256_add(&b->block_value, &b->block_value, &tip);
  b->tx_types[b->count] = tx.type;
  chain_tx_result_free(&tr);
  tx_free(&tx);
  if ((known && note_forced(b, known)) || bytes_buf_append(&b->tx_data, raw, len)) {
    free_receipt_logs(r);
    return ETHC_ERR_NOMEM;
  }
  b->tx_ends[b->count++] = b->tx_data.len;
  return 0;
}

int block_builder_add_tx(block_builder_t *b, const uint8_t *raw, size_t len, tx_invalid_t *cls, char *why,
                         size_t why_len) {
  return add_tx(b, raw, len, NULL, cls, why, why_len);
}

int block_builder_add_tx_from(block_builder_t *b, const uint8_t *raw, size_t len, const ethc_address_t *from,
                              tx_invalid_t *cls, char *why, size_t why_len) {
  return add_tx(b, raw, len, from, cls, why, why_len);
}

/* ---- the end of the block ---- */

/* EIP-4895: amounts in gwei; a zero withdrawal only touches. */
static int apply_withdrawals(block_builder_t *b) {
  u256_t gwei = u256_from_u64(1000000000ULL);
  for (size_t i = 0; i < b->withdrawal_count; i++) {
    u256_t amount = u256_from_u64(b->withdrawals[i].amount_gwei);
    u256_mul(&amount, &amount, &gwei);
    int rc = state_add_balance(b->st, &b->withdrawals[i].address, &amount);
    if (rc) return rc;
    state_touch(b->st, &b->withdrawals[i].address);
  }
  state_commit(b->st, true);
  return 0;
}

/* EIP-7685: the requests (EIP-6110 deposits from the receipts, then the EIP-7002
 * and EIP-7251 queues) and their hash, as import computes them (block_requests):
 * a block import would refuse (a deposit log of another layout, a missing system
 * contract) is not built either. */
static int collect_requests(block_builder_t *b, block_built_t *out) {
  int local = 0;
  block_error_t e = block_requests_list(b->st, b->vm, b->rev, &b->env, b->cfg, b->receipts, b->count, out->requests,
                                        &out->request_count, &b->header.requests_hash, NULL, 0, &local);
  if (local) return local;
  return e == BLOCK_VALID ? 0 : ETHC_ERR_INVALID;
}

static int put_withdrawal(bytes_buf_t *o, const chain_withdrawal_t *w) {
  size_t s = rlp_list_begin(o);
  int err = rlp_put_u64(o, w->index) | rlp_put_u64(o, w->validator_index) | rlp_put_bytes(o, w->address.bytes, 20) |
            rlp_put_u64(o, w->amount_gwei);
  return err ? ETHC_ERR_NOMEM : rlp_list_end(o, s);
}

/* The withdrawals' encodings (each an RLP list) and their root. */
static int withdrawals_root(const block_builder_t *b, ethc_hash_t *root) {
  bytes_buf_t enc = {0};
  size_t n = b->withdrawal_count;
  size_t *ends = malloc((n + 1) * sizeof *ends);
  bytes_view_t *items = malloc((n + 1) * sizeof *items);
  int rc = ends && items ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++) {
    rc = put_withdrawal(&enc, &b->withdrawals[i]);
    ends[i] = enc.len;
  }
  for (size_t i = 0; i < n && !rc; i++)
    items[i] = bytes_view(enc.data + (i ? ends[i - 1] : 0), ends[i] - (i ? ends[i - 1] : 0));
  if (!rc) rc = trie_ordered_root(items, n, root->bytes);
  free(ends);
  free(items);
  bytes_buf_free(&enc);
  return rc;
}

/* rlp([header, transactions, ommers = [], withdrawals]) */
static int encode_block(const block_builder_t *b, const block_built_t *out, bytes_buf_t *o) {
  size_t s = rlp_list_begin(o);
  int rc = header_encode(&out->header, o);
  size_t t = rlp_list_begin(o);
  for (size_t i = 0; i < out->tx_count && !rc; i++)
    rc = b->tx_types[i] == TX_LEGACY ? rlp_put_raw(o, out->txs[i].data, out->txs[i].len)
                                     : rlp_put_bytes(o, out->txs[i].data, out->txs[i].len);
  if (!rc) rc = rlp_list_end(o, t);
  if (!rc) rc = rlp_list_end(o, rlp_list_begin(o));
  if (!rc && out->header.has_withdrawals_root) {
    size_t w = rlp_list_begin(o);
    for (size_t i = 0; i < b->withdrawal_count && !rc; i++) rc = put_withdrawal(o, &b->withdrawals[i]);
    if (!rc) rc = rlp_list_end(o, w);
  }
  return rc ? rc : rlp_list_end(o, s);
}

int block_builder_finish(block_builder_t *b, block_built_t *out) {
  memset(out, 0, sizeof *out);
  if (b->finished) return ETHC_ERR_INVALID;
  b->finished = true;
  chain_header_t *h = &b->header;
  int rc = 0;
  if (h->has_withdrawals_root) rc = apply_withdrawals(b);
  if (!rc && b->rev >= EVM_PRAGUE) rc = collect_requests(b, out);
  if (!rc) rc = state_error(b->st);
  if (!rc) rc = state_root(b->st, &h->state_root);
  if (!rc) rc = receipts_root(b->receipts, b->count, &h->receipts_root);
  if (!rc && h->has_withdrawals_root) rc = withdrawals_root(b, &h->withdrawals_root);
  /* the transactions: out takes tx_data */
  out->tx_data = b->tx_data;
  memset(&b->tx_data, 0, sizeof b->tx_data);
  out->tx_count = b->count;
  if (!rc && b->count && !(out->txs = malloc(b->count * sizeof *out->txs))) rc = ETHC_ERR_NOMEM;
  for (size_t i = 0; i < b->count && !rc; i++) {
    size_t start = i ? b->tx_ends[i - 1] : 0;
    out->txs[i] = bytes_view(out->tx_data.data + start, b->tx_ends[i] - start);
  }
  if (!rc) rc = trie_ordered_root(out->txs, out->tx_count, h->tx_root.bytes);
  out->header = *h;
  out->block_value = b->block_value;
  if (!rc) rc = header_hash(h, &out->hash);
  if (!rc) rc = encode_block(b, out, &out->rlp);
  if (rc) block_built_free(out);
  return rc;
}

void block_built_free(block_built_t *out) {
  bytes_buf_free(&out->rlp);
  bytes_buf_free(&out->tx_data);
  free(out->txs);
  for (size_t i = 0; i < out->request_count; i++) bytes_buf_free(&out->requests[i]);
  memset(out, 0, sizeof *out);
}

int block_built_import(chain_t *chain, const block_built_t *blk, chain_import_result_t *res) {
  return chain_import_block(chain, blk->rlp.data, blk->rlp.len, res);
}

int block_built_store(block_builder_t *b, const block_built_t *blk, chain_import_result_t *res) {
  memset(res, 0, sizeof *res);
  if (!b->finished) return ETHC_ERR_INVALID; /* its state is not the block's yet */
  chain_built_t cb = {blk->rlp.data, blk->rlp.len, &blk->header, &blk->hash,     b->st,
                      b->receipts,   b->count,     b->forced,    b->forced_count};
  return chain_store_built(b->chain, &cb, res);
}
