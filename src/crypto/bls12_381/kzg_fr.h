/* BLS12-381's scalar field Fr for the KZG code (kzg_fr.c): elements in
 * Montgomery form. Call kzg_fr_init once (thread-safe, idempotent) before
 * any other function. All functions are pure and thread-safe after it. */
#ifndef ETHC_KZG_FR_H
#define ETHC_KZG_FR_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  uint64_t l[4]; /* little-endian limbs, Montgomery form (times 2^256 mod r) */
} fr_t;

extern const uint64_t KZG_FR_MODULUS[4]; /* r, little-endian limbs */
extern fr_t kzg_fr_one;

void kzg_fr_init(void);
void kzg_fr_add(fr_t *o, const fr_t *a, const fr_t *b);
void kzg_fr_sub(fr_t *o, const fr_t *a, const fr_t *b);
void kzg_fr_mul(fr_t *o, const fr_t *a, const fr_t *b);
bool kzg_fr_is_zero(const fr_t *a);
void kzg_fr_pow(fr_t *o, const fr_t *a, const uint64_t e[4]); /* e: little-endian limbs */
void kzg_fr_inv(fr_t *o, const fr_t *a);                      /* 0 -> 0 */
bool kzg_fr_from_be(fr_t *o, const uint8_t in[32]);           /* false when >= r */
void kzg_fr_to_be(uint8_t out[32], const fr_t *a);
/* The plain value (not Montgomery form) from 32 big-endian bytes: false when
 * >= r. kzg_fr_mul of a plain value and a Montgomery one is their product as
 * a plain value; kzg_fr_add works on either form. kzg_fr_to_mont converts. */
bool kzg_fr_from_be_plain(fr_t *o, const uint8_t in[32]);
void kzg_fr_to_mont(fr_t *o, const fr_t *plain);
void kzg_fr_from_u64(fr_t *o, uint64_t v);
void kzg_fr_from_hash(fr_t *o, const uint8_t h[32]); /* hash_to_bls_field: big-endian h mod r */
/* The primitive 2^log_n-th root of unity 7^((r - 1) / 2^log_n), log_n <= 32. */
void kzg_fr_root_of_unity(unsigned log_n, fr_t *out);

#endif
