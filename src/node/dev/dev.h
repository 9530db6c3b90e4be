/* The local development chain of `ethc node --dev` (anvil's and hardhat's
 * defaults): its genesis (chain id 31337, every fork through Osaka and the
 * mainnet blob schedule at block 0, funded accounts derived from a BIP-39
 * mnemonic, the system contracts and the CREATE2 deployer), the data directory
 * that holds it (made on first start, checked on the next), a temporary one
 * for --dev.ephemeral, and the banner printed at start. Not thread-safe: the
 * CLI calls these once before the node runs. */
#ifndef ETHC_NODE_DEV_H
#define ETHC_NODE_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ethc/node.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#define DEV_CHAIN_ID 31337
#define DEV_GAS_LIMIT 30000000ULL
#define DEV_ACCOUNTS 10
#define DEV_MAX_ACCOUNTS 1000
#define DEV_BALANCE_ETH 10000
#define DEV_MNEMONIC "test test test test test test test test test test test junk"
#define DEV_PATH_PREFIX "m/44'/60'/0'/0/"   /* BIP-44 Ethereum path, account i appended */
#define DEV_GENESIS_FILE "dev-genesis.json" /* inside the data directory */

typedef struct {
  u256_t chain_id;
  uint64_t gas_limit;
  unsigned accounts; /* 1..DEV_MAX_ACCOUNTS */
  u256_t balance;    /* wei of each account */
  const char *mnemonic;
  uint64_t timestamp; /* the genesis block's time */
} dev_genesis_opts_t;

/* A funded account: its address and secret key. */
typedef node_dev_account_t dev_account_t;

/* A pre-deployed contract of the genesis (dev_contracts.c). */
typedef struct {
  const char *name, *address; /* address: 0x-hex */
  uint64_t nonce;
  const char *code; /* runtime code, 0x-hex */
} dev_contract_t;
extern const dev_contract_t dev_contracts[]; /* ends with a NULL name */

/* anvil's defaults (above), with the current time as the genesis time. */
void dev_genesis_defaults(dev_genesis_opts_t *o);

/* Accounts 0..n-1 of `mnemonic` (BIP-39 seed without passphrase, BIP-32 path
 * DEV_PATH_PREFIX i) into out[n]. 0, or ETHC_ERR_INVALID / ETHC_ERR_NOMEM. */
int dev_accounts_derive(const char *mnemonic, unsigned n, dev_account_t *out);

/* The geth-style genesis.json of the chain (`accts` holds o->accounts
 * accounts), as text `ethc init` reads: malloc'd (free it), NULL when out of
 * memory. The same options give the same text. */
char *dev_genesis_json(const dev_genesis_opts_t *o, const dev_account_t *accts);

/* Makes `dir` (and its parents) hold the dev chain's genesis file and returns
 * its path in `path` (for chain_open's genesis_path). A first start writes the
 * file; later starts take its time and must describe the same chain, else
 * ETHC_ERR_INVALID with the fix in `err` (another chain id; other accounts,
 * balance or gas limit). ETHC_ERR_IO when `dir` cannot be made or written. */
int dev_datadir_prepare(const char *dir, dev_genesis_opts_t *o, const dev_account_t *accts, char *path, size_t pathlen,
                        char *err, size_t errlen);

/* Writes text to `file` (replacing it): 0 or ETHC_ERR_IO with a message. */
int dev_write_file(const char *file, const char *text, char *err, size_t errlen);

/* A new empty directory under $TMPDIR (else /tmp): 0 with its path, or ETHC_ERR_IO. */
int dev_tempdir(char *path, size_t pathlen, char *err, size_t errlen);
/* Removes `path` and everything below it (symlinks are not followed). 0 or ETHC_ERR_IO. */
int dev_remove_tree(const char *path);

/* The default data directory: $XDG_DATA_HOME/ethc/dev, else
 * $HOME/.local/share/ethc/dev (a static buffer). */
const char *dev_default_datadir(void);

/* The RPC server's view of the accounts (rpc/accounts.h): NULL when out of memory. */
struct rpc_accounts *dev_rpc_accounts(const dev_account_t *accts, size_t n);

/* anvil's start-up listing: the accounts with their balance, their private
 * keys, the mnemonic and path, chain id, gas limit and base fee. */
void dev_print_banner(FILE *f, const dev_genesis_opts_t *o, const dev_account_t *accts, const char *datadir,
                      bool ephemeral);
/* The lines after the endpoint is known: one curl command to try it. */
void dev_print_ready(FILE *f, const char *url);

#endif
