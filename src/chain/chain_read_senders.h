/* Recovered transaction senders by transaction hash, shared by the chain
 * reads (receipts, transactions by hash) and the RPC layer (blocks with full
 * transactions): a secp256k1 recovery costs tens of microseconds, a lookup
 * well under one. Implementation: src/chain/chain_read_senders.c.
 * A transaction hash covers the signature, so a hash names one sender on any
 * chain: the cache is one per process. Thread-safe (striped locks). */
#ifndef ETHC_CHAIN_READ_SENDERS_H
#define ETHC_CHAIN_READ_SENDERS_H

#include <stdbool.h>

#include "ethc/evm.h"
#include "ethc/tx.h"
#include "ethc/types.h"

/* Whether the sender of the transaction of hash `tx` is cached: true and fills `from`. */
bool chain_sender_cached(const ethc_hash_t *tx, ethc_address_t *from);
/* Remembers `from` as the sender of `tx` (replacing whatever shared its slot). */
void chain_sender_remember(const ethc_hash_t *tx, const ethc_address_t *from);
/* tx_recover_sender through the cache: `hash` is the transaction's hash.
 * Returns what tx_recover_sender returns; only successes are cached. */
int chain_sender_recover(const tx_t *tx, const ethc_hash_t *hash, evm_revision_t rev, ethc_address_t *from);

#endif
