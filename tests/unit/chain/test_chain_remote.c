/* The chain's remote source (chain_set_remote, chain_remote.h): chain F holds
 * the rpc-compat chain, chain H only its headers and a fake source that
 * answers from F. H's chain_read_block, chain_read_receipts,
 * chain_read_tx_by_hash, chain_read_receipt_by_tx, chain_read_logs (with the
 * above-head hook) and snapshot state must equal F's; verified bodies and
 * receipts are cached (the source is asked once); a source that changes a
 * transaction, drops a receipt or misplaces a transaction makes the read fail
 * with ETHC_ERR_IO and a message (chain_remote_error), never answer; four
 * threads reading at once agree (run under TSan with the rest); with a cache
 * bound too small for any answer (chain.h remote_cache_bytes, as a light
 * node's is small) every read asks the source again and checks it again. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/state_db.h"

typedef enum { HONEST, FLIP_TX, DROP_RECEIPT, WRONG_INDEX } mode_t_;

typedef struct {
  chain_t *full;
  _Atomic int mode;
  atomic_uint bodies, receipts;
} fake_t;

static int fake_body(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                     size_t errlen) {
  fake_t *f = ctx;
  (void)h, (void)err, (void)errlen;
  atomic_fetch_add(&f->bodies, 1);
  chain_read_block_t b;
  int rc = chain_read_block(f->full, hash, &b);
  if (rc) return rc;
  rlp_item_t list, item;
  rlp_iter_t it;
  CHECK(rlp_decode(b.rlp.data, b.rlp.len, &list) == 0);
  rlp_iter_init(&it, &list);
  size_t start = rlp_list_begin(out), mark = 0;
  for (int i = 0; rlp_iter_next(&it, &item) == 1; i++) {
    if (i == 1) mark = out->len;
    if (i) CHECK(rlp_put_raw(out, item.raw, item.raw_len) == 0);
  }
  CHECK(rlp_list_end(out, start) == 0);
  /* a byte near the end of the transactions list: inside the last transaction's signature */
  if (atomic_load(&f->mode) == FLIP_TX && b.block.tx_count) out->data[mark + 40] ^= 0x01;
  chain_read_block_free(&b);
  return 0;
}

static int fake_receipts(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                         size_t errlen) {
  fake_t *f = ctx;
  (void)err, (void)errlen;
  atomic_fetch_add(&f->receipts, 1);
  bytes_buf_t raw = {0};
  int rc = chaindb_get_receipts(chain_db(f->full), h->number, hash, &raw);
  if (rc) return bytes_buf_free(&raw), rc;
  if (atomic_load(&f->mode) == DROP_RECEIPT) { /* all but the last */
    rlp_item_t list, item;
    rlp_iter_t it;
    CHECK(rlp_decode(raw.data, raw.len, &list) == 0);
    int n = rlp_list_count(&list);
    rlp_iter_init(&it, &list);
    size_t start = rlp_list_begin(out);
    for (int i = 0; i < n - 1 && rlp_iter_next(&it, &item) == 1; i++)
      CHECK(rlp_put_raw(out, item.raw, item.raw_len) == 0);
    CHECK(rlp_list_end(out, start) == 0);
  } else {
    CHECK(bytes_buf_append(out, raw.data, raw.len) == 0);
  }
  bytes_buf_free(&raw);
  return 0;
}

static int fake_location(void *ctx, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index, char *err,
                         size_t errlen) {
  fake_t *f = ctx;
  (void)err, (void)errlen;
  uint64_t number;
  int rc = chaindb_get_tx_index(chain_db(f->full), tx_hash, &number, block_hash, index);
  if (!rc && atomic_load(&f->mode) == WRONG_INDEX) ++*index;
  return rc;
}

static int fake_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                      size_t errlen) {
  fake_t *f = ctx;
  (void)hash, (void)err, (void)errlen;
  state_db_base(chain_state_db(f->full), &h->state_root, out);
  return 0;
}

/* The above-head hook of chain_read_logs: F's canonical hashes. */
static int hash_at(void *ctx, uint64_t number, ethc_hash_t *hash) {
  return chain_read_canonical_hash(((fake_t *)ctx)->full, number, hash);
}

/* In the reader threads a failed expectation is counted (check.h's counters
 * are for one thread); main CHECKs the count. */
static _Thread_local bool in_thread;
static atomic_int thread_bad;
#define EXPECT(c)                                 \
  do {                                            \
    if (in_thread) {                              \
      if (!(c)) atomic_fetch_add(&thread_bad, 1); \
    } else {                                      \
      CHECK(c);                                   \
    }                                             \
  } while (0)

static chain_t *F, *H;
static fake_t fake;
static uint64_t last;

static void compare_block(uint64_t n) {
  ethc_hash_t hash;
  EXPECT(chain_read_canonical_hash(F, n, &hash) == 0);
  chain_read_block_t a, b;
  EXPECT(chain_read_block(F, &hash, &a) == 0);
  int rc = chain_read_block(H, &hash, &b);
  EXPECT(rc == 0 && a.rlp.len == b.rlp.len && !memcmp(a.rlp.data, b.rlp.data, a.rlp.len));
  if (!rc) chain_read_block_free(&b);
  chain_read_receipts_t ra, rb;
  EXPECT(chain_read_receipts(F, &hash, &ra) == 0);
  rc = chain_read_receipts(H, &hash, &rb);
  EXPECT(rc == 0 && ra.count == rb.count && ra.log_count == rb.log_count);
  for (size_t i = 0; !rc && i < ra.count; i++) {
    EXPECT(ethc_hash_eq(&ra.receipts[i].tx_hash, &rb.receipts[i].tx_hash));
    EXPECT(ethc_address_eq(&ra.receipts[i].from, &rb.receipts[i].from));
    EXPECT(ra.receipts[i].gas_used == rb.receipts[i].gas_used && ra.receipts[i].status == rb.receipts[i].status);
    /* a transaction by hash, and its receipt, through the source's location hint */
    chain_read_tx_t t;
    EXPECT(chain_read_tx_by_hash(H, &ra.receipts[i].tx_hash, &t) == 0 && t.block_number == n && t.index == i);
    chain_read_tx_free(&t);
    chain_read_receipts_t rr;
    const chain_read_receipt_t *r;
    EXPECT(chain_read_receipt_by_tx(H, &ra.receipts[i].tx_hash, &rr, &r) == 0 && r->tx_index == i);
    chain_read_receipts_free(&rr);
  }
  if (!rc) chain_read_receipts_free(&rb);
  chain_read_receipts_free(&ra);
  chain_read_block_free(&a);
}

/* arg NULL: every block on the main thread; else thread k (of 4) reads the
 * blocks n with n % 4 == k, all four at once. */
static void *reader(void *arg) {
  in_thread = arg != NULL;
  unsigned k = arg ? *(const unsigned *)arg : 0, step = arg ? 4 : 1;
  for (uint64_t n = 1 + k; n <= last; n += step) compare_block(n);
  return NULL;
}

/* Imports F's headers 1..last (no bodies) into `to`. */
static void import_headers(chain_t *to) {
  for (uint64_t n = 1; n <= last; n++) {
    chain_header_t h;
    ethc_hash_t hash;
    bytes_buf_t enc = {0};
    chain_import_result_t r;
    CHECK(chain_read_header_by_number(F, n, &h, &hash) == 0 && header_encode(&h, &enc) == 0);
    CHECK(chain_import_header(to, enc.data, enc.len, &r) == 0);
    bytes_buf_free(&enc);
  }
}

/* A header-only chain whose cache keeps nothing: block n's body, read twice,
 * is fetched twice and equals F's; a lie after that is refused, not hidden
 * by an earlier verified answer. */
static void uncached_reads(const chain_remote_t *r, uint64_t n) {
  test_chain_t t;
  chain_open_opts_t o = {.fakepow = true, .remote_cache_bytes = 64};
  chain_t *c = test_chain_open(&t, "rpc-compat", &o);
  CHECK(c != NULL);
  if (c) {
    import_headers(c);
    chain_set_remote(c, r);
    ethc_hash_t hash;
    chain_read_block_t a, b;
    CHECK(chain_read_canonical_hash(F, n, &hash) == 0 && chain_read_block(F, &hash, &a) == 0);
    unsigned before = atomic_load(&fake.bodies);
    for (int i = 0; i < 2; i++) {
      int rc = chain_read_block(c, &hash, &b);
      CHECK(rc == 0 && a.rlp.len == b.rlp.len && !memcmp(a.rlp.data, b.rlp.data, a.rlp.len));
      if (!rc) chain_read_block_free(&b);
    }
    CHECK_MSG(atomic_load(&fake.bodies) == before + 2, "uncached: %u source calls for 2 reads",
              atomic_load(&fake.bodies) - before);
    atomic_store(&fake.mode, FLIP_TX);
    CHECK(chain_read_block(c, &hash, &b) == ETHC_ERR_IO);
    CHECK(chain_remote_error() != NULL);
    atomic_store(&fake.mode, HONEST);
    chain_read_block_free(&a);
    chain_set_remote(c, NULL);
  }
  test_chain_remove(&t);
}

int main(void) {
  test_chain_t tf, th;
  if (!test_chain_import(&tf, "rpc-compat", NULL)) {
    test_chain_remove(&tf);
    return check_summary();
  }
  F = tf.chain;
  CHECK(!chain_has_remote(F));
  H = test_chain_open(&th, "rpc-compat", NULL);
  CHECK(H != NULL);
  if (!H) return test_chain_remove(&tf), check_summary();
  CHECK(chain_read_head(F, &last, NULL) == 0 && last > 10);
  import_headers(H);
  /* without a source: a header alone has no body */
  ethc_hash_t h5;
  chain_read_block_t b;
  CHECK(chain_read_canonical_hash(F, 5, &h5) == 0);
  CHECK(chain_read_block(H, &h5, &b) == ETHC_ERR_INVALID);

  fake.full = F;
  chain_remote_t r = {.ctx = &fake,
                      .body = fake_body,
                      .receipts = fake_receipts,
                      .tx_location = fake_location,
                      .state = fake_state};
  chain_set_remote(H, &r);
  CHECK(chain_has_remote(H));

  /* lies first (nothing is cached yet), on blocks with transactions */
  uint64_t with_txs[3] = {0};
  int found = 0;
  for (uint64_t n = 1; n <= last && found < 3; n++) {
    chain_header_t h;
    CHECK(chain_read_header_by_number(F, n, &h, NULL) == 0);
    if (!ethc_hash_eq(&h.tx_root, &HEADER_EMPTY_TRIE_ROOT)) with_txs[found++] = n;
  }
  CHECK(found == 3);
  ethc_hash_t hash;
  const char *msg;
  atomic_store(&fake.mode, FLIP_TX);
  CHECK(chain_read_canonical_hash(F, with_txs[0], &hash) == 0);
  CHECK(chain_read_block(H, &hash, &b) == ETHC_ERR_IO);
  CHECK((msg = chain_remote_error()) != NULL && (strstr(msg, "transactionsRoot") || strstr(msg, "decode")));
  CHECK(chain_remote_error() == NULL); /* taken */
  atomic_store(&fake.mode, DROP_RECEIPT);
  chain_read_receipts_t rs;
  CHECK(chain_read_canonical_hash(F, with_txs[1], &hash) == 0);
  CHECK(chain_read_receipts(H, &hash, &rs) == ETHC_ERR_IO);
  CHECK((msg = chain_remote_error()) != NULL && strstr(msg, "receipts"));
  atomic_store(&fake.mode, WRONG_INDEX);
  CHECK(chain_read_canonical_hash(F, with_txs[2], &hash) == 0);
  CHECK(chain_read_receipts(F, &hash, &rs) == 0 && rs.count > 0);
  ethc_hash_t tx_last = rs.receipts[rs.count - 1].tx_hash;
  chain_read_receipts_free(&rs);
  chain_read_tx_t t;
  CHECK(chain_read_tx_by_hash(H, &tx_last, &t) == ETHC_ERR_IO);
  CHECK((msg = chain_remote_error()) != NULL && strstr(msg, "location"));
  atomic_store(&fake.mode, HONEST);

  /* honest: everything as F; then cached (the source is not asked again) */
  reader(NULL);
  CHECK(atomic_load(&fake.bodies) > 0);
  unsigned bodies = atomic_load(&fake.bodies), receipts = atomic_load(&fake.receipts);
  compare_block(with_txs[0]);
  CHECK_MSG(atomic_load(&fake.bodies) == bodies && atomic_load(&fake.receipts) == receipts,
            "cached: %u/%u source calls, then %u/%u", bodies, receipts, atomic_load(&fake.bodies),
            atomic_load(&fake.receipts));

  /* logs: all of them, through the verified headers above H's head */
  chain_log_filter_t lf = {.from_block = 0, .to_block = last, .max_results = 100000};
  chain_read_logs_t la, lb;
  CHECK(chain_read_logs(F, &lf, &la) == 0);
  CHECK(chain_read_logs(H, &lf, &lb) == 0 && lb.count == 0); /* no hook: the range ends at H's head */
  chain_read_logs_free(&lb);
  lf.hash_above_head = hash_at;
  lf.hash_ctx = &fake;
  CHECK(chain_read_logs(H, &lf, &lb) == 0);
  CHECK_MSG(la.count == lb.count && la.count > 0, "logs: %zu and %zu", la.count, lb.count);
  for (size_t i = 0; i < la.count && i < lb.count; i++) {
    CHECK(ethc_hash_eq(&la.logs[i].tx_hash, &lb.logs[i].tx_hash) && la.logs[i].log_index == lb.logs[i].log_index);
    CHECK(la.logs[i].data_size == lb.logs[i].data_size &&
          (!la.logs[i].data_size || !memcmp(la.logs[i].data, lb.logs[i].data, la.logs[i].data_size)));
  }
  chain_read_logs_free(&la);
  chain_read_logs_free(&lb);

  /* state: a header-only block's snapshot reads the source's */
  chain_snapshot_t *sf = NULL, *sh = NULL;
  CHECK(chain_read_canonical_hash(F, last, &hash) == 0);
  CHECK(chain_snapshot_at(F, &hash, &sf) == 0 && chain_snapshot_at(H, &hash, &sh) == 0);
  state_t *a = chain_snapshot_state(sf), *s = chain_snapshot_state(sh);
  ethc_hash_t ra_, rb_;
  CHECK(a && s && state_root(a, &ra_) == 0 && state_root(s, &rb_) == 0 && ethc_hash_eq(&ra_, &rb_));
  state_free(a);
  state_free(s);
  chain_snapshot_release(sf);
  chain_snapshot_release(sh);

  /* four readers at once */
  pthread_t th4[4];
  static const unsigned ks[4] = {0, 1, 2, 3};
  for (int i = 0; i < 4; i++) CHECK(pthread_create(&th4[i], NULL, reader, (void *)&ks[i]) == 0);
  for (int i = 0; i < 4; i++) pthread_join(th4[i], NULL);
  CHECK_MSG(atomic_load(&thread_bad) == 0, "%d failed expectations in the reader threads", atomic_load(&thread_bad));

  uncached_reads(&r, with_txs[0]);

  chain_set_remote(H, NULL);
  CHECK(!chain_has_remote(H));
  test_chain_remove(&th);
  test_chain_remove(&tf);
  return check_summary();
}
