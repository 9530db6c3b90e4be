/* Transaction exchange (src/p2p/eth_tx.c; devp2p caps/eth.md) between a peer
 * manager serving the ethtest chain with an in-memory pool and a raw RLPx peer
 * speaking eth/69 on 127.0.0.1:
 *  - the peer announces a transaction: the manager fetches it with
 *    GetPooledTransactions and the pool gets it; a Transactions broadcast goes
 *    to the pool directly;
 *  - the pool's new transactions: a small one arrives in full (Transactions,
 *    one peer is sqrt(1) = 1), a 5 KB one as an announcement, then served by
 *    GetPooledTransactions; a peer that connects later is announced what
 *    the pool holds;
 *  - Disconnect (breach of protocol) and a ban ("invalid transaction" in
 *    peers_bans_json) for a delivered transaction whose size differs from
 *    its announcement, a blob transaction in a broadcast, and a transaction
 *    the pool calls bad (a bad signature).
 * The pool's adds run on libuv's thread pool (the TSan build checks them). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/eth_tx.h"
#include "ethc/eth_wire.h"
#include "ethc/keccak.h"
#include "ethc/peers.h"
#include "ethc/rlp.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "test_eth_chain.h"

static const rlpx_proto_t protos[] = {{"eth", 69, ETH_MSG_COUNT}};

/* ---- a pool of opaque transactions ---- */
#define POOL_MAX 16
typedef struct {
  pthread_mutex_t lock;
  bytes_buf_t tx[POOL_MAX];
  ethc_hash_t hash[POOL_MAX];
  size_t n;
} pool_t;

/* A made-up typed transaction: type || rlp([tag, filler]). */
static void make_tx(bytes_buf_t *out, uint8_t type, uint64_t tag, size_t filler) {
  out->len = 0;
  CHECK(bytes_buf_append(out, &type, 1) == 0);
  uint8_t *f = calloc(filler + 1, 1);
  size_t l = rlp_list_begin(out);
  CHECK(rlp_put_u64(out, tag) == 0 && rlp_put_bytes(out, f, filler) == 0 && rlp_list_end(out, l) == 0);
  free(f);
}

static void tx_hash_of(const bytes_buf_t *tx, ethc_hash_t *h) { keccak256(tx->data, tx->len, h->bytes); }

static void pool_put(pool_t *p, const uint8_t *raw, size_t len) {
  pthread_mutex_lock(&p->lock);
  if (p->n < POOL_MAX) {
    p->tx[p->n].len = 0;
    CHECK(bytes_buf_append(&p->tx[p->n], raw, len) == 0);
    keccak256(raw, len, p->hash[p->n].bytes);
    p->n++;
  }
  pthread_mutex_unlock(&p->lock);
}

static long pool_find(pool_t *p, const ethc_hash_t *h) {
  for (size_t i = 0; i < p->n; i++)
    if (ethc_hash_eq(&p->hash[i], h)) return (long)i;
  return -1;
}

static eth_tx_verdict_t fake_add(void *ctx, const uint8_t *raw, size_t len) {
  pool_t *p = ctx;
  for (size_t i = 1; i + 2 < len && i < 8; i++) /* tag 0xbad0: "a bad signature" */
    if (raw[i] == 0x82 && raw[i + 1] == 0xba && raw[i + 2] == 0xd0) return ETH_TX_BAD;
  ethc_hash_t h;
  keccak256(raw, len, h.bytes);
  pthread_mutex_lock(&p->lock);
  bool known = pool_find(p, &h) >= 0;
  pthread_mutex_unlock(&p->lock);
  if (known) return ETH_TX_REFUSED;
  pool_put(p, raw, len);
  return ETH_TX_ADDED;
}

static bool fake_has(void *ctx, const ethc_hash_t *h) {
  pool_t *p = ctx;
  pthread_mutex_lock(&p->lock);
  bool found = pool_find(p, h) >= 0;
  pthread_mutex_unlock(&p->lock);
  return found;
}

static bool fake_get(void *ctx, const ethc_hash_t *h, bytes_buf_t *out) {
  pool_t *p = ctx;
  pthread_mutex_lock(&p->lock);
  long i = pool_find(p, h);
  bool ok = i >= 0 && bytes_buf_append(out, p->tx[i].data, p->tx[i].len) == 0;
  pthread_mutex_unlock(&p->lock);
  return ok;
}

static void fake_each(void *ctx, void (*fn)(void *arg, const ethc_hash_t *hash, uint8_t type, uint32_t size),
                      void *arg) {
  pool_t *p = ctx;
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < p->n; i++) fn(arg, &p->hash[i], p->tx[i].data[0], (uint32_t)p->tx[i].len);
  pthread_mutex_unlock(&p->lock);
}

/* ---- the world ---- */

enum { MODE_GOOD, MODE_SIZE_LIE, MODE_BLOB_BROADCAST, MODE_BAD_TX, MODE_GREET };

typedef struct {
  uv_loop_t *loop;
  chain_t *chain;
  peers_t *peers;
  eth_txex_t *x;
  pool_t pool;
  rlpx_conn_t *conn;
  uv_timer_t timer;
  int mode, step, ticks;
  bytes_buf_t t1, t2, t3, t4;
  ethc_hash_t h1, h2, h3, h4;
  bool got_request, got3, got4, had1;
  bool closed, close_remote;
  int close_reason;
  char bans[2048]; /* peers_bans_json at the end of a run */
} world_t;

static void send_msg(world_t *w, unsigned code, const bytes_buf_t *b) {
  CHECK(rlpx_send(w->conn, 0, code, b->data, b->len) == 0);
}

static void announce(world_t *w, uint8_t type, uint32_t size, const ethc_hash_t *h) {
  bytes_buf_t b = {0};
  CHECK(eth_pooled_hashes_encode(&type, &size, h, 1, &b) == 0);
  send_msg(w, ETH_MSG_NEW_POOLED_TX_HASHES, &b);
  bytes_buf_free(&b);
}

static void broadcast(world_t *w, const bytes_buf_t *tx) {
  bytes_buf_t item = {0}, b = {0};
  CHECK(rlp_put_bytes(&item, tx->data, tx->len) == 0);
  bytes_view_t v = bytes_view(item.data, item.len);
  CHECK(eth_transactions_encode(&v, 1, &b) == 0);
  send_msg(w, ETH_MSG_TRANSACTIONS, &b);
  bytes_buf_free(&item);
  bytes_buf_free(&b);
}

static void on_ready(rlpx_conn_t *c, void *user) {
  world_t *w = user;
  w->conn = c;
  eth_status_t s;
  bytes_buf_t b = {0};
  CHECK(eth_status_from_chain(w->chain, 69, 3503995874084926ull, &s) == 0);
  CHECK(eth_status_encode(&s, &b) == 0);
  send_msg(w, ETH_MSG_STATUS, &b);
  bytes_buf_free(&b);
  switch (w->mode) {
    case MODE_GOOD: announce(w, 2, (uint32_t)w->t1.len, &w->h1); break;
    case MODE_SIZE_LIE: announce(w, 2, (uint32_t)w->t1.len + 1, &w->h1); break;
    case MODE_BLOB_BROADCAST: broadcast(w, &w->t3); break; /* t3 is a blob transaction here */
    case MODE_BAD_TX: broadcast(w, &w->t2); break;         /* t2 has a "bad signature" here */
    case MODE_GREET: break;                                /* the pool's t3 is announced to us */
  }
}

/* Answers a GetPooledTransactions for h1 with t1. */
static void answer_request(world_t *w, const uint8_t *data, size_t len) {
  eth_hash_request_t r;
  CHECK(eth_hash_request_decode(data, len, &r) == 0);
  CHECK(r.count == 1 && ethc_hash_eq(&r.hashes[0], &w->h1));
  w->got_request = true;
  bytes_buf_t item = {0}, b = {0};
  CHECK(rlp_put_bytes(&item, w->t1.data, w->t1.len) == 0);
  bytes_view_t v = bytes_view(item.data, item.len);
  CHECK(eth_items_encode(r.request_id, &v, 1, &b) == 0);
  send_msg(w, ETH_MSG_POOLED_TXS, &b);
  bytes_buf_free(&item);
  bytes_buf_free(&b);
  eth_hash_request_free(&r);
}

static bool items_hold(const eth_items_msg_t *m, const bytes_buf_t *tx) {
  for (size_t i = 0; i < m->count; i++) {
    bytes_view_t c = eth_tx_item_canonical(m->items[i]);
    if (c.len == tx->len && !memcmp(c.data, tx->data, c.len)) return true;
  }
  return false;
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)c, (void)cap;
  world_t *w = user;
  eth_items_msg_t m;
  switch (code) {
    case ETH_MSG_GET_POOLED_TXS: answer_request(w, data, len); break;
    case ETH_MSG_TRANSACTIONS:
      CHECK(eth_transactions_decode(data, len, &m) == 0);
      if (items_hold(&m, &w->t3)) w->got3 = true;
      CHECK(!items_hold(&m, &w->t4)); /* over 4 KB: announced only */
      eth_items_free(&m);
      break;
    case ETH_MSG_NEW_POOLED_TX_HASHES: {
      eth_pooled_hashes_t a;
      CHECK(eth_pooled_hashes_decode(data, len, &a) == 0);
      for (size_t i = 0; i < a.count; i++) {
        if (w->mode == MODE_GREET && ethc_hash_eq(&a.hashes[i], &w->h3))
          w->got3 = a.types[i] == 2 && a.sizes[i] == w->t3.len;
        if (ethc_hash_eq(&a.hashes[i], &w->h4)) {
          CHECK(a.types[i] == 2 && a.sizes[i] == w->t4.len);
          bytes_buf_t b = {0};
          CHECK(eth_hash_request_encode(77, &w->h4, 1, &b) == 0);
          send_msg(w, ETH_MSG_GET_POOLED_TXS, &b);
          bytes_buf_free(&b);
        }
      }
      eth_pooled_hashes_free(&a);
      break;
    }
    case ETH_MSG_POOLED_TXS:
      CHECK(eth_items_decode(data, len, ETH_ITEMS_TXS, &m) == 0);
      CHECK(m.request_id == 77 && m.count == 1 && items_hold(&m, &w->t4));
      w->got4 = m.request_id == 77 && items_hold(&m, &w->t4);
      eth_items_free(&m);
      break;
    default: break;
  }
}

static void finish(world_t *w) {
  if (!uv_is_closing((uv_handle_t *)&w->timer)) uv_close((uv_handle_t *)&w->timer, NULL);
  peers_stop(w->peers);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  (void)c, (void)why;
  world_t *w = user;
  if (w->closed) return;
  w->closed = true;
  w->close_reason = reason;
  w->close_remote = remote;
  finish(w);
}

/* The good run's later steps, polled. */
static void on_timer(uv_timer_t *t) {
  world_t *w = t->data;
  if (++w->ticks > 500) return finish(w); /* 10 s */
  if (w->mode == MODE_GREET && w->got3) return finish(w);
  if (w->mode != MODE_GOOD) return;
  if (w->step == 0 && fake_has(&w->pool, &w->h1)) { /* fetched: now a broadcast */
    broadcast(w, &w->t2);
    w->step = 1;
  } else if (w->step == 1 && fake_has(&w->pool, &w->h2)) { /* the pool's own news */
    pool_put(&w->pool, w->t3.data, w->t3.len);
    pool_put(&w->pool, w->t4.data, w->t4.len);
    eth_txex_announce(w->x, &w->h3, 2, (uint32_t)w->t3.len);
    eth_txex_announce(w->x, &w->h4, 2, (uint32_t)w->t4.len);
    w->step = 2;
  } else if (w->step == 2 && w->got3 && w->got4) {
    w->step = 3;
    finish(w);
  }
}

static void run(world_t *w, int mode) {
  w->mode = mode;
  w->step = w->ticks = 0;
  w->closed = w->got_request = w->got3 = w->got4 = false;
  pthread_mutex_init(&w->pool.lock, NULL);
  w->pool.n = 0;
  make_tx(&w->t1, 2, 1, 100);
  make_tx(&w->t2, 2, mode == MODE_BAD_TX ? 0xbad0 : 2, 100);
  make_tx(&w->t3, mode == MODE_BLOB_BROADCAST ? 3 : 2, 3, 100);
  make_tx(&w->t4, 2, 4, 5000);
  tx_hash_of(&w->t1, &w->h1), tx_hash_of(&w->t2, &w->h2), tx_hash_of(&w->t3, &w->h3), tx_hash_of(&w->t4, &w->h4);
  peers_opts_t po = {.chain = w->chain, .network_id = 3503995874084926ull, .client_id = "ethc/test", .maxpeers = 5};
  memset(po.key, 0x31, 32);
  char err[256];
  CHECK_MSG(peers_start(w->loop, &po, &w->peers, err, sizeof err) == 0, "%s", err);
  eth_tx_pool_t api = {.ctx = &w->pool, .add = fake_add, .has = fake_has, .get = fake_get, .each = fake_each};
  if (mode == MODE_GREET) pool_put(&w->pool, w->t3.data, w->t3.len); /* before the peer comes */
  CHECK((w->x = peers_set_txpool(w->peers, &api)) != NULL);
  rlpx_config_t cfg = {.client_id = "test/txpeer", .protos = protos, .n_protos = 1, .user = w};
  memset(cfg.key, 0x32, 32);
  cfg.cb = (rlpx_callbacks_t){.on_ready = on_ready, .on_msg = on_msg, .on_close = on_close};
  uint8_t sid[64];
  ethc_secp256k1_pubkey_create(po.key, sid);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", peers_port(w->peers), &a);
  rlpx_conn_t *c = NULL;
  CHECK(rlpx_dial(w->loop, &cfg, (const struct sockaddr *)&a, sid, &c) == 0);
  uv_timer_init(w->loop, &w->timer);
  w->timer.data = w;
  uv_timer_start(&w->timer, on_timer, 20, 20);
  uv_run(w->loop, UV_RUN_DEFAULT);
  eth_txex_stats_t st;
  eth_txex_stats(w->x, &st);
  printf(
      "mode %d: step %d, close reason %d (remote %d); announced in %llu, fetched %llu, received %llu, added %llu, "
      "bad %llu, announced out %llu, sent in full %llu\n",
      mode, w->step, w->closed ? w->close_reason : -1, w->close_remote, (unsigned long long)st.announced_in,
      (unsigned long long)st.fetched, (unsigned long long)st.received, (unsigned long long)st.added,
      (unsigned long long)st.bad, (unsigned long long)st.announced_out, (unsigned long long)st.broadcast_out);
  w->had1 = fake_has(&w->pool, &w->h1);
  char *bans = peers_bans_json(w->peers);
  snprintf(w->bans, sizeof w->bans, "%s", bans ? bans : "");
  free(bans);
  peers_free(w->peers);
  w->peers = NULL;
  for (size_t i = 0; i < POOL_MAX; i++) bytes_buf_free(&w->pool.tx[i]);
  pthread_mutex_destroy(&w->pool.lock);
}

int main(void) {
  unsigned n = 0;
  chain_t *chain = ethtest_open(&n);
  if (!chain) return check_summary();
  world_t w = {.loop = uv_default_loop(), .chain = chain};
  run(&w, MODE_GOOD);
  CHECK_MSG(w.step == 3 && w.got_request && w.got3 && w.got4, "good run stopped at step %d", w.step);
  run(&w, MODE_SIZE_LIE);
  CHECK(w.got_request);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_BREACH, "size lie: reason %d", w.close_reason);
  CHECK(!w.had1);
  CHECK_MSG(strstr(w.bans, "invalid transaction: a pooled transaction unlike its announcement"), "bans: %s", w.bans);
  run(&w, MODE_BLOB_BROADCAST);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_BREACH, "blob: reason %d", w.close_reason);
  CHECK_MSG(strstr(w.bans, "invalid transaction: a blob transaction in a Transactions broadcast"), "bans: %s", w.bans);
  run(&w, MODE_BAD_TX);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_BREACH, "bad tx: reason %d", w.close_reason);
  CHECK_MSG(strstr(w.bans, "invalid transaction: the pool calls a transaction bad"), "bans: %s", w.bans);
  run(&w, MODE_GREET);
  CHECK_MSG(w.got3, "a new peer was not announced the pooled transaction");
  CHECK_MSG(!strcmp(w.bans, "[]"), "a good peer banned: %s", w.bans); /* each run has its own manager */
  bytes_buf_free(&w.t1), bytes_buf_free(&w.t2), bytes_buf_free(&w.t3), bytes_buf_free(&w.t4);
  ethtest_close(chain);
  return check_summary();
}
