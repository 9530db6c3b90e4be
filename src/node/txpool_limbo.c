/* The blob pool's limbo (txpool_limbo.h; EIP-4844 blob transactions, whose
 * sidecars no block carries; go-ethereum's blobpool limbo): an unsorted array of entries, each
 * a transaction hash, its block's hash and number, and its network form. It
 * holds the blob transactions of the last blocks up to finality (tens of
 * entries), so linear scans do. */
#include "node/txpool_limbo.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  ethc_hash_t tx, block;
  uint64_t number;
  uint8_t *net;
  size_t len;
} limbo_entry_t;

struct txpool_limbo {
  limbo_entry_t *e;
  size_t n, cap;
  size_t bytes, max_bytes;
};

txpool_limbo_t *txpool_limbo_new(size_t max_bytes) {
  txpool_limbo_t *l = calloc(1, sizeof *l);
  if (l) l->max_bytes = max_bytes;
  return l;
}

void txpool_limbo_free(txpool_limbo_t *l) {
  if (!l) return;
  for (size_t i = 0; i < l->n; i++) free(l->e[i].net);
  free(l->e);
  free(l);
}

static long find(const txpool_limbo_t *l, const ethc_hash_t *tx) {
  for (size_t i = 0; i < l->n; i++)
    if (!memcmp(l->e[i].tx.bytes, tx->bytes, sizeof tx->bytes)) return (long)i;
  return -1;
}

/* Removes entry i (its network form freed unless the caller took it). */
static void remove_at(txpool_limbo_t *l, size_t i, bool free_net) {
  l->bytes -= l->e[i].len;
  if (free_net) free(l->e[i].net);
  l->e[i] = l->e[--l->n];
}

bool txpool_limbo_push(txpool_limbo_t *l, const ethc_hash_t *tx, const ethc_hash_t *block, uint64_t number,
                       uint8_t *net, size_t len) {
  long old = find(l, tx);
  if (old >= 0) remove_at(l, (size_t)old, true);
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    limbo_entry_t *e = realloc(l->e, cap * sizeof *e);
    if (!e) return free(net), false;
    l->e = e, l->cap = cap;
  }
  l->e[l->n++] = (limbo_entry_t){.tx = *tx, .block = *block, .number = number, .net = net, .len = len};
  l->bytes += len;
  while (l->bytes > l->max_bytes) { /* the oldest block's entries go first */
    size_t oldest = 0;
    for (size_t i = 1; i < l->n; i++)
      if (l->e[i].number < l->e[oldest].number) oldest = i;
    remove_at(l, oldest, true);
  }
  return find(l, tx) >= 0;
}

bool txpool_limbo_pull(txpool_limbo_t *l, const ethc_hash_t *tx, uint8_t **net, size_t *len) {
  long i = find(l, tx);
  if (i < 0) return false;
  *net = l->e[i].net, *len = l->e[i].len;
  remove_at(l, (size_t)i, false);
  return true;
}

bool txpool_limbo_update(txpool_limbo_t *l, const ethc_hash_t *tx, const ethc_hash_t *block, uint64_t number) {
  long i = find(l, tx);
  if (i < 0) return false;
  l->e[i].block = *block, l->e[i].number = number;
  return true;
}

bool txpool_limbo_has(const txpool_limbo_t *l, const ethc_hash_t *tx, ethc_hash_t *block) {
  long i = find(l, tx);
  if (i >= 0 && block) *block = l->e[i].block;
  return i >= 0;
}

size_t txpool_limbo_finalize(txpool_limbo_t *l, uint64_t number) {
  size_t dropped = 0;
  for (size_t i = 0; i < l->n;)
    if (l->e[i].number <= number) remove_at(l, i, true), dropped++;
    else i++;
  return dropped;
}

void txpool_limbo_stats(const txpool_limbo_t *l, size_t *count, size_t *bytes) {
  *count = l->n;
  *bytes = l->bytes;
}
