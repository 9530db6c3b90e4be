/* SSZ of the light-client containers (consensus-specs ssz/simple-serialize.md):
 * the spec vectors' bootstrap and updates decode and encode back to the same bytes;
 * every fork's shape (Altair without execution data, Capella without blob gas,
 * Deneb, Electra's deeper branches) encodes and decodes back to the same struct;
 * offsets that skip, overlap or overrun, and an extra_data over 32 bytes, are
 * refused. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/ssz.h"
#include "lc_vectors.h"

static beacon_lc_update_t u, v;
static uint8_t buf[1 << 16];

/* `u` as a container of fork f: the fields that fork lacks cleared. */
static void as_fork(beacon_lc_update_t *x, beacon_fork_t f) {
  x->fork = f;
  beacon_lc_header_t *hs[2] = {&x->attested_header, &x->finalized_header};
  for (int i = 0; i < 2; i++) {
    hs[i]->fork = f;
    if (f < BEACON_FORK_DENEB) hs[i]->execution.blob_gas_used = hs[i]->execution.excess_blob_gas = 0;
    if (f < BEACON_FORK_CAPELLA) {
      memset(&hs[i]->execution, 0, sizeof hs[i]->execution);
      memset(hs[i]->execution_branch, 0, sizeof hs[i]->execution_branch);
    }
  }
  if (f < BEACON_FORK_ELECTRA) {
    memset(x->next_sync_committee_branch[5], 0, 32);
    memset(x->finality_branch[6], 0, 32);
  }
}

static void test_forks(void) {
  for (beacon_fork_t f = BEACON_FORK_ALTAIR; f < BEACON_FORK_COUNT; f++) {
    beacon_lc_update_t x = u;
    as_fork(&x, f);
    x.attested_header.execution.extra_data_len = 32; /* the largest extra_data */
    if (f < BEACON_FORK_CAPELLA) x.attested_header.execution.extra_data_len = 0;
    size_t n = ssz_encode_lc_update(&x, 32, buf, sizeof buf);
    CHECK(n <= sizeof buf);
    CHECK_MSG(ssz_decode_lc_update(buf, n, f, 32, &v) == 0 && memcmp(&x, &v, sizeof x) == 0, "fork %s",
              beacon_fork_name(f));
    /* One byte more or less is refused for the fixed-size (pre-Capella) shapes;
     * another fork's shape never decodes these bytes. */
    if (f < BEACON_FORK_CAPELLA) {
      CHECK(ssz_decode_lc_update(buf, n - 1, f, 32, &v) != 0);
      CHECK(ssz_decode_lc_update(buf, n + 1, f, 32, &v) != 0);
    }
    CHECK(ssz_decode_lc_update(buf, n, f == BEACON_FORK_DENEB ? BEACON_FORK_CAPELLA : BEACON_FORK_DENEB, 32, &v) != 0 ||
          f == BEACON_FORK_ELECTRA || f == BEACON_FORK_FULU);
    /* The header alone, and the finality and optimistic updates built from it. */
    size_t hn = ssz_encode_lc_header(&x.attested_header, buf, sizeof buf);
    beacon_lc_header_t h;
    CHECK(ssz_decode_lc_header(buf, hn, f, &h) == 0 && memcmp(&h, &x.attested_header, sizeof h) == 0);
    beacon_lc_finality_update_t fu, fv;
    memset(&fu, 0, sizeof fu);
    fu.fork = f;
    fu.attested_header = x.attested_header;
    fu.finalized_header = x.finalized_header;
    memcpy(fu.finality_branch, x.finality_branch, sizeof fu.finality_branch);
    fu.sync_aggregate = x.sync_aggregate;
    fu.signature_slot = x.signature_slot;
    size_t fn = ssz_encode_lc_finality_update(&fu, 32, buf, sizeof buf);
    CHECK(ssz_decode_lc_finality_update(buf, fn, f, 32, &fv) == 0 && memcmp(&fu, &fv, sizeof fu) == 0);
    beacon_lc_optimistic_update_t ou, ov;
    memset(&ou, 0, sizeof ou);
    ou.fork = f;
    ou.attested_header = x.attested_header;
    ou.sync_aggregate = x.sync_aggregate;
    ou.signature_slot = x.signature_slot;
    size_t on = ssz_encode_lc_optimistic_update(&ou, 32, buf, sizeof buf);
    CHECK(ssz_decode_lc_optimistic_update(buf, on, f, 32, &ov) == 0 && memcmp(&ou, &ov, sizeof ou) == 0);
  }
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void test_offsets(const uint8_t *bytes, size_t n) {
  /* A Deneb update: attested header offset at 0, finalized header offset after
   * the next committee (32 * 48 + 48) and its branch (5 * 32). */
  uint8_t *b = malloc(n);
  size_t fin_at = 4 + 32 * 48 + 48 + 5 * 32;
  if (!b) return;
  memcpy(b, bytes, n);
  uint32_t first = (uint32_t)(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
  put32(b, first + 1); /* skips a byte: the first offset must end the fixed part */
  CHECK(ssz_decode_lc_update(b, n, BEACON_FORK_DENEB, 32, &v) != 0);
  memcpy(b, bytes, n);
  put32(b + fin_at, first - 1); /* before the first: decreasing */
  CHECK(ssz_decode_lc_update(b, n, BEACON_FORK_DENEB, 32, &v) != 0);
  memcpy(b, bytes, n);
  put32(b + fin_at, (uint32_t)n + 1); /* past the end */
  CHECK(ssz_decode_lc_update(b, n, BEACON_FORK_DENEB, 32, &v) != 0);
  free(b);
  /* extra_data of 33 bytes in a header. */
  beacon_lc_header_t h = u.attested_header;
  h.execution.extra_data_len = 32;
  size_t hn = ssz_encode_lc_header(&h, buf, sizeof buf);
  CHECK(ssz_encode_lc_header(&h, NULL, 0) == hn);
  buf[hn] = 0;
  CHECK(ssz_decode_lc_header(buf, hn, BEACON_FORK_DENEB, &h) == 0);
  CHECK(ssz_decode_lc_header(buf, hn + 1, BEACON_FORK_DENEB, &h) != 0);
}

int main(void) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/light-client/spec-tests/deneb/light_client_sync", check_shared_dir());
  if (!check_need(dir, "consensus-spec-tests light_client/sync")) return check_summary();
  char path[2048];
  snprintf(path, sizeof path, "%s/bootstrap.ssz_snappy", dir);
  size_t n;
  uint8_t *b = lc_vectors_load(NULL, path, &n);
  CHECK(b != NULL);
  static beacon_lc_bootstrap_t boot;
  if (b) {
    CHECK(ssz_decode_lc_bootstrap(b, n, BEACON_FORK_DENEB, 32, &boot) == 0);
    CHECK(ssz_encode_lc_bootstrap(&boot, 32, buf, sizeof buf) == n && memcmp(buf, b, n) == 0);
    free(b);
  }
  /* Every update of every case: decode, then encode to the same bytes. */
  const char *cases[] = {"light_client_sync", "supply_sync_committee_from_past_update",
                         "advance_finality_without_sync_committee"};
  int seen = 0;
  uint8_t *first = NULL;
  size_t first_n = 0;
  for (int c = 0; c < 3; c++) {
    snprintf(path, sizeof path, "%s/light-client/spec-tests/deneb/%s", check_shared_dir(), cases[c]);
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) {
      const char *name = e->d_name;
      if (strncmp(name, "update_", 7) != 0) continue;
      char file[2600];
      snprintf(file, sizeof file, "%s/%s", path, name);
      uint8_t *ub = lc_vectors_load(NULL, file, &n);
      CHECK(ub != NULL);
      if (!ub) continue;
      seen++;
      CHECK_MSG(ssz_decode_lc_update(ub, n, BEACON_FORK_DENEB, 32, &u) == 0, "%s", name);
      CHECK_MSG(ssz_encode_lc_update(&u, 32, buf, sizeof buf) == n && memcmp(buf, ub, n) == 0, "%s", name);
      if (!first) {
        first = ub;
        first_n = n;
      } else {
        free(ub);
      }
    }
    if (d) closedir(d);
  }
  CHECK(seen == 14);
  if (first) {
    CHECK(ssz_decode_lc_update(first, first_n, BEACON_FORK_DENEB, 32, &u) == 0);
    test_forks();
    test_offsets(first, first_n);
    free(first);
  }
  return check_summary();
}
