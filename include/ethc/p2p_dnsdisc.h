/* DNS node discovery (EIP-1459, devp2p dnsdisc.md): a signed Merkle tree of
 * node records published as DNS TXT records. A tree is named by the URL
 * "enrtree://KEY@DOMAIN" (KEY: base32 of the signer's 33-byte compressed
 * public key). The TXT record at DOMAIN is the root
 *   "enrtree-root:v1 e=ENR_ROOT l=LINK_ROOT seq=N sig=SIG"
 * signed by KEY (SIG: base64url of r||s||v over keccak256 of the text before
 * " sig="); every other record lives at HASH.DOMAIN, HASH being the base32 of
 * the first 16 bytes of keccak256(record text), and is a branch
 * "enrtree-branch:H1,H2,...", a node record "enr:..." (p2p_enr.h) or a link
 * "enrtree://KEY@DOMAIN" to another tree. The e= subtree holds branches and
 * node records, the l= subtree branches and links.
 *
 * Two parts: the record parser and checks (pure functions, any thread), and
 * the client, which walks trees with c-ares on a libuv loop (loop thread). */
#ifndef ETHC_P2P_DNSDISC_H
#define ETHC_P2P_DNSDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/p2p_enr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DNSDISC_HASH_LEN 26     /* base32 of 16 bytes, unpadded */
#define DNSDISC_DOMAIN_MAX 254  /* a DNS name's text form */
#define DNSDISC_BRANCH_MAX 1024 /* children of one branch (a TXT record is at most 64 KiB) */

/* A tree's URL: the signer's key and the domain of its root. */
typedef struct {
  uint8_t pubkey[64]; /* uncompressed, without the 0x04 prefix */
  char domain[DNSDISC_DOMAIN_MAX + 1];
} dnsdisc_url_t;

typedef struct {
  char eroot[DNSDISC_HASH_LEN + 1], lroot[DNSDISC_HASH_LEN + 1];
  uint64_t seq;
  uint8_t sig[65];   /* r || s || v */
  size_t signed_len; /* bytes of the text that the signature covers */
} dnsdisc_root_t;

typedef enum { DNSDISC_BRANCH = 1, DNSDISC_ENR, DNSDISC_LINK } dnsdisc_kind_t;

/* A record below the root. A branch's children are pointers into the text
 * given to dnsdisc_parse_entry (each DNSDISC_HASH_LEN bytes, not terminated). */
typedef struct {
  dnsdisc_kind_t kind;
  const char *children[DNSDISC_BRANCH_MAX];
  size_t n_children;
  enr_t enr;          /* DNSDISC_ENR: decoded and its signature checked */
  dnsdisc_url_t link; /* DNSDISC_LINK */
} dnsdisc_entry_t;

/* Parses "enrtree://KEY@DOMAIN": 0, or ETHC_ERR_INVALID (bad scheme, key that
 * is not a curve point, empty or too long domain). */
int dnsdisc_parse_url(const char *url, dnsdisc_url_t *out);
/* Parses a root record's text (len bytes; no NUL needed): 0, or
 * ETHC_ERR_INVALID for anything but the exact v1 form with valid hashes. */
int dnsdisc_parse_root(const char *txt, size_t len, dnsdisc_root_t *out);
/* True when the root's signature is by pubkey (64 bytes) over txt's first
 * root->signed_len bytes; high-s signatures are refused (as go-ethereum). */
bool dnsdisc_root_verify(const dnsdisc_root_t *root, const char *txt, const uint8_t pubkey[64]);
/* Parses a branch, node record or link (len bytes of txt, which must outlive
 * out's children): 0, or ETHC_ERR_INVALID (unknown prefix, a bad hash in a
 * branch, a bad link) or enr_from_text's code for a bad node record. */
int dnsdisc_parse_entry(const char *txt, size_t len, dnsdisc_entry_t *out);
/* The name of a record: base32(keccak256(txt)[0:16]) into out (27 bytes). */
void dnsdisc_hash(const char *txt, size_t len, char out[DNSDISC_HASH_LEN + 1]);
/* True when hash (DNSDISC_HASH_LEN chars, any case) is txt's name. */
bool dnsdisc_hash_matches(const char *hash, const char *txt, size_t len);
/* Formats a tree URL from a public key and domain into out (cap >= 64 +
 * strlen(domain)). Returns the length, or 0 when it does not fit. */
size_t dnsdisc_format_url(const uint8_t pubkey[64], const char *domain, char *out, size_t cap);

/* The tree of a public network ("mainnet", "sepolia", "holesky", "hoodi"),
 * as go-ethereum knows them (the "all" lists of ethdisco.net), or NULL. */
const char *dnsdisc_default_url(const char *network);

/* ---- the client (src/p2p/dnsdisc_client.c) ---- */
typedef struct dnsdisc dnsdisc_t;

typedef struct {
  const char *urls;    /* comma-separated enrtree:// URLs (copied) */
  const char *servers; /* c-ares "host:port,..." to ask instead of the system's resolvers; NULL: the system's */
  /* called on the loop's thread for every valid node record found */
  void (*on_node)(void *ctx, const enr_t *enr);
  void *ctx;
  unsigned max_queries; /* per walk of all trees; 0: 2000 */
  uint64_t recheck_ms;  /* a new walk this often (0: 30 min) */
  unsigned timeout_ms;  /* per DNS query try (0: 2000) */
} dnsdisc_opts_t;

/* Parses the URLs and starts walking their trees on loop. 0 with *out set, or
 * ETHC_ERR_INVALID (a bad URL, named in err) / ETHC_ERR_IO (c-ares could not
 * start). Problems met while walking are logged ("dnsdisc: ..."), not
 * returned: a bad signature, a record whose hash is not its name, a malformed
 * record, a link in the node subtree, a failed query. Loop thread. */
int dnsdisc_start(void *loop, const dnsdisc_opts_t *o, dnsdisc_t **out, char *err, size_t errlen);
/* Cancels the queries and closes the handles (loop thread); the loop must then
 * run until they are closed before dnsdisc_free. NULL is fine for both. */
void dnsdisc_stop(dnsdisc_t *d);
void dnsdisc_free(dnsdisc_t *d);
/* Node records found so far (distinct), and walks finished. Loop thread. */
size_t dnsdisc_found(const dnsdisc_t *d);
unsigned dnsdisc_walks(const dnsdisc_t *d);

#ifdef __cplusplus
}
#endif

#endif
