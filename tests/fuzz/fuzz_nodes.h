/* Shared by the trie harnesses: hostile trie nodes read off the fuzzer's
 * input and hash-linked, and a small store that serves them by hash. */
#ifndef ETHC_FUZZ_NODES_H
#define ETHC_FUZZ_NODES_H

#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "fuzz_input.h"

/* Reads up to `max` nodes (a 2-byte big-endian length, mod 0x4000, then the
 * bytes; with stop_at_empty, a zero length ends the list) into malloc'd
 * buf[i] viewed by nodes[i], then links them: a placeholder 0xa0 0xee j inside
 * node i becomes 0xa0 keccak(node j) for j > i, so hash-linked tries of any
 * shape can be written. Returns the count; free each buf[i]. */
static inline size_t fuzz_read_linked_nodes(rd_t *r, uint8_t **buf, bytes_view_t *nodes, size_t max,
                                            int stop_at_empty) {
  size_t count = 0;
  uint8_t hi, lo;
  while (count < max && rd_byte(r, &hi) && rd_byte(r, &lo)) {
    size_t len = ((size_t)hi << 8 | lo) & 0x3fff, got;
    if (!len && stop_at_empty) break;
    const uint8_t *p = rd_take(r, len, &got);
    buf[count] = malloc(got ? got : 1);
    must(buf[count] != NULL);
    if (got) memcpy(buf[count], p, got);
    nodes[count] = bytes_view(buf[count], got);
    count++;
  }
  for (size_t i = count; i-- > 0;) {
    uint8_t *d = buf[i];
    size_t n = nodes[i].len;
    for (size_t k = 0; k + 33 <= n; k++) {
      if (d[k] != 0xa0 || d[k + 1] != 0xee) continue;
      size_t j = d[k + 2];
      if (j <= i || j >= count) continue;
      keccak256(nodes[j].data, nodes[j].len, d + k + 1);
      k += 32;
    }
  }
  return count;
}

#define FUZZ_STORE_MAX 40

/* Nodes served by their keccak hash (a trie_store_t get over a list). */
typedef struct {
  uint8_t hash[FUZZ_STORE_MAX][32];
  bytes_view_t node[FUZZ_STORE_MAX];
  size_t count;
} fuzz_node_store_t;

static inline void fuzz_store_add(fuzz_node_store_t *s, bytes_view_t node) {
  if (s->count == FUZZ_STORE_MAX) return;
  keccak256(node.data, node.len, s->hash[s->count]);
  s->node[s->count++] = node;
}

static inline int fuzz_store_get(void *ctx, const uint8_t hash[32], bytes_buf_t *out) {
  const fuzz_node_store_t *s = ctx;
  for (size_t i = 0; i < s->count; i++)
    if (!memcmp(s->hash[i], hash, 32)) return bytes_buf_append(out, s->node[i].data, s->node[i].len);
  return ETHC_ERR_NOT_FOUND;
}

#endif
