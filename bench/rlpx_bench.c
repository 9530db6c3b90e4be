/* rlpx_bench [N] [PEERS]: RLPx on one libuv loop over 127.0.0.1. First N
 * handshakes (TCP connect, auth/ack, both Hellos), 16 in flight, timed as
 * handshakes per second; then PEERS connection pairs kept open at once, with the
 * process's RSS before and after giving the memory per connected peer (both
 * ends of each pair are in this process, so per peer = delta / (2 * PEERS));
 * then 1 MiB messages through one connection (MB/s with snappy and framing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"

static const rlpx_proto_t protos[] = {{"eth", 69, 18}, {"snap", 1, 8}};

static uv_loop_t *loop;
static uv_tcp_t server;
static rlpx_config_t scfg, ccfg;
static uint8_t sid[64];
static struct sockaddr_in addr;
static int target, started, ready_pairs, open_conns, inflight, keep_open;
static rlpx_conn_t **kept;
static int n_kept;
static uint8_t *big;
static int msgs_wanted, msgs_got;

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
  if (f) fclose(f);
  return kb;
}

static void dial_more(void);

static void on_ready(rlpx_conn_t *c, void *user) {
  if (!rlpx_conn_initiator(c)) return;
  ready_pairs++;
  if (keep_open) kept[n_kept++] = c;
  else rlpx_close(c);
  inflight--;
  dial_more();
  if (keep_open && ready_pairs == target) uv_stop(loop);
}

static void on_msg(rlpx_conn_t *c, const rlpx_shared_cap_t *cap, uint64_t code, const uint8_t *d, size_t n, void *u) {
  if (++msgs_got == msgs_wanted) uv_stop(loop);
}

static void on_close(rlpx_conn_t *c, int reason, bool remote, const char *why, void *user) {
  open_conns--;
  if (!keep_open && ready_pairs == target && open_conns == 0) uv_stop(loop);
}

static void on_connection(uv_stream_t *s, int status) {
  rlpx_conn_t *c;
  if (status == 0 && rlpx_accept(loop, &scfg, s, &c) == 0) open_conns++;
}

static void dial_more(void) {
  while (started < target && inflight < 16) {
    rlpx_conn_t *c;
    if (rlpx_dial(loop, &ccfg, (const struct sockaddr *)&addr, sid, &c)) {
      fprintf(stderr, "dial failed\n");
      exit(1);
    }
    started++, inflight++, open_conns++;
  }
}

static double now(void) { return (double)uv_hrtime() / 1e9; }

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500, peers = argc > 2 ? atoi(argv[2]) : 200;
  loop = uv_default_loop();
  rlpx_callbacks_t cb = {on_ready, on_msg, on_close};
  scfg = (rlpx_config_t){.client_id = "bench/s", .protos = protos, .n_protos = 2, .cb = cb};
  ccfg = (rlpx_config_t){.client_id = "bench/c", .protos = protos, .n_protos = 2, .cb = cb};
  for (int i = 0; i < 32; i++) scfg.key[i] = (uint8_t)(i + 1), ccfg.key[i] = (uint8_t)(i + 101);
  ethc_secp256k1_pubkey_create(scfg.key, sid);
  uv_ip4_addr("127.0.0.1", 0, &addr);
  uv_tcp_init(loop, &server);
  if (uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0) || uv_listen((uv_stream_t *)&server, 512, on_connection))
    return 1;
  int len = sizeof addr;
  uv_tcp_getsockname(&server, (struct sockaddr *)&addr, &len);

  target = n;
  double t0 = now();
  dial_more();
  uv_run(loop, UV_RUN_DEFAULT);
  double dt = now() - t0;
  printf("handshakes: %d in %.2f s = %.0f/s (connect, auth/ack, Hello both ways; both ends in this process)\n",
         ready_pairs, dt, ready_pairs / dt);

  keep_open = 1;
  kept = calloc((size_t)peers, sizeof *kept);
  started = ready_pairs = n_kept = 0;
  target = peers;
  long before = rss_kb();
  dial_more();
  uv_run(loop, UV_RUN_DEFAULT);
  long after = rss_kb();
  printf("connected: %d pairs, RSS +%ld KiB = %.1f KiB per connection end\n", n_kept, after - before,
         (double)(after - before) / (2.0 * n_kept));

  big = malloc(1 << 20);
  for (int i = 0; i < 1 << 20; i++) big[i] = (uint8_t)(i * 2654435761u >> 13); /* poorly compressible */
  msgs_wanted = 64;
  t0 = now();
  for (int i = 0; i < msgs_wanted; i++) rlpx_send(kept[0], 0, 1, big, 1 << 20);
  uv_run(loop, UV_RUN_DEFAULT);
  dt = now() - t0;
  printf("messages: %d x 1 MiB in %.2f s = %.0f MiB/s\n", msgs_got, dt, msgs_got / dt);
  for (int i = 0; i < n_kept; i++) rlpx_close(kept[i]);
  uv_close((uv_handle_t *)&server, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  free(kept);
  free(big);
  return 0;
}
