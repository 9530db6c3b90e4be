/* Ethereum Node Records (devp2p enr.md, EIP-778) with the "v4" identity scheme:
 * records are RLP lists [signature, seq, k, v, ...] signed with secp256k1 over
 * keccak256([seq, k, v, ...]); the text form is "enr:" + unpadded base64url.
 * Also the secp256k1 key helpers the p2p layer shares (compressed keys, node ids). */
#ifndef ETHC_P2P_ENR_H
#define ETHC_P2P_ENR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ENR_MAX_SIZE 300 /* enr.md: larger records are rejected */

/* A decoded, verified record. Every field is a copy: the struct owns nothing. */
typedef struct {
  uint64_t seq;
  uint8_t pubkey[64]; /* the "secp256k1" key, uncompressed without the 0x04 prefix */
  uint8_t id[32];     /* the node id: keccak256(pubkey) */
  bool has_ip, has_ip6;
  uint8_t ip[4], ip6[16];
  uint16_t udp, tcp, udp6, tcp6; /* 0: absent */
  size_t eth_off, eth_len;       /* the "eth" entry's RLP value inside raw (len 0: none) */
  uint8_t raw[ENR_MAX_SIZE];     /* the whole signed record */
  size_t raw_len;
} enr_t;

/* What enr_sign puts in a record besides "id" and "secp256k1". */
typedef struct {
  const uint8_t *ip;   /* 4 bytes, or NULL for none */
  uint16_t udp, tcp;   /* 0: not included */
  const uint8_t *ip6;  /* "ip6": 16 bytes, or NULL for none */
  uint16_t udp6, tcp6; /* "udp6", "tcp6": 0: not included */
  /* the "eth" entry (the EIP-2124 fork id, as the eth protocol defines it):
   * an RLP-encoded value kept opaque here; NULL for none */
  const uint8_t *eth;
  size_t eth_len;
} enr_fields_t;

/* Builds and signs a record with sequence number `seq`. Returns 0, ETHC_ERR_INVALID
 * for a bad key, or ETHC_ERR_LIMIT when it would exceed ENR_MAX_SIZE. */
int enr_sign(const uint8_t seckey[32], uint64_t seq, const enr_fields_t *f, enr_t *out);

/* Decodes a record and checks it: at most ENR_MAX_SIZE bytes, one canonical RLP
 * list, keys sorted and unique, id "v4", a valid "secp256k1" key that made the
 * signature. Unknown keys are kept in raw and otherwise ignored. Returns 0, or an
 * ETHC_ERR_* code (ETHC_ERR_TX_SIGNATURE for a bad signature). Thread-safe. */
int enr_decode(const uint8_t *data, size_t len, enr_t *out);

/* The text form "enr:..." into out (NUL-terminated): needs 4 + 400 + 1 bytes at
 * most. Returns the length, or 0 when out is too small. */
#define ENR_TEXT_MAX 406
size_t enr_to_text(const enr_t *e, char *out, size_t cap);
/* Parses and verifies the text form (the "enr:" prefix is required). */
int enr_from_text(const char *text, enr_t *out);

/* ---- the "eth" entry (devp2p enr-entries/eth.md): [[fork-hash, fork-next], ...] ---- */
#include "ethc/bytes.h"
#include "ethc/forkid.h"
/* Appends the entry's value for our fork id: [[hash, next]]. 0 or ETHC_ERR_NOMEM. */
int enr_eth_entry_encode(const forkid_t *id, bytes_buf_t *out);
/* The fork id of a record's "eth" entry (its first element; later elements
 * are allowed, as geth's rlp:"tail"). 0, ETHC_ERR_NOT_FOUND (no entry), or an
 * ETHC_ERR_RLP_* code (malformed). */
int enr_eth_forkid(const enr_t *e, forkid_t *out);

/* ---- secp256k1 helpers for the p2p layer ---- */
/* 33-byte compressed form of a 64-byte public key: 0, or ETHC_ERR_INVALID. */
int p2p_pubkey_compress(const uint8_t pubkey[64], uint8_t out[33]);
/* The 64-byte form of a 33-byte compressed key: 0, or ETHC_ERR_INVALID. */
int p2p_pubkey_decompress(const uint8_t in[33], uint8_t pubkey[64]);
/* True when the 64 bytes are a point on the curve. */
bool p2p_pubkey_valid(const uint8_t pubkey[64]);
/* The node id keccak256(pubkey). */
void p2p_node_id(const uint8_t pubkey[64], uint8_t id[32]);

#ifdef __cplusplus
}
#endif

#endif
