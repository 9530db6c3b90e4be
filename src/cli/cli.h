/* The ethc program's command registry and option parser. Each src/cli file (and the
 * vector runners in tests/vectors) registers its commands with CLI_COMMAND, giving
 * a table of options from which `--help`, `ethc help COMMAND`, `--opt=value`,
 * missing-value and unknown-option messages (with the nearest option suggested)
 * all come, so adding a command never edits a shared table and every command
 * parses its arguments the same way (GNU style: options anywhere, `--` ends them). */
#ifndef ETHC_CLI_H
#define ETHC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One option of a command. A table of them ends with an entry whose name is NULL. */
typedef struct {
  const char *name;  /* long form with its dashes: "--datadir" */
  const char *value; /* placeholder of its value ("DIR"); NULL for a flag */
  const char *help;  /* what it means; '\n' starts a new line in the help text */
  const char *def;   /* the default as shown in the help, or NULL */
} cli_option_t;

struct cli_command;
/* A command's entry point. argv[0] is the command's name; `self` its registration
 * (for cli_args_init). Returns the process's exit status: 0 success, 1 a failure of
 * what was checked, 2 bad usage or input. */
typedef int (*cli_command_fn)(const struct cli_command *self, int argc, char **argv);

typedef struct cli_command {
  const char *group;           /* "" for top-level commands, "bench" for `ethc bench NAME` */
  const char *name;            /* "import" */
  cli_command_fn fn;           /* NULL for a group: `ethc NAME SUB ...` runs a command of group NAME */
  const char *args;            /* positional arguments for the usage line: "FILE.rlp...", or "" */
  const char *summary;         /* one line: what it does */
  const cli_option_t *options; /* NULL-name-terminated table, or NULL for none */
  const char *details;         /* text printed after the options by --help, or NULL */
  struct cli_command *next;
} cli_command_t;

/* Registers a command (CLI_COMMAND calls it from a constructor, before main). */
void cli_register(cli_command_t *cmd);
/* The command NAME of GROUP ("" for top level), or NULL. */
const cli_command_t *cli_find(const char *group, const char *name);
/* Prints a command's help (usage line, summary, every option with its default and
 * meaning, details; for a group, its commands) to stdout. */
void cli_print_help(const cli_command_t *cmd);
/* Runs `argv[0]` as a command of `group` ("" for top level; argv[0] may also be a
 * group). Unknown names are reported with the nearest known one; returns the exit
 * status. */
int cli_dispatch(const char *group, int argc, char **argv);

/* Iterates over a command's arguments:
 *
 *   cli_args_t a;
 *   cli_args_init(&a, self, argc, argv);
 *   for (int k; (k = cli_next(&a)) != CLI_END;)
 *     switch (k) {
 *     case OPT_DATADIR: datadir = a.value; break;      // index into self->options
 *     case CLI_POSITIONAL: files[n++] = a.value; break;
 *     default: return cli_stop(k);                     // --help printed, or an error
 *     }
 *
 * `--opt value` and `--opt=value` both work; `-h`/`--help` print the help; `--`
 * makes every later argument positional; a lone `-` is positional (stdin). An
 * unknown option is reported with the nearest known one, a missing value or a value
 * given to a flag with the option's name; each such message is one line on stderr
 * naming the command. */
typedef struct {
  const cli_command_t *cmd;
  int argc;
  char **argv;
  int next;             /* index of the next argument */
  bool only_positional; /* after `--` */
  const char *value;    /* the value of the option, or the positional argument, just returned */
  const char *option;   /* the option's name just returned, as in the table */
} cli_args_t;

enum {
  CLI_END = -1,        /* no more arguments */
  CLI_POSITIONAL = -2, /* a positional argument, in a.value */
  CLI_HELP = -3,       /* --help was given and printed: exit 0 */
  CLI_ERROR = -4,      /* a usage error was printed: exit 2 */
};

void cli_args_init(cli_args_t *a, const cli_command_t *cmd, int argc, char **argv);
int cli_next(cli_args_t *a);
/* The exit status for CLI_HELP (0) or CLI_ERROR (2). */
int cli_stop(int k);
/* "ethc CMD: MESSAGE" and "run 'ethc CMD --help' for the options" on stderr; returns 2. */
int cli_usage_error(const cli_command_t *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The full name of a command as typed: "import", "bench evm" (a static buffer). */
const char *cli_full_name(const cli_command_t *cmd);
/* Among the NULL-terminated `candidates`, the one nearest to `s` by edit distance
 * when it is near enough to be a likely typo; else NULL. */
const char *cli_nearest(const char *s, const char *const *candidates, size_t n);

/* Argument checks shared by the commands. Each prints one line naming the command,
 * the argument and the bad value on failure ("ethc CMD: WHAT: ...") and returns 2
 * (the usage-error exit status); 0 when the value is good. */
/* A whole number: decimal digits only (or 0x + hex digits when hex_ok), no sign or
 * spaces, at most max. */
int cli_parse_u64(const char *cmd, const char *what, const char *s, bool hex_ok, uint64_t max, uint64_t *out);
/* A finite number of seconds in (0, max] (0 itself allowed when zero_ok). */
int cli_parse_seconds(const char *cmd, const char *what, const char *s, bool zero_ok, double max, double *out);
/* Why `s` is not hex (0x optional): NULL when it is, else "odd number of hex
 * digits", "bad hex digit 'z' at position 5", ... (a static string). */
const char *cli_hex_problem(const char *s);
/* The default data directory: $HOME/.ethc (./.ethc without HOME); a static buffer. */
const char *cli_default_datadir(void);
/* Prints `s` as a JSON string literal (quotes, backslashes, control bytes escaped). */
void cli_print_json_string(const char *s);

/* Registers a command. ARGS, SUMMARY, OPTIONS and DETAILS as in cli_command_t. */
#define CLI_COMMAND(group_, name_, fn_, args_, summary_, options_, details_)                 \
  static void __attribute__((constructor)) cli_register_##fn_(void) {                        \
    static cli_command_t cmd = {group_, name_, fn_, args_, summary_, options_, details_, 0}; \
    cli_register(&cmd);                                                                      \
  }
/* Registers a group of commands (`ethc NAME SUB ...`), whose members register
 * themselves with CLI_COMMAND(NAME, ...). */
#define CLI_GROUP(name_, summary_)                                                      \
  static void __attribute__((constructor)) cli_register_group_##name_(void) {           \
    static cli_command_t cmd = {"", #name_, 0, "COMMAND [ARGS...]", summary_, 0, 0, 0}; \
    cli_register(&cmd);                                                                 \
  }

#endif
