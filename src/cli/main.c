/* ethc: the program's entry point. Dispatches to the registered subcommands
 * (test, run, bench, ...), each in its own file under src/cli or tests/vectors. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static cli_command_t *commands;

void cli_register(cli_command_t *cmd) {
  /* keep registration order stable: append */
  cli_command_t **p = &commands;
  while (*p) p = &(*p)->next;
  *p = cmd;
}

const cli_command_t *cli_find(const char *group, const char *name) {
  for (const cli_command_t *c = commands; c; c = c->next)
    if (strcmp(c->group, group) == 0 && strcmp(c->name, name) == 0) return c;
  return NULL;
}

void cli_print_group(const char *group) {
  for (const cli_command_t *c = commands; c; c = c->next)
    if (strcmp(c->group, group) == 0)
      fprintf(stderr, "  ethc %s%s%s %s\n", group, *group ? " " : "", c->name, c->usage);
}

static int usage(void) {
  fprintf(stderr, "ethc: a light Ethereum node and EVM executor\nusage:\n");
  cli_print_group("");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
    return usage();
  const cli_command_t *cmd = cli_find("", argv[1]);
  if (!cmd) {
    fprintf(stderr, "ethc: unknown command '%s'\n", argv[1]);
    return usage();
  }
  return cmd->fn(argc - 1, argv + 1);
}
