/* The slow-request thread pool (workers.h) of the JSON-RPC HTTP server
 * (http.c; execution-apis transport): a queue under one mutex; a job
 * wakes an idle thread when more threads wait than jobs are queued, else
 * starts a detached thread. Threads finding more than max_idle others idle
 * exit. */
#include "rpc/workers.h"

#include <pthread.h>
#include <stdlib.h>

struct rpc_workers {
  pthread_mutex_t lock;
  pthread_cond_t work; /* a job queued, or stopping */
  pthread_cond_t gone; /* the last thread exited */
  rpc_job_t *head, *tail;
  unsigned queued, waiting, threads, max_idle;
  bool stopping;
};

rpc_workers_t *rpc_workers_new(unsigned max_idle) {
  rpc_workers_t *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->work, NULL);
  pthread_cond_init(&w->gone, NULL);
  w->max_idle = max_idle;
  return w;
}

static void *worker_main(void *arg) {
  rpc_workers_t *w = arg;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (!w->head && !w->stopping && w->waiting < w->max_idle) {
      w->waiting++;
      pthread_cond_wait(&w->work, &w->lock);
      w->waiting--;
    }
    rpc_job_t *j = w->head;
    if (!j) break; /* stopping, or enough threads idle already */
    w->head = j->next;
    if (!w->head) w->tail = NULL;
    w->queued--;
    pthread_mutex_unlock(&w->lock);
    j->fn(j->arg);
    pthread_mutex_lock(&w->lock);
  }
  if (--w->threads == 0) pthread_cond_broadcast(&w->gone);
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

bool rpc_workers_run(rpc_workers_t *w, rpc_job_t *job) {
  pthread_mutex_lock(&w->lock);
  if (w->stopping) {
    pthread_mutex_unlock(&w->lock);
    return false;
  }
  if (w->queued >= w->waiting) { /* every idle thread has a job already: one more */
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    bool ok = pthread_create(&t, &at, worker_main, w) == 0;
    pthread_attr_destroy(&at);
    if (!ok) {
      pthread_mutex_unlock(&w->lock);
      return false;
    }
    w->threads++;
  }
  job->next = NULL;
  if (w->tail) w->tail->next = job;
  else w->head = job;
  w->tail = job;
  w->queued++;
  pthread_cond_signal(&w->work);
  pthread_mutex_unlock(&w->lock);
  return true;
}

void rpc_workers_free(rpc_workers_t *w) {
  if (!w) return;
  pthread_mutex_lock(&w->lock);
  w->stopping = true;
  pthread_cond_broadcast(&w->work);
  while (w->threads) pthread_cond_wait(&w->gone, &w->lock);
  pthread_mutex_unlock(&w->lock);
  pthread_cond_destroy(&w->work);
  pthread_cond_destroy(&w->gone);
  pthread_mutex_destroy(&w->lock);
  free(w);
}
