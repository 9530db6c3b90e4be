/* p2p_fetch DATADIR CHAIN_DIR NETWORK_ID ENODES [THREADS] [PARTS] [STRIDE]: a test
 * client of the devp2p source (p2p_remote.h) for tests/system/p2p_remote.py.
 * It makes DATADIR from CHAIN_DIR/genesis.json, dials ENODES (a comma list)
 * with the peer manager (no sync), and from THREADS threads (4) at once asks
 * the source, for the blocks of CHAIN_DIR/chain.rlp (their headers are the
 * trusted input):
 *   bodies    every block's body, compared byte for byte with chain.rlp's;
 *   receipts  every block's receipts (verified by the source against the
 *             receipts root), one per transaction;
 *   state     every account of headstate.json at the head's state root:
 *             nonce, balance, storage root, code hash, code and every storage
 *             slot compared; addresses not in it must be proven absent; the
 *             state of block 1 (older than the ~128 states snap peers keep)
 *             must fail with a message saying so.
 * PARTS picks some of them (default "bodies,receipts,state"); STRIDE (1)
 * makes the bodies and receipts those of every STRIDE-th block. It prints one
 * line per part and the source's figures, and exits 0 when all matched. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/keccak.h"
#include "ethc/p2p_node.h"
#include "ethc/p2p_remote.h"
#include "ethc/peers.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"

typedef struct {
  chain_header_t h;
  ethc_hash_t hash;
  bytes_view_t body; /* [txs, ommers(, withdrawals)] re-encoded */
  size_t txs;
} blk_t;

typedef struct {
  ethc_address_t addr;
  state_account_t want;
  bytes_buf_t code;
  uint8_t (*slots)[32];
  u256_t *values;
  size_t n_slots;
} acct_t;

static struct {
  uv_loop_t loop;
  uv_async_t stop;
  peers_t *peers;
  p2p_remote_t *remote;
  chain_remote_t cr;
  blk_t *b;
  size_t n;
  bytes_buf_t bodies;
  acct_t *acc;
  size_t n_acc;
  atomic_size_t next;
  atomic_size_t ok, bad, receipts, slots, codes, absent;
  int part;
  size_t stride;
} T;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int load_chain(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/chain.rlp", dir);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  static bytes_buf_t raw;
  uint8_t buf[65536];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) bytes_buf_append(&raw, buf, k);
  fclose(f);
  size_t off = 0, cap = 1024;
  T.b = calloc(cap, sizeof *T.b);
  size_t *starts = calloc(cap, sizeof *starts);
  while (off < raw.len && T.n < cap) {
    rlp_item_t blk, hdr;
    size_t used, hused;
    if (rlp_decode_item(raw.data + off, raw.len - off, &blk, &used) || !blk.is_list) return -1;
    if (rlp_decode_item(blk.payload, blk.payload_len, &hdr, &hused)) return -1;
    blk_t *b = &T.b[T.n];
    if (header_decode(hdr.raw, hdr.raw_len, &b->h)) return -1;
    keccak256(hdr.raw, hdr.raw_len, b->hash.bytes);
    starts[T.n] = T.bodies.len;
    size_t rest = blk.payload_len - hused;
    rlp_put_header(&T.bodies, true, rest);
    bytes_buf_append(&T.bodies, blk.payload + hused, rest);
    rlp_item_t txs;
    size_t tused;
    if (rlp_decode_item(blk.payload + hused, rest, &txs, &tused)) return -1;
    b->txs = (size_t)rlp_list_count(&txs);
    b->body.len = T.bodies.len - starts[T.n];
    T.n++;
    off += used;
  }
  for (size_t i = 0; i < T.n; i++) T.b[i].body.data = T.bodies.data + starts[i];
  free(starts);
  return 0;
}

static int load_state(const char *dir) {
  char path[4096];
  snprintf(path, sizeof path, "%s/headstate.json", dir);
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)len + 1);
  if (!s || fread(s, 1, (size_t)len, f) != (size_t)len) return -1;
  s[len] = 0;
  fclose(f);
  cJSON *j = cJSON_Parse(s), *accs = cJSON_GetObjectItem(j, "accounts"), *a;
  free(s);
  if (!accs) return -1;
  T.acc = calloc((size_t)cJSON_GetArraySize(accs), sizeof *T.acc);
  cJSON_ArrayForEach(a, accs) {
    acct_t *x = &T.acc[T.n_acc++];
    const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(a, "code"));
    cJSON *st = cJSON_GetObjectItem(a, "storage"), *e;
    if (hex_decode_fixed(a->string, true, x->addr.bytes, 20) ||
        !u256_from_string(&x->want.balance, cJSON_GetStringValue(cJSON_GetObjectItem(a, "balance"))) ||
        hex_decode_fixed(cJSON_GetStringValue(cJSON_GetObjectItem(a, "root")), true, x->want.storage_root.bytes, 32) ||
        hex_decode_fixed(cJSON_GetStringValue(cJSON_GetObjectItem(a, "codeHash")), true, x->want.code_hash.bytes, 32))
      return -1;
    x->want.nonce = (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(a, "nonce"));
    if (code) {
      uint8_t *c;
      size_t cl;
      if (hex_decode_alloc(code, true, &c, &cl)) return -1;
      bytes_buf_append(&x->code, c, cl);
      free(c);
    }
    size_t ns = st ? (size_t)cJSON_GetArraySize(st) : 0;
    x->slots = calloc(ns + 1, 32);
    x->values = calloc(ns + 1, sizeof *x->values);
    cJSON_ArrayForEach(e, st) {
      uint8_t v[32];
      size_t vl;
      if (hex_decode_fixed(e->string, true, x->slots[x->n_slots], 32) ||
          hex_decode(cJSON_GetStringValue(e), false, v, 32, &vl) || !u256_from_be_bytes(&x->values[x->n_slots], v, vl))
        return -1;
      x->n_slots++;
    }
  }
  cJSON_Delete(j);
  return 0;
}

static void bad(const char *what, size_t i, const char *err) {
  atomic_fetch_add(&T.bad, 1);
  fprintf(stderr, "p2p_fetch: %s %zu: %s\n", what, i, err);
}

static state_base_t g_base; /* the head's state (set before the state workers start) */

static void *worker(void *arg) {
  (void)arg;
  char err[400];
  for (;;) {
    size_t i = atomic_fetch_add(&T.next, 1);
    if (T.part == 0 || T.part == 1) {
      if (i * T.stride + T.stride - 1 >= T.n) break;
      blk_t *b = &T.b[i * T.stride + T.stride - 1];
      bytes_buf_t out = {0};
      int rc = T.part == 0 ? T.cr.body(T.cr.ctx, &b->h, &b->hash, &out, err, sizeof err)
                           : T.cr.receipts(T.cr.ctx, &b->h, &b->hash, &out, err, sizeof err);
      if (rc) bad(T.part ? "receipts of block" : "body of block", (size_t)b->h.number, err);
      else if (T.part == 0 && (out.len != b->body.len || memcmp(out.data, b->body.data, out.len)))
        bad("body of block", (size_t)b->h.number, "differs from chain.rlp's");
      else if (T.part == 1) {
        rlp_item_t l;
        if (rlp_decode_strict(out.data, out.len, &l) || (size_t)rlp_list_count(&l) != b->txs)
          bad("receipts of block", (size_t)b->h.number, "not one per transaction");
        else atomic_fetch_add(&T.receipts, b->txs), atomic_fetch_add(&T.ok, 1);
      } else atomic_fetch_add(&T.ok, 1);
      bytes_buf_free(&out);
      continue;
    }
    /* state */
    if (i >= T.n_acc + 8) break;
    state_account_t got;
    if (i >= T.n_acc) { /* an address not in the state */
      ethc_address_t a;
      memset(a.bytes, 0xee, 20);
      a.bytes[0] = (uint8_t)(i - T.n_acc);
      int rc = g_base.get_account(g_base.ctx, &g_base.root, &a, &got);
      if (rc != ETHC_ERR_NOT_FOUND) bad("absent account", i - T.n_acc, rc ? "not proven absent" : "found");
      else atomic_fetch_add(&T.absent, 1);
      continue;
    }
    acct_t *x = &T.acc[i];
    int rc = g_base.get_account(g_base.ctx, &g_base.root, &x->addr, &got);
    if (rc) {
      snprintf(err, sizeof err, "get_account: error %d", rc);
      bad("account", i, err);
      continue;
    }
    if (got.nonce != x->want.nonce || memcmp(&got.balance, &x->want.balance, sizeof got.balance) ||
        !ethc_hash_eq(&got.storage_root, &x->want.storage_root) || !ethc_hash_eq(&got.code_hash, &x->want.code_hash)) {
      bad("account", i, "differs from headstate.json");
      continue;
    }
    bytes_buf_t code = {0};
    rc = g_base.get_code(g_base.ctx, &got.code_hash, &code);
    if (rc || code.len != x->code.len || (code.len && memcmp(code.data, x->code.data, code.len))) {
      bad("code of account", i, rc ? "error" : "differs");
      bytes_buf_free(&code);
      continue;
    }
    if (code.len) atomic_fetch_add(&T.codes, 1);
    bytes_buf_free(&code);
    bool ok = true;
    for (size_t s = 0; s < x->n_slots && ok; s++) {
      u256_t key, v;
      u256_from_be(&key, x->slots[s]);
      rc = g_base.get_storage(g_base.ctx, &x->addr, &got.storage_root, &key, &v);
      if (rc || memcmp(&v, &x->values[s], sizeof v)) bad("slot of account", i, rc ? "error" : "differs"), ok = false;
      else atomic_fetch_add(&T.slots, 1);
    }
    if (ok) atomic_fetch_add(&T.ok, 1);
  }
  return NULL;
}

static int run_part(int part, unsigned threads) {
  T.part = part;
  atomic_store(&T.next, 0);
  atomic_store(&T.ok, 0);
  atomic_store(&T.bad, 0);
  pthread_t th[64];
  for (unsigned i = 0; i < threads; i++) pthread_create(&th[i], NULL, worker, NULL);
  for (unsigned i = 0; i < threads; i++) pthread_join(th[i], NULL);
  return atomic_load(&T.bad) ? -1 : 0;
}

static void on_stop(uv_async_t *a) {
  p2p_remote_stop(T.remote);
  peers_stop(T.peers);
  uv_close((uv_handle_t *)a, NULL);
}

static void *loop_thread(void *arg) {
  (void)arg;
  uv_run(&T.loop, UV_RUN_DEFAULT);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: p2p_fetch DATADIR CHAIN_DIR NETWORK_ID ENODES [THREADS] [PARTS] [STRIDE]\n");
    return 2;
  }
  unsigned threads = argc > 5 ? (unsigned)atoi(argv[5]) : 4;
  const char *parts = argc > 6 ? argv[6] : "bodies,receipts,state";
  T.stride = argc > 7 ? (size_t)atoi(argv[7]) : 1;
  if (T.stride < 1) T.stride = 1;
  if (threads < 1 || threads > 64) threads = 4;
  char err[512], genesis[4096];
  snprintf(genesis, sizeof genesis, "%s/genesis.json", argv[2]);
  if (load_chain(argv[2]) || load_state(argv[2])) return fprintf(stderr, "p2p_fetch: cannot load %s\n", argv[2]), 1;
  chain_t *chain;
  chain_open_opts_t co = {.datadir = argv[1], .genesis_path = genesis};
  if (chain_open(&co, &chain, err, sizeof err)) return fprintf(stderr, "p2p_fetch: %s\n", err), 1;
  p2p_node_t *trusted;
  size_t nt;
  if (enode_parse_list(argv[4], &trusted, &nt, err, sizeof err)) return fprintf(stderr, "p2p_fetch: %s\n", err), 1;
  uv_loop_init(&T.loop);
  peers_opts_t po = {.chain = chain,
                     .network_id = strtoull(argv[3], NULL, 10),
                     .client_id = "ethc-test/p2p_fetch",
                     .trusted = trusted,
                     .trusted_count = nt,
                     .ban_ms = 60000};
  FILE *r = fopen("/dev/urandom", "rb");
  if (!r || fread(po.key, 1, 32, r) != 32) return 2;
  fclose(r);
  if (peers_start(&T.loop, &po, &T.peers, err, sizeof err)) return fprintf(stderr, "p2p_fetch: %s\n", err), 1;
  p2p_remote_opts_t ro = {.timeout_ms = 5000};
  if (p2p_remote_new(T.peers, &ro, &T.remote)) return 1;
  T.cr = p2p_remote_as_chain_remote(T.remote);
  uv_async_init(&T.loop, &T.stop, on_stop);
  pthread_t lt;
  pthread_create(&lt, NULL, loop_thread, NULL);
  double t0 = now_s();
  while (peers_count(T.peers) < nt && now_s() - t0 < 20) usleep(50000);
  printf("peers: %u of %zu in %.2f s\n", peers_count(T.peers), nt, now_s() - t0);
  fflush(stdout);
  int fails = 0;
  if (strstr(parts, "bodies")) {
    double t = now_s();
    int rc = run_part(0, threads);
    fails += rc != 0;
    printf("bodies: %zu/%zu matched chain.rlp in %.2f s\n", atomic_load(&T.ok), T.n / T.stride, now_s() - t);
    fflush(stdout);
  }
  if (strstr(parts, "receipts")) {
    double t = now_s();
    int rc = run_part(1, threads);
    fails += rc != 0;
    size_t with_logs = 0;
    static const uint8_t zero[256];
    for (size_t i = 0; i < T.n; i++) with_logs += memcmp(T.b[i].h.bloom, zero, 256) != 0;
    printf("receipts: %zu/%zu blocks verified (%zu receipts, %zu blocks with logs) in %.2f s\n", atomic_load(&T.ok),
           T.n / T.stride, atomic_load(&T.receipts), with_logs, now_s() - t);
    fflush(stdout);
  }
  if (strstr(parts, "state")) {
    blk_t *head = &T.b[T.n - 1];
    double t = now_s();
    if (T.cr.state(T.cr.ctx, &head->h, &head->hash, &g_base, err, sizeof err)) {
      printf("state: the head's state: %s\n", err);
      fails++;
    } else {
      int rc = run_part(2, threads);
      fails += rc != 0;
      printf("state: %zu/%zu accounts matched headstate.json (%zu slots, %zu codes), %zu absent proven, in %.2f s\n",
             atomic_load(&T.ok), T.n_acc, atomic_load(&T.slots), atomic_load(&T.codes), atomic_load(&T.absent),
             now_s() - t);
      /* again: from the cache */
      p2p_remote_stats_t s0, s1;
      p2p_remote_stats(T.remote, &s0);
      t = now_s();
      rc = run_part(2, threads);
      p2p_remote_stats(T.remote, &s1);
      printf("state again: %s, %" PRIu64 " cache hits, %" PRIu64 " requests, in %.2f s\n", rc ? "FAILED" : "matched",
             s1.cache_hits - s0.cache_hits, s1.requests - s0.requests, now_s() - t);
      fails += rc != 0;
    }
    state_base_t old;
    int rc = T.cr.state(T.cr.ctx, &T.b[0].h, &T.b[0].hash, &old, err, sizeof err);
    printf("old state (#%" PRIu64 "): %s\n", T.b[0].h.number, rc ? err : "served (unexpected)");
    if (!rc || !strstr(err, "128")) fails++;
  }
  ethc_hash_t tx = {{0}}, bh;
  uint32_t idx;
  if (T.cr.tx_location(T.cr.ctx, &tx, &bh, &idx, err, sizeof err) != ETHC_ERR_NOT_FOUND) fails++;
  p2p_remote_stats_t s;
  p2p_remote_stats(T.remote, &s);
  char *bans = peers_bans_json(T.peers);
  printf("stats: %" PRIu64 " requests, %" PRIu64 " refused, %" PRIu64 " timeouts, %" PRIu64 " cache hits\n", s.requests,
         s.refused, s.timeouts, s.cache_hits);
  printf("state reads: %" PRIu64 " by GetTrieNodes in %" PRIu64 " round trips asking %" PRIu64 " paths, %" PRIu64
         " by ranges\n",
         s.node_reads, s.node_requests, s.node_paths, s.range_reads);
  printf("bans: %s\n", bans);
  free(bans);
  fflush(stdout);
  uv_async_send(&T.stop);
  pthread_join(lt, NULL);
  p2p_remote_free(T.remote);
  peers_free(T.peers);
  uv_loop_close(&T.loop);
  chain_close(chain);
  free(trusted);
  printf("%s\n", fails ? "FAILED" : "OK");
  return fails ? 1 : 0;
}
