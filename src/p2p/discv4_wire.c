/* discv4 packets (devp2p discv4.md "Wire Protocol", EIP-8, EIP-868):
 * packet = keccak256(signature || type || data) || signature (r, s, v) || type || data,
 * the signature over keccak256(type || data). Decoding ignores extra list
 * elements and anything after the data's list, as EIP-8 asks. */
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/p2p_discv4.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"

bool discv4_expired(uint64_t expiration, uint64_t now) { return (int64_t)expiration < (int64_t)now; }

/* ---- decoding ---- */

static int get_port(const rlp_item_t *it, uint16_t *out) {
  uint64_t v;
  int rc = rlp_get_u64(it, &v);
  if (rc) return rc;
  if (v > 65535) return ETHC_ERR_OVERFLOW;
  *out = (uint16_t)v;
  return 0;
}

static void set_ip(discv4_endpoint_t *e, const rlp_item_t *ip) {
  memset(e->ip, 0, 16);
  e->ip_len = 0;
  if (ip->is_list) return;
  if (ip->payload_len == 4) p2p_ip_from4(e->ip, ip->payload), e->ip_len = 4;
  else if (ip->payload_len == 16) /* ::ffff:a.b.c.d is the IPv4 address it maps */
    memcpy(e->ip, ip->payload, 16), e->ip_len = p2p_ip_is4(e->ip) ? 4 : 16;
}

/* [ip, udp, tcp, ...] */
static int get_endpoint(const rlp_item_t *it, discv4_endpoint_t *e) {
  if (!it->is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t i;
  rlp_item_t ip, udp, tcp;
  rlp_iter_init(&i, it);
  if (rlp_iter_next(&i, &ip) != 1 || rlp_iter_next(&i, &udp) != 1 || rlp_iter_next(&i, &tcp) != 1)
    return ETHC_ERR_RLP_COUNT;
  set_ip(e, &ip);
  return get_port(&udp, &e->udp) ? ETHC_ERR_RLP_TYPE : get_port(&tcp, &e->tcp) ? ETHC_ERR_RLP_TYPE : 0;
}

/* The first n items of list into v; more are ignored. */
static int take(const rlp_item_t *list, rlp_item_t *v, size_t n, size_t *got) {
  rlp_iter_t it;
  rlp_iter_init(&it, list);
  size_t k = 0;
  while (k < n) {
    int r = rlp_iter_next(&it, &v[k]);
    if (r < 0) return -r;
    if (r == 0) break;
    k++;
  }
  *got = k;
  return 0;
}

static int decode_neighbors(const rlp_item_t *list, discv4_packet_t *p) {
  if (!list->is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_item_t n;
  rlp_iter_init(&it, list);
  p->node_count = 0;
  for (;;) {
    int r = rlp_iter_next(&it, &n);
    if (r < 0) return -r;
    if (r == 0) return 0;
    rlp_item_t f[4];
    size_t got;
    if (!n.is_list) return ETHC_ERR_RLP_TYPE;
    if ((r = take(&n, f, 4, &got))) return r;
    if (got < 4) return ETHC_ERR_RLP_COUNT;
    if (p->node_count == DISCV4_MAX_NEIGHBORS) continue; /* more cannot fit a packet anyway */
    discv4_endpoint_t *e = &p->nodes[p->node_count].ep;
    set_ip(e, &f[0]);
    if (get_port(&f[1], &e->udp) || get_port(&f[2], &e->tcp)) return ETHC_ERR_RLP_TYPE;
    if (rlp_get_fixed(&f[3], p->nodes[p->node_count].pubkey, 64)) return ETHC_ERR_RLP_SIZE;
    p->node_count++;
  }
}

int discv4_decode(const uint8_t *buf, size_t len, discv4_packet_t *p) {
  memset(p, 0, sizeof *p);
  if (len < DISCV4_HEADER + 1) return ETHC_ERR_RLP_TRUNCATED;
  if (len > DISCV4_MAX_PACKET) return ETHC_ERR_LIMIT;
  uint8_t h[32];
  keccak256(buf + 32, len - 32, h);
  if (memcmp(h, buf, 32)) return ETHC_ERR_INVALID;
  memcpy(p->hash, h, 32);
  const uint8_t *sig = buf + 32;
  if (sig[64] > 1) return ETHC_ERR_TX_SIGNATURE;
  keccak256(buf + 97, len - 97, h);
  if (ethc_secp256k1_recover(h, sig[64], sig, sig + 32, false, p->sender)) return ETHC_ERR_TX_SIGNATURE;
  p->type = buf[97];
  if (p->type < DISCV4_PING || p->type > DISCV4_ENRRESPONSE) return ETHC_ERR_UNSUPPORTED;
  rlp_item_t data, f[5];
  size_t got;
  int rc = rlp_decode_item(buf + DISCV4_HEADER, len - DISCV4_HEADER, &data, NULL); /* trailing data ignored */
  if (rc) return rc;
  if (!data.is_list) return ETHC_ERR_RLP_TYPE;
  if ((rc = take(&data, f, 5, &got))) return rc;
  switch (p->type) {
    case DISCV4_PING:
      if (got < 4) return ETHC_ERR_RLP_COUNT;
      if ((rc = rlp_get_u64(&f[0], &p->version)) || (rc = get_endpoint(&f[1], &p->from)) ||
          (rc = get_endpoint(&f[2], &p->to)) || (rc = rlp_get_u64(&f[3], &p->expiration)))
        return rc;
      /* EIP-868's enr-seq; anything else in its place is an ignored extra element */
      if (got > 4 && !rlp_get_u64(&f[4], &p->enr_seq)) p->has_enr_seq = true;
      return 0;
    case DISCV4_PONG:
      if (got < 3) return ETHC_ERR_RLP_COUNT;
      if ((rc = get_endpoint(&f[0], &p->to)) || (rc = rlp_get_fixed(&f[1], p->reply, 32)) ||
          (rc = rlp_get_u64(&f[2], &p->expiration)))
        return rc;
      if (got > 3 && !rlp_get_u64(&f[3], &p->enr_seq)) p->has_enr_seq = true;
      return 0;
    case DISCV4_FINDNODE:
      if (got < 2) return ETHC_ERR_RLP_COUNT;
      if ((rc = rlp_get_fixed(&f[0], p->target, 64))) return rc;
      return rlp_get_u64(&f[1], &p->expiration);
    case DISCV4_NEIGHBORS:
      if (got < 2) return ETHC_ERR_RLP_COUNT;
      if ((rc = decode_neighbors(&f[0], p))) return rc;
      return rlp_get_u64(&f[1], &p->expiration);
    case DISCV4_ENRREQUEST:
      if (got < 1) return ETHC_ERR_RLP_COUNT;
      return rlp_get_u64(&f[0], &p->expiration);
    default: /* DISCV4_ENRRESPONSE */
      if (got < 2) return ETHC_ERR_RLP_COUNT;
      if ((rc = rlp_get_fixed(&f[0], p->reply, 32))) return rc;
      p->enr_ok = enr_decode(f[1].raw, f[1].raw_len, &p->enr) == 0;
      return 0;
  }
}

/* ---- encoding ---- */

static int put_ip(bytes_buf_t *b, const discv4_endpoint_t *e) {
  if (e->ip_len == 0) return rlp_put_bytes(b, NULL, 0);
  if (p2p_ip_is4(e->ip)) return rlp_put_bytes(b, e->ip + 12, 4);
  return rlp_put_bytes(b, e->ip, 16);
}

static int put_endpoint(bytes_buf_t *b, const discv4_endpoint_t *e) {
  size_t l = rlp_list_begin(b);
  return put_ip(b, e) || rlp_put_u64(b, e->udp) || rlp_put_u64(b, e->tcp) || rlp_list_end(b, l);
}

static int put_data(bytes_buf_t *b, const discv4_packet_t *p) {
  size_t l = rlp_list_begin(b);
  int rc = 0;
  switch (p->type) {
    case DISCV4_PING:
      rc = rlp_put_u64(b, p->version ? p->version : 4) || put_endpoint(b, &p->from) || put_endpoint(b, &p->to) ||
           rlp_put_u64(b, p->expiration) || (p->has_enr_seq && rlp_put_u64(b, p->enr_seq));
      break;
    case DISCV4_PONG:
      rc = put_endpoint(b, &p->to) || rlp_put_bytes(b, p->reply, 32) || rlp_put_u64(b, p->expiration) ||
           (p->has_enr_seq && rlp_put_u64(b, p->enr_seq));
      break;
    case DISCV4_FINDNODE: rc = rlp_put_bytes(b, p->target, 64) || rlp_put_u64(b, p->expiration); break;
    case DISCV4_NEIGHBORS: {
      size_t nl = rlp_list_begin(b);
      for (size_t i = 0; i < p->node_count && !rc; i++) {
        size_t el = rlp_list_begin(b);
        rc = put_ip(b, &p->nodes[i].ep) || rlp_put_u64(b, p->nodes[i].ep.udp) || rlp_put_u64(b, p->nodes[i].ep.tcp) ||
             rlp_put_bytes(b, p->nodes[i].pubkey, 64) || rlp_list_end(b, el);
      }
      rc = rc || rlp_list_end(b, nl) || rlp_put_u64(b, p->expiration);
      break;
    }
    case DISCV4_ENRREQUEST: rc = rlp_put_u64(b, p->expiration); break;
    case DISCV4_ENRRESPONSE: rc = rlp_put_bytes(b, p->reply, 32) || rlp_put_raw(b, p->enr.raw, p->enr.raw_len); break;
    default: return ETHC_ERR_INVALID;
  }
  return rc || rlp_list_end(b, l);
}

size_t discv4_encode(const uint8_t key[32], discv4_packet_t *p, uint8_t *out) {
  bytes_buf_t b = {0};
  if (bytes_buf_push(&b, p->type) || put_data(&b, p) || b.len + 97 > DISCV4_MAX_PACKET) {
    bytes_buf_free(&b);
    return 0;
  }
  uint8_t h[32];
  int recid;
  keccak256(b.data, b.len, h);
  if (ethc_secp256k1_sign(key, h, out + 32, out + 64, &recid)) {
    bytes_buf_free(&b);
    return 0;
  }
  out[96] = (uint8_t)recid;
  memcpy(out + 97, b.data, b.len);
  size_t len = 97 + b.len;
  bytes_buf_free(&b);
  keccak256(out + 32, len - 32, out);
  memcpy(p->hash, out, 32);
  return len;
}
