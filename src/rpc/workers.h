/* A pool of threads for the HTTP server's slow requests (workers.c): a job
 * runs at once on an idle thread, or on a new one when none is idle, so jobs
 * never wait for one another; up to max_idle threads wait for the next job
 * instead of exiting (no thread start per slow request). */
#ifndef ETHC_RPC_WORKERS_H
#define ETHC_RPC_WORKERS_H

#include <stdbool.h>

typedef struct rpc_job {
  void (*fn)(void *arg);
  void *arg;
  struct rpc_job *next; /* the pool's */
} rpc_job_t;

typedef struct rpc_workers rpc_workers_t;

/* A pool keeping up to max_idle idle threads, or NULL (out of memory). */
rpc_workers_t *rpc_workers_new(unsigned max_idle);
/* Runs job->fn(job->arg) on a pool thread. The job (caller-owned) must live
 * until fn has started. False, and nothing runs, when the pool is stopping or
 * no thread can start: then the caller runs it. Thread-safe. */
bool rpc_workers_run(rpc_workers_t *w, rpc_job_t *job);
/* Refuses new jobs, waits for those queued and running, ends the threads and
 * frees the pool. NULL: nothing. */
void rpc_workers_free(rpc_workers_t *w);

#endif
