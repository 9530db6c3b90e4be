/* BIP-39 seeds and BIP-32 private derivation (hdwallet.h): HMAC-SHA512 and
 * PBKDF2 through OpenSSL, key tweaks and public keys through libsecp256k1. */
#include "ethc/hdwallet.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <secp256k1.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"

static secp256k1_context *hd_ctx;
static pthread_once_t hd_once = PTHREAD_ONCE_INIT;

static void make_ctx(void) { hd_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE); }

static const secp256k1_context *ctx(void) {
  pthread_once(&hd_once, make_ctx);
  return hd_ctx;
}

int hd_bip39_seed(const char *mnemonic, const char *passphrase, uint8_t seed[64]) {
  if (!passphrase) passphrase = "";
  size_t plen = strlen(passphrase);
  char *salt = malloc(8 + plen + 1);
  if (!salt) return ETHC_ERR_NOMEM;
  memcpy(salt, "mnemonic", 8);
  memcpy(salt + 8, passphrase, plen + 1);
  int ok = PKCS5_PBKDF2_HMAC(mnemonic, (int)strlen(mnemonic), (const unsigned char *)salt, (int)(8 + plen), 2048,
                             EVP_sha512(), 64, seed);
  free(salt);
  return ok ? ETHC_OK : ETHC_ERR_INVALID;
}

static int hmac512(const uint8_t *key, size_t klen, const uint8_t *data, size_t dlen, uint8_t out[64]) {
  unsigned int len = 64;
  if (!HMAC(EVP_sha512(), key, (int)klen, data, dlen, out, &len) || len != 64) return ETHC_ERR_INVALID;
  return ETHC_OK;
}

int hd_master(const uint8_t *seed, size_t len, hd_key_t *out) {
  uint8_t i[64];
  if (!ctx() || len < 16 || len > 64) return ETHC_ERR_INVALID;
  if (hmac512((const uint8_t *)"Bitcoin seed", 12, seed, len, i)) return ETHC_ERR_INVALID;
  if (!secp256k1_ec_seckey_verify(ctx(), i)) return ETHC_ERR_INVALID;
  memcpy(out->key, i, 32);
  memcpy(out->chain, i + 32, 32);
  return ETHC_OK;
}

int hd_pubkey_compressed(const uint8_t key[32], uint8_t out[33]) {
  secp256k1_pubkey pk;
  size_t len = 33;
  if (!ctx() || !secp256k1_ec_pubkey_create(ctx(), &pk, key) ||
      !secp256k1_ec_pubkey_serialize(ctx(), out, &len, &pk, SECP256K1_EC_COMPRESSED))
    return ETHC_ERR_INVALID;
  return ETHC_OK;
}

int hd_child(const hd_key_t *parent, uint32_t index, hd_key_t *out) {
  uint8_t data[37], i[64];
  if (index >= HD_HARDENED) {
    data[0] = 0;
    memcpy(data + 1, parent->key, 32);
  } else if (hd_pubkey_compressed(parent->key, data)) {
    return ETHC_ERR_INVALID;
  }
  for (int k = 0; k < 4; k++) data[33 + k] = (uint8_t)(index >> (24 - 8 * k));
  if (hmac512(parent->chain, 32, data, sizeof data, i)) return ETHC_ERR_INVALID;
  /* child key = parse256(IL) + kpar (mod n); IL >= n or a zero sum is invalid */
  uint8_t key[32];
  memcpy(key, parent->key, 32);
  if (!secp256k1_ec_seckey_verify(ctx(), i) || !secp256k1_ec_seckey_tweak_add(ctx(), key, i)) return ETHC_ERR_INVALID;
  memcpy(out->key, key, 32);
  memcpy(out->chain, i + 32, 32);
  return ETHC_OK;
}

int hd_derive_path(const hd_key_t *master, const char *path, hd_key_t *out) {
  if (!path || path[0] != 'm') return ETHC_ERR_INVALID;
  hd_key_t k = *master;
  const char *p = path + 1;
  while (*p) {
    if (*p != '/' || p[1] < '0' || p[1] > '9') return ETHC_ERR_INVALID;
    p++;
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9') {
      v = v * 10 + (uint64_t)(*p++ - '0');
      if (v >= HD_HARDENED) return ETHC_ERR_INVALID;
    }
    if (*p == '\'' || *p == 'h' || *p == 'H') v += HD_HARDENED, p++;
    if (hd_child(&k, (uint32_t)v, &k)) return ETHC_ERR_INVALID;
  }
  *out = k;
  return ETHC_OK;
}
