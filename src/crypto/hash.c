/* SHA-256 (FIPS 180-4) and RIPEMD-160 through OpenSSL's EVP interface. The
 * digest objects are fetched once and reused (fetching per call is slow in 3.x), and
 * each thread keeps one EVP_MD_CTX (freed at thread exit) to skip per-call setup. */
#include "ethc/hash.h"

#include <openssl/evp.h>
#include <openssl/provider.h>
#include <pthread.h>

#include "ethc/error.h"

static EVP_MD *md_sha256, *md_ripemd160;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static pthread_key_t ctx_key;
static int ctx_key_ok;
static _Thread_local EVP_MD_CTX *tls_ctx;

static void free_ctx(void *p) {
  EVP_MD_CTX_free(p);
  tls_ctx = NULL;
}

static void fetch_digests(void) {
  ctx_key_ok = pthread_key_create(&ctx_key, free_ctx) == 0;
  md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  md_ripemd160 = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
  if (!md_ripemd160) {
    /* OpenSSL 3.0.0-3.0.6 ship RIPEMD-160 only in the legacy provider. Loading it
     * explicitly unloads the implicit default, so load both. */
    OSSL_PROVIDER_load(NULL, "default");
    if (OSSL_PROVIDER_load(NULL, "legacy")) md_ripemd160 = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
  }
}

static int digest(EVP_MD *md, const uint8_t *data, size_t len, uint8_t *out) {
  if (!md) return ETHC_ERR_UNSUPPORTED;
  static const uint8_t empty[1] = {0};
  if (!data) data = empty;
  EVP_MD_CTX *ctx = tls_ctx;
  if (!ctx && ctx_key_ok) {
    ctx = EVP_MD_CTX_new();
    if (ctx && pthread_setspecific(ctx_key, ctx) != 0) {
      EVP_MD_CTX_free(ctx);
      ctx = NULL;
    }
    tls_ctx = ctx;
  }
  if (!ctx) return EVP_Digest(data, len, out, NULL, md, NULL) == 1 ? ETHC_OK : ETHC_ERR_UNSUPPORTED;
  unsigned int n = 0;
  if (EVP_DigestInit_ex2(ctx, md, NULL) != 1 || EVP_DigestUpdate(ctx, data, len) != 1 ||
      EVP_DigestFinal_ex(ctx, out, &n) != 1)
    return ETHC_ERR_UNSUPPORTED;
  return ETHC_OK;
}

int hash_sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
  pthread_once(&md_once, fetch_digests);
  return digest(md_sha256, data, len, out);
}

int hash_ripemd160(const uint8_t *data, size_t len, uint8_t out[20]) {
  pthread_once(&md_once, fetch_digests);
  return digest(md_ripemd160, data, len, out);
}
