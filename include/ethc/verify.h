/* Verification of execution data from an untrusted source (an --execution-rpc
 * server) against the roots of a trusted header: EIP-1186 account and storage
 * proofs (eth_getProof), contract code against its code hash, block receipts
 * against the receipts root (and their blooms against the header's logsBloom),
 * and raw transactions against the transactions root (Yellow Paper 4.3, 4.4.1,
 * appendix D). No networking: callers fetch, these functions only check.
 *
 * Every function is pure (no global state) and may be called from any thread.
 * Each returns 0 when the data is proven, or:
 *   ETHC_ERR_INVALID  a check failed: the data is not what the root commits to;
 *   ETHC_ERR_JSON     the JSON lacks a field or has one of the wrong form;
 *   ETHC_ERR_NOMEM    out of memory.
 * On failure, err (optional, may be NULL) names the check that failed, e.g.
 * "account proof: hash mismatch" or "balance: the JSON claims 0x77, the proof
 * shows 0x76". */
#ifndef ETHC_VERIFY_H
#define ETHC_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* Why a verification failed: a NUL-terminated English message. */
typedef struct {
  char msg[200];
} verify_err_t;

/* An account as the state trie holds it. exists is false when the proof shows
 * the address absent; the other fields are then those of an empty account
 * (nonce 0, balance 0, empty storage root, code hash of empty code). */
typedef struct {
  bool exists;
  uint64_t nonce;
  u256_t balance;
  ethc_hash_t storage_root;
  ethc_hash_t code_hash;
} verify_account_t;

/* Proves the account at `address` in the state trie with root `state_root` from
 * its proof nodes (RLP, root first, as eth_getProof's accountProof). *out gets
 * the account, or an empty one with exists = false when the proof shows the
 * address absent. ETHC_ERR_INVALID for a bad proof or a malformed account. */
int verify_account_proof(const ethc_hash_t *state_root, const ethc_address_t *address, const bytes_view_t *nodes,
                         size_t count, verify_account_t *out, verify_err_t *err);

/* Proves storage slot `slot` (32 bytes, big-endian) in the storage trie with
 * root `storage_root`. *value gets the slot's value, 0 when the proof shows the
 * slot absent. ETHC_ERR_INVALID for a bad proof or a malformed stored value. */
int verify_storage_proof(const ethc_hash_t *storage_root, const uint8_t slot[32], const bytes_view_t *nodes,
                         size_t count, u256_t *value, verify_err_t *err);

/* 0 when keccak256(code) is code_hash, otherwise ETHC_ERR_INVALID. */
int verify_code(const ethc_hash_t *code_hash, const uint8_t *code, size_t len, verify_err_t *err);

/* One proven storage slot. */
typedef struct {
  uint8_t slot[32];
  u256_t value;
} verify_slot_t;

/* A proven eth_getProof answer. slots is malloc'ed (free with
 * verify_proof_result_free), in the order of the JSON's storageProof. */
typedef struct {
  ethc_address_t address;
  verify_account_t account;
  verify_slot_t *slots;
  size_t slot_count;
} verify_proof_result_t;

/* Checks a whole eth_getProof result object (EIP-1186: address, accountProof,
 * balance, codeHash, nonce, storageHash, storageProof[{key, value, proof}])
 * against state_root: the account proof, every storage proof against the
 * proven storage root, and that every field the JSON claims equals the proven
 * one. When `address` is not NULL the JSON's address must be it. For an absent
 * account, a zero codeHash and storageHash are accepted as well as the empty
 * ones (clients differ). *out (needs no initialisation) is filled only on
 * success; on failure it is empty and needs no free. */
int verify_get_proof_json(const ethc_hash_t *state_root, const ethc_address_t *address, const struct cJSON *result,
                          verify_proof_result_t *out, verify_err_t *err);
void verify_proof_result_free(verify_proof_result_t *r);

/* Checks the receipts of one block, as eth_getBlockReceipts returns them (a
 * JSON array in transaction order), against receipts_root: each receipt is
 * re-encoded (EIP-2718 type, EIP-658 status or pre-Byzantium root, cumulative
 * gas, bloom, logs) and the root of the list must equal receipts_root. Also
 * checked: transactionIndex i at position i, each receipt's logsBloom is the
 * bloom of its logs, log indexes count up from 0 across the block and, when
 * header_bloom is not NULL, the OR of the receipt blooms is the header's
 * logsBloom. Together these make the logs of the block complete: a log filter
 * can skip a block whose header bloom does not match and trust the verified
 * receipts of the others. */
int verify_receipts_json(const ethc_hash_t *receipts_root, const uint8_t *header_bloom, const struct cJSON *receipts,
                         verify_err_t *err);

/* True when a logs bloom (a header's or a receipt's) may hold an item: a log's
 * 20-byte address or a 32-byte topic (Yellow Paper 4.4.1, M3:2048). False means
 * certainly not, so a log filter may skip a block whose verified header bloom
 * lacks every address (or every topic) it asks for; true may be a false
 * positive, and the block's verified receipts then give its logs. */
bool verify_bloom_may_contain(const uint8_t bloom[256], const uint8_t *item, size_t len);

/* The same for receipts already encoded as the receipts trie holds them
 * (debug_getRawReceipts: typed receipts are type byte || RLP). */
int verify_receipts_raw(const ethc_hash_t *receipts_root, const bytes_view_t *receipts, size_t count,
                        verify_err_t *err);

/* Checks raw transactions (EIP-2718 envelopes as debug_getRawTransaction or a
 * block body hold them, in block order) against transactions_root. */
int verify_transactions(const ethc_hash_t *transactions_root, const bytes_view_t *txs, size_t count, verify_err_t *err);

#ifdef __cplusplus
}
#endif

#endif
