/* The discovery v4 Kademlia table (p2p_kad.h): buckets by log distance, replacement
 * lists, liveness bookkeeping and closest-node queries. */
#include "ethc/p2p_kad.h"

#include <string.h>

void kad_init(kad_table_t *t, const uint8_t self_id[32]) {
  memset(t, 0, sizeof *t);
  memcpy(t->self, self_id, 32);
}

int kad_logdist(const uint8_t a[32], const uint8_t b[32]) {
  for (int i = 0; i < 32; i++) {
    uint8_t x = a[i] ^ b[i];
    if (x) return (31 - i) * 8 + (32 - __builtin_clz(x));
  }
  return 0;
}

int kad_cmp_dist(const uint8_t target[32], const uint8_t a[32], const uint8_t b[32]) {
  for (int i = 0; i < 32; i++) {
    uint8_t da = a[i] ^ target[i], db = b[i] ^ target[i];
    if (da != db) return da < db ? -1 : 1;
  }
  return 0;
}

size_t kad_bucket_index(const kad_table_t *t, const uint8_t id[32]) {
  int d = kad_logdist(t->self, id);
  return d <= KAD_MIN_DIST ? 0 : (size_t)(d - KAD_MIN_DIST - 1);
}

static int find_in(const kad_entry_t *v, size_t n, const uint8_t id[32]) {
  for (size_t i = 0; i < n; i++)
    if (!memcmp(v[i].node.id, id, 32)) return (int)i;
  return -1;
}

bool kad_ip_is_lan(const uint8_t ip[16]) {
  if (p2p_ip_is4(ip)) {
    const uint8_t *a = ip + 12;
    return a[0] == 127 || a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
           (a[0] == 169 && a[1] == 254) || a[0] == 0;
  }
  static const uint8_t one[16] = {[15] = 1};
  return !memcmp(ip, one, 16) || (ip[0] & 0xfe) == 0xfc || (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80);
}

/* The /24 of an address: its first three bytes (of the IPv4 part when mapped). */
static bool same_subnet(const uint8_t a[16], const uint8_t b[16]) {
  if (p2p_ip_is4(a) != p2p_ip_is4(b)) return false;
  size_t off = p2p_ip_is4(a) ? 12 : 0;
  return !memcmp(a + off, b + off, 3);
}

/* Whether one more node at ip stays within the subnet limits. */
static bool ip_allowed(const kad_table_t *t, const kad_bucket_t *b, const uint8_t ip[16]) {
  if (kad_ip_is_lan(ip)) return true;
  size_t in_bucket = 0, in_table = 0;
  for (size_t k = 0; k < KAD_BUCKETS; k++)
    for (size_t i = 0; i < t->buckets[k].count; i++)
      if (same_subnet(t->buckets[k].entries[i].node.ip, ip)) {
        in_table++;
        if (&t->buckets[k] == b) in_bucket++;
      }
  return in_bucket < KAD_BUCKET_IP_LIMIT && in_table < KAD_TABLE_IP_LIMIT;
}

kad_add_t kad_add(kad_table_t *t, const p2p_node_t *n, uint64_t now_ms) {
  if (!memcmp(n->id, t->self, 32)) return KAD_IGNORED;
  kad_bucket_t *b = &t->buckets[kad_bucket_index(t, n->id)];
  int i = find_in(b->entries, b->count, n->id);
  if (i >= 0) {
    b->entries[i].node = *n;
    b->entries[i].checked_ms = now_ms;
    return KAD_UPDATED;
  }
  kad_entry_t e = {.node = *n, .added_ms = now_ms, .checked_ms = now_ms};
  if (!ip_allowed(t, b, n->ip)) return KAD_IP_LIMIT;
  if (b->count < KAD_K) {
    b->entries[b->count++] = e;
    int r = find_in(b->repl, b->repl_count, n->id);
    if (r >= 0) memmove(&b->repl[r], &b->repl[r + 1], (b->repl_count-- - (size_t)r - 1) * sizeof e);
    return KAD_ADDED;
  }
  int r = find_in(b->repl, b->repl_count, n->id);
  if (r >= 0) memmove(&b->repl[r], &b->repl[r + 1], (b->repl_count-- - (size_t)r - 1) * sizeof e);
  if (b->repl_count == KAD_REPLACEMENTS) memmove(&b->repl[0], &b->repl[1], (--b->repl_count) * sizeof e);
  b->repl[b->repl_count++] = e; /* newest last */
  return KAD_REPLACEMENT;
}

kad_entry_t *kad_find(kad_table_t *t, const uint8_t id[32]) {
  if (!memcmp(id, t->self, 32)) return NULL;
  kad_bucket_t *b = &t->buckets[kad_bucket_index(t, id)];
  int i = find_in(b->entries, b->count, id);
  return i < 0 ? NULL : &b->entries[i];
}

void kad_checked(kad_table_t *t, const uint8_t id[32], uint64_t enr_seq, uint64_t now_ms) {
  kad_entry_t *e = kad_find(t, id);
  if (!e) return;
  e->checked_ms = now_ms;
  e->live++;
  if (enr_seq) e->enr_seq = enr_seq;
}

bool kad_remove(kad_table_t *t, const uint8_t id[32]) {
  if (!memcmp(id, t->self, 32)) return false;
  kad_bucket_t *b = &t->buckets[kad_bucket_index(t, id)];
  int i = find_in(b->entries, b->count, id);
  if (i < 0) return false;
  if (b->repl_count) { /* the newest replacement takes the slot */
    b->entries[i] = b->repl[--b->repl_count];
  } else {
    memmove(&b->entries[i], &b->entries[i + 1], (b->count - (size_t)i - 1) * sizeof *b->entries);
    b->count--;
  }
  return true;
}

kad_entry_t *kad_next_check(kad_table_t *t) {
  kad_entry_t *best = NULL;
  for (size_t k = 0; k < KAD_BUCKETS; k++)
    for (size_t i = 0; i < t->buckets[k].count; i++) {
      kad_entry_t *e = &t->buckets[k].entries[i];
      if (!best || e->checked_ms < best->checked_ms) best = e;
    }
  return best;
}

size_t kad_closest(const kad_table_t *t, const uint8_t target[32], p2p_node_t *out, size_t max) {
  size_t n = 0;
  for (size_t k = 0; k < KAD_BUCKETS; k++)
    for (size_t i = 0; i < t->buckets[k].count; i++) {
      const p2p_node_t *c = &t->buckets[k].entries[i].node;
      /* insertion into the sorted prefix out[0..n) */
      size_t pos = n;
      while (pos > 0 && kad_cmp_dist(target, c->id, out[pos - 1].id) < 0) pos--;
      if (pos >= max) continue;
      size_t keep = n < max ? n : max - 1;
      memmove(&out[pos + 1], &out[pos], (keep - pos) * sizeof *out);
      out[pos] = *c;
      if (n < max) n++;
    }
  return n;
}

size_t kad_size(const kad_table_t *t) {
  size_t n = 0;
  for (size_t k = 0; k < KAD_BUCKETS; k++) n += t->buckets[k].count;
  return n;
}
