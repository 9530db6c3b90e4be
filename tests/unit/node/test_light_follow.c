/* Unit test of the light node's follower (src/node/light_follow.c) as a state
 * machine, on one libuv loop with a small HTTP server on the same loop serving
 * real mainnet light-client data (../shared/light-client/mainnet/deneb, JSON)
 * as a beacon node, and an execution JSON-RPC endpoint (POST) answering an
 * incomplete block object:
 *   - no saved store and no checkpoint: refused at start;
 *   - a sync proves the head: light_follow_head gives the optimistic update's
 *     block, the finalized update's block, eth_syncing's answer turns "false",
 *     and the store is saved in DIR/beacon;
 *   - the optimistic update answered with a flipped signature: the sync fails,
 *     the failure is counted, the proven head stays;
 *   - the execution source's block object is refused (it asked eth_getBlockByHash
 *     for the proven hash), so the chain's head is not set;
 *   - a restart resumes from the saved store (no bootstrap asked);
 *   - with a header hook instead of the execution source (devp2p peers, run
 *     on the loop's thread pool): it is asked for the proven block by hash
 *     and number, its header that is not the proven one is refused, the
 *     chain's head stays unset;
 *   - a checkpoint 30 days old: the fatal callback names the weak subjectivity
 *     period and --allow-stale-checkpoint, and the follower stops asking;
 *   - two days without a newer finalized header (more than UPDATE_TIMEOUT
 *     slots): the light client's force update is logged at WARN, naming the
 *     current slot and the finalized slot before it.
 *   - when the follower sets the chain's head and marks again
 *     (light_marks_differ): a new head, a finalized mark set or cleared, and
 *     a finalized block that moved while the head and the mark's presence
 *     stayed (the mark was left behind before).
 * Files go to ./light_follow_tmp (the build directory under ctest). */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain_light.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/light_follow.h"
#include "node/light_marks.h"

#define DIR "light_follow_tmp"
#define CHECKPOINT "0x33d75f8506929d950a6d9e43508e92e50a072a39978821900e3a2e261f80ddbf"
#define MAINNET_GENESIS 1606824023ull
#define OPT_BLOCK 21038166ull /* the optimistic update's execution block */
#define FIN_BLOCK 21038093ull /* the finality update's finalized execution block */

/* ---- the server ---- */

typedef struct {
  uv_tcp_t tcp;
  char req[8192];
  size_t len;
  bool answered;
} conn_t;

static uv_loop_t loop;
static uv_tcp_t server;
static int port;
static char *files[4]; /* bootstrap, updates, finality_update, optimistic_update */
static size_t file_len[4];
static bool flip_optimistic; /* answer the optimistic update with one signature bit flipped */
static unsigned bootstraps, posts;
static char last_post[512];

static void on_conn_closed(uv_handle_t *h) { free(h); }
static void conn_close(conn_t *c) {
  if (!uv_is_closing((uv_handle_t *)&c->tcp)) uv_close((uv_handle_t *)&c->tcp, on_conn_closed);
}

typedef struct {
  uv_write_t w;
  conn_t *c;
  char *data;
} wreq_t;

static void on_written(uv_write_t *w, int status) {
  (void)status;
  wreq_t *r = (wreq_t *)w;
  conn_close(r->c);
  free(r->data);
  free(r);
}

static void reply(conn_t *c, int status, const char *body, size_t len) {
  size_t cap = len + 256;
  char *out = malloc(cap);
  int n = snprintf(
      out, cap, "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
      status, len);
  memcpy(out + n, body, len);
  wreq_t *r = calloc(1, sizeof *r);
  r->c = c;
  r->data = out;
  uv_buf_t b = uv_buf_init(out, (unsigned)(n + len));
  uv_write(&r->w, (uv_stream_t *)&c->tcp, &b, 1, on_written);
}

/* A copy of the optimistic update with the signature's last hex digit changed. */
static void send_flipped(conn_t *c) {
  char *t = malloc(file_len[3] + 1);
  memcpy(t, files[3], file_len[3] + 1);
  char *sig = strstr(t, "\"sync_committee_signature\"");
  char *end = sig ? strchr(strchr(sig + 27, '"') + 1, '"') : NULL;
  if (end) end[-1] = end[-1] == '0' ? '1' : '0';
  reply(c, 200, t, file_len[3]);
  free(t);
}

/* The recorded updates whose attested slot is in periods [start_period, start_period + count). */
static void send_updates(conn_t *c, const char *path) {
  const char *sp = strstr(path, "start_period="), *cn = strstr(path, "count=");
  unsigned long long start = sp ? strtoull(sp + 13, NULL, 10) : 0, count = cn ? strtoull(cn + 6, NULL, 10) : 0;
  cJSON *all = cJSON_ParseWithLength(files[1], file_len[1]), *out = cJSON_CreateArray(), *u;
  cJSON_ArrayForEach(u, all) {
    const cJSON *slot = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(u, "data"), "attested_header"), "beacon"), "slot");
    unsigned long long period = cJSON_IsString(slot) ? strtoull(slot->valuestring, NULL, 10) / 8192 : 0;
    if (period >= start && period < start + count) cJSON_AddItemToArray(out, cJSON_Duplicate(u, true));
  }
  char *text = cJSON_PrintUnformatted(out);
  reply(c, 200, text, strlen(text));
  cJSON_free(text);
  cJSON_Delete(out);
  cJSON_Delete(all);
}

static void answer(conn_t *c) {
  char method[8] = "", path[256] = "";
  sscanf(c->req, "%7s %255s", method, path);
  if (!strcmp(method, "POST")) { /* the execution RPC: a real header, but of another block */
    posts++;
    const char *body = strstr(c->req, "\r\n\r\n");
    snprintf(last_post, sizeof last_post, "%s", body ? body + 4 : "");
    static const char *other =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"parentHash\":\"0x" /* zero fields */
        "0000000000000000000000000000000000000000000000000000000000000000\"}}";
    reply(c, 200, other, strlen(other));
    return;
  }
  const char *p = "/eth/v1/beacon/light_client/";
  int k = -1;
  if (!strncmp(path, p, strlen(p))) {
    const char *rest = path + strlen(p);
    if (!strncmp(rest, "bootstrap/", 10)) k = strcmp(rest + 10, CHECKPOINT) ? -1 : 0, bootstraps++;
    else if (!strncmp(rest, "updates?", 8)) k = 1;
    else if (!strcmp(rest, "finality_update")) k = 2;
    else if (!strcmp(rest, "optimistic_update")) k = 3;
  }
  if (k == 3 && flip_optimistic) return send_flipped(c);
  if (k < 0) return reply(c, 404, "{\"code\":404,\"message\":\"not found\"}", 34);
  if (k == 1) return send_updates(c, path);
  reply(c, 200, files[k], file_len[k]);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  conn_t *c = (conn_t *)h;
  *buf = uv_buf_init(c->req + c->len, (unsigned)(sizeof c->req - 1 - c->len));
}

/* A request is whole at the blank line, plus its Content-Length of body. */
static bool whole(const conn_t *c) {
  const char *end = strstr(c->req, "\r\n\r\n");
  if (!end) return false;
  const char *cl = strstr(c->req, "Content-Length:");
  size_t want = cl && cl < end ? (size_t)strtoul(cl + 15, NULL, 10) : 0;
  return c->len >= (size_t)(end + 4 - c->req) + want;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  (void)buf;
  conn_t *c = (conn_t *)s;
  if (n < 0) return conn_close(c);
  c->len += (size_t)n;
  c->req[c->len] = 0;
  if (!c->answered && whole(c)) {
    c->answered = true;
    answer(c);
  }
}

static void on_connection(uv_stream_t *srv, int status) {
  if (status < 0) return;
  conn_t *c = calloc(1, sizeof *c);
  uv_tcp_init(&loop, &c->tcp);
  if (uv_accept(srv, (uv_stream_t *)&c->tcp) != 0) return conn_close(c);
  uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, on_read);
}

/* ---- the follower ---- */

static char fatal_msg[1024];
static void on_fatal(void *ctx, const char *message) {
  (void)ctx;
  snprintf(fatal_msg, sizeof fatal_msg, "%s", message);
}

static void tick(uv_timer_t *t) { (void)t; }

/* Runs the loop until cond(f) or about `ms` of loop time passed. */
static bool run_until(light_follow_t *f, bool (*cond)(light_follow_t *), uint64_t ms) {
  uint64_t end = uv_now(&loop) + ms;
  uv_timer_t t; /* wakes the loop at least every 10 ms */
  uv_timer_init(&loop, &t);
  uv_timer_start(&t, tick, 10, 10);
  while (!cond(f) && uv_now(&loop) < end) uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
  return cond(f);
}

static bool proven(light_follow_t *f) {
  light_follow_status_t st;
  light_follow_status(f, &st);
  return st.proven;
}
static unsigned fail_target;
static bool failed(light_follow_t *f) {
  light_follow_status_t st;
  light_follow_status(f, &st);
  return st.failures >= fail_target;
}
static unsigned post_target;
static bool posted(light_follow_t *f) {
  (void)f;
  return posts >= post_target;
}
static bool forced(light_follow_t *f) { /* the log file (stderr) tells a force update */
  (void)f;
  size_t len = 0;
  char *log = (char *)bytes_read_file(DIR "_log", &len);
  bool r = log && strstr(log, "force update");
  free(log);
  return r;
}
static bool fatal(light_follow_t *f) {
  (void)f;
  return fatal_msg[0] != 0;
}

/* The header hook (a devp2p source's stand-in), on the loop's thread pool:
 * records what it was asked and answers a header that is not the block's. */
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned hook_calls;
static ethc_hash_t hook_hash;
static uint64_t hook_number;
static bool use_hook;
static int header_hook(void *ctx, const ethc_hash_t *hash, uint64_t number, chain_header_t *out, char *err,
                       size_t errlen) {
  (void)ctx, (void)err, (void)errlen;
  pthread_mutex_lock(&hook_lock);
  hook_calls++;
  hook_hash = *hash;
  hook_number = number;
  pthread_mutex_unlock(&hook_lock);
  memset(out, 0, sizeof *out);
  out->number = number;
  return 0;
}
static bool hooked(light_follow_t *f) {
  (void)f;
  pthread_mutex_lock(&hook_lock);
  bool r = hook_calls >= 2;
  pthread_mutex_unlock(&hook_lock);
  return r;
}

static light_follow_t *start(chain_t *c, const beacon_config_t *cfg, uint64_t at, bool checkpoint, char *err,
                             size_t cap) {
  char url[64], exec[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  snprintf(exec, sizeof exec, "http://127.0.0.1:%d/rpc", port);
  light_follow_opts_t o = {.config = cfg,
                           .consensus_url = url,
                           .execution_url = exec,
                           .has_checkpoint = checkpoint,
                           .datadir = DIR,
                           .at = at,
                           .poll_ms = 20,
                           .fatal = on_fatal};
  if (checkpoint) CHECK(hex_decode_fixed(CHECKPOINT, true, o.checkpoint, 32) == 0);
  if (use_hook) o.execution_url = NULL, o.header = header_hook;
  return light_follow_start(&loop, c, &o, err, cap);
}

static bool idle(light_follow_t *f) {
  light_follow_status_t st;
  light_follow_status(f, &st);
  return !st.header_call;
}

static void stop(light_follow_t *f) {
  light_follow_stop(f);
  uv_run(&loop, UV_RUN_NOWAIT);
  uv_run(&loop, UV_RUN_NOWAIT);
  CHECK(run_until(f, idle, 10000)); /* a header hook call in flight has returned */
  light_follow_free(f);
}

/* The head and marks the follower last set, against a new target. */
static void test_marks(void) {
  light_marks_t set = {.fin = true}, want;
  memset(set.head.bytes, 1, 32);
  memset(set.fin_hash.bytes, 2, 32);
  want = set;
  CHECK(!light_marks_differ(&set, &want)); /* nothing moved: no write */
  want.head.bytes[31] ^= 1;
  CHECK(light_marks_differ(&set, &want)); /* a new head */
  want = set;
  want.fin = false;
  CHECK(light_marks_differ(&set, &want)); /* the finalized mark dropped */
  want = set;
  want.fin_hash.bytes[0] ^= 0x80;
  CHECK(light_marks_differ(&set, &want)); /* the finalized block moved, the head and the flag stayed */
  set.fin = want.fin = false;
  CHECK(!light_marks_differ(&set, &want)); /* no mark on either side: its stale hash is not compared */
}

int main(void) {
  test_marks();
  static const char *names[4] = {"bootstrap.json", "updates.json", "finality_update.json", "optimistic_update.json"};
  for (int i = 0; i < 4; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/light-client/mainnet/deneb/%s", check_shared_dir(), names[i]);
    if (!check_need(path, "recorded mainnet light-client data")) return check_summary();
    files[i] = (char *)bytes_read_file(path, &file_len[i]);
    CHECK(files[i] != NULL);
  }
  /* updates.json is the list the updates endpoint answers */
  (void)system("rm -rf " DIR);
  uv_loop_init(&loop);
  uv_tcp_init(&loop, &server);
  struct sockaddr_in addr;
  uv_ip4_addr("127.0.0.1", 0, &addr);
  CHECK(uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0) == 0);
  CHECK(uv_listen((uv_stream_t *)&server, 64, on_connection) == 0);
  struct sockaddr_storage name;
  int namelen = sizeof name;
  uv_tcp_getsockname(&server, (struct sockaddr *)&name, &namelen);
  port = ntohs(((struct sockaddr_in *)&name)->sin_port);

  const beacon_config_t *cfg = beacon_config_by_name("mainnet");
  uint64_t at = MAINNET_GENESIS + 10248459ull * 12; /* just after the optimistic update's signature slot */
  char err[512] = "";
  CHECK_MSG(chain_light_create(DIR, "mainnet", err, sizeof err) == 0, "%s", err);
  chain_open_opts_t co = {.datadir = DIR, .explicit_fork_choice = true};
  chain_t *chain = NULL;
  CHECK_MSG(chain_open(&co, &chain, err, sizeof err) == 0, "%s", err);
  if (!chain) return check_summary();

  /* no store, no checkpoint */
  CHECK(start(chain, cfg, at, false, err, sizeof err) == NULL && strstr(err, "--checkpoint"));

  /* a sync proves the head */
  light_follow_t *f = start(chain, cfg, at, true, err, sizeof err);
  CHECK_MSG(f != NULL, "%s", err);
  if (!f) return check_summary();
  char *sy = light_follow_syncing_json(f);
  CHECK(sy && strstr(sy, "startingBlock"));
  free(sy);
  CHECK(run_until(f, proven, 60000));
  uint64_t n = 0;
  ethc_hash_t h;
  CHECK(light_follow_head(f, 0, &n, &h) == 0 && n == OPT_BLOCK);
  CHECK(light_follow_head(f, 1, &n, &h) == 0 && n == FIN_BLOCK);
  sy = light_follow_syncing_json(f);
  CHECK(sy && !strcmp(sy, "false"));
  free(sy);
  CHECK(bootstraps == 1);

  /* the execution source's header is refused: the chain's head stays unset */
  post_target = 1;
  CHECK(run_until(f, posted, 60000));
  CHECK(strstr(last_post, "eth_getBlockByHash") && strstr(last_post, "0xc3cfbb1a0e0d2453c0ce36254d9072417ff110"));
  CHECK(chain_light_has_head(chain) == false);

  /* a tampered optimistic update: refused, the head stays */
  flip_optimistic = true;
  light_follow_status_t st;
  light_follow_status(f, &st);
  fail_target = st.failures + 2;
  CHECK(run_until(f, failed, 60000));
  CHECK(light_follow_head(f, 0, &n, &h) == 0 && n == OPT_BLOCK);
  flip_optimistic = false;
  stop(f);

  /* a restart resumes from DIR/beacon without a bootstrap */
  f = start(chain, cfg, at, false, err, sizeof err);
  CHECK_MSG(f != NULL, "resume: %s", err);
  if (f) {
    CHECK(run_until(f, proven, 60000));
    CHECK(light_follow_head(f, 0, &n, &h) == 0 && n == OPT_BLOCK);
    CHECK(bootstraps == 1);
    stop(f);
  }

  /* the header hook (devp2p) instead of the execution source: asked by hash, its header refused */
  use_hook = true;
  unsigned posts_before = posts;
  f = start(chain, cfg, at, false, err, sizeof err);
  CHECK_MSG(f != NULL, "hook: %s", err);
  if (f) {
    CHECK(run_until(f, hooked, 60000));
    pthread_mutex_lock(&hook_lock);
    char hex[67];
    hex_encode(hook_hash.bytes, 32, hex);
    CHECK_MSG(hook_number == OPT_BLOCK && !strncmp(hex, "0xc3cfbb1a0e0d2453c0ce36254d9072417ff110", 40), "%s #%llu",
              hex, (unsigned long long)hook_number);
    pthread_mutex_unlock(&hook_lock);
    CHECK(chain_light_has_head(chain) == false);
    CHECK(posts == posts_before); /* no execution RPC asked */
    stop(f);
  }
  use_hook = false;
  chain_close(chain);

  /* a stale checkpoint (a fresh datadir, 30 days later): fatal, naming the fix */
  (void)system("rm -rf " DIR);
  CHECK(chain_light_create(DIR, "mainnet", err, sizeof err) == 0);
  CHECK(chain_open(&co, &chain, err, sizeof err) == 0);
  f = chain ? start(chain, cfg, at + 30 * 86400, true, err, sizeof err) : NULL;
  CHECK(f != NULL);
  if (f) {
    CHECK(run_until(f, fatal, 60000));
    CHECK_MSG(strstr(fatal_msg, "weak subjectivity period") && strstr(fatal_msg, "--allow-stale-checkpoint"), "%s",
              fatal_msg);
    unsigned before = bootstraps;
    run_until(f, proven, 200); /* no more requests: it stopped */
    CHECK(bootstraps == before && !proven(f));
    stop(f);
  }
  chain_close(chain);

  /* two days on, the data's finality is older than UPDATE_TIMEOUT: the best
   * valid update is forced in, and a log line (stderr, caught in a file) says so */
  (void)system("rm -rf " DIR);
  CHECK(chain_light_create(DIR, "mainnet", err, sizeof err) == 0);
  CHECK(chain_open(&co, &chain, err, sizeof err) == 0);
  uint64_t later = at + 2 * 86400;
  f = chain ? start(chain, cfg, later, true, err, sizeof err) : NULL;
  CHECK_MSG(f != NULL, "force: %s", err);
  if (f) {
    fflush(stderr);
    int saved = dup(2), fd = open(DIR "_log", O_CREAT | O_TRUNC | O_WRONLY, 0644);
    CHECK(saved >= 0 && fd >= 0 && dup2(fd, 2) == 2);
    bool told = run_until(f, forced, 60000);
    fflush(stderr);
    CHECK(dup2(saved, 2) == 2);
    close(fd), close(saved);
    CHECK(told);
    size_t len = 0;
    char *log = (char *)bytes_read_file(DIR "_log", &len);
    char want[128];
    snprintf(want, sizeof want,
             "light: force update at slot %llu: ", (unsigned long long)beacon_slot_at_time(cfg, later));
    CHECK_MSG(log && strstr(log, "WARN") && strstr(log, want) && strstr(log, "since finalized slot 10248384"), "%s",
              log ? log : "(no log)");
    free(log);
    stop(f);
  }
  chain_close(chain);
  (void)remove(DIR "_log");
  uv_close((uv_handle_t *)&server, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  for (int i = 0; i < 4; i++) free(files[i]);
  (void)system("rm -rf " DIR);
  return check_summary();
}
