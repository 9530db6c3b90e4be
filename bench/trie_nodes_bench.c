/* The snap server answering a fixed GetTrieNodes request (devp2p caps/snap.md)
 * on the ethtest chain's head state: for each of the first K accounts of
 * headstate.json, the compact paths of its key's prefixes of 0..P-1 nibbles,
 * one set each (what a light client's cold account read asks). Modes:
 *   shared   snap_serve_trie_nodes (one cursor: a walk shared by the paths)
 *   perpath  the same answer with one walk per path from the root
 *            (trie_node_at_path, the server's former way), checked identical;
 *            without the server's check of the root (see `empty`)
 *   empty    snap_serve_trie_nodes of no path set: the server's fixed cost
 *            (is the root a recent state root), to add to perpath
 * Prints ns per request and store reads; for instruction counts run it under
 *   valgrind --tool=callgrind --toggle-collect=serve_once build/trie_nodes_bench MODE
 * and divide the Ir by the iterations.
 * usage: [ETHC_SHARED=/work/shared] trie_nodes_bench shared|perpath|empty [P=17] [K=8] [ITERS=200]
 * (the ethtest chain under $ETHC_SHARED, default ../shared) */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "chain_fixture.h"
#include "ethc/chain_read.h"
#include "ethc/chaindb.h"
#include "ethc/error.h"
#include "ethc/snap_wire.h"
#include "ethc/state_db.h"
#include "ethc/trie_node_cursor.h"
#include "ethc/trie_path.h"
#include "ethc/trie_range.h"

typedef struct {
  uint64_t reads;
  const trie_store_t *base;
} counted_t;

static int counted_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  counted_t *c = ctx;
  c->reads++;
  return c->base->get(c->base->ctx, hash, out);
}

/* One walk per path, answering as the server does (account paths only). */
static int per_path(const snap_get_trie_nodes_t *q, const trie_store_t *st, bytes_buf_t *out) {
  bytes_buf_t data = {0};
  size_t *ends = calloc(q->path_count + 1, sizeof *ends), count = 0;
  for (size_t i = 0; i < q->path_count; i++) {
    uint8_t nib[128];
    size_t n, start = data.len;
    if (!trie_compact_to_nibbles(q->paths[i].data, q->paths[i].len, nib, sizeof nib, &n) &&
        trie_node_at_path(q->root.bytes, st, nib, n, &data))
      data.len = start;
    ends[count++] = data.len;
  }
  bytes_view_t *v = calloc(count + 1, sizeof *v);
  for (size_t i = 0; i < count; i++)
    v[i] = bytes_view(data.data + (i ? ends[i - 1] : 0), ends[i] - (i ? ends[i - 1] : 0));
  int rc = snap_blobs_encode(q->request_id, v, count, out);
  free(v);
  free(ends);
  bytes_buf_free(&data);
  return rc;
}

__attribute__((noinline)) static int serve_once(chain_t *c, bool shared, const snap_get_trie_nodes_t *q,
                                                const trie_store_t *st, bytes_buf_t *out) {
  out->len = 0;
  return shared ? snap_serve_trie_nodes(c, q, out) : per_path(q, st, out);
}

int main(int argc, char **argv) {
  if (argc < 2 || (strcmp(argv[1], "shared") && strcmp(argv[1], "perpath") && strcmp(argv[1], "empty"))) {
    fprintf(stderr, "usage: trie_nodes_bench shared|perpath|empty [P=17] [K=8] [ITERS=200]\n");
    return 2;
  }
  bool shared = strcmp(argv[1], "perpath") != 0, empty = !strcmp(argv[1], "empty");
  size_t P = argc > 2 ? (size_t)atoi(argv[2]) : 17, K = argc > 3 ? (size_t)atoi(argv[3]) : 8;
  int iters = argc > 4 ? atoi(argv[4]) : 200;
  if (P < 1 || P > 65 || K < 1 || K > 64 || iters < 1) return 2;
  test_chain_t t;
  chain_open_opts_t o = {0};
  chain_t *c = test_chain_import(&t, "chains/ethtest", &o);
  char path[1200];
  snprintf(path, sizeof path, "%s/chains/ethtest/headstate.json", check_shared_dir());
  size_t len;
  char *text = (char *)bytes_read_file(path, &len);
  cJSON *hs = text ? cJSON_Parse(text) : NULL;
  free(text);
  chain_header_t h;
  uint64_t head;
  if (!c || !hs || chain_read_head(c, &head, NULL) || chain_read_header_by_number(c, head, &h, NULL)) {
    fprintf(stderr, "trie_nodes_bench: no ethtest chain\n");
    test_chain_remove(&t);
    return 1;
  }
  /* the request: P prefixes of each of K account keys, one set per path */
  bytes_buf_t enc = {0};
  size_t n = 0, ends[64 * 65];
  const cJSON *a;
  cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(hs, "accounts")) {
    uint8_t key[32];
    if (n / P >= K) break;
    if (hex_decode_fixed(cJSON_GetObjectItemCaseSensitive(a, "key")->valuestring, true, key, 32)) continue;
    for (size_t d = 0; d < P; d++) {
      trie_path_compact(key, d, &enc);
      ends[n++] = enc.len;
    }
  }
  bytes_view_t *paths = calloc(n, sizeof *paths);
  size_t *offsets = calloc(n + 1, sizeof *offsets);
  for (size_t i = 0; i < n; i++) {
    paths[i] = bytes_view(enc.data + (i ? ends[i - 1] : 0), ends[i] - (i ? ends[i - 1] : 0));
    offsets[i + 1] = i + 1;
  }
  snap_get_trie_nodes_t q = {.request_id = 1,
                             .root = h.state_root,
                             .paths = paths,
                             .path_count = n,
                             .offsets = offsets,
                             .set_count = n,
                             .bytes = 500000};
  state_store_t ss;
  chaindb_state_store(chain_db(c), &ss);
  counted_t cnt = {.base = &ss.nodes};
  trie_store_t st = {.ctx = &cnt, .get = counted_get};
  bytes_buf_t a1 = {0}, a2 = {0};
  int rc = snap_serve_trie_nodes(c, &q, &a1) || per_path(&q, &st, &a2);
  if (rc || a1.len != a2.len || memcmp(a1.data, a2.data, a1.len)) {
    fprintf(stderr, "trie_nodes_bench: the answers differ\n");
    rc = 1;
  }
  uint64_t per_path_reads = cnt.reads;
  snap_get_trie_nodes_t none = q;
  none.set_count = 0, none.path_count = 0;
  trie_node_cursor_t cur; /* the shared walk's store reads, as the server's cursor makes them */
  trie_node_cursor_init(&cur, h.state_root.bytes, &st);
  for (size_t i = 0; i < n; i++) {
    uint8_t nib[128];
    size_t k;
    a2.len = 0;
    if (!trie_compact_to_nibbles(paths[i].data, paths[i].len, nib, sizeof nib, &k))
      trie_node_cursor_get(&cur, nib, k, &a2);
  }
  uint64_t shared_reads = cur.reads;
  trie_node_cursor_free(&cur);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < iters && !rc; i++) rc = serve_once(c, shared, empty ? &none : &q, &ss.nodes, &a1);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / iters;
  printf(
      "%s: %zu paths (%zu keys x %zu prefixes), answer %zu bytes: %.0f ns per request "
      "(store reads: %llu one walk per path, %llu shared)\n",
      argv[1], n, K, P, a1.len, ns, (unsigned long long)per_path_reads, (unsigned long long)shared_reads);
  free(paths);
  free(offsets);
  bytes_buf_free(&enc);
  bytes_buf_free(&a1);
  bytes_buf_free(&a2);
  cJSON_Delete(hs);
  test_chain_remove(&t);
  return rc ? 1 : 0;
}
