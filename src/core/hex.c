/* Strict hexadecimal codec (include/ethc/bytes.h): "0x" prefix optional or
 * required, even digit count, upper/lower case digits; anything else is ETHC_ERR_HEX. */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"

/* Digit value + 1 for a hex digit, 0 otherwise. */
static const uint8_t hexval1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Skips the prefix and checks the digit count; *digits and *ndigits get the digits. */
static int hex_body(const char *hex, bool require_prefix, const char **digits, size_t *ndigits) {
  if (!hex) return ETHC_ERR_HEX;
  if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
  else if (require_prefix) return ETHC_ERR_HEX;
  size_t n = strlen(hex);
  if (n & 1) return ETHC_ERR_HEX;
  *digits = hex;
  *ndigits = n;
  return ETHC_OK;
}

static int hex_digits_to_bytes(const char *d, size_t nbytes, uint8_t *out) {
  for (size_t i = 0; i < nbytes; i++) {
    int hi = hexval1[(uint8_t)d[2 * i]], lo = hexval1[(uint8_t)d[2 * i + 1]];
    if (!hi || !lo) return ETHC_ERR_HEX;
    out[i] = (uint8_t)((hi - 1) << 4 | (lo - 1));
  }
  return ETHC_OK;
}

int hex_decode(const char *hex, bool require_prefix, uint8_t *out, size_t out_cap, size_t *out_len) {
  const char *d;
  size_t n;
  int rc = hex_body(hex, require_prefix, &d, &n);
  if (rc) return rc;
  if (n / 2 > out_cap) return ETHC_ERR_HEX;
  rc = hex_digits_to_bytes(d, n / 2, out);
  if (rc) return rc;
  if (out_len) *out_len = n / 2;
  return ETHC_OK;
}

int hex_decode_alloc(const char *hex, bool require_prefix, uint8_t **out, size_t *out_len) {
  const char *d;
  size_t n;
  *out = NULL;
  if (out_len) *out_len = 0;
  int rc = hex_body(hex, require_prefix, &d, &n);
  if (rc) return rc;
  uint8_t *buf = malloc(n / 2 ? n / 2 : 1);
  if (!buf) return ETHC_ERR_NOMEM;
  rc = hex_digits_to_bytes(d, n / 2, buf);
  if (rc) {
    free(buf);
    return rc;
  }
  *out = buf;
  if (out_len) *out_len = n / 2;
  return ETHC_OK;
}

int hex_decode_fixed(const char *hex, bool require_prefix, uint8_t *out, size_t len) {
  const char *d;
  size_t n;
  int rc = hex_body(hex, require_prefix, &d, &n);
  if (rc) return rc;
  if (n / 2 != len) return ETHC_ERR_HEX;
  return hex_digits_to_bytes(d, len, out);
}

char *hex_encode(const uint8_t *data, size_t len, char *out) {
  static const char digits[] = "0123456789abcdef";
  out[0] = '0';
  out[1] = 'x';
  char *p = out + 2;
  for (size_t i = 0; i < len; i++) {
    *p++ = digits[data[i] >> 4];
    *p++ = digits[data[i] & 15];
  }
  *p = 0;
  return out;
}
