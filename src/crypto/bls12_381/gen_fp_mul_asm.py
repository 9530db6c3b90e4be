#!/usr/bin/env python3
# Generates fp_mul_x86.inc: the unrolled x86-64 Montgomery product (CIOS, mul/adc) for
# the BLS12-381 base field. Run: python3 gen_fp_mul_asm.py > body, see fp_mul_x86.inc header.
P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
pl = [(P >> (64*i)) & (2**64-1) for i in range(6)]
INV = (-pow(P, -1, 2**64)) % 2**64
T = ["%%r8", "%%r9", "%%r10", "%%r11", "%%r12", "%%r13"]
T6, C, M = "%%r14", "%%r15", "%%rcx"
L = []
def e(s): L.append(s)
for i in range(6):
    # pass 1: t += a * b[i]; carry word into T6
    if i == 0:
        e(f"movq 0(%%rsi), %%rax"); e(f"mulq {8*i}(%%rdi)"); e(f"movq %%rax, {T[0]}"); e(f"movq %%rdx, {T6}")
        for j in range(1, 6):
            e(f"movq {8*j}(%%rsi), %%rax"); e(f"mulq {8*i}(%%rdi)"); e(f"addq {T6}, %%rax"); e("adcq $0, %%rdx")
            e(f"movq %%rax, {T[j]}"); e(f"movq %%rdx, {T6}")
    else:
        e(f"movq 0(%%rsi), %%rax"); e(f"mulq {8*i}(%%rdi)"); e(f"addq %%rax, {T[0]}"); e("adcq $0, %%rdx"); e(f"movq %%rdx, {T6}")
        for j in range(1, 6):
            e(f"movq {8*j}(%%rsi), %%rax"); e(f"mulq {8*i}(%%rdi)"); e(f"addq {T6}, %%rax"); e("adcq $0, %%rdx")
            e(f"addq %%rax, {T[j]}"); e("adcq $0, %%rdx"); e(f"movq %%rdx, {T6}")
    # pass 2: m = t0 * inv; t += m p; shift
    e(f"movabsq ${INV:#x}, {M}"); e(f"imulq {T[0]}, {M}")
    e(f"movabsq ${pl[0]:#x}, %%rax"); e(f"mulq {M}"); e(f"addq {T[0]}, %%rax"); e("adcq $0, %%rdx"); e(f"movq %%rdx, {C}")
    for j in range(1, 6):
        e(f"movabsq ${pl[j]:#x}, %%rax"); e(f"mulq {M}"); e(f"addq {C}, %%rax"); e("adcq $0, %%rdx")
        e(f"addq {T[j]}, %%rax"); e("adcq $0, %%rdx"); e(f"movq %%rax, {T[j-1]}"); e(f"movq %%rdx, {C}")
    e(f"leaq ({T6},{C}), {T[5]}")
# final conditional subtraction of p (rsi, rdi, rax, rdx, r14, r15 are free now)
C = ["%%rsi", "%%rdi", "%%rax", "%%rdx", "%%r14", "%%r15"]
for j in range(6):
    e(f"movq {T[j]}, {C[j]}")
for j in range(6):
    e(f"movabsq ${pl[j]:#x}, %%rcx")
    e(f"{'subq' if j == 0 else 'sbbq'} %%rcx, {C[j]}")
for j in range(6):
    e(f"cmovncq {C[j]}, {T[j]}")
for j in range(6):
    e(f"movq {T[j]}, {8*j}(%%rbx)")
print("\n".join(f'      "{x}\\n\\t"' for x in L))
