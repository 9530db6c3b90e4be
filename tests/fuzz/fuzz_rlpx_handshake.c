/* libFuzzer harness for the RLPx handshake decoders (rlpx.md, EIP-8): the first
 * byte picks auth or ack and whether the rest is a raw packet (as a peer would
 * send it, fed in growing prefixes as a socket delivers it) or a body that is
 * first ECIES-encrypted to our key (EIP-8 with its size prefix, or the pre-EIP-8
 * form when it has the plain length) so the RLP and key parsing behind the MAC is
 * reached. Nothing may crash, and a "need" is always more than was given. */
#include <string.h>

#include "ethc/secp256k1.h"
#include "fuzz_input.h"
#include "p2p/rlpx_codec.h"

static const uint8_t KEY[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t PEER[32] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
                                 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 7};

static int read_pkt(rlpx_handshake_t *hs, bool ack, const uint8_t *p, size_t len, size_t *need) {
  return ack ? rlpx_hs_read_ack(hs, p, len, need) : rlpx_hs_read_auth(hs, p, len, need);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  data++, size--;
  bool ack = mode & 1, wrap = mode & 2;
  uint8_t me[64];
  must(ethc_secp256k1_pubkey_create(KEY, me) == 0);
  rlpx_handshake_t hs;
  /* an initiator reads acks with KEY; a recipient reads auths with KEY */
  if (ack) must(rlpx_hs_init_initiator(&hs, KEY, me, PEER, PEER) == 0);
  else must(rlpx_hs_init_recipient(&hs, KEY, PEER, PEER) == 0);
  static uint8_t pkt[RLPX_HANDSHAKE_MAX + 16];
  const uint8_t *p = data;
  size_t len = size;
  if (wrap) {
    if (size + RLPX_ECIES_OVERHEAD + 2 > sizeof pkt) goto out;
    size_t plain = ack ? RLPX_ACK_PLAIN_LEN : RLPX_AUTH_PLAIN_LEN;
    static const uint8_t iv[16];
    if (size == plain) {
      must(rlpx_ecies_encrypt(me, data, size, NULL, 0, PEER, iv, pkt) == 0);
      len = size + RLPX_ECIES_OVERHEAD;
    } else {
      size_t n = size + RLPX_ECIES_OVERHEAD;
      pkt[0] = (uint8_t)(n >> 8), pkt[1] = (uint8_t)n;
      must(rlpx_ecies_encrypt(me, data, size, pkt, 2, PEER, iv, pkt + 2) == 0);
      len = n + 2;
    }
    p = pkt;
  }
  size_t have = len < 10 ? len : 10, need = 0;
  for (int i = 0; i < 4; i++) {
    int rc = read_pkt(&hs, ack, p, have, &need);
    if (rc) break;
    if (need == 0) { /* done: the packet was kept whole, and secrets derive */
      must((ack ? hs.ack.len : hs.auth.len) <= have);
      if (!ack) {
        bytes_buf_t out = {0};
        must(rlpx_hs_make_ack(&hs, &out) == 0);
        bytes_buf_free(&out);
      }
      rlpx_secrets_t s;
      (void)rlpx_hs_secrets(&hs, &s);
      break;
    }
    must(need > have);
    if (need > len) break;
    have = need;
  }
out:
  rlpx_hs_free(&hs);
  return 0;
}
