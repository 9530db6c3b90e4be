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

/* Argument checks shared by the commands. Each prints one line naming the command,
 * the argument and the bad value on failure ("ethc CMD: WHAT: ...") and returns 2
 * (the usage-error exit status); 0 when the value is good. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* A whole number: decimal digits only (or 0x + hex digits when hex_ok), no sign or
 * spaces, at most max. */
int cli_parse_u64(const char *cmd, const char *what, const char *s, bool hex_ok, uint64_t max, uint64_t *out);
/* A finite number of seconds in (0, max] (0 itself allowed when zero_ok). */
int cli_parse_seconds(const char *cmd, const char *what, const char *s, bool zero_ok, double max, double *out);
/* Why `s` is not hex (0x optional): NULL when it is, else "odd number of hex
 * digits", "bad hex digit 'z' at position 5", ... (a static string). */
const char *cli_hex_problem(const char *s);
/* "ethc CMD: option 'OPT' needs a value"; returns 2. */
int cli_missing_value(const char *cmd, const char *opt);
/* Prints `s` as a JSON string literal (quotes, backslashes, control bytes escaped). */
void cli_print_json_string(const char *s);

#define CLI_COMMAND(group_, name_, fn_, usage_)                                  \
  static void __attribute__((constructor)) cli_register_##fn_(void) {          \
    static cli_command_t cmd = {group_, name_, fn_, usage_, 0};                 \
    cli_register(&cmd);                                                         \
  }

#endif
