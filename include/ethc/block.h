/* Blocks (Yellow Paper 4.3-4.4): body decoding (transactions, ommers, EIP-4895
 * withdrawals), the transactions/withdrawals roots and ommers hash, and receipts
 * (EIP-658 status, EIP-2718 typed envelopes) with their logs bloom and root. */
#ifndef ETHC_BLOCK_H
#define ETHC_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/header.h"
#include "ethc/state.h"
#include "ethc/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint64_t index;
  uint64_t validator_index;
  ethc_address_t address;
  uint64_t amount_gwei;
} chain_withdrawal_t;

/* A decoded block. Transactions own their arrays (block_free releases all). */
typedef struct {
  chain_header_t header;
  tx_t *txs;
  bytes_view_t *tx_encodings; /* canonical encoding of each tx, borrowed from the input */
  size_t tx_count;
  chain_header_t *ommers;
  size_t ommer_count;
  bytes_view_t ommers_rlp; /* the raw ommers list (hashed for the ommers hash) */
  bool has_withdrawals;
  chain_withdrawal_t *withdrawals;
  bytes_view_t *withdrawal_encodings;
  size_t withdrawal_count;
} chain_block_t;

/* Decodes rlp([header, transactions, ommers]) or rlp([header, transactions, ommers,
 * withdrawals]) spanning all of the input. The input must outlive the block (the
 * encodings point into it). 0 or an ETHC_ERR_* code (the block is then empty). */
int block_decode(const uint8_t *rlp, size_t len, chain_block_t *b);
void block_free(chain_block_t *b);

int block_tx_root(const chain_block_t *b, ethc_hash_t *out);
int block_withdrawals_root(const chain_block_t *b, ethc_hash_t *out);
void block_ommers_hash(const chain_block_t *b, ethc_hash_t *out);

/* ---- receipts ---- */
typedef struct {
  tx_type_t type;
  bool has_post_state; /* before Byzantium: the intermediate state root */
  ethc_hash_t post_state;
  bool status; /* from Byzantium (EIP-658) */
  uint64_t cumulative_gas_used;
  uint8_t bloom[256];
  const state_log_t *logs;
  size_t log_count;
} chain_receipt_t;

/* ORs the bloom bits of one log (address and topics) into `bloom`. */
void bloom_add_log(uint8_t bloom[256], const state_log_t *log);
/* Computes r->bloom from r->logs. */
void receipt_compute_bloom(chain_receipt_t *r);
/* Appends the receipt as stored in the receipts trie: rlp([status or post state,
 * cumulative gas, bloom, logs]), prefixed by the type byte for typed receipts. */
int receipt_encode(const chain_receipt_t *r, bytes_buf_t *out);
int receipts_root(const chain_receipt_t *receipts, size_t n, ethc_hash_t *out);

#ifdef __cplusplus
}
#endif

#endif
