/* The RLPx transport's codecs without any I/O (ethereum/devp2p rlpx.md, EIP-8,
 * EIP-706): ECIES, the auth/ack handshake in the EIP-8 and the pre-EIP-8 formats,
 * the session secrets, frame encryption with its Keccak MACs, and the Snappy
 * limits. The connection (rlpx_conn.c) drives them; unit tests and fuzzers use
 * them directly. Nothing here is thread-safe per object; distinct objects may be
 * used from distinct threads. */
#ifndef ETHC_P2P_RLPX_CODEC_H
#define ETHC_P2P_RLPX_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/keccak.h"

/* ---- ECIES (rlpx.md "ECIES Encryption") ---- */

/* R (65) || iv (16) || ... || d (32). */
#define RLPX_ECIES_OVERHEAD 113

/* ecdh.agree: the x coordinate of seckey * pubkey (not hashed). 0, or
 * ETHC_ERR_INVALID for a public key off the curve or a bad secret key. */
int rlpx_ecdh(const uint8_t seckey[32], const uint8_t pubkey[64], uint8_t out[32]);
/* A fresh random secret key (OpenSSL RAND_bytes). 0 or ETHC_ERR_IO. */
int rlpx_random_key(uint8_t seckey[32]);
int rlpx_random_bytes(uint8_t *out, size_t n);

/* Encrypts msg to `pub`: out (len + RLPX_ECIES_OVERHEAD bytes) = R || iv || c || d,
 * with `auth` (may be NULL/0) written to the HMAC after iv || c. `eph` and `iv`
 * fix the ephemeral key and IV for tests; NULL draws them at random. */
int rlpx_ecies_encrypt(const uint8_t pub[64], const uint8_t *msg, size_t len, const uint8_t *auth, size_t auth_len,
                       const uint8_t eph[32], const uint8_t iv[16], uint8_t *out);
/* Decrypts ct (len >= RLPX_ECIES_OVERHEAD) with seckey into out (len -
 * RLPX_ECIES_OVERHEAD bytes). The MAC is checked before anything is decrypted:
 * ETHC_ERR_INVALID for a bad MAC or R, ETHC_ERR_RLP_TRUNCATED for a short input. */
int rlpx_ecies_decrypt(const uint8_t seckey[32], const uint8_t *ct, size_t len, const uint8_t *auth, size_t auth_len,
                       uint8_t *out);

/* ---- the handshake (rlpx.md "Initial Handshake", EIP-8) ---- */

#define RLPX_AUTH_PLAIN_LEN 194 /* sig || keccak(eph-pub) || pub || nonce || 0 */
#define RLPX_ACK_PLAIN_LEN 97   /* eph-pub || nonce || 0 */
#define RLPX_AUTH_PLAIN_PACKET (RLPX_AUTH_PLAIN_LEN + RLPX_ECIES_OVERHEAD) /* 307 */
#define RLPX_ACK_PLAIN_PACKET (RLPX_ACK_PLAIN_LEN + RLPX_ECIES_OVERHEAD)   /* 210 */
#define RLPX_HANDSHAKE_MAX 2048                                            /* the largest auth or ack packet accepted */

typedef struct {
  bool initiator;
  uint8_t key[32];    /* our static secret key */
  uint8_t remote[64]; /* the peer's static public key (node id) */
  uint8_t eph[32];    /* our ephemeral secret key */
  uint8_t remote_eph[64];
  uint8_t init_nonce[32], resp_nonce[32];
  bool plain;            /* the auth was pre-EIP-8 (the ack answers in kind) */
  int plain_state;       /* reading: 0 untried, 1 plain failed (EIP-8 expected) */
  bytes_buf_t auth, ack; /* the packets as sent or received, prefix included */
} rlpx_handshake_t;

/* Both set up a handshake; eph and nonce fix the random values for tests (NULL
 * draws them). Free with rlpx_hs_free. 0, ETHC_ERR_INVALID or ETHC_ERR_IO. */
int rlpx_hs_init_initiator(rlpx_handshake_t *hs, const uint8_t key[32], const uint8_t remote[64], const uint8_t eph[32],
                           const uint8_t nonce[32]);
int rlpx_hs_init_recipient(rlpx_handshake_t *hs, const uint8_t key[32], const uint8_t eph[32], const uint8_t nonce[32]);
void rlpx_hs_free(rlpx_handshake_t *hs);

/* The initiator's auth packet (EIP-8 with 100..299 bytes of padding, or the
 * pre-EIP-8 form when `plain`), kept in hs->auth and appended to out. */
int rlpx_hs_make_auth(rlpx_handshake_t *hs, bool plain, bytes_buf_t *out);
/* The recipient reads the auth from the first `len` received bytes. Returns 0
 * with *need == 0 when the packet is complete (it was hs->auth.len bytes long),
 * 0 with *need > len when at least *need bytes are needed, or an error: ETHC_ERR_INVALID (cannot be decrypted, bad signature or
 * key), ETHC_ERR_RLP_* (bad body), ETHC_ERR_LIMIT (size prefix out of range). */
int rlpx_hs_read_auth(rlpx_handshake_t *hs, const uint8_t *data, size_t len, size_t *need);
/* The recipient's ack, in the auth's format; kept in hs->ack and appended to out. */
int rlpx_hs_make_ack(rlpx_handshake_t *hs, bytes_buf_t *out);
/* The initiator reads the ack: as rlpx_hs_read_auth. */
int rlpx_hs_read_ack(rlpx_handshake_t *hs, const uint8_t *data, size_t len, size_t *need);

typedef struct {
  uint8_t aes[32], mac[32];
  keccak256_ctx_t egress, ingress;
  uint8_t remote[64];
} rlpx_secrets_t;
/* The session secrets once both packets are known. 0 or ETHC_ERR_INVALID. */
int rlpx_hs_secrets(const rlpx_handshake_t *hs, rlpx_secrets_t *s);

/* ---- frames (rlpx.md "Framing", "MAC") ---- */

/* The largest frame-size (24 bits allow 16 MiB - 1) and uncompressed message. */
#define RLPX_MAX_MSG (16u << 20)

typedef struct rlpx_frame rlpx_frame_t;
/* A frame codec from the secrets (AES-256-CTR with a zero IV both ways, the MAC
 * cipher AES-256 of mac-secret). NULL when out of memory. */
rlpx_frame_t *rlpx_frame_new(const rlpx_secrets_t *s);
void rlpx_frame_free(rlpx_frame_t *f);
/* Lower limit on a frame's size (default RLPX_MAX_MSG - 1), for tests. */
void rlpx_frame_set_max(rlpx_frame_t *f, size_t max);
/* Appends one frame carrying `data` (msg-id || msg-data) to out. ETHC_ERR_LIMIT
 * when data is longer than 2^24 - 1 bytes. */
int rlpx_frame_write(rlpx_frame_t *f, const uint8_t *data, size_t len, bytes_buf_t *out);
/* Reads from the received bytes [data, data+len): *used says how many were taken
 * (a header, or a whole body with its MAC, or 0 when more are needed); when a
 * frame is complete *msg points to its frame-data (valid until the next call)
 * and the return is 1. Otherwise 0, or an error: ETHC_ERR_INVALID for a bad
 * header or frame MAC, ETHC_ERR_LIMIT for a frame over the limit. After an error
 * the codec is unusable. */
int rlpx_frame_read(rlpx_frame_t *f, const uint8_t *data, size_t len, size_t *used, bytes_view_t *msg);
/* Why the last rlpx_frame_read failed ("bad header MAC", ...). */
const char *rlpx_frame_error(const rlpx_frame_t *f);

/* ---- Snappy (EIP-706) ---- */

/* Compresses into out (replacing its contents). 0 or ETHC_ERR_NOMEM. */
int rlpx_snappy_compress(const uint8_t *data, size_t len, bytes_buf_t *out);
/* Decompresses into out, checking the length header against `max` before
 * decompressing: ETHC_ERR_LIMIT when larger, ETHC_ERR_INVALID for bad data. */
int rlpx_snappy_decompress(const uint8_t *data, size_t len, size_t max, bytes_buf_t *out);

#endif
