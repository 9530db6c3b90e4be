/* ethc: the program's entry point. Runs the registered command named by the first
 * argument (src/cli/registry.c) on a thread with a large stack. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* The interpreter recurses once per nested call (up to depth 1024); commands run
 * on a thread with a stack large enough for that whatever the shell's ulimit (the
 * memory is reserved, and only committed as it is touched). */
#define COMMAND_STACK_SIZE ((size_t)1 << 30)

typedef struct {
  int argc;
  char **argv;
  int rc;
} command_run_t;

static void *run_command(void *arg) {
  command_run_t *r = arg;
  r->rc = cli_dispatch("", r->argc, r->argv);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ethc COMMAND [ARGS...]\nrun 'ethc help' for the commands\n");
    return 2;
  }
  /* `ethc --help` and `ethc --version` are the commands help and version */
  char *alias[] = {"help", "version"};
  if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) argv[1] = alias[0];
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) argv[1] = alias[1];
  command_run_t run = {argc - 1, argv + 1, 0};
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
