/* Ethereum Node Records, "v4" identity scheme (devp2p enr.md, EIP-778): signing,
 * decoding with verification, and the "enr:" base64url text form (RFC 4648 §5,
 * no padding). Also the compressed-key helpers over libsecp256k1. */
#include "ethc/p2p_enr.h"

#include <secp256k1.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"

int p2p_pubkey_compress(const uint8_t pubkey[64], uint8_t out[33]) {
  uint8_t full[65] = {0x04};
  memcpy(full + 1, pubkey, 64);
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, full, 65)) return ETHC_ERR_INVALID;
  size_t n = 33;
  secp256k1_ec_pubkey_serialize(secp256k1_context_static, out, &n, &pk, SECP256K1_EC_COMPRESSED);
  return 0;
}

int p2p_pubkey_decompress(const uint8_t in[33], uint8_t pubkey[64]) {
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, in, 33)) return ETHC_ERR_INVALID;
  uint8_t full[65];
  size_t n = 65;
  secp256k1_ec_pubkey_serialize(secp256k1_context_static, full, &n, &pk, SECP256K1_EC_UNCOMPRESSED);
  memcpy(pubkey, full + 1, 64);
  return 0;
}

bool p2p_pubkey_valid(const uint8_t pubkey[64]) {
  uint8_t c[33];
  return p2p_pubkey_compress(pubkey, c) == 0;
}

void p2p_node_id(const uint8_t pubkey[64], uint8_t id[32]) { keccak256_64(pubkey, id); }

/* ---- signing ---- */

static int put_str(bytes_buf_t *b, const char *s) { return rlp_put_bytes(b, (const uint8_t *)s, strlen(s)); }

static int put_port(bytes_buf_t *b, const char *key, uint16_t port) {
  if (!port) return 0;
  return put_str(b, key) || rlp_put_u64(b, port);
}

int enr_sign(const uint8_t seckey[32], uint64_t seq, const enr_fields_t *f, enr_t *out) {
  uint8_t pub[64], comp[33];
  if (ethc_secp256k1_pubkey_create(seckey, pub) || p2p_pubkey_compress(pub, comp)) return ETHC_ERR_INVALID;
  /* content = [seq, k, v, ...], keys in byte order: eth id ip ip6 secp256k1 tcp tcp6 udp udp6 */
  bytes_buf_t c = {0};
  size_t l = rlp_list_begin(&c);
  int rc = rlp_put_u64(&c, seq);
  if (!rc && f && f->eth) rc = put_str(&c, "eth") || rlp_put_raw(&c, f->eth, f->eth_len);
  if (!rc) rc = put_str(&c, "id") || put_str(&c, "v4");
  if (!rc && f && f->ip) rc = put_str(&c, "ip") || rlp_put_bytes(&c, f->ip, 4);
  if (!rc && f && f->ip6) rc = put_str(&c, "ip6") || rlp_put_bytes(&c, f->ip6, 16);
  if (!rc) rc = put_str(&c, "secp256k1") || rlp_put_bytes(&c, comp, 33);
  if (!rc && f)
    rc = put_port(&c, "tcp", f->tcp) || put_port(&c, "tcp6", f->tcp6) || put_port(&c, "udp", f->udp) ||
         put_port(&c, "udp6", f->udp6);
  if (!rc) rc = rlp_list_end(&c, l);
  if (rc) return bytes_buf_free(&c), ETHC_ERR_NOMEM;
  uint8_t hash[32], sig[64];
  int recid;
  keccak256(c.data, c.len, hash);
  if (ethc_secp256k1_sign(seckey, hash, sig, sig + 32, &recid)) return bytes_buf_free(&c), ETHC_ERR_INVALID;
  rlp_item_t content;
  rlp_decode(c.data, c.len, &content);
  bytes_buf_t r = {0};
  l = rlp_list_begin(&r);
  rc = rlp_put_bytes(&r, sig, 64) || bytes_buf_append(&r, content.payload, content.payload_len) || rlp_list_end(&r, l);
  bytes_buf_free(&c);
  if (rc) return bytes_buf_free(&r), ETHC_ERR_NOMEM;
  if (r.len > ENR_MAX_SIZE) return bytes_buf_free(&r), ETHC_ERR_LIMIT;
  rc = enr_decode(r.data, r.len, out);
  bytes_buf_free(&r);
  return rc;
}

/* ---- decoding ---- */

static bool key_is(const rlp_item_t *k, const char *s) {
  return k->payload_len == strlen(s) && !memcmp(k->payload, s, k->payload_len);
}

/* A port value: 0 when it is not a 16-bit integer (treated as absent). */
static uint16_t get_port(const rlp_item_t *v) {
  uint64_t p;
  return rlp_get_u64(v, &p) || p > 65535 ? 0 : (uint16_t)p;
}

int enr_decode(const uint8_t *data, size_t len, enr_t *out) {
  if (len > ENR_MAX_SIZE) return ETHC_ERR_LIMIT;
  memset(out, 0, sizeof *out);
  memcpy(out->raw, data, len);
  out->raw_len = len;
  rlp_item_t list, sig, seq, k, v;
  int rc = rlp_decode_strict(out->raw, len, &list);
  if (rc) return rc;
  if (!list.is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, &list);
  if (rlp_iter_next(&it, &sig) != 1 || rlp_iter_next(&it, &seq) != 1) return ETHC_ERR_RLP_COUNT;
  if (sig.is_list || sig.payload_len != 64) return ETHC_ERR_RLP_SIZE;
  if ((rc = rlp_get_u64(&seq, &out->seq))) return rc;
  const rlp_item_t *prev = NULL;
  rlp_item_t prev_key;
  bool v4 = false, have_key = false;
  uint8_t comp[33];
  for (;;) {
    int n = rlp_iter_next(&it, &k);
    if (n < 0) return -n;
    if (n == 0) break;
    if (rlp_iter_next(&it, &v) != 1) return ETHC_ERR_RLP_COUNT; /* a key without a value */
    if (k.is_list) return ETHC_ERR_RLP_TYPE;
    if (prev) { /* strictly ascending byte order: sorted and unique */
      size_t m = prev_key.payload_len < k.payload_len ? prev_key.payload_len : k.payload_len;
      int c = memcmp(prev_key.payload, k.payload, m);
      if (c > 0 || (c == 0 && prev_key.payload_len >= k.payload_len)) return ETHC_ERR_INVALID;
    }
    prev_key = k, prev = &prev_key;
    if (key_is(&k, "id")) {
      if (v.is_list || !key_is(&v, "v4")) return ETHC_ERR_UNSUPPORTED;
      v4 = true;
    } else if (key_is(&k, "secp256k1")) {
      if (v.is_list || v.payload_len != 33) return ETHC_ERR_RLP_SIZE;
      memcpy(comp, v.payload, 33);
      have_key = true;
    } else if (key_is(&k, "ip")) {
      if (!v.is_list && v.payload_len == 4) out->has_ip = true, memcpy(out->ip, v.payload, 4);
    } else if (key_is(&k, "ip6")) {
      if (!v.is_list && v.payload_len == 16) out->has_ip6 = true, memcpy(out->ip6, v.payload, 16);
    } else if (key_is(&k, "udp")) {
      out->udp = get_port(&v);
    } else if (key_is(&k, "tcp")) {
      out->tcp = get_port(&v);
    } else if (key_is(&k, "udp6")) {
      out->udp6 = get_port(&v);
    } else if (key_is(&k, "tcp6")) {
      out->tcp6 = get_port(&v);
    } else if (key_is(&k, "eth")) {
      out->eth_off = (size_t)(v.raw - out->raw), out->eth_len = v.raw_len;
    }
  }
  if (!v4) return ETHC_ERR_UNSUPPORTED;
  if (!have_key || p2p_pubkey_decompress(comp, out->pubkey)) return ETHC_ERR_INVALID;
  /* content = [seq, k, v, ...]: the list's payload after the signature */
  size_t off = (size_t)(seq.raw - list.payload), plen = list.payload_len - off;
  bytes_buf_t c = {0};
  if (rlp_put_header(&c, true, plen) || bytes_buf_append(&c, seq.raw, plen)) return bytes_buf_free(&c), ETHC_ERR_NOMEM;
  uint8_t hash[32], pk[64];
  keccak256(c.data, c.len, hash);
  bytes_buf_free(&c);
  bool ok = false;
  for (int recid = 0; recid < 2 && !ok; recid++)
    ok = !ethc_secp256k1_recover(hash, recid, sig.payload, sig.payload + 32, true, pk) && !memcmp(pk, out->pubkey, 64);
  if (!ok) return ETHC_ERR_TX_SIGNATURE;
  p2p_node_id(out->pubkey, out->id);
  return 0;
}

/* ---- text form ---- */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t enr_to_text(const enr_t *e, char *out, size_t cap) {
  size_t need = 4 + (e->raw_len * 4 + 2) / 3 + 1;
  if (cap < need) return 0;
  memcpy(out, "enr:", 4);
  size_t o = 4;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < e->raw_len; i++) {
    acc = acc << 8 | e->raw[i], bits += 8;
    while (bits >= 6) out[o++] = b64url[(acc >> (bits - 6)) & 63], bits -= 6;
  }
  if (bits) out[o++] = b64url[(acc << (6 - bits)) & 63];
  out[o] = 0;
  return o;
}

int enr_from_text(const char *text, enr_t *out) {
  if (strncmp(text, "enr:", 4)) return ETHC_ERR_INVALID;
  uint8_t raw[ENR_MAX_SIZE];
  size_t n = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (const char *p = text + 4; *p; p++) {
    const char *q = strchr(b64url, *p);
    if (!q || !*p) return ETHC_ERR_INVALID;
    acc = acc << 6 | (uint32_t)(q - b64url), bits += 6;
    if (bits >= 8) {
      if (n == sizeof raw) return ETHC_ERR_LIMIT;
      raw[n++] = (uint8_t)(acc >> (bits - 8)), bits -= 8;
    }
  }
  if (bits >= 6 || (acc & ((1u << bits) - 1))) return ETHC_ERR_INVALID; /* a dangling or non-zero tail */
  return enr_decode(raw, n, out);
}

/* ---- the "eth" entry ---- */

int enr_eth_entry_encode(const forkid_t *id, bytes_buf_t *out) {
  size_t l = rlp_list_begin(out);
  int rc = forkid_encode(id, out);
  return rc ? rc : rlp_list_end(out, l);
}

int enr_eth_forkid(const enr_t *e, forkid_t *out) {
  if (!e->eth_len || e->eth_off + e->eth_len > e->raw_len) return ETHC_ERR_NOT_FOUND;
  rlp_item_t v, first;
  int rc = rlp_decode_strict(e->raw + e->eth_off, e->eth_len, &v);
  if (rc) return rc;
  if (!v.is_list) return ETHC_ERR_RLP_TYPE;
  rlp_iter_t it;
  rlp_iter_init(&it, &v);
  if (rlp_iter_next(&it, &first) != 1) return ETHC_ERR_RLP_COUNT;
  return forkid_decode_item(&first, out);
}
