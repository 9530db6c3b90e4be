/* The engine API's JWT check (src/rpc/jwt.c): base64url (RFC 4648 test
 * vectors), HS256 tokens that verify and those that must not (another key, alg
 * "none", a stale or future iat, malformed text), and the secret file. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rpc/jwt.h"

static bool verify(const char *tok, const uint8_t *key, int64_t now) {
  char err[160];
  return jwt_verify(tok, strlen(tok), key, now, err, sizeof err);
}

static void test_b64url(void) {
  /* RFC 4648 section 10, without padding */
  static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *enc[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
  for (int i = 0; i < 7; i++) {
    char out[16];
    jwt_b64url_encode((const uint8_t *)plain[i], strlen(plain[i]), out);
    CHECK_MSG(!strcmp(out, enc[i]), "encode %s: %s", plain[i], out);
    uint8_t dec[16];
    long n = jwt_b64url_decode(enc[i], strlen(enc[i]), dec, sizeof dec);
    CHECK(n == (long)strlen(plain[i]) && !memcmp(dec, plain[i], (size_t)n));
  }
  uint8_t ff[3] = {0xfb, 0xff, 0xbf};
  char out[8];
  jwt_b64url_encode(ff, 3, out);
  CHECK(!strcmp(out, "-_-_")); /* the URL-safe letters, not + and / */
  uint8_t buf[8];
  CHECK(jwt_b64url_decode("Zm9v+", 5, buf, sizeof buf) == -1); /* not the URL alphabet */
  CHECK(jwt_b64url_decode("Z", 1, buf, sizeof buf) == -1);     /* 1 mod 4 */
  CHECK(jwt_b64url_decode("Zh", 2, buf, sizeof buf) == -1);    /* non-zero trailing bits */
  CHECK(jwt_b64url_decode("Zm9vYmFy", 8, buf, 5) == -1);       /* too small a buffer */
}

static void test_tokens(void) {
  uint8_t key[32], other[32];
  for (int i = 0; i < 32; i++) key[i] = (uint8_t)i, other[i] = (uint8_t)(i + 1);
  int64_t now = 1700000000;
  char *t = jwt_sign(key, "HS256", now);
  CHECK(t && verify(t, key, now));
  CHECK(verify(t, key, now + 60) && verify(t, key, now - 60)); /* the window's edges */
  CHECK(!verify(t, other, now));                               /* wrong key */
  CHECK(!verify(t, key, now + 61));                            /* stale iat */
  CHECK(!verify(t, key, now - 61));                            /* iat in the future */
  char err[160];
  CHECK(!jwt_verify(t, strlen(t), key, now + 61, err, sizeof err) && strstr(err, "stale"));
  /* a flipped signature character */
  size_t n = strlen(t);
  t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
  CHECK(!verify(t, key, now));
  free(t);
  /* alg none, signed or not */
  t = jwt_sign(key, "none", now);
  CHECK(t && !verify(t, key, now));
  CHECK(!jwt_verify(t, strlen(t), key, now, err, sizeof err) && strstr(err, "HS256"));
  char *dot = strrchr(t, '.');
  dot[1] = 0;
  CHECK(!verify(t, key, now));
  free(t);
  /* HS512 is not HS256 */
  t = jwt_sign(key, "HS512", now);
  CHECK(!verify(t, key, now));
  free(t);
  /* malformed: no dots, too many, a header that is not JSON, an empty token */
  CHECK(!verify("abc", key, now));
  CHECK(!verify("a.b.c.d", key, now));
  CHECK(!verify("", key, now));
  CHECK(!verify("..", key, now));
  CHECK(!verify("bm90IGpzb24.e30.AAAA", key, now));
  /* a valid signature over claims without iat */
  char tok[256];
  const char *signing = "eyJhbGciOiJIUzI1NiJ9.e30"; /* {"alg":"HS256"} . {} */
  uint8_t mac[32];
  unsigned ml = 0;
  HMAC(EVP_sha256(), key, 32, (const uint8_t *)signing, strlen(signing), mac, &ml);
  snprintf(tok, sizeof tok, "%s.", signing);
  jwt_b64url_encode(mac, ml, tok + strlen(tok));
  CHECK(!jwt_verify(tok, strlen(tok), key, now, err, sizeof err) && strstr(err, "iat"));
}

static void test_secret_file(void) {
  char dir[] = "test_jwt_XXXXXX";
  if (!mkdtemp(dir)) {
    CHECK(0);
    return;
  }
  char path[64];
  snprintf(path, sizeof path, "%s/jwtsecret", dir);
  uint8_t s1[32], s2[32];
  char err[200];
  bool created = false;
  CHECK(jwt_secret_load(path, s1, &created, err, sizeof err) == 0 && created);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 66);
  CHECK(jwt_secret_load(path, s2, &created, err, sizeof err) == 0 && !created && !memcmp(s1, s2, 32));
  /* geth's form without 0x, with a newline, reads the same */
  FILE *f = fopen(path, "w");
  fputs("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", f);
  fclose(f);
  CHECK(jwt_secret_load(path, s2, NULL, err, sizeof err) == 0 && s2[31] == 0x1f && s2[0] == 0);
  f = fopen(path, "w");
  fputs("0x1234", f);
  fclose(f);
  CHECK(jwt_secret_load(path, s2, NULL, err, sizeof err) == -1 && strstr(err, "64 hex digits"));
  unlink(path);
  rmdir(dir);
}

int main(void) {
  test_b64url();
  test_tokens();
  test_secret_file();
  return check_summary();
}
