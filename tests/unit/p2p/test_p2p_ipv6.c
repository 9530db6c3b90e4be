/* IPv6 in devp2p: enode URLs with bracketed IPv6 hosts (devp2p enode-url-format,
 * RFC 3986) parse and print back, IPv4-mapped hosts become IPv4; node records
 * (devp2p enr.md) carry "ip6", "tcp6", "udp6" and give the right endpoint;
 * discv4 endpoints (discv4.md: 4 or 16 bytes) round-trip with IPv6 and mixed
 * addresses, a 16-byte IPv4-mapped one is IPv4; a dual-stack socket
 * (p2p_sock.h) takes IPv4 clients, seen as IPv4 addresses. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/keccak.h"
#include "ethc/p2p_discv4.h"
#include "ethc/p2p_enr.h"
#include "ethc/p2p_node.h"
#include "ethc/p2p_sock.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"

static const char *key_hex = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";
static const char *id_hex =
    "ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be00812904"
    "767bf5ccd1fc7f";

static void test_enode(void) {
  char url[300], out[ENODE_URL_MAX], err[300];
  p2p_node_t n;
  const char *hosts[] = {"[::1]:30303?discport=30301", "[2001:db8::1]:1", "[fe80::1:2]:65535?discport=1"};
  for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
    snprintf(url, sizeof url, "enode://%s@%s", id_hex, hosts[i]);
    CHECK_MSG(enode_parse(url, &n, err, sizeof err) == 0, "%s", err);
    CHECK(!p2p_ip_is4(n.ip));
    enode_format(&n, out, sizeof out);
    CHECK_MSG(!strcmp(out, url), "%s", out);
  }
  snprintf(url, sizeof url, "enode://%s@[::1]:30303?discport=30301", id_hex);
  CHECK(enode_parse(url, &n, err, sizeof err) == 0 && n.tcp == 30303 && n.udp == 30301);
  static const uint8_t one[16] = {[15] = 1};
  CHECK_MEM(n.ip, one, 16);
  /* an IPv4-mapped host is IPv4, printed without brackets */
  snprintf(url, sizeof url, "enode://%s@[::ffff:10.0.0.7]:30303", id_hex);
  CHECK(enode_parse(url, &n, err, sizeof err) == 0 && p2p_ip_is4(n.ip) && n.ip[12] == 10 && n.ip[15] == 7);
  enode_format(&n, out, sizeof out);
  CHECK(strstr(out, "@10.0.0.7:30303") && !strchr(out, '['));
  /* refused: IPv6 without brackets, unclosed brackets, a missing port, junk */
  const char *bad[] = {"::1:30303", "[::1]",   "[::1]30303",         "[::1:30303",
                       "[zz::1]:1", "[::1]:0", "[::1]:1?discport=x", "[1.2.3.4]:1x"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    snprintf(url, sizeof url, "enode://%s@%s", id_hex, bad[i]);
    CHECK_MSG(enode_parse(url, &n, err, sizeof err) != 0, "%s", bad[i]);
  }
  /* a list mixing both families */
  snprintf(url, sizeof url, "enode://%s@[::1]:5, enode://%s@127.0.0.1:6", id_hex, id_hex);
  p2p_node_t *list;
  size_t count;
  CHECK(enode_parse_list(url, &list, &count, err, sizeof err) == 0 && count == 2);
  if (count == 2) CHECK(!p2p_ip_is4(list[0].ip) && list[0].tcp == 5 && p2p_ip_is4(list[1].ip) && list[1].tcp == 6);
  free(list);
  /* text forms */
  char t[56];
  p2p_addr_text(one, 30303, t, sizeof t);
  CHECK(!strcmp(t, "[::1]:30303"));
  CHECK(p2p_ip_parse("::ffff:1.2.3.4", n.ip) == 0 && p2p_ip_is4(n.ip));
  p2p_addr_text(n.ip, 7, t, sizeof t);
  CHECK(!strcmp(t, "1.2.3.4:7"));
}

static void test_enr(void) {
  uint8_t key[32], ip6[16], ip4[4] = {10, 1, 2, 3};
  CHECK(hex_decode_fixed(key_hex, false, key, 32) == 0);
  CHECK(inet_pton(AF_INET6, "2001:db8::42", ip6) == 1);
  enr_t e, back;
  char text[ENR_TEXT_MAX];
  p2p_node_t n;
  /* IPv6 only: "ip6", "tcp6", "udp6" */
  enr_fields_t f = {.ip6 = ip6, .tcp6 = 30303, .udp6 = 30301};
  CHECK(enr_sign(key, 5, &f, &e) == 0);
  CHECK(enr_to_text(&e, text, sizeof text) > 0 && enr_from_text(text, &back) == 0);
  CHECK(back.seq == 5 && back.has_ip6 && !back.has_ip && back.tcp6 == 30303 && back.udp6 == 30301);
  CHECK(back.tcp == 0 && back.udp == 0);
  CHECK_MEM(back.ip6, ip6, 16);
  CHECK(enr_node(&back, &n) && !p2p_ip_is4(n.ip) && n.tcp == 30303 && n.udp == 30301);
  CHECK_MEM(n.ip, ip6, 16);
  CHECK_MEM(n.id, back.id, 32);
  /* both families, every key, sorted as enr.md wants (decode checks the order) */
  uint8_t eth[] = {0xc7, 0xc6, 0x84, 0xfc, 0x64, 0xec, 0x04, 0x80};
  f = (enr_fields_t){.ip = ip4,
                     .tcp = 1,
                     .udp = 2,
                     .ip6 = ip6,
                     .tcp6 = 3,
                     .udp6 = 4,
                     .eth = eth,
                     .eth_len = sizeof eth};
  CHECK(enr_sign(key, 6, &f, &e) == 0);
  CHECK(enr_decode(e.raw, e.raw_len, &back) == 0);
  CHECK(back.has_ip && back.has_ip6 && back.tcp == 1 && back.udp == 2 && back.tcp6 == 3 && back.udp6 == 4);
  CHECK(back.eth_len == sizeof eth);
  CHECK(enr_node(&back, &n) && p2p_ip_is4(n.ip) && n.ip[12] == 10 && n.tcp == 1 && n.udp == 2); /* IPv4 first */
  /* "ip6" with only "tcp"/"udp": those apply to it (enr.md) */
  f = (enr_fields_t){.ip6 = ip6, .tcp = 7, .udp = 8};
  CHECK(enr_sign(key, 7, &f, &e) == 0);
  CHECK(enr_node(&e, &n) && !p2p_ip_is4(n.ip) && n.tcp == 7 && n.udp == 8);
  /* no address at all */
  f = (enr_fields_t){.udp = 9};
  CHECK(enr_sign(key, 8, &f, &e) == 0);
  CHECK(!enr_node(&e, &n));
}

static void test_endpoints(void) {
  uint8_t key[32], out[DISCV4_MAX_PACKET];
  CHECK(hex_decode_fixed(key_hex, false, key, 32) == 0);
  static discv4_packet_t p, q;
  uint8_t v6[16], v4[16];
  CHECK(p2p_ip_parse("2001:db8:1:2:3:4:5:6", v6) == 0 && p2p_ip_parse("192.0.2.9", v4) == 0);
  /* Ping from an IPv6 endpoint to an IPv4 one, Pong to an IPv6 one */
  memset(&p, 0, sizeof p);
  p.type = DISCV4_PING, p.version = 4, p.expiration = 2000000000;
  memcpy(p.from.ip, v6, 16), p.from.ip_len = 16, p.from.udp = 30301, p.from.tcp = 30303;
  memcpy(p.to.ip, v4, 16), p.to.ip_len = 4, p.to.udp = 1;
  size_t len = discv4_encode(key, &p, out);
  CHECK(len > 0 && discv4_decode(out, len, &q) == 0);
  CHECK(q.from.ip_len == 16 && q.from.udp == 30301 && q.from.tcp == 30303 && q.to.ip_len == 4 && q.to.udp == 1);
  CHECK_MEM(q.from.ip, v6, 16);
  CHECK_MEM(q.to.ip, v4, 16);
  memset(&p, 0, sizeof p);
  p.type = DISCV4_PONG, p.expiration = 2000000000;
  memcpy(p.to.ip, v6, 16), p.to.ip_len = 16, p.to.udp = 9;
  len = discv4_encode(key, &p, out);
  CHECK(len > 0 && discv4_decode(out, len, &q) == 0 && q.to.ip_len == 16 && q.to.udp == 9);
  CHECK_MEM(q.to.ip, v6, 16);
  /* 12 neighbours (what one of our Neighbors packets holds) fit and come back:
   * all IPv6, then mixed */
  for (int mixed = 0; mixed < 2; mixed++) {
    memset(&p, 0, sizeof p);
    p.type = DISCV4_NEIGHBORS, p.expiration = 2000000000, p.node_count = 12;
    for (size_t i = 0; i < 12; i++) {
      bool four = mixed && i % 3 == 0;
      memcpy(p.nodes[i].ep.ip, four ? v4 : v6, 16);
      p.nodes[i].ep.ip[15] = (uint8_t)i;
      p.nodes[i].ep.ip_len = four ? 4 : 16;
      p.nodes[i].ep.udp = (uint16_t)(100 + i), p.nodes[i].ep.tcp = (uint16_t)(200 + i);
      memset(p.nodes[i].pubkey, (int)i + 1, 64);
    }
    len = discv4_encode(key, &p, out);
    CHECK(len > 0 && len <= DISCV4_MAX_PACKET && discv4_decode(out, len, &q) == 0 && q.node_count == 12);
    for (size_t i = 0; i < q.node_count; i++) {
      CHECK(q.nodes[i].ep.ip_len == p.nodes[i].ep.ip_len && q.nodes[i].ep.udp == 100 + i &&
            q.nodes[i].ep.tcp == 200 + i);
      CHECK_MEM(q.nodes[i].ep.ip, p.nodes[i].ep.ip, 16);
      CHECK_MEM(q.nodes[i].pubkey, p.nodes[i].pubkey, 64);
    }
  }
  /* an endpoint written as 16 bytes ::ffff:a.b.c.d decodes as IPv4 (and encodes as 4 bytes) */
  bytes_buf_t b = {0};
  CHECK(bytes_buf_push(&b, DISCV4_PONG) == 0);
  size_t l = rlp_list_begin(&b), el = rlp_list_begin(&b);
  uint8_t mapped[16] = {[10] = 0xff, [11] = 0xff, [12] = 192, [13] = 0, [14] = 2, [15] = 9}, reply[32] = {1};
  rlp_put_bytes(&b, mapped, 16), rlp_put_u64(&b, 5), rlp_put_u64(&b, 6), rlp_list_end(&b, el);
  rlp_put_bytes(&b, reply, 32), rlp_put_u64(&b, 2000000000), rlp_list_end(&b, l);
  uint8_t h[32], pkt[DISCV4_MAX_PACKET];
  int recid;
  keccak256(b.data, b.len, h);
  CHECK(ethc_secp256k1_sign(key, h, pkt + 32, pkt + 64, &recid) == 0);
  pkt[96] = (uint8_t)recid;
  memcpy(pkt + 97, b.data, b.len);
  keccak256(pkt + 32, 65 + b.len, pkt);
  CHECK(discv4_decode(pkt, 97 + b.len, &q) == 0 && q.type == DISCV4_PONG);
  CHECK(q.to.ip_len == 4 && p2p_ip_is4(q.to.ip) && q.to.udp == 5 && q.to.tcp == 6);
  CHECK_MEM(q.to.ip, v4, 16);
  size_t mapped_len = 97 + b.len;
  bytes_buf_free(&b);
  len = discv4_encode(key, &q, out); /* shorter: the address as 4 bytes */
  CHECK(len + 12 <= mapped_len && discv4_decode(out, len, &p) == 0 && p.to.ip_len == 4);
  CHECK_MEM(p.to.ip, v4, 16);
}

/* A dual-stack socket: IPv4 clients reach it, and come out as IPv4 addresses. */
static void test_dual_stack(void) {
  bool v6;
  int tfd = p2p_sock_bind(SOCK_STREAM, NULL, 0, &v6);
  CHECK(tfd >= 0);
  if (tfd < 0) return;
  uint16_t port = p2p_sock_port(tfd);
  CHECK(port != 0 && listen(tfd, 4) == 0);
  if (!v6) printf("no IPv6 here: the listener is 0.0.0.0\n");
  struct sockaddr_storage ss;
  uint8_t lo4[16], lo6[16] = {[15] = 1}, ip[16];
  uint16_t got;
  p2p_ip_parse("127.0.0.1", lo4);
  for (int fam = 0; fam < (v6 ? 2 : 1); fam++) {
    const uint8_t *to = fam ? lo6 : lo4;
    int c = socket(fam ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    p2p_sockaddr(to, port, false, &ss);
    CHECK(c >= 0 &&
          connect(c, (struct sockaddr *)&ss, fam ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == 0);
    socklen_t sl = sizeof ss;
    int a = accept(tfd, (struct sockaddr *)&ss, &sl);
    CHECK(a >= 0 && p2p_sockaddr_ip((struct sockaddr *)&ss, ip, &got));
    CHECK(p2p_ip_is4(ip) == !fam); /* ::ffff:127.0.0.1 is read as IPv4 */
    CHECK_MEM(ip, to, 16);
    close(a), close(c);
  }
  close(tfd);
  int ufd = p2p_sock_bind(SOCK_DGRAM, NULL, 0, &v6);
  CHECK(ufd >= 0);
  if (ufd < 0) return;
  port = p2p_sock_port(ufd);
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  p2p_sockaddr(lo4, port, false, &ss);
  CHECK(sendto(c, "x", 1, 0, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) == 1);
  char buf[4];
  socklen_t sl = sizeof ss;
  CHECK(recvfrom(ufd, buf, sizeof buf, 0, (struct sockaddr *)&ss, &sl) == 1);
  CHECK(p2p_sockaddr_ip((struct sockaddr *)&ss, ip, &got) && p2p_ip_is4(ip));
  CHECK_MEM(ip, lo4, 16);
  /* and a reply to that IPv4 sender through the dual-stack socket (as ::ffff:127.0.0.1) */
  p2p_sockaddr(ip, got, v6, &ss);
  CHECK(sendto(ufd, "y", 1, 0, (struct sockaddr *)&ss, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) ==
        1);
  CHECK(recv(c, buf, sizeof buf, 0) == 1 && buf[0] == 'y');
  close(c), close(ufd);
  /* a bad address, an explicit IPv4 one */
  CHECK(p2p_sock_bind(SOCK_DGRAM, "not-an-ip", 0, &v6) < 0);
  int fd = p2p_sock_bind(SOCK_DGRAM, "127.0.0.1", 0, &v6);
  CHECK(fd >= 0 && !v6);
  if (fd >= 0) close(fd);
}

int main(void) {
  test_enode();
  test_enr();
  test_endpoints();
  test_dual_stack();
  return check_summary();
}
