/* The devp2p source (p2p_remote.h) in one process: a peer manager serving the
 * imported ethtest chain, a second one dialling it with a p2p_remote on top,
 * both on one libuv loop in its own thread; four caller threads at once fetch
 * every block's body and receipts (compared with what the server itself
 * serves) and the head's accounts, code and storage (compared with the
 * server's own state; read by GetTrieNodes), and every block's header by hash
 * (p2p_remote_header: the header that hashes to it; a hash no block has is
 * not found, a wrong number refused), while the loop serves and matches. Then a stopped
 * source fails at once. Built with ThreadSanitizer too (tsan.test_p2p_remote):
 * the bridge between the callers' threads and the loop is what it checks. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/eth_wire.h"
#include "ethc/p2p_node.h"
#include "ethc/p2p_remote.h"
#include "ethc/peers.h"
#include "ethc/secp256k1.h"
#include "ethc/state.h"
#include "test_eth_chain.h"

#define NETWORK 3503995874084926ull
#define THREADS 4

static struct {
  uv_loop_t loop;
  uv_async_t stop;
  chain_t *server;
  peers_t *a, *b;
  p2p_remote_t *remote;
  chain_remote_t cr;
  chain_snapshot_t *head;
  state_base_t want, got;
  ethc_address_t *addrs;
  size_t n_addrs;
  atomic_size_t next, bodies, receipts, accounts, slots, headers, failures;
  int part;
} W;

/* A failure in a worker thread (the CHECK counters are not thread-safe). */
static void fail(const char *what, size_t i, const char *err) {
  atomic_fetch_add(&W.failures, 1);
  fprintf(stderr, "test_p2p_remote: %s %zu: %s\n", what, i, err);
}

static void one_block(uint64_t n) {
  chain_header_t h;
  ethc_hash_t hash;
  char err[300];
  if (chain_read_header_by_number(W.server, n, &h, &hash)) return fail("header", n, "not stored");
  eth_hash_request_t q = {.request_id = 1, .hashes = &hash, .count = 1};
  bytes_buf_t want = {0}, got = {0};
  eth_items_msg_t m = {0};
  if (W.part == 0) {
    if (!(eth_serve_bodies(W.server, &q, &want) == 0)) fail("server body", n, "not served");
    if (!(eth_items_decode(want.data, want.len, ETH_ITEMS_BODIES, &m) == 0 && m.count == 1))
      fail("server body", n, "does not decode");
    if (W.cr.body(W.cr.ctx, &h, &hash, &got, err, sizeof err)) fail("body", n, err);
    else if (m.count != 1 || got.len != m.items[0].len || memcmp(got.data, m.items[0].data, got.len))
      fail("body", n, "differs");
    else atomic_fetch_add(&W.bodies, 1);
  } else {
    if (!(eth_serve_receipts(W.server, 68, &q, &want) == 0)) fail("server receipts", n, "not served");
    if (!(eth_items_decode(want.data, want.len, ETH_ITEMS_RECEIPTS68, &m) == 0 && m.count == 1))
      fail("server receipts", n, "do not decode");
    if (W.cr.receipts(W.cr.ctx, &h, &hash, &got, err, sizeof err)) fail("receipts", n, err);
    else if (m.count != 1 || got.len != m.items[0].len || memcmp(got.data, m.items[0].data, got.len))
      fail("receipts", n, "differ");
    else atomic_fetch_add(&W.receipts, 1);
  }
  eth_items_free(&m);
  bytes_buf_free(&want);
  bytes_buf_free(&got);
}

static void one_header(uint64_t n) {
  chain_header_t want, got;
  ethc_hash_t hash, back;
  char err[300];
  if (chain_read_header_by_number(W.server, n, &want, &hash)) return fail("header", n, "not stored");
  if (p2p_remote_header(W.remote, &hash, n, &got, err, sizeof err)) return fail("header by hash", n, err);
  if (header_hash(&got, &back) || !ethc_hash_eq(&back, &hash) || got.number != n) return fail("header", n, "differs");
  atomic_fetch_add(&W.headers, 1);
}

static void one_account(size_t i) {
  const ethc_address_t *a = &W.addrs[i];
  state_account_t want, got;
  int rw = W.want.get_account(W.want.ctx, &W.want.root, a, &want);
  int rg = W.got.get_account(W.got.ctx, &W.got.root, a, &got);
  if (rw != rg) return fail("account (return code)", i, "differs");
  if (rw == ETHC_ERR_NOT_FOUND) return (void)atomic_fetch_add(&W.accounts, 1);
  if (memcmp(&want, &got, sizeof want)) return fail("account", i, "differs");
  static const uint8_t empty_code[32] = {0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                         0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                         0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70};
  bytes_buf_t cw = {0}, cg = {0};
  int cw_rc = memcmp(want.code_hash.bytes, empty_code, 32) ? W.want.get_code(W.want.ctx, &want.code_hash, &cw) : 0;
  if (!(cw_rc == 0)) fail("server code", i, "not read");
  if (W.got.get_code(W.got.ctx, &got.code_hash, &cg) || cw.len != cg.len ||
      (cw.len && memcmp(cw.data, cg.data, cw.len)))
    fail("code", i, "differs");
  bytes_buf_free(&cw);
  bytes_buf_free(&cg);
  for (uint64_t k = 0; k < 8; k++) { /* the first slots (present or absent) */
    u256_t key = {{k, 0, 0, 0}}, vw, vg;
    if (!(W.want.get_storage(W.want.ctx, a, &want.storage_root, &key, &vw) == 0)) fail("server slot", i, "not read");
    if (W.got.get_storage(W.got.ctx, a, &got.storage_root, &key, &vg) || memcmp(&vw, &vg, sizeof vw))
      fail("slot", i, "differs");
    else atomic_fetch_add(&W.slots, 1);
  }
  atomic_fetch_add(&W.accounts, 1);
}

static void *worker(void *arg) {
  (void)arg;
  for (;;) {
    size_t i = atomic_fetch_add(&W.next, 1);
    if (W.part == 3) {
      if (i >= 600) break;
      one_header(i + 1);
    } else if (W.part < 2) {
      if (i >= 600) break;
      one_block(i + 1);
    } else {
      if (i >= W.n_addrs) break;
      one_account(i);
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
  p2p_remote_stop(W.remote);
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
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  if (!f) return;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = calloc(1, (size_t)len + 1);
  CHECK(s && fread(s, 1, (size_t)len, f) == (size_t)len);
  fclose(f);
  cJSON *j = cJSON_Parse(s), *accs = cJSON_GetObjectItem(j, "accounts"), *a;
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
  char dir[64] = "/tmp/ethc-remote-XXXXXX", genesis[1024], err[512];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  chain_t *client = NULL;
  CHECK_MSG(chain_open(&o, &client, err, sizeof err) == 0, "%s", err);
  uv_loop_init(&W.loop);
  peers_opts_t pa = {.chain = W.server, .network_id = NETWORK, .client_id = "ethc/server"};
  memset(pa.key, 0x51, 32);
  CHECK_MSG(peers_start(&W.loop, &pa, &W.a, err, sizeof err) == 0, "%s", err);
  p2p_node_t n = {.tcp = peers_port(W.a)};
  ethc_secp256k1_pubkey_create(pa.key, n.pubkey);
  const uint8_t lo[4] = {127, 0, 0, 1};
  p2p_ip_from4(n.ip, lo);
  peers_opts_t pb = {.chain = client,
                     .network_id = NETWORK,
                     .client_id = "ethc/client",
                     .trusted = &n,
                     .trusted_count = 1};
  memset(pb.key, 0x52, 32);
  CHECK_MSG(peers_start(&W.loop, &pb, &W.b, err, sizeof err) == 0, "%s", err);
  CHECK(p2p_remote_new(W.b, NULL, &W.remote) == 0);
  W.cr = p2p_remote_as_chain_remote(W.remote);
  uv_async_init(&W.loop, &W.stop, on_stop);
  pthread_t lt;
  pthread_create(&lt, NULL, loop_thread, NULL);
  for (int i = 0; i < 200 && peers_count(W.b) < 1; i++) usleep(20000);
  CHECK(peers_count(W.b) == 1);

  run_part(0);
  run_part(1);
  W.head = chain_snapshot_head(W.server);
  chain_snapshot_base(W.head, &W.want);
  const chain_header_t *h = chain_snapshot_header(W.head);
  CHECK_MSG(W.cr.state(W.cr.ctx, h, chain_snapshot_hash(W.head), &W.got, err, sizeof err) == 0, "%s", err);
  run_part(2);
  printf("from 4 threads: %zu bodies, %zu receipts, %zu accounts (%zu slots) matched\n", atomic_load(&W.bodies),
         atomic_load(&W.receipts), atomic_load(&W.accounts), atomic_load(&W.slots));
  CHECK(atomic_load(&W.bodies) == 600 && atomic_load(&W.receipts) == 600);
  CHECK(atomic_load(&W.accounts) == W.n_addrs && atomic_load(&W.failures) == 0);
  /* an in-memory overlay (what eth_call executes on) reads through the source */
  state_t *ow = state_new_over(&W.want), *og = state_new_over(&W.got);
  CHECK(ow && og);
  for (size_t i = 0; ow && og && i < W.n_addrs; i++) {
    u256_t bw, bg, sw, sg, k = {{1, 0, 0, 0}};
    size_t zw, zg;
    state_get_balance(ow, &W.addrs[i], &bw);
    state_get_balance(og, &W.addrs[i], &bg);
    state_get_storage(ow, &W.addrs[i], &k, &sw);
    state_get_storage(og, &W.addrs[i], &k, &sg);
    const uint8_t *cw = state_get_code(ow, &W.addrs[i], &zw, NULL), *cg = state_get_code(og, &W.addrs[i], &zg, NULL);
    CHECK(!memcmp(&bw, &bg, sizeof bw) && !memcmp(&sw, &sg, sizeof sw) && zw == zg && (!zw || !memcmp(cw, cg, zw)));
    CHECK(state_get_nonce(ow, &W.addrs[i]) == state_get_nonce(og, &W.addrs[i]));
  }
  CHECK(og && state_error(og) == 0);
  state_free(ow);
  state_free(og);
  /* headers by hash (the --light follower's source) */
  run_part(3);
  printf("from 4 threads: %zu headers by hash matched\n", atomic_load(&W.headers));
  CHECK(atomic_load(&W.headers) == 600 && atomic_load(&W.failures) == 0);
  {
    chain_header_t hx;
    ethc_hash_t nowhere, h2;
    memset(nowhere.bytes, 0xab, 32);
    CHECK(p2p_remote_header(W.remote, &nowhere, 5, &hx, err, sizeof err) == ETHC_ERR_NOT_FOUND);
    CHECK_MSG(strstr(err, "no peer has it") != NULL, "%s", err);
    CHECK(chain_read_header_by_number(W.server, 2, &hx, &h2) == 0);
    /* the right hash, a wrong number: refused, the peer not blamed (it told the truth) */
    CHECK(p2p_remote_header(W.remote, &h2, 3, &hx, err, sizeof err) == ETHC_ERR_INVALID);
    CHECK_MSG(strstr(err, "is #2, not #3") != NULL, "%s", err);
  }
  p2p_remote_stats_t st;
  p2p_remote_stats(W.remote, &st);
  CHECK(st.refused == 0 && st.timeouts == 0 && st.requests > 600);
  /* state by GetTrieNodes (an ethc server answers them), not one range read */
  printf("state: %llu reads by GetTrieNodes in %llu round trips asking %llu paths, %llu by ranges\n",
         (unsigned long long)st.node_reads, (unsigned long long)st.node_requests, (unsigned long long)st.node_paths,
         (unsigned long long)st.range_reads);
  CHECK(st.node_reads >= W.n_addrs && st.range_reads == 0 && st.node_requests >= 1);
  /* the depths learnt: far fewer than 17 paths a request, and rarely a second round trip */
  CHECK_MSG(st.node_paths < 10 * st.node_requests && st.node_requests < 2 * st.node_reads,
            "%llu paths in %llu round trips for %llu reads", (unsigned long long)st.node_paths,
            (unsigned long long)st.node_requests, (unsigned long long)st.node_reads);

  uv_async_send(&W.stop);
  pthread_join(lt, NULL);
  /* stopped: a read fails at once, without a peer */
  chain_header_t h1;
  ethc_hash_t hash1;
  bytes_buf_t out = {0};
  CHECK(chain_read_header_by_number(W.server, 1, &h1, &hash1) == 0);
  CHECK(W.cr.body(W.cr.ctx, &h1, &hash1, &out, err, sizeof err) == ETHC_ERR_IO);
  CHECK_MSG(strstr(err, "stopping") != NULL, "%s", err);
  bytes_buf_free(&out);

  chain_snapshot_release(W.head);
  p2p_remote_free(W.remote);
  peers_free(W.a);
  peers_free(W.b);
  uv_loop_close(&W.loop);
  chain_close(client);
  ethtest_close(W.server);
  free(W.addrs);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
