/* libFuzzer harness for the beacon REST API's light-client JSON decoding
 * (src/beacon/beacon_json.c): any bytes, as each of the four responses with the
 * mainnet or minimal committee size (chosen by the first byte), must decode or fail
 * with a message, never crash or read out of bounds; a failure leaves the output
 * zeroed, and a decoded container's fork is one the light client knows. Seed it
 * with the recorded responses: fuzz_beacon_json CORPUS $ETHC_SHARED/light-client/mainnet/deneb
 * (each file prefixed with its selector byte: 0 bootstrap, 2 updates, 4 finality,
 * 6 optimistic). With bit 3 of the first byte set, the input is instead a list of
 * (offset, byte) edits applied to the recorded Deneb response of that kind (read at
 * start from $ETHC_SHARED, default ../shared): near-valid documents that reach the
 * checks deep inside the containers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/beacon_json.h"
#include "ethc/bytes.h"

static char *recorded[4];
static size_t recorded_len[4];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  static const char *const names[4] = {"bootstrap", "updates", "finality_update", "optimistic_update"};
  const char *shared = getenv("ETHC_SHARED");
  for (int i = 0; i < 4; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/light-client/mainnet/deneb/%s.json", shared && *shared ? shared : "../shared",
             names[i]);
    recorded[i] = (char *)bytes_read_file(path, &recorded_len[i]);
  }
  return 0;
}

static void must(int cond) {
  if (!cond) __builtin_trap();
}

static int all_zero(const void *p, size_t n) {
  const uint8_t *b = p;
  for (size_t i = 0; i < n; i++)
    if (b[i]) return 0;
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 20) return 0;
  uint32_t committee = data[0] & 1 ? 32 : 512;
  int kind = (data[0] >> 1) & 3;
  char *text;
  size_t len;
  if (data[0] & 8) {
    /* edits of a recorded response: 3 bytes each (offset 16 bits, the new byte) */
    if (!recorded[kind]) return 0;
    len = recorded_len[kind];
    text = malloc(len);
    if (!text) return 0;
    memcpy(text, recorded[kind], len);
    for (size_t i = 1; i + 3 <= size && i < 1 + 3 * 8; i += 3) {
      size_t at = ((size_t)data[i] << 8 | data[i + 1]) * (len / 65536 + 1) % len;
      text[at] = (char)data[i + 2];
    }
  } else {
    /* the decoders take unterminated text: give them an exact-size copy */
    len = size - 1;
    text = malloc(len ? len : 1);
    if (!text) return 0;
    memcpy(text, data + 1, len);
  }
  char err[256];
  static beacon_lc_bootstrap_t b;
  static beacon_lc_finality_update_t f;
  static beacon_lc_optimistic_update_t o;
  int rc;
  switch (kind) {
    case 0:
      rc = beacon_json_bootstrap(text, len, committee, &b, err, sizeof err);
      must(rc ? err[0] != 0 && all_zero(&b, sizeof b) : b.fork >= BEACON_FORK_ALTAIR && b.fork < BEACON_FORK_COUNT);
      break;
    case 1: {
      beacon_lc_update_t *u = NULL;
      size_t n = 0;
      rc = beacon_json_updates(text, len, committee, &u, &n, err, sizeof err);
      must(rc ? err[0] != 0 && u == NULL && n == 0 : n <= BEACON_JSON_MAX_UPDATES);
      for (size_t i = 0; i < n; i++) must(u[i].fork >= BEACON_FORK_ALTAIR && u[i].fork < BEACON_FORK_COUNT);
      free(u);
      break;
    }
    case 2:
      rc = beacon_json_finality_update(text, len, committee, &f, err, sizeof err);
      must(rc ? err[0] != 0 && all_zero(&f, sizeof f) : f.finalized_header.execution.extra_data_len <= 32);
      break;
    default:
      rc = beacon_json_optimistic_update(text, len, committee, &o, err, sizeof err);
      must(rc ? err[0] != 0 && all_zero(&o, sizeof o) : o.fork == o.attested_header.fork);
      break;
  }
  free(text);
  return 0;
}
