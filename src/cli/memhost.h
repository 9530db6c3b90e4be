/* A small in-memory world implementing the EVM host interface, for `ethc run`,
 * `ethc bench evm`, the VMTests runner and the interpreter's unit tests: accounts,
 * storage with original values (EIP-2200), EIP-2929 warm sets, transient storage,
 * logs, nested calls and creates with a journal for reverts. Not the consensus host
 * (that one lives in chain/ over state/). */
#ifndef ETHC_CLI_MEMHOST_H
#define ETHC_CLI_MEMHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/evm.h"

typedef struct memhost memhost_t;

typedef struct {
  ethc_address_t address;
  ethc_hash_t topics[4];
  size_t topics_count;
  uint8_t *data;
  size_t data_size;
} memhost_log_t;

memhost_t *memhost_new(evm_t *vm, evm_revision_t rev);
void memhost_free(memhost_t *h);
const evm_host_t *memhost_interface(void);

/* VMTests mode: CALL/CALLCODE/DELEGATECALL/CREATE are not executed; they succeed at
 * once with no effect and all their gas returned. */
void memhost_set_vmtest_mode(memhost_t *h, bool on);
void memhost_set_tx_context(memhost_t *h, const evm_tx_context_t *tx);

/* Pre-state setup (values become the "original" values of the transaction). */
int memhost_set_account(memhost_t *h, const ethc_address_t *addr, const u256_t *balance, uint64_t nonce,
                        const uint8_t *code, size_t code_size);
int memhost_set_storage(memhost_t *h, const ethc_address_t *addr, const u256_t *key, const u256_t *value);

/* Reading the world. */
bool memhost_get_account(memhost_t *h, const ethc_address_t *addr, u256_t *balance, uint64_t *nonce,
                         const uint8_t **code, size_t *code_size);
/* Calls fn for every non-zero storage slot of addr. */
void memhost_each_storage(memhost_t *h, const ethc_address_t *addr,
                          void (*fn)(void *arg, const u256_t *key, const u256_t *value), void *arg);
size_t memhost_account_count(memhost_t *h);
const ethc_address_t *memhost_account_address(memhost_t *h, size_t i);
const memhost_log_t *memhost_logs(memhost_t *h, size_t *count);

/* Runs msg as a transaction's message call (no intrinsic gas, no fee payment): warms
 * sender and recipient (Berlin+; precompiles are always warm), transfers value, executes, reverts on
 * failure. Release the result. */
evm_result_t memhost_transact(memhost_t *h, const evm_message_t *msg);

/* Journal snapshots: memhost_revert undoes every change after the snapshot, so a
 * benchmark can run the same call again from the same state. */
size_t memhost_snapshot(memhost_t *h);
void memhost_revert(memhost_t *h, size_t snapshot);

#endif
