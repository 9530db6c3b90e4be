/* Unit test of light_header_from_json on geth's recorded block objects
 * (../shared/rpc-compat: Shanghai, Cancun, Prague blocks: each decodes to a header
 * hashing to its own hash) and of light_header_check (src/node/light_header.c) on real mainnet data
 * (../shared/light-client/mainnet/deneb/finality_update.json): a header carrying
 * every field the proof holds is still refused unless it hashes to the proven
 * block hash (the payload's transactions and withdrawals roots are SSZ roots, so
 * the header's trie roots cannot come from the proof), each proven field that
 * differs is named, and a header of a pre-Capella light-client header (no
 * execution payload) is refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include <cjson/cJSON.h>

#include "ethc/beacon_json.h"
#include "ethc/bytes.h"
#include "ethc/light_header.h"

/* The execution header fields the proof holds, the rest as a Cancun header has them. */
static void from_proof(const beacon_lc_header_t *lc, chain_header_t *h) {
  const beacon_execution_header_t *e = &lc->execution;
  memset(h, 0, sizeof *h);
  h->parent_hash = e->parent_hash;
  h->ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h->coinbase = e->fee_recipient;
  h->state_root = e->state_root;
  h->tx_root = e->transactions_root; /* an SSZ root: not the header's */
  h->receipts_root = e->receipts_root;
  memcpy(h->bloom, e->logs_bloom, 256);
  h->number = e->block_number;
  h->gas_limit = e->gas_limit;
  h->gas_used = e->gas_used;
  h->timestamp = e->timestamp;
  memcpy(h->extra, e->extra_data, e->extra_data_len);
  h->extra_len = e->extra_data_len;
  h->mix_hash = e->prev_randao;
  h->has_base_fee = h->has_withdrawals_root = h->has_blob_gas = h->has_parent_beacon_root = true;
  h->base_fee = e->base_fee_per_gas;
  h->withdrawals_root = e->withdrawals_root;
  h->blob_gas_used = e->blob_gas_used;
  h->excess_blob_gas = e->excess_blob_gas;
  h->parent_beacon_root = lc->beacon.parent_root;
}

/* The `<< ` answer line of an rpc-compat .io file, parsed (caller frees), or NULL. */
static cJSON *answer(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/rpc-compat/eth_getBlockByNumber/%s", check_shared_dir(), name);
  if (!check_need(path, "rpc-compat")) return NULL;
  size_t len = 0;
  char *text = (char *)bytes_read_file(path, &len);
  char *line = text ? strstr(text, "\n<< ") : NULL;
  cJSON *doc = line ? cJSON_Parse(line + 4) : NULL;
  free(text);
  return doc;
}

/* light_header_from_json on geth's recorded block objects: each rebuilt header
 * hashes to the block's own hash; a field changed or dropped is caught. */
static void json_headers(void) {
  static const char *const files[] = {"get-block-shanghai-fork.io", "get-block-cancun-fork.io",
                                      "get-block-prague-fork.io", "get-latest.io"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    cJSON *doc = answer(files[i]);
    if (!doc) continue;
    cJSON *r = cJSON_GetObjectItemCaseSensitive(doc, "result");
    chain_header_t h;
    const char *why = NULL;
    ethc_hash_t hash, want;
    CHECK_MSG(light_header_from_json(r, &h, &why), "%s: %s", files[i], why ? why : "");
    CHECK(hex_decode_fixed(cJSON_GetObjectItemCaseSensitive(r, "hash")->valuestring, true, want.bytes, 32) == 0);
    CHECK_MSG(header_hash(&h, &hash) == 0 && ethc_hash_eq(&hash, &want), "%s: hash", files[i]);
    cJSON_ReplaceItemInObjectCaseSensitive(r, "gasUsed", cJSON_CreateString("0x1234567"));
    CHECK(light_header_from_json(r, &h, &why) && header_hash(&h, &hash) == 0 && !ethc_hash_eq(&hash, &want));
    cJSON_ReplaceItemInObjectCaseSensitive(r, "stateRoot", cJSON_CreateString("0x12"));
    CHECK(!light_header_from_json(r, &h, &why) && why && !strcmp(why, "stateRoot"));
    cJSON_DeleteItemFromObjectCaseSensitive(r, "stateRoot");
    CHECK(!light_header_from_json(r, &h, &why) && why && !strcmp(why, "stateRoot"));
    cJSON_Delete(doc);
  }
}

int main(void) {
  json_headers();
  char path[1024];
  snprintf(path, sizeof path, "%s/light-client/mainnet/deneb/finality_update.json", check_shared_dir());
  if (!check_need(path, "recorded mainnet light-client data")) return check_summary();
  size_t len = 0;
  uint8_t *text = bytes_read_file(path, &len);
  static beacon_lc_finality_update_t f;
  char err[256];
  CHECK(text && beacon_json_finality_update((const char *)text, len, 512, &f, err, sizeof err) == 0);
  free(text);
  const beacon_lc_header_t *lc = &f.finalized_header;
  CHECK(lc->fork == BEACON_FORK_DENEB && lc->execution.block_number == 21038093);

  chain_header_t h;
  const char *why = NULL;
  from_proof(lc, &h);
  CHECK(!light_header_check(lc, &h, &why) && why && strstr(why, "block hash"));
  static const char *const names[] = {"block number", "parent hash", "state root", "receipts root",
                                      "logs bloom",   "gas used",    "timestamp"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    from_proof(lc, &h);
    switch (i) {
      case 0: h.number++; break;
      case 1: h.parent_hash.bytes[0] ^= 1; break;
      case 2: h.state_root.bytes[31] ^= 1; break;
      case 3: h.receipts_root.bytes[5] ^= 1; break;
      case 4: h.bloom[100] ^= 1; break;
      case 5: h.gas_used++; break;
      case 6: h.timestamp++; break;
    }
    why = NULL;
    CHECK_MSG(!light_header_check(lc, &h, &why) && why && !strcmp(why, names[i]), "%s: got %s", names[i],
              why ? why : "(accepted)");
  }
  beacon_lc_header_t old = *lc;
  old.fork = BEACON_FORK_BELLATRIX;
  from_proof(lc, &h);
  CHECK(!light_header_check(&old, &h, &why) && strstr(why, "before Capella"));
  return check_summary();
}
