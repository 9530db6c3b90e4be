/* TEST-ONLY: the beacon REST API's JSON of the light-client containers
 * (ethereum/beacon-APIs types/{altair,capella,deneb}/light_client.yaml: {"version", "data"}, integers
 * as decimal strings, bytes as 0x-hex), for the dev beacon side's server; the
 * reverse of src/beacon/beacon_json.c, which the unit test round-trips it with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ethc/bytes.h"
#include "ethc/dev_beacon.h"
#include "ethc/u256.h"

static void add_hex(cJSON *o, const char *name, const uint8_t *b, size_t n) {
  char buf[2 * BEACON_LOGS_BLOOM_SIZE + 3];
  cJSON_AddStringToObject(o, name, hex_encode(b, n, buf));
}

static void add_u64(cJSON *o, const char *name, uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  cJSON_AddStringToObject(o, name, buf);
}

static void add_branch(cJSON *o, const char *name, const uint8_t (*branch)[32], unsigned depth) {
  cJSON *a = cJSON_AddArrayToObject(o, name);
  for (unsigned i = 0; a && i < depth; i++) {
    char buf[67];
    cJSON_AddItemToArray(a, cJSON_CreateString(hex_encode(branch[i], 32, buf)));
  }
}

static cJSON *beacon_header(const beacon_block_header_t *h) {
  cJSON *o = cJSON_CreateObject();
  add_u64(o, "slot", h->slot);
  add_u64(o, "proposer_index", h->proposer_index);
  add_hex(o, "parent_root", h->parent_root.bytes, 32);
  add_hex(o, "state_root", h->state_root.bytes, 32);
  add_hex(o, "body_root", h->body_root.bytes, 32);
  return o;
}

static cJSON *lc_header(const beacon_lc_header_t *h, beacon_fork_t fork) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "beacon", beacon_header(&h->beacon));
  if (fork < BEACON_FORK_CAPELLA) return o;
  const beacon_execution_header_t *e = &h->execution;
  cJSON *x = cJSON_AddObjectToObject(o, "execution");
  add_hex(x, "parent_hash", e->parent_hash.bytes, 32);
  add_hex(x, "fee_recipient", e->fee_recipient.bytes, 20);
  add_hex(x, "state_root", e->state_root.bytes, 32);
  add_hex(x, "receipts_root", e->receipts_root.bytes, 32);
  add_hex(x, "logs_bloom", e->logs_bloom, BEACON_LOGS_BLOOM_SIZE);
  add_hex(x, "prev_randao", e->prev_randao.bytes, 32);
  add_u64(x, "block_number", e->block_number);
  add_u64(x, "gas_limit", e->gas_limit);
  add_u64(x, "gas_used", e->gas_used);
  add_u64(x, "timestamp", e->timestamp);
  add_hex(x, "extra_data", e->extra_data, e->extra_data_len);
  char dec[79];
  u256_to_dec(&e->base_fee_per_gas, dec);
  cJSON_AddStringToObject(x, "base_fee_per_gas", dec);
  add_hex(x, "block_hash", e->block_hash.bytes, 32);
  add_hex(x, "transactions_root", e->transactions_root.bytes, 32);
  add_hex(x, "withdrawals_root", e->withdrawals_root.bytes, 32);
  if (fork >= BEACON_FORK_DENEB) {
    add_u64(x, "blob_gas_used", e->blob_gas_used);
    add_u64(x, "excess_blob_gas", e->excess_blob_gas);
  }
  add_branch(o, "execution_branch", (const uint8_t(*)[32])h->execution_branch, BEACON_EXECUTION_BRANCH_DEPTH);
  return o;
}

static cJSON *sync_committee(const beacon_sync_committee_t *c, uint32_t n) {
  cJSON *o = cJSON_CreateObject();
  cJSON *a = cJSON_AddArrayToObject(o, "pubkeys");
  for (uint32_t i = 0; a && i < n; i++) {
    char buf[2 * BEACON_PUBKEY_SIZE + 3];
    cJSON_AddItemToArray(a, cJSON_CreateString(hex_encode(c->pubkeys[i], BEACON_PUBKEY_SIZE, buf)));
  }
  add_hex(o, "aggregate_pubkey", c->aggregate_pubkey, BEACON_PUBKEY_SIZE);
  return o;
}

static cJSON *sync_aggregate(const beacon_sync_aggregate_t *a, uint32_t n) {
  cJSON *o = cJSON_CreateObject();
  add_hex(o, "sync_committee_bits", a->sync_committee_bits, n / 8);
  add_hex(o, "sync_committee_signature", a->sync_committee_signature, BEACON_SIGNATURE_SIZE);
  return o;
}

static uint32_t committee_size(void) { return dev_beacon_config()->preset->sync_committee_size; }

/* {"version": fork, "data": data}. */
static cJSON *envelope(beacon_fork_t fork, cJSON *data) {
  cJSON *o = cJSON_CreateObject();
  const char *name = beacon_fork_name(fork);
  cJSON_AddStringToObject(o, "version", name ? name : "unknown");
  cJSON_AddItemToObject(o, "data", data);
  return o;
}

static char *print(cJSON *o) {
  char *s = o ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return s;
}

char *dev_beacon_json_bootstrap(const beacon_lc_bootstrap_t *b) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddItemToObject(d, "header", lc_header(&b->header, b->fork));
  cJSON_AddItemToObject(d, "current_sync_committee", sync_committee(&b->current_sync_committee, committee_size()));
  add_branch(d, "current_sync_committee_branch", (const uint8_t(*)[32])b->current_sync_committee_branch,
             beacon_current_sync_committee_depth(b->fork));
  return print(envelope(b->fork, d));
}

static cJSON *update(const beacon_lc_update_t *u) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddItemToObject(d, "attested_header", lc_header(&u->attested_header, u->fork));
  cJSON_AddItemToObject(d, "next_sync_committee", sync_committee(&u->next_sync_committee, committee_size()));
  add_branch(d, "next_sync_committee_branch", (const uint8_t(*)[32])u->next_sync_committee_branch,
             beacon_next_sync_committee_depth(u->fork));
  cJSON_AddItemToObject(d, "finalized_header", lc_header(&u->finalized_header, u->fork));
  add_branch(d, "finality_branch", (const uint8_t(*)[32])u->finality_branch, beacon_finality_depth(u->fork));
  cJSON_AddItemToObject(d, "sync_aggregate", sync_aggregate(&u->sync_aggregate, committee_size()));
  add_u64(d, "signature_slot", u->signature_slot);
  return envelope(u->fork, d);
}

char *dev_beacon_json_updates(const beacon_lc_update_t *u, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; a && i < n; i++) cJSON_AddItemToArray(a, update(&u[i]));
  return print(a);
}

char *dev_beacon_json_finality_update(const beacon_lc_finality_update_t *u) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddItemToObject(d, "attested_header", lc_header(&u->attested_header, u->fork));
  cJSON_AddItemToObject(d, "finalized_header", lc_header(&u->finalized_header, u->fork));
  add_branch(d, "finality_branch", (const uint8_t(*)[32])u->finality_branch, beacon_finality_depth(u->fork));
  cJSON_AddItemToObject(d, "sync_aggregate", sync_aggregate(&u->sync_aggregate, committee_size()));
  add_u64(d, "signature_slot", u->signature_slot);
  return print(envelope(u->fork, d));
}

char *dev_beacon_json_optimistic_update(const beacon_lc_optimistic_update_t *u) {
  cJSON *d = cJSON_CreateObject();
  cJSON_AddItemToObject(d, "attested_header", lc_header(&u->attested_header, u->fork));
  cJSON_AddItemToObject(d, "sync_aggregate", sync_aggregate(&u->sync_aggregate, committee_size()));
  add_u64(d, "signature_slot", u->signature_slot);
  return print(envelope(u->fork, d));
}
