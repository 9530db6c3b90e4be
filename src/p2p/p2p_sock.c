/* Dual-stack sockets for devp2p (p2p_sock.h): [::] with IPV6_V6ONLY = 0
 * (RFC 3493 §5.3), falling back to 0.0.0.0 where the system has no IPv6. */
#include "ethc/p2p_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ethc/p2p_node.h"

/* A socket of `family` bound to sa; the descriptor or -errno. */
static int bind_one(int family, int type, const struct sockaddr *sa, socklen_t len, bool dual) {
  int fd = socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  int one = 1, zero = 0;
  if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof one) && dual) {
    int e = errno;
    close(fd);
    return -e;
  }
  if (bind(fd, sa, len)) {
    int e = errno;
    close(fd);
    return -e;
  }
  return fd;
}

int p2p_sock_bind(int type, const char *addr, uint16_t port, bool *v6) {
  struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port)};
  struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
  *v6 = false;
  if (addr) {
    if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1)
      return bind_one(AF_INET, type, (struct sockaddr *)&a4, sizeof a4, false);
    if (inet_pton(AF_INET6, addr, &a6.sin6_addr) != 1) return -EINVAL;
    bool any = IN6_IS_ADDR_UNSPECIFIED(&a6.sin6_addr);
    int fd = bind_one(AF_INET6, type, (struct sockaddr *)&a6, sizeof a6, any);
    *v6 = fd >= 0;
    return fd;
  }
  a6.sin6_addr = in6addr_any;
  int fd = bind_one(AF_INET6, type, (struct sockaddr *)&a6, sizeof a6, true);
  if (fd >= 0) return *v6 = true, fd;
  /* no IPv6 here (no socket family, no address, or no dual-stack option):
   * IPv4 only; anything else (the port taken) is the answer */
  if (fd != -EAFNOSUPPORT && fd != -EADDRNOTAVAIL && fd != -EPROTONOSUPPORT && fd != -ENOPROTOOPT) return fd;
  return bind_one(AF_INET, type, (struct sockaddr *)&a4, sizeof a4, false);
}

uint16_t p2p_sock_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  uint8_t ip[16];
  uint16_t port = 0;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) || !p2p_sockaddr_ip((struct sockaddr *)&ss, ip, &port)) return 0;
  return port;
}

void p2p_sockaddr(const uint8_t ip[16], uint16_t port, bool v6sock, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (p2p_ip_is4(ip) && !v6sock) {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    memcpy(&a->sin_addr, ip + 12, 4);
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    memcpy(&a->sin6_addr, ip, 16);
  }
}

bool p2p_sockaddr_ip(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
    p2p_ip_from4(ip, (const uint8_t *)&a->sin_addr);
    *port = ntohs(a->sin_port);
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
    memcpy(ip, &a->sin6_addr, 16); /* ::ffff:a.b.c.d stays as it is: p2p_ip_is4 reads it as IPv4 */
    *port = ntohs(a->sin6_port);
    return true;
  }
  return false;
}

void p2p_addr_text(const uint8_t ip[16], uint16_t port, char *out, size_t cap) {
  char t[46];
  p2p_ip_text(ip, t);
  bool v6 = !p2p_ip_is4(ip);
  snprintf(out, cap, "%s%s%s:%u", v6 ? "[" : "", t, v6 ? "]" : "", port);
}
