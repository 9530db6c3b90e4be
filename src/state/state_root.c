/* State and storage roots (Yellow Paper 4.1, appendix D): built one-shot the first
 * time, then from kept tries updated with what changed (the account trie from the
 * stale accounts, each storage trie from its stale slots); and the marks the
 * persistence layer uses to write only what is new. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "state_internal.h"

void state_acct_trie_drop(state_t *s) {
  if (!s->acct_trie) return;
  trie_free(s->acct_trie);
  free(s->acct_trie);
  s->acct_trie = NULL;
}

/* Notes that the account's leaf may differ from the kept account trie's. */
void state_push_stale(state_t *s, acct_t *x) {
  if (s->nstale == s->stale_cap) {
    size_t ncap = s->stale_cap ? s->stale_cap * 2 : 64;
    acct_t **ns = realloc(s->stale, ncap * sizeof *ns);
    if (!ns) {
      s->stale_lost = true;
      return;
    }
    s->stale = ns;
    s->stale_cap = ncap;
  }
  x->leaf_stale = true;
  s->stale[s->nstale++] = x;
}

/* ---- roots ---- */

/* The trie value of a slot: rlp(value as a minimal big-endian integer); returns its length. */
static size_t slot_trie_value(const u256_t *value, uint8_t v[33]) {
  uint8_t be[32];
  u256_to_be(value, be);
  unsigned lead = 0;
  while (lead < 31 && be[lead] == 0) lead++;
  size_t len = 32 - lead;
  if (len == 1 && be[31] < 0x80) {
    v[0] = be[31];
    return 1;
  }
  v[0] = (uint8_t)(0x80 + len);
  memcpy(v + 1, be + lead, len);
  return len + 1;
}

/* Puts one slot's value into the storage trie (deletes it when zero; `fresh`:
 * the trie was empty, so there is nothing to delete). */
static int put_slot(trie_t *t, const slot_t *sl, bool fresh) {
  uint8_t key[32], v[33];
  u256_to_be(&sl->key, key);
  if (u256_is_zero(&sl->value)) return fresh ? 0 : trie_delete(t, key, 32);
  return trie_put(t, key, 32, v, slot_trie_value(&sl->value, v));
}

/* Brings the kept storage trie up to date: built from every slot the first time,
 * then from the stale list only. On failure the trie is dropped (the next call
 * builds it afresh) and no slot is left stale. */
static int sync_storage_trie(slotmap_t *m) {
  bool fresh = m->trie == NULL;
  if (fresh) {
    if (!(m->trie = malloc(sizeof *m->trie))) return ETHC_ERR_NOMEM;
    trie_init(m->trie, true);
  }
  int rc = ETHC_OK;
  if (fresh) {
    for (size_t i = 0; i < m->cap && !rc; i++)
      if (m->slots[i].used) rc = put_slot(m->trie, &m->slots[i], true);
  } else {
    const uint32_t *stale = slotmap_stale(m);
    for (size_t i = 0; i < m->nstale && !rc; i++) rc = put_slot(m->trie, &m->slots[stale[i]], false);
  }
  if (rc) {
    trie_free(m->trie);
    free(m->trie);
    m->trie = NULL;
  }
  for (size_t i = 0; i < m->nstale; i++) m->slots[slotmap_stale(m)[i]].trie_stale = 0;
  m->nstale = 0;
  return rc;
}

/* The storage root built one-shot from the slots (no trie kept). */
static int storage_root_once(acct_t *x, ethc_hash_t *out) {
  slotmap_t *m = x->storage;
  size_t n = m ? m->nonzero : 0;
  if (n == 0) {
    x->storage_root = STATE_EMPTY_ROOT;
    x->root_valid = true;
    *out = x->storage_root;
    return ETHC_OK;
  }
  trie_kv_t *pairs = malloc(n * sizeof *pairs);
  uint8_t *vals = malloc(n * (33 + 32)); /* n values of up to 33 bytes, then n hashed keys */
  int rc = ETHC_ERR_NOMEM;
  if (pairs && vals) {
    uint8_t *keys = vals + n * 33;
    size_t k = 0;
    for (size_t i = 0; i < m->cap && k < n; i++) {
      slot_t *sl = &m->slots[i];
      if (!sl->used || u256_is_zero(&sl->value)) continue;
      uint8_t be[32];
      u256_to_be(&sl->key, be);
      keccak256(be, 32, keys + 32 * k);
      pairs[k].key = keys + 32 * k;
      pairs[k].key_len = 32;
      pairs[k].value = vals + k * 33;
      pairs[k].value_len = slot_trie_value(&sl->value, vals + k * 33);
      k++;
    }
    rc = trie_root_of(pairs, k, x->storage_root.bytes);
    if (rc == 0) {
      x->root_valid = true;
      *out = x->storage_root;
    }
  }
  free(pairs);
  free(vals);
  return rc;
}

/* For an account whose storage is in an overlay's base: its storage trie is the
 * base's, opened, and only the stale slots are applied to it. */
static int open_base_storage(state_t *s, acct_t *x) {
  slotmap_t *m = x->storage;
  if (!x->base_storage || !m || m->trie) return ETHC_OK;
  if (!s->base.nodes.get) return ETHC_ERR_UNSUPPORTED;
  if (!(m->trie = malloc(sizeof *m->trie))) return ETHC_ERR_NOMEM;
  if (trie_open(m->trie, x->base_root.bytes, &s->base.nodes, true)) {
    free(m->trie);
    m->trie = NULL;
    return ETHC_ERR_NOMEM;
  }
  m->rooted = true;
  return ETHC_OK;
}

static int storage_root_of(state_t *s, acct_t *x, ethc_hash_t *out);

/* A failure while an overlay's tries are updated leaves them partly updated:
 * recorded, so that nothing computes a root from them any more. */
static int storage_root(state_t *s, acct_t *x, ethc_hash_t *out) {
  if (s->error) return s->error;
  int rc = storage_root_of(s, x, out);
  if (rc && s->has_base) state_note_error(s, rc);
  return rc;
}

static int storage_root_of(state_t *s, acct_t *x, ethc_hash_t *out) {
  if (x->root_valid) {
    *out = x->storage_root;
    return ETHC_OK;
  }
  int orc = open_base_storage(s, x);
  if (orc) return orc;
  slotmap_t *m = x->storage;
  if (!m || (!m->rooted && !m->trie)) {
    if (m) m->rooted = true;
    return storage_root_once(x, out);
  }
  int rc = sync_storage_trie(m);
  if (!rc) rc = trie_root(m->trie, x->storage_root.bytes);
  if (rc) return rc;
  x->root_valid = true;
  *out = x->storage_root;
  return ETHC_OK;
}

int state_storage_root(state_t *s, const ethc_address_t *a, ethc_hash_t *out) {
  acct_t *x = find(s, a);
  if (!x || !x->exists) {
    *out = STATE_EMPTY_ROOT;
    return ETHC_OK;
  }
  return storage_root(s, x, out);
}

int state_storage_trie(state_t *s, const ethc_address_t *a, trie_t **out) {
  acct_t *x = find(s, a);
  *out = NULL;
  if (!x || !x->exists || !x->storage || (x->storage->nonzero == 0 && !x->base_storage)) return ETHC_OK;
  int rc = s->error ? s->error : open_base_storage(s, x);
  if (!rc) rc = sync_storage_trie(x->storage);
  if (rc && s->has_base) state_note_error(s, rc);
  if (!rc) *out = x->storage->trie;
  return rc;
}

int state_foreach_new_slot_key(state_t *s, const ethc_address_t *a, state_slot_fn fn, void *ctx) {
  acct_t *x = find(s, a);
  if (!x || !x->exists || !x->storage) return 0;
  slotmap_t *m = x->storage;
  if (m->nunsaved == 0) return 0;
  uint32_t *unsaved = slotmap_unsaved(m);
  size_t i = 0;
  int rc = 0;
  for (; i < m->nunsaved; i++) {
    slot_t *sl = &m->slots[unsaved[i]];
    if (!sl->key_saved && !u256_is_zero(&sl->value)) { /* a zero one is listed again when it is set */
      if ((rc = fn(ctx, &sl->key, &sl->value))) break;
      sl->key_saved = 1;
    }
    sl->key_listed = 0;
  }
  /* after a failure, the slots not handed to fn yet stay listed */
  memmove(unsaved, unsaved + i, (m->nunsaved - i) * sizeof *unsaved);
  m->nunsaved -= i;
  return rc;
}

state_persisted_t *state_persisted(state_t *s, const ethc_address_t *a) {
  acct_t *x = find(s, a);
  return x && x->exists ? &x->persisted : NULL;
}

static void ensure_addr_hash(acct_t *x) {
  if (!x->addr_hash_valid) {
    keccak256(x->addr.bytes, 20, x->addr_hash.bytes);
    x->addr_hash_valid = true;
  }
}

/* Appends the account's leaf: rlp([nonce, balance, storageRoot, codeHash]). */
static int put_leaf(state_t *s, acct_t *x, bytes_buf_t *out) {
  ethc_hash_t sr;
  int rc = storage_root(s, x, &sr);
  if (rc) return rc;
  size_t l = rlp_list_begin(out);
  const ethc_hash_t *ch = x->code == &state_empty_code ? &STATE_EMPTY_CODE_HASH : &x->code->hash;
  if (rlp_put_u64(out, x->nonce) || rlp_put_u256(out, &x->balance) || rlp_put_bytes(out, sr.bytes, 32) ||
      rlp_put_bytes(out, ch->bytes, 32))
    return ETHC_ERR_NOMEM;
  return rlp_list_end(out, l);
}

static int state_root_once(state_t *s, ethc_hash_t *out) {
  size_t n = 0;
  for (size_t i = 0; i < s->cap; i++)
    if (s->accts[i] && s->accts[i]->exists) n++;
  if (n == 0) {
    *out = STATE_EMPTY_ROOT;
    return ETHC_OK;
  }
  trie_kv_t *pairs = malloc(n * sizeof *pairs);
  bytes_buf_t vals = {0};
  size_t *offs = malloc(n * sizeof *offs);
  int rc = ETHC_ERR_NOMEM;
  if (!pairs || !offs || bytes_buf_reserve(&vals, n * 112)) goto done;
  size_t k = 0;
  for (size_t i = 0; i < s->cap; i++) {
    acct_t *x = s->accts[i];
    if (!x || !x->exists) continue;
    ensure_addr_hash(x);
    pairs[k].key = x->addr_hash.bytes; /* the account outlives this call */
    pairs[k].key_len = 32;
    offs[k] = vals.len;
    if ((rc = put_leaf(s, x, &vals))) goto done;
    pairs[k].value_len = vals.len - offs[k];
    k++;
  }
  /* vals may have moved while growing: point the pairs at it only now. */
  for (size_t i = 0; i < k; i++) pairs[i].value = vals.data + offs[i];
  rc = trie_root_of(pairs, k, out->bytes);
done:
  free(pairs);
  free(offs);
  bytes_buf_free(&vals);
  return rc;
}

/* Puts the account's current leaf into the kept trie (or removes it). */
static int update_leaf(state_t *s, acct_t *x, bytes_buf_t *leaf) {
  ensure_addr_hash(x);
  if (!x->exists) return trie_delete(s->acct_trie, x->addr_hash.bytes, 32);
  leaf->len = 0;
  int rc = put_leaf(s, x, leaf);
  if (rc) return rc;
  return trie_put(s->acct_trie, x->addr_hash.bytes, 32, leaf->data, leaf->len);
}

/* Brings the kept account trie up to date (building it when there is none). */
static int sync_acct_trie(state_t *s) {
  for (size_t i = 0; i < s->jlen; i++) /* uncommitted changes count too */
    if (state_changes_leaf(s->journal[i].kind)) state_mark_stale(s, s->journal[i].acct);
  bool fresh = !s->acct_trie || s->stale_lost;
  if (fresh && s->has_base) /* an overlay holds only what changed: no rebuilding from it */
    return s->acct_trie || !s->base.nodes.get ? ETHC_ERR_NOMEM : ETHC_ERR_UNSUPPORTED;
  int rc = ETHC_OK;
  bytes_buf_t leaf = {0};
  if (fresh) {
    state_acct_trie_drop(s);
    if (!(s->acct_trie = malloc(sizeof *s->acct_trie))) return ETHC_ERR_NOMEM;
    trie_init(s->acct_trie, false);
    for (size_t i = 0; i < s->cap && !rc; i++) {
      acct_t *x = s->accts[i];
      if (!x) continue;
      x->leaf_stale = false;
      if (x->exists) rc = update_leaf(s, x, &leaf);
    }
  } else {
    for (size_t i = 0; i < s->nstale && !rc; i++) {
      s->stale[i]->leaf_stale = false;
      rc = update_leaf(s, s->stale[i], &leaf);
    }
  }
  s->nstale = 0;
  s->stale_lost = false;
  bytes_buf_free(&leaf);
  if (rc && s->has_base) s->stale_lost = true; /* some leaves are lost: fails from now on */
  else if (rc) state_acct_trie_drop(s);        /* rebuilt from scratch next time */
  return rc;
}

int state_root(state_t *s, ethc_hash_t *out) {
  if (s->error) return s->error;
  if (!s->acct_trie && !s->rooted) {
    s->rooted = true;
    return state_root_once(s, out);
  }
  int rc = sync_acct_trie(s);
  return rc ? rc : trie_root(s->acct_trie, out->bytes);
}

int state_account_trie(state_t *s, trie_t **out) {
  *out = NULL;
  if (s->error) return s->error;
  s->rooted = true;
  int rc = sync_acct_trie(s);
  *out = rc ? NULL : s->acct_trie;
  return rc;
}
