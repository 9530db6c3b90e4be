/* libFuzzer harness for the saved light-client store's decoder
 * (src/beacon/lc_persist.c, lc_persist_decode). Input: one byte choosing the
 * network (mainnet's 512-key or a minimal-preset 32-key config), then a record
 * without its trailing checksum: the harness appends the right sha256 so that the
 * decoder's parsing is reached, not only its checksum. Decoding must never crash,
 * return 0 (with a header that is_valid_light_client_header accepts) or
 * ETHC_ERR_INVALID. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/hash.h"
#include "ethc/lc_persist.h"

static lc_store_t store;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > (1u << 16)) return 0;
  beacon_config_t minimal = *beacon_config_by_name("mainnet");
  minimal.preset = &beacon_preset_minimal;
  const beacon_config_t *c = data[0] & 1 ? &minimal : beacon_config_by_name("mainnet");
  size_t n = size - 1;
  uint8_t *v = malloc(n + 32);
  if (!v) return 0;
  if (n) memcpy(v, data + 1, n);
  (void)hash_sha256(v, n, v + n);
  const char *why = NULL;
  int rc = lc_persist_decode(c, v, n + 32, &store, &why);
  if (rc != 0 && rc != ETHC_ERR_INVALID) abort();
  if (rc == 0 && !lc_header_is_valid(c, &store.finalized_header)) abort();
  free(v);
  return 0;
}
