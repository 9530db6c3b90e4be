/* The beacon light client's sync protocol (consensus-specs
 * specs/altair/light-client/sync-protocol.md, with the capella, deneb and electra
 * changes to the light-client header and the generalized indices): the presets,
 * network configs (fork schedule, genesis validators root), signing domains, and
 * the LightClientStore with bootstrap, update validation and processing, the
 * force-update rule and finality / optimistic updates.
 *
 * Functions that check data return 0, or ETHC_ERR_INVALID with *why (when `why`
 * is not NULL) set to a static string naming the check that failed, e.g.
 * "sync committee signature (FastAggregateVerify)". A store is plain data owned by
 * its caller; functions on one store must not run concurrently (configs and
 * presets are immutable and may be shared). */
#ifndef ETHC_LIGHT_CLIENT_H
#define ETHC_LIGHT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/beacon_types.h"
#include "ethc/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BEACON_DOMAIN_SYNC_COMMITTEE 0x07000000u /* DomainType bytes 07 00 00 00 */
#define BEACON_FAR_FUTURE_EPOCH UINT64_MAX

extern const beacon_preset_t beacon_preset_mainnet;
extern const beacon_preset_t beacon_preset_minimal;
/* "mainnet" or "minimal", else NULL. */
const beacon_preset_t *beacon_preset_by_name(const char *name);

/* A network's consensus config: what the light client needs of it. */
typedef struct {
  const char *name; /* "mainnet", "sepolia", "holesky", "hoodi", or a test's name */
  const beacon_preset_t *preset;
  uint8_t genesis_validators_root[32];
  uint64_t genesis_time;     /* unix seconds of slot 0 */
  uint64_t seconds_per_slot; /* 12 (mainnet preset networks), 6 (minimal tests) */
  /* fork_version[f] and fork_epoch[f] for f in beacon_fork_t; a fork not scheduled
   * has epoch BEACON_FAR_FUTURE_EPOCH. fork_epoch[PHASE0] is 0. */
  uint8_t fork_version[BEACON_FORK_COUNT][4];
  uint64_t fork_epoch[BEACON_FORK_COUNT];
} beacon_config_t;

/* The built-in networks: "mainnet", "sepolia", "holesky", "hoodi"; else NULL. */
const beacon_config_t *beacon_config_by_name(const char *name);
/* The names, NULL-terminated (for usage messages). */
extern const char *const beacon_network_names[];

/* Slot arithmetic of the config's preset. */
uint64_t beacon_epoch_at_slot(const beacon_config_t *c, uint64_t slot);
uint64_t beacon_period_at_slot(const beacon_config_t *c, uint64_t slot);
/* The fork active at an epoch / slot (the latest one whose epoch <= it). */
beacon_fork_t beacon_fork_at_epoch(const beacon_config_t *c, uint64_t epoch);
beacon_fork_t beacon_fork_at_slot(const beacon_config_t *c, uint64_t slot);
/* The current slot at unix time `t` (0 before genesis). */
uint64_t beacon_slot_at_time(const beacon_config_t *c, uint64_t t);

/* The weak subjectivity period of the network, in epochs: consensus-specs
 * electra/weak-subjectivity.md compute_weak_subjectivity_period,
 * MIN_VALIDATOR_WITHDRAWABILITY_DELAY + SAFETY_DECAY * T / (2 * 100 * churn),
 * churn = max(MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA, T / CHURN_LIMIT_QUOTIENT), with
 * T a documented lower bound of the network's total active balance (a light
 * client does not know T; the period grows with T, so a lower bound errs on the
 * safe side: a checkpoint is refused sooner, never later). See lc_ws.c. */
uint64_t beacon_ws_period_epochs(const beacon_config_t *c);
/* The same in seconds. */
uint64_t beacon_ws_period_seconds(const beacon_config_t *c);

/* compute_fork_data_root(version, genesis_validators_root). */
void beacon_fork_data_root(const uint8_t version[4], const uint8_t gvr[32], uint8_t out[32]);
/* compute_fork_digest before Fulu: the fork data root's first 4 bytes. */
void beacon_fork_digest(const uint8_t version[4], const uint8_t gvr[32], uint8_t out[4]);
/* compute_domain(domain_type, fork_version, genesis_validators_root). */
void beacon_compute_domain(uint32_t domain_type, const uint8_t version[4], const uint8_t gvr[32], uint8_t out[32]);
/* compute_signing_root(object_root, domain). */
void beacon_signing_root(const uint8_t object_root[32], const uint8_t domain[32], uint8_t out[32]);

/* ---- the light-client header ---- */

/* get_lc_execution_root: the execution payload header's root as the header's slot's
 * fork hashes it (zero before Capella). */
void lc_execution_root(const beacon_config_t *c, const beacon_lc_header_t *h, uint8_t out[32]);
/* is_valid_light_client_header: before Capella no execution data; before Deneb no
 * blob gas; from Capella on the execution branch proves the payload header
 * against beacon.body_root. */
bool lc_header_is_valid(const beacon_config_t *c, const beacon_lc_header_t *h);

/* ---- the store ---- */

typedef struct {
  beacon_lc_header_t finalized_header;
  beacon_sync_committee_t current_sync_committee;
  beacon_sync_committee_t next_sync_committee; /* all zero = unknown */
  bool has_best_valid_update;
  beacon_lc_update_t best_valid_update;
  beacon_lc_header_t optimistic_header;
  uint64_t previous_max_active_participants;
  uint64_t current_max_active_participants;
} lc_store_t;

/* initialize_light_client_store: the bootstrap's header must be valid and hash to
 * `trusted_block_root`, its committee proven against the header's state root. */
ETHC_MUST_USE int lc_store_init(lc_store_t *s, const beacon_config_t *c, const uint8_t trusted_block_root[32],
                                const beacon_lc_bootstrap_t *b, const char **why);

bool lc_next_sync_committee_known(const lc_store_t *s);
/* sum of the sync aggregate's participation bits (of the preset's committee). */
uint64_t lc_participants(const beacon_config_t *c, const beacon_sync_aggregate_t *a);

/* validate_light_client_update (does not change the store). */
ETHC_MUST_USE int lc_validate_update(const lc_store_t *s, const beacon_config_t *c, const beacon_lc_update_t *u,
                                     uint64_t current_slot, const char **why);
/* process_light_client_update: validates, then updates the best valid update, the
 * optimistic header and, with a supermajority, the finalized header and
 * committees. On error the store is unchanged. */
ETHC_MUST_USE int lc_process_update(lc_store_t *s, const beacon_config_t *c, const beacon_lc_update_t *u,
                                    uint64_t current_slot, const char **why);
/* process_light_client_store_force_update: after UPDATE_TIMEOUT slots without a
 * finalized update, applies the best valid update. True when it did. */
bool lc_force_update(lc_store_t *s, const beacon_config_t *c, uint64_t current_slot);
/* process_light_client_finality_update / _optimistic_update: the update as a
 * LightClientUpdate with no next sync committee. */
/* The `why` of an update no newer than the store (a repeated answer, or one
 * under a forced finalization): harmless, nothing of it is used. */
#define LC_WHY_NOT_NEWER "update is not newer than the store"
ETHC_MUST_USE int lc_process_finality_update(lc_store_t *s, const beacon_config_t *c,
                                             const beacon_lc_finality_update_t *u, uint64_t current_slot,
                                             const char **why);
ETHC_MUST_USE int lc_process_optimistic_update(lc_store_t *s, const beacon_config_t *c,
                                               const beacon_lc_optimistic_update_t *u, uint64_t current_slot,
                                               const char **why);
/* upgrade_lc_store_to_<fork>: the store's headers and best valid update as
 * containers of fork `to` (branches widened with leading zeros, Electra). */
void lc_store_upgrade(lc_store_t *s, beacon_fork_t to);
/* is_better_update(a, b): whether `a` is to be preferred over `b`. */
bool lc_is_better_update(const beacon_config_t *c, const beacon_lc_update_t *a, const beacon_lc_update_t *b);

#ifdef __cplusplus
}
#endif

#endif
