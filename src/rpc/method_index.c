/* Hashed look-ups over the method table (method_index.h): two open-addressing
 * tables (linear probing, at most half full) built once from rpc_method_all,
 * one keyed by name (FNV-1a) and one by the entry's address. */
#include "rpc/method_index.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define SLOTS 1024 /* a power of two, at least twice RPC_MAX_METHODS */

typedef struct {
  const rpc_method_t *m; /* NULL: free */
  int pos;
} slot_t;

static slot_t by_name[SLOTS], by_addr[SLOTS];
static pthread_once_t built = PTHREAD_ONCE_INIT;

static uint32_t name_hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static uint32_t addr_hash(const rpc_method_t *m) {
  uint64_t x = (uint64_t)(uintptr_t)m;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  return (uint32_t)(x ^ (x >> 33));
}

static void build(void) {
  const rpc_method_t *all[RPC_MAX_METHODS];
  size_t n = rpc_method_all(all, RPC_MAX_METHODS);
  if (n > RPC_MAX_METHODS) n = RPC_MAX_METHODS;
  for (size_t i = 0; i < n; i++) {
    uint32_t h = name_hash(all[i]->name) & (SLOTS - 1);
    bool dup = false;
    while (by_name[h].m && !(dup = !strcmp(by_name[h].m->name, all[i]->name))) h = (h + 1) & (SLOTS - 1);
    if (!dup) by_name[h] = (slot_t){all[i], (int)i}; /* the first of a name wins, as in rpc_method_find */
    h = addr_hash(all[i]) & (SLOTS - 1);
    while (by_addr[h].m) h = (h + 1) & (SLOTS - 1);
    by_addr[h] = (slot_t){all[i], (int)i};
  }
}

const rpc_method_t *rpc_method_lookup(const char *name) {
  pthread_once(&built, build);
  for (uint32_t h = name_hash(name) & (SLOTS - 1); by_name[h].m; h = (h + 1) & (SLOTS - 1))
    if (!strcmp(by_name[h].m->name, name)) return by_name[h].m;
  return NULL;
}

int rpc_method_position(const rpc_method_t *m) {
  pthread_once(&built, build);
  for (uint32_t h = addr_hash(m) & (SLOTS - 1); by_addr[h].m; h = (h + 1) & (SLOTS - 1))
    if (by_addr[h].m == m) return by_addr[h].pos;
  return -1;
}
