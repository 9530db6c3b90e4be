/* Unit tests of genesis loading: the genesis hashes of the two test chains in
 * ../shared (their block 1 names the genesis as parent), malformed files, and a
 * bare alloc object (genesis_alloc_from_json, for `ethc run --prestate`). */
#include <stdlib.h>

#include "check.h"
#include "ethc/block.h"
#include "ethc/error.h"
#include "chain/genesis_json.h"
#include "ethc/genesis.h"
#include "ethc/rlp.h"

/* The parent hash of the first block in a chain.rlp file. */
static bool first_parent(const char *path, ethc_hash_t *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  static uint8_t buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  rlp_item_t item;
  size_t used;
  chain_block_t b;
  if (rlp_decode_item(buf, n, &item, &used) || block_decode(buf, used, &b)) return false;
  *out = b.header.parent_hash;
  block_free(&b);
  return true;
}

static void check_chain(const char *shared, const char *dir) {
  char gpath[1024], cpath[1024], err[256];
  snprintf(gpath, sizeof gpath, "%s/%s/genesis.json", shared, dir);
  snprintf(cpath, sizeof cpath, "%s/%s/chain.rlp", shared, dir);
  if (!check_need(gpath, "a test chain") || !check_need(cpath, "a test chain")) return;
  chain_config_t c;
  chain_header_t h;
  state_t *st = state_new();
  int rc = genesis_load_file(gpath, &c, st, &h, err, sizeof err);
  CHECK_MSG(rc == 0, "%s: %s", gpath, err);
  ethc_hash_t hash, parent;
  CHECK(header_hash(&h, &hash) == 0);
  CHECK_MSG(first_parent(cpath, &parent), "%s", cpath);
  CHECK_MSG(ethc_hash_eq(&hash, &parent), "genesis hash of %s differs from block 1's parent", dir);
  state_free(st);
}

static void check_bad(const char *json, const char *field) {
  cJSON *doc = cJSON_Parse(json);
  chain_config_t c;
  chain_header_t h;
  char err[256] = "";
  state_t *st = state_new();
  CHECK(genesis_from_json(doc, &c, st, &h, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strstr(err, field) != NULL, "error '%s' does not name '%s'", err, field);
  state_free(st);
  cJSON_Delete(doc);
}

static void check_alloc(void) {
  cJSON *doc = cJSON_Parse(
      "{\"0x0000000000000000000000000000000000000001\": {\"balance\": \"0x10\", \"nonce\": 3,"
      " \"code\": \"0x6001\", \"storage\": {\"0x01\": \"0x2a\", \"0x02\": \"0x00\"}},"
      " \"0000000000000000000000000000000000000002\": {\"balance\": \"100\"}}");
  char err[256] = "";
  state_t *st = state_new();
  CHECK(genesis_alloc_from_json(doc, st, err, sizeof err) == 0);
  ethc_address_t a1 = {{[19] = 1}}, a2 = {{[19] = 2}};
  u256_t v, k = u256_from_u64(1);
  state_get_balance(st, &a1, &v);
  CHECK(u256_eq(&v, &(u256_t){{16, 0, 0, 0}}));
  CHECK(state_get_nonce(st, &a1) == 3);
  CHECK(state_get_code_size(st, &a1) == 2);
  state_get_storage(st, &a1, &k, &v);
  CHECK(v.w[0] == 42);
  state_get_balance(st, &a2, &v);
  CHECK(v.w[0] == 100);
  /* committed: the loaded values are the transaction's originals */
  state_get_original_storage(st, &a1, &k, &v);
  CHECK(v.w[0] == 42);
  state_free(st);
  cJSON_Delete(doc);

  doc = cJSON_Parse("{\"0x0000000000000000000000000000000000000001\": {\"nonce\": \"-1\"}}");
  st = state_new();
  CHECK(genesis_alloc_from_json(doc, st, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strstr(err, "alloc.0x0000000000000000000000000000000000000001.nonce") != NULL, "error '%s'", err);
  state_free(st);
  cJSON_Delete(doc);
  doc = cJSON_Parse("[]");
  st = state_new();
  CHECK(genesis_alloc_from_json(doc, st, err, sizeof err) == ETHC_ERR_JSON);
  state_free(st);
  cJSON_Delete(doc);
}

int main(void) {
  const char *shared = check_shared_dir();
  check_chain(shared, "rpc-compat");
  check_chain(shared, "chains/ethtest");
  check_bad("{\"config\": {}, \"gasLimit\": \"0xzz\"}", "gasLimit");
  check_bad("{\"config\": {}, \"alloc\": {\"0x12\": {}}}", "alloc.0x12");
  check_bad("{\"config\": {}, \"alloc\": {\"0x0000000000000000000000000000000000000001\": {\"balance\": \"x\"}}}",
            "balance");
  check_bad("{\"config\": {}, \"alloc\": {\"0x0000000000000000000000000000000000000001\": {\"code\": \"0x0\"}}}",
            "code");
  check_bad("{\"config\": {\"londonBlock\": true}}", "londonBlock");
  check_bad("[]", "genesis");
  check_alloc();
  chain_config_t c;
  chain_header_t h;
  char err[256];
  state_t *st = state_new();
  CHECK(genesis_load_file("/nonexistent/genesis.json", &c, st, &h, err, sizeof err) == ETHC_ERR_IO);
  state_free(st);
  /* malformed JSON: the message names the file, line and column */
  {
    chain_config_t c;
    chain_header_t h;
    char err[256];
    static const struct {
      const char *text, *want;
    } cases[] = {
        {"{\n  \"config\": {},\n  \"alloc\": x\n}", "g.json:3:12: malformed JSON"},
        {"{\"config\": ", "g.json:1:12: malformed JSON (unexpected end of file)"},
        {"", "g.json:1:1: malformed JSON (the file is empty)"},
        {"[1]", "g.json: genesis: expected an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
      state_t *st = state_new();
      err[0] = 0;
      CHECK(genesis_from_text(cases[i].text, strlen(cases[i].text), "g.json", &c, st, &h, err, sizeof err) ==
            ETHC_ERR_JSON);
      CHECK_MSG(strcmp(err, cases[i].want) == 0, "'%s' is not '%s'", err, cases[i].want);
      state_free(st);
    }
  }
  return check_summary();
}
