/* An asynchronous HTTP GET client for the beacon REST API on a libuv loop: libcurl's
 * multi interface driven by the loop (curl_multi_socket_action from uv_poll and
 * uv_timer callbacks), so a light client fetching bootstraps and updates never
 * blocks the node's network thread. Every request has a total timeout, a connect
 * timeout and a body size limit; only http and https URLs are fetched.
 *
 * Thread-safety: a client belongs to its loop's thread; every function here and
 * every callback runs on it. Different clients on different loops are independent. */
#ifndef ETHC_BEACON_HTTP_H
#define ETHC_BEACON_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct beacon_http beacon_http_t;

/* Limits and headers of one GET; zero fields take the defaults below. */
typedef struct {
  uint64_t timeout_ms;         /* whole request (default 30000) */
  uint64_t connect_timeout_ms; /* TCP (and TLS) connect (default 10000) */
  size_t max_body;             /* bytes after content decoding (default 16 MiB) */
  const char *accept;          /* Accept header (default "application/json") */
  const char *post_json;       /* non-NULL: a POST of this body (copied), Content-Type application/json
                                  (a JSON-RPC call); NULL: a GET */
} beacon_http_opts_t;

#define BEACON_HTTP_TIMEOUT_MS 30000
#define BEACON_HTTP_CONNECT_TIMEOUT_MS 10000
#define BEACON_HTTP_MAX_BODY ((size_t)16 << 20)

/* What a finished GET gave. err is 0 when an HTTP response arrived (whatever its
 * status), otherwise ETHC_ERR_IO (connect, DNS, TLS, reset, timeout),
 * ETHC_ERR_LIMIT (body larger than max_body) or ETHC_ERR_INVALID (a URL that is
 * not http(s)); `message` then says what went wrong in one line. The body is
 * NUL-terminated (body[len] == 0) and is owned by the client: it is valid until
 * the callback returns. */
typedef struct {
  int err;
  const char *message;      /* "" when err == 0 */
  long status;              /* HTTP status (0 when none arrived) */
  const char *content_type; /* the Content-Type header, or "" */
  const char *consensus_version; /* the Eth-Consensus-Version header (beacon API), or "" */
  const uint8_t *body;
  size_t len;
  const char *url;
} beacon_http_response_t;

/* Called once per GET, on the loop thread, when it finishes (never from inside
 * beacon_http_get). It may start new GETs; it must not free the client. */
typedef void (*beacon_http_cb)(void *user, const beacon_http_response_t *res);

/* A client on `loop`. NULL when out of memory or libcurl cannot start. */
beacon_http_t *beacon_http_new(uv_loop_t *loop);

/* Starts a GET of `url` (copied), or a POST when opts->post_json is set. 0, and cb will be called exactly once (unless
 * the client is freed first); or ETHC_ERR_NOMEM / ETHC_ERR_INVALID (the URL is not
 * http:// or https://), and cb is never called. opts may be NULL. */
int beacon_http_get(beacon_http_t *c, const char *url, const beacon_http_opts_t *opts, beacon_http_cb cb, void *user);

/* GETs in flight. */
size_t beacon_http_pending(const beacon_http_t *c);

/* Cancels every GET in flight (their callbacks are not called) and closes the
 * client's handles; its memory is released from their close callbacks, so the
 * loop must run once more (uv_run) before it is closed. NULL is a no-op. */
void beacon_http_free(beacon_http_t *c);

#ifdef __cplusplus
}
#endif

#endif
