/* Test helper shared by the light-client unit tests and fuzz harness
 * (tests/fuzz/fuzz_lc_update.c): consensus-spec-tests' .ssz_snappy files and
 * the minimal-preset config their light_client/sync cases run on. */
#ifndef ETHC_TEST_LC_VECTORS_H
#define ETHC_TEST_LC_VECTORS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/light_client.h"
#include "ethc/ssz.h"

/* The SSZ bytes of DIR/NAME (NAME alone when dir is NULL), a snappy-framed
 * file of the vectors: malloc'd (free it), or NULL when unreadable or bad. */
static inline uint8_t *lc_vectors_load(const char *dir, const char *name, size_t *len) {
  char path[4200];
  snprintf(path, sizeof path, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
  size_t clen;
  uint8_t *comp = bytes_read_file(path, &clen);
  if (!comp) return NULL;
  uint8_t *out = NULL;
  if (ssz_snappy_block_decode(comp, clen, 1u << 24, &out, len) != 0) out = NULL;
  free(comp);
  return out;
}

/* The vectors' config (config.yaml: the minimal preset, every fork to Deneb
 * at epoch 0, their genesis validators root). */
static inline beacon_config_t lc_vectors_minimal_config(void) {
  beacon_config_t c;
  memset(&c, 0, sizeof c);
  c.name = "minimal";
  c.preset = &beacon_preset_minimal;
  c.seconds_per_slot = 6;
  for (unsigned f = 0; f < BEACON_FORK_COUNT; f++) {
    c.fork_version[f][0] = (uint8_t)f;
    c.fork_version[f][3] = 1;
    c.fork_epoch[f] = f <= BEACON_FORK_DENEB ? 0 : BEACON_FAR_FUTURE_EPOCH;
  }
  if (hex_decode_fixed("0x0a08c27fe4ece2483f9e581f78c66379a06f96e9c24cd1390594ff939b26f95b", true,
                       c.genesis_validators_root, 32) != 0)
    abort(); /* a constant */
  return c;
}

#endif
