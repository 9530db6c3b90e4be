/* `ethc node`: serves a chain database that `ethc import` filled over JSON-RPC
 * (HTTP), with geth's flag names (--http.addr, --http.port, --http.api, ...),
 * until SIGINT or SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "ethc/node.h"

extern const char ethc_build_version[], ethc_build_commit[];

enum {
  NODE_DATADIR,
  NODE_READONLY,
  NODE_HTTP_ADDR,
  NODE_HTTP_PORT,
  NODE_HTTP_API,
  NODE_HTTP_CORS,
  NODE_BATCH_LIMIT,
  NODE_BATCH_SIZE,
  NODE_LOG_FORMAT,
  NODE_VERBOSITY,
  NODE_IMPORT,
  NODE_FAKEPOW,
  NODE_WS,
  NODE_RATELIMIT,
  NODE_WS_PING,
  NODE_GASCAP,
  NODE_TXPOOL_LIFETIME,
};
static const cli_option_t node_options[] = {
    [NODE_DATADIR] = {"--datadir", "DIR", "the chain database (`ethc import` fills it)", "~/.ethc"},
    [NODE_READONLY] = {"--readonly", NULL, "open the database as a reader (an `ethc import` then cannot write it)",
                       NULL},
    [NODE_HTTP_ADDR] = {"--http.addr", "ADDR", "the address the HTTP JSON-RPC server listens on", "127.0.0.1"},
    [NODE_HTTP_PORT] = {"--http.port", "PORT", "its port; 0 picks a free one (printed at start)", "8545"},
    [NODE_HTTP_API] = {"--http.api", "LIST",
                       "namespaces served, comma-separated: eth, net, web3, debug (rpc is always on)", "eth,net,web3"},
    [NODE_HTTP_CORS] = {"--http.corsdomain", "LIST", "origins browsers may call from, comma-separated (* for any)",
                        NULL},
    [NODE_BATCH_LIMIT] = {"--rpc.batch-limit", "N", "most requests in one batch (0: no limit)", "1000"},
    [NODE_BATCH_SIZE] = {"--rpc.batch-response-max-size", "BYTES",
                         "most bytes of responses to one batch; later calls get error -32003", "25000000"},
    [NODE_LOG_FORMAT] = {"--log.format", "FORMAT", "text or json (one object per line) on stderr", "text"},
    [NODE_VERBOSITY] = {"--verbosity", "N", "0 silent, 1 error, 2 warn, 3 info, 4 debug, 5 trace", "3"},
    [NODE_IMPORT] = {"--import", "FILE.rlp", "import a chain file (concatenated block RLP) while serving", NULL},
    [NODE_FAKEPOW] = {"--fakepow", NULL, "skip the Ethash seal check of imported blocks", NULL},
    [NODE_WS] = {"--ws", NULL, "also serve JSON-RPC over WebSocket on the HTTP port (eth_subscribe newHeads)", NULL},
    [NODE_RATELIMIT] = {"--rpc.ratelimit", "N",
                        "HTTP requests per second per client address (a batch counts once); past it, HTTP 429 "
                        "and error -32005",
                        "0 (off)"},
    [NODE_WS_PING] = {"--ws.ping-interval", "SECONDS",
                      "ping a WebSocket client idle this long; three unanswered pings drop it", "30"},
    [NODE_GASCAP] = {"--rpc.gascap", "GAS",
                     "most gas of one eth_call, eth_estimateGas or debug_traceCall run (0: none)", "50000000"},
    [NODE_TXPOOL_LIFETIME] = {"--txpool.lifetime", "DURATION",
                              "how long a sender's non-executable (queued) pool transactions wait without activity "
                              "(Go duration: 3h, 90m, 1h30m0s, 45s)",
                              "3h0m0s"},
    {0}};

/* A Go duration ("3h0m0s", "90m", "1.5h", "250ms") in milliseconds: 0, or -1
 * when it does not parse or is zero. */
static int parse_duration_ms(const char *s, uint64_t *out) {
  double total = 0;
  if (!*s) return -1;
  while (*s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    s = end;
    double unit;
    if (!strncmp(s, "ms", 2)) unit = 1, s += 2;
    else if (*s == 'h') unit = 3600e3, s++;
    else if (*s == 'm') unit = 60e3, s++;
    else if (*s == 's') unit = 1e3, s++;
    else return -1;
    total += v * unit;
  }
  if (total < 1 || total > 1e15) return -1;
  *out = (uint64_t)total;
  return 0;
}

static int cmd_node(const cli_command_t *self, int argc, char **argv) {
  static char version[128];
  snprintf(version, sizeof version, "ethc/v%s-%.8s/linux", ethc_build_version, ethc_build_commit);
  node_opts_t o = {.datadir = cli_default_datadir(),
                   .http = {.addr = "127.0.0.1", .port = 8545, .body_limit = 5u << 20},
                   .apis = "eth,net,web3",
                   .batch_limit = 1000,
                   .batch_response_max = 25000000,
                   .gas_cap = 50000000,
                   .client_version = version};
  uint64_t v;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
      case NODE_DATADIR: o.datadir = a.value; break;
      case NODE_READONLY: o.read_only = true; break;
      case NODE_HTTP_ADDR: o.http.addr = a.value; break;
      case NODE_HTTP_PORT:
        if (cli_parse_u64("node", "--http.port", a.value, false, 65535, &v)) return 2;
        o.http.port = (uint16_t)v;
        break;
      case NODE_HTTP_API: o.apis = a.value; break;
      case NODE_HTTP_CORS: o.http.cors = a.value; break;
      case NODE_BATCH_LIMIT:
        if (cli_parse_u64("node", "--rpc.batch-limit", a.value, false, 100000000, &v)) return 2;
        o.batch_limit = (size_t)v;
        break;
      case NODE_BATCH_SIZE:
        if (cli_parse_u64("node", "--rpc.batch-response-max-size", a.value, false, (uint64_t)1 << 40, &v)) return 2;
        o.batch_response_max = (size_t)v;
        break;
      case NODE_LOG_FORMAT:
        if (strcmp(a.value, "text") && strcmp(a.value, "json"))
          return cli_usage_error(self, "--log.format %s: want text or json", a.value);
        ethc_log_set_json(!strcmp(a.value, "json"));
        break;
      case NODE_VERBOSITY:
        if (cli_parse_u64("node", "--verbosity", a.value, false, 5, &v)) return 2;
        ethc_log_set_level((int)v);
        break;
      case NODE_IMPORT: o.import_path = a.value; break;
      case NODE_FAKEPOW: o.fakepow = true; break;
      case NODE_WS: o.http.ws = true; break;
      case NODE_GASCAP:
        if (cli_parse_u64("node", "--rpc.gascap", a.value, false, UINT64_MAX, &o.gas_cap)) return 2;
        break;
      case NODE_TXPOOL_LIFETIME:
        if (parse_duration_ms(a.value, &o.txpool_lifetime_ms))
          return cli_usage_error(self, "--txpool.lifetime %s: want a duration such as 3h0m0s, 90m or 45s", a.value);
        break;
      case NODE_WS_PING: {
        double sec;
        if (cli_parse_seconds("node", "--ws.ping-interval", a.value, false, 3600, &sec)) return 2;
        o.http.ws_ping_ms = sec * 1000 < 1 ? 1 : (unsigned)(sec * 1000);
        break;
      }
      case NODE_RATELIMIT:
        if (cli_parse_u64("node", "--rpc.ratelimit", a.value, false, 1000000000, &v)) return 2;
        o.http.ratelimit = (unsigned)v;
        break;
      case CLI_POSITIONAL: return cli_usage_error(self, "unexpected argument %s", a.value);
      default: return cli_stop(k);
    }
  }
  char err[512] = "";
  int rc = node_run(&o, err, sizeof err);
  if (rc) {
    fprintf(stderr, "ethc node: %s\n", err[0] ? err : ethc_strerror(rc));
    return rc == ETHC_ERR_INVALID ? 2 : 1;
  }
  return 0;
}
CLI_COMMAND("", "node", cmd_node, "", "serve a chain database over JSON-RPC (HTTP) until SIGINT or SIGTERM",
            node_options,
            "Prints \"HTTP server started: http://ADDR:PORT\" on stdout once it answers. Requests are\n"
            "JSON-RPC 2.0 POSTs (single or batch, bodies up to 5 MiB); methods of namespaces not in\n"
            "--http.api answer -32601. State methods (eth_getBalance, eth_call, ...) are not served yet.\n"
            "SIGINT or SIGTERM: stop accepting, finish the requests in flight (at most 5 s), close\n"
            "the database, exit 0. Example:\n"
            "  ethc node --datadir DIR --http.port 8545 &\n"
            "  curl -s -H 'Content-Type: application/json' \\\n"
            "    -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}' http://127.0.0.1:8545\n")
