/* BIP-39 seeds and BIP-32 private derivation (hdwallet.h): HMAC-SHA512 and
 * PBKDF2 through OpenSSL, key tweaks and public keys through libsecp256k1. */
#include "ethc/hdwallet.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <secp256k1.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bip39_english.h"
#include "ethc/error.h"
#include "ethc/hash.h"

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

static int word_index(const char *w, size_t len) {
  int lo = 0, hi = 2047;
  while (lo <= hi) {
    int mid = (lo + hi) / 2, c = strncmp(bip39_english[mid], w, len);
    if (!c && bip39_english[mid][len]) c = 1; /* the list's word is longer */
    if (!c) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

int hd_bip39_check(const char *mnemonic, char *err, size_t errlen) {
  uint8_t bits[33] = {0}; /* 24 words * 11 bits = 264 bits */
  size_t n = 0;
  const char *p = mnemonic;
  while (*p) {
    const char *end = strchr(p, ' ');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    int i = len && len < 16 ? word_index(p, len) : -1;
    if (n == 24) return snprintf(err, errlen, "more than 24 words"), ETHC_ERR_INVALID;
    if (i < 0) {
      snprintf(err, errlen, "word %zu (\"%.*s\") is not in the BIP-39 English list", n + 1, (int)(len < 32 ? len : 32),
               p);
      return ETHC_ERR_INVALID;
    }
    for (int b = 0; b < 11; b++)
      if (i >> (10 - b) & 1) bits[(n * 11 + (size_t)b) / 8] |= (uint8_t)(0x80 >> ((n * 11 + (size_t)b) % 8));
    n++;
    p += len;
    if (*p == ' ') p++;
  }
  if (n < 12 || n % 3) return snprintf(err, errlen, "%zu words: want 12, 15, 18, 21 or 24", n), ETHC_ERR_INVALID;
  size_t cs = n / 3, ent = n * 11 - cs; /* checksum and entropy bits */
  uint8_t h[32];
  if (hash_sha256(bits, ent / 8, h)) return snprintf(err, errlen, "SHA-256 failed"), ETHC_ERR_INVALID;
  for (size_t b = 0; b < cs; b++) {
    int want = h[b / 8] >> (7 - b % 8) & 1, got = bits[(ent + b) / 8] >> (7 - (ent + b) % 8) & 1;
    if (want != got) return snprintf(err, errlen, "bad checksum (a word is wrong or missing)"), ETHC_ERR_INVALID;
  }
  return ETHC_OK;
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
