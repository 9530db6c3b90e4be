/* The light header sync's storage side (devp2p caps/eth.md, "Chain
 * Synchronization"): checks a batch of headers from a peer (consecutive
 * numbers, each linked by parent hash to the one before, the first to what is
 * stored) and imports each with chain_import_header (the header rules and the
 * seal, chain.h), and keeps the sync's progress in DATADIR/headsync so that a
 * restarted node resumes where it stopped. The network side is in peers.c. */
#ifndef ETHC_SYNC_H
#define ETHC_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "ethc/bytes.h"
#include "ethc/chain.h"
#include "ethc/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A verified, stored header: where the sync stands. */
typedef struct {
  uint64_t number;
  ethc_hash_t hash;
} sync_point_t;

/* The stored progress: DATADIR/headsync if present and at least the canonical
 * head, else the canonical head. 0 or an ETHC_ERR_* code. Any thread. */
int sync_load(chain_t *c, sync_point_t *out);
/* Writes DATADIR/headsync ("NUMBER 0xHASH\n", via a temporary file and rename).
 * 0 or ETHC_ERR_IO. */
int sync_save(chain_t *c, const sync_point_t *p);

/* Checks and imports `n` header RLP items that must follow `from` (the
 * proof-of-work seals among them are verified first, in one interleaved Ethash
 * batch). On success
 * *to is the last one and 0 is returned; ETHC_ERR_INVALID with a reason in `why`
 * when a header does not link or breaks a rule (those before it stay stored and
 * *to says up to where); another ETHC_ERR_* on a local failure. Importing thread
 * only (chain.h). */
int sync_import_batch(chain_t *c, const sync_point_t *from, const bytes_view_t *items, size_t n, sync_point_t *to,
                      char *why, size_t whylen);

#ifdef __cplusplus
}
#endif

#endif
