/* libFuzzer harness for the GetTrieNodes answer walker (src/trie/trie_path.c;
 * Yellow Paper appendix D, devp2p caps/snap.md): a light node feeds it the
 * nodes a peer sent for one key's path, so every byte of them is hostile.
 * The input is: a flags byte, a split byte, `from` (mod 65), a 32-byte key,
 * then nodes (2-byte big-endian length, then the bytes). A placeholder
 * 0xa0 0xee j inside node i becomes 0xa0 keccak(node j), j > i, so hash-linked
 * tries of any shape reach the walker; the root is keccak(node 0). Nodes below
 * the split are the local store, the rest the peer's answer items.
 * Checks: no crash; only the documented results; a second call answers the
 * same; the used bits name answer items only; and when the answer proves the
 * key present or absent, a plain lookup over the store plus the used items
 * says the same (the walker keeps nothing it did not verify). */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/trie.h"
#include "ethc/trie_path.h"
#include "fuzz_input.h"
#include "fuzz_nodes.h"

#define MAX_NODES FUZZ_STORE_MAX

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rd_t r = {data, size};
  uint8_t flags = 0, split = 0, from_b = 0;
  if (!rd_byte(&r, &flags) || !rd_byte(&r, &split) || !rd_byte(&r, &from_b)) return 0;
  uint8_t key[32] = {0};
  size_t key_len;
  const uint8_t *k = rd_take(&r, 32, &key_len);
  memcpy(key, k, key_len);
  uint8_t *buf[MAX_NODES];
  bytes_view_t nodes[MAX_NODES];
  size_t count = fuzz_read_linked_nodes(&r, buf, nodes, MAX_NODES, 0);
  uint8_t root[32];
  if (count && !(flags & 1)) keccak256(nodes[0].data, nodes[0].len, root);
  else memcpy(root, TRIE_EMPTY_ROOT, 32);

  size_t local = count ? split % (count + 1) : 0;
  fuzz_node_store_t store = {0};
  for (size_t i = 0; i < local; i++) fuzz_store_add(&store, nodes[i]);
  trie_store_t ts = {&store, NULL, fuzz_store_get};
  size_t from = from_b % 65, n = count - local;
  if (n > 64) n = 64;

  bytes_buf_t v1 = {0}, v2 = {0};
  trie_path_miss_t miss;
  uint64_t used1 = 0, used2 = 0;
  int rc = trie_path_absorb(root, &ts, key, from, nodes + local, n, &v1, &miss, &used1);
  must(rc == 0 || rc == ETHC_ERR_NOT_FOUND || rc == ETHC_ERR_MISSING_NODE || rc == ETHC_ERR_INVALID);
  must(n == 64 || (used1 >> n) == 0);
  must(trie_path_absorb(root, &ts, key, from, nodes + local, n, &v2, &miss, &used2) == rc);
  must(used1 == used2 && v1.len == v2.len && (!v1.len || !memcmp(v1.data, v2.data, v1.len)));
  if (rc == 0 || rc == ETHC_ERR_NOT_FOUND) {
    /* what the walk used, kept by the caller, answers the key by itself */
    for (size_t i = 0; i < n; i++)
      if (used1 >> i & 1) fuzz_store_add(&store, nodes[local + i]);
    if (store.count < MAX_NODES) {
      bytes_buf_t v3 = {0};
      must(trie_path_lookup(root, &ts, key, &v3, NULL) == rc);
      must(v3.len == v1.len && (!v1.len || !memcmp(v3.data, v1.data, v1.len)));
      bytes_buf_free(&v3);
    }
  }
  bytes_buf_free(&v1);
  bytes_buf_free(&v2);
  for (size_t i = 0; i < count; i++) free(buf[i]);
  return 0;
}
