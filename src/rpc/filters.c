/* Polling filters (execution-apis src/eth/filter.yaml; geth's eth/filters):
 * eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
 * eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter. A filter keeps
 * a cursor (the head it last reported) and each poll reads the chain from it,
 * so no head callback has to feed the filters, and logs of blocks a
 * reorganisation dropped come back with removed: true. Unpolled filters expire
 * after 5 minutes (ETHC_FILTER_TIMEOUT_MS overrides it for tests); at most
 * 10,000 are installed (ETHC_FILTER_LIMIT). The methods are listed in
 * eth_logs.c's table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "rpc/rpc_internal.h"

#define DEFAULT_TIMEOUT_MS (5 * 60 * 1000)
#define DEFAULT_LIMIT 10000
#define PENDING_RING 4096         /* transaction hashes kept for pending filters */
#define MAX_BLOCKS_PER_POLL 10000 /* hashes a block filter returns at most per poll */
#define MAX_REORG_DEPTH 1024      /* how far back the dropped branch is walked */

typedef enum { F_BLOCKS, F_LOGS, F_PENDING } fkind_t;

typedef struct filter {
  char id[35];
  fkind_t kind;
  uint64_t last_poll_ms;
  int refs;             /* calls using it (under the table lock) */
  bool dead;            /* uninstalled while in use: the last user frees it */
  pthread_mutex_t lock; /* one poll at a time moves the cursor */
  uint64_t cur_n;       /* the head reported last */
  ethc_hash_t cur_h;
  /* logs */
  rpc_log_crit_t crit;
  bool from_latest, to_latest;
  uint64_t from, to;
  /* pending transactions: the ring position read up to (under the table lock) */
  uint64_t pending_seq;
  struct filter *next;
} filter_t;

struct rpc_filters {
  pthread_mutex_t lock;
  filter_t *list;
  size_t count, limit;
  uint64_t timeout_ms, last_sweep_ms;
  /* the newest pool transactions, shared by every pending filter: hash number
   * i is at ring[i % PENDING_RING], ring_seq hashes were ever added; a filter
   * polled less often than PENDING_RING additions misses the oldest ones */
  ethc_hash_t ring[PENDING_RING];
  uint64_t ring_seq;
};

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t env_u64(const char *name, uint64_t dflt) {
  const char *v = getenv(name);
  if (!v || !*v) return dflt;
  char *end;
  unsigned long long x = strtoull(v, &end, 10);
  return *end || !x ? dflt : (uint64_t)x;
}

int rpc_filters_new(rpc_server_t *s) {
  struct rpc_filters *f = calloc(1, sizeof *f);
  if (!f) return ETHC_ERR_NOMEM;
  pthread_mutex_init(&f->lock, NULL);
  f->timeout_ms = env_u64("ETHC_FILTER_TIMEOUT_MS", DEFAULT_TIMEOUT_MS);
  f->limit = (size_t)env_u64("ETHC_FILTER_LIMIT", DEFAULT_LIMIT);
  s->filters = f;
  return 0;
}

static void filter_free(filter_t *f) {
  rpc_log_crit_free(&f->crit);
  pthread_mutex_destroy(&f->lock);
  free(f);
}

void rpc_filters_free(rpc_server_t *s) {
  struct rpc_filters *fs = s->filters;
  if (!fs) return;
  while (fs->list) {
    filter_t *next = fs->list->next;
    filter_free(fs->list);
    fs->list = next;
  }
  pthread_mutex_destroy(&fs->lock);
  free(fs);
  s->filters = NULL;
}

/* Whether a filter last polled at `last` has expired at `now`. `now` is read
 * before the table lock is taken, so another thread may have polled the
 * filter after it: a `last` later than `now` is not expired (an unsigned
 * `now - last` would wrap around and call it expired). */
static bool expired(const struct rpc_filters *fs, uint64_t now, uint64_t last) {
  return now > last && now - last > fs->timeout_ms;
}

/* Drops expired filters not in use; the table lock is held. */
static void sweep(struct rpc_filters *fs, uint64_t now, bool force) {
  if (!force && now >= fs->last_sweep_ms && now - fs->last_sweep_ms < 1000) return;
  fs->last_sweep_ms = now;
  for (filter_t **p = &fs->list; *p;) {
    filter_t *f = *p;
    if (f->refs == 0 && expired(fs, now, f->last_poll_ms)) {
      *p = f->next;
      fs->count--;
      filter_free(f);
    } else {
      p = &f->next;
    }
  }
}

void rpc_filters_pending_tx(rpc_server_t *s, const ethc_hash_t *tx_hash) {
  struct rpc_filters *fs = s->filters;
  pthread_mutex_lock(&fs->lock);
  fs->ring[fs->ring_seq++ % PENDING_RING] = *tx_hash;
  pthread_mutex_unlock(&fs->lock);
}

/* A new filter of `kind` (its log fields set by the caller): installed and its
 * id written, or the call failed. Takes `f` in either case. */
static int install(rpc_call_t *c, filter_t *f) {
  struct rpc_filters *fs = c->srv->filters;
  uint8_t rnd[16];
  if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
    filter_free(f);
    return rpc_fail(c, RPC_INTERNAL_ERROR, "no randomness for a filter id");
  }
  /* as geth's rpc.NewID: 16 random bytes in hex without leading zeros */
  static const char hexd[] = "0123456789abcdef";
  char hex[33];
  for (int i = 0; i < 16; i++) hex[2 * i] = hexd[rnd[i] >> 4], hex[2 * i + 1] = hexd[rnd[i] & 15];
  hex[32] = 0;
  const char *h = hex;
  while (*h == '0' && h[1]) h++;
  snprintf(f->id, sizeof f->id, "0x%s", h);
  if (chain_read_head(c->srv->chain, &f->cur_n, &f->cur_h)) f->cur_n = 0, memset(&f->cur_h, 0, sizeof f->cur_h);
  uint64_t now = now_ms();
  f->last_poll_ms = now;
  pthread_mutex_lock(&fs->lock);
  sweep(fs, now, fs->count >= fs->limit);
  if (fs->count >= fs->limit) {
    pthread_mutex_unlock(&fs->lock);
    filter_free(f);
    return rpc_fail(c, RPC_LIMIT_EXCEEDED, "too many filters installed (at most %zu); uninstall unused filters",
                    fs->limit);
  }
  f->pending_seq = fs->ring_seq; /* changes start now */
  f->next = fs->list;
  fs->list = f;
  fs->count++;
  pthread_mutex_unlock(&fs->lock);
  jw_cstr(c->w, f->id);
  return 0;
}

static filter_t *filter_alloc(fkind_t kind) {
  filter_t *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->kind = kind;
  pthread_mutex_init(&f->lock, NULL);
  return f;
}

int rpc_eth_newBlockFilter(rpc_call_t *c, const cJSON *params) {
  (void)params;
  filter_t *f = filter_alloc(F_BLOCKS);
  return f ? install(c, f) : rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
}

/* Changes stay empty until the transaction pool calls rpc_filters_pending_tx. */
int rpc_eth_newPendingTransactionFilter(rpc_call_t *c, const cJSON *params) {
  const cJSON *full = rpc_param(params, 0);
  if (full && cJSON_IsTrue(full))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: full transactions are not supported by filters");
  filter_t *f = filter_alloc(F_PENDING);
  return f ? install(c, f) : rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
}

/* fromBlock / toBlock: absent, latest or pending mean "the head when read". */
static int bound(rpc_call_t *c, const cJSON *f, const char *name, bool *latest, uint64_t *n) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(f, name);
  *latest = true, *n = 0;
  if (!v || cJSON_IsNull(v)) return 0;
  if (cJSON_IsString(v) && (!strcmp(v->valuestring, "latest") || !strcmp(v->valuestring, "pending"))) return 0;
  rpc_block_ref_t ref;
  if (rpc_parse_block_number(c, 0, v, &ref)) return -1;
  *latest = false, *n = ref.number;
  return 0;
}

int rpc_eth_newFilter(rpc_call_t *c, const cJSON *params) {
  const cJSON *o;
  if (rpc_need(c, params, 0, &o)) return -1;
  if (!cJSON_IsObject(o)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: filter must be an object");
  const cJSON *bh = cJSON_GetObjectItemCaseSensitive(o, "blockHash");
  if (bh && !cJSON_IsNull(bh))
    return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: blockHash is not supported by eth_newFilter");
  filter_t *f = filter_alloc(F_LOGS);
  if (!f) return rpc_fail(c, RPC_INTERNAL_ERROR, "out of memory");
  if (bound(c, o, "fromBlock", &f->from_latest, &f->from) || bound(c, o, "toBlock", &f->to_latest, &f->to) ||
      rpc_parse_log_crit(c, o, &f->crit))
    return filter_free(f), -1;
  if (!f->from_latest && !f->to_latest && f->from > f->to)
    return filter_free(f), rpc_fail(c, RPC_INVALID_PARAMS, "invalid block range params");
  return install(c, f);
}

/* The filter named by parameter 0, in use (release it), or NULL when the call failed. */
static filter_t *acquire(rpc_call_t *c, const cJSON *params) {
  const cJSON *id;
  if (rpc_need(c, params, 0, &id)) return NULL;
  if (!cJSON_IsString(id)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: want a filter id"), NULL;
  struct rpc_filters *fs = c->srv->filters;
  uint64_t now = now_ms();
  pthread_mutex_lock(&fs->lock);
  sweep(fs, now, false);
  filter_t *f = fs->list;
  while (f && strcmp(f->id, id->valuestring)) f = f->next;
  if (f && expired(fs, now, f->last_poll_ms)) f = NULL; /* expired, not swept yet */
  if (f) f->refs++, f->last_poll_ms = now > f->last_poll_ms ? now : f->last_poll_ms;
  pthread_mutex_unlock(&fs->lock);
  if (!f) rpc_fail(c, RPC_SERVER_ERROR, "filter not found");
  return f;
}

static void release(rpc_server_t *s, filter_t *f) {
  struct rpc_filters *fs = s->filters;
  pthread_mutex_lock(&fs->lock);
  bool gone = --f->refs == 0 && f->dead;
  pthread_mutex_unlock(&fs->lock);
  if (gone) filter_free(f);
}

int rpc_eth_uninstallFilter(rpc_call_t *c, const cJSON *params) {
  const cJSON *id;
  if (rpc_need(c, params, 0, &id)) return -1;
  if (!cJSON_IsString(id)) return rpc_fail(c, RPC_INVALID_PARAMS, "invalid argument 0: want a filter id");
  struct rpc_filters *fs = c->srv->filters;
  bool found = false;
  filter_t *dead = NULL;
  uint64_t now = now_ms();
  pthread_mutex_lock(&fs->lock);
  for (filter_t **p = &fs->list; *p; p = &(*p)->next)
    if (!strcmp((*p)->id, id->valuestring)) {
      filter_t *f = *p;
      *p = f->next;
      fs->count--;
      found = f->refs > 0 || !expired(fs, now, f->last_poll_ms); /* an expired one was already gone */
      f->dead = true;
      if (f->refs == 0) dead = f;
      break;
    }
  pthread_mutex_unlock(&fs->lock);
  if (dead) filter_free(dead);
  jw_bool(c->w, found);
  return 0;
}

int rpc_chain_diff(chain_t *ch, uint64_t n0, const ethc_hash_t *h0, size_t max, ethc_hash_t **removed,
                   size_t *n_removed, ethc_hash_t **added, uint64_t *first_added, size_t *n_added, uint64_t *head,
                   ethc_hash_t *head_hash) {
  *removed = *added = NULL;
  *n_removed = *n_added = 0;
  *first_added = 0;
  uint64_t hn;
  ethc_hash_t hh;
  int rc = chain_read_head(ch, &hn, &hh);
  if (rc) return rc;
  /* walk the reported branch back to where it meets the canonical chain */
  uint64_t an = n0;
  ethc_hash_t ah = *h0;
  ethc_hash_t *rm = NULL;
  size_t nrm = 0;
  for (int steps = 0; steps < MAX_REORG_DEPTH; steps++) {
    ethc_hash_t canon;
    if (an <= hn && !chain_read_canonical_hash(ch, an, &canon) && ethc_hash_eq(&canon, &ah)) break;
    chain_header_t hdr;
    if (an == 0 || chain_read_header_by_hash(ch, &ah, &hdr)) break;
    if (nrm < max) {
      ethc_hash_t *g = realloc(rm, (nrm + 1) * sizeof *rm);
      if (!g) return free(rm), ETHC_ERR_NOMEM;
      rm = g;
      rm[nrm++] = ah;
    }
    ah = hdr.parent_hash;
    an--;
  }
  uint64_t from = an + 1;
  if (hn >= from && hn - from >= max) from = hn - max + 1;
  size_t want = hn >= from ? (size_t)(hn - from + 1) : 0;
  ethc_hash_t *ad = want ? malloc(want * sizeof *ad) : NULL;
  if (want && !ad) return free(rm), ETHC_ERR_NOMEM;
  size_t nad = 0;
  for (uint64_t n = from; n <= hn && nad < want; n++) {
    if (chain_read_canonical_hash(ch, n, &ad[nad])) break; /* a reorganisation to a shorter chain meanwhile */
    nad++;
  }
  *removed = rm, *n_removed = nrm;
  *added = ad, *n_added = nad, *first_added = from;
  if (nad) *head = from + nad - 1, *head_hash = ad[nad - 1];
  else *head = an, *head_hash = ah;
  return 0;
}

/* Writes the logs of block `bh` that match f (and its block bounds, when
 * numbers); returns how many, or -1 on a read error. */
static long write_block_logs(rpc_call_t *c, filter_t *f, const ethc_hash_t *bh, bool removed) {
  chain_log_filter_t lf = {.block_hash = bh, .max_results = c->srv->logs_limit};
  rpc_log_crit_apply(&f->crit, &lf);
  chain_read_logs_t logs = {0};
  int rc = chain_read_logs(c->srv->chain, &lf, &logs);
  if (rc == ETHC_ERR_NOT_FOUND) return 0;
  if (rc) return -1;
  long n = 0;
  for (size_t i = 0; i < logs.count; i++) {
    uint64_t bn = logs.logs[i].block_number;
    if ((!f->from_latest && bn < f->from) || (!f->to_latest && bn > f->to)) continue;
    rpc_write_log_removed(c->w, &logs.logs[i], removed);
    n++;
  }
  chain_read_logs_free(&logs);
  return n;
}

int rpc_eth_getFilterChanges(rpc_call_t *c, const cJSON *params) {
  filter_t *f = acquire(c, params);
  if (!f) return -1;
  int ret = 0;
  jw_arr_begin(c->w);
  if (f->kind == F_PENDING) {
    struct rpc_filters *fs = c->srv->filters;
    pthread_mutex_lock(&fs->lock);
    uint64_t first = f->pending_seq;
    if (fs->ring_seq - first > PENDING_RING) first = fs->ring_seq - PENDING_RING;
    for (uint64_t i = first; i < fs->ring_seq; i++) jw_hash(c->w, &fs->ring[i % PENDING_RING]);
    f->pending_seq = fs->ring_seq;
    pthread_mutex_unlock(&fs->lock);
  } else {
    pthread_mutex_lock(&f->lock);
    ethc_hash_t *rm, *ad;
    size_t nrm, nad;
    uint64_t first, hn;
    ethc_hash_t hh;
    int rc =
        rpc_chain_diff(c->srv->chain, f->cur_n, &f->cur_h, MAX_BLOCKS_PER_POLL, &rm, &nrm, &ad, &first, &nad, &hn, &hh);
    if (rc) {
      ret = rpc_fail_chain(c, rc);
    } else {
      if (f->kind == F_BLOCKS) {
        for (size_t i = 0; i < nad; i++) jw_hash(c->w, &ad[i]);
      } else {
        long total = 0;
        for (size_t i = 0; i < nrm && total >= 0; i++) {
          long k = write_block_logs(c, f, &rm[i], true);
          total = k < 0 ? -1 : total + k;
        }
        for (size_t i = 0; i < nad && total >= 0; i++) {
          long k = write_block_logs(c, f, &ad[i], false);
          total = k < 0 ? -1 : total + k;
        }
        if (total < 0) ret = rpc_fail(c, RPC_SERVER_ERROR, "cannot read logs");
      }
      if (!ret) f->cur_n = hn, f->cur_h = hh;
      free(rm);
      free(ad);
    }
    pthread_mutex_unlock(&f->lock);
  }
  jw_arr_end(c->w);
  release(c->srv, f);
  return ret;
}

int rpc_eth_getFilterLogs(rpc_call_t *c, const cJSON *params) {
  filter_t *f = acquire(c, params);
  if (!f) return -1;
  if (f->kind != F_LOGS) {
    release(c->srv, f);
    return rpc_fail(c, RPC_SERVER_ERROR, "filter not found");
  }
  chain_log_filter_t lf = {.max_results = c->srv->logs_limit};
  rpc_log_crit_apply(&f->crit, &lf);
  uint64_t head = 0;
  int rc = chain_read_head(c->srv->chain, &head, NULL);
  int ret = 0;
  if (rc) {
    ret = rpc_fail_chain(c, rc);
  } else {
    lf.from_block = f->from_latest ? head : f->from;
    lf.to_block = f->to_latest ? head : f->to;
    chain_read_logs_t logs = {0};
    rc = lf.from_block > lf.to_block ? 0 : chain_read_logs(c->srv->chain, &lf, &logs);
    if (rc == ETHC_ERR_LIMIT)
      ret = rpc_fail(c, RPC_LIMIT_EXCEEDED, "query returned more than %zu results", lf.max_results);
    else if (rc) ret = rpc_fail_chain(c, rc);
    else {
      jw_arr_begin(c->w);
      for (size_t i = 0; i < logs.count; i++) rpc_write_log(c->w, &logs.logs[i]);
      jw_arr_end(c->w);
      chain_read_logs_free(&logs);
    }
  }
  release(c->srv, f);
  return ret;
}
