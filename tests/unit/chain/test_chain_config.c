/* Unit tests of chain configs: built-in mainnet activations, a geth-style genesis
 * config (the rpc-compat chain's), blob schedules, and malformed fields. */
#include <stdlib.h>

#include "check.h"
#include "chain/genesis_json.h"
#include "ethc/chain_config.h"
#include "ethc/consensus.h"
#include "ethc/error.h"

static void test_mainnet(void) {
  const chain_config_t *m = chain_config_builtin("mainnet");
  CHECK(m != NULL);
  if (!m) return;
  CHECK(chain_config_revision(m, 0, 0, false) == EVM_FRONTIER);
  CHECK(chain_config_revision(m, 1150000, 0, false) == EVM_HOMESTEAD);
  CHECK(chain_config_revision(m, 2675000, 0, false) == EVM_SPURIOUS_DRAGON);
  CHECK(chain_config_revision(m, 7280000, 0, false) == EVM_PETERSBURG);
  CHECK(chain_config_revision(m, 12965000, 0, false) == EVM_LONDON);
  CHECK(chain_config_revision(m, 15537394, 1663224179, true) == EVM_PARIS);
  CHECK(chain_config_revision(m, 20000000, 1746612310, true) == EVM_CANCUN);
  CHECK(chain_config_revision(m, 22431084, 1746612311, true) == EVM_PRAGUE);
  CHECK(chain_config_revision(m, 23935694, 1764798551, true) == EVM_OSAKA);
  char ttd[67];
  u256_to_hex(&m->terminal_total_difficulty, ttd);
  CHECK(strcmp(ttd, "0xc70d808a128d7380000") == 0);
  difficulty_rules_t r = chain_config_difficulty_rules(m, 15049999);
  CHECK(r.formula == DIFFICULTY_BYZANTIUM && r.bomb_delay == 10700000);
  r = chain_config_difficulty_rules(m, 1000);
  CHECK(r.formula == DIFFICULTY_FRONTIER);
  chain_blob_schedule_t b = chain_config_blob_params(m, 1767747671);
  CHECK(b.target == 14 && b.max == 21 && b.update_fraction == 11684671);
  b = chain_config_blob_params(m, 1710338135);
  CHECK(b.max == 6);
  b = chain_config_blob_params(m, 1710338134);
  CHECK(b.max == 0);
  CHECK(chain_config_builtin("sepolia") && chain_config_builtin("holesky") && chain_config_builtin("hoodi"));
  CHECK(chain_config_builtin("ropsten") == NULL);
}

static void test_geth_json(void) {
  const char *json =
      "{\"chainId\": 3503995874084926, \"homesteadBlock\": 0, \"eip150Block\": 3, \"eip155Block\": 6,"
      " \"eip158Block\": 6, \"byzantiumBlock\": 9, \"constantinopleBlock\": 12, \"petersburgBlock\": 15,"
      " \"istanbulBlock\": 18, \"muirGlacierBlock\": 21, \"berlinBlock\": 24, \"londonBlock\": 27,"
      " \"arrowGlacierBlock\": 30, \"grayGlacierBlock\": 33, \"mergeNetsplitBlock\": 36, \"shanghaiTime\": 390,"
      " \"cancunTime\": 420, \"pragueTime\": 450, \"osakaTime\": 480, \"bpo1Time\": 510, \"bpo2Time\": 540,"
      " \"terminalTotalDifficulty\": 4732352, \"ethash\": {},"
      " \"blobSchedule\": {\"cancun\": {\"target\": 3, \"max\": 6, \"baseFeeUpdateFraction\": 3338477},"
      "   \"bpo1\": {\"target\": 10, \"max\": 15, \"baseFeeUpdateFraction\": 8346193}}}";
  cJSON *j = cJSON_Parse(json);
  chain_config_t c;
  char err[128] = "";
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == 0);
  CHECK(c.chain_id.w[0] == 3503995874084926ULL);
  /* the public text form reads the same config, and refuses malformed text */
  chain_config_t t;
  CHECK(chain_config_from_text(json, strlen(json), &t, err, sizeof err) == 0 && memcmp(&t, &c, sizeof t) == 0);
  CHECK(chain_config_from_text(json, strlen(json) - 1, &t, err, sizeof err) == ETHC_ERR_JSON &&
        strcmp(err, "malformed JSON") == 0);
  CHECK(chain_config_from_text("{\"londonBlock\": \"x\"}", 20, &t, err, sizeof err) == ETHC_ERR_JSON &&
        strcmp(err, "config.londonBlock") == 0);
  CHECK(chain_config_revision(&c, 2, 0, false) == EVM_HOMESTEAD);
  CHECK(chain_config_revision(&c, 3, 0, false) == EVM_TANGERINE_WHISTLE);
  CHECK(chain_config_revision(&c, 35, 0, false) == EVM_LONDON);
  CHECK(chain_config_revision(&c, 36, 0, false) == EVM_PARIS);
  CHECK(chain_config_revision(&c, 40, 449, true) == EVM_CANCUN);
  CHECK(chain_config_revision(&c, 41, 480, true) == EVM_OSAKA);
  CHECK(c.has_ttd && c.terminal_total_difficulty.w[0] == 4732352);
  CHECK(chain_config_blob_params(&c, 515).max == 15);
  CHECK(chain_config_blob_params(&c, 460).max == 9);  /* Prague default */
  CHECK(chain_config_blob_params(&c, 545).max == 15); /* bpo2 scheduled without parameters: bpo1's stay */
  cJSON_Delete(j);

  j = cJSON_Parse("{\"chainId\": 1, \"londonBlock\": \"zz\"}");
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == ETHC_ERR_JSON && strcmp(err, "config.londonBlock") == 0);
  cJSON_Delete(j);
  j = cJSON_Parse("{\"chainId\": -1}");
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == ETHC_ERR_JSON);
  cJSON_Delete(j);
  j = cJSON_Parse("{\"blobSchedule\": {\"cancun\": {\"target\": 3}}}");
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == ETHC_ERR_JSON && strstr(err, "cancun"));
  cJSON_Delete(j);
  CHECK(chain_config_from_json(NULL, &c, err, sizeof err) == ETHC_ERR_JSON);
  /* an unknown fork is an error, not silently ignored */
  j = cJSON_Parse("{\"chainId\": 1, \"glamsterdamTime\": 100}");
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == ETHC_ERR_JSON &&
        strstr(err, "glamsterdamTime: unknown fork"));
  cJSON_Delete(j);
  j = cJSON_Parse(
      "{\"chainId\": 1, \"blobSchedule\": {\"bpo9\": {\"target\": 1, \"max\": 2, \"baseFeeUpdateFraction\": 3}}}");
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == ETHC_ERR_JSON && strstr(err, "bpo9"));
  cJSON_Delete(j);
  j = cJSON_Parse("{\"chainId\": 1, \"eip155Block\": 0, \"eip150Hash\": \"0x00\", \"daoForkSupport\": true}");
  CHECK(chain_config_from_json(j, &c, err, sizeof err) == 0);
  cJSON_Delete(j);
}

/* EIP-779: mainnet blocks 1,920,000..1,920,009 must carry "dao-hard-fork". */
static void test_dao_extra_data(void) {
  const chain_config_t *m = chain_config_builtin("mainnet");
  chain_header_t parent = {0}, h;
  parent.number = 1919999;
  parent.gas_limit = 4712388;
  parent.timestamp = 1469020839;
  parent.difficulty = u256_from_u64(62413376722602ULL);
  parent.ommers_hash = HEADER_EMPTY_OMMERS_HASH;
  h = parent;
  h.number = 1920000;
  h.timestamp = parent.timestamp + 20;
  difficulty_rules_t rules = chain_config_difficulty_rules(m, h.number);
  difficulty_input_t in = {h.number, h.timestamp, parent.timestamp, parent.difficulty, false};
  difficulty_calc(&h.difficulty, &rules, &in);
  CHECK(header_validate(m, &h, &parent, false, false) == BLOCK_ERR_DAO_EXTRA_DATA);
  memcpy(h.extra, "dao-hard-fork", 13);
  h.extra_len = 13;
  CHECK(header_validate(m, &h, &parent, false, false) == BLOCK_VALID);
}

int main(void) {
  test_dao_extra_data();
  test_mainnet();
  test_geth_json();
  return check_summary();
}
