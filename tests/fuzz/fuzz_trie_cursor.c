/* libFuzzer harness for the snap server's shared trie walk
 * (src/trie/trie_node_cursor.c; devp2p caps/snap.md GetTrieNodes): the paths
 * come from a peer, the trie may be anything. Differential: for every path in
 * turn, the cursor must give exactly trie_node_at_path's return code and bytes
 * (src/trie/trie_range.c), whatever the order of the paths.
 * Input: a flags byte, a path count, then nodes (2-byte big-endian length,
 * then the bytes; a placeholder 0xa0 0xee j in node i becomes 0xa0
 * keccak(node j), j > i, and the root is keccak(node 0)) up to a 0x00 0x00
 * length, then the paths (a length byte, mod 70, then that many nibbles, each
 * taken mod 16). */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "ethc/trie_node_cursor.h"
#include "ethc/trie_range.h"
#include "fuzz_input.h"
#include "fuzz_nodes.h"

#define MAX_NODES FUZZ_STORE_MAX
#define MAX_PATHS 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rd_t r = {data, size};
  uint8_t flags = 0, npaths = 0;
  if (!rd_byte(&r, &flags) || !rd_byte(&r, &npaths)) return 0;
  uint8_t *buf[MAX_NODES];
  bytes_view_t nodes[MAX_NODES];
  size_t count = fuzz_read_linked_nodes(&r, buf, nodes, MAX_NODES, 1);
  /* flags bit 0: leave the last node out of the store (a missing node) */
  size_t stored = count && (flags & 1) ? count - 1 : count;
  fuzz_node_store_t store = {0};
  for (size_t i = 0; i < stored; i++) fuzz_store_add(&store, nodes[i]);
  uint8_t root[32];
  if (count) keccak256(nodes[0].data, nodes[0].len, root);
  else memcpy(root, TRIE_EMPTY_ROOT, 32);
  trie_store_t ts = {&store, NULL, fuzz_store_get};
  trie_node_cursor_t c;
  trie_node_cursor_init(&c, root, &ts);
  for (size_t k = 0; k < npaths % MAX_PATHS; k++) {
    uint8_t len_b = 0, path[70];
    if (!rd_byte(&r, &len_b)) break;
    size_t n = len_b % 70;
    for (size_t i = 0; i < n; i++) {
      uint8_t b = 0;
      rd_byte(&r, &b);
      path[i] = b & 15;
    }
    bytes_buf_t a = {0}, b = {0};
    int rc_plain = trie_node_at_path(root, &ts, path, n, &a);
    int rc_cursor = trie_node_cursor_get(&c, path, n, &b);
    must(rc_plain == rc_cursor);
    must(a.len == b.len && (!a.len || !memcmp(a.data, b.data, a.len)));
    bytes_buf_free(&a);
    bytes_buf_free(&b);
  }
  trie_node_cursor_free(&c);
  for (size_t i = 0; i < count; i++) free(buf[i]);
  return 0;
}
