/* alt_bn128 (bn254) curve operations as used by the EVM precompiles 0x06-0x08
 * (EIP-196 point addition and scalar multiplication, EIP-197 pairing check).
 * All encodings are big-endian 32-byte words; (0, 0) encodes the point at infinity. */
#ifndef ETHC_BN254_H
#define ETHC_BN254_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sizes of the EIP-196/197 encodings. */
#define BN254_G1_SIZE 64  /* x, y */
#define BN254_G2_SIZE 128 /* x.im, x.re, y.im, y.re */
#define BN254_PAIR_SIZE 192

/* Adds two G1 points. in: x1, y1, x2, y2 (128 bytes, already zero-padded by the caller).
 * out: the sum (64 bytes). Returns 0, or ETHC_ERR_INVALID when a coordinate is >= p or a
 * point is not on the curve (out is then untouched). */
int bn254_g1_add_bytes(const uint8_t in[128], uint8_t out[64]);

/* Multiplies a G1 point by a 256-bit scalar. in: x, y, k (96 bytes). out: k*P (64 bytes).
 * Returns 0 or ETHC_ERR_INVALID (coordinate >= p, point not on curve). */
int bn254_g1_mul_bytes(const uint8_t in[96], uint8_t out[64]);

/* Pairing check: in holds n = len/192 pairs (G1 point, G2 point). *ok is set to whether
 * e(P1,Q1) * ... * e(Pn,Qn) == 1 (true for n = 0). Returns 0, or ETHC_ERR_INVALID when
 * len is not a multiple of 192, a coordinate is >= p, a point is not on its curve, or a
 * G2 point is not in the order-r subgroup; ETHC_ERR_NOMEM on allocation failure. */
int bn254_pairing_check_bytes(const uint8_t *in, size_t len, bool *ok);

/* G1 scalar multiplication by a plain double-and-add (reference for tests and benches);
 * same contract as bn254_g1_mul_bytes. */
int bn254_g1_mul_bytes_simple(const uint8_t in[96], uint8_t out[64]);

#ifdef __cplusplus
}
#endif

#endif
