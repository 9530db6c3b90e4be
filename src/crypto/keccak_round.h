/* Keccak-f[1600] round (FIPS 202 section 3.2, theta rho pi chi iota fused) as a
 * macro over named locals, shared by the one-state code (keccak.c) and the
 * four-state code (keccak_x4.c). Internal to src/crypto. */
#ifndef ETHC_KECCAK_ROUND_H
#define ETHC_KECCAK_ROUND_H

#include <stdint.h>

static const uint64_t round_constants[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL, 0x000000000000808bULL,
    0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL, 0x0000000000000088ULL,
    0x0000000080008009ULL, 0x000000008000000aULL, 0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#define ROTL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))
#define ANDN(x, y) (~(x) & (y))

/* One round (lanes of type T: uint64_t, or a vector of them for several
 * states at once) from lanes A0..A24 into E0..E24 (x + 5y indexing). c0..c4 hold the
 * column parities of A on entry and of E on exit (accumulated while each E lane
 * is still in a register, so theta never re-reads the state). For each output
 * plane Y: theta's d[x] is folded into the five rho/pi-rotated inputs b[0..4], then
 * chi and (for lane 0) iota. Generated from the FIPS 202 step mappings: b[X] of
 * plane Y reads lane (x, X) with x = 3(Y - 3X) mod 5. */
#define KECCAK_ROUND_T(T, A, E, rc)  \
  do {                               \
    const T d0 = c4 ^ ROTL(c1, 1);   \
    const T d1 = c0 ^ ROTL(c2, 1);   \
    const T d2 = c1 ^ ROTL(c3, 1);   \
    const T d3 = c2 ^ ROTL(c4, 1);   \
    const T d4 = c3 ^ ROTL(c0, 1);   \
    T b0, b1, b2, b3, b4;            \
    b0 = A##0 ^ d0;                  \
    b1 = ROTL(A##6 ^ d1, 44);        \
    b2 = ROTL(A##12 ^ d2, 43);       \
    b3 = ROTL(A##18 ^ d3, 21);       \
    b4 = ROTL(A##24 ^ d4, 14);       \
    E##0 = b0 ^ ANDN(b1, b2) ^ (rc); \
    c0 = E##0;                       \
    E##1 = b1 ^ ANDN(b2, b3);        \
    c1 = E##1;                       \
    E##2 = b2 ^ ANDN(b3, b4);        \
    c2 = E##2;                       \
    E##3 = b3 ^ ANDN(b4, b0);        \
    c3 = E##3;                       \
    E##4 = b4 ^ ANDN(b0, b1);        \
    c4 = E##4;                       \
    b0 = ROTL(A##3 ^ d3, 28);        \
    b1 = ROTL(A##9 ^ d4, 20);        \
    b2 = ROTL(A##10 ^ d0, 3);        \
    b3 = ROTL(A##16 ^ d1, 45);       \
    b4 = ROTL(A##22 ^ d2, 61);       \
    E##5 = b0 ^ ANDN(b1, b2);        \
    c0 ^= E##5;                      \
    E##6 = b1 ^ ANDN(b2, b3);        \
    c1 ^= E##6;                      \
    E##7 = b2 ^ ANDN(b3, b4);        \
    c2 ^= E##7;                      \
    E##8 = b3 ^ ANDN(b4, b0);        \
    c3 ^= E##8;                      \
    E##9 = b4 ^ ANDN(b0, b1);        \
    c4 ^= E##9;                      \
    b0 = ROTL(A##1 ^ d1, 1);         \
    b1 = ROTL(A##7 ^ d2, 6);         \
    b2 = ROTL(A##13 ^ d3, 25);       \
    b3 = ROTL(A##19 ^ d4, 8);        \
    b4 = ROTL(A##20 ^ d0, 18);       \
    E##10 = b0 ^ ANDN(b1, b2);       \
    c0 ^= E##10;                     \
    E##11 = b1 ^ ANDN(b2, b3);       \
    c1 ^= E##11;                     \
    E##12 = b2 ^ ANDN(b3, b4);       \
    c2 ^= E##12;                     \
    E##13 = b3 ^ ANDN(b4, b0);       \
    c3 ^= E##13;                     \
    E##14 = b4 ^ ANDN(b0, b1);       \
    c4 ^= E##14;                     \
    b0 = ROTL(A##4 ^ d4, 27);        \
    b1 = ROTL(A##5 ^ d0, 36);        \
    b2 = ROTL(A##11 ^ d1, 10);       \
    b3 = ROTL(A##17 ^ d2, 15);       \
    b4 = ROTL(A##23 ^ d3, 56);       \
    E##15 = b0 ^ ANDN(b1, b2);       \
    c0 ^= E##15;                     \
    E##16 = b1 ^ ANDN(b2, b3);       \
    c1 ^= E##16;                     \
    E##17 = b2 ^ ANDN(b3, b4);       \
    c2 ^= E##17;                     \
    E##18 = b3 ^ ANDN(b4, b0);       \
    c3 ^= E##18;                     \
    E##19 = b4 ^ ANDN(b0, b1);       \
    c4 ^= E##19;                     \
    b0 = ROTL(A##2 ^ d2, 62);        \
    b1 = ROTL(A##8 ^ d3, 55);        \
    b2 = ROTL(A##14 ^ d4, 39);       \
    b3 = ROTL(A##15 ^ d0, 41);       \
    b4 = ROTL(A##21 ^ d1, 2);        \
    E##20 = b0 ^ ANDN(b1, b2);       \
    c0 ^= E##20;                     \
    E##21 = b1 ^ ANDN(b2, b3);       \
    c1 ^= E##21;                     \
    E##22 = b2 ^ ANDN(b3, b4);       \
    c2 ^= E##22;                     \
    E##23 = b3 ^ ANDN(b4, b0);       \
    c3 ^= E##23;                     \
    E##24 = b4 ^ ANDN(b0, b1);       \
    c4 ^= E##24;                     \
  } while (0)
#define KECCAK_ROUND(A, E, rc) KECCAK_ROUND_T(uint64_t, A, E, rc)

#endif
