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
 * before the current one. With traceTransfers, ether moves appear among the
 * logs as ERC-7528 Transfer events of 0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE. */
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

/* ---- the logs of a call (geth's simulate log tracer) ---- */

/* keccak256("Transfer(address,address,uint256)") */
static const ethc_hash_t transfer_topic = {{0xdd, 0xf2, 0x52, 0xad, 0x1b, 0xe2, 0xc8, 0x9b, 0x69, 0xc2, 0xb0,
                                            0x68, 0xfc, 0x37, 0x8d, 0xaa, 0x95, 0x2b, 0xa7, 0xf1, 0x63, 0xc4,
                                            0xa1, 0x16, 0x28, 0xf5, 0x5a, 0x4d, 0xf5, 0x23, 0xb3, 0xef}};
/* ERC-7528's address for ether */
static const ethc_address_t eth_address = {{0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
                                            0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee}};

typedef struct {
  bool transfers;
  chain_log_t *logs; /* of the current call, in order; data malloc'd */
  size_t n, cap;
  size_t *frames; /* log count when each open frame began */
  size_t depth, fcap;
  uint32_t count; /* the block's log index */
  bool oom;
  uint64_t number, timestamp;
  ethc_hash_t tx_hash;
  uint32_t tx_index;
} sim_tracer_t;

static void st_add(sim_tracer_t *t, const ethc_address_t *a, const ethc_hash_t *topics, size_t nt, const uint8_t *d,
                   size_t len) {
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 8;
    chain_log_t *l = realloc(t->logs, cap * sizeof *l);
    if (!l) return (void)(t->oom = true);
    t->logs = l, t->cap = cap;
  }
  uint8_t *copy = len ? malloc(len) : NULL;
  if (len && !copy) return (void)(t->oom = true);
  if (len) memcpy(copy, d, len);
  chain_log_t *l = &t->logs[t->n++];
  memset(l, 0, sizeof *l);
  l->address = *a;
  l->topics_count = (uint8_t)(nt > 4 ? 4 : nt);
  for (size_t i = 0; i < l->topics_count; i++) l->topics[i] = topics[i];
  l->data = copy;
  l->data_size = len;
  l->block_number = t->number;
  l->block_timestamp = t->timestamp;
  l->tx_hash = t->tx_hash;
  l->tx_index = t->tx_index;
  l->log_index = t->count++;
}

static void st_drop_from(sim_tracer_t *t, size_t from) {
  for (size_t i = from; i < t->n; i++) free((void *)t->logs[i].data);
  t->count -= (uint32_t)(t->n - from);
  t->n = from;
}

static void st_enter(void *ctx, const evm_trace_enter_t *e) {
  sim_tracer_t *t = ctx;
  if (t->depth == t->fcap) {
    size_t cap = t->fcap ? t->fcap * 2 : 16;
    size_t *f = realloc(t->frames, cap * sizeof *f);
    if (!f) return (void)(t->oom = true);
    t->frames = f, t->fcap = cap;
  }
  t->frames[t->depth++] = t->n;
  if (t->transfers && e->kind != EVM_TRACE_DELEGATECALL && e->kind != EVM_TRACE_CALLCODE && !u256_is_zero(&e->value)) {
    ethc_hash_t topics[3];
    topics[0] = transfer_topic;
    memset(&topics[1], 0, 64);
    memcpy(topics[1].bytes + 12, e->from.bytes, 20);
    memcpy(topics[2].bytes + 12, e->to.bytes, 20);
    uint8_t v[32];
    u256_to_be(&e->value, v);
    st_add(t, &eth_address, topics, 3, v, 32);
  }
}

static void st_exit(void *ctx, const evm_trace_exit_t *x) {
  sim_tracer_t *t = ctx;
  if (!t->depth) return;
  size_t from = t->frames[--t->depth];
  if (x->status != EVM_SUCCESS) st_drop_from(t, from);
}

static void st_log(void *ctx, int32_t depth, const ethc_address_t *addr, const ethc_hash_t *topics, size_t nt,
                   const uint8_t *data, size_t len) {
  (void)depth;
  st_add(ctx, addr, topics, nt, data, len);
}

static const evm_tracer_t sim_log_tracer = {.on_enter = st_enter, .on_exit = st_exit, .on_log = st_log};

/* ---- receipts ---- */

typedef struct {
  chain_receipt_t *r;
  int error;
} receipt_logs_t;

static void keep_receipt_logs(void *ctx, const state_log_t *logs, size_t n) {
  receipt_logs_t *k = ctx;
  if (!n) return;
  state_log_t *copy = calloc(n, sizeof *copy);
  if (!copy) return (void)(k->error = ETHC_ERR_NOMEM);
  for (size_t i = 0; i < n; i++) {
    copy[i] = logs[i];
    copy[i].data = logs[i].data_size ? malloc(logs[i].data_size) : NULL;
    if (logs[i].data_size && !copy[i].data) copy[i].data_size = 0, k->error = ETHC_ERR_NOMEM;
    else if (logs[i].data_size) memcpy(copy[i].data, logs[i].data, logs[i].data_size);
  }
  k->r->logs = copy;
  k->r->log_count = n;
}

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

static int run_block(sim_t *s, const sim_plan_t *p, const chain_header_t *made, const chain_header_t *parent,
                     const ethc_hash_t *parent_hash, sim_block_result_t *out) {
  chain_header_t *h = &out->header;
  make_header(s, p, made, parent, parent_hash, h);
  const chain_config_t *cfg = s->cfg;
  const bool pos = post_merge_at(s, h->number);
  const evm_revision_t rev = chain_config_revision(cfg, h->number, h->timestamp, pos);
  chain_block_env_t env;
  block_env_from_header(cfg, h, &env);
  env.block_hash = sim_block_hash;
  env.block_hash_ctx = s;
  rpc_precompiles_t pm;
  memset(&pm, 0, sizeof pm);
  pm.rev = s->base_rev;
  env.precompile = rpc_precompile_at;
  env.precompile_ctx = &pm;
  const sim_block_t *src = p->src;
  if (src && src->ov.has_blob_base_fee) env.blob_base_fee = &src->ov.blob_base_fee;

  /* state overrides, then the system calls */
  if (src && src->state) {
    char err[200];
    int rc = rpc_apply_state_overrides(src->state, s->st, &pm, err, sizeof err);
    if (rc == ETHC_ERR_INVALID && err[0]) return rpc_fail(s->c, RPC_SERVER_ERROR, "%s", err);
    if (rc) return local(s, rc);
  }
  int rc = 0;
  if (h->has_parent_beacon_root) rc = block_beacon_root_call(s->st, s->vm, rev, &env, &h->parent_beacon_root);
  if (!rc && rev >= EVM_PRAGUE) rc = block_history_call(s->st, s->vm, rev, &env, &h->parent_hash);
  if (rc || (rc = state_error(s->st))) return local(s, rc);

  /* the calls */
  size_t n = src ? src->call_count : 0;
  chain_receipt_t *receipts = n ? calloc(n, sizeof *receipts) : NULL;
  out->txs = n ? calloc(n, sizeof *out->txs) : NULL;
  out->tx_hashes = n ? calloc(n, sizeof *out->tx_hashes) : NULL;
  out->senders = n ? calloc(n, sizeof *out->senders) : NULL;
  out->calls = n ? calloc(n, sizeof *out->calls) : NULL;
  if (n && (!receipts || !out->txs || !out->tx_hashes || !out->senders || !out->calls)) {
    free(receipts);
    return rpc_fail(s->c, RPC_INTERNAL_ERROR, "out of memory");
  }
  sim_tracer_t tr;
  memset(&tr, 0, sizeof tr);
  tr.transfers = s->req->trace_transfers;
  tr.number = h->number;
  tr.timestamp = h->timestamp;
  const chain_tx_opts_t opts = {.skip_nonce = !s->req->validation,
                                .skip_eoa = true,
                                .skip_gas_cap = true,
                                .no_base_fee = !s->req->validation};
  uint64_t gas_used = 0, blob_gas_used = 0;
  int ret = -1;
  for (size_t k = 0; k < n; k++) {
    const sim_call_t *call = &src->calls[k];
    const ethc_address_t *from = &call->msg.from;
    uint64_t nonce = call->has_nonce ? call->nonce : state_get_nonce(s->st, from);
    uint64_t gas = call->has_gas ? call->msg.gas : h->gas_limit - gas_used;
    if (gas_used + gas < gas_used || gas_used + gas > h->gas_limit) {
      rpc_fail(s->c, SIM_ERR_BLOCK_GAS_LIMIT, "block gas limit reached: %llu >= %llu", (unsigned long long)gas_used,
               (unsigned long long)h->gas_limit);
      goto out;
    }
    if (gas > s->budget) gas = s->budget;
    if (call->has_chain_id && !u256_eq(&call->chain_id, &cfg->chain_id)) {
      char have[79], want[79];
      u256_to_dec(&call->chain_id, have);
      u256_to_dec(&cfg->chain_id, want);
      rpc_fail(s->c, RPC_SERVER_ERROR, "chainId does not match node's (have=%s, want=%s)", have, want);
      goto out;
    }
    tx_t *tx = &out->txs[k];
    build_tx(s, call, h, nonce, gas, tx);
    if ((rc = tx_hash(tx, &out->tx_hashes[k]))) {
      local(s, rc);
      goto out;
    }
    out->senders[k] = *from;
    out->tx_count = k + 1;
    tr.tx_hash = out->tx_hashes[k];
    tr.tx_index = (uint32_t)k;
    tr.n = tr.depth = 0;
    tr.logs = NULL, tr.cap = 0;
    chain_tx_result_t r;
    receipt_logs_t rl = {&receipts[k], 0};
    evm_set_tracer(s->vm, &sim_log_tracer, &tr);
    rc = chain_apply_tx_opts(s->st, s->vm, rev, &env, tx, from, &r, keep_receipt_logs, &rl, &opts);
    evm_set_tracer(s->vm, NULL, NULL);
    sim_call_result_t *cr = &out->calls[k];
    cr->logs = tr.logs;
    cr->log_count = tr.n;
    if (evm_deadline_passed(s->vm)) {
      chain_tx_result_free(&r);
      rpc_fail_timeout(s->c);
      s->c->err_code = RPC_INTERNAL_ERROR; /* geth: an unclassified transaction error */
      goto out;
    }
    if (rc && r.invalid != TXE_NONE) {
      fail_invalid(s, tx, from, &r, h);
      chain_tx_result_free(&r);
      goto out;
    }
    if (rc || (rc = state_error(s->st)) || (rc = rl.error) || (tr.oom && (rc = ETHC_ERR_NOMEM))) {
      chain_tx_result_free(&r);
      local(s, rc);
      goto out;
    }
    s->budget -= r.gas_used < s->budget ? r.gas_used : s->budget;
    gas_used += r.gas_used;
    blob_gas_used += r.blob_gas_used;
    cr->status = r.status;
    cr->gas_used = r.gas_used;
    cr->max_used_gas = r.peak_gas_used;
    cr->ret = r.output;
    cr->ret_len = r.output_size;
    r.output = NULL;
    if (r.created) { /* a creation returns the code it deployed */
      size_t len;
      const uint8_t *code = state_get_code(s->st, &r.contract_address, &len, NULL);
      free(cr->ret);
      cr->ret = len ? malloc(len) : NULL;
      cr->ret_len = cr->ret ? len : 0;
      if (cr->ret) memcpy(cr->ret, code, len);
    }
    chain_tx_result_free(&r);
    if (cr->status != EVM_SUCCESS && cr->status != EVM_REVERT) {
      free(cr->ret); /* only a revert has data to show */
      cr->ret = NULL, cr->ret_len = 0;
    }
    chain_receipt_t *rc_out = &receipts[k];
    rc_out->type = tx->type;
    rc_out->cumulative_gas_used = gas_used;
    if (rev >= EVM_BYZANTIUM) {
      rc_out->status = cr->status == EVM_SUCCESS;
    } else {
      rc_out->has_post_state = true;
      if ((rc = state_root(s->st, &rc_out->post_state))) {
        local(s, rc);
        goto out;
      }
    }
    receipt_compute_bloom(rc_out);
  }
  free(tr.frames);
  tr.frames = NULL;

  /* finalisation: the proof-of-work reward, the withdrawals, the requests */
  if (!pos) {
    u256_t reward;
    block_reward(rev, false, &reward);
    if ((rc = state_add_balance(s->st, &h->coinbase, &reward))) {
      local(s, rc);
      goto out;
    }
    state_touch(s->st, &h->coinbase);
    state_commit(s->st, rev >= EVM_SPURIOUS_DRAGON);
  }
  size_t wd_rlp = 0;
  if (h->has_withdrawals_root) {
    out->has_withdrawals = true;
    if (src && src->ov.has_withdrawals) {
      out->withdrawals = src->ov.withdrawals;
      out->withdrawal_count = src->ov.withdrawal_count;
    }
    u256_t gwei = u256_from_u64(1000000000ULL);
    for (size_t i = 0; i < out->withdrawal_count; i++) {
      u256_t amount = u256_from_u64(out->withdrawals[i].amount_gwei);
      u256_mul(&amount, &amount, &gwei);
      if ((rc = state_add_balance(s->st, &out->withdrawals[i].address, &amount))) {
        local(s, rc);
        goto out;
      }
      state_touch(s->st, &out->withdrawals[i].address);
    }
    state_commit(s->st, true);
    if ((rc = withdrawals_root(out->withdrawals, out->withdrawal_count, &h->withdrawals_root, &wd_rlp))) {
      local(s, rc);
      goto out;
    }
  }
  if (rev >= EVM_PRAGUE) {
    char why[256];
    int lerr = 0;
    if (block_requests(s->st, s->vm, rev, &env, cfg, receipts, n, &h->requests_hash, why, sizeof why, &lerr) !=
        BLOCK_VALID) {
      if (lerr) local(s, lerr);
      else if (evm_deadline_passed(s->vm)) rpc_fail_timeout(s->c);
      else rpc_fail(s->c, RPC_SERVER_ERROR, "%s", why);
      goto out;
    }
  }
  if ((rc = state_error(s->st))) {
    local(s, rc);
    goto out;
  }

  /* the header's results and the hash */
  h->gas_used = gas_used;
  if (h->has_blob_gas) h->blob_gas_used = blob_gas_used;
  for (size_t k = 0; k < n; k++)
    for (size_t b = 0; b < 256; b++) h->bloom[b] |= receipts[k].bloom[b];
  bytes_buf_t txs = {0};
  bytes_view_t *views = n ? calloc(n, sizeof *views) : NULL;
  size_t *ends = n ? calloc(n, sizeof *ends) : NULL;
  size_t txs_payload = 0;
  rc = n && (!views || !ends) ? ETHC_ERR_NOMEM : 0;
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
  if (!rc && n) rc = receipts_root(receipts, n, &h->receipts_root);
  if (!rc) rc = state_root(s->st, &h->state_root);
  bytes_buf_t hdr = {0};
  if (!rc) rc = header_encode(h, &hdr);
  if (!rc) {
    keccak256(hdr.data, hdr.len, out->hash.bytes);
    size_t body = hdr.len + rlp_header_len(txs_payload) + txs_payload + 1 /* no ommers */ + wd_rlp;
    out->size = rlp_header_len(body) + body;
  }
  bytes_buf_free(&hdr);
  bytes_buf_free(&txs);
  free(views);
  free(ends);
  if (rc) {
    local(s, rc);
    goto out;
  }
  for (size_t k = 0; k < n; k++)
    for (size_t i = 0; i < out->calls[k].log_count; i++) out->calls[k].logs[i].block_hash = out->hash;
  ret = 0;
out:
  free(tr.frames); /* the logs belong to the call results */
  free_receipts(receipts, n);
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
