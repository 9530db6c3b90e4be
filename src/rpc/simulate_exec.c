/* eth_simulateV1's execution (execution-apis src/eth/execute.yaml and its
 * simulate docs; behaviour and error codes of go-ethereum's
 * internal/ethapi/simulate.go): the blocks are put in order (missing numbers
 * filled with empty blocks, timestamps 12 s apart by default), then each runs on
 * one overlay of the base block's state that carries over from call to call and
 * from block to block: its state overrides, the EIP-4788/2935 system calls, its
 * calls as transactions (the rules relaxed when `validation` is off), the
 * proof-of-work reward or the withdrawals, the EIP-7685 requests; its header is
 * then completed with the roots, bloom and gas as block import computes them,
 * so that its hash is the one geth gives. BLOCKHASH sees the simulated blocks
 * before the current one. The calls' logs are collected by simulate_logs.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block_exec.h"
#include "ethc/chain_config.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/tracer.h"
#include "rpc/simulate.h"

/* ---- the blocks in order (geth's sanitizeChain) ---- */

typedef struct {
  const sim_block_t *src; /* NULL: an empty block filling a gap */
  uint64_t number, time;
} sim_plan_t;

static int plan_blocks(rpc_call_t *c, const chain_header_t *base, const sim_request_t *req, sim_plan_t **out,
                       size_t *n) {
  size_t cap = SIM_MAX_BLOCKS + 1, k = 0;
  sim_plan_t *p = calloc(cap, sizeof *p);
  if (!p) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  uint64_t prev_n = base->number, prev_t = base->timestamp;
  for (size_t i = 0; i < req->count; i++) {
    const rpc_block_overrides_t *o = &req->blocks[i].ov;
    uint64_t num = o->has_number ? o->number : prev_n + 1;
    if (num <= prev_n) {
      free(p);
      return rpc_fail(c, SIM_ERR_BLOCK_NUMBER, "block numbers must be in order: %llu <= %llu", (unsigned long long)num,
                      (unsigned long long)prev_n);
    }
    if (num - base->number > SIM_MAX_BLOCKS) {
      free(p);
      return rpc_fail(c, SIM_ERR_CLIENT_LIMIT, "too many blocks");
    }
    for (uint64_t g = prev_n + 1; g < num; g++) { /* the gap: empty blocks */
      prev_t += SIM_TIME_INCREMENT;
      p[k++] = (sim_plan_t){NULL, g, prev_t};
    }
    uint64_t t = prev_t + SIM_TIME_INCREMENT;
    if (o->has_time) {
      t = o->time;
      if (t <= prev_t) {
        free(p);
        return rpc_fail(c, SIM_ERR_BLOCK_TIMESTAMP, "block timestamps must be in order: %llu <= %llu",
                        (unsigned long long)t, (unsigned long long)prev_t);
      }
    }
    p[k++] = (sim_plan_t){&req->blocks[i], num, t};
    prev_n = num, prev_t = t;
  }
  *out = p, *n = k;
  return 0;
}

/* ---- the run ---- */

typedef struct {
  rpc_call_t *c;
  const chain_snapshot_t *snap;
  chain_t *chain;
  const chain_config_t *cfg;
  const chain_header_t *base;
  ethc_hash_t base_hash;
  bool base_canonical;
  bool base_post_merge; /* the base's children are proof-of-stake blocks */
  evm_revision_t base_rev;
  const sim_request_t *req;
  sim_result_t *res; /* res->count: blocks completed */
  state_t *st;
  evm_t *vm;
  uint64_t budget; /* gas left for the rest of the simulation (--rpc.gascap) */
} sim_t;

/* BLOCKHASH: the simulated blocks before the current one, the base, then the
 * base's ancestors. */
static void sim_block_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  const sim_t *s = ctx;
  memset(out, 0, sizeof *out);
  if (number < 0) return;
  uint64_t n = (uint64_t)number;
  if (n == s->base->number) {
    *out = s->base_hash;
    return;
  }
  if (n > s->base->number) {
    for (size_t i = 0; i < s->res->count; i++)
      if (s->res->blocks[i].header.number == n) *out = s->res->blocks[i].hash;
    return;
  }
  if (s->base_canonical) {
    if (chain_read_canonical_hash(s->chain, n, out)) memset(out, 0, sizeof *out);
    return;
  }
  ethc_hash_t cur = s->base->parent_hash;
  chain_header_t h;
  for (uint64_t k = s->base->number - 1; k > n; k--) {
    if (chain_read_header_by_hash(s->chain, &cur, &h)) return;
    cur = h.parent_hash;
  }
  *out = cur;
}

static bool post_merge_at(const sim_t *s, uint64_t number) {
  return s->base_post_merge || chain_fork_active(s->cfg, FORK_MERGE_NETSPLIT, number, 0);
}

/* The header before execution (geth's makeHeaders and the start of
 * processBlock): `made` is the previous block's, whose fee recipient, gas limit
 * and difficulty carry over; `parent` the previous block's final header. */
static void make_header(const sim_t *s, const sim_plan_t *p, const chain_header_t *made, const chain_header_t *parent,
                        const ethc_hash_t *parent_hash, chain_header_t *h) {
  static const rpc_block_overrides_t none;
  const rpc_block_overrides_t *o = p->src ? &p->src->ov : &none;
  const chain_config_t *cfg = s->cfg;
  memset(h, 0, sizeof *h);
  h->parent_hash = *parent_hash;
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->coinbase = o->has_coinbase ? o->coinbase : made->coinbase;
  h->tx_root = h->receipts_root = HEADER_EMPTY_TRIE_ROOT;
  h->number = p->number;
  h->timestamp = p->time;
  h->gas_limit = o->has_gas_limit ? o->gas_limit : made->gas_limit;
  h->difficulty = post_merge_at(s, p->number) ? U256_ZERO : made->difficulty;
  if (o->has_difficulty) h->difficulty = o->difficulty;
  if (o->has_random) h->mix_hash = o->random;
  if (chain_fork_active(cfg, FORK_LONDON, h->number, h->timestamp)) {
    h->has_base_fee = true;
    if (o->has_base_fee) h->base_fee = o->base_fee;
    else if (s->req->validation) header_expected_base_fee(cfg, parent, &h->base_fee);
  }
  if (chain_fork_active(cfg, FORK_SHANGHAI, h->number, h->timestamp)) h->has_withdrawals_root = true;
  if (chain_fork_active(cfg, FORK_CANCUN, h->number, h->timestamp)) {
    h->has_blob_gas = true;
    if (chain_fork_active(cfg, FORK_CANCUN, parent->number, parent->timestamp))
      h->excess_blob_gas = header_expected_excess_blob_gas(cfg, parent, h->timestamp);
    h->has_parent_beacon_root = true;
    if (o->has_beacon_root) h->parent_beacon_root = o->beacon_root;
  }
  if (chain_fork_active(cfg, FORK_PRAGUE, h->number, h->timestamp)) h->has_requests_hash = true;
}

/* ---- receipts ---- */

static void free_receipts(chain_receipt_t *r, size_t n) {
  for (size_t i = 0; i < n; i++) {
    state_log_t *logs = (state_log_t *)r[i].logs;
    for (size_t k = 0; k < r[i].log_count; k++) free(logs[k].data);
    free(logs);
  }
  free(r);
}

/* ---- one call ---- */

/* geth's code for an invalid simulated transaction (txValidationError). */
static int invalid_code(tx_invalid_t why) {
  switch (why) {
    case TXE_NONCE_TOO_LOW: return SIM_ERR_NONCE_TOO_LOW;
    case TXE_NONCE_TOO_HIGH: return SIM_ERR_NONCE_TOO_HIGH;
    case TXE_MAX_FEE_BELOW_BASE_FEE: return SIM_ERR_BASE_FEE_TOO_LOW;
    case TXE_INTRINSIC_GAS:
    case TXE_FLOOR_GAS: return SIM_ERR_INTRINSIC_GAS;
    case TXE_INSUFFICIENT_FUNDS: return SIM_ERR_INSUFFICIENT_FUNDS;
    case TXE_GAS_ALLOWANCE_EXCEEDED: return SIM_ERR_BLOCK_GAS_LIMIT;
    case TXE_SENDER_NOT_EOA: return SIM_ERR_SENDER_NOT_EOA;
    case TXE_INITCODE_TOO_LARGE: return SIM_ERR_MAX_INIT_CODE;
    case TXE_PRIORITY_ABOVE_MAX_FEE:
    case TXE_FEE_OVERFLOW: return RPC_INVALID_PARAMS;
    default: return RPC_INTERNAL_ERROR;
  }
}

/* The transaction geth builds from a call (ToTransaction with the dynamic-fee
 * type by default, legacy when a gas price is given), unsigned. */
static void build_tx(const sim_t *s, const sim_call_t *call, const chain_header_t *h, uint64_t nonce, uint64_t gas,
                     tx_t *tx) {
  const chain_call_msg_t *m = &call->msg;
  memset(tx, 0, sizeof *tx);
  tx->nonce = nonce;
  tx->gas_limit = gas;
  tx->has_to = m->has_to;
  tx->to = m->to;
  tx->value = m->value;
  tx->data = m->data;
  tx->data_len = m->data_len;
  if (!call->has_auths && (call->has_gas_price || (!h->has_base_fee && !call->has_max_fee))) {
    tx->type = TX_LEGACY;
    tx->gas_price = tx->max_fee_per_gas = tx->max_priority_fee_per_gas = m->gas_price;
    return;
  }
  tx->type = call->has_auths ? TX_SET_CODE : TX_DYNAMIC_FEE;
  tx->authorizations = call->auths;
  tx->authorizations_count = call->auth_count;
  tx->has_chain_id = true;
  tx->chain_id = s->cfg->chain_id;
  tx->max_fee_per_gas = tx->gas_price = m->max_fee_per_gas;
  tx->max_priority_fee_per_gas = m->max_priority_fee_per_gas;
  tx->access_list = m->access_list;
  tx->access_list_count = m->access_list_count;
}

static void hex_addr(const ethc_address_t *a, char out[43]) { hex_encode(a->bytes, 20, out); }

/* Fails the simulation for call `tr` that was invalid, as geth words it. */
static int fail_invalid(sim_t *s, const tx_t *tx, const ethc_address_t *from, const chain_tx_result_t *tr,
                        const chain_header_t *h) {
  char a[43], fee[80];
  hex_addr(from, a);
  const char *why = tr->reason ? tr->reason : tx_invalid_message(tr->invalid);
  if (tr->invalid == TXE_MAX_FEE_BELOW_BASE_FEE) {
    char bf[80];
    u256_to_dec(&tx->max_fee_per_gas, fee);
    u256_to_dec(&h->base_fee, bf);
    return rpc_fail(s->c, SIM_ERR_BASE_FEE_TOO_LOW,
                    "err: max fee per gas less than block base fee: address %s, maxFeePerGas: %s, baseFee: %s "
                    "(supplied gas %llu)",
                    a, fee, bf, (unsigned long long)tx->gas_limit);
  }
  return rpc_fail(s->c, invalid_code(tr->invalid), "err: %s: address %s (supplied gas %llu)", why, a,
                  (unsigned long long)tx->gas_limit);
}

/* ---- one block ---- */

static int withdrawals_root(const chain_withdrawal_t *w, size_t n, ethc_hash_t *out, size_t *rlp_len) {
  bytes_buf_t buf = {0};
  size_t *ends = malloc((n + 1) * sizeof *ends);
  bytes_view_t *items = malloc((n + 1) * sizeof *items);
  int rc = ends && items ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t l = rlp_list_begin(&buf);
    rc = rlp_put_u64(&buf, w[i].index);
    if (!rc) rc = rlp_put_u64(&buf, w[i].validator_index);
    if (!rc) rc = rlp_put_bytes(&buf, w[i].address.bytes, 20);
    if (!rc) rc = rlp_put_u64(&buf, w[i].amount_gwei);
    if (!rc) rc = rlp_list_end(&buf, l);
    ends[i] = buf.len;
  }
  if (!rc) {
    for (size_t i = 0; i < n; i++)
      items[i] = bytes_view(buf.data + (i ? ends[i - 1] : 0), ends[i] - (i ? ends[i - 1] : 0));
    rc = trie_ordered_root(items, n, out->bytes);
    *rlp_len = rlp_header_len(buf.len) + buf.len;
  }
  free(ends);
  free(items);
  bytes_buf_free(&buf);
  return rc;
}

static int local(sim_t *s, int rc) { return rpc_fail_local(s->c, rc); }

/* One block being simulated. */
typedef struct {
  sim_t *s;
  const sim_block_t *src; /* NULL: a gap's empty block */
  sim_block_result_t *out;
  chain_header_t *h; /* &out->header */
  evm_revision_t rev;
  bool pos;
  chain_block_env_t env;
  rpc_precompiles_t pm; /* this block's precompiles (state overrides move them) */
  chain_receipt_t *receipts;
  size_t n; /* calls */
  uint64_t gas_used, blob_gas_used;
  size_t wd_rlp; /* the RLP size of the withdrawals list */
} blk_t;

/* Call k (geth's sanitizeCall, then the transaction): 0 with its result and
 * receipt filled, or fails the simulation. */
static int run_call(blk_t *b, size_t k, sim_tracer_t *tr) {
  sim_t *s = b->s;
  const chain_header_t *h = b->h;
  sim_block_result_t *out = b->out;
  const sim_call_t *call = &b->src->calls[k];
  const ethc_address_t *from = &call->msg.from;
  uint64_t nonce = call->has_nonce ? call->nonce : state_get_nonce(s->st, from);
  uint64_t gas = call->has_gas ? call->msg.gas : h->gas_limit - b->gas_used;
  if (b->gas_used + gas < b->gas_used || b->gas_used + gas > h->gas_limit)
    return rpc_fail(s->c, SIM_ERR_BLOCK_GAS_LIMIT, "block gas limit reached: %llu >= %llu",
                    (unsigned long long)b->gas_used, (unsigned long long)h->gas_limit);
  if (gas > s->budget) gas = s->budget;
  if (call->has_chain_id && !u256_eq(&call->chain_id, &s->cfg->chain_id)) {
    char have[79], want[79];
    u256_to_dec(&call->chain_id, have);
    u256_to_dec(&s->cfg->chain_id, want);
    return rpc_fail(s->c, RPC_SERVER_ERROR, "chainId does not match node's (have=%s, want=%s)", have, want);
  }
  tx_t *tx = &out->txs[k];
  build_tx(s, call, h, nonce, gas, tx);
  int rc = tx_hash(tx, &out->tx_hashes[k]);
  if (rc) return local(s, rc);
  out->senders[k] = *from;
  out->tx_count = k + 1;

  tr->tx_hash = out->tx_hashes[k];
  tr->tx_index = (uint32_t)k;
  tr->n = tr->depth = 0;
  tr->logs = NULL, tr->cap = 0;
  const chain_tx_opts_t opts = {.skip_nonce = !s->req->validation,
                                .skip_eoa = true,
                                .skip_gas_cap = true,
                                .no_base_fee = !s->req->validation};
  chain_tx_result_t r;
  block_logs_copy_t rl = {&b->receipts[k], 0};
  evm_set_tracer(s->vm, &sim_log_tracer, tr);
  rc = chain_apply_tx_opts(s->st, s->vm, b->rev, &b->env, tx, from, &r, block_copy_logs, &rl, &opts);
  evm_set_tracer(s->vm, NULL, NULL);
  sim_call_result_t *cr = &out->calls[k];
  cr->logs = tr->logs; /* the call result owns them from here */
  cr->log_count = tr->n;
  if (evm_deadline_passed(s->vm)) {
    chain_tx_result_free(&r);
    rpc_fail_timeout(s->c);
    s->c->err_code = RPC_INTERNAL_ERROR; /* geth: an unclassified transaction error */
    return -1;
  }
  if (rc && r.invalid != TXE_NONE) {
    fail_invalid(s, tx, from, &r, h);
    chain_tx_result_free(&r);
    return -1;
  }
  if (rc || (rc = state_error(s->st)) || (rc = rl.error) || (tr->oom && (rc = ETHC_ERR_NOMEM))) {
    chain_tx_result_free(&r);
    return local(s, rc);
  }
  s->budget -= r.gas_used < s->budget ? r.gas_used : s->budget;
  b->gas_used += r.gas_used;
  b->blob_gas_used += r.blob_gas_used;
  cr->status = r.status;
  cr->gas_used = r.gas_used;
  cr->max_used_gas = r.peak_gas_used;
  if (r.status == EVM_REVERT || (r.status == EVM_SUCCESS && !r.created)) { /* only these have data to show */
    cr->ret = r.output;
    cr->ret_len = r.output_size;
    r.output = NULL;
  } else if (r.created) { /* a creation returns the code it deployed */
    size_t len;
    const uint8_t *code = state_get_code(s->st, &r.contract_address, &len, NULL);
    cr->ret = len ? malloc(len) : NULL;
    cr->ret_len = cr->ret ? len : 0;
    if (cr->ret) memcpy(cr->ret, code, len);
  }
  chain_tx_result_free(&r);

  chain_receipt_t *rcpt = &b->receipts[k];
  rcpt->type = tx->type;
  rcpt->cumulative_gas_used = b->gas_used;
  if (b->rev >= EVM_BYZANTIUM) {
    rcpt->status = cr->status == EVM_SUCCESS;
  } else {
    rcpt->has_post_state = true;
    if ((rc = state_root(s->st, &rcpt->post_state))) return local(s, rc);
  }
  receipt_compute_bloom(rcpt);
  return 0;
}

/* After the calls: the proof-of-work reward, the withdrawals, the requests
 * (geth's FinalizeAndAssemble and EIP-7685 processing). */
static int finish_block(blk_t *b) {
  sim_t *s = b->s;
  chain_header_t *h = b->h;
  int rc;
  if (!b->pos) {
    u256_t reward;
    block_reward(b->rev, false, &reward);
    if ((rc = state_add_balance(s->st, &h->coinbase, &reward))) return local(s, rc);
    state_touch(s->st, &h->coinbase);
    state_commit(s->st, b->rev >= EVM_SPURIOUS_DRAGON);
  }
  if (h->has_withdrawals_root) {
    sim_block_result_t *out = b->out;
    out->has_withdrawals = true;
    if (b->src && b->src->ov.has_withdrawals) {
      out->withdrawals = b->src->ov.withdrawals;
      out->withdrawal_count = b->src->ov.withdrawal_count;
    }
    u256_t gwei = u256_from_u64(1000000000ULL);
    for (size_t i = 0; i < out->withdrawal_count; i++) { /* EIP-4895: amounts in gwei */
      u256_t amount = u256_from_u64(out->withdrawals[i].amount_gwei);
      u256_mul(&amount, &amount, &gwei);
      if ((rc = state_add_balance(s->st, &out->withdrawals[i].address, &amount))) return local(s, rc);
      state_touch(s->st, &out->withdrawals[i].address);
    }
    state_commit(s->st, true);
    if ((rc = withdrawals_root(out->withdrawals, out->withdrawal_count, &h->withdrawals_root, &b->wd_rlp)))
      return local(s, rc);
  }
  if (b->rev >= EVM_PRAGUE) {
    char why[256];
    int lerr = 0;
    if (block_requests(s->st, s->vm, b->rev, &b->env, s->cfg, b->receipts, b->n, &h->requests_hash, why, sizeof why,
                       &lerr) != BLOCK_VALID) {
      if (lerr) return local(s, lerr);
      if (evm_deadline_passed(s->vm)) return rpc_fail_timeout(s->c);
      return rpc_fail(s->c, RPC_SERVER_ERROR, "%s", why);
    }
  }
  if ((rc = state_error(s->st))) return local(s, rc);
  return 0;
}

/* The header's results (gas, bloom, roots), then its hash and the block's
 * RLP size; the logs get the block hash. */
static int seal_block(blk_t *b) {
  sim_block_result_t *out = b->out;
  chain_header_t *h = b->h;
  size_t n = b->n;
  h->gas_used = b->gas_used;
  if (h->has_blob_gas) h->blob_gas_used = b->blob_gas_used;
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < 256; i++) h->bloom[i] |= b->receipts[k].bloom[i];
  bytes_buf_t txs = {0}, hdr = {0};
  bytes_view_t *views = n ? calloc(n, sizeof *views) : NULL;
  size_t *ends = n ? calloc(n, sizeof *ends) : NULL;
  size_t txs_payload = 0;
  int rc = n && (!views || !ends) ? ETHC_ERR_NOMEM : 0;
  for (size_t k = 0; k < n && !rc; k++) {
    rc = tx_encode(&out->txs[k], &txs);
    ends[k] = txs.len;
  }
  for (size_t k = 0; k < n && !rc; k++) {
    views[k] = bytes_view(txs.data + (k ? ends[k - 1] : 0), ends[k] - (k ? ends[k - 1] : 0));
    /* in a body, a typed transaction is an RLP string */
    txs_payload += out->txs[k].type == TX_LEGACY ? views[k].len : rlp_string_len(views[k].data, views[k].len);
  }
  if (!rc && n) rc = trie_ordered_root(views, n, h->tx_root.bytes);
  if (!rc && n) rc = receipts_root(b->receipts, n, &h->receipts_root);
  if (!rc) rc = state_root(b->s->st, &h->state_root);
  if (!rc) rc = header_encode(h, &hdr);
  if (!rc) {
    keccak256(hdr.data, hdr.len, out->hash.bytes);
    size_t body = hdr.len + rlp_header_len(txs_payload) + txs_payload + 1 /* no ommers */ + b->wd_rlp;
    out->size = rlp_header_len(body) + body;
  }
  bytes_buf_free(&hdr);
  bytes_buf_free(&txs);
  free(views);
  free(ends);
  if (rc) return local(b->s, rc);
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < out->calls[k].log_count; i++) out->calls[k].logs[i].block_hash = out->hash;
  return 0;
}

/* Block p on top of `parent` (see make_header for `made`): 0 with *out
 * filled, or fails the simulation (out then holds what to free). */
static int run_block(sim_t *s, const sim_plan_t *p, const chain_header_t *made, const chain_header_t *parent,
                     const ethc_hash_t *parent_hash, sim_block_result_t *out) {
  blk_t b;
  memset(&b, 0, sizeof b);
  b.s = s;
  b.src = p->src;
  b.out = out;
  b.h = &out->header;
  make_header(s, p, made, parent, parent_hash, b.h);
  b.pos = post_merge_at(s, b.h->number);
  b.rev = chain_config_revision(s->cfg, b.h->number, b.h->timestamp, b.pos);
  block_env_from_header(s->cfg, b.h, &b.env);
  b.env.block_hash = sim_block_hash;
  b.env.block_hash_ctx = s;
  b.pm.rev = s->base_rev; /* geth: the base block's precompiles */
  b.env.precompile = rpc_precompile_at;
  b.env.precompile_ctx = &b.pm;
  if (b.src && b.src->ov.has_blob_base_fee) b.env.blob_base_fee = &b.src->ov.blob_base_fee;

  /* state overrides, then the system calls */
  if (b.src && b.src->state) {
    char err[200];
    int rc = rpc_apply_state_overrides(b.src->state, s->st, &b.pm, err, sizeof err);
    if (rc == ETHC_ERR_INVALID && err[0]) return rpc_fail(s->c, RPC_SERVER_ERROR, "%s", err);
    if (rc) return local(s, rc);
  }
  int rc = 0;
  if (b.h->has_parent_beacon_root) rc = block_beacon_root_call(s->st, s->vm, b.rev, &b.env, &b.h->parent_beacon_root);
  if (!rc && b.rev >= EVM_PRAGUE) rc = block_history_call(s->st, s->vm, b.rev, &b.env, &b.h->parent_hash);
  if (rc || (rc = state_error(s->st))) return local(s, rc);

  size_t n = b.n = b.src ? b.src->call_count : 0;
  b.receipts = n ? calloc(n, sizeof *b.receipts) : NULL;
  out->txs = n ? calloc(n, sizeof *out->txs) : NULL;
  out->tx_hashes = n ? calloc(n, sizeof *out->tx_hashes) : NULL;
  out->senders = n ? calloc(n, sizeof *out->senders) : NULL;
  out->calls = n ? calloc(n, sizeof *out->calls) : NULL;
  int ret = -1;
  if (n && (!b.receipts || !out->txs || !out->tx_hashes || !out->senders || !out->calls)) {
    rpc_fail(s->c, RPC_INTERNAL_ERROR, "out of memory");
  } else {
    sim_tracer_t tr;
    memset(&tr, 0, sizeof tr);
    tr.transfers = s->req->trace_transfers;
    tr.number = b.h->number;
    tr.timestamp = b.h->timestamp;
    size_t k = 0;
    while (k < n && !run_call(&b, k, &tr)) k++;
    free(tr.frames);
    if (k == n && !finish_block(&b) && !seal_block(&b)) ret = 0;
  }
  free_receipts(b.receipts, n);
  return ret;
}

void sim_result_free(sim_result_t *r) {
  for (size_t i = 0; i < r->count; i++) {
    sim_block_result_t *b = &r->blocks[i];
    for (size_t k = 0; k < b->tx_count; k++) {
      sim_call_result_t *c = &b->calls[k];
      free(c->ret);
      for (size_t l = 0; l < c->log_count; l++) free((void *)c->logs[l].data);
      free(c->logs);
    }
    free(b->txs);
    free(b->tx_hashes);
    free(b->senders);
    free(b->calls);
  }
  free(r->blocks);
  memset(r, 0, sizeof *r);
}

int sim_run(rpc_call_t *c, const chain_snapshot_t *snap, const sim_request_t *req, sim_result_t *out) {
  memset(out, 0, sizeof *out);
  sim_t s;
  memset(&s, 0, sizeof s);
  s.c = c;
  s.snap = snap;
  s.chain = chain_snapshot_chain(snap);
  s.cfg = chain_config(s.chain);
  s.base = chain_snapshot_header(snap);
  s.base_hash = *chain_snapshot_hash(snap);
  ethc_hash_t canon;
  s.base_canonical =
      chain_read_canonical_hash(s.chain, s.base->number, &canon) == 0 && ethc_hash_eq(&canon, &s.base_hash);
  const u256_t *td = chain_snapshot_td(snap);
  u256_t parent_td;
  u256_sub(&parent_td, td, &s.base->difficulty);
  s.base_post_merge = s.cfg->has_ttd && !u256_lt(td, &s.cfg->terminal_total_difficulty);
  bool base_pos = s.cfg->has_ttd && !u256_lt(&parent_td, &s.cfg->terminal_total_difficulty);
  s.base_rev = chain_config_revision(s.cfg, s.base->number, s.base->timestamp, base_pos);
  s.req = req;
  s.res = out;
  s.budget = c->srv->gas_cap ? c->srv->gas_cap : UINT64_MAX;

  sim_plan_t *plan = NULL;
  size_t n = 0;
  if (plan_blocks(c, s.base, req, &plan, &n)) return -1;
  int rc = -1;
  out->blocks = calloc(n, sizeof *out->blocks);
  s.vm = rpc_thread_vm();
  s.st = chain_snapshot_state(snap);
  if (!out->blocks || !s.vm || !s.st) {
    rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    goto done;
  }
  rpc_start_evm_timeout(c, s.vm);
  const chain_header_t *made = s.base, *parent = s.base;
  const ethc_hash_t *parent_hash = &s.base_hash;
  for (size_t i = 0; i < n; i++) {
    sim_block_result_t *b = &out->blocks[i];
    if (run_block(&s, &plan[i], made, parent, parent_hash, b)) {
      out->count = i + 1; /* freed with the rest */
      goto done;
    }
    out->count = i + 1;
    made = parent = &b->header;
    parent_hash = &b->hash;
  }
  rc = 0;
done:
  if (s.vm) evm_set_deadline(s.vm, 0);
  if (s.st) state_free(s.st);
  free(plan);
  if (rc) sim_result_free(out);
  return rc;
}
