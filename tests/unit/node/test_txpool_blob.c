/* The pool's blob transactions (src/node/txpool.h "blob transactions",
 * txpool_blob.c) on the devp2p test chain (../shared/chains/ethtest, Prague
 * at its head: version-0 sidecars): the network form admitted and served as
 * such, the canonical form given to the miner; every sidecar rejection (none,
 * unlike the hashes, a KZG proof that fails, version 1) blaming the sender;
 * the blob fee floor, cost with blob gas, "address already reserved", "nonce
 * too high", the per-account limit, the 100% replacement bump; and a block
 * mined from the pool with the blob transactions, their sidecars dropped and
 * their blob gas counted; on an Osaka chain (rpc-compat), version-1 sidecars
 * (cell proofs) admitted and checked, version 0 refused, and back with
 * them after a reorganisation. The limbo
 * (txpool_limbo.c): blob transactions a block included kept with their
 * sidecars, back in the pool in their network form when a reorganisation
 * drops the block and mined again, moved to the block of a sibling branch
 * that includes them too, dropped once finalized or 65 blocks deep, and
 * bounded in bytes (oldest block first). Blobs: all-zero ones (commitment and proof the
 * point at infinity) and constant ones c (commitment [c]G1, proof infinity). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_fixture.h"
#include "check.h"
#include "ethc/bls12_381.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/kzg.h"
#include "ethc/log.h"
#include "ethc/state.h"
#include "ethc/tx.h"
#include "node/miner.h"
#include "node/txpool.h"
#include "node/txpool_limbo.h"

static chain_t *chain;
static txpool_t *pool;
static u256_t base_fee;

static const char *const keys[] = {
    "0xbfcd0e032489319f4e5ca03e643b2025db624be6cf99cbfed90c4502e3754850",
    "0x457075f6822ac29481154792f65c5f1ec335b4fea9ca20f3fea8fa1d78a12c68",
};

enum { OK, NO_SIDECAR, BAD_HASH, BAD_PROOF, VERSION_1 };

typedef struct {
  int k;
  uint64_t nonce;
  size_t blobs;
  uint64_t blob_value; /* each blob's elements: 0 (zero blob) or this constant */
  int mode;
  uint64_t fee_mul; /* fee cap = (base fee * 2 + 1 gwei) * fee_mul, tip 1000 * fee_mul */
  u256_t blob_fee;
  tx_type_t type; /* TX_BLOB, or TX_DYNAMIC_FEE for a plain transaction of the same sender */
} bspec_t;

static bspec_t spec(int k, uint64_t nonce) {
  return (bspec_t){.k = k,
                   .nonce = nonce,
                   .blobs = 1,
                   .fee_mul = 1,
                   .blob_fee = u256_from_u64(1000000000),
                   .type = TX_BLOB};
}

/* [c]G1 compressed. */
static void g1_times(uint64_t c, uint8_t out[48]) {
  static const char G1[] =
      "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
  uint8_t g[48], in[160], r[128];
  for (int i = 0; i < 48; i++) sscanf(G1 + 2 * i, "%2hhx", &g[i]);
  CHECK(bls12_g1_decompress(g, true, in) == 0);
  memset(in + 128, 0, 32);
  for (int i = 0; i < 8; i++) in[159 - i] = (uint8_t)(c >> (8 * i));
  CHECK(bls12_g1_msm(in, sizeof in, r) == 0 && bls12_g1_compress(r, out) == 0);
}

/* The signed transaction of s in the form its mode asks for. */
static bytes_buf_t make(const bspec_t *s) {
  static uint8_t blob[2][TX_BLOB_SIZE];
  uint8_t key[32], commit[2][48], proof[2 * TX_CELLS_PER_EXT_BLOB][48];
  ethc_hash_t vh[2];
  CHECK(hex_decode_fixed(keys[s->k], true, key, 32) == 0);
  memset(proof, 0, sizeof proof);
  for (size_t i = 0; i < 2 * TX_CELLS_PER_EXT_BLOB; i++) proof[i][0] = 0xc0;
  for (size_t i = 0; i < 2; i++) {
    memset(blob[i], 0, TX_BLOB_SIZE);
    memset(commit[i], 0, 48);
    commit[i][0] = 0xc0;
    if (s->blob_value) {
      for (size_t e = 0; e < TX_BLOB_SIZE / 32; e++)
        for (int b = 0; b < 8; b++) blob[i][32 * e + 31 - b] = (uint8_t)(s->blob_value >> (8 * b));
      g1_times(s->blob_value, commit[i]);
    }
    kzg_commitment_to_versioned_hash(commit[i], vh[i].bytes);
  }
  if (s->mode == BAD_PROOF) g1_times(3, proof[0]);
  tx_t t = {.type = s->type,
            .has_chain_id = true,
            .chain_id = chain_config(chain)->chain_id,
            .nonce = s->nonce,
            .gas_limit = 21000,
            .has_to = true,
            .max_fee_per_blob_gas = s->blob_fee};
  u256_t m = u256_from_u64(2), f, gwei = u256_from_u64(1000000000), mul = u256_from_u64(s->fee_mul);
  u256_mul(&f, &base_fee, &m);
  u256_add(&f, &f, &gwei);
  u256_mul(&t.max_fee_per_gas, &f, &mul);
  t.gas_price = t.max_fee_per_gas;
  t.max_priority_fee_per_gas = u256_from_u64(1000 * s->fee_mul);
  memset(t.to.bytes, 0xaa, 20);
  if (s->type == TX_BLOB) t.blob_hashes = vh, t.blob_hashes_count = s->blobs;
  const uint8_t *bl[2] = {blob[0], blob[1]};
  tx_sidecar_t sc = {.wrapper_version = s->mode == VERSION_1,
                     .blobs_count = s->blobs,
                     .blobs = bl,
                     .commitments_count = s->blobs,
                     .commitments = (const uint8_t(*)[48])commit,
                     .proofs_count = s->blobs * (s->mode == VERSION_1 ? TX_CELLS_PER_EXT_BLOB : 1),
                     .proofs = (const uint8_t(*)[48])proof};
  bytes_buf_t out = {0};
  CHECK(tx_sign(&t, key) == 0);
  if (s->mode == BAD_HASH) commit[0][5] ^= 1; /* after signing: the sidecar no longer matches */
  bool net = s->type == TX_BLOB && s->mode != NO_SIDECAR;
  CHECK((net ? tx_encode_network(&t, &sc, &out) : tx_encode(&t, &out)) == 0);
  return out;
}

static char last_err[200];
static ethc_hash_t last_hash;

static const char *add(const bspec_t *s) {
  bytes_buf_t b = make(s);
  last_err[0] = 0;
  if (txpool_add(pool, b.data, b.len, &last_hash, last_err, sizeof last_err) && !last_err[0])
    snprintf(last_err, sizeof last_err, "?");
  bytes_buf_free(&b);
  return last_err;
}

#define EXPECT(s, msg)                                                                     \
  do {                                                                                     \
    const char *got_ = add(s);                                                             \
    CHECK_MSG(!strncmp(got_, (msg), strlen(msg)), "got \"%s\", want \"%s\"", got_, (msg)); \
  } while (0)

static ethc_address_t sender_of(int k) {
  bspec_t s = spec(k, 0);
  s.type = TX_DYNAMIC_FEE;
  bytes_buf_t b = make(&s);
  tx_t tx;
  ethc_address_t a = {0};
  CHECK(tx_decode(b.data, b.len, &tx) == 0 && tx_recover_sender(&tx, EVM_PRAGUE, &a) == 0);
  tx_free(&tx);
  bytes_buf_free(&b);
  return a;
}

static uint64_t account_nonce(const ethc_address_t *a) {
  chain_snapshot_t *snap = chain_snapshot_head(chain);
  state_t *st = chain_snapshot_state(snap);
  uint64_t n = state_get_nonce(st, a);
  state_free(st);
  chain_snapshot_release(snap);
  return n;
}

typedef struct {
  size_t n;
  uint32_t size;
  ethc_hash_t want;
} size_probe_t;

static void probe(void *arg, const ethc_hash_t *h, uint8_t type, uint32_t size) {
  size_probe_t *p = arg;
  if (type == TX_BLOB && ethc_hash_eq(h, &p->want)) p->n++, p->size = size;
}

/* Osaka (the rpc-compat chain, Osaka from time 480): version-1 sidecars with
 * the proofs of all 128 cells of each blob; version 0 refused. */
static void test_osaka(void) {
  test_chain_t tc;
  chain_t *saved_chain = chain;
  txpool_t *saved_pool = pool;
  u256_t saved_fee = base_fee;
  if (!(chain = test_chain_import(&tc, "rpc-compat", NULL))) goto out;
  chain_snapshot_t *head = chain_snapshot_head(chain);
  const chain_header_t *h = chain_snapshot_header(head);
  base_fee = h->base_fee;
  bool osaka = chain_config_revision(chain_config(chain), h->number + 1, h->timestamp, true) >= EVM_OSAKA;
  chain_snapshot_release(head);
  if (!osaka) {
    printf("SKIP: the rpc-compat chain's next block is not Osaka\n");
    check_skipped++;
    goto out;
  }
  pool = txpool_new(chain);
  ethc_address_t a = sender_of(0);
  uint64_t n = account_nonce(&a);
  bspec_t s = spec(0, n);
  EXPECT(&s, TXPOOL_ERR_BLOB_SIDECAR ": unexpected sidecar version, want: 1, got: 0");
  s.mode = VERSION_1;
  EXPECT(&s, "");
  s = spec(0, n + 1), s.mode = VERSION_1, s.blob_value = 11, s.blobs = 2; /* constant blobs: cell proofs infinity */
  ethc_hash_t hr;
  size_t hr_len = 0;
  { /* through the RPC methods' interface (eth_sendRawTransaction's) */
    rpc_txpool_t api = txpool_rpc(pool);
    bytes_buf_t raw = make(&s);
    char e[200] = "";
    CHECK_MSG(api.add(api.ctx, raw.data, raw.len, &hr, e, sizeof e) == 0, "%s", e);
    bytes_buf_t back = {0};
    CHECK(txpool_get_raw(pool, &hr, &back) && back.len == raw.len);
    hr_len = raw.len;
    bytes_buf_free(&back);
    bytes_buf_free(&raw);
  }
  s = spec(0, n + 2), s.mode = VERSION_1, s.blob_value = 11;
  bytes_buf_t x = make(&s);
  x.data[x.len - 128 * 49 - 3 - 49 - 2 - 5] ^= 1; /* in the blob's last element: its cells change */
  char err[200] = "";
  ethc_hash_t hh;
  CHECK(txpool_add(pool, x.data, x.len, &hh, err, sizeof err) != 0);
  CHECK_MSG(!strcmp(err, TXPOOL_ERR_BLOB_SIDECAR ": cell proofs do not verify"), "%s", err);
  bytes_buf_free(&x);
  size_t pending, queued;
  txpool_counts(pool, &pending, &queued);
  CHECK(pending == 2 && queued == 0);
  { /* mined, the block reorganised out: both back with their version-1 sidecars */
    node_miner_opts_t mo = {.on = true};
    miner_t *m = miner_new(chain, pool, &mo);
    CHECK(m != NULL);
    uint64_t hn;
    ethc_hash_t h0, h1;
    chain_head(chain, &hn, &h0);
    CHECK_MSG(miner_mine(m, 1, 0, 12, false, err, sizeof err) == 0, "%s", err);
    chain_head(chain, &hn, &h1);
    txpool_counts(pool, &pending, &queued);
    size_t c, bytes;
    txpool_limbo_usage(pool, &c, &bytes);
    CHECK_MSG(pending == 0 && c == 2, "mined: %zu pending, %zu in limbo", pending, c);
    ethc_hash_t in;
    CHECK(txpool_in_limbo(pool, &hr, &in) && ethc_hash_eq(&in, &h1));
    CHECK(chain_set_head(chain, &h0, NULL, NULL) == 0);
    txpool_counts(pool, &pending, &queued);
    txpool_limbo_usage(pool, &c, &bytes);
    CHECK_MSG(pending == 2 && queued == 0 && c == 0, "reorganised: %zu pending, %zu in limbo", pending, c);
    bytes_buf_t back = {0};
    tx_t t;
    tx_sidecar_t sc;
    CHECK(txpool_get_raw(pool, &hr, &back) && back.len == hr_len);
    CHECK(tx_decode_network(back.data, back.len, &t, &sc) == 0 && sc.wrapper_version == 1 &&
          sc.proofs_count == 2 * TX_CELLS_PER_EXT_BLOB);
    tx_free(&t);
    tx_sidecar_free(&sc);
    bytes_buf_free(&back);
    miner_free(m);
  }
  txpool_free(pool);
out:
  test_chain_remove(&tc);
  chain = saved_chain, pool = saved_pool, base_fee = saved_fee;
}

/* The limbo alone: push, pull, update, finalize, the byte bound (oldest block first). */
static void test_limbo_store(void) {
  txpool_limbo_t *l = txpool_limbo_new(250);
  CHECK(l != NULL);
  ethc_hash_t tx[4], blk[4], got;
  for (int i = 0; i < 4; i++) memset(tx[i].bytes, 0x10 + i, 32), memset(blk[i].bytes, 0x20 + i, 32);
  for (int i = 0; i < 3; i++) { /* 100 bytes each, blocks 7, 5, 6: the third push evicts block 5's */
    uint8_t *net = malloc(100);
    CHECK(net != NULL);
    memset(net, i, 100);
    bool held = txpool_limbo_push(l, &tx[i], &blk[i], i == 0 ? 7 : i == 1 ? 5 : 6, net, 100);
    CHECK(held);
  }
  size_t count, bytes;
  txpool_limbo_stats(l, &count, &bytes);
  CHECK(count == 2 && bytes == 200);
  CHECK(!txpool_limbo_has(l, &tx[1], NULL));
  CHECK(txpool_limbo_has(l, &tx[2], &got) && ethc_hash_eq(&got, &blk[2]));
  uint8_t *big = malloc(300); /* alone over the bound: not kept, and the others evicted before it */
  CHECK(big && !txpool_limbo_push(l, &tx[3], &blk[3], 9, big, 300));
  txpool_limbo_stats(l, &count, &bytes);
  CHECK(count == 0 && bytes == 0);
  for (int i = 0; i < 3; i++) {
    uint8_t *net = malloc(50);
    memset(net, i, 50);
    CHECK(net && txpool_limbo_push(l, &tx[i], &blk[i], 10 + (uint64_t)i, net, 50));
  }
  CHECK(txpool_limbo_update(l, &tx[0], &blk[3], 20) && txpool_limbo_has(l, &tx[0], &got) &&
        ethc_hash_eq(&got, &blk[3]));
  CHECK(!txpool_limbo_update(l, &tx[3], &blk[3], 20));
  uint8_t *net = NULL;
  size_t len = 0;
  CHECK(txpool_limbo_pull(l, &tx[1], &net, &len) && len == 50 && net[0] == 1);
  free(net);
  CHECK(!txpool_limbo_pull(l, &tx[1], &net, &len));
  CHECK(txpool_limbo_finalize(l, 12) == 1); /* tx 2 (block 12); tx 0 moved to block 20 */
  txpool_limbo_stats(l, &count, &bytes);
  CHECK(count == 1 && bytes == 50 && txpool_limbo_has(l, &tx[0], NULL));
  txpool_limbo_free(l);
}

typedef struct {
  ethc_hash_t h[TXPOOL_MAX_BLOBTXS_PER_ACCOUNT + 2];
  size_t n;
} hashes_t;

static void collect_blob(void *arg, const ethc_hash_t *h, uint8_t type, uint32_t size) {
  hashes_t *hs = arg;
  (void)size;
  if (type == TX_BLOB && hs->n < sizeof hs->h / sizeof hs->h[0]) hs->h[hs->n++] = *h;
}

/* The limbo of p holds `count` entries, among them the n transactions of
 * hashes inc, at `block` (NULL: any), and the pool does not. */
static void expect_limbo(txpool_t *p, const ethc_hash_t *inc, size_t n, const ethc_hash_t *block, size_t count) {
  size_t c, bytes;
  txpool_sync(p);
  txpool_limbo_usage(p, &c, &bytes);
  CHECK_MSG(c == count, "limbo holds %zu, want %zu", c, count);
  for (size_t i = 0; i < n; i++) {
    ethc_hash_t b;
    CHECK_MSG(txpool_in_limbo(p, &inc[i], &b) && (!block || ethc_hash_eq(&b, block)), "transaction %zu in limbo", i);
    CHECK(!txpool_has(p, &inc[i]));
  }
}

/* After main's block H1 (8 blob transactions of sender 0 and a plain one of
 * sender 1; 8 more blob ones pooled): the limbo across reorganisations. */
static void test_limbo(miner_t *miner, const ethc_hash_t *replaced, size_t replaced_len) {
  char err[200];
  uint64_t hn;
  ethc_hash_t h1, parent;
  chain_head(chain, &hn, &h1);
  chain_read_block_t b1;
  CHECK(chain_read_block(chain, &h1, &b1) == 0);
  parent = b1.block.header.parent_hash;
  uint64_t ts1 = b1.block.header.timestamp;
  ethc_hash_t inc[16];
  size_t ni = 0;
  for (size_t i = 0; i < b1.block.tx_count && ni < 16; i++)
    if (b1.block.txs[i].type == TX_BLOB) CHECK(tx_hash(&b1.block.txs[i], &inc[ni++]) == 0);
  chain_read_block_free(&b1);
  CHECK(ni == 8);
  expect_limbo(pool, inc, ni, &h1, 8);

  /* a second pool with a limbo of at most 3 one-blob network forms */
  txpool_opts_t o = {.limbo_bytes = 3 * (TX_BLOB_SIZE + 1000)};
  txpool_t *small = txpool_new_opts(chain, &o);
  CHECK(small != NULL);
  txpool_sync(small);

  /* the head back to H1's parent: the 8 return with their sidecars (and the plain one) */
  CHECK(chain_set_head(chain, &parent, NULL, NULL) == 0);
  size_t pending, queued;
  txpool_counts(pool, &pending, &queued);
  CHECK_MSG(pending == 17 && queued == 0, "after the reorganisation: %zu pending, %zu queued", pending, queued);
  size_t c, bytes;
  txpool_limbo_usage(pool, &c, &bytes);
  CHECK(c == 0 && bytes == 0);
  for (size_t i = 0; i < ni; i++) CHECK_MSG(txpool_has(pool, &inc[i]), "transaction %zu back", i);
  bytes_buf_t back = {0};
  CHECK(txpool_get_raw(pool, replaced, &back) && back.len == replaced_len);
  tx_t t;
  tx_sidecar_t sc;
  CHECK(tx_decode_network(back.data, back.len, &t, &sc) == 0 && sc.blobs_count == 2);
  tx_free(&t);
  tx_sidecar_free(&sc);
  bytes_buf_free(&back);
  hashes_t all = {0};
  txpool_each_hash(pool, collect_blob, &all);
  CHECK(all.n == 16);
  for (size_t i = 0; i < all.n; i++) { /* the small pool gets the same transactions */
    bytes_buf_t raw = {0};
    ethc_hash_t h;
    CHECK(txpool_get_raw(pool, &all.h[i], &raw));
    int rc = txpool_add(small, raw.data, raw.len, &h, err, sizeof err);
    CHECK_MSG(rc == 0 || !strcmp(err, "nonce too high"), "%s", err); /* added in hash order: gaps refused */
    bytes_buf_free(&raw);
  }

  /* mined again, in a block of another timestamp: the limbo holds them there */
  CHECK_MSG(miner_mine(miner, 1, ts1 + 7, 12, false, err, sizeof err) == 0, "%s", err);
  ethc_hash_t h1b;
  chain_head(chain, &hn, &h1b);
  CHECK(!ethc_hash_eq(&h1b, &h1));
  expect_limbo(pool, inc, ni, &h1b, 8);
  txpool_counts(pool, &pending, &queued);
  CHECK_MSG(pending == 8 && queued == 0, "mined again: %zu pending, %zu queued", pending, queued);
  txpool_sync(small);
  txpool_limbo_usage(small, &c, &bytes);
  CHECK_MSG(c >= 1 && c <= 3 && bytes <= o.limbo_bytes, "small limbo: %zu entries, %zu bytes", c, bytes);

  /* the sibling H1 (the same transactions) becomes the head: moved to H1, none back */
  CHECK(chain_set_head(chain, &h1, NULL, NULL) == 0);
  expect_limbo(pool, inc, ni, &h1, 8);
  txpool_counts(pool, &pending, &queued);
  CHECK(pending == 8 && queued == 0);

  /* H1 finalized: its entries go when the head next moves (to H2, with the
   * other 8: no finality past H1, so they stay 64 blocks and go at 65) */
  CHECK(chain_set_head(chain, &h1, NULL, &h1) == 0);
  CHECK_MSG(miner_mine(miner, 1, 0, 12, false, err, sizeof err) == 0, "%s", err);
  ethc_hash_t h2;
  chain_head(chain, &hn, &h2);
  txpool_sync(pool);
  txpool_limbo_usage(pool, &c, &bytes);
  CHECK_MSG(c == 8, "H2: limbo holds %zu", c);
  for (size_t i = 0; i < ni; i++) CHECK(!txpool_in_limbo(pool, &inc[i], NULL));
  CHECK_MSG(miner_mine(miner, 64, 0, 12, false, err, sizeof err) == 0, "%s", err);
  txpool_sync(pool);
  txpool_limbo_usage(pool, &c, &bytes);
  CHECK_MSG(c == 8, "64 blocks deep: limbo holds %zu", c);
  CHECK_MSG(miner_mine(miner, 1, 0, 12, false, err, sizeof err) == 0, "%s", err);
  txpool_sync(pool);
  txpool_limbo_usage(pool, &c, &bytes);
  CHECK_MSG(c == 0, "65 blocks deep: limbo holds %zu", c);
  txpool_free(small);
}

int main(void) {
  ethc_log_set_level(2);
  test_chain_t tc;
  chain_open_opts_t o = {.fakepow = true, .state_cache_bytes = 1 << 20};
  if (!(chain = test_chain_import(&tc, "chains/ethtest", &o))) {
    test_chain_remove(&tc);
    return check_summary();
  }
  chain_snapshot_t *head = chain_snapshot_head(chain);
  base_fee = chain_snapshot_header(head)->base_fee;
  chain_snapshot_release(head);
  pool = txpool_new(chain);
  node_miner_opts_t mo = {.on = true};
  miner_t *miner = miner_new(chain, pool, &mo);
  CHECK(pool && miner);
  ethc_address_t a0 = sender_of(0), a1 = sender_of(1);
  uint64_t n0 = account_nonce(&a0), n1 = account_nonce(&a1);

  /* admitted in its network form; served in it, announced with its size */
  bspec_t s = spec(0, n0);
  s.blob_value = 7, s.blobs = 2;
  bytes_buf_t net = make(&s);
  char err[200] = "";
  ethc_hash_t h0;
  CHECK_MSG(txpool_add(pool, net.data, net.len, &h0, err, sizeof err) == 0, "%s", err);
  bytes_buf_t got = {0};
  CHECK(txpool_get_raw(pool, &h0, &got) && got.len == net.len && !memcmp(got.data, net.data, net.len));
  size_probe_t pr = {.want = h0};
  txpool_each_hash(pool, probe, &pr);
  CHECK(pr.n == 1 && pr.size == net.len);
  bytes_buf_free(&got);
  CHECK(txpool_add(pool, net.data, net.len, &h0, err, sizeof err) && !strcmp(err, "already known"));
  bytes_buf_free(&net);

  /* sidecar rejections: each blames the sender (a peer sending it is banned) */
  bspec_t b = spec(0, n0 + 1);
  b.mode = NO_SIDECAR;
  EXPECT(&b, TXPOOL_ERR_NO_SIDECAR);
  CHECK(txpool_err_blames_sender(last_err));
  b.mode = BAD_HASH;
  EXPECT(&b, TXPOOL_ERR_BLOB_SIDECAR);
  CHECK(txpool_err_blames_sender(last_err));
  b.mode = BAD_PROOF;
  EXPECT(&b, TXPOOL_ERR_BLOB_SIDECAR ": invalid blob 0");
  CHECK(txpool_err_blames_sender(last_err));
  b.mode = OK, b.blob_value = 9, b.blobs = 2;
  { /* blob 1 not the committed one: its proof fails */
    bytes_buf_t x = make(&b);
    size_t off = x.len - 2 * 100 - 10; /* in blob 1's last element: before two lists of 2 x 49 bytes */
    x.data[off] ^= 1;
    CHECK(txpool_add(pool, x.data, x.len, &h0, err, sizeof err) != 0);
    CHECK_MSG(!strcmp(err, TXPOOL_ERR_BLOB_SIDECAR ": invalid blob 1: can't verify opening proof"), "%s", err);
    bytes_buf_free(&x);
  }
  b = spec(0, n0 + 1), b.mode = VERSION_1;
  EXPECT(&b, TXPOOL_ERR_BLOB_SIDECAR ": unexpected sidecar version");
  CHECK(!txpool_err_blames_sender("nonce too low"));

  /* fees and cost */
  b = spec(0, n0 + 1), b.blob_fee = u256_from_u64(0);
  EXPECT(&b, "max fee per blob gas less than block blob gas fee");
  b = spec(0, n0 + 1), b.blob_fee.w[2] = 1; /* blob gas * this: more than any balance */
  EXPECT(&b, "insufficient funds for gas * price + value");

  /* account rules: no plain transaction beside blob ones, no gap, 100% bump */
  b = spec(0, n0 + 1), b.type = TX_DYNAMIC_FEE;
  EXPECT(&b, "address already reserved");
  b = spec(0, n0 + 2);
  EXPECT(&b, "nonce too high");
  b = spec(0, n0), b.blob_value = 7, b.blobs = 2, b.fee_mul = 2; /* blob fee not raised */
  EXPECT(&b, "replacement transaction underpriced");
  b.blob_fee = u256_from_u64(1500000000); /* +50% */
  EXPECT(&b, "replacement transaction underpriced");
  b.blob_fee = u256_from_u64(2000000000);
  EXPECT(&b, "");
  ethc_hash_t replaced = last_hash;
  size_t replaced_len;
  {
    bytes_buf_t r = make(&b);
    replaced_len = r.len;
    bytes_buf_free(&r);
  }
  bspec_t plain = spec(1, n1);
  plain.type = TX_DYNAMIC_FEE;
  EXPECT(&plain, "");
  b = spec(1, n1 + 1);
  EXPECT(&b, "address already reserved");
  for (uint64_t i = 1; i < TXPOOL_MAX_BLOBTXS_PER_ACCOUNT; i++) {
    b = spec(0, n0 + i);
    EXPECT(&b, "");
  }
  b = spec(0, n0 + TXPOOL_MAX_BLOBTXS_PER_ACCOUNT);
  EXPECT(&b, "account limit exceeded");

  /* the miner: canonical forms, as many blobs as a Prague block takes (9) */
  txpool_pick_t *picks;
  size_t np;
  CHECK(txpool_pending_ordered(pool, &base_fee, &picks, &np) == 0 && np == 1 + TXPOOL_MAX_BLOBTXS_PER_ACCOUNT);
  for (size_t i = 0; i < np; i++) {
    tx_t t;
    ethc_hash_t h;
    CHECK(tx_decode(picks[i].raw, picks[i].len, &t) == 0 && tx_hash(&t, &h) == 0 && ethc_hash_eq(&h, &picks[i].hash));
    if (ethc_hash_eq(&h, &replaced)) CHECK(t.blob_hashes_count == 2 && picks[i].len < TX_BLOB_SIZE);
    tx_free(&t);
  }
  txpool_picks_free(picks, np);
  CHECK_MSG(miner_mine(miner, 1, 0, 12, false, err, sizeof err) == 0, "%s", err);
  chain_snapshot_t *snap = chain_snapshot_head(chain);
  const chain_header_t *hd = chain_snapshot_header(snap);
  CHECK(hd->has_blob_gas);
  CHECK_MSG(hd->blob_gas_used == 9ull * TX_GAS_PER_BLOB, "blob gas used %llu", (unsigned long long)hd->blob_gas_used);
  chain_snapshot_release(snap);
  size_t pending, queued;
  txpool_counts(pool, &pending, &queued);
  /* 2 + 7 one-blob transactions made the block; the plain one too */
  CHECK_MSG(pending == TXPOOL_MAX_BLOBTXS_PER_ACCOUNT - 8 && queued == 0, "%zu pending, %zu queued", pending, queued);
  CHECK(account_nonce(&a0) == n0 + 8 && account_nonce(&a1) == n1 + 1);
  test_limbo(miner, &replaced, replaced_len);

  miner_free(miner);
  txpool_free(pool);
  test_chain_remove(&tc);
  test_limbo_store();
  test_osaka();
  return check_summary();
}
