/* Unit test of the beacon REST API's HTTP client (src/beacon/beacon_http.c) against
 * a small HTTP server on the same libuv loop (127.0.0.1, a free port): bodies and
 * statuses, the Accept header, the body size limit (with and without a
 * Content-Length), the timeout, a refused connection, non-http URLs, many GETs at
 * once, and freeing the client with GETs in flight. One thread, no sleeps. */
#define _GNU_SOURCE /* strcasestr */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "check.h"
#include "ethc/beacon_http.h"
#include "ethc/error.h"

/* ---- the server: one request per connection, answered by path ---- */

typedef struct {
  uv_tcp_t tcp;
  char req[4096];
  size_t len;
  bool answered;
} conn_t;

static uv_loop_t loop;
static uv_tcp_t server;
static int port;
static char last_accept[128];

static void on_conn_closed(uv_handle_t *h) { free(h); }

static void conn_close(conn_t *c) {
  if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

typedef struct {
  uv_write_t w;
  conn_t *c;
  char *data;
} wreq_t;

static void on_written(uv_write_t *w, int status) {
  (void)status;
  wreq_t *r = (wreq_t *)w;
  conn_close(r->c);
  free(r->data);
  free(r);
}

static void send_all(conn_t *c, char *data, size_t len) {
  wreq_t *r = calloc(1, sizeof *r);
  r->c = c;
  r->data = data;
  uv_buf_t b = uv_buf_init(data, (unsigned)len);
  uv_write(&r->w, (uv_stream_t *)&c->tcp, &b, 1, on_written);
}

static void answer(conn_t *c) {
  char path[256] = "";
  sscanf(c->req, "GET %255s", path);
  const char *acc = strcasestr(c->req, "\r\nAccept:");
  if (acc) {
    acc += 9;
    while (*acc == ' ') acc++;
    size_t n = strcspn(acc, "\r\n");
    if (n >= sizeof last_accept) n = sizeof last_accept - 1;
    memcpy(last_accept, acc, n);
    last_accept[n] = 0;
  }
  if (strcmp(path, "/slow") == 0) return; /* never answers */
  size_t cap = 300000;
  char *out = malloc(cap);
  int n = 0;
  if (strcmp(path, "/ok") == 0) {
    const char *body = "{\"data\":{\"ok\":true}}";
    n = snprintf(out, cap,
                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n%s",
                 strlen(body), body);
  } else if (strcmp(path, "/big") == 0 || strcmp(path, "/big-unsized") == 0) {
    bool sized = strcmp(path, "/big") == 0;
    n = snprintf(out, cap, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%sConnection: close\r\n\r\n",
                 sized ? "Content-Length: 200000\r\n" : "");
    memset(out + n, 'x', 200000);
    n += 200000;
  } else {
    const char *body = "{\"code\":404,\"message\":\"Block not found\"}";
    n = snprintf(out, cap,
                 "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n%s",
                 strlen(body), body);
  }
  send_all(c, out, (size_t)n);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  conn_t *c = (conn_t *)h;
  size_t room = sizeof c->req - 1 - c->len;
  *buf = uv_buf_init(c->req + c->len, (unsigned)room);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  (void)buf;
  conn_t *c = (conn_t *)s;
  if (n < 0) {
    conn_close(c);
    return;
  }
  c->len += (size_t)n;
  c->req[c->len] = 0;
  if (!c->answered && strstr(c->req, "\r\n\r\n")) {
    c->answered = true;
    answer(c);
  }
}

static void on_connection(uv_stream_t *srv, int status) {
  if (status < 0) return;
  conn_t *c = calloc(1, sizeof *c);
  uv_tcp_init(&loop, &c->tcp);
  if (uv_accept(srv, (uv_stream_t *)&c->tcp) != 0) {
    conn_close(c);
    return;
  }
  uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, on_read);
}

/* ---- the client side ---- */

typedef struct {
  int calls;
  int err;
  long status;
  size_t len;
  char body[64];
  char message[256];
  char content_type[64];
} result_t;

static void on_done(void *user, const beacon_http_response_t *res) {
  result_t *r = user;
  r->calls++;
  r->err = res->err;
  r->status = res->status;
  r->len = res->len;
  snprintf(r->body, sizeof r->body, "%s", (const char *)res->body);
  snprintf(r->message, sizeof r->message, "%s", res->message);
  snprintf(r->content_type, sizeof r->content_type, "%s", res->content_type);
  CHECK(res->body[res->len] == 0);
}

static void url_of(char *out, size_t cap, const char *path) { snprintf(out, cap, "http://127.0.0.1:%d%s", port, path); }

/* Runs the loop until every GET of `c` has finished. */
static void run_until_idle(beacon_http_t *c) {
  while (beacon_http_pending(c) > 0) uv_run(&loop, UV_RUN_ONCE);
}

static void test_ok_and_404(beacon_http_t *c) {
  char url[128];
  result_t ok = {0}, nf = {0};
  url_of(url, sizeof url, "/ok");
  CHECK(beacon_http_get(c, url, NULL, on_done, &ok) == 0);
  CHECK(ok.calls == 0); /* never called from inside beacon_http_get */
  url_of(url, sizeof url, "/eth/v1/beacon/light_client/bootstrap/0x00");
  CHECK(beacon_http_get(c, url, NULL, on_done, &nf) == 0);
  CHECK(beacon_http_pending(c) == 2);
  run_until_idle(c);
  CHECK(ok.calls == 1 && ok.err == 0 && ok.status == 200);
  CHECK_MSG(strcmp(ok.body, "{\"data\":{\"ok\":true}}") == 0, "body %s", ok.body);
  CHECK(strcmp(ok.content_type, "application/json") == 0);
  CHECK_MSG(nf.calls == 1 && nf.err == 0 && nf.status == 404, "err %d %s", nf.err, nf.message);
  CHECK(strstr(nf.body, "Block not found") != NULL);
}

static void test_accept(beacon_http_t *c) {
  char url[128];
  result_t r = {0};
  url_of(url, sizeof url, "/ok");
  last_accept[0] = 0;
  CHECK(beacon_http_get(c, url, NULL, on_done, &r) == 0);
  run_until_idle(c);
  CHECK_MSG(strcmp(last_accept, "application/json") == 0, "Accept: %s", last_accept);
  beacon_http_opts_t o = {.accept = "application/octet-stream"};
  CHECK(beacon_http_get(c, url, &o, on_done, &r) == 0);
  run_until_idle(c);
  CHECK_MSG(strcmp(last_accept, "application/octet-stream") == 0, "Accept: %s", last_accept);
  CHECK(r.calls == 2);
}

static void test_limits(beacon_http_t *c) {
  char url[128];
  beacon_http_opts_t small = {.max_body = 1000};
  result_t sized = {0}, unsized = {0}, fits = {0}, slow = {0};
  url_of(url, sizeof url, "/big");
  CHECK(beacon_http_get(c, url, &small, on_done, &sized) == 0);
  url_of(url, sizeof url, "/big-unsized");
  CHECK(beacon_http_get(c, url, &small, on_done, &unsized) == 0);
  CHECK(beacon_http_get(c, url, NULL, on_done, &fits) == 0);
  beacon_http_opts_t quick = {.timeout_ms = 300};
  url_of(url, sizeof url, "/slow");
  uint64_t t0 = uv_hrtime();
  CHECK(beacon_http_get(c, url, &quick, on_done, &slow) == 0);
  run_until_idle(c);
  uint64_t ms = (uv_hrtime() - t0) / 1000000;
  CHECK_MSG(sized.calls == 1 && sized.err == ETHC_ERR_LIMIT, "err %d %s", sized.err, sized.message);
  CHECK(strstr(sized.message, "larger than 1000 bytes") != NULL);
  CHECK_MSG(unsized.calls == 1 && unsized.err == ETHC_ERR_LIMIT, "err %d %s", unsized.err, unsized.message);
  CHECK(fits.calls == 1 && fits.err == 0 && fits.len == 200000);
  CHECK_MSG(slow.calls == 1 && slow.err == ETHC_ERR_IO && strstr(slow.message, "timed out"), "err %d %s", slow.err,
            slow.message);
  CHECK_MSG(ms >= 250 && ms < 5000, "timeout took %llu ms", (unsigned long long)ms);
}

static void test_bad_targets(beacon_http_t *c) {
  result_t r = {0};
  CHECK(beacon_http_get(c, "ftp://127.0.0.1/x", NULL, on_done, &r) == ETHC_ERR_INVALID);
  CHECK(beacon_http_get(c, "file:///etc/passwd", NULL, on_done, &r) == ETHC_ERR_INVALID);
  CHECK(beacon_http_get(c, "127.0.0.1:1/x", NULL, on_done, &r) == ETHC_ERR_INVALID);
  CHECK(beacon_http_pending(c) == 0);
  /* a port nobody listens on: bind one, note it, close it */
  uv_tcp_t tmp;
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(&loop, &tmp);
  uv_tcp_bind(&tmp, (const struct sockaddr *)&a, 0);
  struct sockaddr_in got;
  int len = sizeof got;
  uv_tcp_getsockname(&tmp, (struct sockaddr *)&got, &len);
  uv_close((uv_handle_t *)&tmp, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", ntohs(got.sin_port));
  CHECK(beacon_http_get(c, url, NULL, on_done, &r) == 0);
  run_until_idle(c);
  CHECK_MSG(r.calls == 1 && r.err == ETHC_ERR_IO && r.message[0], "err %d %s", r.err, r.message);
}

static void test_many(beacon_http_t *c) {
  enum { N = 40 };
  static result_t rs[N];
  char url[128];
  url_of(url, sizeof url, "/ok");
  for (int i = 0; i < N; i++) CHECK(beacon_http_get(c, url, NULL, on_done, &rs[i]) == 0);
  run_until_idle(c);
  int good = 0;
  for (int i = 0; i < N; i++) good += rs[i].calls == 1 && rs[i].err == 0 && rs[i].status == 200;
  CHECK_MSG(good == N, "%d of %d", good, N);
}

/* Freeing with GETs in flight: no callback, every handle closed, the loop ends. */
static void test_free_pending(void) {
  beacon_http_t *c = beacon_http_new(&loop);
  CHECK(c != NULL);
  char url[128];
  result_t r = {0};
  url_of(url, sizeof url, "/slow");
  CHECK(beacon_http_get(c, url, NULL, on_done, &r) == 0);
  CHECK(beacon_http_get(c, url, NULL, on_done, &r) == 0);
  for (int i = 0; i < 5; i++) uv_run(&loop, UV_RUN_NOWAIT);
  beacon_http_free(c);
  beacon_http_free(NULL);
  for (int i = 0; i < 20; i++) uv_run(&loop, UV_RUN_NOWAIT);
  CHECK(r.calls == 0);
}

static void count_handle(uv_handle_t *h, void *arg) {
  if (!uv_is_closing(h)) ++*(int *)arg;
}

int main(void) {
  uv_loop_init(&loop);
  uv_tcp_init(&loop, &server);
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  CHECK(uv_tcp_bind(&server, (const struct sockaddr *)&a, 0) == 0);
  CHECK(uv_listen((uv_stream_t *)&server, 128, on_connection) == 0);
  struct sockaddr_in got;
  int len = sizeof got;
  uv_tcp_getsockname(&server, (struct sockaddr *)&got, &len);
  port = ntohs(got.sin_port);

  beacon_http_t *c = beacon_http_new(&loop);
  CHECK(c != NULL);
  if (c) {
    test_ok_and_404(c);
    test_accept(c);
    test_limits(c);
    test_bad_targets(c);
    test_many(c);
    beacon_http_free(c);
  }
  test_free_pending();

  uv_close((uv_handle_t *)&server, NULL);
  for (int i = 0; i < 50; i++) uv_run(&loop, UV_RUN_NOWAIT);
  int open = 0;
  uv_walk(&loop, count_handle, &open);
  CHECK_MSG(open == 0, "%d handles left open", open);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  return check_summary();
}
