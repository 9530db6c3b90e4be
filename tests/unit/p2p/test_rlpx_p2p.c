/* The p2p base protocol and the frame limits: EIP-8's Hello vector (version 22,
 * extra elements), Hello round trips, capability negotiation (highest shared
 * version, name order, offsets from 0x10), Disconnect in its three encodings,
 * truncated and oversized frames, and Snappy's 16 MiB limit checked before
 * decompressing. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "ethc/rlpx.h"
#include "ethc/secp256k1.h"
#include "p2p/rlpx_codec.h"

static void test_hello_vector(void) {
  const char *hex =
      "f87137916b6e6574682f76302e39312f706c616e39cdc5836574683dc6846d6f726b1682270fb840"
      "fda1cff674c90c9a197539fe3dfb53086ace64f83ed7c6eabec741f7f381cc803e52ab2cd55d5569"
      "bce4347107a310dfd5f88a010cd2ffd1005ca406f1842877c883666f6f836261720304";
  uint8_t buf[200];
  size_t len;
  CHECK(hex_decode(hex, false, buf, sizeof buf, &len) == 0);
  rlpx_hello_t h;
  CHECK(rlpx_hello_decode(buf, len, &h) == 0);
  CHECK(h.version == 55);
  CHECK(strcmp(h.client_id, "kneth/v0.91/plan9") == 0);
  CHECK(h.n_caps == 2);
  CHECK(strcmp(h.caps[0].name, "eth") == 0 && h.caps[0].version == 61);
  CHECK(strcmp(h.caps[1].name, "mork") == 0 && h.caps[1].version == 22);
  CHECK(h.listen_port == 9999);
  CHECK(h.id[0] == 0xfd && h.id[63] == 0x77);
}

static void test_hello_roundtrip(void) {
  rlpx_hello_t h = {.version = 5, .client_id = "ethc/test", .n_caps = 3, .listen_port = 30303};
  strcpy(h.caps[0].name, "eth"), h.caps[0].version = 68;
  strcpy(h.caps[1].name, "eth"), h.caps[1].version = 69;
  strcpy(h.caps[2].name, "snap"), h.caps[2].version = 1;
  memset(h.id, 0xab, 64);
  bytes_buf_t b = {0};
  CHECK(rlpx_hello_encode(&h, &b) == 0);
  rlpx_hello_t g;
  CHECK(rlpx_hello_decode(b.data, b.len, &g) == 0);
  CHECK(memcmp(&g, &h, sizeof h) == 0);
  /* truncated, a missing id, trailing bytes */
  CHECK(rlpx_hello_decode(b.data, b.len - 1, &g) != 0);
  CHECK(rlpx_hello_decode(b.data, 3, &g) != 0);
  bytes_buf_push(&b, 0);
  CHECK(rlpx_hello_decode(b.data, b.len, &g) != 0);
  bytes_buf_free(&b);
}

static void test_negotiate(void) {
  rlpx_proto_t local[] = {{"eth", 68, 17}, {"eth", 69, 18}, {"snap", 1, 8}, {"les", 4, 23}, {"wit", 0, 4}};
  rlpx_hello_t r = {.version = 5, .n_caps = 5};
  strcpy(r.caps[0].name, "snap"), r.caps[0].version = 1;
  strcpy(r.caps[1].name, "eth"), r.caps[1].version = 68;
  strcpy(r.caps[2].name, "eth"), r.caps[2].version = 69;
  strcpy(r.caps[3].name, "eth"), r.caps[3].version = 70; /* not ours */
  strcpy(r.caps[4].name, "les"), r.caps[4].version = 2;  /* another version */
  rlpx_shared_cap_t s[8];
  size_t n = rlpx_negotiate(local, 5, &r, s, 8);
  CHECK(n == 2);
  CHECK(strcmp(s[0].name, "eth") == 0 && s[0].version == 69 && s[0].offset == 0x10 && s[0].length == 18);
  CHECK(s[0].proto == 1);
  CHECK(strcmp(s[1].name, "snap") == 0 && s[1].offset == 0x10 + 18 && s[1].proto == 2);
  /* only eth/68 shared */
  r.n_caps = 2;
  n = rlpx_negotiate(local, 5, &r, s, 8);
  CHECK(n == 2 && s[0].version == 68 && s[1].offset == 0x10 + 17);
  r.n_caps = 0;
  CHECK(rlpx_negotiate(local, 5, &r, s, 8) == 0);
}

static void test_disconnect(void) {
  int reason = -1;
  const uint8_t list[] = {0xc1, 0x04}, bare[] = {0x0b}, empty[] = {0xc0}, bad[] = {0xc2, 0x04};
  CHECK(rlpx_disconnect_decode(list, sizeof list, &reason) == 0 && reason == 4);
  CHECK(rlpx_disconnect_decode(bare, sizeof bare, &reason) == 0 && reason == 0x0b);
  CHECK(rlpx_disconnect_decode(empty, sizeof empty, &reason) == 0 && reason == 0);
  CHECK(rlpx_disconnect_decode(bad, sizeof bad, &reason) != 0);
  bytes_buf_t b = {0};
  CHECK(rlpx_disconnect_encode(RLPX_DISC_USELESS_PEER, &b) == 0);
  CHECK(b.len == 2 && b.data[0] == 0xc1 && b.data[1] == 0x03);
  bytes_buf_free(&b);
  CHECK(strcmp(rlpx_disc_reason_str(RLPX_DISC_TOO_MANY_PEERS), "too many peers") == 0);
  CHECK(strcmp(rlpx_disc_reason_str(0x42), "unknown reason") == 0);
}

/* A pair of frame codecs sharing secrets, as the two ends of a connection. */
static void frame_pair(rlpx_frame_t **w, rlpx_frame_t **r) {
  rlpx_secrets_t s;
  memset(&s, 0, sizeof s);
  for (int i = 0; i < 32; i++) s.aes[i] = (uint8_t)i, s.mac[i] = (uint8_t)(100 + i);
  keccak256_init(&s.egress);
  keccak256_update(&s.egress, (const uint8_t *)"seed", 4);
  s.ingress = s.egress;
  *w = rlpx_frame_new(&s);
  *r = rlpx_frame_new(&s);
}

static void test_frames(void) {
  rlpx_frame_t *w, *r;
  frame_pair(&w, &r);
  uint8_t data[300];
  for (int i = 0; i < 300; i++) data[i] = (uint8_t)i;
  bytes_buf_t f = {0};
  CHECK(rlpx_frame_write(w, data, 300, &f) == 0);
  /* truncated: every prefix asks for more without consuming a partial body */
  size_t used;
  bytes_view_t m;
  CHECK(rlpx_frame_read(r, f.data, 31, &used, &m) == 0 && used == 0);
  CHECK(rlpx_frame_read(r, f.data, 32, &used, &m) == 0 && used == 32);
  CHECK(rlpx_frame_read(r, f.data + 32, f.len - 33, &used, &m) == 0 && used == 0);
  CHECK(rlpx_frame_read(r, f.data + 32, f.len - 32, &used, &m) == 1 && used == f.len - 32);
  CHECK(m.len == 300 && memcmp(m.data, data, 300) == 0);
  /* oversized: a frame above the reader's limit is refused at its header */
  rlpx_frame_set_max(r, 100);
  f.len = 0;
  CHECK(rlpx_frame_write(w, data, 200, &f) == 0);
  CHECK(rlpx_frame_read(r, f.data, f.len, &used, &m) == ETHC_ERR_LIMIT);
  CHECK(strcmp(rlpx_frame_error(r), "frame too large") == 0);
  /* and the codec stays failed */
  CHECK(rlpx_frame_read(r, f.data, f.len, &used, &m) == ETHC_ERR_INVALID);
  /* the writer refuses more than 24 bits */
  uint8_t *big = calloc(1, RLPX_MAX_MSG);
  CHECK(rlpx_frame_write(w, big, RLPX_MAX_MSG, &f) == ETHC_ERR_LIMIT);
  free(big);
  bytes_buf_free(&f);
  rlpx_frame_free(w);
  rlpx_frame_free(r);
}

static void test_snappy(void) {
  uint8_t *big = calloc(1, RLPX_MAX_MSG + 1);
  bytes_buf_t z = {0}, out = {0};
  /* exactly 16 MiB passes, one byte more is refused before decompressing */
  CHECK(rlpx_snappy_compress(big, RLPX_MAX_MSG, &z) == 0);
  CHECK(z.len < 1 << 20);
  CHECK(rlpx_snappy_decompress(z.data, z.len, RLPX_MAX_MSG, &out) == 0 && out.len == RLPX_MAX_MSG);
  CHECK(rlpx_snappy_compress(big, RLPX_MAX_MSG + 1, &z) == 0);
  bytes_buf_free(&out);
  CHECK(rlpx_snappy_decompress(z.data, z.len, RLPX_MAX_MSG, &out) == ETHC_ERR_LIMIT);
  CHECK(out.cap == 0); /* nothing was allocated for it */
  /* a header alone claiming 16 MiB + 1 */
  const uint8_t bomb[] = {0x81, 0x80, 0x80, 0x08, 0x00};
  CHECK(rlpx_snappy_decompress(bomb, sizeof bomb, RLPX_MAX_MSG, &out) == ETHC_ERR_LIMIT);
  /* garbage */
  const uint8_t junk[] = {0x05, 0xff, 0xff, 0xff};
  CHECK(rlpx_snappy_decompress(junk, sizeof junk, RLPX_MAX_MSG, &out) == ETHC_ERR_INVALID);
  free(big);
  bytes_buf_free(&z);
  bytes_buf_free(&out);
}

int main(void) {
  test_hello_vector();
  test_hello_roundtrip();
  test_negotiate();
  test_disconnect();
  test_frames();
  test_snappy();
  return check_summary();
}
