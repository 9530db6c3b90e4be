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

/* ---- blobs (kzg_blob.c: deneb polynomial-commitments.md) ---- */

#define KZG_BYTES_PER_BLOB 131072 /* FIELD_ELEMENTS_PER_BLOB 32-byte big-endian field elements */

/* compute_challenge: sha256("FSBLOBVERIFY_V1_" || 4096 as 16 bytes || blob ||
 * commitment) mod BLS_MODULUS, as 32 big-endian bytes. Thread-safe. */
void kzg_blob_challenge(const uint8_t *blob, const uint8_t commitment[48], uint8_t z[32]);

/* evaluate_polynomial_in_evaluation_form: the blob's polynomial (its elements are
 * the evaluations at the bit-reversed 4096th roots of unity) at z, by the
 * barycentric formula. 0, ETHC_ERR_INVALID when z or an element is >=
 * BLS_MODULUS, or ETHC_ERR_NOMEM. Thread-safe (the roots are computed once). */
int kzg_blob_evaluate(const uint8_t *blob, const uint8_t z[32], uint8_t y[32]);

/* The i-th (0 <= i < 4096) root of unity in bit-reversal order, big-endian. */
void kzg_root_of_unity_brp(size_t i, uint8_t out[32]);

/* verify_blob_kzg_proof: that `commitment` commits to `blob`, by its proof at
 * the Fiat-Shamir challenge. Returns 0 and sets *ok, or ETHC_ERR_INVALID when a
 * blob element is not a field element or a point does not decode to G1
 * (ETHC_ERR_NOMEM when out of memory). Thread-safe. */
int kzg_verify_blob_proof(const uint8_t *blob, const uint8_t commitment[48], const uint8_t proof[48], bool *ok);

/* verify_blob_kzg_proof_batch: that commitments[i] commits to blobs[i] by
 * proofs[i], for all n, in one check (the proofs combined by the powers of a
 * Fiat-Shamir challenge, two pairings in all; true for n = 0). Same returns
 * as kzg_verify_blob_proof; *ok false when any one fails. Thread-safe. */
int kzg_verify_blob_proof_batch(const uint8_t *const *blobs, const uint8_t (*commitments)[48],
                                const uint8_t (*proofs)[48], size_t n, bool *ok);

/* EIP-7594 (Osaka's version-1 blob sidecar): that proofs[i * 128 + c] proves
 * cell c of blob i's extension against commitments[i], for all 128 cells of
 * each of the n blobs, in one verify_cell_kzg_proof_batch (cells computed
 * from the blobs by compute_cells). Returns 0 and sets *ok, or
 * ETHC_ERR_INVALID (a blob element not in the field, a point not in G1, more
 * than 128 blobs), ETHC_ERR_NOMEM. Thread-safe. */
int kzg_verify_blob_cell_proofs(const uint8_t *const *blobs, const uint8_t (*commitments)[48], size_t n,
                                const uint8_t (*proofs)[48], bool *ok);

#ifdef __cplusplus
}
#endif

#endif
