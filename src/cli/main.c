/* ethc: the program's entry point. Dispatches to the registered subcommands
 * (test, run, bench, ...), each in its own file under src/cli or tests/vectors. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The interpreter recurses once per nested call (up to depth 1024); commands run
 * on a thread with a stack large enough for that whatever the shell's ulimit (the
 * memory is reserved, and only committed as it is touched). */
#define COMMAND_STACK_SIZE ((size_t)1 << 30)

typedef struct {
  const cli_command_t *cmd;
  int argc;
  char **argv;
  int rc;
} command_run_t;

static void *run_command(void *arg) {
  command_run_t *r = arg;
  r->rc = r->cmd->fn(r->argc, r->argv);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
    return usage();
  const cli_command_t *cmd = cli_find("", argv[1]);
  if (!cmd) {
    fprintf(stderr, "ethc: unknown command '%s'\n", argv[1]);
    return usage();
  }
  command_run_t run = {cmd, argc - 1, argv + 1, 0};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, COMMAND_STACK_SIZE) == 0 &&
      pthread_create(&thread, &attr, run_command, &run) == 0) {
    pthread_join(thread, NULL);
  } else {
    run_command(&run); /* no big stack available: run here */
  }
  return run.rc;
}

/* ---- argument checks (cli.h) ---- */
int cli_parse_u64(const char *cmd, const char *what, const char *s, bool hex_ok, uint64_t max, uint64_t *out) {
  bool hex = hex_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const char *d = hex ? s + 2 : s;
  bool ok = *d != 0;
  for (const char *p = d; ok && *p; p++) ok = hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p);
  if (ok) {
    errno = 0;
    unsigned long long v = strtoull(d, NULL, hex ? 16 : 10);
    if (errno == ERANGE || v > max) {
      fprintf(stderr, "ethc %s: %s: '%s' is too large (at most %llu)\n", cmd, what, s, (unsigned long long)max);
      return 2;
    }
    *out = v;
    return 0;
  }
  fprintf(stderr, "ethc %s: %s: expected a whole number%s, got '%s'\n", cmd, what, hex_ok ? " (decimal or 0x-hex)" : "",
          s);
  return 2;
}

int cli_parse_seconds(const char *cmd, const char *what, const char *s, bool zero_ok, double max, double *out) {
  char *end;
  errno = 0;
  double v = *s && !isspace((unsigned char)*s) ? strtod(s, &end) : NAN;
  if (isnan(v) || *end || errno == ERANGE || !isfinite(v) || v < 0 || (v == 0 && !zero_ok) || v > max) {
    fprintf(stderr, "ethc %s: %s: expected a number of seconds in %s0, %g], got '%s'\n", cmd, what, zero_ok ? "[" : "(",
            max, s);
    return 2;
  }
  *out = v;
  return 0;
}

const char *cli_hex_problem(const char *s) {
  static char buf[64];
  const char *d = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? s + 2 : s;
  size_t n = 0;
  for (; d[n]; n++)
    if (!isxdigit((unsigned char)d[n])) {
      if (isprint((unsigned char)d[n])) snprintf(buf, sizeof buf, "bad hex digit '%c' at position %zu", d[n], (size_t)(d - s) + n);
      else snprintf(buf, sizeof buf, "bad hex digit (byte 0x%02x) at position %zu", (unsigned char)d[n], (size_t)(d - s) + n);
      return buf;
    }
  if (n & 1) return "odd number of hex digits";
  return NULL;
}

int cli_missing_value(const char *cmd, const char *opt) {
  fprintf(stderr, "ethc %s: option '%s' needs a value\n", cmd, opt);
  return 2;
}
