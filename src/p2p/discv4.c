/* The discovery v4 service (devp2p discv4.md) on a libuv UDP handle: answers
 * Ping, FindNode and ENRRequest (the last two only from an endpoint that answered
 * our ping within 12 hours: the amplification defence), keeps the Kademlia table
 * (p2p_kad.h) live by pinging its oldest entry, bootstraps from the bootnodes and
 * runs iterative lookups (alpha = 3 FindNode queries in flight). Never blocks the
 * loop: sends are uv_udp_try_send (a datagram the kernel cannot take is dropped,
 * as UDP may), and every wait is a deadline checked by a timer. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/log.h"
#include "ethc/p2p_discv4.h"
#include "ethc/p2p_kad.h"
#include "ethc/p2p_sock.h"
#include "ethc/secp256k1.h"

#define BOND_EXPIRY_MS (12ull * 3600 * 1000) /* endpoint proofs last 12 hours */
#define RESP_TIMEOUT_MS 500                  /* a reply must come this fast */
#define EXPIRATION_S 20                      /* our packets expire after this */
#define MAX_PENDING 256
#define MAX_BONDS 4096
#define ALPHA 3
#define LOOKUP_CANDIDATES 32
#define OFFER_DELAY_MS 3000 /* a node that just bonded is often dialling us: let that connection show first */
#define MAX_OFFERS 64
#define NEIGHBORS_PER_PACKET 12 /* 12 nodes keep a Neighbors packet under 1280 bytes, IPv6 ones too */

/* What a reply we wait for is for. */
enum { P_BOND, P_REVALIDATE, P_LOOKUP_PING, P_LOOKUP_FIND, P_ENR };

typedef struct {
  bool used;
  uint8_t expect; /* DISCV4_PONG, DISCV4_NEIGHBORS or DISCV4_ENRRESPONSE */
  uint8_t purpose;
  uint8_t hash[32]; /* our ping's or ENRRequest's hash */
  p2p_node_t node;  /* who must answer, at which address */
  uint64_t deadline;
  size_t got; /* neighbors received so far */
} pending_t;

/* What we know of an endpoint (a node id at an IP): when it last answered our
 * ping (its endpoint proof to us) and when it last pinged us (ours to it). */
typedef struct {
  uint8_t id[32], ip[16];
  uint64_t pong_rx, ping_rx;
} bond_t;

enum { C_NEW, C_PINGING, C_WAIT, C_FINDING, C_DONE, C_FAILED };
typedef struct {
  p2p_node_t node;
  int state;
  uint64_t t; /* C_WAIT: when to send FindNode */
} cand_t;

typedef struct {
  bool active;
  uint8_t target_key[64], target_id[32];
  cand_t cand[LOOKUP_CANDIDATES]; /* nearest first */
  size_t count;
} lookup_t;

struct discv4 {
  uv_loop_t *loop;
  uv_udp_t udp;
  uv_timer_t tick, refresh, reval;
  int open_handles;
  bool free_on_close;                       /* discv4_free came before the handles closed */
  uint8_t key[32], pub[64], id[32], ip[16]; /* ip: the announced address (IPv4 mapped, or IPv6) */
  bool sock6;                               /* the socket is AF_INET6 (dual-stack) */
  uint16_t port, tcp_port;
  void (*on_node)(void *ctx, const p2p_node_t *n);
  void *on_node_ctx;
  struct {
    p2p_node_t node;
    uint64_t due;
  } offers[MAX_OFFERS]; /* new table nodes for on_node, after OFFER_DELAY_MS */
  size_t offer_count;
  uint64_t refresh_ms, reval_ms, next_refresh_ms;
  p2p_node_t *boot;
  size_t boot_count;
  uint8_t *eth;
  size_t eth_len;
  pthread_mutex_t lock; /* table and enr: read from other threads */
  kad_table_t table;
  enr_t enr;
  pending_t pending[MAX_PENDING];
  bond_t *bonds;
  size_t bond_count;
  lookup_t lookup;
  uint8_t rbuf[2048];
};

static uint64_t unix_now(void) { return (uint64_t)time(NULL); }

/* ---- bonds ---- */

static bond_t *bond_get(discv4_t *d, const uint8_t id[32], const uint8_t ip[16], bool create) {
  for (size_t i = 0; i < d->bond_count; i++)
    if (!memcmp(d->bonds[i].id, id, 32) && !memcmp(d->bonds[i].ip, ip, 16)) return &d->bonds[i];
  if (!create) return NULL;
  if (d->bond_count == MAX_BONDS) { /* forget the stalest */
    size_t old = 0;
    for (size_t i = 1; i < d->bond_count; i++) {
      uint64_t a = d->bonds[i].pong_rx > d->bonds[i].ping_rx ? d->bonds[i].pong_rx : d->bonds[i].ping_rx;
      uint64_t b = d->bonds[old].pong_rx > d->bonds[old].ping_rx ? d->bonds[old].pong_rx : d->bonds[old].ping_rx;
      if (a < b) old = i;
    }
    d->bonds[old] = d->bonds[--d->bond_count];
  }
  bond_t *b = &d->bonds[d->bond_count++];
  memset(b, 0, sizeof *b);
  memcpy(b->id, id, 32), memcpy(b->ip, ip, 16);
  return b;
}

/* It answered our ping within 12 hours, from this IP. */
static bool has_proof(discv4_t *d, const uint8_t id[32], const uint8_t ip[16]) {
  bond_t *b = bond_get(d, id, ip, false);
  return b && b->pong_rx && uv_now(d->loop) - b->pong_rx < BOND_EXPIRY_MS;
}

/* It pinged us (and got our pong) within 12 hours. */
static bool they_know_us(discv4_t *d, const uint8_t id[32], const uint8_t ip[16]) {
  bond_t *b = bond_get(d, id, ip, false);
  return b && b->ping_rx && uv_now(d->loop) - b->ping_rx < BOND_EXPIRY_MS;
}

/* ---- sending ---- */

static void send_packet(discv4_t *d, discv4_packet_t *p, const uint8_t ip[16], uint16_t port) {
  uint8_t out[DISCV4_MAX_PACKET];
  size_t len = discv4_encode(d->key, p, out);
  if (!len) return;
  struct sockaddr_storage ss;
  p2p_sockaddr(ip, port, d->sock6, &ss);
  uv_buf_t b = uv_buf_init((char *)out, (unsigned)len);
  uv_udp_try_send(&d->udp, &b, 1, (const struct sockaddr *)&ss);
}

static uint64_t local_seq(discv4_t *d) {
  pthread_mutex_lock(&d->lock);
  uint64_t s = d->enr.seq;
  pthread_mutex_unlock(&d->lock);
  return s;
}

static pending_t *pending_new(discv4_t *d) {
  for (size_t i = 0; i < MAX_PENDING; i++)
    if (!d->pending[i].used) {
      memset(&d->pending[i], 0, sizeof d->pending[i]);
      d->pending[i].used = true;
      return &d->pending[i];
    }
  return NULL;
}

/* Pings n and waits for its pong for `purpose`. False when too much is pending. */
static bool send_ping(discv4_t *d, const p2p_node_t *n, int purpose) {
  pending_t *w = pending_new(d);
  if (!w) return false;
  discv4_packet_t p = {.type = DISCV4_PING, .version = 4, .expiration = unix_now() + EXPIRATION_S};
  memcpy(p.from.ip, d->ip, 16);
  p.from.ip_len = p2p_ip_is4(d->ip) ? 4 : 16, p.from.udp = d->port, p.from.tcp = d->tcp_port;
  memcpy(p.to.ip, n->ip, 16);
  p.to.ip_len = p2p_ip_is4(n->ip) ? 4 : 16, p.to.udp = n->udp, p.to.tcp = 0;
  p.has_enr_seq = true, p.enr_seq = local_seq(d);
  send_packet(d, &p, n->ip, n->udp);
  w->expect = DISCV4_PONG;
  w->purpose = (uint8_t)purpose;
  memcpy(w->hash, p.hash, 32);
  w->node = *n;
  w->deadline = uv_now(d->loop) + RESP_TIMEOUT_MS;
  return true;
}

static bool send_findnode(discv4_t *d, const p2p_node_t *n, const uint8_t target[64]) {
  pending_t *w = pending_new(d);
  if (!w) return false;
  discv4_packet_t p = {.type = DISCV4_FINDNODE, .expiration = unix_now() + EXPIRATION_S};
  memcpy(p.target, target, 64);
  send_packet(d, &p, n->ip, n->udp);
  w->expect = DISCV4_NEIGHBORS;
  w->purpose = P_LOOKUP_FIND;
  w->node = *n;
  w->deadline = uv_now(d->loop) + RESP_TIMEOUT_MS;
  return true;
}

/* Asks n for its node record (EIP-868). */
static void send_enrrequest(discv4_t *d, const p2p_node_t *n) {
  pending_t *w = pending_new(d);
  if (!w) return;
  discv4_packet_t p = {.type = DISCV4_ENRREQUEST, .expiration = unix_now() + EXPIRATION_S};
  send_packet(d, &p, n->ip, n->udp);
  w->expect = DISCV4_ENRRESPONSE;
  w->purpose = P_ENR;
  memcpy(w->hash, p.hash, 32);
  w->node = *n;
  w->deadline = uv_now(d->loop) + RESP_TIMEOUT_MS;
}

/* ---- lookups ---- */

static cand_t *cand_find(lookup_t *l, const uint8_t id[32]) {
  for (size_t i = 0; i < l->count; i++)
    if (!memcmp(l->cand[i].node.id, id, 32)) return &l->cand[i];
  return NULL;
}

/* Inserts a node into the candidates by distance (dropping the farthest). */
static void cand_add(discv4_t *d, const p2p_node_t *n) {
  lookup_t *l = &d->lookup;
  if (!memcmp(n->id, d->id, 32) || cand_find(l, n->id)) return;
  size_t pos = l->count;
  while (pos > 0 && kad_cmp_dist(l->target_id, n->id, l->cand[pos - 1].node.id) < 0) pos--;
  if (pos >= LOOKUP_CANDIDATES) return;
  size_t keep = l->count < LOOKUP_CANDIDATES ? l->count : LOOKUP_CANDIDATES - 1;
  memmove(&l->cand[pos + 1], &l->cand[pos], (keep - pos) * sizeof *l->cand);
  l->cand[pos] = (cand_t){.node = *n, .state = C_NEW};
  if (l->count < LOOKUP_CANDIDATES) l->count++;
}

static void lookup_start(discv4_t *d, const uint8_t target_key[64]) {
  lookup_t *l = &d->lookup;
  memset(l, 0, sizeof *l);
  l->active = true;
  memcpy(l->target_key, target_key, 64);
  keccak256_64(target_key, l->target_id);
  p2p_node_t near[KAD_K];
  pthread_mutex_lock(&d->lock);
  size_t n = kad_closest(&d->table, l->target_id, near, KAD_K);
  pthread_mutex_unlock(&d->lock);
  for (size_t i = 0; i < n; i++) cand_add(d, &near[i]);
  if (n == 0)
    for (size_t i = 0; i < d->boot_count; i++) cand_add(d, &d->boot[i]);
  ethc_log(ETHC_LOG_DEBUG, "discv4: lookup from %zu candidates", l->count);
}

/* Starts queries up to ALPHA in flight among the KAD_K nearest; ends the lookup
 * when all of them are answered or failed. */
static void lookup_step(discv4_t *d) {
  lookup_t *l = &d->lookup;
  if (!l->active) return;
  uint64_t now = uv_now(d->loop);
  size_t inflight = 0, fresh = 0, lim = l->count < KAD_K ? l->count : KAD_K;
  for (size_t i = 0; i < l->count; i++) {
    cand_t *c = &l->cand[i];
    if (c->state == C_WAIT && (now >= c->t || they_know_us(d, c->node.id, c->node.ip))) {
      c->state = send_findnode(d, &c->node, l->target_key) ? C_FINDING : C_FAILED;
    }
    if (c->state == C_PINGING || c->state == C_WAIT || c->state == C_FINDING) inflight++;
  }
  for (size_t i = 0; i < lim && inflight < ALPHA; i++) {
    cand_t *c = &l->cand[i];
    if (c->state != C_NEW) continue;
    fresh++;
    if (they_know_us(d, c->node.id, c->node.ip))
      c->state = send_findnode(d, &c->node, l->target_key) ? C_FINDING : C_FAILED;
    else c->state = send_ping(d, &c->node, P_LOOKUP_PING) ? C_PINGING : C_FAILED;
    inflight++;
  }
  for (size_t i = 0; i < lim; i++) fresh += l->cand[i].state == C_NEW;
  if (inflight == 0 && fresh == 0) {
    l->active = false;
    ethc_log(ETHC_LOG_DEBUG, "discv4: lookup done, table has %zu nodes", discv4_table_size(d));
  }
}

/* ---- handling packets ---- */

static void table_add(discv4_t *d, const p2p_node_t *n) {
  pthread_mutex_lock(&d->lock);
  kad_add_t r = kad_add(&d->table, n, uv_now(d->loop));
  pthread_mutex_unlock(&d->lock);
  if (r != KAD_ADDED) return;
  ethc_log(ETHC_LOG_DEBUG, "discv4: table +1 (%zu)", discv4_table_size(d));
  if (d->on_node && d->offer_count < MAX_OFFERS) { /* else the next liveness check offers it */
    d->offers[d->offer_count].node = *n;
    d->offers[d->offer_count++].due = uv_now(d->loop) + OFFER_DELAY_MS;
  }
}

static pending_t *pending_match(discv4_t *d, uint8_t expect, const p2p_node_t *src, const uint8_t *reply);

static void on_ping(discv4_t *d, const discv4_packet_t *p, const p2p_node_t *src) {
  discv4_packet_t r = {.type = DISCV4_PONG, .expiration = unix_now() + EXPIRATION_S};
  memcpy(r.to.ip, src->ip, 16);
  r.to.ip_len = p2p_ip_is4(src->ip) ? 4 : 16, r.to.udp = src->udp, r.to.tcp = p->from.tcp;
  memcpy(r.reply, p->hash, 32);
  r.has_enr_seq = true, r.enr_seq = local_seq(d);
  send_packet(d, &r, src->ip, src->udp);
  bond_t *b = bond_get(d, src->id, src->ip, true);
  b->ping_rx = uv_now(d->loop);
  p2p_node_t n = *src;
  n.tcp = p->from.tcp ? p->from.tcp : src->udp;
  if (has_proof(d, src->id, src->ip)) table_add(d, &n);
  else if (!pending_match(d, DISCV4_PONG, &n, NULL)) /* one ping in flight per endpoint, whatever the flood */
    send_ping(d, &n, P_BOND);                        /* get its endpoint proof; it joins the table on the pong */
}

static pending_t *pending_match(discv4_t *d, uint8_t expect, const p2p_node_t *src, const uint8_t *reply) {
  for (size_t i = 0; i < MAX_PENDING; i++) {
    pending_t *w = &d->pending[i];
    if (w->used && w->expect == expect && !memcmp(w->node.id, src->id, 32) && !memcmp(w->node.ip, src->ip, 16) &&
        (!reply || !memcmp(w->hash, reply, 32)))
      return w;
  }
  return NULL;
}

static void on_pong(discv4_t *d, const discv4_packet_t *p, const p2p_node_t *src) {
  pending_t *w = pending_match(d, DISCV4_PONG, src, p->reply);
  if (!w) return; /* unsolicited, or not the hash of our ping */
  w->used = false;
  bond_t *b = bond_get(d, src->id, src->ip, true);
  b->pong_rx = uv_now(d->loop);
  p2p_node_t n = w->node;
  memcpy(n.pubkey, src->pubkey, 64); /* the key that signed: its id is the one we pinged */
  if (w->purpose == P_REVALIDATE) {
    pthread_mutex_lock(&d->lock);
    kad_checked(&d->table, n.id, p->has_enr_seq ? p->enr_seq : 0, uv_now(d->loop));
    pthread_mutex_unlock(&d->lock);
    if (d->on_node) d->on_node(d->on_node_ctx, &n); /* alive: offered again (a dial that failed is retried) */
  } else {
    table_add(d, &n);
  }
  /* a newer record than the one we hold: fetch it */
  pthread_mutex_lock(&d->lock);
  kad_entry_t *e = kad_find(&d->table, n.id);
  if (e && p->has_enr_seq) e->enr_seq = p->enr_seq;
  bool fetch = e && p->has_enr_seq && p->enr_seq > (e->has_enr ? e->enr.seq : 0);
  pthread_mutex_unlock(&d->lock);
  if (fetch) send_enrrequest(d, &n);
  if (w->purpose == P_REVALIDATE) return;
  if (w->purpose == P_LOOKUP_PING && d->lookup.active) {
    cand_t *c = cand_find(&d->lookup, n.id);
    /* wait a moment for its ping, so that it knows us when our FindNode comes */
    if (c && c->state == C_PINGING) c->state = C_WAIT, c->t = uv_now(d->loop) + RESP_TIMEOUT_MS / 2;
    lookup_step(d);
  }
}

static void on_findnode(discv4_t *d, const discv4_packet_t *p, const p2p_node_t *src) {
  if (!has_proof(d, src->id, src->ip)) return; /* no endpoint proof: no amplification */
  uint8_t target[32];
  keccak256_64(p->target, target);
  p2p_node_t near[KAD_K];
  pthread_mutex_lock(&d->lock);
  size_t n = kad_closest(&d->table, target, near, KAD_K);
  pthread_mutex_unlock(&d->lock);
  for (size_t i = 0; i < n || i == 0; i += NEIGHBORS_PER_PACKET) {
    discv4_packet_t r = {.type = DISCV4_NEIGHBORS, .expiration = unix_now() + EXPIRATION_S};
    for (size_t k = i; k < n && k < i + NEIGHBORS_PER_PACKET; k++) {
      memcpy(r.nodes[r.node_count].ep.ip, near[k].ip, 16);
      r.nodes[r.node_count].ep.ip_len = p2p_ip_is4(near[k].ip) ? 4 : 16;
      r.nodes[r.node_count].ep.udp = near[k].udp, r.nodes[r.node_count].ep.tcp = near[k].tcp;
      memcpy(r.nodes[r.node_count].pubkey, near[k].pubkey, 64);
      r.node_count++;
    }
    send_packet(d, &r, src->ip, src->udp);
    if (n == 0) break;
  }
}

static void on_neighbors(discv4_t *d, const discv4_packet_t *p, const p2p_node_t *src) {
  pending_t *w = pending_match(d, DISCV4_NEIGHBORS, src, NULL);
  if (!w) return; /* unsolicited: ignored */
  w->got += p->node_count;
  for (size_t i = 0; i < p->node_count && d->lookup.active; i++) {
    p2p_node_t n = {0};
    if (!p2p_pubkey_valid(p->nodes[i].pubkey) || !p->nodes[i].ep.ip_len || !p->nodes[i].ep.udp) continue;
    memcpy(n.pubkey, p->nodes[i].pubkey, 64);
    p2p_node_id(n.pubkey, n.id);
    memcpy(n.ip, p->nodes[i].ep.ip, 16);
    n.udp = p->nodes[i].ep.udp, n.tcp = p->nodes[i].ep.tcp;
    cand_add(d, &n);
  }
  if (w->got >= KAD_K) { /* all a query can bring */
    w->used = false;
    cand_t *c = d->lookup.active ? cand_find(&d->lookup, src->id) : NULL;
    if (c && c->state == C_FINDING) c->state = C_DONE;
  }
  lookup_step(d);
}

static void on_enrrequest(discv4_t *d, const discv4_packet_t *p, const p2p_node_t *src) {
  if (!has_proof(d, src->id, src->ip)) return;
  discv4_packet_t r = {.type = DISCV4_ENRRESPONSE};
  memcpy(r.reply, p->hash, 32);
  discv4_local_enr(d, &r.enr);
  send_packet(d, &r, src->ip, src->udp);
}

static void on_enrresponse(discv4_t *d, const discv4_packet_t *p, const p2p_node_t *src) {
  pending_t *w = pending_match(d, DISCV4_ENRRESPONSE, src, p->reply);
  if (!w) return;
  w->used = false;
  if (!p->enr_ok || memcmp(p->enr.id, src->id, 32)) return; /* not a valid record of the sender */
  pthread_mutex_lock(&d->lock);
  kad_entry_t *e = kad_find(&d->table, src->id);
  if (e && (!e->has_enr || p->enr.seq > e->enr.seq)) e->enr = p->enr, e->has_enr = true;
  pthread_mutex_unlock(&d->lock);
}

static void on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr, unsigned flags) {
  (void)buf, (void)flags;
  discv4_t *d = h->data;
  if (nread <= 0 || !addr || (size_t)nread > DISCV4_MAX_PACKET) return;
  static __thread discv4_packet_t p; /* large: kept off the stack */
  if (discv4_decode(d->rbuf, (size_t)nread, &p)) return;
  p2p_node_t src = {0};
  if (!p2p_sockaddr_ip(addr, src.ip, &src.udp)) return; /* ::ffff:a.b.c.d: an IPv4 sender */
  memcpy(src.pubkey, p.sender, 64);
  p2p_node_id(src.pubkey, src.id);
  if (!memcmp(src.id, d->id, 32)) return; /* our own packet */
  if (p.type != DISCV4_ENRRESPONSE && discv4_expired(p.expiration, unix_now())) return;
  switch (p.type) {
    case DISCV4_PING: on_ping(d, &p, &src); break;
    case DISCV4_PONG: on_pong(d, &p, &src); break;
    case DISCV4_FINDNODE: on_findnode(d, &p, &src); break;
    case DISCV4_NEIGHBORS: on_neighbors(d, &p, &src); break;
    case DISCV4_ENRREQUEST: on_enrrequest(d, &p, &src); break;
    default: on_enrresponse(d, &p, &src); break;
  }
}

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  (void)size;
  discv4_t *d = h->data;
  *buf = uv_buf_init((char *)d->rbuf, sizeof d->rbuf);
}

/* ---- timers ---- */

static void on_tick(uv_timer_t *t) {
  discv4_t *d = t->data;
  uint64_t now = uv_now(d->loop);
  for (size_t i = 0; i < d->offer_count;) {
    if (now < d->offers[i].due) {
      i++;
      continue;
    }
    p2p_node_t n = d->offers[i].node;
    d->offers[i] = d->offers[--d->offer_count];
    d->on_node(d->on_node_ctx, &n);
  }
  for (size_t i = 0; i < MAX_PENDING; i++) {
    pending_t *w = &d->pending[i];
    if (!w->used || now < w->deadline) continue;
    w->used = false;
    if (w->purpose == P_REVALIDATE) {
      pthread_mutex_lock(&d->lock);
      bool gone = kad_remove(&d->table, w->node.id);
      pthread_mutex_unlock(&d->lock);
      if (gone) ethc_log(ETHC_LOG_DEBUG, "discv4: dropped an unresponsive node");
    } else if (d->lookup.active && (w->purpose == P_LOOKUP_PING || w->purpose == P_LOOKUP_FIND)) {
      cand_t *c = cand_find(&d->lookup, w->node.id);
      if (c && (c->state == C_PINGING || c->state == C_FINDING))
        c->state = w->purpose == P_LOOKUP_FIND && w->got ? C_DONE : C_FAILED;
    }
  }
  lookup_step(d);
}

static void random_lookup(discv4_t *d, bool self) {
  uint8_t target[64];
  if (self || getrandom(target, 64, 0) != 64) memcpy(target, d->pub, 64);
  lookup_start(d, target);
  lookup_step(d);
}

/* Lookups: often while the table is small (5 s, doubling), then every refresh_ms. */
static void on_refresh(uv_timer_t *t) {
  discv4_t *d = t->data;
  size_t size = discv4_table_size(d);
  if (size == 0)
    for (size_t i = 0; i < d->boot_count; i++) send_ping(d, &d->boot[i], P_BOND);
  if (!d->lookup.active) random_lookup(d, d->next_refresh_ms <= 5000);
  uint64_t next = size < KAD_K ? d->next_refresh_ms * 2 : d->refresh_ms;
  if (next > d->refresh_ms) next = d->refresh_ms;
  d->next_refresh_ms = next;
  uv_timer_start(&d->refresh, on_refresh, next, 0);
}

static void on_reval(uv_timer_t *t) {
  discv4_t *d = t->data;
  pthread_mutex_lock(&d->lock);
  kad_entry_t *e = kad_next_check(&d->table);
  p2p_node_t n;
  if (e) n = e->node, e->checked_ms = uv_now(d->loop); /* not picked again while in flight */
  pthread_mutex_unlock(&d->lock);
  if (e) send_ping(d, &n, P_REVALIDATE);
}

/* ---- life cycle ---- */

static int sign_enr(discv4_t *d, uint64_t seq) {
  enr_fields_t f = {.eth = d->eth, .eth_len = d->eth_len};
  if (p2p_ip_is4(d->ip)) f.ip = d->ip + 12, f.udp = d->port, f.tcp = d->tcp_port;
  else f.ip6 = d->ip, f.udp6 = d->port, f.tcp6 = d->tcp_port;
  enr_t e;
  int rc = enr_sign(d->key, seq, &f, &e);
  if (rc) return rc;
  pthread_mutex_lock(&d->lock);
  d->enr = e;
  pthread_mutex_unlock(&d->lock);
  return 0;
}

static void free_all(discv4_t *d) {
  pthread_mutex_destroy(&d->lock);
  free(d->boot);
  free(d->eth);
  free(d->bonds);
  memset(d->key, 0, 32);
  free(d);
}

static void on_closed(uv_handle_t *h) {
  discv4_t *d = h->data;
  if (--d->open_handles == 0 && d->free_on_close) free_all(d);
}

int discv4_start(void *loop, const discv4_opts_t *o, discv4_t **out, char *err, size_t errlen) {
  discv4_t *d = calloc(1, sizeof *d);
  if (!d) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  d->bonds = calloc(MAX_BONDS, sizeof *d->bonds);
  d->boot = o->bootnode_count ? calloc(o->bootnode_count, sizeof *d->boot) : NULL;
  d->eth = o->eth_entry_len ? malloc(o->eth_entry_len) : NULL;
  pthread_mutex_init(&d->lock, NULL);
  if (!d->bonds || (o->bootnode_count && !d->boot) || (o->eth_entry_len && !d->eth)) {
    free_all(d);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  d->loop = loop;
  memcpy(d->key, o->key, 32);
  if (ethc_secp256k1_pubkey_create(d->key, d->pub)) {
    free_all(d);
    return snprintf(err, errlen, "invalid node key"), ETHC_ERR_INVALID;
  }
  p2p_node_id(d->pub, d->id);
  kad_init(&d->table, d->id);
  if (o->bootnode_count) memcpy(d->boot, o->bootnodes, o->bootnode_count * sizeof *d->boot);
  d->boot_count = o->bootnode_count;
  if (o->eth_entry_len) memcpy(d->eth, o->eth_entry, o->eth_entry_len), d->eth_len = o->eth_entry_len;
  static const uint8_t loopback[4] = {127, 0, 0, 1};
  if (o->ip) memcpy(d->ip, o->ip, 16);
  else p2p_ip_from4(d->ip, loopback);
  d->on_node = o->on_node, d->on_node_ctx = o->on_node_ctx;
  d->refresh_ms = o->refresh_ms ? o->refresh_ms : 30 * 60 * 1000;
  d->reval_ms = o->revalidate_ms ? o->revalidate_ms : 5000;
  d->next_refresh_ms = 1000;

  /* [::] with IPv4 mapped in, or 0.0.0.0 without IPv6 (p2p_sock.h) */
  int fd = p2p_sock_bind(SOCK_DGRAM, o->bind_addr, o->port, &d->sock6);
  if (fd == -EINVAL && o->bind_addr) {
    free_all(d);
    return snprintf(err, errlen, "--port: bad address %s", o->bind_addr), ETHC_ERR_INVALID;
  }
  if (fd < 0) {
    snprintf(err, errlen, "cannot listen on UDP port %u: %s", o->port, uv_strerror(fd));
    free_all(d);
    return ETHC_ERR_IO;
  }
  uv_udp_init(loop, &d->udp);
  d->udp.data = d;
  d->open_handles = 1;
  int rc = uv_udp_open(&d->udp, fd);
  if (rc) {
    close(fd);
    snprintf(err, errlen, "cannot listen on UDP port %u: %s", o->port, uv_strerror(rc));
    d->free_on_close = true;
    uv_close((uv_handle_t *)&d->udp, on_closed);
    return ETHC_ERR_IO;
  }
  d->port = p2p_sock_port(fd);
  d->tcp_port = o->tcp_port ? o->tcp_port : d->port;
  if (sign_enr(d, unix_now())) { /* seconds since 1970: grows across restarts */
    snprintf(err, errlen, "cannot sign the node record");
    d->free_on_close = true;
    uv_close((uv_handle_t *)&d->udp, on_closed);
    return ETHC_ERR_INVALID;
  }
  uv_timer_init(loop, &d->tick);
  uv_timer_init(loop, &d->refresh);
  uv_timer_init(loop, &d->reval);
  d->tick.data = d->refresh.data = d->reval.data = d;
  d->open_handles = 4;
  uv_udp_recv_start(&d->udp, on_alloc, on_recv);
  for (size_t i = 0; i < d->boot_count; i++) send_ping(d, &d->boot[i], P_BOND);
  uv_timer_start(&d->tick, on_tick, 100, 100);
  uv_timer_start(&d->refresh, on_refresh, d->next_refresh_ms, 0);
  uv_timer_start(&d->reval, on_reval, d->reval_ms, d->reval_ms);
  *out = d;
  return 0;
}

void discv4_stop(discv4_t *d) {
  if (!d) return;
  uv_udp_recv_stop(&d->udp);
  uv_close((uv_handle_t *)&d->udp, on_closed);
  uv_close((uv_handle_t *)&d->tick, on_closed);
  uv_close((uv_handle_t *)&d->refresh, on_closed);
  uv_close((uv_handle_t *)&d->reval, on_closed);
}

void discv4_free(discv4_t *d) {
  if (!d) return;
  if (d->open_handles == 0) free_all(d);
  else d->free_on_close = true;
}

uint16_t discv4_port(const discv4_t *d) { return d->port; }

int discv4_set_eth_entry(discv4_t *d, const uint8_t *value, size_t len) {
  uint8_t *v = len ? malloc(len) : NULL;
  if (len && !v) return ETHC_ERR_NOMEM;
  if (len) memcpy(v, value, len);
  uint8_t *old = d->eth;
  size_t old_len = d->eth_len;
  d->eth = v, d->eth_len = len;
  int rc = sign_enr(d, local_seq(d) + 1);
  if (rc) {
    d->eth = old, d->eth_len = old_len;
    free(v);
    return rc;
  }
  free(old);
  return 0;
}

int discv4_set_tcp_port(discv4_t *d, uint16_t tcp_port) {
  uint16_t old = d->tcp_port;
  d->tcp_port = tcp_port;
  int rc = sign_enr(d, local_seq(d) + 1);
  if (rc) d->tcp_port = old;
  return rc;
}

void discv4_local_enr(discv4_t *d, enr_t *out) {
  pthread_mutex_lock(&d->lock);
  *out = d->enr;
  pthread_mutex_unlock(&d->lock);
}

size_t discv4_table_size(discv4_t *d) {
  pthread_mutex_lock(&d->lock);
  size_t n = kad_size(&d->table);
  pthread_mutex_unlock(&d->lock);
  return n;
}

bool discv4_node_record(discv4_t *d, const uint8_t id[32], enr_t *out) {
  pthread_mutex_lock(&d->lock);
  kad_entry_t *e = kad_find(&d->table, id);
  bool ok = e && e->has_enr;
  if (ok) *out = e->enr;
  pthread_mutex_unlock(&d->lock);
  return ok;
}

size_t discv4_table_nodes(discv4_t *d, p2p_node_t *out, size_t max) {
  size_t n = 0;
  pthread_mutex_lock(&d->lock);
  for (size_t k = 0; k < KAD_BUCKETS; k++)
    for (size_t i = 0; i < d->table.buckets[k].count && n < max; i++) out[n++] = d->table.buckets[k].entries[i].node;
  pthread_mutex_unlock(&d->lock);
  return n;
}

bool discv4_add_node(discv4_t *d, const p2p_node_t *n) {
  if (!d || uv_is_closing((uv_handle_t *)&d->udp) || !n->udp) return false;
  return send_ping(d, n, P_BOND);
}
