/* p2p_hello ENODE [SECONDS]: dials a devp2p node over RLPx (ethereum/devp2p
 * rlpx.md), completes the handshake, prints the peer's Hello (client id,
 * p2p version, capabilities), the capabilities both share, and the first
 * capability message it sends (eth's Status), then disconnects. Exits 0 when a
 * Hello and a capability message came, 1 otherwise, 2 on usage errors.
 * p2p_hello --listen PORT [SECONDS]: the recipient's side: prints its enode,
 * accepts one connection, prints the peer's Hello and disconnects it with "too
 * many peers"; exits 0 when a Hello came. Used by tests/system/p2p_hello.py
 * against a third-party node. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ethc/bytes.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"

static const rlpx_proto_t protos[] = {{"eth", 68, 17}, {"eth", 69, 18}, {"snap", 1, 8}};

typedef struct {
  uv_loop_t *loop;
  uv_timer_t deadline;
  rlpx_conn_t *conn;
  uv_tcp_t server;
  bool listening;
  rlpx_config_t *cfg;
  bool hello, msg, closed;
} state_t;

static void on_ready(rlpx_conn_t *c, void *user) {
  state_t *s = user;
  const rlpx_hello_t *h = rlpx_conn_remote_hello(c);
  s->hello = true;
  printf("hello: client=\"%s\" p2p=%llu port=%u\n", h->client_id, (unsigned long long)h->version, h->listen_port);
  for (size_t i = 0; i < h->n_caps; i++) printf("cap: %s/%u\n", h->caps[i].name, h->caps[i].version);
  size_t n;
  const rlpx_shared_cap_t *caps = rlpx_conn_caps(c, &n);
  for (size_t i = 0; i < n; i++)
    printf("shared: %s/%u ids 0x%x..0x%x\n", caps[i].name, caps[i].version, caps[i].offset,
           caps[i].offset + caps[i].length - 1);
  fflush(stdout);
  if (!rlpx_conn_initiator(c)) rlpx_disconnect(c, RLPX_DISC_TOO_MANY_PEERS);
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  state_t *s = user;
  char hex[2 * 48 + 3];
  hex_encode(data, len < 48 ? len : 48, hex);
  printf("msg: %s/%u code=%llu len=%zu data=%s%s\n", cap->name, cap->version, (unsigned long long)code, len, hex,
         len > 48 ? "..." : "");
  fflush(stdout);
  if (!s->msg) {
    s->msg = true;
    rlpx_disconnect(c, RLPX_DISC_REQUESTED);
  }
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  state_t *s = user;
  printf("closed: reason=%d (%s) by %s: %s\n", reason, rlpx_disc_reason_str(reason), remote ? "peer" : "us", why);
  s->closed = true;
  s->conn = NULL;
  uv_close((uv_handle_t *)&s->deadline, NULL);
  if (s->listening) uv_close((uv_handle_t *)&s->server, NULL);
}

static void on_connection(uv_stream_t *server, int status) {
  state_t *s = server->data;
  if (status < 0 || s->conn) return; /* one peer only */
  if (rlpx_accept(s->loop, s->cfg, server, &s->conn)) printf("accept failed\n");
}

/* --listen PORT: prints our enode and waits for one peer. */
static int listen_on(state_t *s, int port) {
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", port, &a);
  uv_tcp_init(s->loop, &s->server);
  s->server.data = s;
  s->listening = true;
  if (uv_tcp_bind(&s->server, (const struct sockaddr *)&a, 0) || uv_listen((uv_stream_t *)&s->server, 4, on_connection))
    return -1;
  int len = sizeof a;
  uv_tcp_getsockname(&s->server, (struct sockaddr *)&a, &len);
  uint8_t id[64];
  char hex[2 * 64 + 3];
  if (ethc_secp256k1_pubkey_create(s->cfg->key, id)) return -1;
  hex_encode(id, 64, hex);
  printf("enode: enode://%s@127.0.0.1:%d\n", hex + 2, ntohs(a.sin_port));
  fflush(stdout);
  return 0;
}

static void on_deadline(uv_timer_t *t) {
  state_t *s = t->data;
  printf("timeout\n");
  if (s->conn) rlpx_close(s->conn);
  else {
    uv_close((uv_handle_t *)t, NULL);
    if (s->listening) uv_close((uv_handle_t *)&s->server, NULL);
  }
}

/* enode://<128 hex>@<ipv4>:<port>[?discport=N] */
static int parse_enode(const char *e, uint8_t id[64], struct sockaddr_in *addr) {
  if (strncmp(e, "enode://", 8) != 0 || strlen(e) < 8 + 128 + 1 || e[8 + 128] != '@') return -1;
  char hex[129], host[64];
  memcpy(hex, e + 8, 128);
  hex[128] = 0;
  if (hex_decode(hex, false, id, 64, NULL)) return -1;
  const char *h = e + 8 + 129, *colon = strrchr(h, ':');
  if (!colon || (size_t)(colon - h) >= sizeof host) return -1;
  memcpy(host, h, (size_t)(colon - h));
  host[colon - h] = 0;
  int port = atoi(colon + 1);
  if (port <= 0 || port > 65535) return -1;
  return uv_ip4_addr(host, port, addr) ? -1 : 0;
}

int main(int argc, char **argv) {
  bool listen = argc > 2 && strcmp(argv[1], "--listen") == 0;
  if (argc < 2 || (listen && argc < 3)) {
    fprintf(stderr, "usage: p2p_hello ENODE [SECONDS] | p2p_hello --listen PORT [SECONDS]\n");
    return 2;
  }
  if (listen) argv++, argc--;
  uint8_t id[64];
  struct sockaddr_in addr;
  if (!listen && parse_enode(argv[1], id, &addr)) {
    fprintf(stderr, "p2p_hello: bad enode %s\n", argv[1]);
    return 2;
  }
  state_t s = {.loop = uv_default_loop()};
  rlpx_config_t cfg = {.client_id = "ethc/p2p_hello",
                       .protos = protos,
                       .n_protos = 3,
                       .handshake_timeout_ms = 10000,
                       .cb = {on_ready, on_msg, on_close},
                       .user = &s};
  FILE *r = fopen("/dev/urandom", "rb"); /* a throwaway node key */
  if (!r || fread(cfg.key, 1, 32, r) != 32) return 2;
  fclose(r);
  uv_timer_init(s.loop, &s.deadline);
  s.deadline.data = &s;
  uv_timer_start(&s.deadline, on_deadline, (argc > 2 ? (uint64_t)atoi(argv[2]) : 20) * 1000, 0);
  s.cfg = &cfg;
  if (listen) {
    if (listen_on(&s, atoi(argv[1]))) {
      fprintf(stderr, "p2p_hello: cannot listen on port %s\n", argv[1]);
      return 1;
    }
  } else if (rlpx_dial(s.loop, &cfg, (const struct sockaddr *)&addr, id, &s.conn)) {
    fprintf(stderr, "p2p_hello: cannot dial\n");
    return 1;
  }
  uv_run(s.loop, UV_RUN_DEFAULT);
  uv_loop_close(s.loop);
  return s.hello && (listen || s.msg) ? 0 : 1;
}
