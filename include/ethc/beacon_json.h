/* Decoding the beacon REST API's light-client responses (ethereum/beacon-APIs,
 * /eth/v1/beacon/light_client/{bootstrap/{root}, updates, finality_update,
 * optimistic_update}) into the containers of beacon_types.h.
 *
 * Each response is {"version": FORK, "data": CONTAINER} (updates: a list of them):
 * `version` names the fork ("altair".."fulu", which fixes the light-client header's
 * shape and the Merkle branch depths), integers are decimal strings, byte strings
 * 0x-hex of exactly their size, Merkle branches lists of exactly their depth, a
 * sync committee exactly `committee_size` keys (512 mainnet, 32 minimal) and its
 * participation bits committee_size / 8 bytes. Unknown extra fields are ignored.
 *
 * Every decoder returns 0, or an error code (ETHC_ERR_JSON: malformed or missing
 * or mistyped field; ETHC_ERR_HEX: bad hex or wrong byte count; ETHC_ERR_OVERFLOW:
 * a number too large; ETHC_ERR_UNSUPPORTED: an unknown or pre-Altair fork;
 * ETHC_ERR_LIMIT: too many updates; ETHC_ERR_NOMEM) with a one-line message in err
 * naming the field by its path ("data.sync_aggregate.sync_committee_bits: expected
 * 64 bytes, got 63"). `text` need not be NUL-terminated. On failure *out is
 * zeroed. Pure functions of their input: thread-safe. */
#ifndef ETHC_BEACON_JSON_H
#define ETHC_BEACON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "ethc/beacon_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most updates one `updates` response may hold (the API's
 * MAX_REQUEST_LIGHT_CLIENT_UPDATES). */
#define BEACON_JSON_MAX_UPDATES 128

/* GET .../bootstrap/{block_root}. */
int beacon_json_bootstrap(const char *text, size_t len, uint32_t committee_size, beacon_lc_bootstrap_t *out, char *err,
                          size_t errlen);

/* GET .../updates?start_period&count: *out is a malloc'd array of *count updates
 * (free it; NULL when the list is empty). */
int beacon_json_updates(const char *text, size_t len, uint32_t committee_size, beacon_lc_update_t **out, size_t *count,
                        char *err, size_t errlen);

/* One {"version", "data"} element of an updates list. */
int beacon_json_update(const char *text, size_t len, uint32_t committee_size, beacon_lc_update_t *out, char *err,
                       size_t errlen);

/* GET .../finality_update. */
int beacon_json_finality_update(const char *text, size_t len, uint32_t committee_size, beacon_lc_finality_update_t *out,
                                char *err, size_t errlen);

/* GET .../optimistic_update. */
int beacon_json_optimistic_update(const char *text, size_t len, uint32_t committee_size,
                                  beacon_lc_optimistic_update_t *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
