/* The transaction pool (txpool.h): go-ethereum's legacy-pool admission rules
 * (core/txpool/validation.go and legacypool: replacement, price-based eviction
 * when full, reinjection after a reorganisation, expiry of idle queued
 * transactions) on a sorted array keyed by (sender, nonce). One mutex guards
 * everything; validation reads the head snapshot's state under it, which keeps
 * add/replace decisions atomic. Hooks run after it is released. */
#include "node/txpool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ethc/chain_config.h"
#include "ethc/chain_dev.h"
#include "ethc/chain_read.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/state.h"
#include "ethc/transition.h"
#include "ethc/tx.h"
#include "node/txpool_limbo.h"

typedef struct {
  tx_t tx; /* decoded from raw, which it may point into */
  uint8_t *raw;
  size_t raw_len;
  ethc_hash_t hash;
  ethc_address_t from;
  uint64_t acct_nonce; /* the sender's nonce at the head the pool last synced to */
  uint64_t beat_ms;    /* the sender's last activity (the same in all its entries) */
  bool forced;         /* from was given (an impersonated sender), not recovered */
  uint8_t *net;        /* a blob transaction's network form (tx points into it), else NULL */
  size_t net_len;
  tx_sidecar_t sc; /* its sidecar while it is checked (blobs point into net) */
} entry_t;

/* Transactions accepted under the lock, told to the hooks after it. */
typedef struct {
  txpool_tx_t *t;
  tx_t *tx;
  size_t n, cap;
} news_t;

typedef struct {
  txpool_hook_fn fn;
  void *ctx;
} hook_t;

struct txpool {
  pthread_mutex_t lock;
  chain_t *chain;
  bool synced;
  ethc_hash_t head; /* the head the entries were last checked against */
  uint64_t head_number;
  entry_t *e; /* sorted by (from, nonce); room for max_txs + 1 */
  size_t n;
  size_t max_txs;
  uint64_t lifetime_ms, last_expiry_ms;
  uint64_t (*clock_ms)(void *ctx);
  void *clock_ctx;
  hook_t hooks[TXPOOL_MAX_HOOKS];
  size_t hook_count;
  size_t blob_bytes;     /* sum of the pooled network forms' net_len */
  txpool_limbo_t *limbo; /* included blob transactions' network forms (txpool_limbo.h) */
  /* a dev chain's test helpers (txpool_set_next_base_fee, ...) */
  bool has_next_base_fee; /* the next block's chosen base fee */
  u256_t next_base_fee;
  uint64_t block_gas_limit; /* the chosen gas limit of later blocks; 0: the head's */
  bool quiet;               /* the head moves to quiet_head by a revert: no reinjection */
  ethc_hash_t quiet_head;
};

static uint64_t monotonic_ms(void *ctx) {
  (void)ctx;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

txpool_t *txpool_new_opts(chain_t *chain, const txpool_opts_t *o) {
  txpool_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->max_txs = o->max_txs ? o->max_txs : TXPOOL_MAX_TXS;
  p->e = calloc(p->max_txs + 1, sizeof *p->e);
  p->limbo = txpool_limbo_new(o->limbo_bytes ? o->limbo_bytes : TXPOOL_MAX_LIMBO_BYTES);
  if (!p->e || !p->limbo) return free(p->e), txpool_limbo_free(p->limbo), free(p), NULL;
  pthread_mutex_init(&p->lock, NULL);
  p->chain = chain;
  p->lifetime_ms = o->lifetime_ms ? o->lifetime_ms : TXPOOL_LIFETIME_MS;
  p->clock_ms = o->clock_ms ? o->clock_ms : monotonic_ms;
  p->clock_ctx = o->clock_ctx;
  p->last_expiry_ms = p->clock_ms(p->clock_ctx);
  return p;
}

txpool_t *txpool_new(chain_t *chain) {
  txpool_opts_t o = {0};
  return txpool_new_opts(chain, &o);
}

int txpool_on_tx(txpool_t *p, txpool_hook_fn fn, void *ctx) {
  pthread_mutex_lock(&p->lock);
  int rc = p->hook_count < TXPOOL_MAX_HOOKS ? 0 : ETHC_ERR_LIMIT;
  if (!rc) p->hooks[p->hook_count++] = (hook_t){fn, ctx};
  pthread_mutex_unlock(&p->lock);
  return rc;
}

/* Remembers an accepted entry for the hooks (copies what they see; the entry
 * may be evicted before they run). Nothing when there are no hooks. */
static void news_add(const txpool_t *p, news_t *nw, const entry_t *e) {
  if (!p->hook_count) return;
  if (nw->n == nw->cap) {
    size_t cap = nw->cap ? 2 * nw->cap : 4;
    txpool_tx_t *t = realloc(nw->t, cap * sizeof *t);
    if (!t) return;
    nw->t = t;
    tx_t *tx = realloc(nw->tx, cap * sizeof *tx);
    if (!tx) return;
    nw->tx = tx, nw->cap = cap;
  }
  uint8_t *raw = malloc(e->raw_len + 2 * sizeof(ethc_hash_t));
  if (!raw) return;
  memcpy(raw, e->raw, e->raw_len);
  if (tx_decode(raw, e->raw_len, &nw->tx[nw->n])) return free(raw);
  ethc_hash_t *h = (ethc_hash_t *)(void *)(raw + e->raw_len); /* hash and sender after the bytes */
  memcpy(h, &e->hash, sizeof *h);
  ethc_address_t *from = (ethc_address_t *)(void *)(h + 1);
  memcpy(from, &e->from, sizeof *from);
  nw->t[nw->n] = (txpool_tx_t){.tx = &nw->tx[nw->n],
                               .raw = raw,
                               .raw_len = e->raw_len,
                               .hash = h,
                               .from = from,
                               .wire_len = e->net ? e->net_len : e->raw_len};
  nw->n++;
}

/* Calls the hooks for each remembered transaction (the lock not held) and frees them. */
static void news_flush(txpool_t *p, news_t *nw) {
  if (nw->n) {
    hook_t hooks[TXPOOL_MAX_HOOKS];
    pthread_mutex_lock(&p->lock);
    size_t nh = p->hook_count;
    memcpy(hooks, p->hooks, nh * sizeof *hooks);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < nw->n; i++) {
      for (size_t k = 0; k < nh; k++) {
        nw->t[i].tx = &nw->tx[i];
        hooks[k].fn(hooks[k].ctx, &nw->t[i]);
      }
      tx_free(&nw->tx[i]);
      free((void *)nw->t[i].raw);
    }
  }
  free(nw->t);
  free(nw->tx);
  *nw = (news_t){0};
}

static void entry_free(entry_t *e) {
  tx_free(&e->tx);
  tx_sidecar_free(&e->sc);
  free(e->raw);
  free(e->net);
}

void txpool_free(txpool_t *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) entry_free(&p->e[i]);
  free(p->e);
  txpool_limbo_free(p->limbo);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

static int key_cmp(const ethc_address_t *a, uint64_t an, const ethc_address_t *b, uint64_t bn) {
  int c = memcmp(a->bytes, b->bytes, sizeof a->bytes);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

/* The index of (from, nonce), or where it would go; *found tells which. */
static size_t locate(const txpool_t *p, const ethc_address_t *from, uint64_t nonce, bool *found) {
  size_t lo = 0, hi = p->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (key_cmp(&p->e[mid].from, p->e[mid].tx.nonce, from, nonce) < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = lo < p->n && !key_cmp(&p->e[lo].from, p->e[lo].tx.nonce, from, nonce);
  return lo;
}

static void remove_range(txpool_t *p, size_t i, size_t count) {
  for (size_t k = i; k < i + count; k++) p->blob_bytes -= p->e[k].net_len, entry_free(&p->e[k]);
  memmove(&p->e[i], &p->e[i + count], (p->n - i - count) * sizeof *p->e);
  p->n -= count;
}

static void remove_at(txpool_t *p, size_t i) { remove_range(p, i, 1); }

/* Pending: the entry's nonce continues its sender's account nonce through
 * pooled nonces without a gap. The array is sorted, so walk back. */
static bool is_pending(const txpool_t *p, size_t i) {
  const entry_t *e = &p->e[i];
  uint64_t want = e->tx.nonce;
  for (;;) {
    if (want == e->acct_nonce) return true;
    if (i == 0) return false;
    const entry_t *prev = &p->e[i - 1];
    if (memcmp(prev->from.bytes, e->from.bytes, sizeof e->from.bytes) || prev->tx.nonce != want - 1) return false;
    want--, i--;
  }
}

static int check_alone(const tx_t *tx, const chain_snapshot_t *snap, const u256_t *next_base_fee, uint64_t gas_limit,
                       ethc_address_t *from, bool forced, char *err, size_t errlen);
static int admit_locked(txpool_t *p, entry_t *e, state_t *st, const chain_snapshot_t *snap, char *err, size_t errlen);
static int entry_decode(entry_t *e, const uint8_t *raw, size_t len, char *err, size_t errlen);
static evm_revision_t next_rev(const chain_snapshot_t *snap);

static bool same_sender(const entry_t *a, const entry_t *b) {
  return !memcmp(a->from.bytes, b->from.bytes, sizeof a->from.bytes);
}

/* Blocks read while walking a reorganisation. */
typedef struct {
  chain_read_block_t *b;
  size_t n;
} blocks_t;

/* A transaction of a block that joined the canonical chain. */
typedef struct {
  ethc_hash_t hash;
  size_t block; /* the block's index in its blocks_t */
} inc_t;

static void blocks_free(blocks_t *bs) {
  for (size_t i = 0; i < bs->n; i++) chain_read_block_free(&bs->b[i]);
  free(bs->b);
  *bs = (blocks_t){0};
}

/* Reads block *hash into bs and steps *hash to its parent: false on failure. */
static bool blocks_push(chain_t *ch, blocks_t *bs, ethc_hash_t *hash) {
  chain_read_block_t *b = realloc(bs->b, (bs->n + 1) * sizeof *b);
  if (!b) return false;
  bs->b = b;
  if (chain_read_block(ch, hash, &b[bs->n])) return false;
  *hash = b[bs->n].block.header.parent_hash;
  bs->n++;
  return true;
}

/* The blocks that left the canonical chain between the old head (p->head) and
 * the new one (dropped, newest first) and those that joined it (added), as
 * geth's pool reset walks them. False (nothing to reinject) when the head only
 * advanced on its branch, the reorganisation is deeper than TXPOOL_REORG_DEPTH,
 * or a block cannot be read. */
static bool reorg_blocks(txpool_t *p, const chain_snapshot_t *snap, blocks_t *dropped, blocks_t *added) {
  const chain_header_t *nh = chain_snapshot_header(snap);
  if (!memcmp(nh->parent_hash.bytes, p->head.bytes, sizeof p->head.bytes)) return false;
  uint64_t rn = p->head_number, an = nh->number;
  if ((rn > an ? rn - an : an - rn) > TXPOOL_REORG_DEPTH) return false;
  ethc_hash_t rh = p->head, ah = *chain_snapshot_hash(snap);
  /* the head advanced several blocks on its branch (the common case): headers tell */
  if (an > rn) {
    ethc_hash_t walk = nh->parent_hash;
    chain_header_t h;
    for (uint64_t k = an - 1; k > rn; k--) {
      if (chain_read_header_by_hash(p->chain, &walk, &h)) return false;
      walk = h.parent_hash;
    }
    if (!memcmp(walk.bytes, rh.bytes, sizeof rh.bytes)) return false;
  }
  bool ok = true;
  for (; ok && rn > an; rn--) ok = blocks_push(p->chain, dropped, &rh);
  for (; ok && an > rn; an--) ok = blocks_push(p->chain, added, &ah);
  for (unsigned steps = 0; ok && memcmp(rh.bytes, ah.bytes, sizeof rh.bytes); steps++)
    ok = steps < TXPOOL_REORG_DEPTH && blocks_push(p->chain, dropped, &rh) && blocks_push(p->chain, added, &ah);
  if (ok && dropped->n) return true;
  blocks_free(dropped);
  blocks_free(added);
  return false;
}

/* The entry of blob transaction `tx` of a dropped block, from its network
 * form in the limbo: 0, or nonzero when there is none to put back (the limbo
 * lacks it; the new branch includes it too, so it only moves to that block
 * (one of inc's ni hashes, which index `added`); its sidecar's version does
 * not fit the next block's fork). Caller holds the lock. */
static int limbo_entry(txpool_t *p, const chain_snapshot_t *snap, const tx_t *tx, const inc_t *inc, size_t ni,
                       const blocks_t *added, entry_t *e) {
  ethc_hash_t h;
  if (tx_hash(tx, &h)) return ETHC_ERR_NOMEM;
  for (size_t j = 0; j < ni; j++)
    if (!memcmp(inc[j].hash.bytes, h.bytes, sizeof h.bytes)) {
      const chain_read_block_t *b = &added->b[inc[j].block];
      txpool_limbo_update(p->limbo, &h, &b->hash, b->block.header.number);
      return ETHC_ERR_NOT_FOUND;
    }
  uint8_t *net;
  size_t len;
  if (!txpool_limbo_pull(p->limbo, &h, &net, &len)) return ETHC_ERR_NOT_FOUND;
  char err[160];
  int rc = entry_decode(e, net, len, err, sizeof err);
  free(net);
  if (rc) return rc;
  uint8_t want = next_rev(snap) >= EVM_OSAKA ? 1 : 0;
  bool fits = e->sc.wrapper_version == want;
  tx_sidecar_free(&e->sc);
  e->sc = (tx_sidecar_t){0};
  if (!fits) return entry_free(e), *e = (entry_t){0}, ETHC_ERR_INVALID;
  return 0;
}

/* Puts back the transactions of `dropped` (oldest block first, so that a
 * sender's nonces arrive in order) that `added` does not hold. Caller holds the
 * lock; st is the new head's state. */
static void reinject(txpool_t *p, const chain_snapshot_t *snap, state_t *st, const blocks_t *dropped,
                     const blocks_t *added, news_t *nw) {
  size_t ni = 0;
  for (size_t i = 0; i < added->n; i++) ni += added->b[i].block.tx_count;
  inc_t *inc = malloc((ni ? ni : 1) * sizeof *inc);
  if (!inc) return;
  ni = 0;
  for (size_t i = 0; i < added->n; i++)
    for (size_t k = 0; k < added->b[i].block.tx_count; k++)
      if (!tx_hash(&added->b[i].block.txs[k], &inc[ni].hash)) inc[ni++].block = i;
  for (size_t i = dropped->n; i-- > 0;) {
    const chain_block_t *b = &dropped->b[i].block;
    for (size_t k = 0; k < b->tx_count; k++) {
      entry_t e = {0};
      char err[160];
      bool blob = b->txs[k].type == TX_BLOB;
      if (blob ? limbo_entry(p, snap, &b->txs[k], inc, ni, added, &e)
               : entry_decode(&e, b->tx_encodings[k].data, b->tx_encodings[k].len, err, sizeof err))
        continue;
      bool included = false;
      for (size_t j = 0; j < ni && !included; j++)
        included = !memcmp(inc[j].hash.bytes, e.hash.bytes, sizeof e.hash.bytes);
      if (included || check_alone(&e.tx, snap, p->has_next_base_fee ? &p->next_base_fee : NULL, p->block_gas_limit,
                                  &e.from, false, err, sizeof err)) {
        entry_free(&e);
        continue;
      }
      entry_t keep = e; /* what the hooks see: admit hands e's memory to the pool */
      if (admit_locked(p, &e, st, snap, err, sizeof err)) entry_free(&e);
      else news_add(p, nw, &keep);
    }
  }
  free(inc);
}

/* Drops the queued (gapped) transactions of senders idle for the lifetime, as
 * geth's pool does every minute. Caller holds the lock; nonces are synced. */
static void expire_locked(txpool_t *p, uint64_t now) {
  for (size_t i = 0; i < p->n;) {
    size_t end = i + 1;
    while (end < p->n && same_sender(&p->e[end], &p->e[i])) end++;
    if (now <= p->e[i].beat_ms || now - p->e[i].beat_ms < p->lifetime_ms) { /* a later beat: not idle */
      i = end;
      continue;
    }
    /* the run continuing the account nonce stays; from the first gap on, all go */
    uint64_t want = p->e[i].acct_nonce;
    size_t k = i;
    while (k < end && p->e[k].tx.nonce == want) k++, want++;
    for (size_t j = end; j-- > k;) remove_at(p, j);
    i = k;
  }
}

/* Blob transactions the head's state passed, their network forms taken from
 * their pool entries, waiting for the blocks that include them to be found. */
typedef struct {
  struct {
    ethc_hash_t hash;
    uint8_t *net; /* owned; NULL once handed to the limbo */
    size_t len;
  } * v;
  size_t n, cap;
} passed_t;

/* Takes e's network form into ps when e is a blob transaction (its net_len
 * stays for the pool's byte count; tx no longer points into memory the entry
 * frees). Out of memory: nothing taken (the transaction cannot come back). */
static void passed_take(passed_t *ps, entry_t *e) {
  if (!e->net) return;
  if (ps->n == ps->cap) {
    size_t cap = ps->cap ? 2 * ps->cap : 8;
    void *v = realloc(ps->v, cap * sizeof *ps->v);
    if (!v) return;
    ps->v = v, ps->cap = cap;
  }
  ps->v[ps->n].hash = e->hash, ps->v[ps->n].net = e->net, ps->v[ps->n].len = e->net_len;
  ps->n++;
  e->net = NULL;
}

static void passed_free(passed_t *ps) {
  for (size_t i = 0; i < ps->n; i++) free(ps->v[i].net);
  free(ps->v);
  *ps = (passed_t){0};
}

/* Hands to the limbo those of b's transactions that ps holds; returns how many. */
static size_t limbo_take_block(txpool_t *p, const chain_read_block_t *b, passed_t *ps) {
  size_t found = 0;
  for (size_t k = 0; k < b->block.tx_count; k++) {
    ethc_hash_t h;
    if (b->block.txs[k].type != TX_BLOB || tx_hash(&b->block.txs[k], &h)) continue;
    for (size_t i = 0; i < ps->n; i++)
      if (ps->v[i].net && !memcmp(ps->v[i].hash.bytes, h.bytes, sizeof h.bytes)) {
        txpool_limbo_push(p->limbo, &h, &b->hash, b->block.header.number, ps->v[i].net, ps->v[i].len);
        ps->v[i].net = NULL, found++;
      }
  }
  return found;
}

/* Moves the blob transactions the new head's state passed into the limbo
 * with the blocks that include them: among `added` after a reorganisation,
 * else among the blocks after the pool's last head (p->head, at most
 * TXPOOL_REORG_DEPTH of them, newest first). Those found in none (replaced
 * by another transaction of their nonce) are dropped. Caller holds the lock. */
static void limbo_push_included(txpool_t *p, const chain_snapshot_t *snap, const blocks_t *added, passed_t *ps) {
  size_t left = ps->n;
  if (added) {
    for (size_t i = 0; i < added->n && left; i++) left -= limbo_take_block(p, &added->b[i], ps);
    return;
  }
  ethc_hash_t walk = *chain_snapshot_hash(snap);
  uint64_t number = chain_snapshot_header(snap)->number;
  for (unsigned steps = 0; left && number > p->head_number && steps < TXPOOL_REORG_DEPTH; steps++, number--) {
    chain_read_block_t b;
    if (chain_read_block(p->chain, &walk, &b)) break;
    left -= limbo_take_block(p, &b, ps);
    walk = b.block.header.parent_hash;
    chain_read_block_free(&b);
  }
}

/* Drops the limbo's entries whose block is finalized or more than
 * TXPOOL_REORG_DEPTH blocks below the head (p->head_number). Caller holds the lock. */
static void limbo_expire(txpool_t *p) {
  size_t count, bytes;
  txpool_limbo_stats(p->limbo, &count, &bytes);
  if (!count) return;
  if (p->head_number > TXPOOL_REORG_DEPTH) txpool_limbo_finalize(p->limbo, p->head_number - TXPOOL_REORG_DEPTH - 1);
  ethc_hash_t fin;
  uint64_t fn;
  if (!chain_read_finalized(p->chain, &fin) && !chain_read_number(p->chain, &fin, &fn))
    txpool_limbo_finalize(p->limbo, fn);
}

/* Re-reads the senders' nonces when the head moved; drops what the chain has
 * included, puts back what a reorganisation dropped, and expires idle queued
 * transactions. Caller holds the lock; accepted ones go to nw. */
static void sync_locked(txpool_t *p, chain_snapshot_t *snap, news_t *nw) {
  const ethc_hash_t *h = chain_snapshot_hash(snap);
  uint64_t now = p->clock_ms(p->clock_ctx);
  if (!p->synced || memcmp(h->bytes, p->head.bytes, sizeof h->bytes)) {
    state_t *st = chain_snapshot_state(snap);
    if (!st) return;
    blocks_t dropped = {0}, added = {0};
    /* a revert (txpool_expect_head) is no reorganisation: what it dropped stays out */
    bool quiet = p->quiet && !memcmp(h->bytes, p->quiet_head.bytes, sizeof h->bytes);
    bool reorg = p->synced && !quiet && reorg_blocks(p, snap, &dropped, &added);
    passed_t passed = {0};
    for (size_t i = 0; i < p->n;) {
      size_t end = i + 1;
      while (end < p->n && same_sender(&p->e[end], &p->e[i])) end++;
      uint64_t n = state_get_nonce(st, &p->e[i].from);
      uint64_t beat = n != p->e[i].acct_nonce ? now : p->e[i].beat_ms; /* a block moved it: active */
      size_t stale = i; /* nonces are sorted: the included ones come first */
      while (stale < end && p->e[stale].tx.nonce < n) stale++;
      for (size_t k = i; k < end; k++) p->e[k].acct_nonce = n, p->e[k].beat_ms = beat;
      for (size_t k = i; k < stale; k++) passed_take(&passed, &p->e[k]); /* a blob one's network form */
      remove_range(p, i, stale - i);
      i = end - (stale - i);
    }
    if (!state_error(st)) {
      if (reorg) reinject(p, snap, st, &dropped, &added, nw);
      if (passed.n && p->synced) limbo_push_included(p, snap, reorg ? &added : NULL, &passed);
      p->head = *h, p->head_number = chain_snapshot_header(snap)->number, p->synced = true;
      if (quiet) p->quiet = false;
      limbo_expire(p);
    }
    passed_free(&passed);
    blocks_free(&dropped);
    blocks_free(&added);
    state_free(st);
  }
  expire_locked(p, now);
}

void txpool_sync(txpool_t *p) {
  chain_snapshot_t *snap = chain_snapshot_head(p->chain);
  news_t nw = {0};
  pthread_mutex_lock(&p->lock);
  sync_locked(p, snap, &nw);
  pthread_mutex_unlock(&p->lock);
  chain_snapshot_release(snap);
  news_flush(p, &nw);
}

static int reject(char *err, size_t errlen, const char *msg) {
  snprintf(err, errlen, "%s", msg);
  return ETHC_ERR_INVALID;
}

/* The fork of the block after the head (what a pooled transaction goes into). */
static evm_revision_t next_rev(const chain_snapshot_t *snap) {
  const chain_config_t *cfg = chain_config(chain_snapshot_chain(snap));
  const chain_header_t *h = chain_snapshot_header(snap);
  u256_t parent_td;
  u256_sub(&parent_td, chain_snapshot_td(snap), &h->difficulty);
  bool pos = cfg->has_ttd && !u256_lt(&parent_td, &cfg->terminal_total_difficulty);
  return chain_config_revision(cfg, h->number + 1, h->timestamp, pos);
}

/* The stateless checks, in go-ethereum's ValidateTransaction order; a forced
 * sender (*from given) has no signature to check. */
static int check_alone(const tx_t *tx, const chain_snapshot_t *snap, const u256_t *next_base_fee, uint64_t gas_limit,
                       ethc_address_t *from, bool forced, char *err, size_t errlen) {
  const chain_header_t *h = chain_snapshot_header(snap);
  evm_revision_t rev = next_rev(snap);
  tx_invalid_t why = tx_rules_alone(tx, rev);
  switch (why) {
    case TXE_NONE: break;
    case TXE_TYPE_1_PRE_FORK:
    case TXE_TYPE_2_PRE_FORK:
    case TXE_TYPE_3_PRE_FORK:
    case TXE_TYPE_4_PRE_FORK:
    case TXE_TYPE_NOT_SUPPORTED: return reject(err, errlen, "transaction type not supported");
    case TXE_GAS_LIMIT_CAP: return reject(err, errlen, "transaction gas limit too high");
    case TXE_INITCODE_TOO_LARGE: return reject(err, errlen, "max initcode size exceeded");
    case TXE_NONCE_MAX: return reject(err, errlen, "nonce has max value");
    default: return reject(err, errlen, tx_invalid_message(why));
  }
  if (tx->gas_limit > (gas_limit ? gas_limit : h->gas_limit)) return reject(err, errlen, "exceeds block gas limit");
  if (!forced && (tx_rules_signature(tx, rev, &chain_config(chain_snapshot_chain(snap))->chain_id) != TXE_NONE ||
                  tx_recover_sender(tx, rev, from)))
    return reject(err, errlen, "invalid sender");
  why = tx_rules_fields(tx, rev);
  if (why == TXE_PRIORITY_ABOVE_MAX_FEE)
    return reject(err, errlen, "max priority fee per gas higher than max fee per gas");
  if (why == TXE_FEE_OVERFLOW) return reject(err, errlen, "fee cap times gas limit overflows 256 bits");
  if (why != TXE_NONE) return reject(err, errlen, tx_invalid_message(why));
  why = tx_rules_gas(tx, rev, NULL, NULL);
  if (why == TXE_INTRINSIC_GAS) return reject(err, errlen, "intrinsic gas too low");
  if (why == TXE_FLOOR_GAS) return reject(err, errlen, "insufficient gas for floor data gas cost");
  if (why != TXE_NONE) return reject(err, errlen, tx_invalid_message(why));
  /* the base fee of the block it would go into, as geth's pool uses */
  if (h->has_base_fee) {
    u256_t next;
    if (next_base_fee) next = *next_base_fee;
    else header_expected_base_fee(chain_config(chain_snapshot_chain(snap)), h, &next);
    if (u256_lt(&tx->max_fee_per_gas, &next)) return reject(err, errlen, "max fee per gas less than block base fee");
  }
  if (tx->type == TX_BLOB && h->has_blob_gas) { /* the next block's blob base fee (EIP-4844/7918) */
    const chain_config_t *cfg = chain_config(chain_snapshot_chain(snap));
    chain_blob_schedule_t bs = chain_config_blob_params(cfg, h->timestamp);
    u256_t blob_fee;
    chain_blob_base_fee(header_expected_excess_blob_gas(cfg, h, h->timestamp), bs.update_fraction, &blob_fee);
    if (u256_lt(&tx->max_fee_per_blob_gas, &blob_fee))
      return reject(err, errlen, "max fee per blob gas less than block blob gas fee");
  }
  return 0;
}

/* new >= old * (100 + bump) / 100, without overflow (u256 of fees and a small factor). */
static bool bumped_by(const u256_t *newv, const u256_t *oldv, unsigned bump) {
  u256_t a, b, f100 = u256_from_u64(100), fb = u256_from_u64(100 + bump);
  u256_mul(&a, newv, &f100);
  u256_mul(&b, oldv, &fb);
  return !u256_lt(&a, &b);
}


/* gas limit * fee cap + value (+ blob gas * blob fee cap): true when it overflows 256 bits. */
static bool tx_cost(const tx_t *tx, u256_t *cost) {
  uint64_t full[8];
  u256_t gas = u256_from_u64(tx->gas_limit);
  u256_mul_full(full, &gas, &tx->max_fee_per_gas);
  cost->w[0] = full[0], cost->w[1] = full[1], cost->w[2] = full[2], cost->w[3] = full[3];
  bool over = full[4] | full[5] | full[6] | full[7];
  u256_t sum;
  u256_add(&sum, cost, &tx->value);
  over |= u256_lt(&sum, &tx->value);
  if (tx->type == TX_BLOB) {
    u256_t bg = u256_from_u64(tx_blob_gas(tx)), s2;
    u256_mul_full(full, &bg, &tx->max_fee_per_blob_gas);
    u256_t bc = {{full[0], full[1], full[2], full[3]}};
    over |= (full[4] | full[5] | full[6] | full[7]) != 0;
    u256_add(&s2, &sum, &bc);
    over |= u256_lt(&s2, &bc);
    sum = s2;
  }
  *cost = sum;
  return over;
}

static bool add_cost(u256_t *total, const tx_t *tx) {
  u256_t c, sum;
  bool over = tx_cost(tx, &c);
  u256_add(&sum, total, &c);
  over |= u256_lt(&sum, &c);
  *total = sum;
  return over;
}

/* entry_decode of a type-3 transaction: the network form, kept in e->net, its
 * canonical form in e->raw; the sidecar in e->sc (not yet checked). */
static int blob_entry_decode(entry_t *e, const uint8_t *raw, size_t len, char *err, size_t errlen) {
  tx_t canon;
  if (!(e->net = malloc(len))) return reject(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  memcpy(e->net, raw, len);
  e->net_len = len;
  int rc = tx_decode_network(e->net, len, &e->tx, &e->sc);
  if (rc) {
    bool canonical = !tx_decode(raw, len, &canon);
    if (canonical) tx_free(&canon);
    free(e->net);
    *e = (entry_t){0};
    if (canonical) return reject(err, errlen, TXPOOL_ERR_NO_SIDECAR);
    if (rc == ETHC_ERR_TX_INVALID) /* counts or versioned hashes unlike the transaction's */
      return reject(err, errlen, TXPOOL_ERR_BLOB_SIDECAR ": blobs, commitments or proofs unlike the blob hashes");
    return reject(err, errlen, "rlp: invalid transaction");
  }
  bytes_buf_t b = {0};
  if ((rc = tx_encode(&e->tx, &b)) || (rc = tx_hash(&e->tx, &e->hash))) {
    bytes_buf_free(&b);
    entry_free(e);
    *e = (entry_t){0};
    return reject(err, errlen, "out of memory"), rc;
  }
  e->raw = b.data, e->raw_len = b.len; /* bytes_buf_t's data is malloc'd: the entry owns it */
  if (e->raw_len > TXPOOL_MAX_SIZE) {  /* geth limits the transaction without its blobs */
    entry_free(e);
    *e = (entry_t){0};
    return reject(err, errlen, "oversized data");
  }
  return 0;
}

/* Sets e from a copy of raw: decoded, hashed (sender not yet recovered). 0, or
 * the rejection (nothing to free). */
static int entry_decode(entry_t *e, const uint8_t *raw, size_t len, char *err, size_t errlen) {
  *e = (entry_t){0};
  if (len && raw[0] == TX_BLOB) return blob_entry_decode(e, raw, len, err, errlen);
  if (len > TXPOOL_MAX_SIZE) return reject(err, errlen, "oversized data");
  e->raw = malloc(len ? len : 1);
  if (!e->raw) return reject(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  memcpy(e->raw, raw, len);
  e->raw_len = len;
  int rc = tx_decode(e->raw, len, &e->tx);
  if (rc) {
    free(e->raw);
    e->raw = NULL;
    return reject(err, errlen, rc == ETHC_ERR_TX_TYPE ? "transaction type not supported" : "rlp: invalid transaction");
  }
  if ((rc = tx_hash(&e->tx, &e->hash))) {
    entry_free(e);
    *e = (entry_t){0};
    return reject(err, errlen, "out of memory"), rc;
  }
  return 0;
}

/* The price order of geth's eviction heap at base fee `base` (NULL: none):
 * effective tip (min(tip, fee cap - base); below the base fee counts lowest),
 * then fee cap, then tip. <0, 0, >0 as a is cheaper, equal, dearer. */
static int price_cmp(const tx_t *a, const tx_t *b, const u256_t *base) {
  if (base) {
    bool a_under = u256_lt(&a->max_fee_per_gas, base), b_under = u256_lt(&b->max_fee_per_gas, base);
    if (a_under != b_under) return a_under ? -1 : 1;
    if (!a_under) {
      u256_t ta, tb;
      u256_sub(&ta, &a->max_fee_per_gas, base);
      u256_sub(&tb, &b->max_fee_per_gas, base);
      if (u256_lt(&a->max_priority_fee_per_gas, &ta)) ta = a->max_priority_fee_per_gas;
      if (u256_lt(&b->max_priority_fee_per_gas, &tb)) tb = b->max_priority_fee_per_gas;
      if (!u256_eq(&ta, &tb)) return u256_lt(&ta, &tb) ? -1 : 1;
    }
  }
  if (!u256_eq(&a->max_fee_per_gas, &b->max_fee_per_gas))
    return u256_lt(&a->max_fee_per_gas, &b->max_fee_per_gas) ? -1 : 1;
  if (!u256_eq(&a->max_priority_fee_per_gas, &b->max_priority_fee_per_gas))
    return u256_lt(&a->max_priority_fee_per_gas, &b->max_priority_fee_per_gas) ? -1 : 1;
  return 0;
}

/* Makes room in a pool one over capacity after inserting at `at`: evicts the
 * cheapest transaction whose removal leaves no nonce gap (each sender's highest
 * nonce), the newcomer included and losing ties. Returns 0 (*at adjusted), or a
 * rejection with the newcomer removed again (its memory still the caller's). */
static int evict_locked(txpool_t *p, size_t *at, const chain_snapshot_t *snap, char *err, size_t errlen) {
  const chain_header_t *h = chain_snapshot_header(snap);
  u256_t next_base;
  const u256_t *base = NULL;
  if (h->has_base_fee)
    header_expected_base_fee(chain_config(chain_snapshot_chain(snap)), h, &next_base), base = &next_base;
  size_t victim = *at;
  bool have = *at + 1 == p->n || !same_sender(&p->e[*at], &p->e[*at + 1]); /* the newcomer is a tail */
  for (size_t i = 0; i < p->n; i++) {
    if (i == *at || (i + 1 < p->n && same_sender(&p->e[i], &p->e[i + 1]))) continue;
    if (!have || price_cmp(&p->e[i].tx, &p->e[victim].tx, base) < 0) victim = i, have = true;
  }
  const char *why = NULL;
  if (!have) why = "txpool is full"; /* nothing evictable (cannot happen with a capacity > 0) */
  else if (victim == *at) why = "transaction underpriced";
  else if (!is_pending(p, *at) && is_pending(p, victim)) why = "future transaction tries to replace pending";
  if (why) {
    p->blob_bytes -= p->e[*at].net_len;
    memmove(&p->e[*at], &p->e[*at + 1], (p->n - *at - 1) * sizeof *p->e);
    p->n--;
    return reject(err, errlen, why);
  }
  remove_at(p, victim);
  if (victim < *at) (*at)--;
  return 0;
}

/* The blob pool's own rules for e at index `at` of its sender's run (found: it
 * replaces the entry there). Caller holds the lock. */
static int blob_rules_locked(txpool_t *p, const entry_t *e, size_t at, bool found, char *err, size_t errlen) {
  size_t first = at, blobs = 0;
  while (first > 0 && same_sender(&p->e[first - 1], e)) first--;
  uint64_t next = e->acct_nonce;
  bool other_kind = false;
  for (size_t i = first; i < p->n && same_sender(&p->e[i], e); i++) {
    other_kind |= (p->e[i].net != NULL) != (e->net != NULL);
    blobs += p->e[i].net != NULL;
    if (p->e[i].tx.nonce == next) next++;
  }
  if (other_kind) return reject(err, errlen, "address already reserved");
  if (!e->net) return 0;
  if (e->tx.nonce > next) return reject(err, errlen, "nonce too high");
  if (!found && blobs >= TXPOOL_MAX_BLOBTXS_PER_ACCOUNT) return reject(err, errlen, "account limit exceeded");
  size_t old = found ? p->e[at].net_len : 0;
  if (p->blob_bytes - old + e->net_len > TXPOOL_MAX_BLOB_BYTES) return reject(err, errlen, "txpool is full");
  return 0;
}

/* The stateful checks and the insertion of e (decoded, sender recovered,
 * stateless checks passed) against st, the state of snap (the synced head).
 * Caller holds the lock. 0: the pool owns e's memory (e is emptied); else the
 * rejection, e still the caller's. */
static int admit_locked(txpool_t *p, entry_t *e, state_t *st, const chain_snapshot_t *snap, char *err, size_t errlen) {
  for (size_t i = 0; i < p->n; i++)
    if (!memcmp(p->e[i].hash.bytes, e->hash.bytes, sizeof e->hash.bytes)) return reject(err, errlen, "already known");
  e->acct_nonce = state_get_nonce(st, &e->from);
  u256_t balance;
  state_get_balance(st, &e->from, &balance);
  int rc = state_error(st);
  if (rc) return snprintf(err, errlen, "cannot read the sender's account"), rc;
  if (e->tx.nonce < e->acct_nonce) return reject(err, errlen, "nonce too low");
  u256_t cost;
  bool overflow = tx_cost(&e->tx, &cost);
  if (overflow || u256_lt(&balance, &cost)) {
    char b[79], c[79];
    u256_to_dec(&balance, b);
    u256_to_dec(&cost, c);
    snprintf(err, errlen, "insufficient funds for gas * price + value: balance %s, tx cost %s%s", b,
             overflow ? ">" : "", c);
    return ETHC_ERR_INVALID;
  }
  /* with the sender's other pooled transactions (geth's overdraft check) */
  bool found;
  size_t at = locate(p, &e->from, e->tx.nonce, &found);
  u256_t spent = cost;
  for (size_t i = at; i > 0 && !memcmp(p->e[i - 1].from.bytes, e->from.bytes, sizeof e->from.bytes); i--)
    overflow |= add_cost(&spent, &p->e[i - 1].tx);
  for (size_t i = at + found; i < p->n && !memcmp(p->e[i].from.bytes, e->from.bytes, sizeof e->from.bytes); i++)
    overflow |= add_cost(&spent, &p->e[i].tx);
  if (overflow || u256_lt(&balance, &spent)) return reject(err, errlen, "transaction would cause overdraft");
  if ((rc = blob_rules_locked(p, e, at, found, err, errlen))) return rc;
  /* the sender is active now: geth's heartbeat */
  e->beat_ms = p->clock_ms(p->clock_ctx);
  for (size_t i = at; i > 0 && same_sender(&p->e[i - 1], e); i--) p->e[i - 1].beat_ms = e->beat_ms;
  for (size_t i = at; i < p->n && same_sender(&p->e[i], e); i++) p->e[i].beat_ms = e->beat_ms;
  if (found) {
    entry_t *old = &p->e[at];
    unsigned bump = e->net ? TXPOOL_BLOB_PRICE_BUMP : TXPOOL_PRICE_BUMP;
    if (!bumped_by(&e->tx.max_fee_per_gas, &old->tx.max_fee_per_gas, bump) ||
        !bumped_by(&e->tx.max_priority_fee_per_gas, &old->tx.max_priority_fee_per_gas, bump) ||
        (e->net && !bumped_by(&e->tx.max_fee_per_blob_gas, &old->tx.max_fee_per_blob_gas, bump)))
      return reject(err, errlen, "replacement transaction underpriced");
    p->blob_bytes += e->net_len - old->net_len;
    entry_free(old);
    *old = *e;
    *e = (entry_t){0};
    return 0;
  }
  memmove(&p->e[at + 1], &p->e[at], (p->n - at) * sizeof *p->e);
  p->e[at] = *e;
  p->n++;
  p->blob_bytes += e->net_len;
  /* a gapped transaction counts against its sender's queued allowance */
  if (!is_pending(p, at)) {
    size_t queued = 0, first = at;
    while (first > 0 && !memcmp(p->e[first - 1].from.bytes, e->from.bytes, sizeof e->from.bytes)) first--;
    for (size_t i = first; i < p->n && !memcmp(p->e[i].from.bytes, e->from.bytes, sizeof e->from.bytes); i++)
      queued += !is_pending(p, i);
    if (queued > TXPOOL_MAX_QUEUED) {
      memmove(&p->e[at], &p->e[at + 1], (p->n - at - 1) * sizeof *p->e);
      p->n--;
      p->blob_bytes -= e->net_len;
      return reject(err, errlen, "account limit exceeded");
    }
  }
  if (p->n > p->max_txs && (rc = evict_locked(p, &at, snap, err, errlen))) return rc;
  *e = (entry_t){0}; /* the pool owns it now */
  return 0;
}

/* txpool_add and txpool_add_forced (from: the given sender, or NULL). */
static int add(txpool_t *p, const uint8_t *raw, size_t len, const ethc_address_t *from, ethc_hash_t *hash, char *err,
               size_t errlen) {
  entry_t e;
  int rc = entry_decode(&e, raw, len, err, errlen);
  if (rc) return rc;
  *hash = e.hash;
  if (from) e.from = *from, e.forced = true;
  news_t nw = {0};
  chain_snapshot_t *snap = chain_snapshot_head(p->chain);
  pthread_mutex_lock(&p->lock);
  bool has_fee = p->has_next_base_fee;
  u256_t fee = p->next_base_fee;
  uint64_t gas_limit = p->block_gas_limit;
  pthread_mutex_unlock(&p->lock);
  if ((rc = check_alone(&e.tx, snap, has_fee ? &fee : NULL, gas_limit, &e.from, e.forced, err, errlen))) goto out;
  if (e.net) { /* the KZG proofs: milliseconds a blob, so outside the lock */
    if ((rc = txpool_blob_check_sidecar(&e.tx, &e.sc, next_rev(snap), err, errlen))) goto out;
    tx_sidecar_free(&e.sc);
    e.sc = (tx_sidecar_t){0};
  }
  pthread_mutex_lock(&p->lock);
  sync_locked(p, snap, &nw);
  state_t *st = chain_snapshot_state(snap);
  if (!st) {
    rc = reject(err, errlen, "out of memory"), rc = ETHC_ERR_NOMEM;
  } else {
    entry_t keep = e; /* what the hooks see: admit hands e's memory to the pool */
    rc = admit_locked(p, &e, st, snap, err, errlen);
    if (!rc) news_add(p, &nw, &keep);
    state_free(st);
  }
  pthread_mutex_unlock(&p->lock);
out:
  chain_snapshot_release(snap);
  if (rc) entry_free(&e);
  news_flush(p, &nw);
  return rc;
}

int txpool_add(txpool_t *p, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen) {
  return add(p, raw, len, NULL, hash, err, errlen);
}

int txpool_add_forced(txpool_t *p, const tx_t *tx, const ethc_address_t *from, ethc_hash_t *hash, char *err,
                      size_t errlen) {
  tx_t t = *tx;
  tx_forced_signature(&t, from);
  bytes_buf_t raw = {0};
  if (tx_encode(&t, &raw)) {
    bytes_buf_free(&raw);
    return reject(err, errlen, "rlp: invalid transaction");
  }
  int rc = add(p, raw.data, raw.len, from, hash, err, errlen);
  bytes_buf_free(&raw);
  return rc;
}

void txpool_counts(txpool_t *p, size_t *pending, size_t *queued) {
  txpool_sync(p);
  pthread_mutex_lock(&p->lock);
  size_t pn = 0;
  for (size_t i = 0; i < p->n; i++) pn += is_pending(p, i);
  *pending = pn;
  *queued = p->n - pn;
  pthread_mutex_unlock(&p->lock);
}

static int rpc_add(void *ctx, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen) {
  return txpool_add(ctx, raw, len, hash, err, errlen);
}

static void rpc_each(void *ctx, bool pending, const ethc_address_t *from, void (*fn)(void *, const rpc_pool_tx_t *),
                     void *arg) {
  txpool_t *p = ctx;
  txpool_sync(p);
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < p->n; i++) {
    const entry_t *e = &p->e[i];
    if (from && memcmp(from->bytes, e->from.bytes, sizeof e->from.bytes)) continue;
    if (is_pending(p, i) != pending) continue;
    rpc_pool_tx_t t = {.tx = &e->tx, .hash = &e->hash, .from = &e->from, .pending = pending};
    fn(arg, &t);
  }
  pthread_mutex_unlock(&p->lock);
}

static uint64_t rpc_pending_nonce(void *ctx, const ethc_address_t *a, uint64_t state_nonce) {
  txpool_t *p = ctx;
  txpool_sync(p);
  pthread_mutex_lock(&p->lock);
  uint64_t n = state_nonce;
  bool found;
  for (size_t i = locate(p, a, n, &found); found; i = locate(p, a, n, &found)) {
    (void)i;
    n++;
  }
  pthread_mutex_unlock(&p->lock);
  return n;
}

rpc_txpool_t txpool_rpc(txpool_t *p) {
  return (rpc_txpool_t){.ctx = p, .add = rpc_add, .each = rpc_each, .pending_nonce = rpc_pending_nonce};
}

/* ---- for the miner: the pending transactions in inclusion order ---- */
#include "ethc/block_builder.h"

void txpool_picks_free(txpool_pick_t *picks, size_t n) {
  for (size_t i = 0; i < n; i++) free(picks[i].raw);
  free(picks);
}

int txpool_pending_ordered(txpool_t *p, const u256_t *base_fee, txpool_pick_t **picks, size_t *n) {
  *picks = NULL;
  *n = 0;
  txpool_sync(p);
  pthread_mutex_lock(&p->lock);
  block_candidate_t *c = p->n ? malloc(p->n * sizeof *c) : NULL;
  txpool_pick_t *out = p->n ? calloc(p->n, sizeof *out) : NULL;
  int rc = p->n && (!c || !out) ? ETHC_ERR_NOMEM : 0;
  size_t k = 0;
  for (size_t i = 0; i < p->n && !rc; i++)
    if (is_pending(p, i)) c[k++] = (block_candidate_t){&p->e[i].tx, p->e[i].from, i};
  if (!rc) rc = block_order_candidates(c, k, base_fee);
  for (size_t i = 0; i < k && !rc; i++) {
    const entry_t *e = &p->e[c[i].index];
    if (!(out[i].raw = malloc(e->raw_len ? e->raw_len : 1))) rc = ETHC_ERR_NOMEM;
    else memcpy(out[i].raw, e->raw, e->raw_len);
    out[i].len = e->raw_len;
    out[i].gas_limit = e->tx.gas_limit;
    out[i].hash = e->hash;
    out[i].forced = e->forced;
    out[i].from = e->from;
  }
  pthread_mutex_unlock(&p->lock);
  free(c);
  if (rc) {
    txpool_picks_free(out, k);
    return rc;
  }
  *picks = out;
  *n = k;
  return 0;
}

/* ---- for a development chain's test helpers ---- */

bool txpool_drop(txpool_t *p, const ethc_hash_t *hash) {
  pthread_mutex_lock(&p->lock);
  bool found = false;
  for (size_t i = 0; i < p->n && !found; i++)
    if (ethc_hash_eq(&p->e[i].hash, hash)) {
      remove_at(p, i);
      found = true;
    }
  pthread_mutex_unlock(&p->lock);
  return found;
}

void txpool_clear(txpool_t *p) {
  pthread_mutex_lock(&p->lock);
  remove_range(p, 0, p->n);
  pthread_mutex_unlock(&p->lock);
}

void txpool_resync(txpool_t *p) {
  chain_snapshot_t *snap = chain_snapshot_head(p->chain);
  news_t nw = {0};
  pthread_mutex_lock(&p->lock);
  p->synced = false; /* every sender's nonce read again; without a last head, nothing is reinjected */
  sync_locked(p, snap, &nw);
  pthread_mutex_unlock(&p->lock);
  chain_snapshot_release(snap);
  news_flush(p, &nw);
}

void txpool_expect_head(txpool_t *p, const ethc_hash_t *head) {
  pthread_mutex_lock(&p->lock);
  p->quiet = true;
  p->quiet_head = *head;
  pthread_mutex_unlock(&p->lock);
}

void txpool_set_next_base_fee(txpool_t *p, const u256_t *fee) {
  pthread_mutex_lock(&p->lock);
  p->has_next_base_fee = fee != NULL;
  if (fee) p->next_base_fee = *fee;
  pthread_mutex_unlock(&p->lock);
}

void txpool_set_block_gas_limit(txpool_t *p, uint64_t gas) {
  pthread_mutex_lock(&p->lock);
  p->block_gas_limit = gas;
  pthread_mutex_unlock(&p->lock);
}

static long find_hash_locked(const txpool_t *p, const ethc_hash_t *hash) {
  for (size_t i = 0; i < p->n; i++)
    if (!memcmp(p->e[i].hash.bytes, hash->bytes, sizeof hash->bytes)) return (long)i;
  return -1;
}

bool txpool_has(txpool_t *p, const ethc_hash_t *hash) {
  pthread_mutex_lock(&p->lock);
  bool found = find_hash_locked(p, hash) >= 0;
  pthread_mutex_unlock(&p->lock);
  return found;
}

bool txpool_get_raw(txpool_t *p, const ethc_hash_t *hash, bytes_buf_t *out) {
  pthread_mutex_lock(&p->lock);
  long i = find_hash_locked(p, hash);
  const entry_t *e = i >= 0 ? &p->e[i] : NULL;
  bool ok = e && (e->net ? bytes_buf_append(out, e->net, e->net_len) : bytes_buf_append(out, e->raw, e->raw_len)) == 0;
  pthread_mutex_unlock(&p->lock);
  return ok;
}

void txpool_each_hash(txpool_t *p, void (*fn)(void *arg, const ethc_hash_t *hash, uint8_t type, uint32_t size),
                      void *arg) {
  pthread_mutex_lock(&p->lock);
  for (size_t i = 0; i < p->n; i++) {
    const entry_t *e = &p->e[i];
    uint8_t type = e->raw_len && e->raw[0] < 0x80 ? e->raw[0] : 0;
    fn(arg, &e->hash, type, (uint32_t)(e->net ? e->net_len : e->raw_len));
  }
  pthread_mutex_unlock(&p->lock);
}

bool txpool_in_limbo(txpool_t *p, const ethc_hash_t *hash, ethc_hash_t *block) {
  pthread_mutex_lock(&p->lock);
  bool held = txpool_limbo_has(p->limbo, hash, block);
  pthread_mutex_unlock(&p->lock);
  return held;
}

void txpool_limbo_usage(txpool_t *p, size_t *count, size_t *bytes) {
  size_t c, b;
  pthread_mutex_lock(&p->lock);
  txpool_limbo_stats(p->limbo, &c, &b);
  pthread_mutex_unlock(&p->lock);
  if (count) *count = c;
  if (bytes) *bytes = b;
}
