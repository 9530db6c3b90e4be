/* A blocking RLPx connection for conformance tests: see ethtest_conn.h. */
#include "ethtest_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "rlpx_codec.h"

struct et_conn {
  int fd;
  uint8_t key[32], pub[64], remote[64];
  rlpx_frame_t *frame;
  bytes_buf_t in; /* received, not yet decoded bytes */
  size_t in_off;
  bytes_buf_t msg; /* the last message's payload */
  bool snappy;
  rlpx_shared_cap_t caps[RLPX_MAX_CAPS];
  size_t n_caps;
};

int et_parse_enode(const char *e, uint8_t id[64], char host[64], int *port) {
  if (strncmp(e, "enode://", 8) != 0 || strlen(e) < 8 + 128 + 1 || e[8 + 128] != '@') return -1;
  char hex[129];
  memcpy(hex, e + 8, 128);
  hex[128] = 0;
  if (hex_decode(hex, false, id, 64, NULL)) return -1;
  const char *h = e + 8 + 129, *colon = strrchr(h, ':');
  if (!colon || colon - h >= 64) return -1;
  memcpy(host, h, (size_t)(colon - h));
  host[colon - h] = 0;
  *port = atoi(colon + 1);
  return *port > 0 && *port < 65536 ? 0 : -1;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w, n -= (size_t)w;
  }
  return 0;
}

/* Reads more bytes into c->in until the deadline: 0, ET_TIMEOUT, ET_CLOSED. */
static int fill(et_conn_t *c, uint64_t deadline) {
  uint64_t now = now_ms();
  if (now >= deadline) return ET_TIMEOUT;
  struct pollfd p = {.fd = c->fd, .events = POLLIN};
  int r = poll(&p, 1, (int)(deadline - now));
  if (r == 0) return ET_TIMEOUT;
  if (r < 0) return errno == EINTR ? 0 : ET_ERROR;
  uint8_t buf[65536];
  ssize_t n = recv(c->fd, buf, sizeof buf, 0);
  if (n == 0) return ET_CLOSED;
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 0 : ET_CLOSED; /* ECONNRESET */
  if (c->in_off && c->in_off == c->in.len) c->in.len = c->in_off = 0;
  return bytes_buf_append(&c->in, buf, (size_t)n) ? ET_ERROR : 0;
}

et_conn_t *et_dial(const char *enode, const uint8_t *key, char *err, size_t errlen) {
  char host[64];
  int port;
  et_conn_t *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->fd = -1;
  if (et_parse_enode(enode, c->remote, host, &port)) {
    snprintf(err, errlen, "bad enode");
    goto fail;
  }
  if (key) memcpy(c->key, key, 32);
  else if (rlpx_random_key(c->key)) goto fail;
  if (ethc_secp256k1_pubkey_create(c->key, c->pub)) goto fail;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, host, &a.sin_addr);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a)) {
    snprintf(err, errlen, "connect: %s", strerror(errno));
    goto fail;
  }
  rlpx_handshake_t hs;
  if (rlpx_hs_init_initiator(&hs, c->key, c->remote, NULL, NULL)) goto fail;
  bytes_buf_t auth = {0};
  int rc = rlpx_hs_make_auth(&hs, false, &auth) || write_all(c->fd, auth.data, auth.len);
  bytes_buf_free(&auth);
  uint64_t deadline = now_ms() + 5000;
  size_t need = 0;
  while (!rc) {
    rc = rlpx_hs_read_ack(&hs, c->in.data, c->in.len, &need);
    if (rc || need == 0) break;
    rc = fill(c, deadline);
  }
  rlpx_secrets_t s;
  if (!rc) rc = rlpx_hs_secrets(&hs, &s);
  if (!rc) {
    c->in_off = hs.ack.len; /* bytes after the ack are frames */
    c->frame = rlpx_frame_new(&s);
  }
  rlpx_hs_free(&hs);
  if (rc || !c->frame) {
    snprintf(err, errlen, "handshake failed (%d)", rc);
    goto fail;
  }
  return c;
fail:
  et_close(c);
  return NULL;
}

void et_close(et_conn_t *c) {
  if (!c) return;
  if (c->fd >= 0) close(c->fd);
  rlpx_frame_free(c->frame);
  bytes_buf_free(&c->in);
  bytes_buf_free(&c->msg);
  free(c);
}

const uint8_t *et_pubkey(const et_conn_t *c) { return c->pub; }
void et_set_snappy(et_conn_t *c, bool on) { c->snappy = on; }

int et_send(et_conn_t *c, uint64_t code, const uint8_t *data, size_t len) {
  bytes_buf_t m = {0}, z = {0}, f = {0};
  int rc = rlp_put_u64(&m, code);
  if (!rc && c->snappy && code != P2P_HELLO) {
    rc = rlpx_snappy_compress(data, len, &z);
    if (!rc) rc = bytes_buf_append(&m, z.data, z.len);
  } else if (!rc) {
    rc = bytes_buf_append(&m, data, len);
  }
  if (!rc) rc = rlpx_frame_write(c->frame, m.data, m.len, &f);
  if (!rc) rc = write_all(c->fd, f.data, f.len);
  bytes_buf_free(&m), bytes_buf_free(&z), bytes_buf_free(&f);
  return rc ? -1 : 0;
}

int et_read(et_conn_t *c, int timeout_ms, uint64_t *code, bytes_view_t *data) {
  uint64_t deadline = now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    size_t used = 0;
    bytes_view_t fd;
    int r = rlpx_frame_read(c->frame, c->in.data + c->in_off, c->in.len - c->in_off, &used, &fd);
    c->in_off += used;
    if (r < 0) return ET_ERROR;
    if (r == 0) {
      if (used) continue;
      int f = fill(c, deadline);
      if (f) return f;
      continue;
    }
    rlp_item_t id;
    size_t n;
    if (rlp_decode_item(fd.data, fd.len, &id, &n) || id.is_list || rlp_get_u64(&id, code)) return ET_ERROR;
    const uint8_t *p = fd.data + n;
    size_t plen = fd.len - n;
    c->msg.len = 0;
    if (c->snappy && *code != P2P_HELLO) {
      if (rlpx_snappy_decompress(p, plen, RLPX_MAX_MSG, &c->msg)) {
        if (*code != P2P_DISCONNECT) return ET_ERROR;
        c->msg.len = 0; /* some peers send Disconnect uncompressed */
        if (bytes_buf_append(&c->msg, p, plen)) return ET_ERROR;
      }
    } else if (bytes_buf_append(&c->msg, p, plen)) {
      return ET_ERROR;
    }
    *data = bytes_view(c->msg.data, c->msg.len);
    if (*code == P2P_PING) {
      static const uint8_t empty[] = {0xc0};
      if (et_send(c, P2P_PONG, empty, 1)) return ET_ERROR;
      continue;
    }
    return 0;
  }
}

int et_hello(et_conn_t *c, const rlpx_proto_t *caps, size_t n, int *reason) {
  rlpx_hello_t h = {.version = RLPX_P2P_VERSION};
  snprintf(h.client_id, sizeof h.client_id, "ethc/ethtest");
  for (size_t i = 0; i < n && i < RLPX_MAX_CAPS; i++) {
    snprintf(h.caps[i].name, sizeof h.caps[i].name, "%s", caps[i].name);
    h.caps[i].version = caps[i].version;
  }
  h.n_caps = n;
  memcpy(h.id, c->pub, 64);
  bytes_buf_t b = {0};
  int rc = rlpx_hello_encode(&h, &b);
  if (!rc) rc = et_send(c, P2P_HELLO, b.data, b.len);
  bytes_buf_free(&b);
  *reason = -1;
  if (rc) return -1;
  uint64_t code;
  bytes_view_t d;
  if (et_read(c, 5000, &code, &d)) return -1;
  if (code == P2P_DISCONNECT) {
    if (rlpx_disconnect_decode(d.data, d.len, reason)) *reason = -1;
    return -1;
  }
  rlpx_hello_t rh;
  if (code != P2P_HELLO || rlpx_hello_decode(d.data, d.len, &rh)) return -1;
  c->snappy = rh.version >= 5;
  c->n_caps = rlpx_negotiate(caps, n, &rh, c->caps, RLPX_MAX_CAPS);
  return 0;
}

int et_offset(const et_conn_t *c, const char *name, uint32_t *version) {
  for (size_t i = 0; i < c->n_caps; i++)
    if (!strcmp(c->caps[i].name, name)) {
      if (version) *version = c->caps[i].version;
      return (int)c->caps[i].offset;
    }
  return -1;
}
