/* The process-wide cache of recovered senders (chain_read_senders.h):
 * direct-mapped by the transaction hash's first bytes, fixed size, one mutex
 * per stripe of slots; a lookup never allocates and a collision replaces. */
#include "chain/chain_read_senders.h"

#include <pthread.h>
#include <string.h>

#define SLOTS 16384 /* x 56 bytes: under 1 MiB */
#define STRIPES 64

typedef struct {
  ethc_hash_t tx;
  ethc_address_t from;
  bool used;
} slot_t;

static slot_t slots[SLOTS];
static pthread_mutex_t locks[STRIPES] = {[0 ... STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER};

static size_t slot_of(const ethc_hash_t *tx) {
  size_t i;
  memcpy(&i, tx->bytes, sizeof i); /* a hash: its bytes are already uniform */
  return i % SLOTS;
}

bool chain_sender_cached(const ethc_hash_t *tx, ethc_address_t *from) {
  size_t i = slot_of(tx);
  pthread_mutex_t *l = &locks[i % STRIPES];
  pthread_mutex_lock(l);
  bool hit = slots[i].used && ethc_hash_eq(&slots[i].tx, tx);
  if (hit) *from = slots[i].from;
  pthread_mutex_unlock(l);
  return hit;
}

void chain_sender_remember(const ethc_hash_t *tx, const ethc_address_t *from) {
  size_t i = slot_of(tx);
  pthread_mutex_t *l = &locks[i % STRIPES];
  pthread_mutex_lock(l);
  slots[i] = (slot_t){*tx, *from, true};
  pthread_mutex_unlock(l);
}

int chain_sender_recover(const tx_t *tx, const ethc_hash_t *hash, evm_revision_t rev, ethc_address_t *from) {
  if (chain_sender_cached(hash, from)) return 0;
  int rc = tx_recover_sender(tx, rev, from);
  if (!rc) chain_sender_remember(hash, from);
  return rc;
}
