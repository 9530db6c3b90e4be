/* Recovered transaction senders by transaction hash, so that blocks asked
 * for with full transactions (eth_getBlockByNumber(n, true), the most common
 * wallet call) do not redo a secp256k1 recovery per transaction each time.
 * The cache itself is the chain layer's (src/chain/chain_read_senders.c),
 * which receipts and transactions by hash share. */
#include "chain/chain_read_senders.h"
#include "rpc/rpc_internal.h"

bool rpc_sender_cached(const ethc_hash_t *tx, ethc_address_t *from) { return chain_sender_cached(tx, from); }

void rpc_sender_remember(const ethc_hash_t *tx, const ethc_address_t *from) { chain_sender_remember(tx, from); }
