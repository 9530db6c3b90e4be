/* `ethc version`: the program's version (CMake's project version), the git commit
 * it was built from and the compiler and C flags, as cmake/version.cmake wrote
 * them into the build directory at build time. */
#include <stdio.h>

#include "cli/cli.h"

extern const char ethc_build_version[], ethc_build_commit[], ethc_build_compiler[], ethc_build_type[],
    ethc_build_cflags[];

static int cmd_version(const cli_command_t *self, int argc, char **argv) {
  cli_args_t a;
  cli_args_init(&a, self, argc, argv);
  for (int k; (k = cli_next(&a)) != CLI_END;) {
    if (k == CLI_POSITIONAL) return cli_usage_error(self, "unexpected argument '%s'", a.value);
    return cli_stop(k);
  }
  printf("ethc %s\n", ethc_build_version);
  printf("commit: %s\n", ethc_build_commit);
  printf("compiler: %s\n", ethc_build_compiler);
  printf("build type: %s\n", ethc_build_type);
  printf("c flags: %s\n", ethc_build_cflags);
  return 0;
}
CLI_COMMAND("", "version", cmd_version, "",
            "print the version, the git commit and the compiler of this build (also --version)", NULL, NULL)
