/* The engine API's shared pieces (engine.c, engine_payload.c): an
 * ExecutionPayload object turned into a block, and the error codes of
 * execution-apis src/engine/common.md. Not a public header. */
#ifndef ETHC_RPC_ENGINE_H
#define ETHC_RPC_ENGINE_H

#include "ethc/block_builder.h"
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


/* ---- payload building (engine_build.c; testing.c's testing_buildBlockV1 too) ---- */

/* The gas limit a built block moves toward: go-ethereum's default target. */
#define ENGINE_GAS_LIMIT_TARGET 60000000ULL

/* PayloadAttributesV1-V3 (timestamp, prevRandao, suggestedFeeRecipient,
 * withdrawals, parentBeaconBlockRoot) into *a; *wd is malloc'd (free it
 * whatever the outcome) and a->withdrawals points into it. 0, or fails the
 * call with -32602 naming argument 1. */
int engine_build_attrs(rpc_call_t *c, const cJSON *o, block_attrs_t *a, chain_withdrawal_t **wd);
/* Adds the pool's pending transactions to `b` in inclusion order
 * (block_order_candidates); those that do not apply are left out, and blob
 * transactions too unless `with_blobs` (a payload whose blobsBundle cannot
 * carry their sidecars must not hold them). 0 or a local error. */
int engine_build_from_pool(rpc_call_t *c, block_builder_t *b, bool with_blobs);
/* A built block as engine_getPayloadV`version` answers it: V1 the bare
 * ExecutionPayloadV1; V2 {executionPayload, blockValue}; V3 adds blobsBundle
 * (empty: no sidecars) and shouldOverrideBuilder; V4 and V5 executionRequests.
 * `wd` are the block's withdrawals (the attributes'). */
void engine_write_built(jw_t *w, const block_built_t *blk, const chain_withdrawal_t *wd, size_t n, int version);

/* The payloads forkchoiceUpdated started, by payloadId (the most recent 16).
 * Thread-safe. */
typedef struct engine_payloads engine_payloads_t;
engine_payloads_t *engine_payloads_new(void); /* NULL: out of memory */
void engine_payloads_free(engine_payloads_t *p);
/* The engine state's store (engine.c). */
engine_payloads_t *engine_payloads_of(rpc_engine_t *e);
/* Builds a payload on the stored block `head` from forkchoiceUpdatedV`version`'s
 * (already checked) attributes and keeps it: 0 with its 8-byte id (the same
 * request again names the same payload, not rebuilt), or fails the call. */
int engine_build_payload(rpc_call_t *c, engine_payloads_t *store, const ethc_hash_t *head, const cJSON *attrs,
                         int version, uint8_t id[8]);
/* engine_getPayloadV1 .. V5: -38001 "Unknown payload" for an id not kept,
 * -38005 for a payload the version does not serve. */
int engine_getPayloadV1(rpc_call_t *c, const cJSON *params);
int engine_getPayloadV2(rpc_call_t *c, const cJSON *params);
int engine_getPayloadV3(rpc_call_t *c, const cJSON *params);
int engine_getPayloadV4(rpc_call_t *c, const cJSON *params);
int engine_getPayloadV5(rpc_call_t *c, const cJSON *params);

#endif
