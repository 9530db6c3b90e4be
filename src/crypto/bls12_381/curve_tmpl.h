/* Jacobian arithmetic for y^2 = x^3 + b (a = 0), instantiated for G1 (over Fp)
 * and G2 (over Fp2) by g1.c and g2.c. Formulas: dbl-2009-l, add-2007-bl,
 * madd-2007-bl (Explicit-Formulas Database). Not constant time. */

void PF(set_inf)(PT *r) {
  memset(r, 0, sizeof *r);
  FE_SETONE(&r->x);
  FE_SETONE(&r->y);
}
bool PF(is_inf)(const PT *a) { return FE_ISZERO(&a->z); }

void PF(from_aff)(PT *r, const AFF *a) {
  if (a->inf) {
    PF(set_inf)(r);
    return;
  }
  r->x = a->x;
  r->y = a->y;
  FE_SETONE(&r->z);
}

void PF(to_aff)(AFF *r, const PT *a) {
  if (PF(is_inf)(a)) {
    memset(r, 0, sizeof *r);
    r->inf = true;
    return;
  }
  FE zi, zi2, zi3;
  FE_INV(&zi, &a->z);
  FE_SQR(&zi2, &zi);
  FE_MUL(&zi3, &zi2, &zi);
  FE_MUL(&r->x, &a->x, &zi2);
  FE_MUL(&r->y, &a->y, &zi3);
  r->inf = false;
}

void PF(dbl)(PT *r, const PT *p) {
  if (PF(is_inf)(p)) {
    *r = *p;
    return;
  }
  FE A, B, C, D, E, F, t;
  FE_SQR(&A, &p->x);
  FE_SQR(&B, &p->y);
  FE_SQR(&C, &B);
  FE_ADD(&t, &p->x, &B);
  FE_SQR(&t, &t);
  FE_SUB(&t, &t, &A);
  FE_SUB(&t, &t, &C);
  FE_DBL(&D, &t);
  FE_DBL(&E, &A);
  FE_ADD(&E, &E, &A);
  FE_SQR(&F, &E);
  FE z3;
  FE_MUL(&z3, &p->y, &p->z);
  FE_DBL(&r->z, &z3);
  FE_DBL(&t, &D);
  FE_SUB(&r->x, &F, &t);
  FE_SUB(&t, &D, &r->x);
  FE_MUL(&t, &E, &t);
  FE_DBL(&C, &C);
  FE_DBL(&C, &C);
  FE_DBL(&C, &C);
  FE_SUB(&r->y, &t, &C);
}

void PF(add)(PT *r, const PT *p, const PT *q) {
  if (PF(is_inf)(p)) {
    *r = *q;
    return;
  }
  if (PF(is_inf)(q)) {
    *r = *p;
    return;
  }
  FE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
  FE_SQR(&z1z1, &p->z);
  FE_SQR(&z2z2, &q->z);
  FE_MUL(&u1, &p->x, &z2z2);
  FE_MUL(&u2, &q->x, &z1z1);
  FE_MUL(&s1, &p->y, &q->z);
  FE_MUL(&s1, &s1, &z2z2);
  FE_MUL(&s2, &q->y, &p->z);
  FE_MUL(&s2, &s2, &z1z1);
  FE_SUB(&h, &u2, &u1);
  FE_SUB(&rr, &s2, &s1);
  if (FE_ISZERO(&h)) {
    if (FE_ISZERO(&rr)) {
      PF(dbl)(r, p);
      return;
    }
    PF(set_inf)(r);
    return;
  }
  FE_DBL(&rr, &rr);
  FE_DBL(&i, &h);
  FE_SQR(&i, &i);
  FE_MUL(&j, &h, &i);
  FE_MUL(&v, &u1, &i);
  FE z3;
  FE_ADD(&z3, &p->z, &q->z);
  FE_SQR(&z3, &z3);
  FE_SUB(&z3, &z3, &z1z1);
  FE_SUB(&z3, &z3, &z2z2);
  FE_MUL(&r->z, &z3, &h);
  FE_SQR(&t, &rr);
  FE_SUB(&t, &t, &j);
  FE_SUB(&t, &t, &v);
  FE_SUB(&r->x, &t, &v);
  FE_SUB(&t, &v, &r->x);
  FE_MUL(&t, &t, &rr);
  FE_MUL(&s1, &s1, &j);
  FE_DBL(&s1, &s1);
  FE_SUB(&r->y, &t, &s1);
}

void PF(add_aff)(PT *r, const PT *p, const AFF *q) {
  if (q->inf) {
    *r = *p;
    return;
  }
  if (PF(is_inf)(p)) {
    PF(from_aff)(r, q);
    return;
  }
  FE z1z1, u2, s2, h, hh, i, j, rr, v, t;
  FE_SQR(&z1z1, &p->z);
  FE_MUL(&u2, &q->x, &z1z1);
  FE_MUL(&s2, &q->y, &p->z);
  FE_MUL(&s2, &s2, &z1z1);
  FE_SUB(&h, &u2, &p->x);
  FE_SUB(&rr, &s2, &p->y);
  if (FE_ISZERO(&h)) {
    if (FE_ISZERO(&rr)) {
      PF(dbl)(r, p);
      return;
    }
    PF(set_inf)(r);
    return;
  }
  FE_DBL(&rr, &rr);
  FE_SQR(&hh, &h);
  FE_DBL(&i, &hh);
  FE_DBL(&i, &i);
  FE_MUL(&j, &h, &i);
  FE_MUL(&v, &p->x, &i);
  FE y1j;
  FE_MUL(&y1j, &p->y, &j);
  FE_DBL(&y1j, &y1j);
  FE z3;
  FE_ADD(&z3, &p->z, &h);
  FE_SQR(&z3, &z3);
  FE_SUB(&z3, &z3, &z1z1);
  FE_SUB(&r->z, &z3, &hh);
  FE_SQR(&t, &rr);
  FE_SUB(&t, &t, &j);
  FE_SUB(&t, &t, &v);
  FE_SUB(&r->x, &t, &v);
  FE_SUB(&t, &v, &r->x);
  FE_MUL(&t, &t, &rr);
  FE_SUB(&r->y, &t, &y1j);
}

void PF(neg)(PT *r, const PT *a) {
  *r = *a;
  FE_NEG(&r->y, &a->y);
}

bool PF(eq)(const PT *a, const PT *b) {
  bool ia = PF(is_inf)(a), ib = PF(is_inf)(b);
  if (ia || ib) return ia && ib;
  FE z1z1, z2z2, t1, t2;
  FE_SQR(&z1z1, &a->z);
  FE_SQR(&z2z2, &b->z);
  FE_MUL(&t1, &a->x, &z2z2);
  FE_MUL(&t2, &b->x, &z1z1);
  if (!FE_EQ(&t1, &t2)) return false;
  FE_MUL(&t1, &a->y, &z2z2);
  FE_MUL(&t1, &t1, &b->z);
  FE_MUL(&t2, &b->y, &z1z1);
  FE_MUL(&t2, &t2, &a->z);
  return FE_EQ(&t1, &t2);
}

bool PF(aff_on_curve)(const AFF *a) {
  if (a->inf) return true;
  FE l, rr;
  FE_SQR(&l, &a->y);
  FE_SQR(&rr, &a->x);
  FE_MUL(&rr, &rr, &a->x);
  FE_ADD(&rr, &rr, &CURVE_B);
  return FE_EQ(&l, &rr);
}

void PF(mul)(PT *r, const PT *a, const uint64_t *k, int nwords) {
  PT tbl[16], acc;
  PF(set_inf)(&tbl[0]);
  tbl[1] = *a;
  for (int i = 2; i < 16; i++) {
    if (i & 1) PF(add)(&tbl[i], &tbl[i - 1], a);
    else PF(dbl)(&tbl[i], &tbl[i / 2]);
  }
  PF(set_inf)(&acc);
  bool started = false;
  for (int i = nwords - 1; i >= 0; i--) {
    for (int s = 60; s >= 0; s -= 4) {
      unsigned d = (unsigned)(k[i] >> s) & 15;
      if (started) {
        PF(dbl)(&acc, &acc);
        PF(dbl)(&acc, &acc);
        PF(dbl)(&acc, &acc);
        PF(dbl)(&acc, &acc);
      }
      if (d) {
        if (started) PF(add)(&acc, &acc, &tbl[d]);
        else acc = tbl[d];
        started = true;
      }
    }
  }
  *r = acc;
}

/* Multi-scalar multiplication: naive for tiny n, else Pippenger's bucket method
 * with signed (Booth-like) window digits, Jacobian buckets and running-sum
 * reduction. Scalars are 256-bit little-endian words, not reduced. */
static unsigned PF(msm_window)(size_t n) {
  unsigned lg = 0;
  while (((size_t)1 << (lg + 1)) <= n) lg++;
  if (lg < 4) return 3;
  if (lg < 10) return lg - 1 > 4 ? lg - 2 : 4;
  return lg * 2 / 3 + 2 > 15 ? 15 : lg * 2 / 3 + 2;
}

static int PF(msm_digit)(const uint64_t k[4], unsigned bit, unsigned c) {
  /* c bits of k starting at `bit` (bits past 255 are zero) */
  if (bit >= 256) return 0;
  unsigned w = bit / 64, s = bit % 64;
  uint64_t v = k[w] >> s;
  if (s + c > 64 && w + 1 < 4) v |= k[w + 1] << (64 - s);
  return (int)(v & (((uint64_t)1 << c) - 1));
}

void PF(msm)(PT *r, const AFF *pts, const uint64_t (*k)[4], size_t n) {
  PF(set_inf)(r);
  if (n == 0) return;
  if (n < 4) {
    /* points are in the subgroup (checked by the callers): endomorphism multiply */
    for (size_t i = 0; i < n; i++) {
      PT p, q;
      PF(from_aff)(&p, &pts[i]);
      ENDO_MUL(&q, &p, k[i]);
      PF(add)(r, r, &q);
    }
    return;
  }
  unsigned c = PF(msm_window)(n);
  unsigned nwin = (256 + c - 1) / c + 1;
  size_t nb = (size_t)1 << (c - 1);
  /* affine buckets filled by batches of affine additions sharing one inversion
   * (at most one addition per bucket per batch) */
  AFF *bk = malloc(nb * sizeof *bk);
  int16_t *digits16 = malloc(n * nwin * sizeof *digits16);
  uint32_t *pend = malloc(2 * n * sizeof *pend);
  uint32_t *stamp = malloc(nb * sizeof *stamp);
  uint32_t *sb = malloc(nb * sizeof *sb);
  AFF *sq = malloc(nb * sizeof *sq);
  FE *den = malloc(2 * nb * sizeof *den);
  uint8_t *kind = malloc(nb);
  if (!bk || !digits16 || !pend || !stamp || !sb || !sq || !den || !kind || n > UINT32_MAX / 2) {
    free(bk);
    free(digits16);
    free(pend);
    free(stamp);
    free(sb);
    free(sq);
    free(den);
    free(kind);
    for (size_t i = 0; i < n; i++) {
      PT p, q;
      PF(from_aff)(&p, &pts[i]);
      PF(mul)(&q, &p, k[i], 4);
      PF(add)(r, r, &q);
    }
    return;
  }
  FE *pre = den + nb;
  /* signed digits in [-2^(c-1), 2^(c-1)] */
  for (size_t i = 0; i < n; i++) {
    int carry = 0;
    for (unsigned w = 0; w < nwin; w++) {
      int d = PF(msm_digit)(k[i], w * c, c) + carry;
      if (d > (1 << (c - 1))) {
        d -= 1 << c;
        carry = 1;
      } else carry = 0;
      digits16[i * nwin + w] = (int16_t)d;
    }
  }
  uint32_t round = 0;
  for (size_t b = 0; b < nb; b++) stamp[b] = 0;
  for (int w = (int)nwin - 1; w >= 0; w--) {
    if (w != (int)nwin - 1)
      for (unsigned j = 0; j < c; j++) PF(dbl)(r, r);
    for (size_t b = 0; b < nb; b++) bk[b].inf = true;
    uint32_t *cur = pend, *next = pend + n;
    size_t ncur = 0;
    for (size_t i = 0; i < n; i++) {
      int d = digits16[i * nwin + w];
      if (d != 0 && !pts[i].inf) cur[ncur++] = (uint32_t)(2 * i + (d < 0));
    }
    if (ncur == 0) continue;
    if (n < 32) {
      /* few points per bucket: the shared inversion does not pay, add in Jacobian */
      PT sum, acc, jbk[16]; /* n < 32: c <= 4, nb <= 8 */
      PF(set_inf)(&sum);
      PF(set_inf)(&acc);
      for (size_t b = 0; b < nb; b++) PF(set_inf)(&jbk[b]);
      for (size_t e = 0; e < ncur; e++) {
        size_t i = cur[e] >> 1;
        int d = digits16[i * nwin + w];
        AFF q = pts[i];
        if (cur[e] & 1) FE_NEG(&q.y, &q.y);
        size_t b = (size_t)(d < 0 ? -d : d) - 1;
        PF(add_aff)(&jbk[b], &jbk[b], &q);
      }
      for (size_t b = nb; b-- > 0;) {
        PF(add)(&sum, &sum, &jbk[b]);
        PF(add)(&acc, &acc, &sum);
      }
      PF(add)(r, r, &acc);
      continue;
    }
    while (ncur) {
      round++;
      size_t nnext = 0, m = 0;
      for (size_t e = 0; e < ncur; e++) {
        size_t i = cur[e] >> 1;
        int d = digits16[i * nwin + w];
        size_t b = (size_t)(d < 0 ? -d : d) - 1;
        if (stamp[b] == round) {
          next[nnext++] = cur[e];
          continue;
        }
        stamp[b] = round;
        AFF q = pts[i];
        if (cur[e] & 1) FE_NEG(&q.y, &q.y);
        if (bk[b].inf) {
          bk[b] = q;
          continue;
        }
        if (FE_EQ(&bk[b].x, &q.x)) {
          if (!FE_EQ(&bk[b].y, &q.y) || FE_ISZERO(&q.y)) {
            bk[b].inf = true;
            continue;
          }
          FE_DBL(&den[m], &q.y); /* doubling: 2y */
          kind[m] = 1;
        } else {
          FE_SUB(&den[m], &q.x, &bk[b].x);
          kind[m] = 0;
        }
        sb[m] = (uint32_t)b;
        sq[m] = q;
        m++;
      }
      if (m) {
        /* batch inversion (Montgomery's trick) */
        pre[0] = den[0];
        for (size_t j = 1; j < m; j++) FE_MUL(&pre[j], &pre[j - 1], &den[j]);
        FE inv, t;
        FE_INV(&inv, &pre[m - 1]);
        for (size_t j = m; j-- > 1;) {
          FE_MUL(&t, &inv, &pre[j - 1]); /* 1/den[j] */
          FE_MUL(&inv, &inv, &den[j]);
          den[j] = t;
        }
        den[0] = inv;
        for (size_t j = 0; j < m; j++) {
          AFF *P = &bk[sb[j]];
          const AFF *Q = &sq[j];
          FE lam, x3, y3;
          if (kind[j]) {
            FE_SQR(&t, &P->x);
            FE_DBL(&lam, &t);
            FE_ADD(&lam, &lam, &t);
          } else {
            FE_SUB(&lam, &Q->y, &P->y);
          }
          FE_MUL(&lam, &lam, &den[j]);
          FE_SQR(&x3, &lam);
          FE_SUB(&x3, &x3, &P->x);
          FE_SUB(&x3, &x3, &Q->x);
          FE_SUB(&y3, &P->x, &x3);
          FE_MUL(&y3, &y3, &lam);
          FE_SUB(&P->y, &y3, &P->y);
          P->x = x3;
        }
      }
      uint32_t *tmp = cur;
      cur = next;
      next = tmp;
      ncur = nnext;
    }
    PT sum, acc;
    PF(set_inf)(&sum);
    PF(set_inf)(&acc);
    for (size_t b = nb; b-- > 0;) {
      PF(add_aff)(&sum, &sum, &bk[b]);
      PF(add)(&acc, &acc, &sum);
    }
    PF(add)(r, r, &acc);
  }
  free(bk);
  free(digits16);
  free(pend);
  free(stamp);
  free(sb);
  free(sq);
  free(den);
  free(kind);
}

/* r = k1 a + k2 b (Shamir's trick, 4-bit windows, 4-word scalars). */
void PF(mul2)(PT *r, const PT *a, const uint64_t k1[4], const PT *b, const uint64_t k2[4]) {
  PT ta[16], tb[16], acc;
  PF(set_inf)(&ta[0]);
  PF(set_inf)(&tb[0]);
  ta[1] = *a;
  tb[1] = *b;
  for (int i = 2; i < 16; i++) {
    if (i & 1) {
      PF(add)(&ta[i], &ta[i - 1], a);
      PF(add)(&tb[i], &tb[i - 1], b);
    } else {
      PF(dbl)(&ta[i], &ta[i / 2]);
      PF(dbl)(&tb[i], &tb[i / 2]);
    }
  }
  PF(set_inf)(&acc);
  for (int i = 3; i >= 0; i--) {
    for (int s = 60; s >= 0; s -= 4) {
      PF(dbl)(&acc, &acc);
      PF(dbl)(&acc, &acc);
      PF(dbl)(&acc, &acc);
      PF(dbl)(&acc, &acc);
      unsigned d1 = (unsigned)(k1[i] >> s) & 15, d2 = (unsigned)(k2[i] >> s) & 15;
      if (d1) PF(add)(&acc, &acc, &ta[d1]);
      if (d2) PF(add)(&acc, &acc, &tb[d2]);
    }
  }
  *r = acc;
}

/* r = |z| a with |z| = 0xd201000000010000 (bits 63, 62, 60, 57, 48, 16):
 * 63 doublings and 5 additions. */
void PF(mul_zabs)(PT *r, const PT *a) {
  static const int8_t runs[5] = {1, 2, 3, 9, 32}; /* doublings before each addition */
  PT acc = *a;
  for (int i = 0; i < 5; i++) {
    for (int j = 0; j < runs[i]; j++) PF(dbl)(&acc, &acc);
    PF(add)(&acc, &acc, a);
  }
  for (int j = 0; j < 16; j++) PF(dbl)(&acc, &acc);
  *r = acc;
}

/* r = sum k_i P_i for n <= 4 points with short scalars (nwords words each):
 * one table of the 2^n subset sums, then one doubling and at most one addition
 * per bit (used by the GLV/GLS decompositions). */
void PF(mul_joint)(PT *r, const PT *pts, int n, const uint64_t (*k)[4], int nwords) {
  PT tbl[16];
  PF(set_inf)(&tbl[0]);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < (1 << i); j++) PF(add)(&tbl[(1 << i) + j], &tbl[j], &pts[i]);
  PT acc;
  PF(set_inf)(&acc);
  for (int w = nwords - 1; w >= 0; w--) {
    for (int b = 63; b >= 0; b--) {
      PF(dbl)(&acc, &acc);
      unsigned idx = 0;
      for (int i = 0; i < n; i++) idx |= (unsigned)((k[i][w] >> b) & 1) << i;
      if (idx) PF(add)(&acc, &acc, &tbl[idx]);
    }
  }
  *r = acc;
}
