/* Subcommand registry of the ethc program: each src/cli/ files file registers its
 * commands with CLI_COMMAND, so adding a command never edits a shared table. */
#ifndef ETHC_CLI_H
#define ETHC_CLI_H

typedef int (*cli_command_fn)(int argc, char **argv); /* argv[0] is the command name */

typedef struct cli_command {
  const char *group;   /* "" for top-level commands, "bench" for `ethc bench NAME` */
  const char *name;
  cli_command_fn fn;
  const char *usage;   /* one line: arguments and what it does */
  struct cli_command *next;
} cli_command_t;

void cli_register(cli_command_t *cmd);
/* Finds a command; NULL when unknown. */
const cli_command_t *cli_find(const char *group, const char *name);
/* Prints the commands of a group with their usage to stderr. */
void cli_print_group(const char *group);

#define CLI_COMMAND(group_, name_, fn_, usage_)                                  \
  static void __attribute__((constructor)) cli_register_##fn_(void) {          \
    static cli_command_t cmd = {group_, name_, fn_, usage_, 0};                 \
    cli_register(&cmd);                                                         \
  }

#endif
