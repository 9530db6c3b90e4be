/* Ordering candidate transactions for a block (block_builder.h): per sender by
 * nonce, across senders by the effective tip at the block's base fee (EIP-1559:
 * min(max priority fee, max fee - base fee)), as go-ethereum's miner takes a
 * pool's pending transactions (a price-and-nonce heap over the senders' heads). */
#include <stdlib.h>
#include <string.h>

#include "ethc/block_builder.h"
#include "ethc/error.h"

/* by sender, then nonce, then the caller's order */
static int by_sender(const void *x, const void *y) {
  const block_candidate_t *a = x, *b = y;
  int c = memcmp(a->from.bytes, b->from.bytes, sizeof a->from.bytes);
  if (c) return c;
  if (a->tx->nonce != b->tx->nonce) return a->tx->nonce < b->tx->nonce ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* The effective tip; false when the fee cap is below the base fee. */
static bool tip_of(const tx_t *tx, const u256_t *base_fee, u256_t *tip) {
  if (u256_lt(&tx->max_fee_per_gas, base_fee)) return false;
  u256_t room;
  u256_sub(&room, &tx->max_fee_per_gas, base_fee);
  *tip = u256_lt(&room, &tx->max_priority_fee_per_gas) ? room : tx->max_priority_fee_per_gas;
  return true;
}

int block_order_candidates(block_candidate_t *c, size_t n, const u256_t *base_fee) {
  if (n < 2) return 0;
  block_candidate_t *sorted = malloc(n * sizeof *sorted);
  size_t *next = malloc(n * sizeof *next), *end = malloc(n * sizeof *end); /* per sender group */
  if (!sorted || !next || !end) {
    free(sorted), free(next), free(end);
    return ETHC_ERR_NOMEM;
  }
  memcpy(sorted, c, n * sizeof *c);
  qsort(sorted, n, sizeof *sorted, by_sender);
  size_t groups = 0;
  for (size_t i = 0; i < n; i++)
    if (i == 0 || memcmp(sorted[i].from.bytes, sorted[i - 1].from.bytes, sizeof sorted[i].from.bytes)) {
      if (groups) end[groups - 1] = i;
      next[groups++] = i;
    }
  end[groups - 1] = n;
  size_t out = 0, stuck = n; /* stuck: where the unincludable ones go, from the back */
  while (out < stuck) {
    size_t best = SIZE_MAX;
    u256_t best_tip = U256_ZERO;
    for (size_t g = 0; g < groups; g++) {
      if (next[g] == end[g]) continue;
      const block_candidate_t *h = &sorted[next[g]];
      u256_t tip;
      if (!tip_of(h->tx, base_fee, &tip)) {
        /* this sender's rest waits behind a transaction that cannot go in */
        while (next[g] < end[g]) c[--stuck] = sorted[--end[g]];
        continue;
      }
      if (best == SIZE_MAX || u256_lt(&best_tip, &tip) ||
          (!u256_lt(&tip, &best_tip) && h->index < sorted[next[best]].index))
        best = g, best_tip = tip;
    }
    if (best == SIZE_MAX) break;
    c[out++] = sorted[next[best]++];
  }
  free(sorted), free(next), free(end);
  return 0;
}
