/* `ethc bench TARGET ...`: dispatches to the registered benchmark targets
 * (evm, precompile, ...), each registered with CLI_COMMAND("bench", ...). */
#include <stdio.h>

#include "cli/cli.h"

static int cmd_bench(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ethc bench TARGET ...\ntargets:\n");
    cli_print_group("bench");
    return 2;
  }
  const cli_command_t *t = cli_find("bench", argv[1]);
  if (!t) {
    fprintf(stderr, "ethc bench: unknown target '%s'\ntargets:\n", argv[1]);
    cli_print_group("bench");
    return 2;
  }
  return t->fn(argc - 1, argv + 1);
}
CLI_COMMAND("", "bench", cmd_bench, "TARGET [ARGS...]   run a benchmark target (see `ethc bench`)")
