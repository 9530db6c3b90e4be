/* The snap state of the devp2p source (p2p_remote.h; devp2p caps/snap.md):
 * a state_base_t per state root whose reads walk the key's path by
 * GetTrieNodes (p2p_remote_nodes.c) and, from a peer that answers that empty,
 * are single-key snap requests
 * checked by their Merkle range proofs (trie_range.h through snap_wire.h's
 * checks): an account by GetAccountRange [keccak(address), keccak(address)],
 * a slot by GetStorageRanges for one account and one key, code by
 * GetByteCodes checked by its hash. A range proof that starts at the key and
 * shows the first key at or after it proves the key present (with its value)
 * or absent. Verified answers are kept in a bounded cache (a direct-mapped
 * table of accounts and slots, code up to a byte budget). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/log.h"
#include "ethc/rlp.h"
#include "ethc/snap_wire.h"
#include "ethc/trie.h"
#include "p2p/p2p_remote_int.h"

static const uint8_t EMPTY_CODE_HASH[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                            0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                            0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};

/* ---- the cache ---- */

enum { C_EMPTY, C_ACCOUNT, C_NO_ACCOUNT, C_SLOT };
#define WAYS 4 /* the table's associativity (set_of) */

typedef struct {
  int kind;
  ethc_hash_t root, key; /* state root and address hash, or storage root and slot hash */
  state_account_t account;
  u256_t value;
} centry_t;

typedef struct code {
  struct code *next;
  ethc_hash_t hash;
  size_t len;
  uint8_t data[];
} code_t;

struct remote_cache {
  pthread_mutex_t lock;
  centry_t *v;
  size_t n;
  code_t *codes; /* newest first */
  size_t code_bytes, code_max;
};

int remote_cache_new(size_t entries, size_t code_bytes, remote_cache_t **out) {
  remote_cache_t *c = calloc(1, sizeof *c);
  entries = entries < WAYS ? WAYS : entries - entries % WAYS;
  if (!c || !(c->v = calloc(entries, sizeof *c->v))) return free(c), ETHC_ERR_NOMEM;
  c->n = entries;
  c->code_max = code_bytes;
  pthread_mutex_init(&c->lock, NULL);
  *out = c;
  return 0;
}

void remote_cache_free(remote_cache_t *c) {
  if (!c) return;
  while (c->codes) {
    code_t *k = c->codes;
    c->codes = k->next;
    free(k);
  }
  pthread_mutex_destroy(&c->lock);
  free(c->v);
  free(c);
}

/* The table is 4-way set associative: an entry lives in one of the 4 ways of
 * the set its keys pick; a new entry replaces an empty way or else the way
 * its key's last byte names. */
static centry_t *set_of(const remote_cache_t *c, const ethc_hash_t *root, const ethc_hash_t *key) {
  uint64_t a, b;
  memcpy(&a, root->bytes, 8);
  memcpy(&b, key->bytes, 8);
  return &c->v[(size_t)((a * 31 + b) % (c->n / WAYS)) * WAYS];
}

/* A copy of the entry for (root, key) of `kind` (C_ACCOUNT also finds C_NO_ACCOUNT). */
static bool cache_get(remote_cache_t *c, int kind, const ethc_hash_t *root, const ethc_hash_t *key, centry_t *out) {
  pthread_mutex_lock(&c->lock);
  const centry_t *set = set_of(c, root, key);
  bool hit = false;
  for (size_t i = 0; i < WAYS && !hit; i++) {
    const centry_t *e = &set[i];
    hit = (e->kind == kind || (kind == C_ACCOUNT && e->kind == C_NO_ACCOUNT)) && ethc_hash_eq(&e->root, root) &&
          ethc_hash_eq(&e->key, key);
    if (hit) *out = *e;
  }
  pthread_mutex_unlock(&c->lock);
  return hit;
}

static void cache_put(remote_cache_t *c, const centry_t *e) {
  pthread_mutex_lock(&c->lock);
  centry_t *set = set_of(c, &e->root, &e->key), *to = &set[e->key.bytes[31] % WAYS];
  for (size_t i = 0; i < WAYS; i++)
    if (set[i].kind == C_EMPTY || (ethc_hash_eq(&set[i].root, &e->root) && ethc_hash_eq(&set[i].key, &e->key))) {
      to = &set[i];
      break;
    }
  *to = *e;
  pthread_mutex_unlock(&c->lock);
}

static bool code_get(remote_cache_t *c, const ethc_hash_t *hash, bytes_buf_t *out, int *rc) {
  pthread_mutex_lock(&c->lock);
  code_t *k = c->codes;
  while (k && !ethc_hash_eq(&k->hash, hash)) k = k->next;
  if (k) *rc = bytes_buf_append(out, k->data, k->len);
  pthread_mutex_unlock(&c->lock);
  return k != NULL;
}

static void code_put(remote_cache_t *c, const ethc_hash_t *hash, const uint8_t *data, size_t len) {
  if (len > c->code_max) return;
  code_t *k = malloc(sizeof *k + len);
  if (!k) return;
  k->hash = *hash;
  k->len = len;
  memcpy(k->data, data, len);
  pthread_mutex_lock(&c->lock);
  k->next = c->codes;
  c->codes = k;
  c->code_bytes += len;
  while (c->code_bytes > c->code_max) { /* the oldest go */
    code_t **pp = &c->codes;
    while ((*pp)->next) pp = &(*pp)->next;
    c->code_bytes -= (*pp)->len;
    free(*pp);
    *pp = NULL;
  }
  pthread_mutex_unlock(&c->lock);
}

/* ---- the per-root bases ---- */

typedef struct root_ctx {
  struct root_ctx *next;
  p2p_remote_t *r;
  ethc_hash_t root;
  uint64_t number;
  bool served; /* a peer answered for this root */
} root_ctx_t;

static void hex32(char *out, const uint8_t *b) {
  for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* Decodes a full account RLP [nonce, balance, storageRoot, codeHash]. */
static int decode_account(bytes_view_t full, state_account_t *a) {
  rlp_item_t top, f[4];
  if (rlp_decode_strict(full.data, full.len, &top) || rlp_list_items(&top, f, 4) || rlp_get_u64(&f[0], &a->nonce) ||
      rlp_get_u256(&f[1], &a->balance) || rlp_get_fixed(&f[2], a->storage_root.bytes, 32) ||
      rlp_get_fixed(&f[3], a->code_hash.bytes, 32))
    return ETHC_ERR_INVALID;
  return 0;
}

/* The account whose hash is `key` at `root`, from the peers: 0 (found),
 * ETHC_ERR_NOT_FOUND (proven absent), ETHC_ERR_MISSING_NODE (no peer serves
 * this state) or another error, with a message. */
static int fetch_account(p2p_remote_t *r, const ethc_hash_t *root, const ethc_hash_t *key, state_account_t *out,
                         char *err, size_t errlen) {
  fetch_req_t q = {.kind = FETCH_ACCOUNT, .root = *root, .origin = *key};
  fetch_tried_t tried = {.n = 0};
  bool failed = false; /* a peer timed out or lied */
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    int rc = p2p_remote_fetch(r, &q, &tried, &resp, err, errlen);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return rc;
    if (rc) {
      failed = true;
      continue;
    }
    snap_account_range_t m = {0};
    snap_get_account_range_t req = {.root = *root, .origin = *key, .limit = *key};
    bool more;
    if (snap_account_range_decode(resp.payload.data, resp.payload.len, &m)) {
      p2p_remote_blame(r, resp.peer, "AccountRange does not decode");
      failed = true;
    } else if (m.count == 0 && m.proof_count == 0) {
      /* the peer does not serve this state root */
    } else if ((rc = snap_verify_account_range(&req, &m, &more))) {
      if (rc == ETHC_ERR_NOMEM) return snap_account_range_free(&m), bytes_buf_free(&resp.payload), rc;
      p2p_remote_blame(r, resp.peer, "an AccountRange whose range proof does not verify");
      failed = true;
    } else {
      rc = ETHC_ERR_NOT_FOUND;
      if (m.count && ethc_hash_eq(&m.accounts[0].hash, key)) {
        bytes_buf_t full = {0};
        rc = snap_account_full(m.accounts[0].body, &full);
        if (!rc) rc = decode_account(bytes_view(full.data, full.len), out);
        bytes_buf_free(&full);
      }
      snap_account_range_free(&m);
      bytes_buf_free(&resp.payload);
      return rc;
    }
    snap_account_range_free(&m);
    bytes_buf_free(&resp.payload);
  }
  char h[65];
  hex32(h, root->bytes);
  if (failed) snprintf(err, errlen, "devp2p: no verified answer for state root 0x%s from the snap peers", h);
  else if (tried.n == 0) snprintf(err, errlen, "devp2p: no snap/1 peer connected to read state root 0x%s", h);
  else
    snprintf(err, errlen,
             "devp2p: no snap peer serves state root 0x%s (snap peers keep only the ~128 most recent states)", h);
  return failed ? ETHC_ERR_IO : ETHC_ERR_MISSING_NODE;
}

/* The account by GetTrieNodes, then (no peer serving the nodes) by GetAccountRange. */
static int read_account(p2p_remote_t *r, const ethc_hash_t *root, const ethc_hash_t *key, state_account_t *out,
                        char *err, size_t errlen) {
  if (!p2p_remote_opts(r)->no_trie_nodes) {
    bytes_buf_t v = {0};
    unsigned asked = 0, paths = 0;
    int rc = p2p_remote_nodes_read(r, root, NULL, root->bytes, key->bytes, &v, &asked, &paths, err, errlen);
    if (!rc) rc = decode_account(bytes_view(v.data, v.len), out);
    bytes_buf_free(&v);
    if (rc != ETHC_ERR_MISSING_NODE) {
      if (rc == 0 || rc == ETHC_ERR_NOT_FOUND) {
        p2p_remote_count_state(r, true, asked, paths);
        ethc_log(ETHC_LOG_DEBUG, "devp2p: account %02x%02x..: %s by GetTrieNodes (%u round trips) of %u paths",
                 key->bytes[0], key->bytes[1], rc ? "proven absent" : "read", asked, paths);
      }
      return rc;
    }
    ethc_log(ETHC_LOG_DEBUG, "devp2p: GetTrieNodes answered empty (%s); reading the account by GetAccountRange", err);
  }
  p2p_remote_count_state(r, false, 1, 0);
  return fetch_account(r, root, key, out, err, errlen);
}

static int get_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  root_ctx_t *rc_ = ctx;
  p2p_remote_t *r = rc_->r;
  ethc_hash_t key;
  keccak256(a->bytes, 20, key.bytes);
  centry_t e;
  if (cache_get(p2p_remote_cache(r), C_ACCOUNT, root, &key, &e)) {
    p2p_remote_count_hit(r);
    if (e.kind == C_NO_ACCOUNT) return ETHC_ERR_NOT_FOUND;
    *out = e.account;
    return 0;
  }
  char err[300];
  int rc = read_account(r, root, &key, out, err, sizeof err);
  if (rc == 0 || rc == ETHC_ERR_NOT_FOUND) {
    e = (centry_t){.kind = rc ? C_NO_ACCOUNT : C_ACCOUNT, .root = *root, .key = key};
    if (!rc) e.account = *out;
    cache_put(p2p_remote_cache(r), &e);
  } else {
    ethc_log(ETHC_LOG_WARN, "%s", err);
  }
  return rc;
}

static int get_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *storage_root, const u256_t *key,
                       u256_t *out) {
  root_ctx_t *rx = ctx;
  p2p_remote_t *r = rx->r;
  memset(out, 0, sizeof *out);
  if (!memcmp(storage_root->bytes, TRIE_EMPTY_ROOT, 32)) return 0;
  uint8_t k[32];
  u256_to_be(key, k);
  ethc_hash_t kh, acc;
  keccak256(k, 32, kh.bytes);
  keccak256(a->bytes, 20, acc.bytes);
  centry_t e;
  if (cache_get(p2p_remote_cache(r), C_SLOT, storage_root, &kh, &e)) {
    p2p_remote_count_hit(r);
    *out = e.value;
    return 0;
  }
  char err[300] = "";
  if (!p2p_remote_opts(r)->no_trie_nodes) {
    bytes_buf_t v = {0};
    unsigned asked = 0, paths = 0;
    rlp_item_t it;
    int rc =
        p2p_remote_nodes_read(r, &rx->root, &acc, storage_root->bytes, kh.bytes, &v, &asked, &paths, err, sizeof err);
    if (!rc && (rlp_decode_strict(v.data, v.len, &it) || rlp_get_u256(&it, out))) rc = ETHC_ERR_INVALID;
    bytes_buf_free(&v);
    if (rc == ETHC_ERR_NOT_FOUND) memset(out, 0, sizeof *out), rc = 0; /* proven absent: zero */
    if (!rc) {
      p2p_remote_count_state(r, true, asked, paths);
      ethc_log(ETHC_LOG_DEBUG, "devp2p: slot %02x%02x..: read by GetTrieNodes (%u round trips) of %u paths",
               kh.bytes[0], kh.bytes[1], asked, paths);
      e = (centry_t){.kind = C_SLOT, .root = *storage_root, .key = kh, .value = *out};
      cache_put(p2p_remote_cache(r), &e);
      return 0;
    }
    if (rc != ETHC_ERR_MISSING_NODE) {
      ethc_log(ETHC_LOG_WARN, "%s", err);
      memset(out, 0, sizeof *out);
      return rc;
    }
    ethc_log(ETHC_LOG_DEBUG, "devp2p: GetTrieNodes answered empty (%s); reading the slot by GetStorageRanges", err);
  }
  p2p_remote_count_state(r, false, 1, 0);
  fetch_req_t q = {.kind = FETCH_STORAGE, .root = rx->root, .account = acc, .origin = kh};
  fetch_tried_t tried = {.n = 0};
  bool failed = false;
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    int rc = p2p_remote_fetch(r, &q, &tried, &resp, err, sizeof err);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return rc;
    if (rc) {
      failed = true;
      continue;
    }
    snap_storage_ranges_t m = {0};
    bool more;
    if (snap_storage_ranges_decode(resp.payload.data, resp.payload.len, &m) || m.set_count > 1) {
      p2p_remote_blame(r, resp.peer, "StorageRanges does not decode or holds more than asked");
      failed = true;
    } else if (m.set_count == 0 && m.proof_count == 0) {
      /* the peer does not serve this state root */
    } else {
      const snap_entry_t *slots = m.set_count ? m.slots + m.offsets[0] : NULL;
      size_t n = m.set_count ? m.offsets[1] - m.offsets[0] : 0;
      rc = snap_verify_storage_range(storage_root, &kh, slots, n, m.proof, m.proof_count, &more);
      if (rc == ETHC_ERR_NOMEM) return snap_storage_ranges_free(&m), bytes_buf_free(&resp.payload), rc;
      rlp_item_t v;
      if (!rc && n && ethc_hash_eq(&slots[0].hash, &kh) &&
          (rlp_decode_strict(slots[0].body.data, slots[0].body.len, &v) || rlp_get_u256(&v, out)))
        rc = ETHC_ERR_INVALID;
      if (rc) {
        p2p_remote_blame(r, resp.peer, "a StorageRanges whose range proof does not verify");
        failed = true;
      } else {
        e = (centry_t){.kind = C_SLOT, .root = *storage_root, .key = kh, .value = *out};
        cache_put(p2p_remote_cache(r), &e);
        snap_storage_ranges_free(&m);
        bytes_buf_free(&resp.payload);
        return 0;
      }
    }
    snap_storage_ranges_free(&m);
    bytes_buf_free(&resp.payload);
  }
  char h[65];
  hex32(h, rx->root.bytes);
  ethc_log(ETHC_LOG_WARN, "devp2p: no %s storage slot for state root 0x%s%s", failed ? "verified" : "snap peer's", h,
           failed ? "" : " (snap peers keep only the ~128 most recent states)");
  memset(out, 0, sizeof *out);
  return failed ? ETHC_ERR_IO : ETHC_ERR_MISSING_NODE;
}

static int get_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  root_ctx_t *rx = ctx;
  p2p_remote_t *r = rx->r;
  if (!memcmp(code_hash->bytes, EMPTY_CODE_HASH, 32)) return 0;
  int rc = 0;
  if (code_get(p2p_remote_cache(r), code_hash, out, &rc)) {
    p2p_remote_count_hit(r);
    return rc;
  }
  size_t before = out->len;
  if (!p2p_remote_disk_get_code(r, code_hash, out)) { /* checked by its hash on read */
    p2p_remote_count_hit(r);
    code_put(p2p_remote_cache(r), code_hash, out->data + before, out->len - before);
    return 0;
  }
  fetch_req_t q = {.kind = FETCH_CODE, .hash = *code_hash};
  fetch_tried_t tried = {.n = 0};
  char err[300] = "";
  bool failed = false;
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    rc = p2p_remote_fetch(r, &q, &tried, &resp, err, sizeof err);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return rc;
    if (rc) {
      failed = true;
      continue;
    }
    snap_blobs_t m = {0};
    ethc_hash_t got;
    if (snap_blobs_decode(resp.payload.data, resp.payload.len, &m) || m.count > 1) {
      p2p_remote_blame(r, resp.peer, "ByteCodes does not decode or holds more than asked");
      failed = true;
    } else if (m.count == 1) {
      keccak256(m.blobs[0].data, m.blobs[0].len, got.bytes);
      if (!ethc_hash_eq(&got, code_hash)) {
        p2p_remote_blame(r, resp.peer, "ByteCodes with code that does not match its hash");
        failed = true;
      } else {
        code_put(p2p_remote_cache(r), code_hash, m.blobs[0].data, m.blobs[0].len);
        p2p_remote_disk_put_code(r, m.blobs[0].data, m.blobs[0].len);
        rc = bytes_buf_append(out, m.blobs[0].data, m.blobs[0].len);
        snap_blobs_free(&m);
        bytes_buf_free(&resp.payload);
        return rc;
      }
    }
    snap_blobs_free(&m);
    bytes_buf_free(&resp.payload);
  }
  ethc_log(ETHC_LOG_WARN, "devp2p: no %s code for a code hash", failed ? "verified" : "snap peer has the");
  return failed ? ETHC_ERR_IO : ETHC_ERR_NOT_FOUND;
}

/* ---- the state hook ---- */

int p2p_remote_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                     size_t errlen) {
  (void)hash;
  p2p_remote_t *r = ctx;
  pthread_mutex_t *lock = p2p_remote_roots_lock(r);
  pthread_mutex_lock(lock);
  root_ctx_t **head = (root_ctx_t **)p2p_remote_roots(r), *rx = *head;
  while (rx && !ethc_hash_eq(&rx->root, &h->state_root)) rx = rx->next;
  if (!rx && (rx = calloc(1, sizeof *rx))) {
    rx->r = r;
    rx->root = h->state_root;
    rx->number = h->number;
    rx->next = *head;
    *head = rx;
  }
  bool served = rx && rx->served;
  pthread_mutex_unlock(lock);
  if (!rx) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  if (!served) { /* one read now, so that a state no peer serves is an error with its reason */
    state_account_t a;
    ethc_hash_t key;
    keccak256(h->coinbase.bytes, 20, key.bytes);
    int rc = read_account(r, &h->state_root, &key, &a, err, errlen);
    if (rc && rc != ETHC_ERR_NOT_FOUND) return rc;
    centry_t e = {.kind = rc ? C_NO_ACCOUNT : C_ACCOUNT, .root = h->state_root, .key = key, .account = a};
    cache_put(p2p_remote_cache(r), &e);
    pthread_mutex_lock(lock);
    rx->served = true;
    pthread_mutex_unlock(lock);
  }
  *out = (state_base_t){.get_account = get_account,
                        .get_storage = get_storage,
                        .get_code = get_code,
                        .ctx = rx,
                        .root = h->state_root};
  return 0;
}

void p2p_remote_state_free_roots(p2p_remote_t *r) {
  root_ctx_t **head = (root_ctx_t **)p2p_remote_roots(r);
  while (*head) {
    root_ctx_t *rx = *head;
    *head = rx->next;
    free(rx);
  }
}
