/* The transaction pool (txpool.h): go-ethereum's legacy-pool admission rules
 * (core/txpool/validation.go and legacypool) on a sorted array keyed by
 * (sender, nonce). One mutex guards everything; validation reads the head
 * snapshot's state under it, which keeps add/replace decisions atomic. */
#include "node/txpool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_config.h"
#include "ethc/consensus.h"
#include "ethc/error.h"
#include "ethc/header.h"
#include "ethc/state.h"
#include "ethc/tx.h"

typedef struct {
  tx_t tx; /* decoded from raw, which it may point into */
  uint8_t *raw;
  size_t raw_len;
  ethc_hash_t hash;
  ethc_address_t from;
  uint64_t acct_nonce; /* the sender's nonce at the head the pool last synced to */
} entry_t;

struct txpool {
  pthread_mutex_t lock;
  chain_t *chain;
  bool synced;
  ethc_hash_t head; /* the head the entries were last checked against */
  entry_t *e;       /* sorted by (from, nonce) */
  size_t n;
  bool has_next_base_fee; /* a dev chain's choice for the next block (txpool_set_next_base_fee) */
  u256_t next_base_fee;
  uint64_t block_gas_limit; /* a dev chain's gas limit for later blocks; 0: the head's */
};

txpool_t *txpool_new(chain_t *chain) {
  txpool_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->e = calloc(TXPOOL_MAX_TXS, sizeof *p->e);
  if (!p->e) return free(p), NULL;
  pthread_mutex_init(&p->lock, NULL);
  p->chain = chain;
  return p;
}

static void entry_free(entry_t *e) {
  tx_free(&e->tx);
  free(e->raw);
}

void txpool_free(txpool_t *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) entry_free(&p->e[i]);
  free(p->e);
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

static void remove_at(txpool_t *p, size_t i) {
  entry_free(&p->e[i]);
  memmove(&p->e[i], &p->e[i + 1], (p->n - i - 1) * sizeof *p->e);
  p->n--;
}

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

/* Re-reads the senders' nonces when the head moved; drops what the chain has
 * included. Caller holds the lock. */
static void sync_locked(txpool_t *p, chain_snapshot_t *snap) {
  const ethc_hash_t *h = chain_snapshot_hash(snap);
  if (p->synced && !memcmp(h->bytes, p->head.bytes, sizeof h->bytes)) return;
  state_t *st = chain_snapshot_state(snap);
  if (!st) return;
  for (size_t i = 0; i < p->n;) {
    if (i == 0 || memcmp(p->e[i].from.bytes, p->e[i - 1].from.bytes, sizeof p->e[i].from.bytes))
      p->e[i].acct_nonce = state_get_nonce(st, &p->e[i].from);
    else p->e[i].acct_nonce = p->e[i - 1].acct_nonce;
    if (p->e[i].tx.nonce < p->e[i].acct_nonce) remove_at(p, i);
    else i++;
  }
  if (!state_error(st)) p->head = *h, p->synced = true;
  state_free(st);
}

void txpool_sync(txpool_t *p) {
  chain_snapshot_t *snap = chain_snapshot_head(p->chain);
  pthread_mutex_lock(&p->lock);
  sync_locked(p, snap);
  pthread_mutex_unlock(&p->lock);
  chain_snapshot_release(snap);
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

/* The stateless checks, in go-ethereum's ValidateTransaction order. */
static int check_alone(const tx_t *tx, const chain_snapshot_t *snap, const u256_t *next_base_fee, uint64_t gas_limit,
                       ethc_address_t *from, char *err, size_t errlen) {
  const chain_header_t *h = chain_snapshot_header(snap);
  evm_revision_t rev = next_rev(snap);
  if (tx->type == TX_BLOB) return reject(err, errlen, "transaction type not supported");
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
  if (tx_rules_signature(tx, rev, &chain_config(chain_snapshot_chain(snap))->chain_id) != TXE_NONE ||
      tx_recover_sender(tx, rev, from))
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
  return 0;
}

/* new >= old * (100 + bump) / 100, without overflow (u256 of fees and a small factor). */
static bool bumped(const u256_t *newv, const u256_t *oldv) {
  u256_t a, b, f100 = u256_from_u64(100), fb = u256_from_u64(100 + TXPOOL_PRICE_BUMP);
  u256_mul(&a, newv, &f100);
  u256_mul(&b, oldv, &fb);
  return !u256_lt(&a, &b);
}

/* gas limit * fee cap + value: true when it overflows 256 bits. */
static bool tx_cost(const tx_t *tx, u256_t *cost) {
  uint64_t full[8];
  u256_t gas = u256_from_u64(tx->gas_limit);
  u256_mul_full(full, &gas, &tx->max_fee_per_gas);
  cost->w[0] = full[0], cost->w[1] = full[1], cost->w[2] = full[2], cost->w[3] = full[3];
  bool over = full[4] | full[5] | full[6] | full[7];
  u256_t sum;
  u256_add(&sum, cost, &tx->value);
  over |= u256_lt(&sum, &tx->value);
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

int txpool_add(txpool_t *p, const uint8_t *raw, size_t len, ethc_hash_t *hash, char *err, size_t errlen) {
  if (len > TXPOOL_MAX_SIZE) return reject(err, errlen, "oversized data");
  entry_t e = {0};
  e.raw = malloc(len ? len : 1);
  if (!e.raw) return reject(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  memcpy(e.raw, raw, len);
  e.raw_len = len;
  int rc = tx_decode(e.raw, len, &e.tx);
  if (rc) {
    free(e.raw);
    return reject(err, errlen, rc == ETHC_ERR_TX_TYPE ? "transaction type not supported" : "rlp: invalid transaction");
  }
  if ((rc = tx_hash(&e.tx, &e.hash))) {
    entry_free(&e);
    return reject(err, errlen, "out of memory"), rc;
  }
  *hash = e.hash;
  chain_snapshot_t *snap = chain_snapshot_head(p->chain);
  pthread_mutex_lock(&p->lock);
  bool has_fee = p->has_next_base_fee;
  u256_t fee = p->next_base_fee;
  uint64_t gas_limit = p->block_gas_limit;
  pthread_mutex_unlock(&p->lock);
  if ((rc = check_alone(&e.tx, snap, has_fee ? &fee : NULL, gas_limit, &e.from, err, errlen))) goto out;
  pthread_mutex_lock(&p->lock);
  sync_locked(p, snap);
  for (size_t i = 0; i < p->n; i++)
    if (!memcmp(p->e[i].hash.bytes, e.hash.bytes, sizeof e.hash.bytes)) {
      rc = reject(err, errlen, "already known");
      goto unlock;
    }
  state_t *st = chain_snapshot_state(snap);
  if (!st) {
    rc = reject(err, errlen, "out of memory"), rc = ETHC_ERR_NOMEM;
    goto unlock;
  }
  e.acct_nonce = state_get_nonce(st, &e.from);
  u256_t balance;
  state_get_balance(st, &e.from, &balance);
  rc = state_error(st);
  state_free(st);
  if (rc) {
    snprintf(err, errlen, "cannot read the sender's account");
    goto unlock;
  }
  if (e.tx.nonce < e.acct_nonce) {
    rc = reject(err, errlen, "nonce too low");
    goto unlock;
  }
  u256_t cost;
  bool overflow = tx_cost(&e.tx, &cost);
  if (overflow || u256_lt(&balance, &cost)) {
    char b[79], c[79];
    u256_to_dec(&balance, b);
    u256_to_dec(&cost, c);
    snprintf(err, errlen, "insufficient funds for gas * price + value: balance %s, tx cost %s%s", b,
             overflow ? ">" : "", c);
    rc = ETHC_ERR_INVALID;
    goto unlock;
  }
  /* with the sender's other pooled transactions (geth's overdraft check) */
  bool found;
  size_t at = locate(p, &e.from, e.tx.nonce, &found);
  u256_t spent = cost;
  for (size_t i = at; i > 0 && !memcmp(p->e[i - 1].from.bytes, e.from.bytes, sizeof e.from.bytes); i--)
    overflow |= add_cost(&spent, &p->e[i - 1].tx);
  for (size_t i = at + found; i < p->n && !memcmp(p->e[i].from.bytes, e.from.bytes, sizeof e.from.bytes); i++)
    overflow |= add_cost(&spent, &p->e[i].tx);
  if (overflow || u256_lt(&balance, &spent)) {
    rc = reject(err, errlen, "transaction would cause overdraft");
    goto unlock;
  }
  if (found) {
    entry_t *old = &p->e[at];
    if (!bumped(&e.tx.max_fee_per_gas, &old->tx.max_fee_per_gas) ||
        !bumped(&e.tx.max_priority_fee_per_gas, &old->tx.max_priority_fee_per_gas)) {
      rc = reject(err, errlen, "replacement transaction underpriced");
      goto unlock;
    }
    entry_free(old);
    *old = e;
    goto added;
  }
  if (p->n == TXPOOL_MAX_TXS) {
    rc = reject(err, errlen, "txpool is full");
    goto unlock;
  }
  memmove(&p->e[at + 1], &p->e[at], (p->n - at) * sizeof *p->e);
  p->e[at] = e;
  p->n++;
  /* a gapped transaction counts against its sender's queued allowance */
  if (!is_pending(p, at)) {
    size_t queued = 0, first = at;
    while (first > 0 && !memcmp(p->e[first - 1].from.bytes, e.from.bytes, sizeof e.from.bytes)) first--;
    for (size_t i = first; i < p->n && !memcmp(p->e[i].from.bytes, e.from.bytes, sizeof e.from.bytes); i++)
      queued += !is_pending(p, i);
    if (queued > TXPOOL_MAX_QUEUED) {
      memmove(&p->e[at], &p->e[at + 1], (p->n - at - 1) * sizeof *p->e);
      p->n--;
      rc = reject(err, errlen, "account limit exceeded");
      goto unlock;
    }
  }
added:
  e.raw = NULL; /* the pool owns it now */
  e.tx.owned = NULL;
  rc = 0;
unlock:
  pthread_mutex_unlock(&p->lock);
out:
  chain_snapshot_release(snap);
  if (rc) entry_free(&e);
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
  for (size_t i = 0; i < p->n; i++) entry_free(&p->e[i]);
  p->n = 0;
  pthread_mutex_unlock(&p->lock);
}

void txpool_resync(txpool_t *p) {
  pthread_mutex_lock(&p->lock);
  p->synced = false;
  pthread_mutex_unlock(&p->lock);
  txpool_sync(p);
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
