/* admin_nodeInfo's protocols.eth (go-ethereum's eth.NodeInfo): the network id,
 * the genesis hash (stored, or the built-in table's for a light database), the
 * chain configuration in genesis.json form and the head hash (the genesis
 * while a light node has proven nothing). Contract: include/ethc/eth_wire.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/chain_genesis_builtin.h"
#include "ethc/chain_read.h"
#include "ethc/eth_wire.h"

static void add_hex(cJSON *o, const char *key, const uint8_t *p, size_t n) {
  char hex[2 * 32 + 3];
  hex_encode(p, n, hex);
  cJSON_AddStringToObject(o, key, hex);
}

/* The config as geth's genesis.json spells it: chainId, each scheduled fork's
 * block or time, the merge's total difficulty, the deposit contract, blobSchedule. */
static cJSON *config_json(const chain_config_t *cfg) {
  cJSON *o = cJSON_CreateObject(), *blobs = cJSON_CreateObject();
  if (!o || !blobs) return cJSON_Delete(o), cJSON_Delete(blobs), NULL;
  char dec[79];
  u256_to_dec(&cfg->chain_id, dec);
  cJSON_AddItemToObject(o, "chainId", cJSON_CreateRaw(dec));
  for (int f = 0; f < FORK_COUNT; f++) {
    uint64_t a = cfg->activation[f];
    if (a == CHAIN_NEVER) continue;
    cJSON_AddNumberToObject(o, chain_config_fork_key((chain_fork_t)f), (double)a);
    if (f == FORK_SPURIOUS_DRAGON) cJSON_AddNumberToObject(o, "eip155Block", (double)a);
    if (f == FORK_DAO) cJSON_AddBoolToObject(o, "daoForkSupport", cfg->dao_fork_support);
    const char *bk = chain_config_blob_key((chain_fork_t)f);
    if (bk && cfg->blob[f].max) {
      cJSON *b = cJSON_CreateObject();
      if (!b) continue;
      cJSON_AddNumberToObject(b, "target", (double)cfg->blob[f].target);
      cJSON_AddNumberToObject(b, "max", (double)cfg->blob[f].max);
      cJSON_AddNumberToObject(b, "baseFeeUpdateFraction", (double)cfg->blob[f].update_fraction);
      cJSON_AddItemToObject(blobs, bk, b);
    }
  }
  if (cfg->has_ttd) {
    u256_to_dec(&cfg->terminal_total_difficulty, dec);
    cJSON_AddItemToObject(o, "terminalTotalDifficulty", cJSON_CreateRaw(dec));
  }
  if (cfg->has_deposit_contract) add_hex(o, "depositContractAddress", cfg->deposit_contract.bytes, 20);
  cJSON_AddItemToObject(o, "blobSchedule", blobs);
  return o;
}

char *eth_node_info_json(chain_t *c, uint64_t network_id) {
  static const ethc_hash_t zero;
  chain_genesis_info_t g;
  uint64_t number;
  ethc_hash_t head;
  if (chain_genesis_info(c, &g) || chain_read_head(c, &number, &head)) return NULL;
  if (ethc_hash_eq(&head, &zero)) head = g.hash; /* a light node before its first proven head */
  cJSON *o = cJSON_CreateObject(), *cfg = config_json(chain_config(c));
  if (!o || !cfg) return cJSON_Delete(o), cJSON_Delete(cfg), NULL;
  char id[21];
  snprintf(id, sizeof id, "%llu", (unsigned long long)network_id);
  cJSON_AddItemToObject(o, "network", cJSON_CreateRaw(id));
  add_hex(o, "genesis", g.hash.bytes, 32);
  cJSON_AddItemToObject(o, "config", cfg);
  add_hex(o, "head", head.bytes, 32);
  char *s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return s;
}
