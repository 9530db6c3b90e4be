/* Execution headers checked against beacon light-client headers
 * (ethc/light_header.h; consensus-specs deneb/beacon-chain.md
 * ExecutionPayloadHeader, the Yellow Paper's block hash). */
#include "ethc/light_header.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "ethc/bytes.h"

static bool fail(const char **why, const char *what) {
  if (why) *why = what;
  return false;
}

bool light_header_check(const beacon_lc_header_t *lc, const chain_header_t *h, const char **why) {
  if (why) *why = NULL;
  if (lc->fork < BEACON_FORK_CAPELLA) return fail(why, "no execution payload (before Capella)");
  const beacon_execution_header_t *e = &lc->execution;
  if (h->number != e->block_number) return fail(why, "block number");
  if (!ethc_hash_eq(&h->parent_hash, &e->parent_hash)) return fail(why, "parent hash");
  if (!ethc_hash_eq(&h->state_root, &e->state_root)) return fail(why, "state root");
  if (!ethc_hash_eq(&h->receipts_root, &e->receipts_root)) return fail(why, "receipts root");
  if (memcmp(h->bloom, e->logs_bloom, sizeof h->bloom) != 0) return fail(why, "logs bloom");
  if (h->gas_used != e->gas_used) return fail(why, "gas used");
  if (h->timestamp != e->timestamp) return fail(why, "timestamp");
  ethc_hash_t hash;
  if (header_hash(h, &hash) || !ethc_hash_eq(&hash, &e->block_hash))
    return fail(why, "block hash (keccak256 of the header)");
  return true;
}

/* ---- eth_getBlockByHash's block object ---- */

static const char *str_field(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool bytes_field(const cJSON *o, const char *name, uint8_t *out, size_t len) {
  const char *s = str_field(o, name);
  return s && hex_decode_fixed(s, true, out, len) == 0;
}

static bool hash_field(const cJSON *o, const char *name, ethc_hash_t *out) {
  return bytes_field(o, name, out->bytes, 32);
}

/* A quantity (0x-hex) as a u256. */
static bool u256_field(const cJSON *o, const char *name, u256_t *out) {
  const char *s = str_field(o, name);
  return s && strncmp(s, "0x", 2) == 0 && u256_from_string(out, s);
}

static bool u64_field(const cJSON *o, const char *name, uint64_t *out) {
  u256_t v;
  if (!u256_field(o, name, &v) || v.w[1] || v.w[2] || v.w[3]) return false;
  *out = v.w[0];
  return true;
}

static bool has(const cJSON *o, const char *name) { return cJSON_GetObjectItemCaseSensitive(o, name) != NULL; }

bool light_header_from_json(const cJSON *b, chain_header_t *h, const char **why) {
  memset(h, 0, sizeof *h);
  if (why) *why = NULL;
  if (!cJSON_IsObject(b)) return fail(why, "not a block object");
  if (!hash_field(b, "parentHash", &h->parent_hash)) return fail(why, "parentHash");
  if (!hash_field(b, "sha3Uncles", &h->ommers_hash)) return fail(why, "sha3Uncles");
  if (!bytes_field(b, "miner", h->coinbase.bytes, 20)) return fail(why, "miner");
  if (!hash_field(b, "stateRoot", &h->state_root)) return fail(why, "stateRoot");
  if (!hash_field(b, "transactionsRoot", &h->tx_root)) return fail(why, "transactionsRoot");
  if (!hash_field(b, "receiptsRoot", &h->receipts_root)) return fail(why, "receiptsRoot");
  if (!bytes_field(b, "logsBloom", h->bloom, 256)) return fail(why, "logsBloom");
  if (!u256_field(b, "difficulty", &h->difficulty)) return fail(why, "difficulty");
  if (!u64_field(b, "number", &h->number)) return fail(why, "number");
  if (!u64_field(b, "gasLimit", &h->gas_limit)) return fail(why, "gasLimit");
  if (!u64_field(b, "gasUsed", &h->gas_used)) return fail(why, "gasUsed");
  if (!u64_field(b, "timestamp", &h->timestamp)) return fail(why, "timestamp");
  const char *extra = str_field(b, "extraData");
  if (!extra || hex_decode(extra, true, h->extra, sizeof h->extra, &h->extra_len)) return fail(why, "extraData");
  if (!hash_field(b, "mixHash", &h->mix_hash)) return fail(why, "mixHash");
  if (!bytes_field(b, "nonce", h->nonce, 8)) return fail(why, "nonce");
  /* the optional fields, each requiring the ones before it */
  if ((h->has_base_fee = has(b, "baseFeePerGas")) && !u256_field(b, "baseFeePerGas", &h->base_fee))
    return fail(why, "baseFeePerGas");
  if ((h->has_withdrawals_root = has(b, "withdrawalsRoot")) && !hash_field(b, "withdrawalsRoot", &h->withdrawals_root))
    return fail(why, "withdrawalsRoot");
  if ((h->has_blob_gas = has(b, "blobGasUsed")) &&
      (!u64_field(b, "blobGasUsed", &h->blob_gas_used) || !u64_field(b, "excessBlobGas", &h->excess_blob_gas)))
    return fail(why, "blobGasUsed / excessBlobGas");
  if ((h->has_parent_beacon_root = has(b, "parentBeaconBlockRoot")) &&
      !hash_field(b, "parentBeaconBlockRoot", &h->parent_beacon_root))
    return fail(why, "parentBeaconBlockRoot");
  if ((h->has_requests_hash = has(b, "requestsHash")) && !hash_field(b, "requestsHash", &h->requests_hash))
    return fail(why, "requestsHash");
  bool order = (!h->has_withdrawals_root || h->has_base_fee) && (!h->has_blob_gas || h->has_withdrawals_root) &&
               (!h->has_parent_beacon_root || h->has_blob_gas) && (!h->has_requests_hash || h->has_parent_beacon_root);
  if (!order) return fail(why, "optional fields without the earlier ones");
  return true;
}
