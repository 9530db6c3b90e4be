/* BLS12-381's scalar field Fr (the KZG field, BLS_MODULUS): 4-limb
 * Montgomery arithmetic (CIOS) for kzg_blob.c and kzg_cells.c, and its
 * roots of unity (PRIMITIVE_ROOT_OF_UNITY 7). Contracts: kzg_fr.h. */
#include "kzg_fr.h"

#include <pthread.h>
#include <string.h>

#include "bls_internal.h"

const uint64_t KZG_FR_MODULUS[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                    0x73eda753299d7d48ULL};
static uint64_t r_inv; /* -r^-1 mod 2^64 */
static fr_t r2;        /* 2^512 mod r: to Montgomery form */
fr_t kzg_fr_one;       /* 1 in Montgomery form */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool geq_r(const uint64_t a[4]) {
  for (int i = 3; i >= 0; i--)
    if (a[i] != KZG_FR_MODULUS[i]) return a[i] > KZG_FR_MODULUS[i];
  return true;
}

static void sub_r(uint64_t a[4]) {
  unsigned char b = 0;
  for (int i = 0; i < 4; i++) b = BLS_SBB(b, a[i], KZG_FR_MODULUS[i], &a[i]);
}

void kzg_fr_add(fr_t *o, const fr_t *a, const fr_t *b) {
  uint64_t t[4];
  unsigned char c = 0;
  for (int i = 0; i < 4; i++) c = BLS_ADC(c, a->l[i], b->l[i], &t[i]);
  if (c || geq_r(t)) sub_r(t); /* a + b < 2r < 2^256: no carry in practice */
  memcpy(o->l, t, sizeof t);
}

void kzg_fr_sub(fr_t *o, const fr_t *a, const fr_t *b) {
  uint64_t t[4];
  unsigned char br = 0;
  for (int i = 0; i < 4; i++) br = BLS_SBB(br, a->l[i], b->l[i], &t[i]);
  if (br) {
    unsigned char c = 0;
    for (int i = 0; i < 4; i++) c = BLS_ADC(c, t[i], KZG_FR_MODULUS[i], &t[i]);
  }
  memcpy(o->l, t, sizeof t);
}

/* a * b / 2^256 mod r (CIOS). */
void kzg_fr_mul(fr_t *o, const fr_t *a, const fr_t *b) {
  uint64_t t[6] = {0};
  for (int i = 0; i < 4; i++) {
    u128 c = 0;
    for (int j = 0; j < 4; j++) {
      c += (u128)a->l[j] * b->l[i] + t[j];
      t[j] = (uint64_t)c;
      c >>= 64;
    }
    c += t[4];
    t[4] = (uint64_t)c;
    t[5] = (uint64_t)(c >> 64);
    uint64_t m = t[0] * r_inv;
    c = (u128)m * KZG_FR_MODULUS[0] + t[0];
    c >>= 64;
    for (int j = 1; j < 4; j++) {
      c += (u128)m * KZG_FR_MODULUS[j] + t[j];
      t[j - 1] = (uint64_t)c;
      c >>= 64;
    }
    c += t[4];
    t[3] = (uint64_t)c;
    t[4] = t[5] + (uint64_t)(c >> 64);
  }
  if (t[4] || geq_r(t)) sub_r(t);
  memcpy(o->l, t, 4 * sizeof *t);
}

bool kzg_fr_is_zero(const fr_t *a) { return !(a->l[0] | a->l[1] | a->l[2] | a->l[3]); }

/* a^e, e little-endian limbs. */
void kzg_fr_pow(fr_t *o, const fr_t *a, const uint64_t e[4]) {
  fr_t acc = kzg_fr_one, base = *a;
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 64; b++) {
      if (e[i] >> b & 1) kzg_fr_mul(&acc, &acc, &base);
      kzg_fr_mul(&base, &base, &base);
    }
  *o = acc;
}

void kzg_fr_inv(fr_t *o, const fr_t *a) { /* Fermat: a^(r-2) */
  uint64_t e[4] = {KZG_FR_MODULUS[0] - 2, KZG_FR_MODULUS[1], KZG_FR_MODULUS[2], KZG_FR_MODULUS[3]};
  kzg_fr_pow(o, a, e);
}

bool kzg_fr_from_be_plain(fr_t *o, const uint8_t in[32]) {
  uint64_t t[4];
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = v << 8 | in[(3 - i) * 8 + j];
    t[i] = v;
  }
  if (geq_r(t)) return false;
  memcpy(o->l, t, sizeof t);
  return true;
}

void kzg_fr_to_mont(fr_t *o, const fr_t *plain) { kzg_fr_mul(o, plain, &r2); }

/* From 32 big-endian bytes: false when >= r. */
bool kzg_fr_from_be(fr_t *o, const uint8_t in[32]) {
  fr_t p;
  if (!kzg_fr_from_be_plain(&p, in)) return false;
  kzg_fr_to_mont(o, &p);
  return true;
}

void kzg_fr_to_be(uint8_t out[32], const fr_t *a) {
  fr_t one = {{1, 0, 0, 0}}, p;
  kzg_fr_mul(&p, a, &one); /* out of Montgomery form */
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 8; j++) out[(3 - i) * 8 + j] = (uint8_t)(p.l[i] >> (56 - 8 * j));
}

void kzg_fr_from_u64(fr_t *o, uint64_t v) {
  fr_t p = {{v, 0, 0, 0}};
  kzg_fr_mul(o, &p, &r2);
}

void kzg_fr_from_hash(fr_t *o, const uint8_t h[32]) {
  uint64_t t[4]; /* h < 2^256 < 3r: at most two subtractions */
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = v << 8 | h[(3 - i) * 8 + j];
    t[i] = v;
  }
  while (geq_r(t)) sub_r(t);
  fr_t p;
  memcpy(p.l, t, sizeof t);
  kzg_fr_mul(o, &p, &r2);
}

static void init(void) {
  uint64_t inv = 1; /* Newton: inv = r0^-1 mod 2^64 */
  for (int i = 0; i < 6; i++) inv *= 2 - KZG_FR_MODULUS[0] * inv;
  r_inv = (uint64_t)0 - inv;
  /* r2 = 2^512 mod r by doubling 1 (plain arithmetic: addition needs no Montgomery form) */
  fr_t x = {{1, 0, 0, 0}};
  for (int i = 0; i < 512; i++) kzg_fr_add(&x, &x, &x);
  r2 = x;
  kzg_fr_from_u64(&kzg_fr_one, 1);
}

void kzg_fr_init(void) { pthread_once(&once, init); }

void kzg_fr_root_of_unity(unsigned log_n, fr_t *out) {
  /* 7^((r - 1) / 2^log_n) */
  uint64_t e[4];
  memcpy(e, KZG_FR_MODULUS, sizeof e);
  e[0] -= 1;
  for (int i = 0; i < 4; i++) e[i] = e[i] >> log_n | (i < 3 && log_n ? e[i + 1] << (64 - log_n) : 0);
  fr_t seven;
  kzg_fr_from_u64(&seven, 7);
  kzg_fr_pow(out, &seven, e);
}
