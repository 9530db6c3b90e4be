/* The engine API (execution-apis src/engine: common.md, paris.md,
 * shanghai.md, cancun.md, prague.md, osaka.md): engine_exchangeCapabilities,
 * engine_newPayloadV1-V4 (the payload built into a block, checked and imported
 * through chain_import_block, with full validation and execution),
 * engine_forkchoiceUpdatedV1-V3 (chain_set_head; with payload attributes a
 * payload is built, engine_build.c, and engine_getPayloadV1-V5 answer it) and
 * the payload bodies of stored blocks (engine_bodies.c). Served only by the
 * server the node starts on its authenticated port (rpc_config_t.engine_lock).
 *
 * Threads: handlers run on HTTP threads; every chain write (import, fork
 * choice) holds the server's engine lock, which the node's own importer also
 * takes, so the chain sees one writer at a time; a payload is built after
 * the lock is released (a builder only reads stored state). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/log.h"
#include "rpc/engine.h"

/* A payload status (PayloadStatusV1): latest NULL writes null, msg NULL too. */
static void write_status(jw_t *w, const char *status, const ethc_hash_t *latest, const char *msg) {
  jw_obj_begin(w);
  jw_key(w, "status");
  jw_cstr(w, status);
  jw_key(w, "latestValidHash");
  if (latest) jw_hash(w, latest);
  else jw_null(w);
  jw_key(w, "validationError");
  if (msg) jw_cstr(w, msg);
  else jw_null(w);
  jw_obj_end(w);
}

static bool fork_active(rpc_call_t *c, chain_fork_t f, uint64_t timestamp) {
  return chain_fork_active(chain_config(c->srv->chain), f, UINT64_MAX, timestamp);
}

/* ---- invalid blocks remembered (paris.md, payload validation 4: a payload
 * deemed INVALID stays INVALID; its descendants are INVALID too) ---- */

#define INVALID_MEMORY 64

struct rpc_engine {
  pthread_mutex_t *lock; /* held around every chain write */
  struct {
    ethc_hash_t hash, latest_valid;
    bool latest_known;
  } invalid[INVALID_MEMORY]; /* a ring, under the lock */
  size_t invalid_next;
  engine_payloads_t *payloads; /* built for forkchoiceUpdated's attributes */
};

int rpc_engine_new(rpc_server_t *s, pthread_mutex_t *lock) {
  s->engine = calloc(1, sizeof *s->engine);
  if (!s->engine) return ETHC_ERR_NOMEM;
  s->engine->lock = lock;
  if (!(s->engine->payloads = engine_payloads_new())) {
    free(s->engine);
    s->engine = NULL;
    return ETHC_ERR_NOMEM;
  }
  return 0;
}

engine_payloads_t *engine_payloads_of(rpc_engine_t *e) { return e->payloads; }

void rpc_engine_free(rpc_server_t *s) {
  if (s->engine) engine_payloads_free(s->engine->payloads);
  free(s->engine);
  s->engine = NULL;
}

static void remember_invalid(rpc_engine_t *e, const ethc_hash_t *hash, const ethc_hash_t *latest) {
  size_t i = e->invalid_next++ % INVALID_MEMORY;
  e->invalid[i].hash = *hash;
  e->invalid[i].latest_known = latest != NULL;
  if (latest) e->invalid[i].latest_valid = *latest;
}

/* Whether `hash` was rejected; out: the latest valid hash then (NULL: unknown). */
static bool find_invalid(rpc_engine_t *e, const ethc_hash_t *hash, ethc_hash_t *lv, const ethc_hash_t **latest) {
  size_t n = e->invalid_next < INVALID_MEMORY ? e->invalid_next : INVALID_MEMORY;
  for (size_t i = 0; i < n; i++)
    if (ethc_hash_eq(&e->invalid[i].hash, hash)) {
      *lv = e->invalid[i].latest_valid;
      *latest = e->invalid[i].latest_known ? lv : NULL;
      return true;
    }
  return false;
}

/* ---- engine_newPayload ---- */

/* The latest valid hash for a block that failed on top of `parent`: the parent,
 * or zero when the parent is a proof-of-work block (paris.md). */
static void latest_valid_of(rpc_call_t *c, const ethc_hash_t *parent, ethc_hash_t *out) {
  chain_header_t ph;
  memset(out, 0, sizeof *out);
  if (chain_read_header_by_hash(c->srv->chain, parent, &ph) == 0 && u256_is_zero(&ph.difficulty)) *out = *parent;
}

/* Imports the payload's block under the engine lock and writes its status. */
static int import_payload(rpc_call_t *c, engine_payload_t *p, int version) {
  const ethc_hash_t *hash = &p->block_hash;
  rpc_engine_t *e = c->srv->engine;
  pthread_mutex_lock(e->lock);
  ethc_hash_t lv;
  const ethc_hash_t *latest;
  if (find_invalid(e, &p->header.parent_hash, &lv, &latest)) { /* built on a block known to be invalid */
    remember_invalid(e, hash, latest);
    pthread_mutex_unlock(e->lock);
    write_status(c->w, "INVALID", latest, "links to a previously rejected block");
    return 0;
  }
  chain_import_result_t res;
  int rc = chain_import_block(c->srv->chain, p->rlp.data, p->rlp.len, &res);
  int ret = 0;
  if (rc == 0) {
    write_status(c->w, "VALID", hash, NULL);
  } else if ((rc == ETHC_ERR_INVALID && res.error == BLOCK_ERR_UNKNOWN_PARENT) || rc == ETHC_ERR_MISSING_NODE) {
    /* the parent, or its state, is not here: nothing to validate against */
    write_status(c->w, "SYNCING", NULL, NULL);
  } else if (rc == ETHC_ERR_INVALID) {
    latest_valid_of(c, &p->header.parent_hash, &lv);
    char msg[320];
    snprintf(msg, sizeof msg, "%s", res.reason[0] ? res.reason : block_error_message(res.error));
    remember_invalid(e, hash, &lv);
    write_status(c->w, "INVALID", &lv, msg);
    char hex[67];
    ethc_log(ETHC_LOG_WARN, "engine: invalid payload #%llu %s: %s", (unsigned long long)p->header.number,
             hex_encode(hash->bytes, 32, hex), msg);
  } else {
    ret = rpc_fail(c, RPC_INTERNAL_ERROR, "cannot import the payload: %s", ethc_strerror(rc));
  }
  pthread_mutex_unlock(e->lock);
  if (ethc_log_enabled(ETHC_LOG_DEBUG))
    ethc_log(ETHC_LOG_DEBUG, "engine_newPayloadV%d #%llu: rc %d", version, (unsigned long long)p->header.number, rc);
  return ret;
}

static int new_payload(rpc_call_t *c, const cJSON *params, int version) {
  const cJSON *obj;
  if (rpc_need(c, params, 0, &obj)) return -1;
  if (!cJSON_IsObject(obj)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: the payload must be an object");
  bool has_w = engine_has(obj, "withdrawals");
  bool has_blob = engine_has(obj, "blobGasUsed") || engine_has(obj, "excessBlobGas");
  uint64_t ts;
  if (engine_get_qty(c, obj, "timestamp", &ts)) return -1;
  ethc_hash_t beacon_root, requests_hash;
  const cJSON *expected = NULL;
  /* which fields each version takes (-32602), then which forks (-38005) */
  if (version == 1) {
    if (has_w) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals not supported in V1");
    if (has_blob) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: blob gas fields not supported in V1");
    if (fork_active(c, FORK_SHANGHAI, ts)) return rpc_fail(c, ENGINE_UNSUPPORTED_FORK, "Unsupported fork");
  } else if (version == 2) {
    if (has_blob) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: blob gas fields not supported in V2");
    if (fork_active(c, FORK_CANCUN, ts)) return rpc_fail(c, ENGINE_UNSUPPORTED_FORK, "Unsupported fork");
    bool shanghai = fork_active(c, FORK_SHANGHAI, ts);
    if (shanghai && !has_w)
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals must be given from Shanghai on");
    if (!shanghai && has_w)
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals must be null before Shanghai");
  } else {
    if (!has_w || !engine_has(obj, "blobGasUsed") || !engine_has(obj, "excessBlobGas"))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: V%d needs withdrawals, blobGasUsed and excessBlobGas",
                      version);
    expected = rpc_param(params, 1);
    if (!expected || !cJSON_IsArray(expected))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing expectedBlobVersionedHashes");
    const cJSON *br = rpc_param(params, 2);
    if (!br || cJSON_IsNull(br))
      return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing parentBeaconBlockRoot");
    if (rpc_parse_hash(c, 2, br, &beacon_root)) return -1;
    if (version == 4) {
      const cJSON *reqs = rpc_param(params, 3);
      if (!reqs || cJSON_IsNull(reqs))
        return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing executionRequests");
      if (engine_requests_hash(c, reqs, &requests_hash)) return -1;
    }
    bool prague = fork_active(c, FORK_PRAGUE, ts);
    if (!fork_active(c, FORK_CANCUN, ts) || (version == 3 && prague) || (version == 4 && !prague))
      return rpc_fail(c, ENGINE_UNSUPPORTED_FORK, "Unsupported fork");
  }
  engine_payload_t p;
  int rc = engine_payload_parse(c, obj, version >= 3 ? &beacon_root : NULL, version == 4 ? &requests_hash : NULL, &p);
  if (rc) return engine_payload_free(&p), -1;
  /* expected blob hashes: parsed before any verdict, as a malformed one is -32602 */
  size_t n_exp = expected ? (size_t)cJSON_GetArraySize(expected) : 0;
  bool blobs_match = n_exp == p.blob_count;
  size_t i = 0;
  for (const cJSON *e = expected ? expected->child : NULL; e; e = e->next, i++) {
    ethc_hash_t h;
    if (rpc_parse_hash(c, 1, e, &h)) return engine_payload_free(&p), -1;
    if (blobs_match && !ethc_hash_eq(&h, &p.blob_hashes[i])) blobs_match = false;
  }
  char msg[300];
  if (p.invalid[0]) {
    write_status(c->w, "INVALID", NULL, p.invalid);
  } else if (!ethc_hash_eq(&p.computed_hash, &p.block_hash)) {
    char want[67], got[67];
    snprintf(msg, sizeof msg, "blockhash mismatch, want %s, got %s", hex_encode(p.block_hash.bytes, 32, want),
             hex_encode(p.computed_hash.bytes, 32, got));
    write_status(c->w, version == 1 ? "INVALID_BLOCK_HASH" : "INVALID", NULL, msg);
  } else if (expected && !blobs_match) {
    snprintf(msg, sizeof msg, "invalid versioned hashes: the payload's blob transactions carry %zu, expected %zu%s",
             p.blob_count, n_exp, n_exp == p.blob_count ? " (they differ)" : "");
    write_status(c->w, "INVALID", NULL, msg);
  } else {
    rc = import_payload(c, &p, version);
  }
  engine_payload_free(&p);
  return rc;
}

static int engine_newPayloadV1(rpc_call_t *c, const cJSON *p) { return new_payload(c, p, 1); }
static int engine_newPayloadV2(rpc_call_t *c, const cJSON *p) { return new_payload(c, p, 2); }
static int engine_newPayloadV3(rpc_call_t *c, const cJSON *p) { return new_payload(c, p, 3); }
static int engine_newPayloadV4(rpc_call_t *c, const cJSON *p) { return new_payload(c, p, 4); }

/* ---- engine_forkchoiceUpdated ---- */

/* Payload attributes of version `version`'s method: whether they have the
 * fields the version takes (else a -32602 failure). Out: the timestamp, and
 * whether it falls in a fork the version serves. */
static int check_attributes(rpc_call_t *c, const cJSON *a, int version, uint64_t *ts, bool *fork_ok) {
  if (!cJSON_IsObject(a)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: payloadAttributes must be an object");
  ethc_hash_t randao;
  if (engine_get_qty(c, a, "timestamp", ts) || engine_get_hash(c, a, "prevRandao", &randao)) return -1;
  const cJSON *fr = cJSON_GetObjectItemCaseSensitive(a, "suggestedFeeRecipient");
  ethc_address_t addr;
  if (!fr || cJSON_IsNull(fr))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing field suggestedFeeRecipient");
  if (rpc_parse_addr(c, 1, fr, &addr)) return -1;
  bool has_w = engine_has(a, "withdrawals"), has_root = engine_has(a, "parentBeaconBlockRoot");
  if (has_w && !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(a, "withdrawals")))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals: want an array");
  if (has_root) {
    ethc_hash_t r;
    if (engine_get_hash(c, a, "parentBeaconBlockRoot", &r)) return -1;
  }
  bool shanghai = fork_active(c, FORK_SHANGHAI, *ts), cancun = fork_active(c, FORK_CANCUN, *ts);
  if (version == 1) {
    if (has_w) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: withdrawals not supported in V1");
    if (has_root) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: parentBeaconBlockRoot not supported in V1");
  } else if (version == 2) {
    if (has_root) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: parentBeaconBlockRoot not supported in V2");
    if (shanghai != has_w)
      return rpc_fail(c, RPC_INVALID_PARAMS,
                      shanghai ? "invalid params: missing withdrawals"
                               : "invalid params: withdrawals must be null before Shanghai");
  } else {
    if (!has_w) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing withdrawals");
    if (!has_root) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: missing parentBeaconBlockRoot");
  }
  /* cancun.md: V2 serves no Cancun timestamp, V3 only Cancun and later */
  *fork_ok = version == 1 || (version == 2 && !cancun) || (version == 3 && cancun);
  return 0;
}

/* ForkchoiceUpdatedResponse; id NULL: payloadId null. */
static void write_fcu_id(rpc_call_t *c, const char *status, const ethc_hash_t *latest, const char *msg,
                         const uint8_t *id) {
  jw_obj_begin(c->w);
  jw_key(c->w, "payloadStatus");
  write_status(c->w, status, latest, msg);
  jw_key(c->w, "payloadId");
  if (id) jw_data(c->w, id, 8);
  else jw_null(c->w);
  jw_obj_end(c->w);
}

static void write_fcu(rpc_call_t *c, const char *status, const ethc_hash_t *latest, const char *msg) {
  write_fcu_id(c, status, latest, msg, NULL);
}

static int forkchoice_updated(rpc_call_t *c, const cJSON *params, int version) {
  const cJSON *st;
  if (rpc_need(c, params, 0, &st)) return -1;
  if (!cJSON_IsObject(st)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: forkchoiceState must be an object");
  ethc_hash_t head, safe, fin;
  if (engine_get_hash(c, st, "headBlockHash", &head) || engine_get_hash(c, st, "safeBlockHash", &safe) ||
      engine_get_hash(c, st, "finalizedBlockHash", &fin))
    return -1;
  /* Payload attributes: for V1 and V2 the wrong structure is a parameter
   * error (shanghai.md); V3's are checked after the fork choice is applied
   * (cancun.md: -38003, then -38005 for the fork, then -38003 for a timestamp
   * not after the head's), and a failure there does not undo it. */
  const cJSON *attrs = rpc_param(params, 1);
  uint64_t attr_ts = 0;
  bool has_attrs = attrs && !cJSON_IsNull(attrs), attr_fork_ok = true;
  int attr_rc = has_attrs ? check_attributes(c, attrs, version, &attr_ts, &attr_fork_ok) : 0;
  if (attr_rc && version < 3) return -1;
  char attr_err[sizeof c->err_msg];
  snprintf(attr_err, sizeof attr_err, "%s", c->err_msg);
  c->err_code = 0;
  static const ethc_hash_t zero;
  if (ethc_hash_eq(&head, &zero)) return write_fcu(c, "INVALID", NULL, "forkchoice requested update to zero hash"), 0;

  chain_t *ch = c->srv->chain;
  rpc_engine_t *e = c->srv->engine;
  pthread_mutex_lock(e->lock);
  chain_header_t hh;
  ethc_hash_t lv;
  const ethc_hash_t *latest;
  bool inv = find_invalid(e, &head, &lv, &latest);
  int rc = inv ? ETHC_ERR_INVALID : chain_read_header_by_hash(ch, &head, &hh);
  int ret = 0;
  bool build = false; /* a VALID head with valid attributes: a payload on it */
  if (inv) {
    write_fcu(c, "INVALID", latest, "the head is a block that was rejected");
  } else if (rc == ETHC_ERR_NOT_FOUND) {
    write_fcu(c, "SYNCING", NULL, NULL); /* an unknown head: nothing to do without a sync */
  } else if (rc) {
    ret = rpc_fail_chain(c, rc);
  } else {
    /* safe and finalized: zero means not yet known (before the transition is
     * finalized); others must be stored blocks on the head's chain */
    const ethc_hash_t *marks[2] = {ethc_hash_eq(&safe, &zero) ? NULL : &safe, ethc_hash_eq(&fin, &zero) ? NULL : &fin};
    uint64_t num;
    for (int i = 0; i < 2 && !ret; i++)
      if (marks[i] && (rc = chain_read_number(ch, marks[i], &num)))
        ret = rc == ETHC_ERR_NOT_FOUND ? rpc_fail(c, ENGINE_INVALID_FORKCHOICE, "Invalid forkchoice state")
                                       : rpc_fail_chain(c, rc);
    if (!ret) {
      ethc_hash_t before;
      bool moved = chain_read_head(ch, NULL, &before) != 0 || !ethc_hash_eq(&before, &head);
      rc = chain_set_head(ch, &head, marks[0], marks[1]);
      if (rc == 0 && moved) {
        char hex[67];
        ethc_log(ETHC_LOG_INFO, "engine: head #%llu %s", (unsigned long long)hh.number,
                 hex_encode(head.bytes, 32, hex));
      }
      if (rc == 0) {
        if (has_attrs && attr_rc)
          ret = rpc_fail(c, ENGINE_INVALID_ATTRIBUTES, "Invalid payload attributes: %.200s", attr_err);
        else if (has_attrs && !attr_fork_ok) ret = rpc_fail(c, ENGINE_UNSUPPORTED_FORK, "Unsupported fork");
        else if (has_attrs && attr_ts <= hh.timestamp)
          ret = rpc_fail(c, ENGINE_INVALID_ATTRIBUTES, "Invalid payload attributes: timestamp not after the head's");
        else if (has_attrs) build = true; /* answered below, outside the lock */
        else write_fcu(c, "VALID", &head, NULL);
      } else if (rc == ETHC_ERR_INVALID) {
        ret = rpc_fail(c, ENGINE_INVALID_FORKCHOICE, "Invalid forkchoice state");
      } else if (rc == ETHC_ERR_NOT_FOUND) {
        write_fcu(c, "SYNCING", NULL, NULL); /* the head is known but its state is not */
      } else {
        ret = rpc_fail(c, RPC_INTERNAL_ERROR, "cannot update the fork choice: %s", ethc_strerror(rc));
      }
    }
  }
  pthread_mutex_unlock(e->lock);
  if (build) {
    uint8_t id[8];
    if (engine_build_payload(c, e->payloads, &head, attrs, version, id)) {
      if (version >= 3 && c->err_code == RPC_INVALID_PARAMS) { /* a malformed withdrawal: cancun.md */
        char why[sizeof c->err_msg];
        snprintf(why, sizeof why, "%s", c->err_msg);
        return rpc_fail(c, ENGINE_INVALID_ATTRIBUTES, "Invalid payload attributes: %.200s", why);
      }
      return -1;
    }
    write_fcu_id(c, "VALID", &head, NULL, id);
  }
  return ret;
}

static int engine_forkchoiceUpdatedV1(rpc_call_t *c, const cJSON *p) { return forkchoice_updated(c, p, 1); }
static int engine_forkchoiceUpdatedV2(rpc_call_t *c, const cJSON *p) { return forkchoice_updated(c, p, 2); }
static int engine_forkchoiceUpdatedV3(rpc_call_t *c, const cJSON *p) { return forkchoice_updated(c, p, 3); }

/* ---- engine_exchangeCapabilities (common.md) ---- */

static int engine_exchangeCapabilities(rpc_call_t *c, const cJSON *params) {
  const cJSON *theirs;
  if (rpc_need(c, params, 0, &theirs)) return -1;
  if (!cJSON_IsArray(theirs)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: want an array of method names");
  for (const cJSON *e = theirs->child; e; e = e->next)
    if (!cJSON_IsString(e)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid params: want an array of method names");
  jw_arr_begin(c->w);
  for (const rpc_method_t *m = rpc_methods_engine; m->name; m++)
    if (strcmp(m->name, "engine_exchangeCapabilities")) jw_cstr(c->w, m->name);
  jw_arr_end(c->w);
  return 0;
}

const rpc_method_t rpc_methods_engine[] = {
    {"engine_exchangeCapabilities", RPC_NS_ENGINE, engine_exchangeCapabilities, 1},
    {"engine_newPayloadV1", RPC_NS_ENGINE, engine_newPayloadV1, 1},
    {"engine_newPayloadV2", RPC_NS_ENGINE, engine_newPayloadV2, 1},
    {"engine_newPayloadV3", RPC_NS_ENGINE, engine_newPayloadV3, 3},
    {"engine_newPayloadV4", RPC_NS_ENGINE, engine_newPayloadV4, 4},
    {"engine_forkchoiceUpdatedV1", RPC_NS_ENGINE, engine_forkchoiceUpdatedV1, 2},
    {"engine_forkchoiceUpdatedV2", RPC_NS_ENGINE, engine_forkchoiceUpdatedV2, 2},
    {"engine_forkchoiceUpdatedV3", RPC_NS_ENGINE, engine_forkchoiceUpdatedV3, 2},
    {"engine_getPayloadV1", RPC_NS_ENGINE, engine_getPayloadV1, 1},
    {"engine_getPayloadV2", RPC_NS_ENGINE, engine_getPayloadV2, 1},
    {"engine_getPayloadV3", RPC_NS_ENGINE, engine_getPayloadV3, 1},
    {"engine_getPayloadV4", RPC_NS_ENGINE, engine_getPayloadV4, 1},
    {"engine_getPayloadV5", RPC_NS_ENGINE, engine_getPayloadV5, 1},
    {"engine_getPayloadBodiesByHashV1", RPC_NS_ENGINE, engine_getPayloadBodiesByHashV1, 1},
    {"engine_getPayloadBodiesByRangeV1", RPC_NS_ENGINE, engine_getPayloadBodiesByRangeV1, 2},
    {NULL, 0, NULL, 0}};
