/* Unit tests of the read API (chain_read.h): the rpc-compat chain is imported
 * into a temporary directory and every read is compared, field by field, with
 * the expected responses of the execution-apis conformance cases beside it
 * (eth_getBlockBy*, eth_getTransactionBy*, eth_getTransactionReceipt,
 * eth_getBlockReceipts, eth_getLogs); unknown hashes give NOT_FOUND. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

static chain_t *chain;
static int compared; /* expected responses compared */

/* ---- JSON values ---- */

/* A hex quantity or data of up to 32 bytes, right-aligned in 32 bytes. */
static bool hex32(const char *s, uint8_t out[32]) {
  memset(out, 0, 32);
  if (!s || s[0] != '0' || s[1] != 'x') return false;
  size_t n = strlen(s + 2);
  if (n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    char ch = s[2 + n - 1 - i];
    int d = ch >= '0' && ch <= '9'   ? ch - '0'
            : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
            : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                     : -1;
    if (d < 0) return false;
    out[31 - i / 2] |= (uint8_t)(d << (i % 2 ? 4 : 0));
  }
  return true;
}

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static uint64_t jnum(const cJSON *o, const char *k) {
  uint8_t b[32];
  uint64_t v = 0;
  if (!hex32(jstr(o, k), b)) return UINT64_MAX;
  for (int i = 24; i < 32; i++) v = v << 8 | b[i];
  return v;
}

static bool jhash(const cJSON *o, const char *k, ethc_hash_t *h) {
  const char *s = jstr(o, k);
  return s && strlen(s) == 66 && hex_decode_fixed(s, true, h->bytes, 32) == 0;
}

#define CHECK_NUM(obj, key, val) \
  CHECK_MSG(jnum(obj, key) == (uint64_t)(val), "%s: want %s, have %llu", key, jstr(obj, key), (unsigned long long)(val))
#define CHECK_HASH(obj, key, h)                                                                                   \
  do {                                                                                                            \
    ethc_hash_t want_;                                                                                            \
    CHECK_MSG(jhash(obj, key, &want_) && ethc_hash_eq(&want_, (h)), "%s differs (want %s)", key, jstr(obj, key)); \
  } while (0)
#define CHECK_U256(obj, key, v)                                                                           \
  do {                                                                                                    \
    uint8_t want_[32], have_[32];                                                                         \
    u256_to_be((v), have_);                                                                               \
    CHECK_MSG(hex32(jstr(obj, key), want_) && memcmp(want_, have_, 32) == 0, "%s differs (want %s)", key, \
              jstr(obj, key));                                                                            \
  } while (0)

static void check_addr(const cJSON *o, const char *k, bool has, const ethc_address_t *a) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  if (!v) return;
  if (cJSON_IsNull(v)) {
    CHECK_MSG(!has, "%s: want null", k);
    return;
  }
  ethc_address_t want;
  CHECK_MSG(has && cJSON_IsString(v) && hex_decode_fixed(v->valuestring, true, want.bytes, 20) == 0 &&
                ethc_address_eq(&want, a),
            "%s differs (want %s)", k, cJSON_IsString(v) ? v->valuestring : "?");
}

/* A block parameter: a number, "earliest" or "latest"; false for other tags. */
static bool block_param(const cJSON *p, ethc_hash_t *hash) {
  if (!cJSON_IsString(p)) return false;
  uint64_t n;
  if (!strcmp(p->valuestring, "latest")) {
    if (chain_read_head(chain, &n, NULL)) return false;
  } else if (!strcmp(p->valuestring, "earliest")) {
    n = 0;
  } else if (strlen(p->valuestring) == 66) {
    return hex_decode_fixed(p->valuestring, true, hash->bytes, 32) == 0;
  } else {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "n", p->valuestring);
    n = jnum(o, "n");
    cJSON_Delete(o);
    if (n == UINT64_MAX) return false;
  }
  return chain_read_canonical_hash(chain, n, hash) == 0 || (memset(hash, 0xee, 32), true);
}

/* ---- the methods ---- */

static void check_block(const cJSON *params, const cJSON *result, bool by_hash) {
  ethc_hash_t hash;
  const cJSON *p0 = cJSON_GetArrayItem(params, 0);
  if (by_hash) {
    if (!cJSON_IsString(p0) || hex_decode_fixed(p0->valuestring, true, hash.bytes, 32)) return;
  } else {
    if (!cJSON_IsString(p0)) return;
    if (strcmp(p0->valuestring, "latest") && strncmp(p0->valuestring, "0x", 2)) return; /* safe, finalized */
    uint64_t n;
    if (!strcmp(p0->valuestring, "latest")) CHECK(chain_read_head(chain, &n, NULL) == 0);
    else n = strtoull(p0->valuestring + 2, NULL, 16);
    chain_header_t h;
    int rc = chain_read_header_by_number(chain, n, &h, &hash);
    if (cJSON_IsNull(result)) {
      CHECK_MSG(rc == ETHC_ERR_NOT_FOUND, "block %llu: %s", (unsigned long long)n, ethc_strerror(rc));
      compared++;
      return;
    }
    CHECK_MSG(rc == 0, "block %llu: %s", (unsigned long long)n, ethc_strerror(rc));
  }
  chain_read_block_t b;
  int rc = chain_read_block(chain, &hash, &b);
  compared++;
  if (cJSON_IsNull(result)) {
    CHECK_MSG(rc == ETHC_ERR_NOT_FOUND, "%s", ethc_strerror(rc));
    return;
  }
  CHECK_MSG(rc == 0, "%s", ethc_strerror(rc));
  if (rc) return;
  const chain_header_t *h = &b.block.header;
  CHECK_HASH(result, "hash", &b.hash);
  CHECK_NUM(result, "number", h->number);
  CHECK_HASH(result, "parentHash", &h->parent_hash);
  CHECK_HASH(result, "stateRoot", &h->state_root);
  CHECK_HASH(result, "receiptsRoot", &h->receipts_root);
  CHECK_HASH(result, "transactionsRoot", &h->tx_root);
  CHECK_NUM(result, "gasUsed", h->gas_used);
  CHECK_NUM(result, "gasLimit", h->gas_limit);
  CHECK_NUM(result, "timestamp", h->timestamp);
  CHECK_NUM(result, "size", b.rlp.len);
  check_addr(result, "miner", true, &h->coinbase);
  if (h->has_base_fee) CHECK_U256(result, "baseFeePerGas", &h->base_fee);
  if (h->has_blob_gas) CHECK_NUM(result, "blobGasUsed", h->blob_gas_used);
  const cJSON *txs = cJSON_GetObjectItemCaseSensitive(result, "transactions");
  CHECK((size_t)cJSON_GetArraySize(txs) == b.block.tx_count);
  for (size_t i = 0; i < b.block.tx_count && i < (size_t)cJSON_GetArraySize(txs); i++) {
    const cJSON *t = cJSON_GetArrayItem(txs, (int)i);
    chain_read_tx_t tx;
    CHECK(chain_read_tx_by_block(chain, &hash, (uint32_t)i, &tx) == 0);
    ethc_hash_t want;
    const char *s = cJSON_IsString(t) ? t->valuestring : jstr(t, "hash");
    CHECK(s && hex_decode_fixed(s, true, want.bytes, 32) == 0 && ethc_hash_eq(&want, &tx.hash));
    chain_read_tx_free(&tx);
  }
  const cJSON *w = cJSON_GetObjectItemCaseSensitive(result, "withdrawals");
  CHECK(b.block.has_withdrawals == (w != NULL));
  if (w) CHECK((size_t)cJSON_GetArraySize(w) == b.block.withdrawal_count);
  const cJSON *u = cJSON_GetObjectItemCaseSensitive(result, "uncles");
  CHECK((size_t)cJSON_GetArraySize(u) == b.block.ommer_count);
  u256_t td;
  CHECK(chain_read_td(chain, &hash, &td) == 0);
  chain_read_block_free(&b);
}

static void check_tx_fields(const cJSON *r, const chain_read_tx_t *t) {
  CHECK_HASH(r, "hash", &t->hash);
  CHECK_HASH(r, "blockHash", &t->block_hash);
  CHECK_NUM(r, "blockNumber", t->block_number);
  CHECK_NUM(r, "blockTimestamp", t->block_timestamp);
  CHECK_NUM(r, "transactionIndex", t->index);
  CHECK_NUM(r, "nonce", t->tx.nonce);
  CHECK_NUM(r, "gas", t->tx.gas_limit);
  CHECK_NUM(r, "type", t->tx.type);
  CHECK_U256(r, "value", &t->tx.value);
  CHECK_U256(r, "gasPrice", &t->effective_gas_price);
  check_addr(r, "from", true, &t->from);
  check_addr(r, "to", t->tx.has_to, &t->tx.to);
  const char *input = jstr(r, "input");
  char *have = malloc(2 * t->tx.data_len + 3);
  hex_encode(t->tx.data, t->tx.data_len, have);
  CHECK_MSG(input && !strcmp(input, have), "input differs");
  free(have);
}

static void check_tx_by_hash(const cJSON *params, const cJSON *result) {
  ethc_hash_t h;
  const cJSON *p0 = cJSON_GetArrayItem(params, 0);
  if (!cJSON_IsString(p0) || hex_decode_fixed(p0->valuestring, true, h.bytes, 32)) return;
  chain_read_tx_t t;
  int rc = chain_read_tx_by_hash(chain, &h, &t);
  compared++;
  if (cJSON_IsNull(result)) {
    CHECK_MSG(rc == ETHC_ERR_NOT_FOUND, "%s", ethc_strerror(rc));
    return;
  }
  CHECK_MSG(rc == 0, "%s", ethc_strerror(rc));
  if (rc) return;
  check_tx_fields(result, &t);
  chain_read_tx_free(&t);
}

static void check_tx_by_block(const cJSON *params, const cJSON *result) {
  ethc_hash_t h;
  const cJSON *p0 = cJSON_GetArrayItem(params, 0), *p1 = cJSON_GetArrayItem(params, 1);
  if (!cJSON_IsString(p0) || hex_decode_fixed(p0->valuestring, true, h.bytes, 32) || !cJSON_IsString(p1)) return;
  chain_read_tx_t t;
  int rc = chain_read_tx_by_block(chain, &h, (uint32_t)strtoul(p1->valuestring + 2, NULL, 16), &t);
  compared++;
  if (cJSON_IsNull(result)) {
    CHECK(rc == ETHC_ERR_NOT_FOUND);
    return;
  }
  CHECK_MSG(rc == 0, "%s", ethc_strerror(rc));
  if (!rc) check_tx_fields(result, &t);
  chain_read_tx_free(&t);
}

static void check_log(const cJSON *j, const chain_log_t *l) {
  ethc_address_t a;
  CHECK(hex_decode_fixed(jstr(j, "address"), true, a.bytes, 20) == 0 && ethc_address_eq(&a, &l->address));
  const cJSON *topics = cJSON_GetObjectItemCaseSensitive(j, "topics");
  CHECK(cJSON_GetArraySize(topics) == l->topics_count);
  for (int i = 0; i < l->topics_count && i < cJSON_GetArraySize(topics); i++) {
    ethc_hash_t t;
    CHECK(hex_decode_fixed(cJSON_GetArrayItem(topics, i)->valuestring, true, t.bytes, 32) == 0 &&
          ethc_hash_eq(&t, &l->topics[i]));
  }
  char *have = malloc(2 * l->data_size + 3);
  hex_encode(l->data, l->data_size, have);
  CHECK_MSG(jstr(j, "data") && !strcmp(jstr(j, "data"), have), "log data differs");
  free(have);
  CHECK_NUM(j, "blockNumber", l->block_number);
  CHECK_NUM(j, "blockTimestamp", l->block_timestamp);
  CHECK_HASH(j, "blockHash", &l->block_hash);
  CHECK_HASH(j, "transactionHash", &l->tx_hash);
  CHECK_NUM(j, "transactionIndex", l->tx_index);
  CHECK_NUM(j, "logIndex", l->log_index);
}

static void check_receipt(const cJSON *j, const chain_read_receipt_t *r) {
  CHECK_HASH(j, "transactionHash", &r->tx_hash);
  CHECK_HASH(j, "blockHash", &r->block_hash);
  CHECK_NUM(j, "blockNumber", r->block_number);
  CHECK_NUM(j, "transactionIndex", r->tx_index);
  CHECK_NUM(j, "type", r->type);
  CHECK_NUM(j, "cumulativeGasUsed", r->cumulative_gas_used);
  CHECK_NUM(j, "gasUsed", r->gas_used);
  CHECK_U256(j, "effectiveGasPrice", &r->effective_gas_price);
  if (r->has_post_state) CHECK_HASH(j, "root", &r->post_state);
  else CHECK_NUM(j, "status", r->status ? 1 : 0);
  CHECK(cJSON_GetObjectItemCaseSensitive(j, "blobGasUsed") ? r->has_blob_gas : !r->has_blob_gas);
  if (r->has_blob_gas) {
    CHECK_NUM(j, "blobGasUsed", r->blob_gas_used);
    CHECK_U256(j, "blobGasPrice", &r->blob_gas_price);
  }
  check_addr(j, "from", true, &r->from);
  check_addr(j, "to", r->has_to, &r->to);
  check_addr(j, "contractAddress", r->has_contract_address, &r->contract_address);
  char bloom[2 * 256 + 3];
  hex_encode(r->bloom, 256, bloom);
  CHECK(jstr(j, "logsBloom") && !strcmp(jstr(j, "logsBloom"), bloom));
  const cJSON *logs = cJSON_GetObjectItemCaseSensitive(j, "logs");
  CHECK((size_t)cJSON_GetArraySize(logs) == r->log_count);
  for (size_t i = 0; i < r->log_count && i < (size_t)cJSON_GetArraySize(logs); i++)
    check_log(cJSON_GetArrayItem(logs, (int)i), &r->logs[i]);
}

static void check_receipt_by_tx(const cJSON *params, const cJSON *result) {
  ethc_hash_t h;
  const cJSON *p0 = cJSON_GetArrayItem(params, 0);
  if (!cJSON_IsString(p0) || hex_decode_fixed(p0->valuestring, true, h.bytes, 32)) return;
  chain_read_receipts_t rs;
  const chain_read_receipt_t *r;
  int rc = chain_read_receipt_by_tx(chain, &h, &rs, &r);
  compared++;
  if (cJSON_IsNull(result)) {
    CHECK(rc == ETHC_ERR_NOT_FOUND);
    return;
  }
  CHECK_MSG(rc == 0, "%s", ethc_strerror(rc));
  if (rc) return;
  check_receipt(result, r);
  chain_read_receipts_free(&rs);
}

static void check_block_receipts(const cJSON *params, const cJSON *result) {
  ethc_hash_t h;
  if (!block_param(cJSON_GetArrayItem(params, 0), &h)) return;
  chain_read_receipts_t rs;
  int rc = chain_read_receipts(chain, &h, &rs);
  compared++;
  if (cJSON_IsNull(result)) {
    CHECK(rc == ETHC_ERR_NOT_FOUND);
    return;
  }
  CHECK_MSG(rc == 0, "%s", ethc_strerror(rc));
  if (rc) return;
  CHECK((size_t)cJSON_GetArraySize(result) == rs.count);
  for (size_t i = 0; i < rs.count && i < (size_t)cJSON_GetArraySize(result); i++)
    check_receipt(cJSON_GetArrayItem(result, (int)i), &rs.receipts[i]);
  chain_read_receipts_free(&rs);
}

static void check_logs(const cJSON *params, const cJSON *result, const cJSON *error) {
  const cJSON *q = cJSON_GetArrayItem(params, 0);
  chain_log_filter_t f = {0};
  ethc_hash_t bh, topic_store[4][8];
  ethc_address_t addrs[8];
  f.max_results = 10000;
  f.to_block = UINT64_MAX;
  if (jstr(q, "blockHash")) {
    if (!jhash(q, "blockHash", &bh)) return;
    f.block_hash = &bh;
  }
  ethc_hash_t tmp;
  if (jstr(q, "fromBlock")) {
    if (!block_param(cJSON_GetObjectItemCaseSensitive(q, "fromBlock"), &tmp)) return;
    f.from_block = strcmp(jstr(q, "fromBlock"), "latest") ? jnum(q, "fromBlock") : 0;
    if (!strcmp(jstr(q, "fromBlock"), "latest") && chain_read_head(chain, &f.from_block, NULL)) return;
  }
  if (jstr(q, "toBlock") && strcmp(jstr(q, "toBlock"), "latest")) f.to_block = jnum(q, "toBlock");
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(q, "address");
  if (cJSON_IsString(a)) {
    if (hex_decode_fixed(a->valuestring, true, addrs[0].bytes, 20)) return;
    f.addresses = addrs;
    f.address_count = 1;
  } else if (cJSON_IsArray(a)) {
    const cJSON *e;
    cJSON_ArrayForEach(e, a) {
      if (f.address_count == 8 || hex_decode_fixed(e->valuestring, true, addrs[f.address_count++].bytes, 20)) return;
    }
    f.addresses = addrs;
  }
  const cJSON *topics = cJSON_GetObjectItemCaseSensitive(q, "topics"), *t;
  cJSON_ArrayForEach(t, topics) {
    if (f.topic_count == 4) return;
    chain_topic_set_t *s = &f.topics[f.topic_count];
    s->hashes = topic_store[f.topic_count++];
    if (cJSON_IsString(t)) {
      if (hex_decode_fixed(t->valuestring, true, topic_store[f.topic_count - 1][0].bytes, 32)) return;
      s->count = 1;
    } else if (cJSON_IsArray(t)) {
      const cJSON *e;
      cJSON_ArrayForEach(e, t) {
        if (s->count == 8 ||
            hex_decode_fixed(e->valuestring, true, topic_store[f.topic_count - 1][s->count++].bytes, 32))
          return;
      }
    }
  }
  chain_read_logs_t logs;
  int rc = chain_read_logs(chain, &f, &logs);
  compared++;
  if (error) {
    CHECK_MSG(rc == ETHC_ERR_RANGE, "%s", ethc_strerror(rc));
    return;
  }
  CHECK_MSG(rc == 0, "%s", ethc_strerror(rc));
  if (rc) return;
  CHECK_MSG((size_t)cJSON_GetArraySize(result) == logs.count, "%d logs expected, %zu found", cJSON_GetArraySize(result),
            logs.count);
  for (size_t i = 0; i < logs.count && i < (size_t)cJSON_GetArraySize(result); i++)
    check_log(cJSON_GetArrayItem(result, (int)i), &logs.logs[i]);
  chain_read_logs_free(&logs);
  /* the same query bounded below its result count */
  if (logs.count == 0 && cJSON_GetArraySize(result) > 0) return;
  if (cJSON_GetArraySize(result) > 0) {
    f.max_results = (size_t)cJSON_GetArraySize(result) - 1;
    CHECK(chain_read_logs(chain, &f, &logs) == ETHC_ERR_LIMIT && logs.count == 0 && logs.logs == NULL);
  }
}

/* Runs every case of `method` in the rpc-compat directory. */
static void run_method(const char *shared, const char *method) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/rpc-compat/%s", shared, method);
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strstr(e->d_name, ".io")) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    uint8_t *text = bytes_read_file(path, NULL);
    if (!text) continue;
    cJSON *req = NULL;
    for (char *line = strtok((char *)text, "\n"); line; line = strtok(NULL, "\n")) {
      if (!strncmp(line, ">> ", 3)) {
        cJSON_Delete(req);
        req = cJSON_Parse(line + 3);
      } else if (!strncmp(line, "<< ", 3) && req) {
        cJSON *resp = cJSON_Parse(line + 3);
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(req, "params");
        const cJSON *result = cJSON_GetObjectItemCaseSensitive(resp, "result");
        const cJSON *error = cJSON_GetObjectItemCaseSensitive(resp, "error");
        int before = check_failed;
        if (!strcmp(method, "eth_getBlockByNumber") && result) check_block(params, result, false);
        else if (!strcmp(method, "eth_getBlockByHash") && result) check_block(params, result, true);
        else if (!strcmp(method, "eth_getTransactionByHash") && result) check_tx_by_hash(params, result);
        else if (!strcmp(method, "eth_getTransactionByBlockHashAndIndex") && result) check_tx_by_block(params, result);
        else if (!strcmp(method, "eth_getTransactionReceipt") && result) check_receipt_by_tx(params, result);
        else if (!strcmp(method, "eth_getBlockReceipts") && result) check_block_receipts(params, result);
        else if (!strcmp(method, "eth_getLogs")) check_logs(params, result, error);
        if (check_failed != before) fprintf(stderr, "  in %s\n", path);
        cJSON_Delete(resp);
      }
    }
    cJSON_Delete(req);
    free(text);
  }
  closedir(d);
}

static void check_unknown(void) {
  ethc_hash_t unknown;
  memset(unknown.bytes, 0x5a, 32);
  chain_header_t h;
  uint64_t n;
  u256_t td;
  chain_read_block_t b;
  chain_read_tx_t t;
  chain_read_receipts_t rs;
  const chain_read_receipt_t *r;
  chain_read_logs_t logs;
  CHECK(chain_read_header_by_hash(chain, &unknown, &h) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_header_by_number(chain, 1000000, &h, NULL) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_canonical_hash(chain, 1000000, &unknown) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_number(chain, &unknown, &n) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_td(chain, &unknown, &td) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_block(chain, &unknown, &b) == ETHC_ERR_NOT_FOUND && b.rlp.data == NULL);
  CHECK(chain_read_tx_by_hash(chain, &unknown, &t) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_tx_by_block(chain, &unknown, 0, &t) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_receipts(chain, &unknown, &rs) == ETHC_ERR_NOT_FOUND);
  CHECK(chain_read_receipt_by_tx(chain, &unknown, &rs, &r) == ETHC_ERR_NOT_FOUND && r == NULL);
  chain_log_filter_t f = {.block_hash = &unknown, .max_results = 10};
  CHECK(chain_read_logs(chain, &f, &logs) == ETHC_ERR_NOT_FOUND);
  /* a transaction index past the block's transactions */
  ethc_hash_t genesis;
  CHECK(chain_read_canonical_hash(chain, 0, &genesis) == 0);
  CHECK(chain_read_tx_by_block(chain, &genesis, 0, &t) == ETHC_ERR_NOT_FOUND);
  /* bad filters */
  chain_log_filter_t rev = {.from_block = 5, .to_block = 4, .max_results = 10};
  CHECK(chain_read_logs(chain, &rev, &logs) == ETHC_ERR_RANGE);
  chain_log_filter_t many = {.to_block = 10, .topic_count = 5, .max_results = 10};
  CHECK(chain_read_logs(chain, &many, &logs) == ETHC_ERR_INVALID);
  /* a range beyond the head is empty, not an error */
  chain_log_filter_t far = {.from_block = 1000000, .to_block = 2000000, .max_results = 10};
  CHECK(chain_read_logs(chain, &far, &logs) == 0 && logs.count == 0);
  chain_read_logs_free(&logs);
  bool complete = false;
  CHECK(chain_read_tx_index_complete(chain, &complete) == 0 && complete);
}

/* chain_tx_sender: a forced sender wins over the signature; without one the
 * signature's sender (recovered, then cached); a signature that recovers to no
 * key is an error. */
static void check_tx_sender(void) {
  uint64_t head;
  CHECK(chain_read_head(chain, &head, NULL) == 0);
  chain_read_tx_t t = {0};
  bool found = false;
  for (uint64_t n = 1; n <= head && !found; n++) {
    ethc_hash_t h;
    CHECK(chain_read_canonical_hash(chain, n, &h) == 0);
    found = chain_read_tx_by_block(chain, &h, 0, &t) == 0;
  }
  CHECK(found);
  if (!found) return;
  ethc_address_t from, forced_from;
  CHECK(chain_tx_sender(NULL, 0, &t.tx, &t.hash, EVM_PRAGUE, &from) == 0 && ethc_address_eq(&from, &t.from));
  CHECK(chain_tx_sender(NULL, 0, &t.tx, &t.hash, EVM_PRAGUE, &from) == 0 && ethc_address_eq(&from, &t.from));
  /* a forced record naming transaction 3: index 3 gets it, index 0 does not */
  memset(forced_from.bytes, 0xab, 20);
  chain_forced_t forced = {0};
  static const uint8_t idx3[4] = {0, 0, 0, 3};
  CHECK(bytes_buf_append(&forced.rec, idx3, 4) == 0 && bytes_buf_append(&forced.rec, forced_from.bytes, 20) == 0);
  CHECK(chain_tx_sender(&forced, 3, &t.tx, &t.hash, EVM_PRAGUE, &from) == 0 && ethc_address_eq(&from, &forced_from));
  CHECK(chain_tx_sender(&forced, 0, &t.tx, &t.hash, EVM_PRAGUE, &from) == 0 && ethc_address_eq(&from, &t.from));
  chain_forced_free(&forced);
  /* r = 0 recovers nothing (under a hash the cache never saw) */
  ethc_hash_t fresh;
  memset(fresh.bytes, 0x3c, 32);
  t.tx.r = u256_from_u64(0);
  CHECK(chain_tx_sender(NULL, 0, &t.tx, &fresh, EVM_PRAGUE, &from) != 0);
  chain_read_tx_free(&t);
}

/* A damaged record reads as ETHC_ERR_INVALID, not as an I/O error or absence. */
static void check_damaged(chain_t *c) {
  uint64_t head;
  ethc_hash_t hash;
  CHECK(chain_read_head(c, &head, &hash) == 0);
  chaindb_batch_t *b = chaindb_batch_new();
  chaindb_put_receipts(b, head, &hash, (const uint8_t *)"\xc1\x01", 2);
  /* a header record that does not decode, under a hash the H index knows */
  ethc_hash_t junk;
  memset(junk.bytes, 0x77, 32);
  chaindb_put_header(b, 7, &junk, (const uint8_t *)"\xc2\x01\x02", 3);
  /* index entries naming a position the block lacks, and a non-canonical block */
  ethc_hash_t ghost_tx, other_tx;
  memset(ghost_tx.bytes, 0x42, 32);
  memset(other_tx.bytes, 0x43, 32);
  chaindb_put_tx_index(b, &ghost_tx, head, &hash, 999);
  chaindb_put_tx_index(b, &other_tx, 7, &junk, 0);
  CHECK(chaindb_write(chain_db(c), b, false) == 0);
  chaindb_batch_free(b);
  chain_read_receipts_t rs;
  const chain_read_receipt_t *r;
  chain_read_tx_t t;
  chain_header_t h;
  chain_read_block_t blk;
  CHECK(chain_read_receipts(c, &hash, &rs) == ETHC_ERR_INVALID && rs.receipts == NULL);
  CHECK(chain_read_header_by_hash(c, &junk, &h) == ETHC_ERR_INVALID);
  CHECK(chain_read_block(c, &junk, &blk) == ETHC_ERR_INVALID);
  CHECK(chain_read_tx_by_hash(c, &ghost_tx, &t) == ETHC_ERR_INVALID);
  CHECK(chain_read_receipt_by_tx(c, &ghost_tx, &rs, &r) == ETHC_ERR_INVALID);
  CHECK(chain_read_tx_by_hash(c, &other_tx, &t) == ETHC_ERR_NOT_FOUND); /* block 7 is another one */
}

int main(void) {
  const char *shared = check_shared_dir();
  test_chain_t t;
  chain = test_chain_import(&t, "rpc-compat", NULL);
  if (!chain) {
    test_chain_remove(&t);
    return check_summary();
  }
  CHECK(t.imported == 54);

  static const char *methods[] = {"eth_getBlockByNumber",
                                  "eth_getBlockByHash",
                                  "eth_getTransactionByHash",
                                  "eth_getTransactionByBlockHashAndIndex",
                                  "eth_getTransactionReceipt",
                                  "eth_getBlockReceipts",
                                  "eth_getLogs"};
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) run_method(shared, methods[i]);
  printf("%d expected responses compared\n", compared);
  CHECK(compared >= 25);
  check_unknown();
  check_tx_sender();
  check_damaged(chain);

  test_chain_remove(&t);
  return check_summary();
}
