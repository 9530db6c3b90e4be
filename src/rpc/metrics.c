/* The server's metrics in the Prometheus text exposition format (version
 * 0.0.4): calls, errors and a latency histogram per method, batch sizes,
 * requests in flight, the head block, the database's size and the process's
 * resident memory. Counters are relaxed atomics: a scrape may see one call
 * counted before its latency, never a torn value. */
#include <dirent.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ethc/chain_read.h"
#include "rpc/method_index.h"
#include "rpc/rpc_internal.h"

static const double latency_le[RPC_LATENCY_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                       0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};
static const unsigned batch_le[RPC_BATCH_BUCKETS] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};

int rpc_metrics_index(const rpc_method_t *m) { return rpc_method_position(m); }

void rpc_metrics_call(rpc_server_t *s, const rpc_method_t *m, uint64_t ns, bool failed) {
  int i = m ? rpc_metrics_index(m) : -1;
  if (i < 0) {
    atomic_fetch_add_explicit(&s->unknown_calls, 1, memory_order_relaxed);
    return;
  }
  rpc_method_stats_t *st = &s->stats[i];
  atomic_fetch_add_explicit(&st->calls, 1, memory_order_relaxed);
  if (failed) atomic_fetch_add_explicit(&st->errors, 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&st->sum_ns, ns, memory_order_relaxed);
  double sec = (double)ns / 1e9;
  int b = 0;
  while (b < RPC_LATENCY_BUCKETS && sec > latency_le[b]) b++;
  atomic_fetch_add_explicit(&st->buckets[b], 1, memory_order_relaxed);
}

void rpc_metrics_batch(rpc_server_t *s, size_t n) {
  int b = 0;
  while (b < RPC_BATCH_BUCKETS && n > batch_le[b]) b++;
  atomic_fetch_add_explicit(&s->batch_buckets[b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->batch_sum, n, memory_order_relaxed);
}

/* Bytes of the regular files in `dir` and its direct subdirectories. */
static uint64_t dir_size(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  uint64_t total = 0;
  struct dirent *e;
  char path[4096];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st)) continue;
    if (S_ISREG(st.st_mode)) total += (uint64_t)st.st_size;
    else if (S_ISDIR(st.st_mode) && depth > 0) total += dir_size(path, depth - 1);
  }
  closedir(d);
  return total;
}

static uint64_t rss_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, rss = 0;
  if (!f) return 0;
  if (fscanf(f, "%lu %lu", &size, &rss) != 2) rss = 0;
  fclose(f);
  return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* A growable text buffer for the exposition. */
typedef struct {
  char *p;
  size_t len, cap;
  bool oom;
} text_t;

static void add(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text_t *t, const char *fmt, ...) {
  if (t->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (t->p && t->len + (size_t)n < t->cap) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = t->cap ? t->cap * 2 : 16384;
    while (cap < t->len + (size_t)n + 1) cap *= 2;
    char *np = realloc(t->p, cap);
    if (!np) {
      t->oom = true;
      return;
    }
    t->p = np;
    t->cap = cap;
  }
}

char *rpc_metrics_text(rpc_server_t *s, unsigned inflight, size_t *len) {
  text_t t = {0};
  const rpc_method_t *all[RPC_MAX_METHODS];
  size_t n = rpc_method_all(all, RPC_MAX_METHODS);
  if (n > RPC_MAX_METHODS) n = RPC_MAX_METHODS;
  add(&t, "# HELP ethc_rpc_calls_total JSON-RPC calls answered, by method.\n# TYPE ethc_rpc_calls_total counter\n");
  for (size_t i = 0; i < n; i++) {
    uint64_t c = atomic_load_explicit(&s->stats[i].calls, memory_order_relaxed);
    if (c) add(&t, "ethc_rpc_calls_total{method=\"%s\"} %llu\n", all[i]->name, (unsigned long long)c);
  }
  add(&t,
      "# HELP ethc_rpc_errors_total JSON-RPC calls answered with an error, by method.\n"
      "# TYPE ethc_rpc_errors_total counter\n");
  for (size_t i = 0; i < n; i++) {
    uint64_t e = atomic_load_explicit(&s->stats[i].errors, memory_order_relaxed);
    if (atomic_load_explicit(&s->stats[i].calls, memory_order_relaxed))
      add(&t, "ethc_rpc_errors_total{method=\"%s\"} %llu\n", all[i]->name, (unsigned long long)e);
  }
  add(&t,
      "# HELP ethc_rpc_unknown_method_total Calls of methods that do not exist or are not enabled.\n"
      "# TYPE ethc_rpc_unknown_method_total counter\nethc_rpc_unknown_method_total %llu\n",
      (unsigned long long)atomic_load_explicit(&s->unknown_calls, memory_order_relaxed));
  add(&t,
      "# HELP ethc_rpc_duration_seconds Time spent in each method's handler.\n"
      "# TYPE ethc_rpc_duration_seconds histogram\n");
  for (size_t i = 0; i < n; i++) {
    rpc_method_stats_t *st = &s->stats[i];
    if (!atomic_load_explicit(&st->calls, memory_order_relaxed)) continue;
    uint64_t cum = 0;
    for (int b = 0; b <= RPC_LATENCY_BUCKETS; b++) {
      cum += atomic_load_explicit(&st->buckets[b], memory_order_relaxed);
      if (b < RPC_LATENCY_BUCKETS)
        add(&t, "ethc_rpc_duration_seconds_bucket{method=\"%s\",le=\"%g\"} %llu\n", all[i]->name, latency_le[b],
            (unsigned long long)cum);
      else
        add(&t, "ethc_rpc_duration_seconds_bucket{method=\"%s\",le=\"+Inf\"} %llu\n", all[i]->name,
            (unsigned long long)cum);
    }
    add(&t, "ethc_rpc_duration_seconds_sum{method=\"%s\"} %.9f\nethc_rpc_duration_seconds_count{method=\"%s\"} %llu\n",
        all[i]->name, (double)atomic_load_explicit(&st->sum_ns, memory_order_relaxed) / 1e9, all[i]->name,
        (unsigned long long)cum);
  }
  add(&t, "# HELP ethc_rpc_batch_size Requests per batch.\n# TYPE ethc_rpc_batch_size histogram\n");
  uint64_t cum = 0;
  for (int b = 0; b <= RPC_BATCH_BUCKETS; b++) {
    cum += atomic_load_explicit(&s->batch_buckets[b], memory_order_relaxed);
    if (b < RPC_BATCH_BUCKETS)
      add(&t, "ethc_rpc_batch_size_bucket{le=\"%u\"} %llu\n", batch_le[b], (unsigned long long)cum);
    else add(&t, "ethc_rpc_batch_size_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)cum);
  }
  add(&t, "ethc_rpc_batch_size_sum %llu\nethc_rpc_batch_size_count %llu\n",
      (unsigned long long)atomic_load_explicit(&s->batch_sum, memory_order_relaxed), (unsigned long long)cum);
  add(&t,
      "# HELP ethc_http_requests_in_flight HTTP requests being received or answered.\n"
      "# TYPE ethc_http_requests_in_flight gauge\nethc_http_requests_in_flight %u\n",
      inflight);
  uint64_t head = 0;
  if (s->chain && !chain_read_head(s->chain, &head, NULL))
    add(&t,
        "# HELP ethc_chain_head_block Number of the head block.\n# TYPE ethc_chain_head_block gauge\n"
        "ethc_chain_head_block %llu\n",
        (unsigned long long)head);
  if (s->chain)
    add(&t,
        "# HELP ethc_db_size_bytes Bytes of the chain database's files.\n# TYPE ethc_db_size_bytes gauge\n"
        "ethc_db_size_bytes %llu\n",
        (unsigned long long)dir_size(chain_datadir(s->chain), 1));
  add(&t,
      "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %llu\n",
      (unsigned long long)rss_bytes());
  if (t.oom) {
    free(t.p);
    return NULL;
  }
  *len = t.len;
  return t.p;
}
