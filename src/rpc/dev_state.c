/* anvil_dumpState / anvil_loadState in anvil's format: the hex of a gzipped
 * JSON object {"accounts": {ADDRESS: {"nonce": N, "balance": "0x..", "code":
 * "0x..", "storage": {"0xKEY": "0xVALUE"}}}} (anvil's dump has more fields,
 * "block", "blocks", ...: loading ignores them). The dump is the head's
 * whole state (chain_snapshot_foreach_account); a load sets each account's
 * nonce, balance, code and the slots listed (other slots stay) as one state
 * edit of the head. A load takes gzipped or plain JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ethc/chain_dev.h"
#include "ethc/error.h"
#include "ethc/state.h"
#include "rpc/rpc_internal.h"

#define MAX_LOAD_JSON (256u << 20) /* the most JSON text a load inflates to */

/* ---- dump ---- */

static cJSON *hex_item(const uint8_t *d, size_t n) {
  char *s = malloc(2 * n + 3);
  if (!s) return NULL;
  hex_encode(d, n, s);
  cJSON *j = cJSON_CreateString(s);
  free(s);
  return j;
}

static cJSON *qty_item(const u256_t *v) {
  char s[67];
  u256_to_hex(v, s);
  return cJSON_CreateString(s);
}

static int dump_account(void *ctx, const chain_account_t *a) {
  cJSON *accounts = ctx, *o = cJSON_CreateObject(), *st = cJSON_CreateObject();
  char addr[43];
  hex_encode(a->address.bytes, 20, addr);
  if (!o || !st || !cJSON_AddItemToObject(accounts, addr, o)) {
    cJSON_Delete(o);
    cJSON_Delete(st);
    return ETHC_ERR_NOMEM;
  }
  bool ok = cJSON_AddNumberToObject(o, "nonce", (double)a->nonce) &&
            cJSON_AddItemToObject(o, "balance", qty_item(&a->balance)) &&
            cJSON_AddItemToObject(o, "code", hex_item(a->code, a->code_len));
  for (size_t i = 0; ok && i < a->slot_count; i++) {
    char k[67];
    u256_to_hex(&a->slots[i].key, k);
    ok = cJSON_AddItemToObject(st, k, qty_item(&a->slots[i].value));
  }
  if (!cJSON_AddItemToObject(o, "storage", st)) {
    cJSON_Delete(st);
    ok = false;
  }
  return ok ? 0 : ETHC_ERR_NOMEM;
}

/* gzip (RFC 1952) of `in`: 0 or ETHC_ERR_NOMEM. */
static int gzip(const char *in, size_t len, bytes_buf_t *out) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return ETHC_ERR_NOMEM;
  size_t cap = deflateBound(&z, (uLong)len);
  int rc = bytes_buf_reserve(out, cap) ? ETHC_ERR_NOMEM : 0;
  if (!rc) {
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out->data;
    z.avail_out = (uInt)cap;
    rc = deflate(&z, Z_FINISH) == Z_STREAM_END ? 0 : ETHC_ERR_NOMEM;
    out->len = cap - z.avail_out;
  }
  deflateEnd(&z);
  return rc;
}

static int anvil_dumpState(rpc_call_t *c, const cJSON *params) {
  (void)params;
  cJSON *doc = cJSON_CreateObject(), *accounts = cJSON_CreateObject();
  if (!doc || !accounts || !cJSON_AddItemToObject(doc, "accounts", accounts)) {
    cJSON_Delete(doc);
    cJSON_Delete(accounts);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  }
  int rc = chain_snapshot_foreach_account(rpc_head(c), dump_account, accounts);
  char *text = rc ? NULL : cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  if (rc) return rpc_fail(c, RPC_SERVER_ERROR, "cannot read the state: %s", ethc_strerror(rc));
  if (!text) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  bytes_buf_t gz = {0};
  rc = gzip(text, strlen(text), &gz);
  cJSON_free(text);
  if (!rc) jw_data(c->w, gz.data, gz.len);
  bytes_buf_free(&gz);
  return rc ? rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory") : 0;
}

/* ---- load ---- */

/* gunzip of `in` into out (at most MAX_LOAD_JSON bytes): 0, or ETHC_ERR_INVALID. */
static int gunzip(const uint8_t *in, size_t len, bytes_buf_t *out) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 + 32) != Z_OK) return ETHC_ERR_NOMEM;
  z.next_in = (Bytef *)in;
  z.avail_in = (uInt)len;
  int rc = 0, zr = Z_OK;
  while (zr == Z_OK && !rc) {
    if (out->len + 65536 > MAX_LOAD_JSON || bytes_buf_reserve(out, 65536)) {
      rc = ETHC_ERR_INVALID;
      break;
    }
    z.next_out = out->data + out->len;
    z.avail_out = 65536;
    zr = inflate(&z, Z_NO_FLUSH);
    out->len = (size_t)(z.next_out - out->data);
  }
  if (zr != Z_STREAM_END) rc = ETHC_ERR_INVALID;
  inflateEnd(&z);
  return rc;
}

typedef struct {
  const cJSON *accounts;
  char why[200];
} load_t;

/* A number as anvil writes it (a JSON integer or a hex string). */
static bool get_u256(const cJSON *v, u256_t *out) {
  if (cJSON_IsNumber(v)) {
    if (v->valuedouble < 0 || v->valuedouble > 9007199254740992.0) return false;
    *out = u256_from_u64((uint64_t)v->valuedouble);
    return true;
  }
  return cJSON_IsString(v) && (v->valuestring[0] == '0' && (v->valuestring[1] == 'x' || v->valuestring[1] == 'X')) &&
         u256_from_string(out, v->valuestring);
}

static int bad(load_t *l, const char *addr, const char *what) {
  snprintf(l->why, sizeof l->why, "account %.42s: %s", addr, what);
  return ETHC_ERR_INVALID;
}

static int load_account(load_t *l, state_t *st, const cJSON *a) {
  ethc_address_t addr;
  const char *name = a->string;
  if (!cJSON_IsObject(a) || hex_decode_fixed(name, true, addr.bytes, 20)) return bad(l, name, "not an address");
  const cJSON *v;
  u256_t x;
  int rc = 0;
  if ((v = cJSON_GetObjectItem(a, "nonce"))) {
    if (!get_u256(v, &x) || x.w[1] || x.w[2] || x.w[3]) return bad(l, name, "bad nonce");
    rc = state_set_nonce(st, &addr, x.w[0]);
  }
  if (!rc && (v = cJSON_GetObjectItem(a, "balance"))) {
    if (!get_u256(v, &x)) return bad(l, name, "bad balance");
    rc = state_set_balance(st, &addr, &x);
  }
  if (!rc && (v = cJSON_GetObjectItem(a, "code")) && !cJSON_IsNull(v)) {
    uint8_t *code = NULL;
    size_t n = 0;
    if (!cJSON_IsString(v) || hex_decode_alloc(v->valuestring, true, &code, &n)) return bad(l, name, "bad code");
    rc = state_set_code(st, &addr, code, n);
    free(code);
  }
  const cJSON *storage = cJSON_GetObjectItem(a, "storage"), *slot;
  if (storage && !cJSON_IsNull(storage) && !cJSON_IsObject(storage)) return bad(l, name, "bad storage");
  cJSON_ArrayForEach(slot, storage) {
    u256_t key, value;
    cJSON k = {.type = cJSON_String, .valuestring = slot->string};
    if (!get_u256(&k, &key) || !get_u256(slot, &value)) return bad(l, name, "bad storage slot");
    if (!rc) rc = state_set_storage(st, &addr, &key, &value, NULL, NULL);
  }
  return rc;
}

static int apply_load(void *ctx, state_t *st) {
  load_t *l = ctx;
  const cJSON *a;
  cJSON_ArrayForEach(a, l->accounts) {
    int rc = load_account(l, st, a);
    if (rc) return rc;
  }
  return 0;
}

static int anvil_loadState(rpc_call_t *c, const cJSON *params) {
  const cJSON *v;
  uint8_t *data = NULL;
  size_t len = 0;
  if (rpc_need(c, params, 0, &v) || rpc_parse_data(c, 0, v, &data, &len)) return -1;
  bytes_buf_t text = {0};
  int rc = 0;
  if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) rc = gunzip(data, len, &text);
  else if (bytes_buf_append(&text, data, len)) rc = ETHC_ERR_NOMEM;
  free(data);
  cJSON *doc = rc ? NULL : cJSON_ParseWithLength((const char *)text.data, text.len);
  bytes_buf_free(&text);
  load_t l = {.accounts = doc ? cJSON_GetObjectItem(doc, "accounts") : NULL};
  if (rc == ETHC_ERR_NOMEM) rc = rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  else if (rc || !cJSON_IsObject(l.accounts))
    rc = rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: not a state dump (gzipped JSON with \"accounts\")");
  else if (!c->srv->miner.edit_state) rc = rpc_fail(c, RPC_SERVER_ERROR, "miner not running");
  else {
    char err[256] = "";
    if (c->srv->miner.edit_state(c->srv->miner.ctx, apply_load, &l, err, sizeof err))
      rc = l.why[0] ? rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: %s", l.why)
                    : rpc_fail(c, RPC_SERVER_ERROR, "%s", err);
  }
  cJSON_Delete(doc);
  if (rc) return -1;
  jw_bool(c->w, true);
  return 0;
}

const rpc_method_t rpc_methods_dev_state[] = {
    {"anvil_dumpState", RPC_NS_ANVIL, anvil_dumpState, 0},
    {"anvil_loadState", RPC_NS_ANVIL, anvil_loadState, 1},
    {NULL, 0, NULL, 0},
};
