/* `ethc init --datadir DIR GENESIS.json`: writes a chain's genesis block and its
 * state into a new data directory (as geth init does), so that import, export and
 * the node open DIR without --genesis. Running it again with the same genesis is a
 * no-op; a different genesis is refused (src/chain/CHAINDB.md, "The data directory"). */
#include <stdio.h>

#include "cli/cli.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"

enum { INIT_DATADIR };
static const cli_option_t init_options[] = {
    [INIT_DATADIR] = {"--datadir", "DIR", "the chain database to create (with its parents)", "~/.ethc"}, {0}};

static int cmd_init(const cli_command_t *self, int argc, char **argv) {
  chain_open_opts_t o = {.datadir = cli_default_datadir()};
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    if (k == INIT_DATADIR) o.datadir = a.value;
    else if (k == CLI_POSITIONAL && !o.genesis_path) o.genesis_path = a.value;
    else if (k == CLI_POSITIONAL)
      return cli_usage_error(self, "more than one genesis file ('%s' and '%s')", o.genesis_path, a.value);
    else return cli_stop(k);
  }
  if (!o.genesis_path) return cli_usage_error(self, "no GENESIS.json given");
  if (!*o.datadir) return cli_usage_error(self, "--datadir: empty path");
  chain_t *c;
  char err[512];
  if (chain_open(&o, &c, err, sizeof err)) {
    fprintf(stderr, "ethc init: %s\n", err);
    return 1;
  }
  uint64_t number;
  ethc_hash_t hash;
  chain_head(c, &number, &hash);
  char hex[67];
  const chain_config_t *cfg = chain_config(c);
  char id[80];
  u256_to_dec(&cfg->chain_id, id);
  printf("%s: chain id %s, head #%llu %s\n", o.datadir, id, (unsigned long long)number,
         hex_encode(hash.bytes, 32, hex));
  chain_close(c);
  return 0;
}
CLI_COMMAND("", "init", cmd_init, "GENESIS.json", "create a data directory holding a chain's genesis block and state",
            init_options,
            "GENESIS.json is a geth-style genesis file (config, alloc, header fields). Afterwards import,\n"
            "export and the node open DIR without --genesis. Running init again with the same genesis\n"
            "(by its genesis block hash) changes nothing; another genesis is refused.\n")
