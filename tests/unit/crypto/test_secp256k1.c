/* secp256k1 glue: address of key 1, sign/recover round trips for both recovery
 * ids, the r/s range and low-s rules (EIP-2), and bad recovery ids. */
#include <string.h>

#include "check.h"
#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/secp256k1.h"

static const uint8_t N[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                              0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                              0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};

/* out = n - s (big-endian). */
static void n_minus(const uint8_t s[32], uint8_t out[32]) {
  int borrow = 0;
  for (int i = 31; i >= 0; i--) {
    int d = N[i] - s[i] - borrow;
    borrow = d < 0;
    out[i] = (uint8_t)(d + (borrow ? 256 : 0));
  }
}

/* x + delta (small, may be negative), big-endian, no overflow checks. */
static void add_small(const uint8_t x[32], int delta, uint8_t out[32]) {
  memcpy(out, x, 32);
  int carry = delta;
  for (int i = 31; i >= 0 && carry; i--) {
    int v = out[i] + carry;
    carry = 0;
    while (v < 0) {
      v += 256;
      carry--;
    }
    while (v > 255) {
      v -= 256;
      carry++;
    }
    out[i] = (uint8_t)v;
  }
}

int main(void) {
  uint8_t key[32] = {0}, pub[64], pub2[64];
  key[31] = 1;
  CHECK(ethc_secp256k1_pubkey_create(key, pub) == 0);
  ethc_address_t addr, want;
  ethc_secp256k1_pubkey_to_address(pub, &addr);
  CHECK(hex_decode_fixed("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf", true, want.bytes, 20) == 0);
  CHECK(ethc_address_eq(&addr, &want));

  uint8_t zero[32] = {0};
  CHECK(ethc_secp256k1_pubkey_create(zero, pub2) == ETHC_ERR_INVALID);
  CHECK(ethc_secp256k1_pubkey_create(N, pub2) == ETHC_ERR_INVALID);

  /* Sign/recover round trips with several keys and messages. */
  int roundtrip_bad = 0, seen_recid[2] = {0, 0};
  for (int k = 1; k <= 40; k++) {
    uint8_t sk[32], hash[32], r[32], s[32];
    memset(sk, 0, 32);
    sk[0] = (uint8_t)k;
    sk[31] = (uint8_t)(k * 7);
    uint8_t msg[1] = {(uint8_t)k};
    keccak256(msg, 1, hash);
    int recid = -1;
    if (ethc_secp256k1_sign(sk, hash, r, s, &recid) != 0) {
      roundtrip_bad++;
      continue;
    }
    if (recid != 0 && recid != 1) {
      roundtrip_bad++;
      continue;
    }
    seen_recid[recid]++;
    ethc_secp256k1_pubkey_create(sk, pub);
    if (ethc_secp256k1_recover(hash, recid, r, s, true, pub2) != 0 || memcmp(pub, pub2, 64) != 0) roundtrip_bad++;
    /* The other recovery id yields a different key (or none). */
    if (ethc_secp256k1_recover(hash, 1 - recid, r, s, false, pub2) == 0 && memcmp(pub, pub2, 64) == 0) roundtrip_bad++;
    /* High-s twin: (r, n - s) with the other recid is the same signer, allowed only
     * without the low-s rule. */
    uint8_t hs[32];
    n_minus(s, hs);
    if (ethc_secp256k1_recover(hash, 1 - recid, r, hs, false, pub2) != 0 || memcmp(pub, pub2, 64) != 0) roundtrip_bad++;
    if (ethc_secp256k1_recover(hash, 1 - recid, r, hs, true, pub2) != ETHC_ERR_TX_SIGNATURE) roundtrip_bad++;
    if (k == 1) {
      ethc_address_t a1, a2;
      ethc_secp256k1_pubkey_to_address(pub, &a1);
      CHECK(ethc_secp256k1_recover_address(hash, recid, r, s, true, &a2) == 0);
      CHECK(ethc_address_eq(&a1, &a2));
      CHECK(ethc_secp256k1_recover(hash, 2, r, s, false, pub2) == ETHC_ERR_INVALID);
      CHECK(ethc_secp256k1_recover(hash, -1, r, s, false, pub2) == ETHC_ERR_INVALID);
      CHECK(ethc_secp256k1_recover_address(hash, 0, zero, s, false, &a2) == ETHC_ERR_TX_SIGNATURE);
    }
  }
  CHECK_MSG(roundtrip_bad == 0, "%d round-trip problems", roundtrip_bad);
  CHECK(seen_recid[0] > 0 && seen_recid[1] > 0);

  /* Range rules. */
  uint8_t one[32] = {0}, half[32], half1[32], nm1[32];
  one[31] = 1;
  CHECK(ethc_secp256k1_valid_rs(one, one, true));
  CHECK(!ethc_secp256k1_valid_rs(zero, one, false));
  CHECK(!ethc_secp256k1_valid_rs(one, zero, false));
  CHECK(!ethc_secp256k1_valid_rs(N, one, false));
  CHECK(!ethc_secp256k1_valid_rs(one, N, false));
  add_small(N, -1, nm1);
  CHECK(ethc_secp256k1_valid_rs(nm1, nm1, false));
  CHECK(!ethc_secp256k1_valid_rs(nm1, nm1, true));
  /* n/2 = (n - 1) / 2 since n is odd */
  memcpy(half, nm1, 32);
  for (int i = 0, carry = 0; i < 32; i++) {
    int v = half[i] | (carry << 8);
    half[i] = (uint8_t)(v >> 1);
    carry = v & 1;
  }
  add_small(half, 1, half1);
  CHECK(ethc_secp256k1_valid_rs(one, half, true));
  CHECK(!ethc_secp256k1_valid_rs(one, half1, true));
  CHECK(ethc_secp256k1_valid_rs(one, half1, false));
  /* r not the x of any point: x = 5 has no y on the curve (5^3 + 7 = 132 is not a square
   * mod p), so recovery must fail cleanly. */
  uint8_t five[32] = {0}, h[32] = {0};
  five[31] = 5;
  h[31] = 9;
  CHECK(ethc_secp256k1_recover(h, 0, five, one, false, pub2) == ETHC_ERR_TX_SIGNATURE);
  return check_summary();
}
