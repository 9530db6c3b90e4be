/* Which precompile and fork a vector file of ../shared/precompiles exercises, from
 * its file name (go-ethereum's names; see that folder's README). Test vocabulary,
 * kept out of the library; `ethc test precompile` and `ethc bench precompile` use it. */
#ifndef ETHC_VECTORS_PRECOMPILE_FILES_H
#define ETHC_VECTORS_PRECOMPILE_FILES_H

#include <stdbool.h>

#include "ethc/evm.h"
#include "ethc/precompiles.h"

/* The precompile a vector file exercises, from its base name ("bn256Add.json",
 * "fail-blsG1Add.json", "modexp_eip2565.json"): sets the fork the vectors assume
 * (modexp: Byzantium, _eip2565: Berlin, _eip7883: Osaka, others the latest) and
 * whether the file expects failures ("fail-" prefix). NULL when none matches. */
const evm_precompile_t *precompile_file_lookup(const char *base, evm_revision_t *rev, bool *fail);

#endif
