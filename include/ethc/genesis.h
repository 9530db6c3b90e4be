/* Genesis blocks from geth-style genesis.json files: the chain config, the
 * allocation (balances, nonces, code, storage) and the genesis header with the
 * fields of the forks active at block 0 (EIP-1559, EIP-4895, EIP-4844, EIP-4788,
 * EIP-7685 defaults). */
#ifndef ETHC_GENESIS_H
#define ETHC_GENESIS_H

#include "ethc/chain_config.h"
#include "ethc/header.h"
#include "ethc/state.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads the text of a whole genesis.json (`len` bytes, need not be NUL-terminated):
 * fills `config`, writes the allocation into `state` (committed) and builds
 * `header` (state root included). Returns 0, ETHC_ERR_JSON when malformed (every
 * error message in `err` starts with `name`, the file: "NAME:LINE:COLUMN: malformed
 * JSON" or "NAME: FIELD..."), or ETHC_ERR_NOMEM. The caller owns every argument;
 * nothing is retained. Thread-safe for distinct `config`/`state`/`header`. */
int genesis_from_text(const char *text, size_t len, const char *name, chain_config_t *config, state_t *state,
                      chain_header_t *header, char *err, size_t errlen);
/* The same from a file path (ETHC_ERR_IO when unreadable). */
int genesis_load_file(const char *path, chain_config_t *config, state_t *state, chain_header_t *header, char *err,
                      size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
