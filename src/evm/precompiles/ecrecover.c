/* Precompile 0x01 ECRECOVER (Yellow Paper appendix E): input hash, v, r, s as four
 * 32-byte words (zero-padded); output the signer's address left-padded to 32 bytes,
 * or nothing when the signature is invalid (the call itself still succeeds). */
#include <string.h>

#include "ethc/precompiles.h"
#include "ethc/secp256k1.h"

static int64_t ecrecover_gas(const uint8_t *in, size_t len, evm_revision_t rev) {
  (void)in;
  (void)len;
  (void)rev;
  return 3000;
}

static int ecrecover_run(const uint8_t *in, size_t len, evm_revision_t rev, bytes_buf_t *out) {
  (void)rev;
  uint8_t buf[128] = {0};
  if (len) memcpy(buf, in, len < 128 ? len : 128);
  for (int i = 32; i < 63; i++)
    if (buf[i] != 0) return 0;
  if (buf[63] != 27 && buf[63] != 28) return 0;
  ethc_address_t addr;
  if (ethc_secp256k1_recover_address(buf, buf[63] - 27, buf + 64, buf + 96, false, &addr) != 0) return 0;
  uint8_t word[32] = {0};
  memcpy(word + 12, addr.bytes, 20);
  return bytes_buf_append(out, word, 32);
}

const evm_precompile_t evm_precompile_ecrecover = {"ecRecover", EVM_FRONTIER, ecrecover_gas, ecrecover_run};
