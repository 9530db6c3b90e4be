/* The peer manager and the header sync's storage side (peers.h, sync.h) against
 * the ethtest chain: sync_import_batch takes linked headers and refuses a gap
 * or a broken parent link; headsync round-trips. Then a peer manager serving
 * the chain on 127.0.0.1, dialled by raw RLPx connections: a Status from
 * another network gets Disconnect (subprotocol error); after a good Status a
 * GetBlockHeaders is answered with its request id; a malformed request gets
 * Disconnect (breach of protocol); a second peer over --maxpeers 1 gets
 * Disconnect (too many peers); a second connection from one node gets
 * Disconnect (already connected). Last, a manager with the header sync on dials
 * one, then two serving managers and syncs all 600 headers (skeleton and fills
 * spread over both; the import on libuv's thread pool while the loop serves:
 * the TSan build checks that). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/eth_wire.h"
#include "ethc/p2p_node.h"
#include "ethc/peers.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "ethc/sync.h"
#include "test_eth_chain.h"

static const rlpx_proto_t protos[] = {{"eth", 69, ETH_MSG_COUNT}};

typedef struct {
  uv_loop_t *loop;
  chain_t *chain;
  peers_t *peers;
  int mode; /* 0: bad network, 1: good status then a request, then garbage, 2: two peers, maxpeers 1, 3: one node twice */
  int close_reason;
  bool close_remote, closed;
  uint64_t got_id;
  size_t got_count;
} world_t;

static void on_ready(rlpx_conn_t *c, void *user) {
  world_t *w = user;
  eth_status_t s;
  bytes_buf_t b = {0};
  CHECK(eth_status_from_chain(w->chain, 69, 3503995874084926ull, &s) == 0);
  if (w->mode == 0) s.network_id = 1;
  CHECK(eth_status_encode(&s, &b) == 0);
  CHECK(rlpx_send(c, 0, ETH_MSG_STATUS, b.data, b.len) == 0);
  bytes_buf_free(&b);
  if (w->mode == 1) {
    eth_get_headers_t q = {.request_id = 4242, .number = 10, .amount = 5};
    CHECK(eth_get_headers_encode(&q, &b) == 0);
    CHECK(rlpx_send(c, 0, ETH_MSG_GET_BLOCK_HEADERS, b.data, b.len) == 0);
    bytes_buf_free(&b);
  }
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)cap;
  world_t *w = user;
  if (code != ETH_MSG_BLOCK_HEADERS) return;
  eth_items_msg_t m = {0};
  CHECK(eth_items_decode(data, len, ETH_ITEMS_HEADERS, &m) == 0);
  w->got_id = m.request_id;
  w->got_count = m.count;
  eth_items_free(&m);
  CHECK(rlpx_send(c, 0, ETH_MSG_GET_BLOCK_HEADERS, (const uint8_t *)"\xc3\x01\xc0", 3) == 0); /* malformed */
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  (void)c, (void)why;
  world_t *w = user;
  if (w->closed) return; /* the first close counts */
  w->close_reason = reason;
  w->close_remote = remote;
  w->closed = true;
  peers_stop(w->peers);
}

static void dial(world_t *w, int mode) {
  w->mode = mode;
  w->closed = false;
  w->got_id = 0;
  peers_opts_t po = {.chain = w->chain,
                     .network_id = 3503995874084926ull,
                     .client_id = "ethc/test",
                     .maxpeers = mode == 2 ? 1 : 5};
  memset(po.key, 0x11, 32);
  char err[256];
  CHECK_MSG(peers_start(w->loop, &po, &w->peers, err, sizeof err) == 0, "%s", err);
  rlpx_config_t cfg = {.client_id = "test/peer", .protos = protos, .n_protos = 1, .user = w};
  memset(cfg.key, 0x22, 32);
  cfg.cb = (rlpx_callbacks_t){.on_ready = on_ready, .on_msg = on_msg, .on_close = on_close};
  uint8_t sid[64];
  ethc_secp256k1_pubkey_create(po.key, sid);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", peers_port(w->peers), &a);
  rlpx_conn_t *c = NULL;
  CHECK(rlpx_dial(w->loop, &cfg, (const struct sockaddr *)&a, sid, &c) == 0);
  if (mode == 2 || mode == 3) {
    memset(cfg.key, mode == 2 ? 0x23 : 0x22, 32);
    CHECK(rlpx_dial(w->loop, &cfg, (const struct sockaddr *)&a, sid, &c) == 0);
  }
  uv_run(w->loop, UV_RUN_DEFAULT);
  peers_free(w->peers);
  w->peers = NULL;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

typedef struct {
  chain_t *client;
  peers_t *a, *a2, *b;
  uv_timer_t poll;
  int polls;
  sync_point_t at;
} sync_world_t;

static void on_poll(uv_timer_t *t) {
  sync_world_t *s = t->data;
  CHECK(sync_load(s->client, &s->at) == 0);
  if (s->at.number < 600 && ++s->polls < 2000) return; /* 20 s at most */
  uv_timer_stop(t);
  uv_close((uv_handle_t *)t, NULL);
  peers_stop(s->a);
  if (s->a2) peers_stop(s->a2);
  peers_stop(s->b);
}

/* A manager syncs from `servers` (1 or 2) managers serving the chain. */
static void test_sync(uv_loop_t *loop, chain_t *server, int servers) {
  char dir[64] = "ethc-peers-XXXXXX", genesis[1024], err[512];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  sync_world_t s = {0};
  CHECK_MSG(chain_open(&o, &s.client, err, sizeof err) == 0, "%s", err);
  if (!s.client) return;
  peers_opts_t pa = {.chain = server, .network_id = 3503995874084926ull, .client_id = "ethc/a"};
  memset(pa.key, 0x33, 32);
  CHECK_MSG(peers_start(loop, &pa, &s.a, err, sizeof err) == 0, "%s", err);
  p2p_node_t n[2] = {{.tcp = peers_port(s.a)}};
  ethc_secp256k1_pubkey_create(pa.key, n[0].pubkey);
  const uint8_t lo[4] = {127, 0, 0, 1};
  p2p_ip_from4(n[0].ip, lo);
  if (servers == 2) {
    memset(pa.key, 0x35, 32);
    pa.client_id = "ethc/a2";
    CHECK_MSG(peers_start(loop, &pa, &s.a2, err, sizeof err) == 0, "%s", err);
    n[1].tcp = peers_port(s.a2);
    ethc_secp256k1_pubkey_create(pa.key, n[1].pubkey);
    p2p_ip_from4(n[1].ip, lo);
  }
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  peers_opts_t pb = {.chain = s.client,
                     .network_id = 3503995874084926ull,
                     .client_id = "ethc/b",
                     .trusted = n,
                     .trusted_count = (size_t)servers,
                     .sync = true,
                     .write_lock = &lock};
  memset(pb.key, 0x44, 32);
  CHECK_MSG(peers_start(loop, &pb, &s.b, err, sizeof err) == 0, "%s", err);
  uv_timer_init(loop, &s.poll);
  s.poll.data = &s;
  uv_timer_start(&s.poll, on_poll, 10, 10);
  double t0 = now_ms();
  uv_run(loop, UV_RUN_DEFAULT);
  printf("synced from %d peer(s): #%llu in %.1f ms (dial, handshakes and sync)\n", servers,
         (unsigned long long)s.at.number, now_ms() - t0);
  ethc_hash_t want;
  CHECK(chain_read_canonical_hash(server, 600, &want) == 0);
  CHECK_MSG(s.at.number == 600 && ethc_hash_eq(&s.at.hash, &want), "synced to #%llu", (unsigned long long)s.at.number);
  peers_free(s.a);
  peers_free(s.a2);
  peers_free(s.b);
  chain_close(s.client);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

/* The manager serves on the loop's thread: how long the largest requests take. */
static void time_serving(chain_t *server) {
  eth_get_headers_t q = {.request_id = 1, .number = 0, .amount = ETH_MAX_HEADERS_SERVE};
  bytes_buf_t out = {0};
  eth_items_msg_t m = {0};
  double t0 = now_ms();
  CHECK(eth_serve_headers(server, &q, &out) == 0);
  double t1 = now_ms();
  CHECK(eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0 && m.count == 601);
  ethc_hash_t *hashes = calloc(m.count, sizeof *hashes);
  for (size_t i = 0; hashes && i < m.count; i++) keccak256(m.items[i].data, m.items[i].len, hashes[i].bytes);
  eth_hash_request_t r = {.request_id = 2, .hashes = hashes, .count = m.count};
  bytes_buf_t bodies = {0}, receipts = {0};
  double t2 = now_ms();
  CHECK(hashes && eth_serve_bodies(server, &r, &bodies) == 0);
  double t3 = now_ms();
  CHECK(eth_serve_receipts(server, 69, &r, &receipts) == 0);
  double t4 = now_ms();
  printf(
      "serving on the loop: 601 headers %.2f ms (%zu bytes), 601 bodies %.2f ms (%zu bytes), receipts %.2f ms "
      "(%zu bytes)\n",
      t1 - t0, out.len, t3 - t2, bodies.len, t4 - t3, receipts.len);
  free(hashes);
  eth_items_free(&m);
  bytes_buf_free(&out);
  bytes_buf_free(&bodies);
  bytes_buf_free(&receipts);
}

static void test_batches(chain_t *server) {
  char dir[64] = "ethc-peers-XXXXXX", genesis[1024];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  char err[512], why[300];
  chain_t *c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (!c) return;
  eth_get_headers_t q = {.request_id = 1, .number = 1, .amount = 12};
  bytes_buf_t out = {0};
  eth_items_msg_t m = {0};
  CHECK(eth_serve_headers(server, &q, &out) == 0 && eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0 &&
        m.count == 12);
  if (m.count != 12) return;
  sync_point_t from, to, genesis_point;
  CHECK(sync_load(c, &from) == 0 && from.number == 0);
  genesis_point = from;
  /* a gap (#1, #3) and a broken link (#2 after genesis) are refused */
  bytes_view_t gap[2] = {m.items[0], m.items[2]};
  CHECK(sync_import_batch(c, &from, gap, 2, &to, why, sizeof why) == ETHC_ERR_INVALID && to.number == 1);
  CHECK(strstr(why, "was asked") != NULL);
  sync_point_t wrong = from;
  wrong.hash.bytes[0] ^= 1;
  CHECK(sync_import_batch(c, &wrong, m.items, 1, &to, why, sizeof why) == ETHC_ERR_INVALID &&
        strstr(why, "link") != NULL);
  /* linked headers go in, and the progress file round-trips */
  CHECK(sync_import_batch(c, &from, m.items, 4, &to, why, sizeof why) == 0 && to.number == 4);
  CHECK(sync_import_batch(c, &to, m.items + 4, 4, &to, why, sizeof why) == 0 && to.number == 8);
  ethc_hash_t want;
  CHECK(chain_read_canonical_hash(server, 8, &want) == 0 && ethc_hash_eq(&want, &to.hash));
  CHECK(sync_save(c, &to) == 0 && sync_load(c, &from) == 0 && from.number == 8 && ethc_hash_eq(&from.hash, &to.hash));
  /* a broken link inside a batch (#11's parent hash altered): #9 and #10 stay stored */
  uint8_t bad[1024];
  bytes_view_t tail[4] = {m.items[8], m.items[9], m.items[10], m.items[11]};
  CHECK(tail[2].len <= sizeof bad && tail[2].data[0] >= 0xf8);
  memcpy(bad, tail[2].data, tail[2].len);
  bad[1 + (bad[0] - 0xf7) + 1] ^= 1; /* the parent hash's first byte, after the list and string prefixes */
  tail[2].data = bad;
  CHECK(sync_import_batch(c, &from, tail, 4, &to, why, sizeof why) == ETHC_ERR_INVALID && to.number == 10 &&
        strstr(why, "#11 does not link to its parent") != NULL);
  CHECK(chain_read_canonical_hash(server, 10, &want) == 0 && ethc_hash_eq(&want, &to.hash));
  /* a batch from genesis again: #1..#10 are known, #11 and #12 go in after them */
  CHECK(sync_import_batch(c, &genesis_point, m.items, 12, &to, why, sizeof why) == 0 && to.number == 12);
  CHECK(chain_read_canonical_hash(server, 12, &want) == 0 && ethc_hash_eq(&want, &to.hash));
  eth_items_free(&m);
  bytes_buf_free(&out);
  chain_close(c);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  unsigned n = 0;
  chain_t *chain = ethtest_open(&n);
  if (!chain) return check_summary();
  CHECK(n == 600);
  test_batches(chain);
  time_serving(chain);
  world_t w = {.loop = uv_default_loop(), .chain = chain};
  dial(&w, 0);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_SUBPROTOCOL, "bad network: reason %d remote %d",
            w.close_reason, w.close_remote);
  dial(&w, 1);
  CHECK(w.got_id == 4242 && w.got_count == 5);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_BREACH, "malformed: reason %d remote %d",
            w.close_reason, w.close_remote);
  dial(&w, 2);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_TOO_MANY_PEERS, "maxpeers: reason %d remote %d",
            w.close_reason, w.close_remote);
  dial(&w, 3);
  CHECK_MSG(w.closed && w.close_remote && w.close_reason == RLPX_DISC_ALREADY_CONNECTED,
            "one node twice: reason %d remote %d", w.close_reason, w.close_remote);
  test_sync(w.loop, chain, 1);
  test_sync(w.loop, chain, 2);
  ethtest_close(chain);
  return check_summary();
}
