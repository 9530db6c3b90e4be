/* EIP-7594 cell proofs of whole blobs (the version-1 blob sidecar of Osaka's
 * transactions carries, per blob, the KZG proofs of all CELLS_PER_EXT_BLOB
 * cells of its Reed-Solomon extension): the cells computed from each blob
 * (compute_cells of consensus-specs fulu/polynomial-commitments-sampling.md:
 * an inverse FFT to coefficients, an FFT over the doubled domain, cells of 64
 * bit-reversed evaluations), then verify_cell_kzg_proof_batch's universal
 * equation e(sum r^k pi_k, [s^64]) = e(RLC - RLI + RLP, [1]) with the
 * interpolation polynomials by size-64 inverse FFTs over each coset. G1/G2
 * sums and the pairing go through the EIP-2537 routines (bls12_381.h). */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bls12_381.h"
#include "ethc/error.h"
#include "ethc/kzg.h"
#include "kzg_fr.h"
#include "kzg_setup_cells.h"

#define NB 4096 /* FIELD_ELEMENTS_PER_BLOB */
#define NE 8192 /* FIELD_ELEMENTS_PER_EXT_BLOB */
#define LOG_NE 13
#define NC 64           /* FIELD_ELEMENTS_PER_CELL */
#define CELLS (NE / NC) /* 128 */

static fr_t *w8192;             /* w^i, i < 8192, natural order */
static uint8_t g1mono[NC][128]; /* g1_monomial[0..63], uncompressed */
static uint8_t g2_s64[256], g2_one[256];
static bool setup_ok;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static unsigned brp(unsigned i, unsigned bits) {
  unsigned r = 0;
  for (unsigned b = 0; b < bits; b++) r |= (i >> b & 1u) << (bits - 1 - b);
  return r;
}

static void unhex(const char *h, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned v = 0;
    for (int k = 0; k < 2; k++) {
      char c = h[2 * i + k];
      v = v << 4 | (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    out[i] = (uint8_t)v;
  }
}

static void init(void) {
  kzg_fr_init();
  if (!(w8192 = malloc(NE * sizeof *w8192))) return;
  fr_t w, cur = kzg_fr_one;
  kzg_fr_root_of_unity(LOG_NE, &w);
  for (unsigned i = 0; i < NE; i++) w8192[i] = cur, kzg_fr_mul(&cur, &cur, &w);
  uint8_t c[96];
  bool ok = true;
  for (unsigned i = 0; i < NC && ok; i++) {
    unhex(KZG_G1_MONOMIAL_64[i], c, 48);
    ok = bls12_g1_decompress(c, true, g1mono[i]) == 0;
  }
  unhex(KZG_G2_MONOMIAL_64, c, 96);
  ok = ok && bls12_g2_decompress(c, true, g2_s64) == 0;
  unhex(KZG_G2_MONOMIAL_0, c, 96);
  setup_ok = ok && bls12_g2_decompress(c, true, g2_one) == 0;
}

/* In-place FFT of n = 2^log_n values in natural order over the n-th roots of
 * unity (inverse: w^-1, then / n). */
static void fft(fr_t *v, unsigned log_n, bool inverse) {
  unsigned n = 1u << log_n, stride_all = NE >> log_n;
  for (unsigned i = 0; i < n; i++) {
    unsigned j = brp(i, log_n);
    if (i < j) {
      fr_t t = v[i];
      v[i] = v[j], v[j] = t;
    }
  }
  for (unsigned len = 2; len <= n; len <<= 1) {
    unsigned half = len / 2, step = stride_all * (n / len);
    for (unsigned s = 0; s < n; s += len)
      for (unsigned j = 0; j < half; j++) {
        unsigned e = (j * step) % NE;
        const fr_t *tw = &w8192[inverse && e ? NE - e : e];
        fr_t t;
        kzg_fr_mul(&t, &v[s + j + half], tw);
        kzg_fr_sub(&v[s + j + half], &v[s + j], &t);
        kzg_fr_add(&v[s + j], &v[s + j], &t);
      }
  }
  if (inverse) {
    fr_t ninv, nn;
    kzg_fr_from_u64(&nn, n);
    kzg_fr_inv(&ninv, &nn);
    for (unsigned i = 0; i < n; i++) kzg_fr_mul(&v[i], &v[i], &ninv);
  }
}

/* The extension of a blob: its polynomial evaluated at the 8192 roots in
 * natural order (ext[i] = p(w^i)). ETHC_ERR_INVALID for an element >= r. */
static int extend(const uint8_t *blob, fr_t *ext) {
  for (unsigned i = 0; i < NB; i++) /* natural order: element brp(i) is p(w4096^i) */
    if (!kzg_fr_from_be(&ext[i], blob + 32 * brp(i, 12))) return ETHC_ERR_INVALID;
  fft(ext, 12, true);
  memset(ext + NB, 0, (NE - NB) * sizeof *ext);
  fft(ext, LOG_NE, false);
  return 0;
}

static void put_u64(uint8_t out[8], uint64_t v) {
  for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* Appends one (point, scalar) pair of an EIP-2537 G1 multi-scalar input. */
static void msm_put(uint8_t *in, size_t *n, const uint8_t pt[128], const fr_t *k) {
  memcpy(in + 160 * *n, pt, 128);
  kzg_fr_to_be(in + 160 * *n + 128, k);
  (*n)++;
}

int kzg_verify_blob_cell_proofs(const uint8_t *const *blobs, const uint8_t (*commitments)[48], size_t n,
                                const uint8_t (*proofs)[48], bool *ok) {
  *ok = false;
  pthread_once(&once, init);
  if (!w8192 || !setup_ok) return ETHC_ERR_NOMEM;
  if (!n) return *ok = true, 0;
  size_t ncells = n * CELLS, nd = 0;
  fr_t *ext = malloc((size_t)NE * n * sizeof *ext), *rp = malloc(ncells * sizeof *rp);
  uint8_t *pts = malloc((ncells + n) * 128); /* proofs, then deduplicated commitments */
  size_t *ci = malloc(n * sizeof *ci);       /* blob -> deduplicated commitment */
  uint8_t *ll_in = malloc(ncells * 160), *rl_in = malloc((ncells + n + NC) * 160);
  EVP_MD_CTX *h = EVP_MD_CTX_new();
  int rc = ext && rp && pts && ci && ll_in && rl_in && h ? 0 : ETHC_ERR_NOMEM;
  for (size_t i = 0; i < n && !rc; i++) rc = extend(blobs[i], ext + (size_t)NE * i);
  for (size_t k = 0; k < ncells && !rc; k++)
    if (bls12_g1_decompress(proofs[k], true, pts + 128 * k)) rc = ETHC_ERR_INVALID;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t d;
    for (d = 0; d < nd; d++) {
      size_t first = 0; /* the blob that introduced dedup index d */
      while (ci[first] != d) first++;
      if (!memcmp(commitments[first], commitments[i], 48)) break;
    }
    ci[i] = d;
    if (d == nd) {
      if (bls12_g1_decompress(commitments[i], true, pts + 128 * (ncells + nd))) rc = ETHC_ERR_INVALID;
      nd++;
    }
  }
  /* the challenge r over everything the prover gave */
  uint8_t hash[32], b8[8];
  unsigned hl = 0;
  if (!rc) {
    static const char domain[16] = "RCKZGCBATCH__V1_";
    bool hok = EVP_DigestInit_ex(h, EVP_sha256(), NULL) && EVP_DigestUpdate(h, domain, 16);
    uint64_t head[4] = {NB, NC, nd, ncells};
    for (int i = 0; i < 4 && hok; i++) put_u64(b8, head[i]), hok = EVP_DigestUpdate(h, b8, 8);
    for (size_t d = 0; d < nd && hok; d++) {
      size_t first = 0;
      while (ci[first] != d) first++;
      hok = EVP_DigestUpdate(h, commitments[first], 48);
    }
    for (size_t i = 0; i < n && hok; i++)
      for (unsigned c = 0; c < CELLS && hok; c++) {
        put_u64(b8, ci[i]);
        hok = EVP_DigestUpdate(h, b8, 8);
        put_u64(b8, c);
        hok = hok && EVP_DigestUpdate(h, b8, 8);
        for (unsigned j = 0; j < NC && hok; j++) { /* cell c's element j: p at w^brp13(64c + j) */
          uint8_t e[32];
          kzg_fr_to_be(e, &ext[(size_t)NE * i + brp(NC * c + j, LOG_NE)]);
          hok = EVP_DigestUpdate(h, e, 32);
        }
        hok = hok && EVP_DigestUpdate(h, proofs[i * CELLS + c], 48);
      }
    if (!hok || !EVP_DigestFinal_ex(h, hash, &hl)) rc = ETHC_ERR_NOMEM;
  }
  if (!rc) {
    fr_t r, zero = {{0}};
    kzg_fr_from_hash(&r, hash);
    rp[0] = kzg_fr_one;
    for (size_t k = 1; k < ncells; k++) kzg_fr_mul(&rp[k], &rp[k - 1], &r);
    fr_t interp[NC], weights[CELLS]; /* sum_k r^k I_k(X); weights per deduplicated commitment (nd <= n) */
    fr_t *wts = n <= CELLS ? weights : NULL;
    memset(interp, 0, sizeof interp);
    size_t nll = 0, nrl = 0;
    for (size_t d = 0; d < nd && wts; d++) wts[d] = zero;
    for (size_t i = 0; i < n && wts; i++)
      for (unsigned c = 0; c < CELLS; c++) {
        size_t k = i * CELLS + c;
        kzg_fr_add(&wts[ci[i]], &wts[ci[i]], &rp[k]);
        /* the coset h w64^m, h = w8192^brp7(c): p there is ext[128 m + brp7(c)] */
        unsigned hc = brp(c, 7);
        fr_t ys[NC];
        for (unsigned m = 0; m < NC; m++) ys[m] = ext[(size_t)NE * i + 128 * m + hc];
        fft(ys, 6, true); /* J(Y) = I(hY) */
        const fr_t *hinv = &w8192[hc ? NE - hc : 0];
        fr_t hp = kzg_fr_one, t;
        for (unsigned j = 0; j < NC; j++) { /* I_j = J_j h^-j */
          kzg_fr_mul(&t, &ys[j], &hp);
          kzg_fr_mul(&t, &t, &rp[k]);
          kzg_fr_add(&interp[j], &interp[j], &t);
          kzg_fr_mul(&hp, &hp, hinv);
        }
        msm_put(ll_in, &nll, pts + 128 * k, &rp[k]);
        /* -(r^k h^64) pi_k, h^64 = w8192^(64 brp7(c)) */
        kzg_fr_mul(&t, &rp[k], &w8192[(64u * hc) % NE]);
        kzg_fr_sub(&t, &zero, &t);
        msm_put(rl_in, &nrl, pts + 128 * k, &t);
      }
    if (!wts) rc = ETHC_ERR_INVALID; /* more blobs than any transaction carries */
    for (size_t d = 0; d < nd && !rc; d++) {
      fr_t t;
      kzg_fr_sub(&t, &zero, &wts[d]);
      msm_put(rl_in, &nrl, pts + 128 * (ncells + d), &t);
    }
    for (unsigned j = 0; j < NC && !rc; j++) msm_put(rl_in, &nrl, g1mono[j], &interp[j]);
    /* e(LL, [s^64]) e(-(RLC - RLI + RLP), [1]) == 1 */
    uint8_t pair[2 * 384], out[32];
    if (!rc && (bls12_g1_msm(ll_in, 160 * nll, pair) || bls12_g1_msm(rl_in, 160 * nrl, pair + 384)))
      rc = ETHC_ERR_INVALID;
    if (!rc) {
      memcpy(pair + 128, g2_s64, 256);
      memcpy(pair + 384 + 128, g2_one, 256);
      if (bls12_pairing_check(pair, sizeof pair, out)) rc = ETHC_ERR_INVALID;
      else *ok = out[31] == 1;
    }
  }
  EVP_MD_CTX_free(h);
  free(ext), free(rp), free(pts), free(ci), free(ll_in), free(rl_in);
  return rc;
}
