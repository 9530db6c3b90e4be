/* The engine API's shared pieces (engine.c, engine_payload.c): an
 * ExecutionPayload object turned into a block, and the error codes of
 * execution-apis src/engine/common.md. Not a public header. */
#ifndef ETHC_RPC_ENGINE_H
#define ETHC_RPC_ENGINE_H

#include "ethc/bytes.h"
#include "ethc/header.h"
#include "rpc/rpc_internal.h"

enum {
  ENGINE_UNKNOWN_PAYLOAD = -38001,
  ENGINE_INVALID_FORKCHOICE = -38002,
  ENGINE_INVALID_ATTRIBUTES = -38003,
  ENGINE_TOO_LARGE = -38004,
  ENGINE_UNSUPPORTED_FORK = -38005,
};

/* A payload as a block: what newPayload checks and imports. */
typedef struct {
  bool has_withdrawals; /* the object's withdrawals were given (ExecutionPayloadV2+) */
  bool has_blob_gas;    /* blobGasUsed and excessBlobGas were given (V3) */
  chain_header_t header;
  ethc_hash_t block_hash;    /* as the payload claims it */
  ethc_hash_t computed_hash; /* of the header built from it */
  bytes_buf_t rlp;           /* the block: rlp([header, txs, [], withdrawals?]) */
  ethc_hash_t *blob_hashes;  /* the versioned hashes of its blob transactions, in order (malloc'd) */
  size_t blob_count;
  char invalid[200]; /* non-empty: the payload is INVALID for this reason (a transaction
                                  that does not decode, extra data over 32 bytes) */
} engine_payload_t;

/* Reads an ExecutionPayload object (V1, V2 or V3 fields, whichever are given).
 * Returns 0 (p->invalid may still name a verdict), or fails the call with
 * -32602 for a missing or malformed field. `beacon_root` and `requests_hash`
 * (NULL: absent) complete a Cancun / Prague header. Free p with
 * engine_payload_free in every case. */
int engine_payload_parse(rpc_call_t *c, const cJSON *obj, const ethc_hash_t *beacon_root,
                         const ethc_hash_t *requests_hash, engine_payload_t *p);
void engine_payload_free(engine_payload_t *p);

/* EIP-7685: the commitment to executionRequests (an array of hex strings, each
 * type byte || data, types strictly ascending, data non-empty): 0, or fails
 * the call with -32602. */
int engine_requests_hash(rpc_call_t *c, const cJSON *arr, ethc_hash_t *out);

/* engine_getPayloadBodiesByHashV1 / ByRangeV1 (engine_bodies.c). */
int engine_getPayloadBodiesByHashV1(rpc_call_t *c, const cJSON *params);
int engine_getPayloadBodiesByRangeV1(rpc_call_t *c, const cJSON *params);

/* Field readers of engine objects: 0, or fail the call with -32602 naming `name`. */
int engine_get_hash(rpc_call_t *c, const cJSON *obj, const char *name, ethc_hash_t *out);
int engine_get_qty(rpc_call_t *c, const cJSON *obj, const char *name, uint64_t *out);
/* Whether obj has `name` with a non-null value. */
bool engine_has(const cJSON *obj, const char *name);

#endif
