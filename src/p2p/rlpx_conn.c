/* An RLPx connection on a libuv TCP handle (ethereum/devp2p rlpx.md): dial or
 * accept, the auth/ack handshake, Hello both ways, then frames carrying p2p and
 * capability messages, Snappy-compressed after Hello when both sides speak v5
 * (the uncompressed size is checked before decompressing). Everything runs on the
 * loop's thread and nothing blocks: reads accumulate in a buffer that the codecs
 * consume as far as they can; writes are queued with uv_write in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "p2p/rlpx_codec.h"

/* Receive buffers above this are freed once empty. */
#define BIG_BUFFER (1u << 20)

enum { P2P_HELLO = 0, P2P_DISCONNECT = 1, P2P_PING = 2, P2P_PONG = 3 };

typedef enum { ST_CONNECTING, ST_AUTH, ST_HELLO, ST_ACTIVE, ST_CLOSING, ST_CLOSED } state_t;

struct rlpx_conn {
  uv_tcp_t tcp;
  uv_timer_t timer; /* handshake timeout, then the ping interval, then the close grace */
  uv_connect_t connect;
  uv_shutdown_t shutdown;
  uv_loop_t *loop;
  rlpx_config_t cfg;
  state_t state;
  bool initiator;
  int open_handles;
  rlpx_handshake_t hs;
  rlpx_frame_t *frame;
  bytes_buf_t in;  /* received and not yet consumed */
  bytes_buf_t tmp; /* decompression */
  bool snappy;
  bool have_hello;
  rlpx_hello_t hello;
  rlpx_shared_cap_t caps[RLPX_MAX_CAPS];
  size_t n_caps;
  bool ping_out; /* a Ping not yet answered */
  size_t queued; /* bytes in uv_write requests not yet completed */
  rlpx_stats_t stats;
  int reason;
  bool remote_reason;
  char why[160];
  void *data;
};

typedef struct {
  uv_write_t req;
  rlpx_conn_t *c;
  size_t len;
  uint8_t bytes[];
} write_req_t;

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf);

/* ---- closing ---- */

static void on_handle_closed(uv_handle_t *h) {
  rlpx_conn_t *c = h->data;
  if (--c->open_handles > 0) return;
  if (c->cfg.cb.on_close) c->cfg.cb.on_close(c, c->reason, c->remote_reason, c->why, c->cfg.user);
  rlpx_hs_free(&c->hs);
  rlpx_frame_free(c->frame);
  bytes_buf_free(&c->in);
  bytes_buf_free(&c->tmp);
  free(c);
}

static void close_handles(rlpx_conn_t *c) {
  if (c->state == ST_CLOSED) return;
  c->state = ST_CLOSED;
  uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
  uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

/* Records why (unless a Disconnect we sent already said) and closes both handles. */
static void close_now(rlpx_conn_t *c, int reason, bool remote, const char *why) {
  if (c->state == ST_CLOSED) return;
  if (c->state != ST_CLOSING) {
    c->reason = reason;
    c->remote_reason = remote;
    snprintf(c->why, sizeof c->why, "%s", why);
  }
  close_handles(c);
}

void rlpx_close(rlpx_conn_t *c) { close_now(c, RLPX_DISC_REQUESTED, false, "closed"); }

/* ---- writing ---- */

static void on_written(uv_write_t *req, int status) {
  write_req_t *w = (write_req_t *)req;
  rlpx_conn_t *c = w->c;
  c->queued -= w->len;
  free(w);
  if (status < 0 && c->state != ST_CLOSED) {
    char why[96];
    snprintf(why, sizeof why, "write: %s", uv_strerror(status));
    close_now(c, RLPX_DISC_TCP_ERROR, false, why);
  }
}

static int write_bytes(rlpx_conn_t *c, const uint8_t *p, size_t len) {
  write_req_t *w = malloc(sizeof *w + len);
  if (!w) return ETHC_ERR_NOMEM;
  w->c = c;
  w->len = len;
  memcpy(w->bytes, p, len);
  uv_buf_t b = uv_buf_init((char *)w->bytes, (unsigned)len);
  int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written);
  if (rc) {
    free(w);
    return ETHC_ERR_IO;
  }
  c->queued += len;
  return ETHC_OK;
}

/* One message: rlp(code) || msg-data (compressed when snappy is on), framed. */
static int send_msg(rlpx_conn_t *c, uint64_t code, const uint8_t *data, size_t len) {
  if (len > RLPX_MAX_MSG) return ETHC_ERR_LIMIT;
  bytes_buf_t fd = {0}, fr = {0};
  int rc = rlp_put_u64(&fd, code);
  if (!rc && c->snappy) {
    bytes_buf_t z = {0};
    rc = rlpx_snappy_compress(data, len, &z);
    if (!rc) rc = bytes_buf_append(&fd, z.data, z.len);
    bytes_buf_free(&z);
  } else if (!rc && len) {
    rc = bytes_buf_append(&fd, data, len);
  }
  if (!rc) rc = rlpx_frame_write(c->frame, fd.data, fd.len, &fr);
  if (!rc) rc = write_bytes(c, fr.data, fr.len);
  if (!rc) {
    c->stats.msgs_out++;
    c->stats.bytes_out += fr.len;
  }
  bytes_buf_free(&fd);
  bytes_buf_free(&fr);
  return rc;
}

static int send_p2p(rlpx_conn_t *c, uint64_t code) {
  static const uint8_t empty_list = 0xc0;
  return send_msg(c, code, &empty_list, 1);
}

int rlpx_send(rlpx_conn_t *c, size_t cap, uint64_t code, const uint8_t *data, size_t len) {
  if (c->state != ST_ACTIVE || cap >= c->n_caps || code >= c->caps[cap].length) return ETHC_ERR_INVALID;
  return send_msg(c, c->caps[cap].offset + code, data, len);
}

int rlpx_ping(rlpx_conn_t *c) {
  if (c->state != ST_ACTIVE) return ETHC_ERR_INVALID;
  c->ping_out = true;
  return send_p2p(c, P2P_PING);
}

static void on_grace_over(uv_timer_t *t) { close_handles(t->data); }

static void disconnect(rlpx_conn_t *c, int reason, const char *why) {
  if (c->state == ST_CLOSING || c->state == ST_CLOSED) return;
  if (!c->frame) { /* nothing can be sent before the secrets */
    close_now(c, reason, false, why);
    return;
  }
  c->reason = reason;
  c->remote_reason = false;
  snprintf(c->why, sizeof c->why, "%s", why);
  bytes_buf_t b = {0};
  int rc = rlpx_disconnect_encode(reason, &b);
  if (!rc) rc = send_msg(c, P2P_DISCONNECT, b.data, b.len);
  bytes_buf_free(&b);
  c->state = ST_CLOSING;
  if (rc) {
    close_now(c, reason, false, why);
    return;
  }
  /* the peer gets up to 2 s to read it and hang up; a shutdown tells it we are done */
  uv_timer_stop(&c->timer);
  uv_timer_start(&c->timer, on_grace_over, 2000, 0);
  if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, NULL)) close_now(c, reason, false, why);
}

void rlpx_disconnect(rlpx_conn_t *c, int reason) {
  char why[96];
  snprintf(why, sizeof why, "sent disconnect: %s", rlpx_disc_reason_str(reason));
  disconnect(c, reason, why);
}

/* ---- timers ---- */

static void on_ping_timer(uv_timer_t *t) {
  rlpx_conn_t *c = t->data;
  if (c->state != ST_ACTIVE) return;
  if (c->ping_out) {
    disconnect(c, RLPX_DISC_PING_TIMEOUT, "ping timeout");
    return;
  }
  if (rlpx_ping(c)) close_now(c, RLPX_DISC_TCP_ERROR, false, "cannot send ping");
}

static void on_handshake_timeout(uv_timer_t *t) {
  rlpx_conn_t *c = t->data;
  if (c->state == ST_CONNECTING || c->state == ST_AUTH || c->state == ST_HELLO)
    close_now(c, RLPX_DISC_TCP_ERROR, false, "handshake timeout");
}

/* ---- the handshake ---- */

static int send_hello(rlpx_conn_t *c) {
  rlpx_hello_t h = {.version = RLPX_P2P_VERSION, .listen_port = c->cfg.listen_port};
  snprintf(h.client_id, sizeof h.client_id, "%s", c->cfg.client_id ? c->cfg.client_id : "ethc");
  for (size_t i = 0; i < c->cfg.n_protos && h.n_caps < RLPX_MAX_CAPS; i++) {
    snprintf(h.caps[h.n_caps].name, sizeof h.caps[0].name, "%s", c->cfg.protos[i].name);
    h.caps[h.n_caps++].version = c->cfg.protos[i].version;
  }
  if (ethc_secp256k1_pubkey_create(c->cfg.key, h.id)) return ETHC_ERR_INVALID;
  bytes_buf_t b = {0};
  int rc = rlpx_hello_encode(&h, &b);
  if (!rc) rc = send_msg(c, P2P_HELLO, b.data, b.len); /* snappy is off until the peer's Hello */
  bytes_buf_free(&b);
  return rc;
}

/* Both packets are known: derive the secrets and send our Hello. */
static int start_frames(rlpx_conn_t *c) {
  rlpx_secrets_t s;
  int rc = rlpx_hs_secrets(&c->hs, &s);
  if (rc) return rc;
  c->frame = rlpx_frame_new(&s);
  memset(&s, 0, sizeof s);
  if (!c->frame) return ETHC_ERR_NOMEM;
  c->state = ST_HELLO;
  return send_hello(c);
}

/* Consumes the auth (recipient) or the ack (initiator): bytes used, 0 when more
 * are needed, or -1 after closing the connection. */
static size_t read_handshake(rlpx_conn_t *c, const uint8_t *p, size_t len, bool *failed) {
  size_t need = 0;
  int rc = c->initiator ? rlpx_hs_read_ack(&c->hs, p, len, &need) : rlpx_hs_read_auth(&c->hs, p, len, &need);
  if (!rc && need) return 0;
  if (rc) {
    char why[96];
    snprintf(why, sizeof why, "bad %s: %s", c->initiator ? "ack" : "auth", ethc_strerror(rc));
    close_now(c, RLPX_DISC_BREACH, false, why);
    *failed = true;
    return 0;
  }
  size_t used = c->initiator ? c->hs.ack.len : c->hs.auth.len;
  if (!c->initiator) {
    bytes_buf_t ack = {0};
    rc = rlpx_hs_make_ack(&c->hs, &ack);
    if (!rc) rc = write_bytes(c, ack.data, ack.len);
    bytes_buf_free(&ack);
  }
  if (!rc) rc = start_frames(c);
  if (rc) {
    close_now(c, RLPX_DISC_TCP_ERROR, false, "handshake failed");
    *failed = true;
  }
  return used;
}

/* ---- messages ---- */

static void on_hello(rlpx_conn_t *c, const uint8_t *p, size_t len) {
  if (c->have_hello) {
    disconnect(c, RLPX_DISC_BREACH, "second hello");
    return;
  }
  if (rlpx_hello_decode(p, len, &c->hello)) {
    disconnect(c, RLPX_DISC_BREACH, "malformed hello");
    return;
  }
  c->have_hello = true;
  /* the peer compresses from its Hello on, and expects us to: even a Disconnect */
  c->snappy = c->hello.version >= 5;
  static const uint8_t zero[64];
  if (memcmp(c->hello.id, zero, 64) == 0) {
    disconnect(c, RLPX_DISC_NULL_IDENTITY, "null node id in hello");
    return;
  }
  if (memcmp(c->hello.id, c->hs.remote, 64) != 0) {
    disconnect(c, RLPX_DISC_UNEXPECTED_IDENTITY, "hello node id differs from the handshake's");
    return;
  }
  c->n_caps = rlpx_negotiate(c->cfg.protos, c->cfg.n_protos, &c->hello, c->caps, RLPX_MAX_CAPS);
  if (c->n_caps == 0 && c->cfg.n_protos) {
    disconnect(c, RLPX_DISC_USELESS_PEER, "no shared capability");
    return;
  }
  c->state = ST_ACTIVE;
  uint64_t iv = c->cfg.ping_interval_ms ? c->cfg.ping_interval_ms : 15000;
  uv_timer_stop(&c->timer);
  uv_timer_start(&c->timer, on_ping_timer, iv, iv);
  if (c->cfg.cb.on_ready) c->cfg.cb.on_ready(c, c->cfg.user);
}

static void on_message(rlpx_conn_t *c, bytes_view_t m) {
  rlp_item_t id;
  size_t used;
  uint64_t code;
  if (rlp_decode_item(m.data, m.len, &id, &used) || rlp_get_u64(&id, &code)) {
    disconnect(c, RLPX_DISC_BREACH, "bad message id");
    return;
  }
  const uint8_t *p = m.data + used;
  size_t len = m.len - used;
  if (c->snappy) {
    int rc = rlpx_snappy_decompress(p, len, RLPX_MAX_MSG, &c->tmp);
    if (rc && code == P2P_DISCONNECT) rc = 0; /* sent uncompressed, as some peers do around the Hellos */
    else if (!rc) {
      p = c->tmp.data;
      len = c->tmp.len;
    }
    if (rc == ETHC_ERR_LIMIT) {
      disconnect(c, RLPX_DISC_BREACH, "message over 16 MiB uncompressed");
      return;
    }
    if (rc) {
      disconnect(c, RLPX_DISC_BREACH, "bad snappy data");
      return;
    }
  }
  c->stats.msgs_in++;
  c->stats.bytes_in += m.len;
  if (code == P2P_DISCONNECT) {
    int reason = 0;
    /* [reason] as sent, or compressed by a peer that took our Hello as the switch */
    if (rlpx_disconnect_decode(p, len, &reason) && (c->snappy || rlpx_snappy_decompress(p, len, 64, &c->tmp) ||
                                                    rlpx_disconnect_decode(c->tmp.data, c->tmp.len, &reason)))
      reason = RLPX_DISC_REQUESTED;
    char why[96];
    snprintf(why, sizeof why, "peer disconnected: %s", rlpx_disc_reason_str(reason));
    {
      close_now(c, reason, true, why);
      return;
    }
  }
  if (c->state == ST_HELLO) {
    if (code != P2P_HELLO) {
      disconnect(c, RLPX_DISC_BREACH, "message before hello");
      return;
    }
    {
      on_hello(c, p, len);
      return;
    }
  }
  switch (code) {
    case P2P_HELLO: {
      disconnect(c, RLPX_DISC_BREACH, "second hello");
      return;
    }
    case P2P_PING:
      c->stats.pings_in++;
      if (send_p2p(c, P2P_PONG)) close_now(c, RLPX_DISC_TCP_ERROR, false, "cannot send pong");
      return;
    case P2P_PONG:
      c->stats.pongs_in++;
      c->ping_out = false;
      return;
    default: break;
  }
  if (code < RLPX_CAP_BASE) return; /* reserved p2p ids */
  for (size_t i = 0; i < c->n_caps; i++) {
    if (code >= c->caps[i].offset && code < (uint64_t)c->caps[i].offset + c->caps[i].length) {
      if (c->cfg.cb.on_msg) c->cfg.cb.on_msg(c, &c->caps[i], code - c->caps[i].offset, p, len, c->cfg.user);
      return;
    }
  }
  disconnect(c, RLPX_DISC_BREACH, "message id out of range");
}

/* Consumes as much of the input buffer as the state allows. */
static void process(rlpx_conn_t *c) {
  size_t off = 0;
  while (c->state == ST_AUTH || c->state == ST_HELLO || c->state == ST_ACTIVE) {
    size_t used = 0;
    if (c->state == ST_AUTH) {
      bool failed = false;
      used = read_handshake(c, c->in.data + off, c->in.len - off, &failed);
      if (failed || used == 0) break;
      off += used;
      continue;
    }
    bytes_view_t m;
    int rc = rlpx_frame_read(c->frame, c->in.data + off, c->in.len - off, &used, &m);
    off += used;
    if (rc != 0 && rc != 1) { /* a bad MAC or an oversized frame */
      close_now(c, RLPX_DISC_BREACH, false, rlpx_frame_error(c->frame));
      break;
    }
    if (rc == 1) on_message(c, m);
    else if (used == 0) break;
  }
  if (c->state == ST_CLOSED) return;
  memmove(c->in.data, c->in.data + off, c->in.len - off);
  c->in.len -= off;
  /* an idle peer keeps no large buffers from a big message it sent */
  if (c->in.len == 0 && c->in.cap > BIG_BUFFER) bytes_buf_free(&c->in);
  if (c->tmp.cap > BIG_BUFFER) bytes_buf_free(&c->tmp);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  rlpx_conn_t *c = h->data;
  size_t want = suggested < 65536 ? 65536 : suggested;
  if (bytes_buf_reserve(&c->in, want)) {
    *buf = uv_buf_init(NULL, 0);
    return;
  }
  *buf = uv_buf_init((char *)c->in.data + c->in.len, (unsigned)(c->in.cap - c->in.len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  rlpx_conn_t *c = s->data;
  (void)buf;
  if (c->state == ST_CLOSED) return;
  if (n < 0) {
    char why[96];
    snprintf(why, sizeof why, "%s", n == UV_EOF ? "connection closed by peer" : uv_strerror((int)n));
    close_now(c, c->state == ST_CLOSING ? c->reason : RLPX_DISC_TCP_ERROR, false, why);
    return;
  }
  if (n == 0) return;
  c->in.len += (size_t)n;
  if (c->state == ST_CLOSING) { /* after our Disconnect nothing more is read */
    c->in.len = 0;
    return;
  }
  process(c);
}

/* ---- setup ---- */

static rlpx_conn_t *conn_new(uv_loop_t *loop, const rlpx_config_t *cfg) {
  rlpx_conn_t *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->loop = loop;
  c->cfg = *cfg;
  if (uv_tcp_init(loop, &c->tcp)) {
    free(c);
    return NULL;
  }
  uv_timer_init(loop, &c->timer);
  c->tcp.data = c->timer.data = c;
  c->open_handles = 2;
  uv_timer_start(&c->timer, on_handshake_timeout, cfg->handshake_timeout_ms ? cfg->handshake_timeout_ms : 5000, 0);
  return c;
}

static void on_connected(uv_connect_t *req, int status) {
  rlpx_conn_t *c = req->data;
  if (c->state == ST_CLOSED) return;
  if (status < 0) {
    char why[96];
    snprintf(why, sizeof why, "connect: %s", uv_strerror(status));
    {
      close_now(c, RLPX_DISC_TCP_ERROR, false, why);
      return;
    }
  }
  uv_tcp_nodelay(&c->tcp, 1);
  bytes_buf_t auth = {0};
  int rc = rlpx_hs_make_auth(&c->hs, false, &auth);
  if (!rc) rc = write_bytes(c, auth.data, auth.len);
  bytes_buf_free(&auth);
  if (!rc) rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) ? ETHC_ERR_IO : 0;
  if (rc) {
    close_now(c, RLPX_DISC_TCP_ERROR, false, "cannot send auth");
    return;
  }
  c->state = ST_AUTH;
}

int rlpx_dial(uv_loop_t *loop, const rlpx_config_t *cfg, const struct sockaddr *addr, const uint8_t remote_id[64],
              rlpx_conn_t **out) {
  rlpx_conn_t *c = conn_new(loop, cfg);
  if (!c) return ETHC_ERR_NOMEM;
  c->initiator = true;
  c->state = ST_CONNECTING;
  int rc = rlpx_hs_init_initiator(&c->hs, cfg->key, remote_id, NULL, NULL);
  if (!rc) {
    c->connect.data = c;
    rc = uv_tcp_connect(&c->connect, &c->tcp, addr, on_connected) ? ETHC_ERR_IO : 0;
  }
  if (rc) {
    /* nothing started: close quietly and free without on_close */
    c->cfg.cb.on_close = NULL;
    close_now(c, RLPX_DISC_TCP_ERROR, false, "dial failed");
    return rc;
  }
  *out = c;
  return ETHC_OK;
}

int rlpx_accept(uv_loop_t *loop, const rlpx_config_t *cfg, uv_stream_t *server, rlpx_conn_t **out) {
  rlpx_conn_t *c = conn_new(loop, cfg);
  if (!c) return ETHC_ERR_NOMEM;
  c->state = ST_AUTH;
  int rc = rlpx_hs_init_recipient(&c->hs, cfg->key, NULL, NULL);
  if (!rc && uv_accept(server, (uv_stream_t *)&c->tcp)) rc = ETHC_ERR_IO;
  if (!rc) {
    uv_tcp_nodelay(&c->tcp, 1);
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read)) rc = ETHC_ERR_IO;
  }
  if (rc) {
    c->cfg.cb.on_close = NULL;
    close_now(c, RLPX_DISC_TCP_ERROR, false, "accept failed");
    return rc;
  }
  *out = c;
  return ETHC_OK;
}

/* ---- accessors ---- */

bool rlpx_conn_initiator(const rlpx_conn_t *c) { return c->initiator; }
const uint8_t *rlpx_conn_remote_id(const rlpx_conn_t *c) { return c->hs.remote; }
int rlpx_conn_peer_addr(const rlpx_conn_t *c, struct sockaddr_storage *ss) {
  int len = sizeof *ss;
  return uv_tcp_getpeername(&c->tcp, (struct sockaddr *)ss, &len);
}
const rlpx_hello_t *rlpx_conn_remote_hello(const rlpx_conn_t *c) { return c->have_hello ? &c->hello : NULL; }
const rlpx_shared_cap_t *rlpx_conn_caps(const rlpx_conn_t *c, size_t *n) {
  *n = c->n_caps;
  return c->caps;
}
int rlpx_conn_cap_index(const rlpx_conn_t *c, const char *name) {
  for (size_t i = 0; i < c->n_caps; i++)
    if (strcmp(c->caps[i].name, name) == 0) return (int)i;
  return -1;
}
size_t rlpx_conn_write_queue(const rlpx_conn_t *c) { return c->queued; }
void rlpx_conn_set_data(rlpx_conn_t *c, void *data) { c->data = data; }
void *rlpx_conn_data(const rlpx_conn_t *c) { return c->data; }
const rlpx_stats_t *rlpx_conn_stats(const rlpx_conn_t *c) { return &c->stats; }
