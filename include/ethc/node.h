/* The long-running node (`ethc node`): opens a chain database, serves it over
 * JSON-RPC (rpc.h), and runs one libuv loop that owns signals and timers
 * (later also the network). SIGINT or SIGTERM stops it cleanly: no new
 * connections, in-flight requests finished (bounded wait), database closed. */
#ifndef ETHC_NODE_H
#define ETHC_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ethc/rpc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const char *datadir;
  bool read_only;            /* open the database as a reader (another writer excludes it) */
  rpc_http_opts_t http;      /* address, port (0: any free one), CORS, body limit */
  const char *apis;          /* --http.api */
  size_t batch_limit;        /* --rpc.batch-limit */
  size_t batch_response_max; /* --rpc.batch-response-max-size */
  uint64_t gas_cap;          /* --rpc.gascap (0: none) */
  unsigned shutdown_wait_ms; /* how long in-flight requests may take at shutdown; 0: 5000 */
  const char *import_path;   /* a chain file (concatenated block RLP) to import while serving */
  bool fakepow;              /* skip the Ethash seal check of imported blocks */
  const char *client_version;
  uint64_t txpool_lifetime_ms; /* --txpool.lifetime: idle senders' queued transactions expire; 0: 3 h */
} node_opts_t;

/* Runs the node until SIGINT or SIGTERM. Prints one line with the HTTP
 * endpoint ("HTTP server started: http://127.0.0.1:8545") to stdout once
 * it accepts requests. Returns 0 after a clean stop, or an ETHC_ERR_* code
 * with a message in `err` when it cannot start. */
int node_run(const node_opts_t *o, char *err, size_t errlen) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif

#endif
