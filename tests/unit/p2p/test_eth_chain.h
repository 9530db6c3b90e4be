/* Test helper of the p2p unit tests: the devp2p ethtest chain (600 blocks to
 * Prague, from go-ethereum's cmd/devp2p/internal/ethtest) imported into a
 * temporary data directory. */
#ifndef ETHC_TEST_ETH_CHAIN_H
#define ETHC_TEST_ETH_CHAIN_H

#include "chain_fixture.h"

static test_chain_t ethtest;

/* Opens and fills the chain; NULL (the test skipped) when the files are missing. */
static chain_t *ethtest_open(unsigned *imported) {
  chain_open_opts_t o = {0}; /* the real proof of work */
  chain_t *c = test_chain_import(&ethtest, "chains/ethtest", &o);
  *imported = ethtest.imported;
  return c;
}

/* Closes the chain ethtest_open returned and removes its directory. */
static void ethtest_close(chain_t *c) {
  (void)c;
  test_chain_remove(&ethtest);
}

#endif
