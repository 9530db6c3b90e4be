/* The transaction pool (src/node/txpool.h) on the devp2p test chain
 * (../shared/chains/ethtest, whose funded accounts' keys it lists): admission,
 * each rejection with geth's wording, replacement with a 10% bump, pending and
 * queued nonces, the per-sender gap limit, eviction when a block includes a
 * pooled transaction, four threads adding at once (with the accept hook), the
 * price-based eviction of a full pool and its nonce-gap rule, the expiry of
 * idle senders' queued transactions on a driven clock, the reinjection of the
 * transactions of blocks a reorganisation dropped (chain_set_head back, and a
 * sibling head with the same body), and adds racing reorganisations. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/state.h"
#include "ethc/tx.h"
#include "node/txpool.h"

static chain_t *chain;
static txpool_t *pool;
static u256_t chain_id, base_fee;
static uint64_t gas_limit;

/* Funded accounts of accounts.json. */
static const char *const keys[] = {
    "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850",
    "0x457075f6822ac29481154792f65c5f1ec335b4fea9ca20f3fea8fa1d78a12c68",
    "0x865898edcf43206d138c93f1bbd86311f4657b057658558888aa5ac4309626a6",
    "0xee7f7875d826d7443ccc5c174e38b2c436095018774248a8074ee92d8914dcdb",
};

typedef struct {
  uint8_t key[32];
  uint64_t nonce;
  uint64_t gas;
  u256_t fee, tip, value;
  u256_t chain_id;
  tx_type_t type;
  size_t data_len;
} spec_t;

/* A signed transaction of spec s: its canonical encoding in *out (free; 0 bytes
 * when signing failed, which the pool refuses). */
static size_t make(const spec_t *s, uint8_t **out) {
  tx_t tx = {0};
  tx.type = s->type;
  tx.has_chain_id = true;
  tx.chain_id = s->chain_id;
  tx.nonce = s->nonce;
  tx.gas_limit = s->gas;
  tx.gas_price = tx.max_fee_per_gas = s->fee;
  tx.max_priority_fee_per_gas = s->type == TX_LEGACY ? s->fee : s->tip;
  tx.has_to = true;
  memset(tx.to.bytes, 0xaa, 20);
  tx.value = s->value;
  uint8_t *data = calloc(1, s->data_len + 1);
  tx.data = data;
  tx.data_len = s->data_len;
  bytes_buf_t b = {0};
  /* no CHECK here: worker threads call it, and check.h's counters are not atomic */
  bool ok = tx_sign(&tx, s->key) == 0 && tx_encode(&tx, &b) == 0;
  free(data);
  if (!ok) bytes_buf_free(&b), b.data = NULL, b.len = 0;
  *out = b.data;
  return b.len;
}

static spec_t base_spec(int k, uint64_t nonce) {
  spec_t s = {.nonce = nonce, .gas = 21000, .type = TX_DYNAMIC_FEE, .chain_id = chain_id};
  if (hex_decode_fixed(keys[k], true, s.key, 32)) memset(s.key, 0, 32); /* a zero key cannot sign */
  u256_t two = u256_from_u64(2);
  u256_mul(&s.fee, &base_fee, &two);
  s.fee.w[0] += 1000;
  s.tip = u256_from_u64(1000);
  return s;
}

/* Adds spec s: the error message ("" when accepted). */
static const char *add(const spec_t *s, ethc_hash_t *hash) {
  static _Thread_local char err[160];
  uint8_t *raw;
  size_t n = make(s, &raw);
  ethc_hash_t h;
  err[0] = 0;
  if (!n) return free(raw), "cannot sign";
  if (txpool_add(pool, raw, n, hash ? hash : &h, err, sizeof err) && !err[0]) snprintf(err, sizeof err, "?");
  free(raw);
  return err;
}

static uint64_t account_nonce(const ethc_address_t *a) {
  chain_snapshot_t *snap = chain_snapshot_head(chain);
  state_t *st = chain_snapshot_state(snap);
  uint64_t n = state_get_nonce(st, a);
  state_free(st);
  chain_snapshot_release(snap);
  return n;
}

static ethc_address_t sender_of(int k) {
  spec_t s = base_spec(k, 0);
  uint8_t *raw;
  size_t n = make(&s, &raw);
  tx_t tx;
  ethc_address_t a = {0};
  CHECK(tx_decode(raw, n, &tx) == 0);
  CHECK(tx_recover_sender(&tx, EVM_PRAGUE, &a) == 0);
  tx_free(&tx);
  free(raw);
  return a;
}

#define EXPECT(s, msg)                                                                     \
  do {                                                                                     \
    const char *got_ = add((s), NULL);                                                     \
    CHECK_MSG(!strncmp(got_, (msg), strlen(msg)), "got \"%s\", want \"%s\"", got_, (msg)); \
  } while (0)

typedef struct {
  int k;
  uint64_t nonce;
  int failures, accepted;
} worker_t;

/* The accept hook: counts calls, and bad ones (hash or encoding not the transaction's). */
static atomic_int hook_calls, hook_bad;
static void count_hook(void *ctx, const txpool_tx_t *t) {
  (void)ctx;
  ethc_hash_t h;
  tx_t again;
  if (tx_hash(t->tx, &h) || memcmp(h.bytes, t->hash->bytes, 32) || tx_decode(t->raw, t->raw_len, &again))
    atomic_fetch_add(&hook_bad, 1);
  else tx_free(&again);
  atomic_fetch_add(&hook_calls, 1);
}

static void *worker(void *arg) {
  worker_t *w = arg;
  for (int i = 0; i < 40; i++) {
    spec_t s = base_spec(w->k, w->nonce + (uint64_t)i);
    const char *e = add(&s, NULL);
    if (e[0] && strcmp(e, "already known")) w->failures++; /* sender 0's gapped ones are pooled */
    if (!e[0]) w->accepted++;
    size_t p, q;
    txpool_counts(pool, &p, &q);
  }
  return NULL;
}

/* Whether pool p holds the transaction of hash h. */
static void find_hash(void *arg, const rpc_pool_tx_t *t) {
  const ethc_hash_t **want = arg;
  if (*want && !memcmp((*want)->bytes, t->hash->bytes, 32)) *want = NULL;
}
static bool pooled(txpool_t *p, const ethc_hash_t *h) {
  rpc_txpool_t api = txpool_rpc(p);
  const ethc_hash_t *want = h;
  api.each(api.ctx, true, NULL, find_hash, &want);
  if (want) api.each(api.ctx, false, NULL, find_hash, &want);
  return want == NULL;
}

/* A spec of sender k, nonce, paying `tip` (well under its fee cap's margin
 * over the base fee, so the tip is what orders them). */
static spec_t priced(int k, uint64_t nonce, uint64_t tip) {
  spec_t s = base_spec(k, nonce);
  s.fee.w[0] += 100000;
  s.tip = u256_from_u64(tip);
  return s;
}

/* A full pool of three: a dearer newcomer evicts the cheapest sender tail; an
 * equal or cheaper one is "transaction underpriced"; a sender's lower nonce is
 * never evicted under a higher one; a gapped newcomer cannot evict a pending one. */
static void test_eviction(void) {
  txpool_opts_t o = {.max_txs = 3};
  txpool_t *saved = pool;
  pool = txpool_new_opts(chain, &o);
  CHECK(pool != NULL);
  uint64_t n[4];
  for (int k = 0; k < 4; k++) {
    ethc_address_t a = sender_of(k);
    n[k] = account_nonce(&a);
  }
  spec_t s0 = priced(0, n[0], 1000), s1 = priced(1, n[1], 2000), s2 = priced(2, n[2], 3000);
  ethc_hash_t h0, h1, h2, h3, h;
  CHECK(!strcmp(add(&s0, &h0), "") && !strcmp(add(&s1, &h1), "") && !strcmp(add(&s2, &h2), ""));
  spec_t s3 = priced(3, n[3], 1000);
  EXPECT(&s3, "transaction underpriced"); /* pays no more than the cheapest */
  s3 = priced(3, n[3], 1500);
  CHECK(!strcmp(add(&s3, &h3), ""));
  size_t p, q;
  txpool_counts(pool, &p, &q);
  CHECK_MSG(p == 3 && q == 0, "%zu pending, %zu queued", p, q);
  CHECK(!pooled(pool, &h0) && pooled(pool, &h3));
  /* sender 1's second nonce evicts sender 3 (1500), not its own first (2000) */
  spec_t s1b = priced(1, n[1] + 1, 5000);
  CHECK(!strcmp(add(&s1b, &h), ""));
  CHECK(!pooled(pool, &h3) && pooled(pool, &h1) && pooled(pool, &h));
  /* tails now: sender 1's 5000 and sender 2's 3000; the cheaper sender 1 first
   * nonce (2000) is no tail, so a 2500 newcomer is the cheapest */
  spec_t s2b = priced(2, n[2] + 1, 2500);
  EXPECT(&s2b, "transaction underpriced");
  CHECK(pooled(pool, &h1));
  /* a gapped newcomer, however dear, does not push out a pending one */
  spec_t gap = priced(0, n[0] + 5, 9000);
  EXPECT(&gap, "future transaction tries to replace pending");
  /* a replacement needs no room */
  spec_t r2 = priced(2, n[2], 3301);
  r2.fee.w[0] += r2.fee.w[0] / 10 + 1;
  CHECK(!strcmp(add(&r2, NULL), ""));
  txpool_counts(pool, &p, &q);
  CHECK_MSG(p == 3 && q == 0 && !pooled(pool, &h2), "%zu pending, %zu queued", p, q);
  txpool_free(pool);
  pool = saved;
}

static uint64_t fake_now;
static uint64_t fake_clock(void *ctx) {
  (void)ctx;
  return fake_now;
}

/* --txpool.lifetime: a sender idle for the lifetime loses its queued (gapped)
 * transactions, not its pending ones; a new transaction is activity. */
static void test_expiry(void) {
  const uint64_t hour = 3600 * 1000;
  txpool_opts_t o = {.lifetime_ms = hour, .clock_ms = fake_clock};
  fake_now = 1000;
  txpool_t *saved = pool;
  pool = txpool_new_opts(chain, &o);
  CHECK(pool != NULL);
  ethc_address_t a0 = sender_of(0), a1 = sender_of(1);
  uint64_t n0 = account_nonce(&a0), n1 = account_nonce(&a1);
  spec_t s = base_spec(0, n0), g0 = base_spec(0, n0 + 2), g1 = base_spec(1, n1 + 3), g1b = base_spec(1, n1 + 5);
  CHECK(!strcmp(add(&s, NULL), "") && !strcmp(add(&g0, NULL), "") && !strcmp(add(&g1, NULL), ""));
  fake_now += hour / 2;
  CHECK(!strcmp(add(&g1b, NULL), "")); /* sender 1 is active again */
  size_t p, q;
  txpool_counts(pool, &p, &q);
  CHECK_MSG(p == 1 && q == 3, "%zu pending, %zu queued", p, q);
  fake_now += hour / 2 + 1; /* sender 0 idle for the lifetime */
  txpool_counts(pool, &p, &q);
  CHECK_MSG(p == 1 && q == 2, "after an hour: %zu pending, %zu queued", p, q);
  fake_now += hour / 2;
  txpool_counts(pool, &p, &q);
  CHECK_MSG(p == 1 && q == 0, "after an hour and a half: %zu pending, %zu queued", p, q);
  txpool_free(pool);
  pool = saved;
}

/* The head's block with another extra data (a sibling with the same body):
 * its RLP in out. */
static void sibling_of(const chain_read_block_t *b, bytes_buf_t *out) {
  rlp_item_t whole, hdr;
  size_t hdr_used;
  bool framed = rlp_decode(b->rlp.data, b->rlp.len, &whole) == 0 &&
                rlp_decode_item(whole.payload, whole.payload_len, &hdr, &hdr_used) == 0;
  CHECK(framed);
  if (!framed) return;
  chain_header_t h = b->block.header;
  memcpy(h.extra, "txpool", 6), h.extra_len = 6;
  bytes_buf_t body = {0};
  CHECK(header_encode(&h, &body) == 0);
  rlp_put_raw(&body, whole.payload + hdr_used, whole.payload_len - hdr_used);
  size_t start = rlp_list_begin(out);
  rlp_put_raw(out, body.data, body.len);
  CHECK(rlp_list_end(out, start) == 0);
  bytes_buf_free(&body);
}

/* The head moved back to an ancestor: the transactions of the blocks that left
 * the canonical chain come back (and to the hook); forward again, they go. A
 * sibling head with the same body brings back nothing. */
static void test_reorg(void) {
  uint64_t hn;
  ethc_hash_t head, x;
  chain_head(chain, &hn, &head);
  x = head;
  ethc_hash_t dropped[256];
  size_t want = 0;
  chain_read_block_t top = {0};
  CHECK(chain_read_block(chain, &head, &top) == 0);
  for (int k = 0; k < 8 && want == 0; k++) {
    chain_read_block_t b;
    if (chain_read_block(chain, &x, &b)) break;
    for (size_t i = 0; i < b.block.tx_count && want < 256; i++)
      if (b.block.txs[i].type != TX_BLOB && tx_hash(&b.block.txs[i], &dropped[want]) == 0) want++;
    x = b.block.header.parent_hash;
    chain_read_block_free(&b);
  }
  CHECK_MSG(want > 0, "no transactions near the head");
  txpool_t *p2 = txpool_new(chain);
  CHECK(p2 != NULL && txpool_on_tx(p2, count_hook, NULL) == 0);
  txpool_sync(p2);
  atomic_store(&hook_calls, 0);
  CHECK(chain_set_head(chain, &x, NULL, NULL) == 0);
  size_t p, q;
  txpool_counts(p2, &p, &q);
  CHECK_MSG(p == want && q == 0, "after going back: %zu pending, %zu queued, want %zu", p, q, want);
  for (size_t i = 0; i < want; i++) CHECK_MSG(pooled(p2, &dropped[i]), "dropped transaction %zu not back", i);
  CHECK_MSG(atomic_load(&hook_calls) == (int)want, "%d hook calls", atomic_load(&hook_calls));
  CHECK(chain_set_head(chain, &head, NULL, NULL) == 0);
  txpool_counts(p2, &p, &q);
  CHECK_MSG(p == 0 && q == 0, "forward again: %zu pending, %zu queued", p, q);
  /* a sibling of the head with the same transactions takes the head on arrival */
  bytes_buf_t sib = {0};
  sibling_of(&top, &sib);
  chain_import_result_t r;
  CHECK(chain_import_block(chain, sib.data, sib.len, &r) == 0 && r.new_head);
  atomic_store(&hook_calls, 0);
  txpool_counts(p2, &p, &q);
  CHECK_MSG(p == 0 && q == 0 && atomic_load(&hook_calls) == 0, "sibling: %zu pending, %zu queued", p, q);
  CHECK(chain_set_head(chain, &head, NULL, NULL) == 0);
  txpool_counts(p2, &p, &q);
  CHECK_MSG(p == 0 && q == 0, "back on the first branch: %zu pending, %zu queued", p, q);
  bytes_buf_free(&sib);
  chain_read_block_free(&top);
  txpool_free(p2);
}

/* Adds on three threads while this one moves the head back and forth: the
 * pool stays consistent (checked under ThreadSanitizer by tsan.test_txpool). */
typedef struct {
  txpool_t *p;
  int k;
  uint64_t nonce;
} racer_t;

static void *racer(void *arg) {
  racer_t *r = arg;
  for (int i = 0; i < 30; i++) {
    spec_t s = base_spec(r->k, r->nonce + (uint64_t)i);
    uint8_t *raw;
    size_t n = make(&s, &raw);
    char e[160];
    ethc_hash_t h;
    if (n) (void)txpool_add(r->p, raw, n, &h, e, sizeof e);
    free(raw);
    size_t pn, qn;
    txpool_counts(r->p, &pn, &qn);
  }
  return NULL;
}

static void check_above_nonce(void *arg, const rpc_pool_tx_t *t) {
  int *bad = arg;
  *bad += t->tx->nonce < account_nonce(t->from);
}

static void test_reorg_threads(void) {
  uint64_t hn;
  ethc_hash_t head, back;
  chain_head(chain, &hn, &head);
  chain_header_t h;
  CHECK(chain_read_header_by_hash(chain, &head, &h) == 0);
  back = h.parent_hash;
  CHECK(chain_read_header_by_hash(chain, &back, &h) == 0);
  back = h.parent_hash;
  txpool_opts_t o = {.max_txs = 64};
  txpool_t *p3 = txpool_new_opts(chain, &o);
  CHECK(p3 != NULL && txpool_on_tx(p3, count_hook, NULL) == 0);
  racer_t r[3];
  pthread_t t[3];
  for (int i = 0; i < 3; i++) {
    ethc_address_t a = sender_of(i + 1);
    r[i] = (racer_t){.p = p3, .k = i + 1, .nonce = account_nonce(&a)};
    CHECK(pthread_create(&t[i], NULL, racer, &r[i]) == 0);
  }
  for (int i = 0; i < 10; i++) {
    CHECK(chain_set_head(chain, i % 2 ? &head : &back, NULL, NULL) == 0);
    txpool_sync(p3);
  }
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  CHECK(chain_set_head(chain, &head, NULL, NULL) == 0);
  size_t p, q;
  txpool_counts(p3, &p, &q);
  CHECK_MSG(p + q > 0 && p + q <= 64, "%zu pending, %zu queued", p, q);
  int bad = 0;
  rpc_txpool_t api = txpool_rpc(p3);
  api.each(api.ctx, true, NULL, check_above_nonce, &bad);
  api.each(api.ctx, false, NULL, check_above_nonce, &bad);
  CHECK(bad == 0);
  CHECK(atomic_load(&hook_bad) == 0);
  txpool_free(p3);
}

/* An impersonated sender's unsigned transaction (txpool_add_forced): pooled
 * under the given sender with the placeholder signature's hash, unique per
 * sender; checked against that sender's funds; picked for the miner with the
 * sender; "already known" again. A pool of its own. */
static void test_forced(void) {
  txpool_t *fp = txpool_new(chain);
  ethc_address_t a0 = sender_of(0), a1 = sender_of(1), poor;
  memset(poor.bytes, 0x77, 20);
  spec_t s = base_spec(0, account_nonce(&a0));
  tx_t tx = {.type = TX_DYNAMIC_FEE,
             .has_chain_id = true,
             .chain_id = chain_id,
             .nonce = s.nonce,
             .gas_limit = 21000,
             .gas_price = s.fee,
             .max_fee_per_gas = s.fee,
             .max_priority_fee_per_gas = s.tip,
             .has_to = true};
  memset(tx.to.bytes, 0xaa, 20);
  ethc_hash_t h0, h1, again, want;
  char e[160] = "";
  CHECK_MSG(txpool_add_forced(fp, &tx, &a0, &h0, e, sizeof e) == 0, "%s", e);
  tx_t signed_ = tx;
  tx_forced_signature(&signed_, &a0);
  CHECK(tx_hash(&signed_, &want) == 0 && ethc_hash_eq(&h0, &want));
  CHECK(txpool_add_forced(fp, &tx, &a0, &again, e, sizeof e) != 0 && !strcmp(e, "already known"));
  tx.nonce = account_nonce(&a1);
  CHECK_MSG(txpool_add_forced(fp, &tx, &a1, &h1, e, sizeof e) == 0, "%s", e);
  CHECK(!ethc_hash_eq(&h0, &h1));
  tx.nonce = 0;
  CHECK(txpool_add_forced(fp, &tx, &poor, &again, e, sizeof e) != 0 && !strncmp(e, "insufficient funds", 18));
  txpool_pick_t *picks = NULL;
  size_t n = 0;
  CHECK(txpool_pending_ordered(fp, &base_fee, &picks, &n) == 0 && n == 2);
  for (size_t i = 0; i < n; i++) {
    bool first = ethc_hash_eq(&picks[i].hash, &h0);
    CHECK(picks[i].forced && ethc_address_eq(&picks[i].from, first ? &a0 : &a1));
  }
  txpool_picks_free(picks, n);
  txpool_free(fp);
}

int main(void) {
  test_chain_t tc;
  chain_open_opts_t o = {.fakepow = true, .state_cache_bytes = 1 << 20};
  chain = test_chain_open(&tc, "chains/ethtest", &o);
  size_t len;
  uint8_t *data = chain ? bytes_read_file(tc.blocks, &len) : NULL;
  if (!chain || !data) {
    free(data);
    test_chain_remove(&tc);
    return check_summary();
  }
  chain_id = chain_config(chain)->chain_id;
  pool = txpool_new(chain);
  CHECK(pool != NULL);

  /* Import up to the first block with transactions; pool its first one, then
   * import the block: the pool drops it, and it is now "nonce too low". */
  size_t off = 0, used;
  rlp_item_t item;
  bool evicted_checked = false;
  while (off < len && rlp_decode_item(data + off, len - off, &item, &used) == 0) {
    chain_block_t b;
    if (!evicted_checked && block_decode(data + off, used, &b) == 0) {
      if (b.tx_count > 0) {
        const bytes_view_t *raw = &b.tx_encodings[0];
        ethc_hash_t h, h2;
        char e[160] = "";
        int rc = txpool_add(pool, raw->data, raw->len, &h, e, sizeof e);
        CHECK_MSG(rc == 0, "block %llu tx 0: %s", (unsigned long long)b.header.number, e);
        size_t p, q;
        txpool_counts(pool, &p, &q);
        CHECK(p == 1 && q == 0);
        CHECK(txpool_add(pool, raw->data, raw->len, &h2, e, sizeof e) != 0 && !strcmp(e, "already known"));
        chain_import_result_t r;
        CHECK(chain_import_block(chain, data + off, used, &r) == 0 && r.new_head);
        txpool_counts(pool, &p, &q);
        CHECK_MSG(p == 0 && q == 0, "after inclusion: %zu pending, %zu queued", p, q);
        CHECK(txpool_add(pool, raw->data, raw->len, &h2, e, sizeof e) != 0 && !strcmp(e, "nonce too low"));
        evicted_checked = true;
        block_free(&b);
        off += used;
        continue;
      }
      block_free(&b);
    }
    chain_import_result_t r;
    int rc = chain_import_block(chain, data + off, used, &r);
    CHECK_MSG(rc == 0, "block %llu: %s", (unsigned long long)r.number, ethc_strerror(rc));
    if (rc) break;
    off += used;
  }
  CHECK(evicted_checked);
  chain_snapshot_t *head = chain_snapshot_head(chain);
  base_fee = chain_snapshot_header(head)->base_fee;
  gas_limit = chain_snapshot_header(head)->gas_limit;
  chain_snapshot_release(head);

  ethc_address_t a0 = sender_of(0);
  uint64_t n0 = account_nonce(&a0);
  rpc_txpool_t api = txpool_rpc(pool);
  uint64_t n1 = 0;

  /* admission, replacement, pending and queued */
  spec_t s = base_spec(0, n0);
  ethc_hash_t first, second;
  CHECK(!strcmp(add(&s, &first), ""));
  spec_t r5 = s;
  r5.fee.w[0] += r5.fee.w[0] / 20, r5.tip.w[0] += r5.tip.w[0] / 20;
  EXPECT(&r5, "replacement transaction underpriced");
  spec_t r10 = s;
  r10.fee.w[0] += r10.fee.w[0] / 10 + 1, r10.tip.w[0] += r10.tip.w[0] / 10 + 1;
  CHECK(!strcmp(add(&r10, &second), ""));
  CHECK(memcmp(first.bytes, second.bytes, 32) != 0);
  size_t p, q;
  txpool_counts(pool, &p, &q);
  CHECK(p == 1 && q == 0);
  spec_t gap = base_spec(0, n0 + 2);
  CHECK(!strcmp(add(&gap, NULL), ""));
  txpool_counts(pool, &p, &q);
  CHECK(p == 1 && q == 1);
  spec_t fill = base_spec(0, n0 + 1);
  CHECK(!strcmp(add(&fill, NULL), ""));
  txpool_counts(pool, &p, &q);
  CHECK(p == 3 && q == 0);
  CHECK(api.pending_nonce(api.ctx, &a0, n0) == n0 + 3);

  /* rejections */
  if (n0 > 0) {
    spec_t low = base_spec(0, n0 - 1);
    EXPECT(&low, "nonce too low");
  }
  spec_t bad = base_spec(0, n0 + 3);
  bad.chain_id.w[0]++;
  EXPECT(&bad, "invalid sender");
  bad = base_spec(0, n0 + 3), bad.gas = 20000;
  EXPECT(&bad, "intrinsic gas too low");
  bad = base_spec(0, n0 + 3), bad.gas = gas_limit + 1;
  EXPECT(&bad, "exceeds block gas limit");
  bad = base_spec(0, n0 + 3), bad.value.w[3] = 1;
  EXPECT(&bad, "insufficient funds for gas * price + value: balance ");
  /* each affordable alone, not together with the three pooled ones */
  ethc_address_t a1 = sender_of(1);
  chain_snapshot_t *hs = chain_snapshot_head(chain);
  state_t *st = chain_snapshot_state(hs);
  u256_t bal1;
  state_get_balance(st, &a1, &bal1);
  state_free(st);
  chain_snapshot_release(hs);
  n1 = account_nonce(&a1);
  spec_t half = base_spec(1, n1);
  u256_t two = u256_from_u64(2);
  u256_div(&half.value, &bal1, &two);
  CHECK(!strcmp(add(&half, NULL), ""));
  half.nonce++;
  EXPECT(&half, "transaction would cause overdraft");
  bad = base_spec(0, n0 + 3), bad.data_len = TXPOOL_MAX_SIZE, bad.gas = 3000000;
  EXPECT(&bad, "oversized data");
  if (!u256_is_zero(&base_fee)) {
    bad = base_spec(0, n0 + 3), bad.fee = u256_from_u64(0), bad.tip = u256_from_u64(0);
    EXPECT(&bad, "max fee per gas less than block base fee");
  }
  static const uint8_t unknown_type[] = {0x7f, 0xc0};
  char e[160] = "";
  ethc_hash_t h;
  CHECK(txpool_add(pool, unknown_type, sizeof unknown_type, &h, e, sizeof e) != 0);
  CHECK_MSG(!strcmp(e, "transaction type not supported"), "%s", e);
  /* at most TXPOOL_MAX_QUEUED behind a gap */
  for (uint64_t i = 0; i < TXPOOL_MAX_QUEUED; i++) {
    spec_t g = base_spec(0, n0 + 10 + i);
    CHECK(!strcmp(add(&g, NULL), ""));
  }
  spec_t over = base_spec(0, n0 + 10 + TXPOOL_MAX_QUEUED);
  EXPECT(&over, "account limit exceeded");
  txpool_counts(pool, &p, &q);
  CHECK(p == 3 + 1 && q == TXPOOL_MAX_QUEUED);

  /* four threads, one sender each; the hook sees each accepted transaction once */
  CHECK(txpool_on_tx(pool, count_hook, NULL) == 0);
  worker_t w[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    ethc_address_t a = sender_of(i);
    w[i] = (worker_t){.k = i, .nonce = i == 0 ? n0 + 3 : i == 1 ? n1 + 1 : account_nonce(&a)};
    CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    CHECK_MSG(w[i].failures == 0, "worker %d: %d failures", i, w[i].failures);
  }
  txpool_counts(pool, &p, &q);
  /* sender 0: nonces n0..n0+42 without a gap now; sender 1: 41; the others 40 */
  CHECK_MSG(p == 43 + 121 && q == 0, "%zu pending, %zu queued", p, q);
  int accepted = w[0].accepted + w[1].accepted + w[2].accepted + w[3].accepted;
  CHECK_MSG(atomic_load(&hook_calls) == accepted && accepted > 100, "%d hook calls, %d accepted",
            atomic_load(&hook_calls), accepted);
  CHECK(atomic_load(&hook_bad) == 0);
  for (int i = 0; i < TXPOOL_MAX_HOOKS - 1; i++) CHECK(txpool_on_tx(pool, count_hook, NULL) == 0);
  CHECK(txpool_on_tx(pool, count_hook, NULL) == ETHC_ERR_LIMIT);

  test_eviction();
  test_expiry();
  test_reorg();
  test_reorg_threads();
  test_forced();

  txpool_free(pool);
  free(data);
  test_chain_remove(&tc);
  return check_summary();
}
