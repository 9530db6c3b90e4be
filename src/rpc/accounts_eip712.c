/* EIP-712 typed structured data hashing (eips.ethereum.org/EIPS/eip-712), as
 * eth_signTypedData_v4 signs it: encodeType with its referenced struct types
 * sorted by name, hashStruct, atomic values padded to 32 bytes, dynamic ones
 * (string, bytes) and arrays hashed, and the 0x19 0x01 digest over the domain
 * separator. Values may be JSON numbers or decimal / 0x-hex strings, as wallets
 * send them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/u256.h"
#include "rpc/accounts.h"

#define MAX_DEPTH 32
#define MAX_DEPS 64

typedef struct {
  const cJSON *types;
  cJSON *domain_types; /* {"EIP712Domain": [...]} from the domain when `types` lacks it (owned) */
  char *err;
  size_t errlen;
} ctx_t;

static int fail(ctx_t *x, const char *fmt, const char *arg) {
  snprintf(x->err, x->errlen, fmt, arg);
  return ETHC_ERR_INVALID;
}

static const cJSON *fields_of(const ctx_t *x, const char *name, size_t len) {
  const cJSON *t;
  if (len == 12 && !strncmp(name, "EIP712Domain", 12) && x->domain_types) return x->domain_types->child;
  cJSON_ArrayForEach(t, x->types) if (strlen(t->string) == len && !strncmp(t->string, name, len)) return t;
  return NULL;
}

/* The length of a type name without its array suffixes ("Person[][2]" -> 6). */
static size_t base_len(const char *type) {
  const char *b = strchr(type, '[');
  return b ? (size_t)(b - type) : strlen(type);
}

static int collect(ctx_t *x, const char *name, size_t len, const char **deps, size_t *n, int depth) {
  for (size_t i = 0; i < *n; i++)
    if (strlen(deps[i]) == len && !strncmp(deps[i], name, len)) return 0;
  const cJSON *f = fields_of(x, name, len), *e;
  if (!f) return 0; /* an atomic or dynamic type */
  if (*n >= MAX_DEPS || depth > MAX_DEPTH) return fail(x, "typed data: too many types%s", "");
  deps[(*n)++] = f->string;
  cJSON_ArrayForEach(e, f) {
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
    if (!cJSON_IsString(t) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "name")))
      return fail(x, "typed data: a field of %s lacks its name or type", f->string);
    int rc = collect(x, t->valuestring, base_len(t->valuestring), deps, n, depth + 1);
    if (rc) return rc;
  }
  return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* typeHash = keccak256(encodeType(name)) */
static int type_hash(ctx_t *x, const char *name, uint8_t out[32]) {
  const char *deps[MAX_DEPS];
  size_t n = 0;
  int rc = collect(x, name, strlen(name), deps, &n, 0);
  if (rc) return rc;
  if (!n) return fail(x, "typed data: unknown type %s", name);
  qsort(deps + 1, n - 1, sizeof *deps, cmp_str);
  bytes_buf_t b = {0};
  for (size_t i = 0; i < n; i++) {
    const cJSON *f = fields_of(x, deps[i], strlen(deps[i])), *e;
    bytes_buf_append(&b, (const uint8_t *)deps[i], strlen(deps[i]));
    bytes_buf_push(&b, '(');
    bool first = true;
    cJSON_ArrayForEach(e, f) {
      const char *t = cJSON_GetObjectItemCaseSensitive(e, "type")->valuestring;
      const char *nm = cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring;
      if (!first) bytes_buf_push(&b, ',');
      first = false;
      bytes_buf_append(&b, (const uint8_t *)t, strlen(t));
      bytes_buf_push(&b, ' ');
      bytes_buf_append(&b, (const uint8_t *)nm, strlen(nm));
    }
    bytes_buf_push(&b, ')');
  }
  keccak256(b.data, b.len, out);
  bytes_buf_free(&b);
  return 0;
}

static int hash_struct(ctx_t *x, const char *name, size_t len, const cJSON *value, uint8_t out[32], int depth);

/* An integer value: a JSON number or a (possibly negative) decimal / hex string. */
static int parse_int(ctx_t *x, const cJSON *v, bool is_signed, uint8_t out[32]) {
  u256_t n = U256_ZERO;
  bool neg = false;
  if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d != (double)(int64_t)d || d > 9007199254740992.0 || d < -9007199254740992.0)
      return fail(x, "typed data: %s is not an exact integer (send it as a string)", "a number");
    neg = d < 0;
    n = u256_from_u64((uint64_t)(neg ? -d : d));
  } else if (cJSON_IsString(v)) {
    const char *s = v->valuestring;
    if (*s == '-') neg = true, s++;
    if (!u256_from_string(&n, s)) return fail(x, "typed data: bad integer %s", v->valuestring);
  } else {
    return fail(x, "typed data: an integer value is neither a number nor a string%s", "");
  }
  if (neg && !is_signed) return fail(x, "typed data: negative value for an unsigned type%s", "");
  if (neg) u256_neg(&n, &n);
  u256_to_be(&n, out);
  return 0;
}

/* encodeData of one value of `type` into out[32]. */
static int encode_value(ctx_t *x, const char *type, const cJSON *v, uint8_t out[32], int depth) {
  if (depth > MAX_DEPTH) return fail(x, "typed data: nested too deeply%s", "");
  size_t tl = strlen(type);
  memset(out, 0, 32);
  if (tl && type[tl - 1] == ']') { /* an array: keccak of its encoded elements */
    const char *open = strrchr(type, '[');
    char elem[256];
    size_t el = (size_t)(open - type);
    if (el >= sizeof elem) return fail(x, "typed data: type name too long%s", "");
    memcpy(elem, type, el), elem[el] = 0;
    if (!cJSON_IsArray(v)) return fail(x, "typed data: %s needs an array", type);
    if (open[1] != ']' && (size_t)cJSON_GetArraySize(v) != strtoul(open + 1, NULL, 10))
      return fail(x, "typed data: %s has another length", type);
    keccak256_ctx_t k;
    keccak256_init(&k);
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
      uint8_t w[32];
      int rc = encode_value(x, elem, e, w, depth + 1);
      if (rc) return rc;
      keccak256_update(&k, w, 32);
    }
    keccak256_final(&k, out);
    return 0;
  }
  if (fields_of(x, type, tl)) return hash_struct(x, type, tl, v, out, depth + 1);
  if (!strcmp(type, "string")) {
    if (!cJSON_IsString(v)) return fail(x, "typed data: string value expected%s", "");
    keccak256((const uint8_t *)v->valuestring, strlen(v->valuestring), out);
    return 0;
  }
  if (!strcmp(type, "bool")) {
    if (cJSON_IsBool(v)) out[31] = cJSON_IsTrue(v);
    else if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") || !strcmp(v->valuestring, "false")))
      out[31] = !strcmp(v->valuestring, "true");
    else return fail(x, "typed data: bool value expected%s", "");
    return 0;
  }
  if (!strcmp(type, "address")) {
    if (!cJSON_IsString(v) || hex_decode_fixed(v->valuestring, false, out + 12, 20))
      return fail(x, "typed data: bad address %s", cJSON_IsString(v) ? v->valuestring : "");
    return 0;
  }
  if (!strncmp(type, "bytes", 5)) {
    uint8_t *d;
    size_t len;
    if (!cJSON_IsString(v) || hex_decode_alloc(v->valuestring, false, &d, &len))
      return fail(x, "typed data: bad %s value", type);
    if (!type[5]) {
      keccak256(d, len, out);
    } else {
      unsigned long n = strtoul(type + 5, NULL, 10);
      if (n < 1 || n > 32 || len > n) return free(d), fail(x, "typed data: bad %s value", type);
      memcpy(out, d, len); /* right-padded */
    }
    free(d);
    return 0;
  }
  if (!strncmp(type, "uint", 4) || !strncmp(type, "int", 3)) return parse_int(x, v, type[0] == 'i', out);
  return fail(x, "typed data: unknown type %s", type);
}

static int hash_struct(ctx_t *x, const char *name, size_t len, const cJSON *value, uint8_t out[32], int depth) {
  char nm[256];
  if (len >= sizeof nm) return fail(x, "typed data: type name too long%s", "");
  memcpy(nm, name, len), nm[len] = 0;
  if (!cJSON_IsObject(value)) return fail(x, "typed data: %s value is not an object", nm);
  uint8_t th[32];
  int rc = type_hash(x, nm, th);
  if (rc) return rc;
  keccak256_ctx_t k;
  keccak256_init(&k);
  keccak256_update(&k, th, 32);
  const cJSON *f, *e;
  cJSON_ArrayForEach(e, fields_of(x, nm, len)) {
    const char *t = cJSON_GetObjectItemCaseSensitive(e, "type")->valuestring;
    f = cJSON_GetObjectItemCaseSensitive(value, cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring);
    const char *fname = cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring;
    uint8_t w[32] = {0};
    if (!f || cJSON_IsNull(f)) {
      /* a missing struct field encodes as zero (as eth-sig-util does); others are errors */
      if (!fields_of(x, t, strlen(t))) return fail(x, "typed data: missing value of field %s", fname);
    } else if ((rc = encode_value(x, t, f, w, depth + 1))) {
      return rc;
    }
    keccak256_update(&k, w, 32);
  }
  keccak256_final(&k, out);
  return 0;
}

/* {"EIP712Domain": fields} from the fields the domain has, in the EIP's order. */
static cJSON *derive_domain_types(const cJSON *domain) {
  static const char *const names[] = {"name", "version", "chainId", "verifyingContract", "salt"};
  static const char *const types[] = {"string", "string", "uint256", "address", "bytes32"};
  cJSON *wrap = cJSON_CreateObject();
  cJSON *arr = cJSON_AddArrayToObject(wrap, "EIP712Domain");
  for (int i = 0; arr && i < 5; i++) {
    if (!cJSON_GetObjectItemCaseSensitive(domain, names[i])) continue;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", names[i]);
    cJSON_AddStringToObject(e, "type", types[i]);
    cJSON_AddItemToArray(arr, e);
  }
  return wrap;
}

int eip712_hash(const cJSON *typed, uint8_t out[32], char *err, size_t errlen) {
  ctx_t x = {.types = cJSON_GetObjectItemCaseSensitive(typed, "types"), .err = err, .errlen = errlen};
  const cJSON *primary = cJSON_GetObjectItemCaseSensitive(typed, "primaryType");
  const cJSON *domain = cJSON_GetObjectItemCaseSensitive(typed, "domain");
  const cJSON *message = cJSON_GetObjectItemCaseSensitive(typed, "message");
  if (!cJSON_IsObject(x.types) || !cJSON_IsString(primary) || !cJSON_IsObject(domain))
    return fail(&x, "typed data: types, primaryType and domain are required%s", "");
  if (!cJSON_GetObjectItemCaseSensitive(x.types, "EIP712Domain")) x.domain_types = derive_domain_types(domain);
  uint8_t buf[66] = {0x19, 0x01};
  int rc = hash_struct(&x, "EIP712Domain", 12, domain, buf + 2, 0);
  size_t len = 34;
  if (!rc && strcmp(primary->valuestring, "EIP712Domain")) {
    rc = hash_struct(&x, primary->valuestring, strlen(primary->valuestring), message, buf + 34, 0);
    len = 66;
  }
  cJSON_Delete(x.domain_types);
  if (!rc) keccak256(buf, len, out);
  return rc;
}
