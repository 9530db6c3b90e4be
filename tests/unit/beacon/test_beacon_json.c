/* Unit test of the beacon REST API's light-client JSON decoding
 * (src/beacon/beacon_json.c): every recorded mainnet response in
 * $ETHC_SHARED/light-client/mainnet/{deneb,capella} decodes, with spot checks of
 * its values; then hostile variants of them (wrong byte counts, bad hex, missing
 * and mistyped fields, numbers out of range, wrong branch depths and committee
 * sizes, unknown forks, every truncation) each fail with a message naming the
 * field, and leave the output zeroed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "ethc/beacon_json.h"
#include "ethc/bytes.h"
#include "ethc/error.h"

static char dir[512];

static char *load(const char *net, const char *name, size_t *len) {
  char path[700];
  snprintf(path, sizeof path, "%s/light-client/mainnet/%s/%s", dir, net, name);
  char *text = (char *)bytes_read_file(path, len);
  CHECK_MSG(text != NULL, "cannot read %s", path);
  return text;
}

static bool hex_is(const uint8_t *b, size_t n, const char *hex) {
  char out[600];
  hex_encode(b, n, out);
  return strcmp(out, hex) == 0;
}

static bool all_zero(const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i]) return false;
  return true;
}

static void test_deneb(void) {
  size_t len;
  char err[256];
  char *text = load("deneb", "bootstrap.json", &len);
  static beacon_lc_bootstrap_t b;
  int rc = text ? beacon_json_bootstrap(text, len, 512, &b, err, sizeof err) : -1;
  CHECK_MSG(rc == 0, "bootstrap: %s", err);
  CHECK(b.fork == BEACON_FORK_DENEB && b.header.fork == BEACON_FORK_DENEB);
  CHECK(b.header.beacon.slot == 10248000 && b.header.beacon.proposer_index == 1225465);
  CHECK(hex_is(b.header.beacon.parent_root.bytes, 32,
               "0xcecc685c0c4af7d4076a314b378a011085947ec6833a69c062466c58765bf5c9"));
  CHECK(b.header.execution.block_number == 21037711 && b.header.execution.gas_limit == 30000000);
  CHECK(b.header.execution.gas_used == 18546121 && b.header.execution.timestamp == 1729800023);
  CHECK(b.header.execution.blob_gas_used == 786432 && b.header.execution.excess_blob_gas == 393216);
  CHECK(b.header.execution.extra_data_len == 15 && memcmp(b.header.execution.extra_data, "beaverbuild.org", 15) == 0);
  CHECK(u256_fits_u64(&b.header.execution.base_fee_per_gas) && b.header.execution.base_fee_per_gas.w[0] == 8727735139);
  CHECK(hex_is(b.header.execution.fee_recipient.bytes, 20, "0x95222290dd7278aa3ddd389cc1e1d165cc4bafe5"));
  CHECK(hex_is(b.header.execution.block_hash.bytes, 32,
               "0x77892a824c4687b6a9cd13ce1c977071ba9ce0fc3fb00bc06e48c3f2ccb82c4e"));
  CHECK(hex_is(b.header.execution_branch[0], 32, "0xa86f641a2c6595d07d4a28e3f4698db014881d84a64389ebc4ed42bf3a6eac97"));
  CHECK(b.current_sync_committee.pubkeys[0][0] == 0x80 && b.current_sync_committee.pubkeys[0][1] == 0x64);
  CHECK(!all_zero(b.current_sync_committee.pubkeys[511], 48));
  CHECK(b.current_sync_committee.aggregate_pubkey[0] == 0x86);
  CHECK(hex_is(b.current_sync_committee_branch[0], 32,
               "0xb5bac9912f8490a80fd16933e870bc104032e6a36ea9801192b05af2285aa27d"));
  CHECK(all_zero(b.current_sync_committee_branch[5], 32)); /* depth 5 before Electra */
  free(text);

  text = load("deneb", "updates.json", &len);
  beacon_lc_update_t *u = NULL;
  size_t n = 0;
  rc = text ? beacon_json_updates(text, len, 512, &u, &n, err, sizeof err) : -1;
  CHECK_MSG(rc == 0, "updates: %s", err);
  CHECK(n == 2);
  if (rc == 0 && n == 2) {
    CHECK(u[0].fork == BEACON_FORK_DENEB && u[0].attested_header.beacon.slot == 10240088);
    CHECK(u[0].finalized_header.beacon.slot == 10240000 && u[0].signature_slot == 10240089);
    CHECK(u[1].attested_header.beacon.slot == 10248263 && u[1].signature_slot == 10248264);
    CHECK(u[0].attested_header.execution.block_number == 21029830);
    CHECK(!all_zero(u[1].next_sync_committee.aggregate_pubkey, 48));
    CHECK(!all_zero(u[1].finality_branch[5], 32) && all_zero(u[1].finality_branch[6], 32));
    CHECK(!all_zero(u[0].sync_aggregate.sync_committee_signature, 96));
  }
  free(u);
  free(text);

  text = load("deneb", "finality_update.json", &len);
  static beacon_lc_finality_update_t f;
  rc = text ? beacon_json_finality_update(text, len, 512, &f, err, sizeof err) : -1;
  CHECK_MSG(rc == 0, "finality_update: %s", err);
  CHECK(f.attested_header.beacon.slot == 10248453 && f.finalized_header.beacon.slot == 10248384);
  CHECK(f.signature_slot == 10248454 && f.finalized_header.execution.block_number == 21038093);
  CHECK(hex_is(f.finality_branch[0], 32, "0x06e3040000000000000000000000000000000000000000000000000000000000"));
  CHECK(hex_is(f.finalized_header.execution.block_hash.bytes, 32,
               "0x4385bc35a5f2e2760f51c40626a63fe274c14bf9cccc5de739aff3e15432a293"));
  free(text);

  text = load("deneb", "optimistic_update.json", &len);
  static beacon_lc_optimistic_update_t o;
  rc = text ? beacon_json_optimistic_update(text, len, 512, &o, err, sizeof err) : -1;
  CHECK_MSG(rc == 0, "optimistic_update: %s", err);
  CHECK(o.attested_header.beacon.slot == 10248457 && o.signature_slot == 10248458);
  CHECK(o.attested_header.execution.block_number == 21038166);
  CHECK(o.sync_aggregate.sync_committee_bits[0] == 0xff && o.sync_aggregate.sync_committee_bits[7] == 0xf7);
  CHECK(o.sync_aggregate.sync_committee_signature[0] == 0xac);
  free(text);
}

static void test_capella(void) {
  size_t len;
  char err[256];
  char *text = load("capella", "bootstrap.json", &len);
  static beacon_lc_bootstrap_t b;
  int rc = text ? beacon_json_bootstrap(text, len, 512, &b, err, sizeof err) : -1;
  CHECK_MSG(rc == 0, "capella bootstrap: %s", err);
  CHECK(b.fork == BEACON_FORK_CAPELLA && b.header.beacon.slot == 6718368);
  CHECK(b.header.execution.blob_gas_used == 0 && b.header.execution.excess_blob_gas == 0);
  CHECK(!all_zero(b.header.execution.withdrawals_root.bytes, 32));
  free(text);

  text = load("capella", "updates.json", &len);
  beacon_lc_update_t *u = NULL;
  size_t n = 0;
  rc = text ? beacon_json_updates(text, len, 512, &u, &n, err, sizeof err) : -1;
  CHECK_MSG(rc == 0 && n == 4, "capella updates: %s (%zu)", err, n);
  if (rc == 0 && n == 4) CHECK(u[3].attested_header.beacon.slot == 6710698 && u[3].fork == BEACON_FORK_CAPELLA);
  free(u);
  free(text);

  text = load("capella", "finality_update.json", &len);
  static beacon_lc_finality_update_t f;
  rc = text ? beacon_json_finality_update(text, len, 512, &f, err, sizeof err) : -1;
  CHECK_MSG(rc == 0 && f.finalized_header.beacon.slot == 6718368, "capella finality: %s", err);
  free(text);

  text = load("capella", "optimistic_update.json", &len);
  static beacon_lc_optimistic_update_t o;
  rc = text ? beacon_json_optimistic_update(text, len, 512, &o, err, sizeof err) : -1;
  CHECK_MSG(rc == 0, "capella optimistic: %s", err);
  free(text);
}

/* ---- hostile variants of the Deneb bootstrap ---- */

typedef void (*edit_fn)(cJSON *doc);

static cJSON *at(cJSON *doc, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  cJSON *o = doc;
  for (char *save, *tok = strtok_r(buf, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
    if (cJSON_IsArray(o)) o = cJSON_GetArrayItem(o, atoi(tok));
    else o = cJSON_GetObjectItemCaseSensitive(o, tok);
  }
  return o;
}

static void set_string(cJSON *doc, const char *path, const char *value) {
  cJSON *o = at(doc, path);
  CHECK_MSG(o && cJSON_IsString(o), "no string at %s", path);
  if (o) cJSON_SetValuestring(o, value);
}

/* Replaces the item at `path` (parent.name) with `with` (NULL: removes it). */
static void replace(cJSON *doc, const char *parent, const char *name, cJSON *with) {
  cJSON *p = *parent ? at(doc, parent) : doc;
  CHECK_MSG(p != NULL, "no %s", parent);
  if (!p) return;
  if (with) cJSON_ReplaceItemInObjectCaseSensitive(p, name, with);
  else cJSON_DeleteItemFromObjectCaseSensitive(p, name);
}

static cJSON *bootstrap_doc;

/* Decodes the bootstrap after `edit`: expects error `code` and `msg` in the message. */
static void expect_bootstrap(const char *what, void (*edit)(cJSON *), int code, const char *msg) {
  cJSON *doc = cJSON_Duplicate(bootstrap_doc, 1);
  edit(doc);
  char *text = cJSON_PrintUnformatted(doc);
  static beacon_lc_bootstrap_t b;
  memset(&b, 0xab, sizeof b);
  char err[256] = "";
  int rc = beacon_json_bootstrap(text, strlen(text), 512, &b, err, sizeof err);
  CHECK_MSG(rc == code, "%s: rc %d, want %d (%s)", what, rc, code, err);
  CHECK_MSG(strstr(err, msg) != NULL, "%s: message \"%s\" lacks \"%s\"", what, err, msg);
  if (code) CHECK_MSG(all_zero(&b, sizeof b), "%s: output not zeroed", what);
  free(text);
  cJSON_Delete(doc);
}

static void e_root_short(cJSON *d) {
  set_string(d, "data.header.beacon.state_root", "0x5b6fd0cca07750d486c4a2c49bc1796346f860f7cc5b5eccc70d9f0e83c5d7");
}
static void e_root_long(cJSON *d) {
  set_string(d, "data.header.beacon.state_root",
             "0x5b6fd0cca07750d486c4a2c49bc1796346f860f7cc5b5eccc70d9f0e83c5d71800");
}
static void e_root_badhex(cJSON *d) {
  set_string(d, "data.header.beacon.state_root", "0x5b6fd0cca07750d486c4a2c49bc1796346f860f7cc5b5eccc70d9f0e83c5d7zz");
}
static void e_root_noprefix(cJSON *d) {
  set_string(d, "data.header.beacon.state_root", "5b6fd0cca07750d486c4a2c49bc1796346f860f7cc5b5eccc70d9f0e83c5d718");
}
static void e_root_odd(cJSON *d) {
  set_string(d, "data.header.beacon.state_root", "0x5b6fd0cca07750d486c4a2c49bc1796346f860f7cc5b5eccc70d9f0e83c5d71");
}
static void e_root_number(cJSON *d) { replace(d, "data.header.beacon", "state_root", cJSON_CreateNumber(5)); }
static void e_slot_missing(cJSON *d) { replace(d, "data.header.beacon", "slot", NULL); }
static void e_slot_number(cJSON *d) { replace(d, "data.header.beacon", "slot", cJSON_CreateNumber(10248000)); }
static void e_slot_negative(cJSON *d) { set_string(d, "data.header.beacon.slot", "-1"); }
static void e_slot_overflow(cJSON *d) { set_string(d, "data.header.beacon.slot", "18446744073709551616"); }
static void e_slot_max(cJSON *d) { set_string(d, "data.header.beacon.slot", "18446744073709551615"); }
static void e_slot_exp(cJSON *d) { set_string(d, "data.header.beacon.slot", "1e3"); }
static void e_slot_empty(cJSON *d) { set_string(d, "data.header.beacon.slot", ""); }
static void e_slot_hex(cJSON *d) { set_string(d, "data.header.beacon.slot", "0x10"); }
static void e_slot_null(cJSON *d) { replace(d, "data.header.beacon", "slot", cJSON_CreateNull()); }
static void e_version_missing(cJSON *d) { replace(d, "", "version", NULL); }
static void e_version_unknown(cJSON *d) { set_string(d, "version", "gloas2"); }
static void e_version_phase0(cJSON *d) { set_string(d, "version", "phase0"); }
static void e_version_capella(cJSON *d) { set_string(d, "version", "capella"); }
static void e_version_altair(cJSON *d) { set_string(d, "version", "altair"); }
static void e_version_electra(cJSON *d) { set_string(d, "version", "electra"); }
static void e_data_missing(cJSON *d) { replace(d, "", "data", NULL); }
static void e_data_list(cJSON *d) { replace(d, "", "data", cJSON_CreateArray()); }
static void e_execution_missing(cJSON *d) { replace(d, "data.header", "execution", NULL); }
static void e_blob_missing(cJSON *d) { replace(d, "data.header.execution", "blob_gas_used", NULL); }
static void e_extra_long(cJSON *d) {
  set_string(d, "data.header.execution.extra_data",
             "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
}
static void e_extra_empty(cJSON *d) { set_string(d, "data.header.execution.extra_data", "0x"); }
static void e_basefee_big(cJSON *d) {
  set_string(d, "data.header.execution.base_fee_per_gas",
             "115792089237316195423570985008687907853269984665640564039457584007913129639936");
}
static void e_address_short(cJSON *d) {
  set_string(d, "data.header.execution.fee_recipient", "0x95222290DD7278Aa3Ddd389Cc1E1d165CC4BAf");
}
static void e_bloom_short(cJSON *d) { set_string(d, "data.header.execution.logs_bloom", "0x00"); }
static void e_branch_short(cJSON *d) { cJSON_DeleteItemFromArray(at(d, "data.current_sync_committee_branch"), 4); }
static void e_branch_long(cJSON *d) {
  cJSON_AddItemToArray(at(d, "data.current_sync_committee_branch"),
                       cJSON_CreateString("0x0000000000000000000000000000000000000000000000000000000000000000"));
}
static void e_branch_item(cJSON *d) { set_string(d, "data.current_sync_committee_branch.2", "0x00"); }
static void e_branch_object(cJSON *d) { replace(d, "data", "current_sync_committee_branch", cJSON_CreateObject()); }
static void e_exec_branch_short(cJSON *d) { cJSON_DeleteItemFromArray(at(d, "data.header.execution_branch"), 0); }
static void e_keys_511(cJSON *d) { cJSON_DeleteItemFromArray(at(d, "data.current_sync_committee.pubkeys"), 100); }
static void e_key_short(cJSON *d) { set_string(d, "data.current_sync_committee.pubkeys.7", "0x8064"); }
static void e_aggkey_missing(cJSON *d) { replace(d, "data.current_sync_committee", "aggregate_pubkey", NULL); }
static void e_none(cJSON *d) { (void)d; }

static void test_hostile_bootstrap(void) {
  size_t len;
  char *text = load("deneb", "bootstrap.json", &len);
  if (!text) return;
  bootstrap_doc = cJSON_ParseWithLength(text, len);
  free(text);
  CHECK(bootstrap_doc != NULL);
  if (!bootstrap_doc) return;
  expect_bootstrap("unchanged", e_none, 0, "");
  expect_bootstrap("root short", e_root_short, ETHC_ERR_HEX,
                   "data.header.beacon.state_root: expected 32 bytes, got 31");
  expect_bootstrap("root long", e_root_long, ETHC_ERR_HEX, "data.header.beacon.state_root: expected 32 bytes, got 33");
  expect_bootstrap("root bad hex", e_root_badhex, ETHC_ERR_HEX, "data.header.beacon.state_root: bad hex digit");
  expect_bootstrap("root no 0x", e_root_noprefix, ETHC_ERR_HEX, "state_root: missing 0x prefix");
  expect_bootstrap("root odd", e_root_odd, ETHC_ERR_HEX, "state_root: odd number of hex digits");
  expect_bootstrap("root number", e_root_number, ETHC_ERR_JSON, "state_root: expected a 0x-hex string");
  expect_bootstrap("slot missing", e_slot_missing, ETHC_ERR_JSON, "data.header.beacon.slot: missing");
  expect_bootstrap("slot null", e_slot_null, ETHC_ERR_JSON, "data.header.beacon.slot: missing");
  expect_bootstrap("slot number", e_slot_number, ETHC_ERR_JSON, "data.header.beacon.slot: expected a decimal string");
  expect_bootstrap("slot negative", e_slot_negative, ETHC_ERR_JSON, "slot: not a decimal number");
  expect_bootstrap("slot overflow", e_slot_overflow, ETHC_ERR_OVERFLOW, "slot: larger than 2^64-1");
  expect_bootstrap("slot max", e_slot_max, 0, "");
  expect_bootstrap("slot exp", e_slot_exp, ETHC_ERR_JSON, "slot: not a decimal number");
  expect_bootstrap("slot empty", e_slot_empty, ETHC_ERR_JSON, "slot: empty number");
  expect_bootstrap("slot hex", e_slot_hex, ETHC_ERR_JSON, "slot: not a decimal number");
  expect_bootstrap("version missing", e_version_missing, ETHC_ERR_JSON, "version: missing");
  expect_bootstrap("version unknown", e_version_unknown, ETHC_ERR_UNSUPPORTED, "version: unknown fork \"gloas2\"");
  expect_bootstrap("version phase0", e_version_phase0, ETHC_ERR_UNSUPPORTED, "no light-client data before altair");
  expect_bootstrap("as capella", e_version_capella, 0, ""); /* blob fields ignored */
  expect_bootstrap("as altair", e_version_altair, 0, "");   /* only the beacon header */
  expect_bootstrap("as electra", e_version_electra, ETHC_ERR_JSON,
                   "data.current_sync_committee_branch: expected 6 roots, got 5");
  expect_bootstrap("data missing", e_data_missing, ETHC_ERR_JSON, "data: missing");
  expect_bootstrap("data list", e_data_list, ETHC_ERR_JSON, "data: expected an object");
  expect_bootstrap("execution missing", e_execution_missing, ETHC_ERR_JSON, "data.header.execution: missing");
  expect_bootstrap("blob missing", e_blob_missing, ETHC_ERR_JSON, "data.header.execution.blob_gas_used: missing");
  expect_bootstrap("extra long", e_extra_long, ETHC_ERR_HEX, "extra_data: expected at most 32 bytes, got 33");
  expect_bootstrap("extra empty", e_extra_empty, 0, "");
  expect_bootstrap("base fee 2^256", e_basefee_big, ETHC_ERR_OVERFLOW, "base_fee_per_gas: larger than 2^256-1");
  expect_bootstrap("address short", e_address_short, ETHC_ERR_HEX, "fee_recipient: expected 20 bytes, got 19");
  expect_bootstrap("bloom short", e_bloom_short, ETHC_ERR_HEX, "logs_bloom: expected 256 bytes, got 1");
  expect_bootstrap("branch short", e_branch_short, ETHC_ERR_JSON,
                   "current_sync_committee_branch: expected 5 roots, got 4");
  expect_bootstrap("branch long", e_branch_long, ETHC_ERR_JSON,
                   "current_sync_committee_branch: expected 5 roots, got 6");
  expect_bootstrap("branch item", e_branch_item, ETHC_ERR_HEX,
                   "data.current_sync_committee_branch[2]: expected 32 bytes, got 1");
  expect_bootstrap("branch object", e_branch_object, ETHC_ERR_JSON, "current_sync_committee_branch: expected a list");
  expect_bootstrap("exec branch short", e_exec_branch_short, ETHC_ERR_JSON,
                   "data.header.execution_branch: expected 4 roots, got 3");
  expect_bootstrap("511 keys", e_keys_511, ETHC_ERR_JSON,
                   "data.current_sync_committee.pubkeys: expected 512 keys, got 511");
  expect_bootstrap("key short", e_key_short, ETHC_ERR_HEX,
                   "data.current_sync_committee.pubkeys[7]: expected 48 bytes, got 2");
  expect_bootstrap("aggregate key missing", e_aggkey_missing, ETHC_ERR_JSON,
                   "data.current_sync_committee.aggregate_pubkey: missing");

  /* the minimal preset's committee size is not mainnet's */
  char *t = cJSON_PrintUnformatted(bootstrap_doc);
  static beacon_lc_bootstrap_t b;
  char err[256];
  CHECK(beacon_json_bootstrap(t, strlen(t), 32, &b, err, sizeof err) == ETHC_ERR_JSON);
  CHECK(strstr(err, "expected 32 keys, got 512") != NULL);
  CHECK(beacon_json_bootstrap(t, strlen(t), 0, &b, err, sizeof err) == ETHC_ERR_INVALID);
  CHECK(beacon_json_bootstrap(t, strlen(t), 12, &b, err, sizeof err) == ETHC_ERR_INVALID);
  /* an update is not a bootstrap; a list is not an object */
  CHECK(beacon_json_bootstrap("[]", 2, 512, &b, err, sizeof err) == ETHC_ERR_JSON);
  CHECK(strstr(err, "expected an object") != NULL);
  CHECK(beacon_json_bootstrap("", 0, 512, &b, err, sizeof err) == ETHC_ERR_JSON);
  CHECK(strcmp(err, "not valid JSON") == 0);
  CHECK(beacon_json_bootstrap(NULL, 0, 512, &b, err, sizeof err) == ETHC_ERR_JSON);
  CHECK(beacon_json_bootstrap("{\"code\":404,\"message\":\"not found\"}", 35, 512, &b, err, sizeof err) ==
        ETHC_ERR_JSON);
  CHECK(strcmp(err, "version: missing") == 0);
  /* every truncation fails cleanly */
  size_t n = strlen(t);
  int bad = 0;
  for (size_t cut = 0; cut < n; cut += 97)
    if (beacon_json_bootstrap(t, cut, 512, &b, err, sizeof err) == 0) bad++;
  CHECK_MSG(bad == 0, "%d truncations decoded", bad);
  free(t);
  cJSON_Delete(bootstrap_doc);
}

static void test_hostile_updates(void) {
  size_t len;
  char err[256];
  char *text = load("deneb", "updates.json", &len);
  if (!text) return;
  cJSON *doc = cJSON_ParseWithLength(text, len);
  free(text);
  beacon_lc_update_t *u = (beacon_lc_update_t *)1;
  size_t n = 7;

  /* a broken second element: its index is in the message */
  cJSON *d = cJSON_Duplicate(doc, 1);
  char bits63[2 * 63 + 3] = "0x";
  for (int i = 0; i < 63; i++) strcat(bits63, "ff");
  set_string(d, "1.data.sync_aggregate.sync_committee_bits", bits63);
  char *t = cJSON_PrintUnformatted(d);
  CHECK(beacon_json_updates(t, strlen(t), 512, &u, &n, err, sizeof err) == ETHC_ERR_HEX);
  CHECK_MSG(strstr(err, "[1].data.sync_aggregate.sync_committee_bits: expected 64 bytes, got 63"), "%s", err);
  CHECK(u == NULL && n == 0);
  free(t);
  cJSON_Delete(d);

  d = cJSON_Duplicate(doc, 1);
  set_string(d, "0.data.sync_aggregate.sync_committee_signature", "0xac22");
  t = cJSON_PrintUnformatted(d);
  CHECK(beacon_json_updates(t, strlen(t), 512, &u, &n, err, sizeof err) == ETHC_ERR_HEX);
  CHECK_MSG(strstr(err, "[0].data.sync_aggregate.sync_committee_signature: expected 96 bytes, got 2"), "%s", err);
  free(t);
  cJSON_Delete(d);

  d = cJSON_Duplicate(doc, 1);
  cJSON_DeleteItemFromArray(at(d, "0.data.finality_branch"), 0);
  t = cJSON_PrintUnformatted(d);
  CHECK(beacon_json_updates(t, strlen(t), 512, &u, &n, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strstr(err, "[0].data.finality_branch: expected 6 roots, got 5"), "%s", err);
  free(t);
  cJSON_Delete(d);

  d = cJSON_Duplicate(doc, 1);
  replace(d, "1.data", "next_sync_committee", NULL);
  t = cJSON_PrintUnformatted(d);
  CHECK(beacon_json_updates(t, strlen(t), 512, &u, &n, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strstr(err, "[1].data.next_sync_committee: missing"), "%s", err);
  free(t);
  cJSON_Delete(d);

  /* too many: 129 copies of one (small enough: the list check comes first) */
  cJSON *big = cJSON_CreateArray();
  for (int i = 0; i < 129; i++) cJSON_AddItemToArray(big, cJSON_CreateObject());
  t = cJSON_PrintUnformatted(big);
  CHECK(beacon_json_updates(t, strlen(t), 512, &u, &n, err, sizeof err) == ETHC_ERR_LIMIT);
  CHECK_MSG(strstr(err, "129 updates, more than 128"), "%s", err);
  free(t);
  cJSON_Delete(big);

  CHECK(beacon_json_updates("[]", 2, 512, &u, &n, err, sizeof err) == 0 && u == NULL && n == 0);
  CHECK(beacon_json_updates("{}", 2, 512, &u, &n, err, sizeof err) == ETHC_ERR_JSON);
  CHECK(strstr(err, "expected a list of updates") != NULL);

  /* one element alone decodes as an update */
  t = cJSON_PrintUnformatted(cJSON_GetArrayItem(doc, 0));
  static beacon_lc_update_t one;
  CHECK(beacon_json_update(t, strlen(t), 512, &one, err, sizeof err) == 0);
  CHECK(one.attested_header.beacon.slot == 10240088);
  /* and is neither a finality nor an optimistic update's wrong shape: those ignore
   * the extra fields and decode */
  static beacon_lc_finality_update_t f;
  CHECK(beacon_json_finality_update(t, strlen(t), 512, &f, err, sizeof err) == 0);
  free(t);
  cJSON_Delete(doc);
}

static void test_hostile_optimistic(void) {
  size_t len;
  char err[256];
  char *text = load("deneb", "optimistic_update.json", &len);
  if (!text) return;
  static beacon_lc_optimistic_update_t o;
  /* a finality update's fields missing from an optimistic update matter not, but
   * signature_slot does */
  cJSON *doc = cJSON_ParseWithLength(text, len);
  replace(doc, "data", "signature_slot", NULL);
  char *t = cJSON_PrintUnformatted(doc);
  CHECK(beacon_json_optimistic_update(t, strlen(t), 512, &o, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strcmp(err, "data.signature_slot: missing") == 0, "%s", err);
  free(t);
  static beacon_lc_finality_update_t f;
  CHECK(beacon_json_finality_update(text, len, 512, &f, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strcmp(err, "data.finalized_header: missing") == 0, "%s", err);
  /* trailing garbage after the document */
  char *junk = malloc(len + 8);
  memcpy(junk, text, len);
  memcpy(junk + len, " xyz", 4);
  CHECK(beacon_json_optimistic_update(junk, len + 4, 512, &o, err, sizeof err) == ETHC_ERR_JSON);
  CHECK_MSG(strcmp(err, "text after the JSON value") == 0, "%s", err);
  memcpy(junk + len, " \n\t", 3);
  CHECK(beacon_json_optimistic_update(junk, len + 3, 512, &o, err, sizeof err) == 0);
  free(junk);
  cJSON_Delete(doc);
  free(text);
}

int main(void) {
  snprintf(dir, sizeof dir, "%s", check_shared_dir());
  char probe[700];
  snprintf(probe, sizeof probe, "%s/light-client/mainnet/deneb/bootstrap.json", dir);
  if (!check_need(probe, "recorded light-client data")) return check_summary();
  test_deneb();
  test_capella();
  test_hostile_bootstrap();
  test_hostile_updates();
  test_hostile_optimistic();
  return check_summary();
}
