/* RLPx frames (ethereum/devp2p rlpx.md "Framing" and "MAC"): a 16-byte header
 * (frame-size, [0, 0], zero padding) and the frame-data padded to 16 bytes, both
 * encrypted with AES-256-CTR under aes-secret (zero IV, one stream each way), each
 * followed by a 16-byte MAC from the running Keccak-256 egress/ingress state mixed
 * with AES-256 (ECB, one block) of mac-secret. MACs are checked before decrypting. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "p2p/rlpx_codec.h"

struct rlpx_frame {
  EVP_CIPHER_CTX *enc, *dec, *mac;
  keccak256_ctx_t egress, ingress;
  size_t max;  /* the largest frame-size accepted */
  size_t size; /* frame-size of the header read, when have_header */
  bool have_header;
  const char *err; /* set once a read failed */
  bytes_buf_t buf; /* the last frame's plaintext */
};

static EVP_CIPHER_CTX *cipher(const EVP_CIPHER *c, const uint8_t key[32]) {
  static const uint8_t zero_iv[16];
  EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
  if (x && EVP_EncryptInit_ex(x, c, NULL, key, c == EVP_aes_256_ecb() ? NULL : zero_iv) == 1) {
    EVP_CIPHER_CTX_set_padding(x, 0);
    return x;
  }
  EVP_CIPHER_CTX_free(x);
  return NULL;
}

rlpx_frame_t *rlpx_frame_new(const rlpx_secrets_t *s) {
  rlpx_frame_t *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->enc = cipher(EVP_aes_256_ctr(), s->aes);
  f->dec = cipher(EVP_aes_256_ctr(), s->aes);
  f->mac = cipher(EVP_aes_256_ecb(), s->mac);
  f->egress = s->egress;
  f->ingress = s->ingress;
  f->max = RLPX_MAX_MSG - 1;
  if (!f->enc || !f->dec || !f->mac) {
    rlpx_frame_free(f);
    return NULL;
  }
  return f;
}

void rlpx_frame_free(rlpx_frame_t *f) {
  if (!f) return;
  EVP_CIPHER_CTX_free(f->enc);
  EVP_CIPHER_CTX_free(f->dec);
  EVP_CIPHER_CTX_free(f->mac);
  bytes_buf_free(&f->buf);
  OPENSSL_cleanse(f, sizeof *f);
  free(f);
}

void rlpx_frame_set_max(rlpx_frame_t *f, size_t max) { f->max = max < RLPX_MAX_MSG - 1 ? max : RLPX_MAX_MSG - 1; }

const char *rlpx_frame_error(const rlpx_frame_t *f) { return f->err ? f->err : "no error"; }

static void xcrypt(EVP_CIPHER_CTX *c, const uint8_t *in, size_t len, uint8_t *out) {
  int n = 0; /* frames are below 2^24 bytes, so one call; CTR cannot fail here */
  if (EVP_EncryptUpdate(c, out, &n, in, (int)len) != 1) memset(out, 0, len);
}

/* mac = keccak(update(m, aes(mac-secret, digest(m)[:16]) ^ seed)) [:16] */
static void mac_update(rlpx_frame_t *f, keccak256_ctx_t *m, const uint8_t seed[16], uint8_t out[16]) {
  uint8_t d[32], a[16];
  keccak256_final(m, d);
  xcrypt(f->mac, d, 16, a);
  for (int i = 0; i < 16; i++) a[i] ^= seed[i];
  keccak256_update(m, a, 16);
  keccak256_final(m, d);
  memcpy(out, d, 16);
}

static size_t padded(size_t n) { return (n + 15) & ~(size_t)15; }

int rlpx_frame_write(rlpx_frame_t *f, const uint8_t *data, size_t len, bytes_buf_t *out) {
  if (len > RLPX_MAX_MSG - 1) return ETHC_ERR_LIMIT;
  size_t plen = padded(len);
  if (bytes_buf_reserve(out, 32 + plen + 16)) return ETHC_ERR_NOMEM;
  uint8_t *h = out->data + out->len, *b = h + 32;
  uint8_t hdr[16] = {(uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len, 0xc2, 0x80, 0x80};
  xcrypt(f->enc, hdr, 16, h);
  mac_update(f, &f->egress, h, h + 16);
  if (len) memcpy(b, data, len);
  memset(b + len, 0, plen - len);
  xcrypt(f->enc, b, plen, b);
  keccak256_update(&f->egress, b, plen);
  uint8_t seed[32];
  keccak256_final(&f->egress, seed);
  mac_update(f, &f->egress, seed, b + plen);
  out->len += 32 + plen + 16;
  return ETHC_OK;
}

static int fail(rlpx_frame_t *f, const char *why, int rc) {
  f->err = why;
  return rc;
}

int rlpx_frame_read(rlpx_frame_t *f, const uint8_t *data, size_t len, size_t *used, bytes_view_t *msg) {
  *used = 0;
  if (f->err) return ETHC_ERR_INVALID;
  if (!f->have_header) {
    if (len < 32) return 0;
    uint8_t want[16], hdr[16];
    mac_update(f, &f->ingress, data, want);
    if (CRYPTO_memcmp(want, data + 16, 16) != 0) return fail(f, "bad header MAC", ETHC_ERR_INVALID);
    xcrypt(f->dec, data, 16, hdr);
    f->size = (size_t)hdr[0] << 16 | (size_t)hdr[1] << 8 | hdr[2];
    if (f->size > f->max) return fail(f, "frame too large", ETHC_ERR_LIMIT);
    f->have_header = true;
    *used = 32;
    return 0;
  }
  size_t plen = padded(f->size);
  if (len < plen + 16) return 0;
  keccak256_update(&f->ingress, data, plen);
  uint8_t seed[32], want[16];
  keccak256_final(&f->ingress, seed);
  mac_update(f, &f->ingress, seed, want);
  if (CRYPTO_memcmp(want, data + plen, 16) != 0) return fail(f, "bad frame MAC", ETHC_ERR_INVALID);
  f->buf.len = 0;
  if (f->buf.cap > (1u << 20) && plen < (1u << 20)) bytes_buf_free(&f->buf); /* do not keep a big one */
  if (bytes_buf_reserve(&f->buf, plen + 1)) return fail(f, "out of memory", ETHC_ERR_NOMEM);
  xcrypt(f->dec, data, plen, f->buf.data);
  f->buf.len = f->size;
  f->have_header = false;
  *used = plen + 16;
  *msg = bytes_view(f->buf.data, f->size);
  return 1;
}
