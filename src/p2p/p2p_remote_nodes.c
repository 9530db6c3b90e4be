/* The devp2p source's GetTrieNodes reads (p2p_remote_int.h; devp2p
 * caps/snap.md GetTrieNodes/TrieNodes): one key's path walked from the trie's
 * root (trie_path.h) over the verified nodes at hand, the rest of the path
 * asked of a peer in one request (the compact paths of the key's prefixes from
 * the first missing node on: a server answers an empty item where no node
 * starts, as inside an extension), the answer verified
 * node by node by the chain of hashes from the known parent down. A peer
 * whose item at the missing node's path does not hash to the reference is
 * blamed (banned) and the next peer asked; one answering nothing there lacks
 * the state. The verified nodes go to a bounded in-memory table (direct
 * mapped by hash) and to the chain database's cache (trie_node_cache.h).
 * How many prefixes: the source learns how deep the nodes of the account
 * trie and of the storage tries go (the deepest node each kind's answers
 * held) and asks down to DEPTH_SLACK nibbles below that; a path that goes
 * deeper than that (or the first read, with nothing learnt) asks NODES_AHEAD
 * prefixes, and a walk left short asks again from where it stopped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/log.h"
#include "ethc/snap_wire.h"
#include "ethc/trie_node_cache.h"
#include "ethc/trie_path.h"
#include "p2p/p2p_remote_int.h"

#define NODES_AHEAD 17 /* most paths per request: the missing node and 16 more nibbles */
#define DEPTH_SLACK 2  /* nibbles asked below the deepest node seen in a trie of that kind */
#define MAX_ROUNDS 8   /* round trips per read (64 nibbles / 16, and a spare) */

/* ---- verified nodes in memory ---- */

typedef struct {
  uint8_t hash[32];
  uint8_t *rlp; /* NULL: empty */
  size_t len;
} mslot_t;

struct node_mem {
  pthread_mutex_t lock;
  mslot_t *v;
  size_t n;
  int deepest[2]; /* the deepest node depth answered [account trie, storage tries]; -1: none yet */
};

int node_mem_new(size_t slots, node_mem_t **out) {
  node_mem_t *m = calloc(1, sizeof *m);
  if (!m || !(m->v = calloc(slots, sizeof *m->v))) return free(m), ETHC_ERR_NOMEM;
  m->n = slots;
  m->deepest[0] = m->deepest[1] = -1;
  pthread_mutex_init(&m->lock, NULL);
  *out = m;
  return 0;
}

void node_mem_free(node_mem_t *m) {
  if (!m) return;
  for (size_t i = 0; i < m->n; i++) free(m->v[i].rlp);
  pthread_mutex_destroy(&m->lock);
  free(m->v);
  free(m);
}

static mslot_t *slot_for(node_mem_t *m, const uint8_t hash[32]) {
  uint64_t x;
  memcpy(&x, hash, 8);
  return &m->v[x % m->n];
}

static void mem_put(node_mem_t *m, const uint8_t hash[32], const uint8_t *rlp, size_t len) {
  uint8_t *copy = malloc(len);
  if (!copy) return;
  memcpy(copy, rlp, len);
  pthread_mutex_lock(&m->lock);
  mslot_t *s = slot_for(m, hash);
  free(s->rlp);
  memcpy(s->hash, hash, 32);
  s->rlp = copy, s->len = len;
  pthread_mutex_unlock(&m->lock);
}

/* The trie_store_t get over memory, then the disk cache (ctx: the source). */
static int cached_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  p2p_remote_t *r = ctx;
  node_mem_t *m = p2p_remote_node_mem(r);
  pthread_mutex_lock(&m->lock);
  mslot_t *s = slot_for(m, hash);
  int rc = ETHC_ERR_NOT_FOUND;
  if (s->rlp && !memcmp(s->hash, hash, 32)) rc = bytes_buf_append(out, s->rlp, s->len);
  pthread_mutex_unlock(&m->lock);
  trie_node_cache_t *disk = p2p_remote_opts(r)->disk;
  if (rc == ETHC_ERR_NOT_FOUND && disk) {
    size_t start = out->len;
    rc = trie_node_cache_get(disk, TRIE_NODE_CACHE_NODE, hash, out);
    if (!rc) mem_put(m, hash, out->data + start, out->len - start);
  }
  return rc;
}

void p2p_remote_disk_put_code(p2p_remote_t *r, const uint8_t *code, size_t len) {
  trie_node_cache_t *disk = p2p_remote_opts(r)->disk;
  bytes_view_t v = bytes_view(code, len);
  if (disk) (void)trie_node_cache_put(disk, TRIE_NODE_CACHE_CODE, &v, 1);
}

int p2p_remote_disk_get_code(p2p_remote_t *r, const ethc_hash_t *hash, bytes_buf_t *out) {
  trie_node_cache_t *disk = p2p_remote_opts(r)->disk;
  return disk ? trie_node_cache_get(disk, TRIE_NODE_CACHE_CODE, hash->bytes, out) : ETHC_ERR_NOT_FOUND;
}

/* ---- learnt depths ---- */

/* The paths to ask from depth `from` on in a trie of this kind (1..NODES_AHEAD). */
static size_t paths_wanted(node_mem_t *m, bool storage, size_t from) {
  pthread_mutex_lock(&m->lock);
  int deepest = m->deepest[storage];
  pthread_mutex_unlock(&m->lock);
  if (deepest < 0 || from > (size_t)deepest + DEPTH_SLACK) return NODES_AHEAD;
  size_t n = (size_t)deepest + DEPTH_SLACK - from + 1;
  return n < NODES_AHEAD ? n : NODES_AHEAD;
}

/* Notes the deepest item an answer for paths from `from` on held (used: the items the walk took). */
static void note_depth(node_mem_t *m, bool storage, size_t from, uint64_t used) {
  int top = -1;
  for (int i = 0; i < 64; i++)
    if ((used >> i) & 1) top = i;
  if (top < 0) return;
  pthread_mutex_lock(&m->lock);
  if ((int)from + top > m->deepest[storage]) m->deepest[storage] = (int)from + top;
  pthread_mutex_unlock(&m->lock);
}

/* Keeps the answer's items that the walk used (verified by their parents). */
static void keep_used(p2p_remote_t *r, const bytes_view_t *nodes, size_t n, uint64_t used) {
  bytes_view_t keep[64];
  size_t k = 0;
  for (size_t i = 0; i < n && i < 64; i++) {
    if (!((used >> i) & 1)) continue;
    uint8_t h[32];
    keccak256(nodes[i].data, nodes[i].len, h);
    mem_put(p2p_remote_node_mem(r), h, nodes[i].data, nodes[i].len);
    keep[k++] = nodes[i];
  }
  trie_node_cache_t *disk = p2p_remote_opts(r)->disk;
  if (disk && k) (void)trie_node_cache_put(disk, TRIE_NODE_CACHE_NODE, keep, k);
}

/* One round trip: asks for the paths from miss->depth on until a peer's answer
 * verifies; 0 with the walk's result in *walk_rc (and the new *miss), or
 * ETHC_ERR_MISSING_NODE (no peer has the nodes) / ETHC_ERR_IO (failures) /
 * ETHC_ERR_NOMEM. */
static int round_trip(p2p_remote_t *r, const ethc_hash_t *state_root, const ethc_hash_t *account,
                      const uint8_t trie_root[32], const uint8_t key[32], bytes_buf_t *value, trie_path_miss_t *miss,
                      int *walk_rc, unsigned *asked_paths, char *err, size_t errlen) {
  trie_store_t st = {.ctx = r, .get = cached_get};
  bytes_buf_t enc = {0};
  bytes_view_t paths[NODES_AHEAD];
  size_t offs[NODES_AHEAD], n = 0, from = miss->depth;
  size_t want = paths_wanted(p2p_remote_node_mem(r), account != NULL, from);
  int rc = 0;
  for (size_t d = from; d <= 64 && n < want && !rc; d++, n++) {
    offs[n] = enc.len;
    rc = trie_path_compact(key, d, &enc);
  }
  if (rc) return bytes_buf_free(&enc), rc;
  for (size_t i = 0; i < n; i++)
    paths[i] = bytes_view(enc.data + offs[i], (i + 1 < n ? offs[i + 1] : enc.len) - offs[i]);
  *asked_paths += (unsigned)n;
  fetch_req_t q = {.kind = FETCH_TRIE_NODES, .root = *state_root, .paths = paths, .path_count = n};
  if (account) q.storage = true, q.account = *account;
  fetch_tried_t tried = {.n = 0};
  bool failed = false;
  for (;;) {
    fetch_resp_t resp;
    size_t asked = tried.n;
    rc = p2p_remote_fetch(r, &q, &tried, &resp, err, errlen);
    if (rc == ETHC_ERR_NOT_FOUND) break;
    if (rc && tried.n == asked) return bytes_buf_free(&enc), rc;
    if (rc) {
      failed = true;
      continue;
    }
    snap_blobs_t m = {0};
    if (snap_blobs_decode(resp.payload.data, resp.payload.len, &m) || m.count > n) {
      p2p_remote_blame(r, resp.peer, "TrieNodes does not decode or holds more than asked");
      failed = true;
    } else if (m.count && m.blobs[0].len) {
      uint64_t used = 0;
      size_t before = value->len;
      trie_path_miss_t next = *miss;
      int w = trie_path_absorb(trie_root, &st, key, from, m.blobs, m.count, value, &next, &used);
      if (w == ETHC_ERR_NOMEM) return snap_blobs_free(&m), bytes_buf_free(&resp.payload), bytes_buf_free(&enc), w;
      if (w == ETHC_ERR_MISSING_NODE && next.depth < from) {
        /* another read's nodes pushed one above `from` out of memory: not the
         * peer's fault; the next round trip asks from there */
        keep_used(r, m.blobs, m.count, used);
        note_depth(p2p_remote_node_mem(r), account != NULL, from, used);
        *miss = next, *walk_rc = w;
        snap_blobs_free(&m);
        bytes_buf_free(&resp.payload);
        bytes_buf_free(&enc);
        return 0;
      }
      if (w == ETHC_ERR_INVALID) {
        value->len = before;
        p2p_remote_blame(r, resp.peer, "a TrieNodes answer whose node does not hash to its parent's reference");
        failed = true;
      } else {
        keep_used(r, m.blobs, m.count, used);
        note_depth(p2p_remote_node_mem(r), account != NULL, from, used);
        *miss = next, *walk_rc = w;
        snap_blobs_free(&m);
        bytes_buf_free(&resp.payload);
        bytes_buf_free(&enc);
        return 0;
      }
    } /* else: no node at the first path: the peer lacks this state */
    snap_blobs_free(&m);
    bytes_buf_free(&resp.payload);
  }
  bytes_buf_free(&enc);
  snprintf(err, errlen, "devp2p: %s",
           failed ? "no verified TrieNodes answer from the snap peers"
                  : "no snap peer answered GetTrieNodes for this state");
  return failed ? ETHC_ERR_IO : ETHC_ERR_MISSING_NODE;
}

int p2p_remote_nodes_read(p2p_remote_t *r, const ethc_hash_t *state_root, const ethc_hash_t *account,
                          const uint8_t trie_root[32], const uint8_t key[32], bytes_buf_t *value, unsigned *requests,
                          unsigned *paths, char *err, size_t errlen) {
  trie_store_t st = {.ctx = r, .get = cached_get};
  trie_path_miss_t miss;
  *requests = 0, *paths = 0;
  int rc = trie_path_lookup(trie_root, &st, key, value, &miss);
  while (rc == ETHC_ERR_MISSING_NODE && *requests < MAX_ROUNDS) {
    int w = 0;
    ++*requests;
    int f = round_trip(r, state_root, account, trie_root, key, value, &miss, &w, paths, err, errlen);
    if (f) return f;
    rc = w;
  }
  if (rc == ETHC_ERR_MISSING_NODE)
    snprintf(err, errlen, "devp2p: the trie is deeper than %d GetTrieNodes round trips", MAX_ROUNDS), rc = ETHC_ERR_IO;
  else if (rc == ETHC_ERR_INVALID) snprintf(err, errlen, "devp2p: a cached trie node does not decode");
  return rc;
}
