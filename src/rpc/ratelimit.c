/* Requests per second per client address (--rpc.ratelimit): a token bucket
 * per address holding up to one second's worth, refilled continuously. The
 * buckets are a fixed direct-mapped table (a collision restarts the bucket,
 * never blocks a client wrongly for long), locked per stripe. */
#include "rpc/ratelimit.h"

#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "ethc/keccak.h"

#define BUCKETS 4096
#define STRIPES 32

typedef struct {
  uint8_t addr[16];
  bool used;
  double tokens;
  uint64_t last_ns;
} bucket_t;

struct rpc_ratelimit {
  double rate;
  bucket_t buckets[BUCKETS];
  pthread_mutex_t locks[STRIPES];
};

rpc_ratelimit_t *rpc_ratelimit_new(unsigned per_second) {
  rpc_ratelimit_t *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->rate = per_second;
  for (int i = 0; i < STRIPES; i++) pthread_mutex_init(&r->locks[i], NULL);
  return r;
}

void rpc_ratelimit_free(rpc_ratelimit_t *r) {
  if (!r) return;
  for (int i = 0; i < STRIPES; i++) pthread_mutex_destroy(&r->locks[i]);
  free(r);
}

bool rpc_ratelimit_allow(rpc_ratelimit_t *r, const struct sockaddr *sa) {
  if (!r || !sa) return true;
  uint8_t addr[16] = {0};
  if (sa->sa_family == AF_INET) memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
  else if (sa->sa_family == AF_INET6) memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
  else return true;
  uint8_t h[32];
  keccak256(addr, sizeof addr, h); /* spreads addresses that differ in a few bits */
  size_t i = ((size_t)h[0] << 8 | h[1]) % BUCKETS;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
  pthread_mutex_t *l = &r->locks[i % STRIPES];
  pthread_mutex_lock(l);
  bucket_t *b = &r->buckets[i];
  if (!b->used || memcmp(b->addr, addr, 16)) {
    memcpy(b->addr, addr, 16);
    b->used = true;
    b->tokens = r->rate;
    b->last_ns = now;
  }
  /* `now` was read before the lock: another thread may have stamped a later time */
  if (now > b->last_ns) {
    b->tokens += r->rate * (double)(now - b->last_ns) / 1e9;
    b->last_ns = now;
  }
  if (b->tokens > r->rate) b->tokens = r->rate;
  bool ok = b->tokens >= 1;
  if (ok) b->tokens -= 1;
  pthread_mutex_unlock(l);
  return ok;
}
