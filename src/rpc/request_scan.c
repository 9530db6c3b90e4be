/* The envelope of one plain JSON-RPC request, read from the text
 * (request_scan.h): a strict RFC 8259 scanner for the few shapes the fast path
 * takes; anything else is refused, not guessed at. */
#include "rpc/request_scan.h"

#include <string.h>

#define MAX_NUMBER 32 /* cJSON reads at most 63 characters of a number */
#define MAX_METHOD 127
#define MAX_DEPTH 64

static size_t ws(const char *b, size_t i, size_t n) {
  while (i < n && (unsigned char)b[i] <= 0x20) i++;
  return i;
}

/* The end of a string at b[i] == '"' without escapes or control bytes, or 0. */
static size_t plain_string(const char *b, size_t i, size_t n, bool ascii) {
  for (i++; i < n; i++) {
    unsigned char ch = (unsigned char)b[i];
    if (ch == '"') return i + 1;
    if (ch < 0x20 || ch == '\\' || (ascii && ch > 0x7e)) return 0;
  }
  return 0;
}

/* The end of a strict JSON number at b[i], or 0. */
static size_t number(const char *b, size_t i, size_t n) {
  size_t s = i;
  if (i < n && b[i] == '-') i++;
  if (i >= n || b[i] < '0' || b[i] > '9') return 0;
  if (b[i] == '0') i++;
  else
    while (i < n && b[i] >= '0' && b[i] <= '9') i++;
  if (i < n && b[i] == '.') {
    if (++i >= n || b[i] < '0' || b[i] > '9') return 0;
    while (i < n && b[i] >= '0' && b[i] <= '9') i++;
  }
  if (i < n && (b[i] == 'e' || b[i] == 'E')) {
    i++;
    if (i < n && (b[i] == '+' || b[i] == '-')) i++;
    if (i >= n || b[i] < '0' || b[i] > '9') return 0;
    while (i < n && b[i] >= '0' && b[i] <= '9') i++;
  }
  return i - s <= MAX_NUMBER ? i : 0;
}

/* The end of the bracketed value at b[i] == '[' (strings skipped), or 0. */
static size_t bracketed(const char *b, size_t i, size_t n) {
  size_t depth = 0;
  while (i < n) {
    char ch = b[i];
    if (ch == '"') {
      /* its closing quote: the first with an even run of backslashes before it
       * (the run cannot pass the opening quote) */
      size_t from = i + 1;
      for (;;) {
        const char *q = memchr(b + from, '"', n - from);
        if (!q) return 0;
        size_t k = (size_t)(q - b), bs = 0;
        while (b[k - bs - 1] == '\\') bs++;
        from = k + 1;
        if (bs % 2 == 0) break;
      }
      i = from - 1;
    } else if (ch == '[' || ch == '{') {
      if (++depth > MAX_DEPTH) return 0;
    } else if (ch == ']' || ch == '}') {
      if (--depth == 0) return i + 1;
    }
    i++;
  }
  return 0;
}

/* Whether b[s..e) is the string literal `lit` (a constant size: inlined). */
#define IS(b, s, e, lit) ((e) - (s) == sizeof lit - 1 && !memcmp((b) + (s), lit, sizeof lit - 1))

bool rpc_scan_request(const char *b, size_t n, rpc_envelope_t *out) {
  memset(out, 0, sizeof *out);
  bool seen_ver = false, seen_id = false, seen_method = false, seen_params = false;
  size_t i = ws(b, 0, n);
  if (i >= n || b[i] != '{') return false;
  i = ws(b, i + 1, n);
  for (;;) {
    if (i >= n || b[i] != '"') return false;
    size_t ks = i + 1, ke = plain_string(b, i, n, true);
    if (!ke) return false;
    ke--; /* the closing quote */
    i = ws(b, ke + 1, n);
    if (i >= n || b[i] != ':') return false;
    size_t vs = ws(b, i + 1, n), ve;
    if (vs >= n) return false;
    if (IS(b, ks, ke, "jsonrpc") && !seen_ver) {
      seen_ver = true;
      if (vs + 5 > n || memcmp(b + vs, "\"2.0\"", 5)) return false;
      ve = vs + 5;
    } else if (IS(b, ks, ke, "id") && !seen_id) {
      seen_id = true;
      if (b[vs] == '"') ve = plain_string(b, vs, n, false);
      else if (vs + 4 <= n && !memcmp(b + vs, "null", 4)) ve = vs + 4;
      else ve = number(b, vs, n);
      if (!ve) return false;
      out->id_start = vs, out->id_len = ve - vs;
    } else if (IS(b, ks, ke, "method") && !seen_method) {
      seen_method = true;
      if (b[vs] != '"' || !(ve = plain_string(b, vs, n, true)) || ve - vs - 2 > MAX_METHOD) return false;
      out->method_start = vs + 1, out->method_len = ve - vs - 2;
    } else if (IS(b, ks, ke, "params") && !seen_params) {
      seen_params = true;
      if (vs + 4 <= n && !memcmp(b + vs, "null", 4)) {
        ve = vs + 4;
      } else {
        if (b[vs] != '[' || !(ve = bracketed(b, vs, n))) return false;
        out->params_start = vs, out->params_len = ve - vs;
        /* "[" and "]" with only white space between (the scan above takes any
         * closer: "[}" is not empty but invalid, left to the parse) */
        out->params_empty = ws(b, vs + 1, n) == ve - 1 && b[ve - 1] == ']';
      }
    } else {
      return false; /* another key, or one of ours again */
    }
    i = ws(b, ve, n);
    if (i < n && b[i] == ',') {
      i = ws(b, i + 1, n);
      continue;
    }
    if (i >= n || b[i] != '}') return false;
    break;
  }
  return seen_ver && seen_id && seen_method && ws(b, i + 1, n) == n;
}
