/* The beacon REST API's HTTP client (ethc/beacon_http.h): libcurl's multi interface
 * on a libuv loop, as libcurl documents it for event loops (curl_multi_socket_action,
 * CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION): libcurl says which sockets to
 * watch and when its next timeout is due, uv_poll_t handles watch the sockets and
 * one uv_timer_t fires the timeouts, and each event is handed back to libcurl.
 * Name resolution uses libcurl's threaded resolver, so nothing here blocks. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ethc/beacon_http.h"
#include "ethc/error.h"

typedef struct req {
  struct req *prev, *next;
  struct beacon_http *c;
  CURL *easy;
  struct curl_slist *headers;
  char *url;
  uint8_t *buf;
  size_t len, cap, max;
  uint64_t timeout_ms;
  bool too_large;
  beacon_http_cb cb;
  void *user;
  char errbuf[CURL_ERROR_SIZE];
} req_t;

/* One socket libcurl asked us to watch. */
typedef struct {
  uv_poll_t poll;
  curl_socket_t fd;
  struct beacon_http *c;
} sock_t;

struct beacon_http {
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timer;
  req_t *reqs;
  size_t pending;
  int open_handles; /* the timer and every socket's poll not yet closed */
  bool closing;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static bool global_ok;

static void global_init(void) { global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

static void maybe_release(beacon_http_t *c) {
  if (c->closing && c->open_handles == 0) free(c);
}

static void on_handle_closed(uv_handle_t *h) {
  beacon_http_t *c = h->data;
  if ((void *)h != (void *)&c->timer) free(h); /* a sock_t: its poll is its first member */
  c->open_handles--;
  maybe_release(c);
}

static void req_free(req_t *r) {
  if (r->easy) curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->headers);
  free(r->url);
  free(r->buf);
  free(r);
}

static void req_unlink(req_t *r) {
  beacon_http_t *c = r->c;
  if (r->prev) r->prev->next = r->next;
  else c->reqs = r->next;
  if (r->next) r->next->prev = r->prev;
  c->pending--;
}

/* Reports a finished transfer to its owner and releases it. */
static void req_finish(req_t *r, CURLcode rc) {
  beacon_http_t *c = r->c;
  beacon_http_response_t res = {.url = r->url, .content_type = "", .consensus_version = "", .message = ""};
  char msg[CURL_ERROR_SIZE + 96];
  if (rc == CURLE_OK) {
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &res.status);
    char *ct = NULL;
    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) res.content_type = ct;
    struct curl_header *ver = NULL;
    if (curl_easy_header(r->easy, "Eth-Consensus-Version", 0, CURLH_HEADER, -1, &ver) == CURLHE_OK && ver)
      res.consensus_version = ver->value;
  } else if ((rc == CURLE_WRITE_ERROR && r->too_large) || rc == CURLE_FILESIZE_EXCEEDED) {
    res.err = ETHC_ERR_LIMIT;
    snprintf(msg, sizeof msg, "response larger than %zu bytes", r->max);
    res.message = msg;
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    res.err = ETHC_ERR_IO;
    snprintf(msg, sizeof msg, "timed out (%s)", r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
    res.message = msg;
  } else {
    res.err = ETHC_ERR_IO;
    snprintf(msg, sizeof msg, "%s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
    res.message = msg;
  }
  if (res.err == 0) {
    res.body = r->buf ? r->buf : (const uint8_t *)"";
    res.len = r->len;
  } else {
    res.body = (const uint8_t *)"";
  }
  curl_multi_remove_handle(c->multi, r->easy);
  req_unlink(r);
  r->cb(r->user, &res);
  req_free(r);
}

static void check_done(beacon_http_t *c) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(c->multi, &left))) {
    if (m->msg != CURLMSG_DONE) continue;
    req_t *r = NULL;
    CURL *easy = m->easy_handle;
    CURLcode rc = m->data.result;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&r);
    if (r) req_finish(r, rc);
  }
}

static void on_poll(uv_poll_t *p, int status, int events) {
  sock_t *s = (sock_t *)p;
  beacon_http_t *c = s->c;
  int flags = 0;
  if (status < 0) flags = CURL_CSELECT_ERR;
  else {
    if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  }
  int running;
  curl_multi_socket_action(c->multi, s->fd, flags, &running);
  check_done(c);
}

static void on_timer(uv_timer_t *t) {
  beacon_http_t *c = t->data;
  int running;
  curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(c);
}

/* CURLMOPT_SOCKETFUNCTION: watch `fd` for `what`, or stop watching it. */
static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
  (void)easy;
  beacon_http_t *c = userp;
  sock_t *s = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (s) {
      uv_poll_stop(&s->poll);
      uv_close((uv_handle_t *)&s->poll, on_handle_closed);
      curl_multi_assign(c->multi, fd, NULL);
    }
    return 0;
  }
  if (!s) {
    s = calloc(1, sizeof *s);
    if (!s) return -1;
    if (uv_poll_init_socket(c->loop, &s->poll, fd) != 0) {
      free(s);
      return -1;
    }
    s->fd = fd;
    s->c = c;
    s->poll.data = c;
    c->open_handles++;
    curl_multi_assign(c->multi, fd, s);
  }
  int events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= UV_READABLE;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= UV_WRITABLE;
  return uv_poll_start(&s->poll, events, on_poll) == 0 ? 0 : -1;
}

/* CURLMOPT_TIMERFUNCTION: libcurl's next timeout (-1: none). The timer fires from
 * the loop, never from inside this callback, as libcurl requires. */
static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  beacon_http_t *c = userp;
  if (timeout_ms < 0) uv_timer_stop(&c->timer);
  else uv_timer_start(&c->timer, on_timer, (uint64_t)timeout_ms, 0);
  return 0;
}

static size_t write_cb(char *data, size_t size, size_t nmemb, void *userp) {
  req_t *r = userp;
  size_t n = size * nmemb;
  if (n > r->max - r->len) {
    r->too_large = true;
    return 0; /* libcurl ends the transfer with CURLE_WRITE_ERROR */
  }
  if (r->len + n + 1 > r->cap) {
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < r->len + n + 1) cap *= 2;
    uint8_t *b = realloc(r->buf, cap);
    if (!b) return 0;
    r->buf = b;
    r->cap = cap;
  }
  memcpy(r->buf + r->len, data, n);
  r->len += n;
  r->buf[r->len] = 0;
  return n;
}

beacon_http_t *beacon_http_new(uv_loop_t *loop) {
  pthread_once(&global_once, global_init);
  if (!global_ok) return NULL;
  beacon_http_t *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->loop = loop;
  c->multi = curl_multi_init();
  if (!c->multi) {
    free(c);
    return NULL;
  }
  uv_timer_init(loop, &c->timer);
  c->timer.data = c;
  c->open_handles = 1;
  curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
  curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
  return c;
}

static bool is_http_url(const char *url) {
  return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

int beacon_http_get(beacon_http_t *c, const char *url, const beacon_http_opts_t *opts, beacon_http_cb cb, void *user) {
  if (!c || c->closing || !url || !cb || !is_http_url(url)) return ETHC_ERR_INVALID;
  beacon_http_opts_t o = opts ? *opts : (beacon_http_opts_t){0};
  if (!o.timeout_ms) o.timeout_ms = BEACON_HTTP_TIMEOUT_MS;
  if (!o.connect_timeout_ms) o.connect_timeout_ms = BEACON_HTTP_CONNECT_TIMEOUT_MS;
  if (!o.max_body) o.max_body = BEACON_HTTP_MAX_BODY;
  if (!o.accept) o.accept = "application/json";

  req_t *r = calloc(1, sizeof *r);
  if (!r) return ETHC_ERR_NOMEM;
  r->c = c;
  r->cb = cb;
  r->user = user;
  r->max = o.max_body;
  r->timeout_ms = o.timeout_ms;
  r->url = strdup(url);
  r->easy = curl_easy_init();
  char accept[256];
  snprintf(accept, sizeof accept, "Accept: %s", o.accept);
  r->headers = curl_slist_append(NULL, accept);
  if (r->headers && o.post_json) {
    struct curl_slist *h = curl_slist_append(r->headers, "Content-Type: application/json");
    if (!h) curl_slist_free_all(r->headers);
    r->headers = h;
  }
  if (!r->url || !r->easy || !r->headers) {
    req_free(r);
    return ETHC_ERR_NOMEM;
  }
  CURL *e = r->easy;
  curl_easy_setopt(e, CURLOPT_URL, r->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)r);
  if (o.post_json) curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, o.post_json);
  else curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)o.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)o.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o.max_body);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes */
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "ethc");
  if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
    req_free(r);
    return ETHC_ERR_NOMEM;
  }
  r->next = c->reqs;
  if (c->reqs) c->reqs->prev = r;
  c->reqs = r;
  c->pending++;
  return 0;
}

size_t beacon_http_pending(const beacon_http_t *c) { return c ? c->pending : 0; }

void beacon_http_free(beacon_http_t *c) {
  if (!c || c->closing) return;
  c->closing = true;
  while (c->reqs) {
    req_t *r = c->reqs;
    curl_multi_remove_handle(c->multi, r->easy);
    req_unlink(r);
    req_free(r);
  }
  /* closes cached connections: their sockets' polls close through socket_cb */
  curl_multi_cleanup(c->multi);
  c->multi = NULL;
  uv_timer_stop(&c->timer);
  uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}
