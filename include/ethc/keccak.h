/* Keccak-256 and Keccak-512 (the original Keccak padding 0x01 used by Ethereum,
 * not NIST SHA-3's 0x06), over the Keccak-f[1600] permutation (FIPS 202 section 3). */
#ifndef ETHC_KECCAK_H
#define ETHC_KECCAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void keccak256(const uint8_t *data, size_t len, uint8_t out[32]);
void keccak512(const uint8_t *data, size_t len, uint8_t out[64]);
/* Fixed-size forms (one-word KECCAK256, trie nodes, Ethash items): the same
 * digests as keccak256/keccak512 of 32 or 64 bytes, without length dispatch. */
void keccak256_32(const uint8_t data[32], uint8_t out[32]);
void keccak256_64(const uint8_t data[64], uint8_t out[32]);
void keccak512_64(const uint8_t data[64], uint8_t out[64]);
/* The permutation itself, exposed for benchmarks and incremental users. */
void keccakf1600(uint64_t state[25]);

/* The BMI1/BMI2 (ANDN, RORX) build is chosen at startup when the CPU has it; this
 * switches between it and the portable one (for tests and benchmarks; not
 * thread-safe). Returns 0, or -1 when `bmi` is asked for but unavailable. */
int keccak_select_impl(bool bmi);

/* Incremental Keccak-256 for data that arrives in pieces (RLPx MACs, tries). */
typedef struct {
  uint64_t state[25];
  size_t pos; /* bytes absorbed into the current block */
} keccak256_ctx_t;
void keccak256_init(keccak256_ctx_t *ctx);
void keccak256_update(keccak256_ctx_t *ctx, const uint8_t *data, size_t len);
/* Writes the digest; ctx is left unchanged so a running hash can be peeked. */
void keccak256_final(const keccak256_ctx_t *ctx, uint8_t out[32]);

#ifdef __cplusplus
}
#endif

#endif
