/* The node's devp2p source chained after a provider (src/node/node_peer_source.c)
 * in one process: a peer manager serving the imported ethtest chain, a second
 * one dialling it with the source on top, installed on a client chain after a
 * fake provider that fails every even block's body, answers every fourth with
 * the next block's body (a lie), and whose state base fails every read; the loop in its own thread; four caller threads at once through
 * the hooks the source installed:
 *   - every block's body: the provider's for odd blocks, the peer's for even
 *     ones and where the provider lied (all equal to what the server serves);
 *   - every transaction of those bodies is then found by its hash (devp2p has
 *     no lookup: the bodies seen are remembered), at its block and index;
 *   - the head's accounts: each read falls back from the provider's failing
 *     base to the peer's snap base, opened once by whichever thread is first;
 *   - after the stop, a read fails at once.
 * Built with ThreadSanitizer too (tsan.test_node_peer_source). */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "check.h"
#include "chain/chain_internal.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/keccak.h"
#include "ethc/p2p_node.h"
#include "ethc/peers.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "node/node_peer_source.h"
#include "p2p/test_eth_chain.h"

#define NETWORK 3503995874084926ull
#define THREADS 4

static struct {
  uv_loop_t loop;
  uv_async_t stop;
  chain_t *server, *client;
  peers_t *a, *b;
  node_peer_source_t *src;
  chain_remote_t cr; /* what the source installed */
  state_base_t want, got;
  ethc_address_t *addrs;
  size_t n_addrs;
  atomic_size_t next, bodies, provider_bodies, txs, accounts, failures;
  int part;
} W;

static void fail(const char *what, size_t i, const char *err) {
  atomic_fetch_add(&W.failures, 1);
  fprintf(stderr, "test_node_peer_source: %s %zu: %s\n", what, i, err);
}

/* ---- the fake provider ---- */

static int served_body(uint64_t number, const ethc_hash_t *hash, bytes_buf_t *out) {
  (void)number;
  eth_hash_request_t q = {.request_id = 1, .hashes = (ethc_hash_t *)hash, .count = 1};
  bytes_buf_t msg = {0};
  eth_items_msg_t m = {0};
  int rc = eth_serve_bodies(W.server, &q, &msg);
  if (!rc) rc = eth_items_decode(msg.data, msg.len, ETH_ITEMS_BODIES, &m) || m.count != 1 ? ETHC_ERR_INVALID : 0;
  if (!rc) rc = bytes_buf_append(out, m.items[0].data, m.items[0].len);
  eth_items_free(&m);
  bytes_buf_free(&msg);
  return rc;
}

static int prov_body(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                     size_t errlen) {
  (void)ctx;
  if (h->number % 2 == 0) return snprintf(err, errlen, "provider down"), ETHC_ERR_IO;
  atomic_fetch_add(&W.provider_bodies, 1);
  if (h->number % 4 == 1 && h->number < 600) { /* a lie: the next block's body */
    chain_header_t next;
    ethc_hash_t nh;
    if (chain_read_header_by_number(W.server, h->number + 1, &next, &nh)) return ETHC_ERR_IO;
    return served_body(h->number + 1, &nh, out);
  }
  return served_body(h->number, hash, out);
}
static int prov_receipts(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                         size_t errlen) {
  (void)ctx, (void)h, (void)hash, (void)out;
  return snprintf(err, errlen, "provider down"), ETHC_ERR_IO;
}
static int prov_tx_location(void *ctx, const ethc_hash_t *tx, ethc_hash_t *block, uint32_t *index, char *err,
                            size_t errlen) {
  (void)ctx, (void)tx, (void)block, (void)index, (void)err, (void)errlen;
  return ETHC_ERR_NOT_FOUND;
}
static int bad_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  (void)ctx, (void)root, (void)a, (void)out;
  return ETHC_ERR_IO;
}
static int bad_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *sr, const u256_t *key, u256_t *out) {
  (void)ctx, (void)a, (void)sr, (void)key, (void)out;
  return ETHC_ERR_IO;
}
static int bad_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  (void)ctx, (void)code_hash, (void)out;
  return ETHC_ERR_IO;
}
static int prov_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                      size_t errlen) {
  (void)ctx, (void)hash, (void)err, (void)errlen;
  *out = (state_base_t){.get_account = bad_account,
                        .get_storage = bad_storage,
                        .get_code = bad_code,
                        .root = h->state_root};
  return 0;
}

/* ---- the workers ---- */

static void one_block(uint64_t n) {
  chain_header_t h;
  ethc_hash_t hash;
  char err[300];
  if (chain_read_header_by_number(W.server, n, &h, &hash)) return fail("header", n, "not stored");
  bytes_buf_t want = {0}, got = {0};
  if (served_body(n, &hash, &want)) fail("server body", n, "not served");
  if (W.cr.body(W.cr.ctx, &h, &hash, &got, err, sizeof err)) fail("body", n, err);
  else if (got.len != want.len || memcmp(got.data, want.data, got.len)) fail("body", n, "differs");
  else atomic_fetch_add(&W.bodies, 1);
  bytes_buf_free(&want);
  bytes_buf_free(&got);
}

/* Every transaction of block n found by its hash. */
static void block_txs(uint64_t n) {
  chain_read_block_t b;
  ethc_hash_t hash;
  if (chain_read_canonical_hash(W.server, n, &hash) || chain_read_block(W.server, &hash, &b))
    return fail("block", n, "not read");
  for (size_t i = 0; i < b.block.tx_count; i++) {
    ethc_hash_t th, at;
    uint32_t index = 0;
    char err[200];
    keccak256(b.block.tx_encodings[i].data, b.block.tx_encodings[i].len, th.bytes);
    if (W.cr.tx_location(W.cr.ctx, &th, &at, &index, err, sizeof err)) fail("lookup", n, "not found");
    else if (!ethc_hash_eq(&at, &hash) || index != i) fail("lookup", n, "wrong place");
    else atomic_fetch_add(&W.txs, 1);
  }
  chain_read_block_free(&b);
}

static void one_account(size_t i) {
  state_account_t want, got;
  int rw = W.want.get_account(W.want.ctx, &W.want.root, &W.addrs[i], &want);
  int rg = W.got.get_account(W.got.ctx, &W.got.root, &W.addrs[i], &got);
  if (rw != rg) return fail("account (return code)", i, "differs");
  if (rw == 0 && memcmp(&want, &got, sizeof want)) return fail("account", i, "differs");
  atomic_fetch_add(&W.accounts, 1);
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    size_t i = atomic_fetch_add(&W.next, 1);
    if (W.part == 2) {
      if (i >= W.n_addrs) break;
      one_account(i);
    } else {
      if (i >= 600) break;
      if (W.part == 0) one_block(i + 1);
      else block_txs(i + 1);
    }
  }
  return NULL;
}

static void run_part(int part) {
  W.part = part;
  atomic_store(&W.next, 0);
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, NULL);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
}

static void on_stop(uv_async_t *a) {
  node_peer_source_stop(W.src);
  peers_stop(W.a);
  peers_stop(W.b);
  uv_close((uv_handle_t *)a, NULL);
}

static void *loop_thread(void *arg) {
  (void)arg;
  uv_run(&W.loop, UV_RUN_DEFAULT);
  return NULL;
}

/* The addresses of headstate.json, and some that are not in the state. */
static void load_addresses(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/chains/ethtest/headstate.json", check_shared_dir());
  size_t len;
  char *s = (char *)bytes_read_file(path, &len);
  CHECK(s != NULL);
  if (!s) return;
  cJSON *j = cJSON_ParseWithLength(s, len), *accs = cJSON_GetObjectItem(j, "accounts"), *a;
  free(s);
  W.addrs = calloc((size_t)cJSON_GetArraySize(accs) + 4, sizeof *W.addrs);
  cJSON_ArrayForEach(a, accs) CHECK(hex_decode_fixed(a->string, true, W.addrs[W.n_addrs++].bytes, 20) == 0);
  for (int i = 0; i < 4; i++) memset(W.addrs[W.n_addrs++].bytes, 0xa0 + i, 20);
  cJSON_Delete(j);
}

int main(void) {
  unsigned imported = 0;
  W.server = ethtest_open(&imported);
  if (!W.server) return check_summary();
  CHECK(imported == 600);
  load_addresses();
  char dir[64] = "/tmp/ethc-peersrc-XXXXXX", genesis[1024], err[512];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  CHECK_MSG(chain_open(&o, &W.client, err, sizeof err) == 0, "%s", err);
  uv_loop_init(&W.loop);
  peers_opts_t pa = {.chain = W.server, .network_id = NETWORK, .client_id = "ethc/server"};
  memset(pa.key, 0x61, 32);
  CHECK_MSG(peers_start(&W.loop, &pa, &W.a, err, sizeof err) == 0, "%s", err);
  p2p_node_t n = {.tcp = peers_port(W.a)};
  ethc_secp256k1_pubkey_create(pa.key, n.pubkey);
  const uint8_t lo[4] = {127, 0, 0, 1};
  p2p_ip_from4(n.ip, lo);
  peers_opts_t pb = {.chain = W.client,
                     .network_id = NETWORK,
                     .client_id = "ethc/client",
                     .trusted = &n,
                     .trusted_count = 1};
  memset(pb.key, 0x62, 32);
  CHECK_MSG(peers_start(&W.loop, &pb, &W.b, err, sizeof err) == 0, "%s", err);
  chain_remote_t prov = {.body = prov_body,
                         .receipts = prov_receipts,
                         .tx_location = prov_tx_location,
                         .state = prov_state};
  CHECK(node_peer_source_start(W.b, W.client, &prov, &W.src) == 0 && W.src);
  CHECK(chain_get_remote(W.client) != NULL);
  W.cr = *chain_get_remote(W.client);
  uv_async_init(&W.loop, &W.stop, on_stop);
  pthread_t lt;
  pthread_create(&lt, NULL, loop_thread, NULL);
  for (int i = 0; i < 200 && peers_count(W.b) < 1; i++) usleep(20000);
  CHECK(peers_count(W.b) == 1);

  run_part(0);
  run_part(1);
  chain_snapshot_t *head = chain_snapshot_head(W.server);
  chain_snapshot_base(head, &W.want);
  CHECK_MSG(W.cr.state(W.cr.ctx, chain_snapshot_header(head), chain_snapshot_hash(head), &W.got, err, sizeof err) == 0,
            "%s", err);
  run_part(2);
  printf("from %d threads: %zu bodies (%zu from the provider), %zu transactions found, %zu accounts matched\n", THREADS,
         atomic_load(&W.bodies), atomic_load(&W.provider_bodies), atomic_load(&W.txs), atomic_load(&W.accounts));
  CHECK(atomic_load(&W.bodies) == 600 && atomic_load(&W.provider_bodies) == 300);
  CHECK(atomic_load(&W.txs) > 0 && atomic_load(&W.accounts) == W.n_addrs && atomic_load(&W.failures) == 0);

  uv_async_send(&W.stop);
  pthread_join(lt, NULL);
  /* stopped: an even block (the peers' part) fails at once */
  chain_header_t h2;
  ethc_hash_t hash2;
  bytes_buf_t out = {0};
  CHECK(chain_read_header_by_number(W.server, 2, &h2, &hash2) == 0);
  CHECK(W.cr.body(W.cr.ctx, &h2, &hash2, &out, err, sizeof err) == ETHC_ERR_IO);
  CHECK_MSG(strstr(err, "stopping") != NULL, "%s", err);
  bytes_buf_free(&out);

  chain_snapshot_release(head);
  node_peer_source_free(W.src);
  peers_free(W.a);
  peers_free(W.b);
  uv_loop_close(&W.loop);
  chain_close(W.client);
  ethtest_close(W.server);
  free(W.addrs);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
