/* The slow-request thread pool (src/rpc/workers.h): jobs never wait for one
 * another (N jobs that each wait until all N have started finish, which a
 * pool that queued them behind busy threads would deadlock on), jobs from
 * several submitting threads all run exactly once, idle threads are reused,
 * and a stopping pool finishes its queued jobs and refuses new ones. Also
 * built with -fsanitize=thread (test_rpc_workers_tsan, label tsan), where any
 * data race fails the test. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "rpc/workers.h"

#define GANG 24
#define SUBMITTERS 4
#define PER_SUBMITTER 2000

/* ---- jobs that wait for one another ---- */

static pthread_mutex_t gang_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gang_cv = PTHREAD_COND_INITIALIZER;
static int gang_started, gang_done;

static void gang_job(void *arg) {
  (void)arg;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 10;
  pthread_mutex_lock(&gang_lock);
  gang_started++;
  pthread_cond_broadcast(&gang_cv);
  while (gang_started < GANG)
    if (pthread_cond_timedwait(&gang_cv, &gang_lock, &until)) break;
  if (gang_started == GANG) gang_done++;
  pthread_cond_broadcast(&gang_cv);
  pthread_mutex_unlock(&gang_lock);
}

static void test_no_waiting(void) {
  rpc_workers_t *w = rpc_workers_new(4);
  CHECK(w != NULL);
  if (!w) return;
  rpc_job_t jobs[GANG];
  for (int i = 0; i < GANG; i++) {
    jobs[i] = (rpc_job_t){gang_job, NULL, NULL};
    CHECK(rpc_workers_run(w, &jobs[i]));
  }
  rpc_workers_free(w); /* waits for them all */
  CHECK_MSG(gang_done == GANG, "%d of %d jobs saw all the others start", gang_done, GANG);
}

/* ---- many small jobs from several threads ---- */

static atomic_int ran[SUBMITTERS * PER_SUBMITTER];
static rpc_job_t small_jobs[SUBMITTERS * PER_SUBMITTER];
static atomic_int refused;

static void small_job(void *arg) { atomic_fetch_add(&ran[(intptr_t)arg], 1); }

typedef struct {
  rpc_workers_t *w;
  int base;
} submitter_t;

static void *submitter(void *arg) {
  submitter_t *s = arg;
  for (int i = 0; i < PER_SUBMITTER; i++) {
    int k = s->base + i;
    small_jobs[k] = (rpc_job_t){small_job, (void *)(intptr_t)k, NULL};
    if (!rpc_workers_run(s->w, &small_jobs[k])) {
      atomic_fetch_add(&refused, 1);
      small_job((void *)(intptr_t)k); /* as the server does: run it here */
    }
  }
  return NULL;
}

static void test_many(void) {
  rpc_workers_t *w = rpc_workers_new(2);
  CHECK(w != NULL);
  if (!w) return;
  pthread_t t[SUBMITTERS];
  submitter_t s[SUBMITTERS];
  for (int i = 0; i < SUBMITTERS; i++) {
    s[i] = (submitter_t){w, i * PER_SUBMITTER};
    pthread_create(&t[i], NULL, submitter, &s[i]);
  }
  for (int i = 0; i < SUBMITTERS; i++) pthread_join(t[i], NULL);
  rpc_workers_free(w);
  int once = 0;
  for (int i = 0; i < SUBMITTERS * PER_SUBMITTER; i++) once += atomic_load(&ran[i]) == 1;
  CHECK_MSG(once == SUBMITTERS * PER_SUBMITTER, "%d of %d jobs ran exactly once", once, SUBMITTERS * PER_SUBMITTER);
  CHECK_MSG(atomic_load(&refused) == 0, "%d jobs refused by a running pool", atomic_load(&refused));
}

/* ---- a stopped pool ---- */

static void test_stopped(void) {
  rpc_workers_free(NULL);
  rpc_workers_t *w = rpc_workers_new(0); /* no idle threads kept: each job may start one */
  CHECK(w != NULL);
  if (!w) return;
  rpc_job_t j = {small_job, (void *)(intptr_t)0, NULL};
  atomic_store(&ran[0], 0);
  CHECK(rpc_workers_run(w, &j));
  rpc_workers_free(w);
  CHECK(atomic_load(&ran[0]) == 1);
}

int main(void) {
  test_no_waiting();
  test_many();
  test_stopped();
  return check_summary();
}
