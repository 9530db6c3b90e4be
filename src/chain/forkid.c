/* EIP-2124 fork identifiers (and EIP-6122 time-based forks): the fork
 * schedule, the fork id at a head, and validation of a peer's fork id. */
#include "ethc/forkid.h"

#include <string.h>

#include "ethc/error.h"

/* Blocks after this are timestamps (mainnet's genesis time): what geth uses
 * to tell a FORK_NEXT that is a time from one that is a block number. */
#define TIMESTAMP_THRESHOLD 1438269973ULL

uint32_t forkid_crc32(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint32_t) - (int32_t)(crc & 1));
  }
  return ~crc;
}

/* Whether fork f counts in fork ids. ethc's built-in mainnet names the merge
 * block as mergeNetsplitBlock, to know post-merge blocks by number; geth's
 * mainnet configuration (what every mainnet peer hashes) has none, so on chain
 * id 1 that activation is left out. */
static bool counted(const chain_config_t *cfg, int f) {
  static const u256_t one = {{1, 0, 0, 0}};
  return !(f == FORK_MERGE_NETSPLIT && u256_eq(&cfg->chain_id, &one));
}

/* Appends the distinct activations of forks [first, last) above `floor`, in
 * ascending order. Returns the new count. */
static size_t gather(const chain_config_t *cfg, int first, int last, uint64_t floor, uint64_t *out, size_t n) {
  uint64_t prev = floor;
  for (;;) {
    uint64_t next = UINT64_MAX;
    for (int f = first; f < last; f++) {
      if (!counted(cfg, f)) continue;
      uint64_t a = cfg->activation[f];
      if (a != CHAIN_NEVER && a > prev && a < next) next = a;
    }
    if (next == UINT64_MAX || n == FORKID_MAX_FORKS) return n;
    out[n++] = next;
    prev = next;
  }
}

void forkid_schedule(const chain_config_t *cfg, const ethc_hash_t *genesis, uint64_t genesis_time,
                     forkid_schedule_t *out) {
  memset(out, 0, sizeof *out);
  out->n_block = gather(cfg, 0, FORK_FIRST_TIMED, 0, out->forks, 0);
  out->n = gather(cfg, FORK_FIRST_TIMED, FORK_COUNT, genesis_time, out->forks, out->n_block);
  uint32_t crc = forkid_crc32(0, genesis->bytes, 32);
  out->sums[0] = crc;
  for (size_t i = 0; i < out->n; i++) {
    uint8_t be[8];
    for (int k = 0; k < 8; k++) be[k] = (uint8_t)(out->forks[i] >> (56 - 8 * k));
    crc = forkid_crc32(crc, be, 8);
    out->sums[i + 1] = crc;
  }
}

/* Whether fork i has passed at head (number, time). */
static bool passed(const forkid_schedule_t *s, size_t i, uint64_t number, uint64_t time) {
  return (i < s->n_block ? number : time) >= s->forks[i];
}

forkid_t forkid_at(const forkid_schedule_t *s, uint64_t number, uint64_t time) {
  size_t i = 0;
  while (i < s->n && passed(s, i, number, time)) i++;
  forkid_t id = {s->sums[i], i < s->n ? s->forks[i] : 0};
  return id;
}

forkid_verdict_t forkid_validate(const forkid_schedule_t *s, uint64_t number, uint64_t time, const forkid_t *remote) {
  /* i: the first fork not passed locally (s->n when all have passed) */
  size_t i = 0;
  while (i < s->n && passed(s, i, number, time)) i++;
  /* rule 1: same checksum; 1a: the peer's next fork passed here unnoticed */
  if (s->sums[i] == remote->hash) {
    if (remote->next > 0 && (number >= remote->next || (remote->next > TIMESTAMP_THRESHOLD && time >= remote->next)))
      return FORKID_LOCAL_INCOMPATIBLE;
    return FORKID_OK;
  }
  /* rule 2: the peer's checksum is one of our past ones: it must know our next fork */
  for (size_t j = 0; j < i; j++)
    if (s->sums[j] == remote->hash) return s->forks[j] == remote->next ? FORKID_OK : FORKID_REMOTE_STALE;
  /* rule 3: one of our future checksums: we are behind */
  for (size_t j = i + 1; j <= s->n; j++)
    if (s->sums[j] == remote->hash) return FORKID_OK;
  /* rule 4 */
  return FORKID_LOCAL_INCOMPATIBLE;
}

const char *forkid_verdict_str(forkid_verdict_t v) {
  switch (v) {
    case FORKID_OK: return "compatible";
    case FORKID_REMOTE_STALE: return "remote needs update";
    case FORKID_LOCAL_INCOMPATIBLE: return "local incompatible or needs update";
  }
  return "unknown";
}

int forkid_encode(const forkid_t *id, bytes_buf_t *out) {
  uint8_t h[4] = {(uint8_t)(id->hash >> 24), (uint8_t)(id->hash >> 16), (uint8_t)(id->hash >> 8), (uint8_t)id->hash};
  size_t l = rlp_list_begin(out);
  int rc = rlp_put_bytes(out, h, 4);
  if (!rc) rc = rlp_put_u64(out, id->next);
  if (!rc) rc = rlp_list_end(out, l);
  return rc;
}

int forkid_decode_item(const rlp_item_t *item, forkid_t *out) {
  rlp_item_t f[2];
  int rc = rlp_list_items(item, f, 2);
  if (rc) return rc;
  uint8_t h[4];
  if ((rc = rlp_get_fixed(&f[0], h, 4)) || (rc = rlp_get_u64(&f[1], &out->next))) return rc;
  out->hash = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
  return 0;
}
