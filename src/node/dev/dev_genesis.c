/* The dev chain's genesis (dev.h): accounts derived by BIP-39/BIP-32 (as anvil,
 * hardhat and every wallet do from a mnemonic) and a geth-style genesis.json
 * with all forks through Osaka at block 0 and mainnet's blob schedule (EIP-7840,
 * EIP-7892 BPO1 and BPO2 active), as `ethc init` reads it (genesis.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/hdwallet.h"
#include "ethc/secp256k1.h"
#include "node/dev/dev.h"

void dev_genesis_defaults(dev_genesis_opts_t *o) {
  memset(o, 0, sizeof *o);
  o->chain_id = u256_from_u64(DEV_CHAIN_ID);
  o->gas_limit = DEV_GAS_LIMIT;
  o->accounts = DEV_ACCOUNTS;
  u256_t eth = u256_from_u64(1000000000000000000ULL), n = u256_from_u64(DEV_BALANCE_ETH);
  u256_mul(&o->balance, &eth, &n);
  o->mnemonic = DEV_MNEMONIC;
  o->timestamp = (uint64_t)time(NULL);
}

int dev_accounts_derive(const char *mnemonic, unsigned n, dev_account_t *out) {
  uint8_t seed[64];
  hd_key_t master;
  int rc = hd_bip39_seed(mnemonic, NULL, seed);
  if (rc) return rc;
  if (hd_master(seed, sizeof seed, &master)) return ETHC_ERR_INVALID;
  /* m/44'/60'/0'/0 once, then each account's child */
  hd_key_t parent, k;
  if (hd_derive_path(&master, "m/44'/60'/0'/0", &parent)) return ETHC_ERR_INVALID;
  for (unsigned i = 0; i < n; i++) {
    uint8_t pub[64];
    if (hd_child(&parent, i, &k) || ethc_secp256k1_pubkey_create(k.key, pub)) return ETHC_ERR_INVALID;
    memcpy(out[i].key, k.key, 32);
    ethc_secp256k1_pubkey_to_address(pub, &out[i].addr);
  }
  memset(&master, 0, sizeof master);
  memset(seed, 0, sizeof seed);
  return ETHC_OK;
}

/* Every fork key a config names, at block or time 0. */
static const char *const fork_keys[] = {
    "homesteadBlock",      "eip150Block",       "eip155Block",      "eip158Block",        "byzantiumBlock",
    "constantinopleBlock", "petersburgBlock",   "istanbulBlock",    "muirGlacierBlock",   "berlinBlock",
    "londonBlock",         "arrowGlacierBlock", "grayGlacierBlock", "mergeNetsplitBlock", "shanghaiTime",
    "cancunTime",          "pragueTime",        "osakaTime",        "bpo1Time",           "bpo2Time"};

/* mainnet's blob parameters (EIP-7840, EIP-7892): target, max, update fraction */
static const struct {
  const char *fork;
  unsigned target, max, fraction;
} blob_schedule[] = {{"cancun", 3, 6, 3338477},
                     {"prague", 6, 9, 5007716},
                     {"osaka", 6, 9, 5007716},
                     {"bpo1", 10, 15, 8346193},
                     {"bpo2", 14, 21, 11684671}};

static cJSON *add_hex(cJSON *obj, const char *key, const u256_t *v) {
  char hex[67];
  u256_to_hex(v, hex);
  return cJSON_AddStringToObject(obj, key, hex);
}

static cJSON *make_config(const dev_genesis_opts_t *o) {
  cJSON *cfg = cJSON_CreateObject();
  char dec[79];
  u256_to_dec(&o->chain_id, dec);
  /* a JSON number as geth writes it; above 2^53 (not exact as a double) a decimal string */
  if (u256_fits_u64(&o->chain_id) && o->chain_id.w[0] <= (1ULL << 53)) cJSON_AddRawToObject(cfg, "chainId", dec);
  else cJSON_AddStringToObject(cfg, "chainId", dec);
  for (size_t i = 0; i < sizeof fork_keys / sizeof *fork_keys; i++) cJSON_AddNumberToObject(cfg, fork_keys[i], 0);
  cJSON_AddNumberToObject(cfg, "terminalTotalDifficulty", 0);
  cJSON_AddStringToObject(cfg, "depositContractAddress", "0x00000000219ab540356cbb839cbe05303d7705fa");
  cJSON *sched = cJSON_AddObjectToObject(cfg, "blobSchedule");
  for (size_t i = 0; i < sizeof blob_schedule / sizeof *blob_schedule; i++) {
    cJSON *e = cJSON_AddObjectToObject(sched, blob_schedule[i].fork);
    cJSON_AddNumberToObject(e, "target", blob_schedule[i].target);
    cJSON_AddNumberToObject(e, "max", blob_schedule[i].max);
    cJSON_AddNumberToObject(e, "baseFeeUpdateFraction", blob_schedule[i].fraction);
  }
  return cfg;
}

char *dev_genesis_json(const dev_genesis_opts_t *o, const dev_account_t *accts) {
  cJSON *doc = cJSON_CreateObject();
  if (!doc) return NULL;
  cJSON_AddItemToObject(doc, "config", make_config(o));
  char num[32];
  snprintf(num, sizeof num, "0x%llx", (unsigned long long)o->timestamp);
  cJSON_AddStringToObject(doc, "timestamp", num);
  snprintf(num, sizeof num, "0x%llx", (unsigned long long)o->gas_limit);
  cJSON_AddStringToObject(doc, "gasLimit", num);
  cJSON_AddStringToObject(doc, "difficulty", "0x0");
  cJSON_AddStringToObject(doc, "baseFeePerGas", "0x3b9aca00"); /* 1 gwei, EIP-1559's initial base fee */
  cJSON_AddStringToObject(doc, "extraData", "0x");
  cJSON_AddStringToObject(doc, "coinbase", "0x0000000000000000000000000000000000000000");
  cJSON *alloc = cJSON_AddObjectToObject(doc, "alloc");
  for (unsigned i = 0; alloc && i < o->accounts; i++) {
    char a[43];
    hex_encode(accts[i].addr.bytes, 20, a);
    cJSON *acct = cJSON_AddObjectToObject(alloc, a);
    if (acct) add_hex(acct, "balance", &o->balance);
  }
  for (const dev_contract_t *c = dev_contracts; alloc && c->name; c++) {
    cJSON *acct = cJSON_AddObjectToObject(alloc, c->address);
    if (!acct) continue;
    cJSON_AddStringToObject(acct, "balance", "0x0");
    if (c->nonce) {
      snprintf(num, sizeof num, "0x%llx", (unsigned long long)c->nonce);
      cJSON_AddStringToObject(acct, "nonce", num);
    }
    cJSON_AddStringToObject(acct, "code", c->code);
  }
  char *text = cJSON_Print(doc);
  cJSON_Delete(doc);
  return text;
}
