/* Per-fork instruction tables generated from the single opcode list in opcodes.h,
 * and the SSTORE gas/refund table for every fork (Frontier rule, EIP-1283 for
 * Constantinople, EIP-2200 from Istanbul, EIP-2929 from Berlin, EIP-3529 from London). */
#include <pthread.h>

#include "evm/opcodes.h"

#define X_IN(code, name, in, out, gas, fork) [code] = in,
const uint8_t evm_op_stack_in[256] = {EVM_OPCODES(X_IN)};
#define X_CHANGE(code, name, in, out, gas, fork) [code] = (out) - (in),
const int8_t evm_op_stack_change[256] = {EVM_OPCODES(X_CHANGE)};
#define X_FIXED(code, name, in, out, gas, fork) [code] = !EVM_OP_REPRICED(code),
const uint8_t evm_op_fixed[256] = {EVM_OPCODES(X_FIXED)};
#define X_GAS(code, name, in, out, gas, fork) [code] = gas,
const int16_t evm_op_base_gas[256] = {EVM_OPCODES(X_GAS)};
#define X_NAME(code, name, in, out, gas, fork) [code] = #name,
const char *const evm_op_names[256] = {EVM_OPCODES(X_NAME)};

int16_t evm_gas_table[EVM_REVISION_COUNT][256];
evm_sstore_cost_t evm_sstore_table[EVM_REVISION_COUNT][9];

static void fill_sstore(evm_sstore_cost_t *t, evm_revision_t rev) {
  if (rev < EVM_CONSTANTINOPLE || rev == EVM_PETERSBURG) {
    /* Frontier rule: 20000 to set a zero slot, else 5000; 15000 refund on clearing. */
    const int set = 20000, reset = 5000, clear = 15000;
    t[EVM_STORAGE_ASSIGNED] = (evm_sstore_cost_t){reset, 0};
    t[EVM_STORAGE_ADDED] = (evm_sstore_cost_t){set, 0};
    t[EVM_STORAGE_DELETED] = (evm_sstore_cost_t){reset, clear};
    t[EVM_STORAGE_MODIFIED] = (evm_sstore_cost_t){reset, 0};
    t[EVM_STORAGE_DELETED_ADDED] = (evm_sstore_cost_t){set, 0};
    t[EVM_STORAGE_MODIFIED_DELETED] = (evm_sstore_cost_t){reset, clear};
    t[EVM_STORAGE_DELETED_RESTORED] = (evm_sstore_cost_t){set, 0};
    t[EVM_STORAGE_ADDED_DELETED] = (evm_sstore_cost_t){reset, clear};
    t[EVM_STORAGE_MODIFIED_RESTORED] = (evm_sstore_cost_t){reset, 0};
    return;
  }
  /* Net gas metering (EIP-1283 / EIP-2200), with EIP-2929 and EIP-3529 parameters. */
  int sload, set = 20000, reset, clear;
  if (rev == EVM_CONSTANTINOPLE) sload = 200, reset = 5000, clear = 15000;
  else if (rev < EVM_BERLIN) sload = 800, reset = 5000, clear = 15000;
  else if (rev < EVM_LONDON) sload = 100, reset = 5000 - 2100, clear = 15000;
  else sload = 100, reset = 5000 - 2100, clear = 4800;
  t[EVM_STORAGE_ASSIGNED] = (evm_sstore_cost_t){(int16_t)sload, 0};
  t[EVM_STORAGE_ADDED] = (evm_sstore_cost_t){(int16_t)set, 0};
  t[EVM_STORAGE_DELETED] = (evm_sstore_cost_t){(int16_t)reset, clear};
  t[EVM_STORAGE_MODIFIED] = (evm_sstore_cost_t){(int16_t)reset, 0};
  t[EVM_STORAGE_DELETED_ADDED] = (evm_sstore_cost_t){(int16_t)sload, -clear};
  t[EVM_STORAGE_MODIFIED_DELETED] = (evm_sstore_cost_t){(int16_t)sload, clear};
  t[EVM_STORAGE_DELETED_RESTORED] = (evm_sstore_cost_t){(int16_t)sload, -clear + (reset - sload)};
  t[EVM_STORAGE_ADDED_DELETED] = (evm_sstore_cost_t){(int16_t)sload, set - sload};
  t[EVM_STORAGE_MODIFIED_RESTORED] = (evm_sstore_cost_t){(int16_t)sload, reset - sload};
}

static void build_tables(void) {
  static const struct {
    uint8_t code;
    evm_revision_t fork;
  } first[] = {
#define X_FIRST(code, name, in, out, gas, fork) {code, fork},
      EVM_OPCODES(X_FIRST)};
  static const struct {
    uint8_t code;
    evm_revision_t fork;
    int16_t gas;
  } repricings[] = {
#define R_ENTRY(code, fork, gas, unused) {code, fork, gas},
      EVM_REPRICINGS(R_ENTRY, _)};
  for (int r = 0; r < EVM_REVISION_COUNT; r++) {
    for (int op = 0; op < 256; op++) evm_gas_table[r][op] = -1;
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
      if (first[i].fork <= (evm_revision_t)r) evm_gas_table[r][first[i].code] = evm_op_base_gas[first[i].code];
    for (size_t i = 0; i < sizeof repricings / sizeof repricings[0]; i++)
      if (repricings[i].fork <= (evm_revision_t)r && evm_gas_table[r][repricings[i].code] >= 0)
        evm_gas_table[r][repricings[i].code] = repricings[i].gas;
    fill_sstore(evm_sstore_table[r], (evm_revision_t)r);
  }
}

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

void evm_tables_init(void) { pthread_once(&tables_once, build_tables); }
