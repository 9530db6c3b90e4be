/* Ethereum transactions: the typed value, RLP codecs for every type (legacy with and
 * without EIP-155, EIP-2930, EIP-1559, EIP-4844 canonical and network/blob-wrapper
 * forms incl. the EIP-7594 cell-proof version, EIP-7702 set-code), signing hashes,
 * sender recovery, intrinsic gas (EIP-2028/2930/3860/7623/7702) and the stateless
 * validity rules of each fork (which types, chain id, low s, sizes, gas bounds). */
#ifndef ETHC_TX_H
#define ETHC_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/evm.h"
#include "ethc/types.h"
#include "ethc/u256.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  TX_LEGACY = 0,      /* RLP list, optionally EIP-155 replay-protected */
  TX_ACCESS_LIST = 1, /* EIP-2930 (Berlin) */
  TX_DYNAMIC_FEE = 2, /* EIP-1559 (London) */
  TX_BLOB = 3,        /* EIP-4844 (Cancun) */
  TX_SET_CODE = 4,    /* EIP-7702 (Prague) */
} tx_type_t;

/* Constants used by the rules (also useful to callers). */
#define TX_GAS_BASE 21000u
#define TX_GAS_CREATE 32000u /* extra for creation, Homestead+ */
#define TX_GAS_DATA_ZERO 4u
#define TX_GAS_DATA_NONZERO_FRONTIER 68u
#define TX_GAS_DATA_NONZERO_ISTANBUL 16u     /* EIP-2028 */
#define TX_GAS_ACCESS_LIST_ADDRESS 2400u     /* EIP-2930 */
#define TX_GAS_ACCESS_LIST_STORAGE_KEY 1900u /* EIP-2930 */
#define TX_GAS_INITCODE_WORD 2u              /* EIP-3860 */
#define TX_GAS_PER_AUTH 25000u               /* EIP-7702 PER_EMPTY_ACCOUNT_COST */
#define TX_GAS_PER_AUTH_BASE 12500u          /* EIP-7702 PER_AUTH_BASE_COST (refund basis) */
#define TX_GAS_FLOOR_PER_TOKEN 10u           /* EIP-7623 */
#define TX_MAX_INITCODE_SIZE 49152u          /* EIP-3860: 2 * 24576 */
#define TX_GAS_PER_BLOB 131072u              /* EIP-4844: 2^17 */
#define TX_BLOB_SIZE 131072u                 /* 4096 field elements * 32 bytes */
#define TX_BLOB_COMMITMENT_VERSION_KZG 0x01
#define TX_MAX_GAS_LIMIT_OSAKA 16777216u /* EIP-7825: 2^24 */
#define TX_CELLS_PER_EXT_BLOB 128u       /* EIP-7594 cell proofs per blob */

/* One EIP-2930 access-list entry. */
typedef struct {
  ethc_address_t address;
  const ethc_hash_t *storage_keys;
  size_t storage_keys_count;
} tx_access_entry_t;

/* One EIP-7702 authorization tuple [chain_id, address, nonce, y_parity, r, s].
 * Decoding only enforces the field sizes (nonce < 2^64, y_parity < 2^8, r/s < 2^256);
 * everything else is checked when the authority is recovered at execution time
 * (tx_authority_recover) and an invalid tuple is skipped, not fatal. */
typedef struct {
  u256_t chain_id;
  ethc_address_t address;
  uint64_t nonce;
  uint8_t y_parity;
  u256_t r, s;
} tx_authorization_t;

/* A transaction of any type. Arrays and `data` are borrowed pointers: a decoded
 * transaction owns them through `owned` (release with tx_free); a caller that builds
 * a tx_t by hand (e.g. from JSON) points them at its own memory and leaves `owned`
 * NULL. Zero-initialise before filling by hand. */
typedef struct {
  tx_type_t type;
  /* Chain id: typed transactions always; legacy ones only when EIP-155-signed
   * (then chain_id = (v - 35) / 2). */
  bool has_chain_id;
  u256_t chain_id;
  uint64_t nonce; /* decoders reject values >= 2^64 (ETHC_ERR_OVERFLOW) */
  /* Fees. Types 0 and 1 carry gas_price; decoders copy it into both max_* fields
   * as well, so max_fee_per_gas / max_priority_fee_per_gas work for every type
   * (hand-built legacy transactions should do the same). Types 2+ leave gas_price
   * equal to max_fee_per_gas. */
  u256_t gas_price;
  u256_t max_priority_fee_per_gas;
  u256_t max_fee_per_gas;
  uint64_t gas_limit; /* decoders reject values >= 2^64 (ETHC_ERR_OVERFLOW) */
  bool has_to;        /* false: contract creation (types 0, 1, 2 only) */
  ethc_address_t to;
  u256_t value;
  const uint8_t *data; /* calldata or init code */
  size_t data_len;
  const tx_access_entry_t *access_list; /* types 1+ */
  size_t access_list_count;
  u256_t max_fee_per_blob_gas;    /* type 3 */
  const ethc_hash_t *blob_hashes; /* type 3: versioned hashes */
  size_t blob_hashes_count;
  const tx_authorization_t *authorizations; /* type 4 */
  size_t authorizations_count;
  /* Signature: for legacy v is the raw value (27/28 or chain_id*2+35/36); for typed
   * transactions v is the y parity (0 or 1). */
  u256_t v, r, s;
  void *owned; /* allocation owned by a decoded tx (tx_free releases it) */
} tx_t;

/* The blob sidecar of the EIP-4844 network ("pooled") form. Blob pointers borrow
 * the decoded input bytes (valid as long as that input is); commitments and proofs
 * are copied into `owned` (tx_sidecar_free). */
typedef struct {
  uint8_t wrapper_version; /* 0: EIP-4844 (one proof per blob); 1: EIP-7594 (cell proofs) */
  size_t blobs_count;
  const uint8_t *const *blobs; /* blobs_count pointers to TX_BLOB_SIZE bytes each */
  size_t commitments_count;    /* == blobs_count */
  const uint8_t (*commitments)[48];
  size_t proofs_count; /* == blobs_count (v0) or blobs_count * 128 (v1) */
  const uint8_t (*proofs)[48];
  void *owned;
} tx_sidecar_t;

/* ---- codec ---- */

/* Decodes the canonical form: a legacy RLP list, or type byte || RLP payload (the
 * bytes stored in the transactions trie and hashed; block bodies wrap typed ones in
 * an RLP string, see tx_decode_item).
 * Rejects non-canonical RLP, trailing bytes, wrong field counts, wrong field sizes
 * (addresses 20 bytes, hashes 32), integers over their field (nonce, gas limit and
 * authorization nonce 64 bits, y parity 8 bits, others 256 bits), unknown types, and
 * an empty `to` for types 3 and 4. Returns 0 or an ETHC_ERR_* code; on success tx
 * owns its arrays (tx_free). On failure nothing needs freeing. */
int tx_decode(const uint8_t *data, size_t len, tx_t *tx);

/* Decodes a transaction as it appears inside an RLP list of a block body: a legacy
 * list item, or an RLP string holding type || payload. */
int tx_decode_item(const uint8_t *item, size_t len, tx_t *tx);

/* Decodes the network form (eth/68 PooledTransactions): identical to the canonical
 * form except for type 3, which is 0x03 || rlp([tx_payload, blobs, commitments, proofs])
 * (version 0) or 0x03 || rlp([tx_payload, 1, blobs, commitments, cell_proofs])
 * (EIP-7594 version 1). `sidecar` (may be NULL to require a non-blob tx) gets the
 * blobs for type 3, and is zeroed otherwise. The counts are checked against each
 * other and the versioned hashes (not the KZG proofs themselves). */
int tx_decode_network(const uint8_t *data, size_t len, tx_t *tx, tx_sidecar_t *sidecar);

/* Releases what a decoder allocated; safe on a zeroed or hand-built tx. */
void tx_free(tx_t *tx);
void tx_sidecar_free(tx_sidecar_t *sidecar);

/* Appends the canonical encoding (the bytes that are hashed). */
int tx_encode(const tx_t *tx, bytes_buf_t *out);
/* Appends the network form; for type 3 with a sidecar, the blob wrapper of
 * sidecar->wrapper_version. For other types the same as tx_encode. */
int tx_encode_network(const tx_t *tx, const tx_sidecar_t *sidecar, bytes_buf_t *out);

/* Transaction hash: keccak256 of the canonical encoding. */
int tx_hash(const tx_t *tx, ethc_hash_t *out);
/* The hash that is signed: legacy keccak(rlp([nonce, gasPrice, gas, to, value, data]))
 * or with [chainId, 0, 0] appended (EIP-155); typed keccak(type || rlp(fields without
 * signature)). */
int tx_signing_hash(const tx_t *tx, ethc_hash_t *out);

/* ---- signatures ---- */

/* Checks the signature values for fork `rev` (v per type and fork, r and s in
 * range, s <= n/2 from Homestead (EIP-2) and for every typed transaction) and
 * recovers the sender. ETHC_ERR_TX_SIGNATURE on any failure. Does not check the
 * chain id against a network (tx_validate does). */
int tx_recover_sender(const tx_t *tx, evm_revision_t rev, ethc_address_t *sender);

/* EIP-7702 authority of one authorization: keccak(0x05 || rlp([chain_id, address,
 * nonce])), y_parity 0/1, 0 < r,s < n, s <= n/2. ETHC_ERR_TX_SIGNATURE if invalid.
 * The caller applies the rest of EIP-7702 (chain id 0 or the chain's, nonce < 2^64-1,
 * the authority's code and nonce) and skips the tuple on any failure. */
int tx_authority_recover(const tx_authorization_t *auth, ethc_address_t *authority);

/* Signs `tx` (test helper): fills v, r, s for its type (legacy: EIP-155 when
 * has_chain_id, else 27/28). */
int tx_sign(tx_t *tx, const uint8_t seckey[32]);

/* ---- gas and validity ---- */

/* Intrinsic gas of `tx` under fork `rev`: 21000, + 32000 for creation (Homestead+),
 * + 4 per zero / 68 (16 from Istanbul, EIP-2028) per non-zero data byte, + 2400 per
 * access-list address and 1900 per storage key (Berlin+), + 2 per 32-byte word of
 * init code (Shanghai+, EIP-3860), + 25000 per authorization (Prague+, EIP-7702).
 * Saturates at UINT64_MAX. Does not include the EIP-7623 floor. */
uint64_t tx_intrinsic_gas(const tx_t *tx, evm_revision_t rev);

/* EIP-7623 floor (Prague+): 21000 + 10 * tokens, tokens = zero bytes + 4 * non-zero
 * bytes of data. 0 before Prague. gas_used = max(gas_used, floor) after execution. */
uint64_t tx_floor_data_gas(const tx_t *tx, evm_revision_t rev);

/* Blob gas of a type-3 transaction: count * 2^17 (0 for other types). */
uint64_t tx_blob_gas(const tx_t *tx);

/* Maximum number of blobs one transaction may carry in fork `rev` (0 before
 * Cancun): the per-block limit for Cancun (6) and Prague (9); 6 from Osaka
 * (EIP-7594 MAX_BLOBS_PER_TX). */
size_t tx_max_blobs(evm_revision_t rev);

/* Stateless validity of `tx` under fork `rev` on chain `chain_id`:
 *  - the fork accepts the type (1: Berlin, 2: London, 3: Cancun, 4: Prague);
 *  - signature values: tx_recover_sender's v/r/s checks (legacy EIP-155 v from
 *    Spurious Dragon only; chain id equal to `chain_id` when present);
 *  - nonce < 2^64 - 1 (EIP-2681); gas_limit * max fee and gas_limit * max fee +
 *    value fit 256 bits; max priority fee <= max fee (London+);
 *  - gas_limit >= intrinsic gas (and >= the EIP-7623 floor from Prague);
 *    gas_limit <= 2^24 from Osaka (EIP-7825);
 *  - init code <= 49152 bytes for creations from Shanghai (EIP-3860);
 *  - type 3: at least one blob, no more than tx_max_blobs, each hash of version 0x01;
 *  - type 4: a non-empty authorization list.
 * Returns 0 or ETHC_ERR_TX_TYPE / _TX_SIGNATURE / _TX_CHAIN_ID / _TX_INTRINSIC_GAS /
 * _TX_INVALID / ETHC_ERR_OVERFLOW. Sender recovery is separate (tx_recover_sender). */
int tx_validate(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id);

/* Convenience: tx_validate, then tx_recover_sender. */
int tx_check(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id, ethc_address_t *sender);

/* Whether fork `rev` accepts transaction type `type`. */
bool tx_type_allowed(tx_type_t type, evm_revision_t rev);

/* ---- classes of invalid transactions (src/chain/tx_errors.c) ---- */

/* Which rule an invalid transaction breaks, finer than the ETHC_ERR_TX_* codes.
 * The official tests name each class; those names are test vocabulary and live
 * with the runners (tests/vectors/exception_names.h), not here. */
typedef enum {
  TXE_NONE = 0,
  /* decoding (tx_invalid_from_decode) */
  TXE_RLP_STRUCTURE,      /* truncated, trailing bytes, list vs string, field count */
  TXE_RLP_NONCANONICAL,   /* a non-minimal encoding (leading zeros) */
  TXE_RLP_FIELD_SIZE,     /* an address or hash of the wrong length */
  TXE_FIELD_OVERFLOW,     /* an integer over its field (nonce, gas 64 bits, others 256) */
  TXE_TYPE_NOT_SUPPORTED, /* an unknown type */
  TXE_TYPE_1_PRE_FORK,    /* a known type the fork does not have yet (tx_type_pre_fork) */
  TXE_TYPE_2_PRE_FORK,
  TXE_TYPE_3_PRE_FORK,
  TXE_TYPE_4_PRE_FORK,
  /* signature */
  TXE_CHAIN_ID,  /* a chain id other than the network's */
  TXE_SIGNATURE, /* v, r, s out of range or no recoverable key */
  /* the transaction alone (execution-specs validate_transaction) */
  TXE_INTRINSIC_GAS,      /* gas limit below the intrinsic gas */
  TXE_FLOOR_GAS,          /* gas limit below the EIP-7623 calldata floor */
  TXE_NONCE_MAX,          /* nonce 2^64 - 1 (EIP-2681) */
  TXE_INITCODE_TOO_LARGE, /* EIP-3860 */
  TXE_GAS_LIMIT_CAP,      /* gas limit above 2^24 (EIP-7825) */
  TXE_FEE_OVERFLOW,       /* gas limit * fee cap over 256 bits (stateless check) */
  /* against the block (execution-specs check_transaction) */
  TXE_GAS_ALLOWANCE_EXCEEDED,      /* gas limit above the gas left in the block */
  TXE_BLOB_GAS_ALLOWANCE_EXCEEDED, /* blob gas above the blob gas left in the block */
  TXE_PRIORITY_ABOVE_MAX_FEE,      /* max priority fee above max fee (EIP-1559) */
  TXE_MAX_FEE_BELOW_BASE_FEE,      /* fee cap (or gas price) below the base fee */
  TXE_BLOB_ZERO,                   /* a type-3 transaction without blobs */
  TXE_BLOB_COUNT_EXCEEDED,         /* more blobs than one transaction may carry */
  TXE_BLOB_VERSION,                /* a versioned hash not of version 0x01 */
  TXE_BLOB_FEE_BELOW_BLOB_BASE_FEE,
  TXE_BLOB_CREATE,     /* a type-3 transaction without recipient */
  TXE_SET_CODE_CREATE, /* a type-4 transaction without recipient */
  TXE_EMPTY_AUTH_LIST, /* a type-4 transaction without authorizations */
  /* against the sender's account */
  TXE_NONCE_TOO_LOW,
  TXE_NONCE_TOO_HIGH,
  TXE_INSUFFICIENT_FUNDS, /* balance below gas * fee cap + blob fees + value */
  TXE_SENDER_NOT_EOA,     /* the sender has code (EIP-3607; delegations allowed from Prague) */
  TXE__COUNT
} tx_invalid_t;

/* A short description, e.g. "nonce too low". */
const char *tx_invalid_message(tx_invalid_t c);
/* The ETHC_ERR_* code of class `c` (ETHC_ERR_TX_INVALID for most, 0 for TXE_NONE). */
int tx_invalid_code(tx_invalid_t c);
/* The class of a typed transaction of `type` before its fork: TXE_TYPE_1_PRE_FORK..
 * TXE_TYPE_4_PRE_FORK, TXE_TYPE_NOT_SUPPORTED for an unknown type. */
tx_invalid_t tx_type_pre_fork(unsigned type);
/* The class of a tx_decode failure code (ETHC_ERR_RLP_*, ETHC_ERR_OVERFLOW, ETHC_ERR_TX_TYPE). */
tx_invalid_t tx_invalid_from_decode(int rc);
/* The class of tx_decode(raw, len) failing with `rc`, found by looking at the
 * fields: the first integer field longer than its width (nonce and gas limit 8
 * bytes, others 32) is TXE_FIELD_OVERFLOW, or TXE_SIGNATURE for v, r, s, even when
 * the decoder saw its leading zeros first; otherwise tx_invalid_from_decode(rc). */
tx_invalid_t tx_invalid_of_encoding(const uint8_t *raw, size_t len, int rc);

/* The rules of tx_validate in groups, each returning the class of the first broken
 * rule or TXE_NONE. Callers run them in the order of the checks that the official
 * tests name first when a transaction breaks several rules: execution-specs'
 * order (validate_transaction, then check_transaction), except that the gas limit
 * against the intrinsic gas and the floor comes after the fee, nonce and balance
 * checks, as go-ethereum (which filled ethereum/tests) does.
 *  - tx_rules_alone: the fork accepts the type (tx_type_pre_fork); nonce < 2^64 - 1 (EIP-2681); init
 *    code size (Shanghai+, EIP-3860); gas limit <= 2^24 (Osaka+, EIP-7825);
 *  - tx_rules_signature: chain id, then v, r, s values (not the recovery itself);
 *  - tx_rules_fields: gas limit * fee cap fits 256 bits, max priority fee <= max
 *    fee, blob count (at least one, at most tx_max_blobs), blob hash versions, a
 *    recipient for types 3 and 4, a non-empty authorization list;
 *  - tx_rules_gas: gas limit >= intrinsic gas, then >= the EIP-7623 floor (Prague+);
 *    it also returns the two (each out-pointer may be NULL; set once computed).
 * tx_validate is the four in this order, mapped to ETHC_ERR_* codes. */
tx_invalid_t tx_rules_alone(const tx_t *tx, evm_revision_t rev);
tx_invalid_t tx_rules_signature(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id);
tx_invalid_t tx_rules_fields(const tx_t *tx, evm_revision_t rev);
tx_invalid_t tx_rules_gas(const tx_t *tx, evm_revision_t rev, uint64_t *intrinsic, uint64_t *floor);
/* tx_validate with the class of the failure in *why (may be NULL). */
int tx_validate_class(const tx_t *tx, evm_revision_t rev, const u256_t *chain_id, tx_invalid_t *why);

#ifdef __cplusplus
}
#endif

#endif
