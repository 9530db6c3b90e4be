/* Shared by the libFuzzer harnesses: an assertion that traps (so libFuzzer keeps
 * the input) and a reader that takes bytes off the fuzzer's input front to back. */
#ifndef ETHC_FUZZ_INPUT_H
#define ETHC_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

static inline void must(int cond) {
  if (!cond) __builtin_trap();
}

typedef struct {
  const uint8_t *p;
  size_t n;
} rd_t;

/* The next byte in *b: 1, or 0 when the input is used up. */
static inline int rd_byte(rd_t *r, uint8_t *b) {
  if (!r->n) return 0;
  *b = *r->p++;
  r->n--;
  return 1;
}

/* Up to `want` bytes (fewer at the end of the input; *got says how many). */
static inline const uint8_t *rd_take(rd_t *r, size_t want, size_t *got) {
  *got = want < r->n ? want : r->n;
  const uint8_t *p = r->p;
  r->p += *got;
  r->n -= *got;
  return p;
}

#endif
