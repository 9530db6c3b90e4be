/* Genesis blocks from geth-style genesis.json files: the chain config, the
 * allocation (balances, nonces, code, storage) and the genesis header with the
 * fields of the forks active at block 0 (EIP-1559, EIP-4895, EIP-4844, EIP-4788,
 * EIP-7685 defaults). */
#ifndef ETHC_GENESIS_H
#define ETHC_GENESIS_H

#include <cjson/cJSON.h>

#include "ethc/chain_config.h"
#include "ethc/header.h"
#include "ethc/state.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a whole genesis.json document: fills `config`, writes the allocation into
 * `state` (committed) and builds `header` (state root included). On a malformed
 * field returns ETHC_ERR_JSON with the field named in `err`. */
int genesis_from_json(const cJSON *doc, chain_config_t *config, state_t *state, chain_header_t *header, char *err,
                      size_t errlen);
/* The same from the text of a genesis.json; every error message starts with
 * `name` (the file): "NAME:LINE:COLUMN: malformed JSON" or "NAME: FIELD...". */
int genesis_from_text(const char *text, size_t len, const char *name, chain_config_t *config, state_t *state,
                      chain_header_t *header, char *err, size_t errlen);
/* Writes only an allocation object ({address: {balance, nonce, code, storage}}, the
 * "alloc" of a genesis.json) into `state` and commits it; ETHC_ERR_JSON with the
 * field named in `err` when malformed. */
int genesis_alloc_from_json(const cJSON *alloc, state_t *state, char *err, size_t errlen);
/* The same from a file path (ETHC_ERR_IO when unreadable). */
int genesis_load_file(const char *path, chain_config_t *config, state_t *state, chain_header_t *header, char *err,
                      size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
