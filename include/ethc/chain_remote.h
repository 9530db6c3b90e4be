/* Data a light node does not store but fetches on demand from an untrusted
 * source (devp2p peers over eth/snap, or an execution RPC provider), for blocks
 * whose headers the chain holds verified (a header sync's PoS/PoW rules, or the
 * beacon light client's proof). The seam between the chain layer, which asks,
 * and the sources, which fetch: the rpc layer reads through chain_read.h and
 * chain snapshots as for a full node and never sees a source.
 *
 * Trust: nothing a source returns is believed. The chain layer checks a body
 * against the header's transactions, ommers and withdrawals roots, and receipts
 * against its receipts root (verify.h) before it uses them; a state source must
 * itself check every account, slot and code it returns against the state root
 * it was opened at (account/storage proofs, or trie nodes by their hashes, and
 * code by its hash), since state_base_t answers one read at a time. A source can
 * make a read fail, never make it return a wrong answer.
 *
 * Threads: the chain calls these from RPC threads (any number at once), never
 * from the node's libuv loop; a source may block the calling thread up to its
 * own timeout (it bridges to its loop or does blocking I/O itself). */
#ifndef ETHC_CHAIN_REMOTE_H
#define ETHC_CHAIN_REMOTE_H

#include <stdbool.h>
#include <stddef.h>

#include "ethc/bytes.h"
#include "ethc/header.h"
#include "ethc/state_base.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A call about to run on a block's state (eth_call, eth_estimateGas), as a
 * prefetch hint: borrowed for the hook's duration. */
typedef struct {
  ethc_address_t from;
  bool has_to; /* false: a contract creation */
  ethc_address_t to;
  u256_t value;
  const uint8_t *data;
  size_t data_len;
  uint64_t gas; /* 0: not given */
} chain_remote_call_t;

typedef struct {
  void *ctx;
  /* The body of block `hash` (its verified header is `h`): the RLP list
   * [transactions, ommers] or [transactions, ommers, withdrawals], appended to
   * *out. 0; ETHC_ERR_NOT_FOUND when the source does not have it; another
   * error (ETHC_ERR_IO for a failed or timed-out fetch, ETHC_ERR_INVALID for an answer that
   * fails its checks, ...) with a message in err. NULL: no bodies. */
  int (*body)(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
              size_t errlen);
  /* The receipts of block `hash`: the RLP list of its consensus-encoded
   * receipts (typed ones as byte strings, as in the receipts trie), appended
   * to *out. Returns as `body`. NULL: no receipts. */
  int (*receipts)(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                  size_t errlen);
  /* A hint, not believed: the block and index of transaction `tx_hash`. The
   * chain fetches that block's body and finds the transaction in it before it
   * answers. 0, ETHC_ERR_NOT_FOUND, or another error. NULL: no lookups. */
  int (*tx_location)(void *ctx, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index, char *err,
                     size_t errlen);
  /* A state base for the state root of header `h` (block `hash`) whose every
   * read is checked against that root (see the trust note above). *out stays
   * valid until the source is freed; its `nodes` may be empty (no state root
   * can then be computed from it, which eth_call does not need). 0, or an error.
   * NULL: no state. */
  int (*state)(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
               size_t errlen);
  /* A hint before `call` runs on the state of block `hash`: the source may
   * fetch (and verify) what it expects the call to read, so that fewer reads
   * miss. Failures are silent (a miss is fetched as usual). NULL: none. */
  void (*prefetch)(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, const chain_remote_call_t *call);
} chain_remote_t;

#ifdef __cplusplus
}
#endif

#endif
