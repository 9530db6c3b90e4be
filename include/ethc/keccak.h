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

/* Keccak-256 of four independent messages: out[k] = keccak256(data[k], len[k]).
 * On x86-64 with AVX2 (or AVX-512VL) the four permutations run side by side in
 * vector registers when the messages have the same number of full 136-byte blocks
 * (as a batch of headers does); otherwise it is four keccak256 calls. Outputs
 * must not overlap the inputs. Thread-safe. */
void keccak256_x4(const uint8_t *const data[4], const size_t len[4], uint8_t *const out[4]);
/* Chooses keccak256_x4's code: 0 = four scalar calls, 1 = AVX2, 2 = AVX-512VL
 * (the best available is chosen at startup). Returns 0, or -1 when the CPU lacks
 * it. For tests and benchmarks; not thread-safe. */
int keccak_x4_select_impl(int level);

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
