/* SSZ serialization of the light-client containers (consensus-specs
 * ssz/simple-serialize.md, "Serialization"): the inverse of ssz_decode.c, used
 * to store the light client's headers and to check in the fuzzer that decoding
 * accepts only canonical encodings. Each writer returns the encoding's size and
 * writes it only when `cap` is large enough (a NULL `out` with cap 0 measures). */
#include <string.h>

#include "ethc/ssz.h"

typedef struct {
  uint8_t *out;
  size_t cap, len;
} wr_t;

static void put(wr_t *w, const void *p, size_t n) {
  if (w->out && w->len + n <= w->cap) memcpy(w->out + w->len, p, n);
  w->len += n;
}
static void put64(wr_t *w, uint64_t v) {
  uint8_t b[8];
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
  put(w, b, 8);
}
static void put32(wr_t *w, uint32_t v) {
  uint8_t b[4];
  for (int i = 0; i < 4; i++) b[i] = (uint8_t)(v >> (8 * i));
  put(w, b, 4);
}

static void put_block_header(wr_t *w, const beacon_block_header_t *h) {
  put64(w, h->slot);
  put64(w, h->proposer_index);
  put(w, h->parent_root.bytes, 32);
  put(w, h->state_root.bytes, 32);
  put(w, h->body_root.bytes, 32);
}

static size_t execution_size(const beacon_execution_header_t *e, beacon_fork_t fork) {
  size_t xl = e->extra_data_len <= BEACON_MAX_EXTRA_DATA ? e->extra_data_len : BEACON_MAX_EXTRA_DATA;
  return (fork >= BEACON_FORK_DENEB ? 584 : 568) + xl;
}

static void put_execution(wr_t *w, const beacon_execution_header_t *e, beacon_fork_t fork) {
  size_t fixed = fork >= BEACON_FORK_DENEB ? 584 : 568;
  size_t xl = e->extra_data_len <= BEACON_MAX_EXTRA_DATA ? e->extra_data_len : BEACON_MAX_EXTRA_DATA;
  put(w, e->parent_hash.bytes, 32);
  put(w, e->fee_recipient.bytes, 20);
  put(w, e->state_root.bytes, 32);
  put(w, e->receipts_root.bytes, 32);
  put(w, e->logs_bloom, 256);
  put(w, e->prev_randao.bytes, 32);
  put64(w, e->block_number);
  put64(w, e->gas_limit);
  put64(w, e->gas_used);
  put64(w, e->timestamp);
  put32(w, (uint32_t)fixed);
  for (int i = 0; i < 4; i++) put64(w, e->base_fee_per_gas.w[i]);
  put(w, e->block_hash.bytes, 32);
  put(w, e->transactions_root.bytes, 32);
  put(w, e->withdrawals_root.bytes, 32);
  if (fork >= BEACON_FORK_DENEB) {
    put64(w, e->blob_gas_used);
    put64(w, e->excess_blob_gas);
  }
  put(w, e->extra_data, xl);
}

static size_t header_size(const beacon_lc_header_t *h, beacon_fork_t fork) {
  return fork >= BEACON_FORK_CAPELLA
             ? 112 + 4 + 32 * BEACON_EXECUTION_BRANCH_DEPTH + execution_size(&h->execution, fork)
             : 112;
}

static void put_header(wr_t *w, const beacon_lc_header_t *h, beacon_fork_t fork) {
  put_block_header(w, &h->beacon);
  if (fork < BEACON_FORK_CAPELLA) return;
  put32(w, 112 + 4 + 32 * BEACON_EXECUTION_BRANCH_DEPTH);
  put(w, h->execution_branch, 32 * BEACON_EXECUTION_BRANCH_DEPTH);
  put_execution(w, &h->execution, fork);
}

/* A header field in a container's fixed part: in place before Capella, else an
 * offset (returned through *var so the caller writes the header later). */
static void put_header_field(wr_t *w, const beacon_lc_header_t *h, beacon_fork_t fork, size_t *offset) {
  if (fork < BEACON_FORK_CAPELLA) put_header(w, h, fork);
  else {
    put32(w, (uint32_t)*offset);
    *offset += header_size(h, fork);
  }
}

static void put_committee(wr_t *w, const beacon_sync_committee_t *c, uint32_t n) {
  put(w, c->pubkeys, (size_t)n * BEACON_PUBKEY_SIZE);
  put(w, c->aggregate_pubkey, BEACON_PUBKEY_SIZE);
}

static void put_aggregate(wr_t *w, const beacon_sync_aggregate_t *a, uint32_t n) {
  put(w, a->sync_committee_bits, n / 8);
  put(w, a->sync_committee_signature, BEACON_SIGNATURE_SIZE);
}

static size_t hdr_fixed(beacon_fork_t fork) { return fork >= BEACON_FORK_CAPELLA ? 4 : 112; }

/* How every update container ends: sync_aggregate and signature_slot, then
 * from Capella on the variable parts, the headers (finalized may be NULL). */
static void put_update_tail(wr_t *w, const beacon_sync_aggregate_t *a, uint32_t n, uint64_t slot,
                            const beacon_lc_header_t *attested, const beacon_lc_header_t *finalized, beacon_fork_t f) {
  put_aggregate(w, a, n);
  put64(w, slot);
  if (f < BEACON_FORK_CAPELLA) return;
  put_header(w, attested, f);
  if (finalized) put_header(w, finalized, f);
}

size_t ssz_encode_lc_header(const beacon_lc_header_t *h, uint8_t *out, size_t cap) {
  wr_t w = {out, cap, 0};
  put_header(&w, h, h->fork);
  return w.len;
}

size_t ssz_encode_lc_bootstrap(const beacon_lc_bootstrap_t *b, uint32_t n, uint8_t *out, size_t cap) {
  wr_t w = {out, cap, 0};
  beacon_fork_t f = b->fork;
  size_t off = hdr_fixed(f) + (size_t)n * 48 + 48 + 32 * (size_t)beacon_current_sync_committee_depth(f);
  put_header_field(&w, &b->header, f, &off);
  put_committee(&w, &b->current_sync_committee, n);
  put(&w, b->current_sync_committee_branch, 32 * (size_t)beacon_current_sync_committee_depth(f));
  if (f >= BEACON_FORK_CAPELLA) put_header(&w, &b->header, f);
  return w.len;
}

size_t ssz_encode_lc_update(const beacon_lc_update_t *u, uint32_t n, uint8_t *out, size_t cap) {
  wr_t w = {out, cap, 0};
  beacon_fork_t f = u->fork;
  size_t off = 2 * hdr_fixed(f) + (size_t)n * 48 + 48 + 32 * (size_t)beacon_next_sync_committee_depth(f) +
               32 * (size_t)beacon_finality_depth(f) + n / 8 + 96 + 8;
  put_header_field(&w, &u->attested_header, f, &off);
  put_committee(&w, &u->next_sync_committee, n);
  put(&w, u->next_sync_committee_branch, 32 * (size_t)beacon_next_sync_committee_depth(f));
  put_header_field(&w, &u->finalized_header, f, &off);
  put(&w, u->finality_branch, 32 * (size_t)beacon_finality_depth(f));
  put_update_tail(&w, &u->sync_aggregate, n, u->signature_slot, &u->attested_header, &u->finalized_header, f);
  return w.len;
}

size_t ssz_encode_lc_finality_update(const beacon_lc_finality_update_t *u, uint32_t n, uint8_t *out, size_t cap) {
  wr_t w = {out, cap, 0};
  beacon_fork_t f = u->fork;
  size_t off = 2 * hdr_fixed(f) + 32 * (size_t)beacon_finality_depth(f) + n / 8 + 96 + 8;
  put_header_field(&w, &u->attested_header, f, &off);
  put_header_field(&w, &u->finalized_header, f, &off);
  put(&w, u->finality_branch, 32 * (size_t)beacon_finality_depth(f));
  put_update_tail(&w, &u->sync_aggregate, n, u->signature_slot, &u->attested_header, &u->finalized_header, f);
  return w.len;
}

size_t ssz_encode_lc_optimistic_update(const beacon_lc_optimistic_update_t *u, uint32_t n, uint8_t *out, size_t cap) {
  wr_t w = {out, cap, 0};
  beacon_fork_t f = u->fork;
  size_t off = hdr_fixed(f) + n / 8 + 96 + 8;
  put_header_field(&w, &u->attested_header, f, &off);
  put_update_tail(&w, &u->sync_aggregate, n, u->signature_slot, &u->attested_header, NULL, f);
  return w.len;
}
