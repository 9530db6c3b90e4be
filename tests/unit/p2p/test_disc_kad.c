/* The discv4 Kademlia table: log distances, go-ethereum's bucket folding, a full
 * bucket's replacement list, removal of a dead node (a replacement takes its
 * place), the revalidation order under a fake clock, and closest-node queries. */
#include <string.h>

#include "check.h"
#include "ethc/p2p_kad.h"

static p2p_node_t node(uint8_t b0, uint8_t b1, uint8_t last) {
  p2p_node_t n;
  memset(&n, 0, sizeof n);
  n.id[0] = b0, n.id[1] = b1, n.id[31] = last;
  n.udp = n.tcp = 30303;
  static const uint8_t lo[4] = {127, 0, 0, 1}; /* loopback: exempt from the IP limits */
  p2p_ip_from4(n.ip, lo);
  n.pubkey[0] = b0, n.pubkey[1] = b1, n.pubkey[63] = last;
  return n;
}

static kad_table_t t; /* large */

int main(void) {
  uint8_t self[32] = {0}, a[32] = {0}, b[32] = {0};
  CHECK(kad_logdist(a, b) == 0);
  b[31] = 1;
  CHECK(kad_logdist(a, b) == 1);
  b[31] = 0x80;
  CHECK(kad_logdist(a, b) == 8);
  b[0] = 0x80;
  CHECK(kad_logdist(a, b) == 256);
  b[0] = 0x01;
  CHECK(kad_logdist(a, b) == 249);

  kad_init(&t, self);
  p2p_node_t far = node(0x80, 0, 0), near = node(0, 0x01, 0), close = node(0, 0, 1);
  CHECK(kad_bucket_index(&t, far.id) == KAD_BUCKETS - 1); /* distance 256 */
  CHECK(kad_bucket_index(&t, near.id) == 1);              /* distance 241 */
  CHECK(kad_bucket_index(&t, close.id) == 0);             /* distance 1: folded into bucket 0 */
  CHECK(kad_add(&t, &(p2p_node_t){0}, 1) == KAD_IGNORED); /* our own id */

  /* 16 nodes fill the farthest bucket; more go to its replacement list */
  uint64_t now = 1000;
  for (int i = 0; i < KAD_K; i++) {
    p2p_node_t n = node(0x80, (uint8_t)i, 0);
    CHECK(kad_add(&t, &n, now++) == KAD_ADDED);
  }
  CHECK(kad_size(&t) == KAD_K);
  p2p_node_t extra = node(0x80, 0xee, 0);
  CHECK(kad_add(&t, &extra, now++) == KAD_REPLACEMENT);
  CHECK(kad_size(&t) == KAD_K && !kad_find(&t, extra.id));
  for (int i = 0; i < KAD_REPLACEMENTS + 3; i++) {
    p2p_node_t r = node(0x80, (uint8_t)(0x40 + i), 0);
    kad_add(&t, &r, now++);
  }
  CHECK(t.buckets[KAD_BUCKETS - 1].repl_count == KAD_REPLACEMENTS); /* the oldest fell off */
  p2p_node_t again = node(0x80, 3, 0);
  CHECK(kad_add(&t, &again, now++) == KAD_UPDATED);

  /* revalidation: the entry checked longest ago comes first (fake clock) */
  kad_entry_t *e = kad_next_check(&t);
  CHECK(e && e->node.id[1] == 0);
  kad_checked(&t, e->node.id, 9, now++);
  e = kad_next_check(&t);
  CHECK(e && e->node.id[1] == 1);
  CHECK(kad_find(&t, node(0x80, 0, 0).id)->enr_seq == 9 && kad_find(&t, node(0x80, 0, 0).id)->live == 1);

  /* a node that fails its check goes; the newest replacement takes the slot */
  p2p_node_t dead = node(0x80, 5, 0);
  CHECK(kad_remove(&t, dead.id));
  CHECK(!kad_find(&t, dead.id) && kad_size(&t) == KAD_K);
  CHECK(kad_find(&t, node(0x80, 0x40 + KAD_REPLACEMENTS + 2, 0).id) != NULL);
  CHECK(!kad_remove(&t, dead.id));

  /* closest: nearest first */
  kad_add(&t, &near, now++);
  kad_add(&t, &close, now++);
  p2p_node_t out[KAD_K];
  size_t n = kad_closest(&t, self, out, KAD_K);
  CHECK(n == KAD_K);
  CHECK(!memcmp(out[0].id, close.id, 32) && !memcmp(out[1].id, near.id, 32));
  for (size_t i = 1; i < n; i++) CHECK(kad_cmp_dist(self, out[i - 1].id, out[i].id) < 0);
  uint8_t target[32] = {0x80, 7};
  n = kad_closest(&t, target, out, 3);
  CHECK(n == 3 && out[0].id[0] == 0x80 && out[0].id[1] == 7);

  /* IP limits: 2 of a public /24 per bucket, 10 in the table; LAN addresses exempt */
  kad_init(&t, self);
  static const uint8_t pub4[4] = {1, 2, 3, 0}, lan4[4] = {192, 168, 1, 0};
  for (int i = 0; i < 3; i++) {
    p2p_node_t x = node(0x80, (uint8_t)i, 0);
    p2p_ip_from4(x.ip, pub4);
    x.ip[15] = (uint8_t)i;
    CHECK(kad_add(&t, &x, now) == (i < KAD_BUCKET_IP_LIMIT ? KAD_ADDED : KAD_IP_LIMIT));
  }
  for (int i = 0; i < 12; i++) { /* one per bucket: the table's limit */
    p2p_node_t x = node((uint8_t)(0x80 >> (i % 8)), (uint8_t)(0x10 + i), (uint8_t)i);
    if (i >= 8) x.id[1] = (uint8_t)(0x80 >> (i - 8)), x.id[0] = 0;
    p2p_ip_from4(x.ip, pub4);
    kad_add(&t, &x, now);
  }
  size_t same = 0;
  for (size_t k = 0; k < KAD_BUCKETS; k++) same += t.buckets[k].count;
  CHECK(same == KAD_TABLE_IP_LIMIT);
  for (int i = 0; i < 5; i++) {
    p2p_node_t x = node(0x80, (uint8_t)(0x30 + i), 0);
    p2p_ip_from4(x.ip, lan4);
    CHECK(kad_add(&t, &x, now) == KAD_ADDED);
  }
  CHECK(kad_ip_is_lan((uint8_t[16]){[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1}));
  CHECK(!kad_ip_is_lan((uint8_t[16]){[10] = 0xff, [11] = 0xff, [12] = 8, [13] = 8, [14] = 8, [15] = 8}));
  return check_summary();
}
