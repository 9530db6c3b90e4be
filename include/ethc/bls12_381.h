/* BLS12-381 operations as the EIP-2537 precompiles (0x0b..0x11, final version)
 * define them, plus ZCash-format point decompression and a generic pairing check
 * used by KZG (EIP-4844) and the beacon light client.
 * Encodings (EIP-2537): Fp = 64 bytes big-endian with the top 16 bytes zero and the
 * value < p; Fp2 = c0 || c1; G1 = x || y (128 bytes), G2 = x || y (256 bytes); all
 * zero bytes = the point at infinity; scalars = 32 bytes big-endian, not reduced. */
#ifndef ETHC_BLS12_381_H
#define ETHC_BLS12_381_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BLS12_G1_SIZE 128
#define BLS12_G2_SIZE 256
#define BLS12_G1MSM_PAIR_SIZE 160   /* G1 point + scalar */
#define BLS12_G2MSM_PAIR_SIZE 288   /* G2 point + scalar */
#define BLS12_PAIRING_PAIR_SIZE 384 /* G1 point + G2 point */

/* Each returns 0 and writes `out`, or ETHC_ERR_INVALID when the input is malformed
 * (wrong length, empty where a list is expected, a coordinate >= p or with non-zero
 * padding, a point off the curve, or - for MSM and pairing - outside the
 * prime-order subgroup), or ETHC_ERR_NOMEM. */

/* 0x0b: P + Q; in = 256 bytes (no subgroup check); out = 128 bytes. */
int bls12_g1_add(const uint8_t *in, size_t len, uint8_t out[BLS12_G1_SIZE]);
/* 0x0c: sum k_i P_i; in = k * 160 bytes, k >= 1 (k = 1 is the single multiplication). */
int bls12_g1_msm(const uint8_t *in, size_t len, uint8_t out[BLS12_G1_SIZE]);
/* 0x0d: P + Q on G2; in = 512 bytes; out = 256 bytes. */
int bls12_g2_add(const uint8_t *in, size_t len, uint8_t out[BLS12_G2_SIZE]);
/* 0x0e: G2 MSM; in = k * 288 bytes, k >= 1. */
int bls12_g2_msm(const uint8_t *in, size_t len, uint8_t out[BLS12_G2_SIZE]);
/* 0x0f: prod e(P_i, Q_i) == 1; in = k * 384 bytes, k >= 1; out = 32-byte 0 or 1. */
int bls12_pairing_check(const uint8_t *in, size_t len, uint8_t out[32]);
/* 0x10: map an Fp element (64 bytes) to G1. */
int bls12_map_fp_to_g1(const uint8_t *in, size_t len, uint8_t out[BLS12_G1_SIZE]);
/* 0x11: map an Fp2 element (128 bytes) to G2. */
int bls12_map_fp2_to_g2(const uint8_t *in, size_t len, uint8_t out[BLS12_G2_SIZE]);

/* Gas of the EIP-2537 precompiles (final schedule). MSM gas uses the discount
 * tables (k = len / pair size, 0 when k = 0); pairing is 32600 k + 37700. */
#define BLS12_G1ADD_GAS 375
#define BLS12_G2ADD_GAS 600
#define BLS12_G1MUL_GAS 12000
#define BLS12_G2MUL_GAS 22500
#define BLS12_MAP_FP_TO_G1_GAS 5500
#define BLS12_MAP_FP2_TO_G2_GAS 23800
int64_t bls12_g1_msm_gas(size_t len);
int64_t bls12_g2_msm_gas(size_t len);
int64_t bls12_pairing_gas(size_t len);

/* ZCash compressed points (48-byte G1, 96-byte G2, flag bits in the first byte).
 * Decompress to the EIP-2537 uncompressed encoding. `check_subgroup` also
 * requires membership of the prime-order subgroup. 0 or ETHC_ERR_INVALID. */
int bls12_g1_decompress(const uint8_t in[48], bool check_subgroup, uint8_t out[BLS12_G1_SIZE]);
int bls12_g2_decompress(const uint8_t in[96], bool check_subgroup, uint8_t out[BLS12_G2_SIZE]);
/* The reverse: an EIP-2537 encoded point (validated: field range, on the curve)
 * to its compressed form. 0 or ETHC_ERR_INVALID. */
int bls12_g1_compress(const uint8_t in[BLS12_G1_SIZE], uint8_t out[48]);
int bls12_g2_compress(const uint8_t in[BLS12_G2_SIZE], uint8_t out[96]);

/* Hash-to-curve (RFC 9380, suite BLS12381G2_XMD:SHA-256_SSWU_RO_) with domain
 * separation tag `dst`; writes the EIP-2537 encoding of the G2 point. */
int bls12_hash_to_g2(const uint8_t *msg, size_t len, const uint8_t *dst, size_t dst_len, uint8_t out[BLS12_G2_SIZE]);

/* BLS signatures as the Ethereum consensus layer uses them (IETF BLS draft,
 * minimal-pubkey-size, proof-of-possession scheme): public keys are compressed G1
 * points (48 bytes), signatures compressed G2 points (96 bytes), messages hashed
 * with BLS12_SIG_DST. Return 0 and set *ok, or ETHC_ERR_INVALID when a key or the
 * signature does not decode to a subgroup point (or a key is the identity). */
#define BLS12_SIG_DST "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"
int bls12_verify(const uint8_t pk[48], const uint8_t *msg, size_t len, const uint8_t sig[96], bool *ok);
/* All n >= 1 keys signed the same message: verify against their sum. */
int bls12_fast_aggregate_verify(const uint8_t (*pks)[48], size_t n, const uint8_t *msg, size_t len,
                                const uint8_t sig[96], bool *ok);

#ifdef __cplusplus
}
#endif

#endif
