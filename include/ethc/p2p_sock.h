/* Dual-stack sockets for devp2p: the TCP listener and the discovery UDP socket
 * bind [::] with IPV6_V6ONLY off, so that one socket takes IPv4 (as
 * ::ffff:a.b.c.d) and IPv6 peers; where the system has no IPv6, 0.0.0.0. Also
 * the sockaddr <-> 16-byte address conversions (p2p_node.h's form: IPv4
 * addresses, mapped ones included, are ::ffff:a.b.c.d). */
#ifndef ETHC_P2P_SOCK_H
#define ETHC_P2P_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Makes a socket of `type` (SOCK_STREAM or SOCK_DGRAM) bound to `addr` (NULL:
 * "[::]" dual-stack, falling back to "0.0.0.0" when IPv6 is unavailable; else
 * an IPv4 or IPv6 literal) and `port` (0: a free one). TCP sockets get
 * SO_REUSEADDR. Returns the descriptor (close-on-exec, blocking; hand it to
 * uv_tcp_open / uv_udp_open) or a negative errno (-EINVAL for a bad address).
 * *v6 tells whether it is an AF_INET6 socket. Thread-safe. */
int p2p_sock_bind(int type, const char *addr, uint16_t port, bool *v6);
/* The port a bound socket has, 0 on error. */
uint16_t p2p_sock_port(int fd);

/* The sockaddr for ip (16 bytes) and port: AF_INET for an IPv4 address unless
 * `v6sock` (a dual-stack socket wants ::ffff:a.b.c.d), else AF_INET6. */
void p2p_sockaddr(const uint8_t ip[16], uint16_t port, bool v6sock, struct sockaddr_storage *ss);
/* The 16-byte address and port of an AF_INET or AF_INET6 sockaddr (IPv4-mapped
 * IPv6 addresses come out as IPv4). False for other families. */
bool p2p_sockaddr_ip(const struct sockaddr *sa, uint8_t ip[16], uint16_t *port);
/* "1.2.3.4:30303" or "[::1]:30303" into out (at least 56 bytes). */
void p2p_addr_text(const uint8_t ip[16], uint16_t port, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
