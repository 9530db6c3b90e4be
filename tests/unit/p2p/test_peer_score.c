/* The peer ban table (peer_score.h): a ban lasts its offence's time and then
 * expires; a repeat doubles it (capped at a day); a running ban is never
 * shortened by a lighter offence; other ids are untouched; the reason names
 * the offence. */
#include <string.h>

#include "check.h"
#include "ethc/peer_score.h"

#define MIN (60ull * 1000)

int main(void) {
  peer_bans_t t;
  peer_bans_init(&t);
  uint8_t a[64], b[64];
  memset(a, 0xaa, 64);
  memset(b, 0xbb, 64);
  CHECK(peer_bans_find(&t, a, 0) == NULL && peer_bans_active(&t, 0) == 0);
  CHECK(peer_offence_ban_ms(PEER_OFFENCE_INVALID_HEADER) == 30 * MIN);
  CHECK(peer_offence_ban_ms(PEER_OFFENCE_TIMEOUT) == 2 * MIN);
  CHECK(!strcmp(peer_offence_name(PEER_OFFENCE_UNSOLICITED), "unsolicited response"));

  /* a lie: banned for 30 minutes, then free again */
  CHECK(peer_bans_add(&t, a, PEER_OFFENCE_INVALID_HEADER, "header #300 does not link to its parent", 1000) == 30 * MIN);
  const peer_ban_t *ban = peer_bans_find(&t, a, 1000 + 30 * MIN - 1);
  CHECK(ban != NULL);
  CHECK(ban && !strcmp(ban->reason, "invalid header: header #300 does not link to its parent"));
  CHECK(peer_bans_find(&t, b, 2000) == NULL);
  CHECK(peer_bans_active(&t, 2000) == 1);
  CHECK(peer_bans_find(&t, a, 1000 + 30 * MIN) == NULL);
  CHECK(peer_bans_active(&t, 1000 + 30 * MIN) == 0);

  /* a second offence after the expiry: twice the time */
  uint64_t now = 1000 + 40 * MIN;
  CHECK(peer_bans_add(&t, a, PEER_OFFENCE_TIMEOUT, NULL, now) == 4 * MIN);
  ban = peer_bans_find(&t, a, now);
  CHECK(ban && ban->strikes == 2 && !strcmp(ban->reason, "request timeout"));

  /* a lighter offence during a long ban does not shorten it */
  CHECK(peer_bans_add(&t, b, PEER_OFFENCE_INVALID_HEADER, "x", 0) == 30 * MIN);
  CHECK(peer_bans_add(&t, b, PEER_OFFENCE_TIMEOUT, "y", 1) == 30 * MIN - 1);
  CHECK(peer_bans_find(&t, b, 30 * MIN - 1) != NULL && peer_bans_active(&t, 2 * MIN) == 2);

  /* repeats double up to a day */
  uint8_t c[64];
  memset(c, 0xcc, 64);
  uint64_t len = 0;
  for (int i = 0; i < 20; i++) len = peer_bans_add(&t, c, PEER_OFFENCE_MALFORMED, NULL, 0);
  CHECK(len == 24ull * 60 * MIN);

  /* many ids: the table grows */
  for (int i = 0; i < 100; i++) {
    uint8_t id[64] = {0};
    id[0] = (uint8_t)i, id[1] = 7;
    CHECK(peer_bans_add(&t, id, PEER_OFFENCE_UNSOLICITED, NULL, 0) == 10 * MIN);
  }
  CHECK(peer_bans_active(&t, 0) == 103);

  /* the table is bounded: expired entries go first, then the ban that ends first */
  peer_bans_t big;
  peer_bans_init(&big);
  for (uint32_t i = 0; i < PEER_BANS_MAX + 10; i++) {
    uint8_t id[64] = {0};
    memcpy(id, &i, sizeof i);
    peer_bans_add(&big, id, PEER_OFFENCE_TIMEOUT, NULL, i < 100 ? 0 : 10 * MIN + i);
  }
  CHECK(big.n <= PEER_BANS_MAX && big.n > PEER_BANS_MAX - 100);
  uint8_t last[64] = {0};
  uint32_t li = PEER_BANS_MAX + 9;
  memcpy(last, &li, sizeof li);
  CHECK(peer_bans_find(&big, last, 10 * MIN + li) != NULL);
  for (int i = 0; i < 200; i++) {
    uint8_t id[64] = {0};
    id[10] = 1, id[0] = (uint8_t)i;
    peer_bans_add(&big, id, PEER_OFFENCE_TIMEOUT, NULL, 10 * MIN + PEER_BANS_MAX + 20);
  }
  CHECK(big.n == PEER_BANS_MAX);
  CHECK(peer_bans_find(&big, last, 10 * MIN + li) != NULL);
  uint8_t early[64] = {0};
  early[0] = 100; /* i = 100: the first live ban to end */
  CHECK(peer_bans_find(&big, early, 10 * MIN + 100) == NULL);
  peer_bans_free(&big);

  /* a test's base time replaces the offence's */
  peer_bans_t s;
  peer_bans_init(&s);
  s.base_ms = 500;
  CHECK(peer_bans_add(&s, a, PEER_OFFENCE_INVALID_HEADER, NULL, 0) == 500);
  CHECK(peer_bans_find(&s, a, 499) != NULL && peer_bans_find(&s, a, 500) == NULL);
  peer_bans_free(&s);
  peer_bans_free(&t);
  return check_summary();
}
