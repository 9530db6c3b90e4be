/* The peer manager (peers.h; devp2p caps/eth.md, caps/snap.md): RLPx
 * connections in and out, the eth Status handshake, serving eth and snap
 * requests, and the network side of the light header sync (sync.h). */
#include "ethc/peers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/log.h"
#include "ethc/rlpx.h"
#include "ethc/snap_wire.h"
#include "ethc/sync.h"

#define STATUS_TIMEOUT_MS 5000
#define REQUEST_TIMEOUT_MS 10000
#define REDIAL_MS 5000
#define SYNC_BATCH 192

enum { REQ_NONE, REQ_HEAD, REQ_TARGET, REQ_BATCH };

typedef struct peer {
  struct peers *m;
  rlpx_conn_t *conn;
  struct peer *next;
  int eth, snap;       /* capability indexes, -1: not shared */
  uint32_t version;    /* eth version */
  bool active;         /* Status exchanged and accepted */
  bool reject;         /* over maxpeers: Disconnect once ready */
  long trusted;        /* index in the trusted list, or -1 */
  eth_status_t status; /* theirs */
  bool head_known;
  uint64_t head_number;
  uint64_t ready_at; /* loop time of on_ready (Status deadline) */
  int req_kind;      /* the one request in flight */
  uint64_t req_id, req_at, req_amount;
} peer_t;

typedef struct {
  uv_work_t work;
  struct peers *m;
  uint8_t *buf; /* the copied items */
  bytes_view_t *items;
  size_t n;
  sync_point_t from, to;
  int rc;
  char why[300];
} batch_t;

struct peers {
  uv_loop_t *loop;
  peers_opts_t o;
  p2p_node_t *trusted;
  uint64_t *redial_at;
  bool *trusted_up;
  rlpx_proto_t protos[3];
  rlpx_config_t cfg;
  uv_tcp_t listener;
  uv_timer_t tick;
  uint16_t port;
  peer_t *list;
  size_t count;
  bool stopping;
  uint64_t next_id;
  pthread_mutex_t lock; /* json */
  char *json;
  unsigned active; /* peers in json */
  /* header sync */
  sync_point_t local;
  peer_t *sync_peer;
  bool target_known, importing, done, warned;
  uint64_t target_number;
  ethc_hash_t target_hash;
  uint64_t sync_started, synced;
  eth_txex_t *txex; /* transaction exchange, or NULL (peers_set_txpool) */
};

static void hex(char *out, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* admin_peers' array, rebuilt on the loop whenever a peer comes or goes. */
static void publish(struct peers *m) {
  size_t cap = 256 + m->count * 1200, len = 0;
  unsigned active = 0;
  char *s = malloc(cap);
  if (!s) return;
  len += (size_t)snprintf(s + len, cap - len, "[");
  for (peer_t *p = m->list; p; p = p->next) {
    const rlpx_hello_t *h = rlpx_conn_remote_hello(p->conn);
    if (!p->active || !h) continue;
    active++;
    char id[129], name[256], head[65];
    hex(id, rlpx_conn_remote_id(p->conn), 64);
    hex(head, p->status.head.bytes, 32);
    size_t k = 0;
    for (const char *c = h->client_id; *c && k < sizeof name - 1; c++)
      name[k++] = (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) ? '?' : *c;
    name[k] = 0;
    len += (size_t)snprintf(s + len, cap - len,
                            "%s{\"id\":\"%s\",\"name\":\"%s\",\"enode\":\"enode://%s\",\"network\":{\"inbound\":%s,"
                            "\"trusted\":%s},\"protocols\":{\"eth\":{\"version\":%u,\"head\":\"0x%s\"}}}",
                            len > 1 ? "," : "", id, name, id, rlpx_conn_initiator(p->conn) ? "false" : "true",
                            p->trusted >= 0 ? "true" : "false", p->version, head);
  }
  snprintf(s + len, cap - len, "]");
  pthread_mutex_lock(&m->lock);
  free(m->json);
  m->json = s;
  m->active = active;
  pthread_mutex_unlock(&m->lock);
}

char *peers_json(peers_t *m) {
  pthread_mutex_lock(&m->lock);
  char *s = strdup(m->json ? m->json : "[]");
  pthread_mutex_unlock(&m->lock);
  return s;
}

unsigned peers_count(peers_t *m) {
  pthread_mutex_lock(&m->lock);
  unsigned n = m->active;
  pthread_mutex_unlock(&m->lock);
  return n;
}

uint16_t peers_port(const peers_t *m) { return m->port; }

static int send_get_headers(peer_t *p, int kind, bool by_hash, const ethc_hash_t *hash, uint64_t number,
                            uint64_t amount) {
  eth_get_headers_t r = {.request_id = ++p->m->next_id, .by_hash = by_hash, .number = number, .amount = amount};
  if (hash) r.hash = *hash;
  bytes_buf_t out = {0};
  int rc = eth_get_headers_encode(&r, &out);
  if (!rc) rc = rlpx_send(p->conn, (size_t)p->eth, ETH_MSG_GET_BLOCK_HEADERS, out.data, out.len);
  bytes_buf_free(&out);
  if (rc) return rc;
  p->req_kind = kind;
  p->req_id = r.request_id;
  p->req_at = uv_now(p->m->loop);
  p->req_amount = amount;
  return 0;
}

/* ---- the header sync ---- */

static void sync_step(struct peers *m);

static void batch_work(uv_work_t *w) {
  batch_t *b = w->data;
  struct peers *m = b->m;
  if (m->o.write_lock) pthread_mutex_lock(m->o.write_lock);
  b->rc = sync_import_batch(m->o.chain, &b->from, b->items, b->n, &b->to, b->why, sizeof b->why);
  if (m->o.write_lock) pthread_mutex_unlock(m->o.write_lock);
  if (b->to.number > b->from.number && sync_save(m->o.chain, &b->to))
    ethc_log(ETHC_LOG_WARN, "header sync: cannot write the progress file");
}

static void batch_done(uv_work_t *w, int status) {
  (void)status;
  batch_t *b = w->data;
  struct peers *m = b->m;
  m->importing = false;
  m->synced += b->to.number - b->from.number;
  m->local = b->to;
  if (b->rc) {
    ethc_log(ETHC_LOG_WARN, "header sync: batch from #%" PRIu64 " rejected: %s", b->from.number + 1, b->why);
    if (m->sync_peer) rlpx_disconnect(m->sync_peer->conn, RLPX_DISC_BREACH);
    m->sync_peer = NULL;
  } else {
    ethc_log(ETHC_LOG_INFO, "header sync: stored #%" PRIu64 "..#%" PRIu64 " (target #%" PRIu64 ")", b->from.number + 1,
             b->to.number, m->target_number);
  }
  free(b->buf);
  free(b->items);
  free(b);
  if (!m->stopping) sync_step(m);
}

static void on_batch(peer_t *p, const eth_items_msg_t *msg) {
  struct peers *m = p->m;
  if (msg->count == 0 || msg->count > p->req_amount) {
    ethc_log(ETHC_LOG_WARN, "header sync: peer sent %zu headers for %" PRIu64 ": dropping it", msg->count,
             p->req_amount);
    rlpx_disconnect(p->conn, RLPX_DISC_USELESS_PEER);
    return;
  }
  batch_t *b = calloc(1, sizeof *b);
  size_t total = 0;
  for (size_t i = 0; i < msg->count; i++) total += msg->items[i].len;
  if (b) b->buf = malloc(total ? total : 1), b->items = calloc(msg->count, sizeof *b->items);
  if (!b || !b->buf || !b->items) {
    if (b) free(b->buf), free(b->items);
    free(b);
    return;
  }
  size_t off = 0;
  for (size_t i = 0; i < msg->count; i++) {
    memcpy(b->buf + off, msg->items[i].data, msg->items[i].len);
    b->items[i] = bytes_view(b->buf + off, msg->items[i].len);
    off += msg->items[i].len;
  }
  b->n = msg->count;
  b->m = m;
  b->from = m->local;
  b->work.data = b;
  m->importing = true;
  if (uv_queue_work(m->loop, &b->work, batch_work, batch_done)) {
    m->importing = false;
    free(b->buf), free(b->items), free(b);
  }
}

/* Picks the best peer (highest head), fixes the target, asks for the next batch. */
static void sync_step(struct peers *m) {
  if (!m->o.sync || m->importing || m->stopping) return;
  if (m->sync_peer && m->sync_peer->req_kind != REQ_NONE) return;
  if (!m->sync_peer) {
    peer_t *best = NULL;
    for (peer_t *p = m->list; p; p = p->next)
      if (p->active && p->head_known && (!best || p->head_number > best->head_number)) best = p;
    if (!best || (!m->o.has_target && best->head_number <= m->local.number)) return; /* nobody ahead */
    m->sync_peer = best;
    if (!m->o.has_target && (!m->target_known || best->head_number > m->target_number)) {
      m->target_known = true;
      m->target_number = best->head_number;
      m->target_hash = best->status.head;
      if (!m->warned)
        ethc_log(ETHC_LOG_WARN,
                 "header sync: no --sync.target: syncing to the peer's head #%" PRIu64
                 " (unverified: the peer chose it)",
                 m->target_number);
      m->warned = true;
    }
  }
  peer_t *p = m->sync_peer;
  if (m->o.has_target && !m->target_known) {
    send_get_headers(p, REQ_TARGET, true, &m->o.target, 0, 1);
    return;
  }
  if (m->local.number >= m->target_number) {
    if (!m->done) {
      double secs = (double)(uv_now(m->loop) - m->sync_started) / 1000.0;
      bool same = m->local.number == m->target_number && !memcmp(m->local.hash.bytes, m->target_hash.bytes, 32);
      char h[65];
      hex(h, m->local.hash.bytes, 32);
      ethc_log(same ? ETHC_LOG_INFO : ETHC_LOG_WARN,
               "header sync: %s at #%" PRIu64 " 0x%s, %" PRIu64 " headers in %.2f s (%.0f headers/s)",
               same ? "done" : "stopped off the target", m->local.number, h, m->synced, secs,
               secs > 0 ? (double)m->synced / secs : 0.0);
      m->done = true;
    }
    return;
  }
  if (!m->sync_started) m->sync_started = uv_now(m->loop);
  uint64_t left = m->target_number - m->local.number;
  send_get_headers(p, REQ_BATCH, false, NULL, m->local.number + 1, left < SYNC_BATCH ? left : SYNC_BATCH);
}

/* ---- messages ---- */

static void on_headers(peer_t *p, const uint8_t *data, size_t len) {
  struct peers *m = p->m;
  eth_items_msg_t msg = {0};
  if (eth_items_decode(data, len, ETH_ITEMS_HEADERS, &msg)) {
    rlpx_disconnect(p->conn, RLPX_DISC_BREACH);
    return;
  }
  if (p->req_kind == REQ_NONE || msg.request_id != p->req_id) { /* unsolicited or late: ignored */
    eth_items_free(&msg);
    return;
  }
  int kind = p->req_kind;
  p->req_kind = REQ_NONE;
  chain_header_t h;
  if (kind == REQ_BATCH) {
    on_batch(p, &msg);
  } else if (msg.count == 1 && !header_decode(msg.items[0].data, msg.items[0].len, &h)) {
    if (kind == REQ_HEAD) {
      p->head_known = true;
      p->head_number = h.number;
    } else {
      m->target_known = true;
      m->target_number = h.number;
      m->target_hash = m->o.target;
      ethc_log(ETHC_LOG_INFO, "header sync: target #%" PRIu64 " (--sync.target)", h.number);
    }
    sync_step(m);
  } else if (kind == REQ_TARGET) {
    ethc_log(ETHC_LOG_WARN, "header sync: the peer does not know --sync.target");
    if (m->sync_peer == p) m->sync_peer = NULL;
  } else {
    rlpx_disconnect(p->conn, RLPX_DISC_USELESS_PEER); /* its own head unknown to it */
  }
  eth_items_free(&msg);
}

static void on_status(peer_t *p, const uint8_t *data, size_t len) {
  struct peers *m = p->m;
  eth_status_t ours;
  const char *why = NULL;
  if (eth_status_decode(data, len, &p->status)) {
    rlpx_disconnect(p->conn, RLPX_DISC_BREACH);
    return;
  }
  if (eth_status_from_chain(m->o.chain, p->version, m->o.network_id, &ours) ||
      eth_status_check(m->o.chain, &ours, &p->status, &why)) {
    ethc_log(ETHC_LOG_INFO, "peers: %s: %s", rlpx_conn_remote_hello(p->conn)->client_id, why ? why : "no status");
    rlpx_disconnect(p->conn, RLPX_DISC_SUBPROTOCOL);
    return;
  }
  p->active = true;
  if (m->txex && eth_txex_peer_add(m->txex, p->conn, (size_t)p->eth, p->version))
    ethc_log(ETHC_LOG_WARN, "peers: out of memory: no transaction exchange with this peer");
  if (p->version >= 69) {
    p->head_known = true;
    p->head_number = p->status.latest;
  } else {
    send_get_headers(p, REQ_HEAD, true, &p->status.head, 0, 1);
  }
  ethc_log(ETHC_LOG_INFO, "peers: %s eth/%u (%zu peers)", rlpx_conn_remote_hello(p->conn)->client_id, p->version,
           m->count);
  publish(m);
  sync_step(m);
}

static void serve(peer_t *p, bool snap, uint64_t code, const uint8_t *data, size_t len) {
  struct peers *m = p->m;
  bytes_buf_t out = {0};
  unsigned out_code = 0;
  int rc = snap ? snap_serve(m->o.chain, (unsigned)code, data, len, &out_code, &out)
                : eth_serve(m->o.chain, p->version, (unsigned)code, data, len, m->txex ? eth_txex_lookup : NULL,
                            m->txex, &out_code, &out);
  if (!rc) rlpx_send(p->conn, (size_t)(snap ? p->snap : p->eth), out_code, out.data, out.len);
  else if (rc != ETHC_ERR_IO && rc != ETHC_ERR_NOMEM && rc != ETHC_ERR_UNSUPPORTED)
    rlpx_disconnect(p->conn, RLPX_DISC_BREACH); /* a request that does not decode */
  bytes_buf_free(&out);
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)user;
  peer_t *p = rlpx_conn_data(c);
  if (!p) return;
  bool snap = !strcmp(cap->name, "snap");
  if (!p->active) { /* Status must come first */
    if (!snap && code == ETH_MSG_STATUS) on_status(p, data, len);
    else rlpx_disconnect(c, RLPX_DISC_BREACH);
    return;
  }
  if (snap) {
    if (code % 2 == 0) serve(p, true, code, data, len); /* requests are the even codes */
    return;
  }
  switch (code) {
    case ETH_MSG_STATUS: rlpx_disconnect(c, RLPX_DISC_BREACH); break;
    case ETH_MSG_GET_BLOCK_HEADERS:
    case ETH_MSG_GET_BLOCK_BODIES:
    case ETH_MSG_GET_RECEIPTS:
    case ETH_MSG_GET_POOLED_TXS: serve(p, false, code, data, len); break;
    case ETH_MSG_BLOCK_HEADERS: on_headers(p, data, len); break;
    case ETH_MSG_BLOCK_RANGE_UPDATE: {
      eth_block_range_t r;
      const char *why;
      if (p->version < 69 || eth_block_range_decode(data, len, &r) || eth_block_range_check(&r, &why)) {
        rlpx_disconnect(c, RLPX_DISC_BREACH);
        break;
      }
      p->head_known = true;
      p->head_number = r.latest;
      p->status.head = r.latest_hash;
      break;
    }
    case ETH_MSG_TRANSACTIONS:
    case ETH_MSG_NEW_POOLED_TX_HASHES:
    case ETH_MSG_POOLED_TXS:
      if (p->m->txex) eth_txex_on_msg(p->m->txex, c, (unsigned)code, data, len);
      break;
    default: break; /* block announcements: not used by a header sync */
  }
}

/* ---- connections ---- */

static void on_ready(rlpx_conn_t *c, void *user) {
  (void)user;
  peer_t *p = rlpx_conn_data(c);
  struct peers *m = p->m;
  if (p->reject) {
    rlpx_disconnect(c, RLPX_DISC_TOO_MANY_PEERS);
    return;
  }
  for (peer_t *q = m->list; q; q = q->next)
    if (q != p && rlpx_conn_remote_hello(q->conn) &&
        !memcmp(rlpx_conn_remote_id(q->conn), rlpx_conn_remote_id(c), 64) && q->ready_at) {
      rlpx_disconnect(c, RLPX_DISC_ALREADY_CONNECTED);
      return;
    }
  p->eth = rlpx_conn_cap_index(c, "eth");
  p->snap = rlpx_conn_cap_index(c, "snap");
  p->ready_at = uv_now(m->loop);
  if (p->eth < 0) {
    rlpx_disconnect(c, RLPX_DISC_USELESS_PEER);
    return;
  }
  size_t n = 0;
  p->version = rlpx_conn_caps(c, &n)[p->eth].version;
  eth_status_t ours;
  bytes_buf_t out = {0};
  if (eth_status_from_chain(m->o.chain, p->version, m->o.network_id, &ours) || eth_status_encode(&ours, &out) ||
      rlpx_send(c, (size_t)p->eth, ETH_MSG_STATUS, out.data, out.len))
    rlpx_disconnect(c, RLPX_DISC_SUBPROTOCOL);
  bytes_buf_free(&out);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  (void)user;
  peer_t *p = rlpx_conn_data(c);
  if (!p) return;
  struct peers *m = p->m;
  for (peer_t **pp = &m->list; *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      break;
    }
  m->count--;
  if (m->txex) eth_txex_peer_remove(m->txex, c);
  if (p->trusted >= 0) {
    m->trusted_up[p->trusted] = false;
    m->redial_at[p->trusted] = uv_now(m->loop) + REDIAL_MS;
  }
  if (p->active || p->trusted >= 0)
    ethc_log(ETHC_LOG_INFO, "peers: closed (%s by %s%s%s)", rlpx_disc_reason_str(reason), remote ? "peer" : "us",
             why ? ": " : "", why ? why : "");
  if (m->sync_peer == p) m->sync_peer = NULL;
  free(p);
  publish(m);
  if (!m->stopping) sync_step(m);
}

static peer_t *add_peer(struct peers *m, long trusted) {
  peer_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->m = m;
  p->trusted = trusted;
  p->eth = p->snap = -1;
  return p;
}

static void link_peer(struct peers *m, peer_t *p, rlpx_conn_t *c) {
  p->conn = c;
  rlpx_conn_set_data(c, p);
  p->next = m->list;
  m->list = p;
  m->count++;
}

static void dial_trusted(struct peers *m, size_t i) {
  const p2p_node_t *n = &m->trusted[i];
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(n->tcp)};
  memcpy(&a.sin_addr, n->ip + 12, 4);
  peer_t *p = add_peer(m, (long)i);
  rlpx_conn_t *c = NULL;
  if (!p) return;
  m->redial_at[i] = uv_now(m->loop) + REDIAL_MS;
  if (rlpx_dial(m->loop, &m->cfg, (const struct sockaddr *)&a, n->pubkey, &c)) {
    free(p);
    return;
  }
  m->trusted_up[i] = true;
  link_peer(m, p, c);
}

static void on_tick(uv_timer_t *t) {
  struct peers *m = t->data;
  uint64_t now = uv_now(m->loop);
  for (size_t i = 0; i < m->o.trusted_count; i++)
    if (!m->trusted_up[i] && now >= m->redial_at[i]) dial_trusted(m, i);
  for (peer_t *p = m->list; p; p = p->next) {
    if (p->ready_at && !p->active && now - p->ready_at > STATUS_TIMEOUT_MS)
      rlpx_disconnect(p->conn, RLPX_DISC_USELESS_PEER); /* no Status */
    else if (p->req_kind != REQ_NONE && now - p->req_at > REQUEST_TIMEOUT_MS) {
      p->req_kind = REQ_NONE;
      rlpx_disconnect(p->conn, RLPX_DISC_USELESS_PEER); /* no answer */
    }
  }
  if (m->txex) eth_txex_tick(m->txex);
  sync_step(m);
}

static void on_connection(uv_stream_t *server, int status) {
  struct peers *m = server->data;
  if (status < 0 || m->stopping) return;
  peer_t *p = add_peer(m, -1);
  rlpx_conn_t *c = NULL;
  if (!p) return;
  unsigned max = m->o.maxpeers ? m->o.maxpeers : 50;
  p->reject = m->count >= max;
  if (rlpx_accept(m->loop, &m->cfg, server, &c)) {
    free(p);
    return;
  }
  link_peer(m, p, c);
}

int peers_start(uv_loop_t *loop, const peers_opts_t *o, peers_t **out, char *err, size_t errlen) {
  struct peers *m = calloc(1, sizeof *m);
  if (!m) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  m->loop = loop;
  m->o = *o;
  size_t nt = o->trusted_count;
  m->trusted = calloc(nt + 1, sizeof *m->trusted);
  m->redial_at = calloc(nt + 1, sizeof *m->redial_at);
  m->trusted_up = calloc(nt + 1, sizeof *m->trusted_up);
  if (!m->trusted || !m->redial_at || !m->trusted_up) {
    free(m->trusted), free(m->redial_at), free(m->trusted_up), free(m);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  if (nt) memcpy(m->trusted, o->trusted, nt * sizeof *m->trusted);
  m->o.trusted = m->trusted;
  pthread_mutex_init(&m->lock, NULL);
  m->protos[0] = (rlpx_proto_t){"eth", 68, 17};
  m->protos[1] = (rlpx_proto_t){"eth", 69, ETH_MSG_COUNT};
  m->protos[2] = (rlpx_proto_t){"snap", 1, SNAP_MSG_COUNT};
  memcpy(m->cfg.key, o->key, 32);
  m->cfg.client_id = o->client_id;
  m->cfg.protos = m->protos;
  m->cfg.n_protos = 3;
  m->cfg.cb = (rlpx_callbacks_t){.on_ready = on_ready, .on_msg = on_msg, .on_close = on_close};
  m->cfg.user = m;
  if (o->sync && sync_load(o->chain, &m->local)) ethc_log(ETHC_LOG_WARN, "header sync: cannot read the stored head");
  if (o->sync && m->local.number) ethc_log(ETHC_LOG_INFO, "header sync: starting from #%" PRIu64, m->local.number);
  uv_tcp_init(loop, &m->listener);
  m->listener.data = m;
  struct sockaddr_in a;
  uv_ip4_addr("0.0.0.0", o->port, &a);
  int rc = uv_tcp_bind(&m->listener, (const struct sockaddr *)&a, 0);
  if (!rc) rc = uv_listen((uv_stream_t *)&m->listener, 64, on_connection);
  struct sockaddr_storage ss;
  int sl = sizeof ss;
  if (!rc) rc = uv_tcp_getsockname(&m->listener, (struct sockaddr *)&ss, &sl);
  if (rc) {
    snprintf(err, errlen, "cannot listen on TCP port %u: %s", o->port, uv_strerror(rc));
    m->stopping = true;
    uv_close((uv_handle_t *)&m->listener, NULL);
    *out = m;
    return ETHC_ERR_IO;
  }
  m->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
  m->cfg.listen_port = m->port;
  uv_timer_init(loop, &m->tick);
  m->tick.data = m;
  uv_timer_start(&m->tick, on_tick, 0, 1000);
  publish(m);
  *out = m;
  return 0;
}

void peers_stop(peers_t *m) {
  if (!m || m->stopping) return;
  m->stopping = true;
  uv_timer_stop(&m->tick);
  uv_close((uv_handle_t *)&m->tick, NULL);
  uv_close((uv_handle_t *)&m->listener, NULL);
  eth_txex_close(m->txex);
  for (peer_t *p = m->list; p; p = p->next) rlpx_disconnect(p->conn, RLPX_DISC_QUITTING);
}

void peers_free(peers_t *m) {
  if (!m) return;
  while (m->list) { /* only when the loop did not run the closes */
    peer_t *p = m->list;
    m->list = p->next;
    free(p);
  }
  eth_txex_free(m->txex);
  pthread_mutex_destroy(&m->lock);
  free(m->json);
  free(m->trusted);
  free(m->redial_at);
  free(m->trusted_up);
  free(m);
}

eth_txex_t *peers_set_txpool(peers_t *m, const eth_tx_pool_t *pool) {
  if (!m->txex && eth_txex_new(m->loop, pool, &m->txex)) m->txex = NULL;
  return m->txex;
}
