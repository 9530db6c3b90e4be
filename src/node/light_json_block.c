/* A block body from an eth_getBlockByHash(hash, true) answer (execution-apis
 * src/schemas/block.yaml and transaction.yaml): each transaction object
 * re-encoded in its consensus form (EIP-2718 envelopes of types 1-4,
 * EIP-2930 access lists, EIP-4844 blob hashes, EIP-7702 authorizations), and
 * EIP-4895 withdrawals. Nothing is checked here: the chain checks the body
 * against the header's roots (chain_remote.h). Not a public interface. */
#include "node/light_json_block.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/tx.h"

/* A quantity "0x" and 1..64 hex digits. */
static int qty(const cJSON *o, const char *name, u256_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  if (!cJSON_IsString(v)) return ETHC_ERR_JSON;
  const char *s = v->valuestring;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return ETHC_ERR_JSON;
  size_t n = strlen(s + 2);
  if (!n || n > 64) return ETHC_ERR_JSON;
  char pad[67] = "0x";
  memset(pad + 2, '0', 64 - n);
  memcpy(pad + 2 + 64 - n, s + 2, n + 1);
  uint8_t be[32];
  if (hex_decode_fixed(pad, true, be, 32)) return ETHC_ERR_JSON;
  u256_from_be(out, be);
  return 0;
}

static int qty64(const cJSON *o, const char *name, uint64_t *out) {
  u256_t v;
  if (qty(o, name, &v) || v.w[1] || v.w[2] || v.w[3]) return ETHC_ERR_JSON;
  *out = v.w[0];
  return 0;
}

static int fixed(const cJSON *o, const char *name, uint8_t *out, size_t n) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) && !hex_decode_fixed(v->valuestring, true, out, n) ? 0 : ETHC_ERR_JSON;
}

/* What one transaction's arrays point into (freed after encoding). */
typedef struct {
  uint8_t *data;
  tx_access_entry_t *access;
  ethc_hash_t *keys;
  ethc_hash_t *blobs;
  tx_authorization_t *auths;
} tx_mem_t;

static void mem_free(tx_mem_t *m) {
  free(m->data);
  free(m->access);
  free(m->keys);
  free(m->blobs);
  free(m->auths);
}

static int access_list(const cJSON *j, tx_t *tx, tx_mem_t *m) {
  const cJSON *al = cJSON_GetObjectItemCaseSensitive(j, "accessList"), *e, *k;
  if (!cJSON_IsArray(al)) return ETHC_ERR_JSON;
  size_t n = (size_t)cJSON_GetArraySize(al), nk = 0;
  cJSON_ArrayForEach(e, al) {
    const cJSON *ks = cJSON_GetObjectItemCaseSensitive(e, "storageKeys");
    if (!cJSON_IsArray(ks)) return ETHC_ERR_JSON;
    nk += (size_t)cJSON_GetArraySize(ks);
  }
  m->access = calloc(n + 1, sizeof *m->access);
  m->keys = calloc(nk + 1, sizeof *m->keys);
  if (!m->access || !m->keys) return ETHC_ERR_NOMEM;
  size_t i = 0, ki = 0;
  cJSON_ArrayForEach(e, al) {
    tx_access_entry_t *a = &m->access[i++];
    if (fixed(e, "address", a->address.bytes, 20)) return ETHC_ERR_JSON;
    a->storage_keys = m->keys + ki;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(e, "storageKeys")) {
      if (!cJSON_IsString(k) || hex_decode_fixed(k->valuestring, true, m->keys[ki].bytes, 32)) return ETHC_ERR_JSON;
      ki++;
      a->storage_keys_count++;
    }
  }
  tx->access_list = m->access;
  tx->access_list_count = n;
  return 0;
}

static int blob_hashes(const cJSON *j, tx_t *tx, tx_mem_t *m) {
  const cJSON *bh = cJSON_GetObjectItemCaseSensitive(j, "blobVersionedHashes"), *e;
  if (!cJSON_IsArray(bh) || qty(j, "maxFeePerBlobGas", &tx->max_fee_per_blob_gas)) return ETHC_ERR_JSON;
  size_t n = (size_t)cJSON_GetArraySize(bh), i = 0;
  if (!(m->blobs = calloc(n + 1, sizeof *m->blobs))) return ETHC_ERR_NOMEM;
  cJSON_ArrayForEach(e, bh) {
    if (!cJSON_IsString(e) || hex_decode_fixed(e->valuestring, true, m->blobs[i++].bytes, 32)) return ETHC_ERR_JSON;
  }
  tx->blob_hashes = m->blobs;
  tx->blob_hashes_count = n;
  return 0;
}

static int authorizations(const cJSON *j, tx_t *tx, tx_mem_t *m) {
  const cJSON *al = cJSON_GetObjectItemCaseSensitive(j, "authorizationList"), *e;
  if (!cJSON_IsArray(al)) return ETHC_ERR_JSON;
  size_t n = (size_t)cJSON_GetArraySize(al), i = 0;
  if (!(m->auths = calloc(n + 1, sizeof *m->auths))) return ETHC_ERR_NOMEM;
  cJSON_ArrayForEach(e, al) {
    tx_authorization_t *a = &m->auths[i++];
    uint64_t y;
    if (qty(e, "chainId", &a->chain_id) || fixed(e, "address", a->address.bytes, 20) || qty64(e, "nonce", &a->nonce) ||
        qty64(e, "yParity", &y) || y > 255 || qty(e, "r", &a->r) || qty(e, "s", &a->s))
      return ETHC_ERR_JSON;
    a->y_parity = (uint8_t)y;
  }
  tx->authorizations = m->auths;
  tx->authorizations_count = n;
  return 0;
}

/* One transaction object into its canonical encoding, appended to out as a
 * body item (a legacy one as its list, a typed one as a byte string). */
static int encode_tx(const cJSON *j, bytes_buf_t *out) {
  tx_t tx;
  tx_mem_t m = {0};
  memset(&tx, 0, sizeof tx);
  uint64_t type = 0;
  int rc = cJSON_GetObjectItemCaseSensitive(j, "type") ? qty64(j, "type", &type) : 0;
  if (!rc && type > TX_SET_CODE) rc = ETHC_ERR_TX_TYPE;
  tx.type = (tx_type_t)type;
  if (!rc)
    rc = qty64(j, "nonce", &tx.nonce) | qty64(j, "gas", &tx.gas_limit) | qty(j, "value", &tx.value) |
         qty(j, "r", &tx.r) | qty(j, "s", &tx.s);
  const cJSON *to = cJSON_GetObjectItemCaseSensitive(j, "to");
  if (!rc && to && !cJSON_IsNull(to)) {
    tx.has_to = true;
    rc = fixed(j, "to", tx.to.bytes, 20);
  }
  const cJSON *input = cJSON_GetObjectItemCaseSensitive(j, "input");
  if (!rc && (!cJSON_IsString(input) || hex_decode_alloc(input->valuestring, true, &m.data, &tx.data_len)))
    rc = ETHC_ERR_JSON;
  tx.data = m.data;
  if (!rc && tx.type == TX_LEGACY) {
    rc = qty(j, "gasPrice", &tx.gas_price) | qty(j, "v", &tx.v);
    tx.max_fee_per_gas = tx.max_priority_fee_per_gas = tx.gas_price;
    if (!rc && !tx.v.w[1] && !tx.v.w[2] && !tx.v.w[3] && tx.v.w[0] >= 35) {
      tx.has_chain_id = true;
      tx.chain_id = u256_from_u64((tx.v.w[0] - 35) / 2);
    }
  } else if (!rc) {
    tx.has_chain_id = true;
    rc = qty(j, "chainId", &tx.chain_id);
    /* the y parity: "yParity", else "v" (older servers) */
    if (!rc) rc = cJSON_GetObjectItemCaseSensitive(j, "yParity") ? qty(j, "yParity", &tx.v) : qty(j, "v", &tx.v);
    if (!rc) rc = access_list(j, &tx, &m);
    if (!rc && tx.type == TX_ACCESS_LIST) {
      rc = qty(j, "gasPrice", &tx.gas_price);
      tx.max_fee_per_gas = tx.max_priority_fee_per_gas = tx.gas_price;
    } else if (!rc) {
      rc = qty(j, "maxFeePerGas", &tx.max_fee_per_gas) | qty(j, "maxPriorityFeePerGas", &tx.max_priority_fee_per_gas);
      tx.gas_price = tx.max_fee_per_gas;
    }
    if (!rc && tx.type == TX_BLOB) rc = blob_hashes(j, &tx, &m);
    if (!rc && tx.type == TX_SET_CODE) rc = authorizations(j, &tx, &m);
  }
  bytes_buf_t enc = {0};
  if (!rc && tx_encode(&tx, &enc)) rc = ETHC_ERR_NOMEM;
  if (!rc && (tx.type == TX_LEGACY ? rlp_put_raw(out, enc.data, enc.len) : rlp_put_bytes(out, enc.data, enc.len)))
    rc = ETHC_ERR_NOMEM;
  bytes_buf_free(&enc);
  mem_free(&m);
  return rc == ETHC_ERR_NOMEM ? rc : rc ? ETHC_ERR_JSON : 0;
}

static int encode_withdrawal(const cJSON *j, bytes_buf_t *out) {
  uint64_t index, validator, amount;
  uint8_t addr[20];
  if (qty64(j, "index", &index) || qty64(j, "validatorIndex", &validator) || fixed(j, "address", addr, 20) ||
      qty64(j, "amount", &amount))
    return ETHC_ERR_JSON;
  size_t start = rlp_list_begin(out);
  int rc = rlp_put_u64(out, index) | rlp_put_u64(out, validator) | rlp_put_bytes(out, addr, 20) |
           rlp_put_u64(out, amount) | rlp_list_end(out, start);
  return rc ? ETHC_ERR_NOMEM : 0;
}

int light_json_body(const cJSON *block, bytes_buf_t *out, char *err, size_t errlen) {
  const cJSON *txs = cJSON_GetObjectItemCaseSensitive(block, "transactions");
  const cJSON *uncles = cJSON_GetObjectItemCaseSensitive(block, "uncles");
  const cJSON *wds = cJSON_GetObjectItemCaseSensitive(block, "withdrawals"), *e;
  if (!cJSON_IsArray(txs)) return snprintf(err, errlen, "eth_getBlockByHash: no transactions array"), ETHC_ERR_JSON;
  if (cJSON_IsArray(uncles) && cJSON_GetArraySize(uncles) > 0)
    return snprintf(err, errlen, "eth_getBlockByHash: a block with ommers needs debug_getRawBlock"),
           ETHC_ERR_UNSUPPORTED;
  size_t body = rlp_list_begin(out), list = rlp_list_begin(out), i = 0;
  int rc = 0;
  cJSON_ArrayForEach(e, txs) {
    if ((rc = cJSON_IsObject(e) ? encode_tx(e, out) : ETHC_ERR_JSON)) {
      snprintf(err, errlen, "eth_getBlockByHash: transaction %zu is malformed", i);
      return rc;
    }
    i++;
  }
  rc = rlp_list_end(out, list);
  if (!rc) rc = rlp_list_end(out, rlp_list_begin(out)); /* no ommers */
  if (!rc && wds && !cJSON_IsNull(wds)) {
    if (!cJSON_IsArray(wds))
      return snprintf(err, errlen, "eth_getBlockByHash: withdrawals is not an array"), ETHC_ERR_JSON;
    list = rlp_list_begin(out);
    i = 0;
    cJSON_ArrayForEach(e, wds) {
      if ((rc = encode_withdrawal(e, out))) {
        snprintf(err, errlen, "eth_getBlockByHash: withdrawal %zu is malformed", i);
        return rc;
      }
      i++;
    }
    rc = rlp_list_end(out, list);
  }
  if (!rc) rc = rlp_list_end(out, body);
  if (rc) snprintf(err, errlen, "out of memory");
  return rc ? ETHC_ERR_NOMEM : 0;
}

/* ---- receipts ---- */

/* One JSON log (address, topics, data) into l (data malloc'd). */
static int json_log(const cJSON *j, state_log_t *l) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "address");
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "topics");
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "data");
  if (!cJSON_IsString(a) || hex_decode_fixed(a->valuestring, true, l->address.bytes, 20)) return ETHC_ERR_JSON;
  if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) > 4) return ETHC_ERR_JSON;
  const cJSON *e;
  l->topics_count = 0;
  cJSON_ArrayForEach(e, t) {
    if (!cJSON_IsString(e) || hex_decode_fixed(e->valuestring, true, l->topics[l->topics_count].bytes, 32))
      return ETHC_ERR_JSON;
    l->topics_count++;
  }
  if (!cJSON_IsString(d) || hex_decode_alloc(d->valuestring, true, &l->data, &l->data_size)) return ETHC_ERR_JSON;
  return 0;
}

int light_json_receipts(const cJSON *arr, bytes_buf_t *out, char *err, size_t errlen) {
  if (!cJSON_IsArray(arr)) return snprintf(err, errlen, "eth_getBlockReceipts: not an array"), ETHC_ERR_INVALID;
  size_t start = rlp_list_begin(out);
  const cJSON *j;
  size_t i = 0;
  int rc = 0;
  cJSON_ArrayForEach(j, arr) {
    chain_receipt_t r;
    memset(&r, 0, sizeof r);
    uint64_t v = 0;
    if (cJSON_GetObjectItemCaseSensitive(j, "type") && (qty64(j, "type", &v) || v > 0x7f)) rc = ETHC_ERR_JSON;
    r.type = (tx_type_t)v;
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(j, "root");
    if (!rc && cJSON_IsString(root) && strlen(root->valuestring) == 66) {
      r.has_post_state = true;
      if (hex_decode_fixed(root->valuestring, true, r.post_state.bytes, 32)) rc = ETHC_ERR_JSON;
    } else if (!rc) {
      if (qty64(j, "status", &v) || v > 1) rc = ETHC_ERR_JSON;
      r.status = v == 1;
    }
    if (!rc && qty64(j, "cumulativeGasUsed", &r.cumulative_gas_used)) rc = ETHC_ERR_JSON;
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(j, "logsBloom");
    if (!rc && (!cJSON_IsString(bl) || hex_decode_fixed(bl->valuestring, true, r.bloom, 256))) rc = ETHC_ERR_JSON;
    const cJSON *logs = cJSON_GetObjectItemCaseSensitive(j, "logs");
    int nl = cJSON_IsArray(logs) ? cJSON_GetArraySize(logs) : -1;
    state_log_t *ls = nl >= 0 ? calloc((size_t)nl + 1, sizeof *ls) : NULL;
    if (!rc && !ls) rc = nl < 0 ? ETHC_ERR_JSON : ETHC_ERR_NOMEM;
    size_t k = 0;
    const cJSON *lj;
    if (!rc) cJSON_ArrayForEach(lj, logs) if (!rc) rc = json_log(lj, &ls[k++]);
    r.logs = ls;
    r.log_count = k;
    bytes_buf_t enc = {0};
    if (!rc && receipt_encode(&r, &enc)) rc = ETHC_ERR_NOMEM;
    if (!rc && (r.type == TX_LEGACY ? rlp_put_raw(out, enc.data, enc.len) : rlp_put_bytes(out, enc.data, enc.len)))
      rc = ETHC_ERR_NOMEM;
    bytes_buf_free(&enc);
    for (size_t q = 0; ls && q <= (size_t)nl; q++) free(ls[q].data);
    free(ls);
    if (rc) {
      snprintf(err, errlen, "eth_getBlockReceipts: receipt %zu is malformed", i);
      return rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_INVALID;
    }
    i++;
  }
  return rlp_list_end(out, start) ? ETHC_ERR_NOMEM : 0;
}
