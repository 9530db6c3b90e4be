/* The HTTP event threads' wait for a single client's next request
 * (src/rpc/http_spin.h): a thread waits only while it serves exactly one
 * connection and no other event thread answered lately; a request already
 * sent ends the wait at once; an empty window ends after HTTP_SPIN_US and
 * skips the next 1, 2, 4, ... windows; a request read resets the backoff.
 * Each case runs on a thread of its own (the state is thread-local). Also
 * built with -fsanitize=thread (test_http_spin_tsan, label tsan), where
 * event threads answer and wait at once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rpc/http_spin.h"

static uint64_t now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Lets the answer times of earlier cases age past HTTP_SPIN_QUIET_US. */
static void quiet(void) { usleep(HTTP_SPIN_QUIET_US * 5); }

static void run_on_thread(void *(*fn)(void *)) {
  pthread_t t;
  int rc = pthread_create(&t, NULL, fn, NULL);
  if (!rc) pthread_join(t, NULL);
  CHECK(rc == 0); /* after the join: the case's thread counts checks too */
  quiet();
}

static void *case_connections(void *arg) {
  (void)arg;
  CHECK_MSG(!http_spin_wanted(), "a thread with no connection waits");
  http_spin_opened();
  CHECK_MSG(http_spin_wanted(), "a thread with its only connection does not wait");
  http_spin_opened();
  CHECK_MSG(!http_spin_wanted(), "a thread with two connections waits");
  http_spin_closed();
  CHECK(http_spin_wanted());
  http_spin_closed();
  http_spin_closed(); /* one close too many is ignored */
  http_spin_opened();
  CHECK_MSG(http_spin_wanted(), "the count went below zero");
  return NULL;
}

static void *case_backoff(void *arg) {
  (void)arg;
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  http_spin_opened();

  /* a request already there ends the wait at once */
  CHECK(write(sv[1], "x", 1) == 1);
  CHECK(http_spin_wanted());
  CHECK(http_spin_wait(sv[0]));
  char c;
  CHECK(read(sv[0], &c, 1) == 1);

  /* empty windows: each lasts HTTP_SPIN_US, then 1, 2, 4 answers skip theirs */
  for (unsigned skips = 1; skips <= 4; skips *= 2) {
    CHECK(http_spin_wanted());
    uint64_t t0 = now_us();
    CHECK(!http_spin_wait(sv[0]));
    CHECK_MSG(now_us() - t0 >= HTTP_SPIN_US, "an empty window ended after %llu us",
              (unsigned long long)(now_us() - t0));
    for (unsigned i = 0; i < skips; i++) CHECK_MSG(!http_spin_wanted(), "skip %u of %u not taken", i + 1, skips);
  }
  /* a request read in a window resets the backoff */
  CHECK(http_spin_wanted());
  CHECK(write(sv[1], "y", 1) == 1);
  CHECK(http_spin_wait(sv[0]));
  CHECK(read(sv[0], &c, 1) == 1);
  CHECK(http_spin_wanted());
  CHECK(!http_spin_wait(sv[0]));
  CHECK_MSG(!http_spin_wanted(), "the backoff after a reset is not 1");
  CHECK(http_spin_wanted());

  /* a hang-up ends the wait: the event thread has a close to read */
  close(sv[1]);
  CHECK(http_spin_wait(sv[0]));
  close(sv[0]);
  return NULL;
}

static atomic_bool other_answered, checked;

static void *other_event_thread(void *arg) {
  (void)arg;
  http_spin_opened();
  http_spin_opened();
  /* answers, with two connections: it never waits itself */
  while (!atomic_load(&checked)) {
    http_spin_wanted();
    atomic_store(&other_answered, true);
    usleep(10);
  }
  return NULL;
}

static void *case_other_thread_busy(void *arg) {
  (void)arg;
  http_spin_opened();
  pthread_t t;
  CHECK(pthread_create(&t, NULL, other_event_thread, NULL) == 0);
  while (!atomic_load(&other_answered)) usleep(10);
  /* a loaded machine may hold either thread off the core for longer than
   * HTTP_SPIN_QUIET_US: one refusal in many tries is the behaviour */
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; i++) refused = !http_spin_wanted();
  CHECK_MSG(refused, "waits although another event thread keeps answering");
  atomic_store(&checked, true);
  pthread_join(t, NULL);
  quiet();
  CHECK_MSG(http_spin_wanted(), "still held back once the other thread is quiet");
  return NULL;
}

/* ---- event threads answering and waiting at once ---- */

#define STRESS_THREADS 4
#define STRESS_ROUNDS 3000

static atomic_int stress_missed;

static void *stress_thread(void *arg) {
  (void)arg;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) return NULL;
  http_spin_opened();
  for (int i = 0; i < STRESS_ROUNDS; i++) {
    bool sent = i % 3 == 0;
    if (sent && write(sv[1], "z", 1) != 1) break;
    if (http_spin_wanted() && sent && !http_spin_wait(sv[0])) atomic_fetch_add(&stress_missed, 1);
    char c;
    if (sent && read(sv[0], &c, 1) != 1) break;
  }
  http_spin_closed();
  close(sv[0]);
  close(sv[1]);
  return NULL;
}

int main(void) {
  quiet();
  run_on_thread(case_connections);
  run_on_thread(case_backoff);
  run_on_thread(case_other_thread_busy);
  pthread_t t[STRESS_THREADS];
  for (int i = 0; i < STRESS_THREADS; i++) CHECK(pthread_create(&t[i], NULL, stress_thread, NULL) == 0);
  for (int i = 0; i < STRESS_THREADS; i++) pthread_join(t[i], NULL);
  CHECK_MSG(atomic_load(&stress_missed) == 0, "%d waits missed a request already sent", atomic_load(&stress_missed));
  return check_summary();
}
