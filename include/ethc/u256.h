/* 256-bit unsigned and two's-complement integers with the EVM's exact semantics
 * (Yellow Paper appendix H.2: ADD..EXP, SDIV/SMOD, ADDMOD/MULMOD, SIGNEXTEND, BYTE,
 * SHL/SHR/SAR of EIP-145). Four 64-bit little-endian limbs, no allocation. */
#ifndef ETHC_U256_H
#define ETHC_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* w[0] is the least significant limb. */
typedef struct { uint64_t w[4]; } u256_t;

#define U256_ZERO ((u256_t){{0, 0, 0, 0}})
#define U256_ONE ((u256_t){{1, 0, 0, 0}})
#define U256_MAX ((u256_t){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}})

static inline u256_t u256_from_u64(uint64_t v) { return (u256_t){{v, 0, 0, 0}}; }
static inline bool u256_is_zero(const u256_t *a) { return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0; }
static inline bool u256_fits_u64(const u256_t *a) { return (a->w[1] | a->w[2] | a->w[3]) == 0; }
static inline bool u256_eq(const u256_t *a, const u256_t *b) {
  return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}
static inline bool u256_lt(const u256_t *a, const u256_t *b) {
  for (int i = 3; i >= 0; i--)
    if (a->w[i] != b->w[i]) return a->w[i] < b->w[i];
  return false;
}
static inline bool u256_is_neg(const u256_t *a) { return (int64_t)a->w[3] < 0; }
bool u256_slt(const u256_t *a, const u256_t *b);

/* Conversions: big-endian bytes (as in memory, storage keys, RLP). */
void u256_from_be(u256_t *r, const uint8_t be[32]);
void u256_to_be(const u256_t *a, uint8_t be[32]);
/* From a big-endian string of 0..32 bytes; longer input returns false. */
bool u256_from_be_bytes(u256_t *r, const uint8_t *be, size_t len);
/* Number of significant bits / bytes (0 for zero). */
unsigned u256_bit_length(const u256_t *a);
unsigned u256_byte_length(const u256_t *a);
/* Hex: "0x..." lower-case minimal (0 -> "0x0"); out needs 67 bytes. */
void u256_to_hex(const u256_t *a, char out[67]);
/* Parses "0x" + 1..64 hex digits (no 0x accepted too) or, with neither, decimal;
 * returns false on bad digits, empty input or overflow. */
bool u256_from_string(u256_t *r, const char *s);

/* Arithmetic, all modulo 2^256; r may alias a or b. */
void u256_add(u256_t *r, const u256_t *a, const u256_t *b);
void u256_sub(u256_t *r, const u256_t *a, const u256_t *b);
void u256_mul(u256_t *r, const u256_t *a, const u256_t *b);
/* DIV/MOD/SDIV/SMOD: division by zero gives zero; SDIV(-2^255, -1) = -2^255. */
void u256_div(u256_t *r, const u256_t *a, const u256_t *b);
void u256_mod(u256_t *r, const u256_t *a, const u256_t *b);
void u256_divmod(u256_t *q, u256_t *rem, const u256_t *a, const u256_t *b);
void u256_sdiv(u256_t *r, const u256_t *a, const u256_t *b);
void u256_smod(u256_t *r, const u256_t *a, const u256_t *b);
/* (a + b) mod m and (a * b) mod m with 512-bit intermediates; m = 0 gives 0. */
void u256_addmod(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *m);
void u256_mulmod(u256_t *r, const u256_t *a, const u256_t *b, const u256_t *m);
void u256_exp(u256_t *r, const u256_t *base, const u256_t *exponent);
/* SIGNEXTEND(b, x): extend the sign of byte b (0 = least significant) of x. */
void u256_signextend(u256_t *r, const u256_t *b, const u256_t *x);
/* BYTE(i, x): byte i of x counting from the most significant (i >= 32 gives 0). */
void u256_byte(u256_t *r, const u256_t *i, const u256_t *x);
/* Shifts by a 256-bit amount as EIP-145 defines them. */
void u256_shl(u256_t *r, const u256_t *shift, const u256_t *x);
void u256_shr(u256_t *r, const u256_t *shift, const u256_t *x);
void u256_sar(u256_t *r, const u256_t *shift, const u256_t *x);
void u256_and(u256_t *r, const u256_t *a, const u256_t *b);
void u256_or(u256_t *r, const u256_t *a, const u256_t *b);
void u256_xor(u256_t *r, const u256_t *a, const u256_t *b);
void u256_not(u256_t *r, const u256_t *a);
/* Count leading zeros (EIP-7939 CLZ); 256 for zero. */
unsigned u256_clz(const u256_t *a);

#endif
