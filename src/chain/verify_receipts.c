/* Block receipts and transactions from an untrusted server, checked against
 * a trusted header: receipts re-encoded as the receipts trie holds them
 * (EIP-2718 typed envelopes, EIP-658 status or the pre-Byzantium state root)
 * and their ordered-trie root compared with receiptsRoot; each receipt's bloom
 * recomputed from its logs and their OR compared with the header's logsBloom
 * (Yellow Paper 4.3.1, 4.4.1); raw transactions against transactionsRoot. */
#include <stdlib.h>
#include <string.h>

#include "chain/verify_internal.h"
#include "ethc/block.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"

/* One receipt's logs, decoded from JSON. */
typedef struct {
  state_log_t *logs;
  size_t count;
} logs_t;

static void logs_free(logs_t *l) {
  for (size_t i = 0; i < l->count; i++) free(l->logs[i].data);
  free(l->logs);
  l->logs = NULL;
  l->count = 0;
}

/* The same 32-byte field in both objects (both absent is fine too). */
static bool same_field(const cJSON *a, const cJSON *b, const char *name) {
  const char *x = vj_str(a, name), *y = vj_str(b, name);
  if (!x || !y) return !x && !y;
  return strcmp(x, y) == 0;
}

/* Decodes the logs of receipt i; *next_index is the block-wide logIndex the
 * first one must have (advanced past them). */
static int decode_logs(const cJSON *rc_json, size_t i, uint64_t *next_index, logs_t *out, verify_err_t *err) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(rc_json, "logs");
  if (!cJSON_IsArray(arr)) return verify_fail(err, ETHC_ERR_JSON, "receipt %zu: logs missing or not an array", i);
  out->logs = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *out->logs);
  if (!out->logs) return verify_fail(err, ETHC_ERR_NOMEM, "out of memory");
  const cJSON *lj;
  cJSON_ArrayForEach(lj, arr) {
    size_t k = out->count;
    state_log_t *l = &out->logs[k];
    out->count++;
    if (!cJSON_IsObject(lj)) return verify_fail(err, ETHC_ERR_JSON, "receipt %zu log %zu: not an object", i, k);
    if (vj_fixed(vj_str(lj, "address"), l->address.bytes, 20))
      return verify_fail(err, ETHC_ERR_JSON, "receipt %zu log %zu: address missing or not 20 bytes", i, k);
    const cJSON *topics = cJSON_GetObjectItemCaseSensitive(lj, "topics"), *t;
    if (!cJSON_IsArray(topics) || cJSON_GetArraySize(topics) > 4)
      return verify_fail(err, ETHC_ERR_JSON, "receipt %zu log %zu: topics missing or more than 4", i, k);
    cJSON_ArrayForEach(t, topics) {
      if (vj_fixed(cJSON_IsString(t) ? t->valuestring : NULL, l->topics[l->topics_count].bytes, 32))
        return verify_fail(err, ETHC_ERR_JSON, "receipt %zu log %zu: a topic is not 32 bytes", i, k);
      l->topics_count++;
    }
    int rc = vj_bytes(vj_str(lj, "data"), &l->data, &l->data_size);
    if (rc) return verify_fail(err, rc, "receipt %zu log %zu: data missing or not hex", i, k);
    uint64_t index, txi;
    if (vj_u64(vj_str(lj, "logIndex"), &index) || index != *next_index)
      return verify_fail(err, ETHC_ERR_INVALID, "receipt %zu log %zu: logIndex is not %llu", i, k,
                         (unsigned long long)*next_index);
    (*next_index)++;
    if (vj_str(lj, "transactionIndex") && (vj_u64(vj_str(lj, "transactionIndex"), &txi) || txi != i))
      return verify_fail(err, ETHC_ERR_INVALID, "receipt %zu log %zu: transactionIndex is not %zu", i, k, i);
    if (!same_field(lj, rc_json, "transactionHash") || !same_field(lj, rc_json, "blockHash"))
      return verify_fail(err, ETHC_ERR_INVALID,
                         "receipt %zu log %zu: transactionHash or blockHash differs from its receipt", i, k);
  }
  return 0;
}

/* The consensus fields of receipt i (everything but its logs). */
static int decode_receipt(const cJSON *j, size_t i, chain_receipt_t *r, verify_err_t *err) {
  uint64_t v;
  const char *type = vj_str(j, "type");
  if (!type) r->type = TX_LEGACY;
  else if (vj_u64(type, &v) || v > 0x7f)
    return verify_fail(err, ETHC_ERR_JSON, "receipt %zu: type is not a transaction type", i);
  else r->type = (tx_type_t)v;
  if (vj_u64(vj_str(j, "transactionIndex"), &v) || v != i)
    return verify_fail(err, ETHC_ERR_INVALID,
                       "receipt %zu: transactionIndex is not %zu (receipts missing or out of order)", i, i);
  if (vj_str(j, "root")) {
    r->has_post_state = true;
    if (vj_fixed(vj_str(j, "root"), r->post_state.bytes, 32))
      return verify_fail(err, ETHC_ERR_JSON, "receipt %zu: root is not 32 bytes", i);
  } else if (vj_u64(vj_str(j, "status"), &v) || v > 1) {
    return verify_fail(err, ETHC_ERR_JSON, "receipt %zu: neither root nor a status of 0x0 or 0x1", i);
  } else {
    r->status = v == 1;
  }
  if (vj_u64(vj_str(j, "cumulativeGasUsed"), &r->cumulative_gas_used))
    return verify_fail(err, ETHC_ERR_JSON, "receipt %zu: cumulativeGasUsed missing or not a quantity", i);
  if (vj_fixed(vj_str(j, "logsBloom"), r->bloom, 256))
    return verify_fail(err, ETHC_ERR_JSON, "receipt %zu: logsBloom missing or not 256 bytes", i);
  return 0;
}

int verify_receipts_json(const ethc_hash_t *want_root, const uint8_t *header_bloom, const struct cJSON *receipts,
                         verify_err_t *err) {
  if (!cJSON_IsArray(receipts)) return verify_fail(err, ETHC_ERR_JSON, "receipts: not an array");
  size_t n = (size_t)cJSON_GetArraySize(receipts);
  chain_receipt_t *rs = calloc(n + 1, sizeof *rs);
  logs_t *logs = calloc(n + 1, sizeof *logs);
  int rc = (!rs || !logs) ? verify_fail(err, ETHC_ERR_NOMEM, "out of memory") : 0;
  uint8_t bloom[256] = {0};
  uint64_t next_log = 0;
  size_t i = 0;
  const cJSON *j, *first = cJSON_GetArrayItem(receipts, 0);
  if (!rc) cJSON_ArrayForEach(j, receipts) {
      if (!cJSON_IsObject(j)) rc = verify_fail(err, ETHC_ERR_JSON, "receipt %zu: not an object", i);
      if (!rc) rc = decode_receipt(j, i, &rs[i], err);
      if (!rc && !same_field(j, first, "blockHash"))
        rc = verify_fail(err, ETHC_ERR_INVALID, "receipt %zu: blockHash differs from receipt 0's", i);
      if (!rc) rc = decode_logs(j, i, &next_log, &logs[i], err);
      if (rc) break;
      rs[i].logs = logs[i].logs;
      rs[i].log_count = logs[i].count;
      uint8_t want[256];
      memcpy(want, rs[i].bloom, 256);
      receipt_compute_bloom(&rs[i]);
      if (memcmp(want, rs[i].bloom, 256) != 0) {
        rc = verify_fail(err, ETHC_ERR_INVALID, "receipt %zu: logsBloom is not the bloom of its logs", i);
        break;
      }
      for (int b = 0; b < 256; b++) bloom[b] |= rs[i].bloom[b];
      i++;
    }
  ethc_hash_t root;
  if (!rc && (rc = receipts_root(rs, n, &root)) != 0) rc = verify_fail(err, rc, "receipts: %s", ethc_strerror(rc));
  if (!rc && memcmp(root.bytes, want_root->bytes, 32) != 0)
    rc = verify_fail(err, ETHC_ERR_INVALID, "receipts root: the %zu receipts do not hash to the header's receiptsRoot",
                     n);
  if (!rc && header_bloom && memcmp(bloom, header_bloom, 256) != 0)
    rc = verify_fail(err, ETHC_ERR_INVALID, "logs bloom: the receipts' blooms do not make the header's logsBloom");
  for (size_t k = 0; logs && k < n; k++) logs_free(&logs[k]);
  free(logs);
  free(rs);
  return rc;
}

/* The ordered-trie root of items equals want. */
static int check_ordered_root(const ethc_hash_t *want, const bytes_view_t *items, size_t count, const char *what,
                              const char *field, verify_err_t *err) {
  for (size_t i = 0; i < count; i++)
    if (items[i].len == 0) return verify_fail(err, ETHC_ERR_INVALID, "%s %zu: empty", what, i);
  uint8_t root[32];
  int rc = trie_ordered_root(items, count, root);
  if (rc) return verify_fail(err, rc, "%s: %s", what, ethc_strerror(rc));
  if (memcmp(root, want->bytes, 32) != 0)
    return verify_fail(err, ETHC_ERR_INVALID, "%s root: the %zu %ss do not hash to the header's %s", what, count, what,
                       field);
  return 0;
}

int verify_receipts_raw(const ethc_hash_t *receipts_root, const bytes_view_t *receipts, size_t count,
                        verify_err_t *err) {
  return check_ordered_root(receipts_root, receipts, count, "receipt", "receiptsRoot", err);
}

int verify_transactions(const ethc_hash_t *transactions_root, const bytes_view_t *txs, size_t count,
                        verify_err_t *err) {
  return check_ordered_root(transactions_root, txs, count, "transaction", "transactionsRoot", err);
}

bool verify_bloom_may_contain(const uint8_t bloom[256], const uint8_t *item, size_t len) {
  uint8_t h[32];
  keccak256(item, len, h);
  for (int i = 0; i < 6; i += 2) { /* three 11-bit indexes from the hash's first six bytes */
    unsigned bit = ((unsigned)h[i] << 8 | h[i + 1]) & 2047;
    if (!(bloom[255 - bit / 8] & (1u << (bit % 8)))) return false;
  }
  return true;
}
