/* The JSON-RPC dispatcher without a chain (methods that need none: web3_*,
 * net_listening, rpc_modules) and the streaming JSON writer: envelopes, raw
 * ids, batches, limits, notifications and the writer's encodings. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/rpc.h"
#include "rpc/json_writer.h"

static rpc_server_t *srv;

/* The response to `req`, or "" when none; a static buffer. */
static const char *ask(const char *req) {
  static char out[8192];
  char *resp = NULL;
  size_t len = 0;
  int rc = rpc_server_handle(srv, req, strlen(req), &resp, &len);
  CHECK(rc == 0);
  snprintf(out, sizeof out, "%s", resp ? resp : "");
  free(resp);
  return out;
}

#define ASK(req, want) CHECK_MSG(!strcmp(ask(req), want), "%s\n  got  %s\n  want %s", req, ask(req), want)

static void test_writer(void) {
  jw_t w;
  jw_init(&w);
  jw_obj_begin(&w);
  jw_kqty(&w, "a", 0);
  jw_kqty(&w, "b", 0x2a);
  jw_key(&w, "c");
  jw_arr_begin(&w);
  jw_cstr(&w, "q\"\\\n\x01");
  jw_null(&w);
  jw_bool(&w, true);
  jw_arr_end(&w);
  uint8_t d[3] = {0, 0xab, 0x1};
  jw_kdata(&w, "d", d, 3);
  jw_kdata(&w, "e", NULL, 0);
  u256_t big = U256_MAX;
  jw_kqty256(&w, "f", &big);
  jw_mark_t m = jw_mark(&w);
  jw_kqty(&w, "dropped", 1);
  jw_rollback(&w, m);
  jw_kqty(&w, "g", UINT64_MAX);
  jw_obj_end(&w);
  size_t len;
  char *s = jw_take(&w, &len);
  const char *want =
      "{\"a\":\"0x0\",\"b\":\"0x2a\",\"c\":[\"q\\\"\\\\\\n\\u0001\",null,true],\"d\":\"0x00ab01\","
      "\"e\":\"0x\",\"f\":\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\","
      "\"g\":\"0xffffffffffffffff\"}";
  CHECK_MSG(s && !strcmp(s, want), "got %s", s ? s : "(null)");
  CHECK(len == strlen(want));
  free(s);
}

static void test_dispatch(void) {
  ASK("{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"method\":\"net_listening\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890,\"result\":true}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"web3_sha3\",\"params\":[\"0x\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":"
      "\"0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470\"}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_sha3\",\"params\":[\"00\"]}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32602,\"message\":\"invalid argument 0: hex string without "
      "0x "
      "prefix\"}}");
  /* fuzz_rpc_request: cJSON takes any byte up to 0x20 as white space, and
   * laxer numbers than JSON; what is echoed must still be JSON */
  ASK("{\"jsonrpc\":\"2.0\",\"id\"\x1a:\"x\",\"method\":\"net_listening\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":true}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":1.,\"method\":\"net_listening\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":\"a\x01\",\"method\":\"net_listening\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":\"a\\u0001\",\"result\":true}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"net_listening\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request: id must be a "
      "string, number or null\"}}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc_modules\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"net\":\"1.0\",\"web3\":\"1.0\",\"rpc\":\"1.0\"}}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\"}",
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"the method eth_blockNumber does not "
      "exist/is not available\"}}");
  ASK("{\"jsonrpc\":\"2.0\",\"id\":1,",
      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error\"}}");
  ASK("[]", "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"empty batch\"}}");
  ASK("{\"jsonrpc\":\"2.0\",\"method\":\"net_listening\"}", "");
  ASK("[{\"jsonrpc\":\"2.0\",\"method\":\"net_listening\"}]", "");
  ASK("[{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"net_listening\"}, "
      "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"x\"}]",
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":true},{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
      "\"message\":\"invalid request: id must be a string, number or null\"}}]");
  ASK("[1,2,3,4]", "[{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"batch too large\"}}]");
  ASK("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"web3_clientVersion\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
      "\"web3_clientVersion\"},{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"web3_clientVersion\"}]",
      "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"ethc-test/"
      "v0\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"ethc-test/"
      "v0\"},{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32003,\"message\":\"response too large\"}}]");
}

int main(void) {
  char err[256];
  rpc_config_t cfg = {.apis = "web3, net",
                      .batch_limit = 3,
                      .batch_response_max = 90,
                      .client_version = "ethc-test/v0"};
  CHECK(rpc_server_new(&cfg, &srv, err, sizeof err) == 0);
  rpc_server_t *bad;
  rpc_config_t badcfg = {.apis = "eth,bogus"};
  CHECK(rpc_server_new(&badcfg, &bad, err, sizeof err) != 0 && strstr(err, "bogus"));
  test_writer();
  test_dispatch();
  rpc_server_free(srv);
  return check_summary();
}
