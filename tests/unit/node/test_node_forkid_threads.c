/* Threaded test of the node record following the head (src/node/node_discv4.c):
 * an importing thread sets light heads across Prague, Osaka, BPO1 and BPO2 on
 * hoodi while the loop thread re-signs the record and an RPC-like thread reads
 * it under the lock (as admin_nodeInfo does). Every record read verifies, its
 * seq never goes down, and the last one holds the newest fork id. Also built
 * with ThreadSanitizer (tsan.test_node_forkid_threads). Files go to
 * ./node_forkid_threads_tmp (the build directory under ctest). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "check.h"
#include "ethc/chain_light.h"
#include "ethc/error.h"
#include "ethc/p2p_enr.h"
#include "node/node_discv4.h"

#ifdef ETHC_TEST_NO_RPC
/* The TSan build links the node's p2p wiring without the RPC layer; the hand-over
 * of admin_nodeInfo to an RPC server (node_p2p_start) is not exercised here. */
#include "ethc/rpc.h"
void rpc_server_set_admin(rpc_server_t *s, const rpc_admin_t *a) {
  (void)s;
  (void)a;
}
#endif

#define DIR "node_forkid_threads_tmp"
#define HEADS 60

static chain_t *chain;
static node_p2p_t p;
static atomic_bool done;
static atomic_int import_failures, read_failures;

/* Heads from before Prague (1742999832) to after BPO2 (1762955544). */
static void *importer(void *arg) {
  (void)arg;
  ethc_hash_t parent = {0};
  for (int i = 0; i < HEADS; i++) {
    chain_header_t h;
    memset(&h, 0, sizeof h);
    h.parent_hash = parent;
    h.ommers_hash = HEADER_EMPTY_OMMERS_HASH;
    h.tx_root = h.receipts_root = h.withdrawals_root = HEADER_EMPTY_TRIE_ROOT;
    h.number = 1000 + (uint64_t)i;
    h.gas_limit = 60000000;
    h.timestamp = 1742900000ULL + (uint64_t)i * 400000ULL;
    h.has_base_fee = h.has_withdrawals_root = h.has_blob_gas = h.has_parent_beacon_root = true;
    bytes_buf_t raw = {0};
    ethc_hash_t hh = {0};
    if (header_encode(&h, &raw) || chain_light_store(chain, raw.data, raw.len, &hh) ||
        chain_light_set_head(chain, &hh, NULL, NULL))
      atomic_fetch_add(&import_failures, 1);
    bytes_buf_free(&raw);
    parent = hh;
  }
  atomic_store(&done, true);
  return NULL;
}

static void *reader(void *arg) {
  (void)arg;
  uint64_t last_seq = 0;
  while (!atomic_load(&done)) {
    pthread_mutex_lock(&p.lock);
    enr_t e = p.info.enr;
    pthread_mutex_unlock(&p.lock);
    char text[ENR_TEXT_MAX];
    enr_t back;
    forkid_t id;
    if (!enr_to_text(&e, text, sizeof text) || enr_from_text(text, &back) || enr_eth_forkid(&back, &id) ||
        back.seq < last_seq)
      atomic_fetch_add(&read_failures, 1);
    last_seq = back.seq;
  }
  return NULL;
}

int main(void) {
  char err[256] = "";
  (void)system("rm -rf " DIR);
  CHECK_MSG(chain_light_create(DIR, "hoodi", err, sizeof err) == 0, "%s", err);
  chain_open_opts_t co = {.datadir = DIR, .explicit_fork_choice = true};
  CHECK_MSG(chain_open(&co, &chain, err, sizeof err) == 0, "%s", err);
  if (!chain) return check_summary();
  uv_loop_t loop;
  CHECK(uv_loop_init(&loop) == 0);
  memset(&p, 0, sizeof p);
  p.on = true;
  pthread_mutex_init(&p.lock, NULL);
  for (int i = 0; i < 32; i++) p.key[i] = (uint8_t)(0x40 + i);
  static const uint8_t lo[4] = {127, 0, 0, 1};
  p2p_ip_from4(p.info.ip, lo);
  p.info.tcp_port = 30303;
  enr_fields_t f = {0};
  node_p2p_enr_address(&p, &f);
  CHECK(enr_sign(p.key, 1, &f, &p.info.enr) == 0);
  CHECK(node_p2p_track_forkid(&p, &loop, chain, 560048) == 0);

  pthread_t ti, tr;
  CHECK(pthread_create(&tr, NULL, reader, NULL) == 0);
  CHECK(pthread_create(&ti, NULL, importer, NULL) == 0);
  while (!atomic_load(&done)) {
    uv_run(&loop, UV_RUN_NOWAIT);
    usleep(500);
  }
  pthread_join(ti, NULL);
  pthread_join(tr, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
  CHECK_MSG(atomic_load(&import_failures) == 0, "%d imports failed", atomic_load(&import_failures));
  CHECK_MSG(atomic_load(&read_failures) == 0, "%d record reads failed", atomic_load(&read_failures));
  forkid_t id = {0};
  CHECK(enr_eth_forkid(&p.info.enr, &id) == 0);
  CHECK_MSG(id.hash == 0x23aa1351 && id.next == 0, "last id %08x/%llu", id.hash, (unsigned long long)id.next);
  /* genesis id (seq 2), then at most one re-sign per fork crossed: 4 */
  CHECK_MSG(p.info.enr.seq >= 3 && p.info.enr.seq <= 6, "seq %llu", (unsigned long long)p.info.enr.seq);
  node_p2p_stop(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  chain_close(chain);
  node_p2p_free(&p);
  (void)system("rm -rf " DIR);
  return check_summary();
}
