/* EIP-1459 DNS node lists: the record parser and checks (p2p_dnsdisc.h).
 * Base32 is RFC 4648's alphabet without padding; base64url is RFC 4648 §5
 * without padding. */
#include <ctype.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/p2p_dnsdisc.h"
#include "ethc/p2p_node.h"
#include "ethc/secp256k1.h"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Decodes n base32 characters (any case) into exactly `want` bytes: leftover
 * bits (fewer than 8) must be zero. 0, or -1. */
static int b32_decode(const char *s, size_t n, uint8_t *out, size_t want) {
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    const char *q = s[i] ? strchr(b32, toupper((unsigned char)s[i])) : NULL;
    if (!q) return -1;
    acc = acc << 5 | (uint32_t)(q - b32), bits += 5;
    if (bits >= 8) {
      if (o == want) return -1;
      out[o++] = (uint8_t)(acc >> (bits - 8)), bits -= 8;
    }
  }
  if (o != want || bits >= 5 || (acc & ((1u << bits) - 1))) return -1;
  return 0;
}

static size_t b32_encode(const uint8_t *in, size_t n, char *out) {
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    acc = acc << 8 | in[i], bits += 8;
    while (bits >= 5) out[o++] = b32[(acc >> (bits - 5)) & 31], bits -= 5;
  }
  if (bits) out[o++] = b32[(acc << (5 - bits)) & 31];
  out[o] = 0;
  return o;
}

static int b64url_decode(const char *s, size_t n, uint8_t *out, size_t want) {
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    const char *q = s[i] ? strchr(b64url, s[i]) : NULL;
    if (!q) return -1;
    acc = acc << 6 | (uint32_t)(q - b64url), bits += 6;
    if (bits >= 8) {
      if (o == want) return -1;
      out[o++] = (uint8_t)(acc >> (bits - 8)), bits -= 8;
    }
  }
  if (o != want || bits >= 6 || (acc & ((1u << bits) - 1))) return -1;
  return 0;
}

/* A valid record name: 26 base32 characters of 16 bytes. */
static bool valid_hash(const char *s, size_t n) {
  uint8_t h[16];
  return n == DNSDISC_HASH_LEN && b32_decode(s, n, h, sizeof h) == 0;
}

void dnsdisc_hash(const char *txt, size_t len, char out[DNSDISC_HASH_LEN + 1]) {
  uint8_t h[32];
  keccak256((const uint8_t *)txt, len, h);
  b32_encode(h, 16, out);
}

bool dnsdisc_hash_matches(const char *hash, const char *txt, size_t len) {
  char want[DNSDISC_HASH_LEN + 1];
  dnsdisc_hash(txt, len, want);
  for (size_t i = 0; i < DNSDISC_HASH_LEN; i++)
    if (toupper((unsigned char)hash[i]) != want[i]) return false;
  return true;
}

/* A domain of letters, digits, '-', '_' and dots, not empty, no empty label. */
static bool valid_domain(const char *s, size_t n) {
  if (!n || n > DNSDISC_DOMAIN_MAX || s[0] == '.' || s[n - 1] == '.') return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '.' && s[i + 1] == '.') return false;
    if (!isalnum((unsigned char)c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

static int parse_url_n(const char *url, size_t len, dnsdisc_url_t *out) {
  static const char scheme[] = "enrtree://";
  const size_t sl = sizeof scheme - 1;
  if (len < sl || memcmp(url, scheme, sl)) return ETHC_ERR_INVALID;
  const char *at = memchr(url + sl, '@', len - sl);
  if (!at) return ETHC_ERR_INVALID;
  uint8_t c[33];
  if (b32_decode(url + sl, (size_t)(at - url) - sl, c, sizeof c) || p2p_pubkey_decompress(c, out->pubkey))
    return ETHC_ERR_INVALID;
  size_t dl = len - (size_t)(at + 1 - url);
  if (!valid_domain(at + 1, dl)) return ETHC_ERR_INVALID;
  memcpy(out->domain, at + 1, dl);
  out->domain[dl] = 0;
  return 0;
}

int dnsdisc_parse_url(const char *url, dnsdisc_url_t *out) { return parse_url_n(url, strlen(url), out); }

size_t dnsdisc_format_url(const uint8_t pubkey[64], const char *domain, char *out, size_t cap) {
  uint8_t c[33];
  char key[64];
  if (p2p_pubkey_compress(pubkey, c)) return 0;
  b32_encode(c, sizeof c, key);
  size_t need = 10 + strlen(key) + 1 + strlen(domain);
  if (need + 1 > cap) return 0;
  memcpy(out, "enrtree://", 10);
  strcpy(out + 10, key);
  out[10 + strlen(key)] = '@';
  strcpy(out + 11 + strlen(key), domain);
  return need;
}

/* Expects the literal `lit` at *p; advances past it. */
static bool take(const char **p, const char *end, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(end - *p) < n || memcmp(*p, lit, n)) return false;
  *p += n;
  return true;
}

static bool take_hash(const char **p, const char *end, char out[DNSDISC_HASH_LEN + 1]) {
  if (end - *p < DNSDISC_HASH_LEN || !valid_hash(*p, DNSDISC_HASH_LEN)) return false;
  memcpy(out, *p, DNSDISC_HASH_LEN);
  out[DNSDISC_HASH_LEN] = 0;
  *p += DNSDISC_HASH_LEN;
  return true;
}

int dnsdisc_parse_root(const char *txt, size_t len, dnsdisc_root_t *out) {
  const char *p = txt, *end = txt + len;
  memset(out, 0, sizeof *out);
  if (!take(&p, end, "enrtree-root:v1 e=") || !take_hash(&p, end, out->eroot) || !take(&p, end, " l=") ||
      !take_hash(&p, end, out->lroot) || !take(&p, end, " seq="))
    return ETHC_ERR_INVALID;
  const char *digits = p;
  while (p < end && *p >= '0' && *p <= '9') {
    if (out->seq > (UINT64_MAX - 9) / 10) return ETHC_ERR_INVALID;
    out->seq = out->seq * 10 + (uint64_t)(*p++ - '0');
  }
  if (p == digits || (p - digits > 1 && *digits == '0')) return ETHC_ERR_INVALID;
  out->signed_len = (size_t)(p - txt);
  if (!take(&p, end, " sig=") || b64url_decode(p, (size_t)(end - p), out->sig, sizeof out->sig))
    return ETHC_ERR_INVALID;
  return 0;
}

bool dnsdisc_root_verify(const dnsdisc_root_t *root, const char *txt, const uint8_t pubkey[64]) {
  uint8_t h[32], got[64];
  keccak256((const uint8_t *)txt, root->signed_len, h);
  if (!ethc_secp256k1_valid_rs(root->sig, root->sig + 32, true)) return false;
  /* the key is known: either recovery id may give it (v is not trusted) */
  for (int recid = 0; recid < 2; recid++)
    if (!ethc_secp256k1_recover(h, recid, root->sig, root->sig + 32, true, got) && !memcmp(got, pubkey, 64))
      return true;
  return false;
}

int dnsdisc_parse_entry(const char *txt, size_t len, dnsdisc_entry_t *out) {
  const char *p = txt, *end = txt + len;
  out->n_children = 0;
  if (take(&p, end, "enrtree-branch:")) {
    out->kind = DNSDISC_BRANCH;
    while (p < end) {
      const char *comma = memchr(p, ',', (size_t)(end - p));
      const char *stop = comma ? comma : end;
      if (!valid_hash(p, (size_t)(stop - p)) || out->n_children == DNSDISC_BRANCH_MAX) return ETHC_ERR_INVALID;
      out->children[out->n_children++] = p;
      p = comma ? comma + 1 : end;
      if (comma && p == end) return ETHC_ERR_INVALID; /* a trailing comma */
    }
    return 0;
  }
  if (take(&p, end, "enrtree://")) {
    out->kind = DNSDISC_LINK;
    return parse_url_n(txt, len, &out->link);
  }
  if (len >= 4 && !memcmp(txt, "enr:", 4)) {
    out->kind = DNSDISC_ENR;
    char text[ENR_TEXT_MAX + 1];
    if (len > ENR_TEXT_MAX || memchr(txt, 0, len)) return ETHC_ERR_INVALID;
    memcpy(text, txt, len);
    text[len] = 0;
    return enr_from_text(text, &out->enr);
  }
  return ETHC_ERR_INVALID;
}

const char *dnsdisc_default_url(const char *network) {
  /* go-ethereum's params.KnownDNSNetwork(genesis, "all"): one signer, one list a network */
  static const struct {
    const char *name, *url;
  } known[] = {
      {"mainnet", "enrtree://AKA3AM6LPBYEUDMVNU3BSVQJ5AD45Y7YPOHJLEF6W26QOE4VTUDPE@all.mainnet.ethdisco.net"},
      {"sepolia", "enrtree://AKA3AM6LPBYEUDMVNU3BSVQJ5AD45Y7YPOHJLEF6W26QOE4VTUDPE@all.sepolia.ethdisco.net"},
      {"holesky", "enrtree://AKA3AM6LPBYEUDMVNU3BSVQJ5AD45Y7YPOHJLEF6W26QOE4VTUDPE@all.holesky.ethdisco.net"},
      {"hoodi", "enrtree://AKA3AM6LPBYEUDMVNU3BSVQJ5AD45Y7YPOHJLEF6W26QOE4VTUDPE@all.hoodi.ethdisco.net"},
  };
  for (size_t i = 0; network && i < sizeof known / sizeof *known; i++)
    if (!strcmp(known[i].name, network)) return known[i].url;
  return NULL;
}
