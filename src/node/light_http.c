/* Blocking JSON-RPC 2.0 calls over HTTP(S) with libcurl's easy interface
 * (light_http.h): a mutex-guarded pool of easy handles, so connections are
 * kept and reused across calls and threads. */
#include "node/light_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/bytes.h"
#include "ethc/error.h"

#define POOL_MAX 16

struct light_http {
  char *url;
  unsigned timeout_ms;
  size_t max_response;
  pthread_mutex_t lock;
  CURL *pool[POOL_MAX];
  size_t pooled;
  struct curl_slist *headers;
  atomic_ullong calls, micros, ids;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static bool global_ok;
static void global_init(void) { global_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

light_http_t *light_http_new(const char *url, unsigned timeout_ms, size_t max_response) {
  pthread_once(&global_once, global_init);
  if (!global_ok) return NULL;
  light_http_t *h = calloc(1, sizeof *h);
  if (!h) return NULL;
  h->url = strdup(url);
  h->timeout_ms = timeout_ms ? timeout_ms : 10000;
  h->max_response = max_response ? max_response : (64u << 20);
  h->headers = curl_slist_append(NULL, "Content-Type: application/json");
  pthread_mutex_init(&h->lock, NULL);
  if (!h->url || !h->headers) {
    light_http_free(h);
    return NULL;
  }
  return h;
}

void light_http_free(light_http_t *h) {
  if (!h) return;
  for (size_t i = 0; i < h->pooled; i++) curl_easy_cleanup(h->pool[i]);
  curl_slist_free_all(h->headers);
  pthread_mutex_destroy(&h->lock);
  free(h->url);
  free(h);
}

static CURL *take(light_http_t *h) {
  CURL *e = NULL;
  pthread_mutex_lock(&h->lock);
  if (h->pooled) e = h->pool[--h->pooled];
  pthread_mutex_unlock(&h->lock);
  return e ? e : curl_easy_init();
}

static void give_back(light_http_t *h, CURL *e) {
  pthread_mutex_lock(&h->lock);
  if (h->pooled < POOL_MAX) h->pool[h->pooled++] = e, e = NULL;
  pthread_mutex_unlock(&h->lock);
  if (e) curl_easy_cleanup(e);
}

typedef struct {
  bytes_buf_t body;
  size_t max;
  bool too_large;
} sink_t;

static size_t on_data(char *p, size_t size, size_t n, void *ud) {
  sink_t *s = ud;
  size_t len = size * n;
  if (s->body.len + len > s->max) {
    s->too_large = true;
    return 0; /* aborts the transfer */
  }
  return bytes_buf_append(&s->body, (const uint8_t *)p, len) ? 0 : len;
}

void light_http_stats(light_http_t *h, unsigned long long *calls, unsigned long long *micros) {
  *calls = atomic_load(&h->calls);
  *micros = atomic_load(&h->micros);
}

/* POSTs `req` (a JSON text) and parses the answer into *doc: 0, or
 * ETHC_ERR_NOMEM / ETHC_ERR_IO (transport, timeout, too large, not JSON) with
 * the message in err, prefixed by `what`. Counts the call in the stats. */
static int post(light_http_t *h, const char *what, const char *req, cJSON **doc, char *err, size_t errlen) {
  *doc = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CURL *e = take(h);
  if (!e) {
    snprintf(err, errlen, "out of memory");
    return ETHC_ERR_NOMEM;
  }
  sink_t sink = {.max = h->max_response};
  char ebuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(e, CURLOPT_URL, h->url);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, req);
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(req));
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, ebuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(h->timeout_ms < 5000 ? h->timeout_ms : 5000));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_USERAGENT, "ethc");
  CURLcode cc = curl_easy_perform(e);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, NULL);
  give_back(h, e);
  int rc = 0;
  if (sink.too_large) {
    snprintf(err, errlen, "%s: the answer is larger than %zu bytes", what, h->max_response);
    rc = ETHC_ERR_IO;
  } else if (cc != CURLE_OK) {
    snprintf(err, errlen, "%s: %s", what, ebuf[0] ? ebuf : curl_easy_strerror(cc));
    rc = ETHC_ERR_IO;
  } else if (!(*doc = cJSON_ParseWithLength((const char *)sink.body.data, sink.body.len))) {
    snprintf(err, errlen, "%s: the answer is not JSON (HTTP %ld)", what, status);
    rc = ETHC_ERR_IO;
  }
  bytes_buf_free(&sink.body);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  atomic_fetch_add(&h->calls, 1);
  atomic_fetch_add(&h->micros,
                   (unsigned long long)((t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000));
  return rc;
}

int light_http_response(const cJSON *resp, const char *method, const cJSON **result, char *err, size_t errlen) {
  *result = NULL;
  const cJSON *eo = cJSON_GetObjectItemCaseSensitive(resp, "error");
  const cJSON *res = cJSON_GetObjectItemCaseSensitive(resp, "result");
  if (eo && !cJSON_IsNull(eo)) {
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(eo, "code");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(eo, "message");
    int ic = cJSON_IsNumber(code) ? code->valueint : 0;
    snprintf(err, errlen, "%s: the source answered error %d: %s", method, ic,
             cJSON_IsString(msg) ? msg->valuestring : "?");
    return ic == -32601 ? ETHC_ERR_UNSUPPORTED : ETHC_ERR_IO;
  }
  if (!res) {
    snprintf(err, errlen, "%s: the answer has no result", method);
    return ETHC_ERR_IO;
  }
  if (cJSON_IsNull(res)) {
    snprintf(err, errlen, "%s: the source has no such object", method);
    return ETHC_ERR_NOT_FOUND;
  }
  *result = res;
  return 0;
}

int light_http_call(light_http_t *h, const char *method, const char *params, cJSON **doc, const cJSON **result,
                    char *err, size_t errlen) {
  *doc = NULL;
  *result = NULL;
  size_t need = strlen(method) + strlen(params) + 80;
  char *req = malloc(need);
  if (!req) {
    snprintf(err, errlen, "out of memory");
    return ETHC_ERR_NOMEM;
  }
  snprintf(req, need, "{\"jsonrpc\":\"2.0\",\"id\":%llu,\"method\":\"%s\",\"params\":%s}",
           (unsigned long long)atomic_fetch_add(&h->ids, 1) + 1, method, params);
  int rc = post(h, method, req, doc, err, errlen);
  free(req);
  if (!rc) rc = light_http_response(*doc, method, result, err, errlen);
  if (rc) {
    cJSON_Delete(*doc);
    *doc = NULL;
  }
  return rc;
}

int light_http_batch(light_http_t *h, const char *body, cJSON **doc, char *err, size_t errlen) {
  int rc = post(h, "batch", body, doc, err, errlen);
  if (!rc && !cJSON_IsArray(*doc)) { /* a server without batches answers one error object */
    const cJSON *r;
    rc = light_http_response(*doc, "batch", &r, err, errlen);
    if (!rc) snprintf(err, errlen, "batch: the answer is not an array");
    rc = ETHC_ERR_UNSUPPORTED;
    cJSON_Delete(*doc);
    *doc = NULL;
  }
  return rc;
}
