/* libFuzzer harness for blob transactions in their network form (the eth/68
 * PooledTransactions and eth_sendRawTransaction form, EIP-4844 / EIP-7594
 * wrappers: tx_decode_network) and the pool's sidecar check
 * (txpool_blob_check_sidecar: versions, counts, versioned hashes, KZG blob
 * proofs). Two shapes per input: the bytes decoded as they are, and a blob
 * transaction built from them (blob data repeated from the input, commitment
 * and proof fuzzer-chosen or the point at infinity, one byte of the encoding
 * flipped where the input says), since random bytes seldom reach a whole
 * 128 KiB blob. Whatever decodes must re-encode to the same bytes, keep
 * counts and hashes consistent, and be checked without crashing; a version-0
 * sidecar of several blobs is judged by verify_blob_kzg_proof_batch exactly
 * as by verify_blob_kzg_proof blob by blob. */
#include <stdlib.h>
#include <string.h>

#include "ethc/bytes.h"
#include "ethc/error.h"
#include "ethc/kzg.h"
#include "ethc/tx.h"
#include "fuzz_input.h"
#include "node/txpool.h"

/* Checks whatever decodes; the sidecar against fork revs[rev % 3]. */
static void check_decoded(const uint8_t *data, size_t size, unsigned rev) {
  tx_t tx;
  tx_sidecar_t sc;
  if (tx_decode_network(data, size, &tx, &sc)) return;
  bytes_buf_t b = {0};
  must(tx_encode_network(&tx, tx.type == TX_BLOB ? &sc : NULL, &b) == 0);
  must(b.len == size && memcmp(b.data, data, size) == 0);
  bytes_buf_free(&b);
  if (tx.type == TX_BLOB) {
    must(sc.blobs_count == tx.blob_hashes_count && sc.commitments_count == sc.blobs_count);
    must(sc.proofs_count == sc.blobs_count * (sc.wrapper_version ? TX_CELLS_PER_EXT_BLOB : 1));
    for (size_t i = 0; i < sc.commitments_count; i++) { /* the decoder checked the versioned hashes */
      uint8_t vh[32];
      kzg_commitment_to_versioned_hash(sc.commitments[i], vh);
      must(!memcmp(vh, tx.blob_hashes[i].bytes, 32));
    }
    if (sc.wrapper_version == 0 && sc.blobs_count > 1) { /* the batch verifier judges as the single one does */
      bool all = true, any_invalid = false, ok = false;
      for (size_t i = 0; i < sc.blobs_count; i++) {
        bool one = false;
        int r1 = kzg_verify_blob_proof(sc.blobs[i], sc.commitments[i], sc.proofs[i], &one);
        any_invalid |= r1 == ETHC_ERR_INVALID;
        all &= r1 == 0 && one;
      }
      int rb = kzg_verify_blob_proof_batch(sc.blobs, sc.commitments, sc.proofs, sc.blobs_count, &ok);
      if (rb != ETHC_ERR_NOMEM) must(any_invalid ? rb == ETHC_ERR_INVALID && !ok : rb == 0 && ok == all);
    }
    char err[200];
    static const evm_revision_t revs[] = {EVM_CANCUN, EVM_PRAGUE, EVM_OSAKA};
    int rc = txpool_blob_check_sidecar(&tx, &sc, revs[rev % 3], err, sizeof err);
    must(rc == 0 || rc == ETHC_ERR_NOMEM || txpool_err_blames_sender(err));
  }
  tx_free(&tx);
  tx_sidecar_free(&sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_decoded(data, size, size ? data[0] : 0);
  /* a built blob transaction: header bytes, then the blob pattern */
  rd_t r = {data, size};
  uint8_t flags = 0, nblobs = 0, flip_hi = 0, flip_lo = 0, flip_val = 0;
  if (!rd_byte(&r, &flags) || !rd_byte(&r, &nblobs) || !rd_byte(&r, &flip_hi) || !rd_byte(&r, &flip_lo) ||
      !rd_byte(&r, &flip_val))
    return 0;
  nblobs = (uint8_t)(nblobs % 3);
  size_t got;
  const uint8_t *pt = rd_take(&r, 96, &got);
  /* flags: 1 fuzzer points, 2 fuzzer blob data, 4 flip a byte, 8 version 1 (one blob, 128 cell proofs) */
  bool v1 = flags & 8;
  if (v1) nblobs = 1;
  static uint8_t commit[2][48], proof[2 * TX_CELLS_PER_EXT_BLOB][48];
  for (size_t i = 0; i < 2 * TX_CELLS_PER_EXT_BLOB; i++) {
    memset(proof[i], 0, 48);
    proof[i][0] = 0xc0;
    if (flags & 1 && got == 96) memcpy(proof[i], pt + 48, 48);
  }
  for (int i = 0; i < 2; i++) {
    memset(commit[i], 0, 48);
    commit[i][0] = 0xc0;
    if (flags & 1 && got == 96) memcpy(commit[i], pt, 48);
  }
  static uint8_t blob[TX_BLOB_SIZE];
  memset(blob, 0, sizeof blob);
  if (flags & 2 && r.n)
    for (size_t i = 0; i < TX_BLOB_SIZE; i++) blob[i] = r.p[i % r.n];
  const uint8_t *bl[2] = {blob, blob};
  ethc_hash_t vh[2];
  for (int i = 0; i < 2; i++) kzg_commitment_to_versioned_hash(commit[i], vh[i].bytes);
  tx_t t = {.type = TX_BLOB,
            .has_chain_id = true,
            .chain_id = u256_from_u64(1),
            .gas_limit = 21000,
            .has_to = true,
            .blob_hashes = vh,
            .blob_hashes_count = nblobs,
            .r = u256_from_u64(1),
            .s = u256_from_u64(1)};
  tx_sidecar_t sc = {.wrapper_version = v1,
                     .blobs_count = nblobs,
                     .blobs = bl,
                     .commitments_count = nblobs,
                     .commitments = (const uint8_t(*)[48])commit,
                     .proofs_count = nblobs * (v1 ? TX_CELLS_PER_EXT_BLOB : 1),
                     .proofs = (const uint8_t(*)[48])proof};
  bytes_buf_t b = {0};
  if (tx_encode_network(&t, &sc, &b) == 0) {
    if (flags & 4 && b.len) b.data[((size_t)flip_hi << 8 | flip_lo) * 7 % b.len] ^= flip_val;
    check_decoded(b.data, b.len, v1 ? 2 : flags >> 4);
  }
  bytes_buf_free(&b);
  return 0;
}
