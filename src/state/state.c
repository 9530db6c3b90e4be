/* The in-memory world state: open-addressing hash tables of accounts and storage
 * slots, an undo journal for nested snapshots, and the per-transaction sets of
 * EIP-2929 (warm), EIP-1153 (transient), EIP-158/161 (touched), EIP-6780 (created)
 * and EIP-2200 (original values). Yellow Paper sections 4.1 and 6. */
#include "ethc/state.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/trie.h"
#include "state_internal.h"

const ethc_hash_t STATE_EMPTY_ROOT = {{0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45,
                                       0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c,
                                       0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21}};
const ethc_hash_t STATE_EMPTY_CODE_HASH = {{0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d,
                                            0xb2, 0xdc, 0xc7, 0x03, 0xc0, 0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82,
                                            0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70}};

code_blob_t state_empty_code = {UINT32_MAX, 0, {{0}}};

static code_blob_t *code_ref(code_blob_t *c) {
  if (c->refs != UINT32_MAX) c->refs++;
  return c;
}
static void code_unref(code_blob_t *c) {
  if (c && c->refs != UINT32_MAX && --c->refs == 0) free(c);
}

/* ---- storage slots of one account ---- */

static void slotmap_free(slotmap_t *m) {
  if (!m) return;
  if (m->trie) {
    trie_free(m->trie);
    free(m->trie);
  }
  free(m->slots);
  free(m->lists);
  free(m);
}

/* Inlined: it is most of every SLOAD's and SSTORE's host work. */
static inline __attribute__((always_inline)) slot_t *slotmap_find(const slotmap_t *m, const u256_t *key) {
  if (!m || m->count == 0) return NULL;
  size_t mask = m->cap - 1, i = hash_key(key) & mask;
  for (;;) {
    slot_t *s = &m->slots[i];
    if (!s->used) return NULL;
    if (u256_eq(&s->key, key)) return s;
    i = (i + 1) & mask;
  }
}

/* slotmap_find that leaves the slot in the state's one-entry cache: the warm check
 * of an SLOAD or SSTORE (state_warm_slot) comes first, ... */
static inline __attribute__((always_inline)) slot_t *slot_find_noted(state_t *s, slotmap_t *m, const u256_t *key) {
  slot_t *sl = slotmap_find(m, key);
  if (m) {
    s->ls_map = m;
    s->ls_slots = m->slots;
    s->ls_slot = sl;
    if (!sl) {
      s->ls_count = m->count;
      s->ls_key = *key;
    }
  }
  return sl;
}

/* ... and the value read or write that follows asks for the same slot. */
static inline __attribute__((always_inline)) slot_t *slot_lookup(state_t *s, slotmap_t *m, const u256_t *key) {
  if (m && m == s->ls_map && m->slots == s->ls_slots) {
    slot_t *c = s->ls_slot;
    if (c) {
      if (c < m->slots + m->cap && c->used && u256_eq(&c->key, key)) return c;
    } else if (m->count == s->ls_count && u256_eq(&s->ls_key, key)) {
      return NULL;
    }
  }
  return slotmap_find(m, key);
}

/* Doubles the map; the slots move, so their lists are rebuilt from the marks. */
static int slotmap_grow(slotmap_t *m) {
  size_t ncap = m->cap ? m->cap * 2 : 8;
  slot_t *ns = calloc(ncap, sizeof *ns);
  uint32_t *nl = malloc(ncap * sizeof *nl);
  if (!ns || !nl) {
    free(ns);
    free(nl);
    return ETHC_ERR_NOMEM;
  }
  uint32_t *stale = nl, *unsaved = nl + ncap / 2;
  size_t nstale = 0, nunsaved = 0;
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->slots[i].used) continue;
    size_t j = hash_key(&m->slots[i].key) & (ncap - 1);
    while (ns[j].used) j = (j + 1) & (ncap - 1);
    ns[j] = m->slots[i];
    if (ns[j].trie_stale) stale[nstale++] = (uint32_t)j;
    if (ns[j].key_listed) unsaved[nunsaved++] = (uint32_t)j;
  }
  free(m->slots);
  free(m->lists);
  m->slots = ns;
  m->lists = nl;
  m->cap = ncap;
  m->nstale = nstale;
  m->nunsaved = nunsaved;
  return ETHC_OK;
}

/* Finds or inserts (value zero). NULL when out of memory. */
static slot_t *slotmap_get(slotmap_t *m, const u256_t *key) {
  if ((m->count + 1) * 2 > m->cap && slotmap_grow(m)) return NULL; /* at most half full: short probes */
  size_t mask = m->cap - 1, i = hash_key(key) & mask;
  for (;;) {
    slot_t *s = &m->slots[i];
    if (!s->used) {
      memset(s, 0, sizeof *s);
      s->used = 1;
      s->key = *key;
      m->count++;
      return s;
    }
    if (u256_eq(&s->key, key)) return s;
    i = (i + 1) & mask;
  }
}

static slotmap_t *slotmap_clone(const slotmap_t *m) {
  if (!m) return NULL;
  slotmap_t *c = malloc(sizeof *c);
  if (!c) return NULL;
  *c = *m;
  c->trie = NULL;
  c->slots = malloc(m->cap * sizeof *m->slots);
  c->lists = m->lists ? malloc(m->cap * sizeof *m->lists) : NULL;
  if (!c->slots || (m->lists && !c->lists)) {
    free(c->slots);
    free(c->lists);
    free(c);
    return NULL;
  }
  memcpy(c->slots, m->slots, m->cap * sizeof *m->slots);
  if (m->lists) memcpy(c->lists, m->lists, m->cap * sizeof *m->lists); /* same layout: the indices hold */
  for (size_t i = 0; i < c->cap; i++) c->slots[i].warm_gen = 0; /* the clone's warm set is empty */
  if (m->trie) {
    c->trie = malloc(sizeof *c->trie);
    if (!c->trie || trie_clone(m->trie, c->trie)) {
      free(c->trie);
      free(c->slots);
      free(c->lists);
      free(c);
      return NULL;
    }
  }
  return c;
}

/* ---- (address, key) -> value maps: transient storage and warm slots ---- */

static pair_t *pairmap_find(const pairmap_t *m, const ethc_address_t *a, const u256_t *k) {
  if (m->count == 0) return NULL;
  size_t mask = m->cap - 1, i = hash_pair(a, k) & mask;
  for (;;) {
    pair_t *p = &m->e[i];
    if (!p->used) return NULL;
    if (u256_eq(&p->key, k) && ethc_address_eq(&p->addr, a)) return p;
    i = (i + 1) & mask;
  }
}

static pair_t *pairmap_get(pairmap_t *m, const ethc_address_t *a, const u256_t *k) {
  if ((m->count + 1) * 2 > m->cap) { /* at most half full: short probes */
    size_t ncap = m->cap ? m->cap * 2 : 16;
    pair_t *ne = calloc(ncap, sizeof *ne);
    if (!ne) return NULL;
    for (size_t i = 0; i < m->cap; i++) {
      if (!m->e[i].used) continue;
      size_t j = hash_pair(&m->e[i].addr, &m->e[i].key) & (ncap - 1);
      while (ne[j].used) j = (j + 1) & (ncap - 1);
      ne[j] = m->e[i];
    }
    free(m->e);
    m->e = ne;
    m->cap = ncap;
  }
  size_t mask = m->cap - 1, i = hash_pair(a, k) & mask;
  for (;;) {
    pair_t *p = &m->e[i];
    if (!p->used) {
      memset(p, 0, sizeof *p);
      p->used = 1;
      p->addr = *a;
      p->key = *k;
      m->count++;
      return p;
    }
    if (u256_eq(&p->key, k) && ethc_address_eq(&p->addr, a)) return p;
    i = (i + 1) & mask;
  }
}

static void pairmap_clear(pairmap_t *m) {
  if (m->count) memset(m->e, 0, m->cap * sizeof *m->e);
  m->count = 0;
}

state_t *state_new(void) {
  state_t *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->gen = 1;
  return s;
}

state_t *state_new_over(const state_base_t *base) {
  state_t *s = state_new();
  if (!s) return NULL;
  s->has_base = true;
  s->base = *base;
  if (base->nodes.get) {
    /* the account trie is the base's, opened: every change is applied to it */
    s->rooted = true;
    s->acct_trie = malloc(sizeof *s->acct_trie);
    if (!s->acct_trie || trie_open(s->acct_trie, base->root.bytes, &base->nodes, false)) {
      free(s->acct_trie);
      s->acct_trie = NULL;
      state_free(s);
      return NULL;
    }
  }
  return s;
}

int state_error(const state_t *s) { return s->error; }
void state_set_error(state_t *s, int rc) { state_note_error(s, rc); }
size_t state_account_count(const state_t *s) { return s->count; }

static void acct_free(acct_t *a) {
  code_unref(a->code);
  slotmap_free(a->storage);
  slotmap_free(a->warm_absent);
  free(a);
}

static void journal_release(state_t *s, jentry_t *e);

void state_free(state_t *s) {
  if (!s) return;
  for (size_t i = s->jlen; i > 0; i--) journal_release(s, &s->journal[i - 1]);
  for (size_t i = 0; i < s->cap; i++)
    if (s->accts[i]) acct_free(s->accts[i]);
  free(s->accts);
  free(s->journal);
  free(s->dirty);
  free(s->transient.e);
  free(s->warm_slots.e);
  for (size_t i = 0; i < s->nlogs; i++) free(s->logs[i].data);
  free(s->logs);
  state_acct_trie_drop(s);
  free(s->stale);
  free(s);
}

static int insert_acct(state_t *s, acct_t *x) {
  if ((s->count + 1) * 4 > s->cap * 3) {
    size_t ncap = s->cap ? s->cap * 2 : 32;
    acct_t **na = calloc(ncap, sizeof *na);
    if (!na) return ETHC_ERR_NOMEM;
    for (size_t i = 0; i < s->cap; i++) {
      if (!s->accts[i]) continue;
      size_t j = hash_addr(&s->accts[i]->addr) & (ncap - 1);
      while (na[j]) j = (j + 1) & (ncap - 1);
      na[j] = s->accts[i];
    }
    free(s->accts);
    s->accts = na;
    s->cap = ncap;
  }
  size_t i = hash_addr(&x->addr) & (s->cap - 1);
  while (s->accts[i]) i = (i + 1) & (s->cap - 1);
  s->accts[i] = x;
  s->count++;
  return ETHC_OK;
}

/* A new account object for `a`, not existing; NULL on OOM. */
static acct_t *new_acct(state_t *s, const ethc_address_t *a) {
  acct_t *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->addr = *a;
  x->code = &state_empty_code;
  x->root_valid = true;
  x->storage_root = STATE_EMPTY_ROOT;
  if (insert_acct(s, x)) {
    free(x);
    return NULL;
  }
  return s->last = x;
}

/* The account object for `a`, created (not existing) when absent; NULL on OOM
 * (or a failed base read). */
static acct_t *get(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  if (x || s->error) return x;
  x = new_acct(s, a);
  if (!x) state_note_error(s, ETHC_ERR_NOMEM);
  return x;
}

/* A code blob holding a copy of `code`, whose hash is `hash` (NULL: computed). */
static code_blob_t *code_new(const uint8_t *code, size_t size, const ethc_hash_t *hash) {
  if (!size) return &state_empty_code;
  code_blob_t *c = malloc(sizeof *c + size);
  if (!c) return NULL;
  c->refs = 1;
  c->size = size;
  memcpy(c->data, code, size);
  if (hash) c->hash = *hash;
  else keccak256(code, size, c->hash.bytes);
  return c;
}

acct_t *state_load_acct(state_t *s, const ethc_address_t *a) {
  if (s->error) return NULL;
  state_account_t acc;
  int rc = s->base.get_account(s->base.ctx, &s->base.root, a, &acc);
  if (rc && rc != ETHC_ERR_NOT_FOUND) {
    state_note_error(s, rc);
    return NULL;
  }
  code_blob_t *code = &state_empty_code;
  if (rc == 0 && !ethc_hash_eq(&acc.code_hash, &STATE_EMPTY_CODE_HASH)) {
    bytes_buf_t b = {0};
    int crc = s->base.get_code(s->base.ctx, &acc.code_hash, &b);
    if (!crc && !(code = code_new(b.data, b.len, &acc.code_hash))) crc = ETHC_ERR_NOMEM;
    bytes_buf_free(&b);
    if (crc) {
      state_note_error(s, crc);
      return NULL;
    }
  }
  acct_t *x = new_acct(s, a);
  if (!x) {
    code_unref(code);
    state_note_error(s, ETHC_ERR_NOMEM);
    return NULL;
  }
  if (rc == ETHC_ERR_NOT_FOUND) return x;
  x->exists = true;
  x->nonce = acc.nonce;
  x->balance = acc.balance;
  x->code = code;
  x->storage_root = acc.storage_root;
  x->base_root = acc.storage_root;
  x->base_storage = !ethc_hash_eq(&acc.storage_root, &STATE_EMPTY_ROOT);
  x->persisted = (state_persisted_t){true, acc.storage_root, acc.code_hash};
  return x;
}

/* A setter's failure (out of memory, or a base read that failed before): also
 * recorded in the state, so that no caller can take the state for a valid one
 * by ignoring a return value. Returns the state's first error. */
static int fail_nomem(state_t *s) {
  state_note_error(s, ETHC_ERR_NOMEM);
  return s->error;
}

static __attribute__((noinline)) int journal_grow(state_t *s) {
  size_t ncap = s->jcap ? s->jcap * 2 : 64;
  jentry_t *nj = realloc(s->journal, ncap * sizeof *nj);
  if (!nj) return ETHC_ERR_NOMEM;
  s->journal = nj;
  s->jcap = ncap;
  return ETHC_OK;
}

/* Inlined (the growth out of line): every change and every warm access pushes. */
static inline __attribute__((always_inline)) jentry_t *jpush(state_t *s, uint8_t kind, acct_t *a) {
  if (s->jlen == s->jcap && journal_grow(s)) return NULL;
  jentry_t *e = &s->journal[s->jlen++];
  e->kind = kind;
  e->acct = a;
  return e;
}

static int reset_acct(state_t *s, acct_t *x, bool exists);

/* Makes `x` present (journaled as a reset) if it is not; used by every setter. */
static int ensure_exists(state_t *s, acct_t *x) { return x->exists ? ETHC_OK : reset_acct(s, x, true); }

/* Puts x on the list of accounts that state_commit visits. */
static int mark_dirty(state_t *s, acct_t *x) {
  if (x->dirty_gen != s->gen) {
    if (s->ndirty == s->dirty_cap) {
      size_t ncap = s->dirty_cap ? s->dirty_cap * 2 : 32;
      acct_t **nd = realloc(s->dirty, ncap * sizeof *nd);
      if (!nd) return fail_nomem(s);
      s->dirty = nd;
      s->dirty_cap = ncap;
    }
    s->dirty[s->ndirty++] = x;
    x->dirty_gen = s->gen;
  }
  return ETHC_OK;
}

static int set_flag(state_t *s, acct_t *x, uint8_t flag) {
  if (x->flags & flag) return ETHC_OK;
  jentry_t *e = jpush(s, J_FLAGS, x);
  if (!e) return fail_nomem(s);
  e->u.flags = x->flags;
  x->flags |= flag;
  return mark_dirty(s, x);
}

/* ---- accounts: queries ---- */

bool state_exists(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  return x && x->exists;
}

static bool acct_empty(const acct_t *x) { return x->nonce == 0 && u256_is_zero(&x->balance) && x->code->size == 0; }

bool state_is_empty(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  return x && x->exists && acct_empty(x);
}

bool state_is_dead(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  return !x || !x->exists || acct_empty(x);
}

bool state_has_collision(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  if (!x || !x->exists) return false;
  if (x->nonce != 0 || x->code->size != 0 || (x->storage && x->storage->nonzero)) return true;
  if (!x->base_storage) return false;
  /* storage in the base: empty only if every stored slot was cleared since */
  ethc_hash_t root;
  int rc = state_storage_root(s, a, &root);
  if (rc) state_note_error(s, rc);
  return rc || !ethc_hash_eq(&root, &STATE_EMPTY_ROOT);
}

uint64_t state_get_nonce(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  return x && x->exists ? x->nonce : 0;
}

void state_get_balance(state_t *s, const ethc_address_t *a, u256_t *out) {
  acct_t *x = find(s, a);
  *out = x && x->exists ? x->balance : U256_ZERO;
}

const uint8_t *state_get_code(state_t *s, const ethc_address_t *a, size_t *size, ethc_hash_t *hash) {
  acct_t *x = find(s, a);
  code_blob_t *c = x && x->exists ? x->code : &state_empty_code;
  if (size) *size = c->size;
  if (hash) *hash = c == &state_empty_code ? STATE_EMPTY_CODE_HASH : c->hash;
  return c->data;
}

size_t state_get_code_size(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  return x && x->exists ? x->code->size : 0;
}

/* ---- accounts: changes ---- */

int state_set_nonce(state_t *s, const ethc_address_t *a, uint64_t nonce) {
  acct_t *x = get(s, a);
  if (!x || ensure_exists(s, x)) return fail_nomem(s);
  jentry_t *e = jpush(s, J_NONCE, x);
  if (!e) return fail_nomem(s);
  e->u.nonce = x->nonce;
  x->nonce = nonce;
  return ETHC_OK;
}

int state_set_balance(state_t *s, const ethc_address_t *a, const u256_t *balance) {
  acct_t *x = get(s, a);
  if (!x || ensure_exists(s, x)) return fail_nomem(s);
  jentry_t *e = jpush(s, J_BALANCE, x);
  if (!e) return fail_nomem(s);
  e->u.balance = x->balance;
  x->balance = *balance;
  return ETHC_OK;
}

int state_add_balance(state_t *s, const ethc_address_t *a, const u256_t *v) {
  acct_t *x = get(s, a);
  if (!x || ensure_exists(s, x)) return fail_nomem(s);
  u256_t nb;
  u256_add(&nb, &x->balance, v);
  return state_set_balance(s, a, &nb);
}

int state_sub_balance(state_t *s, const ethc_address_t *a, const u256_t *v) {
  acct_t *x = find(s, a);
  u256_t bal = x && x->exists ? x->balance : U256_ZERO;
  if (u256_lt(&bal, v)) return ETHC_ERR_INVALID;
  u256_t nb;
  u256_sub(&nb, &bal, v);
  return state_set_balance(s, a, &nb);
}

int state_set_code(state_t *s, const ethc_address_t *a, const uint8_t *code, size_t size) {
  acct_t *x = get(s, a);
  if (!x || ensure_exists(s, x)) return fail_nomem(s);
  code_blob_t *c = code_new(code, size, NULL);
  if (!c) return fail_nomem(s);
  jentry_t *e = jpush(s, J_CODE, x);
  if (!e) {
    code_unref(c);
    return fail_nomem(s);
  }
  e->u.code = x->code; /* the journal owns the old reference */
  x->code = c;
  return ETHC_OK;
}

/* Journals the whole account and clears it; `exists` says what it becomes. */
static int reset_acct(state_t *s, acct_t *x, bool exists) {
  jentry_t *e = jpush(s, J_RESET, x);
  if (!e) return fail_nomem(s);
  e->u.reset.exists = x->exists;
  e->u.reset.root_valid = x->root_valid;
  e->u.reset.nonce = x->nonce;
  e->u.reset.balance = x->balance;
  e->u.reset.code = x->code;
  e->u.reset.storage = x->storage;
  e->u.reset.root = x->storage_root;
  e->u.reset.base_storage = x->base_storage;
  if (!exists || !x->exists) x->balance = U256_ZERO;
  x->base_storage = false; /* the old storage is gone, in the base too */
  x->exists = exists;
  x->nonce = 0;
  x->code = &state_empty_code;
  x->storage = NULL;
  x->root_valid = true;
  x->storage_root = STATE_EMPTY_ROOT;
  return ETHC_OK;
}

int state_create_account(state_t *s, const ethc_address_t *a) {
  acct_t *x = get(s, a);
  if (!x) return fail_nomem(s);
  int rc = reset_acct(s, x, true);
  if (rc == 0) rc = set_flag(s, x, F_CREATED);
  return rc;
}

int state_delete_account(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  if (!x || !x->exists) return ETHC_OK;
  return reset_acct(s, x, false);
}

/* ---- storage ---- */

/* An overlay's slot miss: reads the slot from the base and keeps it (as its
 * original value, already stored); NULL on a failed read (recorded) or OOM. */
static slot_t *load_slot(state_t *s, acct_t *x, const u256_t *key) {
  u256_t v;
  int rc = s->base.get_storage(s->base.ctx, &x->addr, &x->base_root, key, &v);
  if (!rc && !x->storage && !(x->storage = calloc(1, sizeof *x->storage))) rc = ETHC_ERR_NOMEM;
  slot_t *sl = rc ? NULL : slotmap_get(x->storage, key);
  if (!sl) {
    state_note_error(s, rc ? rc : ETHC_ERR_NOMEM);
    return NULL;
  }
  sl->value = v;
  sl->key_saved = !u256_is_zero(&v); /* a zero slot is in no trie: its key's preimage may never have been stored */
  if (!u256_is_zero(&v)) x->storage->nonzero++;
  return sl;
}

/* The slot held for `key` of an existing account, read from the base when the
 * account's storage is there; NULL when absent (zero). */
static inline slot_t *find_slot(state_t *s, acct_t *x, const u256_t *key) {
  slot_t *sl = slotmap_find(x->storage, key);
  if (sl || !x->base_storage) return sl;
  return load_slot(s, x, key);
}

void state_get_storage(state_t *s, const ethc_address_t *a, const u256_t *key, u256_t *out) {
  acct_t *x = find(s, a);
  slot_t *sl = x && x->exists ? slot_lookup(s, x->storage, key) : NULL;
  if (!sl && x && x->exists && x->base_storage) sl = load_slot(s, x, key);
  *out = sl ? sl->value : U256_ZERO;
}

void state_get_original_storage(state_t *s, const ethc_address_t *a, const u256_t *key, u256_t *out) {
  acct_t *x = find(s, a);
  slot_t *sl = x && x->exists ? find_slot(s, x, key) : NULL;
  if (!sl) *out = U256_ZERO;
  else *out = sl->orig_gen == s->gen ? sl->original : sl->value;
}

int state_set_storage(state_t *s, const ethc_address_t *a, const u256_t *key, const u256_t *value, u256_t *prev,
                      u256_t *original) {
  acct_t *x = get(s, a);
  if (!x || ensure_exists(s, x)) return fail_nomem(s);
  if (x->base_storage && !slotmap_find(x->storage, key) && !load_slot(s, x, key)) return s->error;
  if (!x->storage) {
    x->storage = calloc(1, sizeof *x->storage);
    if (!x->storage) return fail_nomem(s);
  }
  slot_t *sl = slot_lookup(s, x->storage, key);
  if (!sl && !(sl = slotmap_get(x->storage, key))) return fail_nomem(s);
  jentry_t *e = jpush(s, J_STORAGE, x);
  if (!e) return fail_nomem(s);
  e->u.slot.key = *key;
  e->u.slot.value = sl->value;
  e->u.slot.original = sl->original;
  e->u.slot.orig_gen = sl->orig_gen;
  if (sl->orig_gen != s->gen) {
    sl->original = sl->value;
    sl->orig_gen = s->gen;
  }
  if (prev) *prev = sl->value;
  if (original) *original = sl->original;
  bool was_zero = u256_is_zero(&sl->value), is_zero = u256_is_zero(value);
  if (was_zero && !is_zero) x->storage->nonzero++;
  if (!was_zero && is_zero) x->storage->nonzero--;
  sl->value = *value;
  slotmap_mark_changed(x->storage, sl);
  x->root_valid = false;
  return ETHC_OK;
}

/* ---- per-transaction sets ---- */

bool state_warm_account(state_t *s, const ethc_address_t *a) {
  acct_t *x = get(s, a);
  if (!x) return false;
  if (x->warm_gen == s->gen) return true;
  jentry_t *e = jpush(s, J_WARM_ACCT, x);
  if (!e) {
    state_note_error(s, ETHC_ERR_NOMEM);
    return false;
  }
  e->u.gen = x->warm_gen;
  x->warm_gen = s->gen;
  return false;
}

/* Caches that (x, key) is warm while x's storage lacks the slot; out of memory
 * only loses the cache. */
static void note_warm_absent(state_t *s, acct_t *x, const u256_t *key) {
  if (!x->warm_absent) {
    if (mark_dirty(s, x) || !(x->warm_absent = calloc(1, sizeof *x->warm_absent))) return;
  }
  slot_t *w = slotmap_get(x->warm_absent, key);
  if (w) w->warm_gen = s->gen;
}

bool state_warm_slot(state_t *s, const ethc_address_t *a, const u256_t *key) {
  /* Fast paths: a slot caches its warmth (slot_t.warm_gen), and so does the
   * account's warm_absent for slots it does not hold; either saves the pair-table
   * lookup (hashing address and key) on every SLOAD/SSTORE. Only what is held is
   * looked at (lookup, not find): a warm check reads nothing from the base, so an
   * access-list entry costs no read and cannot fail one. */
  acct_t *x = lookup(s, a);
  slot_t *sl = x ? slot_find_noted(s, x->storage, key) : NULL;
  if (sl) {
    if (sl->warm_gen == s->gen) return true;
  } else if (x) {
    slot_t *w = slotmap_find(x->warm_absent, key);
    if (w && w->warm_gen == s->gen) return true;
  }
  pair_t *p = pairmap_get(&s->warm_slots, a, key);
  if (!p) {
    state_note_error(s, ETHC_ERR_NOMEM);
    return false;
  }
  bool warm = !u256_is_zero(&p->value);
  if (!warm) {
    jentry_t *e = jpush(s, J_WARM_SLOT, NULL);
    if (!e) {
      state_note_error(s, ETHC_ERR_NOMEM);
      return false;
    }
    e->u.pair.addr = *a;
    e->u.pair.key = *key;
    p->value = U256_ONE;
  }
  if (sl) sl->warm_gen = s->gen;
  else if (x) note_warm_absent(s, x, key);
  return warm;
}

void state_get_transient(state_t *s, const ethc_address_t *a, const u256_t *key, u256_t *out) {
  pair_t *p = pairmap_find(&s->transient, a, key);
  *out = p ? p->value : U256_ZERO;
}

int state_set_transient(state_t *s, const ethc_address_t *a, const u256_t *key, const u256_t *value) {
  pair_t *p = pairmap_get(&s->transient, a, key);
  if (!p) return fail_nomem(s);
  jentry_t *e = jpush(s, J_TRANSIENT, NULL);
  if (!e) return fail_nomem(s);
  e->u.pair.addr = *a;
  e->u.pair.key = *key;
  e->u.pair.value = p->value;
  p->value = *value;
  return ETHC_OK;
}

void state_touch(state_t *s, const ethc_address_t *a) {
  acct_t *x = get(s, a);
  if (x && set_flag(s, x, F_TOUCHED)) state_note_error(s, ETHC_ERR_NOMEM);
}

bool state_mark_destructed(state_t *s, const ethc_address_t *a) {
  acct_t *x = get(s, a);
  if (!x || (x->flags & F_DESTRUCTED)) return false;
  if (set_flag(s, x, F_DESTRUCTED)) state_note_error(s, ETHC_ERR_NOMEM);
  return true;
}

bool state_is_destructed(state_t *s, const ethc_address_t *a) {
  acct_t *x = lookup(s, a);
  return x && (x->flags & F_DESTRUCTED);
}

bool state_created_in_tx(state_t *s, const ethc_address_t *a) {
  acct_t *x = lookup(s, a);
  return x && (x->flags & F_CREATED);
}

/* ---- logs ---- */

int state_add_log(state_t *s, const ethc_address_t *a, const uint8_t *data, size_t size, const ethc_hash_t *topics,
                  size_t topics_count) {
  if (topics_count > 4) return ETHC_ERR_INVALID;
  if (s->nlogs == s->logs_cap) {
    size_t ncap = s->logs_cap ? s->logs_cap * 2 : 16;
    state_log_t *nl = realloc(s->logs, ncap * sizeof *nl);
    if (!nl) return fail_nomem(s);
    s->logs = nl;
    s->logs_cap = ncap;
  }
  state_log_t *l = &s->logs[s->nlogs];
  l->address = *a;
  l->topics_count = (uint8_t)topics_count;
  for (size_t i = 0; i < topics_count; i++) l->topics[i] = topics[i];
  l->data_size = size;
  l->data = NULL;
  if (size) {
    l->data = malloc(size);
    if (!l->data) return fail_nomem(s);
    memcpy(l->data, data, size);
  }
  if (!jpush(s, J_LOG, NULL)) {
    free(l->data);
    return fail_nomem(s);
  }
  s->nlogs++;
  return ETHC_OK;
}

const state_log_t *state_logs(const state_t *s, size_t *count) {
  *count = s->nlogs;
  return s->logs;
}

int state_logs_hash(const state_t *s, ethc_hash_t *out) {
  if (!s->nlogs) { /* keccak256 of the empty list (0xc0): most calls log nothing */
    static const ethc_hash_t empty = {{0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5,
                                       0x67, 0xb6, 0xcc, 0xd4, 0x1a, 0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a,
                                       0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47}};
    *out = empty;
    return ETHC_OK;
  }
  bytes_buf_t b = {0};
  int err = 0;
  size_t outer = rlp_list_begin(&b);
  for (size_t i = 0; i < s->nlogs; i++) {
    const state_log_t *l = &s->logs[i];
    size_t one = rlp_list_begin(&b);
    err |= rlp_put_bytes(&b, l->address.bytes, 20);
    size_t tl = rlp_list_begin(&b);
    for (size_t t = 0; t < l->topics_count; t++) err |= rlp_put_bytes(&b, l->topics[t].bytes, 32);
    err |= rlp_list_end(&b, tl);
    err |= rlp_put_bytes(&b, l->data, l->data_size);
    err |= rlp_list_end(&b, one);
  }
  err |= rlp_list_end(&b, outer);
  if (!err) keccak256(b.data, b.len, out->bytes);
  bytes_buf_free(&b);
  return err ? ETHC_ERR_NOMEM : ETHC_OK;
}

/* ---- journal ---- */

size_t state_snapshot(const state_t *s) { return s->jlen; }

/* Drops what a committed entry still owns. */
static void journal_release(state_t *s, jentry_t *e) {
  (void)s;
  if (e->kind == J_CODE) code_unref(e->u.code);
  else if (e->kind == J_RESET) {
    code_unref(e->u.reset.code);
    slotmap_free(e->u.reset.storage);
  }
}

static const ethc_address_t ripemd_addr = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};

static void undo(state_t *s, jentry_t *e) {
  acct_t *x = e->acct;
  if (state_changes_leaf(e->kind)) state_mark_stale(s, x);
  switch (e->kind) {
    case J_BALANCE: x->balance = e->u.balance; break;
    case J_NONCE: x->nonce = e->u.nonce; break;
    case J_CODE:
      code_unref(x->code);
      x->code = e->u.code;
      break;
    case J_RESET:
      code_unref(x->code);
      slotmap_free(x->storage);
      x->exists = e->u.reset.exists;
      x->root_valid = e->u.reset.root_valid;
      x->nonce = e->u.reset.nonce;
      x->balance = e->u.reset.balance;
      x->code = e->u.reset.code;
      x->storage = e->u.reset.storage;
      x->storage_root = e->u.reset.root;
      x->base_storage = e->u.reset.base_storage;
      break;
    case J_STORAGE: {
      slot_t *sl = slotmap_find(x->storage, &e->u.slot.key);
      if (!sl) break; /* cannot happen: slots are never removed within a transaction */
      bool was_zero = u256_is_zero(&sl->value), is_zero = u256_is_zero(&e->u.slot.value);
      if (was_zero && !is_zero) x->storage->nonzero++;
      if (!was_zero && is_zero) x->storage->nonzero--;
      sl->value = e->u.slot.value;
      sl->original = e->u.slot.original;
      sl->orig_gen = e->u.slot.orig_gen;
      slotmap_mark_changed(x->storage, sl);
      x->root_valid = false;
      break;
    }
    case J_WARM_ACCT: x->warm_gen = e->u.gen; break;
    case J_WARM_SLOT: {
      pair_t *p = pairmap_find(&s->warm_slots, &e->u.pair.addr, &e->u.pair.key);
      if (p) p->value = U256_ZERO;
      /* The cached copy is in the account's current slots: any storage swapped
       * in since this entry was made has already been undone. */
      acct_t *o = lookup(s, &e->u.pair.addr); /* an undo reads nothing */
      slot_t *sl = o ? slotmap_find(o->storage, &e->u.pair.key) : NULL;
      if (sl) sl->warm_gen = 0;
      if (o && (sl = slotmap_find(o->warm_absent, &e->u.pair.key))) sl->warm_gen = 0;
      break;
    }
    case J_TRANSIENT: {
      pair_t *p = pairmap_find(&s->transient, &e->u.pair.addr, &e->u.pair.key);
      if (p) p->value = e->u.pair.value;
      break;
    }
    case J_FLAGS: {
      uint8_t keep = ethc_address_eq(&x->addr, &ripemd_addr) ? (x->flags & F_TOUCHED) : 0;
      x->flags = e->u.flags | keep;
      break;
    }
    case J_LOG:
      s->nlogs--;
      free(s->logs[s->nlogs].data);
      break;
  }
}

void state_revert(state_t *s, size_t snapshot) {
  s->ls_map = NULL; /* undoing may free maps: see state_internal.h */
  while (s->jlen > snapshot) {
    s->jlen--;
    undo(s, &s->journal[s->jlen]);
  }
}

/* Deletes an account outside the journal (at commit). */
static void drop_acct(acct_t *x) {
  code_unref(x->code);
  slotmap_free(x->storage);
  x->exists = false;
  x->nonce = 0;
  x->balance = U256_ZERO;
  x->code = &state_empty_code;
  x->storage = NULL;
  x->root_valid = true;
  x->storage_root = STATE_EMPTY_ROOT;
  x->base_storage = false;
}

/* After 2^32 transactions the generation counter wraps: forget every stored
 * generation so that none can alias a future one. */
static void reset_gens(state_t *s) {
  for (size_t i = 0; i < s->cap; i++) {
    acct_t *x = s->accts[i];
    if (!x) continue;
    x->warm_gen = x->dirty_gen = 0;
    slotmap_free(x->warm_absent);
    x->warm_absent = NULL;
    if (x->storage)
      for (size_t j = 0; j < x->storage->cap; j++) {
        x->storage->slots[j].orig_gen = 0;
        x->storage->slots[j].warm_gen = 0;
      }
  }
  s->gen = 1;
}

void state_commit(state_t *s, bool clear_empty) {
  s->ls_map = NULL; /* committing may free maps: see state_internal.h */
  for (size_t i = 0; i < s->jlen; i++) {
    if (state_changes_leaf(s->journal[i].kind)) state_mark_stale(s, s->journal[i].acct);
    journal_release(s, &s->journal[i]);
  }
  s->jlen = 0;
  for (size_t i = 0; i < s->ndirty; i++) {
    acct_t *x = s->dirty[i];
    if (x->exists && ((x->flags & F_DESTRUCTED) || (clear_empty && (x->flags & F_TOUCHED) && acct_empty(x)))) {
      drop_acct(x);
      state_mark_stale(s, x);
    }
    x->flags = 0;
    slotmap_free(x->warm_absent);
    x->warm_absent = NULL;
  }
  s->ndirty = 0;
  pairmap_clear(&s->transient);
  pairmap_clear(&s->warm_slots);
  for (size_t i = 0; i < s->nlogs; i++) free(s->logs[i].data);
  s->nlogs = 0;
  if (++s->gen == 0) reset_gens(s);
}

/* ---- clone ---- */

state_t *state_clone(const state_t *src) {
  state_t *s = state_new();
  if (!s) return NULL;
  s->gen = src->gen;
  s->has_base = src->has_base;
  s->base = src->base;
  s->error = src->error;
  s->rooted = src->rooted;
  s->stale_lost = src->stale_lost;
  if (src->acct_trie) {
    s->acct_trie = malloc(sizeof *s->acct_trie);
    if (!s->acct_trie || trie_clone(src->acct_trie, s->acct_trie)) {
      free(s->acct_trie);
      s->acct_trie = NULL;
      goto oom;
    }
  }
  for (size_t i = 0; i < src->cap; i++) {
    const acct_t *o = src->accts[i];
    if (!o) continue;
    if (!o->exists && !src->has_base) { /* deleted since the kept trie last took its leaf: drop it there */
      if (o->leaf_stale && s->acct_trie && o->addr_hash_valid && trie_delete(s->acct_trie, o->addr_hash.bytes, 32))
        s->stale_lost = true;
      continue;
    }
    acct_t *x = malloc(sizeof *x);
    if (!x) goto oom;
    *x = *o;
    x->flags = 0;
    x->warm_absent = NULL;
    x->warm_gen = 0;
    x->dirty_gen = 0;
    x->code = code_ref(o->code);
    x->storage = NULL;
    if (o->storage && !(x->storage = slotmap_clone(o->storage))) {
      code_unref(x->code);
      free(x);
      goto oom;
    }
    if (insert_acct(s, x)) {
      acct_free(x);
      goto oom;
    }
    if (x->leaf_stale) {
      x->leaf_stale = false;
      state_mark_stale(s, x);
    }
  }
  return s;
oom:
  state_free(s);
  return NULL;
}

/* ---- iteration ---- */

int state_foreach_account(state_t *s, state_account_fn fn, void *ctx) {
  for (size_t i = 0; i < s->cap; i++) {
    acct_t *x = s->accts[i];
    if (!x || !x->exists) continue;
    int rc = fn(ctx, &x->addr, x->nonce, &x->balance, x->code->data, x->code->size);
    if (rc) return rc;
  }
  return 0;
}

int state_foreach_slot(state_t *s, const ethc_address_t *a, state_slot_fn fn, void *ctx) {
  acct_t *x = find(s, a);
  if (!x || !x->exists || !x->storage) return 0;
  for (size_t i = 0; i < x->storage->cap; i++) {
    slot_t *sl = &x->storage->slots[i];
    if (!sl->used || u256_is_zero(&sl->value)) continue;
    int rc = fn(ctx, &sl->key, &sl->value);
    if (rc) return rc;
  }
  return 0;
}
