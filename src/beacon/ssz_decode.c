/* SSZ decoding of the light-client containers (consensus-specs
 * ssz/simple-serialize.md, "Deserialization"; the containers of
 * altair/light-client/sync-protocol.md and its capella, deneb, electra changes).
 * A container is a fixed part (fixed-size fields in place, a 4-byte little-endian
 * offset for each variable-size one) then the variable fields' bytes, in order. */
#include <string.h>

#include "ethc/ssz.h"

/* Where one field of a decoded container lies. */
typedef struct {
  const uint8_t *p;
  size_t len;
} field_t;

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t rd64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* Splits `in` into `n` fields whose sizes are `size` (0 = variable-size); strict
 * offsets. 0 or ETHC_ERR_INVALID. */
static int split(const uint8_t *in, size_t len, const size_t *size, field_t *f, size_t n) {
  size_t fixed = 0;
  for (size_t i = 0; i < n; i++) fixed += size[i] ? size[i] : 4;
  if (len < fixed) return ETHC_ERR_INVALID;
  size_t pos = 0, last = SIZE_MAX; /* index of the previous variable field */
  bool any_var = false;
  for (size_t i = 0; i < n; i++) {
    if (size[i]) {
      f[i].p = in + pos;
      f[i].len = size[i];
      pos += size[i];
      continue;
    }
    size_t off = rd32(in + pos);
    pos += 4;
    if (!any_var && off != fixed) return ETHC_ERR_INVALID;
    if (off > len) return ETHC_ERR_INVALID;
    if (last != SIZE_MAX) {
      size_t prev = (size_t)(f[last].p - in);
      if (off < prev) return ETHC_ERR_INVALID;
      f[last].len = off - prev;
    }
    f[i].p = in + off;
    last = i;
    any_var = true;
  }
  if (last != SIZE_MAX) f[last].len = len - (size_t)(f[last].p - in);
  else if (len != fixed) return ETHC_ERR_INVALID;
  return 0;
}

int ssz_decode_block_header(const uint8_t *in, size_t len, beacon_block_header_t *out) {
  if (len != 112) return ETHC_ERR_INVALID;
  memset(out, 0, sizeof *out);
  out->slot = rd64(in);
  out->proposer_index = rd64(in + 8);
  memcpy(out->parent_root.bytes, in + 16, 32);
  memcpy(out->state_root.bytes, in + 48, 32);
  memcpy(out->body_root.bytes, in + 80, 32);
  return 0;
}

static int decode_execution(const uint8_t *in, size_t len, beacon_fork_t fork, beacon_execution_header_t *e) {
  bool deneb = fork >= BEACON_FORK_DENEB;
  const size_t sz[17] = {32, 20, 32, 32, 256, 32, 8, 8, 8, 8, 0, 32, 32, 32, 32, 8, 8};
  field_t f[17];
  if (split(in, len, sz, f, deneb ? 17 : 15)) return ETHC_ERR_INVALID;
  if (f[10].len > BEACON_MAX_EXTRA_DATA) return ETHC_ERR_INVALID;
  memcpy(e->parent_hash.bytes, f[0].p, 32);
  memcpy(e->fee_recipient.bytes, f[1].p, 20);
  memcpy(e->state_root.bytes, f[2].p, 32);
  memcpy(e->receipts_root.bytes, f[3].p, 32);
  memcpy(e->logs_bloom, f[4].p, 256);
  memcpy(e->prev_randao.bytes, f[5].p, 32);
  e->block_number = rd64(f[6].p);
  e->gas_limit = rd64(f[7].p);
  e->gas_used = rd64(f[8].p);
  e->timestamp = rd64(f[9].p);
  memcpy(e->extra_data, f[10].p, f[10].len);
  e->extra_data_len = (uint8_t)f[10].len;
  for (int i = 0; i < 4; i++) e->base_fee_per_gas.w[i] = rd64(f[11].p + 8 * i);
  memcpy(e->block_hash.bytes, f[12].p, 32);
  memcpy(e->transactions_root.bytes, f[13].p, 32);
  memcpy(e->withdrawals_root.bytes, f[14].p, 32);
  if (deneb) {
    e->blob_gas_used = rd64(f[15].p);
    e->excess_blob_gas = rd64(f[16].p);
  }
  return 0;
}

int ssz_decode_lc_header(const uint8_t *in, size_t len, beacon_fork_t fork, beacon_lc_header_t *out) {
  memset(out, 0, sizeof *out);
  if (fork < BEACON_FORK_ALTAIR || fork >= BEACON_FORK_COUNT) return ETHC_ERR_INVALID;
  out->fork = fork;
  if (fork < BEACON_FORK_CAPELLA) return ssz_decode_block_header(in, len, &out->beacon);
  const size_t sz[3] = {112, 0, BEACON_EXECUTION_BRANCH_DEPTH * 32};
  field_t f[3];
  if (split(in, len, sz, f, 3)) return ETHC_ERR_INVALID;
  if (ssz_decode_block_header(f[0].p, f[0].len, &out->beacon)) return ETHC_ERR_INVALID;
  if (decode_execution(f[1].p, f[1].len, fork, &out->execution)) return ETHC_ERR_INVALID;
  memcpy(out->execution_branch, f[2].p, f[2].len);
  return 0;
}

static bool committee_size_ok(uint32_t n) { return n >= 8 && n <= BEACON_SYNC_COMMITTEE_MAX && (n & (n - 1)) == 0; }

static void decode_committee(const uint8_t *p, uint32_t n, beacon_sync_committee_t *c) {
  memcpy(c->pubkeys, p, (size_t)n * BEACON_PUBKEY_SIZE);
  memcpy(c->aggregate_pubkey, p + (size_t)n * BEACON_PUBKEY_SIZE, BEACON_PUBKEY_SIZE);
}

static void decode_aggregate(const uint8_t *p, uint32_t n, beacon_sync_aggregate_t *a) {
  memcpy(a->sync_committee_bits, p, n / 8);
  memcpy(a->sync_committee_signature, p + n / 8, BEACON_SIGNATURE_SIZE);
}

#define COMMITTEE_SSZ(n) ((size_t)(n)*BEACON_PUBKEY_SIZE + BEACON_PUBKEY_SIZE)
#define AGGREGATE_SSZ(n) ((size_t)(n) / 8 + BEACON_SIGNATURE_SIZE)

/* The size of a light-client header field: variable from Capella on. */
static size_t header_field(beacon_fork_t fork) { return fork >= BEACON_FORK_CAPELLA ? 0 : 112; }

static bool fork_ok(beacon_fork_t fork) { return fork >= BEACON_FORK_ALTAIR && fork < BEACON_FORK_COUNT; }

/* How every update container ends: the sync aggregate at f[0], the
 * signature slot at f[1]. */
static void decode_update_tail(const field_t *f, uint32_t committee_size, beacon_sync_aggregate_t *a, uint64_t *slot) {
  decode_aggregate(f[0].p, committee_size, a);
  *slot = rd64(f[1].p);
}

/* Clears a container of `size` bytes and checks the fork and committee size. */
static bool begin(void *out, size_t size, beacon_fork_t fork, uint32_t committee_size) {
  memset(out, 0, size);
  return fork_ok(fork) && committee_size_ok(committee_size);
}

int ssz_decode_lc_bootstrap(const uint8_t *in, size_t len, beacon_fork_t fork, uint32_t committee_size,
                            beacon_lc_bootstrap_t *out) {
  if (!begin(out, sizeof *out, fork, committee_size)) return ETHC_ERR_INVALID;
  out->fork = fork;
  unsigned d = beacon_current_sync_committee_depth(fork);
  const size_t sz[3] = {header_field(fork), COMMITTEE_SSZ(committee_size), (size_t)d * 32};
  field_t f[3];
  if (split(in, len, sz, f, 3)) return ETHC_ERR_INVALID;
  if (ssz_decode_lc_header(f[0].p, f[0].len, fork, &out->header)) return ETHC_ERR_INVALID;
  decode_committee(f[1].p, committee_size, &out->current_sync_committee);
  memcpy(out->current_sync_committee_branch, f[2].p, f[2].len);
  return 0;
}

int ssz_decode_lc_update(const uint8_t *in, size_t len, beacon_fork_t fork, uint32_t committee_size,
                         beacon_lc_update_t *out) {
  if (!begin(out, sizeof *out, fork, committee_size)) return ETHC_ERR_INVALID;
  out->fork = fork;
  size_t h = header_field(fork);
  const size_t sz[7] = {h,
                        COMMITTEE_SSZ(committee_size),
                        (size_t)beacon_next_sync_committee_depth(fork) * 32,
                        h,
                        (size_t)beacon_finality_depth(fork) * 32,
                        AGGREGATE_SSZ(committee_size),
                        8};
  field_t f[7];
  if (split(in, len, sz, f, 7)) return ETHC_ERR_INVALID;
  if (ssz_decode_lc_header(f[0].p, f[0].len, fork, &out->attested_header)) return ETHC_ERR_INVALID;
  decode_committee(f[1].p, committee_size, &out->next_sync_committee);
  memcpy(out->next_sync_committee_branch, f[2].p, f[2].len);
  if (ssz_decode_lc_header(f[3].p, f[3].len, fork, &out->finalized_header)) return ETHC_ERR_INVALID;
  memcpy(out->finality_branch, f[4].p, f[4].len);
  decode_update_tail(&f[5], committee_size, &out->sync_aggregate, &out->signature_slot);
  return 0;
}

int ssz_decode_lc_finality_update(const uint8_t *in, size_t len, beacon_fork_t fork, uint32_t committee_size,
                                  beacon_lc_finality_update_t *out) {
  if (!begin(out, sizeof *out, fork, committee_size)) return ETHC_ERR_INVALID;
  out->fork = fork;
  size_t h = header_field(fork);
  const size_t sz[5] = {h, h, (size_t)beacon_finality_depth(fork) * 32, AGGREGATE_SSZ(committee_size), 8};
  field_t f[5];
  if (split(in, len, sz, f, 5)) return ETHC_ERR_INVALID;
  if (ssz_decode_lc_header(f[0].p, f[0].len, fork, &out->attested_header)) return ETHC_ERR_INVALID;
  if (ssz_decode_lc_header(f[1].p, f[1].len, fork, &out->finalized_header)) return ETHC_ERR_INVALID;
  memcpy(out->finality_branch, f[2].p, f[2].len);
  decode_update_tail(&f[3], committee_size, &out->sync_aggregate, &out->signature_slot);
  return 0;
}

int ssz_decode_lc_optimistic_update(const uint8_t *in, size_t len, beacon_fork_t fork, uint32_t committee_size,
                                    beacon_lc_optimistic_update_t *out) {
  if (!begin(out, sizeof *out, fork, committee_size)) return ETHC_ERR_INVALID;
  out->fork = fork;
  const size_t sz[3] = {header_field(fork), AGGREGATE_SSZ(committee_size), 8};
  field_t f[3];
  if (split(in, len, sz, f, 3)) return ETHC_ERR_INVALID;
  if (ssz_decode_lc_header(f[0].p, f[0].len, fork, &out->attested_header)) return ETHC_ERR_INVALID;
  decode_update_tail(&f[1], committee_size, &out->sync_aggregate, &out->signature_slot);
  return 0;
}
