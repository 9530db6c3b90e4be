/* The execution-RPC source (include/ethc/light_rpc_source.h): chain_remote_t
 * over an Ethereum JSON-RPC provider. State: EIP-1186 eth_getProof, whose
 * nodes go into a table keyed by their keccak256 (and, once the proof checked,
 * into the chain database's cache, trie_node_cache.h), so a read is a walk
 * from the verified header's state root through nodes that are what their
 * hashes say (a node served for a hash it does not have is never found); the
 * JSON is first checked with verify_get_proof_json, so a lie is named. Code:
 * by eth_getCode at an address whose proven account holds the code hash.
 * A cold call is prefetched: eth_createAccessList names what it touches, and
 * their proofs come in two JSON-RPC batches (a hint only: each is proven). */
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
#include "ethc/trie_node_cache.h"
#include "ethc/verify.h"
#include "node/light_http.h"
#include "node/light_json_block.h"

#define TABLE_MIN_BUCKETS 1024u
#define TABLE_MAX_BUCKETS 65536u
#define DEFAULT_VIEWS 256u
#define PREFETCH_MAX_ACCOUNTS 64u
#define PREFETCH_MAX_SLOTS 512u

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
  size_t nbuckets; /* a power of two */
  size_t bytes, max_bytes;
} table_t;

/* Buckets in proportion to the bound (one per 512 bytes kept), so that a small
 * table does not pay for a large bucket array. */
static int table_init(table_t *t, size_t max_bytes) {
  t->nbuckets = TABLE_MIN_BUCKETS;
  while (t->nbuckets < TABLE_MAX_BUCKETS && t->nbuckets * 512 < max_bytes) t->nbuckets <<= 1;
  t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
  t->bytes = 0;
  t->max_bytes = max_bytes;
  pthread_mutex_init(&t->lock, NULL);
  return t->buckets ? 0 : ETHC_ERR_NOMEM;
}

static void table_clear_locked(table_t *t) {
  for (size_t i = 0; i < t->nbuckets; i++) {
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

static size_t bucket_of(const table_t *t, const uint8_t key[32]) {
  return ((size_t)key[0] << 8 | key[1]) & (t->nbuckets - 1);
}

/* Appends the value of key to *out: 0, or ETHC_ERR_NOT_FOUND (ETHC_ERR_NOMEM). */
static int table_get(table_t *t, const uint8_t key[32], bytes_buf_t *out) {
  int rc = ETHC_ERR_NOT_FOUND;
  pthread_mutex_lock(&t->lock);
  for (entry_t *e = t->buckets[bucket_of(t, key)]; e; e = e->next)
    if (!memcmp(e->key, key, 32)) {
      rc = bytes_buf_append(out, e->data, e->len) ? ETHC_ERR_NOMEM : 0;
      break;
    }
  pthread_mutex_unlock(&t->lock);
  return rc;
}

static bool table_has(table_t *t, const uint8_t key[32]) {
  bool found = false;
  pthread_mutex_lock(&t->lock);
  for (entry_t *e = t->buckets[bucket_of(t, key)]; e && !found; e = e->next) found = !memcmp(e->key, key, 32);
  pthread_mutex_unlock(&t->lock);
  return found;
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
  size_t b = bucket_of(t, key);
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

/* Where a state root's data can be asked for: a block whose verified header
 * has that root. The views are a ring of the last `max_views` blocks opened
 * (copied out under the lock): a state base handed out points at the source
 * only, so dropping a view frees nothing a reader holds; a reader whose block
 * left the ring still reads what is cached and gets an error on a miss. */
typedef struct {
  ethc_hash_t block_hash, root;
  uint64_t number;
} where_t;

struct light_rpc_source {
  light_http_t *http;
  table_t nodes;           /* trie node by its keccak256 */
  table_t code;            /* code by its keccak256 */
  table_t code_at;         /* code hash -> an address and block whose proven account has it (20 + 32 bytes) */
  table_t storage_at;      /* keccak256(address || storage root) -> a where_t whose proven account has it */
  trie_node_cache_t *disk; /* the chain database's cache (NULL: none) */
  state_db_t *sdb;         /* walks `nodes` (with its own small cache of decoded reads) */
  pthread_mutex_t views_lock;
  where_t *views; /* ring of max_views */
  size_t max_views, views_used, views_next;
  atomic_bool no_raw_block;   /* the provider has no debug_getRawBlock */
  atomic_bool no_access_list; /* ... no eth_createAccessList */
  atomic_bool no_batch;       /* ... no JSON-RPC batches: no prefetch */
  atomic_ullong proofs, prefetches, prefetched, disk_hits;
};

static int nodes_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  light_rpc_source_t *s = ctx;
  int rc = table_get(&s->nodes, hash, out);
  if (rc != ETHC_ERR_NOT_FOUND || !s->disk) return rc;
  size_t start = out->len;
  if ((rc = trie_node_cache_get(s->disk, TRIE_NODE_CACHE_NODE, hash, out))) return rc;
  atomic_fetch_add(&s->disk_hits, 1);
  (void)table_put(&s->nodes, hash, out->data + start, out->len - start);
  return 0;
}

static int code_get(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out) {
  light_rpc_source_t *s = ctx;
  int rc = table_get(&s->code, hash->bytes, out);
  if (rc != ETHC_ERR_NOT_FOUND || !s->disk) return rc;
  size_t start = out->len;
  if ((rc = trie_node_cache_get(s->disk, TRIE_NODE_CACHE_CODE, hash->bytes, out))) return rc;
  atomic_fetch_add(&s->disk_hits, 1);
  (void)table_put(&s->code, hash->bytes, out->data + start, out->len - start);
  return 0;
}

/* "0x..." of n bytes into buf (2n + 3). */
static const char *hex(const uint8_t *p, size_t n, char *buf) { return hex_encode(p, n, buf); }

/* Keeps each node of a JSON array of proof nodes (of a verified proof), keyed
 * by its hash, in memory and (those new to memory) in the database's cache. */
static int keep_nodes(light_rpc_source_t *s, const cJSON *arr) {
  const cJSON *n;
  int count = cJSON_GetArraySize(arr), rc = 0, kept = 0;
  bytes_view_t *views = calloc((size_t)count + 1, sizeof *views);
  if (!views) return ETHC_ERR_NOMEM;
  cJSON_ArrayForEach(n, arr) {
    uint8_t *b = NULL;
    size_t len = 0;
    if (!cJSON_IsString(n) || hex_decode_alloc(n->valuestring, true, &b, &len)) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    uint8_t h[32];
    keccak256(b, len, h);
    bool known = table_has(&s->nodes, h); /* then the database has it too (or dropped it) */
    if ((rc = table_put(&s->nodes, h, b, len)) || known) {
      free(b);
      if (rc) break;
      continue;
    }
    views[kept++] = (bytes_view_t){b, len};
  }
  if (!rc && s->disk) (void)trie_node_cache_put(s->disk, TRIE_NODE_CACHE_NODE, views, (size_t)kept);
  for (int i = 0; i < kept; i++) free((void *)views[i].data);
  free(views);
  return rc;
}

/* An eth_getProof result for account a with `nslots` slots checked against
 * w's root; its nodes kept. 0, or an error with the message set. */
static int take_proof(light_rpc_source_t *s, const where_t *w, const ethc_address_t *a, size_t nslots,
                      const cJSON *res) {
  char ah[43];
  hex(a->bytes, 20, ah);
  verify_proof_result_t pr;
  verify_err_t e = {{0}};
  int rc = verify_get_proof_json(&w->root, a, res, &pr, &e);
  if (!rc) {
    if (pr.slot_count != nslots) {
      snprintf(e.msg, sizeof e.msg, "the answer proves %zu slots, not %zu", pr.slot_count, nslots);
      rc = ETHC_ERR_INVALID;
    }
    verify_proof_result_free(&pr);
  }
  if (rc == ETHC_ERR_NOMEM) return chain_remote_fail(rc, "out of memory");
  if (rc)
    return chain_remote_fail(ETHC_ERR_IO, "block %llu: eth_getProof of %s does not verify: %s",
                             (unsigned long long)w->number, ah, e.msg);
  const cJSON *sp, *item;
  rc = keep_nodes(s, cJSON_GetObjectItemCaseSensitive(res, "accountProof"));
  sp = cJSON_GetObjectItemCaseSensitive(res, "storageProof");
  cJSON_ArrayForEach(item, sp) if (!rc) rc = keep_nodes(s, cJSON_GetObjectItemCaseSensitive(item, "proof"));
  if (rc) return chain_remote_fail(rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_IO, "eth_getProof: a proof node is not hex");
  atomic_fetch_add(&s->proofs, 1);
  return 0;
}

/* The params of eth_getProof(a, keys, block) into a malloc'd string. */
static char *proof_params(const where_t *w, const ethc_address_t *a, const u256_t *keys, size_t n) {
  char *p = malloc(140 + 70 * n), *q = p;
  if (!p) return NULL;
  char ah[43], bh[67], kh[67];
  q += sprintf(q, "[\"%s\",[", hex(a->bytes, 20, ah));
  for (size_t i = 0; i < n; i++) {
    uint8_t k[32];
    u256_to_be(&keys[i], k);
    q += sprintf(q, "%s\"%s\"", i ? "," : "", hex(k, 32, kh));
  }
  sprintf(q, "],\"%s\"]", hex(w->block_hash.bytes, 32, bh));
  return p;
}

/* eth_getProof(a, [slot?], block w) checked and kept. 0, or ETHC_ERR_IO with
 * the message set (chain_remote_fail). */
static int fetch_proof(light_rpc_source_t *s, const where_t *w, const ethc_address_t *a, const u256_t *slot) {
  char *params = proof_params(w, a, slot, slot ? 1 : 0);
  if (!params) return chain_remote_fail(ETHC_ERR_NOMEM, "out of memory");
  cJSON *doc;
  const cJSON *res;
  char msg[200];
  int rc = light_http_call(s->http, "eth_getProof", params, &doc, &res, msg, sizeof msg);
  free(params);
  if (rc) return chain_remote_fail(rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_IO, "%s", msg);
  rc = take_proof(s, w, a, slot ? 1 : 0, res);
  cJSON_Delete(doc);
  return rc;
}

/* The ring entry of state root `root` (the newest): true with *out. */
static bool view_of_root(light_rpc_source_t *s, const ethc_hash_t *root, where_t *out) {
  bool found = false;
  pthread_mutex_lock(&s->views_lock);
  for (size_t i = 1; i <= s->views_used && !found; i++) {
    const where_t *w = &s->views[(s->views_next + s->max_views - i) % s->max_views];
    if (ethc_hash_eq(&w->root, root)) *out = *w, found = true;
  }
  pthread_mutex_unlock(&s->views_lock);
  return found;
}

/* Opens block `hash` (header h) in the ring: its root then finds it. */
static void open_view(light_rpc_source_t *s, const chain_header_t *h, const ethc_hash_t *hash) {
  pthread_mutex_lock(&s->views_lock);
  bool found = false;
  for (size_t i = 0; i < s->views_used && !found; i++) found = ethc_hash_eq(&s->views[i].block_hash, hash);
  if (!found) {
    s->views[s->views_next] = (where_t){*hash, h->state_root, h->number};
    s->views_next = (s->views_next + 1) % s->max_views;
    if (s->views_used < s->max_views) s->views_used++;
  }
  pthread_mutex_unlock(&s->views_lock);
}

static void storage_key(const ethc_address_t *a, const ethc_hash_t *storage_root, uint8_t out[32]) {
  uint8_t b[52];
  memcpy(b, a->bytes, 20);
  memcpy(b + 20, storage_root->bytes, 32);
  keccak256(b, sizeof b, out);
}

/* Remembers where a proven account's code and storage can be asked for. */
static void remember(light_rpc_source_t *s, const where_t *w, const ethc_address_t *a, const state_account_t *acc) {
  if (!ethc_hash_eq(&acc->code_hash, &STATE_EMPTY_CODE_HASH)) {
    uint8_t where[52];
    memcpy(where, a->bytes, 20);
    memcpy(where + 20, w->block_hash.bytes, 32);
    /* the latest sighting: a provider that prunes old state still has the code there */
    (void)table_put_opt(&s->code_at, acc->code_hash.bytes, where, sizeof where, true);
  }
  if (!ethc_hash_eq(&acc->storage_root, &STATE_EMPTY_ROOT)) {
    uint8_t k[32];
    storage_key(a, &acc->storage_root, k);
    (void)table_put_opt(&s->storage_at, k, (const uint8_t *)w, sizeof *w, true);
  }
}

static int view_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  light_rpc_source_t *s = ctx;
  state_base_t in;
  state_db_base(s->sdb, root, &in);
  int rc = in.get_account(in.ctx, root, a, out);
  where_t w;
  bool known = view_of_root(s, root, &w);
  if (rc == ETHC_ERR_MISSING_NODE) {
    if (!known)
      return chain_remote_fail(ETHC_ERR_IO, "the state of this block is no longer open (more than %zu blocks since)",
                               s->max_views);
    if ((rc = fetch_proof(s, &w, a, NULL))) return rc;
    rc = in.get_account(in.ctx, root, a, out);
    if (rc == ETHC_ERR_MISSING_NODE) /* a verified proof walks: cannot happen, unless the cache was dropped */
      rc = chain_remote_fail(ETHC_ERR_IO, "the account's proof nodes are gone (cache full)");
  }
  if (!rc && known) remember(s, &w, a, out);
  return rc;
}

static int view_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *storage_root, const u256_t *key,
                        u256_t *out) {
  light_rpc_source_t *s = ctx;
  state_base_t in;
  state_db_base(s->sdb, storage_root, &in);
  int rc = in.get_storage(in.ctx, a, storage_root, key, out);
  if (rc != ETHC_ERR_MISSING_NODE) return rc;
  uint8_t k[32];
  storage_key(a, storage_root, k);
  bytes_buf_t wb = {0};
  where_t w;
  rc = table_get(&s->storage_at, k, &wb);
  if (!rc && wb.len == sizeof w) memcpy(&w, wb.data, sizeof w);
  else rc = ETHC_ERR_NOT_FOUND;
  bytes_buf_free(&wb);
  if (rc) /* a state override's storage root, or its account's sighting dropped */
    return chain_remote_fail(ETHC_ERR_IO, "storage of unknown origin asked for");
  if ((rc = fetch_proof(s, &w, a, key))) return rc;
  rc = in.get_storage(in.ctx, a, storage_root, key, out);
  if (rc == ETHC_ERR_MISSING_NODE) /* the proven account's storage root is another: gone from the cache */
    rc = chain_remote_fail(ETHC_ERR_IO, "the slot's proof does not reach this storage root");
  return rc;
}

static int view_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  light_rpc_source_t *s = ctx;
  if (!code_get(s, code_hash, out)) return 0;
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
  if (!rc && s->disk) {
    bytes_view_t v = {code, len};
    (void)trie_node_cache_put(s->disk, TRIE_NODE_CACHE_CODE, &v, 1);
  }
  free(code);
  cJSON_Delete(doc);
  return rc;
}

static int src_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                     size_t errlen) {
  light_rpc_source_t *s = ctx;
  (void)err, (void)errlen;
  open_view(s, h, hash);
  *out = (state_base_t){.get_account = view_account,
                        .get_storage = view_storage,
                        .get_code = view_code,
                        .ctx = s,
                        .root = h->state_root,
                        .nodes = {.ctx = s, .get = nodes_get}};
  return 0;
}

/* ---- prefetch: two JSON-RPC batches ----
 * 1. eth_createAccessList of the call, with the account proofs of its sender,
 *    recipient and the block's coinbase and the recipient's code;
 * 2. the proofs (with their slots) and code of what the access list names.
 * A hint only: every proof is checked as usual and code kept only when a
 * proven account holds its hash; what is still missing is fetched on demand. */

typedef struct {
  ethc_address_t a;
  u256_t *keys;
  size_t n;
} want_t;

typedef struct {
  want_t items[PREFETCH_MAX_ACCOUNTS];
  size_t count, slots;
} wants_t;

static want_t *want_account(wants_t *ws, const ethc_address_t *a) {
  for (size_t i = 0; i < ws->count; i++)
    if (!memcmp(ws->items[i].a.bytes, a->bytes, 20)) return &ws->items[i];
  if (ws->count == PREFETCH_MAX_ACCOUNTS) return NULL;
  want_t *w = &ws->items[ws->count++];
  *w = (want_t){.a = *a};
  return w;
}

static void want_slot(wants_t *ws, want_t *w, const u256_t *k) {
  if (ws->slots == PREFETCH_MAX_SLOTS) return;
  u256_t *n = realloc(w->keys, (w->n + 1) * sizeof *n);
  if (!n) return;
  w->keys = n;
  w->keys[w->n++] = *k;
  ws->slots++;
}

/* Drops from `ws` what the cache already answers at `root`: an account that
 * walks, and those of its slots that walk from its storage root. */
static void drop_cached(light_rpc_source_t *s, const ethc_hash_t *root, wants_t *ws) {
  state_base_t in;
  state_db_base(s->sdb, root, &in);
  size_t kept = 0;
  for (size_t i = 0; i < ws->count; i++) {
    want_t *w = &ws->items[i];
    state_account_t acc;
    int rc = in.get_account(in.ctx, root, &w->a, &acc);
    bool need = rc == ETHC_ERR_MISSING_NODE;
    if (!rc) {
      size_t k = 0;
      for (size_t j = 0; j < w->n; j++) {
        u256_t v;
        if (in.get_storage(in.ctx, &w->a, &acc.storage_root, &w->keys[j], &v) == ETHC_ERR_MISSING_NODE)
          w->keys[k++] = w->keys[j];
      }
      w->n = k;
      need = k > 0;
    }
    if (need) ws->items[kept++] = *w;
    else free(w->keys);
  }
  ws->count = kept;
}

/* Reads eth_createAccessList's accessList into ws. */
static void read_access_list(const cJSON *res, wants_t *ws) {
  const cJSON *e, *k;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(res, "accessList")) {
    const cJSON *addr = cJSON_GetObjectItemCaseSensitive(e, "address");
    ethc_address_t a;
    if (!cJSON_IsString(addr) || hex_decode_fixed(addr->valuestring, true, a.bytes, 20)) continue;
    want_t *w = want_account(ws, &a);
    if (!w) return;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(e, "storageKeys")) {
      uint8_t b[32];
      u256_t key;
      if (!cJSON_IsString(k) || hex_decode_fixed(k->valuestring, true, b, 32)) continue;
      u256_from_be(&key, b);
      want_slot(ws, w, &key);
    }
  }
}

/* The call as eth_createAccessList's params, malloc'd. */
static char *call_params(const chain_remote_call_t *c, const ethc_hash_t *block) {
  char *p = malloc(2 * c->data_len + 400), *q = p;
  if (!p) return NULL;
  char ah[43], bh[67], vh[67];
  q += sprintf(q, "[{\"from\":\"%s\"", hex(c->from.bytes, 20, ah));
  if (c->has_to) q += sprintf(q, ",\"to\":\"%s\"", hex(c->to.bytes, 20, ah));
  if (c->gas) q += sprintf(q, ",\"gas\":\"0x%llx\"", (unsigned long long)c->gas);
  if (!u256_is_zero(&c->value)) {
    u256_to_hex(&c->value, vh);
    q += sprintf(q, ",\"value\":\"%s\"", vh);
  }
  q += sprintf(q, ",\"input\":\"");
  hex_encode(c->data, c->data_len, q);
  q += strlen(q);
  sprintf(q, "\"},\"%s\"]", hex(block->bytes, 32, bh));
  return p;
}

/* One request of a batch: the answer's result (owned by the batch's doc) or
 * NULL. */
typedef struct {
  const char *method;
  char *params; /* malloc'd */
  const cJSON *res;
  int rc;
} req_t;

/* Sends reqs as one batch: the answers' doc (the caller deletes it) with each
 * req's res/rc set, or NULL (a provider without batches is not asked again). */
static cJSON *send_batch(light_rpc_source_t *s, req_t *reqs, size_t n) {
  bytes_buf_t body = {0};
  int rc = bytes_buf_append(&body, (const uint8_t *)"[", 1);
  for (size_t i = 0; i < n && !rc; i++) {
    char head[120];
    reqs[i].res = NULL;
    reqs[i].rc = ETHC_ERR_IO;
    if (!reqs[i].params) rc = ETHC_ERR_NOMEM;
    else {
      snprintf(head, sizeof head, "%s{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"%s\",\"params\":", i ? "," : "", i,
               reqs[i].method);
      rc = bytes_buf_append(&body, (const uint8_t *)head, strlen(head)) |
           bytes_buf_append(&body, (const uint8_t *)reqs[i].params, strlen(reqs[i].params)) |
           bytes_buf_append(&body, (const uint8_t *)"}", 1);
    }
  }
  if (!rc) rc = bytes_buf_append(&body, (const uint8_t *)"]", 2); /* with its NUL */
  cJSON *doc = NULL;
  char msg[200];
  if (!rc) rc = light_http_batch(s->http, (const char *)body.data, &doc, msg, sizeof msg);
  bytes_buf_free(&body);
  if (rc == ETHC_ERR_UNSUPPORTED) atomic_store(&s->no_batch, true);
  if (rc) return NULL;
  atomic_fetch_add(&s->prefetches, 1);
  const cJSON *resp;
  cJSON_ArrayForEach(resp, doc) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(resp, "id");
    if (!cJSON_IsNumber(id) || id->valuedouble < 0 || id->valuedouble >= (double)n) continue;
    req_t *r = &reqs[(size_t)id->valuedouble];
    r->rc = light_http_response(resp, r->method, &r->res, msg, sizeof msg);
  }
  return doc;
}

static void free_reqs(req_t *reqs, size_t n) {
  for (size_t i = 0; i < n; i++) free(reqs[i].params);
}

static char *code_params(const ethc_address_t *a, const where_t *w) {
  char *p = malloc(140), ah[43], bh[67];
  if (p) snprintf(p, 140, "[\"%s\",\"%s\"]", hex(a->bytes, 20, ah), hex(w->block_hash.bytes, 32, bh));
  return p;
}

/* Keeps an eth_getProof answer for a with nslots slots if it proves. */
static void keep_proof(light_rpc_source_t *s, const where_t *w, const ethc_address_t *a, size_t nslots,
                       const req_t *r) {
  if (!r->rc && !take_proof(s, w, a, nslots, r->res)) atomic_fetch_add(&s->prefetched, 1);
}

/* Keeps an eth_getCode answer for a if a's proven account (walked from w's
 * root) holds its hash. */
static void keep_code(light_rpc_source_t *s, const where_t *w, const ethc_address_t *a, const req_t *r) {
  if (r->rc || !cJSON_IsString(r->res)) return;
  state_base_t in;
  state_db_base(s->sdb, &w->root, &in);
  state_account_t acc;
  if (in.get_account(in.ctx, &w->root, a, &acc) || ethc_hash_eq(&acc.code_hash, &STATE_EMPTY_CODE_HASH)) return;
  uint8_t *code = NULL;
  size_t len = 0;
  verify_err_t e = {{0}};
  if (!hex_decode_alloc(r->res->valuestring, true, &code, &len) && !verify_code(&acc.code_hash, code, len, &e) &&
      !table_put(&s->code, acc.code_hash.bytes, code, len) && s->disk) {
    bytes_view_t v = {code, len};
    (void)trie_node_cache_put(s->disk, TRIE_NODE_CACHE_CODE, &v, 1);
  }
  free(code);
}

static bool walks(light_rpc_source_t *s, const ethc_hash_t *root, const ethc_address_t *a) {
  state_base_t in;
  state_db_base(s->sdb, root, &in);
  state_account_t acc;
  return in.get_account(in.ctx, root, a, &acc) != ETHC_ERR_MISSING_NODE;
}

static void src_prefetch(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, const chain_remote_call_t *c) {
  light_rpc_source_t *s = ctx;
  if (atomic_load(&s->no_batch)) return;
  const where_t w = {*hash, h->state_root, h->number};
  if (walks(s, &w.root, c->has_to ? &c->to : &c->from)) return; /* warm */
  /* 1: the access list, and what every call reads */
  req_t r1[5];
  ethc_address_t fixed[3];
  size_t n1 = 0, nfixed = 0, code_at = 0;
  bool list = !atomic_load(&s->no_access_list);
  if (list) r1[n1++] = (req_t){"eth_createAccessList", call_params(c, hash), NULL, 0};
  const ethc_address_t *cand[3] = {&c->from, c->has_to ? &c->to : NULL, &h->coinbase};
  for (size_t i = 0; i < 3; i++) {
    bool dup = !cand[i];
    for (size_t j = 0; j < nfixed && !dup; j++) dup = !memcmp(fixed[j].bytes, cand[i]->bytes, 20);
    if (dup || walks(s, &w.root, cand[i])) continue;
    fixed[nfixed++] = *cand[i];
    r1[n1++] = (req_t){"eth_getProof", proof_params(&w, cand[i], NULL, 0), NULL, 0};
  }
  if (c->has_to) {
    code_at = n1;
    r1[n1++] = (req_t){"eth_getCode", code_params(&c->to, &w), NULL, 0};
  }
  cJSON *doc = n1 ? send_batch(s, r1, n1) : NULL;
  free_reqs(r1, n1);
  if (!doc) return;
  for (size_t i = 0; i < nfixed; i++) keep_proof(s, &w, &fixed[i], 0, &r1[list + i]);
  if (c->has_to) keep_code(s, &w, &c->to, &r1[code_at]);
  if (list && r1[0].rc == ETHC_ERR_UNSUPPORTED) atomic_store(&s->no_access_list, true);
  wants_t ws = {.count = 0};
  if (list && !r1[0].rc) read_access_list(r1[0].res, &ws);
  cJSON_Delete(doc);
  /* 2: what the list names and the cache lacks */
  drop_cached(s, &w.root, &ws);
  req_t *r2 = ws.count ? calloc(2 * ws.count, sizeof *r2) : NULL;
  size_t n2 = 0;
  for (size_t i = 0; r2 && i < ws.count; i++) {
    want_t *x = &ws.items[i];
    r2[n2++] = (req_t){"eth_getProof", proof_params(&w, &x->a, x->keys, x->n), NULL, 0};
    if (!walks(s, &w.root, &x->a)) r2[n2++] = (req_t){"eth_getCode", code_params(&x->a, &w), NULL, 0};
  }
  if (r2 && (doc = send_batch(s, r2, n2))) {
    size_t k = 0;
    for (size_t i = 0; i < ws.count; i++) { /* the proofs first: the code is checked against them */
      bool with_code = k + 1 < n2 && !strcmp(r2[k + 1].method, "eth_getCode");
      keep_proof(s, &w, &ws.items[i].a, ws.items[i].n, &r2[k]);
      if (with_code) keep_code(s, &w, &ws.items[i].a, &r2[k + 1]);
      k += with_code ? 2 : 1;
    }
    cJSON_Delete(doc);
  }
  if (r2) free_reqs(r2, n2);
  free(r2);
  for (size_t i = 0; i < ws.count; i++) free(ws.items[i].keys);
  (void)chain_remote_error(); /* a proof that failed here is fetched, and named, on demand */
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
  size_t code = o->code_bytes ? o->code_bytes : cache / 2;
  size_t where = o->where_bytes ? o->where_bytes : (8u << 20);
  pthread_mutex_init(&s->views_lock, NULL);
  s->max_views = o->max_views ? o->max_views : DEFAULT_VIEWS;
  s->views = calloc(s->max_views, sizeof *s->views);
  int rc = table_init(&s->nodes, cache) | table_init(&s->code, code) | table_init(&s->code_at, where) |
           table_init(&s->storage_at, where);
  if (!s->views) rc = ETHC_ERR_NOMEM;
  if (!rc && o->db && !(s->disk = trie_node_cache_open(o->db, o->disk_cache_bytes))) rc = ETHC_ERR_NOMEM;
  s->http = light_http_new(o->url, o->timeout_ms, o->max_response);
  state_store_t store = {.nodes = {.ctx = s, .get = nodes_get}, .get_code = code_get, .code_ctx = s};
  if (!rc && s->http) s->sdb = state_db_new(&store, o->read_cache_bytes ? o->read_cache_bytes : (8u << 20));
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
  state_db_free(s->sdb);
  light_http_free(s->http);
  trie_node_cache_free(s->disk);
  table_free(&s->nodes);
  table_free(&s->code);
  table_free(&s->code_at);
  table_free(&s->storage_at);
  free(s->views);
  pthread_mutex_destroy(&s->views_lock);
  free(s);
}

chain_remote_t light_rpc_source_remote(light_rpc_source_t *s) {
  return (chain_remote_t){.ctx = s,
                          .body = src_body,
                          .receipts = src_receipts,
                          .tx_location = src_tx_location,
                          .state = src_state,
                          .prefetch = src_prefetch};
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

void light_rpc_source_counters(light_rpc_source_t *s, light_rpc_counters_t *out) {
  memset(out, 0, sizeof *out);
  light_http_stats(s->http, &out->calls, &out->micros);
  out->proofs = atomic_load(&s->proofs);
  out->prefetches = atomic_load(&s->prefetches);
  out->prefetched = atomic_load(&s->prefetched);
  out->disk_hits = atomic_load(&s->disk_hits);
  out->no_access_list = atomic_load(&s->no_access_list);
  out->no_batch = atomic_load(&s->no_batch);
  pthread_mutex_lock(&s->views_lock);
  out->views = s->views_used;
  pthread_mutex_unlock(&s->views_lock);
}
