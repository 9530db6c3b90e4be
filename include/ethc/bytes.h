/* Byte strings and strict hex: spans over borrowed memory, growable buffers,
 * and hex parsing that rejects odd lengths, bad digits and a missing 0x. */
#ifndef ETHC_BYTES_H
#define ETHC_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A borrowed, read-only view of bytes. */
typedef struct {
  const uint8_t *data;
  size_t len;
} bytes_view_t;

/* An owned, growable buffer. Zero-initialise, then append; bytes_buf_free frees. */
typedef struct {
  uint8_t *data;
  size_t len;
  size_t cap;
} bytes_buf_t;

static inline bytes_view_t bytes_view(const uint8_t *data, size_t len) { return (bytes_view_t){data, len}; }

/* Ensure room for `extra` more bytes; 0 or ETHC_ERR_NOMEM. */
int bytes_buf_reserve(bytes_buf_t *b, size_t extra);
int bytes_buf_append(bytes_buf_t *b, const uint8_t *data, size_t len);
int bytes_buf_push(bytes_buf_t *b, uint8_t byte);
void bytes_buf_free(bytes_buf_t *b);

/* Reads a whole file into a malloc'd buffer followed by a NUL byte (so text can be
 * parsed in place; the NUL is not counted in *len). NULL when the file cannot be
 * read or memory runs out; errno tells why. `len` may be NULL. */
uint8_t *bytes_read_file(const char *path, size_t *len);

/* An ethc_write_fn (types.h) for a stdio stream: `file` is a FILE *. Returns 0,
 * or -1 when fwrite writes fewer than `len` bytes (errno as fwrite left it). As
 * thread-safe as fwrite on that stream. */
int ethc_write_stdio(void *file, const uint8_t *data, size_t len);

/* Hex decoding. `require_prefix`: "0x" must be present (else it is optional).
 * Odd digit counts and non-hex characters are ETHC_ERR_HEX.
 * hex_decode writes at most out_cap bytes (ETHC_ERR_HEX if more are needed);
 * hex_decode_alloc mallocs the result (caller frees; empty input gives len 0, data
 * a valid non-NULL pointer). */
int hex_decode(const char *hex, bool require_prefix, uint8_t *out, size_t out_cap, size_t *out_len);
int hex_decode_alloc(const char *hex, bool require_prefix, uint8_t **out, size_t *out_len);
/* Exactly `len` bytes (for hashes and addresses): ETHC_ERR_HEX if the size differs. */
int hex_decode_fixed(const char *hex, bool require_prefix, uint8_t *out, size_t len);
/* Lower-case hex with "0x"; out needs 2 * len + 3 bytes. Returns out. */
char *hex_encode(const uint8_t *data, size_t len, char *out);

#ifdef __cplusplus
}
#endif

#endif
