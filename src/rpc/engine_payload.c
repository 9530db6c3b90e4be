/* ExecutionPayload objects (execution-apis src/engine/paris.md V1,
 * shanghai.md V2, cancun.md V3) turned into the block they stand for: the
 * header of EIP-3675 (difficulty 0, nonce 0, no ommers) with EIP-4399's
 * prevRandao as mix hash, the transactions and EIP-4895 withdrawals roots
 * computed, EIP-4844 blob gas, EIP-4788 parent beacon root and the EIP-7685
 * requests hash; and the block hash the caller claims checked against it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block.h"
#include "ethc/hash.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "ethc/tx.h"
#include "rpc/engine.h"

bool engine_has(const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  return v && !cJSON_IsNull(v);
}

/* The field's value, or a -32602 failure when it is missing or null. */
static const cJSON *need(rpc_call_t *c, const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (!v || cJSON_IsNull(v)) {
    rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing field %s", name);
    return NULL;
  }
  return v;
}

/* Rewrites a parameter decoder's message to name the field. */
static int name_failure(rpc_call_t *c, const char *name) {
  char msg[sizeof c->err_msg];
  const char *p = strstr(c->err_msg, ": ");
  snprintf(msg, sizeof msg, "invalid params: %.40s: %.190s", name, p ? p + 2 : c->err_msg);
  memcpy(c->err_msg, msg, sizeof msg);
  return -1;
}

int engine_get_hash(rpc_call_t *c, const cJSON *obj, const char *name, ethc_hash_t *out) {
  const cJSON *v = need(c, obj, name);
  if (!v) return -1;
  return rpc_parse_hash(c, 0, v, out) ? name_failure(c, name) : 0;
}

int engine_get_qty(rpc_call_t *c, const cJSON *obj, const char *name, uint64_t *out) {
  const cJSON *v = need(c, obj, name);
  if (!v) return -1;
  return rpc_parse_qty(c, 0, v, out) ? name_failure(c, name) : 0;
}

static int get_addr(rpc_call_t *c, const cJSON *obj, const char *name, ethc_address_t *out) {
  const cJSON *v = need(c, obj, name);
  if (!v) return -1;
  return rpc_parse_addr(c, 0, v, out) ? name_failure(c, name) : 0;
}

/* A 256-bit QUANTITY. */
static int get_qty256(rpc_call_t *c, const cJSON *obj, const char *name, u256_t *out) {
  const cJSON *v = need(c, obj, name);
  if (!v) return -1;
  const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
  if (!s || strncmp(s, "0x", 2) || !s[2] || strlen(s + 2) > 64 || (s[2] == '0' && s[3]) || !u256_from_string(out, s))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: %s: want a hex quantity of at most 256 bits", name);
  return 0;
}

/* DATA of any length into buf (the caller frees *out). */
static int get_data(rpc_call_t *c, const cJSON *v, const char *name, uint8_t **out, size_t *len) {
  return rpc_parse_data(c, 0, v, out, len) ? name_failure(c, name) : 0;
}

static int get_fixed(rpc_call_t *c, const cJSON *obj, const char *name, uint8_t *out, size_t n) {
  const cJSON *v = need(c, obj, name);
  if (!v) return -1;
  if (!cJSON_IsString(v) || hex_decode_fixed(v->valuestring, true, out, n))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: %s: want %zu bytes of hex data", name, n);
  return 0;
}

/* Transactions: each canonical encoding checked (tx_decode), wrapped for the
 * block body, hashed into the root, its blob hashes collected. */
static int add_transactions(rpc_call_t *c, const cJSON *txs, engine_payload_t *p, bytes_buf_t *body,
                            ethc_hash_t *root) {
  if (!cJSON_IsArray(txs)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: transactions: want an array");
  size_t n = (size_t)cJSON_GetArraySize(txs);
  uint8_t **raw = calloc(n ? n : 1, sizeof *raw);
  bytes_view_t *views = calloc(n ? n : 1, sizeof *views);
  int rc = raw && views ? 0 : rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  size_t i = 0;
  for (const cJSON *t = txs->child; t && !rc; t = t->next, i++) {
    size_t len;
    if ((rc = get_data(c, t, "transactions", &raw[i], &len))) break;
    views[i] = bytes_view(raw[i], len);
    if (p->invalid[0]) continue;
    tx_t tx;
    if (!len || tx_decode(raw[i], len, &tx)) {
      snprintf(p->invalid, sizeof p->invalid, "invalid transaction %zu: it does not decode", i);
      continue;
    }
    if (tx.blob_hashes_count) {
      ethc_hash_t *nb = realloc(p->blob_hashes, (p->blob_count + tx.blob_hashes_count) * sizeof *nb);
      if (!nb) rc = rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
      else {
        memcpy(nb + p->blob_count, tx.blob_hashes, tx.blob_hashes_count * sizeof *nb);
        p->blob_hashes = nb;
        p->blob_count += tx.blob_hashes_count;
      }
    }
    tx_free(&tx);
  }
  if (!rc) {
    size_t start = rlp_list_begin(body);
    for (i = 0; i < n && !rc; i++) /* typed ones as an RLP string, legacy lists as they are */
      rc = views[i].len && views[i].data[0] >= 0xc0 ? rlp_put_raw(body, views[i].data, views[i].len)
                                                    : rlp_put_bytes(body, views[i].data, views[i].len);
    if (!rc) rc = rlp_list_end(body, start);
    if (!rc) rc = trie_ordered_root(views, n, root->bytes);
    if (rc) rc = rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  for (i = 0; raw && i < n; i++) free(raw[i]);
  free(raw);
  free(views);
  return rc;
}

/* Withdrawals (WithdrawalV1): appended to the body as a list, hashed into the root. */
static int add_withdrawals(rpc_call_t *c, const cJSON *ws, bytes_buf_t *body, ethc_hash_t *root) {
  if (!cJSON_IsArray(ws)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals: want an array");
  size_t n = (size_t)cJSON_GetArraySize(ws);
  size_t *offs = calloc(n + 1, sizeof *offs);
  bytes_view_t *views = calloc(n ? n : 1, sizeof *views);
  if (!offs || !views) {
    free(offs);
    free(views);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  size_t outer = rlp_list_begin(body);
  int rc = 0;
  size_t i = 0;
  for (const cJSON *w = ws->child; w && !rc; w = w->next, i++) {
    uint64_t index, validator, amount;
    ethc_address_t addr;
    if (!cJSON_IsObject(w)) {
      rc = rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals[%zu]: want an object", i);
      break;
    }
    if ((rc = engine_get_qty(c, w, "index", &index)) || (rc = engine_get_qty(c, w, "validatorIndex", &validator)) ||
        (rc = get_addr(c, w, "address", &addr)) || (rc = engine_get_qty(c, w, "amount", &amount)))
      break;
    offs[i] = body->len;
    size_t start = rlp_list_begin(body);
    if (rlp_put_u64(body, index) | rlp_put_u64(body, validator) | rlp_put_bytes(body, addr.bytes, 20) |
        rlp_put_u64(body, amount) | rlp_list_end(body, start))
      rc = rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    offs[i + 1] = body->len;
  }
  /* the root first: closing the outer list may move the items */
  for (i = 0; !rc && i < n; i++) views[i] = bytes_view(body->data + offs[i], offs[i + 1] - offs[i]);
  if (!rc && (trie_ordered_root(views, n, root->bytes) || rlp_list_end(body, outer)))
    rc = rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  free(offs);
  free(views);
  return rc;
}

void engine_payload_free(engine_payload_t *p) {
  bytes_buf_free(&p->rlp);
  free(p->blob_hashes);
  p->blob_hashes = NULL;
}

int engine_payload_parse(rpc_call_t *c, const cJSON *obj, const ethc_hash_t *beacon_root,
                         const ethc_hash_t *requests_hash, engine_payload_t *p) {
  memset(p, 0, sizeof *p);
  if (!cJSON_IsObject(obj)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: the payload must be an object");
  chain_header_t *h = &p->header;
  uint8_t *extra = NULL;
  size_t extra_len = 0;
  const cJSON *v;
  if (engine_get_hash(c, obj, "parentHash", &h->parent_hash) || get_addr(c, obj, "feeRecipient", &h->coinbase) ||
      engine_get_hash(c, obj, "stateRoot", &h->state_root) ||
      engine_get_hash(c, obj, "receiptsRoot", &h->receipts_root) ||
      get_fixed(c, obj, "logsBloom", h->bloom, sizeof h->bloom) ||
      engine_get_hash(c, obj, "prevRandao", &h->mix_hash) || engine_get_qty(c, obj, "blockNumber", &h->number) ||
      engine_get_qty(c, obj, "gasLimit", &h->gas_limit) || engine_get_qty(c, obj, "gasUsed", &h->gas_used) ||
      engine_get_qty(c, obj, "timestamp", &h->timestamp) || !(v = need(c, obj, "extraData")) ||
      get_data(c, v, "extraData", &extra, &extra_len) || get_qty256(c, obj, "baseFeePerGas", &h->base_fee) ||
      engine_get_hash(c, obj, "blockHash", &p->block_hash) || !need(c, obj, "transactions"))
    return free(extra), -1;
  if (extra_len > 32) snprintf(p->invalid, sizeof p->invalid, "invalid extraData length: %zu bytes", extra_len);
  memcpy(h->extra, extra, extra_len > 32 ? 32 : extra_len);
  h->extra_len = extra_len > 32 ? 32 : extra_len;
  free(extra);
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->has_base_fee = true;
  p->has_withdrawals = engine_has(obj, "withdrawals");
  bool has_used = engine_has(obj, "blobGasUsed"), has_excess = engine_has(obj, "excessBlobGas");
  if (has_used != has_excess)
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: blobGasUsed and excessBlobGas go together");
  p->has_blob_gas = has_used;
  if (p->has_blob_gas && (engine_get_qty(c, obj, "blobGasUsed", &h->blob_gas_used) ||
                          engine_get_qty(c, obj, "excessBlobGas", &h->excess_blob_gas)))
    return -1;

  /* the body: rlp([txs, ommers, withdrawals?]) items, without the outer list */
  bytes_buf_t body = {0};
  if (add_transactions(c, cJSON_GetObjectItemCaseSensitive(obj, "transactions"), p, &body, &h->tx_root))
    return bytes_buf_free(&body), -1;
  if (rlp_list_end(&body, rlp_list_begin(&body))) /* no ommers */
    return bytes_buf_free(&body), rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  if (p->has_withdrawals) {
    h->has_withdrawals_root = true;
    if (add_withdrawals(c, cJSON_GetObjectItemCaseSensitive(obj, "withdrawals"), &body, &h->withdrawals_root))
      return bytes_buf_free(&body), -1;
  }
  /* the trailing header fields need every earlier one (header.h) */
  if (p->has_blob_gas) {
    if (!p->has_withdrawals || !beacon_root) {
      bytes_buf_free(&body);
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: blob gas fields need withdrawals and a beacon root");
    }
    h->has_blob_gas = true;
    h->has_parent_beacon_root = true;
    h->parent_beacon_root = *beacon_root;
    if (requests_hash) {
      h->has_requests_hash = true;
      h->requests_hash = *requests_hash;
    }
  }
  bytes_buf_t hdr = {0};
  size_t start = rlp_list_begin(&p->rlp);
  int rc = header_encode(h, &hdr);
  if (!rc) rc = rlp_put_raw(&p->rlp, hdr.data, hdr.len);
  if (!rc) rc = rlp_put_raw(&p->rlp, body.data, body.len);
  if (!rc) rc = rlp_list_end(&p->rlp, start);
  if (!rc) rc = header_hash(h, &p->computed_hash);
  bytes_buf_free(&hdr);
  bytes_buf_free(&body);
  if (rc) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  return 0;
}

int engine_requests_hash(rpc_call_t *c, const cJSON *arr, ethc_hash_t *out) {
  if (!cJSON_IsArray(arr))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: executionRequests: want an array of hex data");
  size_t n = (size_t)cJSON_GetArraySize(arr);
  uint8_t *all = malloc(32 * (n ? n : 1));
  if (!all) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  int last_type = -1, rc = 0;
  size_t i = 0;
  for (const cJSON *r = arr->child; r && !rc; r = r->next, i++) {
    uint8_t *d = NULL;
    size_t len = 0;
    if ((rc = get_data(c, r, "executionRequests", &d, &len))) break;
    if (len < 2) rc = rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: executionRequests[%zu]: empty request", i);
    else if ((int)d[0] <= last_type)
      rc = rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: executionRequests: types must be strictly ascending");
    else {
      last_type = d[0];
      if (hash_sha256(d, len, all + 32 * i)) rc = rpc_fail(c, RPC_INTERNAL_ERROR, "sha256 failed");
    }
    free(d);
  }
  if (!rc && hash_sha256(all, 32 * n, out->bytes)) rc = rpc_fail(c, RPC_INTERNAL_ERROR, "sha256 failed");
  free(all);
  return rc;
}
