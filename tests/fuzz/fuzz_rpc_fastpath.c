/* libFuzzer harness for the dispatcher's fast path (src/rpc/request_scan.c):
 * the envelope scanner must never read out of bounds, and every body it takes
 * must be answered byte for byte as the full cJSON path answers the same body
 * with one more key (which the full path ignores and the scanner refuses). */
#include <stdlib.h>
#include <string.h>

#include "ethc/rpc.h"
#include "fuzz_input.h"
#include "rpc/request_scan.h"

static char *answer(rpc_server_t *srv, const char *b, size_t n) {
  char *resp = NULL;
  size_t len = 0;
  must(rpc_server_handle(srv, b, n, &resp, &len) == 0);
  return resp ? resp : strdup("");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rpc_server_t *srv;
  if (!srv) {
    char err[128];
    rpc_config_t cfg = {.apis = "web3,net", .batch_limit = 100, .batch_response_max = 4096};
    must(rpc_server_new(&cfg, &srv, err, sizeof err) == 0);
  }
  /* a copy of exactly `size` bytes, so that ASan sees any read past the end */
  char *b = malloc(size ? size : 1);
  must(b != NULL);
  memcpy(b, data, size);
  rpc_envelope_t e;
  if (rpc_scan_request(b, size, &e)) {
    size_t close = size;
    while (close > 0 && b[close - 1] != '}') close--;
    must(close > 0);
    char *full = malloc(size + 7);
    must(full != NULL);
    memcpy(full, b, close - 1);
    memcpy(full + close - 1, ",\"zz\":0", 7);
    memcpy(full + close + 6, b + close - 1, size - close + 1);
    must(!rpc_scan_request(full, size + 7, &e));
    char *fast = answer(srv, b, size), *slow = answer(srv, full, size + 7);
    must(!strcmp(fast, slow));
    free(fast);
    free(slow);
    free(full);
  }
  free(b);
  return 0;
}
