/* KZG polynomial-commitment proof verification for EIP-4844 blobs (the
 * point-evaluation precompile 0x0a), over BLS12-381 with the Ethereum KZG
 * ceremony's [tau]G2 (g2_monomial[1]) built in. */
#ifndef ETHC_KZG_H
#define ETHC_KZG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KZG_FIELD_ELEMENTS_PER_BLOB 4096
#define KZG_POINT_EVALUATION_GAS 50000

/* BLS_MODULUS (the order r of G1/G2), 32 bytes big-endian. */
extern const uint8_t kzg_bls_modulus[32];

/* 0x01 || sha256(commitment)[1:]. */
void kzg_commitment_to_versioned_hash(const uint8_t commitment[48], uint8_t out[32]);

/* Checks that `proof` opens `commitment` at z to y: e(C - [y]G1, -G2) *
 * e(proof, [tau]G2 - [z]G2) == 1. z and y are 32-byte big-endian field elements.
 * Returns 0 and sets *ok, or ETHC_ERR_INVALID when z or y >= BLS_MODULUS or a
 * point does not decode to an element of G1. */
int kzg_verify_proof(const uint8_t commitment[48], const uint8_t z[32], const uint8_t y[32], const uint8_t proof[48],
                     bool *ok);

/* The whole point-evaluation precompile: in = versioned_hash(32) || z(32) || y(32) ||
 * commitment(48) || proof(48). On success writes FIELD_ELEMENTS_PER_BLOB and
 * BLS_MODULUS as two 32-byte words and returns 0; any invalid input or a failed
 * proof returns ETHC_ERR_INVALID. */
int kzg_point_evaluation(const uint8_t *in, size_t len, uint8_t out[64]);

#ifdef __cplusplus
}
#endif

#endif
