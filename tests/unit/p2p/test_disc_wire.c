/* discv4 packets: the EIP-8 test packets (EIPS/eip-8.md "RLPx Discovery
 * Protocol", signed with node key b71c71a6...) decode with their extra elements
 * and trailing data ignored; our own encodings of each type decode back. */
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/p2p_discv4.h"
#include "ethc/secp256k1.h"

static const char *key_hex = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291";

static const char *ping_v4 =
    "e9614ccfd9fc3e74360018522d30e1419a143407ffcce748de3e22116b7e8dc92ff74788c0b6663a"
    "aa3d67d641936511c8f8d6ad8698b820a7cf9e1be7155e9a241f556658c55428ec0563514365799a"
    "4be2be5a685a80971ddcfa80cb422cdd0101ec04cb847f000001820cfa8215a8d790000000000000"
    "000000000000000000018208ae820d058443b9a3550102";
static const char *ping_v555 =
    "577be4349c4dd26768081f58de4c6f375a7a22f3f7adda654d1428637412c3d7fe917cadc56d4e5e"
    "7ffae1dbe3efffb9849feb71b262de37977e7c7a44e677295680e9e38ab26bee2fcbae207fba3ff3"
    "d74069a50b902a82c9903ed37cc993c50001f83e82022bd79020010db83c4d001500000000abcdef"
    "12820cfa8215a8d79020010db885a308d313198a2e037073488208ae82823a8443b9a355c5010203"
    "040531b9019afde696e582a78fa8d95ea13ce3297d4afb8ba6433e4154caa5ac6431af1b80ba7602"
    "3fa4090c408f6b4bc3701562c031041d4702971d102c9ab7fa5eed4cd6bab8f7af956f7d565ee191"
    "7084a95398b6a21eac920fe3dd1345ec0a7ef39367ee69ddf092cbfe5b93e5e568ebc491983c09c7"
    "6d922dc3";
static const char *pong =
    "09b2428d83348d27cdf7064ad9024f526cebc19e4958f0fdad87c15eb598dd61d08423e0bf66b206"
    "9869e1724125f820d851c136684082774f870e614d95a2855d000f05d1648b2d5945470bc187c2d2"
    "216fbe870f43ed0909009882e176a46b0102f846d79020010db885a308d313198a2e037073488208"
    "ae82823aa0fbc914b16819237dcd8801d7e53f69e9719adecb3cc0e790c57e91ca4461c9548443b9"
    "a355c6010203c2040506a0c969a58f6f9095004c0177a6b47f451530cab38966a25cca5cb58f0555"
    "42124e";
static const char *findnode =
    "c7c44041b9f7c7e41934417ebac9a8e1a4c6298f74553f2fcfdcae6ed6fe53163eb3d2b52e39fe91"
    "831b8a927bf4fc222c3902202027e5e9eb812195f95d20061ef5cd31d502e47ecb61183f74a504fe"
    "04c51e73df81f25c4d506b26db4517490103f84eb840ca634cae0d49acb401d8a4c6b6fe8c55b70d"
    "115bf400769cc1400f3258cd31387574077f301b421bc84df7266c44e9e6d569fc56be0081290476"
    "7bf5ccd1fc7f8443b9a35582999983999999280dc62cc8255c73471e0a61da0c89acdc0e035e260a"
    "dd7fc0c04ad9ebf3919644c91cb247affc82b69bd2ca235c71eab8e49737c937a2c396";
static const char *neighbors =
    "c679fc8fe0b8b12f06577f2e802d34f6fa257e6137a995f6f4cbfc9ee50ed3710faf6e66f932c4c8"
    "d81d64343f429651328758b47d3dbc02c4042f0fff6946a50f4a49037a72bb550f3a7872363a83e1"
    "b9ee6469856c24eb4ef80b7535bcf99c0004f9015bf90150f84d846321163782115c82115db84031"
    "55e1427f85f10a5c9a7755877748041af1bcd8d474ec065eb33df57a97babf54bfd2103575fa8291"
    "15d224c523596b401065a97f74010610fce76382c0bf32f84984010203040101b840312c55512422"
    "cf9b8a4097e9a6ad79402e87a15ae909a4bfefa22398f03d20951933beea1e4dfa6f968212385e82"
    "9f04c2d314fc2d4e255e0d3bc08792b069dbf8599020010db83c4d001500000000abcdef12820d05"
    "820d05b84038643200b172dcfef857492156971f0e6aa2c538d8b74010f8e140811d53b98c765dd2"
    "d96126051913f44582e8c199ad7c6d6819e9a56483f637feaac9448aacf8599020010db885a308d3"
    "13198a2e037073488203e78203e8b8408dcab8618c3253b558d459da53bd8fa68935a719aff8b811"
    "197101a4b2b47dd2d47295286fc00cc081bb542d760717d1bdd6bec2c37cd72eca367d6dd3b9df73"
    "8443b9a355010203b525a138aa34383fec3d2719a0";

static uint8_t key[32], pub[64];
static discv4_packet_t p, q; /* large */

static size_t unhex(const char *h, uint8_t *out) {
  size_t n = 0;
  CHECK(hex_decode(h, false, out, 2048, &n) == 0);
  return n;
}

static void test_eip8(void) {
  uint8_t buf[2048];
  size_t n = unhex(ping_v4, buf);
  CHECK(discv4_decode(buf, n, &p) == 0);
  CHECK(p.type == DISCV4_PING && p.version == 4 && p.expiration == 1136239445);
  CHECK_MEM(p.sender, pub, 64);
  CHECK(p.from.ip_len == 4 && p.from.ip[12] == 127 && p.from.ip[15] == 1 && p.from.udp == 3322 && p.from.tcp == 5544);
  CHECK(p.to.ip_len == 16 && p.to.ip[15] == 1 && p.to.udp == 2222 && p.to.tcp == 3333);
  CHECK(p.has_enr_seq && p.enr_seq == 1); /* the first extra element reads as EIP-868's seq */

  n = unhex(ping_v555, buf);
  CHECK(discv4_decode(buf, n, &p) == 0);
  CHECK(p.type == DISCV4_PING && p.version == 555 && p.expiration == 1136239445);
  CHECK(p.from.ip_len == 16 && p.from.ip[0] == 0x20 && p.from.ip[15] == 0x12 && p.to.udp == 2222 && p.to.tcp == 33338);
  CHECK(!p.has_enr_seq); /* a list in its place is just an extra element */
  CHECK_MEM(p.sender, pub, 64);

  n = unhex(pong, buf);
  CHECK(discv4_decode(buf, n, &p) == 0);
  CHECK(p.type == DISCV4_PONG && p.expiration == 1136239445 && p.to.udp == 2222 && p.to.tcp == 33338);
  CHECK(p.reply[0] == 0xfb && p.reply[31] == 0x54);

  n = unhex(findnode, buf);
  CHECK(discv4_decode(buf, n, &p) == 0);
  CHECK(p.type == DISCV4_FINDNODE && p.expiration == 1136239445);
  CHECK(p.target[0] == 0xca && p.target[63] == 0x7f);

  n = unhex(neighbors, buf);
  CHECK(discv4_decode(buf, n, &p) == 0);
  CHECK(p.type == DISCV4_NEIGHBORS && p.expiration == 1136239445 && p.node_count == 4);
  CHECK(p.nodes[0].ep.ip[12] == 99 && p.nodes[0].ep.udp == 4444 && p.nodes[0].ep.tcp == 4445);
  CHECK(p.nodes[1].ep.ip[12] == 1 && p.nodes[1].ep.udp == 1 && p.nodes[1].ep.tcp == 1);
  CHECK(p.nodes[2].ep.ip_len == 16 && p.nodes[2].ep.udp == 3333);
  CHECK(p.nodes[3].ep.udp == 999 && p.nodes[3].ep.tcp == 1000 && p.nodes[3].pubkey[0] == 0x8d);
  CHECK_MEM(p.sender, pub, 64);

  /* a flipped bit breaks the hash; a fixed-up hash then breaks the signature's key */
  n = unhex(ping_v4, buf);
  buf[n - 1] ^= 1;
  CHECK(discv4_decode(buf, n, &p) == ETHC_ERR_INVALID);
  CHECK(discv4_decode(buf, 50, &p) != 0);
  CHECK(discv4_decode(buf, 1281, &p) != 0);
}

static void test_roundtrip(void) {
  uint8_t out[DISCV4_MAX_PACKET];
  memset(&p, 0, sizeof p);
  p.type = DISCV4_PING, p.expiration = 2000000000, p.has_enr_seq = true, p.enr_seq = 7;
  p.from.ip_len = 4, p.from.ip[10] = p.from.ip[11] = 0xff, p.from.ip[12] = 10, p.from.udp = 30303, p.from.tcp = 30304;
  p.to = p.from;
  size_t n = discv4_encode(key, &p, out);
  CHECK(n > DISCV4_HEADER);
  CHECK(discv4_decode(out, n, &q) == 0);
  CHECK(q.type == DISCV4_PING && q.version == 4 && q.enr_seq == 7 && q.from.tcp == 30304);
  CHECK_MEM(q.hash, p.hash, 32);
  CHECK_MEM(q.sender, pub, 64);

  /* 12 neighbours fit one packet; the service never sends more */
  memset(&p, 0, sizeof p);
  p.type = DISCV4_NEIGHBORS, p.expiration = 2000000000, p.node_count = 12;
  for (int i = 0; i < 12; i++) {
    p.nodes[i].ep.ip_len = 4, p.nodes[i].ep.ip[10] = p.nodes[i].ep.ip[11] = 0xff;
    p.nodes[i].ep.udp = p.nodes[i].ep.tcp = 65535;
    memset(p.nodes[i].pubkey, 0xaa, 64);
  }
  n = discv4_encode(key, &p, out);
  CHECK(n > 0 && n <= DISCV4_MAX_PACKET);
  CHECK(discv4_decode(out, n, &q) == 0 && q.node_count == 12 && q.nodes[11].ep.udp == 65535);
  p.node_count = 16; /* 16 would not fit */
  CHECK(discv4_encode(key, &p, out) == 0);

  memset(&p, 0, sizeof p);
  p.type = DISCV4_ENRREQUEST, p.expiration = 5;
  n = discv4_encode(key, &p, out);
  CHECK(discv4_decode(out, n, &q) == 0 && q.type == DISCV4_ENRREQUEST && q.expiration == 5);
  /* an unknown packet type is refused */
  out[97] = 66;
  CHECK(discv4_decode(out, n, &q) != 0);
}

static void test_expiry(void) {
  CHECK(discv4_expired(99, 100));
  CHECK(!discv4_expired(100, 100));
  CHECK(!discv4_expired(200, 100));
  CHECK(discv4_expired((uint64_t)-2000000000LL, 100)); /* "negative": past, as go-ethereum reads it */
}

int main(void) {
  CHECK(hex_decode_fixed(key_hex, false, key, 32) == 0);
  CHECK(ethc_secp256k1_pubkey_create(key, pub) == 0);
  test_eip8();
  test_roundtrip();
  test_expiry();
  return check_summary();
}
