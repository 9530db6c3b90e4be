/* The eth wire protocol's messages (devp2p caps/eth.md): eth/68, eth/69
 * (EIP-7642: Status with a block range and no total difficulty, receipts
 * without bloom, BlockRangeUpdate) and eth/70 (EIP-7975: receipt paging),
 * all requests and responses with eth/66 request ids; and the server side,
 * which answers a decoded request from the chain database.
 * Implementation: src/p2p/eth_msg*.c (codecs), src/p2p/eth_serve.c (server).
 *
 * Decoding is strict: every decoder takes one message payload (after the
 * message code, decompressed) and returns 0 or an error, never crashing on
 * any input:
 *   ETHC_ERR_RLP_*     malformed RLP, a field of the wrong type or size, a
 *                      list with the wrong number of items, trailing bytes
 *   ETHC_ERR_OVERFLOW  a number too large for its field
 *   ETHC_ERR_LIMIT     a list longer than ETH_MAX_LIST_ITEMS
 *   ETHC_ERR_INVALID   a value the protocol forbids (a transaction type byte
 *                      >= 0x80, announced types/sizes/hashes of unequal counts)
 *   ETHC_ERR_NOMEM
 * Decoded messages borrow from the payload (views into it), except the
 * arrays they hold, which the message owns: free each with its _free
 * function (safe on a zeroed or failed-to-decode message). Encoders append
 * the payload to `out`. All functions are reentrant: none keeps state. */
#ifndef ETHC_ETH_WIRE_H
#define ETHC_ETH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/forkid.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Message codes, relative to the eth capability's offset. */
enum {
  ETH_MSG_STATUS = 0x00,
  ETH_MSG_NEW_BLOCK_HASHES = 0x01, /* eth/68 only */
  ETH_MSG_TRANSACTIONS = 0x02,
  ETH_MSG_GET_BLOCK_HEADERS = 0x03,
  ETH_MSG_BLOCK_HEADERS = 0x04,
  ETH_MSG_GET_BLOCK_BODIES = 0x05,
  ETH_MSG_BLOCK_BODIES = 0x06,
  ETH_MSG_NEW_BLOCK = 0x07, /* eth/68 only */
  ETH_MSG_NEW_POOLED_TX_HASHES = 0x08,
  ETH_MSG_GET_POOLED_TXS = 0x09,
  ETH_MSG_POOLED_TXS = 0x0a,
  ETH_MSG_GET_RECEIPTS = 0x0f,
  ETH_MSG_RECEIPTS = 0x10,
  ETH_MSG_BLOCK_RANGE_UPDATE = 0x11, /* eth/69+ */
  ETH_MSG_COUNT = 0x12               /* eth/69's message space */
};

/* Serving limits (geth's eth/protocols/eth): at most this many items per
 * response, and no item that would take a response past the soft limit
 * (geth's softResponseLimit), unless it is the first: one oversized block
 * is served alone (eth/70 pages a block's receipts instead). */
#define ETH_MAX_HEADERS_SERVE 1024
#define ETH_MAX_BODIES_SERVE 1024
#define ETH_MAX_RECEIPTS_SERVE 1024
#define ETH_MAX_POOLED_TXS_SERVE 256
#define ETH_SOFT_RESPONSE_LIMIT (2u * 1024 * 1024)
/* Decoding limit on any list (a 16 MiB message holds at most ~500k hashes). */
#define ETH_MAX_LIST_ITEMS 65536

/* ---- Status (0x00) ---- */
typedef struct {
  uint32_t version; /* 68, 69 or 70 */
  uint64_t network_id;
  u256_t td;        /* eth/68 only: total difficulty of the head */
  ethc_hash_t head; /* eth/68: best hash; eth/69+: latestBlockHash */
  ethc_hash_t genesis;
  forkid_t fork_id;
  uint64_t earliest, latest; /* eth/69+: the block range this node serves */
} eth_status_t;
/* eth/68: [version, networkid, td, blockhash, genesis, forkid];
 * eth/69+: [version, networkid, genesis, forkid, earliest, latest, latesthash].
 * The decoder picks the layout from the version field. */
int eth_status_encode(const eth_status_t *s, bytes_buf_t *out);
int eth_status_decode(const uint8_t *p, size_t n, eth_status_t *s);

/* ---- BlockRangeUpdate (0x11): [earliest, latest, latesthash] ---- */
typedef struct {
  uint64_t earliest, latest;
  ethc_hash_t latest_hash;
} eth_block_range_t;
int eth_block_range_encode(const eth_block_range_t *r, bytes_buf_t *out);
int eth_block_range_decode(const uint8_t *p, size_t n, eth_block_range_t *r);
/* A peer's range must be sane (geth's rules): earliest <= latest and a
 * non-zero latest hash. 0 or ETHC_ERR_INVALID with a reason in `why`.
 * Whether the update is too old or in the future (ethtest's
 * BlockRangeUpdateExpired/Future) is the peer manager's judgement. */
int eth_block_range_check(const eth_block_range_t *r, const char **why);

/* ---- NewBlockHashes (0x01): [[hash, number], ...] ---- */
typedef struct {
  ethc_hash_t hash;
  uint64_t number;
} eth_hash_number_t;
typedef struct {
  eth_hash_number_t *items;
  size_t count;
} eth_new_block_hashes_t;
int eth_new_block_hashes_encode(const eth_hash_number_t *items, size_t count, bytes_buf_t *out);
int eth_new_block_hashes_decode(const uint8_t *p, size_t n, eth_new_block_hashes_t *m);
void eth_new_block_hashes_free(eth_new_block_hashes_t *m);

/* ---- hash-list requests: GetBlockBodies, GetPooledTransactions, GetReceipts ----
 * [request-id, [hash, ...]]; eth/70 GetReceipts: [request-id, firstBlockReceiptIndex, [hash, ...]]. */
typedef struct {
  uint64_t request_id;
  uint64_t first_receipt_index; /* eth/70 GetReceipts only */
  ethc_hash_t *hashes;
  size_t count;
} eth_hash_request_t;
int eth_hash_request_encode(uint64_t request_id, const ethc_hash_t *hashes, size_t count, bytes_buf_t *out);
int eth_hash_request_decode(const uint8_t *p, size_t n, eth_hash_request_t *m);
int eth_get_receipts70_encode(uint64_t request_id, uint64_t first_index, const ethc_hash_t *hashes, size_t count,
                              bytes_buf_t *out);
int eth_get_receipts70_decode(const uint8_t *p, size_t n, eth_hash_request_t *m);
void eth_hash_request_free(eth_hash_request_t *m);

/* ---- GetBlockHeaders (0x03): [request-id, [origin, amount, skip, reverse]] ----
 * origin is a 32-byte hash or a block number. */
typedef struct {
  uint64_t request_id;
  bool by_hash;
  ethc_hash_t hash;
  uint64_t number;
  uint64_t amount, skip;
  bool reverse;
} eth_get_headers_t;
int eth_get_headers_encode(const eth_get_headers_t *r, bytes_buf_t *out);
int eth_get_headers_decode(const uint8_t *p, size_t n, eth_get_headers_t *r);

/* ---- list responses: BlockHeaders, BlockBodies, PooledTransactions, Receipts ----
 * [request-id, [item, ...]] (eth/70 Receipts: [request-id, lastBlockIncomplete, [...]]).
 * items[i] is the raw RLP of each item as on the wire. What an item must be:
 *   ETH_ITEMS_HEADERS    a header (decodes with header_decode)
 *   ETH_ITEMS_BODIES     [txs, ommers] or [txs, ommers, withdrawals], all lists
 *   ETH_ITEMS_TXS        a legacy transaction (a list) or a typed one (a string
 *                        whose first byte is the type, < 0x80)
 *   ETH_ITEMS_RECEIPTS68 a list of receipts, each a list (legacy) or a typed string
 *   ETH_ITEMS_RECEIPTS69 a list of receipts, each [type, status, cumulative gas, logs] */
typedef enum {
  ETH_ITEMS_HEADERS,
  ETH_ITEMS_BODIES,
  ETH_ITEMS_TXS,
  ETH_ITEMS_RECEIPTS68,
  ETH_ITEMS_RECEIPTS69
} eth_items_kind_t;
typedef struct {
  uint64_t request_id;
  bool last_block_incomplete; /* eth/70 Receipts only */
  bytes_view_t *items;
  size_t count;
} eth_items_msg_t;
/* Encodes [request-id, [items...]] from already-encoded items. */
int eth_items_encode(uint64_t request_id, const bytes_view_t *items, size_t count, bytes_buf_t *out);
int eth_receipts70_encode(uint64_t request_id, bool last_incomplete, const bytes_view_t *items, size_t count,
                          bytes_buf_t *out);
int eth_items_decode(const uint8_t *p, size_t n, eth_items_kind_t kind, eth_items_msg_t *m);
int eth_receipts70_decode(const uint8_t *p, size_t n, eth_items_msg_t *m); /* items as RECEIPTS69 */
void eth_items_free(eth_items_msg_t *m);

/* ---- Transactions (0x02): [tx, ...] (no request id) ---- */
int eth_transactions_encode(const bytes_view_t *txs, size_t count, bytes_buf_t *out); /* txs: wire items */
int eth_transactions_decode(const uint8_t *p, size_t n, eth_items_msg_t *m);          /* request_id 0 */
/* The canonical encoding of a transaction item (what tx_decode takes and is
 * hashed): a typed item's string payload, a legacy item as it is. */
bytes_view_t eth_tx_item_canonical(bytes_view_t item);

/* ---- NewBlock (0x07): [block, td] ---- */
typedef struct {
  bytes_view_t block; /* raw block RLP: [header, txs, ommers(, withdrawals)] */
  u256_t td;
} eth_new_block_t;
int eth_new_block_encode(const uint8_t *block_rlp, size_t len, const u256_t *td, bytes_buf_t *out);
int eth_new_block_decode(const uint8_t *p, size_t n, eth_new_block_t *m);

/* ---- NewPooledTransactionHashes (0x08), eth/68: [types: B, [size, ...], [hash, ...]] ---- */
typedef struct {
  const uint8_t *types; /* borrowed: count bytes */
  uint32_t *sizes;
  ethc_hash_t *hashes;
  size_t count;
} eth_pooled_hashes_t;
int eth_pooled_hashes_encode(const uint8_t *types, const uint32_t *sizes, const ethc_hash_t *hashes, size_t count,
                             bytes_buf_t *out);
int eth_pooled_hashes_decode(const uint8_t *p, size_t n, eth_pooled_hashes_t *m);
void eth_pooled_hashes_free(eth_pooled_hashes_t *m);

/* ---- receipts in the eth/69 form ----
 * Converts one stored/consensus receipt (legacy: [status, gas, bloom, logs];
 * typed: type || rlp([status, gas, bloom, logs])) to eth/69's
 * [type, status, gas, logs], appended to out. */
int eth_receipt_to69(bytes_view_t consensus, bytes_buf_t *out);
/* The reverse, for a requester: one eth/69 receipt [type, status, gas, logs]
 * (logs: [[address, [topic, ...], data], ...]) back to its consensus form
 * with the bloom rebuilt from the logs (Yellow Paper 4.4.1), appended to out:
 * type 0 as the RLP list, a typed one as the RLP string of type || rlp(...)
 * (the receipts message form; its string payload is what the receipts trie
 * holds). ETHC_ERR_RLP_* / ETHC_ERR_INVALID for a malformed receipt. */
int eth_receipt_from69(bytes_view_t receipt69, bytes_buf_t *out);

/* ---- the server: answers from the chain database ----
 * Each function encodes a whole response payload into `out` (appended) and
 * returns 0, or ETHC_ERR_IO / ETHC_ERR_INVALID / ETHC_ERR_NOMEM when the
 * database fails (unknown blocks are not errors: the response stops or
 * leaves them out, as geth does). Thread-safe: they only use chain_read.h
 * and chaindb reads, safe while another thread imports. */

/* BlockHeaders for a GetBlockHeaders: from the origin (by number on the
 * canonical chain, or by hash: any stored block), `amount` headers (at most
 * ETH_MAX_HEADERS_SERVE and the soft limit), each `skip`+1 apart, ascending or
 * (`reverse`) descending, stopping at the first unknown block. */
int eth_serve_headers(chain_t *c, const eth_get_headers_t *r, bytes_buf_t *out);
/* BlockBodies for GetBlockBodies: the known bodies in request order, unknown
 * hashes left out. */
int eth_serve_bodies(chain_t *c, const eth_hash_request_t *r, bytes_buf_t *out);
/* Receipts for GetReceipts in the form of `version` (68: consensus receipts
 * with bloom; 69: without; 70: without, paged from r->first_receipt_index of
 * the first block, with lastBlockIncomplete when the soft limit cut a block). */
int eth_serve_receipts(chain_t *c, uint32_t version, const eth_hash_request_t *r, bytes_buf_t *out);

/* The node's transaction pool, as the server sees it: looks a transaction up
 * by hash and appends its network encoding (typed: type || payload, blob
 * transactions with their sidecar; legacy: the RLP list) to `out`. Returns
 * true when found. Called from the serving thread; it must be thread-safe
 * with respect to the pool's other users. */
typedef bool (*eth_pool_lookup_fn)(void *ctx, const ethc_hash_t *hash, bytes_buf_t *out);
/* PooledTransactions for GetPooledTransactions: the transactions the pool
 * knows, in request order, unknown ones left out. */
int eth_serve_pooled_txs(eth_pool_lookup_fn lookup, void *ctx, const eth_hash_request_t *r, bytes_buf_t *out);

/* Our Status for a peer speaking `version`, from the stored head: the genesis
 * hash, head hash and number, total difficulty (68), range 0..head (69+) and
 * the fork id at the head. A light database (no stored genesis) takes the
 * genesis from the built-in table (chain_genesis_builtin.h), announces the
 * range head..head, and before its first proven head stands at the genesis
 * (head = genesis hash, number 0, td = genesis difficulty, fork id at the
 * genesis time). 0, ETHC_ERR_NOT_FOUND (no genesis known) or a read error. */
int eth_status_from_chain(chain_t *c, uint32_t version, uint64_t network_id, eth_status_t *out);
/* Checks a peer's Status against ours: same version, network and genesis, and
 * a fork id our schedule accepts at our head (ours->head; the genesis or zero:
 * at the genesis); eth/69+ also a range with earliest <=
 * latest. Returns 0 or ETHC_ERR_INVALID with a reason in `why` (static). */
int eth_status_check(chain_t *c, const eth_status_t *ours, const eth_status_t *theirs, const char **why);

/* admin_nodeInfo's protocols.eth as go-ethereum shows it: {"network": id,
 * "genesis": hash, "config": {chainId, homesteadBlock, ..., bpo2Time,
 * terminalTotalDifficulty, depositContractAddress, blobSchedule}, "head": hash}
 * (a light database: the built-in genesis, and the genesis as head until one is
 * proven). A malloc'ed JSON object text (the caller frees it), or NULL (out of
 * memory, no genesis known, a read error). Any thread. */
char *eth_node_info_json(chain_t *c, uint64_t network_id);

/* Answers one request message: code is a request (GetBlockHeaders,
 * GetBlockBodies, GetReceipts, GetPooledTransactions). On success *out_code
 * is the response code and `out` its payload. A payload that does not decode
 * gives its decoding error (the caller disconnects the peer); a code that is
 * not a request gives ETHC_ERR_UNSUPPORTED. `lookup` may be NULL (no pool:
 * empty PooledTransactions). */
int eth_serve(chain_t *c, uint32_t version, unsigned code, const uint8_t *p, size_t n, eth_pool_lookup_fn lookup,
              void *lookup_ctx, unsigned *out_code, bytes_buf_t *out);

#ifdef __cplusplus
}
#endif

#endif
