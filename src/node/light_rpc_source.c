/* The execution-RPC source (include/ethc/light_rpc_source.h): chain_remote_t
 * over an Ethereum JSON-RPC provider. State: EIP-1186 eth_getProof, whose
 * nodes go into a table keyed by their keccak256, so a read is a walk from
 * the verified header's state root through nodes that are what their hashes
 * say (a node served for a hash it does not have is never found); the JSON
 * is first checked with verify_get_proof_json, so a lie is named. Code: by
 * eth_getCode at an address whose proven account holds the code hash. */
#include "ethc/light_rpc_source.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/state.h"
#include "ethc/state_db.h"
#include "ethc/verify.h"
#include "node/light_http.h"
#include "node/light_json_block.h"

#define TABLE_BUCKETS 65536u

/* ---- a thread-safe table: 32-byte key -> bytes, bounded ---- */

typedef struct entry {
  uint8_t key[32];
  size_t len;
  struct entry *next;
  uint8_t data[];
} entry_t;

typedef struct {
  pthread_mutex_t lock;
  entry_t **buckets;
  size_t bytes, max_bytes;
} table_t;

static int table_init(table_t *t, size_t max_bytes) {
  t->buckets = calloc(TABLE_BUCKETS, sizeof *t->buckets);
  t->bytes = 0;
  t->max_bytes = max_bytes;
  pthread_mutex_init(&t->lock, NULL);
  return t->buckets ? 0 : ETHC_ERR_NOMEM;
}

static void table_clear_locked(table_t *t) {
  for (size_t i = 0; i < TABLE_BUCKETS; i++) {
    entry_t *e = t->buckets[i];
    while (e) {
      entry_t *n = e->next;
      free(e);
      e = n;
    }
    t->buckets[i] = NULL;
  }
  t->bytes = 0;
}

static void table_free(table_t *t) {
  if (!t->buckets) return;
  table_clear_locked(t);
  free(t->buckets);
  pthread_mutex_destroy(&t->lock);
}

static size_t bucket_of(const uint8_t key[32]) { return ((size_t)key[0] << 8 | key[1]) % TABLE_BUCKETS; }

/* Appends the value of key to *out: 0, or ETHC_ERR_NOT_FOUND (ETHC_ERR_NOMEM). */
static int table_get(table_t *t, const uint8_t key[32], bytes_buf_t *out) {
  int rc = ETHC_ERR_NOT_FOUND;
  pthread_mutex_lock(&t->lock);
  for (entry_t *e = t->buckets[bucket_of(key)]; e; e = e->next)
    if (!memcmp(e->key, key, 32)) {
      rc = bytes_buf_append(out, e->data, e->len) ? ETHC_ERR_NOMEM : 0;
      break;
    }
  pthread_mutex_unlock(&t->lock);
  return rc;
}

/* Keeps key -> data (a known key keeps its value, or takes the new one when
 * `replace` and the sizes agree). Over the bound, the whole table is dropped
 * first: everything in it can be fetched again. */
static int table_put_opt(table_t *t, const uint8_t key[32], const uint8_t *data, size_t len, bool replace) {
  entry_t *n = malloc(sizeof *n + len + 1);
  if (!n) return ETHC_ERR_NOMEM;
  memcpy(n->key, key, 32);
  memcpy(n->data, data, len);
  n->len = len;
  pthread_mutex_lock(&t->lock);
  size_t b = bucket_of(key);
  for (entry_t *e = t->buckets[b]; e; e = e->next)
    if (!memcmp(e->key, key, 32)) {
      if (replace && e->len == len) memcpy(e->data, data, len);
      pthread_mutex_unlock(&t->lock);
      free(n);
      return 0;
    }
  if (t->bytes + len + sizeof *n > t->max_bytes) table_clear_locked(t);
  n->next = t->buckets[b];
  t->buckets[b] = n;
  t->bytes += len + sizeof *n;
  pthread_mutex_unlock(&t->lock);
  return 0;
}

static int table_put(table_t *t, const uint8_t key[32], const uint8_t *data, size_t len) {
  return table_put_opt(t, key, data, len, false);
}

/* ---- the source ---- */

/* The state at one block: what chain_remote_t.state hands out (kept until the
 * source is freed). */
typedef struct view {
  struct light_rpc_source *src;
  ethc_hash_t block_hash, root;
  uint64_t number;
  state_base_t inner; /* the proof nodes and code, walked from root */
  struct view *next;
} view_t;

struct light_rpc_source {
  light_http_t *http;
  table_t nodes;   /* trie node by its keccak256 */
  table_t code;    /* code by its keccak256 */
  table_t code_at; /* code hash -> an address and block whose proven account has it (20 + 32 bytes) */
  state_db_t *sdb; /* walks `nodes` (with its own small cache of decoded reads) */
  pthread_mutex_t views_lock;
  view_t *views;
  atomic_bool no_raw_block; /* the provider has no debug_getRawBlock */
};

static int nodes_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  return table_get(&((light_rpc_source_t *)ctx)->nodes, hash, out);
}
static int code_get(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out) {
  return table_get(&((light_rpc_source_t *)ctx)->code, hash->bytes, out);
}

/* "0x..." of n bytes into buf (2n + 3). */
static const char *hex(const uint8_t *p, size_t n, char *buf) { return hex_encode(p, n, buf); }

/* Keeps each node of a JSON array of proof nodes, keyed by its hash. */
static int keep_nodes(light_rpc_source_t *s, const cJSON *arr) {
  const cJSON *n;
  cJSON_ArrayForEach(n, arr) {
    uint8_t *b = NULL;
    size_t len = 0;
    if (!cJSON_IsString(n) || hex_decode_alloc(n->valuestring, true, &b, &len)) return ETHC_ERR_INVALID;
    uint8_t h[32];
    keccak256(b, len, h);
    int rc = table_put(&s->nodes, h, b, len);
    free(b);
    if (rc) return rc;
  }
  return 0;
}

/* eth_getProof(a, [slot?], block) checked against the view's root; its nodes
 * kept. 0, or ETHC_ERR_IO with the message set (chain_remote_fail). */
static int fetch_proof(view_t *v, const ethc_address_t *a, const u256_t *slot) {
  char ah[43], bh[67], kh[67] = "", params[220];
  uint8_t k[32];
  if (slot) {
    u256_to_be(slot, k);
    hex(k, 32, kh);
  }
  snprintf(params, sizeof params, slot ? "[\"%s\",[\"%s\"],\"%s\"]" : "[\"%s\",[%s],\"%s\"]", hex(a->bytes, 20, ah), kh,
           hex(v->block_hash.bytes, 32, bh));
  cJSON *doc;
  const cJSON *res;
  char msg[200];
  int rc = light_http_call(v->src->http, "eth_getProof", params, &doc, &res, msg, sizeof msg);
  if (rc) return chain_remote_fail(rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_IO, "%s", msg);
  verify_proof_result_t pr;
  verify_err_t e = {{0}};
  rc = verify_get_proof_json(&v->root, a, res, &pr, &e);
  if (!rc) {
    if (slot && pr.slot_count != 1) {
      snprintf(e.msg, sizeof e.msg, "the answer proves %zu slots, not 1", pr.slot_count);
      rc = ETHC_ERR_INVALID;
    }
    verify_proof_result_free(&pr);
  }
  if (rc == ETHC_ERR_NOMEM) rc = chain_remote_fail(rc, "out of memory");
  else if (rc)
    rc = chain_remote_fail(ETHC_ERR_IO, "block %llu: eth_getProof of %s does not verify: %s",
                           (unsigned long long)v->number, ah, e.msg);
  if (!rc) {
    const cJSON *sp, *item;
    rc = keep_nodes(v->src, cJSON_GetObjectItemCaseSensitive(res, "accountProof"));
    sp = cJSON_GetObjectItemCaseSensitive(res, "storageProof");
    cJSON_ArrayForEach(item, sp) if (!rc) rc = keep_nodes(v->src, cJSON_GetObjectItemCaseSensitive(item, "proof"));
    if (rc) rc = chain_remote_fail(rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_IO, "eth_getProof: a proof node is not hex");
  }
  cJSON_Delete(doc);
  return rc;
}

static void remember_code(view_t *v, const ethc_address_t *a, const state_account_t *acc) {
  if (ethc_hash_eq(&acc->code_hash, &STATE_EMPTY_CODE_HASH)) return;
  uint8_t where[52];
  memcpy(where, a->bytes, 20);
  memcpy(where + 20, v->block_hash.bytes, 32);
  /* the latest sighting: a provider that prunes old state still has the code there */
  (void)table_put_opt(&v->src->code_at, acc->code_hash.bytes, where, sizeof where, true);
}

static int view_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  view_t *v = ctx;
  int rc = v->inner.get_account(v->inner.ctx, root, a, out);
  if (rc == ETHC_ERR_MISSING_NODE && ethc_hash_eq(root, &v->root)) {
    if ((rc = fetch_proof(v, a, NULL))) return rc;
    rc = v->inner.get_account(v->inner.ctx, root, a, out);
    if (rc == ETHC_ERR_MISSING_NODE) /* a verified proof walks: cannot happen, unless the cache was dropped */
      rc = chain_remote_fail(ETHC_ERR_IO, "the account's proof nodes are gone (cache full)");
  }
  if (!rc) remember_code(v, a, out);
  return rc;
}

static int view_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *storage_root, const u256_t *key,
                        u256_t *out) {
  view_t *v = ctx;
  int rc = v->inner.get_storage(v->inner.ctx, a, storage_root, key, out);
  if (rc != ETHC_ERR_MISSING_NODE) return rc;
  if ((rc = fetch_proof(v, a, key))) return rc;
  rc = v->inner.get_storage(v->inner.ctx, a, storage_root, key, out);
  if (rc == ETHC_ERR_MISSING_NODE) /* the proven account's storage root is another: a state override's, or gone */
    rc = chain_remote_fail(ETHC_ERR_IO, "the slot's proof does not reach this storage root");
  return rc;
}

static int view_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  view_t *v = ctx;
  light_rpc_source_t *s = v->src;
  if (!table_get(&s->code, code_hash->bytes, out)) return 0;
  bytes_buf_t where = {0};
  int rc = table_get(&s->code_at, code_hash->bytes, &where);
  if (rc || where.len != 52) {
    bytes_buf_free(&where);
    return chain_remote_fail(ETHC_ERR_IO, "code of unknown origin asked for");
  }
  char ah[43], bh[67], params[140];
  snprintf(params, sizeof params, "[\"%s\",\"%s\"]", hex(where.data, 20, ah), hex(where.data + 20, 32, bh));
  bytes_buf_free(&where);
  cJSON *doc;
  const cJSON *res;
  char msg[200];
  rc = light_http_call(s->http, "eth_getCode", params, &doc, &res, msg, sizeof msg);
  if (rc) return chain_remote_fail(rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_IO, "%s", msg);
  uint8_t *code = NULL;
  size_t len = 0;
  verify_err_t e = {{0}};
  if (!cJSON_IsString(res) || hex_decode_alloc(res->valuestring, true, &code, &len))
    rc = chain_remote_fail(ETHC_ERR_IO, "eth_getCode of %s: the answer is not hex data", ah);
  else if (verify_code(code_hash, code, len, &e))
    rc = chain_remote_fail(ETHC_ERR_IO, "eth_getCode of %s does not verify: %s", ah, e.msg);
  else if ((rc = table_put(&s->code, code_hash->bytes, code, len)) || bytes_buf_append(out, code, len))
    rc = chain_remote_fail(ETHC_ERR_NOMEM, "out of memory");
  free(code);
  cJSON_Delete(doc);
  return rc;
}

static int src_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                     size_t errlen) {
  light_rpc_source_t *s = ctx;
  pthread_mutex_lock(&s->views_lock);
  view_t *v = s->views;
  while (v && !ethc_hash_eq(&v->block_hash, hash)) v = v->next;
  if (!v && (v = calloc(1, sizeof *v))) {
    v->src = s;
    v->block_hash = *hash;
    v->root = h->state_root;
    v->number = h->number;
    state_db_base(s->sdb, &v->root, &v->inner);
    v->next = s->views;
    s->views = v;
  }
  pthread_mutex_unlock(&s->views_lock);
  if (!v) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  *out = (state_base_t){.get_account = view_account,
                        .get_storage = view_storage,
                        .get_code = view_code,
                        .ctx = v,
                        .root = v->root,
                        .nodes = {.ctx = s, .get = nodes_get}};
  return 0;
}

/* ---- blocks ---- */

static int src_body(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                    size_t errlen) {
  light_rpc_source_t *s = ctx;
  (void)h;
  char bh[67], params[80];
  snprintf(params, sizeof params, "[\"%s\"]", hex(hash->bytes, 32, bh));
  cJSON *doc;
  const cJSON *res;
  int rc = ETHC_ERR_UNSUPPORTED;
  if (!atomic_load(&s->no_raw_block))
    rc = light_http_call(s->http, "debug_getRawBlock", params, &doc, &res, err, errlen);
  if (rc == ETHC_ERR_UNSUPPORTED) { /* most providers: the block object, its transactions re-encoded */
    atomic_store(&s->no_raw_block, true);
    snprintf(params, sizeof params, "[\"%s\",true]", bh);
    if ((rc = light_http_call(s->http, "eth_getBlockByHash", params, &doc, &res, err, errlen))) return rc;
    rc = light_json_body(res, out, err, errlen);
    cJSON_Delete(doc);
    return rc;
  }
  if (rc) return rc;
  uint8_t *blk = NULL;
  size_t len = 0;
  rlp_item_t list, item;
  rlp_iter_t it;
  if (!cJSON_IsString(res) || hex_decode_alloc(res->valuestring, true, &blk, &len) || rlp_decode(blk, len, &list) ||
      !list.is_list) {
    rc = ETHC_ERR_INVALID;
    snprintf(err, errlen, "debug_getRawBlock: the answer is not a block's RLP");
  } else {
    /* the body is the block's list without its header */
    rlp_iter_init(&it, &list);
    size_t start = rlp_list_begin(out);
    int first = 1;
    while (!rc && rlp_iter_next(&it, &item) == 1) {
      if (first) first = 0;
      else if (rlp_put_raw(out, item.raw, item.raw_len)) rc = ETHC_ERR_NOMEM;
    }
    if (!rc && rlp_list_end(out, start)) rc = ETHC_ERR_NOMEM;
  }
  free(blk);
  cJSON_Delete(doc);
  return rc;
}

static int src_receipts(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                        size_t errlen) {
  light_rpc_source_t *s = ctx;
  (void)h;
  char bh[67], params[80];
  snprintf(params, sizeof params, "[\"%s\"]", hex(hash->bytes, 32, bh));
  cJSON *doc;
  const cJSON *res;
  int rc = light_http_call(s->http, "eth_getBlockReceipts", params, &doc, &res, err, errlen);
  if (!rc) {
    rc = light_json_receipts(res, out, err, errlen);
    cJSON_Delete(doc);
    return rc;
  }
  if (rc != ETHC_ERR_UNSUPPORTED) return rc;
  /* an older provider: the raw receipts */
  if ((rc = light_http_call(s->http, "debug_getRawReceipts", params, &doc, &res, err, errlen))) return rc;
  size_t start = rlp_list_begin(out);
  const cJSON *e;
  cJSON_ArrayForEach(e, res) {
    uint8_t *b = NULL;
    size_t len = 0;
    if (!cJSON_IsString(e) || hex_decode_alloc(e->valuestring, true, &b, &len) || !len) {
      free(b);
      rc = ETHC_ERR_INVALID;
      snprintf(err, errlen, "debug_getRawReceipts: a receipt is not hex data");
      break;
    }
    rc = (b[0] >= 0xc0 ? rlp_put_raw(out, b, len) : rlp_put_bytes(out, b, len)) ? ETHC_ERR_NOMEM : 0;
    free(b);
    if (rc) break;
  }
  if (!rc && rlp_list_end(out, start)) rc = ETHC_ERR_NOMEM;
  cJSON_Delete(doc);
  return rc;
}

/* A quantity of at most 64 bits. */
static int json_u64(const cJSON *o, const char *name, uint64_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  if (!cJSON_IsString(v) || v->valuestring[0] != '0' || v->valuestring[1] != 'x' || !v->valuestring[2] ||
      strlen(v->valuestring) > 18)
    return ETHC_ERR_JSON;
  char *end;
  *out = strtoull(v->valuestring + 2, &end, 16);
  return *end ? ETHC_ERR_JSON : 0;
}

static int src_tx_location(void *ctx, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index, char *err,
                           size_t errlen) {
  light_rpc_source_t *s = ctx;
  char th[67], params[80];
  snprintf(params, sizeof params, "[\"%s\"]", hex(tx_hash->bytes, 32, th));
  cJSON *doc;
  const cJSON *res;
  int rc = light_http_call(s->http, "eth_getTransactionByHash", params, &doc, &res, err, errlen);
  if (rc) return rc;
  const cJSON *bh = cJSON_GetObjectItemCaseSensitive(res, "blockHash");
  uint64_t i = 0;
  if (!cJSON_IsString(bh)) rc = ETHC_ERR_NOT_FOUND; /* pending */
  else if (hex_decode_fixed(bh->valuestring, true, block_hash->bytes, 32) || json_u64(res, "transactionIndex", &i) ||
           i > UINT32_MAX) {
    rc = ETHC_ERR_INVALID;
    snprintf(err, errlen, "eth_getTransactionByHash: malformed blockHash or transactionIndex");
  }
  *index = (uint32_t)i;
  cJSON_Delete(doc);
  return rc;
}

/* ---- public ---- */

int light_rpc_source_new(const light_rpc_opts_t *o, light_rpc_source_t **out, char *err, size_t errlen) {
  *out = NULL;
  if (!o->url || (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8))) {
    snprintf(err, errlen, "--execution-rpc: want an http:// or https:// URL, got \"%s\"", o->url ? o->url : "");
    return ETHC_ERR_INVALID;
  }
  light_rpc_source_t *s = calloc(1, sizeof *s);
  if (!s) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  size_t cache = o->cache_bytes ? o->cache_bytes : (64u << 20);
  pthread_mutex_init(&s->views_lock, NULL);
  int rc = table_init(&s->nodes, cache) | table_init(&s->code, cache / 2) | table_init(&s->code_at, 8u << 20);
  s->http = light_http_new(o->url, o->timeout_ms, o->max_response);
  state_store_t store = {.nodes = {.ctx = s, .get = nodes_get}, .get_code = code_get, .code_ctx = s};
  if (!rc && s->http) s->sdb = state_db_new(&store, 8u << 20);
  if (rc || !s->http || !s->sdb) {
    light_rpc_source_free(s);
    snprintf(err, errlen, "out of memory (or libcurl failed to start)");
    return ETHC_ERR_NOMEM;
  }
  *out = s;
  return 0;
}

void light_rpc_source_free(light_rpc_source_t *s) {
  if (!s) return;
  for (view_t *v = s->views; v;) {
    view_t *n = v->next;
    free(v);
    v = n;
  }
  state_db_free(s->sdb);
  light_http_free(s->http);
  table_free(&s->nodes);
  table_free(&s->code);
  table_free(&s->code_at);
  pthread_mutex_destroy(&s->views_lock);
  free(s);
}

chain_remote_t light_rpc_source_remote(light_rpc_source_t *s) {
  return (chain_remote_t){.ctx = s,
                          .body = src_body,
                          .receipts = src_receipts,
                          .tx_location = src_tx_location,
                          .state = src_state};
}

int light_rpc_source_send_raw(light_rpc_source_t *s, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err,
                              size_t errlen) {
  char *params = malloc(2 * len + 10);
  if (!params) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  params[0] = '[', params[1] = '"';
  hex_encode(raw, len, params + 2);
  strcat(params, "\"]");
  cJSON *doc;
  const cJSON *res;
  int rc = light_http_call(s->http, "eth_sendRawTransaction", params, &doc, &res, err, errlen);
  free(params);
  if (rc) return rc;
  if (!cJSON_IsString(res) || hex_decode_fixed(res->valuestring, true, hash->bytes, 32)) {
    snprintf(err, errlen, "eth_sendRawTransaction: the answer is not a hash");
    rc = ETHC_ERR_INVALID;
  }
  cJSON_Delete(doc);
  return rc;
}

void light_rpc_source_stats(light_rpc_source_t *s, unsigned long long *calls, unsigned long long *micros) {
  light_http_stats(s->http, calls, micros);
}
