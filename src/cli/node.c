/* `ethc node`: serves a chain database that `ethc import` filled over JSON-RPC
 * (HTTP), with geth's flag names (--http.addr, --http.port, --http.api, ...),
 * until SIGINT or SIGTERM. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/hdwallet.h"
#include "ethc/log.h"
#include "ethc/node.h"
#include "ethc/peers.h"
#include "node/dev/dev.h"

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
  NODE_DEV_PERIOD,
  NODE_MINER,
  NODE_AUTH_ADDR,
  NODE_AUTH_PORT,
  NODE_AUTH_JWT,
  NODE_EVMTIMEOUT,
  NODE_DEV,
  NODE_DEV_EPHEMERAL,
  NODE_DEV_ACCOUNTS,
  NODE_DEV_BALANCE,
  NODE_DEV_MNEMONIC,
  NODE_DEV_GENESIS_OUT,
  NODE_CHAIN_ID,
  NODE_GAS_LIMIT,
  NODE_TXPOOL_LIFETIME,
  NODE_P2P_PORT,
  NODE_NODISCOVER,
  NODE_BOOTNODES,
  NODE_NODEKEY,
  NODE_MAXPEERS,
  NODE_TRUSTED_PEERS,
  NODE_NAT,
  NODE_SYNC_TARGET,
  NODE_SYNCMODE,
  NODE_DEV_BEACON,
  NODE_DEV_BEACON_PORT,
  NODE_LIGHT,
  NODE_NETWORK,
  NODE_CHECKPOINT,
  NODE_CONSENSUS_RPC,
  NODE_STALE_CHECKPOINT,
  NODE_AT,
  NODE_LIGHT_POLL,
  NODE_GENESIS,
  NODE_EXECUTION_RPC,
  NODE_ETH_VERSIONS,
  NODE_DISCOVERY_DNS,
  NODE_DISCOVERY_DNS_SERVER,
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
    [NODE_DEV_PERIOD] = {"--dev.period", "SECONDS",
                         "with the miner: a block every SECONDS; 0 mines each transaction as it arrives", "0"},
    [NODE_MINER] = {"--miner", NULL,
                    "internal (`ethc node --dev` turns it on): mine blocks on the head; adds the evm, anvil "
                    "and hardhat namespaces",
                    NULL},
    [NODE_AUTH_ADDR] = {"--authrpc.addr", "ADDR",
                        "serve the engine API (for a consensus client, JWT-authenticated) on this address; any "
                        "--authrpc flag turns it on, and the head then follows its forkchoiceUpdated",
                        "127.0.0.1"},
    [NODE_AUTH_PORT] = {"--authrpc.port", "PORT", "the engine API's port; 0 picks a free one (printed at start)",
                        "8551"},
    [NODE_AUTH_JWT] = {"--authrpc.jwtsecret", "FILE",
                       "the JWT secret shared with the consensus client (hex); created (mode 0600) if missing",
                       "DATADIR/jwtsecret"},
    [NODE_EVMTIMEOUT] = {"--rpc.evmtimeout", "DURATION",
                         "time limit of one eth_call, eth_estimateGas, eth_createAccessList or eth_simulateV1, "
                         "as 200ms, 5s, 1m (0: none)",
                         "5s"},
    [NODE_DEV] = {"--dev", NULL,
                  "a local development chain (as anvil or hardhat): funded accounts the node signs for, all "
                  "forks through Osaka at genesis; serves eth,net,web3,debug,txpool,personal,anvil,hardhat and "
                  "WebSocket; datadir $XDG_DATA_HOME/ethc/dev (else ~/.local/share/ethc/dev)",
                  NULL},
    [NODE_DEV_EPHEMERAL] = {"--dev.ephemeral", NULL, "--dev in a temporary directory, removed at exit", NULL},
    [NODE_DEV_ACCOUNTS] = {"--dev.accounts", "N", "--dev: how many funded accounts (1..1000)", "10"},
    [NODE_DEV_BALANCE] = {"--dev.balance", "ETH", "--dev: each account's balance in ether", "10000"},
    [NODE_DEV_MNEMONIC] = {"--dev.mnemonic", "WORDS",
                           "--dev: the BIP-39 English mnemonic the accounts derive from (path m/44'/60'/0'/0/i)",
                           "test test test test test test test test test test test junk"},
    [NODE_DEV_GENESIS_OUT] = {"--dev.genesis-out", "FILE",
                              "--dev: also write the chain's genesis.json to FILE (`ethc init` reproduces it)", NULL},
    [NODE_CHAIN_ID] = {"--chain-id", "ID", "--dev: the chain id", "31337"},
    [NODE_GAS_LIMIT] = {"--gas-limit", "GAS", "--dev: the genesis block's gas limit", "30000000"},
    [NODE_TXPOOL_LIFETIME] = {"--txpool.lifetime", "DURATION",
                              "how long a sender's non-executable (queued) pool transactions wait without activity "
                              "(Go duration: 3h, 90m, 1h30m0s, 45s)",
                              "3h0m0s"},
    [NODE_P2P_PORT] = {"--port", "PORT",
                       "devp2p: the TCP and UDP (discovery) port; 0 picks a free one. p2p networking starts only "
                       "when this or another p2p flag is given",
                       "30303"},
    [NODE_NODISCOVER] = {"--nodiscover", NULL, "devp2p: no node discovery (peers only from --trusted-peers)", NULL},
    [NODE_BOOTNODES] = {"--bootnodes", "ENODES",
                        "devp2p: discovery's bootstrap nodes, enode URLs comma-separated (default: the built-in "
                        "ones of mainnet, sepolia, holesky or hoodi, by the chain id)",
                        NULL},
    [NODE_NODEKEY] = {"--nodekey", "FILE", "devp2p: the node key (64 hex digits)",
                      "DATADIR/nodekey, created if missing"},
    [NODE_MAXPEERS] = {"--maxpeers", "N", "devp2p: most peers connected", "50"},
    [NODE_TRUSTED_PEERS] = {"--trusted-peers", "ENODES",
                            "devp2p: peers dialled at start and kept whatever the peer count, enode URLs "
                            "comma-separated",
                            NULL},
    [NODE_NAT] = {"--nat", "extip:IP", "devp2p: the IPv4 or IPv6 address announced in the enode and node record",
                  "127.0.0.1"},
    [NODE_SYNC_TARGET] = {"--sync.target", "HASH",
                          "devp2p: the block hash the header sync goes to (post-merge); without it, the best "
                          "peer's head, unverified",
                          NULL},
    [NODE_SYNCMODE] = {"--syncmode", "MODE",
                       "devp2p: light (verified headers only) or full (also fetches the bodies and executes "
                       "the blocks)",
                       "light"},
    [NODE_DEV_BEACON] = {"--dev.beacon", NULL,
                         "TEST-ONLY, with --dev: also serve a simulated beacon light-client REST API (network "
                         "\"dev\": a fixed 512-key sync committee signs every dev block) for `ethc beacon sync "
                         "--network dev` and light clients; never a real consensus client",
                         NULL},
    [NODE_DEV_BEACON_PORT] = {"--dev.beacon.port", "PORT",
                              "TEST-ONLY: the beacon API's port (on --http.addr); 0 picks a free one (printed at "
                              "start as \"Beacon API server started: URL\")",
                              "0"},
    [NODE_LIGHT] = {"--light", NULL,
                    "a light node: the head proven by the beacon chain's sync committee (--consensus-rpc, "
                    "--checkpoint); the database holds only proven headers",
                    NULL},
    [NODE_NETWORK] = {"--network", "NAME",
                      "--light: the network: mainnet, sepolia, holesky, hoodi or dev (--dev.beacon, test-only); with "
                      "--syncmode light alone: a devp2p light node of a built-in network (its database holds no "
                      "genesis; peers get the network's Status and fork id)",
                      "mainnet"},
    [NODE_CHECKPOINT] = {"--checkpoint", "ROOT",
                         "--light: a trusted finalized beacon block root (0x + 64 hex digits) to start from; not "
                         "needed once DATADIR/beacon holds a store",
                         NULL},
    [NODE_CONSENSUS_RPC] = {"--consensus-rpc", "URL", "--light: a beacon node's REST API (http:// or https://)", NULL},
    [NODE_STALE_CHECKPOINT] = {"--allow-stale-checkpoint", NULL,
                               "--light: accept a checkpoint older than the network's weak subjectivity period", NULL},
    [NODE_AT] = {"--at", "UNIX_TIME", "--light: the beacon clock starts at this time (replays recorded data)", NULL},
    [NODE_LIGHT_POLL] = {"--light.poll", "SECONDS", "--light: how often to ask the beacon node for updates",
                         "one slot (12)"},
    [NODE_GENESIS] = {"--genesis", "FILE",
                      "--light: the chain's genesis.json, for a network without a built-in configuration (the "
                      "database is created from it)",
                      NULL},
    [NODE_EXECUTION_RPC] = {"--execution-rpc", "URL",
                            "an untrusted execution JSON-RPC provider: with --light, the headers of the proven "
                            "blocks (each checked against the proof); with --light or a devp2p light sync, the "
                            "state, bodies and receipts of the verified headers (each checked against them)",
                            NULL},
    [NODE_ETH_VERSIONS] = {"--eth.versions", "LIST",
                           "devp2p: the eth protocol versions offered, comma-separated, of 68, 69, 70 (the highest "
                           "one both sides offer is spoken; 70 pages receipts, EIP-7975)",
                           "68,69"},
    [NODE_DISCOVERY_DNS] = {"--discovery.dns", "URLS",
                            "devp2p: EIP-1459 DNS node lists, enrtree:// URLs comma-separated (\"\" for none; "
                            "default: the ethdisco.net list of mainnet, sepolia, holesky or hoodi)",
                            NULL},
    [NODE_DISCOVERY_DNS_SERVER] = {"--discovery.dns.server", "HOST:PORT",
                                   "devp2p: the DNS server asked for the node lists, comma-separated",
                                   "the system's resolvers"},
    {0}};

/* --eth.versions: "68,69,70" or a part of it into PEERS_ETH(v) bits: 0, or
 * -1 when empty or naming another version. */
static int parse_eth_versions(const char *s, unsigned *out) {
  unsigned mask = 0;
  while (*s) {
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || v < 68 || v > 70 || (*end && *end != ',')) return -1;
    mask |= PEERS_ETH(v);
    s = *end ? end + 1 : end;
  }
  if (!mask) return -1;
  *out = mask;
  return 0;
}

/* A Go duration ("200ms", "5s", "1m30s", "1.5s", "0") in milliseconds: 0, or
 * -1 when malformed. */
static int parse_duration_ms(const char *s, uint64_t *out) {
  double total = 0;
  if (!strcmp(s, "0")) return *out = 0, 0;
  if (!*s) return -1;
  while (*s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0) return -1;
    s = end;
    double unit;
    if (!strncmp(s, "ms", 2)) unit = 1, s += 2;
    else if (!strncmp(s, "us", 2)) unit = 0.001, s += 2;
    else if (!strncmp(s, "ns", 2)) unit = 0.000001, s += 2;
    else if (*s == 's') unit = 1000, s++;
    else if (*s == 'm') unit = 60000, s++;
    else if (*s == 'h') unit = 3600000, s++;
    else return -1;
    total += v * unit;
  }
  if (total > 1e15) return -1;
  *out = total > 0 && total < 1 ? 1 : (uint64_t)total;
  return 0;
}

/* --dev's settings, gathered while parsing. */
typedef struct {
  bool on, ephemeral, datadir_set, apis_set;
  dev_genesis_opts_t g;
  const char *genesis_out;
} dev_cli_t;

/* The thread running an ephemeral dev node: a stop signal that reaches another
 * thread (main waits for this one) before node_run handles signals is passed
 * on to it (pthread_kill is async-signal-safe). */
static pthread_t dev_thread;
static void forward_stop(int sig) { pthread_kill(dev_thread, sig); }

/* Prepares the dev chain's directory and accounts and runs the node. */
static int run_dev(node_opts_t *o, dev_cli_t *d) {
  char dir[4096], path[4200], err[768] = "";
  int rc = 0;
  if (d->ephemeral) {
    /* SIGINT and SIGTERM wait (pending on this thread) until node_run handles
     * them, so that the directory made now is removed whenever one comes */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    dev_thread = pthread_self();
    struct sigaction sa = {.sa_handler = forward_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (dev_tempdir(dir, sizeof dir, err, sizeof err)) return fprintf(stderr, "ethc node: %s\n", err), 1;
  } else {
    snprintf(dir, sizeof dir, "%s", d->datadir_set ? o->datadir : dev_default_datadir());
  }
  dev_account_t *accts = calloc(d->g.accounts, sizeof *accts);
  char *text = NULL, why[160];
  if (hd_bip39_check(d->g.mnemonic, why, sizeof why)) {
    snprintf(err, sizeof err, "--dev.mnemonic: %s", why);
    rc = ETHC_ERR_INVALID;
  } else if (!accts || dev_accounts_derive(d->g.mnemonic, d->g.accounts, accts)) {
    snprintf(err, sizeof err, "cannot derive the accounts of --dev.mnemonic");
    rc = ETHC_ERR_INVALID;
  }
  if (!rc) rc = dev_datadir_prepare(dir, &d->g, accts, path, sizeof path, err, sizeof err);
  if (!rc && d->genesis_out) {
    text = dev_genesis_json(&d->g, accts);
    rc = text ? dev_write_file(d->genesis_out, text, err, sizeof err) : ETHC_ERR_NOMEM;
  }
  if (!rc) {
    o->datadir = dir;
    o->genesis_path = path;
    o->dev = true;
    o->dev_accounts = accts;
    o->dev_account_count = d->g.accounts;
    o->http.ws = true;
    if (!d->apis_set) o->apis = "eth,net,web3,debug,txpool,personal,anvil,hardhat";
    o->miner.on = true;
    dev_print_banner(stdout, &d->g, accts, dir, d->ephemeral);
    rc = node_run(o, err, sizeof err);
  }
  if (d->ephemeral && dev_remove_tree(dir)) fprintf(stderr, "ethc node: cannot remove %s\n", dir);
  if (accts) memset(accts, 0, d->g.accounts * sizeof *accts);
  free(accts);
  free(text);
  if (rc) {
    fprintf(stderr, "ethc node: %s\n", err[0] ? err : ethc_strerror(rc));
    return rc == ETHC_ERR_INVALID ? 2 : 1;
  }
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
                   .client_version = version,
                   .evm_timeout_ms = 5000,
                   /* payloads are big: geth takes 128 MiB there too */
                   .auth_http = {.addr = "127.0.0.1", .port = 8551, .body_limit = 128u << 20},
                   .p2p = {.port = 30303, .maxpeers = 50}};
  uint64_t v;
  bool syncmode_light = false; /* --syncmode light given */
  dev_cli_t dev = {0};
  dev_genesis_defaults(&dev.g);
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
      case NODE_DATADIR:
        o.datadir = a.value;
        dev.datadir_set = true;
        break;
      case NODE_READONLY: o.read_only = true; break;
      case NODE_HTTP_ADDR: o.http.addr = a.value; break;
      case NODE_HTTP_PORT:
        if (cli_parse_u64("node", "--http.port", a.value, false, 65535, &v)) return 2;
        o.http.port = (uint16_t)v;
        break;
      case NODE_HTTP_API:
        o.apis = a.value;
        dev.apis_set = true;
        break;
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
        if (parse_duration_ms(a.value, &o.txpool_lifetime_ms) || o.txpool_lifetime_ms == 0)
          return cli_usage_error(self, "--txpool.lifetime %s: want a duration such as 3h0m0s, 90m or 45s", a.value);
        break;
      case NODE_EVMTIMEOUT:
        if (parse_duration_ms(a.value, &o.evm_timeout_ms)) {
          fprintf(stderr, "ethc node: --rpc.evmtimeout: invalid duration %s (e.g. 200ms, 5s, 0)\n", a.value);
          return 2;
        }
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
      case NODE_DEV_PERIOD:
        if (cli_parse_u64("node", "--dev.period", a.value, false, 86400, &o.miner.period)) return 2;
        break;
      case NODE_MINER: o.miner.on = true; break;
      case NODE_AUTH_ADDR: o.authrpc = true, o.auth_http.addr = a.value; break;
      case NODE_AUTH_PORT:
        if (cli_parse_u64("node", "--authrpc.port", a.value, false, 65535, &v)) return 2;
        o.authrpc = true, o.auth_http.port = (uint16_t)v;
        break;
      case NODE_AUTH_JWT: o.authrpc = true, o.jwtsecret_path = a.value; break;
      case NODE_DEV: dev.on = true; break;
      case NODE_DEV_EPHEMERAL: dev.on = dev.ephemeral = true; break;
      case NODE_DEV_ACCOUNTS:
        if (cli_parse_u64("node", "--dev.accounts", a.value, false, DEV_MAX_ACCOUNTS, &v)) return 2;
        if (!v) return cli_usage_error(self, "--dev.accounts: at least 1");
        dev.g.accounts = (unsigned)v;
        break;
      case NODE_DEV_BALANCE: {
        u256_t eth = u256_from_u64(1000000000000000000ULL), n;
        /* decimal ether below 2^96, so that the wei fit 256 bits */
        if (strspn(a.value, "0123456789") != strlen(a.value) || !u256_from_string(&n, a.value) || n.w[3] || n.w[2] ||
            n.w[1] >> 32)
          return cli_usage_error(self, "--dev.balance %s: want a whole number of ether", a.value);
        u256_mul(&dev.g.balance, &eth, &n);
        break;
      }
      case NODE_DEV_MNEMONIC: dev.g.mnemonic = a.value; break;
      case NODE_DEV_GENESIS_OUT: dev.genesis_out = a.value; break;
      case NODE_CHAIN_ID:
        if (cli_parse_u64("node", "--chain-id", a.value, false, UINT64_MAX, &v)) return 2;
        if (!v) return cli_usage_error(self, "--chain-id: not 0");
        dev.g.chain_id = u256_from_u64(v);
        break;
      case NODE_GAS_LIMIT:
        if (cli_parse_u64("node", "--gas-limit", a.value, false, UINT64_MAX, &dev.g.gas_limit)) return 2;
        if (dev.g.gas_limit < 5000) return cli_usage_error(self, "--gas-limit: at least 5000");
        break;
      case NODE_P2P_PORT:
        if (cli_parse_u64("node", "--port", a.value, false, 65535, &v)) return 2;
        o.p2p.on = true, o.p2p.port = (uint16_t)v;
        break;
      case NODE_NODISCOVER: o.p2p.on = o.p2p.nodiscover = true; break;
      case NODE_BOOTNODES: o.p2p.on = true, o.p2p.bootnodes = a.value; break;
      case NODE_NODEKEY: o.p2p.on = true, o.p2p.nodekey_path = a.value; break;
      case NODE_MAXPEERS:
        if (cli_parse_u64("node", "--maxpeers", a.value, false, 100000, &v)) return 2;
        o.p2p.on = true, o.p2p.maxpeers = (unsigned)v;
        break;
      case NODE_TRUSTED_PEERS: o.p2p.on = true, o.p2p.trusted_peers = a.value; break;
      case NODE_NAT:
        if (strncmp(a.value, "extip:", 6)) return cli_usage_error(self, "--nat %s: want extip:IP", a.value);
        o.p2p.on = true, o.p2p.nat_ip = a.value + 6;
        break;
      case NODE_SYNC_TARGET: o.p2p.on = true, o.p2p.sync_target = a.value; break;
      case NODE_SYNCMODE:
        if (strcmp(a.value, "light") && strcmp(a.value, "full"))
          return cli_usage_error(self, "--syncmode %s: want light or full", a.value);
        o.p2p.on = true, o.p2p.sync_full = !strcmp(a.value, "full");
        syncmode_light = !o.p2p.sync_full;
        break;
      case NODE_DEV_BEACON: o.dev_beacon = true; break;
      case NODE_DEV_BEACON_PORT:
        if (cli_parse_u64("node", "--dev.beacon.port", a.value, false, 65535, &v)) return 2;
        o.dev_beacon = true, o.dev_beacon_port = (uint16_t)v;
        break;
      case NODE_LIGHT: o.light.on = true; break;
      case NODE_NETWORK: o.light.network = a.value; break;
      case NODE_CHECKPOINT: {
        const char *why = cli_hex_problem(a.value);
        if (strncmp(a.value, "0x", 2) != 0 || why || hex_decode_fixed(a.value, true, o.light.checkpoint, 32))
          return cli_usage_error(self, "--checkpoint: expected 0x and 64 hex digits, got '%s'%s%s", a.value,
                                 why ? ": " : "", why ? why : "");
        o.light.has_checkpoint = true;
        break;
      }
      case NODE_CONSENSUS_RPC:
        if (strncmp(a.value, "http://", 7) != 0 && strncmp(a.value, "https://", 8) != 0)
          return cli_usage_error(self, "--consensus-rpc: expected an http:// or https:// URL, got '%s'", a.value);
        o.light.consensus_rpc = a.value;
        break;
      case NODE_STALE_CHECKPOINT: o.light.allow_stale_checkpoint = true; break;
      case NODE_AT:
        if (cli_parse_u64("node", "--at", a.value, false, UINT64_MAX / 2, &o.light.at)) return 2;
        break;
      case NODE_LIGHT_POLL: {
        double sec;
        if (cli_parse_seconds("node", "--light.poll", a.value, false, 3600, &sec)) return 2;
        o.light.poll_ms = (uint64_t)(sec * 1000);
        if (!o.light.poll_ms) o.light.poll_ms = 1;
        break;
      }
      case NODE_GENESIS: o.genesis_path = a.value; break;
      case NODE_EXECUTION_RPC:
        if (strncmp(a.value, "http://", 7) != 0 && strncmp(a.value, "https://", 8) != 0)
          return cli_usage_error(self, "--execution-rpc: expected an http:// or https:// URL, got '%s'", a.value);
        o.light.execution_rpc = a.value;
        break;
      case NODE_ETH_VERSIONS:
        if (parse_eth_versions(a.value, &o.p2p.eth_versions))
          return cli_usage_error(self, "--eth.versions %s: want a comma-separated list of 68, 69, 70", a.value);
        o.p2p.on = true;
        break;
      case NODE_DISCOVERY_DNS: o.p2p.on = true, o.p2p.dns_urls = a.value; break;
      case NODE_DISCOVERY_DNS_SERVER: o.p2p.on = true, o.p2p.dns_server = a.value; break;
      case CLI_POSITIONAL: return cli_usage_error(self, "unexpected argument %s", a.value);
      default: return cli_stop(k);
    }
  }
  o.miner.automine = o.miner.period == 0; /* as geth --dev: a period replaces mining on arrival */
  if (o.dev_beacon && !dev.on) return cli_usage_error(self, "--dev.beacon (test-only) needs --dev");
  if (dev.on) {
    if (o.read_only || o.import_path)
      return cli_usage_error(self, "--dev cannot be combined with --readonly or --import");
    return run_dev(&o, &dev);
  }
  if (o.light.on) {
    if (!o.light.network) o.light.network = "mainnet";
    if (!o.light.consensus_rpc)
      return cli_usage_error(self, "--light needs --consensus-rpc URL (a beacon node's REST API)");
    if (o.read_only || o.import_path || o.miner.on || o.authrpc)
      return cli_usage_error(self, "--light cannot be combined with --readonly, --import, --miner or --authrpc.*");
  } else if (o.light.network && syncmode_light && !o.light.has_checkpoint && !o.light.consensus_rpc && !o.light.at &&
             !o.genesis_path) {
    /* a devp2p light node of a built-in network: a light database (no genesis
     * stored), Status from the built-in genesis, no beacon follower */
    if (o.read_only || o.import_path || o.miner.on || o.authrpc)
      return cli_usage_error(self, "--network cannot be combined with --readonly, --import, --miner or --authrpc.*");
  } else if (o.light.network || o.light.has_checkpoint || o.light.consensus_rpc || o.light.at || o.genesis_path) {
    /* --execution-rpc also serves a devp2p light sync (light_remote.py) */
    return cli_usage_error(self,
                           "--network (or --syncmode light --network), --checkpoint, --consensus-rpc, --at and "
                           "--genesis need --light");
  }
  char err[1024] = "";
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
            "the database, exit 0.\n"
            "--dev runs a local development chain instead (anvil's defaults): it prints the funded\n"
            "accounts and their private keys, then the endpoint; the node signs for those accounts\n"
            "(eth_sendTransaction, eth_sign, personal_sign, eth_signTypedData_v4) and impersonates\n"
            "others (anvil_impersonateAccount). The chain persists in its datadir (a restart with other\n"
            "--dev settings is refused) unless --dev.ephemeral. Examples:\n"
            "  ethc node --dev --dev.ephemeral\n"
            "  ethc node --datadir DIR --http.port 8545 &\n"
            "  curl -s -H 'Content-Type: application/json' \\\n"
            "    -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}' http://127.0.0.1:8545\n")
