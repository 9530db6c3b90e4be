/* A streaming JSON writer into one growable buffer, for JSON-RPC responses
 * (RFC 8259 output; the hex encodings of the Ethereum JSON-RPC spec,
 * execution-apis "QUANTITY" and "DATA"). Commas are placed by the writer; an
 * allocation failure latches `oom` and later calls do nothing. */
#ifndef ETHC_RPC_JSON_WRITER_H
#define ETHC_RPC_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"
#include "ethc/u256.h"

#define JW_MAX_DEPTH 64

typedef struct {
  char *buf;
  size_t len, cap;
  bool oom;
  int depth;
  bool need_comma[JW_MAX_DEPTH]; /* per open container: an element was written */
  bool after_key;                /* a key was written: its value needs no comma */
} jw_t;

/* A position to roll back to (a failed method call drops what it wrote). */
typedef struct {
  size_t len;
  int depth;
  bool need_comma;
  bool after_key;
} jw_mark_t;

void jw_init(jw_t *w);
void jw_free(jw_t *w);
void jw_reset(jw_t *w);
jw_mark_t jw_mark(const jw_t *w);
void jw_rollback(jw_t *w, jw_mark_t m);
/* Hands the buffer (NUL-terminated) to the caller, who frees it; the writer is reset. */
char *jw_take(jw_t *w, size_t *len);

void jw_obj_begin(jw_t *w);
void jw_obj_end(jw_t *w);
void jw_arr_begin(jw_t *w);
void jw_arr_end(jw_t *w);
void jw_key(jw_t *w, const char *key); /* a plain ASCII key, no escaping */

void jw_null(jw_t *w);
void jw_bool(jw_t *w, bool v);
void jw_str(jw_t *w, const char *s, size_t len); /* escaped */
void jw_cstr(jw_t *w, const char *s);
void jw_int(jw_t *w, int64_t v);                    /* a JSON number */
void jw_double(jw_t *w, double v);                  /* a JSON number (0 for NaN or infinity, which JSON lacks) */
void jw_raw(jw_t *w, const char *text, size_t len); /* already-valid JSON value */
void jw_qty(jw_t *w, uint64_t v);                   /* "0x2a" */
void jw_qty256(jw_t *w, const u256_t *v);
void jw_data(jw_t *w, const uint8_t *d, size_t n); /* "0x" + 2n hex digits */
void jw_hash(jw_t *w, const ethc_hash_t *h);
void jw_addr(jw_t *w, const ethc_address_t *a);

/* key + value shorthands */
static inline void jw_kqty(jw_t *w, const char *k, uint64_t v) { jw_key(w, k), jw_qty(w, v); }
static inline void jw_kqty256(jw_t *w, const char *k, const u256_t *v) { jw_key(w, k), jw_qty256(w, v); }
static inline void jw_khash(jw_t *w, const char *k, const ethc_hash_t *h) { jw_key(w, k), jw_hash(w, h); }
static inline void jw_kaddr(jw_t *w, const char *k, const ethc_address_t *a) { jw_key(w, k), jw_addr(w, a); }
static inline void jw_kdata(jw_t *w, const char *k, const uint8_t *d, size_t n) { jw_key(w, k), jw_data(w, d, n); }

#endif
