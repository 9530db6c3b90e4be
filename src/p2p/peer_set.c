/* The static and trusted nodes of the peer manager (peer_set.h): go-ethereum's
 * static and trusted nodes and its admin_addPeer / admin_addTrustedPeer (a
 * local dial and admission policy; devp2p defines no wire format for it). */
#include "p2p/peer_set.h"

#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"

void peer_set_init(peer_set_t *s) { memset(s, 0, sizeof *s); }

void peer_set_free(peer_set_t *s) {
  free(s->v);
  peer_set_init(s);
}

peer_set_entry_t *peer_set_find(const peer_set_t *s, const uint8_t pubkey[64]) {
  for (size_t i = 0; i < s->n; i++)
    if (!memcmp(s->v[i].node.pubkey, pubkey, 64)) return &s->v[i];
  return NULL;
}

bool peer_set_has(const peer_set_t *s, const uint8_t pubkey[64], unsigned flag) {
  const peer_set_entry_t *e = peer_set_find(s, pubkey);
  return e && (e->flags & flag);
}

static size_t *count_of(peer_set_t *s, unsigned flag) { return flag == PEER_SET_STATIC ? &s->n_static : &s->n_trusted; }

int peer_set_add(peer_set_t *s, const p2p_node_t *n, unsigned flag) {
  if (flag != PEER_SET_STATIC && flag != PEER_SET_TRUSTED) return ETHC_ERR_INVALID;
  peer_set_entry_t *e = peer_set_find(s, n->pubkey);
  if (e && (e->flags & flag)) {
    if (flag == PEER_SET_STATIC) e->node = *n; /* the address given last */
    return 0;
  }
  if (*count_of(s, flag) >= PEER_SET_MAX) return ETHC_ERR_LIMIT;
  if (!e) {
    if (s->n == s->cap) {
      size_t cap = s->cap ? 2 * s->cap : 8;
      peer_set_entry_t *v = realloc(s->v, cap * sizeof *v);
      if (!v) return ETHC_ERR_NOMEM;
      s->v = v, s->cap = cap;
    }
    e = &s->v[s->n++];
    memset(e, 0, sizeof *e);
    e->node = *n;
  }
  if (flag == PEER_SET_STATIC) e->node = *n, e->redial_at = 0, e->fails = 0;
  e->flags |= flag;
  (*count_of(s, flag))++;
  return 0;
}

bool peer_set_remove(peer_set_t *s, const uint8_t pubkey[64], unsigned flag) {
  peer_set_entry_t *e = peer_set_find(s, pubkey);
  if (!e || !(e->flags & flag) || (flag != PEER_SET_STATIC && flag != PEER_SET_TRUSTED)) return false;
  e->flags &= ~flag;
  (*count_of(s, flag))--;
  if (!e->flags) *e = s->v[--s->n]; /* the last entry fills the hole */
  return true;
}

void peer_set_dialled(peer_set_entry_t *e, uint64_t now, uint64_t base_ms) {
  unsigned shift = e->fails < PEER_SET_BACKOFF_MAX ? e->fails : PEER_SET_BACKOFF_MAX;
  e->redial_at = now + (base_ms << shift);
}

void peer_set_closed(peer_set_entry_t *e, bool reached, uint64_t now, uint64_t base_ms) {
  e->fails = reached ? 0 : e->fails + 1;
  peer_set_dialled(e, now, base_ms);
}
