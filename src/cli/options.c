/* The option parser of every ethc command (cli.h): GNU-style long options from a
 * command's table, `--opt value` or `--opt=value`, `--` ends the options, and an
 * unknown option is answered with the nearest known one (Damerau-Levenshtein). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_args_init(cli_args_t *a, const cli_command_t *cmd, int argc, char **argv) {
  memset(a, 0, sizeof *a);
  a->cmd = cmd;
  a->argc = argc;
  a->argv = argv;
  a->next = 1; /* argv[0] is the command's name */
}

int cli_stop(int k) { return k == CLI_HELP ? 0 : 2; }

int cli_usage_error(const cli_command_t *cmd, const char *fmt, ...) {
  const char *name = cli_full_name(cmd);
  fprintf(stderr, "ethc %s: ", name);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nrun 'ethc %s --help' for the options\n", name);
  return 2;
}

/* Optimal-string-alignment distance (insertions, deletions, substitutions and
 * swaps of neighbours each cost 1), of strings up to 63 bytes; larger for longer. */
static size_t edit_distance(const char *s, const char *t) {
  size_t n = strlen(s), m = strlen(t);
  if (n > 63 || m > 63) return 64;
  size_t d[64][64];
  for (size_t i = 0; i <= n; i++) d[i][0] = i;
  for (size_t j = 0; j <= m; j++) d[0][j] = j;
  for (size_t i = 1; i <= n; i++)
    for (size_t j = 1; j <= m; j++) {
      size_t best = d[i - 1][j - 1] + (s[i - 1] != t[j - 1]);
      if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && s[i - 1] == t[j - 2] && s[i - 2] == t[j - 1] && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[n][m];
}

const char *cli_nearest(const char *s, const char *const *candidates, size_t n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(s, candidates[i]);
    if (d < best_d) best_d = d, best = candidates[i];
  }
  /* a typo, not another word: at most 2 edits, and at most a third of the word */
  size_t len = strlen(s);
  size_t limit = len / 3 > 2 ? 2 : len / 3 < 1 ? 1 : len / 3;
  if (best && best_d <= limit) return best;
  /* an unambiguous prefix ("--data" for "--datadir") is a likely slip too */
  const char *prefixed = NULL;
  for (size_t i = 0; i < n; i++)
    if (len >= 3 && strncmp(candidates[i], s, len) == 0) {
      if (prefixed) return NULL;
      prefixed = candidates[i];
    }
  return prefixed;
}

static int unknown_option(cli_args_t *a, const char *arg, size_t len) {
  const char *names[65];
  size_t n = 0;
  for (const cli_option_t *o = a->cmd->options; o && o->name && n < 64; o++) names[n++] = o->name;
  names[n++] = "--help";
  char typed[128];
  snprintf(typed, sizeof typed, "%.*s", (int)(len < sizeof typed ? len : sizeof typed - 1), arg);
  const char *near = cli_nearest(typed, names, n);
  if (near) return cli_usage_error(a->cmd, "unknown option '%s' (did you mean %s?)", typed, near), CLI_ERROR;
  return cli_usage_error(a->cmd, "unknown option '%s'", typed), CLI_ERROR;
}

int cli_next(cli_args_t *a) {
  a->value = a->option = NULL;
  if (a->next >= a->argc) return CLI_END;
  const char *arg = a->argv[a->next++];
  /* "-" is stdin, "-5" a (negative) number: no option starts with a digit */
  if (a->only_positional || arg[0] != '-' || arg[1] == 0 || (arg[1] >= '0' && arg[1] <= '9')) {
    a->value = arg;
    return CLI_POSITIONAL;
  }
  if (strcmp(arg, "--") == 0) {
    a->only_positional = true;
    return cli_next(a);
  }
  if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
    cli_print_help(a->cmd);
    return CLI_HELP;
  }
  const char *eq = strchr(arg, '=');
  size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
  const cli_option_t *opts = a->cmd->options;
  for (int i = 0; opts && opts[i].name; i++) {
    if (strlen(opts[i].name) != len || strncmp(opts[i].name, arg, len) != 0) continue;
    a->option = opts[i].name;
    if (!opts[i].value) {
      if (eq) return cli_usage_error(a->cmd, "option '%s' takes no value (got '%s')", opts[i].name, eq + 1), CLI_ERROR;
      return i;
    }
    if (eq) a->value = eq + 1;
    else if (a->next < a->argc) a->value = a->argv[a->next++];
    else return cli_usage_error(a->cmd, "option '%s' needs a value (%s)", opts[i].name, opts[i].value), CLI_ERROR;
    return i;
  }
  return unknown_option(a, arg, len);
}
