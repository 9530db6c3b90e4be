/* The snap/1 protocol (devp2p caps/snap.md): its eight messages, the server
 * side answering them from the stored state tries and code, and the checks
 * a requester applies to AccountRange / StorageRanges answers (range proofs,
 * include/ethc/trie_range.h). Implementation: src/p2p/snap_msg.c (codecs),
 * src/p2p/snap_serve.c (server and checks).
 *
 * Decoding is strict, as for the eth messages (eth_wire.h): ETHC_ERR_RLP_*,
 * ETHC_ERR_OVERFLOW, ETHC_ERR_LIMIT (a list over SNAP_MAX_LIST_ITEMS),
 * ETHC_ERR_INVALID, ETHC_ERR_NOMEM; never a crash. Decoded messages borrow
 * from the payload and own their arrays (free with the _free functions, safe
 * on zeroed or failed messages). All functions are reentrant. */
#ifndef ETHC_SNAP_WIRE_H
#define ETHC_SNAP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  SNAP_MSG_GET_ACCOUNT_RANGE = 0x00,
  SNAP_MSG_ACCOUNT_RANGE = 0x01,
  SNAP_MSG_GET_STORAGE_RANGES = 0x02,
  SNAP_MSG_STORAGE_RANGES = 0x03,
  SNAP_MSG_GET_BYTE_CODES = 0x04,
  SNAP_MSG_BYTE_CODES = 0x05,
  SNAP_MSG_GET_TRIE_NODES = 0x06,
  SNAP_MSG_TRIE_NODES = 0x07,
  SNAP_MSG_COUNT = 0x08
};

/* Serving limits (geth's eth/protocols/snap): responses stop at the
 * requested byte size, capped at the soft limit; storage ranges may run 10%
 * over it before a range is cut; at most this many codes / trie nodes. */
#define SNAP_SOFT_RESPONSE_LIMIT (2u * 1024 * 1024)
#define SNAP_MAX_CODE_LOOKUPS 1024
#define SNAP_MAX_TRIE_NODE_LOOKUPS 1024
#define SNAP_MAX_LIST_ITEMS 65536

/* (hash, body) of an account (slim RLP) or a storage slot (RLP value). */
typedef struct {
  ethc_hash_t hash;
  bytes_view_t body;
} snap_entry_t;

/* GetAccountRange: [reqID, rootHash, startingHash, limitHash, responseBytes] */
typedef struct {
  uint64_t request_id;
  ethc_hash_t root, origin, limit;
  uint64_t bytes;
} snap_get_account_range_t;
int snap_get_account_range_encode(const snap_get_account_range_t *r, bytes_buf_t *out);
int snap_get_account_range_decode(const uint8_t *p, size_t n, snap_get_account_range_t *r);

/* AccountRange: [reqID, [[accHash, accBody], ...], proof] */
typedef struct {
  uint64_t request_id;
  snap_entry_t *accounts;
  size_t count;
  bytes_view_t *proof;
  size_t proof_count;
} snap_account_range_t;
int snap_account_range_encode(uint64_t request_id, const snap_entry_t *accounts, size_t count,
                              const bytes_view_t *proof, size_t proof_count, bytes_buf_t *out);
int snap_account_range_decode(const uint8_t *p, size_t n, snap_account_range_t *m);
void snap_account_range_free(snap_account_range_t *m);

/* GetStorageRanges: [reqID, rootHash, [accHash, ...], startingHash, limitHash, responseBytes];
 * an empty startingHash means 0x00..00, an empty limitHash 0xff..ff. */
typedef struct {
  uint64_t request_id;
  ethc_hash_t root;
  ethc_hash_t *accounts;
  size_t count;
  ethc_hash_t origin, limit;
  uint64_t bytes;
} snap_get_storage_ranges_t;
int snap_get_storage_ranges_encode(const snap_get_storage_ranges_t *r, bytes_buf_t *out);
int snap_get_storage_ranges_decode(const uint8_t *p, size_t n, snap_get_storage_ranges_t *r);
void snap_get_storage_ranges_free(snap_get_storage_ranges_t *r);

/* StorageRanges: [reqID, [[[slotHash, slotData], ...], ...], proof]: the
 * slots of account i are slots[offsets[i] .. offsets[i+1]). */
typedef struct {
  uint64_t request_id;
  snap_entry_t *slots;
  size_t slot_count;
  size_t *offsets; /* set_count + 1 entries */
  size_t set_count;
  bytes_view_t *proof;
  size_t proof_count;
} snap_storage_ranges_t;
int snap_storage_ranges_encode(const snap_storage_ranges_t *m, bytes_buf_t *out);
int snap_storage_ranges_decode(const uint8_t *p, size_t n, snap_storage_ranges_t *m);
void snap_storage_ranges_free(snap_storage_ranges_t *m);

/* GetByteCodes: [reqID, [codeHash, ...], bytes] */
typedef struct {
  uint64_t request_id;
  ethc_hash_t *hashes;
  size_t count;
  uint64_t bytes;
} snap_get_byte_codes_t;
int snap_get_byte_codes_encode(const snap_get_byte_codes_t *r, bytes_buf_t *out);
int snap_get_byte_codes_decode(const uint8_t *p, size_t n, snap_get_byte_codes_t *r);
void snap_get_byte_codes_free(snap_get_byte_codes_t *r);

/* ByteCodes: [reqID, [code, ...]] and TrieNodes: [reqID, [node, ...]] */
typedef struct {
  uint64_t request_id;
  bytes_view_t *blobs;
  size_t count;
} snap_blobs_t;
int snap_blobs_encode(uint64_t request_id, const bytes_view_t *blobs, size_t count, bytes_buf_t *out);
int snap_blobs_decode(const uint8_t *p, size_t n, snap_blobs_t *m);
void snap_blobs_free(snap_blobs_t *m);

/* GetTrieNodes: [reqID, rootHash, [[path, path, ...], ...], bytes]: the paths
 * of set i are paths[offsets[i] .. offsets[i+1]). A set of one path names an
 * account-trie node (compact-encoded path); a longer set names the account
 * (its 32-byte hash) and then nodes of its storage trie (compact paths). */
typedef struct {
  uint64_t request_id;
  ethc_hash_t root;
  bytes_view_t *paths;
  size_t path_count;
  size_t *offsets;
  size_t set_count;
  uint64_t bytes;
} snap_get_trie_nodes_t;
int snap_get_trie_nodes_encode(const snap_get_trie_nodes_t *r, bytes_buf_t *out);
int snap_get_trie_nodes_decode(const uint8_t *p, size_t n, snap_get_trie_nodes_t *r);
void snap_get_trie_nodes_free(snap_get_trie_nodes_t *r);

/* ---- accounts: the trie's RLP [nonce, balance, storageRoot, codeHash] and
 * snap's slim form (an empty storage root and the empty code hash as empty
 * strings). Append to out; ETHC_ERR_RLP_* / ETHC_ERR_INVALID for bad input. */
int snap_account_slim(bytes_view_t full, bytes_buf_t *out);
int snap_account_full(bytes_view_t slim, bytes_buf_t *out);

/* ---- the server: answers from the stored tries of `c` ----
 * Each appends a whole response payload to `out`; 0, or ETHC_ERR_NOMEM /
 * ETHC_ERR_IO / ETHC_ERR_INVALID (a damaged database). An unknown root
 * gives an empty response, as geth answers. Thread-safe (database reads). */
int snap_serve_account_range(chain_t *c, const snap_get_account_range_t *r, bytes_buf_t *out);
int snap_serve_storage_ranges(chain_t *c, const snap_get_storage_ranges_t *r, bytes_buf_t *out);
int snap_serve_byte_codes(chain_t *c, const snap_get_byte_codes_t *r, bytes_buf_t *out);
int snap_serve_trie_nodes(chain_t *c, const snap_get_trie_nodes_t *r, bytes_buf_t *out);
/* Decodes a request of `code`, answers it: *out_code the response code.
 * ETHC_ERR_UNSUPPORTED for a code that is not a request. */
int snap_serve(chain_t *c, unsigned code, const uint8_t *p, size_t n, unsigned *out_code, bytes_buf_t *out);

/* ---- the requester's checks ----
 * An AccountRange answering `req`: accounts ascending from req->origin, and
 * (converted to full RLP) proven by the proof against req->root. *more: the
 * trie has accounts after the last one. 0 or ETHC_ERR_INVALID (ETHC_ERR_NOMEM).
 * An empty answer without proof is accepted (the peer lacks the state) with
 * *more false. */
int snap_verify_account_range(const snap_get_account_range_t *req, const snap_account_range_t *m, bool *more);
/* One storage range of a StorageRanges answer: `slots` of the account with
 * storage root `storage_root`, from `origin`; `proof` is the answer's proof
 * for the last set (NULL/0 for complete sets). */
int snap_verify_storage_range(const ethc_hash_t *storage_root, const ethc_hash_t *origin, const snap_entry_t *slots,
                              size_t count, const bytes_view_t *proof, size_t proof_count, bool *more);

#ifdef __cplusplus
}
#endif

#endif
