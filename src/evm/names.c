/* Names of EVM revisions (forks) and execution statuses: the fork names used as
 * "post" keys in the ethereum/tests state tests, and short status names for
 * reports and traces. */
#include <string.h>

#include "ethc/evm.h"

static const char *const revision_names[EVM_REVISION_COUNT] = {
    [EVM_FRONTIER] = "Frontier",
    [EVM_HOMESTEAD] = "Homestead",
    [EVM_TANGERINE_WHISTLE] = "EIP150",
    [EVM_SPURIOUS_DRAGON] = "EIP158",
    [EVM_BYZANTIUM] = "Byzantium",
    [EVM_CONSTANTINOPLE] = "Constantinople",
    [EVM_PETERSBURG] = "ConstantinopleFix",
    [EVM_ISTANBUL] = "Istanbul",
    [EVM_BERLIN] = "Berlin",
    [EVM_LONDON] = "London",
    [EVM_PARIS] = "Paris",
    [EVM_SHANGHAI] = "Shanghai",
    [EVM_CANCUN] = "Cancun",
    [EVM_PRAGUE] = "Prague",
    [EVM_OSAKA] = "Osaka",
};

/* Aliases accepted in addition to the canonical names above. */
static const struct {
  const char *name;
  evm_revision_t rev;
} revision_aliases[] = {
    {"TangerineWhistle", EVM_TANGERINE_WHISTLE},
    {"SpuriousDragon", EVM_SPURIOUS_DRAGON},
    {"Petersburg", EVM_PETERSBURG},
    {"Merge", EVM_PARIS},
};

bool evm_revision_from_name(const char *name, evm_revision_t *out) {
  if (!name) return false;
  for (int i = 0; i < EVM_REVISION_COUNT; i++) {
    if (strcmp(name, revision_names[i]) == 0) {
      if (out) *out = (evm_revision_t)i;
      return true;
    }
  }
  for (size_t i = 0; i < sizeof revision_aliases / sizeof revision_aliases[0]; i++) {
    if (strcmp(name, revision_aliases[i].name) == 0) {
      if (out) *out = revision_aliases[i].rev;
      return true;
    }
  }
  return false;
}

const char *evm_revision_name(evm_revision_t rev) {
  if ((unsigned)rev >= EVM_REVISION_COUNT) return "unknown";
  return revision_names[rev];
}

const char *evm_status_name(evm_status_t s) {
  switch (s) {
    case EVM_SUCCESS: return "success";
    case EVM_REVERT: return "revert";
    case EVM_FAILURE: return "failure";
    case EVM_OUT_OF_GAS: return "out of gas";
    case EVM_INVALID_INSTRUCTION: return "invalid instruction";
    case EVM_UNDEFINED_INSTRUCTION: return "undefined instruction";
    case EVM_STACK_OVERFLOW: return "stack overflow";
    case EVM_STACK_UNDERFLOW: return "stack underflow";
    case EVM_BAD_JUMP_DESTINATION: return "bad jump destination";
    case EVM_INVALID_MEMORY_ACCESS: return "invalid memory access";
    case EVM_CALL_DEPTH_EXCEEDED: return "call depth exceeded";
    case EVM_STATIC_MODE_VIOLATION: return "static mode violation";
    case EVM_PRECOMPILE_FAILURE: return "precompile failure";
    case EVM_CONTRACT_VALIDATION_FAILURE: return "contract validation failure";
    case EVM_ARGUMENT_OUT_OF_RANGE: return "argument out of range";
    case EVM_INSUFFICIENT_BALANCE: return "insufficient balance";
    case EVM_INTERNAL_ERROR: return "internal error";
  }
  return "unknown";
}
