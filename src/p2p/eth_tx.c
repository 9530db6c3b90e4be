/* Transaction exchange over eth/68+ (devp2p caps/eth.md "Transaction
 * Exchange", EIP-2464, EIP-5793): spreading the pool's new transactions,
 * fetching announced ones, validating received ones through the pool.
 * Contracts and limits: include/ethc/eth_tx.h. */
#include "ethc/eth_tx.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"

#define KNOWN_SLOTS 4096 /* per peer: a lossy set of the hashes it knows (a power of two) */
#define WANT_SLOTS 16384 /* announced hashes being fetched (a power of two) */
#define MAX_SOURCES 4    /* peers remembered per announced hash */
#define MAX_ADD_WORKS 16 /* pool batches queued at once; more received transactions are dropped */
#define QUEUE_MAX 65536  /* announcements waiting for the loop */
#define BLOB_TX_TYPE 3
#define VALIDATING UINT64_MAX /* want_t.fetching of a delivered blob tx the pool is checking */

/* ---- the announced hashes being fetched: an open-addressing table ---- */

typedef struct {
  ethc_hash_t hash;
  uint32_t size;
  uint8_t type;
  bool used;
  uint8_t nsrc;
  uint64_t src[MAX_SOURCES]; /* serials of peers that announced it */
  uint64_t fetching;         /* serial of the peer it is requested from; 0: waiting */
} want_t;

typedef struct txpeer {
  struct txpeer *next;
  rlpx_conn_t *conn;
  size_t cap;
  uint32_t version;
  uint64_t serial;
  ethc_hash_t *known; /* KNOWN_SLOTS, direct-mapped: a miss only means a needless send */
  /* what to send at the end of a flush */
  ethc_hash_t *ann_hashes, *full;
  uint32_t *ann_sizes;
  uint8_t *ann_types;
  size_t ann_n, ann_cap, full_n, full_cap;
  /* the one GetPooledTransactions in flight */
  bool req;
  uint64_t req_id, req_at;
  ethc_hash_t *req_hashes;
  size_t req_n;
} txpeer_t;

typedef struct {
  ethc_hash_t hash;
  uint32_t size;
  uint8_t type;
} news_t;

struct eth_txex {
  uv_loop_t *loop;
  eth_tx_pool_t pool;
  uv_async_t wake;
  pthread_mutex_t lock; /* queue, open */
  news_t *queue;
  size_t qn, qcap;
  bool open;
  txpeer_t *peers;
  size_t npeers;
  uint64_t next_serial, next_req;
  want_t *want;
  size_t want_n;
  unsigned works;
  eth_txex_stats_t st;
  eth_txex_ban_fn ban; /* the peer score's hook, or NULL: disconnect */
  void *ban_ctx;
};

static size_t home(const ethc_hash_t *h, size_t slots) {
  uint64_t v;
  memcpy(&v, h->bytes, 8);
  return (size_t)(v & (slots - 1));
}

static want_t *want_find(eth_txex_t *x, const ethc_hash_t *h) {
  for (size_t i = home(h, WANT_SLOTS);; i = (i + 1) & (WANT_SLOTS - 1)) {
    if (!x->want[i].used) return NULL;
    if (ethc_hash_eq(&x->want[i].hash, h)) return &x->want[i];
  }
}

static want_t *want_insert(eth_txex_t *x, const ethc_hash_t *h) {
  if (x->want_n >= ETH_TX_MAX_WAITING) return NULL;
  size_t i = home(h, WANT_SLOTS);
  while (x->want[i].used) i = (i + 1) & (WANT_SLOTS - 1);
  memset(&x->want[i], 0, sizeof x->want[i]);
  x->want[i].used = true;
  x->want[i].hash = *h;
  x->want_n++;
  return &x->want[i];
}

/* Deletes by shifting back the entries of the probe run (no tombstones). */
static void want_delete(eth_txex_t *x, want_t *w) {
  size_t i = (size_t)(w - x->want), mask = WANT_SLOTS - 1;
  for (size_t j = (i + 1) & mask; x->want[j].used; j = (j + 1) & mask) {
    size_t k = home(&x->want[j].hash, WANT_SLOTS);
    bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j); /* k cyclically in (i, j] */
    if (!stays) {
      x->want[i] = x->want[j];
      i = j;
    }
  }
  x->want[i].used = false;
  x->want_n--;
}

/* The peer `serial` no longer offers w: forgets it as a source; deletes w when none is left. */
static void want_drop_source(eth_txex_t *x, want_t *w, uint64_t serial) {
  for (uint8_t k = 0; k < w->nsrc; k++)
    if (w->src[k] == serial) {
      w->src[k] = w->src[--w->nsrc];
      break;
    }
  if (w->fetching == serial) w->fetching = 0;
  if (w->nsrc == 0) want_delete(x, w);
}

/* ---- peers ---- */

static bool knows(const txpeer_t *p, const ethc_hash_t *h) { return ethc_hash_eq(&p->known[home(h, KNOWN_SLOTS)], h); }

static void mark_known(txpeer_t *p, const ethc_hash_t *h) { p->known[home(h, KNOWN_SLOTS)] = *h; }

static txpeer_t *peer_by_conn(eth_txex_t *x, const rlpx_conn_t *c) {
  for (txpeer_t *p = x->peers; p; p = p->next)
    if (p->conn == c) return p;
  return NULL;
}

static txpeer_t *peer_by_serial(eth_txex_t *x, uint64_t serial) {
  for (txpeer_t *p = x->peers; p; p = p->next)
    if (p->serial == serial) return p;
  return NULL;
}

static void peer_free(txpeer_t *p) {
  free(p->known);
  free(p->ann_hashes);
  free(p->ann_sizes);
  free(p->ann_types);
  free(p->full);
  free(p->req_hashes);
  free(p);
}

/* p misbehaved: the peer score bans it (eth_txex_set_ban), else it is disconnected. */
static void breach(eth_txex_t *x, txpeer_t *p, peer_offence_t o, const char *why) {
  if (x->ban) x->ban(x->ban_ctx, p->conn, o, why);
  else rlpx_disconnect(p->conn, RLPX_DISC_BREACH);
}

/* ---- fetching ---- */

/* Sends p one GetPooledTransactions for waiting hashes it announced, if it has none in flight. */
static void schedule(eth_txex_t *x, txpeer_t *p) {
  if (p->req || !x->want_n) return;
  size_t n = 0, bytes = 0;
  for (size_t i = 0; i < WANT_SLOTS && n < ETH_TX_MAX_FETCH && bytes < ETH_TX_MAX_FETCH_BYTES; i++) {
    want_t *w = &x->want[i];
    if (!w->used || w->fetching) continue;
    bool from_p = false;
    for (uint8_t k = 0; k < w->nsrc && !from_p; k++) from_p = w->src[k] == p->serial;
    if (!from_p) continue;
    p->req_hashes[n++] = w->hash;
    bytes += w->size;
    w->fetching = p->serial;
  }
  if (!n) return;
  bytes_buf_t out = {0};
  uint64_t id = ++x->next_req;
  int rc = eth_hash_request_encode(id, p->req_hashes, n, &out);
  if (!rc) rc = rlpx_send(p->conn, p->cap, ETH_MSG_GET_POOLED_TXS, out.data, out.len);
  bytes_buf_free(&out);
  if (rc) { /* the connection is going: give the hashes back */
    for (size_t i = 0; i < n; i++) {
      want_t *w = want_find(x, &p->req_hashes[i]);
      if (w) want_drop_source(x, w, p->serial);
    }
    return;
  }
  p->req = true;
  p->req_id = id;
  p->req_at = uv_now(x->loop);
  p->req_n = n;
}

static void schedule_all(eth_txex_t *x) {
  for (txpeer_t *p = x->peers; p; p = p->next) schedule(x, p);
}

/* Ends p's request: the hashes not delivered go back to waiting for another announcer. */
static void request_done(eth_txex_t *x, txpeer_t *p) {
  for (size_t i = 0; i < p->req_n; i++) {
    want_t *w = want_find(x, &p->req_hashes[i]);
    if (w && w->fetching == p->serial) want_drop_source(x, w, p->serial);
  }
  p->req = false;
  p->req_n = 0;
}

/* ---- handing received transactions to the pool (libuv's thread pool) ---- */

typedef struct {
  uv_work_t w;
  eth_txex_t *x;
  uint64_t serial;
  uint8_t *buf;
  size_t *off, *len, n;
  eth_tx_verdict_t *v;
  ethc_hash_t *blob_hashes; /* the hash of each blob tx (zero for the others), or NULL */
} add_work_t;

static void add_run(uv_work_t *w) {
  add_work_t *a = w->data;
  for (size_t i = 0; i < a->n; i++) a->v[i] = a->x->pool.add(a->x->pool.ctx, a->buf + a->off[i], a->len[i]);
}

static void add_work_free(add_work_t *a) {
  free(a->buf);
  free(a->off);
  free(a->len);
  free(a->v);
  free(a->blob_hashes);
  free(a);
}

static void add_done(uv_work_t *w, int status) {
  add_work_t *a = w->data;
  eth_txex_t *x = a->x;
  x->works--;
  bool bad = false;
  for (size_t i = 0; status == 0 && i < a->n; i++) {
    if (a->v[i] == ETH_TX_ADDED) x->st.added++;
    if (a->v[i] == ETH_TX_BAD) bad = true, x->st.bad++;
  }
  /* a delivered blob tx: fetched, or (bad) to be fetched from another announcer */
  static const ethc_hash_t none;
  for (size_t i = 0; a->blob_hashes && i < a->n; i++) {
    want_t *w = ethc_hash_eq(&a->blob_hashes[i], &none) ? NULL : want_find(x, &a->blob_hashes[i]);
    if (!w || w->fetching != VALIDATING) continue;
    if (status == 0 && a->v[i] == ETH_TX_BAD) w->fetching = 0;
    else want_delete(x, w);
  }
  txpeer_t *p = bad ? peer_by_serial(x, a->serial) : NULL;
  if (p)
    breach(x, p, PEER_OFFENCE_INVALID_TX, "the pool calls a transaction bad (encoding, signature or blob sidecar)");
  if (a->blob_hashes) schedule_all(x);
  add_work_free(a);
}

/* Blob txs dropped before the pool saw them: no longer wanted (as other dropped ones). */
static void forget_validating(eth_txex_t *x, const ethc_hash_t *hashes, size_t n) {
  for (size_t i = 0; hashes && i < n; i++) {
    want_t *w = want_find(x, &hashes[i]);
    if (w && w->fetching == VALIDATING) want_delete(x, w);
  }
}

/* Queues the encodings txs[0..n) (canonical; blob txs in their network form,
 * hashes[i] then their hash, else zero; hashes may be NULL) for the pool on
 * behalf of peer p. */
static void add_to_pool(eth_txex_t *x, txpeer_t *p, const bytes_view_t *txs, const ethc_hash_t *hashes, size_t n) {
  if (!n || x->works >= MAX_ADD_WORKS) return forget_validating(x, hashes, n);
  add_work_t *a = calloc(1, sizeof *a);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += txs[i].len;
  if (a) {
    a->buf = malloc(total ? total : 1);
    a->off = calloc(n, sizeof *a->off);
    a->len = calloc(n, sizeof *a->len);
    a->v = calloc(n, sizeof *a->v);
  }
  if (a && hashes && (a->blob_hashes = malloc(n * sizeof *hashes))) memcpy(a->blob_hashes, hashes, n * sizeof *hashes);
  if (!a || !a->buf || !a->off || !a->len || !a->v || (hashes && !a->blob_hashes)) {
    if (a) add_work_free(a);
    return forget_validating(x, hashes, n);
  }
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    memcpy(a->buf + o, txs[i].data, txs[i].len);
    a->off[i] = o;
    a->len[i] = txs[i].len;
    o += txs[i].len;
  }
  a->n = n;
  a->x = x;
  a->serial = p->serial;
  a->w.data = a;
  x->st.received += n;
  if (uv_queue_work(x->loop, &a->w, add_run, add_done)) add_work_free(a), forget_validating(x, hashes, n);
  else x->works++;
}

/* ---- messages ---- */

static uint8_t tx_type(bytes_view_t canonical) {
  return canonical.len && canonical.data[0] < 0x80 ? canonical.data[0] : 0;
}

static void on_transactions(eth_txex_t *x, txpeer_t *p, const uint8_t *data, size_t len) {
  eth_items_msg_t m;
  if (eth_transactions_decode(data, len, &m)) {
    eth_items_free(&m);
    return breach(x, p, PEER_OFFENCE_MALFORMED, "Transactions does not decode");
  }
  bytes_view_t *keep = calloc(m.count ? m.count : 1, sizeof *keep);
  size_t k = 0;
  for (size_t i = 0; keep && i < m.count; i++) {
    bytes_view_t c = eth_tx_item_canonical(m.items[i]);
    if (tx_type(c) == BLOB_TX_TYPE) { /* blob transactions are announced, never broadcast (EIP-4844) */
      k = 0;
      breach(x, p, PEER_OFFENCE_INVALID_TX, "a blob transaction in a Transactions broadcast");
      break;
    }
    ethc_hash_t h;
    keccak256(c.data, c.len, h.bytes);
    mark_known(p, &h);
    want_t *w = want_find(x, &h);
    if (w && !w->fetching) want_delete(x, w); /* it came: no need to fetch it */
    if (!x->pool.has(x->pool.ctx, &h)) keep[k++] = c;
  }
  add_to_pool(x, p, keep, NULL, k);
  free(keep);
  eth_items_free(&m);
}

static void on_announce(eth_txex_t *x, txpeer_t *p, const uint8_t *data, size_t len) {
  eth_pooled_hashes_t m;
  if (eth_pooled_hashes_decode(data, len, &m)) {
    eth_pooled_hashes_free(&m);
    return breach(x, p, PEER_OFFENCE_MALFORMED, "NewPooledTransactionHashes does not decode");
  }
  x->st.announced_in += m.count;
  /* the spec's soft limit per message: more are not looked at (each costs a pool lookup) */
  for (size_t i = 0; i < m.count && i < ETH_TX_MAX_ANNOUNCE; i++) {
    const ethc_hash_t *h = &m.hashes[i];
    mark_known(p, h);
    want_t *w = want_find(x, h);
    if (!w) {
      if (x->pool.has(x->pool.ctx, h) || !(w = want_insert(x, h))) continue;
      w->type = m.types[i];
      w->size = m.sizes[i];
    }
    bool seen = false;
    for (uint8_t s = 0; s < w->nsrc && !seen; s++) seen = w->src[s] == p->serial;
    if (!seen && w->nsrc < MAX_SOURCES) w->src[w->nsrc++] = p->serial;
  }
  eth_pooled_hashes_free(&m);
  schedule(x, p);
}

/* The hash of a delivered transaction. A blob tx's network form 0x03 ||
 * rlp([tx_payload, ...sidecar]) hashes as its canonical form 0x03 ||
 * tx_payload; without a sidecar (its first field is no list) as a whole. */
static void delivered_hash(bytes_view_t c, ethc_hash_t *h) {
  rlp_item_t outer, first;
  rlp_iter_t it;
  if (tx_type(c) == BLOB_TX_TYPE && !rlp_decode(c.data + 1, c.len - 1, &outer) && outer.is_list) {
    rlp_iter_init(&it, &outer);
    if (rlp_iter_next(&it, &first) == 1 && first.is_list) {
      keccak256_ctx_t k;
      keccak256_init(&k);
      keccak256_update(&k, c.data, 1);
      keccak256_update(&k, first.raw, first.raw_len);
      keccak256_final(&k, h->bytes);
      return;
    }
  }
  keccak256(c.data, c.len, h->bytes);
}

static void on_pooled(eth_txex_t *x, txpeer_t *p, const uint8_t *data, size_t len) {
  eth_items_msg_t m;
  if (eth_items_decode(data, len, ETH_ITEMS_TXS, &m)) {
    eth_items_free(&m);
    return breach(x, p, PEER_OFFENCE_MALFORMED, "PooledTransactions does not decode");
  }
  if (!p->req || m.request_id != p->req_id) { /* late or unsolicited: ignored */
    eth_items_free(&m);
    return;
  }
  bytes_view_t *keep = calloc(m.count ? m.count : 1, sizeof *keep);
  ethc_hash_t *blobs = calloc(m.count ? m.count : 1, sizeof *blobs);
  size_t k = 0;
  bool lied = false, any_blob = false;
  for (size_t i = 0; keep && blobs && i < m.count && !lied; i++) {
    bytes_view_t c = eth_tx_item_canonical(m.items[i]);
    ethc_hash_t h;
    delivered_hash(c, &h);
    mark_known(p, &h);
    want_t *w = want_find(x, &h);
    if (!w) continue; /* not announced, or fetched already: ignored */
    bool announced_by_p = w->fetching == p->serial;
    for (uint8_t s = 0; s < w->nsrc && !announced_by_p; s++) announced_by_p = w->src[s] == p->serial;
    if (announced_by_p && (w->type != tx_type(c) || w->size != c.len)) {
      lied = true; /* not what it announced (asked for or not: geth checks every delivery) */
      break;
    }
    if (w->fetching != p->serial) continue; /* not asked for: ignored */
    if (w->type == BLOB_TX_TYPE) {          /* kept until the pool has checked its sidecar (add_done) */
      w->fetching = VALIDATING;
      want_drop_source(x, w, p->serial);
      blobs[k] = h;
      any_blob = true;
    } else {
      want_delete(x, w);
    }
    keep[k++] = c;
  }
  x->st.fetched += k;
  if (lied) {
    breach(x, p, PEER_OFFENCE_INVALID_TX, "a pooled transaction unlike its announcement (type or size)");
  } else {
    add_to_pool(x, p, keep, any_blob ? blobs : NULL, k);
  }
  request_done(x, p);
  free(blobs);
  free(keep);
  eth_items_free(&m);
  if (!lied) schedule_all(x);
}

void eth_txex_on_msg(eth_txex_t *x, rlpx_conn_t *conn, unsigned code, const uint8_t *p, size_t n) {
  txpeer_t *peer = peer_by_conn(x, conn);
  if (!peer) return;
  switch (code) {
    case ETH_MSG_TRANSACTIONS: on_transactions(x, peer, p, n); break;
    case ETH_MSG_NEW_POOLED_TX_HASHES: on_announce(x, peer, p, n); break;
    case ETH_MSG_POOLED_TXS: on_pooled(x, peer, p, n); break;
    default: break;
  }
}

/* ---- spreading ---- */

static bool grow(void **arr, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  size_t c = *cap ? *cap * 2 : 64;
  while (c < need) c *= 2;
  void *a = realloc(*arr, c * elem);
  if (!a) return false;
  *arr = a;
  *cap = c;
  return true;
}

static void queue_ann(txpeer_t *p, const news_t *t) {
  size_t c = p->ann_cap;
  if (!grow((void **)&p->ann_hashes, &c, p->ann_n + 1, sizeof *p->ann_hashes)) return;
  c = p->ann_cap;
  if (!grow((void **)&p->ann_sizes, &c, p->ann_n + 1, sizeof *p->ann_sizes)) return;
  c = p->ann_cap;
  if (!grow((void **)&p->ann_types, &c, p->ann_n + 1, sizeof *p->ann_types)) return;
  p->ann_cap = c;
  p->ann_hashes[p->ann_n] = t->hash;
  p->ann_sizes[p->ann_n] = t->size;
  p->ann_types[p->ann_n++] = t->type;
}

static void queue_full(txpeer_t *p, const ethc_hash_t *h) {
  if (grow((void **)&p->full, &p->full_cap, p->full_n + 1, sizeof *p->full)) p->full[p->full_n++] = *h;
}

static void send_full(eth_txex_t *x, txpeer_t *p) {
  bytes_buf_t txs = {0}, out = {0}, one = {0};
  size_t count = 0;
  for (size_t i = 0; i <= p->full_n; i++) {
    bool last = i == p->full_n;
    one.len = 0;
    if (!last && !x->pool.get(x->pool.ctx, &p->full[i], &one)) continue;
    if (count && (last || txs.len + one.len + 9 > ETH_TX_MAX_PACKET)) { /* send what is gathered */
      out.len = 0;
      size_t l = rlp_list_begin(&out);
      if (!bytes_buf_append(&out, txs.data, txs.len) && !rlp_list_end(&out, l))
        rlpx_send(p->conn, p->cap, ETH_MSG_TRANSACTIONS, out.data, out.len);
      txs.len = 0;
      count = 0;
    }
    if (last) break;
    /* a typed transaction travels as a string, a legacy one as its list */
    int rc = one.data[0] >= 0xc0 ? bytes_buf_append(&txs, one.data, one.len) : rlp_put_bytes(&txs, one.data, one.len);
    if (!rc) count++, x->st.broadcast_out++;
  }
  bytes_buf_free(&txs);
  bytes_buf_free(&out);
  bytes_buf_free(&one);
  p->full_n = 0;
}

static void send_ann(eth_txex_t *x, txpeer_t *p) {
  bytes_buf_t out = {0};
  for (size_t i = 0; i < p->ann_n; i += ETH_TX_MAX_ANNOUNCE) {
    size_t n = p->ann_n - i < ETH_TX_MAX_ANNOUNCE ? p->ann_n - i : ETH_TX_MAX_ANNOUNCE;
    out.len = 0;
    if (!eth_pooled_hashes_encode(p->ann_types + i, p->ann_sizes + i, p->ann_hashes + i, n, &out))
      rlpx_send(p->conn, p->cap, ETH_MSG_NEW_POOLED_TX_HASHES, out.data, out.len);
    x->st.announced_out += n;
  }
  bytes_buf_free(&out);
  p->ann_n = 0;
}

static size_t isqrt(size_t n) {
  size_t r = 0;
  while ((r + 1) * (r + 1) <= n) r++;
  return r;
}

/* Spreads the queued news: in full to sqrt(n) of the n peers that lack each, announced to the others. */
static void flush(eth_txex_t *x) {
  pthread_mutex_lock(&x->lock);
  news_t *q = x->queue;
  size_t qn = x->qn;
  x->queue = NULL;
  x->qn = x->qcap = 0;
  pthread_mutex_unlock(&x->lock);
  if (!qn) return free(q);
  txpeer_t **all = calloc(x->npeers ? x->npeers : 1, sizeof *all);
  if (!all) return free(q);
  for (size_t i = 0; i < qn; i++) {
    size_t n = 0;
    for (txpeer_t *p = x->peers; p; p = p->next)
      if (!knows(p, &q[i].hash)) all[n++] = p;
    if (!n) continue;
    bool may_send = q[i].type != BLOB_TX_TYPE && q[i].size <= ETH_TX_MAX_BROADCAST_SIZE;
    size_t direct = may_send ? isqrt(n) : 0;
    size_t start = q[i].hash.bytes[31] % n; /* a different subset per transaction */
    for (size_t k = 0; k < n; k++) {
      txpeer_t *p = all[(start + k) % n];
      if (k < direct) queue_full(p, &q[i].hash);
      else queue_ann(p, &q[i]);
      mark_known(p, &q[i].hash);
    }
  }
  for (txpeer_t *p = x->peers; p; p = p->next) {
    if (p->full_n) send_full(x, p);
    if (p->ann_n) send_ann(x, p);
  }
  free(all);
  free(q);
}

static void on_wake(uv_async_t *a) { flush(a->data); }

void eth_txex_announce(eth_txex_t *x, const ethc_hash_t *hash, uint8_t type, uint32_t size) {
  pthread_mutex_lock(&x->lock);
  if (x->open && x->qn < QUEUE_MAX && grow((void **)&x->queue, &x->qcap, x->qn + 1, sizeof *x->queue)) {
    x->queue[x->qn++] = (news_t){.hash = *hash, .size = size, .type = type};
    uv_async_send(&x->wake);
  }
  pthread_mutex_unlock(&x->lock);
}

/* ---- lifecycle ---- */

void eth_txex_set_ban(eth_txex_t *x, eth_txex_ban_fn ban, void *ctx) {
  x->ban = ban;
  x->ban_ctx = ctx;
}

int eth_txex_new(uv_loop_t *loop, const eth_tx_pool_t *pool, eth_txex_t **out) {
  eth_txex_t *x = calloc(1, sizeof *x);
  if (!x || !(x->want = calloc(WANT_SLOTS, sizeof *x->want))) {
    free(x);
    return ETHC_ERR_NOMEM;
  }
  x->loop = loop;
  x->pool = *pool;
  pthread_mutex_init(&x->lock, NULL);
  uv_async_init(loop, &x->wake, on_wake);
  x->wake.data = x;
  x->open = true;
  *out = x;
  return 0;
}

void eth_txex_close(eth_txex_t *x) {
  if (!x) return;
  pthread_mutex_lock(&x->lock);
  bool was = x->open;
  x->open = false;
  pthread_mutex_unlock(&x->lock);
  if (was) uv_close((uv_handle_t *)&x->wake, NULL);
}

void eth_txex_free(eth_txex_t *x) {
  if (!x) return;
  while (x->peers) {
    txpeer_t *p = x->peers;
    x->peers = p->next;
    peer_free(p);
  }
  pthread_mutex_destroy(&x->lock);
  free(x->queue);
  free(x->want);
  free(x);
}

/* The pool's transactions, announced to a new peer (pool.each's callback). */
static void greet_one(void *arg, const ethc_hash_t *hash, uint8_t type, uint32_t size) {
  txpeer_t *p = arg;
  news_t t = {.hash = *hash, .size = size, .type = type};
  queue_ann(p, &t);
  mark_known(p, hash);
}

int eth_txex_peer_add(eth_txex_t *x, rlpx_conn_t *conn, size_t cap, uint32_t version) {
  txpeer_t *p = calloc(1, sizeof *p);
  if (!p) return ETHC_ERR_NOMEM;
  p->known = calloc(KNOWN_SLOTS, sizeof *p->known);
  p->req_hashes = calloc(ETH_TX_MAX_FETCH, sizeof *p->req_hashes);
  if (!p->known || !p->req_hashes) {
    peer_free(p);
    return ETHC_ERR_NOMEM;
  }
  p->conn = conn;
  p->cap = cap;
  p->version = version;
  p->serial = ++x->next_serial;
  p->next = x->peers;
  x->peers = p;
  x->npeers++;
  if (x->pool.each) {
    x->pool.each(x->pool.ctx, greet_one, p);
    if (p->ann_n) send_ann(x, p);
  }
  return 0;
}

void eth_txex_peer_remove(eth_txex_t *x, rlpx_conn_t *conn) {
  txpeer_t **pp = &x->peers;
  while (*pp && (*pp)->conn != conn) pp = &(*pp)->next;
  txpeer_t *p = *pp;
  if (!p) return;
  *pp = p->next;
  x->npeers--;
  /* forget it as a source: collect first, since deleting shifts entries */
  ethc_hash_t *drop = malloc(x->want_n ? x->want_n * sizeof *drop : 1);
  size_t nd = 0;
  for (size_t i = 0; drop && i < WANT_SLOTS; i++) {
    want_t *w = &x->want[i];
    bool src = false;
    for (uint8_t k = 0; w->used && k < w->nsrc && !src; k++) src = w->src[k] == p->serial;
    if (src) drop[nd++] = w->hash;
  }
  for (size_t i = 0; i < nd; i++) {
    want_t *w = want_find(x, &drop[i]);
    if (w) want_drop_source(x, w, p->serial);
  }
  free(drop);
  peer_free(p);
  schedule_all(x);
}

void eth_txex_tick(eth_txex_t *x) {
  uint64_t now = uv_now(x->loop);
  for (txpeer_t *p = x->peers; p; p = p->next)
    if (p->req && now - p->req_at > ETH_TX_FETCH_TIMEOUT_MS) request_done(x, p);
  schedule_all(x);
}

bool eth_txex_lookup(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out) {
  eth_txex_t *x = ctx;
  return x->pool.get(x->pool.ctx, hash, out);
}

void eth_txex_stats(const eth_txex_t *x, eth_txex_stats_t *out) { *out = x->st; }
