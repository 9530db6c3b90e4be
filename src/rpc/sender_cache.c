/* A cache of recovered transaction senders by transaction hash, so that
 * blocks asked for with full transactions (eth_getBlockByNumber(n, true), the
 * most common wallet call) do not redo a secp256k1 recovery per transaction
 * each time. Direct-mapped, fixed size, one lock per stripe of slots: a
 * lookup never allocates and a collision just replaces the slot. */
#include <pthread.h>
#include <string.h>

#include "rpc/rpc_internal.h"

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

bool rpc_sender_cached(const ethc_hash_t *tx, ethc_address_t *from) {
  size_t i = slot_of(tx);
  pthread_mutex_t *l = &locks[i % STRIPES];
  pthread_mutex_lock(l);
  bool hit = slots[i].used && ethc_hash_eq(&slots[i].tx, tx);
  if (hit) *from = slots[i].from;
  pthread_mutex_unlock(l);
  return hit;
}

void rpc_sender_remember(const ethc_hash_t *tx, const ethc_address_t *from) {
  size_t i = slot_of(tx);
  pthread_mutex_t *l = &locks[i % STRIPES];
  pthread_mutex_lock(l);
  slots[i] = (slot_t){*tx, *from, true};
  pthread_mutex_unlock(l);
}
