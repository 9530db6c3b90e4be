/* The devp2p source in the node (node_peer_source.h; devp2p caps/eth.md and
 * caps/snap.md through p2p_remote.h), and the chain of two
 * sources (the provider, then the peers) as one chain_remote_t: each hook asks
 * the first and, when it fails, its answer does not verify (the checks the
 * peers' answers get, p2p_remote_check_*), or there is none, the second. State reads
 * fall back one read at a time: the first's base answers when it can; an
 * account it proves absent is an answer (not a failure), anything else
 * unknown goes to the second, whose base is opened at that root on the first
 * such miss.
 *
 * Transaction lookups: devp2p has no message for them. The transactions of
 * every body fetched are remembered in a bounded table (a hint only: the
 * chain believes it once it finds the transaction in the block's verified
 * body); a hash not in it makes the lookup read the bodies of the most recent
 * blocks (RECENT_SCAN from the head down, each once) through the chain, so
 * that a just-mined transaction's receipt is found. An older transaction is
 * found once its block has been read (eth_getBlockByNumber, eth_getLogs). */
#include "node/node_peer_source.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/chain_read.h"
#include "ethc/error.h"
#include "ethc/eth_wire.h"
#include "ethc/keccak.h"
#include "ethc/log.h"
#include "ethc/p2p_remote.h"
#include "ethc/rlp.h"
#include "ethc/sync.h"
#include "ethc/trie.h"
#include "ethc/trie_node_cache.h"
#include "node/light_limits.h"

#define TX_SLOTS LIGHT_PEER_TX_SLOTS /* the lookup table (open addressing), emptied at half full */
#define RECENT_SCAN 128 /* blocks below the head whose bodies a lookup miss reads */

/* A remembered transaction. */
typedef struct {
  bool used;
  ethc_hash_t tx, block;
  uint32_t index;
} tx_slot_t;

/* One state root's pair of bases. */
typedef struct proot {
  struct proot *next;
  struct node_peer_source *s;
  chain_header_t h;
  ethc_hash_t hash;
  state_base_t first, second;
  bool has_first, has_second;
} proot_t;

struct node_peer_source {
  p2p_remote_t *remote;
  trie_node_cache_t *disk;      /* the peers' verified trie nodes and code (no provider: it has its own) */
  chain_remote_t first, second; /* the provider (hooks NULL: none), the peers */
  chain_t *chain;
  peers_t *peers;
  pthread_mutex_t lock; /* roots and their has_*, the lookup table */
  proot_t *roots;
  tx_slot_t *txs; /* TX_SLOTS */
  size_t tx_count;
  uint64_t scanned_to; /* lookups have read the bodies of the recent blocks up to this one */
};

/* ---- transaction lookups ---- */

static size_t slot_of(const ethc_hash_t *h) {
  return ((size_t)h->bytes[0] | (size_t)h->bytes[1] << 8 | (size_t)h->bytes[2] << 16) % TX_SLOTS;
}

/* Remembers the transactions of body `body` (RLP [txs, ommers, ...]) of block `hash`. */
static void remember_body(node_peer_source_t *s, const ethc_hash_t *hash, const uint8_t *body, size_t len) {
  rlp_item_t top, txs, it;
  rlp_iter_t i;
  if (rlp_decode(body, len, &top) || !top.is_list) return;
  rlp_iter_init(&i, &top);
  if (rlp_iter_next(&i, &txs) != 1 || !txs.is_list) return;
  rlp_iter_init(&i, &txs);
  pthread_mutex_lock(&s->lock);
  for (uint32_t n = 0; rlp_iter_next(&i, &it) == 1; n++) {
    bytes_view_t c = eth_tx_item_canonical(bytes_view(it.raw, it.raw_len));
    ethc_hash_t th;
    keccak256(c.data, c.len, th.bytes);
    if (s->tx_count >= TX_SLOTS / 2) memset(s->txs, 0, TX_SLOTS * sizeof *s->txs), s->tx_count = 0;
    size_t k = slot_of(&th);
    while (s->txs[k].used && !ethc_hash_eq(&s->txs[k].tx, &th)) k = (k + 1) % TX_SLOTS;
    if (!s->txs[k].used) s->tx_count++;
    s->txs[k] = (tx_slot_t){.used = true, .tx = th, .block = *hash, .index = n};
  }
  pthread_mutex_unlock(&s->lock);
}

static bool recall(node_peer_source_t *s, const ethc_hash_t *tx, ethc_hash_t *block, uint32_t *index) {
  pthread_mutex_lock(&s->lock);
  size_t k = slot_of(tx);
  while (s->txs[k].used && !ethc_hash_eq(&s->txs[k].tx, tx)) k = (k + 1) % TX_SLOTS;
  bool found = s->txs[k].used;
  if (found) *block = s->txs[k].block, *index = s->txs[k].index;
  pthread_mutex_unlock(&s->lock);
  return found;
}

/* Reads the bodies of the recent blocks no lookup has read yet (through the
 * chain: verified, cached, and remembered by pair_body) until `tx` is found. */
static bool scan_recent(node_peer_source_t *s, const ethc_hash_t *tx, ethc_hash_t *block, uint32_t *index) {
  uint64_t head, tip = sync_progress_light_tip(peers_sync_progress(s->peers)); /* --syncmode light's headers */
  if (chain_read_head(s->chain, &head, NULL)) return false;
  if (tip > head) head = tip;
  pthread_mutex_lock(&s->lock);
  uint64_t done = s->scanned_to;
  pthread_mutex_unlock(&s->lock);
  uint64_t low = head > RECENT_SCAN ? head - RECENT_SCAN : 1;
  if (done >= low) low = done + 1;
  bool found = false, complete = true;
  for (uint64_t n = head; n >= low && !found; n--) {
    chain_header_t h;
    ethc_hash_t bh;
    if ((sync_progress_header_hash(peers_sync_progress(s->peers), n, &bh) ||
         chain_read_header_by_hash(s->chain, &bh, &h)) &&
        chain_read_header_by_number(s->chain, n, &h, &bh)) {
      complete = false;
      break;
    }
    if (!memcmp(h.tx_root.bytes, TRIE_EMPTY_ROOT, 32)) continue;
    chain_read_block_t b = {0};
    if (chain_read_block(s->chain, &bh, &b)) { /* a fetch failed: read again next time */
      complete = false;
      break;
    }
    chain_read_block_free(&b);
    found = recall(s, tx, block, index);
  }
  ethc_log(ETHC_LOG_DEBUG, "light: a transaction lookup read the recent blocks #%llu..#%llu: %s",
           (unsigned long long)low, (unsigned long long)head,
           found      ? "found"
           : complete ? "not there"
                      : "stopped");
  if (!found && complete) {
    pthread_mutex_lock(&s->lock);
    if (s->scanned_to < head) s->scanned_to = head;
    pthread_mutex_unlock(&s->lock);
  }
  return found;
}

/* ---- bodies, receipts, lookups: the first source, then the second ---- */

/* The two messages of a double failure, in err. */
static void both(char *err, size_t errlen, const char *a, const char *b) { snprintf(err, errlen, "%s; then %s", a, b); }

static int pair_body(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                     size_t errlen) {
  node_peer_source_t *s = ctx;
  char e1[240] = "", e2[240] = "";
  size_t before = out->len;
  int rc = ETHC_ERR_NOT_FOUND;
  if (s->first.body && !(rc = s->first.body(s->first.ctx, h, hash, out, e1, sizeof e1))) {
    bytes_view_t b = bytes_view(out->data + before, out->len - before);
    if (!(rc = p2p_remote_check_body(h, b, e1, sizeof e1))) {
      remember_body(s, hash, b.data, b.len);
      return 0;
    }
    ethc_log(ETHC_LOG_WARN, "light: block #%llu: refused the execution RPC's body (%s); asking devp2p peers",
             (unsigned long long)h->number, e1);
  } else if (s->first.body) {
    ethc_log(ETHC_LOG_WARN, "light: block #%llu: no body from the execution RPC (%s); asking devp2p peers",
             (unsigned long long)h->number, e1);
  }
  out->len = before;
  rc = s->second.body(s->second.ctx, h, hash, out, e2, sizeof e2);
  if (!rc) {
    remember_body(s, hash, out->data + before, out->len - before);
    return 0;
  }
  out->len = before;
  if (s->first.body) both(err, errlen, e1, e2);
  else snprintf(err, errlen, "%s", e2);
  return rc;
}

static int pair_receipts(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, bytes_buf_t *out, char *err,
                         size_t errlen) {
  node_peer_source_t *s = ctx;
  char e1[240] = "", e2[240] = "";
  size_t before = out->len;
  if (s->first.receipts && !s->first.receipts(s->first.ctx, h, hash, out, e1, sizeof e1)) {
    if (!p2p_remote_check_receipts(h, bytes_view(out->data + before, out->len - before), e1, sizeof e1)) return 0;
    ethc_log(ETHC_LOG_WARN, "light: block #%llu: refused the execution RPC's receipts (%s); asking devp2p peers",
             (unsigned long long)h->number, e1);
  } else if (s->first.receipts) {
    ethc_log(ETHC_LOG_WARN, "light: block #%llu: no receipts from the execution RPC (%s); asking devp2p peers",
             (unsigned long long)h->number, e1);
  }
  out->len = before;
  int rc = s->second.receipts(s->second.ctx, h, hash, out, e2, sizeof e2);
  if (!rc) return 0;
  out->len = before;
  if (s->first.receipts) both(err, errlen, e1, e2);
  else snprintf(err, errlen, "%s", e2);
  return rc;
}

/* The provider's lookup; else the transactions of the bodies seen, then of the recent blocks. */
static int pair_tx_location(void *ctx, const ethc_hash_t *tx_hash, ethc_hash_t *block_hash, uint32_t *index, char *err,
                            size_t errlen) {
  node_peer_source_t *s = ctx;
  int rc = ETHC_ERR_NOT_FOUND;
  if (s->first.tx_location && !(rc = s->first.tx_location(s->first.ctx, tx_hash, block_hash, index, err, errlen)))
    return 0;
  if (recall(s, tx_hash, block_hash, index) || scan_recent(s, tx_hash, block_hash, index)) return 0;
  return rc; /* NOT_FOUND, or the provider's failure with its message */
}

/* ---- state: one read at a time ---- */

/* The second base of p, opened on first use; false when it cannot be. */
static bool second_base(proot_t *p, state_base_t *out) {
  node_peer_source_t *s = p->s;
  pthread_mutex_lock(&s->lock);
  bool have = p->has_second;
  if (have) *out = p->second;
  pthread_mutex_unlock(&s->lock);
  if (have) return true;
  char err[240];
  state_base_t b;
  ethc_log(ETHC_LOG_WARN, "light: block #%llu: the execution RPC gave no verified state answer; asking devp2p peers",
           (unsigned long long)p->h.number);
  if (s->second.state(s->second.ctx, &p->h, &p->hash, &b, err, sizeof err)) {
    ethc_log(ETHC_LOG_WARN, "light: block #%llu: no state from devp2p peers either: %s",
             (unsigned long long)p->h.number, err);
    return false;
  }
  pthread_mutex_lock(&s->lock);
  if (!p->has_second) p->second = b, p->has_second = true;
  *out = p->second;
  pthread_mutex_unlock(&s->lock);
  return true;
}

static bool first_base(proot_t *p, state_base_t *out) {
  pthread_mutex_lock(&p->s->lock);
  bool have = p->has_first;
  if (have) *out = p->first;
  pthread_mutex_unlock(&p->s->lock);
  return have;
}

static int pair_account(void *ctx, const ethc_hash_t *root, const ethc_address_t *a, state_account_t *out) {
  proot_t *p = ctx;
  state_base_t b;
  int rc = ETHC_ERR_IO;
  if (first_base(p, &b) && ((rc = b.get_account(b.ctx, root, a, out)) == 0 || rc == ETHC_ERR_NOT_FOUND)) return rc;
  return second_base(p, &b) ? b.get_account(b.ctx, root, a, out) : rc;
}

static int pair_storage(void *ctx, const ethc_address_t *a, const ethc_hash_t *storage_root, const u256_t *key,
                        u256_t *out) {
  proot_t *p = ctx;
  state_base_t b;
  int rc = ETHC_ERR_IO;
  if (first_base(p, &b) && (rc = b.get_storage(b.ctx, a, storage_root, key, out)) == 0) return 0;
  return second_base(p, &b) ? b.get_storage(b.ctx, a, storage_root, key, out) : rc;
}

static int pair_code(void *ctx, const ethc_hash_t *code_hash, bytes_buf_t *out) {
  proot_t *p = ctx;
  state_base_t b;
  int rc = ETHC_ERR_IO;
  size_t before = out->len;
  if (first_base(p, &b) && (rc = b.get_code(b.ctx, code_hash, out)) == 0) return 0;
  out->len = before;
  if (!second_base(p, &b)) return rc;
  rc = b.get_code(b.ctx, code_hash, out);
  if (rc) out->len = before;
  return rc;
}

/* The prefetch hint goes to the provider: the peers have no access lists. */
static void pair_prefetch(void *ctx, const chain_header_t *h, const ethc_hash_t *hash,
                          const chain_remote_call_t *call) {
  node_peer_source_t *s = ctx;
  if (s->first.prefetch) s->first.prefetch(s->first.ctx, h, hash, call);
}

static int pair_state(void *ctx, const chain_header_t *h, const ethc_hash_t *hash, state_base_t *out, char *err,
                      size_t errlen) {
  node_peer_source_t *s = ctx;
  if (!s->first.state) return s->second.state(s->second.ctx, h, hash, out, err, errlen); /* peers only */
  pthread_mutex_lock(&s->lock);
  proot_t *p = s->roots;
  while (p && !(ethc_hash_eq(&p->hash, hash) && ethc_hash_eq(&p->h.state_root, &h->state_root))) p = p->next;
  if (!p && (p = calloc(1, sizeof *p))) {
    p->s = s, p->h = *h, p->hash = *hash;
    p->next = s->roots;
    s->roots = p;
  }
  bool has_first = p && p->has_first;
  pthread_mutex_unlock(&s->lock);
  if (!p) return snprintf(err, errlen, "out of memory"), ETHC_ERR_NOMEM;
  char e1[240] = "", e2[240] = "";
  state_base_t b;
  if (!has_first && !s->first.state(s->first.ctx, h, hash, &b, e1, sizeof e1)) {
    pthread_mutex_lock(&s->lock);
    if (!p->has_first) p->first = b, p->has_first = true;
    pthread_mutex_unlock(&s->lock);
    has_first = true;
  }
  if (!has_first) { /* the peers' base now: a state neither serves is an error with both reasons */
    int rc = s->second.state(s->second.ctx, h, hash, &b, e2, sizeof e2);
    if (rc) return both(err, errlen, e1, e2), rc;
    pthread_mutex_lock(&s->lock);
    if (!p->has_second) p->second = b, p->has_second = true;
    pthread_mutex_unlock(&s->lock);
  }
  pthread_mutex_lock(&s->lock);
  trie_store_t nodes = p->has_first ? p->first.nodes : p->second.nodes;
  pthread_mutex_unlock(&s->lock);
  *out = (state_base_t){.get_account = pair_account,
                        .get_storage = pair_storage,
                        .get_code = pair_code,
                        .ctx = p,
                        .root = h->state_root,
                        .nodes = nodes};
  return 0;
}

/* ---- lifetime ---- */

int node_peer_source_start(peers_t *peers, chain_t *chain, const chain_remote_t *provider, node_peer_source_t **out) {
  *out = NULL;
  if (!peers) return 0;
  node_peer_source_t *s = calloc(1, sizeof *s);
  if (s) s->txs = calloc(TX_SLOTS, sizeof *s->txs);
  p2p_remote_opts_t o = {.node_slots = LIGHT_P2P_NODE_SLOTS, /* a light mode's: headers only */
                         .code_bytes = LIGHT_P2P_CODE_BYTES,
                         .cache_entries = LIGHT_P2P_CACHE_ENTRIES};
  if (s && !provider && chain_db(chain)) o.disk = s->disk = trie_node_cache_open(chain_db(chain), 0);
  const char *mode = getenv("ETHC_P2P_STATE"); /* "range": no GetTrieNodes (for comparisons) */
  o.no_trie_nodes = mode && !strcmp(mode, "range");
  if (!s || !s->txs || p2p_remote_new(peers, &o, &s->remote)) {
    ethc_log(ETHC_LOG_WARN, "p2p: out of memory: no bodies, receipts or state from peers");
    if (s) free(s->txs), trie_node_cache_free(s->disk);
    free(s);
    return ETHC_ERR_NOMEM;
  }
  pthread_mutex_init(&s->lock, NULL);
  s->chain = chain;
  s->peers = peers;
  s->second = p2p_remote_as_chain_remote(s->remote);
  if (provider) s->first = *provider;
  chain_remote_t r = {.ctx = s,
                      .body = pair_body,
                      .receipts = pair_receipts,
                      .tx_location = pair_tx_location,
                      .state = pair_state,
                      .prefetch = pair_prefetch};
  chain_set_remote(chain, &r);
  ethc_log(ETHC_LOG_INFO, "%s",
           provider ? "light: bodies, receipts and state from the execution RPC, then from devp2p peers (snap) when "
                      "it fails; each checked against the verified headers"
           : o.no_trie_nodes ? "light: bodies, receipts and snap state from devp2p peers on demand (state by "
                               "the range requests only), each checked against the verified headers"
                             : "light: bodies, receipts and snap state from devp2p peers on demand, each "
                               "checked against the verified headers");
  *out = s;
  return 0;
}

void node_peer_source_stop(node_peer_source_t *s) {
  if (s) p2p_remote_stop(s->remote);
}

void node_peer_source_free(node_peer_source_t *s) {
  if (!s) return;
  p2p_remote_free(s->remote);
  trie_node_cache_free(s->disk);
  while (s->roots) {
    proot_t *p = s->roots;
    s->roots = p->next;
    free(p);
  }
  pthread_mutex_destroy(&s->lock);
  free(s->txs);
  free(s);
}

int node_peer_source_header(void *ctx, const ethc_hash_t *hash, uint64_t number, chain_header_t *out, char *err,
                            size_t errlen) {
  node_peer_source_t *s = ctx;
  return p2p_remote_header(s->remote, hash, number, out, err, errlen);
}
