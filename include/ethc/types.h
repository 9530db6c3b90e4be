/* Fixed-size Ethereum values shared by every layer: 20-byte addresses and
 * 32-byte hashes, both big-endian byte strings as they appear on the wire. */
#ifndef ETHC_TYPES_H
#define ETHC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint8_t bytes[20];
} ethc_address_t;
typedef struct {
  uint8_t bytes[32];
} ethc_hash_t;

static inline bool ethc_address_eq(const ethc_address_t *a, const ethc_address_t *b) {
  return memcmp(a->bytes, b->bytes, 20) == 0;
}
static inline bool ethc_hash_eq(const ethc_hash_t *a, const ethc_hash_t *b) {
  return memcmp(a->bytes, b->bytes, 32) == 0;
}

#ifdef __cplusplus
}
#endif

#endif
