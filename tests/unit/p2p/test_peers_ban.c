/* The peer score in the peer manager (peers.h, peer_score.h): a manager with
 * the header sync on (an empty chain from the ethtest genesis) is dialled by
 * raw RLPx peers that serve the ethtest chain but misbehave, one way each:
 *   - (first, while the manager holds no skeleton) a skeleton (every 192nd
 *     header) with a changed header: its own honest fill, once verified and
 *     stored, shows the skeleton lied,
 *   - a fill whose middle header has a wrong parent hash (caught on arrival),
 *   - a fill whose last header has a broken seal field (a nonce after the
 *     merge: caught by the import's header rules, on the thread pool),
 *   - a BlockHeaders with a request id never asked (unsolicited),
 *   - no answer at all (the request times out),
 * and each is disconnected by the manager and listed in peers_bans_json with
 * its reason; the first liar dialling again is refused at once. Then an honest
 * raw peer that answers at most 100 headers a request completes the sync to
 * #600 (what the liars left is re-fetched; short answers split the slots).
 * Last, a trusted peer that lies is banned and redialled when the ban ends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/peers.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "ethc/sync.h"
#include "test_eth_chain.h"

#define NETWORK 3503995874084926ull

enum { HONEST, LIE_PARENT, LIE_SEAL, LIE_SKELETON, UNSOLICITED, STALL };

static const rlpx_proto_t protos[] = {{"eth", 69, ETH_MSG_COUNT}};

typedef struct {
  uv_loop_t *loop;
  chain_t *server, *client;
  peers_t *peers;
  int mode;
  bool closed, remote;
  int reason;
  unsigned requests;
  bool listener;
  uint64_t ready_at[2]; /* the trusted listener's connections */
} world_t;

/* The chain's answer to a GetBlockHeaders, with the mode's lie in fills. */
static void answer(world_t *w, rlpx_conn_t *c, const uint8_t *data, size_t len) {
  eth_get_headers_t q;
  CHECK(eth_get_headers_decode(data, len, &q) == 0);
  if (w->mode == HONEST && q.amount > 100) q.amount = 100; /* a serving limit: short answers */
  bytes_buf_t out = {0};
  CHECK(eth_serve_headers(w->server, &q, &out) == 0);
  eth_items_msg_t m = {0};
  bool fill = (w->mode == LIE_PARENT || w->mode == LIE_SEAL) && q.skip == 0 && q.amount > 2;
  bool skel = w->mode == LIE_SKELETON && q.skip > 0;
  if ((fill || skel) && eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0 && m.count > (skel ? 0 : 2)) {
    size_t k = w->mode == LIE_PARENT ? m.count / 2 : skel ? 0 : m.count - 1;
    chain_header_t h;
    bytes_buf_t enc = {0}, msg = {0};
    CHECK(header_decode(m.items[k].data, m.items[k].len, &h) == 0);
    if (w->mode == LIE_PARENT) h.parent_hash.bytes[5] ^= 0x40;
    else h.nonce[7] = 1;
    CHECK(header_encode(&h, &enc) == 0);
    m.items[k] = bytes_view(enc.data, enc.len);
    CHECK(eth_items_encode(q.request_id, m.items, m.count, &msg) == 0);
    bytes_buf_free(&out);
    out = msg;
    bytes_buf_free(&enc);
  }
  eth_items_free(&m);
  CHECK(rlpx_send(c, 0, ETH_MSG_BLOCK_HEADERS, out.data, out.len) == 0);
  bytes_buf_free(&out);
}

static void on_ready(rlpx_conn_t *c, void *user) {
  world_t *w = user;
  if (w->listener) { /* test_trusted_redial: the first connection lies, the redial is honest */
    if (w->ready_at[0] && !w->ready_at[1]) w->ready_at[1] = uv_now(w->loop);
    if (!w->ready_at[0]) w->ready_at[0] = uv_now(w->loop);
    if (w->ready_at[1]) w->mode = HONEST;
  }
  eth_status_t s;
  bytes_buf_t b = {0};
  CHECK(eth_status_from_chain(w->server, 69, NETWORK, &s) == 0);
  CHECK(eth_status_encode(&s, &b) == 0);
  CHECK(rlpx_send(c, 0, ETH_MSG_STATUS, b.data, b.len) == 0);
  bytes_buf_free(&b);
  if (w->mode == UNSOLICITED) {
    CHECK(eth_items_encode(999999, NULL, 0, &b) == 0);
    CHECK(rlpx_send(c, 0, ETH_MSG_BLOCK_HEADERS, b.data, b.len) == 0);
    bytes_buf_free(&b);
  }
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)cap;
  world_t *w = user;
  if (code != ETH_MSG_GET_BLOCK_HEADERS) return;
  w->requests++;
  if (w->mode != STALL) answer(w, c, data, len);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  (void)c, (void)why;
  world_t *w = user;
  w->closed = true;
  w->reason = reason;
  w->remote = remote;
  uv_stop(w->loop);
}

static void on_deadline(uv_timer_t *t) { uv_stop(t->loop); }

/* Dials the manager as a raw peer with key byte `key`, runs until the
 * connection closes (or `secs` pass). */
static void dial(world_t *w, int mode, uint8_t key, double secs) {
  w->mode = mode;
  w->closed = w->remote = false;
  w->reason = -1;
  w->requests = 0;
  rlpx_config_t cfg = {.client_id = "test/liar", .protos = protos, .n_protos = 1, .user = w};
  memset(cfg.key, key, 32);
  cfg.cb = (rlpx_callbacks_t){.on_ready = on_ready, .on_msg = on_msg, .on_close = on_close};
  uint8_t sid[64], server_key[32];
  memset(server_key, 0x44, 32);
  ethc_secp256k1_pubkey_create(server_key, sid);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", peers_port(w->peers), &a);
  rlpx_conn_t *c = NULL;
  CHECK(rlpx_dial(w->loop, &cfg, (const struct sockaddr *)&a, sid, &c) == 0);
  uv_timer_t t;
  uv_timer_init(w->loop, &t);
  uv_timer_start(&t, on_deadline, (uint64_t)(secs * 1000), 0);
  uv_run(w->loop, UV_RUN_DEFAULT);
  if (!w->closed) {
    rlpx_disconnect(c, RLPX_DISC_REQUESTED);
    while (!w->closed) uv_run(w->loop, UV_RUN_ONCE);
  }
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(w->loop, UV_RUN_NOWAIT);
}

static void id_hex(uint8_t key, char *out) {
  uint8_t k[32], id[64];
  memset(k, key, 32);
  ethc_secp256k1_pubkey_create(k, id);
  for (int i = 0; i < 64; i++) sprintf(out + 2 * i, "%02x", id[i]);
}

/* The manager's ban list names key's id with `reason` in it. */
static bool banned_for(world_t *w, uint8_t key, const char *reason) {
  char id[129], *json = peers_bans_json(w->peers);
  id_hex(key, id);
  const char *at = json ? strstr(json, id) : NULL;
  const char *end = at ? strchr(at, '}') : NULL;
  const char *r = at ? strstr(at, reason) : NULL;
  bool ok = r && r < end;
  if (!ok) fprintf(stderr, "bans: %s\n", json ? json : "(null)");
  free(json);
  return ok;
}

static void on_accept(uv_stream_t *server, int status) {
  world_t *w = server->data;
  static rlpx_config_t cfg = {.client_id = "test/trusted-liar", .protos = protos, .n_protos = 1};
  memset(cfg.key, 0x66, 32);
  cfg.user = w;
  cfg.cb = (rlpx_callbacks_t){.on_ready = on_ready, .on_msg = on_msg, .on_close = on_close};
  rlpx_conn_t *c = NULL;
  if (!status) CHECK(rlpx_accept(w->loop, &cfg, server, &c) == 0);
}

/* A trusted peer that lies (an unsolicited response) is banned and dialled
 * again once the ban (1.5 s here) is over, not after the redial delay (0.2 s). */
static void test_trusted_redial(world_t *w) {
  uv_tcp_t server;
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(w->loop, &server);
  server.data = w;
  int len = sizeof a;
  CHECK(uv_tcp_bind(&server, (const struct sockaddr *)&a, 0) == 0 &&
        uv_listen((uv_stream_t *)&server, 4, on_accept) == 0 &&
        uv_tcp_getsockname(&server, (struct sockaddr *)&a, &len) == 0);
  p2p_node_t n = {.tcp = ntohs(a.sin_port)};
  uint8_t key[32];
  memset(key, 0x66, 32);
  ethc_secp256k1_pubkey_create(key, n.pubkey);
  const uint8_t lo[4] = {127, 0, 0, 1};
  p2p_ip_from4(n.ip, lo);
  peers_opts_t po = {.chain = w->client,
                     .network_id = NETWORK,
                     .client_id = "ethc/c",
                     .trusted = &n,
                     .trusted_count = 1,
                     .ban_ms = 1500,
                     .redial_ms = 200};
  memset(po.key, 0x45, 32);
  char err[256];
  CHECK_MSG(peers_start(w->loop, &po, &w->peers, err, sizeof err) == 0, "%s", err);
  w->mode = UNSOLICITED;
  w->listener = true;
  memset(w->ready_at, 0, sizeof w->ready_at);
  uv_timer_t t;
  uv_timer_init(w->loop, &t);
  uv_timer_start(&t, on_deadline, 8000, 0);
  while (!w->ready_at[1] && uv_is_active((uv_handle_t *)&t)) uv_run(w->loop, UV_RUN_ONCE);
  CHECK(banned_for(w, 0x66, "unsolicited response"));
  uint64_t gap = w->ready_at[1] - w->ready_at[0];
  CHECK_MSG(w->ready_at[0] && w->ready_at[1] && gap >= 1500 && gap < 4000, "redialled after %llu ms",
            (unsigned long long)gap);
  printf("trusted liar: banned, redialled %llu ms later\n", (unsigned long long)gap);
  uv_close((uv_handle_t *)&t, NULL);
  uv_close((uv_handle_t *)&server, NULL);
  peers_stop(w->peers);
  uv_run(w->loop, UV_RUN_DEFAULT);
  peers_free(w->peers);
}

int main(void) {
  unsigned n = 0;
  chain_t *server = ethtest_open(&n);
  if (!server) return check_summary();
  char dir[64] = "ethc-ban-XXXXXX", genesis[1024], err[512];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  world_t w = {.loop = uv_default_loop(), .server = server};
  CHECK_MSG(chain_open(&o, &w.client, err, sizeof err) == 0, "%s", err);
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  peers_opts_t po = {.chain = w.client,
                     .network_id = NETWORK,
                     .client_id = "ethc/b",
                     .sync = true,
                     .write_lock = &lock,
                     .request_timeout_ms = 1000};
  memset(po.key, 0x44, 32);
  CHECK_MSG(peers_start(w.loop, &po, &w.peers, err, sizeof err) == 0, "%s", err);

  dial(&w, LIE_SKELETON, 0x56, 10);
  CHECK_MSG(w.closed && w.remote && w.reason == RLPX_DISC_BREACH, "skeleton: reason %d remote %d", w.reason, w.remote);
  CHECK(banned_for(&w, 0x56, "is not on the verified chain"));

  dial(&w, LIE_PARENT, 0x51, 10);
  CHECK_MSG(w.closed && w.remote && w.reason == RLPX_DISC_BREACH, "wrong parent: reason %d remote %d", w.reason,
            w.remote);
  CHECK(banned_for(&w, 0x51, "invalid header: header #") && banned_for(&w, 0x51, "does not link to its parent"));

  dial(&w, LIE_SEAL, 0x52, 10);
  CHECK_MSG(w.closed && w.remote && w.reason == RLPX_DISC_BREACH, "broken seal: reason %d remote %d", w.reason,
            w.remote);
  CHECK(banned_for(&w, 0x52, "invalid header: header #"));
  sync_point_t at;
  CHECK(sync_load(w.client, &at) == 0);
  CHECK_MSG(at.number < 600, "stored up to #%llu before the liar", (unsigned long long)at.number);

  dial(&w, UNSOLICITED, 0x53, 10);
  CHECK_MSG(w.closed && w.remote && w.reason == RLPX_DISC_BREACH, "unsolicited: reason %d remote %d", w.reason,
            w.remote);
  CHECK(banned_for(&w, 0x53, "unsolicited response: BlockHeaders with request id 999999"));

  dial(&w, STALL, 0x54, 10);
  CHECK_MSG(w.closed && w.remote && w.reason == RLPX_DISC_USELESS_PEER && w.requests > 0,
            "stall: reason %d remote %d requests %u", w.reason, w.remote, w.requests);
  CHECK(banned_for(&w, 0x54, "request timeout: no BlockHeaders"));

  /* a banned liar comes back: refused before any request */
  dial(&w, HONEST, 0x51, 10);
  CHECK_MSG(w.closed && w.remote && w.reason == RLPX_DISC_USELESS_PEER && w.requests == 0,
            "banned again: reason %d remote %d requests %u", w.reason, w.remote, w.requests);

  /* an honest peer: the sync completes (it stays until #600 is stored) */
  dial(&w, HONEST, 0x55, 1.5);
  CHECK(sync_load(w.client, &at) == 0);
  ethc_hash_t want;
  CHECK(chain_read_canonical_hash(server, 600, &want) == 0);
  CHECK_MSG(at.number == 600 && ethc_hash_eq(&at.hash, &want), "synced to #%llu", (unsigned long long)at.number);
  CHECK(!w.closed || !w.remote);

  peers_stop(w.peers);
  uv_run(w.loop, UV_RUN_DEFAULT);
  peers_free(w.peers);
  test_trusted_redial(&w);
  chain_close(w.client);
  ethtest_close(server);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
