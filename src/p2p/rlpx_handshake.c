/* The RLPx auth/ack handshake (ethereum/devp2p rlpx.md "Initial Handshake") in
 * both formats: EIP-8 (a 16-bit size prefix, an RLP body with padding, the prefix
 * authenticated by ECIES) which the initiator sends, and the pre-EIP-8 fixed-size
 * form which the recipient still accepts (and then answers in kind); and the
 * session secrets derived from the two packets. */
#include <openssl/crypto.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "p2p/rlpx_codec.h"

static void xor32(const uint8_t a[32], const uint8_t b[32], uint8_t out[32]) {
  for (int i = 0; i < 32; i++) out[i] = a[i] ^ b[i];
}

static int init_common(rlpx_handshake_t *hs, const uint8_t key[32], const uint8_t eph[32], const uint8_t nonce[32],
                       uint8_t *my_nonce) {
  uint8_t pub[64];
  if (ethc_secp256k1_pubkey_create(key, pub)) return ETHC_ERR_INVALID;
  int rc;
  memcpy(hs->key, key, 32);
  if (eph) memcpy(hs->eph, eph, 32);
  else if ((rc = rlpx_random_key(hs->eph))) return rc;
  if (nonce) memcpy(my_nonce, nonce, 32);
  else if ((rc = rlpx_random_bytes(my_nonce, 32))) return rc;
  return ethc_secp256k1_pubkey_create(hs->eph, pub) ? ETHC_ERR_INVALID : ETHC_OK;
}

int rlpx_hs_init_initiator(rlpx_handshake_t *hs, const uint8_t key[32], const uint8_t remote[64], const uint8_t eph[32],
                           const uint8_t nonce[32]) {
  memset(hs, 0, sizeof *hs);
  hs->initiator = true;
  memcpy(hs->remote, remote, 64);
  return init_common(hs, key, eph, nonce, hs->init_nonce);
}

int rlpx_hs_init_recipient(rlpx_handshake_t *hs, const uint8_t key[32], const uint8_t eph[32],
                           const uint8_t nonce[32]) {
  memset(hs, 0, sizeof *hs);
  return init_common(hs, key, eph, nonce, hs->resp_nonce);
}

void rlpx_hs_free(rlpx_handshake_t *hs) {
  bytes_buf_free(&hs->auth);
  bytes_buf_free(&hs->ack);
  OPENSSL_cleanse(hs, sizeof *hs);
}

/* Encrypts body to hs->remote as an EIP-8 packet (prefix || ecies) or a plain one,
 * into dst (replacing it) and appends a copy to out. */
static int seal(rlpx_handshake_t *hs, bool plain, const uint8_t *body, size_t len, bytes_buf_t *dst, bytes_buf_t *out) {
  size_t pre = plain ? 0 : 2, total = pre + len + RLPX_ECIES_OVERHEAD;
  if (total > RLPX_HANDSHAKE_MAX) return ETHC_ERR_LIMIT;
  dst->len = 0;
  if (bytes_buf_reserve(dst, total)) return ETHC_ERR_NOMEM;
  if (!plain) {
    dst->data[0] = (uint8_t)((total - 2) >> 8);
    dst->data[1] = (uint8_t)(total - 2);
  }
  int rc = rlpx_ecies_encrypt(hs->remote, body, len, dst->data, pre, NULL, NULL, dst->data + pre);
  if (rc) return rc;
  dst->len = total;
  return bytes_buf_append(out, dst->data, total);
}

/* EIP-8 padding: 100..299 zero bytes, so the packet is longer than a plain one. */
static int pad(bytes_buf_t *b) {
  uint8_t r[2];
  if (rlpx_random_bytes(r, 2)) return ETHC_ERR_IO;
  size_t n = 100 + ((size_t)r[0] << 8 | r[1]) % 200;
  static const uint8_t zero[300];
  return bytes_buf_append(b, zero, n);
}

int rlpx_hs_make_auth(rlpx_handshake_t *hs, bool plain, bytes_buf_t *out) {
  uint8_t ss[32], msg[32], sig[65], pub[64], ephpub[64];
  int rc = rlpx_ecdh(hs->key, hs->remote, ss);
  if (rc) return rc;
  xor32(ss, hs->init_nonce, msg);
  int recid = 0;
  if (ethc_secp256k1_sign(hs->eph, msg, sig, sig + 32, &recid)) return ETHC_ERR_INVALID;
  sig[64] = (uint8_t)recid;
  if (ethc_secp256k1_pubkey_create(hs->key, pub) || ethc_secp256k1_pubkey_create(hs->eph, ephpub))
    return ETHC_ERR_INVALID;
  bytes_buf_t body = {0};
  if (plain) {
    rc = bytes_buf_reserve(&body, RLPX_AUTH_PLAIN_LEN);
    if (!rc) {
      memcpy(body.data, sig, 65);
      keccak256(ephpub, 64, body.data + 65);
      memcpy(body.data + 97, pub, 64);
      memcpy(body.data + 161, hs->init_nonce, 32);
      body.data[193] = 0;
      body.len = RLPX_AUTH_PLAIN_LEN;
    }
  } else {
    size_t l = rlp_list_begin(&body);
    rc = rlp_put_bytes(&body, sig, 65);
    if (!rc) rc = rlp_put_bytes(&body, pub, 64);
    if (!rc) rc = rlp_put_bytes(&body, hs->init_nonce, 32);
    if (!rc) rc = rlp_put_u64(&body, 4);
    if (!rc) rc = rlp_list_end(&body, l);
    if (!rc) rc = pad(&body);
  }
  if (!rc) rc = seal(hs, plain, body.data, body.len, &hs->auth, out);
  hs->plain = plain;
  bytes_buf_free(&body);
  OPENSSL_cleanse(ss, sizeof ss);
  return rc;
}

int rlpx_hs_make_ack(rlpx_handshake_t *hs, bytes_buf_t *out) {
  uint8_t ephpub[64];
  if (ethc_secp256k1_pubkey_create(hs->eph, ephpub)) return ETHC_ERR_INVALID;
  bytes_buf_t body = {0};
  int rc;
  if (hs->plain) {
    rc = bytes_buf_append(&body, ephpub, 64);
    if (!rc) rc = bytes_buf_append(&body, hs->resp_nonce, 32);
    if (!rc) rc = bytes_buf_push(&body, 0);
  } else {
    size_t l = rlp_list_begin(&body);
    rc = rlp_put_bytes(&body, ephpub, 64);
    if (!rc) rc = rlp_put_bytes(&body, hs->resp_nonce, 32);
    if (!rc) rc = rlp_put_u64(&body, 4);
    if (!rc) rc = rlp_list_end(&body, l);
    if (!rc) rc = pad(&body);
  }
  if (!rc) rc = seal(hs, hs->plain, body.data, body.len, &hs->ack, out);
  bytes_buf_free(&body);
  return rc;
}

/* Reads a packet whose plain form has `plain_len` bytes of body: tries the plain
 * form once, then the EIP-8 one. On success the decrypted body is in *body
 * (malloc'd by bytes_buf) and the packet is copied to dst. */
static int read_packet(rlpx_handshake_t *hs, size_t plain_len, const uint8_t *data, size_t len, size_t *need,
                       bytes_buf_t *dst, bytes_buf_t *body, bool *plain) {
  size_t plain_packet = plain_len + RLPX_ECIES_OVERHEAD;
  *need = 0;
  if (len < plain_packet) {
    *need = plain_packet;
    return ETHC_OK;
  }
  if (bytes_buf_reserve(body, RLPX_HANDSHAKE_MAX)) return ETHC_ERR_NOMEM;
  if (hs->plain_state == 0) {
    if (rlpx_ecies_decrypt(hs->key, data, plain_packet, NULL, 0, body->data) == 0) {
      body->len = plain_len;
      *plain = true;
      dst->len = 0;
      return bytes_buf_append(dst, data, plain_packet);
    }
    hs->plain_state = 1;
  }
  size_t total = ((size_t)data[0] << 8 | data[1]) + 2;
  if (total < plain_packet || total > RLPX_HANDSHAKE_MAX) return ETHC_ERR_LIMIT;
  if (len < total) {
    *need = total;
    return ETHC_OK;
  }
  int rc = rlpx_ecies_decrypt(hs->key, data + 2, total - 2, data, 2, body->data);
  if (rc) return rc;
  body->len = total - 2 - RLPX_ECIES_OVERHEAD;
  *plain = false;
  dst->len = 0;
  return bytes_buf_append(dst, data, total);
}

/* The first n items of an EIP-8 body (an RLP list followed by padding; extra
 * list items are ignored). */
static int eip8_items(const bytes_buf_t *body, rlp_item_t *items, int n) {
  rlp_item_t list;
  size_t used;
  int rc = rlp_decode_item(body->data, body->len, &list, &used);
  if (rc) return rc;
  if (!list.is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, &list);
  for (int i = 0; i < n; i++) {
    rc = rlp_iter_next(&it, &items[i]);
    if (rc < 0) return -rc;
    if (rc == 0) return ETHC_ERR_RLP_COUNT;
  }
  return ETHC_OK;
}

int rlpx_hs_read_auth(rlpx_handshake_t *hs, const uint8_t *data, size_t len, size_t *need) {
  bytes_buf_t body = {0};
  bool plain = false;
  uint8_t sig[65];
  int rc = read_packet(hs, RLPX_AUTH_PLAIN_LEN, data, len, need, &hs->auth, &body, &plain);
  if (rc || *need) goto done;
  if (plain) {
    memcpy(sig, body.data, 65);
    memcpy(hs->remote, body.data + 97, 64);
    memcpy(hs->init_nonce, body.data + 161, 32);
  } else {
    rlp_item_t it[3];
    if ((rc = eip8_items(&body, it, 3))) goto done;
    if ((rc = rlp_get_fixed(&it[0], sig, 65)) || (rc = rlp_get_fixed(&it[1], hs->remote, 64)) ||
        (rc = rlp_get_fixed(&it[2], hs->init_nonce, 32)))
      goto done;
  }
  hs->plain = plain;
  /* the signature over static-shared-secret ^ nonce gives the remote ephemeral key */
  uint8_t ss[32], msg[32];
  if ((rc = rlpx_ecdh(hs->key, hs->remote, ss))) goto done;
  xor32(ss, hs->init_nonce, msg);
  OPENSSL_cleanse(ss, sizeof ss);
  if (sig[64] > 1 || ethc_secp256k1_recover(msg, sig[64], sig, sig + 32, false, hs->remote_eph)) rc = ETHC_ERR_INVALID;
done:
  bytes_buf_free(&body);
  return rc;
}

int rlpx_hs_read_ack(rlpx_handshake_t *hs, const uint8_t *data, size_t len, size_t *need) {
  bytes_buf_t body = {0};
  bool plain = false;
  int rc = read_packet(hs, RLPX_ACK_PLAIN_LEN, data, len, need, &hs->ack, &body, &plain);
  if (rc || *need) goto done;
  if (plain) {
    memcpy(hs->remote_eph, body.data, 64);
    memcpy(hs->resp_nonce, body.data + 64, 32);
  } else {
    rlp_item_t it[2];
    if ((rc = eip8_items(&body, it, 2))) goto done;
    if ((rc = rlp_get_fixed(&it[0], hs->remote_eph, 64)) || (rc = rlp_get_fixed(&it[1], hs->resp_nonce, 32))) goto done;
  }
  /* the key must be on the curve */
  uint8_t x[32];
  rc = rlpx_ecdh(hs->eph, hs->remote_eph, x);
  OPENSSL_cleanse(x, sizeof x);
done:
  bytes_buf_free(&body);
  return rc;
}

int rlpx_hs_secrets(const rlpx_handshake_t *hs, rlpx_secrets_t *s) {
  uint8_t ek[32], buf[64], h[32], shared[32];
  int rc = rlpx_ecdh(hs->eph, hs->remote_eph, ek);
  if (rc) return rc;
  memcpy(buf, hs->resp_nonce, 32);
  memcpy(buf + 32, hs->init_nonce, 32);
  keccak256(buf, 64, h);
  memcpy(buf, ek, 32);
  memcpy(buf + 32, h, 32);
  keccak256(buf, 64, shared);
  memcpy(buf + 32, shared, 32);
  keccak256(buf, 64, s->aes);
  memcpy(buf + 32, s->aes, 32);
  keccak256(buf, 64, s->mac);
  /* egress of the initiator: (mac ^ recipient-nonce) || auth; the other way: ack */
  keccak256_ctx_t m1, m2;
  xor32(s->mac, hs->resp_nonce, h);
  keccak256_init(&m1);
  keccak256_update(&m1, h, 32);
  keccak256_update(&m1, hs->auth.data, hs->auth.len);
  xor32(s->mac, hs->init_nonce, h);
  keccak256_init(&m2);
  keccak256_update(&m2, h, 32);
  keccak256_update(&m2, hs->ack.data, hs->ack.len);
  s->egress = hs->initiator ? m1 : m2;
  s->ingress = hs->initiator ? m2 : m1;
  memcpy(s->remote, hs->remote, 64);
  OPENSSL_cleanse(ek, sizeof ek);
  OPENSSL_cleanse(buf, sizeof buf);
  OPENSSL_cleanse(shared, sizeof shared);
  return ETHC_OK;
}
