/* `ethc beacon sync --network NAME --checkpoint ROOT --consensus-rpc URL [--at T]
 * [--json] [--datadir DIR]`: the beacon light client once (issue 15): bootstraps
 * from a trusted finalized block root, follows the sync committee through the beacon REST API's
 * updates to the latest finality and optimistic updates, verifying each
 * (beacon_http_sync.h), then prints the finalized and optimistic heads and exits.
 * With --datadir the synced store is saved in DIR/beacon and the next run resumes
 * from it instead of fetching a bootstrap (lc_persist.h).
 * Exit 0 synced, 1 the data did not verify or could not be fetched (the message
 * names the check), 2 bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "cli/cli.h"
#include "ethc/beacon_http_sync.h"
#include "ethc/bytes.h"
#include "ethc/lc_persist.h"
#include "ethc/ssz.h"

enum {
  OPT_NETWORK,
  OPT_CHECKPOINT,
  OPT_RPC,
  OPT_AT,
  OPT_JSON,
  OPT_STALE,
  OPT_TIMEOUT,
  OPT_VERBOSE,
  OPT_DATADIR,
  OPT_SSZ,
};

static const cli_option_t sync_options[] = {
    [OPT_NETWORK] = {"--network", "NAME", "the beacon chain: mainnet, sepolia, holesky, hoodi or dev (test-only)",
                     "mainnet"},
    [OPT_CHECKPOINT] = {"--checkpoint", "ROOT",
                        "a trusted finalized beacon block root (0x + 64 hex digits) to start from", NULL},
    [OPT_RPC] = {"--consensus-rpc", "URL", "a beacon node's REST API (http:// or https://)", NULL},
    [OPT_AT] = {"--at", "UNIX_TIME", "take the current time to be this (replays recorded data)", NULL},
    [OPT_JSON] = {"--json", NULL, "print one JSON object: {\"finalized\": {...}, \"optimistic\": {...}}", NULL},
    [OPT_STALE] = {"--allow-stale-checkpoint", NULL,
                   "accept a checkpoint older than the weak subjectivity period (mainnet: 15.7 days; see lc_ws.c)", NULL},
    [OPT_TIMEOUT] = {"--timeout", "SECONDS", "per request", "30"},
    [OPT_VERBOSE] = {"--verbose", NULL, "print each step on stderr", NULL},
    [OPT_DATADIR] = {"--datadir", "DIR",
                     "save the synced store in DIR/beacon and resume from it next time (no bootstrap, "
                     "--checkpoint then not needed)",
                     NULL},
    [OPT_SSZ] = {"--ssz", NULL,
                 "ask the beacon node for SSZ (Accept: application/octet-stream), taking JSON if it offers only that",
                 NULL},
    {NULL, NULL, NULL, NULL},
};

typedef struct {
  bool done;
  int err;
  char message[1024];
} outcome_t;

static void on_synced(void *user, int err, const char *message) {
  outcome_t *o = user;
  o->done = true;
  o->err = err;
  snprintf(o->message, sizeof o->message, "%s", message);
}

static void on_log(void *user, const char *line) {
  (void)user;
  fprintf(stderr, "ethc beacon sync: %s\n", line);
}

static void print_head_text(const char *label, const beacon_lc_header_t *h) {
  uint8_t root[32];
  char hex[67];
  ssz_root_block_header(&h->beacon, root);
  printf("%-11s slot %llu  beacon_root %s\n", label, (unsigned long long)h->beacon.slot, hex_encode(root, 32, hex));
  if (h->fork < BEACON_FORK_CAPELLA) return;
  printf("%-11s block %llu  block_hash %s\n", "", (unsigned long long)h->execution.block_number,
         hex_encode(h->execution.block_hash.bytes, 32, hex));
  printf("%-11s state_root %s\n", "", hex_encode(h->execution.state_root.bytes, 32, hex));
}

static void print_head_json(const char *name, const beacon_lc_header_t *h) {
  uint8_t root[32];
  char hex[67];
  ssz_root_block_header(&h->beacon, root);
  printf("\"%s\":{\"slot\":%llu,\"beacon_root\":\"%s\",", name, (unsigned long long)h->beacon.slot,
         hex_encode(root, 32, hex));
  if (h->fork < BEACON_FORK_CAPELLA) {
    printf("\"block_number\":null,\"block_hash\":null,\"state_root\":null}");
    return;
  }
  printf("\"block_number\":%llu,", (unsigned long long)h->execution.block_number);
  printf("\"block_hash\":\"%s\",", hex_encode(h->execution.block_hash.bytes, 32, hex));
  printf("\"state_root\":\"%s\"}", hex_encode(h->execution.state_root.bytes, 32, hex));
}

/* Saves the synced store in --datadir: 0, or 1 with the message printed. */
static int save_store(const char *datadir, const beacon_config_t *config, const lc_store_t *store) {
  char msg[512] = "";
  if (lc_persist_save(datadir, config, store, msg, sizeof msg) == 0) return 0;
  fprintf(stderr, "ethc beacon sync: %s\n", msg);
  return 1;
}

static int cmd_beacon_sync(const cli_command_t *self, int argc, char **argv) {
  const char *network = "mainnet", *checkpoint = NULL, *url = NULL, *datadir = NULL;
  uint64_t at = 0;
  double timeout = 30;
  bool json = false, stale = false, verbose = false, ssz = false;
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    switch (k) {
      case OPT_NETWORK: network = a.value; break;
      case OPT_CHECKPOINT: checkpoint = a.value; break;
      case OPT_RPC: url = a.value; break;
      case OPT_AT:
        if (cli_parse_u64("beacon sync", "--at", a.value, false, UINT64_MAX / 2, &at) || at == 0)
          return at == 0 ? cli_usage_error(self, "--at: expected a positive unix time, got '%s'", a.value) : 2;
        break;
      case OPT_JSON: json = true; break;
      case OPT_STALE: stale = true; break;
      case OPT_TIMEOUT:
        if (cli_parse_seconds("beacon sync", "--timeout", a.value, false, 3600, &timeout)) return 2;
        break;
      case OPT_VERBOSE: verbose = true; break;
      case OPT_DATADIR: datadir = a.value; break;
      case OPT_SSZ: ssz = true; break;
      case CLI_POSITIONAL: return cli_usage_error(self, "unexpected argument '%s'", a.value);
      default: return cli_stop(k);
    }
  }
  const beacon_config_t *config = beacon_config_by_name(network);
  if (!config) {
    size_t n = 0;
    while (beacon_network_names[n]) n++;
    const char *near = cli_nearest(network, beacon_network_names, n);
    return cli_usage_error(self, "--network: unknown network '%s'%s%s%s (mainnet, sepolia, holesky, hoodi, dev)",
                           network, near ? ", did you mean '" : "", near ? near : "", near ? "'?" : "");
  }
  if (!url) return cli_usage_error(self, "--consensus-rpc URL is required (a beacon node's REST API)");
  beacon_sync_opts_t o = {.config = config, .url = url, .at = at, .allow_stale_checkpoint = stale, .ssz = ssz};
  const char *why = checkpoint ? cli_hex_problem(checkpoint) : NULL;
  if (checkpoint && (strncmp(checkpoint, "0x", 2) != 0 || why || hex_decode_fixed(checkpoint, true, o.checkpoint, 32)))
    return cli_usage_error(self, "--checkpoint: expected 0x and 64 hex digits, got '%s'%s%s", checkpoint,
                           why ? ": " : "", why ? why : "");
  if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
    return cli_usage_error(self, "--consensus-rpc: expected an http:// or https:// URL, got '%s'", url);
  lc_store_t *store = calloc(1, sizeof *store);
  if (!store) {
    fprintf(stderr, "ethc beacon sync: out of memory\n");
    return 1;
  }
  if (datadir) {
    char msg[512] = "";
    int rc = lc_persist_load(datadir, config, store, msg, sizeof msg);
    if (rc && rc != ETHC_ERR_NOT_FOUND) {
      fprintf(stderr, "ethc beacon sync: %s\n", msg);
      free(store);
      return 1;
    }
    o.resume = rc == 0;
  }
  if (o.resume) {
    uint64_t slot = store->finalized_header.beacon.slot,
             now = beacon_slot_at_time(config, at ? at : (uint64_t)time(NULL));
    uint64_t age = now > slot ? (now - slot) * config->seconds_per_slot : 0;
    uint64_t ws = beacon_ws_period_seconds(config);
    if (age > ws && !stale) {
      fprintf(stderr,
              "ethc beacon sync: the store saved in %s/beacon is finalized at slot %llu, %.1f days old: older than the "
              "weak subjectivity period (%.1f days). Remove %s/beacon and start from a recent --checkpoint, or pass "
              "--allow-stale-checkpoint\n",
              datadir, (unsigned long long)slot, age / 86400.0, ws / 86400.0, datadir);
      free(store);
      return 1;
    }
  } else if (!checkpoint) {
    free(store);
    return cli_usage_error(self, "--checkpoint ROOT is required (a trusted finalized block root)%s",
                           datadir ? ": no light-client store is saved in --datadir yet" : "");
  }
  o.http.timeout_ms = (uint64_t)(timeout * 1000);
  if (verbose) o.log = on_log;
  o.notice = on_log; /* a force update: always told */

  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0) {
    fprintf(stderr, "ethc beacon sync: cannot start an event loop\n");
    free(store);
    return 1;
  }
  beacon_http_t *http = beacon_http_new(&loop);
  outcome_t out = {0};
  beacon_sync_t *sync = http ? beacon_sync_start(http, store, &o, on_synced, &out) : NULL;
  int status = 0;
  if (!sync) {
    fprintf(stderr, "ethc beacon sync: cannot start (out of memory)\n");
    status = 1;
  } else {
    uv_run(&loop, UV_RUN_DEFAULT);
    if (!out.done) snprintf(out.message, sizeof out.message, "the sync stopped without an answer");
    if (!out.done || out.err) {
      fprintf(stderr, "ethc beacon sync: %s\n", out.message);
      status = 1;
    } else if (datadir) {
      status = save_store(datadir, config, store);
    }
    if (status == 0 && json) {
      printf("{");
      print_head_json("finalized", &store->finalized_header);
      printf(",");
      print_head_json("optimistic", &store->optimistic_header);
      printf("}\n");
    } else if (status == 0) {
      print_head_text("finalized:", &store->finalized_header);
      print_head_text("optimistic:", &store->optimistic_header);
    }
    if (verbose) {
      unsigned requests;
      uint64_t bytes;
      beacon_sync_stats(sync, &requests, &bytes);
      fprintf(stderr, "ethc beacon sync: %u requests, %llu bytes\n", requests, (unsigned long long)bytes);
    }
  }
  beacon_http_free(http);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  beacon_sync_free(sync);
  free(store);
  return status;
}

CLI_GROUP(beacon, "the beacon-chain light client: sync committee proofs of the chain's head")
CLI_COMMAND("beacon", "sync", cmd_beacon_sync, "",
            "sync a beacon light client from a checkpoint over the REST API, print the finalized and optimistic "
            "heads",
            sync_options,
            "Every header printed is proven: the bootstrap hashes to --checkpoint, each update is\n"
            "signed by the sync committee the store knows (FastAggregateVerify), and each header's\n"
            "execution payload is proven against its beacon block. Exit status: 0 synced, 1 the\n"
            "data did not verify (the message names the check) or could not be fetched, 2 bad usage.\n"
            "With --datadir DIR the synced finalized header and sync committees are saved in the\n"
            "LevelDB database DIR/beacon, and the next run resumes from them without a bootstrap.\n")
