/* A p2p node's identity and addresses: the node key file (geth's DATADIR/nodekey:
 * 64 hex digits), enode URLs (enode://PUBKEY@IP:TCP?discport=UDP), and the
 * built-in bootnodes of the public networks. */
#ifndef ETHC_P2P_NODE_H
#define ETHC_P2P_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A node's contact details. ip holds an IPv4 address as ::ffff:a.b.c.d. */
typedef struct {
  uint8_t pubkey[64];
  uint8_t id[32]; /* keccak256(pubkey) */
  uint8_t ip[16];
  uint16_t udp, tcp;
} p2p_node_t;

/* True when ip (16 bytes) is an IPv4-mapped address. */
bool p2p_ip_is4(const uint8_t ip[16]);
/* Sets ip from 4 bytes (mapped) or copies 16. */
void p2p_ip_from4(uint8_t ip[16], const uint8_t v4[4]);
/* Text form ("1.2.3.4" or an IPv6 address) into out (46 bytes). */
void p2p_ip_text(const uint8_t ip[16], char out[46]);
/* Parses "1.2.3.4" or an IPv6 address: 0, or ETHC_ERR_INVALID. */
int p2p_ip_parse(const char *s, uint8_t ip[16]);

/* Parses enode://<128 hex>@<ip>:<tcp>[?discport=<udp>] (udp 0..65535, 0: no
 * discovery port; without the query, udp is tcp). Host names are not resolved
 * (ETHC_ERR_INVALID, as are bad keys, IPs and ports, and any other query or
 * trailing text). 0 on success, else an error message in err. */
int enode_parse(const char *url, p2p_node_t *out, char *err, size_t errlen);
/* Formats the URL into out (at least ENODE_URL_MAX bytes); "?discport=" only when
 * the ports differ. */
#define ENODE_URL_MAX 200
void enode_format(const p2p_node_t *n, char *out, size_t cap);
/* Parses a comma-separated list (empty items skipped) into a malloc'd array
 * (*out, free it). 0, or ETHC_ERR_INVALID with the bad item named in err. */
int enode_parse_list(const char *list, p2p_node_t **out, size_t *count, char *err, size_t errlen);

/* The contact details in a node record (p2p_enr.h's enr_t, passed as a
 * pointer to keep this header free of it): its IPv4 endpoint ("ip", "tcp",
 * "udp") when it has one, else its IPv6 one ("ip6" with "tcp6"/"udp6", or
 * "tcp"/"udp" where those are absent, as enr.md says). False when it has no
 * address; ports may be 0 (absent). */
bool enr_node(const void *enr, p2p_node_t *out);

/* Loads the node key from `path` (64 hex digits, optional 0x, surrounding white
 * space allowed), or, when the file does not exist and `create` is set, makes a
 * random key and writes it there with mode 0600. 0, or ETHC_ERR_IO /
 * ETHC_ERR_INVALID with a message in err. *created tells whether it was made. */
int nodekey_load(const char *path, bool create, uint8_t key[32], bool *created, char *err, size_t errlen);

/* The built-in bootnodes of a network ("mainnet", "sepolia", "holesky",
 * "hoodi") as a NULL-terminated array of enode URLs, or NULL when unknown. */
const char *const *p2p_bootnodes(const char *network);
/* The network name of a chain id (1, 11155111, 17000, 560048), or NULL. */
const char *p2p_network_of_chain(uint64_t chain_id);

#ifdef __cplusplus
}
#endif

#endif
