/* Chain configurations: the fork schedule by block number (Frontier..Gray Glacier)
 * and by timestamp (Shanghai..BPO2, EIP-7892), the merge (EIP-3675 terminal total
 * difficulty), the EIP-7840 blob schedule, built-in mainnet / sepolia / holesky /
 * hoodi values, and geth-style genesis.json `config` sections. */
#ifndef ETHC_CHAIN_CONFIG_H
#define ETHC_CHAIN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/difficulty.h"
#include "ethc/evm.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CHAIN_NEVER UINT64_MAX

typedef enum {
  /* activated by block number */
  FORK_HOMESTEAD = 0,
  FORK_DAO,
  FORK_TANGERINE_WHISTLE, /* eip150Block */
  FORK_SPURIOUS_DRAGON,   /* eip155Block / eip158Block */
  FORK_BYZANTIUM,
  FORK_CONSTANTINOPLE,
  FORK_PETERSBURG,
  FORK_ISTANBUL,
  FORK_MUIR_GLACIER,
  FORK_BERLIN,
  FORK_LONDON,
  FORK_ARROW_GLACIER,
  FORK_GRAY_GLACIER,
  FORK_MERGE_NETSPLIT, /* mergeNetsplitBlock: first block known to be after the merge */
  /* activated by timestamp */
  FORK_SHANGHAI,
  FORK_CANCUN,
  FORK_PRAGUE,
  FORK_OSAKA,
  FORK_BPO1,
  FORK_BPO2,
  FORK_BPO3,
  FORK_BPO4,
  FORK_BPO5,
  FORK_COUNT
} chain_fork_t;

#define FORK_FIRST_TIMED FORK_SHANGHAI

/* EIP-7840 blob parameters of one fork. */
typedef struct {
  uint64_t target;
  uint64_t max;
  uint64_t update_fraction;
} chain_blob_schedule_t;

typedef struct {
  char name[32];
  u256_t chain_id;
  /* Activation block (forks before FORK_FIRST_TIMED) or time (the others);
   * CHAIN_NEVER when not scheduled. */
  uint64_t activation[FORK_COUNT];
  bool dao_fork_support;
  bool has_ttd;
  u256_t terminal_total_difficulty;
  chain_blob_schedule_t blob[FORK_COUNT]; /* meaningful for Cancun and later */
  bool has_deposit_contract;
  ethc_address_t deposit_contract;
} chain_config_t;

/* A built-in network: "mainnet", "sepolia", "holesky", "hoodi"; NULL otherwise. */
const chain_config_t *chain_config_builtin(const char *name);

/* The geth genesis.json key of fork f's activation ("homesteadBlock", ...,
 * "bpo5Time"; eip158Block for Spurious Dragon), and its blobSchedule key
 * ("cancun", ...; NULL before Cancun). Static strings; NULL for a bad f. */
const char *chain_config_fork_key(chain_fork_t f);
const char *chain_config_blob_key(chain_fork_t f);

/* Reads the text (`len` bytes, need not be NUL-terminated) of a geth-style genesis
 * `config` object (homesteadBlock, ..., shanghaiTime, ..., terminalTotalDifficulty,
 * blobSchedule) into `out`; unknown keys are ignored. Returns 0, or ETHC_ERR_JSON
 * with "malformed JSON" or the malformed field's name ("config.londonBlock") in
 * `err` (`out` is then unspecified). Nothing is retained; thread-safe for distinct
 * `out`. genesis_from_text (genesis.h) reads a whole genesis.json. */
int chain_config_from_text(const char *text, size_t len, chain_config_t *out, char *err, size_t errlen);

/* Whether a fork is active for a block (number, timestamp). */
bool chain_fork_active(const chain_config_t *c, chain_fork_t f, uint64_t number, uint64_t timestamp);
/* The EVM revision for a block. `post_merge`: the block is a proof-of-stake block
 * (the caller knows from the total difficulty or mergeNetsplitBlock). */
evm_revision_t chain_config_revision(const chain_config_t *c, uint64_t number, uint64_t timestamp, bool post_merge);
/* The proof-of-work difficulty rules (formula and bomb delay) at a block number. */
difficulty_rules_t chain_config_difficulty_rules(const chain_config_t *c, uint64_t number);
/* Blob parameters in force at a timestamp (zeros before Cancun). */
chain_blob_schedule_t chain_config_blob_params(const chain_config_t *c, uint64_t timestamp);

#ifdef __cplusplus
}
#endif

#endif
