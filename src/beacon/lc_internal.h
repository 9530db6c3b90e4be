/* Internal to src/beacon: helpers shared by the light-client files. */
#ifndef ETHC_BEACON_LC_INTERNAL_H
#define ETHC_BEACON_LC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/beacon_types.h"

/* FastAggregateVerify of `sig` over `signing_root` by the members of committee `c`
 * (of `n` keys) whose bit is set in `bits`. Returns 0 with *ok the answer, or
 * ETHC_ERR_INVALID when no member signed or a participant's key or the signature
 * does not decode. Thread-safe (per-thread scratch). */
int lc_verify_sync_signature(const beacon_sync_committee_t *c, uint32_t n, const uint8_t *bits,
                             const uint8_t signing_root[32], const uint8_t sig[96], bool *ok);

#endif
