/* The transaction pool (src/node/txpool.h) on the devp2p test chain
 * (../shared/chains/ethtest, whose funded accounts' keys it lists): admission,
 * each rejection with geth's wording, replacement with a 10% bump, pending and
 * queued nonces, the per-sender gap limit, eviction when a block includes a
 * pooled transaction, and four threads adding at once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/block.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
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
  int failures;
} worker_t;

static void *worker(void *arg) {
  worker_t *w = arg;
  for (int i = 0; i < 40; i++) {
    spec_t s = base_spec(w->k, w->nonce + (uint64_t)i);
    const char *e = add(&s, NULL);
    if (e[0] && strcmp(e, "already known")) w->failures++; /* sender 0's gapped ones are pooled */
    size_t p, q;
    txpool_counts(pool, &p, &q);
  }
  return NULL;
}

int main(void) {
  const char *shared = check_shared_dir();
  char genesis[1024], chainfile[1024], dir[] = "/tmp/ethc-txpool-XXXXXX";
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", shared);
  snprintf(chainfile, sizeof chainfile, "%s/chains/ethtest/chain.rlp", shared);
  if (!check_need(genesis, "the ethtest chain") || !check_need(chainfile, "the ethtest chain")) return check_summary();
  CHECK(mkdtemp(dir) != NULL);
  size_t len;
  uint8_t *data = bytes_read_file(chainfile, &len);
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis, .fakepow = true, .state_cache_bytes = 1 << 20};
  char err[512];
  CHECK_MSG(chain_open(&o, &chain, err, sizeof err) == 0, "%s", err);
  if (!chain || !data) return check_summary();
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

  /* four threads, one sender each */
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

  txpool_free(pool);
  chain_close(chain);
  free(data);
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
