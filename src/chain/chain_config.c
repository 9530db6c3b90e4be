/* Fork schedules of the built-in networks and of geth-style genesis configs
 * (EIP-2124 fork names, EIP-3675 merge, EIP-7840 blob schedule, EIP-7892 BPO forks). */
#include "chain/genesis_json.h"
#include "ethc/chain_config.h"

#include <stdio.h>
#include <string.h>

#include "ethc/error.h"

static const char *const json_keys[FORK_COUNT] = {
    [FORK_HOMESTEAD] = "homesteadBlock",
    [FORK_DAO] = "daoForkBlock",
    [FORK_TANGERINE_WHISTLE] = "eip150Block",
    [FORK_SPURIOUS_DRAGON] = "eip158Block",
    [FORK_BYZANTIUM] = "byzantiumBlock",
    [FORK_CONSTANTINOPLE] = "constantinopleBlock",
    [FORK_PETERSBURG] = "petersburgBlock",
    [FORK_ISTANBUL] = "istanbulBlock",
    [FORK_MUIR_GLACIER] = "muirGlacierBlock",
    [FORK_BERLIN] = "berlinBlock",
    [FORK_LONDON] = "londonBlock",
    [FORK_ARROW_GLACIER] = "arrowGlacierBlock",
    [FORK_GRAY_GLACIER] = "grayGlacierBlock",
    [FORK_MERGE_NETSPLIT] = "mergeNetsplitBlock",
    [FORK_SHANGHAI] = "shanghaiTime",
    [FORK_CANCUN] = "cancunTime",
    [FORK_PRAGUE] = "pragueTime",
    [FORK_OSAKA] = "osakaTime",
    [FORK_BPO1] = "bpo1Time",
    [FORK_BPO2] = "bpo2Time",
    [FORK_BPO3] = "bpo3Time",
    [FORK_BPO4] = "bpo4Time",
    [FORK_BPO5] = "bpo5Time",
};
/* blobSchedule keys, for the timed forks */
static const char *const blob_keys[FORK_COUNT] = {
    [FORK_CANCUN] = "cancun", [FORK_PRAGUE] = "prague", [FORK_OSAKA] = "osaka", [FORK_BPO1] = "bpo1",
    [FORK_BPO2] = "bpo2",     [FORK_BPO3] = "bpo3",     [FORK_BPO4] = "bpo4",   [FORK_BPO5] = "bpo5",
};

#define BLOBS_CANCUN \
  { 3, 6, 3338477 }
#define BLOBS_PRAGUE \
  { 6, 9, 5007716 }
#define BLOBS_BPO1 \
  { 10, 15, 8346193 }
#define BLOBS_BPO2 \
  { 14, 21, 11684671 }
#define NEVER_TIMED [FORK_BPO3] = CHAIN_NEVER, [FORK_BPO4] = CHAIN_NEVER, [FORK_BPO5] = CHAIN_NEVER
#define STANDARD_BLOBS                   \
  .blob = {[FORK_CANCUN] = BLOBS_CANCUN, \
           [FORK_PRAGUE] = BLOBS_PRAGUE, \
           [FORK_OSAKA] = BLOBS_PRAGUE,  \
           [FORK_BPO1] = BLOBS_BPO1,     \
           [FORK_BPO2] = BLOBS_BPO2}

static const chain_config_t builtin[] = {
    {
        .name = "mainnet",
        .chain_id = {{1, 0, 0, 0}},
        .activation = {[FORK_HOMESTEAD] = 1150000,
                       [FORK_DAO] = 1920000,
                       [FORK_TANGERINE_WHISTLE] = 2463000,
                       [FORK_SPURIOUS_DRAGON] = 2675000,
                       [FORK_BYZANTIUM] = 4370000,
                       [FORK_CONSTANTINOPLE] = 7280000,
                       [FORK_PETERSBURG] = 7280000,
                       [FORK_ISTANBUL] = 9069000,
                       [FORK_MUIR_GLACIER] = 9200000,
                       [FORK_BERLIN] = 12244000,
                       [FORK_LONDON] = 12965000,
                       [FORK_ARROW_GLACIER] = 13773000,
                       [FORK_GRAY_GLACIER] = 15050000,
                       [FORK_MERGE_NETSPLIT] = 15537394,
                       [FORK_SHANGHAI] = 1681338455,
                       [FORK_CANCUN] = 1710338135,
                       [FORK_PRAGUE] = 1746612311,
                       [FORK_OSAKA] = 1764798551,
                       [FORK_BPO1] = 1765290071,
                       [FORK_BPO2] = 1767747671,
                       NEVER_TIMED},
        .dao_fork_support = true,
        .has_ttd = true,
        /* 58750000000000000000000 = 0xc70d808a128d7380000 */
        .terminal_total_difficulty = {{0xd808a128d7380000ULL, 0xc70ULL, 0, 0}},
        STANDARD_BLOBS,
        .has_deposit_contract = true,
        .deposit_contract = {{0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
                              0xbb, 0x83, 0x9c, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xfa}},
    },
    {
        .name = "sepolia",
        .chain_id = {{11155111, 0, 0, 0}},
        .activation = {[FORK_DAO] = CHAIN_NEVER,
                       [FORK_ARROW_GLACIER] = CHAIN_NEVER,
                       [FORK_GRAY_GLACIER] = CHAIN_NEVER,
                       [FORK_MERGE_NETSPLIT] = 1735371,
                       [FORK_SHANGHAI] = 1677557088,
                       [FORK_CANCUN] = 1706655072,
                       [FORK_PRAGUE] = 1741159776,
                       [FORK_OSAKA] = 1760427360,
                       [FORK_BPO1] = 1761017184,
                       [FORK_BPO2] = 1761607008,
                       NEVER_TIMED},
        .has_ttd = true,
        .terminal_total_difficulty = {{17000000000000000ULL, 0, 0, 0}},
        STANDARD_BLOBS,
        .has_deposit_contract = true,
        .deposit_contract = {{0x7f, 0x02, 0xc3, 0xe3, 0xc9, 0x8b, 0x13, 0x30, 0x55, 0xb8,
                              0xb3, 0x48, 0xb2, 0xac, 0x62, 0x56, 0x69, 0xed, 0x29, 0x5d}},
    },
    {
        .name = "holesky",
        .chain_id = {{17000, 0, 0, 0}},
        .activation = {[FORK_DAO] = CHAIN_NEVER,
                       [FORK_MUIR_GLACIER] = CHAIN_NEVER,
                       [FORK_ARROW_GLACIER] = CHAIN_NEVER,
                       [FORK_GRAY_GLACIER] = CHAIN_NEVER,
                       [FORK_MERGE_NETSPLIT] = 0,
                       [FORK_SHANGHAI] = 1696000704,
                       [FORK_CANCUN] = 1707305664,
                       [FORK_PRAGUE] = 1740434112,
                       [FORK_OSAKA] = 1759308480,
                       [FORK_BPO1] = 1759800000,
                       [FORK_BPO2] = 1760389824,
                       NEVER_TIMED},
        .has_ttd = true,
        .terminal_total_difficulty = {{0, 0, 0, 0}},
        STANDARD_BLOBS,
        .has_deposit_contract = true,
        .deposit_contract = {{0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
                              0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42}},
    },
    {
        .name = "hoodi",
        .chain_id = {{560048, 0, 0, 0}},
        .activation = {[FORK_DAO] = CHAIN_NEVER,
                       [FORK_MUIR_GLACIER] = CHAIN_NEVER,
                       [FORK_ARROW_GLACIER] = CHAIN_NEVER,
                       [FORK_GRAY_GLACIER] = CHAIN_NEVER,
                       [FORK_MERGE_NETSPLIT] = 0,
                       [FORK_SHANGHAI] = 0,
                       [FORK_CANCUN] = 0,
                       [FORK_PRAGUE] = 1742999832,
                       [FORK_OSAKA] = 1761677592,
                       [FORK_BPO1] = 1762365720,
                       [FORK_BPO2] = 1762955544,
                       NEVER_TIMED},
        .has_ttd = true,
        .terminal_total_difficulty = {{0, 0, 0, 0}},
        STANDARD_BLOBS,
        .has_deposit_contract = true,
        .deposit_contract = {{0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
                              0xbb, 0x83, 0x9c, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xfa}},
    },
};

const char *chain_config_fork_key(chain_fork_t f) { return f < FORK_COUNT ? json_keys[f] : NULL; }

const char *chain_config_blob_key(chain_fork_t f) { return f < FORK_COUNT ? blob_keys[f] : NULL; }

const chain_config_t *chain_config_builtin(const char *name) {
  for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
    if (strcmp(builtin[i].name, name) == 0) return &builtin[i];
  return NULL;
}

/* A JSON number or a decimal / 0x-hex string as u256. */
static bool json_u256(const cJSON *v, u256_t *out) {
  if (cJSON_IsNumber(v)) {
    if (v->valuedouble < 0 || v->valuedouble > 9007199254740992.0 || v->valuedouble != (double)(uint64_t)v->valuedouble)
      return false;
    *out = u256_from_u64((uint64_t)v->valuedouble);
    return true;
  }
  return cJSON_IsString(v) && u256_from_string(out, v->valuestring);
}

static bool json_u64(const cJSON *v, uint64_t *out) {
  u256_t x;
  if (!json_u256(v, &x) || !u256_fits_u64(&x)) return false;
  *out = x.w[0];
  return true;
}

/* Keys of a geth config that name a fork by block or time but that ethc does not
 * schedule on its own (eip155Block travels with eip158Block on every network). */
static const char *const known_other_keys[] = {"eip155Block", "mergeForkBlock", "terminalTotalDifficultyPassed"};

/* A key that looks like a fork activation ("...Block" or "...Time") but is unknown:
 * a typo or a fork this version does not implement, which must not be ignored. */
static bool unknown_fork_key(const char *key) {
  size_t n = strlen(key);
  bool forkish = (n > 5 && strcmp(key + n - 5, "Block") == 0) || (n > 4 && strcmp(key + n - 4, "Time") == 0);
  if (!forkish) return false;
  for (int f = 0; f < FORK_COUNT; f++)
    if (strcmp(key, json_keys[f]) == 0) return false;
  for (size_t i = 0; i < sizeof known_other_keys / sizeof known_other_keys[0]; i++)
    if (strcmp(key, known_other_keys[i]) == 0) return false;
  return true;
}

int chain_config_from_text(const char *text, size_t len, chain_config_t *out, char *err, size_t errlen) {
  cJSON *doc = cJSON_ParseWithLength(text, len);
  if (!doc) {
    snprintf(err, errlen, "malformed JSON");
    return ETHC_ERR_JSON;
  }
  int rc = chain_config_from_json(doc, out, err, errlen);
  cJSON_Delete(doc);
  return rc;
}

int chain_config_from_json(const cJSON *cfg, chain_config_t *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  snprintf(out->name, sizeof out->name, "custom");
  for (int f = 0; f < FORK_COUNT; f++) out->activation[f] = CHAIN_NEVER;
  if (!cJSON_IsObject(cfg)) {
    snprintf(err, errlen, "config: expected an object");
    return ETHC_ERR_JSON;
  }
  const cJSON *v;
  cJSON_ArrayForEach(v, cfg) {
    if (unknown_fork_key(v->string)) {
      snprintf(err, errlen, "config.%.60s: unknown fork", v->string);
      return ETHC_ERR_JSON;
    }
  }
  v = cJSON_GetObjectItemCaseSensitive(cfg, "chainId");
  if (v && !json_u256(v, &out->chain_id)) {
    snprintf(err, errlen, "config.chainId");
    return ETHC_ERR_JSON;
  }
  for (int f = 0; f < FORK_COUNT; f++) {
    v = cJSON_GetObjectItemCaseSensitive(cfg, json_keys[f]);
    if (v && !cJSON_IsNull(v) && !json_u64(v, &out->activation[f])) {
      snprintf(err, errlen, "config.%s", json_keys[f]);
      return ETHC_ERR_JSON;
    }
  }
  /* eip155Block and eip158Block are the same fork on every real network. */
  v = cJSON_GetObjectItemCaseSensitive(cfg, "daoForkSupport");
  out->dao_fork_support = cJSON_IsTrue(v);
  v = cJSON_GetObjectItemCaseSensitive(cfg, "terminalTotalDifficulty");
  if (v && !cJSON_IsNull(v)) {
    if (!json_u256(v, &out->terminal_total_difficulty)) {
      snprintf(err, errlen, "config.terminalTotalDifficulty");
      return ETHC_ERR_JSON;
    }
    out->has_ttd = true;
  }
  const cJSON *sched = cJSON_GetObjectItemCaseSensitive(cfg, "blobSchedule"), *entry;
  cJSON_ArrayForEach(entry, sched) {
    bool known = false;
    for (int f = FORK_CANCUN; f < FORK_COUNT; f++) known |= strcmp(entry->string, blob_keys[f]) == 0;
    if (!known) {
      snprintf(err, errlen, "config.blobSchedule.%.40s: unknown fork", entry->string);
      return ETHC_ERR_JSON;
    }
  }
  for (int f = FORK_CANCUN; f < FORK_COUNT; f++) {
    const cJSON *e = sched ? cJSON_GetObjectItemCaseSensitive(sched, blob_keys[f]) : NULL;
    if (!e) continue;
    chain_blob_schedule_t *b = &out->blob[f];
    if (!json_u64(cJSON_GetObjectItemCaseSensitive(e, "target"), &b->target) ||
        !json_u64(cJSON_GetObjectItemCaseSensitive(e, "max"), &b->max) ||
        !json_u64(cJSON_GetObjectItemCaseSensitive(e, "baseFeeUpdateFraction"), &b->update_fraction)) {
      snprintf(err, errlen, "config.blobSchedule.%s", blob_keys[f]);
      return ETHC_ERR_JSON;
    }
  }
  /* Without a blobSchedule, Cancun and Prague use their EIP defaults (EIP-7840). */
  const chain_blob_schedule_t cancun = BLOBS_CANCUN, prague = BLOBS_PRAGUE;
  if (!out->blob[FORK_CANCUN].max) out->blob[FORK_CANCUN] = cancun;
  if (!out->blob[FORK_PRAGUE].max) out->blob[FORK_PRAGUE] = prague;
  if (!out->blob[FORK_OSAKA].max) out->blob[FORK_OSAKA] = out->blob[FORK_PRAGUE];
  v = cJSON_GetObjectItemCaseSensitive(cfg, "depositContractAddress");
  if (cJSON_IsString(v)) {
    const char *s = v->valuestring;
    out->has_deposit_contract = true;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    for (int i = 0; i < 20; i++) {
      unsigned byte;
      if (strlen(s) != 40 || sscanf(s + 2 * i, "%2x", &byte) != 1) {
        snprintf(err, errlen, "config.depositContractAddress");
        return ETHC_ERR_JSON;
      }
      out->deposit_contract.bytes[i] = (uint8_t)byte;
    }
  }
  return ETHC_OK;
}

bool chain_fork_active(const chain_config_t *c, chain_fork_t f, uint64_t number, uint64_t timestamp) {
  uint64_t at = c->activation[f];
  if (at == CHAIN_NEVER) return false;
  return f >= FORK_FIRST_TIMED ? timestamp >= at : number >= at;
}

evm_revision_t chain_config_revision(const chain_config_t *c, uint64_t n, uint64_t t, bool post_merge) {
  if (chain_fork_active(c, FORK_OSAKA, n, t)) return EVM_OSAKA;
  if (chain_fork_active(c, FORK_PRAGUE, n, t)) return EVM_PRAGUE;
  if (chain_fork_active(c, FORK_CANCUN, n, t)) return EVM_CANCUN;
  if (chain_fork_active(c, FORK_SHANGHAI, n, t)) return EVM_SHANGHAI;
  if (post_merge || chain_fork_active(c, FORK_MERGE_NETSPLIT, n, t)) return EVM_PARIS;
  if (chain_fork_active(c, FORK_LONDON, n, t)) return EVM_LONDON;
  if (chain_fork_active(c, FORK_BERLIN, n, t)) return EVM_BERLIN;
  if (chain_fork_active(c, FORK_ISTANBUL, n, t)) return EVM_ISTANBUL;
  if (chain_fork_active(c, FORK_PETERSBURG, n, t)) return EVM_PETERSBURG;
  if (chain_fork_active(c, FORK_CONSTANTINOPLE, n, t)) return EVM_CONSTANTINOPLE;
  if (chain_fork_active(c, FORK_BYZANTIUM, n, t)) return EVM_BYZANTIUM;
  if (chain_fork_active(c, FORK_SPURIOUS_DRAGON, n, t)) return EVM_SPURIOUS_DRAGON;
  if (chain_fork_active(c, FORK_TANGERINE_WHISTLE, n, t)) return EVM_TANGERINE_WHISTLE;
  if (chain_fork_active(c, FORK_HOMESTEAD, n, t)) return EVM_HOMESTEAD;
  return EVM_FRONTIER;
}

difficulty_rules_t chain_config_difficulty_rules(const chain_config_t *c, uint64_t n) {
  static const struct {
    chain_fork_t fork;
    difficulty_rules_t rules;
  } steps[] = {
      {FORK_GRAY_GLACIER, {DIFFICULTY_BYZANTIUM, 11400000}},
      {FORK_ARROW_GLACIER, {DIFFICULTY_BYZANTIUM, 10700000}},
      {FORK_LONDON, {DIFFICULTY_BYZANTIUM, 9700000}},
      {FORK_MUIR_GLACIER, {DIFFICULTY_BYZANTIUM, 9000000}},
      {FORK_CONSTANTINOPLE, {DIFFICULTY_BYZANTIUM, 5000000}},
      {FORK_BYZANTIUM, {DIFFICULTY_BYZANTIUM, 3000000}},
      {FORK_HOMESTEAD, {DIFFICULTY_HOMESTEAD, 0}},
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
    if (chain_fork_active(c, steps[i].fork, n, 0)) return steps[i].rules;
  return (difficulty_rules_t){DIFFICULTY_FRONTIER, 0};
}

chain_blob_schedule_t chain_config_blob_params(const chain_config_t *c, uint64_t t) {
  for (int f = FORK_COUNT - 1; f >= FORK_CANCUN; f--)
    if (chain_fork_active(c, (chain_fork_t)f, 0, t) && c->blob[f].max) return c->blob[f];
  return (chain_blob_schedule_t){0, 0, 0};
}
