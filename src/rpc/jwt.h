/* JSON Web Tokens as the engine API authenticates its caller (execution-apis
 * src/engine/authentication.md; RFC 7519 with RFC 7515 JWS, HS256 only): a
 * base64url codec, the verification of a "Bearer" token against the shared
 * 32-byte secret, and the secret file geth's --authrpc.jwtsecret reads. */
#ifndef ETHC_RPC_JWT_H
#define ETHC_RPC_JWT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JWT_SECRET_LEN 32
#define JWT_IAT_WINDOW 60 /* seconds either side of now (authentication.md) */

/* base64url without padding (RFC 4648 section 5): decodes `len` characters into
 * out (capacity `cap`); returns the byte count, or -1 on a character outside the
 * alphabet, a length of 1 mod 4, non-zero trailing bits, or too small a buffer. */
long jwt_b64url_decode(const char *in, size_t len, uint8_t *out, size_t cap);
/* Encodes len bytes; out needs 4 * ceil(len / 3) + 1 bytes (NUL-terminated). */
void jwt_b64url_encode(const uint8_t *in, size_t len, char *out);

/* Verifies a compact JWS token (header.payload.signature): the header's "alg"
 * must be "HS256", the signature HMAC-SHA256(secret, header "." payload), and
 * the payload's "iat" (seconds) within JWT_IAT_WINDOW of `now`. Returns true, or
 * false with the reason in `err` ("token is malformed", "signature is invalid",
 * ...). Thread-safe; nothing is retained. */
bool jwt_verify(const char *token, size_t len, const uint8_t secret[JWT_SECRET_LEN], int64_t now, char *err,
                size_t errlen);

/* A signed token with the given header alg and iat (for tests and clients):
 * malloc'd, the caller frees it; NULL when out of memory. */
char *jwt_sign(const uint8_t secret[JWT_SECRET_LEN], const char *alg, int64_t iat);

/* Reads the secret from `path` (64 hex digits, "0x" optional, white space
 * around allowed); when the file does not exist, creates it (mode 0600) with 32
 * random bytes written as "0x" and 64 hex digits, as geth does. Returns 0, or
 * -1 with a message in `err`. */
int jwt_secret_load(const char *path, uint8_t secret[JWT_SECRET_LEN], bool *created, char *err, size_t errlen);

#endif
