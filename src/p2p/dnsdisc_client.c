/* EIP-1459 DNS node lists: the client (p2p_dnsdisc.h). Walks each tree from
 * its signed root with c-ares TXT queries driven by the node's libuv loop:
 * c-ares's sockets are watched with uv_poll handles (its sock_state callback
 * opens and closes them) and its retry timeouts with a uv_timer, so nothing
 * blocks the loop. At most MAX_INFLIGHT queries run at once; each walk asks
 * at most max_queries names, then the trees are walked again every
 * recheck_ms. Node records are reported once each (by node id). */
#include <ares.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "ethc/error.h"
#include "ethc/log.h"
#include "ethc/p2p_dnsdisc.h"

#define MAX_INFLIGHT 8
#define MAX_TREES 16
#define QNAME_MAX (DNSDISC_HASH_LEN + 1 + DNSDISC_DOMAIN_MAX + 1)

typedef enum { Q_ROOT, Q_ENR, Q_LINK } qkind_t; /* the root, or a record of the e= or l= subtree */

typedef struct query {
  struct dnsdisc *d;
  qkind_t kind;
  size_t tree;
  char hash[DNSDISC_HASH_LEN + 1]; /* empty for the root */
  struct query *next;              /* the queue */
} query_t;

typedef struct sock {
  uv_poll_t poll;
  ares_socket_t fd;
  struct dnsdisc *d;
  struct sock *next;
} sock_t;

struct dnsdisc {
  uv_loop_t *loop;
  dnsdisc_opts_t o;
  ares_channel ch;
  bool ch_ok, stopping;
  uv_timer_t ares_timer, recheck;
  sock_t *socks;
  dnsdisc_url_t trees[MAX_TREES];
  size_t n_trees, n_start; /* the first n_start are the configured URLs */
  uint64_t seq[MAX_TREES]; /* the highest root sequence number seen (EIP-1459: never go back) */
  bool seq_known[MAX_TREES];
  query_t *head, *tail; /* waiting to be asked */
  unsigned inflight, asked;
  char (*seen)[DNSDISC_HASH_LEN + 4]; /* names asked in this walk: tree index byte + hash */
  size_t n_seen, cap_seen;
  uint8_t (*ids)[32]; /* node ids reported */
  size_t n_ids, cap_ids;
  unsigned walks;
  bool walking;
};

static void pump(struct dnsdisc *d);
static void on_ares_timer(uv_timer_t *t);
static void on_recheck(uv_timer_t *t);

static void arm_timer(struct dnsdisc *d) {
  if (d->stopping) return;
  struct timeval tv, *t = ares_timeout(d->ch, NULL, &tv);
  if (!t) {
    uv_timer_stop(&d->ares_timer);
    return;
  }
  uint64_t ms = (uint64_t)t->tv_sec * 1000 + (uint64_t)t->tv_usec / 1000;
  uv_timer_start(&d->ares_timer, on_ares_timer, ms ? ms : 1, 0);
}

static void on_ares_timer(uv_timer_t *t) {
  struct dnsdisc *d = t->data;
  ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  pump(d);
  arm_timer(d);
}

static void on_poll(uv_poll_t *h, int status, int events) {
  sock_t *s = h->data;
  struct dnsdisc *d = s->d;
  ares_socket_t fd = s->fd; /* s may be freed inside ares_process_fd */
  if (status < 0) ares_process_fd(d->ch, fd, fd);
  else ares_process_fd(d->ch, events & UV_READABLE ? fd : ARES_SOCKET_BAD, events & UV_WRITABLE ? fd : ARES_SOCKET_BAD);
  pump(d);
  arm_timer(d);
}

static void free_handle(uv_handle_t *h) { free(h->data); }

/* c-ares opens, changes or closes a socket. */
static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable) {
  struct dnsdisc *d = data;
  sock_t **pp = &d->socks;
  while (*pp && (*pp)->fd != fd) pp = &(*pp)->next;
  sock_t *s = *pp;
  if (!readable && !writable) {
    if (!s) return;
    *pp = s->next;
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, free_handle);
    return;
  }
  if (!s) {
    if (!(s = calloc(1, sizeof *s))) return;
    if (uv_poll_init_socket(d->loop, &s->poll, fd)) {
      free(s);
      return;
    }
    s->fd = fd, s->d = d, s->poll.data = s;
    s->next = d->socks, d->socks = s;
  }
  uv_poll_start(&s->poll, (readable ? UV_READABLE : 0) | (writable ? UV_WRITABLE : 0), on_poll);
}

/* ---- the walk ---- */

static void where(const struct dnsdisc *d, const query_t *q, char *out, size_t cap) {
  const char *dom = d->trees[q->tree].domain;
  if (q->hash[0]) snprintf(out, cap, "%s.%s", q->hash, dom);
  else snprintf(out, cap, "%s", dom);
}

/* Queues a name unless this walk asked it already (or the budget is spent). */
static void enqueue(struct dnsdisc *d, qkind_t kind, size_t tree, const char *hash, size_t hlen) {
  char key[DNSDISC_HASH_LEN + 4] = {0};
  key[0] = (char)('A' + tree);
  memcpy(key + 1, hash, hlen);
  for (size_t i = 0; i < d->n_seen; i++)
    if (!strncasecmp(d->seen[i], key, sizeof key)) return;
  if (d->n_seen >= d->o.max_queries) return;
  if (d->n_seen == d->cap_seen) {
    size_t cap = d->cap_seen ? 2 * d->cap_seen : 64;
    void *p = realloc(d->seen, cap * sizeof *d->seen);
    if (!p) return;
    d->seen = p, d->cap_seen = cap;
  }
  memcpy(d->seen[d->n_seen++], key, sizeof key);
  query_t *q = calloc(1, sizeof *q);
  if (!q) return;
  q->d = d, q->kind = kind, q->tree = tree;
  memcpy(q->hash, hash, hlen);
  if (d->tail) d->tail->next = q;
  else d->head = q;
  d->tail = q;
}

/* A tree named by a link (or a configured URL): its index, added if new. */
static size_t tree_index(struct dnsdisc *d, const dnsdisc_url_t *u) {
  for (size_t i = 0; i < d->n_trees; i++)
    if (!strcasecmp(d->trees[i].domain, u->domain) && !memcmp(d->trees[i].pubkey, u->pubkey, 64)) return i;
  if (d->n_trees == MAX_TREES) return SIZE_MAX;
  d->trees[d->n_trees] = *u;
  return d->n_trees++;
}

static void report(struct dnsdisc *d, const enr_t *e) {
  for (size_t i = 0; i < d->n_ids; i++)
    if (!memcmp(d->ids[i], e->id, 32)) return;
  if (d->n_ids == d->cap_ids) {
    size_t cap = d->cap_ids ? 2 * d->cap_ids : 64;
    void *p = realloc(d->ids, cap * sizeof *d->ids);
    if (!p) return;
    d->ids = p, d->cap_ids = cap;
  }
  memcpy(d->ids[d->n_ids++], e->id, 32);
  if (d->o.on_node) d->o.on_node(d->o.ctx, e);
}

/* The text of the first TXT record at the name that starts with one of the
 * prefixes (its strings joined), malloc'd; NULL when none does. */
static char *txt_record(const unsigned char *abuf, int alen, bool root, size_t *len) {
  struct ares_txt_ext *list = NULL;
  if (ares_parse_txt_reply_ext(abuf, alen, &list) != ARES_SUCCESS) return NULL;
  char *out = NULL;
  for (struct ares_txt_ext *r = list; r && !out; r = r->next) {
    if (!r->record_start) continue;
    size_t n = 0;
    for (struct ares_txt_ext *c = r; c && (c == r || !c->record_start); c = c->next) n += c->length;
    char *t = malloc(n + 1);
    if (!t) break;
    n = 0;
    for (struct ares_txt_ext *c = r; c && (c == r || !c->record_start); c = c->next)
      memcpy(t + n, c->txt, c->length), n += c->length;
    t[n] = 0;
    bool known = root ? !strncmp(t, "enrtree-root:", 13)
                      : !strncmp(t, "enrtree-branch:", 15) || !strncmp(t, "enr:", 4) || !strncmp(t, "enrtree://", 10);
    if (known) out = t, *len = n;
    else free(t);
  }
  ares_free_data(list);
  return out;
}

static void on_root(struct dnsdisc *d, const query_t *q, const char *txt, size_t len, const char *name) {
  dnsdisc_root_t r;
  if (dnsdisc_parse_root(txt, len, &r)) {
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: malformed root record \"%.80s\"", name, txt);
    return;
  }
  if (!dnsdisc_root_verify(&r, txt, d->trees[q->tree].pubkey)) {
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: bad root signature (not signed by the tree's key): tree refused", name);
    return;
  }
  if (d->seq_known[q->tree] && r.seq < d->seq[q->tree]) {
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: root seq %" PRIu64 " is older than seq %" PRIu64 " seen before: refused",
             name, r.seq, d->seq[q->tree]);
    return;
  }
  d->seq[q->tree] = r.seq, d->seq_known[q->tree] = true;
  ethc_log(ETHC_LOG_DEBUG, "dnsdisc: %s: root seq %" PRIu64 " e=%s l=%s", name, r.seq, r.eroot, r.lroot);
  enqueue(d, Q_ENR, q->tree, r.eroot, DNSDISC_HASH_LEN);
  enqueue(d, Q_LINK, q->tree, r.lroot, DNSDISC_HASH_LEN);
}

static void on_entry(struct dnsdisc *d, const query_t *q, const char *txt, size_t len, const char *name) {
  if (!dnsdisc_hash_matches(q->hash, txt, len)) {
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: hash mismatch (the record's keccak256 is not its name): refused", name);
    return;
  }
  static __thread dnsdisc_entry_t e; /* large: not on the stack */
  int rc = dnsdisc_parse_entry(txt, len, &e);
  if (rc) {
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: malformed record \"%.80s\" (%s): refused", name, txt, ethc_strerror(rc));
    return;
  }
  if ((e.kind == DNSDISC_LINK) != (q->kind == Q_LINK) && e.kind != DNSDISC_BRANCH) {
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: a %s in the %s subtree: refused", name,
             e.kind == DNSDISC_LINK ? "link" : "node record", q->kind == Q_LINK ? "link" : "node");
    return;
  }
  if (e.kind == DNSDISC_BRANCH) {
    for (size_t i = 0; i < e.n_children; i++) enqueue(d, q->kind, q->tree, e.children[i], DNSDISC_HASH_LEN);
  } else if (e.kind == DNSDISC_ENR) {
    report(d, &e.enr);
  } else {
    size_t t = tree_index(d, &e.link);
    if (t == SIZE_MAX) ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: too many linked trees, link ignored", name);
    else enqueue(d, Q_ROOT, t, "", 0);
  }
}

static void walk_done(struct dnsdisc *d) {
  d->walking = false;
  d->walks++;
  ethc_log(ETHC_LOG_INFO, "dnsdisc: walked %zu tree%s with %zu queries: %zu node records", d->n_trees,
           d->n_trees == 1 ? "" : "s", d->n_seen, d->n_ids);
  uv_timer_start(&d->recheck, on_recheck, d->o.recheck_ms, 0);
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen) {
  (void)timeouts;
  query_t *q = arg;
  struct dnsdisc *d = q->d;
  d->inflight--;
  if (d->stopping || status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
    free(q);
    return;
  }
  char name[QNAME_MAX];
  where(d, q, name, sizeof name);
  size_t len = 0;
  char *txt = status == ARES_SUCCESS ? txt_record(abuf, alen, q->kind == Q_ROOT, &len) : NULL;
  if (status != ARES_SUCCESS) ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: TXT query failed: %s", name, ares_strerror(status));
  else if (!txt)
    ethc_log(ETHC_LOG_WARN, "dnsdisc: %s: malformed record (no %s TXT record)", name,
             q->kind == Q_ROOT ? "enrtree-root" : "tree");
  else if (q->kind == Q_ROOT) on_root(d, q, txt, len, name);
  else on_entry(d, q, txt, len, name);
  free(txt);
  free(q);
}

static void pump(struct dnsdisc *d) {
  while (!d->stopping && d->head && d->inflight < MAX_INFLIGHT) {
    query_t *q = d->head;
    d->head = q->next;
    if (!d->head) d->tail = NULL;
    char name[QNAME_MAX];
    where(d, q, name, sizeof name);
    d->inflight++, d->asked++;
    ares_query(d->ch, name, 1 /* C_IN */, 16 /* T_TXT */, on_answer, q); /* may answer at once */
  }
  if (d->walking && !d->stopping && !d->head && !d->inflight) walk_done(d);
}

static void start_walk(struct dnsdisc *d) {
  d->n_seen = 0;
  d->walking = true;
  for (size_t i = 0; i < d->n_start; i++) enqueue(d, Q_ROOT, i, "", 0);
  pump(d);
  arm_timer(d);
}

static void on_recheck(uv_timer_t *t) { start_walk(t->data); }

/* ---- lifecycle ---- */

static int parse_urls(struct dnsdisc *d, const char *list, char *err, size_t errlen) {
  const char *p = list;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n) {
      char url[QNAME_MAX + 64];
      dnsdisc_url_t u;
      if (n >= sizeof url) return snprintf(err, errlen, "--discovery.dns: URL too long"), ETHC_ERR_INVALID;
      memcpy(url, p, n);
      url[n] = 0;
      if (dnsdisc_parse_url(url, &u))
        return snprintf(err, errlen, "--discovery.dns: invalid enrtree URL \"%s\"", url), ETHC_ERR_INVALID;
      if (tree_index(d, &u) == SIZE_MAX)
        return snprintf(err, errlen, "--discovery.dns: too many URLs"), ETHC_ERR_INVALID;
    }
    p += n + (comma ? 1 : 0);
  }
  d->n_start = d->n_trees;
  return 0;
}

int dnsdisc_start(void *loop, const dnsdisc_opts_t *o, dnsdisc_t **out, char *err, size_t errlen) {
  *out = NULL;
  struct dnsdisc *d = calloc(1, sizeof *d);
  if (!d) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  d->loop = loop;
  d->o = *o;
  if (!d->o.max_queries) d->o.max_queries = 2000;
  if (!d->o.recheck_ms) d->o.recheck_ms = 30 * 60 * 1000;
  if (!d->o.timeout_ms) d->o.timeout_ms = 2000;
  int rc = parse_urls(d, o->urls ? o->urls : "", err, errlen);
  if (rc) return free(d), rc;
  static bool lib_ready;
  if (!lib_ready && ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
    return free(d), snprintf(err, errlen, "c-ares: cannot initialise"), ETHC_ERR_IO;
  lib_ready = true;
  struct ares_options ao = {.sock_state_cb = on_sock_state,
                            .sock_state_cb_data = d,
                            .timeout = (int)d->o.timeout_ms,
                            .tries = 2};
  int ar = ares_init_options(&d->ch, &ao, ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
  if (ar != ARES_SUCCESS) return free(d), snprintf(err, errlen, "c-ares: %s", ares_strerror(ar)), ETHC_ERR_IO;
  d->ch_ok = true;
  if (o->servers && (ar = ares_set_servers_ports_csv(d->ch, o->servers)) != ARES_SUCCESS) {
    snprintf(err, errlen, "--discovery.dns.server \"%s\": %s", o->servers, ares_strerror(ar));
    ares_destroy(d->ch);
    free(d);
    return ETHC_ERR_INVALID;
  }
  uv_timer_init(loop, &d->ares_timer);
  uv_timer_init(loop, &d->recheck);
  d->ares_timer.data = d->recheck.data = d;
  *out = d;
  if (d->n_start) start_walk(d);
  return 0;
}

void dnsdisc_stop(dnsdisc_t *d) {
  if (!d || d->stopping) return;
  d->stopping = true;
  if (d->ch_ok) ares_destroy(d->ch); /* answers ARES_EDESTRUCTION, closes its sockets (and our polls) */
  d->ch_ok = false;
  uv_close((uv_handle_t *)&d->ares_timer, NULL);
  uv_close((uv_handle_t *)&d->recheck, NULL);
}

void dnsdisc_free(dnsdisc_t *d) {
  if (!d) return;
  while (d->head) {
    query_t *q = d->head;
    d->head = q->next;
    free(q);
  }
  free(d->seen);
  free(d->ids);
  free(d);
}

size_t dnsdisc_found(const dnsdisc_t *d) { return d ? d->n_ids : 0; }
unsigned dnsdisc_walks(const dnsdisc_t *d) { return d ? d->walks : 0; }
