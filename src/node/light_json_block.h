/* A block body re-encoded from an eth_getBlockByHash(hash, true) answer, and
 * a block's receipts from an eth_getBlockReceipts answer, for the
 * execution-RPC source (light_rpc_source.c). Not a public header. */
#ifndef ETHC_NODE_LIGHT_JSON_BLOCK_H
#define ETHC_NODE_LIGHT_JSON_BLOCK_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "ethc/bytes.h"

/* Appends rlp([transactions, ommers(, withdrawals)]) of the block object
 * `block` (transactions as objects) to *out: 0; ETHC_ERR_JSON for a field
 * missing or malformed; ETHC_ERR_UNSUPPORTED for a block with ommers (their
 * headers are not in the object); ETHC_ERR_NOMEM. err names the problem. The
 * result is not checked: the caller checks it against the header's roots.
 * Pure; any thread. */
int light_json_body(const cJSON *block, bytes_buf_t *out, char *err, size_t errlen);

/* Appends an eth_getBlockReceipts answer (an array of receipt objects)
 * re-encoded as rlp([receipt...]), the receipts trie's form (EIP-2718 typed
 * receipts as byte strings; EIP-658 status or the pre-Byzantium root): 0,
 * ETHC_ERR_INVALID for a malformed receipt (named in err) or ETHC_ERR_NOMEM.
 * Not checked here: the chain checks the result against the receipts root. */
int light_json_receipts(const cJSON *receipts, bytes_buf_t *out, char *err, size_t errlen);

#endif
