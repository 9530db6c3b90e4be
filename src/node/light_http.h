/* A blocking JSON-RPC 2.0 client over HTTP(S) for the execution-RPC source
 * (light_rpc_source.c), on libcurl's easy interface: a pool of easy handles
 * (each kept connection is reused by the next call that takes its handle),
 * a timeout per call and a limit on the answer's size. Not a public header.
 *
 * Threads: any number of threads may call light_http_call at once (each takes
 * its own handle from the pool); it blocks the calling thread up to the
 * timeout. Never call it from the node's libuv loop. */
#ifndef ETHC_NODE_LIGHT_HTTP_H
#define ETHC_NODE_LIGHT_HTTP_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct light_http light_http_t;

/* A client of `url` (copied): NULL when out of memory or libcurl fails to start. */
light_http_t *light_http_new(const char *url, unsigned timeout_ms, size_t max_response);
void light_http_free(light_http_t *h);

/* Calls `method` with `params` (a JSON array's text, e.g. "[\"0x..\",true]").
 * 0 with *result the answer's "result" (the caller frees the returned *doc,
 * which owns it); ETHC_ERR_NOT_FOUND when the result is null; ETHC_ERR_UNSUPPORTED
 * when the server answers -32601 (no such method); ETHC_ERR_IO for a transport
 * failure, a timeout, an answer too large, a non-JSON answer or another
 * JSON-RPC error (named in err). */
int light_http_call(light_http_t *h, const char *method, const char *params, cJSON **doc, const cJSON **result,
                    char *err, size_t errlen);

/* One JSON-RPC batch: `body` is a JSON array of requests (the caller's ids).
 * 0 with *doc the answer array (the caller frees it and matches the answers by
 * id: light_http_response reads one); ETHC_ERR_UNSUPPORTED when the server
 * does not answer batches with an array; ETHC_ERR_IO / ETHC_ERR_NOMEM as
 * light_http_call. */
int light_http_batch(light_http_t *h, const char *body, cJSON **doc, char *err, size_t errlen);
/* One answer object's result, as light_http_call reads it: 0 with *result
 * (owned by resp), ETHC_ERR_NOT_FOUND, ETHC_ERR_UNSUPPORTED or ETHC_ERR_IO. */
int light_http_response(const cJSON *resp, const char *method, const cJSON **result, char *err, size_t errlen);

/* Calls made, and their total time in microseconds (for the figures). */
void light_http_stats(light_http_t *h, unsigned long long *calls, unsigned long long *micros);

#endif
