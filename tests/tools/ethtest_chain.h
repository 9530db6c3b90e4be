/* The test chain a conformance run checks answers against (the files of
 * go-ethereum's cmd/devp2p/internal/ethtest/testdata, here
 * ../shared/chains/ethtest): genesis.json, chain.rlp (blocks 1..N),
 * headstate.json (the accounts at the head, with storage and code). Loaded
 * once; read-only afterwards. */
#ifndef ETHTEST_CHAIN_H
#define ETHTEST_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/chain_config.h"
#include "ethc/forkid.h"
#include "ethc/header.h"
#include "ethc/types.h"
#include "ethc/u256.h"

typedef struct {
  ethc_hash_t key; /* keccak(address) */
  uint8_t address[20];
  bytes_buf_t slim;      /* snap's slim account RLP */
  bytes_buf_t full;      /* the trie's account RLP */
  ethc_hash_t code_hash; /* keccak of code */
  bool has_code, has_storage;
  ethc_hash_t storage_root;
} et_account_t;

/* A funded account of accounts.json, with its pending nonce (tracked by the
 * cases that send transactions, as go-ethereum's Chain.IncNonce does). */
typedef struct {
  uint8_t address[20];
  uint8_t key[32];
  uint64_t nonce;
  u256_t balance;
} et_sender_t;

typedef struct {
  size_t n;                 /* blocks 0..n-1 (0: genesis) */
  ethc_hash_t *hash;        /* block hashes */
  chain_header_t *header;   /* decoded headers */
  bytes_view_t *header_rlp; /* raw header RLP (into `raw`; genesis: re-encoded) */
  size_t *tx_count;
  uint8_t *raw;
  bytes_buf_t genesis_rlp;
  chain_config_t config;
  forkid_schedule_t forks;
  et_account_t *acc; /* sorted by key */
  size_t n_acc;
  ethc_hash_t head_root; /* headstate.json's root */
  et_sender_t *senders;  /* accounts.json, sorted by address */
  size_t n_senders;
  bool has_large_receipt_block; /* txinfo.json's "tx-largereceipt": a block whose receipts pass 10 MiB */
  uint64_t large_receipt_block;
} et_chain_t;

/* Loads DIR/{genesis.json,chain.rlp,headstate.json,accounts.json} and, when
 * present, txinfo.json. 0 or -1 (why in err). */
int et_chain_load(et_chain_t *c, const char *dir, char *err, size_t errlen);
void et_chain_free(et_chain_t *c);
/* The fork id at the head. */
forkid_t et_chain_forkid(const et_chain_t *c);
/* The account with address `addr` (20 bytes), or NULL. */
const et_account_t *et_chain_account(const et_chain_t *c, const uint8_t addr[20]);

#endif
