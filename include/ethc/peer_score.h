/* The peer score (devp2p caps/eth.md leaves it to the client; modelled on what
 * go-ethereum's downloader does: a peer that lies or stalls is dropped): an
 * offence (an invalid header, a malformed message, an unsolicited or unknown-id
 * response, a request left unanswered past its timeout) disconnects the peer
 * and bans its node id for a while. The ban table is keyed by the 64-byte node
 * id; a repeated offence doubles the ban (up to a day). Trusted peers are
 * banned too: the peer manager redials them only once the ban has expired.
 * Implementation: src/p2p/peer_score.c.
 *
 * Threads: a table belongs to one thread (the peer manager's loop); nothing
 * here locks. Times are milliseconds on any monotonic clock (uv_now). */
#ifndef ETHC_PEER_SCORE_H
#define ETHC_PEER_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  PEER_OFFENCE_INVALID_HEADER, /* a header that breaks a rule, its seal or its link */
  PEER_OFFENCE_MALFORMED,      /* a message that does not decode, or a wrong answer shape */
  PEER_OFFENCE_UNSOLICITED,    /* a response with no request of that id in flight */
  PEER_OFFENCE_TIMEOUT,        /* a request unanswered past the timeout */
  PEER_OFFENCE_INVALID_TX,     /* a transaction that does not decode, a bad signature, a lying announcement */
  PEER_OFFENCE_COUNT
} peer_offence_t;

/* "invalid header", "malformed message", "unsolicited response", "request timeout",
 * "invalid transaction". */
const char *peer_offence_name(peer_offence_t o);
/* The first ban for an offence, in ms (30 min, 10 min, 10 min, 2 min, 10 min). */
uint64_t peer_offence_ban_ms(peer_offence_t o);

typedef struct {
  uint8_t id[64];
  uint64_t until;   /* banned while now < until */
  unsigned strikes; /* offences so far (kept after expiry, for doubling) */
  char reason[160]; /* the last offence, for the logs */
} peer_ban_t;

/* The table holds at most this many ids: when full, expired entries (and their
 * strikes) are forgotten first, then the ban that ends first. */
#define PEER_BANS_MAX 4096

typedef struct {
  peer_ban_t *v;
  size_t n, cap;
  uint64_t base_ms; /* 0: peer_offence_ban_ms; else every first ban lasts base_ms (tests) */
} peer_bans_t;

/* An empty table (no allocation until the first ban). */
void peer_bans_init(peer_bans_t *t);
void peer_bans_free(peer_bans_t *t);

/* Records an offence by `id` at `now`: the ban lasts the offence's duration,
 * doubled for each earlier strike (at most 24 h), and never shortens a running
 * ban. `reason` (may be NULL) is copied, truncated. Returns the ban's length in
 * ms, or 0 when memory ran out (the peer is then only disconnected). */
uint64_t peer_bans_add(peer_bans_t *t, const uint8_t id[64], peer_offence_t o, const char *reason, uint64_t now);

/* The running ban of `id` at `now`, or NULL (none, or expired). The pointer is
 * valid until the next peer_bans_add or peer_bans_free. */
const peer_ban_t *peer_bans_find(const peer_bans_t *t, const uint8_t id[64], uint64_t now);

/* Running bans at `now`. */
size_t peer_bans_active(const peer_bans_t *t, uint64_t now);

#ifdef __cplusplus
}
#endif

#endif
