/* Beacon-chain light-client containers (consensus-specs altair/light-client/
 * sync-protocol.md and its capella, deneb and electra changes), in memory.
 *
 * One C struct per SSZ container, sized for the largest fork and preset: a sync
 * committee always has room for 512 keys (mainnet; the minimal preset uses the first
 * 32), and every Merkle branch has room for the deepest generalized index (Electra).
 * How many entries are meaningful is fixed by the container's `fork` (branch depths,
 * beacon_*_depth below) and by the preset (beacon_preset_t.sync_committee_size);
 * the unused tail is zero. Decoders (ssz.h, and the beacon REST API's JSON) fill
 * these; hash_tree_root and the sync protocol (light_client.h) read them.
 *
 * Roots and hashes are the 32 bytes as the spec prints them; integers are native.
 * Plain data: no pointers, no ownership, safe to copy with memcpy. */
#ifndef ETHC_BEACON_TYPES_H
#define ETHC_BEACON_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Consensus-layer forks, in order (compare with < and >=). The light-client
 * containers exist from Altair on. */
typedef enum {
  BEACON_FORK_PHASE0 = 0,
  BEACON_FORK_ALTAIR,
  BEACON_FORK_BELLATRIX,
  BEACON_FORK_CAPELLA,
  BEACON_FORK_DENEB,
  BEACON_FORK_ELECTRA,
  BEACON_FORK_FULU,
  BEACON_FORK_COUNT
} beacon_fork_t;

/* The largest sync committee (mainnet preset). */
#define BEACON_SYNC_COMMITTEE_MAX 512
#define BEACON_PUBKEY_SIZE 48
#define BEACON_SIGNATURE_SIZE 96
#define BEACON_MAX_EXTRA_DATA 32
#define BEACON_LOGS_BLOOM_SIZE 256

/* Merkle branch depths (floorlog2 of the generalized index), per fork.
 *   current_sync_committee: gindex 54 (depth 5) Altair-Deneb, 86 (depth 6) Electra+
 *   next_sync_committee:    gindex 55 (depth 5) Altair-Deneb, 87 (depth 6) Electra+
 *   finalized_root:         gindex 105 (depth 6) Altair-Deneb, 169 (depth 7) Electra+
 *   execution payload:      gindex 25 (depth 4) in the block body, Capella+ */
#define BEACON_SYNC_COMMITTEE_BRANCH_MAX 6
#define BEACON_FINALITY_BRANCH_MAX 7
#define BEACON_EXECUTION_BRANCH_DEPTH 4

#define BEACON_CURRENT_SYNC_COMMITTEE_GINDEX 54
#define BEACON_NEXT_SYNC_COMMITTEE_GINDEX 55
#define BEACON_FINALIZED_ROOT_GINDEX 105
#define BEACON_CURRENT_SYNC_COMMITTEE_GINDEX_ELECTRA 86
#define BEACON_NEXT_SYNC_COMMITTEE_GINDEX_ELECTRA 87
#define BEACON_FINALIZED_ROOT_GINDEX_ELECTRA 169
#define BEACON_EXECUTION_PAYLOAD_GINDEX 25

static inline unsigned beacon_current_sync_committee_depth(beacon_fork_t f) { return f >= BEACON_FORK_ELECTRA ? 6 : 5; }
static inline unsigned beacon_next_sync_committee_depth(beacon_fork_t f) { return f >= BEACON_FORK_ELECTRA ? 6 : 5; }
static inline unsigned beacon_finality_depth(beacon_fork_t f) { return f >= BEACON_FORK_ELECTRA ? 7 : 6; }
static inline uint64_t beacon_current_sync_committee_gindex(beacon_fork_t f) {
  return f >= BEACON_FORK_ELECTRA ? BEACON_CURRENT_SYNC_COMMITTEE_GINDEX_ELECTRA : BEACON_CURRENT_SYNC_COMMITTEE_GINDEX;
}
static inline uint64_t beacon_next_sync_committee_gindex(beacon_fork_t f) {
  return f >= BEACON_FORK_ELECTRA ? BEACON_NEXT_SYNC_COMMITTEE_GINDEX_ELECTRA : BEACON_NEXT_SYNC_COMMITTEE_GINDEX;
}
static inline uint64_t beacon_finalized_root_gindex(beacon_fork_t f) {
  return f >= BEACON_FORK_ELECTRA ? BEACON_FINALIZED_ROOT_GINDEX_ELECTRA : BEACON_FINALIZED_ROOT_GINDEX;
}

/* The preset values the light client uses (consensus-specs presets/{mainnet,minimal}). */
typedef struct {
  const char *name;                          /* "mainnet", "minimal" */
  uint32_t sync_committee_size;              /* 512 / 32 */
  uint64_t slots_per_epoch;                  /* 32 / 8 */
  uint64_t epochs_per_sync_committee_period; /* 256 / 8 */
  uint64_t min_sync_committee_participants;  /* 1 */
  uint64_t update_timeout;                   /* slots: SLOTS_PER_EPOCH * EPOCHS_PER_SYNC_COMMITTEE_PERIOD */
} beacon_preset_t;

/* phase0 BeaconBlockHeader (SSZ: 112 bytes). */
typedef struct {
  uint64_t slot;
  uint64_t proposer_index;
  ethc_hash_t parent_root;
  ethc_hash_t state_root;
  ethc_hash_t body_root;
} beacon_block_header_t;

/* altair SyncCommittee: sync_committee_size compressed G1 keys and their sum. */
typedef struct {
  uint8_t pubkeys[BEACON_SYNC_COMMITTEE_MAX][BEACON_PUBKEY_SIZE];
  uint8_t aggregate_pubkey[BEACON_PUBKEY_SIZE];
} beacon_sync_committee_t;

/* altair SyncAggregate: bit i (byte i/8, bit i%8, little-endian bit order as SSZ's
 * Bitvector) says committee member i signed. */
typedef struct {
  uint8_t sync_committee_bits[BEACON_SYNC_COMMITTEE_MAX / 8];
  uint8_t sync_committee_signature[BEACON_SIGNATURE_SIZE];
} beacon_sync_aggregate_t;

/* ExecutionPayloadHeader: Capella's fields, plus Deneb's blob_gas_used and
 * excess_blob_gas (zero and not hashed before Deneb). Electra and Fulu keep
 * Deneb's header unchanged. Which fields exist is the enclosing header's fork. */
typedef struct {
  ethc_hash_t parent_hash;
  ethc_address_t fee_recipient;
  ethc_hash_t state_root;
  ethc_hash_t receipts_root;
  uint8_t logs_bloom[BEACON_LOGS_BLOOM_SIZE];
  ethc_hash_t prev_randao;
  uint64_t block_number;
  uint64_t gas_limit;
  uint64_t gas_used;
  uint64_t timestamp;
  uint8_t extra_data[BEACON_MAX_EXTRA_DATA];
  uint8_t extra_data_len; /* 0..32 */
  u256_t base_fee_per_gas;
  ethc_hash_t block_hash;
  ethc_hash_t transactions_root;
  ethc_hash_t withdrawals_root; /* Capella+ */
  uint64_t blob_gas_used;       /* Deneb+ */
  uint64_t excess_blob_gas;     /* Deneb+ */
} beacon_execution_header_t;

/* LightClientHeader. Altair/Bellatrix: only `beacon` (the rest zero). Capella+:
 * the execution payload header and its branch to beacon.body_root (gindex 25).
 * `fork` selects the SSZ shape: set it from the enclosing container's fork. */
typedef struct {
  beacon_fork_t fork;
  beacon_block_header_t beacon;
  beacon_execution_header_t execution;
  uint8_t execution_branch[BEACON_EXECUTION_BRANCH_DEPTH][32];
} beacon_lc_header_t;

/* LightClientBootstrap. */
typedef struct {
  beacon_fork_t fork;
  beacon_lc_header_t header;
  beacon_sync_committee_t current_sync_committee;
  uint8_t current_sync_committee_branch[BEACON_SYNC_COMMITTEE_BRANCH_MAX][32]; /* depth per fork */
} beacon_lc_bootstrap_t;

/* LightClientUpdate. */
typedef struct {
  beacon_fork_t fork;
  beacon_lc_header_t attested_header;
  beacon_sync_committee_t next_sync_committee;
  uint8_t next_sync_committee_branch[BEACON_SYNC_COMMITTEE_BRANCH_MAX][32]; /* depth per fork */
  beacon_lc_header_t finalized_header;
  uint8_t finality_branch[BEACON_FINALITY_BRANCH_MAX][32]; /* depth per fork */
  beacon_sync_aggregate_t sync_aggregate;
  uint64_t signature_slot;
} beacon_lc_update_t;

/* LightClientFinalityUpdate. */
typedef struct {
  beacon_fork_t fork;
  beacon_lc_header_t attested_header;
  beacon_lc_header_t finalized_header;
  uint8_t finality_branch[BEACON_FINALITY_BRANCH_MAX][32];
  beacon_sync_aggregate_t sync_aggregate;
  uint64_t signature_slot;
} beacon_lc_finality_update_t;

/* LightClientOptimisticUpdate. */
typedef struct {
  beacon_fork_t fork;
  beacon_lc_header_t attested_header;
  beacon_sync_aggregate_t sync_aggregate;
  uint64_t signature_slot;
} beacon_lc_optimistic_update_t;

/* "altair", "deneb", ... (lowercase, as the REST API's "version" field), or NULL. */
const char *beacon_fork_name(beacon_fork_t f);
/* The fork named `name` (case-insensitive; "phase0".."fulu"); false if unknown. */
bool beacon_fork_from_name(const char *name, beacon_fork_t *out);

#ifdef __cplusplus
}
#endif

#endif
