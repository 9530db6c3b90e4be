/* Test helper of the miner's threaded tests (test_miner.c, test_miner_dev.c),
 * check.h style: the rpc-compat chain imported (chain_fixture.h) with a pool
 * and a miner on it, a thread that mines on demand as RPC threads do, and the
 * final check that the head is a chain of valid blocks. */
#ifndef ETHC_MINER_THREADS_H
#define ETHC_MINER_THREADS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/log.h"
#include "node/miner.h"

/* The rpc-compat chain, its pool and a miner with options `mo`. */
typedef struct {
  test_chain_t tc;
  chain_t *chain;
  txpool_t *pool;
  miner_t *miner;
  uint64_t start; /* the head's number before any mining */
} miner_fixture_t;

/* Sets `f` up; false when the chain is missing (skipped) or did not open: call
 * miner_fixture_free anyway. Logs only warnings (not a line per mined block). */
static inline bool miner_fixture_open(miner_fixture_t *f, const node_miner_opts_t *mo) {
  memset(f, 0, sizeof *f);
  ethc_log_set_level(2);
  if (!(f->chain = test_chain_import(&f->tc, "rpc-compat", NULL))) return false;
  CHECK(chain_read_head(f->chain, &f->start, NULL) == 0);
  f->pool = txpool_new(f->chain);
  f->miner = f->pool ? miner_new(f->chain, f->pool, mo) : NULL;
  CHECK(f->pool && f->miner);
  return f->miner != NULL;
}

static inline void miner_fixture_free(miner_fixture_t *f) {
  miner_free(f->miner);
  txpool_free(f->pool);
  test_chain_remove(&f->tc);
  memset(f, 0, sizeof *f);
}

/* A thread mining on demand (miner_mine(miner, blocks, 0, 1, ...)): `rounds`
 * times, or while *stop is false when rounds is 0, `pause_us` apart. Failures
 * are counted (and printed), not CHECKed: CHECK is not thread-safe. */
typedef struct {
  miner_t *miner;
  uint64_t blocks; /* per call */
  int rounds;
  const atomic_bool *stop;
  unsigned pause_us;
  atomic_int failures;
} mine_thread_t;

static inline void *mine_thread(void *arg) {
  mine_thread_t *m = arg;
  for (int i = 0; m->rounds ? i < m->rounds : !atomic_load(m->stop); i++) {
    char err[320] = "";
    if (miner_mine(m->miner, m->blocks, 0, 1, false, err, sizeof err)) {
      fprintf(stderr, "mine: %s\n", err);
      atomic_fetch_add(&m->failures, 1);
    }
    if (m->pause_us) usleep(m->pause_us);
  }
  return NULL;
}

/* CHECKs that the head's blocks down to #start chain by parent hash with
 * strictly increasing timestamps. Returns the head's number; *txs (may be
 * NULL) gets the transactions in those blocks (from their receipts). */
static inline uint64_t check_mined_chain(chain_t *c, uint64_t start, uint64_t *txs) {
  chain_snapshot_t *snap = chain_snapshot_head(c);
  uint64_t head = chain_snapshot_header(snap)->number, n_txs = 0;
  chain_header_t h = *chain_snapshot_header(snap), p;
  chain_snapshot_release(snap);
  ethc_hash_t parent = h.parent_hash;
  for (uint64_t n = head; n > start; n--) {
    CHECK(chain_read_header_by_hash(c, &parent, &p) == 0 && p.number == n - 1 && p.timestamp < h.timestamp);
    if (txs) {
      chain_read_receipts_t rr;
      ethc_hash_t hh;
      CHECK(chain_read_canonical_hash(c, n, &hh) == 0 && chain_read_receipts(c, &hh, &rr) == 0);
      n_txs += rr.count;
      chain_read_receipts_free(&rr);
    }
    h = p;
    parent = p.parent_hash;
  }
  if (txs) *txs = n_txs;
  return head;
}

#endif
