/* Holding an event thread's core for its single client's next request
 * (http_spin.h); the HTTP server is http.c. */
#include "rpc/http_spin.h"

#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#define SPIN_BACKOFF_MAX 64
#define SPIN_SLOTS 64 /* event threads with an answer time; later ones never wait */

static _Atomic uint64_t answered_at[SPIN_SLOTS]; /* ns, per event thread */
static atomic_uint slots_used;

static _Thread_local int slot = -1;    /* this thread's answered_at, -1: none yet */
static _Thread_local unsigned conns;   /* connections of this thread */
static _Thread_local unsigned skip;    /* answers left before the next window */
static _Thread_local unsigned backoff; /* the next skip after an empty window */

void http_spin_opened(void) { conns++; }

void http_spin_closed(void) {
  if (conns) conns--;
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Whether an event thread other than the caller answered since `since`. */
static bool others_answered(uint64_t since) {
  unsigned n = atomic_load_explicit(&slots_used, memory_order_relaxed);
  if (n > SPIN_SLOTS) n = SPIN_SLOTS;
  for (unsigned i = 0; i < n; i++)
    if ((int)i != slot && atomic_load_explicit(&answered_at[i], memory_order_relaxed) > since) return true;
  return false;
}

bool http_spin_wanted(void) {
  if (slot < 0) {
    unsigned s = atomic_fetch_add(&slots_used, 1);
    slot = s < SPIN_SLOTS ? (int)s : SPIN_SLOTS;
  }
  if (slot == SPIN_SLOTS) return false;
  uint64_t now = now_ns();
  atomic_store_explicit(&answered_at[slot], now, memory_order_relaxed);
  if (conns != 1) return false;
  if (skip) {
    skip--;
    return false;
  }
  return !others_answered(now - HTTP_SPIN_QUIET_US * 1000u);
}

bool http_spin_wait(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  uint64_t start = now_ns(), end = start + HTTP_SPIN_US * 1000u;
  do {
    if (poll(&p, 1, 0) != 0) {
      backoff = 0;
      return true;
    }
    sched_yield();
  } while (now_ns() < end && !others_answered(start));
  backoff = backoff ? (backoff * 2 > SPIN_BACKOFF_MAX ? SPIN_BACKOFF_MAX : backoff * 2) : 1;
  skip = backoff;
  return false;
}
