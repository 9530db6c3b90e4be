/* secp256k1 glue over libsecp256k1 (Yellow Paper appendix F, EIP-2 low-s): one
 * shared context, public key recovery, Ethereum addresses, and signing for tests. */
#include "ethc/secp256k1.h"

#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <string.h>

#include "ethc/error.h"
#include "ethc/keccak.h"

static secp256k1_context *shared_ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

static void make_context(void) {
  shared_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  if (shared_ctx) {
    /* Blinding for signing; a fixed seed is fine since signing is for tests only. */
    uint8_t seed[32];
    for (int i = 0; i < 32; i++) seed[i] = (uint8_t)(0x5a ^ i);
    if (!secp256k1_context_randomize(shared_ctx, seed)) { /* unblinded signing still works */
    }
  }
}

static const secp256k1_context *ctx(void) {
  pthread_once(&ctx_once, make_context);
  return shared_ctx ? shared_ctx : secp256k1_context_static;
}

/* The group order n and n/2, big-endian. */
static const uint8_t N[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                              0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                              0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
static const uint8_t HALF_N[32] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xff, 0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4,
                                   0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

static bool is_zero32(const uint8_t x[32]) {
  uint8_t acc = 0;
  for (int i = 0; i < 32; i++) acc |= x[i];
  return acc == 0;
}

bool ethc_secp256k1_valid_rs(const uint8_t r[32], const uint8_t s[32], bool require_low_s) {
  if (is_zero32(r) || is_zero32(s)) return false;
  if (memcmp(r, N, 32) >= 0 || memcmp(s, N, 32) >= 0) return false;
  if (require_low_s && memcmp(s, HALF_N, 32) > 0) return false;
  return true;
}

int ethc_secp256k1_recover(const uint8_t hash[32], int recid, const uint8_t r[32], const uint8_t s[32],
                           bool require_low_s, uint8_t pubkey[64]) {
  if (recid != 0 && recid != 1) return ETHC_ERR_INVALID;
  if (!ethc_secp256k1_valid_rs(r, s, require_low_s)) return ETHC_ERR_TX_SIGNATURE;
  uint8_t compact[64];
  memcpy(compact, r, 32);
  memcpy(compact + 32, s, 32);
  const secp256k1_context *c = ctx();
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(c, &sig, compact, recid)) return ETHC_ERR_TX_SIGNATURE;
  secp256k1_pubkey pk;
  if (!secp256k1_ecdsa_recover(c, &pk, &sig, hash)) return ETHC_ERR_TX_SIGNATURE;
  uint8_t ser[65];
  size_t ser_len = sizeof ser;
  secp256k1_ec_pubkey_serialize(c, ser, &ser_len, &pk, SECP256K1_EC_UNCOMPRESSED);
  memcpy(pubkey, ser + 1, 64);
  return ETHC_OK;
}

void ethc_secp256k1_pubkey_to_address(const uint8_t pubkey[64], ethc_address_t *addr) {
  uint8_t h[32];
  keccak256(pubkey, 64, h);
  memcpy(addr->bytes, h + 12, 20);
}

int ethc_secp256k1_recover_address(const uint8_t hash[32], int recid, const uint8_t r[32], const uint8_t s[32],
                                   bool require_low_s, ethc_address_t *addr) {
  uint8_t pk[64];
  int err = ethc_secp256k1_recover(hash, recid, r, s, require_low_s, pk);
  if (err) return err;
  ethc_secp256k1_pubkey_to_address(pk, addr);
  return ETHC_OK;
}

int ethc_secp256k1_pubkey_create(const uint8_t seckey[32], uint8_t pubkey[64]) {
  const secp256k1_context *c = ctx();
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_create(c, &pk, seckey)) return ETHC_ERR_INVALID;
  uint8_t ser[65];
  size_t ser_len = sizeof ser;
  secp256k1_ec_pubkey_serialize(c, ser, &ser_len, &pk, SECP256K1_EC_UNCOMPRESSED);
  memcpy(pubkey, ser + 1, 64);
  return ETHC_OK;
}

int ethc_secp256k1_sign(const uint8_t seckey[32], const uint8_t hash[32], uint8_t r[32], uint8_t s[32], int *recid) {
  const secp256k1_context *c = ctx();
  if (c == secp256k1_context_static) return ETHC_ERR_NOMEM; /* signing needs a real context */
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_sign_recoverable(c, &sig, hash, seckey, NULL, NULL)) return ETHC_ERR_INVALID;
  uint8_t compact[64];
  int id = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(c, compact, &id, &sig);
  memcpy(r, compact, 32);
  memcpy(s, compact + 32, 32);
  *recid = id;
  return ETHC_OK;
}
