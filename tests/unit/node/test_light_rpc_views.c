/* Unit tests of the execution-RPC source's bounds and persistent cache
 * (light_rpc_source.h), with a provider that refuses every connection:
 * - after 1000 blocks' states are opened, at most max_views are kept, and a
 *   base of a dropped block is still safe to read (an error on a miss, never
 *   freed memory);
 * - an account whose verified trie node is in the chain database's cache
 *   (trie_node_cache.h) is answered without the provider, from the header's
 *   state root; a row that does not hash to its key is not served;
 * - four threads opening views and reading through new and dropped bases at
 *   once (built with TSan too);
 * - with a light node's bounds (node/light_limits.h), 20000 states whose
 *   nodes are far more than the in-memory tables keep are all answered from
 *   the database, twice, without the provider: a table over its bound is
 *   dropped and refills from the trie node cache. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/light_rpc_source.h"
#include "ethc/rlp.h"
#include "ethc/state.h"
#include "ethc/trie_node_cache.h"
#include "node/light_limits.h"

/* The state trie of one account (a single leaf): its node, and its root. */
static void one_account_trie(const ethc_address_t *a, uint64_t nonce, uint64_t balance, bytes_buf_t *node,
                             ethc_hash_t *root) {
  bytes_buf_t acc = {0};
  size_t l = rlp_list_begin(&acc);
  u256_t bal = u256_from_u64(balance);
  rlp_put_u64(&acc, nonce);
  rlp_put_u256(&acc, &bal);
  rlp_put_bytes(&acc, STATE_EMPTY_ROOT.bytes, 32);
  rlp_put_bytes(&acc, STATE_EMPTY_CODE_HASH.bytes, 32);
  rlp_list_end(&acc, l);
  uint8_t path[33] = {0x20}; /* hex-prefix: an even leaf path */
  keccak256(a->bytes, 20, path + 1);
  l = rlp_list_begin(node);
  rlp_put_bytes(node, path, sizeof path);
  rlp_put_bytes(node, acc.data, acc.len);
  rlp_list_end(node, l);
  keccak256(node->data, node->len, root->bytes);
  bytes_buf_free(&acc);
}

typedef struct {
  chain_remote_t r;
  ethc_hash_t root; /* the cached state */
  ethc_address_t a;
  unsigned id;
  int bad;
} worker_t;

static void *worker(void *arg) {
  worker_t *w = arg;
  char err[200];
  state_base_t old = {0};
  for (unsigned i = 0; i < 400; i++) {
    chain_header_t h;
    memset(&h, 0, sizeof h);
    h.number = i;
    ethc_hash_t hash = {{0}};
    memcpy(hash.bytes, &i, sizeof i);
    hash.bytes[31] = (uint8_t)(w->id + 1);
    h.state_root = w->root;
    state_base_t b;
    if (w->r.state(w->r.ctx, &h, &hash, &b, err, sizeof err)) w->bad++;
    if (i == 0) old = b;
    state_account_t acc;
    /* the cached state answers through a new base and a long-dropped one */
    if (b.get_account(b.ctx, &b.root, &w->a, &acc) || acc.nonce != 7) w->bad++;
    if (old.get_account(old.ctx, &old.root, &w->a, &acc) || acc.nonce != 7) w->bad++;
  }
  return NULL;
}

int main(void) {
  char dir[] = "ethc-lrpc-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  chaindb_t *db = NULL;
  char *dberr = NULL;
  CHECK(chaindb_open(dir, &db, &dberr) == 0);

  ethc_address_t a;
  memset(a.bytes, 0x42, 20);
  bytes_buf_t node = {0};
  ethc_hash_t root;
  one_account_trie(&a, 7, 123456, &node, &root);
  { /* what an earlier run verified */
    trie_node_cache_t *k = trie_node_cache_open(db, 0);
    bytes_view_t v = {node.data, node.len};
    CHECK(trie_node_cache_put(k, TRIE_NODE_CACHE_NODE, &v, 1) == 0);
    trie_node_cache_free(k);
  }

  light_rpc_opts_t o = {.url = "http://127.0.0.1:1/", .timeout_ms = 2000, .db = db};
  light_rpc_source_t *s = NULL;
  char err[200];
  CHECK(light_rpc_source_new(&o, &s, err, sizeof err) == 0);
  chain_remote_t r = light_rpc_source_remote(s);

  /* 1000 blocks: the views stay bounded */
  state_base_t first, last;
  for (unsigned i = 0; i < 1000; i++) {
    chain_header_t h;
    memset(&h, 0, sizeof h);
    h.number = i;
    ethc_hash_t hash;
    memset(hash.bytes, 0, 32);
    memcpy(hash.bytes, &i, sizeof i);
    h.state_root = i == 999 ? root : hash; /* the last block: the cached state */
    state_base_t b;
    CHECK(r.state(r.ctx, &h, &hash, &b, err, sizeof err) == 0);
    if (i == 0) first = b;
    last = b;
  }
  light_rpc_counters_t c;
  light_rpc_source_counters(s, &c);
  CHECK_MSG(c.views == 256, "%zu views", c.views);

  /* a base of a block no longer open: a read fails (no fetch, no crash) */
  state_account_t acc;
  CHECK(first.get_account(first.ctx, &first.root, &a, &acc) == ETHC_ERR_IO);
  const char *msg = chain_remote_error();
  CHECK(msg && strstr(msg, "no longer open"));

  /* the cached state: answered from the database, the provider never reached */
  CHECK(last.get_account(last.ctx, &last.root, &a, &acc) == 0);
  CHECK(acc.nonce == 7);
  CHECK(u256_eq(&acc.balance, &(u256_t){{123456, 0, 0, 0}}));
  light_rpc_source_counters(s, &c);
  CHECK(c.disk_hits == 1);
  CHECK(c.calls == 0);
  /* another account of that state: the walk ends in the leaf of `a`, so it is
   * proven absent without any fetch */
  ethc_address_t other;
  memset(other.bytes, 0x43, 20);
  CHECK(last.get_account(last.ctx, &last.root, &other, &acc) == ETHC_ERR_NOT_FOUND);
  /* threads: views opened and read at once, the ring turning under readers */
  {
    pthread_t t[4];
    worker_t w[4];
    for (unsigned i = 0; i < 4; i++) {
      w[i] = (worker_t){r, root, a, i, 0};
      pthread_create(&t[i], NULL, worker, &w[i]);
    }
    for (unsigned i = 0; i < 4; i++) {
      pthread_join(t[i], NULL);
      CHECK(w[i].bad == 0);
    }
    light_rpc_source_counters(s, &c);
    CHECK(c.views == 256 && c.calls == 0);
  }
  light_rpc_source_free(s);

  /* a planted row (the right key, another account's node) is not served:
   * the provider is asked, and refuses */
  {
    bytes_buf_t bad = {0};
    ethc_hash_t bad_root;
    one_account_trie(&a, 8, 1, &bad, &bad_root);
    uint8_t key[35] = {'V', 0, 'N'};
    memcpy(key + 3, root.bytes, 32);
    /* overwrite every generation's row of `root` that could be read */
    for (unsigned g = 0; g < 256; g++) {
      key[1] = (uint8_t)g;
      bytes_buf_t tmp = {0};
      if (chaindb_get_raw(db, key, sizeof key, &tmp) == 0) {
        chaindb_batch_t *b = chaindb_batch_new();
        chaindb_put_raw(b, key, sizeof key, bad.data, bad.len);
        CHECK(chaindb_write(db, b, false) == 0);
        chaindb_batch_free(b);
      }
      bytes_buf_free(&tmp);
    }
    CHECK(light_rpc_source_new(&o, &s, err, sizeof err) == 0);
    r = light_rpc_source_remote(s);
    chain_header_t h;
    memset(&h, 0, sizeof h);
    h.state_root = root;
    ethc_hash_t hash = {{1}};
    state_base_t b;
    CHECK(r.state(r.ctx, &h, &hash, &b, err, sizeof err) == 0);
    CHECK(b.get_account(b.ctx, &b.root, &a, &acc) == ETHC_ERR_IO); /* not the planted nonce 8 */
    light_rpc_source_counters(s, &c);
    CHECK(c.disk_hits == 0 && c.calls == 1);
    light_rpc_source_free(s);
    bytes_buf_free(&bad);
  }

  /* the light bounds: many more verified nodes than the tables keep */
  {
    enum { STATES = 20000 };
    bytes_buf_t *nodes = calloc(STATES, sizeof *nodes);
    bytes_view_t *views = calloc(STATES, sizeof *views);
    ethc_hash_t *roots = calloc(STATES, sizeof *roots);
    ethc_address_t *who = calloc(STATES, sizeof *who);
    CHECK(nodes && views && roots && who);
    size_t bytes = 0;
    for (unsigned i = 0; i < STATES; i++) {
      memcpy(who[i].bytes, &i, sizeof i);
      one_account_trie(&who[i], i, 1, &nodes[i], &roots[i]);
      views[i] = (bytes_view_t){nodes[i].data, nodes[i].len};
      bytes += nodes[i].len;
    }
    CHECK_MSG(bytes > LIGHT_RPC_NODE_BYTES, "%zu bytes of nodes", bytes);
    trie_node_cache_t *k = trie_node_cache_open(db, 0);
    CHECK(trie_node_cache_put(k, TRIE_NODE_CACHE_NODE, views, STATES) == 0);
    trie_node_cache_free(k);
    light_rpc_opts_t lo = o;
    lo.cache_bytes = LIGHT_RPC_NODE_BYTES;
    lo.code_bytes = LIGHT_RPC_CODE_BYTES;
    lo.where_bytes = LIGHT_RPC_WHERE_BYTES;
    lo.read_cache_bytes = LIGHT_RPC_READ_CACHE_BYTES;
    CHECK(light_rpc_source_new(&lo, &s, err, sizeof err) == 0);
    r = light_rpc_source_remote(s);
    unsigned wrong = 0;
    unsigned long long hits[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++) {
      for (unsigned i = 0; i < STATES; i++) {
        chain_header_t h;
        memset(&h, 0, sizeof h);
        h.number = 2000 + i;
        h.state_root = roots[i];
        ethc_hash_t hash = {{0}};
        memcpy(hash.bytes, &i, sizeof i);
        hash.bytes[31] = 0xee;
        state_base_t b;
        if (r.state(r.ctx, &h, &hash, &b, err, sizeof err) || b.get_account(b.ctx, &b.root, &who[i], &acc) ||
            acc.nonce != i)
          wrong++;
      }
      light_rpc_source_counters(s, &c);
      hits[pass] = c.disk_hits;
    }
    CHECK_MSG(wrong == 0 && c.calls == 0, "%u wrong, %llu calls", wrong, c.calls);
    /* the first pass reads every node from the database; the second again
     * (the tables were dropped over their bounds), still without a fetch */
    CHECK_MSG(hits[0] == STATES && hits[1] > hits[0], "database reads %llu then %llu", hits[0], hits[1]);
    light_rpc_source_free(s);
    for (unsigned i = 0; i < STATES; i++) bytes_buf_free(&nodes[i]);
    free(nodes), free(views), free(roots), free(who);
  }

  bytes_buf_free(&node);
  chaindb_close(db);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_summary();
}
