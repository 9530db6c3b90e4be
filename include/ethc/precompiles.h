/* Precompiled contracts 0x01..0x11 and 0x100 (Yellow Paper appendix E, EIP-196/197,
 * EIP-198/2565/7883, EIP-152, EIP-4844, EIP-2537, EIP-7951): which exist in which
 * fork, their gas, and their execution. One thin file each in src/evm/precompiles. */
#ifndef ETHC_PRECOMPILES_H
#define ETHC_PRECOMPILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/evm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One precompile. gas() returns the cost of the call (INT64_MAX when unaffordable,
 * e.g. overflowing modexp); run() returns 0 and appends the output to `out`, or
 * non-zero when the input is invalid (the call then fails and consumes all gas). */
typedef struct evm_precompile {
  const char *name;
  evm_revision_t since;
  int64_t (*gas)(const uint8_t *in, size_t len, evm_revision_t rev);
  int (*run)(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out);
} evm_precompile_t;

/* The precompile at `addr` in fork `rev`, or NULL when there is none. */
const evm_precompile_t *evm_precompile_get(const ethc_address_t *addr, evm_revision_t rev);
/* Looks a precompile up by its name, go-ethereum's ("ecRecover", "modexp",
 * "bn256Add", "blsG1MultiExp", ...; exact case), or NULL. Which precompile a vector
 * file exercises is the runners' business (tests/vectors/precompile_files.h). */
const evm_precompile_t *evm_precompile_by_name(const char *name);
/* Runs a precompile as a call with `gas`: success/out-of-gas/failure status,
 * gas_left, and the output (release the result). */
evm_result_t evm_precompile_call(const evm_precompile_t *p, evm_revision_t rev, const uint8_t *in, size_t len,
                                 int64_t gas);

#ifdef __cplusplus
}
#endif

#endif
