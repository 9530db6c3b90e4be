/* The discv4 service in one process: three services on one libuv loop over
 * 127.0.0.1, one the bootnode of the others, find each other by ping, bonding
 * and lookups; meanwhile another thread reads the tables and records as the RPC
 * threads do (built again under ThreadSanitizer as tsan.test_disc_service). A new
 * "eth" entry re-signs the record with the next seq, and a peer fetches the new
 * record after a pong announces it (EIP-868); stopping frees cleanly. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/p2p_discv4.h"
#include "ethc/secp256k1.h"

static discv4_t *svc[3];
static atomic_bool done;
static atomic_size_t reads;
static uv_timer_t watch, limit;

static void *reader(void *arg) {
  (void)arg;
  static enr_t e;
  while (!atomic_load(&done)) {
    for (int i = 0; i < 3; i++) {
      discv4_table_size(svc[i]);
      discv4_local_enr(svc[i], &e);
      char *json = discv4_table_json(svc[i]);
      free(json);
    }
    atomic_fetch_add(&reads, 1);
  }
  return NULL;
}

static void on_watch(uv_timer_t *t) {
  (void)t;
  for (int i = 0; i < 3; i++)
    if (discv4_table_size(svc[i]) < 2) return;
  uv_timer_stop(&watch);
  uv_timer_stop(&limit);
}

static void on_watch_enr(uv_timer_t *t) {
  static enr_t e;
  if (discv4_node_record(svc[0], t->data, &e) && e.eth_len) {
    uv_timer_stop(&watch);
    uv_timer_stop(&limit);
  }
}

static void on_limit(uv_timer_t *t) {
  (void)t;
  uv_timer_stop(&watch);
}

int main(void) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  uint8_t keys[3][32], pub[64];
  p2p_node_t boot = {0};
  char err[256];
  for (int i = 0; i < 3; i++) {
    memset(keys[i], 0x11 * (i + 1), 32);
    discv4_opts_t o = {.key = keys[i],
                       .bind_addr = "127.0.0.1",
                       .bootnodes = i ? &boot : NULL,
                       .revalidate_ms = 100,
                       .bootnode_count = i ? 1 : 0};
    CHECK_MSG(discv4_start(&loop, &o, &svc[i], err, sizeof err) == 0, "%s", err);
    if (i == 0) { /* the others boot from this one */
      CHECK(ethc_secp256k1_pubkey_create(keys[0], pub) == 0);
      memcpy(boot.pubkey, pub, 64);
      p2p_node_id(pub, boot.id);
      static const uint8_t lo[4] = {127, 0, 0, 1};
      p2p_ip_from4(boot.ip, lo);
      boot.udp = boot.tcp = discv4_port(svc[0]);
    }
  }
  /* the port is taken: a clear error, nothing left open */
  discv4_t *clash = NULL;
  discv4_opts_t o = {.key = keys[0], .bind_addr = "127.0.0.1", .port = discv4_port(svc[0])};
  CHECK(discv4_start(&loop, &o, &clash, err, sizeof err) != 0 && strstr(err, "UDP port") && !clash);

  pthread_t th;
  pthread_create(&th, NULL, reader, NULL);
  uv_timer_init(&loop, &watch);
  uv_timer_init(&loop, &limit);
  uv_timer_start(&watch, on_watch, 100, 100);
  uv_timer_start(&limit, on_limit, 20000, 0);
  /* run until the tables are full or time is up: the services' timers keep the
   * loop alive, so step it while the watch timer runs */
  while (uv_is_active((uv_handle_t *)&watch)) uv_run(&loop, UV_RUN_ONCE);
  for (int i = 0; i < 3; i++)
    CHECK_MSG(discv4_table_size(svc[i]) == 2, "node %d has %zu", i, discv4_table_size(svc[i]));

  enr_t before, after;
  discv4_local_enr(svc[1], &before);
  static const uint8_t eth[] = {0xc7, 0xc6, 0x84, 0xfc, 0x64, 0xec, 0x04, 0x80};
  CHECK(discv4_set_eth_entry(svc[1], eth, sizeof eth) == 0);
  discv4_local_enr(svc[1], &after);
  CHECK(after.seq == before.seq + 1 && after.eth_len == sizeof eth &&
        !memcmp(after.raw + after.eth_off, eth, sizeof eth));
  CHECK(!memcmp(after.id, before.id, 32) && after.udp == discv4_port(svc[1]));

  /* EIP-868: the new seq reaches node 0 in a pong; it fetches the record with ENRRequest */
  uint8_t id1[32];
  memcpy(id1, after.id, 32);
  static enr_t got;
  watch.data = id1;
  uv_timer_start(&watch, on_watch_enr, 50, 50);
  uv_timer_start(&limit, on_limit, 10000, 0);
  while (uv_is_active((uv_handle_t *)&watch)) uv_run(&loop, UV_RUN_ONCE);
  CHECK(discv4_node_record(svc[0], id1, &got) && got.seq == after.seq && got.eth_len == sizeof eth);
  char *json = discv4_table_json(svc[0]);
  CHECK(json && strstr(json, "\"enr\":\"enr:"));
  free(json);

  atomic_store(&done, true);
  pthread_join(th, NULL);
  CHECK(atomic_load(&reads) > 0);
  for (int i = 0; i < 3; i++) discv4_stop(svc[i]);
  uv_close((uv_handle_t *)&watch, NULL);
  uv_close((uv_handle_t *)&limit, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  for (int i = 0; i < 3; i++) discv4_free(svc[i]);
  CHECK(uv_loop_close(&loop) == 0);
  return check_summary();
}
