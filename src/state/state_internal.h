/* Internals of the world state shared by its sources (src/state; Yellow Paper
 * section 4.1 world state and appendix D tries, EIP-2929 warm sets, EIP-1153
 * transient storage): the account, slot, journal and state layouts, and the
 * helpers that keep the account trie in step with the accounts. Not a public
 * header. */
#ifndef ETHC_STATE_INTERNAL_H
#define ETHC_STATE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ethc/state.h"
#include "ethc/trie.h"

/* ---- code blobs, shared by reference count between clones and the journal ---- */

typedef struct code_blob {
  uint32_t refs; /* UINT32_MAX: the static empty blob */
  size_t size;
  ethc_hash_t hash;
  uint8_t data[];
} code_blob_t;

/* The shared empty code (never freed). */
extern code_blob_t state_empty_code;

/* ---- hashing ---- */

/* Table hashes (never persisted or observable): the words are combined by
 * multiplication with odd constants and folded once, a third of what a full
 * finalizer per word costs; addresses and keys are mostly keccak outputs or small
 * numbers, both of which this spreads over the low bits the tables use. */
static inline uint64_t fold64(uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}
static inline uint64_t addr_words(const ethc_address_t *a) {
  uint64_t w0, w1;
  uint32_t w2;
  memcpy(&w0, a->bytes, 8);
  memcpy(&w1, a->bytes + 8, 8);
  memcpy(&w2, a->bytes + 16, 4);
  return (w0 * 0x9e3779b97f4a7c15ULL) ^ (w1 * 0xc2b2ae3d27d4eb4fULL) ^ ((uint64_t)w2 * 0x165667b19e3779f9ULL);
}
static inline uint64_t key_words(const u256_t *k) {
  return k->w[0] ^ (k->w[1] * 0xbf58476d1ce4e5b9ULL) ^ (k->w[2] * 0x94d049bb133111ebULL) ^
         (k->w[3] * 0xff51afd7ed558ccdULL);
}
static inline uint64_t hash_addr(const ethc_address_t *a) { return fold64(addr_words(a)); }
static inline uint64_t hash_key(const u256_t *k) { return fold64(key_words(k)); }
static inline uint64_t hash_pair(const ethc_address_t *a, const u256_t *k) {
  return fold64(addr_words(a) ^ (key_words(k) * 0xc4ceb9fe1a85ec53ULL));
}

/* ---- storage slots of one account ---- */

typedef struct {
  u256_t key;
  u256_t value;
  u256_t original; /* meaningful when orig_gen == the state's tx generation */
  uint32_t orig_gen;
  /* == the state's gen: the slot is in the transaction's warm set (EIP-2929). A
   * cache of `warm_slots`, which stays the authority: set only while the pair is
   * warm there, cleared when that is undone, stale after commit. */
  uint32_t warm_gen;
  uint8_t used;
  uint8_t trie_stale; /* changed since the storage trie last took its value; in the map's `stale` list */
  uint8_t key_saved;  /* its key preimage was handed to persistence */
  uint8_t key_listed; /* in the map's `unsaved` list */
} slot_t;

/* The slots of one account. Its storage root is built one-shot the first time;
 * once it is needed again (the next block, or per transaction before Byzantium)
 * a storage trie is kept and updated with the stale slots only.
 *
 * So that a block costs what it changed, not the size of the map, two lists of
 * slot indices (rebuilt by every rehash) name the slots to visit: `stale`
 * holds exactly the slots with trie_stale set, `unsaved` every slot with
 * key_listed set, which includes every non-zero slot whose key is not saved.
 * Each slot is at most once in each list and a map is at most half full, so
 * both fit in one array of `cap` entries allocated with the slots: `stale` is
 * its first half, `unsaved` its second; neither can grow past it. */
typedef struct {
  slot_t *slots;
  size_t cap;     /* power of two */
  size_t count;   /* used entries */
  size_t nonzero; /* entries with a non-zero value */
  bool rooted;    /* a root was computed before */
  trie_t *trie;   /* NULL until kept */
  uint32_t *lists;          /* cap entries: stale at 0, unsaved at cap / 2 */
  size_t nstale, nunsaved;  /* entries used in each list */
} slotmap_t;

static inline uint32_t *slotmap_stale(const slotmap_t *m) { return m->lists; }
static inline uint32_t *slotmap_unsaved(const slotmap_t *m) { return m->lists + m->cap / 2; }

/* Marks a slot whose value may have changed: stale for the storage trie, and
 * listed for its key's preimage unless saved already. */
static inline void slotmap_mark_changed(slotmap_t *m, slot_t *sl) {
  uint32_t i = (uint32_t)(sl - m->slots);
  if (!sl->trie_stale) {
    sl->trie_stale = 1;
    slotmap_stale(m)[m->nstale++] = i;
  }
  if (!sl->key_saved && !sl->key_listed) {
    sl->key_listed = 1;
    slotmap_unsaved(m)[m->nunsaved++] = i;
  }
}

/* ---- (address, key) -> value maps: transient storage and warm slots ---- */

typedef struct {
  ethc_address_t addr;
  uint8_t used;
  u256_t key;
  u256_t value;
} pair_t;

typedef struct {
  pair_t *e;
  size_t cap, count;
} pairmap_t;

/* ---- accounts ---- */

enum { F_TOUCHED = 1, F_DESTRUCTED = 2, F_CREATED = 4 };

typedef struct acct {
  ethc_address_t addr;
  bool exists;
  bool root_valid;    /* storage_root caches the current storage */
  uint8_t flags;      /* F_*, this transaction only */
  uint32_t warm_gen;  /* warm when == state gen */
  uint32_t dirty_gen; /* in the dirty list when == state gen */
  uint64_t nonce;
  u256_t balance;
  code_blob_t *code;
  slotmap_t *storage; /* NULL: no slots */
  /* Slots in this transaction's warm set that `storage` does not hold (an SLOAD of
   * a slot never written): keys with warm_gen, a cache of the state's warm_slots
   * kept like slot_t.warm_gen. The account is on the dirty list while it has one;
   * commit frees it. */
  slotmap_t *warm_absent;
  ethc_hash_t storage_root;
  ethc_hash_t addr_hash; /* keccak(addr), computed lazily */
  bool addr_hash_valid;
  bool leaf_stale;             /* changed since the kept account trie took its leaf */
  bool base_storage;           /* slots not in `storage` are read from the base, at base_root */
  ethc_hash_t base_root;       /* the storage root the base holds for it */
  state_persisted_t persisted; /* what state_db last wrote of it */
} acct_t;

/* ---- journal ---- */

enum {
  J_BALANCE,
  J_NONCE,
  J_CODE,
  J_RESET, /* create/delete: the whole previous account */
  J_STORAGE,
  J_WARM_ACCT,
  J_WARM_SLOT,
  J_TRANSIENT,
  J_FLAGS,
  J_LOG,
};

typedef struct {
  uint8_t kind;
  acct_t *acct;
  union {
    u256_t balance;
    uint64_t nonce;
    code_blob_t *code;
    uint32_t gen;
    uint8_t flags;
    struct {
      u256_t key, value, original;
      uint32_t orig_gen;
    } slot;
    struct {
      bool exists, root_valid, base_storage;
      uint64_t nonce;
      u256_t balance;
      code_blob_t *code;
      slotmap_t *storage;
      ethc_hash_t root;
    } reset;
    struct {
      ethc_address_t addr;
      u256_t key, value;
    } pair;
  } u;
} jentry_t;

struct state {
  acct_t **accts; /* open addressing, power-of-two capacity */
  size_t cap, count;
  acct_t *last; /* one-entry lookup cache */
  /* One-entry slot cache (state.c, slot_lookup): where the last slot looked for
   * was, or (ls_slot NULL) that ls_key was not in ls_map when it held ls_count
   * slots. Used only while ls_map is the account's live map with the same slot
   * array (and, for a slot, ls_slot inside it and its key equal; for an absence,
   * the same count: maps only grow). Cleared by every revert and commit, the only
   * places a map is freed, so a freed map's address reused cannot alias it. */
  const slotmap_t *ls_map;
  const slot_t *ls_slots;
  slot_t *ls_slot;
  size_t ls_count;
  u256_t ls_key;
  uint32_t gen; /* transaction generation (never 0) */
  jentry_t *journal;
  size_t jlen, jcap;
  acct_t **dirty; /* accounts with flags set this transaction */
  size_t ndirty, dirty_cap;
  pairmap_t transient, warm_slots;
  state_log_t *logs;
  size_t nlogs, logs_cap;
  /* The state root is built one-shot the first time; once needed again an
   * account trie (keccak(address) -> leaf) is kept, updated from `stale`. */
  bool rooted;
  trie_t *acct_trie;
  acct_t **stale;
  size_t nstale, stale_cap;
  bool stale_lost; /* the list could not grow: rebuild the trie */
  bool has_base;   /* an overlay: misses are read from `base` */
  state_base_t base;
  int error; /* the first local failure (state_error) */
};

/* The account object held for `a`, or NULL (nothing read from a base). */
static inline acct_t *lookup(state_t *s, const ethc_address_t *a) {
  if (s->last && ethc_address_eq(&s->last->addr, a)) return s->last;
  if (s->count == 0) return NULL;
  size_t mask = s->cap - 1, i = hash_addr(a) & mask;
  for (;;) {
    acct_t *x = s->accts[i];
    if (!x) return NULL;
    if (ethc_address_eq(&x->addr, a)) return s->last = x;
    i = (i + 1) & mask;
  }
}

/* An overlay's miss: reads the account from the base and keeps it (absent ones
 * too, as not existing); NULL when the read failed (recorded in s->error) or
 * memory ran out. */
acct_t *state_load_acct(state_t *s, const ethc_address_t *a);

/* The account object for `a` as held or read from the base; NULL when absent
 * from a state without a base (or when the base read failed). */
static inline acct_t *find(state_t *s, const ethc_address_t *a) {
  acct_t *x = lookup(s, a);
  if (x || !s->has_base) return x;
  return state_load_acct(s, a);
}

static inline void state_note_error(state_t *s, int rc) {
  if (!s->error) s->error = rc;
}


/* Kept account trie (state_root.c): drop it; note that an account's leaf may have
 * changed; whether a journal entry kind changes a leaf. */
void state_acct_trie_drop(state_t *s);
void state_push_stale(state_t *s, acct_t *x);
static inline void state_mark_stale(state_t *s, acct_t *x) {
  if (s->acct_trie && !x->leaf_stale) state_push_stale(s, x); /* no kept trie: nothing to track */
}
static inline bool state_changes_leaf(uint8_t kind) {
  return kind == J_BALANCE || kind == J_NONCE || kind == J_CODE || kind == J_RESET || kind == J_STORAGE;
}

#endif
