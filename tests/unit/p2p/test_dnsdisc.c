/* EIP-1459 DNS node lists (p2p_dnsdisc.h): the EIP's example tree (root
 * signature against its URL's key, every record's hash is its name, the node
 * records verify), a tree signed here, and malformed records refused. */
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/p2p_dnsdisc.h"
#include "ethc/secp256k1.h"

/* EIP-1459 "Example in zone file format" */
static const char *url = "enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@nodes.example.org";
static const char *root =
    "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 "
    "sig=o908WmNp7LibOfPsr4btQwatZJ5URBr2ZAuxvK4UWHlsB9sUOTJQaGAlLPVAhM__XJesCHxLISo94z5Z2a463gA";
static const char *names[] = {"C7HRFPF3BLGF3YR4DY5KX3SMBE", "JWXYDBPXYWG6FX3GMDIBFA6CJ4", "2XS2367YHAXJFGLZHVAWLQD4ZY",
                              "H4FHT4B454P6UXFD7JCYQ5PWDY", "MHTDO6TMUBRIA2XWG5LUDACK24"};
static const char *texts[] = {
    "enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@morenodes.example.org",
    "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4ZY,H4FHT4B454P6UXFD7JCYQ5PWDY,MHTDO6TMUBRIA2XWG5LUDACK24",
    "enr:-"
    "HW4QOFzoVLaFJnNhbgMoDXPnOvcdVuj7pDpqRvh6BRDO68aVi5ZcjB3vzQRZH2IcLBGHzo8uUN3snqmgTiE56CH3AMBgmlkgnY0iXNlY3AyNTZr"
    "MaECC2_24YYkYHEgdzxlSNKQEnHhuNAbNlMlWJxrJxbAFvA",
    "enr:-"
    "HW4QAggRauloj2SDLtIHN1XBkvhFZ1vtf1raYQp9TBW2RD5EEawDzbtSmlXUfnaHcvwOizhVYLtr7e6vw7NAf6mTuoCgmlkgnY0iXNlY3AyNTZr"
    "MaECjrXI8TLNXU0f8cthpAMxEshUyQlK-AM0PW2wfrnacNI",
    "enr:-HW4QLAYqmrwllBEnzWWs7I5Ev2IAs7x_dZlbYdRdMUx5EyKHDXp7AV5CkuPGUPdvbv1_"
    "Ms1CPfhcGCvSElSosZmyoqAgmlkgnY0iXNlY3AyNTZr"
    "MaECriawHKWdDRk2xeZkrOXBQ0dfMFLHY4eENZwdufn1S1o",
};

static dnsdisc_entry_t e; /* large */

static void test_eip_example(void) {
  dnsdisc_url_t u;
  CHECK(dnsdisc_parse_url(url, &u) == 0);
  CHECK(!strcmp(u.domain, "nodes.example.org"));
  CHECK(u.pubkey[0] == 0x3a && u.pubkey[1] == 0x51 && u.pubkey[63] == 0xb3);
  char back[200];
  CHECK(dnsdisc_format_url(u.pubkey, u.domain, back, sizeof back) == strlen(url) && !strcmp(back, url));

  dnsdisc_root_t r;
  CHECK(dnsdisc_parse_root(root, strlen(root), &r) == 0);
  CHECK(r.seq == 1 && !strcmp(r.eroot, names[1]) && !strcmp(r.lroot, names[0]));
  CHECK(r.signed_len == strlen(root) - strlen(" sig=") - 87);
  /* The EIP's root is signed by the key its text names (0x049f88...), which is
   * not the key in its example URL: the URL's key must refuse it. */
  uint8_t signer[64];
  CHECK(
      hex_decode_fixed("9f88229042fef9200246f49f94d9b77c4e954721442714e85850cb6d9e5daf2d880ea0e53cb3ac1a75f9923c2726a4f"
                       "941f7d326781baa6380754a360de5c2b6",
                       false, signer, 64) == 0);
  CHECK(dnsdisc_root_verify(&r, root, signer));
  CHECK(!dnsdisc_root_verify(&r, root, u.pubkey));
  uint8_t other[64];
  memcpy(other, signer, 64);
  other[5] ^= 1;
  CHECK(!dnsdisc_root_verify(&r, root, other));
  /* the same signature over another sequence number */
  char moved[300];
  strcpy(moved, root);
  moved[strlen("enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=")] = '2';
  CHECK(dnsdisc_parse_root(moved, strlen(moved), &r) == 0 && r.seq == 2 && !dnsdisc_root_verify(&r, moved, signer));

  for (size_t i = 0; i < 5; i++) {
    size_t n = strlen(texts[i]);
    char h[DNSDISC_HASH_LEN + 1];
    dnsdisc_hash(texts[i], n, h);
    CHECK_MSG(!strcmp(h, names[i]), "record %zu hashes to %s", i, h);
    char lower[DNSDISC_HASH_LEN + 1];
    for (size_t k = 0; k <= DNSDISC_HASH_LEN; k++) lower[k] = (char)(names[i][k] | (k < DNSDISC_HASH_LEN ? 0x20 : 0));
    CHECK(dnsdisc_hash_matches(lower, texts[i], n)); /* DNS names are case-insensitive */
    CHECK(!dnsdisc_hash_matches(names[(i + 1) % 5], texts[i], n));
    CHECK(dnsdisc_parse_entry(texts[i], n, &e) == 0);
  }
  CHECK(dnsdisc_parse_entry(texts[0], strlen(texts[0]), &e) == 0 && e.kind == DNSDISC_LINK &&
        !strcmp(e.link.domain, "morenodes.example.org"));
  CHECK(dnsdisc_parse_entry(texts[1], strlen(texts[1]), &e) == 0 && e.kind == DNSDISC_BRANCH && e.n_children == 3 &&
        !memcmp(e.children[2], names[4], DNSDISC_HASH_LEN));
  CHECK(dnsdisc_parse_entry(texts[2], strlen(texts[2]), &e) == 0 && e.kind == DNSDISC_ENR && e.enr.seq == 1);
}

/* A tree signed here: the root verifies with our key only. */
static void test_signed_here(void) {
  uint8_t key[32], pub[64], h[32], r[32], s[32];
  int recid;
  memset(key, 0x11, 32);
  CHECK(ethc_secp256k1_pubkey_create(key, pub) == 0);
  const char *body = "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=42";
  keccak256((const uint8_t *)body, strlen(body), h);
  CHECK(ethc_secp256k1_sign(key, h, r, s, &recid) == 0);
  uint8_t sig[65];
  memcpy(sig, r, 32), memcpy(sig + 32, s, 32), sig[64] = (uint8_t)recid;
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char txt[300];
  size_t o = (size_t)snprintf(txt, sizeof txt, "%s sig=", body);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < 65; i++) {
    acc = acc << 8 | sig[i], bits += 8;
    while (bits >= 6) txt[o++] = b64[(acc >> (bits - 6)) & 63], bits -= 6;
  }
  txt[o++] = b64[(acc << (6 - bits)) & 63];
  txt[o] = 0;
  dnsdisc_root_t root_rec;
  CHECK(dnsdisc_parse_root(txt, o, &root_rec) == 0 && root_rec.seq == 42);
  CHECK(dnsdisc_root_verify(&root_rec, txt, pub));
  root_rec.sig[64] ^= 1; /* v is not trusted: the key decides */
  CHECK(dnsdisc_root_verify(&root_rec, txt, pub));
  root_rec.sig[10] ^= 1;
  CHECK(!dnsdisc_root_verify(&root_rec, txt, pub));
  char u[200];
  dnsdisc_url_t back;
  CHECK(dnsdisc_format_url(pub, "x.test", u, sizeof u) > 0 && dnsdisc_parse_url(u, &back) == 0);
  CHECK(!memcmp(back.pubkey, pub, 64) && !strcmp(back.domain, "x.test"));
}

static void test_malformed(void) {
  dnsdisc_url_t u;
  CHECK(dnsdisc_parse_url("enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@", &u) == ETHC_ERR_INVALID);
  CHECK(dnsdisc_parse_url("enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT@a.org", &u) ==
        ETHC_ERR_INVALID);
  CHECK(dnsdisc_parse_url("enrtree://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@a..org", &u) ==
        ETHC_ERR_INVALID);
  CHECK(dnsdisc_parse_url("enode://AM5FCQLWIZX2QFPNJAP7VUERCCRNGRHWZG3YYHIUV7BVDQ5FDPRT2@a.org", &u) ==
        ETHC_ERR_INVALID);
  CHECK(dnsdisc_parse_url("enrtree://AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA@a.org", &u) ==
        ETHC_ERR_INVALID); /* not a point */
  static const char *roots[] = {
      "enrtree-root:v2 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=",
      "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=AA",
      "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq= sig=AA",
      "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=99999999999999999999 sig=AA",
      "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=o908WmNp7",
      "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ1 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=AA",
  };
  dnsdisc_root_t r;
  for (size_t i = 0; i < sizeof roots / sizeof *roots; i++)
    CHECK_MSG(dnsdisc_parse_root(roots[i], strlen(roots[i]), &r) == ETHC_ERR_INVALID, "root %zu", i);
  char extra[400];
  snprintf(extra, sizeof extra, "%s ", root); /* trailing bytes */
  CHECK(dnsdisc_parse_root(extra, strlen(extra), &r) == ETHC_ERR_INVALID);
  static const char *entries[] = {
      "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4ZY,",
      "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4ZY,,H4FHT4B454P6UXFD7JCYQ5PWDY",
      "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4Z",
      "enrtree-branch:2XS2367YHAXJFGLZHVAWLQD4Z!",
      "enr:-"
      "HW4QOFzoVLaFJnNhbgMoDXPnOvcdVuj7pDpqRvh6BRDO68aVi5ZcjB3vzQRZH2IcLBGHzo8uUN3snqmgTiE56CH3AMBgmlkgnY0iXNlY3AyNTZr"
      "MaECC2_24YYkYHEgdzxlSNKQEnHhuNAbNlMlWJxrJxbAFvB", /* signature no longer matches */
      "enr:!!",
      "enrtree://nokey@a.org",
      "enrtree-root:v1 e=JWXYDBPXYWG6FX3GMDIBFA6CJ4 l=C7HRFPF3BLGF3YR4DY5KX3SMBE seq=1 sig=AA",
      "hello",
      "",
  };
  for (size_t i = 0; i < sizeof entries / sizeof *entries; i++)
    CHECK_MSG(dnsdisc_parse_entry(entries[i], strlen(entries[i]), &e) != 0, "entry %zu", i);
  CHECK(dnsdisc_parse_entry("enrtree-branch:", 15, &e) == 0 && e.n_children == 0);
  /* a NUL inside a node record's text */
  char withnul[] = "enr:-HW4\0QOFz";
  CHECK(dnsdisc_parse_entry(withnul, sizeof withnul - 1, &e) != 0);
  CHECK(dnsdisc_default_url("mainnet") && strstr(dnsdisc_default_url("mainnet"), "@all.mainnet.ethdisco.net"));
  CHECK(dnsdisc_default_url("hoodi") && !dnsdisc_default_url("dev"));
  dnsdisc_url_t dflt;
  CHECK(dnsdisc_parse_url(dnsdisc_default_url("sepolia"), &dflt) == 0);
}

int main(void) {
  test_eip_example();
  test_signed_here();
  test_malformed();
  return check_summary();
}
