/* TEST-ONLY: the dev chain's simulated beacon chain (ethc/dev_beacon.h): one
 * beacon block per dev block, with a sparse BeaconState and BeaconBlockBody whose
 * roots commit to what a light client checks (consensus-specs
 * altair/light-client/sync-protocol.md and its capella, deneb and electra
 * versions: the sync committees and finalized checkpoint in the state at their
 * generalized indices, the execution payload in the body at gindex 25), and the
 * light-client containers built from them, signed by the whole committee. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/dev_beacon.h"
#include "ethc/ssz.h"

/* BeaconState field indices (phase0..fulu keep them) and the body's payload. */
#define STATE_GENESIS_VALIDATORS_ROOT 1
#define STATE_SLOT 2
#define STATE_FINALIZED_CHECKPOINT 20
#define STATE_CURRENT_SYNC_COMMITTEE 22
#define STATE_NEXT_SYNC_COMMITTEE 23
#define STATE_LATEST_EXECUTION_PAYLOAD_HEADER 24
#define BODY_EXECUTION_PAYLOAD 9
#define BODY_DEPTH 4 /* 12 (deneb) or 13 (electra, fulu) fields: 16 leaves */
#define STATE_MAX_LEAVES 64
#define SIG_CACHE 8

typedef struct {
  ethc_hash_t exec_hash;
  beacon_execution_header_t payload;
  uint8_t payload_root[32];
  beacon_block_header_t beacon;
  uint8_t root[32];
} entry_t;

typedef struct {
  bool used;
  uint8_t signing_root[32];
  uint8_t sig[BEACON_SIGNATURE_SIZE];
} sig_entry_t;

struct dev_beacon {
  pthread_mutex_t lock;        /* everything below */
  pthread_mutex_t follow_lock; /* one dev_beacon_follow at a time */
  const beacon_config_t *cfg;
  uint64_t base; /* the slot of dev block 0 (dev_beacon.h) */
  dev_beacon_keys_t keys;
  uint8_t committee_root[32];
  entry_t *v;
  size_t n, cap;
  sig_entry_t sigs[SIG_CACHE];
  unsigned next_sig;
};

const beacon_config_t *dev_beacon_config(void) { return beacon_config_by_name(DEV_BEACON_NETWORK); }

dev_beacon_t *dev_beacon_new(uint64_t genesis_timestamp) {
  dev_beacon_t *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->cfg = dev_beacon_config();
  if (!b->cfg || dev_beacon_keys_derive(&b->keys) != 0) {
    free(b);
    return NULL;
  }
  b->base = genesis_timestamp > DEV_BEACON_SLACK ? genesis_timestamp - DEV_BEACON_SLACK : 0;
  ssz_root_sync_committee(&b->keys.committee, b->cfg->preset->sync_committee_size, b->committee_root);
  pthread_mutex_init(&b->lock, NULL);
  pthread_mutex_init(&b->follow_lock, NULL);
  return b;
}

void dev_beacon_free(dev_beacon_t *b) {
  if (!b) return;
  pthread_mutex_destroy(&b->lock);
  pthread_mutex_destroy(&b->follow_lock);
  free(b->v);
  free(b);
}

const dev_beacon_keys_t *dev_beacon_keys(const dev_beacon_t *b) { return &b->keys; }

/* The slot of held block `number`. Caller holds the lock. */
static uint64_t slot_of(const dev_beacon_t *b, uint64_t number) { return b->v[number].beacon.slot; }

/* The slot of a new block `number` (at most n) of time `timestamp`: its time less
 * the slack, but at least one slot and at most DEV_BEACON_MAX_STEP slots after its
 * parent's (dev_beacon.h). Caller holds the lock. */
static uint64_t next_slot(const dev_beacon_t *b, uint64_t number, uint64_t timestamp) {
  if (number == 0) return b->base;
  uint64_t prev = slot_of(b, number - 1);
  uint64_t want = timestamp > DEV_BEACON_SLACK ? timestamp - DEV_BEACON_SLACK : 0;
  uint64_t step = want > prev ? want - prev : 1;
  return prev + (step < DEV_BEACON_MAX_STEP ? step : DEV_BEACON_MAX_STEP);
}

uint64_t dev_beacon_slot(dev_beacon_t *b, uint64_t number) {
  pthread_mutex_lock(&b->lock);
  uint64_t slot = number < b->n ? slot_of(b, number)
                  : b->n        ? slot_of(b, b->n - 1) + (number - (b->n - 1))
                                : b->base + number;
  pthread_mutex_unlock(&b->lock);
  return slot;
}

/* The index of the last held block whose slot is at most `slot`; false when
 * none is. Caller holds the lock. */
static bool last_at_or_before(const dev_beacon_t *b, uint64_t slot, uint64_t *number) {
  if (!b->n || slot_of(b, 0) > slot) return false;
  uint64_t lo = 0, hi = b->n - 1; /* slot_of(lo) <= slot */
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo + 1) / 2;
    if (slot_of(b, mid) <= slot) lo = mid;
    else hi = mid - 1;
  }
  *number = lo;
  return true;
}

int dev_beacon_find_slot(dev_beacon_t *b, uint64_t slot, uint64_t *number) {
  pthread_mutex_lock(&b->lock);
  uint64_t k = 0;
  int rc = last_at_or_before(b, slot, &k) && slot_of(b, k) == slot ? 0 : ETHC_ERR_NOT_FOUND;
  if (!rc) *number = k;
  pthread_mutex_unlock(&b->lock);
  return rc;
}

static beacon_fork_t fork_of(const dev_beacon_t *b, uint64_t number) {
  return beacon_fork_at_slot(b->cfg, slot_of(b, number));
}

/* The block block `number`'s state finalizes (number 0: none). */
static uint64_t finalized_of(uint64_t number) {
  return number > DEV_BEACON_FINALITY_LAG ? number - DEV_BEACON_FINALITY_LAG : 0;
}

static void chunk_u64(uint64_t v, uint8_t out[32]) {
  memset(out, 0, 32);
  for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (8 * i));
}

/* The root of 2^depth leaves, and the bottom-up branch of leaf `index` (may be NULL). */
static void tree(const uint8_t (*leaves)[32], unsigned depth, uint64_t index, uint8_t (*branch)[32], uint8_t root[32]) {
  uint8_t level[STATE_MAX_LEAVES][32];
  size_t n = (size_t)1 << depth;
  memcpy(level, leaves, n * 32);
  for (unsigned d = 0; d < depth; d++) {
    if (branch) memcpy(branch[d], level[index ^ 1], 32);
    for (size_t i = 0; i < n / 2; i++) ssz_hash_pair(level[2 * i], level[2 * i + 1], level[i]);
    n /= 2;
    index /= 2;
  }
  memcpy(root, level[0], 32);
}

/* Block `number`'s finalized checkpoint: its epoch chunk and its root. Caller
 * holds the lock; blocks below `number` exist. */
static void checkpoint(const dev_beacon_t *b, uint64_t number, uint8_t epoch[32], uint8_t root[32]) {
  if (number == 0) { /* genesis: the zero checkpoint */
    memset(epoch, 0, 32);
    memset(root, 0, 32);
    return;
  }
  uint64_t f = finalized_of(number);
  chunk_u64(beacon_epoch_at_slot(b->cfg, slot_of(b, f)), epoch);
  memcpy(root, b->v[f].root, 32);
}

/* The sparse state of block `number` (whose payload root is `payload_root`):
 * its root and the branch of field `field`. Caller holds the lock. */
static unsigned state_tree(const dev_beacon_t *b, uint64_t number, const uint8_t payload_root[32], unsigned field,
                           uint8_t (*branch)[32], uint8_t root[32]) {
  unsigned depth = beacon_current_sync_committee_depth(fork_of(b, number));
  uint8_t leaves[STATE_MAX_LEAVES][32];
  memset(leaves, 0, sizeof leaves);
  memcpy(leaves[STATE_GENESIS_VALIDATORS_ROOT], b->cfg->genesis_validators_root, 32);
  chunk_u64(slot_of(b, number), leaves[STATE_SLOT]);
  uint8_t epoch[32], fin[32];
  checkpoint(b, number, epoch, fin);
  ssz_hash_pair(epoch, fin, leaves[STATE_FINALIZED_CHECKPOINT]); /* Checkpoint{epoch, root} */
  memcpy(leaves[STATE_CURRENT_SYNC_COMMITTEE], b->committee_root, 32);
  memcpy(leaves[STATE_NEXT_SYNC_COMMITTEE], b->committee_root, 32);
  memcpy(leaves[STATE_LATEST_EXECUTION_PAYLOAD_HEADER], payload_root, 32);
  tree((const uint8_t(*)[32])leaves, depth, field, branch, root);
  return depth;
}

/* The sparse body: its root and the payload's branch (may be NULL). */
static void body_tree(const uint8_t payload_root[32], uint8_t (*branch)[32], uint8_t root[32]) {
  uint8_t leaves[1 << BODY_DEPTH][32];
  memset(leaves, 0, sizeof leaves);
  memcpy(leaves[BODY_EXECUTION_PAYLOAD], payload_root, 32);
  tree((const uint8_t(*)[32])leaves, BODY_DEPTH, BODY_EXECUTION_PAYLOAD, branch, root);
}

int dev_beacon_add(dev_beacon_t *b, const dev_beacon_exec_t *e) {
  uint64_t number = e->payload.block_number;
  pthread_mutex_lock(&b->lock);
  int rc = 0;
  if (number > b->n) rc = ETHC_ERR_INVALID;
  else if (number > 0 && memcmp(e->payload.parent_hash.bytes, b->v[number - 1].exec_hash.bytes, 32) != 0)
    rc = ETHC_ERR_INVALID;
  else if (number == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1024;
    entry_t *v = realloc(b->v, cap * sizeof *v);
    if (!v) rc = ETHC_ERR_NOMEM;
    else b->v = v, b->cap = cap;
  }
  if (!rc) {
    b->n = number; /* a lower number: the chain went back */
    entry_t *x = &b->v[number];
    memset(x, 0, sizeof *x);
    x->exec_hash = e->hash;
    x->payload = e->payload;
    x->beacon.slot = next_slot(b, number, e->payload.timestamp);
    ssz_root_execution_header(&x->payload, fork_of(b, number), x->payload_root);
    x->beacon.proposer_index = 0;
    if (number > 0) memcpy(x->beacon.parent_root.bytes, b->v[number - 1].root, 32);
    state_tree(b, number, x->payload_root, STATE_SLOT, NULL, x->beacon.state_root.bytes);
    body_tree(x->payload_root, NULL, x->beacon.body_root.bytes);
    ssz_root_block_header(&x->beacon, x->root);
    b->n = number + 1;
  }
  pthread_mutex_unlock(&b->lock);
  return rc;
}

uint64_t dev_beacon_count(dev_beacon_t *b) {
  pthread_mutex_lock(&b->lock);
  uint64_t n = b->n;
  pthread_mutex_unlock(&b->lock);
  return n;
}

bool dev_beacon_exec_hash(dev_beacon_t *b, uint64_t number, ethc_hash_t *out) {
  pthread_mutex_lock(&b->lock);
  bool ok = number < b->n;
  if (ok) *out = b->v[number].exec_hash;
  pthread_mutex_unlock(&b->lock);
  return ok;
}

/* ---- the SSZ roots of the payload's lists ---- */

/* hash_tree_root(List[ByteList[2^30], 2^20]) of the block's transactions. */
static int transactions_root(const chain_block_t *blk, uint8_t out[32]) {
  uint8_t(*roots)[32] = calloc(blk->tx_count ? blk->tx_count : 1, 32);
  if (!roots) return ETHC_ERR_NOMEM;
  for (size_t i = 0; i < blk->tx_count; i++) {
    const bytes_view_t *t = &blk->tx_encodings[i];
    size_t nc = (t->len + 31) / 32;
    uint8_t(*chunks)[32] = calloc(nc ? nc : 1, 32);
    if (!chunks) {
      free(roots);
      return ETHC_ERR_NOMEM;
    }
    memcpy(chunks, t->data, t->len);
    uint8_t r[32];
    ssz_merkleize((const uint8_t(*)[32])chunks, nc, (size_t)1 << 25, r); /* 2^30 bytes = 2^25 chunks */
    ssz_mix_in_length(r, t->len, roots[i]);
    free(chunks);
  }
  uint8_t r[32];
  ssz_merkleize((const uint8_t(*)[32])roots, blk->tx_count, (size_t)1 << 20, r);
  ssz_mix_in_length(r, blk->tx_count, out);
  free(roots);
  return 0;
}

/* hash_tree_root(List[Withdrawal, 16]) of the block's withdrawals. */
static int withdrawals_root(const chain_block_t *blk, uint8_t out[32]) {
  size_t n = blk->withdrawal_count;
  if (n > 16) return ETHC_ERR_INVALID;
  uint8_t roots[16][32];
  for (size_t i = 0; i < n; i++) {
    const chain_withdrawal_t *w = &blk->withdrawals[i];
    uint8_t f[4][32];
    chunk_u64(w->index, f[0]);
    chunk_u64(w->validator_index, f[1]);
    memset(f[2], 0, 32);
    memcpy(f[2], w->address.bytes, 20);
    chunk_u64(w->amount_gwei, f[3]);
    ssz_merkleize((const uint8_t(*)[32])f, 4, 0, roots[i]);
  }
  uint8_t r[32];
  ssz_merkleize((const uint8_t(*)[32])roots, n, 16, r);
  ssz_mix_in_length(r, n, out);
  return 0;
}

/* The execution payload header of a stored block. */
static int exec_of(const chain_read_block_t *rb, dev_beacon_exec_t *e) {
  const chain_header_t *h = &rb->block.header;
  memset(e, 0, sizeof *e);
  e->hash = rb->hash;
  beacon_execution_header_t *p = &e->payload;
  p->parent_hash = h->parent_hash;
  p->fee_recipient = h->coinbase;
  p->state_root = h->state_root;
  p->receipts_root = h->receipts_root;
  memcpy(p->logs_bloom, h->bloom, sizeof p->logs_bloom);
  p->prev_randao = h->mix_hash;
  p->block_number = h->number;
  p->gas_limit = h->gas_limit;
  p->gas_used = h->gas_used;
  p->timestamp = h->timestamp;
  p->extra_data_len = (uint8_t)(h->extra_len < BEACON_MAX_EXTRA_DATA ? h->extra_len : BEACON_MAX_EXTRA_DATA);
  memcpy(p->extra_data, h->extra, p->extra_data_len);
  p->base_fee_per_gas = h->base_fee;
  p->block_hash = rb->hash;
  p->blob_gas_used = h->blob_gas_used;
  p->excess_blob_gas = h->excess_blob_gas;
  int rc = transactions_root(&rb->block, p->transactions_root.bytes);
  return rc ? rc : withdrawals_root(&rb->block, p->withdrawals_root.bytes);
}

int dev_beacon_follow(dev_beacon_t *b, chain_t *chain) {
  pthread_mutex_lock(&b->follow_lock);
  uint64_t head = 0;
  int rc = chain_read_head(chain, &head, NULL);
  uint64_t k = dev_beacon_count(b);
  if (k > head + 1) k = head + 1;
  /* back to the last block still canonical */
  while (!rc && k > 0) {
    ethc_hash_t h, mine;
    rc = chain_read_canonical_hash(chain, k - 1, &h);
    if (!rc && dev_beacon_exec_hash(b, k - 1, &mine) && memcmp(h.bytes, mine.bytes, 32) == 0) break;
    if (!rc) k--;
  }
  for (uint64_t n = k; !rc && n <= head; n++) {
    ethc_hash_t h;
    chain_read_block_t rb;
    memset(&rb, 0, sizeof rb);
    rc = chain_read_canonical_hash(chain, n, &h);
    if (!rc) rc = chain_read_block(chain, &h, &rb);
    dev_beacon_exec_t e;
    if (!rc) rc = exec_of(&rb, &e);
    chain_read_block_free(&rb);
    if (!rc) rc = dev_beacon_add(b, &e); /* INVALID: the chain moved meanwhile; the next call catches up */
  }
  pthread_mutex_unlock(&b->follow_lock);
  return rc == ETHC_ERR_INVALID ? 0 : rc;
}

int dev_beacon_root_of(dev_beacon_t *b, chain_t *chain, const ethc_hash_t *exec, uint8_t root[32]) {
  uint64_t number = 0;
  int rc = chain_read_number(chain, exec, &number);
  ethc_hash_t mine;
  if (!rc && !(dev_beacon_exec_hash(b, number, &mine) && !memcmp(mine.bytes, exec->bytes, 32)))
    rc = dev_beacon_follow(b, chain); /* not yet (or no longer) held: catch up */
  if (!rc && !(dev_beacon_exec_hash(b, number, &mine) && !memcmp(mine.bytes, exec->bytes, 32)))
    rc = ETHC_ERR_NOT_FOUND; /* not canonical */
  return rc ? rc : dev_beacon_header(b, number, NULL, root);
}

/* ---- headers ---- */

int dev_beacon_header(dev_beacon_t *b, uint64_t number, beacon_block_header_t *h, uint8_t root[32]) {
  pthread_mutex_lock(&b->lock);
  int rc = number < b->n ? 0 : ETHC_ERR_NOT_FOUND;
  if (!rc) {
    if (h) *h = b->v[number].beacon;
    if (root) memcpy(root, b->v[number].root, 32);
  }
  pthread_mutex_unlock(&b->lock);
  return rc;
}

int dev_beacon_head(dev_beacon_t *b, uint64_t *number) {
  uint64_t n = dev_beacon_count(b);
  if (!n) return ETHC_ERR_NOT_FOUND;
  *number = n - 1;
  return 0;
}

int dev_beacon_finalized(dev_beacon_t *b, uint64_t *number) {
  int rc = dev_beacon_head(b, number);
  if (!rc) *number = finalized_of(*number);
  return rc;
}

int dev_beacon_find_root(dev_beacon_t *b, const uint8_t root[32], uint64_t *number) {
  pthread_mutex_lock(&b->lock);
  int rc = ETHC_ERR_NOT_FOUND;
  for (size_t i = b->n; i-- > 0;)
    if (memcmp(b->v[i].root, root, 32) == 0) {
      *number = i;
      rc = 0;
      break;
    }
  pthread_mutex_unlock(&b->lock);
  return rc;
}

/* ---- light-client containers (caller holds the lock; `number` < n) ---- */

static void lc_header(const dev_beacon_t *b, uint64_t number, beacon_lc_header_t *h) {
  const entry_t *x = &b->v[number];
  memset(h, 0, sizeof *h);
  h->fork = fork_of(b, number);
  h->beacon = x->beacon;
  if (h->fork < BEACON_FORK_CAPELLA) return;
  h->execution = x->payload;
  uint8_t root[32];
  body_tree(x->payload_root, h->execution_branch, root);
}

/* The finalized header of block `number`'s state and its finality branch
 * (Checkpoint.root's: the epoch chunk, then the state's branch). */
static void finality(const dev_beacon_t *b, uint64_t number, beacon_lc_header_t *fin, uint8_t (*branch)[32]) {
  uint8_t epoch[32], root[32];
  if (number == 0) {
    memset(fin, 0, sizeof *fin); /* the zero checkpoint: an empty header */
    fin->fork = fork_of(b, number);
  } else {
    lc_header(b, finalized_of(number), fin);
  }
  checkpoint(b, number, epoch, root);
  memcpy(branch[0], epoch, 32);
  state_tree(b, number, b->v[number].payload_root, STATE_FINALIZED_CHECKPOINT, branch + 1, root);
}

/* The committee's signature of block `number`'s header at `sig_slot`. */
static int sign_at(dev_beacon_t *b, uint64_t number, uint64_t sig_slot, beacon_sync_aggregate_t *agg) {
  memset(agg, 0, sizeof *agg);
  memset(agg->sync_committee_bits, 0xff, b->cfg->preset->sync_committee_size / 8);
  beacon_fork_t f = beacon_fork_at_slot(b->cfg, sig_slot > 0 ? sig_slot - 1 : 0);
  uint8_t domain[32], signing_root[32];
  beacon_compute_domain(BEACON_DOMAIN_SYNC_COMMITTEE, b->cfg->fork_version[f], b->cfg->genesis_validators_root, domain);
  beacon_signing_root(b->v[number].root, domain, signing_root);
  for (unsigned i = 0; i < SIG_CACHE; i++)
    if (b->sigs[i].used && memcmp(b->sigs[i].signing_root, signing_root, 32) == 0) {
      memcpy(agg->sync_committee_signature, b->sigs[i].sig, BEACON_SIGNATURE_SIZE);
      return 0;
    }
  int rc = dev_beacon_sign(&b->keys, signing_root, agg->sync_committee_signature);
  if (rc) return rc;
  sig_entry_t *s = &b->sigs[b->next_sig++ % SIG_CACHE];
  s->used = true;
  memcpy(s->signing_root, signing_root, 32);
  memcpy(s->sig, agg->sync_committee_signature, BEACON_SIGNATURE_SIZE);
  return 0;
}

int dev_beacon_bootstrap(dev_beacon_t *b, uint64_t number, beacon_lc_bootstrap_t *out) {
  pthread_mutex_lock(&b->lock);
  int rc = number < b->n ? 0 : ETHC_ERR_NOT_FOUND;
  if (!rc) {
    memset(out, 0, sizeof *out);
    out->fork = fork_of(b, number);
    lc_header(b, number, &out->header);
    out->current_sync_committee = b->keys.committee;
    uint8_t root[32];
    state_tree(b, number, b->v[number].payload_root, STATE_CURRENT_SYNC_COMMITTEE, out->current_sync_committee_branch,
               root);
  }
  pthread_mutex_unlock(&b->lock);
  return rc;
}

int dev_beacon_update(dev_beacon_t *b, uint64_t period, beacon_lc_update_t *out) {
  uint64_t per = b->cfg->preset->slots_per_epoch * b->cfg->preset->epochs_per_sync_committee_period;
  pthread_mutex_lock(&b->lock);
  int rc = ETHC_ERR_NOT_FOUND;
  uint64_t first = period * per, last = first + per - 1; /* the period's slots */
  /* the attested block: the period's last one whose signature slot (attested + 1) stays in it */
  uint64_t a = 0;
  if (period < UINT64_MAX / per && last_at_or_before(b, last - 1, &a) && slot_of(b, a) >= first) {
    memset(out, 0, sizeof *out);
    out->fork = fork_of(b, a);
    lc_header(b, a, &out->attested_header);
    out->next_sync_committee = b->keys.committee;
    uint8_t root[32];
    state_tree(b, a, b->v[a].payload_root, STATE_NEXT_SYNC_COMMITTEE, out->next_sync_committee_branch, root);
    finality(b, a, &out->finalized_header, out->finality_branch);
    out->signature_slot = slot_of(b, a) + 1;
    rc = sign_at(b, a, out->signature_slot, &out->sync_aggregate);
  }
  pthread_mutex_unlock(&b->lock);
  return rc;
}

int dev_beacon_finality_update(dev_beacon_t *b, beacon_lc_finality_update_t *out) {
  pthread_mutex_lock(&b->lock);
  int rc = b->n ? 0 : ETHC_ERR_NOT_FOUND;
  if (!rc) {
    uint64_t a = b->n - 1;
    memset(out, 0, sizeof *out);
    out->fork = fork_of(b, a);
    lc_header(b, a, &out->attested_header);
    finality(b, a, &out->finalized_header, out->finality_branch);
    out->signature_slot = slot_of(b, a) + 1;
    rc = sign_at(b, a, out->signature_slot, &out->sync_aggregate);
  }
  pthread_mutex_unlock(&b->lock);
  return rc;
}

int dev_beacon_optimistic_update(dev_beacon_t *b, beacon_lc_optimistic_update_t *out) {
  pthread_mutex_lock(&b->lock);
  int rc = b->n ? 0 : ETHC_ERR_NOT_FOUND;
  if (!rc) {
    uint64_t a = b->n - 1;
    memset(out, 0, sizeof *out);
    out->fork = fork_of(b, a);
    lc_header(b, a, &out->attested_header);
    out->signature_slot = slot_of(b, a) + 1;
    rc = sign_at(b, a, out->signature_slot, &out->sync_aggregate);
  }
  pthread_mutex_unlock(&b->lock);
  return rc;
}
