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
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The miner of a development chain (src/node/miner.h). */
typedef struct {
  bool on;                 /* --miner (`ethc node --dev` sets it) */
  bool automine;           /* mine a block as soon as a transaction is pooled */
  uint64_t period;         /* --dev.period: also a block every this many seconds (0: none) */
  uint64_t gas_limit;      /* the gas limit blocks move toward (0: the parent's) */
  ethc_address_t coinbase; /* the fee recipient */
} node_miner_opts_t;
/* A dev node's account (--dev): the node signs for it. */
typedef struct {
  ethc_address_t addr;
  uint8_t key[32];
} node_dev_account_t;

/* devp2p (p2p_*.h): off unless a p2p flag is given, so that dev nodes and tests
 * never contend for port 30303. */
typedef struct {
  bool on;                   /* start the p2p side (any of the flags below) */
  uint16_t port;             /* --port: TCP and UDP (0: a free one) */
  bool nodiscover;           /* --nodiscover: no discovery (UDP) */
  const char *bootnodes;     /* --bootnodes: enode URLs, comma-separated; NULL: the network's built-in ones */
  const char *nodekey_path;  /* --nodekey; NULL: DATADIR/nodekey (created if missing) */
  unsigned maxpeers;         /* --maxpeers (for the peer manager) */
  const char *trusted_peers; /* --trusted-peers: enode URLs, comma-separated (for the peer manager) */
  const char *nat_ip;        /* --nat extip:IP: the IPv4 address announced; NULL: 127.0.0.1 */
  const char *sync_target;   /* --sync.target: the block hash the header sync goes to; NULL: the best peer's head */
  bool sync_full;            /* --syncmode full: also fetch bodies and execute the blocks */
  unsigned eth_versions;     /* --eth.versions: PEERS_ETH(v) bits (peers.h); 0: the default */
  const char *dns_urls;      /* --discovery.dns: enrtree:// URLs; NULL: the network's default, "": none */
  const char *dns_server;    /* --discovery.dns.server: HOST:PORT,...; NULL: the system's resolvers */
} node_p2p_opts_t;

/* A light node (--light): the head proven by the beacon light client (light_follow.h). */
typedef struct {
  bool on;                   /* --light */
  const char *network;       /* --network: mainnet, sepolia, holesky, hoodi (or a test network) */
  bool has_checkpoint;       /* --checkpoint given */
  uint8_t checkpoint[32];    /* a trusted finalized beacon block root */
  const char *consensus_rpc; /* --consensus-rpc: a beacon node's REST API */
  const char
      *execution_rpc; /* --execution-rpc: headers (with --light), state, bodies and receipts (checked); NULL: none */
  bool allow_stale_checkpoint;
  uint64_t at;      /* --at: the beacon clock starts at this unix time (replays); 0: the real clock */
  uint64_t poll_ms; /* --light.poll: between syncs; 0: one slot */
} node_light_opts_t;

typedef struct {
  const char *datadir;
  bool read_only;            /* open the database as a reader (another writer excludes it) */
  rpc_http_opts_t http;      /* address, port (0: any free one), CORS, body limit */
  const char *apis;          /* --http.api */
  size_t batch_limit;        /* --rpc.batch-limit */
  size_t batch_response_max; /* --rpc.batch-response-max-size */
  uint64_t gas_cap;          /* --rpc.gascap (0: none) */
  uint64_t evm_timeout_ms;   /* --rpc.evmtimeout (0: none) */
  unsigned shutdown_wait_ms; /* how long in-flight requests may take at shutdown; 0: 5000 */
  const char *import_path;   /* a chain file (concatenated block RLP) to import while serving */
  bool fakepow;              /* skip the Ethash seal check of imported blocks */
  const char *client_version;
  node_miner_opts_t miner;
  /* the engine API (execution-apis src/engine) on its own authenticated port */
  bool authrpc;               /* serve it (any --authrpc.* flag); the chain then takes its head
                                 after the merge only from engine_forkchoiceUpdated */
  rpc_http_opts_t auth_http;  /* --authrpc.addr, --authrpc.port (0: a free one) */
  const char *jwtsecret_path; /* --authrpc.jwtsecret; NULL: DATADIR/jwtsecret (created if missing) */
  /* --dev (a local development chain) */
  const char *genesis_path;               /* create the database from it when DIR holds none (NULL: none) */
  bool dev;                               /* serve the dev accounts, print the dev banner's last line */
  const node_dev_account_t *dev_accounts; /* the accounts eth_accounts lists and the node signs for */
  size_t dev_account_count;
  uint64_t txpool_lifetime_ms; /* --txpool.lifetime: idle senders' queued transactions expire; 0: 3 h */
  node_p2p_opts_t p2p;         /* devp2p */
  /* --dev.beacon (TEST-ONLY, dev_beacon.h): a simulated beacon light-client REST API
   * for the dev chain on its own port (--dev.beacon.port, 0: a free one) */
  bool dev_beacon;
  uint16_t dev_beacon_port;
  node_light_opts_t light; /* --light */
} node_opts_t;

/* Runs the node until SIGINT or SIGTERM. Prints one line with the HTTP
 * endpoint ("HTTP server started: http://127.0.0.1:8545") to stdout once
 * it accepts requests, then, with authrpc, one with the engine API's
 * ("Engine API server started: http://127.0.0.1:8551"). Returns 0 after a
 * clean stop, or an ETHC_ERR_* code
 * with a message in `err` when it cannot start. */
int node_run(const node_opts_t *o, char *err, size_t errlen) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif

#endif
