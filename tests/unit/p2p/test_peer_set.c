/* The peer manager's static and trusted nodes (src/p2p/peer_set.h): kinds are
 * added and taken per node, an entry goes with its last kind, each kind is
 * bounded by PEER_SET_MAX, and a static node's redial backs off. */
#include <string.h>

#include "check.h"
#include "ethc/error.h"
#include "p2p/peer_set.h"

static p2p_node_t node(unsigned i, uint16_t port) {
  p2p_node_t n;
  memset(&n, 0, sizeof n);
  n.pubkey[0] = (uint8_t)(i >> 8), n.pubkey[1] = (uint8_t)i, n.pubkey[63] = 1;
  n.tcp = n.udp = port;
  return n;
}

static void test_kinds(void) {
  peer_set_t s;
  peer_set_init(&s);
  p2p_node_t a = node(1, 30303), b = node(2, 30304), a2 = node(1, 40000);
  CHECK(peer_set_add(&s, &a, PEER_SET_STATIC) == 0);
  CHECK(peer_set_add(&s, &a, PEER_SET_STATIC) == 0 && s.n == 1 && s.n_static == 1); /* again: no second entry */
  CHECK(peer_set_add(&s, &a2, PEER_SET_TRUSTED) == 0 && s.n == 1 && s.n_trusted == 1);
  CHECK(peer_set_find(&s, a.pubkey)->node.tcp == 30303); /* TRUSTED does not move the dialled address */
  CHECK(peer_set_add(&s, &a2, PEER_SET_STATIC) == 0 && peer_set_find(&s, a.pubkey)->node.tcp == 40000);
  CHECK(peer_set_add(&s, &b, PEER_SET_TRUSTED) == 0 && s.n == 2);
  CHECK(peer_set_add(&s, &b, 0) == ETHC_ERR_INVALID);
  CHECK(peer_set_has(&s, a.pubkey, PEER_SET_STATIC) && peer_set_has(&s, a.pubkey, PEER_SET_TRUSTED));
  CHECK(!peer_set_has(&s, b.pubkey, PEER_SET_STATIC) && peer_set_has(&s, b.pubkey, PEER_SET_TRUSTED));
  CHECK(peer_set_remove(&s, a.pubkey, PEER_SET_STATIC) && !peer_set_remove(&s, a.pubkey, PEER_SET_STATIC));
  CHECK(s.n == 2 && s.n_static == 0 && peer_set_has(&s, a.pubkey, PEER_SET_TRUSTED));
  CHECK(peer_set_remove(&s, a.pubkey, PEER_SET_TRUSTED) && s.n == 1 && !peer_set_find(&s, a.pubkey));
  CHECK(peer_set_find(&s, b.pubkey) && !peer_set_remove(&s, b.pubkey, PEER_SET_STATIC));
  CHECK(peer_set_remove(&s, b.pubkey, PEER_SET_TRUSTED) && s.n == 0 && s.n_trusted == 0);
  peer_set_free(&s);
}

static void test_limit(void) {
  peer_set_t s;
  peer_set_init(&s);
  int rc = 0;
  for (unsigned i = 0; i < PEER_SET_MAX && !rc; i++) {
    p2p_node_t n = node(i, 1);
    rc = peer_set_add(&s, &n, PEER_SET_STATIC);
  }
  CHECK(rc == 0 && s.n_static == PEER_SET_MAX);
  p2p_node_t extra = node(PEER_SET_MAX, 1), first = node(0, 1);
  CHECK(peer_set_add(&s, &extra, PEER_SET_STATIC) == ETHC_ERR_LIMIT && s.n == PEER_SET_MAX);
  CHECK(peer_set_add(&s, &first, PEER_SET_STATIC) == 0);  /* one already there: no new room needed */
  CHECK(peer_set_add(&s, &extra, PEER_SET_TRUSTED) == 0); /* the other kind has its own bound */
  CHECK(peer_set_remove(&s, first.pubkey, PEER_SET_STATIC) && peer_set_add(&s, &extra, PEER_SET_STATIC) == 0);
  CHECK(s.n_static == PEER_SET_MAX && s.n == PEER_SET_MAX);
  peer_set_free(&s);
}

static void test_backoff(void) {
  peer_set_t s;
  peer_set_init(&s);
  p2p_node_t a = node(7, 1);
  CHECK(peer_set_add(&s, &a, PEER_SET_STATIC) == 0);
  peer_set_entry_t *e = peer_set_find(&s, a.pubkey);
  CHECK(e->redial_at == 0 && e->fails == 0); /* due at once */
  peer_set_closed(e, true, 1000, 100);
  CHECK(e->redial_at == 1100 && e->fails == 0);
  uint64_t want[] = {200, 400, 800, 1600, 1600, 1600};
  for (int i = 0; i < 6; i++) {
    peer_set_closed(e, false, 1000, 100);
    CHECK_MSG(e->redial_at == 1000 + want[i], "fail %d: %llu", i + 1, (unsigned long long)e->redial_at);
  }
  peer_set_dialled(e, 3000, 100); /* a dial waits the current backoff, counting nothing */
  CHECK(e->redial_at == 4600 && e->fails == 6);
  peer_set_closed(e, true, 5000, 100); /* it got through: back to the base delay */
  CHECK(e->redial_at == 5100 && e->fails == 0);
  CHECK(peer_set_add(&s, &a, PEER_SET_TRUSTED) == 0 && peer_set_find(&s, a.pubkey)->redial_at == 5100);
  peer_set_free(&s);
}

int main(void) {
  test_kinds();
  test_limit();
  test_backoff();
  return check_summary();
}
