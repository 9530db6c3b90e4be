/* The genesis blocks of the built-in networks (mainnet, sepolia, holesky,
 * hoodi) as the eth protocol needs them when the database stores none (a light
 * node, chain_light.h): the genesis hash and timestamp (EIP-2124 fork ids) and
 * difficulty (eth/68's total difficulty at genesis), and the network id.
 * Values from go-ethereum's params (genesis hashes) and core/genesis.go.
 * Implementation: src/chain/chain_genesis_builtin.c. */
#ifndef ETHC_CHAIN_GENESIS_BUILTIN_H
#define ETHC_CHAIN_GENESIS_BUILTIN_H

#include <stdbool.h>
#include <stdint.h>

#include "ethc/chain.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  const char *network; /* chain_config_builtin's name */
  uint64_t network_id; /* the eth protocol's network id (= chain id here) */
  ethc_hash_t hash;
  uint64_t timestamp;
  u256_t difficulty;
} chain_genesis_builtin_t;

/* The built-in network `name`'s genesis, or NULL when it has none. Static
 * data: thread-safe, never freed. */
const chain_genesis_builtin_t *chain_genesis_builtin(const char *name);

/* A chain's genesis as Status and fork ids see it: the stored block 0 (hash,
 * timestamp, difficulty) when the database has one, else the built-in table
 * entry of the chain config's network (a light database). 0, ETHC_ERR_NOT_FOUND
 * (no stored genesis and no built-in one), or a local read error. Any thread. */
typedef struct {
  ethc_hash_t hash;
  uint64_t timestamp;
  u256_t difficulty;
  bool builtin; /* from the table, not the database */
} chain_genesis_info_t;
int chain_genesis_info(chain_t *c, chain_genesis_info_t *out) ETHC_MUST_USE;

#ifdef __cplusplus
}
#endif

#endif
