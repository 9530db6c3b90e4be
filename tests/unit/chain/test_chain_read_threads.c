/* The read API (chain_read.h) from several threads while the main thread
 * imports the ethtest chain (600 blocks): readers follow the stored head and
 * read headers, bodies, receipts, transactions by hash and logs of the blocks
 * below it, checking that each answer agrees with the others. Also built with
 * -fsanitize=thread (test_chain_read_threads_tsan, label tsan), where any data
 * race between the readers and the import fails the test. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"

#define THREADS 3

static chain_t *chain;
static atomic_bool done;

typedef struct {
  unsigned id;
  long rounds, txs, logs;
  long bad; /* answers that disagree or fail */
  char first_bad[200];
} reader_t;

static void bad(reader_t *r, const char *what, int rc) {
  if (!r->bad++) snprintf(r->first_bad, sizeof r->first_bad, "%s: %s", what, ethc_strerror(rc));
}

/* Reads block `m` in every way and checks the answers against each other. */
static void read_block(reader_t *r, uint64_t m) {
  chain_header_t h;
  ethc_hash_t hash, hh;
  int rc;
  if ((rc = chain_read_header_by_number(chain, m, &h, &hash))) return bad(r, "header by number", rc);
  if (h.number != m || header_hash(&h, &hh) || !ethc_hash_eq(&hh, &hash)) return bad(r, "header hash", 0);
  chain_read_block_t b;
  if ((rc = chain_read_block(chain, &hash, &b))) return bad(r, "block", rc);
  chain_read_receipts_t rs;
  if ((rc = chain_read_receipts(chain, &hash, &rs))) {
    chain_read_block_free(&b);
    return bad(r, "receipts", rc);
  }
  if (rs.count != b.block.tx_count || (rs.count && rs.receipts[rs.count - 1].cumulative_gas_used != h.gas_used))
    bad(r, "receipts count or gas", 0);
  for (size_t i = 0; i < rs.count && i < 4; i++) {
    chain_read_tx_t t;
    if ((rc = chain_read_tx_by_hash(chain, &rs.receipts[i].tx_hash, &t))) {
      bad(r, "tx by hash", rc);
      continue;
    }
    if (t.index != i || !ethc_hash_eq(&t.block_hash, &hash) || t.block_number != m) bad(r, "tx position", 0);
    chain_read_tx_free(&t);
    chain_read_receipts_t one;
    const chain_read_receipt_t *rec;
    if ((rc = chain_read_receipt_by_tx(chain, &rs.receipts[i].tx_hash, &one, &rec))) {
      bad(r, "receipt by tx", rc);
      continue;
    }
    if (rec->gas_used != rs.receipts[i].gas_used || rec->log_count != rs.receipts[i].log_count)
      bad(r, "receipt by tx differs", 0);
    chain_read_receipts_free(&one);
    r->txs++;
  }
  chain_log_filter_t f = {.from_block = m, .to_block = m, .max_results = 100000};
  chain_read_logs_t logs;
  if ((rc = chain_read_logs(chain, &f, &logs))) {
    bad(r, "logs", rc);
  } else {
    if (logs.count != rs.log_count) bad(r, "log count", 0);
    r->logs += (long)logs.count;
    chain_read_logs_free(&logs);
  }
  u256_t td;
  if ((rc = chain_read_td(chain, &hash, &td))) bad(r, "td", rc);
  chain_read_receipts_free(&rs);
  chain_read_block_free(&b);
}

static void *reader(void *arg) {
  reader_t *r = arg;
  uint64_t s = 0x9e3779b97f4a7c15ull * (r->id + 1);
  bool last = false;
  while (!last) {
    last = atomic_load(&done); /* one more round after the import ended */
    uint64_t head;
    ethc_hash_t hash;
    int rc = chain_read_head(chain, &head, &hash);
    if (rc) {
      bad(r, "head", rc);
      break;
    }
    chain_header_t h;
    if ((rc = chain_read_header_by_hash(chain, &hash, &h)) || h.number != head) bad(r, "head header", rc);
    /* the newest block, and one at random below it */
    read_block(r, head);
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    read_block(r, s % (head + 1));
    r->rounds++;
  }
  return NULL;
}

int main(void) {
  test_chain_t t;
  if (!(chain = test_chain_open(&t, "chains/ethtest", NULL))) {
    test_chain_remove(&t);
    return check_summary();
  }

  reader_t readers[THREADS];
  pthread_t threads[THREADS];
  for (unsigned i = 0; i < THREADS; i++) {
    memset(&readers[i], 0, sizeof readers[i]);
    readers[i].id = i;
    CHECK(pthread_create(&threads[i], NULL, reader, &readers[i]) == 0);
  }
  unsigned imported = test_chain_import_file(chain, t.blocks);
  uint64_t head = 0;
  CHECK(chain_read_head(chain, &head, NULL) == 0 && head == 600);
  atomic_store(&done, true);
  long rounds = 0, txs = 0, logs = 0;
  for (unsigned i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK_MSG(readers[i].bad == 0, "reader %u: %ld bad answers, first: %s", i, readers[i].bad, readers[i].first_bad);
    rounds += readers[i].rounds;
    txs += readers[i].txs;
    logs += readers[i].logs;
  }
  CHECK(imported == 600);
  printf("%u blocks imported; %ld reader rounds, %ld transactions and %ld logs read\n", imported, rounds, txs, logs);
  CHECK(rounds >= THREADS);
  CHECK(txs > 0);
  test_chain_remove(&t);
  return check_summary();
}
