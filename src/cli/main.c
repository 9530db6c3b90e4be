/* ethc: the program's entry point. Dispatches to the registered subcommands
 * (test, run, bench, ...), each in its own file under src/cli or tests/vectors. */
#include <pthread.h>
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
