/* What the tracers share: frame kind names, go-ethereum's error messages, and a
 * growable JSON text buffer that remembers a failed allocation. */
#include "evm/tracers/tracers_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *evm_trace_kind_name(evm_trace_kind_t k) {
  switch (k) {
    case EVM_TRACE_CALL: return "CALL";
    case EVM_TRACE_CALLCODE: return "CALLCODE";
    case EVM_TRACE_DELEGATECALL: return "DELEGATECALL";
    case EVM_TRACE_STATICCALL: return "STATICCALL";
    case EVM_TRACE_CREATE: return "CREATE";
    case EVM_TRACE_CREATE2: return "CREATE2";
    case EVM_TRACE_SELFDESTRUCT: return "SELFDESTRUCT";
  }
  return "CALL";
}

const char *evm_trace_error_message(evm_status_t s) {
  switch (s) {
    case EVM_SUCCESS: return NULL;
    case EVM_REVERT: return "execution reverted";
    case EVM_OUT_OF_GAS: return "out of gas";
    case EVM_INVALID_INSTRUCTION: return "invalid opcode: INVALID";
    case EVM_UNDEFINED_INSTRUCTION: return "invalid opcode";
    case EVM_STACK_OVERFLOW: return "stack overflow";
    case EVM_STACK_UNDERFLOW: return "stack underflow";
    case EVM_BAD_JUMP_DESTINATION: return "invalid jump destination";
    case EVM_INVALID_MEMORY_ACCESS: return "return data out of bounds";
    case EVM_CALL_DEPTH_EXCEEDED: return "max call depth exceeded";
    case EVM_STATIC_MODE_VIOLATION: return "write protection";
    case EVM_PRECOMPILE_FAILURE: return "precompiled contract failed";
    case EVM_CONTRACT_VALIDATION_FAILURE: return "contract validation failed";
    case EVM_INSUFFICIENT_BALANCE: return "insufficient balance for transfer";
    case EVM_ARGUMENT_OUT_OF_RANGE: return "argument out of range";
    case EVM_FAILURE: return "execution failed";
    case EVM_INTERNAL_ERROR: return "internal error";
  }
  return "execution failed";
}

void jb_raw(jbuf_t *j, const char *s, size_t n) {
  if (j->error) return;
  if (bytes_buf_append(&j->b, (const uint8_t *)s, n) != 0) j->error = true;
}

void jb_str(jbuf_t *j, const char *s) { jb_raw(j, s, strlen(s)); }

void jb_printf(jbuf_t *j, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  jb_raw(j, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void jb_hex(jbuf_t *j, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  jb_raw(j, "\"0x", 3);
  if (j->error || bytes_buf_reserve(&j->b, 2 * n + 1) != 0) {
    j->error = true;
    return;
  }
  char *o = (char *)j->b.data + j->b.len;
  for (size_t i = 0; i < n; i++) {
    o[2 * i] = digits[p[i] >> 4];
    o[2 * i + 1] = digits[p[i] & 15];
  }
  j->b.len += 2 * n;
  jb_raw(j, "\"", 1);
}

void jb_u256(jbuf_t *j, const u256_t *v) {
  char buf[67];
  u256_to_hex(v, buf);
  jb_raw(j, "\"", 1);
  jb_str(j, buf);
  jb_raw(j, "\"", 1);
}

void jb_word(jbuf_t *j, const u256_t *v) {
  uint8_t be[32];
  u256_to_be(v, be);
  jb_hex(j, be, 32);
}

void jb_u64_hex(jbuf_t *j, uint64_t v) { jb_printf(j, "\"0x%llx\"", (unsigned long long)v); }

void jb_flush(jbuf_t *j, ethc_write_fn write, void *wctx) {
  if (write && j->b.len) write(wctx, j->b.data, j->b.len);
  j->b.len = 0;
}

void jb_free(jbuf_t *j) {
  bytes_buf_free(&j->b);
  j->error = false;
}
