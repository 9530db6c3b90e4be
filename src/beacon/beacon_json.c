/* The beacon REST API's light-client JSON (ethc/beacon_json.h; ethereum/beacon-APIs
 * apis/beacon/light_client/ and types/{altair,capella,deneb}/light_client.yaml)
 * into beacon_types.h containers. Strict where a lie could hide (exact byte counts,
 * exact branch depths, exact committee size, decimal strings only), lenient about
 * fields it does not know. Errors name the field by its path. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ethc/beacon_json.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/u256.h"

typedef struct {
  char *err;
  size_t errlen;
  uint32_t committee_size;
} ctx_t;

#define PATH_MAX_LEN 160

__attribute__((format(printf, 4, 5))) static int fail(ctx_t *c, int code, const char *path, const char *fmt, ...) {
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->err && c->errlen) snprintf(c->err, c->errlen, "%s%s%s", path, *path ? ": " : "", msg);
  return code;
}

static void join(char out[PATH_MAX_LEN], const char *path, const char *name) {
  snprintf(out, PATH_MAX_LEN, "%s%s%s", path, *path ? "." : "", name);
}

/* obj[name], which must be present; *p gets its path. */
static int field(ctx_t *c, const cJSON *obj, const char *path, const char *name, const cJSON **out,
                 char p[PATH_MAX_LEN]) {
  join(p, path, name);
  *out = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (!*out || cJSON_IsNull(*out)) return fail(c, ETHC_ERR_JSON, p, "missing");
  return 0;
}

static int object(ctx_t *c, const cJSON *obj, const char *path, const char *name, const cJSON **out,
                  char p[PATH_MAX_LEN]) {
  int rc = field(c, obj, path, name, out, p);
  if (rc) return rc;
  if (!cJSON_IsObject(*out)) return fail(c, ETHC_ERR_JSON, p, "expected an object");
  return 0;
}

/* A decimal string of at most 78 digits, no sign, no spaces. */
static int check_decimal(ctx_t *c, const cJSON *v, const char *p) {
  if (!cJSON_IsString(v)) return fail(c, ETHC_ERR_JSON, p, "expected a decimal string");
  const char *s = v->valuestring;
  size_t n = strlen(s);
  if (n == 0) return fail(c, ETHC_ERR_JSON, p, "empty number");
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return fail(c, ETHC_ERR_JSON, p, "not a decimal number: \"%.40s\"", s);
  return 0;
}

static int get_u64(ctx_t *c, const cJSON *obj, const char *path, const char *name, uint64_t *out) {
  char p[PATH_MAX_LEN];
  const cJSON *v;
  int rc = field(c, obj, path, name, &v, p);
  if (rc || (rc = check_decimal(c, v, p))) return rc;
  uint64_t x = 0;
  for (const char *s = v->valuestring; *s; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (x > (UINT64_MAX - d) / 10) return fail(c, ETHC_ERR_OVERFLOW, p, "larger than 2^64-1");
    x = x * 10 + d;
  }
  *out = x;
  return 0;
}

static int get_u256(ctx_t *c, const cJSON *obj, const char *path, const char *name, u256_t *out) {
  char p[PATH_MAX_LEN];
  const cJSON *v;
  int rc = field(c, obj, path, name, &v, p);
  if (rc || (rc = check_decimal(c, v, p))) return rc;
  if (!u256_from_string(out, v->valuestring)) return fail(c, ETHC_ERR_OVERFLOW, p, "larger than 2^256-1");
  return 0;
}

/* A 0x-hex string of `min`..`max` bytes into out; *len gets the count. */
static int hex_value(ctx_t *c, const cJSON *v, const char *p, uint8_t *out, size_t min, size_t max, size_t *len) {
  if (!cJSON_IsString(v)) return fail(c, ETHC_ERR_JSON, p, "expected a 0x-hex string");
  const char *s = v->valuestring;
  if (s[0] != '0' || s[1] != 'x') return fail(c, ETHC_ERR_HEX, p, "missing 0x prefix");
  size_t digits = strlen(s + 2);
  if (digits % 2) return fail(c, ETHC_ERR_HEX, p, "odd number of hex digits");
  size_t n = digits / 2;
  if (n < min || n > max) {
    if (min == max) return fail(c, ETHC_ERR_HEX, p, "expected %zu bytes, got %zu", min, n);
    return fail(c, ETHC_ERR_HEX, p, "expected at most %zu bytes, got %zu", max, n);
  }
  if (hex_decode_fixed(s, true, out, n) != 0) return fail(c, ETHC_ERR_HEX, p, "bad hex digit");
  *len = n;
  return 0;
}

static int get_bytes(ctx_t *c, const cJSON *obj, const char *path, const char *name, uint8_t *out, size_t n) {
  char p[PATH_MAX_LEN];
  const cJSON *v;
  size_t got;
  int rc = field(c, obj, path, name, &v, p);
  return rc ? rc : hex_value(c, v, p, out, n, n, &got);
}

/* A list of exactly `depth` 32-byte roots. */
static int get_branch(ctx_t *c, const cJSON *obj, const char *path, const char *name, uint8_t (*out)[32],
                      unsigned depth) {
  char p[PATH_MAX_LEN];
  const cJSON *v;
  int rc = field(c, obj, path, name, &v, p);
  if (rc) return rc;
  if (!cJSON_IsArray(v)) return fail(c, ETHC_ERR_JSON, p, "expected a list");
  int n = cJSON_GetArraySize(v);
  if (n != (int)depth) return fail(c, ETHC_ERR_JSON, p, "expected %u roots, got %d", depth, n);
  unsigned i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, v) {
    char q[PATH_MAX_LEN + 16];
    size_t got;
    snprintf(q, sizeof q, "%s[%u]", p, i);
    if ((rc = hex_value(c, e, q, out[i], 32, 32, &got))) return rc;
    i++;
  }
  return 0;
}

static int beacon_header(ctx_t *c, const cJSON *o, const char *path, beacon_block_header_t *h) {
  int rc;
  if ((rc = get_u64(c, o, path, "slot", &h->slot)) ||
      (rc = get_u64(c, o, path, "proposer_index", &h->proposer_index)) ||
      (rc = get_bytes(c, o, path, "parent_root", h->parent_root.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "state_root", h->state_root.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "body_root", h->body_root.bytes, 32)))
    return rc;
  return 0;
}

static int execution_header(ctx_t *c, const cJSON *o, const char *path, beacon_fork_t fork,
                            beacon_execution_header_t *e) {
  int rc;
  if ((rc = get_bytes(c, o, path, "parent_hash", e->parent_hash.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "fee_recipient", e->fee_recipient.bytes, 20)) ||
      (rc = get_bytes(c, o, path, "state_root", e->state_root.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "receipts_root", e->receipts_root.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "logs_bloom", e->logs_bloom, BEACON_LOGS_BLOOM_SIZE)) ||
      (rc = get_bytes(c, o, path, "prev_randao", e->prev_randao.bytes, 32)) ||
      (rc = get_u64(c, o, path, "block_number", &e->block_number)) ||
      (rc = get_u64(c, o, path, "gas_limit", &e->gas_limit)) || (rc = get_u64(c, o, path, "gas_used", &e->gas_used)) ||
      (rc = get_u64(c, o, path, "timestamp", &e->timestamp)))
    return rc;
  char p[PATH_MAX_LEN];
  const cJSON *v;
  size_t n;
  if ((rc = field(c, o, path, "extra_data", &v, p)) ||
      (rc = hex_value(c, v, p, e->extra_data, 0, BEACON_MAX_EXTRA_DATA, &n)))
    return rc;
  e->extra_data_len = (uint8_t)n;
  if ((rc = get_u256(c, o, path, "base_fee_per_gas", &e->base_fee_per_gas)) ||
      (rc = get_bytes(c, o, path, "block_hash", e->block_hash.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "transactions_root", e->transactions_root.bytes, 32)) ||
      (rc = get_bytes(c, o, path, "withdrawals_root", e->withdrawals_root.bytes, 32)))
    return rc;
  if (fork >= BEACON_FORK_DENEB && ((rc = get_u64(c, o, path, "blob_gas_used", &e->blob_gas_used)) ||
                                    (rc = get_u64(c, o, path, "excess_blob_gas", &e->excess_blob_gas))))
    return rc;
  return 0;
}

/* LightClientHeader: {beacon} before Capella, {beacon, execution, execution_branch} from it. */
static int lc_header(ctx_t *c, const cJSON *obj, const char *path, const char *name, beacon_fork_t fork,
                     beacon_lc_header_t *h) {
  char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
  const cJSON *o, *v;
  int rc;
  h->fork = fork;
  if ((rc = object(c, obj, path, name, &o, p)) || (rc = object(c, o, p, "beacon", &v, q)) ||
      (rc = beacon_header(c, v, q, &h->beacon)))
    return rc;
  if (fork < BEACON_FORK_CAPELLA) return 0;
  if ((rc = object(c, o, p, "execution", &v, q)) || (rc = execution_header(c, v, q, fork, &h->execution)) ||
      (rc = get_branch(c, o, p, "execution_branch", h->execution_branch, BEACON_EXECUTION_BRANCH_DEPTH)))
    return rc;
  return 0;
}

static int sync_committee(ctx_t *c, const cJSON *obj, const char *path, const char *name, beacon_sync_committee_t *sc) {
  char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
  const cJSON *o, *keys;
  int rc;
  if ((rc = object(c, obj, path, name, &o, p)) || (rc = field(c, o, p, "pubkeys", &keys, q))) return rc;
  if (!cJSON_IsArray(keys)) return fail(c, ETHC_ERR_JSON, q, "expected a list");
  int n = cJSON_GetArraySize(keys);
  if (n != (int)c->committee_size) return fail(c, ETHC_ERR_JSON, q, "expected %u keys, got %d", c->committee_size, n);
  unsigned i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, keys) {
    char r[PATH_MAX_LEN + 16];
    size_t got;
    snprintf(r, sizeof r, "%s[%u]", q, i);
    if ((rc = hex_value(c, e, r, sc->pubkeys[i], BEACON_PUBKEY_SIZE, BEACON_PUBKEY_SIZE, &got))) return rc;
    i++;
  }
  return get_bytes(c, o, p, "aggregate_pubkey", sc->aggregate_pubkey, BEACON_PUBKEY_SIZE);
}

static int sync_aggregate(ctx_t *c, const cJSON *obj, const char *path, beacon_sync_aggregate_t *a) {
  char p[PATH_MAX_LEN];
  const cJSON *o;
  int rc;
  if ((rc = object(c, obj, path, "sync_aggregate", &o, p)) ||
      (rc = get_bytes(c, o, p, "sync_committee_bits", a->sync_committee_bits, c->committee_size / 8)) ||
      (rc = get_bytes(c, o, p, "sync_committee_signature", a->sync_committee_signature, BEACON_SIGNATURE_SIZE)))
    return rc;
  return 0;
}

/* {"version": FORK, "data": {...}}: the fork and the data object. */
static int envelope(ctx_t *c, const cJSON *doc, const char *path, beacon_fork_t *fork, const cJSON **data,
                    char p[PATH_MAX_LEN]) {
  char q[PATH_MAX_LEN];
  const cJSON *v;
  int rc;
  if (!cJSON_IsObject(doc)) return fail(c, ETHC_ERR_JSON, path, "expected an object with version and data");
  if ((rc = field(c, doc, path, "version", &v, q))) return rc;
  if (!cJSON_IsString(v)) return fail(c, ETHC_ERR_JSON, q, "expected a fork name");
  if (!beacon_fork_from_name(v->valuestring, fork))
    return fail(c, ETHC_ERR_UNSUPPORTED, q, "unknown fork \"%.32s\"", v->valuestring);
  if (*fork < BEACON_FORK_ALTAIR)
    return fail(c, ETHC_ERR_UNSUPPORTED, q, "no light-client data before altair (got \"%.32s\")", v->valuestring);
  return object(c, doc, path, "data", data, p);
}

static int update_data(ctx_t *c, const cJSON *d, const char *p, beacon_fork_t fork, beacon_lc_update_t *u) {
  int rc;
  u->fork = fork;
  if ((rc = lc_header(c, d, p, "attested_header", fork, &u->attested_header)) ||
      (rc = sync_committee(c, d, p, "next_sync_committee", &u->next_sync_committee)) ||
      (rc = get_branch(c, d, p, "next_sync_committee_branch", u->next_sync_committee_branch,
                       beacon_next_sync_committee_depth(fork))) ||
      (rc = lc_header(c, d, p, "finalized_header", fork, &u->finalized_header)) ||
      (rc = get_branch(c, d, p, "finality_branch", u->finality_branch, beacon_finality_depth(fork))) ||
      (rc = sync_aggregate(c, d, p, &u->sync_aggregate)) ||
      (rc = get_u64(c, d, p, "signature_slot", &u->signature_slot)))
    return rc;
  return 0;
}

/* Parses text and checks committee_size; *doc is to be freed with cJSON_Delete. */
static int begin(ctx_t *c, const char *text, size_t len, uint32_t committee_size, char *err, size_t errlen,
                 cJSON **doc) {
  c->err = err;
  c->errlen = errlen;
  c->committee_size = committee_size;
  if (err && errlen) err[0] = 0;
  *doc = NULL;
  if (committee_size == 0 || committee_size > BEACON_SYNC_COMMITTEE_MAX || committee_size % 8)
    return fail(c, ETHC_ERR_INVALID, "", "bad sync committee size %u", committee_size);
  if (!text) return fail(c, ETHC_ERR_JSON, "", "no input");
  const char *end = NULL;
  *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  if (!*doc) return fail(c, ETHC_ERR_JSON, "", "not valid JSON");
  for (; end && end < text + len; end++)
    if (*end != ' ' && *end != '\t' && *end != '\r' && *end != '\n' && *end != 0) {
      cJSON_Delete(*doc);
      *doc = NULL;
      return fail(c, ETHC_ERR_JSON, "", "text after the JSON value");
    }
  return 0;
}

/* Parses one {"version", "data"} document: `data_fn` reads the data object
 * into out (size bytes, zeroed first and again on failure). */
typedef int (*data_fn_t)(ctx_t *c, const cJSON *d, const char *p, beacon_fork_t fork, void *out);
static int parse_one(const char *text, size_t len, uint32_t committee_size, void *out, size_t size, char *err,
                     size_t errlen, data_fn_t data_fn) {
  ctx_t c;
  cJSON *doc;
  memset(out, 0, size);
  int rc = begin(&c, text, len, committee_size, err, errlen, &doc);
  char p[PATH_MAX_LEN];
  const cJSON *d;
  beacon_fork_t fork = BEACON_FORK_PHASE0;
  if (!rc && !(rc = envelope(&c, doc, "", &fork, &d, p))) rc = data_fn(&c, d, p, fork, out);
  cJSON_Delete(doc);
  if (rc) memset(out, 0, size);
  return rc;
}

static int bootstrap_data(ctx_t *c, const cJSON *d, const char *p, beacon_fork_t fork, void *out) {
  beacon_lc_bootstrap_t *b = out;
  int rc;
  b->fork = fork;
  if ((rc = lc_header(c, d, p, "header", fork, &b->header)) ||
      (rc = sync_committee(c, d, p, "current_sync_committee", &b->current_sync_committee)))
    return rc;
  return get_branch(c, d, p, "current_sync_committee_branch", b->current_sync_committee_branch,
                    beacon_current_sync_committee_depth(fork));
}

int beacon_json_bootstrap(const char *text, size_t len, uint32_t committee_size, beacon_lc_bootstrap_t *out, char *err,
                          size_t errlen) {
  return parse_one(text, len, committee_size, out, sizeof *out, err, errlen, bootstrap_data);
}

static int update_data_of(ctx_t *c, const cJSON *d, const char *p, beacon_fork_t fork, void *out) {
  return update_data(c, d, p, fork, out);
}

int beacon_json_update(const char *text, size_t len, uint32_t committee_size, beacon_lc_update_t *out, char *err,
                       size_t errlen) {
  return parse_one(text, len, committee_size, out, sizeof *out, err, errlen, update_data_of);
}

int beacon_json_updates(const char *text, size_t len, uint32_t committee_size, beacon_lc_update_t **out, size_t *count,
                        char *err, size_t errlen) {
  ctx_t c;
  cJSON *doc;
  *out = NULL;
  *count = 0;
  int rc = begin(&c, text, len, committee_size, err, errlen, &doc);
  if (rc) return rc;
  beacon_lc_update_t *list = NULL;
  int n = 0;
  if (!cJSON_IsArray(doc)) rc = fail(&c, ETHC_ERR_JSON, "", "expected a list of updates");
  else if ((n = cJSON_GetArraySize(doc)) > BEACON_JSON_MAX_UPDATES)
    rc = fail(&c, ETHC_ERR_LIMIT, "", "%d updates, more than %d", n, BEACON_JSON_MAX_UPDATES);
  else if (n > 0 && !(list = calloc((size_t)n, sizeof *list))) rc = fail(&c, ETHC_ERR_NOMEM, "", "out of memory");
  int i = 0;
  const cJSON *e;
  if (!rc) cJSON_ArrayForEach(e, doc) {
      char at[PATH_MAX_LEN], p[PATH_MAX_LEN];
      const cJSON *d;
      beacon_fork_t fork = BEACON_FORK_PHASE0;
      snprintf(at, sizeof at, "[%d]", i);
      if ((rc = envelope(&c, e, at, &fork, &d, p)) || (rc = update_data(&c, d, p, fork, &list[i]))) break;
      i++;
    }
  cJSON_Delete(doc);
  if (rc) {
    free(list);
    return rc;
  }
  *out = list;
  *count = (size_t)n;
  return 0;
}

static int finality_data(ctx_t *c, const cJSON *d, const char *p, beacon_fork_t fork, void *out) {
  beacon_lc_finality_update_t *u = out;
  int rc;
  u->fork = fork;
  if ((rc = lc_header(c, d, p, "attested_header", fork, &u->attested_header)) ||
      (rc = lc_header(c, d, p, "finalized_header", fork, &u->finalized_header)) ||
      (rc = get_branch(c, d, p, "finality_branch", u->finality_branch, beacon_finality_depth(fork))) ||
      (rc = sync_aggregate(c, d, p, &u->sync_aggregate)))
    return rc;
  return get_u64(c, d, p, "signature_slot", &u->signature_slot);
}

int beacon_json_finality_update(const char *text, size_t len, uint32_t committee_size, beacon_lc_finality_update_t *out,
                                char *err, size_t errlen) {
  return parse_one(text, len, committee_size, out, sizeof *out, err, errlen, finality_data);
}

static int optimistic_data(ctx_t *c, const cJSON *d, const char *p, beacon_fork_t fork, void *out) {
  beacon_lc_optimistic_update_t *u = out;
  int rc;
  u->fork = fork;
  if ((rc = lc_header(c, d, p, "attested_header", fork, &u->attested_header)) ||
      (rc = sync_aggregate(c, d, p, &u->sync_aggregate)))
    return rc;
  return get_u64(c, d, p, "signature_slot", &u->signature_slot);
}

int beacon_json_optimistic_update(const char *text, size_t len, uint32_t committee_size,
                                  beacon_lc_optimistic_update_t *out, char *err, size_t errlen) {
  return parse_one(text, len, committee_size, out, sizeof *out, err, errlen, optimistic_data);
}
