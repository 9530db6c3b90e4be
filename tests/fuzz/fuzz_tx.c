/* libFuzzer harness for the transaction codecs (src/chain/tx_codec.c) and rules:
 * any input must decode or fail cleanly; whatever decodes must re-encode to exactly
 * the input (the decoder accepts only canonical forms), hash, validate and recover
 * without crashing, in the canonical, block-item and network (blob wrapper) forms. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/tx.h"

static void must(int cond) {
  if (!cond) __builtin_trap();
}

static void exercise(const tx_t *tx, const uint8_t *data, size_t size) {
  bytes_buf_t b = {0};
  must(tx_encode(tx, &b) == 0);
  must(b.len == size && memcmp(b.data, data, size) == 0);
  tx_t again;
  must(tx_decode(b.data, b.len, &again) == 0);
  bytes_buf_t c = {0};
  must(tx_encode(&again, &c) == 0 && c.len == b.len && memcmp(c.data, b.data, b.len) == 0);
  tx_free(&again);
  bytes_buf_free(&c);
  bytes_buf_free(&b);

  ethc_hash_t h;
  must(tx_hash(tx, &h) == 0);
  must(tx_signing_hash(tx, &h) == 0);
  const u256_t chain_id = u256_from_u64(1);
  static const evm_revision_t revs[] = {EVM_FRONTIER, EVM_HOMESTEAD, EVM_SPURIOUS_DRAGON, EVM_BERLIN, EVM_LONDON,
                                        EVM_SHANGHAI, EVM_CANCUN,    EVM_PRAGUE,          EVM_OSAKA};
  for (size_t i = 0; i < sizeof revs / sizeof revs[0]; i++) {
    (void)tx_intrinsic_gas(tx, revs[i]);
    (void)tx_floor_data_gas(tx, revs[i]);
    (void)tx_validate(tx, revs[i], &chain_id);
  }
  ethc_address_t sender;
  (void)tx_recover_sender(tx, EVM_PRAGUE, &sender);
  for (size_t i = 0; i < tx->authorizations_count && i < 4; i++)
    (void)tx_authority_recover(&tx->authorizations[i], &sender);
  (void)tx_blob_gas(tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tx_t tx;
  if (tx_decode(data, size, &tx) == 0) {
    exercise(&tx, data, size);
    tx_free(&tx);
  }
  if (tx_decode_item(data, size, &tx) == 0) tx_free(&tx);

  tx_sidecar_t sc;
  if (tx_decode_network(data, size, &tx, &sc) == 0) {
    bytes_buf_t b = {0};
    must(tx_encode_network(&tx, sc.blobs_count || tx.type == TX_BLOB ? &sc : NULL, &b) == 0);
    must(b.len == size && memcmp(b.data, data, size) == 0);
    bytes_buf_free(&b);
    tx_free(&tx);
    tx_sidecar_free(&sc);
  }
  return 0;
}
