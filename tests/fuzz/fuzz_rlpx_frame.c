/* libFuzzer harness for RLPx frame decoding and the messages inside (rlpx.md
 * "Framing", "p2p Capability", EIP-706): mode 0 feeds the input as a received
 * byte stream, in pieces, to a frame reader (any bytes must be rejected or
 * parsed without a crash); mode 1 seals the input as one frame and reads it back
 * (it must come back equal), then decodes it as a connection would: the message
 * id, the Snappy payload with its 16 MiB limit, and Hello or Disconnect. */
#include <string.h>

#include "ethc/rlp.h"
#include "ethc/rlpx.h"
#include "fuzz_input.h"
#include "p2p/rlpx_codec.h"

static void secrets(rlpx_secrets_t *s) {
  memset(s, 0, sizeof *s);
  for (int i = 0; i < 32; i++) s->aes[i] = (uint8_t)(3 * i), s->mac[i] = (uint8_t)(7 * i + 1);
  keccak256_init(&s->egress);
  s->ingress = s->egress;
}

static void decode_message(bytes_view_t m) {
  rlp_item_t id;
  size_t used;
  uint64_t code;
  if (rlp_decode_item(m.data, m.len, &id, &used) || rlp_get_u64(&id, &code)) return;
  const uint8_t *p = m.data + used;
  size_t len = m.len - used;
  rlpx_hello_t h;
  int reason;
  if (code == 0) (void)rlpx_hello_decode(p, len, &h);
  if (code == 1) (void)rlpx_disconnect_decode(p, len, &reason);
  bytes_buf_t out = {0};
  if (rlpx_snappy_decompress(p, len, 1 << 20, &out) == 0) {
    must(out.len <= 1 << 20);
    (void)rlpx_hello_decode(out.data, out.len, &h);
    (void)rlpx_disconnect_decode(out.data, out.len, &reason);
  }
  bytes_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint8_t mode = data[0], step = data[1] | 1;
  data += 2, size -= 2;
  rlpx_secrets_t s;
  secrets(&s);
  rlpx_frame_t *r = rlpx_frame_new(&s);
  must(r != NULL);
  rlpx_frame_set_max(r, 1 << 16);
  if (mode & 1) {
    rlpx_frame_t *w = rlpx_frame_new(&s);
    bytes_buf_t f = {0};
    must(rlpx_frame_write(w, data, size, &f) == 0);
    size_t off = 0, used;
    bytes_view_t m;
    int rc = 0;
    while (off < f.len && (rc = rlpx_frame_read(r, f.data + off, f.len - off, &used, &m)) == 0) off += used;
    must(rc == 1 || (size > (1 << 16) && rc != 0));
    if (rc == 1) {
      must(m.len == size && memcmp(m.data, data, size) == 0);
      decode_message(m);
    }
    bytes_buf_free(&f);
    rlpx_frame_free(w);
  } else {
    /* the stream grows by `step` bytes at a time, as reads arrive */
    size_t off = 0, have = 0, used;
    bytes_view_t m;
    while (have < size) {
      have = have + step < size ? have + step : size;
      int rc;
      while ((rc = rlpx_frame_read(r, data + off, have - off, &used, &m)) >= 0) {
        must(used <= have - off);
        off += used;
        if (rc == 1) decode_message(m);
        else if (rc != 0 || used == 0) break;
      }
      if (rc > 1) break;
    }
  }
  rlpx_frame_free(r);
  return 0;
}
