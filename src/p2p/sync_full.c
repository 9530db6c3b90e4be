/* The full sync (sync.h; devp2p caps/eth.md "Chain Synchronization",
 * GetBlockBodies): while the header sync goes on and after it, the bodies of
 * the blocks between the executed head and the verified header tip (the
 * header sync's stored frontier: each newer tip is located from the last one
 * back, beside the import) are fetched, checked against
 * their headers (transactions root, ommers hash, EIP-4895 withdrawals root)
 * and executed through chain_import_block on libuv's thread pool. Batches of
 * 128 are fetched from several peers at once (a window ahead of the import,
 * a few per peer, each matched by peer and request id, timed out and asked
 * again elsewhere) and executed in order. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/block.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/header.h"
#include "ethc/log.h"
#include "ethc/rlp.h"
#include "ethc/sync.h"

#define BODIES_BATCH 128 /* hashes per GetBlockBodies (geth asks 128) */
#define LOG_EVERY_MS 1000
#define FULL_WINDOW 8        /* batches fetched ahead of the import, over all peers */
#define FULL_PEER_INFLIGHT 2 /* GetBlockBodies in flight per peer */

enum { CHUNK_EMPTY, CHUNK_ASKED, CHUNK_FILLED, CHUNK_IMPORTING };

/* A run of plan[first..first + count) fetched by one request. */
typedef struct {
  size_t first, count;
  int state;
  void *peer;        /* CHUNK_ASKED: who was asked */
  uint64_t id, at;   /* its request id and loop time */
  struct work *work; /* CHUNK_FILLED: the answer, waiting for its turn */
} chunk_t;

struct sync_full {
  uv_loop_t *loop;
  chain_t *chain;
  pthread_mutex_t *write_lock;
  sync_progress_t *progress;
  sync_full_done_fn done;
  void *ctx;
  bool busy;      /* a work in flight (planning, or cur) */
  bool planning;  /* the work in flight locates the blocks */
  bool extending; /* a work locates the blocks from the planned tip to a newer one */
  bool replan;    /* the newer tip does not descend from the planned one */
  bool final;     /* the tip given is where the header sync ends (sync_full_tip_final) */
  bool failed;    /* an invalid block: stop */
  bool finished;
  sync_point_t head; /* the executed head, as the last work saw it */
  /* the blocks to fetch: plan[i] is block plan_first + i; plan_done imported,
   * plan_next the first not in a chunk yet. chunks[0] starts at plan_done and
   * is the next to import; the chunks after it are fetched from any peer in
   * parallel (FULL_WINDOW ahead, FULL_PEER_INFLIGHT per peer) and imported
   * in order as chunks[0] fills */
  ethc_hash_t *plan;
  size_t plan_len, plan_done, plan_next;
  chunk_t chunks[2 * FULL_WINDOW]; /* short answers split chunks */
  size_t n_chunks;
  struct work *cur; /* the import in flight */
  uint64_t plan_first;
  sync_point_t planned; /* the tip the plan leads to */
  bool planned_any;
  /* figures */
  uint64_t t0, last_log, blocks, gas, txs, first_number;
};

typedef struct work {
  uv_work_t work;
  sync_full_t *f;
  void *peer;  /* whose bodies these are (NULL once gone) */
  bool plan;   /* locate the blocks, else check and import */
  bool extend; /* plan: only from `base` (the planned tip) on */
  sync_point_t tip, base;
  bool diverged; /* extend: the tip does not lead to `base` */
  /* plan: the result */
  ethc_hash_t *hashes;
  size_t n;
  uint64_t first;
  /* import: the bodies and their hashes */
  uint8_t *buf;
  bytes_view_t *items;
  size_t imported;
  uint64_t gas, txs;
  sync_point_t head;
  bool bad_peer, invalid;
  int rc;
  char why[300];
} work_t;

static void work_free(work_t *k);
static int queue(sync_full_t *f, work_t *k);

static void lock(sync_full_t *f) {
  if (f->write_lock) pthread_mutex_lock(f->write_lock);
}
static void unlock(sync_full_t *f) {
  if (f->write_lock) pthread_mutex_unlock(f->write_lock);
}

int sync_full_new(uv_loop_t *loop, chain_t *c, pthread_mutex_t *write_lock, sync_progress_t *progress,
                  sync_full_done_fn done, void *ctx, sync_full_t **out) {
  *out = NULL;
  sync_full_t *f = calloc(1, sizeof *f);
  if (!f) return ETHC_ERR_NOMEM;
  f->loop = loop, f->chain = c, f->write_lock = write_lock, f->progress = progress, f->done = done, f->ctx = ctx;
  f->final = true;
  if (chain_read_head(c, &f->head.number, &f->head.hash)) {
    free(f);
    return ETHC_ERR_IO;
  }
  if (progress) sync_progress_blocks(progress, f->head.number);
  *out = f;
  return 0;
}

void sync_full_free(sync_full_t *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n_chunks; i++)
    if (f->chunks[i].state == CHUNK_FILLED) work_free(f->chunks[i].work);
  free(f->plan);
  free(f);
}

void sync_full_tip_final(sync_full_t *f, bool final) {
  if (f) f->final = final;
}

bool sync_full_behind(const sync_full_t *f, const sync_point_t *tip) {
  return !f->failed && f->head.number < tip->number;
}

/* ---- locating the blocks: the stored headers from the tip back to the canonical chain ---- */

static void plan_work(uv_work_t *w) {
  work_t *k = w->data;
  sync_full_t *f = k->f;
  chaindb_t *db = chain_db(f->chain);
  uint64_t head_number = 0;
  ethc_hash_t head_hash = {0};
  if (!k->extend) { /* an extension runs beside an import: the head is not its business */
    lock(f);
    chain_head(f->chain, &head_number, &head_hash);
    unlock(f);
  }
  size_t cap = 0;
  uint64_t num = k->tip.number;
  ethc_hash_t cur = k->tip.hash;
  bytes_buf_t raw = {0};
  for (;;) {
    if (k->extend && num <= k->base.number) { /* back at the planned tip? */
      k->diverged = num != k->base.number || !ethc_hash_eq(&cur, &k->base.hash);
      break;
    }
    if (!k->extend && num <= head_number) { /* on the canonical chain yet? */
      ethc_hash_t canon;
      if (!chaindb_get_canonical(db, num, &canon) && !memcmp(canon.bytes, cur.bytes, 32)) break;
    }
    if (num == 0) { /* another genesis: cannot be */
      k->rc = ETHC_ERR_INVALID;
      snprintf(k->why, sizeof k->why, "the headers do not lead to the stored genesis");
      break;
    }
    if (k->n == cap) {
      size_t ncap = cap ? cap * 2 : 1024;
      ethc_hash_t *h = realloc(k->hashes, ncap * sizeof *h);
      if (!h) {
        k->rc = ETHC_ERR_NOMEM;
        break;
      }
      k->hashes = h, cap = ncap;
    }
    k->hashes[k->n++] = cur;
    chain_header_t h;
    raw.len = 0;
    int rc = chaindb_get_header(db, num, &cur, &raw);
    if (!rc) rc = header_decode(raw.data, raw.len, &h) ? ETHC_ERR_INVALID : 0;
    if (rc) {
      k->rc = rc;
      snprintf(k->why, sizeof k->why, "stored header #%" PRIu64 " unreadable (%d)", num, rc);
      break;
    }
    cur = h.parent_hash;
    num--;
  }
  bytes_buf_free(&raw);
  k->first = num + 1;
  for (size_t i = 0; i < k->n / 2; i++) { /* ascending */
    ethc_hash_t t = k->hashes[i];
    k->hashes[i] = k->hashes[k->n - 1 - i];
    k->hashes[k->n - 1 - i] = t;
  }
  k->head.number = head_number, k->head.hash = head_hash;
}

/* ---- checking and importing a batch of bodies ---- */

/* The block [header, txs, ommers(, withdrawals)] from a stored header and a body
 * item [txs, ommers(, withdrawals)], checked against the header's roots. 0;
 * ETHC_ERR_INVALID (why) when the body is not the header's; a local error. */
static int assemble(chaindb_t *db, const ethc_hash_t *hash, bytes_view_t body, bytes_buf_t *block, uint64_t *number,
                    char *why, size_t whylen) {
  bytes_buf_t hdr = {0};
  int rc = chaindb_get_number(db, hash, number);
  if (!rc) rc = chaindb_get_header(db, *number, hash, &hdr);
  if (rc) {
    snprintf(why, whylen, "a synced header is not stored (%d)", rc);
    bytes_buf_free(&hdr);
    return rc;
  }
  rlp_item_t it;
  if (rlp_decode_strict(body.data, body.len, &it) || !it.is_list) {
    bytes_buf_free(&hdr);
    return snprintf(why, whylen, "body of #%" PRIu64 " is not a list", *number), ETHC_ERR_INVALID;
  }
  block->len = 0;
  rc = rlp_put_header(block, true, hdr.len + it.payload_len);
  if (!rc) rc = bytes_buf_append(block, hdr.data, hdr.len);
  if (!rc) rc = bytes_buf_append(block, it.payload, it.payload_len);
  bytes_buf_free(&hdr);
  if (rc) return snprintf(why, whylen, "out of memory"), ETHC_ERR_NOMEM;
  chain_block_t b;
  if (block_decode(block->data, block->len, &b))
    return snprintf(why, whylen, "body of #%" PRIu64 " does not decode", *number), ETHC_ERR_INVALID;
  ethc_hash_t root;
  const char *bad = NULL;
  if (block_tx_root(&b, &root)) rc = ETHC_ERR_NOMEM;
  else if (memcmp(root.bytes, b.header.tx_root.bytes, 32)) bad = "transactions root";
  if (!rc && !bad) {
    block_ommers_hash(&b, &root);
    if (memcmp(root.bytes, b.header.ommers_hash.bytes, 32)) bad = "ommers hash";
  }
  if (!rc && !bad) {
    if (b.has_withdrawals != b.header.has_withdrawals_root) bad = "withdrawals (present or not)";
    else if (b.has_withdrawals && block_withdrawals_root(&b, &root)) rc = ETHC_ERR_NOMEM;
    else if (b.has_withdrawals && memcmp(root.bytes, b.header.withdrawals_root.bytes, 32)) bad = "withdrawals root";
  }
  block_free(&b);
  if (rc) return snprintf(why, whylen, "out of memory"), rc;
  if (bad) return snprintf(why, whylen, "body of #%" PRIu64 ": wrong %s", *number, bad), ETHC_ERR_INVALID;
  return 0;
}

static void import_work(uv_work_t *w) {
  work_t *k = w->data;
  sync_full_t *f = k->f;
  chaindb_t *db = chain_db(f->chain);
  bytes_buf_t block = {0};
  for (size_t i = 0; i < k->n; i++) {
    uint64_t number = 0;
    int rc = assemble(db, &k->hashes[i], k->items[i], &block, &number, k->why, sizeof k->why);
    if (rc == ETHC_ERR_INVALID) k->bad_peer = true;
    if (rc) {
      k->rc = rc;
      break;
    }
    chain_import_result_t res;
    lock(f);
    rc = chain_import_block(f->chain, block.data, block.len, &res);
    unlock(f);
    if (rc) {
      k->rc = rc;
      k->invalid = rc == ETHC_ERR_INVALID;
      snprintf(k->why, sizeof k->why, "block #%" PRIu64 ": %s", number,
               k->invalid ? res.reason : "import failed (a local error)");
      break;
    }
    k->imported++;
    k->gas += res.gas_used;
    k->txs += res.tx_count;
    k->head.number = number;
    k->head.hash = k->hashes[i];
  }
  bytes_buf_free(&block);
}

static void work_free(work_t *k) {
  if (!k) return;
  free(k->hashes);
  free(k->buf);
  free(k->items);
  free(k);
}

/* A chunk back to the queue (asked again), its answer freed. */
static void chunk_reset(chunk_t *c) {
  if (c->state == CHUNK_FILLED) work_free(c->work);
  c->work = NULL;
  c->peer = NULL;
  c->state = CHUNK_EMPTY;
}

/* chunks[0] to the import once answered. */
static void import_next(sync_full_t *f) {
  if (f->busy || !f->n_chunks || f->chunks[0].state != CHUNK_FILLED) return;
  chunk_t *c = &f->chunks[0];
  if (queue(f, c->work)) return; /* tried again at the next answer */
  c->state = CHUNK_IMPORTING;
}

static void log_progress(sync_full_t *f, bool force) {
  uint64_t now = uv_now(f->loop);
  if (!force && now - f->last_log < LOG_EVERY_MS) return;
  f->last_log = now;
  double secs = (double)(now - f->t0) / 1000.0;
  uint64_t left = f->planned.number > f->head.number ? f->planned.number - f->head.number : 0;
  char tail[96];
  sync_rate_eta(tail, sizeof tail, "blocks", f->blocks, secs, left);
  ethc_log(ETHC_LOG_INFO, "full sync: executed #%" PRIu64 " of #%" PRIu64 " (%" PRIu64 " txs, %.1f Mgas/s, %s)",
           f->head.number, f->planned.number, f->txs, secs > 0 ? (double)f->gas / 1e6 / secs : 0.0, tail);
}

/* An extension located: its blocks join the plan, or (another chain) the
 * plan is drained and made again. */
static void extend_done(sync_full_t *f, work_t *k) {
  f->extending = false;
  if (k->rc) {
    ethc_log(ETHC_LOG_ERROR, "full sync: cannot locate the blocks to fetch: %s", k->why);
    f->failed = true;
    return;
  }
  if (k->diverged || !f->planned_any || !ethc_hash_eq(&f->planned.hash, &k->base.hash)) {
    f->replan = true;
    return;
  }
  if (!k->n) return;
  ethc_hash_t *plan = realloc(f->plan, (f->plan_len + k->n) * sizeof *plan);
  if (!plan) return; /* located again at the next request */
  memcpy(plan + f->plan_len, k->hashes, k->n * sizeof *plan);
  f->plan = plan;
  f->plan_len += k->n;
  f->planned = k->tip;
  f->finished = false;
  ethc_log(ETHC_LOG_DEBUG, "full sync: %zu more blocks to fetch and execute, #%" PRIu64 "..#%" PRIu64, k->n, k->first,
           k->tip.number);
}

static void work_done(uv_work_t *w, int status) {
  (void)status;
  work_t *k = w->data;
  sync_full_t *f = k->f;
  void *bad = NULL;
  if (k->extend) {
    extend_done(f, k);
    work_free(k);
    if (f->done) f->done(f->ctx, NULL);
    return;
  }
  f->busy = f->planning = false;
  f->cur = NULL;
  if (k->plan) {
    for (size_t i = 0; i < f->n_chunks; i++) chunk_reset(&f->chunks[i]); /* none: planned only when drained */
    f->n_chunks = 0;
    if (k->rc) {
      ethc_log(ETHC_LOG_ERROR, "full sync: cannot locate the blocks to fetch: %s", k->why);
      f->failed = true;
    } else {
      free(f->plan);
      f->plan = k->hashes, k->hashes = NULL;
      f->plan_len = k->n, f->plan_done = f->plan_next = 0, f->plan_first = k->first;
      f->planned = k->tip, f->planned_any = true;
      f->replan = false;
      f->head = k->head;
      if (f->plan_len) f->finished = false; /* a new tip: its end is logged again */
      if (!f->t0) f->t0 = f->last_log = uv_now(f->loop), f->first_number = f->head.number;
      if (f->plan_len)
        ethc_log(ETHC_LOG_INFO, "full sync: %zu blocks to fetch and execute, #%" PRIu64 "..#%" PRIu64 "%s", f->plan_len,
                 f->plan_first, f->plan_first + f->plan_len - 1,
                 f->final ? "" : " (more as the header sync stores them)");
    }
  } else {
    f->plan_done += k->imported;
    f->blocks += k->imported, f->gas += k->gas, f->txs += k->txs;
    if (k->imported) {
      ethc_log(ETHC_LOG_DEBUG, "full sync: executed #%" PRIu64 "..#%" PRIu64 " (headers located to #%" PRIu64 "%s)",
               k->head.number - k->imported + 1, k->head.number, f->planned.number,
               f->final ? "" : ", the header sync goes on");
      f->head = k->head;
    }
    if (f->progress) sync_progress_blocks(f->progress, f->head.number);
    if (k->rc && k->bad_peer) {
      ethc_log(ETHC_LOG_WARN, "full sync: %s: dropping the peer", k->why);
      bad = k->peer;
    } else if (k->rc) {
      ethc_log(ETHC_LOG_ERROR, "full sync: stopped: %s", k->why);
      f->failed = k->invalid; /* a local error: retried with the next answer */
    }
    chunk_t *c = &f->chunks[0]; /* the one imported */
    c->work = NULL;
    if (k->rc || k->imported < c->count) { /* the rest of it is asked again */
      c->first += k->imported, c->count -= k->imported;
      chunk_reset(c);
    } else {
      memmove(&f->chunks[0], &f->chunks[1], (f->n_chunks - 1) * sizeof *c);
      f->n_chunks--;
      if (!f->failed) import_next(f);
    }
    log_progress(f, false);
  }
  work_free(k);
  if (f->done) f->done(f->ctx, bad);
}

static int queue(sync_full_t *f, work_t *k) {
  k->f = f;
  k->work.data = k;
  f->busy = true;
  f->planning = k->plan;
  if (!k->plan) f->cur = k;
  if (uv_queue_work(f->loop, &k->work, k->plan ? plan_work : import_work, work_done)) {
    f->busy = f->planning = false;
    f->cur = NULL;
    return ETHC_ERR_IO;
  }
  return 0;
}

/* Locates the blocks from the planned tip to `tip` on the pool, beside the
 * import (extend_done follows). */
static int queue_extend(sync_full_t *f, const sync_point_t *tip) {
  work_t *k = calloc(1, sizeof *k);
  if (!k) return ETHC_ERR_NOMEM;
  k->f = f;
  k->work.data = k;
  k->plan = k->extend = true;
  k->tip = *tip;
  k->base = f->planned;
  f->extending = true;
  if (uv_queue_work(f->loop, &k->work, plan_work, work_done)) {
    f->extending = false;
    free(k);
    return ETHC_ERR_IO;
  }
  return 0;
}

static size_t peer_inflight(const sync_full_t *f, const void *peer) {
  size_t n = 0;
  for (size_t i = 0; i < f->n_chunks; i++) n += f->chunks[i].state == CHUNK_ASKED && f->chunks[i].peer == peer;
  return n;
}

int sync_full_request(sync_full_t *f, void *peer, const sync_point_t *tip, uint64_t id, bytes_buf_t *out,
                      size_t *count) {
  return sync_full_request_at(f, peer, tip, id, out, count, NULL);
}

int sync_full_request_at(sync_full_t *f, void *peer, const sync_point_t *tip, uint64_t id, bytes_buf_t *out,
                         size_t *count, uint64_t *first) {
  *count = 0;
  if (f->failed || f->planning) return 0;
  bool same_tip =
      f->planned_any && f->planned.number == tip->number && !memcmp(f->planned.hash.bytes, tip->hash.bytes, 32);
  /* a tip past the planned one (the header sync stored more): its blocks are
   * located beside the fetching and importing, and join the plan */
  bool ahead = !same_tip && f->planned_any && !f->replan && tip->number > f->planned.number;
  if (ahead && !f->extending) {
    int rc = queue_extend(f, tip);
    if (rc) return rc;
  }
  bool drain = !same_tip && !ahead; /* another chain: what is asked for the old tip goes first */
  if (drain) {
    if (f->busy || f->extending || f->n_chunks) {
      if (f->extending || !f->n_chunks) return 0;
    } else {
      if (f->head.number >= tip->number && !f->planned_any) return 0; /* nothing to do */
      work_t *k = calloc(1, sizeof *k);
      if (!k) return ETHC_ERR_NOMEM;
      k->plan = true;
      k->tip = *tip;
      int rc = queue(f, k);
      if (rc) free(k);
      return rc;
    }
  }
  if (f->plan_next >= f->plan_len && !f->n_chunks) {
    if (same_tip && f->final && !f->busy && !f->finished && f->plan_done >= f->plan_len) {
      f->finished = true;
      double secs = f->t0 ? (double)(uv_now(f->loop) - f->t0) / 1000.0 : 0;
      char h[65];
      for (int i = 0; i < 32; i++) sprintf(h + 2 * i, "%02x", f->head.hash.bytes[i]);
      ethc_log(ETHC_LOG_INFO,
               "full sync: done at #%" PRIu64 " 0x%s, %" PRIu64
               " blocks in %.2f s (%.0f blocks/s, %.1f Mgas/s, %" PRIu64 " txs)",
               f->head.number, h, f->blocks, secs, secs > 0 ? (double)f->blocks / secs : 0.0,
               secs > 0 ? (double)f->gas / 1e6 / secs : 0.0, f->txs);
    }
    return 0;
  }
  if (peer_inflight(f, peer) >= FULL_PEER_INFLIGHT) return 0;
  chunk_t *c = NULL;
  for (size_t i = 0; i < f->n_chunks && !c; i++) /* one given back (a timeout, a short answer, a gone peer) */
    if (f->chunks[i].state == CHUNK_EMPTY) c = &f->chunks[i];
  if (!c) {
    if (drain || f->n_chunks >= FULL_WINDOW || f->plan_next >= f->plan_len) return 0;
    c = &f->chunks[f->n_chunks++];
    memset(c, 0, sizeof *c);
    c->first = f->plan_next;
    c->count = f->plan_len - f->plan_next < BODIES_BATCH ? f->plan_len - f->plan_next : BODIES_BATCH;
    f->plan_next += c->count;
  }
  int rc = eth_hash_request_encode(id, f->plan + c->first, c->count, out);
  if (rc) return rc; /* c stays empty: asked later */
  c->state = CHUNK_ASKED;
  c->peer = peer, c->id = id, c->at = uv_now(f->loop);
  *count = c->count;
  if (first) *first = f->plan_first + c->first;
  return 1;
}

void sync_full_peer_gone(sync_full_t *f, void *peer) {
  if (!f) return;
  for (size_t i = 0; i < f->n_chunks; i++) {
    chunk_t *c = &f->chunks[i];
    if (c->state == CHUNK_ASKED && c->peer == peer) chunk_reset(c);
    if (c->state == CHUNK_FILLED && c->work->peer == peer) c->work->peer = NULL;
  }
  if (f->cur && f->cur->peer == peer) f->cur->peer = NULL;
}

void *sync_full_stalled(sync_full_t *f, uint64_t now, uint64_t timeout_ms) {
  if (!f) return NULL;
  for (size_t i = 0; i < f->n_chunks; i++) {
    chunk_t *c = &f->chunks[i];
    if (c->state != CHUNK_ASKED || now - c->at <= timeout_ms) continue;
    void *p = c->peer;
    chunk_reset(c); /* asked elsewhere */
    return p;
  }
  return NULL;
}

int sync_full_on_bodies(sync_full_t *f, void *peer, uint64_t id, const bytes_view_t *items, size_t n) {
  chunk_t *c = NULL;
  for (size_t i = 0; i < f->n_chunks && !c; i++)
    if (f->chunks[i].state == CHUNK_ASKED && f->chunks[i].peer == peer && f->chunks[i].id == id) c = &f->chunks[i];
  if (!c) return 0;             /* unsolicited or late: ignored */
  if (n == 0 || n > c->count) { /* the caller drops the peer */
    chunk_reset(c);
    return ETHC_ERR_INVALID;
  }
  size_t cap = sizeof f->chunks / sizeof f->chunks[0];
  if (n < c->count && f->n_chunks == cap) { /* no room to split: all of it asked again */
    chunk_reset(c);
    return 0;
  }
  work_t *k = calloc(1, sizeof *k);
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += items[i].len;
  if (k) {
    k->buf = malloc(total ? total : 1);
    k->items = calloc(n, sizeof *k->items);
    k->hashes = malloc(n * sizeof *k->hashes);
  }
  if (!k || !k->buf || !k->items || !k->hashes) {
    work_free(k);
    chunk_reset(c);
    return ETHC_ERR_NOMEM;
  }
  if (n < c->count) { /* a short answer (a serving limit): the rest is a new chunk */
    size_t at = (size_t)(c - f->chunks);
    memmove(c + 2, c + 1, (f->n_chunks - at - 1) * sizeof *c);
    f->n_chunks++;
    chunk_t *rest = c + 1;
    *rest = (chunk_t){.first = c->first + n, .count = c->count - n, .state = CHUNK_EMPTY};
    c->count = n;
  }
  size_t off = 0;
  for (size_t i = 0; i < n; i++) {
    memcpy(k->buf + off, items[i].data, items[i].len);
    k->items[i] = bytes_view(k->buf + off, items[i].len);
    off += items[i].len;
  }
  memcpy(k->hashes, f->plan + c->first, n * sizeof *k->hashes);
  k->n = n;
  k->peer = peer;
  c->work = k;
  c->state = CHUNK_FILLED;
  c->peer = NULL;
  import_next(f);
  return 0;
}
