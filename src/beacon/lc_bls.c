/* The sync committee's signature check (consensus-specs altair/light-client/
 * sync-protocol.md, validate_light_client_update's FastAggregateVerify over the
 * participants' keys) with the project's BLS12-381.
 *
 * Decompressing a key (a square root and a subgroup check) is the cost: ~0.25 ms,
 * so 512 of them dwarf the one pairing check. When more than half the committee
 * signs, the participants' sum is taken as the committee's aggregate_pubkey minus
 * the absent members' keys, which needs only the absent keys and one subgroup
 * check of the result. aggregate_pubkey is the sum of the keys by construction
 * (eth_aggregate_pubkeys) and sits under the same proven root as the keys; should
 * the shortcut say "no" (a committee whose aggregate is not that sum), the
 * participants' keys are summed one by one as the spec does, so a "no" is always
 * the spec's. A "yes" differs from the spec's only for a committee holding a key
 * that fails KeyValidate (off the subgroup, or the identity), which the beacon
 * chain never admits (deposits carry a proof of possession). */
#include <string.h>

#include "ethc/bls12_381.h"
#include "ethc/error.h"
#include "lc_internal.h"

/* The BLS12-381 base field modulus p, big-endian. */
static const uint8_t P[48] = {0x1a, 0x01, 0x11, 0xea, 0x39, 0x7f, 0xe6, 0x9a, 0x4b, 0x1b, 0xa7, 0xb6,
                              0x43, 0x4b, 0xac, 0xd7, 0x64, 0x77, 0x4b, 0x84, 0xf3, 0x85, 0x12, 0xbf,
                              0x67, 0x30, 0xd2, 0xa0, 0xf6, 0xb0, 0xf6, 0x24, 0x1e, 0xab, 0xff, 0xfe,
                              0xb1, 0x53, 0xff, 0xff, 0xb9, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xaa, 0xab};

/* -P for an EIP-2537 G1 point (x: bytes 16..63, y: bytes 80..127): y = p - y. */
static void g1_negate(uint8_t pt[BLS12_G1_SIZE]) {
  uint8_t *y = pt + 64 + 16;
  bool zero = true;
  for (int i = 0; i < 48; i++)
    if (y[i]) zero = false;
  if (zero) return; /* the identity (or y = 0): its own negation */
  int borrow = 0;
  for (int i = 47; i >= 0; i--) {
    int d = (int)P[i] - (int)y[i] - borrow;
    borrow = d < 0;
    y[i] = (uint8_t)(d + (borrow ? 256 : 0));
  }
}

/* aggregate_pubkey minus the absent keys, compressed; false when a key does not
 * decode or the sum is not a usable key. */
static bool complement_key(const beacon_sync_committee_t *c, uint32_t n, const uint8_t *bits, uint8_t out[48]) {
  uint8_t acc[2 * BLS12_G1_SIZE];
  if (bls12_g1_decompress(c->aggregate_pubkey, false, acc) != 0) return false;
  for (uint32_t i = 0; i < n; i++) {
    if (bits[i / 8] >> (i % 8) & 1) continue;
    if (bls12_g1_decompress(c->pubkeys[i], false, acc + BLS12_G1_SIZE) != 0) return false;
    g1_negate(acc + BLS12_G1_SIZE);
    if (bls12_g1_add(acc, sizeof acc, acc) != 0) return false;
  }
  return bls12_g1_compress(acc, out) == 0;
}

int lc_verify_sync_signature(const beacon_sync_committee_t *c, uint32_t n, const uint8_t *bits,
                             const uint8_t signing_root[32], const uint8_t sig[96], bool *ok) {
  *ok = false;
  static _Thread_local uint8_t pks[BEACON_SYNC_COMMITTEE_MAX][48];
  size_t k = 0;
  for (uint32_t i = 0; i < n; i++)
    if (bits[i / 8] >> (i % 8) & 1) memcpy(pks[k++], c->pubkeys[i], 48);
  if (k == 0) return ETHC_ERR_INVALID;
  if (2 * k > n) {
    uint8_t agg[48];
    bool fast = false;
    if (complement_key(c, n, bits, agg) && bls12_verify(agg, signing_root, 32, sig, &fast) == 0 && fast) {
      *ok = true;
      return 0;
    }
  }
  return bls12_fast_aggregate_verify((const uint8_t(*)[48])pks, k, signing_root, 32, sig, ok);
}
