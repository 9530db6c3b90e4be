/* libFuzzer harness for the light-client update processing (src/beacon/lc_store.c,
 * consensus-specs altair/light-client/sync-protocol.md) against a fixed store: the
 * bootstrap of consensus-spec-tests light_client_sync (minimal preset, Deneb), read
 * from $ETHC_SHARED (default ../shared) at start-up. Input: 8 bytes of current slot
 * (little-endian, taken modulo 256), one byte choosing update / finality update /
 * optimistic update, then its SSZ. Processing must never crash, return 0 or
 * ETHC_ERR_INVALID with a reason, leave the store unchanged when it refuses, and
 * keep the store's invariants when it accepts (finalized slot never decreases and
 * stays <= the optimistic slot; the current committee changes only with a period).
 * Seeds: ETHC_FUZZ_SEED_DIR=<dir> (with -runs=0) writes two of the case's updates
 * there, each also as a finality and an optimistic update. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/light_client.h"
#include "ethc/ssz.h"
#include "../unit/beacon/lc_vectors.h"
#include "fuzz_input.h"

static beacon_config_t cfg;
static lc_store_t base, work, before;
static beacon_lc_update_t upd;
static beacon_lc_finality_update_t fin;
static beacon_lc_optimistic_update_t opt;

static void write_seed(const char *seed_dir, const char *name, uint8_t slot, uint8_t mode, const uint8_t *ssz,
                       size_t n) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", seed_dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return;
  uint8_t head[9] = {slot, 0, 0, 0, 0, 0, 0, 0, mode};
  fwrite(head, 1, 9, f);
  fwrite(ssz, 1, n, f);
  fclose(f);
}

/* Seeds: two of the case's updates as they are (mode 0), and as a finality update
 * (mode 1) and an optimistic update (mode 2) built from them. */
static void write_seeds(const char *dir, const char *seed_dir) {
  static const char *const names[] = {
      "update_0xbccdacbfe0f0bfd10367dfc318b479e2830ed7c5119151ad0eb917fc66d51203_sf.ssz_snappy",
      "update_0xd4ce0e0859a2174eae7aaf78f495881993cbc87fd3ce4e989e06e394997b392d_sf.ssz_snappy"};
  static const uint8_t slots[] = {41, 89};
  static uint8_t buf[1 << 16];
  for (int i = 0; i < 2; i++) {
    size_t n;
    uint8_t *u = lc_vectors_load(dir, names[i], &n);
    if (!u) continue;
    char name[64];
    snprintf(name, sizeof name, "update%d", i);
    write_seed(seed_dir, name, slots[i], 0, u, n);
    if (ssz_decode_lc_update(u, n, BEACON_FORK_DENEB, 32, &upd) == 0) {
      memset(&fin, 0, sizeof fin);
      fin.fork = upd.fork;
      fin.attested_header = upd.attested_header;
      fin.finalized_header = upd.finalized_header;
      memcpy(fin.finality_branch, upd.finality_branch, sizeof fin.finality_branch);
      fin.sync_aggregate = upd.sync_aggregate;
      fin.signature_slot = upd.signature_slot;
      size_t fn = ssz_encode_lc_finality_update(&fin, 32, buf, sizeof buf);
      snprintf(name, sizeof name, "finality%d", i);
      if (fn <= sizeof buf) write_seed(seed_dir, name, slots[i], 1, buf, fn);
      memset(&opt, 0, sizeof opt);
      opt.fork = upd.fork;
      opt.attested_header = upd.attested_header;
      opt.sync_aggregate = upd.sync_aggregate;
      opt.signature_slot = upd.signature_slot;
      size_t on = ssz_encode_lc_optimistic_update(&opt, 32, buf, sizeof buf);
      snprintf(name, sizeof name, "optimistic%d", i);
      if (on <= sizeof buf) write_seed(seed_dir, name, slots[i], 2, buf, on);
    }
    free(u);
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  const char *shared = getenv("ETHC_SHARED");
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/light-client/spec-tests/deneb/light_client_sync",
           shared && *shared ? shared : "../shared");
  cfg = lc_vectors_minimal_config();
  uint8_t trusted[32];
  if (hex_decode_fixed("0xc0f6807024e3a40cea50955a9daa481045e44a5e08ccb5aed4d1cd705fc624d4", true, trusted, 32) != 0)
    abort();
  size_t n;
  uint8_t *b = lc_vectors_load(dir, "bootstrap.ssz_snappy", &n);
  static beacon_lc_bootstrap_t boot;
  if (!b || ssz_decode_lc_bootstrap(b, n, BEACON_FORK_DENEB, 32, &boot) != 0 ||
      lc_store_init(&base, &cfg, trusted, &boot, NULL) != 0) {
    fprintf(stderr, "fuzz_lc_update: cannot load the bootstrap from %s (set ETHC_SHARED)\n", dir);
    exit(1);
  }
  free(b);
  const char *seeds = getenv("ETHC_FUZZ_SEED_DIR");
  if (seeds) write_seeds(dir, seeds);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 9) return 0;
  uint64_t slot = data[0]; /* small slots reach the vectors' periods */
  uint8_t mode = data[8] % 3;
  const uint8_t *p = data + 9;
  size_t n = size - 9;
  work = base;
  before = base;
  const char *why = NULL;
  int rc;
  if (mode == 0) {
    if (ssz_decode_lc_update(p, n, BEACON_FORK_DENEB, 32, &upd) != 0) return 0;
    rc = lc_process_update(&work, &cfg, &upd, slot, &why);
  } else if (mode == 1) {
    if (ssz_decode_lc_finality_update(p, n, BEACON_FORK_DENEB, 32, &fin) != 0) return 0;
    rc = lc_process_finality_update(&work, &cfg, &fin, slot, &why);
  } else {
    if (ssz_decode_lc_optimistic_update(p, n, BEACON_FORK_DENEB, 32, &opt) != 0) return 0;
    rc = lc_process_optimistic_update(&work, &cfg, &opt, slot, &why);
  }
  must(rc == 0 || rc == ETHC_ERR_INVALID);
  if (rc) {
    must(why != NULL);
    must(memcmp(&work, &before, sizeof work) == 0);
    return 0;
  }
  must(work.finalized_header.beacon.slot >= before.finalized_header.beacon.slot);
  must(work.finalized_header.beacon.slot <= work.optimistic_header.beacon.slot);
  if (beacon_period_at_slot(&cfg, work.finalized_header.beacon.slot) ==
      beacon_period_at_slot(&cfg, before.finalized_header.beacon.slot))
    must(memcmp(&work.current_sync_committee, &before.current_sync_committee, sizeof work.current_sync_committee) == 0);
  /* The force-update rule on the result never breaks the invariants either. */
  (void)lc_force_update(&work, &cfg, slot + 1000);
  must(work.finalized_header.beacon.slot <= work.optimistic_header.beacon.slot);
  return 0;
}
