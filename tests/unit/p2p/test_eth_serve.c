/* Unit tests of the eth server (src/p2p/eth_serve.c) against the devp2p
 * ethtest chain, at the message level, after go-ethereum's
 * cmd/devp2p/internal/ethtest cases: Status (and the checks of a peer's),
 * GetBlockHeaders by number and hash, skip, reverse, beyond the head and
 * unknown, GetBlockBodies, GetReceipts in the eth/68, eth/69 and eth/70
 * forms (checked against the headers' roots), GetPooledTransactions through
 * a pool callback, and the request dispatcher. */
#include <string.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "test_eth_chain.h"

static chain_t *chain;

static ethc_hash_t hash_at(uint64_t n) {
  ethc_hash_t h = {0};
  if (chain_read_canonical_hash(chain, n, &h)) memset(&h, 0xee, sizeof h);
  return h;
}

/* Serves `q` and checks the numbers of the headers returned. */
static void expect_headers(const eth_get_headers_t *q, const uint64_t *want, size_t n, const char *what) {
  bytes_buf_t out = {0};
  eth_items_msg_t m;
  CHECK_MSG(eth_serve_headers(chain, q, &out) == 0, "%s", what);
  CHECK_MSG(eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0, "%s", what);
  CHECK_MSG(m.request_id == q->request_id, "%s: request id", what);
  CHECK_MSG(m.count == n, "%s: %zu headers, want %zu", what, m.count, n);
  for (size_t i = 0; i < m.count && i < n; i++) {
    chain_header_t h;
    ethc_hash_t hh, want_hash = hash_at(want[i]);
    CHECK(header_decode(m.items[i].data, m.items[i].len, &h) == 0 && header_hash(&h, &hh) == 0);
    CHECK_MSG(h.number == want[i] && ethc_hash_eq(&hh, &want_hash), "%s: header %zu is %llu, want %llu", what, i,
              (unsigned long long)h.number, (unsigned long long)want[i]);
  }
  eth_items_free(&m);
  bytes_buf_free(&out);
}

static void test_headers(void) {
  eth_get_headers_t q = {.request_id = 33, .number = 1, .amount = 2, .skip = 1};
  expect_headers(&q, (uint64_t[]){1, 3}, 2, "by number, skip 1");
  q = (eth_get_headers_t){.request_id = 34, .by_hash = true, .hash = hash_at(1), .amount = 2, .skip = 1};
  expect_headers(&q, (uint64_t[]){1, 3}, 2, "by hash, skip 1");
  q = (eth_get_headers_t){.request_id = 35, .number = 10, .amount = 4, .skip = 2, .reverse = true};
  expect_headers(&q, (uint64_t[]){10, 7, 4, 1}, 4, "reverse, skip 2");
  q = (eth_get_headers_t){.request_id = 36, .by_hash = true, .hash = hash_at(10), .amount = 3, .reverse = true};
  expect_headers(&q, (uint64_t[]){10, 9, 8}, 3, "by hash, reverse");
  q = (eth_get_headers_t){.request_id = 37, .number = 2, .amount = 5, .reverse = true};
  expect_headers(&q, (uint64_t[]){2, 1, 0}, 3, "reverse to genesis");
  q = (eth_get_headers_t){.request_id = 38, .number = 598, .amount = 5};
  expect_headers(&q, (uint64_t[]){598, 599, 600}, 3, "past the head");
  q = (eth_get_headers_t){.request_id = 39, .number = 601, .amount = 5};
  expect_headers(&q, NULL, 0, "nonexistent number");
  q = (eth_get_headers_t){.request_id = 40, .by_hash = true, .amount = 5};
  memset(q.hash.bytes, 0x42, 32);
  expect_headers(&q, NULL, 0, "nonexistent hash");
  q = (eth_get_headers_t){.request_id = 41, .number = 5, .amount = 0};
  expect_headers(&q, NULL, 0, "amount 0");
  q = (eth_get_headers_t){.request_id = 42, .number = 5, .amount = 3, .skip = UINT64_MAX};
  expect_headers(&q, (uint64_t[]){5}, 1, "skip overflows");
  q = (eth_get_headers_t){.request_id = 43, .number = 590, .amount = 3, .skip = UINT64_MAX - 100};
  expect_headers(&q, (uint64_t[]){590}, 1, "skip past the end of uint64");
  q = (eth_get_headers_t){.request_id = 44, .number = 5, .amount = 3, .skip = 1000, .reverse = true};
  expect_headers(&q, (uint64_t[]){5}, 1, "reverse skip past genesis");
  /* the whole chain in one request (amount over the 1024 limit) */
  q = (eth_get_headers_t){.request_id = 45, .number = 0, .amount = 5000};
  bytes_buf_t out = {0};
  eth_items_msg_t m;
  CHECK(eth_serve_headers(chain, &q, &out) == 0 && eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0);
  CHECK_MSG(m.count == 601, "%zu headers", m.count);
  eth_items_free(&m);
  bytes_buf_free(&out);
}

static size_t tx_blocks[2]; /* two blocks with transactions */

static void test_bodies(void) {
  for (uint64_t n = 1, k = 0; n <= 600 && k < 2; n++) {
    chain_read_block_t b = {0};
    ethc_hash_t h = hash_at(n);
    bytes_buf_t rs = {0};
    bool small = chaindb_get_receipts(chain_db(chain), n, &h, &rs) == 0 && rs.len < 65536;
    if (small && chain_read_block(chain, &h, &b) == 0 && b.block.tx_count >= 1) tx_blocks[k++] = n;
    bytes_buf_free(&rs);
    chain_read_block_free(&b);
  }
  CHECK(tx_blocks[0] && tx_blocks[1]);
  eth_hash_request_t r = {.request_id = 7, .count = 3};
  ethc_hash_t hs[3] = {hash_at(tx_blocks[0]), {{0}}, hash_at(tx_blocks[1])};
  memset(hs[1].bytes, 0x42, 32); /* unknown: left out */
  r.hashes = hs;
  bytes_buf_t out = {0};
  eth_items_msg_t m;
  CHECK(eth_serve_bodies(chain, &r, &out) == 0 && eth_items_decode(out.data, out.len, ETH_ITEMS_BODIES, &m) == 0);
  CHECK(m.request_id == 7 && m.count == 2);
  for (size_t i = 0; i < m.count && i < 2; i++) {
    /* the transactions hash to the header's transactions root */
    rlp_item_t body, f[3], e;
    CHECK(rlp_decode(m.items[i].data, m.items[i].len, &body) == 0 && rlp_list_items(&body, f, 3) == 0);
    bytes_view_t txs[256];
    size_t k = 0;
    rlp_iter_t it;
    rlp_iter_init(&it, &f[0]);
    while (k < 256 && rlp_iter_next(&it, &e) == 1) txs[k++] = eth_tx_item_canonical(bytes_view(e.raw, e.raw_len));
    ethc_hash_t root;
    chain_header_t h;
    CHECK(trie_ordered_root(txs, k, root.bytes) == 0);
    CHECK(chain_read_header_by_number(chain, tx_blocks[i], &h, NULL) == 0 && ethc_hash_eq(&root, &h.tx_root));
    CHECK(k >= 1);
  }
  eth_items_free(&m);
  bytes_buf_free(&out);
}

static void test_receipts(void) {
  ethc_hash_t hs[3] = {hash_at(tx_blocks[0]), {{0}}, hash_at(tx_blocks[1])};
  memset(hs[1].bytes, 0x42, 32);
  eth_hash_request_t r = {.request_id = 8, .hashes = hs, .count = 3};
  bytes_buf_t out = {0};
  eth_items_msg_t m;
  /* eth/68: consensus receipts, which hash to the receipts root */
  CHECK(eth_serve_receipts(chain, 68, &r, &out) == 0);
  int rc = eth_items_decode(out.data, out.len, ETH_ITEMS_RECEIPTS68, &m);
  CHECK_MSG(rc == 0 && m.count == 2, "rc %d count %zu", rc, m.count);
  for (size_t i = 0; i < m.count && i < 2; i++) {
    rlp_item_t list, e;
    bytes_view_t rs[256];
    size_t k = 0;
    CHECK(rlp_decode(m.items[i].data, m.items[i].len, &list) == 0);
    rlp_iter_t it;
    rlp_iter_init(&it, &list);
    while (k < 256 && rlp_iter_next(&it, &e) == 1) rs[k++] = eth_tx_item_canonical(bytes_view(e.raw, e.raw_len));
    ethc_hash_t root;
    chain_header_t h;
    CHECK(trie_ordered_root(rs, k, root.bytes) == 0);
    CHECK(chain_read_header_by_number(chain, tx_blocks[i], &h, NULL) == 0 && ethc_hash_eq(&root, &h.receipts_root));
  }
  eth_items_free(&m);
  /* eth/69: [type, status, gas, logs], matching what chain_read decodes */
  out.len = 0;
  CHECK(eth_serve_receipts(chain, 69, &r, &out) == 0);
  CHECK(eth_items_decode(out.data, out.len, ETH_ITEMS_RECEIPTS69, &m) == 0 && m.count == 2);
  size_t first_count = 0;
  for (size_t i = 0; i < m.count && i < 2; i++) {
    chain_read_receipts_t want = {0};
    CHECK(chain_read_receipts(chain, &hs[i * 2], &want) == 0);
    rlp_item_t list, e, f[4];
    CHECK(rlp_decode(m.items[i].data, m.items[i].len, &list) == 0);
    CHECK((size_t)rlp_list_count(&list) == want.count);
    if (i == 0) first_count = want.count;
    rlp_iter_t it;
    rlp_iter_init(&it, &list);
    for (size_t j = 0; j < want.count && rlp_iter_next(&it, &e) == 1; j++) {
      uint64_t type = UINT64_MAX, gas = 0, status = 2;
      CHECK(rlp_list_items(&e, f, 4) == 0 && rlp_get_u64(&f[0], &type) == 0 && rlp_get_u64(&f[1], &status) == 0 &&
            rlp_get_u64(&f[2], &gas) == 0);
      CHECK(type == (uint64_t)want.receipts[j].type && gas == want.receipts[j].cumulative_gas_used &&
            status == (want.receipts[j].status ? 1u : 0u));
      CHECK((size_t)rlp_list_count(&f[3]) == want.receipts[j].log_count);
    }
    chain_read_receipts_free(&want);
  }
  eth_items_free(&m);
  /* eth/70: from receipt 1 of the first block; unknown blocks end the answer */
  ethc_hash_t two[2] = {hs[0], hs[2]};
  eth_hash_request_t r70 = {.request_id = 9, .first_receipt_index = 1, .hashes = two, .count = 2};
  out.len = 0;
  CHECK(eth_serve_receipts(chain, 70, &r70, &out) == 0);
  CHECK(eth_receipts70_decode(out.data, out.len, &m) == 0 && m.count == 2 && !m.last_block_incomplete);
  if (m.count == 2) {
    rlp_item_t list;
    CHECK(rlp_decode(m.items[0].data, m.items[0].len, &list) == 0 && (size_t)rlp_list_count(&list) == first_count - 1);
  }
  eth_items_free(&m);
  r70.hashes = hs; /* the unknown hash second: one block */
  r70.count = 3;
  out.len = 0;
  CHECK(eth_serve_receipts(chain, 70, &r70, &out) == 0);
  CHECK(eth_receipts70_decode(out.data, out.len, &m) == 0 && m.count == 1);
  eth_items_free(&m);
  bytes_buf_free(&out);
}

/* The soft response limit: receipts of the whole chain (601 hashes) stop
 * before block 11's ~10 MB in eth/68 and eth/69 (a block is not split), and
 * block 11 asked first comes alone; eth/70 pages within it. Bodies of the
 * whole chain fit under the limit too. */
static void test_soft_limit(void) {
  ethc_hash_t *hs = calloc(601, sizeof *hs);
  for (uint64_t n = 0; n <= 600; n++) hs[n] = hash_at(n);
  bytes_buf_t out = {0};
  eth_items_msg_t m;
  for (uint32_t v = 68; v <= 70; v++) {
    eth_hash_request_t r = {.request_id = v, .hashes = hs, .count = 601};
    out.len = 0;
    CHECK(eth_serve_receipts(chain, v, &r, &out) == 0);
    CHECK_MSG(out.len <= ETH_SOFT_RESPONSE_LIMIT + 64, "eth/%u: %zu bytes", v, out.len);
    int rc = v == 70 ? eth_receipts70_decode(out.data, out.len, &m)
                     : eth_items_decode(out.data, out.len, v == 68 ? ETH_ITEMS_RECEIPTS68 : ETH_ITEMS_RECEIPTS69, &m);
    CHECK(rc == 0);
    CHECK_MSG(v == 70 ? m.count == 12 && m.last_block_incomplete : m.count == 11, "eth/%u: %zu blocks", v, m.count);
    printf("eth/%u receipts of 601 blocks: %zu blocks, %zu bytes\n", v, m.count, out.len);
    eth_items_free(&m);
    /* from block 11 on: that block alone */
    r.hashes = hs + 11;
    r.count = 590;
    out.len = 0;
    CHECK(eth_serve_receipts(chain, v, &r, &out) == 0);
    rc = v == 70 ? eth_receipts70_decode(out.data, out.len, &m)
                 : eth_items_decode(out.data, out.len, v == 68 ? ETH_ITEMS_RECEIPTS68 : ETH_ITEMS_RECEIPTS69, &m);
    CHECK(rc == 0 && m.count == 1);
    eth_items_free(&m);
  }
  eth_hash_request_t r = {.request_id = 1, .hashes = hs, .count = 601};
  out.len = 0;
  CHECK(eth_serve_bodies(chain, &r, &out) == 0);
  CHECK(out.len <= ETH_SOFT_RESPONSE_LIMIT && eth_items_decode(out.data, out.len, ETH_ITEMS_BODIES, &m) == 0);
  printf("bodies of 601 blocks: %zu blocks, %zu bytes\n", m.count, out.len);
  eth_items_free(&m);
  bytes_buf_free(&out);
  free(hs);
}

/* eth/70 paging (geth's GetLargeReceipts): block 11 of the chain holds ~10 MB of
 * receipts; pages of about the soft limit carry lastBlockIncomplete until the
 * last, and together they hold every receipt once, in order. */
static void test_receipt_paging(void) {
  ethc_hash_t h = hash_at(11);
  chain_read_receipts_t want = {0};
  CHECK(chain_read_receipts(chain, &h, &want) == 0);
  uint64_t next = 0;
  size_t pages = 0;
  bool done = false;
  bytes_buf_t out = {0};
  while (!done && pages < 100) {
    eth_hash_request_t r = {.request_id = pages, .first_receipt_index = next, .hashes = &h, .count = 1};
    eth_items_msg_t m;
    out.len = 0;
    CHECK(eth_serve_receipts(chain, 70, &r, &out) == 0);
    CHECK(out.len <= ETH_SOFT_RESPONSE_LIMIT + 64);
    if (eth_receipts70_decode(out.data, out.len, &m) || m.count != 1) {
      CHECK(false);
      eth_items_free(&m);
      break;
    }
    rlp_item_t list, e, f[4];
    CHECK(rlp_decode(m.items[0].data, m.items[0].len, &list) == 0);
    rlp_iter_t it;
    rlp_iter_init(&it, &list);
    while (rlp_iter_next(&it, &e) == 1) {
      uint64_t gas = 0;
      CHECK(next < want.count && rlp_list_items(&e, f, 4) == 0 && rlp_get_u64(&f[2], &gas) == 0 &&
            gas == want.receipts[next].cumulative_gas_used);
      next++;
    }
    done = !m.last_block_incomplete;
    pages++;
    eth_items_free(&m);
  }
  printf("block 11: %zu receipts in %zu eth/70 pages\n", want.count, pages);
  CHECK(done && next == want.count && pages >= 2);
  chain_read_receipts_free(&want);
  bytes_buf_free(&out);
}

static const char *pool_tx =
    "f867088504a817c8088302e2489435353535353535353535353535353535353535358202008025a064b1702d"
    "9298fee62dfeccc57d322a463ad55ca201256d01f62b45b2e1c21c12a064b1702d9298fee62dfeccc57d322a"
    "463ad55ca201256d01f62b45b2e1c21c10";

static bool pool_lookup(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out) {
  (void)ctx;
  uint8_t raw[200];
  size_t n;
  if (hash->bytes[0] == 1) { /* a legacy transaction */
    if (hex_decode(pool_tx, false, raw, sizeof raw, &n)) return false;
    return bytes_buf_append(out, raw, n) == 0;
  }
  if (hash->bytes[0] == 2) /* a typed one: type || rlp */
    return bytes_buf_append(out, (const uint8_t *)"\x02\xc3\x01\x02\x03", 5) == 0;
  return false;
}

static void test_pooled(void) {
  ethc_hash_t hs[3];
  memset(hs, 0, sizeof hs);
  hs[0].bytes[0] = 1, hs[1].bytes[0] = 9, hs[2].bytes[0] = 2;
  eth_hash_request_t r = {.request_id = 5, .hashes = hs, .count = 3};
  bytes_buf_t out = {0};
  eth_items_msg_t m;
  CHECK(eth_serve_pooled_txs(pool_lookup, NULL, &r, &out) == 0);
  CHECK(eth_items_decode(out.data, out.len, ETH_ITEMS_TXS, &m) == 0 && m.count == 2 && m.request_id == 5);
  if (m.count == 2) {
    bytes_view_t c = eth_tx_item_canonical(m.items[1]);
    CHECK(c.len == 5 && memcmp(c.data, "\x02\xc3\x01\x02\x03", 5) == 0);
    CHECK(m.items[0].data[0] == 0xf8); /* the legacy list as it is */
  }
  eth_items_free(&m);
  out.len = 0;
  CHECK(eth_serve_pooled_txs(NULL, NULL, &r, &out) == 0 &&
        eth_items_decode(out.data, out.len, ETH_ITEMS_TXS, &m) == 0 && m.count == 0);
  eth_items_free(&m);
  bytes_buf_free(&out);
}

static void test_status(void) {
  eth_status_t s68, s69, peer;
  const char *why;
  CHECK(eth_status_from_chain(chain, 68, 3503995874084926ULL, &s68) == 0);
  CHECK(eth_status_from_chain(chain, 69, 3503995874084926ULL, &s69) == 0);
  ethc_hash_t head = hash_at(600), genesis = hash_at(0), want_head;
  /* headblock.json's hash */
  CHECK(hex_decode_fixed("0x44e3809c9a3cda717f00aea3a9da336d149612c8d5657fbc0028176ef8d94d2a", true, want_head.bytes,
                         32) == 0);
  CHECK(ethc_hash_eq(&want_head, &head));
  CHECK(ethc_hash_eq(&s68.head, &head) && ethc_hash_eq(&s68.genesis, &genesis));
  CHECK(s68.fork_id.hash == 0x377aaa78 && s68.fork_id.next == 0);
  CHECK(!u256_is_zero(&s68.td));
  CHECK(s69.latest == 600 && s69.earliest == 0 && ethc_hash_eq(&s69.head, &head));
  /* a peer like us passes; other genesis, network, version or fork id do not */
  peer = s69;
  CHECK(eth_status_check(chain, &s69, &peer, &why) == 0);
  peer.genesis.bytes[0] ^= 1;
  CHECK(eth_status_check(chain, &s69, &peer, &why) == ETHC_ERR_INVALID && strstr(why, "genesis"));
  peer = s69;
  peer.network_id = 1;
  CHECK(eth_status_check(chain, &s69, &peer, &why) == ETHC_ERR_INVALID && strstr(why, "network"));
  peer = s69;
  peer.fork_id = (forkid_t){0x07c9462e, 0}; /* mainnet's */
  CHECK(eth_status_check(chain, &s69, &peer, &why) == ETHC_ERR_INVALID && strstr(why, "fork id"));
  peer = s69;
  peer.earliest = 700;
  CHECK(eth_status_check(chain, &s69, &peer, &why) == ETHC_ERR_INVALID && strstr(why, "range"));
  peer = s69;
  memset(peer.head.bytes, 0, 32);
  CHECK(eth_status_check(chain, &s69, &peer, &why) == ETHC_ERR_INVALID && strstr(why, "range"));
  eth_block_range_t br = {0, 600, head};
  CHECK(eth_block_range_check(&br, &why) == 0);
  br.earliest = 601;
  CHECK(eth_block_range_check(&br, &why) == ETHC_ERR_INVALID);
  br.earliest = 0;
  memset(br.latest_hash.bytes, 0, 32);
  CHECK(eth_block_range_check(&br, &why) == ETHC_ERR_INVALID);
  peer = s68;
  peer.version = 69;
  CHECK(eth_status_check(chain, &s68, &peer, &why) == ETHC_ERR_INVALID && strstr(why, "version"));
  /* a peer still at genesis (knowing Cancun and Prague) is compatible */
  peer = s69;
  forkid_schedule_t sch;
  chain_header_t g;
  CHECK(chain_read_header_by_number(chain, 0, &g, NULL) == 0);
  forkid_schedule(chain_config(chain), &genesis, g.timestamp, &sch);
  peer.fork_id = forkid_at(&sch, 0, 0);
  CHECK(eth_status_check(chain, &s69, &peer, &why) == 0);
  /* the encoding round-trips */
  bytes_buf_t b = {0};
  eth_status_t back;
  CHECK(eth_status_encode(&s68, &b) == 0 && eth_status_decode(b.data, b.len, &back) == 0 && back.version == 68 &&
        u256_eq(&back.td, &s68.td) && ethc_hash_eq(&back.head, &s68.head) && back.fork_id.hash == s68.fork_id.hash);
  bytes_buf_free(&b);
}

static void test_dispatch(void) {
  bytes_buf_t req = {0}, out = {0};
  unsigned code = 99;
  eth_get_headers_t q = {.request_id = 77, .number = 100, .amount = 3};
  CHECK(eth_get_headers_encode(&q, &req) == 0);
  CHECK(eth_serve(chain, 69, ETH_MSG_GET_BLOCK_HEADERS, req.data, req.len, NULL, NULL, &code, &out) == 0);
  CHECK(code == ETH_MSG_BLOCK_HEADERS);
  eth_items_msg_t m;
  CHECK(eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0 && m.count == 3 && m.request_id == 77);
  eth_items_free(&m);
  /* eth/70 GetReceipts has the extra field; an eth/69 one is malformed there */
  ethc_hash_t h = hash_at(tx_blocks[0]);
  req.len = out.len = 0;
  CHECK(eth_hash_request_encode(78, &h, 1, &req) == 0);
  CHECK(eth_serve(chain, 69, ETH_MSG_GET_RECEIPTS, req.data, req.len, NULL, NULL, &code, &out) == 0 &&
        code == ETH_MSG_RECEIPTS);
  CHECK(eth_serve(chain, 70, ETH_MSG_GET_RECEIPTS, req.data, req.len, NULL, NULL, &code, &out) == ETHC_ERR_RLP_COUNT);
  req.len = out.len = 0;
  CHECK(eth_hash_request_encode(79, &h, 1, &req) == 0);
  CHECK(eth_serve(chain, 68, ETH_MSG_GET_BLOCK_BODIES, req.data, req.len, NULL, NULL, &code, &out) == 0 &&
        code == ETH_MSG_BLOCK_BODIES);
  CHECK(eth_serve(chain, 68, ETH_MSG_GET_POOLED_TXS, req.data, req.len, NULL, NULL, &code, &out) == 0 &&
        code == ETH_MSG_POOLED_TXS);
  /* a response code is not served; garbage is a decoding error */
  CHECK(eth_serve(chain, 68, ETH_MSG_BLOCK_HEADERS, req.data, req.len, NULL, NULL, &code, &out) ==
        ETHC_ERR_UNSUPPORTED);
  CHECK(eth_serve(chain, 68, ETH_MSG_GET_BLOCK_HEADERS, (const uint8_t *)"\xc3\x01\xc0", 3, NULL, NULL, &code, &out) !=
        0);
  bytes_buf_free(&req);
  bytes_buf_free(&out);
}

int main(void) {
  unsigned imported = 0;
  chain = ethtest_open(&imported);
  if (!chain) return check_summary();
  CHECK_MSG(imported == 600, "%u blocks imported", imported);
  test_headers();
  test_bodies();
  test_receipts();
  test_soft_limit();
  test_receipt_paging();
  test_pooled();
  test_status();
  test_dispatch();
  ethtest_close(chain);
  return check_summary();
}
