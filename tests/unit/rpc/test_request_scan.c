/* The dispatcher's fast path (src/rpc/request_scan.c): which bodies the
 * envelope scanner takes, and that every body it takes is answered byte for
 * byte as the full cJSON path answers it (the same body with one more key,
 * which the full path ignores and the scanner refuses), over hand-picked
 * bodies and a few hundred thousand mutations of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/rpc.h"
#include "rpc/request_scan.h"

static rpc_server_t *srv;

static bool scan(const char *b) {
  rpc_envelope_t e;
  return rpc_scan_request(b, strlen(b), &e);
}

static void test_scan(void) {
  rpc_envelope_t e;
  const char *b = " {\"jsonrpc\":\"2.0\", \"id\" : 17,\"method\":\"eth_blockNumber\",\"params\":[ ]}\n";
  CHECK(rpc_scan_request(b, strlen(b), &e));
  CHECK(e.id_len == 2 && !memcmp(b + e.id_start, "17", 2));
  CHECK(e.method_len == 15 && !memcmp(b + e.method_start, "eth_blockNumber", 15));
  CHECK(e.params_empty && e.params_len == 3);
  b = "{\"params\":[\"a]\",[{\"b\":\"}\"}]],\"method\":\"m\",\"id\":\"x y\",\"jsonrpc\":\"2.0\"}";
  CHECK(rpc_scan_request(b, strlen(b), &e));
  CHECK(!e.params_empty && e.params_len == strlen("[\"a]\",[{\"b\":\"}\"}]]"));
  CHECK(e.id_len == 5 && !memcmp(b + e.id_start, "\"x y\"", 5));
  b = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[\"a\\\\\",\"b\\\"]\\\\\\\"\"]}";
  CHECK(rpc_scan_request(b, strlen(b), &e));
  CHECK(e.params_len == strlen("[\"a\\\\\",\"b\\\"]\\\\\\\"\"]"));
  CHECK(scan("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\",\"params\":null}"));
  CHECK(scan("{\"jsonrpc\":\"2.0\",\"id\":-1.5e+3,\"method\":\"m\"}"));
  /* refused: the full path decides */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}"));                   /* a notification */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"x\":1}"));  /* another key */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"m\"}")); /* a repeated key */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\\u0061\"}"));   /* an escape */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":\"\\n\",\"method\":\"m\"}"));    /* an escaped id */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"m\"}"));         /* not strict JSON */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1.,\"method\":\"m\"}"));         /* not strict JSON */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"m\"}"));       /* not an id */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890123,\"method\":\"m\"}"));
  CHECK(!scan("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}"));
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{}}")); /* not an array */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[1}")); /* unbalanced */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"} x"));             /* trailing text */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",}"));              /* a trailing comma */
  CHECK(!scan("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}]"));             /* a batch */
  CHECK(!scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xc3\xa9\"}"));        /* not ASCII */
  char deep[400];
  int n = snprintf(deep, sizeof deep, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":");
  for (int i = 0; i < 70; i++) deep[n++] = '[';
  for (int i = 0; i < 70; i++) deep[n++] = ']';
  snprintf(deep + n, sizeof deep - (size_t)n, "}");
  CHECK(!scan(deep));
}

/* The response to b[0..n), or "" for none; malloc'd. */
static char *answer(const char *b, size_t n) {
  char *resp = NULL;
  size_t len = 0;
  CHECK(rpc_server_handle(srv, b, n, &resp, &len) == 0);
  return resp ? resp : strdup("");
}

/* When the scanner takes b, the fast answer equals the full path's (b with
 * ,"zz":0 before its closing brace). Returns whether it took b. */
static bool same_as_full_path(const char *b, size_t n) {
  rpc_envelope_t e;
  if (!rpc_scan_request(b, n, &e)) return false;
  size_t close = n;
  while (close > 0 && b[close - 1] != '}') close--;
  CHECK(close > 0);
  char *full = malloc(n + 8);
  memcpy(full, b, close - 1);
  memcpy(full + close - 1, ",\"zz\":0", 7);
  memcpy(full + close + 6, b + close - 1, n - close + 1);
  CHECK(!rpc_scan_request(full, n + 7, &e));
  char *fast = answer(b, n), *slow = answer(full, n + 7);
  CHECK_MSG(!strcmp(fast, slow), "%.*s\n  fast %s\n  full %s", (int)n, b, fast, slow);
  free(fast);
  free(slow);
  free(full);
  return true;
}

static const char *const seeds[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"net_listening\",\"params\":[]}",
    "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"web3_clientVersion\"}",
    "{\"id\":7,\"jsonrpc\":\"2.0\",\"method\":\"web3_sha3\",\"params\":[\"0x68656c6c6f\"]}",
    "{\"jsonrpc\":\"2.0\",\"id\":-0.5e2,\"method\":\"web3_sha3\",\"params\":[\"0x\",1]}",
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"web3_sha3\",\"params\":[\"zz\"]}",
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"rpc_modules\",\"params\":null}",
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"eth_blockNumber\",\"params\":[]}",
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"no_such\",\"params\":[]}",
    "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"net_listening\",\"params\":[1]}",
    "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"web3_sha3\",\"params\":[{\"a\":[\"]\"]}]}",
};

static void test_differential(void) {
  size_t nseeds = sizeof seeds / sizeof *seeds;
  for (size_t i = 0; i < nseeds; i++) CHECK(same_as_full_path(seeds[i], strlen(seeds[i])));
  /* found by fuzz_rpc_fastpath: NULs in white space, params that do not parse */
  static const char nuls[] = "{\"jsonrpc\":\"2.0\",\"id\":1\0\0,\0\"method\":\"net_listening\",\"params\":[}}";
  same_as_full_path(nuls, sizeof nuls - 1);
  static const char alphabet[] = "{}[]\",:0123456789.eE+- \t\\nulatrx\x01\x7f\xc3\xa9";
  unsigned long long x = 0x9e3779b97f4a7c15ull;
  size_t taken = 0;
  for (int round = 0; round < 200000; round++) {
    const char *seed = seeds[round % nseeds];
    char b[256];
    size_t n = strlen(seed);
    memcpy(b, seed, n);
    for (int k = 0; k < 1 + round % 3; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      size_t at = (size_t)(x >> 8) % n;
      char ch = alphabet[(x >> 40) % (sizeof alphabet - 1)];
      switch ((x >> 56) % 3) {
        case 0: b[at] = ch; break;
        case 1:
          if (n + 1 < sizeof b) memmove(b + at + 1, b + at, n - at), b[at] = ch, n++;
          break;
        default:
          if (n > 1) memmove(b + at, b + at + 1, n - at - 1), n--;
      }
    }
    taken += same_as_full_path(b, n);
  }
  CHECK_MSG(taken > 1000, "only %zu mutations took the fast path", taken);
  printf("%zu of 200000 mutations took the fast path, each answered as the full path\n", taken);
}

int main(void) {
  char err[256];
  rpc_config_t cfg = {.apis = "web3, net", .client_version = "ethc-test/v0"};
  CHECK(rpc_server_new(&cfg, &srv, err, sizeof err) == 0);
  test_scan();
  test_differential();
  rpc_server_free(srv);
  return check_summary();
}
