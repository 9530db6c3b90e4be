/* The light client's sync over the beacon REST API (ethc/beacon_http_sync.h;
 * consensus-specs altair/light-client/light-client.md, ethereum/beacon-APIs
 * light_client endpoints): bootstrap, updates period by period, then the latest
 * finality and optimistic updates, as a chain of GETs on the HTTP client's loop,
 * each decoded (beacon_json.c) and checked by the store (light_client.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ethc/beacon_http_sync.h"
#include "ethc/beacon_json.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/ssz.h"

#define API "/eth/v1/beacon/light_client/"

typedef enum { STEP_BOOTSTRAP, STEP_UPDATES, STEP_FINALITY, STEP_OPTIMISTIC } step_t;

struct beacon_sync {
  beacon_http_t *http;
  lc_store_t *store;
  beacon_sync_opts_t o;
  char url[512]; /* the base URL without trailing slashes */
  beacon_sync_cb cb;
  void *user;
  step_t step;
  uint64_t updates_from; /* the start_period of the updates request in flight */
  unsigned requests;
  uint64_t bytes;
  bool done;
  const beacon_http_response_t *res; /* the response being handled (its content type and version) */
};

/* ---- SSZ answers (Accept: application/octet-stream; ethereum/beacon-APIs) ---- */

#define SSZ_ACCEPT "application/octet-stream;q=1.0,application/json;q=0.9"

static bool ssz_answer(const beacon_sync_t *s) {
  return s->res && strncasecmp(s->res->content_type, "application/octet-stream", 24) == 0;
}

/* The fork an SSZ answer is of: its Eth-Consensus-Version header. */
static int ssz_version(const beacon_sync_t *s, beacon_fork_t *fork, char *err, size_t cap) {
  const char *v = s->res->consensus_version;
  if (!beacon_fork_from_name(v, fork) || *fork < BEACON_FORK_ALTAIR) {
    snprintf(err, cap, "an SSZ answer without a known Eth-Consensus-Version header ('%s')", v);
    return ETHC_ERR_UNSUPPORTED;
  }
  return 0;
}

/* The fork whose digest (compute_fork_digest, before Fulu's BPO change) is `d`. */
static bool fork_of_digest(const beacon_config_t *c, const uint8_t d[4], beacon_fork_t *out) {
  for (int f = BEACON_FORK_COUNT - 1; f >= BEACON_FORK_ALTAIR; f--) {
    uint8_t x[4];
    beacon_fork_digest(c->fork_version[f], c->genesis_validators_root, x);
    if (memcmp(x, d, 4) == 0) {
      *out = (beacon_fork_t)f;
      return true;
    }
  }
  return false;
}

static int decode_bootstrap(beacon_sync_t *s, const char *body, size_t len, beacon_lc_bootstrap_t *b, char *err,
                            size_t cap) {
  uint32_t cs = s->o.config->preset->sync_committee_size;
  if (!ssz_answer(s)) return beacon_json_bootstrap(body, len, cs, b, err, cap);
  beacon_fork_t f;
  int rc = ssz_version(s, &f, err, cap);
  if (!rc && (rc = ssz_decode_lc_bootstrap((const uint8_t *)body, len, f, cs, b)))
    snprintf(err, cap, "malformed SSZ LightClientBootstrap (%s)", beacon_fork_name(f));
  return rc;
}

static int decode_finality(beacon_sync_t *s, const char *body, size_t len, beacon_lc_finality_update_t *u, char *err,
                           size_t cap) {
  uint32_t cs = s->o.config->preset->sync_committee_size;
  if (!ssz_answer(s)) return beacon_json_finality_update(body, len, cs, u, err, cap);
  beacon_fork_t f;
  int rc = ssz_version(s, &f, err, cap);
  if (!rc && (rc = ssz_decode_lc_finality_update((const uint8_t *)body, len, f, cs, u)))
    snprintf(err, cap, "malformed SSZ LightClientFinalityUpdate (%s)", beacon_fork_name(f));
  return rc;
}

static int decode_optimistic(beacon_sync_t *s, const char *body, size_t len, beacon_lc_optimistic_update_t *u,
                             char *err, size_t cap) {
  uint32_t cs = s->o.config->preset->sync_committee_size;
  if (!ssz_answer(s)) return beacon_json_optimistic_update(body, len, cs, u, err, cap);
  beacon_fork_t f;
  int rc = ssz_version(s, &f, err, cap);
  if (!rc && (rc = ssz_decode_lc_optimistic_update((const uint8_t *)body, len, f, cs, u)))
    snprintf(err, cap, "malformed SSZ LightClientOptimisticUpdate (%s)", beacon_fork_name(f));
  return rc;
}

/* An updates list: JSON, or SSZ chunks of response_chunk_len (8 bytes, little
 * endian: the length of what follows it in the chunk), the fork digest of the
 * update's attested header (4 bytes) and the SSZ LightClientUpdate. */
static int decode_updates(beacon_sync_t *s, const char *body, size_t len, beacon_lc_update_t **out, size_t *n,
                          char *err, size_t cap) {
  uint32_t cs = s->o.config->preset->sync_committee_size;
  if (!ssz_answer(s)) return beacon_json_updates(body, len, cs, out, n, err, cap);
  const uint8_t *p = (const uint8_t *)body;
  int rc = ETHC_ERR_INVALID;
  *out = NULL;
  *n = 0;
  for (size_t off = 0; off < len;) {
    uint64_t clen = 0;
    beacon_fork_t f;
    if (len - off < 12) {
      snprintf(err, cap, "a truncated SSZ chunk at byte %zu", off);
      goto fail;
    }
    for (int i = 7; i >= 0; i--) clen = clen << 8 | p[off + (size_t)i];
    if (clen < 4 || clen > len - off - 8) {
      snprintf(err, cap, "an SSZ chunk length %llu past the body at byte %zu", (unsigned long long)clen, off);
      goto fail;
    }
    if (!fork_of_digest(s->o.config, p + off + 8, &f)) {
      snprintf(err, cap, "update %zu: an unknown fork digest", *n + 1);
      goto fail;
    }
    if (*n == BEACON_JSON_MAX_UPDATES) {
      snprintf(err, cap, "more than %d updates", BEACON_JSON_MAX_UPDATES);
      rc = ETHC_ERR_LIMIT;
      goto fail;
    }
    beacon_lc_update_t *grown = realloc(*out, (*n + 1) * sizeof **out);
    if (!grown) {
      snprintf(err, cap, "out of memory");
      rc = ETHC_ERR_NOMEM;
      goto fail;
    }
    *out = grown;
    if (ssz_decode_lc_update(p + off + 12, (size_t)clen - 4, f, cs, &(*out)[*n])) {
      snprintf(err, cap, "update %zu: malformed SSZ LightClientUpdate (%s)", *n + 1, beacon_fork_name(f));
      goto fail;
    }
    (*n)++;
    off += 8 + (size_t)clen;
  }
  return 0;
fail:
  free(*out);
  *out = NULL;
  *n = 0;
  return rc;
}

static uint64_t now_time(const beacon_sync_t *s) { return s->o.at ? s->o.at : (uint64_t)time(NULL); }

static uint64_t current_slot(const beacon_sync_t *s) { return beacon_slot_at_time(s->o.config, now_time(s)); }

static uint64_t period_of(const beacon_sync_t *s, uint64_t slot) { return beacon_period_at_slot(s->o.config, slot); }

__attribute__((format(printf, 2, 3))) static void logf_(beacon_sync_t *s, const char *fmt, ...) {
  if (!s->o.log) return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  s->o.log(s->user, line);
}

/* process_light_client_store_force_update: after UPDATE_TIMEOUT slots without
 * finality, the best valid update is applied as if finalized; told as a notice,
 * since the store then trusts a header no finality proof backs. */
static void force_update(beacon_sync_t *s, uint64_t slot) {
  uint64_t fin_before = s->store->finalized_header.beacon.slot;
  if (!lc_force_update(s->store, s->o.config, slot)) return;
  char line[512];
  snprintf(line, sizeof line,
           "force update at slot %llu: no finality for more than %llu slots (UPDATE_TIMEOUT) since finalized slot "
           "%llu; the best valid update applied: finalized slot now %llu, optimistic slot %llu",
           (unsigned long long)slot, (unsigned long long)s->o.config->preset->update_timeout,
           (unsigned long long)fin_before, (unsigned long long)s->store->finalized_header.beacon.slot,
           (unsigned long long)s->store->optimistic_header.beacon.slot);
  if (s->o.notice) s->o.notice(s->user, line);
  else if (s->o.log) s->o.log(s->user, line);
}

__attribute__((format(printf, 3, 4))) static void finish(beacon_sync_t *s, int err, const char *fmt, ...) {
  char msg[768] = "";
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
  }
  s->done = true;
  s->cb(s->user, err, msg);
}

static void on_response(void *user, const beacon_http_response_t *res);

/* GETs base URL + path; 0, or an error after which no response will come. */
static int get(beacon_sync_t *s, const char *path_fmt, ...) __attribute__((format(printf, 2, 3)));
static int get(beacon_sync_t *s, const char *path_fmt, ...) {
  char path[256], url[800];
  va_list ap;
  va_start(ap, path_fmt);
  vsnprintf(path, sizeof path, path_fmt, ap);
  va_end(ap);
  snprintf(url, sizeof url, "%s%s", s->url, path);
  s->requests++;
  return beacon_http_get(s->http, url, &s->o.http, on_response, s);
}

/* get() from a response callback: a failure ends the sync. */
#define GET_OR_FINISH(s, what, ...)                                                              \
  do {                                                                                           \
    int rc_ = get(s, __VA_ARGS__);                                                               \
    if (rc_) finish(s, rc_, "%s: cannot start the request to %s (out of memory)", what, s->url); \
  } while (0)

static const char *fork_name(beacon_fork_t f) {
  const char *n = beacon_fork_name(f);
  return n ? n : "?";
}

/* The response's version must be the fork of its header's slot. */
static bool version_ok(beacon_sync_t *s, const char *what, beacon_fork_t got, uint64_t slot) {
  beacon_fork_t want = beacon_fork_at_slot(s->o.config, slot);
  if (got == want) return true;
  finish(s, ETHC_ERR_INVALID, "%s: version %s does not match the fork at slot %llu (%s)", what, fork_name(got),
         (unsigned long long)slot, fork_name(want));
  return false;
}

static void request_updates(beacon_sync_t *s);

static void request_finality(beacon_sync_t *s) {
  s->step = STEP_FINALITY;
  GET_OR_FINISH(s, "finality update", API "finality_update");
}

static void on_bootstrap(beacon_sync_t *s, const char *body, size_t len) {
  beacon_lc_bootstrap_t *b = malloc(sizeof *b); /* ~26 KB: kept off the loop thread's stack */
  char err[256];
  const char *why = NULL;
  if (!b) return finish(s, ETHC_ERR_NOMEM, "bootstrap: out of memory");
  int rc = decode_bootstrap(s, body, len, b, err, sizeof err);
  if (rc) {
    free(b);
    return finish(s, rc, "bootstrap: %s", err);
  }
  if (!version_ok(s, "bootstrap", b->fork, b->header.beacon.slot)) {
    free(b);
    return;
  }
  if (lc_store_init(s->store, s->o.config, s->o.checkpoint, b, &why) != 0) {
    free(b);
    return finish(s, ETHC_ERR_INVALID, "bootstrap: %s", why ? why : "invalid");
  }
  uint64_t slot = b->header.beacon.slot, now = current_slot(s);
  free(b);
  uint64_t age = now > slot ? (now - slot) * s->o.config->seconds_per_slot : 0;
  logf_(s, "bootstrap: slot %llu (period %llu), %llu s old", (unsigned long long)slot,
        (unsigned long long)period_of(s, slot), (unsigned long long)age);
  uint64_t ws = beacon_ws_period_seconds(s->o.config);
  if (age > ws && !s->o.allow_stale_checkpoint) {
    char hex[67];
    return finish(s, ETHC_ERR_RANGE,
                  "checkpoint %s is at slot %llu, %.1f days old: older than %s's weak subjectivity period (%.1f days), "
                  "so it cannot be trusted to lead to the canonical chain. Use a recent finalized block root (from a "
                  "beacon node you trust: GET /eth/v1/beacon/headers/finalized, or a checkpoint sync provider), or "
                  "pass --allow-stale-checkpoint",
                  hex_encode(s->o.checkpoint, 32, hex), (unsigned long long)slot, age / 86400.0, s->o.config->name,
                  ws / 86400.0);
  }
  request_updates(s);
}

/* Asks for the updates from the store's finalized period (its next committee
 * unknown) or the one after, up to the current period; else moves on. */
static void request_updates(beacon_sync_t *s) {
  uint64_t fin = period_of(s, s->store->finalized_header.beacon.slot);
  uint64_t start = lc_next_sync_committee_known(s->store) ? fin + 1 : fin;
  uint64_t cur = period_of(s, current_slot(s));
  if (start > cur) return request_finality(s);
  uint64_t count = cur - start + 1;
  if (count > BEACON_JSON_MAX_UPDATES) count = BEACON_JSON_MAX_UPDATES;
  s->step = STEP_UPDATES;
  s->updates_from = start;
  GET_OR_FINISH(s, "updates", API "updates?start_period=%llu&count=%llu", (unsigned long long)start,
                (unsigned long long)count);
}

static void on_updates(beacon_sync_t *s, const char *body, size_t len) {
  beacon_lc_update_t *u = NULL;
  size_t n = 0;
  char err[256];
  int rc = decode_updates(s, body, len, &u, &n, err, sizeof err);
  if (rc) return finish(s, rc, "updates from period %llu: %s", (unsigned long long)s->updates_from, err);
  uint64_t fin_before = s->store->finalized_header.beacon.slot;
  bool next_before = lc_next_sync_committee_known(s->store);
  uint64_t slot = current_slot(s);
  for (size_t i = 0; i < n; i++) {
    const char *why = NULL;
    uint64_t att = u[i].attested_header.beacon.slot;
    char what[96];
    snprintf(what, sizeof what, "update %zu of %zu (period %llu, attested slot %llu)", i + 1, n,
             (unsigned long long)period_of(s, att), (unsigned long long)att);
    if (!version_ok(s, what, u[i].fork, att)) {
      free(u);
      return;
    }
    if (lc_process_update(s->store, s->o.config, &u[i], slot, &why) != 0) {
      free(u);
      return finish(s, ETHC_ERR_INVALID, "%s: %s", what, why ? why : "invalid");
    }
    logf_(s, "%s: finalized slot %llu", what, (unsigned long long)s->store->finalized_header.beacon.slot);
  }
  free(u);
  force_update(s, slot);
  bool progress =
      s->store->finalized_header.beacon.slot != fin_before || lc_next_sync_committee_known(s->store) != next_before;
  if (n > 0 && progress) return request_updates(s);
  request_finality(s);
}

static void on_finality(beacon_sync_t *s, const char *body, size_t len) {
  beacon_lc_finality_update_t *f = malloc(sizeof *f);
  char err[256];
  const char *why = NULL;
  if (!f) return finish(s, ETHC_ERR_NOMEM, "finality update: out of memory");
  int rc = decode_finality(s, body, len, f, err, sizeof err);
  if (rc) {
    free(f);
    return finish(s, rc, "finality update: %s", err);
  }
  char what[96];
  snprintf(what, sizeof what, "finality update (attested slot %llu)",
           (unsigned long long)f->attested_header.beacon.slot);
  bool ok = version_ok(s, what, f->fork, f->attested_header.beacon.slot);
  bool stale = false;
  if (ok && lc_process_finality_update(s->store, s->o.config, f, current_slot(s), &why) != 0) {
    /* no newer than the store (the same answer again): ignored, the optimistic
     * update may still move the head; anything else ends the sync */
    stale = why && strcmp(why, LC_WHY_NOT_NEWER) == 0;
    ok = stale;
    if (!stale) finish(s, ETHC_ERR_INVALID, "%s: %s", what, why ? why : "invalid");
  }
  free(f);
  if (!ok) return;
  logf_(s, "%s: %s, finalized slot %llu", what, stale ? "not newer than the store (ignored)" : "applied",
        (unsigned long long)s->store->finalized_header.beacon.slot);
  s->step = STEP_OPTIMISTIC;
  GET_OR_FINISH(s, "optimistic update", API "optimistic_update");
}

static void on_optimistic(beacon_sync_t *s, const char *body, size_t len) {
  beacon_lc_optimistic_update_t *o = malloc(sizeof *o);
  char err[256];
  const char *why = NULL;
  if (!o) return finish(s, ETHC_ERR_NOMEM, "optimistic update: out of memory");
  int rc = decode_optimistic(s, body, len, o, err, sizeof err);
  if (rc) {
    free(o);
    return finish(s, rc, "optimistic update: %s", err);
  }
  char what[96];
  snprintf(what, sizeof what, "optimistic update (attested slot %llu)",
           (unsigned long long)o->attested_header.beacon.slot);
  bool ok = version_ok(s, what, o->fork, o->attested_header.beacon.slot);
  if (ok && lc_process_optimistic_update(s->store, s->o.config, o, current_slot(s), &why) != 0) {
    ok = false;
    finish(s, ETHC_ERR_INVALID, "%s: %s", what, why ? why : "invalid");
  }
  free(o);
  if (!ok) return;
  logf_(s, "%s: optimistic slot %llu", what, (unsigned long long)s->store->optimistic_header.beacon.slot);
  finish(s, 0, NULL);
}

static const char *step_name(step_t st) {
  switch (st) {
    case STEP_BOOTSTRAP: return "bootstrap";
    case STEP_UPDATES: return "updates";
    case STEP_FINALITY: return "finality update";
    default: return "optimistic update";
  }
}

/* The "message" of a beacon API error body ({"code", "message"}), or "". */
static void error_message(const beacon_http_response_t *res, char *out, size_t cap) {
  out[0] = 0;
  const char *m = strstr((const char *)res->body, "\"message\"");
  if (!m) return;
  m = strchr(m + 9, '"');
  if (!m) return;
  size_t n = strcspn(m + 1, "\"\r\n");
  if (n > 200) n = 200;
  snprintf(out, cap, ": %.*s", (int)n, m + 1);
}

static void on_response(void *user, const beacon_http_response_t *res) {
  beacon_sync_t *s = user;
  s->bytes += res->len;
  const char *what = step_name(s->step);
  if (res->err)
    return finish(s, res->err == ETHC_ERR_LIMIT ? ETHC_ERR_LIMIT : ETHC_ERR_IO, "%s: %s", what, res->message);
  if (res->status != 200) {
    char msg[220];
    error_message(res, msg, sizeof msg);
    if (s->step == STEP_BOOTSTRAP && res->status == 404)
      return finish(s, ETHC_ERR_IO,
                    "bootstrap: the beacon node has no bootstrap for this checkpoint (HTTP 404%s): it must be the "
                    "root of a finalized epoch-boundary block that the node still keeps",
                    msg);
    return finish(s, ETHC_ERR_IO, "%s: %s: HTTP %ld%s", what, res->url, res->status, msg);
  }
  const char *body = (const char *)res->body;
  s->res = res; /* valid during this call only */
  switch (s->step) {
    case STEP_BOOTSTRAP: return on_bootstrap(s, body, res->len);
    case STEP_UPDATES: return on_updates(s, body, res->len);
    case STEP_FINALITY: return on_finality(s, body, res->len);
    case STEP_OPTIMISTIC: return on_optimistic(s, body, res->len);
  }
}

beacon_sync_t *beacon_sync_start(beacon_http_t *http, lc_store_t *store, const beacon_sync_opts_t *o, beacon_sync_cb cb,
                                 void *user) {
  if (!http || !store || !o || !o->config || !o->url || !cb) return NULL;
  beacon_sync_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->http = http;
  s->store = store;
  s->o = *o;
  s->cb = cb;
  s->user = user;
  snprintf(s->url, sizeof s->url, "%s", o->url);
  size_t n = strlen(s->url);
  while (n > 0 && s->url[n - 1] == '/') s->url[--n] = 0;
  s->o.url = s->url;
  if (o->ssz && !s->o.http.accept) s->o.http.accept = SSZ_ACCEPT;
  if (o->resume) {
    logf_(s, "resuming: finalized slot %llu (period %llu)", (unsigned long long)store->finalized_header.beacon.slot,
          (unsigned long long)period_of(s, store->finalized_header.beacon.slot));
    request_updates(s);
    return s;
  }
  memset(store, 0, sizeof *store);
  char hex[67];
  s->step = STEP_BOOTSTRAP;
  if (get(s, API "bootstrap/%s", hex_encode(o->checkpoint, 32, hex)) != 0) {
    free(s);
    return NULL;
  }
  return s;
}

void beacon_sync_stats(const beacon_sync_t *s, unsigned *requests, uint64_t *bytes) {
  *requests = s ? s->requests : 0;
  *bytes = s ? s->bytes : 0;
}

void beacon_sync_free(beacon_sync_t *s) { free(s); }
