/* Failure messages and strict JSON-RPC field readers for the verifiers
 * (Ethereum JSON-RPC encodings: quantities are "0x" plus minimal hex, data is
 * "0x" plus two digits a byte). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/verify_internal.h"
#include "ethc/error.h"

int verify_fail(verify_err_t *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

const char *vj_str(const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

int vj_quantity(const char *s, u256_t *out) {
  *out = u256_from_u64(0);
  if (!s || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2]) return ETHC_ERR_JSON;
  return u256_from_string(out, s) ? 0 : ETHC_ERR_JSON;
}

int vj_u64(const char *s, uint64_t *out) {
  u256_t v;
  *out = 0;
  if (vj_quantity(s, &v) || !u256_fits_u64(&v)) return ETHC_ERR_JSON;
  *out = v.w[0];
  return 0;
}

int vj_fixed(const char *s, uint8_t *out, size_t n) {
  if (!s || hex_decode_fixed(s, true, out, n) != 0) return ETHC_ERR_JSON;
  return 0;
}

int vj_bytes(const char *s, uint8_t **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (!s) return ETHC_ERR_JSON;
  int rc = hex_decode_alloc(s, true, out, len);
  if (rc == ETHC_ERR_NOMEM) return rc;
  return rc ? ETHC_ERR_JSON : 0;
}

int vj_bytes_list(const cJSON *arr, vj_list_t *l) {
  l->items = NULL;
  l->count = 0;
  if (!cJSON_IsArray(arr)) return ETHC_ERR_JSON;
  int n = cJSON_GetArraySize(arr);
  l->items = calloc((size_t)n + 1, sizeof *l->items);
  if (!l->items) return ETHC_ERR_NOMEM;
  const cJSON *e;
  cJSON_ArrayForEach(e, arr) {
    uint8_t *data;
    size_t len;
    int rc = vj_bytes(cJSON_IsString(e) ? e->valuestring : NULL, &data, &len);
    if (rc) {
      vj_list_free(l);
      return rc;
    }
    l->items[l->count++] = bytes_view(data, len);
  }
  return 0;
}

void vj_list_free(vj_list_t *l) {
  for (size_t i = 0; i < l->count; i++) free((void *)l->items[i].data);
  free(l->items);
  l->items = NULL;
  l->count = 0;
}
