/* A world state as JSON in go-ethereum's dump style (`evm run --dump`, `geth dump`):
 * {"root": "0x..", "accounts": {"0xADDR": {"balance": "DECIMAL", "nonce": N,
 * "root": "0x..", "codeHash": "0x..", "code": "0x..", "storage": {"0xKEY": "0xVALUE"}}}}
 * with accounts sorted by address, slots by key, keys and values as 32-byte hex,
 * "code" and "storage" left out when empty. Used by `ethc run --dump` and
 * `ethc test state --dump`. */
#ifndef ETHC_CLI_STATE_DUMP_H
#define ETHC_CLI_STATE_DUMP_H

#include <cjson/cJSON.h>

#include "ethc/state.h"

/* The dump object of `st` (which must be at a committed point), or NULL when out of
 * memory. The caller owns it (cJSON_Delete). */
cJSON *cli_state_dump(state_t *st);

/* `j` as indented JSON text (two spaces per level, "key": value), malloc'd; NULL
 * when out of memory. */
char *cli_json_print(const cJSON *j);

#endif
