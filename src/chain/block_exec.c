/* Whole-block execution (Yellow Paper section 11 and 4.3.2; EIP-649/1234 rewards,
 * EIP-779 DAO fork, EIP-4895 withdrawals, EIP-4788/2935 system calls, EIP-4844 blob
 * gas, EIP-7685 requests) and the ommer ancestry rules (Yellow Paper 11.1). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block_exec.h"
#include "ethc/error.h"
#include "ethc/hash.h"
#include "ethc/rlp.h"

#define GAS_PER_BLOB 131072ULL
#define MAX_OMMERS 2
#define OMMER_GENERATIONS 7 /* ancestors searched: the parent and six more */

/* ---- results ---- */

static block_error_t fail(block_exec_result_t *res, block_error_t e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static block_error_t fail(block_exec_result_t *res, block_error_t e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(res->reason, sizeof res->reason, fmt, ap);
  va_end(ap);
  res->error = e;
  return e;
}

/* ethc's own failure (out of memory, a state read that failed): recorded as
 * such, so that the returned class is not taken for a verdict. */
static block_error_t local_fail(block_exec_result_t *res, int rc, block_error_t e, const char *what) {
  res->local_error = rc;
  return fail(res, e, "%s: %s", what, ethc_strerror(rc));
}

static void free_logs(chain_receipt_t *r) {
  state_log_t *logs = (state_log_t *)r->logs;
  for (size_t i = 0; i < r->log_count; i++) free(logs[i].data);
  free(logs);
  r->logs = NULL;
  r->log_count = 0;
}

void block_exec_result_free(block_exec_result_t *res) {
  for (size_t i = 0; i < res->receipt_count; i++) free_logs(&res->receipts[i]);
  free(res->receipts);
  res->receipts = NULL;
  res->receipt_count = 0;
  for (size_t i = 0; i < sizeof res->requests / sizeof res->requests[0]; i++) bytes_buf_free(&res->requests[i]);
  res->request_count = 0;
}

void block_copy_logs(void *ctx, const state_log_t *logs, size_t n) {
  block_logs_copy_t *c = ctx;
  if (n == 0) return;
  state_log_t *copy = calloc(n, sizeof *copy);
  if (!copy) {
    c->error = ETHC_ERR_NOMEM;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    copy[i] = logs[i];
    copy[i].data = NULL;
    if (logs[i].data_size) {
      copy[i].data = malloc(logs[i].data_size);
      if (!copy[i].data) {
        copy[i].data_size = 0;
        c->error = ETHC_ERR_NOMEM;
        continue;
      }
      memcpy(copy[i].data, logs[i].data, logs[i].data_size);
    }
  }
  c->receipt->logs = copy;
  c->receipt->log_count = n;
}

/* ---- decoding ---- */

/* Whether the first item of `rlp` is a list whose first item (the header) is a
 * list with an extra-data field (item 12) longer than HEADER_MAX_EXTRA. */
static bool extra_too_long(const uint8_t *rlp, size_t len) {
  rlp_item_t blk, hdr, f;
  rlp_iter_t it;
  if (rlp_decode_item(rlp, len, &blk, NULL) != 0 || !blk.is_list) return false;
  rlp_iter_init(&it, &blk);
  if (rlp_iter_next(&it, &hdr) != 1 || !hdr.is_list) return false;
  rlp_iter_init(&it, &hdr);
  for (int i = 0; i <= 12; i++)
    if (rlp_iter_next(&it, &f) != 1) return false;
  return !f.is_list && f.payload_len > HEADER_MAX_EXTRA;
}

/* The class of the first transaction of the body that does not decode, when the
 * tests name it as an invalid transaction rather than a malformed block: a type-3
 * or type-4 transaction without recipient (those types forbid creation), or an
 * integer over its field (a value above 2^256 - 1, as in a state test);
 * TXE_NONE otherwise. */
static tx_invalid_t undecodable_tx(const uint8_t *rlp, size_t len) {
  rlp_item_t blk, txs, item, payload, f;
  rlp_iter_t it, ti, fi;
  if (rlp_decode_item(rlp, len, &blk, NULL) != 0 || !blk.is_list) return TXE_NONE;
  rlp_iter_init(&it, &blk);
  if (rlp_iter_next(&it, &txs) != 1 || rlp_iter_next(&it, &txs) != 1 || !txs.is_list) return TXE_NONE;
  rlp_iter_init(&ti, &txs);
  while (rlp_iter_next(&ti, &item) == 1) {
    tx_t tx;
    int rc = tx_decode_item(item.raw, item.raw_len, &tx);
    if (rc == 0) {
      tx_free(&tx);
      continue;
    }
    /* the canonical encoding: a legacy list, or the string's type || payload */
    const uint8_t *raw = item.is_list ? item.raw : item.payload;
    size_t raw_len = item.is_list ? item.raw_len : item.payload_len;
    if (!item.is_list && raw_len >= 2 && (raw[0] == TX_BLOB || raw[0] == TX_SET_CODE) &&
        rlp_decode_item(raw + 1, raw_len - 1, &payload, NULL) == 0 && payload.is_list) {
      rlp_iter_init(&fi, &payload);
      int i = 0;
      while (i <= 5 && rlp_iter_next(&fi, &f) == 1) i++;
      if (i == 6 && !f.is_list && f.payload_len == 0) return raw[0] == TX_BLOB ? TXE_BLOB_CREATE : TXE_SET_CODE_CREATE;
    }
    tx_invalid_t c = tx_invalid_of_encoding(raw, raw_len, rc);
    return c == TXE_FIELD_OVERFLOW ? c : TXE_NONE;
  }
  return TXE_NONE;
}

/* Whether the header's field count fits the fork of its own number and
 * timestamp; true when those cannot be read (the decoder then says what is
 * wrong). */
static bool header_layout_fits(const chain_config_t *c, const uint8_t *rlp, size_t len, char *reason,
                               size_t reason_len) {
  rlp_item_t blk, hdr, f, number, timestamp;
  rlp_iter_t it;
  if (!c || rlp_decode_item(rlp, len, &blk, NULL) != 0 || !blk.is_list) return true;
  rlp_iter_init(&it, &blk);
  if (rlp_iter_next(&it, &hdr) != 1 || !hdr.is_list) return true;
  int n = 0;
  rlp_iter_init(&it, &hdr);
  while (rlp_iter_next(&it, &f) == 1) {
    if (n == 8) number = f;
    if (n == 11) timestamp = f;
    n++;
  }
  uint64_t num, ts;
  if (n < 12 || rlp_get_u64(&number, &num) != 0 || rlp_get_u64(&timestamp, &ts) != 0) return true;
  int want = (int)header_field_count(c, num, ts);
  if (n == want) return true;
  if (reason && reason_len) snprintf(reason, reason_len, "header of %d fields, the fork's has %d", n, want);
  return false;
}

block_error_t block_decode_classified(const chain_config_t *c, const uint8_t *rlp, size_t len, chain_block_t *b,
                                      tx_invalid_t *txe, char *reason, size_t reason_len) {
  if (txe) *txe = TXE_NONE;
  int rc = block_decode(rlp, len, b);
  if (rc == 0) return BLOCK_VALID;
  /* A header the decoder refused for its field count (18, or more than any fork
   * has) is named by its fork's layout. One that decodes with another fork's
   * layout is header_validate's BLOCK_ERR_FIELDS, after the gas limit rules,
   * where the legacy tests expect it. */
  if (!header_layout_fits(c, rlp, len, reason, reason_len)) return BLOCK_ERR_FIELDS;
  block_error_t e = BLOCK_ERR_RLP;
  const char *why = ethc_strerror(rc);
  tx_invalid_t t;
  if (extra_too_long(rlp, len)) {
    e = BLOCK_ERR_EXTRA_DATA;
    why = "header extra data too long";
  } else if ((t = undecodable_tx(rlp, len)) != TXE_NONE) {
    e = BLOCK_ERR_TX;
    why = tx_invalid_message(t);
    if (txe) *txe = t;
  }
  if (reason && reason_len) snprintf(reason, reason_len, "%s", why);
  return e;
}

block_error_t block_check_rlp_size(evm_revision_t rev, size_t rlp_size) {
  return rev >= EVM_OSAKA && rlp_size > BLOCK_MAX_RLP_SIZE ? BLOCK_ERR_BLOCK_SIZE : BLOCK_VALID;
}

/* ---- rewards ---- */

void block_reward(evm_revision_t rev, bool post_merge, u256_t *out) {
  static const uint64_t ether = 1000000000000000000ULL;
  uint64_t n = post_merge ? 0 : rev >= EVM_CONSTANTINOPLE ? 2 : rev >= EVM_BYZANTIUM ? 3 : 5;
  u256_t e = u256_from_u64(ether), k = u256_from_u64(n);
  u256_mul(out, &e, &k);
}

/* Miner: R + R/32 per ommer; each ommer's miner: (8 + ommer.number - number) * R / 8. */
static int apply_rewards(state_t *st, const chain_block_t *b, evm_revision_t rev) {
  u256_t r, miner, tmp;
  block_reward(rev, false, &r);
  miner = r;
  u256_t d32 = u256_from_u64(32), d8 = u256_from_u64(8);
  for (size_t i = 0; i < b->ommer_count; i++) {
    const chain_header_t *o = &b->ommers[i];
    uint64_t k = o->number + 8 > b->header.number ? o->number + 8 - b->header.number : 0;
    u256_t kk = u256_from_u64(k), amount;
    u256_mul(&amount, &r, &kk);
    u256_div(&amount, &amount, &d8);
    int rc = state_add_balance(st, &o->coinbase, &amount);
    if (rc) return rc;
    state_touch(st, &o->coinbase);
    u256_div(&tmp, &r, &d32);
    u256_add(&miner, &miner, &tmp);
  }
  int rc = state_add_balance(st, &b->header.coinbase, &miner);
  if (rc) return rc;
  state_touch(st, &b->header.coinbase);
  state_commit(st, rev >= EVM_SPURIOUS_DRAGON);
  return 0;
}

/* EIP-4895: amounts in gwei; a zero withdrawal only touches (EIP-161 removes an
 * empty recipient). */
static int apply_withdrawals(state_t *st, const chain_block_t *b) {
  u256_t gwei = u256_from_u64(1000000000ULL);
  for (size_t i = 0; i < b->withdrawal_count; i++) {
    const chain_withdrawal_t *w = &b->withdrawals[i];
    u256_t amount = u256_from_u64(w->amount_gwei);
    u256_mul(&amount, &amount, &gwei);
    int rc = state_add_balance(st, &w->address, &amount);
    if (rc) return rc;
    state_touch(st, &w->address);
  }
  state_commit(st, true);
  return 0;
}

/* ---- BLOCKHASH ---- */

typedef struct {
  const block_exec_opts_t *opts;
} hash_ctx_t;

static void lookup_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  const block_exec_opts_t *o = ((hash_ctx_t *)ctx)->opts;
  memset(out, 0, sizeof *out);
  if (!o->block_hash || number < 0) return;
  if (o->block_hash(o->block_hash_ctx, (uint64_t)number, out) != 0) memset(out, 0, sizeof *out);
}

/* ---- EIP-7685 requests (Prague) ---- */

/* sha256(sha256(r_1) || sha256(r_2) || ...) over the non-empty requests. */
static void requests_commitment(const block_exec_result_t *res, ethc_hash_t *out);

/* 0x00000000219ab540356cbb839cbe05303d7705fa: mainnet's, used when the config names none */
static const ethc_address_t default_deposit_contract = {{0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
                                                         0xbb, 0x83, 0x9c, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xfa}};
/* keccak256("DepositEvent(bytes,bytes,bytes,bytes,bytes)") */
static const ethc_hash_t deposit_event = {{0x64, 0x9b, 0xbc, 0x62, 0xd0, 0xe3, 0x13, 0x42, 0xaf, 0xea, 0x4e,
                                           0x5c, 0xd8, 0x2d, 0x40, 0x49, 0xe7, 0xe1, 0xee, 0x91, 0x2f, 0xc0,
                                           0x88, 0x9a, 0xa7, 0x90, 0x80, 0x3b, 0xe3, 0x90, 0x38, 0xc5}};

/* A 32-byte big-endian word of `d` equal to the small value `v`. */
static bool word_is(const uint8_t *d, uint64_t v) {
  for (int i = 0; i < 24; i++)
    if (d[i]) return false;
  uint64_t x = 0;
  for (int i = 24; i < 32; i++) x = x << 8 | d[i];
  return x == v;
}

/* EIP-6110: the ABI-encoded DepositEvent(pubkey, withdrawal_credentials, amount,
 * signature, index) must have exactly the layout of the deposit contract; appends
 * pubkey || withdrawal_credentials || amount || signature || index (192 bytes). */
static bool extract_deposit(const state_log_t *log, bytes_buf_t *out) {
  static const struct { uint64_t offset, size; } fields[5] = {{160, 48}, {256, 32}, {320, 8}, {384, 96}, {512, 8}};
  const uint8_t *d = log->data;
  if (log->data_size != 576) return false;
  for (int i = 0; i < 5; i++)
    if (!word_is(d + 32 * i, fields[i].offset) || !word_is(d + fields[i].offset, fields[i].size)) return false;
  for (int i = 0; i < 5; i++)
    if (bytes_buf_append(out, d + fields[i].offset + 32, fields[i].size) != 0) return false;
  return true;
}

static int add_request(block_exec_result_t *res, bytes_buf_t *r) {
  if (r->len <= 1) {
    bytes_buf_free(r);
    return 0;
  }
  res->requests[res->request_count++] = *r;
  memset(r, 0, sizeof *r);
  return 0;
}

/* Deposits from the receipts' logs, then the EIP-7002 and EIP-7251 queues. */
static block_error_t collect_requests(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                                      const chain_config_t *cfg, block_exec_result_t *res) {
  const ethc_address_t *dc = cfg->has_deposit_contract ? &cfg->deposit_contract : &default_deposit_contract;
  bytes_buf_t r = {0};
  if (bytes_buf_push(&r, 0x00) != 0) return local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_REQUESTS_HASH, "requests");
  for (size_t i = 0; i < res->receipt_count; i++) {
    const chain_receipt_t *rc = &res->receipts[i];
    for (size_t k = 0; k < rc->log_count; k++) {
      const state_log_t *log = &rc->logs[k];
      if (!ethc_address_eq(&log->address, dc) || log->topics_count == 0 ||
          !ethc_hash_eq(&log->topics[0], &deposit_event))
        continue;
      if (!extract_deposit(log, &r)) {
        bytes_buf_free(&r);
        return fail(res, BLOCK_ERR_REQUESTS_HASH, "transaction %zu: invalid deposit event layout", i);
      }
    }
  }
  add_request(res, &r);
  static const struct {
    const ethc_address_t *addr;
    uint8_t type;
    const char *name;
  } queues[2] = {{&BLOCK_WITHDRAWAL_REQUEST_ADDRESS, 0x01, "withdrawal request (EIP-7002)"},
                 {&BLOCK_CONSOLIDATION_REQUEST_ADDRESS, 0x02, "consolidation request (EIP-7251)"}};
  for (int q = 0; q < 2; q++) {
    if (bytes_buf_push(&r, queues[q].type) != 0)
      return local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_REQUESTS_HASH, "requests");
    int rc = block_system_call(st, vm, rev, env, queues[q].addr, NULL, 0, true, &r);
    if (rc) {
      bytes_buf_free(&r);
      return fail(res, BLOCK_ERR_REQUESTS_HASH, "%s system contract %s", queues[q].name,
                  rc == ETHC_ERR_NOT_FOUND ? "has no code" : "call failed");
    }
    add_request(res, &r);
  }
  return BLOCK_VALID;
}

/* ---- the block ---- */

static void hex32(const ethc_hash_t *h, char out[67]) { hex_encode(h->bytes, 32, out); }

void block_env_from_header(const chain_config_t *cfg, const chain_header_t *h, chain_block_env_t *env) {
  memset(env, 0, sizeof *env);
  env->coinbase = h->coinbase;
  env->number = (int64_t)h->number;
  env->timestamp = (int64_t)h->timestamp;
  env->gas_limit = (int64_t)h->gas_limit;
  env->difficulty = h->difficulty;
  env->prev_randao = h->mix_hash;
  if (h->has_base_fee) env->base_fee = h->base_fee;
  env->excess_blob_gas = h->has_blob_gas ? h->excess_blob_gas : 0;
  chain_blob_schedule_t bs = chain_config_blob_params(cfg, h->timestamp);
  env->blob.target = bs.target;
  env->blob.max = bs.max;
  env->blob.update_fraction = bs.update_fraction;
  env->chain_id = cfg->chain_id;
}

block_error_t block_execute(state_t *st, evm_t *vm, const chain_block_t *b, const block_exec_opts_t *opts,
                            block_exec_result_t *res) {
  memset(res, 0, sizeof *res);
  res->tx_index = -1;
  const chain_header_t *h = &b->header;
  const chain_config_t *cfg = opts->config;
  const evm_revision_t rev = opts->rev;
  char want[67], got[67];

  /* ---- body against the header ---- */
  if (b->ommer_count > 0 && opts->post_merge)
    return fail(res, BLOCK_ERR_POS_UNCLES, "%zu ommers in a proof-of-stake block", b->ommer_count);
  if (b->ommer_count > MAX_OMMERS) return fail(res, BLOCK_ERR_TOO_MANY_UNCLES, "%zu ommers", b->ommer_count);
  ethc_hash_t root;
  block_ommers_hash(b, &root);
  if (!ethc_hash_eq(&root, &h->ommers_hash)) {
    hex32(&root, got);
    hex32(&h->ommers_hash, want);
    return fail(res, BLOCK_ERR_UNCLES_HASH, "ommers hash %s, header has %s", got, want);
  }
  const bool shanghai = chain_fork_active(cfg, FORK_SHANGHAI, h->number, h->timestamp);
  if (b->has_withdrawals != shanghai || h->has_withdrawals_root != shanghai)
    return fail(res, BLOCK_ERR_FIELDS, shanghai ? "withdrawals missing" : "withdrawals before Shanghai");
  if (shanghai) {
    int wr = block_withdrawals_root(b, &root);
    if (wr) return local_fail(res, wr, BLOCK_ERR_WITHDRAWALS_ROOT, "the withdrawals root");
    if (!ethc_hash_eq(&root, &h->withdrawals_root)) {
      hex32(&root, got);
      hex32(&h->withdrawals_root, want);
      return fail(res, BLOCK_ERR_WITHDRAWALS_ROOT, "withdrawals root %s, header has %s", got, want);
    }
  }
  const bool cancun = rev >= EVM_CANCUN;

  /* ---- environment ---- */
  chain_block_env_t env;
  block_env_from_header(cfg, h, &env);
  hash_ctx_t hctx = {opts};
  env.block_hash = lookup_hash;
  env.block_hash_ctx = &hctx;
  chain_blob_params_t bp = env.blob;
  if (bp.update_fraction == 0) chain_blob_params(rev, &bp);
  const uint64_t max_blob_gas = bp.max * GAS_PER_BLOB;

  block_error_t err = BLOCK_VALID;

  /* ---- irregular changes and system calls ---- */
  if (cfg->dao_fork_support && cfg->activation[FORK_DAO] == h->number) {
    if (block_apply_dao_fork(st) != 0) {
      err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_STATE_ROOT, "the DAO fork");
      goto out;
    }
    state_commit(st, rev >= EVM_SPURIOUS_DRAGON);
  }
  int sys = 0; /* unchecked system calls fail only for ethc's own reasons */
  if (cancun && h->has_parent_beacon_root) sys = block_beacon_root_call(st, vm, rev, &env, &h->parent_beacon_root);
  if (!sys && rev >= EVM_PRAGUE) sys = block_history_call(st, vm, rev, &env, &h->parent_hash);
  if (sys) {
    err = local_fail(res, sys, BLOCK_ERR_STATE_ROOT, "a system call");
    goto out;
  }

  /* ---- transactions (only they are traced, not the system calls) ---- */
  if (opts->tracer) evm_set_tracer(vm, opts->tracer, opts->tracer_ctx);
  if (b->tx_count) {
    res->receipts = calloc(b->tx_count, sizeof *res->receipts);
    if (!res->receipts) {
      err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_TX, "receipts");
      goto out;
    }
  }
  for (size_t i = 0; i < b->tx_count; i++) {
    const tx_t *tx = &b->txs[i];
    ethc_address_t sender;
    /* execution-specs order: validate_transaction (intrinsic gas aside: see
     * tx_rules_alone), then check_transaction's block allowances, chain id and
     * sender recovery; chain_apply_tx does the rest. */
    tx_invalid_t cls = tx_rules_alone(tx, rev);
    if (cls == TXE_NONE && tx->gas_limit > h->gas_limit - res->gas_used) cls = TXE_GAS_ALLOWANCE_EXCEEDED;
    uint64_t blob_gas = tx_blob_gas(tx);
    if (cls == TXE_NONE && blob_gas > max_blob_gas - res->blob_gas_used) {
      /* before Osaka the per-transaction blob limit is the per-block one */
      cls = rev < EVM_OSAKA && blob_gas > max_blob_gas ? TXE_BLOB_COUNT_EXCEEDED : TXE_BLOB_GAS_ALLOWANCE_EXCEEDED;
    }
    bool given = opts->given_sender && opts->given_sender(opts->given_sender_ctx, i, &sender);
    if (cls == TXE_NONE && !given) cls = tx_rules_signature(tx, rev, &cfg->chain_id);
    if (cls == TXE_NONE && !given) {
      int src = tx_recover_sender(tx, rev, &sender);
      if (src == ETHC_ERR_TX_SIGNATURE) cls = TXE_SIGNATURE;
      else if (src) {
        err = local_fail(res, src, BLOCK_ERR_TX, "a transaction's sender");
        goto out;
      }
    }
    if (cls != TXE_NONE) {
      res->tx_index = (int)i;
      res->tx_error = tx_invalid_code(cls);
      res->tx_invalid = cls;
      if (cls == TXE_GAS_ALLOWANCE_EXCEEDED)
        err = fail(res, BLOCK_ERR_TX, "transaction %zu: gas limit %llu above the block's remaining gas %llu", i,
                   (unsigned long long)tx->gas_limit, (unsigned long long)(h->gas_limit - res->gas_used));
      else err = fail(res, BLOCK_ERR_TX, "transaction %zu: %s", i, tx_invalid_message(cls));
      goto out;
    }
    chain_receipt_t *rc_out = &res->receipts[i];
    block_logs_copy_t lc = {rc_out, 0};
    chain_tx_result_t tr;
    int rc = chain_apply_tx(st, vm, rev, &env, tx, &sender, &tr, block_copy_logs, &lc);
    res->receipt_count = i + 1;
    if (rc && !(rc >= ETHC_ERR_TX_TYPE && rc <= ETHC_ERR_TX_INVALID)) {
      chain_tx_result_free(&tr);
      err = local_fail(res, rc, BLOCK_ERR_TX, "a transaction");
      goto out;
    }
    if (rc) {
      res->tx_index = (int)i;
      res->tx_error = rc;
      res->tx_invalid = tr.invalid;
      err = fail(res, BLOCK_ERR_TX, "transaction %zu: %s", i, tr.reason ? tr.reason : ethc_strerror(rc));
      chain_tx_result_free(&tr);
      goto out;
    }
    if (lc.error) {
      chain_tx_result_free(&tr);
      err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_TX, "logs");
      goto out;
    }
    res->gas_used += tr.gas_used;
    res->blob_gas_used += tr.blob_gas_used;
    rc_out->type = tx->type;
    rc_out->cumulative_gas_used = res->gas_used;
    if (rev >= EVM_BYZANTIUM) {
      rc_out->status = tr.status == EVM_SUCCESS;
    } else {
      rc_out->has_post_state = true;
      int sr = state_root(st, &rc_out->post_state);
      if (sr) {
        chain_tx_result_free(&tr);
        err = local_fail(res, sr, BLOCK_ERR_TX, "a receipt's state root");
        goto out;
      }
    }
    receipt_compute_bloom(rc_out);
    chain_tx_result_free(&tr);
  }

  if (opts->tracer) evm_set_tracer(vm, NULL, NULL);

  /* ---- finalisation ---- */
  if (!opts->post_merge && apply_rewards(st, b, rev) != 0) {
    err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_STATE_ROOT, "the rewards");
    goto out;
  }
  if (shanghai && apply_withdrawals(st, b) != 0) {
    err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_STATE_ROOT, "the withdrawals");
    goto out;
  }

  if (rev >= EVM_PRAGUE && (err = collect_requests(st, vm, rev, &env, cfg, res)) != BLOCK_VALID) goto out;

  /* ---- results against the header ---- */
  /* The transactions root is compared after execution: the official tests expect
   * an invalid transaction to be reported as such even when the header's root
   * (built by the filler without it) does not match the body. */
  if (block_tx_root(b, &root) != 0) {
    err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_TX_ROOT, "the transactions root");
    goto out;
  }
  if (!ethc_hash_eq(&root, &h->tx_root)) {
    hex32(&root, got);
    hex32(&h->tx_root, want);
    err = fail(res, BLOCK_ERR_TX_ROOT, "transactions root %s, header has %s", got, want);
    goto out;
  }
  if (res->gas_used != h->gas_used) {
    err = fail(res, BLOCK_ERR_GAS_USED, "gas used %llu, header has %llu", (unsigned long long)res->gas_used,
               (unsigned long long)h->gas_used);
    goto out;
  }
  /* EIP-4844: compared once every transaction's blobs were validated */
  if (cancun && (!h->has_blob_gas || res->blob_gas_used != h->blob_gas_used)) {
    err = fail(res, BLOCK_ERR_BLOB_GAS_USED, "blob gas used %llu, header has %llu",
               (unsigned long long)res->blob_gas_used, (unsigned long long)h->blob_gas_used);
    goto out;
  }
  uint8_t bloom[256] = {0};
  for (size_t i = 0; i < res->receipt_count; i++)
    for (size_t k = 0; k < 256; k++) bloom[k] |= res->receipts[i].bloom[k];
  if (memcmp(bloom, h->bloom, 256) != 0) {
    err = fail(res, BLOCK_ERR_BLOOM, "logs bloom differs from the header's");
    goto out;
  }
  if (receipts_root(res->receipts, res->receipt_count, &root) != 0) {
    err = local_fail(res, ETHC_ERR_NOMEM, BLOCK_ERR_RECEIPTS_ROOT, "the receipts root");
    goto out;
  }
  if (!ethc_hash_eq(&root, &h->receipts_root)) {
    hex32(&root, got);
    hex32(&h->receipts_root, want);
    err = fail(res, BLOCK_ERR_RECEIPTS_ROOT, "receipts root %s, header has %s", got, want);
    goto out;
  }
  if (rev >= EVM_PRAGUE) {
    requests_commitment(res, &res->requests_hash);
    if (!h->has_requests_hash || !ethc_hash_eq(&res->requests_hash, &h->requests_hash)) {
      hex32(&res->requests_hash, got);
      hex32(&h->requests_hash, want);
      err = fail(res, BLOCK_ERR_REQUESTS_HASH, "requests hash %s, header has %s", got, want);
      goto out;
    }
  }
  int sr = state_root(st, &root);
  if (sr) {
    err = local_fail(res, sr, BLOCK_ERR_STATE_ROOT, "the state root");
    goto out;
  }
  if (!ethc_hash_eq(&root, &h->state_root)) {
    hex32(&root, got);
    hex32(&h->state_root, want);
    err = fail(res, BLOCK_ERR_STATE_ROOT, "state root %s, header has %s", got, want);
    goto out;
  }

out:
  if (opts->tracer) evm_set_tracer(vm, NULL, NULL);
  /* whatever the outcome, a state that lost data decides nothing */
  if (!res->local_error && state_error(st)) res->local_error = state_error(st);
  return err;
}

/* ---- EIP-7685 ---- */

static void requests_commitment(const block_exec_result_t *res, ethc_hash_t *out) {
  uint8_t all[32 * 3];
  size_t n = 0;
  for (size_t i = 0; i < res->request_count; i++) {
    const bytes_buf_t *r = &res->requests[i];
    if (r->len <= 1) continue;
    hash_sha256(r->data, r->len, all + 32 * n);
    n++;
  }
  hash_sha256(all, 32 * n, out->bytes);
}

block_error_t block_requests_list(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                                  const chain_config_t *cfg, const chain_receipt_t *receipts, size_t n,
                                  bytes_buf_t requests[3], size_t *request_count, ethc_hash_t *hash, char *reason,
                                  size_t reason_len, int *local_error) {
  block_exec_result_t res;
  memset(&res, 0, sizeof res);
  res.receipts = (chain_receipt_t *)receipts; /* read only; not freed here */
  res.receipt_count = n;
  block_error_t e = collect_requests(st, vm, rev, env, cfg, &res);
  if (e == BLOCK_VALID) requests_commitment(&res, hash);
  if (reason && reason_len) snprintf(reason, reason_len, "%s", res.reason);
  if (local_error && res.local_error) *local_error = res.local_error;
  if (e == BLOCK_VALID && requests) { /* the caller takes them */
    for (size_t i = 0; i < res.request_count; i++) requests[i] = res.requests[i];
    *request_count = res.request_count;
    memset(res.requests, 0, sizeof res.requests);
    res.request_count = 0;
  }
  res.receipts = NULL;
  res.receipt_count = 0;
  block_exec_result_free(&res);
  return e;
}

block_error_t block_requests(state_t *st, evm_t *vm, evm_revision_t rev, const chain_block_env_t *env,
                             const chain_config_t *cfg, const chain_receipt_t *receipts, size_t n, ethc_hash_t *hash,
                             char *reason, size_t reason_len, int *local_error) {
  return block_requests_list(st, vm, rev, env, cfg, receipts, n, NULL, NULL, hash, reason, reason_len, local_error);
}

/* ---- ommers ---- */

static block_error_t ommer_fail(char *reason, size_t len, block_error_t e, const char *msg, size_t i) {
  if (reason && len) snprintf(reason, len, "ommer %zu: %s", i, msg);
  return e;
}

block_error_t block_validate_ommers(const chain_config_t *c, const chain_block_t *b, const ethc_hash_t *hash,
                                    const block_ancestor_t *anc, size_t n, bool check_seal, char *reason,
                                    size_t reason_len, int *local_error) {
  if (reason && reason_len) reason[0] = 0;
  if (b->ommer_count > MAX_OMMERS) {
    if (reason && reason_len) snprintf(reason, reason_len, "%zu ommers", b->ommer_count);
    return BLOCK_ERR_TOO_MANY_UNCLES;
  }
  if (b->ommer_count == 0) return BLOCK_VALID;
  if (n > OMMER_GENERATIONS) n = OMMER_GENERATIONS;
  ethc_hash_t seen[MAX_OMMERS];
  for (size_t i = 0; i < b->ommer_count; i++) {
    const chain_header_t *o = &b->ommers[i];
    ethc_hash_t oh;
    int hr = header_hash(o, &oh);
    if (hr) {
      if (local_error) *local_error = hr; /* out of memory: no verdict */
      return ommer_fail(reason, reason_len, BLOCK_ERR_UNCLE, "cannot hash", i);
    }
    /* already included (by an ancestor or earlier in this block), or the block itself */
    if (ethc_hash_eq(&oh, hash)) return ommer_fail(reason, reason_len, BLOCK_ERR_UNCLE, "is the block itself", i);
    for (size_t k = 0; k < i; k++)
      if (ethc_hash_eq(&seen[k], &oh)) return ommer_fail(reason, reason_len, BLOCK_ERR_UNCLE, "included twice", i);
    for (size_t a = 0; a < n; a++)
      for (size_t k = 0; k < anc[a].ommer_count; k++)
        if (ethc_hash_eq(&anc[a].ommer_hashes[k], &oh))
          return ommer_fail(reason, reason_len, BLOCK_ERR_UNCLE, "already included by an ancestor", i);
    seen[i] = oh;
    for (size_t a = 0; a < n; a++)
      if (ethc_hash_eq(&anc[a].hash, &oh)) return ommer_fail(reason, reason_len, BLOCK_ERR_UNCLE, "is an ancestor", i);
    const chain_header_t *parent = NULL;
    for (size_t a = 1; a < n; a++)
      if (ethc_hash_eq(&anc[a].hash, &o->parent_hash)) parent = anc[a].header;
    if (!parent) {
      bool brother = n > 0 && ethc_hash_eq(&anc[0].hash, &o->parent_hash);
      return ommer_fail(reason, reason_len, BLOCK_ERR_UNCLE,
                        brother ? "is a sibling of the block" : "its parent is not a recent ancestor", i);
    }
    block_error_t e = header_validate(c, o, parent, false, check_seal);
    if (e != BLOCK_VALID) return ommer_fail(reason, reason_len, e, block_error_message(e), i);
  }
  return BLOCK_VALID;
}
