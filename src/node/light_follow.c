/* The light node's follower (ethc/light_follow.h): the beacon light client's
 * sync (consensus-specs altair/light-client/light-client.md, "Light client sync
 * process": bootstrap, then updates, finality and optimistic updates as they
 * come) repeated every poll interval on the node's loop, the store saved as it
 * advances, and each proven head's execution header stored and made the head.
 *
 * States: IDLE (timer armed) -> SYNCING (a beacon_sync in flight) -> IDLE. The
 * first sync bootstraps unless a saved store was loaded; every later one
 * resumes from the store. A failed sync leaves the store as it was (the light
 * client's functions change nothing on error) and the head where it was. */
#include "ethc/light_follow.h"

#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "ethc/beacon_http_sync.h"
#include "ethc/bytes.h"
#include "ethc/chain_light.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/lc_persist.h"
#include "ethc/light_header.h"
#include "ethc/log.h"
#include "node/light_marks.h"

/* The most ancestors fetched to link the optimistic head down to the finalized one. */
#define LINK_MAX 1024
/* Ancestor fetches refused in a row before a new head is set over the gap they leave. */
#define LINK_PATIENCE 3

struct light_follow {
  uv_loop_t *loop;
  chain_t *chain;
  light_follow_opts_t o;
  char url[512];
  char *datadir;
  beacon_http_t *http;
  lc_store_t *store;
  beacon_sync_t *sync;     /* in flight, or NULL */
  beacon_sync_t *finished; /* ended; freed before the next one starts */
  uv_timer_t timer;
  bool resume; /* the store holds a verified store */
  bool stopped;
  uint64_t start_wall;    /* time() at start (the --at clock) */
  uint64_t saved_slot;    /* finalized slot of the store last saved */
  bool saved_next;        /* whether that store knew its next committee */
  char last_refusal[256]; /* the last refusal's message (logged once) */
  char *exec_url;         /* the execution source (copied), or NULL */
  /* the proven heads' light-client headers (the targets of the header fetches) */
  bool has_tgt, tgt_has_fin;
  uint64_t walk_floor; /* next_fetch walks down to here at least (walk_set: once there is a target) */
  bool walk_set;
  bool walked; /* an ancestor's header was stored since the last chain_light_set_head */
  beacon_lc_header_t tgt_opt, tgt_fin;
  /* the header fetch in flight: by hash, checked against fetch_lc when it has one */
  bool fetching, fetch_has_lc;
  beacon_lc_header_t fetch_lc;
  ethc_hash_t fetch_hash;
  uint64_t fetch_number;
  char last_header_refusal[512];
  uv_work_t hwork; /* the header hook's call on the thread pool (fetching) */
  chain_header_t hw_h;
  int hw_rc;
  char hw_err[256];
  light_marks_t marks;    /* the chain's head and finalized mark as last set here */
  unsigned link_refusals; /* ancestor fetches refused in a row (LINK_PATIENCE: a new head may leave a gap) */
  pthread_mutex_t lock;   /* st, latest_hash, finalized_hash, served */
  light_follow_status_t st;
  ethc_hash_t latest_hash, finalized_hash; /* the proven blocks */
  /* the newest proven blocks whose headers are stored ([0] latest, [1]
   * finalized): what light_follow_head answers, so that RPC never names a
   * proven block whose header is still being fetched */
  struct {
    bool set;
    uint64_t number;
    ethc_hash_t hash;
  } served[2];
};

static uint64_t wall_time(const light_follow_t *f) {
  if (!f->o.at) return (uint64_t)time(NULL);
  uint64_t now = (uint64_t)time(NULL);
  return f->o.at + (now > f->start_wall ? now - f->start_wall : 0);
}

static uint64_t ws_age_limit(const beacon_config_t *c) {
  return beacon_ws_period_epochs(c) * c->preset->slots_per_epoch * c->seconds_per_slot;
}

static void on_log(void *user, const char *line) {
  (void)user;
  ethc_log(ETHC_LOG_DEBUG, "light: %s", line);
}

static void on_notice(void *user, const char *line) {
  (void)user;
  ethc_log(ETHC_LOG_WARN, "light: %s", line);
}

/* The execution block a light-client header proves (Capella on): false before. */
static bool proven_block(const beacon_lc_header_t *lc, uint64_t *number, ethc_hash_t *hash) {
  if (lc->fork < BEACON_FORK_CAPELLA) return false;
  *number = lc->execution.block_number;
  *hash = lc->execution.block_hash;
  return true;
}

/* Saves the store when its finalized header or committees moved since the last save. */
static void save_store(light_follow_t *f) {
  if (!f->datadir) return;
  uint64_t slot = f->store->finalized_header.beacon.slot;
  bool next = lc_next_sync_committee_known(f->store);
  if (slot == f->saved_slot && next == f->saved_next) return;
  char err[512] = "";
  if (lc_persist_save(f->datadir, f->o.config, f->store, err, sizeof err)) {
    ethc_log(ETHC_LOG_WARN, "light: cannot save the light-client store: %s", err);
    return;
  }
  f->saved_slot = slot;
  f->saved_next = next;
}

/* Whether the chain holds the header of block (number, hash). */
static bool chain_has(light_follow_t *f, uint64_t number, const ethc_hash_t *hash) {
  chain_header_t h;
  return chain_read_header_by_hash(f->chain, hash, &h) == 0 && h.number == number;
}

/* Moves what light_follow_head answers to the blocks the chain's head and
 * finalized mark were just set to (their headers stored): a newer proven block
 * whose header is still being fetched leaves the previous one served. Called
 * after chain_light_set_head, so a reader that sees a served block finds its
 * header, and the head snapshot it takes next is at least as new. */
static void serve_stored(light_follow_t *f, bool fin) {
  pthread_mutex_lock(&f->lock);
  f->served[0].set = true;
  f->served[0].number = f->tgt_opt.execution.block_number;
  f->served[0].hash = f->tgt_opt.execution.block_hash;
  if (fin) {
    f->served[1].set = true;
    f->served[1].number = f->tgt_fin.execution.block_number;
    f->served[1].hash = f->tgt_fin.execution.block_hash;
  }
  pthread_mutex_unlock(&f->lock);
}

/* Makes the store's proven heads the node's: the proven blocks (numbers and
 * hashes) for the RPC tags, and, when the chain holds their headers (checked
 * against the proof when they were stored), the chain's head. */
static void publish(light_follow_t *f) {
  const lc_store_t *s = f->store;
  uint64_t on = 0, fn = 0;
  ethc_hash_t oh, fh;
  bool fin = proven_block(&s->finalized_header, &fn, &fh);
  bool opt = proven_block(&s->optimistic_header, &on, &oh);
  if (opt && fin && on < fn) opt = false; /* never behind finality */
  if (!opt && fin) on = fn, oh = fh, opt = true;
  pthread_mutex_lock(&f->lock);
  f->st.syncs++;
  f->st.optimistic_slot = s->optimistic_header.beacon.slot;
  f->st.finalized_slot = s->finalized_header.beacon.slot;
  bool moved = opt && (!f->st.proven || !ethc_hash_eq(&oh, &f->latest_hash));
  if (opt) {
    f->st.proven = true;
    f->st.head_number = on;
    f->latest_hash = oh;
  }
  if (fin) {
    f->st.has_finalized = true;
    f->st.finalized_number = fn;
    f->finalized_hash = fh;
  }
  pthread_mutex_unlock(&f->lock);
  if (opt) {
    f->tgt_opt = on > fn || !fin ? s->optimistic_header : s->finalized_header;
    f->tgt_fin = s->finalized_header;
    f->has_tgt = true;
    f->tgt_has_fin = fin;
  }
  if (!moved) return;
  char hex[67], fhex[67] = "none";
  if (fin) hex_encode(fh.bytes, 32, fhex);
  bool have = chain_has(f, on, &oh);
  ethc_log(
      ETHC_LOG_INFO,
      "light: head slot %" PRIu64 " block #%" PRIu64 " %s proven; finalized slot %" PRIu64 " block #%" PRIu64 " %s%s",
      s->optimistic_header.beacon.slot, on, hex_encode(oh.bytes, 32, hex), s->finalized_header.beacon.slot, fn, fhex,
      have || f->o.execution_url || f->o.header ? "" : " (header not available: no execution source is set)");
}

/* Whether the stored block `hash` links to the chain's canonical index through
 * stored headers, so that making it the head indexes every block below it: a
 * walk down its parents reaches a canonical block or the finalized one. While
 * a missing ancestor (the next header fetched) stands between, false: the
 * chain_light_set_head that a head over a gap makes would drop the index
 * below the gap, and blocks already served would be unavailable until the
 * walk refilled it. True also when the chain has no head yet, past LINK_MAX
 * blocks (a gap too far to wait for) and after LINK_PATIENCE refused ancestor
 * fetches (a source without them must not stop the head). */
static bool linked(light_follow_t *f, const ethc_hash_t *hash) {
  if (f->link_refusals >= LINK_PATIENCE || !chain_light_has_head(f->chain)) return true;
  uint64_t floor = f->tgt_has_fin ? f->tgt_fin.execution.block_number : 0;
  ethc_hash_t cur = *hash, canon;
  for (unsigned steps = 0; steps < LINK_MAX; steps++) {
    chain_header_t h;
    if (chain_read_header_by_hash(f->chain, &cur, &h)) return false;
    if (h.number <= floor + 1) return true; /* the finalized block is canonical in any case */
    if (chain_read_canonical_hash(f->chain, h.number, &canon) == 0 && ethc_hash_eq(&canon, &cur)) return true;
    cur = h.parent_hash;
  }
  return true;
}

/* Points the chain's head at the proven optimistic block once its header is
 * stored and linked (and the marks at the finalized one once its header is). */
static void update_chain_head(light_follow_t *f) {
  if (!f->has_tgt) return;
  const ethc_hash_t *oh = &f->tgt_opt.execution.block_hash, *fh = &f->tgt_fin.execution.block_hash;
  if (!chain_has(f, f->tgt_opt.execution.block_number, oh)) return;
  bool fin = f->tgt_has_fin && chain_has(f, f->tgt_fin.execution.block_number, fh);
  light_marks_t want = {.head = *oh, .fin = fin};
  if (fin) want.fin_hash = *fh;
  bool differ = light_marks_differ(&f->marks, &want);
  if (!differ && !f->walked) return;
  bool new_head = !ethc_hash_eq(&f->marks.head, oh);
  if (new_head && !linked(f, oh)) return; /* the walk fetches the gap first */
  /* quiet: only the index below the head or the finalized block changed */
  bool quiet = !new_head && f->marks.fin == fin;
  f->walked = false;
  int rc = chain_light_set_head(f->chain, oh, fin ? fh : NULL, fin ? fh : NULL);
  if (rc) {
    ethc_log(ETHC_LOG_ERROR, "light: cannot set the chain's head: %s", ethc_strerror(rc));
    return;
  }
  f->marks = want;
  f->link_refusals = 0;
  serve_stored(f, fin);
  if (quiet) return;
  char hex[67];
  ethc_log(ETHC_LOG_INFO, "light: chain head block #%" PRIu64 " %s (header verified against the proof)%s",
           f->tgt_opt.execution.block_number, hex_encode(oh->bytes, 32, hex), fin ? ", finalized marked" : "");
}

/* The next header to fetch: the optimistic block's, the finalized block's, then
 * the missing ancestors of the optimistic block down to the finalized one
 * (each checked by its hash, which its stored child names). False: none. */
static bool next_fetch(light_follow_t *f) {
  if (!f->has_tgt) return false;
  const beacon_lc_header_t *o = &f->tgt_opt, *fin = &f->tgt_fin;
  f->fetch_has_lc = true;
  if (!chain_has(f, o->execution.block_number, &o->execution.block_hash)) {
    f->fetch_lc = *o;
  } else if (f->tgt_has_fin && !chain_has(f, fin->execution.block_number, &fin->execution.block_hash)) {
    f->fetch_lc = *fin;
  } else {
    f->fetch_has_lc = false;
    uint64_t floor = f->tgt_has_fin ? fin->execution.block_number : 0;
    /* down to where the last complete walk began, not only to the finalized
     * block: the blocks between two polls, or those of a walk a newer
     * finalized block overtook, are fetched too */
    if (!f->walk_set) f->walk_floor = floor, f->walk_set = true;
    if (f->walk_floor < floor) floor = f->walk_floor;
    chain_header_t h, p;
    if (chain_read_header_by_hash(f->chain, &o->execution.block_hash, &h)) return false;
    for (unsigned steps = 0; h.number > floor + 1 && steps < LINK_MAX; steps++) {
      if (chain_read_header_by_hash(f->chain, &h.parent_hash, &p) != 0) {
        f->fetch_hash = h.parent_hash;
        f->fetch_number = h.number - 1;
        return true;
      }
      h = p;
    }
    if (h.number <= floor + 1) f->walk_floor = o->execution.block_number; /* complete down to the floor */
    return false;
  }
  f->fetch_hash = f->fetch_lc.execution.block_hash;
  f->fetch_number = f->fetch_lc.execution.block_number;
  return true;
}

static void fetch_next(light_follow_t *f);

/* A refusal or failure of the header source, logged once until it changes. */
static void header_refused(light_follow_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void header_refused(light_follow_t *f, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  bool again = strcmp(msg, f->last_header_refusal) == 0;
  if (!f->fetch_has_lc) f->link_refusals++; /* an ancestor (update_chain_head: LINK_PATIENCE) */
  snprintf(f->last_header_refusal, sizeof f->last_header_refusal, "%s", msg);
  char hex[67];
  ethc_log(again ? ETHC_LOG_DEBUG : ETHC_LOG_WARN, "light: refused the header of block #%" PRIu64 " %s from %s: %s",
           f->fetch_number, hex_encode(f->fetch_hash.bytes, 32, hex),
           f->o.execution_url ? f->o.execution_url : "devp2p peers", msg);
}

static void accept_header(light_follow_t *f, const chain_header_t *h);

/* The header of a proven block or of an ancestor: checked against the proof,
 * or against the hash its child names. NULL, or why not. */
static const char *header_mismatch(light_follow_t *f, const chain_header_t *h) {
  const char *why = NULL;
  ethc_hash_t hash;
  if (f->fetch_has_lc && !light_header_check(&f->fetch_lc, h, &why)) return why ? why : "the beacon proof";
  if (!f->fetch_has_lc &&
      (header_hash(h, &hash) || !ethc_hash_eq(&hash, &f->fetch_hash) || h->number != f->fetch_number))
    return "it does not hash to its child's parent hash";
  return NULL;
}

/* The header hook's call, on the loop's thread pool. */
static void header_work(uv_work_t *w) {
  light_follow_t *f = w->data;
  f->hw_err[0] = 0;
  f->hw_rc = f->o.header(f->o.header_ctx, &f->fetch_hash, f->fetch_number, &f->hw_h, f->hw_err, sizeof f->hw_err);
}

static void set_header_call(light_follow_t *f, bool on) {
  pthread_mutex_lock(&f->lock);
  f->st.header_call = on;
  pthread_mutex_unlock(&f->lock);
}

static void header_done(uv_work_t *w, int status) {
  light_follow_t *f = w->data;
  f->fetching = false;
  set_header_call(f, false);
  if (status || f->stopped) return;
  if (f->hw_rc) return header_refused(f, "%s", f->hw_err[0] ? f->hw_err : ethc_strerror(f->hw_rc));
  const char *why = header_mismatch(f, &f->hw_h);
  if (why) return header_refused(f, "it does not match (%s)", why);
  accept_header(f, &f->hw_h);
}

static void on_header(void *user, const beacon_http_response_t *res) {
  light_follow_t *f = user;
  f->fetching = false;
  if (res->err || res->status != 200)
    return header_refused(f, "the request failed (%s)", res->err ? res->message : "an HTTP error status");
  cJSON *doc = cJSON_ParseWithLength((const char *)res->body, res->len);
  const cJSON *r = doc ? cJSON_GetObjectItemCaseSensitive(doc, "result") : NULL;
  const cJSON *e = doc ? cJSON_GetObjectItemCaseSensitive(doc, "error") : NULL;
  chain_header_t h;
  const char *why = NULL;
  ethc_hash_t hash;
  bool ok = false;
  if (!doc) header_refused(f, "the answer is not JSON");
  else if (e)
    header_refused(f, "error %s",
                   cJSON_IsObject(e) && cJSON_IsString(cJSON_GetObjectItem(e, "message"))
                       ? cJSON_GetObjectItem(e, "message")->valuestring
                       : "(no message)");
  else if (!r || cJSON_IsNull(r)) header_refused(f, "the source does not have it");
  else if (!light_header_from_json(r, &h, &why)) header_refused(f, "malformed block object (%s)", why);
  else if (f->fetch_has_lc && !light_header_check(&f->fetch_lc, &h, &why))
    header_refused(f, "it does not match the beacon proof (%s)", why);
  else if (!f->fetch_has_lc &&
           (header_hash(&h, &hash) || !ethc_hash_eq(&hash, &f->fetch_hash) || h.number != f->fetch_number))
    header_refused(f, "it does not hash to its child's parent hash");
  else ok = true;
  cJSON_Delete(doc);
  if (!ok || f->stopped) return;
  accept_header(f, &h);
}

/* Stores a header that passed its check, moves the head, fetches the next. */
static void accept_header(light_follow_t *f, const chain_header_t *h) {
  ethc_hash_t hash;
  bytes_buf_t rlp = {0};
  int rc = header_encode(h, &rlp);
  if (!rc) rc = chain_light_store(f->chain, rlp.data, rlp.len, &hash);
  bytes_buf_free(&rlp);
  if (rc) {
    ethc_log(ETHC_LOG_ERROR, "light: cannot store the header of block #%" PRIu64 ": %s", f->fetch_number,
             ethc_strerror(rc));
    return;
  }
  f->last_header_refusal[0] = 0;
  f->walked = !f->fetch_has_lc; /* an ancestor: index it (canonical) under the head */
  if (f->walked) f->link_refusals = 0;
  update_chain_head(f);
  fetch_next(f);
}

/* Starts fetching the next missing header from the execution source, if any. */
static void fetch_next(light_follow_t *f) {
  update_chain_head(f);
  if ((!f->o.execution_url && !f->o.header) || f->fetching || f->stopped || !next_fetch(f)) return;
  if (!f->o.execution_url) { /* devp2p: a blocking call, off the loop */
    f->hwork.data = f;
    if (uv_queue_work(f->loop, &f->hwork, header_work, header_done) == 0) f->fetching = true, set_header_call(f, true);
    return;
  }
  char body[256], hex[67];
  snprintf(body, sizeof body,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByHash\",\"params\":[\"%s\",false]}",
           hex_encode(f->fetch_hash.bytes, 32, hex));
  beacon_http_opts_t ho = {.timeout_ms = f->o.timeout_ms, .post_json = body, .max_body = 1 << 20};
  if (beacon_http_get(f->http, f->o.execution_url, &ho, on_header, f) == 0) f->fetching = true;
}

static void on_synced(void *user, int err, const char *message) {
  light_follow_t *f = user;
  f->finished = f->sync;
  f->sync = NULL;
  if (err) {
    pthread_mutex_lock(&f->lock);
    f->st.failures++;
    pthread_mutex_unlock(&f->lock);
    /* the bootstrap went through when the store holds a finalized header */
    bool bootstrapped = f->resume || f->store->finalized_header.beacon.slot != 0;
    if (err == ETHC_ERR_RANGE || (!bootstrapped && err != ETHC_ERR_IO)) {
      /* a stale or wrong checkpoint: retrying cannot help */
      memset(f->store, 0, sizeof *f->store);
      ethc_log(ETHC_LOG_ERROR, "light: %s", message);
      uv_timer_stop(&f->timer);
      if (f->o.fatal) f->o.fatal(f->o.fatal_ctx, message);
      return;
    }
    f->resume = bootstrapped;
    /* the same refusal again (a server repeating its answer): once at WARN */
    bool again = strcmp(message, f->last_refusal) == 0;
    snprintf(f->last_refusal, sizeof f->last_refusal, "%s", message);
    ethc_log(again ? ETHC_LOG_DEBUG : ETHC_LOG_WARN, "light: refused: %s (the head stays where it was)", message);
    return;
  }
  f->resume = true;
  f->last_refusal[0] = 0;
  save_store(f);
  publish(f);
  fetch_next(f);
}

static void start_sync(light_follow_t *f) {
  if (f->sync || f->stopped) return;
  beacon_sync_free(f->finished);
  f->finished = NULL;
  beacon_sync_opts_t so = {.config = f->o.config,
                           .url = f->url,
                           .at = f->o.at ? wall_time(f) : 0,
                           .allow_stale_checkpoint = f->o.allow_stale_checkpoint,
                           .resume = f->resume,
                           .ssz = true, /* half the bytes of JSON; JSON when the server offers only that */
                           .log = on_log,
                           .notice = on_notice};
  so.http.timeout_ms = f->o.timeout_ms;
  memcpy(so.checkpoint, f->o.checkpoint, 32);
  f->sync = beacon_sync_start(f->http, f->store, &so, on_synced, f);
  if (!f->sync) ethc_log(ETHC_LOG_WARN, "light: cannot start a sync (out of memory)");
}

static void on_timer(uv_timer_t *t) { start_sync(t->data); }

light_follow_t *light_follow_start(uv_loop_t *loop, chain_t *chain, const light_follow_opts_t *o, char *err,
                                   size_t errlen) {
  light_follow_t *f = calloc(1, sizeof *f);
  if (!f || !(f->store = calloc(1, sizeof *f->store)) || (o->datadir && !(f->datadir = strdup(o->datadir)))) {
    if (f) free(f->store);
    free(f);
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  f->loop = loop;
  f->chain = chain;
  f->o = *o;
  f->o.datadir = f->datadir;
  snprintf(f->url, sizeof f->url, "%s", o->consensus_url);
  f->o.consensus_url = f->url;
  if (o->execution_url && !(f->exec_url = strdup(o->execution_url))) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  f->o.execution_url = f->exec_url;
  pthread_mutex_init(&f->lock, NULL);
  f->start_wall = (uint64_t)time(NULL);
  int rc = ETHC_ERR_NOT_FOUND;
  if (f->datadir) {
    char msg[512] = "";
    rc = lc_persist_load(f->datadir, o->config, f->store, msg, sizeof msg);
    if (rc && rc != ETHC_ERR_NOT_FOUND) {
      snprintf(err, errlen, "%s", msg);
      goto fail;
    }
  }
  if (rc == 0) {
    uint64_t slot = f->store->finalized_header.beacon.slot;
    uint64_t now = beacon_slot_at_time(o->config, wall_time(f));
    uint64_t age = now > slot ? (now - slot) * o->config->seconds_per_slot : 0;
    if (age > ws_age_limit(o->config) && !o->allow_stale_checkpoint) {
      snprintf(err, errlen,
               "the light-client store saved in %s/beacon is finalized at slot %" PRIu64
               ", %.1f days old: older "
               "than %s's weak subjectivity period (%.1f days). Remove %s/beacon and start from a recent "
               "--checkpoint, or pass --allow-stale-checkpoint",
               f->datadir, slot, age / 86400.0, o->config->name, ws_age_limit(o->config) / 86400.0, f->datadir);
      goto fail;
    }
    f->resume = true;
    f->saved_slot = slot;
    f->saved_next = lc_next_sync_committee_known(f->store);
    ethc_log(ETHC_LOG_INFO, "light: resuming from the store saved in %s/beacon (finalized slot %" PRIu64 ")",
             f->datadir, slot);
  } else if (!o->has_checkpoint) {
    snprintf(err, errlen, "--checkpoint ROOT is required (a trusted finalized beacon block root)%s",
             f->datadir ? ": no light-client store is saved in the data directory yet" : "");
    goto fail;
  }
  if (!(f->http = beacon_http_new(loop))) {
    snprintf(err, errlen, "cannot start the beacon HTTP client");
    goto fail;
  }
  uv_timer_init(loop, &f->timer);
  f->timer.data = f;
  uint64_t poll = o->poll_ms ? o->poll_ms : o->config->seconds_per_slot * 1000;
  uv_timer_start(&f->timer, on_timer, 0, poll);
  return f;
fail:
  pthread_mutex_destroy(&f->lock);
  free(f->exec_url);
  free(f->store);
  free(f->datadir);
  free(f);
  return NULL;
}

void light_follow_stop(light_follow_t *f) {
  if (!f || f->stopped) return;
  f->stopped = true;
  if (f->fetching && !f->o.execution_url) uv_cancel((uv_req_t *)&f->hwork); /* running: ends with the source's stop */
  uv_timer_stop(&f->timer);
  uv_close((uv_handle_t *)&f->timer, NULL);
  beacon_http_free(f->http); /* cancels the sync's request: its callback never comes */
  f->http = NULL;
}

void light_follow_free(light_follow_t *f) {
  if (!f) return;
  beacon_sync_free(f->sync);
  beacon_sync_free(f->finished);
  pthread_mutex_destroy(&f->lock);
  free(f->exec_url);
  free(f->store);
  free(f->datadir);
  free(f);
}

void light_follow_status(light_follow_t *f, light_follow_status_t *out) {
  pthread_mutex_lock(&f->lock);
  *out = f->st;
  pthread_mutex_unlock(&f->lock);
}

int light_follow_head(light_follow_t *f, int which, uint64_t *number, ethc_hash_t *hash) {
  pthread_mutex_lock(&f->lock);
  bool fin = which != 0;
  int rc = (fin ? f->st.has_finalized : f->st.proven) ? ETHC_OK : ETHC_ERR_NOT_FOUND;
  if (!rc && f->served[fin].set) {
    *number = f->served[fin].number;
    *hash = f->served[fin].hash;
  } else if (!rc) { /* none stored yet: the proven block (RPC says its header is not available) */
    *number = fin ? f->st.finalized_number : f->st.head_number;
    *hash = fin ? f->finalized_hash : f->latest_hash;
  }
  pthread_mutex_unlock(&f->lock);
  return rc;
}

char *light_follow_syncing_json(light_follow_t *f) {
  light_follow_status_t st;
  light_follow_status(f, &st);
  if (st.proven) return strdup("false");
  char buf[256];
  uint64_t now = beacon_slot_at_time(f->o.config, wall_time(f));
  snprintf(buf, sizeof buf,
           "{\"startingBlock\":\"0x0\",\"currentBlock\":\"0x0\",\"highestBlock\":\"0x0\","
           "\"lightClientSlot\":\"0x%" PRIx64 "\",\"currentSlot\":\"0x%" PRIx64 "\"}",
           st.optimistic_slot, now);
  return strdup(buf);
}
