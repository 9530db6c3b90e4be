/* The BLAKE2b compression function F (RFC 7693 section 3.2) with a caller-chosen
 * number of rounds, as exposed by the EIP-152 precompile at 0x09. */
#ifndef ETHC_BLAKE2_H
#define ETHC_BLAKE2_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Compresses message block m (16 little-endian words) into state h with the
 * 128-bit offset counter t[0] (low) / t[1] (high); `last` sets the final-block flag.
 * `rounds` may be anything from 0 to 2^32-1 (standard BLAKE2b uses 12).
 * Uses the AVX2 implementation when the CPU has it, else the portable one. */
void blake2b_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t rounds);

/* The portable C implementation (always available). */
void blake2b_compress_portable(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t rounds);

/* True if blake2b_compress_avx2 can run on this CPU (x86-64 with AVX2). */
bool blake2b_have_avx2(void);

/* The AVX2 implementation: returns 0, or ETHC_ERR_UNSUPPORTED (h untouched) when
 * the CPU or the build lacks AVX2. */
int blake2b_compress_avx2(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last, uint32_t rounds);

#ifdef __cplusplus
}
#endif

#endif
