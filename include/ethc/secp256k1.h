/* secp256k1 ECDSA for Ethereum (Yellow Paper appendix F) over libsecp256k1: public
 * key recovery from (hash, recid, r, s), Ethereum addresses, and signing for tests.
 * One shared context, created on first use (thread-safe). */
#ifndef ETHC_SECP256K1_H
#define ETHC_SECP256K1_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when 0 < r < n and 0 < s < n, and, if `require_low_s` (Homestead+ transaction
 * signatures, EIP-2), s <= n/2. r and s are 32-byte big-endian. */
bool ethc_secp256k1_valid_rs(const uint8_t r[32], const uint8_t s[32], bool require_low_s);

/* Recovers the 64-byte uncompressed public key (x || y, big-endian, no 0x04 prefix)
 * that signed `hash`. recid is 0 or 1 (callers convert v: 27/28, EIP-155, typed txs).
 * Returns 0, or ETHC_ERR_TX_SIGNATURE for out-of-range values or an unrecoverable
 * signature, ETHC_ERR_INVALID for a bad recid. */
int ethc_secp256k1_recover(const uint8_t hash[32], int recid, const uint8_t r[32], const uint8_t s[32],
                           bool require_low_s, uint8_t pubkey[64]);
/* The same, returning keccak256(pubkey)[12..32]. */
int ethc_secp256k1_recover_address(const uint8_t hash[32], int recid, const uint8_t r[32], const uint8_t s[32],
                                   bool require_low_s, ethc_address_t *addr);

/* Ethereum address of a 64-byte public key. */
void ethc_secp256k1_pubkey_to_address(const uint8_t pubkey[64], ethc_address_t *addr);
/* Public key of a 32-byte secret key; ETHC_ERR_INVALID when the key is 0 or >= n. */
int ethc_secp256k1_pubkey_create(const uint8_t seckey[32], uint8_t pubkey[64]);
/* Deterministic (RFC 6979) low-s signature of `hash`: r, s and the recovery id 0/1. */
int ethc_secp256k1_sign(const uint8_t seckey[32], const uint8_t hash[32], uint8_t r[32], uint8_t s[32], int *recid);

#ifdef __cplusplus
}
#endif

#endif
