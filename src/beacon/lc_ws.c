/* The weak subjectivity period (consensus-specs electra/weak-subjectivity.md,
 * compute_weak_subjectivity_period) per network, for the light client's stale-
 * checkpoint check (ethc/light_client.h).
 *
 * The spec computes it from the state's total active balance T:
 *   churn = max(MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA, T // CHURN_LIMIT_QUOTIENT)
 *   period = MIN_VALIDATOR_WITHDRAWABILITY_DELAY + SAFETY_DECAY * T // (2 * churn * 100)
 * (128 ETH, 65536, 256 epochs, 10). A light client holds no state, so T is a
 * lower bound per network, kept well below the network's balance when this was
 * written (the period only grows with T, so a low T refuses a checkpoint sooner):
 *   mainnet  8.4 M ETH  (over 30 M staked): the churn is T / 65536, period 3532
 *                       epochs, about 15.7 days, whatever T above the bound
 *   holesky, hoodi  8.4 M ETH (both run well over a million validators)
 *   sepolia  60 000 ETH (a permissioned set of some two thousand validators):
 *                       279 epochs, about 1.2 days
 *   dev (ethc node --dev.beacon, test-only)  14 days: its committee is one
 *                       fixed key set, and its slots run a day behind the
 *                       clock by design (dev_beacon.h)
 *   others (test networks)  256 epochs: the withdrawability delay alone. */
#include <string.h>

#include "ethc/light_client.h"

#define GWEI_PER_ETH 1000000000ull
#define MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA (128 * GWEI_PER_ETH)
#define CHURN_LIMIT_QUOTIENT 65536
#define MIN_VALIDATOR_WITHDRAWABILITY_DELAY 256
#define SAFETY_DECAY 10

static uint64_t active_balance_bound(const char *name) {
  if (!strcmp(name, "mainnet") || !strcmp(name, "holesky") || !strcmp(name, "hoodi")) return 8400000 * GWEI_PER_ETH;
  if (!strcmp(name, "sepolia")) return 60000 * GWEI_PER_ETH;
  return 0;
}

#define DEV_PERIOD_SECONDS (14 * 86400ull)

uint64_t beacon_ws_period_epochs(const beacon_config_t *c) {
  if (!strcmp(c->name, "dev")) return DEV_PERIOD_SECONDS / (c->preset->slots_per_epoch * c->seconds_per_slot);
  uint64_t t = active_balance_bound(c->name);
  uint64_t churn = t / CHURN_LIMIT_QUOTIENT;
  if (churn < MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA) churn = MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA;
  /* SAFETY_DECAY * T fits: T < 2^64 / 10 for any real balance in Gwei */
  return MIN_VALIDATOR_WITHDRAWABILITY_DELAY + SAFETY_DECAY * t / (2 * churn * 100);
}

uint64_t beacon_ws_period_seconds(const beacon_config_t *c) {
  return beacon_ws_period_epochs(c) * c->preset->slots_per_epoch * c->seconds_per_slot;
}
