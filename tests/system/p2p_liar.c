/* p2p_liar DATADIR NETWORK_ID LIE [SECONDS]: a test-only devp2p peer (rlpx.md,
 * caps/eth.md eth/68 and eth/69) that serves the chain in DATADIR (opened
 * read-only) to whoever dials it, but lies about some headers, for
 * tests/system/p2p_liar.py. It prints "self=enode://ID@127.0.0.1:PORT", sends
 * its Status (from the chain) on every connection and answers GetBlockHeaders
 * from the chain, other requests as ethc does (eth_serve). LIE is what it
 * does to some headers wherever one is served (in a fill of 192 headers, in a
 * skeleton of every 192nd):
 *   parent  every 96th header's parent hash has one bit flipped (a wrong
 *           parent: the next header then does not link either);
 *   seal    every 192nd header's nonce is 1 (a broken seal: after the merge it
 *           must be zero; the last header of each fill, so the links hold);
 *   body    headers honest, but in every BlockBodies answer the first two
 *           bodies that differ are swapped (each then mismatches its header);
 *   none    nothing (an honest server).
 * Each request and each lie is printed. Runs until SIGTERM or SECONDS (60). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"

static const rlpx_proto_t protos[] = {{"eth", 68, 17}, {"eth", 69, ETH_MSG_COUNT}};

enum { LIE_NONE, LIE_PARENT, LIE_SEAL, LIE_BODY };

typedef struct {
  uv_loop_t *loop;
  uv_tcp_t server;
  uv_timer_t deadline;
  uv_signal_t sigterm;
  rlpx_config_t cfg;
  chain_t *chain;
  uint64_t network, head;
  int lie;
  unsigned lies;
} liar_t;

static liar_t L;

/* The lie applied to the headers of a BlockHeaders payload; 0 or -1. */
static int corrupt(uint64_t id, bytes_buf_t *out) {
  eth_items_msg_t m = {0};
  if (eth_items_decode(out->data, out->len, ETH_ITEMS_HEADERS, &m)) return -1;
  bytes_buf_t enc[64] = {{0}};
  size_t changed = 0;
  for (size_t i = 0; i < m.count && changed < 64; i++) {
    chain_header_t h;
    if (header_decode(m.items[i].data, m.items[i].len, &h)) continue;
    if (h.number == 0 || h.number % (L.lie == LIE_PARENT ? 96 : 192)) continue;
    if (L.lie == LIE_PARENT) h.parent_hash.bytes[3] ^= 0x10;
    else h.nonce[7] = 1;
    if (header_encode(&h, &enc[changed])) continue;
    m.items[i] = bytes_view(enc[changed].data, enc[changed].len);
    printf("lie: header #%" PRIu64 " served with a %s\n", h.number,
           L.lie == LIE_PARENT ? "wrong parent" : "broken seal");
    changed++;
  }
  int rc = 0;
  if (changed) {
    bytes_buf_t msg = {0};
    rc = eth_items_encode(id, m.items, m.count, &msg);
    if (!rc) bytes_buf_free(out), *out = msg;
    L.lies += (unsigned)changed;
  }
  for (size_t i = 0; i < changed; i++) bytes_buf_free(&enc[i]);
  eth_items_free(&m);
  fflush(stdout);
  return rc;
}

/* LIE_BODY: the first two different bodies of a BlockBodies payload swapped; 0 or -1. */
static int swap_bodies(uint64_t id, bytes_buf_t *out) {
  eth_items_msg_t m = {0};
  if (eth_items_decode(out->data, out->len, ETH_ITEMS_BODIES, &m)) return -1;
  int rc = 0;
  for (size_t i = 0; i + 1 < m.count; i++) {
    if (m.items[i].len == m.items[i + 1].len && !memcmp(m.items[i].data, m.items[i + 1].data, m.items[i].len)) continue;
    bytes_view_t t = m.items[i];
    m.items[i] = m.items[i + 1];
    m.items[i + 1] = t;
    bytes_buf_t msg = {0};
    rc = eth_items_encode(id, m.items, m.count, &msg);
    if (!rc) bytes_buf_free(out), *out = msg;
    printf("lie: bodies %zu and %zu of %zu swapped\n", i, i + 1, m.count);
    L.lies++;
    break;
  }
  eth_items_free(&m);
  fflush(stdout);
  return rc;
}

static void on_ready(rlpx_conn_t *c, void *user) {
  (void)user;
  int eth = rlpx_conn_cap_index(c, "eth");
  size_t n;
  if (eth < 0) {
    rlpx_disconnect(c, RLPX_DISC_USELESS_PEER);
    return;
  }
  uint32_t version = rlpx_conn_caps(c, &n)[eth].version;
  eth_status_t s;
  bytes_buf_t b = {0};
  if (eth_status_from_chain(L.chain, version, L.network, &s) || eth_status_encode(&s, &b) ||
      rlpx_send(c, (size_t)eth, ETH_MSG_STATUS, b.data, b.len))
    rlpx_disconnect(c, RLPX_DISC_SUBPROTOCOL);
  bytes_buf_free(&b);
  printf("peer: %s eth/%u\n", rlpx_conn_remote_hello(c)->client_id, version);
  fflush(stdout);
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  (void)user;
  if (code == ETH_MSG_STATUS || code % 2 == 0 || code == ETH_MSG_NEW_BLOCK_HASHES || code == ETH_MSG_NEW_BLOCK)
    return; /* Status, announcements, responses: not needed */
  unsigned out_code = 0;
  bytes_buf_t out = {0};
  if (eth_serve(L.chain, cap->version, (unsigned)code, data, len, NULL, NULL, &out_code, &out)) {
    bytes_buf_free(&out);
    return;
  }
  if (code == ETH_MSG_GET_BLOCK_HEADERS) {
    eth_get_headers_t q;
    if (!eth_get_headers_decode(data, len, &q)) {
      if (q.by_hash) printf("request: GetBlockHeaders by hash, %" PRIu64 " headers\n", q.amount);
      else printf("request: GetBlockHeaders #%" PRIu64 " x%" PRIu64 " skip %" PRIu64 "\n", q.number, q.amount, q.skip);
      if (L.lie == LIE_PARENT || L.lie == LIE_SEAL) corrupt(q.request_id, &out);
    }
  }
  if (code == ETH_MSG_GET_BLOCK_BODIES) {
    eth_hash_request_t q = {0};
    if (!eth_hash_request_decode(data, len, &q)) {
      printf("request: GetBlockBodies x%zu\n", q.count);
      if (L.lie == LIE_BODY) swap_bodies(q.request_id, &out);
    }
    eth_hash_request_free(&q);
  }
  rlpx_send(c, 0, out_code, out.data, out.len);
  bytes_buf_free(&out);
  fflush(stdout);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  (void)c, (void)user;
  printf("closed: %s by %s: %s\n", rlpx_disc_reason_str(reason), remote ? "peer" : "us", why ? why : "");
  fflush(stdout);
}

static void on_connection(uv_stream_t *server, int status) {
  rlpx_conn_t *c = NULL;
  if (status == 0) rlpx_accept(L.loop, &L.cfg, server, &c);
}

static void quit(void) {
  printf("exit: %u headers lied about\n", L.lies);
  fflush(stdout);
  uv_stop(L.loop);
}

static void on_deadline(uv_timer_t *t) {
  (void)t;
  quit();
}

static void on_signal(uv_signal_t *s, int signum) {
  (void)s, (void)signum;
  quit();
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: p2p_liar DATADIR NETWORK_ID parent|seal|body|none [SECONDS]\n");
    return 2;
  }
  L.lie = !strcmp(argv[3], "parent") ? LIE_PARENT
          : !strcmp(argv[3], "seal") ? LIE_SEAL
          : !strcmp(argv[3], "body") ? LIE_BODY
                                     : LIE_NONE;
  if (L.lie == LIE_NONE && strcmp(argv[3], "none"))
    return fprintf(stderr, "p2p_liar: LIE is parent, seal, body or none\n"), 2;
  L.network = strtoull(argv[2], NULL, 10);
  chain_open_opts_t o = {.datadir = argv[1], .read_only = true};
  char err[512];
  if (chain_open(&o, &L.chain, err, sizeof err)) return fprintf(stderr, "p2p_liar: %s\n", err), 1;
  ethc_hash_t head;
  if (chain_read_head(L.chain, &L.head, &head)) return fprintf(stderr, "p2p_liar: no head\n"), 1;
  L.loop = uv_default_loop();
  L.cfg = (rlpx_config_t){.client_id = "ethc-test/p2p_liar",
                          .protos = protos,
                          .n_protos = 2,
                          .handshake_timeout_ms = 10000,
                          .cb = {on_ready, on_msg, on_close},
                          .user = &L};
  FILE *r = fopen("/dev/urandom", "rb"); /* a throwaway node key */
  if (!r || fread(L.cfg.key, 1, 32, r) != 32) return 2;
  fclose(r);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(L.loop, &L.server);
  int len = sizeof a;
  if (uv_tcp_bind(&L.server, (const struct sockaddr *)&a, 0) ||
      uv_listen((uv_stream_t *)&L.server, 16, on_connection) ||
      uv_tcp_getsockname(&L.server, (struct sockaddr *)&a, &len))
    return fprintf(stderr, "p2p_liar: cannot listen\n"), 1;
  L.cfg.listen_port = ntohs(a.sin_port);
  uint8_t id[64];
  if (ethc_secp256k1_pubkey_create(L.cfg.key, id)) return 2;
  printf("self=enode://");
  for (int i = 0; i < 64; i++) printf("%02x", id[i]);
  printf("@127.0.0.1:%u head=#%" PRIu64 " lie=%s\n", ntohs(a.sin_port), L.head, argv[3]);
  fflush(stdout);
  uv_timer_init(L.loop, &L.deadline);
  uv_timer_start(&L.deadline, on_deadline, (argc > 4 ? strtoull(argv[4], NULL, 10) : 60) * 1000, 0);
  uv_signal_init(L.loop, &L.sigterm);
  uv_signal_start(&L.sigterm, on_signal, SIGTERM);
  uv_run(L.loop, UV_RUN_DEFAULT);
  chain_close(L.chain);
  return 0;
}
