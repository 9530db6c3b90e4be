/* Helpers the tracers of src/evm/tracers/ share: a JSON text buffer whose
 * appends remember a failed allocation instead of reporting each one. */
#ifndef ETHC_EVM_TRACERS_INTERNAL_H
#define ETHC_EVM_TRACERS_INTERNAL_H

#include <stdbool.h>

#include "ethc/bytes.h"
#include "ethc/tracer.h"

typedef struct {
  bytes_buf_t b;
  bool error; /* an append ran out of memory: the text is incomplete */
} jbuf_t;

void jb_raw(jbuf_t *j, const char *s, size_t n);
void jb_str(jbuf_t *j, const char *s);
void jb_printf(jbuf_t *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void jb_hex(jbuf_t *j, const uint8_t *p, size_t n); /* "0x..." with quotes */
void jb_u256(jbuf_t *j, const u256_t *v);           /* "0x2": no leading zeros */
void jb_word(jbuf_t *j, const u256_t *v);           /* "0x" and 64 digits */
void jb_u64_hex(jbuf_t *j, uint64_t v);             /* "0x1f" */
void jb_flush(jbuf_t *j, ethc_write_fn write, void *wctx);
void jb_free(jbuf_t *j);

#endif
