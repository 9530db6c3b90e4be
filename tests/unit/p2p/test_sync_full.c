/* The full sync (sync.h, src/p2p/sync_full.c) and eth_syncing's progress
 * (sync_progress.c) against the ethtest chain, with the network side played
 * by the test: a client chain takes the 600 headers (sync_import_batch), then
 * the full sync locates the blocks, asks for bodies in batches, and imports
 * them on libuv's thread pool while another thread reads the progress and
 * the head (the TSan build checks that). A batch with one body swapped for
 * another block's is cut at the swap (the blocks before it imported, the
 * peer reported bad); an empty answer or one with more bodies than asked is
 * refused; two batches go through the pipeline (one importing, the next
 * answered meanwhile, short); the honest rest brings the head to #600 with
 * the server's hash
 * and state root. Light mode's index names the synced headers by number,
 * growing with the tip. The overlap with the header sync: a second client
 * holding only headers #1..#200 executes blocks up to them while the tip is
 * a frontier (sync_full_tip_final false), then the rest of the headers come
 * and the plan grows from the frontier (located beside the import, nothing
 * asked twice) to the head's hash. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/sync.h"
#include "test_eth_chain.h"

typedef struct {
  int calls;
  bool bad;
  void *bad_peer;
} done_t;

static void on_done(void *ctx, void *bad_peer) {
  done_t *d = ctx;
  d->calls++;
  d->bad |= bad_peer != NULL;
  if (bad_peer) d->bad_peer = bad_peer;
}

static void test_progress(void) {
  sync_progress_t p;
  sync_progress_init(&p, NULL, true);
  char *s = sync_progress_json(&p);
  CHECK(s && !strcmp(s, "false")); /* nothing started */
  free(s);
  sync_progress_blocks(&p, 5);
  sync_progress_headers(&p, &(sync_point_t){.number = 100}, 600);
  sync_progress_blocks(&p, 42);
  s = sync_progress_json(&p);
  CHECK_MSG(s && !strcmp(s, "{\"startingBlock\":\"0x5\",\"currentBlock\":\"0x2a\",\"highestBlock\":\"0x258\"}"), "%s",
            s ? s : "NULL");
  free(s);
  sync_progress_blocks(&p, 600);
  s = sync_progress_json(&p);
  CHECK(s && !strcmp(s, "false")); /* done */
  free(s);
  sync_progress_destroy(&p);
  sync_progress_init(&p, NULL, false); /* light: the headers count */
  sync_progress_headers(&p, &(sync_point_t){.number = 7}, 600);
  sync_progress_headers(&p, &(sync_point_t){.number = 300}, 600);
  s = sync_progress_json(&p);
  CHECK_MSG(s && !strcmp(s, "{\"startingBlock\":\"0x7\",\"currentBlock\":\"0x12c\",\"highestBlock\":\"0x258\"}"), "%s",
            s ? s : "NULL");
  free(s);
  sync_progress_destroy(&p);
  char buf[96];
  sync_rate_eta(buf, sizeof buf, "blocks", 100, 2.0, 500);
  CHECK_MSG(!strcmp(buf, "50 blocks/s, ETA 10s"), "%s", buf);
}

typedef struct {
  chain_t *client;
  sync_progress_t *progress;
  atomic_bool stop;
  unsigned reads;
} reader_t;

/* An RPC thread: eth_syncing and eth_blockNumber while the pool imports. */
static void *reader(void *arg) {
  reader_t *r = arg;
  while (!atomic_load(&r->stop)) {
    char *s = sync_progress_json(r->progress);
    free(s);
    uint64_t n;
    ethc_hash_t h;
    if (chain_read_head(r->client, &n, &h) == 0) r->reads++;
  }
  return NULL;
}

/* The bodies the server has for a request payload, as the peer's items. */
static void serve(chain_t *server, const bytes_buf_t *req, bytes_buf_t *resp, eth_items_msg_t *items) {
  eth_hash_request_t r = {0};
  CHECK(eth_hash_request_decode(req->data, req->len, &r) == 0);
  resp->len = 0;
  CHECK(eth_serve_bodies(server, &r, resp) == 0);
  eth_hash_request_free(&r);
  eth_items_free(items);
  CHECK(eth_items_decode(resp->data, resp->len, ETH_ITEMS_BODIES, items) == 0);
}

/* The full sync following a moving header frontier (a fresh client). */
static void test_frontier(chain_t *server) {
  char dir[64] = "ethc-fullfront-XXXXXX", genesis[1024], err[512], why[300];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  chain_t *client = NULL;
  CHECK_MSG(chain_open(&o, &client, err, sizeof err) == 0, "%s", err);
  if (!client) return;
  eth_get_headers_t q = {.request_id = 1, .number = 1, .amount = 600};
  bytes_buf_t out = {0}, req = {0}, resp = {0};
  eth_items_msg_t m = {0}, bodies = {0};
  CHECK(eth_serve_headers(server, &q, &out) == 0 && eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0 &&
        m.count == 600);
  sync_point_t from, tip1, tip2;
  CHECK(sync_load(client, &from) == 0 && from.number == 0);
  CHECK(sync_import_batch(client, &from, m.items, 200, &tip1, why, sizeof why) == 0 && tip1.number == 200);
  uv_loop_t *loop = uv_default_loop();
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  done_t d = {0};
  sync_full_t *f = NULL;
  CHECK(sync_full_new(loop, client, &lock, NULL, on_done, &d, &f) == 0 && f);
  if (!f) return;
  sync_full_tip_final(f, false);
  int peer = 0, peer2 = 0, peer3 = 0;
  size_t asked = 0;
  uint64_t first = 0, head = 0;
  CHECK(sync_full_request_at(f, &peer, &tip1, 1, &req, &asked, &first) == 0); /* locating #1..#200 */
  uv_run(loop, UV_RUN_DEFAULT);
  req.len = 0;
  CHECK(sync_full_request_at(f, &peer, &tip1, 2, &req, &asked, &first) == 1 && asked == 128 && first == 1);
  bytes_buf_t req2 = {0};
  CHECK(sync_full_request_at(f, &peer2, &tip1, 3, &req2, &asked, &first) == 1 && asked == 72 && first == 129);
  CHECK(sync_full_request_at(f, &peer3, &tip1, 4, &req, &asked, &first) == 0); /* all of the frontier asked */
  serve(server, &req, &resp, &bodies);
  CHECK(sync_full_on_bodies(f, &peer, 2, bodies.items, bodies.count) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(chain_read_head(client, &head, NULL) == 0 && head == 128); /* executed below the header frontier */
  /* the header sync stores the rest meanwhile: the plan grows from #200 */
  CHECK(sync_import_batch(client, &tip1, m.items + 200, 400, &tip2, why, sizeof why) == 0 && tip2.number == 600);
  d = (done_t){0};
  serve(server, &req2, &resp, &bodies); /* #129..#200 import while #201..#600 are located */
  CHECK(sync_full_on_bodies(f, &peer2, 3, bodies.items, bodies.count) == 0);
  CHECK(sync_full_request_at(f, &peer3, &tip2, 5, &req, &asked, &first) == 0); /* locating #201..#600 */
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(d.calls == 2 && !d.bad);
  CHECK(chain_read_head(client, &head, NULL) == 0 && head == 200);
  req.len = 0;
  CHECK(sync_full_request_at(f, &peer3, &tip2, 6, &req, &asked, &first) == 1 && asked == 128 && first == 201);
  serve(server, &req, &resp, &bodies);
  CHECK(sync_full_on_bodies(f, &peer3, 6, bodies.items, bodies.count) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(chain_read_head(client, &head, NULL) == 0 && head == 328);
  sync_full_tip_final(f, true); /* the header sync is done */
  for (int round = 0; round < 20; round++) {
    req.len = 0;
    int rc = sync_full_request_at(f, &peer, &tip2, 100 + (uint64_t)round, &req, &asked, &first);
    if (rc != 1) {
      CHECK(rc == 0);
      break;
    }
    CHECK(first == 329 + 128 * (uint64_t)round);
    serve(server, &req, &resp, &bodies);
    CHECK(sync_full_on_bodies(f, &peer, 100 + (uint64_t)round, bodies.items, bodies.count) == 0);
    uv_run(loop, UV_RUN_DEFAULT);
  }
  ethc_hash_t hash, want;
  CHECK(chain_read_head(client, &head, &hash) == 0 && head == 600);
  CHECK(chain_read_canonical_hash(server, 600, &want) == 0 && ethc_hash_eq(&hash, &want));
  CHECK(!sync_full_behind(f, &tip2));
  sync_full_free(f);
  eth_items_free(&m);
  eth_items_free(&bodies);
  bytes_buf_free(&out);
  bytes_buf_free(&req);
  bytes_buf_free(&req2);
  bytes_buf_free(&resp);
  chain_close(client);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void) {
  test_progress();
  unsigned n = 0;
  chain_t *server = ethtest_open(&n);
  if (!server) return check_summary();
  CHECK(n == 600);
  char dir[64] = "ethc-fullsync-XXXXXX", genesis[1024], err[512], why[300];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(genesis, sizeof genesis, "%s/chains/ethtest/genesis.json", check_shared_dir());
  chain_open_opts_t o = {.datadir = dir, .genesis_path = genesis};
  chain_t *client = NULL;
  CHECK_MSG(chain_open(&o, &client, err, sizeof err) == 0, "%s", err);
  if (!client) return check_summary();
  /* the headers, verified and stored */
  eth_get_headers_t q = {.request_id = 1, .number = 1, .amount = 600};
  bytes_buf_t out = {0}, req = {0}, resp = {0};
  eth_items_msg_t m = {0}, bodies = {0};
  CHECK(eth_serve_headers(server, &q, &out) == 0 && eth_items_decode(out.data, out.len, ETH_ITEMS_HEADERS, &m) == 0 &&
        m.count == 600);
  sync_point_t from, tip;
  CHECK(sync_load(client, &from) == 0 && from.number == 0);
  CHECK(sync_import_batch(client, &from, m.items, m.count, &tip, why, sizeof why) == 0 && tip.number == 600);
  eth_items_free(&m);

  { /* light mode's index of the synced headers by number */
    sync_progress_t lp;
    sync_progress_init(&lp, client, false);
    ethc_hash_t got, want;
    CHECK(sync_progress_header_hash(&lp, 300, &got) == ETHC_ERR_NOT_FOUND); /* no tip yet */
    sync_point_t half = {.number = 300};
    CHECK(chain_read_canonical_hash(server, 300, &half.hash) == 0);
    sync_progress_tip(&lp, &half);
    CHECK(sync_progress_light_tip(&lp) == 300);
    CHECK(sync_progress_header_hash(&lp, 1, &got) == 0);
    CHECK(chain_read_canonical_hash(server, 1, &want) == 0 && ethc_hash_eq(&got, &want));
    CHECK(sync_progress_header_hash(&lp, 301, &got) == ETHC_ERR_NOT_FOUND);
    sync_progress_tip(&lp, &tip); /* the index grows from where it was */
    for (uint64_t i = 1; i <= 600; i += 149) {
      CHECK(sync_progress_header_hash(&lp, i, &got) == 0);
      CHECK_MSG(chain_read_canonical_hash(server, i, &want) == 0 && ethc_hash_eq(&got, &want), "#%llu",
                (unsigned long long)i);
    }
    CHECK(sync_progress_header_hash(&lp, 0, &got) == ETHC_ERR_NOT_FOUND); /* genesis: the chain's own */
    sync_progress_destroy(&lp);
  }

  uv_loop_t *loop = uv_default_loop();
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  sync_progress_t progress;
  sync_progress_init(&progress, client, true);
  done_t d = {0};
  sync_full_t *f = NULL;
  CHECK(sync_full_new(loop, client, &lock, &progress, on_done, &d, &f) == 0 && f);
  if (!f) return check_summary();
  sync_progress_headers(&progress, &tip, tip.number);
  reader_t rd = {.client = client, .progress = &progress};
  pthread_t th;
  CHECK(pthread_create(&th, NULL, reader, &rd) == 0);
  CHECK(sync_full_behind(f, &tip));
  size_t asked = 0;
  int peer = 0; /* the caller's handle of the peer asked */
  /* first the blocks are located (a work, then `done`) */
  CHECK(sync_full_request(f, &peer, &tip, 7, &req, &asked) == 0 && asked == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(d.calls == 1 && !d.bad);
  CHECK(sync_full_request(f, &peer, &tip, 8, &req, &asked) == 1 && asked == 128);
  serve(server, &req, &resp, &bodies);
  CHECK(bodies.count == 128);
  /* useless answers: none, or more than asked */
  CHECK(sync_full_on_bodies(f, &peer, 8, bodies.items, 0) == ETHC_ERR_INVALID);
  CHECK(sync_full_on_bodies(f, &peer, 8, bodies.items, bodies.count) == 0); /* forgotten: ignored */
  req.len = 0;                                                              /* the same blocks asked again */
  CHECK(sync_full_request(f, &peer, &tip, 8, &req, &asked) == 1 && asked == 128);
  bytes_view_t *more = calloc(129, sizeof *more);
  if (more) {
    memcpy(more, bodies.items, 128 * sizeof *more);
    more[128] = bodies.items[0];
    CHECK(sync_full_on_bodies(f, &peer, 8, more, 129) == ETHC_ERR_INVALID);
    req.len = 0;
    CHECK(sync_full_request(f, &peer, &tip, 8, &req, &asked) == 1 && asked == 128);
  }
  /* a liar: block k+1's body swapped for a different one */
  size_t k = 5; /* blocks #1..#5 go in first */
  while (k + 1 < bodies.count && bodies.items[k].len == bodies.items[k + 1].len &&
         !memcmp(bodies.items[k].data, bodies.items[k + 1].data, bodies.items[k].len))
    k++;
  CHECK(k > 0 && k + 1 < bodies.count);
  bytes_view_t t = bodies.items[k];
  bodies.items[k] = bodies.items[k + 1];
  bodies.items[k + 1] = t;
  d = (done_t){0};
  CHECK(sync_full_on_bodies(f, &peer, 9, bodies.items, bodies.count) == 0); /* another id: ignored */
  CHECK(sync_full_on_bodies(f, &d, 8, bodies.items, bodies.count) == 0);    /* another peer: ignored */
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(d.calls == 0);
  CHECK(sync_full_on_bodies(f, &peer, 8, bodies.items, bodies.count) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  uint64_t head;
  CHECK(chain_read_head(client, &head, NULL) == 0);
  CHECK(d.bad_peer == &peer);
  CHECK_MSG(d.calls == 1 && d.bad && head == k, "liar: done %d bad %d head #%llu, want #%zu", d.calls, d.bad,
            (unsigned long long)head, k);
  /* requests left unanswered: per peer at most two in flight; each peer is
   * named once per overdue request, which is forgotten (asked again) */
  int peer2 = 0;
  CHECK(sync_full_request(f, &peer, &tip, 50, &req, &asked) == 1 && asked == 128 - k); /* the liar's rest */
  CHECK(sync_full_request(f, &peer, &tip, 51, &req, &asked) == 1 && asked == 128);
  CHECK(sync_full_request(f, &peer, &tip, 52, &req, &asked) == 0); /* two in flight */
  CHECK(sync_full_request(f, &peer2, &tip, 53, &req, &asked) == 1 && asked == 128);
  CHECK(sync_full_stalled(f, uv_now(loop) + 5000, 10000) == NULL);
  CHECK(sync_full_stalled(f, uv_now(loop) + 20000, 10000) == &peer);
  CHECK(sync_full_stalled(f, uv_now(loop) + 20000, 10000) == &peer);
  CHECK(sync_full_stalled(f, uv_now(loop) + 20000, 10000) == &peer2);
  CHECK(sync_full_stalled(f, uv_now(loop) + 20000, 10000) == NULL);
  /* two peers in parallel, answering out of order (the second a short
   * answer: its rest is asked again); the import goes in order */
  bytes_buf_t req2 = {0}, resp2 = {0};
  eth_items_msg_t bodies2 = {0};
  req.len = 0;
  CHECK(sync_full_request(f, &peer, &tip, 60, &req, &asked) == 1 && asked == 128 - k);
  CHECK(sync_full_request(f, &peer2, &tip, 61, &req2, &asked) == 1 && asked == 128);
  serve(server, &req, &resp, &bodies);
  serve(server, &req2, &resp2, &bodies2);
  d = (done_t){0};
  CHECK(sync_full_on_bodies(f, &peer, 61, bodies2.items, 125) == 0); /* not the peer asked: ignored */
  CHECK(bodies2.count == 128 && sync_full_on_bodies(f, &peer2, 61, bodies2.items, 125) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(d.calls == 0 && chain_read_head(client, &head, NULL) == 0 && head == k); /* waits for #k+1.. */
  CHECK(sync_full_on_bodies(f, &peer, 60, bodies.items, bodies.count) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(chain_read_head(client, &head, NULL) == 0);
  CHECK_MSG(d.calls == 2 && !d.bad && head == 253, "parallel: done %d head #%llu, want #253", d.calls,
            (unsigned long long)head);
  eth_items_free(&bodies2);
  bytes_buf_free(&req2);
  bytes_buf_free(&resp2);
  /* the honest rest */
  for (int round = 0; round < 20; round++) {
    req.len = 0;
    int rc = sync_full_request(f, &peer, &tip, 100 + (uint64_t)round, &req, &asked);
    if (rc != 1) {
      CHECK(rc == 0);
      break;
    }
    serve(server, &req, &resp, &bodies);
    CHECK(bodies.count == asked);
    d = (done_t){0};
    CHECK(sync_full_on_bodies(f, &peer, 100 + (uint64_t)round, bodies.items, bodies.count) == 0);
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(d.calls == 1 && !d.bad);
  }
  atomic_store(&rd.stop, true);
  pthread_join(th, NULL);
  ethc_hash_t hash, want;
  CHECK(chain_read_head(client, &head, &hash) == 0 && head == 600);
  CHECK(chain_read_canonical_hash(server, 600, &want) == 0 && ethc_hash_eq(&hash, &want));
  CHECK(!sync_full_behind(f, &tip));
  char *s = sync_progress_json(&progress);
  CHECK_MSG(s && !strcmp(s, "false"), "eth_syncing after the sync: %s", s ? s : "NULL");
  free(s);
  printf("reader thread: %u head reads during the imports\n", rd.reads);
  chain_snapshot_t *snap = chain_snapshot_head(client);
  chain_header_t sh;
  CHECK(chain_read_header_by_hash(server, &want, &sh) == 0 &&
        !memcmp(chain_snapshot_header(snap)->state_root.bytes, sh.state_root.bytes, 32));
  chain_snapshot_release(snap);
  free(more);
  eth_items_free(&bodies);
  bytes_buf_free(&out);
  bytes_buf_free(&req);
  bytes_buf_free(&resp);
  sync_full_free(f);
  sync_progress_destroy(&progress);
  chain_close(client);
  test_frontier(server);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  ethtest_close(server);
  return check_summary();
}
