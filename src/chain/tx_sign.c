/* Transaction signatures: v/r/s rules per type and fork (Yellow Paper appendix F,
 * EIP-2 low s from Homestead, EIP-155 v = chain_id * 2 + 35/36, y parity 0/1 for
 * EIP-2718 types), sender recovery, EIP-7702 authority recovery and test signing. */
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"
#include "ethc/rlp.h"
#include "ethc/secp256k1.h"
#include "ethc/tx.h"

/* The recovery id encoded by tx->v, or -1 if v is not valid for the type and fork. */
static int recovery_id(const tx_t *tx, evm_revision_t rev) {
  const u256_t *v = &tx->v;
  if (tx->type != TX_LEGACY) {
    if (!u256_fits_u64(v) || v->w[0] > 1) return -1;
    return (int)v->w[0];
  }
  if (u256_fits_u64(v) && (v->w[0] == 27 || v->w[0] == 28)) {
    if (tx->has_chain_id) return -1; /* inconsistent hand-built tx */
    return (int)(v->w[0] - 27);
  }
  /* EIP-155 from Spurious Dragon: v = chain_id * 2 + 35 + recid. */
  if (rev < EVM_SPURIOUS_DRAGON || !tx->has_chain_id) return -1;
  if (u256_fits_u64(v) && v->w[0] < 35) return -1;
  u256_t expect = tx->chain_id, k35 = u256_from_u64(35);
  /* chain_id * 2 must not wrap; then compare v with 2c + 35 and 2c + 36. */
  if (expect.w[3] >> 63) return -1;
  for (int i = 3; i >= 0; i--) expect.w[i] = (expect.w[i] << 1) | (i > 0 ? expect.w[i - 1] >> 63 : 0);
  u256_t sum;
  u256_add(&sum, &expect, &k35);
  if (u256_lt(&sum, &expect)) return -1; /* wrapped */
  if (u256_eq(&sum, v)) return 0;
  u256_t one = U256_ONE;
  u256_add(&sum, &sum, &one);
  if (!u256_is_zero(&sum) && u256_eq(&sum, v)) return 1;
  return -1;
}

int tx_recover_sender(const tx_t *tx, evm_revision_t rev, ethc_address_t *sender) {
  if (!tx || !sender) return ETHC_ERR_INVALID;
  int recid = recovery_id(tx, rev);
  if (recid < 0) return ETHC_ERR_TX_SIGNATURE;
  bool low_s = tx->type != TX_LEGACY || rev >= EVM_HOMESTEAD;
  uint8_t r[32], s[32];
  u256_to_be(&tx->r, r);
  u256_to_be(&tx->s, s);
  if (!ethc_secp256k1_valid_rs(r, s, low_s)) return ETHC_ERR_TX_SIGNATURE;
  ethc_hash_t h;
  int rc = tx_signing_hash(tx, &h);
  if (rc) return rc;
  rc = ethc_secp256k1_recover_address(h.bytes, recid, r, s, low_s, sender);
  return rc ? ETHC_ERR_TX_SIGNATURE : ETHC_OK;
}

int tx_authority_recover(const tx_authorization_t *auth, ethc_address_t *authority) {
  if (!auth || !authority) return ETHC_ERR_INVALID;
  if (auth->y_parity > 1) return ETHC_ERR_TX_SIGNATURE;
  uint8_t r[32], s[32];
  u256_to_be(&auth->r, r);
  u256_to_be(&auth->s, s);
  if (!ethc_secp256k1_valid_rs(r, s, true)) return ETHC_ERR_TX_SIGNATURE;
  /* keccak(MAGIC 0x05 || rlp([chain_id, address, nonce])) */
  bytes_buf_t b = {0};
  int rc = bytes_buf_push(&b, 0x05);
  size_t l = rlp_list_begin(&b);
  if (!rc) rc = rlp_put_u256(&b, &auth->chain_id);
  if (!rc) rc = rlp_put_bytes(&b, auth->address.bytes, 20);
  if (!rc) rc = rlp_put_u64(&b, auth->nonce);
  if (!rc) rc = rlp_list_end(&b, l);
  uint8_t h[32];
  if (!rc) keccak256(b.data, b.len, h);
  bytes_buf_free(&b);
  if (rc) return rc;
  rc = ethc_secp256k1_recover_address(h, auth->y_parity, r, s, true, authority);
  return rc ? ETHC_ERR_TX_SIGNATURE : ETHC_OK;
}

int tx_sign(tx_t *tx, const uint8_t seckey[32]) {
  if (!tx || !seckey) return ETHC_ERR_INVALID;
  ethc_hash_t h;
  int rc = tx_signing_hash(tx, &h);
  if (rc) return rc;
  uint8_t r[32], s[32];
  int recid;
  if ((rc = ethc_secp256k1_sign(seckey, h.bytes, r, s, &recid))) return rc;
  u256_from_be(&tx->r, r);
  u256_from_be(&tx->s, s);
  if (tx->type != TX_LEGACY) {
    tx->v = u256_from_u64((uint64_t)recid);
  } else if (!tx->has_chain_id) {
    tx->v = u256_from_u64(27u + (uint64_t)recid);
  } else {
    u256_t v = tx->chain_id, k = u256_from_u64(35u + (uint64_t)recid);
    u256_add(&v, &v, &tx->chain_id);
    u256_add(&v, &v, &k);
    tx->v = v;
  }
  return ETHC_OK;
}
