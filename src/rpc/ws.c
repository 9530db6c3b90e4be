/* JSON-RPC over WebSocket (RFC 6455) on the HTTP port: the handshake answers a
 * GET with Upgrade: websocket through libmicrohttpd's upgrade API; then a
 * thread of the connection's own (http.c starts one; a thread-per-connection
 * server, such as the engine API's, uses the connection's thread) reads frames,
 * answers each text message as a JSON-RPC body, and sends subscription
 * notifications (eth_subscribe) written by other threads under a lock.
 * Messages are limited like HTTP bodies; a bigger one closes with 1009. An
 * idle client is pinged every interval and dropped after three unanswered. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ethc/log.h"
#include "rpc/rpc_internal.h"
#include "rpc/ws.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

void ws_accept_key(const char *key, char out[29]) {
  unsigned char sha[SHA_DIGEST_LENGTH];
  char buf[128];
  snprintf(buf, sizeof buf, "%.60s%s", key, WS_GUID);
  SHA1((const unsigned char *)buf, strlen(buf), sha);
  EVP_EncodeBlock((unsigned char *)out, sha, SHA_DIGEST_LENGTH);
}

typedef struct {
  rpc_session_t sess; /* first: the server's view of this connection */
  int sock;
  const char *extra; /* bytes libmicrohttpd read past the handshake */
  size_t extra_len;
  pthread_mutex_t write_lock;
  bool dead;
} ws_conn_t;

static int read_exact(ws_conn_t *c, uint8_t *buf, size_t n) {
  while (n) {
    if (c->extra_len) {
      size_t k = n < c->extra_len ? n : c->extra_len;
      memcpy(buf, c->extra, k);
      c->extra += k, c->extra_len -= k, buf += k, n -= k;
      continue;
    }
    ssize_t r = recv(c->sock, buf, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    buf += r, n -= (size_t)r;
  }
  return 0;
}

/* Sends one frame (server frames are not masked). Thread-safe. */
static int send_frame(ws_conn_t *c, uint8_t opcode, const uint8_t *data, size_t len) {
  uint8_t hdr[10];
  size_t h = 0;
  hdr[h++] = 0x80 | opcode;
  if (len < 126) hdr[h++] = (uint8_t)len;
  else if (len <= 0xffff) hdr[h++] = 126, hdr[h++] = (uint8_t)(len >> 8), hdr[h++] = (uint8_t)len;
  else {
    hdr[h++] = 127;
    for (int i = 7; i >= 0; i--) hdr[h++] = (uint8_t)((uint64_t)len >> (8 * i));
  }
  pthread_mutex_lock(&c->write_lock);
  int rc = c->dead ? -1 : 0;
  const uint8_t *parts[2] = {hdr, data};
  size_t sizes[2] = {h, len};
  for (int p = 0; p < 2 && !rc; p++) {
    size_t off = 0;
    while (off < sizes[p]) {
      ssize_t w = send(c->sock, parts[p] + off, sizes[p] - off, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        rc = -1;
        c->dead = true; /* a client too slow to take its notifications is dropped */
        shutdown(c->sock, SHUT_RDWR);
        break;
      }
      off += (size_t)w;
    }
  }
  pthread_mutex_unlock(&c->write_lock);
  return rc;
}

static int notify(rpc_session_t *s, const char *data, size_t len) {
  return send_frame((ws_conn_t *)s, 0x1, (const uint8_t *)data, len);
}

static void send_close(ws_conn_t *c, uint16_t code) {
  uint8_t b[2] = {(uint8_t)(code >> 8), (uint8_t)code};
  send_frame(c, 0x8, b, 2);
}

void ws_serve(rpc_server_t *srv, int sock, const char *extra, size_t extra_len, size_t max_message, unsigned ping_ms,
              int (*register_conn)(void *ctx, int sock, bool add), void *ctx) {
  ws_conn_t *c = calloc(1, sizeof *c);
  if (!c) return;
  c->sess.notify = notify;
  c->sock = sock;
  c->extra = extra;
  c->extra_len = extra_len;
  pthread_mutex_init(&c->write_lock, NULL);
  /* blocking reads on this thread; writes give up after 5 s */
  int fl = fcntl(sock, F_GETFL);
  if (fl >= 0) fcntl(sock, F_SETFL, fl & ~O_NONBLOCK);
  struct timeval tv = {5, 0};
  setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  /* a frame begun must go on arriving: a minute without a byte ends it */
  struct timeval rtv = {60, 0};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &rtv, sizeof rtv);
  if (!ping_ms) ping_ms = 30000;
  if (register_conn(ctx, sock, true)) {
    send_close(c, 1001);
    goto out;
  }
  uint8_t *msg = NULL;
  size_t msg_len = 0;
  bool in_msg = false;
  unsigned missed = 0;
  for (;;) {
    /* idle between frames: ping every interval; three unanswered, the client is gone */
    if (!c->extra_len) {
      struct pollfd pfd = {.fd = sock, .events = POLLIN};
      int pr = poll(&pfd, 1, (int)ping_ms);
      if (pr < 0 && errno == EINTR) continue;
      if (pr == 0) {
        if (++missed > 3) {
          send_close(c, 1001);
          break;
        }
        if (send_frame(c, 0x9, (const uint8_t *)"ethc", 4)) break;
        continue;
      }
    }
    missed = 0;
    uint8_t h[2];
    if (read_exact(c, h, 2)) break;
    bool fin = h[0] & 0x80;
    uint8_t op = h[0] & 0x0f;
    uint64_t len = h[1] & 0x7f;
    if (h[0] & 0x70 || !(h[1] & 0x80)) { /* reserved bits, or an unmasked client frame */
      send_close(c, 1002);
      break;
    }
    if (len == 126 || len == 127) {
      uint8_t e[8];
      size_t n = len == 126 ? 2 : 8;
      if (read_exact(c, e, n)) break;
      len = 0;
      for (size_t i = 0; i < n; i++) len = len << 8 | e[i];
    }
    uint8_t mask[4];
    if (read_exact(c, mask, 4)) break;
    bool control = op & 0x8;
    if (control && (len > 125 || !fin)) {
      send_close(c, 1002);
      break;
    }
    if (!control && (op == 0) != in_msg) { /* a continuation outside a message, or a new one inside */
      send_close(c, 1002);
      break;
    }
    if (!control && msg_len + len > max_message) {
      send_close(c, 1009);
      break;
    }
    uint8_t ctl[125];
    uint8_t *dst = ctl;
    if (!control) {
      uint8_t *nm = realloc(msg, msg_len + len + 1);
      if (!nm) break;
      msg = nm;
      dst = msg + msg_len;
    }
    if (read_exact(c, dst, len)) break;
    for (uint64_t i = 0; i < len; i++) dst[i] ^= mask[i & 3];
    if (op == 0x8) { /* close: echo the code */
      uint16_t code = len >= 2 ? (uint16_t)(ctl[0] << 8 | ctl[1]) : 1000;
      send_close(c, code);
      break;
    }
    if (op == 0x9) {
      send_frame(c, 0xA, ctl, len);
      continue;
    }
    if (op == 0xA) continue;
    if (op != 0 && op != 1 && op != 2) {
      send_close(c, 1002);
      break;
    }
    msg_len += len;
    in_msg = !fin;
    if (in_msg) continue;
    char *resp = NULL;
    size_t resp_len = 0;
    if (rpc_server_handle_session(srv, &c->sess, (const char *)msg, msg_len, &resp, &resp_len)) {
      send_close(c, 1011);
      break;
    }
    msg_len = 0;
    if (resp) {
      int rc = send_frame(c, 0x1, (const uint8_t *)resp, resp_len);
      free(resp);
      if (rc) break;
    }
  }
  free(msg);
  /* Closing with unread bytes makes the kernel send a reset, which can reach
   * the client before our close frame: stop writing, then drop what the
   * client still sends (at most 1 MiB, half a second per read). */
  shutdown(sock, SHUT_WR);
  struct timeval rt = {0, 500000};
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof rt);
  uint8_t sink[4096];
  for (size_t drained = 0; drained < (1u << 20);) {
    ssize_t r = recv(sock, sink, sizeof sink, 0);
    if (r <= 0) break;
    drained += (size_t)r;
  }
  register_conn(ctx, sock, false);
out:
  rpc_session_end(srv, &c->sess);
  pthread_mutex_destroy(&c->write_lock);
  free(c);
}
