/* The chain's head and finalized mark as the light follower (light_follow.c)
 * last set them with chain_light_set_head, and the test of whether a new
 * target must be set again (the optimistic and finalized heads of
 * consensus-specs altair/light-client/light-client.md). Not a public header. */
#ifndef ETHC_NODE_LIGHT_MARKS_H
#define ETHC_NODE_LIGHT_MARKS_H

#include <stdbool.h>

#include "ethc/types.h"

typedef struct {
  ethc_hash_t head;     /* the head block */
  bool fin;             /* a finalized (and safe) mark is set */
  ethc_hash_t fin_hash; /* ... at this block (when fin) */
} light_marks_t;

/* Whether `want` differs from `set`: another head, a finalized mark set or
 * cleared, or the finalized mark at another block (the head unchanged). The
 * finalized hash is compared only when both have a mark. Pure. */
static inline bool light_marks_differ(const light_marks_t *set, const light_marks_t *want) {
  if (!ethc_hash_eq(&set->head, &want->head) || set->fin != want->fin) return true;
  return want->fin && !ethc_hash_eq(&set->fin_hash, &want->fin_hash);
}

#endif
