/* Unit tests for src/core/hex.c and src/core/bytes.c: strict hex parsing
 * (prefix, odd length, bad digits, capacity) and growable buffers. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"

int main(void) {
  uint8_t out[64];
  size_t n = 99;

  /* valid forms */
  CHECK(hex_decode("0x", true, out, sizeof out, &n) == 0 && n == 0);
  CHECK(hex_decode("", false, out, sizeof out, &n) == 0 && n == 0);
  CHECK(hex_decode("0x00ff10Ab", true, out, sizeof out, &n) == 0 && n == 4);
  CHECK_MEM(out, "\x00\xff\x10\xab", 4);
  CHECK(hex_decode("0XdEaD", true, out, sizeof out, &n) == 0 && n == 2);
  CHECK_MEM(out, "\xde\xad", 2);
  CHECK(hex_decode("cafe", false, out, sizeof out, &n) == 0 && n == 2);
  CHECK(hex_decode("0xcafe", false, out, sizeof out, &n) == 0 && n == 2);
  CHECK_MEM(out, "\xca\xfe", 2);

  /* failures */
  CHECK(hex_decode("cafe", true, out, sizeof out, &n) == ETHC_ERR_HEX); /* missing 0x */
  CHECK(hex_decode("", true, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0x1", true, out, sizeof out, &n) == ETHC_ERR_HEX); /* odd */
  CHECK(hex_decode("0xabc", false, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0xzz", true, out, sizeof out, &n) == ETHC_ERR_HEX); /* bad digit */
  CHECK(hex_decode("0x0g", true, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0x 0", true, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0x0x00", true, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("x00", false, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0x-1", true, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0x\xff\xff", true, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode(NULL, false, out, sizeof out, &n) == ETHC_ERR_HEX);
  CHECK(hex_decode("0x010203", true, out, 2, &n) == ETHC_ERR_HEX); /* too long */
  CHECK(hex_decode("0x0102", true, out, 2, &n) == 0 && n == 2);

  /* fixed */
  uint8_t h[4];
  CHECK(hex_decode_fixed("0x01020304", true, h, 4) == 0);
  CHECK_MEM(h, "\x01\x02\x03\x04", 4);
  CHECK(hex_decode_fixed("0x010203", true, h, 4) == ETHC_ERR_HEX);
  CHECK(hex_decode_fixed("0x0102030405", true, h, 4) == ETHC_ERR_HEX);
  CHECK(hex_decode_fixed("01020304", true, h, 4) == ETHC_ERR_HEX);
  CHECK(hex_decode_fixed("01020304", false, h, 4) == 0);

  /* alloc */
  uint8_t *p = NULL;
  CHECK(hex_decode_alloc("0x", true, &p, &n) == 0 && p != NULL && n == 0);
  free(p);
  CHECK(hex_decode_alloc("0xa1b2c3", true, &p, &n) == 0 && n == 3);
  CHECK_MEM(p, "\xa1\xb2\xc3", 3);
  free(p);
  p = (uint8_t *)1;
  CHECK(hex_decode_alloc("0xa1b", true, &p, &n) == ETHC_ERR_HEX && p == NULL);
  CHECK(hex_decode_alloc("0xq1", true, &p, &n) == ETHC_ERR_HEX && p == NULL);
  CHECK(hex_decode_alloc("a1", true, &p, &n) == ETHC_ERR_HEX && p == NULL);

  /* encode */
  char s[16];
  CHECK(strcmp(hex_encode((const uint8_t *)"\x00\xab\xff", 3, s), "0x00abff") == 0);
  CHECK(strcmp(hex_encode(NULL, 0, s), "0x") == 0);
  /* round trip every byte value */
  uint8_t all[256], back[256];
  char big[2 * 256 + 3];
  for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
  hex_encode(all, 256, big);
  CHECK(hex_decode(big, true, back, sizeof back, &n) == 0 && n == 256);
  CHECK_MEM(all, back, 256);

  /* buffers */
  bytes_buf_t b = {0};
  CHECK(bytes_buf_append(&b, NULL, 0) == 0 && b.len == 0);
  for (int i = 0; i < 1000; i++) CHECK(bytes_buf_push(&b, (uint8_t)i) == 0);
  CHECK(b.len == 1000 && b.cap >= 1000 && b.data[999] == (uint8_t)999);
  CHECK(bytes_buf_append(&b, all, 256) == 0 && b.len == 1256);
  CHECK_MEM(b.data + 1000, all, 256);
  CHECK(bytes_buf_reserve(&b, SIZE_MAX) == ETHC_ERR_NOMEM);
  CHECK(b.len == 1256);
  bytes_buf_free(&b);
  CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
  return check_summary();
}
