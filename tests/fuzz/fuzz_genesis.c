/* libFuzzer harness for geth-style genesis.json reading (src/chain/genesis.c,
 * chain_config.c): any bytes, parsed as JSON, must load or fail with a message
 * naming the field, never crash; a genesis that loads has a hashable header. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chain/genesis_json.h"
#include "ethc/genesis.h"
#include "ethc/state.h"

static void must(int cond) {
  if (!cond) __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16) return 0;
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  cJSON *doc = cJSON_Parse(text);
  free(text);
  if (!doc) return 0;
  static chain_config_t config;
  static chain_header_t header;
  char err[256] = "";
  state_t *st = state_new();
  if (st) {
    int rc = genesis_from_json(doc, &config, st, &header, err, sizeof err);
    if (rc == 0) {
      ethc_hash_t h;
      must(header_hash(&header, &h) == 0);
    } else {
      must(err[0] != 0); /* every failure explains itself */
    }
    state_free(st);
  }
  cJSON_Delete(doc);
  return 0;
}
