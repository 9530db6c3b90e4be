/* The dev node's transaction methods (geth's ethapi, execution-apis
 * src/eth/sign.yaml and submit.yaml): eth_fillTransaction, eth_signTransaction
 * and eth_sendTransaction take a transaction object, fill what it lacks (the
 * nonce after the sender's pooled transactions, the gas by eth_estimateGas,
 * fees from the head's base fee and a 1 gwei tip, the chain id; type 2 unless
 * gasPrice is given, then legacy with EIP-155, or type 1 with an access list),
 * then answer it unsigned {raw, tx}, signed {raw, tx}, or pooled (its hash) as
 * eth_sendRawTransaction does. An impersonated sender's transaction is pooled
 * unsigned with its sender forced (accounts.h). */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/state.h"
#include "rpc/accounts.h"
#include "rpc/rpc_internal.h"

#define DEFAULT_TIP 1000000000ULL /* 1 gwei */

typedef struct {
  tx_t tx;
  ethc_address_t from;
  uint8_t *block; /* rpc_parse_call's allocation: data and access list (free it) */
} filled_t;

static const cJSON *field(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return v && !cJSON_IsNull(v) ? v : NULL;
}

/* Runs eth_estimateGas on the object (its own call, sharing the request's head). */
static int estimate(rpc_call_t *c, const cJSON *obj, uint64_t *gas) {
  const rpc_method_t *m = rpc_method_find("eth_estimateGas");
  cJSON *params = cJSON_CreateArray();
  if (!m || !params || !cJSON_AddItemReferenceToArray(params, (cJSON *)obj)) {
    cJSON_Delete(params);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  jw_t w;
  jw_init(&w);
  rpc_call_t sub = {.srv = c->srv, .sess = c->sess, .w = &w, .head = c->head};
  int rc = m->fn(&sub, params);
  cJSON_Delete(params);
  if (rc) {
    rc = rpc_fail(c, sub.err_code, "%s", sub.err_msg);
    if (sub.err_data) { /* keep a revert's data */
      c->err_data = sub.err_data, c->err_data_len = sub.err_data_len;
    }
  } else {
    u256_t g;
    size_t n = 0;
    char *buf = jw_take(&w, &n), *text = buf; /* NUL-terminated: "0x5208" with its quotes */
    if (text && n >= 2 && text[0] == '"') text[n - 1] = 0, text++;
    if (!text || !u256_from_string(&g, text) || !u256_fits_u64(&g))
      rc = rpc_fail(c, RPC_INTERNAL_ERROR, "gas estimate");
    else *gas = g.w[0];
    free(buf);
  }
  jw_free(&w);
  return rc;
}

static int parse_u256_field(rpc_call_t *c, const cJSON *v, u256_t *out) {
  if (!cJSON_IsString(v) || !u256_from_string(out, v->valuestring))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: hex number expected");
  return 0;
}

/* Parses and completes parameter 0 into f. 0, or the call failed. */
static int fill(rpc_call_t *c, const cJSON *params, filled_t *f) {
  const cJSON *obj, *v;
  chain_call_msg_t msg;
  memset(f, 0, sizeof *f);
  if (rpc_need(c, params, 0, &obj) || rpc_parse_call(c, 0, obj, &msg, &f->block)) return -1;
  if (!field(obj, "from")) return rpc_fail(c, RPC_INVALID_PARAMS, "missing value for required argument: from");
  f->from = msg.from;
  tx_t *t = &f->tx;
  chain_snapshot_t *head = rpc_head(c);
  const chain_config_t *cfg = chain_config(c->srv->chain);
  /* chain id */
  t->has_chain_id = true;
  t->chain_id = cfg->chain_id;
  if ((v = field(obj, "chainId"))) {
    u256_t id;
    if (parse_u256_field(c, v, &id)) return -1;
    if (!u256_eq(&id, &cfg->chain_id)) {
      char have[79], want[79];
      u256_to_dec(&id, have), u256_to_dec(&cfg->chain_id, want);
      return rpc_fail(c, RPC_INVALID_PARAMS, "chainId does not match node's (have=%s, want=%s)", have, want);
    }
  }
  /* nonce: the account's, then past its pooled transactions */
  if ((v = field(obj, "nonce"))) {
    if (rpc_parse_qty(c, 0, v, &t->nonce)) return -1;
  } else {
    state_t *st = chain_snapshot_state(head);
    if (!st) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    t->nonce = state_get_nonce(st, &f->from);
    int err = state_error(st);
    state_free(st);
    if (err) return rpc_fail_local(c, err);
    if (c->srv->txpool.pending_nonce) t->nonce = c->srv->txpool.pending_nonce(c->srv->txpool.ctx, &f->from, t->nonce);
  }
  /* type and fees */
  uint64_t type = TX_DYNAMIC_FEE;
  bool has_type = (v = field(obj, "type")) != NULL;
  if (has_type && rpc_parse_qty(c, 0, v, &type)) return -1;
  const cJSON *gp = field(obj, "gasPrice");
  if (!has_type) type = gp ? (msg.access_list_count ? TX_ACCESS_LIST : TX_LEGACY) : TX_DYNAMIC_FEE;
  if (type > TX_DYNAMIC_FEE)
    return rpc_fail(c, RPC_INVALID_PARAMS, "transaction type %llu cannot be filled here (use eth_sendRawTransaction)",
                    (unsigned long long)type);
  if (type != TX_DYNAMIC_FEE && msg.dynamic_fee)
    return rpc_fail(c, RPC_INVALID_PARAMS, "maxFeePerGas given for a transaction of type %llu",
                    (unsigned long long)type);
  const chain_header_t *h = chain_snapshot_header(head);
  u256_t base = h->has_base_fee ? h->base_fee : U256_ZERO, tip = u256_from_u64(DEFAULT_TIP), suggested;
  u256_add(&suggested, &base, &base);
  u256_add(&suggested, &suggested, &tip); /* 2 * base fee + tip: room for six full blocks of rises */
  t->type = (tx_type_t)type;
  if (type == TX_DYNAMIC_FEE) {
    t->max_priority_fee_per_gas = field(obj, "maxPriorityFeePerGas") ? msg.max_priority_fee_per_gas : tip;
    if (field(obj, "maxFeePerGas")) {
      t->max_fee_per_gas = msg.max_fee_per_gas;
    } else {
      u256_add(&t->max_fee_per_gas, &base, &base);
      u256_add(&t->max_fee_per_gas, &t->max_fee_per_gas, &t->max_priority_fee_per_gas);
    }
    if (u256_lt(&t->max_fee_per_gas, &t->max_priority_fee_per_gas))
      return rpc_fail(c, RPC_SERVER_ERROR, "maxFeePerGas < maxPriorityFeePerGas");
    t->gas_price = t->max_fee_per_gas;
  } else {
    t->gas_price = gp ? msg.gas_price : suggested;
    t->max_fee_per_gas = t->max_priority_fee_per_gas = t->gas_price;
  }
  /* the rest of the message */
  t->has_to = msg.has_to;
  t->to = msg.to;
  t->value = msg.value;
  t->data = msg.data;
  t->data_len = msg.data_len;
  if (type != TX_LEGACY) t->access_list = msg.access_list, t->access_list_count = msg.access_list_count;
  else if (msg.access_list_count) return rpc_fail(c, RPC_INVALID_PARAMS, "accessList given for a legacy transaction");
  if (field(obj, "gas")) t->gas_limit = msg.gas;
  else if (estimate(c, obj, &t->gas_limit)) return -1;
  return 0;
}

static void filled_free(filled_t *f) { free(f->block); }

static int encode(rpc_call_t *c, const tx_t *t, bytes_buf_t *raw, ethc_hash_t *hash) {
  memset(raw, 0, sizeof *raw);
  if (tx_encode(t, raw) || tx_hash(t, hash)) return bytes_buf_free(raw), rpc_fail(c, RPC_INTERNAL_ERROR, "encoding");
  return 0;
}

/* {raw, tx} as geth answers eth_signTransaction and eth_fillTransaction. */
static int write_raw_tx(rpc_call_t *c, const filled_t *f) {
  bytes_buf_t raw;
  ethc_hash_t h;
  if (encode(c, &f->tx, &raw, &h)) return -1;
  jw_obj_begin(c->w);
  jw_kdata(c->w, "raw", raw.data, raw.len);
  jw_key(c->w, "tx");
  rpc_write_pool_tx(c->w, &f->tx, &h, &f->from);
  jw_obj_end(c->w);
  bytes_buf_free(&raw);
  return 0;
}

static int sign_filled(rpc_call_t *c, filled_t *f) {
  const uint8_t *key = rpc_accounts_key(c->srv->accounts, &f->from);
  if (!key) return rpc_fail(c, RPC_SERVER_ERROR, "unknown account");
  if (tx_sign(&f->tx, key)) return rpc_fail(c, RPC_INTERNAL_ERROR, "signing failed");
  return 0;
}

int rpc_eth_fillTransaction(rpc_call_t *c, const cJSON *params) {
  filled_t f;
  int rc = fill(c, params, &f) ? -1 : write_raw_tx(c, &f);
  filled_free(&f);
  return rc;
}

int rpc_eth_signTransaction(rpc_call_t *c, const cJSON *params) {
  filled_t f;
  int rc = fill(c, params, &f) || sign_filled(c, &f) ? -1 : write_raw_tx(c, &f);
  filled_free(&f);
  return rc;
}

int rpc_eth_sendTransaction(rpc_call_t *c, const cJSON *params) {
  filled_t f;
  ethc_hash_t h;
  int rc = -1;
  if (fill(c, params, &f)) goto out;
  const rpc_txpool_t *p = &c->srv->txpool;
  if (!p->add) {
    rpc_fail(c, RPC_SERVER_ERROR, "transaction pool not available");
    goto out;
  }
  if (!rpc_accounts_key(c->srv->accounts, &f.from)) {
    if (!rpc_accounts_impersonated(c->srv->accounts, &f.from)) {
      rpc_fail(c, RPC_SERVER_ERROR, "unknown account");
      goto out;
    }
    if (rpc_accounts_forced_add(c, &f.tx, &f.from, &h)) goto out;
  } else {
    bytes_buf_t raw;
    if (sign_filled(c, &f) || encode(c, &f.tx, &raw, &h)) goto out;
    char err[160] = "";
    int added = p->add(p->ctx, raw.data, raw.len, &h, err, sizeof err);
    bytes_buf_free(&raw);
    if (added && strcmp(err, "already known")) {
      rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
      goto out;
    }
    /* the pool's accept hook (rpc_server_pool_tx) told filters and subscribers */
  }
  jw_hash(c->w, &h);
  rc = 0;
out:
  filled_free(&f);
  return rc;
}
