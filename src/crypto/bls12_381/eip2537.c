/* EIP-2537 (final) BLS12-381 precompile operations on raw input bytes: strict
 * decoding of 64-byte field elements and points, subgroup checks for MSM and
 * pairing, output encoding, gas schedule; plus ZCash-format decompression. */
#include <stdlib.h>

#include "bls_internal.h"
#include "ethc/bls12_381.h"
#include "ethc/error.h"

/* ------------------------------------------------------------ codec ---- */

static bool dec_fp(fp_t *r, const uint8_t in[64]) {
  for (int i = 0; i < 16; i++)
    if (in[i]) return false;
  return fp_from_be48(r, in + 16);
}

static void enc_fp(uint8_t out[64], const fp_t *a) {
  memset(out, 0, 16);
  fp_to_be48(out + 16, a);
}

static bool all_zero(const uint8_t *in, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= in[i];
  return acc == 0;
}

static bool dec_g1(g1_aff_t *r, const uint8_t in[128], bool subgroup) {
  if (!dec_fp(&r->x, in) || !dec_fp(&r->y, in + 64)) return false;
  r->inf = all_zero(in, 128);
  if (r->inf) return true;
  if (!g1_aff_on_curve(r)) return false;
  if (subgroup) {
    g1_t p;
    g1_from_aff(&p, r);
    if (!g1_in_subgroup(&p)) return false;
  }
  return true;
}

static bool dec_g2(g2_aff_t *r, const uint8_t in[256], bool subgroup) {
  if (!dec_fp(&r->x.c0, in) || !dec_fp(&r->x.c1, in + 64) || !dec_fp(&r->y.c0, in + 128) || !dec_fp(&r->y.c1, in + 192))
    return false;
  r->inf = all_zero(in, 256);
  if (r->inf) return true;
  if (!g2_aff_on_curve(r)) return false;
  if (subgroup) {
    g2_t p;
    g2_from_aff(&p, r);
    if (!g2_in_subgroup(&p)) return false;
  }
  return true;
}

static void enc_g1(uint8_t out[128], const g1_t *p) {
  g1_aff_t a;
  g1_to_aff(&a, p);
  if (a.inf) {
    memset(out, 0, 128);
    return;
  }
  enc_fp(out, &a.x);
  enc_fp(out + 64, &a.y);
}

static void enc_g2(uint8_t out[256], const g2_t *p) {
  g2_aff_t a;
  g2_to_aff(&a, p);
  if (a.inf) {
    memset(out, 0, 256);
    return;
  }
  enc_fp(out, &a.x.c0);
  enc_fp(out + 64, &a.x.c1);
  enc_fp(out + 128, &a.y.c0);
  enc_fp(out + 192, &a.y.c1);
}

static void dec_scalar(uint64_t k[4], const uint8_t in[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v = (v << 8) | in[(3 - i) * 8 + j];
    k[i] = v;
  }
}

/* -------------------------------------------------------- operations ---- */

int bls12_g1_add(const uint8_t *in, size_t len, uint8_t out[BLS12_G1_SIZE]) {
  g1_aff_t a, b;
  if (len != 256 || !dec_g1(&a, in, false) || !dec_g1(&b, in + 128, false)) return ETHC_ERR_INVALID;
  g1_t p;
  g1_from_aff(&p, &a);
  g1_add_aff(&p, &p, &b);
  enc_g1(out, &p);
  return 0;
}

int bls12_g2_add(const uint8_t *in, size_t len, uint8_t out[BLS12_G2_SIZE]) {
  g2_aff_t a, b;
  if (len != 512 || !dec_g2(&a, in, false) || !dec_g2(&b, in + 256, false)) return ETHC_ERR_INVALID;
  g2_t p;
  g2_from_aff(&p, &a);
  g2_add_aff(&p, &p, &b);
  enc_g2(out, &p);
  return 0;
}

int bls12_g1_msm(const uint8_t *in, size_t len, uint8_t out[BLS12_G1_SIZE]) {
  if (len == 0 || len % 160) return ETHC_ERR_INVALID;
  size_t n = len / 160;
  g1_aff_t *pts = malloc(n * sizeof *pts);
  uint64_t(*k)[4] = malloc(n * sizeof *k);
  int err = 0;
  if (!pts || !k) {
    err = ETHC_ERR_NOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if (!dec_g1(&pts[i], in + 160 * i, true)) {
      err = ETHC_ERR_INVALID;
      goto done;
    }
    dec_scalar(k[i], in + 160 * i + 128);
  }
  g1_t r;
  g1_msm(&r, pts, (const uint64_t(*)[4])k, n);
  enc_g1(out, &r);
done:
  free(pts);
  free(k);
  return err;
}

int bls12_g2_msm(const uint8_t *in, size_t len, uint8_t out[BLS12_G2_SIZE]) {
  if (len == 0 || len % 288) return ETHC_ERR_INVALID;
  size_t n = len / 288;
  g2_aff_t *pts = malloc(n * sizeof *pts);
  uint64_t(*k)[4] = malloc(n * sizeof *k);
  int err = 0;
  if (!pts || !k) {
    err = ETHC_ERR_NOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if (!dec_g2(&pts[i], in + 288 * i, true)) {
      err = ETHC_ERR_INVALID;
      goto done;
    }
    dec_scalar(k[i], in + 288 * i + 256);
  }
  g2_t r;
  g2_msm(&r, pts, (const uint64_t(*)[4])k, n);
  enc_g2(out, &r);
done:
  free(pts);
  free(k);
  return err;
}

int bls12_pairing_check(const uint8_t *in, size_t len, uint8_t out[32]) {
  if (len == 0 || len % 384) return ETHC_ERR_INVALID;
  size_t n = len / 384;
  g1_aff_t *p = malloc(n * sizeof *p);
  g2_aff_t *q = malloc(n * sizeof *q);
  int err = 0;
  if (!p || !q) {
    err = ETHC_ERR_NOMEM;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if (!dec_g1(&p[i], in + 384 * i, true) || !dec_g2(&q[i], in + 384 * i + 128, true)) {
      err = ETHC_ERR_INVALID;
      goto done;
    }
  }
  memset(out, 0, 32);
  out[31] = bls_pairing_check(p, q, n) ? 1 : 0;
done:
  free(p);
  free(q);
  return err;
}

int bls12_map_fp_to_g1(const uint8_t *in, size_t len, uint8_t out[BLS12_G1_SIZE]) {
  fp_t u;
  if (len != 64 || !dec_fp(&u, in)) return ETHC_ERR_INVALID;
  g1_t r;
  bls_map_to_g1(&r, &u);
  enc_g1(out, &r);
  return 0;
}

int bls12_map_fp2_to_g2(const uint8_t *in, size_t len, uint8_t out[BLS12_G2_SIZE]) {
  fp2_t u;
  if (len != 128 || !dec_fp(&u.c0, in) || !dec_fp(&u.c1, in + 64)) return ETHC_ERR_INVALID;
  g2_t r;
  bls_map_to_g2(&r, &u);
  enc_g2(out, &r);
  return 0;
}

/* --------------------------------------------------------------- gas ---- */

static const uint16_t G1_DISCOUNT[128] = {
    1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677, 673, 669, 665, 661, 658, 654,
    651,  648, 645, 642, 640, 637, 635, 632, 630, 627, 625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604,
    603,  601, 599, 598, 596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576, 575, 574,
    573,  572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 551,
    550,  549, 548, 547, 547, 546, 545, 544, 543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532,
    532,  531, 530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519};
static const uint16_t G2_DISCOUNT[128] = {
    1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717, 711, 704, 699, 693, 688, 683,
    679,  674,  670, 666, 663, 659, 655, 652, 649, 646, 643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615,
    613,  611,  609, 607, 606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582, 580, 579,
    578,  576,  575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562, 561, 560, 559, 558, 557, 556, 555, 554,
    553,  552,  552, 551, 550, 549, 548, 547, 546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536,
    535,  535,  534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524};

static int64_t msm_gas(size_t k, const uint16_t *table, int64_t mul_cost) {
  if (k == 0) return 0;
  uint64_t d = k <= 128 ? table[k - 1] : table[127];
  /* k * cost * d / 1000; k is bounded by the input size, so no overflow below 2^63 */
  if (k > (uint64_t)INT64_MAX / ((uint64_t)mul_cost * d)) return INT64_MAX;
  return (int64_t)((uint64_t)k * (uint64_t)mul_cost * d / 1000);
}

int64_t bls12_g1_msm_gas(size_t len) { return msm_gas(len / 160, G1_DISCOUNT, BLS12_G1MUL_GAS); }
int64_t bls12_g2_msm_gas(size_t len) { return msm_gas(len / 288, G2_DISCOUNT, BLS12_G2MUL_GAS); }
int64_t bls12_pairing_gas(size_t len) {
  uint64_t k = len / 384;
  if (k > (uint64_t)(INT64_MAX - 37700) / 32600) return INT64_MAX;
  return (int64_t)(32600 * k + 37700);
}

/* ------------------------------------------------------ compression ---- */

int bls12_g1_decompress(const uint8_t in[48], bool check_subgroup, uint8_t out[BLS12_G1_SIZE]) {
  uint8_t b[48];
  memcpy(b, in, 48);
  bool c = b[0] & 0x80, inf = b[0] & 0x40, sign = b[0] & 0x20;
  b[0] &= 0x1f;
  if (!c) return ETHC_ERR_INVALID;
  if (inf) {
    if (sign || !all_zero(b, 48)) return ETHC_ERR_INVALID;
    memset(out, 0, BLS12_G1_SIZE);
    return 0;
  }
  g1_aff_t a;
  fp_t rhs;
  if (!fp_from_be48(&a.x, b)) return ETHC_ERR_INVALID;
  fp_sqr(&rhs, &a.x);
  fp_mul(&rhs, &rhs, &a.x);
  fp_add(&rhs, &rhs, &BLS_B1);
  if (!fp_sqrt(&a.y, &rhs)) return ETHC_ERR_INVALID;
  if (fp_lex_largest(&a.y) != sign) fp_neg(&a.y, &a.y);
  a.inf = false;
  g1_t p;
  g1_from_aff(&p, &a);
  if (check_subgroup && !g1_in_subgroup(&p)) return ETHC_ERR_INVALID;
  enc_fp(out, &a.x);
  enc_fp(out + 64, &a.y);
  return 0;
}

int bls12_g2_decompress(const uint8_t in[96], bool check_subgroup, uint8_t out[BLS12_G2_SIZE]) {
  uint8_t b[96];
  memcpy(b, in, 96);
  bool c = b[0] & 0x80, inf = b[0] & 0x40, sign = b[0] & 0x20;
  b[0] &= 0x1f;
  if (!c) return ETHC_ERR_INVALID;
  if (inf) {
    if (sign || !all_zero(b, 96)) return ETHC_ERR_INVALID;
    memset(out, 0, BLS12_G2_SIZE);
    return 0;
  }
  g2_aff_t a;
  fp2_t rhs;
  if (!fp_from_be48(&a.x.c1, b) || !fp_from_be48(&a.x.c0, b + 48)) return ETHC_ERR_INVALID;
  fp2_sqr(&rhs, &a.x);
  fp2_mul(&rhs, &rhs, &a.x);
  fp2_add(&rhs, &rhs, &BLS_B2);
  if (!fp2_sqrt(&a.y, &rhs)) return ETHC_ERR_INVALID;
  if (fp2_lex_largest(&a.y) != sign) fp2_neg(&a.y, &a.y);
  a.inf = false;
  g2_t p;
  g2_from_aff(&p, &a);
  if (check_subgroup && !g2_in_subgroup(&p)) return ETHC_ERR_INVALID;
  enc_g2(out, &p);
  return 0;
}

int bls12_g1_compress(const uint8_t in[BLS12_G1_SIZE], uint8_t out[48]) {
  g1_aff_t a;
  if (!dec_g1(&a, in, false)) return ETHC_ERR_INVALID;
  if (a.inf) {
    memset(out, 0, 48);
    out[0] = 0xc0;
    return 0;
  }
  fp_to_be48(out, &a.x);
  out[0] |= 0x80 | (fp_lex_largest(&a.y) ? 0x20 : 0);
  return 0;
}

int bls12_g2_compress(const uint8_t in[BLS12_G2_SIZE], uint8_t out[96]) {
  g2_aff_t a;
  if (!dec_g2(&a, in, false)) return ETHC_ERR_INVALID;
  if (a.inf) {
    memset(out, 0, 96);
    out[0] = 0xc0;
    return 0;
  }
  fp_to_be48(out, &a.x.c1);
  fp_to_be48(out + 48, &a.x.c0);
  out[0] |= 0x80 | (fp2_lex_largest(&a.y) ? 0x20 : 0);
  return 0;
}
