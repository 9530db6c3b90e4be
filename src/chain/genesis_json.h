/* Internal (not installed): the cJSON-level readers behind genesis_from_text and
 * genesis_load_file (ethc/genesis.h), for the library, the CLI and the tests. The
 * public API takes JSON text only, so it does not depend on cJSON's headers. */
#ifndef ETHC_SRC_CHAIN_GENESIS_JSON_H
#define ETHC_SRC_CHAIN_GENESIS_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ethc/chain_config.h"
#include "ethc/header.h"
#include "ethc/state.h"

/* Reads a geth-style `config` object (homesteadBlock, ..., shanghaiTime, ...,
 * terminalTotalDifficulty, blobSchedule). Unknown keys are ignored. On a
 * malformed value returns ETHC_ERR_JSON and writes the field's name to `err`. */
int chain_config_from_json(const cJSON *config, chain_config_t *out, char *err, size_t errlen);

/* Reads a whole genesis.json document: fills `config`, writes the allocation into
 * `state` (committed) and builds `header` (state root included). On a malformed
 * field returns ETHC_ERR_JSON with the field named in `err`. */
int genesis_from_json(const cJSON *doc, chain_config_t *config, state_t *state, chain_header_t *header, char *err,
                      size_t errlen);

/* Writes only an allocation object ({address: {balance, nonce, code, storage}}, the
 * "alloc" of a genesis.json) into `state` and commits it; ETHC_ERR_JSON with the
 * field named in `err` when malformed. */
int genesis_alloc_from_json(const cJSON *alloc, state_t *state, char *err, size_t errlen);

#endif
