/* JSON-RPC over HTTP (execution-apis transport; RFC 9110/9112 via
 * libmicrohttpd): POST bodies up to a limit (413 with a JSON-RPC error past it),
 * keep-alive, CORS (the Fetch standard's Access-Control-* headers) for the
 * origins --http.corsdomain allows, and a JSON-RPC error for every other
 * method.
 * Threads: a server without JWT runs a pool of poll(2) event threads (one
 * per core; a thread per connection costs about three times the CPU per
 * request in wake-ups), which answer the quick requests (quick.h)
 * themselves; every other request is suspended and answered on a worker
 * thread (workers.h), and a WebSocket gets a thread of its own, so a slow
 * call never holds up another client. An event thread yields the CPU after
 * each answer it sends (on_completed), so that a busy one cannot hold a core
 * for a whole scheduler slice, and one with a single connection waits a few
 * microseconds for that client's next request before it sleeps
 * (http_spin.h). poll, not epoll: libmicrohttpd 0.9.75's
 * edge-triggered epoll at times misses a client's half-close after a partial
 * request, which then holds its connection until the idle timeout. The
 * engine API's server (JWT) keeps a thread per connection.
 * Each connection's libmicrohttpd memory pool is 16 KiB (request headers up
 * to about 15 KiB, as Node.js allows; larger ones get HTTP 431): the pool is
 * cleared per request, so its size is CPU per request; bodies go to the
 * request's own buffer, not the pool. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "ethc/rpc.h"
#include "rpc/jwt.h"
#include "rpc/http_spin.h"
#include "rpc/quick.h"
#include "rpc/ratelimit.h"
#include "rpc/rpc_internal.h"
#include "rpc/workers.h"
#include "rpc/ws.h"

struct rpc_http {
  struct MHD_Daemon *d;
  rpc_server_t *srv;
  char *cors; /* comma-separated origins, "*", or NULL */
  size_t body_limit;
  uint16_t port;
  atomic_uint inflight;
  bool quiesced;
  bool ws;
  rpc_ratelimit_t *limit; /* NULL: no rate limit */
  unsigned ws_ping_ms;
  /* open WebSocket connections, shut down when the server stops */
  pthread_mutex_t ws_lock;
  int ws_socks[1024];
  size_t ws_count;
  bool ws_closing;
  bool jwt; /* requests need a JWT signed with jwt_secret (the engine API) */
  uint8_t jwt_secret[JWT_SECRET_LEN];
  bool pool; /* event threads; slow requests and WebSockets on threads of their own */
  /* those threads still running (rpc_http_stop waits for none) */
  pthread_mutex_t jobs_lock;
  pthread_cond_t jobs_done;
  unsigned jobs;
  rpc_workers_t *workers; /* the slow requests' threads (pool servers) */
};

#define SMALL_BODY 512 /* bodies up to this size stay in the request itself */

/* One request's body as it arrives: in `small`, or malloc'd once larger. */
typedef struct {
  char *buf; /* small, or malloc'd */
  size_t len, cap;
  bool too_large;
  bool counted;
  bool authorized;    /* its JWT verified (servers that need one) */
  char auth_err[160]; /* why not */
  /* a request answered on a thread of its own: its answer, once done */
  rpc_job_t job;
  rpc_http_t *h;
  struct MHD_Connection *conn;
  atomic_bool done;
  int resp_rc;
  char *resp;
  size_t resp_len;
  char small[SMALL_BODY];
} req_t;

/* Counts a thread of the server's own in or out. */
static void job_begin(rpc_http_t *h) {
  pthread_mutex_lock(&h->jobs_lock);
  h->jobs++;
  pthread_mutex_unlock(&h->jobs_lock);
}
static void job_end(rpc_http_t *h) {
  pthread_mutex_lock(&h->jobs_lock);
  if (--h->jobs == 0) pthread_cond_broadcast(&h->jobs_done);
  pthread_mutex_unlock(&h->jobs_lock);
}
/* Starts fn(arg) on a detached thread counted as a job; false if it cannot. */
static bool job_start(rpc_http_t *h, void *(*fn)(void *), void *arg) {
  job_begin(h);
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  bool ok = pthread_create(&t, &at, fn, arg) == 0;
  pthread_attr_destroy(&at);
  if (!ok) job_end(h);
  return ok;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
  if (!ethc_log_enabled(ETHC_LOG_DEBUG)) return;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
  ethc_log(ETHC_LOG_DEBUG, "http: %s", msg);
}

/* The origin to allow for this request, or NULL. */
static const char *cors_origin(const rpc_http_t *h, struct MHD_Connection *conn) {
  if (!h->cors) return NULL;
  const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
  for (const char *p = h->cors; *p;) {
    while (*p == ',' || *p == ' ') p++;
    size_t n = strcspn(p, ", ");
    if (n == 1 && *p == '*') return "*";
    if (origin && n && strlen(origin) == n && !strncasecmp(origin, p, n)) return origin;
    p += n;
  }
  return NULL;
}

/* Whether the client takes gzip (RFC 9110 12.5.3: "gzip" or "*" in
 * Accept-Encoding, without q=0). */
static bool accepts_gzip(struct MHD_Connection *conn) {
  const char *p = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
  while (p && *p) {
    while (*p == ' ' || *p == ',') p++;
    size_t n = strcspn(p, ";, ");
    bool match = (n == 4 && !strncasecmp(p, "gzip", 4)) || (n == 1 && *p == '*');
    size_t item = strcspn(p, ",");
    if (match) {
      const char *q = p + n;
      const char *end = p + item;
      while (q < end && (*q == ';' || *q == ' ')) q++;
      if (q + 2 < end + 1 && !strncasecmp(q, "q=", 2)) return strtod(q + 2, NULL) > 0;
      return true;
    }
    p += item;
  }
  return false;
}

/* gzip of `body` at the fastest level, or NULL (then the body goes as is). */
static char *gzip_body(const char *body, size_t len, size_t *out_len) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
  size_t cap = deflateBound(&z, (uLong)len);
  char *out = malloc(cap);
  if (!out) {
    deflateEnd(&z);
    return NULL;
  }
  z.next_in = (Bytef *)body;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)out;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  *out_len = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    free(out);
    return NULL;
  }
  return out;
}

#define GZIP_MIN 1024 /* smaller bodies are not worth the CPU */

static enum MHD_Result send_body(rpc_http_t *h, struct MHD_Connection *conn, unsigned status, char *body, size_t len) {
  bool gz = false;
  if (body && len >= GZIP_MIN && len <= UINT32_MAX && accepts_gzip(conn)) {
    size_t zlen;
    char *z = gzip_body(body, len, &zlen);
    if (z) {
      free(body);
      body = z, len = zlen, gz = true;
    }
  }
  struct MHD_Response *r = body ? MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE)
                                : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!r) {
    free(body);
    return MHD_NO;
  }
  if (body) MHD_add_response_header(r, "Content-Type", "application/json");
  if (gz) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
  if (body && len >= GZIP_MIN) MHD_add_response_header(r, "Vary", "Accept-Encoding");
  const char *origin = cors_origin(h, conn);
  if (origin) {
    MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
    if (strcmp(origin, "*")) MHD_add_response_header(r, "Vary", "Origin");
  }
  if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, "Allow", "POST, OPTIONS");
  enum MHD_Result ret = MHD_queue_response(conn, status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_error(rpc_http_t *h, struct MHD_Connection *conn, unsigned status, int code,
                                  const char *msg) {
  size_t len;
  char *body = rpc_error_body(code, msg, &len);
  return send_body(h, conn, status, body, len);
}

/* HTTP 429 with the JSON-RPC error of a rate-limited call (EIP-1474: -32005). */
static enum MHD_Result send_limited(rpc_http_t *h, struct MHD_Connection *conn) {
  size_t len;
  char *body = rpc_error_body(RPC_LIMIT_EXCEEDED, "rate limit exceeded: too many requests from this address", &len);
  if (!body) return MHD_NO;
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!r) return free(body), MHD_NO;
  MHD_add_response_header(r, "Content-Type", "application/json");
  MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  const char *origin = cors_origin(h, conn);
  if (origin) MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
  enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_TOO_MANY_REQUESTS, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result preflight(rpc_http_t *h, struct MHD_Connection *conn) {
  struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  const char *origin = cors_origin(h, conn);
  if (origin) {
    MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
    if (strcmp(origin, "*")) MHD_add_response_header(r, "Vary", "Origin");
    MHD_add_response_header(r, "Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    const char *hdrs = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Access-Control-Request-Headers");
    MHD_add_response_header(r, "Access-Control-Allow-Headers", hdrs ? hdrs : "Content-Type");
    MHD_add_response_header(r, "Access-Control-Max-Age", "600");
  }
  enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_NO_CONTENT, r);
  MHD_destroy_response(r);
  return ret;
}

/* GET /health: the process is up and reads its database; GET /ready: it also
 * knows its head (later: and is in sync). 503 otherwise. */
static enum MHD_Result send_health(rpc_http_t *h, struct MHD_Connection *conn, bool ready) {
  uint64_t head = 0;
  bool ok = h->srv->chain && chain_read_head(h->srv->chain, &head, NULL) == 0;
  /* a light node knows its head once the beacon light client proved one */
  const rpc_light_heads_t *l = &h->srv->light_heads;
  ethc_hash_t proven;
  if (ok && ready && l->head) ok = l->head(l->ctx, RPC_PROVEN_LATEST, &head, &proven) == 0;
  char buf[96];
  int n = ready ? snprintf(buf, sizeof buf, "{\"ready\":%s,\"head\":%llu}\n", ok ? "true" : "false",
                           (unsigned long long)head)
                : snprintf(buf, sizeof buf, "{\"status\":\"%s\"}\n", ok ? "ok" : "database unreadable");
  char *body = malloc((size_t)n + 1);
  if (!body) return MHD_NO;
  memcpy(body, buf, (size_t)n + 1);
  return send_body(h, conn, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, body, (size_t)n);
}

static enum MHD_Result send_metrics(rpc_http_t *h, struct MHD_Connection *conn) {
  size_t len;
  char *text = rpc_metrics_text(h->srv, rpc_http_inflight(h), &len);
  if (!text) return MHD_NO;
  struct MHD_Response *r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
  if (!r) return free(text), MHD_NO;
  MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
  enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

static int ws_register(void *ctx, int sock, bool add) {
  rpc_http_t *h = ctx;
  int rc = 0;
  pthread_mutex_lock(&h->ws_lock);
  if (add) {
    if (h->ws_closing || h->ws_count == sizeof h->ws_socks / sizeof *h->ws_socks) rc = -1;
    else h->ws_socks[h->ws_count++] = sock;
  } else {
    for (size_t i = 0; i < h->ws_count; i++)
      if (h->ws_socks[i] == sock) {
        h->ws_socks[i] = h->ws_socks[--h->ws_count];
        break;
      }
  }
  pthread_mutex_unlock(&h->ws_lock);
  return rc;
}

typedef struct {
  rpc_http_t *h;
  MHD_socket sock;
  struct MHD_UpgradeResponseHandle *urh;
  size_t extra_len;
  char extra[]; /* bytes the client sent after its handshake */
} ws_job_t;

static void *ws_main(void *arg) {
  ws_job_t *j = arg;
  rpc_http_t *h = j->h;
  ws_serve(h->srv, j->sock, j->extra, j->extra_len, h->body_limit, h->ws_ping_ms, ws_register, h);
  MHD_upgrade_action(j->urh, MHD_UPGRADE_ACTION_CLOSE);
  free(j);
  job_end(h);
  return NULL;
}

/* libmicrohttpd calls this on the connection's thread: with a thread per
 * connection, blocking until the WebSocket closes is allowed there; an event
 * thread hands the socket to a thread of its own. */
static void on_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls, const char *extra, size_t extra_len,
                        MHD_socket sock, struct MHD_UpgradeResponseHandle *urh) {
  rpc_http_t *h = cls;
  (void)conn, (void)con_cls;
  if (!h->pool) {
    ws_serve(h->srv, sock, extra, extra_len, h->body_limit, h->ws_ping_ms, ws_register, h);
    MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
    return;
  }
  ws_job_t *j = malloc(sizeof *j + extra_len);
  if (j) {
    *j = (ws_job_t){h, sock, urh, extra_len};
    if (extra_len) memcpy(j->extra, extra, extra_len);
    if (job_start(h, ws_main, j)) return;
    free(j);
  }
  MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
}

/* A slow request's thread: answers it, then wakes its connection, whose
 * event thread sends the answer (on_request with rq->done). rq belongs to the
 * connection again once resumed: not touched after. */
static void slow_main(void *arg) {
  req_t *rq = arg;
  rq->resp_rc = rpc_server_handle(rq->h->srv, rq->buf, rq->len, &rq->resp, &rq->resp_len);
  atomic_store(&rq->done, true);
  MHD_resume_connection(rq->conn);
}

/* Hands the request to a worker thread; false if none takes it. */
static bool answer_off_thread(rpc_http_t *h, struct MHD_Connection *conn, req_t *rq) {
  rq->job = (rpc_job_t){slow_main, rq, NULL};
  MHD_suspend_connection(conn);
  if (rpc_workers_run(h->workers, &rq->job)) return true;
  MHD_resume_connection(conn);
  return false;
}

/* A GET asking for a WebSocket (RFC 6455 section 4.2.1). */
static bool wants_ws(struct MHD_Connection *conn) {
  const char *up = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_UPGRADE);
  for (const char *p = up; p && *p; p++)
    if (!strncasecmp(p, "websocket", 9)) return true;
  return false;
}

static enum MHD_Result ws_handshake(rpc_http_t *h, struct MHD_Connection *conn, req_t *rq) {
  const char *key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Key");
  const char *ver = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Sec-WebSocket-Version");
  if (!key || strlen(key) != 24 || !ver || strcmp(ver, "13"))
    return send_error(h, conn, MHD_HTTP_BAD_REQUEST, RPC_INVALID_REQUEST,
                      "WebSocket handshake needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13");
  char accept[29];
  ws_accept_key(key, accept);
  struct MHD_Response *r = MHD_create_response_for_upgrade(on_upgraded, h);
  if (!r) return MHD_NO;
  MHD_add_response_header(r, MHD_HTTP_HEADER_UPGRADE, "websocket");
  MHD_add_response_header(r, "Sec-WebSocket-Accept", accept);
  /* a WebSocket is a connection, not a request in flight */
  if (rq->counted) {
    rq->counted = false;
    atomic_fetch_sub(&h->inflight, 1);
  }
  enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_SWITCHING_PROTOCOLS, r);
  MHD_destroy_response(r);
  return ret;
}

/* Whether the request carries "Authorization: Bearer TOKEN" with a JWT the
 * server's secret signed (execution-apis src/engine/authentication.md). */
static bool jwt_authorized(const rpc_http_t *h, struct MHD_Connection *conn, char *err, size_t errlen) {
  const char *a = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  if (!a || strncasecmp(a, "Bearer ", 7)) return snprintf(err, errlen, "missing token"), false;
  a += 7;
  while (*a == ' ') a++;
  size_t n = strlen(a);
  while (n && a[n - 1] == ' ') n--;
  return jwt_verify(a, n, h->jwt_secret, (int64_t)time(NULL), err, errlen);
}

/* HTTP 401 with a JSON-RPC error naming what is wrong with the token. */
static enum MHD_Result send_unauthorized(struct MHD_Connection *conn, const char *why) {
  size_t len;
  char *body = rpc_error_body(RPC_INVALID_REQUEST, why, &len);
  if (!body) return MHD_NO;
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
  if (!r) return free(body), MHD_NO;
  MHD_add_response_header(r, "Content-Type", "application/json");
  MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_UNAUTHORIZED, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  rpc_http_t *h = cls;
  req_t *rq = *con_cls;
  if (!rq) {
    rq = malloc(sizeof *rq); /* not calloc: `small` needs no zeroing */
    if (!rq) return MHD_NO;
    rq->buf = rq->small;
    rq->len = 0;
    rq->cap = sizeof rq->small;
    rq->too_large = rq->authorized = false;
    rq->auth_err[0] = 0;
    rq->h = h;
    rq->conn = conn;
    atomic_init(&rq->done, false);
    rq->resp = NULL;
    *con_cls = rq;
    rq->counted = true;
    atomic_fetch_add(&h->inflight, 1);
    if (h->jwt) rq->authorized = jwt_authorized(h, conn, rq->auth_err, sizeof rq->auth_err);
    if (!strcmp(method, MHD_HTTP_METHOD_POST)) {
      const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      unsigned long long n = cl ? strtoull(cl, NULL, 10) : 0;
      rq->too_large = n > h->body_limit;
      /* A body up to 8 times the limit is read and dropped, so that the client,
       * still sending, sees the 413; a larger one is refused at once (the
       * connection then closes). */
      if (n <= 8ull * h->body_limit) return MHD_YES;
    } else {
      return MHD_YES;
    }
  }
  if (h->jwt && !rq->authorized) {
    if (*upload_size) return *upload_size = 0, MHD_YES; /* read and dropped, then the 401 */
    return send_unauthorized(conn, rq->auth_err);
  }
  if (!strcmp(method, MHD_HTTP_METHOD_OPTIONS)) return preflight(h, conn);
  if (!strcmp(method, MHD_HTTP_METHOD_GET) && !*upload_size) {
    if (h->ws && wants_ws(conn)) return ws_handshake(h, conn, rq);
    if (!strcmp(url, "/metrics")) return send_metrics(h, conn);
    if (!strcmp(url, "/health") || !strcmp(url, "/ready")) return send_health(h, conn, !strcmp(url, "/ready"));
  }
  if (strcmp(method, MHD_HTTP_METHOD_POST)) {
    if (*upload_size) return *upload_size = 0, MHD_YES;
    return send_error(h, conn, MHD_HTTP_METHOD_NOT_ALLOWED, RPC_INVALID_REQUEST,
                      "JSON-RPC needs POST with a JSON body (Content-Type: application/json)");
  }
  if (*upload_size && !rq->too_large) {
    if (rq->len + *upload_size > h->body_limit) {
      rq->too_large = true;
    } else {
      if (rq->len + *upload_size > rq->cap) {
        size_t cap = rq->cap < 4096 ? 4096 : rq->cap;
        while (cap < rq->len + *upload_size) cap *= 2;
        char *nb = rq->buf == rq->small ? malloc(cap) : realloc(rq->buf, cap);
        if (!nb) return MHD_NO;
        if (rq->buf == rq->small) memcpy(nb, rq->small, rq->len);
        rq->buf = nb;
        rq->cap = cap;
      }
      memcpy(rq->buf + rq->len, upload, *upload_size);
      rq->len += *upload_size;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (*upload_size) return *upload_size = 0, MHD_YES; /* discarding an oversized body */
  if (atomic_load(&rq->done)) {                       /* answered on a thread of its own */
    char *resp = rq->resp;
    rq->resp = NULL;
    if (rq->resp_rc) return send_error(h, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, RPC_INTERNAL_ERROR, "out of memory");
    return send_body(h, conn, MHD_HTTP_OK, resp, rq->resp_len);
  }
  if (rq->too_large) {
    char msg[96];
    snprintf(msg, sizeof msg, "request body too large (limit %zu bytes)", h->body_limit);
    return send_error(h, conn, MHD_HTTP_CONTENT_TOO_LARGE, RPC_INVALID_REQUEST, msg);
  }
  if (h->limit) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!rpc_ratelimit_allow(h->limit, ci ? ci->client_addr : NULL)) return send_limited(h, conn);
  }
  char *resp;
  size_t resp_len;
  rpc_speed_t speed = h->pool ? rpc_request_speed(h->srv, rq->buf, rq->len) : RPC_QUICK;
  if (speed == RPC_SLOW && answer_off_thread(h, conn, rq)) return MHD_YES;
  if (speed == RPC_BUDGET) {
    rpc_inline_begin(RPC_INLINE_BUDGET_MS);
    int rc = rpc_server_handle(h->srv, rq->buf, rq->len, &resp, &resp_len);
    if (!rpc_inline_end()) {
      if (rc) return send_error(h, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, RPC_INTERNAL_ERROR, "out of memory");
      return send_body(h, conn, MHD_HTTP_OK, resp, resp_len);
    }
    free(resp); /* the budget ran out: not the answer */
    if (answer_off_thread(h, conn, rq)) return MHD_YES;
  }
  if (rpc_server_handle(h->srv, rq->buf, rq->len, &resp, &resp_len))
    return send_error(h, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, RPC_INTERNAL_ERROR, "out of memory");
  return send_body(h, conn, MHD_HTTP_OK, resp, resp_len);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
  rpc_http_t *h = cls;
  req_t *rq = *con_cls;
  if (!rq) return;
  if (rq->counted) atomic_fetch_sub(&h->inflight, 1);
  if (rq->buf != rq->small) free(rq->buf);
  free(rq->resp);
  free(rq);
  *con_cls = NULL;
  if (!h->pool) return;
  /* An event thread under load never blocks: poll finds the next request
   * ready, so the scheduler would let it run out its whole slice (ms) while
   * other runnable threads on its core (the other connections' clients, a
   * worker's resumed answer) wait. Giving up the core after each answer is
   * sent bounds that wait to one request: p99 at 32 connections fell from
   * 4-7 ms to under 1 ms, for about 0.2 us a request. */
  sched_yield();
  /* A thread serving one connection waits a moment for its next request
   * with the core held (http_spin.h). */
  if (http_spin_wanted()) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) http_spin_wait(ci->connect_fd);
  }
}

/* Counts each event thread's connections (http_spin.h); libmicrohttpd calls
 * this on the thread that owns the connection. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode what) {
  const rpc_http_t *h = cls;
  (void)conn, (void)socket_ctx;
  if (!h->pool) return; /* a thread per connection: nothing to count */
  if (what == MHD_CONNECTION_NOTIFY_STARTED)
    http_spin_opened();
  else
    http_spin_closed();
}

int rpc_http_start(const rpc_http_opts_t *o, rpc_server_t *s, rpc_http_t **out, char *err, size_t errlen) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  const char *addr = o->addr ? o->addr : "127.0.0.1";
  struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(o->port);
  } else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(o->port);
    flags |= MHD_USE_IPv6;
  } else if (!strcmp(addr, "localhost")) {
    in4->sin_family = AF_INET;
    in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    in4->sin_port = htons(o->port);
  } else {
    snprintf(err, errlen, "--http.addr %s: not an IPv4 or IPv6 address", addr);
    return ETHC_ERR_INVALID;
  }
  rpc_http_t *h = calloc(1, sizeof *h);
  if (!h) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  h->srv = s;
  h->ws = o->ws;
  h->ws_ping_ms = o->ws_ping_ms;
  if (o->ratelimit && !(h->limit = rpc_ratelimit_new(o->ratelimit))) {
    free(h);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  pthread_mutex_init(&h->ws_lock, NULL);
  pthread_mutex_init(&h->jobs_lock, NULL);
  pthread_cond_init(&h->jobs_done, NULL);
  if (o->jwt_secret) {
    h->jwt = true;
    memcpy(h->jwt_secret, o->jwt_secret, JWT_SECRET_LEN);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = cores < 2 ? 2 : cores > 16 ? 16 : (unsigned)cores;
  h->pool = !h->jwt && (h->workers = rpc_workers_new(threads * 4)) != NULL;
  if (h->pool)
    flags = (flags & ~(unsigned)MHD_USE_THREAD_PER_CONNECTION) | MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_TURBO |
            MHD_ALLOW_SUSPEND_RESUME;
  if (o->ws) flags |= MHD_ALLOW_UPGRADE;
  h->body_limit = o->body_limit ? o->body_limit : 5u << 20;
  if (o->cors && *o->cors && !(h->cors = strdup(o->cors))) {
    rpc_workers_free(h->workers);
    free(h);
    return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  }
  /* One address may hold a quarter of the connections: a slowloris client
   * (headers dribbled a byte at a time, which keeps it from idling out) from
   * one address cannot take them all and lock the others out. */
  unsigned max_conns = o->max_conns ? o->max_conns : 512;
  unsigned per_ip = max_conns / 4 ? max_conns / 4 : 1;
  h->d = MHD_start_daemon(flags, o->port, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
                          MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
                          MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
                          MHD_OPTION_CONNECTION_LIMIT, max_conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(o->idle_timeout ? o->idle_timeout : 60),
                          MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
                          MHD_OPTION_THREAD_POOL_SIZE, h->pool ? threads : 0u, MHD_OPTION_END);
  if (!h->d) {
    snprintf(err, errlen, "cannot listen on %s port %u (in use, or not an address of this host)", addr, o->port);
    free(h->cors);
    rpc_ratelimit_free(h->limit);
    rpc_workers_free(h->workers);
    free(h);
    return ETHC_ERR_IO;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
  h->port = info ? info->port : o->port;
  *out = h;
  return 0;
}

uint16_t rpc_http_port(const rpc_http_t *h) { return h->port; }
unsigned rpc_http_inflight(const rpc_http_t *h) { return atomic_load(&((rpc_http_t *)h)->inflight); }

void rpc_http_quiesce(rpc_http_t *h) {
  if (h->quiesced) return;
  h->quiesced = true;
  MHD_socket fd = MHD_quiesce_daemon(h->d);
  if (fd != MHD_INVALID_SOCKET) close(fd);
  /* WebSockets live until closed: end them now (their threads then return) */
  pthread_mutex_lock(&h->ws_lock);
  h->ws_closing = true;
  for (size_t i = 0; i < h->ws_count; i++) shutdown(h->ws_socks[i], SHUT_RDWR);
  pthread_mutex_unlock(&h->ws_lock);
}

void rpc_http_stop(rpc_http_t *h) {
  if (!h) return;
  rpc_http_quiesce(h);
  /* the server's own threads end (WebSockets were shut down above, slow
   * requests finish and resume their connections) before the daemon stops */
  pthread_mutex_lock(&h->jobs_lock);
  while (h->jobs) pthread_cond_wait(&h->jobs_done, &h->jobs_lock);
  pthread_mutex_unlock(&h->jobs_lock);
  rpc_workers_free(h->workers);
  MHD_stop_daemon(h->d);
  pthread_mutex_destroy(&h->jobs_lock);
  pthread_cond_destroy(&h->jobs_done);
  pthread_mutex_destroy(&h->ws_lock);
  rpc_ratelimit_free(h->limit);
  free(h->cors);
  free(h);
}
