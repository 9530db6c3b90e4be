/* Names of the consensus-layer forks (beacon_types.h), as the beacon REST API's
 * "version" field and the consensus-specs folders spell them. */
#include <strings.h>

#include "ethc/beacon_types.h"

static const char *const names[BEACON_FORK_COUNT] = {"phase0", "altair",  "bellatrix", "capella",
                                                     "deneb",  "electra", "fulu"};

const char *beacon_fork_name(beacon_fork_t f) { return (unsigned)f < BEACON_FORK_COUNT ? names[f] : NULL; }

bool beacon_fork_from_name(const char *name, beacon_fork_t *out) {
  if (!name) return false;
  for (unsigned i = 0; i < BEACON_FORK_COUNT; i++) {
    if (strcasecmp(name, names[i]) == 0) {
      *out = (beacon_fork_t)i;
      return true;
    }
  }
  return false;
}
