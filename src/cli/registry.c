/* The command registry of the ethc program (cli.h): commands register themselves
 * before main; dispatch finds them by name (suggesting the nearest on a typo) and
 * prints each command's or group's help from its option table. */
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

const char *cli_full_name(const cli_command_t *cmd) {
  static __thread char buf[128];
  snprintf(buf, sizeof buf, "%s%s%s", cmd->group, *cmd->group ? " " : "", cmd->name);
  return buf;
}

/* Prints `text` indented by `indent` columns after its first line. */
static void print_indented(FILE *out, const char *text, int indent) {
  for (const char *p = text; *p; p++) {
    fputc(*p, out);
    if (*p == '\n' && p[1]) fprintf(out, "%*s", indent, "");
  }
}

static void print_commands(FILE *out, const char *group) {
  int width = 0;
  for (const cli_command_t *c = commands; c; c = c->next)
    if (strcmp(c->group, group) == 0 && (int)strlen(c->name) > width) width = (int)strlen(c->name);
  for (const cli_command_t *c = commands; c; c = c->next)
    if (strcmp(c->group, group) == 0) fprintf(out, "  %-*s  %s\n", width, c->name, c->summary);
}

void cli_print_help(const cli_command_t *cmd) {
  const char *name = cli_full_name(cmd);
  if (!cmd->fn) {
    printf("usage: ethc %s COMMAND [ARGS...]\n\n%s\n\ncommands:\n", name, cmd->summary);
    print_commands(stdout, cmd->name);
    printf("\nrun 'ethc %s COMMAND --help' for a command's options\n", name);
    return;
  }
  bool has_options = cmd->options && cmd->options[0].name;
  printf("usage: ethc %s%s%s%s\n\n%s\n", name, has_options ? " [OPTIONS]" : "", *cmd->args ? " " : "", cmd->args,
         cmd->summary);
  int width = (int)strlen("-h, --help");
  for (const cli_option_t *o = cmd->options; o && o->name; o++) {
    int w = (int)strlen(o->name) + (o->value ? 1 + (int)strlen(o->value) : 0);
    if (w > width) width = w;
  }
  printf("\noptions:\n");
  for (const cli_option_t *o = cmd->options; o && o->name; o++) {
    char left[160];
    snprintf(left, sizeof left, "%s%s%s", o->name, o->value ? " " : "", o->value ? o->value : "");
    printf("  %-*s  ", width, left);
    print_indented(stdout, o->help, width + 4);
    if (o->def) printf(" (default: %s)", o->def);
    printf("\n");
  }
  printf("  %-*s  %s\n", width, "-h, --help", "print this help");
  if (cmd->details) {
    printf("\n");
    fputs(cmd->details, stdout);
    if (cmd->details[0] && cmd->details[strlen(cmd->details) - 1] != '\n') printf("\n");
  }
}

static int unknown_command(const char *group, const char *name) {
  const char *names[64];
  size_t n = 0;
  for (const cli_command_t *c = commands; c && n < 64; c = c->next)
    if (strcmp(c->group, group) == 0) names[n++] = c->name;
  const char *near = cli_nearest(name, names, n);
  const char *sp = *group ? " " : "";
  fprintf(stderr, "ethc%s%s: unknown command '%s'", sp, group, name);
  if (near) fprintf(stderr, " (did you mean '%s'?)", near);
  fprintf(stderr, "\nrun 'ethc%s%s --help' for the commands\n", sp, group);
  return 2;
}

int cli_dispatch(const char *group, int argc, char **argv) {
  const cli_command_t *cmd = cli_find(group, argv[0]);
  if (!cmd) return unknown_command(group, argv[0]);
  if (cmd->fn) return cmd->fn(cmd, argc, argv);
  /* a group: `ethc GROUP SUB ...` */
  if (argc < 2) {
    fprintf(stderr, "ethc %s: which command? ", cmd->name);
    fprintf(stderr, "one of:\n");
    print_commands(stderr, cmd->name);
    return 2;
  }
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
    if (argc > 2 && strcmp(argv[1], "help") == 0) {
      const cli_command_t *sub = cli_find(cmd->name, argv[2]);
      if (!sub) return unknown_command(cmd->name, argv[2]);
      cli_print_help(sub);
      return 0;
    }
    cli_print_help(cmd);
    return 0;
  }
  return cli_dispatch(cmd->name, argc - 1, argv + 1);
}

/* `ethc help [COMMAND [SUB]]` */
static int cmd_help(const cli_command_t *self, int argc, char **argv) {
  if (argc < 2) {
    printf("ethc: a light Ethereum node and EVM executor\n\nusage: ethc COMMAND [ARGS...]\n\ncommands:\n");
    print_commands(stdout, "");
    printf("\nrun 'ethc help COMMAND' or 'ethc COMMAND --help' for a command's options\n");
    return 0;
  }
  const cli_command_t *cmd = cli_find("", argv[1]);
  if (!cmd) return unknown_command("", argv[1]);
  if (argc > 2 && !cmd->fn) {
    const cli_command_t *sub = cli_find(cmd->name, argv[2]);
    if (!sub) return unknown_command(cmd->name, argv[2]);
    cmd = sub;
  }
  cli_print_help(cmd);
  return 0;
}
CLI_COMMAND("", "help", cmd_help, "[COMMAND [SUBCOMMAND]]", "print the commands, or one command's options", NULL, NULL)

CLI_GROUP(bench, "benchmarks: the EVM on state-test-format programs, the precompiles on their vectors")
