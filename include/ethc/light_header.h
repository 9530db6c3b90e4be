/* Checking an execution block header from an untrusted source (devp2p peers, an
 * execution RPC provider) against the beacon light client's proof (issue 15).
 *
 * A LightClientHeader (consensus-specs capella/light-client/sync-protocol.md)
 * proves its block's ExecutionPayloadHeader against the beacon block body. That
 * payload header does not hold the execution header itself: its
 * transactions_root and withdrawals_root are SSZ roots, not the header's trie
 * roots, and from Electra the EIP-7685 requests hash is absent; so the header
 * cannot be rebuilt from the proof. It proves the block hash, though, which is
 * keccak256 of the header's RLP: a header from a source is the proven one exactly
 * when it hashes to it. The other proven fields (number, parent hash, state and
 * receipts roots, ...) are compared too, for messages that name what differs.
 *
 * Pure functions: thread-safe. */
#ifndef ETHC_LIGHT_HEADER_H
#define ETHC_LIGHT_HEADER_H

#include <stdbool.h>

#include "ethc/beacon_types.h"
#include "ethc/header.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether header `h` is the block `lc` proves. True, or false with *why (when
 * not NULL) naming the first check that failed: "no execution payload (before
 * Capella)", "block number", "parent hash", "state root", "receipts root",
 * "logs bloom", "gas used", "timestamp", "block hash (keccak256 of the header)". */
bool light_header_check(const beacon_lc_header_t *lc, const chain_header_t *h, const char **why);

struct cJSON;
/* An execution JSON-RPC block object (eth_getBlockByHash's result: parentHash,
 * sha3Uncles, miner, stateRoot, ..., and from their forks baseFeePerGas,
 * withdrawalsRoot, blobGasUsed, excessBlobGas, parentBeaconBlockRoot,
 * requestsHash) as a header into *out. True, or false with *why naming the
 * missing or malformed field. Nothing is believed: check the result with
 * light_header_check or by its hash. */
bool light_header_from_json(const struct cJSON *block, chain_header_t *out, const char **why);

#ifdef __cplusplus
}
#endif

#endif
