/* The streaming JSON writer of the RPC server (json_writer.h): RFC 8259 text,
 * with execution-apis' QUANTITY (minimal hex, "0x0" for zero) and DATA (even
 * hex, lower case) encodings written straight into the buffer. */
#include "rpc/json_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jw_t *w) { memset(w, 0, sizeof *w); }
void jw_free(jw_t *w) {
  free(w->buf);
  memset(w, 0, sizeof *w);
}
void jw_reset(jw_t *w) {
  w->len = 0;
  w->oom = false;
  w->depth = 0;
  w->need_comma[0] = false;
  w->after_key = false;
}

jw_mark_t jw_mark(const jw_t *w) { return (jw_mark_t){w->len, w->depth, w->need_comma[w->depth], w->after_key}; }
void jw_rollback(jw_t *w, jw_mark_t m) {
  w->len = m.len;
  w->depth = m.depth;
  w->need_comma[m.depth] = m.need_comma;
  w->after_key = m.after_key;
}

char *jw_take(jw_t *w, size_t *len) {
  if (w->oom || !w->buf) {
    jw_free(w);
    return NULL;
  }
  w->buf[w->len] = 0;
  char *b = w->buf;
  *len = w->len;
  memset(w, 0, sizeof *w);
  return b;
}

/* Room for n more bytes plus a NUL; returns the write position or NULL. */
static char *room(jw_t *w, size_t n) {
  if (w->oom) return NULL;
  if (w->len + n + 1 > w->cap) {
    size_t cap = w->cap ? w->cap : 256;
    while (cap < w->len + n + 1) cap *= 2;
    char *nb = realloc(w->buf, cap);
    if (!nb) {
      w->oom = true;
      return NULL;
    }
    w->buf = nb;
    w->cap = cap;
  }
  return w->buf + w->len;
}

static void put(jw_t *w, const char *s, size_t n) {
  char *p = room(w, n);
  if (!p) return;
  memcpy(p, s, n);
  w->len += n;
}

/* Before a value: a comma when the container already holds one. */
static void value_start(jw_t *w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->need_comma[w->depth]) put(w, ",", 1);
  w->need_comma[w->depth] = true;
}

static void open_(jw_t *w, char c) {
  value_start(w);
  put(w, &c, 1);
  if (w->depth + 1 < JW_MAX_DEPTH) w->depth++;
  else w->oom = true; /* deeper than any response we write: a programming error */
  w->need_comma[w->depth] = false;
}
static void close_(jw_t *w, char c) {
  put(w, &c, 1);
  if (w->depth > 0) w->depth--;
}

void jw_obj_begin(jw_t *w) { open_(w, '{'); }
void jw_obj_end(jw_t *w) { close_(w, '}'); }
void jw_arr_begin(jw_t *w) { open_(w, '['); }
void jw_arr_end(jw_t *w) { close_(w, ']'); }

void jw_key(jw_t *w, const char *key) {
  value_start(w);
  size_t n = strlen(key);
  char *p = room(w, n + 3);
  if (!p) return;
  p[0] = '"';
  memcpy(p + 1, key, n);
  p[n + 1] = '"';
  p[n + 2] = ':';
  w->len += n + 3;
  w->after_key = true;
}

void jw_null(jw_t *w) {
  value_start(w);
  put(w, "null", 4);
}
void jw_bool(jw_t *w, bool v) {
  value_start(w);
  put(w, v ? "true" : "false", v ? 4 : 5);
}
void jw_raw(jw_t *w, const char *text, size_t len) {
  value_start(w);
  put(w, text, len);
}
void jw_int(jw_t *w, int64_t v) {
  char tmp[24];
  int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
  jw_raw(w, tmp, (size_t)n);
}

void jw_double(jw_t *w, double v) {
  char tmp[32];
  if (!isfinite(v)) v = 0;
  int n = snprintf(tmp, sizeof tmp, "%.10g", v);
  jw_raw(w, tmp, (size_t)n);
}

void jw_str(jw_t *w, const char *s, size_t len) {
  static const char hexd[] = "0123456789abcdef";
  value_start(w);
  char *p = room(w, len * 6 + 2); /* worst case: every byte \u00XX */
  if (!p) return;
  char *o = p;
  *o++ = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      *o++ = '\\';
      *o++ = (char)c;
    } else if (c < 0x20) {
      if (c == '\n') *o++ = '\\', *o++ = 'n';
      else if (c == '\t') *o++ = '\\', *o++ = 't';
      else if (c == '\r') *o++ = '\\', *o++ = 'r';
      else *o++ = '\\', *o++ = 'u', *o++ = '0', *o++ = '0', *o++ = hexd[c >> 4], *o++ = hexd[c & 15];
    } else {
      *o++ = (char)c;
    }
  }
  *o++ = '"';
  w->len += (size_t)(o - p);
}
void jw_cstr(jw_t *w, const char *s) { jw_str(w, s, strlen(s)); }

void jw_qty(jw_t *w, uint64_t v) {
  static const char hexd[] = "0123456789abcdef";
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = hexd[v & 15];
    v >>= 4;
  } while (v);
  value_start(w);
  char *p = room(w, (size_t)n + 4);
  if (!p) return;
  char *o = p;
  *o++ = '"', *o++ = '0', *o++ = 'x';
  while (n) *o++ = tmp[--n];
  *o++ = '"';
  w->len += (size_t)(o - p);
}

void jw_qty256(jw_t *w, const u256_t *v) {
  char tmp[67];
  u256_to_hex(v, tmp);
  value_start(w);
  size_t n = strlen(tmp);
  char *p = room(w, n + 2);
  if (!p) return;
  p[0] = '"';
  memcpy(p + 1, tmp, n);
  p[n + 1] = '"';
  w->len += n + 2;
}

void jw_data(jw_t *w, const uint8_t *d, size_t n) {
  static const char hexd[] = "0123456789abcdef";
  value_start(w);
  char *p = room(w, 2 * n + 4);
  if (!p) return;
  char *o = p;
  *o++ = '"', *o++ = '0', *o++ = 'x';
  for (size_t i = 0; i < n; i++) *o++ = hexd[d[i] >> 4], *o++ = hexd[d[i] & 15];
  *o++ = '"';
  w->len += (size_t)(o - p);
}
void jw_hash(jw_t *w, const ethc_hash_t *h) { jw_data(w, h->bytes, 32); }
void jw_addr(jw_t *w, const ethc_address_t *a) { jw_data(w, a->bytes, 20); }
