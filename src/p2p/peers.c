/* The peer manager (peers.h; devp2p caps/eth.md, caps/snap.md): RLPx
 * connections in and out, the eth Status handshake, serving eth and snap
 * requests, the peer score (peer_score.h: liars and stallers are banned), and
 * the network side of the header sync (sync.h): a skeleton of every
 * SYNC_BATCH-th header from one peer, filled in parallel by all peers (at most
 * PEER_INFLIGHT requests each, matched by request id, each with a timeout),
 * each fill checked on arrival (numbers, parent links) and imported in order
 * on libuv's thread pool (the header rules and seals, sync.h). */
#include "ethc/peers.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/keccak.h"
#include "ethc/log.h"
#include "ethc/p2p_sock.h"
#include "ethc/peer_score.h"
#include "ethc/rlp.h"
#include "ethc/rlpx.h"
#include "ethc/snap_wire.h"
#include "ethc/sync.h"
#include "p2p/peer_set.h"

#define STATUS_TIMEOUT_MS 5000
#define REQUEST_TIMEOUT_MS 10000
#define REDIAL_MS 5000
#define HANDSHAKE_EXTRA 16 /* connections in handshake past --maxpeers (a trusted node may be one) */
#define SYNC_BATCH 192    /* headers per fill request: one slot of the skeleton */
#define SYNC_WINDOW 16    /* slots fetched ahead of the import */
#define PEER_INFLIGHT 2   /* requests in flight per peer */
#define SYNC_WAIT_MS 2000 /* at start, how long the sync waits for all trusted peers */
#define SYNC_SAVE_MS 1000 /* DATADIR/headsync is rewritten at most this often (and at the target) */

enum { REQ_NONE, REQ_HEAD, REQ_TARGET, REQ_SKELETON, REQ_FILL };

typedef struct {
  int kind;               /* REQ_NONE: a free entry */
  uint64_t id, at;        /* request id, loop time sent */
  uint64_t first, amount; /* the numbers asked (REQ_SKELETON: every SYNC_BATCH-th from first) */
} req_t;

typedef struct peer {
  struct peers *m;
  rlpx_conn_t *conn;
  struct peer *next;
  int eth, snap;       /* capability indexes, -1: not shared */
  uint32_t version;    /* eth version */
  bool active;         /* Status exchanged and accepted */
  bool reject;         /* over maxpeers: Disconnect once ready */
  bool banned;         /* disconnecting after an offence: ignored */
  bool leaving;        /* disconnecting at admin_removePeer: ignored, not in admin_peers */
  bool no_target;      /* does not know --sync.target */
  bool static_dial;    /* dialled as a static node (admin_addPeer, --trusted-peers) */
  eth_status_t status; /* theirs */
  bool head_known;
  uint64_t head_number;
  uint64_t ready_at; /* loop time of on_ready (Status deadline) */
  req_t reqs[PEER_INFLIGHT];
  char addr[64]; /* the remote TCP address, "1.2.3.4:30303" or "[::1]:30303" ("" unknown) */
} peer_t;

enum { SLOT_EMPTY, SLOT_ASKED, SLOT_FILLED, SLOT_IMPORTING };

/* SYNC_BATCH headers (fewer at the target) fetched by one request. */
typedef struct {
  uint64_t first, count;
  int state;
  peer_t *peer;       /* SLOT_ASKED: who was asked */
  uint8_t filler[64]; /* SLOT_FILLED, SLOT_IMPORTING: who sent it */
  uint8_t *buf;       /* the copied header items */
  bytes_view_t *items;
  ethc_hash_t *hashes;   /* keccak256 of each item (check_fill's), passed to the import */
  ethc_hash_t last_hash; /* of the fill's last header */
  bool skel_known;       /* the skeleton gave the hash of header first + count - 1 */
  bool skel_tried;       /* a skeleton answer covered it */
  bool skel_trusted;     /* ... and it is --sync.target itself */
  ethc_hash_t skel;
  uint8_t skel_from[64];
} slot_t;

typedef struct {
  uv_work_t work;
  struct peers *m;
  bytes_view_t *items;
  const ethc_hash_t *hashes; /* the slot's, kept until batch_done */
  size_t n;
  sync_point_t from, to;
  bool save; /* rewrite DATADIR/headsync after it */
  int rc;
  char why[300];
} batch_t;

struct peers {
  uv_loop_t *loop;
  peers_opts_t o;
  peer_set_t set;         /* static and trusted nodes (--trusted-peers are both, admin_addPeer ...) */
  rlpx_proto_t protos[4]; /* eth/68..70 as offered, snap/1 */
  rlpx_config_t cfg;
  uv_tcp_t listener;
  bool listen6; /* the listener is AF_INET6, dual-stack */
  uv_timer_t tick;
  uint16_t port;
  peer_t *list;
  size_t count;
  bool stopping;
  uint64_t next_id, started_at;
  peer_bans_t bans;
  pthread_mutex_t lock; /* json */
  char *json, *bans_json;
  unsigned active; /* peers in json */
  /* header sync */
  sync_point_t local;            /* verified and stored */
  slot_t slots[2 * SYNC_WINDOW]; /* slots[0] is the next to import; short answers split slots */
  size_t n_slots;
  bool skel_asked; /* a skeleton request in flight */
  bool target_known, importing, done, warned;
  uint64_t target_number;
  ethc_hash_t target_hash;
  uint64_t sync_started, synced, last_progress;
  uint64_t last_save;       /* loop time DATADIR/headsync was last written */
  bool unsaved;             /* m->local is past DATADIR/headsync */
  uint64_t timeout_ms;      /* per request */
  sync_progress_t progress; /* eth_syncing */
  sync_full_t *full;        /* --syncmode full, else NULL */
  uint64_t redial_ms;       /* a static node's redial delay (the backoff's base) */
  eth_txex_t *txex;         /* transaction exchange, or NULL (peers_set_txpool) */

  peers_fetch_hooks_t fetch; /* on-demand fetches (p2p_remote.h), or zeroed */
};

static void hex(char *out, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* The peer's node id in hex (a static buffer: loop thread only). */
static const char *peer_hex(const peer_t *p) {
  static char buf[129];
  hex(buf, rlpx_conn_remote_id(p->conn), 64);
  return buf;
}

static const char *client_of(const peer_t *p) {
  const rlpx_hello_t *h = rlpx_conn_remote_hello(p->conn);
  return h ? h->client_id : "?";
}

/* The bans for peers_bans_json, rebuilt with the peers' array. */
static char *bans_to_json(struct peers *m) {
  uint64_t now = uv_now(m->loop);
  size_t cap = 64 + m->bans.n * 480, len = 0;
  char *s = malloc(cap);
  if (!s) return NULL;
  len += (size_t)snprintf(s + len, cap - len, "[");
  for (size_t i = 0; i < m->bans.n; i++) {
    const peer_ban_t *b = &m->bans.v[i];
    if (now >= b->until) continue;
    char id[129], why[sizeof b->reason];
    hex(id, b->id, 64);
    size_t k = 0;
    for (const char *c = b->reason; *c; c++)
      why[k++] = (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) ? '?' : *c;
    why[k] = 0;
    len += (size_t)snprintf(s + len, cap - len,
                            "%s{\"id\":\"%s\",\"seconds\":%" PRIu64 ",\"strikes\":%u,\"reason\":\"%s\"}",
                            len > 1 ? "," : "", id, (b->until - now + 999) / 1000, b->strikes, why);
  }
  snprintf(s + len, cap - len, "]");
  return s;
}

static bool is_trusted(const struct peers *m, const peer_t *p) {
  const uint8_t *id = rlpx_conn_remote_id(p->conn);
  return id && peer_set_has(&m->set, id, PEER_SET_TRUSTED);
}

/* admin_peers' array, rebuilt on the loop whenever a peer comes or goes, or
 * the trusted nodes change. */
static void publish(struct peers *m) {
  size_t cap = 256 + m->count * 1300, len = 0;
  unsigned active = 0;
  char *s = malloc(cap);
  if (!s) return;
  len += (size_t)snprintf(s + len, cap - len, "[");
  for (peer_t *p = m->list; p; p = p->next) {
    const rlpx_hello_t *h = rlpx_conn_remote_hello(p->conn);
    if (!p->active || !h || p->leaving) continue;
    active++;
    char id[129], name[256], head[65];
    hex(id, rlpx_conn_remote_id(p->conn), 64);
    hex(head, p->status.head.bytes, 32);
    size_t k = 0;
    for (const char *c = h->client_id; *c && k < sizeof name - 1; c++)
      name[k++] = (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20) ? '?' : *c;
    name[k] = 0;
    len += (size_t)snprintf(
        s + len, cap - len,
        "%s{\"id\":\"%s\",\"name\":\"%s\",\"enode\":\"enode://%s\",\"network\":{\"inbound\":%s,"
        "\"trusted\":%s,\"static\":%s,\"remoteAddress\":\"%s\"},\"protocols\":{\"eth\":{\"version\":%u,"
        "\"head\":\"0x%s\"}}}",
        len > 1 ? "," : "", id, name, id, rlpx_conn_initiator(p->conn) ? "false" : "true",
        is_trusted(m, p) ? "true" : "false", p->static_dial ? "true" : "false", p->addr, p->version, head);
  }
  snprintf(s + len, cap - len, "]");
  char *bans = bans_to_json(m);
  pthread_mutex_lock(&m->lock);
  free(m->json);
  m->json = s;
  if (bans) free(m->bans_json), m->bans_json = bans;
  m->active = active;
  pthread_mutex_unlock(&m->lock);
}

char *peers_json(peers_t *m) {
  pthread_mutex_lock(&m->lock);
  char *s = strdup(m->json ? m->json : "[]");
  pthread_mutex_unlock(&m->lock);
  return s;
}

char *peers_bans_json(peers_t *m) {
  pthread_mutex_lock(&m->lock);
  char *s = strdup(m->bans_json ? m->bans_json : "[]");
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

bool peers_listen6(const peers_t *m) { return m->listen6; }

char *peers_syncing_json(peers_t *m) { return sync_progress_json(&m->progress); }

sync_progress_t *peers_sync_progress(peers_t *m) { return &m->progress; }
/* ---- requests and the peer score ---- */

static size_t inflight(const peer_t *p) {
  size_t n = 0;
  for (size_t i = 0; i < PEER_INFLIGHT; i++) n += p->reqs[i].kind != REQ_NONE;
  return n;
}

static bool usable(const peer_t *p) { return p->active && !p->banned && inflight(p) < PEER_INFLIGHT; }

static int send_get_headers(peer_t *p, int kind, const ethc_hash_t *hash, uint64_t number, uint64_t amount,
                            uint64_t skip) {
  req_t *slot = NULL;
  for (size_t i = 0; i < PEER_INFLIGHT && !slot; i++)
    if (p->reqs[i].kind == REQ_NONE) slot = &p->reqs[i];
  if (!slot) return ETHC_ERR_INVALID;
  eth_get_headers_t r = {.request_id = ++p->m->next_id,
                         .by_hash = hash != NULL,
                         .number = number,
                         .amount = amount,
                         .skip = skip};
  if (hash) r.hash = *hash;
  bytes_buf_t out = {0};
  int rc = eth_get_headers_encode(&r, &out);
  if (!rc) rc = rlpx_send(p->conn, (size_t)p->eth, ETH_MSG_GET_BLOCK_HEADERS, out.data, out.len);
  bytes_buf_free(&out);
  if (rc) return rc;
  *slot = (req_t){.kind = kind, .id = r.request_id, .at = uv_now(p->m->loop), .first = number, .amount = amount};
  return 0;
}

/* A slot back to the queue, its data freed. */
static void slot_reset(slot_t *s) {
  free(s->buf);
  free(s->items);
  free(s->hashes);
  s->buf = NULL;
  s->items = NULL;
  s->hashes = NULL;
  s->peer = NULL;
  s->state = SLOT_EMPTY;
}

/* Whatever p was asked for goes back to the queue (it is leaving). */
static void release(struct peers *m, peer_t *p) {
  for (size_t i = 0; i < PEER_INFLIGHT; i++) {
    if (p->reqs[i].kind == REQ_SKELETON) m->skel_asked = false;
    p->reqs[i].kind = REQ_NONE;
  }
  for (size_t i = 0; i < m->n_slots; i++)
    if (m->slots[i].state == SLOT_ASKED && m->slots[i].peer == p) slot_reset(&m->slots[i]);
}

static peer_t *find_peer(struct peers *m, const uint8_t id[64]) {
  for (peer_t *p = m->list; p; p = p->next)
    if (rlpx_conn_remote_hello(p->conn) && !memcmp(rlpx_conn_remote_id(p->conn), id, 64)) return p;
  return NULL;
}

/* The skeleton from `id` lied: its hashes go. */
static void drop_skeleton(struct peers *m, const uint8_t id[64]) {
  for (size_t i = 0; i < m->n_slots; i++)
    if (m->slots[i].skel_known && !m->slots[i].skel_trusted && !memcmp(m->slots[i].skel_from, id, 64))
      m->slots[i].skel_known = m->slots[i].skel_tried = false;
}

/* The peer score: bans `id` (connected as p, or NULL), logs why, disconnects. */
static void ban_id(struct peers *m, peer_t *p, const uint8_t id[64], peer_offence_t o, const char *why) {
  uint64_t ms = peer_bans_add(&m->bans, id, o, why, uv_now(m->loop));
  drop_skeleton(m, id);
  for (size_t i = 0; i < m->n_slots; i++) /* what else it sent is not imported */
    if (m->slots[i].state == SLOT_FILLED && !memcmp(m->slots[i].filler, id, 64)) slot_reset(&m->slots[i]);
  char h[129];
  hex(h, id, 64);
  ethc_log(ETHC_LOG_WARN, "peers: banned %.16s (%s) for %" PRIu64 " s: %s%s%s", h, p ? client_of(p) : "gone", ms / 1000,
           peer_offence_name(o), why ? ": " : "", why ? why : "");
  if (p && !p->banned) {
    p->banned = true;
    release(m, p);
    if (m->fetch.on_gone) m->fetch.on_gone(m->fetch.ctx, p->conn);
    rlpx_disconnect(p->conn, o == PEER_OFFENCE_TIMEOUT ? RLPX_DISC_USELESS_PEER : RLPX_DISC_BREACH);
  }
  publish(m);
}

static void ban(peer_t *p, peer_offence_t o, const char *why) { ban_id(p->m, p, rlpx_conn_remote_id(p->conn), o, why); }

/* ---- the header sync ---- */

static void sync_step(struct peers *m);

static void batch_work(uv_work_t *w) {
  batch_t *b = w->data;
  struct peers *m = b->m;
  if (m->o.write_lock) pthread_mutex_lock(m->o.write_lock);
  b->rc = sync_import_batch_hashed(m->o.chain, &b->from, b->items, b->hashes, b->n, &b->to, b->why, sizeof b->why);
  if (m->o.write_lock) pthread_mutex_unlock(m->o.write_lock);
  /* the progress file only saves refetching after a restart (what is stored
   * is found known): written once a second, not every batch */
  if ((b->save || b->rc) && b->to.number > b->from.number && sync_save(m->o.chain, &b->to))
    ethc_log(ETHC_LOG_WARN, "header sync: cannot write the progress file");
}

static void batch_done(uv_work_t *w, int status) {
  (void)status;
  batch_t *b = w->data;
  struct peers *m = b->m;
  slot_t *s = &m->slots[0];
  m->importing = false;
  m->synced += b->to.number - b->from.number;
  m->local = b->to;
  if (b->to.number > b->from.number) m->unsaved = !(b->save || b->rc);
  sync_progress_tip(&m->progress, &m->local);
  if (b->rc) {
    if (b->rc == ETHC_ERR_INVALID) ban_id(m, find_peer(m, s->filler), s->filler, PEER_OFFENCE_INVALID_HEADER, b->why);
    else ethc_log(ETHC_LOG_WARN, "header sync: batch from #%" PRIu64 " not stored: %s", b->from.number + 1, b->why);
    uint64_t end = s->first + s->count;
    slot_reset(s);
    s->first = m->local.number + 1; /* what was stored before the failure stays */
    s->count = end - s->first;
  } else {
    if (s->skel_known && !ethc_hash_eq(&s->skel, &s->last_hash)) { /* the fill is verified: the skeleton lied */
      char why[96];
      snprintf(why, sizeof why, "skeleton header #%" PRIu64 " is not on the verified chain", s->first + s->count - 1);
      uint8_t id[64];
      memcpy(id, s->skel_from, 64);
      ban_id(m, find_peer(m, id), id, PEER_OFFENCE_INVALID_HEADER, why);
    }
    uint64_t now = uv_now(m->loop);
    double secs = (double)(now - m->sync_started) / 1000.0, rate = secs > 0 ? (double)m->synced / secs : 0.0;
    if (b->save) { /* once a second, with DATADIR/headsync: a restart starts from what the line says */
      m->last_progress = now;
      ethc_log(ETHC_LOG_INFO,
               "header sync: stored #%" PRIu64 "..#%" PRIu64 " (target #%" PRIu64 ", %.0f headers/s, ETA %.0f s)",
               b->from.number + 1, b->to.number, m->target_number, rate,
               rate > 0 ? (double)(m->target_number - m->local.number) / rate : 0.0);
    }
    slot_reset(s);
    memmove(&m->slots[0], &m->slots[1], (m->n_slots - 1) * sizeof *s);
    m->n_slots--;
  }
  free(b->items);
  free(b);
  if (!m->stopping) sync_step(m);
}

/* keccak256 of every item, four at a time (the messages of a batch of headers
 * span the same number of blocks, so keccak256_x4 hashes them side by side). */
static void hash_items(const eth_items_msg_t *msg, ethc_hash_t *out) {
  size_t i = 0;
  for (; i + 4 <= msg->count; i += 4) {
    const uint8_t *d[4];
    size_t len[4];
    uint8_t *o[4];
    for (int k = 0; k < 4; k++) d[k] = msg->items[i + k].data, len[k] = msg->items[i + k].len, o[k] = out[i + k].bytes;
    keccak256_x4(d, len, o);
  }
  for (; i < msg->count; i++) keccak256(msg->items[i].data, msg->items[i].len, out[i].bytes);
}

/* Checks a fill on arrival: the numbers asked, each header linked to the one
 * before (the first one's link, the rules and the seals are checked by the
 * import). Returns the offence or -1, with the reason in why. */
static int check_fill(const slot_t *s, const eth_items_msg_t *msg, ethc_hash_t *hashes, ethc_hash_t *last, char *why,
                      size_t n) {
  if (msg->count > s->count)
    return snprintf(why, n, "%zu headers for %" PRIu64 " asked", msg->count, s->count), PEER_OFFENCE_MALFORMED;
  if (hashes) hash_items(msg, hashes);
  ethc_hash_t prev = {0};
  for (size_t i = 0; i < msg->count; i++) {
    chain_header_t h;
    if (header_decode(msg->items[i].data, msg->items[i].len, &h))
      return snprintf(why, n, "header %zu does not decode", i), PEER_OFFENCE_MALFORMED;
    if (h.number != s->first + i)
      return snprintf(why, n, "header #%" PRIu64 " where #%" PRIu64 " was asked", h.number, s->first + i),
             PEER_OFFENCE_INVALID_HEADER;
    if (i && !ethc_hash_eq(&h.parent_hash, &prev))
      return snprintf(why, n, "header #%" PRIu64 " does not link to its parent", h.number), PEER_OFFENCE_INVALID_HEADER;
    if (hashes) prev = hashes[i];
    else keccak256(msg->items[i].data, msg->items[i].len, prev.bytes);
  }
  *last = prev;
  if (msg->count == s->count && s->skel_trusted && !ethc_hash_eq(&prev, &s->skel))
    return snprintf(why, n, "header #%" PRIu64 " is not --sync.target", s->first + s->count - 1),
           PEER_OFFENCE_INVALID_HEADER;
  return -1;
}

static void on_fill(peer_t *p, const req_t *r, const eth_items_msg_t *msg) {
  struct peers *m = p->m;
  slot_t *s = NULL;
  for (size_t i = 0; i < m->n_slots && !s; i++)
    if (m->slots[i].state == SLOT_ASKED && m->slots[i].peer == p && m->slots[i].first == r->first) s = &m->slots[i];
  if (!s) return; /* the slot was reset meanwhile */
  char why[160];
  ethc_hash_t last;
  ethc_hash_t *hashes = msg->count <= s->count ? calloc(msg->count ? msg->count : 1, sizeof *hashes) : NULL;
  int o = check_fill(s, msg, hashes, &last, why, sizeof why);
  if (o >= 0) {
    free(hashes);
    ban(p, (peer_offence_t)o, why); /* releases s */
    return;
  }
  size_t cap = sizeof m->slots / sizeof m->slots[0];
  if (msg->count == 0 || (msg->count < s->count && m->n_slots == cap)) { /* it lacks them: not asked again */
    if (msg->count == 0) p->head_number = s->first - 1;
    free(hashes);
    slot_reset(s);
    return;
  }
  if (msg->count < s->count) { /* a short answer (a serving limit): the rest is a new slot */
    size_t k = (size_t)(s - m->slots);
    memmove(s + 2, s + 1, (m->n_slots - k - 1) * sizeof *s);
    m->n_slots++;
    slot_t *rest = s + 1;
    *rest = *s;
    rest->first = s->first + msg->count;
    rest->count = s->count - msg->count;
    rest->state = SLOT_EMPTY;
    rest->peer = NULL;
    s->count = msg->count;
    s->skel_known = s->skel_trusted = false;
  }
  size_t total = 0;
  for (size_t i = 0; i < msg->count; i++) total += msg->items[i].len;
  s->buf = malloc(total ? total : 1);
  s->items = calloc(msg->count, sizeof *s->items);
  s->hashes = hashes;
  if (!s->buf || !s->items) {
    slot_reset(s);
    return;
  }
  size_t off = 0;
  for (size_t i = 0; i < msg->count; i++) {
    memcpy(s->buf + off, msg->items[i].data, msg->items[i].len);
    s->items[i] = bytes_view(s->buf + off, msg->items[i].len);
    off += msg->items[i].len;
  }
  s->last_hash = last;
  s->state = SLOT_FILLED;
  s->peer = NULL;
  memcpy(s->filler, rlpx_conn_remote_id(p->conn), 64);
}

/* Every SYNC_BATCH-th header: the hash each full slot must end with. */
static void on_skeleton(peer_t *p, const req_t *r, const eth_items_msg_t *msg) {
  struct peers *m = p->m;
  m->skel_asked = false;
  char why[160];
  if (msg->count > r->amount) {
    snprintf(why, sizeof why, "%zu skeleton headers for %" PRIu64 " asked", msg->count, r->amount);
    ban(p, PEER_OFFENCE_MALFORMED, why);
    return;
  }
  for (size_t k = 0; k < m->n_slots; k++) /* asked once (a short answer is no lie: the skeleton is optional) */
    if (m->slots[k].count == SYNC_BATCH && m->slots[k].first + SYNC_BATCH - 1 >= r->first &&
        m->slots[k].first + SYNC_BATCH - 1 <= r->first + (r->amount - 1) * SYNC_BATCH)
      m->slots[k].skel_tried = true;
  for (size_t i = 0; i < msg->count; i++) {
    chain_header_t h;
    uint64_t want = r->first + i * SYNC_BATCH;
    if (header_decode(msg->items[i].data, msg->items[i].len, &h)) {
      ban(p, PEER_OFFENCE_MALFORMED, "a skeleton header does not decode");
      return;
    }
    if (h.number != want) {
      snprintf(why, sizeof why, "skeleton header #%" PRIu64 " where #%" PRIu64 " was asked", h.number, want);
      ban(p, PEER_OFFENCE_INVALID_HEADER, why);
      return;
    }
    for (size_t k = 0; k < m->n_slots; k++) {
      slot_t *s = &m->slots[k];
      if (s->skel_known || s->first + s->count - 1 != want) continue;
      keccak256(msg->items[i].data, msg->items[i].len, s->skel.bytes);
      memcpy(s->skel_from, rlpx_conn_remote_id(p->conn), 64);
      s->skel_known = true;
    }
  }
}
/* The import of slots[0], on the thread pool. */
static void import_front(struct peers *m) {
  slot_t *s = &m->slots[0];
  batch_t *b = calloc(1, sizeof *b);
  bytes_view_t *items = calloc(s->count, sizeof *items);
  if (!b || !items) {
    free(b), free(items);
    return;
  }
  memcpy(items, s->items, s->count * sizeof *items); /* views into s->buf, kept until batch_done */
  b->items = items;
  b->hashes = s->hashes;
  b->n = s->count;
  b->m = m;
  b->from = m->local;
  uint64_t now = uv_now(m->loop);
  b->save = !m->last_save || now - m->last_save >= SYNC_SAVE_MS || s->first + s->count - 1 >= m->target_number;
  if (b->save) m->last_save = now;
  b->work.data = b;
  s->state = SLOT_IMPORTING;
  m->importing = true;
  if (uv_queue_work(m->loop, &b->work, batch_work, batch_done)) {
    m->importing = false;
    s->state = SLOT_FILLED;
    free(items), free(b);
  }
}

/* The usable peer with the fewest requests in flight whose head reaches `end`. */
static peer_t *pick(struct peers *m, uint64_t end) {
  peer_t *best = NULL;
  for (peer_t *p = m->list; p; p = p->next)
    if (usable(p) && p->head_known && p->head_number >= end && (!best || inflight(p) < inflight(best))) best = p;
  return best;
}

static bool trusted_waiting(struct peers *m) {
  if (uv_now(m->loop) - m->started_at >= SYNC_WAIT_MS) return false;
  size_t up = 0;
  for (peer_t *p = m->list; p; p = p->next) up += p->active && is_trusted(m, p);
  return up < m->o.trusted_count;
}

static void finish(struct peers *m) {
  if (m->done) return;
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

/* The full sync (sync_full.c, which keeps each request's peer, id and time)
 * asks every usable peer for the bodies of the stored headers, while the
 * header sync goes on and after it, as many batches as it gives each (its
 * in-flight limit and window). */
static void full_step(struct peers *m) {
  sync_full_tip_final(m->full, m->done);
  for (peer_t *p = m->list; p; p = p->next) { /* each usable peer, as many as sync_full gives it */
    if (!p->active || p->banned || !p->head_known || p->head_number < m->local.number) continue;
    for (;;) {
      bytes_buf_t out = {0};
      size_t n = 0;
      uint64_t first = 0, id = ++m->next_id;
      int rc = sync_full_request_at(m->full, p, &m->local, id, &out, &n, &first);
      if (rc == 1 && rlpx_send(p->conn, (size_t)p->eth, ETH_MSG_GET_BLOCK_BODIES, out.data, out.len)) {
        sync_full_peer_gone(m->full, p); /* not sent */
        rc = 0;
      }
      bytes_buf_free(&out);
      if (rc != 1) break;
      ethc_log(ETHC_LOG_DEBUG, "full sync: asked %.16s (%s) for the bodies of #%" PRIu64 "..#%" PRIu64, peer_hex(p),
               client_of(p), first, first + n - 1);
    }
    if (m->stopping) return;
  }
}

static void full_done(void *ctx, void *bad_peer) {
  struct peers *m = ctx;
  if (bad_peer) ban(bad_peer, PEER_OFFENCE_MALFORMED, "block bodies that do not match their headers");
  if (!m->stopping) sync_step(m);
}

static void on_bodies(peer_t *p, const uint8_t *data, size_t len) {
  eth_items_msg_t msg = {0};
  if (eth_items_decode(data, len, ETH_ITEMS_BODIES, &msg)) {
    ban(p, PEER_OFFENCE_MALFORMED, "BlockBodies does not decode");
    return;
  }
  if (p->m->full && sync_full_on_bodies(p->m->full, p, msg.request_id, msg.items, msg.count))
    ban(p, PEER_OFFENCE_MALFORMED, "BlockBodies with none or more bodies than asked");
  eth_items_free(&msg);
  if (!p->m->stopping) sync_step(p->m); /* the next batch is asked for while this one imports */
}

/* Fixes the target, plans the slots, asks for the skeleton and the fills,
 * starts the import of the next filled slot; then (--syncmode full) the
 * bodies. Loop thread. */
static void sync_step(struct peers *m) {
  if (!m->o.sync || m->stopping) return;
  if (m->done) {
    if (m->full) full_step(m);
    return;
  }
  if (!m->importing && m->n_slots && m->slots[0].state == SLOT_FILLED) import_front(m);
  if (trusted_waiting(m)) return;
  if (m->o.has_target && !m->target_known) {
    bool asked = false;
    for (peer_t *p = m->list; p; p = p->next)
      for (size_t i = 0; i < PEER_INFLIGHT; i++) asked |= p->reqs[i].kind == REQ_TARGET;
    if (asked) return;
    for (peer_t *p = m->list; p; p = p->next)
      if (usable(p) && !p->no_target) {
        send_get_headers(p, REQ_TARGET, &m->o.target, 0, 1, 0);
        return;
      }
    return;
  }
  if (!m->o.has_target) { /* the best head announced: unverified */
    peer_t *best = NULL;
    for (peer_t *p = m->list; p; p = p->next)
      if (p->active && !p->banned && p->head_known && (!best || p->head_number > best->head_number)) best = p;
    if (best && best->head_number > m->local.number && (!m->target_known || best->head_number > m->target_number)) {
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
    if (!m->target_known && best && m->full && sync_full_behind(m->full, &m->local)) {
      m->target_known = true; /* the headers are in, the blocks are not: execute up to them */
      m->target_number = m->local.number;
      m->target_hash = m->local.hash;
    }
    if (!m->target_known) return;
  }
  sync_progress_headers(&m->progress, &m->local, m->target_number);
  if (m->local.number >= m->target_number && !m->n_slots) {
    finish(m);
    if (m->full) full_step(m);
    return;
  }
  if (!m->sync_started) m->sync_started = m->last_progress = uv_now(m->loop);
  /* plan: slots up to the target */
  while (m->n_slots < SYNC_WINDOW) {
    uint64_t first = m->n_slots ? m->slots[m->n_slots - 1].first + m->slots[m->n_slots - 1].count : m->local.number + 1;
    if (first > m->target_number) break;
    uint64_t left = m->target_number - first + 1;
    slot_t *s = &m->slots[m->n_slots++];
    memset(s, 0, sizeof *s);
    s->first = first;
    s->count = left < SYNC_BATCH ? left : SYNC_BATCH;
    if (m->o.has_target && first + s->count - 1 == m->target_number) {
      s->skel = m->target_hash, s->skel_known = s->skel_trusted = true;
    }
  }
  /* the skeleton: the last headers of the full slots that lack one */
  if (!m->skel_asked) {
    size_t k = 0;
    while (k < m->n_slots && (m->slots[k].skel_known || m->slots[k].skel_tried || m->slots[k].count != SYNC_BATCH)) k++;
    if (k < m->n_slots) {
      uint64_t first = m->slots[k].first + SYNC_BATCH - 1, n = 0;
      for (size_t j = k; j < m->n_slots && m->slots[j].count == SYNC_BATCH; j++) n++;
      peer_t *p = pick(m, first + (n - 1) * SYNC_BATCH);
      if (p && !send_get_headers(p, REQ_SKELETON, NULL, first, n, SYNC_BATCH - 1)) {
        m->skel_asked = true;
        ethc_log(ETHC_LOG_DEBUG, "header sync: asked %.16s (%s) for the skeleton #%" PRIu64 "+%d*k (%" PRIu64 ")",
                 peer_hex(p), client_of(p), first, SYNC_BATCH, n);
      }
    }
  }
  /* the fills, in order, spread over the peers */
  for (size_t i = 0; i < m->n_slots; i++) {
    slot_t *s = &m->slots[i];
    if (s->state != SLOT_EMPTY) continue;
    peer_t *p = pick(m, s->first + s->count - 1);
    if (!p) break;
    if (send_get_headers(p, REQ_FILL, NULL, s->first, s->count, 0)) break;
    s->state = SLOT_ASKED;
    s->peer = p;
    ethc_log(ETHC_LOG_DEBUG, "header sync: asked %.16s (%s) for #%" PRIu64 "..#%" PRIu64, peer_hex(p), client_of(p),
             s->first, s->first + s->count - 1);
  }
  if (m->full) full_step(m); /* the bodies of what is stored, while more headers come */
}

/* ---- messages ---- */

static void on_headers(peer_t *p, const uint8_t *data, size_t len) {
  struct peers *m = p->m;
  eth_items_msg_t msg = {0};
  if (eth_items_decode(data, len, ETH_ITEMS_HEADERS, &msg)) {
    ban(p, PEER_OFFENCE_MALFORMED, "BlockHeaders does not decode");
    return;
  }
  req_t r = {0};
  for (size_t i = 0; i < PEER_INFLIGHT; i++)
    if (p->reqs[i].kind != REQ_NONE && p->reqs[i].id == msg.request_id) r = p->reqs[i], p->reqs[i].kind = REQ_NONE;
  char why[96];
  ethc_hash_t got = {0};
  if (msg.count == 1) keccak256(msg.items[0].data, msg.items[0].len, got.bytes);
  chain_header_t h;
  bool one = msg.count == 1 && !header_decode(msg.items[0].data, msg.items[0].len, &h);
  switch (r.kind) {
    case REQ_NONE:
      snprintf(why, sizeof why, "BlockHeaders with request id %" PRIu64 " not asked", msg.request_id);
      ban(p, PEER_OFFENCE_UNSOLICITED, why);
      break;
    case REQ_FILL: on_fill(p, &r, &msg); break;
    case REQ_SKELETON: on_skeleton(p, &r, &msg); break;
    case REQ_HEAD:
      if (one && ethc_hash_eq(&got, &p->status.head)) {
        p->head_known = true;
        p->head_number = h.number;
      } else if (msg.count == 0) {
        rlpx_disconnect(p->conn, RLPX_DISC_USELESS_PEER); /* its own head unknown to it */
      } else {
        ban(p, PEER_OFFENCE_INVALID_HEADER, "not the header of its Status head");
      }
      break;
    case REQ_TARGET:
      if (one && ethc_hash_eq(&got, &m->o.target)) {
        if (!m->target_known) ethc_log(ETHC_LOG_INFO, "header sync: target #%" PRIu64 " (--sync.target)", h.number);
        m->target_known = true;
        m->target_number = h.number;
        m->target_hash = m->o.target;
        if (!p->head_known || p->head_number < h.number) p->head_known = true, p->head_number = h.number;
      } else if (msg.count == 0) {
        ethc_log(ETHC_LOG_WARN, "header sync: %s does not know --sync.target", client_of(p));
        p->no_target = true;
      } else {
        ban(p, PEER_OFFENCE_INVALID_HEADER, "not the header of --sync.target");
      }
      break;
  }
  eth_items_free(&msg);
  sync_step(m);
}

static void on_status(peer_t *p, const uint8_t *data, size_t len) {
  struct peers *m = p->m;
  eth_status_t ours;
  const char *why = NULL;
  if (eth_status_decode(data, len, &p->status)) {
    ban(p, PEER_OFFENCE_MALFORMED, "Status does not decode");
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
  } else if (ethc_hash_eq(&p->status.head, &ours.genesis)) {
    /* a peer at the genesis: number 0, nothing to ask (a light database
     * could not even answer for its genesis header) */
    p->head_known = true;
    p->head_number = 0;
  } else {
    send_get_headers(p, REQ_HEAD, &p->status.head, 0, 1, 0);
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
  /* what peers ask and get (how a syncing client uses us shows at --verbosity 4) */
  ethc_log(ETHC_LOG_DEBUG, "peers: %s asked %s 0x%02x (%zu bytes): %s 0x%02x (%zu bytes)", client_of(p),
           snap ? "snap" : "eth", (unsigned)code, len, rc ? "not answered, error" : "answered",
           rc ? (unsigned)rc : out_code, out.len);
  if (!rc) rlpx_send(p->conn, (size_t)(snap ? p->snap : p->eth), out_code, out.data, out.len);
  else if (rc != ETHC_ERR_IO && rc != ETHC_ERR_NOMEM && rc != ETHC_ERR_UNSUPPORTED)
    ban(p, PEER_OFFENCE_MALFORMED, "a request that does not decode");
  bytes_buf_free(&out);
}

/* A response to a fetcher's request (its id carries PEERS_FETCH_ID_BIT): handed
 * to the fetcher. Returns true when the message was one. */
static bool fetch_response(peer_t *p, bool snap, uint64_t code, const uint8_t *data, size_t len) {
  if (!p->m->fetch.on_response) return false;
  if (snap ? code % 2 == 0 : code != ETH_MSG_BLOCK_BODIES && code != ETH_MSG_RECEIPTS && code != ETH_MSG_BLOCK_HEADERS)
    return false;
  rlp_item_t top, id;
  uint64_t v;
  size_t used;
  if (rlp_decode(data, len, &top) || !top.is_list || rlp_decode_item(top.payload, top.payload_len, &id, &used) ||
      rlp_get_u64(&id, &v) || !(v & PEERS_FETCH_ID_BIT))
    return false;
  p->m->fetch.on_response(p->m->fetch.ctx, p->conn, snap, (unsigned)code, data, len);
  return true;
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)user;
  peer_t *p = rlpx_conn_data(c);
  if (!p || p->banned) return;
  bool snap = !strcmp(cap->name, "snap");
  if (!p->active) { /* Status must come first */
    if (!snap && code == ETH_MSG_STATUS) on_status(p, data, len);
    else ban(p, PEER_OFFENCE_MALFORMED, "a message before Status");
    return;
  }
  if (fetch_response(p, snap, code, data, len)) return;
  if (snap) {
    if (code % 2 == 0) serve(p, true, code, data, len); /* requests are the even codes */
    return;
  }
  switch (code) {
    case ETH_MSG_STATUS: ban(p, PEER_OFFENCE_MALFORMED, "a second Status"); break;
    case ETH_MSG_GET_BLOCK_HEADERS:
    case ETH_MSG_GET_BLOCK_BODIES:
    case ETH_MSG_GET_RECEIPTS:
    case ETH_MSG_GET_POOLED_TXS: serve(p, false, code, data, len); break;
    case ETH_MSG_BLOCK_HEADERS: on_headers(p, data, len); break;
    case ETH_MSG_BLOCK_BODIES: on_bodies(p, data, len); break;
    case ETH_MSG_BLOCK_RANGE_UPDATE: {
      eth_block_range_t r;
      const char *why;
      if (p->version < 69 || eth_block_range_decode(data, len, &r) || eth_block_range_check(&r, &why)) {
        ban(p, PEER_OFFENCE_MALFORMED, "a bad BlockRangeUpdate");
        break;
      }
      p->head_known = true;
      p->head_number = r.latest;
      p->status.head = r.latest_hash;
      p->status.earliest = r.earliest;
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
  /* never two connections to one node: the later one goes */
  unsigned others = 0; /* past Hello: --maxpeers counts them, static ones too; trusted ones pass */
  for (peer_t *q = m->list; q; q = q->next) {
    if (q == p || !q->ready_at || !rlpx_conn_remote_hello(q->conn)) continue;
    if (!memcmp(rlpx_conn_remote_id(q->conn), rlpx_conn_remote_id(c), 64)) {
      ethc_log(ETHC_LOG_DEBUG, "peers: %s %.16s: already connected", rlpx_conn_initiator(c) ? "dialled" : "inbound",
               peer_hex(p));
      rlpx_disconnect(c, RLPX_DISC_ALREADY_CONNECTED);
      return;
    }
    others += !q->banned;
  }
  unsigned max = m->o.maxpeers ? m->o.maxpeers : 50;
  if (p->reject || (others >= max && !is_trusted(m, p))) {
    rlpx_disconnect(c, RLPX_DISC_TOO_MANY_PEERS);
    return;
  }
  p->eth = rlpx_conn_cap_index(c, "eth");
  p->snap = rlpx_conn_cap_index(c, "snap");
  const peer_ban_t *b = peer_bans_find(&m->bans, rlpx_conn_remote_id(c), uv_now(m->loop));
  if (b) {
    ethc_log(ETHC_LOG_DEBUG, "peers: refused %s: banned for %" PRIu64 " s more (%s)", client_of(p),
             (b->until - uv_now(m->loop)) / 1000, b->reason);
    rlpx_disconnect(c, RLPX_DISC_USELESS_PEER);
    return;
  }
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
  const uint8_t *id = rlpx_conn_remote_id(c);
  peer_set_entry_t *e = id ? peer_set_find(&m->set, id) : NULL;
  if (e && (e->flags & PEER_SET_STATIC) && (p->static_dial || p->active)) /* redialled, with a backoff */
    peer_set_closed(e, p->active, uv_now(m->loop), m->redial_ms);
  if (p->active || p->static_dial)
    ethc_log(ETHC_LOG_INFO, "peers: closed (%s by %s%s%s)", rlpx_disc_reason_str(reason), remote ? "peer" : "us",
             why ? ": " : "", why ? why : "");
  release(m, p);
  sync_full_peer_gone(m->full, p);
  if (m->fetch.on_gone) m->fetch.on_gone(m->fetch.ctx, c);
  free(p);
  publish(m);
  if (!m->stopping) sync_step(m);
}

static peer_t *add_peer(struct peers *m, bool static_dial) {
  peer_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->m = m;
  p->static_dial = static_dial;
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

/* A connection to node `id`, in either direction, past the auth or dialled. */
static bool connected(const struct peers *m, const uint8_t id[64]) {
  for (const peer_t *p = m->list; p; p = p->next) {
    const uint8_t *q = rlpx_conn_remote_id(p->conn);
    if (q && !memcmp(q, id, 64)) return true;
  }
  return false;
}

/* Peers past Hello, for --maxpeers. */
static unsigned ready_count(const struct peers *m) {
  unsigned n = 0;
  for (const peer_t *p = m->list; p; p = p->next) n += p->ready_at && !p->banned;
  return n;
}

/* Dials static node e when it is due: not connected, not banned, and a slot
 * free under --maxpeers unless it is trusted. */
static void dial_static(struct peers *m, peer_set_entry_t *e) {
  uint64_t now = uv_now(m->loop);
  unsigned max = m->o.maxpeers ? m->o.maxpeers : 50;
  const p2p_node_t *n = &e->node;
  if (m->stopping || now < e->redial_at || !n->tcp || connected(m, n->pubkey) ||
      peer_bans_find(&m->bans, n->pubkey, now) || (!(e->flags & PEER_SET_TRUSTED) && ready_count(m) >= max))
    return;
  struct sockaddr_storage a;
  p2p_sockaddr(n->ip, n->tcp, false, &a); /* AF_INET or AF_INET6: a new socket of that family */
  peer_t *p = add_peer(m, true);
  rlpx_conn_t *c = NULL;
  if (!p) return;
  p2p_addr_text(n->ip, n->tcp, p->addr, sizeof p->addr);
  peer_set_dialled(e, now, m->redial_ms); /* not again before the backoff, whatever becomes of this dial */
  if (rlpx_dial(m->loop, &m->cfg, (const struct sockaddr *)&a, n->pubkey, &c)) {
    free(p);
    peer_set_closed(e, false, now, m->redial_ms);
    return;
  }
  link_peer(m, p, c);
}

static void log_node(const char *what, const p2p_node_t *n) {
  char url[ENODE_URL_MAX];
  enode_format(n, url, sizeof url);
  ethc_log(ETHC_LOG_INFO, "peers: %s %s", what, url);
}

int peers_add_static(peers_t *m, const p2p_node_t *n) {
  int rc = peer_set_add(&m->set, n, PEER_SET_STATIC);
  if (rc) return rc;
  log_node(connected(m, n->pubkey) ? "static node (already connected):" : "static node, dialling:", n);
  dial_static(m, peer_set_find(&m->set, n->pubkey));
  return 0;
}

void peers_remove_static(peers_t *m, const p2p_node_t *n) {
  if (peer_set_remove(&m->set, n->pubkey, PEER_SET_STATIC)) log_node("no longer a static node:", n);
  for (peer_t *p = m->list; p; p = p->next) {
    const uint8_t *id = rlpx_conn_remote_id(p->conn);
    if (!id || memcmp(id, n->pubkey, 64) || p->leaving) continue;
    p->leaving = true;
    if (!p->banned) { /* what it was asked fails over to other peers, as for a ban */
      p->banned = true;
      release(m, p);
      if (m->fetch.on_gone) m->fetch.on_gone(m->fetch.ctx, p->conn);
    }
    rlpx_disconnect(p->conn, RLPX_DISC_REQUESTED);
  }
  publish(m);
}

int peers_add_trusted(peers_t *m, const p2p_node_t *n) {
  int rc = peer_set_add(&m->set, n, PEER_SET_TRUSTED);
  if (!rc) log_node("trusted node:", n), publish(m);
  return rc;
}

void peers_remove_trusted(peers_t *m, const p2p_node_t *n) {
  if (peer_set_remove(&m->set, n->pubkey, PEER_SET_TRUSTED)) log_node("no longer a trusted node:", n), publish(m);
}

bool peers_dial(peers_t *m, const p2p_node_t *n) {
  unsigned max = m->o.maxpeers ? m->o.maxpeers : 50;
  if (m->stopping || m->count >= max || !n->tcp || peer_bans_find(&m->bans, n->pubkey, uv_now(m->loop)) ||
      connected(m, n->pubkey))
    return false;
  unsigned dialled = 0; /* discovered peers we dialled: a third of the slots at most, as geth's dial ratio */
  for (peer_t *p = m->list; p; p = p->next) dialled += !p->static_dial && rlpx_conn_initiator(p->conn);
  if (dialled >= (max + 2) / 3) return false;
  struct sockaddr_storage a;
  p2p_sockaddr(n->ip, n->tcp, false, &a);
  peer_t *p = add_peer(m, false);
  rlpx_conn_t *c = NULL;
  if (!p) return false;
  p2p_addr_text(n->ip, n->tcp, p->addr, sizeof p->addr);
  if (rlpx_dial(m->loop, &m->cfg, (const struct sockaddr *)&a, n->pubkey, &c)) {
    free(p);
    return false;
  }
  link_peer(m, p, c);
  return true;
}

static void on_tick(uv_timer_t *t) {
  struct peers *m = t->data;
  uint64_t now = uv_now(m->loop);
  for (size_t i = 0; i < m->set.n; i++) /* each due static node (a ban delays it) */
    if (m->set.v[i].flags & PEER_SET_STATIC) dial_static(m, &m->set.v[i]);
  for (peer_t *p = m->list; p; p = p->next) {
    if (p->ready_at && !p->active && now - p->ready_at > STATUS_TIMEOUT_MS)
      rlpx_disconnect(p->conn, RLPX_DISC_USELESS_PEER); /* no Status */
    else
      for (size_t i = 0; i < PEER_INFLIGHT && !p->banned; i++)
        if (p->reqs[i].kind != REQ_NONE && now - p->reqs[i].at > m->timeout_ms) {
          char why[96];
          snprintf(why, sizeof why, "no BlockHeaders for request %" PRIu64 " in %" PRIu64 " ms", p->reqs[i].id,
                   m->timeout_ms);
          ban(p, PEER_OFFENCE_TIMEOUT, why);
        }
  }
  peer_t *stalled = sync_full_stalled(m->full, now, m->timeout_ms);
  if (stalled) ban(stalled, PEER_OFFENCE_TIMEOUT, "no BlockBodies in time");
  if (m->txex) eth_txex_tick(m->txex);
  sync_step(m);
}

static void on_connection(uv_stream_t *server, int status) {
  struct peers *m = server->data;
  if (status < 0 || m->stopping) return;
  peer_t *p = add_peer(m, false);
  rlpx_conn_t *c = NULL;
  if (!p) return;
  unsigned max = m->o.maxpeers ? m->o.maxpeers : 50;
  p->reject = m->count >= max + HANDSHAKE_EXTRA; /* else on_ready decides, knowing who it is */
  if (rlpx_accept(m->loop, &m->cfg, server, &c)) {
    free(p);
    return;
  }
  struct sockaddr_storage ss;
  uint8_t ip[16];
  uint16_t port;
  if (!rlpx_conn_peer_addr(c, &ss) && p2p_sockaddr_ip((struct sockaddr *)&ss, ip, &port))
    p2p_addr_text(ip, port, p->addr, sizeof p->addr); /* a dual-stack listener's ::ffff:a.b.c.d as a.b.c.d */
  link_peer(m, p, c);
}

int peers_start(uv_loop_t *loop, const peers_opts_t *o, peers_t **out, char *err, size_t errlen) {
  struct peers *m = calloc(1, sizeof *m);
  if (!m) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  m->loop = loop;
  m->o = *o;
  peer_set_init(&m->set);
  for (size_t i = 0; i < o->trusted_count; i++) { /* trusted, and dialled as static nodes */
    int rc = peer_set_add(&m->set, &o->trusted[i], PEER_SET_TRUSTED);
    if (!rc) rc = peer_set_add(&m->set, &o->trusted[i], PEER_SET_STATIC);
    if (rc) {
      peer_set_free(&m->set), free(m);
      return snprintf(err, errlen, "--trusted-peers: %s", rc == ETHC_ERR_LIMIT ? "too many" : "out of memory"), rc;
    }
  }
  m->o.trusted = NULL;
  pthread_mutex_init(&m->lock, NULL);
  peer_bans_init(&m->bans);
  m->bans.base_ms = o->ban_ms;
  m->timeout_ms = o->request_timeout_ms ? o->request_timeout_ms : REQUEST_TIMEOUT_MS;
  m->started_at = uv_now(loop);
  m->redial_ms = o->redial_ms ? o->redial_ms : REDIAL_MS;
  /* eth/68 has 17 message ids; eth/69 adds BlockRangeUpdate; eth/70 changes only the receipts */
  unsigned ev = o->eth_versions & PEERS_ETH_ALL ? o->eth_versions & PEERS_ETH_ALL : PEERS_ETH_DEFAULT;
  size_t np = 0;
  for (uint32_t v = 68; v <= 70; v++)
    if (ev & PEERS_ETH(v)) m->protos[np++] = (rlpx_proto_t){"eth", v, v == 68 ? 17 : ETH_MSG_COUNT};
  m->protos[np++] = (rlpx_proto_t){"snap", 1, SNAP_MSG_COUNT};
  memcpy(m->cfg.key, o->key, 32);
  m->cfg.client_id = o->client_id;
  m->cfg.protos = m->protos;
  m->cfg.n_protos = np;
  m->cfg.cb = (rlpx_callbacks_t){.on_ready = on_ready, .on_msg = on_msg, .on_close = on_close};
  m->cfg.user = m;
  if (o->sync && sync_load(o->chain, &m->local)) ethc_log(ETHC_LOG_WARN, "header sync: cannot read the stored head");
  if (o->sync && m->local.number) ethc_log(ETHC_LOG_INFO, "header sync: starting from #%" PRIu64, m->local.number);
  sync_progress_init(&m->progress, o->chain, o->sync && o->sync_full);
  if (o->sync) sync_progress_tip(&m->progress, &m->local);
  if (o->sync && o->sync_full && sync_full_new(loop, o->chain, o->write_lock, &m->progress, full_done, m, &m->full))
    ethc_log(ETHC_LOG_WARN, "full sync: cannot start (the head is unreadable): headers only");
  uv_tcp_init(loop, &m->listener);
  m->listener.data = m;
  /* [::] taking IPv4 too, or 0.0.0.0 where there is no IPv6 (p2p_sock.h) */
  int fd = p2p_sock_bind(SOCK_STREAM, NULL, o->port, &m->listen6), rc = fd < 0 ? fd : 0;
  if (!rc && (rc = uv_tcp_open(&m->listener, fd))) close(fd);
  if (!rc) rc = uv_listen((uv_stream_t *)&m->listener, 64, on_connection);
  if (rc) {
    snprintf(err, errlen, "cannot listen on TCP port %u: %s", o->port, uv_strerror(rc));
    m->stopping = true;
    uv_close((uv_handle_t *)&m->listener, NULL);
    *out = m;
    return ETHC_ERR_IO;
  }
  m->port = p2p_sock_port(fd);
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
  free(m->bans_json);
  peer_bans_free(&m->bans);
  if (m->unsaved && sync_save(m->o.chain, &m->local)) /* the import ran: the chain is open */
    ethc_log(ETHC_LOG_WARN, "header sync: cannot write the progress file");
  sync_full_free(m->full);
  sync_progress_destroy(&m->progress);
  for (size_t i = 0; i < m->n_slots; i++) slot_reset(&m->slots[i]);
  peer_set_free(&m->set);
  free(m);
}

/* The transaction exchange's ban hook: a peer that sent a bad transaction or a
 * malformed transaction message is banned like any other offender. */
static void txex_ban(void *ctx, rlpx_conn_t *c, peer_offence_t o, const char *why) {
  struct peers *m = ctx;
  peer_t *p = m->list;
  while (p && p->conn != c) p = p->next;
  if (p) ban(p, o, why);
  else rlpx_disconnect(c, RLPX_DISC_BREACH);
}

eth_txex_t *peers_set_txpool(peers_t *m, const eth_tx_pool_t *pool) {
  if (!m->txex && eth_txex_new(m->loop, pool, &m->txex)) m->txex = NULL;
  if (m->txex) eth_txex_set_ban(m->txex, txex_ban, m);
  return m->txex;
}

/* ---- on-demand fetches (p2p_remote.h) ---- */

void peers_set_fetch(peers_t *m, const peers_fetch_hooks_t *hooks) {
  if (hooks) m->fetch = *hooks;
  else memset(&m->fetch, 0, sizeof m->fetch);
}

size_t peers_list(peers_t *m, peers_peer_t *out, size_t cap) {
  size_t n = 0;
  for (peer_t *p = m->list; p && n < cap; p = p->next) {
    if (!p->active || p->banned) continue;
    out[n++] = (peers_peer_t){.conn = p->conn,
                              .id = rlpx_conn_remote_id(p->conn),
                              .eth = p->eth,
                              .snap = p->snap,
                              .version = p->version,
                              .head_known = p->head_known,
                              .earliest = p->version >= 69 ? p->status.earliest : 0,
                              .head = p->head_number};
  }
  return n;
}

void peers_ban_peer(peers_t *m, const uint8_t id[64], peer_offence_t o, const char *why) {
  ban_id(m, find_peer(m, id), id, o, why);
}

uv_loop_t *peers_loop(peers_t *m) { return m->loop; }
