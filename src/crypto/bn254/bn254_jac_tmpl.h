/* Short-Weierstrass (a = 0) point arithmetic in Jacobian coordinates, instantiated for
 * G1 over Fp and G2 over Fp2 by bn254_curve.c (EFD formulas dbl-2009-l, add-2007-bl,
 * madd-2007-bl). Not a standalone header: the includer defines the macros below. */
/* Required: JAC (jacobian type), AFF (affine type), FE (field type), NAME(x) (prefixer),
 * F_MUL, F_SQR, F_ADD, F_SUB, F_DBL, F_NEG, F_ISZERO, F_EQ, F_INV, F_ONE (lvalue), F_B (pointer) */

static inline bool NAME(is_inf)(const JAC *p) { return F_ISZERO(&p->z); }

static inline void NAME(set_inf)(JAC *p) {
  memset(p, 0, sizeof *p);
  p->x = F_ONE;
  p->y = F_ONE;
}

static __attribute__((unused)) void NAME(dbl)(JAC *r, const JAC *p) {
  if (NAME(is_inf)(p)) {
    *r = *p;
    return;
  }
  FE a, b, c, d, e, f, t;
  F_SQR(&a, &p->x);
  F_SQR(&b, &p->y);
  F_SQR(&c, &b);
  F_ADD(&d, &p->x, &b);
  F_SQR(&d, &d);
  F_SUB(&d, &d, &a);
  F_SUB(&d, &d, &c);
  F_DBL(&d, &d); /* D = 2((X+B)^2 - A - C) */
  F_DBL(&e, &a);
  F_ADD(&e, &e, &a); /* E = 3A */
  F_SQR(&f, &e);     /* F = E^2 */
  F_MUL(&t, &p->y, &p->z);
  F_DBL(&r->z, &t); /* Z3 = 2YZ */
  F_DBL(&t, &d);
  F_SUB(&r->x, &f, &t); /* X3 = F - 2D */
  F_SUB(&t, &d, &r->x);
  F_MUL(&t, &e, &t);
  F_DBL(&c, &c);
  F_DBL(&c, &c);
  F_DBL(&c, &c);
  F_SUB(&r->y, &t, &c); /* Y3 = E(D - X3) - 8C */
}

static __attribute__((unused)) void NAME(add)(JAC *r, const JAC *p, const JAC *q) {
  if (NAME(is_inf)(p)) {
    *r = *q;
    return;
  }
  if (NAME(is_inf)(q)) {
    *r = *p;
    return;
  }
  FE z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t;
  F_SQR(&z1z1, &p->z);
  F_SQR(&z2z2, &q->z);
  F_MUL(&u1, &p->x, &z2z2);
  F_MUL(&u2, &q->x, &z1z1);
  F_MUL(&s1, &p->y, &q->z);
  F_MUL(&s1, &s1, &z2z2);
  F_MUL(&s2, &q->y, &p->z);
  F_MUL(&s2, &s2, &z1z1);
  F_SUB(&h, &u2, &u1);
  F_SUB(&rr, &s2, &s1);
  if (F_ISZERO(&h)) {
    if (F_ISZERO(&rr)) {
      NAME(dbl)(r, p);
      return;
    }
    NAME(set_inf)(r);
    return;
  }
  F_DBL(&rr, &rr);
  F_DBL(&i, &h);
  F_SQR(&i, &i);
  F_MUL(&j, &h, &i);
  F_MUL(&v, &u1, &i);
  F_ADD(&t, &p->z, &q->z);
  F_SQR(&t, &t);
  F_SUB(&t, &t, &z1z1);
  F_SUB(&t, &t, &z2z2);
  F_MUL(&r->z, &t, &h);
  F_SQR(&t, &rr);
  F_SUB(&t, &t, &j);
  F_SUB(&t, &t, &v);
  F_SUB(&r->x, &t, &v);
  F_SUB(&t, &v, &r->x);
  F_MUL(&t, &rr, &t);
  F_MUL(&s1, &s1, &j);
  F_DBL(&s1, &s1);
  F_SUB(&r->y, &t, &s1);
}

/* r = p + q with q affine (not infinity). */
static __attribute__((unused)) void NAME(add_mixed)(JAC *r, const JAC *p, const FE *qx, const FE *qy) {
  if (NAME(is_inf)(p)) {
    r->x = *qx;
    r->y = *qy;
    r->z = F_ONE;
    return;
  }
  FE z1z1, u2, s2, h, hh, i, j, rr, v, t;
  F_SQR(&z1z1, &p->z);
  F_MUL(&u2, qx, &z1z1);
  F_MUL(&s2, qy, &p->z);
  F_MUL(&s2, &s2, &z1z1);
  F_SUB(&h, &u2, &p->x);
  F_SUB(&rr, &s2, &p->y);
  if (F_ISZERO(&h)) {
    if (F_ISZERO(&rr)) {
      NAME(dbl)(r, p);
      return;
    }
    NAME(set_inf)(r);
    return;
  }
  F_DBL(&rr, &rr);
  F_SQR(&hh, &h);
  F_DBL(&i, &hh);
  F_DBL(&i, &i);
  F_MUL(&j, &h, &i);
  F_MUL(&v, &p->x, &i);
  F_ADD(&t, &p->z, &h);
  F_SQR(&t, &t);
  F_SUB(&t, &t, &z1z1);
  F_SUB(&r->z, &t, &hh);
  F_SQR(&t, &rr);
  F_SUB(&t, &t, &j);
  F_SUB(&t, &t, &v);
  F_SUB(&r->x, &t, &v);
  F_SUB(&t, &v, &r->x);
  F_MUL(&t, &rr, &t);
  F_MUL(&s2, &p->y, &j);
  F_DBL(&s2, &s2);
  F_SUB(&r->y, &t, &s2);
}

static __attribute__((unused)) bool NAME(eq)(const JAC *p, const JAC *q) {
  bool pi = NAME(is_inf)(p), qi = NAME(is_inf)(q);
  if (pi || qi) return pi == qi;
  FE z1z1, z2z2, a, b;
  F_SQR(&z1z1, &p->z);
  F_SQR(&z2z2, &q->z);
  F_MUL(&a, &p->x, &z2z2);
  F_MUL(&b, &q->x, &z1z1);
  if (!F_EQ(&a, &b)) return false;
  F_MUL(&z1z1, &z1z1, &p->z);
  F_MUL(&z2z2, &z2z2, &q->z);
  F_MUL(&a, &p->y, &z2z2);
  F_MUL(&b, &q->y, &z1z1);
  return F_EQ(&a, &b);
}

static __attribute__((unused)) void NAME(to_aff)(AFF *r, const JAC *p) {
  if (NAME(is_inf)(p)) {
    memset(r, 0, sizeof *r);
    r->inf = true;
    return;
  }
  FE zi, zi2;
  F_INV(&zi, &p->z);
  F_SQR(&zi2, &zi);
  F_MUL(&r->x, &p->x, &zi2);
  F_MUL(&zi2, &zi2, &zi);
  F_MUL(&r->y, &p->y, &zi2);
  r->inf = false;
}

static __attribute__((unused)) void NAME(from_aff)(JAC *r, const AFF *p) {
  if (p->inf) {
    NAME(set_inf)(r);
    return;
  }
  r->x = p->x;
  r->y = p->y;
  r->z = F_ONE;
}

static __attribute__((unused)) bool NAME(aff_on_curve)(const AFF *p) {
  if (p->inf) return true;
  FE l, rh;
  F_SQR(&l, &p->y);
  F_SQR(&rh, &p->x);
  F_MUL(&rh, &rh, &p->x);
  F_ADD(&rh, &rh, F_B);
  return F_EQ(&l, &rh);
}

/* Double-and-add over a 256-bit scalar (little-endian limbs). */
static __attribute__((unused)) void NAME(mul_plain)(JAC *r, const JAC *p, const uint64_t k[4]) {
  JAC acc;
  NAME(set_inf)(&acc);
  for (int i = 255; i >= 0; i--) {
    NAME(dbl)(&acc, &acc);
    if ((k[i / 64] >> (i % 64)) & 1) NAME(add)(&acc, &acc, p);
  }
  *r = acc;
}
