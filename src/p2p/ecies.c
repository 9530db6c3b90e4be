/* ECIES as RLPx uses it (ethereum/devp2p rlpx.md "ECIES Encryption"): secp256k1
 * ECDH giving the raw x coordinate, the NIST SP 800-56 concatenation KDF over
 * SHA-256, AES-128-CTR and HMAC-SHA256 keyed with sha256(kM), the tag also
 * covering the caller's authenticated data (EIP-8's size prefix). */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/hash.h"
#include "ethc/secp256k1.h"
#include "p2p/rlpx_codec.h"

/* libsecp256k1's ECDH hashes the point by default; RLPx wants x itself. */
static int ecdh_copy_x(unsigned char *out, const unsigned char *x32, const unsigned char *y32, void *data) {
  (void)y32;
  (void)data;
  memcpy(out, x32, 32);
  return 1;
}

int rlpx_ecdh(const uint8_t seckey[32], const uint8_t pubkey[64], uint8_t out[32]) {
  const secp256k1_context *ctx = secp256k1_context_static;
  uint8_t ser[65];
  ser[0] = 0x04;
  memcpy(ser + 1, pubkey, 64);
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_parse(ctx, &pk, ser, sizeof ser)) return ETHC_ERR_INVALID;
  if (!secp256k1_ecdh(ctx, out, &pk, seckey, ecdh_copy_x, NULL)) return ETHC_ERR_INVALID;
  return ETHC_OK;
}

int rlpx_random_bytes(uint8_t *out, size_t n) { return RAND_bytes(out, (int)n) == 1 ? ETHC_OK : ETHC_ERR_IO; }

int rlpx_random_key(uint8_t seckey[32]) {
  for (int tries = 0; tries < 16; tries++) {
    if (rlpx_random_bytes(seckey, 32)) return ETHC_ERR_IO;
    if (secp256k1_ec_seckey_verify(secp256k1_context_static, seckey)) return ETHC_OK;
  }
  return ETHC_ERR_IO;
}

/* NIST SP 800-56A 5.8.1 with SHA-256 and no other info: one 32-byte block,
 * sha256(00000001 || z). kE = the first 16 bytes, kM = sha256(the last 16). */
static int derive_keys(const uint8_t z[32], uint8_t ke[16], uint8_t km[32]) {
  uint8_t in[36] = {0, 0, 0, 1}, k[32];
  memcpy(in + 4, z, 32);
  int rc = hash_sha256(in, sizeof in, k);
  if (!rc) {
    memcpy(ke, k, 16);
    rc = hash_sha256(k + 16, 16, km);
  }
  OPENSSL_cleanse(k, sizeof k);
  return rc;
}

static int aes128_ctr(const uint8_t key[16], const uint8_t iv[16], const uint8_t *in, size_t len, uint8_t *out) {
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  int ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv) == 1;
  size_t done = 0;
  while (ok && done < len) { /* EVP takes int lengths */
    int n = len - done > (1 << 30) ? 1 << 30 : (int)(len - done), outl = 0;
    ok = EVP_EncryptUpdate(c, out + done, &outl, in + done, n) == 1;
    done += (size_t)n;
  }
  EVP_CIPHER_CTX_free(c);
  return ok ? ETHC_OK : ETHC_ERR_UNSUPPORTED;
}

/* HMAC-SHA256(km, iv || c || auth). */
static int tag(const uint8_t km[32], const uint8_t *ivc, size_t ivc_len, const uint8_t *auth, size_t auth_len,
               uint8_t out[32]) {
  uint8_t *buf = malloc(ivc_len + auth_len + 1);
  if (!buf) return ETHC_ERR_NOMEM;
  memcpy(buf, ivc, ivc_len);
  if (auth_len) memcpy(buf + ivc_len, auth, auth_len);
  unsigned int n = 0;
  int ok = HMAC(EVP_sha256(), km, 32, buf, ivc_len + auth_len, out, &n) != NULL && n == 32;
  free(buf);
  return ok ? ETHC_OK : ETHC_ERR_UNSUPPORTED;
}

int rlpx_ecies_encrypt(const uint8_t pub[64], const uint8_t *msg, size_t len, const uint8_t *auth, size_t auth_len,
                       const uint8_t eph[32], const uint8_t iv[16], uint8_t *out) {
  uint8_t r[32], z[32], ke[16], km[32];
  int rc;
  if (eph) memcpy(r, eph, 32);
  else if ((rc = rlpx_random_key(r))) return rc;
  out[0] = 0x04;
  if ((rc = ethc_secp256k1_pubkey_create(r, out + 1)) || (rc = rlpx_ecdh(r, pub, z))) goto done;
  if ((rc = derive_keys(z, ke, km))) goto done;
  uint8_t *ivp = out + 65, *c = out + 81;
  if (iv) memcpy(ivp, iv, 16);
  else if ((rc = rlpx_random_bytes(ivp, 16))) goto done;
  if ((rc = aes128_ctr(ke, ivp, msg, len, c))) goto done;
  rc = tag(km, ivp, 16 + len, auth, auth_len, c + len);
done:
  OPENSSL_cleanse(r, sizeof r);
  OPENSSL_cleanse(z, sizeof z);
  OPENSSL_cleanse(ke, sizeof ke);
  OPENSSL_cleanse(km, sizeof km);
  return rc;
}

int rlpx_ecies_decrypt(const uint8_t seckey[32], const uint8_t *ct, size_t len, const uint8_t *auth, size_t auth_len,
                       uint8_t *out) {
  if (len < RLPX_ECIES_OVERHEAD) return ETHC_ERR_RLP_TRUNCATED;
  if (ct[0] != 0x04) return ETHC_ERR_INVALID;
  uint8_t z[32], ke[16], km[32], d[32];
  size_t mlen = len - RLPX_ECIES_OVERHEAD;
  int rc = rlpx_ecdh(seckey, ct + 1, z);
  if (!rc) rc = derive_keys(z, ke, km);
  if (!rc) rc = tag(km, ct + 65, 16 + mlen, auth, auth_len, d);
  if (!rc && CRYPTO_memcmp(d, ct + len - 32, 32) != 0) rc = ETHC_ERR_INVALID;
  if (!rc) rc = aes128_ctr(ke, ct + 65, ct + 81, mlen, out);
  OPENSSL_cleanse(z, sizeof z);
  OPENSSL_cleanse(ke, sizeof ke);
  OPENSSL_cleanse(km, sizeof km);
  return rc;
}
