/* rpc_discover's descriptions (src/rpc/discover.c) against the method table:
 * every method has one line there, with as many parameters as the method
 * takes, and no line describes a method the server does not have, so the
 * OpenRPC document cannot drift from the server. Then the document itself
 * (OpenRPC 1.2.x): valid JSON listing the enabled namespaces' methods only. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/rpc.h"
#include "rpc/rpc_internal.h"

/* Methods described ahead of the branches that add them (engine API, eth_simulateV1,
 * testing_buildBlockV1, dev-chain controls, node-key signing): their lines may
 * exist before the methods do. Drop a name from here once its method is merged. */
static const char *const ahead[] = {"engine_",
                                    "evm_",
                                    "anvil_",
                                    "hardhat_",
                                    "testing_buildBlockV1",
                                    "eth_simulateV1",
                                    "eth_sendTransaction",
                                    "eth_fillTransaction",
                                    "eth_signTransaction",
                                    "eth_sign",
                                    "eth_signTypedData_v4",
                                    "personal_sign"};

static bool described_ahead(const char *name) {
  for (size_t i = 0; i < sizeof ahead / sizeof *ahead; i++) {
    size_t n = strlen(ahead[i]);
    bool prefix = ahead[i][n - 1] == '_';
    if (prefix ? !strncmp(name, ahead[i], n) : !strcmp(name, ahead[i])) return true;
  }
  return false;
}

static void test_every_method_described(void) {
  const rpc_method_t *all[RPC_MAX_METHODS];
  size_t n = rpc_method_all(all, RPC_MAX_METHODS);
  CHECK(n > 50 && n <= RPC_MAX_METHODS);
  for (size_t i = 0; i < n && i < RPC_MAX_METHODS; i++) {
    CHECK_MSG(rpc_method_find(all[i]->name) == all[i], "%s is in two method tables: the second is never called",
              all[i]->name);
    const rpc_doc_t *d = rpc_doc_find(all[i]->name);
    CHECK_MSG(d != NULL, "%s has no description: add a line for it to src/rpc/discover.c's docs", all[i]->name);
    if (!d) continue;
    int params = rpc_doc_check(d);
    CHECK_MSG(params >= 0, "%s: malformed description (params \"%s\", result \"%s\")", d->name, d->params, d->result);
    CHECK_MSG(params < 0 || params == all[i]->max_params, "%s: %d parameters described, the method takes %d", d->name,
              params, all[i]->max_params);
  }
}

static void test_no_stale_description(void) {
  const rpc_doc_t *docs;
  size_t n = rpc_doc_all(&docs);
  CHECK(n > 50);
  for (size_t i = 0; i < n; i++) {
    CHECK_MSG(rpc_method_find(docs[i].name) || described_ahead(docs[i].name),
              "%s is described in src/rpc/discover.c but the server has no such method", docs[i].name);
    CHECK_MSG(rpc_doc_check(&docs[i]) >= 0, "%s: malformed description", docs[i].name);
    for (size_t j = 0; j < i; j++) CHECK_MSG(strcmp(docs[i].name, docs[j].name), "%s described twice", docs[i].name);
  }
}

/* The notation's checker refuses what it cannot turn into a schema. */
static void test_notation(void) {
  const rpc_doc_t good = {"x", "s", "a:Quantity, b:Hash[]|null?, c:BlockRef?", "r:Block|null"};
  CHECK(rpc_doc_check(&good) == 3);
  const rpc_doc_t none = {"x", "s", "", "r:Bool"};
  CHECK(rpc_doc_check(&none) == 0);
  const rpc_doc_t bad[] = {
      {"x", "s", "a:Nope", "r:Bool"},
      {"x", "s", "a:Quantity", "r:Bool|"},
      {"x", "s", "a:Quantity?, b:Hash", "r:Hash"},
      {"x", "s", "a", "r:Hash"},
      {"x", "s", "", "r:Hash?"},
      {"x", "", "", "r:Hash"},
      {"x", "s", "a:Quantity[][]", "r:Hash"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    CHECK_MSG(rpc_doc_check(&bad[i]) < 0, "accepted \"%s\" -> \"%s\"", bad[i].params, bad[i].result);
}

/* The document of a server with these namespaces, parsed; NULL on failure. */
static cJSON *discover(const char *apis) {
  char err[256];
  rpc_server_t *srv;
  rpc_config_t cfg = {.apis = apis, .client_version = "ethc-test/v0"};
  if (rpc_server_new(&cfg, &srv, err, sizeof err)) return NULL;
  const char *req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc_discover\",\"params\":[]}";
  char *resp = NULL;
  size_t len = 0;
  CHECK(rpc_server_handle(srv, req, strlen(req), &resp, &len) == 0);
  cJSON *doc = resp ? cJSON_Parse(resp) : NULL;
  free(resp);
  rpc_server_free(srv);
  cJSON *result = cJSON_DetachItemFromObject(doc, "result");
  cJSON_Delete(doc);
  return result;
}

static const cJSON *method_of(const cJSON *doc, const char *name) {
  const cJSON *m;
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "methods")) {
    const cJSON *n = cJSON_GetObjectItem(m, "name");
    if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) return m;
  }
  return NULL;
}

static void test_document(void) {
  cJSON *doc = discover("eth,net,web3");
  CHECK(doc != NULL);
  const cJSON *v = cJSON_GetObjectItem(doc, "openrpc");
  CHECK(cJSON_IsString(v) && !strncmp(v->valuestring, "1.2.", 4));
  const cJSON *info = cJSON_GetObjectItem(doc, "info");
  CHECK(cJSON_IsString(cJSON_GetObjectItem(info, "title")) && cJSON_IsString(cJSON_GetObjectItem(info, "version")));
  const cJSON *methods = cJSON_GetObjectItem(doc, "methods");
  CHECK(cJSON_IsArray(methods) && cJSON_GetArraySize(methods) > 40);
  CHECK(method_of(doc, "rpc_discover") && method_of(doc, "rpc_modules")); /* rpc: always on */
  CHECK(method_of(doc, "web3_clientVersion") && method_of(doc, "net_version"));
  CHECK(!method_of(doc, "debug_traceTransaction") && !method_of(doc, "txpool_status"));
  const cJSON *m;
  bool shapes = true;
  cJSON_ArrayForEach(m, methods) {
    const cJSON *params = cJSON_GetObjectItem(m, "params"), *result = cJSON_GetObjectItem(m, "result"), *p;
    shapes &= cJSON_IsString(cJSON_GetObjectItem(m, "summary")) && cJSON_IsArray(params) &&
              cJSON_IsString(cJSON_GetObjectItem(result, "name")) &&
              cJSON_IsObject(cJSON_GetObjectItem(result, "schema"));
    cJSON_ArrayForEach(p, params) shapes &= cJSON_IsString(cJSON_GetObjectItem(p, "name")) &&
                                            cJSON_IsBool(cJSON_GetObjectItem(p, "required")) &&
                                            cJSON_IsObject(cJSON_GetObjectItem(p, "schema"));
  }
  CHECK_MSG(shapes, "every method has a summary, params {name, required, schema} and result {name, schema}");

  /* eth_getBalance: an address (pattern), then an optional block */
  const cJSON *gb = cJSON_GetObjectItem(method_of(doc, "eth_getBalance"), "params");
  CHECK(cJSON_GetArraySize(gb) == 2);
  const cJSON *addr = cJSON_GetArrayItem(gb, 0), *blk = cJSON_GetArrayItem(gb, 1);
  CHECK(!strcmp(cJSON_GetObjectItem(addr, "name")->valuestring, "address") &&
        cJSON_IsTrue(cJSON_GetObjectItem(addr, "required")));
  const cJSON *pat = cJSON_GetObjectItem(cJSON_GetObjectItem(addr, "schema"), "pattern");
  CHECK(cJSON_IsString(pat) && strstr(pat->valuestring, "{40}"));
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(blk, "required")) &&
        cJSON_IsArray(cJSON_GetObjectItem(cJSON_GetObjectItem(blk, "schema"), "oneOf")));
  /* a nullable result: oneOf [object, null] */
  const cJSON *rs = cJSON_GetObjectItem(cJSON_GetObjectItem(method_of(doc, "eth_getBlockByHash"), "result"), "schema");
  const cJSON *alts = cJSON_GetObjectItem(rs, "oneOf");
  CHECK(cJSON_GetArraySize(alts) == 2 &&
        !strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(alts, 1), "type")->valuestring, "null"));
  cJSON_Delete(doc);

  doc = discover("debug");
  CHECK(doc && method_of(doc, "debug_getRawBlock") && method_of(doc, "rpc_discover") && !method_of(doc, "eth_call"));
  cJSON_Delete(doc);
}

int main(void) {
  test_notation();
  test_every_method_described();
  test_no_stale_description();
  test_document();
  return check_summary();
}
