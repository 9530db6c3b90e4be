/* The accounts a dev node signs for (`ethc node --dev`): their keys, the
 * addresses impersonated with anvil_impersonateAccount, and the signing
 * primitives of the account methods (accounts.c, accounts_tx.c): EIP-191
 * messages and EIP-712 typed data (accounts_eip712.c). A node outside --dev
 * has no accounts: eth_accounts is empty and the signing methods answer
 * "unknown account". */
#ifndef ETHC_RPC_ACCOUNTS_H
#define ETHC_RPC_ACCOUNTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/rpc.h"
#include "ethc/tx.h"
#include "ethc/types.h"

typedef struct rpc_accounts rpc_accounts_t;

/* Adds an unsigned transaction with a forced sender to the pool (an
 * impersonated account's eth_sendTransaction): 0 with *hash, or non-zero with
 * geth's wording in err. Thread-safe. */
typedef int (*rpc_forced_add_fn)(void *ctx, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash, char *err,
                                 size_t errlen);

/* n accounts (addresses and their 32-byte secret keys, copied). NULL when out
 * of memory. */
rpc_accounts_t *rpc_accounts_new(const ethc_address_t *addrs, const uint8_t (*keys)[32], size_t n);
void rpc_accounts_free(rpc_accounts_t *a);
/* Where impersonated sends go (NULL: they are refused with a clear error). */
void rpc_accounts_set_forced_add(rpc_accounts_t *a, rpc_forced_add_fn fn, void *ctx);
/* Serves `a` from `s` (borrowed: free it after rpc_server_free). Call before
 * the server answers requests. */
void rpc_server_set_accounts(rpc_server_t *s, rpc_accounts_t *a);

/* The key of `addr`, or NULL when it is not one of the accounts. Thread-safe. */
const uint8_t *rpc_accounts_key(const rpc_accounts_t *a, const ethc_address_t *addr);
/* Whether `addr` is impersonated now (one by one, or all with auto-impersonation). */
bool rpc_accounts_impersonated(rpc_accounts_t *a, const ethc_address_t *addr);

/* ---- signing primitives (no server needed; thread-safe) ---- */

/* EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" || len(msg) || msg). */
void eip191_hash(const uint8_t *msg, size_t len, uint8_t out[32]);
/* A 65-byte r || s || v signature (v 27 or 28) of a 32-byte hash. 0 or ETHC_ERR_INVALID. */
int sign_hash65(const uint8_t key[32], const uint8_t hash[32], uint8_t sig[65]);
/* The EIP-712 digest keccak256(0x19 0x01 || hashStruct(domain) || hashStruct(message))
 * of typed data as eth_signTypedData_v4 takes it ({types, primaryType, domain,
 * message}). 0, or ETHC_ERR_INVALID with the reason in err. */
int eip712_hash(const cJSON *typed, uint8_t out[32], char *err, size_t errlen);

#endif
