/* Decoding of JSON-RPC parameters in the encodings of execution-apis
 * (src/schemas/base-types.yaml: uint, hash32, address, bytes, BlockNumberOrTag,
 * EIP-1898 BlockNumberOrTagOrHash). Bad input fails the call with -32602 and a
 * message naming the argument, worded as geth's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "rpc/rpc_internal.h"

int rpc_fail(rpc_call_t *c, int code, const char *fmt, ...) {
  c->err_code = code;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err_msg, sizeof c->err_msg, fmt, ap);
  va_end(ap);
  return -1;
}

int rpc_fail_chain(rpc_call_t *c, int rc) {
  /* light mode: what the remote source failed at (fetch, or an answer that did not verify) */
  const char *remote = rc == ETHC_ERR_IO ? chain_remote_error() : NULL;
  if (remote) return rpc_fail(c, RPC_SERVER_ERROR, "%s", remote);
  switch (rc) {
    case ETHC_ERR_NOT_FOUND: return rpc_fail(c, RPC_SERVER_ERROR, "not found");
    case ETHC_ERR_NOMEM: return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
    case ETHC_ERR_IO: return rpc_fail(c, RPC_INTERNAL_ERROR, "database read failed");
    case ETHC_ERR_INVALID: return rpc_fail(c, RPC_INTERNAL_ERROR, "stored data does not decode");
    default: return rpc_fail(c, RPC_INTERNAL_ERROR, "internal error (%s)", ethc_strerror(rc));
  }
}

const cJSON *rpc_param(const cJSON *params, int i) {
  if (!params || !cJSON_IsArray(params)) return NULL;
  const cJSON *v = cJSON_GetArrayItem(params, i);
  return v;
}
int rpc_param_count(const cJSON *params) { return params && cJSON_IsArray(params) ? cJSON_GetArraySize(params) : 0; }

int rpc_need(rpc_call_t *c, const cJSON *params, int i, const cJSON **out) {
  const cJSON *v = rpc_param(params, i);
  if (!v) return rpc_fail(c, RPC_INVALID_PARAMS, "missing value for required argument %d", i);
  *out = v;
  return 0;
}

static int hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* A QUANTITY: "0x" and 1..16 hex digits without leading zeros. */
static const char *qty_problem(const char *s, uint64_t *out) {
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return "hex string without 0x prefix";
  s += 2;
  if (!*s) return "hex string \"0x\"";
  if (s[0] == '0' && s[1]) return "hex number with leading zero digits";
  uint64_t v = 0;
  size_t n = 0;
  for (; *s; s++, n++) {
    int d = hexval(*s);
    if (d < 0) return "invalid hex string";
    if (n >= 16) return "hex number > 64 bits";
    v = v << 4 | (uint64_t)d;
  }
  *out = v;
  return NULL;
}

int rpc_parse_qty(rpc_call_t *c, int i, const cJSON *v, uint64_t *out) {
  if (!cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-string into Go value of type hexutil.Uint64", i);
  const char *p = qty_problem(v->valuestring, out);
  if (p) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: %s", i, p);
  return 0;
}

static int parse_fixed(rpc_call_t *c, int i, const cJSON *v, uint8_t *out, size_t n, const char *type) {
  if (!cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-string into Go value of type %s", i, type);
  const char *s = v->valuestring;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal hex string without 0x prefix into Go value of type %s",
                    i, type);
  size_t len = strlen(s + 2);
  if (len != 2 * n)
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex string has length %zu, want %zu for %s", i, len,
                    2 * n, type);
  if (hex_decode_fixed(s, true, out, n))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal invalid hex string into Go value of type %s", i, type);
  return 0;
}

int rpc_parse_hash(rpc_call_t *c, int i, const cJSON *v, ethc_hash_t *out) {
  return parse_fixed(c, i, v, out->bytes, 32, "common.Hash");
}
int rpc_parse_addr(rpc_call_t *c, int i, const cJSON *v, ethc_address_t *out) {
  return parse_fixed(c, i, v, out->bytes, 20, "common.Address");
}

int rpc_parse_bool(rpc_call_t *c, int i, const cJSON *v, bool *out) {
  if (!cJSON_IsBool(v))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: json: cannot unmarshal %s into Go value of type bool",
                    i,
                    cJSON_IsString(v)   ? "string"
                    : cJSON_IsNumber(v) ? "number"
                                        : "non-bool");
  *out = cJSON_IsTrue(v);
  return 0;
}

int rpc_parse_data(rpc_call_t *c, int i, const cJSON *v, uint8_t **out, size_t *len) {
  if (!cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-string into Go value of type hexutil.Bytes", i);
  const char *s = v->valuestring;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex string without 0x prefix", i);
  if (strlen(s) % 2) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: hex string of odd length", i);
  if (hex_decode_alloc(s, true, out, len))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: invalid hex string", i);
  return 0;
}

chain_snapshot_t *rpc_head(rpc_call_t *c) {
  if (!*c->head) *c->head = chain_snapshot_head(c->srv->chain);
  return *c->head;
}

/* The number of the block a fork-choice mark names; the head (of the request)
 * until the fork-choice input gave one. */
static int mark_number(rpc_call_t *c, bool safe, rpc_block_ref_t *out) {
  ethc_hash_t h;
  int rc = safe ? chain_read_safe(c->srv->chain, &h) : chain_read_finalized(c->srv->chain, &h);
  if (rc == ETHC_ERR_NOT_FOUND) {
    out->latest = true;
    out->number = chain_snapshot_header(rpc_head(c))->number;
    return 0;
  }
  if (!rc) rc = chain_read_number(c->srv->chain, &h, &out->number);
  if (rc) return rpc_fail_chain(c, rc);
  /* a mark set after the request's head was taken is not beyond it */
  uint64_t head = chain_snapshot_header(rpc_head(c))->number;
  if (out->number > head) out->number = head;
  return 0;
}

/* Pending is the head: there is no block being built. Every tag is resolved
 * against the request's head snapshot, so the calls of a batch agree. */
static int parse_tag_or_number(rpc_call_t *c, int i, const char *s, rpc_block_ref_t *out) {
  out->kind = RPC_BLOCK_NUMBER;
  out->require_canonical = false;
  out->latest = false;
  int lt = rpc_light_tag(c, s, out); /* a light node's proven heads */
  if (lt <= 0) return lt;
  if (!strcmp(s, "latest") || !strcmp(s, "pending")) {
    out->latest = true;
    out->number = chain_snapshot_header(rpc_head(c))->number;
    return 0;
  }
  if (!strcmp(s, "safe") || !strcmp(s, "finalized")) return mark_number(c, s[0] == 's', out);
  if (!strcmp(s, "earliest")) {
    out->number = 0;
    return 0;
  }
  const char *p = qty_problem(s, &out->number);
  if (p) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: %s", i, p);
  if (out->number > (uint64_t)INT64_MAX)
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: block number larger than int64", i);
  return 0;
}

int rpc_parse_block_number(rpc_call_t *c, int i, const cJSON *v, rpc_block_ref_t *out) {
  if (!cJSON_IsString(v))
    return rpc_fail(c, RPC_INVALID_PARAMS,
                    "invalid argument %d: json: cannot unmarshal non-string into Go value of type rpc.BlockNumber", i);
  return parse_tag_or_number(c, i, v->valuestring, out);
}

int rpc_parse_block_ref(rpc_call_t *c, int i, const cJSON *v, rpc_block_ref_t *out) {
  if (cJSON_IsString(v)) {
    const char *s = v->valuestring;
    if (strlen(s) == 66 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      out->kind = RPC_BLOCK_HASH;
      out->require_canonical = false;
      out->latest = false;
      return rpc_parse_hash(c, i, v, &out->hash);
    }
    return parse_tag_or_number(c, i, s, out);
  }
  if (cJSON_IsObject(v)) {
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(v, "blockNumber");
    const cJSON *hash = cJSON_GetObjectItemCaseSensitive(v, "blockHash");
    const cJSON *canon = cJSON_GetObjectItemCaseSensitive(v, "requireCanonical");
    if (num && hash)
      return rpc_fail(c, RPC_INVALID_PARAMS,
                      "invalid argument %d: cannot specify both BlockHash and BlockNumber, choose one or the other", i);
    if (hash) {
      out->kind = RPC_BLOCK_HASH;
      out->latest = false;
      out->require_canonical = canon && cJSON_IsTrue(canon);
      return rpc_parse_hash(c, i, hash, &out->hash);
    }
    if (num) return rpc_parse_block_number(c, i, num, out);
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: either blockHash or blockNumber must be given", i);
  }
  return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument %d: json: cannot unmarshal into rpc.BlockNumberOrHash", i);
}

int rpc_resolve_block(rpc_call_t *c, const rpc_block_ref_t *ref, ethc_hash_t *hash, uint64_t *number) {
  int rc;
  /* a light sync's verified header above the head (light mode) */
  if (ref->kind == RPC_BLOCK_NUMBER && chain_has_remote(c->srv->chain) && rpc_light_hash(c, ref, hash) == 0) {
    *number = ref->latest ? rpc_light_block_number(c) : ref->number;
    return 0;
  }
  if (ref->kind == RPC_BLOCK_NUMBER) {
    *number = ref->number;
    /* a block imported after the request's head was taken is not there for it */
    if (ref->number > chain_snapshot_header(rpc_head(c))->number) return ETHC_ERR_NOT_FOUND;
    rc = chain_read_canonical_hash(c->srv->chain, ref->number, hash);
  } else {
    *hash = ref->hash;
    rc = chain_read_number(c->srv->chain, hash, number);
    if (!rc && ref->require_canonical) {
      ethc_hash_t canon;
      rc = chain_read_canonical_hash(c->srv->chain, *number, &canon);
      if (rc == ETHC_ERR_NOT_FOUND || (!rc && !ethc_hash_eq(&canon, hash)))
        return rpc_fail(c, RPC_SERVER_ERROR, "hash is not currently canonical");
    }
  }
  if (rc == ETHC_ERR_NOT_FOUND) return ETHC_ERR_NOT_FOUND;
  return rc ? rpc_fail_chain(c, rc) : 0;
}

int rpc_parse_block_ref_opt(rpc_call_t *c, const cJSON *params, int i, rpc_block_ref_t *out) {
  const cJSON *v = rpc_param(params, i);
  if (!v || cJSON_IsNull(v)) return parse_tag_or_number(c, i, "latest", out);
  return rpc_parse_block_ref(c, i, v, out);
}

int rpc_snapshot(rpc_call_t *c, const rpc_block_ref_t *ref, chain_snapshot_t **out) {
  chain_snapshot_t *head = rpc_head(c);
  *out = NULL;
  ethc_hash_t light;
  if (ref->kind == RPC_BLOCK_NUMBER && chain_has_remote(c->srv->chain) && rpc_light_hash(c, ref, &light) == 0) {
    /* light mode: a verified header above the head, its state from the remote source */
    int rc = chain_snapshot_at(c->srv->chain, &light, out);
    return rc ? rpc_fail_chain(c, rc) : 0;
  }
  if (ref->kind == RPC_BLOCK_NUMBER && (ref->latest || ref->number == chain_snapshot_header(head)->number)) {
    *out = chain_snapshot_retain(head);
    return 0;
  }
  /* past the request's head: not there yet for this request, whatever was imported since */
  if (ref->kind == RPC_BLOCK_NUMBER && ref->number > chain_snapshot_header(head)->number)
    return rpc_fail(c, RPC_SERVER_ERROR, "header not found");
  ethc_hash_t hash;
  uint64_t number;
  int rc = rpc_resolve_block(c, ref, &hash, &number);
  if (rc == ETHC_ERR_NOT_FOUND)
    return rpc_fail(c, RPC_SERVER_ERROR,
                    ref->kind == RPC_BLOCK_HASH ? "header for hash not found" : "header not found");
  if (rc) return -1;
  rc = chain_snapshot_at(c->srv->chain, &hash, out);
  if (rc == ETHC_ERR_NOT_FOUND)
    return rpc_fail(c, RPC_SERVER_ERROR,
                    ref->kind == RPC_BLOCK_HASH ? "header for hash not found" : "header not found");
  return rc ? rpc_fail_chain(c, rc) : 0;
}

static pthread_key_t vm_key;
static pthread_once_t vm_once = PTHREAD_ONCE_INIT;
static void vm_free(void *p) { evm_destroy(p); }
static void vm_key_make(void) { (void)pthread_key_create(&vm_key, vm_free); }

evm_t *rpc_thread_vm(void) {
  pthread_once(&vm_once, vm_key_make);
  evm_t *vm = pthread_getspecific(vm_key);
  if (!vm && (vm = evm_create()) && pthread_setspecific(vm_key, vm)) {
    evm_destroy(vm);
    vm = NULL;
  }
  return vm;
}
