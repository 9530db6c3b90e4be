/* The EVM interpreter (Yellow Paper section 9 and appendix H, with every EIP that
 * changed instructions or gas from Frontier to Cancun, plus Osaka's CLZ): execution
 * states, memory, host-facing instructions (calls, creates, storage, logs) and the
 * public entry points. The hot dispatch loop lives in interp_loop.inc. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/keccak.h"
#include "evm/interp_internal.h"
#include "evm/opcodes.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define NOINLINE __attribute__((noinline))

/* Compile-time copies of the opcode traits so the loop folds them to constants. */
#define X_IN(code, name, in, out, gas, fork) [code] = in,
static const uint8_t k_in[256] = {EVM_OPCODES(X_IN)};
#define X_CHANGE(code, name, in, out, gas, fork) [code] = (out) - (in),
static const int8_t k_change[256] = {EVM_OPCODES(X_CHANGE)};
#define X_FIXED(code, name, in, out, gas, fork) [code] = !EVM_OP_REPRICED(code),
static const uint8_t k_fixed[256] = {EVM_OPCODES(X_FIXED)};
#define X_GAS(code, name, in, out, gas, fork) [code] = gas,
static const int16_t k_gas[256] = {EVM_OPCODES(X_GAS)};

enum {
#define X_ENUM(code, name, in, out, gas, fork) OP_##name = code,
  EVM_OPCODES(X_ENUM)
};

#define MAX_INITCODE_SIZE 49152 /* EIP-3860 */
#define MAX_MEMORY ((uint64_t)UINT32_MAX)
#define COLD_ACCOUNT_EXTRA 2500 /* EIP-2929: 2600 cold - 100 warm */
#define COLD_SLOAD_EXTRA 2000   /* 2100 cold - 100 warm */
#define COLD_SLOAD_COST 2100

/* ---------------------------------------------------------------- helpers */

static inline uint64_t be64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
static inline uint64_t be16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
static inline void put_be64(uint8_t *p, uint64_t v) {
  v = __builtin_bswap64(v);
  memcpy(p, &v, 8);
}
static inline void load_be32(u256_t *r, const uint8_t *p) {
  r->w[3] = be64(p), r->w[2] = be64(p + 8), r->w[1] = be64(p + 16), r->w[0] = be64(p + 24);
}
static inline void store_be32(uint8_t *p, const u256_t *v) {
  put_be64(p, v->w[3]), put_be64(p + 8, v->w[2]), put_be64(p + 16, v->w[1]), put_be64(p + 24, v->w[0]);
}
static inline void to_addr(const u256_t *v, ethc_address_t *a) {
  uint32_t hi = (uint32_t)v->w[2];
  a->bytes[0] = (uint8_t)(hi >> 24), a->bytes[1] = (uint8_t)(hi >> 16);
  a->bytes[2] = (uint8_t)(hi >> 8), a->bytes[3] = (uint8_t)hi;
  put_be64(a->bytes + 4, v->w[1]);
  put_be64(a->bytes + 12, v->w[0]);
}
static inline void from_addr(u256_t *v, const ethc_address_t *a) {
  v->w[3] = 0;
  v->w[2] = ((uint64_t)a->bytes[0] << 24) | ((uint64_t)a->bytes[1] << 16) | ((uint64_t)a->bytes[2] << 8) | a->bytes[3];
  v->w[1] = be64(a->bytes + 4);
  v->w[0] = be64(a->bytes + 12);
}
static inline bool fits_mem(const u256_t *v) { return (v->w[1] | v->w[2] | v->w[3]) == 0 && v->w[0] <= MAX_MEMORY; }
static inline uint64_t num_words(uint64_t size) { return (size + 31) / 32; }
/* fits_mem for the offset operand of MLOAD/MSTORE/MSTORE8, read from the stack slot:
 * one OR chain with memory operands, where loading the item first (sload) cost four
 * loads and two tests. */
static inline __attribute__((always_inline)) bool mem_offset_ok(const u256_t *v) {
  return (v->w[1] | v->w[2] | v->w[3] | (v->w[0] >> 32)) == 0;
}

/* Reads a stack item as four 64-bit scalars. The empty asm keeps the compiler from
 * merging the loads into 16-byte vector loads, which stall (failed store-to-load
 * forwarding) when the item was just written by 8-byte stores. */
static inline __attribute__((always_inline)) u256_t sload(const u256_t *p) {
  uint64_t a = p->w[0], b = p->w[1], c = p->w[2], d = p->w[3];
  __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
  return (u256_t){{a, b, c, d}};
}

/* ADD and SUB of the two top items in place (sp[-1] = sp[0] op sp[-1]), and ADD of a
 * small constant. GCC routes the carry builtins' outputs through a stack slot and
 * merges the result limbs into vector stores inside the big dispatch function, so
 * on x86-64 GCC the carry chain is written out; clang compiles u256_add well. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ASM_CARRY_CHAIN 1
#endif

static inline __attribute__((always_inline)) void add_top(u256_t *sp) {
#ifdef ASM_CARRY_CHAIN
  uint64_t r0 = sp[0].w[0], r1 = sp[0].w[1], r2 = sp[0].w[2], r3 = sp[0].w[3];
  __asm__("addq %4, %0\n\tadcq %5, %1\n\tadcq %6, %2\n\tadcq %7, %3"
          : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
          : "m"(sp[-1].w[0]), "m"(sp[-1].w[1]), "m"(sp[-1].w[2]), "m"(sp[-1].w[3])
          : "cc");
  sp[-1].w[0] = r0, sp[-1].w[1] = r1, sp[-1].w[2] = r2, sp[-1].w[3] = r3;
#else
  u256_add(&sp[-1], &sp[0], &sp[-1]);
#endif
}

static inline __attribute__((always_inline)) void sub_top(u256_t *sp) {
#ifdef ASM_CARRY_CHAIN
  uint64_t r0 = sp[0].w[0], r1 = sp[0].w[1], r2 = sp[0].w[2], r3 = sp[0].w[3];
  __asm__("subq %4, %0\n\tsbbq %5, %1\n\tsbbq %6, %2\n\tsbbq %7, %3"
          : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
          : "m"(sp[-1].w[0]), "m"(sp[-1].w[1]), "m"(sp[-1].w[2]), "m"(sp[-1].w[3])
          : "cc");
  sp[-1].w[0] = r0, sp[-1].w[1] = r1, sp[-1].w[2] = r2, sp[-1].w[3] = r3;
#else
  u256_sub(&sp[-1], &sp[0], &sp[-1]);
#endif
}

/* a < b, unsigned (the borrow out of a - b) */
static inline __attribute__((always_inline)) bool lt_words(const u256_t *a, const u256_t *b) {
#ifdef ASM_CARRY_CHAIN
  uint64_t t0 = a->w[0], t1 = a->w[1], t2 = a->w[2], t3 = a->w[3];
  bool borrow;
  __asm__("subq %5, %1\n\tsbbq %6, %2\n\tsbbq %7, %3\n\tsbbq %8, %4"
          : "=@ccc"(borrow), "+r"(t0), "+r"(t1), "+r"(t2), "+r"(t3)
          : "r"(b->w[0]), "r"(b->w[1]), "r"(b->w[2]), "r"(b->w[3]));
  return borrow;
#else
  return u256_lt(a, b);
#endif
}

/* MUL of the two top items in place (sp[-1] = sp[0] * sp[-1], truncated). Both
 * compilers kept all eight operand limbs and the partial sums in registers inside
 * the dispatch function, ran out, and spilled through the stack (63 instructions
 * with clang, 76 with GCC); on x86-64 the schoolbook rows are written out instead,
 * each multiply taking its operands straight from the stack items: 6 MULs for the
 * products that carry into a higher limb, 4 IMULs for those that only reach the top
 * limb, 43 instructions. */
static inline __attribute__((always_inline)) void mul_top(u256_t *sp) {
#if defined(__x86_64__) && defined(__GNUC__)
  uint64_t r0, r1, r2, r3, lo, hi;
  __asm__(
      "movq %[a0], %%rax\n\tmulq %[b0]\n\tmovq %%rax, %[r0]\n\tmovq %%rdx, %[r1]\n\t"
      "movq %[a0], %%rax\n\tmulq %[b1]\n\taddq %%rax, %[r1]\n\tadcq $0, %%rdx\n\tmovq %%rdx, %[r2]\n\t"
      "movq %[a0], %%rax\n\tmulq %[b2]\n\taddq %%rax, %[r2]\n\tadcq $0, %%rdx\n\tmovq %%rdx, %[r3]\n\t"
      "movq %[a0], %%rax\n\timulq %[b3], %%rax\n\taddq %%rax, %[r3]\n\t"
      "movq %[a1], %%rax\n\tmulq %[b0]\n\taddq %%rax, %[r1]\n\tadcq %%rdx, %[r2]\n\tadcq $0, %[r3]\n\t"
      "movq %[a1], %%rax\n\tmulq %[b1]\n\taddq %%rax, %[r2]\n\tadcq %%rdx, %[r3]\n\t"
      "movq %[a1], %%rax\n\timulq %[b2], %%rax\n\taddq %%rax, %[r3]\n\t"
      "movq %[a2], %%rax\n\tmulq %[b0]\n\taddq %%rax, %[r2]\n\tadcq %%rdx, %[r3]\n\t"
      "movq %[a2], %%rax\n\timulq %[b1], %%rax\n\taddq %%rax, %[r3]\n\t"
      "movq %[a3], %%rax\n\timulq %[b0], %%rax\n\taddq %%rax, %[r3]"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), "=&a"(lo), "=&d"(hi)
      : [a0] "m"(sp[0].w[0]), [a1] "m"(sp[0].w[1]), [a2] "m"(sp[0].w[2]), [a3] "m"(sp[0].w[3]), [b0] "m"(sp[-1].w[0]),
        [b1] "m"(sp[-1].w[1]), [b2] "m"(sp[-1].w[2]), [b3] "m"(sp[-1].w[3])
      : "cc");
  (void)lo, (void)hi;
  sp[-1].w[0] = r0, sp[-1].w[1] = r1, sp[-1].w[2] = r2, sp[-1].w[3] = r3;
#else
  u256_mul(&sp[-1], &sp[0], &sp[-1]);
#endif
}

/* SHR and SHL of sp[-1] by sp[0] in place. A shift by less than a limb (BLAKE2's and
 * SHA-1's rotations) is three double-width SHRD/SHLD and one plain shift on x86-64;
 * the compilers built it from single shifts with the count in CL moved around, or
 * through limb selects that only matter for longer shifts (46 to 60 instructions).
 * Longer shifts take the general path. SHRD/SHLD by 0 leave the limb unchanged. */
static inline __attribute__((always_inline)) void shr_top(u256_t *sp) {
#if defined(__x86_64__) && defined(__GNUC__)
  const uint64_t n = sp[0].w[0];
  if (UNLIKELY((sp[0].w[1] | sp[0].w[2] | sp[0].w[3] | (n >> 8)) != 0)) { /* 256 or more */
    sp[-1] = U256_ZERO;
    return;
  }
  if (LIKELY(n < 64)) {
    uint64_t r0 = sp[-1].w[0], r1 = sp[-1].w[1], r2 = sp[-1].w[2], r3 = sp[-1].w[3];
    __asm__("shrdq %%cl, %[r1], %[r0]\n\tshrdq %%cl, %[r2], %[r1]\n\tshrdq %%cl, %[r3], %[r2]\n\tshrq %%cl, %[r3]"
            : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3)
            : "c"(n)
            : "cc");
    sp[-1].w[0] = r0, sp[-1].w[1] = r1, sp[-1].w[2] = r2, sp[-1].w[3] = r3;
    return;
  }
  u256_shr_n(&sp[-1], &sp[-1], (unsigned)n);
#else
  u256_shr(&sp[-1], &sp[0], &sp[-1]);
#endif
}

static inline __attribute__((always_inline)) void shl_top(u256_t *sp) {
#if defined(__x86_64__) && defined(__GNUC__)
  const uint64_t n = sp[0].w[0];
  if (UNLIKELY((sp[0].w[1] | sp[0].w[2] | sp[0].w[3] | (n >> 8)) != 0)) { /* 256 or more */
    sp[-1] = U256_ZERO;
    return;
  }
  if (LIKELY(n < 64)) {
    uint64_t r0 = sp[-1].w[0], r1 = sp[-1].w[1], r2 = sp[-1].w[2], r3 = sp[-1].w[3];
    __asm__("shldq %%cl, %[r2], %[r3]\n\tshldq %%cl, %[r1], %[r2]\n\tshldq %%cl, %[r0], %[r1]\n\tshlq %%cl, %[r0]"
            : [r0] "+r"(r0), [r1] "+r"(r1), [r2] "+r"(r2), [r3] "+r"(r3)
            : "c"(n)
            : "cc");
    sp[-1].w[0] = r0, sp[-1].w[1] = r1, sp[-1].w[2] = r2, sp[-1].w[3] = r3;
    return;
  }
  u256_shl_n(&sp[-1], &sp[-1], (unsigned)n);
#else
  u256_shl(&sp[-1], &sp[0], &sp[-1]);
#endif
}

/* x += k (k < 2^64) */
static inline __attribute__((always_inline)) void add_small(u256_t *x, uint64_t k) {
#ifdef ASM_CARRY_CHAIN
  uint64_t r0 = x->w[0], r1 = x->w[1], r2 = x->w[2], r3 = x->w[3];
  __asm__("addq %4, %0\n\tadcq $0, %1\n\tadcq $0, %2\n\tadcq $0, %3"
          : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)
          : "r"(k)
          : "cc");
  x->w[0] = r0, x->w[1] = r1, x->w[2] = r2, x->w[3] = r3;
#else
  uint64_t c;
  const uint64_t r0 = u256__addc(x->w[0], k, 0, &c);
  const uint64_t r1 = u256__addc(x->w[1], 0, c, &c);
  const uint64_t r2 = u256__addc(x->w[2], 0, c, &c);
  const uint64_t r3 = x->w[3] + c;
  x->w[0] = r0, x->w[1] = r1, x->w[2] = r2, x->w[3] = r3;
#endif
}

/* PUSHn: n big-endian bytes at p (n is a compile-time constant at each use). Reads
 * past the push data are safe thanks to the analysis padding. */
static inline __attribute__((always_inline)) void load_push(u256_t *r, const uint8_t *p, int n) {
  uint64_t w[4] = {0, 0, 0, 0};
  const int full = n / 8, part = n % 8;
  const uint8_t *q = p + n;
  for (int i = 0; i < full; i++) {
    q -= 8;
    w[i] = be64(q);
  }
  if (part) w[full] = be64(p) >> (64 - 8 * part);
  r->w[0] = w[0], r->w[1] = w[1], r->w[2] = w[2], r->w[3] = w[3];
}

static const evm_tx_context_t *txc(evm_frame_t *f) {
  if (!f->txc_loaded) {
    memset(&f->txc, 0, sizeof f->txc);
    f->host->get_tx_context(f->hctx, &f->txc);
    f->txc_loaded = true;
  }
  return &f->txc;
}

static void release_child(evm_frame_t *f) {
  if (f->has_child) {
    evm_result_release(&f->child);
    f->has_child = false;
  }
  f->rdata = NULL;
  f->rdata_size = 0;
}

/* Memory growth to cover [0, end): charges 3w + w^2/512 (new - old). Capacity grows
 * geometrically and is kept per depth; the bytes past mem_size are always zero (new
 * capacity is zeroed here, evm_execute clears what an execution used), so growing
 * within the capacity writes nothing. */
static NOINLINE int64_t mem_grow(evm_frame_t *f, int64_t gas, uint64_t end) {
  uint64_t nw = num_words(end), ow = f->mem_size / 32;
  int64_t cost = (int64_t)(3 * nw + nw * nw / 512) - (int64_t)(3 * ow + ow * ow / 512);
  gas -= cost;
  if (gas < 0) {
    f->status = EVM_OUT_OF_GAS;
    return -1;
  }
  size_t nb = (size_t)nw * 32;
  if (nb > f->mem_cap) {
    size_t cap = f->mem_cap ? f->mem_cap * 2 : 4096;
    if (cap < nb) cap = (nb + 4095) & ~(size_t)4095;
    uint8_t *m = realloc(f->mem, cap);
    if (!m) {
      f->status = EVM_INTERNAL_ERROR;
      return -1;
    }
    memset(m + f->mem_cap, 0, cap - f->mem_cap);
    f->mem = m;
    f->mem_cap = cap;
  }
  f->mem_size = nb;
  return gas;
}

/* Growth for MLOAD/MSTORE/MSTORE8: within the capacity (already zero) it only
 * charges and moves mem_size, inline; otherwise mem_grow reallocates. */
static inline __attribute__((always_inline)) int64_t mem_grow_inline(evm_frame_t *f, int64_t gas, uint64_t end) {
  const uint64_t nw = num_words(end);
  if (UNLIKELY(nw * 32 > f->mem_cap)) return mem_grow(f, gas, end);
  const uint64_t ow = f->mem_size / 32;
  gas -= (int64_t)(3 * nw + nw * nw / 512) - (int64_t)(3 * ow + ow * ow / 512);
  if (UNLIKELY(gas < 0)) {
    f->status = EVM_OUT_OF_GAS;
    return -1;
  }
  f->mem_size = nw * 32;
  return gas;
}

/* Checks and charges memory for [off, off+size); size 0 touches nothing. */
static inline int64_t mem_check(evm_frame_t *f, int64_t gas, const u256_t *off, const u256_t *size) {
  if (u256_is_zero(size)) return gas;
  if (UNLIKELY(!fits_mem(off) || !fits_mem(size))) {
    f->status = EVM_OUT_OF_GAS;
    return -1;
  }
  uint64_t end = off->w[0] + size->w[0];
  if (end > f->mem_size) return mem_grow(f, gas, end);
  return gas;
}

static inline int64_t charge(evm_frame_t *f, int64_t gas, int64_t cost) {
  gas -= cost;
  if (UNLIKELY(gas < 0)) {
    f->status = EVM_OUT_OF_GAS;
    return -1;
  }
  return gas;
}

static inline int64_t fail(evm_frame_t *f, evm_status_t s) {
  f->status = s;
  return -1;
}

/* Copies src[off .. off+size) into dst, zero-filling beyond src_len. */
static void copy_padded(uint8_t *dst, const uint8_t *src, size_t src_len, const u256_t *off, uint64_t size) {
  uint64_t o = (off->w[1] | off->w[2] | off->w[3]) ? UINT64_MAX : off->w[0];
  uint64_t n = 0;
  if (o < src_len) n = src_len - o < size ? src_len - o : size;
  if (n) memcpy(dst, src + o, n);
  if (n < size) memset(dst + n, 0, size - n);
}

static inline bool is_cold_account(evm_frame_t *f, const ethc_address_t *a) {
  return f->rev >= EVM_BERLIN && f->host->access_account(f->hctx, a) == EVM_ACCESS_COLD;
}

/* ------------------------------------------------------ calls and creates */

/* EIP-7702 (Prague): the code of a delegated account is 0xef0100 || address. */
static bool get_delegate(evm_frame_t *f, const ethc_address_t *a, ethc_address_t *delegate) {
  if (f->host->get_code_size(f->hctx, a) != 23) return false;
  uint8_t buf[23];
  if (f->host->copy_code(f->hctx, a, 0, buf, 23) != 23) return false;
  if (buf[0] != 0xef || buf[1] != 0x01 || buf[2] != 0x00) return false;
  memcpy(delegate->bytes, buf + 3, 20);
  return true;
}

/* Frame events for the tracer (only when one is set; see ethc/tracer.h). */
static NOINLINE void trace_enter(evm_frame_t *f, uint8_t op, const evm_message_t *msg, const ethc_address_t *to) {
  const evm_tracer_t *t = f->vm->tracer;
  if (!t->on_enter) return;
  evm_trace_enter_t e;
  memset(&e, 0, sizeof e);
  switch (op) {
    case OP_CALL: e.kind = EVM_TRACE_CALL; break;
    case OP_CALLCODE: e.kind = EVM_TRACE_CALLCODE; break;
    case OP_DELEGATECALL: e.kind = EVM_TRACE_DELEGATECALL; break;
    case OP_STATICCALL: e.kind = EVM_TRACE_STATICCALL; break;
    case OP_CREATE: e.kind = EVM_TRACE_CREATE; break;
    default: e.kind = EVM_TRACE_CREATE2; break;
  }
  e.depth = msg->depth;
  e.from = f->msg->recipient;
  if (to) e.to = *to;
  if (op != OP_DELEGATECALL && op != OP_STATICCALL) e.value = msg->value;
  e.gas = msg->gas;
  e.input = msg->input;
  e.input_size = msg->input_size;
  t->on_enter(f->vm->tracer_ctx, &e);
}

static NOINLINE void trace_exit(evm_frame_t *f, const evm_message_t *msg, const evm_result_t *r) {
  const evm_tracer_t *t = f->vm->tracer;
  if (!t->on_exit) return;
  evm_trace_exit_t x;
  memset(&x, 0, sizeof x);
  x.depth = msg->depth;
  x.status = r->status;
  x.gas_left = r->gas_left;
  x.gas_used = msg->gas - r->gas_left;
  x.output = r->output;
  x.output_size = r->output_size;
  if ((msg->kind == EVM_CREATE || msg->kind == EVM_CREATE2) && r->status == EVM_SUCCESS) {
    x.create_address = r->create_address;
    if (f->host->get_code) { /* the deployed code, as go-ethereum reports a create's output */
      ethc_hash_t h;
      size_t n = 0;
      const uint8_t *code = f->host->get_code(f->hctx, &r->create_address, &n, &h);
      x.output = code;
      x.output_size = code ? n : 0;
    }
  }
  t->on_exit(f->vm->tracer_ctx, &x);
}

static NOINLINE void trace_log(evm_frame_t *f, const ethc_hash_t *topics, size_t nt, const uint8_t *data, size_t n) {
  const evm_tracer_t *t = f->vm->tracer;
  if (t->on_log) t->on_log(f->vm->tracer_ctx, f->msg->depth, &f->msg->recipient, topics, nt, data, n);
}

/* SELFDESTRUCT, reported as go-ethereum does: a frame one deeper, from the
 * account to the beneficiary, moving its balance, with no gas. */
static NOINLINE void trace_selfdestruct(evm_frame_t *f, const ethc_address_t *beneficiary) {
  const evm_tracer_t *t = f->vm->tracer;
  evm_trace_enter_t e;
  memset(&e, 0, sizeof e);
  e.kind = EVM_TRACE_SELFDESTRUCT;
  e.depth = f->msg->depth + 1;
  e.from = f->msg->recipient;
  e.to = *beneficiary;
  f->host->get_balance(f->hctx, &f->msg->recipient, &e.value);
  if (t->on_enter) t->on_enter(f->vm->tracer_ctx, &e);
  evm_trace_exit_t x;
  memset(&x, 0, sizeof x);
  x.depth = e.depth;
  x.status = EVM_SUCCESS;
  if (t->on_exit) t->on_exit(f->vm->tracer_ctx, &x);
}

/* A call or create the interpreter refuses (depth, balance): reported as a frame
 * that returns all its gas. */
static NOINLINE void trace_refused(evm_frame_t *f, uint8_t op, const evm_message_t *msg, const ethc_address_t *to,
                                   evm_status_t s) {
  trace_enter(f, op, msg, to);
  evm_result_t r;
  memset(&r, 0, sizeof r);
  r.status = s;
  r.gas_left = msg->gas;
  trace_exit(f, msg, &r);
}

static NOINLINE int64_t op_call(evm_frame_t *f, uint8_t op, u256_t *sp, int64_t gas) {
  const evm_message_t *m = f->msg;
  const bool has_value_arg = (op == OP_CALL || op == OP_CALLCODE);
  ethc_address_t dst;
  to_addr(&sp[-1], &dst);
  u256_t value = has_value_arg ? sp[-2] : U256_ZERO;
  u256_t *a = has_value_arg ? sp - 3 : sp - 2;
  const u256_t in_off = a[0], in_size = a[-1], out_off = a[-2], out_size = a[-3];
  const u256_t gas_req = sp[0];
  u256_t *result = a - 3;

  if (is_cold_account(f, &dst) && (gas = charge(f, gas, COLD_ACCOUNT_EXTRA)) < 0) return -1;
  if ((gas = mem_check(f, gas, &in_off, &in_size)) < 0) return -1;
  if ((gas = mem_check(f, gas, &out_off, &out_size)) < 0) return -1;

  ethc_address_t code_addr = dst;
  bool delegated = false;
  if (f->rev >= EVM_PRAGUE) {
    ethc_address_t del;
    if (get_delegate(f, &dst, &del)) {
      int64_t c = f->host->access_account(f->hctx, &del) == EVM_ACCESS_COLD ? 2600 : 100;
      if ((gas = charge(f, gas, c)) < 0) return -1;
      code_addr = del;
      delegated = true;
    }
  }

  const bool has_value = !u256_is_zero(&value);
  if (op == OP_CALL && has_value && m->is_static) return fail(f, EVM_STATIC_MODE_VIOLATION);
  int64_t extra = 0;
  if (has_value) extra += 9000;
  if (op == OP_CALL && (has_value || f->rev < EVM_SPURIOUS_DRAGON) && !f->host->account_exists(f->hctx, &dst))
    extra += 25000;
  if ((gas = charge(f, gas, extra)) < 0) return -1;

  int64_t g = (!u256_fits_u64(&gas_req) || gas_req.w[0] > (uint64_t)INT64_MAX) ? INT64_MAX : (int64_t)gas_req.w[0];
  if (f->rev >= EVM_TANGERINE_WHISTLE) {
    int64_t cap = gas - gas / 64;
    if (g > cap) g = cap;
  } else if (g > gas) {
    return fail(f, EVM_OUT_OF_GAS);
  }

  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  msg.depth = m->depth + 1;
  msg.is_static = m->is_static || op == OP_STATICCALL;
  msg.code_address = code_addr;
  msg.delegated = delegated;
  switch (op) {
    case OP_CALL: msg.kind = EVM_CALL, msg.recipient = dst, msg.sender = m->recipient, msg.value = value; break;
    case OP_CALLCODE:
      msg.kind = EVM_CALLCODE, msg.recipient = m->recipient, msg.sender = m->recipient, msg.value = value;
      break;
    case OP_DELEGATECALL:
      msg.kind = EVM_DELEGATECALL, msg.recipient = m->recipient, msg.sender = m->sender, msg.value = m->value;
      break;
    default: /* STATICCALL */ msg.kind = EVM_CALL, msg.recipient = dst, msg.sender = m->recipient; break;
  }
  if (!u256_is_zero(&in_size)) {
    msg.input = f->mem + in_off.w[0];
    msg.input_size = (size_t)in_size.w[0];
  }

  release_child(f);
  *result = U256_ZERO;
  gas -= g;
  msg.gas = g;
  if (has_value) msg.gas += 2300; /* the stipend is free for the caller */
  const bool traced = UNLIKELY(f->vm->tracer != NULL);
  if (m->depth >= 1024) {
    if (traced) trace_refused(f, op, &msg, &dst, EVM_CALL_DEPTH_EXCEEDED);
    return gas + msg.gas;
  }
  if (has_value) {
    u256_t bal;
    f->host->get_balance(f->hctx, &m->recipient, &bal);
    if (u256_lt(&bal, &value)) {
      if (traced) trace_refused(f, op, &msg, &dst, EVM_INSUFFICIENT_BALANCE);
      return gas + msg.gas;
    }
  }
  if (traced) trace_enter(f, op, &msg, &dst);
  evm_result_t r = f->host->call(f->hctx, &msg);
  if (traced) trace_exit(f, &msg, &r);
  f->child = r;
  f->has_child = true;
  f->rdata = r.output;
  f->rdata_size = r.output_size;
  if (r.status == EVM_SUCCESS) {
    *result = U256_ONE;
    f->refund += r.gas_refund;
  }
  if (!u256_is_zero(&out_size) && r.output_size) {
    size_t n = r.output_size < out_size.w[0] ? r.output_size : (size_t)out_size.w[0];
    memcpy(f->mem + out_off.w[0], r.output, n);
  }
  return gas + r.gas_left;
}

static NOINLINE int64_t op_create(evm_frame_t *f, uint8_t op, u256_t *sp, int64_t gas) {
  const evm_message_t *m = f->msg;
  if (m->is_static) return fail(f, EVM_STATIC_MODE_VIOLATION);
  const u256_t value = sp[0], off = sp[-1], size = sp[-2];
  const u256_t salt = op == OP_CREATE2 ? sp[-3] : U256_ZERO; /* read before *result is cleared */
  u256_t *result = (op == OP_CREATE2) ? sp - 3 : sp - 2;
  if ((gas = mem_check(f, gas, &off, &size)) < 0) return -1;
  uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
  if (f->rev >= EVM_SHANGHAI && n > MAX_INITCODE_SIZE) return fail(f, EVM_OUT_OF_GAS);
  int64_t per_word = (op == OP_CREATE2 ? 6 : 0) + (f->rev >= EVM_SHANGHAI ? 2 : 0);
  if ((gas = charge(f, gas, per_word * (int64_t)num_words(n))) < 0) return -1;

  release_child(f);
  *result = U256_ZERO;
  evm_message_t msg;
  memset(&msg, 0, sizeof msg);
  msg.kind = op == OP_CREATE2 ? EVM_CREATE2 : EVM_CREATE;
  msg.depth = m->depth + 1;
  msg.gas = f->rev >= EVM_TANGERINE_WHISTLE ? gas - gas / 64 : gas;
  msg.sender = m->recipient;
  msg.value = value;
  if (n) {
    msg.input = f->mem + off.w[0];
    msg.input_size = (size_t)n;
  }
  const bool traced = UNLIKELY(f->vm->tracer != NULL);
  if (m->depth >= 1024) {
    if (traced) trace_refused(f, op, &msg, NULL, EVM_CALL_DEPTH_EXCEEDED);
    return gas;
  }
  if (!u256_is_zero(&value)) {
    u256_t bal;
    f->host->get_balance(f->hctx, &m->recipient, &bal);
    if (u256_lt(&bal, &value)) {
      if (traced) trace_refused(f, op, &msg, NULL, EVM_INSUFFICIENT_BALANCE);
      return gas;
    }
  }
  if (op == OP_CREATE2) store_be32(msg.salt.bytes, &salt);
  gas -= msg.gas;
  if (traced) trace_enter(f, op, &msg, NULL);
  evm_result_t r = f->host->call(f->hctx, &msg);
  if (traced) trace_exit(f, &msg, &r);
  gas += r.gas_left;
  if (r.status == EVM_SUCCESS) {
    f->refund += r.gas_refund;
    from_addr(result, &r.create_address);
    evm_result_release(&r); /* return data is empty after a successful create */
  } else {
    f->child = r;
    f->has_child = true;
    f->rdata = r.output;
    f->rdata_size = r.output_size;
  }
  return gas;
}

static NOINLINE int64_t op_selfdestruct(evm_frame_t *f, u256_t *sp, int64_t gas) {
  const evm_message_t *m = f->msg;
  if (m->is_static) return fail(f, EVM_STATIC_MODE_VIOLATION);
  ethc_address_t ben;
  to_addr(&sp[0], &ben);
  int64_t cost = 0;
  if (is_cold_account(f, &ben)) cost += 2600;
  if (f->rev >= EVM_TANGERINE_WHISTLE) {
    bool charge_new;
    if (f->rev >= EVM_SPURIOUS_DRAGON) {
      u256_t bal;
      f->host->get_balance(f->hctx, &m->recipient, &bal);
      charge_new = !u256_is_zero(&bal) && !f->host->account_exists(f->hctx, &ben);
    } else {
      charge_new = !f->host->account_exists(f->hctx, &ben);
    }
    if (charge_new) cost += 25000;
  }
  if ((gas = charge(f, gas, cost)) < 0) return -1;
  if (UNLIKELY(f->vm->tracer != NULL)) trace_selfdestruct(f, &ben);
  bool first = f->host->selfdestruct(f->hctx, &m->recipient, &ben);
  if (first && f->rev < EVM_LONDON) f->refund += 24000;
  return gas;
}

/* ------------------------------------------- the less frequent instructions */

/* sp points at the top item before the instruction; the result (if any) goes to
 * sp[1 - stack_in]. Returns the gas left or -1 with f->status set. */
/* LOG0..LOG4, out of op_misc so that its tracer hook does not weigh on the
 * registers of the other instructions there. */
static NOINLINE int64_t op_log(evm_frame_t *f, uint8_t op, u256_t *sp, int64_t gas) {
  const evm_message_t *m = f->msg;
  if (m->is_static) return fail(f, EVM_STATIC_MODE_VIOLATION);
  const unsigned nt = op - OP_LOG0;
  if ((gas = mem_check(f, gas, &sp[0], &sp[-1])) < 0) return -1;
  uint64_t n = u256_is_zero(&sp[-1]) ? 0 : sp[-1].w[0];
  if ((gas = charge(f, gas, 8 * (int64_t)n)) < 0) return -1;
  ethc_hash_t topics[4];
  for (unsigned i = 0; i < nt; i++) store_be32(topics[i].bytes, &sp[-2 - (int)i]);
  const uint8_t *data = n ? f->mem + sp[0].w[0] : NULL;
  f->host->emit_log(f->hctx, &m->recipient, data, (size_t)n, topics, nt);
  if (UNLIKELY(f->vm->tracer != NULL)) trace_log(f, topics, nt, data, (size_t)n);
  return gas;
}

static NOINLINE int64_t op_misc(evm_frame_t *f, uint8_t op, u256_t *sp, int64_t gas) {
  const evm_message_t *m = f->msg;
  const evm_host_t *h = f->host;
  u256_t *res = sp + 1 - k_in[op];
  switch (op) {
    case OP_EXP: {
      unsigned nbytes = u256_byte_length(&sp[-1]);
      if ((gas = charge(f, gas, (int64_t)nbytes * (f->rev >= EVM_SPURIOUS_DRAGON ? 50 : 10))) < 0) return -1;
      const u256_t base = sp[0], exponent = sp[-1];
      u256_exp(res, &base, &exponent);
      return gas;
    }
    case OP_KECCAK256: {
      if ((gas = mem_check(f, gas, &sp[0], &sp[-1])) < 0) return -1;
      uint64_t n = u256_is_zero(&sp[-1]) ? 0 : sp[-1].w[0];
      if ((gas = charge(f, gas, 6 * (int64_t)num_words(n))) < 0) return -1;
      uint8_t hash[32];
      keccak256(n ? f->mem + sp[0].w[0] : (const uint8_t *)"", (size_t)n, hash);
      load_be32(res, hash);
      return gas;
    }
    case OP_BALANCE: {
      ethc_address_t a;
      to_addr(&sp[0], &a);
      if (is_cold_account(f, &a) && (gas = charge(f, gas, COLD_ACCOUNT_EXTRA)) < 0) return -1;
      h->get_balance(f->hctx, &a, res);
      return gas;
    }
    case OP_ORIGIN: from_addr(res, &txc(f)->origin); return gas;
    case OP_CALLDATACOPY:
    case OP_CODECOPY:
    case OP_RETURNDATACOPY: {
      const u256_t moff = sp[0], doff = sp[-1], size = sp[-2];
      if ((gas = mem_check(f, gas, &moff, &size)) < 0) return -1;
      uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
      if (op == OP_RETURNDATACOPY) {
        /* n already fits 32 bits (mem_check); offset + size must stay inside the data */
        if (!u256_fits_u64(&doff) || doff.w[0] > f->rdata_size || n > f->rdata_size - doff.w[0])
          return fail(f, EVM_INVALID_MEMORY_ACCESS);
      }
      if ((gas = charge(f, gas, 3 * (int64_t)num_words(n))) < 0) return -1;
      if (!n) return gas;
      if (op == OP_CALLDATACOPY) copy_padded(f->mem + moff.w[0], m->input, m->input_size, &doff, n);
      else if (op == OP_CODECOPY) copy_padded(f->mem + moff.w[0], f->an->code, f->an->code_size, &doff, n);
      else memcpy(f->mem + moff.w[0], f->rdata + doff.w[0], (size_t)n);
      return gas;
    }
    case OP_CODESIZE: *res = u256_from_u64(f->an->code_size); return gas;
    case OP_GASPRICE: *res = txc(f)->gas_price; return gas;
    case OP_EXTCODESIZE: {
      ethc_address_t a;
      to_addr(&sp[0], &a);
      if (is_cold_account(f, &a) && (gas = charge(f, gas, COLD_ACCOUNT_EXTRA)) < 0) return -1;
      *res = u256_from_u64(h->get_code_size(f->hctx, &a));
      return gas;
    }
    case OP_EXTCODECOPY: {
      ethc_address_t a;
      to_addr(&sp[0], &a);
      const u256_t moff = sp[-1], coff = sp[-2], size = sp[-3];
      if ((gas = mem_check(f, gas, &moff, &size)) < 0) return -1;
      uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
      if ((gas = charge(f, gas, 3 * (int64_t)num_words(n))) < 0) return -1;
      if (is_cold_account(f, &a) && (gas = charge(f, gas, COLD_ACCOUNT_EXTRA)) < 0) return -1;
      if (n) {
        size_t copied = 0;
        if (u256_fits_u64(&coff) && coff.w[0] <= SIZE_MAX)
          copied = h->copy_code(f->hctx, &a, (size_t)coff.w[0], f->mem + moff.w[0], (size_t)n);
        if (copied < n) memset(f->mem + moff.w[0] + copied, 0, (size_t)(n - copied));
      }
      return gas;
    }
    case OP_RETURNDATASIZE: *res = u256_from_u64(f->rdata_size); return gas;
    case OP_EXTCODEHASH: {
      ethc_address_t a;
      to_addr(&sp[0], &a);
      if (is_cold_account(f, &a) && (gas = charge(f, gas, COLD_ACCOUNT_EXTRA)) < 0) return -1;
      ethc_hash_t hh;
      memset(&hh, 0, sizeof hh);
      h->get_code_hash(f->hctx, &a, &hh);
      load_be32(res, hh.bytes);
      return gas;
    }
    case OP_BLOCKHASH: {
      const int64_t cur = txc(f)->number;
      const u256_t num = sp[0];
      *res = U256_ZERO;
      if (u256_fits_u64(&num) && num.w[0] < (uint64_t)cur && num.w[0] + 256 >= (uint64_t)cur) {
        ethc_hash_t hh;
        memset(&hh, 0, sizeof hh);
        h->get_block_hash(f->hctx, (int64_t)num.w[0], &hh);
        load_be32(res, hh.bytes);
      }
      return gas;
    }
    case OP_COINBASE: from_addr(res, &txc(f)->coinbase); return gas;
    case OP_TIMESTAMP: *res = u256_from_u64((uint64_t)txc(f)->timestamp); return gas;
    case OP_NUMBER: *res = u256_from_u64((uint64_t)txc(f)->number); return gas;
    case OP_PREVRANDAO: *res = txc(f)->prev_randao; return gas;
    case OP_GASLIMIT: *res = u256_from_u64((uint64_t)txc(f)->gas_limit); return gas;
    case OP_CHAINID: *res = txc(f)->chain_id; return gas;
    case OP_SELFBALANCE: h->get_balance(f->hctx, &m->recipient, res); return gas;
    case OP_BASEFEE: *res = txc(f)->base_fee; return gas;
    case OP_BLOBHASH: {
      const evm_tx_context_t *t = txc(f);
      const u256_t idx = sp[0];
      if (u256_fits_u64(&idx) && idx.w[0] < t->blob_hashes_count) load_be32(res, t->blob_hashes[idx.w[0]].bytes);
      else *res = U256_ZERO;
      return gas;
    }
    case OP_BLOBBASEFEE: *res = txc(f)->blob_base_fee; return gas;
    case OP_SLOAD: {
      const u256_t key = sp[0];
      if (f->rev >= EVM_BERLIN && h->access_storage(f->hctx, &m->recipient, &key) == EVM_ACCESS_COLD &&
          (gas = charge(f, gas, COLD_SLOAD_EXTRA)) < 0)
        return -1;
      h->get_storage(f->hctx, &m->recipient, &key, res);
      return gas;
    }
    case OP_SSTORE: {
      if (m->is_static) return fail(f, EVM_STATIC_MODE_VIOLATION);
      if (f->rev >= EVM_ISTANBUL && gas <= 2300) return fail(f, EVM_OUT_OF_GAS); /* EIP-2200 sentry */
      const u256_t key = sp[0], val = sp[-1];
      int64_t cost = 0;
      if (f->rev >= EVM_BERLIN && h->access_storage(f->hctx, &m->recipient, &key) == EVM_ACCESS_COLD)
        cost = COLD_SLOAD_COST;
      evm_storage_status_t st = h->set_storage(f->hctx, &m->recipient, &key, &val);
      if ((unsigned)st > EVM_STORAGE_MODIFIED_RESTORED) return fail(f, EVM_INTERNAL_ERROR);
      const evm_sstore_cost_t *c = &evm_sstore_table[f->rev][st];
      f->refund += c->refund;
      return charge(f, gas, cost + c->gas);
    }
    case OP_TLOAD: {
      const u256_t key = sp[0];
      h->get_transient_storage(f->hctx, &m->recipient, &key, res);
      return gas;
    }
    case OP_TSTORE:
      if (m->is_static) return fail(f, EVM_STATIC_MODE_VIOLATION);
      h->set_transient_storage(f->hctx, &m->recipient, &sp[0], &sp[-1]);
      return gas;
    case OP_MCOPY: {
      const u256_t dst = sp[0], src = sp[-1], size = sp[-2];
      if (!u256_is_zero(&size)) {
        /* memory covers the higher of the two regions */
        const u256_t *hi = u256_lt(&dst, &src) ? &src : &dst;
        if ((gas = mem_check(f, gas, hi, &size)) < 0) return -1;
      }
      uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
      if ((gas = charge(f, gas, 3 * (int64_t)num_words(n))) < 0) return -1;
      if (n) memmove(f->mem + dst.w[0], f->mem + src.w[0], (size_t)n);
      return gas;
    }
    case OP_LOG0:
    case OP_LOG1:
    case OP_LOG2:
    case OP_LOG3:
    case OP_LOG4: return op_log(f, op, sp, gas);
    case OP_CREATE:
    case OP_CREATE2: return op_create(f, op, sp, gas);
    case OP_CALL:
    case OP_CALLCODE:
    case OP_DELEGATECALL:
    case OP_STATICCALL: return op_call(f, op, sp, gas);
    default: return fail(f, EVM_INTERNAL_ERROR);
  }
}

/* ------------------------------------------------------------- tracing */

static NOINLINE void trace_step(evm_frame_t *f, size_t pc, uint8_t op, int64_t gas, const u256_t *sp) {
  evm_trace_step_t s;
  s.pc = pc;
  s.op = op;
  s.base_cost = evm_gas_table[f->rev][op];
  s.gas = gas;
  s.depth = f->msg->depth;
  s.refund = f->refund;
  s.stack = f->stack + 1;
  s.stack_size = (size_t)(sp - f->stack);
  s.memory = f->mem;
  s.memory_size = f->mem_size;
  s.return_data = f->rdata;
  s.return_data_size = f->rdata_size;
  s.address = &f->msg->recipient;
  s.code_address = &f->msg->code_address;
  s.rev = f->rev;
  s.host = f->host;
  s.host_ctx = f->hctx;
  f->vm->tracer->on_step(f->vm->tracer_ctx, &s);
}

/* ------------------------------------------------------ the dispatch loops */

#define LOOP_NAME run_plain
#define TRACING 0
#include "evm/interp_loop.inc"
#undef LOOP_NAME
#undef TRACING

#define LOOP_NAME run_traced
#define TRACING 1
#include "evm/interp_loop.inc"
#undef LOOP_NAME
#undef TRACING

/* ------------------------------------------------------------- public API */

/* The dispatch loops build their per-fork label tables when called with no frame. */
static void build_dispatch_tables(void) {
  evm_tables_init();
  run_plain(NULL, 0);
  run_traced(NULL, 0);
}

static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

evm_t *evm_create(void) {
  pthread_once(&dispatch_once, build_dispatch_tables);
  evm_t *vm = calloc(1, sizeof *vm);
  if (vm) vm->ticks = EVM_TICKS;
  return vm;
}

uint64_t evm_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void evm_set_deadline(evm_t *vm, uint64_t deadline_ns) {
  vm->deadline_ns = deadline_ns;
  vm->timed_out = false;
  vm->ticks = EVM_TICKS;
}

bool evm_deadline_passed(const evm_t *vm) { return vm->timed_out; }

bool evm_tick(struct evm *vm) {
  if (vm->timed_out) {
    vm->ticks = 1; /* every jump fails until the execution has unwound */
    return true;
  }
  vm->ticks = EVM_TICKS;
  if (vm->deadline_ns && evm_now_ns() >= vm->deadline_ns) {
    vm->timed_out = true;
    vm->ticks = 1;
    return true;
  }
  return false;
}

void evm_destroy(evm_t *vm) {
  if (!vm) return;
  for (int i = 0; i < EVM_MAX_NEST; i++) {
    if (vm->frames[i]) {
      free(vm->frames[i]->mem);
      free(vm->frames[i]);
    }
  }
  evm_cache_free(&vm->cache);
  free(vm);
}

void evm_set_tracer(evm_t *vm, const evm_tracer_t *t, void *ctx) {
  vm->tracer = t;
  vm->tracer_ctx = t ? ctx : NULL;
}

const evm_tracer_t *evm_get_tracer(const evm_t *vm, void **ctx) {
  if (ctx) *ctx = vm->tracer_ctx;
  return vm->tracer;
}

void evm_trace_enter(const evm_t *vm, const evm_trace_enter_t *frame) {
  if (vm->tracer && vm->tracer->on_enter) vm->tracer->on_enter(vm->tracer_ctx, frame);
}

void evm_trace_exit(const evm_t *vm, const evm_trace_exit_t *frame) {
  if (vm->tracer && vm->tracer->on_exit) vm->tracer->on_exit(vm->tracer_ctx, frame);
}

void evm_trace_tx_start(const evm_t *vm, const evm_trace_tx_t *tx) {
  if (vm->tracer && vm->tracer->on_tx_start) vm->tracer->on_tx_start(vm->tracer_ctx, tx);
}

void evm_trace_tx_end(const evm_t *vm, const evm_trace_tx_end_t *end) {
  if (vm->tracer && vm->tracer->on_tx_end) vm->tracer->on_tx_end(vm->tracer_ctx, end);
}

const char *evm_op_name(evm_revision_t rev, uint8_t op) {
  if ((unsigned)rev >= EVM_REVISION_COUNT) return NULL;
  evm_tables_init();
  return evm_gas_table[rev][op] < 0 ? NULL : evm_op_names[op];
}

static void free_output(const evm_result_t *r) { free((void *)r->output); }

static evm_result_t make_failure(evm_status_t s) {
  evm_result_t r;
  memset(&r, 0, sizeof r);
  r.status = s;
  return r;
}

#define CACHE_MAX_BYTES ((size_t)256 << 20)

/* The analysis of `code`: from the cache when the host can name its hash (calls),
 * else a fresh one owned by the caller (*owned). */
static const evm_analysis_t *get_analysis(evm_t *vm, const evm_host_t *host, void *hctx, const evm_message_t *msg,
                                          const uint8_t *code, size_t code_size, evm_analysis_t **owned) {
  *owned = NULL;
  if (msg->kind != EVM_CREATE && msg->kind != EVM_CREATE2 && host->get_code) {
    size_t sz = 0;
    ethc_hash_t hash;
    memset(&hash, 0, sizeof hash);
    const uint8_t *p = host->get_code(hctx, &msg->code_address, &sz, &hash);
    static const ethc_hash_t zero;
    if (p && sz == code_size && !ethc_hash_eq(&hash, &zero) && (p == code || memcmp(p, code, sz) == 0)) {
      evm_analysis_t *a = evm_cache_find(&vm->cache, &hash);
      if (a) return a;
      a = evm_analyze(code, code_size);
      if (!a) return NULL;
      a->hash = hash;
      if (evm_cache_insert(&vm->cache, a)) return a;
      *owned = a;
      return a;
    }
  }
  *owned = evm_analyze(code, code_size);
  return *owned;
}

evm_result_t evm_execute(evm_t *vm, const evm_host_t *host, void *host_ctx, evm_revision_t rev,
                         const evm_message_t *msg, const uint8_t *code, size_t code_size) {
  if (!vm || !host || !msg || (unsigned)rev >= EVM_REVISION_COUNT || msg->gas < 0 || (!code && code_size))
    return make_failure(EVM_INTERNAL_ERROR);
  if (vm->nest >= EVM_MAX_NEST) return make_failure(EVM_CALL_DEPTH_EXCEEDED);
  /* the deadline (evm_set_deadline) is also seen by code that calls without jumping */
  if (--vm->ticks == 0 && evm_tick(vm)) return make_failure(EVM_FAILURE);
  evm_result_t res;
  memset(&res, 0, sizeof res);
  if (code_size == 0) {
    res.status = EVM_SUCCESS;
    res.gas_left = msg->gas;
    return res;
  }
  if (vm->nest == 0) evm_cache_trim(&vm->cache, CACHE_MAX_BYTES);
  evm_frame_t *f = vm->frames[vm->nest];
  if (!f) {
    f = malloc(sizeof *f);
    if (!f) return make_failure(EVM_INTERNAL_ERROR);
    memset(f, 0, offsetof(evm_frame_t, stack));
    vm->frames[vm->nest] = f;
  }
  evm_analysis_t *owned;
  const evm_analysis_t *an = get_analysis(vm, host, host_ctx, msg, code, code_size, &owned);
  if (!an) return make_failure(EVM_INTERNAL_ERROR);

  f->vm = vm;
  f->host = host;
  f->hctx = host_ctx;
  f->msg = msg;
  f->rev = rev;
  f->an = an;
  f->mem_size = 0;
  f->has_child = false;
  f->rdata = NULL;
  f->rdata_size = 0;
  f->refund = 0;
  f->status = EVM_SUCCESS;
  f->out_off = f->out_size = 0;
  f->txc_loaded = false;

  vm->nest++;
  int64_t gas = vm->tracer && vm->tracer->on_step ? run_traced(f, msg->gas) : run_plain(f, msg->gas);
  vm->nest--;

  res.status = f->status;
  if (f->status == EVM_SUCCESS || f->status == EVM_REVERT) {
    res.gas_left = gas;
    if (f->out_size) {
      uint8_t *out = malloc((size_t)f->out_size);
      if (!out) {
        res = make_failure(EVM_INTERNAL_ERROR);
      } else {
        memcpy(out, f->mem + f->out_off, (size_t)f->out_size);
        res.output = out;
        res.output_size = (size_t)f->out_size;
        res.release = free_output;
      }
    }
    if (f->status == EVM_SUCCESS) res.gas_refund = f->refund;
  }
  release_child(f);
  if (f->mem_size) memset(f->mem, 0, f->mem_size); /* keep the reused buffer zero past mem_size */
  f->mem_size = 0;
  if (owned) evm_analysis_free(owned);
  return res;
}
