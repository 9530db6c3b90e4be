/* What the KZG files share beyond kzg.h (kzg.c defines them): decoding a
 * commitment or proof, and the pairing check against the built-in [tau]G2
 * whose Miller-loop lines kzg.c prepares once. Thread-safe. */
#ifndef ETHC_KZG_INTERNAL_H
#define ETHC_KZG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bls_internal.h"

/* A compressed G1 point (48 bytes, ZCash format) checked to be in G1 (the
 * point at infinity included): false when it is not. */
bool kzg_g1_decode(g1_aff_t *r, const uint8_t in[48]);

/* e(l, -G2) * e(p, [tau]G2) == 1: verify_kzg_proof's equation with l = C -
 * [y]G1 + [z]proof and p = proof, or the batch's with the combined points.
 * False also when the built-in setup point failed to decode. */
bool kzg_pairing_check_tau(const g1_aff_t *l, const g1_aff_t *p);

#endif
