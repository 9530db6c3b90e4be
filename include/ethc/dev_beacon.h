/* TEST-ONLY: a simulated beacon chain for `ethc node --dev --dev.beacon`, so that
 * a beacon light client (`ethc beacon sync --network dev`, `ethc node --light`)
 * can follow a local dev chain end to end. It is not a consensus client: there
 * are no validators, attestations or fork choice; a fixed sync committee signs
 * whatever the dev miner made. Never use it outside tests.
 *
 * The network is lc_config.c's "dev" (mainnet preset, 512-key committee, every
 * fork from epoch 0: Fulu, matching the dev chain's Osaka; genesis time 0 and
 * one second per slot, so that a light client's current slot is the unix time).
 *
 * Slots follow the dev blocks' timestamps, so that the head's slot stays close
 * to the wall clock's (a light client forces its updates when the clock is more
 * than UPDATE_TIMEOUT = 8192 slots past its finalized header, and refuses a
 * signature slot in the future: consensus-specs altair/light-client/
 * sync-protocol.md). Block 0 is at slot genesis_timestamp - SLACK; block N at
 *   slot(N) = slot(N-1) + min(max(timestamp(N) - SLACK - slot(N-1), 1), MAX_STEP)
 * with SLACK = 1024 s and MAX_STEP = 64. So:
 * - mined at one block a second or slower, the head's slot is its time less
 *   1024 s: about 17 minutes behind the clock, never ahead, however long the
 *   chain runs (its finalized block 64 blocks further back);
 * - mined faster (anvil_mine: timestamps one second apart, ahead of the clock),
 *   slots advance one a block, like the timestamps: a burst of up to 1024 blocks
 *   stays at or below the clock; a longer one runs ahead of it and a light
 *   client waits for the clock (as for evm_increaseTime, evm_setNextBlockTimestamp);
 * - after a pause (timestamps far apart), slots catch up with the clock by at
 *   most 64 a block, so that every sync-committee period the chain passes holds
 *   at least 128 blocks and its update finalizes a block of that period (a
 *   light client cannot step over a period without one); a chain idle for more
 *   than about two hours (8192 - 1024 - 64 s) looks stalled to a light client,
 *   which forces its updates until the head catches up again;
 * - the slots are a function of the chain alone (its genesis time and the
 *   blocks' timestamps, kept in the data directory), so a restarted node makes
 *   the same beacon blocks and roots (the parentBeaconBlockRoot of its blocks).
 * A checkpoint is about 17 minutes old for the weak-subjectivity check (14
 * days): a dev chain idle for two weeks needs --allow-stale-checkpoint.
 *
 * The committee: secret key i (0..511) is
 *   sk_i = (OS2IP(SHA-256("ethc dev beacon sync committee" || I2OSP(i, 4))) mod (r - 1)) + 1
 * (r: the BLS12-381 group order), public key sk_i * G1. Every member signs every
 * block, and all sign the same message, so the aggregate signature is
 * (sum of sk_i mod r) * H(signing_root): one hash-to-G2 and one G2 scalar
 * multiplication per signed header. The same committee serves every period.
 *
 * Each block's beacon header: its slot, proposer 0, parent_root the
 * previous block's beacon root (zero for block 0), state_root the
 * hash_tree_root of a sparse BeaconState (genesis_validators_root, slot,
 * finalized_checkpoint, current and next sync committee, and the execution
 * payload header's root at their fork's field indices; every other field zero),
 * body_root that of a sparse BeaconBlockBody holding only the execution payload
 * (its root equals the payload header's, at gindex 25). The payload header is
 * the dev block's (transactions_root and withdrawals_root are SSZ roots of the
 * block's transactions and withdrawals, as the beacon chain's are). With the
 * beacon side on, the miner gives each new dev block the beacon root of its
 * parent as parentBeaconBlockRoot (EIP-4788), as a consensus client would.
 *
 * Finality: block N's state finalizes block N - 64 (two epochs; block 0 for
 * N < 64; nothing for block 0 itself, whose checkpoint is zero as at genesis).
 * Updates: the attested header is the head (finality and optimistic updates) or
 * the last block of the period whose next slot is still in it (updates by
 * period), signed at the attested slot + 1 by all 512 members; every update
 * carries the next sync committee and the finality branch. A dev chain that
 * moves back (evm_revert, anvil_reset) is followed: its beacon blocks are
 * recomputed from the fork point (a light client that finalized a dropped block
 * is then stuck: test-only).
 *
 * Memory: about 850 bytes per dev block (its payload header and beacon header
 * are kept, so that a bootstrap can be served for any block): 85 MB for 100,000.
 *
 * Thread-safety: a dev_beacon_t has its own mutex; every function may be called
 * from any thread. */
#ifndef ETHC_DEV_BEACON_H
#define ETHC_DEV_BEACON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/beacon_types.h"
#include "ethc/chain.h"
#include "ethc/error.h"
#include "ethc/light_client.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DEV_BEACON_NETWORK "dev"
#define DEV_BEACON_FINALITY_LAG 64 /* blocks (slots) between the head and its finalized block */
#define DEV_BEACON_SLACK 1024      /* seconds (slots) a block's slot lies before its timestamp */
#define DEV_BEACON_MAX_STEP 64     /* the most slots between two blocks' (a catch-up after a pause) */

/* ---- the committee (dev_beacon_keys.c) ---- */

typedef struct {
  beacon_sync_committee_t committee; /* the 512 public keys and their sum */
  uint8_t agg_sk[32];                /* sum of the secret keys mod r, big-endian */
} dev_beacon_keys_t;

/* Secret key i of the committee (big-endian, 1..r-1), as documented above. */
void dev_beacon_secret_key(uint32_t i, uint8_t out[32]);
/* Derives the committee: 512 G1 multiplications (~0.1 s). 0 or ETHC_ERR_INVALID. */
int dev_beacon_keys_derive(dev_beacon_keys_t *k);
/* The whole committee's aggregate signature over the 32-byte `msg`. 0 or an error. */
int dev_beacon_sign(const dev_beacon_keys_t *k, const uint8_t msg[32], uint8_t sig[BEACON_SIGNATURE_SIZE]);

/* ---- the chain of beacon blocks (dev_beacon.c) ---- */

/* One execution block as the beacon side needs it. */
typedef struct {
  ethc_hash_t hash;
  beacon_execution_header_t payload; /* block_number, parent_hash, ...: its payload header */
} dev_beacon_exec_t;

typedef struct dev_beacon dev_beacon_t;

/* A beacon side for a chain whose block 0 has time `genesis_timestamp`. Derives
 * the committee. NULL when out of memory or the keys cannot be made. */
dev_beacon_t *dev_beacon_new(uint64_t genesis_timestamp);
void dev_beacon_free(dev_beacon_t *b);

const beacon_config_t *dev_beacon_config(void);
/* The slot of held dev block `number` (above the head: the head's slot plus
 * the distance, the lowest it can get). */
uint64_t dev_beacon_slot(dev_beacon_t *b, uint64_t number);
/* The number of the held block at slot `slot`: 0, or ETHC_ERR_NOT_FOUND (an
 * empty slot, or none held there). */
int dev_beacon_find_slot(dev_beacon_t *b, uint64_t slot, uint64_t *number);
const dev_beacon_keys_t *dev_beacon_keys(const dev_beacon_t *b);

/* Adds execution block e (its number must be at most the count of blocks held;
 * a lower one drops that block and every later one first: a dev chain that went
 * back). Its parent hash must be the previous block's hash (ETHC_ERR_INVALID).
 * 0, ETHC_ERR_INVALID or ETHC_ERR_NOMEM. */
int dev_beacon_add(dev_beacon_t *b, const dev_beacon_exec_t *e);
/* How many blocks it holds (the head is count - 1), and the execution hash of
 * block `number` (false past the count). */
uint64_t dev_beacon_count(dev_beacon_t *b);
bool dev_beacon_exec_hash(dev_beacon_t *b, uint64_t number, ethc_hash_t *out);

/* Catches up with `chain`'s canonical blocks (chain_read.h: safe beside the
 * miner): drops blocks that left it, adds the new ones. 0 or a read error. */
int dev_beacon_follow(dev_beacon_t *b, chain_t *chain);

/* The beacon root of the canonical execution block `exec` (caught up with
 * `chain` first when needed): 0, ETHC_ERR_NOT_FOUND or a read error. */
int dev_beacon_root_of(dev_beacon_t *b, chain_t *chain, const ethc_hash_t *exec, uint8_t root[32]);

/* The beacon block header and root of dev block `number`, the head, or the head's
 * finalized block. 0 or ETHC_ERR_NOT_FOUND. */
int dev_beacon_header(dev_beacon_t *b, uint64_t number, beacon_block_header_t *h, uint8_t root[32]);
int dev_beacon_head(dev_beacon_t *b, uint64_t *number);
int dev_beacon_finalized(dev_beacon_t *b, uint64_t *number);
/* The number of the block of beacon root `root`: 0 or ETHC_ERR_NOT_FOUND. */
int dev_beacon_find_root(dev_beacon_t *b, const uint8_t root[32], uint64_t *number);

/* The light-client data (fork: the config's at the header's slot), signed by the
 * whole committee. ETHC_ERR_NOT_FOUND: no such block / no block in that period. */
int dev_beacon_bootstrap(dev_beacon_t *b, uint64_t number, beacon_lc_bootstrap_t *out);
int dev_beacon_update(dev_beacon_t *b, uint64_t period, beacon_lc_update_t *out);
int dev_beacon_finality_update(dev_beacon_t *b, beacon_lc_finality_update_t *out);
int dev_beacon_optimistic_update(dev_beacon_t *b, beacon_lc_optimistic_update_t *out);

/* ---- the REST API (dev_beacon_json.c, dev_beacon_http.c) ---- */

/* The beacon REST API's JSON of each container ({"version": FORK, "data": ...}, as
 * beacon_json.h decodes it): malloc'd text, NULL when out of memory. */
char *dev_beacon_json_bootstrap(const beacon_lc_bootstrap_t *b);
char *dev_beacon_json_updates(const beacon_lc_update_t *u, size_t n);
char *dev_beacon_json_finality_update(const beacon_lc_finality_update_t *u);
char *dev_beacon_json_optimistic_update(const beacon_lc_optimistic_update_t *u);

typedef struct dev_beacon_server dev_beacon_server_t;

/* Serves the beacon light-client API of `chain` (a dev chain: its miner's blocks)
 * on addr:port (port 0: a free one) on its own threads:
 *   GET /eth/v1/beacon/genesis
 *   GET /eth/v1/beacon/headers/{head,finalized,genesis,ROOT,SLOT}
 *   GET /eth/v1/beacon/blocks/{head,finalized,genesis,ROOT,SLOT}/root
 *   GET /eth/v1/beacon/light_client/bootstrap/{ROOT}
 *   GET /eth/v1/beacon/light_client/updates?start_period=P&count=N
 *   GET /eth/v1/beacon/light_client/finality_update
 *   GET /eth/v1/beacon/light_client/optimistic_update
 * Each request first catches up with the chain. 0, or ETHC_ERR_IO /
 * ETHC_ERR_NOMEM with a message. */
int dev_beacon_server_start(chain_t *chain, const char *addr, uint16_t port, dev_beacon_server_t **out, char *err,
                            size_t errlen) ETHC_MUST_USE;
uint16_t dev_beacon_server_port(const dev_beacon_server_t *s);
/* The parent beacon block root (EIP-4788) for a new block on the execution
 * block `parent`: dev_beacon_root_of with the server's chain. `server` is a
 * dev_beacon_server_t (the shape of the miner's miner_beacon_root_fn, so that
 * the dev chain's headers and beacon-roots contract hold these roots). */
int dev_beacon_server_parent_root(void *server, const ethc_hash_t *parent, ethc_hash_t *out);
/* Stops the threads and frees it (NULL accepted). Before the chain closes. */
void dev_beacon_server_stop(dev_beacon_server_t *s);

#ifdef __cplusplus
}
#endif

#endif
