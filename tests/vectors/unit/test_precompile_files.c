/* Which precompile and fork a vector file of ../shared/precompiles is for
 * (tests/vectors/precompile_files.c), and every vector file there has one. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "precompile_files.h"

static void test_names(void) {
  evm_revision_t rev;
  bool fail;
  const evm_precompile_t *p = precompile_file_lookup("bn256Add.json", &rev, &fail);
  CHECK(p == evm_precompile_by_name("bn256Add") && rev == EVM_REVISION_COUNT - 1 && !fail);
  p = precompile_file_lookup("fail-blsG1Add.json", &rev, &fail);
  CHECK(p == evm_precompile_by_name("blsG1Add") && fail);
  p = precompile_file_lookup("modexp.json", &rev, &fail);
  CHECK(p == evm_precompile_by_name("modexp") && rev == EVM_BYZANTIUM && !fail);
  p = precompile_file_lookup("modexp_eip2565.json", &rev, &fail);
  CHECK(p == evm_precompile_by_name("modexp") && rev == EVM_BERLIN);
  p = precompile_file_lookup("modexp_eip7883.json", &rev, &fail);
  CHECK(p == evm_precompile_by_name("modexp") && rev == EVM_OSAKA);
  /* fail-blake2f.json spells the name in lower case */
  p = precompile_file_lookup("fail-blake2f.json", &rev, &fail);
  CHECK(p == evm_precompile_by_name("blake2F") && fail);
  CHECK(precompile_file_lookup("kzg_trusted_setup.json", &rev, &fail) == NULL);
  CHECK(precompile_file_lookup("nope", &rev, &fail) == NULL);
}

/* Every .json file of ../shared/precompiles but the trusted setup names a precompile. */
static void test_shared_files(void) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/precompiles", check_shared_dir());
  if (!check_need(dir, "the precompile vectors")) return;
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  if (!d) return;
  int files = 0;
  for (struct dirent *e; (e = readdir(d));) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0 || strcmp(e->d_name, "kzg_trusted_setup.json") == 0) continue;
    evm_revision_t rev;
    bool fail;
    CHECK_MSG(precompile_file_lookup(e->d_name, &rev, &fail) != NULL, "%s", e->d_name);
    files++;
  }
  closedir(d);
  CHECK(files > 20);
}

int main(void) {
  test_names();
  test_shared_files();
  return check_summary();
}
