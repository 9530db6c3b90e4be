/* Test helper of the p2p unit tests: the devp2p ethtest chain (600 blocks to
 * Prague, from go-ethereum's cmd/devp2p/internal/ethtest) imported into a
 * temporary data directory. */
#ifndef ETHC_TEST_ETH_CHAIN_H
#define ETHC_TEST_ETH_CHAIN_H

#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/rlp.h"

static char ethtest_dir[64];

/* Opens and fills the chain; NULL (the test skipped) when the files are missing. */
static chain_t *ethtest_open(unsigned *imported) {
  const char *shared = check_shared_dir();
  char genesis[1024], chainfile[1024];
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", shared);
  snprintf(chainfile, sizeof chainfile, "%s/chains/ethtest/chain.rlp", shared);
  if (!check_need(genesis, "the devp2p ethtest chain") || !check_need(chainfile, "the devp2p ethtest chain"))
    return NULL;
  snprintf(ethtest_dir, sizeof ethtest_dir, "/tmp/ethc-p2p-XXXXXX");
  if (!mkdtemp(ethtest_dir)) return NULL;
  size_t len;
  uint8_t *data = bytes_read_file(chainfile, &len);
  chain_open_opts_t o = {.datadir = ethtest_dir, .genesis_path = genesis};
  char err[512];
  chain_t *c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  if (!c || !data) {
    free(data);
    return c;
  }
  size_t off = 0, used;
  rlp_item_t item;
  *imported = 0;
  while (off < len && rlp_decode_item(data + off, len - off, &item, &used) == 0) {
    chain_import_result_t r;
    int rc = chain_import_block(c, data + off, used, &r);
    CHECK_MSG(rc == 0, "block %llu: %s", (unsigned long long)r.number, r.reason);
    if (rc) break;
    (*imported)++;
    off += used;
  }
  free(data);
  return c;
}

static void ethtest_close(chain_t *c) {
  if (c) chain_close(c);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", ethtest_dir);
  CHECK(system(cmd) == 0);
}

#endif
