/* The light-client store and its updates (consensus-specs
 * specs/altair/light-client/sync-protocol.md: initialize_light_client_store,
 * validate_light_client_update, apply_light_client_update,
 * process_light_client_store_force_update, process_light_client_update,
 * process_light_client_{finality,optimistic}_update, is_better_update; the
 * electra version's generalized indices, chosen by the attested header's fork and
 * checked as normalized branches). */
#include <string.h>

#include "ethc/light_client.h"
#include "ethc/ssz.h"
#include "lc_internal.h"

#define FAIL(msg)            \
  do {                       \
    if (why) *why = (msg);   \
    return ETHC_ERR_INVALID; \
  } while (0)

static bool all_zero(const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i]) return false;
  return true;
}

static bool committee_is_zero(const beacon_sync_committee_t *sc) { return all_zero(sc, sizeof *sc); }

bool lc_next_sync_committee_known(const lc_store_t *s) { return !committee_is_zero(&s->next_sync_committee); }

uint64_t lc_participants(const beacon_config_t *c, const beacon_sync_aggregate_t *a) {
  uint64_t n = 0;
  for (uint32_t i = 0; i < c->preset->sync_committee_size / 8; i++)
    n += (uint64_t)__builtin_popcount(a->sync_committee_bits[i]);
  return n;
}

/* is_sync_committee_update / is_finality_update: a non-zero branch. */
static bool is_sync_committee_update(const beacon_lc_update_t *u) {
  return !all_zero(u->next_sync_committee_branch, (size_t)beacon_next_sync_committee_depth(u->fork) * 32);
}
static bool is_finality_update(const beacon_lc_update_t *u) {
  return !all_zero(u->finality_branch, (size_t)beacon_finality_depth(u->fork) * 32);
}

/* is_valid_normalized_merkle_branch: a branch of `len` entries for a gindex of
 * depth <= len; the extra leading entries must be zero. */
static bool normalized_branch_ok(const uint8_t leaf[32], const uint8_t (*branch)[32], unsigned len, uint64_t gindex,
                                 const uint8_t root[32]) {
  unsigned depth = ssz_gindex_depth(gindex);
  if (depth > len) return false;
  unsigned extra = len - depth;
  for (unsigned i = 0; i < extra; i++)
    if (!all_zero(branch[i], 32)) return false;
  return ssz_is_valid_merkle_branch(leaf, branch + extra, depth, ssz_gindex_subtree_index(gindex), root);
}

void lc_execution_root(const beacon_config_t *c, const beacon_lc_header_t *h, uint8_t out[32]) {
  ssz_root_execution_header(&h->execution, beacon_fork_at_slot(c, h->beacon.slot), out);
}

bool lc_header_is_valid(const beacon_config_t *c, const beacon_lc_header_t *h) {
  beacon_fork_t f = beacon_fork_at_slot(c, h->beacon.slot);
  if (f < BEACON_FORK_DENEB && (h->execution.blob_gas_used || h->execution.excess_blob_gas)) return false;
  if (f < BEACON_FORK_CAPELLA)
    return all_zero(&h->execution, sizeof h->execution) && all_zero(h->execution_branch, sizeof h->execution_branch);
  uint8_t root[32];
  ssz_root_execution_header(&h->execution, f, root);
  return ssz_is_valid_gindex_branch(root, (const uint8_t(*)[32])h->execution_branch, BEACON_EXECUTION_PAYLOAD_GINDEX,
                                    h->beacon.body_root.bytes);
}

int lc_store_init(lc_store_t *s, const beacon_config_t *c, const uint8_t trusted_block_root[32],
                  const beacon_lc_bootstrap_t *b, const char **why) {
  if (!lc_header_is_valid(c, &b->header)) FAIL("bootstrap header (execution payload branch)");
  uint8_t root[32];
  ssz_root_block_header(&b->header.beacon, root);
  if (memcmp(root, trusted_block_root, 32) != 0) FAIL("bootstrap header root != trusted block root");
  uint8_t sc_root[32];
  ssz_root_sync_committee(&b->current_sync_committee, c->preset->sync_committee_size, sc_root);
  beacon_fork_t f = beacon_fork_at_slot(c, b->header.beacon.slot);
  if (!normalized_branch_ok(sc_root, (const uint8_t(*)[32])b->current_sync_committee_branch,
                            beacon_current_sync_committee_depth(b->fork), beacon_current_sync_committee_gindex(f),
                            b->header.beacon.state_root.bytes))
    FAIL("bootstrap current sync committee branch");
  memset(s, 0, sizeof *s);
  s->finalized_header = b->header;
  s->current_sync_committee = b->current_sync_committee;
  s->optimistic_header = b->header;
  return 0;
}

int lc_validate_update(const lc_store_t *s, const beacon_config_t *c, const beacon_lc_update_t *u,
                       uint64_t current_slot, const char **why) {
  const beacon_sync_aggregate_t *agg = &u->sync_aggregate;
  uint64_t participants = lc_participants(c, agg);
  if (participants < c->preset->min_sync_committee_participants) FAIL("sync committee participants below minimum");
  if (!lc_header_is_valid(c, &u->attested_header)) FAIL("attested header (execution payload branch)");
  uint64_t attested_slot = u->attested_header.beacon.slot;
  uint64_t finalized_slot = u->finalized_header.beacon.slot;
  if (!(current_slot >= u->signature_slot && u->signature_slot > attested_slot && attested_slot >= finalized_slot))
    FAIL("slot order (current >= signature > attested >= finalized)");
  uint64_t store_period = beacon_period_at_slot(c, s->finalized_header.beacon.slot);
  uint64_t sig_period = beacon_period_at_slot(c, u->signature_slot);
  bool next_known = lc_next_sync_committee_known(s);
  if (next_known) {
    if (sig_period != store_period && sig_period != store_period + 1) FAIL("signature period not current or next");
  } else if (sig_period != store_period) {
    FAIL("signature period not the store's period");
  }
  uint64_t attested_period = beacon_period_at_slot(c, attested_slot);
  bool has_next = !next_known && is_sync_committee_update(u) && attested_period == store_period;
  if (!(attested_slot > s->finalized_header.beacon.slot || has_next)) FAIL(LC_WHY_NOT_NEWER);

  beacon_fork_t attested_fork = beacon_fork_at_slot(c, attested_slot);
  if (!is_finality_update(u)) {
    beacon_lc_header_t zero;
    memset(&zero, 0, sizeof zero);
    zero.fork = u->finalized_header.fork;
    if (memcmp(&u->finalized_header, &zero, sizeof zero) != 0) FAIL("finalized header without finality branch");
  } else {
    uint8_t fin_root[32] = {0};
    if (finalized_slot == 0) {
      beacon_lc_header_t zero;
      memset(&zero, 0, sizeof zero);
      zero.fork = u->finalized_header.fork;
      if (memcmp(&u->finalized_header, &zero, sizeof zero) != 0) FAIL("genesis finalized header not empty");
    } else {
      if (!lc_header_is_valid(c, &u->finalized_header)) FAIL("finalized header (execution payload branch)");
      ssz_root_block_header(&u->finalized_header.beacon, fin_root);
    }
    if (!normalized_branch_ok(fin_root, (const uint8_t(*)[32])u->finality_branch, beacon_finality_depth(u->fork),
                              beacon_finalized_root_gindex(attested_fork), u->attested_header.beacon.state_root.bytes))
      FAIL("finality branch");
  }

  uint32_t n = c->preset->sync_committee_size;
  if (!is_sync_committee_update(u)) {
    if (!committee_is_zero(&u->next_sync_committee)) FAIL("next sync committee without branch");
  } else {
    if (attested_period == store_period && next_known &&
        memcmp(&u->next_sync_committee, &s->next_sync_committee, sizeof u->next_sync_committee) != 0)
      FAIL("next sync committee differs from the known one");
    uint8_t sc_root[32];
    ssz_root_sync_committee(&u->next_sync_committee, n, sc_root);
    if (!normalized_branch_ok(
            sc_root, (const uint8_t(*)[32])u->next_sync_committee_branch, beacon_next_sync_committee_depth(u->fork),
            beacon_next_sync_committee_gindex(attested_fork), u->attested_header.beacon.state_root.bytes))
      FAIL("next sync committee branch");
  }

  const beacon_sync_committee_t *committee =
      sig_period == store_period ? &s->current_sync_committee : &s->next_sync_committee;
  uint64_t fv_slot = (u->signature_slot > 1 ? u->signature_slot : 1) - 1;
  beacon_fork_t fv_fork = beacon_fork_at_slot(c, fv_slot);
  uint8_t domain[32], header_root[32], signing_root[32];
  beacon_compute_domain(BEACON_DOMAIN_SYNC_COMMITTEE, c->fork_version[fv_fork], c->genesis_validators_root, domain);
  ssz_root_block_header(&u->attested_header.beacon, header_root);
  beacon_signing_root(header_root, domain, signing_root);
  bool ok = false;
  if (lc_verify_sync_signature(committee, n, agg->sync_committee_bits, signing_root, agg->sync_committee_signature,
                               &ok) != 0)
    FAIL("sync committee signature (malformed key or signature)");
  if (!ok) FAIL("sync committee signature (FastAggregateVerify)");
  return 0;
}

/* apply_light_client_update. */
static void apply_update(lc_store_t *s, const beacon_config_t *c, const beacon_lc_update_t *u) {
  uint64_t store_period = beacon_period_at_slot(c, s->finalized_header.beacon.slot);
  uint64_t fin_period = beacon_period_at_slot(c, u->finalized_header.beacon.slot);
  if (!lc_next_sync_committee_known(s)) {
    if (fin_period != store_period) return; /* the spec asserts; validated updates never get here */
    s->next_sync_committee = u->next_sync_committee;
  } else if (fin_period == store_period + 1) {
    s->current_sync_committee = s->next_sync_committee;
    s->next_sync_committee = u->next_sync_committee;
    s->previous_max_active_participants = s->current_max_active_participants;
    s->current_max_active_participants = 0;
  }
  if (u->finalized_header.beacon.slot > s->finalized_header.beacon.slot) {
    s->finalized_header = u->finalized_header;
    if (s->finalized_header.beacon.slot > s->optimistic_header.beacon.slot) s->optimistic_header = s->finalized_header;
  }
}

bool lc_is_better_update(const beacon_config_t *c, const beacon_lc_update_t *a, const beacon_lc_update_t *b) {
  uint64_t max = c->preset->sync_committee_size;
  uint64_t na = lc_participants(c, &a->sync_aggregate), nb = lc_participants(c, &b->sync_aggregate);
  bool sa = na * 3 >= max * 2, sb = nb * 3 >= max * 2;
  if (sa != sb) return sa;
  if (!sa && na != nb) return na > nb;
  bool ra = is_sync_committee_update(a) &&
            beacon_period_at_slot(c, a->attested_header.beacon.slot) == beacon_period_at_slot(c, a->signature_slot);
  bool rb = is_sync_committee_update(b) &&
            beacon_period_at_slot(c, b->attested_header.beacon.slot) == beacon_period_at_slot(c, b->signature_slot);
  if (ra != rb) return ra;
  bool fa = is_finality_update(a), fb = is_finality_update(b);
  if (fa != fb) return fa;
  if (fa) {
    bool ca = beacon_period_at_slot(c, a->finalized_header.beacon.slot) ==
              beacon_period_at_slot(c, a->attested_header.beacon.slot);
    bool cb = beacon_period_at_slot(c, b->finalized_header.beacon.slot) ==
              beacon_period_at_slot(c, b->attested_header.beacon.slot);
    if (ca != cb) return ca;
  }
  if (na != nb) return na > nb;
  if (a->attested_header.beacon.slot != b->attested_header.beacon.slot)
    return a->attested_header.beacon.slot < b->attested_header.beacon.slot;
  return a->signature_slot < b->signature_slot;
}

int lc_process_update(lc_store_t *s, const beacon_config_t *c, const beacon_lc_update_t *u, uint64_t current_slot,
                      const char **why) {
  int rc = lc_validate_update(s, c, u, current_slot, why);
  if (rc) return rc;
  uint64_t participants = lc_participants(c, &u->sync_aggregate);
  if (!s->has_best_valid_update || lc_is_better_update(c, u, &s->best_valid_update)) {
    s->best_valid_update = *u;
    s->has_best_valid_update = true;
  }
  if (participants > s->current_max_active_participants) s->current_max_active_participants = participants;
  /* get_safety_threshold: half the larger of the two periods' maxima. */
  uint64_t safety =
      (s->previous_max_active_participants > s->current_max_active_participants ? s->previous_max_active_participants
                                                                                : s->current_max_active_participants) /
      2;
  if (participants > safety && u->attested_header.beacon.slot > s->optimistic_header.beacon.slot)
    s->optimistic_header = u->attested_header;
  bool finalized_next = !lc_next_sync_committee_known(s) && is_sync_committee_update(u) && is_finality_update(u) &&
                        beacon_period_at_slot(c, u->finalized_header.beacon.slot) ==
                            beacon_period_at_slot(c, u->attested_header.beacon.slot);
  if (participants * 3 >= (uint64_t)c->preset->sync_committee_size * 2 &&
      (u->finalized_header.beacon.slot > s->finalized_header.beacon.slot || finalized_next)) {
    apply_update(s, c, u);
    s->has_best_valid_update = false;
  }
  return 0;
}

bool lc_force_update(lc_store_t *s, const beacon_config_t *c, uint64_t current_slot) {
  if (!(current_slot > s->finalized_header.beacon.slot + c->preset->update_timeout && s->has_best_valid_update))
    return false;
  beacon_lc_update_t *best = &s->best_valid_update;
  /* The attested header stands in for the finalized one in long non-finality. */
  if (best->finalized_header.beacon.slot <= s->finalized_header.beacon.slot)
    best->finalized_header = best->attested_header;
  apply_update(s, c, best);
  s->has_best_valid_update = false;
  return true;
}

int lc_process_finality_update(lc_store_t *s, const beacon_config_t *c, const beacon_lc_finality_update_t *u,
                               uint64_t current_slot, const char **why) {
  static _Thread_local beacon_lc_update_t full;
  memset(&full, 0, sizeof full);
  full.fork = u->fork;
  full.attested_header = u->attested_header;
  full.finalized_header = u->finalized_header;
  memcpy(full.finality_branch, u->finality_branch, sizeof full.finality_branch);
  full.sync_aggregate = u->sync_aggregate;
  full.signature_slot = u->signature_slot;
  return lc_process_update(s, c, &full, current_slot, why);
}

int lc_process_optimistic_update(lc_store_t *s, const beacon_config_t *c, const beacon_lc_optimistic_update_t *u,
                                 uint64_t current_slot, const char **why) {
  static _Thread_local beacon_lc_update_t full;
  memset(&full, 0, sizeof full);
  full.fork = u->fork;
  full.attested_header = u->attested_header;
  full.finalized_header.fork = u->fork;
  full.sync_aggregate = u->sync_aggregate;
  full.signature_slot = u->signature_slot;
  return lc_process_update(s, c, &full, current_slot, why);
}

/* A branch of `from` entries as one of `to` >= from entries: zeros prepended
 * (normalize_merkle_branch). */
static void widen_branch(uint8_t (*branch)[32], unsigned from, unsigned to) {
  if (to <= from) return;
  memmove(branch[to - from], branch[0], (size_t)from * 32);
  memset(branch[0], 0, (size_t)(to - from) * 32);
}

static void upgrade_header(beacon_lc_header_t *h, beacon_fork_t to) {
  if (h->fork < to) h->fork = to;
}

void lc_store_upgrade(lc_store_t *s, beacon_fork_t to) {
  upgrade_header(&s->finalized_header, to);
  upgrade_header(&s->optimistic_header, to);
  if (s->has_best_valid_update && s->best_valid_update.fork < to) {
    beacon_lc_update_t *u = &s->best_valid_update;
    widen_branch(u->next_sync_committee_branch, beacon_next_sync_committee_depth(u->fork),
                 beacon_next_sync_committee_depth(to));
    widen_branch(u->finality_branch, beacon_finality_depth(u->fork), beacon_finality_depth(to));
    upgrade_header(&u->attested_header, to);
    upgrade_header(&u->finalized_header, to);
    u->fork = to;
  }
}
