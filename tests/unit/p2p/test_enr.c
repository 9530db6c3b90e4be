/* ENR (devp2p enr.md): the spec's test record decodes and verifies, signing the
 * same content with the same key reproduces it byte for byte (RFC 6979 nonces),
 * and malformed records are refused. Also enode URLs and the node key file. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/p2p_enr.h"
#include "ethc/p2p_node.h"
#include "ethc/rlp.h"

static const char *vector =
    "enr:-"
    "IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJ"
    "c2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8";
static const char *key_hex = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";

static void test_vector(void) {
  enr_t e;
  uint8_t id[32], key[32];
  CHECK(enr_from_text(vector, &e) == 0);
  CHECK(hex_decode_fixed("a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7", false, id, 32) == 0);
  CHECK_MEM(e.id, id, 32);
  CHECK(e.seq == 1 && e.has_ip && e.ip[0] == 127 && e.ip[3] == 1 && e.udp == 30303 && e.tcp == 0);
  CHECK(!e.has_ip6 && e.eth_len == 0);
  char text[ENR_TEXT_MAX];
  CHECK(enr_to_text(&e, text, sizeof text) > 0 && !strcmp(text, vector));

  CHECK(hex_decode_fixed(key_hex, false, key, 32) == 0);
  enr_t s;
  uint8_t ip[4] = {127, 0, 0, 1};
  enr_fields_t f = {.ip = ip, .udp = 30303};
  CHECK(enr_sign(key, 1, &f, &s) == 0);
  CHECK(s.raw_len == e.raw_len && !memcmp(s.raw, e.raw, e.raw_len));

  /* an opaque "eth" entry sorts first and survives a round trip */
  uint8_t eth[] = {0xc7, 0xc6, 0x84, 0xfc, 0x64, 0xec, 0x04, 0x80}; /* [[fork hash, next]] */
  f.eth = eth, f.eth_len = sizeof eth, f.tcp = 30303;
  CHECK(enr_sign(key, 2, &f, &s) == 0);
  CHECK(enr_to_text(&s, text, sizeof text) > 0);
  enr_t back;
  CHECK(enr_from_text(text, &back) == 0);
  CHECK(back.seq == 2 && back.tcp == 30303 && back.eth_len == sizeof eth);
  CHECK_MEM(back.raw + back.eth_off, eth, sizeof eth);
}

static void test_bad(void) {
  enr_t e, good;
  CHECK(enr_from_text(vector, &good) == 0);
  uint8_t raw[ENR_MAX_SIZE];
  memcpy(raw, good.raw, good.raw_len);
  raw[10] ^= 1; /* the signature */
  CHECK(enr_decode(raw, good.raw_len, &e) == ETHC_ERR_TX_SIGNATURE);
  memcpy(raw, good.raw, good.raw_len);
  raw[good.raw_len - 1] ^= 1; /* the udp port: signed content */
  CHECK(enr_decode(raw, good.raw_len, &e) == ETHC_ERR_TX_SIGNATURE);
  CHECK(enr_decode(good.raw, good.raw_len - 1, &e) != 0);
  CHECK(enr_from_text("enr:", &e) != 0);
  CHECK(enr_from_text("enx:-IS4", &e) != 0);
  CHECK(enr_from_text("enr:-IS4QHC*", &e) != 0);
  uint8_t big[400] = {0xf9, 0x01, 0x8d};
  CHECK(enr_decode(big, sizeof big, &e) == ETHC_ERR_LIMIT);
  /* keys out of order: "ip" before "id" (not re-signed: the order is checked first) */
  bytes_buf_t u = {0};
  uint8_t zero[64] = {0};
  size_t l = rlp_list_begin(&u);
  rlp_put_bytes(&u, zero, 64), rlp_put_u64(&u, 1);
  rlp_put_bytes(&u, (const uint8_t *)"ip", 2), rlp_put_bytes(&u, zero, 4);
  rlp_put_bytes(&u, (const uint8_t *)"id", 2), rlp_put_bytes(&u, (const uint8_t *)"v4", 2);
  rlp_list_end(&u, l);
  CHECK(enr_decode(u.data, u.len, &e) == ETHC_ERR_INVALID);
  bytes_buf_free(&u);
  static const uint8_t noid[] = {0xc2, 0x80, 0x01};
  CHECK(enr_decode(noid, sizeof noid, &e) != 0);
}

static void test_enode(void) {
  const char *url =
      "enode://a979fb575495b8d6db44f750317d0f4622bf4c2aa3365d6af7c284339968eef29b69ad0dce72a4d8db5ebb4968de0e3bec91"
      "0127f134779fbcb0cb6d3331163c@52.16.188.185:30303";
  p2p_node_t n;
  char err[256], out[ENODE_URL_MAX];
  CHECK(enode_parse(url, &n, err, sizeof err) == 0);
  CHECK(n.tcp == 30303 && n.udp == 30303 && p2p_ip_is4(n.ip) && n.ip[12] == 52 && n.pubkey[0] == 0xa9);
  enode_format(&n, out, sizeof out);
  CHECK(!strcmp(out, url));
  char with[400];
  snprintf(with, sizeof with, "%s?discport=30301", url);
  CHECK(enode_parse(with, &n, err, sizeof err) == 0 && n.udp == 30301 && n.tcp == 30303);
  enode_format(&n, out, sizeof out);
  CHECK(!strcmp(out, with));
  snprintf(with, sizeof with, "%s?discport=0", url); /* geth's: no discovery port */
  CHECK(enode_parse(with, &n, err, sizeof err) == 0 && n.udp == 0 && n.tcp == 30303);
  enode_format(&n, out, sizeof out);
  CHECK(!strcmp(out, with));
  snprintf(with, sizeof with, "%s?discport=65535", url);
  CHECK(enode_parse(with, &n, err, sizeof err) == 0 && n.udp == 65535);
  const char *junk[] = {"?discport=65536",
                        "?discport=",
                        "?discport=1x",
                        "?discport=-1",
                        "?discport=1&x=2",
                        "?foo=1",
                        "?",
                        "?discport=30301?discport=1",
                        "?DISCPORT=1"};
  for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
    snprintf(with, sizeof with, "%s%s", url, junk[i]);
    CHECK_MSG(enode_parse(with, &n, err, sizeof err) != 0 && strstr(err, "discport"), "%s: %s", junk[i], err);
  }
  snprintf(with, sizeof with, "%s?foo=1", url);
  CHECK(enode_parse(with, &n, err, sizeof err) != 0 && strstr(err, "unknown query ?foo=1"));
  snprintf(with, sizeof with, "%s junk", url);
  CHECK(enode_parse(with, &n, err, sizeof err) != 0 && strstr(err, "TCP port"));
  snprintf(with, sizeof with, "%.137s[::1]:5", url);
  CHECK(enode_parse(with, &n, err, sizeof err) == 0 && n.tcp == 5 && !p2p_ip_is4(n.ip));
  enode_format(&n, out, sizeof out);
  CHECK(!strcmp(out, with));
  CHECK(enode_parse("enode://abcd@1.2.3.4:1", &n, err, sizeof err) != 0);
  snprintf(with, sizeof with, "%.137sexample.com:30303", url);
  CHECK(enode_parse(with, &n, err, sizeof err) != 0);
  snprintf(with, sizeof with, "%.137s1.2.3.4:70000", url);
  CHECK(enode_parse(with, &n, err, sizeof err) != 0);
  snprintf(with, sizeof with, "%.137s1.2.3.4:0", url);
  CHECK(enode_parse(with, &n, err, sizeof err) != 0);
  snprintf(with, sizeof with, "%.135s0@1.2.3.4:1", url); /* not a curve point */
  CHECK(enode_parse(with, &n, err, sizeof err) != 0);
  p2p_node_t *list;
  size_t count;
  snprintf(with, sizeof with, "%s, %s,", url, url);
  CHECK(enode_parse_list(with, &list, &count, err, sizeof err) == 0 && count == 2);
  free(list);
  CHECK(enode_parse_list("enode://x", &list, &count, err, sizeof err) != 0);
  /* every built-in bootnode parses */
  const char *nets[] = {"mainnet", "sepolia", "holesky", "hoodi"};
  for (int i = 0; i < 4; i++) {
    const char *const *b = p2p_bootnodes(nets[i]);
    CHECK(b && b[0]);
    for (; b && *b; b++) CHECK_MSG(enode_parse(*b, &n, err, sizeof err) == 0, "%s", err);
  }
  CHECK(!strcmp(p2p_network_of_chain(1), "mainnet") && !p2p_network_of_chain(1337));
}

static void test_nodekey(void) {
  char dir[] = "test-nodekey-XXXXXX", path[128], err[256]; /* in the working directory: the build dir */
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/nodekey", dir);
  uint8_t k1[32], k2[32];
  bool created;
  CHECK(nodekey_load(path, false, k1, &created, err, sizeof err) == ETHC_ERR_IO);
  CHECK(nodekey_load(path, true, k1, &created, err, sizeof err) == 0 && created);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 64);
  CHECK(nodekey_load(path, true, k2, &created, err, sizeof err) == 0 && !created);
  CHECK_MEM(k1, k2, 32);
  FILE *f = fopen(path, "w");
  fputs("  0xb71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291\n", f);
  fclose(f);
  CHECK(nodekey_load(path, true, k2, &created, err, sizeof err) == 0 && k2[0] == 0xb7);
  f = fopen(path, "w");
  fputs("not hex", f);
  fclose(f);
  CHECK(nodekey_load(path, true, k2, &created, err, sizeof err) == ETHC_ERR_INVALID);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  test_vector();
  test_bad();
  test_enode();
  test_nodekey();
  return check_summary();
}
