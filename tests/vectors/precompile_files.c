/* Which precompile and fork a vector file of ../shared/precompiles exercises,
 * from its file name (go-ethereum's names; see that folder's README). */
#include "precompile_files.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const evm_precompile_t *precompile_file_lookup(const char *base, evm_revision_t *rev, bool *fail) {
  char name[256];
  *fail = false;
  if (strncmp(base, "fail-", 5) == 0) {
    *fail = true;
    base += 5;
  }
  snprintf(name, sizeof name, "%s", base);
  char *dot = strrchr(name, '.');
  if (dot && strcmp(dot, ".json") == 0) *dot = 0;
  *rev = (evm_revision_t)(EVM_REVISION_COUNT - 1);
  if (strcmp(name, "modexp") == 0) *rev = EVM_BYZANTIUM;
  else if (strcmp(name, "modexp_eip2565") == 0) {
    *rev = EVM_BERLIN;
    strcpy(name, "modexp");
  } else if (strcmp(name, "modexp_eip7883") == 0) {
    *rev = EVM_OSAKA;
    strcpy(name, "modexp");
  }
  const evm_precompile_t *p = evm_precompile_by_name(name);
  if (p) return p;
  /* fail-blake2f.json spells the name in lower case. */
  static const char *const names[] = {"ecRecover", "sha256",         "ripemd160",    "identity", "modexp",
                                      "bn256Add",  "bn256ScalarMul", "bn256Pairing", "blake2F",  "pointEvaluation",
                                      "blsG1Add",  "blsG1MultiExp",  "blsG1Mul",     "blsG2Add", "blsG2MultiExp",
                                      "blsG2Mul",  "blsPairing",     "blsMapG1",     "blsMapG2", "p256Verify"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(names[i], name) == 0) return evm_precompile_by_name(names[i]);
  return NULL;
}
