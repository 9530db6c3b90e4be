/* libFuzzer harness for the JSON-RPC dispatcher (src/rpc/server.c) and the
 * parameter decoders of the chain-free methods: any body must get a response
 * that is valid JSON (or none, for notifications), never a crash or a hang. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ethc/rpc.h"

static void must(int cond) {
  if (!cond) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rpc_server_t *srv;
  if (!srv) {
    char err[128];
    rpc_config_t cfg = {.apis = "web3,net", .batch_limit = 100, .batch_response_max = 4096};
    must(rpc_server_new(&cfg, &srv, err, sizeof err) == 0);
  }
  char *resp = NULL;
  size_t len = 0;
  must(rpc_server_handle(srv, (const char *)data, size, &resp, &len) == 0);
  if (resp) {
    cJSON *j = cJSON_ParseWithLength(resp, len);
    must(j != NULL);
    cJSON_Delete(j);
    free(resp);
  }
  return 0;
}
