/* The peer ban table (peer_score.h): a small array searched linearly (a node
 * keeps at most a few hundred peers' records). */
#include "ethc/peer_score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BAN_MS (24ull * 3600 * 1000)

static const char *const names[PEER_OFFENCE_COUNT] = {"invalid header", "malformed message", "unsolicited response",
                                                      "request timeout", "invalid transaction"};
static const uint64_t ban_ms[PEER_OFFENCE_COUNT] = {30 * 60 * 1000, 10 * 60 * 1000, 10 * 60 * 1000, 2 * 60 * 1000,
                                                    10 * 60 * 1000};

const char *peer_offence_name(peer_offence_t o) { return (unsigned)o < PEER_OFFENCE_COUNT ? names[o] : "offence"; }

uint64_t peer_offence_ban_ms(peer_offence_t o) { return (unsigned)o < PEER_OFFENCE_COUNT ? ban_ms[o] : ban_ms[0]; }

void peer_bans_init(peer_bans_t *t) { memset(t, 0, sizeof *t); }

void peer_bans_free(peer_bans_t *t) {
  free(t->v);
  memset(t, 0, sizeof *t);
}

static peer_ban_t *lookup(const peer_bans_t *t, const uint8_t id[64]) {
  for (size_t i = 0; i < t->n; i++)
    if (!memcmp(t->v[i].id, id, 64)) return &t->v[i];
  return NULL;
}

uint64_t peer_bans_add(peer_bans_t *t, const uint8_t id[64], peer_offence_t o, const char *reason, uint64_t now) {
  peer_ban_t *b = lookup(t, id);
  if (!b && t->n >= PEER_BANS_MAX) { /* full: forget the expired, else the ban that ends first */
    size_t k = 0, first = 0;
    for (size_t i = 0; i < t->n; i++)
      if (now < t->v[i].until) t->v[k++] = t->v[i];
    t->n = k;
    for (size_t i = 1; k == PEER_BANS_MAX && i < t->n; i++)
      if (t->v[i].until < t->v[first].until) first = i;
    if (t->n == PEER_BANS_MAX) t->v[first] = t->v[--t->n];
  }
  if (!b) {
    if (t->n == t->cap) {
      size_t cap = t->cap ? t->cap * 2 : 16;
      peer_ban_t *v = realloc(t->v, cap * sizeof *v);
      if (!v) return 0;
      t->v = v;
      t->cap = cap;
    }
    b = &t->v[t->n++];
    memset(b, 0, sizeof *b);
    memcpy(b->id, id, 64);
  }
  uint64_t len = t->base_ms ? t->base_ms : peer_offence_ban_ms(o);
  for (unsigned i = 0; i < b->strikes && len < MAX_BAN_MS; i++) len *= 2;
  if (len > MAX_BAN_MS) len = MAX_BAN_MS;
  b->strikes++;
  if (now + len > b->until) b->until = now + len;
  snprintf(b->reason, sizeof b->reason, "%s%s%s", peer_offence_name(o), reason ? ": " : "", reason ? reason : "");
  return b->until - now;
}

const peer_ban_t *peer_bans_find(const peer_bans_t *t, const uint8_t id[64], uint64_t now) {
  const peer_ban_t *b = lookup(t, id);
  return b && now < b->until ? b : NULL;
}

size_t peer_bans_active(const peer_bans_t *t, uint64_t now) {
  size_t n = 0;
  for (size_t i = 0; i < t->n; i++) n += now < t->v[i].until;
  return n;
}
