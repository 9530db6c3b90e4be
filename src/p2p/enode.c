/* enode URLs (devp2p enode-url-format): enode://<node public key as 128 hex
 * digits>@<IP>:<TCP port>[?discport=<UDP port>], IPv6 hosts in brackets
 * (RFC 3986: enode://ID@[::1]:30303), and IP address helpers. An IPv4-mapped
 * IPv6 host ([::ffff:1.2.3.4]) is the IPv4 address it maps. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/p2p_enr.h"
#include "ethc/p2p_node.h"

static const uint8_t v4prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool p2p_ip_is4(const uint8_t ip[16]) { return !memcmp(ip, v4prefix, 12); }

void p2p_ip_from4(uint8_t ip[16], const uint8_t v4[4]) {
  memcpy(ip, v4prefix, 12);
  memcpy(ip + 12, v4, 4);
}

void p2p_ip_text(const uint8_t ip[16], char out[46]) {
  if (p2p_ip_is4(ip)) inet_ntop(AF_INET, ip + 12, out, 46);
  else inet_ntop(AF_INET6, ip, out, 46);
}

int p2p_ip_parse(const char *s, uint8_t ip[16]) {
  uint8_t v4[4];
  if (inet_pton(AF_INET, s, v4) == 1) return p2p_ip_from4(ip, v4), 0;
  if (inet_pton(AF_INET6, s, ip) == 1) return 0;
  return ETHC_ERR_INVALID;
}

/* A decimal port spanning [s, end): 1..65535, or 0..65535 with zero_ok. */
static int parse_port(const char *s, const char *end, bool zero_ok, uint16_t *out) {
  if (s == end || end - s > 5) return -1;
  unsigned v = 0;
  for (const char *p = s; p < end; p++) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10 + (unsigned)(*p - '0');
  }
  if ((v == 0 && !zero_ok) || v > 65535) return -1;
  *out = (uint16_t)v;
  return 0;
}

int enode_parse(const char *url, p2p_node_t *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (strncmp(url, "enode://", 8)) return snprintf(err, errlen, "%s: not an enode:// URL", url), ETHC_ERR_INVALID;
  const char *key = url + 8, *at = strchr(key, '@');
  char hex[129];
  if (!at || at - key != 128)
    return snprintf(err, errlen, "%s: want 128 hex digits of public key", url), ETHC_ERR_INVALID;
  memcpy(hex, key, 128), hex[128] = 0;
  if (hex_decode_fixed(hex, false, out->pubkey, 64) || !p2p_pubkey_valid(out->pubkey))
    return snprintf(err, errlen, "%s: invalid public key", url), ETHC_ERR_INVALID;
  const char *host = at + 1, *q = strchr(host, '?'), *end = q ? q : host + strlen(host), *colon;
  char ipbuf[64];
  if (*host == '[') { /* [v6]:port */
    const char *rb = memchr(host, ']', (size_t)(end - host));
    if (!rb || rb[1] != ':' || rb - host - 1 >= (long)sizeof ipbuf) goto bad_host;
    memcpy(ipbuf, host + 1, (size_t)(rb - host - 1)), ipbuf[rb - host - 1] = 0;
    colon = rb + 1;
  } else {
    colon = NULL;
    for (const char *p = host; p < end; p++)
      if (*p == ':') colon = p;
    if (!colon || colon - host >= (long)sizeof ipbuf) goto bad_host;
    memcpy(ipbuf, host, (size_t)(colon - host)), ipbuf[colon - host] = 0;
  }
  if (p2p_ip_parse(ipbuf, out->ip)) goto bad_host;
  if (*host != '[' && !p2p_ip_is4(out->ip)) goto bad_host; /* an IPv6 host needs its brackets (RFC 3986) */
  if (parse_port(colon + 1, end, false, &out->tcp))
    return snprintf(err, errlen, "%s: invalid TCP port", url), ETHC_ERR_INVALID;
  out->udp = out->tcp;
  if (q && strncmp(q, "?discport=", 10))
    return snprintf(err, errlen, "%s: unknown query %.40s (only ?discport=PORT is known)", url, q), ETHC_ERR_INVALID;
  if (q && parse_port(q + 10, q + strlen(q), true, &out->udp)) /* discport=0: no discovery port (geth's too) */
    return snprintf(err, errlen, "%s: invalid discport (want a UDP port 0..65535, nothing after it)", url),
           ETHC_ERR_INVALID;
  p2p_node_id(out->pubkey, out->id);
  return 0;
bad_host:
  return snprintf(err, errlen, "%s: want an IP address and port after @ (host names are not resolved)", url),
         ETHC_ERR_INVALID;
}

void enode_format(const p2p_node_t *n, char *out, size_t cap) {
  char hex[131], ip[46];
  hex_encode(n->pubkey, 64, hex);
  p2p_ip_text(n->ip, ip);
  bool v6 = !p2p_ip_is4(n->ip);
  int k = snprintf(out, cap, "enode://%s@%s%s%s:%u", hex + 2, v6 ? "[" : "", ip, v6 ? "]" : "", n->tcp);
  if (n->udp != n->tcp && k > 0 && (size_t)k < cap) snprintf(out + k, cap - (size_t)k, "?discport=%u", n->udp);
}

int enode_parse_list(const char *list, p2p_node_t **out, size_t *count, char *err, size_t errlen) {
  *out = NULL, *count = 0;
  size_t cap = 1;
  for (const char *p = list; *p; p++) cap += *p == ',';
  p2p_node_t *v = calloc(cap, sizeof *v);
  if (!v) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  size_t n = 0;
  for (const char *p = list; *p;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    while (len && (*p == ' ')) p++, len--;
    while (len && p[len - 1] == ' ') len--;
    if (len) {
      char *item = strndup(p, len);
      int rc = item ? enode_parse(item, &v[n], err, errlen) : ETHC_ERR_NOMEM;
      free(item);
      if (rc) return free(v), rc;
      n++;
    }
    if (!e) break;
    p = e + 1;
  }
  *out = v, *count = n;
  return 0;
}

bool enr_node(const void *enr, p2p_node_t *out) {
  const enr_t *e = enr;
  memset(out, 0, sizeof *out);
  memcpy(out->pubkey, e->pubkey, 64);
  memcpy(out->id, e->id, 32);
  if (e->has_ip) {
    p2p_ip_from4(out->ip, e->ip);
    out->tcp = e->tcp, out->udp = e->udp;
    return true;
  }
  if (!e->has_ip6) return false;
  memcpy(out->ip, e->ip6, 16);
  out->tcp = e->tcp6 ? e->tcp6 : e->tcp;
  out->udp = e->udp6 ? e->udp6 : e->udp;
  return true;
}
