/* libFuzzer harness for the node record decoder (devp2p enr.md): any bytes are
 * decoded or refused without a crash, and an accepted record survives its text
 * form ("enr:" + base64url) unchanged. The text parser gets the input as text too. */
#include <stdlib.h>
#include <string.h>

#include "ethc/p2p_enr.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static enr_t e, back;
  if (enr_decode(data, size, &e) == 0) {
    must(size <= ENR_MAX_SIZE && e.raw_len == size);
    must(e.eth_len == 0 || e.eth_off + e.eth_len <= e.raw_len);
    char text[ENR_TEXT_MAX];
    must(enr_to_text(&e, text, sizeof text) > 0);
    must(enr_from_text(text, &back) == 0 && back.raw_len == e.raw_len && !memcmp(back.raw, e.raw, e.raw_len));
    must(!memcmp(back.id, e.id, 32) && back.seq == e.seq);
  }
  if (size < 1024) {
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = 0;
    (void)enr_from_text(s, &back);
    free(s);
  }
  return 0;
}
