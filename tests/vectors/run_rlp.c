/* `ethc test rlp PATH`: the RLPTests of ethereum/tests (Yellow Paper appendix B).
 * Each case encodes "in" (string, number, "#bigint", nested lists) and compares with
 * "out"; "INVALID" cases must be rejected by the decoder, "VALID" ones accepted, and
 * every accepted "out" must re-encode to itself. The "in" values are read from the
 * raw JSON text, because cJSON strings cannot hold "\u0000". */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/rlp.h"
#include "runner.h"

/* ---- a minimal JSON reader over raw text ---- */

typedef struct {
  const char *p, *end;
  const char *err;
} jr_t;

static void jr_ws(jr_t *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static int hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static void put_utf8(bytes_buf_t *b, unsigned cp) {
  if (cp < 0x80) bytes_buf_push(b, (uint8_t)cp);
  else if (cp < 0x800) {
    bytes_buf_push(b, (uint8_t)(0xc0 | cp >> 6));
    bytes_buf_push(b, (uint8_t)(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    bytes_buf_push(b, (uint8_t)(0xe0 | cp >> 12));
    bytes_buf_push(b, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
    bytes_buf_push(b, (uint8_t)(0x80 | (cp & 0x3f)));
  } else {
    bytes_buf_push(b, (uint8_t)(0xf0 | cp >> 18));
    bytes_buf_push(b, (uint8_t)(0x80 | ((cp >> 12) & 0x3f)));
    bytes_buf_push(b, (uint8_t)(0x80 | ((cp >> 6) & 0x3f)));
    bytes_buf_push(b, (uint8_t)(0x80 | (cp & 0x3f)));
  }
}

/* Reads a JSON string (at its opening quote) into out (bytes, any NULs kept). */
static int jr_string(jr_t *j, bytes_buf_t *out) {
  if (j->p >= j->end || *j->p != '"') return j->err = "expected string", -1;
  j->p++;
  while (j->p < j->end && *j->p != '"') {
    char c = *j->p++;
    if (c != '\\') {
      bytes_buf_push(out, (uint8_t)c);
      continue;
    }
    if (j->p >= j->end) break;
    c = *j->p++;
    switch (c) {
      case '"':
      case '\\':
      case '/': bytes_buf_push(out, (uint8_t)c); break;
      case 'b': bytes_buf_push(out, '\b'); break;
      case 'f': bytes_buf_push(out, '\f'); break;
      case 'n': bytes_buf_push(out, '\n'); break;
      case 'r': bytes_buf_push(out, '\r'); break;
      case 't': bytes_buf_push(out, '\t'); break;
      case 'u': {
        unsigned cp, lo;
        if (j->end - j->p < 4 || hex4(j->p, &cp)) return j->err = "bad \\u escape", -1;
        j->p += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' &&
            hex4(j->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          j->p += 6;
        }
        put_utf8(out, cp);
        break;
      }
      default: return j->err = "bad escape", -1;
    }
  }
  if (j->p >= j->end) return j->err = "unterminated string", -1;
  j->p++;
  return 0;
}

/* Decimal digits to a minimal big-endian byte string (empty for zero). */
static int decimal_to_be(const char *s, size_t n, bytes_buf_t *out) {
  out->len = 0;
  if (n == 0) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    unsigned carry = (unsigned)(s[i] - '0');
    for (size_t k = out->len; k-- > 0;) { /* out = out * 10 + digit, big-endian */
      unsigned v = out->data[k] * 10u + carry;
      out->data[k] = (uint8_t)v;
      carry = v >> 8;
    }
    while (carry) {
      bytes_buf_push(out, 0);
      memmove(out->data + 1, out->data, out->len - 1);
      out->data[0] = (uint8_t)carry;
      carry >>= 8;
    }
  }
  return 0;
}

/* Encodes the JSON value at j->p as RLP into enc. */
static int jr_encode(jr_t *j, bytes_buf_t *enc, int depth) {
  jr_ws(j);
  if (j->p >= j->end) return j->err = "unexpected end", -1;
  if (depth > 256) return j->err = "too deep", -1;
  char c = *j->p;
  if (c == '"') {
    bytes_buf_t s = {0};
    int rc = jr_string(j, &s);
    if (rc == 0) {
      if (s.len > 0 && s.data[0] == '#') {
        bytes_buf_t be = {0};
        if (decimal_to_be((const char *)s.data + 1, s.len - 1, &be)) rc = -1, j->err = "bad #bigint";
        else rlp_put_bytes(enc, be.data, be.len);
        bytes_buf_free(&be);
      } else rlp_put_bytes(enc, s.data, s.len);
    }
    bytes_buf_free(&s);
    return rc;
  }
  if (c >= '0' && c <= '9') {
    const char *start = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') j->p++;
    if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E')) return j->err = "non-integer number", -1;
    bytes_buf_t be = {0};
    int rc = decimal_to_be(start, (size_t)(j->p - start), &be);
    if (rc == 0) rlp_put_bytes(enc, be.data, be.len);
    bytes_buf_free(&be);
    return rc;
  }
  if (c == '[') {
    j->p++;
    size_t start = rlp_list_begin(enc);
    jr_ws(j);
    if (j->p < j->end && *j->p == ']') j->p++;
    else {
      for (;;) {
        if (jr_encode(j, enc, depth + 1)) return -1;
        jr_ws(j);
        if (j->p < j->end && *j->p == ',') {
          j->p++;
          continue;
        }
        if (j->p < j->end && *j->p == ']') {
          j->p++;
          break;
        }
        return j->err = "expected , or ]", -1;
      }
    }
    return rlp_list_end(enc, start) ? (j->err = "encoder error", -1) : 0;
  }
  return j->err = "unsupported value (negative number, object, literal)", -1;
}

/* Skips any JSON value. */
static int jr_skip(jr_t *j) {
  jr_ws(j);
  if (j->p >= j->end) return -1;
  char c = *j->p;
  if (c == '"') {
    bytes_buf_t s = {0};
    int rc = jr_string(j, &s);
    bytes_buf_free(&s);
    return rc;
  }
  if (c == '[' || c == '{') {
    char close = c == '[' ? ']' : '}';
    j->p++;
    jr_ws(j);
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return 0;
    }
    for (;;) {
      if (c == '{') {
        bytes_buf_t k = {0};
        int rc = jr_string(j, &k);
        bytes_buf_free(&k);
        if (rc) return rc;
        jr_ws(j);
        if (j->p >= j->end || *j->p != ':') return j->err = "expected :", -1;
        j->p++;
      }
      if (jr_skip(j)) return -1;
      jr_ws(j);
      if (j->p < j->end && *j->p == ',') {
        j->p++;
        jr_ws(j);
        continue;
      }
      if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
      }
      return j->err = "expected , or close", -1;
    }
  }
  while (j->p < j->end && !strchr(",]} \t\r\n", *j->p)) j->p++;
  return 0;
}

/* Finds member `key` of the object at j->p; leaves j->p at its value. */
static int jr_find_member(jr_t j, const char *key, jr_t *val) {
  jr_ws(&j);
  if (j.p >= j.end || *j.p != '{') return -1;
  j.p++;
  for (;;) {
    jr_ws(&j);
    if (j.p < j.end && *j.p == '}') return -1;
    bytes_buf_t k = {0};
    if (jr_string(&j, &k)) {
      bytes_buf_free(&k);
      return -1;
    }
    jr_ws(&j);
    if (j.p >= j.end || *j.p != ':') {
      bytes_buf_free(&k);
      return -1;
    }
    j.p++;
    bool match = k.len == strlen(key) && memcmp(k.data, key, k.len) == 0;
    bytes_buf_free(&k);
    if (match) {
      *val = j;
      jr_ws(val);
      return 0;
    }
    if (jr_skip(&j)) return -1;
    jr_ws(&j);
    if (j.p < j.end && *j.p == ',') j.p++;
  }
}

/* ---- canonical re-encoding of a decoded item ---- */

static int reencode(const rlp_item_t *it, bytes_buf_t *out, int depth) {
  if (!it->is_list) return rlp_put_bytes(out, it->payload, it->payload_len);
  if (depth > RLP_MAX_DEPTH) return ETHC_ERR_RLP_NONCANONICAL;
  size_t start = rlp_list_begin(out);
  rlp_iter_t iter;
  rlp_item_t sub;
  int rc;
  rlp_iter_init(&iter, it);
  while ((rc = rlp_iter_next(&iter, &sub)) == 1)
    if ((rc = reencode(&sub, out, depth + 1))) return rc;
  if (rc < 0) return -rc;
  return rlp_list_end(out, start);
}

static char *read_text(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) {
    buf[n] = 0;
    *len = (size_t)n;
  }
  return buf;
}

static void run_case(runner_t *r, const char *path, const char *name, const cJSON *tc, jr_t in_val) {
  const char *out_hex = json_str(tc, "out");
  if (!out_hex) {
    runner_fail(r, path, name, NULL, "missing \"out\"");
    return;
  }
  uint8_t *out = NULL;
  size_t out_len;
  if (hex_decode_alloc(out_hex, false, &out, &out_len)) {
    runner_fail(r, path, name, NULL, "bad hex in \"out\"");
    return;
  }
  const char *in_str = json_str(tc, "in");
  rlp_item_t item;
  int drc = rlp_decode_strict(out, out_len, &item);
  bytes_buf_t re = {0}, enc = {0};
  if (in_str && strcmp(in_str, "INVALID") == 0) {
    if (drc == 0) runner_fail(r, path, name, NULL, "decoder accepted invalid RLP");
    else runner_pass(r, path, name, NULL);
    goto done;
  }
  if (drc) {
    runner_fail(r, path, name, NULL, "decoder rejected valid RLP: %s", ethc_strerror(drc));
    goto done;
  }
  int rc = reencode(&item, &re, 0);
  if (rc || re.len != out_len || memcmp(re.data, out, out_len) != 0) {
    runner_fail(r, path, name, NULL, "decoded item does not re-encode to \"out\"");
    goto done;
  }
  if (in_str && strcmp(in_str, "VALID") == 0) {
    runner_pass(r, path, name, NULL);
    goto done;
  }
  jr_t j = in_val;
  if (jr_encode(&j, &enc, 0)) {
    runner_fail(r, path, name, NULL, "cannot encode \"in\": %s", j.err ? j.err : "?");
    goto done;
  }
  if (enc.len != out_len || memcmp(enc.data, out, out_len) != 0) {
    char *got = malloc(2 * enc.len + 3);
    hex_encode(enc.data, enc.len, got);
    runner_fail(r, path, name, NULL, "encoding differs: got %.200s", got);
    free(got);
  } else runner_pass(r, path, name, NULL);
done:
  bytes_buf_free(&re);
  bytes_buf_free(&enc);
  free(out);
}

static void run_rlp_file(runner_t *r, const char *path, const cJSON *root) {
  size_t len = 0;
  char *text = read_text(path, &len);
  if (!text) {
    runner_fail(r, path, "(file)", NULL, "cannot read file");
    return;
  }
  /* walk the raw top-level object alongside the parsed one, in the same order */
  jr_t j = {text, text + len, NULL};
  jr_ws(&j);
  if (j.p < j.end && *j.p == '{') j.p++;
  const cJSON *tc;
  cJSON_ArrayForEach(tc, root) {
    const char *name = tc->string ? tc->string : "(unnamed)";
    jr_t val = {0};
    bool found = false;
    for (;;) { /* advance the raw walker to the member of the same name */
      jr_ws(&j);
      if (j.p < j.end && *j.p == ',') {
        j.p++;
        jr_ws(&j);
      }
      if (j.p >= j.end || *j.p == '}') break;
      bytes_buf_t k = {0};
      if (jr_string(&j, &k)) {
        bytes_buf_free(&k);
        break;
      }
      jr_ws(&j);
      if (j.p < j.end && *j.p == ':') j.p++;
      jr_ws(&j);
      bool same = k.len == strlen(name) && memcmp(k.data, name, k.len) == 0;
      bytes_buf_free(&k);
      if (same) {
        found = jr_find_member(j, "in", &val) == 0;
        jr_skip(&j);
        break;
      }
      if (jr_skip(&j)) break;
    }
    if (runner_skip(r, path, name, NULL)) continue;
    if (!cJSON_IsObject(tc) || !found) {
      runner_fail(r, path, name, NULL, "malformed case (no \"in\")");
      continue;
    }
    run_case(r, path, name, tc, val);
  }
  free(text);
}

RUNNER_SUITE("rlp", run_rlp_file, 0)
