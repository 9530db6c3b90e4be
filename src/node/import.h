/* A chain file imported on a libuv worker while the node serves (import.c). */
#ifndef ETHC_NODE_IMPORT_H
#define ETHC_NODE_IMPORT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "ethc/chain.h"

typedef struct {
  uv_work_t work;
  chain_t *chain;
  const char *path;
  atomic_bool stop;  /* set by the loop thread: stop after the current block */
  bool running;      /* until the done callback ran (loop thread only) */
  uint64_t imported; /* written by the worker, read after it is done */
  uint64_t head;
  char error[320];
  pthread_mutex_t *lock; /* held around each block's import (the engine API also writes); NULL: none */
} node_import_t;

/* Queues the import of `path` into `chain` (opened as a writer). 0 or a libuv error. */
int node_import_start(uv_loop_t *loop, node_import_t *im, chain_t *chain, const char *path);
/* The same, each block imported under `lock` (NULL: none). */
int node_import_start_locked(uv_loop_t *loop, node_import_t *im, chain_t *chain, const char *path,
                             pthread_mutex_t *lock);
/* Asks the import to stop after the block it is importing. */
void node_import_stop(node_import_t *im);

#endif
