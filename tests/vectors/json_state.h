/* JSON helpers shared by the vector runners: integers, addresses and words as the
 * official tests write them, and a world state (accounts with balance, nonce, code
 * and storage) from a "pre" / "postState" / "alloc" object. */
#ifndef ETHC_JSON_STATE_H
#define ETHC_JSON_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "ethc/header.h"
#include "ethc/state.h"
#include "ethc/types.h"
#include "ethc/u256.h"

/* Hex or decimal integer (the fillers' "0x:bigint " prefix allowed); false when
 * malformed or >= 2^256. */
bool jstate_parse_u256(const char *s, u256_t *out);
bool jstate_u256(const cJSON *obj, const char *key, u256_t *out);
bool jstate_u64(const cJSON *obj, const char *key, uint64_t *out);
bool jstate_parse_addr(const char *s, ethc_address_t *out);
/* A 32-byte value that may be written with fewer digits. */
bool jstate_parse_word(const char *s, ethc_hash_t *out);
/* Exactly 32 bytes of hex. */
bool jstate_parse_hash(const char *s, ethc_hash_t *out);

/* Adds the accounts of `obj` ({address: {balance, nonce, code, storage}}) to `st`
 * and commits (without EIP-161 clearing), with genesis_alloc_from_json. NULL or
 * what was bad (the field named; a buffer of the calling thread's). */
const char *jstate_load(state_t *st, const cJSON *obj);

/* Compares `st` with the accounts of `obj`; NULL when equal, otherwise writes the
 * first difference to `msg` and returns it. */
const char *jstate_diff(state_t *st, const cJSON *obj, char *msg, size_t len);

/* A block header from its JSON form (the blockchain tests' blockHeader /
 * genesisBlockHeader). NULL or the name of the bad field. */
const char *jstate_header(const cJSON *obj, chain_header_t *h);

#endif
