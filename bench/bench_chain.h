/* Bench helper: the rpc-compat test chain (execution-apis' test chain, its
 * genesis.json and chain.rlp under SHARED_DIR) imported into a data directory,
 * with the unit tests' import loop (tests/unit/chain_fixture.h). */
#ifndef ETHC_BENCH_CHAIN_H
#define ETHC_BENCH_CHAIN_H

#include <stdio.h>

#include "chain_fixture.h"
#include "ethc/chain.h"

/* Opens `dir` on SHARED/rpc-compat/genesis.json (fakepow) and imports its
 * chain.rlp. Returns the chain (chain_close it), or NULL after printing why. */
static inline chain_t *bench_rpc_compat_chain(const char *shared, const char *dir) {
  char genesis[2048], chainfile[2048], err[512];
  snprintf(genesis, sizeof genesis, "%s/rpc-compat/genesis.json", shared);
  snprintf(chainfile, sizeof chainfile, "%s/rpc-compat/chain.rlp", shared);
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis, .fakepow = true};
  chain_t *c = NULL;
  if (chain_open(&o, &c, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return NULL;
  }
  test_chain_import_file(c, chainfile); /* prints what failed */
  if (check_failed) {
    chain_close(c);
    return NULL;
  }
  return c;
}

#endif
