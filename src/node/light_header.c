/* Execution headers checked against beacon light-client headers
 * (ethc/light_header.h; consensus-specs deneb/beacon-chain.md
 * ExecutionPayloadHeader, the Yellow Paper's block hash). */
#include "ethc/light_header.h"

#include <string.h>

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
