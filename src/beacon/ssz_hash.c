/* hash_tree_root of the beacon types the light client hashes (consensus-specs
 * ssz/simple-serialize.md): BeaconBlockHeader (phase0), SyncCommittee (altair),
 * ExecutionPayloadHeader (capella, deneb; unchanged in electra and fulu). */
#include <string.h>

#include "ethc/ssz.h"

static void chunk_u64(uint64_t v, uint8_t out[32]) {
  memset(out, 0, 32);
  for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (8 * i));
}

/* A fixed byte vector of `len` bytes: its chunks merkleized. */
static void root_bytes(const uint8_t *b, size_t len, uint8_t out[32]) {
  uint8_t chunks[8][32] = {{0}}; /* up to 256 bytes (logs bloom) */
  size_t n = (len + 31) / 32;
  memcpy(chunks, b, len);
  ssz_merkleize((const uint8_t(*)[32])chunks, n, 0, out);
}

void ssz_root_block_header(const beacon_block_header_t *h, uint8_t out[32]) {
  uint8_t f[5][32];
  chunk_u64(h->slot, f[0]);
  chunk_u64(h->proposer_index, f[1]);
  memcpy(f[2], h->parent_root.bytes, 32);
  memcpy(f[3], h->state_root.bytes, 32);
  memcpy(f[4], h->body_root.bytes, 32);
  ssz_merkleize((const uint8_t(*)[32])f, 5, 0, out);
}

void ssz_root_sync_committee(const beacon_sync_committee_t *c, uint32_t n, uint8_t out[32]) {
  static _Thread_local uint8_t leaves[BEACON_SYNC_COMMITTEE_MAX][32];
  if (n > BEACON_SYNC_COMMITTEE_MAX) n = BEACON_SYNC_COMMITTEE_MAX;
  for (uint32_t i = 0; i < n; i++) root_bytes(c->pubkeys[i], BEACON_PUBKEY_SIZE, leaves[i]);
  uint8_t f[2][32];
  ssz_merkleize((const uint8_t(*)[32])leaves, n, n, f[0]);
  root_bytes(c->aggregate_pubkey, BEACON_PUBKEY_SIZE, f[1]);
  ssz_merkleize((const uint8_t(*)[32])f, 2, 0, out);
}

void ssz_root_execution_header(const beacon_execution_header_t *e, beacon_fork_t fork, uint8_t out[32]) {
  if (fork < BEACON_FORK_CAPELLA) {
    memset(out, 0, 32);
    return;
  }
  uint8_t f[17][32];
  memset(f, 0, sizeof f);
  memcpy(f[0], e->parent_hash.bytes, 32);
  memcpy(f[1], e->fee_recipient.bytes, 20);
  memcpy(f[2], e->state_root.bytes, 32);
  memcpy(f[3], e->receipts_root.bytes, 32);
  root_bytes(e->logs_bloom, BEACON_LOGS_BLOOM_SIZE, f[4]);
  memcpy(f[5], e->prev_randao.bytes, 32);
  chunk_u64(e->block_number, f[6]);
  chunk_u64(e->gas_limit, f[7]);
  chunk_u64(e->gas_used, f[8]);
  chunk_u64(e->timestamp, f[9]);
  /* extra_data: ByteList[32], one chunk at most, then its length mixed in. */
  uint8_t x[1][32] = {{0}};
  size_t xl = e->extra_data_len <= BEACON_MAX_EXTRA_DATA ? e->extra_data_len : BEACON_MAX_EXTRA_DATA;
  memcpy(x[0], e->extra_data, xl);
  uint8_t xr[32];
  ssz_merkleize((const uint8_t(*)[32])x, xl ? 1 : 0, 1, xr);
  ssz_mix_in_length(xr, xl, f[10]);
  for (int i = 0; i < 32; i++) f[11][i] = (uint8_t)(e->base_fee_per_gas.w[i / 8] >> (8 * (i % 8))); /* uint256 LE */
  memcpy(f[12], e->block_hash.bytes, 32);
  memcpy(f[13], e->transactions_root.bytes, 32);
  memcpy(f[14], e->withdrawals_root.bytes, 32);
  size_t nf = 15;
  if (fork >= BEACON_FORK_DENEB) {
    chunk_u64(e->blob_gas_used, f[15]);
    chunk_u64(e->excess_blob_gas, f[16]);
    nf = 17;
  }
  ssz_merkleize((const uint8_t(*)[32])f, nf, 0, out);
}
