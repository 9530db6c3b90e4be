/* Test helper (check.h style): a test chain of the shared directory (its
 * genesis.json and chain.rlp: rpc-compat, chains/ethtest, ...) imported into a
 * fresh data directory under the current directory (the build directory when
 * ctest runs the test), and removed again at the end.
 *
 *   test_chain_t t;
 *   if (!test_chain_import(&t, "rpc-compat", NULL)) return check_summary();
 *   ... t.chain ...
 *   test_chain_remove(&t);
 */
#ifndef ETHC_CHAIN_FIXTURE_H
#define ETHC_CHAIN_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/rlp.h"

typedef struct {
  chain_t *chain;     /* NULL when the files are missing or the chain did not open */
  char dir[64];       /* its data directory ("" before mkdtemp) */
  char genesis[1024]; /* SHARED/NAME/genesis.json */
  char blocks[1024];  /* SHARED/NAME/chain.rlp */
  unsigned imported;  /* blocks imported */
} test_chain_t;

/* Imports every block of the file `path` (RLP blocks one after the other) into
 * `c`, each import CHECKed, up to the first failure. Returns the count imported. */
static inline unsigned test_chain_import_file(chain_t *c, const char *path) {
  size_t len = 0, off = 0, used;
  uint8_t *data = bytes_read_file(path, &len);
  CHECK_MSG(data != NULL, "cannot read %s", path);
  unsigned n = 0;
  rlp_item_t item;
  while (data && off < len && rlp_decode_item(data + off, len - off, &item, &used) == 0) {
    chain_import_result_t r;
    int rc = chain_import_block(c, data + off, used, &r);
    CHECK_MSG(rc == 0, "block %llu: %s", (unsigned long long)r.number, r.reason);
    if (rc) break;
    n++;
    off += used;
  }
  free(data);
  return n;
}

/* Splits a chain file's bytes into its blocks: blk[1..n] and blk_len[1..n]
 * (1-based: block n of a file that starts after the genesis) point into
 * `data`, at most `max` of them. Returns n. */
static inline unsigned test_chain_split(const uint8_t *data, size_t len, const uint8_t **blk, size_t *blk_len,
                                        unsigned max) {
  size_t off = 0, used;
  unsigned n = 0;
  rlp_item_t item;
  while (off < len && n < max && rlp_decode_item(data + off, len - off, &item, &used) == 0) {
    blk[++n] = data + off;
    blk_len[n] = used;
    off += used;
  }
  return n;
}

/* Opens a chain on the genesis of `name` (a directory of the shared one, e.g.
 * "rpc-compat" or "chains/ethtest") in a new directory ./ethc-test-XXXXXX,
 * importing nothing (t->blocks names its chain.rlp). `opts` (may be NULL:
 * fakepow alone) gives the other chain_open options; its datadir and
 * genesis_path are set here. Returns t->chain: NULL when the files are missing
 * (the test is skipped: check_need) or the chain did not open (a failed
 * CHECK). Call test_chain_remove whatever it returned. */
static inline chain_t *test_chain_open(test_chain_t *t, const char *name, const chain_open_opts_t *opts) {
  memset(t, 0, sizeof *t);
  const char *shared = check_shared_dir();
  snprintf(t->genesis, sizeof t->genesis, "%s/%s/genesis.json", shared, name);
  snprintf(t->blocks, sizeof t->blocks, "%s/%s/chain.rlp", shared, name);
  if (!check_need(t->genesis, name) || !check_need(t->blocks, name)) return NULL;
  snprintf(t->dir, sizeof t->dir, "ethc-test-XXXXXX");
  if (!mkdtemp(t->dir)) {
    CHECK_MSG(false, "mkdtemp: cannot create %s", t->dir);
    t->dir[0] = '\0';
    return NULL;
  }
  chain_open_opts_t o = {.fakepow = true};
  if (opts) o = *opts;
  o.datadir = t->dir;
  o.genesis_path = t->genesis;
  char err[512];
  CHECK_MSG(chain_open(&o, &t->chain, err, sizeof err) == 0, "%s", err);
  return t->chain;
}

/* test_chain_open, then its chain.rlp imported (test_chain_import_file;
 * t->imported the count). */
static inline chain_t *test_chain_import(test_chain_t *t, const char *name, const chain_open_opts_t *opts) {
  if (test_chain_open(t, name, opts)) t->imported = test_chain_import_file(t->chain, t->blocks);
  return t->chain;
}

/* Closes the chain (when open) and removes its directory. */
static inline void test_chain_remove(test_chain_t *t) {
  if (t->chain) chain_close(t->chain);
  t->chain = NULL;
  if (t->dir[0]) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    CHECK(system(cmd) == 0);
  }
  t->dir[0] = '\0';
}

#endif
