/* System test of block import on the two test chains of ../shared: the rpc-compat
 * chain (with fake PoW) reaches the head of headfcu.json, and the 600-block
 * devp2p test chain reaches headblock.json with every account of headstate.json
 * (balance, nonce, code hash, storage root) matching the head state. */
#include <cjson/cJSON.h>
#include <stdlib.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/rlp.h"


static chain_t *import_all(const char *dir, const char *datadir, bool fakepow) {
  char genesis[1024], file[1024], err[512];
  snprintf(genesis, sizeof genesis, "%s/genesis.json", dir);
  snprintf(file, sizeof file, "%s/chain.rlp", dir);
  chain_open_opts_t o = {.datadir = datadir, .genesis_path = genesis, .fakepow = fakepow};
  chain_t *c = NULL;
  CHECK_MSG(chain_open(&o, &c, err, sizeof err) == 0, "%s", err);
  size_t len, off = 0, used;
  uint8_t *data = (uint8_t *)bytes_read_file(file, &len);
  CHECK_MSG(data != NULL, "cannot read %s", file);
  while (c && data && off < len) {
    rlp_item_t item;
    chain_import_result_t r;
    if (rlp_decode_item(data + off, len - off, &item, &used)) break;
    int rc = chain_import_block(c, data + off, used, &r);
    CHECK_MSG(rc == 0, "%s block #%llu: %s", dir, (unsigned long long)r.number, r.reason);
    if (rc) break;
    off += used;
  }
  CHECK(data && off == len);
  free(data);
  return c;
}

static void check_head(chain_t *c, const char *want_hex) {
  ethc_hash_t head, want;
  chain_head(c, NULL, &head);
  CHECK(hex_decode_fixed(want_hex, true, want.bytes, 32) == 0);
  CHECK_MSG(ethc_hash_eq(&head, &want), "head differs from %s", want_hex);
}

static void check_accounts(chain_t *c, const cJSON *accounts) {
  chain_snapshot_t *snap = chain_snapshot_head(c);
  state_t *st = chain_snapshot_state(snap);
  const cJSON *a;
  int checked = 0;
  cJSON_ArrayForEach(a, accounts) {
    ethc_address_t addr;
    u256_t want_balance, balance;
    ethc_hash_t want_code, want_root, code_hash, root;
    const cJSON *bal = cJSON_GetObjectItem(a, "balance"), *nonce = cJSON_GetObjectItem(a, "nonce");
    const cJSON *ch = cJSON_GetObjectItem(a, "codeHash"), *sr = cJSON_GetObjectItem(a, "root");
    if (hex_decode_fixed(a->string, true, addr.bytes, 20) || !cJSON_IsString(bal) || !cJSON_IsNumber(nonce) ||
        !cJSON_IsString(ch) || !cJSON_IsString(sr) || !u256_from_string(&want_balance, bal->valuestring) ||
        hex_decode_fixed(ch->valuestring, true, want_code.bytes, 32) ||
        hex_decode_fixed(sr->valuestring, true, want_root.bytes, 32)) {
      CHECK_MSG(false, "malformed account %s in headstate.json", a->string);
      continue;
    }
    state_get_balance(st, &addr, &balance);
    state_get_code(st, &addr, NULL, &code_hash);
    CHECK(state_storage_root(st, &addr, &root) == 0);
    CHECK_MSG(u256_eq(&balance, &want_balance), "%s: balance", a->string);
    CHECK_MSG(state_get_nonce(st, &addr) == (uint64_t)nonce->valuedouble, "%s: nonce", a->string);
    CHECK_MSG(ethc_hash_eq(&code_hash, &want_code), "%s: code hash", a->string);
    CHECK_MSG(ethc_hash_eq(&root, &want_root), "%s: storage root", a->string);
    checked++;
  }
  CHECK(checked > 100);
  CHECK(state_error(st) == 0);
  state_free(st);
  chain_snapshot_release(snap);
  printf("%d accounts of headstate.json match the head state\n", checked);
}

int main(void) {
  const char *shared = check_shared_dir();
  char tmp[] = "/tmp/ethc-imports-XXXXXX", d1[64], d2[64], path[1024];
  static const char *needed[] = {"rpc-compat/genesis.json",       "rpc-compat/chain.rlp",
                                 "chains/ethtest/genesis.json",   "chains/ethtest/chain.rlp",
                                 "chains/ethtest/headblock.json", "chains/ethtest/headstate.json"};
  bool have_all = true;
  for (size_t i = 0; i < sizeof needed / sizeof *needed; i++) {
    snprintf(path, sizeof path, "%s/%s", shared, needed[i]);
    have_all = check_need(path, "the test chains") && have_all;
  }
  if (!have_all) return check_summary();
  CHECK(mkdtemp(tmp) != NULL);
  snprintf(d1, sizeof d1, "%s/rpc", tmp);
  snprintf(d2, sizeof d2, "%s/ethtest", tmp);

  snprintf(path, sizeof path, "%s/rpc-compat", shared);
  chain_t *c = import_all(path, d1, true);
  if (c) check_head(c, "0xd226371d0b1551adb03fb52b71f08e3e11247fe9b1af994768af8cdaa8e7dcd7");
  chain_close(c);

  snprintf(path, sizeof path, "%s/chains/ethtest", shared);
  c = import_all(path, d2, false);
  snprintf(path, sizeof path, "%s/chains/ethtest/headblock.json", shared);
  char *hb = (char *)bytes_read_file(path, NULL);
  cJSON *head = hb ? cJSON_Parse(hb) : NULL;
  const cJSON *hash = cJSON_GetObjectItem(head, "hash");
  CHECK(cJSON_IsString(hash));
  if (c && cJSON_IsString(hash)) check_head(c, hash->valuestring);
  snprintf(path, sizeof path, "%s/chains/ethtest/headstate.json", shared);
  char *hs = (char *)bytes_read_file(path, NULL);
  cJSON *state = hs ? cJSON_Parse(hs) : NULL;
  CHECK(state != NULL);
  if (c && state) check_accounts(c, cJSON_GetObjectItem(state, "accounts"));
  cJSON_Delete(head);
  cJSON_Delete(state);
  free(hb);
  free(hs);
  chain_close(c);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
  CHECK(system(cmd) == 0);
  return check_summary();
}
