/* libFuzzer harness for the SSZ decoders of the light-client containers
 * (src/beacon/ssz_decode.c, consensus-specs ssz/simple-serialize.md) and the Snappy
 * block decoder. The first input byte picks the container, the fork (Altair to
 * Fulu) and the committee size (32 or 512); the rest is the SSZ (or, with bit 7,
 * Snappy-compressed SSZ). Decoding must never crash; an accepted container must
 * hash (hash_tree_root of its parts), decode again to the same struct, encode
 * back to exactly the input (strict decoding admits only the canonical form), and
 * its short prefixes must be refused. */
#include <stdlib.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/light_client.h"
#include "ethc/ssz.h"
#include "fuzz_input.h"

typedef union {
  beacon_lc_header_t header;
  beacon_lc_bootstrap_t bootstrap;
  beacon_lc_update_t update;
  beacon_lc_finality_update_t finality;
  beacon_lc_optimistic_update_t optimistic;
} any_t;

static any_t a, b;

static int decode(unsigned kind, const uint8_t *p, size_t n, beacon_fork_t fork, uint32_t size, any_t *out) {
  switch (kind) {
    case 0: return ssz_decode_lc_header(p, n, fork, &out->header);
    case 1: return ssz_decode_lc_bootstrap(p, n, fork, size, &out->bootstrap);
    case 2: return ssz_decode_lc_update(p, n, fork, size, &out->update);
    case 3: return ssz_decode_lc_finality_update(p, n, fork, size, &out->finality);
    default: return ssz_decode_lc_optimistic_update(p, n, fork, size, &out->optimistic);
  }
}

/* Decoding is strict, so an accepted input is the one canonical encoding. */
static size_t encode(unsigned kind, const any_t *x, uint32_t size, uint8_t *out, size_t cap) {
  switch (kind) {
    case 0: return ssz_encode_lc_header(&x->header, out, cap);
    case 1: return ssz_encode_lc_bootstrap(&x->bootstrap, size, out, cap);
    case 2: return ssz_encode_lc_update(&x->update, size, out, cap);
    case 3: return ssz_encode_lc_finality_update(&x->finality, size, out, cap);
    default: return ssz_encode_lc_optimistic_update(&x->optimistic, size, out, cap);
  }
}

static void hash_header(const beacon_lc_header_t *h) {
  uint8_t r[32];
  ssz_root_block_header(&h->beacon, r);
  ssz_root_execution_header(&h->execution, h->fork, r);
  must(h->execution.extra_data_len <= BEACON_MAX_EXTRA_DATA);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t sel = data[0];
  unsigned kind = sel % 5;
  beacon_fork_t fork = (beacon_fork_t)(BEACON_FORK_ALTAIR + (sel / 5) % 6);
  uint32_t csize = (sel & 0x40) ? 512 : 32;
  const uint8_t *p = data + 1;
  size_t n = size - 1;
  uint8_t *plain = NULL;
  if (sel & 0x80) {
    size_t plen;
    int rc = ssz_snappy_block_decode(p, n, 1u << 20, &plain, &plen);
    must(rc == 0 || rc == ETHC_ERR_INVALID);
    if (rc) return 0;
    p = plain;
    n = plen;
  }
  /* The union is as large as its largest member: clear both copies so that the
   * comparison below sees only what this decode wrote. */
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  int rc = decode(kind, p, n, fork, csize, &a);
  must(rc == 0 || rc == ETHC_ERR_INVALID);
  if (rc == 0) {
    must(decode(kind, p, n, fork, csize, &b) == 0 && memcmp(&a, &b, sizeof a) == 0);
    size_t en = encode(kind, &a, csize, NULL, 0);
    must(en == n);
    uint8_t *enc = malloc(en);
    must(enc != NULL && encode(kind, &a, csize, enc, en) == en && memcmp(enc, p, n) == 0);
    free(enc);
    /* Prefixes shorter than every container's fixed part (>= 112 bytes) are
     * refused; longer ones may be valid (the last variable field shrinks). */
    for (size_t cut = 0; cut < n && cut < 64; cut++) {
      static any_t c;
      must(decode(kind, p, cut, fork, csize, &c) != 0);
    }
    switch (kind) {
      case 0: hash_header(&a.header); break;
      case 1: {
        uint8_t r[32];
        hash_header(&a.bootstrap.header);
        ssz_root_sync_committee(&a.bootstrap.current_sync_committee, csize, r);
        break;
      }
      case 2: {
        uint8_t r[32];
        hash_header(&a.update.attested_header);
        hash_header(&a.update.finalized_header);
        ssz_root_sync_committee(&a.update.next_sync_committee, csize, r);
        break;
      }
      case 3:
        hash_header(&a.finality.attested_header);
        hash_header(&a.finality.finalized_header);
        break;
      default: hash_header(&a.optimistic.attested_header); break;
    }
  }
  free(plain);
  return 0;
}
