/* libFuzzer harness for the discv4 packet decoder (devp2p discv4.md, EIP-8). The
 * first input byte picks the mode: even, the rest is a whole datagram (hash and
 * signature checks on the attack surface as it is); odd, the rest is a packet
 * type and RLP data that the harness hashes and signs with a fixed key, so that
 * the fuzzer reaches the per-type decoders. A decoded packet encodes again (when
 * it fits) and decodes to the same fields, endpoint addresses included (an
 * IPv4-mapped IPv6 address decodes as IPv4 and stays so). */
#include <string.h>

#include "ethc/keccak.h"
#include "ethc/p2p_discv4.h"
#include "ethc/secp256k1.h"
#include "fuzz_input.h"

static const uint8_t key[32] = {0xb7, 0x1c, 0x71, 0xa6, 0x7e, 0x11, 0x77, 0xad, 0x4e, 0x90, 0x16,
                                0x95, 0xe1, 0xb4, 0xb9, 0xee, 0x17, 0xae, 0x16, 0xc6, 0x66, 0x8d,
                                0x31, 0x3e, 0xac, 0x2f, 0x96, 0xdb, 0xcd, 0xa3, 0xf2, 0x91};
static discv4_packet_t p, q;

/* hash || signature || body, the signature over keccak256(body). */
static size_t wrap(const uint8_t *body, size_t n, uint8_t *out) {
  uint8_t h[32];
  int recid;
  keccak256(body, n, h);
  if (ethc_secp256k1_sign(key, h, out + 32, out + 64, &recid)) return 0;
  out[96] = (uint8_t)recid;
  memcpy(out + 97, body, n);
  keccak256(out + 32, n + 65, out);
  return n + 97;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 2 * DISCV4_MAX_PACKET) return 0;
  static uint8_t buf[2 * DISCV4_MAX_PACKET + 128];
  size_t n = size - 1;
  const uint8_t *pkt = data + 1;
  if (data[0] & 1) {
    if (n == 0 || n + 97 > sizeof buf) return 0;
    n = wrap(data + 1, n, buf);
    pkt = buf;
  }
  if (discv4_decode(pkt, n, &p)) return 0;
  must(p.type >= DISCV4_PING && p.type <= DISCV4_ENRRESPONSE && p.node_count <= DISCV4_MAX_NEIGHBORS);
  /* an endpoint's ip_len says its family: IPv4-mapped IPv6 addresses are IPv4 */
  for (size_t i = 0; i < p.node_count; i++)
    must(!p.nodes[i].ep.ip_len || (p.nodes[i].ep.ip_len == 4) == p2p_ip_is4(p.nodes[i].ep.ip));
  must(!p.from.ip_len || (p.from.ip_len == 4) == p2p_ip_is4(p.from.ip));
  must(!p.to.ip_len || (p.to.ip_len == 4) == p2p_ip_is4(p.to.ip));
  if (p.type == DISCV4_ENRRESPONSE && !p.enr_ok) return 0;
  uint8_t out[DISCV4_MAX_PACKET];
  discv4_packet_t enc = p;
  size_t len = discv4_encode(key, &enc, out);
  if (!len) return 0; /* e.g. 16 IPv6 neighbours do not fit one datagram */
  must(discv4_decode(out, len, &q) == 0);
  must(q.type == p.type && q.expiration == p.expiration && q.node_count == p.node_count);
  must(!memcmp(q.target, p.target, 64) && !memcmp(q.reply, p.reply, 32));
  must(q.has_enr_seq == p.has_enr_seq && q.enr_seq == p.enr_seq);
  for (size_t i = 0; i < p.node_count; i++)
    must(!memcmp(q.nodes[i].pubkey, p.nodes[i].pubkey, 64) && q.nodes[i].ep.ip_len == p.nodes[i].ep.ip_len &&
         (!p.nodes[i].ep.ip_len || !memcmp(q.nodes[i].ep.ip, p.nodes[i].ep.ip, 16)));
  if (p.type == DISCV4_PING)
    must(q.from.udp == p.from.udp && q.to.tcp == p.to.tcp && q.from.ip_len == p.from.ip_len &&
         !memcmp(q.from.ip, p.from.ip, 16) && q.to.ip_len == p.to.ip_len && !memcmp(q.to.ip, p.to.ip, 16));
  return 0;
}
