/* eth_call-style execution on a snapshot (chain_call.h): a transaction built
 * from the call, applied by chain_apply_tx to a throw-away overlay. */
#include "ethc/chain_call.h"

#include <stdlib.h>
#include <string.h>

#include "chain/chain_internal.h"
#include "ethc/block_exec.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/transition.h"

typedef struct {
  const chain_snapshot_t *snap;
  int canonical; /* the snapshot is on the canonical chain (its index serves): 1, 0, or -1 not yet known */
} ancestry_t;

/* BLOCKHASH of an ancestor of the snapshot's block (the call runs in that
 * block's environment); a zero hash when it cannot be read. */
static void ancestor_hash(void *ctx, int64_t number, ethc_hash_t *out) {
  ancestry_t *a = ctx;
  chain_t *c = chain_snapshot_chain(a->snap);
  const chain_header_t *h = chain_snapshot_header(a->snap);
  memset(out, 0, sizeof *out);
  if (number < 0 || (uint64_t)number >= h->number) return;
  if (a->canonical < 0) { /* asked on first use: most calls never read BLOCKHASH */
    ethc_hash_t canon;
    a->canonical =
        chain_read_canonical_hash(c, h->number, &canon) == 0 && ethc_hash_eq(&canon, chain_snapshot_hash(a->snap));
  }
  if (a->canonical) {
    if (chain_read_canonical_hash(c, (uint64_t)number, out)) memset(out, 0, sizeof *out);
    return;
  }
  ethc_hash_t cur = h->parent_hash;
  chain_header_t p;
  for (uint64_t n = h->number - 1; n > (uint64_t)number; n--) {
    if (chain_read_header_by_hash(c, &cur, &p)) return;
    cur = p.parent_hash;
  }
  *out = cur;
}

void chain_call_result_free(chain_call_result_t *r) {
  free(r->output);
  r->output = NULL;
  r->output_size = 0;
}

int chain_call(const chain_snapshot_t *snap, evm_t *vm, const chain_call_msg_t *msg, chain_call_result_t *out) {
  memset(out, 0, sizeof *out);
  chain_t *c = chain_snapshot_chain(snap);
  const chain_config_t *cfg = chain_config(c);
  const chain_header_t *h = chain_snapshot_header(snap);
  /* the block is post-merge when its parent's total difficulty reached the TTD */
  u256_t parent_td;
  u256_sub(&parent_td, chain_snapshot_td(snap), &h->difficulty);
  bool post_merge = cfg->has_ttd && !u256_lt(&parent_td, &cfg->terminal_total_difficulty);
  evm_revision_t rev = chain_config_revision(cfg, h->number, h->timestamp, post_merge);

  ancestry_t anc = {snap, -1};
  chain_block_env_t env;
  block_env_from_header(cfg, h, &env);
  if (msg->adjust_env) msg->adjust_env(msg->adjust_env_ctx, &env);
  bool free_call = msg->dynamic_fee ? u256_is_zero(&msg->max_fee_per_gas) : u256_is_zero(&msg->gas_price);
  if (free_call) env.base_fee = U256_ZERO; /* as geth: no fee asked, no base fee (BASEFEE reads 0) */
  env.block_hash = ancestor_hash;
  env.block_hash_ctx = &anc;

  chain_remote_prefetch(
      snap, &(chain_remote_call_t){msg->from, msg->has_to, msg->to, msg->value, msg->data, msg->data_len, msg->gas});
  state_t *st = chain_snapshot_state(snap);
  if (!st) return ETHC_ERR_NOMEM;
  int err = ETHC_OK;
  if (msg->override_balance) err = state_set_balance(st, &msg->from, &msg->balance);
  if (!err && msg->prepare) err = msg->prepare(msg->prepare_ctx, st);
  if (!err) state_commit(st, false);
  tx_t tx;
  memset(&tx, 0, sizeof tx);
  tx.type = TX_LEGACY;
  tx.nonce = state_get_nonce(st, &msg->from);
  tx.gas_price = tx.max_fee_per_gas = tx.max_priority_fee_per_gas = msg->gas_price;
  if (msg->dynamic_fee) {
    tx.type = TX_DYNAMIC_FEE;
    tx.has_chain_id = true;
    tx.chain_id = cfg->chain_id;
    tx.gas_price = tx.max_fee_per_gas = msg->max_fee_per_gas;
    tx.max_priority_fee_per_gas = msg->max_priority_fee_per_gas;
  }
  if (msg->access_list_count) {
    if (tx.type == TX_LEGACY) {
      tx.type = TX_ACCESS_LIST;
      tx.has_chain_id = true;
      tx.chain_id = cfg->chain_id;
    }
    tx.access_list = msg->access_list;
    tx.access_list_count = msg->access_list_count;
  }
  tx.gas_limit = msg->gas ? msg->gas : (uint64_t)env.gas_limit;
  if (!msg->gas && rev >= EVM_OSAKA && tx.gas_limit > TX_MAX_GAS_LIMIT_OSAKA)
    tx.gas_limit = TX_MAX_GAS_LIMIT_OSAKA; /* the default is what a transaction may have */
  if (tx.gas_limit > (uint64_t)env.gas_limit) env.gas_limit = (int64_t)tx.gas_limit; /* a call may ask for more */
  tx.has_to = msg->has_to;
  tx.to = msg->to;
  tx.value = msg->value;
  tx.data = msg->data;
  tx.data_len = msg->data_len;
  chain_tx_result_t r;
  memset(&r, 0, sizeof r);
  if (!err) {
    /* as geth's eth_call (SkipTransactionChecks): the sender may have code, and
     * an explicit gas limit may pass the EIP-7825 cap */
    static const chain_tx_opts_t call_opts = {.skip_eoa = true, .skip_gas_cap = true};
    out->tx_error = chain_apply_tx_opts(st, vm, rev, &env, &tx, &msg->from, &r, NULL, NULL, &call_opts);
    err = state_error(st); /* a read that failed decides nothing */
    out->timed_out = evm_deadline_passed(vm);
  }
  if (!err) {
    out->status = r.status;
    out->reason = r.reason;
    out->gas_used = r.gas_used;
    out->created = r.created;
    out->contract_address = r.contract_address;
    out->output = r.output;
    out->output_size = r.output_size;
    r.output = NULL;
    if (r.created) { /* as geth: a creation returns the code it deployed */
      size_t n;
      const uint8_t *code = state_get_code(st, &r.contract_address, &n, NULL);
      free(out->output);
      out->output = n ? malloc(n) : NULL;
      out->output_size = out->output ? n : 0;
      if (out->output) memcpy(out->output, code, n);
    }
  }
  chain_tx_result_free(&r);
  state_free(st);
  return err;
}
