/* The EIP-1459 client (dnsdisc_client.c) on a libuv loop against a DNS
 * responder in this process (UDP on 127.0.0.1, TXT answers from a zone built
 * and signed here): every node record of a tree is reported once; the walk is
 * repeated (recheck) and a root with an older seq is refused, a newer one
 * accepted; a server that never answers ends the walk by timeouts; stopping in
 * the middle of a walk frees cleanly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/p2p_dnsdisc.h"
#include "ethc/secp256k1.h"

/* ---- the zone ---- */

#define ZONE_MAX 32
static struct {
  char name[300];
  char txt[600];
} zone[ZONE_MAX];
static size_t zone_n;
static const uint8_t tree_key[32] = {[31] = 7};

static void zone_put(const char *name, const char *txt) {
  for (size_t i = 0; i < zone_n; i++)
    if (!strcmp(zone[i].name, name)) {
      snprintf(zone[i].txt, sizeof zone[i].txt, "%s", txt);
      return;
    }
  snprintf(zone[zone_n].name, sizeof zone[zone_n].name, "%s", name);
  snprintf(zone[zone_n].txt, sizeof zone[zone_n].txt, "%s", txt);
  zone_n++;
}

/* Puts a leaf or branch under its hash name; its hash into h. */
static void zone_entry(const char *txt, char h[DNSDISC_HASH_LEN + 1]) {
  char name[300];
  dnsdisc_hash(txt, strlen(txt), h);
  snprintf(name, sizeof name, "%s.nodes.test", h);
  zone_put(name, txt);
}

/* The tree at nodes.test: node records of keys 1..n, root seq `seq`. */
static void zone_tree(unsigned n, uint64_t seq) {
  char branch[600] = "enrtree-branch:", h[DNSDISC_HASH_LEN + 1], empty[DNSDISC_HASH_LEN + 1];
  for (unsigned i = 1; i <= n; i++) {
    uint8_t key[32] = {[31] = (uint8_t)(0x40 + i)}, ip[4] = {127, 0, 0, 1};
    enr_fields_t f = {.ip = ip, .tcp = (uint16_t)(1000 + i), .udp = (uint16_t)(1000 + i)};
    enr_t e;
    char text[ENR_TEXT_MAX];
    CHECK(enr_sign(key, 1, &f, &e) == 0 && enr_to_text(&e, text, sizeof text) > 0);
    zone_entry(text, h);
    strcat(branch, i > 1 ? "," : "");
    strcat(branch, h);
  }
  zone_entry(branch, h);
  zone_entry("enrtree-branch:", empty);
  char body[300], root[600];
  snprintf(body, sizeof body, "enrtree-root:v1 e=%s l=%s seq=%llu", h, empty, (unsigned long long)seq);
  uint8_t d[32], sig[65];
  int recid;
  keccak256((const uint8_t *)body, strlen(body), d);
  CHECK(ethc_secp256k1_sign(tree_key, d, sig, sig + 32, &recid) == 0);
  sig[64] = (uint8_t)recid;
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = (size_t)snprintf(root, sizeof root, "%s sig=", body);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < 65; i++) {
    acc = acc << 8 | sig[i], bits += 8;
    while (bits >= 6) root[o++] = b64[(acc >> (bits - 6)) & 63], bits -= 6;
  }
  root[o++] = b64[(acc << (6 - bits)) & 63];
  root[o] = 0;
  zone_put("nodes.test", root);
}

/* ---- the responder ---- */

static uv_udp_t server;
static bool answer = true;
static unsigned queries;

static void on_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf) {
  static char mem[2048];
  (void)h, (void)size;
  *buf = uv_buf_init(mem, sizeof mem);
}

static void on_query(uv_udp_t *u, ssize_t n, const uv_buf_t *buf, const struct sockaddr *from, unsigned flags) {
  (void)flags;
  if (n < 17 || !from) return;
  queries++;
  if (!answer) return;
  const uint8_t *q = (const uint8_t *)buf->base;
  char name[300] = "";
  size_t i = 12, k = 0;
  while (i < (size_t)n && q[i] && k + q[i] + 1 < sizeof name) {
    if (k) name[k++] = '.';
    memcpy(name + k, q + i + 1, q[i]);
    k += q[i], i += 1 + q[i];
  }
  name[k] = 0;
  size_t qend = i + 5; /* the root label, type, class */
  if (qend > (size_t)n) return;
  const char *txt = NULL;
  for (size_t z = 0; z < zone_n; z++)
    if (!strcasecmp(zone[z].name, name)) txt = zone[z].txt;
  static uint8_t out[1024];
  memcpy(out, q, qend);
  out[2] = 0x84 | (q[2] & 1), out[3] = txt ? 0 : 3; /* a response, authoritative; NXDOMAIN */
  out[4] = 0, out[5] = 1, out[6] = 0, out[7] = txt ? 1 : 0;
  memset(out + 8, 0, 4);
  size_t o = qend;
  if (txt) {
    size_t len = strlen(txt), rdlen = len + (len + 254) / 255;
    const uint8_t rr[] = {0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 0, 60, (uint8_t)(rdlen >> 8), (uint8_t)rdlen};
    memcpy(out + o, rr, sizeof rr), o += sizeof rr;
    for (size_t s = 0; s < len; s += 255) {
      size_t part = len - s < 255 ? len - s : 255;
      out[o++] = (uint8_t)part;
      memcpy(out + o, txt + s, part), o += part;
    }
  }
  uv_buf_t b = uv_buf_init((char *)out, (unsigned)o);
  uv_udp_try_send(u, &b, 1, from);
}

/* ---- the client side ---- */

static size_t reported;
static uint8_t seen_ids[16][32];
static bool duplicate;

static void on_node(void *ctx, const enr_t *e) {
  (void)ctx;
  for (size_t i = 0; i < reported && i < 16; i++)
    if (!memcmp(seen_ids[i], e->id, 32)) duplicate = true;
  if (reported < 16) memcpy(seen_ids[reported], e->id, 32);
  reported++;
}

static uv_loop_t loop;
static dnsdisc_t *client;
static uv_timer_t watch;
static unsigned stage;
static uint64_t t_start; /* loop time at the start of a case */

static void stop_all(void) {
  uv_timer_stop(&watch);
  dnsdisc_stop(client);
  uv_close((uv_handle_t *)&watch, NULL);
  uv_close((uv_handle_t *)&server, NULL);
}

/* Walk 1: three nodes. Then an older root with a fourth node: refused. Then a
 * newer one: the fourth node comes. */
static void on_watch(uv_timer_t *t) {
  (void)t;
  unsigned w = dnsdisc_walks(client);
  if (stage == 0 && w >= 1) {
    CHECK(reported == 3 && dnsdisc_found(client) == 3);
    zone_tree(4, 4); /* seq 4 < 5 */
    stage = 1;
  } else if (stage == 1 && w >= 2) {
    CHECK_MSG(reported == 3, "a root older than the one seen must be refused (reported %zu)", reported);
    zone_tree(4, 6);
    stage = 2;
  } else if (stage == 2 && w >= 3) {
    CHECK(reported == 4 && !duplicate);
    stage = 3;
    stop_all();
  } else if (uv_now(&loop) - t_start > 20000) {
    CHECK_MSG(false, "stuck at stage %u after %u walks", stage, w);
    stop_all();
  }
}

static int start_server(void) {
  struct sockaddr_in a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_udp_init(&loop, &server);
  CHECK(uv_udp_bind(&server, (const struct sockaddr *)&a, 0) == 0);
  struct sockaddr_in got;
  int len = sizeof got;
  uv_udp_getsockname(&server, (struct sockaddr *)&got, &len);
  uv_udp_recv_start(&server, on_alloc, on_query);
  return ntohs(got.sin_port);
}

static char url[200], servers[64];

static void test_walks(void) {
  zone_n = 0;
  zone_tree(3, 5);
  uv_loop_init(&loop);
  snprintf(servers, sizeof servers, "127.0.0.1:%d", start_server());
  uint8_t pub[64];
  ethc_secp256k1_pubkey_create(tree_key, pub);
  CHECK(dnsdisc_format_url(pub, "nodes.test", url, sizeof url) > 0);
  dnsdisc_opts_t o = {.urls = url, .servers = servers, .on_node = on_node, .recheck_ms = 300, .timeout_ms = 500};
  char err[200];
  t_start = uv_now(&loop);
  CHECK(dnsdisc_start(&loop, &o, &client, err, sizeof err) == 0);
  uv_timer_init(&loop, &watch);
  uv_timer_start(&watch, on_watch, 10, 10);
  uv_run(&loop, UV_RUN_DEFAULT);
  dnsdisc_free(client);
  CHECK(stage == 3);
  CHECK(uv_loop_close(&loop) == 0);
  printf("walks: %u queries answered\n", queries);
}

/* A server that never answers: the walk ends by timeouts, nothing found. */
static void on_watch_silent(uv_timer_t *t) {
  (void)t;
  if (dnsdisc_walks(client) >= 1 || uv_now(&loop) - t_start > 10000) stop_all();
}

static void test_silent(void) {
  answer = false;
  reported = 0;
  uv_loop_init(&loop);
  snprintf(servers, sizeof servers, "127.0.0.1:%d", start_server());
  dnsdisc_opts_t o = {.urls = url, .servers = servers, .on_node = on_node, .timeout_ms = 100};
  char err[200];
  uint64_t t0 = t_start = uv_now(&loop);
  CHECK(dnsdisc_start(&loop, &o, &client, err, sizeof err) == 0);
  uv_timer_init(&loop, &watch);
  uv_timer_start(&watch, on_watch_silent, 10, 10);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_update_time(&loop);
  CHECK(dnsdisc_walks(client) == 1 && reported == 0 && queries >= 1);
  CHECK_MSG(uv_now(&loop) - t0 < 5000, "the walk took %llu ms", (unsigned long long)(uv_now(&loop) - t0));
  dnsdisc_free(client);
  CHECK(uv_loop_close(&loop) == 0);
}

/* Stopped while its first query is in flight; and bad options refused. */
static void test_stop_early(void) {
  answer = false;
  uv_loop_init(&loop);
  snprintf(servers, sizeof servers, "127.0.0.1:%d", start_server());
  dnsdisc_opts_t o = {.urls = url, .servers = servers, .on_node = on_node};
  char err[200];
  CHECK(dnsdisc_start(&loop, &o, &client, err, sizeof err) == 0);
  uv_run(&loop, UV_RUN_NOWAIT);
  dnsdisc_stop(client);
  uv_close((uv_handle_t *)&server, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  dnsdisc_free(client);
  CHECK(uv_loop_close(&loop) == 0);
  dnsdisc_opts_t bad = {.urls = "enrtree://NOPE@x.test"};
  CHECK(dnsdisc_start(&loop, &bad, &client, err, sizeof err) == ETHC_ERR_INVALID && strstr(err, "NOPE"));
  dnsdisc_opts_t badsrv = {.urls = url, .servers = "not a server"};
  CHECK(dnsdisc_start(&loop, &badsrv, &client, err, sizeof err) == ETHC_ERR_INVALID && client == NULL);
}

int main(void) {
  test_walks();
  test_silent();
  test_stop_early();
  return check_summary();
}
