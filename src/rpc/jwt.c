/* JWT verification for the engine API (execution-apis
 * src/engine/authentication.md): RFC 4648 base64url, RFC 7515 compact JWS with
 * HS256 (RFC 7518 section 3.2) through OpenSSL's HMAC-SHA256, the RFC 7519
 * "iat" claim within 60 s of now, and the hex secret file. */
#include "rpc/jwt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ethc/bytes.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64val(char ch) {
  if (ch >= 'A' && ch <= 'Z') return ch - 'A';
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9') return ch - '0' + 52;
  if (ch == '-') return 62;
  if (ch == '_') return 63;
  return -1;
}

long jwt_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap) {
  if (len % 4 == 1) return -1;
  size_t n = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
  if (n > cap) return -1;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    int v = b64val(in[i]);
    if (v < 0) return -1;
    acc = acc << 6 | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  if (acc) return -1; /* the unused low bits of the last character must be zero */
  return (long)o;
}

void jwt_b64url_encode(const uint8_t *in, size_t len, char *out) {
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    acc = acc << 8 | in[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = b64url[(acc >> bits) & 63];
    }
    acc &= (1u << bits) - 1;
  }
  if (bits) out[o++] = b64url[(acc << (6 - bits)) & 63];
  out[o] = 0;
}

static bool fail(char *err, size_t errlen, const char *msg) {
  snprintf(err, errlen, "%s", msg);
  return false;
}

/* The JSON object a base64url segment holds, or NULL. */
static cJSON *segment_json(const char *s, size_t len) {
  if (len > 4096) return NULL;
  uint8_t buf[3072 + 1];
  long n = jwt_b64url_decode(s, len, buf, sizeof buf - 1);
  if (n < 0) return NULL;
  cJSON *j = cJSON_ParseWithLength((const char *)buf, (size_t)n);
  if (j && !cJSON_IsObject(j)) {
    cJSON_Delete(j);
    return NULL;
  }
  return j;
}

bool jwt_verify(const char *token, size_t len, const uint8_t secret[JWT_SECRET_LEN], int64_t now, char *err,
                size_t errlen) {
  const char *dot1 = memchr(token, '.', len);
  const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
  if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token)))
    return fail(err, errlen, "token is malformed: want header.payload.signature");
  size_t hlen = (size_t)(dot1 - token), plen = (size_t)(dot2 - dot1 - 1), slen = len - (size_t)(dot2 + 1 - token);
  cJSON *hdr = segment_json(token, hlen);
  if (!hdr) return fail(err, errlen, "token is malformed: the header is not base64url JSON");
  const cJSON *alg = cJSON_GetObjectItemCaseSensitive(hdr, "alg");
  bool hs256 = cJSON_IsString(alg) && !strcmp(alg->valuestring, "HS256");
  cJSON_Delete(hdr);
  if (!hs256) return fail(err, errlen, "token is unverifiable: the signing method (alg) must be HS256");
  uint8_t sig[64];
  long n = jwt_b64url_decode(dot2 + 1, slen, sig, sizeof sig);
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned mac_len = 0;
  if (!HMAC(EVP_sha256(), secret, JWT_SECRET_LEN, (const uint8_t *)token, hlen + 1 + plen, mac, &mac_len))
    return fail(err, errlen, "cannot compute HMAC-SHA256");
  if (n != (long)mac_len || CRYPTO_memcmp(sig, mac, mac_len)) return fail(err, errlen, "signature is invalid");
  cJSON *claims = segment_json(dot1 + 1, plen);
  if (!claims) return fail(err, errlen, "token is malformed: the claims are not base64url JSON");
  const cJSON *iat = cJSON_GetObjectItemCaseSensitive(claims, "iat");
  bool have = cJSON_IsNumber(iat) && isfinite(iat->valuedouble);
  double t = have ? iat->valuedouble : 0;
  cJSON_Delete(claims);
  if (!have) return fail(err, errlen, "token has no issued-at (iat) claim");
  if (t < (double)(now - JWT_IAT_WINDOW) || t > (double)(now + JWT_IAT_WINDOW)) {
    snprintf(err, errlen, "stale token: iat %.0f is more than %d s from now (%lld)", t, JWT_IAT_WINDOW, (long long)now);
    return false;
  }
  return true;
}

char *jwt_sign(const uint8_t secret[JWT_SECRET_LEN], const char *alg, int64_t iat) {
  char hdr[96], claims[64];
  snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
  snprintf(claims, sizeof claims, "{\"iat\":%lld}", (long long)iat);
  size_t hl = strlen(hdr), cl = strlen(claims);
  size_t cap = (hl + cl + 32) / 3 * 4 + 64;
  char *t = malloc(cap);
  if (!t) return NULL;
  jwt_b64url_encode((const uint8_t *)hdr, hl, t);
  size_t n = strlen(t);
  t[n++] = '.';
  jwt_b64url_encode((const uint8_t *)claims, cl, t + n);
  n += strlen(t + n);
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned mac_len = 0;
  if (!HMAC(EVP_sha256(), secret, JWT_SECRET_LEN, (const uint8_t *)t, n, mac, &mac_len)) return free(t), NULL;
  t[n++] = '.';
  jwt_b64url_encode(mac, mac_len, t + n);
  return t;
}

static int create_secret(const char *path, uint8_t secret[JWT_SECRET_LEN], char *err, size_t errlen) {
  if (RAND_bytes(secret, JWT_SECRET_LEN) != 1) return snprintf(err, errlen, "no random bytes for %s", path), -1;
  char hex[2 * JWT_SECRET_LEN + 3];
  hex_encode(secret, JWT_SECRET_LEN, hex);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno)), -1;
  size_t len = strlen(hex);
  bool ok = write(fd, hex, len) == (ssize_t)len;
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    unlink(path);
    return snprintf(err, errlen, "cannot write %s", path), -1;
  }
  return 0;
}

int jwt_secret_load(const char *path, uint8_t secret[JWT_SECRET_LEN], bool *created, char *err, size_t errlen) {
  if (created) *created = false;
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno != ENOENT) return snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno)), -1;
    if (create_secret(path, secret, err, errlen)) return -1;
    if (created) *created = true;
    return 0;
  }
  size_t len = 0;
  uint8_t *text = st.st_size <= 4096 ? bytes_read_file(path, &len) : NULL;
  if (!text) return snprintf(err, errlen, "cannot read %s (or it is over 4 KiB)", path), -1;
  size_t a = 0, b = len;
  while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\n' || text[a] == '\r')) a++;
  while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\n' || text[b - 1] == '\r')) b--;
  char hex[2 * JWT_SECRET_LEN + 3];
  bool ok = b - a <= sizeof hex - 1;
  if (ok) {
    memcpy(hex, text + a, b - a);
    hex[b - a] = 0;
    ok = hex_decode_fixed(hex, false, secret, JWT_SECRET_LEN) == 0;
  }
  free(text);
  if (!ok) return snprintf(err, errlen, "%s: want a 32-byte secret as 64 hex digits", path), -1;
  return 0;
}
