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

/* Calls made, and their total time in microseconds (for the figures). */
void light_http_stats(light_http_t *h, unsigned long long *calls, unsigned long long *micros);

#endif
