/* Two RLPx connections on one libuv loop over 127.0.0.1: the handshake, Hello and
 * capability negotiation, Ping/Pong (and the idle ping keeping the link up), a
 * 1 MiB message through Snappy, a small one on a second capability, and a
 * Disconnect whose reason reaches the other side. Then hostile peers on raw TCP:
 * garbage instead of an auth, silence until the handshake timeout, a corrupted
 * frame after a valid handshake in either auth format (a bad MAC), and a message whose snappy header
 * claims more than 16 MiB (refused before decompressing). */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "p2p/rlpx_codec.h"

#define BIG (1u << 20)

static const rlpx_proto_t server_protos[] = {{"eth", 68, 17}, {"eth", 69, 18}, {"snap", 1, 8}};
static const rlpx_proto_t client_protos[] = {{"snap", 1, 8}, {"eth", 69, 18}, {"les", 4, 23}};

typedef struct {
  uv_loop_t *loop;
  uv_tcp_t server;
  rlpx_config_t scfg, ccfg;
  uint8_t skey[32], ckey[32], sid[64], cid[64];
  int ready, closed;
  rlpx_conn_t *sconn, *cconn;
  int got_big, got_small;
  uint8_t *big;
  int close_reason[2];
  bool close_remote[2];
  char close_why[2][160];
  int pings_seen;
  uv_timer_t check, deadline;
} world_t;

static world_t W;

static void on_ready(rlpx_conn_t *c, void *user) {
  world_t *w = user;
  w->ready++;
  size_t n;
  const rlpx_shared_cap_t *caps = rlpx_conn_caps(c, &n);
  CHECK(n == 2);
  CHECK(strcmp(caps[0].name, "eth") == 0 && caps[0].version == 69 && caps[0].offset == 0x10);
  CHECK(strcmp(caps[1].name, "snap") == 0 && caps[1].offset == 0x22);
  const rlpx_hello_t *h = rlpx_conn_remote_hello(c);
  CHECK(h && h->version == 5);
  if (rlpx_conn_initiator(c)) {
    CHECK(strcmp(h->client_id, "server/1") == 0 && h->listen_port == 30303);
    CHECK_MEM(rlpx_conn_remote_id(c), w->sid, 64);
    CHECK(rlpx_ping(c) == 0);
    CHECK(rlpx_send(c, 0, 5, w->big, BIG) == 0);
    CHECK(rlpx_send(c, 1, 7, (const uint8_t *)"\xc3\x01\x02\x03", 4) == 0);
    CHECK(rlpx_send(c, 1, 8, (const uint8_t *)"\xc0", 1) == ETHC_ERR_INVALID); /* snap has 8 ids */
    CHECK(rlpx_conn_write_queue(c) > 0);
  } else {
    CHECK(strcmp(h->client_id, "client/2") == 0);
    CHECK_MEM(rlpx_conn_remote_id(c), w->cid, 64);
  }
}

/* The server disconnects once both messages came and the idle pings ran a while. */
static void on_check(uv_timer_t *t) {
  world_t *w = t->data;
  if (w->got_big && w->got_small && w->sconn && rlpx_conn_stats(w->sconn)->pings_in >= 3) {
    uv_timer_stop(t);
    CHECK(rlpx_conn_stats(w->cconn)->pongs_in >= 3);
    rlpx_disconnect(w->sconn, RLPX_DISC_TOO_MANY_PEERS);
    rlpx_disconnect(w->sconn, RLPX_DISC_QUITTING); /* idempotent: the first reason stands */
  }
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *data, size_t len,
                   void *user) {
  world_t *w = user;
  CHECK(!rlpx_conn_initiator(c));
  if (strcmp(cap->name, "eth") == 0) {
    CHECK(code == 5 && len == BIG && memcmp(data, w->big, BIG) == 0);
    w->got_big++;
  } else {
    CHECK(strcmp(cap->name, "snap") == 0 && code == 7 && len == 4 && memcmp(data, "\xc3\x01\x02\x03", 4) == 0);
    w->got_small++;
  }
  /* the 1 MiB went compressed: fewer frame bytes than that came in */
  if (w->got_big && w->got_small) CHECK(rlpx_conn_stats(c)->bytes_in < BIG / 2);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  world_t *w = user;
  int i = rlpx_conn_initiator(c) ? 1 : 0;
  w->close_reason[i] = reason;
  w->close_remote[i] = remote;
  snprintf(w->close_why[i], sizeof w->close_why[i], "%s", why);
  if (c == w->sconn) w->sconn = NULL;
  if (c == w->cconn) w->cconn = NULL;
  if (++w->closed == 2) {
    uv_close((uv_handle_t *)&w->server, NULL);
    uv_close((uv_handle_t *)&w->check, NULL);
    uv_close((uv_handle_t *)&w->deadline, NULL);
  }
}

static void on_connection(uv_stream_t *s, int status) {
  world_t *w = s->data;
  CHECK(status == 0);
  CHECK(rlpx_accept(w->loop, &w->scfg, s, &w->sconn) == 0);
}

static void on_deadline(uv_timer_t *t) {
  world_t *w = t->data;
  CHECK_MSG(0, "loopback test timed out (ready %d, big %d, small %d, closed %d)", w->ready, w->got_big, w->got_small,
            w->closed);
  uv_stop(w->loop);
}

static int listen_any(uv_loop_t *loop, uv_tcp_t *server, void *data, uv_connection_cb cb, struct sockaddr_in *bound) {
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(loop, server);
  server->data = data;
  if (uv_tcp_bind(server, (const struct sockaddr *)&a, 0) || uv_listen((uv_stream_t *)server, 16, cb)) return -1;
  int len = sizeof *bound;
  return uv_tcp_getsockname(server, (struct sockaddr *)bound, &len);
}

static void test_loopback(void) {
  world_t *w = &W;
  memset(w, 0, sizeof *w);
  w->loop = uv_default_loop();
  CHECK(rlpx_random_key(w->skey) == 0 && rlpx_random_key(w->ckey) == 0);
  CHECK(ethc_secp256k1_pubkey_create(w->skey, w->sid) == 0);
  CHECK(ethc_secp256k1_pubkey_create(w->ckey, w->cid) == 0);
  w->big = malloc(BIG);
  for (size_t i = 0; i < BIG; i++) w->big[i] = (uint8_t)((i / 64) * 31 + (i % 7)); /* compressible, not trivial */
  rlpx_callbacks_t cb = {on_ready, on_msg, on_close};
  w->scfg = (rlpx_config_t){.client_id = "server/1",
                            .protos = server_protos,
                            .n_protos = 3,
                            .listen_port = 30303,
                            .ping_interval_ms = 40,
                            .cb = cb,
                            .user = w};
  memcpy(w->scfg.key, w->skey, 32);
  w->ccfg = (rlpx_config_t){.client_id = "client/2",
                            .protos = client_protos,
                            .n_protos = 3,
                            .ping_interval_ms = 40,
                            .cb = cb,
                            .user = w};
  memcpy(w->ccfg.key, w->ckey, 32);
  struct sockaddr_in addr;
  CHECK(listen_any(w->loop, &w->server, w, on_connection, &addr) == 0);
  CHECK(rlpx_dial(w->loop, &w->ccfg, (const struct sockaddr *)&addr, w->sid, &w->cconn) == 0);
  uv_timer_init(w->loop, &w->check);
  w->check.data = w;
  uv_timer_start(&w->check, on_check, 20, 20);
  uv_timer_init(w->loop, &w->deadline);
  w->deadline.data = w;
  uv_timer_start(&w->deadline, on_deadline, 20000, 0);
  uv_run(w->loop, UV_RUN_DEFAULT);
  CHECK(w->ready == 2);
  CHECK(w->got_big == 1 && w->got_small == 1);
  CHECK(w->closed == 2);
  /* the server sent the reason, the client received it */
  CHECK_MSG(w->close_reason[0] == RLPX_DISC_TOO_MANY_PEERS && !w->close_remote[0], "server: %d %s", w->close_reason[0],
            w->close_why[0]);
  CHECK_MSG(w->close_reason[1] == RLPX_DISC_TOO_MANY_PEERS && w->close_remote[1], "client: %d %s", w->close_reason[1],
            w->close_why[1]);
  CHECK(strstr(w->close_why[1], "too many peers") != NULL);
  free(w->big);
}

/* ---- hostile raw peers ---- */

typedef struct {
  uv_loop_t *loop;
  uv_tcp_t server, raw;
  uv_connect_t creq;
  uv_write_t wreq;
  rlpx_config_t cfg;
  rlpx_conn_t *conn;
  bytes_buf_t send; /* what the raw client writes once connected */
  int closed;
  int reason;
  char why[160];
  /* for the bad-MAC case: a real handshake driven by hand */
  bool handshake;
  bool plain; /* send a pre-EIP-8 auth: the ack must come back in kind */
  bool bomb;  /* after the handshake: a valid Hello, then a message claiming 16 MiB + 1 */
  rlpx_handshake_t hs;
  bytes_buf_t in;
  uint8_t skey[32], sid[64], ckey[32];
} raw_t;

static void raw_on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  raw_t *r = user;
  r->closed++;
  r->reason = reason;
  snprintf(r->why, sizeof r->why, "%s", why);
  uv_close((uv_handle_t *)&r->server, NULL);
  if (!uv_is_closing((uv_handle_t *)&r->raw)) uv_close((uv_handle_t *)&r->raw, NULL);
}

static void raw_on_connection(uv_stream_t *s, int status) {
  raw_t *r = s->data;
  CHECK(rlpx_accept(r->loop, &r->cfg, s, &r->conn) == 0);
}

static void raw_alloc(uv_handle_t *h, size_t sz, uv_buf_t *b) {
  raw_t *r = h->data;
  bytes_buf_reserve(&r->in, 65536);
  *b = uv_buf_init((char *)r->in.data + r->in.len, (unsigned)(r->in.cap - r->in.len));
}

static void raw_write(raw_t *r, const uint8_t *p, size_t n) {
  static uint8_t copy[4096];
  memcpy(copy, p, n);
  uv_buf_t b = uv_buf_init((char *)copy, (unsigned)n);
  uv_write(&r->wreq, (uv_stream_t *)&r->raw, &b, 1, NULL);
}

/* Reads the ack, then sends a frame whose body has a flipped bit. */
static void raw_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  raw_t *r = s->data;
  if (n <= 0) return;
  r->in.len += (size_t)n;
  if (!r->handshake || r->hs.ack.len) return;
  size_t need;
  CHECK(rlpx_hs_read_ack(&r->hs, r->in.data, r->in.len, &need) == 0);
  if (need) return;
  CHECK(r->plain ? r->hs.ack.len == RLPX_ACK_PLAIN_PACKET : r->hs.ack.len > RLPX_ACK_PLAIN_PACKET);
  rlpx_secrets_t sec;
  CHECK(rlpx_hs_secrets(&r->hs, &sec) == 0);
  rlpx_frame_t *f = rlpx_frame_new(&sec);
  bytes_buf_t fr = {0};
  if (r->bomb) {
    rlpx_hello_t h = {.version = 5, .client_id = "raw", .n_caps = 1};
    strcpy(h.caps[0].name, "eth"), h.caps[0].version = 69;
    CHECK(ethc_secp256k1_pubkey_create(r->ckey, h.id) == 0);
    bytes_buf_t m = {0};
    bytes_buf_push(&m, 0x80);
    CHECK(rlpx_hello_encode(&h, &m) == 0);
    CHECK(rlpx_frame_write(f, m.data, m.len, &fr) == 0);
    /* id 0x10, then a snappy header claiming 16 MiB + 1 and a few bytes */
    static const uint8_t bomb[] = {0x10, 0x81, 0x80, 0x80, 0x08, 0x00, 0x00};
    CHECK(rlpx_frame_write(f, bomb, sizeof bomb, &fr) == 0);
    bytes_buf_free(&m);
  } else {
    CHECK(rlpx_frame_write(f, (const uint8_t *)"\x80\xc0", 2, &fr) == 0);
    fr.data[33] ^= 1;
  }
  raw_write(r, fr.data, fr.len);
  bytes_buf_free(&fr);
  rlpx_frame_free(f);
}

static void raw_connected(uv_connect_t *req, int status) {
  raw_t *r = req->data;
  CHECK(status == 0);
  uv_read_start((uv_stream_t *)&r->raw, raw_alloc, raw_read);
  if (r->send.len) raw_write(r, r->send.data, r->send.len);
}

static void run_raw(raw_t *r, const char *want_why) {
  r->loop = uv_default_loop();
  CHECK(rlpx_random_key(r->skey) == 0 && rlpx_random_key(r->ckey) == 0);
  CHECK(ethc_secp256k1_pubkey_create(r->skey, r->sid) == 0);
  r->cfg = (rlpx_config_t){.protos = server_protos,
                           .n_protos = 3,
                           .handshake_timeout_ms = 300,
                           .cb = {NULL, NULL, raw_on_close},
                           .user = r};
  memcpy(r->cfg.key, r->skey, 32);
  if (r->handshake) {
    CHECK(rlpx_hs_init_initiator(&r->hs, r->ckey, r->sid, NULL, NULL) == 0);
    CHECK(rlpx_hs_make_auth(&r->hs, r->plain, &r->send) == 0);
  }
  struct sockaddr_in addr;
  CHECK(listen_any(r->loop, &r->server, r, raw_on_connection, &addr) == 0);
  uv_tcp_init(r->loop, &r->raw);
  r->raw.data = r;
  r->creq.data = r;
  uv_tcp_connect(&r->creq, &r->raw, (const struct sockaddr *)&addr, raw_connected);
  uv_run(r->loop, UV_RUN_DEFAULT);
  CHECK(r->closed == 1);
  CHECK_MSG(strstr(r->why, want_why) != NULL, "closed with \"%s\", wanted \"%s\"", r->why, want_why);
  bytes_buf_free(&r->send);
  bytes_buf_free(&r->in);
  rlpx_hs_free(&r->hs);
}

static void test_hostile(void) {
  raw_t r;
  memset(&r, 0, sizeof r);
  for (int i = 0; i < 400; i++) bytes_buf_push(&r.send, (uint8_t)(i * 13)); /* garbage with a 0x00 0x0d prefix */
  r.send.data[0] = 0x01, r.send.data[1] = 0x80;
  run_raw(&r, "bad auth");
  CHECK(r.reason == RLPX_DISC_BREACH);

  memset(&r, 0, sizeof r); /* silence */
  run_raw(&r, "handshake timeout");

  memset(&r, 0, sizeof r); /* a good handshake, then a corrupted first frame */
  r.handshake = true;
  run_raw(&r, "bad frame MAC");
  CHECK(r.reason == RLPX_DISC_BREACH);

  memset(&r, 0, sizeof r); /* the same after a pre-EIP-8 auth, answered with a pre-EIP-8 ack */
  r.handshake = r.plain = true;
  run_raw(&r, "bad frame MAC");
  CHECK(r.reason == RLPX_DISC_BREACH);

  memset(&r, 0, sizeof r); /* a Hello, then a message inflating past 16 MiB */
  r.handshake = r.bomb = true;
  run_raw(&r, "message over 16 MiB uncompressed");
  CHECK(r.reason == RLPX_DISC_BREACH);
}

int main(void) {
  test_loopback();
  test_hostile();
  uv_loop_close(uv_default_loop());
  return check_summary();
}
