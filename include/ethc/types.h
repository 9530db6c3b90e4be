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

/* A byte sink for the library's output (chain_export, EVM traces): writes all
 * `len` bytes of `data` to the destination `ctx` stands for. Returns 0 on success,
 * non-zero on failure (the writer then stops and reports ETHC_ERR_IO). It is
 * called from the thread that called the writing function; `data` is only valid
 * during the call. ethc_write_stdio (bytes.h) is one for a stdio stream. */
typedef int (*ethc_write_fn)(void *ctx, const uint8_t *data, size_t len);

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
