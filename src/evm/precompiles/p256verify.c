/* Precompile 0x100 P256VERIFY (EIP-7951, Osaka): ECDSA verification on secp256r1
 * through OpenSSL's EC_POINT arithmetic. Input hash||r||s||qx||qy (exactly 160
 * bytes); output 32-byte 1 on success, empty on any failure; 6900 gas. */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <pthread.h>

#include "ethc/precompiles.h"

static EC_GROUP *p256;
static BIGNUM *p256_p, *p256_n;
static pthread_once_t p256_once = PTHREAD_ONCE_INIT;

static void p256_init(void) {
  EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  BIGNUM *p = BN_new(), *n = BN_new();
  if (!g || !p || !n || !EC_GROUP_get_curve(g, p, NULL, NULL, NULL) || !EC_GROUP_get_order(g, n, NULL)) {
    EC_GROUP_free(g);
    BN_free(p);
    BN_free(n);
    return;
  }
  p256 = g;
  p256_p = p;
  p256_n = n;
}

static int64_t p256verify_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return 6900;
}

/* 1 when the signature verifies, 0 when it does not, -1 on an internal error. */
static int verify(const uint8_t *in) {
  int ok = -1;
  BN_CTX *ctx = BN_CTX_new();
  EC_POINT *q = EC_POINT_new(p256), *rp = EC_POINT_new(p256);
  if (!ctx || !q || !rp) goto done;
  BN_CTX_start(ctx);
  BIGNUM *e = BN_CTX_get(ctx), *r = BN_CTX_get(ctx), *s = BN_CTX_get(ctx);
  BIGNUM *x = BN_CTX_get(ctx), *y = BN_CTX_get(ctx), *w = BN_CTX_get(ctx);
  BIGNUM *u1 = BN_CTX_get(ctx), *u2 = BN_CTX_get(ctx), *rx = BN_CTX_get(ctx);
  if (!rx) goto done_ctx;
  if (!BN_bin2bn(in, 32, e) || !BN_bin2bn(in + 32, 32, r) || !BN_bin2bn(in + 64, 32, s) || !BN_bin2bn(in + 96, 32, x) ||
      !BN_bin2bn(in + 128, 32, y))
    goto done_ctx;
  ok = 0;
  /* 0 < r, s < n; qx, qy < p; Q on the curve and not the point at infinity (0, 0). */
  if (BN_is_zero(r) || BN_is_zero(s) || BN_cmp(r, p256_n) >= 0 || BN_cmp(s, p256_n) >= 0) goto done_ctx;
  if (BN_cmp(x, p256_p) >= 0 || BN_cmp(y, p256_p) >= 0) goto done_ctx;
  if (BN_is_zero(x) && BN_is_zero(y)) goto done_ctx;
  if (!EC_POINT_set_affine_coordinates(p256, q, x, y, ctx)) goto done_ctx;
  if (EC_POINT_is_on_curve(p256, q, ctx) != 1) goto done_ctx;
  ok = -1;
  /* R' = (e/s) G + (r/s) Q; valid iff R' is finite and x(R') mod n == r. */
  if (!BN_mod_inverse(w, s, p256_n, ctx)) goto done_ctx;
  if (!BN_mod_mul(u1, e, w, p256_n, ctx) || !BN_mod_mul(u2, r, w, p256_n, ctx)) goto done_ctx;
  if (!EC_POINT_mul(p256, rp, u1, q, u2, ctx)) goto done_ctx;
  ok = 0;
  if (EC_POINT_is_at_infinity(p256, rp)) goto done_ctx;
  if (!EC_POINT_get_affine_coordinates(p256, rp, rx, NULL, ctx)) {
    ok = -1;
    goto done_ctx;
  }
  if (!BN_nnmod(rx, rx, p256_n, ctx)) {
    ok = -1;
    goto done_ctx;
  }
  ok = BN_cmp(rx, r) == 0;
done_ctx:
  BN_CTX_end(ctx);
done:
  EC_POINT_free(q);
  EC_POINT_free(rp);
  BN_CTX_free(ctx);
  return ok;
}

static int p256verify_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  if (len != 160) return 0;
  pthread_once(&p256_once, p256_init);
  if (!p256) return -1;
  int v = verify(in);
  if (v < 0) return -1;
  if (v == 0) return 0;
  uint8_t word[32] = {0};
  word[31] = 1;
  return bytes_buf_append(out, word, 32);
}

const evm_precompile_t evm_precompile_p256verify = {"p256Verify", EVM_OSAKA, p256verify_gas, p256verify_run};
