/* The chain's side of chain_remote.h: bodies and receipts of blocks whose
 * header is stored but not their data, fetched from the chain's remote source
 * and checked against the header before any reader sees them (body: the
 * transactions root, ommers hash and withdrawals root, Yellow Paper 4.3 and
 * EIP-4895; receipts: the receipts root, appendix D via verify.h). Verified
 * answers go into a small LRU cache (bodies and receipts by block hash), shared
 * by all threads under one mutex. A failure is remembered per thread
 * (chain_remote_error) so that the RPC layer can name it. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/chain_internal.h"
#include "ethc/block.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/verify.h"

#define CACHE_SLOTS 128
#define CACHE_DEFAULT_BYTES ((size_t)64 << 20)

typedef struct {
  bool used;
  bool receipts; /* else a body */
  ethc_hash_t hash;
  bytes_buf_t data;
  uint64_t stamp; /* last use */
} slot_t;

struct chain_remote_cache {
  pthread_mutex_t lock;
  slot_t slots[CACHE_SLOTS];
  uint64_t clock;
  size_t bytes, max_bytes; /* held, and the bound */
};

static _Thread_local char remote_err[240];

const char *chain_remote_error(void) {
  static _Thread_local char taken[240];
  if (!remote_err[0]) return NULL;
  memcpy(taken, remote_err, sizeof taken);
  remote_err[0] = 0;
  return taken;
}

void chain_remote_error_clear(void) { remote_err[0] = 0; }

int chain_remote_fail(int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(remote_err, sizeof remote_err, fmt, ap);
  va_end(ap);
  return rc;
}

chain_remote_cache_t *chain_remote_cache_new(size_t max_bytes) {
  chain_remote_cache_t *k = calloc(1, sizeof *k);
  if (!k) return NULL;
  pthread_mutex_init(&k->lock, NULL);
  k->max_bytes = max_bytes ? max_bytes : CACHE_DEFAULT_BYTES;
  return k;
}

void chain_remote_cache_free(chain_remote_cache_t *k) {
  if (!k) return;
  for (size_t i = 0; i < CACHE_SLOTS; i++) bytes_buf_free(&k->slots[i].data);
  pthread_mutex_destroy(&k->lock);
  free(k);
}

static bool cache_get(chain_remote_cache_t *k, bool receipts, const ethc_hash_t *hash, bytes_buf_t *out) {
  if (!k) return false;
  bool hit = false;
  pthread_mutex_lock(&k->lock);
  for (size_t i = 0; i < CACHE_SLOTS && !hit; i++) {
    slot_t *s = &k->slots[i];
    if (s->used && s->receipts == receipts && ethc_hash_eq(&s->hash, hash)) {
      hit = bytes_buf_append(out, s->data.data, s->data.len) == 0;
      s->stamp = ++k->clock;
    }
  }
  pthread_mutex_unlock(&k->lock);
  return hit;
}

static void cache_put(chain_remote_cache_t *k, bool receipts, const ethc_hash_t *hash, const bytes_buf_t *v) {
  if (!k || v->len > k->max_bytes / 4) return;
  pthread_mutex_lock(&k->lock);
  /* evict the least recently used until there is a free slot and room */
  for (;;) {
    slot_t *oldest = NULL, *free_slot = NULL;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
      slot_t *s = &k->slots[i];
      if (!s->used) free_slot = s;
      else if (!oldest || s->stamp < oldest->stamp) oldest = s;
    }
    if (free_slot && k->bytes + v->len <= k->max_bytes) {
      free_slot->data.len = 0;
      if (bytes_buf_append(&free_slot->data, v->data, v->len) == 0) {
        free_slot->used = true;
        free_slot->receipts = receipts;
        free_slot->hash = *hash;
        free_slot->stamp = ++k->clock;
        k->bytes += v->len;
      }
      break;
    }
    if (!oldest) break;
    k->bytes -= oldest->data.len;
    bytes_buf_free(&oldest->data);
    oldest->used = false;
  }
  pthread_mutex_unlock(&k->lock);
}

/* Checks a body rlp([txs, ommers(, withdrawals)]) against header h (its RLP
 * `hdr`): 0 or ETHC_ERR_INVALID with the message set. */
static int check_body(const chain_header_t *h, const bytes_buf_t *body) {
  rlp_item_t bl;
  if (rlp_decode(body->data, body->len, &bl) || !bl.is_list)
    return chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's body does not decode",
                             (unsigned long long)h->number);
  bytes_buf_t hdr = {0}, blk = {0};
  chain_block_t b;
  memset(&b, 0, sizeof b);
  int rc = header_encode(h, &hdr);
  if (!rc) {
    size_t start = rlp_list_begin(&blk);
    rc = rlp_put_raw(&blk, hdr.data, hdr.len) | rlp_put_raw(&blk, bl.payload, bl.payload_len) |
         rlp_list_end(&blk, start);
  }
  if (rc) rc = chain_remote_fail(ETHC_ERR_NOMEM, "out of memory");
  else if (block_decode(blk.data, blk.len, &b))
    rc = chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's body does not decode",
                           (unsigned long long)h->number);
  ethc_hash_t root;
  if (!rc && (block_tx_root(&b, &root) || !ethc_hash_eq(&root, &h->tx_root)))
    rc = chain_remote_fail(ETHC_ERR_INVALID,
                           "block %llu: the source's transactions do not hash to the header's transactionsRoot",
                           (unsigned long long)h->number);
  if (!rc) {
    block_ommers_hash(&b, &root);
    if (!ethc_hash_eq(&root, &h->ommers_hash))
      rc = chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's ommers do not hash to the header's",
                             (unsigned long long)h->number);
  }
  if (!rc && b.has_withdrawals != h->has_withdrawals_root)
    rc = chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's body and the header disagree on withdrawals",
                           (unsigned long long)h->number);
  if (!rc && h->has_withdrawals_root &&
      (block_withdrawals_root(&b, &root) || !ethc_hash_eq(&root, &h->withdrawals_root)))
    rc = chain_remote_fail(ETHC_ERR_INVALID,
                           "block %llu: the source's withdrawals do not hash to the header's withdrawalsRoot",
                           (unsigned long long)h->number);
  block_free(&b);
  bytes_buf_free(&blk);
  bytes_buf_free(&hdr);
  return rc;
}

/* Checks rlp([receipt...]) against the header's receipts root. */
static int check_receipts(const chain_header_t *h, const bytes_buf_t *rs) {
  rlp_item_t list, item;
  if (rlp_decode(rs->data, rs->len, &list) || !list.is_list)
    return chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's receipts do not decode",
                             (unsigned long long)h->number);
  int n = rlp_list_count(&list);
  if (n < 0)
    return chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's receipts do not decode",
                             (unsigned long long)h->number);
  bytes_view_t *items = calloc((size_t)n + 1, sizeof *items);
  if (!items) return chain_remote_fail(ETHC_ERR_NOMEM, "out of memory");
  rlp_iter_t it;
  rlp_iter_init(&it, &list);
  for (int i = 0; i < n && rlp_iter_next(&it, &item) == 1; i++) {
    /* as the trie holds it: a legacy receipt's list, a typed one's type || list */
    if (item.is_list) items[i] = (bytes_view_t){item.raw, item.raw_len};
    else items[i] = (bytes_view_t){item.payload, item.payload_len};
  }
  verify_err_t e = {{0}};
  int rc = verify_receipts_raw(&h->receipts_root, items, (size_t)n, &e);
  free(items);
  if (rc == ETHC_ERR_NOMEM) return chain_remote_fail(rc, "out of memory");
  if (rc)
    return chain_remote_fail(ETHC_ERR_INVALID, "block %llu: the source's receipts fail their check: %s",
                             (unsigned long long)h->number, e.msg);
  return 0;
}

/* A source's failure, named for the caller: its code kept (NOT_FOUND, IO,
 * INVALID, ...), the message set. */
static int source_failed(int rc, const char *what, const chain_header_t *h, const char *msg) {
  return chain_remote_fail(rc == ETHC_ERR_NOMEM ? rc : ETHC_ERR_IO, "block %llu: %s from the execution source: %s",
                           (unsigned long long)h->number, what, msg[0] ? msg : ethc_strerror(rc));
}

int chain_remote_body(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out) {
  const chain_remote_t *r = chain_get_remote(c);
  if (!r || !r->body) return ETHC_ERR_NOT_FOUND;
  /* a body the header's roots say is empty needs nobody's word */
  if (ethc_hash_eq(&h->tx_root, &HEADER_EMPTY_TRIE_ROOT) && ethc_hash_eq(&h->ommers_hash, &HEADER_EMPTY_OMMERS_HASH) &&
      (!h->has_withdrawals_root || ethc_hash_eq(&h->withdrawals_root, &HEADER_EMPTY_TRIE_ROOT))) {
    size_t start = rlp_list_begin(out);
    int rc = rlp_list_end(out, rlp_list_begin(out)) | rlp_list_end(out, rlp_list_begin(out));
    if (h->has_withdrawals_root) rc |= rlp_list_end(out, rlp_list_begin(out));
    return rc | rlp_list_end(out, start) ? ETHC_ERR_NOMEM : 0;
  }
  chain_remote_cache_t *k = chain_get_remote_cache(c);
  if (cache_get(k, false, hash, out)) return 0;
  char msg[200] = "";
  bytes_buf_t b = {0};
  int rc = r->body(r->ctx, h, hash, &b, msg, sizeof msg);
  if (rc) rc = source_failed(rc, "no body", h, msg);
  if (!rc) rc = check_body(h, &b);
  if (!rc) {
    cache_put(k, false, hash, &b);
    if (bytes_buf_append(out, b.data, b.len)) rc = ETHC_ERR_NOMEM;
  }
  bytes_buf_free(&b);
  return rc == ETHC_ERR_INVALID ? ETHC_ERR_IO : rc;
}

int chain_remote_receipts(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out) {
  const chain_remote_t *r = chain_get_remote(c);
  if (!r || !r->receipts) return ETHC_ERR_NOT_FOUND;
  if (ethc_hash_eq(&h->receipts_root, &HEADER_EMPTY_TRIE_ROOT)) /* no transactions, no receipts */
    return rlp_list_end(out, rlp_list_begin(out)) ? ETHC_ERR_NOMEM : 0;
  chain_remote_cache_t *k = chain_get_remote_cache(c);
  if (cache_get(k, true, hash, out)) return 0;
  char msg[200] = "";
  bytes_buf_t b = {0};
  int rc = r->receipts(r->ctx, h, hash, &b, msg, sizeof msg);
  if (rc) rc = source_failed(rc, "no receipts", h, msg);
  if (!rc) rc = check_receipts(h, &b);
  if (!rc) {
    cache_put(k, true, hash, &b);
    if (bytes_buf_append(out, b.data, b.len)) rc = ETHC_ERR_NOMEM;
  }
  bytes_buf_free(&b);
  return rc == ETHC_ERR_INVALID ? ETHC_ERR_IO : rc;
}

int chain_remote_tx_location(chain_t *c, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index) {
  const chain_remote_t *r = chain_get_remote(c);
  if (!r || !r->tx_location) return ETHC_ERR_NOT_FOUND;
  char msg[200] = "";
  int rc = r->tx_location(r->ctx, tx_hash, block_hash, index, msg, sizeof msg);
  if (rc == ETHC_ERR_NOT_FOUND) return rc;
  if (rc)
    return chain_remote_fail(ETHC_ERR_IO, "transaction lookup at the execution source failed: %s",
                             msg[0] ? msg : ethc_strerror(rc));
  /* only a block whose verified header the chain holds is believed at all */
  uint64_t number;
  rc = chain_read_number(c, block_hash, &number);
  return rc;
}

/* A base whose every read fails (the source could not open the state). */
static int fail_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  (void)ctx, (void)root, (void)a, (void)out;
  return ETHC_ERR_IO;
}
static int fail_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *sr, const u256_t *key, u256_t *out) {
  (void)ctx, (void)a, (void)sr, (void)key, (void)out;
  return ETHC_ERR_IO;
}
static int fail_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  (void)ctx, (void)code_hash, (void)out;
  return ETHC_ERR_IO;
}

void chain_remote_state(chain_t *c, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out) {
  const chain_remote_t *r = chain_get_remote(c);
  char msg[200] = "";
  int rc = r && r->state ? r->state(r->ctx, h, hash, out, msg, sizeof msg) : ETHC_ERR_NOT_FOUND;
  if (!rc) return;
  if (rc == ETHC_ERR_NOT_FOUND && !msg[0]) snprintf(msg, sizeof msg, "no state source");
  chain_remote_fail(ETHC_ERR_IO, "block %llu: state not available: %s", (unsigned long long)h->number, msg);
  memset(out, 0, sizeof *out);
  out->get_account = fail_account;
  out->get_storage = fail_storage;
  out->get_code = fail_code;
  out->root = h->state_root;
}

void chain_remote_prefetch(const chain_snapshot_t *s, const chain_remote_call_t *call) {
  if (!chain_snapshot_is_remote(s)) return;
  const chain_remote_t *r = chain_get_remote(chain_snapshot_chain(s));
  if (r && r->prefetch) r->prefetch(r->ctx, chain_snapshot_header(s), chain_snapshot_hash(s), call);
}
