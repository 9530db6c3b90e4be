/* Block headers of every fork (Yellow Paper 4.3; EIP-1559 base fee, EIP-4895
 * withdrawals root, EIP-4844 blob gas, EIP-4788 parent beacon root, EIP-7685
 * requests hash): the typed value, its RLP codec and its hash. */
#ifndef ETHC_HEADER_H
#define ETHC_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HEADER_MAX_EXTRA 1024 /* decoding limit; validity rules cap it at 32 */

typedef struct {
  ethc_hash_t parent_hash;
  ethc_hash_t ommers_hash;
  ethc_address_t coinbase;
  ethc_hash_t state_root;
  ethc_hash_t tx_root;
  ethc_hash_t receipts_root;
  uint8_t bloom[256];
  u256_t difficulty;
  uint64_t number;
  uint64_t gas_limit;
  uint64_t gas_used;
  uint64_t timestamp;
  uint8_t extra[HEADER_MAX_EXTRA];
  size_t extra_len;
  ethc_hash_t mix_hash; /* prevRandao after the merge (EIP-4399) */
  uint8_t nonce[8];
  /* Optional trailing fields, present from the fork that introduced them. Each
   * requires all the earlier ones. */
  bool has_base_fee; /* London */
  u256_t base_fee;
  bool has_withdrawals_root; /* Shanghai */
  ethc_hash_t withdrawals_root;
  bool has_blob_gas; /* Cancun: blob gas used and excess blob gas */
  uint64_t blob_gas_used;
  uint64_t excess_blob_gas;
  bool has_parent_beacon_root; /* Cancun */
  ethc_hash_t parent_beacon_root;
  bool has_requests_hash; /* Prague */
  ethc_hash_t requests_hash;
} chain_header_t;

/* Decodes a header from one RLP list spanning all of the input: 15 fields and up to
 * 6 optional ones. Returns 0 or an ETHC_ERR_RLP_* / ETHC_ERR_OVERFLOW code. */
int header_decode(const uint8_t *rlp, size_t len, chain_header_t *h);
/* Decodes from an already-decoded RLP list item (e.g. inside a block). */
int header_decode_item(const void *rlp_item, chain_header_t *h);
/* Appends the RLP encoding. */
int header_encode(const chain_header_t *h, bytes_buf_t *out);
/* keccak256 of the RLP encoding: the block hash. */
int header_hash(const chain_header_t *h, ethc_hash_t *out);
/* keccak256 of the RLP without mix hash and nonce: what Ethash seals. */
int header_seal_hash(const chain_header_t *h, ethc_hash_t *out);
uint64_t header_nonce_u64(const chain_header_t *h);

/* keccak256(rlp([])): the ommers hash of a block without ommers. */
extern const ethc_hash_t HEADER_EMPTY_OMMERS_HASH;
/* keccak256(rlp("")): the root of an empty trie. */
extern const ethc_hash_t HEADER_EMPTY_TRIE_ROOT;

#ifdef __cplusplus
}
#endif

#endif
